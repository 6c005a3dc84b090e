import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { launchChromium } from '../../reports/testing/browser.js';
import { splitbrain, tempStore } from '../support/cli.js';
import { NIGHTLY } from '../support/nightly.js';

/**
 * A real shard of the nightly suite, restricted to one cluster scenario it runs on both targets
 * (the minority master, seed 1: redis-server through iptables, our server through a proxy per
 * directed link), writes the side-by-side page, and the page renders in Chromium with both runs'
 * figures and no console errors (opt-in: SPLITBRAIN_NIGHTLY=1; two full fault runs).
 */
const SCENARIO = 'cluster-lost-writes-partition-primary-with-clients#seed1';

interface LostWrites {
  lost: number;
  byAck: Record<string, { acknowledged: number; lost: number }>;
}

interface Entry {
  target: string;
  status: string;
  dir: string | null;
}

describe.skipIf(!NIGHTLY)('nightly suite shard on both targets', () => {
  it('runs the scenario on ts and on redis and writes its compare page, which renders', { timeout: 1_200_000 }, async () => {
    const store = tempStore();
    const r = await splitbrain(['suite', 'harness/suites/nightly.json', '--only', SCENARIO, '--shard', '1/2', '--store', store], { timeout: 1_100_000 });
    const suites = join(store, 'suites', 'nightly');
    const [dir] = readdirSync(suites).map((d) => join(suites, d));
    expect(dir, r.all).toMatch(/-shard1of2$/);
    const summary = JSON.parse(readFileSync(join(dir!, 'summary.json'), 'utf8')) as { entries: Entry[] };
    expect(summary.entries.map((e) => e.target).sort()).toEqual(['redis', 'ts']);
    // Both ran to a verdict (a loss the model does not expect would make one invalid, which is not this test's point).
    for (const e of summary.entries) expect(['valid', 'invalid'], `${e.target}: ${r.all}`).toContain(e.status);
    const pages = readdirSync(dir!).filter((f) => f.startsWith('compare-'));
    expect(pages).toEqual(['compare-cluster-lost-writes-partition-primary-with-clients-seed1.html']);
    expect(r.stderr).toContain(`compare: ${join(dir!, pages[0]!)}`);

    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(pathToFileURL(join(dir!, pages[0]!)).href);
      const header = await page.locator('#compare thead').innerText();
      expect(header).toContain('ts (toxiproxy)');
      expect(header).toContain('redis (iptables)');
      const cells = async (label: string) => (await page.locator('#compare tr', { hasText: label }).first().locator('td').allInnerTexts()).slice(1);
      const verdicts = await cells('verdict');
      expect(verdicts).toHaveLength(2);
      for (const v of verdicts) expect(['valid', 'invalid']).toContain(v);
      // Each column's lost-write counts are the run's own (results.json), on the page, for the ack
      // kind the scenario's writes had (min-replicas-to-write: `min-replicas`).
      const lw = (target: string) => {
        const dir = summary.entries.find((e) => e.target === target)!.dir!;
        return JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')).checkers['lost-writes'] as LostWrites;
      };
      const [ts, redis] = [lw('ts'), lw('redis')];
      const acks = Object.keys(ts.byAck).filter((k) => ts.byAck[k]!.acknowledged > 0 || redis.byAck[k]!.acknowledged > 0);
      expect(acks.length).toBeGreaterThan(0);
      for (const ack of acks) {
        expect(await cells(`${ack}: acknowledged`)).toEqual([String(ts.byAck[ack]!.acknowledged), String(redis.byAck[ack]!.acknowledged)]);
        expect(await cells(`${ack}: lost`)).toEqual([String(ts.byAck[ack]!.lost), String(redis.byAck[ack]!.lost)]);
      }
      // Lost writes by window: the rows add up to each run's losses.
      const windowRows = await page.locator('#compare tr', { hasText: ' · ' }).all();
      const byWindow = [0, 0];
      for (const row of windowRows) {
        const [, a, b] = await row.locator('td').allInnerTexts();
        byWindow[0]! += Number(a);
        byWindow[1]! += Number(b);
      }
      expect(byWindow).toEqual([ts.lost, redis.lost]);
      expect(await page.locator('#not-same').count()).toBe(0);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
