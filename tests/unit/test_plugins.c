/* test_plugins.c -- the Lua plugin host: loading, the nodes and helpers plugins see, report(), errors that become
 * findings, the limits, and the sandbox (every known way out has its own test). The bundled readability plugin is
 * run on its own examples. */
#include "kbtest.h"
#include "plugins.h"
#include "textmodel.h"

#include <lauxlib.h>
#include <lualib.h>
#include <sys/stat.h>
#include <time.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- helpers ---- */

static char g_dir[64]; /* a temporary folder for plugin files */
static kb_ctx *g_ctx;

static void setup(void)
{
	if (!g_ctx)
		kb_ctx_new(&g_ctx);
	if (!g_dir[0]) {
		char tmpl[] = "/tmp/kbtest-plugins-XXXXXX";
		if (mkdtemp(tmpl))
			snprintf(g_dir, sizeof g_dir, "%s", tmpl);
	}
}

/* Writes src to <g_dir>/<name> and returns the path (static buffer). */
static const char *write_plugin(const char *name, const char *src)
{
	static char path[256];
	setup();
	snprintf(path, sizeof path, "%s/%s", g_dir, name);
	FILE *f = fopen(path, "wb");
	if (!f)
		return path;
	fputs(src, f);
	fclose(f);
	return path;
}

/* A plugin list with the given limits (0: defaults) and no speller. */
static kb_plugins *plugins(size_t mem, unsigned ms)
{
	kb_plugins *ps = NULL;
	setup();
	if (kb_plugins_new(&ps, g_ctx, NULL) != KB_OK)
		return NULL;
	kb_plugins_set_limits(ps, mem, ms);
	return ps;
}

/* Loads src as plugins/<name>. */
static int load(kb_plugins *ps, const char *name, const char *src)
{
	char display[128];
	snprintf(display, sizeof display, "plugins/%s", name);
	int rc = kb_plugins_load_named(ps, g_ctx, write_plugin(name, src), display);
	if (rc)
		fprintf(stderr, "  load %s: %d %s\n", name, rc, kb_ctx_errmsg(g_ctx));
	return rc;
}

static kb_text *plain(const char *s)
{
	kb_text *t = NULL;
	setup();
	if (kb_text_from_plain(&t, g_ctx, s, strlen(s), "brev.txt") != KB_OK)
		fprintf(stderr, "  kb_text_from_plain: %s\n", kb_ctx_errmsg(g_ctx));
	return t;
}

/* Runs ps over text t with optional case data; returns the findings (caller frees). */
static kb_findings *run_on(kb_plugins *ps, const kb_text *t, const json_t *fields)
{
	kb_findings *fs = NULL;
	if (!ps || kb_findings_new(&fs) != KB_OK)
		return fs;
	kb_check_input in = { .text = t, .fields = fields };
	int rc = kb_plugins_run(ps, g_ctx, &in, fs);
	if (rc)
		fprintf(stderr, "  kb_plugins_run: %d %s\n", rc, kb_ctx_errmsg(g_ctx));
	return fs;
}

static kb_findings *run(kb_plugins *ps, const char *text)
{
	kb_text *t = plain(text);
	kb_findings *fs = run_on(ps, t, NULL);
	kb_text_free(t);
	return fs;
}

/* The i-th finding of rule (NULL: any rule), or NULL. */
static const kb_finding *nth(const kb_findings *fs, const char *rule, size_t i)
{
	for (size_t k = 0; k < kb_findings_count(fs); k++) {
		const kb_finding *f = kb_findings_get(fs, k);
		if ((!rule || !strcmp(f->rule, rule)) && i-- == 0)
			return f;
	}
	return NULL;
}

static size_t count_rule(const kb_findings *fs, const char *rule)
{
	size_t n = 0;
	while (nth(fs, rule, n))
		n++;
	return n;
}

static void dump(const kb_findings *fs)
{
	for (size_t k = 0; k < kb_findings_count(fs); k++) {
		const kb_finding *f = kb_findings_get(fs, k);
		fprintf(stderr, "    finding %s/%s: %s\n", f->rule, kb_level_name(f->level), f->message);
	}
}

/* Loads a plugin whose on_letter reports string.format("%s", <expr>), runs it on a short letter and returns the
 * message (static buffer), or the message of the plugin error prefixed "ERROR: ". */
static const char *eval(const char *expr)
{
	static char out[2048];
	char src[2048];
	snprintf(src, sizeof src,
	         "return { id = 'eval', on_letter = function(letter, report)\n"
	         "  report(letter, '%%s', tostring(%s))\n"
	         "end }\n",
	         expr);
	kb_plugins *ps = plugins(0, 1000);
	snprintf(out, sizeof out, "(no finding)");
	if (load(ps, "eval.lua", src) == KB_OK) {
		kb_findings *fs = run(ps, "Et kort brev.");
		const kb_finding *f = nth(fs, NULL, 0);
		if (f)
			snprintf(out, sizeof out, "%s%s", strcmp(f->rule, "plugin") ? "" : "ERROR: ", f->message);
		kb_findings_free(fs);
	}
	kb_plugins_free(ps);
	return out;
}

static int contains(const char *s, const char *part)
{
	int ok = s && strstr(s, part) != NULL;
	if (!ok)
		fprintf(stderr, "    \"%s\" does not contain \"%s\"\n", s ? s : "(null)", part);
	return ok;
}

static const char *long_sentence =
    "Du har søgt om hjælp til husleje og vi har set på din sag og de papirer du har sendt til os og vi har talt "
    "med dig om det i går.";

/* plugins/lib: a helper library runs in each plugin's state and is shared read-only as klarbrev.lib.<name>; a
 * library that does not return a table stops the plugins that would use it, with a clear message. */
static void test_plugins__shared_library_is_klarbrev_lib_and_read_only(void)
{
	setup();
	char libdir[300];
	snprintf(libdir, sizeof libdir, "%s/lib", g_dir);
	mkdir(libdir, 0755);
	write_plugin("lib/hjaelp.lua", "local n = 0\nreturn { ord = function(s) n = n + 1; return #s .. ':' .. n end }\n");
	kb_plugins *ps = plugins(0, 0);
	KB_CHECK_INT(kb_plugins_load_libs(ps, g_ctx, libdir), KB_OK);
	KB_CHECK_INT(load(ps, "bruger.lua",
	                  "local h = klarbrev.lib.hjaelp\n"
	                  "return { id = 'bruger', level = 'info', description = 'x',\n"
	                  "  on_letter = function(l, report) report(l, h.ord(l.text)) end }\n"),
	             KB_OK);
	KB_CHECK_INT(load(ps, "skriver.lua",
	                  "return { id = 'skriver', level = 'info', description = 'x',\n"
	                  "  on_letter = function(l, report) klarbrev.lib.hjaelp.ord = nil end }\n"),
	             KB_OK);
	for (int round = 0; round < 2; round++) {
		kb_findings *fs = run(ps, "Hej");
		const kb_finding *f = nth(fs, "bruger", 0);
		/* the library's upvalue starts over for each letter, like the plugin's own */
		KB_CHECK_STR(f ? f->message : "", "3:1");
		KB_CHECK_INT(count_rule(fs, "plugin"), 1); /* skriver.lua tried to change the library */
		kb_findings_free(fs);
	}
	kb_plugins_free(ps);
	write_plugin("lib/hjaelp.lua", "return 42\n");
	ps = plugins(0, 0);
	KB_CHECK_INT(kb_plugins_load_libs(ps, g_ctx, libdir), KB_OK);
	load(ps, "bruger2.lua", "return { id = 'bruger2', level = 'info', description = 'x' }\n");
	kb_findings *fs = run(ps, "Hej");
	const kb_finding *f = nth(fs, "plugin", 0);
	KB_CHECK(f && strstr(f->message, "skal returnere en tabel"));
	kb_findings_free(fs);
	kb_plugins_free(ps);
}

/* ---- the bundled readability plugin ---- */

static kb_plugins *readability(void)
{
	kb_plugins *ps = plugins(0, 0);
	if (ps && kb_plugins_load_libs(ps, g_ctx, KB_TEST_SOURCE_DIR "/plugins/lib") != KB_OK)
		fprintf(stderr, "  load plugins/lib: %s\n", kb_ctx_errmsg(g_ctx));
	if (ps && kb_plugins_load_file(ps, g_ctx, KB_TEST_SOURCE_DIR "/plugins/readability.lua") != KB_OK)
		fprintf(stderr, "  load readability.lua: %s\n", kb_ctx_errmsg(g_ctx));
	return ps;
}

static void test_plugins__readability_loads_from_the_repository(void)
{
	kb_plugins *ps = readability();
	KB_CHECK_INT(kb_plugins_count(ps), 1);
	kb_findings *fs = run(ps, "Du får hjælp.");
	KB_CHECK_INT(count_rule(fs, "plugin"), 0);
	kb_findings_free(fs);
	kb_plugins_free(ps);
}

static void test_plugins__long_sentence_gives_one_finding_with_its_offsets(void)
{
	kb_plugins *ps = readability();
	char text[512];
	snprintf(text, sizeof text, "Vi har modtaget din ansøgning. %s Du hører fra os.", long_sentence);
	kb_findings *fs = run(ps, text);
	KB_CHECK_INT(kb_findings_count(fs), 1);
	const kb_finding *f = nth(fs, "readability", 0);
	KB_CHECK(f != NULL);
	if (f) {
		KB_CHECK_INT(f->level, KB_LEVEL_WARNING);
		KB_CHECK_STR(f->message, "Sætningen har 32 ord. Del den op i sætninger på højst 25 ord.");
		KB_CHECK_INT(f->paragraph, 0);
		KB_CHECK_INT(f->start, strlen("Vi har modtaget din ansøgning. "));
		KB_CHECK_INT(f->len, strlen(long_sentence));
		KB_CHECK_STR(f->text, long_sentence);
		KB_CHECK_STR(f->source, "plugins/readability.lua");
		KB_CHECK_STR(f->origin, "template");
	}
	kb_findings_free(fs);
	kb_plugins_free(ps);
}

static void test_plugins__short_clean_text_gives_no_finding(void)
{
	kb_plugins *ps = readability();
	kb_findings *fs = run(ps, "Vi har modtaget din ansøgning.\nDu får svar inden for fire uger.");
	KB_CHECK_INT(kb_findings_count(fs), 0);
	if (kb_findings_count(fs))
		dump(fs);
	kb_findings_free(fs);
	kb_plugins_free(ps);
}

static void test_plugins__high_lix_is_an_error_on_the_letter(void)
{
	kb_plugins *ps = readability();
	kb_findings *fs = run(ps, "Kommunalbestyrelsens sagsbehandlingstider forlænges betydeligt.");
	const kb_finding *f = nth(fs, "lix", 0);
	KB_CHECK_INT(kb_findings_count(fs), 1);
	KB_CHECK(f != NULL);
	if (f) {
		KB_CHECK_INT(f->level, KB_LEVEL_ERROR);
		KB_CHECK_INT(f->paragraph, -1);
		KB_CHECK_STR(f->message, "Brødteksten har LIX 104 (meget svær), og den bør højst have LIX 40. Sætningerne "
		                         "har i snit 4 ord, og 100 % af ordene er lange (mere end seks bogstaver). Skriv "
		                         "kortere sætninger, og brug korte, almindelige ord. (Overskrifter, adresse, "
		                         "underskrift og tabeller er ikke regnet med.)");
	}
	kb_findings_free(fs);
	kb_plugins_free(ps);
}

static void test_plugins__long_heading_and_table_cell_are_not_sentences_to_split(void)
{
	kb_plugins *ps = readability();
	kb_text *t = NULL;
	KB_CHECK_INT(kb_text_new(&t), KB_OK);
	kb_para_info head = { KB_PART_BODY, "word/document.xml", "Overskrift1", 1, 0 };
	kb_para_info cell = { KB_PART_BODY, "word/document.xml", NULL, 0, 1 };
	KB_CHECK_INT(kb_text_add_paragraph(t, long_sentence, strlen(long_sentence), &head, NULL, 0), KB_OK);
	KB_CHECK_INT(kb_text_add_paragraph(t, long_sentence, strlen(long_sentence), &cell, NULL, 0), KB_OK);
	KB_CHECK_INT(kb_text_add_paragraph(t, long_sentence, strlen(long_sentence), NULL, NULL, 0), KB_OK);
	kb_findings *fs = run_on(ps, t, NULL);
	KB_CHECK_INT(count_rule(fs, "readability"), 1);
	KB_CHECK_INT(nth(fs, "readability", 0) ? nth(fs, "readability", 0)->paragraph : -9, 2);
	kb_findings_free(fs);
	kb_text_free(t);
	kb_plugins_free(ps);
}

/* Copies the strings of examples.<kind> of the plugin file into list (read with a plain Lua state: this is the
 * test, not the sandbox). Returns how many. */
static size_t read_examples(const char *path, const char *kind, char list[][1024], size_t max)
{
	size_t n = 0;
	lua_State *L = luaL_newstate();
	luaL_openlibs(L);
	/* klarbrev.lib.tekst, as the host provides it */
	lua_newtable(L);
	lua_newtable(L);
	if (luaL_dofile(L, KB_TEST_SOURCE_DIR "/plugins/lib/tekst.lua") == LUA_OK)
		lua_setfield(L, -2, "tekst");
	else
		lua_pop(L, 1);
	lua_setfield(L, -2, "lib");
	lua_setglobal(L, "klarbrev");
	if (luaL_dofile(L, path) != LUA_OK) {
		fprintf(stderr, "  %s: %s\n", path, lua_tostring(L, -1));
	} else if (lua_getfield(L, -1, "examples") == LUA_TTABLE && lua_getfield(L, -1, kind) == LUA_TTABLE) {
		for (lua_Integer i = 1; n < max && lua_geti(L, -1, i) == LUA_TSTRING; i++, n++) {
			snprintf(list[n], sizeof list[n], "%s", lua_tostring(L, -1));
			lua_pop(L, 1);
		}
	}
	lua_close(L);
	return n;
}

/* Takes the [[...]] marks out of s (in place); sets the mark's byte range. Returns 1 when there was a mark. */
static int unmark(char *s, size_t *start, size_t *len)
{
	char *a = strstr(s, "[["), *b = a ? strstr(a, "]]") : NULL;
	if (!a || !b)
		return 0;
	*start = (size_t)(a - s);
	*len = (size_t)(b - a - 2);
	memmove(b, b + 2, strlen(b + 2) + 1);
	memmove(a, a + 2, strlen(a + 2) + 1);
	return 1;
}

static void test_plugins__readability_examples_hold(void)
{
	static char ok[16][1024], bad[16][1024];
	const char *path = KB_TEST_SOURCE_DIR "/plugins/readability.lua";
	size_t nok = read_examples(path, "ok", ok, 16), nbad = read_examples(path, "bad", bad, 16);
	KB_CHECK(nok >= 1);
	KB_CHECK(nbad >= 1);
	kb_plugins *ps = readability();
	for (size_t i = 0; i < nok; i++) {
		kb_findings *fs = run(ps, ok[i]);
		if (kb_findings_count(fs)) {
			fprintf(stderr, "    ok example %zu has findings: %s\n", i + 1, ok[i]);
			dump(fs);
		}
		KB_CHECK_INT(kb_findings_count(fs), 0);
		kb_findings_free(fs);
	}
	for (size_t i = 0; i < nbad; i++) {
		size_t ms = 0, ml = 0;
		KB_CHECK(unmark(bad[i], &ms, &ml));
		int whole = ms == 0 && ml == strlen(bad[i]);
		kb_findings *fs = run(ps, bad[i]);
		int hit = 0;
		for (size_t k = 0; k < kb_findings_count(fs); k++) {
			const kb_finding *f = kb_findings_get(fs, k);
			hit |= !strcmp(f->rule, "readability") &&
			       ((f->paragraph == 0 && f->start == ms && f->len == ml) || (whole && f->paragraph == -1));
		}
		if (!hit) {
			fprintf(stderr, "    bad example %zu has no finding at its mark: %s\n", i + 1, bad[i]);
			dump(fs);
		}
		KB_CHECK(hit);
		kb_findings_free(fs);
	}
	kb_plugins_free(ps);
}

/* ---- loading ---- */

static const char *good_plugin = "return { id = 'good', on_letter = function(letter, report)\n"
                                 "  report(letter, 'god: %d afsnit', #letter.paragraphs)\n"
                                 "end }\n";

static void test_plugins__syntax_error_is_one_error_finding_with_file_and_line_and_others_still_run(void)
{
	kb_plugins *ps = plugins(0, 0);
	KB_CHECK_INT(load(ps, "broken.lua", "return {\n  id = 'broken',\n  on_letter = function(l) if then end,\n}\n"),
	             KB_OK); /* a broken plugin is kept, not a failure */
	KB_CHECK_INT(load(ps, "good.lua", good_plugin), KB_OK);
	KB_CHECK_INT(kb_plugins_count(ps), 2);
	kb_findings *fs = run(ps, "Et brev.\nTo afsnit.");
	KB_CHECK_INT(kb_findings_count(fs), 2);
	const kb_finding *f = nth(fs, "plugin", 0);
	KB_CHECK(f != NULL);
	if (f) {
		KB_CHECK_INT(f->level, KB_LEVEL_ERROR);
		KB_CHECK_STR(f->source, "plugins/broken.lua");
		KB_CHECK_INT(f->paragraph, -1);
		KB_CHECK(contains(f->message, "Reglen i plugins/broken.lua:3 kunne ikke indlæses: "));
		KB_CHECK(contains(f->message, "ved 'then'"));
		KB_CHECK(contains(f->message, "Brevet kan ikke sendes"));
	}
	KB_CHECK_STR(nth(fs, "good", 0) ? nth(fs, "good", 0)->message : NULL, "god: 2 afsnit");
	kb_findings_free(fs);
	/* and again on the next letter */
	fs = run(ps, "Et andet brev.");
	KB_CHECK_INT(count_rule(fs, "plugin"), 1);
	KB_CHECK_INT(count_rule(fs, "good"), 1);
	kb_findings_free(fs);
	kb_plugins_free(ps);
}

/* The plugin's error finding for src (one plugin, one short letter), or NULL. The caller frees *fs. */
static const kb_finding *error_of(kb_findings **fs, const char *name, const char *src)
{
	kb_plugins *ps = plugins(0, 0);
	load(ps, name, src);
	*fs = run(ps, "Du får hjælp.");
	kb_plugins_free(ps);
	const kb_finding *f = nth(*fs, "plugin", 0);
	if (f)
		fprintf(stderr, "  %s: %s\n", name, f->message);
	return f;
}

static void test_plugins__bad_argument_to_a_helper_is_danish_and_names_the_helper(void)
{
	kb_findings *fs = NULL;
	/* called through a local, Lua itself knows no name ("bad argument #1 to '?'") */
	const kb_finding *f = error_of(&fs, "arg.lua",
	                               "local f = klarbrev.lower\n"
	                               "return { id = 'arg', on_sentence = function(s) return f(nil) end }\n");
	KB_CHECK(f && contains(f->message, "plugins/arg.lua:2 fejlede: klarbrev.lower: argument 1 skal være en tekst, "
	                                   "men er nil."));
	kb_findings_free(fs);
	f = error_of(&fs, "find.lua", "return { id = 'find', on_sentence = function(s) string.find(s.text) end }\n");
	KB_CHECK(f && contains(f->message, "string.find: argument 2 skal være en tekst, men mangler"));
	kb_findings_free(fs);
	f = error_of(&fs, "rep.lua", "return { id = 'rep', on_sentence = function(s) return ('x'):rep({}) end }\n");
	KB_CHECK(f && contains(f->message, "string.rep: argument 1 skal være et tal, men er en tabel"));
	KB_CHECK(f && !contains(f->message, "bad argument"));
	kb_findings_free(fs);
}

static void test_plugins__bad_argument_to_a_global_is_named_by_its_global_name(void)
{
	kb_findings *fs = NULL;
	/* through a local Lua knows no name; the names table must give "tostring", never "_G.tostring" */
	const kb_finding *f = error_of(&fs, "ts.lua",
	                               "local f = tostring\n"
	                               "return { id = 'ts', on_sentence = function(s) return f() end }\n");
	KB_CHECK(f && contains(f->message, "fejlede: tostring: argument 1 mangler"));
	KB_CHECK(f && !contains(f->message, "_G."));
	kb_findings_free(fs);
	f = error_of(&fs, "sel.lua",
	             "local f = select\n"
	             "return { id = 'sel', on_sentence = function(s) return f('x') end }\n");
	KB_CHECK(f && contains(f->message, "fejlede: select: argument 1 skal være et tal, men er en tekst"));
	KB_CHECK(f && !contains(f->message, "_G."));
	kb_findings_free(fs);
}

static void test_plugins__lua_runtime_and_syntax_errors_are_danish(void)
{
	kb_findings *fs = NULL;
	const kb_finding *f = error_of(&fs, "idx.lua",
	                               "return { id = 'idx', on_sentence = function(s)\n"
	                               "  local t = nil\n  return t.x end }\n");
	KB_CHECK(f && contains(f->message, "plugins/idx.lua:3 fejlede: kan ikke slå et felt op i nil (den lokale "
	                                   "variabel 't')."));
	kb_findings_free(fs);
	f = error_of(&fs, "call.lua", "return { id = 'call', on_sentence = function(s) hjaelp(s) end }\n");
	KB_CHECK(f && contains(f->message, "kan ikke kalde nil (den globale variabel 'hjaelp')"));
	kb_findings_free(fs);
	f = error_of(&fs, "cat.lua", "return { id = 'cat', on_sentence = function(s) return s.text .. {} end }\n");
	KB_CHECK(f && contains(f->message, "kan ikke sætte tekst sammen med en tabel"));
	kb_findings_free(fs);
	f = error_of(&fs, "cmp.lua", "return { id = 'cmp', on_sentence = function(s) return #s.words < 'x' end }\n");
	KB_CHECK(f && contains(f->message, "kan ikke sammenligne et tal med en tekst"));
	kb_findings_free(fs);
	f = error_of(&fs, "syn.lua", "return { id = 'syn', on_sentence = function(s)\n  if s then return 1\nend }\n");
	KB_CHECK(f && contains(f->message, "plugins/syn.lua:3 kunne ikke indlæses: uventet tegn ved '}'"));
	kb_findings_free(fs);
	f = error_of(&fs, "eof.lua", "return { id = 'eof', on_sentence = function(s)\n");
	KB_CHECK(f && contains(f->message, "plugins/eof.lua:2 kunne ikke indlæses: der mangler 'end' (til at lukke "
	                                   "'function' fra linje 1) ved slutningen af filen"));
	kb_findings_free(fs);
	f = error_of(&fs, "mod.lua", "return { id = 'mod', on_sentence = function(s) return #s.words % 0 end }\n");
	KB_CHECK(f && contains(f->message, "fejlede: kan ikke tage rest ved division med 0."));
	kb_findings_free(fs);
	/* a message of the plugin's own is left as it is */
	f = error_of(&fs, "own.lua", "return { id = 'own', on_sentence = function(s) error('Listen er tom') end }\n");
	KB_CHECK(f && contains(f->message, "plugins/own.lua:1 fejlede: Listen er tom."));
	kb_findings_free(fs);
}

static void test_plugins__runtime_error_in_on_sentence_names_file_and_line(void)
{
	kb_plugins *ps = plugins(0, 0);
	load(ps, "rt.lua",
	     "return { id = 'rt',\n"
	     "  on_sentence = function(s, report)\n"
	     "    report(s, 'før')\n"
	     "    local x = nil + 1\n"
	     "  end,\n"
	     "  on_word = function(w, report) report(w, 'ord') end }\n");
	load(ps, "good.lua", good_plugin);
	kb_findings *fs = run(ps, "Første sætning. Anden sætning.");
	KB_CHECK_INT(count_rule(fs, "plugin"), 1);
	const kb_finding *f = nth(fs, "plugin", 0);
	if (f) {
		KB_CHECK(contains(f->message,
		                  "Reglen i plugins/rt.lua:4 fejlede: kan ikke regne med nil. Brevet kan ikke sendes, "
		                  "før reglen er rettet."));
		KB_CHECK_STR(f->source, "plugins/rt.lua");
	}
	/* the report before the error stays; the plugin's other visitors are skipped for this letter */
	KB_CHECK_INT(count_rule(fs, "rt"), 1);
	KB_CHECK_INT(count_rule(fs, "good"), 1);
	kb_findings_free(fs);
	kb_plugins_free(ps);
}

static void test_plugins__error_without_position_gets_the_line(void)
{
	kb_plugins *ps = plugins(0, 0);
	load(ps, "e.lua", "return { id = 'e',\n  on_letter = function()\n    error({})\n  end }\n");
	kb_findings *fs = run(ps, "Brev.");
	const kb_finding *f = nth(fs, "plugin", 0);
	KB_CHECK(f && contains(f->message, "plugins/e.lua:3 fejlede: (fejlen er ikke en tekst, men en tabel)"));
	kb_findings_free(fs);
	kb_plugins_free(ps);
}

static void test_plugins__file_must_return_a_table_with_an_id(void)
{
	kb_plugins *ps = plugins(0, 0);
	load(ps, "a.lua", "return 42\n");
	load(ps, "b.lua", "return { level = 'warning' }\n");
	load(ps, "c.lua", "return { id = 'c', level = 'loud' }\n");
	load(ps, "d.lua", "return { id = 'd', on_sentense = function() end }\n");
	load(ps, "e.lua", "return { id = 'e', on_word = 'x' }\n");
	kb_findings *fs = run(ps, "Brev.");
	KB_CHECK_INT(count_rule(fs, "plugin"), 5);
	KB_CHECK(contains(nth(fs, "plugin", 0) ? nth(fs, "plugin", 0)->message : NULL, "skal returnere en tabel"));
	KB_CHECK(contains(nth(fs, "plugin", 1) ? nth(fs, "plugin", 1)->message : NULL, "'id'"));
	KB_CHECK(contains(nth(fs, "plugin", 2) ? nth(fs, "plugin", 2)->message : NULL, "level"));
	KB_CHECK(contains(nth(fs, "plugin", 3) ? nth(fs, "plugin", 3)->message : NULL,
	                  "ukendt nøgle 'on_sentense' i pluginnets tabel; mente du 'on_sentence'?"));
	KB_CHECK(contains(nth(fs, "plugin", 4) ? nth(fs, "plugin", 4)->message : NULL, "'on_word' skal være en funktion"));
	kb_findings_free(fs);
	kb_plugins_free(ps);
}

static void test_plugins__decisions_only_that_is_no_boolean_is_said_in_danish(void)
{
	kb_findings *fs = NULL;
	const kb_finding *f = error_of(&fs, "afg.lua", "return { id = 'afg', decisions_only = 'ja' }\n");
	KB_CHECK(f && contains(f->message, "'decisions_only' skal være true eller false"));
	kb_findings_free(fs);
}

static void test_plugins__unknown_table_key_lists_every_valid_key(void)
{
	kb_findings *fs = NULL;
	const kb_finding *f = error_of(&fs, "zz.lua", "return { id = 'zz', qqqqqqqqqq = 1 }\n");
	KB_CHECK(f && contains(f->message, "ukendt nøgle qqqqqqqqqq i pluginnets tabel; de gyldige nøgler er id, level, "
	                                   "description, options, examples, on_word, on_sentence, on_paragraph, "
	                                   "on_letter, replace, avoid, message, link, decisions_only"));
	kb_findings_free(fs);
}

static void test_plugins__two_plugins_with_one_id_break_the_second(void)
{
	kb_plugins *ps = plugins(0, 0);
	load(ps, "good.lua", good_plugin);
	load(ps, "good2.lua", good_plugin);
	kb_findings *fs = run(ps, "Brev.");
	KB_CHECK_INT(count_rule(fs, "good"), 1);
	KB_CHECK_INT(count_rule(fs, "plugin"), 1);
	KB_CHECK(contains(nth(fs, "plugin", 0) ? nth(fs, "plugin", 0)->message : NULL, "bruges også af plugins/good.lua"));
	kb_findings_free(fs);
	kb_plugins_free(ps);
}

static void test_plugins__load_dir_loads_lua_files_in_name_order(void)
{
	setup();
	char dir[128];
	snprintf(dir, sizeof dir, "%s/plugins", g_dir);
	mkdir(dir, 0700);
	char path[256];
	const char *names[] = { "b.lua", "a.lua", "notes.txt" };
	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		FILE *f = fopen(path, "wb");
		if (f) {
			fprintf(f, "return { id = 'p%d', on_letter = function(l, r) r(l, '%s') end }\n", i, names[i]);
			fclose(f);
		}
	}
	kb_plugins *ps = plugins(0, 0);
	KB_CHECK_INT(kb_plugins_load_dir(ps, g_ctx, dir), KB_OK);
	KB_CHECK_INT(kb_plugins_count(ps), 2);
	kb_findings *fs = run(ps, "Brev.");
	KB_CHECK_STR(nth(fs, NULL, 0) ? nth(fs, NULL, 0)->message : NULL, "a.lua");
	KB_CHECK_STR(nth(fs, NULL, 0) ? nth(fs, NULL, 0)->source : NULL, "plugins/a.lua");
	KB_CHECK_STR(nth(fs, NULL, 1) ? nth(fs, NULL, 1)->message : NULL, "b.lua");
	kb_findings_free(fs);
	KB_CHECK_INT(kb_plugins_load_dir(ps, g_ctx, "/nonexistent/plugins"), KB_ENOTFOUND);
	KB_CHECK_INT(kb_plugins_load_file(ps, g_ctx, "/nonexistent/plugins/x.lua"), KB_ENOTFOUND);
	kb_plugins_free(ps);
	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
}

/* ---- limits ---- */

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static void test_plugins__infinite_loop_is_stopped_by_the_time_budget(void)
{
	kb_plugins *ps = plugins(0, 200);
	load(ps, "loop.lua", "return { id = 'loop',\n  on_letter = function()\n    while true do end\n  end }\n");
	load(ps, "good.lua", good_plugin);
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	kb_findings *fs = run(ps, "Brev.");
	KB_CHECK(seconds_since(&t0) < 5.0);
	const kb_finding *f = nth(fs, "plugin", 0);
	KB_CHECK(f &&
	         contains(f->message, "Reglen i plugins/loop.lua:3 fejlede: tidsgrænsen på 200 ms er overskredet."));
	KB_CHECK_INT(count_rule(fs, "good"), 1);
	kb_findings_free(fs);
	/* the state is made again, and the budget holds on the next letter too */
	fs = run(ps, "Brev.");
	KB_CHECK_INT(count_rule(fs, "plugin"), 1);
	kb_findings_free(fs);
	kb_plugins_free(ps);
}

static void test_plugins__loop_that_catches_the_time_error_is_stopped_too(void)
{
	kb_plugins *ps = plugins(0, 200);
	load(ps, "sly.lua",
	     "return { id = 'sly', on_letter = function()\n"
	     "  while true do pcall(function() while true do end end) end\n"
	     "end }\n");
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	kb_findings *fs = run(ps, "Brev.");
	KB_CHECK(seconds_since(&t0) < 5.0);
	KB_CHECK(contains(nth(fs, "plugin", 0) ? nth(fs, "plugin", 0)->message : NULL, "tidsgrænsen"));
	kb_findings_free(fs);
	kb_plugins_free(ps);
}

static void test_plugins__infinite_loop_while_loading_breaks_the_plugin(void)
{
	kb_plugins *ps = plugins(0, 200);
	KB_CHECK_INT(load(ps, "top.lua", "local n = 0\nwhile true do n = n + 1 end\n"), KB_OK);
	kb_findings *fs = run(ps, "Brev.");
	KB_CHECK(contains(nth(fs, "plugin", 0) ? nth(fs, "plugin", 0)->message : NULL,
	                  "Reglen i plugins/top.lua:2 kunne ikke indlæses: tidsgrænsen"));
	kb_findings_free(fs);
	kb_plugins_free(ps);
}

static void test_plugins__memory_bomb_with_string_rep_is_stopped(void)
{
	kb_plugins *ps = plugins(8u << 20, 2000);
	load(ps, "rep.lua",
	     "return { id = 'rep', on_letter = function(l, report)\n"
	     "  local s = ('x'):rep(1000)\n"
	     "  while true do s = s .. s end\n"
	     "end }\n");
	load(ps, "good.lua", good_plugin);
	kb_findings *fs = run(ps, "Brev.");
	KB_CHECK(contains(nth(fs, "plugin", 0) ? nth(fs, "plugin", 0)->message : NULL,
	                  "hukommelsesgrænsen på 8 MiB er overskredet"));
	KB_CHECK(contains(nth(fs, "plugin", 0) ? nth(fs, "plugin", 0)->message : NULL, "plugins/rep.lua"));
	KB_CHECK_INT(count_rule(fs, "good"), 1);
	kb_findings_free(fs);
	kb_plugins_free(ps);
}

static void test_plugins__memory_bomb_with_a_growing_table_is_stopped_and_the_state_recovers(void)
{
	kb_plugins *ps = plugins(8u << 20, 5000);
	load(ps, "grow.lua",
	     "return { id = 'grow', on_letter = function(l, report)\n"
	     "  if l.text:find('bombe') then\n"
	     "    local t = {}\n"
	     "    for i = 1, math.maxinteger do t[i] = { i, tostring(i) } end\n"
	     "  end\n"
	     "  report(l, 'fint')\n"
	     "end }\n");
	kb_findings *fs = run(ps, "En bombe.");
	KB_CHECK(contains(nth(fs, "plugin", 0) ? nth(fs, "plugin", 0)->message : NULL, "hukommelsesgrænsen"));
	kb_findings_free(fs);
	fs = run(ps, "Et fint brev.");
	KB_CHECK_INT(count_rule(fs, "plugin"), 0);
	KB_CHECK_STR(nth(fs, "grow", 0) ? nth(fs, "grow", 0)->message : NULL, "fint");
	kb_findings_free(fs);
	kb_plugins_free(ps);
}

static void test_plugins__memory_error_caught_by_pcall_still_counts(void)
{
	kb_plugins *ps = plugins(8u << 20, 2000);
	load(ps, "catch.lua",
	     "return { id = 'catch', on_letter = function(l, report)\n"
	     "  pcall(string.rep, 'x', 100 * 1024 * 1024)\n"
	     "  report(l, 'videre')\n"
	     "end }\n");
	kb_findings *fs = run(ps, "Brev.");
	KB_CHECK(contains(nth(fs, "plugin", 0) ? nth(fs, "plugin", 0)->message : NULL, "hukommelsesgrænsen"));
	kb_findings_free(fs);
	kb_plugins_free(ps);
}

/* ---- the sandbox: every known way out ---- */

static void test_plugins__sandbox_no_io(void)
{
	KB_CHECK_STR(eval("io"), "nil");
}

static void test_plugins__sandbox_no_os_execute_or_getenv(void)
{
	KB_CHECK_STR(eval("os.execute"), "nil");
	KB_CHECK_STR(eval("os.getenv"), "nil");
	KB_CHECK_STR(eval("os.exit"), "nil");
	KB_CHECK_STR(eval("os.remove"), "nil");
	KB_CHECK_STR(eval("type(os.time()) .. ' ' .. type(os.date('%Y')) .. ' ' .. type(os.clock())"),
	             "number string number");
}

static void test_plugins__sandbox_no_load_loadfile_dofile(void)
{
	KB_CHECK_STR(eval("load"), "nil");
	KB_CHECK_STR(eval("loadfile"), "nil");
	KB_CHECK_STR(eval("dofile"), "nil");
	KB_CHECK_STR(eval("loadstring"), "nil");
}

static void test_plugins__sandbox_no_require_or_package(void)
{
	KB_CHECK_STR(eval("require"), "nil");
	KB_CHECK_STR(eval("package"), "nil");
}

static void test_plugins__sandbox_no_debug(void)
{
	KB_CHECK_STR(eval("debug"), "nil");
}

static void test_plugins__sandbox_no_coroutines(void)
{
	/* a coroutine has its own hook: it would run outside the time budget */
	KB_CHECK_STR(eval("coroutine"), "nil");
}

static void test_plugins__sandbox_no_string_dump_or_raw_access(void)
{
	KB_CHECK_STR(eval("string.dump"), "nil");
	KB_CHECK_STR(eval("collectgarbage"), "nil");
	KB_CHECK_STR(eval("rawset"), "nil");
	KB_CHECK_STR(eval("rawget"), "nil");
	KB_CHECK_STR(eval("rawequal"), "nil");
	KB_CHECK_STR(eval("warn"), "nil");
}

static void test_plugins__sandbox_binary_chunk_is_refused(void)
{
	/* a precompiled chunk could corrupt the VM; only text loads */
	kb_plugins *ps = plugins(0, 0);
	KB_CHECK_INT(load(ps, "bin.lua", "\x1bLua\x54\x00 junk"), KB_OK);
	kb_findings *fs = run(ps, "Brev.");
	KB_CHECK(contains(nth(fs, "plugin", 0) ? nth(fs, "plugin", 0)->message : NULL, "binær kode"));
	kb_findings_free(fs);
	kb_plugins_free(ps);
}

static void test_plugins__sandbox_gc_metamethod_is_refused(void)
{
	/* a finalizer runs with hooks off: an endless __gc would escape the time budget */
	KB_CHECK(contains(eval("select(2, pcall(setmetatable, {}, { __gc = function() while true do end end }))"),
	                  "__gc er ikke tilladt"));
	KB_CHECK_STR(eval("getmetatable(setmetatable({}, { __index = {} })) ~= nil"), "true");
}

static void test_plugins__sandbox_string_metatable_is_protected(void)
{
	KB_CHECK_STR(eval("type(getmetatable(''))"), "string");
	KB_CHECK_STR(eval("('abc'):upper()"), "ABC");
}

static void test_plugins__sandbox_library_tables_are_frozen(void)
{
	KB_CHECK(contains(eval("select(2, pcall(function() string.upper = nil end))"), "skrivebeskyttet"));
	KB_CHECK(contains(eval("select(2, pcall(function() klarbrev.lix = print end))"), "skrivebeskyttet"));
	KB_CHECK(contains(eval("select(2, pcall(function() table.insert(math, 1) end))"), "skrivebeskyttet"));
	KB_CHECK_STR(eval("#string.rep('x', 3) .. ' ' .. type(string.format)"), "3 function");
}

static void test_plugins__sandbox_print_does_not_print(void)
{
	KB_CHECK_STR(eval("(print('hej'))"), "nil"); /* exists (old habits), prints nothing */
}

static void test_plugins__globals_are_frozen_so_nothing_carries_over(void)
{
	kb_plugins *ps = plugins(0, 0);
	load(ps, "count.lua",
	     "return { id = 'count', on_letter = function(l, report)\n"
	     "  seen = (seen or 0) + 1\n"
	     "  report(l, 'brev %d', seen)\n"
	     "end }\n");
	load(ps, "upv.lua",
	     "local state = { n = 0 }\n"
	     "return { id = 'upv', on_letter = function(l, report)\n"
	     "  state.n = state.n + 1\n"
	     "  report(l, 'brev %d', state.n)\n"
	     "end }\n");
	load(ps, "opts.lua",
	     "return { id = 'opts', options = { n = 0 }, on_letter = function(l, report, options)\n"
	     "  options.n = options.n + 1\n"
	     "  report(l, 'brev %d', options.n)\n"
	     "end }\n");
	for (int letter = 1; letter <= 2; letter++) {
		kb_findings *fs = run(ps, "Brev.");
		KB_CHECK_INT(count_rule(fs, "plugin"), 3);
		for (size_t i = 0; i < 3; i++)
			KB_CHECK(contains(nth(fs, "plugin", i) ? nth(fs, "plugin", i)->message : NULL, "skrivebeskyttet"));
		KB_CHECK_INT(count_rule(fs, "count") + count_rule(fs, "upv") + count_rule(fs, "opts"), 0);
		kb_findings_free(fs);
	}
	kb_plugins_free(ps);
}

static void test_plugins__deeply_nested_tables_are_frozen_too(void)
{
	kb_plugins *ps = plugins(0, 0);
	load(ps, "deep.lua",
	     "local root = {}\n"
	     "local c = root\n"
	     "for i = 1, 500 do c.next = {} c = c.next end\n"
	     "local f = function() return root end\n"
	     "for i = 1, 500 do local g = f f = function() return g() end end\n"
	     "return { id = 'deep', on_letter = function(l, report)\n"
	     "  local c = f()\n"
	     "  while c.next do c = c.next end\n"
	     "  c.n = 1\n"
	     "end }\n");
	kb_findings *fs = run(ps, "Brev.");
	KB_CHECK(contains(nth(fs, "plugin", 0) ? nth(fs, "plugin", 0)->message : NULL, "plugins/deep.lua:9"));
	KB_CHECK(contains(nth(fs, "plugin", 0) ? nth(fs, "plugin", 0)->message : NULL, "skrivebeskyttet"));
	kb_findings_free(fs);
	kb_plugins_free(ps);
}

static void test_plugins__frozen_class_tables_still_work(void)
{
	/* freezing keeps metamethod fields where Lua looks for them */
	kb_plugins *ps = plugins(0, 0);
	load(ps, "cls.lua",
	     "local Counter = {}\n"
	     "Counter.__index = Counter\n"
	     "function Counter.new(n) return setmetatable({ n = n }, Counter) end\n"
	     "function Counter:twice() return self.n * 2 end\n"
	     "return { id = 'cls', on_letter = function(l, report)\n"
	     "  report(l, 'dobbelt %d', Counter.new(#l.words):twice())\n"
	     "end }\n");
	kb_findings *fs = run(ps, "Tre små ord.");
	KB_CHECK_STR(nth(fs, NULL, 0) ? nth(fs, NULL, 0)->message : NULL, "dobbelt 6");
	kb_findings_free(fs);
	kb_plugins_free(ps);
}

static void test_plugins__node_kept_in_a_local_is_gone_on_the_next_letter(void)
{
	/* the upvalues are put back before each letter, so a node kept in a local cannot outlive its letter (were it
	 * kept, the node's run number would refuse it; test_sandbox.c tries the other ways to keep one) */
	kb_plugins *ps = plugins(0, 0);
	load(ps, "keep.lua",
	     "local last\n"
	     "return { id = 'keep', on_letter = function(l, report)\n"
	     "  if last then report(l, 'før: %s', last.text) end\n"
	     "  last = l\n"
	     "end }\n");
	kb_findings *fs = run(ps, "Første brev.");
	KB_CHECK_INT(kb_findings_count(fs), 0);
	kb_findings_free(fs);
	fs = run(ps, "Andet brev.");
	KB_CHECK_INT(kb_findings_count(fs), 0);
	kb_findings_free(fs);
	kb_plugins_free(ps);
}

/* ---- nodes ---- */

static void test_plugins__node_is_read_only(void)
{
	KB_CHECK(contains(eval("select(2, pcall(function() letter.text = 'x' end))"), "klarbrev.Letter er skrivebeskyttet"));
	KB_CHECK(contains(eval("select(2, pcall(function() letter.words[1].text = 'x' end))"),
	                  "klarbrev.Word er skrivebeskyttet"));
	KB_CHECK_STR(eval("getmetatable(letter)"), "klarbrev: protected metatable");
	KB_CHECK(contains(eval("select(2, pcall(setmetatable, letter, {}))"), "table expected"));
}

static void test_plugins__unknown_field_suggests_the_nearest_name(void)
{
	const char *m = eval("letter.sentenses");
	KB_CHECK(contains(m, "klarbrev.Letter har intet felt 'sentenses'; mente du 'sentences'?"));
	KB_CHECK(contains(m, "plugins/eval.lua:2"));
	KB_CHECK(contains(eval("select(2, pcall(function() return letter.words[1].leters end))"),
	                  "mente du 'letters'?"));
	KB_CHECK(contains(eval("select(2, pcall(function() return letter.xyzzyqw end))"), "dens felter er text, "));
}

static void test_plugins__node_type_names_read_well_in_errors(void)
{
	KB_CHECK(contains(eval("select(2, pcall(function() return letter + 1 end))"),
	                  "attempt to perform arithmetic on a klarbrev.Letter value"));
	KB_CHECK_STR(eval("letter.words[2]"), "klarbrev.Word: kort");
}

static void test_plugins__node_fields(void)
{
	KB_CHECK_STR(eval("letter.text"), "Et kort brev.");
	KB_CHECK_STR(eval("letter.lower"), "et kort brev.");
	KB_CHECK_STR(eval("#letter.paragraphs .. ' ' .. #letter.sentences .. ' ' .. #letter.words"), "1 1 3");
	KB_CHECK_STR(eval("letter.words[3].text .. letter.words[3].index .. letter.words[3].letters"), "brev34");
	KB_CHECK_STR(eval("letter.sentences[1].words[1].text"), "Et");
	KB_CHECK_STR(eval("letter.sentences[1].paragraph.index"), "1");
	KB_CHECK_STR(eval("letter.words[1].paragraph == letter.paragraphs[1]"), "true");
	KB_CHECK_STR(eval("letter.paragraphs[1].part .. ' ' .. tostring(letter.paragraphs[1].heading) .. ' ' .. "
	                  "tostring(letter.paragraphs[1].in_table) .. ' ' .. letter.paragraphs[1].origin"),
	             "body nil false template");
	KB_CHECK_STR(eval("letter.fields"), "nil");
	KB_CHECK_STR(eval("letter.outcome"), "nil");
}

static void test_plugins__paragraph_fields_follow_the_text_model(void)
{
	kb_plugins *ps = plugins(0, 0);
	load(ps, "para.lua",
	     "return { id = 'para', on_paragraph = function(p, report)\n"
	     "  report(p, '%s|%s|%s|%s|%s|%s', p.index, p.style or '-', p.heading or '-', p.part, "
	     "tostring(p.in_table),\n"
	     "         p.origin)\n"
	     "end }\n");
	kb_text *t = NULL;
	kb_text_new(&t);
	kb_para_info head = { KB_PART_BODY, "word/document.xml", "Overskrift1", 1, 0 };
	kb_para_info foot = { KB_PART_FOOTER, "word/footer1.xml", NULL, 0, 1 };
	kb_span spans[] = { { 0, 4, "field:navn", KB_SPAN_NOSPELL }, { 4, 8, "template", 0 } };
	kb_text_add_paragraph(t, "Afgørelse", strlen("Afgørelse"), &head, NULL, 0);
	kb_text_add_paragraph(t, "Hans bor her", 12, &foot, spans, 2);
	kb_findings *fs = run_on(ps, t, NULL);
	KB_CHECK_STR(nth(fs, NULL, 0) ? nth(fs, NULL, 0)->message : NULL, "1|Overskrift1|1|body|false|template");
	KB_CHECK_STR(nth(fs, NULL, 1) ? nth(fs, NULL, 1)->message : NULL, "2|-|-|footer|true|field:navn");
	KB_CHECK_STR(nth(fs, NULL, 1) ? nth(fs, NULL, 1)->origin : NULL, "field:navn");
	kb_findings_free(fs);
	kb_text_free(t);
	kb_plugins_free(ps);
}

static void test_plugins__visitors_are_called_for_every_node(void)
{
	kb_plugins *ps = plugins(0, 0);
	load(ps, "all.lua",
	     "return { id = 'all',\n"
	     "  on_letter = function(n, r) r(n, 'L') end,\n"
	     "  on_paragraph = function(n, r) r(n, 'P%d', n.index) end,\n"
	     "  on_sentence = function(n, r) r(n, 'S%d', n.index) end,\n"
	     "  on_word = function(n, r) r(n, 'W%d', n.index) end }\n");
	kb_findings *fs = run(ps, "En to. Tre.\nFire.");
	const char *want[] = { "L", "P1", "S1", "S2", "W1", "W2", "W3", "P2", "S1", "W1" };
	KB_CHECK_INT(kb_findings_count(fs), 10);
	for (size_t i = 0; i < 10; i++)
		KB_CHECK_STR(nth(fs, NULL, i) ? nth(fs, NULL, i)->message : NULL, want[i]);
	const kb_finding *w3 = nth(fs, NULL, 6);
	if (w3) {
		KB_CHECK_STR(w3->text, "Tre");
		KB_CHECK_INT(w3->start, 7);
		KB_CHECK_INT(w3->len, 3);
	}
	kb_findings_free(fs);
	kb_plugins_free(ps);
}

static void test_plugins__letter_fields_from_json_are_read_only_tables(void)
{
	kb_plugins *ps = plugins(0, 0);
	load(ps, "f.lua",
	     "return { id = 'f', on_letter = function(l, report)\n"
	     "  local f = l.fields\n"
	     "  local names = {}\n"
	     "  for k in pairs(f.modtager) do names[#names + 1] = k end\n"
	     "  table.sort(names)\n"
	     "  report(l, '%s %d %s %s %s %s', f.modtager.navn, #f.ydelser, f.ydelser[2].art, tostring(f.afslag),\n"
	     "         table.concat(names, ','), f.belob * 2)\n"
	     "  f.modtager.navn = 'x'\n"
	     "end }\n");
	json_error_t err;
	json_t *fields = json_loads("{\"modtager\": {\"navn\": \"Hans Hansen\", \"by\": \"Aarhus\"},"
	                            " \"ydelser\": [{\"art\": \"husleje\"}, {\"art\": \"varme\"}], \"afslag\": true,"
	                            " \"belob\": 1.5, \"tom\": null}",
	                            0, &err);
	KB_CHECK(fields != NULL);
	kb_text *t = plain("Brev.");
	kb_findings *fs = run_on(ps, t, fields);
	KB_CHECK_STR(nth(fs, "f", 0) ? nth(fs, "f", 0)->message : NULL, "Hans Hansen 2 varme true by,navn 3.0");
	KB_CHECK(contains(nth(fs, "plugin", 0) ? nth(fs, "plugin", 0)->message : NULL, "plugins/f.lua:8"));
	KB_CHECK(contains(nth(fs, "plugin", 0) ? nth(fs, "plugin", 0)->message : NULL, "skrivebeskyttet"));
	kb_findings_free(fs);
	kb_text_free(t);
	json_decref(fields);
	kb_plugins_free(ps);
}

/* ---- report ---- */

static void test_plugins__report_table_form_with_offsets_and_suggestions(void)
{
	kb_plugins *ps = plugins(0, 0);
	load(ps, "tbl.lua",
	     "return { id = 'tbl', level = 'warning', on_sentence = function(s, report)\n"
	     "  report{ at = s, message = 'Skriv hvis.', suggestion = { 'hvis', 'når' }, start = 3, length = 8,\n"
	     "          level = 'info', rule = 'kancelli' }\n"
	     "  report{ at = s.words[1], message = 'Et forslag.', suggestion = 'Hvis' }\n"
	     "  report{ at = s, message = 'Uden for.', start = 1000, length = 5 }\n"
	     "end }\n");
	kb_findings *fs = run(ps, "Vi såfremt du flytter.");
	KB_CHECK_INT(kb_findings_count(fs), 3);
	const kb_finding *a = nth(fs, NULL, 0), *b = nth(fs, NULL, 1), *c = nth(fs, NULL, 2);
	if (a && b && c) {
		KB_CHECK_STR(a->rule, "kancelli");
		KB_CHECK_INT(a->level, KB_LEVEL_INFO);
		KB_CHECK_INT(a->start, 3);
		KB_CHECK_INT(a->len, strlen("såfremt"));
		KB_CHECK_STR(a->text, "såfremt");
		KB_CHECK_INT(a->nsuggestions, 2);
		KB_CHECK_STR(a->nsuggestions == 2 ? a->suggestions[1] : NULL, "når");
		KB_CHECK_STR(a->source, "plugins/tbl.lua");
		KB_CHECK_STR(b->rule, "tbl");
		KB_CHECK_INT(b->level, KB_LEVEL_WARNING);
		KB_CHECK_STR(b->text, "Vi");
		KB_CHECK_INT(b->nsuggestions, 1);
		KB_CHECK_INT(c->start, strlen("Vi såfremt du flytter.")); /* clamped to the node's end */
		KB_CHECK_INT(c->len, 0);
	}
	kb_findings_free(fs);
	kb_plugins_free(ps);
}

static void test_plugins__report_offsets_snap_to_whole_characters(void)
{
	kb_plugins *ps = plugins(0, 0);
	/* byte 2 is inside "å" (bytes 1-2): the finding starts at "å" and ends after "r" */
	load(ps, "utf.lua",
	     "return { id = 'utf', on_word = function(w, report)\n"
	     "  report{ at = w, message = 'x', start = 2, length = 2 }\n"
	     "end }\n");
	kb_findings *fs = run(ps, "Påró");
	const kb_finding *f = nth(fs, "utf", 0);
	if (f) {
		KB_CHECK_INT(f->start, 1);
		KB_CHECK_STR(f->text, "år");
	}
	KB_CHECK(f != NULL);
	kb_findings_free(fs);
	kb_plugins_free(ps);
}

static void test_plugins__report_mistakes_are_clear_errors(void)
{
	KB_CHECK(contains(eval("select(2, pcall(report, { at = letter, mesage = 'x' }))"),
	                  "report: ukendt nøgle 'mesage'; mente du 'message'?"));
	KB_CHECK(contains(eval("select(2, pcall(report, { message = 'x' }))"), "'at' mangler"));
	KB_CHECK(contains(eval("select(2, pcall(report, 'tekst', 'x'))"), "skal være en del af brevet"));
	KB_CHECK(
	    contains(eval("select(2, pcall(report, { at = letter, message = 'x', level = 'høj' }))"), "level skal være"));
	KB_CHECK(contains(eval("select(2, pcall(report, letter, '%d', 'x'))"), "bad argument"));
}

static void test_plugins__report_message_is_made_one_line_of_valid_utf8(void)
{
	kb_plugins *ps = plugins(0, 0);
	load(ps, "bad.lua",
	     "return { id = 'bad', on_letter = function(l, report)\n"
	     "  report(l, 'a\\nb\\xff%s', ('æ'):sub(1, 1))\n"
	     "end }\n");
	kb_findings *fs = run(ps, "Brev.");
	KB_CHECK_STR(nth(fs, "bad", 0) ? nth(fs, "bad", 0)->message : NULL, "a b\xef\xbf\xbd\xef\xbf\xbd");
	kb_findings_free(fs);
	kb_plugins_free(ps);
}

/* ---- helpers ---- */

static void test_plugins__helpers_lower_upper_len_words_sentences(void)
{
	KB_CHECK_STR(eval("klarbrev.lower('ÆBLE Øl Å')"), "æble øl å");
	KB_CHECK_STR(eval("klarbrev.upper('æble')"), "ÆBLE");
	KB_CHECK_STR(eval("klarbrev.len('æøå') .. ' ' .. #'æøå'"), "3 6");
	KB_CHECK_STR(eval("table.concat(klarbrev.words('Du får f.eks. 10.000 kr.'), '|')"), "Du|får|f.eks.|10.000|kr.");
	KB_CHECK_STR(eval("table.concat(klarbrev.sentences('Du får hjælp fra 1. marts. Vi ses.'), '|')"),
	             "Du får hjælp fra 1. marts.|Vi ses.");
	KB_CHECK(contains(eval("select(2, pcall(klarbrev.words, 'bad \\xff'))"), "ikke gyldig UTF-8"));
}

static void test_plugins__helper_lix_matches_the_metrics(void)
{
	const char *s = "Du får kontanthjælp fra 1. marts. Vi har lagt vægt på din indkomst.";
	kb_text *t = plain(s);
	kb_metrics m;
	kb_metrics_compute(&m, t);
	kb_text_free(t);
	char want[64], expr[256];
	snprintf(want, sizeof want, "%.4f", m.lix);
	snprintf(expr, sizeof expr, "string.format('%%.4f', klarbrev.lix('%s'))", s);
	KB_CHECK_STR(eval(expr), want);
	KB_CHECK_STR(eval("select(2, klarbrev.lix(letter)) .. ' ' .. select(3, klarbrev.lix(letter))"), "3 1");
	KB_CHECK_STR(eval("string.format('%.1f', klarbrev.lix(letter.sentences[1]))"), "3.0");
	KB_CHECK_STR(eval("string.format('%.1f', klarbrev.lix('Arbejdsmarkedsstyrelsen.'))"), "101.0");
}

/* a run without a dictionary (--no-spell) never loads one: spell answers nil ("ukendt", neither true nor false), and
 * analyze and suggest give empty lists, so a plugin neither fails nor reports a word on them */
static void test_plugins__spell_helpers_without_a_dictionary_answer_unknown(void)
{
	KB_CHECK_STR(eval("tostring(klarbrev.dictionary)"), "false");
	KB_CHECK_STR(eval("tostring(klarbrev.spell('hus'))"), "nil");
	KB_CHECK_STR(eval("type(klarbrev.analyze('behandles')) .. #klarbrev.analyze('behandles')"), "table0");
	KB_CHECK_STR(eval("type(klarbrev.suggest('kontanthjlp', 3)) .. #klarbrev.suggest('kontanthjlp')"), "table0");
}

static void test_plugins__spell_helpers_use_the_speller(void)
{
	kb_speller *sp = NULL;
	kb_plugins *ps = NULL;
	setup();
	KB_CHECK_INT(kb_speller_new(&sp, g_ctx, NULL, NULL), KB_OK);
	KB_CHECK_INT(kb_plugins_new(&ps, g_ctx, sp), KB_OK);
	load(ps, "sp.lua",
	     "return { id = 'sp', on_letter = function(l, report)\n"
	     "  local s = klarbrev.suggest('kontanthjlp', 3)\n"
	     "  local a = klarbrev.analyze('huset')\n"
	     "  report(l, '%s %s %s %s %d %s', tostring(klarbrev.spell('kontanthjælp')), tostring(klarbrev.spell("
	     "'kontanthjlp')),\n"
	     "         s[1], type(a[1]), #klarbrev.suggest('kontanthjlp', 0), tostring(klarbrev.dictionary))\n"
	     "end }\n");
	kb_findings *fs = run(ps, "Brev.");
	KB_CHECK_STR(nth(fs, NULL, 0) ? nth(fs, NULL, 0)->message : NULL, "true false kontanthjælp string 0 true");
	kb_findings_free(fs);
	kb_plugins_free(ps);
	kb_speller_free(sp);
}

static void test_plugins__options_are_passed_to_visitors(void)
{
	kb_plugins *ps = plugins(0, 0);
	load(ps, "o.lua",
	     "return { id = 'o', options = { max = 2, name = 'x' }, on_sentence = function(s, report, options)\n"
	     "  if #s.words > options.max then report(s, '%s %d', options.name, #s.words) end\n"
	     "end }\n");
	kb_findings *fs = run(ps, "En to. En to tre.");
	KB_CHECK_INT(kb_findings_count(fs), 1);
	KB_CHECK_STR(nth(fs, NULL, 0) ? nth(fs, NULL, 0)->message : NULL, "x 3");
	kb_findings_free(fs);
	kb_plugins_free(ps);
}

static void test_plugins__free_accepts_null(void)
{
	kb_plugins_free(NULL);
	KB_CHECK_INT(kb_plugins_count(NULL), 0);
}


/* ---- the paragraph memo ---- */

/* A letter of the lines of s (one paragraph each); the line numbered field (from 0; -1: none) comes from the case
 * field "x" (origin "field:x"), as a filled letter's value does. */
static kb_text *letter_with_field(const char *s, int field)
{
	kb_text *t = NULL;
	setup();
	if (kb_text_new(&t) != KB_OK)
		return NULL;
	int i = 0;
	for (const char *line = s; *line; i++) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		kb_span sp = { 0, len, i == field ? "field:x" : "template", 0 };
		kb_text_add_paragraph(t, line, len, NULL, &sp, 1);
		line += len + (end ? 1 : 0);
	}
	return t;
}

/* Two findings lists are the same, finding for finding (every field a report shows). */
static int same_findings(const kb_findings *a, const kb_findings *b)
{
	if (kb_findings_count(a) != kb_findings_count(b))
		return 0;
	for (size_t i = 0; i < kb_findings_count(a); i++) {
		const kb_finding *x = kb_findings_get(a, i), *y = kb_findings_get(b, i);
		int same = !strcmp(x->rule, y->rule) && x->level == y->level && !strcmp(x->message, y->message) &&
		           x->paragraph == y->paragraph && x->start == y->start && x->len == y->len &&
		           !strcmp(x->text ? x->text : "", y->text ? y->text : "") &&
		           !strcmp(x->origin ? x->origin : "", y->origin ? y->origin : "") &&
		           !strcmp(x->source ? x->source : "", y->source ? y->source : "") &&
		           x->nsuggestions == y->nsuggestions;
		for (size_t k = 0; same && k < x->nsuggestions; k++)
			same = !strcmp(x->suggestions[k], y->suggestions[k]);
		if (!same) {
			fprintf(stderr, "    finding %zu differs: %s %ld:%zu \"%s\" / %s %ld:%zu \"%s\"\n", i, x->rule,
			        x->paragraph, x->start, x->message, y->rule, y->paragraph, y->start, y->message);
			return 0;
		}
	}
	return 1;
}

/* Runs the plugin src with the memo and without it over the same letters (each letter of texts twice, the field
 * line moving) and checks that every letter gets the same findings; returns the memo's hits. */
static size_t memo_equals_full(const char *name, const char *src, const char *const *texts, size_t n)
{
	kb_plugins *memo = plugins(0, 0), *full = plugins(0, 0);
	kb_plugins_set_full_check(full, 1);
	KB_CHECK_INT(load(memo, name, src), KB_OK);
	KB_CHECK_INT(load(full, name, src), KB_OK);
	for (size_t round = 0; round < 2 * n; round++) {
		kb_text *t = letter_with_field(texts[round % n], (int)(round % 3) - 1);
		kb_findings *a = run_on(memo, t, NULL), *b = run_on(full, t, NULL);
		KB_CHECK(a && b && same_findings(a, b));
		kb_findings_free(a);
		kb_findings_free(b);
		kb_text_free(t);
	}
	size_t hits, misses, entries, bytes, fh;
	kb_plugins_memo_stats(memo, &hits, &misses, &entries, &bytes);
	kb_plugins_memo_stats(full, &fh, &misses, &entries, &bytes);
	KB_CHECK_INT(fh, 0);
	kb_plugins_free(memo);
	kb_plugins_free(full);
	return hits;
}

static const char *const memo_letters[] = {
	"Overskrift\nDu får ikke hjælp. Det er fordi du har penge.\nKlag senest om fire uger.\nMed venlig hilsen",
	"Overskrift\nDu får hjælp fra 1. marts.\nKlag senest om fire uger.\nMed venlig hilsen",
	"Overskrift\nKlag senest om fire uger.\nDu får ikke hjælp. Det er fordi du har penge.\nMed venlig hilsen",
};

static void test_plugins__memo_reuses_findings_of_a_pure_visitor(void)
{
	size_t hits = memo_equals_full("pure.lua",
	                               "return { id = 'pure', on_sentence = function(s, report)\n"
	                               "  if #s.words > 3 then report(s, 'lang: %s', s.text) end\n"
	                               "end, on_word = function(w, report)\n"
	                               "  if w.lower == 'klag' then report{ at = w, message = 'ord', suggestion = 'x' } end\n"
	                               "end }\n",
	                               memo_letters, 3);
	KB_CHECK(hits > 0);
}

static void test_plugins__memo_keeps_the_results_of_a_counting_visitor(void)
{
	/* a third-party rule that counts paragraphs in an upvalue: the count must go on as without a memo */
	size_t hits = memo_equals_full("count2.lua",
	                               "local count = 0\n"
	                               "return { id = 'count2', on_paragraph = function(p, report)\n"
	                               "  count = count + 1\n"
	                               "  report(p, 'afsnit nr. %d', count)\n"
	                               "end }\n",
	                               memo_letters, 3);
	KB_CHECK_INT(hits, 0);
	/* state that on_letter sets: the paragraphs see it */
	memo_equals_full("first.lua",
	                 "local first\n"
	                 "return { id = 'first', on_letter = function(l) first = l.paragraphs[1].text end,\n"
	                 "  on_paragraph = function(p, report) report(p, '%s / %s', first, p.text) end }\n",
	                 memo_letters, 3);
	/* state that goes back: a counter reset at the end of each paragraph is clean again */
	hits = memo_equals_full("back.lua",
	                        "local depth = 0\n"
	                        "return { id = 'back', on_paragraph = function(p, report)\n"
	                        "  depth = depth + 1; report(p, 'd %d', depth); depth = depth - 1\n"
	                        "end }\n",
	                        memo_letters, 3);
	KB_CHECK(hits > 0);
}

static void test_plugins__memo_skips_visits_that_use_random_clock_or_index(void)
{
	size_t hits = memo_equals_full("rnd.lua",
	                               "return { id = 'rnd', on_paragraph = function(p, report)\n"
	                               "  report(p, 'tal %d', math.random(1000000))\n"
	                               "end }\n",
	                               memo_letters, 3);
	KB_CHECK_INT(hits, 0);
	hits = memo_equals_full("idx2.lua",
	                        "return { id = 'idx2', on_sentence = function(s, report)\n"
	                        "  report(s, 'afsnit %d', s.paragraph.index)\n"
	                        "end }\n",
	                        memo_letters, 3);
	KB_CHECK_INT(hits, 0);
}

static void test_plugins__notes_reach_on_letter_end(void)
{
	const char *src = "return { id = 'notes', on_paragraph = function(p)\n"
	                  "  if p.lower:find('klag', 1, true) then return { klage = true, ord = { #p.words } } end\n"
	                  "end, on_letter_end = function(letter, report)\n"
	                  "  local n = 0\n"
	                  "  for _, p in ipairs(letter.paragraphs) do\n"
	                  "    if p.notes and p.notes.klage then n = n + p.notes.ord[1] end\n"
	                  "  end\n"
	                  "  report(letter, 'klageord %d', n)\n"
	                  "end }\n";
	size_t hits = memo_equals_full("notes.lua", src, memo_letters, 3);
	KB_CHECK(hits > 0);
	kb_plugins *ps = plugins(0, 0);
	load(ps, "notes.lua", src);
	for (int i = 0; i < 2; i++) { /* the second run takes the notes from the memo */
		kb_findings *fs = run(ps, "Klag her.\nIkke her.\nKlag også her, tak.");
		KB_CHECK_STR(nth(fs, NULL, 0) ? nth(fs, NULL, 0)->message : NULL, "klageord 6");
		kb_findings_free(fs);
	}
	/* notes are read-only, and only data */
	load(ps, "notes2.lua",
	     "return { id = 'notes2', on_paragraph = function(p) return { f = print } end }\n");
	kb_findings *fs = run(ps, "Klag her.");
	KB_CHECK(nth(fs, "plugin", 0) && strstr(nth(fs, "plugin", 0)->message, "kun returnere data"));
	kb_findings_free(fs);
	kb_plugins_free(ps);
}

static void test_plugins__full_check_from_the_environment(void)
{
	setenv("KLARBREV_FULL_CHECK", "1", 1);
	kb_plugins *ps = plugins(0, 0);
	unsetenv("KLARBREV_FULL_CHECK");
	load(ps, "pure.lua", "return { id = 'pure', on_paragraph = function(p, report) report(p, 'x') end }\n");
	for (int i = 0; i < 3; i++)
		kb_findings_free(run(ps, "En.\nTo."));
	size_t hits, misses, entries, bytes;
	kb_plugins_memo_stats(ps, &hits, &misses, &entries, &bytes);
	KB_CHECK_INT(hits + entries, 0);
	kb_plugins_free(ps);
}

/* A plugin's budget is CPU time: while the process is stopped (a busy machine, the wall clock running on) its
 * plugin does not run out of time; a plugin that spins still stops. */
static void test_plugins__time_limit_counts_cpu_time_not_the_wall_clock(void)
{
	kb_plugins *ps = plugins(0, 300);
	load(ps, "cpu.lua",
	     "return { id = 'cpu', on_letter = function(l, report)\n"
	     "  local t0 = os.clock(); local n = 0\n"
	     "  while os.clock() - t0 < 0.1 do n = n + 1 end\n"
	     "  report(l, 'færdig')\n"
	     "end }\n");
	struct timespec w0, w1;
	clock_gettime(CLOCK_MONOTONIC, &w0);
	pid_t child = fork();
	if (child == 0) { /* stops the test for 600 ms of wall clock while its plugin runs */
		struct timespec d = { 0, 30 * 1000000L }, stop = { 0, 600 * 1000000L };
		nanosleep(&d, NULL);
		kill(getppid(), SIGSTOP);
		nanosleep(&stop, NULL);
		kill(getppid(), SIGCONT);
		_exit(0);
	}
	kb_findings *fs = run(ps, "Brev.");
	clock_gettime(CLOCK_MONOTONIC, &w1);
	int status;
	waitpid(child, &status, 0);
	double wall = (double)(w1.tv_sec - w0.tv_sec) + (double)(w1.tv_nsec - w0.tv_nsec) / 1e9;
	KB_CHECK(wall > 0.3); /* the wall clock passed the limit ... */
	KB_CHECK(nth(fs, "cpu", 0) != NULL); /* ... and the plugin finished */
	KB_CHECK_INT(count_rule(fs, "plugin"), 0);
	kb_findings_free(fs);
	load(ps, "spin.lua", "return { id = 'spin', on_letter = function() while true do end end }\n");
	fs = run(ps, "Brev.");
	KB_CHECK(nth(fs, "plugin", 0) && strstr(nth(fs, "plugin", 0)->message, "tidsgrænsen"));
	kb_findings_free(fs);
	kb_plugins_free(ps);
}

static void test_plugins__zz_teardown(void)
{
	if (g_dir[0]) {
		const char *names[] = { "eval.lua", "broken.lua", "good.lua", "good2.lua", "rt.lua",   "e.lua",
			                "a.lua",    "b.lua",      "c.lua",    "d.lua",     "loop.lua", "sly.lua",
			                "top.lua",  "rep.lua",    "grow.lua", "catch.lua", "bin.lua",  "count.lua",
			                "upv.lua",  "opts.lua",   "cls.lua",  "keep.lua",  "para.lua", "all.lua",
			                "f.lua",    "tbl.lua",    "utf.lua",  "bad.lua",   "sp.lua",   "o.lua",
			                "deep.lua", "bruger.lua", "skriver.lua", "bruger2.lua", "lib/hjaelp.lua",
			                "arg.lua",  "find.lua",   "idx.lua",  "call.lua",  "cat.lua",  "cmp.lua",
			                "syn.lua",  "eof.lua",    "own.lua",  "mod.lua",   "ts.lua",   "sel.lua",
			                "afg.lua",  "zz.lua", "pure.lua", "count2.lua", "first.lua", "back.lua", "rnd.lua",
			                "idx2.lua", "notes.lua", "notes2.lua", "cpu.lua", "spin.lua" };
		char path[256];
		for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
			snprintf(path, sizeof path, "%s/%s", g_dir, names[i]);
			unlink(path);
		}
		snprintf(path, sizeof path, "%s/lib", g_dir);
		rmdir(path);
		KB_CHECK_INT(rmdir(g_dir), 0);
		g_dir[0] = '\0';
	}
	kb_ctx_free(g_ctx);
	g_ctx = NULL;
}

KB_TESTS(KB_TEST(test_plugins__memo_reuses_findings_of_a_pure_visitor),
         KB_TEST(test_plugins__memo_keeps_the_results_of_a_counting_visitor),
         KB_TEST(test_plugins__memo_skips_visits_that_use_random_clock_or_index),
         KB_TEST(test_plugins__notes_reach_on_letter_end), KB_TEST(test_plugins__full_check_from_the_environment),
         KB_TEST(test_plugins__time_limit_counts_cpu_time_not_the_wall_clock),
         KB_TEST(test_plugins__shared_library_is_klarbrev_lib_and_read_only), KB_TEST(test_plugins__readability_loads_from_the_repository),
         KB_TEST(test_plugins__long_sentence_gives_one_finding_with_its_offsets),
         KB_TEST(test_plugins__short_clean_text_gives_no_finding),
         KB_TEST(test_plugins__high_lix_is_an_error_on_the_letter),
         KB_TEST(test_plugins__long_heading_and_table_cell_are_not_sentences_to_split),
         KB_TEST(test_plugins__readability_examples_hold),
         KB_TEST(test_plugins__syntax_error_is_one_error_finding_with_file_and_line_and_others_still_run),
         KB_TEST(test_plugins__runtime_error_in_on_sentence_names_file_and_line),
         KB_TEST(test_plugins__bad_argument_to_a_helper_is_danish_and_names_the_helper),
         KB_TEST(test_plugins__bad_argument_to_a_global_is_named_by_its_global_name),
         KB_TEST(test_plugins__lua_runtime_and_syntax_errors_are_danish),
         KB_TEST(test_plugins__error_without_position_gets_the_line),
         KB_TEST(test_plugins__file_must_return_a_table_with_an_id),
         KB_TEST(test_plugins__decisions_only_that_is_no_boolean_is_said_in_danish),
         KB_TEST(test_plugins__unknown_table_key_lists_every_valid_key),
         KB_TEST(test_plugins__two_plugins_with_one_id_break_the_second),
         KB_TEST(test_plugins__load_dir_loads_lua_files_in_name_order),
         KB_TEST(test_plugins__infinite_loop_is_stopped_by_the_time_budget),
         KB_TEST(test_plugins__loop_that_catches_the_time_error_is_stopped_too),
         KB_TEST(test_plugins__infinite_loop_while_loading_breaks_the_plugin),
         KB_TEST(test_plugins__memory_bomb_with_string_rep_is_stopped),
         KB_TEST(test_plugins__memory_bomb_with_a_growing_table_is_stopped_and_the_state_recovers),
         KB_TEST(test_plugins__memory_error_caught_by_pcall_still_counts), KB_TEST(test_plugins__sandbox_no_io),
         KB_TEST(test_plugins__sandbox_no_os_execute_or_getenv), KB_TEST(test_plugins__sandbox_no_load_loadfile_dofile),
         KB_TEST(test_plugins__sandbox_no_require_or_package), KB_TEST(test_plugins__sandbox_no_debug),
         KB_TEST(test_plugins__sandbox_no_coroutines), KB_TEST(test_plugins__sandbox_no_string_dump_or_raw_access),
         KB_TEST(test_plugins__sandbox_binary_chunk_is_refused),
         KB_TEST(test_plugins__sandbox_gc_metamethod_is_refused),
         KB_TEST(test_plugins__sandbox_string_metatable_is_protected),
         KB_TEST(test_plugins__sandbox_library_tables_are_frozen), KB_TEST(test_plugins__sandbox_print_does_not_print),
         KB_TEST(test_plugins__globals_are_frozen_so_nothing_carries_over),
         KB_TEST(test_plugins__deeply_nested_tables_are_frozen_too),
         KB_TEST(test_plugins__frozen_class_tables_still_work),
         KB_TEST(test_plugins__node_kept_in_a_local_is_gone_on_the_next_letter), KB_TEST(test_plugins__node_is_read_only),
         KB_TEST(test_plugins__unknown_field_suggests_the_nearest_name),
         KB_TEST(test_plugins__node_type_names_read_well_in_errors), KB_TEST(test_plugins__node_fields),
         KB_TEST(test_plugins__paragraph_fields_follow_the_text_model),
         KB_TEST(test_plugins__visitors_are_called_for_every_node),
         KB_TEST(test_plugins__letter_fields_from_json_are_read_only_tables),
         KB_TEST(test_plugins__report_table_form_with_offsets_and_suggestions),
         KB_TEST(test_plugins__report_offsets_snap_to_whole_characters),
         KB_TEST(test_plugins__report_mistakes_are_clear_errors),
         KB_TEST(test_plugins__report_message_is_made_one_line_of_valid_utf8),
         KB_TEST(test_plugins__helpers_lower_upper_len_words_sentences),
         KB_TEST(test_plugins__helper_lix_matches_the_metrics),
         KB_TEST(test_plugins__spell_helpers_without_a_dictionary_answer_unknown),
         KB_TEST(test_plugins__spell_helpers_use_the_speller), KB_TEST(test_plugins__options_are_passed_to_visitors),
         KB_TEST(test_plugins__free_accepts_null), KB_TEST(test_plugins__zz_teardown))
