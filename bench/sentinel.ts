/**
 * npm run bench:sentinel — failover time of our sentinels vs redis-sentinel, in the same run.
 * Each round and each kind: redis-server master + 2 replicas, three sentinels of that kind
 * (quorum 2, down-after-milliseconds 1000), an ioredis Sentinel client writing in a loop; the
 * master is SIGKILLed and we measure
 *  - agree: until all three sentinels name the same new master (GET-MASTER-ADDR-BY-NAME),
 *  - write: until the first write accepted by the new master through the ioredis client.
 * The data nodes are redis-server for both kinds, so only the sentinels differ; the replicas are in
 * sync before the sentinels start. A third kind, `splitbrain-nodes`, runs our sentinels over our
 * servers (the whole of our stack; not the anchor comparison). KINDS=redis,splitbrain limits the kinds. Each round also prints the failover timeline from the sentinels'
 * logs (ms after the kill: first +sdown, +odown, ... +switch-master) and the JSON keeps it per run.
 * Writes bench/results/sentinel.json. (Not a test: speed lives here.)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from '../harness/util/ports.js';
import { type ClientTrace, tracingSentinelConnector } from './sentinel-client-trace.js';
import { type BenchServer, median, ROOT, startBenchServer, writeResult } from './util.js';

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const ALL_KINDS = ['redis', 'splitbrain', 'splitbrain-nodes'] as const;
/** redis-sentinel over redis-server; our sentinel over redis-server; our sentinel over our server. */
type Kind = (typeof ALL_KINDS)[number];
const KINDS: Kind[] = process.env.KINDS ? ALL_KINDS.filter((k) => process.env.KINDS!.split(',').includes(k)) : [...ALL_KINDS];

interface Sentinel {
  port: number;
  proc: ChildProcess;
  /** Log lines with their own (ms) timestamps: [time, line]. */
  log: [number, string][];
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The ms timestamp of a Redis log line ("pid:X 06 Dec 2026 04:15:00.123 # msg", local time), or null. */
function logTime(line: string): number | null {
  const m = /^\d+:\w (\d\d) (\w{3}) (\d{4}) (\d\d):(\d\d):(\d\d)\.(\d{3}) /.exec(line);
  if (!m) return null;
  return new Date(+m[3]!, MONTHS.indexOf(m[2]!), +m[1]!, +m[4]!, +m[5]!, +m[6]!, +m[7]!).getTime();
}

async function startSentinel(kind: Kind, masterPort: number): Promise<Sentinel> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), `sb-bench-sentinel-${kind}-`));
  const conf = join(dir, 'sentinel.conf');
  writeFileSync(
    conf,
    [
      `port ${port}`,
      'bind 127.0.0.1',
      `sentinel monitor mymaster 127.0.0.1 ${masterPort} 2`,
      'sentinel down-after-milliseconds mymaster 1000',
      'sentinel failover-timeout mymaster 10000',
      '',
    ].join('\n'),
  );
  const proc =
    kind === 'redis'
      ? spawn('/usr/bin/redis-sentinel', [conf], { cwd: dir })
      : spawn(process.execPath, [join(ROOT, 'dist', 'server', 'sentinel', 'main.js'), conf], { cwd: dir });
  let out = '';
  const log: [number, string][] = [];
  let partial = '';
  proc.stdout!.on('data', (d: Buffer) => {
    const lines = (partial + d.toString()).split('\n');
    partial = lines.pop()!;
    for (const l of lines) {
      const t = logTime(l);
      if (t !== null) log.push([t, l]);
    }
  });
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${kind} sentinel did not start: ${out}`)), 15000);
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('+monitor master')) {
        clearTimeout(t);
        resolve();
      }
    });
    proc.once('exit', () => reject(new Error(`${kind} sentinel exited: ${out}`)));
  });
  return { port, proc, log };
}

async function until<T>(f: () => Promise<T | undefined>, ms = 60000, every = 5): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      const v = await f();
      if (v !== undefined) return v;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, every));
  }
}

/** Events of the failover timeline, in order; `last` ones are timed when the last follower (not the leader) logs them. */
const PHASES: { name: string; match: string; last?: boolean }[] = [
  { name: 'sdown', match: '+sdown master' },
  { name: 'odown', match: '+odown master' },
  { name: 'tryFailover', match: '+try-failover master' },
  { name: 'electedLeader', match: '+elected-leader master' },
  { name: 'selectedSlave', match: '+selected-slave' },
  { name: 'promotedSlave', match: '+promoted-slave' },
  { name: 'switchMasterFirst', match: '+switch-master' },
  // The other sentinels learn the new config from the leader's hello (the leader's own +switch-master comes at +failover-end).
  { name: 'switchMasterFollowers', match: '+switch-master', last: true },
];

/** ms after the kill of each phase (each sentinel's first occurrence; earliest, or latest for `last`), and election retries. */
function timeline(sentinels: Sentinel[], killedAt: number): Record<string, number | null> {
  const t: Record<string, number | null> = {};
  const leaders = sentinels.filter((s) => s.log.some(([at, l]) => at >= killedAt && l.includes('+elected-leader')));
  for (const ph of PHASES) {
    const of = ph.last ? sentinels.filter((s) => !leaders.includes(s)) : sentinels;
    const firsts = of.map((s) => s.log.find(([at, l]) => at >= killedAt && l.includes(ph.match))?.[0] ?? null);
    const seen = firsts.filter((x): x is number => x !== null);
    t[ph.name] = seen.length === 0 || (ph.last && seen.length < firsts.length) ? null : (ph.last ? Math.max(...seen) : Math.min(...seen)) - killedAt;
  }
  t.tryFailovers = sentinels.reduce((n, s) => n + s.log.filter(([at, l]) => at >= killedAt && l.includes('+try-failover')).length, 0);
  return t;
}

/** Each sentinel's view of the round, in the client's list order (ms after the kill; null: not logged). */
interface SentinelView {
  port: number;
  electedLeader: number | null;
  promotedSlave: number | null;
  configUpdateFrom: number | null;
  switchMaster: number | null;
}

/** The client side of a round (ms after the kill): whom it asked, what it heard, when it could write. */
interface ClientTimeline {
  /** Index in the client's sentinel list of the sentinel that promoted the replica. */
  leader: number | null;
  sentinels: SentinelView[];
  asks: { sentinel: number; at: number; answeredAt: number; answer: 'old' | 'new' | string }[];
  connects: {
    to: 'old' | 'new' | string;
    at: number;
    connectedAt: number | null;
    failedAt: number | null;
    roleCheckedAt: number | null;
    role: string | null;
  }[];
  /** The first answer naming the new master: when, and from which sentinel. */
  firstNewAnswer: { sentinel: number; at: number; leader: boolean } | null;
  /** The client's 'ready' (role check passed) on the new master. */
  readyAt: number | null;
  /** The random delay of the client's first reconnect after the kill. */
  firstRetryMs: number;
}

function clientTimeline(
  sentinels: Sentinel[],
  trace: ClientTrace,
  killedAt: number,
  oldPort: number,
  newPort: number,
  readyAt: number | null,
  firstRetryMs: number,
): ClientTimeline {
  const first = (s: Sentinel, match: string): number | null => {
    const at = s.log.find(([t, l]) => t >= killedAt && l.includes(match))?.[0];
    return at === undefined ? null : at - killedAt;
  };
  const views = sentinels.map((s) => ({
    port: s.port,
    electedLeader: first(s, '+elected-leader'),
    promotedSlave: first(s, '+promoted-slave'),
    configUpdateFrom: first(s, '+config-update-from'),
    switchMaster: first(s, '+switch-master'),
  }));
  const leader = views.findIndex((v) => v.promotedSlave !== null);
  const name = (port: string | number): string => (String(port) === String(oldPort) ? 'old' : String(port) === String(newPort) ? 'new' : String(port));
  const asks = trace.asks
    .filter((a) => a.at >= killedAt)
    .map((a) => ({
      sentinel: sentinels.findIndex((s) => s.port === a.port),
      at: a.at - killedAt,
      answeredAt: a.answeredAt - killedAt,
      answer: name(a.answer),
    }));
  const firstNew = asks.find((a) => a.answer === 'new');
  return {
    leader: leader < 0 ? null : leader,
    sentinels: views,
    asks,
    connects: trace.connects
      .filter((c) => c.at >= killedAt)
      .map((c) => ({
        to: name(c.port),
        at: c.at - killedAt,
        connectedAt: c.connectedAt && c.connectedAt - killedAt,
        failedAt: c.failedAt && c.failedAt - killedAt,
        roleCheckedAt: c.roleCheckedAt && c.roleCheckedAt - killedAt,
        role: c.role,
      })),
    firstNewAnswer: firstNew ? { sentinel: firstNew.sentinel, at: firstNew.answeredAt, leader: firstNew.sentinel === leader } : null,
    readyAt: readyAt === null ? null : readyAt - killedAt,
    firstRetryMs,
  };
}

interface RoundResult {
  agreeMs: number;
  writeMs: number;
  timeline: Record<string, number | null>;
  client: ClientTimeline;
}

async function round(kind: Kind): Promise<RoundResult> {
  const nodes: BenchServer[] = [];
  const sentinels: Sentinel[] = [];
  const conns: Redis[] = [];
  try {
    const nodeKind = kind === 'splitbrain-nodes' ? 'splitbrain' : 'redis';
    const master = await startBenchServer(nodeKind);
    nodes.push(master);
    for (let i = 0; i < 2; i++) nodes.push(await startBenchServer(nodeKind, ['--replicaof', '127.0.0.1', String(master.port)]));
    // Steady state before any sentinel starts: redis-server delays a diskless full sync by 5 s, and
    // while a replica reports master_link_down_since_seconds a sentinel polls its INFO every second
    // instead of every 10 s — which shortens the wait for the promotion. Killing the master during
    // that window favoured whichever sentinel kind started faster.
    for (const n of nodes.slice(1)) {
      const c = new Redis({ port: n.port, host: '127.0.0.1' });
      conns.push(c);
      await until(async () => (/master_link_status:up/.test(await c.info('replication')) ? true : undefined), 60000, 100);
    }
    for (let i = 0; i < 3; i++) sentinels.push(await startSentinel(kind, master.port));
    const sc = sentinels.map((s) => {
      const c = new Redis({ port: s.port, host: '127.0.0.1', maxRetriesPerRequest: 1 });
      conns.push(c);
      return c;
    });
    // Discovery done: every sentinel knows both replicas and the two other sentinels.
    await until(
      async () => {
        for (const c of sc) {
          if (((await c.call('SENTINEL', 'REPLICAS', 'mymaster')) as unknown[]).length !== 2) return undefined;
          if (((await c.call('SENTINEL', 'SENTINELS', 'mymaster')) as unknown[]).length !== 2) return undefined;
        }
        return true;
      },
      60000,
      100,
    );
    const trace: ClientTrace = { asks: [], connects: [] };
    const firstRetryMs = Math.floor(Math.random() * 100);
    const app = new Redis({
      Connector: tracingSentinelConnector(trace),
      sentinels: sentinels.map((s) => ({ host: '127.0.0.1', port: s.port })),
      name: 'mymaster',
      maxRetriesPerRequest: 1,
      // The first reconnect waits a random 0–99 ms, then 20 ms as before. With a fixed schedule the
      // client's round over its sentinels (one question each ≈ 22 ms, ≈ 90 ms a round) is
      // phase-locked to the kill, while the promotion comes ≈ 2.2 s ± 40 ms later: whether the
      // leader is asked just after its promotion then depended on the leader's place in the list
      // and on how far the schedule drifted over 24 rounds (a question to our sentinel takes ≈ 1 ms
      // longer), not on the sentinels — runs with it showed the same sentinels' timeline and a
      // client side that leaned to one kind or the other from run to run. An application notices
      // the failure at a moment unrelated to the sentinels' timers; the random start restores that.
      retryStrategy: (times) => (times === 1 ? firstRetryMs : 20),
      sentinelRetryStrategy: () => 20,
    });
    app.on('error', () => {});
    conns.push(app);
    await app.set('k', '0');
    let readyAt: number | null = null;
    app.on('ready', () => {
      readyAt ??= Date.now();
    });
    const killedAt = Date.now();
    const killed = master.stop(); // SIGKILL
    nodes.splice(nodes.indexOf(master), 1);
    const agree = until(async () => {
      const addrs = await Promise.all(sc.map((c) => c.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', 'mymaster') as Promise<string[]>));
      const ports = new Set(addrs.map((a) => a[1]));
      return ports.size === 1 && !ports.has(String(master.port)) ? Date.now() - killedAt : undefined;
    });
    let i = 0;
    const write = until(async () => {
      await app.set('k', String(++i));
      return app.stream?.remotePort !== master.port ? Date.now() - killedAt : undefined;
    });
    const [agreeMs, writeMs] = await Promise.all([agree, write, killed]);
    // A follower's +switch-master line can reach us after the agreement on GET-MASTER-ADDR-BY-NAME.
    await until(async () => (timeline(sentinels, killedAt).switchMasterFollowers !== null ? true : undefined), 15000, 50).catch(() => {});
    const newPort = Number(((await sc[0]!.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', 'mymaster')) as string[])[1]);
    return {
      agreeMs,
      writeMs,
      timeline: timeline(sentinels, killedAt),
      client: clientTimeline(sentinels, trace, killedAt, master.port, newPort, readyAt, firstRetryMs),
    };
  } finally {
    for (const c of conns) c.disconnect();
    for (const s of sentinels) {
      const done = new Promise((r) => s.proc.once('exit', r));
      s.proc.kill('SIGKILL');
      await done;
    }
    for (const n of nodes) await n.stop();
  }
}

const loadAtStart = loadavg();
const runs: ({ round: number; kind: Kind } & RoundResult)[] = [];
for (let r = 1; r <= ROUNDS; r++) {
  // Rotate the order so no kind always runs first, on a warmer machine.
  const kinds = KINDS.map((_, j) => KINDS[(j + r - 1) % KINDS.length]!);
  for (const kind of kinds) {
    const res = await round(kind);
    runs.push({ round: r, kind, ...res });
    process.stdout.write(`round ${r} ${kind.padEnd(16)} agree ${res.agreeMs} ms, first write on the new master ${res.writeMs} ms\n`);
    process.stdout.write(
      `  ${Object.entries(res.timeline)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}\n`,
    );
    const c = res.client;
    const asksAfter = c.asks.filter((a) => a.answeredAt >= (res.timeline.promotedSlave ?? 0) - 100);
    process.stdout.write(
      `  client: leader #${c.leader}; asks from promotion-100 ms ${asksAfter.map((a) => `#${a.sentinel}@${a.at}→${a.answer}@${a.answeredAt}`).join(' ')}; ` +
        `+switch-master ${c.sentinels.map((v, j) => `#${j}@${v.switchMaster}`).join(' ')}; ready ${c.readyAt}\n`,
    );
  }
}
const of = (kind: Kind): typeof runs => runs.filter((x) => x.kind === kind);
const medOf = (xs: (number | null | undefined)[]): number | null => {
  const ys = xs.filter((x): x is number => x != null);
  return ys.length ? median(ys) : null;
};
const medTimeline = (kind: Kind): Record<string, number | null> => {
  const out: Record<string, number | null> = {};
  for (const k of [...PHASES.map((p) => p.name), 'tryFailovers']) out[k] = medOf(of(kind).map((x) => x.timeline[k]));
  return out;
};
/**
 * The client side, ms after the leader's +promoted-slave: the first answer naming the new master
 * (and how often the leader gave it), ioredis 'ready' on it, the first write; the followers'
 * +switch-master (the leader's forced hello); how long one question to a sentinel took and the
 * period at which the client went round its three sentinels. Per leader index: the first write.
 */
const clientSummary = (kind: Kind) => {
  const rs = of(kind);
  const fromPromotion = (f: (x: (typeof rs)[number]) => number | null | undefined) =>
    medOf(rs.map((x) => (x.timeline.promotedSlave == null || f(x) == null ? null : f(x)! - x.timeline.promotedSlave)));
  const followerSwitch = (x: (typeof rs)[number]) => medOf(x.client.sentinels.filter((_, j) => j !== x.client.leader).map((v) => v.switchMaster)) ?? null;
  const byLeader: Record<string, { rounds: number; writeMs: number | null; promotionToWriteMs: number | null }> = {};
  for (const l of [0, 1, 2]) {
    const ls = rs.filter((x) => x.client.leader === l);
    byLeader[`#${l}`] = {
      rounds: ls.length,
      writeMs: medOf(ls.map((x) => x.writeMs)),
      promotionToWriteMs: medOf(ls.map((x) => (x.timeline.promotedSlave == null ? null : x.writeMs - x.timeline.promotedSlave))),
    };
  }
  return {
    promotionToNewAnswerMs: fromPromotion((x) => x.client.firstNewAnswer?.at),
    newAnswerFromLeader: `${rs.filter((x) => x.client.firstNewAnswer?.leader).length}/${rs.length}`,
    promotionToReadyMs: fromPromotion((x) => x.client.readyAt),
    promotionToWriteMs: fromPromotion((x) => x.writeMs),
    promotionToFollowersSwitchMs: fromPromotion(followerSwitch),
    askMs: medOf(rs.flatMap((x) => x.client.asks.map((a) => a.answeredAt - a.at))),
    askRoundMs: medOf(rs.map((x) => (x.client.asks.length > 3 ? ((x.client.asks.at(-1)!.at - x.client.asks[0]!.at) / (x.client.asks.length - 1)) * 3 : null))),
    byLeader,
  };
};
const summary = Object.fromEntries(KINDS.map((k) => [k, { agreeMs: medOf(of(k).map((x) => x.agreeMs)), writeMs: medOf(of(k).map((x) => x.writeMs)) }]));
const ratio = (a: Kind, b: Kind, k: 'agreeMs' | 'writeMs'): number | null =>
  summary[a]?.[k] != null && summary[b]?.[k] != null ? summary[a][k] / summary[b][k] : null;
const result = {
  what: 'master SIGKILL → all 3 sentinels agree / first write accepted by the new master via an ioredis Sentinel client; redis-server nodes (splitbrain-nodes: our server), down-after-milliseconds 1000, quorum 2',
  rounds: ROUNDS,
  // 1/5/15-minute load averages: the machine is shared, and the kinds run on it in rotation.
  loadavg: { start: loadAtStart.map((x) => +x.toFixed(2)), end: loadavg().map((x) => +x.toFixed(2)) },
  medians: summary,
  phaseMedians: Object.fromEntries(KINDS.map((k) => [k, medTimeline(k)])),
  client: Object.fromEntries(KINDS.map((k) => [k, clientSummary(k)])),
  ratio: { agree: ratio('splitbrain', 'redis', 'agreeMs'), write: ratio('splitbrain', 'redis', 'writeMs') },
  ratioOurNodes: { agree: ratio('splitbrain-nodes', 'redis', 'agreeMs'), write: ratio('splitbrain-nodes', 'redis', 'writeMs') },
  runs,
};
process.stdout.write(`${JSON.stringify(result.medians)}\nclient ${JSON.stringify(result.client)}\n`);
process.stdout.write(`ratio ours/redis: agree ${result.ratio.agree?.toFixed(3)}, write ${result.ratio.write?.toFixed(3)}\n`);
process.stdout.write(`wrote ${writeResult('sentinel.json', result)}\n`);
process.exit(0);
