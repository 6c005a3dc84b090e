/**
 * Facts about a scenario's system that decide what a loss means (checkers/lost-writes/windows.ts):
 * who fails a primary over, what a restarted node finds on disk, min-replicas. Recorded in
 * scenario.json as `faultModel` and handed to every loss checker.
 */
import type { WindowOptions } from '../../checkers/lost-writes/windows.js';
import type { Scenario } from './scenario.js';

/** The value after the last occurrence of a server option in an argument list. */
export function lastArg(args: readonly string[], name: string): string | undefined {
  const i = args.lastIndexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/**
 * The fault model of a scenario, from its topology and its servers' effective arguments (local
 * targets start every node with `--save '' --appendonly no` before those arguments).
 */
export function faultModelOf(s: Pick<Scenario, 'target' | 'topology' | 'nodeTimeoutMs' | 'serverArgs'>): WindowOptions {
  const args = s.serverArgs ?? [];
  const out: WindowOptions = {};
  if (s.target === 'external') return out; // unknown system: the lenient legacy model
  switch (s.topology.kind) {
    case 'cluster':
      out.failover = 'cluster';
      out.nodeTimeoutMs = Number(lastArg(args, '--cluster-node-timeout') ?? s.nodeTimeoutMs);
      break;
    case 'sentinel':
      // The sentinels fail an isolated primary over after down-after-milliseconds (the scenario's
      // node timeout); it keeps acknowledging unless min-replicas-to-write stops it (the lag window).
      out.failover = 'sentinel';
      out.downAfterMs = s.nodeTimeoutMs;
      break;
    case 'replicated':
      // Nothing promotes a replica except the harness's own failover faults (`promote` in their value).
      out.failover = 'harness';
      break;
    default:
      out.failover = 'none';
  }
  const aof = (lastArg(args, '--appendonly') ?? 'no').toLowerCase() === 'yes';
  const fsync = (lastArg(args, '--appendfsync') ?? 'everysec').toLowerCase();
  const save = lastArg(args, '--save') ?? '';
  out.persistence = aof ? (fsync === 'always' ? 'aof-always' : fsync === 'no' ? 'aof-no' : 'aof-everysec') : save.trim() !== '' ? 'rdb' : 'none';
  const lag = lastArg(args, '--min-replicas-max-lag') ?? lastArg(args, '--min-slaves-max-lag');
  if (lag !== undefined) out.minReplicasMaxLagS = Number(lag);
  return out;
}
