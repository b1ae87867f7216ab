/*
 * test_fixtures.c -- docxtemplater's own Word templates (shared/fixtures/docxtemplater) rendered with "{ }"
 * delimiters: each part's text (all w:t text of the part, as docxtemplater's getFullText reads it) must be what
 * cases.json states, and the two broken templates must be refused with their problems listed.
 */
#include "kbtest.h"
#include "docx.h"
#include "letter.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define FIXDIR KB_TEST_SHARED_DIR "/fixtures/docxtemplater/"

static char *fulltext(xmlDocPtr doc)
{
	kb_buf b;
	kb_buf_init(&b, 1 << 24);
	xmlNodePtr root = xmlDocGetRootElement(doc);
	for (xmlNodePtr n = root; n;) {
		if (n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, "t") && n->ns &&
		    strstr((const char *)n->ns->href, "wordprocessingml")) {
			xmlChar *c = xmlNodeGetContent(n);
			if (c)
				kb_buf_adds(&b, (const char *)c);
			xmlFree(c);
		}
		if (n->type == XML_ELEMENT_NODE && n->children) {
			n = n->children;
			continue;
		}
		while (n && n != root && !n->next)
			n = n->parent;
		n = n && n != root ? n->next : NULL;
	}
	return kb_buf_detach(&b);
}

/* The text of every w:p of the part in document order (a text box's paragraphs after the paragraph that holds the
 * box), tabs as "\t" and breaks as "\n", each as a JSON string: docxtemplater's per-paragraph reading. */
static int para_collect(void *ud, kb_w_item item, xmlNodePtr node)
{
	kb_buf *b = ud;
	if (item == KB_W_TAB)
		return kb_buf_adds(b, "\t");
	if (item == KB_W_BREAK)
		return kb_buf_adds(b, "\n");
	if (item == KB_W_HYPHEN)
		return kb_buf_adds(b, "-");
	xmlChar *c = xmlNodeGetContent(node);
	int rc = c ? kb_buf_adds(b, (const char *)c) : 0;
	xmlFree(c);
	return rc;
}

static json_t *paragraphs(xmlDocPtr doc)
{
	kb_nodevec ps = {0};
	json_t *out = json_array();
	kb_w_paragraphs(&ps, xmlDocGetRootElement(doc), 0);
	for (size_t i = 0; i < ps.n; i++) {
		kb_buf b;
		kb_buf_init(&b, 1 << 24);
		kb_buf_adds(&b, "");
		kb_w_walk_paragraph(ps.items[i], para_collect, &b);
		json_array_append_new(out, json_string(b.data));
		kb_buf_free(&b);
	}
	kb_nodevec_free(&ps);
	return out;
}

/* A new array with the non-empty strings of a (borrowed). */
static json_t *nonempty(json_t *a)
{
	if (!a)
		return NULL;
	json_t *out = json_array();
	size_t i;
	json_t *v;
	json_array_foreach(a, i, v)
	{
		if (json_string_length(v))
			json_array_append(out, v);
	}
	return out;
}

static json_t *cases(void)
{
	json_error_t err;
	json_t *c = json_load_file(FIXDIR "cases.json", 0, &err);
	if (!c)
		fprintf(stderr, "  cases.json: %s\n", err.text);
	return c;
}

static int render_case(const json_t *cs, kb_ctx *ctx, kb_template **t, kb_letter **l)
{
	char path[1024];
	snprintf(path, sizeof path, FIXDIR "%s", json_string_value(json_object_get(cs, "file")));
	kb_template_options o = {.open_delim = "{", .close_delim = "}"};
	int rc = kb_template_open(t, ctx, path, &o);
	if (rc)
		return rc;
	char *data = json_dumps(json_object_get(cs, "data"), 0);
	kb_case *c = NULL;
	rc = kb_case_load_buffer(&c, ctx, data, strlen(data), "data");
	free(data);
	if (!rc)
		rc = kb_template_render(l, ctx, *t, c);
	kb_case_free(c);
	return rc;
}

/* Every case with a stated text renders to it, part by part. */
static void test_fixtures__templates_render_to_the_stated_text(void)
{
	json_t *all = cases();
	KB_CHECK(all != NULL);
	size_t i, checked = 0;
	json_t *cs;
	json_array_foreach(all, i, cs)
	{
		const char *file = json_string_value(json_object_get(cs, "file"));
		json_t *expected = json_object_get(cs, "expected");
		json_t *stated = json_object_get(expected, "stated_fulltext");
		json_t *text = json_object_get(expected, "text");
		if (!expected)
			continue;
		/* what docxtemplater does that klarbrev refuses on purpose, checked in the tests below */
		if (!strcmp(file, "tag-with-comment.docx"))
			continue;
		kb_ctx *ctx;
		kb_ctx_new(&ctx);
		kb_template *t = NULL;
		kb_letter *l = NULL;
		int rc = render_case(cs, ctx, &t, &l);
		if (rc) {
			fprintf(stderr, "  %s: %s %s\n", file, kb_ctx_errmsg(ctx),
			        kb_ctx_detail_count(ctx) ? kb_ctx_detail(ctx, 0) : "");
			KB_CHECK_INT(rc, 0);
		}
		for (size_t p = 0; l && p < l->nparts; p++) {
			const char *want = NULL;
			json_t *pt = json_object_get(text, l->parts[p].name);
			if (pt)
				want = json_string_value(json_object_get(pt, "fulltext"));
			else if (json_object_get(stated, l->parts[p].name))
				want = json_string_value(json_object_get(stated, l->parts[p].name));
			if (!want)
				continue;
			char *got = fulltext(l->parts[p].doc);
			if (!got || strcmp(got, want) != 0) {
				fprintf(stderr, "  %s %s:\n    got  \"%s\"\n    want \"%s\"\n", file, l->parts[p].name,
				        got ? got : "(null)", want);
				KB_CHECK(0);
			}
			checked++;
			free(got);
			/* and paragraph by paragraph, where the case states them, for the body (docxtemplater reads a
			 * header's text boxes in another order). Empty paragraphs are left out: klarbrev removes a
			 * paragraph that held only a section tag, docxtemplater only with paragraphLoop.
			 * paragraph-loops.docx has a section that opens after text in a paragraph
			 * ("test{#condition}test"): docxtemplater glues each repetition to the paragraph before it
			 * ("testtest"), klarbrev gives each repetition its own paragraphs. */
			json_t *want_paras = pt ? nonempty(json_object_get(pt, "paragraphs")) : NULL;
			if (want_paras && !strcmp(l->parts[p].name, "word/document.xml") &&
			    strcmp(file, "paragraph-loops.docx") != 0) {
				json_t *all_paras = paragraphs(l->parts[p].doc);
				json_t *got_paras = nonempty(all_paras);
				json_decref(all_paras);
				if (!json_equal(got_paras, want_paras)) {
					char *g = json_dumps(got_paras, JSON_ENSURE_ASCII),
					     *w = json_dumps(want_paras, JSON_ENSURE_ASCII);
					fprintf(stderr, "  %s %s paragraphs:\n    got  %s\n    want %s\n", file,
					        l->parts[p].name, g, w);
					free(g);
					free(w);
					KB_CHECK(0);
				}
				json_decref(got_paras);
			}
			json_decref(want_paras);
		}
		kb_letter_free(l);
		kb_template_free(t);
		kb_ctx_free(ctx);
	}
	KB_CHECK(checked >= 10);
	json_decref(all);
}

/* The two broken templates are refused, every problem listed, in the parts docxtemplater names. */
static void test_fixtures__broken_templates_list_every_problem(void)
{
	json_t *all = cases();
	size_t i, seen = 0;
	json_t *cs;
	json_array_foreach(all, i, cs)
	{
		json_t *experr = json_object_get(cs, "expected_error");
		if (!experr)
			continue;
		seen++;
		const char *file = json_string_value(json_object_get(cs, "file"));
		kb_ctx *ctx;
		kb_ctx_new(&ctx);
		kb_template *t = NULL;
		kb_letter *l = NULL;
		KB_CHECK_INT(render_case(cs, ctx, &t, &l), KB_ETEMPLATE);
		size_t j;
		json_t *e;
		json_array_foreach(json_object_get(experr, "errors"), j, e)
		{
			/* the same part, and the same tag: docxtemplater's context ("{firstName "), or both tags of a
			 * mismatched pair */
			json_t *props = json_object_get(e, "properties");
			const char *part = json_string_value(json_object_get(props, "file"));
			const char *context = json_string_value(json_object_get(props, "context"));
			const char *opening = json_string_value(json_object_get(props, "openingtag"));
			const char *closing = json_string_value(json_object_get(props, "closingtag"));
			int found = 0;
			for (size_t d = 0; part && d < kb_ctx_detail_count(ctx); d++) {
				const char *det = kb_ctx_detail(ctx, d);
				if (!strstr(det, part))
					continue;
				if (context)
					found |= strstr(det, context) != NULL;
				else if (opening && closing)
					found |= strstr(det, opening) && strstr(det, closing);
				else
					found = 1;
			}
			if (!found)
				fprintf(stderr, "  %s: no problem reported in %s at %s\n", file, part ? part : "?",
				        context ? context : opening ? opening : "?");
			KB_CHECK(found);
		}
		KB_CHECK(kb_ctx_detail_count(ctx) >= 2);
		kb_letter_free(l);
		kb_template_free(t);
		kb_ctx_free(ctx);
	}
	KB_CHECK_INT(seen, 2);
	json_decref(all);
}

/* Enter pressed inside a tag: the letter is filled as if it had not been, and lint tells the author exactly. */
static void test_fixtures__tag_broken_over_paragraphs_is_joined_and_linted(void)
{
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	kb_template_options o = {.open_delim = "{", .close_delim = "}"};
	KB_CHECK_INT(kb_template_lint(ctx, FIXDIR "tag-spanning-multiline.docx", &o), KB_ETEMPLATE);
	KB_CHECK_INT(kb_ctx_detail_count(ctx), 2);
	if (kb_ctx_detail_count(ctx) == 2) {
		KB_CHECK_STR(
		    kb_ctx_detail(ctx, 0),
		    "word/document.xml, afsnit 1: tagget \"{last_name}\" var delt over afsnit 1 til 2 (der er "
		    "trykket Enter inde i tagget); klarbrev har samlet det, men ret det i Word, så tagget står i ét "
		    "afsnit");
		KB_CHECK(strstr(kb_ctx_detail(ctx, 1), "tagget \"{first_name}\" var delt over afsnit 3 til 5") != NULL);
	}
	kb_ctx_free(ctx);
}

/* docxtemplater writes "undefined" for a missing value; klarbrev refuses to send a letter with a hole in it. */
static void test_fixtures__missing_value_is_refused_not_written_as_undefined(void)
{
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	kb_template *t = NULL;
	kb_letter *l = NULL;
	json_t *cs = json_pack("{s:s, s:{}}", "file", "tag-with-comment.docx", "data");
	KB_CHECK_INT(render_case(cs, ctx, &t, &l), KB_EDATA);
	KB_CHECK(kb_ctx_detail_count(ctx) == 1 && strstr(kb_ctx_detail(ctx, 0), "\"tag\""));
	kb_template_free(t);
	t = NULL;
	json_object_set_new(cs, "data", json_pack("{s:s}", "tag", "undefined"));
	KB_CHECK_INT(render_case(cs, ctx, &t, &l), 0);
	if (l) {
		char *got = fulltext(l->parts[0].doc);
		KB_CHECK_STR(got, "undefined");
		free(got);
	}
	kb_letter_free(l);
	kb_template_free(t);
	json_decref(cs);
	kb_ctx_free(ctx);
}

KB_TESTS(KB_TEST(test_fixtures__templates_render_to_the_stated_text),
         KB_TEST(test_fixtures__broken_templates_list_every_problem),
         KB_TEST(test_fixtures__tag_broken_over_paragraphs_is_joined_and_linted),
         KB_TEST(test_fixtures__missing_value_is_refused_not_written_as_undefined))
