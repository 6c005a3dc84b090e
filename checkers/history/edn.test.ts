import { describe, expect, it } from 'vitest';
import { EdnIncomplete, type EdnMap, EdnReader, EdnSet, EdnSymbol, ednToJs, Keyword, kw, parseEdn, toEdn } from './edn.js';

describe('EDN reader', () => {
  it('reads scalars', () => {
    expect(parseEdn('nil')).toBeNull();
    expect(parseEdn('true')).toBe(true);
    expect(parseEdn('false')).toBe(false);
    expect(parseEdn('-42')).toBe(-42);
    expect(parseEdn('7N')).toBe(7);
    expect(parseEdn('2.5e3')).toBe(2500);
    expect(parseEdn('"a\\"b\\n\\u0041"')).toBe('a"b\nA');
    expect(parseEdn(':timed-out')).toBe(kw('timed-out'));
    expect(parseEdn('\\a')).toBe('a');
    expect(parseEdn('\\newline')).toBe('\n');
    expect(parseEdn('foo/bar')).toEqual(new EdnSymbol('foo/bar'));
  });

  it('reads collections, interning keywords so maps can be looked up', () => {
    const m = parseEdn('{:a [1 2 (3)], :b #{:x}, "s" {:c nil}}') as EdnMap;
    expect(m.get(kw('a'))).toEqual([1, 2, [3]]);
    expect(m.get(kw('b'))).toEqual(new EdnSet([kw('x')]));
    expect(ednToJs(m)).toEqual({ a: [1, 2, [3]], b: ['x'], s: { c: null } });
    expect(Keyword.of('a')).toBe(kw('a'));
  });

  it('skips commas, comments, discards and tags', () => {
    expect(parseEdn(' , ; c\n #_ [1 2] #inst "2024-01-01" ')).toBe('2024-01-01');
  });

  it('signals incomplete input separately from syntax errors', () => {
    expect(() => new EdnReader('{:a [1 2').read()).toThrow(EdnIncomplete);
    expect(() => new EdnReader('"abc').read()).toThrow(EdnIncomplete);
    expect(() => parseEdn('{:a 1 :b}')).toThrow(/odd number/);
    expect(() => parseEdn(']')).toThrow(/unexpected/);
    expect(() => parseEdn('12abc')).toThrow(/bad number/);
  });

  it('writes what it reads', () => {
    const text = '{:type :invoke, :value [1 "two" nil true 2.5 #{:k}], "s" :x}';
    expect(toEdn(parseEdn(text))).toBe(text);
    expect(toEdn({ a: 'q"\\', b: [1, null] })).toBe('{:a "q\\"\\\\", :b [1 nil]}');
  });
});
