import { type LuaState, lauxlib, lit, lua, pushStr, raise, toStr } from './lua.js';

/**
 * The C libraries Redis links into its Lua (bit, cjson, cmsgpack, struct), written against
 * fengari's API with the same Lua-visible behaviour for what scripts use.
 */

type Fn = (L: LuaState) => number;

function register(L: LuaState, name: string, fns: Record<string, Fn>): void {
  lua.lua_newtable(L);
  for (const [k, f] of Object.entries(fns)) {
    lua.lua_pushjsfunction(L, f);
    lua.lua_setfield(L, -2, lit(k));
  }
  lua.lua_setglobal(L, lit(name));
}

// ---- bit (LuaBitOp) ----

/** LuaBitOp's barg: the number rounded to an integer, taken modulo 2^32 as a signed int32. */
function barg(L: LuaState, i: number): number {
  const n = lauxlib.luaL_checknumber(L, i);
  const r = Math.round(n);
  return Number.isFinite(r) ? Number(BigInt.asIntN(32, BigInt(r))) : 0;
}

function pushInt(L: LuaState, v: number): number {
  lua.lua_pushnumber(L, v | 0);
  return 1;
}

const bitLib: Record<string, Fn> = {
  tobit: (L) => pushInt(L, barg(L, 1)),
  bnot: (L) => pushInt(L, ~barg(L, 1)),
  band: (L) => {
    let v = barg(L, 1);
    for (let i = 2; i <= lua.lua_gettop(L); i++) v &= barg(L, i);
    return pushInt(L, v);
  },
  bor: (L) => {
    let v = barg(L, 1);
    for (let i = 2; i <= lua.lua_gettop(L); i++) v |= barg(L, i);
    return pushInt(L, v);
  },
  bxor: (L) => {
    let v = barg(L, 1);
    for (let i = 2; i <= lua.lua_gettop(L); i++) v ^= barg(L, i);
    return pushInt(L, v);
  },
  lshift: (L) => pushInt(L, barg(L, 1) << (barg(L, 2) & 31)),
  rshift: (L) => pushInt(L, barg(L, 1) >>> (barg(L, 2) & 31)),
  arshift: (L) => pushInt(L, barg(L, 1) >> (barg(L, 2) & 31)),
  rol: (L) => {
    const b = barg(L, 1);
    const n = barg(L, 2) & 31;
    return pushInt(L, (b << n) | (b >>> (32 - n)));
  },
  ror: (L) => {
    const b = barg(L, 1);
    const n = barg(L, 2) & 31;
    return pushInt(L, (b >>> n) | (b << (32 - n)));
  },
  bswap: (L) => {
    const b = barg(L, 1);
    return pushInt(L, (b >>> 24) | ((b >> 8) & 0xff00) | ((b & 0xff00) << 8) | (b << 24) | 0);
  },
  tohex: (L) => {
    const b = barg(L, 1);
    let n = lua.lua_gettop(L) >= 2 ? barg(L, 2) : 8;
    const upper = n < 0;
    if (upper) n = -n;
    if (n > 8) n = 8;
    let h = (b >>> 0)
      .toString(16)
      .padStart(8, '0')
      .slice(8 - n);
    if (upper) h = h.toUpperCase();
    pushStr(L, h);
    return 1;
  },
};

// ---- cjson ----

const CJSON_NULL = { cjsonNull: true };

/** %.14g, cjson's default encode precision. */
function fmt14g(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e15) return String(n);
  let s = n.toPrecision(14);
  if (s.includes('e')) {
    const [m, e] = s.split('e') as [string, string];
    const mm = m.includes('.') ? m.replace(/0+$/, '').replace(/\.$/, '') : m;
    const ee = Number(e);
    s = `${mm}e${ee < 0 ? '-' : '+'}${String(Math.abs(ee)).padStart(2, '0')}`;
  } else if (s.includes('.')) {
    s = s.replace(/0+$/, '').replace(/\.$/, '');
  }
  return s;
}

function jsonEscape(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c === 0x2f) out += '\\/';
    else if (c === 0x08) out += '\\b';
    else if (c === 0x0c) out += '\\f';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += '\\u' + c.toString(16).padStart(4, '0');
    else out += s[i];
  }
  return out + '"';
}

function jsonEncode(L: LuaState, idx: number, depth: number): string {
  const t = lua.lua_type(L, idx);
  if (t === lua.LUA_TNIL) return 'null';
  if (t === lua.LUA_TBOOLEAN) return lua.lua_toboolean(L, idx) ? 'true' : 'false';
  if (t === lua.LUA_TNUMBER) {
    const n = lua.lua_tonumber(L, idx);
    if (!Number.isFinite(n)) raise(L, 'Cannot serialise number: must not be NaN or Inf');
    return fmt14g(n);
  }
  if (t === lua.LUA_TSTRING) return jsonEscape(toStr(L, idx)!);
  if (t === lua.LUA_TLIGHTUSERDATA && lua.lua_touserdata(L, idx) === CJSON_NULL) return 'null';
  if (t !== lua.LUA_TTABLE) raise(L, `Cannot serialise ${typeName(t)}: type not supported`);
  if (depth > 1000) raise(L, `Cannot serialise, excessive nesting (${depth})`);
  const abs = idx < 0 ? lua.lua_gettop(L) + idx + 1 : idx;
  // Array when every key is a positive integer (cjson's lua_array_length), else object.
  let max = 0;
  let items = 0;
  let isArray = true;
  lua.lua_pushnil(L);
  while (lua.lua_next(L, abs) !== 0) {
    if (isArray && lua.lua_type(L, -2) === lua.LUA_TNUMBER) {
      const k = lua.lua_tonumber(L, -2);
      if (Number.isInteger(k) && k >= 1) {
        if (k > max) max = k;
        items++;
      } else isArray = false;
    } else isArray = false;
    lua.lua_pop(L, 1);
  }
  if (isArray && max > 0) {
    if (max > items * 2 && max > 10) raise(L, 'Cannot serialise table: excessively sparse array');
    const parts: string[] = [];
    for (let i = 1; i <= max; i++) {
      lua.lua_rawgeti(L, abs, i);
      parts.push(jsonEncode(L, -1, depth + 1));
      lua.lua_pop(L, 1);
    }
    return '[' + parts.join(',') + ']';
  }
  const parts: string[] = [];
  lua.lua_pushnil(L);
  while (lua.lua_next(L, abs) !== 0) {
    const kt = lua.lua_type(L, -2);
    let key: string;
    if (kt === lua.LUA_TSTRING) key = toStr(L, -2)!;
    else if (kt === lua.LUA_TNUMBER) key = fmt14g(lua.lua_tonumber(L, -2));
    else raise(L, 'Cannot serialise table: table key must be a number or string');
    parts.push(jsonEscape(key) + ':' + jsonEncode(L, -1, depth + 1));
    lua.lua_pop(L, 1);
  }
  return '{' + parts.join(',') + '}';
}

function typeName(t: number): string {
  return ['nil', 'boolean', 'userdata', 'number', 'string', 'table', 'function', 'userdata', 'thread'][t] ?? 'unknown';
}

function pushJson(L: LuaState, v: unknown): void {
  if (v === null) lua.lua_pushlightuserdata(L, CJSON_NULL);
  else if (typeof v === 'boolean') lua.lua_pushboolean(L, v);
  else if (typeof v === 'number') lua.lua_pushnumber(L, v);
  else if (typeof v === 'string') lua.lua_pushstring(L, Buffer.from(v, 'utf8'));
  else if (Array.isArray(v)) {
    lua.lua_createtable(L, v.length, 0);
    v.forEach((x, i) => {
      pushJson(L, x);
      lua.lua_rawseti(L, -2, i + 1);
    });
  } else {
    const o = v as Record<string, unknown>;
    lua.lua_createtable(L, 0, Object.keys(o).length);
    for (const [k, x] of Object.entries(o)) {
      lua.lua_pushstring(L, Buffer.from(k, 'utf8'));
      pushJson(L, x);
      lua.lua_rawset(L, -3);
    }
  }
}

const cjsonLib: Record<string, Fn> = {
  encode: (L) => {
    if (lua.lua_gettop(L) !== 1) raise(L, "bad argument #1 to 'encode' (expected 1 argument)");
    pushStr(L, jsonEncode(L, 1, 1));
    return 1;
  },
  decode: (L) => {
    if (lua.lua_gettop(L) !== 1) raise(L, "bad argument #1 to 'decode' (expected 1 argument)");
    const text = toStr(L, 1);
    if (text === null) raise(L, "bad argument #1 to 'decode' (string expected)");
    let v: unknown;
    try {
      v = JSON.parse(Buffer.from(text, 'latin1').toString('utf8'));
    } catch {
      raise(L, 'Expected value but found invalid token at character 1');
    }
    pushJson(L, v);
    return 1;
  },
  encode_keep_buffer: (L) => 0 * lua.lua_gettop(L),
  encode_max_depth: (L) => 0 * lua.lua_gettop(L),
  decode_max_depth: (L) => 0 * lua.lua_gettop(L),
  encode_invalid_numbers: (L) => 0 * lua.lua_gettop(L),
  decode_invalid_numbers: (L) => 0 * lua.lua_gettop(L),
};

// ---- cmsgpack ----

function mpEncode(L: LuaState, idx: number, out: number[], depth: number): void {
  const t = lua.lua_type(L, idx);
  const b = (...xs: number[]) => out.push(...xs);
  if (t === lua.LUA_TNIL || depth > 16) return void b(0xc0);
  if (t === lua.LUA_TBOOLEAN) return void b(lua.lua_toboolean(L, idx) ? 0xc3 : 0xc2);
  if (t === lua.LUA_TNUMBER) {
    const n = lua.lua_tonumber(L, idx);
    if (Number.isInteger(n) && Math.abs(n) <= Number.MAX_SAFE_INTEGER) {
      if (n >= 0) {
        if (n < 128) b(n);
        else if (n < 256) b(0xcc, n);
        else if (n < 65536) b(0xcd, n >> 8, n & 255);
        else if (n < 2 ** 32) b(0xce, ...be(n, 4));
        else b(0xcf, ...be(n, 8));
      } else if (n >= -32) b(n & 255);
      else if (n >= -128) b(0xd0, n & 255);
      else if (n >= -32768) b(0xd1, (n >> 8) & 255, n & 255);
      else if (n >= -(2 ** 31)) b(0xd2, ...be(n >>> 0, 4));
      else b(0xd3, ...be(BigInt.asUintN(64, BigInt(n)), 8));
      return;
    }
    const f = Buffer.alloc(4);
    f.writeFloatBE(n);
    if (f.readFloatBE(0) === n) return void b(0xca, ...f);
    const d = Buffer.alloc(8);
    d.writeDoubleBE(n);
    return void b(0xcb, ...d);
  }
  if (t === lua.LUA_TSTRING) {
    const s = Buffer.from(toStr(L, idx)!, 'latin1');
    const n = s.length;
    if (n < 32) b(0xa0 | n);
    else if (n < 256) b(0xd9, n);
    else if (n < 65536) b(0xda, n >> 8, n & 255);
    else b(0xdb, ...be(n, 4));
    for (const x of s) out.push(x);
    return;
  }
  if (t === lua.LUA_TTABLE) {
    const abs = idx < 0 ? lua.lua_gettop(L) + idx + 1 : idx;
    let count = 0;
    let max = 0;
    let isArray = true;
    lua.lua_pushnil(L);
    while (lua.lua_next(L, abs) !== 0) {
      count++;
      const k = lua.lua_type(L, -2) === lua.LUA_TNUMBER ? lua.lua_tonumber(L, -2) : NaN;
      if (Number.isInteger(k) && k >= 1) max = Math.max(max, k);
      else isArray = false;
      lua.lua_pop(L, 1);
    }
    if (isArray && max === count) {
      if (count < 16) b(0x90 | count);
      else if (count < 65536) b(0xdc, count >> 8, count & 255);
      else b(0xdd, ...be(count, 4));
      for (let i = 1; i <= count; i++) {
        lua.lua_rawgeti(L, abs, i);
        mpEncode(L, -1, out, depth + 1);
        lua.lua_pop(L, 1);
      }
      return;
    }
    if (count < 16) b(0x80 | count);
    else if (count < 65536) b(0xde, count >> 8, count & 255);
    else b(0xdf, ...be(count, 4));
    lua.lua_pushnil(L);
    while (lua.lua_next(L, abs) !== 0) {
      mpEncode(L, -2, out, depth + 1);
      mpEncode(L, -1, out, depth + 1);
      lua.lua_pop(L, 1);
    }
    return;
  }
  b(0xc0);
}

function be(v: number | bigint, n: number): number[] {
  const out: number[] = [];
  let x = BigInt(v);
  for (let i = 0; i < n; i++) {
    out.unshift(Number(x & 255n));
    x >>= 8n;
  }
  return out;
}

function mpDecode(L: LuaState, buf: Buffer, pos: { p: number }): void {
  const need = (n: number) => {
    if (pos.p + n > buf.length) raise(L, 'Missing bytes in input.');
  };
  need(1);
  const c = buf[pos.p++]!;
  const pushBytes = (n: number) => {
    need(n);
    lua.lua_pushstring(L, buf.subarray(pos.p, pos.p + n));
    pos.p += n;
  };
  const arr = (n: number) => {
    lua.lua_createtable(L, n, 0);
    for (let i = 1; i <= n; i++) {
      mpDecode(L, buf, pos);
      lua.lua_rawseti(L, -2, i);
    }
  };
  const map = (n: number) => {
    lua.lua_createtable(L, 0, n);
    for (let i = 0; i < n; i++) {
      mpDecode(L, buf, pos);
      mpDecode(L, buf, pos);
      lua.lua_settable(L, -3);
    }
  };
  const rd = (n: number, f: (o: number) => number) => {
    need(n);
    const v = f(pos.p);
    pos.p += n;
    return v;
  };
  if (c < 0x80) return lua.lua_pushnumber(L, c);
  if (c >= 0xe0) return lua.lua_pushnumber(L, c - 256);
  if ((c & 0xe0) === 0xa0) return pushBytes(c & 31);
  if ((c & 0xf0) === 0x90) return arr(c & 15);
  if ((c & 0xf0) === 0x80) return map(c & 15);
  switch (c) {
    case 0xc0:
      return lua.lua_pushnil(L);
    case 0xc2:
      return lua.lua_pushboolean(L, false);
    case 0xc3:
      return lua.lua_pushboolean(L, true);
    case 0xca:
      return lua.lua_pushnumber(
        L,
        rd(4, (o) => buf.readFloatBE(o)),
      );
    case 0xcb:
      return lua.lua_pushnumber(
        L,
        rd(8, (o) => buf.readDoubleBE(o)),
      );
    case 0xcc:
      return lua.lua_pushnumber(
        L,
        rd(1, (o) => buf.readUInt8(o)),
      );
    case 0xcd:
      return lua.lua_pushnumber(
        L,
        rd(2, (o) => buf.readUInt16BE(o)),
      );
    case 0xce:
      return lua.lua_pushnumber(
        L,
        rd(4, (o) => buf.readUInt32BE(o)),
      );
    case 0xcf:
      return lua.lua_pushnumber(
        L,
        rd(8, (o) => Number(buf.readBigUInt64BE(o))),
      );
    case 0xd0:
      return lua.lua_pushnumber(
        L,
        rd(1, (o) => buf.readInt8(o)),
      );
    case 0xd1:
      return lua.lua_pushnumber(
        L,
        rd(2, (o) => buf.readInt16BE(o)),
      );
    case 0xd2:
      return lua.lua_pushnumber(
        L,
        rd(4, (o) => buf.readInt32BE(o)),
      );
    case 0xd3:
      return lua.lua_pushnumber(
        L,
        rd(8, (o) => Number(buf.readBigInt64BE(o))),
      );
    case 0xd9:
    case 0xc4:
      return pushBytes(rd(1, (o) => buf.readUInt8(o)));
    case 0xda:
    case 0xc5:
      return pushBytes(rd(2, (o) => buf.readUInt16BE(o)));
    case 0xdb:
    case 0xc6:
      return pushBytes(rd(4, (o) => buf.readUInt32BE(o)));
    case 0xdc:
      return arr(rd(2, (o) => buf.readUInt16BE(o)));
    case 0xdd:
      return arr(rd(4, (o) => buf.readUInt32BE(o)));
    case 0xde:
      return map(rd(2, (o) => buf.readUInt16BE(o)));
    case 0xdf:
      return map(rd(4, (o) => buf.readUInt32BE(o)));
  }
  raise(L, 'Bad data format in input.');
}

const cmsgpackLib: Record<string, Fn> = {
  pack: (L) => {
    const n = lua.lua_gettop(L);
    if (n === 0) raise(L, 'MessagePack pack needs input.');
    const out: number[] = [];
    for (let i = 1; i <= n; i++) mpEncode(L, i, out, 0);
    lua.lua_pushstring(L, Buffer.from(out));
    return 1;
  },
  unpack: (L) => {
    const s = toStr(L, 1);
    if (s === null) raise(L, 'MessagePack decoding needs a string as input.');
    const buf = Buffer.from(s, 'latin1');
    const pos = { p: 0 };
    let n = 0;
    const base = lua.lua_gettop(L);
    while (pos.p < buf.length) {
      mpDecode(L, buf, pos);
      n++;
    }
    return lua.lua_gettop(L) - base === n ? n : 0;
  },
};

// ---- struct (Roberto Ierusalimschy's struct library) ----

interface StructItem {
  ch: string;
  size: number;
}

function structItems(L: LuaState, fmt: string): { items: StructItem[]; little: boolean[] } {
  const items: StructItem[] = [];
  const little: boolean[] = [];
  let le = true;
  for (let i = 0; i < fmt.length; i++) {
    const ch = fmt[i]!;
    let digits = '';
    while (i + 1 < fmt.length && /[0-9]/.test(fmt[i + 1]!)) digits += fmt[++i];
    const n = digits ? Number(digits) : -1;
    switch (ch) {
      case '<':
        le = true;
        continue;
      case '>':
        le = false;
        continue;
      case '!':
      case ' ':
        continue;
      case 'b':
      case 'B':
      case 'x':
        items.push({ ch, size: 1 });
        break;
      case 'h':
      case 'H':
        items.push({ ch, size: 2 });
        break;
      case 'l':
      case 'L':
      case 'T':
        items.push({ ch, size: 8 });
        break;
      case 'i':
      case 'I':
        if (n > 8) raise(L, `integral size ${n} is larger than limit of 8`);
        items.push({ ch, size: n < 0 ? 4 : n });
        break;
      case 'f':
        items.push({ ch, size: 4 });
        break;
      case 'd':
        items.push({ ch, size: 8 });
        break;
      case 'c':
        items.push({ ch, size: n < 0 ? 1 : n });
        break;
      case 's':
        items.push({ ch, size: 0 });
        break;
      default:
        raise(L, `invalid format option '${ch}'`);
    }
    little.push(le);
  }
  return { items, little };
}

function fmtArg(L: LuaState): string {
  const f = toStr(L, 1);
  if (f === null) raise(L, "bad argument #1 to 'pack' (string expected)");
  return f;
}

const structLib: Record<string, Fn> = {
  pack: (L) => {
    const { items, little } = structItems(L, fmtArg(L));
    const out: Buffer[] = [];
    let arg = 2;
    items.forEach((it, k) => {
      const le = little[k]!;
      if (it.ch === 'x') {
        out.push(Buffer.alloc(1));
        return;
      }
      if ('bBhHlLTiI'.includes(it.ch)) {
        const v = BigInt(Math.trunc(lauxlib.luaL_checknumber(L, arg++)));
        const b = Buffer.alloc(it.size);
        let x = BigInt.asUintN(it.size * 8, v);
        for (let i = 0; i < it.size; i++) {
          b[le ? i : it.size - 1 - i] = Number(x & 255n);
          x >>= 8n;
        }
        out.push(b);
      } else if (it.ch === 'f' || it.ch === 'd') {
        const b = Buffer.alloc(it.size);
        const v = lauxlib.luaL_checknumber(L, arg++);
        if (it.size === 4) le ? b.writeFloatLE(v) : b.writeFloatBE(v);
        else le ? b.writeDoubleLE(v) : b.writeDoubleBE(v);
        out.push(b);
      } else if (it.ch === 'c' || it.ch === 's') {
        const s = Buffer.from(toStr(L, arg++) ?? '', 'latin1');
        if (it.ch === 's') out.push(s, Buffer.alloc(1));
        else {
          const b = Buffer.alloc(it.size === 0 ? s.length : it.size);
          s.copy(b, 0, 0, b.length);
          out.push(b);
        }
      }
    });
    lua.lua_pushstring(L, Buffer.concat(out));
    return 1;
  },
  unpack: (L) => {
    const { items, little } = structItems(L, fmtArg(L));
    const data = Buffer.from(toStr(L, 2) ?? '', 'latin1');
    let pos = lua.lua_gettop(L) >= 3 ? lauxlib.luaL_checkinteger(L, 3) - 1 : 0;
    let n = 0;
    items.forEach((it, k) => {
      const le = little[k]!;
      const size = it.ch === 's' ? data.indexOf(0, pos) - pos + 1 : it.size;
      if (pos + size > data.length || size <= 0) raise(L, 'data string too short');
      if (it.ch === 'x') {
        pos += 1;
        return;
      }
      if ('bBhHlLTiI'.includes(it.ch)) {
        let x = 0n;
        for (let i = 0; i < size; i++) x = (x << 8n) | BigInt(data[pos + (le ? size - 1 - i : i)]!);
        const signed = it.ch === it.ch.toLowerCase();
        lua.lua_pushnumber(L, Number(signed ? BigInt.asIntN(size * 8, x) : x));
      } else if (it.ch === 'f') lua.lua_pushnumber(L, le ? data.readFloatLE(pos) : data.readFloatBE(pos));
      else if (it.ch === 'd') lua.lua_pushnumber(L, le ? data.readDoubleLE(pos) : data.readDoubleBE(pos));
      else if (it.ch === 's') lua.lua_pushstring(L, data.subarray(pos, pos + size - 1));
      else lua.lua_pushstring(L, data.subarray(pos, pos + size));
      pos += size;
      n++;
    });
    lua.lua_pushnumber(L, pos + 1);
    return n + 1;
  },
  size: (L) => {
    const { items } = structItems(L, fmtArg(L));
    let n = 0;
    for (const it of items) {
      if (it.ch === 's') raise(L, "options 's' has no fixed size");
      n += it.size;
    }
    lua.lua_pushnumber(L, n);
    return 1;
  },
};

/** Install bit, cjson (with cjson.null), cmsgpack and struct as globals. */
export function openRedisLibs(L: LuaState): void {
  register(L, 'bit', bitLib);
  register(L, 'cjson', cjsonLib);
  lua.lua_getglobal(L, lit('cjson'));
  lua.lua_pushlightuserdata(L, CJSON_NULL);
  lua.lua_setfield(L, -2, lit('null'));
  lua.lua_pop(L, 1);
  register(L, 'cmsgpack', cmsgpackLib);
  register(L, 'struct', structLib);
}
