import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { historyToJsonl } from '../../checkers/history/format.js';
import { jsonForScript } from '../../reports/embed.js';
import { xmlEscape } from '../../reports/junit.js';
import { writeReport } from '../../reports/report.js';
import { validate } from '../../reports/schema.js';
import { SET_SPECS, setHistory, staleRegisterHistory, storeRun } from '../../reports/testing/fixtures.js';
import { check, parseJUnit, tempStore } from './helpers.js';

const store = tempStore('outputs');
let validDir = '';
let invalidDir = '';
let linDir = '';

beforeAll(async () => {
  validDir = await storeRun(setHistory({ ops: 3000, seed: 3 }).history, SET_SPECS, check, { storeRoot: store.root, ts: '20260101T000000Z' });
  invalidDir = await storeRun(setHistory({ ops: 3000, seed: 3, lose: 2 }).history, SET_SPECS, check, { storeRoot: store.root, ts: '20260102T000000Z' });
  linDir = await storeRun(staleRegisterHistory(), [{ name: 'linearizable', options: { model: 'register' } }], check, {
    storeRoot: store.root,
    scenario: 'ts-replicated-register-partition',
    ts: '20260103T000000Z',
    workload: 'register',
  });
});
afterAll(() => store.cleanup());

describe('results.json and metrics.json', () => {
  it('real checker results validate against reports/schema/results.schema.json', () => {
    for (const d of [validDir, invalidDir, linDir]) {
      const results = JSON.parse(readFileSync(join(d, 'results.json'), 'utf8'));
      expect(validate('results', results)).toEqual([]);
    }
  });

  it('the schema refuses what is not a results.json', () => {
    expect(validate('results', { version: 2, valid: 'maybe', checkers: {}, opCount: -1 }).length).toBeGreaterThan(0);
    expect(validate('results', { version: 1, valid: true, checkers: { 'lost-writes': { valid: true } }, opCount: 3 }).length).toBeGreaterThan(0);
    // A checker that threw is a valid entry (compose's checkSafe).
    expect(validate('results', { version: 1, valid: 'unknown', checkers: { 'lost-writes': { valid: 'unknown', error: 'Error: boom' } }, opCount: 3 })).toEqual(
      [],
    );
  });

  it('writeReport writes metrics.json that validates, with lost writes per ack kind and failover times', async () => {
    const r = await writeReport(invalidDir);
    expect(r.verdict).toBe('invalid');
    expect(r.exitCode).toBe(1);
    const m = JSON.parse(readFileSync(r.metrics, 'utf8'));
    expect(validate('metrics', m)).toEqual([]);
    expect(m.lostByAck.plain.lost).toBe(2);
    expect(m.failover.samples).toBe(2);
    expect(m.failover.p50Ms).toBeGreaterThan(1000);
    expect(m.unavailability.maxMs).toBeGreaterThan(1000);
  });
});

describe('junit.xml', () => {
  it('one testcase per checker; failures carry the anomaly sentences', async () => {
    const r = await writeReport(invalidDir);
    const suites = parseJUnit(readFileSync(r.junit, 'utf8'));
    expect(suites).toHaveLength(1);
    const results = JSON.parse(readFileSync(join(invalidDir, 'results.json'), 'utf8'));
    expect(suites[0]!.testcase.map((c) => c['@_name']).sort()).toEqual(Object.keys(results.checkers).sort());
    const lw = suites[0]!.testcase.find((c) => c['@_name'] === 'lost-writes')!;
    expect(lw.failure?.['@_type']).toBe('invalid');
    expect(lw.failure?.['#text']).toContain('acknowledged by n1');
    const stats = suites[0]!.testcase.find((c) => c['@_name'] === 'stats')!;
    expect(stats.failure).toBeUndefined();
  });

  it('a valid run has no failures', async () => {
    const r = await writeReport(validDir);
    expect(r.verdict).toBe('valid');
    const suites = parseJUnit(readFileSync(r.junit, 'utf8'));
    expect(suites[0]!['@_failures']).toBe('0');
  });

  it('escapes markup and drops characters XML cannot carry', () => {
    expect(xmlEscape('<a href="x">&\u0001</a>')).toBe('&lt;a href=&quot;x&quot;&gt;&amp;\uFFFD&lt;/a&gt;');
  });
});

describe('crashed runs', () => {
  it('error.txt or a missing results.json is crashed: exit 3, an erroring testcase, never passed', async () => {
    const dir = join(store.root, 'ts-replicated-set-none', '20260104T000000Z');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'scenario.json'), JSON.stringify({ name: 'ts-replicated-set-none', target: 'ts', workload: 'set', seed: 1 }));
    writeFileSync(join(dir, 'history.jsonl'), historyToJsonl(setHistory({ ops: 200, faults: false }).history.slice(0, 50)));
    writeFileSync(join(dir, 'error.txt'), 'Error: node n1 did not start: port 7001 in use\n    at LocalTarget.start');
    const r = await writeReport(dir);
    expect(r.verdict).toBe('crashed');
    expect(r.exitCode).toBe(3);
    const suites = parseJUnit(readFileSync(r.junit, 'utf8'));
    expect(suites[0]!.testcase).toHaveLength(1);
    expect(suites[0]!.testcase[0]!.error?.['@_message']).toContain('port 7001 in use');
    const html = readFileSync(r.html, 'utf8');
    expect(html).toContain('data-verdict="crashed"');
    // scenario.json without a schedule: --replay would refuse it, so the report offers no command.
    const data = JSON.parse(html.match(/<script type="application\/json" id="report-data">([^<]*)<\/script>/)![1]!) as { replay: string | null };
    expect(data.replay).toBeNull();
    expect(validate('metrics', JSON.parse(readFileSync(r.metrics, 'utf8')))).toEqual([]);
  });
});

describe('embedding', () => {
  it('no value can close the data script element', () => {
    const s = jsonForScript({ v: '</script><script>alert(1)</script><!--', w: '\u2028' });
    expect(s).not.toContain('<');
    expect(JSON.parse(s)).toEqual({ v: '</script><script>alert(1)</script><!--', w: '\u2028' });
  });
});
