/*
 * encoding.h -- text in other character sets than UTF-8 (windows-1252, iso-8859-1, ...), converted to UTF-8 with
 * iconv (glibc) where it enters: case data, a .txt letter, text on standard input, a word list.
 */
#ifndef KB_ENCODING_H
#define KB_ENCODING_H

#include "internal.h"

/* 1 when encoding means "no conversion": NULL, "", "utf-8" or "utf8" in any case. */
int kb_encoding_is_utf8(const char *encoding);

/* Converts data[0..len) from encoding to UTF-8 into a new NUL-terminated buffer of at most max bytes (caller frees
 * *out). A UTF-8 encoding (kb_encoding_is_utf8) copies the bytes unchanged: checking them is the reader's job, which
 * knows lines and files. name (a file, "standard-input") goes into the Danish messages:
 *  - KB_EINPUT: an unknown encoding; a byte the encoding does not have ("linje 3: byten 0x81 findes ikke i
 *    windows-1252"); text that is UTF-8 already (a legacy encoding was given for a UTF-8 file: converting would
 *    turn "æ" into "Ã¦" silently);
 *  - KB_ELIMIT: the converted text is larger than max; KB_ENOMEM. */
int kb_encoding_to_utf8(char **out, size_t *out_len, kb_ctx *ctx, const char *data, size_t len, const char *encoding,
                        const char *name, size_t max);

/* KB_OK when data[0..len) is valid UTF-8; else KB_EINPUT with a Danish message that names the line and the byte and
 * tells how to fix it: "<name>: linje 3 er ikke gyldig UTF-8 (byten 0xE6); gem <what> som UTF-8, eller angiv
 * dens tegnsæt med --encoding (fx windows-1252)". what: "sagen", "brevet". */
int kb_encoding_check_utf8(kb_ctx *ctx, const char *data, size_t len, const char *name, const char *what);

/* kb_read_file, then kb_encoding_to_utf8 with the file's path as the name. */
int kb_encoding_read_file(char **out, size_t *out_len, kb_ctx *ctx, const char *path, const char *encoding, size_t max);

#endif
