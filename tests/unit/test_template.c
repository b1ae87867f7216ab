/* test_template.c -- filling DOCX templates: tags split over runs, escaping, missing fields, compile once. */
#include "kbtest.h"
#include "docxfix.h"
#include "letter.h"
#include "package.h"
#include "textmodel.h"

#include <stdlib.h>
#include <string.h>

#ifndef KB_TEST_BINARY_DIR
#define KB_TEST_BINARY_DIR "."
#endif
#define TMP(name) KB_TEST_BINARY_DIR "/test_template_" name

static kb_case *case_from(const char *json)
{
	kb_ctx *ctx = NULL;
	kb_case *c = NULL;
	kb_ctx_new(&ctx);
	if (kb_case_load_buffer(&c, ctx, json, strlen(json), "case.json"))
		fprintf(stderr, "  case: %s\n", kb_ctx_errmsg(ctx));
	kb_ctx_free(ctx);
	return c;
}

static kb_template *cur_template;

/* Renders docx with case json; returns the letter or NULL (then *rc and ctx hold why). */
static kb_letter *render(kb_ctx *ctx, const char *docx, const char *json, int *rc, const kb_template_options *o)
{
	kb_template *t = NULL;
	kb_letter *l = NULL;
	kb_case *c = case_from(json);
	*rc = kb_template_open(&t, ctx, docx, o);
	if (!*rc)
		*rc = kb_template_render(&l, ctx, t, c);
	/* the letter borrows the template's package: the template lives until finish() */
	kb_template_free(cur_template);
	cur_template = t;
	kb_case_free(c);
	return l;
}

/* Frees a test's letter, then the template it was rendered from, then the context. */
static void finish(kb_letter *l, kb_ctx *ctx)
{
	kb_letter_free(l);
	kb_template_free(cur_template);
	cur_template = NULL;
	kb_ctx_free(ctx);
}

static const char *para_text(const kb_letter *l, size_t i)
{
	const kb_text *t = kb_letter_text(l);
	return i < t->nparas ? t->paras[i].text : "(no paragraph)";
}

#define P(x) "<w:p>" x "</w:p>"
#define R(x) "<w:r><w:t xml:space=\"preserve\">" x "</w:t></w:r>"

static void test_template__tag_split_over_three_runs_keeps_first_run_formatting(void)
{
	const char *body =
		P("<w:r><w:rPr><w:b/></w:rPr><w:t xml:space=\"preserve\">Kære {{mod</w:t></w:r>"
		  "<w:proofErr w:type=\"spellStart\"/><w:r w:rsidR=\"00AB12CD\"><w:t>tag</w:t></w:r>"
		  "<w:bookmarkStart w:id=\"0\" w:name=\"b\"/><w:proofErr w:type=\"spellEnd\"/>"
		  "<w:ins w:id=\"1\" w:author=\"x\"><w:r><w:t>er.navn}}, tak.</w:t></w:r></w:ins><w:bookmarkEnd w:id=\"0\"/>");
	KB_CHECK(docxfix_make(TMP("split.docx"), body, NULL, NULL) == 0);
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	int rc;
	kb_letter *l = render(ctx, TMP("split.docx"), "{\"modtager\":{\"navn\":\"Jens Hansen\"}}", &rc, NULL);
	KB_CHECK_INT(rc, 0);
	if (l) {
		KB_CHECK_STR(para_text(l, 0), "Kære Jens Hansen, tak.");
		const kb_paragraph *p = &kb_letter_text(l)->paras[0];
		KB_CHECK_STR(kb_paragraph_origin_at(p, 6), "field:modtager.navn");
		KB_CHECK_STR(kb_paragraph_origin_at(p, 0), "template");
		KB_CHECK_STR(kb_paragraph_origin_at(p, strlen("Kære Jens Hansen, t")), "template");
		/* the value sits in the run where the tag started: the bold one */
		char *xml = NULL;
		size_t len = 0;
		KB_CHECK_INT(kb_xml_serialize(&xml, &len, ctx, l->parts[0].doc), 0);
		const char *v = xml ? strstr(xml, "Jens Hansen") : NULL;
		const char *b = xml ? strstr(xml, "<w:b/>") : NULL;
		KB_CHECK(v && b && b < v);
		KB_CHECK(v && !strstr(v, "<w:b/>"));
		KB_CHECK(xml && !strstr(xml, "kb-tag"));
		KB_CHECK(xml && !strstr(xml, "{{") && !strstr(xml, "}}"));
		free(xml);
	}
	finish(l, ctx);
}

static void test_template__tags_split_in_header_and_footer(void)
{
	KB_CHECK(docxfix_make(TMP("hf.docx"), P(R("Brødtekst {{a}}")),
	                      P(R("Sag {{sag.") "<w:proofErr w:type=\"gramStart\"/>" R("nr}}")),
	                      P(R("{") R("{kommune}") R("} · {{a}}"))) == 0);
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	int rc;
	kb_letter *l = render(ctx, TMP("hf.docx"), "{\"a\":\"A1\",\"sag\":{\"nr\":\"2026-17\"},\"kommune\":\"Aarhus\"}",
	                      &rc, NULL);
	KB_CHECK_INT(rc, 0);
	if (l) {
		const kb_text *t = kb_letter_text(l);
		KB_CHECK_INT(t->nparas, 3);
		KB_CHECK_STR(para_text(l, 0), "Brødtekst A1");
		KB_CHECK_STR(para_text(l, 1), "Sag 2026-17");
		KB_CHECK_INT(t->paras[1].part, KB_PART_HEADER);
		KB_CHECK_STR(para_text(l, 2), "Aarhus · A1");
		KB_CHECK_INT(t->paras[2].part, KB_PART_FOOTER);
		KB_CHECK_STR(kb_paragraph_origin_at(&t->paras[2], 0), "field:kommune");
	}
	finish(l, ctx);
}

static void test_template__values_are_xml_escaped(void)
{
	KB_CHECK(docxfix_make(TMP("esc.docx"), P(R("[{{x}}]")), NULL, NULL) == 0);
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	int rc;
	kb_letter *l = render(ctx, TMP("esc.docx"), "{\"x\":\"<b>&amp; \\\"q\\\" 'a' </w:t>\"}", &rc, NULL);
	KB_CHECK_INT(rc, 0);
	if (l) {
		KB_CHECK_STR(para_text(l, 0), "[<b>&amp; \"q\" 'a' </w:t>]");
		KB_CHECK_INT(kb_letter_save(l, ctx, TMP("esc-out.docx")), 0);
		kb_letter *back = NULL;
		KB_CHECK_INT(kb_letter_open(&back, ctx, TMP("esc-out.docx")), 0);
		if (back)
			KB_CHECK_STR(para_text(back, 0), "[<b>&amp; \"q\" 'a' </w:t>]");
		kb_letter_free(back);
		kb_package *pkg = NULL;
		char *xml = NULL;
		size_t len;
		KB_CHECK_INT(kb_package_open(&pkg, ctx, TMP("esc-out.docx")), 0);
		if (pkg)
			KB_CHECK_INT(kb_package_read(&xml, &len, pkg, ctx, "word/document.xml"), 0);
		KB_CHECK(xml && strstr(xml, "&lt;b&gt;&amp;amp;"));
		free(xml);
		kb_package_free(pkg);
	}
	finish(l, ctx);
}

static void test_template__newline_becomes_break_and_forbidden_chars_are_dropped(void)
{
	KB_CHECK(docxfix_make(TMP("nl.docx"), P(R("{{adr}}")), NULL, NULL) == 0);
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	int rc;
	kb_letter *l = render(ctx, TMP("nl.docx"), "{\"adr\":\"Vejen 1\\r\\n8000 Aarhus\\u0001 C\"}", &rc, NULL);
	KB_CHECK_INT(rc, 0);
	if (l) {
		KB_CHECK_STR(para_text(l, 0), "Vejen 1\n8000 Aarhus C");
		char *xml = NULL;
		size_t len;
		KB_CHECK_INT(kb_xml_serialize(&xml, &len, ctx, l->parts[0].doc), 0);
		KB_CHECK(xml && strstr(xml, "<w:br/>"));
		free(xml);
		const kb_paragraph *p = &kb_letter_text(l)->paras[0];
		KB_CHECK_INT(p->nspans, 1);
		KB_CHECK_STR(kb_paragraph_origin_at(p, 10), "field:adr");
	}
	finish(l, ctx);
}

static void test_template__every_missing_field_is_listed(void)
{
	KB_CHECK(docxfix_make(TMP("miss.docx"), P(R("{{a}} {{b.c}}")) P(R("{{d}}")), NULL, P(R("{{e}}"))) == 0);
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	int rc;
	kb_letter *l = render(ctx, TMP("miss.docx"), "{\"a\":\"x\",\"b\":{}}", &rc, NULL);
	KB_CHECK_INT(rc, KB_EDATA);
	KB_CHECK(l == NULL);
	KB_CHECK_INT(kb_ctx_detail_count(ctx), 3);
	int seen_bc = 0, seen_d = 0, seen_e = 0;
	for (size_t i = 0; i < kb_ctx_detail_count(ctx); i++) {
		const char *d = kb_ctx_detail(ctx, i);
		seen_bc |= strstr(d, "\"b.c\"") && strstr(d, "word/document.xml, afsnit 1") != NULL;
		seen_d |= strstr(d, "\"d\"") && strstr(d, "afsnit 2") != NULL;
		seen_e |= strstr(d, "\"e\"") && strstr(d, "word/footer1.xml") != NULL;
	}
	KB_CHECK(seen_bc && seen_d && seen_e);
	KB_CHECK(strstr(kb_ctx_errmsg(ctx), "3 problemer") != NULL);
	finish(l, ctx);
}

static void test_template__unclosed_tag_is_reported_with_place(void)
{
	KB_CHECK(docxfix_make(TMP("open.docx"), P(R("ok")) P(R("Kære {{navn")) P(R("{{x}}")), NULL, NULL) == 0);
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	kb_template *t = NULL;
	int rc = kb_template_open(&t, ctx, TMP("open.docx"), NULL);
	KB_CHECK_INT(rc, KB_EINPUT);
	KB_CHECK_INT(kb_ctx_detail_count(ctx), 1);
	const char *d = kb_ctx_detail(ctx, 0);
	KB_CHECK(d && strstr(d, "afsnit 2") && strstr(d, "{{navn"));
	kb_template_free(t);
	kb_ctx_free(ctx);
}

static void test_template__one_template_renders_many_letters(void)
{
	KB_CHECK(docxfix_make(TMP("many.docx"), P(R("Hej {{n}}")), NULL, NULL) == 0);
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	kb_template *t = NULL;
	KB_CHECK_INT(kb_template_open(&t, ctx, TMP("many.docx"), NULL), 0);
	const char *names[] = { "Anna", "Bo", "Ceylan" };
	for (int i = 0; t && i < 3; i++) {
		char json[64];
		snprintf(json, sizeof json, "{\"n\":\"%s\"}", names[i]);
		kb_case *c = case_from(json);
		kb_letter *l = NULL;
		KB_CHECK_INT(kb_template_render(&l, ctx, t, c), 0);
		char want[64];
		snprintf(want, sizeof want, "Hej %s", names[i]);
		if (l)
			KB_CHECK_STR(para_text(l, 0), want);
		kb_letter_free(l);
		kb_case_free(c);
	}
	kb_template_free(t);
	kb_ctx_free(ctx);
}

static void test_template__numbers_null_and_comments(void)
{
	KB_CHECK(docxfix_make(TMP("num.docx"), P(R("{{! kun til forfatteren }}{{i}} {{r}} {{z}}|")), NULL, NULL) == 0);
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	int rc;
	kb_letter *l = render(ctx, TMP("num.docx"), "{\"i\":12500,\"r\":0.5,\"z\":null}", &rc, NULL);
	KB_CHECK_INT(rc, 0);
	if (l)
		KB_CHECK_STR(para_text(l, 0), "12500 0.5 |");
	finish(l, ctx);
}

static void test_template__list_value_is_an_error_not_a_crash(void)
{
	KB_CHECK(docxfix_make(TMP("list.docx"), P(R("{{l}}")), NULL, NULL) == 0);
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	int rc;
	kb_letter *l = render(ctx, TMP("list.docx"), "{\"l\":[1,2]}", &rc, NULL);
	KB_CHECK_INT(rc, KB_EDATA);
	KB_CHECK(kb_ctx_detail_count(ctx) == 1 && strstr(kb_ctx_detail(ctx, 0), "en liste"));
	finish(l, ctx);
}

/* docxtemplater's own Word 2010 file: tags split by spell-check and rsid runs in the body, a header text box
 * (stored twice: mc:Choice and mc:Fallback) and the footer. */
static void test_template__word_fixture_with_split_tags_and_text_box(void)
{
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	kb_template_options o = { .open_delim = "{", .close_delim = "}" };
	int rc;
	kb_letter *l = render(ctx, KB_TEST_SHARED_DIR "/fixtures/docxtemplater/tag-example.docx",
	                      "{\"first_name\":\"Hipp\",\"last_name\":\"Edgar\",\"phone\":\"0652455478\","
	                      "\"description\":\"New Website\"}",
	                      &rc, &o);
	KB_CHECK_INT(rc, 0);
	if (l) {
		const kb_text *t = kb_letter_text(l);
		kb_buf body, header, footer;
		kb_buf_init(&body, 1 << 20);
		kb_buf_init(&header, 1 << 20);
		kb_buf_init(&footer, 1 << 20);
		for (size_t i = 0; i < t->nparas; i++) {
			kb_buf *b = t->paras[i].part == KB_PART_BODY ? &body : t->paras[i].part == KB_PART_HEADER ? &header : &footer;
			kb_buf_adds(b, t->paras[i].text);
			kb_buf_adds(b, "|");
		}
		KB_CHECK_STR(body.data, "Edgar Hipp|");
		/* the text box is read once, not twice */
		KB_CHECK_STR(header.data, "Edgar Hipp|0652455478|New Website|");
		KB_CHECK_STR(footer.data, "EdgarHipp0652455478|");
		kb_buf_free(&body);
		kb_buf_free(&header);
		kb_buf_free(&footer);
		/* both copies of the text box are filled */
		for (size_t i = 0; i < l->nparts; i++) {
			char *xml = NULL;
			size_t len;
			KB_CHECK_INT(kb_xml_serialize(&xml, &len, ctx, l->parts[i].doc), 0);
			KB_CHECK(xml && !strstr(xml, "{last_name}") && !strstr(xml, "{phone}"));
			free(xml);
		}
		KB_CHECK_INT(kb_letter_save(l, ctx, TMP("fixture-out.docx")), 0);
	}
	finish(l, ctx);
}

KB_TESTS(KB_TEST(test_template__tag_split_over_three_runs_keeps_first_run_formatting),
         KB_TEST(test_template__tags_split_in_header_and_footer), KB_TEST(test_template__values_are_xml_escaped),
         KB_TEST(test_template__newline_becomes_break_and_forbidden_chars_are_dropped),
         KB_TEST(test_template__every_missing_field_is_listed),
         KB_TEST(test_template__unclosed_tag_is_reported_with_place),
         KB_TEST(test_template__one_template_renders_many_letters), KB_TEST(test_template__numbers_null_and_comments),
         KB_TEST(test_template__list_value_is_an_error_not_a_crash),
         KB_TEST(test_template__word_fixture_with_split_tags_and_text_box))
