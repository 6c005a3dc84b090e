import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { checkRun } from '../../harness/run/check.js';
import type { CheckFn } from '../../reports/testing/fixtures.js';

/** The real composed checkers of a run (harness/run/check.ts), as fixtures want them. */
export const check: CheckFn = (dir, history, specs) => checkRun(dir, history, specs);

export function tempStore(prefix: string): { root: string; cleanup(): void } {
  const root = mkdtempSync(join(tmpdir(), `splitbrain-${prefix}-`));
  return { root, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

export interface JUnitCaseXml {
  '@_name': string;
  '@_classname': string;
  '@_time': string;
  failure?: { '@_type': string; '@_message': string; '#text'?: string };
  error?: { '@_type': string; '@_message': string; '#text'?: string };
  skipped?: { '@_message': string };
}

export interface JUnitSuiteXml {
  '@_name': string;
  '@_tests': string;
  '@_failures': string;
  '@_errors': string;
  '@_skipped': string;
  testcase: JUnitCaseXml[];
}

/**
 * Well-formedness by fast-xml-parser's validator, then the structure JUnit consumers (Jenkins,
 * GitLab, GitHub reporters) rely on: testsuites > testsuite > testcase with name/classname/time,
 * counts that match the cases, at most one of failure/error/skipped per case.
 */
export function parseJUnit(xml: string): JUnitSuiteXml[] {
  const ok = XMLValidator.validate(xml);
  if (ok !== true) throw new Error(`junit.xml is not well-formed: ${JSON.stringify(ok.err)}`);
  const doc = new XMLParser({ ignoreAttributes: false, isArray: (name) => name === 'testsuite' || name === 'testcase' }).parse(xml) as {
    testsuites: { testsuite: JUnitSuiteXml[]; '@_tests': string; '@_failures': string; '@_errors': string };
  };
  const root = doc.testsuites;
  if (!root || !Array.isArray(root.testsuite)) throw new Error('junit.xml: no <testsuites><testsuite>');
  let tests = 0;
  let failures = 0;
  let errors = 0;
  for (const s of root.testsuite) {
    const cases = s.testcase ?? [];
    if (Number(s['@_tests']) !== cases.length) throw new Error(`testsuite ${s['@_name']}: tests=${s['@_tests']} but ${cases.length} testcases`);
    const f = cases.filter((c) => c.failure !== undefined).length;
    const e = cases.filter((c) => c.error !== undefined).length;
    const k = cases.filter((c) => c.skipped !== undefined).length;
    if (Number(s['@_failures']) !== f || Number(s['@_errors']) !== e || Number(s['@_skipped']) !== k)
      throw new Error(`testsuite ${s['@_name']}: counts do not match its cases`);
    for (const c of cases) {
      if (!c['@_name'] || !c['@_classname'] || Number.isNaN(Number(c['@_time']))) throw new Error(`testcase without name/classname/time in ${s['@_name']}`);
      if ([c.failure, c.error, c.skipped].filter((x) => x !== undefined).length > 1) throw new Error(`testcase ${c['@_name']}: more than one outcome`);
    }
    tests += cases.length;
    failures += f;
    errors += e;
  }
  if (Number(root['@_tests']) !== tests || Number(root['@_failures']) !== failures || Number(root['@_errors']) !== errors)
    throw new Error('testsuites totals do not match');
  return root.testsuite;
}
