/**
 * Scenario files (`--scenario`), stored runs' scenario.json (`--replay`) and the scenario fields of
 * suite files, validated before anything starts: reports/schema/scenario.schema.json, then each
 * scheduled fault against its family's value schema (harness/nemesis/faults/). Errors name the file
 * and the field (`store/x/scenario.json: /schedule/1/fault/value/mode: must be equal to one of …`).
 */
import { readFileSync } from 'node:fs';
import { validate, validateWith } from '../../reports/schema.js';
import { workloads } from '../../workloads/index.js';
import { FAULTS } from '../nemesis/faults/index.js';
import type { Scenario } from './scenario.js';

export class ScenarioFileError extends Error {}

/** What --replay needs from a stored run: everything that decides the ops and the faults. */
const REPLAY_FIELDS = [
  'target',
  'topology',
  'net',
  'workload',
  'nemesis',
  'timeLimitS',
  'seed',
  'concurrency',
  'rate',
  'opTimeoutMs',
  'intervalS',
  'faultS',
  'keys',
  'waitFor',
  'waitTimeoutMs',
  'nodeTimeoutMs',
  'serverArgs',
  'schedule',
] as const satisfies readonly (keyof Scenario)[];

/** Error lines (`/field: message`) of scenario fields; empty when valid. */
export function scenarioErrors(data: unknown, o: { replay?: boolean } = {}): string[] {
  const errors = validate('scenario', data);
  if (errors.length > 0 || typeof data !== 'object' || data === null) return errors;
  const s = data as Partial<Scenario>;
  if (s.workload !== undefined && !workloads.has(s.workload))
    errors.push(`/workload: unknown workload '${s.workload}' (known: ${[...workloads.keys()].join(', ')})`);
  s.schedule?.forEach((item, i) => {
    const family = (FAULTS as Record<string, { valueSchema: object } | undefined>)[item.fault.f];
    if (!family) errors.push(`/schedule/${i}/fault/f: unknown fault '${item.fault.f}' (known: ${Object.keys(FAULTS).join(', ')})`);
    else errors.push(...validateWith(family.valueSchema, item.fault.value, `/schedule/${i}/fault/value`));
  });
  if (o.replay) for (const k of REPLAY_FIELDS) if (s[k] === undefined) errors.push(`/${k}: missing (a stored run's scenario.json has it)`);
  return errors;
}

/** Reads and validates a scenario file; `replay`: a stored run's scenario.json, complete. */
export function readScenarioFile(path: string, o: { replay?: boolean } = {}): Partial<Scenario> {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ScenarioFileError(`${path}: ${err instanceof SyntaxError ? `not valid JSON: ${err.message}` : (err as Error).message}`);
  }
  const errors = scenarioErrors(data, o);
  if (errors.length > 0) throw new ScenarioFileError(`${path}: not a valid scenario (reports/schema/scenario.schema.json):\n  ${errors.join('\n  ')}`);
  return data as Partial<Scenario>;
}
