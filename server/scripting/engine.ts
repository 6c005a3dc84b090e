import { createHash } from 'node:crypto';
import { blockGeneric, resume, unblock } from '../blocking.js';
import { Client } from '../client.js';
import { markScriptClient } from '../commands/streams.js';
import { CF, type CommandSpec, specFlags } from '../commands/table.js';
import { call } from '../dispatch.js';
import type { PropagatedOp, Server } from '../server.js';
import { fmt17g } from '../util/numbers.js';
import { bytes, type LuaState, lauxlib, lit, lua, newState, pushStr, raise, runSetup, toStr } from './lua.js';
import { openRedisLibs } from './lua-libs.js';

/**
 * The script runtime shared by EVAL and FCALL (Redis's script.c + script_lua.c): one Lua state,
 * the redis.* API, the client scripts run their commands through, the conversions between RESP
 * and Lua values, effects propagation, and busy scripts (a script that runs past
 * busy-reply-threshold yields to the event loop from a Lua hook, so other clients get -BUSY
 * and SCRIPT KILL / FUNCTION KILL / SHUTDOWN NOSAVE can reach the server).
 */

export const SCRIPT_FLAG = {
  NO_WRITES: 1 << 0,
  ALLOW_OOM: 1 << 1,
  ALLOW_STALE: 1 << 2,
  NO_CLUSTER: 1 << 3,
  EVAL_COMPAT_MODE: 1 << 4,
  ALLOW_CROSS_SLOT: 1 << 5,
} as const;

export const BUSY_EVAL = '-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.';
export const BUSY_FUNCTION = '-BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.';

export function sha1hex(s: string): string {
  return createHash('sha1').update(s, 'latin1').digest('hex');
}

/** One script invocation (Redis's scriptRunCtx). */
export interface RunCtx {
  caller: Client;
  /** The sha (EVAL) or function name (FCALL), as error messages name it. */
  funcname: string;
  evalMode: boolean;
  readOnly: boolean;
  allowOom: boolean;
  writeDirty: boolean;
  killed: boolean;
  timedOut: boolean;
  /** redis.set_repl flags: 0 none, 1 AOF, 2 replicas, 3 all. */
  repl: number;
  startMs: number;
  /** Over maxmemory when the script started (commands that may grow memory are refused). */
  oomAtStart: boolean;
  /** The script's effects, propagated together (MULTI/EXEC) when it ends. */
  ops: PropagatedOp[];
  thread: LuaState | null;
}

/** Lua helpers installed once: the error handler (positions into error tables), the run wrapper, Redis's pcall. */
const SETUP = `
local dbg = debug
function __redis__err__handler(err)
  local i = dbg.getinfo(2,'nSl')
  if i and (i.what == 'C' or i.what == 'J') then
    i = dbg.getinfo(3,'nSl')
  end
  if type(err) ~= 'table' then
    err = {err='ERR ' .. tostring(err)}
  end
  if i then
    err['source'] = i.source
    err['line'] = i.currentline
  end
  return err
end
local xpcall, handler, pack, unpack = xpcall, __redis__err__handler, table.pack, table.unpack
function __redis__run(f, ...)
  return xpcall(f, handler, ...)
end
local rawpcall = pcall
pcall = function(f, ...)
  local r = pack(rawpcall(f, ...))
  if not r[1] and type(r[2]) == 'table' and type(r[2].err) == 'string' then
    r[2] = r[2].err
  end
  return unpack(r, 1, r.n)
end
`;

/** Globals Redis refuses to create or read when missing (its allow list covers what exists). */
const PROTECT = `
local G = _G
local err = error
local ro = __redis__ro
local function protect(t, seen)
  if seen[t] then return end
  seen[t] = true
  for k, v in pairs(t) do
    if type(v) == 'table' and k ~= '_G' and k ~= 'KEYS' and k ~= 'ARGV' then protect(v, seen) end
  end
  if t ~= G then
    local proxy = {}
    setmetatable(proxy, {__index = t, __newindex = ro, __pairs = function() return next, t, nil end, __len = function() return #t end, __metatable = false})
    return proxy
  end
end
__redis__protect = protect
`;

export class ScriptEngine {
  private L: LuaState | null = null;
  readonly client: Client;
  run: RunCtx | null = null;
  /** Scripts by sha (SCRIPT LOAD / EVAL). */
  readonly scripts = new Map<string, { body: string; flags: number }>();
  /** Time the current script started, for INFO and BUSY. */
  busy = false;

  constructor(readonly server: Server) {
    this.client = new Client(server, null);
    this.client.authenticated = true;
    markScriptClient(this.client);
  }

  /**
   * `onState` completes every Lua state this engine creates (the functions engine adds its library
   * API): states are made on first use, so a server that runs no script never loads fengari.
   */
  onState: ((L: LuaState) => void) | null = null;

  get state(): LuaState {
    if (this.L === null) {
      const L = this.createState();
      this.onState?.(L);
      this.L = L;
    }
    return this.L;
  }

  /** SCRIPT FLUSH: a fresh Lua state, no cached scripts. */
  reset(): void {
    this.L = null;
    this.scripts.clear();
  }

  private createState(): LuaState {
    const L = newState();
    openRedisLibs(L);
    this.registerApi(L);
    runSetup(L, SETUP, 'err_handler_def');
    lua.lua_pushjsfunction(L, (L) => raise(L, 'Attempt to modify a readonly table'));
    lua.lua_setglobal(L, lit('__redis__ro'));
    lua.lua_pushjsfunction(L, (L) => {
      lua.lua_getglobal(L, lit('__redis__lookup'));
      lua.lua_pushvalue(L, 2);
      lua.lua_call(L, 1, 2);
      if (!lua.lua_toboolean(L, -2)) raise(L, `Script attempted to access nonexistent global variable '${toStr(L, 2) ?? '?'}'`);
      return 1;
    });
    lua.lua_setglobal(L, lit('__redis__index'));
    // The sandbox every script runs in: globals read through a proxy that refuses writes and
    // reads of unknown names; library tables are read-only proxies.
    runSetup(L, PROTECT, 'protect');
    runSetup(
      L,
      `
local G, err, rawget = _G, error, rawget
local libs = {}
for _, name in ipairs({'string','table','math','coroutine','bit','cjson','cmsgpack','struct','redis'}) do
  libs[name] = __redis__protect(G[name], {})
end
-- Redis's allow list of builtins (script_lua.c); anything else reads as a missing global.
local allowed = {}
for _, name in ipairs({'xpcall','tostring','getfenv','setmetatable','next','assert','tonumber','rawequal','collectgarbage',
    'getmetatable','rawset','pcall','type','select','unpack','gcinfo','pairs','rawget','loadstring','ipairs','_VERSION',
    'setfenv','load','error','newproxy','__redis__err__handler','KEYS','ARGV'}) do
  allowed[name] = true
end
local loadapi = nil
__redis__set_loadapi = function(api) loadapi = api end
-- (found, value) for a global name; the errors are raised by the JS metamethods so that the
-- error handler attributes them to the script's line, as Redis's C metamethods are.
__redis__lookup = function(k)
  if loadapi then
    local v = loadapi[k]
    return v ~= nil, v
  end
  local v = libs[k]
  if v ~= nil then return true, v end
  if k == '_G' then return true, __redis__env end
  if not allowed[k] then return false end
  return true, rawget(G, k)
end
local env = setmetatable({}, {
  __index = __redis__index,
  __newindex = __redis__ro,
  __metatable = false,
})
__redis__env = env
dofile = nil
loadfile = nil
`,
      'sandbox',
    );
    return L;
  }

  /** Compile `code` as a function whose globals are the sandbox; leaves it on the stack or returns the error. */
  compile(code: string, chunkname: string): string | null {
    const L = this.state;
    if (lauxlibLoad(L, code, chunkname) !== lua.LUA_OK) {
      const msg = toStr(L, -1) ?? 'unknown error';
      lua.lua_pop(L, 1);
      return msg;
    }
    lua.lua_getglobal(L, lit('__redis__env'));
    lua.lua_setupvalue(L, -2, 1);
    return null;
  }

  // ---- redis.* API ----

  private registerApi(L: LuaState): void {
    const fns: Record<string, (L: LuaState) => number> = {
      call: (L) => this.redisCall(L, true),
      pcall: (L) => this.redisCall(L, false),
      sha1hex: (L) => {
        if (lua.lua_gettop(L) !== 1) return pushError(L, 'wrong number of arguments', true);
        pushStr(L, sha1hex(toStr(L, 1) ?? ''));
        return 1;
      },
      error_reply: (L) => {
        if (lua.lua_gettop(L) !== 1 || lua.lua_type(L, -1) !== lua.LUA_TSTRING) return pushError(L, 'wrong number or type of arguments', false);
        const e = toStr(L, -1)!;
        return pushError(L, e.startsWith('-') ? e : `-${e}`, false);
      },
      status_reply: (L) => {
        if (lua.lua_gettop(L) !== 1 || lua.lua_type(L, -1) !== lua.LUA_TSTRING) return pushError(L, 'wrong number or type of arguments', false);
        lua.lua_newtable(L);
        lua.lua_pushliteral(L, 'ok');
        lua.lua_pushvalue(L, -3);
        lua.lua_settable(L, -3);
        return 1;
      },
      log: (L) => {
        const argc = lua.lua_gettop(L);
        if (argc < 2) return pushError(L, 'redis.log() requires two arguments or more.', true);
        if (lua.lua_type(L, 1) !== lua.LUA_TNUMBER) return pushError(L, 'First argument must be a number (log level).', true);
        const level = lua.lua_tonumber(L, 1);
        if (level < 0 || level > 3) return pushError(L, 'Invalid debug level.', true);
        const parts: string[] = [];
        for (let i = 2; i <= argc; i++) parts.push(toStr(L, i) ?? '');
        const log = this.server.log;
        const msg = parts.join(' ');
        if (level === 0) log.debug(msg);
        else if (level === 1) log.verbose(msg);
        else if (level === 2) log.notice(msg);
        else log.warning(msg);
        return 0;
      },
      setresp: (L) => {
        if (this.run === null) return pushError(L, 'redis.setresp can only be called inside a script invocation', true);
        if (lua.lua_gettop(L) !== 1) return pushError(L, 'redis.setresp() requires one argument.', true);
        const v = lua.lua_tonumber(L, 1);
        if (v !== 2 && v !== 3) return pushError(L, 'RESP version must be 2 or 3.', true);
        this.client.resp = v;
        return 0;
      },
      set_repl: (L) => {
        if (this.run === null) return pushError(L, 'redis.set_repl can only be called inside a script invocation', true);
        if (lua.lua_gettop(L) !== 1) return pushError(L, 'redis.set_repl() requires two arguments.', true);
        const v = lua.lua_tonumber(L, 1);
        if (!Number.isInteger(v) || v < 0 || v > 3) return pushError(L, 'Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.', true);
        this.run.repl = v;
        return 0;
      },
      replicate_commands: (L) => {
        lua.lua_pushboolean(L, true);
        return 1;
      },
      breakpoint: (L) => {
        // No debugging session (SCRIPT DEBUG is not supported): like Redis outside ldb.
        lua.lua_pushboolean(L, false);
        return 1;
      },
      debug: () => 0,
      acl_check_cmd: (L) => {
        if (this.run === null) return pushError(L, 'redis.acl_check_cmd can only be called inside a script invocation', true);
        if (lua.lua_gettop(L) === 0) return pushError(L, 'Please specify at least one argument for this redis lib call', true);
        const argv = luaArgv(L);
        if (argv === null) return pushError(L, 'Lua redis lib command arguments must be strings or integers', true);
        // Redis's lookupCommand: the command, or its subcommand when it has them.
        const ref = this.server.commands.resolve(argv[0]!);
        let spec: CommandSpec | undefined = ref?.spec;
        if (spec?.subcommands !== undefined && argv.length >= 2) spec = spec.subcommands.find((x) => x.name === argv[1]!.toLowerCase());
        if (spec === undefined) return pushError(L, 'Invalid command passed to redis.acl_check_cmd()', true);
        lua.lua_pushboolean(L, this.server.acl.check(this.run.caller.user, spec, argv) === null);
        return 1;
      },
    };
    lua.lua_newtable(L);
    for (const [k, f] of Object.entries(fns)) {
      lua.lua_pushjsfunction(L, f);
      lua.lua_setfield(L, -2, lit(k));
    }
    const nums: [string, number][] = [
      ['LOG_DEBUG', 0],
      ['LOG_VERBOSE', 1],
      ['LOG_NOTICE', 2],
      ['LOG_WARNING', 3],
      ['REPL_NONE', 0],
      ['REPL_AOF', 1],
      ['REPL_SLAVE', 2],
      ['REPL_REPLICA', 2],
      ['REPL_ALL', 3],
    ];
    for (const [k, v] of nums) {
      lua.lua_pushnumber(L, v);
      lua.lua_setfield(L, -2, lit(k));
    }
    lua.lua_setglobal(L, lit('redis'));
  }

  /** luaRedisGenericCommand: run a command for the script and push its reply as Lua. */
  private redisCall(L: LuaState, raiseError: boolean): number {
    const ctx = this.run;
    if (ctx === null) return pushError(L, 'redis.call/pcall can only be called inside a script invocation', true);
    if (lua.lua_gettop(L) === 0) return pushError(L, 'Please specify at least one argument for this redis lib call', raiseError);
    const argv = luaArgv(L);
    if (argv === null) return pushError(L, 'Lua redis lib command arguments must be strings or integers', raiseError);
    const err = this.execute(ctx, argv);
    if (err !== null) {
      pushError(L, err, false);
      lua.lua_pushliteral(L, 'ignore_error_stats_update');
      lua.lua_pushboolean(L, true);
      lua.lua_settable(L, -3);
      if (raiseError) lua.lua_error(L);
      return 1;
    }
    const reply = this.client.out;
    this.client.out = '';
    pushReply(L, reply, { p: 0 });
    if (raiseError && reply.charCodeAt(0) === 45) lua.lua_error(L);
    return 1;
  }

  /** scriptCall: the checks Redis applies to commands from scripts, then the call. An error text, or null. */
  private execute(ctx: RunCtx, argv: string[]): string | null {
    const s = this.server;
    const sc = this.client;
    const ref = s.commands.resolve(argv[0]!);
    let spec: CommandSpec | undefined = ref?.spec;
    let fullname = ref?.name ?? '';
    if (spec?.subcommands !== undefined && argv.length >= 2) {
      const sub = argv[1]!.toLowerCase();
      spec = spec.subcommands.find((x) => x.name === sub);
      fullname = `${fullname}|${sub}`;
    }
    if (spec === undefined || (spec.arity > 0 && spec.arity !== argv.length) || argv.length < -spec.arity) {
      return spec === undefined ? 'Unknown Redis command called from script' : 'Wrong number of args calling Redis command from script';
    }
    const flags = specFlags(spec);
    if (spec.flags.includes('noscript')) return 'This Redis command is not allowed from script';
    if (s.role === 'slave' && s.repl.linkState !== 'connected' && !s.config.replicaServeStaleData && !spec.flags.includes('stale')) {
      return 'Can not execute the command on a stale replica';
    }
    // scriptVerifyACL: the command runs under the caller's user.
    const denied = s.acl.checkScriptCommand(ctx.caller, spec, fullname, argv);
    if (denied !== null) return denied;
    if (ctx.readOnly && flags & (CF.WRITE | CF.MAY_REPLICATE)) return 'Write commands are not allowed from read-only scripts.';
    if (flags & CF.WRITE && !ctx.writeDirty) {
      if (s.role === 'slave' && s.config.replicaReadOnly && !ctx.caller.isMaster) return "-READONLY You can't write against a read only replica.";
    }
    if (!ctx.allowOom && !ctx.writeDirty && flags & CF.DENYOOM && !ctx.caller.isMaster && s.config.maxmemory > 0 && ctx.oomAtStart) {
      return "-OOM command not allowed when used memory > 'maxmemory'.";
    }
    if (flags & CF.WRITE) ctx.writeDirty = true;
    sc.out = '';
    call(s, sc, spec, fullname, argv);
    return null;
  }

  /**
   * Run a compiled function (on the stack of the main state, with `nargs` arguments above it)
   * for `ctx.caller`, reply to it, propagate the effects. Yields to the event loop when the
   * script is busy past the threshold (only when it runs as a top-level command).
   */
  start(ctx: RunCtx, nargs: number): void {
    const s = this.server;
    const L = this.state;
    this.run = ctx;
    this.client.db = ctx.caller.db;
    this.client.user = ctx.caller.user; // SORT BY/GET and other per-user checks inside commands
    this.client.resp = 2;
    const T = lua.lua_newthread(L);
    ctx.thread = T;
    // Stack of L: ... f args... T → move f and args to T under the run wrapper.
    lua.lua_insert(L, -(nargs + 2));
    lua.lua_getglobal(T, lit('__redis__run'));
    lua.lua_xmove(L, T, nargs + 1);
    // T now: __redis__run f args... ; L keeps T referenced until the run ends.
    const threshold = s.config.busyReplyThreshold;
    const canYield = s.callDepth <= 1 && ctx.caller.socket !== null && !ctx.caller.isMaster && ctx.caller.multi === null;
    if (threshold > 0) {
      lua.lua_sethook(
        T,
        (Lt) => {
          if (ctx.killed) {
            pushError(Lt, 'Script killed by user with SCRIPT KILL...', false);
            lua.lua_error(Lt);
          }
          if (Date.now() - ctx.startMs < threshold) return;
          if (!ctx.timedOut) {
            ctx.timedOut = true;
            s.log.warning(
              `Slow script detected: still in execution after ${Date.now() - ctx.startMs} milliseconds. You can try killing the script using the ${ctx.evalMode ? 'SCRIPT KILL' : 'FUNCTION KILL'} command. Script name is: ${ctx.funcname}.`,
            );
          }
          if (canYield) lua.lua_yield(Lt, 0);
        },
        lua.LUA_MASKCOUNT,
        canYield ? 10000 : 100000,
      );
    }
    this.step(ctx, nargs + 1);
  }

  /** Resume the script thread; finish or schedule the next slice. */
  private step(ctx: RunCtx, nargs: number): void {
    const s = this.server;
    const T = ctx.thread!;
    const saved = s.pendingPropagate;
    s.pendingPropagate = ctx.ops;
    s.callDepth++;
    let status: number;
    try {
      status = lua.lua_resume(T, this.state, nargs);
    } finally {
      s.callDepth--;
      s.pendingPropagate = saved;
    }
    if (status === lua.LUA_YIELD) {
      if (!this.busy) {
        this.busy = true;
        blockGeneric(ctx.caller, 'sleep', 0, () => {});
      }
      setImmediate(() => {
        s.refreshNow();
        this.step(ctx, 0);
      });
      return;
    }
    this.finish(ctx, status);
  }

  private finish(ctx: RunCtx, status: number): void {
    const s = this.server;
    const T = ctx.thread!;
    const L = this.state;
    const c = ctx.caller;
    const wasBusy = this.busy;
    if (wasBusy) unblock(c);
    if (status !== lua.LUA_OK) {
      // An error outside the protected call (in the error handler itself).
      c.addReplyError(`Error running script ${ctx.funcname}, ${(toStr(T, -1) ?? 'execution failure').slice(0, 100)}`);
    } else if (lua.lua_toboolean(T, 1)) {
      luaToReply(T, 2, c, this.client.resp);
    } else {
      replyScriptError(T, c, ctx.funcname);
    }
    lua.lua_settop(T, 0);
    lua.lua_settop(L, 0);
    this.run = null;
    this.busy = false;
    if (ctx.repl !== 0 && ctx.ops.length > 0) for (const op of ctx.ops) s.pendingPropagate.push(op);
    if (s.callDepth === 0) s.flushPropagation();
    if (wasBusy) {
      s.log.warning(`Script ${ctx.funcname} ended after ${Date.now() - ctx.startMs} milliseconds.`);
      resume(c);
    }
  }
}

/** SCRIPT KILL / FUNCTION KILL (scriptKill): whichever of the two runtimes is busy. */
export function scriptKill(s: Server, c: Client, isEval: boolean): void {
  const eng = s.scripting.busy ? s.scripting : s.functions.eng.busy ? s.functions.eng : null;
  const ctx = eng?.run ?? null;
  if (ctx === null) return c.addReplyError('-NOTBUSY No scripts in execution right now.');
  if (ctx.caller.isMaster) {
    return c.addReplyError('-UNKILLABLE The busy script was sent by a master instance in the context of replication and cannot be killed.');
  }
  if (ctx.writeDirty) {
    return c.addReplyError(
      '-UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.',
    );
  }
  if (isEval && !ctx.evalMode) return c.addReplyError(BUSY_FUNCTION);
  if (!isEval && ctx.evalMode) return c.addReplyError(BUSY_EVAL);
  ctx.killed = true;
  c.addReplyOk();
}

function lauxlibLoad(L: LuaState, code: string, chunkname: string): number {
  return lauxlib.luaL_loadbuffer(L, bytes(code), null, lit(chunkname));
}

/** luaPushErrorBuff: an error table {err = "CODE message"}; raised when `raiseIt`. */
/** The arguments on the stack as command arguments (Redis's luaArgsToRedisArgv), popped; null when one is not a string or number. */
function luaArgv(L: LuaState): string[] | null {
  const argc = lua.lua_gettop(L);
  const argv: string[] = new Array<string>(argc);
  for (let j = 0; j < argc; j++) {
    const t = lua.lua_type(L, j + 1);
    if (t === lua.LUA_TNUMBER) argv[j] = fmt17g(lua.lua_tonumber(L, j + 1));
    else if (t === lua.LUA_TSTRING) argv[j] = toStr(L, j + 1)!;
    else {
      lua.lua_settop(L, 0);
      return null;
    }
  }
  lua.lua_settop(L, 0);
  return argv;
}

export function pushError(L: LuaState, msg0: string, raiseIt: boolean): number {
  let msg = msg0;
  let code = 'ERR';
  if (msg.startsWith('-')) {
    const sp = msg.indexOf(' ');
    if (sp < 0) msg = msg.slice(1);
    else {
      code = msg.slice(1, sp);
      msg = msg.slice(sp + 1);
    }
  }
  msg = msg.replace(/^[\r\n]+|[\r\n]+$/g, '');
  lua.lua_newtable(L);
  lua.lua_pushliteral(L, 'err');
  pushStr(L, `${code} ${msg}`);
  lua.lua_settable(L, -3);
  if (raiseIt) lua.lua_error(L);
  return 1;
}

/** redisProtocolToLuaType: push one RESP2/RESP3 reply as a Lua value; returns the end offset. */
export function pushReply(L: LuaState, r: string, pos: { p: number }): void {
  const t = r[pos.p]!;
  const eol = r.indexOf('\r\n', pos.p);
  const line = r.slice(pos.p + 1, eol);
  pos.p = eol + 2;
  switch (t) {
    case ':':
      lua.lua_pushnumber(L, Number(line));
      return;
    case '$': {
      const n = Number(line);
      if (n < 0) {
        lua.lua_pushboolean(L, false);
        return;
      }
      pushStr(L, r.slice(pos.p, pos.p + n));
      pos.p += n + 2;
      return;
    }
    case '+':
      lua.lua_newtable(L);
      lua.lua_pushliteral(L, 'ok');
      pushStr(L, line);
      lua.lua_settable(L, -3);
      return;
    case '-':
      pushError(L, `-${line}`, false);
      return;
    case '*':
    case '~':
    case '>': {
      const n = Number(line);
      if (n < 0) {
        lua.lua_pushboolean(L, false);
        return;
      }
      if (t === '~') {
        lua.lua_newtable(L);
        lua.lua_pushliteral(L, 'set');
        lua.lua_newtable(L);
        for (let i = 0; i < n; i++) {
          pushReply(L, r, pos);
          lua.lua_pushboolean(L, true);
          lua.lua_settable(L, -3);
        }
        lua.lua_settable(L, -3);
        return;
      }
      lua.lua_createtable(L, n, 0);
      for (let i = 1; i <= n; i++) {
        pushReply(L, r, pos);
        lua.lua_rawseti(L, -2, i);
      }
      return;
    }
    case '%': {
      const n = Number(line);
      lua.lua_newtable(L);
      lua.lua_pushliteral(L, 'map');
      lua.lua_newtable(L);
      for (let i = 0; i < n; i++) {
        pushReply(L, r, pos);
        pushReply(L, r, pos);
        lua.lua_settable(L, -3);
      }
      lua.lua_settable(L, -3);
      return;
    }
    case '_':
      lua.lua_pushnil(L);
      return;
    case '#':
      lua.lua_pushboolean(L, line === 't');
      return;
    case ',': {
      lua.lua_newtable(L);
      lua.lua_pushliteral(L, 'double');
      lua.lua_pushnumber(L, line === 'inf' ? Infinity : line === '-inf' ? -Infinity : Number(line));
      lua.lua_settable(L, -3);
      return;
    }
    case '(':
      lua.lua_newtable(L);
      lua.lua_pushliteral(L, 'big_number');
      pushStr(L, line);
      lua.lua_settable(L, -3);
      return;
    case '=': {
      const n = Number(line);
      const body = r.slice(pos.p, pos.p + n);
      pos.p += n + 2;
      lua.lua_newtable(L);
      lua.lua_pushliteral(L, 'verbatim_string');
      lua.lua_newtable(L);
      lua.lua_pushliteral(L, 'format');
      pushStr(L, body.slice(0, 3));
      lua.lua_settable(L, -3);
      lua.lua_pushliteral(L, 'string');
      pushStr(L, body.slice(4));
      lua.lua_settable(L, -3);
      lua.lua_settable(L, -3);
      return;
    }
    default:
      raise(L, `unexpected reply type ${t}`);
  }
}

function rawField(L: LuaState, idx: number, name: string): number {
  lua.lua_pushliteral(L, name);
  return lua.lua_rawget(L, idx < 0 ? idx - 1 : idx);
}

/** A Lua number as the integer reply Redis sends ((long long) cast: truncation, out of range → INT64_MIN). */
function integerReply(n: number): string {
  if (!Number.isFinite(n) || Math.abs(n) >= 2 ** 63) return '-9223372036854775808';
  const t = Math.trunc(n);
  return Number.isSafeInteger(t) ? String(t) : BigInt(t).toString();
}

/** luaReplyToRedisReply: reply the Lua value at `idx` to `c`; `scriptResp` is the script's redis.setresp. */
export function luaToReply(L: LuaState, idx0: number, c: Client, scriptResp: 2 | 3): void {
  const idx = idx0 < 0 ? lua.lua_gettop(L) + idx0 + 1 : idx0;
  const t = lua.lua_type(L, idx);
  switch (t) {
    case lua.LUA_TSTRING:
      c.addReplyBulk(toStr(L, idx)!);
      return;
    case lua.LUA_TBOOLEAN:
      if (scriptResp === 2) {
        if (lua.lua_toboolean(L, idx)) c.addReplyRaw(':1\r\n');
        else c.addReplyNull();
      } else c.addReplyBool(lua.lua_toboolean(L, idx));
      return;
    case lua.LUA_TNUMBER:
      c.addReplyRaw(':' + integerReply(lua.lua_tonumber(L, idx)) + '\r\n');
      return;
    case lua.LUA_TTABLE: {
      if (rawField(L, idx, 'err') === lua.LUA_TSTRING) {
        const msg = toStr(L, -1)!;
        lua.lua_pop(L, 1);
        c.addReplyError(`-${msg}`);
        return;
      }
      lua.lua_pop(L, 1);
      if (rawField(L, idx, 'ok') === lua.LUA_TSTRING) {
        c.addReplyStatus(toStr(L, -1)!.replace(/[\r\n]/g, ' '));
        lua.lua_pop(L, 1);
        return;
      }
      lua.lua_pop(L, 1);
      if (rawField(L, idx, 'double') === lua.LUA_TNUMBER) {
        c.addReplyDouble(lua.lua_tonumber(L, -1));
        lua.lua_pop(L, 1);
        return;
      }
      lua.lua_pop(L, 1);
      if (rawField(L, idx, 'big_number') === lua.LUA_TSTRING) {
        const b = toStr(L, -1)!.replace(/[\r\n]/g, ' ');
        c.addReplyRaw(c.resp === 3 ? `(${b}\r\n` : `$${b.length}\r\n${b}\r\n`);
        lua.lua_pop(L, 1);
        return;
      }
      lua.lua_pop(L, 1);
      if (rawField(L, idx, 'verbatim_string') === lua.LUA_TTABLE) {
        const v = lua.lua_gettop(L);
        if (rawField(L, v, 'format') === lua.LUA_TSTRING) {
          const fmt = toStr(L, -1)!;
          if (rawField(L, v, 'string') === lua.LUA_TSTRING) {
            c.addReplyVerbatim(toStr(L, -1)!, fmt);
            lua.lua_pop(L, 3);
            return;
          }
          lua.lua_pop(L, 1);
        }
        lua.lua_pop(L, 1);
      }
      lua.lua_pop(L, 1);
      if (rawField(L, idx, 'map') === lua.LUA_TTABLE) {
        const m = lua.lua_gettop(L);
        const save = c.out;
        c.out = '';
        let n = 0;
        lua.lua_pushnil(L);
        while (lua.lua_next(L, m) !== 0) {
          luaToReply(L, -2, c, scriptResp);
          luaToReply(L, -1, c, scriptResp);
          lua.lua_pop(L, 1);
          n++;
        }
        const body = c.out;
        c.out = save;
        c.addReplyMapLen(n);
        c.addReplyRaw(body);
        lua.lua_pop(L, 1);
        return;
      }
      lua.lua_pop(L, 1);
      if (rawField(L, idx, 'set') === lua.LUA_TTABLE) {
        const m = lua.lua_gettop(L);
        const save = c.out;
        c.out = '';
        let n = 0;
        lua.lua_pushnil(L);
        while (lua.lua_next(L, m) !== 0) {
          luaToReply(L, -2, c, scriptResp);
          lua.lua_pop(L, 1);
          n++;
        }
        const body = c.out;
        c.out = save;
        c.addReplySetLen(n);
        c.addReplyRaw(body);
        lua.lua_pop(L, 1);
        return;
      }
      lua.lua_pop(L, 1);
      const save = c.out;
      c.out = '';
      let n = 0;
      for (let j = 1; ; j++) {
        lua.lua_pushnumber(L, j);
        lua.lua_rawget(L, idx);
        if (lua.lua_type(L, -1) === lua.LUA_TNIL) {
          lua.lua_pop(L, 1);
          break;
        }
        luaToReply(L, -1, c, scriptResp);
        lua.lua_pop(L, 1);
        n++;
      }
      const body = c.out;
      c.out = save;
      c.addReplyArrayLen(n);
      c.addReplyRaw(body);
      return;
    }
    default:
      c.addReplyNull();
  }
}

/** The reply to a script that raised (luaCallFunction's error branch): value at index 2 of T. */
function replyScriptError(T: LuaState, c: Client, funcname: string): void {
  if (lua.lua_type(T, 2) !== lua.LUA_TTABLE) {
    const msg = lua.lua_isstring(T, 2) ? toStr(T, 2)! : 'execution failure';
    c.addReplyError(`Error running script ${funcname}, ${msg.slice(0, 100)}`);
    return;
  }
  let msg = 'ERR unknown error';
  if (rawField(T, 2, 'err') === lua.LUA_TSTRING) msg = toStr(T, -1)!;
  lua.lua_pop(T, 1);
  const srcT = rawField(T, 2, 'source');
  const source = srcT === lua.LUA_TSTRING ? toStr(T, -1) : null;
  lua.lua_pop(T, 1);
  const lineT = rawField(T, 2, 'line');
  const line = lineT === lua.LUA_TNUMBER || lineT === lua.LUA_TSTRING ? toStr(T, -1) : null;
  lua.lua_pop(T, 1);
  let final = `-${msg}`;
  if (line !== null && source !== null) final += ` script: ${funcname}, on ${source}:${line}.`;
  c.addReplyError(final);
}
