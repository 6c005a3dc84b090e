import { blockGeneric, resume, unblock } from '../blocking.js';
import type { BlockedState, Client } from '../client.js';
import { parseLL } from '../util/numbers.js';
import { feedCommand } from './master.js';
import { type ReplState, repl } from './state.js';

/** WAIT numreplicas timeout, as Redis 7.0's waitCommand. */
interface WaitTarget {
  state: BlockedState;
  offset: number;
  numreplicas: number;
}
const targets = new WeakMap<Client, WaitTarget>();

export const WAIT_ON_REPLICA =
  'WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated.';

/** Online replicas whose acknowledged offset reached `offset`. */
export function countAcks(rs: ReplState, offset: number): number {
  let n = 0;
  for (const l of rs.replicas) if (l.state === 'online' && l.ackOff >= offset) n++;
  return n;
}

export function waitCommand(c: Client, argv: string[]): void {
  const rs = repl(c.server);
  if (rs.isReplica) {
    c.addReplyError(WAIT_ON_REPLICA);
    return;
  }
  const numreplicas = parseLL(argv[1]!);
  if (numreplicas === null) {
    c.addReplyError('value is not an integer or out of range');
    return;
  }
  const timeout = parseLL(argv[2]!);
  if (timeout === null) {
    c.addReplyError('timeout is not an integer or out of range');
    return;
  }
  if (timeout < 0) {
    c.addReplyError('timeout is negative');
    return;
  }
  const offset = c.woff;
  const acks = countAcks(rs, offset);
  // Inside MULTI (EXEC runs queued commands as nested calls) WAIT never blocks.
  if (acks >= numreplicas || c.multi !== null || c.server.callDepth > 1) {
    c.addReplyInt(acks);
    return;
  }
  const state = blockGeneric(c, 'wait', timeout, () => {
    removeWaiting(rs, c);
    c.addReplyInt(countAcks(rs, offset));
  });
  targets.set(c, { state, offset, numreplicas });
  rs.waiting.unshift(c);
  requestAck(rs);
}

function removeWaiting(rs: ReplState, c: Client): void {
  targets.delete(c);
  const i = rs.waiting.indexOf(c);
  if (i >= 0) rs.waiting.splice(i, 1);
}

/** One REPLCONF GETACK * per event-loop turn, whatever the number of WAITing clients. */
export function requestAck(rs: ReplState): void {
  if (rs.getAckScheduled) return;
  rs.getAckScheduled = true;
  setImmediate(() => {
    rs.getAckScheduled = false;
    const p = rs.server.pause;
    if (p && p.until > Date.now()) return; // sent after the pause, as Redis
    feedCommand(rs, rs.seldb, ['REPLCONF', 'GETACK', '*']);
  });
}

/** Unblock every WAIT that is now satisfied (Redis's processClientsWaitingReplicas). */
export function processWaitingClients(rs: ReplState): void {
  let lastOffset = 0;
  let lastNum = 0;
  for (const c of [...rs.waiting]) {
    const t = targets.get(c);
    if (!t || c.blocked !== t.state) {
      // Unblocked elsewhere (CLIENT UNBLOCK, closed).
      removeWaiting(rs, c);
      continue;
    }
    let reply = -1;
    if (lastOffset && lastOffset >= t.offset && lastNum >= t.numreplicas) {
      reply = lastNum;
    } else {
      const n = countAcks(rs, t.offset);
      if (n >= t.numreplicas) {
        lastOffset = t.offset;
        lastNum = n;
        reply = n;
      }
    }
    if (reply < 0) continue;
    removeWaiting(rs, c);
    unblock(c);
    c.addReplyInt(reply);
    resume(c);
  }
}

/** A WAITing client went away. */
export function waitClientClosed(rs: ReplState, c: Client): void {
  if (targets.has(c)) removeWaiting(rs, c);
}
