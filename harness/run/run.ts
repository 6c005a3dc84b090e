import { writeFileSync } from 'node:fs';
import type { Cluster, Redis } from 'ioredis';
import { writeReport } from '../../reports/report.js';
import { getWorkload } from '../../workloads/index.js';
import type { Conn, Workload, WorkloadOptions } from '../../workloads/workload.js';
import { HistoryWriter } from '../history/writer.js';
import { checkSupported, rejoin, startFault, stopFault } from '../nemesis/apply.js';
import { buildSchedule, INSTANT_FS, type ScheduledFault, stopF } from '../nemesis/nemesis.js';
import type { Network } from '../net/network.js';
import { RunStore } from '../store/store.js';
import { ExternalTarget } from '../targets/external.js';
import { LocalTarget, sleep } from '../targets/local.js';
import type { NodeHandle, ProcessFaults } from '../targets/target.js';
import { cleanupAll, setInterruptHandler } from '../util/cleanup.js';
import { hashString, Prng } from '../util/prng.js';
import { keySlot } from '../util/slot.js';
import { exitCodeOf, type RunResults, recheckRun } from './check.js';
import { adminClient, awaitReady, clusterClient, nodeClient } from './clients.js';
import { recordNodeStates } from './convergence.js';
import { faultModelOf, lastArg } from './facts.js';
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

interface SystemUnderTest {
  nodes: NodeHandle[];
  net: Network;
  faults: ProcessFaults & { processFaults: boolean };
  versions: Record<string, string>;
  /** The iptables chain the run uses, if any (recorded in scenario.json). */
  chain?: string;
  /** Wait until the system is whole again after the final heal (cluster ok, replicas linked). */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

async function startSystem(s: Scenario, store: RunStore, serverArgs: string[]): Promise<SystemUnderTest> {
  if (s.target === 'external') {
    const t = await ExternalTarget.load(s.topologyFile!);
    return { nodes: t.nodes, net: t.network, faults: t, versions: { target: 'external' }, settle: async () => {}, stop: () => t.stop() };
  }
  const t = new LocalTarget({
    kind: s.target,
    topology: s.topology,
    net: s.net,
    toxiproxyUrl: s.toxiproxyUrl,
    store,
    seed: s.seed,
    serverArgs,
    nodeTimeoutMs: s.nodeTimeoutMs,
    runId: (hashString(store.dir) % 1_000_000).toString(36),
  });
  try {
    await t.start();
  } catch (err) {
    await t.stop().catch(() => undefined);
    throw err;
  }
  const faults = Object.assign(t, { processFaults: true });
  return { nodes: t.nodes, net: t.network, faults, versions: t.versions(), chain: t.chain, settle: () => t.settle(), stop: () => t.stop() };
}

/**
 * One Jepsen-style run: start the system, drive it with clients, break it on schedule, heal,
 * read the final state, check the history, store everything.
 */
export async function runScenario(s: Scenario, o: RunOptions): Promise<RunOutcome> {
  const name = s.name || scenarioName(s);
  const store = new RunStore(o.storeRoot, name);
  const workload = getWorkload(s.workload);
  const wopts: WorkloadOptions = {
    keys: s.keys,
    waitFor: s.waitFor,
    waitTimeoutMs: s.waitTimeoutMs,
    cluster: s.topology.kind === 'cluster',
    minReplicas: false,
  };
  const serverArgs = [...(workload.serverArgs?.(wopts) ?? []), ...s.serverArgs];
  const minReplicasToWrite = Number(lastArg(serverArgs, '--min-replicas-to-write') ?? lastArg(serverArgs, '--min-slaves-to-write') ?? 0);
  wopts.minReplicas = minReplicasToWrite > 0;
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
  let sut: SystemUnderTest | null = null;
  try {
    sut = await startSystem(s, store, serverArgs);
    history = new HistoryWriter(store.path('history.jsonl'));
    const initialPrimary = sut.nodes.find((n) => n.role === 'primary');
    const tracker = s.topology.kind === 'replicated' && initialPrimary ? new PrimaryTracker(initialPrimary.name, sut.nodes) : null;
    const rng = new Prng(s.seed);
    const schedule: ScheduledFault[] =
      s.schedule ??
      buildSchedule(
        rng.fork('nemesis'),
        { nodes: sut.nodes, topology: s.topology.kind },
        { nemesis: s.nemesis, timeLimitS: s.timeLimitS, intervalS: s.intervalS, faultS: s.faultS },
      );
    for (const f of schedule) checkSupported(f.fault, sut.net, sut.faults.processFaults);
    const scenarioJson = {
      ...s,
      name,
      serverArgs,
      schedule,
      // What a loss means in this system (failover mechanism, persistence, min-replicas): the loss checkers' windows.
      faultModel: faultModelOf({ ...s, serverArgs }),
      versions: { splitbrain: '0.1.0', node: process.version, ...sut.versions },
      nodes: sut.nodes.map((n) => ({ name: n.name, host: n.host, port: n.port, role: n.role, shard: n.shard, primary: n.primary })),
      ...(sut.chain ? { iptablesChain: sut.chain } : {}),
      startedAt: new Date().toISOString(),
      /** Wall-clock time of history time 0 (op.time is ns since then). */
      historyStartedAt: new Date(history.startedAtMs).toISOString(),
    };
    store.writeJson('scenario.json', scenarioJson);

    const deadline = Date.now() + s.timeLimitS * 1000;
    const progress = startProgress(o, history, s, () => activeFault);
    let activeFault = '';
    const nemesisDone = runNemesis(schedule, sut, history, abort.signal, (label) => (activeFault = label), tracker);
    const workersDone = runWorkers(s, workload, wopts, sut, history, rng, deadline, abort.signal, tracker);
    await Promise.all([nemesisDone, workersDone]);
    progress.stop();

    if (!interrupted) {
      // Heal everything, let replication settle, then read the final state from every primary.
      await healAll(sut, history, tracker);
      await sleep(s.quiesceS * 1000);
      await sut.settle();
      await finalReads(s, workload, wopts, sut, history);
      if (s.topology.kind !== 'single') await recordNodeStates(sut.nodes, sut.net, history);
    }
  } catch (err) {
    history?.close();
    if (sut) await sut.stop().catch(() => undefined);
    await cleanupAll();
    setInterruptHandler(null);
    if (interrupted) return { dir: store.dir, exitCode: 130, results: null, interrupted };
    const msg = (err as Error).message;
    writeFileSync(store.path('error.txt'), (err as Error).stack ?? msg);
    o.log(`splitbrain: the run failed: ${msg}`);
    return { dir: store.dir, exitCode: 3, results: null, interrupted };
  }
  history!.close();
  await sut.stop().catch(() => undefined);
  await cleanupAll();
  setInterruptHandler(null);
  if (interrupted) return { dir: store.dir, exitCode: 130, results: null, interrupted };

  // Check the history as stored (read back), so `splitbrain check <run dir>` reproduces results.json exactly.
  const results = await recheckRun(store.dir);
  store.writeJson('results.json', results);
  await writeReport(store.dir).catch((e: Error) => o.log(`splitbrain: report generation failed: ${e.message}`));
  return { dir: store.dir, exitCode: exitCodeOf(results.valid), results, interrupted };
}

async function runWorkers(
  s: Scenario,
  workload: Workload,
  wopts: WorkloadOptions,
  sut: SystemUnderTest,
  history: HistoryWriter,
  rng: Prng,
  deadline: number,
  signal: AbortSignal,
  tracker: PrimaryTracker | null,
): Promise<void> {
  const primaries = sut.nodes.filter((n) => n.role === 'primary');
  const cluster = s.topology.kind === 'cluster';
  const perWorkerInterval = s.rate > 0 ? (1000 * s.concurrency) / s.rate : 0;
  const workers = Array.from({ length: s.concurrency }, async (_, slot) => {
    const wrng = rng.fork(`worker-${slot}`);
    // Jepsen: workers are bound to nodes round-robin; ours to the primaries, where writes go.
    let node = primaries[slot % primaries.length]!;
    let conn: Conn = cluster ? clusterClient(sut.nodes, sut.net, s.opTimeoutMs) : nodeClient(node, sut.net, s.opTimeoutMs);
    let process = slot;
    let n = 0;
    await awaitReady(conn, 5000);
    // Stagger the start so workers don't fire in lockstep.
    await sleep(wrng.int(Math.max(1, perWorkerInterval || 10)));
    try {
      while (Date.now() < deadline && !signal.aborted) {
        if (tracker && tracker.current !== node.name) {
          // A Sentinel-aware client: re-resolve the primary after a failover and talk to it.
          conn.disconnect();
          node = sut.nodes.find((n) => n.name === tracker.current)!;
          conn = nodeClient(node, sut.net, s.opTimeoutMs);
          await awaitReady(conn, 2000);
        }
        const started = Date.now();
        const op = workload.next(wrng, slot, n++, wopts);
        const extra = {
          key: op.key,
          node: cluster ? (op.key !== undefined ? slotOwner(sut.nodes, op.key) : undefined) : node.name,
          ...(op.waitFor !== undefined ? { waitFor: op.waitFor, waitTimeoutMs: op.waitTimeoutMs } : {}),
        };
        if (op.pauseBeforeMs) await sleep(Math.min(op.pauseBeforeMs, Math.max(0, deadline - Date.now())));
        history.append({ process, type: 'invoke', f: op.f, value: op.value, ...extra });
        const c = await workload.invoke(conn, op, wopts);
        history.append({
          process,
          type: c.type,
          f: op.f,
          value: c.value,
          ...extra,
          ...(c.error !== undefined ? { error: c.error } : {}),
          ...(c.ack !== undefined ? { ack: c.ack } : {}),
          ...(c.replicas !== undefined ? { replicas: c.replicas } : {}),
        });
        if (op.probe && tracker && c.type === 'ok' && c.ack === 'wait' && (c.replicas ?? 0) >= 1 && op.key !== undefined) {
          await probeReplicas(history, process, op.key, op.value, c.replicas!, sut, tracker);
        }
        // A process whose op ended `info` never invokes again: a fresh id takes its place.
        if (c.type === 'info') process += s.concurrency;
        const elapsed = Date.now() - started;
        const pause = perWorkerInterval > 0 ? perWorkerInterval * (0.5 + wrng.next()) - elapsed : c.type === 'fail' ? 10 : 0;
        if (pause > 0) await sleep(Math.min(pause, Math.max(0, deadline - Date.now())));
      }
    } finally {
      conn.disconnect();
    }
  });
  await Promise.all(workers);
}

/**
 * The direct WAIT check (checkers/wait): right after WAIT said `replicas` replicas have the write,
 * read the element on every replica of the current primary; at least that many must hold it.
 */
async function probeReplicas(
  history: HistoryWriter,
  process: number,
  key: string,
  element: unknown,
  replicas: number,
  sut: SystemUnderTest,
  tracker: PrimaryTracker,
): Promise<void> {
  history.append({ process, type: 'invoke', f: 'wait-probe', value: { key, element, replicas } });
  const present: string[] = [];
  const absent: string[] = [];
  const unreachable: string[] = [];
  await Promise.all(
    sut.nodes
      .filter((n) => n.name !== tracker.current)
      .map(async (n) => {
        const r = adminClient(n, sut.net, 1000);
        try {
          ((await r.sismember(key, String(element))) === 1 ? present : absent).push(n.name);
        } catch {
          unreachable.push(n.name);
        } finally {
          r.disconnect();
        }
      }),
  );
  history.append({
    process,
    type: 'ok',
    f: 'wait-probe',
    value: { key, element, replicas, present: present.sort(), absent: absent.sort(), unreachable: unreachable.sort() },
  });
}

async function runNemesis(
  schedule: ScheduledFault[],
  sut: SystemUnderTest,
  history: HistoryWriter,
  signal: AbortSignal,
  setActive: (s: string) => void,
  tracker: PrimaryTracker | null,
): Promise<void> {
  const t0 = Date.now();
  const ctx = { nodes: sut.nodes, net: sut.net, faults: sut.faults, tracker };
  const waitUntil = async (s: number) => {
    while (!signal.aborted && Date.now() - t0 < s * 1000) await sleep(Math.min(100, s * 1000 - (Date.now() - t0)));
  };
  for (const planned of schedule) {
    await waitUntil(planned.start);
    if (signal.aborted) return;
    // `*-primary` faults hit the current primary (the schedule names the one at the start).
    const f = tracker ? { ...planned, fault: tracker.retarget(planned.fault) } : planned;
    history.append({ process: 'nemesis', type: 'invoke', f: f.fault.f, value: f.fault.value });
    setActive(`${f.fault.value.kind} ${f.fault.value.nodes.join(',')}`);
    let done: unknown;
    try {
      done = await startFault(f.fault, ctx);
    } catch (err) {
      done = { error: (err as Error).message };
    }
    history.append({ process: 'nemesis', type: 'info', f: f.fault.f, value: done });
    if (INSTANT_FS.has(f.fault.f)) {
      setActive('');
      continue;
    }
    await waitUntil(f.stop);
    const sf = stopF(f.fault.f);
    history.append({ process: 'nemesis', type: 'invoke', f: sf, value: { nodes: f.fault.value.nodes } });
    try {
      done = await stopFault(f.fault, ctx);
    } catch (err) {
      done = { error: (err as Error).message };
    }
    history.append({ process: 'nemesis', type: 'info', f: sf, value: done });
    setActive('');
    if (signal.aborted) return;
  }
}

/** The final heal: network healed, paused nodes resumed, killed nodes restarted (and rejoined to the current primary). */
async function healAll(sut: SystemUnderTest, history: HistoryWriter, tracker: PrimaryTracker | null): Promise<void> {
  history.append({ process: 'nemesis', type: 'invoke', f: 'stop-partition', value: { nodes: [], kind: 'final-heal' } });
  await sut.net.heal();
  for (const n of sut.nodes) {
    if (n.process?.paused) await sut.faults.resume(n);
    if (n.process && !n.process.running) {
      await sut.faults.restart(n);
      await rejoin({ nodes: sut.nodes, net: sut.net, faults: sut.faults, tracker }, n);
    }
  }
  history.append({ process: 'nemesis', type: 'info', f: 'stop-partition', value: { nodes: [], kind: 'final-heal' } });
}

/** Which nodes are primaries now (roles may have changed through failovers). */
async function currentPrimaries(sut: SystemUnderTest, opTimeoutMs: number): Promise<NodeHandle[]> {
  const out: NodeHandle[] = [];
  for (const n of sut.nodes) {
    const r = adminClient(n, sut.net, opTimeoutMs);
    try {
      const role = (await r.call('ROLE')) as unknown[];
      if (role[0] === 'master') out.push(n);
    } catch {
      /* unreachable nodes are not read */
    } finally {
      r.disconnect();
    }
  }
  return out;
}

async function finalReads(s: Scenario, workload: Workload, wopts: WorkloadOptions, sut: SystemUnderTest, history: HistoryWriter): Promise<void> {
  if (!workload.finalRead) return;
  const keys = workload.finalKeys(wopts);
  // Final-read processes get ids past every worker id.
  let process = 1_000_000;
  if (s.topology.kind === 'cluster') {
    const c: Cluster = clusterClient(sut.nodes, sut.net, 5000);
    await awaitReady(c, 10_000);
    try {
      const owner = await currentSlotOwners(c, sut.nodes);
      for (const key of keys) await oneFinalRead(history, process++, key, owner(key), () => workload.finalRead!(c, key));
    } finally {
      c.disconnect();
    }
    return;
  }
  for (const n of await currentPrimaries(sut, 5000)) {
    const r: Redis = adminClient(n, sut.net, 5000);
    try {
      for (const key of keys) await oneFinalRead(history, process++, key, n.name, () => workload.finalRead!(r, key));
    } finally {
      r.disconnect();
    }
  }
}

async function oneFinalRead(history: HistoryWriter, process: number, key: string, node: string | undefined, read: () => Promise<unknown>): Promise<void> {
  const extra = node ? { key, node } : { key };
  history.append({ process, type: 'invoke', f: 'final-read', value: null, ...extra });
  try {
    const v = await read();
    history.append({ process, type: 'ok', f: 'final-read', value: v, ...extra });
  } catch (err) {
    history.append({ process, type: 'fail', f: 'final-read', value: null, error: (err as Error).message, ...extra });
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

/** The primary that served a key's slot at the start of the run (the node a cluster client writes to). */
function slotOwner(nodes: NodeHandle[], key: string): string | undefined {
  const slot = keySlot(key);
  return nodes.find((n) => n.slots?.some(([a, b]) => slot >= a && slot <= b))?.name;
}

/** Who serves each slot now (after failovers), from CLUSTER SLOTS; names the node of each final read. */
async function currentSlotOwners(c: Cluster, nodes: NodeHandle[]): Promise<(key: string) => string | undefined> {
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
