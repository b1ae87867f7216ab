/*
 * luamatcher.c -- the Lua side of the word matcher (see luamatcher.h and wordmatch.h).
 *
 * A text to search is cut by the text model as one paragraph (a line break ends a sentence, and a match never
 * crosses a sentence), so a node's text gives the node's own words: m:find(sentence) numbers its hits' words as
 * sentence.words does, m:find(letter) as letter.words does (the letter's text is its paragraphs joined by "\n").
 */
#include "luamatcher.h"
#include "internal.h"
#include "luamsg.h"
#include "textmodel.h"
#include "utf8.h"
#include "wordmatch.h"

#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#define LM_TYPE      "klarbrev.Matcher"
#define LM_SCAN_TYPE "klarbrev.MatcherScan"
#define LM_SHOWN     60 /* bytes of a pattern shown in a message */

static const char lm_protected[] = "klarbrev: protected metatable";

/* The userdata of a matcher; its user value 1 is the array of the patterns' keys, in the matcher's order. */
typedef struct lm_matcher {
	kb_wordmatch *m;
	kb_ctx *ctx; /* messages of the compile */
} lm_matcher;

/* The C memory of one scan, owned by a Lua value so that an error in the middle (the time budget, memory) frees it
 * at the next collection. */
typedef struct lm_scan {
	kb_text *t;
	kb_wordmatch_work w;
} lm_scan;

/* What the scan's callbacks need. */
typedef struct lm_state {
	lua_State *L;
	const kb_luapattern_hooks *hooks;
	int keys;   /* stack index of the keys array */
	int result; /* stack index of the result table, or 0 */
	lua_Integer n;
	int mode; /* 0 all, 1 longest, 2 first, 3 test */
} lm_state;

static const kb_luapattern_hooks *lm_hooks(lua_State *L)
{
	return lua_touserdata(L, lua_upvalueindex(1));
}

/* [-0, +0, e] */
static int lm_gc(lua_State *L)
{
	lm_matcher *mm = lua_touserdata(L, 1);
	kb_wordmatch_free(mm->m);
	kb_ctx_free(mm->ctx);
	mm->m = NULL;
	mm->ctx = NULL;
	return 0;
}

/* [-0, +0, -] */
static int lm_scan_gc(lua_State *L)
{
	lm_scan *sc = lua_touserdata(L, 1);
	kb_text_free(sc->t);
	kb_wordmatch_work_free(&sc->w);
	sc->t = NULL;
	return 0;
}

/* [-0, +1, m] "klarbrev.Matcher (12 mønstre)" */
static int lm_tostring(lua_State *L)
{
	lm_matcher *mm = luaL_checkudata(L, 1, LM_TYPE);
	size_t n = kb_wordmatch_count(mm->m);
	lua_pushfstring(L, "%s (%d %s)", LM_TYPE, (int)n, n == 1 ? "mønster" : "mønstre");
	return 1;
}

/* [-0, +1, -] #m: the number of patterns. */
static int lm_len(lua_State *L)
{
	lm_matcher *mm = luaL_checkudata(L, 1, LM_TYPE);
	lua_pushinteger(L, (lua_Integer)kb_wordmatch_count(mm->m));
	return 1;
}

/* ---- building ---- */

/* [-0, +1, m] The pattern at stack index v as text for a message: the string, or the table's elements joined by
 * spaces, cut at LM_SHOWN bytes (at a character) with "…". */
static void lm_push_shown(lua_State *L, int v)
{
	luaL_Buffer b;
	luaL_buffinit(L, &b);
	if (lua_type(L, v) == LUA_TSTRING) {
		lua_pushvalue(L, v);
		luaL_addvalue(&b);
	} else {
		lua_Integer n = luaL_len(L, v);
		for (lua_Integer i = 1; i <= n && i <= KB_WORDMATCH_MAX_ELEMENTS + 1; i++) {
			if (i > 1)
				luaL_addchar(&b, ' ');
			if (lua_geti(L, v, i) == LUA_TSTRING) {
				luaL_addvalue(&b);
			} else {
				lua_pop(L, 1);
				luaL_addchar(&b, '?'); /* the message says what it is */
			}
		}
	}
	luaL_pushresult(&b);
	size_t len;
	const char *s = lua_tolstring(L, -1, &len);
	if (len > LM_SHOWN) {
		size_t cut = LM_SHOWN;
		while (cut > 0 && ((unsigned char)s[cut] & 0xC0u) == 0x80u)
			cut--;
		lua_pushlstring(L, s, cut);
		lua_pushliteral(L, "…");
		lua_concat(L, 2);
		lua_remove(L, -2);
	}
}

/* [-0, +0, v] Raises "klarbrev.matcher: mønster K (»…«): what". k and v are stack indexes of the key and the
 * pattern. */
static int lm_pattern_error(lua_State *L, int k, int v, const char *what)
{
	lm_push_shown(L, v);
	const char *shown = lua_tostring(L, -1);
	if (lua_type(L, k) == LUA_TSTRING)
		return luaL_error(L, "klarbrev.matcher: mønster \"%s\" (»%s«): %s", lua_tostring(L, k), shown, what);
	return luaL_error(L, "klarbrev.matcher: mønster %d (»%s«): %s", (int)lua_tointeger(L, k), shown, what);
}

/* The order of the keys: whole numbers first, by value, then strings, by their bytes. */
static int lm_key_before(lua_State *L, int a, int b)
{
	int ia = lua_isinteger(L, a), ib = lua_isinteger(L, b);
	if (ia != ib)
		return ia;
	if (ia)
		return lua_tointeger(L, a) < lua_tointeger(L, b);
	size_t la, lb;
	const char *sa = lua_tolstring(L, a, &la), *sb = lua_tolstring(L, b, &lb);
	int c = memcmp(sa, sb, la < lb ? la : lb);
	return c < 0 || (c == 0 && la < lb);
}

/* [-0, +0, e] Collects the keys of the table at t into the array at keys (1..n), in lm_key_before order. A frozen
 * table (the sandbox's read-only view) is walked through its __pairs. Returns n. */
static lua_Integer lm_collect_keys(lua_State *L, int t, int keys)
{
	lua_Integer n = 0;
	int iter = luaL_getmetafield(L, t, "__pairs") != LUA_TNIL;
	if (iter) {
		lua_pushvalue(L, t);
		lua_call(L, 1, 3); /* f, s, control */
	} else {
		lua_pushnil(L);
	}
	for (;;) {
		if (iter) {
			int top = lua_gettop(L);
			lua_pushvalue(L, top - 2);
			lua_pushvalue(L, top - 1);
			lua_pushvalue(L, top);
			lua_call(L, 2, 1);
			if (lua_isnil(L, -1)) {
				lua_pop(L, 4);
				break;
			}
			lua_replace(L, top);
		} else if (!lua_next(L, t)) {
			break;
		} else {
			lua_pop(L, 1);
		}
		int k = lua_gettop(L);
		if (!lua_isinteger(L, k) && lua_type(L, k) != LUA_TSTRING)
			luaL_error(L, "klarbrev.matcher: tabellens nøgler skal være tal (en liste) eller navne, ikke %s",
			           kb_luamsg_type(luaL_typename(L, k)));
		if (++n > (lua_Integer)KB_WORDMATCH_MAX_PATTERNS)
			luaL_error(L, "klarbrev.matcher: mere end %d mønstre; del dem på flere matchere",
			           (int)KB_WORDMATCH_MAX_PATTERNS);
		/* insertion into the sorted array: at most KB_WORDMATCH_MAX_PATTERNS keys */
		lua_Integer i = n;
		while (i > 1) {
			lua_geti(L, keys, i - 1);
			int before = lm_key_before(L, k, lua_gettop(L));
			if (!before) {
				lua_pop(L, 1);
				break;
			}
			lua_seti(L, keys, i);
			i--;
		}
		lua_pushvalue(L, k);
		lua_seti(L, keys, i);
	}
	return n;
}

/* [-0, +0, e] Adds the pattern v (a string or a table of strings) of key k to mm. */
static void lm_add(lua_State *L, lm_matcher *mm, int k, int v)
{
	int rc;
	if (lua_type(L, v) == LUA_TSTRING) {
		size_t len;
		const char *s = lua_tolstring(L, v, &len);
		rc = kb_wordmatch_add(mm->m, mm->ctx, s, len);
	} else if (lua_type(L, v) == LUA_TTABLE) {
		lua_Integer n = luaL_len(L, v);
		if (n > (lua_Integer)KB_WORDMATCH_MAX_ELEMENTS)
			lm_pattern_error(L, k, v, "mønsteret har for mange elementer");
		const char *elems[KB_WORDMATCH_MAX_ELEMENTS];
		size_t lens[KB_WORDMATCH_MAX_ELEMENTS];
		int base = lua_gettop(L);
		luaL_checkstack(L, (int)n + 8, "klarbrev.matcher");
		for (lua_Integer i = 1; i <= n; i++) {
			if (lua_geti(L, v, i) != LUA_TSTRING) {
				const char *ty = kb_luamsg_type(luaL_typename(L, -1));
				lua_pushfstring(L, "element %d skal være en streng (et ord), ikke %s", (int)i, ty);
				lm_pattern_error(L, k, v, lua_tostring(L, -1));
			}
			elems[i - 1] = lua_tolstring(L, -1, &lens[i - 1]);
		}
		rc = kb_wordmatch_add_elements(mm->m, mm->ctx, elems, lens, (size_t)n);
		lua_settop(L, base);
	} else {
		const char *ty = kb_luamsg_type(luaL_typename(L, v));
		lua_pushfstring(L, "et mønster er en streng (\"i henhold til\") eller en tabel af ord, ikke %s", ty);
		lm_pattern_error(L, k, v, lua_tostring(L, -1));
		return;
	}
	if (rc == KB_ENOMEM)
		luaL_error(L, "klarbrev.matcher: ikke nok hukommelse");
	if (rc)
		lm_pattern_error(L, k, v, kb_ctx_errmsg(mm->ctx));
}

/* [-1, +1, e] klarbrev.matcher(patterns) -> a klarbrev.Matcher. */
static int lm_new(lua_State *L)
{
	const kb_luapattern_hooks *hooks = lm_hooks(L);
	if (!lua_istable(L, 1))
		return luaL_error(L, "klarbrev.matcher: argumentet skal være en tabel af mønstre, men er %s",
		                  kb_luamsg_type(luaL_typename(L, 1)));
	lua_settop(L, 1);
	lm_matcher *mm = lua_newuserdatauv(L, sizeof *mm, 1); /* 2 */
	mm->m = NULL;
	mm->ctx = NULL;
	luaL_setmetatable(L, LM_TYPE);
	void *aud;
	lua_Alloc af = lua_getallocf(L, &aud);
	if (kb_ctx_new(&mm->ctx) || kb_wordmatch_new(&mm->m, af, aud))
		return luaL_error(L, "klarbrev.matcher: ikke nok hukommelse");
	lua_newtable(L); /* 3: the keys */
	lua_Integer n = lm_collect_keys(L, 1, 3);
	for (lua_Integer i = 1; i <= n; i++) {
		lua_geti(L, 3, i);  /* 4: key */
		lua_pushvalue(L, 4);
		lua_gettable(L, 1); /* 5: pattern */
		lm_add(L, mm, 4, 5);
		lua_settop(L, 3);
		if (hooks && hooks->check)
			hooks->check(L);
	}
	if (kb_wordmatch_prepare(mm->m))
		return luaL_error(L, "klarbrev.matcher: ikke nok hukommelse");
	lua_setiuservalue(L, 2, 1);
	return 1;
}

/* ---- searching ---- */

/* [-0, +0, v] The matcher a method was called on. */
static lm_matcher *lm_check(lua_State *L, const char *fn)
{
	lm_matcher *mm = luaL_testudata(L, 1, LM_TYPE);
	if (!mm)
		luaL_error(L, "%s: kald den med kolon, m:%s(tekst), hvor m er lavet med klarbrev.matcher (fik %s)", fn, fn,
		           kb_luamsg_type(luaL_typename(L, 1)));
	return mm;
}

/* [-0, +1, e] The text to search at idx: a string, or the text of a node (klarbrev.Paragraph, ...). */
static const char *lm_text(lua_State *L, int idx, const char *fn, size_t *len)
{
	if (lua_type(L, idx) == LUA_TUSERDATA) {
		lua_getfield(L, idx, "text");
	} else {
		lua_pushvalue(L, idx);
	}
	if (lua_type(L, -1) != LUA_TSTRING)
		luaL_error(L, "m:%s: argument 1 skal være en tekst eller en del af brevet (klarbrev.Paragraph, "
		              "klarbrev.Sentence, ...), men er %s",
		           fn, kb_luamsg_type(luaL_typename(L, idx)));
	return lua_tolstring(L, -1, len);
}

static int lm_budget(void *ud)
{
	lm_state *st = ud;
	if (st->hooks && st->hooks->check)
		st->hooks->check(st->L);
	return 0;
}

/* [-0, +1, m] A hit as a table: pattern, key, start, stop, first, last, text (byte offsets 1-based, inclusive,
 * as string.find gives them). */
static void lm_push_hit(lua_State *L, const lm_state *st, const kb_wordmatch_hit *h, const char *text)
{
	lua_createtable(L, 0, 7);
	lua_pushinteger(L, (lua_Integer)h->pattern + 1);
	lua_setfield(L, -2, "pattern");
	lua_geti(L, st->keys, (lua_Integer)h->pattern + 1);
	lua_setfield(L, -2, "key");
	lua_pushinteger(L, (lua_Integer)h->start + 1);
	lua_setfield(L, -2, "start");
	lua_pushinteger(L, (lua_Integer)h->end);
	lua_setfield(L, -2, "stop");
	lua_pushinteger(L, (lua_Integer)h->first_word + 1);
	lua_setfield(L, -2, "first");
	lua_pushinteger(L, (lua_Integer)h->last_word + 1);
	lua_setfield(L, -2, "last");
	lua_pushlstring(L, text + h->start, h->end - h->start);
	lua_setfield(L, -2, "text");
}

typedef struct lm_hit_ud {
	lm_state st;
	const char *text;
} lm_hit_ud;

static int lm_on_hit(void *ud, const kb_wordmatch_hit *h)
{
	lm_hit_ud *u = ud;
	lua_State *L = u->st.L;
	if (u->st.mode == 3)
		return 1;
	lm_push_hit(L, &u->st, h, u->text);
	if (u->st.mode == 2)
		return 1;
	lua_rawseti(L, u->st.result, ++u->st.n);
	return 0;
}

/* [-(1|2), +1, e] The three methods: find (mode 0 or 1 from the argument), first (2), test (3). */
static int lm_search(lua_State *L, int mode, const char *fn)
{
	lm_matcher *mm = lm_check(L, fn);
	if (mode == 0 && !lua_isnoneornil(L, 3)) {
		const char *how = lua_tostring(L, 3);
		if (how && !strcmp(how, "longest"))
			mode = 1;
		else if (!how || strcmp(how, "all") != 0)
			return luaL_error(L, "m:find: argument 2 skal være \"all\" (alle match) eller \"longest\" (det "
			                     "længste match ved hvert ord, uden overlap), ikke %s",
			                  how ? lua_pushfstring(L, "\"%s\"", how) : kb_luamsg_type(luaL_typename(L, 3)));
	}
	lua_settop(L, 2);
	size_t len;
	const char *s = lm_text(L, 2, fn, &len); /* 3 */
	if (!kb_utf8_valid(s, len))
		return luaL_error(L, "m:%s: teksten er ikke gyldig UTF-8 (byte %d)", fn,
		                  (int)kb_utf8_invalid_at(s, len) + 1);
	lm_scan *sc = lua_newuserdatauv(L, sizeof *sc, 0); /* 4 */
	memset(sc, 0, sizeof *sc);
	luaL_setmetatable(L, LM_SCAN_TYPE);
	lua_getiuservalue(L, 1, 1); /* 5: the keys */
	lua_createtable(L, 0, 0);   /* 6: the result */
	int rc = kb_text_new(&sc->t);
	if (!rc)
		rc = kb_text_add_paragraph(sc->t, s, len, NULL, NULL, 0);
	lm_hit_ud u = { { L, lm_hooks(L), 5, 6, 0, mode }, s };
	if (!rc)
		rc = kb_wordmatch_scan(mm->m, &sc->w, sc->t, mode == 1 ? KB_WORDMATCH_LONGEST : KB_WORDMATCH_ALL,
		                       lm_on_hit, lm_budget, &u);
	kb_text_free(sc->t);
	sc->t = NULL;
	kb_wordmatch_work_free(&sc->w);
	if (rc < 0) {
		if (rc == KB_ELIMIT)
			return luaL_error(L, "m:%s: teksten er for lang (højst %d MiB)", fn,
			                  (int)(KB_MAX_TEXT_BYTES >> 20));
		return luaL_error(L, "m:%s: ikke nok hukommelse", fn);
	}
	if (mode == 3) {
		lua_pushboolean(L, rc == 1);
	} else if (mode == 2) {
		if (rc != 1)
			lua_pushnil(L);
	}
	return 1;
}

/* [-(2|3), +1, e] m:find(text [, "all" | "longest"]) -> array of hits. */
static int lm_find(lua_State *L)
{
	return lm_search(L, 0, "find");
}

/* [-2, +1, e] m:first(text) -> the first hit (by first word, then pattern) or nil. */
static int lm_first(lua_State *L)
{
	return lm_search(L, 2, "first");
}

/* [-2, +1, e] m:test(text) -> true when some pattern matches. */
static int lm_test(lua_State *L)
{
	return lm_search(L, 3, "test");
}

void kb_luamatcher_register(lua_State *L, int idx, const kb_luapattern_hooks *hooks)
{
	idx = lua_absindex(L, idx);
	static const luaL_Reg methods[] = { { "find", lm_find }, { "first", lm_first }, { "test", lm_test },
		                            { NULL, NULL } };
	luaL_newmetatable(L, LM_TYPE); /* sets __name */
	lua_createtable(L, 0, 3);
	lua_pushlightuserdata(L, (void *)hooks);
	luaL_setfuncs(L, methods, 1);
	lua_setfield(L, -2, "__index");
	lua_pushcfunction(L, lm_gc);
	lua_setfield(L, -2, "__gc");
	lua_pushcfunction(L, lm_tostring);
	lua_setfield(L, -2, "__tostring");
	lua_pushcfunction(L, lm_len);
	lua_setfield(L, -2, "__len");
	lua_pushstring(L, lm_protected);
	lua_setfield(L, -2, "__metatable");
	lua_pop(L, 1);
	luaL_newmetatable(L, LM_SCAN_TYPE);
	lua_pushcfunction(L, lm_scan_gc);
	lua_setfield(L, -2, "__gc");
	lua_pushstring(L, lm_protected);
	lua_setfield(L, -2, "__metatable");
	lua_pop(L, 1);
	lua_pushlightuserdata(L, (void *)hooks);
	lua_pushcclosure(L, lm_new, 1);
	lua_setfield(L, idx, "matcher");
}
