import { describe, expect, it } from 'vitest';
import { Config, ConfigError, findDef } from './config.js';

describe('typed config', () => {
  it('yields typed fields in camelCase: numbers, booleans, enums, bytes, parsed specials', () => {
    const v = new Config().values;
    expect(v.port).toBe(6379);
    expect(v.protectedMode).toBe(true);
    expect(v.maxmemoryPolicy).toBe('noeviction');
    expect(v.protoMaxBulkLen).toBe(512 * 1024 * 1024);
    expect(v.replBacklogSize).toBe(1024 * 1024);
    expect(v.save).toEqual([
      { seconds: 3600, changes: 1 },
      { seconds: 300, changes: 100 },
      { seconds: 60, changes: 10000 },
    ]);
    expect(v.bind).toEqual(['*', '-::*']);
    expect(v.replicaof).toBeNull();
    expect(v.clientOutputBufferLimit.replica).toEqual({ hardBytes: 256 * 1024 * 1024, softBytes: 64 * 1024 * 1024, softSeconds: 60 });
    // @ts-expect-error a misspelt option is a compile error
    expect(v.maxmemroy).toBeUndefined();
  });

  it('set() updates the field in place and the text CONFIG GET shows', () => {
    const cfg = new Config();
    const fields = cfg.values;
    cfg.set('maxmemory', '10mb');
    cfg.setArgs(findDef('slave-read-only')!, ['no']); // an alias
    cfg.set('notify-keyspace-events', 'KEA');
    expect(cfg.values).toBe(fields);
    expect(fields.maxmemory).toBe(10 * 1024 * 1024);
    expect(fields.replicaReadOnly).toBe(false);
    expect(cfg.match('maxmemory')).toEqual([['maxmemory', '10485760']]);
    expect(cfg.match('notify-keyspace-events')).toEqual([['notify-keyspace-events', 'AKE']]);
  });

  it('keeps the exact text of values beyond 2^53', () => {
    const cfg = new Config();
    cfg.set('maxmemory', '18446744073709551615');
    expect(cfg.match('maxmemory')).toEqual([['maxmemory', '18446744073709551615']]);
    expect(cfg.values.maxmemory).toBe(2 ** 64);
  });

  it('refuses bad values with Redis texts and leaves the old value', () => {
    const cfg = new Config();
    expect(() => cfg.set('hz', '1.5')).toThrow(ConfigError);
    expect(() => cfg.set('hz', '1.5')).toThrow("argument couldn't be parsed into an integer");
    expect(() => cfg.set('appendonly', 'maybe')).toThrow("argument must be 'yes' or 'no'");
    expect(() => cfg.set('save', '10')).toThrow('Invalid save parameters');
    expect(cfg.values.hz).toBe(10);
  });

  it('multi-argument options split CONFIG SET values on spaces; "" is no words', () => {
    const cfg = new Config();
    cfg.set('save', '60 5 10 1000');
    expect(cfg.values.save).toEqual([
      { seconds: 60, changes: 5 },
      { seconds: 10, changes: 1000 },
    ]);
    cfg.set('save', '');
    expect(cfg.values.save).toEqual([]);
    cfg.set('client-output-buffer-limit', 'pubsub 1mb 0 0');
    expect(cfg.values.clientOutputBufferLimit.pubsub.hardBytes).toBe(1024 * 1024);
    expect(cfg.values.clientOutputBufferLimit.replica.hardBytes).toBe(256 * 1024 * 1024);
    expect(findDef('SAVE')?.multiArg).toBe(true);
  });

  it('runs each apply function once per change set, in registration order', () => {
    const cfg = new Config();
    const calls: string[] = [];
    const both = (): void => void calls.push('both');
    cfg.onApply('min-replicas-to-write', both);
    cfg.onApply('min-replicas-max-lag', both);
    cfg.onApply('min-replicas-max-lag', () => void calls.push('lag'));
    for (const a of cfg.appliesOf([findDef('min-replicas-to-write')!, findDef('min-slaves-max-lag')!])) a();
    expect(calls).toEqual(['both', 'lag']);
  });
});
