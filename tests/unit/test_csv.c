/* test_csv.c -- the case reader of klarbrev batch (csv.c): records from JSON Lines and CSV (line breaks inside
 * quoted cells, CRLF, a byte order mark, an unclosed quote), cells as Danish Excel writes them, the separator, the
 * header check, amounts and bools, and a row turned into a nested case typed by the manifest. */
#include "kbtest.h"
#include "csv.h"

static FILE *from(const char *s)
{
	FILE *f = tmpfile();
	if (f) {
		fputs(s, f);
		rewind(f);
	}
	return f;
}

static void test_csv__records_keep_quoted_line_breaks_and_count_lines(void)
{
	FILE *f = from("\xEF\xBB\xBF"
	               "a;b\r\n1;\"to\r\nlinjer\"\r\n\n2;x");
	kb_records r;
	kb_records_init(&r, f, 1);
	kb_buf raw;
	kb_buf_init(&raw, 1024);
	size_t line = 0;
	KB_CHECK_INT(kb_records_next(&r, &raw, &line), 1);
	KB_CHECK_STR(raw.data, "a;b");
	KB_CHECK_INT(line, 1);
	KB_CHECK_INT(r.bom, 1);
	KB_CHECK_INT(kb_records_next(&r, &raw, &line), 1);
	KB_CHECK_STR(raw.data, "1;\"to\r\nlinjer\"");
	KB_CHECK_INT(line, 2);
	KB_CHECK_INT(kb_records_next(&r, &raw, &line), 1);
	KB_CHECK_STR(raw.data, "");
	KB_CHECK_INT(line, 4);
	KB_CHECK_INT(kb_records_next(&r, &raw, &line), 1);
	KB_CHECK_STR(raw.data, "2;x");
	KB_CHECK_INT(line, 5);
	KB_CHECK_INT(kb_records_next(&r, &raw, &line), 0);
	kb_buf_free(&raw);
	fclose(f);
}

static void test_csv__json_lines_ignore_quotes_and_unclosed_quote_is_input_error(void)
{
	FILE *f = from("{\"a\": \"x\\\"\"}\n\"open;\n");
	kb_records r;
	kb_buf raw;
	kb_buf_init(&raw, 1024);
	size_t line;
	kb_records_init(&r, f, 0);
	KB_CHECK_INT(kb_records_next(&r, &raw, &line), 1);
	KB_CHECK_STR(raw.data, "{\"a\": \"x\\\"\"}");
	fclose(f);
	f = from("a\n\"open;\nmore");
	kb_records_init(&r, f, 1);
	KB_CHECK_INT(kb_records_next(&r, &raw, &line), 1);
	KB_CHECK_INT(kb_records_next(&r, &raw, &line), KB_EINPUT);
	KB_CHECK_INT(line, 2);
	kb_buf_free(&raw);
	fclose(f);
}

static void test_csv__record_over_the_cap_is_skipped_whole(void)
{
	FILE *f = from("abcdefghij;\"x\ny\"\nok\n");
	kb_records r;
	kb_buf raw;
	kb_buf_init(&raw, 5);
	size_t line;
	kb_records_init(&r, f, 1);
	KB_CHECK_INT(kb_records_next(&r, &raw, &line), KB_ELIMIT);
	KB_CHECK_INT(kb_records_next(&r, &raw, &line), 1);
	KB_CHECK_STR(raw.data, "ok");
	KB_CHECK_INT(line, 3);
	kb_buf_free(&raw);
	fclose(f);
}

static void test_csv__separator_is_the_one_outside_quotes(void)
{
	KB_CHECK_INT(kb_csv_detect_separator("a;b;c", 5), ';');
	KB_CHECK_INT(kb_csv_detect_separator("a,b,c", 5), ',');
	KB_CHECK_INT(kb_csv_detect_separator("\"a;b;c\",d", 9), ',');
	KB_CHECK_INT(kb_csv_detect_separator("a;b,c", 5), ';');
	KB_CHECK_INT(kb_csv_detect_separator("a", 1), ',');
}

static void test_csv__cells_with_quotes_separators_and_empty_ones(void)
{
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	kb_csv_row row;
	const char *rec = "Søby;\"Kastanjevej 14; 2. th.\n4470 Søby\";\"Han sagde \"\"ja\"\"\";;sidst";
	KB_CHECK_INT(kb_csv_split(&row, ctx, rec, strlen(rec), ';', "s.csv, linje 2"), KB_OK);
	KB_CHECK_INT(row.n, 5);
	if (row.n == 5) {
		KB_CHECK_STR(row.cells[0], "Søby");
		KB_CHECK_STR(row.cells[1], "Kastanjevej 14; 2. th.\n4470 Søby");
		KB_CHECK_STR(row.cells[2], "Han sagde \"ja\"");
		KB_CHECK_STR(row.cells[3], "");
		KB_CHECK_STR(row.cells[4], "sidst");
	}
	kb_csv_row_free(&row);
	KB_CHECK_INT(kb_csv_split(&row, ctx, "a;", 2, ';', "x"), KB_OK);
	KB_CHECK_INT(row.n, 2);
	kb_csv_row_free(&row);
	KB_CHECK_INT(kb_csv_split(&row, ctx, "a;b\"c", 5, ';', "s.csv, linje 3"), KB_EINPUT);
	KB_CHECK_STR(kb_ctx_errmsg(ctx), "s.csv, linje 3, kolonne 2: et anførselstegn midt i en celle; sæt hele cellen "
	                                 "i anførselstegn og skriv det som \"\"");
	KB_CHECK_INT(kb_csv_split(&row, ctx, "\"a\"b;c", 6, ';', "s.csv, linje 4"), KB_EINPUT);
	KB_CHECK(strstr(kb_ctx_errmsg(ctx), "s.csv, linje 4, kolonne 1: der står tekst efter") != NULL);
	KB_CHECK_INT(kb_csv_split(&row, ctx, "\"abc", 4, ';', "s.csv, linje 5"), KB_EINPUT);
	kb_ctx_free(ctx);
}

static void test_csv__header_problems_are_listed_by_column(void)
{
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	kb_csv_row h;
	const char *rec = "sag.nummer;modtager;modtager.navn;sag..dato;sag.nummer;";
	KB_CHECK_INT(kb_csv_split(&h, ctx, rec, strlen(rec), ';', "x"), KB_OK);
	KB_CHECK_INT(kb_csv_check_header(ctx, &h, "s.csv, linje 1"), KB_EINPUT);
	KB_CHECK_STR(kb_ctx_errmsg(ctx), "s.csv, linje 1: overskriften har 3 fejl; ret overskriftsrækken");
	KB_CHECK_INT(kb_ctx_detail_count(ctx), 3);
	KB_CHECK_STR(kb_ctx_detail(ctx, 0),
	             "kolonne 3 (»modtager.navn«) ligger i en gruppe, som også er et felt: se kolonne 2 "
	             "(»modtager«)");
	KB_CHECK(strstr(kb_ctx_detail(ctx, 1), "kolonne 4 (»sag..dato«)") != NULL);
	KB_CHECK_STR(kb_ctx_detail(ctx, 2), "kolonne 5 (»sag.nummer«) står to gange: se kolonne 1 (»sag.nummer«)");
	kb_csv_row_free(&h);
	kb_ctx_free(ctx);
}

static void test_csv__amounts_as_danish_excel_writes_them(void)
{
	double v = 0;
	KB_CHECK(kb_csv_parse_number(&v, "12.345,50"));
	KB_CHECK_DBL(v, 12345.5, 1e-9);
	KB_CHECK(kb_csv_parse_number(&v, "12345,50"));
	KB_CHECK_DBL(v, 12345.5, 1e-9);
	KB_CHECK(kb_csv_parse_number(&v, "12345.50"));
	KB_CHECK_DBL(v, 12345.5, 1e-9);
	KB_CHECK(kb_csv_parse_number(&v, " 1.234.567,8 "));
	KB_CHECK_DBL(v, 1234567.8, 1e-9);
	KB_CHECK(kb_csv_parse_number(&v, "12 345"));
	KB_CHECK_DBL(v, 12345, 1e-9);
	KB_CHECK(kb_csv_parse_number(&v, "12.345"));
	KB_CHECK_DBL(v, 12345, 1e-9);
	KB_CHECK(kb_csv_parse_number(&v, "-75"));
	KB_CHECK_DBL(v, -75, 1e-9);
	KB_CHECK(!kb_csv_parse_number(&v, "12.34.5"));
	KB_CHECK(!kb_csv_parse_number(&v, "1.2345,6"));
	KB_CHECK(!kb_csv_parse_number(&v, "12,"));
	KB_CHECK(!kb_csv_parse_number(&v, ",5"));
	KB_CHECK(!kb_csv_parse_number(&v, "tolv"));
	KB_CHECK(!kb_csv_parse_number(&v, "100 kr."));
	KB_CHECK(!kb_csv_parse_number(&v, ""));
	int b = -1;
	KB_CHECK(kb_csv_parse_bool(&b, "Ja") && b == 1);
	KB_CHECK(kb_csv_parse_bool(&b, "nej") && b == 0);
	KB_CHECK(kb_csv_parse_bool(&b, "TRUE") && b == 1);
	KB_CHECK(kb_csv_parse_bool(&b, "0") && b == 0);
	KB_CHECK(!kb_csv_parse_bool(&b, "måske"));
}

static void test_csv__row_becomes_a_nested_case_typed_by_the_manifest(void)
{
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	json_error_t je;
	json_t *manifest = json_loads("{\"title\": \"t\", \"fields\": {\"ydelse.beløb\": {\"type\": \"amount\"}, "
	                              "\"ydelse.gentaget\": {\"type\": \"bool\"}}}",
	                              0, &je);
	kb_csv_row h, row;
	const char *hr = "modtager.navn;ydelse.beløb;ydelse.gentaget;sag.nummer", *rr = "Jens;12.345,50;ja;;";
	kb_csv_split(&h, ctx, hr, strlen(hr), ';', "x");
	kb_csv_split(&row, ctx, rr, strlen(rr), ';', "x");
	json_t *c = NULL;
	KB_CHECK_INT(kb_csv_row_case(&c, ctx, &h, &row, manifest, "s.csv, linje 2"), KB_OK);
	char *s = c ? json_dumps(c, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	KB_CHECK_STR(s, "{\"modtager\":{\"navn\":\"Jens\"},\"ydelse\":{\"beløb\":12345.5,\"gentaget\":true}}");
	free(s);
	json_decref(c);
	kb_csv_row_free(&row);
	rr = "Jens;tolv;måske;1";
	kb_csv_split(&row, ctx, rr, strlen(rr), ';', "x");
	KB_CHECK_INT(kb_csv_row_case(&c, ctx, &h, &row, manifest, "s.csv, linje 3"), KB_EINPUT);
	KB_CHECK_STR(kb_ctx_errmsg(ctx), "s.csv, linje 3: 2 celler kan ikke læses");
	KB_CHECK_STR(kb_ctx_detail(ctx, 0),
	             "s.csv, linje 3, kolonne 2 (ydelse.beløb): cellen skal være et tal, fx 12.345,50 "
	             "eller 12345.50");
	kb_csv_row_free(&row);
	rr = "Jens;1";
	kb_csv_split(&row, ctx, rr, strlen(rr), ';', "x");
	KB_CHECK_INT(kb_csv_row_case(&c, ctx, &h, &row, manifest, "s.csv, linje 4"), KB_EINPUT);
	KB_CHECK(strstr(kb_ctx_errmsg(ctx), "s.csv, linje 4: rækken har 2 celler, men overskriften har 4") != NULL);
	kb_csv_row_free(&row);
	kb_csv_row_free(&h);
	json_decref(manifest);
	kb_ctx_free(ctx);
}

KB_TESTS(KB_TEST(test_csv__records_keep_quoted_line_breaks_and_count_lines),
         KB_TEST(test_csv__json_lines_ignore_quotes_and_unclosed_quote_is_input_error),
         KB_TEST(test_csv__record_over_the_cap_is_skipped_whole),
         KB_TEST(test_csv__separator_is_the_one_outside_quotes),
         KB_TEST(test_csv__cells_with_quotes_separators_and_empty_ones),
         KB_TEST(test_csv__header_problems_are_listed_by_column),
         KB_TEST(test_csv__amounts_as_danish_excel_writes_them),
         KB_TEST(test_csv__row_becomes_a_nested_case_typed_by_the_manifest))
