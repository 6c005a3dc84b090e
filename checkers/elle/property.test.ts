/**
 * Property tests: histories of serial executions (each transaction takes effect at one moment
 * inside its invocation interval) are valid under strict serializability, with crashed and failed
 * transactions mixed in; one planted anomaly of each kind is caught.
 */
import { describe, expect, it } from 'vitest';
import { checkElle, type TxnWorkload } from './checker.js';
import { generateTxnHistory, type Injection, inject } from './generate.js';

const SEEDS = Array.from({ length: 25 }, (_, i) => i + 1);

describe.each(['list-append', 'rw-register'] as TxnWorkload[])('%s', (workload) => {
  it('serial executions are valid (strict-serializable), 25 seeds × 3 shapes', () => {
    for (const seed of SEEDS) {
      for (const shape of [
        { processes: 5, txns: 300 },
        { processes: 20, txns: 600, keys: 4, infoRate: 0.05, failRate: 0.05 },
        { processes: 2, txns: 200, keys: 2, writesPerKey: 8, maxLength: 6, infoRate: 0.1 },
      ]) {
        const h = generateTxnHistory({ seed, workload, ...shape });
        const r = checkElle(h, { workload, lostAppends: true, wfrKeys: true });
        if (r.valid !== true) throw new Error(`seed ${seed} ${JSON.stringify(shape)}: ${r.anomalyTypes.join(', ')} ${r.error ?? ''}`);
      }
    }
  });

  const kinds: Injection[] =
    workload === 'list-append'
      ? ['stale-read', 'aborted-read', 'duplicate', 'reorder', 'internal', 'intermediate-read']
      : ['aborted-read', 'internal', 'intermediate-read'];
  it.each(kinds)('one planted %s is caught', (kind) => {
    let planted = 0;
    for (const seed of SEEDS) {
      const h = generateTxnHistory({ seed, workload, processes: 5, txns: 300, keys: 4, failRate: 0.05 });
      const bad = inject(h, kind, seed);
      if (bad === null) continue;
      planted++;
      const r = checkElle(bad, { workload, lostAppends: true, wfrKeys: true });
      if (r.valid !== false) throw new Error(`seed ${seed}: ${kind} not caught (${r.anomalyTypes.join(', ')})`);
    }
    expect(planted).toBeGreaterThan(10);
  });
});
