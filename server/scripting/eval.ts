import type { Client } from '../client.js';
import { goodReplicasOk } from '../replication/min-replicas.js';
import type { Server } from '../server.js';
import { parseLL } from '../util/numbers.js';
import { type RunCtx, SCRIPT_FLAG, type ScriptEngine, scriptKill, sha1hex } from './engine.js';
import { bytes, lit, lua } from './lua.js';

/** EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT (Redis's eval.c). */

const SHEBANG_FLAGS: Record<string, number> = {
  'no-writes': SCRIPT_FLAG.NO_WRITES,
  'allow-oom': SCRIPT_FLAG.ALLOW_OOM,
  'allow-stale': SCRIPT_FLAG.ALLOW_STALE,
  'no-cluster': SCRIPT_FLAG.NO_CLUSTER,
  'allow-cross-slot-keys': SCRIPT_FLAG.ALLOW_CROSS_SLOT,
};

/** evalExtractShebangFlags: flags, and how much of the body is the shebang line (its '\n' stays). */
function shebang(body: string): { flags: number; skip: number } | { error: string } {
  if (!body.startsWith('#!')) return { flags: SCRIPT_FLAG.EVAL_COMPAT_MODE, skip: 0 };
  const end = body.indexOf('\n');
  if (end < 0) return { error: 'Invalid script shebang' };
  const parts = body
    .slice(0, end)
    .split(/[ \t\r]+/)
    .filter((p) => p.length > 0);
  if (parts.length === 0) return { error: 'Invalid engine in script shebang' };
  if (parts[0] !== '#!lua') return { error: `Unexpected engine in script shebang: ${parts[0]}` };
  let flags = 0;
  for (const p of parts.slice(1)) {
    if (!p.startsWith('flags=')) return { error: `Unknown lua shebang option: ${p}` };
    for (const f of p.slice(6).split(',')) {
      if (f === '' && p.length === 6) continue;
      const v = SHEBANG_FLAGS[f];
      if (v === undefined) return { error: `Unexpected flag in script shebang: ${f}` };
      flags |= v;
    }
  }
  return { flags, skip: end };
}

/** luaCreateFunction: compile and cache a script body; its sha or null after replying the error. */
/** Script body → sha1, so a cached script's EVAL does not hash its body every time. */
const shaCache = new Map<string, string>();

function shaOf(body: string): string {
  let sha = shaCache.get(body);
  if (sha === undefined) {
    sha = sha1hex(body);
    if (shaCache.size >= 1000) shaCache.clear();
    shaCache.set(body, sha);
  }
  return sha;
}

export function createScript(c: Client | null, eng: ScriptEngine, body: string): string | null {
  const sha = shaOf(body);
  if (eng.scripts.has(sha)) return sha;
  const sb = shebang(body);
  if ('error' in sb) {
    c?.addReplyError(sb.error);
    return null;
  }
  const err = eng.compile(body.slice(sb.skip), '@user_script');
  if (err !== null) {
    c?.addReplyError(`Error compiling script (new function): ${err}`);
    return null;
  }
  const L = eng.state;
  lua.lua_setfield(L, lua.LUA_REGISTRYINDEX, lit(`f_${sha}`));
  eng.scripts.set(sha, { body, flags: sb.flags });
  return sha;
}

/** scriptPrepareForRun's refusals; null when the script may run. */
export function prepareError(s: Server, caller: Client, flags: number, ro: boolean): string | null {
  const staleLink = s.role === 'slave' && s.repl.linkState !== 'connected' && !s.config.replicaServeStaleData;
  const obey = caller.isMaster || caller.socket === null;
  if (!(flags & SCRIPT_FLAG.EVAL_COMPAT_MODE)) {
    if (flags & SCRIPT_FLAG.NO_CLUSTER && s.config.clusterEnabled) return "Can not run script on cluster, 'no-cluster' flag is set.";
    if (staleLink && !(flags & SCRIPT_FLAG.ALLOW_STALE)) {
      return "-MASTERDOWN Link with MASTER is down, replica-serve-stale-data is set to 'no' and 'allow-stale' flag is not set on the script.";
    }
    if (!(flags & SCRIPT_FLAG.NO_WRITES)) {
      if (s.role === 'slave' && s.config.replicaReadOnly && !obey) return '-READONLY Can not run script with write flag on readonly replica';
      if (ro) return 'Can not execute a script with write flag using *_ro command.';
      if (!goodReplicasOk(s.repl)) return '-NOREPLICAS Not enough good replicas to write.';
    }
    if (oom(s) && !(flags & (SCRIPT_FLAG.ALLOW_OOM | SCRIPT_FLAG.NO_WRITES))) {
      return "-OOM allow-oom flag is not set on the script, can not run it when used memory > 'maxmemory'";
    }
  } else if (staleLink) {
    return "-MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.";
  }
  return null;
}

function oom(s: Server): boolean {
  return s.config.maxmemory > 0 && s.memory.used() > s.config.maxmemory;
}

export function newRunCtx(s: Server, caller: Client, funcname: string, flags: number, ro: boolean, evalMode: boolean): RunCtx {
  const compat = (flags & SCRIPT_FLAG.EVAL_COMPAT_MODE) !== 0;
  return {
    caller,
    funcname,
    evalMode,
    readOnly: ro || (!compat && (flags & SCRIPT_FLAG.NO_WRITES) !== 0),
    allowOom: !compat && (flags & SCRIPT_FLAG.ALLOW_OOM) !== 0,
    writeDirty: false,
    killed: false,
    timedOut: false,
    repl: 3,
    startMs: Date.now(),
    oomAtStart: oom(s),
    ops: [],
    thread: null,
  };
}

/** Set KEYS/ARGV (EVAL) in the real globals table. */
function setArrayGlobal(eng: ScriptEngine, name: string, items: string[]): void {
  const L = eng.state;
  lua.lua_createtable(L, items.length, 0);
  for (let i = 0; i < items.length; i++) {
    lua.lua_pushstring(L, bytes(items[i]!));
    lua.lua_rawseti(L, -2, i + 1);
  }
  lua.lua_setglobal(L, lit(name));
}

function parseNumkeys(c: Client, argv: string[]): number | null {
  const numkeys = parseLL(argv[2]!);
  if (numkeys === null) {
    c.addReplyError('value is not an integer or out of range');
    return null;
  }
  if (numkeys > argv.length - 3) {
    c.addReplyError("Number of keys can't be greater than number of args");
    return null;
  }
  if (numkeys < 0) {
    c.addReplyError("Number of keys can't be negative");
    return null;
  }
  return numkeys;
}

export function evalGeneric(c: Client, argv: string[], evalsha: boolean, ro: boolean): void {
  const s = c.server;
  // The script's effects are propagated, never the EVAL itself.
  s.preventPropagation();
  const numkeys = parseNumkeys(c, argv);
  if (numkeys === null) return;
  const eng = s.scripting;
  let sha: string | null;
  if (evalsha) {
    sha = argv[1]!.length === 40 ? argv[1]!.toLowerCase() : '';
    if (!eng.scripts.has(sha)) {
      c.addReplyError('-NOSCRIPT No matching script. Please use EVAL.');
      return;
    }
  } else {
    sha = createScript(c, eng, argv[1]!);
    if (sha === null) return;
  }
  const script = eng.scripts.get(sha)!;
  const err = prepareError(s, c, script.flags, ro);
  if (err !== null) {
    c.addReplyError(err);
    return;
  }
  const L = eng.state;
  setArrayGlobal(eng, 'KEYS', argv.slice(3, 3 + numkeys));
  setArrayGlobal(eng, 'ARGV', argv.slice(3 + numkeys));
  lua.lua_getfield(L, lua.LUA_REGISTRYINDEX, lit(`f_${sha}`));
  eng.start(newRunCtx(s, c, sha, script.flags, ro, true), 0);
}

export function scriptCommand(c: Client, argv: string[]): void {
  const eng = c.server.scripting;
  const sub = argv[1]!.toLowerCase();
  if (sub === 'help' && argv.length === 2) {
    c.addReplyHelp('script', [
      'DEBUG (YES|SYNC|NO)',
      '    Set the debug mode for subsequent scripts executed.',
      'EXISTS <sha1> [<sha1> ...]',
      '    Return information about the existence of the scripts in the script cache.',
      'FLUSH [ASYNC|SYNC]',
      '    Flush the Lua scripts cache. Very dangerous on replicas.',
      '    When called without the optional mode argument, the behavior is determined by the',
      '    lazyfree-lazy-user-flush configuration directive. Valid modes are:',
      '    * ASYNC: Asynchronously flush the scripts cache.',
      '    * SYNC: Synchronously flush the scripts cache.',
      'KILL',
      '    Kill the currently executing Lua script.',
      'LOAD <script>',
      '    Load a script into the scripts cache without executing it.',
    ]);
  } else if (sub === 'flush' && argv.length >= 2 && argv.length <= 3) {
    if (argv.length === 3 && !['sync', 'async'].includes(argv[2]!.toLowerCase())) {
      c.addReplyError('SCRIPT FLUSH only support SYNC|ASYNC option');
      return;
    }
    eng.reset();
    c.addReplyOk();
  } else if (sub === 'exists' && argv.length >= 3) {
    c.addReplyArrayLen(argv.length - 2);
    for (let i = 2; i < argv.length; i++) c.addReplyInt(eng.scripts.has(argv[i]!.toLowerCase()) ? 1 : 0);
  } else if (sub === 'load' && argv.length === 3) {
    const sha = createScript(c, eng, argv[2]!);
    if (sha !== null) c.addReplyBulk(sha);
  } else if (sub === 'kill' && argv.length === 2) {
    scriptKill(c.server, c, true);
  } else if (sub === 'debug' && argv.length === 3) {
    c.addReplyError('SCRIPT DEBUG is not supported by this server');
  } else {
    c.addReplyError(`unknown subcommand or wrong number of arguments for '${argv[1]!.slice(0, 128)}'. Try SCRIPT HELP.`);
  }
}
