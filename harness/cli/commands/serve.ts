/**
 * `splitbrain serve --port <p> [--store dir]`: the store over HTTP (node:http): static files, with
 * index.html regenerated whenever the root is requested so that new runs show up. Only files under
 * the store are served (symlinks such as `latest` are resolved and must stay inside it).
 */

import { createReadStream, existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, relative, resolve, sep } from 'node:path';
import { escapeHtml } from '../../../reports/embed.js';
import { writeStoreIndex } from '../../../reports/store-index.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.jsonl': 'application/x-ndjson; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.log': 'text/plain; charset=utf-8',
  '.edn': 'text/plain; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
};

function listing(root: string, dir: string, urlPath: string): string {
  const items = readdirSync(dir)
    .sort()
    .map((n) => {
      const isDir = statSync(join(dir, n), { throwIfNoEntry: false })?.isDirectory() ?? false;
      const href = `${urlPath.endsWith('/') ? urlPath : urlPath + '/'}${encodeURIComponent(n)}${isDir ? '/' : ''}`;
      return `<li><a href="${escapeHtml(href)}">${escapeHtml(n)}${isDir ? '/' : ''}</a></li>`;
    })
    .join('\n');
  return `<!doctype html><meta charset="utf-8"><title>${escapeHtml(relative(root, dir) || 'store')}</title><body style="font-family:system-ui;margin:20px"><p><a href="/">store index</a></p><h1 style="font-size:18px">${escapeHtml(urlPath)}</h1><ul>${items}</ul></body>`;
}

export async function startServer(o: { port: number; host?: string; store: string }): Promise<Server> {
  const root = realpathSync(resolve(o.store));
  const server = createServer((req, res) => {
    void (async () => {
      try {
        if (req.method !== 'GET' && req.method !== 'HEAD') {
          res.writeHead(405, { allow: 'GET, HEAD' }).end();
          return;
        }
        const url = new URL(req.url ?? '/', 'http://localhost');
        const path = decodeURIComponent(url.pathname);
        if (path === '/' || path === '/index.html') await writeStoreIndex(root);
        const target = resolve(root, '.' + path);
        if (!existsSync(target)) {
          res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
          return;
        }
        const real = realpathSync(target);
        if (real !== root && !real.startsWith(root + sep)) {
          res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' }).end('outside the store\n');
          return;
        }
        const st = statSync(real);
        if (st.isDirectory()) {
          if (!path.endsWith('/')) {
            res.writeHead(301, { location: url.pathname + '/' }).end();
            return;
          }
          const idx = ['index.html', 'report.html', 'summary.html'].map((n) => join(real, n)).find((f) => existsSync(f));
          if (idx) {
            res.writeHead(200, { 'content-type': TYPES['.html']!, 'cache-control': 'no-cache' });
            if (req.method === 'HEAD') res.end();
            else createReadStream(idx).pipe(res);
          } else res.writeHead(200, { 'content-type': TYPES['.html']! }).end(listing(root, real, path));
          return;
        }
        res.writeHead(200, { 'content-type': TYPES[extname(real)] ?? 'application/octet-stream', 'content-length': st.size, 'cache-control': 'no-cache' });
        if (req.method === 'HEAD') res.end();
        else createReadStream(real).pipe(res);
      } catch (e) {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(`error: ${(e as Error).message}\n`);
      }
    })();
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(o.port, o.host ?? '127.0.0.1', () => ok());
  });
  return server;
}
