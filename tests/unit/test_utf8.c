/* test_utf8.c -- decoding, letters, case mapping: what the text model and the plugins' klarbrev.len/lower/upper
 * rely on. */
#include "kbtest.h"
#include "utf8.h"

#include <stdint.h>

static uint32_t decode1(const char *s, size_t len, size_t *used)
{
	uint32_t cp = 0;
	*used = kb_utf8_decode(s, len, &cp);
	return cp;
}

static void test_utf8__decodes_one_to_four_bytes(void)
{
	size_t n;
	KB_CHECK_INT(decode1("a", 1, &n), 'a');
	KB_CHECK_INT(n, 1);
	KB_CHECK_INT(decode1("\xC3\xA6", 2, &n), 0xE6); /* æ */
	KB_CHECK_INT(n, 2);
	KB_CHECK_INT(decode1("\xE2\x82\xAC", 3, &n), 0x20AC); /* € */
	KB_CHECK_INT(n, 3);
	KB_CHECK_INT(decode1("\xF0\x9F\x98\x80", 4, &n), 0x1F600);
	KB_CHECK_INT(n, 4);
}

static void test_utf8__invalid_sequence_is_one_replacement_byte(void)
{
	static const char *const bad[] = {
		"\x80",             /* lone continuation byte */
		"\xC0\x80",         /* overlong NUL */
		"\xE0\x80\x80",     /* overlong */
		"\xED\xA0\x80",     /* surrogate U+D800 */
		"\xF4\x90\x80\x80", /* above U+10FFFF */
		"\xF8\x88\x80\x80", /* 5-byte lead */
		"\xC3",             /* truncated */
		"\xE2\x82",         /* truncated */
		"\xC3\x28",         /* bad continuation */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		size_t n;
		KB_CHECK_INT(decode1(bad[i], strlen(bad[i]), &n), 0xFFFD);
		KB_CHECK_INT(n, 1);
		KB_CHECK(!kb_utf8_valid(bad[i], strlen(bad[i])));
	}
}

static void test_utf8__valid_accepts_real_text_and_a_real_replacement_char(void)
{
	const char *s = "Ærø, Århus og København \xE2\x80\x94 \xEF\xBF\xBD \xF0\x9F\x98\x80";
	KB_CHECK(kb_utf8_valid(s, strlen(s)));
	KB_CHECK(kb_utf8_valid("", 0));
	KB_CHECK(!kb_utf8_valid("ok \xFF", 4));
}

static void test_utf8__encode_round_trips_and_refuses_surrogates(void)
{
	static const uint32_t cps[] = { 'A', 0xE6, 0x7FF, 0x800, 0x20AC, 0xFFFF, 0x10000, 0x1F600, 0x10FFFF };
	for (size_t i = 0; i < sizeof cps / sizeof cps[0]; i++) {
		char buf[4];
		size_t n = kb_utf8_encode(cps[i], buf), used;
		KB_CHECK_INT(decode1(buf, n, &used), cps[i]);
		KB_CHECK_INT(used, n);
	}
	char buf[4];
	size_t n = kb_utf8_encode(0xD800, buf), used;
	KB_CHECK_INT(decode1(buf, n, &used), 0xFFFD);
	n = kb_utf8_encode(0x110000, buf);
	KB_CHECK_INT(decode1(buf, n, &used), 0xFFFD);
}

static void test_utf8__danish_and_foreign_letters_are_letters(void)
{
	static const uint32_t letters[] = { 'a', 'Z', 0xE6, 0xF8, 0xE5, 0xC6, 0xD8, 0xC5, 0xE9, 0xFC, 0xDF, 0xAA, 0xBA,
	                                    0xB5, 0x0142, 0x01CE, 0x0259, 0x1EA1, 0x03B1, 0x0416, 0x05D0, 0x4E2D };
	for (size_t i = 0; i < sizeof letters / sizeof letters[0]; i++)
		KB_CHECK(kb_uc_is_letter(letters[i]));
	static const uint32_t others[] = { '1', '.', '-', ' ', 0xA0, 0xA7 /* § */, 0xD7, 0xF7, 0xAD, 0x0301, 0x2013,
	                                   0x201D, 0x20AC, 0x3002, 0xFFFD, 0x1F600, 0xE000, 0x037E };
	for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
		KB_CHECK(!kb_uc_is_letter(others[i]));
	KB_CHECK(kb_uc_is_mark(0x0301));
	KB_CHECK(kb_uc_is_mark(0x200D));
	KB_CHECK(!kb_uc_is_mark('e'));
	KB_CHECK(kb_uc_is_digit('7'));
	KB_CHECK(!kb_uc_is_digit(0x0663)); /* Arabic-Indic three: ASCII digits only */
}

static void test_utf8__white_space_includes_no_break_space(void)
{
	static const uint32_t spaces[] = { ' ', '\t', '\n', '\r', 0xA0, 0x2003, 0x2009, 0x202F, 0x3000, 0x2028 };
	for (size_t i = 0; i < sizeof spaces / sizeof spaces[0]; i++)
		KB_CHECK(kb_uc_is_space(spaces[i]));
	KB_CHECK(!kb_uc_is_space('a'));
	KB_CHECK(!kb_uc_is_space(0x200B)); /* zero-width space is a format character */
	KB_CHECK(!kb_uc_is_space(0));
}

static void test_utf8__ae_is_one_letter(void)
{
	KB_CHECK_INT(kb_utf8_count_letters("æble", strlen("æble")), 4);
	KB_CHECK_INT(kb_utf8_count_letters("færdig", strlen("færdig")), 6); /* 7 bytes */
	KB_CHECK_INT(kb_utf8_count_letters("f.eks.", 6), 4);
	KB_CHECK_INT(kb_utf8_count_letters("10.000", 6), 0);
	KB_CHECK_INT(kb_utf8_count_letters("e\xCC\x81", 3), 1); /* e + combining acute */
	KB_CHECK_INT(kb_utf8_count_chars("æøå", strlen("æøå")), 3);
	KB_CHECK_INT(kb_utf8_count_chars("a\xFF" "b", 3), 3);
}

static void test_utf8__case_maps_danish_letters(void)
{
	KB_CHECK_INT(kb_uc_tolower(0xC6), 0xE6); /* Æ æ */
	KB_CHECK_INT(kb_uc_toupper(0xE6), 0xC6);
	KB_CHECK_INT(kb_uc_tolower(0xD8), 0xF8); /* Ø ø */
	KB_CHECK_INT(kb_uc_toupper(0xF8), 0xD8);
	KB_CHECK_INT(kb_uc_tolower(0xC5), 0xE5); /* Å å */
	KB_CHECK_INT(kb_uc_toupper(0xE5), 0xC5);
	KB_CHECK_INT(kb_uc_tolower(0xC9), 0xE9); /* É é */
	KB_CHECK_INT(kb_uc_toupper(0xE9), 0xC9);
	KB_CHECK_INT(kb_uc_toupper(0xDF), 0xDF); /* ß stays */
	KB_CHECK_INT(kb_uc_toupper(0xFF), 0x178); /* ÿ Ÿ */
	KB_CHECK_INT(kb_uc_tolower(0x178), 0xFF);
	KB_CHECK_INT(kb_uc_toupper(0xD7), 0xD7); /* × is no letter */
	KB_CHECK_INT(kb_uc_tolower(0xF7), 0xF7);
	KB_CHECK(kb_uc_is_upper(0xC6));
	KB_CHECK(kb_uc_is_lower(0xE6));
	KB_CHECK(kb_uc_is_lower(0xDF));
	KB_CHECK(!kb_uc_is_upper('1') && !kb_uc_is_lower('1'));
	KB_CHECK(!kb_uc_is_upper(0xA7) && !kb_uc_is_lower(0xA7));
}

static void test_utf8__case_maps_other_european_scripts(void)
{
	KB_CHECK_INT(kb_uc_tolower(0x0141), 0x0142); /* Ł ł */
	KB_CHECK_INT(kb_uc_toupper(0x010D), 0x010C); /* č Č */
	KB_CHECK_INT(kb_uc_toupper(0x017E), 0x017D); /* ž Ž */
	KB_CHECK_INT(kb_uc_tolower(0x0130), 'i');    /* İ */
	KB_CHECK_INT(kb_uc_toupper(0x0131), 'I');    /* ı */
	KB_CHECK_INT(kb_uc_tolower(0x01C5), 0x01C6); /* Dž dž */
	KB_CHECK_INT(kb_uc_tolower(0x03A3), 0x03C3); /* Σ σ */
	KB_CHECK_INT(kb_uc_toupper(0x03C2), 0x03A3); /* ς Σ */
	KB_CHECK_INT(kb_uc_toupper(0x03AC), 0x0386); /* ά Ά */
	KB_CHECK_INT(kb_uc_tolower(0x0416), 0x0436); /* Ж ж */
	KB_CHECK_INT(kb_uc_toupper(0x0451), 0x0401); /* ё Ё */
	KB_CHECK_INT(kb_uc_tolower(0x1E9E), 0xDF);   /* ẞ ß */
	KB_CHECK_INT(kb_uc_toupper(0x1EA1), 0x1EA0); /* ạ Ạ */
}

static void test_utf8__lower_and_upper_allocate_whole_strings(void)
{
	size_t n = 0;
	char *s = kb_utf8_lower("ÆBLE, ØL OG ÅR – É", strlen("ÆBLE, ØL OG ÅR – É"), &n);
	KB_CHECK_STR(s, "æble, øl og år – é");
	KB_CHECK_INT(n, strlen("æble, øl og år – é"));
	free(s);
	s = kb_utf8_upper("straße på ærø", strlen("straße på ærø"), &n);
	KB_CHECK_STR(s, "STRAßE PÅ ÆRØ");
	free(s);
	s = kb_utf8_lower("A\xFF" "B", 3, &n); /* an invalid byte becomes U+FFFD, so the result is valid UTF-8 */
	KB_CHECK_STR(s, "a\xEF\xBF\xBD" "b");
	KB_CHECK_INT(n, 5);
	free(s);
	s = kb_utf8_upper("", 0, NULL);
	KB_CHECK_STR(s, "");
	free(s);
}

KB_TESTS(KB_TEST(test_utf8__decodes_one_to_four_bytes), KB_TEST(test_utf8__invalid_sequence_is_one_replacement_byte),
         KB_TEST(test_utf8__valid_accepts_real_text_and_a_real_replacement_char),
         KB_TEST(test_utf8__encode_round_trips_and_refuses_surrogates),
         KB_TEST(test_utf8__danish_and_foreign_letters_are_letters),
         KB_TEST(test_utf8__white_space_includes_no_break_space), KB_TEST(test_utf8__ae_is_one_letter),
         KB_TEST(test_utf8__case_maps_danish_letters), KB_TEST(test_utf8__case_maps_other_european_scripts),
         KB_TEST(test_utf8__lower_and_upper_allocate_whole_strings))
