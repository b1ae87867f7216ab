/* test_manifest.c -- the manifest's own check, a case against the manifest, field look-ups and flags. */
#include "kbtest.h"
#include "manifest.h"

#include <jansson.h>
#include <string.h>

/* A manifest with every type, a list with items (one of them a dotted path) and a choice. */
static const char test_manifest[] =
    "{\"title\": \"Test\", \"kind\": \"afslag\", \"outcome_field\": \"udfald\","
    " \"appeal\": {\"body\": \"Ankestyrelsen\", \"via\": \"kommunen\", \"deadline\": \"4 uger\"},"
    " \"delimiters\": \"{{ }}\","
    " \"fields\": {"
    "  \"modtager.navn\": {\"type\": \"name\", \"required\": true, \"personal\": true, \"label\": \"Modtagerens "
    "navn\"},"
    "  \"modtager.adresse\": {\"type\": \"address\", \"required\": true, \"personal\": true},"
    "  \"modtager.cpr\": {\"type\": \"cpr\", \"required\": false, \"personal\": true, \"label\": \"CPR-nummer\"},"
    "  \"sag.dato\": {\"type\": \"date\", \"required\": true, \"label\": \"Brevets dato\"},"
    "  \"sag.nummer\": {\"type\": \"text\", \"required\": true, \"label\": \"Sagsnummer\"},"
    "  \"kommune.navn\": {\"type\": \"name\"},"
    "  \"beløb\": {\"type\": \"amount\", \"label\": \"Beløb\"},"
    "  \"antal\": {\"type\": \"number\"},"
    "  \"enlig\": {\"type\": \"bool\", \"label\": \"Enlig\"},"
    "  \"udfald\": {\"type\": \"choice\", \"required\": true, \"label\": \"Udfald\","
    "              \"values\": [\"afslag\", \"bevilling\", \"delvis bevilling\"]},"
    "  \"ydelser\": {\"type\": \"list\", \"label\": \"Ydelser\", \"items\": {"
    "     \"navn\": {\"type\": \"text\", \"required\": true, \"label\": \"Ydelsens navn\"},"
    "     \"beløb\": {\"type\": \"amount\", \"required\": true, \"label\": \"Beløb\"},"
    "     \"periode.fra\": {\"type\": \"date\"}}},"
    "  \"børn\": {\"type\": \"list\", \"personal\": true, \"items\": {\"navn\": {\"type\": \"text\"}}},"
    "  \"bilag\": {\"type\": \"list\"}"
    " }}";

/* A case that fits test_manifest, with an extra field the manifest does not declare. */
static const char good_case[] =
    "{\"modtager\": {\"navn\": \"Mette Lund\", \"adresse\": \"Kastanjevej 14\\n4470 Søby\", \"cpr\": \"010190-1234\"},"
    " \"sag\": {\"dato\": \"2026-11-28\", \"nummer\": \"2026-048127\"},"
    " \"beløb\": 12345.5, \"antal\": 3, \"enlig\": true, \"udfald\": \"afslag\","
    " \"ydelser\": [{\"navn\": \"Kontanthjælp\", \"beløb\": \"12345.50\", \"periode\": {\"fra\": \"2026-12-01\"}},"
    "               {\"navn\": \"Boligstøtte\", \"beløb\": 800}],"
    " \"bilag\": [\"kontoudtog\"], \"ikke_i_manifestet\": {\"noget\": [1, 2]}}";

static json_t *parse(const char *s)
{
	json_error_t err;
	json_t *j = json_loads(s, JSON_DECODE_ANY, &err);
	if (!j)
		fprintf(stderr, "  bad test JSON: %s: %s\n", s, err.text);
	return j;
}

/* Sets a dotted path in root to v (stolen), creating objects on the way. */
static void set_path(json_t *root, const char *path, json_t *v)
{
	char buf[256];
	snprintf(buf, sizeof buf, "%s", path);
	json_t *obj = root;
	char *p = buf, *dot;
	while ((dot = strchr(p, '.')) != NULL) {
		*dot = '\0';
		json_t *next = json_object_get(obj, p);
		if (!json_is_object(next)) {
			next = json_object();
			json_object_set_new(obj, p, next);
		}
		obj = next;
		p = dot + 1;
	}
	json_object_set_new(obj, p, v);
}

static int has_detail(const kb_ctx *ctx, const char *want)
{
	for (size_t i = 0; i < kb_ctx_detail_count(ctx); i++)
		if (!strcmp(kb_ctx_detail(ctx, i), want))
			return 1;
	fprintf(stderr, "  no detail \"%s\"; the details are:\n", want);
	for (size_t i = 0; i < kb_ctx_detail_count(ctx); i++)
		fprintf(stderr, "    %s\n", kb_ctx_detail(ctx, i));
	return 0;
}

static int detail_containing(const kb_ctx *ctx, const char *part)
{
	for (size_t i = 0; i < kb_ctx_detail_count(ctx); i++)
		if (strstr(kb_ctx_detail(ctx, i), part))
			return 1;
	fprintf(stderr, "  no detail containing \"%s\"\n", part);
	return 0;
}

/* Validates good_case with path set to value (JSON text; NULL removes nothing and sets nothing). */
static int validate_with(kb_ctx *ctx, const char *path, const char *value)
{
	json_t *m = parse(test_manifest), *c = parse(good_case);
	if (path)
		set_path(c, path, parse(value));
	int rc = kb_manifest_validate_case(ctx, m, c, "sag.json");
	json_decref(m);
	json_decref(c);
	return rc;
}

/* ---- the bundled sample ---- */

static void test_manifest__sample_manifest_and_example_are_clean(void)
{
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	json_t *m = NULL;
	KB_CHECK_INT(kb_manifest_load(&m, ctx, KB_TEST_SOURCE_DIR "/templates/afslag-kontanthjaelp/manifest.json"),
	             KB_OK);
	KB_CHECK(m != NULL);
	json_error_t err;
	json_t *c = json_load_file(KB_TEST_SOURCE_DIR "/templates/afslag-kontanthjaelp/example.json", 0, &err);
	KB_CHECK(c != NULL);
	KB_CHECK_INT(kb_manifest_validate_case(ctx, m, c, "example.json"), KB_OK);
	KB_CHECK_INT(kb_ctx_detail_count(ctx), 0);
	/* and an empty case misses every field: the sample declares 14, all required */
	json_t *empty = json_object();
	KB_CHECK_INT(kb_manifest_validate_case(ctx, m, empty, "tom.json"), KB_EDATA);
	KB_CHECK_INT(kb_ctx_detail_count(ctx), 14);
	KB_CHECK_STR(kb_ctx_errmsg(ctx), "tom.json: sagen passer ikke til skabelonen (14 problemer); intet er skrevet");
	KB_CHECK(has_detail(ctx, "feltet \"kommune.navn\" (Kommunens navn) mangler; det skal udfyldes"));
	json_decref(empty);
	json_decref(c);
	json_decref(m);
	kb_ctx_free(ctx);
}

static void test_manifest__cli_test_manifest_is_clean(void)
{
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	json_t *m = NULL;
	KB_CHECK_INT(kb_manifest_load(&m, ctx, KB_TEST_SOURCE_DIR "/tests/cli/data/navn/manifest.json"), KB_OK);
	json_decref(m);
	kb_ctx_free(ctx);
}

static void test_manifest__test_manifest_passes_its_own_check(void)
{
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	json_t *m = parse(test_manifest);
	KB_CHECK_INT(kb_manifest_check(ctx, m, "manifest.json"), KB_OK);
	for (size_t i = 0; i < kb_ctx_detail_count(ctx); i++)
		fprintf(stderr, "    %s\n", kb_ctx_detail(ctx, i));
	json_decref(m);
	kb_ctx_free(ctx);
}

/* ---- the case ---- */

static void test_manifest__good_case_with_extra_fields_is_clean(void)
{
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	KB_CHECK_INT(validate_with(ctx, NULL, NULL), KB_OK);
	KB_CHECK_INT(kb_ctx_detail_count(ctx), 0);
	kb_ctx_free(ctx);
}

static const struct {
	const char *path, *value;
	int ok;
} type_cases[] = {
    {"sag.nummer", "\"2026-1\"", 1},
    {"sag.nummer", "2026", 0},
    {"modtager.navn", "\"Mette\"", 1},
    {"modtager.navn", "[\"Mette\"]", 0},
    {"modtager.adresse", "{\"vej\": \"x\"}", 0},
    {"kommune.navn", "\"Søby Kommune\"", 1},
    {"kommune.navn", "false", 0},
    {"modtager.cpr", "\"0101901234\"", 1},
    {"modtager.cpr", "\"311299-0000\"", 1},
    {"modtager.cpr", "\"010190 1234\"", 0},
    {"modtager.cpr", "\"3201901234\"", 0},
    {"modtager.cpr", "\"0113901234\"", 0},
    {"modtager.cpr", "\"0001901234\"", 0},
    {"modtager.cpr", "\"01019012345\"", 0},
    {"modtager.cpr", "\"01019-01234\"", 0},
    {"modtager.cpr", "\"010190-xxxx\"", 0},
    {"modtager.cpr", "101901234", 0},
    {"sag.dato", "\"2026-11-28\"", 1},
    {"sag.dato", "\"2024-02-29\"", 1},
    {"sag.dato", "\"2026-11-28T10:15\"", 1},
    {"sag.dato", "\"2026-11-28T10:15:00Z\"", 1},
    {"sag.dato", "\"2026-11-28 10:15:00.123+01:00\"", 1},
    {"sag.dato", "\"28. november 2026\"", 1},
    {"sag.dato", "\"1. marts 2027\"", 1},
    {"sag.dato", "\"29. februar 2024\"", 1},
    {"sag.dato", "\"29. februar 2026\"", 0},
    {"sag.dato", "\"2026-02-29\"", 0},
    {"sag.dato", "\"2026-13-01\"", 0},
    {"sag.dato", "\"2026-11-00\"", 0},
    {"sag.dato", "\"2026-11-28T24:00\"", 0},
    {"sag.dato", "\"2026-11-28x\"", 0},
    {"sag.dato", "\"28/11/2026\"", 0},
    {"sag.dato", "\"28.11.2026\"", 0},
    {"sag.dato", "\"28. novembre 2026\"", 0},
    {"sag.dato", "\"32. maj 2026\"", 0},
    {"sag.dato", "\"28. november 26\"", 0},
    {"sag.dato", "20261128", 0},
    {"beløb", "12345.5", 1},
    {"beløb", "100", 1},
    {"beløb", "\"12345.50\"", 1},
    {"beløb", "\"-3\"", 1},
    {"beløb", "null", 1}, /* optional and absent */
    {"beløb", "\"\"", 1}, /* optional and empty */
    {"beløb", "\"12.345,50\"", 0},
    {"beløb", "\"12345.\"", 0},
    {"beløb", "\"kr. 100\"", 0},
    {"beløb", "true", 0},
    {"antal", "3", 1},
    {"antal", "\"3\"", 1},
    {"antal", "\"tre\"", 0},
    {"enlig", "true", 1},
    {"enlig", "false", 1},
    {"enlig", "\"ja\"", 0},
    {"enlig", "1", 0},
    {"udfald", "\"bevilling\"", 1},
    {"udfald", "\"delvis bevilling\"", 1},
    {"udfald", "\"Afslag\"", 0},
    {"udfald", "3", 0},
    {"ydelser", "[]", 1},
    {"ydelser", "{}", 0},
    {"bilag", "[1, \"x\", {}]", 1},
    {"bilag", "\"kontoudtog\"", 0},
};

static void test_manifest__each_type_right_and_wrong(void)
{
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	for (size_t i = 0; i < sizeof type_cases / sizeof type_cases[0]; i++) {
		int rc = validate_with(ctx, type_cases[i].path, type_cases[i].value);
		if (rc != (type_cases[i].ok ? KB_OK : KB_EDATA) ||
		    kb_ctx_detail_count(ctx) != (type_cases[i].ok ? 0u : 1u)) {
			fprintf(stderr, "  %s = %s: rc %d, %zu details, want %s\n", type_cases[i].path,
			        type_cases[i].value, rc, kb_ctx_detail_count(ctx),
			        type_cases[i].ok ? "ok" : "one problem");
			kbt_failures_in_test++;
		}
	}
	kb_ctx_free(ctx);
}

/* "2026-02-30" has the form ÅÅÅÅ-MM-DD; the message says what is wrong with it: there is no such day. */
static void test_manifest__a_date_that_is_no_day_is_told_so(void)
{
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	KB_CHECK_INT(validate_with(ctx, "sag.dato", "\"2026-02-30\""), KB_EDATA);
	KB_CHECK(has_detail(ctx, "feltet \"sag.dato\" (Brevets dato) skal være en dato, men \"2026-02-30\" er ikke en "
	                         "dag i kalenderen: februar 2026 har 28 dage"));
	kb_ctx_free(ctx);
}

static void test_manifest__required_missing_null_and_empty_are_missing(void)
{
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	KB_CHECK_INT(validate_with(ctx, "sag.nummer", "null"), KB_EDATA);
	KB_CHECK(has_detail(ctx, "feltet \"sag.nummer\" (Sagsnummer) mangler; det skal udfyldes"));
	KB_CHECK_STR(kb_ctx_errmsg(ctx), "sag.json: sagen passer ikke til skabelonen (1 problem); intet er skrevet");
	KB_CHECK_INT(validate_with(ctx, "sag.nummer", "\"\""), KB_EDATA);
	KB_CHECK(has_detail(ctx, "feltet \"sag.nummer\" (Sagsnummer) mangler; det skal udfyldes"));

	json_t *m = parse(test_manifest), *c = parse(good_case);
	json_object_del(json_object_get(c, "modtager"), "adresse");
	KB_CHECK_INT(kb_manifest_validate_case(ctx, m, c, "sag.json"), KB_EDATA);
	KB_CHECK_INT(kb_ctx_detail_count(ctx), 1);
	KB_CHECK(has_detail(ctx, "feltet \"modtager.adresse\" mangler; det skal udfyldes")); /* no label */
	json_decref(c);
	json_decref(m);
	kb_ctx_free(ctx);
}

/* An optional group given as a list of copies of itself (the shape template fields once wrote) is not a way
 * around the type checks: {{#tillaeg}}{{beløb | kr}}{{/tillaeg}} would print "12.500,00 kr." unchecked. */
static void test_manifest__optional_group_in_an_undeclared_shape_is_a_case_error(void)
{
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	json_t *m = parse("{\"title\": \"x\", \"fields\": {\"tillaeg.beløb\": {\"type\": \"amount\"},"
	                  " \"tillaeg.tekst\": {\"type\": \"text\"}, \"enlig\": {\"type\": \"bool\"}}}");
	json_t *c = parse("{\"tillaeg\": [{\"tillaeg\": {\"beløb\": \"12.500,00\"}, \"beløb\": \"12.500,00\"}], "
	                  "\"enlig\": [{}]}");
	KB_CHECK_INT(kb_manifest_validate_case(ctx, m, c, "sag.json"), KB_EDATA);
	KB_CHECK_INT(kb_ctx_detail_count(ctx), 2); /* the group once, not once per field */
	KB_CHECK(has_detail(ctx, "feltet \"tillaeg\" skal være en gruppe af felter i krøllede parenteser { } (manifestet "
	                         "har \"tillaeg.beløb\"), men er en liste"));
	KB_CHECK(has_detail(ctx, "feltet \"enlig\" skal være true eller false (uden anførselstegn), men er en liste"));
	json_decref(c);
	json_decref(m);
	kb_ctx_free(ctx);
}

/* A mistyped case key is named beside the field it was meant for. */
static void test_manifest__mistyped_case_key_is_suggested_for_the_missing_field(void)
{
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	json_t *m = parse(test_manifest), *c = parse(good_case);
	json_t *mod = json_object_get(c, "modtager");
	json_object_set(mod, "nanv", json_object_get(mod, "navn"));
	json_object_del(mod, "navn");
	json_object_set_new(c, "sagg", json_pack("{s:s}", "x", "y"));
	KB_CHECK_INT(kb_manifest_validate_case(ctx, m, c, "sag.json"), KB_EDATA);
	KB_CHECK(has_detail(ctx, "feltet \"modtager.navn\" (Modtagerens navn) mangler; det skal udfyldes. Sagen har "
	                         "\"nanv\" samme sted: er det en stavefejl for \"navn\"?"));
	KB_CHECK_INT(kb_ctx_detail_count(ctx), 1);
	json_decref(c);
	json_decref(m);
	kb_ctx_free(ctx);
}

static void test_manifest__group_that_is_not_an_object_is_named(void)
{
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	KB_CHECK_INT(validate_with(ctx, "modtager", "\"Mette Lund\""), KB_EDATA);
	KB_CHECK_INT(kb_ctx_detail_count(ctx), 3);
	KB_CHECK(has_detail(ctx, "feltet \"modtager\" skal være en gruppe af felter i krøllede parenteser { } (manifestet "
	                         "har \"modtager.cpr\"), men er en tekst")); /* not repeated: personal */
	KB_CHECK(has_detail(ctx, "feltet \"modtager.navn\" (Modtagerens navn) mangler, fordi \"modtager\" i sagen ikke "
	                         "er en gruppe af felter"));
	KB_CHECK(has_detail(ctx, "feltet \"modtager.adresse\" mangler, fordi \"modtager\" i sagen ikke er en gruppe af "
	                         "felter"));
	/* a null group is simply missing */
	KB_CHECK_INT(validate_with(ctx, "modtager", "null"), KB_EDATA);
	KB_CHECK(has_detail(ctx, "feltet \"modtager.navn\" (Modtagerens navn) mangler; det skal udfyldes"));
	kb_ctx_free(ctx);
}

static void test_manifest__wrong_type_message_shows_what_was_given(void)
{
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	KB_CHECK_INT(validate_with(ctx, "sag.dato", "\"28/11/2026\""), KB_EDATA);
	KB_CHECK(has_detail(ctx, "feltet \"sag.dato\" (Brevets dato) skal være en dato på formen ÅÅÅÅ-MM-DD (fx "
	                         "2026-11-28) eller skrevet ud (fx 28. november 2026), men er \"28/11/2026\""));
	KB_CHECK_INT(validate_with(ctx, "enlig", "\"ja\""), KB_EDATA);
	KB_CHECK(
	    has_detail(ctx, "feltet \"enlig\" (Enlig) skal være true eller false (uden anførselstegn), men er \"ja\""));
	KB_CHECK_INT(validate_with(ctx, "antal", "[1]"), KB_EDATA);
	KB_CHECK(has_detail(ctx, "feltet \"antal\" skal være et tal, fx 3 eller 2.5, men er en liste"));
	KB_CHECK_INT(validate_with(ctx, "sag.nummer", "42"), KB_EDATA);
	KB_CHECK(has_detail(ctx, "feltet \"sag.nummer\" (Sagsnummer) skal være en tekst, men er tallet 42"));
	/* a long value is cut, on a character boundary, and a line break is not repeated */
	KB_CHECK_INT(validate_with(ctx, "antal", "\"ææææææææææææææææææææ\\nææææææææææ\""), KB_EDATA);
	KB_CHECK(has_detail(ctx, "feltet \"antal\" skal være et tal, fx 3 eller 2.5, men er "
	                         "\"ææææææææææææææææææææ…\""));
	kb_ctx_free(ctx);
}

static void test_manifest__personal_values_are_not_repeated(void)
{
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	KB_CHECK_INT(validate_with(ctx, "modtager.cpr", "\"3212901234\""), KB_EDATA);
	KB_CHECK(has_detail(ctx, "feltet \"modtager.cpr\" (CPR-nummer) skal være et CPR-nummer med 10 cifre, skrevet "
	                         "DDMMÅÅ-NNNN eller DDMMÅÅNNNN; værdien vises ikke, fordi den er en personoplysning"));
	KB_CHECK(!strstr(kb_ctx_detail(ctx, 0), "3212901234"));
	/* a value that is not text is named by its kind only */
	KB_CHECK_INT(validate_with(ctx, "modtager.navn", "[\"Mette Lund\"]"), KB_EDATA);
	KB_CHECK(has_detail(ctx, "feltet \"modtager.navn\" (Modtagerens navn) skal være en tekst (et navn), men er en "
	                         "liste"));
	kb_ctx_free(ctx);
}

static void test_manifest__choice_value_not_allowed_lists_the_allowed(void)
{
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	KB_CHECK_INT(validate_with(ctx, "udfald", "\"afslået\""), KB_EDATA);
	KB_CHECK(has_detail(ctx, "feltet \"udfald\" (Udfald) har værdien \"afslået\", som ikke er tilladt; brug en af: "
	                         "\"afslag\", \"bevilling\", \"delvis bevilling\""));
	KB_CHECK_INT(validate_with(ctx, "udfald", "true"), KB_EDATA);
	KB_CHECK(has_detail(ctx, "feltet \"udfald\" (Udfald) skal være en tekst, men er true"));
	kb_ctx_free(ctx);
}

static void test_manifest__list_item_problems_name_the_index(void)
{
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	KB_CHECK_INT(validate_with(ctx, "ydelser",
	                           "[{\"navn\": \"Kontanthjælp\", \"beløb\": 100},"
	                           " {\"navn\": \"Boligstøtte\"},"
	                           " {\"navn\": \"\", \"beløb\": \"mange\", \"periode\": {\"fra\": \"i går\"}},"
	                           " 5]"),
	             KB_EDATA);
	KB_CHECK_INT(kb_ctx_detail_count(ctx), 5);
	KB_CHECK(has_detail(ctx, "feltet \"ydelser[1].beløb\" (Beløb) mangler; det skal udfyldes"));
	KB_CHECK(has_detail(ctx, "feltet \"ydelser[2].navn\" (Ydelsens navn) mangler; det skal udfyldes"));
	KB_CHECK(has_detail(ctx, "feltet \"ydelser[2].beløb\" (Beløb) skal være et beløb: et tal som 12345.50 (punktum "
	                         "før ører, intet tusindtalspunktum), men er \"mange\""));
	KB_CHECK(detail_containing(ctx, "feltet \"ydelser[2].periode.fra\" skal være en dato"));
	KB_CHECK(has_detail(ctx,
	                    "feltet \"ydelser[3]\" skal være en gruppe af felter i krøllede parenteser { }, men er "
	                    "tallet 5"));
	KB_CHECK_STR(kb_ctx_errmsg(ctx), "sag.json: sagen passer ikke til skabelonen (5 problemer); intet er skrevet");
	/* an item whose group is not an object: its fields would go unchecked */
	KB_CHECK_INT(validate_with(ctx, "ydelser", "[{\"navn\": \"x\", \"beløb\": 1, \"periode\": 7}]"), KB_EDATA);
	KB_CHECK(has_detail(ctx, "feltet \"ydelser[0].periode\" skal være en gruppe af felter i krøllede parenteser { } "
	                         "(manifestet har \"ydelser[0].periode.fra\"), men er tallet 7"));
	kb_ctx_free(ctx);
}

static void test_manifest__every_problem_is_listed_at_once(void)
{
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	json_t *m = parse(test_manifest), *c = parse("{\"sag\": {\"dato\": \"igår\"}, \"enlig\": \"nej\","
	                                             " \"udfald\": \"måske\", \"ydelser\": [{}]}");
	KB_CHECK_INT(kb_manifest_validate_case(ctx, m, c, "sag.json"), KB_EDATA);
	/* navn, adresse, sag.nummer missing; dato, enlig wrong; udfald not allowed; ydelser[0].navn, .beløb */
	KB_CHECK_INT(kb_ctx_detail_count(ctx), 8);
	KB_CHECK_STR(kb_ctx_errmsg(ctx), "sag.json: sagen passer ikke til skabelonen (8 problemer); intet er skrevet");
	KB_CHECK(has_detail(ctx, "feltet \"ydelser[0].navn\" (Ydelsens navn) mangler; det skal udfyldes"));
	KB_CHECK(has_detail(ctx, "feltet \"modtager.navn\" (Modtagerens navn) mangler; det skal udfyldes"));
	/* the counting variant adds to what the caller has and leaves the message alone */
	kb_ctx_clear(ctx);
	int bad = 2;
	KB_CHECK_INT(kb_manifest_case_problems(&bad, ctx, m, c), KB_OK);
	KB_CHECK_INT(bad, 10);
	KB_CHECK_INT(kb_ctx_detail_count(ctx), 8);
	KB_CHECK_STR(kb_ctx_errmsg(ctx), "");
	json_decref(c);
	json_decref(m);
	kb_ctx_free(ctx);
}

static void test_manifest__earlier_details_are_cleared(void)
{
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	kb_ctx_add_detail(ctx, "gammel");
	KB_CHECK_INT(validate_with(ctx, "enlig", "2"), KB_EDATA);
	KB_CHECK_INT(kb_ctx_detail_count(ctx), 1);
	kb_ctx_add_detail(ctx, "gammel");
	KB_CHECK_INT(validate_with(ctx, NULL, NULL), KB_OK);
	KB_CHECK_INT(kb_ctx_detail_count(ctx), 0);
	kb_ctx_free(ctx);
}

static void test_manifest__no_manifest_or_no_fields_accepts_any_case(void)
{
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	json_t *c = parse("{\"x\": 1}"), *m = parse("{\"title\": \"x\"}");
	KB_CHECK_INT(kb_manifest_validate_case(ctx, NULL, c, "sag.json"), KB_OK);
	KB_CHECK_INT(kb_manifest_validate_case(ctx, m, c, "sag.json"), KB_OK);
	KB_CHECK_INT(kb_manifest_check(ctx, m, "manifest.json"), KB_OK);
	json_decref(c);
	json_decref(m);
	kb_ctx_free(ctx);
}

/* ---- the manifest's own check ---- */

static void test_manifest__check_lists_every_problem(void)
{
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	json_t *m = parse("{\"kind\": 3, \"outcome_field\": \"udfald\","
	                  " \"appeal\": {\"body\": \"Ankestyrelsen\", \"via\": 4},"
	                  " \"delimiters\": \"{}\","
	                  " \"fields\": {"
	                  "  \"sag.dato\": {\"type\": \"datum\", \"required\": \"ja\", \"label\": 5},"
	                  "  \"sag.nummer\": {\"type\": \"text\", \"requird\": true},"
	                  "  \"sag.type\": {\"required\": true},"
	                  "  \"a b\": {\"type\": \"text\"},"
	                  "  \"valg\": {\"type\": \"choice\"},"
	                  "  \"valg2\": {\"type\": \"choice\", \"values\": [\"a\", \"a\", 3]},"
	                  "  \"tekst\": {\"type\": \"text\", \"items\": {}, \"values\": [\"a\"]},"
	                  "  \"ydelser\": {\"type\": \"list\", \"items\": {\"beløb\": {\"type\": \"penge\"}}},"
	                  "  \"ydelser.navn\": {\"type\": \"text\"},"
	                  "  \"tekst.del\": {\"type\": \"text\"},"
	                  "  \"x\": \"text\""
	                  " }}");
	KB_CHECK_INT(kb_manifest_check(ctx, m, "skabeloner/x/manifest.json"), KB_EINPUT);
	const char *want[] = {
	    "\"title\" mangler; skriv brevets titel, fx \"title\": \"Afslag på kontanthjælp\"",
	    "\"kind\" skal være en tekst: hvilken slags afgørelse brevet er, fx \"afslag\", \"delvis bevilling\", "
	    "\"bevilling\" eller \"partshøring\"",
	    "\"outcome_field\" peger på feltet \"udfald\", som ikke står under \"fields\"; tilføj det, eller ret "
	    "navnet",
	    "\"appeal\" mangler \"deadline\"; skriv klagefristen, fx \"4 uger\"",
	    "\"appeal\": \"via\" skal være en tekst: hvem klagen sendes til, fx \"kommunen\"",
	    "\"delimiters\" skal være to afgrænsere med et mellemrum imellem, fx \"{ }\" eller \"<< >>\" (højst 8 tegn "
	    "hver)",
	    /* two edits in five characters: a typo by nearest.c's rule, as for every other "did you mean" */
	    "feltet \"sag.dato\": ukendt type \"datum\"; mente du \"date\"? Brug en af: text, name, address, cpr, date, "
	    "amount, number, bool, list, choice",
	    "feltet \"sag.dato\": \"required\" skal være true eller false (uden anførselstegn)",
	    "feltet \"sag.dato\": \"label\" skal være en tekst i anførselstegn",
	    "feltet \"sag.nummer\": ukendt nøgle \"requird\"; mente du \"required\"? Kendte nøgler er: type, label, "
	    "description, required, personal, facts, items, values",
	    "feltet \"sag.type\" har ingen \"type\"; skriv en af: text, name, address, cpr, date, amount, number, "
	    "bool, "
	    "list, choice",
	    "feltet \"a b\": navnet skal være ord adskilt af punktum, fx \"modtager.navn\", uden mellemrum og uden "
	    "tegnene { } | \" [ ] < > = ! # ^ / &",
	    "feltet \"valg\" har typen choice, men ingen \"values\"; skriv de tilladte værdier, fx \"values\": "
	    "[\"afslag\", \"bevilling\"]",
	    "feltet \"valg2\": værdien \"a\" står to gange i \"values\"; slet den ene",
	    "feltet \"valg2\": værdi nr. 3 i \"values\" skal være en tekst, der ikke er tom",
	    "feltet \"tekst\": \"items\" hører kun til typen list, men feltet har typen text",
	    "feltet \"tekst\": \"values\" hører kun til typen choice, men feltet har typen text",
	    "feltet \"ydelser.beløb\": ukendt type \"penge\"; brug en af: text, name, address, cpr, date, amount, "
	    "number, bool, list, choice",
	    "feltet \"ydelser.navn\": \"ydelser\" er en liste; flyt \"navn\" ind under \"items\" i \"ydelser\"",
	    "feltet \"tekst.del\": \"tekst\" er selv et felt og kan ikke også rumme andre felter; omdøb et af dem",
	    "feltet \"x\" skal beskrives med et objekt, fx {\"type\": \"text\", \"required\": true}",
	};
	size_t n = sizeof want / sizeof want[0];
	for (size_t i = 0; i < n; i++)
		KB_CHECK(has_detail(ctx, want[i]));
	KB_CHECK_INT(kb_ctx_detail_count(ctx), n);
	char msg[100];
	snprintf(msg, sizeof msg, "skabeloner/x/manifest.json: %zu fejl; ret dem i manifestet", n);
	KB_CHECK_STR(kb_ctx_errmsg(ctx), msg);
	json_decref(m);
	kb_ctx_free(ctx);
}

static void test_manifest__check_top_level_shapes(void)
{
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	json_t *m = parse("[1]");
	KB_CHECK_INT(kb_manifest_check(ctx, m, "manifest.json"), KB_EINPUT);
	KB_CHECK(strstr(kb_ctx_errmsg(ctx), "manifest.json: manifestet skal være et JSON-objekt") != NULL);
	json_decref(m);
	m = parse("{\"title\": \"\", \"appeal\": \"Ankestyrelsen\", \"fields\": [], \"delimiters\": \"{ } x\"}");
	KB_CHECK_INT(kb_manifest_check(ctx, m, NULL), KB_EINPUT);
	KB_CHECK_STR(kb_ctx_errmsg(ctx), "manifest.json: 4 fejl; ret dem i manifestet");
	KB_CHECK(detail_containing(ctx, "\"title\" skal være en tekst"));
	KB_CHECK(detail_containing(ctx, "\"appeal\" skal være et objekt"));
	KB_CHECK(detail_containing(ctx, "\"fields\" skal være et objekt"));
	KB_CHECK(detail_containing(ctx, "\"delimiters\" skal være"));
	json_decref(m);
	m = parse(
	    "{\"title\": \"x\", \"delimiters\": \"<<  >>\", \"law\": [\"aktivloven § 11\"], \"discretionary\": 1}");
	KB_CHECK_INT(kb_manifest_check(ctx, m, NULL), KB_OK); /* other top-level keys are the template's own */
	json_decref(m);
	kb_ctx_free(ctx);
}

/* "sources": a list of {"title", "url" (http or https)} or plain texts; each wrong entry named by its index */
static void test_manifest__facts_marks_one_text_field_outside_lists(void)
{
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	json_t *m = parse("{\"title\": \"x\", \"fields\": {\"begrundelse.fakta\": {\"type\": \"text\", "
	                  "\"facts\": true}}}");
	KB_CHECK_INT(kb_manifest_check(ctx, m, NULL), KB_OK);
	json_decref(m);
	m = parse("{\"title\": \"x\", \"fields\": {\"a\": {\"type\": \"text\", \"facts\": \"ja\"}, "
	          "\"b\": {\"type\": \"date\", \"facts\": true}, \"c\": {\"type\": \"list\", \"items\": "
	          "{\"d\": {\"type\": \"text\", \"facts\": true}}}}}");
	KB_CHECK_INT(kb_manifest_check(ctx, m, NULL), KB_EINPUT);
	KB_CHECK_INT(kb_ctx_detail_count(ctx), 3);
	KB_CHECK(has_detail(ctx, "feltet \"a\": \"facts\" skal være true eller false (uden anførselstegn)"));
	KB_CHECK(has_detail(ctx, "feltet \"b\": \"facts\" kræver typen \"text\" (oplysningerne skrevet ud)"));
	KB_CHECK(has_detail(ctx, "feltet \"c.d\": \"facts\" kan kun stå på et felt uden for en liste"));
	json_decref(m);
	kb_ctx_free(ctx);
}

static void test_manifest__sources_are_titles_with_web_addresses(void)
{
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	json_t *m = parse("{\"title\": \"x\", \"sources\": [\"Forvaltningsloven\", {\"title\": \"Aktivloven\", "
	                  "\"url\": \"https://www.retsinformation.dk/eli/lta/2014/433\"}, {\"title\": \"Gammel side\", "
	                  "\"url\": \"HTTP://example.dk/a b\"}]}");
	KB_CHECK_INT(kb_manifest_check(ctx, m, NULL), KB_EINPUT); /* the third has a space */
	KB_CHECK_INT(kb_ctx_detail_count(ctx), 1);
	KB_CHECK(has_detail(ctx, "\"sources\"[2]: \"url\" skal være en webadresse, der begynder med https:// eller "
	                         "http:// (uden mellemrum), fx \"https://www.retsinformation.dk/...\""));
	json_decref(m);
	m = parse("{\"title\": \"x\", \"sources\": [\"Forvaltningsloven\", {\"title\": \"Aktivloven\", "
	          "\"url\": \"http://www.retsinformation.dk/\"}], \"law\": [\"aktivloven § 11\"]}");
	KB_CHECK_INT(kb_manifest_check(ctx, m, NULL), KB_OK);
	json_decref(m);
	m = parse("{\"title\": \"x\", \"sources\": []}");
	KB_CHECK_INT(kb_manifest_check(ctx, m, NULL), KB_OK); /* optional, and an empty list says nothing wrong */
	json_decref(m);
	m = parse("{\"title\": \"x\", \"sources\": \"https://www.retsinformation.dk/\"}");
	KB_CHECK_INT(kb_manifest_check(ctx, m, "skabeloner/x/manifest.json"), KB_EINPUT);
	KB_CHECK_STR(kb_ctx_errmsg(ctx), "skabeloner/x/manifest.json: 1 fejl; ret dem i manifestet");
	KB_CHECK(detail_containing(ctx, "\"sources\" skal være en liste over de kilder, teksten bygger på, fx [{"));
	json_decref(m);
	m = parse("{\"title\": \"x\", \"sources\": [\"\", 3, {\"titel\": \"Loven\", \"url\": \"ftp://x.dk\"}, "
	          "{\"title\": \"\", \"url\": \"https://\"}, {\"title\": \"Loven\"}, null]}");
	KB_CHECK_INT(kb_manifest_check(ctx, m, NULL), KB_EINPUT);
	KB_CHECK_STR(kb_ctx_errmsg(ctx), "manifest.json: 9 fejl; ret dem i manifestet");
	KB_CHECK(detail_containing(ctx, "\"sources\"[0] er en tom tekst"));
	KB_CHECK(detail_containing(ctx, "\"sources\"[1] skal være en tekst eller et objekt som {\"title\""));
	KB_CHECK(has_detail(ctx, "\"sources\"[2]: ukendt nøgle \"titel\"; en kilde har \"title\" og \"url\""));
	KB_CHECK(has_detail(ctx, "\"sources\"[2] mangler \"title\"; skriv kildens navn, fx \"Forvaltningsloven\""));
	KB_CHECK(detail_containing(ctx, "\"sources\"[2]: \"url\" skal være en webadresse"));
	KB_CHECK(has_detail(ctx, "\"sources\"[3]: \"title\" skal være en tekst: kildens navn, fx \"Forvaltningsloven\""));
	KB_CHECK(detail_containing(ctx, "\"sources\"[3]: \"url\" skal være en webadresse"));
	KB_CHECK(detail_containing(ctx, "\"sources\"[4] mangler \"url\"; skriv adressen, hvor kilden kan læses"));
	KB_CHECK(detail_containing(ctx, "\"sources\"[5] skal være en tekst eller et objekt"));
	json_decref(m);
	kb_ctx_free(ctx);
}

static void test_manifest__lists_nested_too_deep_are_refused(void)
{
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	json_t *inner = parse("{\"type\": \"text\"}");
	for (int i = 0; i < KB_MANIFEST_MAX_DEPTH + 2; i++) {
		json_t *l = json_pack("{s:s, s:{s:o}}", "type", "list", "items", "x", inner);
		inner = l;
	}
	json_t *m = json_pack("{s:s, s:{s:o}}", "title", "t", "fields", "x", inner);
	KB_CHECK_INT(kb_manifest_check(ctx, m, "manifest.json"), KB_EINPUT);
	KB_CHECK(detail_containing(ctx, "lister må højst ligge 8 i hinanden"));
	/* the case check and the look-ups stay bounded on such a manifest */
	json_t *c = parse("{\"x\": [{\"x\": [{\"x\": [{\"x\": [{\"x\": [{\"x\": [{\"x\": [{\"x\": [{\"x\": [{\"x\": "
	                  "[{\"x\": 5}]}]}]}]}]}]}]}]}]}]}");
	KB_CHECK_INT(kb_manifest_validate_case(ctx, m, c, "sag.json"), KB_OK);
	KB_CHECK(kb_manifest_field(m, "x.x.x.x.x.x.x.x.x.x.x.x.x") == NULL);
	json_decref(c);
	json_decref(m);
	kb_ctx_free(ctx);
}

/* ---- loading ---- */

static void test_manifest__load_names_line_and_column(void)
{
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	FILE *f = fopen("test_manifest_bad.json", "w");
	KB_CHECK(f != NULL);
	if (!f) {
		kb_ctx_free(ctx);
		return;
	}
	fputs("{\n  \"title\": \"x\",\n  \"fields\": {,}\n}\n", f);
	fclose(f);
	json_t *m = (json_t *)1;
	KB_CHECK_INT(kb_manifest_load(&m, ctx, "test_manifest_bad.json"), KB_EINPUT);
	KB_CHECK(m == NULL);
	KB_CHECK(strstr(kb_ctx_errmsg(ctx), "test_manifest_bad.json, linje 3, kolonne") != NULL);
	KB_CHECK(strstr(kb_ctx_errmsg(ctx), "manifestet er ikke gyldig JSON: her skulle stå et feltnavn i anførselstegn "
	                                    "eller en }") != NULL);

	f = fopen("test_manifest_bad.json", "w");
	fputs("{\"title\": \"x\", \"fields\": {\"a\": {\"type\": \"tekst\"}}}", f);
	fclose(f);
	KB_CHECK_INT(kb_manifest_load(&m, ctx, "test_manifest_bad.json"), KB_EINPUT);
	KB_CHECK(m == NULL);
	KB_CHECK_STR(kb_ctx_errmsg(ctx), "test_manifest_bad.json: 1 fejl; ret dem i manifestet");
	KB_CHECK_INT(kb_ctx_detail_count(ctx), 1);
	remove("test_manifest_bad.json");

	KB_CHECK_INT(kb_manifest_load(&m, ctx, "/nonexistent/manifest.json"), KB_ENOTFOUND);
	KB_CHECK(m == NULL);
	kb_ctx_free(ctx);
}

/* ---- look-ups ---- */

static void test_manifest__field_and_declares_see_list_items_and_groups(void)
{
	json_t *m = parse(test_manifest);
	const json_t *f = kb_manifest_field(m, "ydelser.beløb");
	KB_CHECK(f != NULL);
	KB_CHECK_STR(json_string_value(json_object_get(f, "label")), "Beløb");
	KB_CHECK(kb_manifest_field(m, "ydelser.periode.fra") != NULL);
	KB_CHECK(kb_manifest_field(m, "beløb") == json_object_get(json_object_get(m, "fields"), "beløb"));
	KB_CHECK(kb_manifest_field(m, "modtager") == NULL);
	KB_CHECK(kb_manifest_field(m, "ydelser.ukendt") == NULL);
	KB_CHECK(kb_manifest_field(NULL, "beløb") == NULL);

	KB_CHECK_INT(kb_manifest_declares(m, "modtager.navn"), 1);
	KB_CHECK_INT(kb_manifest_declares(m, "modtager"), 1); /* a group: {{#modtager}} */
	KB_CHECK_INT(kb_manifest_declares(m, "ydelser"), 1);
	KB_CHECK_INT(kb_manifest_declares(m, "ydelser.navn"), 1);    /* an item's field */
	KB_CHECK_INT(kb_manifest_declares(m, "ydelser.periode"), 1); /* a group inside an item */
	KB_CHECK_INT(kb_manifest_declares(m, "modtager.alder"), 0);
	KB_CHECK_INT(kb_manifest_declares(m, "modtag"), 0);
	KB_CHECK_INT(kb_manifest_declares(m, "bilag.navn"), 0); /* a list without items declares none */
	KB_CHECK_INT(kb_manifest_declares(m, ""), 0);
	KB_CHECK_INT(kb_manifest_declares(NULL, "modtager"), 0);
	json_decref(m);
}

static void test_manifest__field_flags(void)
{
	json_t *m = parse(test_manifest);
	KB_CHECK_INT(kb_manifest_field_flags(m, "modtager.navn"), KB_SPAN_NOSPELL | KB_SPAN_PERSONAL);
	KB_CHECK_INT(kb_manifest_field_flags(m, "modtager.cpr"), KB_SPAN_NOSPELL | KB_SPAN_PERSONAL);
	KB_CHECK_INT(kb_manifest_field_flags(m, "kommune.navn"), KB_SPAN_NOSPELL); /* a name, not personal */
	KB_CHECK_INT(kb_manifest_field_flags(m, "sag.nummer"), 0);
	KB_CHECK_INT(kb_manifest_field_flags(m, "ydelser.navn"), 0);
	KB_CHECK_INT(kb_manifest_field_flags(m, "børn.navn"), KB_SPAN_NOSPELL | KB_SPAN_PERSONAL); /* personal list */
	KB_CHECK_INT(kb_manifest_field_flags(m, "ukendt"), 0);
	KB_CHECK_INT(kb_manifest_field_flags(NULL, "modtager.navn"), 0);
	json_decref(m);
}

/* The outcome: the case's outcome field when it holds a text, else the manifest's fixed outcome. */
static void test_manifest__outcome_from_the_case_or_the_manifest(void)
{
	json_t *m = parse("{\"title\": \"x\", \"outcome\": \"afslag\", \"outcome_field\": \"sag.udfald\"}");
	json_t *c = parse("{\"sag\": {\"udfald\": \"delvis\"}}");
	json_t *no = parse("{\"sag\": {\"udfald\": 3}}");
	KB_CHECK_STR(kb_manifest_outcome(m, c), "delvis");
	KB_CHECK_STR(kb_manifest_outcome(m, no), "afslag");
	KB_CHECK_STR(kb_manifest_outcome(m, NULL), "afslag");
	KB_CHECK(kb_manifest_outcome(NULL, c) == NULL);
	json_decref(m);
	json_decref(c);
	json_decref(no);
}

KB_TESTS(KB_TEST(test_manifest__outcome_from_the_case_or_the_manifest), KB_TEST(test_manifest__sample_manifest_and_example_are_clean),
         KB_TEST(test_manifest__cli_test_manifest_is_clean), KB_TEST(test_manifest__test_manifest_passes_its_own_check),
         KB_TEST(test_manifest__good_case_with_extra_fields_is_clean),
         KB_TEST(test_manifest__each_type_right_and_wrong),
         KB_TEST(test_manifest__a_date_that_is_no_day_is_told_so),
         KB_TEST(test_manifest__mistyped_case_key_is_suggested_for_the_missing_field),
         KB_TEST(test_manifest__optional_group_in_an_undeclared_shape_is_a_case_error),
         KB_TEST(test_manifest__required_missing_null_and_empty_are_missing),
         KB_TEST(test_manifest__group_that_is_not_an_object_is_named),
         KB_TEST(test_manifest__wrong_type_message_shows_what_was_given),
         KB_TEST(test_manifest__personal_values_are_not_repeated),
         KB_TEST(test_manifest__choice_value_not_allowed_lists_the_allowed),
         KB_TEST(test_manifest__list_item_problems_name_the_index),
         KB_TEST(test_manifest__every_problem_is_listed_at_once), KB_TEST(test_manifest__earlier_details_are_cleared),
         KB_TEST(test_manifest__no_manifest_or_no_fields_accepts_any_case),
         KB_TEST(test_manifest__check_lists_every_problem), KB_TEST(test_manifest__check_top_level_shapes),
         KB_TEST(test_manifest__lists_nested_too_deep_are_refused), KB_TEST(test_manifest__load_names_line_and_column),
         KB_TEST(test_manifest__field_and_declares_see_list_items_and_groups), KB_TEST(test_manifest__field_flags),
         KB_TEST(test_manifest__facts_marks_one_text_field_outside_lists),
         KB_TEST(test_manifest__sources_are_titles_with_web_addresses))
