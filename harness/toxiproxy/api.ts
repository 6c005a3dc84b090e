/**
 * The Toxiproxy 2.x HTTP API (api.go): same routes, JSON shapes, status codes and error bodies.
 * Requests are handled one at a time, standing in for Toxiproxy's collection and proxy locks.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { formatResolved, resolveHostPort } from './address.js';
import {
  ApiError,
  ErrBadRequestBody,
  ErrInvalidStream,
  ErrInvalidToxicType,
  ErrMissingField,
  ErrProxyAlreadyExists,
  ErrProxyNotFound,
  ErrToxicAlreadyExists,
  ErrToxicNotFound,
  joinError,
  toApiError,
} from './errors.js';
import { expectArray, expectObject, type JsonObject, parseBody, readField } from './json.js';
import type { Direction } from './link.js';
import { Proxy, Toxic } from './proxy.js';
import type { ToxicKind } from './toxic.js';
import { toxicKinds } from './toxics/index.js';

/** The Toxiproxy release whose API this mirrors. */
export const TOXIPROXY_VERSION = '2.12.0';

class Reply {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {}
}

type Handler = (params: string[], body: string) => Promise<Reply> | Reply;

interface Route {
  method: string;
  pattern: RegExp;
  handler: Handler;
}

export class ToxiproxyApi {
  readonly proxies = new Map<string, Proxy>();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly routes: Route[];

  constructor(readonly seed: number) {
    const r = (method: string, path: string, handler: Handler): Route => ({
      method,
      pattern: new RegExp('^' + path.replace(/\{\w+\}/g, '([^/]+)') + '$'),
      handler,
    });
    this.routes = [
      r('POST', '/reset', () => this.resetState()),
      r('GET', '/proxies', () => this.proxyIndex()),
      r('POST', '/proxies', (_, b) => this.proxyCreate(b)),
      r('POST', '/populate', (_, b) => this.populate(b)),
      r('GET', '/proxies/{proxy}', ([p]) => this.proxyShow(p!)),
      r('POST', '/proxies/{proxy}', ([p], b) => this.proxyUpdate(p!, b)),
      r('PATCH', '/proxies/{proxy}', ([p], b) => this.proxyUpdate(p!, b)),
      r('DELETE', '/proxies/{proxy}', ([p]) => this.proxyDelete(p!)),
      r('GET', '/proxies/{proxy}/toxics', ([p]) => this.toxicIndex(p!)),
      r('POST', '/proxies/{proxy}/toxics', ([p], b) => this.toxicCreate(p!, b)),
      r('GET', '/proxies/{proxy}/toxics/{toxic}', ([p, t]) => this.toxicShow(p!, t!)),
      r('POST', '/proxies/{proxy}/toxics/{toxic}', ([p, t], b) => this.toxicUpdate(p!, t!, b)),
      r('PATCH', '/proxies/{proxy}/toxics/{toxic}', ([p, t], b) => this.toxicUpdate(p!, t!, b)),
      r('DELETE', '/proxies/{proxy}/toxics/{toxic}', ([p, t]) => this.toxicDelete(p!, t!)),
    ];
  }

  // ---- HTTP plumbing ---------------------------------------------------------------------

  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      void this.dispatch(req, res, body);
    });
    req.on('error', () => res.destroy());
  };

  private async dispatch(req: IncomingMessage, res: ServerResponse, body: string): Promise<void> {
    if ((req.headers['user-agent'] ?? '').startsWith('Mozilla/')) {
      // stopBrowsersMiddleware: keeps web pages from driving the API cross-origin.
      sendText(res, 403, 'User agent not allowed\n');
      return;
    }
    const path = (req.url ?? '/').split('?')[0]!;
    if (req.method === 'GET' && path === '/version') {
      res.writeHead(200, { 'Content-Type': 'application/json;charset=utf-8' });
      res.end(`{"version": "${TOXIPROXY_VERSION}"}\n`);
      return;
    }
    let pathMatched = false;
    for (const route of this.routes) {
      const m = route.pattern.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (route.method !== req.method) continue;
      let params: string[];
      try {
        params = m.slice(1).map((s) => decodeURIComponent(s));
      } catch {
        params = m.slice(1);
      }
      const run = this.queue.then(() => route.handler(params, body));
      this.queue = run.catch(() => undefined);
      let reply: Reply;
      try {
        reply = await run;
      } catch (err) {
        sendError(res, toApiError(err));
        return;
      }
      sendReply(res, reply);
      return;
    }
    if (pathMatched || path === '/version') {
      // gorilla/mux: known path, other method.
      res.writeHead(405);
      res.end();
      return;
    }
    sendText(res, 404, '404 page not found\n');
  }

  // ---- proxies ---------------------------------------------------------------------------

  private getProxy(name: string): Proxy {
    const proxy = this.proxies.get(name);
    if (!proxy) throw ErrProxyNotFound;
    return proxy;
  }

  private proxyIndex(): Reply {
    // Go marshals a map: keys sorted.
    const out: Record<string, unknown> = {};
    for (const name of [...this.proxies.keys()].sort()) out[name] = this.proxies.get(name)!.toJSON();
    return new Reply(200, out);
  }

  private async resetState(): Promise<Reply> {
    for (const proxy of this.proxies.values()) {
      await proxy.start();
      proxy.removeAllToxics();
    }
    return new Reply(204, undefined);
  }

  private decodeProxy(obj: JsonObject, where: string): { name?: string; listen?: string; upstream?: string; enabled?: boolean } {
    return {
      name: readField(obj, 'name', 'string', `${where}.name`),
      listen: readField(obj, 'listen', 'string', `${where}.listen`),
      upstream: readField(obj, 'upstream', 'string', `${where}.upstream`),
      enabled: readField(obj, 'enabled', 'bool', `${where}.enabled`),
    };
  }

  private async proxyCreate(body: string): Promise<Reply> {
    const input = this.decodeProxy(expectObject(parseBody(body), 'toxiproxy.Proxy'), 'Proxy');
    if (!input.name) throw joinError('name', ErrMissingField);
    if (!input.upstream) throw joinError('upstream', ErrMissingField);
    if (this.proxies.has(input.name)) throw ErrProxyAlreadyExists;
    const proxy = new Proxy(input.name, input.listen ?? '', input.upstream, this.seed);
    if (input.enabled ?? true) await proxy.start();
    this.proxies.set(proxy.name, proxy);
    return new Reply(201, proxy.toJSON());
  }

  private async populate(body: string): Promise<Reply> {
    const created: Proxy[] = [];
    try {
      const list = expectArray(parseBody(body), '[]toxiproxy.Proxy');
      const inputs = list.map((item, i) => {
        const input = this.decodeProxy(expectObject(item, 'toxiproxy.Proxy'), 'Proxy');
        if (!input.name) throw joinError(`name at proxy ${i + 1}`, ErrMissingField);
        if (!input.upstream) throw joinError(`upstream at proxy ${i + 1}`, ErrMissingField);
        return { name: input.name, upstream: input.upstream, listen: input.listen ?? '', enabled: input.enabled ?? true };
      });
      for (const input of inputs) {
        const existing = this.proxies.get(input.name);
        if (existing) {
          if (!(await this.differs(existing, input.listen, input.upstream))) {
            created.push(existing);
            continue;
          }
          await existing.stop();
        }
        const proxy = new Proxy(input.name, input.listen, input.upstream, this.seed);
        if (input.enabled) await proxy.start();
        this.proxies.set(proxy.name, proxy);
        created.push(proxy);
      }
    } catch (err) {
      const apiErr = toApiError(err);
      return new Reply(apiErr.status, { error: apiErr.message, status: apiErr.status, proxies: listOrNull(created) });
    }
    return new Reply(201, { proxies: listOrNull(created) });
  }

  /** Go's Proxy.Differs: resolved listen address or upstream changed. */
  private async differs(proxy: Proxy, listen: string, upstream: string): Promise<boolean> {
    let resolved: string;
    try {
      resolved = formatResolved(await resolveHostPort(listen, 'address'));
    } catch (err) {
      throw new ApiError((err as Error).message, 500);
    }
    return proxy.listen !== resolved || proxy.upstream !== upstream;
  }

  private proxyShow(name: string): Reply {
    return new Reply(200, this.getProxy(name).toJSON());
  }

  private async proxyUpdate(name: string, body: string): Promise<Reply> {
    const proxy = this.getProxy(name);
    const input = this.decodeProxy(expectObject(parseBody(body), 'toxiproxy.Proxy'), 'Proxy');
    const listen = input.listen ?? proxy.listen;
    const upstream = input.upstream ?? proxy.upstream;
    const enabled = input.enabled ?? proxy.enabled;
    if (await this.differs(proxy, listen, upstream)) {
      // Changing listen or upstream restarts the proxy and drops its connections.
      await proxy.stop();
      proxy.listen = listen;
      proxy.upstream = upstream;
    }
    if (enabled !== proxy.enabled) {
      if (enabled) await proxy.start();
      else await proxy.stop();
    }
    return new Reply(200, proxy.toJSON());
  }

  private async proxyDelete(name: string): Promise<Reply> {
    const proxy = this.getProxy(name);
    await proxy.stop();
    this.proxies.delete(name);
    return new Reply(204, undefined);
  }

  // ---- toxics ----------------------------------------------------------------------------

  private toxicIndex(name: string): Reply {
    return new Reply(
      200,
      this.getProxy(name)
        .toxics()
        .map((t) => t.toJSON()),
    );
  }

  private toxicShow(proxyName: string, toxicName: string): Reply {
    const toxic = this.getProxy(proxyName).findToxic(toxicName);
    if (!toxic) throw ErrToxicNotFound;
    return new Reply(200, toxic.toJSON());
  }

  /** Decodes `attributes` into the kind's fields on top of `base` (Go decodes into the struct). */
  private decodeAttributes(kind: ToxicKind<unknown>, raw: unknown, base: Record<string, number>): Record<string, number> {
    const out = { ...base };
    if (raw === undefined || raw === null) return out;
    const obj = expectObjectField(raw, `ToxicWrapper.attributes`, `toxics.${kind.goStruct}`);
    for (const spec of kind.attributes) {
      const v = readField(obj, spec.name, spec.type, `${kind.goStruct}.attributes.${spec.name}`);
      if (v !== undefined) out[spec.name] = v;
    }
    return out;
  }

  private toxicCreate(proxyName: string, body: string): Reply {
    const proxy = this.getProxy(proxyName);
    const obj = expectObject(parseBody(body), 'toxics.ToxicWrapper');
    let name = readField(obj, 'name', 'string', 'ToxicWrapper.name') ?? '';
    const type = readField(obj, 'type', 'string', 'ToxicWrapper.type') ?? '';
    const stream = readField(obj, 'stream', 'string', 'ToxicWrapper.stream') ?? 'downstream';
    const toxicity = readField(obj, 'toxicity', 'float32', 'ToxicWrapper.toxicity') ?? 1;
    const direction = parseDirection(stream);
    if (!direction) throw ErrInvalidStream;
    if (name === '') name = `${type}_${stream}`;
    const kind = toxicKinds.get(type);
    if (!kind) throw ErrInvalidToxicType;
    if (proxy.findToxic(name)) throw ErrToxicAlreadyExists;
    const zero: Record<string, number> = {};
    for (const spec of kind.attributes) zero[spec.name] = 0;
    const attributes = this.decodeAttributes(kind, obj.attributes, zero);
    const toxic = new Toxic(name, kind, stream, direction, toxicity, attributes);
    proxy.addToxic(toxic);
    // Toxiproxy answers 200 here, not 201.
    return new Reply(200, toxic.toJSON());
  }

  private toxicUpdate(proxyName: string, toxicName: string, body: string): Reply {
    const proxy = this.getProxy(proxyName);
    const toxic = proxy.findToxic(toxicName);
    if (!toxic) throw ErrToxicNotFound;
    const obj = expectObject(parseBody(body), 'struct { Attributes interface {}; Toxicity float32 }');
    // Only attributes and toxicity can change; missing fields keep their values.
    const attributes = this.decodeAttributes(toxic.kind, obj.attributes, toxic.attributes);
    const toxicity = readField(obj, 'toxicity', 'float32', '.toxicity') ?? toxic.toxicity;
    toxic.attributes = attributes;
    toxic.toxicity = toxicity;
    proxy.updateToxic(toxic);
    return new Reply(200, toxic.toJSON());
  }

  private toxicDelete(proxyName: string, toxicName: string): Reply {
    const proxy = this.getProxy(proxyName);
    const toxic = proxy.findToxic(toxicName);
    if (!toxic) throw ErrToxicNotFound;
    proxy.removeToxic(toxic);
    return new Reply(204, undefined);
  }

  /** Stop every proxy (server shutdown). */
  async closeAll(): Promise<void> {
    await this.queue;
    for (const proxy of this.proxies.values()) await proxy.stop();
    this.proxies.clear();
  }
}

/** Go marshals a nil slice (nothing appended) as null. */
function listOrNull(proxies: Proxy[]): unknown[] | null {
  return proxies.length === 0 ? null : proxies.map((p) => p.toJSON());
}

function parseDirection(stream: string): Direction | null {
  const s = stream.toLowerCase();
  return s === 'upstream' || s === 'downstream' ? s : null;
}

function expectObjectField(raw: unknown, where: string, goType: string): JsonObject {
  if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) return raw as JsonObject;
  const kind = Array.isArray(raw) ? 'array' : typeof raw === 'boolean' ? 'bool' : typeof raw;
  throw joinError(`json: cannot unmarshal ${kind} into Go struct field ${where} of type ${goType}`, ErrBadRequestBody);
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
  res.end(text);
}

/** Go's http.Error: text/plain content type, JSON body, trailing newline. */
function sendError(res: ServerResponse, err: ApiError): void {
  sendText(res, err.status, JSON.stringify(err.toJSON()) + '\n');
}

function sendReply(res: ServerResponse, reply: Reply): void {
  if (reply.body === undefined) {
    res.writeHead(reply.status);
    res.end();
    return;
  }
  // Populate's partial-failure reply carries an error status but is a JSON document.
  res.writeHead(reply.status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(reply.body));
}
