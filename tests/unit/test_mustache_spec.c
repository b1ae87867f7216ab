/* test_mustache_spec.c -- every test of the Mustache spec's core modules (the .json files in shared/spec/mustache),
 * run as it is through the plain-text engine; partials come from each test's "partials" object. A failure names the
 * file and the test. */
#include "kbtest.h"
#include "mustache.h"

#include <jansson.h>

#define SPEC_DIR KB_TEST_SHARED_DIR "/spec/mustache"

/* Partials from the test's "partials" object; a name it lacks is missing (renders as nothing). */
static int load_from_object(char **out, size_t *len, kb_ctx *ctx, const char *name, void *ud)
{
	(void)ctx;
	const json_t *s = json_object_get((const json_t *)ud, name);
	*out = NULL;
	*len = 0;
	if (!json_is_string(s))
		return 0;
	*len = json_string_length(s);
	if (!(*out = malloc(*len + 1)))
		return KB_ENOMEM;
	memcpy(*out, json_string_value(s), *len + 1);
	return 0;
}

/* Runs every test in one spec file; returns how many ran, or -1 when the file cannot be read. */
static int run_spec_file(const char *file)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", SPEC_DIR, file);
	json_error_t err;
	json_t *doc = json_load_file(path, 0, &err);
	if (!doc) {
		fprintf(stderr, "  %s: %s (line %d)\n", path, err.text, err.line);
		return -1;
	}
	kb_ctx *ctx = NULL;
	KB_CHECK_INT(kb_ctx_new(&ctx), 0);
	json_t *tests = json_object_get(doc, "tests");
	size_t i;
	json_t *t;
	json_array_foreach(tests, i, t)
	{
		const char *name = json_string_value(json_object_get(t, "name"));
		const json_t *tpl = json_object_get(t, "template");
		const char *want = json_string_value(json_object_get(t, "expected"));
		kb_mustache_options o = { .load_partial = load_from_object, .ud = json_object_get(t, "partials") };
		kb_mustache *m = NULL;
		char *got = NULL;
		size_t got_len = 0;
		int rc = kb_mustache_compile(&m, ctx, json_string_value(tpl), json_string_length(tpl), name, &o);
		if (!rc)
			rc = kb_mustache_render(&got, &got_len, ctx, m, json_object_get(t, "data"));
		if (rc) {
			fprintf(stderr, "  %s: \"%s\": error %d: %s\n", file, name, rc, kb_ctx_errmsg(ctx));
			kbt_failures_in_test++;
		} else if (strlen(want) != got_len || memcmp(got, want, got_len) != 0) {
			fprintf(stderr, "  %s: \"%s\": got \"%s\", want \"%s\"\n", file, name, got, want);
			kbt_failures_in_test++;
		}
		free(got);
		kb_mustache_free(m);
	}
	int n = (int)json_array_size(tests);
	kb_ctx_free(ctx);
	json_decref(doc);
	return n;
}

static void test_mustache_spec__comments(void)
{
	KB_CHECK(run_spec_file("comments.json") > 0);
}

static void test_mustache_spec__delimiters(void)
{
	KB_CHECK(run_spec_file("delimiters.json") > 0);
}

static void test_mustache_spec__interpolation(void)
{
	KB_CHECK(run_spec_file("interpolation.json") > 0);
}

static void test_mustache_spec__inverted(void)
{
	KB_CHECK(run_spec_file("inverted.json") > 0);
}

static void test_mustache_spec__partials(void)
{
	KB_CHECK(run_spec_file("partials.json") > 0);
}

static void test_mustache_spec__sections(void)
{
	KB_CHECK(run_spec_file("sections.json") > 0);
}

KB_TESTS(KB_TEST(test_mustache_spec__comments), KB_TEST(test_mustache_spec__delimiters),
         KB_TEST(test_mustache_spec__interpolation), KB_TEST(test_mustache_spec__inverted),
         KB_TEST(test_mustache_spec__partials), KB_TEST(test_mustache_spec__sections))
