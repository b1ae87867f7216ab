/*
 * textmodel.h -- builds the text model (klarbrev.h: kb_text) and splits Danish text into sentences and words.
 *
 * The rules are convention K of shared/reference/lix-cases.md section D, because LIX and every plugin must count
 * the same words and periods:
 *  - a word is a white-space separated token with at least one letter or digit ("§" alone is not a word; "10.000" is
 *    one word; a hyphenated compound is one word); its span leaves out surrounding punctuation, but keeps the final
 *    period of a known abbreviation;
 *  - a sentence (LIX period) ends at '.', '!', '?' or ':' followed by a capital letter or a digit, or by the end of
 *    the paragraph, and at every line break ('\n' inside a paragraph) and paragraph end (headings, list items);
 *    abbreviations that precede something (f.eks. bl.a. jf. stk. nr. ...) never end one, sentence-final ones (kr. mv.
 *    osv. ...) end one when a capital follows; an ordinal ("1. marts", "14. dag") does not end one; initials
 *    ("H. C. Andersen") do not end one;
 *  - a sentence without a word ("§", "—") is not kept, so LIX periods = the sentences of all paragraphs.
 */
#ifndef KB_TEXTMODEL_H
#define KB_TEXTMODEL_H

#include "internal.h"

/* Caller frees with kb_text_free(). Only a kb_text made here may be passed to kb_text_add_paragraph() (it carries
 * private bookkeeping behind the public struct). */
int kb_text_new(kb_text **out);
void kb_text_free(kb_text *t);

typedef struct kb_para_info {
	kb_part_kind part;
	const char *part_name; /* copied */
	const char *style;     /* copied; may be NULL */
	int heading;
	int in_table;
} kb_para_info;

/* Appends a paragraph: text[0..len) is copied (invalid UTF-8 is replaced by U+FFFD, NUL by a space; other control
 * characters are kept and count as white space), spans (may be NULL/0: all "template") are copied, origins too (a
 * NULL origin becomes "template"), and must cover the text in order without gaps or overlaps; their offsets move
 * with any U+FFFD. info may be NULL (body, no style). Sentences and words are computed at once.
 * Returns 0, KB_EUSAGE (bad spans), KB_ENOMEM, or KB_ELIMIT when the text grows past KB_MAX_TEXT_BYTES or the
 * paragraphs past 2^20. */
int kb_text_add_paragraph(kb_text *t, const char *text, size_t len, const kb_para_info *info, const kb_span *spans,
                          size_t nspans);

/* Builds a text model from plain UTF-8 text: one paragraph per line ('\n', "\r\n"), blank (white-space only) lines
 * ignored, a leading byte order mark skipped. part_name is used for every paragraph (the file name); every
 * paragraph is body text without style or heading level. Invalid UTF-8: KB_EINPUT, "<name>: line N is not valid
 * UTF-8; ...". Caller frees *out with kb_text_free(); *out is NULL on failure. */
int kb_text_from_plain(kb_text **out, kb_ctx *ctx, const char *utf8, size_t len, const char *part_name);

/* A letter written as plain text (a .txt letter, a plugin's example or test file): as kb_text_from_plain, and a
 * line that starts with one to nine '#' and a space or tab is a heading of that level ("# Afgørelse" is level 1,
 * "## Begrundelse" level 2); the paragraph's text leaves the marks and the blanks after them out. Every paragraph's
 * text has the origin "letter" (written by a person, not from a template). first_line is the file's number of utf8's
 * first line, so that messages name the line of the file (1, or the line after a front matter; 0 counts as 1). */
int kb_text_from_letter_lines(kb_text **out, kb_ctx *ctx, const char *utf8, size_t len, const char *part_name,
                              size_t first_line);
/* The heading mark at the start of line[0..len) as kb_text_from_letter_lines reads it: the bytes to leave out ('#'s
 * and the blanks after them) with *level their number, or 0 and *level 0 when the line is no heading. */
size_t kb_text_heading_mark(const char *line, size_t len, int *level);

/* The span of p that covers byte offset off (the last span when off == len); NULL when p has no spans. */
const kb_span *kb_paragraph_span_at(const kb_paragraph *p, size_t off);
/* The origin of p's text at off: the span's origin, or "template" when p has no spans. Borrowed. */
const char *kb_paragraph_origin_at(const kb_paragraph *p, size_t off);
/* The words of p in lower case, one after the other in *out (emptied first): word w is out->data[off[w] ..
 * off[w] + len[w]). off and len hold p->nwords each (the caller's). KB_ELIMIT when out's cap is reached, KB_ENOMEM. */
int kb_paragraph_lower_words(kb_buf *out, size_t *off, size_t *len, const kb_paragraph *p);

/* 1 when w[0..len) (final period included) is a known Danish abbreviation ("f.eks.", "stk.", "kr.", "fx"), in any
 * case ("Jf.", "jf."), or upper-case initials ("H.", "H.C."). Matches KB_WORD_ABBREV on a word's span. */
int kb_is_abbreviation(const char *w, size_t len);

#endif
