import type { Client } from './client.js';
import { serverPanic } from './panic.js';

/**
 * Redis's afterErrorReply for replication peers: an error sent to our master (the command from its
 * stream failed here) or to a replica is logged as CRITICAL and counted (unexpected_error_replies);
 * propagation-error-behavior `panic` / `panic-on-replicas` makes a read-only replica panic (data
 * would silently diverge otherwise), `panic` also the AOF being loaded.
 */
export function afterPeerErrorReply(c: Client, msg: string): void {
  const server = c.server;
  const aof = c.aofLoader;
  const [from, to] = aof ? ['server', 'AOF-loading-client'] : c.isMaster ? ['replica', 'master'] : ['master', 'replica'];
  const cmd = c.lastCmd === 'NULL' ? '<unknown>' : c.lastCmd;
  server.log.warning(`== CRITICAL == This ${from} is sending an error to its ${to}: '${msg.slice(0, 4096)}' after processing the command '${cmd}'`);
  server.stats.unexpectedErrorReplies++;
  const behavior = server.config.propagationErrorBehavior;
  const panicInReplica = c.isMaster && server.config.replicaReadOnly && behavior !== 'ignore';
  const panicInAof = aof && behavior === 'panic';
  if (panicInReplica || panicInAof) serverPanic(server, `This ${from} panicked sending an error to its ${to} after processing the command '${cmd}'`);
}
