/*
 * fuzz_luapattern.c -- differential fuzz target: the plugin sandbox's Lua patterns (luapattern.c) against the
 * string library of Lua 5.4 itself. The same call runs in a state with Lua's own string.find/match/gmatch/gsub and
 * in one with ours; the results must be the same, or both must fail with the same message ("pattern too complex",
 * "malformed pattern", "invalid capture index", ...).
 *
 * The stock matcher cannot be stopped, so ours runs first with a step budget (the check hook raises after
 * BUDGET_CHECKS calls, about BUDGET_CHECKS * KB_LUAPATTERN_STEPS steps); a call that runs out of budget is not
 * given to the stock matcher. Both count their work the same way, so a call that ours finishes is quick for Lua too.
 *
 * Input: byte 0 the function (find, match, gmatch, gsub); byte 1 flags (bit 0: init given, bit 1: plain, bit 2: n
 * given for gsub, bits 3-5: the replacement: a string from a table, a function, a table, a number, a boolean);
 * byte 2 init (signed); byte 3 n (signed) or the replacement string's index; byte 4 the subject's length; then the
 * subject; then the pattern (the rest).
 */
#include "fuzz_util.h"

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "luapattern.h"

#define BUDGET_CHECKS 16

static const char *const helpers =
    "local function one(v)\n"
    "  local t = type(v)\n"
    "  if t == 'string' then return string.format('%q', v) end\n"
    "  if t == 'number' then return math.type(v) .. ' ' .. tostring(v) end\n"
    "  if t == 'table' or t == 'function' then return t end\n"
    "  return tostring(v)\n"
    "end\n"
    "local function ser(...)\n"
    "  local out = {}\n"
    "  for i = 1, select('#', ...) do out[i] = one((select(i, ...))) end\n"
    "  return select('#', ...) .. ': ' .. table.concat(out, ', ')\n"
    "end\n"
    "local function run(f) return ser(pcall(f)) end\n"
    "local function repl(kind, r)\n"
    "  if kind == 1 then return function(...)\n"
    "    local a = ...\n"
    "    if a == 'b' then return false end\n"
    "    if a == 'c' then return {} end\n"
    "    if a == '1' then return 42 end\n"
    "    return '<' .. table.concat({ ... }, '|') .. '>'\n"
    "  end end\n"
    "  if kind == 2 then return { a = 'A', b = false, ab = 7, c = {}, [''] = 'E', [2] = 'two' } end\n"
    "  if kind == 3 then return 7 end\n"
    "  if kind == 4 then return true end\n"
    "  return r\n"
    "end\n"
    "function CALL(op, s, p, i, plain, n, kind, r)\n"
    "  if op == 0 then return run(function() return string.find(s, p, i, plain) end) end\n"
    "  if op == 1 then return run(function() return string.match(s, p, i) end) end\n"
    "  if op == 2 then return run(function()\n"
    "    local out = {}\n"
    "    for a, b, c in string.gmatch(s, p, i) do\n"
    "      out[#out + 1] = ser(a, b, c)\n"
    "      if #out > 40 then break end\n"
    "    end\n"
    "    return table.concat(out, '; ')\n"
    "  end) end\n"
    "  return run(function() return string.gsub(s, p, repl(kind, r), n) end)\n"
    "end\n";

static const char *const repls[] = { "%0", "%1", "<%2>", "x", "%%", "%", "%x", "", "[%1|%0]", "%3", "%\\0" };

static int g_checks, g_stopped;

static void budget_check(lua_State *L)
{
	if (++g_checks >= BUDGET_CHECKS) {
		g_stopped = 1;
		luaL_error(L, "fuzz budget spent");
	}
}

static const kb_luapattern_hooks hooks = { budget_check, NULL };

static lua_State *new_state(int ours)
{
	lua_State *L = luaL_newstate();
	if (!L)
		abort();
	luaL_openlibs(L);
	if (ours) {
		lua_getglobal(L, "string");
		kb_luapattern_register(L, -1, &hooks);
		lua_pop(L, 1);
	}
	if (luaL_dostring(L, helpers) != LUA_OK) {
		fprintf(stderr, "helpers: %s\n", lua_tostring(L, -1));
		abort();
	}
	return L;
}

static lua_State *g_stock, *g_ours;

static void close_states(void)
{
	lua_close(g_stock);
	lua_close(g_ours);
}

/* Runs the call in L; its description is left on L's stack (and returned, with its length in *len). */
static const char *call(lua_State *L, const uint8_t *in, const char *s, size_t sl, const char *p, size_t pl,
                        size_t *len)
{
	unsigned op = in[0] % 4, flags = in[1];
	lua_settop(L, 0);
	lua_getglobal(L, "CALL");
	lua_pushinteger(L, op);
	lua_pushlstring(L, s, sl);
	lua_pushlstring(L, p, pl);
	if (flags & 1)
		lua_pushinteger(L, (signed char)in[2]);
	else
		lua_pushnil(L);
	if (flags & 2)
		lua_pushboolean(L, 1);
	else
		lua_pushnil(L);
	if (flags & 4)
		lua_pushinteger(L, (signed char)in[3] % 8);
	else
		lua_pushnil(L);
	lua_pushinteger(L, (flags >> 3) % 5);
	const char *r = repls[in[3] % (sizeof repls / sizeof repls[0])];
	lua_pushstring(L, r);
	if (lua_pcall(L, 8, 1, 0) != LUA_OK) {
		fprintf(stderr, "CALL failed: %s\n", lua_tostring(L, -1));
		abort();
	}
	return lua_tolstring(L, -1, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 5)
		return 0;
	if (!g_stock) {
		g_stock = new_state(0);
		g_ours = new_state(1);
		atexit(close_states);
	}
	size_t sl = data[4];
	if (sl > size - 5)
		sl = size - 5;
	const char *s = (const char *)data + 5, *p = s + sl;
	size_t pl = size - 5 - sl;

	g_checks = 0;
	g_stopped = 0;
	size_t olen, slen;
	const char *ours = call(g_ours, data, s, sl, p, pl, &olen);
	if (!g_stopped) {
		const char *stock = call(g_stock, data, s, sl, p, pl, &slen);
		if (olen != slen || memcmp(ours, stock, olen) != 0) {
			fprintf(stderr, "luapattern differs from Lua 5.4 (op %u, flags 0x%02x)\n  subject: %.*s\n"
			                "  pattern: %.*s\n  stock: %.*s\n  ours:  %.*s\n",
			        data[0] % 4u, data[1], (int)sl, s, (int)pl, p, (int)slen, stock, (int)olen, ours);
			abort();
		}
	}
	/* a full collection after each input: what this input made is freed within it, so libFuzzer's leak check
	 * (run when an input allocates more than it frees) stays quiet and cheap */
	lua_settop(g_ours, 0);
	lua_settop(g_stock, 0);
	lua_gc(g_ours, LUA_GCCOLLECT);
	lua_gc(g_stock, LUA_GCCOLLECT);
	return 0;
}
