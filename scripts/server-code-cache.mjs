/**
 * Makes dist/server/main.bundle.cache, the V8 code cache scripts/server-entry.mjs starts the server
 * with: a warm-up run of two cluster nodes from dist/ (what a start, `redis-cli --cluster create`'s
 * admin commands, a MEET and the gossip up to cluster_state:ok, and a few data commands compile),
 * after which the first node writes the bytecode of everything compiled so far as it exits. Best
 * effort: on any failure the build goes on without a cache (the server then compiles from source).
 * Runs from `npm run build`, after bundle-server.mjs.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';

const entry = new URL('../dist/server/main.js', import.meta.url).pathname;
const cacheFile = new URL('../dist/server/main.bundle.cache', import.meta.url).pathname;

/** A port that is free, with its cluster bus port (+10000) free too. */
async function freePort() {
  const listen = (port) =>
    new Promise((resolve) => {
      const s = net.createServer();
      s.once('error', () => resolve(0));
      s.listen(port, '127.0.0.1', () => {
        const p = s.address().port;
        s.close(() => resolve(p));
      });
    });
  for (;;) {
    const p = await listen(0);
    if (p > 0 && p <= 55535 && (await listen(p + 10000)) > 0) return p;
  }
}

function startNode(port, dir, writeCache) {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
  args.push('--cluster-enabled', 'yes', '--cluster-node-timeout', '2000', '--logfile', path.join(dir, `log-${port}`));
  const env = { ...process.env, SPLITBRAIN_WRITE_CODE_CACHE: writeCache ? '1' : '' };
  const proc = spawn(process.execPath, [entry, ...args], { env, stdio: 'ignore' });
  return { proc, port, exited: new Promise((r) => proc.once('exit', r)) };
}

/** An ioredis connection to a node that is still starting: retried until `deadline`. */
async function connect(port, deadline) {
  for (;;) {
    const redis = new Redis({
      host: '127.0.0.1',
      port,
      lazyConnect: true,
      enableReadyCheck: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      disconnectTimeout: 10,
    });
    redis.on('error', () => {});
    try {
      await redis.connect();
      // Error replies are answers too: the warm-up only needs the server to have run the command.
      return { redis, cmd: (...argv) => redis.call(...argv).then(String, (e) => String(e.message)) };
    } catch (e) {
      redis.disconnect();
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

async function warmUp() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-code-cache-'));
  const a = startNode(await freePort(), dir, true);
  const b = startNode(await freePort(), fs.mkdtempSync(path.join(dir, 'b-')), false);
  const deadline = Date.now() + 30_000;
  try {
    const ca = await connect(a.port, deadline);
    const cb = await connect(b.port, deadline);
    // redis-cli --cluster create's checks and admin commands, then a MEET.
    for (const c of [ca, cb]) {
      for (const argv of [['PING'], ['CLUSTER', 'NODES'], ['INFO'], ['INFO', 'cluster'], ['CLUSTER', 'INFO'], ['INFO', 'keyspace']]) await c.cmd(...argv);
    }
    // As redis-cli sends them: ADDSLOTS with every slot as an argument.
    const range = (from, to) => Array.from({ length: to - from + 1 }, (_, i) => String(from + i));
    await ca.cmd('CLUSTER', 'ADDSLOTS', ...range(0, 8191));
    await cb.cmd('CLUSTER', 'ADDSLOTSRANGE', '8192', '16383');
    await ca.cmd('CLUSTER', 'SET-CONFIG-EPOCH', '1');
    await cb.cmd('CLUSTER', 'SET-CONFIG-EPOCH', '2');
    await ca.cmd('CLUSTER', 'MEET', '127.0.0.1', String(b.port));
    while (!(await ca.cmd('CLUSTER', 'INFO')).includes('cluster_state:ok') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    for (const argv of [
      ['CLUSTER', 'NODES'],
      ['CLUSTER', 'SLOTS'],
      ['CLUSTER', 'SHARDS'],
      ['SET', 'a', '1'],
      ['GET', 'a'],
      ['SET', 'foo', '1'],
    ])
      await ca.cmd(...argv);
    // No reply: the node exits (and writes the cache).
    ca.redis.call('SHUTDOWN', 'NOSAVE').catch(() => {});
    await Promise.race([a.exited, new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now())).unref())]);
    ca.redis.disconnect();
    cb.redis.disconnect();
    return fs.existsSync(cacheFile);
  } finally {
    for (const n of [a, b]) if (n.proc.exitCode === null) n.proc.kill('SIGKILL');
    await Promise.all([a.exited, b.exited]);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

try {
  if (!(await warmUp())) console.warn('server code cache: the warm-up run wrote no cache; the server will compile from source');
} catch (e) {
  fs.rmSync(cacheFile, { force: true });
  console.warn(`server code cache not made (${e.message}); the server will compile from source`);
}
