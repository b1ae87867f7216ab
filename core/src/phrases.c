/*
 * phrases.c -- the phrase list behind a plugin's replace and avoid lists, and the search for it in a letter.
 *
 * Each phrase is kept as its lower-case words joined by single spaces (the key); words never hold white space, so
 * the key says exactly which words to look for. The list is sorted by first word once all phrases are in
 * (kb_phrases_prepare), so the search looks up each word of the letter by binary search and compares only the
 * phrases that start with it: the cost is the letter's words times log(phrases), not their product.
 */
#include "phrases.h"
#include "textmodel.h"
#include "utf8.h"

#include <stdlib.h>
#include <string.h>

#define PH_MAX_PHRASES    10000u
#define PH_MAX_WORDS      32u   /* words in one phrase */
#define PH_MAX_BYTES      1000u /* one phrase */
#define PH_MAX_PARA_WORDS (1u << 20)

typedef struct ph_item {
	char *text;       /* as given */
	char *key;        /* lower-case words joined by ' ' */
	size_t first_len; /* bytes of the first word in key */
	size_t nwords;
	char **sugg;
	size_t nsugg;
	int avoid;
} ph_item;

struct kb_phrases {
	ph_item *items;
	size_t n, cap;
	int sorted;
};

int kb_phrases_new(kb_phrases **out)
{
	*out = calloc(1, sizeof **out);
	return *out ? KB_OK : KB_ENOMEM;
}

static void ph_item_clear(ph_item *it)
{
	free(it->text);
	free(it->key);
	for (size_t i = 0; i < it->nsugg; i++)
		free(it->sugg[i]);
	free(it->sugg);
	memset(it, 0, sizeof *it);
}

void kb_phrases_free(kb_phrases *ph)
{
	if (!ph)
		return;
	for (size_t i = 0; i < ph->n; i++)
		ph_item_clear(&ph->items[i]);
	free(ph->items);
	free(ph);
}

/* 1 when cp separates words inside a phrase match: what separates tokens in the text model (white space, line
 * breaks, the other control characters, DEL, the zero-width space). */
static int ph_is_gap(uint32_t cp)
{
	return cp < 0x20u || cp == 0x7Fu || cp == 0x200Bu || kb_uc_is_space(cp);
}

/* 1 when s[0..len) holds only gap characters. */
static int ph_all_gap(const char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		uint32_t cp;
		i += kb_utf8_decode(s + i, len - i, &cp);
		if (!ph_is_gap(cp))
			return 0;
	}
	return 1;
}

/* The first character of s[0..len) that is not a gap character, copied into out (5 bytes). */
static void ph_first_stray(char *out, const char *s, size_t len)
{
	size_t i = 0;
	out[0] = '\0';
	while (i < len) {
		uint32_t cp;
		size_t n = kb_utf8_decode(s + i, len - i, &cp);
		if (!ph_is_gap(cp)) {
			size_t m = kb_utf8_encode(cp, out);
			out[m] = '\0';
			return;
		}
		i += n;
	}
}

/* Makes it->key, first_len and nwords from the phrase's text. Returns 0, KB_EINPUT (message on ctx), KB_ENOMEM. */
static int ph_make_key(ph_item *it, kb_ctx *ctx, const char *s, size_t len)
{
	kb_text *t = NULL;
	kb_ctx *tmp = NULL;
	kb_buf key;
	int rc = KB_OK;
	kb_buf_init(&key, PH_MAX_BYTES * 4 + 16);
	if (kb_ctx_new(&tmp)) {
		rc = KB_ENOMEM;
		goto done;
	}
	if (!kb_utf8_valid(s, len)) {
		rc = kb_ctx_fail(ctx, KB_EINPUT, "frasen er ikke gyldig UTF-8");
		goto done;
	}
	if (memchr(s, '\n', len) || memchr(s, '\r', len)) {
		rc = kb_ctx_fail(ctx, KB_EINPUT, "»%.*s« står på flere linjer; en frase er ord på én linje", (int)len,
		                 s);
		goto done;
	}
	rc = kb_text_from_plain(&t, tmp, s, len, "frase");
	if (rc == KB_ENOMEM)
		goto done;
	if (rc || t->nparas != 1 || t->paras[0].nwords == 0) {
		rc = kb_ctx_fail(ctx, KB_EINPUT, "»%.*s« indeholder ingen ord", (int)len, s);
		goto done;
	}
	const kb_paragraph *p = &t->paras[0];
	if (p->nwords > PH_MAX_WORDS) {
		rc = kb_ctx_fail(ctx, KB_EINPUT, "»%.*s« har mere end %u ord", (int)len, s, PH_MAX_WORDS);
		goto done;
	}
	size_t at = 0;
	for (size_t w = 0; w <= p->nwords; w++) {
		size_t end = w < p->nwords ? p->words[w].start : p->len;
		if (!ph_all_gap(p->text + at, end - at)) {
			char stray[5];
			ph_first_stray(stray, p->text + at, end - at);
			rc = kb_ctx_fail(ctx, KB_EINPUT,
			                 "»%.*s« kan ikke findes som hele ord: »%s« står uden for et ord; skriv frasen "
			                 "uden tegnsætning omkring ordene",
			                 (int)len, s, stray);
			goto done;
		}
		if (w == p->nwords)
			break;
		size_t ll = 0;
		char *lw = kb_utf8_lower(p->text + p->words[w].start, p->words[w].len, &ll);
		if (!lw) {
			rc = KB_ENOMEM;
			goto done;
		}
		if (w)
			rc = kb_buf_addc(&key, ' ');
		else
			it->first_len = ll;
		if (!rc)
			rc = kb_buf_add(&key, lw, ll);
		free(lw);
		if (rc)
			goto done;
		at = p->words[w].start + p->words[w].len;
	}
	it->nwords = p->nwords;
	it->key = kb_buf_detach(&key);
	if (!it->key)
		rc = KB_ENOMEM;
done:
	if (rc == KB_ENOMEM)
		kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
	kb_buf_free(&key);
	kb_text_free(t);
	kb_ctx_free(tmp);
	return rc;
}

int kb_phrases_add(kb_phrases *ph, kb_ctx *ctx, const char *phrase, size_t len, const char *const *sugg, size_t nsugg,
                   int avoid)
{
	ph_item it = { 0 };
	int rc = KB_OK;
	if (ph->n >= PH_MAX_PHRASES)
		return kb_ctx_fail(ctx, KB_EINPUT, "mere end %u fraser", PH_MAX_PHRASES);
	if (len > PH_MAX_BYTES)
		return kb_ctx_fail(ctx, KB_EINPUT, "en frase er længere end %u byte", PH_MAX_BYTES);
	if ((rc = ph_make_key(&it, ctx, phrase, len)))
		goto done;
	if (!(it.text = kb_strndup(phrase, len)) || (nsugg && !(it.sugg = calloc(nsugg, sizeof *it.sugg)))) {
		rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
		goto done;
	}
	for (size_t i = 0; i < nsugg; i++) {
		if (!(it.sugg[i] = kb_strdup(sugg[i]))) {
			rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
			goto done;
		}
		it.nsugg = i + 1;
	}
	it.avoid = avoid != 0;
	if (ph->n == ph->cap) {
		size_t ncap = ph->cap ? ph->cap * 2 : 16;
		ph_item *ni = realloc(ph->items, ncap * sizeof *ni);
		if (!ni) {
			rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
			goto done;
		}
		ph->items = ni;
		ph->cap = ncap;
	}
	ph->items[ph->n++] = it;
	ph->sorted = 0;
	return KB_OK;
done:
	ph_item_clear(&it);
	return rc;
}

/* Order: first word, then the whole key. Phrases that start with one word are then next to each other. */
static int ph_cmp(const void *a, const void *b)
{
	const ph_item *x = a, *y = b;
	size_t n = x->first_len < y->first_len ? x->first_len : y->first_len;
	int c = memcmp(x->key, y->key, n);
	if (c)
		return c;
	if (x->first_len != y->first_len)
		return x->first_len < y->first_len ? -1 : 1;
	return strcmp(x->key, y->key);
}

int kb_phrases_prepare(kb_phrases *ph, kb_ctx *ctx)
{
	if (ph->n > 1)
		qsort(ph->items, ph->n, sizeof *ph->items, ph_cmp);
	ph->sorted = 1;
	for (size_t i = 1; i < ph->n; i++)
		if (!strcmp(ph->items[i - 1].key, ph->items[i].key))
			return kb_ctx_fail(ctx, KB_EINPUT, "»%s« og »%s« er den samme frase; skriv den kun én gang",
			                   ph->items[i - 1].text, ph->items[i].text);
	return KB_OK;
}

int kb_phrases_remove(kb_phrases *ph, const char *phrase, size_t len)
{
	ph_item probe = { 0 };
	kb_ctx *tmp = NULL;
	if (kb_ctx_new(&tmp))
		return KB_ENOMEM;
	int rc = ph_make_key(&probe, tmp, phrase, len);
	kb_ctx_free(tmp);
	if (rc)
		return rc == KB_ENOMEM ? KB_ENOMEM : 0;
	int removed = 0;
	for (size_t i = 0; i < ph->n; i++) {
		if (strcmp(ph->items[i].key, probe.key) != 0)
			continue;
		ph_item_clear(&ph->items[i]);
		memmove(&ph->items[i], &ph->items[i + 1], (ph->n - i - 1) * sizeof *ph->items);
		ph->n--;
		removed = 1;
		break;
	}
	ph_item_clear(&probe);
	return removed;
}

size_t kb_phrases_count(const kb_phrases *ph)
{
	return ph ? ph->n : 0;
}

const char *kb_phrases_text(const kb_phrases *ph, size_t i)
{
	return i < ph->n ? ph->items[i].text : NULL;
}

const char *const *kb_phrases_suggestions(const kb_phrases *ph, size_t i, size_t *n)
{
	*n = i < ph->n ? ph->items[i].nsugg : 0;
	return i < ph->n ? (const char *const *)ph->items[i].sugg : NULL;
}

int kb_phrases_is_avoid(const kb_phrases *ph, size_t i)
{
	return i < ph->n && ph->items[i].avoid;
}

/* ---- the search ---- */

/* The lower-case words of one paragraph, one after another in buf; word w is buf.data[off[w] .. off[w] + len[w]). */
typedef struct ph_words {
	kb_buf buf;
	size_t *off, *len;
	size_t cap;
} ph_words;

static int ph_lower_words(ph_words *lw, const kb_paragraph *p)
{
	if (p->nwords > PH_MAX_PARA_WORDS)
		return KB_ELIMIT;
	if (p->nwords > lw->cap) {
		size_t *no = realloc(lw->off, p->nwords * sizeof *no);
		if (!no)
			return KB_ENOMEM;
		lw->off = no;
		size_t *nl = realloc(lw->len, p->nwords * sizeof *nl);
		if (!nl)
			return KB_ENOMEM;
		lw->len = nl;
		lw->cap = p->nwords;
	}
	return kb_paragraph_lower_words(&lw->buf, lw->off, lw->len, p);
}

/* The first phrase whose first word is w[0..n), or ph->n. */
static size_t ph_lower_bound(const kb_phrases *ph, const char *w, size_t n)
{
	size_t lo = 0, hi = ph->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const ph_item *it = &ph->items[mid];
		size_t m = it->first_len < n ? it->first_len : n;
		int c = memcmp(it->key, w, m);
		if (c < 0 || (c == 0 && it->first_len < n))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* 1 when phrase it matches the words of p from word w on. */
static int ph_matches_at(const ph_item *it, const kb_paragraph *p, const ph_words *lw, size_t w)
{
	if (w + it->nwords > p->nwords)
		return 0;
	const char *k = it->key;
	for (size_t j = 0; j < it->nwords; j++) {
		const char *sp = strchr(k, ' ');
		size_t kl = sp ? (size_t)(sp - k) : strlen(k);
		if (kl != lw->len[w + j] || memcmp(k, lw->buf.data + lw->off[w + j], kl) != 0)
			return 0;
		if (j) {
			const kb_word *a = &p->words[w + j - 1], *b = &p->words[w + j];
			if (!ph_all_gap(p->text + a->start + a->len, b->start - (a->start + a->len)))
				return 0;
		}
		k += kl + (sp != NULL);
	}
	return 1;
}

int kb_phrases_match(const kb_phrases *ph, const kb_text *t, kb_phrase_fn fn, void *ud)
{
	if (!ph || !ph->n || !t)
		return KB_OK;
	if (!ph->sorted)
		return KB_EUSAGE;
	ph_words lw = { 0 };
	int rc = KB_OK;
	kb_buf_init(&lw.buf, KB_MAX_TEXT_BYTES * 2u);
	for (size_t pi = 0; !rc && pi < t->nparas; pi++) {
		const kb_paragraph *p = &t->paras[pi];
		if (!p->nwords)
			continue;
		if ((rc = ph_lower_words(&lw, p)))
			break;
		for (size_t w = 0; !rc && w < p->nwords;) {
			size_t best = SIZE_MAX;
			for (size_t i = ph_lower_bound(ph, lw.buf.data + lw.off[w], lw.len[w]); i < ph->n; i++) {
				const ph_item *it = &ph->items[i];
				if (it->first_len != lw.len[w] ||
				    memcmp(it->key, lw.buf.data + lw.off[w], lw.len[w]) != 0)
					break;
				if ((best == SIZE_MAX || it->nwords > ph->items[best].nwords) &&
				    ph_matches_at(it, p, &lw, w))
					best = i;
			}
			if (best == SIZE_MAX) {
				w++;
				continue;
			}
			const kb_word *first = &p->words[w], *last = &p->words[w + ph->items[best].nwords - 1];
			rc = fn(ud, pi, first->start, last->start + last->len - first->start, best);
			w += ph->items[best].nwords;
		}
	}
	kb_buf_free(&lw.buf);
	free(lw.off);
	free(lw.len);
	return rc == KB_ELIMIT ? KB_OK : rc;
}

/* ---- messages ---- */

char *kb_phrases_format(const char *fmt, const char *const *args, size_t nargs)
{
	kb_buf b;
	size_t next = 0;
	kb_buf_init(&b, 1u << 20);
	int rc = KB_OK;
	for (const char *p = fmt; !rc && *p; p++) {
		if (p[0] == '%' && p[1] == '%') {
			rc = kb_buf_addc(&b, '%');
			p++;
		} else if (p[0] == '%' && p[1] == 's') {
			if (next < nargs)
				rc = kb_buf_adds(&b, args[next]);
			next++;
			p++;
		} else {
			rc = kb_buf_addc(&b, *p);
		}
	}
	if (!rc)
		rc = kb_buf_add(&b, "", 0);
	if (rc) {
		kb_buf_free(&b);
		return NULL;
	}
	return kb_buf_detach(&b);
}

int kb_phrases_check_format(kb_ctx *ctx, const char *what, const char *fmt, size_t max_args)
{
	size_t n = 0;
	for (const char *p = fmt; *p; p++) {
		if (*p != '%')
			continue;
		if (p[1] == '%') {
			p++;
			continue;
		}
		if (p[1] != 's')
			return kb_ctx_fail(ctx, KB_EINPUT,
			                   "'%s' må kun bruge %%s (og %%%% for et procenttegn), ikke »%%%.1s«", what,
			                   p[1] ? p + 1 : "");
		n++;
		p++;
	}
	if (n > max_args)
		return kb_ctx_fail(ctx, KB_EINPUT, "'%s' har %zu gange %%s, men der er kun %zu at sætte ind", what, n,
		                   max_args);
	return KB_OK;
}
