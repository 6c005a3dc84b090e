/**
 * What an ioredis Sentinel client does during a failover, with times: which sentinel it asked
 * (SentinelConnector asks them in list order, one per (re)connect attempt, and resumes where the
 * last attempt stopped), what that sentinel answered, the connection to the answered address and
 * ioredis's role check (INFO's role field) on it. Observation only: a SentinelConnector subclass
 * handed to ioredis through its public `Connector` option, which records around the inherited
 * methods and changes none of their behaviour.
 */
import { type SentinelConnectionOptions, SentinelConnector } from 'ioredis';

/** One question to a sentinel: GET-MASTER-ADDR-BY-NAME (+ SENTINEL SENTINELS), as ioredis asks it. */
export interface SentinelAsk {
  /** The sentinel's port. */
  port: number;
  at: number;
  answeredAt: number;
  /** The master port it named, or the error. */
  answer: string;
}

/** A connection to the address a sentinel named, and ioredis's role check on it. */
export interface MasterConnect {
  port: number;
  at: number;
  connectedAt: number | null;
  failedAt: number | null;
  roleCheckedAt: number | null;
  role: string | null;
}

export interface ClientTrace {
  asks: SentinelAsk[];
  connects: MasterConnect[];
}

type Resolve = (endpoint: { host?: string; port?: number }) => Promise<{ host: string; port: number } | null>;

/** A SentinelConnector class that records into `trace` (pass it as the client's `Connector` option). */
export function tracingSentinelConnector(trace: ClientTrace): new (options: unknown) => SentinelConnector {
  return class TracingSentinelConnector extends SentinelConnector {
    constructor(options: unknown) {
      super(options as SentinelConnectionOptions);
      // `resolve` is private in the typings; wrap this instance's reference to it.
      const self = this as unknown as { resolve: Resolve };
      const resolve = self.resolve.bind(this);
      self.resolve = async (endpoint) => {
        const ask: SentinelAsk = { port: endpoint.port ?? 26379, at: Date.now(), answeredAt: 0, answer: '' };
        trace.asks.push(ask);
        try {
          const addr = await resolve(endpoint);
          ask.answer = addr ? String(addr.port) : 'null';
          if (addr) trace.connects.push({ port: addr.port, at: Date.now(), connectedAt: null, failedAt: null, roleCheckedAt: null, role: null });
          return addr;
        } catch (err) {
          ask.answer = `error: ${(err as Error).message}`;
          throw err;
        } finally {
          ask.answeredAt = Date.now();
        }
      };
    }

    /** ioredis opens the stream to the resolved address as connect() returns it. */
    override async connect(...args: Parameters<SentinelConnector['connect']>): ReturnType<SentinelConnector['connect']> {
      const stream = await super.connect(...args);
      const c = trace.connects.at(-1);
      if (c) {
        stream.once('connect', () => {
          c.connectedAt = Date.now();
        });
        stream.once('error', () => {
          c.failedAt = Date.now();
        });
      }
      return stream;
    }

    override check(info: { role?: string }): boolean {
      const c = trace.connects.at(-1);
      if (c) {
        c.roleCheckedAt = Date.now();
        c.role = info.role ?? null;
      }
      return super.check(info);
    }
  };
}
