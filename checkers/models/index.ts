/** Model registry: by name, for the CLI (--model) and for worker threads. */
import type { Op } from '../history/types.js';
import { counterModel } from './counter.js';
import { kvModel } from './kv.js';
import { listAppendModel } from './list-append.js';
import { type Model, NON_DATA_FS } from './model.js';
import { registerModel } from './register.js';
import { setModel } from './set.js';

export * from './model.js';
export { counterModel, kvModel, listAppendModel, registerModel, setModel };

// Models are generic in their state/input/output; the registry stores them type-erased.
// biome-ignore lint/suspicious/noExplicitAny: heterogeneous registry
type AnyModel = Model<any, any, any>;

export const models = new Map<string, AnyModel>([
  [registerModel.name, registerModel],
  [kvModel.name, kvModel],
  [setModel.name, setModel],
  [listAppendModel.name, listAppendModel],
  [counterModel.name, counterModel],
]);

export function getModel(name: string): AnyModel {
  const m = models.get(name);
  if (m === undefined) throw new Error(`unknown model "${name}" (known: ${[...models.keys()].join(', ')})`);
  return m;
}

/** Guesses the model from the operations a history uses; undefined if ambiguous or unknown. */
export function inferModel(ops: readonly Op[]): string | undefined {
  const fs = new Set<string>();
  let readsArray = false;
  let addNumeric = true;
  for (const op of ops) {
    if (op.process === 'nemesis' || NON_DATA_FS.has(op.f)) continue;
    fs.add(op.f === 'final-read' ? 'read' : op.f);
    if (op.f === 'read' && op.type === 'ok' && Array.isArray(op.value)) readsArray = true;
    if (op.f === 'add' && op.type === 'invoke' && typeof op.value !== 'number') addNumeric = false;
  }
  const only = (...allowed: string[]): boolean => [...fs].every((f) => allowed.includes(f));
  if (fs.size === 0) return undefined;
  if (only('read', 'write', 'cas')) return 'register';
  if (only('get', 'put', 'append')) return 'kv';
  if (only('incr', 'read') || (only('add', 'read') && addNumeric && !readsArray && fs.has('add'))) return 'counter';
  if (only('add', 'read')) return 'set';
  if (only('append', 'read')) return 'list-append';
  return undefined;
}
