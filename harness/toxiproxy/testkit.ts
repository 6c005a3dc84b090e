/**
 * Test helpers shared by the toxiproxy tests and the bench: a TCP echo server and a client
 * socket that records what it receives and how it was closed.
 */
import net, { type AddressInfo, type Server, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

export interface TcpServer {
  server: Server;
  port: number;
  address: string;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 with a free port; `onConnection` gets every accepted socket. */
export async function startTcpServer(onConnection: (socket: Socket) => void): Promise<TcpServer> {
  const sockets = new Set<Socket>();
  const server = net.createServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.on('error', () => {
      // Resets are part of the tests.
    });
    socket.once('close', () => sockets.delete(socket));
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    address: `127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export const startEchoServer = (): Promise<TcpServer> => startTcpServer((s) => s.pipe(s));

export type CloseKind = 'end' | 'reset' | 'error';

export interface Closed {
  kind: CloseKind;
  code?: string;
  at: number;
}

export class TestClient {
  readonly chunks: Buffer[] = [];
  /** Bytes received so far (cheap, unlike concatenating `received`). */
  receivedBytes = 0;
  readonly closed: Promise<Closed>;
  private waiters: Array<() => void> = [];
  private closedResult: Closed | null = null;

  private constructor(readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (d: Buffer) => {
      this.chunks.push(d);
      this.receivedBytes += d.length;
      this.notify();
    });
    this.closed = new Promise<Closed>((resolve) => {
      let error: NodeJS.ErrnoException | null = null;
      socket.on('error', (err: NodeJS.ErrnoException) => {
        error = err;
      });
      const done = (kind: CloseKind): void => {
        if (this.closedResult) return;
        this.closedResult = { kind, code: error?.code, at: performance.now() };
        resolve(this.closedResult);
        this.notify();
      };
      socket.on('end', () => done('end'));
      socket.on('close', () => done(error ? (error.code === 'ECONNRESET' ? 'reset' : 'error') : 'end'));
    });
  }

  static connect(port: number, host = '127.0.0.1'): Promise<TestClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ port, host, noDelay: true });
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new TestClient(socket));
      });
      socket.once('error', reject);
    });
  }

  get received(): Buffer {
    return Buffer.concat(this.chunks);
  }

  get isClosed(): boolean {
    return this.closedResult !== null;
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** Resolves once `n` bytes have arrived; rejects if the socket closes first or after `timeoutMs`. */
  async waitForBytes(n: number, timeoutMs = 10_000): Promise<Buffer> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const got = this.receivedBytes;
      if (got >= n) return this.received;
      if (this.closedResult) throw new Error(`closed (${this.closedResult.kind}) after ${got} of ${n} bytes`);
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`timed out after ${got} of ${n} bytes`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Write `payload` and wait for it to come back; returns the round trip in ms. */
  async roundTrip(payload: string | Buffer, timeoutMs = 10_000): Promise<number> {
    const before = this.receivedBytes;
    const len = Buffer.byteLength(payload);
    const t0 = performance.now();
    this.write(payload);
    await this.waitForBytes(before + len, timeoutMs);
    return performance.now() - t0;
  }

  destroy(): void {
    this.socket.destroy();
  }
}
