import { describe, expect, it } from 'vitest';
import { GATE_VERSION, type GateResult, gateJUnit, gateTable } from './gate.js';

const result = (rows: GateResult['rows']): GateResult => ({
  version: GATE_VERSION,
  baseline: 'b',
  current: 'c',
  confidence: 0.95,
  tolerance: 0,
  timeToleranceMs: 1000,
  tests: 0,
  seedsNeeded: 0,
  regressed: rows.some((r) => r.status === 'regressed'),
  scenarios: [{ id: 's', baseline: ['b'], current: ['c'] }],
  rows,
});

describe('gate output', () => {
  it('prints times with their unit; counts stay bare', () => {
    const g = result([
      { scenario: 's', check: 'unavailability-ms', baseline: 975.867, current: 5054.976, status: 'regressed', message: 'longer' },
      { scenario: 's', check: 'failover-ms', baseline: 120.4, current: null, status: 'ok', message: 'x' },
      { scenario: 's', check: 'lost:acked', baseline: 0, current: 3, status: 'regressed', message: 'lost' },
    ]);
    const table = gateTable(g);
    expect(table).toMatch(/unavailability-ms\s+976 ms\s+5055 ms\s+REGRESSED/);
    expect(table).toMatch(/failover-ms\s+120 ms\s+—/);
    expect(table).toMatch(/lost:acked\s+0\s+3\s+REGRESSED/);
    expect(table).not.toMatch(/5054\.976/);
    expect(gateJUnit(g)).toContain('baseline: 976 ms\ncurrent: 5055 ms');
  });
});
