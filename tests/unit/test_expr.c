/* test_expr.c -- tag expressions: parsing (curly quotes, bare arguments, syntax errors), Mustache name resolution on
 * the context stack, value text and truthiness, and every formatter with good and bad input. */
#include "kbtest.h"
#include "expr.h"

#include <jansson.h>

/* Parses src and evaluates it against the case data_json. got holds the value's text, "(mangler)" when the value is
 * missing, or the message when parsing or evaluation failed. Returns the error code. */
static int eval_with(char *got, size_t cap, const char *src, const char *data_json)
{
	kb_ctx *ctx = NULL;
	kb_expr e = {0};
	kb_scope s = {0};
	json_t *v = NULL;
	json_t *data = json_loads(data_json, JSON_DECODE_ANY, NULL);
	int rc = kb_ctx_new(&ctx);
	if (!rc)
		rc = kb_scope_push(&s, data);
	if (!rc)
		rc = kb_expr_parse(&e, ctx, src, strlen(src));
	if (!rc)
		rc = kb_expr_eval(&v, ctx, &e, &s);
	if (rc) {
		snprintf(got, cap, "%s", kb_ctx_errmsg(ctx));
	} else if (!v) {
		snprintf(got, cap, "(mangler)");
	} else {
		char *text = kb_value_text(v);
		snprintf(got, cap, "%s", text ? text : "(ingen tekst)");
		free(text);
	}
	json_decref(v);
	kb_expr_free(&e);
	kb_scope_free(&s);
	json_decref(data);
	kb_ctx_free(ctx);
	return rc;
}

/* The value's text, or the message: for checks that do not care which. */
static const char *ev(const char *src, const char *data_json)
{
	static char got[1024];
	eval_with(got, sizeof got, src, data_json);
	return got;
}

/* Evaluates src; returns 1 when the result is JSON true, 0 for false, -1 otherwise. */
static int ev_bool(const char *src, const char *data_json)
{
	kb_expr e = {0};
	kb_scope s = {0};
	json_t *v = NULL;
	json_t *data = json_loads(data_json, JSON_DECODE_ANY, NULL);
	int r = -1;
	if (!kb_scope_push(&s, data) && !kb_expr_parse(&e, NULL, src, strlen(src)) && !kb_expr_eval(&v, NULL, &e, &s))
		r = json_is_true(v) ? 1 : json_is_false(v) ? 0 : -1;
	json_decref(v);
	kb_expr_free(&e);
	kb_scope_free(&s);
	json_decref(data);
	return r;
}

/* Parses src; returns the code and keeps the message in got. */
static int parse_msg(char *got, size_t cap, const char *src)
{
	kb_ctx *ctx = NULL;
	kb_expr e = {0};
	int rc = kb_ctx_new(&ctx);
	if (!rc)
		rc = kb_expr_parse(&e, ctx, src, strlen(src));
	snprintf(got, cap, "%s", rc ? kb_ctx_errmsg(ctx) : "");
	kb_expr_free(&e);
	kb_ctx_free(ctx);
	return rc;
}

/* ---- parsing ---- */

static void test_expr__parses_path_formatters_and_arguments(void)
{
	const char *src = "  navn | standard \"ikke oplyst\" | store  ";
	kb_expr e = {0};
	KB_CHECK_INT(kb_expr_parse(&e, NULL, src, strlen(src)), 0);
	KB_CHECK_STR(e.path, "navn");
	KB_CHECK_INT(e.nfmts, 2);
	if (e.nfmts == 2) {
		KB_CHECK_STR(e.fmts[0].name, "standard");
		KB_CHECK_INT(e.fmts[0].nargs, 1);
		if (e.fmts[0].nargs == 1)
			KB_CHECK_STR(e.fmts[0].args[0], "ikke oplyst");
		KB_CHECK_STR(e.fmts[1].name, "store");
		KB_CHECK_INT(e.fmts[1].nargs, 0);
	}
	kb_expr_free(&e);
	kb_expr_free(&e); /* freeing twice is harmless: the struct is cleared */
}

static void test_expr__parses_dot_and_utf8_dotted_path_without_spaces(void)
{
	kb_expr e = {0};
	KB_CHECK_INT(kb_expr_parse(&e, NULL, ".", 1), 0);
	KB_CHECK_STR(e.path, ".");
	kb_expr_free(&e);
	const char *src = "modtager.beløb|kr";
	KB_CHECK_INT(kb_expr_parse(&e, NULL, src, strlen(src)), 0);
	KB_CHECK_STR(e.path, "modtager.beløb");
	KB_CHECK_INT(e.nfmts, 1);
	if (e.nfmts == 1)
		KB_CHECK_STR(e.fmts[0].name, "kr");
	kb_expr_free(&e);
}

static void test_expr__curly_quotes_delimit_arguments(void)
{
	/* Word's “…”, „…“, ‘…’, and a family's quotes closing each other loosely */
	const char *src = "udfald | eq “afslag” | standard „ikke oplyst“ | liste ‘eller’ | tal \"2” | x 'a’";
	kb_expr e = {0};
	KB_CHECK_INT(kb_expr_parse(&e, NULL, src, strlen(src)), 0);
	KB_CHECK_INT(e.nfmts, 5);
	if (e.nfmts == 5) {
		KB_CHECK_STR(e.fmts[0].args[0], "afslag");
		KB_CHECK_STR(e.fmts[1].args[0], "ikke oplyst");
		KB_CHECK_STR(e.fmts[2].args[0], "eller");
		KB_CHECK_STR(e.fmts[3].args[0], "2");
		KB_CHECK_STR(e.fmts[4].args[0], "a");
	}
	kb_expr_free(&e);
}

static void test_expr__quotes_of_the_other_family_and_pipes_stay_inside_an_argument(void)
{
	const char *src = "x | standard “Jensen's | Co” | liste 'sagde \"nej\"'";
	kb_expr e = {0};
	KB_CHECK_INT(kb_expr_parse(&e, NULL, src, strlen(src)), 0);
	KB_CHECK_INT(e.nfmts, 2);
	if (e.nfmts == 2) {
		KB_CHECK_STR(e.fmts[0].args[0], "Jensen's | Co");
		KB_CHECK_STR(e.fmts[1].args[0], "sagde \"nej\"");
	}
	kb_expr_free(&e);
}

static void test_expr__bare_arguments_are_allowed(void)
{
	const char *src = "antal | tal 2 | standard ingen";
	kb_expr e = {0};
	KB_CHECK_INT(kb_expr_parse(&e, NULL, src, strlen(src)), 0);
	KB_CHECK_INT(e.nfmts, 2);
	if (e.nfmts == 2) {
		KB_CHECK_INT(e.fmts[0].nargs, 1);
		KB_CHECK_STR(e.fmts[0].args[0], "2");
		KB_CHECK_STR(e.fmts[1].args[0], "ingen");
	}
	kb_expr_free(&e);
	KB_CHECK_STR(ev("n | tal 2", "{\"n\": 3}"), "3,00");
}

static void test_expr__pipe_without_name_is_an_error(void)
{
	char got[1024];
	KB_CHECK_INT(parse_msg(got, sizeof got, "navn |"), KB_EINPUT);
	KB_CHECK(strstr(got, "\"|\" står uden et formateringsnavn efter sig") != NULL);
	KB_CHECK_INT(parse_msg(got, sizeof got, "navn | | store"), KB_EINPUT);
	KB_CHECK(strstr(got, "står uden et formateringsnavn") != NULL);
	KB_CHECK_INT(parse_msg(got, sizeof got, "navn | “x”"), KB_EINPUT);
}

static void test_expr__unclosed_quote_is_an_error(void)
{
	char got[1024];
	KB_CHECK_INT(parse_msg(got, sizeof got, "udfald | eq “afslag"), KB_EINPUT);
	KB_CHECK(strstr(got, "anførselstegnet i \"udfald | eq “afslag\" lukkes ikke") != NULL);
	/* a single quote does not close a double one */
	KB_CHECK_INT(parse_msg(got, sizeof got, "x | standard \"abc'"), KB_EINPUT);
	KB_CHECK(strstr(got, "lukkes ikke") != NULL);
}

static void test_expr__empty_or_malformed_path_is_an_error(void)
{
	char got[1024];
	KB_CHECK_INT(parse_msg(got, sizeof got, "   "), KB_EINPUT);
	KB_CHECK(strstr(got, "intet feltnavn") != NULL);
	KB_CHECK_INT(parse_msg(got, sizeof got, "| kr"), KB_EINPUT);
	KB_CHECK_INT(parse_msg(got, sizeof got, "a..b"), KB_EINPUT);
	KB_CHECK(strstr(got, "tomt led") != NULL);
	KB_CHECK_INT(parse_msg(got, sizeof got, "a."), KB_EINPUT);
	KB_CHECK_INT(parse_msg(got, sizeof got, "fornavn efternavn"), KB_EINPUT);
	KB_CHECK(strstr(got, "\"efternavn\" efter feltnavnet") != NULL);
	KB_CHECK_INT(parse_msg(got, sizeof got, "“navn”"), KB_EINPUT);
	KB_CHECK(strstr(got, "anførselstegn") != NULL);
	KB_CHECK_INT(parse_msg(got, sizeof got, "a\0b"), 0); /* strlen stops at the NUL: "a" */
	kb_expr e = {0};
	KB_CHECK_INT(kb_expr_parse(&e, NULL, "a\0b", 3), KB_EINPUT);
	kb_expr_free(&e);
}

static void test_expr__unknown_formatter_parses_but_fails_evaluation(void)
{
	char got[1024];
	kb_expr e = {0};
	KB_CHECK_INT(kb_expr_parse(&e, NULL, "navn | xyz", 10), 0);
	kb_expr_free(&e);
	KB_CHECK_INT(eval_with(got, sizeof got, "navn | xyz", "{\"navn\": \"a\"}"), KB_EINPUT);
	KB_CHECK(strstr(got, "ukendt formatering \"xyz\"; kendte er: kr, dato, cpr, tal") != NULL);
	/* also when the field is missing: the template is wrong either way */
	KB_CHECK_INT(eval_with(got, sizeof got, "mangler | xyz", "{}"), KB_EINPUT);
}

static void test_expr__format_exists_and_list(void)
{
	KB_CHECK(kb_format_exists("kr"));
	KB_CHECK(kb_format_exists("små"));
	KB_CHECK(kb_format_exists("stort_begyndelsesbogstav"));
	KB_CHECK(!kb_format_exists("sma"));
	KB_CHECK(!kb_format_exists("Kr"));
	KB_CHECK(!kb_format_exists(NULL));
	KB_CHECK(strstr(kb_format_list(), "små") != NULL);
	KB_CHECK(strstr(kb_format_list(), "ikke") != NULL);
}

static void test_expr__wrong_argument_count_is_an_error(void)
{
	char got[1024];
	KB_CHECK_INT(eval_with(got, sizeof got, "b | kr \"x\"", "{\"b\": 1}"), KB_EINPUT);
	KB_CHECK(strstr(got, "formateringen kr tager ingen argumenter, men har fået 1") != NULL);
	KB_CHECK_INT(eval_with(got, sizeof got, "b | standard", "{}"), KB_EINPUT);
	KB_CHECK(strstr(got, "skal have præcis ét argument") != NULL);
	KB_CHECK_INT(eval_with(got, sizeof got, "b | eq", "{\"b\": 1}"), KB_EINPUT);
	KB_CHECK_INT(eval_with(got, sizeof got, "d | dato \"kort\" \"lang\"", "{\"d\": \"2026-01-01\"}"), KB_EINPUT);
	KB_CHECK(strstr(got, "tager højst ét argument") != NULL);
}

/* ---- the context stack ---- */

static void test_expr__scope_resolves_dotted_names_from_the_first_frame_that_has_the_head(void)
{
	json_t *bottom = json_loads("{\"a\": {\"b\": {\"c\": 1}}, \"x\": 2, \"n\": 5}", 0, NULL);
	json_t *top = json_loads("{\"n\": 6}", 0, NULL);
	kb_scope s = {0};
	KB_CHECK(kb_scope_lookup(&s, "a") == NULL); /* empty stack */
	KB_CHECK_INT(kb_scope_push(&s, bottom), 0);
	KB_CHECK_INT(kb_scope_push(&s, top), 0);
	KB_CHECK_INT(json_integer_value(kb_scope_lookup(&s, "a.b.c")), 1);
	KB_CHECK_INT(json_integer_value(kb_scope_lookup(&s, "x")), 2);
	KB_CHECK_INT(json_integer_value(kb_scope_lookup(&s, "n")), 6);
	KB_CHECK(kb_scope_lookup(&s, ".") == top);
	KB_CHECK(kb_scope_lookup(&s, "a.b.c.d") == NULL);
	KB_CHECK(kb_scope_lookup(&s, "y") == NULL);
	kb_scope_pop(&s);
	KB_CHECK_INT(json_integer_value(kb_scope_lookup(&s, "n")), 5);
	kb_scope_free(&s);
	kb_scope_free(&s);
	json_decref(bottom);
	json_decref(top);
}

static void test_expr__scope_broken_chain_does_not_search_lower_frames(void)
{
	/* the spec's "Dotted Names - Context Precedence": {{#a}}{{b.c}}{{/a}} with {"a": {"b": {}}, "b": {"c": "ERROR"}} */
	json_t *data = json_loads("{\"a\": {\"b\": {}}, \"b\": {\"c\": \"ERROR\"}}", 0, NULL);
	kb_scope s = {0};
	KB_CHECK_INT(kb_scope_push(&s, data), 0);
	KB_CHECK_INT(kb_scope_push(&s, json_object_get(data, "a")), 0);
	KB_CHECK(kb_scope_lookup(&s, "b.c") == NULL);
	/* "Broken Chains": a.b.c where a has no b */
	json_t *d2 = json_loads("{\"a\": {}}", 0, NULL);
	kb_scope s2 = {0};
	KB_CHECK_INT(kb_scope_push(&s2, d2), 0);
	KB_CHECK(kb_scope_lookup(&s2, "a.b.c") == NULL);
	/* a name holding null is found (and stops the search), it is not missing */
	json_t *nul = json_loads("{\"x\": null}", 0, NULL);
	json_t *low = json_loads("{\"x\": 1}", 0, NULL);
	kb_scope s3 = {0};
	KB_CHECK_INT(kb_scope_push(&s3, low), 0);
	KB_CHECK_INT(kb_scope_push(&s3, nul), 0);
	KB_CHECK(json_is_null(kb_scope_lookup(&s3, "x")));
	kb_scope_free(&s);
	kb_scope_free(&s2);
	kb_scope_free(&s3);
	json_decref(data);
	json_decref(d2);
	json_decref(nul);
	json_decref(low);
}

static void test_expr__scope_skips_frames_that_are_not_objects(void)
{
	/* inside {{#list}} over strings, the top frame is a string: names come from the frames below */
	json_t *data = json_loads("{\"list\": [\"a\"], \"navn\": \"Ib\"}", 0, NULL);
	kb_scope s = {0};
	KB_CHECK_INT(kb_scope_push(&s, data), 0);
	KB_CHECK_INT(kb_scope_push(&s, json_array_get(json_object_get(data, "list"), 0)), 0);
	KB_CHECK_STR(json_string_value(kb_scope_lookup(&s, "navn")), "Ib");
	KB_CHECK_STR(json_string_value(kb_scope_lookup(&s, ".")), "a");
	kb_scope_free(&s);
	json_decref(data);
}

static void test_expr__missing_field_evaluates_to_null_without_error(void)
{
	KB_CHECK_STR(ev("mangler", "{}"), "(mangler)");
	KB_CHECK_STR(ev("a.b", "{\"a\": 1}"), "(mangler)");
	/* formatters other than standard, eq and ikke pass "missing" on for the caller to report */
	KB_CHECK_STR(ev("mangler | kr", "{}"), "(mangler)");
	KB_CHECK_STR(ev("mangler | dato \"kort\" | store", "{}"), "(mangler)");
	KB_CHECK_STR(ev("mangler | liste", "{}"), "(mangler)");
}

/* ---- values ---- */

static void test_expr__value_text_and_truthiness(void)
{
	json_t *v = json_loads("[\"æ\", 12, 1.21, 3.0, true, false, null, {}, [], \"\", 0]", 0, NULL);
	const char *want[] = {"æ", "12", "1.21", "3", "ja", "nej", "", NULL, NULL, "", "0"};
	const int truthy[] = {1, 1, 1, 1, 1, 0, 0, 1, 0, 0, 1};
	for (size_t i = 0; i < 11; i++) {
		char *t = kb_value_text(json_array_get(v, i));
		if (want[i])
			KB_CHECK_STR(t, want[i]);
		else
			KB_CHECK(t == NULL);
		free(t);
		KB_CHECK_INT(kb_value_truthy(json_array_get(v, i)), truthy[i]);
	}
	KB_CHECK_INT(kb_value_truthy(NULL), 0);
	KB_CHECK(kb_value_text(NULL) == NULL);
	json_decref(v);
}

/* ---- formatters ---- */

static void test_expr__kr_formats_danish_amounts(void)
{
	KB_CHECK_STR(ev("b | kr", "{\"b\": 12345}"), "12.345,00 kr.");
	KB_CHECK_STR(ev("b | kr", "{\"b\": 12345.5}"), "12.345,50 kr.");
	KB_CHECK_STR(ev("b | kr", "{\"b\": \"12345.5\"}"), "12.345,50 kr.");
	KB_CHECK_STR(ev("b | kr", "{\"b\": \"12345,50\"}"), "12.345,50 kr.");
	KB_CHECK_STR(ev("b | kr", "{\"b\": \"12.345,50\"}"), "12.345,50 kr.");
	KB_CHECK_STR(ev("b | kr", "{\"b\": \"1.234.567\"}"), "1.234.567,00 kr.");
	KB_CHECK_STR(ev("b | kr", "{\"b\": 0}"), "0,00 kr.");
	KB_CHECK_STR(ev("b | kr", "{\"b\": 999}"), "999,00 kr.");
	KB_CHECK_STR(ev("b | kr", "{\"b\": 1000000}"), "1.000.000,00 kr.");
	KB_CHECK_STR(ev("b | kr", "{\"b\": \" 0,5 \"}"), "0,50 kr.");
}

static void test_expr__kr_negative_and_rounding(void)
{
	KB_CHECK_STR(ev("b | kr", "{\"b\": -1234}"), "-1.234,00 kr.");
	KB_CHECK_STR(ev("b | kr", "{\"b\": \"-1234,5\"}"), "-1.234,50 kr.");
	KB_CHECK_STR(ev("b | kr", "{\"b\": -0.001}"), "0,00 kr."); /* no "-0,00" */
	KB_CHECK_STR(ev("b | kr", "{\"b\": \"999,995\"}"), "1.000,00 kr.");
	KB_CHECK_STR(ev("b | kr", "{\"b\": \"0,004\"}"), "0,00 kr.");
	KB_CHECK_STR(ev("b | kr", "{\"b\": -9223372036854775807}"), "-9.223.372.036.854.775.807,00 kr.");
}

static void test_expr__kr_rejects_what_is_not_an_amount(void)
{
	char got[1024];
	KB_CHECK_INT(eval_with(got, sizeof got, "beløb | kr", "{\"beløb\": \"abc\"}"), KB_EINPUT);
	KB_CHECK_STR(got, "feltet \"beløb\": \"abc\" er ikke et beløb");
	KB_CHECK_INT(eval_with(got, sizeof got, "beløb | kr", "{\"beløb\": true}"), KB_EINPUT);
	KB_CHECK_STR(got, "feltet \"beløb\": true er ikke et beløb");
	KB_CHECK_INT(eval_with(got, sizeof got, "beløb | kr", "{\"beløb\": {\"x\": 1}}"), KB_EINPUT);
	KB_CHECK_STR(got, "feltet \"beløb\": en gruppe af felter er ikke et beløb");
	KB_CHECK_INT(eval_with(got, sizeof got, "beløb | kr", "{\"beløb\": null}"), KB_EINPUT);
	const char *bad[] = {"", "12,", ",5", "1,2,3", "12.34.5", "1.2345,00", "1e5", "12 kr.", "--1", "1,2.3"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		json_t *d = json_pack("{s:s}", "b", bad[i]);
		char *js = json_dumps(d, 0);
		KB_CHECK_INT(eval_with(got, sizeof got, "b | kr", js), KB_EINPUT);
		free(js);
		json_decref(d);
	}
	/* one point and three decimals could be 1234 or 1,234: refuse rather than guess */
	KB_CHECK_INT(eval_with(got, sizeof got, "b | kr", "{\"b\": \"1.234\"}"), KB_EINPUT);
	KB_CHECK(strstr(got, "\"1.234\" kan læses både") != NULL);
	KB_CHECK_INT(eval_with(got, sizeof got, "b | kr", "{\"b\": 1e300}"), KB_EINPUT);
	KB_CHECK(strstr(got, "for stort") != NULL);
}

static void test_expr__dato_formats_danish_dates(void)
{
	KB_CHECK_STR(ev("d | dato", "{\"d\": \"2026-11-28\"}"), "28. november 2026");
	KB_CHECK_STR(ev("d | dato \"lang\"", "{\"d\": \"2026-01-05\"}"), "5. januar 2026");
	KB_CHECK_STR(ev("d | dato “kort”", "{\"d\": \"2026-11-28\"}"), "28.11.2026");
	KB_CHECK_STR(ev("d | dato kort", "{\"d\": \"2026-03-01\"}"), "01.03.2026");
	KB_CHECK_STR(ev("d | dato", "{\"d\": \"2026-11-28T10:00:00Z\"}"), "28. november 2026");
	KB_CHECK_STR(ev("d | dato", "{\"d\": \"2026-05-31T23:30:00-05:00\"}"), "31. maj 2026");
	KB_CHECK_STR(ev("d | dato", "{\"d\": \"2026-12-31\"}"), "31. december 2026");
}

static void test_expr__dato_knows_leap_years(void)
{
	KB_CHECK_STR(ev("d | dato", "{\"d\": \"2024-02-29\"}"), "29. februar 2024");
	KB_CHECK_STR(ev("d | dato", "{\"d\": \"2000-02-29\"}"), "29. februar 2000");
	char got[1024];
	KB_CHECK_INT(eval_with(got, sizeof got, "d | dato", "{\"d\": \"2023-02-29\"}"), KB_EINPUT);
	KB_CHECK_STR(got, "feltet \"d\": \"2023-02-29\" er ikke en dag i kalenderen: februar 2023 har 28 dage");
	KB_CHECK_INT(eval_with(got, sizeof got, "d | dato", "{\"d\": \"1900-02-29\"}"), KB_EINPUT);
	KB_CHECK_INT(eval_with(got, sizeof got, "d | dato", "{\"d\": \"2026-04-31\"}"), KB_EINPUT);
}

static void test_expr__dato_rejects_what_is_not_a_date(void)
{
	char got[1024];
	KB_CHECK_INT(eval_with(got, sizeof got, "dato | dato", "{\"dato\": \"28-11-2026\"}"), KB_EINPUT);
	KB_CHECK(strstr(got, "feltet \"dato\": \"28-11-2026\" er ikke en dato på formen ÅÅÅÅ-MM-DD") == got);
	const char *bad[] = {"2026-13-01", "2026-00-10", "2026-11-00", "2026-1-5", "2026-11-28x", "0000-01-01",
	                     "2026-11-2", "", "20261128", "2026-11-28T", "2026/11/28"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		json_t *d = json_pack("{s:s}", "d", bad[i]);
		char *js = json_dumps(d, 0);
		int rc = eval_with(got, sizeof got, "d | dato", js);
		KB_CHECK_INT(rc, KB_EINPUT);
		free(js);
		json_decref(d);
	}
	KB_CHECK_INT(eval_with(got, sizeof got, "d | dato", "{\"d\": 20261128}"), KB_EINPUT);
	KB_CHECK(strstr(got, "feltet \"d\": 20261128 er ikke en dato på formen ÅÅÅÅ-MM-DD") == got);
	KB_CHECK_INT(eval_with(got, sizeof got, "d | dato \"mellem\"", "{\"d\": \"2026-11-28\"}"), KB_EINPUT);
	KB_CHECK(strstr(got, "kender ikke \"mellem\"") != NULL);
	/* a wrong argument is the template's mistake: reported even when the field is missing */
	KB_CHECK_INT(eval_with(got, sizeof got, "d | dato \"mellem\"", "{}"), KB_EINPUT);
}

/* The manifest's date type offers "28. november 2026"; the formatter reads what the manifest lets through. */
static void test_expr__dato_reads_a_date_already_written_out(void)
{
	KB_CHECK_STR(ev("d | dato", "{\"d\": \"28. november 2026\"}"), "28. november 2026");
	KB_CHECK_STR(ev("d | dato \"kort\"", "{\"d\": \"1. Marts 2027\"}"), "01.03.2027");
	char got[1024];
	KB_CHECK_INT(eval_with(got, sizeof got, "d | dato", "{\"d\": \"31. april 2026\"}"), KB_EINPUT);
	KB_CHECK_STR(got, "feltet \"d\": \"31. april 2026\" er ikke en dag i kalenderen: april 2026 har 30 dage");
}

/* A date in the right form that is no day says so, instead of asking for the form it has. */
static void test_expr__dato_says_the_day_does_not_exist(void)
{
	char got[1024];
	KB_CHECK_INT(eval_with(got, sizeof got, "d | dato", "{\"d\": \"2026-02-30\"}"), KB_EINPUT);
	KB_CHECK_STR(got, "feltet \"d\": \"2026-02-30\" er ikke en dag i kalenderen: februar 2026 har 28 dage");
	KB_CHECK_INT(eval_with(got, sizeof got, "d | dato", "{\"d\": \"2026-13-01\"}"), KB_EINPUT);
	KB_CHECK_STR(got, "feltet \"d\": \"2026-13-01\" er ikke en dag i kalenderen: der er ingen måned 13");
}

static void test_expr__cpr_masks_the_last_four_digits(void)
{
	KB_CHECK_STR(ev("c | cpr", "{\"c\": \"0101901234\"}"), "010190-xxxx");
	KB_CHECK_STR(ev("c | cpr", "{\"c\": \"010190-1234\"}"), "010190-xxxx");
	KB_CHECK_STR(ev("c | cpr", "{\"c\": \"010190 1234\"}"), "010190-xxxx");
}

static void test_expr__cpr_rejects_others_without_repeating_them(void)
{
	char got[1024];
	const char *bad[] = {"010190123", "01019012345", "010190_1234", "3201901234", "0113901234", "01019x1234",
	                     "010190-123a", ""};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		json_t *d = json_pack("{s:s}", "cpr", bad[i]);
		char *js = json_dumps(d, 0);
		KB_CHECK_INT(eval_with(got, sizeof got, "cpr | cpr", js), KB_EINPUT);
		KB_CHECK(strstr(got, "feltet \"cpr\" er ikke et CPR-nummer") != NULL);
		KB_CHECK(!bad[i][0] || strstr(got, bad[i]) == NULL);
		free(js);
		json_decref(d);
	}
	KB_CHECK_INT(eval_with(got, sizeof got, "cpr | cpr", "{\"cpr\": 101901234}"), KB_EINPUT);
	KB_CHECK(strstr(got, "ikke et CPR-nummer") != NULL);
}

static void test_expr__tal_formats_danish_numbers(void)
{
	KB_CHECK_STR(ev("n | tal", "{\"n\": 12345}"), "12.345");
	KB_CHECK_STR(ev("n | tal", "{\"n\": -1234567}"), "-1.234.567");
	KB_CHECK_STR(ev("n | tal", "{\"n\": 1234.5}"), "1.234,5");
	KB_CHECK_STR(ev("n | tal", "{\"n\": 3.0}"), "3");
	KB_CHECK_STR(ev("n | tal", "{\"n\": 0.30000000000000004}"), "0,3");
	KB_CHECK_STR(ev("n | tal", "{\"n\": 0.125}"), "0,125");
	KB_CHECK_STR(ev("n | tal", "{\"n\": \"12345,50\"}"), "12.345,50");
	KB_CHECK_STR(ev("n | tal \"2\"", "{\"n\": 3}"), "3,00");
	KB_CHECK_STR(ev("n | tal “2”", "{\"n\": \"2,345\"}"), "2,35");
	KB_CHECK_STR(ev("n | tal \"0\"", "{\"n\": 2.5}"), "3");
	KB_CHECK_STR(ev("n | tal \"1\"", "{\"n\": -0.04}"), "0,0");
}

static void test_expr__tal_rejects_bad_values_and_arguments(void)
{
	char got[1024];
	KB_CHECK_INT(eval_with(got, sizeof got, "antal | tal", "{\"antal\": \"mange\"}"), KB_EINPUT);
	KB_CHECK_STR(got, "feltet \"antal\": \"mange\" er ikke et tal");
	KB_CHECK_INT(eval_with(got, sizeof got, "antal | tal", "{\"antal\": [1]}"), KB_EINPUT);
	KB_CHECK_INT(eval_with(got, sizeof got, "antal | tal \"x\"", "{\"antal\": 1}"), KB_EINPUT);
	KB_CHECK(strstr(got, "antal decimaler fra 0 til 10") != NULL);
	KB_CHECK_INT(eval_with(got, sizeof got, "antal | tal \"11\"", "{\"antal\": 1}"), KB_EINPUT);
	KB_CHECK_INT(eval_with(got, sizeof got, "antal | tal \"-1\"", "{\"antal\": 1}"), KB_EINPUT);
	KB_CHECK_INT(eval_with(got, sizeof got, "antal | tal \"\"", "{\"antal\": 1}"), KB_EINPUT);
	KB_CHECK_INT(eval_with(got, sizeof got, "antal | tal \"x\"", "{}"), KB_EINPUT);
}

static void test_expr__store_and_smaa_handle_danish_letters(void)
{
	KB_CHECK_STR(ev("x | store", "{\"x\": \"æblegrød på øen\"}"), "ÆBLEGRØD PÅ ØEN");
	KB_CHECK_STR(ev("x | små", "{\"x\": \"ÆØÅ Ærø\"}"), "æøå ærø");
	KB_CHECK_STR(ev("x | store", "{\"x\": 12}"), "12");
	KB_CHECK_STR(ev("x | store", "{\"x\": \"\"}"), "");
	char got[1024];
	KB_CHECK_INT(eval_with(got, sizeof got, "x | små", "{\"x\": [\"a\"]}"), KB_EINPUT);
	KB_CHECK_STR(got, "feltet \"x\": en liste kan ikke skrives som tekst; brug en sektion");
}

static void test_expr__stort_begyndelsesbogstav_capitalizes_the_first_letter(void)
{
	KB_CHECK_STR(ev("x | stort_begyndelsesbogstav", "{\"x\": \"øjvind er her\"}"), "Øjvind er her");
	KB_CHECK_STR(ev("x | stort_begyndelsesbogstav", "{\"x\": \"åse\"}"), "Åse");
	KB_CHECK_STR(ev("x | stort_begyndelsesbogstav", "{\"x\": \"«åen»\"}"), "«Åen»");
	KB_CHECK_STR(ev("x | stort_begyndelsesbogstav", "{\"x\": \"3 æbler\"}"), "3 æbler");
	KB_CHECK_STR(ev("x | stort_begyndelsesbogstav", "{\"x\": \"ALLEREDE\"}"), "ALLEREDE");
	KB_CHECK_STR(ev("x | stort_begyndelsesbogstav", "{\"x\": \"\"}"), "");
	KB_CHECK_STR(ev("x | små | stort_begyndelsesbogstav", "{\"x\": \"AFSLAG\"}"), "Afslag");
}

static void test_expr__standard_fills_missing_null_and_empty(void)
{
	KB_CHECK_STR(ev("navn | standard \"ikke oplyst\"", "{}"), "ikke oplyst");
	KB_CHECK_STR(ev("navn | standard \"ikke oplyst\"", "{\"navn\": null}"), "ikke oplyst");
	KB_CHECK_STR(ev("navn | standard “ikke oplyst”", "{\"navn\": \"\"}"), "ikke oplyst");
	KB_CHECK_STR(ev("navn | standard \"ikke oplyst\"", "{\"navn\": \"Ib\"}"), "Ib");
	KB_CHECK_STR(ev("navn | standard \"x\"", "{\"navn\": 0}"), "0");
	KB_CHECK_STR(ev("a.b | standard \"ukendt\" | store", "{}"), "UKENDT");
	KB_CHECK_STR(ev("b | standard \"0\" | kr", "{}"), "0,00 kr.");
}

static void test_expr__liste_joins_with_commas_and_a_conjunction(void)
{
	KB_CHECK_STR(ev("l | liste", "{\"l\": [\"a\", \"b\", \"c\"]}"), "a, b og c");
	KB_CHECK_STR(ev("l | liste", "{\"l\": [\"a\", \"b\"]}"), "a og b");
	KB_CHECK_STR(ev("l | liste", "{\"l\": [\"a\"]}"), "a");
	KB_CHECK_STR(ev("l | liste", "{\"l\": []}"), "");
	KB_CHECK_STR(ev("l | liste \"eller\"", "{\"l\": [\"a\", \"b\", \"c\"]}"), "a, b eller c");
	KB_CHECK_STR(ev("l | liste", "{\"l\": [1, 2.5, \"x\", true]}"), "1, 2.5, x og ja");
	KB_CHECK_STR(ev("l | liste", "{\"l\": [\"a\", \"\", null, \"b\"]}"), "a og b");
	KB_CHECK_STR(ev("l | liste", "{\"l\": \"bare tekst\"}"), "bare tekst");
	KB_CHECK_STR(ev("l | liste", "{\"l\": 7}"), "7");
	KB_CHECK_STR(ev("l | liste | store", "{\"l\": [\"æg\", \"øl\"]}"), "ÆG OG ØL");
}

static void test_expr__liste_rejects_lists_of_objects(void)
{
	char got[1024];
	KB_CHECK_INT(eval_with(got, sizeof got, "l | liste", "{\"l\": [\"a\", {\"navn\": \"b\"}]}"), KB_EINPUT);
	KB_CHECK(strstr(got, "feltet \"l\": en liste indeholder en gruppe af felter (nr. 2)") != NULL);
	KB_CHECK_INT(eval_with(got, sizeof got, "l | liste", "{\"l\": {\"a\": 1}}"), KB_EINPUT);
	KB_CHECK_INT(eval_with(got, sizeof got, "l | liste", "{\"l\": [[1]]}"), KB_EINPUT);
}

static void test_expr__eq_compares_text(void)
{
	KB_CHECK_INT(ev_bool("udfald | eq “afslag”", "{\"udfald\": \"afslag\"}"), 1);
	KB_CHECK_INT(ev_bool("udfald | eq \"afslag\"", "{\"udfald\": \"bevilling\"}"), 0);
	KB_CHECK_INT(ev_bool("n | eq \"3\"", "{\"n\": 3}"), 1);
	KB_CHECK_INT(ev_bool("n | eq \"3\"", "{\"n\": 3.0}"), 1);
	KB_CHECK_INT(ev_bool("n | eq 3", "{\"n\": \"3\"}"), 1);
	KB_CHECK_INT(ev_bool("b | eq \"ja\"", "{\"b\": true}"), 1);
	KB_CHECK_INT(ev_bool("o | eq \"\"", "{\"o\": {}}"), 0);
	KB_CHECK_INT(ev_bool("mangler | eq \"afslag\"", "{}"), 0);
	KB_CHECK_INT(ev_bool("mangler | eq \"afslag\" | ikke", "{}"), 1);
}

static void test_expr__ikke_negates_truthiness(void)
{
	KB_CHECK_INT(ev_bool("mangler | ikke", "{}"), 1);
	KB_CHECK_INT(ev_bool("x | ikke", "{\"x\": \"\"}"), 1);
	KB_CHECK_INT(ev_bool("x | ikke", "{\"x\": []}"), 1);
	KB_CHECK_INT(ev_bool("x | ikke", "{\"x\": false}"), 1);
	KB_CHECK_INT(ev_bool("x | ikke", "{\"x\": \"ja\"}"), 0);
	KB_CHECK_INT(ev_bool("x | ikke", "{\"x\": 0}"), 0);
	KB_CHECK_INT(ev_bool("x | ikke | ikke", "{\"x\": [1]}"), 1);
}

static void test_expr__dot_path_formats_the_current_item(void)
{
	KB_CHECK_STR(ev(". | kr", "1500"), "1.500,00 kr.");
	KB_CHECK_STR(ev(".", "\"tekst\""), "tekst");
}

KB_TESTS(KB_TEST(test_expr__parses_path_formatters_and_arguments),
         KB_TEST(test_expr__parses_dot_and_utf8_dotted_path_without_spaces),
         KB_TEST(test_expr__curly_quotes_delimit_arguments),
         KB_TEST(test_expr__quotes_of_the_other_family_and_pipes_stay_inside_an_argument),
         KB_TEST(test_expr__bare_arguments_are_allowed), KB_TEST(test_expr__pipe_without_name_is_an_error),
         KB_TEST(test_expr__unclosed_quote_is_an_error), KB_TEST(test_expr__empty_or_malformed_path_is_an_error),
         KB_TEST(test_expr__unknown_formatter_parses_but_fails_evaluation),
         KB_TEST(test_expr__format_exists_and_list), KB_TEST(test_expr__wrong_argument_count_is_an_error),
         KB_TEST(test_expr__scope_resolves_dotted_names_from_the_first_frame_that_has_the_head),
         KB_TEST(test_expr__scope_broken_chain_does_not_search_lower_frames),
         KB_TEST(test_expr__scope_skips_frames_that_are_not_objects),
         KB_TEST(test_expr__missing_field_evaluates_to_null_without_error),
         KB_TEST(test_expr__value_text_and_truthiness), KB_TEST(test_expr__kr_formats_danish_amounts),
         KB_TEST(test_expr__kr_negative_and_rounding), KB_TEST(test_expr__kr_rejects_what_is_not_an_amount),
         KB_TEST(test_expr__dato_formats_danish_dates), KB_TEST(test_expr__dato_knows_leap_years),
         KB_TEST(test_expr__dato_rejects_what_is_not_a_date),
         KB_TEST(test_expr__dato_reads_a_date_already_written_out), KB_TEST(test_expr__dato_says_the_day_does_not_exist), KB_TEST(test_expr__cpr_masks_the_last_four_digits),
         KB_TEST(test_expr__cpr_rejects_others_without_repeating_them),
         KB_TEST(test_expr__tal_formats_danish_numbers), KB_TEST(test_expr__tal_rejects_bad_values_and_arguments),
         KB_TEST(test_expr__store_and_smaa_handle_danish_letters),
         KB_TEST(test_expr__stort_begyndelsesbogstav_capitalizes_the_first_letter),
         KB_TEST(test_expr__standard_fills_missing_null_and_empty),
         KB_TEST(test_expr__liste_joins_with_commas_and_a_conjunction),
         KB_TEST(test_expr__liste_rejects_lists_of_objects), KB_TEST(test_expr__eq_compares_text),
         KB_TEST(test_expr__ikke_negates_truthiness), KB_TEST(test_expr__dot_path_formats_the_current_item))
