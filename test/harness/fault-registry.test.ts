/**
 * The fault registry is a closed set the compiler checks (issue 13, acceptance 1): a new fault family
 * is one file in harness/nemesis/faults/ plus one line in its index.ts. Type-checked here with the
 * TypeScript compiler over the real sources with virtual files laid over them: the new family's
 * file alone does not compile (its registry line is missing), file + line does, and a family
 * registered under another family's f does not.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { FAULTS, familyOf, NEMESES } from '../../harness/nemesis/faults/index.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const FAULTS_DIR = join(ROOT, 'harness', 'nemesis', 'faults');
const INDEX = join(FAULTS_DIR, 'index.ts');

/** The new family of ARCHITECTURE.md's example: a clock jump on one node (the file that "adds a fault"). */
const NEW_FAMILY = `
import { nodeCommand } from '../../run/clients.js';
import { byName, type FaultValue, type IntervalFamily, valueSchema } from './fault.js';

export interface ClockSpec {
  f: 'start-clock';
  value: FaultValue & { kind: 'clock-jump'; deltaMs: number };
}

declare module './fault.js' {
  interface FaultSpecs {
    'start-clock': ClockSpec;
  }
}

export const clock: IntervalFamily<ClockSpec> = {
  f: 'start-clock',
  instant: false,
  stopF: 'stop-clock',
  valueSchema: valueSchema(['clock-jump'], { deltaMs: { type: 'integer' } }),
  nemeses: {
    'clock-jump': (rng, ctx) => ({ f: 'start-clock', value: { kind: 'clock-jump', nodes: [rng.pick(ctx.nodes).name], deltaMs: 1000 + rng.int(60_000) } }),
  },
  check() {},
  async start({ value }, ctx) {
    for (const n of byName(ctx.nodes, value.nodes)) await nodeCommand(n, ['DEBUG', 'SLEEP', '0']);
    return value;
  },
  async stop({ value }) {
    return { nodes: value.nodes };
  },
};
`;

const configFile = ts.readConfigFile(join(ROOT, 'tsconfig.json'), ts.sys.readFile);
const options = { ...ts.parseJsonConfigFileContent(configFile.config, ts.sys, ROOT).options, noEmit: true };
/** Parsed real files, shared by the programs below (the node and ioredis typings are the slow part). */
const parsed = new Map<string, ts.SourceFile | undefined>();

/** Type errors of the registry (index.ts) and the virtual files, with `overlay` replacing or adding files. */
function typeErrors(overlay: Record<string, string>): string[] {
  const files = new Map(Object.entries(overlay).map(([f, text]) => [join(FAULTS_DIR, f), text]));
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (f) => files.has(f) || fileExists.call(host, f);
  host.readFile = (f) => files.get(f) ?? readFile.call(host, f);
  host.getSourceFile = (f, lang) => {
    const text = files.get(f);
    if (text !== undefined) return ts.createSourceFile(f, text, lang);
    if (!parsed.has(f)) parsed.set(f, getSourceFile.call(host, f, lang));
    return parsed.get(f);
  };
  const program = ts.createProgram({ rootNames: [INDEX, ...files.keys()], options, host });
  return [INDEX, ...files.keys()].flatMap((f) =>
    [...program.getSyntacticDiagnostics(program.getSourceFile(f)), ...program.getSemanticDiagnostics(program.getSourceFile(f))].map((d) =>
      ts.flattenDiagnosticMessageText(d.messageText, '\n'),
    ),
  );
}

const index = readFileSync(INDEX, 'utf8');
const withLine = (line: string): string => index.replace(`  'migrate-slots': migrateSlots,\n`, `  'migrate-slots': migrateSlots,\n${line}\n`);
const withImport = (text: string): string =>
  text.replace(`import { resetPeer } from './reset-peer.js';`, `import { resetPeer } from './reset-peer.js';\nimport { clock } from './clock.js';`);

describe('the fault registry', () => {
  it('lists every family once, under its start f, and every nemesis name once', () => {
    for (const [f, family] of Object.entries(FAULTS)) expect(family.f).toBe(f);
    const names = Object.values(FAULTS).flatMap((fam) => Object.keys(fam.nemeses));
    expect(new Set(names).size).toBe(names.length);
    expect([...NEMESES.keys()].sort()).toEqual([...names].sort());
    expect(familyOf({ f: 'kill', value: { kind: 'kill', nodes: ['n1'] } }).f).toBe('kill');
  });

  it('rejects at compile time a family file without its registry line; accepts file + one line; rejects a wrong line', () => {
    expect(typeErrors({})).toEqual([]);
    // The new file alone: the registry no longer covers FaultSpecs.
    const missing = typeErrors({ 'clock.ts': NEW_FAMILY });
    expect(missing.join('\n')).toMatch(/Property ''start-clock'' is missing/);
    // The file and one line in the registry (plus its import): compiles.
    expect(typeErrors({ 'clock.ts': NEW_FAMILY, 'index.ts': withImport(withLine(`  'start-clock': clock,`)) })).toEqual([]);
    // A family registered under another family's f does not compile either.
    const wrong = typeErrors({ 'clock.ts': NEW_FAMILY, 'index.ts': withImport(withLine(`  'start-clock': kill,`)) });
    expect(wrong.length).toBeGreaterThan(0);
  }, 120_000);
});
