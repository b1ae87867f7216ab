/* test_spell.c -- Danish spelling: hunspell da_DK, the word lists, the cache, and the spelling rule over a letter
 * (what it skips, what it reports and with which suggestions). Needs hunspell-da (/usr/share/hunspell). */
#include "kbtest.h"
#include "spell.h"
#include "textmodel.h"

#include <stdint.h>
#include <unistd.h>

/* ---- helpers ---- */

static kb_ctx *g_ctx;
static kb_speller *g_sp; /* one speller for the suite: the dictionary loads once */

static kb_speller *speller(void)
{
	if (!g_ctx && kb_ctx_new(&g_ctx) != KB_OK)
		return NULL;
	if (!g_sp && kb_speller_new(&g_sp, g_ctx, NULL, "da_DK") != KB_OK)
		fprintf(stderr, "  kb_speller_new: %s\n", kb_ctx_errmsg(g_ctx));
	return g_sp;
}

static int check(const char *w)
{
	kb_speller *sp = speller();
	if (!sp)
		return -100;
	int r = kb_speller_check(sp, g_ctx, w, strlen(w));
	if (r < 0)
		fprintf(stderr, "  kb_speller_check(%s): %d %s\n", w, r, kb_ctx_errmsg(g_ctx));
	return r;
}

static kb_text *plain(const char *s)
{
	kb_text *t = NULL;
	speller(); /* makes g_ctx */
	if (kb_text_from_plain(&t, g_ctx, s, strlen(s), "brev.txt") != KB_OK)
		fprintf(stderr, "  kb_text_from_plain: %s\n", kb_ctx_errmsg(g_ctx));
	return t;
}

/* The spelling findings of t (a new list; caller frees). */
static kb_findings *spell(const kb_text *t)
{
	kb_findings *fs = NULL;
	kb_speller *sp = speller();
	if (!sp || !t || kb_findings_new(&fs) != KB_OK)
		return fs;
	int rc = kb_spell_text(sp, g_ctx, t, fs);
	if (rc)
		fprintf(stderr, "  kb_spell_text: %d %s\n", rc, kb_ctx_errmsg(g_ctx));
	return fs;
}

static kb_findings *spell_plain(const char *s)
{
	kb_text *t = plain(s);
	kb_findings *fs = spell(t);
	kb_text_free(t);
	return fs;
}

static int has_suggestion(const kb_finding *f, const char *want)
{
	for (size_t i = 0; f && i < f->nsuggestions; i++)
		if (!strcmp(f->suggestions[i], want))
			return 1;
	return 0;
}

/* Writes text to a new temporary file; returns its malloc'd path (caller unlinks and frees). */
static char *temp_file(const char *text)
{
	char tmpl[] = "/tmp/kbtest-spell-XXXXXX";
	int fd = mkstemp(tmpl);
	if (fd < 0)
		return NULL;
	size_t n = strlen(text);
	ssize_t w = write(fd, text, n);
	close(fd);
	if (w < 0 || (size_t)w != n) {
		unlink(tmpl);
		return NULL;
	}
	return kb_strdup(tmpl);
}

/* ---- single words ---- */

static void test_spell__known_word_is_correct(void)
{
	KB_CHECK_INT(check("kontanthjælp"), 1);
	KB_CHECK_INT(check("afgørelse"), 1);
	KB_CHECK_INT(check("Kommunen"), 1); /* capitalised at a sentence start */
}

static void test_spell__misspelt_word_is_unknown_with_the_right_suggestion(void)
{
	KB_CHECK_INT(check("kontanthjlp"), 0);
	char **sugg = NULL;
	size_t n = 0;
	KB_CHECK_INT(kb_speller_suggest(&sugg, &n, speller(), g_ctx, "kontanthjlp", strlen("kontanthjlp"), 3), KB_OK);
	KB_CHECK(n >= 1 && n <= 3);
	KB_CHECK(sugg && sugg[n] == NULL);
	KB_CHECK_STR(sugg && n ? sugg[0] : NULL, "kontanthjælp");
	kb_strv_free(sugg);
}

static void test_spell__abbreviations_are_looked_up_with_their_period(void)
{
	KB_CHECK_INT(check("f.eks."), 1);
	KB_CHECK_INT(check("stk."), 1);
	KB_CHECK_INT(check("sagsnr."), 1); /* on the project's list, not in da_DK */
	kb_findings *fs = spell_plain("Du kan f.eks. læse stk. 2 og bl.a. § 11, jf. sagsnr. 4.");
	KB_CHECK_INT(kb_findings_count(fs), 0);
	kb_findings_free(fs);
}

static void test_spell__hyphenated_compound_with_known_parts_is_correct(void)
{
	KB_CHECK_INT(check("EU-borger"), 1);
	KB_CHECK_INT(check("kontanthjælps-sagen"), 1);
	KB_CHECK_INT(check("Kommune-kontanthjælp"), 1); /* unknown as a whole, both parts known */
	KB_CHECK_INT(check("kontanthjlp-sagen"), 0);
}

static void test_spell__cache_gives_the_same_answers(void)
{
	const char *words[] = { "kontanthjælp", "kontanthjlp", "f.eks.", "EU-borger", "xyqwerte" };
	int first[5];
	for (int i = 0; i < 5; i++)
		first[i] = check(words[i]);
	for (int round = 0; round < 3; round++)
		for (int i = 0; i < 5; i++)
			KB_CHECK_INT(check(words[i]), first[i]);
	KB_CHECK_INT(first[0], 1);
	KB_CHECK_INT(first[1], 0);
	/* cached suggestions too */
	char **a = NULL, **b = NULL;
	size_t na = 0, nb = 0;
	kb_speller_suggest(&a, &na, speller(), g_ctx, "kontanthjlp", 11, 10);
	kb_speller_suggest(&b, &nb, speller(), g_ctx, "kontanthjlp", 11, 10);
	KB_CHECK_INT(na, nb);
	for (size_t i = 0; a && b && i < na && i < nb; i++)
		KB_CHECK_STR(b[i], a[i]);
	kb_strv_free(a);
	kb_strv_free(b);
}

static void test_spell__analyze_gives_hunspell_morphology(void)
{
	char **v = NULL;
	size_t n = 0;
	KB_CHECK_INT(kb_speller_analyze(&v, &n, speller(), g_ctx, "huset", 5), KB_OK);
	KB_CHECK(n >= 1);
	KB_CHECK(v && v[n] == NULL);
	kb_strv_free(v);
}

/* ---- the spelling rule over a letter ---- */

static void test_spell__unknown_word_becomes_a_finding(void)
{
	kb_findings *fs = spell_plain("Du får kontanthjlp fra 1. marts.");
	KB_CHECK_INT(kb_findings_count(fs), 1);
	const kb_finding *f = kb_findings_get(fs, 0);
	if (f) {
		KB_CHECK_STR(f->rule, "stavning");
		KB_CHECK_INT(f->level, KB_LEVEL_WARNING);
		KB_CHECK_STR(f->message, "Ukendt ord: »kontanthjlp«.");
		KB_CHECK_STR(f->text, "kontanthjlp");
		KB_CHECK_STR(f->source, "spell");
		KB_CHECK_STR(f->origin, "template");
		KB_CHECK_INT(f->paragraph, 0);
		KB_CHECK_INT(f->start, strlen("Du får "));
		KB_CHECK_INT(f->len, strlen("kontanthjlp"));
		KB_CHECK(f->nsuggestions >= 1 && f->nsuggestions <= 3);
		KB_CHECK(has_suggestion(f, "kontanthjælp"));
	}
	kb_findings_free(fs);
}

static void test_spell__clean_text_gives_no_findings(void)
{
	kb_findings *fs = spell_plain("Kommunen har modtaget din ansøgning om kontanthjælp.\n"
	                              "Vi har truffet afgørelse i din sag.");
	KB_CHECK_INT(kb_findings_count(fs), 0);
	kb_findings_free(fs);
}

static void test_spell__word_in_a_nospell_span_is_not_reported(void)
{
	kb_text *t = NULL;
	KB_CHECK_INT(kb_text_new(&t), KB_OK);
	/* "Kære Xyqwerte Hansen, din Xyqwerte." with the name from a field typed name */
	const char *s = "Kære Xyqwerte Hansen, din Xyqwerte.";
	size_t a = strlen("Kære "), b = a + strlen("Xyqwerte Hansen");
	kb_span spans[] = { { 0, a, "template", 0 },
		            { a, b - a, "field:modtager.navn", KB_SPAN_NOSPELL | KB_SPAN_PERSONAL },
		            { b, strlen(s) - b, "template", 0 } };
	KB_CHECK_INT(kb_text_add_paragraph(t, s, strlen(s), NULL, spans, 3), KB_OK);
	kb_findings *fs = spell(t);
	KB_CHECK_INT(kb_findings_count(fs), 1);
	const kb_finding *f = kb_findings_get(fs, 0);
	if (f) {
		KB_CHECK_STR(f->text, "Xyqwerte");
		KB_CHECK_INT(f->start, strlen("Kære Xyqwerte Hansen, din "));
		KB_CHECK_STR(f->origin, "template");
	}
	kb_findings_free(fs);
	kb_text_free(t);
}

static void test_spell__word_from_a_field_carries_its_origin(void)
{
	kb_text *t = NULL;
	KB_CHECK_INT(kb_text_new(&t), KB_OK);
	const char *s = "Begrundelse: du har kontanthjlp nu.";
	kb_span spans[] = { { 0, 13, "template", 0 }, { 13, strlen(s) - 13, "field:begrundelse", 0 } };
	KB_CHECK_INT(kb_text_add_paragraph(t, s, strlen(s), NULL, spans, 2), KB_OK);
	kb_findings *fs = spell(t);
	KB_CHECK_INT(kb_findings_count(fs), 1);
	KB_CHECK_STR(kb_findings_count(fs) ? kb_findings_get(fs, 0)->origin : NULL, "field:begrundelse");
	kb_findings_free(fs);
	kb_text_free(t);
}

static void test_spell__digits_urls_and_email_are_skipped(void)
{
	kb_findings *fs = spell_plain("Se www.xyqwerte.dk eller https://xyqwerte.dk/qzx og skriv til qzx@xyqwerte.dk "
	                              "om sag 2024-xyq17 og 83a, 10.000 kr.");
	KB_CHECK_INT(kb_findings_count(fs), 0);
	for (size_t i = 0; i < kb_findings_count(fs); i++)
		fprintf(stderr, "    unexpected: %s\n", kb_findings_get(fs, i)->text);
	kb_findings_free(fs);
}

static void test_spell__slash_words_are_checked_part_by_part(void)
{
	kb_findings *fs = spell_plain("Du skal og/eller kan søge. Du kan og/ellr ikke.");
	KB_CHECK_INT(kb_findings_count(fs), 1);
	const kb_finding *f = kb_findings_get(fs, 0);
	if (f) {
		KB_CHECK_STR(f->text, "ellr");
		KB_CHECK_INT(f->start, strlen("Du skal og/eller kan søge. Du kan og/"));
	}
	kb_findings_free(fs);
}

static void test_spell__every_occurrence_is_reported(void)
{
	kb_findings *fs = spell_plain("Xyqwerte og xyqwerte.\nIgen xyqwerte.");
	KB_CHECK_INT(kb_findings_count(fs), 3);
	KB_CHECK_INT(kb_findings_count(fs) == 3 ? kb_findings_get(fs, 2)->paragraph : -9, 1);
	kb_findings_free(fs);
}

/* ---- word lists ---- */

static void test_spell__word_list_adds_words_with_affix_flags(void)
{
	kb_ctx *ctx = NULL;
	kb_speller *sp = NULL;
	KB_CHECK_INT(kb_ctx_new(&ctx), KB_OK);
	KB_CHECK_INT(kb_speller_new(&sp, ctx, NULL, NULL), KB_OK);
	/* "aktivlov" gets the flags of "lov" in da_DK (5,2,10,39,31): definite, genitive and plural forms follow */
	char *path = temp_file("# klarbrev: local words\n"
	                       "\n"
	                       "Klarbrevkommune\n"
	                       "   # an indented comment\r\n"
	                       "aktivlov/5,2,10,39,31\r\n");
	KB_CHECK(path != NULL);
	if (!sp || !path)
		goto done;
	KB_CHECK_INT(kb_speller_check(sp, ctx, "Klarbrevkommune", 15), 0); /* not without the list */
	kb_speller_free(sp);
	sp = NULL;
	KB_CHECK_INT(kb_speller_new(&sp, ctx, NULL, NULL), KB_OK);
	KB_CHECK_INT(kb_speller_add_dic(sp, ctx, path), KB_OK);
	const char *good[] = { "Klarbrevkommune", "aktivlov", "aktivloven", "aktivlovens", "aktivlove", "Aktivloven" };
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		int r = kb_speller_check(sp, ctx, good[i], strlen(good[i]));
		if (r != 1)
			fprintf(stderr, "    %s: %d %s\n", good[i], r, kb_ctx_errmsg(ctx));
		KB_CHECK_INT(r, 1);
	}
	/* comment lines are not words */
	KB_CHECK_INT(kb_speller_check(sp, ctx, "# klarbrev: local words", 23), 0);
	KB_CHECK_INT(kb_speller_check(sp, ctx, "aktivlovx", 9), 0);
done:
	if (path)
		unlink(path);
	free(path);
	kb_speller_free(sp);
	kb_ctx_free(ctx);
}

static void test_spell__word_list_added_after_load_takes_effect(void)
{
	kb_ctx *ctx = NULL;
	kb_speller *sp = NULL;
	KB_CHECK_INT(kb_ctx_new(&ctx), KB_OK);
	KB_CHECK_INT(kb_speller_new(&sp, ctx, NULL, NULL), KB_OK);
	char *path = temp_file("1\nXyqwertekommune\n");
	if (sp && path) {
		KB_CHECK_INT(kb_speller_check(sp, ctx, "Xyqwertekommune", 15), 0); /* loads, caches "no" */
		KB_CHECK(kb_speller_is_loaded(sp));
		KB_CHECK_INT(kb_speller_add_dic(sp, ctx, path), KB_OK);
		KB_CHECK_INT(kb_speller_check(sp, ctx, "Xyqwertekommune", 15), 1);
	}
	if (path)
		unlink(path);
	free(path);
	kb_speller_free(sp);
	kb_ctx_free(ctx);
}

static void test_spell__word_list_with_bad_utf8_names_the_line(void)
{
	kb_ctx *ctx = NULL;
	kb_speller *sp = NULL;
	KB_CHECK_INT(kb_ctx_new(&ctx), KB_OK);
	KB_CHECK_INT(kb_speller_new(&sp, ctx, NULL, NULL), KB_OK);
	char *path = temp_file("2\nok\nbl\xe5"
	                       "b\xe6"
	                       "r\n");
	if (sp && path) {
		KB_CHECK_INT(kb_speller_add_dic(sp, ctx, path), KB_EINPUT);
		KB_CHECK(strstr(kb_ctx_errmsg(ctx), "line 3") != NULL);
		KB_CHECK(strstr(kb_ctx_errmsg(ctx), path) != NULL);
	}
	KB_CHECK_INT(kb_speller_add_dic(sp, ctx, "/nonexistent/words.dic"), KB_ENOTFOUND);
	if (path)
		unlink(path);
	free(path);
	kb_speller_free(sp);
	kb_ctx_free(ctx);
}

static void test_spell__missing_dictionary_says_which_package_to_install(void)
{
	kb_ctx *ctx = NULL;
	kb_speller *sp = NULL;
	KB_CHECK_INT(kb_ctx_new(&ctx), KB_OK);
	KB_CHECK_INT(kb_speller_new(&sp, ctx, "/nonexistent/hunspell", "da_DK"), KB_OK);
	KB_CHECK_INT(kb_speller_check(sp, ctx, "hus", 3), KB_ENOTFOUND);
	KB_CHECK_STR(kb_ctx_errmsg(ctx), "Danish dictionary not found: /nonexistent/hunspell/da_DK.dic; install the "
	                                 "package hunspell-da (scripts/install-deps.sh)");
	kb_findings *fs = NULL;
	kb_text *t = plain("Et hus.");
	kb_findings_new(&fs);
	KB_CHECK_INT(kb_spell_text(sp, ctx, t, fs), KB_ENOTFOUND);
	kb_findings_free(fs);
	kb_text_free(t);
	kb_speller_free(sp);
	kb_ctx_free(ctx);
}

static void test_spell__overlong_token_is_unknown_without_crashing(void)
{
	char big[1200];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	kb_findings *fs = spell_plain(big);
	KB_CHECK_INT(kb_findings_count(fs), 1);
	const kb_finding *f = kb_findings_get(fs, 0);
	if (f) {
		KB_CHECK_INT(f->len, sizeof big - 1);
		KB_CHECK(strlen(f->message) < 200); /* the message quotes a bounded piece */
	}
	kb_findings_free(fs);
}

static void test_spell__free_accepts_null(void)
{
	kb_speller_free(NULL);
	kb_strv_free(NULL);
	KB_CHECK(1);
}

static void test_spell__zz_teardown(void)
{
	kb_speller_free(g_sp);
	kb_ctx_free(g_ctx);
	g_sp = NULL;
	g_ctx = NULL;
	KB_CHECK(1);
}

KB_TESTS(KB_TEST(test_spell__known_word_is_correct),
         KB_TEST(test_spell__misspelt_word_is_unknown_with_the_right_suggestion),
         KB_TEST(test_spell__abbreviations_are_looked_up_with_their_period),
         KB_TEST(test_spell__hyphenated_compound_with_known_parts_is_correct),
         KB_TEST(test_spell__cache_gives_the_same_answers), KB_TEST(test_spell__analyze_gives_hunspell_morphology),
         KB_TEST(test_spell__unknown_word_becomes_a_finding), KB_TEST(test_spell__clean_text_gives_no_findings),
         KB_TEST(test_spell__word_in_a_nospell_span_is_not_reported),
         KB_TEST(test_spell__word_from_a_field_carries_its_origin),
         KB_TEST(test_spell__digits_urls_and_email_are_skipped),
         KB_TEST(test_spell__slash_words_are_checked_part_by_part), KB_TEST(test_spell__every_occurrence_is_reported),
         KB_TEST(test_spell__word_list_adds_words_with_affix_flags),
         KB_TEST(test_spell__word_list_added_after_load_takes_effect),
         KB_TEST(test_spell__word_list_with_bad_utf8_names_the_line),
         KB_TEST(test_spell__missing_dictionary_says_which_package_to_install),
         KB_TEST(test_spell__overlong_token_is_unknown_without_crashing), KB_TEST(test_spell__free_accepts_null),
         KB_TEST(test_spell__zz_teardown))
