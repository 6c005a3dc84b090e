/**
 * The report of a transactional run: a stale read after an acknowledged append (G-single-item
 * realtime) drawn as a ring of two transactions with labelled edges, each edge in words, and the
 * transactions linked to the timeline; the elle anomaly is listed with the others.
 */
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TxnHistory } from '../../checkers/elle/testing.js';
import { writeReport } from '../../reports/report.js';
import { launchChromium } from '../../reports/testing/browser.js';
import { storeRun } from '../../reports/testing/fixtures.js';
import { check, tempStore } from './helpers.js';

const store = tempStore('cycles');
let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  store.cleanup();
});

describe('report: dependency cycles', () => {
  it('draws the witness cycle and explains each edge', async () => {
    const h = new TxnHistory();
    h.txn(0, 'ax1');
    h.txn(1, 'ax2');
    h.txn(2, 'rx1');
    const specs = [{ name: 'elle', options: { workload: 'list-append', lostAppends: true } }];
    const dir = await storeRun(h.ops, specs, check, {
      storeRoot: store.root,
      ts: '20260301T000000Z',
      scenario: 'ts-single-txn-append-none',
      workload: 'txn-append',
      nemesis: 'none',
    });
    const { html } = await writeReport(dir);
    const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(pathToFileURL(html).href);
    await page.waitForSelector('#cycles .cycle');
    expect(errors).toEqual([]);
    const cycle = page.locator('#cycles .cycle').first();
    expect(await cycle.getAttribute('data-type')).toBe('G-single-item-realtime');
    expect(await cycle.locator('svg .txn').count()).toBe(2);
    expect((await cycle.locator('svg text.rel').allTextContents()).sort()).toEqual(['realtime', 'rw']);
    const steps = await cycle.locator('.cycle-steps li').allTextContents();
    expect(steps.join('\n')).toMatch(/appended 2 to x and T\d read x without it \(ending in 1\), so T\d precedes T\d \(rw\)/);
    // The anomaly list carries it too, and so does the lost append.
    const kinds = await page.locator('#anomaly-list .chip.kind').allTextContents();
    expect(kinds).toEqual(expect.arrayContaining(['G-single-item-realtime', 'lost-append']));
    // Clicking a transaction selects its op in the history explorer.
    await cycle.locator('svg .txn').first().click();
    await page.waitForSelector('#ex-rows .ex-row.sel');
    await page.close();
  }, 60_000);
});
