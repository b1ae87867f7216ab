/*
 * wordmatch.c -- word patterns compiled together and found in one pass (see wordmatch.h).
 *
 * Each pattern becomes a small program (wm_inst) for a Pike machine: WORD takes a word that one of the element's
 * alternatives matches, ANY takes any word, NEG looks at the next word without taking it, SPLIT forks with a
 * preference (the first target is tried first: an optional element prefers its word, a gap prefers to end), MATCH
 * ends. The machine runs every thread in lock-step over the words, in preference order, and cuts the threads below
 * the first one that matches: it finds the end a backtracking matcher would find, without backtracking.
 *
 * Memory: every allocation goes through the caller's allocator and is kept on a list freed with the matcher
 * (wm_mem); nothing is freed earlier, and the only growing array (the patterns) wastes at most what it holds.
 */
#include "wordmatch.h"
#include "textmodel.h"
#include "utf8.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { WM_LIT, WM_PREFIX, WM_SUFFIX, WM_ANYWORD };
enum { OP_WORD, OP_ANY, OP_NEG, OP_SPLIT, OP_MATCH };

typedef struct wm_alt {
	unsigned char kind;
	const char *s; /* lower case; not NUL-terminated */
	size_t len;
} wm_alt;

typedef struct wm_elem {
	wm_alt *alts;
	size_t nalts;
	unsigned gap; /* > 0: a gap of 0..gap words (no alts) */
	unsigned char opt, neg;
} wm_elem;

typedef struct wm_inst {
	unsigned char op;
	uint16_t x, y; /* OP_SPLIT: the preferred and the other target */
	uint16_t elem; /* OP_WORD, OP_NEG */
} wm_inst;

typedef struct wm_pat {
	wm_elem *elems;
	size_t nelems;
	wm_inst *prog;
	size_t nprog;
	int anywhere; /* its first word may be any word: tried at every word */
} wm_pat;

/* A slot of the index: the patterns whose first word can be matched by a literal, prefix or suffix. */
typedef struct wm_key {
	unsigned char kind, used;
	const char *s;
	size_t len;
	uint64_t hash;
	size_t *ids, n;
	size_t last; /* the last pattern counted, + 1 */
} wm_key;

typedef union wm_block {
	struct {
		union wm_block *next;
		size_t size;
	} h;
	max_align_t align;
} wm_block;

struct kb_wordmatch {
	kb_wordmatch_alloc alloc;
	void *ud;
	wm_block *blocks;
	wm_pat *pats;
	size_t n, cap;
	wm_key *keys;
	size_t nslots; /* a power of two, or 0 */
	size_t *anywhere, nanywhere;
	size_t max_prefix, max_suffix; /* bytes of the longest prefix and suffix filed */
	size_t max_prog;
	int prepared;
};

static void *wm_default_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	(void)ud;
	(void)osize;
	if (nsize == 0) {
		free(ptr);
		return NULL;
	}
	return realloc(ptr, nsize);
}

/* size bytes that live as long as the matcher, zeroed; NULL when out of memory. */
static void *wm_mem(kb_wordmatch *m, size_t size)
{
	if (size > SIZE_MAX - sizeof(wm_block))
		return NULL;
	wm_block *b = m->alloc(m->ud, NULL, 0, sizeof *b + size);
	if (!b)
		return NULL;
	b->h.next = m->blocks;
	b->h.size = sizeof *b + size;
	m->blocks = b;
	memset(b + 1, 0, size);
	return b + 1;
}

int kb_wordmatch_new(kb_wordmatch **out, kb_wordmatch_alloc alloc, void *alloc_ud)
{
	if (!alloc)
		alloc = wm_default_alloc;
	kb_wordmatch *m = alloc(alloc_ud, NULL, 0, sizeof *m);
	*out = m;
	if (!m)
		return KB_ENOMEM;
	memset(m, 0, sizeof *m);
	m->alloc = alloc;
	m->ud = alloc_ud;
	return KB_OK;
}

void kb_wordmatch_free(kb_wordmatch *m)
{
	if (!m)
		return;
	for (wm_block *b = m->blocks; b;) {
		wm_block *next = b->h.next;
		m->alloc(m->ud, b, b->h.size, 0);
		b = next;
	}
	m->alloc(m->ud, m, sizeof *m, 0);
}

size_t kb_wordmatch_count(const kb_wordmatch *m)
{
	return m ? m->n : 0;
}

/* ---- compiling ---- */

static int wm_is_blank(uint32_t cp)
{
	return cp < 0x20u || cp == 0x7Fu || kb_uc_is_space(cp);
}

/* Checks that a literal s[0..len) is one word exactly as the text model cuts a letter, so that it can match at all.
 * Returns 0, KB_EINPUT (message on ctx), KB_ENOMEM. */
static int wm_check_word(kb_ctx *ctx, const char *s, size_t len)
{
	kb_text *t = NULL;
	kb_ctx *tmp = NULL;
	int rc = kb_ctx_new(&tmp);
	if (rc)
		return kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
	rc = kb_text_from_plain(&t, tmp, s, len, "mønster");
	if (rc == KB_ENOMEM) {
		rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
		goto done;
	}
	if (rc || t->nparas != 1 || t->paras[0].nwords == 0) {
		rc = kb_ctx_fail(ctx, KB_EINPUT, "»%.*s« er ikke et ord (et ord har mindst ét bogstav eller tal)",
		                 (int)len, s);
		goto done;
	}
	const kb_paragraph *p = &t->paras[0];
	if (p->nwords == 1 && p->words[0].start == 0 && p->words[0].len == p->len)
		goto done;
	/* the first character outside the words, to name it */
	size_t at = p->words[0].start ? 0 : p->words[0].len, n = 1;
	if ((unsigned char)p->text[at] >= 0x80) {
		uint32_t cp;
		n = kb_utf8_decode(p->text + at, p->len - at, &cp);
	}
	rc = kb_ctx_fail(ctx, KB_EINPUT,
	                 "»%.*s« er ikke ét ord: »%.*s« står uden for ordet, og et ord i teksten har aldrig tegnsætning "
	                 "omkring sig; skriv ordet uden den",
	                 (int)len, s, (int)n, p->text + at);
done:
	kb_text_free(t);
	kb_ctx_free(tmp);
	return rc;
}

/* Parses one alternative a[0..len) of element tok into alt. */
static int wm_parse_alt(kb_wordmatch *m, kb_ctx *ctx, wm_alt *alt, const char *a, size_t len, const char *tok,
                        size_t toklen)
{
	if (len == 0)
		return kb_ctx_fail(ctx, KB_EINPUT, "»%.*s« har et tomt alternativ; skriv et ord på hver side af »|«",
		                   (int)toklen, tok);
	if (len == 1 && a[0] == '*') {
		alt->kind = WM_ANYWORD;
		return KB_OK;
	}
	const char *body = a;
	size_t blen = len;
	alt->kind = WM_LIT;
	if (a[len - 1] == '*') {
		alt->kind = WM_PREFIX;
		blen--;
	}
	if (a[0] == '*') {
		if (alt->kind == WM_PREFIX)
			return kb_ctx_fail(ctx, KB_EINPUT,
			                   "»%.*s«: et alternativ kan begynde eller slutte med »*«, ikke begge dele",
			                   (int)len, a);
		alt->kind = WM_SUFFIX;
		body++;
		blen--;
	}
	for (size_t i = 0; i < blen; i++) {
		char c = body[i];
		if (c == '*' || c == '?' || c == '!')
			return kb_ctx_fail(ctx, KB_EINPUT,
			                   "»%.*s«: »%c« kan kun stå %s; inde i et ord betyder det ingenting", (int)len, a,
			                   c, c == '*' ? "først eller sidst i et alternativ" :
			                      c == '?' ? "sidst i et element" :
			                                 "først i et element");
	}
	if (alt->kind == WM_LIT) {
		int rc = wm_check_word(ctx, body, blen);
		if (rc)
			return rc;
	} else {
		int letter = 0;
		size_t i = 0;
		while (i < blen) {
			uint32_t cp;
			i += kb_utf8_decode(body + i, blen - i, &cp);
			letter |= kb_uc_is_letter(cp) || kb_uc_is_digit(cp);
		}
		if (!letter)
			return kb_ctx_fail(ctx, KB_EINPUT, "»%.*s« har intet bogstav eller tal ved »*«", (int)len, a);
	}
	size_t ll = 0;
	char *low = kb_utf8_lower(body, blen, &ll);
	char *copy = low ? wm_mem(m, ll + 1) : NULL;
	if (copy)
		memcpy(copy, low, ll);
	free(low);
	if (!copy)
		return kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
	alt->s = copy;
	alt->len = ll;
	return KB_OK;
}

/* Parses one element tok[0..len) (no white space in it) into e. */
static int wm_parse_elem(kb_wordmatch *m, kb_ctx *ctx, wm_elem *e, const char *tok, size_t len)
{
	if (len >= 3 && !memcmp(tok, "...", 3)) {
		if (len == 3) {
			e->gap = 3;
			return KB_OK;
		}
		unsigned n = 0;
		size_t i = 3;
		for (; i < len && tok[i] >= '0' && tok[i] <= '9' && n <= KB_WORDMATCH_MAX_GAP; i++)
			n = n * 10 + (unsigned)(tok[i] - '0');
		if (i < len || n < 1 || n > KB_WORDMATCH_MAX_GAP)
			return kb_ctx_fail(ctx, KB_EINPUT,
			                   "»%.*s« er ikke et mellemrum: skriv »...« (op til 3 ord) eller »...N« med N fra "
			                   "1 til %u",
			                   (int)len, tok, KB_WORDMATCH_MAX_GAP);
		e->gap = n;
		return KB_OK;
	}
	const char *s = tok;
	size_t n = len;
	if (n > 1 && s[0] == '!') {
		e->neg = 1;
		s++;
		n--;
	}
	if (n > 1 && s[n - 1] == '?') {
		e->opt = 1;
		n--;
	}
	if (e->neg && e->opt)
		return kb_ctx_fail(ctx, KB_EINPUT,
		                   "»%.*s« er både »!« (det næste ord er ikke) og »?« (valgfrit); brug kun det ene",
		                   (int)len, tok);
	size_t nalts = 1;
	for (size_t i = 0; i < n; i++)
		nalts += s[i] == '|';
	if (nalts > KB_WORDMATCH_MAX_ALTS)
		return kb_ctx_fail(ctx, KB_ELIMIT, "»%.*s…« har mere end %u alternativer", 40, tok,
		                   KB_WORDMATCH_MAX_ALTS);
	e->alts = wm_mem(m, nalts * sizeof *e->alts);
	if (!e->alts)
		return kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
	size_t at = 0;
	for (size_t k = 0; k < nalts; k++) {
		const char *bar = memchr(s + at, '|', n - at);
		size_t end = bar ? (size_t)(bar - s) : n;
		int rc = wm_parse_alt(m, ctx, &e->alts[k], s + at, end - at, tok, len);
		if (rc)
			return rc;
		at = end + 1;
	}
	e->nalts = nalts;
	if (e->neg) {
		for (size_t k = 0; k < nalts; k++)
			if (e->alts[k].kind == WM_ANYWORD)
				return kb_ctx_fail(ctx, KB_EINPUT,
				                   "»%.*s« kan aldrig passe: »!*« kræver, at der ikke kommer noget ord; "
				                   "skriv de ord, der ikke må komme",
				                   (int)len, tok);
	}
	return KB_OK;
}

/* Makes p's program and checks the pattern as a whole. */
static int wm_finish(kb_wordmatch *m, kb_ctx *ctx, wm_pat *p)
{
	if (p->nelems == 0)
		return kb_ctx_fail(ctx, KB_EINPUT, "mønsteret har ingen ord");
	if (p->elems[0].gap || p->elems[p->nelems - 1].gap)
		return kb_ctx_fail(ctx, KB_EINPUT,
		                   "»...« står %s; et mellemrum skal stå mellem to ord (et match begynder og slutter med "
		                   "et ord)",
		                   p->elems[0].gap ? "først" : "sidst");
	size_t required = 0, nprog = 1;
	for (size_t i = 0; i < p->nelems; i++) {
		const wm_elem *e = &p->elems[i];
		required += !e->gap && !e->opt && !e->neg;
		nprog += e->gap ? 2u * e->gap : e->opt ? 2u : 1u;
	}
	if (!required)
		return kb_ctx_fail(ctx, KB_EINPUT,
		                   "mønsteret har intet ord, der skal være der: alle dets elementer er valgfrie (?) eller "
		                   "udeladte (!), så det ville passe på ingenting");
	p->prog = wm_mem(m, nprog * sizeof *p->prog);
	if (!p->prog)
		return kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
	size_t pc = 0;
	for (size_t i = 0; i < p->nelems; i++) {
		const wm_elem *e = &p->elems[i];
		if (e->gap) {
			size_t exit = pc + 2u * e->gap;
			for (unsigned k = 0; k < e->gap; k++) {
				p->prog[pc] = (wm_inst){ OP_SPLIT, (uint16_t)exit, (uint16_t)(pc + 1), 0 };
				p->prog[pc + 1] = (wm_inst){ OP_ANY, 0, 0, 0 };
				pc += 2;
			}
		} else if (e->neg) {
			p->prog[pc++] = (wm_inst){ OP_NEG, 0, 0, (uint16_t)i };
		} else {
			if (e->opt) {
				p->prog[pc] = (wm_inst){ OP_SPLIT, (uint16_t)(pc + 1), (uint16_t)(pc + 2), 0 };
				pc++;
			}
			p->prog[pc++] = (wm_inst){ OP_WORD, 0, 0, (uint16_t)i };
		}
	}
	p->prog[pc++] = (wm_inst){ OP_MATCH, 0, 0, 0 };
	p->nprog = pc;
	if (pc > m->max_prog)
		m->max_prog = pc;
	return KB_OK;
}

/* A new pattern slot at the end of the list (not counted until the pattern is whole). */
static int wm_slot(wm_pat **out, kb_wordmatch *m, kb_ctx *ctx)
{
	if (m->prepared)
		return kb_ctx_fail(ctx, KB_EUSAGE, "mønstrene er allerede samlet");
	if (m->n >= KB_WORDMATCH_MAX_PATTERNS)
		return kb_ctx_fail(ctx, KB_ELIMIT, "mere end %u mønstre i ét sæt", KB_WORDMATCH_MAX_PATTERNS);
	if (m->n == m->cap) {
		size_t ncap = m->cap ? m->cap * 2 : 16;
		wm_pat *np = wm_mem(m, ncap * sizeof *np);
		if (!np)
			return kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
		if (m->n)
			memcpy(np, m->pats, m->n * sizeof *np);
		m->pats = np;
		m->cap = ncap;
	}
	wm_pat *p = &m->pats[m->n];
	memset(p, 0, sizeof *p);
	p->elems = wm_mem(m, KB_WORDMATCH_MAX_ELEMENTS * sizeof *p->elems);
	if (!p->elems)
		return kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
	*out = p;
	return KB_OK;
}

static int wm_add_elem(kb_wordmatch *m, kb_ctx *ctx, wm_pat *p, const char *tok, size_t len)
{
	if (p->nelems >= KB_WORDMATCH_MAX_ELEMENTS)
		return kb_ctx_fail(ctx, KB_ELIMIT, "mønsteret har mere end %u elementer", KB_WORDMATCH_MAX_ELEMENTS);
	return wm_parse_elem(m, ctx, &p->elems[p->nelems++], tok, len);
}

int kb_wordmatch_add(kb_wordmatch *m, kb_ctx *ctx, const char *src, size_t len)
{
	if (len > KB_WORDMATCH_MAX_BYTES)
		return kb_ctx_fail(ctx, KB_ELIMIT, "mønsteret er længere end %u byte", KB_WORDMATCH_MAX_BYTES);
	if (!kb_utf8_valid(src, len))
		return kb_ctx_fail(ctx, KB_EINPUT, "mønsteret er ikke gyldig UTF-8");
	wm_pat *p = NULL;
	int rc = wm_slot(&p, m, ctx);
	if (rc)
		return rc;
	size_t i = 0;
	while (i < len) {
		uint32_t cp;
		size_t k = kb_utf8_decode(src + i, len - i, &cp);
		if (wm_is_blank(cp)) {
			i += k;
			continue;
		}
		size_t start = i;
		while (i < len) {
			k = kb_utf8_decode(src + i, len - i, &cp);
			if (wm_is_blank(cp))
				break;
			i += k;
		}
		if ((rc = wm_add_elem(m, ctx, p, src + start, i - start)))
			return rc;
	}
	rc = wm_finish(m, ctx, p);
	if (!rc)
		m->n++;
	return rc;
}

int kb_wordmatch_add_elements(kb_wordmatch *m, kb_ctx *ctx, const char *const *elems, const size_t *lens, size_t n)
{
	wm_pat *p = NULL;
	int rc = wm_slot(&p, m, ctx);
	if (rc)
		return rc;
	size_t total = 0;
	for (size_t i = 0; i < n; i++) {
		total += lens[i] + 1;
		if (total > KB_WORDMATCH_MAX_BYTES)
			return kb_ctx_fail(ctx, KB_ELIMIT, "mønsteret er længere end %u byte", KB_WORDMATCH_MAX_BYTES);
		if (!kb_utf8_valid(elems[i], lens[i]))
			return kb_ctx_fail(ctx, KB_EINPUT, "element %zu er ikke gyldig UTF-8", i + 1);
		if (lens[i] == 0)
			return kb_ctx_fail(ctx, KB_EINPUT, "element %zu er tomt", i + 1);
		size_t j = 0;
		while (j < lens[i]) {
			uint32_t cp;
			j += kb_utf8_decode(elems[i] + j, lens[i] - j, &cp);
			if (wm_is_blank(cp))
				return kb_ctx_fail(ctx, KB_EINPUT,
				                   "element %zu (»%.*s«) har mellemrum; et element i tabellen er ét ord, "
				                   "så skriv hvert ord som sit eget element",
				                   i + 1, (int)lens[i], elems[i]);
		}
		if ((rc = wm_add_elem(m, ctx, p, elems[i], lens[i])))
			return rc;
	}
	rc = wm_finish(m, ctx, p);
	if (!rc)
		m->n++;
	return rc;
}

/* ---- the index ---- */

#define WM_FNV_OFFSET 1469598103934665603ull
#define WM_FNV_PRIME  1099511628211ull

static uint64_t wm_hash_start(unsigned kind)
{
	return (WM_FNV_OFFSET ^ kind) * WM_FNV_PRIME;
}

static uint64_t wm_hash_step(uint64_t h, unsigned char c)
{
	return (h ^ c) * WM_FNV_PRIME;
}

/* The hash of a key: a suffix is hashed from its last byte back, so the scan can hash a word's suffixes as it
 * walks back from the word's end. */
static uint64_t wm_hash(unsigned kind, const char *s, size_t len)
{
	uint64_t h = wm_hash_start(kind);
	if (kind == WM_SUFFIX)
		for (size_t i = len; i-- > 0;)
			h = wm_hash_step(h, (unsigned char)s[i]);
	else
		for (size_t i = 0; i < len; i++)
			h = wm_hash_step(h, (unsigned char)s[i]);
	return h;
}

static wm_key *wm_find(const kb_wordmatch *m, unsigned kind, const char *s, size_t len, uint64_t h)
{
	size_t mask = m->nslots - 1;
	for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
		wm_key *k = &m->keys[i];
		if (!k->used)
			return NULL;
		if (k->hash == h && k->kind == kind && k->len == len && !memcmp(k->s, s, len))
			return k;
	}
}

/* The slot for a key, taken when it is new (the table never fills: it has twice the slots of the keys). */
static wm_key *wm_slot_of(kb_wordmatch *m, const wm_alt *a)
{
	uint64_t h = wm_hash(a->kind, a->s, a->len);
	size_t mask = m->nslots - 1;
	for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
		wm_key *k = &m->keys[i];
		if (!k->used) {
			k->used = 1;
			k->kind = a->kind;
			k->s = a->s;
			k->len = a->len;
			k->hash = h;
			return k;
		}
		if (k->hash == h && k->kind == a->kind && k->len == a->len && !memcmp(k->s, a->s, a->len))
			return k;
	}
}

/* Calls visit for each alternative the pattern's first word may match; returns 1 when that word may be any word
 * (the pattern is then tried everywhere and filed nowhere). */
static int wm_first_alts(const wm_pat *p, void (*visit)(kb_wordmatch *, const wm_alt *, size_t), kb_wordmatch *m,
                         size_t id)
{
	for (size_t i = 0; i < p->nelems; i++) {
		const wm_elem *e = &p->elems[i];
		if (e->gap)
			return 1;
		if (e->neg)
			continue;
		for (size_t k = 0; k < e->nalts; k++)
			if (e->alts[k].kind == WM_ANYWORD)
				return 1;
		if (visit)
			for (size_t k = 0; k < e->nalts; k++)
				visit(m, &e->alts[k], id);
		if (!e->opt)
			return 0;
	}
	return 0;
}

static void wm_count_key(kb_wordmatch *m, const wm_alt *a, size_t id)
{
	wm_key *k = wm_slot_of(m, a);
	if (k->last != id + 1) {
		k->last = id + 1;
		k->n++;
	}
	if (a->kind == WM_PREFIX && a->len > m->max_prefix)
		m->max_prefix = a->len;
	if (a->kind == WM_SUFFIX && a->len > m->max_suffix)
		m->max_suffix = a->len;
}

static void wm_fill_key(kb_wordmatch *m, const wm_alt *a, size_t id)
{
	wm_key *k = wm_slot_of(m, a);
	if (k->last != id + 1) {
		k->last = id + 1;
		k->ids[k->n++] = id;
	}
}

int kb_wordmatch_prepare(kb_wordmatch *m)
{
	if (m->prepared)
		return KB_OK;
	size_t nalts = 0;
	for (size_t i = 0; i < m->n; i++) {
		const wm_pat *p = &m->pats[i];
		for (size_t j = 0; j < p->nelems; j++)
			nalts += p->elems[j].nalts;
	}
	m->nslots = 16;
	while (m->nslots < 2 * nalts)
		m->nslots *= 2;
	m->keys = wm_mem(m, m->nslots * sizeof *m->keys);
	m->anywhere = wm_mem(m, (m->n ? m->n : 1) * sizeof *m->anywhere);
	if (!m->keys || !m->anywhere)
		return KB_ENOMEM;
	for (size_t i = 0; i < m->n; i++) {
		m->pats[i].anywhere = wm_first_alts(&m->pats[i], NULL, m, i);
		if (m->pats[i].anywhere)
			m->anywhere[m->nanywhere++] = i;
		else
			wm_first_alts(&m->pats[i], wm_count_key, m, i);
	}
	for (size_t s = 0; s < m->nslots; s++) {
		wm_key *k = &m->keys[s];
		if (!k->used)
			continue;
		if (!(k->ids = wm_mem(m, k->n * sizeof *k->ids)))
			return KB_ENOMEM;
		k->n = 0;
		k->last = 0;
	}
	for (size_t i = 0; i < m->n; i++)
		if (!m->pats[i].anywhere)
			wm_first_alts(&m->pats[i], wm_fill_key, m, i);
	m->prepared = 1;
	return KB_OK;
}

/* ---- the scan ---- */

void kb_wordmatch_work_free(kb_wordmatch_work *w)
{
	if (!w)
		return;
	kb_buf_free(&w->low);
	free(w->off);
	free(w->len);
	free(w->cand);
	free(w->seen);
	free(w->cur);
	free(w->next);
	free(w->mark);
	memset(w, 0, sizeof *w);
}

/* Grows *p to n elements of size_t (contents kept). */
static int wm_grow(size_t **p, size_t n)
{
	size_t *np = realloc(*p, (n ? n : 1) * sizeof *np);
	if (!np)
		return KB_ENOMEM;
	*p = np;
	return KB_OK;
}

static int wm_work_ready(const kb_wordmatch *m, kb_wordmatch_work *w)
{
	if (w->ncap < m->n || !w->cand) {
		if (wm_grow(&w->cand, m->n) || wm_grow(&w->seen, m->n))
			return KB_ENOMEM;
		w->ncap = m->n;
	}
	if (w->pcap < m->max_prog || !w->cur) {
		if (wm_grow(&w->cur, m->max_prog) || wm_grow(&w->next, m->max_prog) || wm_grow(&w->mark, m->max_prog))
			return KB_ENOMEM;
		w->pcap = m->max_prog;
	}
	memset(w->seen, 0, (m->n ? m->n : 1) * sizeof *w->seen);
	memset(w->mark, 0, (m->max_prog ? m->max_prog : 1) * sizeof *w->mark);
	w->gen = w->stamp = 0;
	if (!w->low.max)
		kb_buf_init(&w->low, KB_MAX_TEXT_BYTES * 2u);
	return KB_OK;
}

/* The lower-case words of p into w. */
static int wm_lower_words(kb_wordmatch_work *w, const kb_paragraph *p)
{
	if (p->nwords > w->cap) {
		if (wm_grow(&w->off, p->nwords) || wm_grow(&w->len, p->nwords))
			return KB_ENOMEM;
		w->cap = p->nwords;
	}
	return kb_paragraph_lower_words(&w->low, w->off, w->len, p);
}

static int wm_alt_ok(const wm_alt *a, const char *s, size_t n)
{
	switch (a->kind) {
	case WM_LIT: return n == a->len && !memcmp(s, a->s, n);
	case WM_PREFIX: return n >= a->len && !memcmp(s, a->s, a->len);
	case WM_SUFFIX: return n >= a->len && !memcmp(s + n - a->len, a->s, a->len);
	default: return 1;
	}
}

static int wm_elem_ok(const wm_elem *e, const kb_wordmatch_work *w, size_t word)
{
	const char *s = w->low.data + w->off[word];
	size_t n = w->len[word];
	for (size_t k = 0; k < e->nalts; k++)
		if (wm_alt_ok(&e->alts[k], s, n))
			return 1;
	return 0;
}

/* Adds the thread at pc (and what it leads to without taking a word) to list, in preference order. */
static void wm_add_thread(const wm_pat *p, kb_wordmatch_work *w, size_t *list, size_t *n, size_t pc, size_t pos,
                          size_t end)
{
	for (;;) {
		if (w->mark[pc] == w->gen)
			return;
		w->mark[pc] = w->gen;
		const wm_inst *in = &p->prog[pc];
		if (in->op == OP_SPLIT) {
			wm_add_thread(p, w, list, n, in->x, pos, end);
			pc = in->y;
		} else if (in->op == OP_NEG) {
			if (pos < end && wm_elem_ok(&p->elems[in->elem], w, pos))
				return;
			pc++;
		} else {
			list[(*n)++] = pc;
			return;
		}
	}
}

/* The end (word index after the last word) of p's match from word start in a sentence ending at word end, or 0. */
static size_t wm_run(const wm_pat *p, kb_wordmatch_work *w, size_t start, size_t end)
{
	size_t *cur = w->cur, *next = w->next, nc = 0, best = 0;
	w->gen++;
	wm_add_thread(p, w, cur, &nc, 0, start, end);
	for (size_t pos = start; nc; pos++) {
		size_t nn = 0;
		w->gen++;
		w->steps += nc;
		for (size_t i = 0; i < nc; i++) {
			const wm_inst *in = &p->prog[cur[i]];
			if (in->op == OP_MATCH) {
				best = pos;
				break; /* the threads after it are less preferred */
			}
			if (pos < end && (in->op == OP_ANY || wm_elem_ok(&p->elems[in->elem], w, pos)))
				wm_add_thread(p, w, next, &nn, cur[i] + 1, pos + 1, end);
		}
		size_t *t = cur;
		cur = next;
		next = t;
		nc = nn;
	}
	return best;
}

static void wm_take(const kb_wordmatch *m, kb_wordmatch_work *w, size_t *nc, const wm_key *k)
{
	(void)m;
	for (size_t i = 0; i < k->n; i++) {
		size_t id = k->ids[i];
		if (w->seen[id] != w->stamp) {
			w->seen[id] = w->stamp;
			w->cand[(*nc)++] = id;
		}
	}
}

static int wm_cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return x < y ? -1 : x > y;
}

/* The patterns that may match at word i, in pattern order, into w->cand. */
static size_t wm_candidates(const kb_wordmatch *m, kb_wordmatch_work *w, size_t i)
{
	const char *s = w->low.data + w->off[i];
	size_t n = w->len[i], nc = 0;
	const wm_key *k;
	w->stamp++;
	for (size_t a = 0; a < m->nanywhere; a++) {
		w->seen[m->anywhere[a]] = w->stamp;
		w->cand[nc++] = m->anywhere[a];
	}
	if ((k = wm_find(m, WM_LIT, s, n, wm_hash(WM_LIT, s, n))))
		wm_take(m, w, &nc, k);
	if (m->max_prefix) {
		uint64_t h = wm_hash_start(WM_PREFIX);
		size_t lim = n < m->max_prefix ? n : m->max_prefix;
		for (size_t j = 0; j < lim; j++) {
			h = wm_hash_step(h, (unsigned char)s[j]);
			if ((j + 1 == n || ((unsigned char)s[j + 1] & 0xC0u) != 0x80u) && (k = wm_find(m, WM_PREFIX, s, j + 1, h)))
				wm_take(m, w, &nc, k);
		}
	}
	if (m->max_suffix) {
		uint64_t h = wm_hash_start(WM_SUFFIX);
		size_t lim = n < m->max_suffix ? n : m->max_suffix;
		for (size_t j = n; j > n - lim; j--) {
			h = wm_hash_step(h, (unsigned char)s[j - 1]);
			if (((unsigned char)s[j - 1] & 0xC0u) != 0x80u && (k = wm_find(m, WM_SUFFIX, s + j - 1, n - j + 1, h)))
				wm_take(m, w, &nc, k);
		}
	}
	if (nc > 1)
		qsort(w->cand, nc, sizeof *w->cand, wm_cmp_size);
	return nc;
}

int kb_wordmatch_scan(const kb_wordmatch *m, kb_wordmatch_work *w, const kb_text *t, kb_wordmatch_mode mode,
                      kb_wordmatch_fn fn, kb_wordmatch_check check, void *ud)
{
	if (!m || !m->prepared)
		return KB_EUSAGE;
	if (!m->n || !t)
		return KB_OK;
	int rc = wm_work_ready(m, w);
	for (size_t pi = 0; !rc && pi < t->nparas; pi++) {
		const kb_paragraph *p = &t->paras[pi];
		if (!p->nwords)
			continue;
		if ((rc = wm_lower_words(w, p)))
			break;
		for (size_t si = 0; !rc && si < p->nsentences; si++) {
			size_t end = p->sentences[si].first_word + p->sentences[si].nwords;
			for (size_t i = p->sentences[si].first_word; !rc && i < end;) {
				size_t nc = wm_candidates(m, w, i), best = 0, best_pat = 0;
				w->steps += nc + 1;
				for (size_t c = 0; !rc && c < nc; c++) {
					size_t e = wm_run(&m->pats[w->cand[c]], w, i, end);
					if (!e)
						continue;
					if (mode == KB_WORDMATCH_ALL) {
						const kb_word *a = &p->words[i], *b = &p->words[e - 1];
						kb_wordmatch_hit h = { w->cand[c], pi, i, e - 1, a->start, b->start + b->len };
						rc = fn(ud, &h);
					} else if (e > best) {
						best = e;
						best_pat = w->cand[c];
					}
				}
				if (!rc && best) {
					const kb_word *a = &p->words[i], *b = &p->words[best - 1];
					kb_wordmatch_hit h = { best_pat, pi, i, best - 1, a->start, b->start + b->len };
					rc = fn(ud, &h);
					i = best;
				} else {
					i++;
				}
				if (!rc && check && w->steps >= KB_WORDMATCH_STEPS) {
					w->steps = 0;
					rc = check(ud);
				}
			}
		}
	}
	return rc;
}
