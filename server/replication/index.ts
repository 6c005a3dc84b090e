import type { Server } from '../server.js';
import { updateFailoverStatus } from './failover.js';
import { infoReplication } from './info.js';
import { feedOps, masterCron, replicaClosed } from './master.js';
import { checkCommand, minReplicasConfigChanged, refreshGoodReplicas } from './min-replicas.js';
import { masterClientClosed, replicaCron } from './replica.js';
import { repl } from './state.js';
import { waitClientClosed } from './wait.js';

/** Attach replication to a server: propagation sink, command checks, cron, INFO, startup replicaof. */
export function installReplication(server: Server): void {
  const rs = repl(server);
  server.sinks.push({ feed: (ops) => feedOps(rs, ops) });

  const h = server.hooks;
  const prevCheck = h.checkCommand;
  h.checkCommand = (c, spec, argv) => prevCheck?.(c, spec, argv) ?? checkCommand(rs, c, spec, argv);

  // WAIT's reference point: the replication offset after each of the client's commands (Redis's c->woff).
  const prevAfter = h.afterCommand;
  h.afterCommand = (c, spec, argv) => {
    c.woff = rs.masterReplOffset;
    prevAfter?.(c, spec, argv);
  };

  const prevClosed = h.onClientClosed;
  h.onClientClosed = (c) => {
    if (c.isReplica) replicaClosed(rs, c);
    if (c.isMaster) masterClientClosed(rs, c);
    if (c.blocked?.kind === 'wait' || rs.waiting.length) waitClientClosed(rs, c);
    prevClosed?.(c);
  };

  // Replication's own cron runs once per second, as Redis's replicationCron; failover is checked every tick.
  let lastRun = 0;
  let loops = 0;
  const prevCron = h.cron;
  h.cron = (now, tick) => {
    prevCron?.(now, tick);
    updateFailoverStatus(rs);
    if (now - lastRun < 1000) return;
    lastRun = now;
    replicaCron(rs);
    masterCron(rs, loops++);
    refreshGoodReplicas(rs);
  };

  server.config.onChange('repl-backlog-size', () => rs.backlog?.resize(rs.backlogSize()));
  minReplicasConfigChanged(rs);
  server.config.onChange('min-replicas-to-write', () => minReplicasConfigChanged(rs));
  server.config.onChange('min-replicas-max-lag', () => minReplicasConfigChanged(rs));
  server.config.onChange('debug-min-replicas-extra-lag', () => minReplicasConfigChanged(rs));

  server.infoSections.set('replication', () => infoReplication(rs));

  // `replicaof host port` in the config: connect from the first cron, as Redis does.
  const ro = server.config.get('replicaof');
  if (ro !== '') {
    const [host, port] = ro.split(' ');
    rs.masterHost = host!;
    rs.masterPort = Number(port);
    rs.linkState = 'connect';
    server.role = 'slave';
    server.log.role = 'S';
  }
}
