/*
 * wordmatch.h -- a set of word patterns compiled once and found together in one pass over a text's words: the
 * matcher behind klarbrev.matcher (luamatcher.h), for the phrase and word-pattern loops plugins run at every word.
 *
 * A pattern is a sequence of elements separated by white space, matched against the lower-case words of one
 * sentence as the text model cuts them (textmodel.h: punctuation is not part of a word, so "fra den dag, du fik"
 * is matched by "fra den dag du fik"; "jf." keeps its period). The language is the one the bundled plugins'
 * Lua matcher read before this one (bench/wordmatch.sh keeps it), plus suffixes and gaps of a chosen length:
 *   word      the word, in any case ("såfremt" matches "Såfremt" and "SÅFREMT"; æ, ø and å fold too)
 *   pre*      a word that starts with "pre" ("afgør*": "afgør", "afgørelse")
 *   *suf      a word that ends with "suf" ("*ning": "vurdering")
 *   *         any one word
 *   a|b*|*c   one of these alternatives
 *   x?        the element may be left out (tried with the word first)
 *   !x        the next word is not x, or there is no next word; takes no word
 *   ...       zero to three words; "...N" zero to N words (N from 1 to KB_WORDMATCH_MAX_GAP), fewest first
 * A pattern needs at least one element that takes a word and is not optional; a gap stands between two elements.
 *
 * Semantics: a match starts at a word and never goes past the end of its sentence. Where a pattern could end in
 * several places from one start, the end is the one that Lua matcher's backtracking match_from finds (an optional element
 * takes its word when the rest still matches; a gap takes as few words as it can), so plugins keep their results
 * when they move to the matcher. The search is a Pike machine over the compiled pattern, so it never backtracks:
 * each (start, pattern) costs at most the pattern's size times the words it can span.
 *
 * The index: each pattern is filed under the alternatives its first word can match (a hash of literal words, of
 * prefixes and of suffixes); a pattern whose first word may be any word is tried everywhere. At each word the scan
 * looks up the word, its prefixes and its suffixes (up to the longest filed) and runs only the patterns found.
 */
#ifndef KB_WORDMATCH_H
#define KB_WORDMATCH_H

#include "internal.h"

#define KB_WORDMATCH_MAX_PATTERNS 2000u
#define KB_WORDMATCH_MAX_BYTES    1000u /* the source of one pattern */
#define KB_WORDMATCH_MAX_ELEMENTS 32u   /* elements of one pattern */
#define KB_WORDMATCH_MAX_ALTS     100u  /* alternatives of one element */
#define KB_WORDMATCH_MAX_GAP      10u   /* "...10" */
#define KB_WORDMATCH_STEPS        4096u /* machine steps between two calls of the check */

typedef struct kb_wordmatch kb_wordmatch;

/* An allocator with lua_Alloc's contract (free when nsize is 0). The matcher takes all its memory through it, so a
 * plugin's matchers count against the plugin's memory cap. */
typedef void *(*kb_wordmatch_alloc)(void *ud, void *ptr, size_t osize, size_t nsize);

/* Caller frees with kb_wordmatch_free(). alloc NULL: malloc. Returns 0 or KB_ENOMEM. */
int kb_wordmatch_new(kb_wordmatch **out, kb_wordmatch_alloc alloc, void *alloc_ud);
void kb_wordmatch_free(kb_wordmatch *m);

/* Adds a pattern written as one string (src[0..len)). Fails with KB_EINPUT and a Danish message on ctx that names
 * the element and what is wrong with it ("»din,« er ikke ét ord: »,« står uden for ordet"), KB_ELIMIT when the set
 * or the pattern is too large (message on ctx), KB_ENOMEM. The message does not name the pattern: the caller knows
 * which one it added. */
int kb_wordmatch_add(kb_wordmatch *m, kb_ctx *ctx, const char *src, size_t len);

/* Adds a pattern given as its elements, one string each (elems[i][0..lens[i]), each one element as above, without
 * white space). Errors as kb_wordmatch_add. */
int kb_wordmatch_add_elements(kb_wordmatch *m, kb_ctx *ctx, const char *const *elems, const size_t *lens, size_t n);

/* Builds the index; call after the last add and before a scan. Adding after it is KB_EUSAGE. Returns 0, KB_ENOMEM. */
int kb_wordmatch_prepare(kb_wordmatch *m);

size_t kb_wordmatch_count(const kb_wordmatch *m);

/* One match: the pattern (0-based, in the order added), its first and last word (indexes in the paragraph's
 * words, last included) and its bytes in the paragraph's text, [start, end). */
typedef struct kb_wordmatch_hit {
	size_t pattern;
	size_t para;
	size_t first_word, last_word;
	size_t start, end;
} kb_wordmatch_hit;

typedef enum {
	KB_WORDMATCH_ALL,    /* every pattern that matches at every word, by first word then by pattern */
	KB_WORDMATCH_LONGEST /* at each word the longest match (the first pattern on a tie), then on after its end */
} kb_wordmatch_mode;

/* Called for each match in text order; a non-zero return stops the scan and is returned by it. */
typedef int (*kb_wordmatch_fn)(void *ud, const kb_wordmatch_hit *hit);
/* Called every KB_WORDMATCH_STEPS steps of the scan; a non-zero return stops the scan and is returned by it. May
 * also not return (a Lua error): the scan then leaves nothing behind but what w holds. */
typedef int (*kb_wordmatch_check)(void *ud);

/* Scratch memory of a scan, reused from scan to scan: zero-initialise it, free with kb_wordmatch_work_free. */
typedef struct kb_wordmatch_work {
	kb_buf low;          /* the lower-case words of one paragraph */
	size_t *off, *len;   /* word w is low.data[off[w] .. off[w] + len[w]) */
	size_t cap;          /* of off and len */
	size_t *cand, *seen; /* candidate patterns at one word; the word each pattern was last a candidate at, + 1 */
	size_t ncap;         /* of cand and seen */
	size_t *cur, *next, *mark; /* the machine's thread lists and the step each instruction was last added in */
	size_t pcap;               /* of cur, next and mark */
	size_t gen;                /* the machine's current step, for mark */
	size_t stamp;              /* the current word, for seen */
	size_t steps;              /* since the last check */
} kb_wordmatch_work;

void kb_wordmatch_work_free(kb_wordmatch_work *w);

/* Finds the patterns in every paragraph of t (each sentence on its own). Returns 0, KB_EUSAGE (not prepared),
 * KB_ENOMEM, or what fn or check returned. */
int kb_wordmatch_scan(const kb_wordmatch *m, kb_wordmatch_work *w, const kb_text *t, kb_wordmatch_mode mode,
                      kb_wordmatch_fn fn, kb_wordmatch_check check, void *ud);

#endif
