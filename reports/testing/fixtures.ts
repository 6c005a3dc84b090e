/**
 * Stored runs built by hand for report, gate and index tests and for bench/report.ts: realistic
 * set-workload histories (5 workers, partitions and kills, NOREPLICAS-style failures during faults,
 * final reads) judged by the real checkers. Nothing here is a mocked checker result: the caller
 * passes the checking function (harness/run/check.ts checkRun; reports/ may not import harness/).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { historyToJsonl } from '../../checkers/history/format.js';
import type { History, Op } from '../../checkers/history/types.js';
import { Prng } from '../../checkers/util/prng.js';
import type { ResultsFile } from '../types.js';

export type CheckFn = (dir: string, history: History, specs: Array<{ name: string; options?: Record<string, unknown> }>) => Promise<ResultsFile>;

export interface SetRunOptions {
  /** Client ops (invoke + completion pairs) to generate. */
  ops: number;
  seed?: number;
  /** Acknowledged writes to drop from the final reads, picked far from any fault (anomalies). */
  lose?: number;
  /** ms from each kill until writes succeed again (failover). Default 1500. */
  failoverMs?: number;
  /** Inject faults (two partitions and two kills spread over the run). Default true. */
  faults?: boolean;
  /** Use values that look like markup (XSS probes) for a few writes. */
  xss?: boolean;
  /** Mean ms between a worker's ops. Default 25. */
  gapMs?: number;
  keys?: number;
  /** Share of reads (each returns the whole set: keep it 0 for million-op histories). Default 0.15. */
  readRatio?: number;
}

export const XSS_VALUES = [
  '<script>window.__xss=1</script>',
  '"onerror="window.__xss=2',
  "<img src=x onerror='window.__xss=3'>",
  '</script><script>window.__xss=4</script>',
];

interface Fault {
  f: string;
  stopF: string;
  nodes: string[];
  startMs: number;
  endMs: number;
}

/** A set-workload history: adds and reads over `keys` sets, faults on n1 (the primary). */
export function setHistory(o: SetRunOptions): { history: History; lost: number } {
  const rng = new Prng(o.seed ?? 7);
  const workers = 5;
  const keys = o.keys ?? 4;
  const gap = o.gapMs ?? 25;
  const totalMs = Math.max(2000, Math.ceil((o.ops / workers) * gap));
  const faults: Fault[] = [];
  if (o.faults !== false) {
    const at = (x: number): number => Math.round(totalMs * x);
    faults.push({ f: 'start-partition', stopF: 'stop-partition', nodes: ['n1'], startMs: at(0.15), endMs: at(0.15) + Math.min(6000, totalMs * 0.12) });
    faults.push({ f: 'kill', stopF: 'start', nodes: ['n1'], startMs: at(0.45), endMs: at(0.45) + Math.min(5000, totalMs * 0.1) });
    faults.push({ f: 'start-partition', stopF: 'stop-partition', nodes: ['n2'], startMs: at(0.65), endMs: at(0.65) + Math.min(4000, totalMs * 0.08) });
    faults.push({ f: 'kill', stopF: 'start', nodes: ['n1'], startMs: at(0.82), endMs: at(0.82) + Math.min(4000, totalMs * 0.08) });
  }
  const failover = o.failoverMs ?? 1500;
  type Ev = { t: number; op: Omit<Op, 'index' | 'time'> };
  const evs: Ev[] = [];
  for (const f of faults) {
    evs.push({
      t: f.startMs,
      op: { process: 'nemesis', type: 'invoke', f: f.f, value: { nodes: f.nodes, kind: f.f === 'kill' ? 'kill-primary' : 'isolate' } },
    });
    evs.push({
      t: f.startMs + 20,
      op: { process: 'nemesis', type: 'info', f: f.f, value: { nodes: f.nodes, kind: f.f === 'kill' ? 'kill-primary' : 'isolate' } },
    });
    evs.push({ t: f.endMs, op: { process: 'nemesis', type: 'invoke', f: f.stopF, value: { nodes: f.nodes } } });
    evs.push({ t: f.endMs + 15, op: { process: 'nemesis', type: 'info', f: f.stopF, value: { nodes: f.nodes } } });
  }
  // Writes are unavailable during a partition, and after a kill until failover completes (which
  // may take longer than the kill itself: a restarted primary must rejoin first).
  const down = (t: number): Fault | undefined => faults.find((f) => t >= f.startMs && t < (f.f === 'kill' ? f.startMs + failover : f.endMs));
  const present = new Map<string, unknown[]>();
  const acked: Array<{ key: string; value: unknown; t: number }> = [];
  let value = 0;
  let xssLeft = o.xss ? XSS_VALUES.length : 0;
  const perWorker = Math.ceil(o.ops / workers);
  for (let w = 0; w < workers; w++) {
    let t = rng.next() * gap;
    let process = w;
    for (let i = 0; i < perWorker; i++) {
      const key = `set${rng.int(keys)}`;
      const isRead = rng.next() < (o.readRatio ?? 0.15);
      const lat = 0.2 + rng.next() * 2.5 + (rng.next() < 0.01 ? 40 * rng.next() : 0);
      const f = down(t);
      const node = 'n1';
      if (isRead) {
        evs.push({ t, op: { process, type: 'invoke', f: 'read', value: null, key, node } });
        if (f) {
          evs.push({ t: t + lat + 50, op: { process, type: 'fail', f: 'read', value: null, key, node, error: f.f === 'kill' ? 'ECONNREFUSED' : 'timeout' } });
          t += 50;
        } else evs.push({ t: t + lat, op: { process, type: 'ok', f: 'read', value: [], key, node } });
      } else {
        let v: unknown = ++value;
        if (xssLeft > 0 && !f && i > 3) v = XSS_VALUES[--xssLeft]!;
        evs.push({ t, op: { process, type: 'invoke', f: 'add', value: v, key, node } });
        if (f && f.f === 'kill') evs.push({ t: t + lat, op: { process, type: 'fail', f: 'add', value: v, key, node, error: 'ECONNREFUSED' } });
        else if (f) {
          // Partitioned primary: the client times out; the write may or may not have happened.
          evs.push({ t: t + 1000, op: { process, type: 'info', f: 'add', value: v, key, node, error: 'timeout' } });
          process += workers;
          t += 1000;
        } else {
          evs.push({ t: t + lat, op: { process, type: 'ok', f: 'add', value: v, key, node } });
          acked.push({ key, value: v, t });
          const arr = present.get(key) ?? [];
          arr.push(v);
          present.set(key, arr);
        }
      }
      t += lat + gap * (0.5 + rng.next());
    }
  }
  // Losses: acknowledged writes far from every fault, so that no window excuses them.
  let lost = 0;
  // Windows with node-timeout 3000 ms (SET_SPECS): 1 s before a fault to its end + 4 s, plus margin.
  const far = (t: number): boolean => faults.every((f) => t < f.startMs - 2000 || t > f.endMs + 6000);
  const candidates = acked.filter((a) => far(a.t) && typeof a.value === 'number');
  for (let i = 0; i < (o.lose ?? 0) && candidates.length; i++) {
    const a = candidates.splice(rng.int(candidates.length), 1)[0]!;
    const arr = present.get(a.key)!;
    arr.splice(arr.indexOf(a.value), 1);
    lost++;
  }
  evs.sort((a, b) => a.t - b.t);
  // Reads see what was acknowledged so far (values in ack order, as SMEMBERS would).
  const seen = new Map<string, unknown[]>();
  const history: History = [];
  for (const e of evs) {
    const op = { ...e.op } as Op;
    if (op.type === 'ok' && op.f === 'add') {
      const arr = seen.get(op.key!) ?? [];
      arr.push(op.value);
      seen.set(op.key!, arr);
    }
    if (op.type === 'ok' && op.f === 'read') op.value = [...(seen.get(op.key!) ?? [])];
    history.push({ ...op, index: history.length, time: Math.round(e.t * 1e6) });
  }
  let t = (history.length ? history[history.length - 1]!.time : 0) + 3e9;
  let p = 1_000_000;
  for (let k = 0; k < keys; k++) {
    const key = `set${k}`;
    history.push({ index: history.length, time: t, process: p, type: 'invoke', f: 'final-read', value: null, key, node: 'n1' });
    t += 1e6;
    history.push({ index: history.length, time: t, process: p++, type: 'ok', f: 'final-read', value: [...(present.get(key) ?? [])], key, node: 'n1' });
    t += 1e6;
  }
  return { history, lost };
}

/** The set workload's checkers, with the fixture's configuration (node-timeout 3 s). */
export const SET_SPECS = [{ name: 'set-full' }, { name: 'lost-writes', options: { nodeTimeoutMs: 3000 } }];

export interface StoredRunOptions {
  storeRoot: string;
  scenario?: string;
  ts: string;
  seed?: number;
  workload?: string;
  nemesis?: string;
}

/** Writes scenario.json and history.jsonl under <store>/<scenario>/<ts>/ and checks the history. */
export async function storeRun(history: History, specs: Parameters<CheckFn>[2], check: CheckFn, o: StoredRunOptions): Promise<string> {
  const name = o.scenario ?? 'ts-replicated-set-partition-primary+kill-primary';
  const dir = join(o.storeRoot, name, o.ts);
  mkdirSync(join(dir, 'nodes'), { recursive: true });
  const scenario = {
    name,
    target: 'ts',
    topology: { kind: 'replicated', masters: 1, replicas: 2 },
    net: 'toxiproxy',
    workload: o.workload ?? 'set',
    nemesis: o.nemesis ?? 'partition-primary,kill-primary',
    timeLimitS: Math.ceil((history.length ? history[history.length - 1]!.time : 0) / 1e9),
    seed: o.seed ?? 42,
    concurrency: 5,
    rate: 0,
    nodeTimeoutMs: 3000,
    serverArgs: [],
    // A real run always records its schedule (the report's reproduce command needs one).
    schedule: [],
    versions: { splitbrain: '0.1.0', node: process.version },
    nodes: [
      { name: 'n1', host: '127.0.0.1', port: 7001, role: 'primary' },
      { name: 'n2', host: '127.0.0.1', port: 7002, role: 'replica' },
      { name: 'n3', host: '127.0.0.1', port: 7003, role: 'replica' },
    ],
    startedAt: `${o.ts.slice(0, 4)}-${o.ts.slice(4, 6)}-${o.ts.slice(6, 8)}T${o.ts.slice(9, 11)}:${o.ts.slice(11, 13)}:${o.ts.slice(13, 15)}.000Z`,
  };
  writeFileSync(join(dir, 'scenario.json'), JSON.stringify(scenario, null, 2) + '\n');
  writeFileSync(join(dir, 'history.jsonl'), historyToJsonl(history));
  for (const n of ['n1', 'n2', 'n3']) {
    mkdirSync(join(dir, 'nodes', n), { recursive: true });
    writeFileSync(
      join(dir, 'nodes', n, 'server.log'),
      `1:M 01 Jan 2026 00:00:00.000 * Ready to accept connections tcp\n1:M 01 Jan 2026 00:00:05.000 * Replica 127.0.0.1:7002 asks for synchronization\n`,
    );
  }
  const results = await check(dir, history, specs);
  writeFileSync(join(dir, 'results.json'), JSON.stringify(results, null, 2) + '\n');
  return dir;
}

/** A register history that is not linearizable: a read returns a value overwritten before it began. */
export function staleRegisterHistory(): History {
  const h: History = [];
  let t = 0;
  const push = (op: Omit<Op, 'index' | 'time'>): void => {
    h.push({ ...op, index: h.length, time: t });
    t += 2e6;
  };
  push({ process: 0, type: 'invoke', f: 'write', value: 1, key: 'r0', node: 'n1' });
  push({ process: 0, type: 'ok', f: 'write', value: 1, key: 'r0', node: 'n1' });
  push({ process: 'nemesis', type: 'invoke', f: 'start-partition', value: { nodes: ['n1'], kind: 'isolate' } });
  push({ process: 'nemesis', type: 'info', f: 'start-partition', value: { nodes: ['n1'], kind: 'isolate' } });
  push({ process: 1, type: 'invoke', f: 'write', value: 2, key: 'r0', node: 'n2' });
  push({ process: 1, type: 'ok', f: 'write', value: 2, key: 'r0', node: 'n2' });
  push({ process: 0, type: 'invoke', f: 'read', value: null, key: 'r0', node: 'n1' });
  push({ process: 0, type: 'ok', f: 'read', value: 1, key: 'r0', node: 'n1' });
  push({ process: 2, type: 'invoke', f: 'write', value: 3, key: 'r1', node: 'n2' });
  push({ process: 2, type: 'ok', f: 'write', value: 3, key: 'r1', node: 'n2' });
  push({ process: 2, type: 'invoke', f: 'read', value: null, key: 'r1', node: 'n2' });
  push({ process: 2, type: 'ok', f: 'read', value: 3, key: 'r1', node: 'n2' });
  push({ process: 'nemesis', type: 'invoke', f: 'stop-partition', value: null });
  push({ process: 'nemesis', type: 'info', f: 'stop-partition', value: null });
  return h;
}
