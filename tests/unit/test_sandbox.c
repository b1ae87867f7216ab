/* test_sandbox.c -- every known way out of the plugin sandbox and every known way to exhaust it, each its own test
 * (STYLE.md; Redis' "Try trick global protection 1..4").
 *
 * A trick is a plugin, plugins/trick.lua, whose on_letter tries it on a letter that says "bombe" and reports "ok"
 * on the others. Each test runs the trick and a plugin that behaves over a batch of letters (bomb, fine, bomb, fine)
 * with small limits, and checks every letter: on a bomb letter the trick ends as one error finding (rule "plugin")
 * that names plugins/trick.lua and says what went wrong; on a fine letter the trick works again; the other plugin
 * runs on every letter; and no letter takes longer than a generous bound. An alarm fails the test, instead of
 * hanging the suite, if a trick is not stopped at all. */
#include "kbtest.h"
#include "plugins.h"
#include "textmodel.h"

#include <lauxlib.h>
#include <lualib.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#define MEM_CAP     (16u * 1024u * 1024u)
#define BUDGET_MS   100u
#define MEMORY_MS   3000u /* the budget of the memory tricks: the memory cap, not the clock, must stop them */
#define BOUND_S     5.0   /* a letter that takes longer was not stopped by its budget (generous: ASan, busy CI) */
#define HANG_S      120u  /* a test still running after this long is killed (SIGALRM) and fails */

/* ---- helpers ---- */

static char g_dir[64];
static kb_ctx *g_ctx;
static json_t *g_fields;
static unsigned g_budget_ms = BUDGET_MS;

static void setup(void)
{
	if (!g_ctx)
		kb_ctx_new(&g_ctx);
	if (!g_fields)
		g_fields = json_pack("{s:s, s:{s:s}}", "navn", "Ib Hansen", "adresse", "by", "Aarhus");
	if (!g_dir[0]) {
		char tmpl[] = "/tmp/kbtest-sandbox-XXXXXX";
		if (mkdtemp(tmpl))
			snprintf(g_dir, sizeof g_dir, "%s", tmpl);
	}
}

/* Writes len bytes of src to <g_dir>/<name>; returns the path (static buffer). */
static const char *write_file(const char *name, const char *src, size_t len)
{
	static char path[256];
	setup();
	snprintf(path, sizeof path, "%s/%s", g_dir, name);
	FILE *f = fopen(path, "wb");
	if (f) {
		fwrite(src, 1, len, f);
		fclose(f);
	}
	return path;
}

static int load(kb_plugins *ps, const char *name, const char *src, size_t len)
{
	char display[128];
	snprintf(display, sizeof display, "plugins/%s", name);
	int rc = kb_plugins_load_named(ps, g_ctx, write_file(name, src, len), display);
	if (rc)
		fprintf(stderr, "  load %s: %d %s\n", name, rc, kb_ctx_errmsg(g_ctx));
	return rc;
}

static const char *const good_src = "return { id = 'good', on_letter = function(letter, report)\n"
                                    "  report(letter, 'god: %d ord', #letter.words)\n"
                                    "end }\n";

/* The trick and the well-behaved plugin, with the small limits. */
static kb_plugins *trick_and_good(const char *src, size_t len)
{
	kb_plugins *ps = NULL;
	setup();
	if (kb_plugins_new(&ps, g_ctx, NULL) != KB_OK)
		return NULL;
	kb_plugins_set_limits(ps, MEM_CAP, g_budget_ms);
	load(ps, "trick.lua", src, len);
	load(ps, "good.lua", good_src, strlen(good_src));
	return ps;
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Runs ps over one letter (with case data); the findings, and the seconds it took in *secs. Caller frees. */
static kb_findings *run(kb_plugins *ps, const char *text, double *secs)
{
	kb_findings *fs = NULL;
	kb_text *t = NULL;
	struct timespec t0;
	if (!ps || kb_findings_new(&fs) != KB_OK || kb_text_from_plain(&t, g_ctx, text, strlen(text), "brev.txt"))
		return fs;
	kb_check_input in = { .text = t, .fields = g_fields };
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (kb_plugins_run(ps, g_ctx, &in, fs) != KB_OK)
		fprintf(stderr, "  kb_plugins_run: %s\n", kb_ctx_errmsg(g_ctx));
	*secs = seconds_since(&t0);
	kb_text_free(t);
	return fs;
}

static size_t count_rule(const kb_findings *fs, const char *rule)
{
	size_t n = 0;
	for (size_t k = 0; k < kb_findings_count(fs); k++)
		n += !strcmp(kb_findings_get(fs, k)->rule, rule);
	return n;
}

static const kb_finding *first_of(const kb_findings *fs, const char *rule)
{
	for (size_t k = 0; k < kb_findings_count(fs); k++)
		if (!strcmp(kb_findings_get(fs, k)->rule, rule))
			return kb_findings_get(fs, k);
	return NULL;
}

static void dump(const kb_findings *fs)
{
	for (size_t k = 0; k < kb_findings_count(fs) && k < 8; k++) {
		const kb_finding *f = kb_findings_get(fs, k);
		fprintf(stderr, "    finding %s (%s): %.300s\n", f->rule, f->source ? f->source : "-", f->message);
	}
}

static const char *const batch[] = { "En bombe i brevet.", "Et fint brev.", "En bombe igen.", "Et fint brev igen." };

/* The trick's source: prelude at the top of the file, body run on a bomb letter. */
static char *trick_src(const char *prelude, const char *body)
{
	static char src[8192];
	snprintf(src, sizeof src,
	         "%s\n"
	         "return { id = 'trick', on_letter = function(letter, report)\n"
	         "  if letter.text:find('bombe') then\n"
	         "%s\n"
	         "  end\n"
	         "  report(letter, 'ok')\n"
	         "end }\n",
	         prelude ? prelude : "", body);
	return src;
}

/* Checks one letter of the batch. On a bomb letter: one error finding of the trick, whose message contains want;
 * else the trick's "ok". The good plugin reports on both. */
static void check_letter(const kb_findings *fs, double secs, int bomb, const char *want)
{
	const kb_finding *err = first_of(fs, "plugin");
	int ok = 1;
	if (secs > BOUND_S) {
		fprintf(stderr, "  the letter took %.1f s; the budget is %u ms\n", secs, g_budget_ms);
		ok = 0;
	}
	if (count_rule(fs, "good") != 1)
		ok = 0;
	if (bomb) {
		ok &= count_rule(fs, "plugin") == 1 && err && err->level == KB_LEVEL_ERROR && err->source &&
		      !strcmp(err->source, "plugins/trick.lua") && strstr(err->message, "Reglen i plugins/trick.lua") &&
		      strstr(err->message, want);
	} else {
		ok &= count_rule(fs, "plugin") == 0 && count_rule(fs, "trick") == 1;
	}
	if (!ok) {
		fprintf(stderr, "  %s letter, want %s\n", bomb ? "bomb" : "fine", bomb ? want : "\"ok\"");
		dump(fs);
	}
	KB_CHECK(ok);
}

/* The trick body (after prelude) must be stopped on every bomb letter with a message containing want, and the
 * plugin must work again on the letters after. */
static void expect_stopped(const char *prelude, const char *body, const char *want)
{
	const char *src = trick_src(prelude, body);
	kb_plugins *ps = trick_and_good(src, strlen(src));
	alarm(HANG_S);
	for (size_t i = 0; i < sizeof batch / sizeof batch[0]; i++) {
		double secs = 0;
		kb_findings *fs = run(ps, batch[i], &secs);
		check_letter(fs, secs, i % 2 == 0, want);
		kb_findings_free(fs);
	}
	kb_plugins_free(ps); /* closing the states runs no plugin code either */
	alarm(0);
}

/* The trick body must do no harm: every letter gets the trick's "ok" and no error. */
static void expect_harmless(const char *prelude, const char *body)
{
	const char *src = trick_src(prelude, body);
	kb_plugins *ps = trick_and_good(src, strlen(src));
	alarm(HANG_S);
	for (size_t i = 0; i < sizeof batch / sizeof batch[0]; i++) {
		double secs = 0;
		kb_findings *fs = run(ps, batch[i], &secs);
		check_letter(fs, secs, 0, NULL);
		kb_findings_free(fs);
	}
	kb_plugins_free(ps); /* closing the states runs no plugin code either */
	alarm(0);
}

/* The file src (len bytes) must be refused at load: every letter gets one error finding "kunne ikke indlæses"
 * whose message contains want, and the good plugin still runs. */
static void expect_refused(const char *src, size_t len, const char *want)
{
	kb_plugins *ps = trick_and_good(src, len);
	alarm(HANG_S);
	for (size_t i = 0; i < 2; i++) {
		double secs = 0;
		kb_findings *fs = run(ps, batch[i], &secs);
		const kb_finding *err = first_of(fs, "plugin");
		int ok = secs <= BOUND_S && count_rule(fs, "plugin") == 1 && count_rule(fs, "good") == 1 && err &&
		         strstr(err->message, "Reglen i plugins/trick.lua") &&
		         strstr(err->message, "kunne ikke indlæses") && strstr(err->message, want);
		if (!ok) {
			fprintf(stderr, "  want a refusal with %s\n", want);
			dump(fs);
		}
		KB_CHECK(ok);
		kb_findings_free(fs);
	}
	kb_plugins_free(ps); /* closing the states runs no plugin code either */
	alarm(0);
}

/* Runs the plugin src over the batch and returns the messages of its findings (rule "trick"), one per letter,
 * joined by " | " (static buffer); errors show as "ERROR: ...". */
static const char *messages_over_batch(const char *src)
{
	static char out[4096];
	kb_plugins *ps = trick_and_good(src, strlen(src));
	out[0] = '\0';
	alarm(HANG_S);
	for (size_t i = 0; i < sizeof batch / sizeof batch[0]; i++) {
		double secs = 0;
		kb_findings *fs = run(ps, batch[i], &secs);
		const kb_finding *f = first_of(fs, "trick"), *e = first_of(fs, "plugin");
		size_t at = strlen(out);
		snprintf(out + at, sizeof out - at, "%s%s%s", i ? " | " : "", e ? "ERROR: " : "",
		         e ? e->message : f ? f->message : "(none)");
		kb_findings_free(fs);
	}
	kb_plugins_free(ps); /* closing the states runs no plugin code either */
	alarm(0);
	return out;
}

#define BOMB "local s = string.rep('a', 300)\n"

/* ---- reading files, running programs, loading code ---- */

static void test_sandbox__reading_a_file_with_io_open(void)
{
	expect_stopped(NULL, "local f = io.open('/etc/passwd')", "den globale variabel 'io'");
}

static void test_sandbox__reading_a_file_with_loadfile(void)
{
	expect_stopped(NULL, "local f = loadfile('/etc/passwd')", "den globale variabel 'loadfile'");
}

static void test_sandbox__reading_a_file_with_dofile(void)
{
	expect_stopped(NULL, "dofile('/etc/passwd')", "den globale variabel 'dofile'");
}

static void test_sandbox__reading_a_file_with_require(void)
{
	expect_stopped(NULL, "local io = require('io')", "den globale variabel 'require'");
}

static void test_sandbox__reaching_a_library_through_package_loaded(void)
{
	expect_stopped(NULL, "local io = package.loaded.io", "den globale variabel 'package'");
}

static void test_sandbox__running_a_program_with_os_execute(void)
{
	expect_stopped(NULL, "os.execute('touch /tmp/kbtest-pwned')", "feltet 'execute'");
}

static void test_sandbox__running_a_program_with_io_popen(void)
{
	expect_stopped(NULL, "io.popen('id')", "den globale variabel 'io'");
}

static void test_sandbox__reading_the_environment_with_os_getenv(void)
{
	expect_stopped(NULL, "local home = os.getenv('HOME')", "feltet 'getenv'");
}

static void test_sandbox__loading_code_with_load(void)
{
	expect_stopped(NULL, "load('return 1')", "den globale variabel 'load'");
}

static void test_sandbox__dumping_bytecode_with_string_dump(void)
{
	expect_stopped(NULL, "local b = string.dump(function() end)", "feltet 'dump'");
}

static int dump_writer(lua_State *L, const void *p, size_t sz, void *ud)
{
	(void)L;
	kb_buf *b = ud;
	return kb_buf_add(b, p, sz) ? 1 : 0;
}

static void test_sandbox__a_precompiled_plugin_file_is_refused(void)
{
	/* real bytecode, as luac makes it: bytecode is not checked by Lua and can corrupt the VM */
	lua_State *L = luaL_newstate();
	kb_buf b;
	kb_buf_init(&b, 1u << 20);
	KB_CHECK_INT(luaL_loadstring(L, "return { id = 'trick', on_letter = function(l, r) r(l, 'ok') end }"), LUA_OK);
	KB_CHECK_INT(lua_dump(L, dump_writer, &b, 0), 0);
	lua_close(L);
	KB_CHECK(b.len > 4 && !memcmp(b.data, LUA_SIGNATURE, 4));
	if (b.data)
		expect_refused(b.data, b.len, "kan ikke indlæse binær kode");
	kb_buf_free(&b);
}

/* ---- reaching what is hidden ---- */

static void test_sandbox__reaching_debug(void)
{
	expect_stopped(NULL, "local r = debug.getregistry()", "den globale variabel 'debug'");
}

static void test_sandbox__reaching_the_registry_through_the_string_metatable(void)
{
	/* getmetatable("") gives a string, so there is no __index table to walk from */
	expect_stopped(NULL, "local lib = getmetatable('').__index\nlocal f = lib.find", "(den lokale variabel 'lib')");
}

static void test_sandbox__reaching_the_metatable_of_a_node(void)
{
	expect_stopped(NULL, "local mt = getmetatable(letter)\nlocal f = mt.__index.x", "kan ikke slå et felt op i");
}

static void test_sandbox__coroutines_are_absent(void)
{
	/* a coroutine has its own hook: its loop would run outside the budget */
	expect_stopped(NULL, "local co = coroutine.wrap(function() while true do end end)\nco()",
	               "den globale variabel 'coroutine'");
}

static void test_sandbox__rawset_is_absent(void)
{
	expect_stopped(NULL, "rawset(_G, 'seen', 1)", "den globale variabel 'rawset'");
}

static void test_sandbox__rawget_is_absent(void)
{
	expect_stopped(NULL, "local v = rawget(string, 'find')", "den globale variabel 'rawget'");
}

static void test_sandbox__rawequal_is_absent(void)
{
	expect_stopped(NULL, "local v = rawequal(letter, letter)", "den globale variabel 'rawequal'");
}

static void test_sandbox__rawlen_is_absent(void)
{
	expect_stopped(NULL, "local v = rawlen({})", "den globale variabel 'rawlen'");
}

static void test_sandbox__collectgarbage_is_absent(void)
{
	expect_stopped(NULL, "collectgarbage('stop')", "den globale variabel 'collectgarbage'");
}

/* ---- changing what is shared ---- */

static void test_sandbox__changing_the_string_metatable(void)
{
	expect_stopped(NULL, "getmetatable('').__index = { find = function() return 1 end }", "kan ikke slå et felt op i");
}

static void test_sandbox__setting_a_metatable_on_a_string(void)
{
	expect_stopped(NULL, "setmetatable('', {})", "skal være en tabel");
}

static void test_sandbox__replacing_a_string_function(void)
{
	expect_stopped(NULL, "string.find = function() return 1 end", "skrivebeskyttet");
}

static void test_sandbox__replacing_a_library_table(void)
{
	expect_stopped(NULL, "string = {}", "skrivebeskyttet");
}

static void test_sandbox__changing_a_node_of_the_letter(void)
{
	expect_stopped(NULL, "letter.text = 'Ny tekst.'", "klarbrev.Letter er skrivebeskyttet");
}

static void test_sandbox__changing_a_word_of_the_letter(void)
{
	expect_stopped(NULL, "letter.words[1].text = 'x'", "klarbrev.Word er skrivebeskyttet");
}

static void test_sandbox__changing_the_case_fields(void)
{
	expect_stopped(NULL, "letter.fields.navn = 'Mallory'", "skrivebeskyttet");
}

static void test_sandbox__changing_nested_case_fields(void)
{
	expect_stopped(NULL, "letter.fields.adresse.by = 'Mallory'", "skrivebeskyttet");
}

static void test_sandbox__setmetatable_on_the_case_fields(void)
{
	expect_stopped(NULL, "setmetatable(letter.fields, {})", "beskyttet metatabel");
}

static void test_sandbox__a_finalizer_is_refused(void)
{
	/* a __gc runs with hooks off, outside the budget */
	expect_stopped(NULL, "setmetatable({}, { __gc = function() while true do end end })",
	               "__gc er ikke tilladt");
}

static void test_sandbox__a_finalizer_added_after_setmetatable_never_runs(void)
{
	/* Lua marks an object for finalizing only if __gc is there when setmetatable runs */
	expect_harmless(NULL, "local mt = {}\n"
	                      "local t = setmetatable({}, mt)\n"
	                      "mt.__gc = function() while true do end end\n"
	                      "t = nil\n"
	                      "for i = 1, 20000 do local junk = { i } end");
}

/* ---- keeping state from one letter to the next ---- */

static void test_sandbox__leaking_state_in_a_global(void)
{
	expect_stopped(NULL, "seen = (seen or 0) + 1", "skrivebeskyttet");
}

static void test_sandbox__leaking_state_in_a_table(void)
{
	expect_stopped("local state = { n = 0 }\n", "state.n = state.n + 1", "skrivebeskyttet");
}

static void test_sandbox__leaking_state_in_a_metatable(void)
{
	expect_stopped("local mt = { n = 0 }\nlocal obj = setmetatable({}, mt)\n", "mt.n = mt.n + 1", "skrivebeskyttet");
}

static void test_sandbox__leaking_state_in_the_options(void)
{
	const char *src = "return { id = 'trick', options = { n = 0 }, on_letter = function(letter, report, o)\n"
	                  "  if letter.text:find('bombe') then o.n = o.n + 1 end\n"
	                  "  report(letter, 'ok')\n"
	                  "end }\n";
	kb_plugins *ps = trick_and_good(src, strlen(src));
	double secs;
	kb_findings *fs = run(ps, batch[0], &secs);
	check_letter(fs, secs, 1, "skrivebeskyttet");
	kb_findings_free(fs);
	kb_plugins_free(ps);
}

static void test_sandbox__leaking_state_in_a_local_upvalue(void)
{
	KB_CHECK_STR(messages_over_batch("local count = 0\n"
	                                 "return { id = 'trick', on_letter = function(letter, report)\n"
	                                 "  count = count + 1\n"
	                                 "  report(letter, 'brev %d', count)\n"
	                                 "end }\n"),
	             "brev 1 | brev 1 | brev 1 | brev 1");
}

static void test_sandbox__leaking_state_in_an_upvalue_shared_by_two_functions(void)
{
	KB_CHECK_STR(messages_over_batch("local n = 0\n"
	                                 "local function bump() n = n + 1 return n end\n"
	                                 "local function peek() return n end\n"
	                                 "return { id = 'trick', on_letter = function(letter, report)\n"
	                                 "  bump() bump()\n"
	                                 "  report(letter, 'n %d', peek())\n"
	                                 "end }\n"),
	             "n 2 | n 2 | n 2 | n 2");
}

static void test_sandbox__leaking_state_in_an_upvalue_of_a_metamethod(void)
{
	/* the function is reachable only through a metatable */
	KB_CHECK_STR(messages_over_batch("local obj = setmetatable({}, (function()\n"
	                                 "  local calls = 0\n"
	                                 "  return { __index = function(t, k) calls = calls + 1 return calls end }\n"
	                                 "end)())\n"
	                                 "return { id = 'trick', on_letter = function(letter, report)\n"
	                                 "  report(letter, 'kald %d', obj.x)\n"
	                                 "end }\n"),
	             "kald 1 | kald 1 | kald 1 | kald 1");
}

static void test_sandbox__leaking_state_in_a_function_made_at_load_time(void)
{
	/* a counter made by a factory: the closure is reached through the plugin's table */
	KB_CHECK_STR(messages_over_batch("local function counter()\n"
	                                 "  local c = 0\n"
	                                 "  return function() c = c + 1 return c end\n"
	                                 "end\n"
	                                 "local next_id = counter()\n"
	                                 "return { id = 'trick', on_letter = function(letter, report)\n"
	                                 "  next_id()\n"
	                                 "  report(letter, 'id %d', next_id())\n"
	                                 "end }\n"),
	             "id 2 | id 2 | id 2 | id 2");
}

static void test_sandbox__leaking_state_by_replacing_a_function_in_an_upvalue(void)
{
	KB_CHECK_STR(messages_over_batch("local say = function() return 'første' end\n"
	                                 "return { id = 'trick', on_letter = function(letter, report)\n"
	                                 "  report(letter, say())\n"
	                                 "  say = function() return 'senere' end\n"
	                                 "end }\n"),
	             "første | første | første | første");
}

static void test_sandbox__leaking_a_node_in_a_local(void)
{
	KB_CHECK_STR(messages_over_batch("local last\n"
	                                 "return { id = 'trick', on_letter = function(letter, report)\n"
	                                 "  report(letter, last and ('før: ' .. last.text) or 'intet')\n"
	                                 "  last = letter\n"
	                                 "end }\n"),
	             "intet | intet | intet | intet");
}

static void test_sandbox__leaking_state_through_a_gmatch_iterator(void)
{
	/* the iterator's position lives in C, where restoring upvalues cannot reach: it refuses another letter */
	expect_stopped("local next_letter = ('abcdef'):gmatch('.')\n", "report(letter, next_letter())",
	               "hører til et tidligere brev");
}

static void test_sandbox__leaking_state_through_math_random(void)
{
	/* the generator starts from one seed on every letter, whatever the letter before did to it */
	const char *got = messages_over_batch("return { id = 'trick', on_letter = function(letter, report)\n"
	                                      "  local first = math.random(1, 1000000000)\n"
	                                      "  if letter.text:find('bombe') then\n"
	                                      "    math.randomseed(42)\n"
	                                      "    for i = 1, 10 do math.random() end\n"
	                                      "  end\n"
	                                      "  report(letter, 'tal %d', first)\n"
	                                      "end }\n");
	char first[64] = "", expect[512];
	sscanf(got, "%63[^|]", first);
	size_t n = strlen(first);
	while (n && first[n - 1] == ' ')
		first[--n] = '\0';
	snprintf(expect, sizeof expect, "%s | %s | %s | %s", first, first, first, first);
	KB_CHECK(!strncmp(first, "tal ", 4));
	KB_CHECK_STR(got, expect);
}

/* ---- time ---- */

static void test_sandbox__an_infinite_loop(void)
{
	expect_stopped(NULL, "while true do end", "tidsgrænsen på 100 ms er overskredet");
}

static void test_sandbox__an_infinite_loop_while_loading(void)
{
	const char *src = "local n = 0\nwhile true do n = n + 1 end\n";
	expect_refused(src, strlen(src), "tidsgrænsen på 100 ms er overskredet");
}

static void test_sandbox__pcall_catching_the_timeout(void)
{
	expect_stopped(NULL, "while true do pcall(function() while true do end end) end", "tidsgrænsen");
}

static void test_sandbox__nested_pcalls_catching_the_timeout(void)
{
	expect_stopped(NULL,
	               "local function spin() while true do pcall(function() while true do end end) end end\n"
	               "while true do pcall(pcall, pcall, spin) end",
	               "tidsgrænsen");
}

static void test_sandbox__xpcall_with_a_handler_that_loops(void)
{
	expect_stopped(NULL,
	               "while true do xpcall(function() while true do end end, function() while true do end end) end",
	               "tidsgrænsen");
}

static void test_sandbox__xpcall_handler_that_loops_after_a_pattern_bomb(void)
{
	expect_stopped(NULL,
	               BOMB "while true do xpcall(string.find, function() while true do end end, s, 'a*a*a*a*a*b') end",
	               "tidsgrænsen");
}

static void test_sandbox__xpcall_still_runs_its_handler_within_the_budget(void)
{
	expect_harmless(NULL, "local ok, m = xpcall(error, function(e) return 'fanget: ' .. e end, 'x')\n"
	                      "assert(not ok and m == 'fanget: x', m)\n"
	                      "local r = { xpcall(function(a, b) return a + b, 'to' end, print, 1, 2) }\n"
	                      "assert(r[1] == true and r[2] == 3 and r[3] == 'to' and #r == 3)");
}

static void test_sandbox__a_close_handler_that_loops(void)
{
	expect_stopped(NULL,
	               "local guard <close> = setmetatable({}, { __close = function() while true do end end })\n"
	               "while true do end",
	               "tidsgrænsen");
}

static void test_sandbox__pcall_of_c_functions_in_a_loop_without_instructions(void)
{
	/* table.sort calls pcall, a C function, for every comparison: no VM instruction runs in between */
	expect_stopped(NULL,
	               "local t = {}\n"
	               "for i = 1, 300000 do t[i] = i end\n"
	               "while true do table.sort(t, pcall) end",
	               "tidsgrænsen");
}

static void test_sandbox__gsub_calling_a_c_function_for_every_byte(void)
{
	expect_stopped(NULL, "local s = string.rep('x', 4000000)\nwhile true do s:gsub('.', pcall) end", "tidsgrænsen");
}

static void test_sandbox__pattern_bomb_with_find(void)
{
	expect_stopped(NULL, BOMB "string.find(s, 'a*a*a*a*a*b')", "tidsgrænsen på 100 ms er overskredet");
}

static void test_sandbox__pattern_bomb_as_a_method_call(void)
{
	expect_stopped(NULL, BOMB "s:match('a*a*a*a*a*b')", "tidsgrænsen");
}

static void test_sandbox__pattern_bomb_with_gmatch(void)
{
	expect_stopped(NULL, BOMB "for x in s:gmatch('a-a-a-a-a-b') do end", "tidsgrænsen");
}

static void test_sandbox__pattern_bomb_with_gsub(void)
{
	expect_stopped(NULL, BOMB "s:gsub('(a*)(a*)(a*)(a*)b', '%4%3%2%1')", "tidsgrænsen");
}

static void test_sandbox__pattern_bomb_caught_by_pcall_in_a_loop(void)
{
	expect_stopped(NULL, BOMB "while true do pcall(string.find, s, 'a*a*a*a*a*b') end", "tidsgrænsen");
}

static void test_sandbox__pattern_bomb_while_loading(void)
{
	const char *src = "string.find(string.rep('a', 300), 'a*a*a*a*a*b')\nreturn { id = 'trick' }\n";
	expect_refused(src, strlen(src), "tidsgrænsen");
}

static void test_sandbox__plain_find_bomb(void)
{
	/* no pattern at all, but n * m byte comparisons */
	expect_stopped(NULL, "string.find(string.rep('a', 1000000), string.rep('a', 10000) .. 'b', 1, true)",
	               "tidsgrænsen");
}

static void test_sandbox__string_rep_of_nothing_a_quadrillion_times(void)
{
	/* Lua's own rep copies nothing 10^15 times, in C */
	expect_harmless(NULL, "local s = string.rep('', 1e15) .. string.rep('', math.maxinteger, '')\n"
	                      "assert(s == '')");
}

static void test_sandbox__table_move_of_a_quadrillion_elements(void)
{
	expect_stopped(NULL, "table.move({}, 1, 1e15, 2)", "tidsgrænsen");
}

static void test_sandbox__table_insert_with_a_lying_length(void)
{
	expect_stopped(NULL, "table.insert(setmetatable({}, { __len = function() return 1e15 end }), 1, 'x')",
	               "tidsgrænsen");
}

static void test_sandbox__table_remove_with_a_lying_length(void)
{
	expect_stopped(NULL, "table.remove(setmetatable({}, { __len = function() return 1e15 end }), 1)",
	               "tidsgrænsen");
}

static void test_sandbox__table_sort_of_a_big_table(void)
{
	/* without a comparison function Lua's sort calls nothing: every comparison is made a call the hook sees */
	expect_stopped(NULL,
	               "local t = {}\n"
	               "for i = 1, 400000 do t[i] = (i * 7919) % 400000 end\n"
	               "while true do table.sort(t) table.sort(t, function(a, b) return a > b end) end",
	               "tidsgrænsen");
}

/* ---- recursion ---- */

static void test_sandbox__infinite_recursion(void)
{
	expect_stopped(NULL, "local function f(n) return 1 + f(n + 1) end\nf(1)", "plugins/trick.lua:");
}

static void test_sandbox__infinite_recursion_through_index(void)
{
	expect_stopped(NULL,
	               "local t = setmetatable({}, {})\n"
	               "getmetatable(t).__index = function(self, k) return self[k .. 'x'] end\n"
	               "local v = t.a",
	               "stakken er løbet over");
}

static void test_sandbox__an_index_chain_that_loops(void)
{
	expect_stopped(NULL,
	               "local a, b = {}, {}\n"
	               "setmetatable(a, { __index = b })\n"
	               "setmetatable(b, { __index = a })\n"
	               "local v = a.x",
	               "'__index'-kæden er for lang");
}

static void test_sandbox__tostring_that_calls_itself(void)
{
	expect_stopped(NULL, "local v = tostring(setmetatable({}, { __tostring = tostring }))", "stakken er løbet over");
}

/* ---- memory ---- */

static void test_sandbox__a_huge_string_with_string_rep(void)
{
	g_budget_ms = MEMORY_MS;
	expect_stopped(NULL, "local s = string.rep('x', 1e9)", "hukommelsesgrænsen på 16 MiB er overskredet");
	g_budget_ms = BUDGET_MS;
}

static void test_sandbox__a_huge_string_by_doubling(void)
{
	g_budget_ms = MEMORY_MS;
	expect_stopped(NULL, "local s = 'x'\nwhile true do s = s .. s end", "hukommelsesgrænsen på 16 MiB");
	g_budget_ms = BUDGET_MS;
}

static void test_sandbox__a_huge_table(void)
{
	g_budget_ms = MEMORY_MS;
	expect_stopped(NULL, "local t = {}\nfor i = 1, 1e9 do t[i] = { i } end", "hukommelsesgrænsen på 16 MiB");
	g_budget_ms = BUDGET_MS;
}

static void test_sandbox__a_huge_table_while_loading(void)
{
	const char *src = "local t = {}\nfor i = 1, 1e9 do t[i] = i end\nreturn { id = 'trick' }\n";
	g_budget_ms = MEMORY_MS;
	expect_refused(src, strlen(src), "hukommelsesgrænsen på 16 MiB");
	g_budget_ms = BUDGET_MS;
}

static void test_sandbox__pcall_catching_the_memory_error_and_retrying(void)
{
	g_budget_ms = MEMORY_MS;
	expect_stopped(NULL, "while true do pcall(string.rep, 'x', 1e8) end", "hukommelsesgrænsen på 16 MiB");
	g_budget_ms = BUDGET_MS;
}

static void test_sandbox__pcall_catching_the_memory_error_of_a_growing_table(void)
{
	g_budget_ms = MEMORY_MS;
	expect_stopped(NULL,
	               "while true do\n"
	               "  pcall(function() local t = {} for i = 1, 1e9 do t[i] = i end end)\n"
	               "end",
	               "hukommelsesgrænsen på 16 MiB");
	g_budget_ms = BUDGET_MS;
}

/* ---- errors ---- */

static void test_sandbox__an_error_object_that_is_a_table(void)
{
	expect_stopped(NULL, "error({ code = 1 })", "(fejlen er ikke en tekst, men en tabel)");
}

static void test_sandbox__an_error_object_whose_tostring_loops(void)
{
	/* the host names the error object's type and runs none of its code */
	expect_stopped(NULL, "error(setmetatable({}, { __tostring = function() while true do end end }))",
	               "(fejlen er ikke en tekst, men en tabel)");
}

static void test_sandbox__an_error_object_whose_tostring_errors(void)
{
	expect_stopped(NULL, "error(setmetatable({}, { __tostring = function() error('inner') end }))",
	               "(fejlen er ikke en tekst, men en tabel)");
}

static void test_sandbox__a_very_long_error_message(void)
{
	const char *src = trick_src(NULL, "error(string.rep('lang ', 1000000))");
	kb_plugins *ps = trick_and_good(src, strlen(src));
	double secs;
	kb_findings *fs = run(ps, batch[0], &secs);
	check_letter(fs, secs, 1, "plugins/trick.lua:4 fejlede: lang lang");
	const kb_finding *f = first_of(fs, "plugin");
	KB_CHECK(f && strlen(f->message) < 4000 && strstr(f->message, "Brevet kan ikke sendes"));
	kb_findings_free(fs);
	kb_plugins_free(ps);
}

static void test_sandbox__an_error_message_that_is_not_utf8(void)
{
	expect_stopped(NULL, "error('\\255\\254\\0\\n\\27[31m')", "plugins/trick.lua:4 fejlede:");
}

/* ---- findings ---- */

static void test_sandbox__many_reports(void)
{
	/* a plugin's findings on one letter are capped; the rest are dropped */
	const char *src = trick_src(NULL, "for i = 1, 20000 do report(letter, 'fund %d', i) end");
	kb_plugins *ps = trick_and_good(src, strlen(src));
	for (int i = 0; i < 2; i++) {
		double secs;
		kb_findings *fs = run(ps, batch[0], &secs);
		KB_CHECK(secs <= BOUND_S);
		KB_CHECK_INT(count_rule(fs, "trick"), 1000);
		KB_CHECK_INT(count_rule(fs, "plugin"), 0);
		KB_CHECK_INT(count_rule(fs, "good"), 1);
		kb_findings_free(fs);
	}
	kb_plugins_free(ps);
}

static void test_sandbox__reports_without_end(void)
{
	expect_stopped(NULL, "while true do report(letter, 'igen') end", "tidsgrænsen");
}

static void test_sandbox__a_report_with_a_huge_message(void)
{
	const char *src = trick_src(NULL, "report(letter, string.rep('æ', 1000000))");
	kb_plugins *ps = trick_and_good(src, strlen(src));
	double secs;
	kb_findings *fs = run(ps, batch[0], &secs);
	const kb_finding *f = first_of(fs, "trick");
	KB_CHECK(f && strlen(f->message) <= 2000);
	KB_CHECK_INT(count_rule(fs, "plugin"), 0);
	kb_findings_free(fs);
	kb_plugins_free(ps);
}

/* ---- a batch ---- */

static void test_sandbox__every_trick_in_one_batch(void)
{
	/* many letters, each with another trick, through one set of plugin states */
	static const char *const bodies[] = {
		"while true do end",
		BOMB "s:find('a*a*a*a*a*b')",
		"local s = string.rep('x', 1e9)",
		"while true do pcall(function() while true do end end) end",
		"table.move({}, 1, 1e15, 2)",
		"error(setmetatable({}, { __tostring = function() while true do end end }))",
	};
	char src[4096];
	size_t at = (size_t)snprintf(src, sizeof src,
	                             "local tricks = {}\n"
	                             "local count = 0\n");
	for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++)
		at += (size_t)snprintf(src + at, sizeof src - at, "tricks[%zu] = function()\n%s\nend\n", i + 1,
		                       bodies[i]);
	snprintf(src + at, sizeof src - at,
	         "return { id = 'trick', on_letter = function(letter, report)\n"
	         "  count = count + 1\n"
	         "  local n = tonumber(letter.text:match('trick (%%d+)'))\n"
	         "  if n then tricks[n]() end\n"
	         "  report(letter, 'ok %%d', count)\n"
	         "end }\n");
	kb_plugins *ps = trick_and_good(src, strlen(src));
	alarm(HANG_S);
	for (int round = 0; round < 2; round++) {
		for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
			char text[64];
			double secs;
			snprintf(text, sizeof text, "Et brev med trick %zu.", i + 1);
			kb_findings *fs = run(ps, text, &secs);
			KB_CHECK(secs <= BOUND_S);
			KB_CHECK_INT(count_rule(fs, "plugin"), 1);
			KB_CHECK_INT(count_rule(fs, "good"), 1);
			kb_findings_free(fs);
			fs = run(ps, "Et fint brev.", &secs);
			const kb_finding *f = first_of(fs, "trick");
			KB_CHECK_STR(f ? f->message : NULL, "ok 1");
			KB_CHECK_INT(count_rule(fs, "plugin"), 0);
			kb_findings_free(fs);
		}
	}
	kb_plugins_free(ps); /* closing the states runs no plugin code either */
	alarm(0);
}

static void test_sandbox__zz_teardown(void)
{
	if (g_dir[0]) {
		char path[256];
		snprintf(path, sizeof path, "%s/trick.lua", g_dir);
		unlink(path);
		snprintf(path, sizeof path, "%s/good.lua", g_dir);
		unlink(path);
		KB_CHECK_INT(rmdir(g_dir), 0);
		g_dir[0] = '\0';
	}
	json_decref(g_fields);
	g_fields = NULL;
	kb_ctx_free(g_ctx);
	g_ctx = NULL;
}

KB_TESTS(KB_TEST(test_sandbox__reading_a_file_with_io_open), KB_TEST(test_sandbox__reading_a_file_with_loadfile),
         KB_TEST(test_sandbox__reading_a_file_with_dofile), KB_TEST(test_sandbox__reading_a_file_with_require),
         KB_TEST(test_sandbox__reaching_a_library_through_package_loaded),
         KB_TEST(test_sandbox__running_a_program_with_os_execute),
         KB_TEST(test_sandbox__running_a_program_with_io_popen),
         KB_TEST(test_sandbox__reading_the_environment_with_os_getenv),
         KB_TEST(test_sandbox__loading_code_with_load), KB_TEST(test_sandbox__dumping_bytecode_with_string_dump),
         KB_TEST(test_sandbox__a_precompiled_plugin_file_is_refused), KB_TEST(test_sandbox__reaching_debug),
         KB_TEST(test_sandbox__reaching_the_registry_through_the_string_metatable),
         KB_TEST(test_sandbox__reaching_the_metatable_of_a_node), KB_TEST(test_sandbox__coroutines_are_absent),
         KB_TEST(test_sandbox__rawset_is_absent), KB_TEST(test_sandbox__rawget_is_absent),
         KB_TEST(test_sandbox__rawequal_is_absent), KB_TEST(test_sandbox__rawlen_is_absent),
         KB_TEST(test_sandbox__collectgarbage_is_absent), KB_TEST(test_sandbox__changing_the_string_metatable),
         KB_TEST(test_sandbox__setting_a_metatable_on_a_string), KB_TEST(test_sandbox__replacing_a_string_function),
         KB_TEST(test_sandbox__replacing_a_library_table), KB_TEST(test_sandbox__changing_a_node_of_the_letter),
         KB_TEST(test_sandbox__changing_a_word_of_the_letter), KB_TEST(test_sandbox__changing_the_case_fields),
         KB_TEST(test_sandbox__changing_nested_case_fields),
         KB_TEST(test_sandbox__setmetatable_on_the_case_fields), KB_TEST(test_sandbox__a_finalizer_is_refused),
         KB_TEST(test_sandbox__a_finalizer_added_after_setmetatable_never_runs),
         KB_TEST(test_sandbox__leaking_state_in_a_global), KB_TEST(test_sandbox__leaking_state_in_a_table),
         KB_TEST(test_sandbox__leaking_state_in_a_metatable), KB_TEST(test_sandbox__leaking_state_in_the_options),
         KB_TEST(test_sandbox__leaking_state_in_a_local_upvalue),
         KB_TEST(test_sandbox__leaking_state_in_an_upvalue_shared_by_two_functions),
         KB_TEST(test_sandbox__leaking_state_in_an_upvalue_of_a_metamethod),
         KB_TEST(test_sandbox__leaking_state_in_a_function_made_at_load_time),
         KB_TEST(test_sandbox__leaking_state_by_replacing_a_function_in_an_upvalue),
         KB_TEST(test_sandbox__leaking_a_node_in_a_local),
         KB_TEST(test_sandbox__leaking_state_through_a_gmatch_iterator),
         KB_TEST(test_sandbox__leaking_state_through_math_random), KB_TEST(test_sandbox__an_infinite_loop),
         KB_TEST(test_sandbox__an_infinite_loop_while_loading), KB_TEST(test_sandbox__pcall_catching_the_timeout),
         KB_TEST(test_sandbox__nested_pcalls_catching_the_timeout),
         KB_TEST(test_sandbox__xpcall_with_a_handler_that_loops),
         KB_TEST(test_sandbox__xpcall_handler_that_loops_after_a_pattern_bomb),
         KB_TEST(test_sandbox__xpcall_still_runs_its_handler_within_the_budget),
         KB_TEST(test_sandbox__a_close_handler_that_loops),
         KB_TEST(test_sandbox__pcall_of_c_functions_in_a_loop_without_instructions),
         KB_TEST(test_sandbox__gsub_calling_a_c_function_for_every_byte),
         KB_TEST(test_sandbox__pattern_bomb_with_find), KB_TEST(test_sandbox__pattern_bomb_as_a_method_call),
         KB_TEST(test_sandbox__pattern_bomb_with_gmatch), KB_TEST(test_sandbox__pattern_bomb_with_gsub),
         KB_TEST(test_sandbox__pattern_bomb_caught_by_pcall_in_a_loop),
         KB_TEST(test_sandbox__pattern_bomb_while_loading), KB_TEST(test_sandbox__plain_find_bomb),
         KB_TEST(test_sandbox__string_rep_of_nothing_a_quadrillion_times),
         KB_TEST(test_sandbox__table_move_of_a_quadrillion_elements),
         KB_TEST(test_sandbox__table_insert_with_a_lying_length),
         KB_TEST(test_sandbox__table_remove_with_a_lying_length), KB_TEST(test_sandbox__table_sort_of_a_big_table),
         KB_TEST(test_sandbox__infinite_recursion), KB_TEST(test_sandbox__infinite_recursion_through_index),
         KB_TEST(test_sandbox__an_index_chain_that_loops), KB_TEST(test_sandbox__tostring_that_calls_itself),
         KB_TEST(test_sandbox__a_huge_string_with_string_rep), KB_TEST(test_sandbox__a_huge_string_by_doubling),
         KB_TEST(test_sandbox__a_huge_table), KB_TEST(test_sandbox__a_huge_table_while_loading),
         KB_TEST(test_sandbox__pcall_catching_the_memory_error_and_retrying),
         KB_TEST(test_sandbox__pcall_catching_the_memory_error_of_a_growing_table),
         KB_TEST(test_sandbox__an_error_object_that_is_a_table),
         KB_TEST(test_sandbox__an_error_object_whose_tostring_loops),
         KB_TEST(test_sandbox__an_error_object_whose_tostring_errors), KB_TEST(test_sandbox__a_very_long_error_message),
         KB_TEST(test_sandbox__an_error_message_that_is_not_utf8), KB_TEST(test_sandbox__many_reports),
         KB_TEST(test_sandbox__reports_without_end), KB_TEST(test_sandbox__a_report_with_a_huge_message),
         KB_TEST(test_sandbox__every_trick_in_one_batch), KB_TEST(test_sandbox__zz_teardown))
