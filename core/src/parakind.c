/*
 * parakind.c -- the kind and section of each paragraph (see parakind.h). The character classes are those of the
 * plugins' patterns (luapattern.c, the C locale): %s is ASCII white space, %p ASCII punctuation, %a ASCII letters,
 * %d ASCII digits; the lower-case form is klarbrev.lower's (kb_uc_tolower on every character).
 */
#include "parakind.h"
#include "utf8.h"

#include <stdlib.h>
#include <string.h>

static int pk_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static int pk_punct(unsigned char c)
{
	return (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126);
}

static int pk_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int pk_has_digit(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] >= '0' && s[i] <= '9')
			return 1;
	return 0;
}

static int pk_has(const char *s, const char *needle)
{
	return strstr(s, needle) != NULL;
}

/* tekst.lua's style_kind: "head", "closing", "part" or NULL. */
static const char *pk_style_kind(const char *style)
{
	if (!style)
		return NULL;
	size_t n;
	char *s = kb_utf8_lower(style, strlen(style), &n);
	const char *k = NULL;
	if (!s)
		return NULL;
	if (pk_has(s, "address") || pk_has(s, "adresse") || pk_has(s, "modtager") || pk_has(s, "recipient"))
		k = "head";
	else if (pk_has(s, "signature") || pk_has(s, "underskrift"))
		k = "closing";
	else if (pk_has(s, "date") || pk_has(s, "dato"))
		k = "head";
	else if (pk_has(s, "header") || pk_has(s, "footer") || pk_has(s, "sidehoved") || pk_has(s, "sidefod"))
		k = "part";
	free(s);
	return k;
}

static const char *const pk_closing_lines[] = { "med venlig hilsen",    "venlig hilsen", "med venlige hilsner",
	                                        "venlige hilsner",      "de bedste hilsner",
	                                        "med de bedste hilsner", "mvh",           NULL };

/* The lower-case line without trailing white space and punctuation and leading white space is a greeting. */
static int pk_is_closing_line(const char *lower, size_t len)
{
	size_t e = len, b = 0;
	while (e > 0 && (pk_space((unsigned char)lower[e - 1]) || pk_punct((unsigned char)lower[e - 1])))
		e--;
	while (b < e && pk_space((unsigned char)lower[b]))
		b++;
	for (size_t i = 0; pk_closing_lines[i]; i++)
		if (strlen(pk_closing_lines[i]) == e - b && !memcmp(lower + b, pk_closing_lines[i], e - b))
			return 1;
	return 0;
}

static const char *const pk_meta_starts[] = { "sagsnr", "sagsnummer", "j.nr",   "j. nr",     "jnr",     "journalnr",
	                                      "journalnummer", "dato:", "cpr",    "cpr-nr",    "vores ref", "deres ref",
	                                      "reference:",    "telefon", "tlf",  "e-mail:",   "mail:",   "kære ",
	                                      "hej ",          "att.",    "att:", NULL };

static int pk_is_meta_line(const char *lower, size_t len)
{
	size_t b = 0;
	while (b < len && pk_space((unsigned char)lower[b]))
		b++;
	for (size_t i = 0; pk_meta_starts[i]; i++) {
		size_t m = strlen(pk_meta_starts[i]);
		if (len - b >= m && !memcmp(lower + b, pk_meta_starts[i], m))
			return 1;
	}
	return 0;
}

static const char *const pk_trailers[] = { ")", "]", "\"", "'", "»", "«", "”", "’", "“", NULL };

/* The text ends like a sentence (. ! ? : ;), after closing quotes, brackets, white space and no-break spaces. */
static int pk_ends_like_sentence(const char *t, size_t len)
{
	int changed = 1;
	while (changed) {
		changed = 0;
		size_t n = len;
		while (n > 0 && pk_space((unsigned char)t[n - 1]))
			n--;
		if (n >= 2 && (unsigned char)t[n - 2] == 0xC2 && (unsigned char)t[n - 1] == 0xA0)
			n -= 2;
		if (n != len) {
			len = n;
			changed = 1;
		}
		for (size_t i = 0; pk_trailers[i]; i++) {
			size_t q = strlen(pk_trailers[i]);
			if (len > q && !memcmp(t + len - q, pk_trailers[i], q)) {
				len -= q;
				changed = 1;
			}
		}
	}
	if (!len)
		return 0;
	char c = t[len - 1];
	return c == '.' || c == '!' || c == '?' || c == ':' || c == ';';
}

/* Every word of the paragraph's sentences has a capital somewhere (is not its own lower case), and there are two
 * or more: a name line. */
static int pk_all_capitalised(const kb_paragraph *p, size_t nwords)
{
	if (nwords < 2)
		return 0;
	for (size_t si = 0; si < p->nsentences; si++) {
		const kb_sentence *s = &p->sentences[si];
		for (size_t wi = s->first_word; wi < s->first_word + s->nwords; wi++) {
			const kb_word *w = &p->words[wi];
			int capital = 0;
			for (size_t i = 0; i < w->len && !capital;) {
				uint32_t cp;
				i += kb_utf8_decode(p->text + w->start + i, w->len - i, &cp);
				capital = kb_uc_tolower(cp) != cp;
			}
			if (!capital)
				return 0;
		}
	}
	return 1;
}

static kb_para_topic pk_heading_topic(const char *lower)
{
	static const char *const annex[] = { "regler",    "lovgrundlag",   "retsgrundlag", "lovtekst",     "bilag",
		                             "regelgrundlag", "lovregler", "retsregler",   "lovhenvisning", NULL };
	static const char *const reasons[] = { "begrundelse", "hvorfor", "derfor", "baggrund", "vurdering", NULL };
	if (pk_has(lower, "klag"))
		return KB_TOPIC_KLAGE;
	for (size_t i = 0; annex[i]; i++)
		if (pk_has(lower, annex[i]))
			return KB_TOPIC_REGLER;
	for (size_t i = 0; reasons[i]; i++)
		if (pk_has(lower, reasons[i]))
			return KB_TOPIC_BEGRUNDELSE;
	if (pk_has(lower, "afgørelse") || pk_has(lower, "afslag") || pk_has(lower, "bevilling"))
		return KB_TOPIC_AFGOERELSE;
	return KB_TOPIC_ANDET;
}

/* The text's last run of non-space characters (before trailing white space) is one or two ASCII letters and a
 * period ("th.", "tv."): the end of an address line. */
static int pk_ends_with_short_abbrev(const char *t, size_t len)
{
	size_t e = len;
	while (e > 0 && pk_space((unsigned char)t[e - 1]))
		e--;
	size_t b = e;
	while (b > 0 && !pk_space((unsigned char)t[b - 1]))
		b--;
	size_t n = e - b;
	if (n == 2)
		return pk_alpha((unsigned char)t[b]) && t[b + 1] == '.';
	if (n == 3)
		return pk_alpha((unsigned char)t[b]) && pk_alpha((unsigned char)t[b + 1]) && t[b + 2] == '.';
	return 0;
}

void kb_parakind_classify(kb_para_class *out, const kb_text *t)
{
	int seen_prose = 0, seen_heading = 0, closing = 0;
	kb_para_topic section = KB_TOPIC_NONE;
	for (size_t pi = 0; t && pi < t->nparas; pi++) {
		const kb_paragraph *p = &t->paras[pi];
		kb_para_class *c = &out[pi];
		size_t nwords = 0, llen = 0;
		for (size_t si = 0; si < p->nsentences; si++)
			nwords += p->sentences[si].nwords;
		char *lower = kb_utf8_lower(p->text, p->len, &llen);
		const char *lw = lower ? lower : "";
		const char *sk = pk_style_kind(p->style);
		kb_para_kind kind;
		size_t tl = p->len; /* the text without trailing white space */
		while (tl > 0 && pk_space((unsigned char)p->text[tl - 1]))
			tl--;
		if (p->part != KB_PART_BODY) {
			kind = KB_KIND_PART;
		} else if (p->in_table) {
			kind = KB_KIND_TABLE;
		} else if (nwords == 0) {
			kind = KB_KIND_EMPTY;
		} else if (closing) {
			kind = KB_KIND_CLOSING;
		} else if (pk_is_closing_line(lw, llen)) {
			kind = KB_KIND_CLOSING;
			closing = 1;
		} else if (p->heading > 0) {
			kind = KB_KIND_HEADING;
		} else if (sk && !strcmp(sk, "closing")) {
			kind = KB_KIND_CLOSING;
			closing = 1;
		} else if (sk) {
			kind = !strcmp(sk, "head") ? KB_KIND_HEAD : KB_KIND_PART;
		} else if (pk_is_meta_line(lw, llen)) {
			kind = KB_KIND_HEAD;
		} else if (nwords <= 6 && p->nsentences == 1 && tl > 0 && p->text[tl - 1] == '?' && seen_prose) {
			kind = KB_KIND_HEADING; /* "Har du spørgsmål?" on a line of its own */
		} else if (nwords <= 8 && p->nsentences == 1 && !pk_ends_like_sentence(p->text, p->len)) {
			if (!seen_prose && !seen_heading && (pk_all_capitalised(p, nwords) || pk_has_digit(p->text, p->len)))
				kind = KB_KIND_HEAD;
			else
				kind = KB_KIND_HEADING;
		} else if (!seen_prose && !seen_heading && nwords <= 8 && pk_has_digit(p->text, p->len) &&
		           (!pk_ends_like_sentence(p->text, p->len) || pk_ends_with_short_abbrev(p->text, p->len))) {
			kind = KB_KIND_HEAD; /* "Kastanjevej 14, 2. th.", "4470 Søby" before the title */
		} else {
			kind = KB_KIND_PROSE;
			seen_prose = 1;
		}
		c->kind = kind;
		c->section = c->topic = KB_TOPIC_NONE;
		if (kind == KB_KIND_HEADING) {
			seen_heading = 1;
			section = pk_heading_topic(lw);
			c->topic = section;
		} else if (kind == KB_KIND_PROSE || kind == KB_KIND_TABLE) {
			c->section = section;
		}
		free(lower);
	}
}

const char *kb_parakind_kind_name(kb_para_kind k)
{
	static const char *const names[] = { "prose", "heading", "head", "closing", "table", "part", "empty" };
	return (unsigned)k < sizeof names / sizeof names[0] ? names[k] : "prose";
}

const char *kb_parakind_topic_name(kb_para_topic t)
{
	static const char *const names[] = { NULL, "klage", "regler", "begrundelse", "afgoerelse", "andet" };
	return (unsigned)t < sizeof names / sizeof names[0] ? names[t] : NULL;
}
