/* test_textmodel.c -- the Danish tokenizer and LIX (convention K of shared/reference/lix-cases.md). The DK1..DK6,
 * section C and Sparv cases are the reference values every plugin and report must agree with. */
#include "kbtest.h"
#include "textmodel.h"

#include <math.h>

/* ---- helpers ---- */

static kb_text *plain(const char *s)
{
	kb_text *t = NULL;
	kb_ctx *ctx = NULL;
	if (kb_ctx_new(&ctx) != KB_OK)
		return NULL;
	int rc = kb_text_from_plain(&t, ctx, s, strlen(s), "brev.txt");
	if (rc != KB_OK)
		fprintf(stderr, "  kb_text_from_plain: %d %s\n", rc, kb_ctx_errmsg(ctx));
	kb_ctx_free(ctx);
	return t;
}

static kb_metrics metrics_of(const char *s)
{
	kb_metrics m;
	kb_text *t = plain(s);
	kb_metrics_compute(&m, t);
	kb_text_free(t);
	return m;
}

/* Number of sentences (LIX periods) in s. */
static size_t periods(const char *s)
{
	return metrics_of(s).sentences;
}

static double round_to(double x, int decimals)
{
	double f = pow(10.0, decimals);
	return floor(x * f + 0.5) / f;
}

/* A copy of p->text[start..start+len) in one of a few static buffers, for KB_CHECK_STR. */
static const char *piece(const kb_paragraph *p, size_t start, size_t len)
{
	static char bufs[4][512];
	static int next;
	char *b = bufs[next++ % 4];
	if (start > p->len || len > p->len - start || len >= sizeof bufs[0])
		return "(out of range)";
	memcpy(b, p->text + start, len);
	b[len] = '\0';
	return b;
}

static const char *word_text(const kb_paragraph *p, size_t i)
{
	return i < p->nwords ? piece(p, p->words[i].start, p->words[i].len) : "(no such word)";
}

static const char *sentence_text(const kb_paragraph *p, size_t i)
{
	return i < p->nsentences ? piece(p, p->sentences[i].start, p->sentences[i].len) : "(no such sentence)";
}

#define CHECK_LIX(text, lix2, o, pp, l)                                                                           \
	do {                                                                                                      \
		kb_metrics m_ = metrics_of(text);                                                                 \
		KB_CHECK_INT(m_.words, o);                                                                        \
		KB_CHECK_INT(m_.sentences, pp);                                                                   \
		KB_CHECK_INT(m_.long_words, l);                                                                   \
		KB_CHECK_DBL(round_to(m_.lix, 2), lix2, 1e-9);                                                   \
	} while (0)

/* ---- LIX reference cases ---- */

static void test_textmodel__dk1_ordinal_does_not_end_a_period(void)
{
	CHECK_LIX("Du får kontanthjælp fra 1. marts. Vi har lagt vægt på din indkomst.", 21.88, 13, 2, 2);
}

static void test_textmodel__dk2_six_letters_with_ae_oe_are_not_long(void)
{
	CHECK_LIX("Du er færdig. Din søster må også søge. Hjælp gives først efter ansøgning.", 12.03, 13, 3, 1);
}

static void test_textmodel__dk3_abbreviations_and_paragraph_sign(void)
{
	CHECK_LIX("Du kan bl.a. klage til Ankestyrelsen, jf. retssikkerhedslovens § 60, stk. 1. Fristen er 4 uger.", 27.50,
	          15, 2, 3);
}

static void test_textmodel__dk4_heading_colon_and_ordinal(void)
{
	const char *dk4 = "Afgørelse om hjemmehjælp\n"
	                  "Vi har besluttet følgende: Du får hjælp til rengøring hver 14. dag.\n"
	                  "Du kan klage inden 4 uger.";
	CHECK_LIX(dk4, 29.06, 21, 4, 5);

	/* the same lines as one paragraph with w:br line breaks */
	kb_text *t = NULL;
	kb_metrics m;
	KB_CHECK_INT(kb_text_new(&t), KB_OK);
	KB_CHECK_INT(kb_text_add_paragraph(t, dk4, strlen(dk4), NULL, NULL, 0), KB_OK);
	kb_metrics_compute(&m, t);
	KB_CHECK_INT(m.sentences, 4);
	KB_CHECK_INT(m.paragraphs, 1);
	KB_CHECK_DBL(round_to(m.lix, 2), 29.06, 1e-9);
	kb_text_free(t);
}

static void test_textmodel__dk5_kancellisprog_is_one_long_period(void)
{
	CHECK_LIX("Såfremt De ønsker at påklage nærværende afgørelse, skal klagen fremsendes til kommunen, der herefter "
	          "foretager en fornyet vurdering af sagen, jf. retssikkerhedslovens § 66.",
	          70.83, 23, 1, 11);
}

static void test_textmodel__dk6_final_kr_and_thousands_separator(void)
{
	CHECK_LIX("Din formue er på 12.500 kr. Grænsen er 10.000 kr. Derfor får du ikke hjælp.", 11.67, 15, 3, 1);
}

static void test_textmodel__section_c_swedish_cases(void)
{
	kb_metrics m = metrics_of("Konkurrenskraften är avgörande. Innovationssystemet behöver reformeras snabbt.");
	KB_CHECK_INT(m.words, 7);
	KB_CHECK_INT(m.sentences, 2);
	KB_CHECK_INT(m.long_words, 5);
	KB_CHECK_DBL(round_to(m.lix, 1), 74.9, 1e-9);
	CHECK_LIX("Jag gick hem. Det var bra.", 3.00, 6, 2, 0);
}

/* Sparv counts pre-split sentences; one a line gives the same periods under K. On one line the sentences start
 * with a lower-case "a", and under K a period before a lower-case letter does not end a period. */
static void test_textmodel__sparv_four_sentences(void)
{
	CHECK_LIX("a bc def ghij klmno pqrstu vxyzåäö.\na bc def ghij klmno pqrstu vxyzåäö.\n"
	          "a bc def ghij klmno pqrstu vxyzåäö.\na bc def ghij klmno pqrstu vxyzåäö.",
	          21.29, 28, 4, 4);
	KB_CHECK_INT(periods("a bc def ghij klmno pqrstu vxyzåäö. a bc def ghij klmno pqrstu vxyzåäö."), 1);
}

static void test_textmodel__text_without_words_has_lix_zero(void)
{
	kb_metrics m = metrics_of("");
	KB_CHECK_INT(m.words, 0);
	KB_CHECK_INT(m.sentences, 0);
	KB_CHECK_INT(m.paragraphs, 0);
	KB_CHECK_DBL(m.lix, 0.0, 0.0);
	m = metrics_of("§ — .\n* * *");
	KB_CHECK_INT(m.words, 0);
	KB_CHECK_INT(m.sentences, 0);
	KB_CHECK_INT(m.paragraphs, 0);
	KB_CHECK_DBL(m.lix, 0.0, 0.0);
	kb_metrics_compute(&m, NULL);
	KB_CHECK_INT(m.words, 0);
}

/* ---- sentences ---- */

static void test_textmodel__preceding_abbreviations_never_end_a_sentence(void)
{
	KB_CHECK_INT(periods("Det gælder f.eks. Ankestyrelsen og kommunen."), 1);
	KB_CHECK_INT(periods("Du kan bl.a. Søge om hjælp."), 1);
	KB_CHECK_INT(periods("Det følger af praksis, jf. Ankestyrelsens principmeddelelse 36-22."), 1);
	KB_CHECK_INT(periods("Jf. Ankestyrelsens praksis er det sådan."), 1);
	KB_CHECK_INT(periods("Se stk. 2 og nr. 3, pkt. A i loven."), 1);
	KB_CHECK_INT(periods("Det skyldes bl.a. Deres indtægt, fx Deres løn."), 1);
	KB_CHECK_INT(periods("Ring på tlf. 70 12 34 56 eller skriv att. Jens Hansen."), 1);
}

static void test_textmodel__final_abbreviation_ends_before_a_capital_only(void)
{
	KB_CHECK_INT(periods("Du får 500 kr. Beløbet udbetales den 1. i måneden."), 2);
	KB_CHECK_INT(periods("Vi trækker kr. 516,00 hver måned."), 1);
	KB_CHECK_INT(periods("Det gælder møbler, tøj osv. Derfor får du ikke hjælp."), 2);
	KB_CHECK_INT(periods("Du skal betale husleje, el, varme mv. Vi har regnet det ud."), 2);
	KB_CHECK_INT(periods("Der er lagt vægt på indtægt, formue m.fl. og det er korrekt."), 1);
}

static void test_textmodel__ordinal_before_lower_case_does_not_end(void)
{
	KB_CHECK_INT(periods("Du får hjælp fra 1. marts 2026."), 1);
	KB_CHECK_INT(periods("Du får hjælp til rengøring hver 14. dag."), 1);
	KB_CHECK_INT(periods("Klagen er modtaget d. 3. marts."), 1);
	/* "stk." goes on, "1." before a capital ends: DK3 */
	KB_CHECK_INT(periods("Du kan klage, jf. § 60, stk. 1. Fristen er 4 uger."), 2);
}

static void test_textmodel__initials_do_not_end_a_sentence(void)
{
	KB_CHECK_INT(periods("Digteren H. C. Andersen skrev eventyr."), 1);
	KB_CHECK_INT(periods("Digteren H.C. Andersen skrev eventyr."), 1);
	KB_CHECK_INT(periods("Sagsbehandler Henrik S. Nissen har sagen."), 1);
}

static void test_textmodel__decimal_numbers_do_not_split(void)
{
	kb_text *t = plain("Satsen er 12,5 pct. af 10.000 kr. om måneden.");
	KB_CHECK(t != NULL);
	if (!t)
		return;
	const kb_paragraph *p = &t->paras[0];
	KB_CHECK_INT(p->nsentences, 1);
	KB_CHECK_INT(p->nwords, 9);
	KB_CHECK_STR(word_text(p, 2), "12,5");
	KB_CHECK_STR(word_text(p, 3), "pct.");
	KB_CHECK_STR(word_text(p, 5), "10.000");
	KB_CHECK_STR(word_text(p, 6), "kr.");
	kb_text_free(t);
}

static void test_textmodel__heading_paragraph_is_a_sentence(void)
{
	kb_text *t = NULL;
	kb_para_info head = { KB_PART_BODY, "word/document.xml", "Overskrift1", 1, 0 };
	kb_para_info body = { KB_PART_BODY, "word/document.xml", NULL, 0, 0 };
	const char *h = "Afgørelse om hjemmehjælp";
	const char *b = "Vi har besluttet følgende: Du får hjælp.";
	KB_CHECK_INT(kb_text_new(&t), KB_OK);
	KB_CHECK_INT(kb_text_add_paragraph(t, h, strlen(h), &head, NULL, 0), KB_OK);
	KB_CHECK_INT(kb_text_add_paragraph(t, b, strlen(b), &body, NULL, 0), KB_OK);
	KB_CHECK_INT(t->nparas, 2);
	KB_CHECK_INT(t->paras[0].nsentences, 1);
	KB_CHECK_STR(sentence_text(&t->paras[0], 0), "Afgørelse om hjemmehjælp");
	KB_CHECK_INT(t->paras[0].heading, 1);
	KB_CHECK_INT(t->paras[1].nsentences, 2);
	kb_text_free(t);
}

static void test_textmodel__line_break_inside_paragraph_ends_a_sentence(void)
{
	kb_text *t = NULL;
	const char *addr = "Aarhus Kommune\nRådhuspladsen 2 \n 8000 Aarhus C";
	KB_CHECK_INT(kb_text_new(&t), KB_OK);
	KB_CHECK_INT(kb_text_add_paragraph(t, addr, strlen(addr), NULL, NULL, 0), KB_OK);
	const kb_paragraph *p = &t->paras[0];
	KB_CHECK_INT(p->nsentences, 3);
	KB_CHECK_STR(sentence_text(p, 0), "Aarhus Kommune");
	KB_CHECK_STR(sentence_text(p, 1), "Rådhuspladsen 2");
	KB_CHECK_STR(sentence_text(p, 2), "8000 Aarhus C");
	KB_CHECK_INT(p->sentences[2].first_word, 4);
	KB_CHECK_INT(p->sentences[2].nwords, 3);
	kb_text_free(t);
}

static void test_textmodel__question_and_exclamation_end_sentences(void)
{
	KB_CHECK_INT(periods("Har du spørgsmål? Ring til os! Vi hjælper gerne."), 3);
	KB_CHECK_INT(periods("Har du spørgsmål?\nRing til os!"), 2);
	KB_CHECK_INT(periods("Hvad nu? sagde han."), 1); /* K: lower case goes on */
}

static void test_textmodel__colon_before_capital_or_digit_ends(void)
{
	KB_CHECK_INT(periods("Vi har besluttet følgende: Du får hjælp."), 2);
	KB_CHECK_INT(periods("Det gælder: hjælp til rengøring."), 1);
	KB_CHECK_INT(periods("Klagefrist: 4 uger."), 2);
	KB_CHECK_INT(periods("Mødet er kl. 10:30 på rådhuset."), 1);
}

static void test_textmodel__closing_quote_after_period(void)
{
	kb_text *t = plain("Kommunen har afgjort sagen.» Derfor klager han.\n"
	                   "Vi har afgjort sagen. ” Derfor klager han.\n"
	                   "Se vedlagte skema (bilag 2.) Det skal udfyldes.");
	KB_CHECK(t != NULL);
	if (!t)
		return;
	KB_CHECK_INT(t->nparas, 3);
	KB_CHECK_INT(t->paras[0].nsentences, 2);
	KB_CHECK_STR(sentence_text(&t->paras[0], 0), "Kommunen har afgjort sagen.»");
	KB_CHECK_STR(sentence_text(&t->paras[0], 1), "Derfor klager han.");
	KB_CHECK_INT(t->paras[1].nsentences, 2);
	KB_CHECK_STR(sentence_text(&t->paras[1], 0), "Vi har afgjort sagen. ”");
	KB_CHECK_INT(t->paras[2].nsentences, 2);
	KB_CHECK_STR(sentence_text(&t->paras[2], 0), "Se vedlagte skema (bilag 2.)");
	KB_CHECK_INT(periods("Han skrev: »Sagen er afgjort.« Derfor klager han."), 3);
	kb_text_free(t);
}

static void test_textmodel__sentences_are_trimmed_and_index_their_words(void)
{
	kb_text *t = NULL;
	const char *s = "  Hej med dig.\t Farvel igen. ";
	KB_CHECK_INT(kb_text_new(&t), KB_OK);
	KB_CHECK_INT(kb_text_add_paragraph(t, s, strlen(s), NULL, NULL, 0), KB_OK);
	const kb_paragraph *p = &t->paras[0];
	KB_CHECK_INT(p->nsentences, 2);
	KB_CHECK_INT(p->sentences[0].start, 2);
	KB_CHECK_STR(sentence_text(p, 0), "Hej med dig.");
	KB_CHECK_INT(p->sentences[0].first_word, 0);
	KB_CHECK_INT(p->sentences[0].nwords, 3);
	KB_CHECK_STR(sentence_text(p, 1), "Farvel igen.");
	KB_CHECK_INT(p->sentences[1].first_word, 3);
	KB_CHECK_INT(p->sentences[1].nwords, 2);
	kb_text_free(t);
}

static void test_textmodel__sentence_without_words_is_dropped(void)
{
	kb_text *t = plain("— * —\nHej. — Farvel.");
	KB_CHECK(t != NULL);
	if (!t)
		return;
	KB_CHECK_INT(t->nparas, 2);
	KB_CHECK_INT(t->paras[0].nsentences, 0);
	KB_CHECK_INT(t->paras[0].nwords, 0);
	KB_CHECK_INT(t->paras[1].nsentences, 2);
	KB_CHECK_STR(sentence_text(&t->paras[1], 1), "— Farvel.");
	kb_metrics m;
	kb_metrics_compute(&m, t);
	KB_CHECK_INT(m.paragraphs, 1);
	kb_text_free(t);
}

/* ---- words ---- */

static void test_textmodel__word_offsets_are_bytes_with_ae_oe_aa(void)
{
	kb_text *t = plain("Første ærlige åbning på Ærø.");
	KB_CHECK(t != NULL);
	if (!t)
		return;
	const kb_paragraph *p = &t->paras[0];
	static const struct {
		size_t start, len;
		unsigned letters;
		const char *text;
	} want[] = { { 0, 7, 6, "Første" }, { 8, 7, 6, "ærlige" }, { 16, 7, 6, "åbning" }, { 24, 3, 2, "på" },
	             { 28, 5, 3, "Ærø" } };
	KB_CHECK_INT(p->nwords, 5);
	for (size_t i = 0; i < 5 && i < p->nwords; i++) {
		KB_CHECK_INT(p->words[i].start, want[i].start);
		KB_CHECK_INT(p->words[i].len, want[i].len);
		KB_CHECK_INT(p->words[i].letters, want[i].letters);
		KB_CHECK_STR(word_text(p, i), want[i].text);
		KB_CHECK_INT(p->words[i].flags, 0);
	}
	kb_text_free(t);
}

static void test_textmodel__abbreviation_words_keep_their_period(void)
{
	kb_text *t = plain("Se stk. 2, f.eks. (jf. loven) om kontanthjælp. Møbler m.v.) og H.C. Andersen, fx nu.");
	KB_CHECK(t != NULL);
	if (!t)
		return;
	const kb_paragraph *p = &t->paras[0];
	static const struct {
		const char *text;
		unsigned abbrev;
	} want[] = { { "Se", 0 },           { "stk.", 1 },   { "2", 0 },    { "f.eks.", 1 },    { "jf.", 1 },
	             { "loven", 0 },        { "om", 0 },     { "kontanthjælp", 0 }, { "Møbler", 0 }, { "m.v.", 1 },
	             { "og", 0 },           { "H.C.", 1 },   { "Andersen", 0 }, { "fx", 1 },    { "nu", 0 } };
	KB_CHECK_INT(p->nwords, sizeof want / sizeof want[0]);
	for (size_t i = 0; i < sizeof want / sizeof want[0] && i < p->nwords; i++) {
		KB_CHECK_STR(word_text(p, i), want[i].text);
		KB_CHECK_INT(!!(p->words[i].flags & KB_WORD_ABBREV), want[i].abbrev);
	}
	KB_CHECK_INT(p->words[3].letters, 4); /* f.eks. */
	kb_text_free(t);
}

static void test_textmodel__digits_urls_and_mail_are_flagged(void)
{
	kb_text *t = plain("§ 83a giver 10.000 kr. og 12,5 pct., se https://www.borger.dk/kontanthjaelp. "
	                   "Skriv til post@aarhus.dk, www.aarhus.dk eller borger.dk.");
	KB_CHECK(t != NULL);
	if (!t)
		return;
	const kb_paragraph *p = &t->paras[0];
	static const struct {
		const char *text;
		unsigned flags;
	} want[] = { { "83a", KB_WORD_DIGIT },
	             { "giver", 0 },
	             { "10.000", KB_WORD_DIGIT },
	             { "kr.", KB_WORD_ABBREV },
	             { "og", 0 },
	             { "12,5", KB_WORD_DIGIT },
	             { "pct.", KB_WORD_ABBREV },
	             { "se", 0 },
	             { "https://www.borger.dk/kontanthjaelp", KB_WORD_URL | KB_WORD_LONG },
	             { "Skriv", 0 },
	             { "til", 0 },
	             { "post@aarhus.dk", KB_WORD_URL | KB_WORD_LONG },
	             { "www.aarhus.dk", KB_WORD_URL | KB_WORD_LONG },
	             { "eller", 0 },
	             { "borger.dk", KB_WORD_URL | KB_WORD_LONG } };
	KB_CHECK_INT(p->nwords, sizeof want / sizeof want[0]);
	for (size_t i = 0; i < sizeof want / sizeof want[0] && i < p->nwords; i++) {
		KB_CHECK_STR(word_text(p, i), want[i].text);
		KB_CHECK_INT(p->words[i].flags, want[i].flags);
	}
	KB_CHECK_INT(p->nsentences, 2);
	kb_text_free(t);
}

static void test_textmodel__tokens_need_a_letter_or_digit(void)
{
	kb_text *t = plain("§ 24 – og/eller kontanthjælps-ydelse … »«");
	KB_CHECK(t != NULL);
	if (!t)
		return;
	const kb_paragraph *p = &t->paras[0];
	KB_CHECK_INT(p->nwords, 3);
	KB_CHECK_STR(word_text(p, 0), "24");
	KB_CHECK_STR(word_text(p, 1), "og/eller");
	KB_CHECK_STR(word_text(p, 2), "kontanthjælps-ydelse");
	KB_CHECK_INT(p->words[2].letters, 19);
	kb_text_free(t);
}

static void test_textmodel__long_means_more_than_six_letters(void)
{
	kb_text *t = plain("færdig søster ansøgning 2024-01-01 a-kasse 1234567x retssikkerhedslovens");
	KB_CHECK(t != NULL);
	if (!t)
		return;
	const kb_paragraph *p = &t->paras[0];
	static const unsigned want_long[] = { 0, 0, 1, 0, 0, 0, 1 };
	KB_CHECK_INT(p->nwords, 7);
	for (size_t i = 0; i < 7 && i < p->nwords; i++)
		KB_CHECK_INT(!!(p->words[i].flags & KB_WORD_LONG), want_long[i]);
	KB_CHECK_INT(p->words[0].letters, 6);
	KB_CHECK_INT(p->words[3].letters, 0);
	kb_text_free(t);
}

static void test_textmodel__no_break_space_separates_words(void)
{
	kb_text *t = plain("Beløbet er 12.500\xC2\xA0kr.\xC2\xA0om måneden.");
	KB_CHECK(t != NULL);
	if (!t)
		return;
	const kb_paragraph *p = &t->paras[0];
	KB_CHECK_INT(p->nwords, 6);
	KB_CHECK_STR(word_text(p, 2), "12.500");
	KB_CHECK_STR(word_text(p, 3), "kr.");
	KB_CHECK_INT(p->nsentences, 1);
	kb_text_free(t);
}

static void test_textmodel__is_abbreviation_ignores_case(void)
{
	static const char *const yes[] = { "jf.", "Jf.", "JF.", "f.eks.", "F.eks.", "fx", "Stk.", "kr.", "bl.a.", "s.",
	                                   "m.fl.", "j.nr.", "J.nr.", "sagsnr.", "A.", "H.C." };
	static const char *const no[] = { "jf", "stk", "med.", "man.", "tv.", "kontanthjælp.", "i.", "", "." };
	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
		if (!kb_is_abbreviation(yes[i], strlen(yes[i])))
			KB_CHECK_STR(yes[i], "(an abbreviation)");
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
		if (kb_is_abbreviation(no[i], strlen(no[i])))
			KB_CHECK_STR(no[i], "(not an abbreviation)");
}

/* Every abbreviation of the reference list's section 1 (the administrative core) is known, with its period. */
static void test_textmodel__reference_core_abbreviations_are_known(void)
{
	FILE *f = fopen(KB_TEST_SHARED_DIR "/reference/abbreviations.txt", "r");
	KB_CHECK(f != NULL);
	if (!f)
		return;
	char line[256];
	int in_section1 = 0, seen = 0;
	while (fgets(line, sizeof line, f)) {
		if (strncmp(line, "# SECTION 1", 11) == 0)
			in_section1 = 1;
		else if (strncmp(line, "# SECTION 2", 11) == 0)
			break;
		if (!in_section1 || line[0] == '#')
			continue;
		size_t n = strcspn(line, "\t\r\n");
		line[n] = '\0';
		/* "litra" is a word ("litra a"), not a shortening; the list notes it carries no period to protect */
		if (n == 0 || strcmp(line, "litra") == 0)
			continue;
		seen++;
		if (!kb_is_abbreviation(line, n))
			KB_CHECK_STR(line, "(an abbreviation)");
	}
	fclose(f);
	KB_CHECK(seen > 60);
}

/* ---- building the model ---- */

static void test_textmodel__from_plain_handles_crlf_blank_lines_and_bom(void)
{
	const char *s = "\xEF\xBB\xBFHej Jens.\r\n\r\n  \t\r\nFarvel.\r\n\xC2\xA0\n";
	kb_text *t = plain(s);
	KB_CHECK(t != NULL);
	if (!t)
		return;
	KB_CHECK_INT(t->nparas, 2);
	if (t->nparas == 2) {
		KB_CHECK_STR(t->paras[0].text, "Hej Jens.");
		KB_CHECK_INT(t->paras[0].len, 9);
		KB_CHECK_STR(t->paras[1].text, "Farvel.");
		KB_CHECK_STR(t->paras[1].part_name, "brev.txt");
		KB_CHECK_INT(t->paras[1].part, KB_PART_BODY);
		KB_CHECK(t->paras[1].style == NULL);
		KB_CHECK_INT(t->paras[1].heading, 0);
		KB_CHECK_INT(t->paras[1].nspans, 0);
	}
	kb_text_free(t);
}

static void test_textmodel__from_plain_names_the_invalid_line(void)
{
	kb_ctx *ctx = NULL;
	kb_text dummy;
	kb_text *t = &dummy; /* must be reset to NULL */
	const char *s = "God dag.\n\nMed venlig hilsen \xE6rb\xF8\n";
	KB_CHECK_INT(kb_ctx_new(&ctx), KB_OK);
	KB_CHECK_INT(kb_text_from_plain(&t, ctx, s, strlen(s), "brev.txt"), KB_EINPUT);
	KB_CHECK(t == NULL);
	KB_CHECK(strstr(kb_ctx_errmsg(ctx), "brev.txt: linje 3 er ikke gyldig UTF-8") != NULL);
	kb_ctx_free(ctx);
}

static void test_textmodel__from_plain_refuses_text_over_the_limit(void)
{
	size_t n = (size_t)KB_MAX_TEXT_BYTES + 1;
	char *big = malloc(n);
	kb_ctx *ctx = NULL;
	kb_text *t = NULL;
	KB_CHECK(big != NULL);
	if (!big)
		return;
	memset(big, 'a', n);
	KB_CHECK_INT(kb_ctx_new(&ctx), KB_OK);
	KB_CHECK_INT(kb_text_from_plain(&t, ctx, big, n, "stor.txt"), KB_ELIMIT);
	KB_CHECK(t == NULL);
	KB_CHECK(strstr(kb_ctx_errmsg(ctx), "stor.txt") != NULL);
	kb_ctx_free(ctx);
	free(big);
}

static void test_textmodel__invalid_bytes_become_replacement_chars_and_spans_follow(void)
{
	kb_text *t = NULL;
	const char s[] = "Hej Na\xFFvn.";
	kb_span spans[] = { { 0, 4, "template", 0 }, { 4, 5, "field:navn", KB_SPAN_NOSPELL }, { 9, 1, "template", 0 } };
	KB_CHECK_INT(kb_text_new(&t), KB_OK);
	KB_CHECK_INT(kb_text_add_paragraph(t, s, sizeof s - 1, NULL, spans, 3), KB_OK);
	const kb_paragraph *p = &t->paras[0];
	KB_CHECK_STR(p->text, "Hej Na\xEF\xBF\xBDvn.");
	KB_CHECK_INT(p->len, 12);
	KB_CHECK_INT(p->spans[1].start, 4);
	KB_CHECK_INT(p->spans[1].len, 7);
	KB_CHECK_INT(p->spans[2].start, 11);
	KB_CHECK_INT(p->spans[2].len, 1);
	KB_CHECK_STR(kb_paragraph_origin_at(p, 7), "field:navn");
	KB_CHECK_STR(kb_paragraph_origin_at(p, 11), "template");
	KB_CHECK_STR(word_text(p, 1), "Na\xEF\xBF\xBDvn");
	KB_CHECK_INT(p->words[1].letters, 4);

	const char nul[] = { 'a', '\0', 'b' };
	KB_CHECK_INT(kb_text_add_paragraph(t, nul, sizeof nul, NULL, NULL, 0), KB_OK);
	KB_CHECK_STR(t->paras[1].text, "a b");
	KB_CHECK_INT(t->paras[1].nwords, 2);
	kb_text_free(t);
}

static void test_textmodel__origin_at_follows_spans(void)
{
	kb_text *t = NULL;
	const char *s = "Kære Jens Hansen,";
	char origin[] = "field:modtager.navn";
	kb_span spans[] = { { 0, 6, "template", 0 },
	                    { 6, 0, "field:tom", 0 },
	                    { 6, 11, origin, KB_SPAN_NOSPELL | KB_SPAN_PERSONAL },
	                    { 17, 1, NULL, 0 } };
	KB_CHECK_INT(kb_text_new(&t), KB_OK);
	KB_CHECK_INT(kb_text_add_paragraph(t, s, strlen(s), NULL, spans, 4), KB_OK);
	origin[0] = 'X'; /* the model keeps its own copy */
	const kb_paragraph *p = &t->paras[0];
	KB_CHECK_STR(kb_paragraph_origin_at(p, 0), "template");
	KB_CHECK_STR(kb_paragraph_origin_at(p, 5), "template");
	KB_CHECK_STR(kb_paragraph_origin_at(p, p->words[1].start), "field:modtager.navn");
	KB_CHECK_STR(kb_paragraph_origin_at(p, p->words[2].start), "field:modtager.navn");
	KB_CHECK_STR(kb_paragraph_origin_at(p, 17), "template"); /* NULL origin is "template" */
	KB_CHECK_STR(kb_paragraph_origin_at(p, p->len), "template");
	const kb_span *sp = kb_paragraph_span_at(p, p->words[2].start);
	KB_CHECK(sp != NULL && (sp->flags & KB_SPAN_NOSPELL));
	KB_CHECK(kb_paragraph_span_at(p, p->len) == &p->spans[3]);

	const char *plain_s = "Uden kilder.";
	KB_CHECK_INT(kb_text_add_paragraph(t, plain_s, strlen(plain_s), NULL, NULL, 0), KB_OK);
	KB_CHECK(kb_paragraph_span_at(&t->paras[1], 0) == NULL);
	KB_CHECK_STR(kb_paragraph_origin_at(&t->paras[1], 3), "template");
	kb_text_free(t);
}

static void test_textmodel__spans_must_cover_the_text(void)
{
	kb_text *t = NULL;
	const char *s = "Kære Jens,";
	kb_span gap[] = { { 0, 4, "template", 0 }, { 5, 5, "field:navn", 0 } };
	kb_span overlap[] = { { 0, 6, "template", 0 }, { 5, 5, "field:navn", 0 } };
	kb_span short_[] = { { 0, 4, "template", 0 } };
	kb_span past[] = { { 0, 12, "template", 0 } }; /* the text is 11 bytes */
	KB_CHECK_INT(kb_text_new(&t), KB_OK);
	KB_CHECK_INT(kb_text_add_paragraph(t, s, strlen(s), NULL, gap, 2), KB_EUSAGE);
	KB_CHECK_INT(kb_text_add_paragraph(t, s, strlen(s), NULL, overlap, 2), KB_EUSAGE);
	KB_CHECK_INT(kb_text_add_paragraph(t, s, strlen(s), NULL, short_, 1), KB_EUSAGE);
	KB_CHECK_INT(kb_text_add_paragraph(t, s, strlen(s), NULL, past, 1), KB_EUSAGE);
	KB_CHECK_INT(kb_text_add_paragraph(t, s, strlen(s), NULL, NULL, 1), KB_EUSAGE);
	KB_CHECK_INT(t->nparas, 0);
	kb_text_free(t);
	kb_text_free(NULL);
}

static void test_textmodel__paragraph_info_is_copied(void)
{
	kb_text *t = NULL;
	char style[] = "Overskrift2";
	char part[] = "word/header1.xml";
	kb_para_info info = { KB_PART_HEADER, part, style, 2, 1 };
	KB_CHECK_INT(kb_text_new(&t), KB_OK);
	KB_CHECK_INT(kb_text_add_paragraph(t, "Sagsnr. 123", 11, &info, NULL, 0), KB_OK);
	style[0] = part[0] = 'X';
	const kb_paragraph *p = &t->paras[0];
	KB_CHECK_STR(p->style, "Overskrift2");
	KB_CHECK_STR(p->part_name, "word/header1.xml");
	KB_CHECK_INT(p->part, KB_PART_HEADER);
	KB_CHECK_INT(p->heading, 2);
	KB_CHECK_INT(p->in_table, 1);
	KB_CHECK_STR(word_text(p, 0), "Sagsnr.");
	kb_text_free(t);
}

static void test_textmodel__metrics_count_every_part(void)
{
	kb_text *t = NULL;
	kb_para_info header = { KB_PART_HEADER, "word/header1.xml", NULL, 0, 0 };
	kb_metrics m;
	KB_CHECK_INT(kb_text_new(&t), KB_OK);
	KB_CHECK_INT(kb_text_add_paragraph(t, "Sagsnr. 123", 11, &header, NULL, 0), KB_OK);
	KB_CHECK_INT(kb_text_add_paragraph(t, "Kære Jens.", strlen("Kære Jens."), NULL, NULL, 0), KB_OK);
	KB_CHECK_INT(kb_text_add_paragraph(t, "—", strlen("—"), NULL, NULL, 0), KB_OK);
	KB_CHECK_INT(kb_text_add_paragraph(t, "", 0, NULL, NULL, 0), KB_OK);
	kb_metrics_compute(&m, t);
	KB_CHECK_INT(m.words, 4);
	KB_CHECK_INT(m.sentences, 2);
	KB_CHECK_INT(m.paragraphs, 2);
	KB_CHECK_INT(m.long_words, 0);
	KB_CHECK_DBL(m.lix, 2.0, 1e-9);
	kb_text_free(t);
}

static kb_text *letter_lines(const char *s)
{
	kb_text *t = NULL;
	kb_ctx *ctx = NULL;
	if (kb_ctx_new(&ctx) != KB_OK)
		return NULL;
	if (kb_text_from_letter_lines(&t, ctx, s, strlen(s), "brev.txt", 1) != KB_OK)
		fprintf(stderr, "  kb_text_from_letter_lines: %s\n", kb_ctx_errmsg(ctx));
	kb_ctx_free(ctx);
	return t;
}

static void test_textmodel__txt_letter_line_with_hash_is_a_heading(void)
{
	kb_text *t = letter_lines("# Afgørelse\nDu får ikke hjælp.\n##  Sådan klager du\n#ikke en overskrift\n# \n");
	KB_CHECK(t != NULL);
	if (!t)
		return;
	KB_CHECK_INT(t->nparas, 5);
	KB_CHECK_INT(t->paras[0].heading, 1);
	KB_CHECK_STR(t->paras[0].text, "Afgørelse");
	KB_CHECK_INT(t->paras[1].heading, 0);
	KB_CHECK_INT(t->paras[2].heading, 2);
	KB_CHECK_STR(t->paras[2].text, "Sådan klager du");
	KB_CHECK_INT(t->paras[3].heading, 0); /* no blank after '#' */
	KB_CHECK_STR(t->paras[3].text, "#ikke en overskrift");
	KB_CHECK_INT(t->paras[4].heading, 0); /* '#' with nothing after it is text */
	kb_text_free(t);
	/* plain text (a phrase, klarbrev.words) keeps its '#' */
	t = plain("# Afgørelse\n");
	KB_CHECK_INT(t ? t->paras[0].heading : -1, 0);
	kb_text_free(t);
}

static void test_textmodel__txt_letter_text_comes_from_the_letter(void)
{
	kb_text *t = letter_lines("Du får ikke hjælp.\n# Klage\n");
	KB_CHECK(t != NULL);
	if (!t)
		return;
	KB_CHECK_STR(kb_paragraph_origin_at(&t->paras[0], 0), "letter");
	KB_CHECK_STR(kb_paragraph_origin_at(&t->paras[0], t->paras[0].words[2].start), "letter");
	KB_CHECK_STR(kb_paragraph_origin_at(&t->paras[1], 0), "letter");
	kb_text_free(t);
}

KB_TESTS(KB_TEST(test_textmodel__dk1_ordinal_does_not_end_a_period),
         KB_TEST(test_textmodel__dk2_six_letters_with_ae_oe_are_not_long),
         KB_TEST(test_textmodel__dk3_abbreviations_and_paragraph_sign),
         KB_TEST(test_textmodel__dk4_heading_colon_and_ordinal),
         KB_TEST(test_textmodel__dk5_kancellisprog_is_one_long_period),
         KB_TEST(test_textmodel__dk6_final_kr_and_thousands_separator), KB_TEST(test_textmodel__section_c_swedish_cases),
         KB_TEST(test_textmodel__sparv_four_sentences), KB_TEST(test_textmodel__text_without_words_has_lix_zero),
         KB_TEST(test_textmodel__preceding_abbreviations_never_end_a_sentence),
         KB_TEST(test_textmodel__final_abbreviation_ends_before_a_capital_only),
         KB_TEST(test_textmodel__ordinal_before_lower_case_does_not_end),
         KB_TEST(test_textmodel__initials_do_not_end_a_sentence), KB_TEST(test_textmodel__decimal_numbers_do_not_split),
         KB_TEST(test_textmodel__heading_paragraph_is_a_sentence),
         KB_TEST(test_textmodel__line_break_inside_paragraph_ends_a_sentence),
         KB_TEST(test_textmodel__question_and_exclamation_end_sentences),
         KB_TEST(test_textmodel__colon_before_capital_or_digit_ends), KB_TEST(test_textmodel__closing_quote_after_period),
         KB_TEST(test_textmodel__sentences_are_trimmed_and_index_their_words),
         KB_TEST(test_textmodel__sentence_without_words_is_dropped),
         KB_TEST(test_textmodel__word_offsets_are_bytes_with_ae_oe_aa),
         KB_TEST(test_textmodel__abbreviation_words_keep_their_period),
         KB_TEST(test_textmodel__digits_urls_and_mail_are_flagged), KB_TEST(test_textmodel__tokens_need_a_letter_or_digit),
         KB_TEST(test_textmodel__long_means_more_than_six_letters),
         KB_TEST(test_textmodel__no_break_space_separates_words), KB_TEST(test_textmodel__is_abbreviation_ignores_case),
         KB_TEST(test_textmodel__reference_core_abbreviations_are_known),
         KB_TEST(test_textmodel__from_plain_handles_crlf_blank_lines_and_bom),
         KB_TEST(test_textmodel__from_plain_names_the_invalid_line),
         KB_TEST(test_textmodel__from_plain_refuses_text_over_the_limit),
         KB_TEST(test_textmodel__invalid_bytes_become_replacement_chars_and_spans_follow),
         KB_TEST(test_textmodel__origin_at_follows_spans), KB_TEST(test_textmodel__spans_must_cover_the_text),
         KB_TEST(test_textmodel__paragraph_info_is_copied), KB_TEST(test_textmodel__metrics_count_every_part),
         KB_TEST(test_textmodel__txt_letter_line_with_hash_is_a_heading),
         KB_TEST(test_textmodel__txt_letter_text_comes_from_the_letter))
