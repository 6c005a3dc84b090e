/**
 * Reports opened in real headless Chromium (playwright-core, /usr/bin/chromium): no console errors,
 * verdict shown, a shaded band per fault, anomalies that move the timeline, values kept as text, a
 * linearization view, and a 100k-op history that loads quickly.
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { faultIntervals } from '../../checkers/faults.js';
import { historyToJsonl } from '../../checkers/history/format.js';
import { HistoryBuilder } from '../../checkers/testing/builder.js';
import { writeReport } from '../../reports/report.js';
import { writeStoreIndex } from '../../reports/store-index.js';
import { launchChromium } from '../../reports/testing/browser.js';
import { SET_SPECS, setHistory, staleRegisterHistory, storeRun, XSS_VALUES } from '../../reports/testing/fixtures.js';
import { check, tempStore } from './helpers.js';

const store = tempStore('browser');
let browser: Browser;

interface Opened {
  page: Page;
  errors: string[];
}

async function open(html: string, viewport = { width: 1400, height: 1000 }, timeoutMs?: number): Promise<Opened> {
  const page = await browser.newPage({ viewport });
  // Playwright's 30 s default is short for a big report on a loaded machine.
  if (timeoutMs !== undefined) page.setDefaultTimeout(timeoutMs);
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(pathToFileURL(html).href);
  await page.waitForSelector('#ex-rows .ex-row');
  return { page, errors };
}

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  store.cleanup();
});

describe('a valid run whose losses are lost by configuration (a primary restarted without persistence)', () => {
  it('lists them as such, with the window that applied, behind the "expected" toggle', async () => {
    const h = new HistoryBuilder();
    h.at(1);
    h.add(0, 's', 1, { node: 'n1' });
    h.at(3);
    h.nemesis('kill', { nodes: ['n1'], kind: 'kill-primary' });
    h.at(6);
    h.nemesis('start', { nodes: ['n1'] });
    h.at(7);
    h.add(0, 's', 2, { node: 'n1' });
    h.at(9);
    h.finalRead(1000000, 's', 'n1', [2]);
    const specs = [{ name: 'lost-writes', options: { failover: 'harness', persistence: 'none' } }];
    const dir = await storeRun(h.build(), specs, check, { storeRoot: store.root, ts: '20260202T000000Z' });
    const { page, errors } = await open((await writeReport(dir)).html);
    expect(await page.locator('#anomaly-list li').count()).toBe(1); // shown: no anomaly to hide it behind
    const li = page.locator('#anomaly-list li.expected').first();
    expect(await li.locator('.chip.kind').textContent()).toBe('lost-write (plain) · lost by configuration');
    expect(await li.locator('.window').textContent()).toMatch(/^window \[start, 4\.00 s\]: no persistence/);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('an invalid run with lost writes and XSS-looking values', () => {
  let html = '';
  let history: ReturnType<typeof setHistory>['history'];
  beforeAll(async () => {
    history = setHistory({ ops: 4000, seed: 5, lose: 3, xss: true }).history;
    const dir = await storeRun(history, SET_SPECS, check, { storeRoot: store.root, ts: '20260201T000000Z' });
    html = (await writeReport(dir)).html;
  });

  it('renders without console errors, the verdict in words and colour', async () => {
    const { page, errors } = await open(html);
    expect(errors).toEqual([]);
    const badge = page.locator('header.verdict .badge');
    expect(await badge.textContent()).toBe('INVALID');
    expect(await badge.isVisible()).toBe(true);
    // Page-side code as strings: the test's tsconfig has no DOM library.
    const bg = await page.evaluate(`getComputedStyle(document.querySelector('header.verdict')).backgroundColor`);
    expect(bg).toBe('rgb(197, 34, 31)');
    expect(await page.locator('#headline li').first().textContent()).toMatch(/^Lost 3 acknowledged writes/);
    expect(await page.locator('#replay-cmd').textContent()).toMatch(/^splitbrain run --replay /);
    expect(await page.locator('#checkers tr[data-checker]').count()).toBe(5);
    await page.close();
  });

  it('shades and labels every fault interval on the timeline', async () => {
    const { page } = await open(html);
    const faults = faultIntervals(history);
    expect(faults.length).toBe(4);
    for (const f of faults) {
      const band = page.locator(`#tl-faults .fault-band[data-fault="${f.id}"]`);
      expect(await band.isVisible()).toBe(true);
      const box = (await band.boundingBox())!;
      expect(box.width).toBeGreaterThan(5);
      expect(await band.textContent()).toContain(f.nodes.join(','));
      expect(await band.getAttribute('class')).toContain(f.family);
    }
    await page.close();
  });

  it("shows each fault's availability over time for the clients it cut off and the others, and when their writes came back", async () => {
    const { page, errors } = await open(html);
    const heads = await page.locator('#faults table tr').first().locator('th').allTextContents();
    expect(heads.slice(6)).toEqual(['cut-off clients', 'writes possible (cut off / others)', 'writes back after', 'longest gap without an ok write']);
    const rows = page.locator('#faults tr.fault-row');
    expect(await rows.count()).toBe(4);
    const cells = async (i: number): Promise<string[]> => rows.nth(i).locator('td').allTextContents();
    // The partition of n1 (every client writes through n1): no write succeeds until after the heal.
    const [, , , , , , cut, avail, back, gap] = await cells(0);
    expect(Number(cut)).toBeGreaterThan(0);
    expect(avail).toBe('0.0% / —');
    expect(back).toMatch(/^\d+\.\d\d s$/);
    expect(gap).toBe(back);
    // The partition of n2 cuts off no client: the others are shown.
    expect((await cells(2)).slice(6, 8)).toEqual(['0', '— / 0.0%']);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("names each loss's class and the window it missed", async () => {
    const { page, errors } = await open(html);
    const first = page.locator('#anomaly-list li.anomaly').first();
    expect(await first.locator('.chip.kind').textContent()).toBe('lost-write (plain) · anomalous');
    expect(await first.locator('.window').textContent()).toMatch(/^window \[\d+\.\d\d s, \d+\.\d\d s\]: /);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('clicking an anomaly scrolls the page to the timeline and centres the timeline on its op', async () => {
    const { page } = await open(html, { width: 1400, height: 700 });
    const first = page.locator('#anomaly-list li.anomaly').first();
    expect(await first.textContent()).toContain('acknowledged by n1');
    const link = first.locator('.oplink').nth(1);
    const pos = Number(await link.getAttribute('data-pos'));
    await page.evaluate('window.scrollTo(0, 0)');
    const canvas = page.locator('#timeline');
    const before = Number(await canvas.getAttribute('data-view-end')) - Number(await canvas.getAttribute('data-view-start'));
    await link.click();
    const vs = Number(await canvas.getAttribute('data-view-start'));
    const ve = Number(await canvas.getAttribute('data-view-end'));
    const t = history[pos]!.time / 1e6;
    expect(vs).toBeLessThanOrEqual(t);
    expect(ve).toBeGreaterThanOrEqual(t);
    expect(ve - vs).toBeLessThan(before / 2);
    expect(Number(await canvas.getAttribute('data-highlight'))).toBeGreaterThanOrEqual(0);
    const inView = await page.evaluate(
      `(() => { const r = document.getElementById('tl-wrap').getBoundingClientRect(); return r.top >= -1 && r.top < window.innerHeight; })()`,
    );
    expect(inView).toBe(true);
    // The explorer selected the same op.
    expect(await page.locator('#ex-rows .ex-row.sel').first().getAttribute('data-pos')).toBe(String(pos));
    await page.close();
  });

  it('hovering an op shows invoke, completion, value and node', async () => {
    const { page } = await open(html);
    const canvas = page.locator('#timeline');
    await canvas.scrollIntoViewIfNeeded();
    const box = (await canvas.boundingBox())!;
    // Lane 0 (worker 0), a little right of the gutter: ops there are dense; try a few points.
    let text = '';
    for (let dx = 120; dx < box.width - 20 && !text.includes('invoke'); dx += 37) {
      await page.mouse.move(box.x + dx, box.y + 24 + 12);
      const tip = page.locator('#tooltip');
      if (await tip.isVisible()) text = (await tip.textContent()) ?? '';
    }
    expect(text).toContain('invoke');
    expect(text).toMatch(/ok|fail|info|never completed/);
    await page.close();
  });

  it('keeps history values as text: no script runs, the strings are shown verbatim', async () => {
    const { page, errors } = await open(html);
    expect(errors).toEqual([]);
    expect(await page.evaluate('window.__xss')).toBeUndefined();
    expect(await page.locator('script').count()).toBe(3);
    expect(await page.locator('img').count()).toBe(0);
    for (const v of XSS_VALUES) {
      await page.fill('input[data-filter="text"]', v);
      const cells = await page.locator('#ex-rows .ex-row:visible > span:nth-child(7)').allTextContents();
      expect(cells.some((c) => c === v)).toBe(true);
    }
    await page.close();
  });

  it('pans on drag, zooms on Ctrl+wheel, resets on double-click', async () => {
    const { page } = await open(html);
    const canvas = page.locator('#timeline');
    await canvas.scrollIntoViewIfNeeded();
    const box = (await canvas.boundingBox())!;
    const view = async () => [Number(await canvas.getAttribute('data-view-start')), Number(await canvas.getAttribute('data-view-end'))] as const;
    const full = await view();
    await page.mouse.move(box.x + box.width / 2, box.y + 40);
    await page.keyboard.down('Control');
    await page.mouse.wheel(0, -400);
    await page.keyboard.up('Control');
    const zoomed = await view();
    expect(zoomed[1] - zoomed[0]).toBeLessThan((full[1] - full[0]) * 0.8);
    await page.mouse.move(box.x + box.width / 2, box.y + 40);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 200, box.y + 40, { steps: 5 });
    await page.mouse.up();
    const panned = await view();
    expect(panned[0]).toBeLessThan(zoomed[0]);
    expect(panned[1] - panned[0]).toBeCloseTo(zoomed[1] - zoomed[0], 3);
    await canvas.dblclick({ position: { x: box.width / 2, y: 40 } });
    expect(await view()).toEqual(full);
    await page.close();
  });

  it('draws latency and throughput plots with uPlot', async () => {
    const { page } = await open(html);
    expect(await page.locator('#latency-plot .uplot canvas').count()).toBe(1);
    expect(await page.locator('#throughput-plot .uplot canvas').count()).toBe(1);
    // The kills leave 1.5 s without an ok write: the ok latency lines break there, not bridged.
    expect(Number(await page.locator('#latency-plot').getAttribute('data-ok-gaps'))).toBeGreaterThanOrEqual(2);
    // Drag-zooming a chart zooms the timeline to the same range.
    const canvas = page.locator('#timeline');
    const before = Number(await canvas.getAttribute('data-view-end')) - Number(await canvas.getAttribute('data-view-start'));
    const over = page.locator('#latency-plot .u-over');
    await over.scrollIntoViewIfNeeded();
    const b = (await over.boundingBox())!;
    await page.mouse.move(b.x + b.width * 0.3, b.y + b.height / 2);
    await page.mouse.down();
    await page.mouse.move(b.x + b.width * 0.6, b.y + b.height / 2, { steps: 5 });
    await page.mouse.up();
    const after = Number(await canvas.getAttribute('data-view-end')) - Number(await canvas.getAttribute('data-view-start'));
    expect(after).toBeLessThan(before * 0.5);
    expect(after).toBeGreaterThan(before * 0.15);
    await page.close();
  });
});

describe('the linearization view', () => {
  it('shows the longest linearizable prefix, the op that cannot be placed and the faults', async () => {
    const dir = await storeRun(staleRegisterHistory(), [{ name: 'linearizable', options: { model: 'register' } }], check, {
      storeRoot: store.root,
      scenario: 'ts-replicated-register-partition',
      ts: '20260202T000000Z',
      workload: 'register',
    });
    const { page, errors } = await open((await writeReport(dir)).html);
    expect(errors).toEqual([]);
    const lin = page.locator('.lin[data-key="r0"]');
    expect(await lin.isVisible()).toBe(true);
    expect(await lin.locator('tr.stuck').count()).toBe(1);
    expect(await lin.locator('tr.stuck').textContent()).toContain('#6');
    expect(await lin.locator('svg rect.op').count()).toBeGreaterThanOrEqual(3);
    expect(await lin.locator('svg rect.lin-fault').count()).toBe(1);
    expect(await page.locator('.lin[data-key="r1"]').count()).toBe(0);
    await lin.locator('tr.stuck .oplink').click();
    expect(await page.locator('#timeline').getAttribute('data-highlight')).toBe('6');
    await page.close();
  });
});

describe('a crashed run', () => {
  it('says CRASHED and why', async () => {
    const dir = join(store.root, 'redis-single-set-none', '20260203T000000Z');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'scenario.json'), JSON.stringify({ name: 'redis-single-set-none', target: 'redis', seed: 1 }));
    writeFileSync(join(dir, 'history.jsonl'), historyToJsonl(setHistory({ ops: 100, faults: false }).history.slice(0, 30)));
    writeFileSync(join(dir, 'error.txt'), 'Error: redis-server exited with code 1');
    const { page, errors } = await open((await writeReport(dir)).html);
    expect(errors).toEqual([]);
    expect(await page.locator('header.verdict .badge').textContent()).toBe('CRASHED');
    expect(await page.locator('#error pre').textContent()).toContain('redis-server exited');
    // No schedule was recorded: no reproduce command that --replay would refuse.
    expect(await page.locator('#replay-cmd').count()).toBe(0);
    expect(await page.locator('.replay').textContent()).toMatch(/reproduce: not possible/);
    await page.close();
  });
});

describe('a 100k-op history', () => {
  // Behaviour only: how fast it loads and filters is bench:report's (timed assertions fail on a loaded machine).
  it('loads, the explorer scrolls to the last op and filters all 100k rows', async () => {
    const { history } = setHistory({ ops: 50_000, seed: 9, lose: 1 });
    expect(history.length).toBeGreaterThanOrEqual(99_000);
    const dir = await storeRun(history, SET_SPECS, check, { storeRoot: store.root, ts: '20260204T000000Z' });
    const { html } = await writeReport(dir);
    const { page, errors } = await open(html, undefined, 100_000);
    expect(errors).toEqual([]);
    await page.locator('#ex-scroll').evaluate((e) => (e.scrollTop = e.scrollHeight));
    await page.waitForFunction(`[...document.querySelectorAll('#ex-rows .ex-row')].some((r) => r.dataset.pos === '${history.length - 1}')`);
    await page.selectOption('select[data-filter="type"]', { label: 'fail' });
    await page.waitForFunction(`/ of \\d+ rows$/.test(document.getElementById('ex-count').textContent)`);
    const fails = history.filter((o) => o.type === 'fail').length;
    expect(fails).toBeGreaterThan(0);
    expect(await page.locator('#ex-count').textContent()).toBe(`${fails} of ${history.length} rows`);
    // The rows shown are fail ops only (the type column).
    const types = await page.locator('#ex-rows .ex-row:not([data-pos="-1"]) span:nth-child(4)').allTextContents();
    expect(types.length).toBeGreaterThan(0);
    expect(new Set(types)).toEqual(new Set(['fail']));
    await page.close();
  }, 240_000);
});

describe('the store index', () => {
  const own = tempStore('browser-index');
  afterAll(() => own.cleanup());

  it('lists every run with its verdict, trends per scenario, and filters', async () => {
    await storeRun(setHistory({ ops: 300, seed: 1 }).history, SET_SPECS, check, { storeRoot: own.root, ts: '20260301T000000Z' });
    await storeRun(setHistory({ ops: 300, seed: 2, lose: 2 }).history, SET_SPECS, check, { storeRoot: own.root, ts: '20260302T000000Z' });
    await storeRun(staleRegisterHistory(), [{ name: 'linearizable', options: { model: 'register' } }], check, {
      storeRoot: own.root,
      scenario: 'ts-replicated-register-partition',
      ts: '20260303T000000Z',
      workload: 'register',
    });
    const index = await writeStoreIndex(own.root);
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(pathToFileURL(index).href);
    await page.waitForSelector('#runs tr.run-row');
    expect(errors).toEqual([]);
    expect(await page.locator('#runs tr.run-row').count()).toBe(3);
    expect(await page.locator('#trends tr[data-scenario]').count()).toBe(2);
    expect(await page.locator('#trends tr[data-scenario] svg.spark').count()).toBeGreaterThan(0);
    await page.selectOption('#verdict-filter', 'invalid');
    const invalid = await page.locator('#runs tr.run-row').count();
    expect(invalid).toBeGreaterThanOrEqual(1);
    expect(invalid).toBeLessThan(3);
    await page.selectOption('#verdict-filter', '');
    await page.fill('#run-filter', 'register');
    expect(await page.locator('#runs tr.run-row').count()).toBe(1);
    expect(await page.locator('#runs tr.run-row').first().textContent()).toContain('ts-replicated-register-partition');
    await page.close();
  });
});
