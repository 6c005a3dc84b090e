import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { CLI, iptablesRules, livePids, NO_SYNC_DELAY, readHistory, runDirs, splitbrain, tempStore } from '../support/cli.js';

async function waitFor(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('splitbrain run lifecycle', () => {
  it('SIGINT mid-run stops nodes and proxies within 5 s, leaves no process, keeps a checkable history', async () => {
    const store = tempStore();
    const child = execa(
      process.execPath,
      [
        CLI,
        'run',
        '--target',
        'redis',
        '--topology',
        'replicated',
        '--replicas',
        '2',
        '--net',
        'toxiproxy',
        '--nemesis',
        'none',
        '--workload',
        'set',
        '--time-limit',
        '60',
        '--server-arg',
        NO_SYNC_DELAY,
        '--store',
        store,
      ],
      { reject: false, all: true },
    );
    let dir = '';
    await waitFor(() => {
      const d = existsSync(store) ? runDirs(store) : [];
      if (d.length === 0) return false;
      dir = d[0]!;
      return readHistory(dir).length > 100;
    }, 60_000);
    expect(livePids(dir).length).toBe(3);
    const t0 = Date.now();
    child.kill('SIGINT');
    const res = await child;
    const took = Date.now() - t0;
    expect(took).toBeLessThan(5000);
    expect(res.exitCode).not.toBe(0);
    expect(livePids(dir)).toEqual([]);
    // The history written so far parses and checks (0/1/2 are verdicts; 3 would be a refused file).
    const check = await splitbrain(['check', dir, '--checker', 'set-full']);
    expect([0, 1, 2]).toContain(check.exitCode);
  }, 120_000);

  it('--replay reproduces the fault schedule and the op sequence; iptables rules are gone afterwards', async () => {
    const store = tempStore();
    const args = [
      'run',
      '--target',
      'redis',
      '--topology',
      'replicated',
      '--replicas',
      '1',
      '--net',
      'iptables',
      '--nemesis',
      'partition-primary,pause',
      '--interval',
      '1',
      '--fault-duration',
      '1',
      '--time-limit',
      '5',
      '--rate',
      '100',
      '--workload',
      'register',
      '--seed',
      '1234',
      '--server-arg',
      NO_SYNC_DELAY,
      '--store',
      store,
    ];
    const a = await splitbrain(args);
    expect([0, 1, 2]).toContain(a.exitCode);
    const [dirA] = runDirs(store);
    const b = await splitbrain(['run', '--replay', dirA!, '--store', store]);
    expect([0, 1, 2]).toContain(b.exitCode);
    const dirB = runDirs(store).find((d) => d !== dirA)!;
    const sa = JSON.parse(readFileSync(join(dirA!, 'scenario.json'), 'utf8'));
    const sb = JSON.parse(readFileSync(join(dirB, 'scenario.json'), 'utf8'));
    expect(sa.schedule.length).toBeGreaterThan(0);
    expect(sb.schedule).toEqual(sa.schedule);
    expect(sb.seed).toBe(sa.seed);
    expect(sb.replayOf).toBe(dirA);
    // Per worker slot, the invoke sequences agree on their common prefix (runs are time-bound, so
    // lengths differ by a few ops).
    const bySlot = (dir: string) => {
      const m = new Map<number, string[]>();
      for (const op of readHistory(dir)) {
        if (op.type !== 'invoke' || typeof op.process !== 'number' || op.f === 'final-read' || op.f === 'node-state') continue;
        const slot = (op.process as number) % sa.concurrency;
        const list = m.get(slot) ?? [];
        list.push(JSON.stringify([op.f, op.key, op.value]));
        m.set(slot, list);
      }
      return m;
    };
    const ia = bySlot(dirA!);
    const ib = bySlot(dirB);
    for (const [slot, seqA] of ia) {
      const seqB = ib.get(slot) ?? [];
      const n = Math.min(seqA.length, seqB.length);
      expect(n).toBeGreaterThan(5);
      expect(seqB.slice(0, n)).toEqual(seqA.slice(0, n));
    }
    const nemesisFs = (dir: string) =>
      readHistory(dir)
        .filter((o) => o.process === 'nemesis' && o.type === 'invoke')
        .map((o) => [o.f, o.value]);
    expect(nemesisFs(dirB)).toEqual(nemesisFs(dirA!));
    // Only this run's chain: other test files may have theirs in place right now.
    expect(sa.iptablesChain).toMatch(/^SB-/);
    expect(iptablesRules()).not.toContain(sa.iptablesChain);
    expect(iptablesRules()).not.toContain(sb.iptablesChain);
  }, 120_000);

  it('refuses bad flags with a clear message', async () => {
    const r = await splitbrain(['run', '--time-limit', 'abc']);
    expect(r.exitCode).toBe(64);
    expect(r.all).toMatch(/--time-limit <s>.*argument 'abc' is invalid\. must be an integer in \[1, 604800\]/);
    const w = await splitbrain(['run', '--workload', 'nope', '--store', tempStore()]);
    expect(w.exitCode).toBe(64);
    expect(w.all).toMatch(/unknown workload 'nope'/);
    const p = await splitbrain([
      'run',
      '--target',
      'redis',
      '--net',
      'toxiproxy',
      '--nemesis',
      'partition-primary',
      '--interval',
      '1',
      '--fault-duration',
      '1',
      '--time-limit',
      '3',
      '--store',
      tempStore(),
    ]);
    expect(p.exitCode).toBe(3);
    expect(p.all).toMatch(/toxiproxy network backend cannot cut links between pairs of nodes/);
    // A scenario file is validated before anything starts; the error names the file and the field.
    const bad = join(tempStore(), 'bad-scenario.json');
    writeFileSync(bad, JSON.stringify({ workload: 'set', concurrency: 0 }));
    const sc = await splitbrain(['run', '--scenario', bad, '--store', tempStore()]);
    expect(sc.exitCode).toBe(3);
    expect(sc.all).toContain(`${bad}: not a valid scenario`);
    expect(sc.all).toMatch(/\/concurrency: must be >= 1/);
  }, 120_000);
});
