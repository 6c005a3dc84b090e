export * from './checker.js';
export type { PartitionResult, PartitionOpInfo } from './partition.js';
export { checkPartition } from './partition.js';
export { prepare, type PreparedPartition, type Prepared } from './prepare.js';
export { search, type SearchOutcome } from './search.js';
