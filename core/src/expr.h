/*
 * expr.h -- what stands inside a tag, shared by the DOCX engine (template.c) and the plain-text Mustache engine
 * (mustache.c): a field path with optional formatters after pipes, the Mustache context stack that resolves the
 * path, and evaluation.
 *
 *   modtager.navn
 *   beløb | kr
 *   dato | dato "kort"
 *   udfald | eq “afslag”            (Word's curly quotes count as straight quotes)
 *   navn | standard "ikke oplyst" | store
 */
#ifndef KB_EXPR_H
#define KB_EXPR_H

#include "internal.h"

#include <jansson.h>

typedef struct kb_expr_fmt {
	char *name;   /* "kr", "dato", "små" (UTF-8) */
	char **args;  /* the quoted arguments, quotes removed */
	size_t nargs;
} kb_expr_fmt;

typedef struct kb_expr {
	char *path;        /* "modtager.navn", "." */
	kb_expr_fmt *fmts; /* applied left to right */
	size_t nfmts;
} kb_expr;

/* Parses src[0..len) (the tag's content without delimiters and sigil; surrounding white space allowed). A syntax
 * error (empty path, "|" without a name, an unclosed quote) is KB_EINPUT with a Danish message saying what is wrong;
 * an unknown formatter name is NOT a parse error (lint and render report it, see kb_format_exists). */
int kb_expr_parse(kb_expr *out, kb_ctx *ctx, const char *src, size_t len);
void kb_expr_free(kb_expr *e);

/* The formatters (arguments in any of the quotes above, or bare words):
 *   kr                 number or numeric text ("12345.5", "12345,50", "12.345,50") -> "12.345,50 kr."; text with one
 *                      point and three decimals ("1.234") is refused as ambiguous
 *   dato ["kort"|"lang"]  a date as kb_date_parse reads it ("2026-11-28", a time after it is ignored, or "28.
 *                      november 2026") -> "28. november 2026" (lang, the default) / "28.11.2026" (kort)
 *   cpr                "0101901234", "010190-1234", "010190 1234" -> "010190-xxxx"; the message for a bad value does
 *                      not repeat it (personal data)
 *   tal ["N"]          Danish number: "12.345", "1.234,5"; with N (0-10) exactly N decimals, rounded half away from 0
 *   store, små, stort_begyndelsesbogstav   letter case, UTF-8 aware (æøå)
 *   standard "x"       x when the field is missing, null or ""; otherwise the value unchanged
 *   liste ["og"]       ["a","b","c"] -> "a, b og c"; empty items ("" and null) are left out; a scalar gives its text
 *   eq "v"             true when the value's text (kb_value_text) is v; false for a missing field
 *   ikke               the negation of kb_value_truthy; true for a missing field
 * Except standard, eq and ikke, a formatter passes a missing field on as missing (NULL). Arguments are checked even
 * then. */

/* A calendar day. */
typedef struct kb_date {
	int y, m, d;
} kb_date;

/* The one date reader, shared by the manifest's "date" type and the dato formatter: "2026-11-28" (optionally a
 * time after "T" or a space: "2026-11-28T10:15:00+01:00") or a date already written out, "28. november 2026"
 * (month in any letter case). s[0..n); s may be NULL (not a text). Returns KB_OK and fills *out, or KB_EINPUT and
 * writes to why[0..cap) what is wrong with this value, in Danish, to follow the value in a message: "er ikke en
 * dato på formen ÅÅÅÅ-MM-DD ...", "er ikke en dag i kalenderen: februar 2026 har 28 dage". A value in the form
 * of a date that names no day (2026-02-30) is KB_DATE_NO_DAY instead of KB_EINPUT (why as above). */
#define KB_DATE_NO_DAY (-100)
int kb_date_parse(kb_date *out, char *why, size_t cap, const char *s, size_t n);

/* 1 when name is a formatter klarbrev knows. */
int kb_format_exists(const char *name);
/* Checks a formatter's name and arguments as the template gives them (dato "kort"|"lang", tal "0".."10", the
 * number of arguments of each), without a value: what lint and the template compiler report. KB_OK, or KB_EINPUT
 * with the same Danish message kb_expr_eval would give («feltet "path": formateringen dato kender ikke "krot"; ...»);
 * path NULL leaves out the «feltet "path": » (the template names the tag itself). */
int kb_format_check(kb_ctx *ctx, const char *path, const kb_expr_fmt *f);
/* The known formatters for messages: "kr, dato, cpr, tal, ...". Static string. */
const char *kb_format_list(void);

/* The Mustache context stack. Frames are borrowed json values; the bottom frame is the case. */
typedef struct kb_scope {
	const json_t **frames;
	size_t n, cap;
} kb_scope;

int kb_scope_push(kb_scope *s, const json_t *frame);
void kb_scope_pop(kb_scope *s);
void kb_scope_free(kb_scope *s);
/* Mustache name resolution: "." is the top frame; for "a.b.c", "a" is looked up from the top frame down to the
 * first frame (an object) that has it, then "b" and "c" inside that value only. NULL when not found. Borrowed. */
const json_t *kb_scope_lookup(const kb_scope *s, const char *path);

/* Looks up e->path and applies the formatters in order. *out is a new reference (caller json_decref()s it), or
 * NULL when the field does not exist and no formatter supplied a value ("standard" does). A formatter that cannot
 * read its value, an unknown formatter, or wrong arguments is KB_EINPUT with a Danish message naming the field and
 * the value, e.g. «feltet "dato": "28-11-2026" er ikke en dato på formen ÅÅÅÅ-MM-DD». */
int kb_expr_eval(json_t **out, kb_ctx *ctx, const kb_expr *e, const kb_scope *s);

/* Mustache truthiness for sections: false, null, "" (empty string), [] (empty list) and a missing field are false;
 * everything else (0 included, as in the spec's JSON semantics) is true. */
int kb_value_truthy(const json_t *v);

/* The text of a value as it goes into a letter: strings as they are, integers in digits, reals with up to 15
 * significant digits and '.' (1.21, as the Mustache spec expects), true and false as "ja" and "nej", "" for null;
 * NULL for objects and arrays (they cannot be written as text) and for v == NULL. Caller frees. */
char *kb_value_text(const json_t *v);

#endif
