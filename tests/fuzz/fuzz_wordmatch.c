/*
 * fuzz_wordmatch.c -- differential fuzz target: klarbrev.matcher's Pike machine (wordmatch.c) against a plain
 * backtracking matcher written here from the pattern language of wordmatch.h, the one the Lua
 * match_from in bench/wordmatch.sh implements. For every pattern the matcher accepts, every sentence and every start word, both must agree
 * on whether the pattern matches there and on its last word; the scan in "longest" mode must give, at each word it
 * stops at, the longest of those matches (the first pattern on a tie) and go on after it. A pattern the matcher
 * rejects must come with a message.
 *
 * Input: NUL-separated pieces: up to four patterns, then the text (one paragraph). The text model cuts the words and
 * sentences as it does for letters.
 */
#include "fuzz_util.h"

#include <klarbrev.h>

#include "textmodel.h"
#include "utf8.h"
#include "wordmatch.h"

#define MAXP 4
#define MAXEL 40
#define MAXALT 120

typedef struct ref_alt {
	const char *s; /* lower-case */
	size_t len;
	int kind; /* 0 literal, 1 prefix (s*), 2 suffix (*s), 3 any (*) */
} ref_alt;

typedef struct ref_el {
	int gap;        /* 0, or the most words a gap "...N" takes */
	int neg, opt;   /* !x, x? */
	ref_alt alts[MAXALT];
	size_t nalts;
} ref_el;

typedef struct ref_pat {
	ref_el el[MAXEL];
	size_t n;
	char *low; /* the lower-case source the alternatives point into */
} ref_pat;

/* The length of the blank at s[i] (white space or a control character separates elements), 0 when none. */
static size_t blank_at(const char *s, size_t len, size_t i)
{
	uint32_t cp;
	size_t n = kb_utf8_decode(s + i, len - i, &cp);
	return cp < 0x20u || cp == 0x7Fu || kb_uc_is_space(cp) ? n : 0;
}

/* Parses src as wordmatch.h describes it (only called for patterns the matcher accepted). 0 when it did not fit the
 * reference's own limits (then the pattern is not compared). */
static int ref_parse(ref_pat *p, const char *src, size_t len)
{
	size_t ll = 0;
	memset(p, 0, sizeof *p);
	p->low = kb_utf8_lower(src, len, &ll);
	if (!p->low)
		return 0;
	char *s = p->low;
	size_t i = 0;
	while (i < ll) {
		while (i < ll && blank_at(s, ll, i))
			i += blank_at(s, ll, i);
		if (i >= ll)
			break;
		size_t j = i;
		while (j < ll && !blank_at(s, ll, j)) {
			uint32_t cp;
			j += kb_utf8_decode(s + j, ll - j, &cp);
		}
		if (p->n >= MAXEL)
			return 0;
		ref_el *e = &p->el[p->n++];
		const char *t = s + i;
		size_t n = j - i;
		i = j;
		if (n >= 3 && !memcmp(t, "...", 3)) {
			int g = 0;
			for (size_t k = 3; k < n; k++)
				g = g * 10 + (t[k] - '0');
			e->gap = n == 3 ? 3 : g;
			continue;
		}
		if (n && t[0] == '!') {
			e->neg = 1;
			t++;
			n--;
		}
		if (n && t[n - 1] == '?') {
			e->opt = 1;
			n--;
		}
		size_t a = 0;
		while (a <= n) {
			size_t b = a;
			while (b < n && t[b] != '|')
				b++;
			if (e->nalts >= MAXALT)
				return 0;
			ref_alt *x = &e->alts[e->nalts++];
			x->s = t + a;
			x->len = b - a;
			if (x->len == 1 && x->s[0] == '*') {
				x->kind = 3;
			} else if (x->len && x->s[0] == '*') {
				x->kind = 2;
				x->s++;
				x->len--;
			} else if (x->len && x->s[x->len - 1] == '*') {
				x->kind = 1;
				x->len--;
			}
			a = b + 1;
		}
	}
	return p->n > 0;
}

typedef struct ref_words {
	char **w; /* lower-case words of the sentence */
	size_t *l;
	size_t n;
} ref_words;

static int alt_matches(const ref_alt *a, const char *w, size_t wl)
{
	switch (a->kind) {
	case 0: return wl == a->len && !memcmp(w, a->s, wl);
	case 1: return wl >= a->len && !memcmp(w, a->s, a->len);
	case 2: return wl >= a->len && !memcmp(w + wl - a->len, a->s, a->len);
	default: return 1;
	}
}

static int el_matches(const ref_el *e, const ref_words *ws, size_t at)
{
	for (size_t k = 0; k < e->nalts; k++)
		if (alt_matches(&e->alts[k], ws->w[at], ws->l[at]))
			return 1;
	return 0;
}

/* Backtracking: elements k.. from word at; *end gets one past the last word taken. Optional elements try their word
 * first, gaps the fewest words first. steps bounds the work (the fuzz input is small, the limit only guards). */
static int ref_match(const ref_pat *p, size_t k, const ref_words *ws, size_t at, size_t *end, long *steps)
{
	if (--*steps < 0)
		return -1;
	if (k == p->n) {
		*end = at;
		return 1;
	}
	const ref_el *e = &p->el[k];
	if (e->gap) {
		for (int g = 0; g <= e->gap && at + (size_t)g <= ws->n; g++) {
			int r = ref_match(p, k + 1, ws, at + (size_t)g, end, steps);
			if (r)
				return r;
		}
		return 0;
	}
	if (e->neg) {
		if (at < ws->n && el_matches(e, ws, at))
			return 0;
		return ref_match(p, k + 1, ws, at, end, steps);
	}
	if (at < ws->n && el_matches(e, ws, at)) {
		int r = ref_match(p, k + 1, ws, at + 1, end, steps);
		if (r)
			return r;
	}
	return e->opt ? ref_match(p, k + 1, ws, at, end, steps) : 0;
}

typedef struct got {
	size_t pattern, first, last;
} got;

typedef struct got_list {
	got items[4096];
	size_t n;
} got_list;

static int collect(void *ud, const kb_wordmatch_hit *h)
{
	got_list *g = ud;
	if (g->n < sizeof g->items / sizeof g->items[0])
		g->items[g->n++] = (got){ h->pattern, h->first_word, h->last_word };
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 4096)
		return 0;
	size_t npieces = 1;
	for (size_t i = 0; i < size; i++)
		npieces += data[i] == 0;
	if (npieces < 2)
		return 0;
	size_t npat = npieces - 1 > MAXP ? MAXP : npieces - 1;
	size_t tlen;
	const uint8_t *text = kbf_piece(data, size, (int)npat, &tlen, NULL);
	if (!kb_utf8_valid((const char *)text, tlen))
		return 0;

	kb_ctx *ctx = NULL;
	kb_wordmatch *m = NULL;
	kb_text *t = NULL;
	kb_wordmatch_work w = { 0 };
	static ref_pat refs[MAXP]; /* static: large; low is reset before each use */
	static got_list all, longest;
	size_t accepted[MAXP], nacc = 0;
	int usable[MAXP] = { 0 };
	if (kb_ctx_new(&ctx) || kb_wordmatch_new(&m, NULL, NULL))
		goto done;
	for (size_t i = 0; i < npat; i++) {
		size_t len;
		const uint8_t *src = kbf_piece(data, size, (int)i, &len, NULL);
		kb_ctx_clear(ctx);
		int rc = kb_wordmatch_add(m, ctx, (const char *)src, len);
		if (rc == KB_ENOMEM)
			goto done;
		if (rc) {
			if (!*kb_ctx_errmsg(ctx)) /* a rejected pattern is always told why */
				abort();
			continue;
		}
		refs[nacc].low = NULL;
		usable[nacc] = kb_utf8_valid((const char *)src, len) && ref_parse(&refs[nacc], (const char *)src, len);
		accepted[nacc++] = i;
	}
	if (kb_wordmatch_prepare(m) || kb_text_new(&t) ||
	    kb_text_add_paragraph(t, (const char *)text, tlen, NULL, NULL, 0) || !t->nparas)
		goto done;
	all.n = longest.n = 0;
	if (kb_wordmatch_scan(m, &w, t, KB_WORDMATCH_ALL, collect, NULL, &all) ||
	    kb_wordmatch_scan(m, &w, t, KB_WORDMATCH_LONGEST, collect, NULL, &longest))
		goto done;
	if (all.n >= sizeof all.items / sizeof all.items[0])
		goto done; /* more hits than kept: nothing to compare */

	const kb_paragraph *p = &t->paras[0];
	size_t ai = 0, li = 0;
	for (size_t s = 0; s < p->nsentences; s++) {
		const kb_sentence *se = &p->sentences[s];
		ref_words ws = { calloc(se->nwords + 1, sizeof(char *)), calloc(se->nwords + 1, sizeof(size_t)), se->nwords };
		if (!ws.w || !ws.l) {
			free(ws.w);
			free(ws.l);
			goto done;
		}
		for (size_t k = 0; k < se->nwords; k++) {
			const kb_word *wd = &p->words[se->first_word + k];
			ws.w[k] = kb_utf8_lower(p->text + wd->start, wd->len, &ws.l[k]);
			if (!ws.w[k])
				abort();
		}
		size_t next_longest = 0; /* the longest scan goes on after its last hit */
		for (size_t at = 0; at < se->nwords; at++) {
			size_t best_end = 0, best_pat = SIZE_MAX;
			for (size_t q = 0; q < nacc; q++) {
				size_t end = 0;
				long steps = 200000;
				int r = usable[q] ? ref_match(&refs[q], 0, &ws, at, &end, &steps) : 0;
				/* a match that takes no word is no hit (a pattern needs one word that is not optional) */
				int hit = r == 1 && end > at;
				if (r < 0)
					hit = -1; /* too much work for the reference: take the matcher's word */
				size_t gw = se->first_word + at;
				int has = ai < all.n && all.items[ai].first == gw && all.items[ai].pattern == q;
				if (!usable[q] || hit < 0) {
					if (has)
						ai++;
					continue;
				}
				if (hit != has) {
					fprintf(stderr, "pattern %zu at word %zu: reference %s, matcher %s\n", accepted[q], gw,
					        hit ? "matches" : "does not match", has ? "matches" : "does not");
					abort();
				}
				if (has) {
					if (all.items[ai].last != se->first_word + end - 1) {
						fprintf(stderr, "pattern %zu at word %zu: reference ends at %zu, matcher at %zu\n",
						        accepted[q], gw, se->first_word + end - 1, all.items[ai].last);
						abort();
					}
					if (end > best_end) {
						best_end = end;
						best_pat = q;
					}
					ai++;
				}
			}
			if (at < next_longest || best_pat == SIZE_MAX)
				continue;
			int all_usable = 1;
			for (size_t q = 0; q < nacc; q++)
				all_usable &= usable[q];
			if (all_usable) {
				if (li >= longest.n || longest.items[li].first != se->first_word + at ||
				    longest.items[li].pattern != best_pat ||
				    longest.items[li].last != se->first_word + best_end - 1) {
					fprintf(stderr, "longest at word %zu: want pattern %zu to word %zu\n", se->first_word + at,
					        best_pat, se->first_word + best_end - 1);
					abort();
				}
			}
			li++;
			next_longest = best_end;
		}
		for (size_t k = 0; k < se->nwords; k++)
			free(ws.w[k]);
		free(ws.w);
		free(ws.l);
	}
	if (ai != all.n) {
		int all_usable = 1;
		for (size_t q = 0; q < nacc; q++)
			all_usable &= usable[q];
		if (all_usable) {
			fprintf(stderr, "the matcher gave %zu hits the reference did not look at\n", all.n - ai);
			abort();
		}
	}
done:
	for (size_t q = 0; q < nacc; q++)
		free(refs[q].low);
	kb_wordmatch_work_free(&w);
	kb_text_free(t);
	kb_wordmatch_free(m);
	kb_ctx_free(ctx);
	return 0;
}
