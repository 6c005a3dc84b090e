/**
 * bench:report — screenshots of a valid and an invalid report (bench/results/report-*.png) and the
 * load time of a report of a 100k-op history in headless Chromium (bench/results/report.json).
 * Histories are generated (reports/testing/fixtures.ts) and judged by the real checkers.
 */
import { mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkRun } from '../harness/run/check.js';
import { writeReport } from '../reports/report.js';
import { launchChromium } from '../reports/testing/browser.js';
import { SET_SPECS, setHistory, storeRun } from '../reports/testing/fixtures.js';

const out = join(process.cwd(), 'bench', 'results');
mkdirSync(out, { recursive: true });
const store = mkdtempSync(join(tmpdir(), 'splitbrain-bench-report-'));

async function make(ops: number, lose: number, ts: string, failoverMs = 1500, readRatio?: number): Promise<{ dir: string; genMs: number; bytes: number }> {
  const { history } = setHistory({ ops, lose, seed: 11, xss: lose > 0, failoverMs, ...(readRatio !== undefined ? { readRatio } : {}) });
  const dir = await storeRun(history, SET_SPECS, checkRun, { storeRoot: store, ts });
  const t0 = performance.now();
  await writeReport(dir);
  return { dir, genMs: Math.round(performance.now() - t0), bytes: statSync(join(dir, 'report.html')).size };
}

const valid = await make(6000, 0, '20260101T000000Z');
const invalid = await make(6000, 3, '20260102T000000Z', 2500);
const big = await make(50_000, 2, '20260103T000000Z'); // 50k client ops = 100k history entries

const browser = await launchChromium();
const page = await browser.newPage({ viewport: { width: 1500, height: 1100 } });
const errors: string[] = [];
page.on('console', (m) => {
  if (m.type() === 'error') errors.push(m.text());
});
page.on('pageerror', (e) => errors.push(e.message));
for (const [name, r] of [
  ['valid', valid],
  ['invalid', invalid],
] as const) {
  await page.goto(pathToFileURL(join(r.dir, 'report.html')).href);
  await page.waitForSelector('#ex-rows .ex-row');
  await page.screenshot({ path: join(out, `report-${name}.png`), fullPage: true });
}
// Load time: navigation start until the explorer's rows exist (the last thing rendered).
const loads: number[] = [];
for (let i = 0; i < 3; i++) {
  const t0 = performance.now();
  await page.goto(pathToFileURL(join(big.dir, 'report.html')).href);
  await page.waitForSelector('#ex-rows .ex-row');
  loads.push(Math.round(performance.now() - t0));
}
await page.screenshot({ path: join(out, 'report-100k.png') });

// The explorer with 1M rows: load, then a filter over every row and a jump to the last one.
// Adds only: every read of a set returns all of it, which at this size is the checkers' cost, not the report's.
const huge = await make(500_000, 0, '20260104T000000Z', 1500, 0);
const t1 = performance.now();
await page.goto(pathToFileURL(join(huge.dir, 'report.html')).href, { timeout: 120_000 });
await page.waitForSelector('#ex-rows .ex-row', { timeout: 120_000 });
const load1M = Math.round(performance.now() - t1);
const t2 = performance.now();
await page.selectOption('select[data-filter="type"]', { label: 'ok' });
// Page-side code as strings: this tsconfig has no DOM library.
await page.waitForFunction(`/of \\d+ rows/.test(document.getElementById('ex-count').textContent)`);
const filter1M = Math.round(performance.now() - t2);
await page.selectOption('select[data-filter="type"]', { label: 'type: any' });
const t3 = performance.now();
await page.locator('#ex-scroll').evaluate((e) => (e.scrollTop = e.scrollHeight));
await page.waitForFunction(`[...document.querySelectorAll('#ex-rows .ex-row')].some((r) => r.style.display !== 'none' && Number(r.dataset.pos) > 999000)`);
const scroll1M = Math.round(performance.now() - t3);
await browser.close();
const result = {
  date: new Date().toISOString(),
  historyOps: 100_000,
  reportBytes: big.bytes,
  generateMs: big.genMs,
  loadMs: loads,
  loadMsMedian: [...loads].sort((a, b) => a - b)[1],
  history1M: { ops: 1_000_000, reportBytes: huge.bytes, generateMs: huge.genMs, loadMs: load1M, filterMs: filter1M, scrollToEndMs: scroll1M },
  consoleErrors: errors,
  screenshots: ['report-valid.png', 'report-invalid.png', 'report-100k.png'],
};
writeFileSync(join(out, 'report.json'), JSON.stringify(result, null, 2) + '\n');
console.log(JSON.stringify(result, null, 2));
if (errors.length) process.exitCode = 1;
