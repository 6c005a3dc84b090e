import fs from 'node:fs';
import path from 'node:path';
import { fsyncDir, replaceFileDurably } from '../persistence/files.js';
import { CLUSTER_SLOTS } from './slot.js';

/**
 * nodes.conf in Redis's format: one CLUSTER NODES line per node (handshake nodes excluded), then
 * `vars currentEpoch N lastVoteEpoch M`. Parsed as Redis's clusterLoadConfig does (same checks,
 * same fatal error), written durably: temp file, fsync, rename, fsync of the directory.
 */

export interface ConfNode {
  id: string;
  ip: string;
  port: number;
  cport: number;
  hostname: string;
  /** Flag names as written (myself, master, slave, fail?, fail, handshake, noaddr, nofailover). */
  flags: string[];
  masterId: string | null;
  /** Nonzero in the file: Redis restores them as "now". */
  pingSent: boolean;
  pongReceived: boolean;
  configEpoch: bigint;
  /** Inclusive slot ranges. */
  slots: [number, number][];
  /** Open slots (written for myself only): slot → node id. */
  migrating: [number, string][];
  importing: [number, string][];
}

export interface NodesConf {
  nodes: ConfNode[];
  currentEpoch: bigint;
  lastVoteEpoch: bigint;
  /** `vars` this version does not know (Redis logs and skips them). */
  unknownVars: string[];
}

export class NodesConfError extends Error {}

const CORRUPTED = 'Unrecoverable error: corrupted cluster config file.';
const FLAGS = new Set(['myself', 'master', 'slave', 'fail?', 'fail', 'handshake', 'noaddr', 'nofailover', 'noflags']);

function isNodeId(s: string): boolean {
  return s.length === 40;
}

/** strtoull-like: leading digits, 0 when none. */
function u64(s: string): bigint {
  const m = /^\d+/.exec(s);
  return m ? BigInt(m[0]) : 0n;
}

/** atoi-like: optional sign and leading digits, 0 when none. */
function atoi(s: string): number {
  const m = /^\s*[+-]?\d+/.exec(s);
  return m ? Number(m[0]) : 0;
}

/** Parse the text of a nodes.conf. Throws NodesConfError with Redis's message when it is corrupted. */
export function parseNodesConf(text: string): NodesConf {
  const conf: NodesConf = { nodes: [], currentEpoch: 0n, lastVoteEpoch: 0n, unknownVars: [] };
  const fail = (): never => {
    throw new NodesConfError(CORRUPTED);
  };
  const byId = new Map<string, ConfNode>();
  let myself = false;
  for (const raw of text.split('\n')) {
    if (raw === '' || raw === '\r') continue;
    const argv = raw.trim().split(/\s+/).filter(Boolean);
    if (argv.length === 0) continue;
    if (argv[0]!.toLowerCase() === 'vars') {
      if (argv.length % 2 === 0) fail();
      for (let j = 1; j < argv.length; j += 2) {
        const name = argv[j]!.toLowerCase();
        if (name === 'currentepoch') conf.currentEpoch = u64(argv[j + 1]!);
        else if (name === 'lastvoteepoch') conf.lastVoteEpoch = u64(argv[j + 1]!);
        else conf.unknownVars.push(argv[j]!);
      }
      continue;
    }
    if (argv.length < 8) fail();
    const [id, addr, flagText, master, ping, pong, epoch] = argv as [string, string, string, string, string, string, string];
    if (!isNodeId(id)) fail();
    let address = addr;
    let hostname = '';
    const comma = address.indexOf(',');
    if (comma >= 0) {
      hostname = address.slice(comma + 1);
      address = address.slice(0, comma);
    }
    const colon = address.lastIndexOf(':');
    if (colon < 0) fail();
    const ip = address.slice(0, colon);
    const ports = address.slice(colon + 1);
    const at = ports.indexOf('@');
    const port = atoi(at >= 0 ? ports.slice(0, at) : ports);
    const cport = at >= 0 ? atoi(ports.slice(at + 1)) : port + 10000;
    const flags = flagText.split(',');
    for (const f of flags) {
      if (!FLAGS.has(f.toLowerCase())) throw new NodesConfError('Unknown flag in redis cluster config file');
      if (f.toLowerCase() === 'myself') {
        if (myself) fail();
        myself = true;
      }
    }
    let masterId: string | null = null;
    if (master[0] !== '-') {
      if (!isNodeId(master)) fail();
      masterId = master;
    }
    const node: ConfNode = {
      id,
      ip,
      port,
      cport,
      hostname,
      flags: flags.map((f) => f.toLowerCase()).filter((f) => f !== 'noflags'),
      masterId,
      pingSent: atoi(ping) !== 0,
      pongReceived: atoi(pong) !== 0,
      configEpoch: u64(epoch),
      slots: [],
      migrating: [],
      importing: [],
    };
    // argv[7] is the link state, not stored.
    for (let j = 8; j < argv.length; j++) {
      const a = argv[j]!;
      if (a.startsWith('[')) {
        const dash = a.indexOf('-');
        if (dash < 0) fail();
        const slot = atoi(a.slice(1, dash));
        const direction = a[dash + 1];
        if (slot < 0 || slot >= CLUSTER_SLOTS) fail();
        const close = a.indexOf(']', dash + 3);
        const other = close < 0 ? '' : a.slice(dash + 3, close);
        if (!isNodeId(other)) fail();
        if (direction === '>') node.migrating.push([slot, other]);
        else node.importing.push([slot, other]);
        continue;
      }
      const dash = a.indexOf('-');
      const start = atoi(dash >= 0 ? a.slice(0, dash) : a);
      const stop = dash >= 0 ? atoi(a.slice(dash + 1)) : start;
      if (start < 0 || start >= CLUSTER_SLOTS || stop < 0 || stop >= CLUSTER_SLOTS) fail();
      if (start <= stop) node.slots.push([start, stop]);
    }
    // A node described twice: the last line wins.
    const prev = byId.get(id);
    if (prev !== undefined) conf.nodes.splice(conf.nodes.indexOf(prev), 1);
    byId.set(id, node);
    conf.nodes.push(node);
  }
  if (!myself) fail();
  return conf;
}

/**
 * Read nodes.conf: null when it does not exist or is empty (a fresh node), the parsed content
 * otherwise. Unreadable or corrupted files throw (Redis exits).
 */
export function readNodesConf(file: string): NodesConf | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'latin1');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new NodesConfError(`Loading the cluster node config from ${file}: ${(e as Error).message}`);
  }
  if (text.length === 0) return null;
  return parseNodesConf(text);
}

/** Replace nodes.conf with `content` durably (temp + fsync + rename + fsync of the directory). */
export function writeNodesConf(file: string, content: string): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.tmp-${process.pid}`);
  replaceFileDurably(tmp, file, Buffer.from(content, 'latin1'));
  fsyncDir(path.dirname(file));
}
