/* test_template.c -- filling DOCX templates: tags split over runs, escaping, missing fields, compile once. */
#include "kbtest.h"
#include "docxfix.h"
#include "letter.h"
#include "package.h"
#include "textmodel.h"

#include <libxml/parser.h>
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
	const char *body = P("<w:r><w:rPr><w:b/></w:rPr><w:t xml:space=\"preserve\">Kære {{mod</w:t></w:r>"
	                     "<w:proofErr w:type=\"spellStart\"/><w:r w:rsidR=\"00AB12CD\"><w:t>tag</w:t></w:r>"
	                     "<w:bookmarkStart w:id=\"0\" w:name=\"b\"/><w:proofErr w:type=\"spellEnd\"/>"
	                     "<w:ins w:id=\"1\" w:author=\"x\"><w:r><w:t>er.navn}}, "
	                     "tak.</w:t></w:r></w:ins><w:bookmarkEnd w:id=\"0\"/>");
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

/* A blank line in a value is a new paragraph with the paragraph's style and the run's formatting; the rest of the
 * template's paragraph follows the last block, and a section break stays at the end of its section. */
static void test_template__blank_line_in_a_value_starts_a_paragraph_with_the_same_style(void)
{
	KB_CHECK(docxfix_make(TMP("blank.docx"),
	                      "<w:p><w:pPr><w:pStyle w:val=\"Citat\"/><w:sectPr/></w:pPr>"
	                      "<w:r><w:t xml:space=\"preserve\">Før: </w:t></w:r>"
	                      "<w:r><w:rPr><w:b/></w:rPr><w:t>{{tekst}}</w:t></w:r>"
	                      "<w:r><w:t xml:space=\"preserve\"> :efter</w:t></w:r></w:p>" P(R("Slut")),
	                      NULL, NULL) == 0);
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	int rc;
	kb_letter *l = render(ctx, TMP("blank.docx"), "{\"tekst\":\"Første\\r\\n\\r\\nAnden\\nlinje\\n \\n\\nTredje\"}",
	                      &rc, NULL);
	KB_CHECK_INT(rc, 0);
	if (l) {
		const kb_text *t = kb_letter_text(l);
		KB_CHECK_INT(t->nparas, 4);
		KB_CHECK_STR(para_text(l, 0), "Før: Første");
		KB_CHECK_STR(para_text(l, 1), "Anden\nlinje");
		KB_CHECK_STR(para_text(l, 2), "Tredje :efter");
		KB_CHECK_STR(para_text(l, 3), "Slut");
		for (size_t i = 0; i < 3 && i < t->nparas; i++)
			KB_CHECK_STR(t->paras[i].style, "Citat");
		KB_CHECK_STR(kb_paragraph_origin_at(&t->paras[1], 0), "field:tekst");
		char *xml = NULL;
		size_t len;
		KB_CHECK_INT(kb_xml_serialize(&xml, &len, ctx, l->parts[0].doc), 0);
		/* every block keeps the bold run; only the last of the three paragraphs ends the section */
		const char *p = xml, *sect = xml ? strstr(xml, "<w:sectPr/>") : NULL;
		int bold = 0;
		while (p && (p = strstr(p, "<w:b/>")) != NULL) {
			bold++;
			p++;
		}
		KB_CHECK_INT(bold, 3);
		KB_CHECK(sect && strstr(xml, "Anden") < sect && sect < strstr(xml, "Tredje"));
		KB_CHECK(sect && strstr(sect + 1, "<w:sectPr/>") > strstr(xml, "Slut")); /* the body's own */
		free(xml);
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
	KB_CHECK_INT(rc, KB_ETEMPLATE);
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
	KB_CHECK_INT(kb_template_compile(&t, ctx, TMP("many.docx"), NULL), 0);
	const char *names[] = {"Anna", "Bo", "Ceylan"};
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
	kb_template_options o = {.open_delim = "{", .close_delim = "}"};
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
			kb_buf *b = t->paras[i].part == KB_PART_BODY     ? &body
			            : t->paras[i].part == KB_PART_HEADER ? &header
			                                                 : &footer;
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

/* ---- sections ---- */

/* Renders body with json; returns the body paragraphs joined by "|" (caller frees), or NULL with rc set. */
/* 1 when every part of the letter serializes to XML that parses again with every namespace prefix declared: what
 * Word needs to open the letter. Counts a failure otherwise. */
static int letter_parts_are_sound(const kb_letter *l)
{
	int ok = 1;
	for (size_t i = 0; i < l->nparts; i++) {
		char *xml = NULL;
		size_t len = 0;
		kb_ctx *c = NULL;
		kb_ctx_new(&c);
		if (kb_xml_serialize(&xml, &len, c, l->parts[i].doc) != 0) {
			ok = 0;
		} else {
			xmlParserCtxtPtr pc = xmlNewParserCtxt();
			xmlDocPtr d = pc ? xmlCtxtReadMemory(pc, xml, (int)len, "part.xml", NULL,
			                                     XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)
			                 : NULL;
			if (!d || !pc->wellFormed || !pc->nsWellFormed) {
				fprintf(stderr, "  part %zu does not parse again with its namespaces\n", i);
				ok = 0;
			}
			xmlFreeDoc(d);
			xmlFreeParserCtxt(pc);
		}
		free(xml);
		kb_ctx_free(c);
	}
	KB_CHECK(ok);
	return ok;
}

static char *render_body_with(const char *body, const char *json, int *rc, kb_ctx *ctx, const kb_template_options *o)
{
	if (docxfix_make(TMP("sec.docx"), body, NULL, NULL) != 0)
		return NULL;
	kb_letter *l = render(ctx, TMP("sec.docx"), json, rc, o);
	if (!l)
		return NULL;
	letter_parts_are_sound(l);
	kb_buf b;
	kb_buf_init(&b, 1 << 20);
	const kb_text *t = kb_letter_text(l);
	for (size_t i = 0; i < t->nparas; i++) {
		kb_buf_adds(&b, t->paras[i].text);
		kb_buf_adds(&b, "|");
	}
	kb_letter_free(l);
	return kb_buf_detach(&b);
}

static char *render_body(const char *body, const char *json, int *rc, kb_ctx *ctx)
{
	return render_body_with(body, json, rc, ctx, NULL);
}

static void check_body(const char *body, const char *json, const char *want)
{
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	int rc = 0;
	char *got = render_body(body, json, &rc, ctx);
	KB_CHECK_INT(rc, 0);
	if (rc)
		fprintf(stderr, "  %s (%s)\n", kb_ctx_errmsg(ctx),
		        kb_ctx_detail_count(ctx) ? kb_ctx_detail(ctx, 0) : "");
	KB_CHECK_STR(got, want);
	free(got);
	finish(NULL, ctx);
}

static void test_template__paragraph_with_only_a_section_tag_disappears(void)
{
	check_body(P(R("Før")) P(R("{{#ydelser}}")) P(R("Ydelse: {{navn}}")) P(R("{{/ydelser}}")) P(R("Efter")),
	           "{\"ydelser\":[{\"navn\":\"husleje\"},{\"navn\":\"tandlæge\"}]}",
	           "Før|Ydelse: husleje|Ydelse: tandlæge|Efter|");
}

static void test_template__false_and_empty_sections_remove_their_paragraphs(void)
{
	check_body(P(R("A")) P(R("{{#afslag}}")) P(R("Du får ikke hjælp.")) P(R("{{/afslag}}")) P(R("{{#liste}}"))
	               P(R("x")) P(R("{{/liste}}")) P(R("B")),
	           "{\"afslag\":false,\"liste\":[]}", "A|B|");
}

static void test_template__inverted_section(void)
{
	check_body(P(R("{{^børn}}Du har ingen børn.{{/børn}}{{#børn}}Du har {{antal}} børn.{{/børn}}")),
	           "{\"børn\":{\"antal\":2}}", "Du har 2 børn.|");
	check_body(P(R("{{^børn}}Du har ingen børn.{{/børn}}{{#børn}}Du har {{antal}} børn.{{/børn}}")),
	           "{\"børn\":null}", "Du har ingen børn.|");
}

static void test_template__inline_section_split_over_runs(void)
{
	check_body(P(R("Du får {{#") R("ekstra}}også ") "<w:proofErr w:type=\"spellStart\"/>" R("{{beløb}} kr. ")
	                 R("{{/ekst") R("ra}}hjælp.")),
	           "{\"ekstra\":{\"beløb\":500}}", "Du får også 500 kr. hjælp.|");
}

static void test_template__nested_sections_and_context_stack(void)
{
	check_body(P(R("{{#personer}}")) P(R("{{navn}} ({{kommune}}):")) P(R("{{#børn}}- {{.}} i {{kommune}}{{/børn}}"))
	               P(R("{{/personer}}")),
	           "{\"kommune\":\"Aarhus\",\"personer\":[{\"navn\":\"Ida\",\"børn\":[\"Bo\",\"Li\"]},"
	           "{\"navn\":\"Per\",\"kommune\":\"Odense\",\"børn\":[]}]}",
	           "Ida (Aarhus):|- Bo i Aarhus- Li i Aarhus|Per (Odense):|");
}

/* A numbered-list paragraph at level lvl, as Word writes one. */
#define NUM(lvl, x)                                                                                               \
	"<w:p><w:pPr><w:pStyle w:val=\"Listeafsnit\"/><w:numPr><w:ilvl w:val=\"" lvl "\"/><w:numId w:val=\"1\"/>"      \
	"</w:numPr></w:pPr><w:r><w:rPr><w:b/></w:rPr><w:t xml:space=\"preserve\">" x "</w:t></w:r></w:p>"

/* A Word template with three nested loops over numbered-list paragraphs (products > advantages > proofs, in the
 * "{ }" delimiters of docxtemplater) once wrote a document.xml with freed namespace prefixes and exited 0. */
static void test_template__three_nested_loops_over_numbered_paragraphs_write_sound_xml(void)
{
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	int rc = 0;
	kb_template_options o = {.open_delim = "{", .close_delim = "}"};
	char *got = render_body_with(
	    NUM("0", "{#products}{name}") NUM("1", "{#advantages}{title}") NUM("2", "{#proofs}{reason}")
	        NUM("2", "{/proofs}") NUM("1", "{/advantages}") NUM("0", "{/products}") P(R("Slut")),
	    "{\"products\":[{\"name\":\"A\",\"advantages\":[{\"title\":\"a1\",\"proofs\":[{\"reason\":\"r1\"},"
	    "{\"reason\":\"r2\"}]},{\"title\":\"a2\",\"proofs\":[{\"reason\":\"r3\"}]}]},"
	    "{\"name\":\"B\",\"advantages\":[{\"title\":\"b1\",\"proofs\":[{\"reason\":\"r4\"},{\"reason\":\"r5\"}]}]}]}",
	    &rc, ctx, &o);
	KB_CHECK_INT(rc, 0);
	KB_CHECK_STR(got, "A|a1|r1|r2|a2|r3|B|b1|r4|r5|Slut|");
	free(got);
	finish(NULL, ctx);
}

/* The smallest form of the same defect, found by fuzzing: the inner opening tag shares its paragraph with text. */
static void test_template__nested_list_sections_with_text_beside_the_inner_tag(void)
{
	check_body(P(R("{{#a}}")) P(R("{{#b}} x {{v}}")) P(R("{{/b}}")) P(R("{{/a}}")),
	           "{\"a\":[{\"b\":[{\"v\":1},{\"v\":2}]},{\"b\":[{\"v\":3},{\"v\":4}]}]}", " x 1| x 2| x 3| x 4|");
	check_body(P(R("{{#a}}")) P(R("før {{#b}} x {{v}}")) P(R("{{/b}} efter")) P(R("{{/a}}")),
	           "{\"a\":[{\"b\":[{\"v\":1},{\"v\":2}]},{\"b\":[{\"v\":3}]}]}",
	           "før | x 1| x 2| efter|før | x 3| efter|");
	check_body(P(R("{{#a}}{{#b}}[{{v}}]{{/b}}")) P(R("{{/a}}")), "{\"a\":[{\"b\":[{\"v\":1},{\"v\":2}]},{\"b\":[]}]}",
	           "[1][2]|");
}

#define TR(x) "<w:tr>" x "</w:tr>"
#define TC(x) "<w:tc>" x "</w:tc>"

static void test_template__section_in_one_table_row_repeats_the_row(void)
{
	check_body("<w:tbl>" TR(TC(P(R("Ydelse"))) TC(P(R("Beløb"))))
	               TR(TC(P(R("{{#ydelser}}{{navn}}"))) TC(P(R("{{beløb}}{{/ydelser}}")))) "</w:tbl>" P(R("Slut")),
	           "{\"ydelser\":[{\"navn\":\"Husleje\",\"beløb\":\"4.000\"},{\"navn\":\"Varme\",\"beløb\":\"500\"}]}",
	           "Ydelse|Beløb|Husleje|4.000|Varme|500|Slut|");
}

static void test_template__empty_row_section_removes_the_row(void)
{
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	int rc = 0;
	char *got =
	    render_body("<w:tbl>" TR(TC(P(R("Ydelse")))) TR(TC(P(R("{{#ydelser}}{{navn}}{{/ydelser}}")))) "</w:tbl>",
	                "{\"ydelser\":[]}", &rc, ctx);
	KB_CHECK_INT(rc, 0);
	KB_CHECK_STR(got, "Ydelse|");
	free(got);
	finish(NULL, ctx);
}

static void test_template__section_around_a_whole_table(void)
{
	check_body(P(R("{{#vis}}")) "<w:tbl>" TR(TC(P(R("{{a}}")))) "</w:tbl>" P(R("{{/vis}}")) P(R("Slut")),
	           "{\"vis\":true,\"a\":\"celle\"}", "celle|Slut|");
	check_body(P(R("{{#vis}}")) "<w:tbl>" TR(TC(P(R("{{a}}")))) "</w:tbl>" P(R("{{/vis}}")) P(R("Slut")),
	           "{\"vis\":false,\"a\":\"celle\"}", "Slut|");
}

static void test_template__formatters_in_tags_and_sections(void)
{
	check_body(P(R("{{beløb | kr}} fra {{dato | dato}}")) P(R("{{#udfald | eq “afslag”}}")) P(R("Afslag"))
	               P(R("{{/udfald}}")),
	           "{\"beløb\":12345.5,\"dato\":\"2026-11-28\",\"udfald\":\"afslag\"}",
	           "12.345,50 kr. fra 28. november 2026|Afslag|");
}

static void test_template__section_mistakes_are_all_listed(void)
{
	KB_CHECK(docxfix_make(TMP("secbad.docx"),
	                      P(R("{{#a}}")) P(R("{{/b}}")) P(R("{{/c}}")) P(R("{{#d}}")) P(R("{{x | ukendt}}")), NULL,
	                      NULL) == 0);
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	kb_template *t = NULL;
	KB_CHECK_INT(kb_template_open(&t, ctx, TMP("secbad.docx"), NULL), KB_ETEMPLATE);
	KB_CHECK_INT(kb_ctx_detail_count(ctx), 4);
	int mismatch = 0, unopened = 0, unclosed = 0, fmt = 0;
	for (size_t i = 0; i < kb_ctx_detail_count(ctx); i++) {
		const char *d = kb_ctx_detail(ctx, i);
		mismatch |= strstr(d, "afsnit 2") && strstr(d, "{{/b}} lukker ikke {{#a}}");
		unopened |= strstr(d, "afsnit 3") && strstr(d, "aldrig er åbnet");
		unclosed |= strstr(d, "afsnit 4") && strstr(d, "lukkes aldrig");
		fmt |= strstr(d, "afsnit 5") && strstr(d, "ukendt formatering \"ukendt\"");
	}
	KB_CHECK(mismatch && unopened && unclosed && fmt);
	kb_template_free(t);
	kb_ctx_free(ctx);
}

/* Lint shows the text around the tag, cut at word breaks, so the author finds it in a long paragraph. */
static void test_template__problems_show_the_text_around_the_tag(void)
{
	KB_CHECK(
	    docxfix_make(TMP("around.docx"),
	                 P(R("Vi har behandlet din ansøgning om hjælp til medicin, og vi har lagt vægt på "
	                     "{{begrundelse | ukendt}}, som står i sagen fra den første samtale med dig i efteråret.")),
	                 NULL, NULL) == 0);
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	KB_CHECK_INT(kb_template_lint(ctx, TMP("around.docx"), NULL), KB_ETEMPLATE);
	KB_CHECK_INT(kb_ctx_detail_count(ctx), 1);
	if (kb_ctx_detail_count(ctx) == 1)
		KB_CHECK_STR(
		    kb_ctx_detail(ctx, 0),
		    "word/document.xml, afsnit 1: {{begrundelse | ukendt}}: ukendt formatering \"ukendt\"; kendte er: "
		    "kr, dato, cpr, tal, store, små, stort_begyndelsesbogstav, standard, liste, eq, ikke (i teksten "
		    "»…til medicin, og vi har lagt vægt på {{begrundelse | ukendt}}, som står i sagen fra den "
		    "første…«)");
	finish(NULL, ctx);
}

/* A formatter's wrong argument is the template's mistake: lint says so, and fill does not blame the case. */
static void test_template__lint_checks_formatter_arguments(void)
{
	KB_CHECK(docxfix_make(TMP("fmtarg.docx"), P(R("Dato: {{sag.dato | dato \"krot\"}} og {{n | tal \"99\"}}.")),
	                      NULL, NULL) == 0);
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	KB_CHECK_INT(kb_template_lint(ctx, TMP("fmtarg.docx"), NULL), KB_ETEMPLATE);
	KB_CHECK_INT(kb_ctx_detail_count(ctx), 2);
	int dato = 0, tal = 0;
	for (size_t i = 0; i < kb_ctx_detail_count(ctx); i++) {
		dato |= strstr(kb_ctx_detail(ctx, i), "{{sag.dato | dato \"krot\"}}: formateringen dato kender ikke "
		                                      "\"krot\"; skriv dato \"kort\"") != NULL;
		tal |= strstr(kb_ctx_detail(ctx, i), "formateringen tal skal have et antal decimaler") != NULL;
	}
	KB_CHECK(dato && tal);
	kb_template *t = NULL;
	KB_CHECK_INT(kb_template_open(&t, ctx, TMP("fmtarg.docx"), NULL), KB_ETEMPLATE);
	kb_template_free(t);
	kb_ctx_free(ctx);
}

/* "{{beløb | kr}}." gives "500,00 kr.." in every letter: lint warns, and a warning alone leaves the template
 * clean. */
static void test_template__lint_warns_of_a_full_stop_after_kr(void)
{
	KB_CHECK(docxfix_make(TMP("krdot.docx"),
	                      P(R("Du får {{beløb | kr}}. Og {{beløb | kr | store}}.")) P(R("Ellers {{beløb | kr}}, tak."))
	                          P(R("Tlf. {{tlf | standard \"ikke oplyst.\"}}.")),
	                      NULL, NULL) == 0);
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	KB_CHECK_INT(kb_template_lint(ctx, TMP("krdot.docx"), NULL), 0);
	KB_CHECK_INT(kb_ctx_detail_count(ctx), 3);
	if (kb_ctx_detail_count(ctx) == 3) {
		KB_CHECK(strstr(kb_ctx_detail(ctx, 0), "word/document.xml, afsnit 1: advarsel: {{beløb | kr") ==
		         kb_ctx_detail(ctx, 0));
		KB_CHECK(strstr(kb_ctx_detail(ctx, 0), "giver »kr..« i brevet; slet punktummet efter tagget") != NULL);
		KB_CHECK(strstr(kb_ctx_detail(ctx, 2), "afsnit 3: advarsel: {{tlf | standard \"ikke oplyst.\"}}") != NULL);
	}
	kb_ctx_free(ctx);
}

static void test_template__set_delimiters_inside_a_document(void)
{
	check_body(P(R("{{=[ ]=}}")) P(R("[a] og {{a}}")) P(R("[={{ }}=]{{a}}")), "{\"a\":\"x\"}", "x og {{a}}|x|");
}

static void test_template__missing_field_inside_a_loop_names_the_field(void)
{
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	int rc = 0;
	char *got = render_body(P(R("{{#l}}{{navn}}{{/l}}")), "{\"l\":[{\"navn\":\"a\"},{}]}", &rc, ctx);
	KB_CHECK_INT(rc, KB_EDATA);
	KB_CHECK(got == NULL);
	KB_CHECK(kb_ctx_detail_count(ctx) == 1 && strstr(kb_ctx_detail(ctx, 0), "feltet \"l[1].navn\" mangler"));
	finish(NULL, ctx);
}

static void test_template__runaway_loops_hit_a_limit(void)
{
	/* 400 x 400 nested iterations: over the limit, a clear error instead of a huge letter */
	kb_buf json;
	kb_buf_init(&json, 1 << 20);
	kb_buf_adds(&json, "{\"a\":[");
	for (int i = 0; i < 400; i++)
		kb_buf_adds(&json, i ? ",1" : "1");
	kb_buf_adds(&json, "]}");
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	int rc = 0;
	char *got = render_body(P(R("{{#a}}{{#a}}x{{/a}}{{/a}}")), json.data, &rc, ctx);
	KB_CHECK_INT(rc, KB_ELIMIT);
	free(got);
	kb_buf_free(&json);
	finish(NULL, ctx);
}

/* A big table row repeated many times: stopped by the output limit before memory runs out. */
static void test_template__huge_output_hits_a_limit(void)
{
	kb_buf body, json;
	kb_buf_init(&body, 1 << 24);
	kb_buf_init(&json, 1 << 24);
	kb_buf_adds(&body, "<w:p><w:r><w:t>{{#a}}</w:t></w:r></w:p>");
	for (int i = 0; i < 100; i++)
		kb_buf_adds(&body, P(R("Et afsnit med lidt tekst")));
	kb_buf_adds(&body, "<w:p><w:r><w:t>{{/a}}</w:t></w:r></w:p>");
	kb_buf_adds(&json, "{\"a\":[");
	for (int i = 0; i < 90000; i++)
		kb_buf_adds(&json, i ? ",1" : "1");
	kb_buf_adds(&json, "]}");
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	int rc = 0;
	char *got = render_body(body.data, json.data, &rc, ctx);
	KB_CHECK_INT(rc, KB_ELIMIT);
	KB_CHECK(strstr(kb_ctx_errmsg(ctx), "for stort") != NULL);
	free(got);
	kb_buf_free(&body);
	kb_buf_free(&json);
	finish(NULL, ctx);
}

/* A text box that Word stores twice (mc:Choice and mc:Fallback): filled in both copies, its problems reported once,
 * and numbered as the letter's text numbers paragraphs. */
#define MC_BOX(x)                                                                                                      \
	"<w:p><w:r><mc:AlternateContent xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\">"     \
	"<mc:Choice Requires=\"wps\"><w:drawing><w:txbxContent>" x "</w:txbxContent></w:drawing></mc:Choice>"          \
	"<mc:Fallback><w:pict><w:txbxContent>" x "</w:txbxContent></w:pict></mc:Fallback>"                             \
	"</mc:AlternateContent></w:r></w:p>"

static void test_template__text_box_stored_twice_is_filled_twice_and_linted_once(void)
{
	KB_CHECK(docxfix_make(TMP("box.docx"),
	                      P(R("Før")) MC_BOX(P(R("{{navn}}")) P(R("{{#liste}}{{x}}"))) P(R("Efter")), NULL,
	                      NULL) == 0);
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	KB_CHECK_INT(kb_template_lint(ctx, TMP("box.docx"), NULL), KB_ETEMPLATE);
	KB_CHECK_INT(kb_ctx_detail_count(ctx), 1);
	if (kb_ctx_detail_count(ctx) >= 1)
		KB_CHECK_STR(kb_ctx_detail(ctx, 0),
		             "word/document.xml, afsnit 3: sektionen {{#liste}} lukkes aldrig; tilføj "
		             "{{/liste}}, hvor den skal slutte (i teksten »{{#liste}}{{x}}«)");
	finish(NULL, ctx);

	KB_CHECK(docxfix_make(TMP("box.docx"), P(R("Før")) MC_BOX(P(R("{{navn}}"))) P(R("Efter")), NULL, NULL) == 0);
	kb_ctx_new(&ctx);
	int rc;
	kb_letter *l = render(ctx, TMP("box.docx"), "{\"navn\":\"Jens Hansen\"}", &rc, NULL);
	KB_CHECK_INT(rc, 0);
	if (l) {
		const kb_text *t = kb_letter_text(l);
		size_t seen = 0;
		for (size_t i = 0; i < t->nparas; i++)
			seen += strstr(t->paras[i].text, "Jens Hansen") != NULL;
		KB_CHECK_INT(seen, 1);
		char *xml = NULL;
		size_t len;
		KB_CHECK_INT(kb_xml_serialize(&xml, &len, ctx, l->parts[0].doc), 0);
		const char *a = xml ? strstr(xml, "Jens Hansen") : NULL;
		KB_CHECK(a && strstr(a + 1, "Jens Hansen") && !strstr(xml, "{{"));
		free(xml);
	}
	finish(l, ctx);
}

/* What lint checks: the template's own text, each section once, values left out. */
static void test_template__static_letter_has_every_section_once_and_no_tags(void)
{
	KB_CHECK(
	    docxfix_make(
	        TMP("static.docx"),
	        P(R("Kære {{navn}},")) P(R("{{#bevilget}}")) P(R("Du får hjælp.")) P(R("{{/bevilget}}"))
	            P(R("{{^bevilget}}Du får ikke hjælp.{{/bevilget}}")) "<w:tbl><w:tr><w:tc>" P(R(
	                "{{#ydelser}}{{navn}}")) "</w:tc><w:tc>" P(R("{{beløb | kr}}{{/ydelser}}")) "</w:tc></w:tr></"
	                                                                                            "w:tbl>" P(R("{{! "
	                                                                                                         "en "
	                                                                                                         "note "
	                                                                                                         "}}"
	                                                                                                         "Med "
	                                                                                                         "venli"
	                                                                                                         "g "
	                                                                                                         "hilse"
	                                                                                                         "n")),
	        NULL, NULL) == 0);
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	kb_template *t = NULL;
	kb_letter *l = NULL;
	KB_CHECK_INT(kb_template_open(&t, ctx, TMP("static.docx"), NULL), 0);
	if (t)
		KB_CHECK_INT(kb_template_static_letter(&l, ctx, t), 0);
	if (l) {
		const kb_text *tx = kb_letter_text(l);
		kb_buf b;
		kb_buf_init(&b, 1 << 20);
		for (size_t i = 0; i < tx->nparas; i++) {
			kb_buf_adds(&b, tx->paras[i].text);
			kb_buf_adds(&b, "|");
		}
		/* the value's place is U+2060 WORD JOINER: "Kære ," would be a space before the comma to the checks */
		KB_CHECK_STR(b.data, "Kære \xE2\x81\xA0,|Du får hjælp.|Du får ikke hjælp.|Med venlig hilsen|");
		kb_buf_free(&b);
	}
	kb_letter_free(l);
	kb_template_free(t);
	finish(NULL, ctx);
}

/* The case skeleton for template authors: each section as what its content uses. */
static void test_template__fields_skeleton_follows_what_sections_use(void)
{
	KB_CHECK(docxfix_make(TMP("fields.docx"),
	                      P(R("{{modtager.navn}}")) P(R("{{#ydelser}}{{navn}}: {{beløb}}{{/ydelser}}"))
	                          P(R("{{#bilag}}{{.}}{{/bilag}}")) P(R("{{#rep}}Repræsentant: {{rep}}{{/rep}}"))
	                              P(R("{{#enlig}}Du er enlig.{{/enlig}}")),
	                      NULL, NULL) == 0);
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	kb_template *t = NULL;
	char *json = NULL;
	KB_CHECK_INT(kb_template_compile(&t, ctx, TMP("fields.docx"), NULL), 0);
	if (t)
		KB_CHECK_INT(kb_template_fields(&json, ctx, t), 0);
	json_t *got = json ? json_loads(json, 0, NULL) : NULL;
	json_t *want = json_pack("{s:{s:s}, s:[{s:s, s:s}], s:[s], s:s, s:b}", "modtager", "navn", "", "ydelser",
	                         "navn", "", "beløb", "", "bilag", "", "rep", "", "enlig", 0);
	KB_CHECK(got && json_equal(got, want));
	if (!(got && json_equal(got, want)))
		fprintf(stderr, "  got %s\n", json ? json : "(null)");
	json_decref(got);
	json_decref(want);
	free(json);
	kb_template_free(t);
	finish(NULL, ctx);
}

/* A list section used twice with different fields: the skeleton's items have the fields of both uses, so a case
 * made from it fills both places. */
static void test_template__fields_skeleton_merges_a_section_used_twice(void)
{
	KB_CHECK(docxfix_make(TMP("fields2.docx"),
	                      P(R("{{#ydelser}}{{navn}}{{/ydelser}}")) P(R("{{#flag}}x{{/flag}}"))
	                          P(R("{{#ydelser}}{{beløb}} ({{#perioder}}{{fra}}{{/perioder}}){{/ydelser}}"))
	                              P(R("{{#flag}}{{#perioder}}{{til}}{{/perioder}}{{/flag}}")),
	                      NULL, NULL) == 0);
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	kb_template *t = NULL;
	char *json = NULL;
	KB_CHECK_INT(kb_template_compile(&t, ctx, TMP("fields2.docx"), NULL), 0);
	if (t)
		KB_CHECK_INT(kb_template_fields(&json, ctx, t), 0);
	json_t *got = json ? json_loads(json, 0, NULL) : NULL;
	json_t *want = json_pack("{s:[{s:s, s:s, s:[{s:s}]}], s:[{s:[{s:s}]}]}", "ydelser", "navn", "", "beløb", "",
	                         "perioder", "fra", "", "flag", "perioder", "til", "");
	KB_CHECK(got && json_equal(got, want));
	if (!(got && json_equal(got, want)))
		fprintf(stderr, "  got %s\n", json ? json : "(null)");
	json_decref(got);
	json_decref(want);
	free(json);
	kb_template_free(t);
	finish(NULL, ctx);
}

/* ---- partials ---- */

#include <sys/stat.h>

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static kb_letter *render_with_partials(kb_ctx *ctx, const char *body, const char *json, int *rc)
{
	mkdir(TMP("partials"), 0755);
	mkdir(TMP("partials/klagevejledning"), 0755);
	write_file(TMP("partials/klagevejledning/ankestyrelsen.txt"),
	           "Du kan klage til {{klageinstans}}.\n\nSend klagen til os\ninden 4 uger.\n");
	write_file(TMP("partials/hilsen.txt"), "Med venlig hilsen");
	write_file(TMP("partials/ring-a.txt"), "{{> ring-b}}");
	write_file(TMP("partials/ring-b.txt"), "{{> ring-a}}");
	KB_CHECK(docxfix_make(TMP("partials/std.docx"),
	                      P("<w:pPr><w:pStyle w:val=\"Overskrift2\"/></w:pPr>" R("Regler"))
	                          P(R("Loven gælder for {{navn}}.")),
	                      NULL, NULL) == 0);
	KB_CHECK(docxfix_make(TMP("part.docx"), body, NULL, NULL) == 0);
	kb_template_options o = {.partials_dir = TMP("partials")};
	return render(ctx, TMP("part.docx"), json, rc, &o);
}

static void test_template__text_partial_in_its_own_paragraph_becomes_paragraphs(void)
{
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	int rc = 0;
	kb_letter *l = render_with_partials(ctx,
	                                    P(R("Før")) P("<w:pPr><w:pStyle w:val=\"Brdtekst\"/></w:pPr>" R(
	                                        "{{> klagevejledning/ankestyrelsen}}")) P(R("Efter")),
	                                    "{\"klageinstans\":\"Ankestyrelsen\"}", &rc);
	KB_CHECK_INT(rc, 0);
	if (l) {
		const kb_text *t = kb_letter_text(l);
		KB_CHECK_INT(t->nparas, 4);
		KB_CHECK_STR(para_text(l, 1), "Du kan klage til Ankestyrelsen.");
		KB_CHECK_STR(para_text(l, 2), "Send klagen til os\ninden 4 uger.");
		KB_CHECK_STR(t->paras[1].style, "Brdtekst");
		KB_CHECK_STR(kb_paragraph_origin_at(&t->paras[1], 0), "partial:klagevejledning/ankestyrelsen");
		KB_CHECK_STR(kb_paragraph_origin_at(&t->paras[1], 18), "field:klageinstans");
		KB_CHECK_STR(kb_paragraph_origin_at(&t->paras[2], 0), "partial:klagevejledning/ankestyrelsen");
		char *xml = NULL;
		size_t len;
		KB_CHECK_INT(kb_xml_serialize(&xml, &len, ctx, l->parts[0].doc), 0);
		KB_CHECK(xml && !strstr(xml, "kb-origin") && !strstr(xml, "kb-tag"));
		free(xml);
	}
	finish(l, ctx);
}

static void test_template__docx_partial_keeps_its_formatting_and_tags(void)
{
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	int rc = 0;
	kb_letter *l =
	    render_with_partials(ctx, P(R("{{> std}}")) P(R("Slut {{> hilsen}}")), "{\"navn\":\"Ida\"}", &rc);
	KB_CHECK_INT(rc, 0);
	if (l) {
		const kb_text *t = kb_letter_text(l);
		KB_CHECK_INT(t->nparas, 3);
		KB_CHECK_STR(para_text(l, 0), "Regler");
		KB_CHECK_STR(t->paras[0].style, "Overskrift2");
		KB_CHECK_STR(para_text(l, 1), "Loven gælder for Ida.");
		/* a partial inside a line of text is put in as text */
		KB_CHECK_STR(para_text(l, 2), "Slut Med venlig hilsen");
		KB_CHECK_STR(kb_paragraph_origin_at(&t->paras[2], 6), "partial:hilsen");
	}
	finish(l, ctx);
}

static void test_template__missing_and_circular_partials_are_reported(void)
{
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	int rc = 0;
	kb_letter *l = render_with_partials(
	    ctx, P(R("{{> findes/ikke}}")) P(R("{{> ring-a}}")) P(R("{{> ../hemmelig}}")), "{}", &rc);
	KB_CHECK_INT(rc, KB_ETEMPLATE);
	KB_CHECK(l == NULL);
	int missing = 0, ring = 0, path = 0;
	for (size_t i = 0; i < kb_ctx_detail_count(ctx); i++) {
		const char *d = kb_ctx_detail(ctx, i);
		missing |= strstr(d, "\"findes/ikke\"") != NULL;
		ring |= strstr(d, "i ring") != NULL;
		path |= strstr(d, "..") && strstr(d, "afsnit 3");
	}
	KB_CHECK(missing && ring && path);
	finish(l, ctx);
}

/* A .docx partial that itself includes a partial once read freed memory (fill, template lint, template fields). */
static void test_template__docx_partial_that_includes_a_partial(void)
{
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	int rc = 0;
	mkdir(TMP("partials"), 0755);
	KB_CHECK(docxfix_make(TMP("partials/ydre.docx"),
	                      P("<w:pPr><w:pStyle w:val=\"Overskrift2\"/></w:pPr>" R("Klagevejledning"))
	                          P(R("{{> std}}")) P(R("Før {{> hilsen}} efter, {{navn}}.")),
	                      NULL, NULL) == 0);
	kb_letter *l = render_with_partials(ctx, P(R("Start")) P(R("{{> ydre}}")) P(R("Slut")), "{\"navn\":\"Ida\"}",
	                                    &rc);
	KB_CHECK_INT(rc, 0);
	if (l) {
		letter_parts_are_sound(l);
		const kb_text *t = kb_letter_text(l);
		KB_CHECK_INT(t->nparas, 6);
		KB_CHECK_STR(para_text(l, 1), "Klagevejledning");
		KB_CHECK_STR(para_text(l, 2), "Regler");
		KB_CHECK_STR(para_text(l, 3), "Loven gælder for Ida.");
		KB_CHECK_STR(para_text(l, 4), "Før Med venlig hilsen efter, Ida.");
	}
	finish(l, ctx);
	/* lint and fields go through the same expansion */
	kb_ctx_new(&ctx);
	kb_template_options o = {.partials_dir = TMP("partials")};
	KB_CHECK_INT(kb_template_lint(ctx, TMP("part.docx"), &o), 0);
	kb_template *t = NULL;
	char *json = NULL;
	KB_CHECK_INT(kb_template_compile(&t, ctx, TMP("part.docx"), &o), 0);
	if (t)
		KB_CHECK_INT(kb_template_fields(&json, ctx, t), 0);
	KB_CHECK(json && strstr(json, "\"navn\""));
	free(json);
	kb_template_free(t);
	kb_ctx_free(ctx);
}

/* A letter with a partial and 31 other tags: the tag table grows while the partial is put in. */
static void test_template__partial_among_many_tags(void)
{
	kb_buf body;
	kb_buf_init(&body, 1 << 20);
	mkdir(TMP("partials"), 0755);
	KB_CHECK(docxfix_make(TMP("partials/to.docx"), P(R("Kære {{navn}}")) P(R("Tak.")), NULL, NULL) == 0);
	kb_buf_adds(&body, P(R("{{> to}}")));
	kb_buf_adds(&body, "<w:p><w:r><w:t xml:space=\"preserve\">");
	for (int i = 0; i < 31; i++)
		kb_buf_adds(&body, "{{navn}} ");
	kb_buf_adds(&body, "</w:t></w:r></w:p>");
	for (int extra = 0; extra < 3; extra++) {
		kb_ctx *ctx;
		kb_ctx_new(&ctx);
		int rc = 0;
		/* 31, then 63 and 95 tags around it: the table is reallocated at 32 and 64 */
		kb_letter *l = render_with_partials(ctx, body.data, "{\"navn\":\"Ida\"}", &rc);
		KB_CHECK_INT(rc, 0);
		if (l) {
			letter_parts_are_sound(l);
			KB_CHECK_STR(para_text(l, 0), "Kære Ida");
			KB_CHECK_STR(para_text(l, 1), "Tak.");
		}
		finish(l, ctx);
		body.len -= strlen("</w:t></w:r></w:p>");
		for (int i = 0; i < 32; i++)
			kb_buf_adds(&body, "{{navn}} ");
		kb_buf_adds(&body, "</w:t></w:r></w:p>");
	}
	kb_buf_free(&body);
}

/* ---- Word mail merge ---- */

#define FLD(type) "<w:r><w:fldChar w:fldCharType=\"" type "\"/></w:r>"
#define INSTR(x)  "<w:r><w:instrText xml:space=\"preserve\">" x "</w:instrText></w:r>"

/* ---- templates with a manifest ---- */

/* Writes the template folder TMP("mdir") (letter.docx from body, manifest.json) and renders json with it; returns
 * the letter (the template lives until finish()). */
static kb_letter *render_dir(kb_ctx *ctx, const char *body, const char *manifest, const char *json, int *rc)
{
	mkdir(TMP("mdir"), 0755);
	write_file(TMP("mdir/manifest.json"), manifest);
	if (docxfix_make(TMP("mdir/letter.docx"), body, NULL, NULL) != 0)
		return NULL;
	return render(ctx, TMP("mdir"), json, rc, NULL);
}

static char *letter_paras(const kb_letter *l)
{
	kb_buf b;
	kb_buf_init(&b, 1 << 20);
	const kb_text *t = l ? kb_letter_text(l) : NULL;
	for (size_t i = 0; t && i < t->nparas; i++) {
		kb_buf_adds(&b, t->paras[i].text);
		kb_buf_adds(&b, "|");
	}
	return kb_buf_detach(&b);
}

/* The Fallback copy of a text box is rendered but never reported, so a broken tag there (one Word's own copy does not
 * have: a hand-edited or damaged file) reaches the render without a field path. It renders as nothing, with and
 * without a manifest, instead of crashing the lookups of origins and optional fields (found by fuzz_template; the
 * input is tests/fuzz/regressions/template/tag-without-field-path.docx). */
#define MC_BOX2(choice, fallback)                                                                                     \
	"<w:p><w:r><mc:AlternateContent xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\">"     \
	"<mc:Choice Requires=\"wps\"><w:drawing><w:txbxContent>" choice "</w:txbxContent></w:drawing></mc:Choice>"     \
	"<mc:Fallback><w:pict><w:txbxContent>" fallback "</w:txbxContent></w:pict></mc:Fallback>"                        \
	"</mc:AlternateContent></w:r></w:p>"

static void test_template__broken_tag_only_in_text_box_fallback_renders_as_nothing(void)
{
	const char *body = P(R("Før {{navn}}")) MC_BOX2(P(R("{{navn}}")), P(R("x{{{! note }}y {{navn}}"))) P(R("Efter"));
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	KB_CHECK(docxfix_make(TMP("fallback.docx"), body, NULL, NULL) == 0);
	int rc = -1;
	kb_letter *l = render(ctx, TMP("fallback.docx"), "{\"navn\": \"Åse\"}", &rc, NULL);
	KB_CHECK_INT(rc, 0);
	char *xml = NULL;
	size_t len;
	if (l) {
		KB_CHECK_INT(kb_xml_serialize(&xml, &len, ctx, l->parts[0].doc), 0);
		size_t seen = 0;
		for (const char *a = xml; a && (a = strstr(a, "Åse")); a++)
			seen++;
		KB_CHECK_INT(seen, 3); /* the first paragraph and both copies of the box */
		KB_CHECK(xml && !strstr(xml, "note") && !strstr(xml, "{{"));
		free(xml);
	}
	kb_letter_free(l);
	l = render_dir(ctx, body, "{\"title\": \"x\", \"fields\": {\"navn\": {\"type\": \"name\"}}}",
	               "{\"navn\": \"Åse\"}", &rc);
	KB_CHECK_INT(rc, 0);
	kb_letter_free(l);
	kb_ctx_free(ctx);
}

/* "required": false means the case may leave the field out: it is not written, and a paragraph that held only it
 * goes; an optional group left out or null drops its section. */
static void test_template__optional_field_left_out_renders_as_nothing(void)
{
	const char *manifest = "{\"title\": \"x\", \"fields\": {\"navn\": {\"type\": \"name\", \"required\": true},"
	                       " \"tlf\": {\"type\": \"text\"}, \"rep.navn\": {\"type\": \"name\"}}}";
	const char *body = P(R("Kære {{navn}}")) P(R("{{tlf}}")) P(R("Ring på {{tlf}}.")) P(R("{{#rep}}"))
	    P(R("Partsrepræsentant: {{rep.navn}}")) P(R("{{/rep}}")) P(R("Slut"));
	const char *cases[][2] = {
	    {"{\"navn\": \"Ib\"}", "Kære Ib|Ring på .|Slut|"},
	    {"{\"navn\": \"Ib\", \"tlf\": null, \"rep\": null}", "Kære Ib|Ring på .|Slut|"},
	    {"{\"navn\": \"Ib\", \"tlf\": \"\"}", "Kære Ib|Ring på .|Slut|"},
	    {"{\"navn\": \"Ib\", \"tlf\": \"12\", \"rep\": {\"navn\": \"Bo\"}}",
	     "Kære Ib|12|Ring på 12.|Partsrepræsentant: Bo|Slut|"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		kb_ctx *ctx;
		kb_ctx_new(&ctx);
		int rc = 0;
		kb_letter *l = render_dir(ctx, body, manifest, cases[i][0], &rc);
		KB_CHECK_INT(rc, 0);
		if (rc)
			fprintf(stderr, "  %s: %s (%s)\n", cases[i][0], kb_ctx_errmsg(ctx),
			        kb_ctx_detail_count(ctx) ? kb_ctx_detail(ctx, 0) : "");
		char *got = letter_paras(l);
		KB_CHECK_STR(got, cases[i][1]);
		free(got);
		finish(l, ctx);
	}
}

/* A value in a list item carries its whole path in the case, with the item's index, so a finding can say which
 * item to fix ("hjaelpemidler[1].navn"), inside nested sections and through outer names too. */
static void test_template__value_in_a_list_item_has_its_indexed_path_as_origin(void)
{
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	int rc = 0;
	kb_letter *l = render(ctx,
	                      (docxfix_make(TMP("origin.docx"),
	                                    P(R("{{#sag}}{{#hjaelpemidler}}")) P(R("{{navn}}: {{nummer}}"))
	                                        P(R("{{#dele}}{{.}}{{/dele}}")) P(R("{{/hjaelpemidler}}{{/sag}}")),
	                                    NULL, NULL),
	                       TMP("origin.docx")),
	                      "{\"nummer\": \"7\", \"sag\": {\"hjaelpemidler\": [{\"navn\": \"Rollator\", \"dele\": [\"hjul\"]},"
	                      " {\"navn\": \"Kørestol\", \"dele\": [\"sæde\", \"ryg\"]}]}}",
	                      &rc, NULL);
	KB_CHECK_INT(rc, 0);
	if (rc)
		fprintf(stderr, "  %s (%s)\n", kb_ctx_errmsg(ctx), kb_ctx_detail_count(ctx) ? kb_ctx_detail(ctx, 0) : "");
	if (l && kb_letter_text(l)->nparas >= 4) {
		const kb_text *t = kb_letter_text(l);
		KB_CHECK_STR(t->paras[2].text, "Kørestol: 7");
		KB_CHECK_STR(kb_paragraph_origin_at(&t->paras[0], 0), "field:sag.hjaelpemidler[0].navn");
		KB_CHECK_STR(kb_paragraph_origin_at(&t->paras[2], 0), "field:sag.hjaelpemidler[1].navn");
		KB_CHECK_STR(kb_paragraph_origin_at(&t->paras[2], 11), "field:nummer");
		KB_CHECK_STR(t->paras[3].text, "sæderyg");
		KB_CHECK_STR(kb_paragraph_origin_at(&t->paras[3], 5), "field:sag.hjaelpemidler[1].dele[1]");
	} else {
		KB_CHECK(0);
	}
	finish(l, ctx);
}

/* With a manifest, template fields follows the manifest's shapes and types in template order: an optional group
 * section is an object (not a list of a copy of itself), a bool section true, an amount a number, a list with
 * items one item; a required field the template does not use is there too. Filled as written, the skeleton
 * passes the case check and renders. */
static void test_template__fields_skeleton_follows_the_manifest_and_passes_the_case_check(void)
{
	const char *manifest =
	    "{\"title\": \"x\", \"fields\": {"
	    " \"sag.nummer\": {\"type\": \"text\", \"required\": true, \"label\": \"Sagsnummer\"},"
	    " \"sag.dato\": {\"type\": \"date\", \"required\": true, \"label\": \"Brevets dato\"},"
	    " \"rep.navn\": {\"type\": \"name\", \"label\": \"Repræsentantens navn\"},"
	    " \"enlig\": {\"type\": \"bool\"},"
	    " \"beløb\": {\"type\": \"amount\", \"required\": true},"
	    " \"udfald\": {\"type\": \"choice\", \"required\": true, \"values\": [\"afslag\", \"bevilling\"]},"
	    " \"ydelser\": {\"type\": \"list\", \"items\": {\"navn\": {\"type\": \"text\", \"required\": true},"
	    "   \"beløb\": {\"type\": \"amount\", \"required\": true}, \"cpr\": {\"type\": \"cpr\"}}},"
	    " \"tlf\": {\"type\": \"text\", \"label\": \"Telefon\"}}}";
	const char *body = P(R("{{#rep}}Repræsentant: {{rep.navn}}{{/rep}}")) P(R("{{#enlig}}Du er enlig.{{/enlig}}"))
	    P(R("Du har {{beløb | kr}}")) P(R("{{#ydelser}}{{navn}}: {{beløb | kr}}{{/ydelser}}"))
	        P(R("{{#udfald | eq \"afslag\"}}Afslag.{{/udfald}}")) P(R("Dato: {{sag.dato | dato}}"));
	mkdir(TMP("mdir"), 0755);
	write_file(TMP("mdir/manifest.json"), manifest);
	KB_CHECK(docxfix_make(TMP("mdir/letter.docx"), body, NULL, NULL) == 0);
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	kb_template *t = NULL;
	char *json = NULL, *guide = NULL;
	KB_CHECK_INT(kb_template_open(&t, ctx, TMP("mdir"), NULL), 0);
	if (t) {
		KB_CHECK_INT(kb_template_fields(&json, ctx, t), 0);
		KB_CHECK_INT(kb_template_field_guide(&guide, ctx, t), 0);
	}
	KB_CHECK_STR(json, "{\n  \"rep\": {\n    \"navn\": \"Repræsentantens navn\"\n  },\n  \"enlig\": true,\n"
	                   "  \"beløb\": 12345.5,\n  \"ydelser\": [\n    {\n      \"navn\": \"navn\",\n"
	                   "      \"beløb\": 12345.5,\n      \"cpr\": \"0101901234\"\n    }\n  ],\n"
	                   "  \"udfald\": \"afslag\",\n  \"sag\": {\n    \"dato\": \"2026-11-28\",\n"
	                   "    \"nummer\": \"Sagsnummer\"\n  },\n  \"tlf\": \"Telefon\"\n}");
	KB_CHECK(guide && strstr(guide, "  sag.dato: Brevets dato (dato ÅÅÅÅ-MM-DD, skal udfyldes)\n"));
	KB_CHECK(guide && strstr(guide, "  ydelser[0].beløb: (ingen label i manifestet) (beløb, et tal med punktum før "
	                                "ører, skal udfyldes)\n"));
	KB_CHECK(guide && strstr(guide, "  udfald: (ingen label i manifestet) (én af de tilladte værdier, skal "
	                                "udfyldes): \"afslag\", \"bevilling\"\n"));
	kb_case *c = json ? case_from(json) : NULL;
	kb_letter *l = NULL;
	/* rendering checks the case against the manifest first */
	KB_CHECK_INT(t && c ? kb_template_render(&l, ctx, t, c) : -1, 0);
	if (!l)
		fprintf(stderr, "  %s (%s)\n", kb_ctx_errmsg(ctx), kb_ctx_detail_count(ctx) ? kb_ctx_detail(ctx, 0) : "");
	char *got = letter_paras(l);
	KB_CHECK_STR(got, "Repræsentant: Repræsentantens navn|Du er enlig.|Du har 12.345,50 kr.|navn: 12.345,50 kr.|"
	                  "Afslag.|Dato: 28. november 2026|");
	free(got);
	kb_letter_free(l);
	kb_case_free(c);
	free(json);
	free(guide);
	kb_template_free(t);
	kb_ctx_free(ctx);
}

/* A tag that is a typo of a declared field: lint and fill name the field it was meant to be. */
static void test_template__mistyped_tag_is_told_the_nearest_declared_field(void)
{
	const char *manifest = "{\"title\": \"x\", \"fields\": {\"modtager.navn\": {\"type\": \"name\"},"
	                       " \"ydelser\": {\"type\": \"list\", \"items\": {\"beløb\": {\"type\": \"amount\"}}}}}";
	mkdir(TMP("mdir"), 0755);
	write_file(TMP("mdir/manifest.json"), manifest);
	KB_CHECK(docxfix_make(TMP("mdir/letter.docx"),
	                      P(R("Kære {{modtager.nav}}")) P(R("{{#ydelser}}{{beloeb}}{{/ydelser}}")), NULL, NULL) == 0);
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	KB_CHECK_INT(kb_template_lint(ctx, TMP("mdir"), NULL), KB_ETEMPLATE);
	int nav = 0, beloeb = 0;
	for (size_t i = 0; i < kb_ctx_detail_count(ctx); i++) {
		nav |= strstr(kb_ctx_detail(ctx, i), "feltet \"modtager.nav\" står ikke i manifest.json; mente du "
		                                     "\"modtager.navn\"?") != NULL;
		beloeb |= strstr(kb_ctx_detail(ctx, i), "feltet \"ydelser.beloeb\" står ikke i manifest.json; mente du "
		                                        "\"ydelser.beløb\"?") != NULL;
	}
	KB_CHECK(nav && beloeb);
	int rc = 0;
	kb_letter *l = render(ctx, TMP("mdir"), "{\"modtager\": {\"navn\": \"Ib\"}}", &rc, NULL);
	KB_CHECK_INT(rc, KB_EDATA);
	int fill = 0;
	for (size_t i = 0; i < kb_ctx_detail_count(ctx); i++)
		fill |= strstr(kb_ctx_detail(ctx, i), "feltet \"modtager.nav\" mangler i sagen; tagget står ikke i "
		                                      "manifest.json, men \"modtager.navn\" gør") != NULL;
	KB_CHECK(fill);
	finish(l, ctx);
}

static void test_template__mergefields_simple_and_complex_with_switches(void)
{
	check_body(
	    P(R("Kære ") "<w:fldSimple w:instr=\" MERGEFIELD Fornavn \\* MERGEFORMAT \"><w:r><w:rPr><w:b/></w:rPr>"
	                 "<w:t>«Fornavn»</w:t></w:r></w:fldSimple>" R("!"))
	        P(FLD("begin") INSTR(" MERGEFIELD  Efternavn ") INSTR("\\* Upper \\b \"hr./fru \" ")
	              FLD("separate") "<w:r><w:rPr><w:i/></w:rPr><w:t>«Efternavn»</w:t></w:r>" FLD("end"))
	            P("<w:fldSimple w:instr=\"MERGEFIELD Dato \\@ &quot;d. MMMM yyyy&quot;\"><w:r><w:t>«Dato»</w:t>"
	              "</w:r></w:fldSimple>" R(" / ") "<w:fldSimple w:instr=\"MERGEFIELD Dato \\@ "
	                                              "&quot;dd.MM.yyyy&quot;\"><w:r><w:t>«Dato»</w:t>"
	                                              "</w:r></w:fldSimple>")
	                P(FLD("begin") INSTR(" MERGEFIELD Mellemnavn \\f \", \" ")
	                      FLD("separate") "<w:r><w:t>«Mellemnavn»</w:t></w:r>" FLD("end") R("slut")),
	    "{\"Fornavn\":\"Åse\",\"Efternavn\":\"Ørsted\",\"Dato\":\"2026-03-01\",\"Mellemnavn\":\"\"}",
	    "Kære Åse!|hr./fru ØRSTED|1. marts 2026 / 01.03.2026|slut|");
}

static void test_template__content_controls_tagged_with_a_field_are_filled(void)
{
	check_body(P(R("Til ") "<w:sdt><w:sdtPr><w:alias w:val=\"Navn\"/><w:tag "
	                       "w:val=\"modtager.navn\"/><w:showingPlcHdr/>"
	                       "</w:sdtPr><w:sdtContent><w:r><w:rPr><w:b/></w:rPr><w:t>Klik her</w:t></w:r>"
	                       "</w:sdtContent></w:sdt>" R(
	                           ".")) "<w:sdt><w:sdtPr><w:alias "
	                                 "w:val=\"begrundelse\"/></w:sdtPr><w:sdtContent>" P(R("Skriv begrundelsen "
	                                                                                       "her."))
	                                     P(R("Anden linje.")) "</w:sdtContent></w:sdt>"
	                                                          "<w:sdt><w:sdtPr><w:tag w:val=\"ikke et "
	                                                          "felt!\"/></w:sdtPr><w:sdtContent>" P(
	                                                              R("Fast tekst")) "</w:sdtContent></w:sdt>",
	           "{\"modtager\":{\"navn\":\"Bo Ek\"},\"begrundelse\":\"Du har formue.\"}",
	           "Til Bo Ek.|Du har formue.|Fast tekst|");
	/* a block-level control whose placeholder is formatted: the value keeps the formatting */
	check_body("<w:sdt><w:sdtPr><w:tag w:val=\"begrundelse\"/></w:sdtPr><w:sdtContent>"
	           "<w:p><w:pPr><w:pStyle w:val=\"Citat\"/></w:pPr><w:r><w:rPr><w:i/></w:rPr><w:t>Skriv her.</w:t></w:r>"
	           "</w:p>" P(R("Og her.")) "</w:sdtContent></w:sdt>",
	           "{\"begrundelse\":\"Du har formue.\"}", "Du har formue.|");
}

/* Controls that belong to Word or to other tools are left as they are: a cover page's date bound to the document's
 * own properties (w:dataBinding) and a control whose tag holds another tool's data (base64, a GUID). */
static void test_template__controls_bound_to_document_data_or_tagged_with_data_are_not_fields(void)
{
	check_body("<w:sdt><w:sdtPr><w:alias w:val=\"Dato\"/><w:tag w:val=\"dato\"/><w:dataBinding "
	           "w:prefixMappings=\"xmlns:ns0='http://schemas.microsoft.com/office/2006/coverPageProps'\" "
	           "w:xpath=\"/ns0:CoverPageProperties[1]/ns0:PublishDate[1]\" w:storeItemID=\"{55AF091B-3C7A-41E3-B477-"
	           "F2FDAA23CFDA}\"/><w:date/></w:sdtPr><w:sdtContent>" P(R("1. maj 2026")) "</w:sdtContent></w:sdt>"
	           "<w:sdt><w:sdtPr><w:tag w:val=\"eyJpZCI6MTIzNDUsInR5cGUiOiJ4In0\"/></w:sdtPr><w:sdtContent>" P(
	               R("Data A")) "</w:sdtContent></w:sdt>"
	           "<w:sdt><w:sdtPr><w:tag w:val=\"AQIDBAUGBwgJCgsMDQ4PEA==\"/></w:sdtPr><w:sdtContent>" P(R("Data B"))
	           "</w:sdtContent></w:sdt>"
	           "<w:sdt><w:sdtPr><w:tag w:val=\"3f2504e0-4f89-11d3-9a0c-0305e82c3301\"/></w:sdtPr><w:sdtContent>" P(
	               R("Data C")) "</w:sdtContent></w:sdt>"
	           "<w:sdt><w:sdtPr><w:tag w:val=\"modtager.navn\"/></w:sdtPr><w:sdtContent>" P(R("Navn"))
	           "</w:sdtContent></w:sdt>",
	           "{\"modtager\":{\"navn\":\"Bo Ek\"}}", "1. maj 2026|Data A|Data B|Data C|Bo Ek|");
}

/* Text with a brace far from its partner is not a tag: it is a lint problem, and the real tags after it are read. */
static void test_template__overlong_tag_in_ordinary_text_is_a_problem_not_a_failure(void)
{
	kb_buf words;
	kb_buf_init(&words, 1 << 20);
	for (int i = 0; i < 1500; i++)
		kb_buf_adds(&words, "ord ");
	kb_buf body;
	kb_buf_init(&body, 1 << 20);
	kb_buf_printf(&body, P(R("Se {bilag %s")) P(R("slut} her {navn}")) P(R("Se {bilag %s} og {navn}")), words.data,
	              words.data);
	KB_CHECK(docxfix_make(TMP("long.docx"), body.data, NULL, NULL) == 0);
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	kb_template_options o = {.open_delim = "{", .close_delim = "}"};
	KB_CHECK_INT(kb_template_lint(ctx, TMP("long.docx"), &o), KB_ETEMPLATE);
	int unclosed = 0, toolong = 0;
	for (size_t i = 0; i < kb_ctx_detail_count(ctx); i++) {
		unclosed |= strstr(kb_ctx_detail(ctx, i), "afsnit 1: tagget \"{bilag") && strstr(kb_ctx_detail(ctx, i), "lukkes ikke");
		toolong |= strstr(kb_ctx_detail(ctx, i), "afsnit 3: tagget \"{bilag") && strstr(kb_ctx_detail(ctx, i), "for langt");
	}
	KB_CHECK(unclosed && toolong);
	kb_ctx_free(ctx);
	kb_buf_free(&body);
	kb_buf_free(&words);
}

/* A section that ends inside a table which also holds the start of the next section cannot be repeated: the
 * whole table would go with it. Lint says so with both tags, and fill refuses with the same words, instead of
 * failing on the first letter with "lukkes ikke". Found by a grammar fuzzer over Word structures. */
static void test_template__section_ending_in_a_table_that_opens_another_is_a_lint_problem(void)
{
	const char *body = "<w:tbl><w:tr><w:tc>" P(R("{{#a}}")) "</w:tc></w:tr><w:tr><w:tc>" P(R("hjælp{{#flag}}"))
	    "</w:tc></w:tr></w:tbl>" P(R("x")) "<w:tbl><w:tr><w:tc>" P(R("hjælp{{/flag}} {{#a}}"))
	        "</w:tc></w:tr></w:tbl>" P(R("{{v}}")) P(R("{{/a}}")) P(R("{{/a}}"));
	KB_CHECK(docxfix_make(TMP("shape.docx"), body, NULL, NULL) == 0);
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	KB_CHECK_INT(kb_template_lint(ctx, TMP("shape.docx"), NULL), KB_ETEMPLATE);
	KB_CHECK_INT(kb_ctx_detail_count(ctx), 1);
	KB_CHECK(kb_ctx_detail_count(ctx) && strstr(kb_ctx_detail(ctx, 0), "{{#flag}} gentager hele tabellen") &&
	         strstr(kb_ctx_detail(ctx, 0), "{{#a}} (afsnit 4)"));
	kb_ctx_free(ctx);
	/* the same section closed in a paragraph of its own after the table is fine */
	check_body("<w:tbl><w:tr><w:tc>" P(R("{{#flag}}hjælp")) "</w:tc></w:tr></w:tbl>" P(R("{{/flag}}"))
	               P(R("{{#a}}{{v}}")) P(R("{{/a}}")),
	           "{\"flag\":true,\"a\":[{\"v\":1},{\"v\":2}]}", "hjælp|1|2|");
}

/* A value too large for one text node of a letter the reader can open again is a problem of the case (exit 2),
 * not an internal error when the written letter is checked. */
static void test_template__field_value_over_8_mb_is_a_case_problem(void)
{
	size_t n = 9u * 1024u * 1024u;
	char *json = malloc(n + 32);
	KB_CHECK(json != NULL);
	if (!json)
		return;
	memcpy(json, "{\"navn\":\"", 9);
	memset(json + 9, 'a', n);
	memcpy(json + 9 + n, "\"}", 3);
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	int rc = 0;
	char *got = render_body(P(R("{{navn}}")), json, &rc, ctx);
	KB_CHECK_INT(rc, KB_EDATA);
	KB_CHECK(kb_ctx_detail_count(ctx) == 1 && strstr(kb_ctx_detail(ctx, 0), "fylder over 8 MB"));
	free(got);
	free(json);
	finish(NULL, ctx);
}

KB_TESTS(KB_TEST(test_template__tag_split_over_three_runs_keeps_first_run_formatting),
         KB_TEST(test_template__tags_split_in_header_and_footer), KB_TEST(test_template__values_are_xml_escaped),
         KB_TEST(test_template__newline_becomes_break_and_forbidden_chars_are_dropped),
         KB_TEST(test_template__blank_line_in_a_value_starts_a_paragraph_with_the_same_style),
         KB_TEST(test_template__every_missing_field_is_listed),
         KB_TEST(test_template__unclosed_tag_is_reported_with_place),
         KB_TEST(test_template__one_template_renders_many_letters), KB_TEST(test_template__numbers_null_and_comments),
         KB_TEST(test_template__list_value_is_an_error_not_a_crash),
         KB_TEST(test_template__word_fixture_with_split_tags_and_text_box),
         KB_TEST(test_template__paragraph_with_only_a_section_tag_disappears),
         KB_TEST(test_template__false_and_empty_sections_remove_their_paragraphs),
         KB_TEST(test_template__inverted_section), KB_TEST(test_template__inline_section_split_over_runs),
         KB_TEST(test_template__nested_sections_and_context_stack),
         KB_TEST(test_template__three_nested_loops_over_numbered_paragraphs_write_sound_xml),
         KB_TEST(test_template__nested_list_sections_with_text_beside_the_inner_tag),
         KB_TEST(test_template__docx_partial_that_includes_a_partial), KB_TEST(test_template__partial_among_many_tags),
         KB_TEST(test_template__section_in_one_table_row_repeats_the_row),
         KB_TEST(test_template__empty_row_section_removes_the_row),
         KB_TEST(test_template__section_around_a_whole_table), KB_TEST(test_template__formatters_in_tags_and_sections),
         KB_TEST(test_template__section_mistakes_are_all_listed),
         KB_TEST(test_template__problems_show_the_text_around_the_tag),
         KB_TEST(test_template__fields_skeleton_follows_what_sections_use),
         KB_TEST(test_template__fields_skeleton_merges_a_section_used_twice),
         KB_TEST(test_template__set_delimiters_inside_a_document), KB_TEST(test_template__lint_checks_formatter_arguments),
         KB_TEST(test_template__lint_warns_of_a_full_stop_after_kr),
         KB_TEST(test_template__missing_field_inside_a_loop_names_the_field),
         KB_TEST(test_template__runaway_loops_hit_a_limit), KB_TEST(test_template__huge_output_hits_a_limit),
         KB_TEST(test_template__static_letter_has_every_section_once_and_no_tags),
         KB_TEST(test_template__text_box_stored_twice_is_filled_twice_and_linted_once),
         KB_TEST(test_template__broken_tag_only_in_text_box_fallback_renders_as_nothing),
         KB_TEST(test_template__text_partial_in_its_own_paragraph_becomes_paragraphs),
         KB_TEST(test_template__docx_partial_keeps_its_formatting_and_tags),
         KB_TEST(test_template__missing_and_circular_partials_are_reported),
         KB_TEST(test_template__optional_field_left_out_renders_as_nothing),
         KB_TEST(test_template__value_in_a_list_item_has_its_indexed_path_as_origin),
         KB_TEST(test_template__fields_skeleton_follows_the_manifest_and_passes_the_case_check),
         KB_TEST(test_template__mistyped_tag_is_told_the_nearest_declared_field),
         KB_TEST(test_template__mergefields_simple_and_complex_with_switches),
         KB_TEST(test_template__content_controls_tagged_with_a_field_are_filled),
         KB_TEST(test_template__controls_bound_to_document_data_or_tagged_with_data_are_not_fields),
         KB_TEST(test_template__overlong_tag_in_ordinary_text_is_a_problem_not_a_failure),
         KB_TEST(test_template__section_ending_in_a_table_that_opens_another_is_a_lint_problem),
         KB_TEST(test_template__field_value_over_8_mb_is_a_case_problem))
