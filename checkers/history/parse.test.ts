import { describe, expect, it } from 'vitest';
import { generateHistory } from '../linearizable/generate.js';
import { HistoryError } from './errors.js';
import { historyToEdn, historyToJsonl } from './format.js';
import { detectFormat, parseHistoryText } from './parse.js';
import type { Op } from './types.js';

const j = (o: Record<string, unknown>): string => JSON.stringify(o);

/** Expects a refusal and returns it. */
function refused(text: string, file = 'history.jsonl'): HistoryError {
  try {
    parseHistoryText(text, file);
  } catch (e) {
    expect(e).toBeInstanceOf(HistoryError);
    return e as HistoryError;
  }
  throw new Error('expected the history to be refused');
}

const ok: Op[] = [
  { index: 0, time: 10, process: 0, type: 'invoke', f: 'write', value: 3 },
  { index: 1, time: 11, process: 1, type: 'invoke', f: 'read', value: null },
  { index: 2, time: 12, process: 'nemesis', type: 'info', f: 'start-partition', value: 'majority' },
  { index: 3, time: 20, process: 0, type: 'ok', f: 'write', value: 3 },
  { index: 4, time: 21, process: 1, type: 'ok', f: 'read', value: 3, node: 'n1' },
  { index: 5, time: 30, process: 2, type: 'invoke', f: 'cas', value: [3, 4], key: 'k1' },
  { index: 6, time: 35, process: 2, type: 'fail', f: 'cas', value: [3, 4], key: 'k1', error: 'NOREPLICAS' },
];

describe('history.jsonl', () => {
  it('parses ops and detects the format', () => {
    const h = parseHistoryText(historyToJsonl(ok), 'history.jsonl');
    expect(h.format).toBe('jsonl');
    expect(h.ops).toEqual(ok);
    expect(h.warnings).toEqual([]);
  });

  it('round-trips generated histories', () => {
    for (const model of ['register', 'kv', 'set', 'list-append', 'counter'] as const) {
      const ops = generateHistory({ seed: 7, model, processes: 4, ops: 60, keys: 3, infoRate: 0.1, failRate: 0.1 });
      const back = parseHistoryText(historyToJsonl(ops)).ops;
      expect(back).toEqual(ops);
      expect(parseHistoryText(historyToJsonl(back)).ops).toEqual(ops);
    }
  });

  it('refuses bad JSON in the middle with file:line', () => {
    const lines = historyToJsonl(ok).split('\n');
    lines.splice(2, 0, '{"index": 2, "time":');
    const e = refused(lines.join('\n'));
    expect(e.file).toBe('history.jsonl');
    expect(e.line).toBe(3);
    expect(e.reason).toMatch(/^invalid JSON/);
    expect(e.message).toMatch(/^history\.jsonl:3: invalid JSON/);
  });

  it('tolerates a truncated last line with a warning', () => {
    const text = historyToJsonl(ok.slice(0, 4)) + '{"index":4,"time":21,"proc';
    const h = parseHistoryText(text, 'history.jsonl');
    expect(h.ops).toHaveLength(4);
    expect(h.warnings).toHaveLength(1);
    expect(h.warnings[0]).toMatch(/^history\.jsonl:5: truncated last line ignored/);
  });

  it('refuses a completion without a pending invoke', () => {
    const lines = [
      ...Array.from({ length: 16 }, (_, i) => j({ index: i, time: i, process: 0, type: i % 2 ? 'ok' : 'invoke', f: 'read', value: null })),
      j({ index: 16, time: 16, process: 3, type: 'ok', f: 'read', value: 1 }),
    ];
    const e = refused(lines.join('\n'));
    expect(e.message).toBe('history.jsonl:17: completion for process 3 without a pending invoke');
    expect([e.file, e.line, e.reason]).toEqual(['history.jsonl', 17, 'completion for process 3 without a pending invoke']);
  });

  it('refuses a completion that comes before its invoke (in the file, or in time)', () => {
    const inFile = refused(
      [j({ index: 0, time: 5, process: 1, type: 'ok', f: 'write', value: 1 }), j({ index: 1, time: 1, process: 1, type: 'invoke', f: 'write', value: 1 })].join(
        '\n',
      ),
    );
    expect(inFile.line).toBe(1);
    expect(inFile.reason).toBe('completion for process 1 without a pending invoke');
    const inTime = refused(
      [
        j({ index: 0, time: 50, process: 1, type: 'invoke', f: 'write', value: 1 }),
        j({ index: 1, time: 40, process: 1, type: 'ok', f: 'write', value: 1 }),
      ].join('\n'),
    );
    expect(inTime.line).toBe(2);
    expect(inTime.reason).toBe('completion for process 1 at time 40 precedes its invoke at time 50 (line 1)');
  });

  it('refuses a process that invokes twice without completing', () => {
    const e = refused(
      [
        j({ index: 0, time: 1, process: 4, type: 'invoke', f: 'read', value: null }),
        j({ index: 1, time: 2, process: 4, type: 'invoke', f: 'read', value: null }),
      ].join('\n'),
    );
    expect(e.line).toBe(2);
    expect(e.reason).toBe('process 4 invokes again while its invoke at line 1 is pending');
  });

  it('refuses an unknown op type', () => {
    const e = refused(j({ index: 0, time: 1, process: 0, type: 'maybe', f: 'read', value: null }));
    expect(e.line).toBe(1);
    expect(e.reason).toBe('unknown op type "maybe" (expected invoke, ok, fail or info)');
  });

  it('refuses other structural errors', () => {
    const notObject = refused(j({ index: 0, time: 1, process: 0, type: 'invoke', f: 'read', value: null }) + '\n[1,2]\n');
    expect([notObject.line, notObject.reason]).toEqual([2, 'expected a JSON object (one op per line)']);
    expect(refused(j({ index: 5, time: 1, process: 0, type: 'invoke', f: 'read', value: null })).reason).toBe('index 5 out of sequence (expected 0)');
    expect(refused(j({ index: 0, time: 1, process: -1, type: 'invoke', f: 'read', value: null })).reason).toMatch(/"process" must be/);
    const mismatch = refused(
      [
        j({ index: 0, time: 1, process: 0, type: 'invoke', f: 'read', value: null }),
        j({ index: 1, time: 2, process: 0, type: 'ok', f: 'write', value: 1 }),
      ].join('\n'),
    );
    expect(mismatch.reason).toBe('completion f "write" for process 0 does not match its pending invoke f "read" (line 1)');
    expect(refused('hello world').reason).toMatch(/cannot detect the history format/);
    expect(() => parseHistoryText('\n\n', 'empty.jsonl')).toThrow('empty.jsonl: empty history');
  });

  it('warns when a process invokes again after an info completion', () => {
    const h = parseHistoryText(
      [
        j({ index: 0, time: 1, process: 0, type: 'invoke', f: 'write', value: 1 }),
        j({ index: 1, time: 2, process: 0, type: 'info', f: 'write', value: 1, error: 'timeout' }),
        j({ index: 2, time: 3, process: 0, type: 'invoke', f: 'read', value: null }),
      ].join('\n'),
      'h.jsonl',
    );
    expect(h.ops).toHaveLength(3);
    expect(h.warnings[0]).toMatch(/^h\.jsonl:3: process 0 invokes again after an info completion/);
  });
});

describe('Jepsen EDN', () => {
  it('reads one map per line, with the nemesis and keyword values', () => {
    const text = [
      '{:type :invoke, :f :write, :value 3, :process 0, :time 123}',
      '{:type :info, :f :start, :value nil, :process :nemesis, :time 130}',
      '{:type :invoke, :f :read, :value nil, :process 1, :time 140}',
      '{:type :ok, :f :write, :value 3, :process 0, :time 150, :node "n1"}',
      '{:type :fail, :f :read, :value nil, :process 1, :time 160, :error :timed-out}',
    ].join('\n');
    const h = parseHistoryText(text, 'history.edn');
    expect(h.format).toBe('jepsen-edn');
    expect(h.ops.map((o) => [o.index, o.time, o.process, o.type, o.f, o.value])).toEqual([
      [0, 123, 0, 'invoke', 'write', 3],
      [1, 130, 'nemesis', 'info', 'start', null],
      [2, 140, 1, 'invoke', 'read', null],
      [3, 150, 0, 'ok', 'write', 3],
      [4, 160, 1, 'fail', 'read', null],
    ]);
    expect(h.ops[3]!.node).toBe('n1');
    expect(h.ops[4]!.error).toBe('timed-out');
  });

  it('reads a vector of maps, across lines and on one line, with tags and comments', () => {
    const multi = [
      '[{:type :invoke, :f :read, :process 0, :time 1',
      ' :value nil}',
      '; a comment',
      '#jepsen.history.Op{:type :ok, :f :read, :process 0, :time 2, :value [1 2.5 "s" true]}]',
    ].join('\n');
    const h = parseHistoryText(multi, 'h.edn');
    expect(h.ops).toHaveLength(2);
    expect(h.ops[1]!.value).toEqual([1, 2.5, 's', true]);
    const one = parseHistoryText('[{:type :invoke :f :read :process 0 :time 1 :value nil} {:type :ok :f :read :process 0 :time 2 :value 1}]');
    expect(one.ops.map((o) => o.type)).toEqual(['invoke', 'ok']);
  });

  it('tolerates a truncated last form, refuses a syntax error with its line', () => {
    const h = parseHistoryText('{:type :invoke, :f :read, :process 0, :time 1, :value nil}\n{:type :ok, :f :read, :proc', 'h.edn');
    expect(h.ops).toHaveLength(1);
    expect(h.warnings[0]).toMatch(/^h\.edn:2: truncated last form ignored/);
    const e = refused('{:type :invoke, :f :read, :process 0, :time 1, :value nil}\n{:type :ok :f :read :process 0 :time 2 :value 1 ]}', 'h.edn');
    expect(e.line).toBe(2);
    expect(e.reason).toMatch(/^invalid EDN/);
    const u = refused('{:type :invoke, :f :read, :process 0, :time 1, :value nil}\n{:type :bogus, :f :read, :process 0, :time 2}', 'h.edn');
    expect(u.message).toBe('h.edn:2: unknown op type "bogus" (expected invoke, ok, fail or info)');
  });

  it('round-trips through EDN', () => {
    for (const model of ['register', 'kv', 'set', 'list-append', 'counter'] as const) {
      const ops = generateHistory({ seed: 11, model, processes: 4, ops: 60, keys: 2, infoRate: 0.1, failRate: 0.1 });
      const withNemesis: Op[] = [
        ...ops,
        { index: ops.length, time: ops.at(-1)!.time + 1, process: 'nemesis', type: 'info', f: 'kill', value: ['n1', 'n2'], error: 'x "quoted" \\ y' },
      ];
      const back = parseHistoryText(historyToEdn(withNemesis), 'h.edn').ops;
      expect(back).toEqual(withNemesis);
      expect(historyToEdn(back)).toBe(historyToEdn(withNemesis));
    }
  });
});

describe('Porcupine formats', () => {
  it('reads Jepsen etcd logs as register ops', () => {
    const text = [
      'INFO  jepsen.util - 0\t:invoke\t:read\tnil',
      'INFO  jepsen.util - 1\t:invoke\t:cas\t[3 4]',
      'INFO  jepsen.core - some other log line',
      'INFO  jepsen.util - 2   :invoke :write  4',
      'INFO  jepsen.util - 0\t:ok\t:read\t3',
      'INFO  jepsen.util - 1\t:fail\t:cas\t[3 4]',
      'INFO  jepsen.util - 2\t:info\t:write\t:timed-out',
      'INFO  jepsen.util - 3\t:invoke\t:read\tnil',
      'INFO  jepsen.util - 3\t:fail\t:read\t:timed-out',
    ].join('\n');
    const h = parseHistoryText(text, 'etcd.log');
    expect(h.format).toBe('porcupine-etcd');
    expect(h.modelHint).toBe('register');
    expect(h.ops.map((o) => [o.process, o.type, o.f, o.value, o.error])).toEqual([
      [0, 'invoke', 'read', null, undefined],
      [1, 'invoke', 'cas', [3, 4], undefined],
      [2, 'invoke', 'write', 4, undefined],
      [0, 'ok', 'read', 3, undefined],
      [1, 'fail', 'cas', [3, 4], undefined],
      [2, 'info', 'write', 4, 'timed-out'],
      [3, 'invoke', 'read', null, undefined],
      [3, 'fail', 'read', null, 'timed-out'],
    ]);
    expect(h.ops.map((o) => o.time)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('recognises Porcupine KV logs and keeps their keys', () => {
    const text = [
      '{:process 3, :type :invoke, :f :get, :key "7", :value nil}',
      '{:process 3, :type :ok, :f :get, :key "7", :value "x 3 1 y"}',
      '{:process 0, :type :invoke, :f :append, :key "4", :value "x 0 1 y"}',
    ].join('\n');
    const h = parseHistoryText(text, 'c01.txt');
    expect(h.format).toBe('porcupine-kv');
    expect(h.modelHint).toBe('kv');
    expect(h.ops[1]).toEqual({ index: 1, time: 1, process: 3, type: 'ok', f: 'get', value: 'x 3 1 y', key: '7' });
  });

  it('detects formats from the first line', () => {
    expect(detectFormat('{"index":0}')).toBe('jsonl');
    expect(detectFormat('{:type :invoke}')).toBe('jepsen-edn');
    expect(detectFormat('[{:type :invoke}')).toBe('jepsen-edn');
    expect(detectFormat('INFO  jepsen.util - 0\t:invoke\t:read\tnil')).toBe('porcupine-etcd');
    expect(detectFormat('nonsense')).toBeUndefined();
  });
});
