import { describe, expect, it } from 'vitest';
import { HistoryBuilder } from '../testing/builder.js';
import { checkStats } from './index.js';

describe('stats', () => {
  it('counts ok / fail / info per f, sorted by f, ignoring the nemesis', () => {
    const h = new HistoryBuilder();
    h.add(0, 'k', 1);
    h.add(0, 'k', 2, { type: 'fail' });
    h.read(1, 'k', [1]);
    h.isolate(['n1']);
    const res = checkStats(h.build());
    expect(res.valid).toBe(true);
    expect(Object.keys(res.byF)).toEqual(['add', 'read']);
    expect(res.byF['add']).toEqual({ valid: true, count: 2, okCount: 1, failCount: 1, infoCount: 0 });
    expect(res.count).toBe(3);
  });

  it('is unknown when an f never succeeded, and when nothing ran', () => {
    const h = new HistoryBuilder();
    h.add(0, 'k', 1);
    h.add(0, 'k', 2, { type: 'info' });
    h.invoke(1, 'read', null);
    h.fail(1);
    const res = checkStats(h.build());
    expect(res.valid).toBe('unknown');
    expect(res.byF['read']!.valid).toBe('unknown');
    expect(checkStats([]).valid).toBe('unknown');
  });
});
