import { describe, expect, it } from 'vitest';
import { scenarioOfEntry } from './gate.js';

describe('gate: which scenario a suite entry samples', () => {
  it('pools seeds and repeats, keeps two matrix rows of the same name apart', () => {
    expect(scenarioOfEntry('ts-cluster-set-kill#seed1#r0')).toBe('ts-cluster-set-kill');
    expect(scenarioOfEntry('ts-cluster-set-kill#seed7#r2')).toBe('ts-cluster-set-kill');
    expect(scenarioOfEntry('ts-sentinel-set-sentinel-split-brain#seed1#r0#2')).toBe('ts-sentinel-set-sentinel-split-brain#2');
    expect(scenarioOfEntry('ts-sentinel-set-sentinel-split-brain#seed3#r0#2')).toBe('ts-sentinel-set-sentinel-split-brain#2');
    expect(scenarioOfEntry('plain-run-name')).toBe('plain-run-name');
  });
});
