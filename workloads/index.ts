import { lockWorkload } from './lock.js';
import { lostWritesWorkload, minReplicasWorkload } from './min-replicas.js';
import { counterWorkload, listAppendWorkload, registerWorkload } from './register.js';
import { setWorkload } from './set.js';
import { txnAppendWorkload, txnRegisterWorkload } from './txn.js';
import { waitWorkload } from './wait.js';
import type { Workload } from './workload.js';

export const workloads = new Map<string, Workload>(
  [
    setWorkload,
    registerWorkload,
    counterWorkload,
    listAppendWorkload,
    waitWorkload,
    minReplicasWorkload,
    lostWritesWorkload,
    txnAppendWorkload,
    txnRegisterWorkload,
    lockWorkload,
  ].map((w) => [w.name, w]),
);

export function getWorkload(name: string): Workload {
  const w = workloads.get(name);
  if (!w) throw new Error(`unknown workload '${name}' (known: ${[...workloads.keys()].join(', ')})`);
  return w;
}
