import { symlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collectIndex } from '../../reports/store-index.js';
import { SET_SPECS, setHistory, storeRun } from '../../reports/testing/fixtures.js';
import { check, tempStore } from './helpers.js';

const store = tempStore('nested');
afterAll(() => store.cleanup());

describe('the store index with nested stores', () => {
  it('lists the runs of store/baseline/… by their own names and timestamps, never as "latest"', async () => {
    const { history } = setHistory({ ops: 200, seed: 1, faults: false });
    const top = await storeRun(history, SET_SPECS, check, { storeRoot: store.root, ts: '20260301T000000Z' });
    symlinkSync(relative(store.root, top), join(store.root, 'latest'));
    const baseRoot = join(store.root, 'baseline');
    const base = await storeRun(history, SET_SPECS, check, { storeRoot: baseRoot, ts: '20260302T000000Z' });
    symlinkSync(relative(baseRoot, base), join(baseRoot, 'latest'));
    const { runs } = await collectIndex(store.root);
    const name = 'ts-replicated-set-partition-primary+kill-primary';
    expect(runs.map((r) => [r.scenario, r.ts]).sort()).toEqual([
      [`baseline/${name}`, '20260302T000000Z'],
      [name, '20260301T000000Z'],
    ]);
    expect(runs.find((r) => r.ts === '20260302T000000Z')!.href).toBe(`baseline/${encodeURIComponent(name)}/20260302T000000Z/`);
  });
});
