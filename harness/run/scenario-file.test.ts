import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readScenarioFile, ScenarioFileError } from './scenario-file.js';

const STORED = join(import.meta.dirname, '..', '..', 'test', 'harness', 'fixtures', 'replay', 'ts-set-primary-kill', 'scenario.json');
const dir = mkdtempSync(join(tmpdir(), 'splitbrain-scenario-'));

function file(name: string, data: unknown): string {
  const p = join(dir, name);
  writeFileSync(p, typeof data === 'string' ? data : JSON.stringify(data));
  return p;
}

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ScenarioFileError);
    return (err as Error).message;
  }
  throw new Error('no error');
}

const stored = (): Record<string, unknown> & { schedule: Array<{ fault: { f: string; value: Record<string, unknown> } }> } =>
  JSON.parse(readFileSync(STORED, 'utf8'));

describe('scenario and replay files', () => {
  it('accepts a stored run’s scenario.json for --replay, and any subset of fields for --scenario', () => {
    expect(readScenarioFile(STORED, { replay: true }).seed).toBe(7);
    expect(readScenarioFile(file('partial.json', { workload: 'register', timeLimitS: 5 })).workload).toBe('register');
  });

  it('names the file and the field of every error', () => {
    const p = file('bad.json', { seed: 'x', timeLimit: 5, topology: { kind: 'mesh', masters: 1, replicas: 0 }, workload: 'nope' });
    const msg = errorOf(() => readScenarioFile(p));
    expect(msg).toContain(`${p}: not a valid scenario`);
    expect(msg).toMatch(/\/seed: must be integer/);
    expect(msg).toMatch(/must NOT have additional properties \('timeLimit'\)/);
    expect(msg).toMatch(/\/topology\/kind: must be equal to one of the allowed values \(\["single","replicated","cluster","sentinel"\]\)/);
    const w = errorOf(() => readScenarioFile(file('workload.json', { workload: 'nope' })));
    expect(w).toMatch(/\/workload: unknown workload 'nope'/);
    expect(errorOf(() => readScenarioFile(file('broken.json', '{"seed": ')))).toMatch(/broken\.json: not valid JSON/);
  });

  it('checks every scheduled fault against its family', () => {
    const s = stored();
    s.schedule[1]!.fault.f = 'start-chaos';
    s.schedule[0]!.fault.value['mode'] = 'maybe';
    const msg = errorOf(() => readScenarioFile(file('faults.json', s), { replay: true }));
    expect(msg).toMatch(/\/schedule\/0\/fault\/value\/mode: must be equal to one of the allowed values \(\["drop","reset"\]\)/);
    expect(msg).toMatch(/\/schedule\/1\/fault\/f: unknown fault 'start-chaos' \(known: start-partition, kill, /);
  });

  it('--replay needs everything that decides the ops and the faults', () => {
    const { seed: _seed, schedule: _schedule, ...rest } = stored();
    const msg = errorOf(() => readScenarioFile(file('incomplete.json', rest), { replay: true }));
    expect(msg).toMatch(/\/seed: missing/);
    expect(msg).toMatch(/\/schedule: missing/);
  });
});
