/*
 * utf8.c -- UTF-8 decoding and encoding, letters and simple case mapping, without a Unicode library.
 *
 * The tables cover what Danish letters meet in practice: Latin in all its European forms, Greek and Cyrillic. Other
 * scripts are treated coarsely (a code point from U+0250 up is a letter unless it sits in a punctuation, symbol,
 * mark or private-use block) so that a name in another script still counts as a word with letters.
 */
#include "utf8.h"

#include <stdint.h>
#include <stdlib.h>

#define KB_UC_REPLACEMENT 0xFFFDu

typedef struct uc_block {
	uint32_t lo, hi;
} uc_block;

/* Code points from U+0250 up that are not letters, sorted, not overlapping. Anything above U+024F outside these
 * blocks is a letter. */
static const uc_block uc_not_letters[] = {
	{ 0x02C2, 0x02C5 },   { 0x02D2, 0x02DF },   { 0x02E5, 0x02EB },   { 0x02ED, 0x02ED },
	{ 0x02EF, 0x036F },   /* modifier symbols, combining diacritical marks */
	{ 0x0374, 0x0375 },   { 0x037E, 0x037E },   { 0x0384, 0x0385 },   { 0x0387, 0x0387 },
	{ 0x03F6, 0x03F6 },   /* Greek signs and punctuation */
	{ 0x0482, 0x0489 },   /* Cyrillic thousands sign and combining marks */
	{ 0x055A, 0x055F },   { 0x0589, 0x058A },   { 0x058D, 0x058F }, /* Armenian punctuation */
	{ 0x0591, 0x05C7 },   { 0x05F3, 0x05F4 },   /* Hebrew points and punctuation */
	{ 0x0600, 0x061F },   { 0x064B, 0x065F },   { 0x066A, 0x066D },   { 0x0670, 0x0670 },
	{ 0x06D4, 0x06D4 },   { 0x06D6, 0x06ED },   /* Arabic signs, marks and punctuation */
	{ 0x0964, 0x0965 },   /* Devanagari danda */
	{ 0x0E3F, 0x0E3F },   /* Thai currency sign */
	{ 0x1AB0, 0x1AFF },   { 0x1DC0, 0x1DFF },   /* combining marks */
	{ 0x2000, 0x2BFF },   /* general punctuation up to miscellaneous symbols and arrows */
	{ 0x2E00, 0x2E7F },   /* supplemental punctuation */
	{ 0x2FF0, 0x303F },   /* ideographic description, CJK symbols and punctuation */
	{ 0x3099, 0x309C },   { 0x30FB, 0x30FB },   { 0x3200, 0x33FF },
	{ 0xD800, 0xF8FF },   /* surrogates, private use */
	{ 0xFE00, 0xFE6F },   /* variation selectors, vertical, combining half marks, small forms */
	{ 0xFEFF, 0xFEFF },   { 0xFF00, 0xFF20 },   { 0xFF3B, 0xFF40 },   { 0xFF5B, 0xFF65 },
	{ 0xFFE0, 0xFFFF },   /* full-width punctuation and symbols, specials (U+FFFD) */
	{ 0x1F000, 0x1FFFF }, /* emoji, pictographs, playing cards */
	{ 0xE0000, 0x10FFFF } /* tags, variation selectors supplement, private use planes */
};

/* Combining marks and joiners, sorted. */
static const uc_block uc_marks[] = {
	{ 0x0300, 0x036F }, { 0x0483, 0x0489 }, { 0x0591, 0x05BD }, { 0x05BF, 0x05BF }, { 0x05C1, 0x05C2 },
	{ 0x05C4, 0x05C5 }, { 0x05C7, 0x05C7 }, { 0x0610, 0x061A }, { 0x064B, 0x065F }, { 0x0670, 0x0670 },
	{ 0x06D6, 0x06DC }, { 0x06DF, 0x06E4 }, { 0x06E7, 0x06E8 }, { 0x06EA, 0x06ED }, { 0x1AB0, 0x1AFF },
	{ 0x1DC0, 0x1DFF }, { 0x200C, 0x200D }, { 0x20D0, 0x20FF }, { 0x3099, 0x309A }, { 0xFE00, 0xFE0F },
	{ 0xFE20, 0xFE2F }, { 0xE0100, 0xE01EF }
};

static int uc_in_blocks(uint32_t cp, const uc_block *b, size_t n)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cp < b[mid].lo)
			hi = mid;
		else if (cp > b[mid].hi)
			lo = mid + 1;
		else
			return 1;
	}
	return 0;
}

/* ---- decoding and encoding ---- */

size_t kb_utf8_decode(const char *s, size_t len, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned char b0 = u[0];
	size_t need;
	uint32_t c;
	unsigned char lo = 0x80, hi = 0xBF; /* allowed range of the second byte */

	if (b0 < 0x80) {
		*cp = b0;
		return 1;
	}
	if (b0 < 0xC2) { /* continuation byte, or an overlong 2-byte lead */
		goto bad;
	} else if (b0 < 0xE0) {
		need = 2;
		c = b0 & 0x1Fu;
	} else if (b0 < 0xF0) {
		need = 3;
		c = b0 & 0x0Fu;
		if (b0 == 0xE0)
			lo = 0xA0; /* overlong */
		else if (b0 == 0xED)
			hi = 0x9F; /* surrogates */
	} else if (b0 < 0xF5) {
		need = 4;
		c = b0 & 0x07u;
		if (b0 == 0xF0)
			lo = 0x90; /* overlong */
		else if (b0 == 0xF4)
			hi = 0x8F; /* above U+10FFFF */
	} else {
		goto bad;
	}
	if (len < need)
		goto bad;
	if (u[1] < lo || u[1] > hi)
		goto bad;
	for (size_t i = 1; i < need; i++) {
		if ((u[i] & 0xC0u) != 0x80u)
			goto bad;
		c = (c << 6) | (u[i] & 0x3Fu);
	}
	*cp = c;
	return need;
bad:
	*cp = KB_UC_REPLACEMENT;
	return 1;
}

size_t kb_utf8_encode(uint32_t cp, char *out)
{
	unsigned char *u = (unsigned char *)out;
	if (cp > 0x10FFFFu || (cp >= 0xD800u && cp <= 0xDFFFu))
		cp = KB_UC_REPLACEMENT;
	if (cp < 0x80u) {
		u[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800u) {
		u[0] = (unsigned char)(0xC0u | (cp >> 6));
		u[1] = (unsigned char)(0x80u | (cp & 0x3Fu));
		return 2;
	}
	if (cp < 0x10000u) {
		u[0] = (unsigned char)(0xE0u | (cp >> 12));
		u[1] = (unsigned char)(0x80u | ((cp >> 6) & 0x3Fu));
		u[2] = (unsigned char)(0x80u | (cp & 0x3Fu));
		return 3;
	}
	u[0] = (unsigned char)(0xF0u | (cp >> 18));
	u[1] = (unsigned char)(0x80u | ((cp >> 12) & 0x3Fu));
	u[2] = (unsigned char)(0x80u | ((cp >> 6) & 0x3Fu));
	u[3] = (unsigned char)(0x80u | (cp & 0x3Fu));
	return 4;
}

size_t kb_utf8_invalid_at(const char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		uint32_t cp;
		size_t n = kb_utf8_decode(s + i, len - i, &cp);
		/* a real U+FFFD in the input is 3 bytes; a 1-byte U+FFFD is the decoder's error */
		if (cp == KB_UC_REPLACEMENT && n == 1)
			return i;
		i += n;
	}
	return len;
}

int kb_utf8_valid(const char *s, size_t len)
{
	return kb_utf8_invalid_at(s, len) == len;
}

/* ---- classes ---- */

int kb_uc_is_letter(uint32_t cp)
{
	if (cp < 0x80u)
		return (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z');
	if (cp < 0xC0u)
		return cp == 0xAAu || cp == 0xB5u || cp == 0xBAu; /* ª µ º */
	if (cp < 0x100u)
		return cp != 0xD7u && cp != 0xF7u; /* × ÷ */
	if (cp < 0x250u)
		return 1; /* Latin Extended-A and -B */
	return !uc_in_blocks(cp, uc_not_letters, sizeof uc_not_letters / sizeof uc_not_letters[0]);
}

int kb_uc_is_mark(uint32_t cp)
{
	if (cp < 0x300u)
		return 0;
	return uc_in_blocks(cp, uc_marks, sizeof uc_marks / sizeof uc_marks[0]);
}

int kb_uc_is_digit(uint32_t cp)
{
	return cp >= '0' && cp <= '9';
}

int kb_uc_is_space(uint32_t cp)
{
	if (cp <= 0x20u)
		return cp == 0x20u || (cp >= 0x09u && cp <= 0x0Du);
	if (cp < 0x1680u)
		return cp == 0x85u || cp == 0xA0u;
	return cp == 0x1680u || (cp >= 0x2000u && cp <= 0x200Au) || cp == 0x2028u || cp == 0x2029u || cp == 0x202Fu ||
	       cp == 0x205Fu || cp == 0x3000u;
}

/* ---- case mapping ----
 * Simple (one code point to one code point) mappings only: "ß" stays "ß" in upper case, as Danish writes it. */

/* Upper case lo..hi maps to lower case lo+delta..hi+delta. */
typedef struct uc_shift {
	uint32_t lo, hi;
	int32_t delta;
} uc_shift;

static const uc_shift uc_shifts[] = {
	{ 0x00C0, 0x00D6, 32 },  { 0x00D8, 0x00DE, 32 }, { 0x0178, 0x0178, -121 }, /* Ÿ -> ÿ */
	{ 0x0386, 0x0386, 38 },  { 0x0388, 0x038A, 37 }, { 0x038C, 0x038C, 64 },   { 0x038E, 0x038F, 63 },
	{ 0x0391, 0x03A1, 32 },  { 0x03A3, 0x03AB, 32 }, { 0x03CF, 0x03CF, 8 },    { 0x0400, 0x040F, 80 },
	{ 0x0410, 0x042F, 32 },  { 0x04C0, 0x04C0, 15 }, { 0x0531, 0x0556, 48 }
};

/* lo is upper case, lo+1 its lower case, and so on in pairs up to hi. */
static const uc_block uc_pairs[] = {
	{ 0x0100, 0x012F }, { 0x0132, 0x0137 }, { 0x0139, 0x0148 }, { 0x014A, 0x0177 }, { 0x0179, 0x017E },
	{ 0x01CD, 0x01DC }, { 0x01DE, 0x01EF }, { 0x01F4, 0x01F5 }, { 0x01F8, 0x021F }, { 0x0222, 0x0233 },
	{ 0x0246, 0x024F }, { 0x0370, 0x0373 }, { 0x0376, 0x0377 }, { 0x03D8, 0x03EF }, { 0x0460, 0x0481 },
	{ 0x048A, 0x04BF }, { 0x04C1, 0x04CE }, { 0x04D0, 0x052F }, { 0x1E00, 0x1E95 }, { 0x1EA0, 0x1EFF }
};

#define UC_NSHIFTS (sizeof uc_shifts / sizeof uc_shifts[0])
#define UC_NPAIRS (sizeof uc_pairs / sizeof uc_pairs[0])

/* The Latin digraphs DŽ Dž dž, LJ Lj lj, NJ Nj nj, DZ Dz dz come in threes: upper, title, lower. The first of each. */
static uint32_t uc_digraph_base(uint32_t cp)
{
	if (cp >= 0x01C4u && cp <= 0x01CCu)
		return 0x01C4u + (cp - 0x01C4u) / 3u * 3u;
	if (cp >= 0x01F1u && cp <= 0x01F3u)
		return 0x01F1u;
	return 0;
}

uint32_t kb_uc_tolower(uint32_t cp)
{
	if (cp < 0x80u)
		return cp >= 'A' && cp <= 'Z' ? cp + 32u : cp;
	if (cp < 0xC0u || cp > 0x1EFFu)
		return cp;
	if (cp == 0x0130u) /* İ */
		return 'i';
	if (cp == 0x1E9Eu) /* ẞ */
		return 0xDFu;
	uint32_t base = uc_digraph_base(cp);
	if (base)
		return base + 2u;
	for (size_t i = 0; i < UC_NSHIFTS; i++)
		if (cp >= uc_shifts[i].lo && cp <= uc_shifts[i].hi)
			return (uint32_t)((int32_t)cp + uc_shifts[i].delta);
	for (size_t i = 0; i < UC_NPAIRS; i++)
		if (cp >= uc_pairs[i].lo && cp <= uc_pairs[i].hi)
			return ((cp - uc_pairs[i].lo) & 1u) ? cp : cp + 1u;
	return cp;
}

uint32_t kb_uc_toupper(uint32_t cp)
{
	if (cp < 0x80u)
		return cp >= 'a' && cp <= 'z' ? cp - 32u : cp;
	if (cp < 0xE0u || cp > 0x1EFFu)
		return cp; /* includes µ and ß, which keep their form */
	if (cp == 0x0131u) /* ı */
		return 'I';
	if (cp == 0x017Fu) /* ſ */
		return 'S';
	if (cp == 0x03C2u) /* final sigma */
		return 0x03A3u;
	uint32_t base = uc_digraph_base(cp);
	if (base)
		return base;
	for (size_t i = 0; i < UC_NSHIFTS; i++) {
		int32_t lo = (int32_t)uc_shifts[i].lo + uc_shifts[i].delta;
		int32_t hi = (int32_t)uc_shifts[i].hi + uc_shifts[i].delta;
		if ((int32_t)cp >= lo && (int32_t)cp <= hi)
			return (uint32_t)((int32_t)cp - uc_shifts[i].delta);
	}
	for (size_t i = 0; i < UC_NPAIRS; i++)
		if (cp >= uc_pairs[i].lo && cp <= uc_pairs[i].hi)
			return ((cp - uc_pairs[i].lo) & 1u) ? cp - 1u : cp;
	return cp;
}

int kb_uc_is_upper(uint32_t cp)
{
	return kb_uc_tolower(cp) != cp;
}

/* Lower case letters that have no simple upper-case form still count as lower case: a sentence does not start
 * with them. */
int kb_uc_is_lower(uint32_t cp)
{
	if (kb_uc_toupper(cp) != cp)
		return 1;
	return cp == 0xB5u || cp == 0xDFu || cp == 0x0138u || cp == 0x0149u || cp == 0x0390u || cp == 0x03B0u ||
	       (cp >= 0x0250u && cp <= 0x02AFu) || (cp >= 0x1D00u && cp <= 0x1D2Bu) ||
	       (cp >= 0x1E96u && cp <= 0x1E9Du) || cp == 0x1E9Fu;
}

/* ---- strings ---- */

size_t kb_utf8_count_letters(const char *s, size_t len)
{
	size_t n = 0, i = 0;
	while (i < len) {
		uint32_t cp;
		i += kb_utf8_decode(s + i, len - i, &cp);
		if (kb_uc_is_letter(cp))
			n++;
	}
	return n;
}

size_t kb_utf8_count_chars(const char *s, size_t len)
{
	size_t n = 0, i = 0;
	while (i < len) {
		uint32_t cp;
		i += kb_utf8_decode(s + i, len - i, &cp);
		n++;
	}
	return n;
}

/* Maps every code point of s[0..len) with map into a new string. Measures first, then writes, so the result is
 * exactly as long as it needs to be (invalid bytes become U+FFFD, which is longer than the byte it replaces). */
static char *utf8_map(const char *s, size_t len, size_t *out_len, uint32_t (*map)(uint32_t))
{
	char tmp[4];
	size_t need = 0, i = 0;
	if (out_len)
		*out_len = 0;
	while (i < len) {
		uint32_t cp;
		i += kb_utf8_decode(s + i, len - i, &cp);
		need += kb_utf8_encode(map(cp), tmp);
	}
	char *out = malloc(need + 1);
	if (!out)
		return NULL;
	size_t o = 0;
	i = 0;
	while (i < len) {
		uint32_t cp;
		i += kb_utf8_decode(s + i, len - i, &cp);
		o += kb_utf8_encode(map(cp), out + o);
	}
	out[o] = '\0';
	if (out_len)
		*out_len = o;
	return out;
}

char *kb_utf8_lower(const char *s, size_t len, size_t *out_len)
{
	return utf8_map(s, len, out_len, kb_uc_tolower);
}

char *kb_utf8_upper(const char *s, size_t len, size_t *out_len)
{
	return utf8_map(s, len, out_len, kb_uc_toupper);
}
