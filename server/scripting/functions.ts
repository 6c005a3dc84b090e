import type { Client } from '../client.js';
import { Crc64 } from '../persistence/crc64.js';
import { RdbReader } from '../persistence/rdb-reader.js';
import { DEFAULT_PARAMS, RdbEncoder } from '../persistence/rdb-writer.js';
import type { Server } from '../server.js';
import { globMatch } from '../util/glob.js';
import { parseLL } from '../util/numbers.js';
import { REDIS_VERSION } from '../version.js';
import { pushError, SCRIPT_FLAG, ScriptEngine } from './engine.js';
import { newRunCtx, prepareError } from './eval.js';
import { bytes, type LuaState, lit, lua, pushStr, raise, toStr } from './lua.js';

/**
 * Redis 7 functions (functions.c + function_lua.c): libraries loaded with FUNCTION LOAD from
 * `#!lua name=<lib>` code that calls redis.register_function, called with FCALL/FCALL_RO,
 * listed, deleted, dumped and restored, persisted in RDB (RDB_OPCODE_FUNCTION2) and propagated
 * as the FUNCTION commands themselves. They run in their own Lua state (SCRIPT FLUSH does not
 * touch them) through the same runtime as EVAL.
 */

const FLAGS: [string, number][] = [
  ['no-writes', SCRIPT_FLAG.NO_WRITES],
  ['allow-oom', SCRIPT_FLAG.ALLOW_OOM],
  ['allow-stale', SCRIPT_FLAG.ALLOW_STALE],
  ['no-cluster', SCRIPT_FLAG.NO_CLUSTER],
  ['allow-cross-slot-keys', SCRIPT_FLAG.ALLOW_CROSS_SLOT],
];

interface FunctionInfo {
  name: string;
  desc: string | null;
  flags: number;
  /** Registry key of the callback. */
  ref: string;
  lib: Library;
}

interface Library {
  name: string;
  code: string;
  functions: Map<string, FunctionInfo>;
}

const RDB_OPCODE_FUNCTION2 = 245;
const RDB_VERSION = 10;

function validName(s: string): boolean {
  return /^[A-Za-z0-9_]+$/.test(s);
}

export class FunctionsEngine {
  eng: ScriptEngine;
  libraries = new Map<string, Library>();
  functions = new Map<string, FunctionInfo>();
  /** The library being loaded (redis.register_function adds to it). */
  private loading: Library | null = null;
  private refSeq = 0;

  constructor(private readonly server: Server) {
    this.eng = this.newEngine();
  }

  private newEngine(): ScriptEngine {
    const eng = new ScriptEngine(this.server);
    eng.onState = (L) => this.addLibraryApi(L);
    return eng;
  }

  /** The API library code sees while it loads: redis.register_function, redis.log, versions. */
  private addLibraryApi(L: LuaState): void {
    lua.lua_newtable(L);
    lua.lua_newtable(L);
    lua.lua_pushjsfunction(L, (L) => this.registerFunction(L));
    lua.lua_setfield(L, -2, lit('register_function'));
    lua.lua_getglobal(L, lit('redis'));
    for (const k of ['log', 'LOG_DEBUG', 'LOG_VERBOSE', 'LOG_NOTICE', 'LOG_WARNING']) {
      lua.lua_getfield(L, -1, lit(k));
      lua.lua_setfield(L, -3, lit(k));
    }
    lua.lua_pop(L, 1);
    pushStr(L, REDIS_VERSION);
    lua.lua_setfield(L, -2, lit('REDIS_VERSION'));
    const [ma, mi, pa] = REDIS_VERSION.split('.').map(Number) as [number, number, number];
    lua.lua_pushnumber(L, (ma << 16) | (mi << 8) | pa);
    lua.lua_setfield(L, -2, lit('REDIS_VERSION_NUM'));
    // Anything else of redis.* is missing while loading, with Redis's error.
    lua.lua_newtable(L);
    lua.lua_pushjsfunction(L, (L) => raise(L, `Script attempted to access nonexistent global variable '${toStr(L, 2) ?? '?'}'`));
    lua.lua_setfield(L, -2, lit('__index'));
    lua.lua_setmetatable(L, -2);
    lua.lua_setfield(L, -2, lit('redis'));
    lua.lua_setfield(L, lua.LUA_REGISTRYINDEX, lit('__library_api'));
  }

  private registerFunction(L: LuaState): number {
    const lib = this.loading;
    if (lib === null) return pushError(L, 'redis.register_function can only be called on FUNCTION LOAD command', true);
    const argc = lua.lua_gettop(L);
    if (argc < 1 || argc > 2) return pushError(L, 'wrong number of arguments to redis.register_function', true);
    let name: string | null = null;
    let desc: string | null = null;
    let flags = 0;
    let hasCallback = false;
    const ref = `__fn_${++this.refSeq}`;
    if (argc === 1) {
      if (!lua.lua_istable(L, 1)) {
        return pushError(L, 'calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).', true);
      }
      lua.lua_pushnil(L);
      while (lua.lua_next(L, 1) !== 0) {
        if (lua.lua_type(L, -2) !== lua.LUA_TSTRING && lua.lua_type(L, -2) !== lua.LUA_TNUMBER) {
          return pushError(L, 'named argument key given to redis.register_function is not a string', true);
        }
        const key = (toStr(L, -2) ?? '').toLowerCase();
        const vt = lua.lua_type(L, -1);
        if (key === 'function_name') {
          if (vt !== lua.LUA_TSTRING) return pushError(L, 'function_name argument given to redis.register_function must be a string', true);
          name = toStr(L, -1);
        } else if (key === 'description') {
          if (vt !== lua.LUA_TSTRING) return pushError(L, 'description argument given to redis.register_function must be a string', true);
          desc = toStr(L, -1);
        } else if (key === 'callback') {
          if (vt !== lua.LUA_TFUNCTION) return pushError(L, 'callback argument given to redis.register_function must be a function', true);
          lua.lua_pushvalue(L, -1);
          lua.lua_setfield(L, lua.LUA_REGISTRYINDEX, lit(ref));
          hasCallback = true;
        } else if (key === 'flags') {
          if (vt !== lua.LUA_TTABLE) return pushError(L, 'flags argument to redis.register_function must be a table representing function flags', true);
          const ft = lua.lua_gettop(L);
          for (let j = 1; ; j++) {
            lua.lua_rawgeti(L, ft, j);
            if (lua.lua_type(L, -1) === lua.LUA_TNIL) {
              lua.lua_pop(L, 1);
              break;
            }
            const f = lua.lua_type(L, -1) === lua.LUA_TSTRING ? (toStr(L, -1) ?? '').toLowerCase() : '';
            lua.lua_pop(L, 1);
            const def = FLAGS.find(([n]) => n === f);
            if (def === undefined) return pushError(L, 'unknown flag given', true);
            flags |= def[1];
          }
        } else {
          return pushError(L, 'unknown argument given to redis.register_function', true);
        }
        lua.lua_pop(L, 1);
      }
      if (name === null) return pushError(L, 'redis.register_function must get a function name argument', true);
      if (!hasCallback) return pushError(L, 'redis.register_function must get a callback argument', true);
    } else {
      if (lua.lua_type(L, 1) !== lua.LUA_TSTRING) return pushError(L, 'first argument to redis.register_function must be a string', true);
      name = toStr(L, 1);
      if (lua.lua_type(L, 2) !== lua.LUA_TFUNCTION) return pushError(L, 'second argument to redis.register_function must be a function', true);
      lua.lua_pushvalue(L, 2);
      lua.lua_setfield(L, lua.LUA_REGISTRYINDEX, lit(ref));
    }
    if (!validName(name!)) {
      return pushError(L, 'Library names can only contain letters, numbers, or underscores(_) and must be at least one character long', true);
    }
    if (lib.functions.has(name!)) return pushError(L, 'Function already exists in the library', true);
    lib.functions.set(name!, { name: name!, desc, flags, ref, lib });
    return 0;
  }

  /** functionsCreateWithLibraryCtx: load a library; its name, or an error text. */
  load(code: string, replace: boolean): { name: string } | { error: string } {
    if (!code.startsWith('#!')) return { error: 'Missing library metadata' };
    const end = code.indexOf('\n');
    if (end < 0) return { error: 'Invalid library metadata' };
    const parts = code
      .slice(0, end)
      .split(/[ \t\r]+/)
      .filter((p) => p.length > 0);
    if (parts.length === 0) return { error: 'Invalid library metadata' };
    const engine = parts[0]!.slice(2);
    let name: string | null = null;
    for (const p of parts.slice(1)) {
      if (p.slice(0, 5).toLowerCase() === 'name=') {
        if (name !== null) return { error: 'Invalid metadata value, name argument was given multiple times' };
        name = p.slice(5);
        continue;
      }
      return { error: `Invalid metadata value given: ${p}` };
    }
    if (name === null) return { error: 'Library name was not given' };
    if (!validName(name)) return { error: 'Library names can only contain letters, numbers, or underscores(_) and must be at least one character long' };
    if (engine.toLowerCase() !== 'lua') return { error: `Engine '${engine}' not found` };
    const old = this.libraries.get(name);
    if (old !== undefined && !replace) return { error: `Library '${name}' already exists` };
    const lib: Library = { name, code, functions: new Map() };
    const L = this.eng.state;
    // The code after the metadata line (its newline kept, so line numbers match).
    const err = this.eng.compile(code.slice(end), '@user_function');
    if (err !== null) return { error: `Error compiling function: ${err}` };
    lua.lua_getglobal(L, lit('__redis__set_loadapi'));
    lua.lua_getfield(L, lua.LUA_REGISTRYINDEX, lit('__library_api'));
    lua.lua_call(L, 1, 0);
    this.loading = lib;
    const start = Date.now();
    lua.lua_sethook(
      L,
      (Lh) => {
        if (Date.now() - start > 500) pushError(Lh, 'FUNCTION LOAD timeout', true);
      },
      lua.LUA_MASKCOUNT,
      100000,
    );
    const status = lua.lua_pcall(L, 0, 0, 0);
    lua.lua_sethook(L, null, 0, 0);
    this.loading = null;
    lua.lua_getglobal(L, lit('__redis__set_loadapi'));
    lua.lua_pushnil(L);
    lua.lua_call(L, 1, 0);
    if (status !== lua.LUA_OK) {
      let msg: string;
      if (lua.lua_istable(L, -1)) {
        lua.lua_getfield(L, -1, lit('err'));
        msg = toStr(L, -1) ?? 'unknown error';
        lua.lua_pop(L, 1);
      } else msg = `ERR ${toStr(L, -1) ?? 'unknown error'}`;
      lua.lua_pop(L, 1);
      return { error: `Error registering functions: ${msg}` };
    }
    if (lib.functions.size === 0) return { error: 'No functions registered' };
    for (const f of lib.functions.keys()) {
      const other = this.functions.get(f);
      if (other !== undefined && other.lib !== old) return { error: `Function ${f} already exists` };
    }
    if (old !== undefined) this.remove(old);
    this.libraries.set(name, lib);
    for (const f of lib.functions.values()) this.functions.set(f.name, f);
    return { name };
  }

  private remove(lib: Library): void {
    this.libraries.delete(lib.name);
    for (const f of lib.functions.keys()) this.functions.delete(f);
  }

  flush(): void {
    this.libraries.clear();
    this.functions.clear();
    this.eng = this.newEngine();
  }

  /** The codes of every library (RDB, AOF rewrite, FUNCTION DUMP). */
  codes(): string[] {
    return [...this.libraries.values()].map((l) => l.code);
  }

  /** Replace (or extend) the libraries with RDB content; errors are thrown. */
  loadCodes(codes: string[], clear: boolean): void {
    if (clear) this.flush();
    for (const code of codes) {
      const r = this.load(code, false);
      if ('error' in r) throw new Error(r.error);
    }
  }

  /** FCALL / FCALL_RO. */
  fcall(c: Client, argv: string[], ro: boolean): void {
    const s = this.server;
    s.preventPropagation();
    const f = this.functions.get(argv[1]!);
    if (f === undefined) return c.addReplyError('Function not found');
    const numkeys = parseLL(argv[2]!);
    if (numkeys === null) return c.addReplyError('Bad number of keys provided');
    if (numkeys > argv.length - 3) return c.addReplyError("Number of keys can't be greater than number of args");
    if (numkeys < 0) return c.addReplyError("Number of keys can't be negative");
    const err = prepareError(s, c, f.flags, ro);
    if (err !== null) return c.addReplyError(err);
    const L = this.eng.state;
    lua.lua_getfield(L, lua.LUA_REGISTRYINDEX, lit(f.ref));
    for (const items of [argv.slice(3, 3 + numkeys), argv.slice(3 + numkeys)]) {
      lua.lua_createtable(L, items.length, 0);
      items.forEach((x, i) => {
        lua.lua_pushstring(L, bytes(x));
        lua.lua_rawseti(L, -2, i + 1);
      });
    }
    this.eng.start(newRunCtx(s, c, f.name, f.flags, ro, false), 2);
  }

  /** FUNCTION DUMP's payload: FUNCTION2 records, RDB version, CRC-64 (as a DUMP payload). */
  dump(): Buffer {
    const enc = new RdbEncoder(DEFAULT_PARAMS);
    for (const code of this.codes()) {
      enc.type(RDB_OPCODE_FUNCTION2);
      enc.string(code);
    }
    enc.ensure(2);
    enc.buf.writeUInt16LE(RDB_VERSION, enc.pos);
    enc.pos += 2;
    enc.bytes(new Crc64().update(enc.buf, 0, enc.pos).digestLE());
    return enc.toBuffer();
  }

  /** FUNCTION RESTORE's parsing: the library codes, or an error text. */
  parseDump(payload: Buffer): string[] | { error: string } {
    if (payload.length < 10) return { error: 'DUMP payload version or checksum are wrong' };
    const footer = payload.length - 10;
    if (payload.readUInt16LE(footer) > RDB_VERSION) return { error: 'DUMP payload version or checksum are wrong' };
    const crc = new Crc64().update(payload, 0, payload.length - 8).digestLE();
    if (!crc.equals(payload.subarray(payload.length - 8))) return { error: 'DUMP payload version or checksum are wrong' };
    const codes: string[] = [];
    const r = new RdbReader(payload.subarray(0, footer));
    try {
      while (r.pos < footer) {
        if (r.u8() !== RDB_OPCODE_FUNCTION2) return { error: 'given type is not a function' };
        codes.push(r.string());
      }
    } catch {
      return { error: 'failed loading the given functions payload' };
    }
    return codes;
  }

  list(c: Client, argv: string[]): void {
    let pattern: string | null = null;
    let withCode = false;
    for (let i = 2; i < argv.length; i++) {
      const a = argv[i]!.toLowerCase();
      if (a === 'withcode') withCode = true;
      else if (a === 'libraryname') {
        if (i + 1 >= argv.length) return c.addReplyError('library name argument was not given');
        pattern = argv[++i]!;
      } else return c.addReplyError(`Unknown argument ${argv[i]}`);
    }
    const libs = [...this.libraries.values()].filter((l) => pattern === null || globMatch(pattern, l.name));
    c.addReplyArrayLen(libs.length);
    for (const l of libs) {
      c.addReplyMapLen(withCode ? 4 : 3);
      c.addReplyBulk('library_name');
      c.addReplyBulk(l.name);
      c.addReplyBulk('engine');
      c.addReplyBulk('LUA');
      c.addReplyBulk('functions');
      c.addReplyArrayLen(l.functions.size);
      for (const f of l.functions.values()) {
        c.addReplyMapLen(3);
        c.addReplyBulk('name');
        c.addReplyBulk(f.name);
        c.addReplyBulk('description');
        c.addReplyBulkOrNull(f.desc);
        c.addReplyBulk('flags');
        const names = FLAGS.filter(([, v]) => f.flags & v).map(([n]) => n);
        c.addReplySetLen(names.length);
        for (const n of names) c.addReplyBulk(n);
      }
      if (withCode) {
        c.addReplyBulk('library_code');
        c.addReplyBulk(l.code);
      }
    }
  }

  stats(c: Client): void {
    c.addReplyMapLen(2);
    c.addReplyBulk('running_script');
    const run = this.eng.run;
    if (run === null || !this.eng.busy) c.addReplyNull();
    else {
      c.addReplyMapLen(3);
      c.addReplyBulk('name');
      c.addReplyBulk(run.funcname);
      c.addReplyBulk('command');
      c.addReplyArrayLen(0);
      c.addReplyBulk('duration_ms');
      c.addReplyInt(Date.now() - run.startMs);
    }
    c.addReplyBulk('engines');
    c.addReplyMapLen(1);
    c.addReplyBulk('LUA');
    c.addReplyMapLen(2);
    c.addReplyBulk('libraries_count');
    c.addReplyInt(this.libraries.size);
    c.addReplyBulk('functions_count');
    c.addReplyInt(this.functions.size);
  }
}
