/* test_wordmatch.c -- the word matcher behind klarbrev.matcher: what each element matches, Danish case folding,
 * where a match ends (as tekst.lua's backtracking matcher), the two scan modes, sentence bounds, the limits and the
 * messages for bad patterns. */
#include "kbtest.h"
#include "textmodel.h"
#include "wordmatch.h"

static kb_ctx *g_ctx;

/* A prepared matcher of the given patterns (NULL-terminated); NULL when one does not compile. */
static kb_wordmatch *make(const char *const *pats)
{
	kb_wordmatch *m = NULL;
	if (!g_ctx)
		kb_ctx_new(&g_ctx);
	if (kb_wordmatch_new(&m, NULL, NULL))
		return NULL;
	for (size_t i = 0; pats[i]; i++) {
		if (kb_wordmatch_add(m, g_ctx, pats[i], strlen(pats[i]))) {
			fprintf(stderr, "  pattern %zu: %s\n", i, kb_ctx_errmsg(g_ctx));
			kb_wordmatch_free(m);
			return NULL;
		}
	}
	if (kb_wordmatch_prepare(m)) {
		kb_wordmatch_free(m);
		return NULL;
	}
	return m;
}

typedef struct hits {
	char out[1024]; /* "p:first-last;" per hit (pattern and words 0-based) */
	size_t n;
	const kb_paragraph *p;
	size_t stop_after;
} hits;

static int collect(void *ud, const kb_wordmatch_hit *h)
{
	hits *hs = ud;
	size_t at = strlen(hs->out);
	snprintf(hs->out + at, sizeof hs->out - at, "%zu:%zu-%zu;", h->pattern, h->first_word, h->last_word);
	hs->n++;
	return hs->stop_after && hs->n >= hs->stop_after ? 7 : 0;
}

/* The hits of m in text (one paragraph) as "p:first-last;..." */
static const char *scan(kb_wordmatch *m, const char *text, kb_wordmatch_mode mode)
{
	static hits hs;
	memset(&hs, 0, sizeof hs);
	kb_text *t = NULL;
	kb_wordmatch_work w = { 0 };
	if (!m || kb_text_new(&t) || kb_text_add_paragraph(t, text, strlen(text), NULL, NULL, 0)) {
		kb_text_free(t);
		return "(setup failed)";
	}
	if (kb_wordmatch_scan(m, &w, t, mode, collect, NULL, &hs))
		snprintf(hs.out, sizeof hs.out, "(scan failed)");
	kb_wordmatch_work_free(&w);
	kb_text_free(t);
	return hs.out;
}

static const char *all(const char *const *pats, const char *text)
{
	static char out[1024];
	kb_wordmatch *m = make(pats);
	snprintf(out, sizeof out, "%s", scan(m, text, KB_WORDMATCH_ALL));
	kb_wordmatch_free(m);
	return out;
}

static const char *longest(const char *const *pats, const char *text)
{
	static char out[1024];
	kb_wordmatch *m = make(pats);
	snprintf(out, sizeof out, "%s", scan(m, text, KB_WORDMATCH_LONGEST));
	kb_wordmatch_free(m);
	return out;
}

/* The message for a pattern that does not compile, or "" when it compiles. */
static const char *error_of(const char *pat)
{
	static char msg[512];
	kb_wordmatch *m = NULL;
	if (!g_ctx)
		kb_ctx_new(&g_ctx);
	kb_wordmatch_new(&m, NULL, NULL);
	int rc = kb_wordmatch_add(m, g_ctx, pat, strlen(pat));
	snprintf(msg, sizeof msg, "%s", rc ? kb_ctx_errmsg(g_ctx) : "");
	kb_wordmatch_free(m);
	return msg;
}

#define PATS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static void test_wordmatch__literal_words_in_any_case_with_danish_letters(void)
{
	KB_CHECK_STR(all(PATS("i henhold til"), "I HENHOLD TIL loven."), "0:0-2;");
	KB_CHECK_STR(all(PATS("såfremt"), "SÅFREMT du flytter, og såfremt du bor."), "0:0-0;0:4-4;");
	KB_CHECK_STR(all(PATS("Ændring af"), "En ÆNDRING AF planen."), "0:1-2;");
	KB_CHECK_STR(all(PATS("øre"), "Sørens øre."), "0:1-1;");
	/* whole words only */
	KB_CHECK_STR(all(PATS("til"), "Tilladelse og tilbud."), "");
}

static void test_wordmatch__punctuation_between_words_is_not_a_word(void)
{
	KB_CHECK_STR(all(PATS("fra den dag du fik"), "Fra den dag, du fik brevet."), "0:0-4;");
	KB_CHECK_STR(all(PATS("jf. aktivloven"), "Se reglen, jf. aktivloven."), "0:2-3;");
}

static void test_wordmatch__prefix_suffix_and_any_word(void)
{
	KB_CHECK_STR(all(PATS("afgør*"), "Afgørelsen og afgør og afgjort."), "0:0-0;0:2-2;");
	KB_CHECK_STR(all(PATS("*ning"), "Beregning af en ning og en ting."), "0:0-0;0:3-3;");
	KB_CHECK_STR(all(PATS("afgør* *ning"), "Afgørelsens begrundelse og afgørelse beregning."), "0:3-4;");
	KB_CHECK_STR(all(PATS("til|hos * kommune"), "Send den til Søby Kommune i dag."), "0:2-4;");
	KB_CHECK_STR(all(PATS("*else"), "En afgørelse og en else."), "0:1-1;0:4-4;");
}

static void test_wordmatch__alternatives_and_optional_words(void)
{
	const char *const *p = PATS("træffe|traf en? afgørelse|beslutning om?");
	KB_CHECK_STR(all(p, "Vi traf afgørelse i går."), "0:1-2;");
	KB_CHECK_STR(all(p, "Vi traf en beslutning om det."), "0:1-4;");
	KB_CHECK_STR(all(p, "Vi traf en god afgørelse."), "");
	/* an optional first word: a match from it and one from the word after */
	KB_CHECK_STR(all(PATS("en? beslutning"), "Det er en beslutning."), "0:2-3;0:3-3;");
}

static void test_wordmatch__negation_looks_at_the_next_word_only(void)
{
	const char *const *p = PATS("du|de får !ikke");
	KB_CHECK_STR(all(p, "Du får hjælp."), "0:0-1;");
	KB_CHECK_STR(all(p, "Du får ikke hjælp."), "");
	KB_CHECK_STR(all(p, "Det du får"), "0:1-2;"); /* no next word: not "ikke" */
	KB_CHECK_STR(all(PATS("!ikke *"), "ikke nu"), "0:1-1;");
}

static void test_wordmatch__gap_takes_as_few_words_as_it_can(void)
{
	const char *const *p = PATS("fra|efter ... fik");
	KB_CHECK_STR(all(p, "fra den dag du fik det, du fik"), "0:0-4;");
	KB_CHECK_STR(all(p, "fra a b c d fik"), ""); /* four words: too many for "..." */
	KB_CHECK_STR(all(PATS("fra ...4 fik"), "fra a b c d fik"), "0:0-5;");
	KB_CHECK_STR(all(PATS("send ... til"), "Send til os."), "0:0-1;");
}

static void test_wordmatch__optional_word_is_taken_when_the_rest_still_matches(void)
{
	/* tekst.lua's match_from tries the word first, then without it */
	KB_CHECK_STR(all(PATS("a? a b"), "a a b"), "0:0-2;0:1-2;");
	KB_CHECK_STR(all(PATS("vurdering af?"), "en vurdering af sagen"), "0:1-2;");
	/* no blow-up: 30 optional words that all match, then one that does not */
	char pat[400] = "", text[400] = "";
	for (int i = 0; i < 30; i++) {
		strcat(pat, "a? ");
		strcat(text, "a ");
	}
	strcat(pat, "b");
	strcat(text, "c");
	KB_CHECK_STR(all(PATS(pat), text), "");
}

static void test_wordmatch__matches_stay_inside_a_sentence(void)
{
	KB_CHECK_STR(all(PATS("hjælp du"), "Du får hjælp. Du kan klage."), "");
	KB_CHECK_STR(all(PATS("hjælp ... klage"), "Du får hjælp.\nDu kan klage."), "");
	KB_CHECK_STR(all(PATS("du kan"), "Du får hjælp. Du kan klage."), "0:3-4;");
}

static void test_wordmatch__all_mode_gives_every_pattern_in_pattern_order(void)
{
	const char *const *p = PATS("du får", "får", "du får hjælp", "*");
	KB_CHECK_STR(all(p, "Du får hjælp"), "0:0-1;2:0-2;3:0-0;1:1-1;3:1-1;3:2-2;");
}

static void test_wordmatch__longest_mode_takes_the_longest_then_moves_on(void)
{
	const char *const *p = PATS("i henhold", "i henhold til", "henhold til loven", "til");
	KB_CHECK_STR(longest(p, "I henhold til loven og til dig."), "1:0-2;3:5-5;");
	/* a tie goes to the first pattern */
	KB_CHECK_STR(longest(PATS("du *", "* får"), "du får"), "0:0-1;");
}

static void test_wordmatch__scan_stops_when_the_callback_says_so(void)
{
	kb_wordmatch *m = make(PATS("a"));
	kb_text *t = NULL;
	kb_wordmatch_work w = { 0 };
	hits hs;
	memset(&hs, 0, sizeof hs);
	hs.stop_after = 2;
	kb_text_new(&t);
	kb_text_add_paragraph(t, "a a a a", 7, NULL, NULL, 0);
	KB_CHECK_INT(kb_wordmatch_scan(m, &w, t, KB_WORDMATCH_ALL, collect, NULL, &hs), 7);
	KB_CHECK_INT(hs.n, 2);
	kb_wordmatch_work_free(&w);
	kb_text_free(t);
	kb_wordmatch_free(m);
}

static int g_checks;
static int count_check(void *ud)
{
	(void)ud;
	return ++g_checks >= 3 ? 9 : 0;
}
static int no_hit(void *ud, const kb_wordmatch_hit *h)
{
	(void)ud;
	(void)h;
	return 0;
}

static void test_wordmatch__long_scan_calls_the_check_and_stops_on_it(void)
{
	/* patterns tried at every word: the check runs as the scan goes and can stop it */
	kb_wordmatch *m = make(PATS("* a? a? a? ...10 b", "* * c"));
	size_t n = 200000;
	char *text = malloc(2 * n + 1);
	for (size_t i = 0; i < n; i++) {
		text[2 * i] = 'a';
		text[2 * i + 1] = ' ';
	}
	text[2 * n] = '\0';
	kb_text *t = NULL;
	kb_wordmatch_work w = { 0 };
	kb_text_new(&t);
	KB_CHECK_INT(kb_text_add_paragraph(t, text, 2 * n, NULL, NULL, 0), 0);
	g_checks = 0;
	KB_CHECK_INT(kb_wordmatch_scan(m, &w, t, KB_WORDMATCH_ALL, no_hit, count_check, NULL), 9);
	KB_CHECK_INT(g_checks, 3);
	kb_wordmatch_work_free(&w);
	kb_text_free(t);
	kb_wordmatch_free(m);
	free(text);
}

static void test_wordmatch__bad_patterns_say_what_is_wrong(void)
{
	KB_CHECK_STR(error_of("din, sag"), "»din,« er ikke ét ord: »,« står uden for ordet, og et ord i teksten har "
	                                   "aldrig tegnsætning omkring sig; skriv ordet uden den");
	KB_CHECK_STR(error_of("§ 11"), "»§« er ikke et ord (et ord har mindst ét bogstav eller tal)");
	KB_CHECK_STR(error_of("a||b"), "»a||b« har et tomt alternativ; skriv et ord på hver side af »|«");
	KB_CHECK_STR(error_of("*ning*"), "»*ning*«: et alternativ kan begynde eller slutte med »*«, ikke begge dele");
	KB_CHECK_STR(error_of("af*gør"), "»af*gør«: »*« kan kun stå først eller sidst i et alternativ; inde i et ord "
	                                 "betyder det ingenting");
	KB_CHECK_STR(error_of("... fik"), "»...« står først; et mellemrum skal stå mellem to ord (et match begynder og "
	                                  "slutter med et ord)");
	KB_CHECK_STR(error_of("fra ...11 fik"), "»...11« er ikke et mellemrum: skriv »...« (op til 3 ord) eller »...N« "
	                                        "med N fra 1 til 10");
	KB_CHECK_STR(error_of("en? !ikke"), "mønsteret har intet ord, der skal være der: alle dets elementer er "
	                                    "valgfrie (?) eller udeladte (!), så det ville passe på ingenting");
	KB_CHECK_STR(error_of("!ikke?"), "»!ikke?« er både »!« (det næste ord er ikke) og »?« (valgfrit); brug kun det "
	                                 "ene");
	KB_CHECK_STR(error_of("   "), "mønsteret har ingen ord");
	KB_CHECK_STR(error_of("du !*"), "»!*« kan aldrig passe: »!*« kræver, at der ikke kommer noget ord; skriv de "
	                                "ord, der ikke må komme");
	KB_CHECK_STR(error_of("jf. bl.a. e-mail 10.000 afgør*"), "");
}

static void test_wordmatch__limits_on_patterns_and_sets(void)
{
	char big[1100];
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	KB_CHECK_STR(error_of(big), "mønsteret er længere end 1000 byte");
	char many[200] = "";
	for (int i = 0; i < 33; i++)
		strcat(many, "a ");
	KB_CHECK_STR(error_of(many), "mønsteret har mere end 32 elementer");
	kb_wordmatch *m = NULL;
	kb_wordmatch_new(&m, NULL, NULL);
	int rc = 0;
	for (unsigned i = 0; i <= KB_WORDMATCH_MAX_PATTERNS && !rc; i++)
		rc = kb_wordmatch_add(m, g_ctx, "a", 1);
	KB_CHECK_INT(rc, KB_ELIMIT);
	KB_CHECK_INT(kb_wordmatch_count(m), KB_WORDMATCH_MAX_PATTERNS);
	KB_CHECK_STR(kb_ctx_errmsg(g_ctx), "mere end 2000 mønstre i ét sæt");
	kb_wordmatch_free(m);
}

static void test_wordmatch__elements_given_one_by_one(void)
{
	kb_wordmatch *m = NULL;
	kb_wordmatch_new(&m, NULL, NULL);
	const char *el[] = { "i", "henhold", "til" };
	size_t len[] = { 1, 7, 3 };
	KB_CHECK_INT(kb_wordmatch_add_elements(m, g_ctx, el, len, 3), 0);
	const char *bad[] = { "i henhold" };
	size_t blen[] = { 9 };
	KB_CHECK_INT(kb_wordmatch_add_elements(m, g_ctx, bad, blen, 1), KB_EINPUT);
	KB_CHECK_STR(kb_ctx_errmsg(g_ctx), "element 1 (»i henhold«) har mellemrum; et element i tabellen er ét ord, så "
	                                   "skriv hvert ord som sit eget element");
	KB_CHECK_INT(kb_wordmatch_prepare(m), 0);
	KB_CHECK_STR(scan(m, "Efter og i henhold til loven.", KB_WORDMATCH_ALL), "0:2-4;");
	kb_wordmatch_free(m);
}

static void test_wordmatch__scan_before_prepare_is_a_usage_error(void)
{
	kb_wordmatch *m = NULL;
	kb_wordmatch_new(&m, NULL, NULL);
	kb_wordmatch_add(m, g_ctx, "a", 1);
	kb_text *t = NULL;
	kb_text_from_plain(&t, g_ctx, "a", 1, "x");
	kb_wordmatch_work w = { 0 };
	KB_CHECK_INT(kb_wordmatch_scan(m, &w, t, KB_WORDMATCH_ALL, no_hit, NULL, NULL), KB_EUSAGE);
	kb_text_free(t);
	kb_wordmatch_free(m);
}

KB_TESTS(KB_TEST(test_wordmatch__literal_words_in_any_case_with_danish_letters),
         KB_TEST(test_wordmatch__punctuation_between_words_is_not_a_word),
         KB_TEST(test_wordmatch__prefix_suffix_and_any_word), KB_TEST(test_wordmatch__alternatives_and_optional_words),
         KB_TEST(test_wordmatch__negation_looks_at_the_next_word_only),
         KB_TEST(test_wordmatch__gap_takes_as_few_words_as_it_can),
         KB_TEST(test_wordmatch__optional_word_is_taken_when_the_rest_still_matches),
         KB_TEST(test_wordmatch__matches_stay_inside_a_sentence),
         KB_TEST(test_wordmatch__all_mode_gives_every_pattern_in_pattern_order),
         KB_TEST(test_wordmatch__longest_mode_takes_the_longest_then_moves_on),
         KB_TEST(test_wordmatch__scan_stops_when_the_callback_says_so),
         KB_TEST(test_wordmatch__long_scan_calls_the_check_and_stops_on_it),
         KB_TEST(test_wordmatch__bad_patterns_say_what_is_wrong), KB_TEST(test_wordmatch__limits_on_patterns_and_sets),
         KB_TEST(test_wordmatch__elements_given_one_by_one), KB_TEST(test_wordmatch__scan_before_prepare_is_a_usage_error))
