/* test_annotate.c -- the annotated draft: each finding as a Word comment on exactly its words, runs split with their
 * formatting kept, findings in headers, footers, notes and text boxes moved to the nearest place Word shows, the
 * document's own comments kept, and the letter's text unchanged. */
#include "kbtest.h"
#include "docx.h"
#include "docxfix.h"
#include "package.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libxml/tree.h>

#ifndef KB_TEST_BINARY_DIR
#define KB_TEST_BINARY_DIR "."
#endif
#define TMPDIR    KB_TEST_BINARY_DIR "/test_annotate.d"
#define TMP(name) TMPDIR "/" name
#define DATE      "2026-05-04T09:30:00Z"

#define XML_DECL "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
#define P(text)  "<w:p><w:r><w:t xml:space=\"preserve\">" text "</w:t></w:r></w:p>"

/* ---- helpers ---- */

static void scratch(void)
{
	mkdir(KB_TEST_BINARY_DIR, 0777);
	mkdir(TMPDIR, 0777);
}

/* A DOCX with a body and optionally footnotes (inner XML of w:footnotes) and a comments part (inner XML of
 * w:comments), wired up as Word does. Returns 0 on success. */
static int make_docx_notes(const char *path, const char *body, const char *footnotes, const char *comments)
{
	int err = 0;
	remove(path);
	zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
	if (!z)
		return -1;
	static char buf[65536];
	int rc = 0;
	snprintf(buf, sizeof buf,
	         XML_DECL
	         "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
	         "<Default Extension=\"rels\" "
	         "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
	         "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
	         "<Override PartName=\"/word/document.xml\" "
	         "ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>"
	         "%s</Types>",
	         comments
	             ? "<Override PartName=\"/word/comments.xml\" "
	               "ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml\"/>"
	             : "");
	rc |= docxfix_add(z, "[Content_Types].xml", buf);
	rc |= docxfix_add(z, "_rels/.rels",
	                  XML_DECL
	                  "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	                  "<Relationship Id=\"rId1\" "
	                  "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
	                  "officeDocument\" Target=\"word/document.xml\"/></Relationships>");
	snprintf(buf, sizeof buf,
	         XML_DECL "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">%s%s"
	                  "</Relationships>",
	         footnotes ? "<Relationship Id=\"rId2\" "
	                     "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes\" "
	                     "Target=\"footnotes.xml\"/>"
	                   : "",
	         comments ? "<Relationship Id=\"rId3\" "
	                    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments\" "
	                    "Target=\"comments.xml\"/>"
	                  : "");
	rc |= docxfix_add(z, "word/_rels/document.xml.rels", buf);
	snprintf(buf, sizeof buf, XML_DECL "<w:document " DOCXFIX_W "><w:body>%s</w:body></w:document>", body);
	rc |= docxfix_add(z, "word/document.xml", buf);
	if (footnotes) {
		snprintf(buf, sizeof buf, XML_DECL "<w:footnotes " DOCXFIX_W ">%s</w:footnotes>", footnotes);
		rc |= docxfix_add(z, "word/footnotes.xml", buf);
	}
	if (comments) {
		snprintf(buf, sizeof buf, XML_DECL "<w:comments " DOCXFIX_W ">%s</w:comments>", comments);
		rc |= docxfix_add(z, "word/comments.xml", buf);
	}
	if (zip_close(z) < 0) {
		zip_discard(z);
		return -1;
	}
	return rc;
}

/* Adds a finding on paragraph para (-1: the letter), bytes [start, start + len). */
static void add_finding(kb_findings *fs, long para, size_t start, size_t len, const char *rule, kb_level level,
                        const char *message, const char *suggestion)
{
	char *sugg[1] = {(char *)suggestion};
	kb_finding f = {.rule = (char *)rule,
	                .level = level,
	                .message = (char *)message,
	                .paragraph = para,
	                .start = start,
	                .len = len,
	                .suggestions = suggestion ? sugg : NULL,
	                .nsuggestions = suggestion ? 1 : 0};
	KB_CHECK_INT(kb_findings_add(fs, &f), KB_OK);
}

/* What an annotated file holds, read back. */
typedef struct result {
	kb_letter *letter;   /* the output opened as a letter */
	xmlDocPtr doc;       /* its main document */
	xmlDocPtr comments;  /* its comments part, or NULL */
	char *content_types; /* [Content_Types].xml */
	char *rels;          /* word/_rels/document.xml.rels */
} result;

static void result_free(result *r)
{
	kb_letter_free(r->letter);
	xmlFreeDoc(r->doc);
	xmlFreeDoc(r->comments);
	free(r->content_types);
	free(r->rels);
	memset(r, 0, sizeof *r);
}

/* Annotates in with fs into out and reads out back. Returns the status of kb_letter_save_annotated. */
static int annotate(result *r, const char *in, const char *out, const kb_findings *fs)
{
	memset(r, 0, sizeof *r);
	kb_ctx *ctx = NULL;
	kb_letter *l = NULL;
	kb_package *pkg = NULL;
	kb_ctx_new(&ctx);
	int rc = kb_letter_open(&l, ctx, in);
	KB_CHECK_INT(rc, KB_OK);
	if (rc) {
		fprintf(stderr, "  %s\n", kb_ctx_errmsg(ctx));
		goto done;
	}
	kb_annotate_options opts = {.date = DATE};
	rc = kb_letter_save_annotated(l, ctx, out, fs, &opts);
	if (rc)
		goto done;
	KB_CHECK_INT(kb_letter_open(&r->letter, ctx, out), KB_OK);
	KB_CHECK_INT(kb_package_open(&pkg, ctx, out), KB_OK);
	if (!pkg)
		goto done;
	KB_CHECK_INT(kb_package_parse(&r->doc, pkg, ctx, "word/document.xml"), KB_OK);
	if (kb_package_has(pkg, "word/comments.xml"))
		KB_CHECK_INT(kb_package_parse(&r->comments, pkg, ctx, "word/comments.xml"), KB_OK);
	kb_package_read(&r->content_types, NULL, pkg, ctx, "[Content_Types].xml");
	kb_package_read(&r->rels, NULL, pkg, ctx, "word/_rels/document.xml.rels");
	/* the annotated letter says exactly what the letter said */
	const kb_text *a = kb_letter_text(l), *b = r->letter ? kb_letter_text(r->letter) : NULL;
	KB_CHECK(b != NULL);
	if (b) {
		KB_CHECK_INT(b->nparas, a->nparas);
		for (size_t i = 0; i < a->nparas && i < b->nparas; i++)
			KB_CHECK_STR(b->paras[i].text, a->paras[i].text);
	}
done:
	kb_package_free(pkg);
	kb_letter_free(l);
	kb_ctx_free(ctx);
	return rc;
}

typedef struct anchor_walk {
	const char *id;
	int open, seen_end, seen_ref;
	char text[1024];
	size_t len;
} anchor_walk;

static void walk_anchor(xmlNodePtr n, anchor_walk *w)
{
	for (xmlNodePtr c = n; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		xmlChar *id = kb_w_attr(c, "id");
		int mine = id && !strcmp((const char *)id, w->id);
		xmlFree(id);
		if (kb_w_is(c, "commentRangeStart") && mine)
			w->open = 1;
		else if (kb_w_is(c, "commentRangeEnd") && mine) {
			w->open = 0;
			w->seen_end = 1;
		} else if (kb_w_is(c, "commentReference") && mine)
			w->seen_ref = 1;
		else if (kb_w_is(c, "t") && w->open) {
			xmlChar *t = xmlNodeGetContent(c);
			size_t n2 = t ? strlen((const char *)t) : 0;
			if (w->len + n2 < sizeof w->text) {
				memcpy(w->text + w->len, t, n2);
				w->len += n2;
				w->text[w->len] = '\0';
			}
			xmlFree(t);
		} else if (!kb_w_is(c, "t")) {
			walk_anchor(c->children, w);
			if (kb_w_is(c, "p") && w->open && w->len + 1 < sizeof w->text) {
				w->text[w->len++] = '|'; /* a paragraph ends inside the range */
				w->text[w->len] = '\0';
			}
		}
	}
}

/* The text the comment with id is anchored on in the main document ("" when it has no range), or "?" when its
 * range has no end or it has no reference. */
static const char *anchor_of(const result *r, const char *id)
{
	static anchor_walk w;
	memset(&w, 0, sizeof w);
	w.id = id;
	if (r->doc)
		walk_anchor(xmlDocGetRootElement(r->doc), &w);
	if (!w.seen_end || !w.seen_ref)
		return "?";
	/* a range that ends a paragraph shows its mark at the end: drop it */
	if (w.len && w.text[w.len - 1] == '|')
		w.text[--w.len] = '\0';
	return w.text;
}

/* The text of comment id in the comments part, its paragraphs joined by " | "; "" when there is no such comment. */
static const char *comment_text(const result *r, const char *id, const char *want_author)
{
	static char buf[4096];
	buf[0] = '\0';
	xmlNodePtr root = r->comments ? xmlDocGetRootElement(r->comments) : NULL;
	for (xmlNodePtr c = root ? root->children : NULL; c; c = c->next) {
		xmlChar *cid = kb_w_attr(c, "id");
		int mine = kb_w_is(c, "comment") && cid && !strcmp((const char *)cid, id);
		xmlFree(cid);
		if (!mine)
			continue;
		if (want_author) {
			xmlChar *a = kb_w_attr(c, "author");
			KB_CHECK_STR((const char *)a, want_author);
			xmlFree(a);
		}
		size_t len = 0;
		for (xmlNodePtr p = c->children; p; p = p->next) {
			if (!kb_w_is(p, "p"))
				continue;
			xmlChar *t = xmlNodeGetContent(p);
			size_t n = t ? strlen((const char *)t) : 0;
			if (len + n + 4 < sizeof buf) {
				if (len) {
					memcpy(buf + len, " | ", 3);
					len += 3;
				}
				memcpy(buf + len, t, n);
				len += n;
				buf[len] = '\0';
			}
			xmlFree(t);
		}
	}
	return buf;
}

static int contains(const char *hay, const char *needle)
{
	return hay && needle && strstr(hay, needle) != NULL;
}

static int count_str(const char *hay, const char *needle)
{
	int k = 0;
	for (const char *p = hay; p && (p = strstr(p, needle)) != NULL; p++)
		k++;
	return k;
}

/* The number of elements w:<local> in the main document. */
static int count_elements(xmlNodePtr n, const char *local)
{
	int k = 0;
	for (xmlNodePtr c = n; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		k += kb_w_is(c, local);
		k += count_elements(c->children, local);
	}
	return k;
}

/* The number of elements w:<local> at or below n whose w:<attr> is value. */
static int count_with_attr(xmlNodePtr n, const char *local, const char *attr, const char *value)
{
	int k = 0;
	for (xmlNodePtr c = n; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (kb_w_is(c, local)) {
			xmlChar *v = kb_w_attr(c, attr);
			k += v && !strcmp((const char *)v, value);
			xmlFree(v);
		}
		k += count_with_attr(c->children, local, attr, value);
	}
	return k;
}

/* The first element w:<local> at or below n, in document order. */
static xmlNodePtr find_element(xmlNodePtr n, const char *local)
{
	for (xmlNodePtr c = n; c; c = c->next) {
		if (kb_w_is(c, local))
			return c;
		xmlNodePtr f = c->type == XML_ELEMENT_NODE ? find_element(c->children, local) : NULL;
		if (f)
			return f;
	}
	return NULL;
}

/* ---- tests ---- */

static void test_annotate__word_inside_one_run_is_split_and_keeps_its_formatting(void)
{
	scratch();
	KB_CHECK_INT(docxfix_make(TMP("one-run.docx"),
	                          "<w:p><w:r w:rsidR=\"00A1B2C3\"><w:rPr><w:b/><w:color w:val=\"C00000\"/></w:rPr>"
	                          "<w:t>Vi har modtaget din ansøgnig om hjælp.</w:t></w:r></w:p>",
	                          NULL, NULL),
	             0);
	kb_findings *fs = NULL;
	kb_findings_new(&fs);
	/* "ansøgnig": bytes 20..28 ("ø" is two) */
	add_finding(fs, 0, 20, 9, "stavning", KB_LEVEL_WARNING, "Ukendt ord: »ansøgnig«.", "ansøgning");
	result r;
	KB_CHECK_INT(annotate(&r, TMP("one-run.docx"), TMP("one-run.out.docx"), fs), KB_OK);
	KB_CHECK_STR(anchor_of(&r, "0"), "ansøgnig");
	KB_CHECK_STR(comment_text(&r, "0", "klarbrev"),
	             "Advarsel (stavning): Ukendt ord: »ansøgnig«. | Forslag: »ansøgning«.");
	/* three text runs (before, the word, after) and the reference run; each text run bold and red as before */
	xmlNodePtr root = r.doc ? xmlDocGetRootElement(r.doc) : NULL;
	KB_CHECK_INT(count_elements(root, "r"), 4);
	KB_CHECK_INT(count_elements(root, "b"), 3);
	KB_CHECK_INT(count_elements(root, "color"), 3);
	KB_CHECK_INT(count_elements(root, "commentRangeStart"), 1);
	KB_CHECK_INT(count_with_attr(root, "r", "rsidR", "00A1B2C3"), 3); /* the run's attributes too */
	/* the new part is declared and related */
	KB_CHECK(contains(r.content_types, "PartName=\"/word/comments.xml\""));
	KB_CHECK(contains(r.content_types, "wordprocessingml.comments+xml"));
	KB_CHECK(contains(r.rels, "relationships/comments\" Target=\"comments.xml\""));
	result_free(&r);
	kb_findings_free(fs);
}

static void test_annotate__word_over_runs_with_other_formatting_is_anchored_on_its_pieces(void)
{
	scratch();
	KB_CHECK_INT(
	    docxfix_make(TMP("split.docx"),
	                 "<w:p><w:r><w:t xml:space=\"preserve\">Din kontant</w:t></w:r>"
	                 "<w:r><w:rPr><w:b/></w:rPr><w:t>hj</w:t></w:r>"
	                 "<w:r><w:rPr><w:i/></w:rPr><w:t xml:space=\"preserve\">lp er stoppet.</w:t></w:r></w:p>",
	                 NULL, NULL),
	    0);
	kb_findings *fs = NULL;
	kb_findings_new(&fs);
	add_finding(fs, 0, 4, 11, "stavning", KB_LEVEL_WARNING, "Ukendt ord: »kontanthjlp«.", "kontanthjælp");
	result r;
	KB_CHECK_INT(annotate(&r, TMP("split.docx"), TMP("split.out.docx"), fs), KB_OK);
	KB_CHECK_STR(anchor_of(&r, "0"), "kontanthjlp");
	xmlNodePtr root = r.doc ? xmlDocGetRootElement(r.doc) : NULL;
	KB_CHECK_INT(count_elements(root, "b"), 1);
	KB_CHECK_INT(count_elements(root, "i"), 2); /* "lp" and " er stoppet." are both still italic */
	result_free(&r);
	kb_findings_free(fs);
}

static void test_annotate__existing_comments_are_kept_and_new_ids_come_after_them(void)
{
	scratch();
	KB_CHECK_INT(
	    make_docx_notes(TMP("existing.docx"),
	                    "<w:p><w:commentRangeStart w:id=\"7\"/><w:r><w:t xml:space=\"preserve\">Din "
	                    "formue</w:t></w:r><w:commentRangeEnd w:id=\"7\"/>"
	                    "<w:r><w:commentReference w:id=\"7\"/></w:r>"
	                    "<w:r><w:t xml:space=\"preserve\"> er for stor. Såfremt du flytter.</w:t></w:r></w:p>",
	                    NULL,
	                    "<w:comment w:id=\"7\" w:author=\"Hanne Jensen\" w:initials=\"HJ\">"
	                    "<w:p><w:r><w:t>Tjek beløbet.</w:t></w:r></w:p></w:comment>"),
	    0);
	kb_findings *fs = NULL;
	kb_findings_new(&fs);
	add_finding(fs, 0, 24, 8, "kancellisprog", KB_LEVEL_WARNING, "Skriv »Hvis« i stedet for »Såfremt«.", "Hvis");
	add_finding(fs, 0, 0, 10, "test", KB_LEVEL_INFO, "Over den gamle kommentar.", NULL);
	result r;
	KB_CHECK_INT(annotate(&r, TMP("existing.docx"), TMP("existing.out.docx"), fs), KB_OK);
	KB_CHECK_STR(anchor_of(&r, "7"), "Din formue");
	KB_CHECK_STR(comment_text(&r, "7", "Hanne Jensen"), "Tjek beløbet.");
	KB_CHECK_STR(anchor_of(&r, "8"), "Din formue");
	KB_CHECK_STR(anchor_of(&r, "9"), "Såfremt");
	KB_CHECK(contains(comment_text(&r, "9", "klarbrev"), "Advarsel (kancellisprog): Skriv »Hvis«"));
	/* the comments part is the document's, extended; no second one, no second relationship */
	xmlNodePtr croot = r.comments ? xmlDocGetRootElement(r.comments) : NULL;
	KB_CHECK_INT(count_elements(croot ? croot->children : NULL, "comment"), 3);
	KB_CHECK_INT(count_str(r.rels, "relationships/comments\""), 1);
	result_free(&r);
	kb_findings_free(fs);
}

static void test_annotate__finding_in_a_table_cell_is_anchored_in_the_cell(void)
{
	scratch();
	KB_CHECK_INT(docxfix_make(TMP("table.docx"),
	                          P("Oversigt") "<w:tbl><w:tr><w:tc>" P("Ydelse") "</w:tc><w:tc>" P(
	                              "Du har en opsparingskonnto.") "</w:tc></w:tr></w:tbl>" P("Slut."),
	                          NULL, NULL),
	             0);
	kb_findings *fs = NULL;
	kb_findings_new(&fs);
	add_finding(fs, 2, 10, 16, "stavning", KB_LEVEL_WARNING, "Ukendt ord: »opsparingskonnto«.", NULL);
	result r;
	KB_CHECK_INT(annotate(&r, TMP("table.docx"), TMP("table.out.docx"), fs), KB_OK);
	KB_CHECK_STR(anchor_of(&r, "0"), "opsparingskonnto");
	/* the marks sit inside the cell's paragraph */
	xmlNodePtr root = r.doc ? xmlDocGetRootElement(r.doc) : NULL;
	kb_nodevec v = {0};
	if (root)
		kb_w_paragraphs(&v, root, 1);
	KB_CHECK_INT(v.n, 4);
	if (v.n == 4) {
		KB_CHECK(kb_w_in_table(v.items[2]));
		KB_CHECK_INT(count_elements(v.items[2]->children, "commentRangeStart"), 1);
		KB_CHECK_INT(count_elements(v.items[2]->children, "commentReference"), 1);
	}
	kb_nodevec_free(&v);
	result_free(&r);
	kb_findings_free(fs);
}

static void test_annotate__header_and_footer_findings_go_to_the_first_and_last_body_paragraph(void)
{
	scratch();
	KB_CHECK_INT(docxfix_make(TMP("hf.docx"), P("Første afsnit.") P("Sidste afsnit."), P("Søby Kommne · Jobcenter"),
	                          P("Telefn 72 18 40 00")),
	             0);
	kb_findings *fs = NULL;
	kb_findings_new(&fs);
	add_finding(fs, 2, 6, 6, "stavning", KB_LEVEL_WARNING, "Ukendt ord: »Kommne«.", "Kommune");
	add_finding(fs, 3, 0, 6, "stavning", KB_LEVEL_WARNING, "Ukendt ord: »Telefn«.", "Telefon");
	result r;
	KB_CHECK_INT(annotate(&r, TMP("hf.docx"), TMP("hf.out.docx"), fs), KB_OK);
	KB_CHECK_STR(anchor_of(&r, "0"), "Første afsnit.");
	KB_CHECK_STR(comment_text(&r, "0", NULL),
	             "Advarsel (stavning): Ukendt ord: »Kommne«. | Forslag: »Kommune«. | "
	             "Gælder »Kommne« i sidehovedet (afsnittet »Søby Kommne · Jobcenter«).");
	KB_CHECK_STR(anchor_of(&r, "1"), "Sidste afsnit.");
	KB_CHECK(contains(comment_text(&r, "1", NULL), "Gælder »Telefn« i sidefoden"));
	result_free(&r);
	kb_findings_free(fs);
}

static void test_annotate__finding_about_the_letter_is_a_comment_on_the_first_paragraph(void)
{
	scratch();
	KB_CHECK_INT(docxfix_make(TMP("letter.docx"), "<w:p/>" P("Afgørelse") P("Du får ikke hjælp."), NULL, NULL), 0);
	kb_findings *fs = NULL;
	kb_findings_new(&fs);
	add_finding(fs, -1, 0, 0, "fvl-k0", KB_LEVEL_ERROR, "Brevet har ingen klagevejledning.", NULL);
	result r;
	KB_CHECK_INT(annotate(&r, TMP("letter.docx"), TMP("letter.out.docx"), fs), KB_OK);
	KB_CHECK_STR(anchor_of(&r, "0"), "Afgørelse"); /* the first paragraph with text, not the empty one */
	KB_CHECK_STR(comment_text(&r, "0", "klarbrev"), "Fejl (fvl-k0): Brevet har ingen klagevejledning.");
	result_free(&r);
	kb_findings_free(fs);
}

static void test_annotate__footnote_finding_goes_on_its_reference_mark(void)
{
	scratch();
	KB_CHECK_INT(
	    make_docx_notes(TMP("note.docx"),
	                    P("Indledning.") "<w:p><w:r><w:t xml:space=\"preserve\">Det står i loven.</w:t></w:r>"
	                                     "<w:r><w:rPr><w:vertAlign w:val=\"superscript\"/></w:rPr>"
	                                     "<w:footnoteReference w:id=\"2\"/></w:r></w:p>",
	                    "<w:footnote w:type=\"separator\" w:id=\"0\"><w:p><w:r><w:separator/></w:r></w:p>"
	                    "</w:footnote><w:footnote w:id=\"2\">" P("Se bekendtgørelsn.") "</w:footnote>",
	                    NULL),
	    0);
	kb_findings *fs = NULL;
	kb_findings_new(&fs);
	add_finding(fs, 2, 3, 15, "stavning", KB_LEVEL_WARNING, "Ukendt ord: »bekendtgørelsn«.", NULL);
	result r;
	KB_CHECK_INT(annotate(&r, TMP("note.docx"), TMP("note.out.docx"), fs), KB_OK);
	KB_CHECK_STR(anchor_of(&r, "0"), ""); /* the run with the mark: no text of its own */
	/* the range is around the reference run */
	xmlNodePtr root = r.doc ? xmlDocGetRootElement(r.doc) : NULL;
	xmlNodePtr start = NULL;
	kb_nodevec v = {0};
	if (root)
		kb_w_paragraphs(&v, root, 1);
	for (xmlNodePtr c = v.n > 1 ? v.items[1]->children : NULL; c; c = c->next)
		if (kb_w_is(c, "commentRangeStart"))
			start = c;
	KB_CHECK(start && start->next && kb_w_child(start->next, "footnoteReference"));
	KB_CHECK(start && start->next && kb_w_is(start->next->next, "commentRangeEnd"));
	kb_nodevec_free(&v);
	KB_CHECK(contains(comment_text(&r, "0", NULL), "Gælder »bekendtgørelsn« i fodnoten"));
	result_free(&r);
	kb_findings_free(fs);
}

static void test_annotate__text_box_finding_goes_on_the_run_that_holds_the_box(void)
{
	scratch();
	KB_CHECK_INT(docxfix_make(TMP("box.docx"),
	                          P("Kontakt:") "<w:p><w:r><w:pict><v:shape xmlns:v=\"urn:schemas-microsoft-com:vml\">"
	                                        "<v:textbox><w:txbxContent>" P(
	                                            "Direkte telefn 72 18 41 36") "</w:txbxContent></v:textbox></"
	                                                                          "v:shape></w:pict></w:r></w:p>",
	                          NULL, NULL),
	             0);
	kb_findings *fs = NULL;
	kb_findings_new(&fs);
	/* the outer paragraph has no text of its own, so the box's paragraph is paragraph 1 */
	add_finding(fs, 1, 8, 6, "stavning", KB_LEVEL_WARNING, "Ukendt ord: »telefn«.", "telefon");
	result r;
	KB_CHECK_INT(annotate(&r, TMP("box.docx"), TMP("box.out.docx"), fs), KB_OK);
	KB_CHECK_STR(anchor_of(&r, "0"), "Direkte telefn 72 18 41 36");
	/* no mark inside the box, where Word would ignore it */
	xmlNodePtr root = r.doc ? xmlDocGetRootElement(r.doc) : NULL;
	xmlNodePtr box = find_element(root, "txbxContent");
	KB_CHECK(box != NULL);
	if (box)
		KB_CHECK_INT(count_elements(box->children, "commentRangeStart"), 0);
	KB_CHECK(contains(comment_text(&r, "0", NULL), "i tekstfeltet"));
	result_free(&r);
	kb_findings_free(fs);
}

static void test_annotate__tab_break_hyperlink_and_multibyte_offsets(void)
{
	scratch();
	KB_CHECK_INT(
	    docxfix_make(TMP("mixed.docx"),
	                 "<w:p><w:r><w:t>Dato:</w:t><w:tab/><w:t xml:space=\"preserve\">3. marts</w:t><w:br/>"
	                 "<w:t>Læs mere</w:t></w:r><w:hyperlink r:id=\"rId9\"><w:r><w:t xml:space=\"preserve\"> "
	                 "på nettet</w:t></w:r></w:hyperlink></w:p>",
	                 NULL, NULL),
	    0);
	kb_findings *fs = NULL;
	kb_findings_new(&fs);
	/* "\t3. marts\nL": over a tab and a break */
	add_finding(fs, 0, 5, 11, "a", KB_LEVEL_INFO, "a", NULL);
	/* "nettet", inside the hyperlink */
	add_finding(fs, 0, 29, 6, "b", KB_LEVEL_INFO, "b", NULL);
	/* starts in the middle of "æ" (bytes 16..17): widened to the whole character */
	add_finding(fs, 0, 17, 2, "c", KB_LEVEL_INFO, "c", NULL);
	result r;
	KB_CHECK_INT(annotate(&r, TMP("mixed.docx"), TMP("mixed.out.docx"), fs), KB_OK);
	KB_CHECK_STR(anchor_of(&r, "0"), "3. martsL");
	KB_CHECK_STR(anchor_of(&r, "1"), "æs");
	KB_CHECK_STR(anchor_of(&r, "2"), "nettet");
	result_free(&r);
	kb_findings_free(fs);
}

static void test_annotate__control_characters_and_bad_utf8_in_a_message_are_cleaned(void)
{
	scratch();
	KB_CHECK_INT(docxfix_make(TMP("clean.docx"), P("Hej."), NULL, NULL), 0);
	kb_findings *fs = NULL;
	kb_findings_new(&fs);
	add_finding(fs, 0, 0, 3, "x\x01y", KB_LEVEL_WARNING, "Linje\nto\x02 og \xff<&>", NULL);
	result r;
	KB_CHECK_INT(annotate(&r, TMP("clean.docx"), TMP("clean.out.docx"), fs), KB_OK);
	KB_CHECK_STR(comment_text(&r, "0", NULL), "Advarsel (x y): Linje to  og \xef\xbf\xbd<&>");
	result_free(&r);
	kb_findings_free(fs);
}

static void test_annotate__no_findings_writes_a_plain_copy(void)
{
	scratch();
	KB_CHECK_INT(docxfix_make(TMP("none.docx"), P("Hej."), NULL, NULL), 0);
	kb_findings *fs = NULL;
	kb_findings_new(&fs);
	result r;
	KB_CHECK_INT(annotate(&r, TMP("none.docx"), TMP("none.out.docx"), fs), KB_OK);
	KB_CHECK(r.comments == NULL);
	KB_CHECK(!contains(r.content_types, "comments"));
	result_free(&r);
	kb_findings_free(fs);
}

static void test_annotate__a_text_letter_cannot_have_comments(void)
{
	scratch();
	kb_ctx *ctx = NULL;
	kb_letter *l = NULL;
	kb_findings *fs = NULL;
	kb_ctx_new(&ctx);
	kb_findings_new(&fs);
	KB_CHECK_INT(kb_letter_from_text(&l, ctx, "Hej.\n", 5, "brev.txt", NULL), KB_OK);
	if (l) {
		KB_CHECK_INT(kb_letter_save_annotated(l, ctx, TMP("txt.docx"), fs, NULL), KB_EUSAGE);
		KB_CHECK(contains(kb_ctx_errmsg(ctx), ".txt"));
	}
	struct stat st;
	KB_CHECK(stat(TMP("txt.docx"), &st) != 0);
	kb_letter_free(l);
	kb_findings_free(fs);
	kb_ctx_free(ctx);
}

static void test_annotate__the_letter_is_not_changed_by_annotating(void)
{
	scratch();
	KB_CHECK_INT(docxfix_make(TMP("twice.docx"), P("Du har en ansøgnig."), NULL, NULL), 0);
	kb_ctx *ctx = NULL;
	kb_letter *l = NULL;
	kb_findings *fs = NULL;
	kb_ctx_new(&ctx);
	kb_findings_new(&fs);
	add_finding(fs, 0, 10, 9, "stavning", KB_LEVEL_WARNING, "Ukendt ord.", NULL);
	KB_CHECK_INT(kb_letter_open(&l, ctx, TMP("twice.docx")), KB_OK);
	kb_annotate_options opts = {.date = DATE};
	if (l) {
		KB_CHECK_INT(kb_letter_save_annotated(l, ctx, TMP("twice.1.docx"), fs, &opts), KB_OK);
		KB_CHECK_INT(kb_letter_save_annotated(l, ctx, TMP("twice.2.docx"), fs, &opts), KB_OK);
		/* the letter itself saves as it was: no comment marks */
		KB_CHECK_INT(kb_letter_save(l, ctx, TMP("twice.plain.docx")), KB_OK);
		/* a bad date is refused */
		kb_annotate_options bad = {.date = "i morgen"};
		KB_CHECK_INT(kb_letter_save_annotated(l, ctx, TMP("twice.3.docx"), fs, &bad), KB_EUSAGE);
	}
	kb_package *a = NULL, *b = NULL, *c = NULL;
	char *da = NULL, *db = NULL, *dc = NULL;
	KB_CHECK_INT(kb_package_open(&a, ctx, TMP("twice.1.docx")), KB_OK);
	KB_CHECK_INT(kb_package_open(&b, ctx, TMP("twice.2.docx")), KB_OK);
	KB_CHECK_INT(kb_package_open(&c, ctx, TMP("twice.plain.docx")), KB_OK);
	if (a && b && c) {
		kb_package_read(&da, NULL, a, ctx, "word/document.xml");
		kb_package_read(&db, NULL, b, ctx, "word/document.xml");
		kb_package_read(&dc, NULL, c, ctx, "word/document.xml");
		KB_CHECK_STR(da, db);
		KB_CHECK(contains(da, "commentRangeStart"));
		KB_CHECK(!contains(dc, "commentRangeStart"));
	}
	free(da);
	free(db);
	free(dc);
	kb_package_free(a);
	kb_package_free(b);
	kb_package_free(c);
	kb_letter_free(l);
	kb_findings_free(fs);
	kb_ctx_free(ctx);
}

KB_TESTS(KB_TEST(test_annotate__word_inside_one_run_is_split_and_keeps_its_formatting),
         KB_TEST(test_annotate__word_over_runs_with_other_formatting_is_anchored_on_its_pieces),
         KB_TEST(test_annotate__existing_comments_are_kept_and_new_ids_come_after_them),
         KB_TEST(test_annotate__finding_in_a_table_cell_is_anchored_in_the_cell),
         KB_TEST(test_annotate__header_and_footer_findings_go_to_the_first_and_last_body_paragraph),
         KB_TEST(test_annotate__finding_about_the_letter_is_a_comment_on_the_first_paragraph),
         KB_TEST(test_annotate__footnote_finding_goes_on_its_reference_mark),
         KB_TEST(test_annotate__text_box_finding_goes_on_the_run_that_holds_the_box),
         KB_TEST(test_annotate__tab_break_hyperlink_and_multibyte_offsets),
         KB_TEST(test_annotate__control_characters_and_bad_utf8_in_a_message_are_cleaned),
         KB_TEST(test_annotate__no_findings_writes_a_plain_copy),
         KB_TEST(test_annotate__a_text_letter_cannot_have_comments),
         KB_TEST(test_annotate__the_letter_is_not_changed_by_annotating))
