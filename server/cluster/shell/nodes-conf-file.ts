import fs from 'node:fs';
import path from 'node:path';
import { fsyncDir, replaceFileDurably } from '../../persistence/files.js';

/**
 * nodes.conf on disk. The brain renders and parses its content (Redis's format: one CLUSTER
 * NODES line per node, then `vars currentEpoch N lastVoteEpoch M`); here it is only read at
 * start and written durably: temp file, fsync, rename, fsync of the directory, so a crash
 * leaves the old or the new file, never a torn one (Redis rewrites in place instead).
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

/** Replace nodes.conf with `content` durably. */
export function writeNodesConf(file: string, content: string): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.tmp-${process.pid}`);
  replaceFileDurably(tmp, file, Buffer.from(content, 'latin1'));
  fsyncDir(path.dirname(file));
}
