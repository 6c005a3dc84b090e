import net from 'node:net';

/** A free TCP port on `host` (bind to 0, read, close). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const a = srv.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function canBind(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, host, () => srv.close(() => resolve(true)));
  });
}

/** A port p below 55535 with p and p+10000 free (a cluster node and its bus). */
export async function freePortPair(host = '127.0.0.1'): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const p = 20000 + Math.floor(Math.random() * 35000);
    if ((await canBind(p, host)) && (await canBind(p + 10000, host))) return p;
  }
  throw new Error(`no free port pair (p, p+10000) found on ${host}`);
}
