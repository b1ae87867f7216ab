/*
 * encoding.c -- conversion of legacy-encoded input (windows-1252, iso-8859-1, ...) to UTF-8 with glibc's iconv.
 * Everything inside klarbrev is UTF-8; this is the one place where other character sets are turned into it.
 */
#include "encoding.h"
#include "utf8.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define ENC_MAX_NAME 64 /* longer than any charset name iconv knows */

int kb_encoding_is_utf8(const char *encoding)
{
	return !encoding || !*encoding || !strcasecmp(encoding, "utf-8") || !strcasecmp(encoding, "utf8");
}

/* A charset name as iconv takes it: letters, digits and "-_.:" only (no option suffixes such as "//IGNORE"). */
static int enc_name_ok(const char *encoding)
{
	size_t n = strlen(encoding);
	if (n == 0 || n > ENC_MAX_NAME)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)encoding[i]) && !strchr("-_.:", encoding[i]))
			return 0;
	return 1;
}

/* 1-based line of byte offset off in data. */
static size_t enc_line_at(const char *data, size_t off)
{
	size_t line = 1;
	for (size_t i = 0; i < off; i++)
		if (data[i] == '\n')
			line++;
	return line;
}

/* The first non-ASCII byte of data[0..len), or len when there is none. */
static size_t enc_first_high(const char *data, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)data[i] >= 0x80u)
			return i;
	return len;
}

int kb_encoding_to_utf8(char **out, size_t *out_len, kb_ctx *ctx, const char *data, size_t len, const char *encoding,
                        const char *name, size_t max)
{
	*out = NULL;
	if (out_len)
		*out_len = 0;
	if (!name)
		name = "teksten";
	kb_buf b;
	kb_buf_init(&b, max);
	iconv_t cd = (iconv_t)-1;
	int rc = KB_OK;
	if (kb_encoding_is_utf8(encoding)) {
		rc = kb_buf_add(&b, data, len);
		goto done;
	}
	if (!enc_name_ok(encoding) || (cd = iconv_open("UTF-8", encoding)) == (iconv_t)-1) {
		rc = kb_ctx_fail(ctx, KB_EINPUT,
		                 "%s: tegnsættet »%.64s« kendes ikke; brug fx windows-1252, iso-8859-1 eller utf-8",
		                 name, encoding);
		goto done;
	}
	size_t high = enc_first_high(data, len);
	if (high < len && kb_utf8_valid(data, len)) {
		rc = kb_ctx_fail(
		    ctx, KB_EINPUT,
		    "%s: linje %zu: teksten er allerede UTF-8, ikke %s (en omkodning ville gøre »æ« til »Ã¦«); "
		    "angiv ikke noget tegnsæt",
		    name, enc_line_at(data, high), encoding);
		goto done;
	}
	char *in = (char *)data; /* iconv's prototype; it does not write through it */
	size_t inleft = len;
	int flushed = 0;
	while (!flushed) {
		char chunk[8192];
		char *o = chunk;
		size_t oleft = sizeof chunk;
		size_t r = inleft ? iconv(cd, &in, &inleft, &o, &oleft) : iconv(cd, NULL, NULL, &o, &oleft);
		int err = r == (size_t)-1 ? errno : 0;
		if (!inleft && !err)
			flushed = 1; /* the shift-state reset (stateful encodings) went into this chunk */
		if ((size_t)(o - chunk) && (rc = kb_buf_add(&b, chunk, (size_t)(o - chunk))))
			goto done;
		if (!err || err == E2BIG)
			continue;
		size_t at = (size_t)(in - data);
		if (err == EILSEQ)
			rc = kb_ctx_fail(
			    ctx, KB_EINPUT,
			    "%s: linje %zu: byten 0x%02X findes ikke i tegnsættet %s; er filen gemt i et andet "
			    "tegnsæt?",
			    name, enc_line_at(data, at), (unsigned char)data[at], encoding);
		else if (err == EINVAL)
			rc = kb_ctx_fail(ctx, KB_EINPUT, "%s: linje %zu: teksten slutter midt i et tegn (%s)", name,
			                 enc_line_at(data, at), encoding);
		else
			rc = kb_ctx_fail(ctx, KB_EINPUT, "%s: kan ikke omkode fra %s: %s", name, encoding,
			                 kb_errno_text(err));
		goto done;
	}
done:
	if (cd != (iconv_t)-1)
		iconv_close(cd);
	if (rc == KB_ELIMIT)
		rc = kb_ctx_fail(ctx, rc, "%s: teksten er større end grænsen på %zu byte", name, max);
	else if (rc == KB_ENOMEM)
		rc = kb_ctx_fail(ctx, rc, "%s: ikke nok hukommelse", name);
	if (rc) {
		kb_buf_free(&b);
		return rc;
	}
	if (out_len)
		*out_len = b.len;
	*out = kb_buf_detach(&b);
	return *out ? KB_OK : kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
}

int kb_encoding_check_utf8(kb_ctx *ctx, const char *data, size_t len, const char *name, const char *what)
{
	size_t bad = kb_utf8_invalid_at(data, len);
	if (bad == len)
		return KB_OK;
	return kb_ctx_fail(
	    ctx, KB_EINPUT,
	    "%s: linje %zu er ikke gyldig UTF-8 (byten 0x%02X); gem %s som UTF-8, eller angiv tegnsættet "
	    "med --encoding (fx windows-1252)",
	    name, enc_line_at(data, bad), (unsigned char)data[bad], what);
}

int kb_encoding_read_file(char **out, size_t *out_len, kb_ctx *ctx, const char *path, const char *encoding, size_t max)
{
	if (kb_encoding_is_utf8(encoding))
		return kb_read_file(out, out_len, ctx, path, max);
	char *raw = NULL;
	size_t len = 0;
	*out = NULL;
	int rc = kb_read_file(&raw, &len, ctx, path, max);
	if (!rc)
		rc = kb_encoding_to_utf8(out, out_len, ctx, raw, len, encoding, path, max);
	free(raw);
	return rc;
}
