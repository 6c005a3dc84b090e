import { describe, expect, it } from 'vitest';
import { HistoryBuilder } from '../testing/builder.js';
import { checkConvergence } from './index.js';

function states(nodes: Record<string, { role: string; primary?: string; offset: number; linkUp?: boolean; keys: Record<string, string> }>) {
  const h = new HistoryBuilder();
  let p = 1_500_000;
  for (const [node, s] of Object.entries(nodes)) {
    h.invoke(p, 'node-state', null, { node });
    h.ok(p++, { primary: null, linkUp: null, ...s }, { node });
  }
  return h.build();
}

describe('convergence', () => {
  it('replicas at their primary offset holding the same digests converge', () => {
    const r = checkConvergence(
      states({
        n1: { role: 'master', offset: 900, keys: { a: 'set:1', b: 'set:2' } },
        n2: { role: 'replica', primary: 'n1', offset: 900, linkUp: true, keys: { a: 'set:1', b: 'set:2' } },
      }),
    );
    expect(r).toMatchObject({ valid: true, compared: 1, divergences: [] });
  });

  it('names the keys of a replica that diverged at the same offset', () => {
    const r = checkConvergence(
      states({
        n1: { role: 'master', offset: 900, keys: { a: 'set:1', b: 'set:2', c: 'string:3' } },
        n2: { role: 'replica', primary: 'n1', offset: 900, linkUp: true, keys: { a: 'set:1', b: 'set:9' } },
        n3: { role: 'replica', primary: 'n1', offset: 900, linkUp: true, keys: { a: 'set:1', b: 'set:2', c: 'string:3' } },
      }),
    );
    expect(r.valid).toBe(false);
    expect(r.divergences).toHaveLength(1);
    expect(r.divergences[0]).toMatchObject({ replica: 'n2', primary: 'n1', keys: ['b', 'c'] });
    expect(r.divergences[0]!.message).toContain('2 key(s) differ — b, c');
  });

  it('a lagging or unlinked replica cannot be judged: unknown, not a divergence', () => {
    const r = checkConvergence(
      states({
        n1: { role: 'master', offset: 900, keys: { a: 'set:1' } },
        n2: { role: 'replica', primary: 'n1', offset: 800, linkUp: true, keys: {} },
      }),
    );
    expect(r.valid).toBe('unknown');
    expect(r.unjudged[0]!.reason).toMatch(/offset 800 differs from the primary's 900/);
  });

  it('a round re-read after a PING moved the offsets apart is judged by each node’s last state', () => {
    const h = new HistoryBuilder();
    const round = (p: number, replicaOffset: number, failN3: boolean): void => {
      const rows: Array<[string, object | null]> = [
        ['n1', { role: 'master', primary: null, linkUp: null, offset: 914, keys: { a: 'set:1' } }],
        ['n2', { role: 'replica', primary: 'n1', linkUp: true, offset: replicaOffset, keys: { a: 'set:1' } }],
        ['n3', failN3 ? null : { role: 'replica', primary: 'n1', linkUp: true, offset: 914, keys: { a: 'set:1' } }],
      ];
      for (const [node, v] of rows) {
        h.invoke(p, 'node-state', null, { node });
        if (v) h.ok(p++, v, { node });
        else h.fail(p++, null, { node });
      }
    };
    round(1_500_000, 928, true); // a PING reached n2 after n1 was read; n3 did not answer
    round(1_500_010, 914, false);
    expect(checkConvergence(h.build())).toMatchObject({ valid: true, compared: 2, unjudged: [] });
  });
});
