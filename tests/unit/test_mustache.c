/* test_mustache.c -- the plain-text Mustache engine beyond the spec: messages for template mistakes, the limits
 * against hostile templates and cases, options, and compiling once to render many letters. */
#include "kbtest.h"
#include "mustache.h"

#include <jansson.h>

/* Partials from a NULL-terminated list of name, source pairs (ud). */
static int load_from_list(char **out, size_t *len, kb_ctx *ctx, const char *name, void *ud)
{
	(void)ctx;
	*out = NULL;
	*len = 0;
	for (const char *const *p = ud; p && *p; p += 2)
		if (!strcmp(p[0], name)) {
			*len = strlen(p[1]);
			if (!(*out = malloc(*len + 1)))
				return KB_ENOMEM;
			memcpy(*out, p[1], *len + 1);
			return 0;
		}
	return 0;
}

/* Compiles and renders; returns the error code and keeps the output (or the message) in got. */
static int render_with(char *got, size_t got_size, const char *tpl, const char *data_json,
                       const kb_mustache_options *o)
{
	kb_ctx *ctx = NULL;
	kb_mustache *m = NULL;
	char *text = NULL;
	size_t len = 0;
	json_t *data = json_loads(data_json, JSON_DECODE_ANY, NULL);
	int rc = kb_ctx_new(&ctx);
	if (!rc)
		rc = kb_mustache_compile(&m, ctx, tpl, strlen(tpl), "brev.txt", o);
	if (!rc)
		rc = kb_mustache_render(&text, &len, ctx, m, data);
	snprintf(got, got_size, "%s", rc ? kb_ctx_errmsg(ctx) : text);
	free(text);
	kb_mustache_free(m);
	kb_ctx_free(ctx);
	json_decref(data);
	return rc;
}

static void test_mustache__mismatched_close_names_both_tags_and_line(void)
{
	char got[1024];
	KB_CHECK_INT(render_with(got, sizeof got, "{{#a}}\n{{#b}}\nx\n{{/a}}\n", "{}", NULL), KB_EINPUT);
	KB_CHECK(strstr(got, "brev.txt, linje 4: {{/a}} lukker ikke {{#b}} fra linje 2") != NULL);
	KB_CHECK(strstr(got, "{{/b}}") != NULL);
}

static void test_mustache__unclosed_section_says_what_to_add(void)
{
	char got[1024];
	KB_CHECK_INT(render_with(got, sizeof got, "Hej\n\n{{#ydelser}}\n- {{navn}}\n", "{}", NULL), KB_EINPUT);
	KB_CHECK_STR(got, "brev.txt, linje 3: {{#ydelser}} lukkes aldrig; tilføj {{/ydelser}}");
}

static void test_mustache__close_without_open_is_an_error(void)
{
	char got[1024];
	KB_CHECK_INT(render_with(got, sizeof got, "a\n{{/a}}", "{}", NULL), KB_EINPUT);
	KB_CHECK(strstr(got, "linje 2: {{/a}} lukker ingen sektion") != NULL);
}

static void test_mustache__unclosed_tag_is_an_error(void)
{
	char got[1024];
	KB_CHECK_INT(render_with(got, sizeof got, "a\nb {{navn\n", "{}", NULL), KB_EINPUT);
	KB_CHECK(strstr(got, "brev.txt, linje 2: tagget \"{{navn") != NULL);
}

static void test_mustache__bad_set_delimiters_are_an_error(void)
{
	char got[1024];
	KB_CHECK_INT(render_with(got, sizeof got, "{{=<%=}}", "{}", NULL), KB_EINPUT);
	KB_CHECK(strstr(got, "linje 1") != NULL);
	kb_ctx *ctx = NULL;
	kb_mustache *m = NULL;
	KB_CHECK_INT(kb_ctx_new(&ctx), 0);
	kb_mustache_options o = { .open = "{ {", .close = "}" };
	KB_CHECK_INT(kb_mustache_compile(&m, ctx, "x", 1, "brev.txt", &o), KB_EUSAGE);
	KB_CHECK(m == NULL);
	kb_ctx_free(ctx);
}

static void test_mustache__object_value_cannot_be_written(void)
{
	char got[1024];
	KB_CHECK_INT(render_with(got, sizeof got, "\n{{modtager}}", "{\"modtager\": {\"navn\": \"Jens\"}}", NULL),
	             KB_EINPUT);
	KB_CHECK(strstr(got, "brev.txt, linje 2: feltet \"modtager\"") != NULL);
}

/* n sections "{{#name}}" inside each other, each closed; caller frees */
static char *nested(int n, const char *name)
{
	kb_buf b;
	kb_buf_init(&b, 1u << 20);
	for (int i = 0; i < n; i++)
		kb_buf_printf(&b, "{{#%s}}", name);
	for (int i = 0; i < n; i++)
		kb_buf_printf(&b, "{{/%s}}", name);
	return kb_buf_detach(&b);
}

static void test_mustache__nesting_deeper_than_limit_is_refused(void)
{
	char *ok = nested(KB_MUSTACHE_MAX_DEPTH, "a"), *deep = nested(KB_MUSTACHE_MAX_DEPTH + 1, "a");
	char got[1024];
	KB_CHECK_INT(render_with(got, sizeof got, ok, "{\"a\": true}", NULL), 0);
	KB_CHECK_INT(render_with(got, sizeof got, deep, "{\"a\": true}", NULL), KB_ELIMIT);
	KB_CHECK(strstr(got, "sektioner inden i hinanden") != NULL);
	free(ok);
	free(deep);
}

static void test_mustache__endless_partial_recursion_stops(void)
{
	static const char *const partials[] = { "self", "x{{>self}}", NULL };
	kb_mustache_options o = { .load_partial = load_from_list, .ud = (void *)partials };
	char got[1024];
	KB_CHECK_INT(render_with(got, sizeof got, "{{>self}}", "{}", &o), KB_ELIMIT);
	KB_CHECK(strstr(got, "partial \"self\"") != NULL);
}

static void test_mustache__output_over_cap_is_refused(void)
{
	kb_mustache_options o = { .max_output = 100 };
	char got[1024];
	KB_CHECK_INT(render_with(got, sizeof got, "{{#l}}0123456789{{/l}}", "{\"l\": [1,2,3,4,5,6,7,8,9,10]}", &o), 0);
	KB_CHECK_INT(render_with(got, sizeof got, "{{#l}}0123456789{{/l}}!", "{\"l\": [1,2,3,4,5,6,7,8,9,10]}", &o),
	             KB_ELIMIT);
	KB_CHECK(strstr(got, "større end 100 byte") != NULL);
}

static void test_mustache__loops_in_loops_hit_the_step_cap(void)
{
	/* 10 nested loops over 10 items render nothing but would take 10^10 steps */
	char *tpl = nested(10, "l");
	kb_mustache_options o = { .max_steps = 100000 }; /* the default cap is larger; this keeps the test fast */
	char got[1024];
	KB_CHECK_INT(render_with(got, sizeof got, tpl, "{\"l\": [1,2,3,4,5,6,7,8,9,10]}", &o), KB_ELIMIT);
	KB_CHECK(strstr(got, "mere end 100000 gange") != NULL);
	/* the same template over a short list stays under the cap */
	KB_CHECK_INT(render_with(got, sizeof got, tpl, "{\"l\": [1]}", &o), 0);
	free(tpl);
}

static int failing_loader(char **out, size_t *len, kb_ctx *ctx, const char *name, void *ud)
{
	(void)out;
	(void)len;
	(void)ud;
	return kb_ctx_fail(ctx, KB_ENOTFOUND, "partials/%s.txt findes ikke", name);
}

static void test_mustache__loader_error_fails_compile_unchanged(void)
{
	kb_mustache_options o = { .load_partial = failing_loader };
	char got[1024];
	KB_CHECK_INT(render_with(got, sizeof got, "a\n{{> klage/ankestyrelsen }}\n", "{}", &o), KB_ENOTFOUND);
	KB_CHECK_STR(got, "partials/klage/ankestyrelsen.txt findes ikke");
}

static void test_mustache__missing_partial_without_loader_renders_nothing(void)
{
	char got[1024];
	KB_CHECK_INT(render_with(got, sizeof got, "a{{>p}}b", "{}", NULL), 0);
	KB_CHECK_STR(got, "ab");
}

static void test_mustache__compiled_once_renders_many(void)
{
	kb_ctx *ctx = NULL;
	kb_mustache *m = NULL;
	const char *src = "Kære {{navn}}\n{{#afslag}}\nDu får afslag.\n{{/afslag}}\n"
	                  "{{^afslag}}\nDu får hjælp.\n{{/afslag}}\n";
	KB_CHECK_INT(kb_ctx_new(&ctx), 0);
	KB_CHECK_INT(kb_mustache_compile(&m, ctx, src, strlen(src), "brev.txt", NULL), 0);
	json_t *a = json_pack("{s:s, s:b}", "navn", "Jens", "afslag", 1);
	json_t *b = json_pack("{s:s, s:b}", "navn", "Åse & Bo", "afslag", 0);
	char *ta = NULL, *tb = NULL;
	KB_CHECK_INT(kb_mustache_render(&ta, NULL, ctx, m, a), 0);
	KB_CHECK_INT(kb_mustache_render(&tb, NULL, ctx, m, b), 0);
	KB_CHECK_STR(ta, "Kære Jens\nDu får afslag.\n");
	KB_CHECK_STR(tb, "Kære Åse &amp; Bo\nDu får hjælp.\n");
	free(ta);
	free(tb);
	json_decref(a);
	json_decref(b);
	kb_mustache_free(m);
	kb_ctx_free(ctx);
}

static void test_mustache__no_escape_and_initial_delimiters(void)
{
	kb_mustache_options o = { .open = "{", .close = "}", .no_escape = 1 };
	char got[1024];
	KB_CHECK_INT(render_with(got, sizeof got, "{#l}<{.}>{/l} {&y} {{y}}", "{\"l\": [\"a&b\"], \"y\": \"\\\"\"}", &o),
	             0);
	KB_CHECK_STR(got, "<a&b> \" \"");
}

static void test_mustache__nested_standalone_partials_indent_every_line(void)
{
	static const char *const partials[] = { "outer", "o1\n  {{>inner}}\no2\n", "inner", "i1\ni2\n", NULL };
	kb_mustache_options o = { .load_partial = load_from_list, .ud = (void *)partials };
	char got[1024];
	KB_CHECK_INT(render_with(got, sizeof got, "top\r\n  {{>outer}}\r\nend", "{}", &o), 0);
	KB_CHECK_STR(got, "top\r\n  o1\n    i1\n    i2\n  o2\nend");
}

KB_TESTS(KB_TEST(test_mustache__mismatched_close_names_both_tags_and_line),
         KB_TEST(test_mustache__unclosed_section_says_what_to_add),
         KB_TEST(test_mustache__close_without_open_is_an_error), KB_TEST(test_mustache__unclosed_tag_is_an_error),
         KB_TEST(test_mustache__bad_set_delimiters_are_an_error),
         KB_TEST(test_mustache__object_value_cannot_be_written),
         KB_TEST(test_mustache__nesting_deeper_than_limit_is_refused),
         KB_TEST(test_mustache__endless_partial_recursion_stops),
         KB_TEST(test_mustache__output_over_cap_is_refused), KB_TEST(test_mustache__loops_in_loops_hit_the_step_cap),
         KB_TEST(test_mustache__loader_error_fails_compile_unchanged),
         KB_TEST(test_mustache__missing_partial_without_loader_renders_nothing),
         KB_TEST(test_mustache__compiled_once_renders_many),
         KB_TEST(test_mustache__no_escape_and_initial_delimiters),
         KB_TEST(test_mustache__nested_standalone_partials_indent_every_line))
