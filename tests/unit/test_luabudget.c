/* test_luabudget.c -- string.rep, table.insert, table.remove, table.move and table.sort as the sandbox has them
 * (luabudget.c) against Lua 5.4's own: the same code runs in a state with Lua's functions and in one with ours, and
 * the results, or the errors, must be the same. Then what Lua's own cannot do: stop. */
#include "kbtest.h"
#include "luabudget.h"

#include <lauxlib.h>
#include <lualib.h>

/* RUN(f) calls f protected and describes what it returned, tables as their contents. */
static const char *const helpers =
    "local function one(v, depth)\n"
    "  local t = type(v)\n"
    "  if t == 'string' then return string.format('%q', v) end\n"
    "  if t == 'number' then return math.type(v) .. ' ' .. tostring(v) end\n"
    "  if t == 'table' and depth < 2 then\n"
    "    local keys, out = {}, {}\n"
    "    for k in pairs(v) do keys[#keys + 1] = k end\n"
    "    table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)\n"
    "    for _, k in ipairs(keys) do out[#out + 1] = one(k, depth + 1) .. '=' .. one(v[k], depth + 1) end\n"
    "    return '{' .. table.concat(out, ' ') .. '}'\n"
    "  end\n"
    "  if t == 'table' or t == 'function' then return t end\n"
    "  return tostring(v)\n"
    "end\n"
    "function RUN(f)\n"
    "  local r = table.pack(pcall(f))\n"
    "  local out = {}\n"
    "  for i = 1, r.n do out[i] = one(r[i], 0) end\n"
    "  return r.n .. ': ' .. table.concat(out, ', ')\n"
    "end\n";

static lua_State *new_state(int ours, const kb_luapattern_hooks *hooks)
{
	lua_State *L = luaL_newstate();
	if (!L)
		return NULL;
	luaL_openlibs(L);
	if (luaL_dostring(L, helpers) != LUA_OK) { /* before ours: RUN itself sorts with Lua's own */
		fprintf(stderr, "  helpers: %s\n", lua_tostring(L, -1));
		lua_close(L);
		return NULL;
	}
	if (ours) {
		lua_getglobal(L, "string");
		lua_getglobal(L, "table");
		kb_luabudget_register(L, -2, -1, hooks);
		lua_pop(L, 2);
	}
	return L;
}

static void run_chunk(lua_State *L, const char *chunk, char *out, size_t size)
{
	if (luaL_loadstring(L, chunk) != LUA_OK || lua_pcall(L, 0, 1, 0) != LUA_OK)
		snprintf(out, size, "chunk failed: %s", lua_tostring(L, -1));
	else
		snprintf(out, size, "%s", lua_tostring(L, -1) ? lua_tostring(L, -1) : "(not a string)");
	lua_settop(L, 0);
}

static lua_State *g_stock, *g_ours;

/* Evaluates expr in both states and checks that they agree. */
static void both(const char *expr)
{
	char stock[8192], ours[8192], chunk[4096];
	if (!g_stock)
		g_stock = new_state(0, NULL);
	if (!g_ours)
		g_ours = new_state(1, NULL);
	snprintf(chunk, sizeof chunk, "return RUN(function() return %s end)", expr);
	run_chunk(g_stock, chunk, stock, sizeof stock);
	run_chunk(g_ours, chunk, ours, sizeof ours);
	if (strcmp(stock, ours) != 0) {
		fprintf(stderr, "  %s\n    stock: %s\n    ours:  %s\n", expr, stock, ours);
		kbt_failures_in_test++;
	}
}

#define EACH(cases)                                                                                               \
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)                                               \
	both(cases[i])

static void test_luabudget__string_rep_as_lua(void)
{
	static const char *const cases[] = {
		"string.rep('ab', 3)", "string.rep('ab', 3, ', ')", "string.rep('ab', 0)", "string.rep('ab', -1)",
		"string.rep('', 5)", "string.rep('', 5, '')", "string.rep('', 5, '-')", "string.rep('', 0, '')",
		"string.rep('', 1000)", "string.rep('', 1000, '')", "string.rep('x', 2^31)",
		"string.rep('', 2.5)", "string.rep()", "string.rep('x')", "string.rep('x', 'y')", "string.rep({}, 1)",
		"string.rep('x', 2, {})", "string.rep(12, 2, 3)", "('ab'):rep(2)", "string.rep('', '3', '')",
	};
	EACH(cases);
}

static void test_luabudget__table_insert_as_lua(void)
{
	static const char *const cases[] = {
		"(function() local t = {1, 2, 3} table.insert(t, 'x') return t end)()",
		"(function() local t = {1, 2, 3} table.insert(t, 1, 'x') return t end)()",
		"(function() local t = {1, 2, 3} table.insert(t, 4, 'x') return t end)()",
		"(function() local t = {1, 2, 3} table.insert(t, 5, 'x') return t end)()",
		"(function() local t = {1, 2, 3} table.insert(t, 0, 'x') return t end)()",
		"(function() local t = {1, 2, 3} table.insert(t, -1, 'x') return t end)()",
		"(function() local t = {1, 2, 3} table.insert(t, 2.0, 'x') return t end)()",
		"(function() local t = {1, 2, 3} table.insert(t, 2.5, 'x') return t end)()",
		"(function() local t = {1, 2, 3} table.insert(t, '2', 'x') return t end)()",
		"(function() local t = {} table.insert(t, nil) return t end)()",
		"table.insert({})",
		"table.insert({}, 1, 2, 3)",
		"table.insert(nil, 1)",
		"table.insert('abc', 1)",
		"table.insert(setmetatable({}, { __len = function() return 2.5 end }), 1)",
		"table.insert(setmetatable({}, { __len = function() return 'x' end }), 1)",
		"(function() local log = {} local p = setmetatable({}, { __len = function() return 3 end,\n"
		"  __index = function(t, k) log[#log + 1] = 'get' .. k return k * 10 end,\n"
		"  __newindex = function(t, k, v) log[#log + 1] = 'set' .. k .. '=' .. tostring(v) end })\n"
		"  table.insert(p, 2, 'x') return table.concat(log, ' ') end)()",
		"(function() local u = setmetatable({}, { __index = function() return 1 end }) table.insert(u, 1) "
		"return u end)()",
	};
	EACH(cases);
}

static void test_luabudget__table_remove_as_lua(void)
{
	static const char *const cases[] = {
		"(function() local t = {1, 2, 3} return table.remove(t), t end)()",
		"(function() local t = {1, 2, 3} return table.remove(t, 1), t end)()",
		"(function() local t = {1, 2, 3} return table.remove(t, 3), t end)()",
		"(function() local t = {1, 2, 3} return table.remove(t, 4), t end)()",
		"(function() local t = {1, 2, 3} return table.remove(t, 5), t end)()",
		"(function() local t = {1, 2, 3} return table.remove(t, 0), t end)()",
		"(function() local t = {} return table.remove(t), t end)()",
		"(function() local t = {} return table.remove(t, 0), t end)()",
		"(function() local t = {} return table.remove(t, 1), t end)()",
		"(function() local t = {} return table.remove(t, -1), t end)()",
		"(function() local t = {[0] = 'z'} return table.remove(t, 0), t end)()",
		"(function() local t = {1, 2, 3} return select('#', table.remove(t, 2)) end)()",
		"table.remove('abc')",
		"table.remove({}, 'x')",
		"(function() local log = {} local p = setmetatable({}, { __len = function() return 3 end,\n"
		"  __index = function(t, k) log[#log + 1] = 'get' .. k return k * 10 end,\n"
		"  __newindex = function(t, k, v) log[#log + 1] = 'set' .. k .. '=' .. tostring(v) end })\n"
		"  local r = table.remove(p, 1) return r, table.concat(log, ' ') end)()",
	};
	EACH(cases);
}

static void test_luabudget__table_move_as_lua(void)
{
	static const char *const cases[] = {
		"table.move({1, 2, 3}, 1, 3, 2)",
		"table.move({1, 2, 3}, 2, 3, 1)",
		"table.move({1, 2, 3}, 1, 3, 1)",
		"table.move({1, 2, 3}, 1, 3, 3)",
		"table.move({1, 2, 3}, 1, 3, 5)",
		"table.move({1, 2, 3}, 3, 1, 5)",
		"table.move({1, 2, 3}, 1, 3, 1, {})",
		"table.move({1, 2, 3}, 1, 3, 2, {9, 9, 9, 9})",
		"table.move({1, 2, 3}, 0, 2, 1)",
		"table.move({1, 2, 3}, -1, 1, 1)",
		"table.move({}, -5, math.maxinteger, 1)",
		"table.move({}, 1, 10, math.maxinteger)",
		"table.move({}, math.mininteger, -1, 1)",
		"table.move({}, 1.5, 10, 1)",
		"table.move({}, 1, 2)",
		"table.move({}, 1, 2, 1, 'x')",
		"table.move('x', 1, 2, 1)",
		"table.move({}, 1, 2, 1, nil)",
		"(function() local t = {1, 2, 3} return table.move(t, 1, 3, 2) == t end)()",
		"(function() local a, b = {1, 2, 3}, {} return table.move(a, 1, 3, 1, b) == b end)()",
		"(function() local mt = { __eq = function() return true end }\n"
		"  local a, b = setmetatable({1, 2, 3}, mt), setmetatable({}, mt)\n"
		"  return table.move(a, 1, 3, 2, b) end)()",
		"(function() local log = {} local p = setmetatable({}, {\n"
		"  __index = function(t, k) log[#log + 1] = 'get' .. k return k * 10 end,\n"
		"  __newindex = function(t, k, v) log[#log + 1] = 'set' .. k .. '=' .. tostring(v) end })\n"
		"  table.move(p, 1, 3, 2) return table.concat(log, ' ') end)()",
	};
	EACH(cases);
}

static void test_luabudget__table_sort_as_lua(void)
{
	static const char *const cases[] = {
		"(function() local t = {5, 2, 8, 1, 9, 3} table.sort(t) return t end)()",
		"(function() local t = {'b', 'a', 'c'} table.sort(t) return t end)()",
		"(function() local t = {5, 2, 8} table.sort(t, nil) return t end)()",
		"(function() local t = {5, 2, 8} table.sort(t, function(a, b) return a > b end) return t end)()",
		"(function() local t = {1, 'x', 3} table.sort(t) return t end)()",
		"(function() local t = {{}, {}} table.sort(t) return t end)()",
		"(function() local t = {3, 1, 0/0, 2, 0/0, 5, 4, 0/0, 9, 8, 7, 6} table.sort(t) return #t end)()",
		"(function() local mt = { __lt = function(a, b) return a.v < b.v end }\n"
		"  local t = {} for i = 1, 20 do t[i] = setmetatable({ v = (i * 7) % 20 }, mt) end\n"
		"  table.sort(t) local out = {} for i = 1, 20 do out[i] = t[i].v end\n"
		"  return table.concat(out, ',') end)()",
		"(function() local t = {} for i = 1, 200 do t[i] = (i * 37) % 101 end table.sort(t) return t end)()",
		"(function() local t = {3, 2, 1} table.sort(t, function(a, b) return true end) return t end)()",
		"table.sort()",
		"table.sort(nil)",
		"table.sort('x')",
		"table.sort({3, 2, 1}, 5)",
		"table.sort({3, 2, 1}, nil, 'extra')",
	};
	EACH(cases);
}

/* ---- the budget ---- */

static int g_checks, g_limit;

static void counting_check(lua_State *L)
{
	if (++g_checks >= g_limit)
		luaL_error(L, "stopped by the check");
}

static const kb_luapattern_hooks counting = { counting_check, NULL };

static void test_luabudget__the_check_stops_the_endless_loops(void)
{
	static const char *const loops[] = {
		"table.move({}, 1, 1e15, 2)",
		"table.move({}, 1, 1e15, 1, {})",
		"table.move({}, 1, 1e15, 1e15 - 1)",
		"table.insert(setmetatable({}, { __len = function() return 1e15 end }), 1, 'x')",
		"table.remove(setmetatable({}, { __len = function() return 1e15 end }), 1)",
	};
	lua_State *L = new_state(1, &counting);
	for (size_t i = 0; i < sizeof loops / sizeof loops[0]; i++) {
		char chunk[1024], out[1024];
		g_checks = 0;
		g_limit = 20;
		snprintf(chunk, sizeof chunk, "return RUN(function() return %s end)", loops[i]);
		run_chunk(L, chunk, out, sizeof out);
		if (!strstr(out, "stopped by the check"))
			fprintf(stderr, "  %s: %s\n", loops[i], out);
		KB_CHECK(strstr(out, "2: false, ") && strstr(out, "stopped by the check"));
		KB_CHECK_INT(g_checks, 20);
	}
	lua_close(L);
}

static void test_luabudget__string_rep_of_nothing_returns_at_once(void)
{
	/* Lua's own copies nothing n - 1 times: 10^15 times here (not run on the stock side) */
	lua_State *L = new_state(1, &counting);
	char out[256];
	g_checks = 0;
	g_limit = 1;
	run_chunk(L, "return RUN(function() return string.rep('', 1e15), string.rep('', math.maxinteger, '') end)", out,
	          sizeof out);
	KB_CHECK_STR(out, "3: true, \"\", \"\"");
	KB_CHECK_INT(g_checks, 0);
	lua_close(L);
}

static void test_luabudget__sort_without_a_function_makes_every_comparison_a_call(void)
{
	/* a hook counting calls sees them: Lua's own sort compares numbers without one */
	lua_State *L = new_state(1, &counting);
	char out[256];
	g_limit = 1000000;
	run_chunk(L,
	          "local t = {} for i = 1, 1000 do t[i] = (i * 7919) % 1000 end\n"
	          "local calls = 0\n"
	          "debug.sethook(function() calls = calls + 1 end, 'c')\n"
	          "table.sort(t)\n"
	          "debug.sethook()\n"
	          "return tostring(calls > 5000)",
	          out, sizeof out);
	KB_CHECK_STR(out, "true");
	lua_close(L);
}

static void test_luabudget__zz_teardown(void)
{
	if (g_stock)
		lua_close(g_stock);
	if (g_ours)
		lua_close(g_ours);
	g_stock = g_ours = NULL;
}

KB_TESTS(KB_TEST(test_luabudget__string_rep_as_lua), KB_TEST(test_luabudget__table_insert_as_lua),
         KB_TEST(test_luabudget__table_remove_as_lua), KB_TEST(test_luabudget__table_move_as_lua),
         KB_TEST(test_luabudget__table_sort_as_lua), KB_TEST(test_luabudget__the_check_stops_the_endless_loops),
         KB_TEST(test_luabudget__string_rep_of_nothing_returns_at_once),
         KB_TEST(test_luabudget__sort_without_a_function_makes_every_comparison_a_call),
         KB_TEST(test_luabudget__zz_teardown))
