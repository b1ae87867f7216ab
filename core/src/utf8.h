/*
 * utf8.h -- the few Unicode facts klarbrev needs, without a Unicode library: decoding, letters, case mapping for the
 * Latin, Greek and Cyrillic scripts, and counting letters rather than bytes.
 */
#ifndef KB_UTF8_H
#define KB_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Decodes one code point at s[0..len). Returns the number of bytes used (1..4) and sets *cp. An invalid or
 * truncated sequence yields U+FFFD and consumes 1 byte. len must be > 0. */
size_t kb_utf8_decode(const char *s, size_t len, uint32_t *cp);
/* Encodes cp into out (at least 4 bytes). Returns bytes written (1..4); invalid code points become U+FFFD. */
size_t kb_utf8_encode(uint32_t cp, char *out);
/* 1 when s[0..len) is valid UTF-8 (no overlongs, no surrogates). */
int kb_utf8_valid(const char *s, size_t len);
/* The offset of the first byte of s[0..len) that does not start a valid UTF-8 sequence, or len when all is valid. */
size_t kb_utf8_invalid_at(const char *s, size_t len);

/* Letters: Latin (ASCII, Latin-1, Extended-A/B, Extended Additional, IPA), Greek, Cyrillic, and every other code point
 * from U+0250 up that is not in a known punctuation, symbol, mark or private-use block. Combining marks are not
 * letters (an "e" + U+0301 is one letter), nor are digits, U+FFFD or emoji. */
int kb_uc_is_letter(uint32_t cp);
/* Combining marks and joiners (U+0300..U+036F, U+200C/U+200D, variation selectors, ...): not letters, but part of the
 * word they sit in. */
int kb_uc_is_mark(uint32_t cp);
int kb_uc_is_digit(uint32_t cp);  /* ASCII 0-9 only */
int kb_uc_is_upper(uint32_t cp);
int kb_uc_is_lower(uint32_t cp);
/* Unicode white space, including U+00A0 (no-break space, which Word uses a lot) and U+2000..U+200A. */
int kb_uc_is_space(uint32_t cp);
uint32_t kb_uc_tolower(uint32_t cp);
uint32_t kb_uc_toupper(uint32_t cp);

/* Number of code points in s[0..len) that are letters. */
size_t kb_utf8_count_letters(const char *s, size_t len);
/* Number of code points in s[0..len). */
size_t kb_utf8_count_chars(const char *s, size_t len);
/* Lower-/upper-cases s[0..len) into a new NUL-terminated string (caller frees); NULL when out of memory. */
char *kb_utf8_lower(const char *s, size_t len, size_t *out_len);
char *kb_utf8_upper(const char *s, size_t len, size_t *out_len);

#endif
