import fs from 'node:fs';

/**
 * One node per nodes.conf. Redis holds a flock() on the file for its whole life; Node has no
 * flock, and we replace the file by rename (a new inode per write), so the lock is a sibling
 * file `<nodes.conf>.lock`, created exclusively (link(2) fails if it exists), that holds our pid and process start time. A lock
 * whose process is gone (kill -9) is stale and taken over. A redis-server holding a flock on the
 * file itself is detected through /proc/locks.
 */

export class ConfigLockError extends Error {}

/** Field 22 of /proc/<pid>/stat (start time in clock ticks), or null where /proc is unavailable. */
function startTime(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
    // The command name (field 2) is parenthesised and may contain spaces: split after it.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return rest[19] ?? null;
  } catch {
    return null;
  }
}

function alive(pid: number, start: string | undefined): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  const now = startTime(pid);
  return now === null || start === undefined || now === start;
}

/** Another process holds a flock on `file` (redis-server's clusterLockConfig). */
function flockedByOther(file: string): boolean {
  let ino: number;
  try {
    ino = fs.statSync(file).ino;
  } catch {
    return false;
  }
  let locks: string;
  try {
    locks = fs.readFileSync('/proc/locks', 'latin1');
  } catch {
    return false;
  }
  // "1: FLOCK  ADVISORY  WRITE 1234 08:01:5678 0 EOF" — pid, then major:minor:inode.
  for (const line of locks.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f[1] !== 'FLOCK') continue;
    const dev = f[5]?.split(':');
    if (dev && Number(dev[2]) === ino && Number(f[4]) !== process.pid) return true;
  }
  return false;
}

/**
 * Take the lock for `file` or throw ConfigLockError with Redis's text. The returned function
 * releases it (also done at process exit).
 */
export function lockClusterConfig(file: string): () => void {
  const lockFile = `${file}.lock`;
  const busy = (): never => {
    throw new ConfigLockError(
      `Sorry, the cluster configuration file ${file} is already used by a different Redis Cluster node. Please make sure that different nodes use different cluster configuration files.`,
    );
  };
  if (flockedByOther(file)) busy();
  const me = `${process.pid} ${startTime(process.pid) ?? ''}\n`;
  for (let attempt = 0; ; attempt++) {
    // Written aside and hard-linked into place: the lock appears atomically, never empty.
    const tmp = `${lockFile}.${process.pid}`;
    try {
      fs.writeFileSync(tmp, me);
      fs.linkSync(tmp, lockFile);
      fs.unlinkSync(tmp);
      break;
    } catch (e) {
      try {
        fs.unlinkSync(tmp);
      } catch {
        /* not created */
      }
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') throw new ConfigLockError(`Can't open ${lockFile} in order to acquire a lock: ${(e as Error).message}`);
      let owner: string[] = [];
      try {
        owner = fs.readFileSync(lockFile, 'latin1').trim().split(' ');
      } catch {
        /* removed meanwhile: try again */
      }
      const pid = Number(owner[0]);
      if (pid > 0 && pid !== process.pid && alive(pid, owner[1])) busy();
      if (attempt >= 3) busy();
      // Stale (its process is gone): take it over.
      try {
        fs.unlinkSync(lockFile);
      } catch {
        /* someone else took it over first; O_EXCL decides */
      }
    }
  }
  let held = true;
  const release = (): void => {
    if (!held) return;
    held = false;
    process.off('exit', release);
    try {
      if (fs.readFileSync(lockFile, 'latin1') === me) fs.unlinkSync(lockFile);
    } catch {
      /* already gone */
    }
  };
  process.on('exit', release);
  return release;
}
