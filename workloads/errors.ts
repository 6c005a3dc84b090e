import type { Completion } from './workload.js';

/**
 * Map a client error to Jepsen semantics (design map): `fail` when the op certainly did not take
 * effect (refused by the server, or never sent), `info` when it may have (timeout, connection lost
 * after sending).
 */
export function classifyError(err: unknown): Completion {
  const e = err as { message?: string; name?: string; code?: string; command?: unknown };
  const msg = String(e?.message ?? err);
  const code = msg.split(' ')[0] ?? '';
  // Server refusals: the command was not executed.
  const refusals = [
    'NOREPLICAS',
    'READONLY',
    'CLUSTERDOWN',
    'CROSSSLOT',
    'MASTERDOWN',
    'LOADING',
    'OOM',
    'NOAUTH',
    'WRONGTYPE',
    'EXECABORT',
    'BUSY',
    'TRYAGAIN',
    'MOVED',
    'ASK',
    'ERR',
    'NOSCRIPT',
    'MISCONF',
    'UNBLOCKED',
  ];
  if (e?.name === 'ReplyError' && refusals.includes(code)) return { type: 'fail', value: null, error: msg };
  // Never sent: no connection (refused, or the offline queue is off and the socket is down).
  // "Connection is closed." is NOT here: ioredis also raises it for commands in flight when the
  // socket dies, and calling a maybe-applied write `fail` would invent anomalies. Unsure → info.
  if (/ECONNREFUSED|enableOfflineQueue|Stream isn't writeable|None of startup nodes is available/.test(msg)) {
    return { type: 'fail', value: null, error: msg };
  }
  // Sent, outcome unknown.
  return { type: 'info', value: null, error: /timed out/i.test(msg) ? 'timeout' : msg };
}

/**
 * The completion of an op whose invocation threw. A read that failed or timed out changed nothing
 * (Jepsen records such reads as `fail`, value null); any other op keeps its value, `fail` when it
 * certainly did not take effect and `info` when it may have.
 */
export function completionOfError(op: { f: string; value: unknown }, err: unknown): Completion {
  const c = classifyError(err);
  return op.f === 'read' ? { ...c, type: 'fail', value: null } : { ...c, value: op.value };
}
