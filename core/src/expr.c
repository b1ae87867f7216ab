/*
 * expr.c -- what stands inside a tag: parsing "path | formatter "arg" ...", the Mustache context stack, and the
 * Danish formatters (kr, dato, cpr, tal, store, små, stort_begyndelsesbogstav, standard, liste, eq, ikke).
 *
 * Numbers are formatted from exact decimal digits, never through printf's locale: a numeric string is read digit by
 * digit, a JSON real is turned into digits once with the precision wanted, so "12345,50" and 12345.5 give the same
 * "12.345,50 kr.".
 */
#include "expr.h"
#include "utf8.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The «feltet "path": » that starts a message about a field, or nothing when path is NULL (the template's own
 * check, which names the tag instead): FIELD_PFX_FMT in the format, FIELD_PFX(path) among the arguments. */
#define FIELD_PFX_FMT "%s%s%s"
#define FIELD_PFX(path) (path) ? "feltet \"" : "", (path) ? (path) : "", (path) ? "\": " : ""

#define EXPR_MAX_FMTS 16  /* formatters in one tag */
#define EXPR_MAX_ARGS 8   /* arguments of one formatter */
#define SHOW_MAX 80       /* bytes of a tag or value quoted in a message */
#define SHOW_BUF (SHOW_MAX + 8)
#define DEC_MAX_INT 20    /* integer digits of a number we format (a json_int_t has at most 19) */
#define DEC_MAX_FRAC 20   /* decimals of a numeric string */
#define TAL_MAX_DECIMALS 10

/* ---- small helpers ---- */

/* Copies s[0..n) for a message: at most SHOW_MAX bytes, cut on a UTF-8 boundary, "…" when shortened. */
static void show(char *out, size_t cap, const char *s, size_t n)
{
	size_t k = n;
	if (k > SHOW_MAX) {
		k = SHOW_MAX;
		while (k > 0 && ((unsigned char)s[k] & 0xC0u) == 0x80u)
			k--;
	}
	snprintf(out, cap, "%.*s%s", (int)k, s, k < n ? "…" : "");
}

/* How a value appears in a message: "abc" (quoted, shortened), 12, 1.5, true, null, or a description. */
static void describe(char *out, size_t cap, const json_t *v)
{
	char tmp[SHOW_BUF];
	if (!v) {
		snprintf(out, cap, "(mangler)");
		return;
	}
	switch (json_typeof(v)) {
	case JSON_STRING:
		show(tmp, sizeof tmp, json_string_value(v), json_string_length(v));
		snprintf(out, cap, "\"%s\"", tmp);
		break;
	case JSON_INTEGER: snprintf(out, cap, "%" JSON_INTEGER_FORMAT, json_integer_value(v)); break;
	case JSON_REAL: snprintf(out, cap, "%.15g", json_real_value(v)); break;
	case JSON_TRUE: snprintf(out, cap, "true"); break;
	case JSON_FALSE: snprintf(out, cap, "false"); break;
	case JSON_NULL: snprintf(out, cap, "null"); break;
	case JSON_OBJECT: snprintf(out, cap, "en gruppe af felter"); break;
	case JSON_ARRAY: snprintf(out, cap, "en liste"); break;
	default: snprintf(out, cap, "?"); break;
	}
}

/* Fails with «feltet "path": <value> <what>». */
static int fail_value(kb_ctx *ctx, const char *path, const json_t *v, const char *what)
{
	char val[SHOW_BUF + 32];
	describe(val, sizeof val, v);
	return kb_ctx_fail(ctx, KB_EINPUT, "feltet \"%s\": %s %s", path, val, what);
}

/* A new JSON string holding s[0..n) as it is (template arguments and case text are passed through unchanged). */
static int new_string(json_t **out, const char *s, size_t n)
{
	*out = json_stringn_nocheck(s, n);
	return *out ? 0 : KB_ENOMEM;
}

/* A new JSON string taking over a kb_buf's content. */
static int new_string_buf(json_t **out, kb_ctx *ctx, const char *path, kb_buf *b, int rc)
{
	if (rc == KB_ELIMIT)
		return kb_ctx_fail(ctx, rc, "feltet \"%s\": teksten bliver længere end %zu byte", path, b->max);
	if (rc)
		return rc;
	return new_string(out, b->len ? b->data : "", b->len);
}

/* 0: not a quote; 1: the double family " “ ” „; 2: the single family ' ‘ ’ ‚. */
static int quote_family(uint32_t cp)
{
	switch (cp) {
	case '"':
	case 0x201Cu:
	case 0x201Du:
	case 0x201Eu: return 1;
	case '\'':
	case 0x2018u:
	case 0x2019u:
	case 0x201Au: return 2;
	default: return 0;
	}
}

/* Decodes the code point at s[i] (i < len); returns its length, 0 at the end. */
static size_t peek(const char *s, size_t len, size_t i, uint32_t *cp)
{
	if (i >= len) {
		*cp = 0;
		return 0;
	}
	return kb_utf8_decode(s + i, len - i, cp);
}

static size_t skip_space(const char *s, size_t len, size_t i)
{
	uint32_t cp;
	size_t k;
	while ((k = peek(s, len, i, &cp)) && kb_uc_is_space(cp))
		i += k;
	return i;
}

/* ---- parsing ---- */

static int add_fmt(kb_expr *e, const char *name, size_t n)
{
	kb_expr_fmt *nf = realloc(e->fmts, (e->nfmts + 1) * sizeof *nf);
	if (!nf)
		return KB_ENOMEM;
	e->fmts = nf;
	memset(&nf[e->nfmts], 0, sizeof nf[e->nfmts]);
	if (!(nf[e->nfmts].name = kb_strndup(name, n)))
		return KB_ENOMEM;
	e->nfmts++;
	return 0;
}

static int add_arg(kb_expr_fmt *f, const char *s, size_t n)
{
	char **na = realloc(f->args, (f->nargs + 1) * sizeof *na);
	if (!na)
		return KB_ENOMEM;
	f->args = na;
	if (!(na[f->nargs] = kb_strndup(s, n)))
		return KB_ENOMEM;
	f->nargs++;
	return 0;
}

/* "." or names separated by single dots: no empty name. */
static int path_ok(const char *p, size_t n)
{
	if (n == 1 && p[0] == '.')
		return 1;
	if (p[0] == '.' || p[n - 1] == '.')
		return 0;
	for (size_t i = 1; i < n; i++)
		if (p[i] == '.' && p[i - 1] == '.')
			return 0;
	return 1;
}

int kb_expr_parse(kb_expr *out, kb_ctx *ctx, const char *src, size_t len)
{
	kb_expr e = {0};
	char tag[SHOW_BUF], bit[SHOW_BUF];
	uint32_t cp;
	size_t i, start, k;
	int rc = 0;

	memset(out, 0, sizeof *out);
	show(tag, sizeof tag, src, len);
	if (memchr(src, '\0', len)) {
		rc = kb_ctx_fail(ctx, KB_EINPUT, "mærket \"%s\" indeholder et nul-tegn", tag);
		goto done;
	}

	/* the path: everything up to white space or "|" */
	start = i = skip_space(src, len, 0);
	while ((k = peek(src, len, i, &cp)) && !kb_uc_is_space(cp) && cp != '|') {
		if (quote_family(cp)) {
			rc = kb_ctx_fail(ctx, KB_EINPUT,
			                 "feltnavnet i \"%s\" må ikke stå i anførselstegn; skriv det uden, fx beløb | kr",
			                 tag);
			goto done;
		}
		i += k;
	}
	if (i == start) {
		rc = kb_ctx_fail(ctx, KB_EINPUT, "der står intet feltnavn i \"%s\"; skriv fx modtager.navn", tag);
		goto done;
	}
	if (!path_ok(src + start, i - start)) {
		show(bit, sizeof bit, src + start, i - start);
		rc = kb_ctx_fail(ctx, KB_EINPUT,
		                 "feltnavnet \"%s\" har et tomt led; navnene skilles af ét punktum, fx modtager.navn", bit);
		goto done;
	}
	if (!(e.path = kb_strndup(src + start, i - start))) {
		rc = KB_ENOMEM;
		goto done;
	}

	/* then "| name arg arg ..." any number of times */
	for (i = skip_space(src, len, i); i < len;) {
		peek(src, len, i, &cp);
		if (cp != '|') {
			show(bit, sizeof bit, src + i, len - i);
			rc = kb_ctx_fail(ctx, KB_EINPUT,
			                 "i \"%s\" står \"%s\" efter feltnavnet; et feltnavn har ingen mellemrum, og en "
			                 "formatering skrives efter \"|\", fx beløb | kr",
			                 tag, bit);
			goto done;
		}
		i = skip_space(src, len, i + 1);
		start = i;
		while ((k = peek(src, len, i, &cp)) && !kb_uc_is_space(cp) && cp != '|' && !quote_family(cp))
			i += k;
		if (i == start) {
			rc = kb_ctx_fail(ctx, KB_EINPUT,
			                 "\"|\" står uden et formateringsnavn efter sig i \"%s\"; kendte formateringer er: %s",
			                 tag, kb_format_list());
			goto done;
		}
		if (e.nfmts == EXPR_MAX_FMTS) {
			rc = kb_ctx_fail(ctx, KB_EINPUT, "\"%s\" har mere end %d formateringer", tag, EXPR_MAX_FMTS);
			goto done;
		}
		if ((rc = add_fmt(&e, src + start, i - start)))
			goto done;
		kb_expr_fmt *f = &e.fmts[e.nfmts - 1];
		/* the arguments: quoted (any quote of one family closes the other quotes of that family) or bare words */
		for (i = skip_space(src, len, i); (k = peek(src, len, i, &cp)) && cp != '|'; i = skip_space(src, len, i)) {
			size_t arg_start, arg_end;
			int fam = quote_family(cp);
			if (fam) {
				arg_start = arg_end = i + k;
				uint32_t c2;
				size_t k2;
				while ((k2 = peek(src, len, arg_end, &c2)) && quote_family(c2) != fam)
					arg_end += k2;
				if (!k2) {
					rc = kb_ctx_fail(ctx, KB_EINPUT,
					                 "anførselstegnet i \"%s\" lukkes ikke; sæt et anførselstegn efter "
					                 "argumentet til %s",
					                 tag, f->name);
					goto done;
				}
				i = arg_end + k2;
			} else {
				arg_start = arg_end = i;
				uint32_t c2;
				size_t k2;
				while ((k2 = peek(src, len, arg_end, &c2)) && !kb_uc_is_space(c2) && c2 != '|' &&
				       !quote_family(c2))
					arg_end += k2;
				i = arg_end;
			}
			if (f->nargs == EXPR_MAX_ARGS) {
				rc = kb_ctx_fail(ctx, KB_EINPUT, "formateringen %s i \"%s\" har mere end %d argumenter",
				                 f->name, tag, EXPR_MAX_ARGS);
				goto done;
			}
			if ((rc = add_arg(f, src + arg_start, arg_end - arg_start)))
				goto done;
		}
	}
	*out = e;
	memset(&e, 0, sizeof e);
done:
	kb_expr_free(&e);
	return rc;
}

void kb_expr_free(kb_expr *e)
{
	if (!e)
		return;
	for (size_t i = 0; i < e->nfmts; i++) {
		for (size_t j = 0; j < e->fmts[i].nargs; j++)
			free(e->fmts[i].args[j]);
		free(e->fmts[i].args);
		free(e->fmts[i].name);
	}
	free(e->fmts);
	free(e->path);
	memset(e, 0, sizeof *e);
}

/* ---- the context stack ---- */

int kb_scope_push(kb_scope *s, const json_t *frame)
{
	if (s->n == s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 8;
		const json_t **nf = realloc(s->frames, ncap * sizeof *nf);
		if (!nf)
			return KB_ENOMEM;
		s->frames = nf;
		s->cap = ncap;
	}
	s->frames[s->n++] = frame;
	return 0;
}

void kb_scope_pop(kb_scope *s)
{
	if (s && s->n)
		s->n--;
}

void kb_scope_free(kb_scope *s)
{
	if (!s)
		return;
	free(s->frames);
	memset(s, 0, sizeof *s);
}

const json_t *kb_scope_lookup(const kb_scope *s, const char *path)
{
	if (!s || !path || !s->n)
		return NULL;
	if (!strcmp(path, "."))
		return s->frames[s->n - 1];
	const char *dot = strchr(path, '.');
	size_t n = dot ? (size_t)(dot - path) : strlen(path);
	const json_t *v = NULL;
	for (size_t i = s->n; i-- > 0 && !v;)
		if (json_is_object(s->frames[i]))
			v = json_object_getn(s->frames[i], path, n);
	/* the rest of a dotted name is looked up inside what the first name found, never in lower frames */
	while (v && dot) {
		path = dot + 1;
		dot = strchr(path, '.');
		n = dot ? (size_t)(dot - path) : strlen(path);
		v = json_is_object(v) ? json_object_getn(v, path, n) : NULL;
	}
	return v;
}

/* ---- values ---- */

int kb_value_truthy(const json_t *v)
{
	if (!v || json_is_false(v) || json_is_null(v))
		return 0;
	if (json_is_string(v))
		return json_string_length(v) > 0;
	if (json_is_array(v))
		return json_array_size(v) > 0;
	return 1;
}

char *kb_value_text(const json_t *v)
{
	char buf[64];
	if (!v)
		return NULL;
	switch (json_typeof(v)) {
	case JSON_STRING: return kb_strndup(json_string_value(v), json_string_length(v));
	case JSON_INTEGER: snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT, json_integer_value(v)); break;
	case JSON_REAL:
		snprintf(buf, sizeof buf, "%.15g", json_real_value(v));
		for (char *p = buf; *p; p++) /* whatever the C locale says */
			if (*p == ',')
				*p = '.';
		break;
	case JSON_TRUE: return kb_strdup("ja");
	case JSON_FALSE: return kb_strdup("nej");
	case JSON_NULL: return kb_strdup("");
	default: return NULL;
	}
	return kb_strdup(buf);
}

/* ---- exact decimals for kr and tal ---- */

typedef struct dec {
	int neg;
	char ip[DEC_MAX_INT + 2]; /* integer digits without leading zeros ("0" for zero); one spare for a carry */
	size_t ni;
	char fp[DEC_MAX_FRAC + TAL_MAX_DECIMALS + 1]; /* decimals */
	size_t nf;
} dec;

enum { DEC_OK = 0, DEC_NAN, DEC_AMBIGUOUS, DEC_BIG };

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Stores the integer digits d[0..n) without leading zeros. */
static int dec_set_int(dec *out, const char *d, size_t n)
{
	if (!n)
		return DEC_NAN;
	while (n > 1 && d[0] == '0') {
		d++;
		n--;
	}
	if (n > DEC_MAX_INT)
		return DEC_BIG;
	memcpy(out->ip, d, n);
	out->ni = n;
	return DEC_OK;
}

/* Reads a number written as text, Danish or not: "12345", "-12345.5", "12345,50", "12.345,50", "1.234.567".
 * A comma is the decimal sign when there is one; a single point is then a thousands separator, otherwise the decimal
 * point. "1.234" (one point, three decimals, could be either) is DEC_AMBIGUOUS rather than a guess. */
static int dec_parse_text(dec *out, const char *s, size_t n)
{
	char digits[DEC_MAX_INT + DEC_MAX_FRAC + 8];
	size_t nd = 0, commas = 0, dots = 0, dec_at = 0;
	memset(out, 0, sizeof *out);
	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n && (*s == '-' || *s == '+')) {
		out->neg = *s == '-';
		s++, n--;
	} else if (n >= 3 && !memcmp(s, "\xE2\x88\x92", 3)) { /* U+2212 MINUS SIGN, as Word writes it */
		out->neg = 1;
		s += 3, n -= 3;
	}
	if (!n || n > sizeof digits - 1)
		return DEC_NAN;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == ',')
			commas++;
		else if (s[i] == '.')
			dots++;
		else if (!is_digit(s[i]))
			return DEC_NAN;
	}
	if (commas > 1)
		return DEC_NAN;
	char dsep = commas ? ',' : dots == 1 ? '.' : 0;
	int grouped = (commas && dots) || (!commas && dots > 1);
	size_t int_len = n;
	if (dsep) {
		int_len = (size_t)((const char *)memchr(s, dsep, n) - s);
		if (int_len == n - 1) /* "12," */
			return DEC_NAN;
		for (size_t i = int_len + 1; i < n; i++)
			if (!is_digit(s[i]))
				return DEC_NAN; /* "1,2.3" */
	}
	if (!int_len)
		return DEC_NAN;
	if (grouped) { /* 1-3 digits, then groups of exactly three */
		size_t group = 0, first = 1;
		for (size_t i = 0; i <= int_len; i++) {
			if (i == int_len || s[i] == '.') {
				if (!group || group > 3 || (!first && group != 3))
					return DEC_NAN;
				first = 0;
				group = 0;
			} else {
				group++;
				digits[nd++] = s[i];
			}
		}
	} else {
		memcpy(digits, s, int_len);
		nd = int_len;
	}
	if (dsep == '.' && n - int_len - 1 == 3 && int_len <= 3 && s[0] != '0')
		return DEC_AMBIGUOUS;
	dec_at = nd;
	int rc = dec_set_int(out, digits, dec_at);
	if (rc)
		return rc;
	if (dsep) {
		size_t nf = n - int_len - 1;
		if (nf > DEC_MAX_FRAC)
			return DEC_NAN;
		memcpy(out->fp, s + int_len + 1, nf);
		out->nf = nf;
	}
	return DEC_OK;
}

/* Reads printf's own output ("-12.50", or "-12,50" under another locale). */
static int dec_parse_printf(dec *out, const char *s)
{
	const char *p = s;
	memset(out, 0, sizeof *out);
	if (*p == '-') {
		out->neg = 1;
		p++;
	}
	const char *ip = p;
	while (is_digit(*p))
		p++;
	int rc = dec_set_int(out, ip, (size_t)(p - ip));
	if (rc)
		return rc;
	if (*p) {
		p++;
		size_t nf = strlen(p);
		if (nf > sizeof out->fp - 1)
			return DEC_NAN;
		memcpy(out->fp, p, nf);
		out->nf = nf;
	}
	return DEC_OK;
}

/* A JSON real as digits: the fewest decimals, up to TAL_MAX_DECIMALS, that give the same double back. Rounding to
 * fewer decimals is then done on these digits (half away from zero: 2.5 -> 3, 1.005 -> 1.01), not by printf, which
 * rounds the binary value half to even. */
static int dec_from_real(dec *out, double d)
{
	char buf[64];
	if (!isfinite(d) || fabs(d) >= 1e18)
		return DEC_BIG;
	for (int p = 0; p <= TAL_MAX_DECIMALS; p++) {
		snprintf(buf, sizeof buf, "%.*f", p, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	int rc = dec_parse_printf(out, buf);
	while (!rc && out->nf && out->fp[out->nf - 1] == '0')
		out->nf--;
	return rc;
}

/* Rounds (half away from zero) or pads to exactly p decimals. */
static void dec_round(dec *d, size_t p)
{
	if (d->nf <= p) {
		memset(d->fp + d->nf, '0', p - d->nf);
		d->nf = p;
		return;
	}
	int up = d->fp[p] >= '5';
	d->nf = p;
	if (!up)
		return;
	for (size_t i = p; i-- > 0;) {
		if (d->fp[i] != '9') {
			d->fp[i]++;
			return;
		}
		d->fp[i] = '0';
	}
	for (size_t i = d->ni; i-- > 0;) {
		if (d->ip[i] != '9') {
			d->ip[i]++;
			return;
		}
		d->ip[i] = '0';
	}
	memmove(d->ip + 1, d->ip, d->ni); /* 999,995 -> 1000,00: ip has room for one more digit */
	d->ip[0] = '1';
	d->ni++;
}

/* Danish: "-12.345,5" (no minus on a number that rounded to zero). */
static int dec_write(kb_buf *b, const dec *d)
{
	int zero = 1, rc = 0;
	for (size_t i = 0; i < d->ni; i++)
		zero &= d->ip[i] == '0';
	for (size_t i = 0; i < d->nf; i++)
		zero &= d->fp[i] == '0';
	if (d->neg && !zero)
		rc = kb_buf_addc(b, '-');
	for (size_t i = 0; i < d->ni && !rc; i++) {
		if (i && (d->ni - i) % 3 == 0)
			rc = kb_buf_addc(b, '.');
		if (!rc)
			rc = kb_buf_addc(b, d->ip[i]);
	}
	if (!rc && d->nf && !(rc = kb_buf_addc(b, ',')))
		rc = kb_buf_add(b, d->fp, d->nf);
	return rc;
}

/* Reads a JSON number or numeric string. Fails with «feltet "path": <value> er ikke <what>». */
static int value_dec(dec *out, kb_ctx *ctx, const char *path, const json_t *v, const char *what)
{
	char buf[64], msg[96];
	int r = DEC_NAN;
	if (json_is_integer(v)) {
		snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		r = dec_parse_printf(out, buf);
	} else if (json_is_real(v)) {
		r = dec_from_real(out, json_real_value(v));
	} else if (json_is_string(v)) {
		r = dec_parse_text(out, json_string_value(v), json_string_length(v));
	}
	switch (r) {
	case DEC_OK: return 0;
	case DEC_AMBIGUOUS:
		return fail_value(ctx, path, v,
		                  "kan læses både som et tal med decimaler og med tusindtalspunktum; skriv det uden "
		                  "punktum eller med decimalkomma, fx 1234 eller 1,234");
	case DEC_BIG: return fail_value(ctx, path, v, "er for stort et tal til et brev");
	default: snprintf(msg, sizeof msg, "er ikke %s", what); return fail_value(ctx, path, v, msg);
	}
}

/* ---- the formatters ---- */

/* Every formatter makes *out a new reference (or NULL for a missing value) from in, which may be NULL (missing) only
 * for those marked sees_missing in fmt_defs. */
typedef int (*fmt_fn)(json_t **out, kb_ctx *ctx, const char *path, const kb_expr_fmt *f, const json_t *in);

static int fmt_kr(json_t **out, kb_ctx *ctx, const char *path, const kb_expr_fmt *f, const json_t *in)
{
	dec d;
	kb_buf b;
	(void)f;
	int rc = value_dec(&d, ctx, path, in, "et beløb");
	if (rc)
		return rc;
	dec_round(&d, 2);
	kb_buf_init(&b, 256);
	rc = dec_write(&b, &d);
	if (!rc)
		rc = kb_buf_adds(&b, " kr.");
	rc = new_string_buf(out, ctx, path, &b, rc);
	kb_buf_free(&b);
	return rc;
}

/* The decimals of tal "N": 0..TAL_MAX_DECIMALS, or -1 without an argument. */
static int tal_decimals(int *out, kb_ctx *ctx, const char *path, const kb_expr_fmt *f)
{
	*out = -1;
	if (!f->nargs)
		return 0;
	const char *a = f->args[0];
	size_t n = strlen(a);
	if (n && n <= 2 && is_digit(a[0]) && (n == 1 || is_digit(a[1])))
		*out = (int)strtol(a, NULL, 10);
	if (*out < 0 || *out > TAL_MAX_DECIMALS)
		return kb_ctx_fail(ctx, KB_EINPUT,
		                   FIELD_PFX_FMT "formateringen tal skal have et antal decimaler fra 0 til %d, fx tal "
		                   "\"2\"; \"%s\" er ikke et antal decimaler",
		                   FIELD_PFX(path), TAL_MAX_DECIMALS, a);
	return 0;
}

static int fmt_tal(json_t **out, kb_ctx *ctx, const char *path, const kb_expr_fmt *f, const json_t *in)
{
	dec d;
	kb_buf b;
	int prec;
	int rc = tal_decimals(&prec, ctx, path, f);
	if (!rc)
		rc = value_dec(&d, ctx, path, in, "et tal");
	if (rc)
		return rc;
	if (prec >= 0)
		dec_round(&d, (size_t)prec);
	kb_buf_init(&b, 256);
	rc = dec_write(&b, &d);
	rc = new_string_buf(out, ctx, path, &b, rc);
	kb_buf_free(&b);
	return rc;
}

static int leap_year(int y)
{
	return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

static int days_in_month(int y, int m)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && leap_year(y) ? 29 : days[m - 1];
}

/* The number in s[0..n), all ASCII digits; -1 otherwise. */
static int digits_value(const char *s, size_t n)
{
	int v = 0;
	for (size_t i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static const char *const month_names[12] = {"januar", "februar", "marts",     "april",   "maj",      "juni",
                                            "juli",   "august",  "september", "oktober", "november", "december"};

/* "HH:MM", "HH:MM:SS", "HH:MM:SS.fff", each optionally followed by "Z", "+HH:MM" or "-HHMM"; s[0..n). */
static int iso_time_ok(const char *s, size_t n)
{
	size_t i = 0;
	if (n < 5 || digits_value(s, 2) < 0 || digits_value(s, 2) > 23 || s[2] != ':' || digits_value(s + 3, 2) < 0 ||
	    digits_value(s + 3, 2) > 59)
		return 0;
	i = 5;
	if (i < n && s[i] == ':') {
		if (n - i < 3 || digits_value(s + i + 1, 2) < 0 || digits_value(s + i + 1, 2) > 60)
			return 0;
		i += 3;
		if (i < n && (s[i] == '.' || s[i] == ',')) {
			i++;
			if (i >= n || !is_digit(s[i]))
				return 0;
			while (i < n && is_digit(s[i]))
				i++;
		}
	}
	if (i < n && (s[i] == 'Z' || s[i] == 'z'))
		return i + 1 == n;
	if (i < n && (s[i] == '+' || s[i] == '-')) {
		i++;
		if (n - i < 2 || digits_value(s + i, 2) < 0 || digits_value(s + i, 2) > 23)
			return 0;
		i += 2;
		if (i < n && s[i] == ':')
			i++;
		return n - i == 2 && digits_value(s + i, 2) >= 0 && digits_value(s + i, 2) <= 59;
	}
	return i == n;
}

/* Says why y-m-d is no day, or NULL when it is one. */
static const char *no_such_day(char *why, size_t cap, int y, int m, int d)
{
	if (y < 1) {
		snprintf(why, cap, "er ikke en dag i kalenderen: der er intet år 0");
		return why;
	}
	if (m < 1 || m > 12) {
		snprintf(why, cap, "er ikke en dag i kalenderen: der er ingen måned %d", m);
		return why;
	}
	if (d < 1 || d > days_in_month(y, m)) {
		snprintf(why, cap, "er ikke en dag i kalenderen: %s %d har %d dage", month_names[m - 1], y,
		         days_in_month(y, m));
		return why;
	}
	return NULL;
}

int kb_date_parse(kb_date *out, char *why, size_t cap, const char *s, size_t n)
{
	static const char form[] = "er ikke en dato på formen ÅÅÅÅ-MM-DD (fx 2026-11-28) eller skrevet ud (fx 28. "
	                           "november 2026)";
	memset(out, 0, sizeof *out);
	snprintf(why, cap, "%s", form);
	if (!s)
		return KB_EINPUT;
	/* ISO: "2026-11-28", optionally a time after "T" or a space */
	if (n >= 10 && s[4] == '-' && s[7] == '-' && digits_value(s, 4) >= 0 && digits_value(s + 5, 2) >= 0 &&
	    digits_value(s + 8, 2) >= 0) {
		int y = digits_value(s, 4), m = digits_value(s + 5, 2), d = digits_value(s + 8, 2);
		if (n > 10 && !((s[10] == 'T' || s[10] == 't' || s[10] == ' ') && iso_time_ok(s + 11, n - 11))) {
			snprintf(why, cap, "%s; et klokkeslæt efter datoen skrives fx 2026-11-28T10:15", form);
			return KB_EINPUT;
		}
		if (no_such_day(why, cap, y, m, d))
			return KB_DATE_NO_DAY;
		out->y = y, out->m = m, out->d = d;
		return KB_OK;
	}
	/* written out: "28. november 2026", as the dato formatter writes it; the month in any letter case */
	size_t nd = n && is_digit(s[0]) ? (n > 1 && is_digit(s[1]) ? 2 : 1) : 0;
	if (!nd || n < nd + 2 || s[nd] != '.' || s[nd + 1] != ' ')
		return KB_EINPUT;
	const char *p = s + nd + 2;
	size_t rest = n - nd - 2;
	for (int m = 1; m <= 12; m++) {
		size_t k = strlen(month_names[m - 1]);
		if (rest < k + 5 || p[k] != ' ')
			continue;
		int same = 1;
		for (size_t i = 0; i < k && same; i++) {
			char c = p[i];
			if (c >= 'A' && c <= 'Z')
				c = (char)(c - 'A' + 'a');
			same = c == month_names[m - 1][i];
		}
		if (!same)
			continue;
		if (rest != k + 5 || digits_value(p + k + 1, 4) < 0)
			return KB_EINPUT;
		int y = digits_value(p + k + 1, 4), d = digits_value(s, nd);
		if (no_such_day(why, cap, y, m, d))
			return KB_DATE_NO_DAY;
		out->y = y, out->m = m, out->d = d;
		return KB_OK;
	}
	return KB_EINPUT;
}

/* dato's argument: *out is 1 for "kort", 0 for "lang" or none. */
static int dato_style(int *out, kb_ctx *ctx, const char *path, const kb_expr_fmt *f)
{
	*out = f->nargs && !strcmp(f->args[0], "kort");
	if (f->nargs && !*out && strcmp(f->args[0], "lang") != 0)
		return kb_ctx_fail(ctx, KB_EINPUT,
		                   FIELD_PFX_FMT "formateringen dato kender ikke \"%s\"; skriv dato \"kort\" "
		                   "(28.11.2026) eller dato \"lang\" (28. november 2026)",
		                   FIELD_PFX(path), f->args[0]);
	return 0;
}

/* A date as kb_date_parse reads it -> "28. november 2026" or "28.11.2026". */
static int fmt_dato(json_t **out, kb_ctx *ctx, const char *path, const kb_expr_fmt *f, const json_t *in)
{
	char buf[64], why[160];
	int kort = 0;
	kb_date dt;
	int rc = dato_style(&kort, ctx, path, f);
	if (rc)
		return rc;
	const char *s = json_string_value(in);
	if (kb_date_parse(&dt, why, sizeof why, s, s ? json_string_length(in) : 0))
		return fail_value(ctx, path, in, why);
	if (kort)
		snprintf(buf, sizeof buf, "%02d.%02d.%04d", dt.d, dt.m, dt.y);
	else
		snprintf(buf, sizeof buf, "%d. %s %04d", dt.d, month_names[dt.m - 1], dt.y);
	return new_string(out, buf, strlen(buf));
}

/* "0101901234", "010190-1234" or "010190 1234" -> "010190-xxxx". The message does not repeat the value: it may be a
 * real CPR number. */
static int fmt_cpr(json_t **out, kb_ctx *ctx, const char *path, const kb_expr_fmt *f, const json_t *in)
{
	char buf[16];
	(void)f;
	const char *s = json_string_value(in);
	size_t n = s ? json_string_length(in) : 0;
	int ok = 0;
	if (s && (n == 10 || (n == 11 && (s[6] == '-' || s[6] == ' ')))) {
		int dd = digits_value(s, 2), mm = digits_value(s + 2, 2);
		ok = dd >= 1 && dd <= 31 && mm >= 1 && mm <= 12 && digits_value(s + 4, 2) >= 0 &&
		     digits_value(s + n - 4, 4) >= 0;
	}
	if (!ok) {
		if (json_is_string(in))
			return kb_ctx_fail(ctx, KB_EINPUT,
			                   "feltet \"%s\" er ikke et CPR-nummer på formen DDMMÅÅ-XXXX eller DDMMÅÅXXXX "
			                   "(værdien vises ikke her, da den kan være en personoplysning)",
			                   path);
		return fail_value(ctx, path, in, "er ikke et CPR-nummer; skriv det som tekst på formen DDMMÅÅ-XXXX");
	}
	snprintf(buf, sizeof buf, "%.6s-xxxx", s);
	return new_string(out, buf, strlen(buf));
}

/* The text of in for the letter-case formatters; objects and lists have none. */
static int value_text_of(char **out, kb_ctx *ctx, const char *path, const json_t *in)
{
	*out = NULL;
	if (json_is_object(in) || json_is_array(in))
		return fail_value(ctx, path, in, "kan ikke skrives som tekst; brug en sektion");
	*out = kb_value_text(in);
	return *out ? 0 : KB_ENOMEM;
}

static int fmt_case(json_t **out, kb_ctx *ctx, const char *path, const json_t *in, int upper)
{
	char *text = NULL, *mapped = NULL;
	size_t n = 0;
	int rc = value_text_of(&text, ctx, path, in);
	if (rc)
		goto done;
	mapped = upper ? kb_utf8_upper(text, strlen(text), &n) : kb_utf8_lower(text, strlen(text), &n);
	rc = mapped ? new_string(out, mapped, n) : KB_ENOMEM;
done:
	free(text);
	free(mapped);
	return rc;
}

static int fmt_store(json_t **out, kb_ctx *ctx, const char *path, const kb_expr_fmt *f, const json_t *in)
{
	(void)f;
	return fmt_case(out, ctx, path, in, 1);
}

static int fmt_smaa(json_t **out, kb_ctx *ctx, const char *path, const kb_expr_fmt *f, const json_t *in)
{
	(void)f;
	return fmt_case(out, ctx, path, in, 0);
}

/* Upper-cases the first letter, passing over leading white space and punctuation ("«øl»" -> "«Øl»"); a text that
 * starts with a digit is left as it is ("3 æbler"). */
static int fmt_capital(json_t **out, kb_ctx *ctx, const char *path, const kb_expr_fmt *f, const json_t *in)
{
	char *text = NULL;
	kb_buf b;
	(void)f;
	kb_buf_init(&b, KB_MAX_TEXT_BYTES);
	int rc = value_text_of(&text, ctx, path, in);
	if (rc)
		goto done;
	size_t n = strlen(text), i = 0, k = 0;
	uint32_t cp = 0;
	while ((k = peek(text, n, i, &cp)) && !kb_uc_is_letter(cp) && !kb_uc_is_digit(cp))
		i += k;
	if (k && kb_uc_is_letter(cp)) {
		char enc[4];
		size_t ne = kb_utf8_encode(kb_uc_toupper(cp), enc);
		if (!(rc = kb_buf_add(&b, text, i)) && !(rc = kb_buf_add(&b, enc, ne)))
			rc = kb_buf_add(&b, text + i + k, n - i - k);
	} else {
		rc = kb_buf_add(&b, text, n);
	}
	rc = new_string_buf(out, ctx, path, &b, rc);
done:
	kb_buf_free(&b);
	free(text);
	return rc;
}

static int fmt_standard(json_t **out, kb_ctx *ctx, const char *path, const kb_expr_fmt *f, const json_t *in)
{
	(void)ctx;
	(void)path;
	if (!in || json_is_null(in) || (json_is_string(in) && !json_string_length(in)))
		return new_string(out, f->args[0], strlen(f->args[0]));
	*out = json_incref((json_t *)in);
	return 0;
}

/* "a", "a og b", "a, b og c"; empty items ("" and null) are left out. */
static int fmt_liste(json_t **out, kb_ctx *ctx, const char *path, const kb_expr_fmt *f, const json_t *in)
{
	const char *conj = f->nargs ? f->args[0] : "og";
	char *text = NULL;
	size_t total = 0, written = 0, ix;
	json_t *item;
	kb_buf b;
	int rc = 0;
	kb_buf_init(&b, KB_MAX_TEXT_BYTES);
	if (!json_is_array(in)) {
		if (!(rc = value_text_of(&text, ctx, path, in)))
			rc = new_string(out, text, strlen(text));
		goto done;
	}
	json_array_foreach(in, ix, item) {
		if (json_is_object(item) || json_is_array(item)) {
			char msg[160];
			snprintf(msg, sizeof msg,
			         "indeholder %s (nr. %zu) og kan ikke skrives som en opremsning; brug en sektion",
			         json_is_object(item) ? "en gruppe af felter" : "en liste", ix + 1);
			rc = fail_value(ctx, path, in, msg);
			goto done;
		}
		total += kb_value_truthy(item) || json_is_true(item) || json_is_false(item);
	}
	json_array_foreach(in, ix, item) {
		if (!json_is_boolean(item) && !kb_value_truthy(item))
			continue;
		free(text);
		if (!(text = kb_value_text(item))) {
			rc = KB_ENOMEM;
			goto done;
		}
		written++;
		if (written > 1 && written < total)
			rc = kb_buf_adds(&b, ", ");
		else if (written > 1 && !(rc = kb_buf_addc(&b, ' ')) && !(rc = kb_buf_adds(&b, conj)))
			rc = kb_buf_addc(&b, ' ');
		if (rc || (rc = kb_buf_adds(&b, text)))
			break;
	}
	rc = new_string_buf(out, ctx, path, &b, rc);
done:
	kb_buf_free(&b);
	free(text);
	return rc;
}

static int fmt_eq(json_t **out, kb_ctx *ctx, const char *path, const kb_expr_fmt *f, const json_t *in)
{
	(void)ctx;
	(void)path;
	int same = 0;
	if (in && !json_is_object(in) && !json_is_array(in)) {
		char *text = kb_value_text(in);
		if (!text)
			return KB_ENOMEM;
		same = !strcmp(text, f->args[0]);
		free(text);
	}
	*out = json_boolean(same);
	return 0;
}

static int fmt_ikke(json_t **out, kb_ctx *ctx, const char *path, const kb_expr_fmt *f, const json_t *in)
{
	(void)ctx;
	(void)path;
	(void)f;
	*out = json_boolean(!kb_value_truthy(in));
	return 0;
}

static const struct fmt_def {
	const char *name;
	size_t min_args, max_args;
	int sees_missing; /* called for a missing field too; the others pass "missing" on */
	fmt_fn fn;
	const char *example;
} fmt_defs[] = {
	{"kr", 0, 0, 0, fmt_kr, "beløb | kr"},
	{"dato", 0, 1, 0, fmt_dato, "dato | dato \"kort\""},
	{"cpr", 0, 0, 0, fmt_cpr, "cpr | cpr"},
	{"tal", 0, 1, 0, fmt_tal, "antal | tal \"2\""},
	{"store", 0, 0, 0, fmt_store, "navn | store"},
	{"små", 0, 0, 0, fmt_smaa, "navn | små"},
	{"stort_begyndelsesbogstav", 0, 0, 0, fmt_capital, "udfald | stort_begyndelsesbogstav"},
	{"standard", 1, 1, 1, fmt_standard, "navn | standard \"ikke oplyst\""},
	{"liste", 0, 1, 0, fmt_liste, "navne | liste \"eller\""},
	{"eq", 1, 1, 1, fmt_eq, "udfald | eq \"afslag\""},
	{"ikke", 0, 0, 1, fmt_ikke, "afslag | ikke"},
};

static const char fmt_names[] = "kr, dato, cpr, tal, store, små, stort_begyndelsesbogstav, standard, liste, eq, ikke";

static const struct fmt_def *fmt_find(const char *name)
{
	for (size_t i = 0; i < sizeof fmt_defs / sizeof fmt_defs[0]; i++)
		if (!strcmp(fmt_defs[i].name, name))
			return &fmt_defs[i];
	return NULL;
}

int kb_format_exists(const char *name)
{
	return name && fmt_find(name) != NULL;
}

const char *kb_format_list(void)
{
	return fmt_names;
}

static int check_args(kb_ctx *ctx, const char *path, const struct fmt_def *d, const kb_expr_fmt *f)
{
	int ignored;
	if (f->nargs >= d->min_args && f->nargs <= d->max_args) {
		/* arguments with a fixed meaning are checked even when the field is missing: the template is wrong */
		if (d->fn == fmt_dato)
			return dato_style(&ignored, ctx, path, f);
		if (d->fn == fmt_tal)
			return tal_decimals(&ignored, ctx, path, f);
		return 0;
	}
	const char *want = d->max_args == 0              ? "tager ingen argumenter"
	                   : d->min_args == d->max_args ? "skal have præcis ét argument"
	                                                : "tager højst ét argument";
	return kb_ctx_fail(ctx, KB_EINPUT, FIELD_PFX_FMT "formateringen %s %s, men har fået %zu; skriv fx %s",
	                   FIELD_PFX(path), d->name, want, f->nargs, d->example);
}

int kb_format_check(kb_ctx *ctx, const char *path, const kb_expr_fmt *f)
{
	const struct fmt_def *d = fmt_find(f->name);
	if (!d)
		return kb_ctx_fail(ctx, KB_EINPUT, FIELD_PFX_FMT "ukendt formatering \"%s\"; kendte er: %s",
		                   FIELD_PFX(path), f->name, fmt_names);
	return check_args(ctx, path, d, f);
}

int kb_expr_eval(json_t **out, kb_ctx *ctx, const kb_expr *e, const kb_scope *s)
{
	int rc = 0;
	*out = NULL;
	json_t *v = json_incref((json_t *)kb_scope_lookup(s, e->path));
	for (size_t i = 0; i < e->nfmts; i++) {
		const kb_expr_fmt *f = &e->fmts[i];
		json_t *nv = NULL;
		if ((rc = kb_format_check(ctx, e->path, f)))
			goto done;
		const struct fmt_def *d = fmt_find(f->name);
		if (!v && !d->sees_missing)
			continue;
		rc = d->fn(&nv, ctx, e->path, f, v);
		json_decref(v);
		v = nv;
		if (rc)
			goto done;
		if (!v) {
			rc = KB_ENOMEM;
			goto done;
		}
	}
	*out = v;
	v = NULL;
done:
	json_decref(v);
	return rc;
}
