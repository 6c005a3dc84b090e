import { describe, expect, it } from 'vitest';
import { faultIntervals, pairOps } from './faults.js';
import { HistoryBuilder } from './testing/builder.js';

describe('faultIntervals', () => {
  it('pairs starts and stops per family and node, keeps instants and unhealed faults', () => {
    const h = new HistoryBuilder();
    h.at(1);
    h.isolate(['n3']); // 0,1
    h.at(2);
    h.nemesis('kill', { nodes: ['n1'] }); // 2,3
    h.nemesis('kill', { nodes: ['n2'] }); // 4,5
    h.at(3);
    h.nemesis('start', { nodes: ['n1'] }); // 6,7
    h.nemesis('failover', { node: 'n4' }); // 8,9
    h.at(5);
    h.heal(); // 10,11
    h.nemesis('pause', ['n5']); // 12,13
    const fs = faultIntervals(h.build());
    expect(fs.map((f) => [f.id, f.family, f.f, f.nodes.join(','), f.startIndex, f.stopIndex, f.healed, f.instant])).toEqual([
      [0, 'partition', 'start-partition', 'n3', 0, 11, true, false],
      [1, 'kill', 'kill', 'n1', 2, 7, true, false],
      [2, 'kill', 'kill', 'n2', 4, null, false, false],
      [3, 'other', 'failover', 'n4', 8, 9, true, true],
      [4, 'pause', 'pause', 'n5', 12, null, false, false],
    ]);
    expect(fs[0]!.start).toBe(1e9);
    expect(fs[0]!.effective).toBe(1.001e9);
  });

  it('pairs client invocations with completions by process', () => {
    const h = new HistoryBuilder();
    h.invoke(0, 'add', 1);
    h.invoke(1, 'add', 2);
    h.ok(1);
    h.invoke(2, 'read', null);
    const p = pairOps(h.build());
    expect([...p.completion]).toEqual([-1, 2, -1, -1]);
    expect([...p.invocation]).toEqual([-1, -1, 1, -1]);
  });

  it('derives the cut-off nodes of a partition given as groups', () => {
    const h = new HistoryBuilder();
    h.nemesis('start-partition', {
      groups: [
        ['n1', 'n2'],
        ['n3', 'n4', 'n5'],
      ],
    });
    h.nemesis('start-partition', {
      groups: [
        ['n1', 'n2'],
        ['n3', 'n4'],
      ],
    }); // no majority: all cut off
    const fs = faultIntervals(h.build());
    expect(fs.map((f) => f.nodes)).toEqual([
      ['n1', 'n2'],
      ['n1', 'n2', 'n3', 'n4'],
    ]);
  });
});
