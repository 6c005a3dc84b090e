/**
 * The RDB functions replication uses, from server/persistence/ (the persistence layer):
 * rdbSaveStream takes its snapshot synchronously at the call (copy-on-write per key while it
 * writes in slices), so the snapshot's offset is exactly the stream position at the call;
 * rdbLoad replaces the dataset (throws RdbError, leaving the data untouched).
 */

export { rdbLoad } from '../persistence/rdb-reader.js';
export { rdbSaveStream } from '../persistence/snapshot.js';
