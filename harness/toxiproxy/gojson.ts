/**
 * Go encoding/json's view of a request body: `scanFirstValue` finds the end of the first JSON
 * value (json.Decoder.Decode reads one value and ignores what follows) or throws Go's syntax
 * error text ("invalid character 'b' looking for beginning of object key string",
 * "unexpected EOF"), so our 400 bodies read like Toxiproxy's.
 */

export class GoSyntaxError extends Error {}

function quoteChar(c: string): string {
  if (c === "'") return "'\\''";
  if (c === '"') return `'"'`;
  const code = c.charCodeAt(0);
  if (code < 0x20) return `'\\x${code.toString(16).padStart(2, '0')}'`;
  return `'${c}'`;
}

const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r';

/** Returns the index just past the first JSON value of `text` (leading whitespace allowed). */
export function scanFirstValue(text: string): number {
  let i = 0;
  const eof = (): never => {
    throw new GoSyntaxError('unexpected EOF');
  };
  const bad = (context: string): never => {
    throw new GoSyntaxError(`invalid character ${quoteChar(text[i]!)} ${context}`);
  };
  const skip = (): void => {
    while (isSpace(text[i])) i++;
  };
  const str = (): void => {
    i++; // opening quote
    for (;;) {
      if (i >= text.length) eof();
      const c = text[i]!;
      if (c === '"') {
        i++;
        return;
      }
      if (c.charCodeAt(0) < 0x20) bad('in string literal');
      if (c === '\\') {
        i++;
        if (i >= text.length) eof();
        const e = text[i]!;
        if (e === 'u') {
          for (let k = 1; k <= 4; k++) {
            i++;
            if (i >= text.length) eof();
            if (!/[0-9a-fA-F]/.test(text[i]!)) bad('in \\u hexadecimal character escape');
          }
        } else if (!'"\\/bfnrt'.includes(e)) bad('in string escape code');
      }
      i++;
    }
  };
  const literal = (word: string): void => {
    for (let k = 0; k < word.length; k++, i++) {
      if (i >= text.length) eof();
      if (text[i] !== word[k]) bad(`in literal ${word} (expecting ${quoteChar(word[k]!)})`);
    }
  };
  const num = (): void => {
    if (text[i] === '-') {
      i++;
      if (i >= text.length) eof();
      if (!/[0-9]/.test(text[i]!)) bad('in numeric literal');
    }
    if (text[i] === '0') i++;
    else while (/[0-9]/.test(text[i] ?? '')) i++;
    if (text[i] === '.') {
      i++;
      if (i >= text.length) eof();
      if (!/[0-9]/.test(text[i]!)) bad('after decimal point in numeric literal');
      while (/[0-9]/.test(text[i] ?? '')) i++;
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      if (i >= text.length) eof();
      if (!/[0-9]/.test(text[i]!)) bad('in exponent of numeric literal');
      while (/[0-9]/.test(text[i] ?? '')) i++;
    }
  };
  const value = (): void => {
    skip();
    if (i >= text.length) eof();
    const c = text[i]!;
    if (c === '{') {
      i++;
      skip();
      if (i >= text.length) eof();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        skip();
        if (i >= text.length) eof();
        if (text[i] !== '"') bad('looking for beginning of object key string');
        str();
        skip();
        if (i >= text.length) eof();
        if (text[i] !== ':') bad('after object key');
        i++;
        value();
        skip();
        if (i >= text.length) eof();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        bad('after object key:value pair');
      }
    }
    if (c === '[') {
      i++;
      skip();
      if (i >= text.length) eof();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        skip();
        if (i >= text.length) eof();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        bad('after array element');
      }
    }
    if (c === '"') return str();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    if (c === '-' || (c >= '0' && c <= '9')) return num();
    bad('looking for beginning of value');
  };
  value();
  return i;
}
