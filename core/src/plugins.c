/*
 * plugins.c -- the Lua 5.4 host for rule plugins.
 *
 * Each plugin gets its own lua_State, made once and reused for every letter:
 *  - libraries: base, string, table, math, utf8 and four functions of os (time, date, clock, difftime); no io,
 *    debug, package/require, coroutine, load/loadfile/dofile, string.dump, collectgarbage, raw access or warn;
 *    print does nothing (the library never prints); setmetatable refuses __gc (finalizers run without hooks, so a
 *    finalizer could spin outside the time budget) and xpcall skips its handler after a limit (pl_xpcall_handler);
 *    the string metatable and node metatables are protected;
 *  - a memory cap (the state's allocator counts every byte) and a time budget (a hook looks at a monotonic clock
 *    every PL_HOOK_COUNT instructions and every PL_HOOK_CALLS calls of any function); string.find, match, gmatch
 *    and gsub are klarbrev's own (luapattern.c) and string.rep and table.insert, remove, move and sort are guarded
 *    (luabudget.c), because their loops run where no hook does; once a limit is hit, every instruction and every
 *    call raises it again, so pcall cannot swallow it;
 *  - the file is loaded as text only and runs once; then the globals, the plugin's table and every table reachable
 *    from them, from their metatables or from the upvalues of its functions are frozen in place, and the upvalues
 *    of its functions (local scalars) are put back before every letter, as is the seed of math.random, so a rule
 *    carries nothing from one letter to the next;
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
#include "config.h"
#include "luabudget.h"
#include "luamsg.h"
#include "luamatcher.h"
#include "luapattern.h"
#include "parakind.h"
#include "parmemo.h"
#include "phrases.h"
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
#define PL_WORDS_PER_MS   10u /* a letter's time budget grows by 1 ms for every 10 words (0.1 ms a word) */
#define PL_CLOCK_EVERY    16u /* checks of the limits between two looks at the clock */
#define PL_HOOK_COUNT     1000       /* VM instructions between two looks at the clock */
#define PL_HOOK_CALLS     64u        /* calls between two looks at the clock */
#define PL_MAX_FILE_BYTES (1u << 20) /* a plugin file */
#define PL_MAX_PLUGINS    1000u
#define PL_MAX_REPORTS    1000u /* findings one plugin may make on one letter; more are dropped */
#define PL_MAX_MESSAGE    2000u /* bytes of a finding's message */
#define PL_MAX_SUGG       10u   /* suggestions on one finding */
#define PL_MAX_SUGG_BYTES 500u
#define PL_MAX_DEPTH      64 /* nesting of JSON turned into tables */
#define PL_MAX_ID         64u
#define PL_MEMO_ENTRIES   4096u               /* paragraphs one plugin's memo keeps */
#define PL_MEMO_BYTES     (8u * 1024u * 1024u) /* bytes of keys and findings one plugin's memo keeps */
#define PL_MEMO_KEY_MAX   (1u << 20)          /* a paragraph whose key is longer is not kept */
#define PL_MAX_NOTES_DEPTH 16                 /* nesting of a paragraph's notes */

static const char pl_protected[] = "klarbrev: protected metatable";
static const char pl_notes_key = 0; /* the registry key of the notes of the letter being walked */

/* ---- types ---- */

enum { PL_LETTER, PL_PARAGRAPH, PL_SENTENCE, PL_WORD, PL_NKINDS };
static const char *const pl_type_names[PL_NKINDS] = { "klarbrev.Letter", "klarbrev.Paragraph", "klarbrev.Sentence",
	                                              "klarbrev.Word" };
#define PL_BOX_TYPE "klarbrev.Box"

/* Visitors in the order the walk calls them: the letter, then per paragraph its paragraph, sentences, words, then
 * the letter again with the notes of every paragraph (on_letter_end). */
enum { PL_ON_LETTER, PL_ON_PARAGRAPH, PL_ON_SENTENCE, PL_ON_WORD, PL_ON_LETTER_END, PL_NVISITORS };
static const char *const pl_visitor_names[PL_NVISITORS] = { "on_letter", "on_paragraph", "on_sentence", "on_word",
	                                                    "on_letter_end" };

/* What a paragraph visitor did that its findings do not show: a memo entry is not made of such a visit. */
enum {
	PL_VISIT_IMPURE = 1u << 0, /* called math.random, math.randomseed, os.time, os.date or os.clock */
	PL_VISIT_INDEX = 1u << 1   /* read a paragraph's index, which is not part of the memo's key */
};

/* The keys a plugin's table may have; anything else is a typo worth telling ("on_sentense"). */
static const char *const pl_table_keys[] = { "id",      "level",       "description",  "options",   "examples",
	                                     "on_word", "on_sentence", "on_paragraph", "on_letter", "replace",
	                                     "avoid",   "message",     "link",         "decisions_only", "on_letter_end",
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
	int ref_upvalues; /* pl_freeze's snapshot of the upvalues of the plugin's functions */
	int ref_upcheck;  /* the same, one triple per upvalue (shared upvalues once): what pl_state_clean compares */
	kb_parmemo *memo; /* the paragraph memo (see pl_walk), or NULL; emptied whenever the state is made again */
	kb_buf memo_key;  /* the key of the paragraph being walked */
	unsigned visit_flags; /* PL_VISIT_*, since the paragraph's visitors started */
	int in_letter_end;    /* on_letter_end is running: paragraph nodes show their notes */
	size_t memo_hits, memo_misses;
	char *broken; /* NULL, or the message of the finding a plugin that cannot run makes on every letter */
	int reset;    /* the state hit a limit: make it again before the next letter */
	size_t mem_used, mem_cap;
	int mem_exceeded;
	struct timespec deadline;
	unsigned budget_ms;
	int budget_armed, timed_out;
	unsigned calls;  /* calls the hook saw since the clock started */
	unsigned checks; /* pl_check_limits calls since the clock started */
	int last_line; /* the line the hook last saw: where a memory error most likely was */
	unsigned gen;  /* number of the current run; nodes carry it */
	pl_run run;
	/* taken from the plugin's table and the config file each time the state is made (pl_apply_config) */
	kb_phrases *phrases;           /* the replace and avoid lists, or NULL */
	char *msg_replace, *msg_avoid; /* their message formats */
	char **ex_ok, **ex_bad;        /* the examples (NULL-terminated, or NULL) */
	size_t nex_ok, nex_bad;
	char *description, *options_text;
	char visitors[80]; /* "on_sentence, on_letter" */
	int enabled, configured;
	int level_set;            /* the config file set its level */
	size_t phrases_ignored;   /* phrases its ignore line took out */
	kb_buf options_set;       /* the option keys the config file set, "a, b" */
	int decisions_only; /* its table says decisions_only = true: it does not run on a text that is no decision */
	kb_config_problems cfg_problems; /* problems with its [plugin id] section, each with its line */
} kb_plugin;

/* A shared library of Lua helpers (plugins/lib/<name>.lua): run in every plugin's state before the plugin, its
 * table is klarbrev.lib.<name>. */
typedef struct pl_lib {
	char *name, *display, *source;
	size_t len;
} pl_lib;

struct kb_plugins {
	kb_plugin **items;
	size_t n, cap;
	pl_lib *libs;
	size_t nlibs;
	kb_speller *speller;
	kb_ctx *hctx; /* messages of helper calls (klarbrev.spell, ...), kept off the caller's context */
	int full_check; /* 1: no paragraph memo (kb_plugins_set_full_check, KLARBREV_FULL_CHECK=1) */
	kb_para_class *classes; /* the kind and section of each paragraph of the letter being checked */
	size_t classes_cap;
	size_t mem_cap;
	unsigned time_ms;
	const kb_config *config; /* borrowed, or NULL */
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

/* The plugin's clock: the CPU time of the thread running it. A plugin's budget is what it computes, not how long it
 * waits for a CPU: on a busy machine, or with batch's worker threads running plugins side by side, the wall clock
 * runs on while the plugin does not, and a check would fail by load alone. Lua runs only on the calling thread. */
static struct timespec pl_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
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
 * fail. A refusal makes Lua raise "not enough memory"; the plugin may catch that with pcall, but mem_exceeded stays
 * set and the hook raises it again at the next call or within PL_HOOK_COUNT instructions (pl_check_limits). */
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

static void pl_hook(lua_State *L, lua_Debug *ar);
static int pl_msgh(lua_State *L);
static int pl_xpcall_handler(lua_State *L);

/* [-0, +0, e] Raises the limit error once the plugin is past its deadline or has hit its memory cap, and from then
 * on makes the hook run before every instruction and every call, so that a plugin that catches the error with pcall
 * (or retries the allocation that failed) cannot go on: its next instruction, or its next call of any function, C
 * ones included, raises the error again. The hook, the pattern functions (luapattern.h) and the table functions
 * (luabudget.h) come here; the message handler adds the file and line. */
static void pl_check_limits(lua_State *L)
{
	kb_plugin *pl = pl_of(L);
	if (!pl->budget_armed)
		return;
	if (!pl->timed_out && !pl->mem_exceeded) {
		/* the thread's CPU clock is a system call, not a vDSO read: look at it every PL_CLOCK_EVERY checks */
		if (++pl->checks % PL_CLOCK_EVERY != 0 || !pl_past(&pl->deadline))
			return;
		pl->timed_out = 1;
	}
	if (lua_gethookcount(L) != 1)
		lua_sethook(L, pl_hook, LUA_MASKCOUNT | LUA_MASKCALL, 1);
	if (pl->timed_out)
		lua_pushfstring(L, "tidsgrænsen på %d ms er overskredet", (int)pl->budget_ms);
	else
		lua_pushliteral(L, "hukommelsesgrænsen er overskredet");
	lua_error(L);
}

/* The epoch of the pattern functions: a gmatch iterator made for one letter (or while loading) refuses to run in
 * another, so it cannot carry its position from letter to letter. */
static unsigned long pl_epoch(lua_State *L)
{
	return pl_of(L)->gen;
}

static const kb_luapattern_hooks pl_lua_hooks = { pl_check_limits, pl_epoch };

/* [-0, +0, e] (raises the limit errors)
 * The hook runs every PL_HOOK_COUNT instructions and at every call, C functions included: a C function that calls
 * other C functions (table.sort(t, pcall), string.gsub(s, ".", pcall)) runs no instruction at all. A call looks at
 * the clock only every PL_HOOK_CALLS calls, until a limit is hit. The message handlers are let through: pl_msgh
 * makes the text of the finding, and xpcall's hands the error on as it is once a limit is hit. */
static void pl_hook(lua_State *L, lua_Debug *ar)
{
	kb_plugin *pl = pl_of(L);
	if (ar->event == LUA_HOOKCOUNT) {
		if (lua_getinfo(L, "l", ar) && ar->currentline > 0)
			pl->last_line = ar->currentline;
	} else {
		if (!pl->timed_out && !pl->mem_exceeded && ++pl->calls % PL_HOOK_CALLS != 0)
			return;
		lua_getinfo(L, "f", ar);
		lua_CFunction fn = lua_tocfunction(L, -1);
		int handler = fn == pl_msgh || fn == pl_xpcall_handler;
		lua_pop(L, 1);
		if (handler)
			return;
	}
	pl_check_limits(L);
}

/* Starts the clock for one letter (or for running the file). Lua's hooks never run inside a C function; the C
 * functions that could run long without calling anything check the budget themselves (luapattern.h, luabudget.h).
 * The budget is the configured time (plugin_time_ms) plus 1 ms for every PL_WORDS_PER_MS words of the letter, so
 * a rule that costs the same per word fits a long letter as it fits a short one, and a runaway loop still stops
 * after about the configured time on a short letter. */
static void pl_arm_budget(kb_plugin *pl)
{
	size_t words = 0;
	const kb_text *t = pl->run.in ? pl->run.in->text : NULL;
	for (size_t i = 0; t && i < t->nparas; i++)
		words += t->paras[i].nwords;
	size_t extra = words / PL_WORDS_PER_MS, cap = 600000u;
	pl->budget_ms = pl->ps->time_ms + (unsigned)(extra < cap ? extra : cap);
	pl->deadline = pl_now();
	pl_add_ms(&pl->deadline, (long)pl->budget_ms);
	pl->timed_out = 0;
	pl->calls = 0;
	pl->checks = 0;
	pl->budget_armed = 1;
	lua_sethook(pl->L, pl_hook, LUA_MASKCOUNT | LUA_MASKCALL, PL_HOOK_COUNT);
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
		msg = lua_pushfstring(L, "(fejlen er ikke en tekst, men %s)", kb_luamsg_type(luaL_typename(L, 1)));
	else
		msg = kb_luamsg_name_raiser(L, msg);
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
	/* Lua's own words in Danish */
	kb_buf da;
	kb_buf_init(&da, PL_MAX_MESSAGE * 2 + 256);
	if (!rc && kb_luamsg_danish(&da, rest, rlen) == KB_OK && da.data) {
		rest = da.data;
		rlen = da.len;
	}
	if (!rc)
		rc = pl_clean_text(&b, rest, rlen, b.len + PL_MAX_MESSAGE - 200);
	kb_buf_free(&da);
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
		luaL_error(L, "%s: argument %d skal være en del af brevet (klarbrev.Sentence, ...), men er %s", fn, idx,
		           kb_luamsg_type(luaL_typename(L, idx)));
	kb_plugin *pl = pl_of(L);
	if (!pl->run.in || n->gen != pl->gen || n->text != pl->run.in->text)
		luaL_error(
		    L, "denne %s hører til et tidligere brev; en regel kan ikke gemme dele af brevet fra brev til brev",
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
	return luaL_error(L,
	                  "en skrivebeskyttet tabel kan ikke ændres; en regel gemmer intet fra brev til brev (brug en "
	                  "lokal variabel inde i funktionen)");
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
	luaL_checkstack(L, 6, "sagens felter ligger for dybt i hinanden");
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

static const char *const pl_letter_fields[] = { "text",  "lower",  "index",    "paragraphs", "sentences", "words",
	                                        "fields", "template", "outcome", "danish",  NULL };
static const char *const pl_paragraph_fields[] = { "text",  "lower",      "index",   "sentences", "words",
	                                           "style", "heading",    "part",    "in_table",  "origin",
	                                           "kind",  "section",    "topic",   "danish",    "field_type",
	                                           "notes", NULL };
static const char *const pl_sentence_fields[] = { "text",   "lower",  "index",      "words", "paragraph",
	                                          "origin", "offset", "field_type", NULL };
static const char *const pl_word_fields[] = { "text",   "lower",  "index",      "letters", "paragraph",
	                                      "origin", "offset", "field_type", NULL };
static const char *const *const pl_fields_of[PL_NKINDS] = { pl_letter_fields, pl_paragraph_fields, pl_sentence_fields,
	                                                    pl_word_fields };

/* [-0, +0, v] The error for a field a node does not have, with the nearest name when there is one. */
static int pl_no_field(lua_State *L, int kind, const char *key)
{
	const char *near = key ? kb_nearest_name(key, pl_fields_of[kind]) : NULL;
	if (!key)
		return luaL_error(L, "felterne i %s læses med navn (node.text), ikke med %s", pl_type_names[kind],
		                  kb_luamsg_type(luaL_typename(L, 2)));
	if (near)
		return luaL_error(L, "%s har intet felt '%s'; mente du '%s'?", pl_type_names[kind], key, near);
	luaL_Buffer b;
	luaL_buffinit(L, &b);
	for (size_t i = 0; pl_fields_of[kind][i]; i++) {
		if (i)
			luaL_addstring(&b, ", ");
		luaL_addstring(&b, pl_fields_of[kind][i]);
	}
	luaL_pushresult(&b);
	return luaL_error(L, "%s har intet felt '%s'; dens felter er %s", pl_type_names[kind], key,
	                  lua_tostring(L, -1));
}

/* The manifest's type of the field an origin names ("field:modtager.navn" -> "name"), or NULL (no manifest, not a
 * field, a field the manifest does not list). A field in a list item has the item's index in its path
 * ("hjaelpemidler[2].navn"): its entry is under the list's items ("navn" in hjaelpemidler.items). */
static const char *pl_field_type(const json_t *manifest, const char *origin)
{
	if (!manifest || !origin || strncmp(origin, "field:", 6) != 0)
		return NULL;
	const char *path = origin + 6;
	const json_t *fields = json_object_get(manifest, "fields");
	char head[512];
	for (;;) {
		const char *br = strchr(path, '[');
		size_t d = br ? 1 : 0;
		while (br && br[d] >= '0' && br[d] <= '9')
			d++;
		if (!br || d == 1 || br[d] != ']')
			break;
		size_t hl = (size_t)(br - path);
		if (hl >= sizeof head || !json_is_object(fields))
			return NULL;
		memcpy(head, path, hl);
		head[hl] = '\0';
		const json_t *list = json_object_get(fields, head);
		fields = json_is_object(list) ? json_object_get(list, "items") : NULL;
		path = br + d + 1;
		if (*path == '.')
			path++;
	}
	const json_t *f = json_is_object(fields) ? json_object_get(fields, path) : NULL;
	const json_t *ty = json_is_object(f) ? json_object_get(f, "type") : NULL;
	return json_string_value(ty);
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
		if (n->kind == PL_PARAGRAPH)
			pl->visit_flags |= PL_VISIT_INDEX;
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
	if (n->kind != PL_LETTER && !strcmp(key, "field_type")) {
		size_t start, len;
		const kb_paragraph *p = pl_node_range(n, &start, &len);
		const char *ty = pl_field_type(pl->run.in->manifest, kb_paragraph_origin_at(p, start));
		if (ty)
			lua_pushstring(L, ty);
		else
			lua_pushnil(L);
		return 1;
	}
	if ((n->kind == PL_SENTENCE || n->kind == PL_WORD) && !strcmp(key, "offset")) {
		size_t start, len;
		pl_node_range(n, &start, &len);
		lua_pushinteger(L, (lua_Integer)start);
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
		if (!strcmp(key, "danish")) {
			lua_pushboolean(L, !in->not_danish);
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
		const kb_para_class *c = &pl->ps->classes[n->para];
		if (!strcmp(key, "kind")) {
			lua_pushstring(L, kb_parakind_kind_name(c->kind));
			return 1;
		}
		if (!strcmp(key, "section") || !strcmp(key, "topic")) {
			const char *name = kb_parakind_topic_name(key[0] == 's' ? c->section : c->topic);
			if (name)
				lua_pushstring(L, name);
			else
				lua_pushnil(L);
			return 1;
		}
		if (!strcmp(key, "danish")) {
			lua_pushboolean(L, !pl->run.in->not_danish);
			return 1;
		}
		if (!strcmp(key, "notes")) { /* what its on_paragraph returned; seen in on_letter_end only */
			if (!pl->in_letter_end || lua_rawgetp(L, LUA_REGISTRYINDEX, &pl_notes_key) != LUA_TTABLE) {
				lua_pushnil(L);
				return 1;
			}
			lua_rawgeti(L, -1, (lua_Integer)n->para + 1);
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
	return luaL_error(L, "%s er skrivebeskyttet", n ? pl_type_names[n->kind] : "en del af brevet");
}

/* [-0, +1, m] "klarbrev.Word: kontanthjælp" (the text cut at 60 bytes). */
static int pl_node_tostring(lua_State *L)
{
	pl_node *n = pl_test_node(L, 1);
	if (!n)
		return luaL_error(L, "ikke en del af brevet");
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
	kb_level lv = dflt;
	const char *name = lua_type(L, idx) == LUA_TSTRING ? lua_tostring(L, idx) : NULL;
	if (!name || kb_level_parse(&lv, name) != KB_OK)
		luaL_error(L, "%s: level skal være \"error\", \"warning\" eller \"info\", ikke %s", fn,
		           name ? name : kb_luamsg_type(luaL_typename(L, idx)));
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
			const char *near = key ? kb_nearest_name(key, pl_report_keys) : NULL;
			if (near)
				luaL_error(L, "report: ukendt nøgle '%s'; mente du '%s'?", key, near);
			luaL_error(L,
			           "report: ukendt nøgle %s; brug at, message, suggestion, start, length, level, rule",
			           key ? key : kb_luamsg_type(luaL_typename(L, -2)));
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
		luaL_error(L, "report: 'at' mangler; sig, hvilken del af brevet fundet gælder (at = sentence)");
	a->node = pl_check_node(L, 2, "report");
	if (lua_type(L, 3) != LUA_TSTRING)
		luaL_error(L, "report: 'message' skal være en tekst, men er %s", kb_luamsg_type(luaL_typename(L, 3)));
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
				luaL_error(L, "report: forslag %d skal være en tekst, men er %s", (int)i,
				           kb_luamsg_type(luaL_typename(L, -1)));
			a->sugg[a->nsugg] = lua_tolstring(L, -1, &a->sugg_len[a->nsugg]);
			a->nsugg++;
		}
	} else if (!lua_isnil(L, 4)) {
		luaL_error(L, "report: 'suggestion' skal være en tekst eller en liste af tekster, men er %s",
		           kb_luamsg_type(luaL_typename(L, 4)));
	}
	if (!lua_isnil(L, 5) && !lua_isinteger(L, 5))
		luaL_error(L, "report: 'start' skal være et heltal (en byteposition i delens tekst)");
	if (!lua_isnil(L, 6) && !lua_isinteger(L, 6))
		luaL_error(L, "report: 'length' skal være et heltal (byte)");
	a->start = lua_isnil(L, 5) ? 0 : lua_tointeger(L, 5);
	a->length = lua_isnil(L, 6) ? -1 : lua_tointeger(L, 6);
	if (a->length < 0)
		a->length = -1;
	a->level = pl_check_level(L, 7, pl->level, "report");
	if (!lua_isnil(L, 8)) {
		if (lua_type(L, 8) != LUA_TSTRING || lua_rawlen(L, 8) == 0 || lua_rawlen(L, 8) > PL_MAX_ID)
			luaL_error(L, "report: 'rule' skal være et navn på 1 til %d tegn", (int)PL_MAX_ID);
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
		return luaL_error(L, "report: der er intet brev, der bliver tjekket");
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
		return luaL_error(L, "ikke nok hukommelse");
	}
	return 0;
}

/* ---- the klarbrev helpers ---- */

/* The run's speller, or NULL when the run has no dictionary (--no-spell): then klarbrev.spell gives nil ("ukendt"),
 * suggest and analyze an empty list, and the dictionary is never loaded. *t0 and *loaded are for pl_speller_done. */
static kb_speller *pl_speller(kb_plugin *pl, struct timespec *t0, int *loaded)
{
	kb_speller *sp = pl->ps->speller;
	*loaded = sp && kb_speller_is_loaded(sp);
	*t0 = pl_now();
	return sp;
}

/* The speller loads the dictionary on a look-up its cache cannot answer; that call's time is given back to the
 * plugin's clock: the load is not the plugin's doing. */
static void pl_speller_done(kb_plugin *pl, const struct timespec *t0, int loaded)
{
	if (loaded || !kb_speller_is_loaded(pl->ps->speller))
		return;
	struct timespec t1 = pl_now();
	pl_add_ms(&pl->deadline, (long)(t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000 + 1);
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

/* [-1, +1, e] klarbrev.spell(word) -> true when the dictionary and the word lists know the word, false when not, nil
 * when the run has no dictionary. */
static int pl_spell(lua_State *L)
{
	size_t len;
	const char *w = luaL_checklstring(L, 1, &len);
	kb_plugin *pl = pl_of(L);
	struct timespec t0;
	int loaded;
	kb_speller *sp = pl_speller(pl, &t0, &loaded);
	if (!sp) {
		lua_pushnil(L);
		return 1;
	}
	int ok = kb_speller_check(sp, pl->ps->hctx, w, len);
	pl_speller_done(pl, &t0, loaded);
	if (ok < 0)
		return luaL_error(L, "klarbrev.spell: %s", kb_ctx_errmsg(pl->ps->hctx));
	lua_pushboolean(L, ok);
	return 1;
}

/* [-(1|2), +1, e] klarbrev.suggest(word [, max = 5]) -> list of suggestions, best first (empty without a
 * dictionary). */
static int pl_suggest(lua_State *L)
{
	size_t len;
	const char *w = luaL_checklstring(L, 1, &len);
	lua_Integer max = luaL_optinteger(L, 2, 5);
	if (max < 0)
		max = 0;
	if (max > 20)
		max = 20;
	kb_plugin *pl = pl_of(L);
	struct timespec t0;
	int loaded;
	kb_speller *sp = pl_speller(pl, &t0, &loaded);
	if (!sp) {
		lua_newtable(L);
		return 1;
	}
	pl_box *box = pl_push_box(L, pl_free_strv);
	char **v = NULL;
	size_t n = 0;
	int rc = kb_speller_suggest(&v, &n, sp, pl->ps->hctx, w, len, (size_t)max);
	pl_speller_done(pl, &t0, loaded);
	box->p = v;
	if (rc)
		return luaL_error(L, "klarbrev.suggest: %s", kb_ctx_errmsg(pl->ps->hctx));
	pl_push_strv(L, v, n);
	return 1;
}

/* [-1, +1, e] klarbrev.analyze(word) -> hunspell's analyses ("st:høre ... is:PASSIV"), one string each (empty
 * without a dictionary). */
static int pl_analyze(lua_State *L)
{
	size_t len;
	const char *w = luaL_checklstring(L, 1, &len);
	kb_plugin *pl = pl_of(L);
	struct timespec t0;
	int loaded;
	kb_speller *sp = pl_speller(pl, &t0, &loaded);
	if (!sp) {
		lua_newtable(L);
		return 1;
	}
	pl_box *box = pl_push_box(L, pl_free_strv);
	char **v = NULL;
	size_t n = 0;
	int rc = kb_speller_analyze(&v, &n, sp, pl->ps->hctx, w, len);
	pl_speller_done(pl, &t0, loaded);
	box->p = v;
	if (rc)
		return luaL_error(L, "klarbrev.analyze: %s", kb_ctx_errmsg(pl->ps->hctx));
	pl_push_strv(L, v, n); /* the box frees v; the speller keeps its own copy of the answer, per word */
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
		return luaL_error(L, "en beskyttet metatabel kan ikke ændres");
	if (t == LUA_TTABLE) {
		lua_pushliteral(L, "__gc");
		if (lua_rawget(L, 2) != LUA_TNIL)
			return luaL_error(L, "setmetatable: __gc er ikke tilladt i et plugin");
		lua_pop(L, 1);
	}
	lua_settop(L, 2);
	lua_setmetatable(L, 1);
	return 1;
}

/* [-(0|1), +1, e] The message handler xpcall runs: the plugin's own (upvalue 1), except once a limit was hit. Lua
 * runs a message handler where the error was raised, and the limit errors are raised inside the hook, where hooks
 * are off: a handler that loops there would never be stopped. Then the error goes on as it is. */
static int pl_xpcall_handler(lua_State *L)
{
	kb_plugin *pl = pl_of(L);
	if (pl->timed_out || pl->mem_exceeded)
		return 1;
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, 1);
	return 1;
}

/* [-n, +(1|n), e] xpcall(f, msgh, ...) as Lua's, with msgh behind pl_xpcall_handler. */
static int pl_xpcall(lua_State *L)
{
	int n = lua_gettop(L);
	luaL_checktype(L, 2, LUA_TFUNCTION);
	lua_pushvalue(L, 2);
	lua_pushcclosure(L, pl_xpcall_handler, 1);
	lua_replace(L, 2);     /* f, handler, args */
	lua_pushboolean(L, 1); /* the first result when f returns */
	lua_pushvalue(L, 1);
	lua_rotate(L, 3, 2); /* f, handler, true, f, args */
	if (lua_pcall(L, n - 2, LUA_MULTRET, 2) != LUA_OK) {
		lua_pushboolean(L, 0);
		lua_pushvalue(L, -2);
		return 2;
	}
	return lua_gettop(L) - 2;
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
 * keys and values, and the table's own metatable, go onto the work list. */
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
	if (lua_getmetatable(L, t)) { /* a plugin's own metatable keeps serving lookups, behind the view */
		pl_freeze_push(L, -1, work, n);
		lua_setmetatable(L, backing);
	}
	pl_seal(L, t, backing);
	lua_settop(L, t - 1);
}

/* [-n, +1, m] Freezes the n values on top of the stack (popped) and every table reachable from them through tables,
 * their metatables and the upvalues of functions, and pushes a snapshot of what freezing cannot hold still: the
 * upvalues of every Lua function reached, as (function, index, value) triples in an array whose length is in field
 * n (a value may be nil). pl_restore_state puts them back before each letter. A work list, not recursion: nesting
 * has no limit but memory. */
static void pl_freeze(lua_State *L, int nroots)
{
	int roots = lua_gettop(L) - nroots + 1;
	luaL_checkstack(L, 16, "under låsningen af pluginnets tabeller");
	lua_newtable(L);
	int snap = lua_gettop(L);
	lua_newtable(L);
	int seen = lua_gettop(L);
	lua_newtable(L);
	int work = lua_gettop(L);
	lua_Integer n = 0, nsnap = 0;
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
			int in_lua = !lua_iscfunction(L, v);
			for (int i = 1; lua_getupvalue(L, v, i); i++) {
				pl_freeze_push(L, -1, work, &n);
				if (!in_lua) {
					lua_pop(L, 1);
					continue;
				}
				lua_pushvalue(L, v);
				lua_rawseti(L, snap, ++nsnap);
				lua_pushinteger(L, i);
				lua_rawseti(L, snap, ++nsnap);
				lua_rawseti(L, snap, ++nsnap); /* the value */
			}
			lua_pop(L, 1);
		} else if (pl_is_frozen(L, v)) {
			lua_pop(L, 1);
		} else {
			pl_freeze_table(L, work, &n);
		}
	}
	lua_pushinteger(L, nsnap);
	lua_setfield(L, snap, "n");
	lua_copy(L, snap, roots);
	lua_settop(L, roots);
}

static const char pl_seed_key = 0; /* the registry key of math.randomseed */

/* [-0, +0, e] Puts the plugin's state back where it was when its file had run: the upvalues of its functions from
 * pl_freeze's snapshot (a local that a visitor changes, "count = count + 1", starts every letter where it started
 * the first) and the random numbers, which start from one seed. Tables are frozen already, so nothing else a rule
 * can reach changes between letters. */
static void pl_restore_state(lua_State *L, kb_plugin *pl)
{
	luaL_checkstack(L, 4, "under genskabelsen af pluginnets tilstand");
	if (pl->ref_upvalues != LUA_NOREF) {
		lua_rawgeti(L, LUA_REGISTRYINDEX, pl->ref_upvalues);
		int snap = lua_gettop(L);
		lua_getfield(L, snap, "n");
		lua_Integer n = lua_tointeger(L, -1);
		lua_pop(L, 1);
		for (lua_Integer k = 1; k + 2 <= n; k += 3) {
			lua_rawgeti(L, snap, k);
			lua_rawgeti(L, snap, k + 1);
			int up = (int)lua_tointeger(L, -1);
			lua_pop(L, 1);
			lua_rawgeti(L, snap, k + 2);
			lua_setupvalue(L, -2, up);
			lua_pop(L, 1);
		}
		lua_pop(L, 1);
	}
	lua_rawgetp(L, LUA_REGISTRYINDEX, &pl_seed_key);
	lua_pushinteger(L, 0x6B6C6172); /* "klar" */
	lua_call(L, 1, 0);
}

/* [-0, +1, m] From pl_freeze's snapshot on top of the stack: the same triples with every upvalue once (functions
 * share the upvalues of the locals they use: `local tekst` is one upvalue of fifty functions), as an array of
 * n = 3 * count values. */
static void pl_make_upcheck(lua_State *L)
{
	int snap = lua_gettop(L);
	luaL_checkstack(L, 8, "pl_make_upcheck");
	lua_newtable(L);
	int out = lua_gettop(L);
	lua_newtable(L);
	int seen = lua_gettop(L);
	lua_getfield(L, snap, "n");
	lua_Integer n = lua_tointeger(L, -1), m = 0;
	lua_pop(L, 1);
	for (lua_Integer k = 1; k + 2 <= n; k += 3) {
		lua_rawgeti(L, snap, k);
		lua_rawgeti(L, snap, k + 1);
		int up = (int)lua_tointeger(L, -1);
		lua_pop(L, 1);
		lua_pushlightuserdata(L, lua_upvalueid(L, -1, up));
		if (lua_rawget(L, seen) != LUA_TNIL) {
			lua_pop(L, 2);
			continue;
		}
		lua_pop(L, 1);
		lua_pushlightuserdata(L, lua_upvalueid(L, -1, up));
		lua_pushboolean(L, 1);
		lua_rawset(L, seen);
		lua_rawseti(L, out, ++m); /* the function */
		lua_pushinteger(L, up);
		lua_rawseti(L, out, ++m);
		lua_rawgeti(L, snap, k + 2);
		lua_rawseti(L, out, ++m);
	}
	lua_pushinteger(L, m);
	lua_setfield(L, out, "n");
	lua_pop(L, 1); /* seen */
}

/* [-0, +0, m] Whether every upvalue of the plugin's functions holds what it held when the file had run (raw
 * equality: the same number, string, boolean, or the same table or function). Tables reachable at load are frozen,
 * so then the plugin is in the state it starts every letter in, and its visitors are functions of what they are
 * given. */
static int pl_state_clean(lua_State *L, kb_plugin *pl)
{
	if (pl->ref_upcheck == LUA_NOREF)
		return 1;
	luaL_checkstack(L, 6, "pl_state_clean");
	lua_rawgeti(L, LUA_REGISTRYINDEX, pl->ref_upcheck);
	int snap = lua_gettop(L);
	lua_getfield(L, snap, "n");
	lua_Integer n = lua_tointeger(L, -1);
	lua_pop(L, 1);
	int clean = 1;
	for (lua_Integer k = 1; clean && k + 2 <= n; k += 3) {
		lua_rawgeti(L, snap, k);
		lua_rawgeti(L, snap, k + 1);
		int up = (int)lua_tointeger(L, -1);
		lua_pop(L, 1);
		if (!lua_getupvalue(L, -1, up))
			lua_pushnil(L);
		lua_rawgeti(L, snap, k + 2);
		clean = lua_rawequal(L, -1, -2);
		lua_pop(L, 3);
	}
	lua_settop(L, snap - 1);
	return clean;
}

/* ---- loading ---- */

/* ---- declarative rules, examples and the config file ----
 *
 * All of this runs once when the plugin's state is made (pl_setup, before the freeze): the replace and avoid lists
 * become a C phrase list the core searches without calling Lua, the examples are copied out for `klarbrev plugin
 * test`, and the config file's level, options and ignored phrases for this plugin are applied. Problems with the
 * plugin's own tables are Lua errors (the plugin is broken); problems with the config file are kept in
 * pl->cfg_problems for kb_plugins_check_config, because a wrong config file is bad input, not a broken rule. */

#define PL_MAX_EXAMPLES 1000u

/* [-0, +0, e] Adds the phrase at key (a string) with the suggestions at val (a string, a list of strings, or nil for
 * an avoid phrase) to pl->phrases. */
static void pl_add_phrase(lua_State *L, kb_plugin *pl, int key, int val, const char *list)
{
	const char *sugg[PL_MAX_SUGG];
	size_t nsugg = 0;
	luaL_checkstack(L, PL_MAX_SUGG + 8, "replace");
	if (lua_type(L, key) != LUA_TSTRING && val)
		luaL_error(L,
		           "'replace': nøglerne skal være fraser, fx replace = { [\"såfremt\"] = \"hvis\" }, ikke %s "
		           "(en liste af fraser uden forslag hører til i 'avoid')",
		           kb_luamsg_type(luaL_typename(L, key)));
	if (lua_type(L, key) != LUA_TSTRING)
		luaL_error(L, "'%s': hvert punkt skal være en tekst, ikke %s", list,
		           kb_luamsg_type(luaL_typename(L, key)));
	size_t len;
	const char *phrase = lua_tolstring(L, key, &len);
	if (val && lua_type(L, val) == LUA_TSTRING) {
		sugg[nsugg++] = lua_tostring(L, val);
	} else if (val && lua_type(L, val) == LUA_TTABLE) {
		for (lua_Integer i = 1; nsugg < PL_MAX_SUGG; i++) {
			int ty = lua_rawgeti(L, val, i); /* stays on the stack while sugg points into it */
			if (ty == LUA_TNIL)
				break;
			if (ty != LUA_TSTRING)
				luaL_error(L, "'%s': forslag %d til »%s« skal være en tekst, ikke %s", list, (int)i,
				           phrase, kb_luamsg_type(luaL_typename(L, -1)));
			sugg[nsugg++] = lua_tostring(L, -1);
		}
		if (!nsugg)
			luaL_error(L, "'%s': »%s« har ingen forslag", list, phrase);
	} else if (val) {
		luaL_error(L, "'%s': forslaget til »%s« skal være en tekst eller en liste af tekster, ikke %s", list,
		           phrase, kb_luamsg_type(luaL_typename(L, val)));
	}
	kb_ctx *hctx = pl->ps->hctx;
	int rc = kb_phrases_add(pl->phrases, hctx, phrase, len, sugg, nsugg, val == 0);
	if (rc == KB_ENOMEM)
		luaL_error(L, "ikke nok hukommelse");
	if (rc)
		luaL_error(L, "'%s': %s", list, kb_ctx_errmsg(hctx));
}

/* [-0, +0, e] A message format for one of the lists: the string at idx, or dflt when idx is 0 or nil there. */
static char *pl_take_format(lua_State *L, int idx, const char *key, const char *dflt, size_t max_args)
{
	const char *fmt = dflt;
	if (idx && !lua_isnil(L, idx)) {
		if (lua_type(L, idx) != LUA_TSTRING)
			luaL_error(L, "'%s' skal være en tekst, ikke %s", key, kb_luamsg_type(luaL_typename(L, idx)));
		fmt = lua_tostring(L, idx);
	}
	kb_ctx *hctx = pl_of(L)->ps->hctx;
	if (kb_phrases_check_format(hctx, key, fmt, max_args))
		luaL_error(L, "%s", kb_ctx_errmsg(hctx));
	char *s = kb_strdup(fmt);
	if (!s)
		luaL_error(L, "ikke nok hukommelse");
	return s;
}

/* [-0, +0, e] replace, avoid and message of the plugin's table (at tbl) into pl->phrases and its formats. */
static void pl_take_phrases(lua_State *L, kb_plugin *pl, int tbl)
{
	lua_getfield(L, tbl, "replace");
	lua_getfield(L, tbl, "avoid");
	lua_getfield(L, tbl, "message");
	int rep = lua_gettop(L) - 2, avo = rep + 1, msg = rep + 2;
	if (!lua_isnil(L, rep) && !lua_istable(L, rep))
		luaL_error(L, "'replace' skal være en tabel { [\"frase\"] = \"forslag\", ... }, ikke %s",
		           kb_luamsg_type(luaL_typename(L, rep)));
	if (!lua_isnil(L, avo) && !lua_istable(L, avo))
		luaL_error(L, "'avoid' skal være en liste { \"frase\", ... }, ikke %s",
		           kb_luamsg_type(luaL_typename(L, avo)));
	if (lua_isnil(L, rep) && lua_isnil(L, avo)) {
		if (!lua_isnil(L, msg))
			luaL_error(L, "'message' bruges kun sammen med 'replace' eller 'avoid'");
		lua_pop(L, 3);
		return;
	}
	if (!pl->phrases && kb_phrases_new(&pl->phrases))
		luaL_error(L, "ikke nok hukommelse");
	if (lua_istable(L, rep)) {
		lua_pushnil(L);
		while (lua_next(L, rep)) {
			pl_add_phrase(L, pl, lua_gettop(L) - 1, lua_gettop(L), "replace");
			lua_settop(L, msg + 1);
		}
	}
	if (lua_istable(L, avo)) {
		lua_pushnil(L);
		while (lua_next(L, avo)) {
			if (!lua_isinteger(L, -2))
				luaL_error(
				    L, "'avoid' skal være en liste { \"frase\", ... }; brug 'replace' for fraser med "
				       "forslag");
			pl_add_phrase(L, pl, lua_gettop(L), 0, "avoid");
			lua_settop(L, msg + 1);
		}
	}
	/* message = "..." for the lists there are, or message = { replace = "...", avoid = "..." } */
	int has_rep = lua_istable(L, rep), has_avo = lua_istable(L, avo);
	int mrep = has_rep ? msg : 0, mavo = has_avo ? msg : 0;
	if (lua_istable(L, msg)) {
		lua_pushnil(L);
		while (lua_next(L, msg)) {
			const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "";
			if (strcmp(k, "replace") != 0 && strcmp(k, "avoid") != 0)
				luaL_error(L, "'message' som tabel har kun nøglerne replace og avoid");
			lua_pop(L, 1);
		}
		lua_getfield(L, msg, "replace");
		lua_getfield(L, msg, "avoid");
		mrep = lua_gettop(L) - 1;
		mavo = mrep + 1;
	} else if (!lua_isnil(L, msg) && !lua_isstring(L, msg)) {
		luaL_error(L, "'message' skal være en tekst, ikke %s", kb_luamsg_type(luaL_typename(L, msg)));
	} else if (has_rep && has_avo && !lua_isnil(L, msg)) {
		luaL_error(L, "med både 'replace' og 'avoid' skal 'message' være en tabel { replace = \"...\", avoid = "
		              "\"...\" }");
	}
	free(pl->msg_replace);
	pl->msg_replace = NULL;
	free(pl->msg_avoid);
	pl->msg_avoid = NULL;
	pl->msg_replace = pl_take_format(L, mrep, "message", "Skriv »%s« i stedet for »%s«.", 2);
	pl->msg_avoid = pl_take_format(L, mavo, "message", "Undgå »%s«.", 1);
	kb_ctx *hctx = pl->ps->hctx;
	if (kb_phrases_prepare(pl->phrases, hctx))
		luaL_error(L, "%s", kb_ctx_errmsg(hctx));
	lua_settop(L, rep - 1);
}

/* [-0, +0, e] Copies the list examples[key] (at idx) into *out (NULL-terminated, owned by pl). */
static void pl_take_example_list(lua_State *L, int idx, const char *key, char ***out, size_t *n)
{
	if (lua_isnil(L, idx))
		return;
	if (!lua_istable(L, idx))
		luaL_error(L, "examples.%s skal være en liste af tekster, ikke %s", key,
		           kb_luamsg_type(luaL_typename(L, idx)));
	size_t count = lua_rawlen(L, idx);
	if (count > PL_MAX_EXAMPLES)
		luaL_error(L, "examples.%s har mere end %u eksempler", key, PL_MAX_EXAMPLES);
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		if (!lua_isinteger(L, -2) || lua_tointeger(L, -2) < 1 || (size_t)lua_tointeger(L, -2) > count)
			luaL_error(L, "examples.%s skal være en liste { \"tekst\", ... } uden nøgler", key);
		lua_pop(L, 1);
	}
	if (!(*out = calloc(count + 1, sizeof **out)))
		luaL_error(L, "ikke nok hukommelse");
	for (size_t i = 0; i < count; i++) {
		if (lua_rawgeti(L, idx, (lua_Integer)i + 1) != LUA_TSTRING)
			luaL_error(L, "examples.%s[%d] skal være en tekst, ikke %s", key, (int)i + 1,
			           kb_luamsg_type(luaL_typename(L, -1)));
		size_t len;
		const char *s = lua_tolstring(L, -1, &len);
		if (!((*out)[i] = kb_strndup(s, len)))
			luaL_error(L, "ikke nok hukommelse");
		*n = i + 1;
		lua_pop(L, 1);
	}
}

/* [-0, +0, e] examples = { ok = {...}, bad = {...} } into pl->ex_ok and pl->ex_bad. */
static void pl_take_examples(lua_State *L, kb_plugin *pl, int tbl)
{
	lua_getfield(L, tbl, "examples");
	int ex = lua_gettop(L);
	if (lua_istable(L, ex)) {
		lua_pushnil(L);
		while (lua_next(L, ex)) {
			const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
			if (!k || (strcmp(k, "ok") != 0 && strcmp(k, "bad") != 0))
				luaL_error(L, "examples har kun nøglerne ok og bad, ikke %s",
				           k ? k : kb_luamsg_type(luaL_typename(L, -2)));
			lua_pop(L, 1);
		}
		lua_getfield(L, ex, "ok");
		pl_take_example_list(L, lua_gettop(L), "ok", &pl->ex_ok, &pl->nex_ok);
		lua_getfield(L, ex, "bad");
		pl_take_example_list(L, lua_gettop(L), "bad", &pl->ex_bad, &pl->nex_bad);
	}
	lua_settop(L, ex - 1);
}

/* Records a problem with this plugin's part of the config file, at line: the line is kept with the text, for
 * kb_plugins_check_config to sort by. */
static void pl_cfg_problem(kb_plugin *pl, int line, const char *fmt, ...) KB_PRINTF(3, 4);
static void pl_cfg_problem(kb_plugin *pl, int line, const char *fmt, ...)
{
	va_list ap;
	kb_buf one;
	kb_buf_init(&one, 8u << 20);
	kb_buf_printf(&one, "%s:%d: ", pl->ps->config->path, line);
	va_start(ap, fmt);
	kb_buf_vprintf(&one, fmt, ap);
	va_end(ap);
	if (!one.data) {
		pl->cfg_problems.oom = 1; /* kb_plugins_check_config then fails with KB_ENOMEM, not a problem short */
		return;
	}
	size_t n = one.len;
	if (n > 600) { /* a value quoted from a very long line: cut at a character */
		n = 600;
		while (n > 0 && ((unsigned char)one.data[n] & 0xC0u) == 0x80u)
			n--;
	}
	kb_buf clean;
	kb_buf_init(&clean, 64u * 1024u);
	int rc = pl_clean_text(&clean, one.data, n, clean.max); /* one line: a newline in a value would split it */
	if (!rc && n < one.len)
		rc = kb_buf_adds(&clean, "…");
	if (rc || !clean.data)
		pl->cfg_problems.oom = 1;
	else
		kb_config_problems_add(&pl->cfg_problems, line, "%s", clean.data);
	kb_buf_free(&clean);
	kb_buf_free(&one);
}

/* The string keys of the table at idx, sorted (borrowed from the table: valid while it is not changed). *out is
 * malloc'd and NULL-terminated (NULL when the table has none); caller frees. Calls nothing that can raise an error. Returns 0 or
 * KB_ENOMEM. */
static int pl_table_keys_sorted(lua_State *L, int idx, const char ***out, size_t *n)
{
	size_t cap = 0;
	*out = NULL;
	*n = 0;
	idx = lua_absindex(L, idx);
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		lua_pop(L, 1);
		if (lua_type(L, -1) != LUA_TSTRING)
			continue;
		if (*n == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			const char **nk = realloc((void *)*out, (ncap + 1) * sizeof *nk);
			if (!nk) {
				lua_pop(L, 1);
				free((void *)*out);
				*out = NULL;
				return KB_ENOMEM;
			}
			*out = nk;
			cap = ncap;
		}
		(*out)[(*n)++] = lua_tostring(L, -1);
	}
	for (size_t i = 1; i < *n; i++) { /* insertion sort: option lists are short */
		const char *k = (*out)[i];
		size_t j = i;
		for (; j > 0 && strcmp((*out)[j - 1], k) > 0; j--)
			(*out)[j] = (*out)[j - 1];
		(*out)[j] = k;
	}
	if (*out)
		(*out)[*n] = NULL;
	return KB_OK;
}

/* Appends the value at idx to b as Lua source: 40, 2.5, "tekst", true, { "a", "b" }; anything else by its type
 * name. Calls nothing that can raise an error. */
static void pl_value_text(kb_buf *b, lua_State *L, int idx, int depth)
{
	idx = lua_absindex(L, idx);
	switch (lua_type(L, idx)) {
	case LUA_TNUMBER:
		if (lua_isinteger(L, idx))
			kb_buf_printf(b, "%lld", (long long)lua_tointeger(L, idx));
		else
			kb_buf_printf(b, "%.14g", (double)lua_tonumber(L, idx));
		break;
	case LUA_TBOOLEAN: kb_buf_adds(b, lua_toboolean(L, idx) ? "true" : "false"); break;
	case LUA_TSTRING: {
		size_t len;
		const char *s = lua_tolstring(L, idx, &len);
		kb_buf_addc(b, '"');
		for (size_t i = 0; i < len && i < 200; i++) {
			if (s[i] == '"' || s[i] == '\\')
				kb_buf_addc(b, '\\');
			kb_buf_addc(b, (unsigned char)s[i] < 0x20u ? ' ' : s[i]);
		}
		kb_buf_addc(b, '"');
		break;
	}
	case LUA_TTABLE:
		if (depth >= 2) {
			kb_buf_adds(b, "{ ... }");
			break;
		}
		if (lua_rawlen(L, idx) == 0) {
			kb_buf_adds(b, "{}");
			break;
		}
		kb_buf_adds(b, "{ ");
		for (lua_Integer i = 1; i <= 100; i++) {
			if (lua_rawgeti(L, idx, i) == LUA_TNIL) {
				lua_pop(L, 1);
				break;
			}
			if (i > 1)
				kb_buf_adds(b, ", ");
			pl_value_text(b, L, -1, depth + 1);
			lua_pop(L, 1);
		}
		kb_buf_adds(b, " }");
		break;
	default: kb_buf_adds(b, lua_typename(L, lua_type(L, idx))); break;
	}
}

/* Makes pl->options_text from the options table at opts: "{ error_lix = 50, max_lix = 40 }". Returns 0 or
 * KB_ENOMEM. */
static int pl_make_options_text(lua_State *L, kb_plugin *pl, int opts)
{
	const char **keys = NULL;
	size_t n = 0;
	kb_buf b;
	kb_buf_init(&b, 8192);
	opts = lua_absindex(L, opts);
	if (pl_table_keys_sorted(L, opts, &keys, &n))
		return KB_ENOMEM;
	kb_buf_adds(&b, n ? "{ " : "{}");
	for (size_t i = 0; i < n; i++) {
		kb_buf_printf(&b, "%s%s = ", i ? ", " : "", keys[i]);
		lua_pushnil(L); /* find the value without a call that could raise: walk the table again */
		while (lua_next(L, opts)) {
			if (lua_type(L, -2) == LUA_TSTRING && lua_tostring(L, -2) == keys[i])
				pl_value_text(&b, L, -1, 0);
			lua_pop(L, 1);
		}
	}
	if (n)
		kb_buf_adds(&b, " }");
	free((void *)keys);
	free(pl->options_text);
	pl->options_text = b.data ? kb_buf_detach(&b) : NULL;
	return pl->options_text ? KB_OK : KB_ENOMEM;
}

/* [-0, +1, e] The config file's value for an option, converted to the type of its default (at def). Returns 0
 * and pushes nothing when the value does not fit, after recording why. */
static int pl_push_option_value(lua_State *L, kb_plugin *pl, int def, const kb_config_value *o)
{
	const char *v = o->value;
	switch (lua_type(L, def)) {
	case LUA_TNUMBER:
		if (!lua_stringtonumber(L, v)) {
			pl_cfg_problem(pl, o->line, "%s.%s skal være et tal (standarden er %s), ikke »%s«", pl->id,
			               o->key, lua_tostring(L, def), v);
			return 0;
		}
		if (lua_isinteger(L, def) && !lua_isinteger(L, -1)) {
			lua_pop(L, 1);
			pl_cfg_problem(pl, o->line, "%s.%s skal være et helt tal (standarden er %s), ikke »%s«", pl->id,
			               o->key, lua_tostring(L, def), v);
			return 0;
		}
		return 1;
	case LUA_TBOOLEAN: {
		int b = kb_config_bool(v);
		if (b < 0) {
			pl_cfg_problem(pl, o->line, "%s.%s skal være yes eller no, ikke »%s«", pl->id, o->key, v);
			return 0;
		}
		lua_pushboolean(L, b);
		return 1;
	}
	case LUA_TSTRING: lua_pushstring(L, v); return 1;
	case LUA_TTABLE: {
		/* a list: "a, b, c"; numbers when the default list holds numbers */
		int numbers = lua_rawgeti(L, def, 1) == LUA_TNUMBER;
		lua_pop(L, 1);
		lua_newtable(L);
		lua_Integer n = 0;
		for (const char *s = v; *s;) {
			const char *comma = strchr(s, ',');
			size_t len = comma ? (size_t)(comma - s) : strlen(s);
			while (len && (*s == ' ' || *s == '\t')) {
				s++;
				len--;
			}
			while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
				len--;
			lua_pushlstring(L, s, len);
			if (numbers) {
				if (!lua_stringtonumber(L, lua_tostring(L, -1))) {
					pl_cfg_problem(pl, o->line, "%s.%s er en liste af tal; »%.*s« er ikke et tal",
					               pl->id, o->key, (int)len, s);
					lua_pop(L, 2);
					return 0;
				}
				lua_remove(L, -2);
			}
			lua_rawseti(L, -2, ++n);
			if (!comma)
				break;
			s = comma + 1;
		}
		return 1;
	}
	default:
		pl_cfg_problem(pl, o->line, "%s.%s er en %s og kan ikke sættes i opsætningsfilen", pl->id, o->key,
		               kb_luamsg_type(luaL_typename(L, def)));
		return 0;
	}
}

/* Records that the plugin has no option key, with the nearest name or the names it has. */
static void pl_no_option(lua_State *L, kb_plugin *pl, int opts, const kb_config_value *o)
{
	const char **keys = NULL;
	size_t n = 0;
	if (pl_table_keys_sorted(L, opts, &keys, &n)) {
		pl_cfg_problem(pl, o->line, "%s har ingen indstilling »%s«", pl->id, o->key);
		return;
	}
	const char *near = keys ? kb_nearest_name(o->key, keys) : NULL;
	if (near) {
		pl_cfg_problem(pl, o->line, "%s har ingen indstilling »%s«; mente du »%s«?", pl->id, o->key, near);
	} else if (n) {
		kb_buf names;
		kb_buf_init(&names, 4096);
		for (size_t i = 0; i < n; i++)
			kb_buf_printf(&names, "%s%s", i ? ", " : "", keys[i]);
		pl_cfg_problem(pl, o->line, "%s har ingen indstilling »%s«; dens indstillinger er %s", pl->id, o->key,
		               names.data ? names.data : "");
		kb_buf_free(&names);
	} else {
		pl_cfg_problem(pl, o->line, "%s har ingen indstillinger, og derfor heller ingen »%s«", pl->id, o->key);
	}
	free((void *)keys);
}

/* [-0, +0, e] Applies the plugin's [plugin id] section: level, enabled, options (into the options table, at opts),
 * ignored phrases. */
static void pl_apply_section(lua_State *L, kb_plugin *pl, const kb_config_plugin *c, int opts)
{
	pl->configured = 1;
	pl->enabled = c->enabled;
	pl->level_set = c->has_level;
	if (c->has_level)
		pl->level = c->level;
	for (size_t i = 0; i < c->noptions; i++) {
		const kb_config_value *o = &c->options[i];
		lua_pushstring(L, o->key);
		if (lua_rawget(L, opts) == LUA_TNIL) {
			lua_pop(L, 1);
			pl_no_option(L, pl, opts, o);
			continue;
		}
		if (pl_push_option_value(L, pl, lua_gettop(L), o)) {
			lua_pushstring(L, o->key);
			lua_insert(L, -2);
			lua_rawset(L, opts);
			if (kb_buf_printf(&pl->options_set, "%s%s", pl->options_set.len ? ", " : "", o->key) == KB_ENOMEM)
				luaL_error(L, "ikke nok hukommelse");
		}
		lua_pop(L, 1);
	}
	for (size_t i = 0; i < c->nignore; i++) {
		int rc = pl->phrases ? kb_phrases_remove(pl->phrases, c->ignore[i], strlen(c->ignore[i])) : 0;
		if (rc == KB_ENOMEM)
			luaL_error(L, "ikke nok hukommelse");
		if (rc == 0)
			pl_cfg_problem(pl, c->ignore_line, "%s har ingen frase »%s« i replace eller avoid", pl->id,
			               c->ignore[i]);
		else
			pl->phrases_ignored++;
	}
}

/* [-0, +0, e] Everything about the plugin's table that the core keeps in C, and the config file's section for it
 * (plugin table on top of the stack, options set, not yet frozen). */
static void pl_apply_config(lua_State *L, kb_plugin *pl)
{
	int tbl = lua_gettop(L);
	luaL_checkstack(L, 24, "pluginnets tabel");
	pl_take_phrases(L, pl, tbl);
	pl_take_examples(L, pl, tbl);
	lua_getfield(L, tbl, "description");
	if (lua_type(L, -1) == LUA_TSTRING && !(pl->description = kb_strdup(lua_tostring(L, -1))))
		luaL_error(L, "ikke nok hukommelse");
	lua_pop(L, 1);
	size_t nv = 0;
	pl->visitors[0] = '\0';
	static const int order[PL_NVISITORS] = { PL_ON_WORD, PL_ON_SENTENCE, PL_ON_PARAGRAPH, PL_ON_LETTER,
		                                 PL_ON_LETTER_END }; /* on_word first: the order a reader thinks in */
	for (int k = 0; k < PL_NVISITORS; k++) {
		int v = order[k];
		lua_getfield(L, tbl, pl_visitor_names[v]);
		if (lua_isfunction(L, -1)) {
			size_t at = strlen(pl->visitors);
			snprintf(pl->visitors + at, sizeof pl->visitors - at, "%s%s", nv++ ? ", " : "",
			         pl_visitor_names[v]);
		}
		lua_pop(L, 1);
	}
	lua_getfield(L, tbl, "options");
	int opts = lua_gettop(L);
	const kb_config_plugin *c = pl->ps->config ? kb_config_plugin_find(pl->ps->config, pl->id) : NULL;
	pl->enabled = 1;
	pl->configured = 0;
	pl->level_set = 0;
	pl->phrases_ignored = 0;
	pl->options_set.len = 0;
	if (pl->options_set.data)
		pl->options_set.data[0] = '\0';
	kb_config_problems_free(&pl->cfg_problems);
	pl->cfg_problems.oom = 0;
	if (c)
		pl_apply_section(L, pl, c, opts);
	if (pl_make_options_text(L, pl, opts))
		luaL_error(L, "ikke nok hukommelse");
	lua_settop(L, tbl);
}

/* [-0, +0, m] Sets global name to nil. */
static void pl_remove_global(lua_State *L, const char *name)
{
	lua_pushnil(L);
	lua_setglobal(L, name);
}

/* [-0, +0, m] The libraries and the sandbox around them. */
/* [-?, +?, e] A function of math or os whose result is not a function of its arguments (math.random, os.clock,
 * ...): marks the visit impure, so no memo entry is made of it, then runs the original in this same frame (its C
 * function is upvalue 2, its own upvalue, math's random state, is upvalue 1), so error messages name it as
 * before. */
static int pl_impure(lua_State *L)
{
	pl_of(L)->visit_flags |= PL_VISIT_IMPURE;
	return lua_tocfunction(L, lua_upvalueindex(2))(L);
}

/* [-0, +0, m] Wraps field name of the table on top of the stack with pl_impure. */
static void pl_wrap_impure(lua_State *L, const char *name)
{
	lua_getfield(L, -1, name);
	int f = lua_gettop(L);
	lua_CFunction fn = lua_tocfunction(L, f);
	if (!fn) {
		lua_pop(L, 1);
		return;
	}
	if (!lua_getupvalue(L, f, 1))
		lua_pushnil(L);
	lua_pushcfunction(L, fn);
	lua_pushcclosure(L, pl_impure, 2);
	lua_setfield(L, f - 1, name);
	lua_pop(L, 1);
}

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
	lua_pushcfunction(L, pl_xpcall);
	lua_setglobal(L, "xpcall");

	lua_getglobal(L, LUA_STRLIBNAME);
	lua_getfield(L, -1, "format");
	lua_rawsetp(L, LUA_REGISTRYINDEX, (void *)pl_report); /* for report() and log() */
	lua_pushnil(L);
	lua_setfield(L, -2, "dump");
	/* the functions whose loops no hook sees, remade to check the budget */
	kb_luapattern_register(L, -1, &pl_lua_hooks);
	lua_getglobal(L, LUA_TABLIBNAME);
	kb_luabudget_register(L, -2, -1, &pl_lua_hooks);
	lua_pop(L, 2);
	lua_getglobal(L, LUA_MATHLIBNAME);
	lua_getfield(L, -1, "randomseed");
	lua_rawsetp(L, LUA_REGISTRYINDEX, (void *)&pl_seed_key); /* for pl_restore_state */
	pl_wrap_impure(L, "random");
	pl_wrap_impure(L, "randomseed");
	lua_pop(L, 1);
	lua_getglobal(L, "os");
	pl_wrap_impure(L, "time");
	pl_wrap_impure(L, "date");
	pl_wrap_impure(L, "clock");
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
	kb_luamatcher_register(L, -1, &pl_lua_hooks); /* klarbrev.matcher */
	lua_pushliteral(L, KB_VERSION);
	lua_setfield(L, -2, "version");
	lua_pushboolean(L, pl_of(L)->ps->speller != NULL); /* false: spell/suggest/analyze have no dictionary */
	lua_setfield(L, -2, "dictionary");
	lua_setglobal(L, "klarbrev");
}

/* [-0, +0, e] Checks the table the file returned (at idx) and takes id, level, options and visitors from it. */
static void pl_take_table(lua_State *L, kb_plugin *pl, int idx)
{
	if (!lua_istable(L, idx))
		luaL_error(L, "filen skal returnere en tabel med et id (den returnerede %s)",
		           kb_luamsg_type(luaL_typename(L, idx)));
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		const char *key = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
		int known = 0;
		for (size_t i = 0; key && pl_table_keys[i]; i++)
			known |= !strcmp(key, pl_table_keys[i]);
		if (!known) {
			const char *near = key ? kb_nearest_name(key, pl_table_keys) : NULL;
			if (near)
				luaL_error(L, "ukendt nøgle '%s' i pluginnets tabel; mente du '%s'?", key, near);
			const char *what = key ? key : kb_luamsg_type(luaL_typename(L, -2));
			luaL_Buffer b; /* the valid keys from pl_table_keys, so the list cannot fall behind it */
			luaL_buffinit(L, &b);
			for (size_t i = 0; pl_table_keys[i]; i++) {
				if (i)
					luaL_addstring(&b, ", ");
				luaL_addstring(&b, pl_table_keys[i]);
			}
			luaL_pushresult(&b);
			luaL_error(L, "ukendt nøgle %s i pluginnets tabel; de gyldige nøgler er %s", what,
			           lua_tostring(L, -1));
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
		luaL_error(L, "'id' skal være et navn af bogstaverne a-z, cifre, '-' eller '_' (højst %d tegn)",
		           (int)PL_MAX_ID);
	free(pl->id);
	if (!(pl->id = kb_strndup(id, idlen)))
		luaL_error(L, "ikke nok hukommelse");
	lua_pop(L, 1);

	lua_getfield(L, idx, "level");
	pl->level = pl_check_level(L, -1, KB_LEVEL_WARNING, "pluginnets tabel");
	lua_pop(L, 1);

	lua_getfield(L, idx, "decisions_only");
	if (!lua_isnil(L, -1) && !lua_isboolean(L, -1))
		luaL_error(L, "'decisions_only' skal være true eller false");
	pl->decisions_only = lua_toboolean(L, -1);
	lua_pop(L, 1);

	lua_getfield(L, idx, "description");
	if (!lua_isnil(L, -1) && lua_type(L, -1) != LUA_TSTRING)
		luaL_error(L, "'description' skal være en tekst");
	lua_pop(L, 1);
	lua_getfield(L, idx, "examples");
	if (!lua_isnil(L, -1) && !lua_istable(L, -1))
		luaL_error(L, "'examples' skal være en tabel { ok = {...}, bad = {...} }");
	lua_pop(L, 1);
	lua_getfield(L, idx, "options");
	if (!lua_isnil(L, -1) && !lua_istable(L, -1))
		luaL_error(L, "'options' skal være en tabel");
	lua_pop(L, 1);
	for (int v = 0; v < PL_NVISITORS; v++) {
		lua_getfield(L, idx, pl_visitor_names[v]);
		if (!lua_isnil(L, -1) && !lua_isfunction(L, -1))
			luaL_error(L, "'%s' skal være en funktion, men er %s", pl_visitor_names[v],
			           kb_luamsg_type(luaL_typename(L, -1)));
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
	kb_luamsg_name_functions(L);
	pl_restore_state(L, pl);

	/* the shared libraries first: klarbrev.lib.<name> = what plugins/lib/<name>.lua returns */
	if (pl->ps->nlibs) {
		lua_getglobal(L, "klarbrev");
		lua_newtable(L);
		for (size_t i = 0; i < pl->ps->nlibs; i++) {
			const pl_lib *lib = &pl->ps->libs[i];
			const char *libchunk = lua_pushfstring(L, "@%s", lib->display);
			if (luaL_loadbufferx(L, lib->source, lib->len, libchunk, "t") != LUA_OK)
				return lua_error(L);
			lua_remove(L, -2);
			lua_call(L, 0, 1);
			if (!lua_istable(L, -1))
				return luaL_error(L, "%s skal returnere en tabel med sine hjælpefunktioner", lib->display);
			lua_setfield(L, -2, lib->name);
		}
		lua_setfield(L, -2, "lib");
		lua_settop(L, 0);
	}

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
	pl_make_upcheck(L);
	pl->ref_upcheck = luaL_ref(L, LUA_REGISTRYINDEX);
	pl->ref_upvalues = luaL_ref(L, LUA_REGISTRYINDEX);

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
	kb_parmemo_clear(pl->memo, NULL, NULL); /* its notes live in the state closed here */
	if (pl->L)
		lua_close(pl->L);
	pl->L = NULL;
	kb_phrases_free(pl->phrases);
	pl->phrases = NULL;
	free(pl->msg_replace);
	free(pl->msg_avoid);
	pl->msg_replace = pl->msg_avoid = NULL;
	kb_strv_free(pl->ex_ok);
	kb_strv_free(pl->ex_bad);
	pl->ex_ok = pl->ex_bad = NULL;
	pl->nex_ok = pl->nex_bad = 0;
	free(pl->description);
	free(pl->options_text);
	pl->description = pl->options_text = NULL;
	pl->visitors[0] = '\0';
	pl->ref_table = pl->ref_options = pl->ref_upvalues = pl->ref_upcheck = LUA_NOREF;
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
		/* a long message is cut rather than lost, so the finding still says where */
		kb_buf_add(&b, s, len < PL_MAX_MESSAGE ? len : PL_MAX_MESSAGE - 1);
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
		if (st != LUA_OK || pl->mem_exceeded) {
			why = pl_failure_text(pl, st);
		} else {
			lua_settop(L, 0);
			/* generational collection: the state's own tables (frozen at setup) and the paragraph memo's notes live
			 * as long as the state, the nodes and strings of a letter only during its check; an incremental
			 * collector walks the long-lived ones on every cycle, a generational one seldom */
			lua_gc(L, LUA_GCGEN, 0, 0);
		}
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

/* [-0, +nres, e] Calls visitor v with the node on top of the stack (popped), report and the options; leaves nres
 * results (0 or 1). */
static void pl_visit(lua_State *L, kb_plugin *pl, int v, int nres)
{
	lua_rawgeti(L, LUA_REGISTRYINDEX, pl->ref_visitor[v]);
	lua_insert(L, -2);
	lua_pushcfunction(L, pl_report);
	lua_rawgeti(L, LUA_REGISTRYINDEX, pl->ref_options);
	lua_call(L, 3, nres);
}

/* [-0, +1, e] A read-only copy of the notes at idx (what on_paragraph returned): plain data only, so that nothing
 * of one letter (a node, a function holding state) reaches another through the memo. A table frozen at load is
 * read-only already and is kept as it is. */
static void pl_copy_notes(lua_State *L, int idx, int depth)
{
	idx = lua_absindex(L, idx);
	luaL_checkstack(L, 8, "on_paragraph");
	switch (lua_type(L, idx)) {
	case LUA_TNIL:
	case LUA_TBOOLEAN:
	case LUA_TNUMBER:
	case LUA_TSTRING: lua_pushvalue(L, idx); return;
	case LUA_TTABLE: break;
	default:
		luaL_error(L, "on_paragraph må kun returnere data (tabeller, tekster, tal, true/false), ikke %s",
		           kb_luamsg_type(luaL_typename(L, idx)));
	}
	if (pl_is_frozen(L, idx)) {
		lua_pushvalue(L, idx);
		return;
	}
	if (depth >= PL_MAX_NOTES_DEPTH)
		luaL_error(L, "on_paragraph: tabellen ligger mere end %d lag i sig selv", PL_MAX_NOTES_DEPTH);
	lua_newtable(L); /* the view */
	lua_newtable(L); /* what it holds */
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		int kt = lua_type(L, -2);
		if (kt != LUA_TSTRING && kt != LUA_TNUMBER && kt != LUA_TBOOLEAN)
			luaL_error(L, "on_paragraph må kun returnere data, men en nøgle er %s",
			           kb_luamsg_type(luaL_typename(L, -2)));
		pl_copy_notes(L, -1, depth + 1);
		lua_pushvalue(L, -3);
		lua_insert(L, -2);
		lua_rawset(L, -5);
		lua_pop(L, 1);
	}
	pl_seal(L, -2, -1);
	lua_pop(L, 1);
}

/* The memo key of paragraph p into pl->memo_key: everything a paragraph visitor can see of it through its nodes
 * (text, style, heading, part, table, sentences and words with their offsets and flags, the spans with their
 * origins and flags, its kind, section and topic, whether the letter is Danish). field_type is not in it: it is
 * NULL for every origin but "field:...", and a paragraph with a field is not kept. The paragraph's index is not in it (a visit that reads it is not kept, PL_VISIT_INDEX), nor
 * is anything of the letter: no node of a paragraph leads to the letter or to another paragraph. Returns 0, or
 * nonzero when p holds a case value (a span from "field:...") or its key would be too long: then p is walked
 * as always. */
static int pl_memo_key(kb_plugin *pl, const kb_paragraph *p)
{
	kb_buf *b = &pl->memo_key;
	b->len = 0;
	for (size_t i = 0; i < p->nspans; i++)
		if (p->spans[i].origin && !strncmp(p->spans[i].origin, "field:", 6))
			return 1;
	const kb_para_class *c = &pl->ps->classes[p - pl->run.in->text->paras];
	size_t head[12] = { p->len,         p->style ? strlen(p->style) + 1 : 0, (size_t)p->heading, (size_t)p->part,
		            (size_t)p->in_table, p->nspans, p->nsentences, p->nwords, (size_t)c->kind, (size_t)c->section,
		            (size_t)c->topic, (size_t)pl->run.in->not_danish };
	int rc = kb_buf_add(b, head, sizeof head);
	if (!rc)
		rc = kb_buf_add(b, p->text, p->len);
	if (!rc && p->style)
		rc = kb_buf_add(b, p->style, strlen(p->style) + 1);
	for (size_t i = 0; !rc && i < p->nspans; i++) {
		const kb_span *sp = &p->spans[i];
		size_t v[4] = { sp->start, sp->len, sp->flags, sp->origin ? strlen(sp->origin) : 0 };
		rc = kb_buf_add(b, v, sizeof v);
		if (!rc && sp->origin)
			rc = kb_buf_add(b, sp->origin, strlen(sp->origin));
	}
	for (size_t i = 0; !rc && i < p->nsentences; i++) {
		const kb_sentence *se = &p->sentences[i];
		size_t v[4] = { se->start, se->len, se->first_word, se->nwords };
		rc = kb_buf_add(b, v, sizeof v);
	}
	for (size_t i = 0; !rc && i < p->nwords; i++) {
		const kb_word *w = &p->words[i];
		size_t v[4] = { w->start, w->len, w->letters, w->flags };
		rc = kb_buf_add(b, v, sizeof v);
	}
	return rc;
}

/* [-0, +0, e] Hands a memo entry's findings to the letter as if its visitors had made them on paragraph pi, counted
 * against the plugin's findings per letter as report() counts them. */
static void pl_memo_replay(lua_State *L, kb_plugin *pl, const kb_parmemo_entry *e, size_t pi)
{
	size_t n = kb_findings_count(e->findings);
	for (size_t i = 0; i < n && pl->run.nreports < PL_MAX_REPORTS; i++) {
		kb_finding f = *kb_findings_get(e->findings, i);
		f.paragraph = (long)pi;
		pl->run.nreports++;
		int rc = kb_findings_add(pl->run.out, &f);
		if (rc && rc != KB_ELIMIT) {
			pl->run.oom = 1;
			luaL_error(L, "ikke nok hukommelse");
		}
	}
}

/* [-0, +0, e] One letter: the state as it was after loading, then on_letter, then for each paragraph on_paragraph,
 * its sentences, its words, then on_letter_end. Runs under lua_pcall with the time budget armed; the first error
 * ends the walk.
 *
 * The paragraph memo. A paragraph that holds no case value is, in a batch, the same in every letter from one
 * template, and so are the findings of a visitor that cannot see anything else. What a paragraph visitor can see:
 * its nodes (the memo key, pl_memo_key), the options and the tables reachable at load (frozen, the same for every
 * letter), the upvalues of the plugin's functions (its only state that changes: "count = count + 1"), and math's
 * random numbers and os's clock. So its findings and notes are kept, and later handed out instead of running it,
 * only under these rules:
 *  - an entry is made only of a paragraph whose visitors started and ended with every upvalue raw-equal to what it
 *    held after loading (pl_state_clean), that called no math.random/randomseed/os.time/date/clock, read no
 *    paragraph index, made no finding that was dropped (the per-letter cap), and did not fail;
 *  - an entry is used only while the upvalues are still those after loading; once a visitor (or on_letter) leaves
 *    them otherwise, every later paragraph of the letter is walked (and compared after) as without a memo.
 * Lua has no other state a visitor could keep: no coroutines, no debug library, no raw access, the globals and
 * shared metatables are frozen or protected. full_check (KLARBREV_FULL_CHECK=1) turns the memo off. */
static int pl_walk(lua_State *L)
{
	kb_plugin *pl = pl_of(L);
	const kb_text *t = pl->run.in->text;
	pl_restore_state(L, pl);
	lua_newtable(L); /* the notes of the paragraphs, for on_letter_end */
	int notes = lua_gettop(L);
	lua_pushvalue(L, notes);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &pl_notes_key);
	int memo_on = !pl->ps->full_check && pl->memo;
	int clean = 1; /* the upvalues hold what they held after loading */
	if (pl->ref_visitor[PL_ON_LETTER] != LUA_NOREF) {
		pl_push_node(L, PL_LETTER, 0, 0, 0);
		pl_visit(L, pl, PL_ON_LETTER, 0);
		if (memo_on)
			clean = pl_state_clean(L, pl);
	}
	int per_para = pl->ref_visitor[PL_ON_PARAGRAPH] != LUA_NOREF || pl->ref_visitor[PL_ON_SENTENCE] != LUA_NOREF ||
	               pl->ref_visitor[PL_ON_WORD] != LUA_NOREF;
	for (size_t pi = 0; per_para && t && pi < t->nparas; pi++) {
		const kb_paragraph *p = &t->paras[pi];
		int keyed = memo_on && clean && pl_memo_key(pl, p) == 0;
		if (keyed) {
			const kb_parmemo_entry *e = kb_parmemo_find(pl->memo, pl->memo_key.data, pl->memo_key.len);
			if (e) {
				pl->memo_hits++;
				pl_memo_replay(L, pl, e, pi);
				if (e->notes_ref != LUA_NOREF) {
					lua_rawgeti(L, LUA_REGISTRYINDEX, e->notes_ref);
					lua_rawseti(L, notes, (lua_Integer)pi + 1);
				}
				continue;
			}
			pl->memo_misses++;
		}
		pl->visit_flags = 0;
		size_t found0 = kb_findings_count(pl->run.out), reports0 = pl->run.nreports;
		if (pl->ref_visitor[PL_ON_PARAGRAPH] != LUA_NOREF) {
			pl_push_node(L, PL_PARAGRAPH, pi, 0, 0);
			pl_visit(L, pl, PL_ON_PARAGRAPH, 1);
			if (!lua_isnil(L, -1)) {
				pl_copy_notes(L, -1, 0);
				lua_rawseti(L, notes, (lua_Integer)pi + 1);
			}
			lua_pop(L, 1);
		}
		for (size_t si = 0; pl->ref_visitor[PL_ON_SENTENCE] != LUA_NOREF && si < p->nsentences; si++) {
			pl_push_node(L, PL_SENTENCE, pi, si, 0);
			pl_visit(L, pl, PL_ON_SENTENCE, 0);
		}
		for (size_t wi = 0; pl->ref_visitor[PL_ON_WORD] != LUA_NOREF && wi < p->nwords; wi++) {
			pl_push_node(L, PL_WORD, pi, 0, wi);
			pl_visit(L, pl, PL_ON_WORD, 0);
		}
		if (!memo_on)
			continue;
		int was_clean = clean;
		clean = pl_state_clean(L, pl);
		size_t made = pl->run.nreports - reports0;
		/* the notes the memo keeps live in the plugin's state: past half its memory cap it keeps no more, so the
		 * memo cannot make a plugin run out of memory where a full check would not */
		if (!keyed || !was_clean || !clean || pl->visit_flags || pl->run.nreports >= PL_MAX_REPORTS ||
		    kb_findings_count(pl->run.out) - found0 != made || pl->mem_used > pl->mem_cap / 2)
			continue;
		int ref = LUA_NOREF;
		if (lua_rawgeti(L, notes, (lua_Integer)pi + 1) != LUA_TNIL)
			ref = luaL_ref(L, LUA_REGISTRYINDEX);
		else
			lua_pop(L, 1);
		int rc = kb_parmemo_add(pl->memo, pl->memo_key.data, pl->memo_key.len, pl->run.out, found0,
		                        found0 + made, ref);
		if (rc != KB_OK && ref != LUA_NOREF)
			luaL_unref(L, LUA_REGISTRYINDEX, ref);
		if (rc == KB_ENOMEM) {
			pl->run.oom = 1;
			return luaL_error(L, "ikke nok hukommelse");
		}
	}
	if (pl->ref_visitor[PL_ON_LETTER_END] != LUA_NOREF) {
		pl->in_letter_end = 1;
		pl_push_node(L, PL_LETTER, 0, 0, 0);
		pl_visit(L, pl, PL_ON_LETTER_END, 0);
		pl->in_letter_end = 0;
	}
	return 0;
}

/* ---- running the declarative rules ---- */

/* sugg with its first letter made upper case when found starts with a capital and sugg with a small letter
 * ("Såfremt" -> "Hvis"). Returns a new string or NULL. */
static char *pl_match_case(const char *sugg, const char *found, size_t found_len)
{
	uint32_t f, s;
	size_t slen = strlen(sugg);
	if (!found_len || !slen)
		return kb_strdup(sugg);
	kb_utf8_decode(found, found_len, &f);
	size_t n = kb_utf8_decode(sugg, slen, &s);
	if (!kb_uc_is_upper(f) || !kb_uc_is_lower(s))
		return kb_strdup(sugg);
	char enc[4];
	size_t m = kb_utf8_encode(kb_uc_toupper(s), enc);
	char *out = malloc(slen - n + m + 1);
	if (!out)
		return NULL;
	memcpy(out, enc, m);
	memcpy(out + m, sugg + n, slen - n + 1);
	return out;
}

/* Called by kb_phrases_match for each match: one finding, made without Lua. */
static int pl_phrase_found(void *ud, size_t para, size_t start, size_t len, size_t i)
{
	kb_plugin *pl = ud;
	if (pl->run.nreports >= PL_MAX_REPORTS)
		return 1; /* stop: the plugin has made as many findings as one letter may get */
	pl->run.nreports++;
	const kb_paragraph *p = &pl->run.in->text->paras[para];
	size_t nsugg = 0;
	const char *const *sugg = kb_phrases_suggestions(pl->phrases, i, &nsugg);
	int avoid = kb_phrases_is_avoid(pl->phrases, i);
	kb_buf found, msg, sb[PL_MAX_SUGG];
	char *cased[PL_MAX_SUGG] = { 0 }, *sv[PL_MAX_SUGG], *fmt_out = NULL, *text = NULL;
	int rc = KB_OK;
	kb_buf_init(&found, PL_MAX_MESSAGE);
	kb_buf_init(&msg, PL_MAX_MESSAGE);
	for (size_t k = 0; k < PL_MAX_SUGG; k++)
		kb_buf_init(&sb[k], PL_MAX_SUGG_BYTES);
	if (nsugg > PL_MAX_SUGG)
		nsugg = PL_MAX_SUGG;
	/* the text as one line: a line break or a run of spaces between the words becomes one space */
	for (size_t k = 0; !rc && k < len;) {
		uint32_t cp;
		size_t n = kb_utf8_decode(p->text + start + k, len - k, &cp);
		if (cp < 0x20u || kb_uc_is_space(cp)) {
			if (found.len && found.data[found.len - 1] != ' ')
				rc = kb_buf_addc(&found, ' ');
		} else {
			rc = kb_buf_add(&found, p->text + start + k, n);
		}
		k += n;
	}
	if (rc == KB_ELIMIT) /* a very long match: its text in the message is cut */
		rc = KB_OK;
	if (!rc)
		rc = kb_buf_add(&found, "", 0) == KB_ENOMEM ? KB_ENOMEM : KB_OK;
	for (size_t k = 0; !rc && k < nsugg; k++) {
		if (!(cased[k] = pl_match_case(sugg[k], p->text + start, len)))
			rc = KB_ENOMEM;
		else
			rc = pl_clean_text(&sb[k], cased[k], strlen(cased[k]), PL_MAX_SUGG_BYTES);
		sv[k] = sb[k].data;
	}
	if (!rc) {
		const char *args[2] = { nsugg ? sv[0] : "", found.data ? found.data : "" };
		fmt_out =
		    avoid ? kb_phrases_format(pl->msg_avoid, args + 1, 1) : kb_phrases_format(pl->msg_replace, args, 2);
		if (!fmt_out)
			rc = KB_ENOMEM;
	}
	if (!rc)
		rc = pl_clean_text(&msg, fmt_out, strlen(fmt_out), PL_MAX_MESSAGE);
	if (!rc && !(text = kb_strndup(p->text + start, len)))
		rc = KB_ENOMEM;
	if (!rc) {
		kb_finding f = { 0 };
		f.rule = pl->id;
		f.level = pl->level;
		f.message = msg.data;
		f.paragraph = (long)para;
		f.start = start;
		f.len = len;
		f.text = text;
		f.origin = (char *)kb_paragraph_origin_at(p, start);
		f.source = pl->display;
		f.suggestions = nsugg ? sv : NULL;
		f.nsuggestions = nsugg;
		rc = kb_findings_add(pl->run.out, &f);
		if (rc == KB_ELIMIT)
			rc = KB_OK;
	}
	free(text);
	free(fmt_out);
	for (size_t k = 0; k < PL_MAX_SUGG; k++) {
		free(cased[k]);
		kb_buf_free(&sb[k]);
	}
	kb_buf_free(&found);
	kb_buf_free(&msg);
	return rc;
}

/* Runs the plugin's replace and avoid lists over the letter. Returns 0 or KB_ENOMEM. */
static int pl_run_phrases(kb_plugin *pl)
{
	if (!pl->phrases || !kb_phrases_count(pl->phrases))
		return KB_OK;
	int rc = kb_phrases_match(pl->phrases, pl->run.in->text, pl_phrase_found, pl);
	return rc == 1 ? KB_OK : rc ? KB_ENOMEM : KB_OK;
}

/* Runs one plugin over one letter. Returns 0 or KB_ENOMEM. */
static int pl_run_letter(kb_plugin *pl, kb_ctx *ctx, const kb_check_input *in, kb_findings *out)
{
	int rc;
	if (pl->reset && !pl->broken && (rc = pl_open(pl)) == KB_ENOMEM)
		return kb_ctx_fail(ctx, rc, "ikke nok hukommelse");
	if (pl->broken) {
		rc = pl_add_error_finding(pl, out, pl->broken);
		return rc ? kb_ctx_fail(ctx, rc, "ikke nok hukommelse") : KB_OK;
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
	pl->in_letter_end = 0;
	lua_pushnil(L);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &pl_notes_key); /* the notes die with the letter */
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
	if (!rc && pl_run_phrases(pl))
		pl->run.oom = 1;
	pl->run.in = NULL;
	pl->run.out = NULL;
	if (rc || pl->run.oom)
		return kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
	return KB_OK;
}

int kb_plugins_run(kb_plugins *ps, kb_ctx *ctx, const kb_check_input *in, kb_findings *out)
{
	if (!in || !out)
		return kb_ctx_fail(ctx, KB_EUSAGE, "kb_plugins_run: intet brev eller ingen liste til fund");
	size_t np = in->text ? in->text->nparas : 0;
	if (np > ps->classes_cap) {
		kb_para_class *c = realloc(ps->classes, np * sizeof *c);
		if (!c)
			return kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
		ps->classes = c;
		ps->classes_cap = np;
	}
	if (np)
		kb_parakind_classify(ps->classes, in->text);
	for (size_t i = 0; i < ps->n; i++) {
		if (!ps->items[i]->enabled && !ps->items[i]->broken) /* a broken rule set always stops the letter */
			continue;
		if (in->not_decision && ps->items[i]->decisions_only && !ps->items[i]->broken)
			continue;
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
		return kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
	}
	ps->speller = speller;
	ps->mem_cap = PL_DEFAULT_MEM;
	ps->time_ms = PL_DEFAULT_MS;
	const char *full = getenv("KLARBREV_FULL_CHECK");
	ps->full_check = full && !strcmp(full, "1");
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
	kb_config_problems_free(&pl->cfg_problems);
	kb_buf_free(&pl->options_set);
	kb_parmemo_free(pl->memo);
	kb_buf_free(&pl->memo_key);
	free(pl);
}

void kb_plugins_free(kb_plugins *ps)
{
	if (!ps)
		return;
	for (size_t i = 0; i < ps->n; i++)
		pl_free(ps->items[i]);
	free(ps->items);
	for (size_t i = 0; i < ps->nlibs; i++) {
		free(ps->libs[i].name);
		free(ps->libs[i].display);
		free(ps->libs[i].source);
	}
	free(ps->libs);
	kb_ctx_free(ps->hctx);
	free(ps->classes);
	free(ps);
}

void kb_plugins_set_full_check(kb_plugins *ps, int on)
{
	ps->full_check = on || ps->full_check;
}

void kb_plugins_memo_stats(const kb_plugins *ps, size_t *hits, size_t *misses, size_t *entries, size_t *bytes)
{
	*hits = *misses = *entries = *bytes = 0;
	for (size_t i = 0; ps && i < ps->n; i++) {
		*hits += ps->items[i]->memo_hits;
		*misses += ps->items[i]->memo_misses;
		*entries += kb_parmemo_count(ps->items[i]->memo);
		*bytes += kb_parmemo_bytes(ps->items[i]->memo);
	}
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
		return kb_ctx_fail(ctx, KB_EUSAGE, "kb_plugins_load_named: ingen sti eller intet navn");
	if (ps->n >= PL_MAX_PLUGINS)
		return kb_ctx_fail(ctx, KB_ELIMIT, "%s: mere end %u plugins", path, PL_MAX_PLUGINS);
	if (ps->n == ps->cap) {
		size_t ncap = ps->cap ? ps->cap * 2 : 8;
		kb_plugin **ni = realloc(ps->items, ncap * sizeof *ni);
		if (!ni)
			return kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
		ps->items = ni;
		ps->cap = ncap;
	}
	kb_plugin *pl = calloc(1, sizeof *pl);
	if (!pl)
		return kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
	pl->ps = ps;
	pl->enabled = 1;
	kb_buf_init(&pl->options_set, 64u * 1024u);
	kb_buf_init(&pl->memo_key, PL_MEMO_KEY_MAX);
	pl_close_state(pl); /* sets the references to LUA_NOREF */
	int rc = KB_OK;
	char *why = NULL;
	if (kb_parmemo_new(&pl->memo, PL_MEMO_ENTRIES, PL_MEMO_BYTES) || !(pl->path = kb_strdup(path)) || !(pl->display = kb_strdup(display))) {
		rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
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
			rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
			goto done;
		}
	} else {
		rc = pl_open(pl);
		if (rc == KB_ENOMEM) {
			rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
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
			if (kb_buf_printf(&b, "id »%s« bruges også af %s; giv pluginnet et andet id (klarbrev plugin list "
			                  "viser de id'er, der er brugt)",
			                  pl->id, o->display) ||
			    pl_make_error_message(&pl->broken, pl, "kunne ikke indlæses", b.data))
				rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
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
		return kb_ctx_fail(ctx, KB_EUSAGE, "kb_plugins_load_file: ingen sti");
	if (pl_display_name(&display, path))
		return kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
	int rc = kb_plugins_load_named(ps, ctx, path, display);
	free(display);
	return rc;
}

int kb_plugins_load_libs(kb_plugins *ps, kb_ctx *ctx, const char *dir)
{
	char **paths = NULL;
	size_t n = 0;
	int rc = kb_list_dir(&paths, &n, ctx, dir, ".lua", PL_MAX_PLUGINS);
	if (rc == KB_ENOTFOUND) {
		kb_ctx_clear(ctx);
		return KB_OK;
	}
	for (size_t i = 0; !rc && i < n; i++) {
		const char *base = strrchr(paths[i], '/');
		base = base ? base + 1 : paths[i];
		size_t blen = strlen(base) - 4; /* less ".lua" */
		int ascii = blen > 0;
		for (size_t k = 0; k < blen; k++)
			ascii &= (base[k] >= 'a' && base[k] <= 'z') || (base[k] >= '0' && base[k] <= '9') || base[k] == '_';
		if (!ascii) {
			rc = kb_ctx_fail(ctx, KB_EINPUT, "%s: et biblioteks navn må kun have a-z, 0-9 og _", paths[i]);
			break;
		}
		pl_lib *nl = realloc(ps->libs, (ps->nlibs + 1) * sizeof *nl);
		if (!nl) {
			rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
			break;
		}
		ps->libs = nl;
		pl_lib *lib = &ps->libs[ps->nlibs];
		memset(lib, 0, sizeof *lib);
		if ((rc = kb_read_file(&lib->source, &lib->len, ctx, paths[i], PL_MAX_FILE_BYTES)))
			break;
		lib->name = kb_strndup(base, blen);
		char *disp = NULL;
		if (!lib->name || pl_display_name(&disp, paths[i])) {
			free(lib->name);
			free(lib->source);
			rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
			break;
		}
		lib->display = disp;
		ps->nlibs++;
	}
	kb_paths_free(paths);
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

/* ---- the config file, plugin list, examples ---- */

void kb_plugins_set_config(kb_plugins *ps, const kb_config *cfg)
{
	ps->config = cfg;
	if (cfg && (cfg->plugin_memory || cfg->plugin_time_ms))
		kb_plugins_set_limits(ps, cfg->plugin_memory, cfg->plugin_time_ms);
}

/* The file name of path without its folder and ".lua". */
static int pl_file_is_id(const char *path, const char *id)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t n = strlen(id);
	return !strncmp(base, id, n) && !strcmp(base + n, ".lua");
}

/* Rule names a plugin may give its findings (report{ rule = "..." }): the string literals of its source that look like
 * one (a-z, 0-9, - and _; 2 to 64 bytes). A rule name is only ever known from the source, since a plugin reports it
 * while it runs; a literal that is no rule can only make a mistyped [rules] name pass, never refuse a good one. */
#define PL_MAX_RULE_NAMES 20000u

static void pl_rule_literals(const char *src, size_t len, char ***names, size_t *n, size_t *cap, int *oom)
{
	for (size_t i = 0; i < len && !*oom; i++) {
		char q = src[i];
		if (q != '"' && q != '\'')
			continue;
		size_t j = i + 1;
		while (j < len && j - i <= 65 &&
		       ((src[j] >= 'a' && src[j] <= 'z') || (src[j] >= '0' && src[j] <= '9') || src[j] == '-' ||
		        src[j] == '_'))
			j++;
		if (j < len && src[j] == q && j - i - 1 >= 2 && j - i - 1 <= 64 && *n < PL_MAX_RULE_NAMES) {
			if (*n + 2 > *cap) {
				size_t nc = *cap ? *cap * 2 : 64;
				char **nn = realloc(*names, nc * sizeof *nn);
				if (!nn) {
					*oom = 1;
					return;
				}
				*names = nn;
				*cap = nc;
			}
			if (!((*names)[*n] = kb_strndup(src + i + 1, j - i - 1))) {
				*oom = 1;
				return;
			}
			(*names)[++*n] = NULL;
			i = j;
		} else if (j < len && src[j] == q) {
			i = j; /* a string that is no name: skip it whole, so its closing quote opens nothing */
		}
	}
}

/* Every name a [rules] line may use: the core's rules, the plugins' ids, and the names in their sources and the
 * shared libraries. NULL-terminated, caller frees with kb_strv_free(); NULL when out of memory. */
static char **pl_known_rules(const kb_plugins *ps)
{
	char **names = NULL;
	size_t n = 0, cap = 0;
	int oom = 0;
	const char *const *builtin = kb_config_builtin_rules;
	size_t nb = 0;
	while (builtin[nb])
		nb++;
	cap = nb + ps->n + 1;
	if (!(names = calloc(cap, sizeof *names)))
		return NULL;
	for (size_t i = 0; i < nb && !oom; i++)
		oom = !(names[n++] = kb_strdup(builtin[i]));
	for (size_t i = 0; i < ps->n && !oom; i++)
		if (!ps->items[i]->broken && ps->items[i]->id)
			oom = !(names[n++] = kb_strdup(ps->items[i]->id));
	for (size_t i = 0; i < ps->nlibs && !oom; i++)
		pl_rule_literals(ps->libs[i].source, ps->libs[i].len, &names, &n, &cap, &oom);
	/* the sources kept since loading (pl->source, lib->source): no file is read again */
	for (size_t i = 0; i < ps->n && !oom; i++)
		if (!ps->items[i]->broken && ps->items[i]->source)
			pl_rule_literals(ps->items[i]->source, ps->items[i]->source_len, &names, &n, &cap, &oom);
	if (oom) {
		kb_strv_free(names);
		return NULL;
	}
	return names;
}

int kb_plugins_check_config(kb_plugins *ps, kb_ctx *ctx)
{
	const kb_config *cfg = ps->config;
	kb_config_problems more = { 0 };
	if (!cfg)
		return KB_OK;
	for (size_t i = 0; i < ps->n; i++) {
		const kb_plugin *pl = ps->items[i];
		if (pl->broken)
			continue;
		if (pl->cfg_problems.oom)
			more.oom = 1;
		for (size_t k = 0; k < pl->cfg_problems.n; k++)
			kb_config_problems_add(&more, pl->cfg_problems.items[k].line, "%s", pl->cfg_problems.items[k].text);
	}
	const char **ids = calloc(ps->n + 1, sizeof *ids);
	size_t nids = 0;
	if (!ids)
		return kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
	for (size_t i = 0; i < ps->n; i++)
		if (!ps->items[i]->broken && ps->items[i]->id)
			ids[nids++] = ps->items[i]->id;
	for (size_t c = 0; c < cfg->nplugins; c++) {
		const kb_config_plugin *cp = &cfg->plugins[c];
		int found = 0;
		for (size_t i = 0; i < ps->n && !found; i++) {
			const kb_plugin *pl = ps->items[i];
			/* a plugin that could not load has no id; its error finding tells what is wrong with it */
			found = pl->broken ? pl_file_is_id(pl->path, cp->id) : pl->id && !strcmp(pl->id, cp->id);
		}
		if (found)
			continue;
		const char *near = kb_nearest_name(cp->id, ids);
		if (near)
			kb_config_problems_add(&more, cp->line, "%s:%d: der er intet plugin med id »%s«; mente du »%s«?",
			                       cfg->path, cp->line, cp->id, near);
		else
			kb_config_problems_add(&more, cp->line,
			                       "%s:%d: der er intet plugin med id »%s«; klarbrev plugin list viser "
			                       "pluginnernes id",
			                       cfg->path, cp->line, cp->id);
	}
	free((void *)ids);
	/* [rules]: a rule of the core, a plugin's id, or a name a plugin gives its findings */
	char **known = cfg->nrules ? pl_known_rules(ps) : NULL;
	if (cfg->nrules && !known)
		more.oom = 1;
	for (size_t r = 0; known && r < cfg->nrules; r++) {
		const kb_config_rule *rule = &cfg->rules[r];
		int found = 0;
		for (size_t k = 0; known[k] && !found; k++)
			found = !strcmp(known[k], rule->id);
		for (size_t i = 0; i < ps->n && !found; i++) /* a rule of a plugin that could not load: its finding says why */
			found = ps->items[i]->broken && pl_file_is_id(ps->items[i]->path, rule->id);
		if (found)
			continue;
		const char *near = kb_nearest_name(rule->id, (const char *const *)known);
		if (near)
			kb_config_problems_add(&more, rule->line, "%s:%d: der er ingen regel »%s«; mente du »%s«?", cfg->path,
			                       rule->line, rule->id, near);
		else
			kb_config_problems_add(&more, rule->line,
			                       "%s:%d: der er ingen regel »%s«; en regel er stavning, et plugins id eller "
			                       "det navn, der står først i rapportens [...]",
			                       cfg->path, rule->line, rule->id);
	}
	kb_strv_free(known);
	int rc = kb_config_report(cfg, ctx, &more);
	kb_config_problems_free(&more);
	return rc;
}

void kb_plugins_info(const kb_plugins *ps, size_t i, kb_plugin_info *out)
{
	memset(out, 0, sizeof *out);
	if (!ps || i >= ps->n)
		return;
	const kb_plugin *pl = ps->items[i];
	out->id = pl->broken ? NULL : pl->id;
	out->file = pl->path;
	out->name = pl->display;
	out->description = pl->broken ? NULL : pl->description;
	out->options = !pl->broken && pl->options_text ? pl->options_text : "{}";
	out->visitors = pl->broken ? "" : pl->visitors;
	out->problem = pl->broken;
	out->level = pl->broken ? KB_LEVEL_ERROR : pl->level;
	out->enabled = pl->enabled;
	out->configured = pl->configured;
	out->level_configured = !pl->broken && pl->level_set;
	out->options_configured = !pl->broken && pl->options_set.len ? pl->options_set.data : NULL;
	out->phrases_ignored = pl->broken ? 0 : pl->phrases_ignored;
	out->phrases = pl->broken ? 0 : kb_phrases_count(pl->phrases);
}

/* A copy of n strings as a NULL-terminated array; NULL when out of memory. */
static char **pl_copy_strv(char *const *v, size_t n)
{
	char **c = calloc(n + 1, sizeof *c);
	for (size_t i = 0; c && i < n; i++) {
		if (!(c[i] = kb_strdup(v[i]))) {
			kb_strv_free(c);
			return NULL;
		}
	}
	return c;
}

int kb_plugins_examples(char ***ok, size_t *nok, char ***bad, size_t *nbad, const kb_plugins *ps, size_t i)
{
	*ok = *bad = NULL;
	*nok = *nbad = 0;
	if (!ps || i >= ps->n)
		return KB_EUSAGE;
	const kb_plugin *pl = ps->items[i];
	if (!(*ok = pl_copy_strv(pl->ex_ok, pl->nex_ok)) || !(*bad = pl_copy_strv(pl->ex_bad, pl->nex_bad))) {
		kb_strv_free(*ok);
		*ok = NULL;
		return KB_ENOMEM;
	}
	*nok = pl->nex_ok;
	*nbad = pl->nex_bad;
	return KB_OK;
}
