import { createRequire } from 'node:module';
import type * as Fengari from 'fengari';
import type { LuaState, LuaString } from 'fengari';

/**
 * The Lua VM: fengari (Lua 5.3 in JavaScript) configured to look like the Lua 5.1 Redis embeds
 * where scripts can tell the difference:
 * - integral floats print without ".0" (LUA_COMPAT_FLOATSTRING): tostring(10/2) is "5";
 * - numbers coming from Redis (integer replies) are pushed as floats, as 5.1 has only doubles;
 * - 5.1 globals scripts use: unpack, loadstring, table.getn, table.maxn, math.pow, math.mod,
 *   string.gfind;
 * - Redis's libraries: cjson, cmsgpack, struct, bit (lua-libs.ts).
 * What stays 5.3 is listed in README (integer literals are integers, `//` and bitwise
 * operators parse, `#` on tables with holes may pick another border).
 */

// fengari is loaded on first use (newState): loading it costs about half a CPU-second, which
// every server start paid before, scripts or not (six cluster nodes starting at once on two
// cores). The bindings below are ES module live bindings, set when it loads.
let fengari: typeof Fengari | null = null;
export let lua: typeof Fengari.lua;
export let lauxlib: typeof Fengari.lauxlib;
export let lualib: typeof Fengari.lualib;

function loadFengari(): typeof Fengari {
  if (fengari !== null) return fengari;
  // fengari reads its configuration from the environment when first loaded.
  process.env.FENGARICONF = JSON.stringify({ LUA_COMPAT_FLOATSTRING: true });
  const f = createRequire(import.meta.url)('fengari') as typeof Fengari;
  lua = f.lua;
  lauxlib = f.lauxlib;
  lualib = f.lualib;
  fengari = f;
  return f;
}

export type { LuaState, LuaString };

type Latin1Buffer = Buffer & { latin1Slice(start: number, end: number): string };

/** A latin1 JS string (our binary-safe value) as Lua bytes. */
export function bytes(s: string): LuaString {
  return Buffer.from(s, 'latin1');
}

const literals = new Map<string, LuaString>();

/** Literal ASCII text as Lua bytes (names, messages); names used on every call are cached. */
export function lit(s: string): LuaString {
  let b = literals.get(s);
  if (b === undefined) {
    b = loadFengari().to_luastring(s);
    if (literals.size < 10000) literals.set(s, b);
  }
  return b;
}

/** Lua bytes as a latin1 JS string. */
export function str(b: LuaString): string {
  const buf = (Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength)) as Latin1Buffer;
  return buf.latin1Slice(0, buf.length);
}

/** The string at `idx` (numbers converted as Lua does), or null. */
export function toStr(L: LuaState, idx: number): string | null {
  const b = lua.lua_tolstring(L, idx);
  return b === null ? null : str(b);
}

export function pushStr(L: LuaState, s: string): void {
  lua.lua_pushstring(L, bytes(s));
}

/** Throw a Lua error with a plain message (positions added like luaL_error). */
export function raise(L: LuaState, msg: string): never {
  return lauxlib.luaL_error(L, lit('%s'), lit(msg));
}

/** Run a chunk of trusted setup Lua code in the global environment. */
export function runSetup(L: LuaState, code: string, name: string): void {
  if (lauxlib.luaL_loadbuffer(L, lit(code), null, lit(`@${name}`)) !== lua.LUA_OK || lua.lua_pcall(L, 0, 0, 0) !== lua.LUA_OK) {
    throw new Error(`Lua setup ${name} failed: ${toStr(L, -1)}`);
  }
}

/** Lua 5.1 names scripts written for Redis use, defined over 5.3's library. */
const COMPAT_51 = `
unpack = table.unpack
loadstring = load
table.getn = function(t) return #t end
table.maxn = function(t) local m = 0 for k in pairs(t) do if type(k) == 'number' and k > m then m = k end end return m end
math.pow = function(a, b) return a ^ b end
math.mod = math.fmod
math.ldexp = function(m, e) return m * 2.0 ^ e end
math.frexp = function(x)
  if x == 0 then return 0.0, 0 end
  local e = math.floor(math.log(math.abs(x), 2)) + 1
  local m = x / 2.0 ^ e
  if math.abs(m) >= 1 then m = m / 2; e = e + 1 end
  return m, e
end
string.gfind = string.gmatch
_VERSION = 'Lua 5.1'
`;

/** A fresh state with the libraries Redis loads (base, table, string, math, debug) and the 5.1 names. */
export function newState(): LuaState {
  loadFengari();
  const L = lauxlib.luaL_newstate();
  for (const [name, open] of [
    ['_G', lualib.luaopen_base],
    ['table', lualib.luaopen_table],
    ['string', lualib.luaopen_string],
    ['math', lualib.luaopen_math],
    ['debug', lualib.luaopen_debug],
    ['coroutine', lualib.luaopen_coroutine],
  ] as const) {
    lauxlib.luaL_requiref(L, lit(name), open, 1);
    lua.lua_pop(L, 1);
  }
  runSetup(L, COMPAT_51, 'compat');
  return L;
}
