/** File writing shared by the RDB and AOF code. */
import fs from 'node:fs';

/**
 * Replace `target` durably: write `data` to `tmp`, fsync it, rename it over `target` (as
 * rdbSave's temp-<pid>.rdb), so a crash leaves either the old file or the whole new one.
 */
export function replaceFileDurably(tmp: string, target: string, data: Buffer): void {
  const fd = fs.openSync(tmp, 'w');
  try {
    let off = 0;
    while (off < data.length) off += fs.writeSync(fd, data, off, data.length - off);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, target);
}

/** fsync a directory, so a rename inside it is durable. */
export function fsyncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    /* some file systems refuse fsync on directories */
  }
}

/** Write all of `chunk` to `fd` asynchronously (fs.write may write less than asked). */
export function writeFully(fd: number, chunk: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    let off = 0;
    const step = (): void => {
      fs.write(fd, chunk, off, chunk.length - off, null, (err, n) => {
        if (err) return reject(err);
        off += n;
        if (off < chunk.length) step();
        else resolve();
      });
    };
    step();
  });
}
