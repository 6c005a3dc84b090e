/** Every Porcupine test history in the shared testdata gets the verdict EXPECTED.tsv gives it. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseHistoryText } from '../history/parse.js';
import { checkLinearizable } from './checker.js';

const dir = fileURLToPath(new URL('../../../shared/testdata/porcupine/', import.meta.url));
const rows = readFileSync(dir + 'EXPECTED.tsv', 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((l) => l.split('\t') as [string, string, string]);

describe('Porcupine test histories', () => {
  it('lists every family', () => {
    expect(rows.length).toBeGreaterThan(50);
    expect(new Set(rows.map((r) => r[1]))).toEqual(new Set(['etcd', 'kv']));
  });

  for (const [file, family, expected] of rows) {
    it(`${file} is ${expected}`, async () => {
      const h = parseHistoryText(readFileSync(dir + file, 'utf8'), file);
      expect(h.format).toBe(family === 'etcd' ? 'porcupine-etcd' : 'porcupine-kv');
      expect(h.warnings).toEqual([]);
      // The model follows from the format.
      const r = await checkLinearizable(h.ops, { model: h.modelHint });
      expect(r.valid).toBe(expected === 'ok');
      // Visualization data is consistent with the verdict.
      for (const p of r.partitions) {
        const lin = p.longestLinearizable[0]!;
        expect(p.states[0]).toHaveLength(lin.length + 1);
        expect(new Set(lin).size).toBe(lin.length);
        expect(lin.length + p.nonLinearizable.length).toBe(p.opCount);
        if (p.valid === true) expect(p.nonLinearizable).toEqual([]);
        else if (p.valid === 'unknown')
          expect(p.cancelled).toBe(true); // another key was illegal first
        else {
          expect(p.stuckAt).toBeDefined();
          expect(p.nonLinearizable).toContain(p.stuckAt);
          expect(p.ops).toHaveLength(p.opCount);
        }
      }
      expect(r.invalidKeys.length > 0).toBe(expected !== 'ok');
    });
  }
});
