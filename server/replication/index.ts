import type { Server } from '../server.js';
import { updateFailoverStatus } from './failover.js';
import { infoReplication } from './info.js';
import { masterCron, replicaClosed } from './master.js';
import { checkCommand, refreshGoodReplicas } from './min-replicas.js';
import { masterClientClosed, replicaCron } from './replica.js';
import { feedOps } from './stream.js';
import { waitClientClosed } from './wait.js';

/** Attach replication to a server: propagation sink, command checks, cron, INFO, startup replicaof. */
export function installReplication(server: Server): void {
  const rs = server.repl;
  server.sinks.push({ feed: (ops) => feedOps(rs, ops) });
  const h = server.hooks;
  h.replication.push((c, spec, argv) => checkCommand(rs, c, spec, argv));

  // WAIT's reference point: the replication offset after each of the client's commands (Redis's c->woff).
  h.afterCommand.push((c) => {
    c.woff = rs.masterReplOffset;
  });

  h.clientClosed.push((c) => {
    if (c.isReplica) replicaClosed(rs, c);
    if (c.isMaster) masterClientClosed(rs, c);
    if (rs.waiting.length) waitClientClosed(rs, c);
  });

  // Replication's own cron runs once per second, as Redis's replicationCron; failover is checked every tick.
  let lastRun = 0;
  let loops = 0;
  h.cron.push((now) => {
    updateFailoverStatus(rs);
    if (now - lastRun < 1000) return;
    lastRun = now;
    replicaCron(rs);
    masterCron(rs, loops++);
    refreshGoodReplicas(rs);
  });

  // Redis's apply functions: resize the backlog, recount the good replicas (updateGoodSlaves).
  const store = server.configStore;
  store.onApply('repl-backlog-size', () => {
    // Redis's resizeReplicationBacklog: at least 16kb (what CONFIG GET then shows).
    if (server.config.replBacklogSize < 16 * 1024) store.set('repl-backlog-size', String(16 * 1024));
    rs.backlog?.resize(rs.backlogSize());
  });
  const recount = (): void => refreshGoodReplicas(rs);
  store.onApply('min-replicas-to-write', recount);
  store.onApply('min-replicas-max-lag', recount);
  store.onApply('debug-min-replicas-extra-lag', recount);

  server.infoSections.set('replication', () => infoReplication(rs));

  // `replicaof host port` in the config: connect from the first cron, as Redis does.
  const ro = server.config.replicaof;
  if (ro !== null) {
    rs.masterHost = ro.host;
    rs.masterPort = ro.port;
    rs.linkState = 'connect';
    server.role = 'slave';
    server.log.role = 'S';
  }
}
