/* test_luamatcher.c -- klarbrev.matcher as a plugin sees it: a matcher built at file level and used on every
 * letter, the hits' fields and offsets, nodes and strings alike, a bad pattern that fails the load with file and
 * line, a matcher that cannot be changed, and the time budget inside a scan. (Helpers as in test_plugins.c.) */
#include "kbtest.h"
#include "plugins.h"
#include "textmodel.h"

#include <time.h>
#include <unistd.h>

static char g_dir[64];
static kb_ctx *g_ctx;

static void setup(void)
{
	if (!g_ctx)
		kb_ctx_new(&g_ctx);
	if (!g_dir[0]) {
		char tmpl[] = "/tmp/kbtest-luamatcher-XXXXXX";
		if (mkdtemp(tmpl))
			snprintf(g_dir, sizeof g_dir, "%s", tmpl);
	}
}

/* A plugin list with one plugin made from src as plugins/<name>; ms: the time budget (0: default). */
static kb_plugins *plugin(const char *name, const char *src, unsigned ms)
{
	char path[256], display[128];
	kb_plugins *ps = NULL;
	setup();
	snprintf(path, sizeof path, "%s/%s", g_dir, name);
	snprintf(display, sizeof display, "plugins/%s", name);
	FILE *f = fopen(path, "wb");
	if (f) {
		fputs(src, f);
		fclose(f);
	}
	if (kb_plugins_new(&ps, g_ctx, NULL) != KB_OK)
		return NULL;
	kb_plugins_set_limits(ps, 0, ms);
	if (kb_plugins_load_named(ps, g_ctx, path, display) != KB_OK)
		fprintf(stderr, "  load: %s\n", kb_ctx_errmsg(g_ctx));
	return ps;
}

static kb_findings *run(kb_plugins *ps, const char *text)
{
	kb_findings *fs = NULL;
	kb_text *t = NULL;
	if (!ps || kb_findings_new(&fs) || kb_text_from_plain(&t, g_ctx, text, strlen(text), "brev.txt"))
		return fs;
	kb_check_input in = { .text = t };
	if (kb_plugins_run(ps, g_ctx, &in, fs) != KB_OK)
		fprintf(stderr, "  run: %s\n", kb_ctx_errmsg(g_ctx));
	kb_findings_sort(fs);
	kb_text_free(t);
	return fs;
}

static const kb_finding *get(const kb_findings *fs, size_t i)
{
	return fs && i < kb_findings_count(fs) ? kb_findings_get(fs, i) : NULL;
}

static const char *msg(const kb_findings *fs, size_t i)
{
	const kb_finding *f = get(fs, i);
	return f ? f->message : "(no finding)";
}

static int contains(const char *s, const char *part)
{
	int ok = s && strstr(s, part) != NULL;
	if (!ok)
		fprintf(stderr, "    \"%s\" does not contain \"%s\"\n", s ? s : "(null)", part);
	return ok;
}

/* Runs a plugin whose on_letter reports tostring(<expr>) once (with m the matcher of pats, a Lua table), and
 * returns the message (static). */
static const char *eval(const char *pats, const char *expr, const char *text)
{
	static char out[2048];
	char src[4096];
	snprintf(src, sizeof src,
	         "local m = klarbrev.matcher(%s)\n"
	         "local function show(h) if not h then return 'nil' end\n"
	         "  return string.format('%%s/%%s %%d-%%d w%%d-%%d [%%s]', tostring(h.pattern), tostring(h.key),\n"
	         "    h.start, h.stop, h.first, h.last, h.text) end\n"
	         "local function all(hs) local t = {} for i, h in ipairs(hs) do t[i] = show(h) end\n"
	         "  return table.concat(t, '; ') end\n"
	         "return { id = 'eval', on_letter = function(letter, report)\n"
	         "  report(letter, '%%s', tostring(%s))\n"
	         "end }\n",
	         pats, expr);
	kb_plugins *ps = plugin("eval.lua", src, 0);
	kb_findings *fs = run(ps, text);
	snprintf(out, sizeof out, "%s%s", get(fs, 0) && !strcmp(get(fs, 0)->rule, "plugin") ? "ERROR: " : "",
	         msg(fs, 0));
	kb_findings_free(fs);
	kb_plugins_free(ps);
	return out;
}

static void test_luamatcher__plugin_reports_on_the_exact_spans_found(void)
{
	kb_plugins *ps = plugin("kanc.lua",
	                        "local m = klarbrev.matcher{ 'i henhold til', 'træffe|truffet en? afgørelse' }\n"
	                        "return { id = 'kanc', on_sentence = function(s, report)\n"
	                        "  for _, h in ipairs(m:find(s)) do\n"
	                        "    report{ at = s, start = h.start - 1, length = h.stop - h.start + 1,\n"
	                        "      message = 'fundet: ' .. h.text }\n"
	                        "  end\n"
	                        "end }\n",
	                        0);
	const char *text = "Vi har TRUFFET afgørelse. Det sker i henhold til loven.";
	for (int round = 0; round < 2; round++) { /* one matcher, letter after letter */
		kb_findings *fs = run(ps, text);
		KB_CHECK_INT(kb_findings_count(fs), 2);
		KB_CHECK_STR(msg(fs, 0), "fundet: TRUFFET afgørelse");
		KB_CHECK_INT(get(fs, 0) ? get(fs, 0)->start : 0, 7);
		KB_CHECK_INT(get(fs, 0) ? get(fs, 0)->len : 0, 18);
		KB_CHECK_STR(msg(fs, 1), "fundet: i henhold til");
		KB_CHECK_INT(get(fs, 1) ? get(fs, 1)->start : 0, 36);
		KB_CHECK_INT(get(fs, 1) ? get(fs, 1)->len : 0, 13);
		kb_findings_free(fs);
	}
	kb_plugins_free(ps);
}

static void test_luamatcher__hits_carry_pattern_key_offsets_words_and_text(void)
{
	KB_CHECK_STR(eval("{ 'du får', 'får' }", "all(m:find('Nu får du, du får hjælp.'))", "Brev."),
	             "2/2 4-7 w2-2 [får]; 1/1 13-19 w4-5 [du får]; 2/2 16-19 w5-5 [får]");
	/* named patterns come after the list, by name */
	KB_CHECK_STR(eval("{ 'a', zz = 'a', b = { 'a' } }", "all(m:find('a'))", "Brev."),
	             "1/1 1-1 w1-1 [a]; 2/b 1-1 w1-1 [a]; 3/zz 1-1 w1-1 [a]");
	KB_CHECK_STR(eval("{ 'i henhold', 'i henhold til', 'til' }", "all(m:find('I henhold til, til.', 'longest'))",
	                  "Brev."),
	             "2/2 1-13 w1-3 [I henhold til]; 3/3 16-18 w4-4 [til]");
	KB_CHECK_STR(eval("{ 'ikke', 'får' }", "show(m:first('Du får ikke.'))", "Brev."), "2/2 4-7 w2-2 [får]");
	KB_CHECK_STR(eval("{ 'ikke' }", "show(m:first('Du får.'))", "Brev."), "nil");
	KB_CHECK_STR(eval("{ 'såfremt' }", "tostring(m:test('SÅFREMT du')) .. tostring(m:test('Hvis du'))", "Brev."),
	             "truefalse");
	KB_CHECK_STR(eval("{ 'a', 'b' }", "tostring(m) .. ' ' .. #m", "Brev."), "klarbrev.Matcher (2 mønstre) 2");
}

static void test_luamatcher__a_node_gives_its_own_words(void)
{
	/* word indexes are those of node.words, offsets those of node.text */
	KB_CHECK_STR(eval("{ 'får hjælp' }",
	                  "(function() local h = m:first(letter); return letter.words[h.first].text .. ' '"
	                  " .. letter.words[h.last].text .. ' ' .. letter.text:sub(h.start, h.stop) end)()",
	                  "Første afsnit her.\nDu får hjælp nu."),
	             "får hjælp får hjælp");
	KB_CHECK_STR(eval("{ 'får hjælp' }",
	                  "(function() local s = letter.paragraphs[2].sentences[2]; local h = m:first(s)"
	                  " return h.first .. ' ' .. s.words[h.first].text end)()",
	                  "Første afsnit her.\nJa. Du får hjælp nu."),
	             "2 får");
	KB_CHECK(contains(eval("{ 'a' }", "m:find(42)", "Brev."),
	             "ERROR: Reglen i plugins/eval.lua:8 fejlede: m:find: argument 1 skal være en tekst eller en del af "
	             "brevet (klarbrev.Paragraph, klarbrev.Sentence, ...), men er et tal."));
}

static void test_luamatcher__bad_pattern_fails_the_load_with_file_and_line(void)
{
	kb_plugins *ps = plugin("bad.lua",
	                        "-- a list with a mistake\n"
	                        "local m = klarbrev.matcher{\n"
	                        "  'i henhold til',\n"
	                        "  'din, sag',\n"
	                        "}\n"
	                        "return { id = 'bad', on_letter = function() end }\n",
	                        0);
	kb_findings *fs = run(ps, "Brev.");
	KB_CHECK_STR(get(fs, 0) ? get(fs, 0)->rule : NULL, "plugin");
	KB_CHECK(contains(msg(fs, 0), "Reglen i plugins/bad.lua:2 kunne ikke indlæses: klarbrev.matcher: mønster 2 "
	                              "(»din, sag«): »din,« er ikke ét ord: »,« står uden for ordet"));
	kb_findings_free(fs);
	kb_plugins_free(ps);
	KB_CHECK(contains(eval("{ nominal = 'en|et? ...' }", "1", "Brev."),
	                  "klarbrev.matcher: mønster \"nominal\" (»en|et? ...«): »...« står sidst"));
	KB_CHECK(contains(eval("{ { 'i', 7 } }", "1", "Brev."),
	                  "klarbrev.matcher: mønster 1 (»i ?«): element 2 skal være en streng (et ord), ikke et tal"));
	KB_CHECK(contains(eval("'i henhold til'", "1", "Brev."),
	                  "klarbrev.matcher: argumentet skal være en tabel af mønstre, men er en tekst"));
}

static void test_luamatcher__matcher_cannot_be_changed(void)
{
	KB_CHECK(contains(eval("{ 'a' }", "getmetatable(m)", "Brev."), "klarbrev: protected metatable"));
	KB_CHECK(contains(eval("{ 'a' }", "(function() m.find = nil end)()", "Brev."), "ERROR: "));
	KB_CHECK(contains(eval("{ 'a' }", "pcall(setmetatable, m, {})", "Brev."), "false"));
}

static void test_luamatcher__matcher_from_a_frozen_table_inside_a_visitor(void)
{
	kb_plugins *ps = plugin("late.lua",
	                        "local PATS = { 'i henhold til', named = 'såfremt' }\n"
	                        "return { id = 'late', on_letter = function(letter, report)\n"
	                        "  local m = klarbrev.matcher(PATS)\n"
	                        "  report(letter, '%d %d', #m, #m:find(letter))\n"
	                        "end }\n",
	                        0);
	kb_findings *fs = run(ps, "Såfremt du vil, i henhold til loven.");
	KB_CHECK_STR(msg(fs, 0), "2 2");
	kb_findings_free(fs);
	kb_plugins_free(ps);
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static void test_luamatcher__time_budget_holds_inside_a_scan(void)
{
	/* patterns tried at every word, each running over many words, on a long text: no Lua instruction runs while
	 * the scan goes, so only the scan's own checks can stop it */
	kb_plugins *ps = plugin("slow.lua",
	                        "local pats = {}\n"
	                        "for i = 1, 300 do pats[i] = '* a? a? a? a? ...10 a? ...10 b' .. i end\n"
	                        "local m = klarbrev.matcher(pats)\n"
	                        "local text = ('a '):rep(2000000)\n"
	                        "return { id = 'slow', on_letter = function(letter, report)\n"
	                        "  report(letter, '%d', #m:find(text))\n"
	                        "end }\n",
	                        200);
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	kb_findings *fs = run(ps, "Brev.");
	KB_CHECK(seconds_since(&t0) < 5.0);
	KB_CHECK(contains(msg(fs, 0), "Reglen i plugins/slow.lua:6 fejlede: tidsgrænsen på 200 ms er overskredet"));
	kb_findings_free(fs);
	/* the state is made again, and the next letter is stopped the same way */
	fs = run(ps, "Brev.");
	KB_CHECK(contains(msg(fs, 0), "tidsgrænsen"));
	kb_findings_free(fs);
	kb_plugins_free(ps);
}

KB_TESTS(KB_TEST(test_luamatcher__plugin_reports_on_the_exact_spans_found),
         KB_TEST(test_luamatcher__hits_carry_pattern_key_offsets_words_and_text),
         KB_TEST(test_luamatcher__a_node_gives_its_own_words),
         KB_TEST(test_luamatcher__bad_pattern_fails_the_load_with_file_and_line),
         KB_TEST(test_luamatcher__matcher_cannot_be_changed),
         KB_TEST(test_luamatcher__matcher_from_a_frozen_table_inside_a_visitor),
         KB_TEST(test_luamatcher__time_budget_holds_inside_a_scan))
