/*
 * plugins.c -- the Lua 5.4 host for rule plugins.
 *
 * Each plugin gets its own lua_State, made once and reused for every letter:
 *  - libraries: base, string, table, math, utf8 and four functions of os (time, date, clock, difftime); no io,
 *    debug, package/require, coroutine, load/loadfile/dofile, string.dump, collectgarbage, raw access or warn;
 *    print does nothing (the library never prints); setmetatable refuses __gc (finalizers run without hooks, so a
 *    finalizer could spin outside the time budget); the string metatable and node metatables are protected;
 *  - a memory cap (the state's allocator counts every byte) and a time budget (a count hook looks at a monotonic
 *    clock every PL_HOOK_COUNT instructions);
 *  - the file is loaded as text only and runs once; then the globals, the plugin's table and every table reachable
 *    from them or from the upvalues of its functions are frozen in place, so a rule keeps no state in tables from
 *    one letter to the next (local scalars in upvalues still can: the later sandbox work closes that);
 *  - the letter is shown as read-only userdata nodes (klarbrev.Letter/Paragraph/Sentence/Word) that hold the
 *    kb_text, the indexes and the number of the run they belong to, so a node kept past its letter is refused
 *    instead of reading freed memory.
 *
 * Everything a Lua call could raise an error in runs inside lua_pcall: loading (pl_setup) and one letter
 * (pl_walk). An error, the memory cap or the time budget stops that plugin for that letter and becomes one error
 * finding (rule "plugin") that names the file and line; after a memory or time error the state is made again
 * before the next letter.
 */
#include "plugins.h"
#include "textmodel.h"
#include "utf8.h"

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PL_DEFAULT_MEM    (64u * 1024u * 1024u)
#define PL_DEFAULT_MS     2000u
#define PL_HOOK_COUNT     1000       /* VM instructions between two looks at the clock */
#define PL_MAX_FILE_BYTES (1u << 20) /* a plugin file */
#define PL_MAX_PLUGINS    1000u
#define PL_MAX_REPORTS    1000u /* findings one plugin may make on one letter; more are dropped */
#define PL_MAX_MESSAGE    2000u /* bytes of a finding's message */
#define PL_MAX_SUGG       10u   /* suggestions on one finding */
#define PL_MAX_SUGG_BYTES 500u
#define PL_MAX_DEPTH      64 /* nesting of JSON turned into tables */
#define PL_MAX_ID         64u

static const char pl_protected[] = "klarbrev: protected metatable";

/* ---- types ---- */

enum { PL_LETTER, PL_PARAGRAPH, PL_SENTENCE, PL_WORD, PL_NKINDS };
static const char *const pl_type_names[PL_NKINDS] = { "klarbrev.Letter", "klarbrev.Paragraph", "klarbrev.Sentence",
	                                              "klarbrev.Word" };
#define PL_BOX_TYPE "klarbrev.Box"

/* Visitors in the order the walk calls them: the letter, then per paragraph its paragraph, sentences, words. */
enum { PL_ON_LETTER, PL_ON_PARAGRAPH, PL_ON_SENTENCE, PL_ON_WORD, PL_NVISITORS };
static const char *const pl_visitor_names[PL_NVISITORS] = { "on_letter", "on_paragraph", "on_sentence", "on_word" };

/* The keys a plugin's table may have; anything else is a typo worth telling ("on_sentense"). */
static const char *const pl_table_keys[] = { "id",        "level",   "description", "options",
	                                     "examples",  "on_word", "on_sentence", "on_paragraph",
	                                     "on_letter", "replace", "avoid",       "message",
	                                     NULL };

/* One letter being checked by one plugin. */
typedef struct pl_run {
	const kb_check_input *in; /* NULL between letters */
	kb_findings *out;
	size_t nreports;
	int oom; /* a finding could not be stored: kb_plugins_run fails with KB_ENOMEM */
} pl_run;

typedef struct kb_plugin {
	kb_plugins *ps;
	char *path, *display;
	char *source; /* the file's text, kept to make the state again */
	size_t source_len;
	char *id;
	kb_level level;
	lua_State *L;
	int ref_table, ref_options, ref_visitor[PL_NVISITORS];
	char *broken; /* NULL, or the message of the finding a plugin that cannot run makes on every letter */
	int reset;    /* the state hit a limit: make it again before the next letter */
	size_t mem_used, mem_cap;
	int mem_exceeded;
	struct timespec deadline;
	unsigned budget_ms;
	int budget_armed, timed_out;
	int last_line; /* the line the hook last saw: where a memory error most likely was */
	unsigned gen;  /* number of the current run; nodes carry it */
	pl_run run;
} kb_plugin;

struct kb_plugins {
	kb_plugin **items;
	size_t n, cap;
	kb_speller *speller;
	kb_ctx *hctx; /* messages of helper calls (klarbrev.spell, ...), kept off the caller's context */
	size_t mem_cap;
	unsigned time_ms;
};

/* A node: one piece of the letter, read-only. text is valid while gen is the plugin's current run. */
typedef struct pl_node {
	const kb_text *text;
	unsigned gen;
	int kind;
	size_t para, sent, word; /* word and sentence indexes are within the paragraph */
} pl_node;

/* C memory owned by a Lua value, so an error between its malloc and its free cannot leak it. */
typedef struct pl_box {
	void *p;
	void (*free_fn)(void *);
} pl_box;

static kb_plugin *pl_of(lua_State *L)
{
	return *(kb_plugin **)lua_getextraspace(L);
}

/* ---- small helpers ---- */

/* Levenshtein distance of two short strings (bytes); SIZE_MAX for strings over 64 bytes. */
static size_t pl_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t row[65];
	if (la > 64 || lb > 64)
		return SIZE_MAX;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

/* The name in names (NULL-terminated) nearest to key, or NULL when none is near enough to be a typo. */
static const char *pl_nearest(const char *key, const char *const *names)
{
	const char *best = NULL;
	size_t bestd = SIZE_MAX, klen = strlen(key);
	size_t limit = klen <= 4 ? 1 : klen <= 8 ? 2 : 3;
	for (size_t i = 0; names[i]; i++) {
		size_t d = pl_distance(key, names[i]);
		if (d < bestd) {
			bestd = d;
			best = names[i];
		}
	}
	return bestd <= limit ? best : NULL;
}

/* Copies s[0..len) into b as one line of valid UTF-8: invalid bytes become U+FFFD, control characters a space,
 * and the copy stops at a character boundary before max bytes. Returns 0 or KB_ENOMEM. */
static int pl_clean_text(kb_buf *b, const char *s, size_t len, size_t max)
{
	size_t i = 0;
	while (i < len) {
		uint32_t cp;
		char enc[4];
		i += kb_utf8_decode(s + i, len - i, &cp);
		if (cp < 0x20u || cp == 0x7Fu)
			cp = ' ';
		size_t n = kb_utf8_encode(cp, enc);
		if (b->len + n > max)
			break;
		int rc = kb_buf_add(b, enc, n);
		if (rc)
			return rc == KB_ELIMIT ? KB_OK : rc;
	}
	return kb_buf_add(b, "", 0) ? KB_ENOMEM : KB_OK; /* data is non-NULL and terminated even when empty */
}

static struct timespec pl_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts;
}

static int pl_past(const struct timespec *deadline)
{
	struct timespec now = pl_now();
	return now.tv_sec > deadline->tv_sec || (now.tv_sec == deadline->tv_sec && now.tv_nsec >= deadline->tv_nsec);
}

static void pl_add_ms(struct timespec *ts, long ms)
{
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

/* ---- limits: memory ---- */

/* The state's allocator: every byte the plugin's state holds counts against its cap. Shrinking and freeing never
 * fail. A refusal makes Lua raise "not enough memory" (which the plugin may catch with pcall; mem_exceeded
 * remembers it all the same). */
static void *pl_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	kb_plugin *pl = ud;
	size_t old = ptr ? osize : 0;
	if (nsize == 0) {
		free(ptr);
		pl->mem_used -= old;
		return NULL;
	}
	if (nsize > old && (nsize - old > pl->mem_cap || pl->mem_used + (nsize - old) > pl->mem_cap)) {
		pl->mem_exceeded = 1;
		return NULL;
	}
	void *p = realloc(ptr, nsize);
	if (!p)
		return NULL;
	pl->mem_used = pl->mem_used - old + nsize;
	return p;
}

/* ---- limits: time ---- */

/* [-0, +0, e] (raises the time error)
 * The count hook. Past the deadline it raises the time error, and from then on it runs after every instruction,
 * so a plugin that catches the error with pcall cannot go on: the next instruction outside pcall raises it again. */
static void pl_hook(lua_State *L, lua_Debug *ar)
{
	kb_plugin *pl = pl_of(L);
	if (lua_getinfo(L, "l", ar) && ar->currentline > 0)
		pl->last_line = ar->currentline;
	if (!pl->budget_armed || !(pl->timed_out || pl_past(&pl->deadline)))
		return;
	lua_getinfo(L, "S", ar);
	if (!pl->timed_out) {
		pl->timed_out = 1;
		lua_sethook(L, pl_hook, LUA_MASKCOUNT, 1);
	}
	if (ar->currentline > 0)
		lua_pushfstring(L, "%s:%d: tidsgrænsen på %d ms er overskredet", ar->short_src, ar->currentline,
		                (int)pl->budget_ms);
	else
		lua_pushfstring(L, "tidsgrænsen på %d ms er overskredet", (int)pl->budget_ms);
	lua_error(L);
}

/* Starts the clock for one letter (or for running the file).
 *
 * Lua's count hook never fires inside a C function, so a pattern such as string.find(("a"):rep(200),
 * "a*a*a*a*b") runs for as long as it runs. The later watchdog goes here: a timer (a thread, or timer_create) that
 * at the deadline sets the hook to fire at once (lua_sethook is safe to call from another thread or a signal
 * handler) and, for the pattern functions, a string library whose matcher counts its steps against the same
 * deadline. Everything else already reads the deadline from the plugin, so only this function and
 * pl_disarm_budget change. */
static void pl_arm_budget(kb_plugin *pl)
{
	pl->budget_ms = pl->ps->time_ms;
	pl->deadline = pl_now();
	pl_add_ms(&pl->deadline, (long)pl->budget_ms);
	pl->timed_out = 0;
	pl->budget_armed = 1;
	lua_sethook(pl->L, pl_hook, LUA_MASKCOUNT, PL_HOOK_COUNT);
}

static void pl_disarm_budget(kb_plugin *pl)
{
	pl->budget_armed = 0;
	if (pl->L)
		lua_sethook(pl->L, NULL, 0, 0);
}

/* ---- the error message handler ---- */

/* [-1, +1, m]
 * Makes every error a string that says where: a non-string error object is named by its type (no __tostring:
 * running plugin code here would escape the budget's bookkeeping), and a message without a position gets the
 * line of the innermost Lua function on the stack. */
static int pl_msgh(lua_State *L)
{
	const char *msg = lua_type(L, 1) == LUA_TSTRING ? lua_tostring(L, 1) : NULL;
	if (!msg)
		msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
	lua_Debug ar;
	for (int level = 0; lua_getstack(L, level, &ar); level++) {
		if (!lua_getinfo(L, "Sl", &ar))
			break;
		if (ar.currentline <= 0 || ar.what[0] == 'C')
			continue;
		size_t n = strlen(ar.short_src);
		if (strncmp(msg, ar.short_src, n) != 0 || msg[n] != ':')
			lua_pushfstring(L, "%s:%d: %s", ar.short_src, ar.currentline, msg);
		return 1;
	}
	return 1;
}

/* ---- findings ---- */

/* Makes the message of the finding of a plugin that could not run: "Reglen i plugins/x.lua:12 fejlede: <what Lua
 * said>. Brevet kan ikke sendes, ...". what is "fejlede" or "kunne ikke indlæses"; luamsg may start with
 * "file:line: ". Caller frees *out. Returns 0 or KB_ENOMEM. */
static int pl_make_error_message(char **out, const kb_plugin *pl, const char *what, const char *luamsg)
{
	const char *where = pl->display, *rest = luamsg ? luamsg : "ukendt fejl";
	size_t wlen = strlen(where);
	/* "<file>:<line>: <message>" -> where = "<file>:<line>"; a file name here has no blank */
	for (size_t i = 0; rest[i] && rest[i] != '\n' && rest[i] != ' ' && i < 300; i++) {
		if (rest[i] != ':' || rest[i + 1] < '0' || rest[i + 1] > '9')
			continue;
		size_t j = i + 1;
		while (rest[j] >= '0' && rest[j] <= '9')
			j++;
		if (rest[j] == ':' && rest[j + 1] == ' ') {
			where = rest;
			wlen = j;
			rest += j + 2;
		}
		break;
	}
	size_t rlen = strlen(rest);
	while (rlen && (rest[rlen - 1] == '.' || rest[rlen - 1] == ' ' || rest[rlen - 1] == '\n'))
		rlen--;
	kb_buf b;
	kb_buf_init(&b, PL_MAX_MESSAGE + 256);
	int rc = kb_buf_adds(&b, "Reglen i ");
	if (!rc)
		rc = pl_clean_text(&b, where, wlen, 400);
	if (!rc)
		rc = kb_buf_printf(&b, " %s: ", what);
	if (!rc)
		rc = pl_clean_text(&b, rest, rlen, b.len + PL_MAX_MESSAGE - 200);
	if (!rc && b.len && b.data[b.len - 1] != '?' && b.data[b.len - 1] != '!')
		rc = kb_buf_addc(&b, '.');
	if (!rc)
		rc = kb_buf_adds(&b, " Brevet kan ikke sendes, før reglen er rettet.");
	if (rc) {
		kb_buf_free(&b);
		return KB_ENOMEM;
	}
	*out = kb_buf_detach(&b);
	return *out ? KB_OK : KB_ENOMEM;
}

static int pl_add_error_finding(const kb_plugin *pl, kb_findings *out, const char *message)
{
	kb_finding f = { 0 };
	f.rule = "plugin";
	f.level = KB_LEVEL_ERROR;
	f.message = (char *)message;
	f.paragraph = -1;
	f.source = pl->display;
	int rc = kb_findings_add(out, &f);
	return rc == KB_ELIMIT ? KB_OK : rc;
}

/* ---- nodes ---- */

/* [-0, +1, m] */
static pl_node *pl_push_node(lua_State *L, int kind, size_t para, size_t sent, size_t word)
{
	kb_plugin *pl = pl_of(L);
	pl_node *n = lua_newuserdatauv(L, sizeof *n, kind == PL_LETTER ? 2 : 0);
	n->text = pl->run.in->text;
	n->gen = pl->gen;
	n->kind = kind;
	n->para = para;
	n->sent = sent;
	n->word = word;
	luaL_setmetatable(L, pl_type_names[kind]);
	return n;
}

/* The node at idx, or NULL when the value is not a node. */
static pl_node *pl_test_node(lua_State *L, int idx)
{
	for (int k = 0; k < PL_NKINDS; k++) {
		pl_node *n = luaL_testudata(L, idx, pl_type_names[k]);
		if (n)
			return n;
	}
	return NULL;
}

/* [-0, +0, v] The node at idx, which must belong to the letter being checked. */
static pl_node *pl_check_node(lua_State *L, int idx, const char *fn)
{
	pl_node *n = pl_test_node(L, idx);
	if (!n)
		luaL_error(L, "%s: argument %d must be a node of the letter (klarbrev.Sentence, ...), not a %s", fn,
		           idx, luaL_typename(L, idx));
	kb_plugin *pl = pl_of(L);
	if (!pl->run.in || n->gen != pl->gen || n->text != pl->run.in->text)
		luaL_error(L, "this %s belongs to an earlier letter; a rule cannot keep nodes between letters",
		           pl_type_names[n->kind]);
	return n;
}

/* The paragraph of a non-letter node and its byte range there. */
static const kb_paragraph *pl_node_range(const pl_node *n, size_t *start, size_t *len)
{
	const kb_paragraph *p = &n->text->paras[n->para];
	switch (n->kind) {
	case PL_SENTENCE:
		*start = p->sentences[n->sent].start;
		*len = p->sentences[n->sent].len;
		break;
	case PL_WORD:
		*start = p->words[n->word].start;
		*len = p->words[n->word].len;
		break;
	default:
		*start = 0;
		*len = p->len;
		break;
	}
	return p;
}

/* [-0, +1, m] s[0..len) with every character mapped by fn (kb_uc_tolower, kb_uc_toupper). */
static void pl_push_mapped(lua_State *L, const char *s, size_t len, uint32_t (*fn)(uint32_t))
{
	luaL_Buffer b;
	luaL_buffinit(L, &b);
	size_t i = 0;
	while (i < len) {
		uint32_t cp;
		char enc[4];
		i += kb_utf8_decode(s + i, len - i, &cp);
		luaL_addlstring(&b, enc, kb_utf8_encode(fn(cp), enc));
	}
	luaL_pushresult(&b);
}

/* [-0, +1, m] The letter's text: its paragraphs joined by "\n". */
static void pl_push_letter_text(lua_State *L, const kb_text *t)
{
	luaL_Buffer b;
	luaL_buffinit(L, &b);
	for (size_t i = 0; i < t->nparas; i++) {
		if (i)
			luaL_addchar(&b, '\n');
		luaL_addlstring(&b, t->paras[i].text, t->paras[i].len);
	}
	luaL_pushresult(&b);
}

/* [-0, +1, m] The node's text. */
static void pl_push_node_text(lua_State *L, const pl_node *n)
{
	if (n->kind == PL_LETTER) {
		pl_push_letter_text(L, n->text);
		return;
	}
	size_t start, len;
	const kb_paragraph *p = pl_node_range(n, &start, &len);
	lua_pushlstring(L, p->text + start, len);
}

/* [-0, +1, m] A new array of the words (kind PL_WORD) or sentences (PL_SENTENCE) under node n. */
static void pl_push_children(lua_State *L, const pl_node *n, int kind)
{
	const kb_text *t = n->text;
	size_t p0 = n->kind == PL_LETTER ? 0 : n->para, p1 = n->kind == PL_LETTER ? t->nparas : n->para + 1;
	lua_Integer k = 0;
	lua_newtable(L);
	for (size_t pi = p0; pi < p1; pi++) {
		const kb_paragraph *p = &t->paras[pi];
		size_t first = 0, count = kind == PL_WORD ? p->nwords : p->nsentences;
		if (n->kind == PL_SENTENCE) { /* the words of one sentence */
			first = p->sentences[n->sent].first_word;
			count = p->sentences[n->sent].nwords;
		}
		for (size_t i = first; i < first + count; i++) {
			if (kind == PL_WORD)
				pl_push_node(L, PL_WORD, pi, 0, i);
			else
				pl_push_node(L, PL_SENTENCE, pi, i, 0);
			lua_rawseti(L, -2, ++k);
		}
	}
}

/* [-0, +0, e] */
static int pl_ro_newindex(lua_State *L)
{
	return luaL_error(L, "attempt to change a read-only table; a rule keeps no state between letters (use a "
	                     "local variable inside the visitor)");
}

/* [-0, +1, -] #t of a frozen table: the length of what it holds. */
static int pl_ro_len(lua_State *L)
{
	lua_getmetatable(L, 1);
	lua_rawgetp(L, -1, (void *)pl_ro_len); /* the backing table is kept under this key too */
	lua_pushinteger(L, (lua_Integer)lua_rawlen(L, -1));
	return 1;
}

/* [-0, +(1|2), e] next() over the backing table. */
static int pl_ro_next(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TTABLE);
	lua_settop(L, 2);
	if (lua_next(L, 1))
		return 2;
	lua_pushnil(L);
	return 1;
}

/* [-0, +3, -] pairs() of a frozen table walks what it holds. */
static int pl_ro_pairs(lua_State *L)
{
	lua_getmetatable(L, 1);
	lua_pushcfunction(L, pl_ro_next);
	lua_rawgetp(L, -2, (void *)pl_ro_len);
	lua_pushnil(L);
	return 3;
}

/* [-0, +0, m] Makes the (empty) table at idx a read-only view of the table at backing. */
static void pl_seal(lua_State *L, int idx, int backing)
{
	idx = lua_absindex(L, idx);
	backing = lua_absindex(L, backing);
	lua_createtable(L, 0, 6);
	lua_pushvalue(L, backing);
	lua_setfield(L, -2, "__index");
	lua_pushvalue(L, backing);
	lua_rawsetp(L, -2, (void *)pl_ro_len);
	lua_pushcfunction(L, pl_ro_newindex);
	lua_setfield(L, -2, "__newindex");
	lua_pushcfunction(L, pl_ro_len);
	lua_setfield(L, -2, "__len");
	lua_pushcfunction(L, pl_ro_pairs);
	lua_setfield(L, -2, "__pairs");
	lua_pushstring(L, "read-only");
	lua_setfield(L, -2, "__metatable");
	lua_setmetatable(L, idx);
}

static int pl_is_frozen(lua_State *L, int idx)
{
	if (!lua_getmetatable(L, idx))
		return 0;
	lua_getfield(L, -1, "__newindex");
	int frozen = lua_tocfunction(L, -1) == pl_ro_newindex;
	lua_pop(L, 2);
	return frozen;
}

/* [-0, +1, m] A JSON value as a read-only Lua value: objects and arrays become frozen tables (JSON null inside
 * them is left out), numbers, strings and booleans stay what they are. Deeper than PL_MAX_DEPTH is nil. */
static void pl_push_json(lua_State *L, const json_t *v, int depth)
{
	luaL_checkstack(L, 6, "JSON too deep");
	switch (json_typeof(v)) {
	case JSON_STRING: lua_pushlstring(L, json_string_value(v), json_string_length(v)); return;
	case JSON_INTEGER: lua_pushinteger(L, (lua_Integer)json_integer_value(v)); return;
	case JSON_REAL: lua_pushnumber(L, json_real_value(v)); return;
	case JSON_TRUE: lua_pushboolean(L, 1); return;
	case JSON_FALSE: lua_pushboolean(L, 0); return;
	case JSON_OBJECT:
	case JSON_ARRAY: break;
	default: lua_pushnil(L); return;
	}
	if (depth >= PL_MAX_DEPTH) {
		lua_pushnil(L);
		return;
	}
	lua_newtable(L); /* the view */
	lua_newtable(L); /* what it holds */
	if (json_is_object(v)) {
		const char *key;
		json_t *item;
		json_object_foreach((json_t *)v, key, item)
		{
			pl_push_json(L, item, depth + 1);
			lua_setfield(L, -2, key);
		}
	} else {
		for (size_t i = 0; i < json_array_size(v); i++) {
			pl_push_json(L, json_array_get(v, i), depth + 1);
			lua_rawseti(L, -2, (lua_Integer)i + 1);
		}
	}
	pl_seal(L, -2, -1);
	lua_pop(L, 1);
}

/* [-0, +1, m] letter.fields / letter.template: converted once per letter, kept in the node's user value. */
static void pl_push_letter_json(lua_State *L, int node_idx, int slot, const json_t *v)
{
	if (!v) {
		lua_pushnil(L);
		return;
	}
	if (lua_getiuservalue(L, node_idx, slot) != LUA_TNIL)
		return;
	lua_pop(L, 1);
	pl_push_json(L, v, 0);
	lua_pushvalue(L, -1);
	lua_setiuservalue(L, node_idx, slot);
}

static const char *const pl_letter_fields[] = { "text",  "lower",  "index",    "paragraphs", "sentences",
	                                        "words", "fields", "template", "outcome",    NULL };
static const char *const pl_paragraph_fields[] = { "text",    "lower", "index",    "sentences", "words", "style",
	                                           "heading", "part",  "in_table", "origin",    NULL };
static const char *const pl_sentence_fields[] = { "text", "lower", "index", "words", "paragraph", "origin", NULL };
static const char *const pl_word_fields[] = { "text", "lower", "index", "letters", "paragraph", "origin", NULL };
static const char *const *const pl_fields_of[PL_NKINDS] = { pl_letter_fields, pl_paragraph_fields, pl_sentence_fields,
	                                                    pl_word_fields };

/* [-0, +0, v] The error for a field a node does not have, with the nearest name when there is one. */
static int pl_no_field(lua_State *L, int kind, const char *key)
{
	const char *near = key ? pl_nearest(key, pl_fields_of[kind]) : NULL;
	if (!key)
		return luaL_error(L, "%s fields are read by name (node.text), not by %s", pl_type_names[kind],
		                  luaL_typename(L, 2));
	if (near)
		return luaL_error(L, "no field '%s' on %s; did you mean '%s'?", key, pl_type_names[kind], near);
	luaL_Buffer b;
	luaL_buffinit(L, &b);
	for (size_t i = 0; pl_fields_of[kind][i]; i++) {
		if (i)
			luaL_addstring(&b, ", ");
		luaL_addstring(&b, pl_fields_of[kind][i]);
	}
	luaL_pushresult(&b);
	return luaL_error(L, "no field '%s' on %s; its fields are %s", key, pl_type_names[kind], lua_tostring(L, -1));
}

/* [-0, +1, e] node[key] for every node type. */
static int pl_node_index(lua_State *L)
{
	pl_node *n = pl_check_node(L, 1, "index");
	const char *key = lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : NULL;
	kb_plugin *pl = pl_of(L);
	const kb_text *t = n->text;
	if (!key)
		return pl_no_field(L, n->kind, NULL);
	if (!strcmp(key, "text")) {
		pl_push_node_text(L, n);
		return 1;
	}
	if (!strcmp(key, "lower")) {
		pl_push_node_text(L, n);
		size_t len;
		const char *s = lua_tolstring(L, -1, &len);
		pl_push_mapped(L, s, len, kb_uc_tolower);
		return 1;
	}
	if (!strcmp(key, "index")) {
		size_t i = n->kind == PL_LETTER      ? 0
		           : n->kind == PL_PARAGRAPH ? n->para
		           : n->kind == PL_SENTENCE  ? n->sent
		                                     : n->word;
		lua_pushinteger(L, (lua_Integer)i + 1);
		return 1;
	}
	if (n->kind != PL_WORD && !strcmp(key, "words")) {
		pl_push_children(L, n, PL_WORD);
		return 1;
	}
	if ((n->kind == PL_LETTER || n->kind == PL_PARAGRAPH) && !strcmp(key, "sentences")) {
		pl_push_children(L, n, PL_SENTENCE);
		return 1;
	}
	if ((n->kind == PL_SENTENCE || n->kind == PL_WORD) && !strcmp(key, "paragraph")) {
		pl_push_node(L, PL_PARAGRAPH, n->para, 0, 0);
		return 1;
	}
	if (n->kind != PL_LETTER && !strcmp(key, "origin")) {
		size_t start, len;
		const kb_paragraph *p = pl_node_range(n, &start, &len);
		lua_pushstring(L, kb_paragraph_origin_at(p, start));
		return 1;
	}
	if (n->kind == PL_LETTER) {
		const kb_check_input *in = pl->run.in;
		if (!strcmp(key, "paragraphs")) {
			lua_createtable(L, t->nparas < 1000000 ? (int)t->nparas : 0, 0);
			for (size_t i = 0; i < t->nparas; i++) {
				pl_push_node(L, PL_PARAGRAPH, i, 0, 0);
				lua_rawseti(L, -2, (lua_Integer)i + 1);
			}
			return 1;
		}
		if (!strcmp(key, "fields")) {
			pl_push_letter_json(L, 1, 1, in->fields);
			return 1;
		}
		if (!strcmp(key, "template")) {
			pl_push_letter_json(L, 1, 2, in->manifest);
			return 1;
		}
		if (!strcmp(key, "outcome")) {
			if (in->outcome)
				lua_pushstring(L, in->outcome);
			else
				lua_pushnil(L);
			return 1;
		}
	} else if (n->kind == PL_PARAGRAPH) {
		const kb_paragraph *p = &t->paras[n->para];
		if (!strcmp(key, "style")) {
			if (p->style)
				lua_pushstring(L, p->style);
			else
				lua_pushnil(L);
			return 1;
		}
		if (!strcmp(key, "heading")) {
			if (p->heading > 0)
				lua_pushinteger(L, p->heading);
			else
				lua_pushnil(L);
			return 1;
		}
		if (!strcmp(key, "part")) {
			lua_pushstring(L, kb_part_kind_name(p->part));
			return 1;
		}
		if (!strcmp(key, "in_table")) {
			lua_pushboolean(L, p->in_table != 0);
			return 1;
		}
	} else if (n->kind == PL_WORD && !strcmp(key, "letters")) {
		lua_pushinteger(L, t->paras[n->para].words[n->word].letters);
		return 1;
	}
	return pl_no_field(L, n->kind, key);
}

/* [-0, +0, e] */
static int pl_node_newindex(lua_State *L)
{
	pl_node *n = pl_test_node(L, 1);
	return luaL_error(L, "%s is read-only", n ? pl_type_names[n->kind] : "a node");
}

/* [-0, +1, m] "klarbrev.Word: kontanthjælp" (the text cut at 60 bytes). */
static int pl_node_tostring(lua_State *L)
{
	pl_node *n = pl_test_node(L, 1);
	if (!n)
		return luaL_error(L, "not a node");
	kb_plugin *pl = pl_of(L);
	if (!pl->run.in || n->gen != pl->gen || n->kind == PL_LETTER) {
		lua_pushstring(L, pl_type_names[n->kind]);
		return 1;
	}
	size_t start, len;
	const kb_paragraph *p = pl_node_range(n, &start, &len);
	size_t cut = len;
	if (cut > 60) {
		cut = 60;
		while (cut > 0 && ((unsigned char)p->text[start + cut] & 0xC0u) == 0x80u)
			cut--;
	}
	luaL_Buffer b;
	luaL_buffinit(L, &b);
	luaL_addstring(&b, pl_type_names[n->kind]);
	luaL_addstring(&b, ": ");
	luaL_addlstring(&b, p->text + start, cut);
	if (cut < len)
		luaL_addstring(&b, "…");
	luaL_pushresult(&b);
	return 1;
}

/* [-0, +1, -] Two nodes are equal when they are the same piece of the same letter. */
static int pl_node_eq(lua_State *L)
{
	pl_node *a = pl_test_node(L, 1), *b = pl_test_node(L, 2);
	lua_pushboolean(L, a && b && a->text == b->text && a->gen == b->gen && a->kind == b->kind &&
	                       a->para == b->para && a->sent == b->sent && a->word == b->word);
	return 1;
}

/* [-0, +0, -] */
static int pl_box_gc(lua_State *L)
{
	pl_box *b = luaL_testudata(L, 1, PL_BOX_TYPE);
	if (b && b->p) {
		b->free_fn(b->p);
		b->p = NULL;
	}
	return 0;
}

/* [-0, +1, m] A box for C memory; fill box->p right after allocating, with no Lua call in between. */
static pl_box *pl_push_box(lua_State *L, void (*free_fn)(void *))
{
	pl_box *b = lua_newuserdatauv(L, sizeof *b, 0);
	b->p = NULL;
	b->free_fn = free_fn;
	luaL_setmetatable(L, PL_BOX_TYPE);
	return b;
}

static void pl_free_text(void *p)
{
	kb_text_free(p);
}

static void pl_free_strv(void *p)
{
	kb_strv_free(p);
}

/* ---- report ---- */

/* The level named by the string at idx (nil: dflt). */
static kb_level pl_check_level(lua_State *L, int idx, kb_level dflt, const char *fn)
{
	if (lua_isnoneornil(L, idx))
		return dflt;
	kb_level lv;
	const char *name = lua_type(L, idx) == LUA_TSTRING ? lua_tostring(L, idx) : NULL;
	if (!name || kb_level_parse(&lv, name) != KB_OK)
		luaL_error(L, "%s: level must be \"error\", \"warning\" or \"info\", not %s", fn,
		           name ? name : luaL_typename(L, idx));
	return lv;
}

/* The finding report() asked for. Strings are borrowed from the Lua stack; nothing here calls Lua, so the C memory
 * it takes cannot leak. Returns 0, or KB_ENOMEM. */
typedef struct pl_report_args {
	const pl_node *node;
	const char *message;
	size_t message_len;
	lua_Integer start, length; /* length < 0: to the end of the node */
	kb_level level;
	const char *rule;
	const char *sugg[PL_MAX_SUGG];
	size_t sugg_len[PL_MAX_SUGG], nsugg;
} pl_report_args;

static int pl_add_report(kb_plugin *pl, const pl_report_args *a)
{
	kb_finding f = { 0 };
	kb_buf msg, rule, sugg[PL_MAX_SUGG];
	char *sv[PL_MAX_SUGG];
	char *text = NULL;
	int rc = KB_OK;
	kb_buf_init(&msg, PL_MAX_MESSAGE);
	kb_buf_init(&rule, PL_MAX_ID);
	for (size_t i = 0; i < PL_MAX_SUGG; i++)
		kb_buf_init(&sugg[i], PL_MAX_SUGG_BYTES);

	f.level = a->level;
	f.paragraph = -1;
	if (a->node->kind != PL_LETTER) {
		size_t ns, nl;
		const kb_paragraph *p = pl_node_range(a->node, &ns, &nl);
		/* offsets are inside the node's text: clamp them there, and onto character boundaries */
		size_t s = a->start < 0 ? 0 : (uint64_t)a->start > nl ? nl : (size_t)a->start;
		size_t l = a->length < 0 || (uint64_t)a->length > nl - s ? nl - s : (size_t)a->length;
		size_t abs_s = ns + s, abs_e = ns + s + l;
		while (abs_s > ns && ((unsigned char)p->text[abs_s] & 0xC0u) == 0x80u)
			abs_s--;
		while (abs_e < ns + nl && ((unsigned char)p->text[abs_e] & 0xC0u) == 0x80u)
			abs_e++;
		f.paragraph = (long)a->node->para;
		f.start = abs_s;
		f.len = abs_e - abs_s;
		f.origin = (char *)kb_paragraph_origin_at(p, abs_s);
		if (!(text = kb_strndup(p->text + abs_s, abs_e - abs_s)))
			rc = KB_ENOMEM;
		f.text = text;
	}
	if (!rc)
		rc = pl_clean_text(&msg, a->message, a->message_len, PL_MAX_MESSAGE);
	if (!rc)
		rc = pl_clean_text(&rule, a->rule, strlen(a->rule), PL_MAX_ID);
	for (size_t i = 0; !rc && i < a->nsugg; i++) {
		rc = pl_clean_text(&sugg[i], a->sugg[i], a->sugg_len[i], PL_MAX_SUGG_BYTES);
		sv[i] = sugg[i].data;
	}
	if (!rc) {
		f.message = msg.data;
		f.rule = rule.data;
		f.source = pl->display;
		f.suggestions = a->nsugg ? sv : NULL;
		f.nsuggestions = a->nsugg;
		rc = kb_findings_add(pl->run.out, &f);
		if (rc == KB_ELIMIT) /* the letter's list is full */
			rc = KB_OK;
	}
	free(text);
	kb_buf_free(&msg);
	kb_buf_free(&rule);
	for (size_t i = 0; i < PL_MAX_SUGG; i++)
		kb_buf_free(&sugg[i]);
	return rc;
}

static const char *const pl_report_keys[] = { "at", "message", "suggestion", "start", "length", "level", "rule", NULL };

/* [-0, +0, e] Reads report{...} at index 1 into a. */
static void pl_report_table(lua_State *L, kb_plugin *pl, pl_report_args *a)
{
	luaL_checkstack(L, 12 + PL_MAX_SUGG, "report");
	lua_pushnil(L);
	while (lua_next(L, 1)) {
		const char *key = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
		int known = 0;
		for (size_t i = 0; key && pl_report_keys[i]; i++)
			known |= !strcmp(key, pl_report_keys[i]);
		if (!known) {
			const char *near = key ? pl_nearest(key, pl_report_keys) : NULL;
			if (near)
				luaL_error(L, "report: unknown key '%s'; did you mean '%s'?", key, near);
			luaL_error(L, "report: unknown key %s; use at, message, suggestion, start, length, level, rule",
			           key ? key : luaL_typename(L, -2));
		}
		lua_pop(L, 1);
	}
	lua_settop(L, 1);
	lua_getfield(L, 1, "at");         /* 2 */
	lua_getfield(L, 1, "message");    /* 3 */
	lua_getfield(L, 1, "suggestion"); /* 4 */
	lua_getfield(L, 1, "start");      /* 5 */
	lua_getfield(L, 1, "length");     /* 6 */
	lua_getfield(L, 1, "level");      /* 7 */
	lua_getfield(L, 1, "rule");       /* 8 */
	if (lua_isnil(L, 2))
		luaL_error(L, "report: 'at' is missing; say which node the finding is about (at = sentence)");
	a->node = pl_check_node(L, 2, "report");
	if (lua_type(L, 3) != LUA_TSTRING)
		luaL_error(L, "report: 'message' must be a string, not %s", luaL_typename(L, 3));
	a->message = lua_tolstring(L, 3, &a->message_len);
	if (lua_type(L, 4) == LUA_TSTRING) {
		a->sugg[0] = lua_tolstring(L, 4, &a->sugg_len[0]);
		a->nsugg = 1;
	} else if (lua_type(L, 4) == LUA_TTABLE) {
		for (lua_Integer i = 1; a->nsugg < PL_MAX_SUGG; i++) {
			int ty =
			    lua_geti(L, 4, i); /* stays on the stack: the string is borrowed until report returns */
			if (ty == LUA_TNIL)
				break;
			if (ty != LUA_TSTRING)
				luaL_error(L, "report: suggestion %d must be a string, not %s", (int)i,
				           luaL_typename(L, -1));
			a->sugg[a->nsugg] = lua_tolstring(L, -1, &a->sugg_len[a->nsugg]);
			a->nsugg++;
		}
	} else if (!lua_isnil(L, 4)) {
		luaL_error(L, "report: 'suggestion' must be a string or a list of strings, not %s",
		           luaL_typename(L, 4));
	}
	if (!lua_isnil(L, 5) && !lua_isinteger(L, 5))
		luaL_error(L, "report: 'start' must be an integer (a byte offset in the node's text)");
	if (!lua_isnil(L, 6) && !lua_isinteger(L, 6))
		luaL_error(L, "report: 'length' must be an integer (bytes)");
	a->start = lua_isnil(L, 5) ? 0 : lua_tointeger(L, 5);
	a->length = lua_isnil(L, 6) ? -1 : lua_tointeger(L, 6);
	if (a->length < 0)
		a->length = -1;
	a->level = pl_check_level(L, 7, pl->level, "report");
	if (!lua_isnil(L, 8)) {
		if (lua_type(L, 8) != LUA_TSTRING || lua_rawlen(L, 8) == 0 || lua_rawlen(L, 8) > PL_MAX_ID)
			luaL_error(L, "report: 'rule' must be a name of 1 to %d characters", (int)PL_MAX_ID);
		a->rule = lua_tostring(L, 8);
	}
}

/* [-n, +0, e]
 * report(node, fmt, ...) -- a finding on node, the message made by string.format(fmt, ...);
 * report{ at = node, message = "...", suggestion = "..." or {...}, start = 0, length = 4, level = "info",
 *         rule = "..." } -- start and length are bytes in the node's text (default: all of it). */
static int pl_report(lua_State *L)
{
	kb_plugin *pl = pl_of(L);
	pl_report_args a;
	memset(&a, 0, sizeof a);
	a.level = pl->level;
	a.rule = pl->id;
	a.length = -1;
	if (!pl->run.in)
		return luaL_error(L, "report: there is no letter being checked");
	if (lua_type(L, 1) == LUA_TTABLE) {
		pl_report_table(L, pl, &a);
	} else {
		a.node = pl_check_node(L, 1, "report");
		luaL_checkstring(L, 2);
		int n = lua_gettop(L);
		lua_rawgetp(L, LUA_REGISTRYINDEX, (void *)pl_report); /* string.format, kept at setup */
		lua_insert(L, 2);
		lua_call(L, n - 1, 1);
		a.message = lua_tolstring(L, -1, &a.message_len);
	}
	if (pl->run.nreports >= PL_MAX_REPORTS)
		return 0;
	pl->run.nreports++;
	if (pl_add_report(pl, &a)) {
		pl->run.oom = 1;
		return luaL_error(L, "out of memory");
	}
	return 0;
}

/* ---- the klarbrev helpers ---- */

/* [-0, +0, v] Loads the dictionary outside the plugin's clock: the load is not the plugin's doing. */
static kb_speller *pl_speller(lua_State *L, const char *fn)
{
	kb_plugin *pl = pl_of(L);
	kb_speller *sp = pl->ps->speller;
	if (!sp)
		luaL_error(L, "klarbrev.%s: no dictionary is loaded (spelling is switched off)", fn);
	if (!kb_speller_is_loaded(sp)) {
		struct timespec t0 = pl_now();
		int rc = kb_speller_load(sp, pl->ps->hctx);
		struct timespec t1 = pl_now();
		long ms = (long)(t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000 + 1;
		pl_add_ms(&pl->deadline, ms);
		if (rc)
			luaL_error(L, "klarbrev.%s: %s", fn, kb_ctx_errmsg(pl->ps->hctx));
	}
	return sp;
}

/* [-0, +1, m] A new Lua array of the strings in v[0..n). */
static void pl_push_strv(lua_State *L, char **v, size_t n)
{
	lua_createtable(L, n < 64 ? (int)n : 64, 0);
	for (size_t i = 0; i < n; i++) {
		lua_pushstring(L, v[i]);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
}

/* [-1, +4, e] klarbrev.lix(node_or_text) -> lix, words, sentences, long_words (convention K, as the report). */
static int pl_lix(lua_State *L)
{
	kb_metrics m;
	pl_node *n = pl_test_node(L, 1);
	if (n) {
		n = pl_check_node(L, 1, "klarbrev.lix");
		if (n->kind == PL_LETTER) {
			kb_metrics_compute(&m, n->text);
		} else {
			/* a view of one paragraph, or of one sentence or word as a paragraph of its own */
			kb_paragraph view = n->text->paras[n->para];
			kb_sentence one;
			if (n->kind == PL_SENTENCE) {
				one = view.sentences[n->sent];
				view.words += one.first_word;
				view.nwords = one.nwords;
				one.first_word = 0;
				view.sentences = &one;
				view.nsentences = 1;
			} else if (n->kind == PL_WORD) {
				one.start = view.words[n->word].start;
				one.len = view.words[n->word].len;
				one.first_word = 0;
				one.nwords = 1;
				view.words += n->word;
				view.nwords = 1;
				view.sentences = &one;
				view.nsentences = 1;
			}
			kb_text tv = { &view, 1, 1 };
			kb_metrics_compute(&m, &tv);
		}
	} else {
		size_t len;
		const char *s = luaL_checklstring(L, 1, &len);
		kb_plugin *pl = pl_of(L);
		pl_box *box = pl_push_box(L, pl_free_text);
		kb_text *t = NULL;
		int rc = kb_text_from_plain(&t, pl->ps->hctx, s, len, "klarbrev.lix");
		box->p = t;
		if (rc)
			return luaL_error(L, "%s", kb_ctx_errmsg(pl->ps->hctx));
		kb_metrics_compute(&m, t);
		box->p = NULL;
		kb_text_free(t);
	}
	lua_pushnumber(L, m.lix);
	lua_pushinteger(L, (lua_Integer)m.words);
	lua_pushinteger(L, (lua_Integer)m.sentences);
	lua_pushinteger(L, (lua_Integer)m.long_words);
	return 4;
}

/* [-1, +1, m] klarbrev.lower(s): lower case, every alphabet klarbrev knows (string.lower leaves "Æ" alone). */
static int pl_lower(lua_State *L)
{
	size_t len;
	const char *s = luaL_checklstring(L, 1, &len);
	pl_push_mapped(L, s, len, kb_uc_tolower);
	return 1;
}

/* [-1, +1, m] klarbrev.upper(s) */
static int pl_upper(lua_State *L)
{
	size_t len;
	const char *s = luaL_checklstring(L, 1, &len);
	pl_push_mapped(L, s, len, kb_uc_toupper);
	return 1;
}

/* [-1, +1, -] klarbrev.len(s): characters (code points), not bytes: klarbrev.len("æble") is 4, #"æble" is 5. */
static int pl_len(lua_State *L)
{
	size_t len;
	const char *s = luaL_checklstring(L, 1, &len);
	lua_pushinteger(L, (lua_Integer)kb_utf8_count_chars(s, len));
	return 1;
}

/* [-1, +1, e] klarbrev.words(text) / klarbrev.sentences(text): the pieces as the text model cuts them, as strings. */
static int pl_split(lua_State *L, int sentences)
{
	size_t len;
	const char *s = luaL_checklstring(L, 1, &len);
	kb_plugin *pl = pl_of(L);
	pl_box *box = pl_push_box(L, pl_free_text);
	kb_text *t = NULL;
	int rc = kb_text_from_plain(&t, pl->ps->hctx, s, len, sentences ? "klarbrev.sentences" : "klarbrev.words");
	box->p = t;
	if (rc)
		return luaL_error(L, "%s", kb_ctx_errmsg(pl->ps->hctx));
	lua_newtable(L);
	lua_Integer k = 0;
	for (size_t pi = 0; pi < t->nparas; pi++) {
		const kb_paragraph *p = &t->paras[pi];
		size_t n = sentences ? p->nsentences : p->nwords;
		for (size_t i = 0; i < n; i++) {
			if (sentences)
				lua_pushlstring(L, p->text + p->sentences[i].start, p->sentences[i].len);
			else
				lua_pushlstring(L, p->text + p->words[i].start, p->words[i].len);
			lua_rawseti(L, -2, ++k);
		}
	}
	box->p = NULL;
	kb_text_free(t);
	return 1;
}

/* [-1, +1, e] */
static int pl_words(lua_State *L)
{
	return pl_split(L, 0);
}

/* [-1, +1, e] */
static int pl_sentences(lua_State *L)
{
	return pl_split(L, 1);
}

/* [-1, +1, e] klarbrev.spell(word) -> true when the dictionary and the word lists know the word. */
static int pl_spell(lua_State *L)
{
	size_t len;
	const char *w = luaL_checklstring(L, 1, &len);
	kb_speller *sp = pl_speller(L, "spell");
	kb_plugin *pl = pl_of(L);
	int ok = kb_speller_check(sp, pl->ps->hctx, w, len);
	if (ok < 0)
		return luaL_error(L, "klarbrev.spell: %s", kb_ctx_errmsg(pl->ps->hctx));
	lua_pushboolean(L, ok);
	return 1;
}

/* [-(1|2), +1, e] klarbrev.suggest(word [, max = 5]) -> list of suggestions, best first. */
static int pl_suggest(lua_State *L)
{
	size_t len;
	const char *w = luaL_checklstring(L, 1, &len);
	lua_Integer max = luaL_optinteger(L, 2, 5);
	if (max < 0)
		max = 0;
	if (max > 20)
		max = 20;
	kb_speller *sp = pl_speller(L, "suggest");
	kb_plugin *pl = pl_of(L);
	pl_box *box = pl_push_box(L, pl_free_strv);
	char **v = NULL;
	size_t n = 0;
	int rc = kb_speller_suggest(&v, &n, sp, pl->ps->hctx, w, len, (size_t)max);
	box->p = v;
	if (rc)
		return luaL_error(L, "klarbrev.suggest: %s", kb_ctx_errmsg(pl->ps->hctx));
	pl_push_strv(L, v, n);
	return 1;
}

/* [-1, +1, e] klarbrev.analyze(word) -> hunspell's analyses ("st:høre ... is:PASSIV"), one string each. */
static int pl_analyze(lua_State *L)
{
	size_t len;
	const char *w = luaL_checklstring(L, 1, &len);
	kb_speller *sp = pl_speller(L, "analyze");
	kb_plugin *pl = pl_of(L);
	pl_box *box = pl_push_box(L, pl_free_strv);
	char **v = NULL;
	size_t n = 0;
	int rc = kb_speller_analyze(&v, &n, sp, pl->ps->hctx, w, len);
	box->p = v;
	if (rc)
		return luaL_error(L, "klarbrev.analyze: %s", kb_ctx_errmsg(pl->ps->hctx));
	pl_push_strv(L, v, n);
	return 1;
}

/* [-n, +0, e] klarbrev.log(fmt, ...): formats like string.format, so mistakes show, and for now keeps nothing
 * (the library never prints; `klarbrev plugin test` will collect these). */
static int pl_log(lua_State *L)
{
	int n = lua_gettop(L);
	if (n == 0)
		return 0;
	luaL_checkstring(L, 1);
	lua_rawgetp(L, LUA_REGISTRYINDEX, (void *)pl_report);
	lua_insert(L, 1);
	lua_call(L, n, 1);
	return 0;
}

/* [-n, +0, -] print(...) does nothing: the library never prints. */
static int pl_print(lua_State *L)
{
	(void)L;
	return 0;
}

/* [-2, +1, e] setmetatable(t, mt), refusing __gc: a finalizer runs without hooks, outside the time budget. */
static int pl_setmetatable(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TTABLE);
	int t = lua_type(L, 2);
	luaL_argexpected(L, t == LUA_TNIL || t == LUA_TTABLE, 2, "nil or table");
	if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL)
		return luaL_error(L, "cannot change a protected metatable");
	if (t == LUA_TTABLE) {
		lua_pushliteral(L, "__gc");
		if (lua_rawget(L, 2) != LUA_TNIL)
			return luaL_error(L, "setmetatable: __gc is not allowed in a plugin");
		lua_pop(L, 1);
	}
	lua_settop(L, 2);
	lua_setmetatable(L, 1);
	return 1;
}

static const luaL_Reg pl_helpers[] = { { "lix", pl_lix },
	                               { "lower", pl_lower },
	                               { "upper", pl_upper },
	                               { "len", pl_len },
	                               { "words", pl_words },
	                               { "sentences", pl_sentences },
	                               { "spell", pl_spell },
	                               { "suggest", pl_suggest },
	                               { "analyze", pl_analyze },
	                               { "log", pl_log },
	                               { NULL, NULL } };

/* ---- freezing ---- */

/* Metamethod names stay in a frozen table as they were: Lua reads them without __index, so a frozen table that
 * serves as a metatable ("Class.__index = Class") keeps working. */
static int pl_is_metamethod_key(lua_State *L, int idx)
{
	if (lua_type(L, idx) != LUA_TSTRING)
		return 0;
	const char *k = lua_tostring(L, idx);
	return k[0] == '_' && k[1] == '_';
}

/* [-0, +0, m] Pushes the value at idx onto the work list (a table at index work, n entries) when it is a table or
 * a function, the only values that can hold state. */
static void pl_freeze_push(lua_State *L, int idx, int work, lua_Integer *n)
{
	int type = lua_type(L, idx);
	if (type != LUA_TTABLE && type != LUA_TFUNCTION)
		return;
	lua_pushvalue(L, idx);
	lua_rawseti(L, work, ++*n);
}

/* [-1, +0, m] Freezes the table on top of the stack in place (popped): its content moves to a hidden backing table
 * and the table becomes a read-only view of it, so every reference to it sees the change. The backing table's
 * keys and values go onto the work list. */
static void pl_freeze_table(lua_State *L, int work, lua_Integer *n)
{
	int t = lua_gettop(L);
	lua_newtable(L);
	int backing = lua_gettop(L);
	lua_pushnil(L);
	while (lua_next(L, t)) {
		lua_pushvalue(L, -2);
		lua_insert(L, -2);
		lua_rawset(L, backing);
	}
	lua_pushnil(L);
	while (lua_next(L, backing)) {
		pl_freeze_push(L, -2, work, n);
		pl_freeze_push(L, -1, work, n);
		lua_pop(L, 1);
		if (!pl_is_metamethod_key(L, -1)) {
			lua_pushvalue(L, -1);
			lua_pushnil(L);
			lua_rawset(L, t);
		}
	}
	if (lua_getmetatable(L, t)) /* a plugin's own metatable keeps serving lookups, behind the view */
		lua_setmetatable(L, backing);
	pl_seal(L, t, backing);
	lua_settop(L, t - 1);
}

/* [-n, +0, m] Freezes the n values on top of the stack and every table reachable from them through tables and
 * through the upvalues of functions (popped). A work list, not recursion: nesting has no limit but memory. */
static void pl_freeze(lua_State *L, int nroots)
{
	int roots = lua_gettop(L) - nroots + 1;
	luaL_checkstack(L, 16, "freezing the plugin's tables");
	lua_newtable(L);
	int seen = lua_gettop(L);
	lua_newtable(L);
	int work = lua_gettop(L);
	lua_Integer n = 0;
	for (int i = 0; i < nroots; i++)
		pl_freeze_push(L, roots + i, work, &n);
	while (n > 0) {
		lua_rawgeti(L, work, n);
		lua_pushnil(L);
		lua_rawseti(L, work, n--);
		int v = lua_gettop(L);
		lua_pushvalue(L, v);
		if (lua_rawget(L, seen) != LUA_TNIL) {
			lua_settop(L, v - 1);
			continue;
		}
		lua_pop(L, 1);
		lua_pushvalue(L, v);
		lua_pushboolean(L, 1);
		lua_rawset(L, seen);
		if (lua_type(L, v) == LUA_TFUNCTION) {
			for (int i = 1; lua_getupvalue(L, v, i); i++) {
				pl_freeze_push(L, -1, work, &n);
				lua_pop(L, 1);
			}
			lua_pop(L, 1);
		} else if (pl_is_frozen(L, v)) {
			lua_pop(L, 1);
		} else {
			pl_freeze_table(L, work, &n);
		}
	}
	lua_settop(L, roots - 1);
}

/* ---- loading ---- */

/* The place where a config file's options and levels for this plugin will be applied (plugin table on top of the
 * stack, not yet frozen). Nothing to apply yet. */
static void pl_apply_config(lua_State *L, kb_plugin *pl)
{
	(void)L;
	(void)pl;
}

/* [-0, +0, m] Sets global name to nil. */
static void pl_remove_global(lua_State *L, const char *name)
{
	lua_pushnil(L);
	lua_setglobal(L, name);
}

/* [-0, +0, m] The libraries and the sandbox around them. */
static void pl_open_libs(lua_State *L)
{
	static const char *const base_removed[] = { "dofile",  "loadfile", "load",     "collectgarbage",
		                                    "rawset",  "rawget",   "rawequal", "rawlen",
		                                    "require", "warn",     NULL };
	static const char *const os_kept[] = { "time", "date", "clock", "difftime", NULL };

	luaL_requiref(L, LUA_GNAME, luaopen_base, 1);
	luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 1);
	luaL_requiref(L, LUA_TABLIBNAME, luaopen_table, 1);
	luaL_requiref(L, LUA_MATHLIBNAME, luaopen_math, 1);
	luaL_requiref(L, LUA_UTF8LIBNAME, luaopen_utf8, 1);
	luaL_requiref(L, LUA_OSLIBNAME, luaopen_os, 0);
	lua_newtable(L);
	for (size_t i = 0; os_kept[i]; i++) {
		lua_getfield(L, -2, os_kept[i]);
		lua_setfield(L, -2, os_kept[i]);
	}
	lua_setglobal(L, "os");
	lua_settop(L, 0);
	/* the loaded-modules table would still hold all of os */
	lua_getfield(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
	lua_pushnil(L);
	lua_setfield(L, -2, LUA_OSLIBNAME);
	lua_pop(L, 1);

	for (size_t i = 0; base_removed[i]; i++)
		pl_remove_global(L, base_removed[i]);
	lua_pushcfunction(L, pl_print);
	lua_setglobal(L, "print");
	lua_pushcfunction(L, pl_setmetatable);
	lua_setglobal(L, "setmetatable");

	lua_getglobal(L, LUA_STRLIBNAME);
	lua_getfield(L, -1, "format");
	lua_rawsetp(L, LUA_REGISTRYINDEX, (void *)pl_report); /* for report() and log() */
	lua_pushnil(L);
	lua_setfield(L, -2, "dump");
	lua_pop(L, 1);

	lua_pushliteral(L, "");
	lua_getmetatable(L, -1);
	lua_pushstring(L, pl_protected);
	lua_setfield(L, -2, "__metatable");
	lua_pop(L, 2);

	for (int k = 0; k < PL_NKINDS; k++) {
		luaL_newmetatable(L, pl_type_names[k]); /* sets __name */
		lua_pushcfunction(L, pl_node_index);
		lua_setfield(L, -2, "__index");
		lua_pushcfunction(L, pl_node_newindex);
		lua_setfield(L, -2, "__newindex");
		lua_pushcfunction(L, pl_node_tostring);
		lua_setfield(L, -2, "__tostring");
		lua_pushcfunction(L, pl_node_eq);
		lua_setfield(L, -2, "__eq");
		lua_pushstring(L, pl_protected);
		lua_setfield(L, -2, "__metatable");
		lua_pop(L, 1);
	}
	luaL_newmetatable(L, PL_BOX_TYPE);
	lua_pushcfunction(L, pl_box_gc);
	lua_setfield(L, -2, "__gc");
	lua_pushstring(L, pl_protected);
	lua_setfield(L, -2, "__metatable");
	lua_pop(L, 1);

	luaL_newlib(L, pl_helpers);
	lua_pushliteral(L, KB_VERSION);
	lua_setfield(L, -2, "version");
	lua_setglobal(L, "klarbrev");
}

/* [-0, +0, e] Checks the table the file returned (at idx) and takes id, level, options and visitors from it. */
static void pl_take_table(lua_State *L, kb_plugin *pl, int idx)
{
	if (!lua_istable(L, idx))
		luaL_error(L, "the file must return a table with an id (it returned %s)", luaL_typename(L, idx));
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		const char *key = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
		int known = 0;
		for (size_t i = 0; key && pl_table_keys[i]; i++)
			known |= !strcmp(key, pl_table_keys[i]);
		if (!known) {
			const char *near = key ? pl_nearest(key, pl_table_keys) : NULL;
			if (near)
				luaL_error(L, "unknown key '%s' in the plugin's table; did you mean '%s'?", key, near);
			luaL_error(L, "unknown key %s in the plugin's table", key ? key : luaL_typename(L, -2));
		}
		lua_pop(L, 1);
	}
	lua_getfield(L, idx, "id");
	size_t idlen = 0;
	const char *id = lua_type(L, -1) == LUA_TSTRING ? lua_tolstring(L, -1, &idlen) : NULL;
	int id_ok = id && idlen > 0 && idlen <= PL_MAX_ID;
	for (size_t i = 0; id_ok && i < idlen; i++) {
		char c = id[i];
		id_ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
		        c == '-' || c == '.';
	}
	if (!id_ok)
		luaL_error(L, "'id' must be a name of letters a-z, digits, '-' or '_' (at most %d)", (int)PL_MAX_ID);
	free(pl->id);
	if (!(pl->id = kb_strndup(id, idlen)))
		luaL_error(L, "out of memory");
	lua_pop(L, 1);

	lua_getfield(L, idx, "level");
	pl->level = pl_check_level(L, -1, KB_LEVEL_WARNING, "the plugin's table");
	lua_pop(L, 1);

	lua_getfield(L, idx, "description");
	if (!lua_isnil(L, -1) && lua_type(L, -1) != LUA_TSTRING)
		luaL_error(L, "'description' must be a string");
	lua_pop(L, 1);
	lua_getfield(L, idx, "examples");
	if (!lua_isnil(L, -1) && !lua_istable(L, -1))
		luaL_error(L, "'examples' must be a table { ok = {...}, bad = {...} }");
	lua_pop(L, 1);
	lua_getfield(L, idx, "options");
	if (!lua_isnil(L, -1) && !lua_istable(L, -1))
		luaL_error(L, "'options' must be a table");
	lua_pop(L, 1);
	for (int v = 0; v < PL_NVISITORS; v++) {
		lua_getfield(L, idx, pl_visitor_names[v]);
		if (!lua_isnil(L, -1) && !lua_isfunction(L, -1))
			luaL_error(L, "'%s' must be a function, not %s", pl_visitor_names[v], luaL_typename(L, -1));
		lua_pop(L, 1);
	}
}

/* [-0, +0, e] Makes the plugin's state: libraries, sandbox, the file run once, its table checked, everything
 * frozen, and references to what a run needs. Runs under lua_pcall with the time budget armed. */
static int pl_setup(lua_State *L)
{
	kb_plugin *pl = pl_of(L);
	pl_open_libs(L);
	lua_settop(L, 0);

	/* "@plugins/x.lua": error messages then read "plugins/x.lua:12: ..." */
	const char *chunkname = lua_pushfstring(L, "@%s", pl->display);
	int st = luaL_loadbufferx(L, pl->source, pl->source_len, chunkname, "t");
	if (st != LUA_OK)
		return lua_error(L);
	lua_call(L, 0, 1);
	int tbl = lua_gettop(L);
	pl_take_table(L, pl, tbl);

	lua_getfield(L, tbl, "options");
	if (lua_isnil(L, -1)) {
		lua_pop(L, 1);
		lua_newtable(L);
		lua_setfield(L, tbl, "options");
	} else {
		lua_pop(L, 1);
	}
	pl_apply_config(L, pl);

	lua_pushglobaltable(L);
	lua_pushvalue(L, tbl);
	pl_freeze(L, 2);

	lua_pushvalue(L, tbl);
	pl->ref_table = luaL_ref(L, LUA_REGISTRYINDEX); /* the examples and data rules will be read from it */
	lua_getfield(L, tbl, "options");
	pl->ref_options = luaL_ref(L, LUA_REGISTRYINDEX);
	for (int v = 0; v < PL_NVISITORS; v++) {
		lua_getfield(L, tbl, pl_visitor_names[v]);
		pl->ref_visitor[v] = lua_isnil(L, -1) ? (lua_pop(L, 1), LUA_NOREF) : luaL_ref(L, LUA_REGISTRYINDEX);
	}
	lua_settop(L, 0);
	return 0;
}

static void pl_close_state(kb_plugin *pl)
{
	if (pl->L)
		lua_close(pl->L);
	pl->L = NULL;
	pl->ref_table = pl->ref_options = LUA_NOREF;
	for (int v = 0; v < PL_NVISITORS; v++)
		pl->ref_visitor[v] = LUA_NOREF;
}

/* The Lua message after a failed lua_pcall (status st), or the limit the plugin hit, as a new string. */
static char *pl_failure_text(kb_plugin *pl, int st)
{
	kb_buf b;
	kb_buf_init(&b, PL_MAX_MESSAGE);
	if (st == LUA_ERRMEM || (pl->mem_exceeded && !pl->timed_out)) {
		if (pl->last_line > 0)
			kb_buf_printf(&b, "%s:%d: ", pl->display, pl->last_line);
		if (pl->mem_cap >= 1024u * 1024u)
			kb_buf_printf(&b, "hukommelsesgrænsen på %zu MiB er overskredet",
			              pl->mem_cap / (1024u * 1024u));
		else
			kb_buf_printf(&b, "hukommelsesgrænsen på %zu KiB er overskredet", pl->mem_cap / 1024u);
	} else if (st != LUA_OK && lua_type(pl->L, -1) == LUA_TSTRING) {
		size_t len;
		const char *s = lua_tolstring(pl->L, -1, &len);
		kb_buf_add(&b, s, len);
	} else {
		kb_buf_adds(&b, st == LUA_ERRERR ? "fejl under fejlhåndteringen" : "ukendt fejl");
	}
	return b.data ? kb_buf_detach(&b) : kb_strdup("ukendt fejl");
}

/* Makes the plugin's state from its source. On failure the plugin is broken: pl->broken holds the message of its
 * finding. Returns 0, KB_EPLUGIN (broken) or KB_ENOMEM. */
static int pl_open(kb_plugin *pl)
{
	pl_close_state(pl);
	pl->mem_used = 0;
	pl->mem_exceeded = 0;
	pl->last_line = 0;
	pl->reset = 0;
	pl->mem_cap = pl->ps->mem_cap;
	char *why = NULL;
	lua_State *L = lua_newstate(pl_alloc, pl);
	if (!L) {
		why = kb_strdup("hukommelsesgrænsen er for lav til at starte Lua");
	} else {
		pl->L = L;
		*(kb_plugin **)lua_getextraspace(L) = pl;
		pl_arm_budget(pl);
		lua_pushcfunction(L, pl_msgh);
		lua_pushcfunction(L, pl_setup);
		int st = lua_pcall(L, 0, 0, 1);
		pl_disarm_budget(pl);
		if (st != LUA_OK || pl->mem_exceeded)
			why = pl_failure_text(pl, st);
		else
			lua_settop(L, 0);
	}
	if (!why && pl->L)
		return KB_OK;
	pl_close_state(pl);
	free(pl->broken);
	pl->broken = NULL;
	free(pl->id); /* a broken plugin claims no id */
	pl->id = NULL;
	int rc = why ? pl_make_error_message(&pl->broken, pl, "kunne ikke indlæses", why) : KB_ENOMEM;
	free(why);
	return rc ? KB_ENOMEM : KB_EPLUGIN;
}

/* ---- running ---- */

/* [-0, +0, e] Calls visitor v with the node on top of the stack (popped), report and the options. */
static void pl_visit(lua_State *L, kb_plugin *pl, int v)
{
	lua_rawgeti(L, LUA_REGISTRYINDEX, pl->ref_visitor[v]);
	lua_insert(L, -2);
	lua_pushcfunction(L, pl_report);
	lua_rawgeti(L, LUA_REGISTRYINDEX, pl->ref_options);
	lua_call(L, 3, 0);
}

/* [-0, +0, e] One letter: on_letter, then for each paragraph on_paragraph, its sentences, its words. Runs under
 * lua_pcall with the time budget armed; the first error ends the walk. */
static int pl_walk(lua_State *L)
{
	kb_plugin *pl = pl_of(L);
	const kb_text *t = pl->run.in->text;
	if (pl->ref_visitor[PL_ON_LETTER] != LUA_NOREF) {
		pl_push_node(L, PL_LETTER, 0, 0, 0);
		pl_visit(L, pl, PL_ON_LETTER);
	}
	int per_para = pl->ref_visitor[PL_ON_PARAGRAPH] != LUA_NOREF || pl->ref_visitor[PL_ON_SENTENCE] != LUA_NOREF ||
	               pl->ref_visitor[PL_ON_WORD] != LUA_NOREF;
	for (size_t pi = 0; per_para && t && pi < t->nparas; pi++) {
		const kb_paragraph *p = &t->paras[pi];
		if (pl->ref_visitor[PL_ON_PARAGRAPH] != LUA_NOREF) {
			pl_push_node(L, PL_PARAGRAPH, pi, 0, 0);
			pl_visit(L, pl, PL_ON_PARAGRAPH);
		}
		for (size_t si = 0; pl->ref_visitor[PL_ON_SENTENCE] != LUA_NOREF && si < p->nsentences; si++) {
			pl_push_node(L, PL_SENTENCE, pi, si, 0);
			pl_visit(L, pl, PL_ON_SENTENCE);
		}
		for (size_t wi = 0; pl->ref_visitor[PL_ON_WORD] != LUA_NOREF && wi < p->nwords; wi++) {
			pl_push_node(L, PL_WORD, pi, 0, wi);
			pl_visit(L, pl, PL_ON_WORD);
		}
	}
	return 0;
}

/* Runs one plugin over one letter. Returns 0 or KB_ENOMEM. */
static int pl_run_letter(kb_plugin *pl, kb_ctx *ctx, const kb_check_input *in, kb_findings *out)
{
	int rc;
	if (pl->reset && !pl->broken && (rc = pl_open(pl)) == KB_ENOMEM)
		return kb_ctx_fail(ctx, rc, "out of memory");
	if (pl->broken) {
		rc = pl_add_error_finding(pl, out, pl->broken);
		return rc ? kb_ctx_fail(ctx, rc, "out of memory") : KB_OK;
	}
	lua_State *L = pl->L;
	pl->gen++;
	pl->run.in = in;
	pl->run.out = out;
	pl->run.nreports = 0;
	pl->run.oom = 0;
	pl->mem_exceeded = 0;
	pl->last_line = 0;
	lua_settop(L, 0);
	pl_arm_budget(pl);
	lua_pushcfunction(L, pl_msgh);
	lua_pushcfunction(L, pl_walk);
	int st = lua_pcall(L, 0, 0, 1);
	pl_disarm_budget(pl);
	rc = KB_OK;
	if (st != LUA_OK || pl->mem_exceeded) {
		char *why = pl_failure_text(pl, st);
		char *msg = NULL;
		rc = why ? pl_make_error_message(&msg, pl, "fejlede", why) : KB_ENOMEM;
		if (!rc)
			rc = pl_add_error_finding(pl, out, msg);
		free(msg);
		free(why);
		if (pl->timed_out || pl->mem_exceeded || st == LUA_ERRMEM)
			pl->reset = 1; /* interrupted anywhere: start clean */
	}
	lua_settop(L, 0);
	pl->run.in = NULL;
	pl->run.out = NULL;
	if (rc || pl->run.oom)
		return kb_ctx_fail(ctx, KB_ENOMEM, "out of memory");
	return KB_OK;
}

int kb_plugins_run(kb_plugins *ps, kb_ctx *ctx, const kb_check_input *in, kb_findings *out)
{
	if (!in || !out)
		return kb_ctx_fail(ctx, KB_EUSAGE, "kb_plugins_run: no letter or no finding list");
	for (size_t i = 0; i < ps->n; i++) {
		int rc = pl_run_letter(ps->items[i], ctx, in, out);
		if (rc)
			return rc;
	}
	return KB_OK;
}

/* ---- the plugin list ---- */

int kb_plugins_new(kb_plugins **out, kb_ctx *ctx, kb_speller *speller)
{
	*out = NULL;
	kb_plugins *ps = calloc(1, sizeof *ps);
	if (!ps || kb_ctx_new(&ps->hctx) != KB_OK) {
		free(ps);
		return kb_ctx_fail(ctx, KB_ENOMEM, "out of memory");
	}
	ps->speller = speller;
	ps->mem_cap = PL_DEFAULT_MEM;
	ps->time_ms = PL_DEFAULT_MS;
	*out = ps;
	return KB_OK;
}

static void pl_free(kb_plugin *pl)
{
	if (!pl)
		return;
	pl_close_state(pl);
	free(pl->path);
	free(pl->display);
	free(pl->source);
	free(pl->id);
	free(pl->broken);
	free(pl);
}

void kb_plugins_free(kb_plugins *ps)
{
	if (!ps)
		return;
	for (size_t i = 0; i < ps->n; i++)
		pl_free(ps->items[i]);
	free(ps->items);
	kb_ctx_free(ps->hctx);
	free(ps);
}

size_t kb_plugins_count(const kb_plugins *ps)
{
	return ps ? ps->n : 0;
}

void kb_plugins_set_limits(kb_plugins *ps, size_t mem_bytes, unsigned time_ms)
{
	ps->mem_cap = mem_bytes ? mem_bytes : PL_DEFAULT_MEM;
	ps->time_ms = time_ms ? time_ms : PL_DEFAULT_MS;
	for (size_t i = 0; i < ps->n; i++)
		ps->items[i]->mem_cap = ps->mem_cap;
}

int kb_plugins_load_named(kb_plugins *ps, kb_ctx *ctx, const char *path, const char *display)
{
	if (!path || !display)
		return kb_ctx_fail(ctx, KB_EUSAGE, "kb_plugins_load_named: no path or no name");
	if (ps->n >= PL_MAX_PLUGINS)
		return kb_ctx_fail(ctx, KB_ELIMIT, "%s: more than %u plugins", path, PL_MAX_PLUGINS);
	if (ps->n == ps->cap) {
		size_t ncap = ps->cap ? ps->cap * 2 : 8;
		kb_plugin **ni = realloc(ps->items, ncap * sizeof *ni);
		if (!ni)
			return kb_ctx_fail(ctx, KB_ENOMEM, "out of memory");
		ps->items = ni;
		ps->cap = ncap;
	}
	kb_plugin *pl = calloc(1, sizeof *pl);
	if (!pl)
		return kb_ctx_fail(ctx, KB_ENOMEM, "out of memory");
	pl->ps = ps;
	pl_close_state(pl); /* sets the references to LUA_NOREF */
	int rc = KB_OK;
	char *why = NULL;
	if (!(pl->path = kb_strdup(path)) || !(pl->display = kb_strdup(display))) {
		rc = kb_ctx_fail(ctx, KB_ENOMEM, "out of memory");
		goto done;
	}
	rc = kb_read_file(&pl->source, &pl->source_len, ps->hctx, path, PL_MAX_FILE_BYTES);
	if (rc == KB_ENOTFOUND || rc == KB_ENOMEM) {
		rc = kb_ctx_fail(ctx, rc, "%s", kb_ctx_errmsg(ps->hctx));
		goto done;
	}
	if (rc) { /* unreadable or too large: a broken plugin */
		why = kb_strdup(kb_ctx_errmsg(ps->hctx));
		rc = why ? pl_make_error_message(&pl->broken, pl, "kunne ikke indlæses", why) : KB_ENOMEM;
		if (rc) {
			rc = kb_ctx_fail(ctx, KB_ENOMEM, "out of memory");
			goto done;
		}
	} else {
		rc = pl_open(pl);
		if (rc == KB_ENOMEM) {
			rc = kb_ctx_fail(ctx, KB_ENOMEM, "out of memory");
			goto done;
		}
		rc = KB_OK;
	}
	/* two plugins with one id would make findings nobody can tell apart */
	for (size_t i = 0; !pl->broken && i < ps->n; i++) {
		const kb_plugin *o = ps->items[i];
		if (o->id && !strcmp(o->id, pl->id)) {
			kb_buf b;
			kb_buf_init(&b, 4096);
			if (kb_buf_printf(&b, "id '%s' is used by %s too; give each plugin its own id", pl->id,
			                  o->display) ||
			    pl_make_error_message(&pl->broken, pl, "kunne ikke indlæses", b.data))
				rc = kb_ctx_fail(ctx, KB_ENOMEM, "out of memory");
			kb_buf_free(&b);
			pl_close_state(pl);
		}
	}
done:
	free(why);
	if (rc) {
		pl_free(pl);
		return rc;
	}
	ps->items[ps->n++] = pl;
	return KB_OK;
}

/* "plugins/readability.lua" for ".../share/klarbrev/plugins/readability.lua": the folder and the file name. */
static int pl_display_name(char **out, const char *path)
{
	const char *base = strrchr(path, '/');
	const char *from = path;
	if (base) {
		const char *p = base;
		while (p > path && p[-1] != '/')
			p--;
		from = p;
	}
	*out = kb_strdup(from);
	return *out ? KB_OK : KB_ENOMEM;
}

int kb_plugins_load_file(kb_plugins *ps, kb_ctx *ctx, const char *path)
{
	char *display = NULL;
	if (!path)
		return kb_ctx_fail(ctx, KB_EUSAGE, "kb_plugins_load_file: no path");
	if (pl_display_name(&display, path))
		return kb_ctx_fail(ctx, KB_ENOMEM, "out of memory");
	int rc = kb_plugins_load_named(ps, ctx, path, display);
	free(display);
	return rc;
}

int kb_plugins_load_dir(kb_plugins *ps, kb_ctx *ctx, const char *dir)
{
	char **paths = NULL;
	size_t n = 0;
	int rc = kb_list_dir(&paths, &n, ctx, dir, ".lua", PL_MAX_PLUGINS);
	for (size_t i = 0; !rc && i < n; i++)
		rc = kb_plugins_load_file(ps, ctx, paths[i]);
	kb_paths_free(paths);
	return rc;
}
