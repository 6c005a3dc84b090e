import { writeFileSync } from 'node:fs';
import { Cluster, type Redis } from 'ioredis';
import { fnv1a } from '../../checkers/util/hash.js';
import { Prng } from '../../checkers/util/prng.js';
import { writeReport } from '../../reports/report.js';
import { exitCodeOf } from '../../reports/types.js';
import { completionOfError } from '../../workloads/errors.js';
import {
  any,
  at,
  backoffOnFail,
  clients,
  eachThread,
  followUps,
  type Gen,
  lazy,
  map,
  NEMESIS_THREAD,
  nemesis,
  type Outcome,
  once,
  phases,
  sleep,
  stagger,
  startJitter,
  timeLimit,
} from '../../workloads/generator.js';
import { getWorkload } from '../../workloads/index.js';
import type { Completion, Conn, Invocation, Workload, WorkloadOptions } from '../../workloads/workload.js';
import { HistoryWriter } from '../history/writer.js';
import type { FaultContext, FaultSpec } from '../nemesis/faults/fault.js';
import { familyOf } from '../nemesis/faults/index.js';
import { buildSchedule, checkSchedule, type ScheduledFault } from '../nemesis/nemesis.js';
import { RunStore } from '../store/store.js';
import { createTarget } from '../targets/index.js';
import type { NodeHandle, Target } from '../targets/target.js';
import { cleanupAll, setInterruptHandler } from '../util/cleanup.js';
import { OwnerRecord, reapLeftovers } from '../util/leftovers.js';
import { keySlot } from '../util/slot.js';
import { startWatchdog } from '../util/watchdog.js';
import { minReplicasToWrite, type RunResults, recheckRun } from './check.js';
import { adminClient, awaitClusterReady, awaitReady, clusterClient, nodeClient } from './clients.js';
import { clusterAttribution } from './cluster-attribution.js';
import { recordNodeStates } from './convergence.js';
import { faultModelOf } from './facts.js';
import { interpret, type Thread } from './interpreter.js';
import { preflight } from './preflight.js';
import { PrimaryTracker } from './primary-tracker.js';
import type { Scenario } from './scenario.js';
import { scenarioName } from './scenario.js';

export interface RunOptions {
  storeRoot: string;
  /** Live progress (TTY) or plain lines. */
  progress: 'tty' | 'plain' | 'none';
  log: (line: string) => void;
}

export interface RunOutcome {
  dir: string;
  exitCode: number;
  results: RunResults | null;
  interrupted: boolean;
}

/** Client process ids of the final reads start here, past every worker's (reports/data.ts knows it too). */
const FINAL_READ_PROCESS = 1_000_000;
/** How long a cluster client may take to map every slot (through the client proxies, on loaded cores). */
const CLUSTER_READY_MS = 60_000;

/** What the threads of a run do: client ops, the nemesis's fault steps, the final heal, settling, final reads. */
type RunOp =
  | { type: 'client'; op: Invocation }
  | { type: 'fault-start' | 'fault-stop'; fault: ScheduledFault }
  | { type: 'final-heal' }
  | { type: 'settle' }
  | { type: 'final-read'; process: number; key: string; node: string | undefined; read: () => Promise<unknown> }
  | { type: 'wait-probe'; process: number; key: string; element: unknown; replicas: number }
  | { type: 'node-states' };

/**
 * One Jepsen-style run: start the system, drive it with clients, break it on schedule, heal,
 * read the final state, check the history, store everything.
 */
export async function runScenario(s: Scenario, o: RunOptions): Promise<RunOutcome> {
  const name = s.name || scenarioName(s);
  // Refuses (ScenarioRefused) before any directory or process exists.
  await preflight(s);
  for (const l of await reapLeftovers(o.storeRoot)) o.log(`splitbrain: ${l}`);
  const store = new RunStore(o.storeRoot, name);
  // What this run starts is recorded in the store until it is stopped; the watchdog reaps it if we die.
  const owner = new OwnerRecord(o.storeRoot, store.dir);
  const watchdog = startWatchdog(owner.file);
  const released = (): void => {
    owner.close();
    watchdog.stop();
  };
  const workload = getWorkload(s.workload);
  const wopts: WorkloadOptions = {
    keys: s.keys,
    waitFor: s.waitFor,
    waitTimeoutMs: s.waitTimeoutMs,
    cluster: s.topology.kind === 'cluster',
    minReplicas: false,
  };
  const serverArgs = [...(workload.serverArgs?.(wopts) ?? []), ...s.serverArgs];
  wopts.minReplicas = minReplicasToWrite(serverArgs) > 0;
  o.log(`splitbrain: run ${name} (seed ${s.seed}) → ${store.dir}`);

  let interrupted = false;
  const abort = new AbortController();
  setInterruptHandler((sig) => {
    interrupted = true;
    o.log(`\nsplitbrain: ${sig}: stopping nodes and proxies, keeping the history written so far`);
    abort.abort();
  });

  // Created once the system is up, so history time 0 is the start of the workload.
  let history: HistoryWriter | null = null;
  let target: Target | null = null;
  let closeClients = (): void => {};
  try {
    target = createTarget({ ...s, serverArgs, store, runId: ((fnv1a(store.dir) >>> 0) % 1_000_000).toString(36) });
    await target.start();
    store.pointLatest();
    history = new HistoryWriter(store.path('history.jsonl'));
    const rng = new Prng(s.seed);
    const schedule: ScheduledFault[] =
      s.schedule ??
      buildSchedule(
        rng.fork('nemesis'),
        { nodes: target.nodes, topology: s.topology.kind },
        { nemesis: s.nemesis, timeLimitS: s.timeLimitS, intervalS: s.intervalS, faultS: s.faultS },
      );
    checkSchedule(schedule, { net: target.network, processes: target.processes });
    const facts = target.facts();
    store.writeJson('scenario.json', {
      ...s,
      name,
      serverArgs,
      schedule,
      // What a loss means in this system (failover mechanism, persistence, min-replicas): the loss checkers' windows.
      faultModel: faultModelOf({ ...s, serverArgs }),
      versions: { splitbrain: '0.1.0', node: process.version, ...facts.versions },
      nodes: target.nodes.map((n) => ({ name: n.name, host: n.host, port: n.port, role: n.role, shard: n.shard, primary: n.primary })),
      ...(facts.iptablesChain ? { iptablesChain: facts.iptablesChain } : {}),
      startedAt: new Date().toISOString(),
      /** Wall-clock time of history time 0 (op.time is ns since then). */
      historyStartedAt: new Date(history.startedAtMs).toISOString(),
    });

    const run = new RunThreads(s, workload, wopts, target, history, rng);
    closeClients = () => run.close();
    await run.connect();
    const progress = startProgress(o, history, s, () => run.activeFault);
    try {
      await interpret(run.plan(schedule), run.threads(), abort.signal);
    } finally {
      progress.stop();
    }
  } catch (err) {
    closeClients();
    history?.close();
    if (target) await target.stop().catch(() => undefined);
    await cleanupAll();
    released();
    setInterruptHandler(null);
    if (interrupted) return { dir: store.dir, exitCode: 130, results: null, interrupted };
    const msg = (err as Error).message;
    writeFileSync(store.path('error.txt'), (err as Error).stack ?? msg);
    o.log(`splitbrain: the run failed: ${msg}`);
    return { dir: store.dir, exitCode: 3, results: null, interrupted };
  }
  closeClients();
  history.close();
  await target.stop().catch(() => undefined);
  await cleanupAll();
  released();
  setInterruptHandler(null);
  if (interrupted) return { dir: store.dir, exitCode: 130, results: null, interrupted };

  // Check the history as stored (read back), so `splitbrain check <run dir>` reproduces results.json exactly.
  const results = await recheckRun(store.dir, (w) => o.log(`splitbrain: warning: ${w}`));
  store.writeJson('results.json', results);
  await writeReport(store.dir).catch((e: Error) => o.log(`splitbrain: report generation failed: ${e.message}`));
  return { dir: store.dir, exitCode: exitCodeOf(results.valid), results, interrupted };
}

/**
 * The generator of every client's ops, paced as the scenario asks: `rate` ops/s in all, each thread
 * starting after a random jitter; unlimited, a thread backs off 10 ms after a failed op. A pure
 * function of the workload and the scenario: replay and the replay tests use it as the run does.
 */
export function clientOps(s: Pick<Scenario, 'rate' | 'concurrency' | 'timeLimitS'>, workload: Workload, wopts: WorkloadOptions): Gen<Invocation> {
  const perThreadMs = s.rate > 0 ? (1000 * s.concurrency) / s.rate : 0;
  const pace = (g: Gen<Invocation>): Gen<Invocation> =>
    perThreadMs > 0 ? stagger(perThreadMs, startJitter(Math.max(1, perThreadMs), g)) : backoffOnFail(10, startJitter(10, g));
  return timeLimit(
    s.timeLimitS * 1000,
    eachThread(() => pace(workload.generator(wopts))),
  );
}

/** A client thread's random stream: forked from the run's seed by its slot. */
export function clientRng(rng: Prng, slot: number): Prng {
  return rng.fork(`worker-${slot}`);
}

/** The threads of a run (a client per worker slot and the nemesis) and what their ops do. */
class RunThreads {
  activeFault = '';
  /** Each worker's client and, outside a cluster, the node it is bound to (replicated: the current primary; Sentinel clients: the node they talk to now). */
  private readonly conns: Array<{ conn: Conn; node: NodeHandle | undefined; nodeNow?: () => string | undefined }> = [];
  private finalReads: Array<Extract<RunOp, { type: 'final-read' }>> = [];
  /** Per client thread: the harness read to do right after its last op (a WAIT probe). */
  private readonly followUps = new Map<number, RunOp>();
  /** The harness's clients of each node for WAIT probes (dropped after an error, made again on the next probe). */
  private readonly probeClients = new Map<string, Redis>();
  /** Each scheduled fault as it was applied (re-aimed at the current primary), for its stop. */
  private readonly applied = new Map<ScheduledFault, FaultSpec>();
  private readonly closers: Array<() => void> = [];
  /** Keys the client ops wrote (final reads cover them: the set workload's keys rotate). */
  private readonly written = new Set<string>();
  private readonly cluster: boolean;
  /** Replicated topology: the failover manager's view of the primary; null elsewhere. */
  private readonly tracker: PrimaryTracker | null;
  private readonly clusterNodeOf: (c: Cluster, key: string) => string | undefined;

  constructor(
    private readonly s: Scenario,
    private readonly workload: Workload,
    private readonly wopts: WorkloadOptions,
    private readonly target: Target,
    private readonly history: HistoryWriter,
    private readonly rng: Prng,
  ) {
    this.cluster = s.topology.kind === 'cluster';
    const primary = target.nodes.find((n) => n.role === 'primary');
    this.tracker = s.topology.kind === 'replicated' && primary ? new PrimaryTracker(primary.name, target) : null;
    this.clusterNodeOf = clusterAttribution(target.nodes, target.network);
  }

  /**
   * One client per worker, bound to the primaries round-robin (Jepsen binds workers to nodes; writes
   * go to primaries), or to every node when the workload asks (`clientNodes: 'all'`).
   */
  async connect(): Promise<void> {
    const { nodes, network } = this.target;
    const primaries = this.workload.clientNodes === 'all' ? nodes : nodes.filter((n) => n.role === 'primary');
    for (let slot = 0; slot < this.s.concurrency; slot++) {
      const own = this.target.workerClient?.(this.s.opTimeoutMs);
      if (own) {
        this.conns.push({ conn: own.conn, node: undefined, nodeNow: own.node });
        this.closers.push(() => own.conn.disconnect());
        continue;
      }
      const node = this.cluster ? undefined : primaries[slot % primaries.length]!;
      const conn = node ? nodeClient(node, network, this.s.opTimeoutMs) : clusterClient(nodes, network, this.s.opTimeoutMs);
      this.conns.push({ conn, node });
    }
    this.closers.push(() => {
      for (const c of this.conns) c.conn.disconnect();
      for (const r of this.probeClients.values()) r.disconnect();
    });
    await Promise.all(
      this.conns.map(async (c) => {
        if (!(c.conn instanceof Cluster)) return awaitReady(c.conn, 5000);
        // A run whose clients never saw the whole cluster (before any fault) measures nothing.
        const missing = await awaitClusterReady(c.conn, CLUSTER_READY_MS);
        if (missing) throw new Error(missing);
      }),
    );
  }

  close(): void {
    for (const c of this.closers.splice(0)) c();
  }

  /** Jepsen's phases: workload and faults → final heal → quiet → settle → final reads → each node's state. */
  plan(schedule: readonly ScheduledFault[]): Gen<RunOp> {
    const faults: Array<[number, RunOp]> = [];
    for (const f of schedule) {
      faults.push([f.start * 1000, { type: 'fault-start', fault: f }]);
      if (!familyOf(f.fault).instant) faults.push([f.stop * 1000, { type: 'fault-stop', fault: f }]);
    }
    const client = followUps(
      (thread) => takeFrom(this.followUps, thread),
      map((op): RunOp => ({ type: 'client', op }), clientOps(this.s, this.workload, this.wopts)),
    );
    return phases<RunOp>(
      any(clients(client), nemesis(at(faults))),
      nemesis(once({ type: 'final-heal' })),
      sleep(this.s.quiesceS * 1000),
      nemesis(once({ type: 'settle' })),
      // Made once settled: the primaries to read from are known then.
      lazy(() => nemesis(at(this.finalReads.map((r) => [0, r] as const)))),
      // Replicas read directly, for the convergence check (not in a single-node run).
      nemesis(this.s.topology.kind === 'single' ? at([]) : once({ type: 'node-states' })),
    );
  }

  threads(): Thread<RunOp>[] {
    const out: Thread<RunOp>[] = this.conns.map((_, slot) => {
      let process = slot;
      return {
        id: slot,
        rng: clientRng(this.rng, slot),
        invoke: async (op) => {
          if (op.type === 'wait-probe') return this.waitProbe(op);
          if (op.type !== 'client') return this.invokeHarnessOp(op);
          const c = await this.invokeClient(slot, process, op.op);
          this.planProbe(slot, process, op.op, c);
          // A process whose op ended `info` never invokes again: a fresh id takes its place.
          if (c.type === 'info') process += this.s.concurrency;
          return c.type;
        },
      };
    });
    out.push({
      id: NEMESIS_THREAD,
      rng: this.rng.fork('nemesis-thread'),
      invoke: (op) => {
        if (op.type === 'client' || op.type === 'wait-probe') throw new Error(`a ${op.type} op reached the nemesis thread`);
        return this.invokeHarnessOp(op);
      },
    });
    return out;
  }

  /** A Sentinel-aware client: after a failover, the worker talks to the current primary. */
  private async follow(slot: number): Promise<{ conn: Conn; node: NodeHandle | undefined; nodeNow?: () => string | undefined }> {
    const entry = this.conns[slot]!;
    const t = this.tracker;
    if (!t || !entry.node || entry.node.name === t.current) return entry;
    const node = this.target.nodes.find((n) => n.name === t.current)!;
    entry.conn.disconnect();
    entry.conn = nodeClient(node, this.target.network, this.s.opTimeoutMs);
    entry.node = node;
    await awaitReady(entry.conn, 2000);
    return entry;
  }

  private async invokeClient(slot: number, process: number, op: Invocation): Promise<Completion> {
    const { conn, node, nodeNow: sentinelNode } = await this.follow(slot);
    // Cluster: the node the client routes the key to now (asked again at the completion: MOVED moves
    // it); Sentinel clients: the node they talk to now; otherwise the node the worker is bound to.
    const nodeNow = () => (this.cluster ? (op.key !== undefined ? this.clusterNodeOf(conn as Cluster, op.key) : undefined) : (node?.name ?? sentinelNode?.()));
    const extra = {
      key: op.key,
      node: nodeNow(),
      ...(op.waitFor !== undefined ? { waitFor: op.waitFor, waitTimeoutMs: op.waitTimeoutMs } : {}),
    };
    this.history.append({ process, type: 'invoke', f: op.f, value: op.value, ...extra });
    if (op.key !== undefined && op.f !== 'read') this.written.add(op.key);
    let c: Completion;
    try {
      c = await this.workload.invoke(conn, op, this.wopts);
    } catch (err) {
      c = completionOfError(op, err);
    }
    this.history.append({
      process,
      type: c.type,
      f: op.f,
      value: c.value,
      ...extra,
      node: nodeNow(),
      ...(c.error !== undefined ? { error: c.error } : {}),
      ...(c.ack !== undefined ? { ack: c.ack } : {}),
      ...(c.replicas !== undefined ? { replicas: c.replicas } : {}),
    });
    return c;
  }

  /** After an ok WAIT-acknowledged write the workload marked `probe`: the thread's next op reads it on the replicas. */
  private planProbe(slot: number, process: number, op: Invocation, c: Completion): void {
    if (!op.probe || !this.tracker || c.type !== 'ok' || c.ack !== 'wait' || !(c.replicas! >= 1) || op.key === undefined) return;
    this.followUps.set(slot, { type: 'wait-probe', process, key: op.key, element: op.value, replicas: c.replicas! });
  }

  /**
   * The direct WAIT check (checkers/wait): right after WAIT said `replicas` replicas have the write,
   * read the element on every other node of the group; at least that many must hold it.
   */
  private async waitProbe(op: Extract<RunOp, { type: 'wait-probe' }>): Promise<Outcome> {
    const { key, element, replicas } = op;
    this.history.append({ process: op.process, type: 'invoke', f: 'wait-probe', value: { key, element, replicas } });
    const present: string[] = [];
    const absent: string[] = [];
    const unreachable: string[] = [];
    const others = this.target.nodes.filter((n) => n.name !== this.tracker?.current);
    await Promise.all(
      others.map(async (n) => {
        let r = this.probeClients.get(n.name);
        if (!r) this.probeClients.set(n.name, (r = adminClient(n, this.target.network, 1000)));
        try {
          ((await r.sismember(key, String(element))) === 1 ? present : absent).push(n.name);
        } catch {
          unreachable.push(n.name);
          r.disconnect();
          this.probeClients.delete(n.name);
        }
      }),
    );
    const value = { key, element, replicas, present: present.sort(), absent: absent.sort(), unreachable: unreachable.sort() };
    this.history.append({ process: op.process, type: 'ok', f: 'wait-probe', value });
    return 'ok';
  }

  private async invokeHarnessOp(op: Exclude<RunOp, { type: 'client' | 'wait-probe' }>): Promise<Outcome> {
    switch (op.type) {
      case 'fault-start':
      case 'fault-stop':
        return this.faultStep(op.type === 'fault-start', op.fault);
      case 'final-heal': {
        // The final heal: network healed, paused nodes resumed, killed nodes restarted (and re-pointed at the current primary).
        this.history.append({ process: 'nemesis', type: 'invoke', f: 'stop-partition', value: { nodes: [], kind: 'final-heal' } });
        await this.target.network.heal();
        await this.target.processes?.recover();
        const rejoined = (await this.tracker?.rejoin(this.target.nodes)) ?? [];
        this.history.append({
          process: 'nemesis',
          type: 'info',
          f: 'stop-partition',
          value: { nodes: [], kind: 'final-heal', ...(rejoined.length > 0 ? { rejoined } : {}) },
        });
        return 'info';
      }
      case 'settle':
        await this.target.settle();
        await this.planFinalReads();
        return 'ok';
      case 'final-read':
        return finalRead(this.history, op);
      case 'node-states':
        await recordNodeStates(this.target.nodes, this.target.network, this.history);
        return 'ok';
    }
  }

  /** A fault's start or stop as nemesis ops: invoke, the family's action, info with what it did. */
  private async faultStep(starting: boolean, f: ScheduledFault): Promise<Outcome> {
    const family = familyOf(f.fault);
    // An instant event has nothing to undo (and no stop op is scheduled for it).
    if (!starting && family.instant) return 'info';
    const ctx: FaultContext = {
      nodes: this.target.nodes,
      net: this.target.network,
      processes: this.target.processes,
      ...(this.tracker ? { primary: this.tracker } : {}),
    };
    let spec = this.applied.get(f) ?? f.fault;
    if (starting && this.tracker && family.aimAt) {
      // `*-primary` faults hit the primary of now (the schedule names the one at the start).
      spec = family.aimAt(spec, await this.tracker.refresh(), this.target.nodes);
      this.applied.set(f, spec);
    }
    const { value } = spec;
    const opF = starting || family.instant ? family.f : family.stopF;
    this.history.append({ process: 'nemesis', type: 'invoke', f: opF, value: starting ? value : { nodes: value.nodes } });
    if (starting) this.activeFault = `${value.kind} ${value.nodes.join(',')}`;
    let done: unknown;
    try {
      done = starting || family.instant ? await family.start(spec, ctx) : await family.stop(spec, ctx);
    } catch (err) {
      done = { error: (err as Error).message };
    }
    this.history.append({ process: 'nemesis', type: 'info', f: opF, value: done });
    if (!starting || family.instant) this.activeFault = '';
    return 'info';
  }

  /** The final reads: every key the workload wrote, from every node that is a primary now (roles change with failovers). */
  private async planFinalReads(): Promise<void> {
    const { workload } = this;
    if (!workload.finalRead) return;
    const keys = workload.finalKeys(this.wopts, this.written);
    let process = FINAL_READ_PROCESS;
    const { nodes, network } = this.target;
    if (this.cluster) {
      const c: Cluster = clusterClient(nodes, network, 5000);
      this.closers.push(() => c.disconnect());
      // Not ready after the deadline: the reads go ahead and fail, and are recorded so.
      await awaitClusterReady(c, CLUSTER_READY_MS);
      const owner = await currentSlotOwners(c, nodes);
      for (const key of keys) this.finalReads.push({ type: 'final-read', process: process++, key, node: owner(key), read: () => workload.finalRead!(c, key) });
      return;
    }
    const roles = await this.target.roles();
    for (const n of nodes.filter((x) => roles.get(x.name) === 'primary')) {
      const r: Redis = adminClient(n, network, 5000);
      this.closers.push(() => r.disconnect());
      for (const key of keys) this.finalReads.push({ type: 'final-read', process: process++, key, node: n.name, read: () => workload.finalRead!(r, key) });
    }
  }
}

/** Removes and returns a map's entry. */
function takeFrom<K, V>(m: Map<K, V>, k: K): V | undefined {
  const v = m.get(k);
  m.delete(k);
  return v;
}

async function finalRead(history: HistoryWriter, op: Extract<RunOp, { type: 'final-read' }>): Promise<Outcome> {
  const extra = op.node ? { key: op.key, node: op.node } : { key: op.key };
  history.append({ process: op.process, type: 'invoke', f: 'final-read', value: null, ...extra });
  try {
    const v = await op.read();
    history.append({ process: op.process, type: 'ok', f: 'final-read', value: v, ...extra });
    return 'ok';
  } catch (err) {
    history.append({ process: op.process, type: 'fail', f: 'final-read', value: null, error: (err as Error).message, ...extra });
    return 'fail';
  }
}

function startProgress(o: RunOptions, h: HistoryWriter, s: Scenario, active: () => string): { stop(): void } {
  if (o.progress === 'none') return { stop() {} };
  const t0 = Date.now();
  let lastCount = 0;
  let lastT = t0;
  const line = () => {
    const now = Date.now();
    const done = h.counts.ok + h.counts.fail + h.counts.info;
    const rate = ((done - lastCount) * 1000) / Math.max(1, now - lastT);
    lastCount = done;
    lastT = now;
    const el = (now - t0) / 1000;
    const fault = active();
    return `[${el.toFixed(0).padStart(3)}s / ${s.timeLimitS}s] ${rate.toFixed(0).padStart(5)} ops/s  ok ${h.counts.ok}  fail ${h.counts.fail}  info ${h.counts.info}${fault ? `  fault: ${fault}` : ''}`;
  };
  const timer = setInterval(
    () => {
      if (o.progress === 'tty') process.stderr.write(`\r\x1b[2K${line()}`);
      else o.log(line());
    },
    o.progress === 'tty' ? 250 : 5000,
  );
  return {
    stop() {
      clearInterval(timer);
      if (o.progress === 'tty') process.stderr.write('\n');
    },
  };
}

/** Who serves each slot now (after failovers), from CLUSTER SLOTS; names the node of each final read. */
async function currentSlotOwners(c: Cluster, nodes: readonly NodeHandle[]): Promise<(key: string) => string | undefined> {
  try {
    const slots = (await c.cluster('SLOTS')) as unknown as [number, number, [string, number, ...unknown[]]][];
    const byAddr = new Map(nodes.map((n) => [`${n.host}:${n.port}`, n.name]));
    return (key) => {
      const slot = keySlot(key);
      const r = slots.find(([a, b]) => slot >= a && slot <= b);
      return r ? byAddr.get(`${r[2][0]}:${r[2][1]}`) : undefined;
    };
  } catch {
    return () => undefined;
  }
}
