/** The transactional workloads' pure parts: one slot per transaction, unique values, EXEC replies. */
import { describe, expect, it } from 'vitest';
import { Prng } from '../checkers/util/prng.js';
import { keySlot } from '../harness/util/slot.js';
import { finalKeys, nextTxn, type TxnMop, txnCompletion, txnKey } from './txn.js';

describe('txn workloads', () => {
  it('keep every transaction in one cluster slot, values unique per key, keys rotating', () => {
    for (const kind of ['append', 'register'] as const) {
      const seen = new Map<string, Set<unknown>>();
      const gens = new Set<string>();
      for (let slot = 0; slot < 5; slot++) {
        const r = new Prng(slot + 1);
        for (let n = 0; n < 1000; n++) {
          const txn = nextTxn(kind, r, slot, n, 4);
          expect(txn.length).toBeGreaterThanOrEqual(1);
          expect(new Set(txn.map(([, k]) => keySlot(k))).size).toBe(1);
          for (const [f, k, v] of txn) {
            gens.add(k.replace(/:\d+$/, ''));
            if (f === 'r') continue;
            const s = seen.get(k) ?? seen.set(k, new Set()).get(k)!;
            expect(s.has(v)).toBe(false);
            s.add(v);
          }
        }
      }
      // 4 groups × 5 generations of 200 ops.
      expect(gens.size).toBe(20);
    }
    expect(finalKeys('append', 4)).toContain(txnKey('append', 3, 4, 2));
  });

  it('map EXEC replies: reads filled in, an aborted EXEC fails, a command error is indeterminate', () => {
    const mops: TxnMop[] = [
      ['append', 'txa:{0.0}:1', 5],
      ['r', 'txa:{0.0}:1', null],
    ];
    expect(
      txnCompletion(mops, [
        [null, 3],
        [null, ['1', '2', '5']],
      ]),
    ).toEqual({
      type: 'ok',
      value: [
        ['append', 'txa:{0.0}:1', 5],
        ['r', 'txa:{0.0}:1', [1, 2, 5]],
      ],
    });
    expect(txnCompletion(mops, null)).toMatchObject({ type: 'fail', error: 'EXEC aborted' });
    expect(
      txnCompletion(mops, [
        [new Error('WRONGTYPE Operation against a key holding the wrong kind of value'), null],
        [null, []],
      ]),
    ).toMatchObject({ type: 'info', error: /WRONGTYPE/ });
    const reg: TxnMop[] = [['r', 'txr:{0.0}:1', null]];
    expect(txnCompletion(reg, [[null, null]]).value).toEqual([['r', 'txr:{0.0}:1', null]]);
    expect(txnCompletion(reg, [[null, '40']]).value).toEqual([['r', 'txr:{0.0}:1', 40]]);
  });
});
