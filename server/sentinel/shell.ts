import fs from 'node:fs';
import type net from 'node:net';
import { connectOut } from '../replication/routes.js';
import type { Server } from '../server.js';
import type { SentinelBrain } from './brain.js';
import { overwriteFileAtomically, rewriteSentinelConfigText } from './config-file.js';
import type { Output } from './outputs.js';
import { ReplyParser } from './reply-parser.js';

/**
 * The thin I/O shell around a SentinelBrain: opens the links the brain asks for (through the
 * route table and bind-source-addr, so the harness can put a fault proxy on every
 * sentinel→node and sentinel→sentinel link), feeds replies back, runs the timer at Redis's
 * jittered hz, logs and publishes events, and rewrites the config file when the state changes.
 */

interface Socket {
  gen: number;
  sock: net.Socket;
  parser: ReplyParser;
  done: boolean;
}

const shells = new WeakMap<Server, SentinelShell>();

export function shellOf(server: Server): SentinelShell {
  const s = shells.get(server);
  if (!s) throw new Error('not in sentinel mode');
  return s;
}

export class SentinelShell {
  private readonly socks = new Map<string, Socket>();
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private flushing = false;
  private stopped = false;

  constructor(
    readonly server: Server,
    readonly brain: SentinelBrain,
    readonly configFile: string,
  ) {
    shells.set(server, this);
  }

  /**
   * Redis's event loop handles the file events that are ready before a due timer (aeProcessEvents);
   * Node runs due timers before it polls for I/O. So the tick is deferred to the check phase
   * (setImmediate), after the replies that arrived meanwhile: otherwise, after any stall, the
   * timer decides on a stale view (a pending PING's PONG not read yet counts toward +sdown; a
   * promotion seen in an INFO reply waits a whole tick for its hello).
   */
  start(): void {
    const tick = (): void => {
      this.immediate = null;
      if (this.stopped) return;
      // ae schedules the next run from the moment this one started (te->when = now + period, with
      // now read before the callback), so a slow tick (a config fsync) does not push the next one.
      const started = performance.now();
      this.brain.timer(Date.now());
      this.flush();
      const spent = performance.now() - started;
      this.timer = setTimeout(due, Math.max(0, this.brain.nextTimerDelay() - spent));
    };
    const due = (): void => {
      this.timer = null;
      if (!this.stopped) this.immediate = setImmediate(tick);
    };
    this.timer = setTimeout(due, this.brain.nextTimerDelay());
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    for (const s of this.socks.values()) s.sock.destroy();
    this.socks.clear();
  }

  /** Carry out what the brain asked for. Safe to call re-entrantly (outputs are processed in order). */
  flush(): void {
    if (this.flushing) return;
    this.flushing = true;
    try {
      let saveConfig = false;
      for (;;) {
        const outs = this.brain.drain();
        if (outs.length === 0) break;
        for (const o of outs) if (this.apply(o)) saveConfig = true;
      }
      if (saveConfig) this.saveConfig();
    } finally {
      this.flushing = false;
    }
  }

  /** Rewrite the config file now; false (and a warning logged) when it failed. */
  saveConfig(): boolean {
    const log = this.server.log;
    try {
      let old = '';
      try {
        old = fs.readFileSync(this.configFile, 'latin1');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
      overwriteFileAtomically(this.configFile, rewriteSentinelConfigText(old, this.server.configStore, this.brain, process.cwd()));
      log.notice('Sentinel new configuration saved on disk');
      return true;
    } catch (err) {
      log.warning(`WARNING: Sentinel was not able to save the new configuration on disk!!!: ${(err as Error).message}`);
      return false;
    }
  }

  private apply(o: Output): boolean {
    const log = this.server.log;
    switch (o.kind) {
      case 'event':
        log.log(o.level, `${o.type} ${o.msg}`);
        if (o.level !== 'debug') this.server.pubsub.publish(o.type, o.msg);
        return false;
      case 'log':
        log.log(o.level, o.msg);
        return false;
      case 'flush-config':
        return true;
      case 'connect':
        this.connect(o.inst, o.conn, o.gen, o.host, o.port);
        return false;
      case 'close': {
        const key = `${o.inst}:${o.conn}`;
        const s = this.socks.get(key);
        if (s && s.gen === o.gen) {
          s.done = true;
          s.sock.destroy();
          this.socks.delete(key);
        }
        return false;
      }
      case 'send': {
        const s = this.socks.get(`${o.inst}:${o.conn}`);
        if (s && s.gen === o.gen && !s.done) s.sock.write(encodeCommand(o.argv), 'latin1');
        return false;
      }
      case 'crash':
        process.exit(99);
    }
    return false;
  }

  private connect(inst: number, conn: 'cc' | 'pc', gen: number, host: string, port: number): void {
    const key = `${inst}:${conn}`;
    const old = this.socks.get(key);
    if (old) {
      old.done = true;
      old.sock.destroy();
    }
    const sock = connectOut(this.server, host, port);
    const s: Socket = { gen, sock, parser: new ReplyParser(), done: false };
    this.socks.set(key, s);
    const lost = (): void => {
      if (s.done) return;
      s.done = true;
      sock.destroy();
      if (this.socks.get(key) === s) this.socks.delete(key);
      this.brain.closed(Date.now(), inst, conn, gen);
      this.flush();
    };
    sock.on('connect', () => {
      if (s.done) return;
      this.brain.connected(Date.now(), inst, conn, gen, (sock.localAddress ?? '').replace(/^::ffff:/, ''));
      this.flush();
    });
    sock.on('data', (chunk: Buffer) => {
      if (s.done) return;
      s.parser.feed(chunk);
      const now = Date.now();
      try {
        for (let r = s.parser.next(); r !== null && !s.done; r = s.parser.next()) this.brain.reply(now, inst, conn, gen, r);
      } catch {
        lost();
        return;
      }
      this.flush();
    });
    sock.on('error', lost);
    sock.on('close', lost);
  }
}

function encodeCommand(argv: string[]): string {
  let s = `*${argv.length}\r\n`;
  for (const a of argv) s += `$${Buffer.byteLength(a, 'latin1')}\r\n${a}\r\n`;
  return s;
}
