/*
 * phrases.h -- the declarative rules of a plugin (its replace and avoid lists): a list of phrases found in a letter
 * as whole words, case-insensitively and across line breaks and runs of white space.
 *
 * A phrase is cut into words as the text model cuts a letter (textmodel.h), so "Såfremt," in a letter is the word
 * "Såfremt" and "f.eks." keeps its period. A phrase matches a run of words of one paragraph whose lower-case forms
 * are the phrase's words, with nothing but white space (spaces, tabs, line breaks, no-break spaces) between them.
 * Where several phrases start at one word, the longest wins; a word is part of at most one match.
 */
#ifndef KB_PHRASES_H
#define KB_PHRASES_H

#include "internal.h"

typedef struct kb_phrases kb_phrases;

/* Caller frees with kb_phrases_free(). Returns 0 or KB_ENOMEM. */
int kb_phrases_new(kb_phrases **out);
void kb_phrases_free(kb_phrases *ph);

/* Adds a phrase (UTF-8, phrase[0..len)) with its suggestions (copied; sugg may be NULL when nsugg is 0; an avoid
 * phrase has none). Fails with KB_EINPUT and a Danish message on ctx when the phrase is not made of whole words
 * ("»§ 5« kan ikke findes som hele ord: »§« står uden for et ord"), is on the list already, or the list is full;
 * KB_ENOMEM. */
int kb_phrases_add(kb_phrases *ph, kb_ctx *ctx, const char *phrase, size_t len, const char *const *sugg, size_t nsugg,
                   int avoid);

/* Removes the phrase that matches the same words as phrase[0..len) (in any case). Returns 1 when one was removed, 0
 * when none is on the list, KB_ENOMEM. The order (and so a prepared list) is kept. */
int kb_phrases_remove(kb_phrases *ph, const char *phrase, size_t len);

/* Sorts the list for the search; call after the last add or remove and before kb_phrases_match. Fails with KB_EINPUT
 * when two phrases are the same words ("»Såfremt« og »såfremt« er den samme frase"). */
int kb_phrases_prepare(kb_phrases *ph, kb_ctx *ctx);

size_t kb_phrases_count(const kb_phrases *ph);
/* The phrase as it was added, its suggestions and whether it is an avoid phrase. Borrowed; valid until ph changes. */
const char *kb_phrases_text(const kb_phrases *ph, size_t i);
const char *const *kb_phrases_suggestions(const kb_phrases *ph, size_t i, size_t *n);
int kb_phrases_is_avoid(const kb_phrases *ph, size_t i);

/* Called for each match: paragraph index, byte start and length in the paragraph's text, and the phrase. A non-zero
 * return stops the search and is returned by kb_phrases_match. */
typedef int (*kb_phrase_fn)(void *ud, size_t para, size_t start, size_t len, size_t phrase);

/* Finds every phrase in t, in text order. Returns 0, KB_EUSAGE when the list is not prepared, KB_ENOMEM, or what fn
 * returned. */
int kb_phrases_match(const kb_phrases *ph, const kb_text *t, kb_phrase_fn fn, void *ud);

/* Formats a rule's message: each "%s" of fmt takes the next of args (nargs of them; a "%s" past them is left out),
 * "%%" is "%". Returns a new string (caller frees) or NULL when out of memory. */
char *kb_phrases_format(const char *fmt, const char *const *args, size_t nargs);

/* Checks a message format: only "%s" and "%%", at most max_args "%s". Returns 0, or KB_EINPUT with a Danish
 * message on ctx naming what (e.g. "message"). */
int kb_phrases_check_format(kb_ctx *ctx, const char *what, const char *fmt, size_t max_args);

#endif
