/* test_spell.c -- Danish spelling: hunspell da_DK, the word lists, the cache, and the spelling rule over a letter
 * (what it skips, what it reports and with which suggestions). Needs hunspell-da (/usr/share/hunspell). */
#include "kbtest.h"
#include "docxfix.h"
#include "letter.h"
#include "spell.h"
#include "textmodel.h"

#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef KB_TEST_BINARY_DIR
#define KB_TEST_BINARY_DIR "."
#endif

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

/* The spelling findings of t with sp and opts (a new list; caller frees). */
static kb_findings *spell_with(kb_speller *sp, const kb_text *t, const kb_spell_options *opts)
{
	kb_findings *fs = NULL;
	if (!sp || !t || kb_findings_new(&fs) != KB_OK)
		return fs;
	int rc = kb_spell_text(sp, g_ctx, t, opts, fs, NULL);
	if (rc)
		fprintf(stderr, "  kb_spell_text: %d %s\n", rc, kb_ctx_errmsg(g_ctx));
	return fs;
}

static kb_findings *spell(const kb_text *t)
{
	return spell_with(speller(), t, NULL);
}

/* Prints the findings of fs, for a failing count. */
static void show(const kb_findings *fs)
{
	for (size_t i = 0; i < kb_findings_count(fs); i++)
		fprintf(stderr, "    finding: %s\n", kb_findings_get(fs, i)->text);
}

static kb_findings *spell_plain(const char *s)
{
	kb_text *t = plain(s);
	kb_findings *fs = spell(t);
	kb_text_free(t);
	return fs;
}

/* 1 when hunspell, asked afresh (no cache) up to five times, suggests want for w: then a list without want was
 * hunspell's time limit (see hunspell_unstable), which the test allows and prints. */
static int hunspell_would_suggest(const char *w, const char *want)
{
	kb_ctx *ctx = NULL;
	kb_speller *sp = NULL;
	int found = 0;
	if (kb_ctx_new(&ctx) != KB_OK || kb_speller_new(&sp, ctx, NULL, "da_DK") != KB_OK)
		goto done;
	kb_speller_set_cache(sp, 0);
	for (int i = 0; i < 5 && !found; i++) {
		char **sugg = NULL;
		size_t n = 0;
		if (kb_speller_suggest(&sugg, &n, sp, ctx, w, strlen(w), 10) == KB_OK)
			for (size_t k = 0; k < n; k++)
				found |= !strcmp(sugg[k], want);
		kb_strv_free(sugg);
	}
	if (found)
		fprintf(stderr, "    (hunspell's time limit: %s got %s only when asked again)\n", w, want);
done:
	kb_speller_free(sp);
	kb_ctx_free(ctx);
	return found;
}

/* 1 when finding f suggests want, or would have but for hunspell's time limit (a loaded machine, the sanitizers) */
static int has_suggestion(const kb_finding *f, const char *want)
{
	for (size_t i = 0; f && i < f->nsuggestions; i++)
		if (!strcmp(f->suggestions[i], want))
			return 1;
	return f && f->text && hunspell_would_suggest(f->text, want);
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
		KB_CHECK(strstr(kb_ctx_errmsg(ctx), "linje 3") != NULL);
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
	KB_CHECK_STR(kb_ctx_errmsg(ctx), "den danske ordbog findes ikke: /nonexistent/hunspell/da_DK.dic; installer "
	                                 "pakken hunspell-da (scripts/install-deps.sh)");
	kb_findings *fs = NULL;
	kb_text *t = plain("Et hus.");
	kb_findings_new(&fs);
	KB_CHECK_INT(kb_spell_text(sp, ctx, t, NULL, fs, NULL), KB_ENOTFOUND);
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

/* ---- skipping rules ---- */

static void test_spell__case_numbers_after_a_label_are_skipped(void)
{
	kb_findings *fs = spell_plain("Sagsnr. KS-XYQW, j.nr. QZX/ØKO og journalnummer XYQWERT.\n"
	                              "Vores sagsnr. er xyqwerte.\n"
	                              "Se KS-XYQW.");
	/* the code after a label is skipped; a prose word after one is not; the same code elsewhere is checked */
	KB_CHECK_INT(kb_findings_count(fs), 2);
	KB_CHECK_STR(kb_findings_count(fs) == 2 ? kb_findings_get(fs, 0)->text : NULL, "xyqwerte");
	KB_CHECK_STR(kb_findings_count(fs) == 2 ? kb_findings_get(fs, 1)->text : NULL, "KS-XYQW");
	kb_findings_free(fs);
}

static void test_spell__letters_in_section_references_are_skipped(void)
{
	kb_findings *fs = spell_plain("Efter § 13 f, stk. 2, og §§ 69 l–q og 42 x–z, litra q, jf. LOV nr 433 af 2014.");
	KB_CHECK_INT(kb_findings_count(fs), 0);
	show(fs);
	kb_findings_free(fs);
	/* outside a reference the same tokens are words like any other */
	fs = spell_plain("Bogstaverne l–q. Se nr 5.");
	KB_CHECK_INT(kb_findings_count(fs), 2);
	KB_CHECK_STR(kb_findings_count(fs) == 2 ? kb_findings_get(fs, 0)->text : NULL, "l–q");
	KB_CHECK_STR(kb_findings_count(fs) == 2 ? kb_findings_get(fs, 1)->text : NULL, "nr");
	kb_findings_free(fs);
}

static void test_spell__words_on_the_case_ignore_list_are_not_reported(void)
{
	const char *ignore[] = { "Xyqwerte", "qzxv  Vbnmq", NULL };
	kb_spell_options opts = { .ignore = ignore };
	kb_text *t = plain("Xyqwerte, XYQWERTE og xyqwerte. Qzxv og vbnmq og xyqwerte/plokij. Men Plokij.");
	kb_findings *fs = spell_with(speller(), t, &opts);
	KB_CHECK_INT(kb_findings_count(fs), 2); /* "plokij" in the slash word, and "Plokij" */
	for (size_t i = 0; i < kb_findings_count(fs); i++)
		KB_CHECK(strcmp(kb_findings_get(fs, i)->text, "Plokij") == 0 ||
		         strcmp(kb_findings_get(fs, i)->text, "plokij") == 0);
	kb_findings_free(fs);
	kb_text_free(t);
}

static void test_spell__word_hyphenated_over_a_line_break_is_joined(void)
{
	kb_text *t = NULL;
	KB_CHECK_INT(kb_text_new(&t), KB_OK);
	/* a line break inside a paragraph (Word's w:br) */
	const char *s = "Du får kontant-\nhjælp og kontant-\n  hjlp, EU-\nborgere og selvforsørgelses-\n"
	                "og hjemrejseydelse.";
	KB_CHECK_INT(kb_text_add_paragraph(t, s, strlen(s), NULL, NULL, 0), KB_OK);
	kb_findings *fs = spell(t);
	KB_CHECK_INT(kb_findings_count(fs), 1);
	const kb_finding *f = kb_findings_count(fs) ? kb_findings_get(fs, 0) : NULL;
	if (f) {
		KB_CHECK_STR(f->text, "kontanthjlp");
		KB_CHECK_STR(f->message, "Ukendt ord: »kontanthjlp«.");
		KB_CHECK_INT(f->start, strlen("Du får kontant-\nhjælp og "));
		KB_CHECK_INT(f->len, strlen("kontant-\n  hjlp"));
		KB_CHECK(has_suggestion(f, "kontanthjælp"));
	}
	kb_findings_free(fs);
	kb_text_free(t);

	/* the lines of a .txt letter are paragraphs: the word goes on in the next one */
	fs = spell_plain("Du får kontant-\nhjælp.\nDu får kontant-\nhjlp nu.\nXyqwer-\nQzxv");
	KB_CHECK_INT(kb_findings_count(fs), 3);
	f = kb_findings_count(fs) ? kb_findings_get(fs, 0) : NULL;
	if (f) {
		KB_CHECK_STR(f->text, "kontanthjlp");
		KB_CHECK_INT(f->paragraph, 2);
		KB_CHECK_INT(f->start, strlen("Du får "));
		KB_CHECK_INT(f->len, strlen("kontant-"));
	}
	/* a capital after the break starts a new word: "Xyqwer" and "Qzxv" are reported on their own */
	KB_CHECK_STR(kb_findings_count(fs) == 3 ? kb_findings_get(fs, 1)->text : NULL, "Xyqwer");
	KB_CHECK_STR(kb_findings_count(fs) == 3 ? kb_findings_get(fs, 2)->text : NULL, "Qzxv");
	kb_findings_free(fs);
}

static void test_spell__typographic_apostrophe_is_looked_up_as_ascii(void)
{
	KB_CHECK_INT(check("A's"), 1);
	KB_CHECK_INT(check("A’s"), 1); /* Word's autocorrect types U+2019 */
	KB_CHECK_INT(check("Xyq’s"), 0);
}

/* ---- the project's and a municipality's word lists ---- */

/* A speller with the repository's dictionaries/ loaded, as the checker makes it. */
static kb_speller *project_speller(kb_ctx *ctx)
{
	kb_speller *sp = NULL;
	char **paths = NULL;
	size_t n = 0;
	if (kb_speller_new(&sp, ctx, NULL, NULL) != KB_OK)
		return NULL;
	KB_CHECK_INT(kb_list_dir(&paths, &n, ctx, KB_TEST_SOURCE_DIR "/dictionaries", ".dic", 100), KB_OK);
	KB_CHECK(n >= 3);
	for (size_t i = 0; i < n; i++) {
		int rc = kb_speller_add_dic(sp, ctx, paths[i]);
		if (rc)
			fprintf(stderr, "    %s: %s\n", paths[i], kb_ctx_errmsg(ctx));
		KB_CHECK_INT(rc, KB_OK);
	}
	kb_paths_free(paths);
	return sp;
}

static void test_spell__project_lists_give_inflected_forms_and_abbreviations(void)
{
	kb_ctx *ctx = NULL;
	KB_CHECK_INT(kb_ctx_new(&ctx), KB_OK);
	kb_speller *sp = project_speller(ctx);
	/* forms that only the flags produce (the lists hold "aktivlov/5,2,10,39,31", "officialprincip/10,3,39,31",
	 * ...), names, acronyms, and abbreviations with their period */
	const char *known[] = { "aktivloven", "aktivlovens", "Aktivlovene", "officialprincippet", "officialprincipper",
		                "fleksløntilskuddet", "dynamostolen", "kropsbårne", "oppebåret", "NemKontos",
		                "UDK", "FVL", "kontonr.", "reg.nr.", "lovbekg.", "sagsbeh.", NULL };
	for (const char **w = known; sp && *w; w++) {
		int r = kb_speller_check(sp, ctx, *w, strlen(*w));
		if (r != 1)
			fprintf(stderr, "    %s: %d\n", *w, r);
		KB_CHECK_INT(r, 1);
		KB_CHECK_INT(check(*w), 0); /* da_DK alone does not know it: the list is what makes it known */
	}
	/* in a letter: "lovbekg." and "kontonr." are not on the tokenizer's abbreviation list, so they are looked up
	 * with the period that follows them */
	kb_text *t = plain("Efter aktivlovens § 34, jf. lovbekg. nr. 1160, og officialprincippet. "
	                   "Indsæt på kontonr. 12.");
	kb_findings *fs = spell_with(sp, t, NULL);
	KB_CHECK_INT(kb_findings_count(fs), 0);
	show(fs);
	kb_findings_free(fs);
	fs = spell(t); /* without the lists */
	KB_CHECK_INT(kb_findings_count(fs), 4);
	kb_findings_free(fs);
	kb_text_free(t);
	kb_speller_free(sp);
	kb_ctx_free(ctx);
}

static void test_spell__municipal_list_in_windows_1252_through_the_wordlist_api(void)
{
	kb_ctx *ctx = NULL;
	kb_speller *sp = NULL;
	KB_CHECK_INT(kb_ctx_new(&ctx), KB_OK);
	/* "Xyqwertehøj/10" (a place name with the genitive flag) and "Qzxvbrække", saved by a Windows program */
	char *path = temp_file("# Xyqwerteh\xf8j Kommunes stednavne\n"
	                       "Xyqwerteh\xf8j/10\r\n"
	                       "Qzxvbr\xe6kke\r\n");
	KB_CHECK_INT(kb_speller_new(&sp, ctx, NULL, NULL), KB_OK);
	if (sp && path) {
		KB_CHECK_INT(kb_speller_add_wordlist(sp, ctx, path, "windows-1252"), KB_OK);
		KB_CHECK_INT(kb_speller_check(sp, ctx, "Xyqwertehøj", strlen("Xyqwertehøj")), 1);
		KB_CHECK_INT(kb_speller_check(sp, ctx, "Xyqwertehøjs", strlen("Xyqwertehøjs")), 1);
		KB_CHECK_INT(kb_speller_check(sp, ctx, "Qzxvbrække", strlen("Qzxvbrække")), 1);
		KB_CHECK_INT(kb_speller_check(sp, ctx, "Qzxvbraekke", strlen("Qzxvbraekke")), 0);
		/* read as UTF-8, the same file is refused with the line and a hint */
		KB_CHECK_INT(kb_speller_add_wordlist(sp, ctx, path, NULL), KB_EINPUT);
		KB_CHECK(strstr(kb_ctx_errmsg(ctx), ": linje 2 er ikke gyldig UTF-8") != NULL);
		KB_CHECK(strstr(kb_ctx_errmsg(ctx), "windows-1252") != NULL);
		KB_CHECK_INT(kb_speller_add_wordlist(sp, ctx, path, "latin-99"), KB_EINPUT);
		KB_CHECK(strstr(kb_ctx_errmsg(ctx), "tegnsættet »latin-99« kendes ikke") != NULL);
	}
	if (path)
		unlink(path);
	free(path);
	kb_speller_free(sp);
	kb_ctx_free(ctx);
}

static void test_spell__word_list_flags_must_be_numbers_for_da_DK(void)
{
	kb_ctx *ctx = NULL;
	kb_speller *sp = NULL;
	KB_CHECK_INT(kb_ctx_new(&ctx), KB_OK);
	KB_CHECK_INT(kb_speller_new(&sp, ctx, NULL, NULL), KB_OK);
	const char *bad[] = { "ok\nxyqlov/AB\n", "ok\nxyqlov/5.2\n", "ok\nxyqlov/5,2,\n", "ok\nxyqlov/\n" };
	for (size_t i = 0; sp && i < sizeof bad / sizeof bad[0]; i++) {
		char *path = temp_file(bad[i]);
		KB_CHECK_INT(kb_speller_add_wordlist(sp, ctx, path, NULL), KB_EINPUT);
		KB_CHECK(strstr(kb_ctx_errmsg(ctx), ": linje 2: flagene »") != NULL);
		KB_CHECK(strstr(kb_ctx_errmsg(ctx), "FLAG num") != NULL);
		if (path)
			unlink(path);
		free(path);
	}
	char *path = temp_file("xyqlov/5,2,10,39,31\txyq:morfologi\n");
	KB_CHECK_INT(kb_speller_add_wordlist(sp, ctx, path, NULL), KB_OK);
	KB_CHECK_INT(kb_speller_check(sp, ctx, "xyqloven", 8), 1);
	if (path)
		unlink(path);
	free(path);
	kb_speller_free(sp);
	kb_ctx_free(ctx);
}

/* ---- suggestions and the cache ---- */

static void test_spell__suggestions_find_the_word_for_typical_typos(void)
{
	const char *pairs[][2] = { { "afgoerelse", "afgørelse" },        { "haandbog", "håndbog" },
		                   { "kommunne", "kommune" },             { "ansøgnign", "ansøgning" },
		                   { "klagevejldning", "klagevejledning" }, { "sagsbehanlder", "sagsbehandler" } };
	for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
		char **sugg = NULL;
		size_t n = 0;
		KB_CHECK_INT(check(pairs[i][0]), 0);
		const char *typo = pairs[i][0];
		KB_CHECK_INT(kb_speller_suggest(&sugg, &n, speller(), g_ctx, typo, strlen(typo), 3), KB_OK);
		int found = 0;
		for (size_t k = 0; k < n; k++)
			found |= !strcmp(sugg[k], pairs[i][1]);
		found = found || hunspell_would_suggest(typo, pairs[i][1]);
		if (!found)
			fprintf(stderr, "    %s: %s not among the first three\n", pairs[i][0], pairs[i][1]);
		KB_CHECK(found);
		kb_strv_free(sugg);
	}
}

/* The admin corpus of ../shared as one text. */
static kb_text *corpus_text(kb_ctx *ctx)
{
	char **paths = NULL;
	size_t n = 0;
	kb_buf all;
	kb_buf_init(&all, 1u << 24);
	kb_text *t = NULL;
	if (kb_list_dir(&paths, &n, ctx, KB_TEST_SHARED_DIR "/corpus/admin", ".txt", 100) != KB_OK)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		char *data = NULL;
		size_t len = 0;
		if (kb_read_file(&data, &len, ctx, paths[i], 1u << 22) == KB_OK)
			kb_buf_add(&all, data, len);
		kb_buf_addc(&all, '\n');
		free(data);
	}
	kb_paths_free(paths);
	if (kb_text_from_plain(&t, ctx, all.data, all.len, "corpus") != KB_OK)
		t = NULL;
	kb_buf_free(&all);
	return t;
}

/* hunspell gives up on a compound after a twentieth of a second of CPU time (its TIMELIMIT), so in a slow build
 * (sanitizers, -O0) a long compound can come back unknown one time and known the next. True when asking the
 * uncached speller again gives another answer than first: then a difference from the cache is hunspell's, not the
 * cache's. */
static int hunspell_unstable(kb_speller *uncached, kb_ctx *ctx, const char *w, size_t len, int first)
{
	for (int i = 0; i < 5; i++)
		if (kb_speller_check(uncached, ctx, w, len) != first)
			return 1;
	return 0;
}

/* 1 when one of the lists a[0..na), b[0..nb) begins with the whole other one. hunspell's suggestions come in phases
 * (typing errors first, then n-gram likeness), each stopped by the same time limit: under load a list can lose its
 * last phase, never gain a word another list lacks in the middle. */
static int one_begins_the_other(char **a, size_t na, char **b, size_t nb)
{
	size_t n = na < nb ? na : nb;
	for (size_t i = 0; i < n; i++)
		if (strcmp(a[i], b[i]) != 0)
			return 0;
	return 1;
}

/* Findings of a and b agree, except for a word hunspell itself answers both ways. */
static void same_findings(kb_findings *fa, kb_findings *fb, kb_speller *uncached, kb_ctx *ctx, size_t *unstable)
{
	size_t i = 0, j = 0, na = kb_findings_count(fa), nb = kb_findings_count(fb);
	while (i < na || j < nb) {
		const kb_finding *x = i < na ? kb_findings_get(fa, i) : NULL, *y = j < nb ? kb_findings_get(fb, j) : NULL;
		if (x && y && x->paragraph == y->paragraph && x->start == y->start) {
			KB_CHECK_STR(x->text, y->text);
			/* a list cut short by hunspell's time limit (in the cache from the first round, or now) */
			if (x->nsuggestions != y->nsuggestions &&
			    one_begins_the_other(x->suggestions, x->nsuggestions, y->suggestions, y->nsuggestions)) {
				fprintf(stderr, "    (hunspell's time limit: %s has %zu suggestions cached, %zu not)\n", x->text,
				        x->nsuggestions, y->nsuggestions);
				(*unstable)++;
			} else {
				KB_CHECK_INT(x->nsuggestions, y->nsuggestions);
				for (size_t s = 0; s < x->nsuggestions && s < y->nsuggestions; s++)
					KB_CHECK_STR(x->suggestions[s], y->suggestions[s]);
			}
			i++, j++;
			continue;
		}
		/* a finding only one of them has: the one that comes first in the letter */
		int take_x = x && (!y || x->paragraph < y->paragraph || (x->paragraph == y->paragraph && x->start < y->start));
		const kb_finding *only = take_x ? x : y;
		int ok = hunspell_unstable(uncached, ctx, only->text, strlen(only->text), 0);
		if (!ok)
			fprintf(stderr, "    only %s has a finding for %s\n", take_x ? "the cached" : "the uncached", only->text);
		KB_CHECK(ok);
		(*unstable)++;
		if (take_x)
			i++;
		else
			j++;
	}
}

static void test_spell__cache_gives_the_same_answers_as_no_cache(void)
{
	kb_ctx *ctx = NULL;
	KB_CHECK_INT(kb_ctx_new(&ctx), KB_OK);
	kb_text *t = corpus_text(ctx);
	KB_CHECK(t != NULL && t->nparas > 100);
	kb_speller *cached = project_speller(ctx), *uncached = project_speller(ctx);
	kb_text *typos = plain("Kommunnen har modtaget din ansøgnign om kontanthjlp.\n"
	                       "Kommunnen har truffet afgoerelse.");
	if (!t || !cached || !uncached)
		goto done;
	kb_speller_set_cache(uncached, 0);
	/* every word of the corpus twice: the second round comes from the cache */
	size_t words = 0, unstable = 0;
	for (int round = 0; round < 2; round++)
		for (size_t pi = 0; pi < t->nparas; pi++)
			for (size_t wi = 0; wi < t->paras[pi].nwords; wi++) {
				const char *w = t->paras[pi].text + t->paras[pi].words[wi].start;
				size_t len = t->paras[pi].words[wi].len;
				int a = kb_speller_check(cached, ctx, w, len);
				int b = kb_speller_check(uncached, ctx, w, len);
				words++;
				if (a == b)
					continue;
				/* hunspell gives up on a long compound after a time limit and answers "unknown": on a loaded
				 * machine under the sanitizers the cached speller may have kept such an answer from the first
				 * round (seen: "Arbejdsskadesikringslovens", cached 0, uncached 1). That is hunspell's wobble,
				 * not the cache's. */
				if (hunspell_unstable(uncached, ctx, w, len, b) || (a == 0 && b == 1 && len >= 16)) {
					unstable++;
					continue;
				}
				fprintf(stderr, "    %.*s: cached %d, uncached %d\n", (int)len, w, a, b);
				KB_CHECK_INT(a, b);
			}
	KB_CHECK(words > 5000);
	/* the cache is used: the second round asked hunspell nothing, the uncached speller asked for every word */
	KB_CHECK(kb_speller_computed(cached) <= words / 2);
	KB_CHECK(kb_speller_computed(cached) < words / 4); /* a corpus repeats its words */
	if (!unstable)
		KB_CHECK_INT(kb_speller_computed(uncached), words);
	else
		KB_CHECK(kb_speller_computed(uncached) > words); /* the words asked again, above */
	/* the rule over a letter: the same findings with the same suggestions, and the same number of look-ups */
	for (int k = 0; k < 2; k++) {
		const kb_text *tt = k ? typos : t;
		kb_findings *fa = NULL, *fb = NULL;
		size_t ca = 0, cb = 0;
		kb_findings_new(&fa);
		kb_findings_new(&fb);
		KB_CHECK_INT(kb_spell_text(cached, ctx, tt, NULL, fa, &ca), KB_OK);
		KB_CHECK_INT(kb_spell_text(uncached, ctx, tt, NULL, fb, &cb), KB_OK);
		KB_CHECK_INT(ca, cb);
		KB_CHECK(kb_findings_count(fa) >= (size_t)(k ? 5 : 1));
		same_findings(fa, fb, uncached, ctx, &unstable);
		kb_findings_free(fa);
		kb_findings_free(fb);
	}
	/* hunspell's time limit may bite in a slow build, but only on a few long compounds */
	KB_CHECK(unstable * 200 <= words);
done:
	kb_text_free(typos);
	kb_speller_free(cached);
	kb_speller_free(uncached);
	kb_text_free(t);
	kb_ctx_free(ctx);
}

/* ---- a filled letter: which fields are checked ---- */

#define TP(x) "<w:p><w:r><w:t xml:space=\"preserve\">" x "</w:t></w:r></w:p>"
#define FIELDS_DIR KB_TEST_BINARY_DIR "/test_spell_fields"

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* Renders the fields template with case json and returns its spelling findings (no suggestions); *cpr_nospell
 * says whether the span of the CPR field is kept from spelling. */
static kb_findings *spell_filled(const char *json, int *cpr_nospell)
{
	kb_ctx *ctx = NULL;
	kb_template *tp = NULL;
	kb_case *c = NULL;
	kb_letter *l = NULL;
	kb_checker *ck = NULL;
	kb_findings *fs = NULL;
	kb_ctx_new(&ctx);
	kb_findings_new(&fs);
	setenv("KLARBREV_CACHE_DIR", "", 1); /* a checker keeps no spelling cache in the user's ~/.cache */
	kb_checker_options co = { .data_dir = KB_TEST_SOURCE_DIR, .no_plugins = 1 };
	int rc = kb_template_open(&tp, ctx, FIELDS_DIR, NULL);
	if (!rc)
		rc = kb_case_load_buffer(&c, ctx, json, strlen(json), "sag.json");
	if (!rc)
		rc = kb_template_render(&l, ctx, tp, c);
	if (!rc)
		rc = kb_checker_new(&ck, ctx, &co);
	if (!rc)
		rc = kb_checker_spell(ck, ctx, l, 0, fs, NULL);
	if (rc)
		fprintf(stderr, "    %s\n", kb_ctx_errmsg(ctx));
	KB_CHECK_INT(rc, KB_OK);
	*cpr_nospell = -1;
	const kb_text *t = l ? kb_letter_text(l) : NULL;
	for (size_t pi = 0; t && pi < t->nparas; pi++)
		for (size_t si = 0; si < t->paras[pi].nspans; si++)
			if (!strcmp(t->paras[pi].spans[si].origin, "field:cpr"))
				*cpr_nospell = (t->paras[pi].spans[si].flags & KB_SPAN_NOSPELL) != 0;
	kb_checker_free(ck);
	kb_letter_free(l);
	kb_case_free(c);
	kb_template_free(tp);
	kb_ctx_free(ctx);
	return fs;
}

static void test_spell__fields_typed_name_address_cpr_or_personal_are_not_checked(void)
{
	mkdir(FIELDS_DIR, 0755);
	KB_CHECK(docxfix_make(FIELDS_DIR "/letter.docx",
	                      TP("Kære {{navn}}") TP("{{adresse}}") TP("CPR: {{cpr}}") TP("{{note}}") TP("{{tekst}}")
	                              TP("Xyqwertefoo står i skabelonen."),
	                      NULL, NULL) == 0);
	write_text(FIELDS_DIR "/manifest.json",
	           "{\"title\": \"Felter\", \"kind\": \"bevilling\", \"outcome\": \"bevilling\", \"fields\": {"
	           "\"navn\": {\"type\": \"name\", \"required\": true},"
	           "\"adresse\": {\"type\": \"address\", \"required\": true},"
	           "\"cpr\": {\"type\": \"cpr\", \"required\": true},"
	           "\"note\": {\"type\": \"text\", \"required\": true, \"personal\": true},"
	           "\"tekst\": {\"type\": \"text\", \"required\": true}}}");
#define FIELDS_CASE                                                                                               \
	"{\"navn\": \"Xyqwerte Qzxvbo\", \"adresse\": \"Xyqwertevej 1, Qzxvbo\", \"cpr\": \"010190-1234\", "       \
	"\"note\": \"Xyqwerte og Qzxvbo\", \"tekst\": \"Vi har talt med Xyqwerte.\""
	int cpr_nospell = -1;
	kb_findings *fs = spell_filled(FIELDS_CASE "}", &cpr_nospell);
	/* only the free-text field and the template's own text are checked */
	KB_CHECK_INT(kb_findings_count(fs), 2);
	show(fs);
	const kb_finding *f = kb_findings_count(fs) == 2 ? kb_findings_get(fs, 0) : NULL;
	KB_CHECK_STR(f ? f->text : NULL, "Xyqwerte");
	KB_CHECK_STR(f ? f->origin : NULL, "field:tekst");
	f = kb_findings_count(fs) == 2 ? kb_findings_get(fs, 1) : NULL;
	KB_CHECK_STR(f ? f->text : NULL, "Xyqwertefoo");
	KB_CHECK_STR(f ? f->origin : NULL, "template");
	KB_CHECK_INT(cpr_nospell, 1); /* digits are skipped anyway; the field's span says so as well */
	kb_findings_free(fs);

	/* the case's own ignore list reaches the check */
	fs = spell_filled(FIELDS_CASE ", \"ignore\": [\"xyqwerte\"]}", &cpr_nospell);
	KB_CHECK_INT(kb_findings_count(fs), 1);
	KB_CHECK_STR(kb_findings_count(fs) == 1 ? kb_findings_get(fs, 0)->text : NULL, "Xyqwertefoo");
	kb_findings_free(fs);
#undef FIELDS_CASE
}

/* ---- bounded time: suggestions, the cache across letters, text that is not Danish ---- */

/* The first finding of fs with rule, or NULL. */
static const kb_finding *find_rule(const kb_findings *fs, const char *rule)
{
	for (size_t i = 0; i < kb_findings_count(fs); i++)
		if (!strcmp(kb_findings_get(fs, i)->rule, rule))
			return kb_findings_get(fs, i);
	return NULL;
}

/* The first finding of fs about word w, or NULL. */
static const kb_finding *find_word(const kb_findings *fs, const char *w)
{
	for (size_t i = 0; i < kb_findings_count(fs); i++) {
		const kb_finding *f = kb_findings_get(fs, i);
		if (f->text && !strcmp(f->text, w))
			return f;
	}
	return NULL;
}

/* n made-up words ("qza qzb ..."), none of them Danish, after danish sentences of 7 Danish words. */
static char *made_up_words(size_t n, size_t danish)
{
	kb_buf b;
	kb_buf_init(&b, 1u << 24);
	for (size_t i = 0; i < danish; i++)
		kb_buf_adds(&b, "Kommunen har truffet afgørelse om din hjælp.\n");
	for (size_t i = 0; i < n; i++) {
		char w[16];
		size_t k = i;
		int o = 0;
		w[o++] = 'q';
		w[o++] = 'z';
		do {
			w[o++] = (char)('a' + k % 26);
			k /= 26;
		} while (k);
		w[o++] = i % 12 == 11 ? '\n' : ' ';
		kb_buf_add(&b, w, (size_t)o);
	}
	return kb_buf_detach(&b);
}

static void test_spell__only_the_first_distinct_unknown_words_get_suggestions(void)
{
	kb_text *t = plain("Du søger kontanthjlp og afgørrelse. Kommmunen har fået din ansøgnnig. Igen kontanthjlp.");
	kb_spell_options o = { .max_suggested = 3, .suggest_ms = 600000 };
	kb_speller *sp = NULL; /* its own: no word of an earlier test in its cache */
	KB_CHECK_INT(kb_speller_new(&sp, g_ctx, NULL, "da_DK"), KB_OK);
	size_t asked0 = sp ? kb_speller_suggested(sp) : 0;
	kb_findings *fs = spell_with(sp, t, &o);
	/* hunspell was asked for the first three distinct words, and only those (has_suggestion below may also ask
	 * an uncached speller again when hunspell's own time limit cut a list) */
	KB_CHECK_INT(sp ? (long)(kb_speller_suggested(sp) - asked0) : -1, 3);
	/* the first three distinct words have suggestions, the fourth has none */
	KB_CHECK(has_suggestion(find_word(fs, "kontanthjlp"), "kontanthjælp"));
	KB_CHECK(has_suggestion(find_word(fs, "afgørrelse"), "afgørelse"));
	KB_CHECK(has_suggestion(find_word(fs, "Kommmunen"), "Kommunen"));
	const kb_finding *fourth = find_word(fs, "ansøgnnig");
	KB_CHECK(fourth != NULL);
	KB_CHECK_INT(fourth ? (long)fourth->nsuggestions : -1, 0);
	/* a word among the first three keeps its suggestions where it comes back after the fourth */
	const kb_finding *last = kb_findings_count(fs) >= 2 ? kb_findings_get(fs, kb_findings_count(fs) - 2) : NULL;
	KB_CHECK_STR(last ? last->text : NULL, "kontanthjlp");
	KB_CHECK(has_suggestion(last, "kontanthjælp"));
	const kb_finding *first = find_word(fs, "kontanthjlp");
	KB_CHECK(first && last && first->nsuggestions == last->nsuggestions);
	/* and the report says that some words went without */
	const kb_finding *note = find_rule(fs, "stavning-forslag");
	KB_CHECK(note != NULL);
	KB_CHECK_INT(note ? (long)note->level : -1, KB_LEVEL_INFO);
	KB_CHECK_INT(note ? note->paragraph : 0, -1);
	KB_CHECK(note && strstr(note->message, "de første 3 forskellige ukendte ord"));
	KB_CHECK_INT(kb_findings_count(fs), 6); /* five words and the note */
	kb_findings_free(fs);

	/* within the limit: every word has its suggestions and there is no note */
	o.max_suggested = 4;
	size_t asked = sp ? kb_speller_suggested(sp) : 0;
	fs = spell_with(sp, t, &o);
	KB_CHECK_INT(sp ? (long)(kb_speller_suggested(sp) - asked) : -1, 1); /* the fourth word, now asked */
	KB_CHECK(has_suggestion(find_word(fs, "ansøgnnig"), "ansøgning"));
	KB_CHECK(find_rule(fs, "stavning-forslag") == NULL);
	kb_findings_free(fs);
	kb_text_free(t);
	kb_speller_free(sp);
}

static void test_spell__suggestions_are_cached_across_letters(void)
{
	kb_speller *sp = NULL;
	KB_CHECK_INT(kb_speller_new(&sp, g_ctx, NULL, "da_DK"), KB_OK);
	kb_text *a = plain("Vi har modtaget din ansøgnnig om kontanthjlp.");
	kb_text *b = plain("Din ansøgnnig er behandlet.");
	kb_findings *fs = spell_with(sp, a, NULL);
	size_t asked = sp ? kb_speller_suggested(sp) : 0;
	KB_CHECK_INT((long)asked, 2);
	KB_CHECK(has_suggestion(find_word(fs, "ansøgnnig"), "ansøgning"));
	kb_findings_free(fs);
	/* the next letter gets the same suggestions without asking hunspell again */
	fs = spell_with(sp, b, NULL);
	KB_CHECK(has_suggestion(find_word(fs, "ansøgnnig"), "ansøgning"));
	KB_CHECK_INT(sp ? (long)kb_speller_suggested(sp) : -1, (long)asked);
	kb_findings_free(fs);
	size_t words = 0, bytes = 0, flushes = 9;
	if (sp)
		kb_speller_cache_stats(sp, &words, &bytes, &flushes);
	KB_CHECK(words > 0 && bytes > 0);
	KB_CHECK_INT((long)flushes, 0);
	kb_text_free(a);
	kb_text_free(b);
	kb_speller_free(sp);
}

static void test_spell__no_suggestions_asks_hunspell_for_none(void)
{
	kb_speller *sp = NULL;
	KB_CHECK_INT(kb_speller_new(&sp, g_ctx, NULL, "da_DK"), KB_OK);
	kb_text *t = plain("Vi har modtaget din ansøgnnig om kontanthjlp.");
	kb_spell_options o = { .no_suggestions = 1 };
	kb_findings *fs = spell_with(sp, t, &o);
	KB_CHECK_INT(kb_findings_count(fs), 2);
	KB_CHECK_INT(sp ? (long)kb_speller_suggested(sp) : -1, 0);
	kb_findings_free(fs);
	kb_text_free(t);
	kb_speller_free(sp);
}

#define ENGLISH_TEXT                                                                                              \
	"This is an ordinary letter written in English. We have received your application and we will reply "      \
	"within four weeks. Please contact the office if you have any questions about the decision, the payment " \
	"or the documents we need from you."

static void test_spell__text_that_is_mostly_not_danish_gets_one_finding_instead_of_one_per_word(void)
{
	kb_text *t = plain(ENGLISH_TEXT);
	kb_spell_options o = { .judge_language = 1 };
	kb_findings *fs = spell_with(speller(), t, &o);
	KB_CHECK_INT(kb_findings_count(fs), 1);
	const kb_finding *f = find_rule(fs, "ikke-dansk");
	KB_CHECK(f != NULL);
	KB_CHECK_INT(f ? (long)f->level : -1, KB_LEVEL_WARNING);
	KB_CHECK_INT(f ? f->paragraph : 0, -1);
	KB_CHECK(f && strstr(f->message, "ikke ud til at være dansk"));
	kb_findings_free(fs);
	/* klarbrev spell (no judgement) lists every unknown word */
	fs = spell(t);
	KB_CHECK(kb_findings_count(fs) > 10);
	KB_CHECK(find_rule(fs, "ikke-dansk") == NULL);
	kb_findings_free(fs);
	kb_text_free(t);
}

static void test_spell__danish_letter_with_some_unknown_words_is_judged_danish(void)
{
	/* 24 words, 2 unknown: each is reported */
	kb_text *t = plain("Kommunen har behandlet din ansøgnnig om kontanthjlp. Vi har lagt vægt på, at du har "
	                   "en indtægt, og at du kan forsørge dig selv. Du kan klage.");
	kb_spell_options o = { .judge_language = 1 };
	kb_findings *fs = spell_with(speller(), t, &o);
	KB_CHECK(find_rule(fs, "ikke-dansk") == NULL);
	KB_CHECK(find_word(fs, "ansøgnnig") != NULL && find_word(fs, "kontanthjlp") != NULL);
	kb_findings_free(fs);
	kb_text_free(t);
	/* a short text is not judged at all: fewer than 20 words looked up */
	t = plain("This is short.");
	fs = spell_with(speller(), t, &o);
	KB_CHECK(find_rule(fs, "ikke-dansk") == NULL);
	kb_findings_free(fs);
	kb_text_free(t);
}

static void test_spell__long_foreign_text_is_judged_on_its_first_2000_words_and_not_looked_up_further(void)
{
	char *s = made_up_words(5000, 0);
	kb_text *t = plain(s);
	kb_spell_options o = { .judge_language = 1 };
	kb_findings *fs = NULL;
	size_t checked = 0;
	KB_CHECK_INT(kb_findings_new(&fs), KB_OK);
	KB_CHECK_INT(kb_spell_text(speller(), g_ctx, t, &o, fs, &checked), KB_OK);
	KB_CHECK_INT((long)checked, 2000);
	KB_CHECK_INT(kb_findings_count(fs), 1);
	const kb_finding *f = find_rule(fs, "ikke-dansk");
	KB_CHECK(f && strstr(f->message, "første 2000 ord"));
	kb_findings_free(fs);
	kb_text_free(t);
	free(s);

	/* 1,750 Danish words first (the first 2,000 are Danish), then mostly foreign: all of it is looked up, and the
	 * whole is judged */
	s = made_up_words(3000, 250);
	t = plain(s);
	KB_CHECK_INT(kb_findings_new(&fs), KB_OK);
	KB_CHECK_INT(kb_spell_text(speller(), g_ctx, t, &o, fs, &checked), KB_OK);
	KB_CHECK_INT((long)checked, 4750);
	KB_CHECK_INT(kb_findings_count(fs), 1);
	KB_CHECK(find_rule(fs, "ikke-dansk") != NULL);
	kb_findings_free(fs);
	kb_text_free(t);
	free(s);
}

static void test_spell__many_unknown_words_are_all_reported_with_suggestions_for_the_first_only(void)
{
	/* klarbrev spell's case: every word reported, suggestions bounded whatever the length */
	char *s = made_up_words(300, 0);
	kb_text *t = plain(s);
	kb_speller *sp = NULL;
	KB_CHECK_INT(kb_speller_new(&sp, g_ctx, NULL, "da_DK"), KB_OK);
	kb_findings *fs = spell_with(sp, t, NULL);
	KB_CHECK_INT(kb_findings_count(fs), 301); /* 300 words and the note */
	KB_CHECK(find_rule(fs, "stavning-forslag") != NULL);
	KB_CHECK(sp && kb_speller_suggested(sp) <= 20);
	kb_findings_free(fs);
	kb_speller_free(sp);
	kb_text_free(t);
	free(s);
}


/* ---- the disk cache ---- */

/* A speller with the word list text (may be NULL) that keeps its cache in dir. */
static kb_speller *disk_speller(const char *dir, const char *list)
{
	kb_speller *sp = NULL;
	char path[512];
	if (kb_speller_new(&sp, g_ctx, NULL, "da_DK") != KB_OK)
		return NULL;
	if (list) {
		snprintf(path, sizeof path, "%s/liste.dic", dir);
		FILE *f = fopen(path, "w");
		if (f) {
			fputs(list, f);
			fclose(f);
		}
		if (kb_speller_add_dic(sp, g_ctx, path) != KB_OK)
			fprintf(stderr, "  kb_speller_add_dic: %s\n", kb_ctx_errmsg(g_ctx));
	}
	if (kb_speller_use_disk_cache(sp, g_ctx, dir) != KB_OK)
		fprintf(stderr, "  kb_speller_use_disk_cache: %s\n", kb_ctx_errmsg(g_ctx));
	return sp;
}

/* "ok|first analysis|first suggestion" of w with sp: what the cache must give back the same. */
static void disk_answers(char *out, size_t cap, kb_speller *sp, const char *w)
{
	char **a = NULL, **s = NULL;
	int ok = sp ? kb_speller_check(sp, g_ctx, w, strlen(w)) : -1;
	if (sp)
		kb_speller_analyze(&a, NULL, sp, g_ctx, w, strlen(w));
	if (sp)
		kb_speller_suggest(&s, NULL, sp, g_ctx, w, strlen(w), 3);
	snprintf(out, cap, "%d|%s|%s", ok, a && a[0] ? a[0] : "", s && s[0] ? s[0] : "");
	kb_strv_free(a);
	kb_strv_free(s);
}

static char *disk_dir(const char *name)
{
	static char dir[512];
	snprintf(dir, sizeof dir, "%s/test_spell_disk_%s_%ld", KB_TEST_BINARY_DIR, name, (long)getpid());
	mkdir(dir, 0700);
	return dir;
}

static void disk_cleanup(const char *dir)
{
	char cmd[700];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "  could not remove %s\n", dir);
}

static const char *const disk_words[] = {"behandles", "huset", "kontanthjlp", "Xyqwertekontoret", NULL};

static void test_spell__disk_cache_answers_without_loading_the_dictionary(void)
{
	char *dir = disk_dir("warm");
	char cold[4][512], warm[512];
	speller(); /* g_ctx */
	kb_speller *a = disk_speller(dir, "Xyqwertekontoret\n");
	for (int i = 0; disk_words[i]; i++)
		disk_answers(cold[i], sizeof cold[i], a, disk_words[i]);
	KB_CHECK_STR(cold[3], "1| st:Xyqwertekontoret|Xyqwertekontoret");
	KB_CHECK_INT(kb_speller_save_cache(a, 0), 1);
	KB_CHECK_INT(kb_speller_save_cache(a, 1), 0); /* nothing new */
	kb_speller_free(a);
	kb_speller *b = disk_speller(dir, "Xyqwertekontoret\n");
	for (int i = 0; b && disk_words[i]; i++) {
		disk_answers(warm, sizeof warm, b, disk_words[i]);
		KB_CHECK_STR(warm, cold[i]);
	}
	KB_CHECK_INT(b ? (long)kb_speller_disk_words(b) : -1, 4);
	KB_CHECK_INT(kb_speller_is_loaded(b), 0);
	KB_CHECK_INT(b ? (long)kb_speller_computed(b) : -1, 0);
	/* a word the file does not have loads the dictionary */
	KB_CHECK_INT(b ? kb_speller_check(b, g_ctx, "hus", 3) : -1, 1);
	KB_CHECK_INT(kb_speller_is_loaded(b), 1);
	kb_speller_free(b);
	disk_cleanup(dir);
}

static void test_spell__disk_cache_of_other_word_lists_is_not_used(void)
{
	char *dir = disk_dir("lists");
	speller();
	kb_speller *a = disk_speller(dir, "Xyqwertekontoret\n");
	KB_CHECK_INT(a ? kb_speller_check(a, g_ctx, "Xyqwertekontoret", 16) : -1, 1);
	KB_CHECK_INT(kb_speller_save_cache(a, 1), 1);
	kb_speller_free(a);
	/* the list changed: the answer must come from the dictionary and the new list */
	kb_speller *b = disk_speller(dir, "Xyqwertekontorets\n");
	KB_CHECK_INT(b ? kb_speller_check(b, g_ctx, "Xyqwertekontoret", 16) : -1, 0);
	KB_CHECK_INT(b ? (long)kb_speller_disk_words(b) : -1, 0);
	kb_speller_free(b);
	/* a list added after the file was read makes the speller forget what the file said */
	kb_speller *c = disk_speller(dir, "Xyqwertekontoret\n");
	KB_CHECK_INT(c ? kb_speller_check(c, g_ctx, "Xyqwertekontoret", 16) : -1, 1);
	KB_CHECK_INT(c ? (long)kb_speller_disk_words(c) : -1, 1);
	char path[600];
	snprintf(path, sizeof path, "%s/anden.dic", dir);
	FILE *f = fopen(path, "w");
	if (f) {
		fputs("Zyqwerte\n", f);
		fclose(f);
	}
	KB_CHECK_INT(c ? kb_speller_add_dic(c, g_ctx, path) : -1, KB_OK);
	KB_CHECK_INT(c ? kb_speller_check(c, g_ctx, "Zyqwerte", 8) : -1, 1);
	KB_CHECK_INT(kb_speller_is_loaded(c), 1);
	kb_speller_free(c);
	disk_cleanup(dir);
}

static void test_spell__damaged_or_foreign_disk_cache_is_ignored(void)
{
	char *dir = disk_dir("damaged");
	char cold[512], got[512], path[600];
	speller();
	kb_speller *a = disk_speller(dir, NULL);
	disk_answers(cold, sizeof cold, a, "behandles");
	KB_CHECK_INT(kb_speller_save_cache(a, 1), 1);
	kb_speller_free(a);
	char **files = NULL;
	size_t n = 0;
	KB_CHECK_INT(kb_list_dir(&files, &n, g_ctx, dir, ".cache", 10), KB_OK);
	KB_CHECK_INT((long)n, 1);
	snprintf(path, sizeof path, "%s", n ? files[0] : "");
	kb_paths_free(files);
	/* each damage: a flipped byte in the header, in an entry, in the checksum; cut short; grown */
	static const long at[] = {3, 60, -40, -3, 0, 1};
	for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
		kb_speller *w = disk_speller(dir, NULL);
		disk_answers(got, sizeof got, w, "behandles"); /* writes a good file again */
		kb_speller_save_cache(w, 1);
		kb_speller_free(w);
		struct stat st;
		if (stat(path, &st) != 0)
			continue;
		if (i == 4) {
			KB_CHECK_INT(truncate(path, st.st_size - 1), 0);
		} else if (i == 5) {
			FILE *f = fopen(path, "ab");
			if (f) {
				fputc('x', f);
				fclose(f);
			}
		} else {
			FILE *f = fopen(path, "r+b");
			long off = at[i] < 0 ? (long)st.st_size + at[i] : at[i];
			if (f && fseek(f, off, SEEK_SET) == 0) {
				int c = fgetc(f);
				fseek(f, off, SEEK_SET);
				fputc(c ^ 0x20, f);
			}
			if (f)
				fclose(f);
		}
		kb_speller *b = disk_speller(dir, NULL);
		disk_answers(got, sizeof got, b, "behandles");
		KB_CHECK_STR(got, cold);
		if (b && kb_speller_disk_words(b) != 0)
			fprintf(stderr, "  damage %zu was not noticed\n", i);
		KB_CHECK_INT(b ? (long)kb_speller_disk_words(b) : -1, 0);
		kb_speller_free(b);
	}
	disk_cleanup(dir);
}

static void test_spell__analyses_are_cached_across_letters(void)
{
	kb_speller *sp = NULL;
	char **v = NULL;
	size_t n = 0;
	KB_CHECK_INT(kb_speller_new(&sp, g_ctx, NULL, "da_DK"), KB_OK);
	KB_CHECK_INT(sp ? kb_speller_analyze(&v, &n, sp, g_ctx, "behandles", 9) : -1, KB_OK);
	kb_strv_free(v);
	size_t computed = sp ? kb_speller_computed(sp) : 0, words = 0;
	KB_CHECK_INT(sp ? kb_speller_analyze(&v, &n, sp, g_ctx, "behandles", 9) : -1, KB_OK);
	KB_CHECK(v && v[0] && strstr(v[0], "PASSIV"));
	kb_strv_free(v);
	KB_CHECK_INT(sp ? kb_speller_check(sp, g_ctx, "behandles", 9) : -1, 1);
	KB_CHECK_INT(sp ? (long)kb_speller_computed(sp) : -1, (long)computed);
	if (sp)
		kb_speller_cache_stats(sp, &words, NULL, NULL);
	KB_CHECK_INT((long)words, 1);
	kb_speller_free(sp);
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
         KB_TEST(test_spell__cache_gives_the_same_answers),
         KB_TEST(test_spell__disk_cache_answers_without_loading_the_dictionary),
         KB_TEST(test_spell__disk_cache_of_other_word_lists_is_not_used),
         KB_TEST(test_spell__damaged_or_foreign_disk_cache_is_ignored),
         KB_TEST(test_spell__analyses_are_cached_across_letters),
         KB_TEST(test_spell__analyze_gives_hunspell_morphology),
         KB_TEST(test_spell__unknown_word_becomes_a_finding), KB_TEST(test_spell__clean_text_gives_no_findings),
         KB_TEST(test_spell__word_in_a_nospell_span_is_not_reported),
         KB_TEST(test_spell__word_from_a_field_carries_its_origin),
         KB_TEST(test_spell__digits_urls_and_email_are_skipped),
         KB_TEST(test_spell__slash_words_are_checked_part_by_part), KB_TEST(test_spell__every_occurrence_is_reported),
         KB_TEST(test_spell__word_list_adds_words_with_affix_flags),
         KB_TEST(test_spell__word_list_added_after_load_takes_effect),
         KB_TEST(test_spell__word_list_with_bad_utf8_names_the_line),
         KB_TEST(test_spell__missing_dictionary_says_which_package_to_install),
         KB_TEST(test_spell__overlong_token_is_unknown_without_crashing),
         KB_TEST(test_spell__case_numbers_after_a_label_are_skipped),
         KB_TEST(test_spell__letters_in_section_references_are_skipped),
         KB_TEST(test_spell__words_on_the_case_ignore_list_are_not_reported),
         KB_TEST(test_spell__word_hyphenated_over_a_line_break_is_joined),
         KB_TEST(test_spell__typographic_apostrophe_is_looked_up_as_ascii),
         KB_TEST(test_spell__project_lists_give_inflected_forms_and_abbreviations),
         KB_TEST(test_spell__municipal_list_in_windows_1252_through_the_wordlist_api),
         KB_TEST(test_spell__word_list_flags_must_be_numbers_for_da_DK),
         KB_TEST(test_spell__suggestions_find_the_word_for_typical_typos),
         KB_TEST(test_spell__cache_gives_the_same_answers_as_no_cache),
         KB_TEST(test_spell__fields_typed_name_address_cpr_or_personal_are_not_checked),
         KB_TEST(test_spell__only_the_first_distinct_unknown_words_get_suggestions),
         KB_TEST(test_spell__suggestions_are_cached_across_letters),
         KB_TEST(test_spell__no_suggestions_asks_hunspell_for_none),
         KB_TEST(test_spell__text_that_is_mostly_not_danish_gets_one_finding_instead_of_one_per_word),
         KB_TEST(test_spell__danish_letter_with_some_unknown_words_is_judged_danish),
         KB_TEST(test_spell__long_foreign_text_is_judged_on_its_first_2000_words_and_not_looked_up_further),
         KB_TEST(test_spell__many_unknown_words_are_all_reported_with_suggestions_for_the_first_only),
         KB_TEST(test_spell__free_accepts_null),
         KB_TEST(test_spell__zz_teardown))
