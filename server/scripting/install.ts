import type { Server } from '../server.js';
import { BUSY_EVAL, BUSY_FUNCTION } from './engine.js';

/**
 * While a script runs past busy-reply-threshold (it yields to the event loop between slices),
 * other clients get -BUSY except for commands flagged allow-busy (SCRIPT KILL, FUNCTION KILL,
 * SHUTDOWN NOSAVE, transactions' MULTI/DISCARD/WATCH ...), as Redis's processCommand.
 */
export function installScripting(server: Server): void {
  server.hooks.route.push((_c, spec) => {
    if (!server.scripting.busy && !server.functions.eng.busy) return null;
    if (spec.flags.includes('allow_busy')) return null;
    return server.scripting.busy ? BUSY_EVAL : BUSY_FUNCTION;
  });
}
