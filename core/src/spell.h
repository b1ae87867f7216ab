/*
 * spell.h -- Danish spelling with libhunspell: da_DK from Debian's hunspell-da plus the project's and a
 * municipality's word lists (the .dic files in dictionaries/, which use da_DK's affix flags). Results are cached per word for
 * the life of the speller. The dictionary is loaded on first use, once.
 */
#ifndef KB_SPELL_H
#define KB_SPELL_H

#include "internal.h"

typedef struct kb_speller kb_speller;

/* Records where the dictionary is (hunspell_dir/<lang>.aff and .dic; NULL dir: $KLARBREV_HUNSPELL_DIR, else
 * /usr/share/hunspell) without loading it. Caller frees with kb_speller_free(). */
int kb_speller_new(kb_speller **out, kb_ctx *ctx, const char *hunspell_dir, const char *lang);
void kb_speller_free(kb_speller *sp);

/* Adds a word list (hunspell .dic format: a count line, then word[/flags] lines; '#' comment lines allowed). Words
 * use the main dictionary's affix flags. Loaded together with the dictionary. */
int kb_speller_add_dic(kb_speller *sp, kb_ctx *ctx, const char *dic_path);

/* Loads the dictionary and word lists now (they load on first use otherwise). A missing dictionary gets
 * KB_ENOTFOUND with a message that says which package to install. */
int kb_speller_load(kb_speller *sp, kb_ctx *ctx);

/* 1 once the dictionary is loaded (a caller that times its work can load it first, outside the clock). */
int kb_speller_is_loaded(const kb_speller *sp);

/* 1 when the word w[0..len) (UTF-8) is correct, 0 when not, negative on failure. Correct: hunspell knows it, or
 * knows it with a lower-case first letter, or it is a hyphenated compound whose parts are all known ("EU-borger"),
 * or an abbreviation on the project's list (kb_is_abbreviation). Loads the dictionary on first use; cached. */
int kb_speller_check(kb_speller *sp, kb_ctx *ctx, const char *w, size_t len);

/* Up to max suggestions for w, best first. *out is a NULL-terminated array of strings; free with kb_strv_free(). */
int kb_speller_suggest(char ***out, size_t *count, kb_speller *sp, kb_ctx *ctx, const char *w, size_t len,
                       size_t max);

/* hunspell's morphological analyses of w ("st:høre po:verb ... is:PASSIV"); free with kb_strv_free(). */
int kb_speller_analyze(char ***out, size_t *count, kb_speller *sp, kb_ctx *ctx, const char *w, size_t len);

void kb_strv_free(char **v);

/* The spelling rule: each unknown word of t is a finding (rule "stavning", level warning, up to three suggestions,
 * source "spell"). Skips words in spans flagged KB_SPAN_NOSPELL, words with digits, URLs and e-mail addresses. */
int kb_spell_text(kb_speller *sp, kb_ctx *ctx, const kb_text *t, kb_findings *out);

#endif
