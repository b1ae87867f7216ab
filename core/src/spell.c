/*
 * spell.c -- Danish spelling: libhunspell with da_DK, the project's and a municipality's word lists, a per-word
 * cache, and the spelling rule that turns unknown words of a letter into findings.
 *
 * Word lists (kb_speller_add_dic) are UTF-8 text in hunspell's .dic format, read more forgivingly than hunspell does:
 *  - one entry per line: "word" or "word/flags", where flags are the main dictionary's affix flags written its way
 *    (da_DK has FLAG num: comma-separated numbers, so "aktivlov/5,2,10,39,31" also accepts "aktivloven",
 *    "aktivlovens", "aktivlove" like "lov" does); hunspell's morphological fields may follow after a tab;
 *  - lines whose first non-blank character is '#' are comments, blank lines are ignored, CR LF and a leading byte
 *    order mark are accepted, white space around an entry is dropped;
 *  - hunspell's count line (a first entry of digits only) may be there or not: the count is ours to make.
 * Hunspell itself would take a comment line for a word and the first word for the count, so the lists are cleaned
 * here and handed to Hunspell_add_dic as one temporary file (one file also keeps clear of hunspell's limit of 20
 * added dictionaries).
 */
#include "spell.h"
#include "textmodel.h"
#include "utf8.h"

#include <errno.h>
#include <hunspell.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SP_MAX_LIST_BYTES  (16u * 1024u * 1024u) /* one word list file */
#define SP_MAX_EXTRA_BYTES (64u * 1024u * 1024u) /* all word lists together */
#define SP_CACHE_MAX       200000u               /* words cached; past this, answers are computed, not kept */
#define SP_MAX_WORD        200u                  /* bytes; a longer token is not a word hunspell can judge */
#define SP_MAX_CACHED_SUGG 10u                   /* suggestions kept per cached word */
#define SP_FINDING_SUGG    3u                    /* suggestions on a spelling finding */
#define SP_MSG_WORD        120u                  /* bytes of the word quoted in a finding's message */

typedef struct sp_entry {
	char *word; /* NULL: free slot */
	size_t len;
	uint64_t hash;
	int ok;
	int has_sugg; /* sugg holds hunspell's suggestions (maybe none) */
	char **sugg;  /* NULL-terminated */
	size_t nsugg;
} sp_entry;

struct kb_speller {
	char *aff_path, *dic_path;
	int danish;
	kb_buf extra;       /* cleaned word-list entries waiting for the load, one per line */
	size_t extra_words; /* entries in extra */
	Hunhandle *hun;
	sp_entry *slots; /* open addressing, power-of-two size */
	size_t nslots, nused;
};

void kb_strv_free(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

/* ---- the cache ---- */

static uint64_t sp_hash(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603u; /* FNV-1a */
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211u;
	}
	return h;
}

static void sp_cache_clear(kb_speller *sp)
{
	for (size_t i = 0; i < sp->nslots; i++) {
		free(sp->slots[i].word);
		kb_strv_free(sp->slots[i].sugg);
	}
	free(sp->slots);
	sp->slots = NULL;
	sp->nslots = sp->nused = 0;
}

/* The slot of w, or the free slot where it would go; NULL when there are no slots yet. */
static sp_entry *sp_cache_slot(const kb_speller *sp, const char *w, size_t len, uint64_t h)
{
	if (!sp->nslots)
		return NULL;
	size_t mask = sp->nslots - 1;
	for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
		sp_entry *e = &sp->slots[i];
		if (!e->word || (e->hash == h && e->len == len && memcmp(e->word, w, len) == 0))
			return e;
	}
}

static sp_entry *sp_cache_find(const kb_speller *sp, const char *w, size_t len)
{
	sp_entry *e = sp_cache_slot(sp, w, len, sp_hash(w, len));
	return e && e->word ? e : NULL;
}

/* Keeps the table at most 70 % full. Returns 0 or KB_ENOMEM (the old table stays). */
static int sp_cache_grow(kb_speller *sp)
{
	size_t n = sp->nslots ? sp->nslots * 2 : 1024;
	sp_entry *old = sp->slots;
	size_t nold = sp->nslots;
	sp_entry *slots = calloc(n, sizeof *slots);
	if (!slots)
		return KB_ENOMEM;
	sp->slots = slots;
	sp->nslots = n;
	for (size_t i = 0; i < nold; i++)
		if (old[i].word)
			*sp_cache_slot(sp, old[i].word, old[i].len, old[i].hash) = old[i];
	free(old);
	return KB_OK;
}

/* Adds w with its answer. NULL when the cache is full or memory is short: the answer is then simply not kept. */
static sp_entry *sp_cache_put(kb_speller *sp, const char *w, size_t len, int ok)
{
	if (sp->nused >= SP_CACHE_MAX)
		return NULL;
	if ((sp->nused + 1) * 10 > sp->nslots * 7 && sp_cache_grow(sp))
		return NULL;
	uint64_t h = sp_hash(w, len);
	sp_entry *e = sp_cache_slot(sp, w, len, h);
	if (e->word) /* already there */
		return e;
	char *copy = kb_strndup(w, len);
	if (!copy)
		return NULL;
	e->word = copy;
	e->len = len;
	e->hash = h;
	e->ok = ok;
	sp->nused++;
	return e;
}

/* ---- setup ---- */

int kb_speller_new(kb_speller **out, kb_ctx *ctx, const char *hunspell_dir, const char *lang)
{
	*out = NULL;
	if (!lang)
		lang = "da_DK";
	if (!*lang || strchr(lang, '/') || strlen(lang) > 32)
		return kb_ctx_fail(ctx, KB_EUSAGE, "kb_speller_new: \"%s\" is not a dictionary name like \"da_DK\"",
		                   lang);
	if (!hunspell_dir || !*hunspell_dir) {
		hunspell_dir = getenv("KLARBREV_HUNSPELL_DIR");
		if (!hunspell_dir || !*hunspell_dir)
			hunspell_dir = "/usr/share/hunspell";
	}
	kb_speller *sp = calloc(1, sizeof *sp);
	kb_buf aff, dic;
	kb_buf_init(&aff, 8192);
	kb_buf_init(&dic, 8192);
	int rc = KB_OK;
	if (!sp || kb_buf_printf(&aff, "%s/%s.aff", hunspell_dir, lang) ||
	    kb_buf_printf(&dic, "%s/%s.dic", hunspell_dir, lang)) {
		rc = kb_ctx_fail(ctx, KB_ENOMEM, "out of memory");
		goto done;
	}
	sp->aff_path = kb_buf_detach(&aff);
	sp->dic_path = kb_buf_detach(&dic);
	if (!sp->aff_path || !sp->dic_path) {
		rc = kb_ctx_fail(ctx, KB_ENOMEM, "out of memory");
		goto done;
	}
	sp->danish = strncmp(lang, "da", 2) == 0;
	kb_buf_init(&sp->extra, SP_MAX_EXTRA_BYTES);
	*out = sp;
	sp = NULL;
done:
	kb_buf_free(&aff);
	kb_buf_free(&dic);
	kb_speller_free(sp);
	return rc;
}

void kb_speller_free(kb_speller *sp)
{
	if (!sp)
		return;
	if (sp->hun)
		Hunspell_destroy(sp->hun);
	sp_cache_clear(sp);
	kb_buf_free(&sp->extra);
	free(sp->aff_path);
	free(sp->dic_path);
	free(sp);
}

int kb_speller_is_loaded(const kb_speller *sp)
{
	return sp && sp->hun != NULL;
}

static int sp_is_regular_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Hands the cleaned entries in list[0..len) (nwords of them) to hunspell through a temporary .dic file. */
static int sp_feed_hunspell(kb_speller *sp, kb_ctx *ctx, const char *list, size_t len, size_t nwords)
{
	const char *tmpdir = getenv("TMPDIR");
	if (!tmpdir || !*tmpdir)
		tmpdir = "/tmp";
	kb_buf path;
	kb_buf_init(&path, 4096);
	int rc = KB_OK, fd = -1, created = 0;
	FILE *f = NULL;
	if (kb_buf_printf(&path, "%s/klarbrev-words-XXXXXX", tmpdir)) {
		rc = kb_ctx_fail(ctx, KB_ENOMEM, "out of memory");
		goto done;
	}
	fd = mkstemp(path.data);
	if (fd < 0) {
		rc = kb_ctx_fail(ctx, KB_EIO, "%s: cannot create a temporary file for the word lists: %s", tmpdir,
		                 strerror(errno));
		goto done;
	}
	created = 1;
	f = fdopen(fd, "wb");
	if (!f) {
		rc = kb_ctx_fail(ctx, KB_EIO, "%s: cannot write: %s", path.data, strerror(errno));
		goto done;
	}
	fd = -1; /* now f's */
	if (fprintf(f, "%zu\n", nwords) < 0 || (len && fwrite(list, 1, len, f) != len) || fclose(f) != 0) {
		f = NULL;
		rc = kb_ctx_fail(ctx, KB_EIO, "%s: cannot write the word lists: %s", path.data, strerror(errno));
		goto done;
	}
	f = NULL;
	if (Hunspell_add_dic(sp->hun, path.data) != 0) /* reads the file now */
		rc = kb_ctx_fail(ctx, KB_ELIMIT,
		                 "%s: hunspell takes no more word lists; load them before the first check",
		                 sp->dic_path);
done:
	if (f)
		fclose(f);
	if (fd >= 0)
		close(fd);
	if (created)
		unlink(path.data);
	kb_buf_free(&path);
	return rc;
}

int kb_speller_load(kb_speller *sp, kb_ctx *ctx)
{
	if (sp->hun)
		return KB_OK;
	const char *missing = !sp_is_regular_file(sp->dic_path)   ? sp->dic_path
	                      : !sp_is_regular_file(sp->aff_path) ? sp->aff_path
	                                                          : NULL;
	if (missing && sp->danish)
		return kb_ctx_fail(ctx, KB_ENOTFOUND,
		                   "Danish dictionary not found: %s; install the package hunspell-da "
		                   "(scripts/install-deps.sh)",
		                   missing);
	if (missing)
		return kb_ctx_fail(ctx, KB_ENOTFOUND, "dictionary not found: %s; install the hunspell package for it",
		                   missing);
	sp->hun = Hunspell_create(sp->aff_path, sp->dic_path);
	if (!sp->hun)
		return kb_ctx_fail(ctx, KB_ENOMEM, "%s: out of memory while loading the dictionary", sp->dic_path);
	const char *enc = Hunspell_get_dic_encoding(sp->hun);
	if (!enc || strcmp(enc, "UTF-8") != 0) {
		Hunspell_destroy(sp->hun);
		sp->hun = NULL;
		return kb_ctx_fail(ctx, KB_EINPUT,
		                   "%s: the dictionary is in %s; klarbrev needs a UTF-8 dictionary (SET UTF-8)",
		                   sp->aff_path, enc ? enc : "an unknown encoding");
	}
	if (sp->extra_words) {
		int rc = sp_feed_hunspell(sp, ctx, sp->extra.data, sp->extra.len, sp->extra_words);
		if (rc) {
			Hunspell_destroy(sp->hun);
			sp->hun = NULL;
			return rc;
		}
	}
	kb_buf_free(&sp->extra); /* in hunspell now */
	kb_buf_init(&sp->extra, SP_MAX_EXTRA_BYTES);
	sp->extra_words = 0;
	return KB_OK;
}

/* Cleans the word list text[0..len) into b (one entry a line) and counts its entries. Errors name path and line. */
static int sp_clean_list(kb_buf *b, size_t *nwords, kb_ctx *ctx, const char *path, const char *text, size_t len)
{
	size_t pos = 0, line = 0;
	int first = 1;
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		pos = 3;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len;
		size_t s = pos, e = end;
		line++;
		pos = nl ? end + 1 : len;
		while (s < e && (text[s] == ' ' || text[s] == '\t'))
			s++;
		while (e > s && (text[e - 1] == ' ' || text[e - 1] == '\t' || text[e - 1] == '\r'))
			e--;
		if (s == e || text[s] == '#')
			continue;
		if (memchr(text + s, '\0', e - s) || !kb_utf8_valid(text + s, e - s))
			return kb_ctx_fail(ctx, KB_EINPUT,
			                   "%s: line %zu is not valid UTF-8 text; save the word list as UTF-8", path,
			                   line);
		if (first) {
			first = 0;
			size_t d = s;
			while (d < e && text[d] >= '0' && text[d] <= '9')
				d++;
			if (d == e) /* hunspell's count line */
				continue;
		}
		if (text[s] == '/')
			return kb_ctx_fail(ctx, KB_EINPUT, "%s: line %zu has flags but no word; write \"word/flags\"",
			                   path, line);
		int rc = kb_buf_add(b, text + s, e - s);
		if (!rc)
			rc = kb_buf_addc(b, '\n');
		if (rc == KB_ELIMIT)
			return kb_ctx_fail(ctx, rc,
			                   "%s: the word lists are larger than the limit of %zu bytes together", path,
			                   b->max);
		if (rc)
			return kb_ctx_fail(ctx, rc, "%s: out of memory", path);
		(*nwords)++;
	}
	return KB_OK;
}

int kb_speller_add_dic(kb_speller *sp, kb_ctx *ctx, const char *dic_path)
{
	char *text = NULL;
	size_t len = 0, nwords = 0;
	kb_buf list;
	kb_buf_init(&list, SP_MAX_EXTRA_BYTES - sp->extra.len);
	int rc = kb_read_file(&text, &len, ctx, dic_path, SP_MAX_LIST_BYTES);
	if (rc)
		goto done;
	if ((rc = sp_clean_list(&list, &nwords, ctx, dic_path, text, len)) || !nwords)
		goto done;
	if (sp->hun) { /* loaded already: add now, and forget answers that may have changed */
		if ((rc = sp_feed_hunspell(sp, ctx, list.data, list.len, nwords)))
			goto done;
		sp_cache_clear(sp);
	} else {
		if ((rc = kb_buf_add(&sp->extra, list.data, list.len))) {
			rc = kb_ctx_fail(ctx, rc, "%s: %s", dic_path,
			                 rc == KB_ELIMIT ? "the word lists are too large together" : "out of memory");
			goto done;
		}
		sp->extra_words += nwords;
	}
done:
	kb_buf_free(&list);
	free(text);
	return rc;
}

/* ---- checking ---- */

/* Hunspell's answer for w[0..len): 1 known, 0 not. w need not be NUL-terminated. */
static int sp_hunspell_ok(kb_speller *sp, const char *w, size_t len)
{
	char buf[SP_MAX_WORD + 1];
	if (len == 0 || len > SP_MAX_WORD)
		return 0;
	memcpy(buf, w, len);
	buf[len] = '\0';
	return Hunspell_spell(sp->hun, buf) != 0;
}

/* hunspell, then the word with its first letter lower-cased (a sentence start; hunspell mostly does this itself). */
static int sp_ok_simple(kb_speller *sp, const char *w, size_t len)
{
	if (sp_hunspell_ok(sp, w, len))
		return 1;
	uint32_t cp;
	if (!len || len > SP_MAX_WORD)
		return 0;
	size_t n = kb_utf8_decode(w, len, &cp);
	if (!kb_uc_is_upper(cp))
		return 0;
	char buf[SP_MAX_WORD + 4];
	size_t o = kb_utf8_encode(kb_uc_tolower(cp), buf);
	memcpy(buf + o, w + n, len - n);
	return sp_hunspell_ok(sp, buf, o + len - n);
}

/* The word rule: hunspell as it is or with a lower-case first letter; a hyphenated compound whose whole is unknown
 * but whose every part is known ("Klarbrev-borger"); an abbreviation on the project's list (textmodel.c knows
 * some 250 that da_DK lacks, "sagsnr.", "iflg."). */
static int sp_word_ok(kb_speller *sp, const char *w, size_t len)
{
	if (sp_ok_simple(sp, w, len))
		return 1;
	if (kb_is_abbreviation(w, len))
		return 1;
	if (!memchr(w, '-', len))
		return 0;
	size_t s = 0, parts = 0;
	while (s <= len) {
		const char *dash = memchr(w + s, '-', len - s);
		size_t e = dash ? (size_t)(dash - w) : len;
		if (e > s) {
			if (!sp_ok_simple(sp, w + s, e - s))
				return 0;
			parts++;
		}
		s = e + 1;
	}
	return parts > 0;
}

int kb_speller_check(kb_speller *sp, kb_ctx *ctx, const char *w, size_t len)
{
	int rc = kb_speller_load(sp, ctx);
	if (rc)
		return rc;
	sp_entry *e = sp_cache_find(sp, w, len);
	if (e)
		return e->ok;
	int ok = sp_word_ok(sp, w, len);
	sp_cache_put(sp, w, len, ok);
	return ok;
}

/* Copies the first max strings of src[0..n) into a new NULL-terminated array. */
static int sp_strv_copy(char ***out, size_t *count, char *const *src, size_t n, size_t max)
{
	if (n > max)
		n = max;
	char **v = calloc(n + 1, sizeof *v);
	if (!v)
		return KB_ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (!(v[i] = kb_strdup(src[i]))) {
			kb_strv_free(v);
			return KB_ENOMEM;
		}
	*out = v;
	if (count)
		*count = n;
	return KB_OK;
}

/* hunspell's list from fn (suggest or analyze) for w, as our own NULL-terminated array of at most max. */
static int sp_hunspell_list(char ***out, size_t *count, kb_speller *sp, const char *w, size_t len, size_t max,
                            int (*fn)(Hunhandle *, char ***, const char *))
{
	char buf[SP_MAX_WORD + 1];
	char **list = NULL;
	int n = 0;
	if (len && len <= SP_MAX_WORD) {
		memcpy(buf, w, len);
		buf[len] = '\0';
		n = fn(sp->hun, &list, buf);
	}
	int rc = sp_strv_copy(out, count, list, n > 0 ? (size_t)n : 0, max);
	if (list)
		Hunspell_free_list(sp->hun, &list, n);
	return rc;
}

int kb_speller_suggest(char ***out, size_t *count, kb_speller *sp, kb_ctx *ctx, const char *w, size_t len, size_t max)
{
	*out = NULL;
	if (count)
		*count = 0;
	int rc = kb_speller_load(sp, ctx);
	if (rc)
		return rc;
	/* suggestions are slow (tens of milliseconds) and a misspelt word tends to come back, so they are cached */
	sp_entry *e = sp_cache_find(sp, w, len);
	if (!e)
		e = sp_cache_put(sp, w, len, sp_word_ok(sp, w, len));
	if (e && !e->has_sugg) {
		if (sp_hunspell_list(&e->sugg, &e->nsugg, sp, w, len, SP_MAX_CACHED_SUGG, Hunspell_suggest))
			return kb_ctx_fail(ctx, KB_ENOMEM, "out of memory");
		e->has_sugg = 1;
	}
	if (e)
		rc = sp_strv_copy(out, count, e->sugg, e->nsugg, max);
	else
		rc = sp_hunspell_list(out, count, sp, w, len, max, Hunspell_suggest);
	return rc ? kb_ctx_fail(ctx, rc, "out of memory") : KB_OK;
}

int kb_speller_analyze(char ***out, size_t *count, kb_speller *sp, kb_ctx *ctx, const char *w, size_t len)
{
	*out = NULL;
	if (count)
		*count = 0;
	int rc = kb_speller_load(sp, ctx);
	if (rc)
		return rc;
	if (sp_hunspell_list(out, count, sp, w, len, 64, Hunspell_analyze))
		return kb_ctx_fail(ctx, KB_ENOMEM, "out of memory");
	return KB_OK;
}

/* ---- the spelling rule ---- */

/* 1 when any span that overlaps p's bytes [start, start + len) keeps its text from the spelling check (a word may
 * start in template text and end in a name field). */
static int sp_in_nospell(const kb_paragraph *p, size_t start, size_t len)
{
	const kb_span *s = kb_paragraph_span_at(p, start);
	if (!s)
		return 0;
	for (const kb_span *end = p->spans + p->nspans; s < end && s->start < start + len; s++)
		if (s->flags & KB_SPAN_NOSPELL)
			return 1;
	return 0;
}

static int sp_has_section_sign(const char *w, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++)
		if ((unsigned char)w[i] == 0xC2u && (unsigned char)w[i + 1] == 0xA7u) /* U+00A7 */
			return 1;
	return 0;
}

/* At most max bytes of w[0..len), cut at a character boundary. */
static size_t sp_utf8_cut(const char *w, size_t len, size_t max)
{
	if (len <= max)
		return len;
	while (max > 0 && ((unsigned char)w[max] & 0xC0u) == 0x80u)
		max--;
	return max;
}

/* Adds the finding for the unknown word p->text[start..start+len). */
static int sp_report(kb_speller *sp, kb_ctx *ctx, const kb_paragraph *p, size_t pi, size_t start, size_t len,
                     kb_findings *out)
{
	const char *w = p->text + start;
	char **sugg = NULL;
	size_t nsugg = 0;
	char *text = NULL;
	kb_buf msg;
	kb_buf_init(&msg, 1024);
	int rc = kb_speller_suggest(&sugg, &nsugg, sp, ctx, w, len, SP_FINDING_SUGG);
	if (rc)
		goto done;
	size_t shown = sp_utf8_cut(w, len, SP_MSG_WORD);
	text = kb_strndup(w, len);
	if (!text || kb_buf_printf(&msg, "Ukendt ord: »%.*s%s«.", (int)shown, w, shown < len ? "…" : "")) {
		rc = kb_ctx_fail(ctx, KB_ENOMEM, "out of memory");
		goto done;
	}
	kb_finding f = { 0 };
	f.rule = "stavning";
	f.level = KB_LEVEL_WARNING;
	f.message = msg.data;
	f.paragraph = (long)pi;
	f.start = start;
	f.len = len;
	f.text = text;
	f.origin = (char *)kb_paragraph_origin_at(p, start);
	f.source = "spell";
	f.suggestions = sugg;
	f.nsuggestions = nsugg;
	rc = kb_findings_add(out, &f);
	if (rc == KB_ENOMEM)
		rc = kb_ctx_fail(ctx, rc, "out of memory");
	/* KB_ELIMIT (the list is full) goes back to the caller, which stops looking */
done:
	kb_buf_free(&msg);
	free(text);
	kb_strv_free(sugg);
	return rc;
}

/* Checks the word p->text[start..start+len) and reports it when unknown. "og/eller": when the whole is unknown,
 * each part between slashes is checked and reported on its own. */
static int sp_check_word(kb_speller *sp, kb_ctx *ctx, const kb_paragraph *p, size_t pi, size_t start, size_t len,
                         kb_findings *out)
{
	const char *w = p->text + start;
	int ok = kb_speller_check(sp, ctx, w, len);
	if (ok)
		return ok < 0 ? ok : KB_OK;
	if (!memchr(w, '/', len))
		return sp_report(sp, ctx, p, pi, start, len, out);
	size_t s = 0;
	while (s <= len) {
		const char *slash = memchr(w + s, '/', len - s);
		size_t e = slash ? (size_t)(slash - w) : len;
		if (e > s) {
			ok = kb_speller_check(sp, ctx, w + s, e - s);
			if (ok < 0)
				return ok;
			if (!ok) {
				int rc = sp_report(sp, ctx, p, pi, start + s, e - s, out);
				if (rc)
					return rc;
			}
		}
		s = e + 1;
	}
	return KB_OK;
}

int kb_spell_text(kb_speller *sp, kb_ctx *ctx, const kb_text *t, kb_findings *out)
{
	int rc = kb_speller_load(sp, ctx);
	for (size_t pi = 0; !rc && t && pi < t->nparas; pi++) {
		const kb_paragraph *p = &t->paras[pi];
		for (size_t wi = 0; !rc && wi < p->nwords; wi++) {
			const kb_word *wd = &p->words[wi];
			const char *w = p->text + wd->start;
			if (wd->flags & (KB_WORD_DIGIT | KB_WORD_URL) || !wd->len)
				continue;
			/* e-mail addresses the tokenizer did not take for one, handles ("@kommune"), "§§" */
			if (memchr(w, '@', wd->len) || sp_has_section_sign(w, wd->len))
				continue;
			if (sp_in_nospell(p, wd->start, wd->len))
				continue;
			/* abbreviations keep their final period: hunspell knows "f.eks." and "stk.", not "f.eks" */
			rc = sp_check_word(sp, ctx, p, pi, wd->start, wd->len, out);
		}
	}
	return rc == KB_ELIMIT ? KB_OK : rc; /* a letter with 100 000 findings has been told enough */
}
