/* test_casedata.c -- case data: JSON in, errors with line and column. */
#include "kbtest.h"
#include "letter.h"

#include <string.h>

static int load(kb_ctx *ctx, const char *json, kb_case **c)
{
	return kb_case_load_buffer(c, ctx, json, strlen(json), "sag.json");
}

static void test_casedata__syntax_error_names_line_and_column(void)
{
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	kb_case *c = NULL;
	KB_CHECK_INT(load(ctx, "{\n  \"a\": 1,\n  \"b\": tru\n}", &c), KB_EINPUT);
	KB_CHECK(c == NULL);
	KB_CHECK(strstr(kb_ctx_errmsg(ctx), "sag.json, linje 3, kolonne") != NULL);
	kb_ctx_free(ctx);
}

/* jansson's English ("string or '}' expected near ','") becomes what is wrong, in Danish, with line and column. */
static void test_casedata__syntax_error_is_told_in_danish(void)
{
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	kb_case *c = NULL;
	KB_CHECK_INT(load(ctx, "{\n  \"a\": 1,\n  \"b\": 2,\n}", &c), KB_EINPUT);
	KB_CHECK_STR(kb_ctx_errmsg(ctx), "sag.json, linje 4, kolonne 1: sagen er ikke gyldig JSON: her skulle stå et "
	                                 "feltnavn i anførselstegn eller en }; står der et komma efter det sidste felt i "
	                                 "en gruppe, så slet det (ved »}«)");
	KB_CHECK_INT(load(ctx, "{\"a\": 1 \"b\": 2}", &c), KB_EINPUT);
	KB_CHECK(strstr(kb_ctx_errmsg(ctx), "linje 1, kolonne 11: sagen er ikke gyldig JSON: her mangler et komma mellem "
	                                    "to felter") != NULL);
	KB_CHECK_INT(load(ctx, "{\"a\": ja}", &c), KB_EINPUT);
	KB_CHECK(strstr(kb_ctx_errmsg(ctx), "true, false og null skrives med små bogstaver (ved »ja«)") != NULL);
	KB_CHECK(strstr(kb_ctx_errmsg(ctx), "expected") == NULL && strstr(kb_ctx_errmsg(ctx), "near") == NULL);
	kb_ctx_free(ctx);
}

static void test_casedata__top_level_must_be_an_object(void)
{
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	kb_case *c = NULL;
	KB_CHECK_INT(load(ctx, "[1, 2]", &c), KB_EINPUT);
	KB_CHECK(strstr(kb_ctx_errmsg(ctx), "JSON-objekt") != NULL);
	kb_ctx_free(ctx);
}

static void test_casedata__duplicate_keys_are_refused(void)
{
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	kb_case *c = NULL;
	KB_CHECK_INT(load(ctx, "{\"a\": 1, \"a\": 2}", &c), KB_EINPUT);
	KB_CHECK(strstr(kb_ctx_errmsg(ctx), "linje 1") != NULL);
	kb_ctx_free(ctx);
}

static void test_casedata__invalid_utf8_is_refused(void)
{
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	kb_case *c = NULL;
	KB_CHECK_INT(load(ctx, "{\"navn\": \"J\xe6nsen\"}", &c), KB_EINPUT);
	kb_ctx_free(ctx);
}

static void test_casedata__missing_file_is_not_found(void)
{
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	kb_case *c = NULL;
	KB_CHECK_INT(kb_case_load_file(&c, ctx, "/nonexistent/sag.json"), KB_ENOTFOUND);
	KB_CHECK(strstr(kb_ctx_errmsg(ctx), "/nonexistent/sag.json") != NULL);
	kb_ctx_free(ctx);
}

static void test_casedata__valid_case_loads(void)
{
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	kb_case *c = NULL;
	KB_CHECK_INT(load(ctx, "{\"modtager\": {\"navn\": \"Åse Ørsted\"}}", &c), 0);
	KB_CHECK(c && json_is_object(kb_case_json(c)));
	kb_case_free(c);
	kb_ctx_free(ctx);
}

KB_TESTS(KB_TEST(test_casedata__syntax_error_names_line_and_column), KB_TEST(test_casedata__syntax_error_is_told_in_danish), KB_TEST(test_casedata__top_level_must_be_an_object),
         KB_TEST(test_casedata__duplicate_keys_are_refused), KB_TEST(test_casedata__invalid_utf8_is_refused),
         KB_TEST(test_casedata__missing_file_is_not_found), KB_TEST(test_casedata__valid_case_loads))
