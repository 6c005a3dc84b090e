import { blockGeneric, resume, unblock } from '../blocking.js';
import type { Client } from '../client.js';
import { parseLL } from '../util/numbers.js';
import type { ReplState } from './state.js';
import { feedCommand } from './stream.js';

export const WAIT_ON_REPLICA =
  'WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated.';

/** Online replicas whose acknowledged offset reached `offset`. */
export function countAcks(rs: ReplState, offset: number): number {
  let n = 0;
  // debug-wait-lie-ms (hidden, 0 = off): a deliberately broken WAIT for the harness's direct WAIT check.
  const lie = rs.server.config.debugWaitLieMs > 0;
  for (const l of rs.replicas) if (l.state === 'online' && (lie || l.ackOff >= offset)) n++;
  return n;
}

export function waitCommand(c: Client, argv: string[]): void {
  const rs = c.server.repl;
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
  state.waitOffset = offset;
  state.waitReplicas = numreplicas;
  rs.waiting.unshift(c);
  requestAck(rs);
}

function removeWaiting(rs: ReplState, c: Client): void {
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
    if (p.active && p.until > Date.now()) return; // sent after the pause, as Redis
    feedCommand(rs, rs.seldb, ['REPLCONF', 'GETACK', '*']);
  });
}

/** Unblock every WAIT that is now satisfied (Redis's processClientsWaitingReplicas). */
export function processWaitingClients(rs: ReplState): void {
  let lastOffset = 0;
  let lastNum = 0;
  for (const c of [...rs.waiting]) {
    const st = c.blocked;
    if (st?.kind !== 'wait') {
      // Unblocked elsewhere (CLIENT UNBLOCK, closed).
      removeWaiting(rs, c);
      continue;
    }
    const offset = st.waitOffset!;
    const numreplicas = st.waitReplicas!;
    let reply = -1;
    if (lastOffset && lastOffset >= offset && lastNum >= numreplicas) {
      reply = lastNum;
    } else {
      const n = countAcks(rs, offset);
      if (n >= numreplicas) {
        lastOffset = offset;
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
  removeWaiting(rs, c);
}
