import type { Client } from './client.js';

/**
 * Redis's allowProtectedAction: what enable-protected-configs, enable-debug-command and
 * enable-module-command allow — always (yes), never (no), or from a local connection (local).
 */
export function allowProtectedAction(setting: 'no' | 'yes' | 'local', c: Client): boolean {
  return setting === 'yes' || (setting === 'local' && c.isLocal());
}
