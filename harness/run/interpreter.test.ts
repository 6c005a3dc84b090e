import { describe, expect, it } from 'vitest';
import { Prng } from '../../checkers/util/prng.js';
import { clients, eachThread, limit, NEMESIS_THREAD, nemesis, once, ops, phases, stagger } from '../../workloads/generator.js';
import { sleep } from '../util/sleep.js';
import { interpret, type Thread } from './interpreter.js';

interface Done {
  thread: number;
  op: string;
  start: number;
  end: number;
}

function threads(ids: number[], log: Done[], t0: number, latencyMs = 5): Thread<string>[] {
  return ids.map((id) => ({
    id,
    rng: new Prng(id + 10),
    async invoke(op) {
      const start = Date.now() - t0;
      await sleep(latencyMs);
      log.push({ thread: id, op, start, end: Date.now() - t0 });
      return 'ok';
    },
  }));
}

describe('the interpreter', () => {
  it('runs phases in order on every thread: a phase starts after every op of the previous one completed', async () => {
    const log: Done[] = [];
    const t0 = Date.now();
    const gen = phases(
      clients(
        eachThread((t) =>
          limit(
            3 + t,
            ops(() => `write ${t}`),
          ),
        ),
      ),
      nemesis(once('heal')),
      clients(eachThread((t) => once(`read ${t}`))),
    );
    await interpret(gen, threads([0, 1, NEMESIS_THREAD], log, t0), new AbortController().signal, t0);
    expect(log.filter((d) => d.op.startsWith('write'))).toHaveLength(7);
    const heal = log.find((d) => d.op === 'heal')!;
    for (const w of log.filter((d) => d.op.startsWith('write'))) expect(w.end).toBeLessThanOrEqual(heal.start);
    const reads = log.filter((d) => d.op.startsWith('read'));
    expect(reads.map((d) => d.op).sort()).toEqual(['read 0', 'read 1']);
    for (const r of reads) expect(r.start).toBeGreaterThanOrEqual(heal.end);
  });

  it('waits until an op is due (stagger) and stops every thread on abort', async () => {
    const log: Done[] = [];
    const t0 = Date.now();
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 400);
    await interpret(
      clients(
        stagger(
          100,
          ops(() => 'op'),
        ),
      ),
      threads([0], log, t0, 0),
      abort.signal,
      t0,
    );
    expect(log.length).toBeGreaterThanOrEqual(2);
    // Each op starts at least 0.5 × 100 ms after the previous one (timers never fire early).
    for (let i = 1; i < log.length; i++) expect(log[i]!.start - log[i - 1]!.start).toBeGreaterThanOrEqual(49);
  });

  it('an op that throws stops the other threads and rejects', async () => {
    const t0 = Date.now();
    const log: Done[] = [];
    const ts = threads([0, 1], log, t0);
    ts[1]!.invoke = async () => {
      throw new Error('heal failed');
    };
    await expect(interpret(clients(ops(() => 'op')), ts, new AbortController().signal, t0)).rejects.toThrow('heal failed');
    const n = log.length;
    await sleep(50);
    expect(log.length).toBe(n);
  });
});
