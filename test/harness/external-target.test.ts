/**
 * The external target behind the Target interface: a deployment the harness did not start (here
 * one redis-server started by the test), faults through the topology file's shell commands, and
 * the refusal, before anything starts, of a fault the file gives no command for.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readHistory, runDirs, splitbrain, tempStore } from '../support/cli.js';
import { type RunningServer, startServer } from '../support/servers.js';

let server: RunningServer | null = null;
afterAll(async () => {
  await server?.stop();
});

function topologyFile(dir: string, commands: Record<string, string>): string {
  const f = join(dir, 'nodes.json');
  writeFileSync(f, JSON.stringify({ nodes: [{ name: 'ext1', host: '127.0.0.1', port: server!.port, role: 'primary', commands }] }));
  return f;
}

describe('--target external', () => {
  it('pauses and resumes a node through its commands, records the faults, reads the final state', async () => {
    server = await startServer('redis');
    const store = tempStore();
    const file = topologyFile(store, { pause: `kill -STOP ${server.pid}`, resume: `kill -CONT ${server.pid}` });
    const args = ['run', '--target', 'external', '--topology', 'single', '--topology-file', file, '--workload', 'set', '--net', 'none'];
    const pace = ['--interval', '1', '--fault-duration', '1', '--time-limit', '5', '--rate', '50', '--concurrency', '2', '--store', store];
    const r = await splitbrain([...args, '--nemesis', 'pause', ...pace]);
    expect([0, 1, 2], r.all).toContain(r.exitCode);
    const history = readHistory(runDirs(store)[0]!);
    const nemesis = history.filter((o) => o.process === 'nemesis' && o.type === 'invoke').map((o) => o.f);
    expect(nemesis).toEqual(['pause', 'resume', 'pause', 'resume', 'stop-partition']);
    expect(history.filter((o) => o.process === 'nemesis' && o.type === 'info').every((o) => !(o.value as { error?: string } | null)?.error)).toBe(true);
    expect(history.some((o) => o.f === 'final-read' && o.type === 'ok' && o.node === 'ext1')).toBe(true);

    // No kill/restart commands: a kill is refused before the run starts.
    const k = await splitbrain([...args, '--nemesis', 'kill', ...pace]);
    expect(k.exitCode).toBe(3);
    expect(k.all).toMatch(/this target has no process control for kill \(give kill\/restart commands in the topology file\)/);
  }, 120_000);
});
