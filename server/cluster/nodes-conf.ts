import { CLUSTER_PORT_INCR, CLUSTER_SLOTS, NodeFlag } from './constants.js';
import type { NodeView } from './types.js';

/**
 * nodes.conf as data: Redis writes CLUSTER NODES' lines (clusterGenNodesDescription, without nodes in
 * handshake) followed by `vars currentEpoch N lastVoteEpoch M`, and reads them back with
 * clusterLoadConfig. The shell owns the file (atomic rewrite, lock); this module owns the format.
 *
 *   <id> <ip>:<port>@<cport>[,<hostname>] <flags> <master|-> <ping-sent> <pong-recv> <config-epoch>
 *        <connected|disconnected> [<slot>|<start>-<end>]... [[<slot>->-<id>]|[<slot>-<-<id>]]...
 */

const FLAG_NAMES: Array<[number, string]> = [
  [NodeFlag.MYSELF, 'myself'],
  [NodeFlag.MASTER, 'master'],
  [NodeFlag.SLAVE, 'slave'],
  [NodeFlag.PFAIL, 'fail?'],
  [NodeFlag.FAIL, 'fail'],
  [NodeFlag.HANDSHAKE, 'handshake'],
  [NodeFlag.NOADDR, 'noaddr'],
  [NodeFlag.NOFAILOVER, 'nofailover'],
];

/** representClusterNodeFlags: "myself,master", or "noflags". */
export function renderFlags(flags: number): string {
  const names: string[] = [];
  for (const [bit, name] of FLAG_NAMES) if ((flags & bit) !== 0) names.push(name);
  return names.length > 0 ? names.join(',') : 'noflags';
}

/** A slot-indexed table of nodes. */
interface SlotLookup {
  get(slot: number): NodeView | null;
  forEach?(f: (slot: number, node: NodeView) => void): void;
}

/** What rendering needs from the cluster state (the brain provides it). */
export interface NodesTable {
  readonly nodes: Iterable<NodeView>;
  readonly slotTable: SlotLookup;
  readonly migrating: SlotLookup;
  readonly importing: SlotLookup;
  /** False when both tables are known to be empty. */
  readonly openSlots?: boolean;
  /** The " 0-5460 7000" part of a node's line, when the caller keeps it cached. */
  rangesOf?(node: NodeView): string;
  /** Show each node's plain-text port (pport) where it has one: a plain-text client of a TLS cluster. */
  readonly usePport?: boolean;
}

/** The slot ranges of a bitmap as nodes.conf writes them (" start-end" or " slot" each). */
export function renderRanges(bitmap: Uint8Array): string {
  let out = '';
  let start = -1;
  for (let j = 0; j <= CLUSTER_SLOTS; j++) {
    const bit = j < CLUSTER_SLOTS && (bitmap[j >> 3]! & (1 << (j & 7))) !== 0;
    if (bit) {
      if (start < 0) start = j;
    } else if (start >= 0) {
      out += start === j - 1 ? ` ${start}` : ` ${start}-${j - 1}`;
      start = -1;
    }
  }
  return out;
}

function slotRangesByOwner(t: NodesTable): Map<NodeView, string> {
  const out = new Map<NodeView, string>();
  let n: NodeView | null = null;
  let start = 0;
  const table = t.slotTable;
  for (let i = 0; i <= CLUSTER_SLOTS; i++) {
    const owner = i < CLUSTER_SLOTS ? table.get(i) : null;
    if (owner === n && i < CLUSTER_SLOTS) continue;
    if (n !== null) out.set(n, (out.get(n) ?? '') + (start === i - 1 ? ` ${start}` : ` ${start}-${i - 1}`));
    n = owner;
    start = i;
  }
  return out;
}

/** clusterGenNodeDescription for one node; `ranges` from the slot table. */
function describeNode(t: NodesTable, node: NodeView, ranges: string | undefined): string {
  const port = t.usePport && node.pport ? node.pport : node.port;
  const addr = node.hostname !== '' ? `${node.ip}:${port}@${node.cport},${node.hostname}` : `${node.ip}:${port}@${node.cport}`;
  const master = node.master !== null ? node.master.name : '-';
  const epoch = (node.flags & NodeFlag.SLAVE) !== 0 && node.master !== null ? node.master.configEpoch : node.configEpoch;
  const link = node.link !== null || (node.flags & NodeFlag.MYSELF) !== 0 ? 'connected' : 'disconnected';
  let s = `${node.name} ${addr} ${renderFlags(node.flags)} ${master} ${node.pingSent} ${node.pongReceived} ${epoch} ${link}`;
  if (ranges !== undefined) s += ranges;
  if ((node.flags & NodeFlag.MYSELF) !== 0 && t.openSlots !== false) {
    // In slot order; a slot both migrating and importing shows as migrating (as Redis).
    const open = new Map<number, string>();
    const { migrating, importing } = t;
    if (migrating.forEach && importing.forEach) {
      importing.forEach((j, from) => {
        open.set(j, ` [${j}-<-${from.name}]`);
      });
      migrating.forEach((j, to) => {
        open.set(j, ` [${j}->-${to.name}]`);
      });
    } else {
      for (let j = 0; j < CLUSTER_SLOTS; j++) {
        const to = migrating.get(j);
        const from = importing.get(j);
        if (to) open.set(j, ` [${j}->-${to.name}]`);
        else if (from) open.set(j, ` [${j}-<-${from.name}]`);
      }
    }
    for (const j of [...open.keys()].sort((a, b) => a - b)) s += open.get(j)!;
  }
  return s;
}

/** clusterGenNodesDescription: one line per node not matching `filter` (NodeFlag bits), each ending in "\n". */
export function renderNodes(t: NodesTable, filter = 0): string {
  const ranges = t.rangesOf ? null : slotRangesByOwner(t);
  let out = '';
  for (const node of t.nodes) {
    if ((node.flags & filter) !== 0) continue;
    out += `${describeNode(t, node, ranges ? ranges.get(node) : node.numSlots > 0 ? t.rangesOf!(node) : undefined)}\n`;
  }
  return out;
}

/** The nodes.conf content: the nodes (handshake ones excluded) and the vars line. */
export function renderNodesConf(t: NodesTable, currentEpoch: number, lastVoteEpoch: number): string {
  return `${renderNodes(t, NodeFlag.HANDSHAKE)}vars currentEpoch ${currentEpoch} lastVoteEpoch ${lastVoteEpoch}\n`;
}

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

export interface ConfNode {
  name: string;
  ip: string;
  port: number;
  cport: number;
  /** '' when the address has no ",hostname" part. */
  hostname: string;
  flags: number;
  /** The master's id, null for "-". */
  master: string | null;
  /** The ping-sent / pong-recv fields were non-zero (Redis then sets them to the load time). */
  pingSent: boolean;
  pongReceived: boolean;
  configEpoch: number;
  /** Slot ranges, inclusive, as written (Redis ignores an inverted range). */
  slots: Array<[number, number]>;
  migrating: Array<[number, string]>;
  importing: Array<[number, string]>;
}

export interface NodesConf {
  nodes: ConfNode[];
  currentEpoch: number;
  lastVoteEpoch: number;
  /** "Skipping unknown cluster config variable '…'" lines. */
  warnings: string[];
}

export type ParseResult = { ok: true; conf: NodesConf } | { ok: false; error: string };

const CORRUPT = 'Unrecoverable error: corrupted cluster config file.';

/** verifyClusterNodeId: 40 characters of [a-z0-9]. */
export function isValidNodeId(s: string): boolean {
  if (s.length !== 40) return false;
  for (let i = 0; i < 40; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57))) return false;
  }
  return true;
}

/** atoi / strtoull: the leading integer of a string, 0 when there is none. */
function leadingInt(s: string): number {
  const m = /^\s*([+-]?\d+)/.exec(s);
  return m ? Number(m[1]) : 0;
}

function parseFlags(s: string): number | null {
  let flags = 0;
  for (const f of s.split(',')) {
    const lower = f.toLowerCase();
    if (lower === 'noflags') continue;
    const hit = FLAG_NAMES.find(([, name]) => name === lower);
    if (!hit) return null;
    flags |= hit[0];
  }
  return flags;
}

/** clusterLoadConfig's parser. Errors carry Redis's fatal message. */
export function parseNodesConf(text: string): ParseResult {
  const conf: NodesConf = { nodes: [], currentEpoch: 0, lastVoteEpoch: 0, warnings: [] };
  let myself = 0;
  for (const line of text.split('\n')) {
    const argv = line.split(/[ \t\r]+/).filter((a) => a !== '');
    if (argv.length === 0) continue;
    if (argv[0]!.toLowerCase() === 'vars') {
      if (argv.length % 2 === 0) return { ok: false, error: CORRUPT };
      for (let j = 1; j < argv.length; j += 2) {
        const key = argv[j]!.toLowerCase();
        if (key === 'currentepoch') conf.currentEpoch = leadingInt(argv[j + 1]!);
        else if (key === 'lastvoteepoch') conf.lastVoteEpoch = leadingInt(argv[j + 1]!);
        else conf.warnings.push(`Skipping unknown cluster config variable '${argv[j]}'`);
      }
      continue;
    }
    if (argv.length < 8 || !isValidNodeId(argv[0]!)) return { ok: false, error: CORRUPT };
    let addr = argv[1]!;
    let hostname = '';
    const comma = addr.indexOf(',');
    if (comma >= 0) {
      hostname = addr.slice(comma + 1);
      addr = addr.slice(0, comma);
    }
    const colon = addr.lastIndexOf(':');
    if (colon < 0) return { ok: false, error: CORRUPT };
    const portPart = addr.slice(colon + 1);
    const at = portPart.indexOf('@');
    const port = leadingInt(at >= 0 ? portPart.slice(0, at) : portPart);
    const flags = parseFlags(argv[2]!);
    if (flags === null) return { ok: false, error: 'Unknown flag in redis cluster config file' };
    if ((flags & NodeFlag.MYSELF) !== 0 && ++myself > 1) return { ok: false, error: CORRUPT };
    let master: string | null = null;
    if (argv[3]![0] !== '-') {
      if (!isValidNodeId(argv[3]!)) return { ok: false, error: CORRUPT };
      master = argv[3]!;
    }
    const node: ConfNode = {
      name: argv[0]!,
      ip: addr.slice(0, colon),
      port,
      cport: at >= 0 ? leadingInt(portPart.slice(at + 1)) : port + CLUSTER_PORT_INCR,
      hostname,
      flags,
      master,
      pingSent: leadingInt(argv[4]!) !== 0,
      pongReceived: leadingInt(argv[5]!) !== 0,
      configEpoch: leadingInt(argv[6]!),
      slots: [],
      migrating: [],
      importing: [],
    };
    for (let j = 8; j < argv.length; j++) {
      const a = argv[j]!;
      if (a[0] === '[') {
        const m = /^\[(-?\d+)-([<>])-([^\]]*)\]/.exec(a);
        if (!m) return { ok: false, error: CORRUPT };
        const slot = Number(m[1]);
        if (slot < 0 || slot >= CLUSTER_SLOTS || !isValidNodeId(m[3]!)) return { ok: false, error: CORRUPT };
        (m[2] === '>' ? node.migrating : node.importing).push([slot, m[3]!]);
        continue;
      }
      const dash = a.indexOf('-');
      const start = leadingInt(dash >= 0 ? a.slice(0, dash) : a);
      const stop = dash >= 0 ? leadingInt(a.slice(dash + 1)) : start;
      if (start < 0 || start >= CLUSTER_SLOTS || stop < 0 || stop >= CLUSTER_SLOTS) return { ok: false, error: CORRUPT };
      node.slots.push([start, stop]);
    }
    conf.nodes.push(node);
  }
  if (myself === 0) return { ok: false, error: CORRUPT };
  return { ok: true, conf };
}
