/* test_encoding.c -- input in other character sets than UTF-8 (windows-1252, iso-8859-1) through iconv: the
 * conversion itself, a .txt letter, case data, text in memory; and the Danish messages for what cannot be read. */
#include "kbtest.h"
#include "encoding.h"
#include "letter.h"

#include <unistd.h>

#ifndef KB_TEST_BINARY_DIR
#define KB_TEST_BINARY_DIR "."
#endif
#define TMP(name) KB_TEST_BINARY_DIR "/test_encoding_" name

/* "Kære Søren, du får kontanthjælp på én gang." in windows-1252 (æ E6, ø F8, å E5, é E9) */
#define CP1252_LINE "K\xe6re S\xf8ren, du f\xe5r kontanthj\xe6lp p\xe5 \xe9n gang."
#define UTF8_LINE   "Kære Søren, du får kontanthjælp på én gang."

static void write_bytes(const char *path, const char *data)
{
	FILE *f = fopen(path, "wb");
	if (f) {
		fputs(data, f);
		fclose(f);
	}
}

static char *convert(kb_ctx *ctx, const char *in, const char *enc, int *rc)
{
	char *out = NULL;
	size_t n = 0;
	*rc = kb_encoding_to_utf8(&out, &n, ctx, in, strlen(in), enc, "x.txt", 1u << 20);
	if (out)
		KB_CHECK_INT(n, strlen(out));
	return out;
}

static void test_encoding__windows_1252_becomes_utf8(void)
{
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	int rc;
	char *s = convert(ctx, CP1252_LINE " \x80 \x96", "windows-1252", &rc); /* euro sign, en dash */
	KB_CHECK_INT(rc, KB_OK);
	KB_CHECK_STR(s, UTF8_LINE " € –");
	free(s);
	s = convert(ctx, CP1252_LINE, "ISO-8859-1", &rc);
	KB_CHECK_INT(rc, KB_OK);
	KB_CHECK_STR(s, UTF8_LINE);
	free(s);
	kb_ctx_free(ctx);
}

static void test_encoding__utf8_and_no_encoding_copy_the_bytes(void)
{
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	int rc;
	const char *names[] = {NULL, "", "utf-8", "UTF8"};
	for (size_t i = 0; i < 4; i++) {
		char *s = convert(ctx, UTF8_LINE, names[i], &rc);
		KB_CHECK_INT(rc, KB_OK);
		KB_CHECK_STR(s, UTF8_LINE);
		free(s);
	}
	char *s = convert(ctx, "", "windows-1252", &rc);
	KB_CHECK_INT(rc, KB_OK);
	KB_CHECK_STR(s, "");
	free(s);
	kb_ctx_free(ctx);
}

static void test_encoding__unknown_encoding_is_named_in_danish(void)
{
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	int rc;
	const char *bad[] = {"latin-99", "windows-1252//IGNORE", "../../etc"};
	for (size_t i = 0; i < 3; i++) {
		char *s = convert(ctx, "abc", bad[i], &rc);
		KB_CHECK_INT(rc, KB_EINPUT);
		KB_CHECK(s == NULL);
		KB_CHECK(strstr(kb_ctx_errmsg(ctx), "x.txt: tegnsættet »") != NULL);
		KB_CHECK(strstr(kb_ctx_errmsg(ctx), "kendes ikke; brug fx windows-1252") != NULL);
	}
	kb_ctx_free(ctx);
}

static void test_encoding__byte_the_encoding_lacks_names_line_and_byte(void)
{
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	int rc;
	char *s = convert(ctx, "linje et\nlinje to \x81 her\n", "windows-1252", &rc);
	KB_CHECK_INT(rc, KB_EINPUT);
	KB_CHECK(s == NULL);
	KB_CHECK_STR(kb_ctx_errmsg(ctx), "x.txt: linje 2: byten 0x81 findes ikke i tegnsættet windows-1252; er filen "
	                                 "gemt i et andet tegnsæt?");
	kb_ctx_free(ctx);
}

static void test_encoding__utf8_text_given_as_windows_1252_is_refused(void)
{
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	int rc;
	/* converting would silently turn "æ" into "Ã¦" */
	char *s = convert(ctx, "Hej\n" UTF8_LINE, "windows-1252", &rc);
	KB_CHECK_INT(rc, KB_EINPUT);
	KB_CHECK(s == NULL);
	KB_CHECK(strstr(kb_ctx_errmsg(ctx), "x.txt: linje 2: teksten er allerede UTF-8, ikke windows-1252") != NULL);
	/* ASCII is the same in both: fine */
	s = convert(ctx, "Hej med dig", "windows-1252", &rc);
	KB_CHECK_INT(rc, KB_OK);
	KB_CHECK_STR(s, "Hej med dig");
	free(s);
	kb_ctx_free(ctx);
}

static void test_encoding__output_larger_than_the_cap_is_refused(void)
{
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	char in[3000];
	memset(in, '\xe6', sizeof in - 1); /* 2999 × æ: 5998 bytes of UTF-8 */
	in[sizeof in - 1] = '\0';
	char *out = NULL;
	int rc = kb_encoding_to_utf8(&out, NULL, ctx, in, strlen(in), "iso-8859-1", "x.txt", 5000);
	KB_CHECK_INT(rc, KB_ELIMIT);
	KB_CHECK(out == NULL);
	KB_CHECK(strstr(kb_ctx_errmsg(ctx), "grænsen på 5000 byte") != NULL);
	kb_ctx_free(ctx);
}

static void test_encoding__windows_1252_txt_letter_opens_as_utf8(void)
{
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	write_bytes(TMP("brev.txt"), "Afg\xf8relse\r\n" CP1252_LINE "\r\n");
	kb_letter *l = NULL;
	KB_CHECK_INT(kb_letter_open_encoded(&l, ctx, TMP("brev.txt"), "windows-1252"), KB_OK);
	const kb_text *t = l ? kb_letter_text(l) : NULL;
	KB_CHECK(t && t->nparas == 2);
	if (t && t->nparas == 2) {
		KB_CHECK_STR(t->paras[0].text, "Afgørelse");
		KB_CHECK_STR(t->paras[1].text, UTF8_LINE);
	}
	kb_letter_free(l);
	l = NULL;
	/* the same file read as UTF-8: the message names the line and says how to give the encoding */
	KB_CHECK_INT(kb_letter_open(&l, ctx, TMP("brev.txt")), KB_EINPUT);
	KB_CHECK(l == NULL);
	KB_CHECK(strstr(kb_ctx_errmsg(ctx), "brev.txt: linje 1 er ikke gyldig UTF-8 (byten 0xF8)") != NULL);
	KB_CHECK(strstr(kb_ctx_errmsg(ctx), "--encoding") != NULL);
	unlink(TMP("brev.txt"));
	kb_ctx_free(ctx);
}

static void test_encoding__letter_from_text_in_memory(void)
{
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	kb_letter *l = NULL;
	const char *in = "Linje et\n" CP1252_LINE;
	KB_CHECK_INT(kb_letter_from_text(&l, ctx, in, strlen(in), "standard-input", "iso-8859-1"), KB_OK);
	const kb_text *t = l ? kb_letter_text(l) : NULL;
	KB_CHECK(t && t->nparas == 2 && !strcmp(t->paras[1].text, UTF8_LINE));
	KB_CHECK(t && t->nparas && !strcmp(t->paras[0].part_name, "standard-input"));
	kb_letter_free(l);
	l = NULL;
	KB_CHECK_INT(kb_letter_from_text(&l, ctx, in, strlen(in), "standard-input", NULL), KB_EINPUT);
	KB_CHECK(strstr(kb_ctx_errmsg(ctx), "standard-input: linje 2 er ikke gyldig UTF-8") != NULL);
	kb_ctx_free(ctx);
}

static void test_encoding__windows_1252_case_file_loads(void)
{
	kb_ctx *ctx;
	kb_ctx_new(&ctx);
	write_bytes(TMP("sag.json"), "{\"navn\": \"S\xf8ren \xc5"
	                             "berg\", \"ignore\": [\"\xc5"
	                             "berg\"]}");
	kb_case *c = NULL;
	KB_CHECK_INT(kb_case_load_file_encoded(&c, ctx, TMP("sag.json"), "windows-1252"), KB_OK);
	const json_t *root = c ? kb_case_json(c) : NULL;
	KB_CHECK_STR(json_string_value(json_object_get(root, "navn")), "Søren Åberg");
	kb_case_free(c);
	c = NULL;
	KB_CHECK_INT(kb_case_load_file(&c, ctx, TMP("sag.json")), KB_EINPUT);
	KB_CHECK(strstr(kb_ctx_errmsg(ctx), "sag.json: linje 1 er ikke gyldig UTF-8 (byten 0xF8); gem sagen som "
	                                    "UTF-8, eller angiv tegnsættet med --encoding") != NULL);
	unlink(TMP("sag.json"));
	kb_ctx_free(ctx);
}

KB_TESTS(KB_TEST(test_encoding__windows_1252_becomes_utf8), KB_TEST(test_encoding__utf8_and_no_encoding_copy_the_bytes),
         KB_TEST(test_encoding__unknown_encoding_is_named_in_danish),
         KB_TEST(test_encoding__byte_the_encoding_lacks_names_line_and_byte),
         KB_TEST(test_encoding__utf8_text_given_as_windows_1252_is_refused),
         KB_TEST(test_encoding__output_larger_than_the_cap_is_refused),
         KB_TEST(test_encoding__windows_1252_txt_letter_opens_as_utf8),
         KB_TEST(test_encoding__letter_from_text_in_memory), KB_TEST(test_encoding__windows_1252_case_file_loads))
