import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeComparePage, writeSuiteComparisons } from '../../reports/compare.js';
import { launchChromium } from '../../reports/testing/browser.js';
import { SET_SPECS, setHistory, storeRun } from '../../reports/testing/fixtures.js';
import { check, tempStore } from './helpers.js';

const store = tempStore('compare');
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  store.cleanup();
});

/** Stores a set run and marks it as run on `target` with `net`. */
async function run(target: string, net: string, lose: number, ts: string): Promise<string> {
  const dir = await storeRun(setHistory({ ops: 6000, seed: 7, lose, xss: true }).history, SET_SPECS, check, {
    storeRoot: store.root,
    ts,
    scenario: `${target}-set`,
  });
  const p = join(dir, 'scenario.json');
  writeFileSync(p, JSON.stringify({ ...JSON.parse(readFileSync(p, 'utf8')), target, net }));
  return dir;
}

describe('splitbrain compare: the same scenario on two targets, side by side', () => {
  it("renders in headless Chromium with both runs' figures, the differences called out, no console errors", async () => {
    const ours = await run('ts', 'toxiproxy', 0, '20260301T000000Z');
    const theirs = await run('redis', 'iptables', 3, '20260301T000100Z');
    const html = await writeComparePage(ours, theirs, join(store.root, 'compare.html'));
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(pathToFileURL(html).href);
    const header = await page.locator('#compare thead').innerText();
    expect(header).toContain('ts (toxiproxy)');
    expect(header).toContain('redis (iptables)');
    const cells = async (label: string) => (await page.locator('#compare tr', { hasText: label }).first().locator('td').allInnerTexts()).slice(1);
    expect(await cells('verdict')).toEqual(['valid', 'invalid']);
    expect(await cells('plain: lost')).toEqual(['0', '3']);
    // Lost writes by the window they were judged in: far from every fault, so anomalies.
    const anomalyRows = await page.locator('#compare tr', { hasText: '· anomaly' }).all();
    let anomalous = [0, 0];
    for (const r of anomalyRows) {
      const [, x, y] = await r.locator('td').allInnerTexts();
      anomalous = [anomalous[0]! + Number(x), anomalous[1]! + Number(y)];
    }
    expect(anomalous).toEqual([0, 3]);
    const diffs = await page.locator('#differences li').allInnerTexts();
    expect(diffs.some((d) => /verdict — ts \(toxiproxy\) valid, redis \(iptables\) invalid/.test(d))).toBe(true);
    expect(diffs.some((d) => /plain: lost — ts \(toxiproxy\) 0, redis \(iptables\) 3/.test(d))).toBe(true);
    expect(await page.locator('#not-same').count()).toBe(0);
    // A static page: figures are text, nothing runs.
    expect(await page.locator('script').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a suite writes one page per scenario it ran on both ts and redis (same seed), none for the others', async () => {
    const ours = await run('ts', 'toxiproxy', 0, '20260301T000200Z');
    const theirs = await run('redis', 'iptables', 0, '20260301T000300Z');
    const lone = await run('ts', 'toxiproxy', 0, '20260301T000400Z');
    const entry = (target: string, dir: string, seed = 7) => ({ scenario: `${target}-cluster-set-kill`, target, seed, repeat: 0, dir });
    const pages = await writeSuiteComparisons(store.root, [
      entry('ts', ours),
      entry('redis', theirs),
      entry('ts', lone, 8),
      { ...entry('redis', theirs, 9), dir: null },
    ]);
    expect(pages).toEqual([join(store.root, 'compare-cluster-set-kill-seed7.html')]);
    const html = readFileSync(pages[0]!, 'utf8');
    expect(html).toContain('ts (toxiproxy)');
    expect(html).toContain('redis (iptables)');
  });
});
