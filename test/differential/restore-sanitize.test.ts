import { describe, expect, it } from 'vitest';
import { Crc64 } from '../../server/persistence/crc64.js';
import { useServer } from '../support/differential.js';
import { client } from '../support/redis.js';
import { SERVER_KINDS } from '../support/servers.js';

/**
 * sanitize-dump-payload: which RESTOREs are deep-sanitized (yes; clients: not for a user with
 * skip-sanitize-payload) and how INFO counts them (one per listpack / intset / stream node), and
 * a corrupt payload with a valid checksum refused with Redis's error. Same assertions on both.
 */
describe.each(SERVER_KINDS)('RESTORE and sanitize-dump-payload on %s', (kind) => {
  const t = useServer(kind);

  const sanitizations = async (): Promise<number> => Number(/dump_payload_sanitizations:(\d+)/.exec(String(await t.r.info('stats')))![1]);

  /** DUMPs of one small value of each encoding Redis sanitizes, and a hash with a duplicate field. */
  async function payloads(): Promise<{ good: Buffer[]; dupField: Buffer }> {
    const r = t.r;
    await r.hset('h', 'aa', '1', 'bb', '2');
    await r.rpush('l', 'x', 'y');
    await r.sadd('s', '1', '2', '3');
    await r.zadd('z', 1, 'm');
    await r.xadd('x', '1-1', 'f', 'v');
    const good: Buffer[] = [];
    for (const k of ['h', 'l', 's', 'z', 'x']) good.push((await r.dumpBuffer(k))!);
    // The field 'bb' renamed 'aa' (same length) and the checksum recomputed: only a deep check sees it.
    const h = Buffer.from(good[0]!);
    const at = h.indexOf('bb');
    h.write('aa', at, 'latin1');
    new Crc64()
      .update(h, 0, h.length - 8)
      .digestLE()
      .copy(h, h.length - 8);
    return { good, dupField: h };
  }

  it('counts deep sanitizations by mode and refuses a duplicate hash field when sanitizing', async () => {
    const { good, dupField } = await payloads();
    const restoreAll = async (r = t.r): Promise<void> => {
      for (const [i, p] of good.entries()) expect(await r.call('RESTORE', `copy${i}`, '0', p, 'REPLACE')).toBe('OK');
    };
    await t.r.config('SET', 'sanitize-dump-payload', 'no');
    let before = await sanitizations();
    await restoreAll();
    expect(await sanitizations()).toBe(before);

    await t.r.config('SET', 'sanitize-dump-payload', 'yes');
    before = await sanitizations();
    await restoreAll();
    expect(await sanitizations()).toBe(before + 5);
    await expect(t.r.call('RESTORE', 'dup', '0', dupField)).rejects.toThrow(/^ERR Bad data format$/);
    expect(await t.r.exists('dup')).toBe(0);

    // clients: the default user is sanitized, a skip-sanitize-payload user is not.
    await t.r.config('SET', 'sanitize-dump-payload', 'clients');
    before = await sanitizations();
    await restoreAll();
    expect(await sanitizations()).toBe(before + 5);
    expect(await t.r.call('ACL', 'SETUSER', 'trusted', 'on', 'nopass', '+@all', '~*', 'skip-sanitize-payload')).toBe('OK');
    const trusted = client(t.srv.port);
    try {
      expect(await trusted.call('AUTH', 'trusted', 'x')).toBe('OK');
      before = await sanitizations();
      await restoreAll(trusted);
      expect(await sanitizations()).toBe(before);
    } finally {
      trusted.disconnect();
    }
    expect(await t.r.hgetall('copy0')).toEqual({ aa: '1', bb: '2' });
    await t.r.config('SET', 'sanitize-dump-payload', 'no');
  });
});
