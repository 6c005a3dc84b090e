/**
 * Timeline helpers shared by the checkers: pairing invocations with completions, extracting fault
 * intervals from the nemesis ops (see checkers/CONVENTIONS.md, "Nemesis ops"), and formatting
 * times for the human sentences in checker results.
 *
 * Everything here works on array *positions*; results report `op.index` (see `opIndex`) so that a
 * filtered history still links to the right ops of the stored one.
 */
import type { History, Op } from './history/types.js';

// ---------------------------------------------------------------------------------------------
// Pairing

export interface Pairing {
  /** completion[pos of invoke] = pos of its completion, or -1 (never completed). */
  completion: Int32Array;
  /** invocation[pos of completion] = pos of its invoke, or -1 (orphan completion). */
  invocation: Int32Array;
}

/**
 * Pairs each client invoke with the next completion of the same process, as Jepsen does (a process
 * has at most one op in flight). Nemesis ops are paired the same way: the nemesis is one process.
 */
export function pairOps(history: History): Pairing {
  const n = history.length;
  const completion = new Int32Array(n).fill(-1);
  const invocation = new Int32Array(n).fill(-1);
  const pending = new Map<Op['process'], number>();
  for (let i = 0; i < n; i++) {
    const op = history[i]!;
    if (op.type === 'invoke') {
      pending.set(op.process, i);
    } else {
      const inv = pending.get(op.process);
      if (inv !== undefined) {
        pending.delete(op.process);
        completion[inv] = i;
        invocation[i] = inv;
      }
    }
  }
  return { completion, invocation };
}

/** The op's own index (dense in a stored history), falling back to its position. */
export function opIndex(history: History, pos: number): number {
  const op = history[pos];
  return op && typeof op.index === 'number' ? op.index : pos;
}

// ---------------------------------------------------------------------------------------------
// Time formatting (times are ns since the start of the run)

export const NS_PER_MS = 1e6;
export const NS_PER_S = 1e9;

/** Seconds with two decimals, for sentences: "12.40 s". */
export function fmtS(ns: number): string {
  return `${(ns / NS_PER_S).toFixed(2)} s`;
}

/** Seconds rounded to milliseconds, for JSON fields (stable, short). */
export function toS(ns: number): number {
  return Math.round(ns / NS_PER_MS) / 1000;
}

// ---------------------------------------------------------------------------------------------
// Fault intervals

/** Fault families with distinct loss windows; anything else is `other`. */
export type FaultFamily = 'partition' | 'kill' | 'pause' | 'other';

export interface FaultInterval {
  /** 0-based, in order of the opening op. */
  id: number;
  family: FaultFamily;
  /** The opening op's f (start-partition, kill, pause, start-clock-skew, failover ...). */
  f: string;
  /** Nodes the fault targets (isolated / killed / paused); [] when the nemesis did not say. */
  nodes: string[];
  /** Partition components when the nemesis gave them. */
  groups?: string[][];
  /** Free-form sub-kind from the op value (`{kind: 'majority-ring'}` ...). */
  kind?: string;
  /** A replica promoted during the fault (`{promote: 'n2'}`: the harness's failover), when the nemesis says. */
  promote?: string;
  /** Index into `groups` of the component the clients were confined to (`{clientSide: 0}`); absent: they reach every node. */
  clientSide?: number;
  /** A kill of the node acknowledging writes at the time (lost-writes/classify.ts markActingPrimaries). */
  actingPrimary?: boolean;
  /** ns: invoke of the opening op, the earliest the fault can have taken effect. */
  start: number;
  /** ns: completion of the opening op, by which the fault certainly took effect. */
  effective: number;
  /** ns: invoke of the closing op; null while the fault was never healed. */
  stop: number | null;
  /** ns: completion of the closing op (last history time when never healed). */
  end: number;
  /** op.index of the opening invoke and of the closing completion (null if never healed). */
  startIndex: number;
  stopIndex: number | null;
  healed: boolean;
  /** A one-shot event (failover, rebalance ...) rather than a start/stop interval. */
  instant: boolean;
}

interface FaultTargets {
  nodes: string[];
  groups?: string[][];
  kind?: string;
  promote?: string;
  clientSide?: number;
}

function isStrings(x: unknown): x is string[] {
  return Array.isArray(x) && x.every((e) => typeof e === 'string');
}

/** Reads `{nodes, groups, kind}`, a bare node list, or a single node name out of a nemesis value. */
export function faultTargets(value: unknown): FaultTargets {
  if (typeof value === 'string') return { nodes: [value] };
  if (isStrings(value)) return { nodes: [...value].sort() };
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    const out: FaultTargets = { nodes: [] };
    if (isStrings(v['nodes'])) out.nodes = [...v['nodes']].sort();
    else if (typeof v['node'] === 'string') out.nodes = [v['node']];
    if (Array.isArray(v['groups']) && v['groups'].every(isStrings)) {
      out.groups = (v['groups'] as string[][]).map((g) => [...g]);
    }
    if (typeof v['kind'] === 'string') out.kind = v['kind'];
    if (typeof v['promote'] === 'string') out.promote = v['promote'];
    if (typeof v['clientSide'] === 'number' && out.groups && out.groups[v['clientSide']]) out.clientSide = v['clientSide'];
    if (out.nodes.length === 0 && out.groups) out.nodes = outsideMajority(out.groups);
    return out;
  }
  return { nodes: [] };
}

/**
 * Partition components → the nodes cut off from a majority: everyone outside the component holding
 * more than half of the nodes, or everyone when no component does.
 */
export function outsideMajority(groups: string[][]): string[] {
  const total = groups.reduce((n, g) => n + g.length, 0);
  const major = groups.find((g) => g.length * 2 > total);
  return groups
    .filter((g) => g !== major)
    .flat()
    .sort();
}

/** How an f opens or closes a fault. */
function classify(f: string): { open?: FaultFamily; close?: FaultFamily; closeF?: string } {
  switch (f) {
    case 'start-partition':
    case 'partition':
      return { open: 'partition' };
    case 'stop-partition':
    case 'heal':
      return { close: 'partition' };
    case 'kill':
    case 'crash':
      return { open: 'kill' };
    case 'start':
    case 'restart':
    case 'recover':
      return { close: 'kill' };
    case 'pause':
      return { open: 'pause' };
    case 'resume':
      return { close: 'pause' };
  }
  if (f.startsWith('start-')) return { open: 'other' };
  if (f.startsWith('stop-')) return { close: 'other', closeF: `start-${f.slice(5)}` };
  return {};
}

function targetsOf(inv: Op, comp: Op | undefined): FaultTargets {
  const fromComp = comp ? faultTargets(comp.value) : { nodes: [] };
  const fromInv = faultTargets(inv.value);
  // The completion may say what was actually done (Jepsen nemeses often do); prefer it.
  const t = fromComp.nodes.length > 0 ? fromComp : fromInv;
  return {
    nodes: t.nodes,
    ...((fromComp.groups ?? fromInv.groups) ? { groups: fromComp.groups ?? fromInv.groups } : {}),
    ...((fromComp.kind ?? fromInv.kind) ? { kind: fromComp.kind ?? fromInv.kind } : {}),
    ...((fromComp.promote ?? fromInv.promote) ? { promote: fromComp.promote ?? fromInv.promote } : {}),
    ...((fromComp.clientSide ?? fromInv.clientSide) !== undefined ? { clientSide: fromComp.clientSide ?? fromInv.clientSide } : {}),
  };
}

/**
 * Fault intervals from the nemesis ops, Jepsen-style (`invoke` then `info`/`ok` per nemesis op).
 * A closing op closes every open fault of its family whose nodes intersect its own (all of them when
 * it names no nodes); unknown fs are instant events. Sorted by start, ids in that order.
 */
export function faultIntervals(history: History): FaultInterval[] {
  const lastTime = history.length > 0 ? history[history.length - 1]!.time : 0;
  const out: FaultInterval[] = [];
  const open: FaultInterval[] = [];
  // Pending nemesis invokes by f: tolerates a nemesis with concurrent ops of different fs.
  const pending = new Map<string, number[]>();
  const nemesisOps: Array<[number, number]> = [];
  for (let i = 0; i < history.length; i++) {
    const op = history[i]!;
    if (op.process !== 'nemesis') continue;
    if (op.type === 'invoke') {
      const q = pending.get(op.f) ?? [];
      q.push(i);
      pending.set(op.f, q);
    } else {
      const q = pending.get(op.f);
      const inv = q && q.length > 0 ? q.shift()! : -1;
      // An orphan completion (no invoke logged) stands for both ends.
      nemesisOps.push(inv >= 0 ? [inv, i] : [i, i]);
    }
  }
  for (const q of pending.values()) for (const inv of q) nemesisOps.push([inv, -1]);
  nemesisOps.sort((a, b) => a[0] - b[0]);

  for (const [inv, comp] of nemesisOps) {
    const iop = history[inv]!;
    const cop = comp >= 0 ? history[comp] : undefined;
    const c = classify(iop.f);
    const targets = targetsOf(iop, cop);
    const startT = iop.time;
    const endT = cop ? cop.time : startT;
    if (c.open) {
      const fi: FaultInterval = {
        id: -1,
        family: c.open,
        f: iop.f,
        nodes: targets.nodes,
        ...(targets.groups ? { groups: targets.groups } : {}),
        ...(targets.kind ? { kind: targets.kind } : {}),
        ...(targets.promote ? { promote: targets.promote } : {}),
        ...(targets.clientSide !== undefined ? { clientSide: targets.clientSide } : {}),
        start: startT,
        effective: endT,
        stop: null,
        end: lastTime,
        startIndex: opIndex(history, inv),
        stopIndex: null,
        healed: false,
        instant: false,
      };
      out.push(fi);
      open.push(fi);
    } else if (c.close) {
      for (let k = 0; k < open.length; k++) {
        const fi = open[k]!;
        if (fi.family !== c.close) continue;
        if (c.closeF && fi.f !== c.closeF) continue;
        if (targets.nodes.length > 0 && fi.nodes.length > 0 && !fi.nodes.some((nd) => targets.nodes.includes(nd))) {
          continue;
        }
        fi.stop = startT;
        fi.end = Math.max(endT, fi.effective);
        fi.stopIndex = opIndex(history, comp >= 0 ? comp : inv);
        fi.healed = true;
        open.splice(k, 1);
        k--;
      }
    } else {
      out.push({
        id: -1,
        family: 'other',
        f: iop.f,
        nodes: targets.nodes,
        ...(targets.groups ? { groups: targets.groups } : {}),
        ...(targets.kind ? { kind: targets.kind } : {}),
        start: startT,
        effective: endT,
        stop: startT,
        end: endT,
        startIndex: opIndex(history, inv),
        stopIndex: opIndex(history, comp >= 0 ? comp : inv),
        healed: true,
        instant: true,
      });
    }
  }
  out.sort((a, b) => a.start - b.start || a.startIndex - b.startIndex);
  for (const [i, fi] of out.entries()) fi.id = i;
  return out;
}

/** Whether the fault concerns `node` (unknown node or unnamed targets: assume it does). */
export function affects(fault: FaultInterval, node: string | undefined): boolean {
  return node === undefined || fault.nodes.length === 0 || fault.nodes.includes(node);
}

/** What happened to a node, for sentences: "n3 was isolated". */
export function faultVerb(fault: FaultInterval, node: string | undefined): string {
  const who = node && fault.nodes.includes(node) ? node : fault.nodes.length > 0 ? fault.nodes.join(',') : 'the cluster';
  switch (fault.family) {
    case 'partition':
      return fault.nodes.length > 0 ? `${who} was isolated` : 'the network was partitioned';
    case 'kill':
      return `${who} was killed`;
    case 'pause':
      return `${who} was paused`;
    default:
      return fault.nodes.length > 0 ? `${fault.f} on ${who}` : fault.f;
  }
}

/** JSON-friendly summary of a fault for checker results. */
export function faultRef(f: FaultInterval): {
  id: number;
  f: string;
  family: FaultFamily;
  nodes: string[];
  startIndex: number;
  startS: number;
  stopIndex: number | null;
  endS: number | null;
} {
  return {
    id: f.id,
    f: f.f,
    family: f.family,
    nodes: f.nodes,
    startIndex: f.startIndex,
    startS: toS(f.start),
    stopIndex: f.stopIndex,
    endS: f.healed ? toS(f.end) : null,
  };
}
