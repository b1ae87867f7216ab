/* test_phrases.c -- the declarative rules of a plugin (replace, avoid, message), run by the core: whole words, any
 * case, UTF-8, phrases across line breaks and runs of spaces, one finding per match with its offsets and
 * suggestions; and the mistakes in such lists that break the plugin with a clear message. */
#include "kbtest.h"
#include "phrases.h"
#include "plugins.h"
#include "textmodel.h"

#include <unistd.h>

static char g_dir[64];
static kb_ctx *g_ctx;

static void setup(void)
{
	if (!g_ctx)
		kb_ctx_new(&g_ctx);
	if (!g_dir[0]) {
		char tmpl[] = "/tmp/kbtest-phrases-XXXXXX";
		if (mkdtemp(tmpl))
			snprintf(g_dir, sizeof g_dir, "%s", tmpl);
	}
}

/* A plugin list holding one plugin made from src (as plugins/<id>.lua). */
static kb_plugins *plugin(const char *src)
{
	char path[256];
	kb_plugins *ps = NULL;
	setup();
	snprintf(path, sizeof path, "%s/p.lua", g_dir);
	FILE *f = fopen(path, "wb");
	if (f) {
		fputs(src, f);
		fclose(f);
	}
	if (kb_plugins_new(&ps, g_ctx, NULL) != KB_OK)
		return NULL;
	if (kb_plugins_load_named(ps, g_ctx, path, "plugins/p.lua") != KB_OK)
		fprintf(stderr, "  load: %s\n", kb_ctx_errmsg(g_ctx));
	return ps;
}

static kb_findings *run_text(kb_plugins *ps, const kb_text *t)
{
	kb_findings *fs = NULL;
	if (!ps || !t || kb_findings_new(&fs) != KB_OK)
		return fs;
	kb_check_input in = { .text = t };
	if (kb_plugins_run(ps, g_ctx, &in, fs) != KB_OK)
		fprintf(stderr, "  run: %s\n", kb_ctx_errmsg(g_ctx));
	kb_findings_sort(fs);
	return fs;
}

static kb_findings *run(kb_plugins *ps, const char *text)
{
	kb_text *t = NULL;
	setup();
	kb_text_from_plain(&t, g_ctx, text, strlen(text), "brev.txt");
	kb_findings *fs = run_text(ps, t);
	kb_text_free(t);
	return fs;
}

/* One paragraph with text as it is (line breaks stay inside it, as Word's w:br). */
static kb_text *one_paragraph(const char *text)
{
	kb_text *t = NULL;
	if (kb_text_new(&t) == KB_OK && kb_text_add_paragraph(t, text, strlen(text), NULL, NULL, 0) != KB_OK) {
		kb_text_free(t);
		t = NULL;
	}
	return t;
}

static const kb_finding *get(const kb_findings *fs, size_t i)
{
	return kb_findings_get(fs, i);
}

/* The text of finding i as a NUL-terminated string ("" when there is none). */
static const char *ftext(const kb_findings *fs, size_t i)
{
	const kb_finding *f = get(fs, i);
	return f && f->text ? f->text : "";
}

static void dump(const kb_findings *fs)
{
	for (size_t k = 0; k < kb_findings_count(fs); k++) {
		const kb_finding *f = kb_findings_get(fs, k);
		fprintf(stderr, "    finding %s p%ld %zu+%zu: %s\n", f->rule, f->paragraph, f->start, f->len,
		        f->message);
	}
}

/* The message of the plugin's load error, or "" when it loaded. */
static const char *load_error(const char *src)
{
	static char msg[2048];
	kb_plugins *ps = plugin(src);
	kb_plugin_info in;
	kb_plugins_info(ps, 0, &in);
	snprintf(msg, sizeof msg, "%s", in.problem ? in.problem : "");
	kb_plugins_free(ps);
	return msg;
}

static int contains(const char *s, const char *part)
{
	int ok = s && strstr(s, part) != NULL;
	if (!ok)
		fprintf(stderr, "    \"%s\" does not contain \"%s\"\n", s ? s : "(null)", part);
	return ok;
}

static const char *kancelli = "return { id = 'kancelli', level = 'warning',\n"
                              "  replace = { ['såfremt'] = 'hvis', ['i henhold til'] = 'efter',\n"
                              "              ['endvidere'] = { 'desuden', 'også' } },\n"
                              "  message = 'Skriv »%s« i stedet for »%s«.' }\n";

/* ---- matching ---- */

static void test_phrases__replace_finds_whole_words_in_any_case(void)
{
	kb_plugins *ps = plugin(kancelli);
	kb_findings *fs = run(ps, "Såfremt du flytter, er det såfremtigt. SÅFREMT ikke.");
	KB_CHECK_INT(kb_findings_count(fs), 2);
	KB_CHECK_STR(ftext(fs, 0), "Såfremt");
	KB_CHECK_INT(get(fs, 0)->start, 0);
	KB_CHECK_INT(get(fs, 0)->len, strlen("Såfremt"));
	KB_CHECK_STR(get(fs, 0)->rule, "kancelli");
	KB_CHECK_INT(get(fs, 0)->level, KB_LEVEL_WARNING);
	KB_CHECK_STR(get(fs, 0)->source, "plugins/p.lua");
	KB_CHECK_STR(ftext(fs, 1), "SÅFREMT");
	kb_findings_free(fs);
	kb_plugins_free(ps);
}

static void test_phrases__message_and_suggestion_follow_the_capital_letter(void)
{
	kb_plugins *ps = plugin(kancelli);
	kb_findings *fs = run(ps, "Såfremt du flytter, og såfremt du rejser.");
	KB_CHECK_INT(kb_findings_count(fs), 2);
	KB_CHECK_STR(get(fs, 0)->message, "Skriv »Hvis« i stedet for »Såfremt«.");
	KB_CHECK_INT(get(fs, 0)->nsuggestions, 1);
	KB_CHECK_STR(get(fs, 0)->suggestions[0], "Hvis");
	KB_CHECK_STR(get(fs, 1)->message, "Skriv »hvis« i stedet for »såfremt«.");
	kb_findings_free(fs);
	kb_plugins_free(ps);
}

static void test_phrases__a_list_of_suggestions_gives_them_all(void)
{
	kb_plugins *ps = plugin(kancelli);
	kb_findings *fs = run(ps, "Vi skal endvidere se på det.");
	KB_CHECK_INT(kb_findings_count(fs), 1);
	KB_CHECK_INT(get(fs, 0)->nsuggestions, 2);
	if (get(fs, 0) && get(fs, 0)->nsuggestions == 2) {
		KB_CHECK_STR(get(fs, 0)->suggestions[0], "desuden");
		KB_CHECK_STR(get(fs, 0)->suggestions[1], "også");
	}
	kb_findings_free(fs);
	kb_plugins_free(ps);
}

static void test_phrases__multi_word_phrase_across_a_line_break_and_many_spaces(void)
{
	kb_plugins *ps = plugin(kancelli);
	const char *text = "Det er i  henhold\ntil loven.";
	kb_text *t = one_paragraph(text);
	kb_findings *fs = run_text(ps, t);
	KB_CHECK_INT(kb_findings_count(fs), 1);
	KB_CHECK_INT(get(fs, 0)->start, 7);
	KB_CHECK_INT(get(fs, 0)->len, strlen("i  henhold\ntil"));
	KB_CHECK_STR(ftext(fs, 0), "i  henhold\ntil");
	KB_CHECK_STR(get(fs, 0)->message, "Skriv »efter« i stedet for »i henhold til«.");
	kb_findings_free(fs);
	kb_text_free(t);
	kb_plugins_free(ps);
}

static void test_phrases__punctuation_between_the_words_is_no_match(void)
{
	kb_plugins *ps = plugin(kancelli);
	kb_findings *fs = run(ps, "Det er i henhold, til loven. Det er i henhold (til) loven.");
	KB_CHECK_INT(kb_findings_count(fs), 0);
	kb_findings_free(fs);
	kb_plugins_free(ps);
}

static void test_phrases__punctuation_around_the_phrase_is_left_out(void)
{
	kb_plugins *ps = plugin(kancelli);
	kb_findings *fs = run(ps, "(Såfremt) du vil, »i henhold til« loven.");
	KB_CHECK_INT(kb_findings_count(fs), 2);
	KB_CHECK_STR(ftext(fs, 0), "Såfremt");
	KB_CHECK_INT(get(fs, 0)->start, 1);
	KB_CHECK_STR(ftext(fs, 1), "i henhold til");
	kb_findings_free(fs);
	kb_plugins_free(ps);
}

static void test_phrases__danish_letters_fold_case(void)
{
	kb_plugins *ps =
	    plugin("return { id = 'x', avoid = { 'ændringsforslag', 'ØVRIGT' }, message = 'Undgå »%s«.' }");
	kb_findings *fs = run(ps, "ÆNDRINGSFORSLAG og i øvrigt. Ændringsforslagene er ok.");
	KB_CHECK_INT(kb_findings_count(fs), 2);
	KB_CHECK_STR(ftext(fs, 0), "ÆNDRINGSFORSLAG");
	KB_CHECK_STR(get(fs, 0)->message, "Undgå »ÆNDRINGSFORSLAG«.");
	KB_CHECK_INT(get(fs, 0)->nsuggestions, 0);
	KB_CHECK_STR(ftext(fs, 1), "øvrigt");
	kb_findings_free(fs);
	kb_plugins_free(ps);
}

static void test_phrases__longest_phrase_wins_and_words_are_not_found_twice(void)
{
	kb_plugins *ps = plugin("return { id = 'x', message = { replace = 'R %s %s', avoid = 'A %s' },\n"
	                        "  replace = { ['i henhold til'] = 'efter' }, avoid = { 'henhold', 'i' } }");
	kb_findings *fs = run(ps, "Det er i henhold til loven, i henhold.");
	if (kb_findings_count(fs) != 3)
		dump(fs);
	KB_CHECK_INT(kb_findings_count(fs), 3);
	KB_CHECK_STR(get(fs, 0)->message, "R efter i henhold til");
	KB_CHECK_STR(get(fs, 1)->message, "A i");
	KB_CHECK_STR(get(fs, 2)->message, "A henhold");
	kb_findings_free(fs);
	kb_plugins_free(ps);
}

static void test_phrases__offsets_are_in_the_paragraph_of_the_match(void)
{
	kb_plugins *ps = plugin(kancelli);
	kb_findings *fs = run(ps, "Første afsnit.\nAndet afsnit, såfremt det går.");
	KB_CHECK_INT(kb_findings_count(fs), 1);
	KB_CHECK_INT(get(fs, 0)->paragraph, 1);
	KB_CHECK_INT(get(fs, 0)->start, strlen("Andet afsnit, "));
	kb_findings_free(fs);
	kb_plugins_free(ps);
}

static void test_phrases__finding_carries_the_origin_of_its_text(void)
{
	kb_plugins *ps = plugin(kancelli);
	const char *text = "Vi skriver: såfremt du vil.";
	kb_span spans[2] = { { 0, 12, "template", 0 }, { 12, strlen(text) - 12, "field:begrundelse", 0 } };
	kb_text *t = NULL;
	kb_text_new(&t);
	KB_CHECK_INT(kb_text_add_paragraph(t, text, strlen(text), NULL, spans, 2), KB_OK);
	kb_findings *fs = run_text(ps, t);
	KB_CHECK_INT(kb_findings_count(fs), 1);
	KB_CHECK_STR(get(fs, 0)->origin, "field:begrundelse");
	kb_findings_free(fs);
	kb_text_free(t);
	kb_plugins_free(ps);
}

static void test_phrases__default_messages(void)
{
	kb_plugins *ps = plugin("return { id = 'x', replace = { ['jf.'] = 'se' } }");
	kb_findings *fs = run(ps, "Det står der, jf. loven.");
	KB_CHECK_INT(kb_findings_count(fs), 1);
	KB_CHECK_STR(get(fs, 0)->message, "Skriv »se« i stedet for »jf.«.");
	kb_findings_free(fs);
	kb_plugins_free(ps);
	ps = plugin("return { id = 'x', avoid = { 'pågældende' } }");
	fs = run(ps, "Den pågældende borger.");
	KB_CHECK_INT(kb_findings_count(fs), 1);
	KB_CHECK_STR(get(fs, 0)->message, "Undgå »pågældende«.");
	kb_findings_free(fs);
	kb_plugins_free(ps);
}

static void test_phrases__lists_and_visitors_in_one_plugin(void)
{
	kb_plugins *ps = plugin("return { id = 'x', avoid = { 'pågældende' },\n"
	                        "  on_letter = function(l, report) report(l, 'brev') end }");
	kb_findings *fs = run(ps, "Den pågældende borger.");
	KB_CHECK_INT(kb_findings_count(fs), 2);
	kb_findings_free(fs);
	kb_plugins_free(ps);
}

static void test_phrases__one_letter_gets_at_most_1000_findings_of_a_plugin(void)
{
	kb_plugins *ps = plugin("return { id = 'x', avoid = { 'ja' } }");
	size_t n = 1500;
	char *text = malloc(n * 3 + 1);
	for (size_t i = 0; i < n; i++)
		memcpy(text + i * 3, "ja ", 3);
	text[n * 3] = '\0';
	kb_findings *fs = run(ps, text);
	KB_CHECK_INT(kb_findings_count(fs), 1000);
	kb_findings_free(fs);
	kb_plugins_free(ps);
	free(text);
}

/* ---- mistakes in the lists break the plugin with a clear message ---- */

static void test_phrases__phrase_with_punctuation_outside_words_is_refused(void)
{
	KB_CHECK(contains(load_error("return { id = 'x', avoid = { '§ 5' } }"), "»§« står uden for et ord"));
	KB_CHECK(contains(load_error("return { id = 'x', avoid = { 'altså.' } }"), "»altså.«"));
	KB_CHECK(contains(load_error("return { id = 'x', avoid = { '' } }"), "ingen ord"));
	KB_CHECK(contains(load_error("return { id = 'x', avoid = { 'to\\nlinjer' } }"), "flere linjer"));
}

static void test_phrases__the_same_phrase_twice_is_refused(void)
{
	KB_CHECK(contains(load_error("return { id = 'x', replace = { ['Såfremt'] = 'hvis', ['såfremt'] = 'hvis' } }"),
	                  "er den samme frase"));
}

static void test_phrases__wrong_types_are_refused(void)
{
	KB_CHECK(contains(load_error("return { id = 'x', replace = { 'såfremt' } }"), "nøglerne skal være fraser"));
	KB_CHECK(contains(load_error("return { id = 'x', replace = { saafremt = 5 } }"), "skal være en tekst"));
	KB_CHECK(contains(load_error("return { id = 'x', avoid = { a = 'b' } }"), "'avoid' skal være en liste"));
	KB_CHECK(contains(load_error("return { id = 'x', avoid = 'b' }"), "'avoid' skal være en liste"));
	KB_CHECK(contains(load_error("return { id = 'x', message = 'm' }"), "bruges kun sammen med"));
}

static void test_phrases__message_format_is_checked(void)
{
	KB_CHECK(contains(load_error("return { id = 'x', avoid = { 'a' }, message = 'Undgå %d' }"), "kun bruge %s"));
	KB_CHECK(contains(load_error("return { id = 'x', avoid = { 'a' }, message = '%s %s' }"), "2 gange %s"));
	KB_CHECK(contains(load_error("return { id = 'x', avoid = { 'a' }, replace = { b = 'c' }, message = '%s' }"),
	                  "skal 'message' være en tabel"));
	KB_CHECK_STR(load_error("return { id = 'x', avoid = { 'a' }, message = '100%% %s' }"), "");
}

static void test_phrases__link_and_examples_are_accepted(void)
{
	KB_CHECK_STR(load_error("return { id = 'x', link = 'https://example.org', avoid = { 'a' },\n"
	                        "  examples = { ok = { 'b' }, bad = { '[[a]]' } } }"),
	             "");
	kb_plugins *ps =
	    plugin("return { id = 'x', avoid = { 'a' }, examples = { ok = { 'b', 'c' }, bad = { '[[a]]' } } }");
	char **ok = NULL, **bad = NULL;
	size_t nok = 0, nbad = 0;
	KB_CHECK_INT(kb_plugins_examples(&ok, &nok, &bad, &nbad, ps, 0), KB_OK);
	KB_CHECK_INT(nok, 2);
	KB_CHECK_INT(nbad, 1);
	if (nok == 2 && nbad == 1) {
		KB_CHECK_STR(ok[1], "c");
		KB_CHECK_STR(bad[0], "[[a]]");
	}
	kb_strv_free(ok);
	kb_strv_free(bad);
	kb_plugins_free(ps);
	KB_CHECK(contains(load_error("return { id = 'x', examples = { good = { 'a' } } }"), "ok og bad"));
	KB_CHECK(contains(load_error("return { id = 'x', examples = { ok = { 5 } } }"), "examples.ok[1]"));
}

/* ---- the phrase list on its own ---- */

static void test_phrases__list_add_remove_prepare(void)
{
	kb_phrases *ph = NULL;
	setup();
	KB_CHECK_INT(kb_phrases_new(&ph), KB_OK);
	const char *s[1] = { "hvis" };
	KB_CHECK_INT(kb_phrases_add(ph, g_ctx, "Såfremt", strlen("Såfremt"), s, 1, 0), KB_OK);
	KB_CHECK_INT(kb_phrases_add(ph, g_ctx, "i  henhold til", strlen("i  henhold til"), NULL, 0, 1), KB_OK);
	KB_CHECK_INT(kb_phrases_prepare(ph, g_ctx), KB_OK);
	KB_CHECK_INT(kb_phrases_count(ph), 2);
	KB_CHECK_INT(kb_phrases_remove(ph, "I HENHOLD TIL", strlen("I HENHOLD TIL")), 1);
	KB_CHECK_INT(kb_phrases_remove(ph, "ikke der", strlen("ikke der")), 0);
	KB_CHECK_INT(kb_phrases_count(ph), 1);
	KB_CHECK_STR(kb_phrases_text(ph, 0), "Såfremt");
	kb_phrases_free(ph);
	kb_phrases_free(NULL);
}

static void test_phrases__format(void)
{
	const char *args[2] = { "hvis", "såfremt" };
	char *s = kb_phrases_format("Skriv »%s« for »%s« (100%%), %s.", args, 2);
	KB_CHECK_STR(s, "Skriv »hvis« for »såfremt« (100%), .");
	free(s);
}

static void test_phrases__zz_teardown(void)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", g_dir);
	if (g_dir[0] && system(cmd) != 0)
		fprintf(stderr, "  could not remove %s\n", g_dir);
	kb_ctx_free(g_ctx);
	g_ctx = NULL;
}

KB_TESTS(KB_TEST(test_phrases__replace_finds_whole_words_in_any_case),
         KB_TEST(test_phrases__message_and_suggestion_follow_the_capital_letter),
         KB_TEST(test_phrases__a_list_of_suggestions_gives_them_all),
         KB_TEST(test_phrases__multi_word_phrase_across_a_line_break_and_many_spaces),
         KB_TEST(test_phrases__punctuation_between_the_words_is_no_match),
         KB_TEST(test_phrases__punctuation_around_the_phrase_is_left_out),
         KB_TEST(test_phrases__danish_letters_fold_case),
         KB_TEST(test_phrases__longest_phrase_wins_and_words_are_not_found_twice),
         KB_TEST(test_phrases__offsets_are_in_the_paragraph_of_the_match),
         KB_TEST(test_phrases__finding_carries_the_origin_of_its_text), KB_TEST(test_phrases__default_messages),
         KB_TEST(test_phrases__lists_and_visitors_in_one_plugin),
         KB_TEST(test_phrases__one_letter_gets_at_most_1000_findings_of_a_plugin),
         KB_TEST(test_phrases__phrase_with_punctuation_outside_words_is_refused),
         KB_TEST(test_phrases__the_same_phrase_twice_is_refused), KB_TEST(test_phrases__wrong_types_are_refused),
         KB_TEST(test_phrases__message_format_is_checked), KB_TEST(test_phrases__link_and_examples_are_accepted),
         KB_TEST(test_phrases__list_add_remove_prepare), KB_TEST(test_phrases__format),
         KB_TEST(test_phrases__zz_teardown))
