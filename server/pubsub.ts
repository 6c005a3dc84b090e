import type { Client } from './client.js';
import { globMatch } from './util/glob.js';

/**
 * Channel, pattern and shard-channel subscriptions; delivery in RESP2 array or RESP3 push form.
 * Redis's pubsub.c: a client's subscription count (SUBSCRIBE's third element) is channels +
 * patterns; shard channels are counted on their own.
 */
export class PubSub {
  channels = new Map<string, Set<Client>>();
  patterns = new Map<string, Set<Client>>();
  shardChannels = new Map<string, Set<Client>>();
  /** Messages delivered by PUBLISH/SPUBLISH and keyspace notifications (INFO has no field; kept for debugging). */
  published = 0;

  subscribe(c: Client, ch: string): boolean {
    return add(c.channels, this.channels, c, ch);
  }

  unsubscribe(c: Client, ch: string): boolean {
    return remove(c.channels, this.channels, c, ch);
  }

  psubscribe(c: Client, p: string): boolean {
    return add(c.patterns, this.patterns, c, p);
  }

  punsubscribe(c: Client, p: string): boolean {
    return remove(c.patterns, this.patterns, c, p);
  }

  ssubscribe(c: Client, ch: string): boolean {
    return add(c.shardChannels, this.shardChannels, c, ch);
  }

  sunsubscribe(c: Client, ch: string): boolean {
    return remove(c.shardChannels, this.shardChannels, c, ch);
  }

  /** Drop every subscription of a closing (or RESET) client. */
  removeClient(c: Client): void {
    for (const ch of [...c.channels]) this.unsubscribe(c, ch);
    for (const p of [...c.patterns]) this.punsubscribe(c, p);
    for (const ch of [...c.shardChannels]) this.sunsubscribe(c, ch);
  }

  /** Deliver a message; returns the number of receivers (PUBLISH's reply). */
  publish(channel: string, message: string): number {
    let n = 0;
    const subs = this.channels.get(channel);
    if (subs) {
      for (const c of subs) {
        c.push(`${c.resp === 3 ? '>' : '*'}3\r\n$7\r\nmessage\r\n$${channel.length}\r\n${channel}\r\n$${message.length}\r\n${message}\r\n`);
        n++;
      }
    }
    if (this.patterns.size > 0) {
      for (const [p, clients] of this.patterns) {
        if (!globMatch(p, channel)) continue;
        for (const c of clients) {
          c.push(
            `${c.resp === 3 ? '>' : '*'}4\r\n$8\r\npmessage\r\n$${p.length}\r\n${p}\r\n$${channel.length}\r\n${channel}\r\n$${message.length}\r\n${message}\r\n`,
          );
          n++;
        }
      }
    }
    this.published += n;
    return n;
  }

  /** SPUBLISH: shard channels only, delivered as "smessage". */
  spublish(channel: string, message: string): number {
    let n = 0;
    const subs = this.shardChannels.get(channel);
    if (subs) {
      for (const c of subs) {
        c.push(`${c.resp === 3 ? '>' : '*'}3\r\n$8\r\nsmessage\r\n$${channel.length}\r\n${channel}\r\n$${message.length}\r\n${message}\r\n`);
        n++;
      }
    }
    this.published += n;
    return n;
  }
}

function add(mine: Set<string>, all: Map<string, Set<Client>>, c: Client, name: string): boolean {
  if (mine.has(name)) return false;
  mine.add(name);
  let s = all.get(name);
  if (!s) all.set(name, (s = new Set()));
  s.add(c);
  return true;
}

function remove(mine: Set<string>, all: Map<string, Set<Client>>, c: Client, name: string): boolean {
  if (!mine.delete(name)) return false;
  const s = all.get(name);
  s?.delete(c);
  if (s && s.size === 0) all.delete(name);
  return true;
}
