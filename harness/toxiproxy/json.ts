/**
 * Request-body decoding with the semantics (and, as far as practical, the error texts) of Go's
 * encoding/json as Toxiproxy uses it: unknown keys are ignored, keys match case-insensitively, `null` leaves a field unchanged,
 * a value of the wrong JSON kind is "json: cannot unmarshal <kind> into Go struct field ...",
 * a fraction into an integer field is an error, and the whole thing is wrapped as
 * "bad request body: ..." (400).
 */
import { type ApiError, ErrBadRequestBody, joinError } from './errors.js';
import { GoSyntaxError, scanFirstValue } from './gojson.js';

export type GoType = 'string' | 'bool' | 'int' | 'int64' | 'float32';

export type JsonObject = { [key: string]: unknown };

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'number':
      return 'number';
    case 'boolean':
      return 'bool';
    default:
      return 'object';
  }
}

function badBody(detail: string): ApiError {
  return joinError(detail, ErrBadRequestBody);
}

/**
 * Parses a request body like json.Decoder.Decode: an empty body is "EOF", only the first value
 * counts (trailing bytes are ignored), syntax errors carry Go's wording.
 */
export function parseBody(text: string): unknown {
  if (text.trim() === '') throw badBody('EOF');
  let end: number;
  try {
    end = scanFirstValue(text);
  } catch (err) {
    if (err instanceof GoSyntaxError) throw badBody(err.message);
    throw err;
  }
  return JSON.parse(text.slice(0, end)) as unknown;
}

/** The top-level value must be an object (or an array for /populate). */
export function expectObject(value: unknown, goValueType: string): JsonObject {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as JsonObject;
  throw badBody(`json: cannot unmarshal ${kindOf(value)} into Go value of type ${goValueType}`);
}

export function expectArray(value: unknown, goValueType: string): unknown[] {
  if (Array.isArray(value)) return value;
  throw badBody(`json: cannot unmarshal ${kindOf(value)} into Go value of type ${goValueType}`);
}

/**
 * Reads one field. Returns undefined when absent or null (Go leaves the field as it was).
 * `where` is the Go struct path for error messages, e.g. "Proxy.name".
 */
export function readField(obj: JsonObject, key: string, type: 'string', where: string): string | undefined;
export function readField(obj: JsonObject, key: string, type: 'bool', where: string): boolean | undefined;
export function readField(obj: JsonObject, key: string, type: 'int' | 'int64' | 'float32', where: string): number | undefined;
export function readField(obj: JsonObject, key: string, type: GoType, where: string): string | boolean | number | undefined {
  let value = obj[key];
  if (value === undefined) {
    // encoding/json falls back to a case-insensitive match of the key.
    const alt = Object.keys(obj).find((k) => k.toLowerCase() === key.toLowerCase());
    if (alt !== undefined) value = obj[alt];
  }
  if (value === undefined || value === null) return undefined;
  const mismatch = (shown: string) => badBody(`json: cannot unmarshal ${shown} into Go struct field ${where} of type ${type}`);
  switch (type) {
    case 'string':
      if (typeof value !== 'string') throw mismatch(kindOf(value));
      return value;
    case 'bool':
      if (typeof value !== 'boolean') throw mismatch(kindOf(value));
      return value;
    case 'float32':
      if (typeof value !== 'number') throw mismatch(kindOf(value));
      return value;
    case 'int':
    case 'int64':
      if (typeof value !== 'number') throw mismatch(kindOf(value));
      if (!Number.isInteger(value)) throw mismatch(`number ${value}`);
      return value;
  }
}
