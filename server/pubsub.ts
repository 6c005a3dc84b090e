import type { Client } from './client.js';
import { globMatch } from './util/glob.js';

/** Channel and pattern subscriptions; PUBLISH delivery in RESP2 array or RESP3 push form. */
export class PubSub {
  channels = new Map<string, Set<Client>>();
  patterns = new Map<string, Set<Client>>();

  subscribe(c: Client, ch: string): boolean {
    if (c.channels.has(ch)) return false;
    c.channels.add(ch);
    let s = this.channels.get(ch);
    if (!s) this.channels.set(ch, (s = new Set()));
    s.add(c);
    return true;
  }

  unsubscribe(c: Client, ch: string): boolean {
    if (!c.channels.delete(ch)) return false;
    const s = this.channels.get(ch);
    s?.delete(c);
    if (s && s.size === 0) this.channels.delete(ch);
    return true;
  }

  psubscribe(c: Client, p: string): boolean {
    if (c.patterns.has(p)) return false;
    c.patterns.add(p);
    let s = this.patterns.get(p);
    if (!s) this.patterns.set(p, (s = new Set()));
    s.add(c);
    return true;
  }

  punsubscribe(c: Client, p: string): boolean {
    if (!c.patterns.delete(p)) return false;
    const s = this.patterns.get(p);
    s?.delete(c);
    if (s && s.size === 0) this.patterns.delete(p);
    return true;
  }

  /** Drop every subscription of a closing client. */
  removeClient(c: Client): void {
    for (const ch of [...c.channels]) this.unsubscribe(c, ch);
    for (const p of [...c.patterns]) this.punsubscribe(c, p);
  }

  /** Deliver a message; returns the number of receivers (PUBLISH's reply). */
  publish(channel: string, message: string): number {
    let n = 0;
    const subs = this.channels.get(channel);
    if (subs) {
      for (const c of subs) {
        c.addReplyPushLen(3);
        c.addReplyBulk('message');
        c.addReplyBulk(channel);
        c.addReplyBulk(message);
        n++;
      }
    }
    for (const [p, clients] of this.patterns) {
      if (!globMatch(p, channel)) continue;
      for (const c of clients) {
        c.addReplyPushLen(4);
        c.addReplyBulk('pmessage');
        c.addReplyBulk(p);
        c.addReplyBulk(channel);
        c.addReplyBulk(message);
        n++;
      }
    }
    return n;
  }
}
