import net from 'node:net';
import type { Redis } from 'ioredis';
import { type RunningServer, type ServerKind, startServer } from '../support/servers.js';

export async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 15000, everyMs = 50): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== null && v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** INFO section as a field → value map. */
export async function info(r: Redis, section: string): Promise<Record<string, string>> {
  const text = (await r.info(section)) as string;
  const out: Record<string, string> = {};
  for (const line of text.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0 && !line.startsWith('#')) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

export async function linkUp(r: Redis): Promise<boolean> {
  return (await info(r, 'replication'))['master_link_status'] === 'up';
}

/** Wait until the replica processed everything the master has produced so far. */
export async function caughtUp(master: Redis, replica: Redis, timeoutMs = 15000): Promise<void> {
  await waitFor(
    'replica to catch up',
    async () => {
      const m = Number((await info(master, 'replication'))['master_repl_offset']);
      const ri = await info(replica, 'replication');
      return ri['master_link_status'] === 'up' && Number(ri['slave_repl_offset']) === m;
    },
    timeoutMs,
  );
}

/** Every key of every db with its type, value and whether it has a TTL (TTL compared within 3 s). */
export async function snapshot(r: Redis, dbs = [0, 1, 3]): Promise<Map<string, { v: string; ttl: number }>> {
  const out = new Map<string, { v: string; ttl: number }>();
  for (const db of dbs) {
    await r.select(db);
    let cursor = '0';
    const keys: string[] = [];
    do {
      const [next, batch] = await r.scan(cursor, 'COUNT', 1000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    for (const k of keys) {
      const type = await r.type(k);
      let v: unknown;
      if (type === 'string') v = await r.get(k);
      else if (type === 'list') v = await r.lrange(k, 0, -1);
      else if (type === 'hash') v = Object.entries(await r.hgetall(k)).sort();
      else if (type === 'set') v = (await r.smembers(k)).sort();
      else if (type === 'zset') v = await r.zrange(k, 0, -1, 'WITHSCORES');
      else if (type === 'stream') v = [await r.xrange(k, '-', '+'), streamState(await r.call('xinfo', 'stream', k, 'full'))];
      else v = '?';
      const pttl = await r.pttl(k);
      out.set(`${db}/${k}`, { v: `${type}:${JSON.stringify(v)}`, ttl: pttl });
    }
  }
  await r.select(0);
  return out;
}

/**
 * XINFO STREAM FULL without what each server sets from its own clock (consumers' seen-time) and
 * without a group's entries-read: Redis propagates deliveries as XCLAIM … LASTID, which moves
 * the group's last ID but not its read counter, so a redis-server replica of a redis-server
 * master shows null where the master shows a number. Kept: IDs, counters, groups, PELs with
 * delivery times and counts, consumers and their PELs.
 */
export function streamState(full: unknown): unknown {
  const strip = (v: unknown): unknown => {
    if (!Array.isArray(v)) return v;
    const out: unknown[] = [];
    for (let i = 0; i < v.length; i++) {
      if (v[i] === 'seen-time' || v[i] === 'entries-read') {
        i++;
        continue;
      }
      out.push(strip(v[i]));
    }
    return out;
  };
  return strip(full);
}

export function expectSameData(a: Map<string, { v: string; ttl: number }>, b: Map<string, { v: string; ttl: number }>): string[] {
  const problems: string[] = [];
  for (const [k, x] of a) {
    const y = b.get(k);
    if (!y) problems.push(`missing ${k}`);
    else if (x.v !== y.v) problems.push(`differs ${k}: ${x.v.slice(0, 80)} vs ${y.v.slice(0, 80)}`);
    else if (x.ttl < 0 !== y.ttl < 0 || Math.abs(x.ttl - y.ttl) > 3000) problems.push(`ttl ${k}: ${x.ttl} vs ${y.ttl}`);
  }
  for (const k of b.keys()) if (!a.has(k)) problems.push(`extra ${k}`);
  return problems;
}

/** A dataset with all five types, small (listpack/intset) and big encodings, expiries, three dbs. */
export async function seed(r: Redis, prefix = ''): Promise<void> {
  const p = r.pipeline();
  p.select(0);
  for (let i = 0; i < 50; i++) p.set(`${prefix}str:${i}`, `v${i}`);
  p.set(`${prefix}int`, '12345');
  p.set(`${prefix}bin`, Buffer.from([0, 1, 2, 255, 13, 10]));
  p.set(`${prefix}ttl:str`, 'x', 'PX', 600000);
  p.rpush(`${prefix}list:small`, 'a', 'b', 'c', '1', '2');
  p.rpush(`${prefix}list:big`, ...Array.from({ length: 300 }, (_, i) => `item-${i}-${'x'.repeat(i % 70)}`));
  p.hset(`${prefix}hash:small`, 'f1', 'v1', 'f2', '2');
  p.hset(`${prefix}hash:big`, ...Array.from({ length: 200 }, (_, i) => [`f${i}`, `value-${i}`]).flat());
  p.sadd(`${prefix}set:int`, 1, 2, 3, 100, -5);
  p.sadd(`${prefix}set:small`, 'a', 'b', 'c');
  p.sadd(`${prefix}set:big`, ...Array.from({ length: 600 }, (_, i) => `m${i}`));
  p.zadd(`${prefix}zset:small`, 1, 'a', 2.5, 'b', -3, 'c');
  p.zadd(`${prefix}zset:big`, ...Array.from({ length: 200 }, (_, i) => [i * 1.5, `m${i}`]).flat());
  p.hset(`${prefix}ttl:hash`, 'a', '1');
  p.pexpire(`${prefix}ttl:hash`, 500000);
  p.select(1);
  p.set(`${prefix}db1`, 'one');
  p.zadd(`${prefix}db1:z`, 1, 'x');
  p.select(3);
  p.lpush(`${prefix}db3:list`, 'q');
  p.select(0);
  await p.exec();
}

/** Live writes of every kind, in several dbs, with expiry and deletes. */
export async function liveWrites(r: Redis, round: number): Promise<void> {
  const p = r.pipeline();
  p.select(0);
  p.set(`live:${round}`, `r${round}`);
  p.incr('counter');
  p.lpush('list:small', `l${round}`);
  p.hset('hash:big', `g${round}`, `${round}`);
  p.sadd('set:int', round);
  p.zincrby('zset:small', 1, 'a');
  p.del(`str:${round}`);
  p.set(`live:ttl:${round}`, 'x', 'EX', 1000);
  p.select(1);
  p.set(`db1:live:${round}`, 'y');
  p.select(3);
  p.rpush('db3:list', `z${round}`);
  p.select(0);
  await p.exec();
}

export async function startReplicaOf(kind: ServerKind, masterPort: number, extra: string[] = []): Promise<RunningServer> {
  return startServer(kind, ['--replicaof', '127.0.0.1', String(masterPort), ...extra]);
}

/** SIGSTOP a server for the duration of fn; SIGCONT always. */
export async function whileStopped<T>(srv: RunningServer, fn: () => Promise<T>): Promise<T> {
  process.kill(srv.pid, 'SIGSTOP');
  try {
    return await fn();
  } finally {
    process.kill(srv.pid, 'SIGCONT');
  }
}

/** A hand-driven replica: handshake, full sync ($len form), then it records the stream. */
export class FakeReplica {
  sock: net.Socket;
  buf = Buffer.alloc(0);
  lines: string[] = [];
  rdbLen = -1;
  stream = '';
  phase: 'replies' | 'bulk' | 'rdb' | 'stream' = 'replies';
  /** Commands are sent one at a time, each after the previous reply (a master refuses PSYNC with pending output). */
  private queue: string[];
  constructor(port: number, commands: string[]) {
    this.queue = [...commands];
    this.sock = net.connect(port, '127.0.0.1');
    this.sock.on('connect', () => this.sock.write(this.queue.shift()! + '\r\n'));
    this.sock.on('data', (d) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.parse();
    });
    this.sock.on('error', () => {});
  }
  expectReplies = 0;
  private parse(): void {
    for (;;) {
      if (this.phase === 'stream') {
        this.stream += this.buf.toString('latin1');
        this.buf = Buffer.alloc(0);
        return;
      }
      if (this.phase === 'rdb') {
        if (this.buf.length < this.rdbLen) return;
        this.buf = this.buf.subarray(this.rdbLen);
        this.phase = 'stream';
        continue;
      }
      const nl = this.buf.indexOf(10);
      if (nl < 0) return;
      const line = this.buf.subarray(0, nl).toString('latin1').replace(/\r$/, '');
      this.buf = this.buf.subarray(nl + 1);
      if (line === '') continue; // keepalive newline
      this.lines.push(line);
      if (this.queue.length) this.sock.write(this.queue.shift()! + '\r\n');
      if (line.startsWith('+CONTINUE')) {
        this.phase = 'stream';
        continue;
      }
      if (line.startsWith('$')) {
        this.rdbLen = Number(line.slice(1));
        this.phase = 'rdb';
      }
    }
  }
  ack(off: number): void {
    this.sock.write(`REPLCONF ACK ${off}\r\n`);
  }
  close(): void {
    this.sock.destroy();
  }
}
