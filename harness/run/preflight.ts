/**
 * Everything about a scenario that can be refused without starting anything: nemesis names, the
 * target's binaries and topology, the network backend, and each scheduled fault against what the
 * backend and the target can do. A refused scenario leaves no run directory and never moves
 * `store/latest`.
 */
import { Prng } from '../../checkers/util/prng.js';
import { buildSchedule, checkSchedule, nemesisNames } from '../nemesis/nemesis.js';
import { IptablesNetwork, NoNetwork } from '../net/iptables-net.js';
import type { Network } from '../net/network.js';
import { ToxiproxyNetwork } from '../net/toxiproxy-net.js';
import { ExternalTarget } from '../targets/external.js';
import { usesLazyfs } from '../targets/index.js';
import { plannedNodes } from '../targets/layout.js';
import { LocalTarget } from '../targets/local.js';
import type { NodeHandle, ProcessControl } from '../targets/target.js';
import type { Scenario } from './scenario.js';

/** The scenario cannot run as given; nothing was started. */
export class ScenarioRefused extends Error {}

const nothing = async (): Promise<void> => {};
/** Local targets kill and pause their own processes; the preflight only asks whether they can. */
const LOCAL_PROCESSES: ProcessControl = { canKill: true, canPause: true, kill: nothing, restart: nothing, pause: nothing, resume: nothing, recover: nothing };

/** The network a run of this scenario will have, not set up (capabilities only). */
function plannedNetwork(s: Scenario): Network {
  if (s.target === 'external' || s.net === 'none') return new NoNetwork();
  if (s.net === 'iptables') return new IptablesNetwork('SB-preflight', () => '127.0.0.1');
  // Our server takes a route table, so its node→node links go through proxies too.
  return new ToxiproxyNetwork(s.toxiproxyUrl ?? 'http://127.0.0.1:8474', 'preflight-', s.target === 'ts');
}

/** Throws ScenarioRefused with the reason. */
export async function preflight(s: Scenario): Promise<void> {
  try {
    nemesisNames(s.nemesis);
    let nodes: readonly NodeHandle[];
    let processes: ProcessControl | null;
    if (s.target === 'external') {
      if (!s.topologyFile) throw new Error('--target external needs --topology-file <file>');
      const t = new ExternalTarget(s.topologyFile, s.topology);
      await t.start(); // reads and checks the file; starts nothing
      nodes = t.nodes;
      processes = t.processes;
    } else {
      LocalTarget.check(s.target, s.topology);
      if (s.net === 'iptables') {
        const why = await IptablesNetwork.available();
        if (why) throw new Error(why);
      }
      nodes = plannedNodes(s.topology);
      processes = { ...LOCAL_PROCESSES, canDropUnsynced: usesLazyfs(s.nemesis) };
    }
    const schedule =
      s.schedule ??
      buildSchedule(
        new Prng(s.seed).fork('nemesis'),
        { nodes, topology: s.topology.kind },
        { nemesis: s.nemesis, timeLimitS: s.timeLimitS, intervalS: s.intervalS, faultS: s.faultS },
      );
    checkSchedule(schedule, { net: plannedNetwork(s), processes });
  } catch (err) {
    throw new ScenarioRefused((err as Error).message);
  }
}
