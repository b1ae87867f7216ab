/*
 * luabudget.c -- string.rep, table.insert, table.remove, table.move and table.sort for the plugin sandbox (see
 * luabudget.h). Each function keeps two upvalues: Lua's own function of that name, and the host's hooks.
 */
#include "luabudget.h"

#include <lauxlib.h>

static const kb_luapattern_hooks *lb_hooks(lua_State *L)
{
	return lua_touserdata(L, lua_upvalueindex(2));
}

/* Lua's own function that this one stands in for. */
static lua_CFunction lb_stock(lua_State *L)
{
	return lua_tocfunction(L, lua_upvalueindex(1));
}

/* [-0, +0, e] Counts one iteration of a loop and lets the host's check run every KB_LUABUDGET_STEPS of them. */
static void lb_step(lua_State *L, lua_Integer *steps)
{
	const kb_luapattern_hooks *h;
	if (++*steps % KB_LUABUDGET_STEPS == 0 && (h = lb_hooks(L)) != NULL && h->check)
		h->check(L);
}

#define LB_READ  1 /* what a table function does with its table: t[i] */
#define LB_WRITE 2 /* t[i] = v */
#define LB_LEN   4 /* #t */

/* [-0, +0, v] Argument arg must be a table, or a value whose metatable has a metamethod for each thing the function
 * does with it (what), as Lua's table library asks. */
static void lb_check_table(lua_State *L, int arg, int what)
{
	static const char *const names[] = { "__index", "__newindex", "__len" };
	if (lua_type(L, arg) == LUA_TTABLE)
		return;
	int top = lua_gettop(L), ok = lua_getmetatable(L, arg);
	for (int i = 0; ok && i < 3; i++) {
		if (!(what & (1 << i)))
			continue;
		lua_pushstring(L, names[i]);
		ok = lua_rawget(L, top + 1) != LUA_TNIL;
		lua_pop(L, 1);
	}
	lua_settop(L, top);
	if (!ok)
		luaL_checktype(L, arg, LUA_TTABLE);
}

/* [-(2|3), +1, e] string.rep(s, n [, sep]): an empty result at once, everything else by Lua's own rep (whose loop
 * is bounded by the memory of its result). */
static int lb_rep(lua_State *L)
{
	size_t len, seplen;
	luaL_checklstring(L, 1, &len);
	lua_Integer n = luaL_checkinteger(L, 2);
	luaL_optlstring(L, 3, "", &seplen);
	if (n > 0 && len == 0 && seplen == 0) {
		lua_pushliteral(L, "");
		return 1;
	}
	return lb_stock(L)(L);
}

/* [-(2|3), +0, e] table.insert(t, [pos,] v): t[pos], ..., t[#t] move up one place, then t[pos] = v. */
static int lb_insert(lua_State *L)
{
	lb_check_table(L, 1, LB_READ | LB_WRITE | LB_LEN);
	lua_Integer free_at = (lua_Integer)((lua_Unsigned)luaL_len(L, 1) + 1u), pos, steps = 0;
	switch (lua_gettop(L)) {
	case 2: pos = free_at; break;
	case 3:
		pos = luaL_checkinteger(L, 2);
		luaL_argcheck(L, (lua_Unsigned)pos - 1u < (lua_Unsigned)free_at, 2, "position out of bounds");
		for (lua_Integer i = free_at; i > pos; i--) {
			lua_geti(L, 1, i - 1);
			lua_seti(L, 1, i);
			lb_step(L, &steps);
		}
		break;
	default: return luaL_error(L, "wrong number of arguments to 'insert'");
	}
	lua_seti(L, 1, pos);
	return 0;
}

/* [-(1|2), +1, e] table.remove(t [, pos]): returns t[pos]; t[pos + 1], ..., t[#t] move down one place. */
static int lb_remove(lua_State *L)
{
	lb_check_table(L, 1, LB_READ | LB_WRITE | LB_LEN);
	lua_Integer size = luaL_len(L, 1), pos = luaL_optinteger(L, 2, size), steps = 0;
	if (pos != size) /* pos may be 1 .. #t + 1; Lua 5.4.4 names argument 1 in this message */
		luaL_argcheck(L, (lua_Unsigned)pos - 1u <= (lua_Unsigned)size, 1, "position out of bounds");
	lua_geti(L, 1, pos);
	for (; pos < size; pos++) {
		lua_geti(L, 1, pos + 1);
		lua_seti(L, 1, pos);
		lb_step(L, &steps);
	}
	lua_pushnil(L);
	lua_seti(L, 1, pos);
	return 1;
}

/* [-(4|5), +1, e] table.move(a1, f, e, t [, a2]): a2[t], ... = a1[f], ..., a1[e]; returns a2 (default a1). The
 * ranges may overlap: then the copy runs from the end. */
static int lb_move(lua_State *L)
{
	lua_Integer f = luaL_checkinteger(L, 2), e = luaL_checkinteger(L, 3), t = luaL_checkinteger(L, 4), steps = 0;
	int dst = lua_isnoneornil(L, 5) ? 1 : 5;
	lb_check_table(L, 1, LB_READ);
	lb_check_table(L, dst, LB_WRITE);
	if (e >= f) {
		luaL_argcheck(L, f > 0 || e < LUA_MAXINTEGER + f, 3, "too many elements to move");
		lua_Integer n = e - f + 1;
		luaL_argcheck(L, t <= LUA_MAXINTEGER - n + 1, 4, "destination wrap around");
		if (t > e || t <= f || (dst != 1 && !lua_compare(L, 1, dst, LUA_OPEQ))) {
			for (lua_Integer i = 0; i < n; i++) {
				lua_geti(L, 1, f + i);
				lua_seti(L, dst, t + i);
				lb_step(L, &steps);
			}
		} else {
			for (lua_Integer i = n - 1; i >= 0; i--) {
				lua_geti(L, 1, f + i);
				lua_seti(L, dst, t + i);
				lb_step(L, &steps);
			}
		}
	}
	lua_pushvalue(L, dst);
	return 1;
}

/* [-2, +1, e] The comparison table.sort uses when it is given none: a < b, metamethods included. */
static int lb_less(lua_State *L)
{
	lua_pushboolean(L, lua_compare(L, 1, 2, LUA_OPLT));
	return 1;
}

/* [-(1|2), +0, e] table.sort(t [, comp]): Lua's own sort; without comp, with lb_less as comp. */
static int lb_sort(lua_State *L)
{
	if (lua_gettop(L) >= 1 && lua_isnoneornil(L, 2)) {
		lua_settop(L, 1);
		lua_pushcfunction(L, lb_less);
	}
	return lb_stock(L)(L);
}

/* [-0, +0, m] Sets t[name] (t at idx) to fn with the upvalues Lua's own t[name] and hooks. */
static void lb_set(lua_State *L, int idx, const char *name, lua_CFunction fn, const kb_luapattern_hooks *hooks)
{
	lua_getfield(L, idx, name);
	lua_pushlightuserdata(L, (void *)hooks);
	lua_pushcclosure(L, fn, 2);
	lua_setfield(L, idx, name);
}

void kb_luabudget_register(lua_State *L, int str_idx, int tab_idx, const kb_luapattern_hooks *hooks)
{
	str_idx = lua_absindex(L, str_idx);
	tab_idx = lua_absindex(L, tab_idx);
	lb_set(L, str_idx, "rep", lb_rep, hooks);
	lb_set(L, tab_idx, "insert", lb_insert, hooks);
	lb_set(L, tab_idx, "remove", lb_remove, hooks);
	lb_set(L, tab_idx, "move", lb_move, hooks);
	lb_set(L, tab_idx, "sort", lb_sort, hooks);
}
