/*
 * spell.h -- Danish spelling with libhunspell: da_DK from Debian's hunspell-da plus the project's and a
 * municipality's word lists (the .dic files in dictionaries/, which use da_DK's affix flags). Results are cached per
 * word for the life of the speller, in a cache of bounded size (about 32 MiB of strings and 200 000 words; when it
 * is full it is emptied and fills again). The dictionary is loaded on first use, once: the first look-up the cache
 * cannot answer.
 *
 * A speller may also keep its answers on disk (kb_speller_use_disk_cache): then a process that only meets words an
 * earlier one looked up answers them from the file and never loads the dictionary (loading da_DK costs some 100-200
 * ms of CPU; reading the file a few). The file holds each word's verdict, and its morphological analyses and
 * suggestions when they were asked for, and is valid for one dictionary, one set of word lists and one program: its
 * header names them (paths, sizes, times, a hash of the word lists' text), and a file made for others is ignored.
 */
#ifndef KB_SPELL_H
#define KB_SPELL_H

#include "internal.h"

typedef struct kb_speller kb_speller;

/* Records where the dictionary is (hunspell_dir/<lang>.aff and .dic; NULL dir: $KLARBREV_HUNSPELL_DIR, else
 * /usr/share/hunspell) without loading it. Caller frees with kb_speller_free(). */
int kb_speller_new(kb_speller **out, kb_ctx *ctx, const char *hunspell_dir, const char *lang);
void kb_speller_free(kb_speller *sp);

/* Adds a word list: the project's (the .dic files in dictionaries/) or a municipality's own (place names, local
 * authorities), named by the config file. The file is read and checked now; its words reach hunspell with the
 * dictionary, or at once when the dictionary is loaded already (answers cached before are then forgotten).
 *
 * Format: hunspell's .dic, one entry a line, "word" or "word/flags". The flags are the main dictionary's affix flags
 * written its way: da_DK has FLAG num, so flags are numbers with commas, and "aktivlov/5,2,10,39,31" (the flags of
 * "lov" in da_DK.dic) also accepts aktivloven, aktivlovens, aktivlove, aktivlovene. An abbreviation keeps its
 * period ("sagsnr."). Read more forgivingly than hunspell: the count line may be missing, '#' lines are comments,
 * blank lines, CR LF and a byte order mark are fine, hunspell's morphological fields may follow a tab.
 *
 * encoding: the file's character set, converted with iconv ("windows-1252", "iso-8859-1"); NULL or "utf-8" for
 * UTF-8. Errors (KB_ENOTFOUND, KB_EINPUT, KB_ELIMIT) have a Danish message naming the file and line. */
int kb_speller_add_wordlist(kb_speller *sp, kb_ctx *ctx, const char *path, const char *encoding);

/* kb_speller_add_wordlist(sp, ctx, dic_path, NULL): a UTF-8 word list. */
int kb_speller_add_dic(kb_speller *sp, kb_ctx *ctx, const char *dic_path);

/* Loads the dictionary and word lists now (they load on first use otherwise). A missing dictionary gets
 * KB_ENOTFOUND with a message that says which package to install. */
int kb_speller_load(kb_speller *sp, kb_ctx *ctx);

/* 1 once the dictionary is loaded (a caller that times its work can load it first, outside the clock). */
int kb_speller_is_loaded(const kb_speller *sp);

/* Keeps the answers in a file in dir as well (see the top of this file), read on the first look-up and written by
 * kb_speller_save_cache. dir NULL: $KLARBREV_CACHE_DIR, else $XDG_CACHE_HOME/klarbrev, else $HOME/.cache/klarbrev;
 * KLARBREV_CACHE_DIR set but empty: no file. The folder is made (mode 0700) when the cache is first written. The
 * file is never trusted blindly: one that is not the current user's, too large, cut short, damaged (a checksum
 * covers it) or made for another dictionary, other word lists or another build of klarbrev is ignored, and the
 * next save replaces it. At most 30 000 words and 4 MiB are kept, the words used by this
 * speller first; at most 8 such files are kept in the folder (the least recently used go). No effect once the
 * speller has answered a word, or when its cache is off (kb_speller_set_cache). Returns KB_OK or KB_ENOMEM. */
int kb_speller_use_disk_cache(kb_speller *sp, kb_ctx *ctx, const char *dir);

/* Writes the answers worked out since the last save to the disk cache, atomically (a temporary file renamed into
 * place), when there are any. force 0: only when this is the speller's first save or the last one is a minute old
 * (a checker that checks many letters calls this after each); 1: now. Best effort: a cache that cannot be written
 * is no failure, so this returns 1 when the file was written and 0 when not, and keeps no message. */
int kb_speller_save_cache(kb_speller *sp, int force);

/* How many answers the speller took from its disk cache file when it read it (tests). */
size_t kb_speller_disk_words(const kb_speller *sp);

/* Turns the per-word cache on (the default) or off (each answer computed again: for tests and measurements that
 * show what the cache gives). Turning it off forgets what it holds. */
void kb_speller_set_cache(kb_speller *sp, int on);
/* How many answers the speller has worked out with hunspell so far, rather than taken from its cache (tests). */
size_t kb_speller_computed(const kb_speller *sp);
/* How many suggestion lists the speller has asked hunspell for so far, rather than taken from its cache (tests). */
size_t kb_speller_suggested(const kb_speller *sp);
/* What the cache holds: words, bytes (strings and the table), and how often it was full and emptied (tests). Each
 * out may be NULL. */
void kb_speller_cache_stats(const kb_speller *sp, size_t *words, size_t *bytes, size_t *flushes);

/* 1 when the word w[0..len) (UTF-8) is correct, 0 when not, negative on failure. Correct: hunspell knows it, or
 * knows it with a lower-case first letter, or it is a hyphenated compound whose parts are all known ("EU-borger"),
 * or an abbreviation on the project's list (kb_is_abbreviation). A typographic apostrophe (U+2019, as Word types it)
 * is looked up as "'" ("A’s"). Cached; loads the dictionary when the cache does not have the word. */
int kb_speller_check(kb_speller *sp, kb_ctx *ctx, const char *w, size_t len);

/* Up to max suggestions for w, best first (at most 10 when the cache is on). Cached like kb_speller_check. *out is a NULL-terminated array of strings; free with kb_strv_free(). */
int kb_speller_suggest(char ***out, size_t *count, kb_speller *sp, kb_ctx *ctx, const char *w, size_t len, size_t max);

/* hunspell's morphological analyses of w ("st:høre po:verb ... is:PASSIV"); free with kb_strv_free(). Cached like
 * kb_speller_check. */
int kb_speller_analyze(char ***out, size_t *count, kb_speller *sp, kb_ctx *ctx, const char *w, size_t len);

void kb_strv_free(char **v);

typedef struct kb_spell_options {
	const char *const *ignore; /* words not to report, whatever their case (a case's "ignore" list); an entry with
	                              spaces ignores each of its words; NULL-terminated, may be NULL */
	int no_suggestions;        /* 1: findings carry no suggestions and none are computed (suggestions are the slow
	                              part: klarbrev spell --list, and any caller whose report does not show them) */
	int judge_language;        /* 1: a text that is mostly not Danish gets one "ikke-dansk" finding instead of one
	                              per word (klarbrev check); 0: every unknown word is reported (klarbrev spell) */
	size_t max_suggested;      /* distinct unknown words that get suggestions; 0: 20 */
	unsigned suggest_ms;       /* suggestion time for the words after the first 5; 0: 1000 ms */
} kb_spell_options;

/* The spelling rule: each unknown word of t is a finding (rule "stavning", level warning, source "spell"), at every
 * place it occurs. Not looked up:
 *  - words in spans flagged KB_SPAN_NOSPELL (fields typed name, address or cpr, or marked personal);
 *  - tokens with digits ("83a", "BR18", dates, amounts), URLs and e-mail addresses, "§"-tokens;
 *  - references: the case number after "sagsnr.", "j.nr.", "journalnummer", ...; a letter after a number ("§ 13 f",
 *    "§§ 69 l–q") or after "litra"; "nr" in a Retsinformation citation ("LBK nr 433");
 *  - words on opts->ignore.
 * A word that ends a line with a hyphen ("kontant-" before a line break, or at the end of a .txt line) is joined
 * with the word that starts the next line when that begins with a lower-case letter: the joined word is looked up,
 * and it is reported as joined ("kontanthjlp") unless both halves are words ("EU-" "borger", "selvforsørgelses-"
 * "og"). A word the tokenizer did not take for an abbreviation but that a period follows is also looked up with the
 * period ("sagsbeh.").
 *
 * Bounded time: a look-up is bounded, so the rule costs time in proportion to the text. Suggestions (up to three,
 * best first; about 0.1 s each) go to the first opts->max_suggested (20) distinct unknown words in the order they
 * first stand; the first 5 always get them, the others while opts->suggest_ms (1000 ms) of suggestion time last.
 * When a word goes without because of this, one info finding (rule "stavning-forslag", the letter as a whole) says
 * so. Suggestions come from the speller's cache when it has them (a batch asks once per word).
 *
 * Not Danish (opts->judge_language): when at least 20 words were looked up and more than a quarter of them are
 * unknown, the text gets one warning (rule "ikke-dansk", the letter as a whole) that gives the count, and no finding
 * per word. (Danish letters and the corpus have 0-2 % unknown words; English text 43-57 %, because da_DK knows
 * "the", "of", "software".) A text with more than 2000 words to look up is first judged on its first 2000: when
 * more than a quarter of them are unknown, the rest is not looked up; otherwise all are, and the whole is judged.
 *
 * opts may be NULL. *checked (may be NULL) gets the number of words looked up. */
int kb_spell_text(kb_speller *sp, kb_ctx *ctx, const kb_text *t, const kb_spell_options *opts, kb_findings *out,
                  size_t *checked);

#endif
