/**
 * The JSON Schemas of what splitbrain writes and reads (reports/schema/*.schema.json), compiled with
 * ajv (draft 2020-12). Used to validate suite, scenario and replay files on input and, in tests, every JSON output.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';

export type SchemaName = 'results' | 'metrics' | 'gate' | 'suite' | 'suite-summary' | 'scenario';

const here = dirname(fileURLToPath(import.meta.url));
const ajv = new Ajv2020({ allErrors: true, strict: false });
const compiled = new Map<SchemaName, ValidateFunction>();

/** reports/schema/<name>.schema.json, from the sources or from dist/reports. */
export function schemaPath(name: SchemaName): string {
  const candidates = [join(here, 'schema', `${name}.schema.json`), join(here, '..', '..', 'reports', 'schema', `${name}.schema.json`)];
  const f = candidates.find((c) => existsSync(c));
  if (!f) throw new Error(`schema ${name} not found (looked in ${candidates.join(', ')})`);
  return f;
}

export function validator(name: SchemaName): ValidateFunction {
  let v = compiled.get(name);
  if (!v) {
    v = ajv.compile(JSON.parse(readFileSync(schemaPath(name), 'utf8')) as object);
    compiled.set(name, v);
  }
  return v;
}

/** Validates `data`; returns error lines (`/path: message`), empty when valid. */
export function validate(name: SchemaName, data: unknown): string[] {
  return errorLines(validator(name), data);
}

/** A schema that is not a file (e.g. a fault family's value schema), compiled once per object. */
const compiledObjects = new WeakMap<object, ValidateFunction>();
export function validateWith(schema: object, data: unknown, at = ''): string[] {
  let v = compiledObjects.get(schema);
  if (!v) compiledObjects.set(schema, (v = ajv.compile(schema)));
  return errorLines(v, data, at);
}

function errorLines(v: ValidateFunction, data: unknown, at = ''): string[] {
  if (v(data)) return [];
  return (v.errors ?? []).map((e) => {
    const extra =
      e.params && 'allowedValues' in e.params
        ? ` (${JSON.stringify(e.params.allowedValues)})`
        : e.params && 'additionalProperty' in e.params
          ? ` ('${String(e.params.additionalProperty)}')`
          : '';
    return `${at}${e.instancePath || (at ? '' : '/')}: ${e.message ?? 'invalid'}${extra}`;
  });
}
