import { mkdirSync, symlinkSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve, relative, dirname } from 'node:path';

/**
 * The run store: `store/<scenario>/<timestamp>/` with history.jsonl, scenario.json,
 * results.json, report.html, junit.xml and node logs; `store/latest` points to the newest run that started.
 */
export class RunStore {
  readonly dir: string;

  constructor(
    public readonly root: string,
    scenarioName: string,
    startedAt = new Date(),
  ) {
    const ts = startedAt.toISOString().replace(/[:]/g, '').replace(/\.\d+Z$/, 'Z');
    let dir = join(root, sanitize(scenarioName), ts);
    for (let i = 1; existsSync(dir); i++) dir = join(root, sanitize(scenarioName), `${ts}-${i}`);
    this.dir = resolve(dir);
    mkdirSync(join(this.dir, 'nodes'), { recursive: true });
  }

  path(name: string): string {
    return join(this.dir, name);
  }

  nodeDir(node: string): string {
    const d = join(this.dir, 'nodes', node);
    mkdirSync(d, { recursive: true });
    return d;
  }

  writeJson(name: string, data: unknown): void {
    writeFileSync(this.path(name), JSON.stringify(data, null, 2) + '\n');
  }

  /** `latest` moves only to a run whose system started: a run that failed before never hides the last good one. */
  pointLatest(): void {
    const link = join(this.root, 'latest');
    try {
      rmSync(link, { force: true });
      symlinkSync(relative(dirname(link), this.dir), link);
    } catch {
      /* symlinks may be unsupported; latest is a convenience */
    }
  }
}

export function sanitize(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'run';
}

