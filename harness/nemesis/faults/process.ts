/** What kill and pause need from the target: process control, refused early when it has none. */
import { UnsupportedFault } from '../../net/network.js';
import type { ProcessControl } from '../../targets/target.js';
import type { FaultEnv } from './fault.js';

export function requireProcessControl(env: FaultEnv, action: 'kill' | 'pause'): ProcessControl {
  const p = env.processes;
  const can = action === 'kill' ? p?.canKill : p?.canPause;
  if (!p || !can) {
    const needs = action === 'kill' ? 'kill/restart' : 'pause/resume';
    throw new UnsupportedFault(`this target has no process control for ${action} (give ${needs} commands in the topology file)`);
  }
  return p;
}
