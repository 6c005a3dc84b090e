/**
 * A proxy: one listening socket, its connections (each an upstream and a downstream Link) and
 * its toxics, per direction in the order they were added (Toxiproxy's ToxicCollection chains).
 */
import net, { type Server, type Socket } from 'node:net';
import { Prng, type Rng } from '../../checkers/util/prng.js';
import { AddressError, formatHostPort, formatResolved, resolveHostPort, splitHostPort } from './address.js';
import { ApiError } from './errors.js';
import { type Direction, Link, type ToxicSpec } from './link.js';
import type { ToxicKind } from './toxic.js';

export interface ToxicJson {
  attributes: Record<string, number>;
  name: string;
  type: string;
  stream: string;
  toxicity: number;
}

export interface ProxyJson {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
  /** Toxiproxy leaks its proxy's zerolog field into the JSON; kept for byte-level parity. */
  Logger: Record<string, never>;
  toxics: ToxicJson[];
}

export class Toxic implements ToxicSpec {
  constructor(
    readonly name: string,
    readonly kind: ToxicKind<unknown>,
    /** As given by the client (Toxiproxy echoes it back verbatim). */
    readonly stream: string,
    readonly direction: Direction,
    public toxicity: number,
    public attributes: Record<string, number>,
  ) {}

  toJSON(): ToxicJson {
    // Field order of Go's ToxicWrapper: attributes, name, type, stream, toxicity.
    return { attributes: { ...this.attributes }, name: this.name, type: this.kind.type, stream: this.stream, toxicity: this.toxicity };
  }
}

type Onread = { buffer: () => Buffer; callback: (n: number, buf: Buffer) => boolean };

/**
 * net.Server cannot hand out sockets in `onread` mode, so the accepted (still paused) socket's
 * libuv handle is moved into a new Socket that has it. This leans on `_handle` and the
 * `handle` constructor option (both undocumented, stable since Node 12); when they are not
 * there, returns null and the caller keeps the accepted socket with 'data' events. The husk
 * is destroyed when the new socket closes so that the server's connection count stays right.
 */
function adoptWithOnread(accepted: Socket, onread: Onread): Socket | null {
  const husk = accepted as unknown as { _handle?: object | null };
  const handle = husk._handle;
  if (!handle || accepted.readableFlowing) return null;
  husk._handle = null;
  // `handle` is not in SocketConstructorOpts; net's constructor accepts it (cluster uses it).
  const socket = new net.Socket({ handle, onread, allowHalfOpen: true, readable: true, writable: true } as net.SocketConstructorOpts);
  socket.setNoDelay(true);
  socket.once('close', () => accepted.destroy());
  return socket;
}

class Connection {
  readonly up: Link;
  readonly down: Link;
  private disposed = false;

  private readonly client: Socket;
  private readonly upstream: Socket;

  constructor(
    private readonly proxy: Proxy,
    accepted: Socket,
    upstreamAddress: { host: string; port: number },
  ) {
    this.up = new Link('upstream', this, proxy.chain.upstream);
    this.down = new Link('downstream', this, proxy.chain.downstream);
    const adopted = adoptWithOnread(accepted, this.up.onread);
    this.client = adopted ?? accepted;
    this.upstream = net.connect({
      host: upstreamAddress.host || undefined,
      port: upstreamAddress.port,
      noDelay: true,
      allowHalfOpen: true,
      onread: this.down.onread,
    });
    const { client, upstream } = this;
    const swallow = (): void => {
      // Socket errors end the connection through 'close'; there is nobody to report them to.
    };
    client.on('error', swallow);
    upstream.on('error', swallow);
    // Toxiproxy closes the client at once when the upstream cannot be reached.
    const onConnectError = (): void => {
      client.destroy();
    };
    upstream.once('error', onConnectError);
    upstream.once('connect', () => upstream.off('error', onConnectError));

    this.up.attach(client, upstream, adopted !== null);
    this.down.attach(upstream, client, true);
    if (!adopted) accepted.resume();

    let open = 2;
    const onClose = (): void => {
      if (--open === 0) this.dispose();
    };
    client.once('close', onClose);
    upstream.once('close', onClose);
  }

  get random(): Rng {
    return this.proxy.random;
  }

  link(direction: Direction): Link {
    return direction === 'upstream' ? this.up : this.down;
  }

  readonly reset = (): void => {
    for (const s of [this.client, this.upstream]) if (!s.destroyed) s.resetAndDestroy();
  };

  destroy(): void {
    this.client.destroy();
    this.upstream.destroy();
  }

  private dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.up.close();
    this.down.close();
    this.proxy.connections.delete(this);
  }
}

export class Proxy {
  enabled = false;
  readonly chain: Record<Direction, Toxic[]> = { upstream: [], downstream: [] };
  readonly connections = new Set<Connection>();
  readonly random: Rng;
  private server: Server | null = null;

  constructor(
    readonly name: string,
    public listen: string,
    public upstream: string,
    seed: number,
  ) {
    // One stream per proxy, from (seed, proxy name): independent of the order proxies are created in.
    this.random = new Prng(seed).fork(name);
  }

  toJSON(): ProxyJson {
    return { name: this.name, listen: this.listen, upstream: this.upstream, enabled: this.enabled, Logger: {}, toxics: this.toxics().map((t) => t.toJSON()) };
  }

  /** Upstream toxics first, then downstream, each in the order added (as GetToxicArray). */
  toxics(): Toxic[] {
    return [...this.chain.upstream, ...this.chain.downstream];
  }

  findToxic(name: string): Toxic | undefined {
    return this.chain.upstream.find((t) => t.name === name) ?? this.chain.downstream.find((t) => t.name === name);
  }

  /** Listen; `listen` becomes the bound address. Errors read like Go's net.Listen errors (500). */
  async start(): Promise<void> {
    if (this.enabled) return;
    let hp: Awaited<ReturnType<typeof resolveHostPort>>;
    try {
      hp = await resolveHostPort(this.listen);
    } catch (err) {
      throw new ApiError((err as Error).message, 500);
    }
    const server = net.createServer({ noDelay: true, allowHalfOpen: true, pauseOnConnect: true }, (client) => this.accept(client));
    await new Promise<void>((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException): void => {
        const what =
          err.code === 'EADDRINUSE'
            ? 'bind: address already in use'
            : err.code === 'EACCES'
              ? 'bind: permission denied'
              : err.code === 'EADDRNOTAVAIL'
                ? 'bind: cannot assign requested address'
                : err.message;
        reject(new ApiError(`listen tcp ${formatResolved(hp)}: ${what}`, 500));
      };
      server.once('error', onError);
      server.listen({ host: hp.host === '' ? undefined : hp.host, port: hp.port }, () => {
        server.off('error', onError);
        resolve();
      });
    });
    server.on('error', () => {
      // Accept errors (EMFILE...) do not stop Toxiproxy's accept loop either.
    });
    const bound = server.address();
    if (bound && typeof bound === 'object') this.listen = formatHostPort(bound.address, bound.port);
    this.server = server;
    this.enabled = true;
  }

  /** Close the listener and every connection (Toxiproxy's stop()). */
  async stop(): Promise<void> {
    if (!this.enabled) return;
    this.enabled = false;
    const server = this.server;
    this.server = null;
    const closed = new Promise<void>((resolve) => server?.close(() => resolve()) ?? resolve());
    for (const c of this.connections) c.destroy();
    await closed;
  }

  private accept(client: Socket): void {
    if (!this.enabled) {
      client.destroy();
      return;
    }
    let target: ReturnType<typeof splitHostPort>;
    try {
      target = splitHostPort(this.upstream, 'dial tcp');
    } catch (err) {
      if (!(err instanceof AddressError)) throw err;
      client.destroy();
      return;
    }
    this.connections.add(new Connection(this, client, target));
  }

  addToxic(toxic: Toxic): void {
    this.chain[toxic.direction].push(toxic);
    for (const c of this.connections) c.link(toxic.direction).addToxic(toxic);
  }

  updateToxic(toxic: Toxic): void {
    for (const c of this.connections) c.link(toxic.direction).updateToxic(toxic);
  }

  removeToxic(toxic: Toxic): void {
    const list = this.chain[toxic.direction];
    list.splice(list.indexOf(toxic), 1);
    for (const c of this.connections) c.link(toxic.direction).removeToxic(toxic);
  }

  removeAllToxics(): void {
    for (const dir of ['upstream', 'downstream'] as const) {
      while (this.chain[dir].length > 0) this.removeToxic(this.chain[dir][0]!);
    }
  }
}
