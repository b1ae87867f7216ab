/*
 * test_word_documents.c -- fills templates that a word processor made (LibreOffice Writer, saved as DOCX, by
 * scripts/make-test-documents.py) and compares each letter with what a reader expects it to say. The documents, their
 * cases and the expected text are in tests/data/word/ (its README.md says what each one covers and the format of the
 * .expected.txt files). Only the public API is used, and the saved DOCX is read back as a zip of XML parts.
 */
#include "kbtest.h"
#include "klarbrev.h"

#include <stdlib.h>
#include <string.h>
#include <zip.h>

#ifndef KB_TEST_BINARY_DIR
#define KB_TEST_BINARY_DIR "."
#endif
#define DATA(name) KB_TEST_SOURCE_DIR "/tests/data/word/" name
#define OUT(name)  KB_TEST_BINARY_DIR "/test_word_documents_" name
#define MAX_FILE   (4u << 20) /* the biggest data file or zip entry a test reads */

/* ---- small helpers -------------------------------------------------------------------------------------------- */

/* A growable string for the tests; aborts the test program when memory runs out (a test has nothing to recover). */
typedef struct {
	char *s;
	size_t len, cap;
} str;

static void str_addn(str *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (b->len + n + 1 > cap)
			cap *= 2;
		char *ns = realloc(b->s, cap);
		if (!ns) {
			fprintf(stderr, "out of memory\n");
			exit(2);
		}
		b->s = ns;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void str_add(str *b, const char *s)
{
	str_addn(b, s, strlen(s));
}

/* The empty string rather than NULL when nothing was added. Caller frees. */
static char *str_done(str *b)
{
	if (!b->s)
		str_addn(b, "", 0);
	return b->s;
}

/* Reads a whole file; NULL (and a note on stderr) when it cannot. Caller frees. */
static char *read_file(const char *path, size_t *out_len)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "  cannot open %s\n", path);
		return NULL;
	}
	str b = {0};
	char chunk[8192];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && b.len < MAX_FILE)
		str_addn(&b, chunk, n);
	fclose(f);
	if (out_len)
		*out_len = b.len;
	return str_done(&b);
}

/* One entry of a zip file (a part of a DOCX), NUL-terminated; NULL when there is no such entry. Caller frees. */
static char *zip_entry(const char *path, const char *name)
{
	int err = 0;
	zip_t *z = zip_open(path, ZIP_RDONLY, &err);
	if (!z)
		return NULL;
	char *out = NULL;
	zip_file_t *f = zip_fopen(z, name, 0);
	if (f) {
		str b = {0};
		char chunk[8192];
		zip_int64_t n;
		while ((n = zip_fread(f, chunk, sizeof chunk)) > 0 && b.len < MAX_FILE)
			str_addn(&b, chunk, (size_t)n);
		zip_fclose(f);
		out = str_done(&b);
	}
	zip_close(z);
	return out;
}

static int ends_with(const char *s, const char *end)
{
	size_t n = strlen(s), m = strlen(end);
	return n >= m && !strcmp(s + n - m, end);
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay ? strstr(hay, needle) : NULL; p; p = strstr(p + 1, needle))
		n++;
	return n;
}

/* ---- expectations --------------------------------------------------------------------------------------------- */

/* An .expected.txt file is a list of sections. "# <kind>" (body, header, footer, footnote, endnote) starts the
 * paragraphs of every part of that kind; "# <kind> <part>" (# header word/header2.xml) those of one part, where a
 * letter has several of a kind. Each following line up to the next "# " line is one paragraph, with \n, \t and \\
 * standing for a line break, a tab and a backslash. Every paragraph of the letter must belong to a section: a kind
 * the file does not name must have no paragraphs. */
#define MAX_SECTIONS 16

typedef struct {
	char kind[16];
	char part[128]; /* "" for every part of the kind */
	char *want;     /* the section's paragraphs, each followed by '\n' */
	str got;
} section;

/* Parses the file into secs; returns how many (at most MAX_SECTIONS). Lines before the first section are ignored. */
static size_t parse_expected(section *secs, const char *file)
{
	size_t n = 0;
	str want = {0};
	const char *p = file;
	while (p && *p) {
		const char *end = strchr(p, '\n');
		if (!end)
			end = p + strlen(p);
		if (!strncmp(p, "# ", 2)) {
			if (n)
				secs[n - 1].want = str_done(&want);
			memset(&want, 0, sizeof want);
			if (n == MAX_SECTIONS) {
				fprintf(stderr, "  too many sections in an .expected.txt file\n");
				kbt_failures_in_test++;
				return n;
			}
			section *s = &secs[n++];
			memset(s, 0, sizeof *s);
			char line[256];
			snprintf(line, sizeof line, "%.*s", (int)(end - p - 2), p + 2);
			char *space = strchr(line, ' ');
			if (space) {
				*space = '\0';
				snprintf(s->part, sizeof s->part, "%.127s", space + 1);
			}
			snprintf(s->kind, sizeof s->kind, "%.15s", line);
		} else if (n) {
			for (const char *c = p; c < end; c++) {
				if (*c == '\\' && c + 1 < end && (c[1] == 'n' || c[1] == 't' || c[1] == '\\')) {
					str_add(&want, c[1] == 'n' ? "\n" : c[1] == 't' ? "\t" : "\\");
					c++;
				} else {
					str_addn(&want, c, 1);
				}
			}
			str_add(&want, "\n");
		}
		p = *end ? end + 1 : end;
	}
	if (n)
		secs[n - 1].want = str_done(&want);
	return n;
}

/* The section a paragraph belongs to: one that names its part, else one for its whole kind; -1 when none. */
static long section_of(const section *secs, size_t n, const kb_paragraph *para)
{
	const char *kind = kb_part_kind_name(para->part);
	long whole = -1;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(secs[i].kind, kind) != 0)
			continue;
		if (secs[i].part[0] && para->part_name && !strcmp(secs[i].part, para->part_name))
			return (long)i;
		if (!secs[i].part[0] && whole < 0)
			whole = (long)i;
	}
	return whole;
}

/* Checks the paragraphs of the letter against the expectation file: all of them, or those of one kind (only, a
 * kb_part_kind_name); says which section differs on failure. */
static void check_text(const kb_letter *l, const char *expected_file, const char *expected_name, const char *only)
{
	section secs[MAX_SECTIONS];
	size_t n = parse_expected(secs, expected_file);
	str extra = {0};
	const kb_text *t = kb_letter_text(l);
	for (size_t i = 0; t && i < t->nparas; i++) {
		if (only && strcmp(kb_part_kind_name(t->paras[i].part), only) != 0)
			continue;
		long k = section_of(secs, n, &t->paras[i]);
		str *into = k >= 0 ? &secs[k].got : &extra;
		if (k < 0) {
			str_add(into, kb_part_kind_name(t->paras[i].part));
			str_add(into, t->paras[i].part_name ? " " : "");
			str_add(into, t->paras[i].part_name ? t->paras[i].part_name : "");
			str_add(into, ": ");
		}
		str_add(into, t->paras[i].text);
		str_add(into, "\n");
	}
	for (size_t i = 0; i < n; i++) {
		const char *got = str_done(&secs[i].got);
		if ((!only || !strcmp(secs[i].kind, only)) && strcmp(got, secs[i].want) != 0) {
			fprintf(stderr,
			        "  %s, # %s%s%s: the letter says\n---\n%s---\n  but the expectation is\n---\n%s---\n",
			        expected_name, secs[i].kind, secs[i].part[0] ? " " : "", secs[i].part, got,
			        secs[i].want);
			kbt_failures_in_test++;
		}
		free(secs[i].got.s);
		free(secs[i].want);
	}
	if (extra.len) {
		fprintf(stderr, "  %s: paragraphs the expectation has no section for:\n---\n%s---\n", expected_name,
		        extra.s);
		kbt_failures_in_test++;
	}
	free(extra.s);
}

/* The letter's paragraphs of one kind of part, each followed by '\n'. Caller frees. */
static char *letter_part(const kb_letter *l, kb_part_kind kind)
{
	str b = {0};
	const kb_text *t = kb_letter_text(l);
	for (size_t i = 0; t && i < t->nparas; i++) {
		if (t->paras[i].part != kind)
			continue;
		str_add(&b, t->paras[i].text);
		str_add(&b, "\n");
	}
	return str_done(&b);
}

/* ---- filling -------------------------------------------------------------------------------------------------- */

/* A filled letter and the template it borrows its package from. */
typedef struct {
	kb_ctx *ctx;
	kb_template *t;
	kb_letter *l;
	char *expected; /* the .expected.txt file */
	const char *expected_name;
} filled;

/* Fills tests/data/word/<doc>.docx with <case_name>.json; the expectation is <case_name>.expected.txt. On failure
 * f->l is NULL and the check has failed with the engine's message. */
static void fill(filled *f, const char *doc, const char *case_name)
{
	char docx[512], json[512], exp[512];
	snprintf(docx, sizeof docx, DATA("%s.docx"), doc);
	snprintf(json, sizeof json, DATA("%s.json"), case_name);
	snprintf(exp, sizeof exp, DATA("%s.expected.txt"), case_name);
	memset(f, 0, sizeof *f);
	f->expected_name = case_name;
	kb_ctx_new(&f->ctx);
	f->expected = read_file(exp, NULL);
	KB_CHECK(f->expected != NULL);
	size_t len = 0;
	char *data = read_file(json, &len);
	KB_CHECK(data != NULL);
	kb_case *c = NULL;
	int rc = data ? kb_case_load_buffer(&c, f->ctx, data, len, json) : KB_EINPUT;
	if (!rc)
		rc = kb_template_open(&f->t, f->ctx, docx, NULL);
	if (!rc)
		rc = kb_template_render(&f->l, f->ctx, f->t, c);
	if (rc) {
		fprintf(stderr, "  %s with %s: %s\n", docx, json, kb_ctx_errmsg(f->ctx));
		for (size_t i = 0; i < kb_ctx_detail_count(f->ctx); i++)
			fprintf(stderr, "    %s\n", kb_ctx_detail(f->ctx, i));
	}
	KB_CHECK_INT(rc, 0);
	kb_case_free(c);
	free(data);
}

static void unfill(filled *f)
{
	kb_letter_free(f->l);
	kb_template_free(f->t);
	kb_ctx_free(f->ctx);
	free(f->expected);
}

/* Compares every paragraph of the letter with the expectation file. */
static void check_all_parts(const filled *f)
{
	if (f->l && f->expected)
		check_text(f->l, f->expected, f->expected_name, NULL);
}

/* Compares the paragraphs of one kind of part (a kb_part_kind_name) with the expectation file. */
static void check_parts_of_kind(const filled *f, const char *kind)
{
	if (f->l && f->expected)
		check_text(f->l, f->expected, f->expected_name, kind);
}

/* Saves the letter to OUT(<case_name>.docx) and returns the saved file's name (static storage), or NULL. */
static const char *save(const filled *f)
{
	static char path[512];
	snprintf(path, sizeof path, OUT("%s.docx"), f->expected_name);
	int rc = f->l ? kb_letter_save(f->l, f->ctx, path) : KB_EUSAGE;
	if (rc)
		fprintf(stderr, "  saving %s: %s\n", path, kb_ctx_errmsg(f->ctx));
	KB_CHECK_INT(rc, 0);
	return rc ? NULL : path;
}

/* The w:r element around the first w:t that holds text, as XML; "" when the text is not there. Caller frees. */
static char *run_holding(const char *xml, const char *text)
{
	str b = {0};
	const char *at = xml ? strstr(xml, text) : NULL;
	if (at) {
		const char *start = at;
		while (start > xml && !(strncmp(start, "<w:r>", 5) == 0 || strncmp(start, "<w:r ", 5) == 0))
			start--;
		const char *end = strstr(at, "</w:r>");
		if (end)
			str_addn(&b, start, (size_t)(end - start));
	}
	return str_done(&b);
}

/* ---- the tests ------------------------------------------------------------------------------------------------ */

/* Every case: the document and the case (and expectation) name. */
static const struct {
	const char *doc, *case_name;
} cases[] = {
    {"tags-in-runs", "tags-in-runs"},
    {"parts", "parts"},
    {"sections", "sections"},
    {"sections", "sections-empty"},
    {"notes-in-sections", "notes-enlig"},
    {"notes-in-sections", "notes-samlevende"},
    {"tables-in-sections", "tables-in-sections"},
    {"mergefields", "mergefields"},
    {"content-controls", "content-controls"},
};

/* Tags typed with formatting changes inside them, a bookmark and a comment on part of a tag, part of a tag typed or
 * deleted with change tracking on, curly quotes around formatter arguments, a line break in a value. */
static void test_word_documents__tags_split_by_formatting_bookmarks_comments_and_tracked_changes(void)
{
	filled f;
	fill(&f, "tags-in-runs", "tags-in-runs");
	check_all_parts(&f);
	unfill(&f);
}

/* The value takes the formatting of the run where its tag starts: "Kære {{mod" is plain although "tager.na" is
 * bold; "{{sag" is bold although ".nr}}" is italic. */
static void test_word_documents__value_takes_the_formatting_where_the_tag_starts(void)
{
	filled f;
	fill(&f, "tags-in-runs", "tags-in-runs");
	const char *path = save(&f);
	char *xml = path ? zip_entry(path, "word/document.xml") : NULL;
	KB_CHECK(xml != NULL);
	char *name = run_holding(xml, "Mette Lund Kristiansen");
	char *nr = run_holding(xml, "2026-048127");
	KB_CHECK(*name && !strstr(name, "<w:b/>") && !strstr(name, "<w:b "));
	KB_CHECK(*nr && strstr(nr, "<w:b/>") && !strstr(nr, "<w:i/>"));
	free(name);
	free(nr);
	free(xml);
	unfill(&f);
}

/* What was typed inside a tag goes with the tag: its pieces in other runs, and a piece deleted with change tracking
 * on (it would come back as "post@soeby.dkx." when the caseworker rejects all changes). Markers that Word pairs
 * (bookmarks, comment ranges) stay paired. */
static void test_word_documents__nothing_typed_inside_a_tag_is_left_behind(void)
{
	filled f;
	fill(&f, "tags-in-runs", "tags-in-runs");
	char *tpl = zip_entry(DATA("tags-in-runs.docx"), "word/document.xml");
	KB_CHECK_INT(count(tpl, "<w:delText>x</w:delText>"), 1);
	free(tpl);
	const char *path = save(&f);
	char *xml = path ? zip_entry(path, "word/document.xml") : NULL;
	KB_CHECK(xml != NULL);
	KB_CHECK(xml && !strstr(xml, "tager.na") && !strstr(xml, "kommune.em") && !strstr(xml, "ail}"));
	KB_CHECK_INT(count(xml, "<w:bookmarkStart "), count(xml, "<w:bookmarkEnd "));
	KB_CHECK_INT(count(xml, "<w:commentRangeStart "), count(xml, "<w:commentRangeEnd "));
	KB_CHECK_INT(count(xml, "<w:delText>x</w:delText>"), 0);
	free(xml);
	unfill(&f);
}

/* Tags in the header, the footer, a footnote, an endnote, a frame and a drawing text box. */
static void test_word_documents__header_footer_footnote_endnote_and_text_boxes(void)
{
	filled f;
	fill(&f, "parts", "parts");
	check_all_parts(&f);
	unfill(&f);
}

/* Writer saves a frame and a text box twice (mc:Choice for new Word, a VML mc:Fallback for old): both copies are
 * filled, and the letter's text has each once. */
static void test_word_documents__text_boxes_are_filled_in_both_copies_and_read_once(void)
{
	filled f;
	fill(&f, "parts", "parts");
	const char *path = save(&f);
	char *xml = path ? zip_entry(path, "word/document.xml") : NULL;
	KB_CHECK(xml != NULL);
	/* the template really has both copies of both boxes */
	char *tpl = zip_entry(DATA("parts.docx"), "word/document.xml");
	KB_CHECK_INT(count(tpl, "<mc:Fallback>"), 2);
	KB_CHECK_INT(count(tpl, "<v:textbox"), 2);
	KB_CHECK_INT(count(tpl, "{{sagsbehandler.telefon}}"), 2);
	free(tpl);
	const char *values[] = {"Jonas Holm", "72 36 40 12", "Søby Kommune", "Ydelsescenter"};
	for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
		KB_CHECK_INT(count(xml, values[i]), 2);
		char *body = f.l ? letter_part(f.l, KB_PART_BODY) : NULL;
		KB_CHECK_INT(count(body, values[i]), 1);
		free(body);
	}
	free(xml);
	unfill(&f);
}

/* A paragraph holding only a section tag disappears; sections around paragraphs, bulleted and numbered list items,
 * a table row (opened and closed in the row: the row repeats) and a whole table; nested and inverted sections. */
static void test_word_documents__sections_over_paragraphs_lists_rows_and_tables(void)
{
	filled f;
	fill(&f, "sections", "sections");
	check_all_parts(&f);
	unfill(&f);
}

/* The same document with false, empty and missing values: nothing of the sections is left, not even an empty
 * paragraph or table row. */
static void test_word_documents__empty_sections_leave_nothing_behind(void)
{
	filled f;
	fill(&f, "sections", "sections-empty");
	check_all_parts(&f);
	unfill(&f);
}

/* Repeated list items are still list items (each keeps its w:numPr), and list items that held only a section tag
 * are gone. Writer saves numId 0 on paragraphs after a list ("no list"); those are not list items. */
static void test_word_documents__repeated_list_items_stay_list_items(void)
{
	const char *names[] = {"sections", "sections-empty"};
	const size_t bullets[] = {2, 0}, numbers[] = {2, 0};
	char *tpl = zip_entry(DATA("sections.docx"), "word/document.xml");
	KB_CHECK_INT(count(tpl, "<w:numId w:val=\"1\"/>"), 3); /* the three bulleted paragraphs of the template */
	KB_CHECK_INT(count(tpl, "<w:numId w:val=\"2\"/>"), 1); /* the one numbered paragraph */
	free(tpl);
	for (size_t i = 0; i < 2; i++) {
		filled f;
		fill(&f, "sections", names[i]);
		const char *path = save(&f);
		char *xml = path ? zip_entry(path, "word/document.xml") : NULL;
		KB_CHECK(xml != NULL);
		KB_CHECK_INT(count(xml, "<w:numId w:val=\"1\"/>"), bullets[i]);
		KB_CHECK_INT(count(xml, "<w:numId w:val=\"2\"/>"), numbers[i]);
		free(xml);
		unfill(&f);
	}
}

/* A text box in a repeated section is repeated with its own drawing id: ECMA-376 wants wp:docPr ids unique in a
 * document, and Word reports duplicates as unreadable content. */
static void test_word_documents__repeated_text_boxes_get_their_own_ids(void)
{
	filled f;
	fill(&f, "sections", "sections");
	const char *path = save(&f);
	char *xml = path ? zip_entry(path, "word/document.xml") : NULL;
	KB_CHECK(xml != NULL);
	KB_CHECK_INT(count(xml, "<wp:docPr "), 2); /* one frame, two children */
	const char *first = xml ? strstr(xml, "<wp:docPr ") : NULL;
	const char *second = first ? strstr(first + 1, "<wp:docPr ") : NULL;
	KB_CHECK(first && second);
	if (first && second) {
		const char *a = strstr(first, " id=\""), *b = strstr(second, " id=\"");
		KB_CHECK(a && b && strncmp(a, b, (size_t)(strchr(a + 5, '"') - a)) != 0);
	}
	free(xml);
	unfill(&f);
}

/* A footnote or an endnote in a paragraph that a section removes goes with it: from the letter's text (which the
 * checks read) and from the notes part. */
static void test_word_documents__notes_go_with_the_paragraphs_a_section_removes(void)
{
	const char *names[] = {"notes-enlig", "notes-samlevende"};
	const char *gone_part[] = {"word/endnotes.xml", "word/footnotes.xml"};
	const char *gone_text[] = {"Se ", "Jf. aktivlovens § 25, stk. 2."}; /* the endnote is "Se {{vejledning}}." */
	for (size_t i = 0; i < 2; i++) {
		filled f;
		fill(&f, "notes-in-sections", names[i]);
		check_parts_of_kind(&f, "body");
		const char *path = save(&f);
		char *notes = path ? zip_entry(path, gone_part[i]) : NULL;
		KB_CHECK(notes != NULL);
		check_all_parts(&f);
		KB_CHECK_INT(count(notes, gone_text[i]), 0);
		free(notes);
		unfill(&f);
	}
}

/* The enlig letter needs no "vejledning": only the samlevende paragraph uses it, in its endnote. Today the endnote of
 * the removed paragraph is still filled, so the case is refused: feltet "vejledning" mangler i sagen (bruges i
 * word/endnotes.xml, afsnit 1: {{vejledning}}). */
static void test_word_documents__a_note_in_a_removed_section_needs_no_fields(void)
{
	const char *json = "{\"modtager\": {\"navn\": \"Mette Lund Kristiansen\"}, \"enlig\": true}";
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	kb_case *c = NULL;
	kb_template *t = NULL;
	kb_letter *l = NULL;
	int rc = kb_case_load_buffer(&c, ctx, json, strlen(json), "case.json");
	if (!rc)
		rc = kb_template_open(&t, ctx, DATA("notes-in-sections.docx"), NULL);
	if (!rc)
		rc = kb_template_render(&l, ctx, t, c);
	if (rc)
		fprintf(stderr, "  %s %s\n", kb_ctx_errmsg(ctx), kb_ctx_detail_count(ctx) ? kb_ctx_detail(ctx, 0) : "");
	KB_CHECK_INT(rc, 0);
	kb_letter_free(l);
	kb_template_free(t);
	kb_case_free(c);
	kb_ctx_free(ctx);
}

/* Two tables with only a section's paragraph between them stay two tables: in Word, tables with no paragraph
 * between them run together as one. */
static void test_word_documents__tables_stay_apart_when_the_section_paragraph_between_them_goes(void)
{
	char *tpl = zip_entry(DATA("tables-in-sections.docx"), "word/document.xml");
	KB_CHECK_INT(count(tpl, "<w:tbl>"), 2);
	KB_CHECK_INT(count(tpl, "</w:tbl><w:tbl>"), 0);
	free(tpl);
	filled f;
	fill(&f, "tables-in-sections", "tables-in-sections");
	const char *path = save(&f);
	char *xml = path ? zip_entry(path, "word/document.xml") : NULL;
	KB_CHECK(xml != NULL);
	KB_CHECK_INT(count(xml, "<w:tbl>") + count(xml, "<w:tbl "), 2);
	KB_CHECK_INT(count(xml, "Særlig støtte"), 1);
	KB_CHECK_INT(count(xml, "</w:tbl><w:tbl"), 0);
	check_all_parts(&f);
	free(xml);
	unfill(&f);
}

/* Writer's mail-merge fields (saved as MERGEFIELD complex fields, with «name» as the shown result) are filled like
 * {{name}}, in the body and in the header, next to a typed tag; the filled letter has no field left that Word would
 * update back to «name»; a bold field gives a bold value. */
static void test_word_documents__mergefields_are_filled_and_removed(void)
{
	filled f;
	fill(&f, "mergefields", "mergefields");
	check_all_parts(&f);
	char *tpl = zip_entry(DATA("mergefields.docx"), "word/document.xml");
	KB_CHECK_INT(count(tpl, "MERGEFIELD"), 6);
	free(tpl);
	const char *path = save(&f);
	char *body = path ? zip_entry(path, "word/document.xml") : NULL;
	char *header = path ? zip_entry(path, "word/header1.xml") : NULL;
	KB_CHECK(body && header);
	KB_CHECK_INT(count(body, "MERGEFIELD"), 0);
	KB_CHECK_INT(count(header, "MERGEFIELD"), 0);
	KB_CHECK_INT(count(body, "«"), 0);
	KB_CHECK_INT(count(header, "«"), 0);
	char *nr = run_holding(body, "2026-048127");
	KB_CHECK(*nr && strstr(nr, "<w:b/>"));
	free(nr);
	free(body);
	free(header);
	unfill(&f);
}

/* LibreOffice 7.4 makes content controls without a tag or a title: a tag typed inside one is filled, and the text
 * of one that is no field (a placeholder) stays as it is. */
static void test_word_documents__content_controls_without_a_tag_keep_their_text(void)
{
	filled f;
	fill(&f, "content-controls", "content-controls");
	check_all_parts(&f);
	unfill(&f);
}

/* Every document is a correct template: lint finds no problem in what a word processor wrote (split tags, fields,
 * content controls, text boxes, notes, tracked changes). */
static void test_word_documents__lint_finds_no_problem_in_any_document(void)
{
	const char *docs[] = {DATA("tags-in-runs.docx"),       DATA("parts.docx"),
	                      DATA("sections.docx"),           DATA("notes-in-sections.docx"),
	                      DATA("tables-in-sections.docx"), DATA("mergefields.docx"),
	                      DATA("content-controls.docx")};
	for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
		kb_ctx *ctx;
		kb_ctx_new(&ctx);
		int rc = kb_template_lint(ctx, docs[i], NULL);
		if (rc) {
			fprintf(stderr, "  %s: %s\n", docs[i], kb_ctx_errmsg(ctx));
			for (size_t k = 0; k < kb_ctx_detail_count(ctx); k++)
				fprintf(stderr, "    %s\n", kb_ctx_detail(ctx, k));
		}
		KB_CHECK_INT(rc, 0);
		kb_ctx_free(ctx);
	}
}

/* Every case saved: no part of the DOCX has a tag left, and the saved file read back says the same. */
static void test_word_documents__saved_letters_have_no_tags_left_and_read_back_the_same(void)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		filled f;
		fill(&f, cases[i].doc, cases[i].case_name);
		const char *path = save(&f);
		int err = 0;
		zip_t *z = path ? zip_open(path, ZIP_RDONLY, &err) : NULL;
		KB_CHECK(z != NULL);
		zip_int64_t n = z ? zip_get_num_entries(z, 0) : 0;
		size_t xml_parts = 0;
		for (zip_int64_t e = 0; e < n; e++) {
			const char *name = zip_get_name(z, (zip_uint64_t)e, 0);
			if (!name || (!ends_with(name, ".xml") && !ends_with(name, ".rels")))
				continue;
			char *xml = zip_entry(path, name);
			xml_parts++;
			if (count(xml, "{{") || count(xml, "}}")) {
				fprintf(stderr, "  %s: %s still has a tag\n", path, name);
				kbt_failures_in_test++;
			}
			free(xml);
		}
		KB_CHECK(xml_parts >= 5);
		if (z)
			zip_close(z);
		kb_letter *back = NULL;
		KB_CHECK_INT(path ? kb_letter_open(&back, f.ctx, path) : KB_EUSAGE, 0);
		int compare = 1;
		if (back && f.expected && compare)
			check_text(back, f.expected, f.expected_name, NULL);
		kb_letter_free(back);
		unfill(&f);
	}
}

KB_TESTS(KB_TEST(test_word_documents__tags_split_by_formatting_bookmarks_comments_and_tracked_changes),
         KB_TEST(test_word_documents__value_takes_the_formatting_where_the_tag_starts),
         KB_TEST(test_word_documents__nothing_typed_inside_a_tag_is_left_behind),
         KB_TEST(test_word_documents__header_footer_footnote_endnote_and_text_boxes),
         KB_TEST(test_word_documents__text_boxes_are_filled_in_both_copies_and_read_once),
         KB_TEST(test_word_documents__sections_over_paragraphs_lists_rows_and_tables),
         KB_TEST(test_word_documents__empty_sections_leave_nothing_behind),
         KB_TEST(test_word_documents__repeated_list_items_stay_list_items),
         KB_TEST(test_word_documents__repeated_text_boxes_get_their_own_ids),
         KB_TEST(test_word_documents__notes_go_with_the_paragraphs_a_section_removes),
         KB_TEST(test_word_documents__a_note_in_a_removed_section_needs_no_fields),
         KB_TEST(test_word_documents__tables_stay_apart_when_the_section_paragraph_between_them_goes),
         KB_TEST(test_word_documents__mergefields_are_filled_and_removed),
         KB_TEST(test_word_documents__content_controls_without_a_tag_keep_their_text),
         KB_TEST(test_word_documents__lint_finds_no_problem_in_any_document),
         KB_TEST(test_word_documents__saved_letters_have_no_tags_left_and_read_back_the_same))
