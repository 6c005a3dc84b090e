import fs from 'node:fs';
import path from 'node:path';

/**
 * nodes.conf on disk. The brain renders and parses its content (Redis's format: one CLUSTER
 * NODES line per node, then `vars currentEpoch N lastVoteEpoch M`); here it is only read at
 * start and replaced atomically: temp file, rename, so a crash leaves the old or the new file,
 * never a torn one (Redis rewrites in place instead). Where Redis fsyncs (the brain says so: a
 * new node, a vote, an epoch or slot owner change, SAVECONFIG) the temp file's data are flushed
 * before the rename and the directory after it; elsewhere, as in Redis, the page cache is enough.
 */

export class NodesConfError extends Error {}

/** The file's content, or null when it does not exist or is empty (a fresh node, as Redis). */
export function readNodesConf(file: string): string | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'latin1');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new NodesConfError(`Loading the cluster node config from ${file}: ${(e as Error).message}`);
  }
  return text.length === 0 ? null : text;
}

/** Replace nodes.conf with `content` atomically; its data reach the disk before the rename when `fsync`. */
export function writeNodesConf(file: string, content: string, fsync: boolean): void {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.tmp-${process.pid}`);
  const data = Buffer.from(content, 'latin1');
  const fd = fs.openSync(tmp, 'w');
  try {
    for (let off = 0; off < data.length; ) off += fs.writeSync(fd, data, off, data.length - off);
    if (fsync) fs.fdatasyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  // The rename itself becomes durable with the directory's fsync, done off the event loop: the
  // file it points to is complete either way, and a save does not wait for two disk flushes.
  if (fsync) {
    fs.open(dir, 'r', (err, dfd) => {
      if (err) return;
      fs.fsync(dfd, () => fs.close(dfd, () => {}));
    });
  }
}
