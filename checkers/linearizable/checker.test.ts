import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseHistoryText } from '../history/parse.js';
import type { Op } from '../history/types.js';
import { inferModel, ModelError, registerModel } from '../models/index.js';
import { checkLinearizable, checkLinearizableSync, type LinearizableResult } from './checker.js';
import { generateHistory } from './generate.js';
import { resolveWorkerUrl } from './parallel.js';
import { prepare } from './prepare.js';
import { search } from './search.js';

const testdata = fileURLToPath(new URL('../../../shared/testdata/porcupine/', import.meta.url));
const distChecker = fileURLToPath(new URL('../../dist/checkers/linearizable/checker.js', import.meta.url));

/** Ops as [process, type, f, value, time], indices assigned in order. */
function hist(rows: [number, Op['type'], string, unknown, number][], key?: string): Op[] {
  return rows.map(([process, type, f, value, time], index) => ({ index, time, process, type, f, value, ...(key ? { key } : {}) }));
}

describe('linearizable checker', () => {
  it('judges the register examples of Porcupine (6.824 quiz)', () => {
    // write(100) spans [0,100]; read -> 100 in [25,75]; read -> nil in [30,60]: linearizable.
    const good = hist([
      [0, 'invoke', 'write', 100, 0],
      [1, 'invoke', 'read', null, 25],
      [2, 'invoke', 'read', null, 30],
      [2, 'ok', 'read', null, 60],
      [1, 'ok', 'read', 100, 75],
      [0, 'ok', 'write', 100, 100],
    ]);
    expect(checkLinearizableSync(good, { model: 'register' }).valid).toBe(true);
    // read -> 200 in [10,30], then read -> nil in [40,90]: not linearizable.
    const bad = hist([
      [0, 'invoke', 'write', 200, 0],
      [1, 'invoke', 'read', null, 10],
      [1, 'ok', 'read', 200, 30],
      [2, 'invoke', 'read', null, 40],
      [2, 'ok', 'read', null, 90],
      [0, 'ok', 'write', 200, 100],
    ]);
    const r = checkLinearizableSync(bad, { model: 'register' });
    expect(r.valid).toBe(false);
    const p = r.partitions[0]!;
    expect(p.longestLinearizable).toEqual([[0, 1]]);
    expect(p.states).toEqual([['nil', '200', '200']]);
    expect(p.nonLinearizable).toEqual([3]);
    expect(p.stuckAt).toBe(3);
    expect(p.ops!.map((o) => o.description)).toEqual(['write(200)', 'read() -> 200', 'read() -> nil']);
  });

  it('treats call and return at the same time as concurrent (closed intervals)', () => {
    const h = hist([
      [0, 'invoke', 'write', 1, 0],
      [0, 'ok', 'write', 1, 10],
      [1, 'invoke', 'read', null, 10],
      [1, 'ok', 'read', null, 20],
    ]);
    // The read invoked at the write's return time may still come first.
    expect(checkLinearizableSync(h, { model: 'register' }).valid).toBe(true);
    h[2]!.time = 11; // strictly after: it must see the write
    expect(checkLinearizableSync(h, { model: 'register' }).valid).toBe(false);
  });

  it('lets info and never-completed ops take effect any time after their call, or never', () => {
    const info = hist([
      [0, 'invoke', 'write', 5, 0],
      [0, 'info', 'write', 5, 10],
      [1, 'invoke', 'read', null, 20],
      [1, 'ok', 'read', null, 30],
      [2, 'invoke', 'read', null, 40],
      [2, 'ok', 'read', 5, 50],
      [3, 'invoke', 'cas', [5, 6], 60],
    ]);
    expect(checkLinearizableSync(info, { model: 'register' }).valid).toBe(true);
    // ...but not before its call.
    const early = hist([
      [1, 'invoke', 'read', null, 0],
      [1, 'ok', 'read', 5, 5],
      [0, 'invoke', 'write', 5, 10],
      [0, 'info', 'write', 5, 20],
    ]);
    expect(checkLinearizableSync(early, { model: 'register' }).valid).toBe(false);
  });

  it('drops failed writes and treats a cas that fails without error as a compare mismatch', () => {
    const h = hist([
      [0, 'invoke', 'write', 1, 0],
      [0, 'fail', 'write', 1, 1],
      [1, 'invoke', 'read', null, 2],
      [1, 'ok', 'read', null, 3],
      [2, 'invoke', 'cas', [null, 2], 4],
      [2, 'fail', 'cas', [null, 2], 5],
    ]);
    h[1]!.error = 'NOREPLICAS';
    // The failed cas claims the register did not hold nil, but nothing was ever written.
    expect(checkLinearizableSync(h, { model: 'register' }).valid).toBe(false);
    h[5]!.error = 'CLUSTERDOWN'; // a cas that failed with an error did not happen at all
    const r = checkLinearizableSync(h, { model: 'register' });
    expect(r.valid).toBe(true);
    expect(r.dropped).toBe(2);
  });

  it('checks each key separately and reports the failing one', () => {
    const ok = hist(
      [
        [0, 'invoke', 'write', 1, 0],
        [0, 'ok', 'write', 1, 1],
      ],
      'a',
    );
    const bad = hist(
      [
        [1, 'invoke', 'read', null, 2],
        [1, 'ok', 'read', 9, 3],
      ],
      'b',
    );
    const h = [...ok, ...bad].map((o, index) => ({ ...o, index }));
    const r = checkLinearizableSync(h, { model: 'register' });
    expect(r.valid).toBe(false);
    expect(r.partitions.map((p) => [p.key, p.valid])).toEqual([
      ['a', true],
      ['b', false],
    ]);
    expect(r.invalidKeys).toEqual(['b']);
  });

  it('judges set, list-append and counter histories', () => {
    const set = hist([
      [0, 'invoke', 'add', 1, 0],
      [0, 'ok', 'add', 1, 1],
      [1, 'invoke', 'add', 2, 2],
      [2, 'invoke', 'read', null, 3],
      [2, 'ok', 'read', [2, 1], 4],
      [1, 'ok', 'add', 2, 5],
    ]);
    expect(checkLinearizableSync(set, { model: 'set' }).valid).toBe(true);
    expect(
      checkLinearizableSync(
        set.map((o) => (o.index === 4 ? { ...o, value: [2] } : o)),
        { model: 'set' },
      ).valid,
    ).toBe(false);
    const list = hist([
      [0, 'invoke', 'append', 1, 0],
      [1, 'invoke', 'append', 2, 1],
      [0, 'ok', 'append', 1, 2],
      [1, 'ok', 'append', 2, 3],
      [2, 'invoke', 'read', null, 4],
      [2, 'ok', 'read', [2, 1], 5],
    ]);
    expect(checkLinearizableSync(list, { model: 'list-append' }).valid).toBe(true);
    const list2 = list.map((o) => (o.index === 5 ? { ...o, value: [1, 2, 2] } : o));
    expect(checkLinearizableSync(list2, { model: 'list-append' }).valid).toBe(false);
    const counter = hist([
      [0, 'invoke', 'incr', 2, 0],
      [1, 'invoke', 'read', null, 1],
      [1, 'ok', 'read', 2, 2],
      [0, 'ok', 'incr', 2, 3],
      [2, 'invoke', 'read', null, 4],
      [2, 'ok', 'read', 1, 5],
    ]);
    const r = checkLinearizableSync(counter, { model: 'counter' });
    expect(r.valid).toBe(false);
    expect(r.partitions[0]!.states[0]).toEqual(['0', '2', '2']);
  });

  it('follows checkers/CONVENTIONS.md: 7 and "7" are one value, final-read is a read, wait ops are skipped', () => {
    const reg = hist([
      [0, 'invoke', 'write', 7, 0],
      [0, 'ok', 'write', 7, 1],
      [1, 'invoke', 'wait', { numreplicas: 1, timeoutMs: 100 }, 2],
      [1, 'ok', 'wait', 1, 3],
      [2, 'invoke', 'read', null, 4],
      [2, 'ok', 'read', '7', 5],
      [3, 'invoke', 'final-read', null, 6],
      [3, 'ok', 'final-read', '7', 7],
    ]);
    const r = checkLinearizableSync(reg);
    expect(r.model).toBe('register');
    expect(r.valid).toBe(true);
    expect(r.opCount).toBe(3);
    expect(checkLinearizableSync(reg.map((o) => (o.index === 7 ? { ...o, value: '8' } : o))).valid).toBe(false);
    const set = hist([
      [0, 'invoke', 'add', 1, 0],
      [0, 'ok', 'add', 1, 1],
      [1, 'invoke', 'final-read', null, 2],
      [1, 'ok', 'final-read', ['1'], 3],
    ]);
    expect(checkLinearizableSync(set, { model: 'set' }).valid).toBe(true);
    const counter = hist([
      [0, 'invoke', 'add', 3, 0],
      [0, 'ok', 'add', 3, 1],
      [1, 'invoke', 'read', null, 2],
      [1, 'ok', 'read', '3', 3],
    ]);
    expect(checkLinearizableSync(counter).valid).toBe(true);
  });

  it('refuses ops the model does not know, and infers models from the ops', () => {
    const h = hist([
      [0, 'invoke', 'frobnicate', 1, 0],
      [0, 'ok', 'frobnicate', 1, 1],
    ]);
    expect(() => checkLinearizableSync(h, { model: 'register' })).toThrow(ModelError);
    expect(() => checkLinearizableSync(h)).toThrow(/cannot infer a model/);
    expect(inferModel(generateHistory({ seed: 1, model: 'register', processes: 3, ops: 30 }))).toBe('register');
    expect(inferModel(generateHistory({ seed: 1, model: 'kv', processes: 3, ops: 30 }))).toBe('kv');
    expect(inferModel(generateHistory({ seed: 1, model: 'set', processes: 3, ops: 30 }))).toBe('set');
    expect(inferModel(generateHistory({ seed: 1, model: 'counter', processes: 3, ops: 30 }))).toBe('counter');
  });

  it('returns unknown with the partial result when the time budget is spent', async () => {
    const h = parseHistoryText(readFileSync(testdata + 'etcd/etcd_002.log', 'utf8'), 'etcd_002.log').ops;
    // A deadline already past: the search stops at its first deadline check (it needs >1M steps).
    const part = prepare(h, registerModel).partitions[0]!;
    const s = search(registerModel, part, { deadline: Date.now() - 1 });
    expect(s.valid).toBe('unknown');
    expect(s.best.length).toBeGreaterThan(0);
    const r = await checkLinearizable(h, { model: 'register', deadline: Date.now() - 1 });
    expect(r.valid).toBe('unknown');
    expect(r.timedOut).toBe(true);
    expect(r.unknownKeys).toEqual(['']);
    // An invalid partition decides the verdict even when others are unknown.
    const kv = parseHistoryText(readFileSync(testdata + 'kv/c10-bad.txt', 'utf8'), 'c10-bad.txt').ops;
    const first = checkLinearizableSync(kv, { model: 'kv' });
    expect(first.valid).toBe(false);
    const all = checkLinearizableSync(kv, { model: 'kv', stopOnIllegal: false });
    expect(all.cancelled).toBe(0);
    expect(all.invalidKeys.length).toBeGreaterThanOrEqual(first.invalidKeys.length);
    // Cancelled partitions are undecided, with their partial data; invalid ones are complete.
    for (const p of first.partitions) if (p.cancelled) expect(p.valid).toBe('unknown');
    for (const key of first.invalidKeys) expect(all.invalidKeys).toContain(key);
  });
});

function sameVerdicts(a: LinearizableResult, b: LinearizableResult): void {
  expect(b.valid).toBe(a.valid);
  expect(b.partitions.map((p) => [p.key, p.valid, p.opCount, p.longestLinearizable[0]!.length])).toEqual(
    a.partitions.map((p) => [p.key, p.valid, p.opCount, p.longestLinearizable[0]!.length]),
  );
}

describe('worker threads', () => {
  const histories: [string, Op[], string][] = [
    ['c10-bad', parseHistoryText(readFileSync(testdata + 'kv/c10-bad.txt', 'utf8')).ops, 'kv'],
    ['c10-ok', parseHistoryText(readFileSync(testdata + 'kv/c10-ok.txt', 'utf8')).ops, 'kv'],
    ['generated', generateHistory({ seed: 5, model: 'register', processes: 8, ops: 3000, keys: 12, infoRate: 0.01 }), 'register'],
  ];

  it('the compiled worker exists (npm test builds first)', () => {
    expect(existsSync(distChecker), 'run `npm run build` before the tests').toBe(true);
    expect(resolveWorkerUrl()).toBeDefined();
  });

  it('give the same results as the in-process path, from the sources', async () => {
    for (const [name, h, model] of histories) {
      // Every partition searched to the end, so both paths must agree exactly.
      const inProcess = await checkLinearizable(h, { model, parallel: false, stopOnIllegal: false });
      const par = await checkLinearizable(h, { model, parallel: true, workers: 2, stopOnIllegal: false });
      expect(inProcess.workers, name).toBe(0);
      expect(par.workers, name).toBe(2);
      sameVerdicts(inProcess, par);
    }
  });

  it('run from the compiled dist build', async () => {
    const dist = (await import(distChecker)) as typeof import('./checker.js');
    for (const [name, h, model] of histories) {
      const inProcess = checkLinearizableSync(h, { model, stopOnIllegal: false });
      const par = await dist.checkLinearizable(h, { model, parallel: true, workers: 3, stopOnIllegal: false });
      expect(par.workers, name).toBeGreaterThan(1);
      sameVerdicts(inProcess, par);
    }
  });

  it('stop at the first illegal partition unless asked to search them all', async () => {
    const h = histories[0]![1];
    const stop = await checkLinearizable(h, { model: 'kv', parallel: true, workers: 2 });
    expect(stop.valid).toBe(false);
    const full = await checkLinearizable(h, { model: 'kv', parallel: true, workers: 2, stopOnIllegal: false });
    expect(full.cancelled).toBe(0);
    expect(stop.invalidKeys.length + stop.cancelled).toBeLessThanOrEqual(full.invalidKeys.length + stop.partitionCount);
  });

  it('are not started for small histories in auto mode', async () => {
    const r = await checkLinearizable(histories[0]![1], { model: 'kv' });
    expect(r.workers).toBe(0);
  });

  it('refuse models that are not registered (workers look models up by name)', async () => {
    const custom = { ...registerModel, name: 'my-register' };
    await expect(checkLinearizable(histories[2]![1], { model: custom, parallel: true })).rejects.toThrow(/registered model/);
    expect((await checkLinearizable(histories[2]![1], { model: custom })).valid).toBe(true);
  });
});
