export * from './checker.js';
export type { PartitionOpInfo, PartitionResult } from './partition.js';
export { checkPartition } from './partition.js';
export { type Prepared, type PreparedPartition, prepare } from './prepare.js';
export { type SearchOutcome, search } from './search.js';
