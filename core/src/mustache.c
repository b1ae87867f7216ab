/*
 * mustache.c -- the plain-text Mustache engine (see mustache.h).
 *
 * Compiling turns each template (the main one and every partial it can reach) into a flat list of nodes: static
 * text, values, sections whose body is the nodes up to their `end`, and partial calls. Comments and delimiter
 * changes leave no node. Standalone lines (a section, inverted, closing, comment, partial or delimiter tag alone on
 * its line with only spaces and tabs) are removed with their line ending while compiling, so rendering only walks
 * the nodes.
 *
 * Partial indentation: the spec indents every line of a standalone partial's source by the tag's indentation.
 * Rendering does the same without copying the source: inside a partial, a newline in static text makes the current
 * indentation pending, and the next static text or value of the partial writes it first. Newlines inside values
 * are not indented (as the spec's "Standalone Indentation" test wants). Unlike source indentation, a partial's
 * last line that renders nothing gets no trailing indentation.
 */
#include "mustache.h"
#include "expr.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_INDENT (64u * 1024u) /* bytes of accumulated partial indentation */

typedef enum { N_TEXT, N_VAR, N_RAW, N_SECTION, N_INVERTED, N_PARTIAL } node_kind;

typedef struct mnode {
	node_kind kind;
	unsigned line;     /* of the tag, for messages */
	size_t off, len;   /* TEXT: the text; SECTION/INVERTED: the whole tag; PARTIAL: its indentation */
	size_t coff, clen; /* SECTION/INVERTED: the tag's content after the sigil, trimmed */
	kb_expr expr;      /* VAR, RAW, SECTION, INVERTED */
	size_t end;        /* SECTION, INVERTED: index of the first node after the body */
	size_t partial;    /* PARTIAL: index into kb_mustache.tpls */
	int standalone;    /* PARTIAL: alone on its line, so its lines are indented */
} mnode;

typedef struct mtpl {
	char *name;
	char *src; /* owned; not NUL-terminated for partials */
	size_t len;
	mnode *nodes;
	size_t n, cap;
	int missing; /* a partial the loader does not have: renders as nothing */
} mtpl;

struct kb_mustache {
	mtpl *tpls; /* [0] is the main template, then the partials in the order they were first named */
	size_t n, cap;
	char open[KB_MUSTACHE_MAX_DELIM + 1], close[KB_MUSTACHE_MAX_DELIM + 1];
	int no_escape;
	size_t max_output, max_steps;
};

/* ---- messages ---- */

/* Fails with «name, linje N: <what>». */
static int fail_at(kb_ctx *ctx, int code, const char *name, unsigned line, const char *fmt, ...) KB_PRINTF(5, 6);
static int fail_at(kb_ctx *ctx, int code, const char *name, unsigned line, const char *fmt, ...)
{
	char what[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	return kb_ctx_fail(ctx, code, "%s, linje %u: %s", name, line, what);
}

/* Puts the place in front of a lower module's message (expr.c knows the field, not the template line). */
static int add_place(kb_ctx *ctx, int code, const char *name, unsigned line)
{
	if (code == KB_ENOMEM)
		return code;
	char lower[1024];
	snprintf(lower, sizeof lower, "%s", kb_ctx_errmsg(ctx));
	return kb_ctx_fail(ctx, code, "%s, linje %u: %s", name, line, lower);
}

/* ---- compiling ---- */

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Index of the first pat in s[from..len), or SIZE_MAX. */
static size_t find(const char *s, size_t from, size_t len, const char *pat, size_t plen)
{
	if (plen == 0 || len < plen)
		return SIZE_MAX;
	for (size_t i = from; i + plen <= len; i++)
		if (s[i] == pat[0] && memcmp(s + i, pat, plen) == 0)
			return i;
	return SIZE_MAX;
}

static void trim(const char *s, size_t *off, size_t *len)
{
	while (*len && is_space(s[*off])) {
		(*off)++;
		(*len)--;
	}
	while (*len && is_space(s[*off + *len - 1]))
		(*len)--;
}

/* A delimiter is 1..KB_MUSTACHE_MAX_DELIM bytes without white space or '='. */
static int delim_ok(const char *d, size_t n)
{
	if (n == 0 || n > KB_MUSTACHE_MAX_DELIM)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (is_space(d[i]) || d[i] == '=')
			return 0;
	return 1;
}

static int add_node(mtpl *t, const mnode *nd)
{
	if (t->n == t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 16;
		mnode *nn = realloc(t->nodes, ncap * sizeof *nn);
		if (!nn)
			return KB_ENOMEM;
		t->nodes = nn;
		t->cap = ncap;
	}
	t->nodes[t->n++] = *nd;
	return 0;
}

/* The index of the partial called name[0..n), added (not yet loaded) when it is new. */
static int partial_index(size_t *out, kb_ctx *ctx, kb_mustache *m, const char *name, size_t n, const char *where,
                         unsigned line)
{
	for (size_t i = 1; i < m->n; i++)
		if (strlen(m->tpls[i].name) == n && memcmp(m->tpls[i].name, name, n) == 0) {
			*out = i;
			return 0;
		}
	if (m->n > KB_MUSTACHE_MAX_PARTIALS)
		return fail_at(ctx, KB_ELIMIT, where, line, "skabelonen bruger flere end %d forskellige partials",
		               KB_MUSTACHE_MAX_PARTIALS);
	if (m->n == m->cap) {
		size_t ncap = m->cap * 2;
		mtpl *nt = realloc(m->tpls, ncap * sizeof *nt);
		if (!nt)
			return KB_ENOMEM;
		m->tpls = nt;
		m->cap = ncap;
	}
	mtpl *t = &m->tpls[m->n];
	memset(t, 0, sizeof *t);
	if (!(t->name = kb_strndup(name, n)))
		return KB_ENOMEM;
	*out = m->n++;
	return 0;
}

static unsigned count_lines(const char *s, size_t from, size_t to)
{
	unsigned n = 0;
	for (size_t i = from; i < to; i++)
		n += s[i] == '\n';
	return n;
}

/* Compiles m->tpls[ti] (its src is set). New partial names are appended to m->tpls for the caller to load. */
static int parse(kb_mustache *m, kb_ctx *ctx, size_t ti)
{
	const char *s = m->tpls[ti].src;
	const size_t len = m->tpls[ti].len;
	const char *name = m->tpls[ti].name; /* stays valid when m->tpls moves */
	char otag[KB_MUSTACHE_MAX_DELIM + 1], ctag[KB_MUSTACHE_MAX_DELIM + 2];
	size_t olen = strlen(m->open), clen = strlen(m->close);
	memcpy(otag, m->open, olen + 1);
	memcpy(ctag, m->close, clen + 1);
	size_t open_sections[KB_MUSTACHE_MAX_DEPTH];
	size_t depth = 0;
	/* last_end: where the text after the previous tag starts; last_bol: that is the start of a line */
	size_t last_end = 0, line_pos = 0;
	int last_bol = 1;
	unsigned line = 1;
	int rc = 0;

	for (;;) {
		size_t ts = find(s, last_end, len, otag, olen);
		if (ts == SIZE_MAX)
			break;
		line += count_lines(s, line_pos, ts);
		line_pos = ts;
		size_t body = ts + olen;
		char sigil = body < len && s[body] && strchr("#^/>!={&", s[body]) ? s[body] : 0;
		if (sigil)
			body++;
		/* the closer: "}" + close for {{{x}}}, "=" + close for {{=a b=}} */
		char closer[KB_MUSTACHE_MAX_DELIM + 2];
		size_t closer_len = 0;
		if (sigil == '{' || sigil == '=')
			closer[closer_len++] = sigil == '{' ? '}' : '=';
		memcpy(closer + closer_len, ctag, clen);
		closer_len += clen;
		size_t ce = find(s, body, len, closer, closer_len);
		if (ce == SIZE_MAX)
			return fail_at(ctx, KB_EINPUT, name, line, "tagget \"%.*s\" lukkes aldrig; tilføj \"%.*s\"",
			               (int)(len - ts > 20 ? 20 : len - ts), s + ts, (int)closer_len, closer);
		size_t te = ce + closer_len;
		size_t coff = body, cl = ce - body;
		trim(s, &coff, &cl);

		/* standalone: only blanks between the line start and the tag, and between the tag and the line end */
		int standalone = 0;
		size_t left = ts, after = te;
		if (sigil && sigil != '{' && sigil != '&') {
			while (left > last_end && is_blank(s[left - 1]))
				left--;
			int left_ok = left == last_end ? last_bol : s[left - 1] == '\n';
			size_t q = te;
			while (q < len && is_blank(s[q]))
				q++;
			if (left_ok && q == len)
				standalone = 1, after = len;
			else if (left_ok && s[q] == '\n')
				standalone = 1, after = q + 1;
			else if (left_ok && s[q] == '\r' && q + 1 < len && s[q + 1] == '\n')
				standalone = 1, after = q + 2;
		}
		if (!standalone)
			left = ts;
		if (left > last_end) {
			mnode text = { .kind = N_TEXT, .line = line, .off = last_end, .len = left - last_end };
			if ((rc = add_node(&m->tpls[ti], &text)))
				return rc;
		}

		mnode nd = { .kind = N_VAR, .line = line };
		switch (sigil) {
		case '!':
			break;
		case '=': {
			size_t a = 0;
			while (a < cl && !is_space(s[coff + a]))
				a++;
			size_t b = a;
			while (b < cl && is_space(s[coff + b]))
				b++;
			if (!delim_ok(s + coff, a) || b == cl || !delim_ok(s + coff + b, cl - b))
				return fail_at(ctx, KB_EINPUT, name, line,
				               "\"%.*s\" er ikke to skilletegn adskilt af mellemrum, fx {{=<%% %%>=}}",
				               (int)(te - ts), s + ts);
			memcpy(otag, s + coff, a);
			otag[a] = '\0';
			olen = a;
			memcpy(ctag, s + coff + b, cl - b);
			ctag[cl - b] = '\0';
			clen = cl - b;
			break;
		}
		case '>':
			if (cl == 0)
				return fail_at(ctx, KB_EINPUT, name, line, "\"%.*s\" mangler navnet på en partial",
				               (int)(te - ts), s + ts);
			nd.kind = N_PARTIAL;
			if ((rc = partial_index(&nd.partial, ctx, m, s + coff, cl, name, line)))
				return rc;
			nd.standalone = standalone;
			nd.off = left;
			nd.len = standalone ? ts - left : 0;
			if ((rc = add_node(&m->tpls[ti], &nd)))
				return rc;
			break;
		case '/': {
			if (depth == 0)
				return fail_at(ctx, KB_EINPUT, name, line, "%.*s lukker ingen sektion; slet det",
				               (int)(te - ts), s + ts);
			mnode *op = &m->tpls[ti].nodes[open_sections[depth - 1]];
			int same = op->clen == cl && memcmp(s + op->coff, s + coff, cl) == 0;
			if (!same && op->expr.path)
				same = strlen(op->expr.path) == cl && memcmp(op->expr.path, s + coff, cl) == 0;
			if (!same)
				return fail_at(ctx, KB_EINPUT, name, line,
				               "%.*s lukker ikke %.*s fra linje %u; luk den først med %s/%.*s%s",
				               (int)(te - ts), s + ts, (int)op->len, s + op->off, op->line, otag,
				               (int)op->clen, s + op->coff, ctag);
			op->end = m->tpls[ti].n;
			depth--;
			break;
		}
		default: /* '#', '^', '&', '{' and plain values */
			if (sigil == '#' || sigil == '^') {
				if (depth == KB_MUSTACHE_MAX_DEPTH)
					return fail_at(ctx, KB_ELIMIT, name, line,
					               "mere end %d sektioner inden i hinanden", KB_MUSTACHE_MAX_DEPTH);
				nd.kind = sigil == '#' ? N_SECTION : N_INVERTED;
				nd.off = ts;
				nd.len = te - ts;
				nd.coff = coff;
				nd.clen = cl;
			} else {
				nd.kind = sigil || m->no_escape ? N_RAW : N_VAR;
			}
			if ((rc = kb_expr_parse(&nd.expr, ctx, s + body, ce - body)))
				return add_place(ctx, rc, name, line);
			if ((rc = add_node(&m->tpls[ti], &nd))) {
				kb_expr_free(&nd.expr);
				return rc;
			}
			if (nd.kind == N_SECTION || nd.kind == N_INVERTED)
				open_sections[depth++] = m->tpls[ti].n - 1;
			break;
		}
		last_end = standalone ? after : te;
		last_bol = standalone;
	}
	if (depth > 0) {
		const mnode *op = &m->tpls[ti].nodes[open_sections[depth - 1]];
		return fail_at(ctx, KB_EINPUT, name, op->line, "%.*s lukkes aldrig; tilføj %s/%.*s%s", (int)op->len,
		               s + op->off, otag, (int)op->clen, s + op->coff, ctag);
	}
	if (len > last_end) {
		mnode text = { .kind = N_TEXT, .off = last_end, .len = len - last_end };
		if ((rc = add_node(&m->tpls[ti], &text)))
			return rc;
	}
	return 0;
}

static int set_source(mtpl *t, const char *src, size_t len, const char *name)
{
	if (!(t->name = kb_strdup(name)) || !(t->src = malloc(len + 1)))
		return KB_ENOMEM;
	if (len)
		memcpy(t->src, src, len);
	t->src[len] = '\0';
	t->len = len;
	return 0;
}

int kb_mustache_compile(kb_mustache **out, kb_ctx *ctx, const char *src, size_t len, const char *name,
                        const kb_mustache_options *opts)
{
	static const kb_mustache_options defaults = { 0 };
	kb_mustache *m = NULL;
	int rc = 0;
	*out = NULL;
	if (!opts)
		opts = &defaults;
	if (!name)
		name = "skabelon";
	const char *open = opts->open ? opts->open : "{{", *close = opts->close ? opts->close : "}}";
	if (!delim_ok(open, strlen(open)) || !delim_ok(close, strlen(close)))
		return kb_ctx_fail(ctx, KB_EUSAGE,
		                   "skilletegnene \"%s %s\" duer ikke: 1 til %d tegn uden mellemrum og uden \"=\"", open,
		                   close, KB_MUSTACHE_MAX_DELIM);
	if (len > KB_MAX_TEXT_BYTES)
		return kb_ctx_fail(ctx, KB_ELIMIT, "%s: skabelonen er større end %u byte", name, KB_MAX_TEXT_BYTES);
	if (!(m = calloc(1, sizeof *m)) || !(m->tpls = calloc(8, sizeof *m->tpls))) {
		rc = KB_ENOMEM;
		goto done;
	}
	m->cap = 8;
	m->n = 1;
	memcpy(m->open, open, strlen(open) + 1);
	memcpy(m->close, close, strlen(close) + 1);
	m->no_escape = opts->no_escape;
	m->max_output = opts->max_output ? opts->max_output : KB_MUSTACHE_MAX_OUTPUT;
	m->max_steps = opts->max_steps ? opts->max_steps : KB_MUSTACHE_MAX_STEPS;
	if ((rc = set_source(&m->tpls[0], src, len, name)) || (rc = parse(m, ctx, 0)))
		goto done;

	/* load and compile each partial once; parse() appends the names it meets, so this also walks partials of
	 * partials, and a partial that names itself (recursion) is compiled only once */
	size_t total = len;
	for (size_t i = 1; i < m->n; i++) {
		char *psrc = NULL;
		size_t plen = 0;
		if (opts->load_partial && (rc = opts->load_partial(&psrc, &plen, ctx, m->tpls[i].name, opts->ud))) {
			free(psrc);
			goto done;
		}
		if (!psrc) {
			m->tpls[i].missing = 1;
			continue;
		}
		m->tpls[i].src = psrc;
		m->tpls[i].len = plen;
		if (plen > KB_MAX_TEXT_BYTES - total) {
			rc = kb_ctx_fail(ctx, KB_ELIMIT, "%s: skabelonen og dens partials fylder mere end %u byte", name,
			                 KB_MAX_TEXT_BYTES);
			goto done;
		}
		total += plen;
		if ((rc = parse(m, ctx, i)))
			goto done;
	}
	*out = m;
	m = NULL;
done:
	kb_mustache_free(m);
	return rc;
}

void kb_mustache_free(kb_mustache *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++) {
		mtpl *t = &m->tpls[i];
		for (size_t k = 0; k < t->n; k++)
			if (t->nodes[k].kind != N_TEXT && t->nodes[k].kind != N_PARTIAL)
				kb_expr_free(&t->nodes[k].expr);
		free(t->nodes);
		free(t->src);
		free(t->name);
	}
	free(m->tpls);
	free(m);
}

/* ---- rendering ---- */

typedef struct render {
	kb_ctx *ctx;
	const kb_mustache *m;
	kb_scope scope;
	kb_buf out;
	kb_buf indent;       /* indentation of the standalone partials being rendered, outermost first */
	int pending;         /* a partial's line has begun: write indent before its next text or value */
	size_t steps;        /* nodes rendered, against m->max_steps */
	size_t partial_depth;
} render;

static int out_fail(render *r, int rc, const mtpl *t, unsigned line)
{
	if (rc == KB_ELIMIT)
		return fail_at(r->ctx, rc, t->name, line,
		               "brevet bliver større end %zu byte; er der en løkke for meget?", r->m->max_output);
	return rc;
}

static int put_indent(render *r)
{
	int rc = 0;
	if (r->pending && r->indent.len)
		rc = kb_buf_add(&r->out, r->indent.data, r->indent.len);
	r->pending = 0;
	return rc;
}

/* Static template text: inside an indented partial each line gets the indentation. */
static int put_text(render *r, const char *s, size_t n)
{
	if (!r->indent.len)
		return kb_buf_add(&r->out, s, n);
	while (n) {
		const char *nl = memchr(s, '\n', n);
		size_t k = nl ? (size_t)(nl - s) + 1 : n;
		int rc = put_indent(r);
		if (rc || (rc = kb_buf_add(&r->out, s, k)))
			return rc;
		r->pending = nl != NULL;
		s += k;
		n -= k;
	}
	return 0;
}

static int put_escaped(kb_buf *b, const char *s)
{
	int rc = 0;
	const char *run = s;
	for (; *s && !rc; s++) {
		const char *rep = *s == '&'   ? "&amp;"
		                  : *s == '<' ? "&lt;"
		                  : *s == '>' ? "&gt;"
		                  : *s == '"' ? "&quot;"
		                              : NULL;
		if (!rep)
			continue;
		if (!(rc = kb_buf_add(b, run, (size_t)(s - run))))
			rc = kb_buf_adds(b, rep);
		run = s + 1;
	}
	return rc ? rc : kb_buf_adds(b, run);
}

static int render_nodes(render *r, size_t ti, size_t from, size_t to);

static int render_value(render *r, const mtpl *t, const mnode *nd)
{
	json_t *v = NULL;
	char *text = NULL;
	int rc = kb_expr_eval(&v, r->ctx, &nd->expr, &r->scope);
	if (rc) {
		rc = add_place(r->ctx, rc, t->name, nd->line);
		goto done;
	}
	if ((rc = put_indent(r)) || !v) {
		rc = out_fail(r, rc, t, nd->line);
		goto done;
	}
	if (!(text = kb_value_text(v))) {
		if (json_is_object(v) || json_is_array(v))
			rc = fail_at(r->ctx, KB_EINPUT, t->name, nd->line,
			             "feltet \"%s\" er en %s og kan ikke skrives som tekst; "
			             "brug en sektion {{#%s}}...{{/%s}}",
			             nd->expr.path, json_is_array(v) ? "liste" : "gruppe af felter", nd->expr.path,
			             nd->expr.path);
		else
			rc = KB_ENOMEM;
		goto done;
	}
	rc = nd->kind == N_VAR ? put_escaped(&r->out, text) : kb_buf_adds(&r->out, text);
	rc = out_fail(r, rc, t, nd->line);
done:
	free(text);
	json_decref(v);
	return rc;
}

/* Renders the body once with frame on top of the context stack. */
static int render_body(render *r, size_t ti, size_t i, const json_t *frame)
{
	const mnode *nd = &r->m->tpls[ti].nodes[i];
	int rc = kb_scope_push(&r->scope, frame);
	if (rc)
		return rc;
	rc = render_nodes(r, ti, i + 1, nd->end);
	kb_scope_pop(&r->scope);
	return rc;
}

static int render_section(render *r, size_t ti, size_t i)
{
	const mtpl *t = &r->m->tpls[ti];
	const mnode *nd = &t->nodes[i];
	json_t *v = NULL;
	int rc = kb_expr_eval(&v, r->ctx, &nd->expr, &r->scope);
	if (rc) {
		rc = add_place(r->ctx, rc, t->name, nd->line);
		goto done;
	}
	int truthy = kb_value_truthy(v);
	if (nd->kind == N_INVERTED) {
		if (!truthy)
			rc = render_nodes(r, ti, i + 1, nd->end);
	} else if (truthy && json_is_array(v)) {
		for (size_t k = 0; k < json_array_size(v) && !rc; k++)
			rc = render_body(r, ti, i, json_array_get(v, k));
	} else if (truthy) {
		rc = render_body(r, ti, i, v);
	}
done:
	json_decref(v);
	return rc;
}

static int render_partial(render *r, const mtpl *t, const mnode *nd)
{
	const mtpl *p = &r->m->tpls[nd->partial];
	if (p->missing)
		return 0;
	if (r->partial_depth >= KB_MUSTACHE_MAX_PARTIAL_DEPTH)
		return fail_at(r->ctx, KB_ELIMIT, t->name, nd->line,
		               "partial \"%s\" ligger mere end %d niveauer inde i andre partials; kalder den sig selv "
		               "uden ende?",
		               p->name, KB_MUSTACHE_MAX_PARTIAL_DEPTH);
	size_t outer = r->indent.len;
	int rc = kb_buf_add(&r->indent, t->src + nd->off, nd->len);
	if (rc == KB_ELIMIT)
		return fail_at(r->ctx, rc, t->name, nd->line, "partials er rykket mere end %u tegn ind", MAX_INDENT);
	if (rc)
		return rc;
	if (nd->standalone)
		r->pending = 1;
	r->partial_depth++;
	rc = render_nodes(r, nd->partial, 0, p->n);
	r->partial_depth--;
	r->indent.len = outer;
	return rc;
}

static int render_nodes(render *r, size_t ti, size_t from, size_t to)
{
	const mtpl *t = &r->m->tpls[ti];
	int rc = 0;
	for (size_t i = from; i < to && !rc;) {
		const mnode *nd = &t->nodes[i];
		if (++r->steps > r->m->max_steps)
			return fail_at(r->ctx, KB_ELIMIT, t->name, nd->line,
			               "skabelonen gentager tekst mere end %zu gange; er der lister i lister for meget?",
			               r->m->max_steps);
		switch (nd->kind) {
		case N_TEXT:
			rc = out_fail(r, put_text(r, t->src + nd->off, nd->len), t, nd->line);
			i++;
			break;
		case N_VAR:
		case N_RAW:
			rc = render_value(r, t, nd);
			i++;
			break;
		case N_SECTION:
		case N_INVERTED:
			rc = render_section(r, ti, i);
			i = nd->end;
			break;
		case N_PARTIAL:
			rc = render_partial(r, t, nd);
			i++;
			break;
		}
	}
	return rc;
}

int kb_mustache_render(char **out, size_t *out_len, kb_ctx *ctx, const kb_mustache *m, const json_t *data)
{
	render r = { .ctx = ctx, .m = m };
	int rc = 0;
	*out = NULL;
	if (out_len)
		*out_len = 0;
	kb_buf_init(&r.out, m->max_output);
	kb_buf_init(&r.indent, MAX_INDENT);
	if (data && (rc = kb_scope_push(&r.scope, data)))
		goto done;
	if ((rc = render_nodes(&r, 0, 0, m->tpls[0].n)))
		goto done;
	size_t n = r.out.len;
	if (!(*out = kb_buf_detach(&r.out))) {
		rc = KB_ENOMEM;
		goto done;
	}
	if (out_len)
		*out_len = n;
done:
	kb_scope_free(&r.scope);
	kb_buf_free(&r.out);
	kb_buf_free(&r.indent);
	return rc;
}
