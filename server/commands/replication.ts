import type { Client } from '../client.js';
import { failoverCommand } from '../replication/failover.js';
import { roleCommand } from '../replication/info.js';
import { ackReceived, syncCommand } from '../replication/master.js';
import { setMaster, unsetMaster } from '../replication/replica.js';
import { waitCommand } from '../replication/wait.js';
import { parseLL } from '../util/numbers.js';
import { type CommandSpec, cmd } from './table.js';

function replicaof(c: Client, argv: string[]): void {
  const server = c.server;
  const rs = server.repl;
  if (server.config.clusterEnabled) {
    c.addReplyError('REPLICAOF not allowed in cluster mode.');
    return;
  }
  if (rs.failover.state !== 'no-failover') {
    c.addReplyError('REPLICAOF not allowed while failing over.');
    return;
  }
  if (argv[1]!.toLowerCase() === 'no' && argv[2]!.toLowerCase() === 'one') {
    if (rs.isReplica) {
      unsetMaster(rs);
      server.log.notice(`MASTER MODE enabled (user request from 'id=${c.id} addr=${c.addr} laddr=${c.laddr} fd=${c.fd} name=${c.name}')`);
    }
    c.addReplyOk();
    return;
  }
  if (c.isReplica) {
    c.addReplyError('Command is not valid when client is a replica.');
    return;
  }
  const port = parseLL(argv[2]!);
  if (port === null || port < 0 || port > 65535) {
    c.addReplyError('Invalid master port');
    return;
  }
  if (rs.isReplica && rs.masterHost!.toLowerCase() === argv[1]!.toLowerCase() && rs.masterPort === port) {
    server.log.notice('REPLICAOF would result into synchronization with the master we are already connected with. No operation performed.');
    c.addReplyRaw('+OK Already connected to specified master\r\n');
    return;
  }
  setMaster(rs, argv[1]!, port);
  server.log.notice(`REPLICAOF ${argv[1]}:${port} enabled (user request from 'id=${c.id} addr=${c.addr} laddr=${c.laddr} fd=${c.fd} name=${c.name}')`);
  c.addReplyOk();
}

function replconf(c: Client, argv: string[]): void {
  const rs = c.server.repl;
  if (argv.length % 2 === 0) {
    c.addReplyError('syntax error');
    return;
  }
  const conf = rs.replicaConf.get(c) ?? { listeningPort: 0, ipAddress: null, capaEof: false, capaPsync2: false };
  rs.replicaConf.set(c, conf);
  for (let j = 1; j < argv.length; j += 2) {
    const opt = argv[j]!.toLowerCase();
    const val = argv[j + 1]!;
    if (opt === 'listening-port') {
      const p = parseLL(val);
      if (p === null) {
        c.addReplyError('value is not an integer or out of range');
        return;
      }
      conf.listeningPort = p;
    } else if (opt === 'ip-address') {
      if (val.length >= 46) {
        c.addReplyError(`REPLCONF ip-address provided by replica instance is too long: ${val.length} bytes`);
        return;
      }
      conf.ipAddress = val;
    } else if (opt === 'capa') {
      const v = val.toLowerCase();
      if (v === 'eof') conf.capaEof = true;
      else if (v === 'psync2') conf.capaPsync2 = true;
    } else if (opt === 'ack') {
      // Internal: never replied to.
      if (!c.isReplica) return;
      const off = parseLL(val);
      if (off === null) return;
      ackReceived(rs, c, off);
      return;
    } else if (opt === 'getack') {
      if (rs.isReplica && rs.link?.client) rs.link.sendAck();
      return;
    } else if (opt === 'rdb-only') {
      const v = parseLL(val);
      if (v === null || v < 0 || v > 1) {
        c.addReplyError(v === null ? 'value is not an integer or out of range' : 'value is out of range');
        return;
      }
    } else if (opt === 'rdb-filter-only') {
      for (const f of val.split(/\s+/).filter(Boolean)) {
        if (f.toLowerCase() !== 'functions') {
          c.addReplyError(`Unsupported rdb-filter-only option: ${f}`);
          return;
        }
      }
    } else {
      c.addReplyError(`Unrecognized REPLCONF option: ${argv[j]}`);
      return;
    }
  }
  c.addReplyOk();
}

export const replicationCommands: CommandSpec[] = [
  cmd(
    'replicaof',
    3,
    ['admin', 'noscript', 'stale'],
    [0, 0, 0],
    'server',
    'Make the server a replica of another instance, or promote it as master.',
    replicaof,
    {
      since: '5.0.0',
      hint: 'host port',
      acl: ['admin', 'slow', 'dangerous'],
    },
  ),
  cmd('slaveof', 3, ['admin', 'noscript', 'stale'], [0, 0, 0], 'server', 'Make the server a replica of another instance, or promote it as master.', replicaof, {
    since: '1.0.0',
    hint: 'host port',
    acl: ['admin', 'slow', 'dangerous'],
  }),
  cmd(
    'replconf',
    -1,
    ['admin', 'noscript', 'loading', 'stale', 'allow_busy'],
    [0, 0, 0],
    'server',
    'An internal command for configuring the replication stream',
    replconf,
    {
      since: '3.0.0',
      acl: ['admin', 'slow', 'dangerous'],
    },
  ),
  cmd('psync', -3, ['admin', 'noscript', 'no_multi'], [0, 0, 0], 'server', 'Internal command used for replication', syncCommand, {
    since: '2.8.0',
    hint: 'replicationid offset',
    acl: ['admin', 'slow', 'dangerous'],
  }),
  cmd('sync', 1, ['admin', 'noscript', 'no_multi'], [0, 0, 0], 'server', 'Internal command used for replication', syncCommand, {
    since: '1.0.0',
    acl: ['admin', 'slow', 'dangerous'],
  }),
  cmd(
    'wait',
    3,
    ['noscript'],
    [0, 0, 0],
    'generic',
    'Wait for the synchronous replication of all the write commands sent in the context of the current connection',
    waitCommand,
    {
      since: '3.0.0',
      hint: 'numreplicas timeout',
      acl: ['slow', 'connection'],
    },
  ),
  cmd('role', 1, ['noscript', 'loading', 'stale', 'fast'], [0, 0, 0], 'server', 'Return the role of the instance in the context of replication', roleCommand, {
    since: '2.8.12',
    acl: ['admin', 'fast', 'dangerous'],
  }),
  cmd(
    'failover',
    -1,
    ['admin', 'noscript', 'stale'],
    [0, 0, 0],
    'server',
    'Start a coordinated failover between this server and one of its replicas.',
    failoverCommand,
    {
      since: '6.2.0',
      hint: '[TO host port [FORCE]] [ABORT] [TIMEOUT milliseconds]',
      acl: ['admin', 'slow', 'dangerous'],
    },
  ),
];
