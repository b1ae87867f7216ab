/*
 * template.c -- DOCX templates: compile once (parse the parts, gather every tag into a single text node however
 * Word split it over runs), render many letters (copy the compiled parts, put the case values in place).
 *
 * Compiling normalises each paragraph: the text of its w:t nodes is joined, tags are found in the joined text, and
 * each tag is moved into a w:t of its own inside the run where the tag starts (so the value takes that run's
 * formatting), the pieces of it in later runs are cut away. The tag's w:t carries an attribute kb-tag="N" naming
 * the tag in the template's table; rendering replaces each such node by the value, so the attribute never reaches
 * the output.
 */
#include "internal.h"
#include "docx.h"
#include "expr.h"
#include "manifest.h"
#include "letter.h"
#include "package.h"
#include "partials.h"
#include "textmodel.h"
#include "utf8.h"

#include <jansson.h>
#include <stdarg.h>
#include <libxml/tree.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define KB_TAG_ATTR        "kb-tag"
#define KB_MAX_TAGS        100000
#define KB_MAX_TAG_BYTES   1000
#define KB_MAX_VALUE_BYTES (8u * 1024u * 1024u) /* one field value */

typedef enum {
	TAG_VAR,      /* {{x}}, {{&x}}, {{{x}}} */
	TAG_COMMENT,  /* {{! ... }} */
	TAG_SECTION,  /* {{#x}} */
	TAG_INVERTED, /* {{^x}} */
	TAG_CLOSE,    /* {{/x}}, and docxtemplater's {/} that closes the innermost section */
	TAG_PARTIAL,  /* {{> name}} */
	TAG_DELIM     /* {{=<% %>=}} */
} tag_kind;

typedef struct tpl_tag {
	char *raw;  /* as typed, delimiters included */
	char *name; /* the content after the sigil, trimmed: "beløb | kr", "ydelser" */
	tag_kind kind;
	kb_expr expr; /* parsed name, for VAR, SECTION, INVERTED, CLOSE (path only) */
	int has_expr;
	size_t part;      /* index into the template's parts */
	size_t paragraph; /* 1-based, within the part, as the letter's text numbers them (for messages) */
	size_t seq;       /* which paragraph it was found in: one number per compiled paragraph, in document order */
	int quiet;        /* in the second copy of a text box (mc:Fallback): rendered, never reported */
	char *around;     /* the paragraph's text around the tag, for messages: "Kære {{modtager.nav}}, tak for" */
	char after;       /* the byte right after the tag in its paragraph ('\0' at the end), for lint */
} tpl_tag;

/* The delimiters in force while a part is compiled: a {{=<% %>=}} tag changes them for the rest of the part. */
typedef struct delims {
	char open[16], close[16];
} delims;

struct kb_template {
	char *path;
	char **notes; /* what compiling repaired and lint tells the author (a tag joined over paragraphs) */
	size_t nnotes;
	int manifest_broken; /* lint only: manifest.json has problems (in notes); the fields are not checked */
	int folder;          /* a template folder (letter.docx, manifest.json), not a bare .docx */
	char **partials_dirs; /* NULL-terminated; NULL: no partials */
	char *partials_hint;
	char *title;
	kb_package *pkg;
	kb_style_map *styles; /* read once here, borrowed by every letter */
	json_t *manifest;
	char *open, *close;
	kb_letter_part *parts;
	size_t nparts;
	tpl_tag *tags;
	size_t ntags, tags_cap;
	size_t next_seq;
};

/* ---- small helpers ---- */

static int set_text(xmlNodePtr t, const char *s, size_t len)
{
	xmlNodePtr c = t->children;
	while (c) {
		xmlNodePtr next = c->next;
		xmlUnlinkNode(c);
		xmlFreeNode(c);
		c = next;
	}
	if (len) {
		xmlNodePtr txt = xmlNewTextLen((const xmlChar *)s, (int)len);
		if (!txt)
			return KB_ENOMEM;
		xmlAddChild(t, txt);
	}
	xmlNodeSetSpacePreserve(t, 1);
	return KB_OK;
}

/* A new w:t with the text s[0..len), inserted after sibling. */
#define KB_ORIGIN_ATTR "kb-origin"

/* A new w:t with the text s[0..len), inserted after sibling; it keeps the sibling's origin mark (text from a
 * partial). */
static xmlNodePtr new_text_after(xmlNodePtr sibling, const char *s, size_t len)
{
	xmlNodePtr t = xmlNewDocNode(sibling->doc, sibling->ns, (const xmlChar *)"t", NULL);
	if (!t)
		return NULL;
	if (set_text(t, s, len)) {
		xmlFreeNode(t);
		return NULL;
	}
	xmlChar *o = sibling->properties ? xmlGetProp(sibling, (const xmlChar *)KB_ORIGIN_ATTR) : NULL;
	if (o) {
		xmlSetProp(t, (const xmlChar *)KB_ORIGIN_ATTR, o);
		xmlFree(o);
	}
	xmlAddNextSibling(sibling, t);
	return t;
}

static const char *trim(const char *s, size_t *len)
{
	while (*len && (*s == ' ' || *s == '\t' || (unsigned char)*s == 0xC2)) {
		/* 0xC2 0xA0 is a no-break space, which Word's autocorrect likes to put next to braces */
		if ((unsigned char)*s == 0xC2) {
			if (*len < 2 || (unsigned char)s[1] != 0xA0)
				break;
			s++;
			(*len)--;
		}
		s++;
		(*len)--;
	}
	while (*len && (s[*len - 1] == ' ' || s[*len - 1] == '\t' ||
	                (*len >= 2 && (unsigned char)s[*len - 2] == 0xC2 && (unsigned char)s[*len - 1] == 0xA0))) {
		if (s[*len - 1] == ' ' || s[*len - 1] == '\t')
			(*len)--;
		else
			*len -= 2;
	}
	return s;
}

static const char *part_label(const kb_template *t, size_t part)
{
	return t->parts[part].name;
}

/* ---- compiling ---- */

typedef struct para_texts {
	kb_nodevec nodes;
	size_t *starts; /* byte offset of each node's text in the joined text */
	kb_buf joined;
} para_texts;

static int collect_text(void *ud, kb_w_item item, xmlNodePtr node)
{
	if (item != KB_W_TEXT)
		return 0;
	return kb_nodevec_push(&((para_texts *)ud)->nodes, node);
}

/* Registers a tag (raw includes delimiters of ol and cl bytes) and returns its index, or a negative code. */
static int add_tag(kb_template *t, kb_ctx *ctx, const char *raw, size_t rawlen, size_t ol, size_t cl, size_t part,
                   size_t para)
{
	if (t->ntags >= KB_MAX_TAGS)
		return kb_ctx_fail(ctx, KB_ELIMIT, "%s: skabelonen har mere end %d tags", t->path, KB_MAX_TAGS);
	if (t->ntags == t->tags_cap) {
		size_t ncap = t->tags_cap ? t->tags_cap * 2 : 32;
		tpl_tag *nt = realloc(t->tags, ncap * sizeof *nt);
		if (!nt)
			return kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
		t->tags = nt;
		t->tags_cap = ncap;
	}
	size_t inner_len = rawlen - ol - cl;
	const char *inner = trim(raw + ol, &inner_len);
	tpl_tag tag = {0};
	tag.kind = TAG_VAR;
	tag.part = part;
	tag.paragraph = para;
	char sigil = inner_len ? inner[0] : '\0';
	switch (sigil) {
	case '!': tag.kind = TAG_COMMENT; break;
	case '#': tag.kind = TAG_SECTION; break;
	case '^': tag.kind = TAG_INVERTED; break;
	case '/': tag.kind = TAG_CLOSE; break;
	case '>': tag.kind = TAG_PARTIAL; break;
	case '=': tag.kind = TAG_DELIM; break;
	default: break;
	}
	if (tag.kind != TAG_VAR || sigil == '&' || sigil == '{') {
		if (tag.kind != TAG_COMMENT && tag.kind != TAG_DELIM && inner_len) {
			inner++;
			inner_len--;
		}
		/* {{{x}}}: the closing brace of the triple form */
		if (sigil == '{' && inner_len && inner[inner_len - 1] == '}')
			inner_len--;
		inner = trim(inner, &inner_len);
	}
	tag.raw = kb_strndup(raw, rawlen);
	tag.name = kb_strndup(inner, inner_len);
	if (!tag.raw || !tag.name) {
		free(tag.raw);
		free(tag.name);
		return kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
	}
	t->tags[t->ntags] = tag;
	return (int)t->ntags++;
}

/* The text around s[a..b): up to KB_AROUND bytes on each side, cut at a word break (or a character boundary),
 * with "…" where it was cut. */
#define KB_AROUND 40
static char *text_around(const char *s, size_t len, size_t a, size_t b)
{
	size_t from = a > KB_AROUND ? a - KB_AROUND : 0, to = len - b > KB_AROUND ? b + KB_AROUND : len;
	while (from > 0 && from < a && ((unsigned char)s[from] & 0xC0) == 0x80)
		from++;
	while (to < len && to > b && ((unsigned char)s[to] & 0xC0) == 0x80)
		to--;
	if (from > 0) {
		const char *sp = memchr(s + from, ' ', a - from);
		if (sp)
			from = (size_t)(sp - s) + 1;
	}
	if (to < len) {
		for (size_t k = to; k > b; k--)
			if (s[k - 1] == ' ') {
				to = k - 1;
				break;
			}
	}
	kb_buf out;
	kb_buf_init(&out, 4 * KB_AROUND + KB_MAX_TAG_BYTES);
	int rc = kb_buf_printf(&out, "%s%.*s%s", from > 0 ? "…" : "", (int)(to - from), s + from, to < len ? "…" : "");
	if (rc) {
		kb_buf_free(&out);
		return NULL;
	}
	return kb_buf_detach(&out);
}

/* The length of the longest prefix of s[0..n) of at most max bytes that ends at a character boundary. */
static size_t utf8_prefix(const char *s, size_t n, size_t max)
{
	if (n <= max)
		return n;
	size_t k = max;
	while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
		k--;
	return k;
}

/* A problem in a paragraph's text at joined[a..b): "<part>, afsnit N: <message> (i teksten »…«)". */
static int para_problem(kb_ctx *ctx, const kb_template *t, size_t part, size_t para_no, const kb_buf *joined, size_t a,
                        size_t b, const char *fmt, ...) KB_PRINTF(8, 9);
static int para_problem(kb_ctx *ctx, const kb_template *t, size_t part, size_t para_no, const kb_buf *joined, size_t a,
                        size_t b, const char *fmt, ...)
{
	char *around = text_around(joined->data, joined->len, a, b);
	kb_buf m;
	kb_buf_init(&m, 65536);
	va_list ap;
	va_start(ap, fmt);
	int rc = around ? kb_buf_printf(&m, "%s, afsnit %zu: ", part_label(t, part), para_no) : KB_ENOMEM;
	if (!rc)
		rc = kb_buf_vprintf(&m, fmt, ap);
	va_end(ap);
	if (!rc)
		rc = kb_buf_printf(&m, " (i teksten »%s«)", around);
	if (!rc)
		kb_ctx_add_detail(ctx, "%s", m.data);
	kb_buf_free(&m);
	free(around);
	return rc;
}

/* A problem with one tag: "<part>, afsnit N: <message> (i teksten »…around…«)"; the text around is left out when
 * the tag stands alone. */
static void tag_problem(kb_ctx *ctx, const kb_template *t, const tpl_tag *tag, const char *fmt, ...) KB_PRINTF(4, 5);
static void tag_problem(kb_ctx *ctx, const kb_template *t, const tpl_tag *tag, const char *fmt, ...)
{
	kb_buf b;
	kb_buf_init(&b, 65536);
	va_list ap;
	va_start(ap, fmt);
	int rc = kb_buf_printf(&b, "%s, afsnit %zu: ", part_label(t, tag->part), tag->paragraph);
	if (!rc)
		rc = kb_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (!rc && tag->around && strcmp(tag->around, tag->raw) != 0)
		rc = kb_buf_printf(&b, " (i teksten »%s«)", tag->around);
	if (!rc)
		kb_ctx_add_detail(ctx, "%s", b.data);
	kb_buf_free(&b);
}

/* Parses and checks a tag's content; each problem becomes a detail. Returns 1 when the tag is usable. */
static int check_tag(kb_template *t, kb_ctx *ctx, tpl_tag *tag)
{
	switch (tag->kind) {
	case TAG_COMMENT:
	case TAG_DELIM: return 1;
	case TAG_PARTIAL:
		if (!*tag->name || strstr(tag->name, "..") || tag->name[0] == '/' || strchr(tag->name, '\\')) {
			tag_problem(ctx, t, tag,
			            "%s: skriv delskabelonens navn som fx klagevejledning/ankestyrelsen (uden \"..\" "
			            "og uden en "
			            "sti fra roden)",
			            tag->raw);
			return 0;
		}
		return 1;
	case TAG_CLOSE:
		if (!*tag->name)
			return 1; /* docxtemplater's {/} */
		break;
	default: break;
	}
	if (!*tag->name) {
		tag_problem(ctx, t, tag, "tagget %s er tomt; skriv et feltnavn i det", tag->raw);
		return 0;
	}
	kb_ctx *sub = NULL;
	if (kb_ctx_new(&sub))
		return 0;
	int rc = kb_expr_parse(&tag->expr, sub, tag->name, strlen(tag->name));
	if (rc) {
		tag_problem(ctx, t, tag, "%s: %s", tag->raw, kb_ctx_errmsg(sub));
		kb_ctx_free(sub);
		return 0;
	}
	kb_ctx_free(sub);
	sub = NULL;
	tag->has_expr = 1;
	int ok = 1;
	if (tag->expr.nfmts && kb_ctx_new(&sub))
		return 0;
	for (size_t i = 0; i < tag->expr.nfmts; i++) {
		if (!kb_format_exists(tag->expr.fmts[i].name)) {
			tag_problem(ctx, t, tag, "%s: ukendt formatering \"%s\"; kendte er: %s", tag->raw,
			            tag->expr.fmts[i].name, kb_format_list());
			ok = 0;
			continue;
		}
		/* a wrong argument (dato "krot") is the template's mistake: say so here, not to the caseworker at fill
		 * time as if the case were wrong; path NULL: the message without «feltet "path": », the tag is named */
		if (kb_format_check(sub, NULL, &tag->expr.fmts[i])) {
			tag_problem(ctx, t, tag, "%s: %s", tag->raw, kb_ctx_errmsg(sub));
			ok = 0;
		}
	}
	kb_ctx_free(sub);
	return ok;
}

/* Reads "=<% %>=" into d. Returns 1 on success. */
static int parse_set_delims(delims *d, const char *raw, size_t ol, size_t cl, size_t rawlen)
{
	size_t n = rawlen - ol - cl;
	const char *s = trim(raw + ol, &n);
	if (n < 5 || s[0] != '=' || s[n - 1] != '=')
		return 0;
	s++;
	n -= 2;
	s = trim(s, &n);
	const char *sp = memchr(s, ' ', n);
	if (!sp)
		return 0;
	size_t a = (size_t)(sp - s);
	const char *c = sp;
	while (c < s + n && *c == ' ')
		c++;
	size_t b = (size_t)(s + n - c);
	if (!a || !b || a >= sizeof d->open || b >= sizeof d->close || memchr(c, ' ', b) || memchr(c, '=', b))
		return 0;
	memcpy(d->open, s, a);
	d->open[a] = '\0';
	memcpy(d->close, c, b);
	d->close[b] = '\0';
	return 1;
}

/* Gives the tag's w:t a run of its own: what stood before it in the run moves to a new run before it, what stood
 * after it to a new run after it, both with the run's properties. Sections then find their markers as whole runs
 * (or whole paragraphs), never mixed with text that must not repeat. */
static xmlNodePtr copy_node(xmlNodePtr n, xmlDocPtr doc);

static int split_run(xmlNodePtr tagnode)
{
	xmlNodePtr r = tagnode->parent;
	if (!kb_w_is(r, "r"))
		return KB_OK;
	xmlNodePtr rpr = kb_w_child(r, "rPr");
	for (int side = 0; side < 2; side++) {
		/* side 0: the content before the tag; side 1: after */
		xmlNodePtr first = NULL;
		for (xmlNodePtr c = side ? tagnode->next : r->children; c && c != (side ? NULL : tagnode); c = c->next)
			if (c != rpr && c->type == XML_ELEMENT_NODE) {
				first = c;
				break;
			}
		if (!first)
			continue;
		xmlNodePtr nr = xmlNewDocNode(r->doc, r->ns, (const xmlChar *)"r", NULL);
		if (!nr)
			return KB_ENOMEM;
		if (rpr) {
			xmlNodePtr rc = copy_node(rpr, r->doc);
			if (!rc) {
				xmlFreeNode(nr);
				return KB_ENOMEM;
			}
			xmlAddChild(nr, rc);
		}
		xmlNodePtr c = side ? tagnode->next : r->children;
		while (c && c != (side ? NULL : tagnode)) {
			xmlNodePtr next = c->next;
			if (c != rpr) {
				xmlUnlinkNode(c);
				xmlAddChild(nr, c);
			}
			c = next;
		}
		if (side)
			xmlAddNextSibling(r, nr);
		else
			xmlAddPrevSibling(r, nr);
	}
	return KB_OK;
}

static xmlNodePtr next_in(xmlNodePtr n, xmlNodePtr top);
static void free_node(xmlNodePtr n);

/* Namespace declarations live on the document element and nowhere else, so that no node can outlive the one that
 * declares its prefix. xmlDocCopyNode() declares on each copy the prefixes it cannot see in scope (a copy has no
 * parent yet), and the nodes inside point at those declarations: when a later step moves them out of the copy (a
 * paragraph split in two, a section's content) and frees the copy, their prefixes point at freed memory and the
 * letter is written with garbage names. So every declaration below sub (sub included) is moved to the document
 * element: the elements and attributes that used it point at the declaration there with the same prefix and URI
 * (added when the prefix is free). A prefix that the document element binds to another URI keeps its local
 * declaration; no Word document does that. Three walks of sub, whatever the number of declarations (each moved
 * declaration holds its new home in _private meanwhile). KB_ENOMEM when a declaration cannot be added. */
static int anchor_namespaces(xmlNodePtr sub)
{
	xmlNodePtr root = sub ? xmlDocGetRootElement(sub->doc) : NULL;
	if (!root || sub->type != XML_ELEMENT_NODE)
		return KB_OK;
	int rc = KB_OK, any = 0;
	for (xmlNodePtr c = sub; c; c = next_in(c, sub)) {
		if (c->type != XML_ELEMENT_NODE || c == root)
			continue;
		for (xmlNsPtr d = c->nsDef; d; d = d->next) {
			xmlNsPtr at = NULL;
			for (xmlNsPtr r = root->nsDef; r && !at; r = r->next)
				if (xmlStrEqual(r->prefix, d->prefix))
					at = r;
			if (at && !xmlStrEqual(at->href, d->href))
				at = NULL; /* the prefix means something else there: it stays here */
			else if (!at && rc == KB_OK && !(at = xmlNewNs(root, d->href, d->prefix)))
				rc = KB_ENOMEM; /* finish the walks with what was mapped; nothing dangles */
			d->_private = at;
			any |= at != NULL;
		}
	}
	if (!any)
		return rc;
	for (xmlNodePtr c = sub; c; c = next_in(c, sub)) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (c->ns && c->ns->_private)
			c->ns = c->ns->_private;
		for (xmlAttrPtr a = c->properties; a; a = a->next)
			if (a->ns && a->ns->_private)
				a->ns = a->ns->_private;
	}
	for (xmlNodePtr c = sub; c; c = next_in(c, sub)) {
		if (c->type != XML_ELEMENT_NODE || c == root)
			continue;
		for (xmlNsPtr *d = &c->nsDef; *d;) {
			xmlNsPtr gone = *d;
			if (gone->_private) {
				*d = gone->next;
				gone->next = NULL;
				xmlFreeNs(gone);
			} else {
				d = &gone->next;
			}
		}
	}
	return rc;
}

/* A deep copy of n for doc whose namespaces are the document element's (anchor_namespaces); NULL when out of
 * memory. Every copy in the template engine goes through here. */
static xmlNodePtr copy_node(xmlNodePtr n, xmlDocPtr doc)
{
	xmlNodePtr c = xmlDocCopyNode(n, doc, 1);
	if (c && anchor_namespaces(c)) {
		xmlFreeNode(c);
		c = NULL;
	}
	return c;
}

static int inside_node(const xmlNode *n, const xmlNode *ancestor)
{
	for (; n; n = n->parent)
		if (n == ancestor)
			return 1;
	return 0;
}

/* A new, empty w:p with a copy of p's paragraph properties. A section break (w:sectPr) ends its section at the last
 * paragraph: with take_break the new paragraph gets p's break and p loses it, otherwise the copy has none. NULL when
 * out of memory. The new paragraph is not in the tree yet. */
static xmlNodePtr paragraph_like(xmlNodePtr p, int take_break)
{
	xmlNodePtr np = xmlNewDocNode(p->doc, p->ns, (const xmlChar *)"p", NULL);
	xmlNodePtr ppr = kb_w_child(p, "pPr");
	if (!np || !ppr)
		return np;
	xmlNodePtr cp = copy_node(ppr, p->doc);
	if (!cp) {
		xmlFreeNode(np);
		return NULL;
	}
	xmlNodePtr sect = kb_w_child(take_break ? ppr : cp, "sectPr");
	if (sect)
		free_node(sect);
	xmlAddChild(np, cp);
	return np;
}

/* Moves the siblings from first up to (not including) stop, except paragraph properties, to the end of to. */
static void move_content(xmlNodePtr first, xmlNodePtr stop, xmlNodePtr to)
{
	for (xmlNodePtr n = first; n && n != stop;) {
		xmlNodePtr next = n->next;
		if (!kb_w_is(n, "pPr")) {
			xmlUnlinkNode(n);
			xmlAddChild(to, n);
		}
		n = next;
	}
}

/* The node after n's subtree in document order, within top. */
static xmlNodePtr next_after(xmlNodePtr n, xmlNodePtr top)
{
	while (n && n != top && !n->next)
		n = n->parent;
	return n && n != top ? n->next : NULL;
}

/* Removes what lies between the text nodes a and b of paragraph p that is not the tag's text: line breaks and tabs,
 * and tracked deletions (w:del, w:moveFrom), which would come back if someone rejected the changes. */
static int drop_breaks_between(xmlNodePtr p, xmlNodePtr a, xmlNodePtr b)
{
	kb_nodevec drop = {0};
	int rc = KB_OK;
	for (xmlNodePtr c = next_in(a, p); c && c != b && !rc;) {
		if (kb_w_is(c, "del") || kb_w_is(c, "moveFrom")) {
			if (inside_node(b, c))
				break;
			rc = kb_nodevec_push(&drop, c);
			c = next_after(c, p);
			continue;
		}
		if (kb_w_is(c, "br") || kb_w_is(c, "cr") || kb_w_is(c, "tab"))
			rc = kb_nodevec_push(&drop, c);
		c = next_in(c, p);
	}
	for (size_t i = 0; !rc && i < drop.n; i++)
		free_node(drop.items[i]);
	kb_nodevec_free(&drop);
	return rc;
}

/* Moves every tag of paragraph p into a w:t of its own. Problems (an unclosed tag) become details; *bad counts
 * them. */
static int normalize_paragraph(kb_template *t, kb_ctx *ctx, size_t part, xmlNodePtr p, size_t para_no, delims *dl,
                               int *bad, int quiet)
{
	/* the second copy of a text box: its problems are the first copy's, already reported */
	kb_ctx *scratch = NULL, *real_ctx = ctx;
	int scratch_bad = 0;
	if (quiet) {
		if (kb_ctx_new(&scratch))
			return KB_ENOMEM;
		ctx = scratch;
		bad = &scratch_bad;
	}
	size_t seq = ++t->next_seq;
	para_texts pt = {0};
	kb_buf_init(&pt.joined, KB_MAX_PART_BYTES);
	int rc = kb_w_walk_paragraph(p, collect_text, &pt);
	size_t *tag_a = NULL, *tag_b = NULL, *tag_ol = NULL, *tag_cl = NULL;
	size_t ntag = 0, tagcap = 0;
	if (rc)
		goto done;
	if (pt.nodes.n == 0)
		goto done;
	pt.starts = malloc(pt.nodes.n * sizeof *pt.starts);
	if (!pt.starts) {
		rc = KB_ENOMEM;
		goto done;
	}
	for (size_t k = 0; k < pt.nodes.n; k++) {
		pt.starts[k] = pt.joined.len;
		xmlChar *c = xmlNodeGetContent(pt.nodes.items[k]);
		rc = c ? kb_buf_adds(&pt.joined, (const char *)c) : KB_OK;
		xmlFree(c);
		if (rc)
			goto done;
	}
	if (!pt.joined.data || (!strstr(pt.joined.data, dl->open) && !strstr(pt.joined.data, dl->close)))
		goto done;

	/* find the tags in the joined text, left to right, following delimiter changes */
	const char *s = pt.joined.data;
	size_t pos = 0;
	while (pos < pt.joined.len) {
		size_t ol = strlen(dl->open), cl = strlen(dl->close);
		const char *o = strstr(s + pos, dl->open);
		size_t seg_end = o ? (size_t)(o - s) : pt.joined.len;
		const char *stray = strstr(s + pos, dl->close);
		if (stray && (size_t)(stray - s) < seg_end) {
			size_t at = (size_t)(stray - s);
			rc = para_problem(
			    ctx, t, part, para_no, &pt.joined, at, at + cl,
			    "\"%s\" lukker et tag, der ikke er åbnet; slet det, eller tilføj \"%s\" foran feltnavnet",
			    dl->close, dl->open);
			if (rc)
				goto done;
			(*bad)++;
		}
		if (!o)
			break;
		size_t a = (size_t)(o - s);
		/* a set-delimiter tag ends with "=" + close: {{=<% %>=}} */
		const char *c = strstr(s + a + ol, dl->close);
		if (!c) {
			size_t show = utf8_prefix(s + a, pt.joined.len - a, 40);
			rc = para_problem(
			    ctx, t, part, para_no, &pt.joined, a, a + show,
			    "tagget \"%.*s%s\" lukkes ikke i afsnittet; tilføj \"%s\" (et tag må ikke deles over "
			    "flere afsnit)",
			    (int)show, s + a, a + show < pt.joined.len ? "…" : "", dl->close);
			if (rc)
				goto done;
			(*bad)++;
			break;
		}
		const char *again = strstr(s + a + ol, dl->open);
		if (again && again < c) {
			/* "{firstName {lastName}": the first tag was never closed */
			rc = para_problem(ctx, t, part, para_no, &pt.joined, a, (size_t)(again - s),
			                  "tagget \"%.*s\" lukkes ikke; tilføj \"%s\"", (int)(again - o), o, dl->close);
			if (rc)
				goto done;
			(*bad)++;
			pos = (size_t)(again - s);
			continue;
		}
		size_t b = (size_t)(c - s) + cl;
		/* "{{{x}}}": Mustache's triple form; take the extra closing brace into the tag */
		if (!strcmp(dl->open, "{{") && !strcmp(dl->close, "}}") && s[a + ol] == '{' && s[b] == '}')
			b++;
		if (b - a > KB_MAX_TAG_BYTES) {
			size_t show = utf8_prefix(s + a, b - a, 40);
			kb_ctx_add_detail(
			    ctx,
			    "%s, afsnit %zu: tagget \"%.*s…\" er for langt (over %d byte); skriv et kortere "
			    "feltnavn, eller luk tagget",
			    part_label(t, part), para_no, (int)show, s + a, KB_MAX_TAG_BYTES);
			(*bad)++;
			pos = b; /* the rest of the paragraph may hold real tags: they are reported or read too */
			continue;
		}
		if (ntag == tagcap) {
			size_t ncap = tagcap ? tagcap * 2 : 8;
			size_t **arrs[] = {&tag_a, &tag_b, &tag_ol, &tag_cl};
			for (size_t k = 0; k < 4; k++) {
				size_t *na = realloc(*arrs[k], ncap * sizeof *na);
				if (!na) {
					rc = KB_ENOMEM;
					goto done;
				}
				*arrs[k] = na;
			}
			tagcap = ncap;
		}
		tag_a[ntag] = a;
		tag_b[ntag] = b;
		tag_ol[ntag] = ol;
		tag_cl[ntag] = cl;
		ntag++;
		pos = b;
		if (s[a + ol] == '=') {
			delims nd;
			if (parse_set_delims(&nd, s + a, ol, cl, b - a)) {
				*dl = nd;
			} else {
				kb_ctx_add_detail(
				    ctx, "%s, afsnit %zu: \"%.*s\" skifter ikke afgrænserne; skriv fx %s=<%% %%>=%s",
				    part_label(t, part), para_no, (int)(b - a), s + a, dl->open, dl->close);
				(*bad)++;
			}
		}
	}

	/* right to left, so that the text before each tag is still as it was when offsets were taken */
	for (size_t i = ntag; i-- > 0;) {
		size_t a = tag_a[i], b = tag_b[i];
		size_t ka = 0, kb = 0;
		for (size_t k = 0; k < pt.nodes.n; k++) {
			if (pt.starts[k] <= a)
				ka = k;
			if (pt.starts[k] < b)
				kb = k;
		}
		/* the piece after the tag in the last node it touches */
		xmlNodePtr first = pt.nodes.items[ka];
		xmlChar *fc = xmlNodeGetContent(first);
		if (!fc) {
			rc = KB_ENOMEM;
			goto done;
		}
		size_t off_a = a - pt.starts[ka];
		size_t fclen = strlen((const char *)fc);
		char *post = NULL;
		size_t postlen = 0;
		if (kb == ka) {
			size_t off_b = b - pt.starts[ka];
			post = kb_strndup((const char *)fc + off_b, fclen - off_b);
			postlen = fclen - off_b;
		} else {
			for (size_t k = ka + 1; k < kb; k++)
				if ((rc = set_text(pt.nodes.items[k], "", 0)))
					break;
			/* a line break or tab typed inside the tag ("{{navn" Shift+Enter "}}") is not part of the
			 * letter */
			if (!rc)
				rc = drop_breaks_between(p, pt.nodes.items[ka], pt.nodes.items[kb]);
			xmlChar *lc = rc ? NULL : xmlNodeGetContent(pt.nodes.items[kb]);
			if (lc) {
				size_t off_b = b - pt.starts[kb];
				size_t lclen = strlen((const char *)lc);
				rc = set_text(pt.nodes.items[kb], (const char *)lc + off_b, lclen - off_b);
				xmlFree(lc);
			} else if (!rc) {
				rc = KB_ENOMEM;
			}
			post = kb_strndup("", 0);
		}
		char *pre = kb_strndup((const char *)fc, off_a);
		xmlFree(fc);
		if (rc || !post || !pre) {
			free(pre);
			free(post);
			rc = rc ? rc : KB_ENOMEM;
			goto done;
		}
		/* first = [pre][tag][post] */
		xmlNodePtr tagnode = first;
		if (*pre) {
			rc = set_text(first, pre, off_a);
			tagnode = rc ? NULL : new_text_after(first, s + a, b - a);
		} else {
			rc = set_text(first, s + a, b - a);
		}
		if (!rc && !tagnode)
			rc = KB_ENOMEM;
		if (!rc && postlen && !new_text_after(tagnode, post, postlen))
			rc = KB_ENOMEM;
		free(pre);
		free(post);
		if (rc)
			goto done;
		int idx = add_tag(t, ctx, s + a, b - a, tag_ol[i], tag_cl[i], part, para_no);
		if (idx < 0) {
			rc = idx;
			goto done;
		}
		t->tags[idx].seq = seq;
		t->tags[idx].quiet = quiet;
		t->tags[idx].after = b < pt.joined.len ? s[b] : '\0';
		if (!(t->tags[idx].around = text_around(s, pt.joined.len, a, b))) {
			rc = KB_ENOMEM;
			goto done;
		}
		if (!check_tag(t, ctx, &t->tags[idx]))
			(*bad)++;
		char num[24];
		snprintf(num, sizeof num, "%d", idx);
		if (!xmlSetProp(tagnode, (const xmlChar *)KB_TAG_ATTR, (const xmlChar *)num) || split_run(tagnode)) {
			rc = KB_ENOMEM;
			goto done;
		}
	}

done:
	free(tag_a);
	free(tag_b);
	free(tag_ol);
	free(tag_cl);
	free(pt.starts);
	kb_nodevec_free(&pt.nodes);
	kb_buf_free(&pt.joined);
	if (scratch) {
		if (rc && rc != KB_ENOMEM)
			kb_ctx_fail(real_ctx, rc, "%s", kb_ctx_errmsg(scratch));
		kb_ctx_free(scratch);
	}
	if (rc == KB_ENOMEM)
		return kb_ctx_fail(real_ctx, KB_ENOMEM, "ikke nok hukommelse");
	return rc;
}

/* Checks that the sections of one part open and close in order; each problem is a detail. Tags are in the table
 * in reverse order within a paragraph (they are registered right to left), so sort by document position first:
 * the tag index order inside a paragraph is reversed, paragraphs are in order. */
static void match_sections(kb_template *t, kb_ctx *ctx, size_t first, int *bad)
{
	size_t n = t->ntags - first;
	size_t *order = malloc((n ? n : 1) * sizeof *order);
	size_t *stack = malloc((n ? n : 1) * sizeof *stack);
	if (!order || !stack) {
		free(order);
		free(stack);
		return;
	}
	/* document order: paragraphs ascending, and within a paragraph the registration order reversed */
	size_t k = 0;
	for (size_t i = first; i < t->ntags;) {
		size_t j = i;
		while (j < t->ntags && t->tags[j].seq == t->tags[i].seq)
			j++;
		for (size_t m = j; m-- > i;)
			order[k++] = m;
		i = j;
	}
	size_t depth = 0;
	for (k = 0; k < n; k++) {
		tpl_tag *tag = &t->tags[order[k]];
		if (tag->quiet)
			continue;
		if (tag->kind == TAG_SECTION || tag->kind == TAG_INVERTED) {
			stack[depth++] = order[k];
		} else if (tag->kind == TAG_CLOSE) {
			if (!depth) {
				tag_problem(ctx, t, tag,
				            "%s lukker en sektion, der aldrig er åbnet; slet det, eller tilføj den "
				            "åbnende %s#%s%s "
				            "før det",
				            tag->raw, t->open, tag->name, t->close);
				(*bad)++;
				continue;
			}
			tpl_tag *open = &t->tags[stack[depth - 1]];
			const char *op = open->has_expr ? open->expr.path : open->name;
			const char *cp = tag->has_expr ? tag->expr.path : tag->name;
			if (*tag->name && strcmp(op, cp) != 0) {
				tag_problem(ctx, t, tag,
				            "%s lukker ikke %s (afsnit %zu); luk den inderste sektion først", tag->raw,
				            open->raw, open->paragraph);
				(*bad)++;
			}
			depth--;
		}
	}
	while (depth) {
		tpl_tag *open = &t->tags[stack[--depth]];
		tag_problem(ctx, t, open, "sektionen %s lukkes aldrig; tilføj %s/%s%s, hvor den skal slutte", open->raw,
		            t->open, open->has_expr ? open->expr.path : open->name, t->close);
		(*bad)++;
	}
	free(order);
	free(stack);
}

/* ---- tags that someone broke with Enter ----
 *
 * "{{modtager." + Enter + "navn}}": the tag's pieces lie in consecutive paragraphs. When a paragraph ends inside a
 * tag and one of the next few sibling paragraphs closes it, with nothing but the tag's own text in between, the
 * paragraphs are joined again (what deleting the Enter would do) and the author is told in lint. Anything less clear
 * stays as it is and is reported as an unclosed tag. */

#define KB_MAX_JOIN_PARAGRAPHS 5

static int paragraph_plain(kb_buf *b, xmlNodePtr p)
{
	para_texts pt = {0};
	b->len = 0;
	int rc = kb_w_walk_paragraph(p, collect_text, &pt);
	for (size_t k = 0; !rc && k < pt.nodes.n; k++) {
		xmlChar *c = xmlNodeGetContent(pt.nodes.items[k]);
		rc = c ? kb_buf_adds(b, (const char *)c) : KB_OK;
		xmlFree(c);
	}
	if (!rc && !b->data)
		rc = kb_buf_adds(b, "");
	kb_nodevec_free(&pt.nodes);
	return rc;
}

/* The last occurrence of needle in s, or NULL. */
static const char *last_of(const char *s, const char *needle)
{
	const char *last = NULL;
	for (const char *p = s; (p = strstr(p, needle)) != NULL; p++)
		last = p;
	return last;
}

/* Only markers that Word leaves between paragraphs (bookmarks, comment ranges, proofing) may stand between two
 * paragraphs that are joined. */
static int only_markers_between(xmlNodePtr a, xmlNodePtr b)
{
	for (xmlNodePtr c = a->next; c && c != b; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (!kb_w_is(c, "bookmarkStart") && !kb_w_is(c, "bookmarkEnd") && !kb_w_is(c, "commentRangeStart") &&
		    !kb_w_is(c, "commentRangeEnd") && !kb_w_is(c, "proofErr"))
			return 0;
	}
	return 1;
}

static int add_note(kb_template *t, const char *fmt, ...) KB_PRINTF(2, 3);
static int add_note(kb_template *t, const char *fmt, ...)
{
	char **nn = realloc(t->notes, (t->nnotes + 1) * sizeof *nn);
	if (!nn)
		return KB_ENOMEM;
	t->notes = nn;
	kb_buf b;
	kb_buf_init(&b, 4096);
	va_list ap;
	va_start(ap, fmt);
	int rc = kb_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (rc) {
		kb_buf_free(&b);
		return rc;
	}
	t->notes[t->nnotes++] = kb_buf_detach(&b);
	return KB_OK;
}

static int in_fallback(const xmlNode *n)
{
	for (; n; n = n->parent)
		if (kb_mc_is(n, "Fallback"))
			return 1;
	return 0;
}

/* Joins broken tags in paras (the part's paragraphs in document order). A paragraph joined into the one before it
 * is freed and its slot set to NULL, so the others keep the numbers the author sees in Word. */
static int join_broken_tags(kb_template *t, size_t part, kb_nodevec *paras, const delims *dl, const size_t *num,
                            const char *quiet)
{
	kb_buf cur, next, tag;
	kb_buf_init(&cur, KB_MAX_PART_BYTES);
	kb_buf_init(&next, KB_MAX_PART_BYTES);
	kb_buf_init(&tag, 4096);
	int rc = KB_OK;
	for (size_t i = 0; !rc && i < paras->n; i++) {
		xmlNodePtr p = paras->items[i];
		if (!p || (rc = paragraph_plain(&cur, p)))
			continue;
		const char *lo = last_of(cur.data, dl->open), *lc = last_of(cur.data, dl->close);
		/* an open tag at the end of the paragraph; {{=<% %>=}} is left alone */
		if (!lo || (lc && lc > lo) || lo[strlen(dl->open)] == '=')
			continue;
		/* too long to be a tag broken by Enter: the paragraph's own check reports it as not closed */
		if (strlen(lo) > KB_MAX_TAG_BYTES)
			continue;
		tag.len = 0;
		if ((rc = kb_buf_adds(&tag, lo)))
			break;
		size_t j = i + 1, found = 0;
		xmlNodePtr prev = p;
		for (; j < paras->n && j <= i + KB_MAX_JOIN_PARAGRAPHS && !rc; j++) {
			xmlNodePtr q = paras->items[j];
			if (!q || q->parent != p->parent || !only_markers_between(prev, q))
				break;
			if ((rc = paragraph_plain(&next, q)))
				break;
			const char *c = strstr(next.data, dl->close), *o = strstr(next.data, dl->open);
			if (o && (!c || o < c))
				break;
			size_t upto = c ? (size_t)(c - next.data) + strlen(dl->close) : next.len;
			if (tag.len + upto > KB_MAX_TAG_BYTES)
				break;
			rc = kb_buf_add(&tag, next.data, upto);
			prev = q;
			if (c) {
				found = j;
				break;
			}
		}
		if (rc || !found)
			continue;
		/* move the content of paragraphs i+1..found into p, in order */
		for (size_t k = i + 1; k <= found; k++) {
			xmlNodePtr q = paras->items[k];
			move_content(q->children, NULL, p);
			free_node(q);
			paras->items[k] = NULL;
		}
		if (!quiet[i])
			rc = add_note(
			    t,
			    "%s, afsnit %zu: tagget \"%s\" var delt over afsnit %zu til %zu (der er trykket Enter inde "
			    "i tagget); klarbrev har samlet det, men ret det i Word, så tagget står i ét afsnit",
			    part_label(t, part), num[i], tag.data, num[i], num[found]);
		i = found;
	}
	kb_buf_free(&cur);
	kb_buf_free(&next);
	kb_buf_free(&tag);
	return rc;
}

static int expand_partials(kb_template *t, kb_ctx *ctx, size_t part, int *bad);
static int convert_mailmerge(const kb_template *t, xmlNodePtr root);

static int compile_part(kb_template *t, kb_ctx *ctx, size_t part, int *bad)
{
	kb_nodevec paras = {0};
	xmlNodePtr root = xmlDocGetRootElement(t->parts[part].doc);
	/* declarations below the document element move up before any paragraph is split or copied */
	int rc = root ? anchor_namespaces(root) : KB_OK;
	if (!rc && root)
		rc = convert_mailmerge(t, root);
	if (!rc && root)
		rc = kb_w_paragraphs(&paras, root, 0);
	delims dl;
	snprintf(dl.open, sizeof dl.open, "%s", t->open);
	snprintf(dl.close, sizeof dl.close, "%s", t->close);
	size_t first_tag = t->ntags;
	/* paragraphs are numbered as the letter's text numbers them: the second copy of a text box is not counted */
	size_t *num = calloc(paras.n ? paras.n : 1, sizeof *num);
	char *quiet = calloc(paras.n ? paras.n : 1, 1);
	if (!num || !quiet)
		rc = KB_ENOMEM;
	kb_buf text;
	kb_buf_init(&text, KB_MAX_PART_BYTES);
	for (size_t i = 0, shown = 0; rc == KB_OK && i < paras.n; i++) {
		quiet[i] = in_fallback(paras.items[i]);
		rc = quiet[i] ? KB_OK : paragraph_plain(&text, paras.items[i]);
		int blank = 1;
		for (size_t k = 0; !quiet[i] && k < text.len && blank; k++)
			blank =
			    text.data[k] == ' ' || text.data[k] == '\t' || text.data[k] == '\n' || text.data[k] == '\r';
		num[i] = quiet[i] || blank ? shown : ++shown;
	}
	kb_buf_free(&text);
	if (rc == KB_OK)
		rc = join_broken_tags(t, part, &paras, &dl, num, quiet);
	for (size_t i = 0; rc == KB_OK && i < paras.n; i++)
		if (paras.items[i])
			rc = normalize_paragraph(t, ctx, part, paras.items[i], num[i], &dl, bad, quiet[i]);
	free(num);
	free(quiet);
	if (rc == KB_OK)
		match_sections(t, ctx, first_tag, bad);
	if (rc == KB_OK)
		rc = expand_partials(t, ctx, part, bad);
	kb_nodevec_free(&paras);
	if (rc == KB_ENOMEM)
		return kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
	return rc;
}

/* ---- opening ---- */

static int set_delims(kb_template *t, kb_ctx *ctx, const char *open, const char *close)
{
	if (!open || !*open || !close || !*close || strlen(open) > 8 || strlen(close) > 8)
		return kb_ctx_fail(ctx, KB_EUSAGE, "%s: ugyldige tag-afgrænsere", t->path);
	free(t->open);
	free(t->close);
	t->open = kb_strdup(open);
	t->close = kb_strdup(close);
	return t->open && t->close ? KB_OK : kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
}

/* "{ }" -> "{", "}" */
static int parse_delims(kb_template *t, kb_ctx *ctx, const char *spec)
{
	const char *sp = strchr(spec, ' ');
	if (!sp)
		return kb_ctx_fail(ctx, KB_EINPUT,
		                   "%s: afgrænserne \"%s\" skal være to tegnfølger med mellemrum imellem, fx \"{ }\"",
		                   t->path, spec);
	char open[16], close[16];
	size_t ol = (size_t)(sp - spec);
	const char *c = sp;
	while (*c == ' ')
		c++;
	size_t cl = strlen(c);
	if (ol == 0 || ol >= sizeof open || cl == 0 || cl >= sizeof close || strchr(c, ' '))
		return kb_ctx_fail(ctx, KB_EINPUT,
		                   "%s: afgrænserne \"%s\" skal være to tegnfølger med mellemrum imellem, fx \"{ }\"",
		                   t->path, spec);
	memcpy(open, spec, ol);
	open[ol] = '\0';
	memcpy(close, c, cl + 1);
	return set_delims(t, ctx, open, close);
}

void kb_template_free(kb_template *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nparts; i++) {
		free(t->parts[i].name);
		xmlFreeDoc(t->parts[i].doc);
	}
	free(t->parts);
	for (size_t i = 0; i < t->ntags; i++) {
		free(t->tags[i].raw);
		free(t->tags[i].name);
		free(t->tags[i].around);
		if (t->tags[i].has_expr)
			kb_expr_free(&t->tags[i].expr);
	}
	free(t->tags);
	for (size_t i = 0; i < t->nnotes; i++)
		free(t->notes[i]);
	free(t->notes);
	kb_package_free(t->pkg);
	kb_style_map_free(t->styles);
	json_decref(t->manifest);
	free(t->path);
	for (size_t i = 0; t->partials_dirs && t->partials_dirs[i]; i++)
		free(t->partials_dirs[i]);
	free(t->partials_dirs);
	free(t->partials_hint);
	free(t->title);
	free(t->open);
	free(t->close);
	free(t);
}

const char *kb_template_title(const kb_template *t)
{
	return t->title;
}

const json_t *kb_template_manifest(const kb_template *t)
{
	return t ? t->manifest : NULL;
}

/* The folders {{> name}} searches (opts->partials_dirs, else opts->partials_dir) and the hint, copied. */
static int copy_partials_dirs(kb_template *t, kb_ctx *ctx, const kb_template_options *opts)
{
	const char *one[2] = { opts->partials_dir, NULL };
	const char *const *dirs = opts->partials_dirs ? opts->partials_dirs : opts->partials_dir ? one : NULL;
	size_t n = 0;
	while (dirs && dirs[n])
		n++;
	if (n && !(t->partials_dirs = calloc(n + 1, sizeof *t->partials_dirs)))
		return kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
	for (size_t i = 0; i < n; i++)
		if (!(t->partials_dirs[i] = kb_strdup(dirs[i])))
			return kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
	if (opts->partials_hint && !(t->partials_hint = kb_strdup(opts->partials_hint)))
		return kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
	return KB_OK;
}

/* Opens and compiles a template; problems its author must fix are counted in *bad (each a detail on ctx) and do not
 * fail this call, so lint can add its own. */
static int shape_check(const kb_template *t, kb_ctx *ctx, size_t part, int *bad);

/* lint: a manifest with problems does not stop the load; its problems become notes (so lint lists them with the
 * tags' problems) and the template goes on without a manifest. */
static int template_load(kb_template **out, kb_ctx *ctx, const char *path, const kb_template_options *opts,
                         int *bad_out, int lint)
{
	*out = NULL;
	kb_template *t = calloc(1, sizeof *t);
	char *docx = NULL, *mpath = NULL;
	int rc = KB_OK, bad = 0, broken_delims = 0;
	if (!t || !(t->path = kb_strdup(path))) {
		rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
		goto done;
	}
	int folder = 0;
	if (kb_manifest_path(&mpath, &folder, path)) {
		rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
		goto done;
	}
	t->folder = folder;
	if (folder) {
		docx = kb_path_join(path, "letter.docx");
		if (!docx) {
			rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
			goto done;
		}
		struct stat st;
		if (stat(docx, &st) != 0) {
			rc = kb_ctx_fail(
			    ctx, KB_ENOTFOUND,
			    "%s: skabelonmappen har ingen letter.docx; en skabelonmappe indeholder letter.docx "
			    "og manifest.json",
			    path);
			goto done;
		}
		if (stat(mpath, &st) == 0 && (rc = kb_manifest_load(&t->manifest, ctx, mpath))) {
			if (!lint || rc != KB_EINPUT)
				goto done;
			size_t nd = kb_ctx_detail_count(ctx);
			rc = nd ? KB_OK : add_note(t, "%s", kb_ctx_errmsg(ctx));
			for (size_t i = 0; i < nd && !rc; i++)
				rc = add_note(t, "%s: %s", mpath, kb_ctx_detail(ctx, i));
			if (rc) {
				rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
				goto done;
			}
			t->manifest_broken = 1;
			/* the tags are still found with the manifest's delimiters, when it parses and they are sound */
			json_t *raw = json_load_file(mpath, JSON_REJECT_DUPLICATES, NULL);
			json_t *d = json_object_get(raw, "delimiters");
			kb_ctx *sub = NULL;
			if (json_is_string(d) && !kb_ctx_new(&sub) && !parse_delims(t, sub, json_string_value(d)))
				broken_delims = 1;
			kb_ctx_free(sub);
			json_decref(raw);
		}
	} else {
		docx = kb_strdup(path);
		if (!docx) {
			rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
			goto done;
		}
	}
	json_t *title = t->manifest ? json_object_get(t->manifest, "title") : NULL;
	if (json_is_string(title)) {
		t->title = kb_strdup(json_string_value(title));
	} else {
		const char *base = strrchr(path, '/');
		t->title = kb_strdup(base && base[1] ? base + 1 : path);
	}
	if (!t->title) {
		rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
		goto done;
	}

	if (opts && (rc = copy_partials_dirs(t, ctx, opts)))
		goto done;
	/* delimiters: the caller's choice wins over the manifest's */
	json_t *md = t->manifest ? json_object_get(t->manifest, "delimiters") : NULL;
	if (opts && opts->open_delim && opts->close_delim)
		rc = set_delims(t, ctx, opts->open_delim, opts->close_delim);
	else if (broken_delims)
		rc = KB_OK; /* set from the broken manifest above */
	else if (json_is_string(md))
		rc = parse_delims(t, ctx, json_string_value(md));
	else
		rc = set_delims(t, ctx, "{{", "}}");
	if (rc)
		goto done;

	if ((rc = kb_package_open(&t->pkg, ctx, docx)) || (rc = kb_style_map_load(&t->styles, t->pkg, ctx)))
		goto done;
	size_t nparts = 0;
	const kb_part_ref *refs = kb_package_parts(t->pkg, &nparts);
	t->parts = calloc(nparts ? nparts : 1, sizeof *t->parts);
	if (!t->parts) {
		rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
		goto done;
	}
	for (size_t i = 0; i < nparts; i++) {
		kb_letter_part *p = &t->parts[t->nparts];
		p->kind = refs[i].kind;
		p->name = kb_strdup(refs[i].name);
		if (!p->name) {
			rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
			goto done;
		}
		t->nparts++;
		if ((rc = kb_package_parse(&p->doc, t->pkg, ctx, refs[i].name)))
			goto done;
	}
	kb_ctx_clear_details(ctx);
	for (size_t i = 0; i < t->nparts; i++)
		if ((rc = compile_part(t, ctx, i, &bad)))
			goto done;
	for (size_t i = 0; i < t->ntags; i++)
		t->parts[t->tags[i].part].changed = 1;
	for (size_t i = 0; !bad && i < t->nparts; i++)
		if (t->parts[i].changed && (rc = shape_check(t, ctx, i, &bad)))
			goto done;
	*bad_out = bad;
done:
	free(docx);
	free(mpath);
	if (rc) {
		kb_template_free(t);
		return rc;
	}
	*out = t;
	return KB_OK;
}

/* ---- the section engine on a copied part ----
 *
 * Each tag of the compiled template is a marker: a w:t with the kb-tag attribute, alone in its run. Rendering
 * walks the markers of a region (the whole part, or the copies of a section's content) in document order. A
 * variable is replaced by its value. A section is cut out of the tree between its two markers and copied once per
 * item, each copy rendered with the item on the context stack:
 *  - markers in two cells of one table row: the row repeats;
 *  - markers in different rows of one table: the rows from the first to the last repeat;
 *  - otherwise the nodes between the markers' containers under their nearest common ancestor repeat: runs inside a
 *    paragraph, or whole paragraphs and tables. A container that holds nothing but its marker (a paragraph with
 *    only "{{#ydelser}}") is removed: the Mustache standalone-line rule, applied to paragraphs.
 */

#define KB_MAX_ITERATIONS    100000
#define KB_MAX_SECTION_DEPTH 100
#define KB_MAX_OUTPUT_NODES  1000000u /* XML nodes that sections may copy into one letter */

typedef struct render_state {
	const kb_template *t;
	kb_letter *l;
	kb_ctx *ctx;
	kb_scope scope;
	int bad;
	size_t iterations;
	size_t nodes_out; /* XML nodes copied by sections */
	size_t bytes_out; /* bytes of values written */
	int depth;
	int fatal; /* a limit or out of memory: stop */
	int dry;   /* the compile-time trial: every section once, no values (shape_check) */
	/* the manifest paths of the sections being rendered, outermost first (owned; NULL for a section that names no
	 * declared field, whose content resolves as outside it), so that a tag inside {{#ydelser}} finds the manifest's
	 * "ydelser.beløb", and one inside {{#udfald | eq "afslag"}}{{#bilag}} finds "bilag.titel" */
	char *sections[KB_MAX_SECTION_DEPTH + 1];
	size_t nsections;
	/* where each frame of the scope is in the case, for origins: "hjaelpemidler[2]" for the third item of
	 * {{#hjaelpemidler}}; owned, indexed like scope.frames ([0], the case itself, stays NULL) */
	char *frame_paths[KB_MAX_SECTION_DEPTH + 2];
} render_state;

static long marker_index(const xmlNode *n)
{
	if (n->type != XML_ELEMENT_NODE || !n->properties)
		return -1;
	xmlChar *v = xmlGetProp(n, (const xmlChar *)KB_TAG_ATTR);
	long idx = v ? strtol((const char *)v, NULL, 10) : -1;
	xmlFree(v);
	return idx;
}

/* Pre-order walk of one subtree, without recursion. */
static xmlNodePtr next_in(xmlNodePtr n, xmlNodePtr top)
{
	if (n->type == XML_ELEMENT_NODE && n->children)
		return n->children;
	while (n && n != top && !n->next)
		n = n->parent;
	return n && n != top ? n->next : NULL;
}

static int collect_markers(kb_nodevec *out, xmlNodePtr *nodes, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		for (xmlNodePtr c = nodes[i]; c; c = next_in(c, nodes[i])) {
			if (marker_index(c) >= 0) {
				int rc = kb_nodevec_push(out, c);
				if (rc)
					return rc;
			}
		}
	}
	return KB_OK;
}

static void free_node(xmlNodePtr n)
{
	xmlUnlinkNode(n);
	xmlFreeNode(n);
}

/* Removes a marker; its run goes too when nothing but run properties is left. */
static void remove_marker(xmlNodePtr m)
{
	xmlNodePtr r = m->parent;
	free_node(m);
	if (kb_w_is(r, "r")) {
		for (xmlNodePtr c = r->children; c; c = c->next)
			if (c->type == XML_ELEMENT_NODE && !kb_w_is(c, "rPr"))
				return;
		free_node(r);
	}
}

/* 1 when node holds nothing a reader would see but marker m (may be NULL): no text, drawing, tab, break or field;
 * another marker counts as something to see when markers_show, else it is passed over (its text is the tag's). */
static int shows_only(xmlNodePtr node, xmlNodePtr m, int markers_show)
{
	for (xmlNodePtr c = node; c; c = next_in(c, node)) {
		if (c == m || c->type != XML_ELEMENT_NODE)
			continue;
		if (marker_index(c) >= 0) {
			if (markers_show)
				return 0;
			continue;
		}
		if (kb_w_is(c, "drawing") || kb_w_is(c, "pict") || kb_w_is(c, "object") || kb_w_is(c, "sym") ||
		    kb_w_is(c, "tab") || kb_w_is(c, "br") || kb_w_is(c, "fldChar") || kb_w_is(c, "fldSimple") ||
		    kb_w_is(c, "tbl"))
			return 0;
		if (kb_w_is(c, "t")) {
			xmlChar *txt = xmlNodeGetContent(c);
			int empty = 1;
			for (const xmlChar *p = txt; p && *p; p++)
				if (*p != ' ' && *p != '\t')
					empty = 0;
			xmlFree(txt);
			if (!empty)
				return 0;
		}
	}
	return 1;
}

/* 1 when node holds nothing a reader would see except marker m: no other text, marker, drawing or field. */
static int marker_only(xmlNodePtr node, xmlNodePtr m)
{
	return shows_only(node, m, 1);
}

/* 1 when a container may be removed: not a paragraph that carries the section properties of the page. */
static int can_drop(xmlNodePtr n)
{
	if (!kb_w_is(n, "p"))
		return 1;
	xmlNodePtr ppr = kb_w_child(n, "pPr");
	return !(ppr && kb_w_child(ppr, "sectPr"));
}

/* The paragraph around node, or NULL. */
static xmlNodePtr enclosing_paragraph(xmlNodePtr n)
{
	for (xmlNodePtr a = n->parent; a; a = a->parent)
		if (kb_w_is(a, "p"))
			return a;
	return NULL;
}

/* Removes a marker that stands alone: its paragraph goes when the paragraph holds nothing else. */
static void drop_marker(xmlNodePtr m)
{
	xmlNodePtr p = enclosing_paragraph(m);
	if (p && marker_only(p, m) && can_drop(p))
		free_node(p);
	else
		remove_marker(m);
}

static xmlNodePtr lca(xmlNodePtr a, xmlNodePtr b)
{
	for (xmlNodePtr x = a; x; x = x->parent)
		for (xmlNodePtr y = b; y; y = y->parent)
			if (x == y)
				return x;
	return NULL;
}

/* The child of ancestor on the path to n. */
static xmlNodePtr child_toward(xmlNodePtr ancestor, xmlNodePtr n)
{
	while (n && n->parent != ancestor)
		n = n->parent;
	return n;
}

/* ---- Word mail merge: MERGEFIELD fields and content controls become tags before compiling ----
 *
 * Municipal templates made for Word's mail merge hold fields (w:fldSimple, or w:fldChar begin / w:instrText /
 * separate / result / end) with instructions such as
 *     MERGEFIELD Fornavn \* Upper \b "Kære " \f ","
 * and content controls (w:sdt) whose tag or title names a field. Each becomes the tag an author would have typed,
 * in the run properties of the field's result, so the rest of the engine treats them alike:
 *     {{#Fornavn}}Kære {{/Fornavn}}{{Fornavn | store}}{{#Fornavn}},{{/Fornavn}}
 */

/* Reads the next word of a field instruction: a quoted string (straight or curly quotes) or a run of non-spaces. */
static const char *instr_word(const char *p, char *out, size_t cap)
{
	while (*p == ' ' || *p == '\t')
		p++;
	size_t n = 0;
	if (*p == '"' || !strncmp(p, "\xe2\x80\x9c", 3) || !strncmp(p, "\xe2\x80\x9d", 3)) {
		p += *p == '"' ? 1 : 3;
		while (*p && *p != '"' && strncmp(p, "\xe2\x80\x9c", 3) && strncmp(p, "\xe2\x80\x9d", 3)) {
			if (n + 1 < cap)
				out[n++] = *p;
			p++;
		}
		if (*p)
			p += *p == '"' ? 1 : 3;
	} else {
		while (*p && *p != ' ' && *p != '\t') {
			if (n + 1 < cap)
				out[n++] = *p;
			p++;
		}
	}
	out[n] = '\0';
	return p;
}

/* Builds the tag text for a MERGEFIELD instruction; returns 0 when instr is not a MERGEFIELD. */
static int mergefield_tag(kb_buf *tag, const kb_template *t, const char *instr)
{
	char word[256], name[256], before[256] = "", after[256] = "", fmt[64] = "", date[64] = "";
	const char *p = instr_word(instr, word, sizeof word);
	if (strcmp(word, "MERGEFIELD") != 0)
		return 0;
	p = instr_word(p, name, sizeof name);
	if (!*name)
		return 0;
	while (*p) {
		p = instr_word(p, word, sizeof word);
		if (!strcmp(word, "\\*")) {
			p = instr_word(p, word, sizeof word);
			if (!strcmp(word, "Upper"))
				snprintf(fmt, sizeof fmt, " | store");
			else if (!strcmp(word, "Lower"))
				snprintf(fmt, sizeof fmt, " | små");
			else if (!strcmp(word, "FirstCap") || !strcmp(word, "Caps"))
				snprintf(fmt, sizeof fmt, " | stort_begyndelsesbogstav");
		} else if (!strcmp(word, "\\b")) {
			p = instr_word(p, before, sizeof before);
		} else if (!strcmp(word, "\\f")) {
			p = instr_word(p, after, sizeof after);
		} else if (!strcmp(word, "\\@")) {
			p = instr_word(p, word, sizeof word);
			/* a picture with the month's name is the long form; digits only the short one */
			snprintf(date, sizeof date, strstr(word, "MMMM") ? " | dato" : " | dato \"kort\"");
		} else if (!*word) {
			break;
		}
	}
	if (*before)
		kb_buf_printf(tag, "%s#%s%s%s%s/%s%s", t->open, name, t->close, before, t->open, name, t->close);
	kb_buf_printf(tag, "%s%s%s%s%s", t->open, name, date, fmt, t->close);
	if (*after)
		kb_buf_printf(tag, "%s#%s%s%s%s/%s%s", t->open, name, t->close, after, t->open, name, t->close);
	return tag->data != NULL;
}

/* A run with the given properties (copied; may be NULL) holding text, inserted before at. */
static xmlNodePtr tag_run_before(xmlNodePtr at, xmlNodePtr rpr, const char *text)
{
	xmlNodePtr r = xmlNewDocNode(at->doc, NULL, (const xmlChar *)"r", NULL);
	if (!r)
		return NULL;
	/* the w namespace of the document: take it from the node we stand next to */
	xmlSetNs(r, at->ns);
	if (rpr) {
		xmlNodePtr c = copy_node(rpr, at->doc);
		if (c)
			xmlAddChild(r, c);
	}
	xmlNodePtr tn = xmlNewDocNode(at->doc, at->ns, (const xmlChar *)"t", NULL);
	if (!tn || set_text(tn, text, strlen(text))) {
		xmlFreeNode(tn);
		xmlFreeNode(r);
		return NULL;
	}
	xmlAddChild(r, tn);
	xmlAddPrevSibling(at, r);
	return r;
}

/* The first run properties below n, or NULL. */
static xmlNodePtr first_rpr(xmlNodePtr n)
{
	for (xmlNodePtr c = n; c; c = next_in(c, n))
		if (kb_w_is(c, "rPr") && kb_w_is(c->parent, "r"))
			return c;
	return NULL;
}

static int fldchar_type(xmlNodePtr r, const char *type)
{
	for (xmlNodePtr c = r ? r->children : NULL; c; c = c->next) {
		if (kb_w_is(c, "fldChar")) {
			xmlChar *v = kb_w_attr(c, "fldCharType");
			int is = v && !strcmp((const char *)v, type);
			xmlFree(v);
			return is;
		}
	}
	return 0;
}

/* Complex fields in one paragraph: begin ... instrText ... [separate ... result ...] end, all sibling runs. */
static int convert_complex_fields(const kb_template *t, xmlNodePtr p)
{
	for (xmlNodePtr r = p->children; r; r = r->next) {
		if (!kb_w_is(r, "r") || !fldchar_type(r, "begin"))
			continue;
		kb_buf instr;
		kb_buf_init(&instr, 4096);
		xmlNodePtr end = NULL, result_rpr = NULL;
		int nested = 0, in_result = 0;
		for (xmlNodePtr x = r->next; x; x = x->next) {
			if (!kb_w_is(x, "r"))
				continue;
			if (fldchar_type(x, "begin"))
				nested = 1;
			if (fldchar_type(x, "end")) {
				end = x;
				break;
			}
			if (fldchar_type(x, "separate")) {
				in_result = 1;
				continue;
			}
			xmlNodePtr it = kb_w_child(x, "instrText");
			if (it && !in_result) {
				xmlChar *c = xmlNodeGetContent(it);
				if (c)
					kb_buf_adds(&instr, (const char *)c);
				xmlFree(c);
			}
			if (in_result && !result_rpr)
				result_rpr = kb_w_child(x, "rPr");
		}
		kb_buf tag;
		kb_buf_init(&tag, 4096);
		if (end && !nested && instr.data && mergefield_tag(&tag, t, instr.data)) {
			xmlNodePtr rpr = result_rpr ? result_rpr : kb_w_child(r, "rPr");
			xmlNodePtr nr = tag_run_before(r, rpr, tag.data);
			if (!nr) {
				kb_buf_free(&instr);
				kb_buf_free(&tag);
				return KB_ENOMEM;
			}
			for (xmlNodePtr x = r; x;) {
				xmlNodePtr next = x->next;
				free_node(x);
				if (x == end)
					break;
				x = next;
			}
			r = nr;
		}
		kb_buf_free(&instr);
		kb_buf_free(&tag);
	}
	return KB_OK;
}

/* 1 when s is a usable field name: letters, digits, '_', '.', '-'. */
/* 1 when s could name a field: dot-separated names, each starting with a letter or '_' and holding letters
 * (Danish too), digits, '_' and '-'. Other tools keep their own data in a control's tag: a GUID, a number, or
 * base64 ("eyJpZCI6MTJ9", "AQIDBA==") that may look like a name; a long word mixing upper case, lower case and
 * digits with no separator is taken for such data, never for a field. */
static int field_name_ok(const char *s)
{
	if (!s || !*s || strlen(s) > 200)
		return 0;
	const unsigned char *seg = (const unsigned char *)s;
	for (;;) {
		const unsigned char *e = seg;
		int upper = 0, lower = 0, digit = 0, sep = 0;
		if (!(*e >= 0x80 || (*e >= 'a' && *e <= 'z') || (*e >= 'A' && *e <= 'Z') || *e == '_'))
			return 0;
		for (; *e && *e != '.'; e++) {
			if (*e >= 'a' && *e <= 'z')
				lower = 1;
			else if (*e >= 'A' && *e <= 'Z')
				upper = 1;
			else if (*e >= '0' && *e <= '9')
				digit = 1;
			else if (*e == '_' || *e == '-')
				sep = 1;
			else if (*e < 0x80)
				return 0;
		}
		if (e - seg > 64 || (e - seg >= 16 && upper && lower && digit && !sep))
			return 0;
		if (!*e)
			return 1;
		seg = e + 1;
	}
}

static int has_text(xmlNodePtr n)
{
	for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (kb_w_is(c, "t") && c->children)
			return 1;
		if (has_text(c))
			return 1;
	}
	return 0;
}

/* Whether a content control stands for a field. Word, Google Docs and add-ins also put controls in documents for
 * their own book-keeping (Google's "goog_rdk_0" around a comment anchor, say): with a manifest only declared fields
 * count; without one, a control counts when its name could be a field and it shows some text (Word's placeholder
 * "Klik eller tryk her for at skrive tekst." counts: it is what the author sees). */
static int control_names_field(const kb_template *t, xmlNodePtr content, const char *name)
{
	if (!field_name_ok(name) || !strncmp(name, "goog_", 5))
		return 0;
	if (t->manifest && json_object_size(json_object_get(t->manifest, "fields")) > 0)
		return kb_manifest_declares(t->manifest, name);
	return has_text(content);
}

/* Empties container (keeping paragraph properties) and gives it one run with rpr (copied; may be NULL) holding
 * text. */
static int replace_with_tag(xmlNodePtr container, xmlNodePtr rpr, const char *text)
{
	for (xmlNodePtr c = container->children; c;) {
		xmlNodePtr next = c->next;
		if (!kb_w_is(c, "pPr"))
			free_node(c);
		c = next;
	}
	xmlNodePtr anchor = xmlNewDocNode(container->doc, container->ns, (const xmlChar *)"r", NULL);
	if (!anchor)
		return KB_ENOMEM;
	xmlAddChild(container, anchor);
	int rc = tag_run_before(anchor, rpr, text) ? KB_OK : KB_ENOMEM;
	free_node(anchor);
	return rc;
}

/* A content control tagged (or titled) with a field name: its content becomes the tag, and the control is
 * unwrapped so Word does not keep showing the value as placeholder text. */
static int convert_content_control(const kb_template *t, xmlNodePtr sdt)
{
	xmlNodePtr pr = kb_w_child(sdt, "sdtPr"), content = kb_w_child(sdt, "sdtContent");
	/* building blocks (a cover page, a table of contents) and controls bound to the document's own data (the
	 * cover page's date and title, w:dataBinding into customXml) belong to Word, not to the case */
	if (!pr || !content || kb_w_child(pr, "docPartObj") || kb_w_child(pr, "docPartList") ||
	    kb_w_child(pr, "dataBinding"))
		return KB_OK;
	for (xmlNodePtr c = pr->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, "checkbox"))
			return KB_OK;
	xmlNodePtr tg = kb_w_child(pr, "tag"), al = kb_w_child(pr, "alias");
	xmlChar *name = tg ? kb_w_attr(tg, "val") : NULL;
	if (!control_names_field(t, content, (const char *)name)) {
		xmlFree(name);
		name = al ? kb_w_attr(al, "val") : NULL;
	}
	if (!control_names_field(t, content, (const char *)name)) {
		xmlFree(name);
		return KB_OK;
	}
	kb_buf tag;
	kb_buf_init(&tag, 4096);
	int rc = kb_buf_printf(&tag, "%s%s%s", t->open, (const char *)name, t->close);
	xmlFree(name);
	/* the content's first run formatting, copied before the content goes */
	xmlNodePtr rpr = first_rpr(content);
	xmlNodePtr rpr_copy = rpr ? copy_node(rpr, sdt->doc) : NULL;
	xmlNodePtr firstp = kb_w_child(content, "p");
	if (rpr && !rpr_copy)
		rc = KB_ENOMEM;
	if (!rc && firstp) {
		/* block-level: the first paragraph keeps its properties and gets the tag; the others go */
		for (xmlNodePtr c = content->children; c;) {
			xmlNodePtr next = c->next;
			if (c != firstp && kb_w_is(c, "p"))
				free_node(c);
			c = next;
		}
		rc = replace_with_tag(firstp, rpr_copy, tag.data);
	} else if (!rc) {
		rc = replace_with_tag(content, rpr_copy, tag.data);
	}
	xmlFreeNode(rpr_copy);
	kb_buf_free(&tag);
	if (rc)
		return rc;
	/* unwrap: the content takes the control's place */
	for (xmlNodePtr c = content->children; c;) {
		xmlNodePtr next = c->next;
		xmlUnlinkNode(c);
		xmlAddPrevSibling(sdt, c);
		c = next;
	}
	free_node(sdt);
	return KB_OK;
}

static int convert_mailmerge(const kb_template *t, xmlNodePtr root)
{
	kb_nodevec simple = {0}, sdts = {0}, paras = {0};
	int rc = KB_OK;
	for (xmlNodePtr c = root; c && !rc; c = next_in(c, root)) {
		if (kb_w_is(c, "fldSimple"))
			rc = kb_nodevec_push(&simple, c);
		else if (kb_w_is(c, "sdt"))
			rc = kb_nodevec_push(&sdts, c);
		else if (kb_w_is(c, "p"))
			rc = kb_nodevec_push(&paras, c);
	}
	for (size_t i = 0; !rc && i < simple.n; i++) {
		xmlNodePtr f = simple.items[i];
		xmlChar *instr = kb_w_attr(f, "instr");
		kb_buf tag;
		kb_buf_init(&tag, 4096);
		if (instr && mergefield_tag(&tag, t, (const char *)instr)) {
			if (!tag_run_before(f, first_rpr(f), tag.data))
				rc = KB_ENOMEM;
			else
				free_node(f);
		}
		xmlFree(instr);
		kb_buf_free(&tag);
	}
	for (size_t i = 0; !rc && i < paras.n; i++)
		rc = convert_complex_fields(t, paras.items[i]);
	/* innermost controls first: a control inside another is converted before its parent is unwrapped */
	for (size_t i = sdts.n; !rc && i-- > 0;)
		rc = convert_content_control(t, sdts.items[i]);
	kb_nodevec_free(&simple);
	kb_nodevec_free(&sdts);
	kb_nodevec_free(&paras);
	return rc;
}

/* ---- partials: standard paragraphs, expanded when the template is compiled ----
 *
 * {{> klagevejledning/ankestyrelsen}} alone in a paragraph is replaced by the paragraphs of
 * <partials>/klagevejledning/ankestyrelsen.docx (with their formatting) or .txt (a paragraph per block of lines,
 * in the style of the tag's paragraph). Tags inside a partial are compiled with the template, so a partial can use
 * the case's fields and sections. Every text node from a partial carries kb-origin="partial:<name>" until the
 * letter is rendered, so findings can say the text is in the standard paragraph.
 */

#define KB_MAX_PARTIALS 200

static int mark_origin(xmlNodePtr top, const char *origin)
{
	for (xmlNodePtr c = top; c; c = next_in(c, top))
		if (kb_w_is(c, "t") && !xmlSetProp(c, (const xmlChar *)KB_ORIGIN_ATTR, (const xmlChar *)origin))
			return KB_ENOMEM;
	return KB_OK;
}

/* Appends text to run r as w:t pieces with w:br for line breaks. */
static int append_lines(xmlNodePtr r, const char *s, size_t n)
{
	size_t i = 0;
	while (i <= n) {
		size_t j = i;
		while (j < n && s[j] != '\n')
			j++;
		xmlNodePtr tn = xmlNewDocNode(r->doc, r->ns, (const xmlChar *)"t", NULL);
		if (!tn || set_text(tn, s + i, j - i)) {
			xmlFreeNode(tn);
			return KB_ENOMEM;
		}
		xmlAddChild(r, tn);
		if (j >= n)
			break;
		xmlNodePtr br = xmlNewDocNode(r->doc, r->ns, (const xmlChar *)"br", NULL);
		if (!br)
			return KB_ENOMEM;
		xmlAddChild(r, br);
		i = j + 1;
	}
	return KB_OK;
}

/* A new paragraph before p with p's paragraph properties (no section break) and one run with rpr, holding text. */
static xmlNodePtr text_paragraph_before(xmlNodePtr p, xmlNodePtr rpr, const char *text, size_t n)
{
	xmlNodePtr np = paragraph_like(p, 0);
	xmlNodePtr r = np ? xmlNewDocNode(p->doc, p->ns, (const xmlChar *)"r", NULL) : NULL;
	if (!r) {
		xmlFreeNode(np);
		return NULL;
	}
	if (rpr) {
		xmlNodePtr cr = copy_node(rpr, p->doc);
		if (cr)
			xmlAddChild(r, cr);
	}
	xmlAddChild(np, r);
	if (append_lines(r, text, n)) {
		xmlFreeNode(np);
		return NULL;
	}
	xmlAddPrevSibling(p, np);
	return np;
}

/* Reads a partial, found in the template's partials folders: *docx is the parsed main part of name.docx, or *text
 * the content of name.txt (the first folder that has either wins; .docx before .txt in one folder). */
static int load_partial(xmlDocPtr *docx, char **text, size_t *len, kb_ctx *ctx, const kb_template *t, const char *name)
{
	static const char *const exts[] = { ".docx", ".txt", NULL };
	*docx = NULL;
	*text = NULL;
	char *path = NULL;
	int rc = kb_partial_find(&path, ctx, (const char *const *)t->partials_dirs, name, exts, t->partials_hint);
	size_t pl = path ? strlen(path) : 0;
	if (!rc && pl > 5 && !strcmp(path + pl - 5, ".docx")) {
		kb_package *pkg = NULL;
		rc = kb_package_open(&pkg, ctx, path);
		if (!rc)
			rc = kb_package_parse(docx, pkg, ctx, kb_package_main_part(pkg));
		kb_package_free(pkg);
	} else if (!rc) {
		rc = kb_read_file(text, len, ctx, path, KB_MAX_CASE_BYTES);
	}
	free(path);
	return rc;
}

/* Replaces one partial marker. New paragraphs that may hold tags are added to fresh. */
static int expand_one(kb_template *t, kb_ctx *ctx, xmlNodePtr m, const tpl_tag *tag, kb_nodevec *fresh, int *bad)
{
	xmlDocPtr pdoc = NULL;
	char *text = NULL;
	size_t len = 0;
	kb_ctx *sub = NULL;
	int rc = kb_ctx_new(&sub);
	if (rc)
		return rc;
	rc = load_partial(&pdoc, &text, &len, sub, t, tag->name);
	if (rc) {
		tag_problem(ctx, t, tag, "%s: delskabelonen \"%s\" kan ikke indsættes: %s", tag->raw, tag->name,
		            kb_ctx_errmsg(sub));
		(*bad)++;
		kb_ctx_free(sub);
		remove_marker(m);
		return rc == KB_ENOMEM ? rc : KB_OK;
	}
	kb_ctx_free(sub);
	kb_buf origin;
	kb_buf_init(&origin, 4096);
	rc = kb_buf_printf(&origin, "partial:%s", tag->name);
	xmlNodePtr p = enclosing_paragraph(m);
	int standalone = p && marker_only(p, m) && can_drop(p);
	xmlNodePtr rpr = m->parent ? kb_w_child(m->parent, "rPr") : NULL;
	if (!rc && pdoc) {
		xmlNodePtr root = xmlDocGetRootElement(pdoc);
		xmlNodePtr body = root ? kb_w_child(root, "body") : NULL;
		if (standalone) {
			for (xmlNodePtr c = body ? body->children : NULL; c && !rc; c = c->next) {
				if (c->type != XML_ELEMENT_NODE || kb_w_is(c, "sectPr"))
					continue;
				xmlNodePtr cp = copy_node(c, p->doc);
				if (!cp) {
					rc = KB_ENOMEM;
					break;
				}
				xmlAddPrevSibling(p, cp);
				rc = mark_origin(cp, origin.data);
				if (!rc)
					rc = kb_w_paragraphs(fresh, cp, 0);
			}
		} else {
			/* inline: the partial's text, paragraphs separated by line breaks */
			kb_nodevec ps = {0};
			kb_buf all;
			kb_buf_init(&all, KB_MAX_PART_BYTES);
			rc = body ? kb_w_paragraphs(&ps, body, 1) : KB_OK;
			for (size_t i = 0; !rc && i < ps.n; i++) {
				xmlChar *c = xmlNodeGetContent(ps.items[i]);
				if (i)
					kb_buf_addc(&all, '\n');
				if (c)
					rc = kb_buf_adds(&all, (const char *)c);
				xmlFree(c);
			}
			text = kb_buf_detach(&all);
			len = text ? strlen(text) : 0;
			kb_nodevec_free(&ps);
		}
	}
	if (!rc && text) {
		if (standalone) {
			/* a paragraph per block of lines; blank lines separate them */
			size_t i = 0;
			while (!rc && i < len) {
				while (i < len && (text[i] == '\n' || text[i] == '\r'))
					i++;
				size_t j = i;
				while (j < len && !(text[j] == '\n' &&
				                    (j + 1 >= len || text[j + 1] == '\n' ||
				                     (text[j + 1] == '\r' && j + 2 < len && text[j + 2] == '\n'))))
					j++;
				if (j > i) {
					/* drop carriage returns by copying the block */
					char *blk = malloc(j - i + 1);
					size_t bn = 0;
					for (size_t k = i; blk && k < j; k++)
						if (text[k] != '\r')
							blk[bn++] = text[k];
					xmlNodePtr np = blk ? text_paragraph_before(p, rpr, blk, bn) : NULL;
					free(blk);
					if (!np)
						rc = KB_ENOMEM;
					else if (!(rc = mark_origin(np, origin.data)))
						rc = kb_nodevec_push(fresh, np);
				}
				i = j + 1;
			}
		} else {
			if (strstr(text, t->open)) {
				tag_problem(ctx, t, tag,
				            "%s: delskabelonen bruger tags; sæt %s i et afsnit for sig selv", tag->raw,
				            tag->raw);
				(*bad)++;
			}
			xmlNodePtr r = m->parent;
			xmlUnsetProp(m, (const xmlChar *)KB_TAG_ATTR);
			if (kb_w_is(r, "r")) {
				xmlNodePtr holder = xmlNewDocNode(r->doc, r->ns, (const xmlChar *)"r", NULL);
				if (!holder || append_lines(holder, text, len))
					rc = KB_ENOMEM;
				for (xmlNodePtr c = holder ? holder->children : NULL; !rc && c;) {
					xmlNodePtr next = c->next;
					xmlUnlinkNode(c);
					xmlAddPrevSibling(m, c);
					if (kb_w_is(c, "t"))
						xmlSetProp(c, (const xmlChar *)KB_ORIGIN_ATTR,
						           (const xmlChar *)origin.data);
					c = next;
				}
				xmlFreeNode(holder);
			}
			free_node(m);
			m = NULL;
		}
	}
	if (m && standalone)
		free_node(p);
	else if (m && !rc)
		remove_marker(m);
	xmlFreeDoc(pdoc);
	free(text);
	kb_buf_free(&origin);
	return rc;
}

static int expand_partials(kb_template *t, kb_ctx *ctx, size_t part, int *bad)
{
	int rc = KB_OK;
	size_t expansions = 0;
	xmlNodePtr root = xmlDocGetRootElement(t->parts[part].doc);
	for (int round = 0; root && !rc; round++) {
		kb_nodevec marks = {0}, fresh = {0};
		rc = collect_markers(&marks, &root, 1);
		size_t found = 0;
		for (size_t i = 0; !rc && i < marks.n; i++) {
			long idx = marker_index(marks.items[i]);
			if (idx < 0 || t->tags[idx].kind != TAG_PARTIAL)
				continue;
			found++;
			const tpl_tag *tag = &t->tags[idx];
			if (++expansions > KB_MAX_PARTIALS || round > 20) {
				tag_problem(ctx, t, tag,
				            "%s: delskabelonerne indsætter hinanden i ring eller mere end %d gange",
				            tag->raw, KB_MAX_PARTIALS);
				(*bad)++;
				remove_marker(marks.items[i]);
				continue;
			}
			/* normalize_paragraph() below adds the partial's tags and may move t->tags: tag is not used
			 * after expand_one() */
			size_t para = tag->paragraph;
			int quiet = tag->quiet;
			size_t before = fresh.n;
			rc = expand_one(t, ctx, marks.items[i], tag, &fresh, bad);
			tag = NULL;
			/* compile the new paragraphs: partials start with the default delimiters */
			delims dl;
			snprintf(dl.open, sizeof dl.open, "%s", t->open);
			snprintf(dl.close, sizeof dl.close, "%s", t->close);
			size_t first_tag = t->ntags;
			for (size_t k = before; !rc && k < fresh.n; k++)
				rc = normalize_paragraph(t, ctx, part, fresh.items[k], para, &dl, bad, quiet);
			if (!rc)
				match_sections(t, ctx, first_tag, bad);
		}
		kb_nodevec_free(&marks);
		kb_nodevec_free(&fresh);
		if (!found)
			break;
	}
	return rc;
}

int kb_template_open(kb_template **out, kb_ctx *ctx, const char *path, const kb_template_options *opts)
{
	return kb_template_compile(out, ctx, path, opts);
}

int kb_template_compile(kb_template **out, kb_ctx *ctx, const char *path, const kb_template_options *opts)
{
	int bad = 0;
	int rc = template_load(out, ctx, path, opts, &bad, 0);
	if (rc == KB_OK && bad) {
		kb_template_free(*out);
		*out = NULL;
		return kb_ctx_fail_keep(ctx, KB_ETEMPLATE, "%s: skabelonen har %d fejl, som skal rettes i Word", path,
		                        bad);
	}
	return rc;
}

/* The tags of the template in document order (parts in order; within a paragraph the tags were registered right
 * to left). Caller frees. */
static size_t *tags_in_order(const kb_template *t)
{
	size_t *order = malloc((t->ntags ? t->ntags : 1) * sizeof *order);
	if (!order)
		return NULL;
	size_t k = 0;
	for (size_t i = 0; i < t->ntags;) {
		size_t j = i;
		while (j < t->ntags && t->tags[j].seq == t->tags[i].seq)
			j++;
		for (size_t m = j; m-- > i;)
			order[k++] = m;
		i = j;
	}
	return order;
}

/* The full path of a field used inside a section whose manifest path is in (NULL: outside every section):
 * "ydelser.beløb" for {{beløb}} inside {{#ydelser}}. */
static void full_path(kb_buf *b, const char *in, const char *path)
{
	b->len = 0;
	if (in) {
		kb_buf_adds(b, in);
		kb_buf_addc(b, '.');
	}
	kb_buf_adds(b, path);
}

int kb_template_lint(kb_ctx *ctx, const char *path, const kb_template_options *opts)
{
	return kb_template_lint_manifest(ctx, path, opts, NULL);
}

int kb_template_lint_manifest(kb_ctx *ctx, const char *path, const kb_template_options *opts,
                              kb_manifest_state *manifest)
{
	kb_template *t = NULL;
	int bad = 0;
	kb_ctx_clear(ctx);
	int rc = template_load(&t, ctx, path, opts, &bad, 1);
	if (rc)
		return rc;
	if (manifest)
		*manifest = t->manifest         ? KB_MANIFEST_OK
		            : t->manifest_broken ? KB_MANIFEST_BROKEN
		            : t->folder          ? KB_MANIFEST_NONE
		                                 : KB_MANIFEST_DOCX_ONLY;
	size_t *order = tags_in_order(t);
	/* each open section's manifest path (as its own tag resolved), so a tag inside resolves as Mustache looks it
	 * up: the innermost section's item, then outwards, then the case; NULL where a section names no declared field */
	char **stack = calloc(t->ntags ? t->ntags : 1, sizeof *stack);
	size_t depth = 0;
	kb_buf fp;
	kb_buf_init(&fp, 65536);
	if (!order || !stack) {
		rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
		goto done;
	}
	for (size_t i = 0; i < t->nnotes; i++) {
		kb_ctx_add_detail(ctx, "%s", t->notes[i]);
		bad++;
	}
	json_t *declared = t->manifest ? json_object_get(t->manifest, "fields") : NULL;
	for (size_t k = 0; k < t->ntags; k++) {
		const tpl_tag *tag = &t->tags[order[k]];
		if (tag->quiet)
			continue;
		if (tag->kind == TAG_CLOSE) {
			if (depth) {
				free(stack[--depth]);
				stack[depth] = NULL;
			}
			continue;
		}
		if (tag->quiet || !tag->has_expr ||
		    (tag->kind != TAG_VAR && tag->kind != TAG_SECTION && tag->kind != TAG_INVERTED))
			continue;
		const char *p = tag->expr.path;
		if (declared && strcmp(p, ".") != 0) {
			/* a name inside a section may be the item's field or, by Mustache's rules, any outer field */
			int found = 0;
			for (size_t d = depth + 1; d-- > 0 && !found;) {
				if (d && !stack[d - 1])
					continue;
				full_path(&fp, d ? stack[d - 1] : NULL, p);
				found = fp.data && kb_manifest_declares(t->manifest, fp.data);
			}
			if (found && (tag->kind == TAG_SECTION || tag->kind == TAG_INVERTED)) {
				char *own = kb_strdup(fp.data);
				if (!own) {
					rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
					goto done;
				}
				stack[depth++] = own;
				continue;
			}
			if (!found) {
				const char *in = NULL;
				for (size_t d = depth; d-- > 0 && !in;)
					in = stack[d];
				full_path(&fp, in, p);
				/* a typo of a declared name: the full name in the section, or the name as written */
				char *near = kb_manifest_nearest(t->manifest, fp.data ? fp.data : p);
				if (!near && depth)
					near = kb_manifest_nearest(t->manifest, p);
				if (near)
					tag_problem(ctx, t, tag,
					            "%s: feltet \"%s\" står ikke i manifest.json; mente du \"%s\"? Ret "
					            "tagget, eller tilføj feltet under \"fields\" med type og beskrivelse",
					            tag->raw, fp.data ? fp.data : p, near);
				else
					tag_problem(ctx, t, tag,
					            "%s: feltet \"%s\" står ikke i manifest.json; tilføj det under "
					            "\"fields\" med type og beskrivelse",
					            tag->raw, fp.data ? fp.data : p);
				free(near);
				bad++;
			}
		}
		if (tag->kind == TAG_VAR && tag->after == '.') {
			/* "{{beløb | kr}}." gives "500,00 kr.." in every letter: the value already ends the sentence */
			const kb_expr_fmt *last = NULL;
			for (size_t i = tag->expr.nfmts; i-- > 0 && !last;) {
				const char *fn = tag->expr.fmts[i].name;
				if (strcmp(fn, "store") != 0 && strcmp(fn, "små") != 0 &&
				    strcmp(fn, "stort_begyndelsesbogstav") != 0)
					last = &tag->expr.fmts[i];
			}
			const char *arg = last && last->nargs ? last->args[0] : "";
			if (last && !strcmp(last->name, "kr"))
				tag_problem(ctx, t, tag,
				            "advarsel: %s: formateringen kr slutter selv med »kr.«, så punktummet efter tagget "
				            "giver »kr..« i brevet; slet punktummet efter tagget",
				            tag->raw);
			else if (last && !strcmp(last->name, "standard") && *arg && arg[strlen(arg) - 1] == '.')
				tag_problem(ctx, t, tag,
				            "advarsel: %s: teksten \"%s\" slutter med punktum, så punktummet efter tagget "
				            "giver to punktummer i brevet, når feltet mangler; slet det ene",
				            tag->raw, arg);
		}
		if (tag->kind == TAG_SECTION || tag->kind == TAG_INVERTED) {
			/* a section that names no declared field ({{#.}}, or reported above): its content resolves as the
			 * section around it does */
			char *outer = depth && stack[depth - 1] ? kb_strdup(stack[depth - 1]) : NULL;
			if (depth && stack[depth - 1] && !outer) {
				rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
				goto done;
			}
			stack[depth++] = outer;
		}
	}
	if (bad)
		rc = kb_ctx_fail_keep(ctx, KB_ETEMPLATE, "%s: skabelonen har %d fejl, som skal rettes", path, bad);
done:
	kb_buf_free(&fp);
	free(order);
	while (stack && depth)
		free(stack[--depth]);
	free(stack);
	kb_template_free(t);
	return rc;
}

/* Sets a dotted path in obj to v (a new reference, stolen), creating objects on the way; keeps what is there. */
/* A field used twice (a list section in two places, with other fields in each): the skeleton holds what both
 * uses need. Objects and the items of lists of objects are merged key by key; a richer shape (a list or an object)
 * wins over a yes/no or a text placeholder; otherwise the first use stands. Takes v's reference. */
static void skeleton_merge(json_t *obj, const char *key, json_t *have, json_t *v)
{
	if (json_is_object(have) && json_is_object(v)) {
		const char *k;
		json_t *x;
		json_object_foreach(v, k, x)
		{
			json_t *h = json_object_get(have, k);
			if (h)
				skeleton_merge(have, k, h, json_incref(x));
			else
				json_object_set(have, k, x);
		}
	} else if (json_is_array(have) && json_is_array(v)) {
		json_t *hi = json_array_get(have, 0), *vi = json_array_get(v, 0);
		if (!hi && vi)
			json_array_append(have, vi);
		else if (json_is_object(hi) && json_is_object(vi))
			skeleton_merge(NULL, NULL, hi, json_incref(vi));
		else if (!json_is_object(hi) && json_is_object(vi))
			json_array_set(have, 0, vi);
	} else if (obj && !json_is_array(have) && !json_is_object(have) && (json_is_array(v) || json_is_object(v))) {
		json_object_set(obj, key, v);
	}
	json_decref(v);
}

static json_t *skeleton_set(json_t *obj, const char *path, json_t *v)
{
	const char *dot;
	while ((dot = strchr(path, '.')) != NULL && dot != path) {
		json_t *next = json_object_getn(obj, path, (size_t)(dot - path));
		if (!next) {
			next = json_object();
			if (!next || json_object_setn_new(obj, path, (size_t)(dot - path), next)) {
				json_decref(v);
				return NULL;
			}
		}
		if (!json_is_object(next)) {
			json_decref(v);
			return NULL;
		}
		obj = next;
		path = dot + 1;
	}
	json_t *have = json_object_get(obj, path);
	if (have) {
		skeleton_merge(obj, path, have, v);
		return json_object_get(obj, path);
	}
	if (json_object_set_new(obj, path, v))
		return NULL;
	return v;
}

/* A placeholder for a field of the manifest's type. */
static json_t *placeholder(const json_t *manifest, const char *path)
{
	const char *type = json_string_value(json_object_get(kb_manifest_field(manifest, path), "type"));
	if (type && (!strcmp(type, "amount") || !strcmp(type, "number")))
		return json_integer(0);
	if (type && !strcmp(type, "bool"))
		return json_false();
	return json_string("");
}

/* ---- the skeleton from the manifest ----
 *
 * With a manifest, the skeleton has the manifest's shapes and types, never a guess from how the tags nest: a group
 * is an object, a bool true, a list with items a list of one item, and every value a typed example (texts hold the
 * field's label, so the letter filled from the skeleton shows where each field lands). Fields come in the order
 * the template first uses them; declared fields the template does not use (a required field only the checks
 * read) follow in the manifest's order, so the skeleton passes the case check as it is. The guide lists each
 * field with its label, type and description, for the person who fills the case in. */

typedef struct skel {
	kb_buf *guide; /* NULL: no guide wanted */
	int oom;
} skel;

static const json_t *skel_items(const json_t *f)
{
	const json_t *items = json_object_get(f, "items");
	const char *type = json_string_value(json_object_get(f, "type"));
	return json_is_object(items) && type && !strcmp(type, "list") ? items : NULL;
}

/* The value at a dotted key in obj, or NULL. */
static json_t *skel_get(json_t *obj, const char *key)
{
	const char *dot;
	while (obj && (dot = strchr(key, '.')) != NULL) {
		obj = json_object_getn(obj, key, (size_t)(dot - key));
		if (!json_is_object(obj))
			return NULL;
		key = dot + 1;
	}
	return obj ? json_object_get(obj, key) : NULL;
}

/* A typed example for a declared field: what the case check accepts and the formatters can print. */
static json_t *skel_example(const json_t *f, const char *key)
{
	const char *type = json_string_value(json_object_get(f, "type"));
	const char *label = json_string_value(json_object_get(f, "label"));
	const char *last = strrchr(key, '.');
	const char *text = label && *label ? label : last ? last + 1 : key;
	if (!type)
		return json_string(text);
	if (!strcmp(type, "date"))
		return json_string("2026-11-28");
	if (!strcmp(type, "cpr"))
		return json_string("0101901234");
	if (!strcmp(type, "amount"))
		return json_real(12345.5);
	if (!strcmp(type, "number"))
		return json_integer(3);
	if (!strcmp(type, "bool"))
		return json_true();
	if (!strcmp(type, "choice")) {
		const char *first = json_string_value(json_array_get(json_object_get(f, "values"), 0));
		return json_string(first ? first : text);
	}
	if (!strcmp(type, "list"))
		return skel_items(f) ? json_pack("[{}]") : json_pack("[s]", text);
	return json_string(text);
}

/* One line of the guide: "  ydelser[0].beløb: Beløb pr. måned (beløb, skal udfyldes). Beskrivelse". */
static void skel_guide(skel *s, const json_t *f, const char *shown, const char *key)
{
	if (!s->guide)
		return;
	static const char *const types[][2] = {
	    {"text", "tekst"},   {"name", "navn"},         {"address", "adresse"},
	    {"cpr", "CPR-nummer"}, {"date", "dato ÅÅÅÅ-MM-DD"}, {"amount", "beløb, et tal med punktum før ører"},
	    {"number", "tal"},   {"bool", "true eller false"}, {"list", "liste"},
	    {"choice", "én af de tilladte værdier"}};
	const char *type = json_string_value(json_object_get(f, "type"));
	const char *tw = type ? type : "?";
	for (size_t i = 0; type && i < sizeof types / sizeof types[0]; i++)
		if (!strcmp(types[i][0], type))
			tw = types[i][1];
	const char *label = json_string_value(json_object_get(f, "label"));
	const char *desc = json_string_value(json_object_get(f, "description"));
	int rc = kb_buf_printf(s->guide, "  %s%s%s: %s (%s, %s)", shown, *shown ? "." : "", key,
	                       label ? label : "(ingen label i manifestet)", tw,
	                       json_is_true(json_object_get(f, "required")) ? "skal udfyldes" : "kan udelades");
	if (!rc && type && !strcmp(type, "choice")) {
		size_t i;
		json_t *v;
		rc = kb_buf_adds(s->guide, ": ");
		json_array_foreach(json_object_get(f, "values"), i, v)
		{
			if (!rc)
				rc = kb_buf_printf(s->guide, "%s\"%s\"", i ? ", " : "",
				                   json_string_value(v) ? json_string_value(v) : "");
		}
	}
	if (!rc && desc && *desc)
		rc = kb_buf_printf(s->guide, ". %s", desc);
	if (!rc)
		rc = kb_buf_addc(s->guide, '\n');
	if (rc)
		s->oom = 1;
}

/* Puts the example of field f at the dotted key in obj unless something is there; returns what is there. */
static json_t *skel_leaf(skel *s, const json_t *f, json_t *obj, const char *shown, const char *key)
{
	json_t *have = skel_get(obj, key);
	if (have)
		return have;
	const char *dot;
	const char *k = key;
	while ((dot = strchr(k, '.')) != NULL) {
		json_t *next = json_object_getn(obj, k, (size_t)(dot - k));
		if (!next) {
			next = json_object();
			if (!next || json_object_setn_new(obj, k, (size_t)(dot - k), next)) {
				s->oom = 1;
				return NULL;
			}
		}
		if (!json_is_object(next))
			return NULL;
		obj = next;
		k = dot + 1;
	}
	json_t *v = skel_example(f, key);
	if (!v || json_object_set_new(obj, k, v)) {
		s->oom = 1;
		return NULL;
	}
	skel_guide(s, f, shown, key);
	return v;
}

/* The case path of a list's first item for the guide: "ydelser[0]", "sag.ydelser[0]". */
static char *skel_shown(const char *shown, const char *key, size_t n)
{
	kb_buf b;
	kb_buf_init(&b, 65536);
	if ((*shown && (kb_buf_adds(&b, shown) || kb_buf_addc(&b, '.'))) || kb_buf_add(&b, key, n) ||
	    kb_buf_adds(&b, "[0]")) {
		kb_buf_free(&b);
		return NULL;
	}
	return kb_buf_detach(&b);
}

/* Adds what the declared path (a field, a field of a list's items named through the list, or a group of fields)
 * needs to obj, in the manifest's shape. fields: the declarations at obj's level. */
static void skel_add(skel *s, const json_t *fields, json_t *obj, const char *shown, const char *path, int depth)
{
	if (depth > KB_MANIFEST_MAX_DEPTH || s->oom)
		return;
	const json_t *f = json_object_get(fields, path);
	if (json_is_object(f)) {
		skel_leaf(s, f, obj, shown, path);
		return;
	}
	for (const char *dot = strchr(path, '.'); dot; dot = strchr(dot + 1, '.')) {
		size_t n = (size_t)(dot - path);
		const json_t *lf = json_object_getn(fields, path, n);
		const json_t *items = skel_items(lf);
		if (!items)
			continue;
		char *key = kb_strndup(path, n), *sub = skel_shown(shown, path, n);
		json_t *list = key && sub ? skel_leaf(s, lf, obj, shown, key) : NULL;
		json_t *item = json_array_get(list, 0);
		if (!key || !sub)
			s->oom = 1;
		else if (json_is_object(item))
			skel_add(s, items, item, sub, dot + 1, depth + 1);
		free(key);
		free(sub);
		return;
	}
	/* a group ({{#modtager}}, {{#partsrepræsentant}}): an object, where its fields will go */
	if (!skel_get(obj, path)) {
		json_t *g = json_object();
		const char *dot;
		const char *k = path;
		json_t *at = obj;
		while (g && at && (dot = strchr(k, '.')) != NULL) {
			json_t *next = json_object_getn(at, k, (size_t)(dot - k));
			if (!next && (!(next = json_object()) || json_object_setn_new(at, k, (size_t)(dot - k), next)))
				s->oom = 1;
			at = json_is_object(next) ? next : NULL;
			k = dot + 1;
		}
		if (g && at && json_object_set_new(at, k, g))
			s->oom = 1;
		else if (g && !at)
			json_decref(g);
		if (!g)
			s->oom = 1;
	}
}

/* Adds every declared field that is not there yet, in the manifest's order, into list items too. */
static void skel_fill(skel *s, const json_t *fields, json_t *obj, const char *shown, int depth)
{
	const char *key;
	json_t *f;
	if (depth > KB_MANIFEST_MAX_DEPTH)
		return;
	json_object_foreach((json_t *)fields, key, f)
	{
		if (!json_is_object(f) || s->oom)
			continue;
		json_t *v = skel_leaf(s, f, obj, shown, key);
		const json_t *items = skel_items(f);
		if (items && json_is_object(json_array_get(v, 0))) {
			char *sub = skel_shown(shown, key, strlen(key));
			if (!sub)
				s->oom = 1;
			else
				skel_fill(s, items, json_array_get(v, 0), sub, depth + 1);
			free(sub);
		}
	}
}

/* A field the template uses outside any declared section but the manifest does not declare (a tag in a partial the
 * author added later, say): in the skeleton as "" so the case has a place for it, and in the guide with a word on
 * where to describe it. Lint reports it as a problem; the skeleton does not hide it. */
static void skel_undeclared(skel *s, json_t *root, const char *path)
{
	if (skel_get(root, path))
		return;
	json_t *f = json_pack("{s:s, s:s}", "type", "text", "label", "står ikke i manifest.json; beskriv feltet dér");
	json_t *v = f ? skel_leaf(s, f, root, "", path) : NULL;
	if (!f || (json_is_string(v) && json_string_set(v, "")))
		s->oom = 1;
	json_decref(f);
}

/* The skeleton from the manifest (see above); *guide gets the guide when guide is not NULL. */
static int skeleton_from_manifest(json_t **out, kb_buf *guide, kb_ctx *ctx, const kb_template *t)
{
	const json_t *fields = json_object_get(t->manifest, "fields");
	size_t *order = tags_in_order(t);
	char **stack = calloc(t->ntags + 1, sizeof *stack);
	json_t *root = json_object();
	kb_buf fp;
	kb_buf_init(&fp, 65536);
	skel s = {.guide = guide};
	int rc = KB_OK;
	size_t depth = 0;
	*out = NULL;
	if (!order || !stack || !root) {
		rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
		goto done;
	}
	for (size_t k = 0; k < t->ntags && !s.oom; k++) {
		const tpl_tag *tag = &t->tags[order[k]];
		if (tag->quiet)
			continue;
		if (tag->kind == TAG_CLOSE) {
			if (depth)
				free(stack[--depth]);
			continue;
		}
		if (!tag->has_expr || (tag->kind != TAG_VAR && tag->kind != TAG_SECTION && tag->kind != TAG_INVERTED))
			continue;
		const char *p = tag->expr.path;
		int found = 0;
		if (strcmp(p, ".") != 0) {
			/* as lint resolves it: the innermost section's path in front first, then outwards */
			for (size_t d = depth + 1; d-- > 0 && !found;) {
				fp.len = 0;
				if (d && stack[d - 1] && (kb_buf_adds(&fp, stack[d - 1]) || kb_buf_addc(&fp, '.')))
					s.oom = 1;
				if (kb_buf_adds(&fp, p))
					s.oom = 1;
				found = !s.oom && kb_manifest_declares(t->manifest, fp.data);
			}
		}
		if (found)
			skel_add(&s, fields, root, "", fp.data, 0);
		else if (strcmp(p, ".") != 0 && (!depth || !stack[depth - 1]))
			skel_undeclared(&s, root, p);
		if (tag->kind == TAG_SECTION || tag->kind == TAG_INVERTED) {
			/* a section that names no declared field keeps the outer path, so its content resolves as there */
			const char *keep = found ? fp.data : depth && stack[depth - 1] ? stack[depth - 1] : NULL;
			stack[depth] = keep ? kb_strdup(keep) : NULL;
			if (keep && !stack[depth])
				s.oom = 1;
			depth++;
		}
	}
	if (!s.oom)
		skel_fill(&s, fields, root, "", 0);
	if (s.oom) {
		rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
		goto done;
	}
	*out = root;
	root = NULL;
done:
	while (stack && depth)
		free(stack[--depth]);
	free(stack);
	free(order);
	kb_buf_free(&fp);
	json_decref(root);
	return rc;
}

int kb_template_field_guide(char **out, kb_ctx *ctx, const kb_template *t)
{
	*out = NULL;
	const json_t *fields = t->manifest ? json_object_get(t->manifest, "fields") : NULL;
	if (!json_is_object(fields) || !json_object_size(fields))
		return KB_OK;
	kb_buf g;
	kb_buf_init(&g, KB_MAX_TEXT_BYTES);
	json_t *root = NULL;
	int rc = skeleton_from_manifest(&root, &g, ctx, t);
	json_decref(root);
	if (!rc && g.len) {
		*out = kb_buf_detach(&g);
		if (!*out)
			rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
	}
	kb_buf_free(&g);
	return rc;
}

int kb_template_fields(char **out, kb_ctx *ctx, const kb_template *t)
{
	*out = NULL;
	const json_t *mfields = t->manifest ? json_object_get(t->manifest, "fields") : NULL;
	if (json_is_object(mfields) && json_object_size(mfields)) {
		json_t *root = NULL;
		int mrc = skeleton_from_manifest(&root, NULL, ctx, t);
		if (mrc)
			return mrc;
		*out = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
		json_decref(root);
		return *out ? KB_OK : kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
	}
	size_t *order = tags_in_order(t);
	json_t **objs = calloc(t->ntags + 1, sizeof *objs);
	const char **names = calloc(t->ntags + 1, sizeof *names);
	char *dot = calloc(t->ntags + 1, 1), *self = calloc(t->ntags + 1, 1);
	json_t *root = json_object();
	int rc = KB_OK;
	if (!order || !objs || !names || !dot || !self || !root) {
		rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
		goto done;
	}
	size_t depth = 0;
	objs[0] = root;
	for (size_t k = 0; k < t->ntags; k++) {
		const tpl_tag *tag = &t->tags[order[k]];
		if (tag->quiet)
			continue;
		if (tag->kind == TAG_CLOSE && depth) {
			/* a section becomes what its content uses: a list of items with fields, a list of texts
			 * ({{.}}), a text ({{#x}}...{{x}}...{{/x}}), or else a yes/no field; the manifest's type wins
			 * where declared */
			json_t *item = objs[depth];
			const char *name = names[depth];
			json_t *v;
			const char *type =
			    json_string_value(json_object_get(kb_manifest_field(t->manifest, name), "type"));
			if (json_object_size(item))
				v = json_pack("[O]", item);
			else if (dot[depth])
				v = json_pack("[s]", "");
			else if (self[depth] || (type && strcmp(type, "bool") != 0 && strcmp(type, "list") != 0))
				v = placeholder(t->manifest, name);
			else if (type && !strcmp(type, "list"))
				v = json_array();
			else
				v = json_false();
			json_decref(item);
			dot[depth] = self[depth] = 0;
			depth--;
			if (strcmp(name, ".") != 0)
				skeleton_set(objs[depth], name, v);
			else
				json_decref(v);
			continue;
		}
		if (!tag->has_expr)
			continue;
		if (tag->kind == TAG_VAR && depth && !strcmp(tag->expr.path, ".")) {
			dot[depth] = 1;
			continue;
		}
		if (tag->kind == TAG_VAR && depth && !strcmp(tag->expr.path, names[depth])) {
			self[depth] = 1;
			continue;
		}
		if (!strcmp(tag->expr.path, "."))
			continue;
		if (tag->kind == TAG_VAR) {
			skeleton_set(objs[depth], tag->expr.path, placeholder(t->manifest, tag->expr.path));
		} else if (tag->kind == TAG_SECTION || tag->kind == TAG_INVERTED) {
			objs[depth + 1] = json_object();
			names[depth + 1] = tag->expr.path;
			if (!objs[depth + 1]) {
				rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
				goto done;
			}
			depth++;
		}
	}
	while (depth)
		json_decref(objs[depth--]);
	*out = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (!*out)
		rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
done:
	json_decref(root);
	free(order);
	free(objs);
	free(names);
	free(dot);
	free(self);
	return rc;
}

/* ---- rendering ---- */

/* 1 when code point cp may appear in XML 1.0 text. */
static int xml_char_ok(uint32_t cp)
{
	return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0xFFFD) ||
	       (cp >= 0x10000 && cp <= 0x10FFFF);
}

/* Puts one block of value text into the tag's w:t: line breaks become w:br, tabs w:tab, characters XML forbids
 * are dropped. Every w:t that holds value text is recorded with its origin. */
static int write_lines(kb_letter *l, xmlNodePtr tnode, const char *val, const char *origin, unsigned flags)
{
	kb_buf line;
	kb_buf_init(&line, KB_MAX_PART_BYTES);
	xmlNodePtr cur = tnode; /* the last node written */
	int first = 1, rc = KB_OK;
	size_t len = strlen(val);
	for (size_t i = 0; i <= len && rc == KB_OK;) {
		uint32_t cp = 0;
		size_t n = 1;
		if (i < len)
			n = kb_utf8_decode(val + i, len - i, &cp);
		if (i == len || cp == '\n' || cp == '\t') {
			/* flush the line */
			xmlNodePtr t = cur;
			if (first) {
				rc = set_text(tnode, line.data ? line.data : "", line.len);
				first = 0;
			} else if (line.len) {
				t = new_text_after(cur, line.data, line.len);
				rc = t ? KB_OK : KB_ENOMEM;
			}
			if (!rc && (t == tnode || line.len)) {
				rc = kb_letter_add_origin(l, t, origin, flags);
				cur = t;
			}
			line.len = 0;
			if (!rc && i < len) {
				xmlNodePtr br = xmlNewDocNode(tnode->doc, tnode->ns,
				                              (const xmlChar *)(cp == '\n' ? "br" : "tab"), NULL);
				if (!br)
					rc = KB_ENOMEM;
				else
					cur = xmlAddNextSibling(cur, br);
			}
		} else if (cp != '\r' && xml_char_ok(cp)) {
			rc = kb_buf_add(&line, val + i, n);
		}
		i += n;
		if (i > len)
			break;
	}
	kb_buf_free(&line);
	return rc;
}

/* The end of the first block of val: the position of the line break that starts a blank line, or strlen(val).
 * *next is where the next block's text starts (after every blank line), or strlen(val). */
static size_t block_end(const char *val, size_t *next)
{
	size_t len = strlen(val);
	for (size_t i = 0; i < len; i++) {
		if (val[i] != '\n')
			continue;
		size_t j = i + 1;
		int blank = 0;
		for (;;) {
			size_t k = j;
			while (k < len && (val[k] == ' ' || val[k] == '\t' || val[k] == '\r'))
				k++;
			if (k < len && val[k] == '\n') {
				blank = 1;
				j = k + 1;
				continue;
			}
			if (k == len)
				blank = 1, j = len;
			break;
		}
		if (blank) {
			size_t end = i;
			if (end > 0 && val[end - 1] == '\r')
				end--;
			*next = j;
			return end;
		}
	}
	*next = len;
	return len;
}

/* A new paragraph after the child c of paragraph p: it has p's properties, takes over every child of p after c, and
 * takes p's section break, if any (the break ends the section at its last paragraph). */
static xmlNodePtr paragraph_after(xmlNodePtr p, xmlNodePtr c)
{
	xmlNodePtr np = paragraph_like(p, 1);
	if (!np)
		return NULL;
	move_content(c->next, NULL, np);
	xmlAddNextSibling(p, np);
	return np;
}

/* Puts a value into the tag's w:t. A blank line in the value starts a new paragraph with the same style and the same
 * run formatting; the rest of the template's paragraph follows the value's last block. */
static int write_value(kb_letter *l, xmlNodePtr tnode, const char *val, const char *origin, unsigned flags)
{
	size_t next = 0, end = block_end(val, &next);
	xmlNodePtr run = tnode->parent, p = enclosing_paragraph(tnode);
	if (end == strlen(val) || !p || !kb_w_is(run, "r"))
		return write_lines(l, tnode, val, origin, flags);
	char *first = kb_strndup(val, end);
	if (!first)
		return KB_ENOMEM;
	int rc = write_lines(l, tnode, first, origin, flags);
	free(first);
	const char *rest = val + next;
	while (!rc && *rest) {
		xmlNodePtr c = child_toward(p, run);
		xmlNodePtr np = paragraph_after(p, c);
		xmlNodePtr nr = np ? xmlNewDocNode(p->doc, p->ns, (const xmlChar *)"r", NULL) : NULL;
		xmlNodePtr nt = nr ? xmlNewDocNode(p->doc, p->ns, (const xmlChar *)"t", NULL) : NULL;
		if (!nt) {
			xmlFreeNode(nr);
			return KB_ENOMEM;
		}
		xmlNodePtr rpr = kb_w_child(run, "rPr");
		xmlNodePtr rpr_copy = rpr ? copy_node(rpr, p->doc) : NULL;
		if (rpr_copy)
			xmlAddChild(nr, rpr_copy);
		xmlAddChild(nr, nt);
		xmlNodePtr pr = kb_w_child(np, "pPr");
		if (pr)
			xmlAddNextSibling(pr, nr);
		else if (np->children)
			xmlAddPrevSibling(np->children, nr);
		else
			xmlAddChild(np, nr);
		size_t nx = 0, e = block_end(rest, &nx);
		char *block = kb_strndup(rest, e);
		if (!block)
			return KB_ENOMEM;
		rc = write_lines(l, nt, block, origin, flags);
		free(block);
		rest += nx;
		p = np;
		run = nr;
	}
	return rc;
}

static int process(render_state *rs, xmlNodePtr *nodes, size_t n);

static void report_place(render_state *rs, const tpl_tag *tag, const char *fmt, const char *extra)
{
	kb_ctx_add_detail(rs->ctx, fmt, tag->has_expr ? tag->expr.path : tag->name, extra ? extra : "",
	                  rs->t->parts[tag->part].name, tag->paragraph, tag->raw);
	rs->bad++;
}

/* The manifest's path of what a tag names: with the open sections' paths in front, innermost first, then outwards,
 * then the tag's path alone (as lint resolves it); a field, or for a section (group) also a group of fields such as
 * "modtager" of "modtager.navn". NULL when the manifest does not declare it or memory ran out. Caller frees. */
static char *manifest_path(const render_state *rs, const char *path, int group)
{
	const json_t *m = rs->t->manifest;
	if (!m || !path)
		return NULL;
	kb_buf full;
	kb_buf_init(&full, 8192);
	for (size_t k = rs->nsections + 1; k-- > 0;) {
		full.len = 0;
		const char *in = k ? rs->sections[k - 1] : NULL;
		if (k && !in)
			continue; /* a section that names no declared field: its content resolves as outside it */
		int rc = in && (kb_buf_adds(&full, in) || kb_buf_adds(&full, "."));
		if (!rc && !kb_buf_adds(&full, path) &&
		    (group ? kb_manifest_declares(m, full.data) : kb_manifest_field(m, full.data) != NULL))
			return kb_buf_detach(&full);
	}
	kb_buf_free(&full);
	return NULL;
}

static char *tag_field_path(const render_state *rs, const char *path)
{
	return manifest_path(rs, path, 0);
}

/* What the manifest says about the field a tag names: tried with the innermost section's path in front first and
 * then outwards, as Mustache looks a name up. */
static unsigned value_flags(const render_state *rs, const char *path)
{
	char *full = tag_field_path(rs, path);
	unsigned flags = full ? kb_manifest_field_flags(rs->t->manifest, full) : 0;
	free(full);
	return flags;
}

/* The manifest's entry for the field a tag names, found as value_flags finds it; NULL when not declared. */
static const json_t *tag_field(const render_state *rs, const char *path)
{
	char *full = tag_field_path(rs, path);
	const json_t *f = full ? kb_manifest_field(rs->t->manifest, full) : NULL;
	free(full);
	return f;
}

/* 1 when the manifest declares the tag's field and does not require it: left out, it is simply not written. */
static int optional_field(const render_state *rs, const char *path)
{
	const json_t *f = tag_field(rs, path);
	return f && !json_is_true(json_object_get(f, "required"));
}

/* The path of a tag's field in the case, with list indexes: {{navn}} inside the third item of {{#hjaelpemidler}} is
 * "hjaelpemidler[2].navn". The frame that the first name is found in (as kb_scope_lookup finds it) gives the
 * prefix. */
static int case_path(kb_buf *out, const render_state *rs, const char *path)
{
	out->len = 0;
	if (!path) /* a tag without a field (a literal) has no place in the case */
		return KB_OK;
	size_t top = rs->scope.n ? rs->scope.n - 1 : 0, at = 0;
	if (!strcmp(path, ".")) {
		at = top;
	} else {
		/* the frame that has the first name; for a name found nowhere, the innermost group or item, where
		 * it was most likely meant to be */
		const char *dot = strchr(path, '.');
		size_t n = dot ? (size_t)(dot - path) : strlen(path);
		size_t innermost = 0;
		int found = 0;
		for (size_t i = rs->scope.n; i-- > 0 && !found;) {
			if (!json_is_object(rs->scope.frames[i]))
				continue;
			if (!innermost)
				innermost = i;
			if (json_object_getn(rs->scope.frames[i], path, n)) {
				at = i;
				found = 1;
			}
		}
		if (!found)
			at = innermost;
	}
	const char *prefix = at && at < KB_MAX_SECTION_DEPTH + 2 ? rs->frame_paths[at] : NULL;
	if (!prefix)
		return kb_buf_adds(out, path);
	if (!strcmp(path, "."))
		return kb_buf_adds(out, prefix);
	int rc = kb_buf_adds(out, prefix);
	if (!rc)
		rc = kb_buf_addc(out, '.');
	return rc ? rc : kb_buf_adds(out, path);
}

/* Pushes frame v for a section whose value sits at base in the case (item ix of it when ix >= 0). */
static int push_frame(render_state *rs, const json_t *v, const char *base, long ix)
{
	size_t at = rs->scope.n;
	if (at >= KB_MAX_SECTION_DEPTH + 2)
		return kb_ctx_fail(rs->ctx, KB_ELIMIT, "%s: sektionerne er lagt i hinanden i mere end %d niveauer",
		                   rs->t->path, KB_MAX_SECTION_DEPTH);
	kb_buf b;
	kb_buf_init(&b, 65536);
	int rc = kb_buf_adds(&b, base);
	if (!rc && ix >= 0)
		rc = kb_buf_printf(&b, "[%ld]", ix);
	if (!rc)
		rc = kb_scope_push(&rs->scope, v);
	if (rc) {
		kb_buf_free(&b);
		return rc == KB_ELIMIT ? KB_ENOMEM : rc;
	}
	free(rs->frame_paths[at]);
	rs->frame_paths[at] = kb_buf_detach(&b);
	return KB_OK;
}

static void pop_frame(render_state *rs)
{
	size_t at = rs->scope.n;
	if (at && at < KB_MAX_SECTION_DEPTH + 2) {
		free(rs->frame_paths[at - 1]);
		rs->frame_paths[at - 1] = NULL;
	}
	kb_scope_pop(&rs->scope);
}

static int render_var(render_state *rs, xmlNodePtr m, const tpl_tag *tag)
{
	xmlUnsetProp(m, (const xmlChar *)KB_TAG_ATTR);
	xmlUnsetProp(m, (const xmlChar *)KB_ORIGIN_ATTR); /* a value in a partial comes from its field */
	/* a tag that did not parse reaches the render only from a text box's mc:Fallback copy, whose problems are never
	 * reported (Word's own copy has them reported): it writes nothing, and asks the case for nothing */
	if (tag->kind != TAG_VAR || rs->dry || !tag->has_expr) {
		drop_marker(m);
		return KB_OK;
	}
	json_t *v = NULL;
	kb_ctx *sub = NULL;
	if (kb_ctx_new(&sub))
		return KB_ENOMEM;
	int rc = kb_expr_eval(&v, sub, &tag->expr, &rs->scope);
	if (rc == KB_ENOMEM) {
		kb_ctx_free(sub);
		return rc;
	}
	if (rc) {
		report_place(rs, tag, "%.0s%s (bruges i %s, afsnit %zu: %s)", kb_ctx_errmsg(sub));
		kb_ctx_free(sub);
		return set_text(m, "", 0);
	}
	kb_ctx_free(sub);
	if (!v && optional_field(rs, tag->expr.path)) {
		/* an optional field the case leaves out: nothing is written, and a paragraph that held only it goes,
		 * as a paragraph that held only a section does */
		drop_marker(m);
		return KB_OK;
	}
	if (!v) {
		/* not declared (else the case check would have caught it): perhaps a typo of a declared name */
		char *near = tag_field(rs, tag->expr.path) ? NULL : kb_manifest_nearest(rs->t->manifest, tag->expr.path);
		char extra[600] = "";
		if (near)
			snprintf(extra, sizeof extra, "; tagget står ikke i manifest.json, men \"%s\" gør: ret tagget i "
			         "skabelonen", near);
		free(near);
		/* named by its place in the case: "hjaelpemidler[2].navn" says which item lacks it */
		kb_buf cp;
		kb_buf_init(&cp, 65536);
		if (case_path(&cp, rs, tag->expr.path) == KB_OK && cp.data) {
			kb_ctx_add_detail(rs->ctx, "feltet \"%s\" mangler i sagen%s (bruges i %s, afsnit %zu: %s)", cp.data,
			                  extra, rs->t->parts[tag->part].name, tag->paragraph, tag->raw);
			rs->bad++;
		} else {
			report_place(rs, tag, "feltet \"%s\" mangler i sagen%s (bruges i %s, afsnit %zu: %s)", extra);
		}
		kb_buf_free(&cp);
		return set_text(m, "", 0);
	}
	char *text = kb_value_text(v);
	if (text && !*text && optional_field(rs, tag->expr.path)) {
		free(text);
		json_decref(v);
		drop_marker(m);
		return KB_OK;
	}
	if (!text) {
		report_place(
		    rs, tag,
		    "feltet \"%s\" er %s og kan ikke skrives direkte i brevet; brug en sektion eller formateringen "
		    "liste (bruges i %s, afsnit %zu: %s)",
		    json_is_object(v) ? "et objekt" : "en liste");
		json_decref(v);
		return set_text(m, "", 0);
	}
	json_decref(v);
	/* a value is written as one XML text node a line, and the reader that opens the letter again takes no text node
	 * over 10 MB (libxml2's limit for a document that is not trusted) */
	if (strlen(text) > KB_MAX_VALUE_BYTES) {
		free(text);
		report_place(rs, tag,
		             "feltet \"%s\" fylder over 8 MB%s; det er for meget til et brev (bruges i %s, afsnit %zu: "
		             "%s)",
		             NULL);
		return set_text(m, "", 0);
	}
	rs->bytes_out += strlen(text);
	if (rs->bytes_out > KB_MAX_TEXT_BYTES) {
		free(text);
		rs->fatal = kb_ctx_fail(rs->ctx, KB_ELIMIT,
		                        "%s: brevets felter fylder over %u byte; det er for stort til et brev",
		                        rs->t->path, KB_MAX_TEXT_BYTES);
		return rs->fatal;
	}
	kb_buf org;
	kb_buf_init(&org, 4096);
	rc = kb_buf_adds(&org, "field:");
	if (!rc) {
		kb_buf cp;
		kb_buf_init(&cp, 65536);
		rc = case_path(&cp, rs, tag->expr.path);
		if (!rc)
			rc = kb_buf_add(&org, cp.data, cp.len);
		kb_buf_free(&cp);
	}
	if (!rc)
		rc = write_value(rs->l, m, text, org.data, value_flags(rs, tag->expr.path));
	kb_buf_free(&org);
	free(text);
	return rc;
}

static size_t count_nodes(xmlNodePtr n)
{
	size_t k = 0;
	for (xmlNodePtr c = n; c; c = next_in(c, n))
		k++;
	return k;
}

/* Renders the copies of a section's content: unit[0..n) are the original nodes (unit_nodes XML nodes in all),
 * copied before unit[0]. */
static int render_copy(render_state *rs, xmlNodePtr *unit, size_t n, size_t unit_nodes)
{
	if (++rs->iterations > KB_MAX_ITERATIONS) {
		rs->fatal =
		    kb_ctx_fail(rs->ctx, KB_ELIMIT,
		                "%s: sektionerne gentages mere end %d gange i alt; er der en fejl i sagens lister?",
		                rs->t->path, KB_MAX_ITERATIONS);
		return rs->fatal;
	}
	rs->nodes_out += unit_nodes;
	if (rs->nodes_out > KB_MAX_OUTPUT_NODES) {
		rs->fatal =
		    kb_ctx_fail(rs->ctx, KB_ELIMIT,
		                "%s: brevet bliver for stort (sektionerne kopierer over %u XML-elementer); er der en "
		                "fejl i sagens lister?",
		                rs->t->path, KB_MAX_OUTPUT_NODES);
		return rs->fatal;
	}
	kb_nodevec copies = {0};
	int rc = KB_OK;
	for (size_t i = 0; i < n && !rc; i++) {
		/* only elements: libxml2 merges a text node added next to another text node (and frees it), and
		 * text between WordprocessingML elements is insignificant white space anyway */
		if (unit[i]->type != XML_ELEMENT_NODE)
			continue;
		xmlNodePtr c = copy_node(unit[i], unit[i]->doc);
		if (!c || !xmlAddPrevSibling(unit[0], c)) {
			if (c)
				xmlFreeNode(c);
			rc = KB_ENOMEM;
			break;
		}
		rc = kb_nodevec_push(&copies, c);
	}
	if (!rc)
		rc = process(rs, copies.items, copies.n);
	kb_nodevec_free(&copies);
	return rc;
}

/* Moves the children of paragraph p before (after = 0) or after (after = 1) its child c into a new paragraph with
 * p's properties (less any section break), placed on that side of p. *out is the new paragraph, or NULL when there
 * was nothing to move. */
static int split_para(xmlNodePtr p, xmlNodePtr c, int after, xmlNodePtr *out)
{
	*out = NULL;
	xmlNodePtr first = after ? c->next : p->children;
	xmlNodePtr stop = after ? NULL : c;
	int any = 0;
	for (xmlNodePtr n = first; n != stop; n = n->next)
		if (!kb_w_is(n, "pPr"))
			any = 1;
	if (!any)
		return KB_OK;
	xmlNodePtr np = paragraph_like(p, 0);
	if (!np)
		return KB_ENOMEM;
	move_content(first, stop, np);
	if (after)
		xmlAddNextSibling(p, np);
	else
		xmlAddPrevSibling(p, np);
	*out = np;
	return KB_OK;
}

/* A section marker that shares its paragraph with text: the text before the marker stays where it is, the text
 * after it (for an opening marker) or before it (for a closing one) belongs to the section. Splits the paragraph
 * so that the marker stands in a paragraph of its own; empty pieces are removed. */
static int isolate_marker(xmlNodePtr p, xmlNodePtr m)
{
	if (!kb_w_is(p, "p") || marker_only(p, m))
		return KB_OK;
	xmlNodePtr c = child_toward(p, m), pre = NULL, post = NULL;
	int rc = split_para(p, c, 0, &pre);
	if (!rc)
		rc = split_para(p, c, 1, &post);
	if (pre && marker_only(pre, NULL) && can_drop(pre))
		free_node(pre);
	if (post && marker_only(post, NULL))
		free_node(post);
	return rc;
}

/* Renders the section whose markers are marks[i] and marks[j]. Markers after j that lie inside what the section
 * removes (the rest of a repeated table row) are rendered in the copies; *next is the first marker after them. */
static int render_section(render_state *rs, const kb_nodevec *marks, size_t i, size_t j, const tpl_tag *tag,
                          size_t *next)
{
	xmlNodePtr A = marks->items[i], B = marks->items[j];
	long close_idx = marker_index(B); /* B goes before the section is copied */
	xmlNodePtr L = lca(A, B);
	xmlNodePtr start = NULL, end = NULL;
	if (kb_w_is(L, "tr") || kb_w_is(L, "tbl")) {
		start = kb_w_is(L, "tr") ? L : child_toward(L, A);
		end = kb_w_is(L, "tr") ? L : child_toward(L, B);
		drop_marker(A);
		drop_marker(B);
	} else {
		xmlNodePtr a = child_toward(L, A), b = child_toward(L, B);
		int src = isolate_marker(a, A);
		if (!src)
			src = isolate_marker(b, B);
		if (src)
			return src;
		int drop_a = marker_only(a, A) && can_drop(a);
		int drop_b = marker_only(b, B) && can_drop(b);
		start = drop_a ? a->next : a;
		end = drop_b ? b->prev : b;
		if (drop_a && drop_b && a->next == b)
			start = end = NULL;
		if (drop_a)
			free_node(a);
		else
			remove_marker(A);
		if (drop_b)
			free_node(b);
		else
			remove_marker(B);
	}
	kb_nodevec unit = {0};
	int rc = KB_OK;
	for (xmlNodePtr c = start; c && !rc; c = c->next) {
		rc = kb_nodevec_push(&unit, c);
		if (c == end)
			break;
	}
	*next = j + 1;
	while (*next < marks->n) {
		int in = 0;
		for (size_t u = 0; u < unit.n && !in; u++)
			in = inside_node(marks->items[*next], unit.items[u]);
		if (!in)
			break;
		(*next)++;
	}
	/* the tags after the closing one that the section repeats with it (the rest of a table row, or of the table
	 * or control the closing tag stands in) must be whole: a section that begins there and ends outside, or ends
	 * there and began outside, cannot be repeated with it */
	if (!rc && *next > j + 1) {
		long depth = 0;
		size_t stray = 0;
		for (size_t k = j + 1; k < *next && !stray; k++) {
			long x = marker_index(marks->items[k]);
			tag_kind kk = x >= 0 && (size_t)x < rs->t->ntags ? rs->t->tags[x].kind : TAG_VAR;
			if (kk == TAG_SECTION || kk == TAG_INVERTED)
				depth++;
			else if (kk == TAG_CLOSE && --depth < 0)
				stray = k;
		}
		for (size_t k = *next; depth > 0 && !stray && k-- > j + 1;) {
			long x = marker_index(marks->items[k]);
			tag_kind kk = x >= 0 && (size_t)x < rs->t->ntags ? rs->t->tags[x].kind : TAG_VAR;
			if ((kk == TAG_SECTION || kk == TAG_INVERTED) && depth-- == 1)
				stray = k;
		}
		if (stray) {
			const tpl_tag *close = &rs->t->tags[close_idx];
			const tpl_tag *other = &rs->t->tags[marker_index(marks->items[stray])];
			xmlNodePtr holder = unit.n ? unit.items[unit.n - 1] : NULL;
			int h = kb_w_is(holder, "tr")          ? 0
			        : kb_w_is(holder, "tbl")       ? 1
			        : kb_w_is(holder, "sdt")       ? 2
			        : kb_w_is(holder, "p")         ? 3
			        : kb_w_is(holder, "hyperlink") ? 4
			                                       : 5;
			static const char *const what_the[] = {"tabelrækken", "tabellen", "indholdskontrollen",
			                                       "afsnittet",   "linket",   "Word-elementet"};
			static const char *const what_a[] = {"tabelrække", "tabel", "indholdskontrol",
			                                     "afsnit",     "link",  "Word-element"};
			const char *what = what_the[h];
			kb_ctx_fail(
			    rs->ctx, KB_ETEMPLATE,
			    "%s, afsnit %zu: %s gentager hele %s, som %s står i, men %s (afsnit %zu) i samme %s hører "
			    "til uden for sektionen; sæt %s i et afsnit for sig efter %s, eller flyt %s ud af %s",
			    part_label(rs->t, close->part), close->paragraph, tag->raw, what, close->raw, other->raw,
			    other->paragraph, what_a[h], close->raw, what, other->raw, what);
			rs->fatal = KB_ETEMPLATE;
			rc = KB_ETEMPLATE;
		}
	}
	json_t *v = NULL;
	kb_ctx *sub = NULL;
	if (!rc && !rs->dry && kb_ctx_new(&sub))
		rc = KB_ENOMEM;
	if (!rc && rs->dry) {
		if (unit.n)
			rc = render_copy(rs, unit.items, unit.n, 0);
	} else if (!rc) {
		int erc = kb_expr_eval(&v, sub, &tag->expr, &rs->scope);
		if (erc == KB_ENOMEM)
			rc = erc;
		else if (erc)
			report_place(rs, tag, "%.0s%s (bruges i %s, afsnit %zu: %s)", kb_ctx_errmsg(sub));
	}
	kb_ctx_free(sub);
	size_t unit_nodes = 0;
	for (size_t u = 0; u < unit.n; u++)
		unit_nodes += count_nodes(unit.items[u]);
	kb_buf base;
	kb_buf_init(&base, 65536);
	if (!rc && !rs->dry && unit.n && rs->nsections < KB_MAX_SECTION_DEPTH)
		rc = case_path(&base, rs, tag->expr.path);
	if (!rc && !rs->dry && unit.n && rs->nsections < KB_MAX_SECTION_DEPTH) {
		/* the section's own manifest path, or the outer one when it names no declared field ({{#.}}, a value
		 * the manifest does not know) */
		char *mp = strcmp(tag->expr.path, ".") ? manifest_path(rs, tag->expr.path, 1) : NULL;
		if (!mp && rs->nsections && rs->sections[rs->nsections - 1])
			mp = kb_strdup(rs->sections[rs->nsections - 1]);
		rs->sections[rs->nsections++] = mp;
		int truthy = kb_value_truthy(v);
		if (tag->kind == TAG_INVERTED) {
			if (!truthy)
				rc = render_copy(rs, unit.items, unit.n, unit_nodes);
		} else if (json_is_array(v)) {
			size_t ix;
			json_t *item;
			json_array_foreach(v, ix, item)
			{
				if ((rc = push_frame(rs, item, base.data ? base.data : "", (long)ix)))
					break;
				rc = render_copy(rs, unit.items, unit.n, unit_nodes);
				pop_frame(rs);
				if (rc)
					break;
			}
		} else if (truthy) {
			if (!(rc = push_frame(rs, v, base.data ? base.data : "", -1))) {
				rc = render_copy(rs, unit.items, unit.n, unit_nodes);
				pop_frame(rs);
			}
		}
		free(rs->sections[--rs->nsections]);
		rs->sections[rs->nsections] = NULL;
	}
	kb_buf_free(&base);
	for (size_t u = 0; u < unit.n; u++)
		free_node(unit.items[u]);
	kb_nodevec_free(&unit);
	json_decref(v);
	return rc;
}

static int process(render_state *rs, xmlNodePtr *nodes, size_t n)
{
	if (++rs->depth > KB_MAX_SECTION_DEPTH) {
		rs->fatal = kb_ctx_fail(rs->ctx, KB_ELIMIT, "%s: sektionerne er lagt i hinanden i mere end %d niveauer",
		                        rs->t->path, KB_MAX_SECTION_DEPTH);
		return rs->fatal;
	}
	kb_nodevec marks = {0};
	int rc = collect_markers(&marks, nodes, n);
	for (size_t i = 0; !rc && i < marks.n; i++) {
		long idx = marker_index(marks.items[i]);
		if (idx < 0 || (size_t)idx >= rs->t->ntags) {
			rc = kb_ctx_fail(rs->ctx, KB_EINPUT, "intern fejl: ukendt tag-nummer");
			break;
		}
		const tpl_tag *tag = &rs->t->tags[idx];
		if (tag->kind == TAG_SECTION || tag->kind == TAG_INVERTED) {
			size_t depth = 1, j = i + 1;
			for (; j < marks.n; j++) {
				long k = marker_index(marks.items[j]);
				tag_kind kk = k >= 0 ? rs->t->tags[k].kind : TAG_VAR;
				if (kk == TAG_SECTION || kk == TAG_INVERTED)
					depth++;
				else if (kk == TAG_CLOSE && --depth == 0)
					break;
			}
			if (j >= marks.n) {
				rc = kb_ctx_fail(rs->ctx, KB_EINPUT, "%s: %s lukkes ikke", rs->t->path, tag->raw);
				break;
			}
			size_t next = j + 1;
			rc = render_section(rs, &marks, i, j, tag, &next);
			i = next - 1;
		} else if (tag->kind == TAG_CLOSE) {
			remove_marker(marks.items[i]); /* unreachable after compile checks; harmless */
		} else {
			rc = render_var(rs, marks.items[i], tag);
		}
	}
	kb_nodevec_free(&marks);
	rs->depth--;
	if (rs->fatal)
		return rs->fatal;
	return rc;
}

/* A table cell and a text box must keep one paragraph, even when every paragraph in it was a section marker. */
static xmlNodePtr next_element(xmlNodePtr n)
{
	for (n = n->next; n && n->type != XML_ELEMENT_NODE; n = n->next)
		;
	return n;
}

static int fix_empty_containers(xmlNodePtr root)
{
	for (xmlNodePtr c = root; c; c = next_in(c, root)) {
		/* two tables with nothing between them become one in Word: keep them apart with an empty paragraph,
		 * and a table cell ends with a paragraph */
		if (kb_w_is(c, "tbl")) {
			xmlNodePtr nx = next_element(c);
			if ((nx && kb_w_is(nx, "tbl")) || (!nx && kb_w_is(c->parent, "tc"))) {
				xmlNodePtr p = xmlNewDocNode(c->doc, c->ns, (const xmlChar *)"p", NULL);
				if (!p)
					return KB_ENOMEM;
				xmlAddNextSibling(c, p);
			}
			continue;
		}
		if (!kb_w_is(c, "tc") && !kb_w_is(c, "txbxContent"))
			continue;
		if (kb_w_child(c, "p") || kb_w_child(c, "tbl") || kb_w_child(c, "sdt"))
			continue;
		xmlNodePtr p = xmlNewDocNode(c->doc, c->ns, (const xmlChar *)"p", NULL);
		if (!p)
			return KB_ENOMEM;
		xmlAddChild(c, p);
	}
	return KB_OK;
}

/* Text from a partial carries kb-origin until here: record it in the letter's origin table and drop the mark. */
static int take_partial_origins(kb_letter *l, xmlNodePtr root)
{
	for (xmlNodePtr c = root; c; c = next_in(c, root)) {
		if (c->type != XML_ELEMENT_NODE || !c->properties)
			continue;
		xmlChar *o = xmlGetProp(c, (const xmlChar *)KB_ORIGIN_ATTR);
		if (!o)
			continue;
		xmlUnsetProp(c, (const xmlChar *)KB_ORIGIN_ATTR);
		int rc = kb_letter_add_origin(l, c, (const char *)o, 0);
		xmlFree(o);
		if (rc)
			return rc;
	}
	return KB_OK;
}

/* ---- after the sections: notes and drawing ids ---- */

static long id_attr(xmlNodePtr n)
{
	xmlChar *v = kb_w_attr(n, "id");
	long id = v ? strtol((const char *)v, NULL, 10) : -1;
	xmlFree(v);
	return id;
}

static int set_id_attr(xmlNodePtr n, long id)
{
	char num[24];
	snprintf(num, sizeof num, "%ld", id);
	xmlAttrPtr a = n->properties;
	for (; a; a = a->next)
		if (!strcmp((const char *)a->name, "id"))
			break;
	if (a && a->ns)
		return xmlSetNsProp(n, a->ns, (const xmlChar *)"id", (const xmlChar *)num) ? KB_OK : KB_ENOMEM;
	return xmlSetProp(n, (const xmlChar *)"id", (const xmlChar *)num) ? KB_OK : KB_ENOMEM;
}

/* Makes the notes part l->parts[ni] match the references the rendered letter has: a note whose reference a
 * section removed goes (so its fields are not needed), and a note whose reference a section repeated is copied
 * with a new id for each further reference. Separator notes (w:type) stay. */
static int sync_notes(kb_letter *l, size_t ni)
{
	kb_letter_part *np = &l->parts[ni];
	const char *ref = np->kind == KB_PART_FOOTNOTE ? "footnoteReference" : "endnoteReference";
	const char *note = np->kind == KB_PART_FOOTNOTE ? "footnote" : "endnote";
	xmlNodePtr nroot = xmlDocGetRootElement(np->doc);
	if (!nroot)
		return KB_OK;
	long max_id = 0;
	size_t nnotes = 0;
	for (xmlNodePtr c = nroot->children; c; c = c->next)
		if (kb_w_is(c, note)) {
			long id = id_attr(c);
			max_id = id > max_id ? id : max_id;
			nnotes++;
		}
	long *seen = calloc(nnotes + 1, sizeof *seen);
	size_t nseen = 0, cap = nnotes + 1;
	int rc = seen ? KB_OK : KB_ENOMEM;
	for (size_t i = 0; !rc && i < l->nparts; i++) {
		if (l->parts[i].kind == KB_PART_FOOTNOTE || l->parts[i].kind == KB_PART_ENDNOTE)
			continue;
		xmlNodePtr root = xmlDocGetRootElement(l->parts[i].doc);
		for (xmlNodePtr c = root; c && !rc; c = next_in(c, root)) {
			if (!kb_w_is(c, ref))
				continue;
			long id = id_attr(c);
			int dup = 0;
			for (size_t k = 0; k < nseen && !dup; k++)
				dup = seen[k] == id;
			if (dup) {
				/* a repeated reference: a copy of the note for it */
				xmlNodePtr orig = NULL;
				for (xmlNodePtr n = nroot->children; n && !orig; n = n->next)
					if (kb_w_is(n, note) && id_attr(n) == id)
						orig = n;
				if (!orig)
					continue;
				xmlNodePtr copy = copy_node(orig, np->doc);
				if (!copy || !xmlAddChild(nroot, copy)) {
					xmlFreeNode(copy);
					rc = KB_ENOMEM;
					break;
				}
				id = ++max_id;
				if ((rc = set_id_attr(copy, id)) || (rc = set_id_attr(c, id)))
					break;
				l->parts[i].changed = 1;
				np->changed = 1;
			}
			if (nseen == cap) {
				long *ns = realloc(seen, 2 * cap * sizeof *ns);
				if (!ns) {
					rc = KB_ENOMEM;
					break;
				}
				seen = ns;
				cap *= 2;
			}
			seen[nseen++] = id;
		}
	}
	/* notes that nothing refers to any more */
	for (xmlNodePtr c = nroot->children; c && !rc;) {
		xmlNodePtr next = c->next;
		if (kb_w_is(c, note)) {
			xmlChar *type = kb_w_attr(c, "type");
			int normal = !type || !strcmp((const char *)type, "normal");
			xmlFree(type);
			long id = id_attr(c);
			int used = 0;
			for (size_t k = 0; k < nseen && !used; k++)
				used = seen[k] == id;
			if (normal && !used) {
				free_node(c);
				np->changed = 1;
			}
		}
		c = next;
	}
	free(seen);
	return rc;
}

/* A drawing (text box, picture) that a section repeated keeps its wp:docPr id; Word wants every id in the document
 * once. Later duplicates get new ids above the highest. */
static int unique_drawing_ids(kb_letter *l)
{
	long max_id = 0;
	size_t n = 0;
	for (int pass = 0; pass < 2; pass++) {
		long *seen = NULL;
		size_t nseen = 0;
		if (pass == 1 && n && !(seen = calloc(n, sizeof *seen)))
			return KB_ENOMEM;
		for (size_t i = 0; i < l->nparts; i++) {
			xmlNodePtr root = xmlDocGetRootElement(l->parts[i].doc);
			for (xmlNodePtr c = root; c; c = next_in(c, root)) {
				if (c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, "docPr") != 0)
					continue;
				xmlChar *v = xmlGetProp(c, (const xmlChar *)"id");
				long id = v ? strtol((const char *)v, NULL, 10) : 0;
				xmlFree(v);
				if (pass == 0) {
					max_id = id > max_id ? id : max_id;
					n++;
					continue;
				}
				int dup = 0;
				for (size_t k = 0; k < nseen && !dup; k++)
					dup = seen[k] == id;
				if (dup) {
					char num[24];
					id = ++max_id;
					snprintf(num, sizeof num, "%ld", id);
					if (!xmlSetProp(c, (const xmlChar *)"id", (const xmlChar *)num)) {
						free(seen);
						return KB_ENOMEM;
					}
					l->parts[i].changed = 1;
				}
				seen[nseen++] = id;
			}
		}
		free(seen);
	}
	return KB_OK;
}

/* Renders a copy of part once the way every letter will be rendered, with every section shown once and no values,
 * so that a section whose shape cannot be repeated (it ends inside a table that also holds the start of another
 * section) is a problem of the template, found by template lint, and not a failure of the first letter. Each
 * problem is a detail on ctx and counted in *bad; only KB_ENOMEM is returned. */
static int shape_check(const kb_template *t, kb_ctx *ctx, size_t part, int *bad)
{
	xmlDocPtr doc = xmlCopyDoc(t->parts[part].doc, 1);
	xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
	kb_ctx *sub = NULL;
	if (!doc || kb_ctx_new(&sub)) {
		xmlFreeDoc(doc);
		return kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
	}
	render_state rs = {.t = t, .ctx = sub, .dry = 1};
	int rc = root ? process(&rs, &root, 1) : KB_OK;
	if (rc == KB_ENOMEM) {
		rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
	} else if (rc) {
		kb_ctx_add_detail(ctx, "%s", kb_ctx_errmsg(sub));
		(*bad)++;
		rc = KB_OK;
	}
	kb_ctx_free(sub);
	xmlFreeDoc(doc);
	return rc;
}

int kb_template_static_letter(kb_letter **out, kb_ctx *ctx, const kb_template *t)
{
	*out = NULL;
	kb_letter *l = NULL;
	int rc = kb_letter_alloc(&l, t->path);
	if (rc)
		return kb_ctx_fail(ctx, rc, "ikke nok hukommelse");
	l->pkg = t->pkg;
	l->owns_pkg = 0;
	l->styles = t->styles;
	l->manifest = t->manifest ? json_incref(t->manifest) : NULL;
	const char *outcome = kb_manifest_outcome(t->manifest, NULL);
	if (outcome && !(l->outcome = kb_strdup(outcome)))
		rc = KB_ENOMEM;
	l->parts = rc ? NULL : calloc(t->nparts ? t->nparts : 1, sizeof *l->parts);
	if (!l->parts)
		rc = KB_ENOMEM;
	for (size_t i = 0; !rc && i < t->nparts; i++) {
		kb_letter_part *p = &l->parts[i];
		p->kind = t->parts[i].kind;
		p->name = kb_strdup(t->parts[i].name);
		p->doc = xmlCopyDoc(t->parts[i].doc, 1);
		l->nparts++;
		if (!p->name || !p->doc) {
			rc = KB_ENOMEM;
			break;
		}
		xmlNodePtr root = xmlDocGetRootElement(p->doc);
		kb_nodevec marks = {0};
		if (root)
			rc = collect_markers(&marks, &root, 1);
		/* every section's content once, and a paragraph that held only tags goes. A value in a paragraph with
		 * text of its own becomes U+2060 WORD JOINER: where it goes stays marked, invisible to the words, sentences
		 * and punctuation the checks see, so "fra {{dato}}." is not "fra ." with a space before the full stop. The
		 * gaps are decided before any marker goes (a paragraph freed with its last marker frees no other). */
		unsigned char *gap = !rc && marks.n ? calloc(marks.n, 1) : NULL;
		if (marks.n && !gap)
			rc = KB_ENOMEM;
		for (size_t k = 0; !rc && k < marks.n; k++) {
			long idx = marker_index(marks.items[k]);
			xmlNodePtr para = enclosing_paragraph(marks.items[k]);
			gap[k] = idx >= 0 && (size_t)idx < t->ntags && t->tags[idx].kind == TAG_VAR &&
			         kb_w_is(marks.items[k], "t") && para && !shows_only(para, NULL, 0);
		}
		for (size_t k = 0; !rc && k < marks.n; k++) {
			xmlUnsetProp(marks.items[k], (const xmlChar *)KB_ORIGIN_ATTR);
			if (gap[k]) {
				xmlUnsetProp(marks.items[k], (const xmlChar *)KB_TAG_ATTR);
				xmlNodeSetContent(marks.items[k], (const xmlChar *)"\xE2\x81\xA0");
			} else {
				drop_marker(marks.items[k]);
			}
		}
		free(gap);
		kb_nodevec_free(&marks);
		if (!rc && root && !(rc = fix_empty_containers(root)))
			rc = take_partial_origins(l, root);
	}
	if (!rc)
		rc = kb_letter_build_text(l, ctx);
	else if (rc == KB_ENOMEM)
		rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
	if (rc) {
		kb_letter_free(l);
		return rc;
	}
	*out = l;
	return KB_OK;
}

int kb_template_render(kb_letter **out, kb_ctx *ctx, const kb_template *t, const kb_case *c)
{
	*out = NULL;
	kb_letter *l = NULL;
	const json_t *data = kb_case_json(c);
	render_state rs = {.t = t, .ctx = ctx};
	int rc = kb_letter_alloc(&l, t->path);
	if (rc)
		return kb_ctx_fail(ctx, rc, "ikke nok hukommelse");
	rs.l = l;
	l->pkg = t->pkg;
	l->owns_pkg = 0;
	l->styles = t->styles;
	l->fields = json_incref((json_t *)data);
	l->manifest = t->manifest ? json_incref(t->manifest) : NULL;
	const char *outcome = kb_manifest_outcome(t->manifest, data);
	if (outcome && !(l->outcome = kb_strdup(outcome))) {
		rc = KB_ENOMEM;
		goto done;
	}
	l->parts = calloc(t->nparts ? t->nparts : 1, sizeof *l->parts);
	if (!l->parts || (rc = kb_scope_push(&rs.scope, data))) {
		rc = KB_ENOMEM;
		goto done;
	}
	/* the case against the manifest first: every problem at once, and nothing rendered from a wrong case */
	if ((rc = kb_manifest_validate_case(ctx, t->manifest, data, kb_case_name(c))))
		goto done;
	kb_ctx_clear_details(ctx);
	for (size_t i = 0; i < t->nparts; i++) {
		kb_letter_part *p = &l->parts[i];
		p->kind = t->parts[i].kind;
		p->changed = t->parts[i].changed;
		p->name = kb_strdup(t->parts[i].name);
		p->doc = xmlCopyDoc(t->parts[i].doc, 1);
		l->nparts++;
		if (!p->name || !p->doc) {
			rc = KB_ENOMEM;
			goto done;
		}
	}
	/* the notes last: a section that repeats or removes a paragraph repeats or removes its notes */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < l->nparts; i++) {
			kb_letter_part *p = &l->parts[i];
			int notes = p->kind == KB_PART_FOOTNOTE || p->kind == KB_PART_ENDNOTE;
			if (notes != pass)
				continue;
			if (notes && (rc = sync_notes(l, i)))
				goto done;
			if (!p->changed)
				continue;
			xmlNodePtr root = xmlDocGetRootElement(p->doc);
			if (root && ((rc = process(&rs, &root, 1)) || (rc = fix_empty_containers(root)) ||
			             (rc = take_partial_origins(l, root))))
				goto done;
		}
	}
	if ((rc = unique_drawing_ids(l)))
		goto done;
	if (rs.bad) {
		rc = kb_ctx_fail_keep(ctx, KB_EDATA, "%s: sagen passer ikke til skabelonen (%d %s); intet er skrevet",
		                      kb_case_name(c), rs.bad, rs.bad == 1 ? "problem" : "problemer");
		goto done;
	}
	rc = kb_letter_build_text(l, ctx);
done:
	kb_scope_free(&rs.scope);
	if (rc == KB_ENOMEM)
		rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
	if (rc) {
		kb_letter_free(l);
		return rc;
	}
	*out = l;
	return KB_OK;
}
