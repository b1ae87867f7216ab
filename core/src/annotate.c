/*
 * annotate.c -- writes a copy of a DOCX letter with each finding as a Word comment (see annotate.h for where each
 * comment goes). The letter is not changed: its parts are copied, the copies get the comments, and the package is
 * written with the changed parts replaced and the rest copied raw.
 */
#include "annotate.h"
#include "docx.h"
#include "letter.h"
#include "package.h"
#include "utf8.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define W_NS              "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define W_NS_STRICT       "http://purl.oclc.org/ooxml/wordprocessingml/main"
#define COMMENTS_CT       "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"
#define COMMENTS_REL      "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
#define COMMENTS_REL_STRI "http://purl.oclc.org/ooxml/officeDocument/relationships/comments"
#define MAX_COMMENT_ID    2000000000L /* w:id is an int; Word opens at most 32767 comment ranges anyway */
#define MAX_QUOTE         160         /* bytes of a paragraph quoted in a comment */
#define MAX_SUGGESTIONS   5
#define MAX_COMMENT_TEXT  (64u * 1024u)

/* A paragraph of the text model and the w:p it was read from (in the copies). */
typedef struct para_ref {
	size_t part; /* index into the letter's parts */
	xmlNodePtr p;
} para_ref;

typedef struct annot {
	const kb_letter *l;
	kb_ctx *ctx;
	xmlDocPtr *docs; /* copies of the letter's parts */
	int *dirty;      /* 1: the copy is written; 0: the letter's original entry is copied raw */
	para_ref *paras; /* one per paragraph of the text model */
	size_t nparas;
	xmlDocPtr comments; /* the document's comments part, or a new one */
	xmlNodePtr croot;   /* its w:comments element */
	char *comments_name;
	int comments_new;
	long next_id;
	char date[32];
	const char *author, *initials;
	int strict;
} annot;

/* ---- small helpers ---- */

static xmlNodePtr w_new(xmlDocPtr doc, xmlNsPtr ns, const char *name)
{
	return xmlNewDocNode(doc, ns, BAD_CAST name, NULL);
}

/* Sets w:<name>="value" (in ns) on n. Returns 0 or KB_ENOMEM. */
static int w_set(xmlNodePtr n, xmlNsPtr ns, const char *name, const char *value)
{
	return xmlSetNsProp(n, ns, BAD_CAST name, BAD_CAST value) ? KB_OK : KB_ENOMEM;
}

/* The nearest ancestor of n (not n itself) that is w:<local>, or NULL. */
static xmlNodePtr w_ancestor(const xmlNode *n, const char *local)
{
	for (xmlNodePtr a = n ? n->parent : NULL; a && a->type == XML_ELEMENT_NODE; a = a->parent)
		if (kb_w_is(a, local))
			return a;
	return NULL;
}

/* Copies s[0..n) into b as text a comment may hold: valid UTF-8 (bad bytes become U+FFFD), control characters as
 * spaces, and none of the code points XML forbids. */
static int add_clean(kb_buf *b, const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		uint32_t cp;
		size_t k = kb_utf8_decode(s + i, n - i, &cp);
		i += k;
		if (cp < 0x20 || cp == 0x7F)
			cp = ' ';
		else if (cp == 0xFFFE || cp == 0xFFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			continue;
		char enc[4];
		size_t m = kb_utf8_encode(cp, enc);
		int rc = kb_buf_add(b, enc, m);
		if (rc)
			return rc;
	}
	return KB_OK;
}

/* Quotes s[0..n) as »…«, cut at a character boundary after MAX_QUOTE bytes ("…" marks the cut). */
static int add_quote(kb_buf *b, const char *s, size_t n)
{
	int cut = 0;
	if (n > MAX_QUOTE) {
		n = MAX_QUOTE;
		while (n > 0 && ((unsigned char)s[n] & 0xC0u) == 0x80u)
			n--;
		cut = 1;
	}
	/* white space at the ends says nothing in a quote */
	while (n > 0 && isspace((unsigned char)s[0]))
		s++, n--;
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	int rc = kb_buf_adds(b, "»");
	if (!rc)
		rc = add_clean(b, s, n);
	if (!rc && cut)
		rc = kb_buf_adds(b, "…");
	if (!rc)
		rc = kb_buf_adds(b, "«");
	return rc;
}

/* ---- the paragraphs of the copies ---- */

typedef struct text_item {
	xmlNodePtr node;
	kb_w_item kind;
	size_t start, len; /* bytes in the paragraph text */
} text_item;

typedef struct item_list {
	text_item *items;
	size_t n, cap;
	kb_buf text;
	int failed;
} item_list;

/* The same text the letter reader builds for a paragraph (letter.c: pb_item), with where each piece is. */
static int collect_item(void *ud, kb_w_item kind, xmlNodePtr node)
{
	item_list *il = ud;
	size_t start = il->text.len;
	int rc = KB_OK;
	switch (kind) {
	case KB_W_TEXT: {
		xmlChar *c = xmlNodeGetContent(node);
		if (c)
			rc = kb_buf_adds(&il->text, (const char *)c);
		xmlFree(c);
		break;
	}
	case KB_W_TAB: rc = kb_buf_addc(&il->text, '\t'); break;
	case KB_W_BREAK: rc = kb_buf_addc(&il->text, '\n'); break;
	case KB_W_HYPHEN: rc = kb_buf_addc(&il->text, '-'); break;
	}
	if (!rc && il->n == il->cap) {
		size_t ncap = il->cap ? il->cap * 2 : 16;
		text_item *ni = realloc(il->items, ncap * sizeof *ni);
		if (ni) {
			il->items = ni;
			il->cap = ncap;
		} else {
			rc = KB_ENOMEM;
		}
	}
	if (rc) {
		il->failed = rc;
		return rc;
	}
	il->items[il->n++] = (text_item){.node = node, .kind = kind, .start = start, .len = il->text.len - start};
	return 0;
}

static void items_free(item_list *il)
{
	free(il->items);
	kb_buf_free(&il->text);
	memset(il, 0, sizeof *il);
}

static int items_of(item_list *il, xmlNodePtr p)
{
	items_free(il);
	kb_buf_init(&il->text, KB_MAX_TEXT_BYTES);
	kb_w_walk_paragraph(p, collect_item, il);
	if (!il->failed && !il->text.data && kb_buf_adds(&il->text, ""))
		il->failed = KB_ENOMEM;
	return il->failed;
}

static int blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isspace((unsigned char)s[i]))
			return 0;
	return 1;
}

/* Finds the w:p in the copies for each paragraph of the text model, the way kb_letter_build_text() numbers them:
 * every paragraph of every part in order, text boxes after the paragraph that holds them, blank ones left out.
 * The text of each must be the text model's; anything else is a bug, reported rather than guessed around. */
static int map_paragraphs(annot *a)
{
	const kb_text *t = kb_letter_text(a->l);
	kb_nodevec v = {0};
	item_list il = {0};
	int rc = KB_OK;
	size_t k = 0;
	a->paras = calloc(t->nparas ? t->nparas : 1, sizeof *a->paras);
	if (!a->paras) {
		rc = kb_ctx_fail(a->ctx, KB_ENOMEM, "ikke nok hukommelse");
		goto done;
	}
	for (size_t i = 0; i < a->l->nparts; i++) {
		xmlNodePtr root = xmlDocGetRootElement(a->docs[i]);
		v.n = 0;
		if (root && kb_w_paragraphs(&v, root, 1)) {
			rc = kb_ctx_fail(a->ctx, KB_ENOMEM, "ikke nok hukommelse");
			goto done;
		}
		for (size_t j = 0; j < v.n; j++) {
			if (items_of(&il, v.items[j])) {
				rc = kb_ctx_fail(a->ctx, il.failed == KB_ELIMIT ? KB_ELIMIT : KB_ENOMEM,
				                 "%s: brevets tekst er for stor til kommentarer", a->l->name);
				goto done;
			}
			if (!il.text.len || blank(il.text.data, il.text.len))
				continue;
			if (k >= t->nparas || t->paras[k].len != il.text.len ||
			    memcmp(t->paras[k].text, il.text.data, il.text.len) != 0) {
				rc = kb_ctx_fail(
				    a->ctx, KB_EINPUT,
				    "%s: %s: afsnit %zu kan ikke findes igen i dokumentet; kommentarerne er ikke "
				    "skrevet (en fejl i klarbrev: meld den)",
				    a->l->name, a->l->parts[i].name, k + 1);
				goto done;
			}
			a->paras[k++] = (para_ref){.part = i, .p = v.items[j]};
		}
	}
	if (k != t->nparas) {
		rc = kb_ctx_fail(a->ctx, KB_EINPUT,
		                 "%s: dokumentet har %zu afsnit med tekst, brevet %zu; kommentarerne er ikke skrevet "
		                 "(en fejl i klarbrev: meld den)",
		                 a->l->name, k, t->nparas);
		goto done;
	}
	a->nparas = k;
done:
	kb_nodevec_free(&v);
	items_free(&il);
	return rc;
}

/* ---- splitting runs ---- */

/* A copy of n (with its attributes; with its content when deep) for a place below parent, using the namespace
 * declarations in scope there instead of declaring them again on the copy. NULL when out of memory. */
static xmlNodePtr clone(xmlNodePtr n, xmlNodePtr parent, int deep)
{
	xmlNodePtr copy = NULL;
	if (xmlDOMWrapCloneNode(NULL, n->doc, n, &copy, n->doc, parent, deep, 0) != 0) {
		xmlFreeNode(copy);
		return NULL;
	}
	return copy;
}

/* Makes child c the first content of a run of its own: the children of its run from c on move into a new run with
 * the same properties (attributes and w:rPr copied), placed right after the old one. Returns the run that now
 * starts with c, or NULL when c is not in a run or memory ran out (*rc says which). */
static xmlNodePtr split_run_before(xmlNodePtr c, int *rc)
{
	xmlNodePtr r = c->parent;
	*rc = KB_OK;
	if (!kb_w_is(r, "r"))
		return NULL;
	int first = 1;
	for (xmlNodePtr s = r->children; s && s != c; s = s->next)
		if (s->type == XML_ELEMENT_NODE && !kb_w_is(s, "rPr"))
			first = 0;
	if (first)
		return r;
	xmlNodePtr r2 = clone(r, r->parent, 0); /* the element with its attributes, no children */
	xmlNodePtr rpr = kb_w_child(r, "rPr");
	xmlNodePtr rpr2 = rpr ? clone(rpr, r, 1) : NULL;
	if (!r2 || (rpr && !rpr2)) {
		xmlFreeNode(r2);
		xmlFreeNode(rpr2);
		*rc = KB_ENOMEM;
		return NULL;
	}
	if (rpr2)
		xmlAddChild(r2, rpr2);
	xmlAddNextSibling(r, r2);
	for (xmlNodePtr s = c; s;) {
		xmlNodePtr next = s->next;
		xmlUnlinkNode(s);
		xmlAddChild(r2, s);
		s = next;
	}
	return r2;
}

/* Replaces the text of w:t node t with s[0..n), kept exactly (xml:space="preserve"). */
static int set_t_text(xmlNodePtr t, const char *s, size_t n)
{
	while (t->children) {
		xmlNodePtr c = t->children;
		xmlUnlinkNode(c);
		xmlFreeNode(c);
	}
	xmlNodePtr txt = xmlNewDocTextLen(t->doc, BAD_CAST s, (int)n);
	if (!txt)
		return KB_ENOMEM;
	xmlAddChild(t, txt);
	xmlNodeSetSpacePreserve(t, 1);
	return KB_OK;
}

/* Splits w:t node t at byte off of its text (0 < off < its length): t keeps the text before, a new w:t right after
 * it gets the rest. Returns the new w:t, or NULL when out of memory. */
static xmlNodePtr split_t(xmlNodePtr t, size_t off)
{
	xmlChar *c = xmlNodeGetContent(t);
	if (!c)
		return NULL;
	const char *s = (const char *)c;
	size_t n = strlen(s);
	xmlNodePtr t2 = clone(t, t->parent, 0);
	if (!t2 || off >= n || set_t_text(t2, s + off, n - off) || set_t_text(t, s, off)) {
		xmlFreeNode(t2);
		xmlFree(c);
		return NULL;
	}
	xmlAddNextSibling(t, t2);
	xmlFree(c);
	return t2;
}

/* The item whose text holds byte off (start <= off < start + len), or NULL. */
static const text_item *item_at(const item_list *il, size_t off)
{
	for (size_t i = 0; i < il->n; i++)
		if (il->items[i].len && il->items[i].start <= off && off < il->items[i].start + il->items[i].len)
			return &il->items[i];
	return NULL;
}

/* The run that ends exactly at byte e of paragraph p (0 < e <= length), splitting a w:t and its run as needed.
 * NULL when the text there is not in a plain run (*rc 0) or on failure (*rc set). */
static xmlNodePtr run_ending_at(xmlNodePtr p, size_t e, int *rc)
{
	item_list il = {0};
	xmlNodePtr r = NULL;
	*rc = items_of(&il, p);
	const text_item *it = *rc ? NULL : item_at(&il, e - 1);
	if (!it)
		goto done;
	xmlNodePtr c = it->node;
	size_t off = e - it->start;
	if (it->kind == KB_W_TEXT && off < it->len && !split_t(c, off)) {
		*rc = KB_ENOMEM;
		goto done;
	}
	if (!kb_w_is(c->parent, "r"))
		goto done;
	r = c->parent;
	/* whatever follows c in its run goes to a run of its own */
	xmlNodePtr next = c->next;
	while (next && next->type != XML_ELEMENT_NODE)
		next = next->next;
	if (next && !split_run_before(next, rc))
		r = NULL;
done:
	items_free(&il);
	return r;
}

/* The run that starts exactly at byte s of paragraph p (s < length), splitting as needed; as run_ending_at(). */
static xmlNodePtr run_starting_at(xmlNodePtr p, size_t s, int *rc)
{
	item_list il = {0};
	xmlNodePtr r = NULL;
	*rc = items_of(&il, p);
	const text_item *it = *rc ? NULL : item_at(&il, s);
	if (!it)
		goto done;
	xmlNodePtr c = it->node;
	size_t off = s - it->start;
	if (it->kind == KB_W_TEXT && off > 0 && !(c = split_t(c, off))) {
		*rc = KB_ENOMEM;
		goto done;
	}
	r = split_run_before(c, rc);
done:
	items_free(&il);
	return r;
}

/* ---- anchors ---- */

static xmlNodePtr mark(xmlNsPtr ns, xmlDocPtr doc, const char *name, const char *id)
{
	xmlNodePtr m = w_new(doc, ns, name);
	if (m && w_set(m, ns, "id", id)) {
		xmlFreeNode(m);
		m = NULL;
	}
	return m;
}

/* The three pieces of an anchor: w:commentRangeStart, w:commentRangeEnd and the run with w:commentReference. */
typedef struct anchor {
	xmlNodePtr start, end, ref;
} anchor;

static void anchor_free(anchor *an)
{
	xmlFreeNode(an->start);
	xmlFreeNode(an->end);
	xmlFreeNode(an->ref);
}

static int anchor_make(anchor *an, xmlNsPtr ns, xmlDocPtr doc, long id)
{
	char sid[24];
	snprintf(sid, sizeof sid, "%ld", id);
	memset(an, 0, sizeof *an);
	an->start = mark(ns, doc, "commentRangeStart", sid);
	an->end = mark(ns, doc, "commentRangeEnd", sid);
	an->ref = w_new(doc, ns, "r");
	xmlNodePtr cr = mark(ns, doc, "commentReference", sid);
	if (!an->start || !an->end || !an->ref || !cr) {
		xmlFreeNode(cr);
		anchor_free(an);
		return KB_ENOMEM;
	}
	xmlAddChild(an->ref, cr);
	return KB_OK;
}

/* Puts the anchor around the nodes first..last (siblings or not; first comes first in the document). */
static void anchor_around(anchor *an, xmlNodePtr first, xmlNodePtr last)
{
	xmlAddPrevSibling(first, an->start);
	xmlAddNextSibling(last, an->end);
	xmlAddNextSibling(an->end, an->ref);
	memset(an, 0, sizeof *an);
}

/* Anchors comment id on all of paragraph p: after its properties, to its end. */
static int anchor_paragraph(xmlNodePtr p, long id)
{
	anchor an;
	if (anchor_make(&an, p->ns, p->doc, id))
		return KB_ENOMEM;
	xmlNodePtr ppr = kb_w_child(p, "pPr");
	if (ppr)
		xmlAddNextSibling(ppr, an.start);
	else if (p->children)
		xmlAddPrevSibling(p->children, an.start);
	else
		xmlAddChild(p, an.start);
	xmlAddChild(p, an.end);
	xmlAddChild(p, an.ref);
	return KB_OK;
}

/* Anchors comment id on the bytes [s, e) of body paragraph p, or on all of it when the text there is not in plain
 * runs (*whole is then set). */
static int anchor_bytes(xmlNodePtr p, size_t s, size_t e, long id, int *whole)
{
	int rc = KB_OK;
	*whole = 0;
	/* Splitting never moves a byte, only the nodes around it. The start first: splitting at the end then only cuts
	 * runs after it, so the run that starts at s stays the one that does (the other order could move the end's
	 * run away when both are one run). */
	xmlNodePtr first = run_starting_at(p, s, &rc);
	xmlNodePtr last = !rc && first ? run_ending_at(p, e, &rc) : NULL;
	if (rc)
		return rc;
	if (!first || !last) {
		*whole = 1;
		return anchor_paragraph(p, id);
	}
	anchor an;
	if ((rc = anchor_make(&an, p->ns, p->doc, id)))
		return rc;
	anchor_around(&an, first, last);
	return KB_OK;
}

/* Anchors comment id on node n (a run in the body). */
static int anchor_node(xmlNodePtr n, long id)
{
	anchor an;
	if (anchor_make(&an, n->ns, n->doc, id))
		return KB_ENOMEM;
	anchor_around(&an, n, n);
	return KB_OK;
}

/* ---- where a finding's comment goes ---- */

typedef enum {
	AT_BYTES,     /* on the finding's bytes in its body paragraph */
	AT_PARAGRAPH, /* on a whole body paragraph */
	AT_NODE       /* on a run in the body (a text box, a note's reference mark) */
} anchor_kind;

typedef struct target {
	anchor_kind kind;
	xmlNodePtr node;   /* the paragraph, or the run */
	size_t start, end; /* AT_BYTES */
	const char *where; /* set when the comment sits elsewhere than its text: "sidehovedet", ... */
} target;

/* The run in the body that holds the text box paragraph p is in, or NULL when p is not in a text box. */
static xmlNodePtr text_box_run(xmlNodePtr p)
{
	xmlNodePtr box = w_ancestor(p, "txbxContent");
	xmlNodePtr run = NULL;
	while (box) {
		run = w_ancestor(box, "r");
		box = run ? w_ancestor(run, "txbxContent") : NULL; /* a text box in a text box: go out again */
	}
	return run;
}

/* The first (last) paragraph of the main document that is not in a text box, preferring those with text. */
static xmlNodePtr body_paragraph(const annot *a, int last)
{
	for (size_t k = 0; k < a->nparas; k++) {
		size_t i = last ? a->nparas - 1 - k : k;
		if (a->paras[i].part == 0 && !w_ancestor(a->paras[i].p, "txbxContent"))
			return a->paras[i].p;
	}
	kb_nodevec v = {0};
	xmlNodePtr found = NULL;
	xmlNodePtr root = xmlDocGetRootElement(a->docs[0]);
	if (root && !kb_w_paragraphs(&v, root, 1))
		for (size_t k = 0; k < v.n && !found; k++) {
			xmlNodePtr p = v.items[last ? v.n - 1 - k : k];
			if (!w_ancestor(p, "txbxContent"))
				found = p;
		}
	kb_nodevec_free(&v);
	return found;
}

/* The run in the main document that holds the reference mark of the footnote or endnote paragraph p is in. */
static xmlNodePtr note_reference_run(const annot *a, xmlNodePtr p, const char *note, const char *reference)
{
	xmlNodePtr fn = w_ancestor(p, note);
	xmlChar *id = fn ? kb_w_attr(fn, "id") : NULL;
	xmlNodePtr found = NULL;
	xmlNodePtr root = xmlDocGetRootElement(a->docs[0]);
	for (xmlNodePtr n = root; id && n && !found;) {
		if (kb_w_is(n, reference)) {
			xmlChar *rid = kb_w_attr(n, "id");
			if (rid && xmlStrEqual(rid, id) && kb_w_is(n->parent, "r"))
				found = n->parent;
			xmlFree(rid);
		}
		/* pre-order walk without recursion */
		if (n->children && n->type == XML_ELEMENT_NODE) {
			n = n->children;
			continue;
		}
		while (n && n != root && !n->next)
			n = n->parent;
		n = n && n != root ? n->next : NULL;
	}
	xmlFree(id);
	return found;
}

static int find_target(target *out, const annot *a, const kb_finding *f)
{
	memset(out, 0, sizeof *out);
	const kb_text *t = kb_letter_text(a->l);
	if (f->paragraph < 0 || (size_t)f->paragraph >= a->nparas) {
		out->kind = AT_PARAGRAPH;
		out->node = body_paragraph(a, 0);
		return out->node ? KB_OK : KB_ENOTFOUND;
	}
	const kb_paragraph *para = &t->paras[f->paragraph];
	xmlNodePtr p = a->paras[f->paragraph].p;
	switch (para->part) {
	case KB_PART_HEADER:
		out->where = "sidehovedet";
		out->kind = AT_PARAGRAPH;
		out->node = body_paragraph(a, 0);
		break;
	case KB_PART_FOOTER:
		out->where = "sidefoden";
		out->kind = AT_PARAGRAPH;
		out->node = body_paragraph(a, 1);
		break;
	case KB_PART_FOOTNOTE:
	case KB_PART_ENDNOTE: {
		int foot = para->part == KB_PART_FOOTNOTE;
		out->where = foot ? "fodnoten" : "slutnoten";
		out->kind = AT_NODE;
		out->node = note_reference_run(a, p, foot ? "footnote" : "endnote",
		                               foot ? "footnoteReference" : "endnoteReference");
		if (!out->node) {
			out->kind = AT_PARAGRAPH;
			out->node = body_paragraph(a, 0);
		}
		break;
	}
	default: {
		xmlNodePtr run = text_box_run(p);
		if (run) {
			out->where = "tekstfeltet";
			out->kind = AT_NODE;
			out->node = run;
			break;
		}
		/* the finding's bytes, widened to whole characters; nothing to point at: the paragraph */
		size_t s = f->start < para->len ? f->start : para->len;
		size_t e = f->len < para->len - s ? s + f->len : para->len;
		while (s > 0 && ((unsigned char)para->text[s] & 0xC0u) == 0x80u)
			s--;
		while (e < para->len && ((unsigned char)para->text[e] & 0xC0u) == 0x80u)
			e++;
		out->node = p;
		if (e > s) {
			out->kind = AT_BYTES;
			out->start = s;
			out->end = e;
		} else {
			out->kind = AT_PARAGRAPH;
		}
		break;
	}
	}
	return out->node ? KB_OK : KB_ENOTFOUND;
}

/* ---- the comments part ---- */

static xmlNsPtr w_ns_of(xmlNodePtr root)
{
	if (!root)
		return NULL;
	if (root->ns && root->ns->href &&
	    (xmlStrEqual(root->ns->href, BAD_CAST W_NS) || xmlStrEqual(root->ns->href, BAD_CAST W_NS_STRICT)))
		return root->ns;
	xmlNsPtr ns = xmlSearchNsByHref(root->doc, root, BAD_CAST W_NS);
	return ns ? ns : xmlSearchNsByHref(root->doc, root, BAD_CAST W_NS_STRICT);
}

/* The largest comment id in use below n (w:comment, the range marks and references), or -1. */
static long max_comment_id(xmlNodePtr root)
{
	long max = -1;
	for (xmlNodePtr n = root; n;) {
		if (kb_w_is(n, "comment") || kb_w_is(n, "commentRangeStart") || kb_w_is(n, "commentRangeEnd") ||
		    kb_w_is(n, "commentReference")) {
			xmlChar *id = kb_w_attr(n, "id");
			char *end = NULL;
			long v = id ? strtol((const char *)id, &end, 10) : -1;
			if (id && end && !*end && v > max && v < MAX_COMMENT_ID)
				max = v;
			xmlFree(id);
		}
		if (n->children && n->type == XML_ELEMENT_NODE) {
			n = n->children;
			continue;
		}
		while (n && n != root && !n->next)
			n = n->parent;
		n = n && n != root ? n->next : NULL;
	}
	return max;
}

/* Opens the document's comments part (found through the main document's relationships) or makes a new one. */
static int open_comments(annot *a)
{
	const kb_package *pkg = a->l->pkg;
	const char *main = a->l->parts[0].name;
	char *name = NULL;
	int rc = kb_package_related(&name, pkg, a->ctx, main, "/comments");
	if (rc == KB_OK) {
		a->comments_name = name;
		if ((rc = kb_package_parse(&a->comments, pkg, a->ctx, name)))
			return rc;
		a->croot = xmlDocGetRootElement(a->comments);
		if (!kb_w_is(a->croot, "comments"))
			return kb_ctx_fail(a->ctx, KB_EINPUT,
			                   "%s: %s er ikke en del med kommentarer (ingen w:comments)",
			                   kb_package_path(pkg), name);
		return KB_OK;
	}
	if (rc != KB_ENOTFOUND)
		return rc;
	kb_ctx_clear(a->ctx);
	/* a new part, named as Word names it unless the package has an entry of that name already */
	const char *slash = strrchr(main, '/');
	int dirlen = slash ? (int)(slash - main) + 1 : 0;
	char buf[1100];
	for (int k = 0; k < 100; k++) {
		if (k == 0)
			snprintf(buf, sizeof buf, "%.*scomments.xml", dirlen, main);
		else
			snprintf(buf, sizeof buf, "%.*scomments%d.xml", dirlen, main, k);
		if (!kb_package_has(pkg, buf))
			break;
	}
	if (kb_package_has(pkg, buf))
		return kb_ctx_fail(a->ctx, KB_EINPUT, "%s: der er intet ledigt navn til en del med kommentarer",
		                   kb_package_path(pkg));
	xmlNsPtr mns = w_ns_of(xmlDocGetRootElement(a->docs[0]));
	const char *href = mns ? (const char *)mns->href : W_NS;
	a->comments_new = 1;
	a->comments_name = kb_strdup(buf);
	a->comments = xmlNewDoc(BAD_CAST "1.0");
	a->croot = a->comments ? xmlNewDocNode(a->comments, NULL, BAD_CAST "comments", NULL) : NULL;
	xmlNsPtr ns = a->croot ? xmlNewNs(a->croot, BAD_CAST href, BAD_CAST "w") : NULL;
	if (!a->comments_name || !ns) {
		xmlFreeNode(a->croot);
		a->croot = NULL;
		return kb_ctx_fail(a->ctx, KB_ENOMEM, "ikke nok hukommelse");
	}
	xmlSetNs(a->croot, ns);
	xmlDocSetRootElement(a->comments, a->croot);
	return KB_OK;
}

/* Appends a paragraph holding text (one run) to comment c; with_ref puts Word's annotation mark in front. */
static int comment_paragraph(xmlNodePtr c, xmlNsPtr ns, const char *text, int with_ref)
{
	xmlNodePtr p = w_new(c->doc, ns, "p");
	if (!p)
		return KB_ENOMEM;
	xmlAddChild(c, p);
	if (with_ref) {
		xmlNodePtr r = w_new(c->doc, ns, "r");
		xmlNodePtr ar = w_new(c->doc, ns, "annotationRef");
		if (!r || !ar) {
			xmlFreeNode(r);
			xmlFreeNode(ar);
			return KB_ENOMEM;
		}
		xmlAddChild(r, ar);
		xmlAddChild(p, r);
	}
	xmlNodePtr r = w_new(c->doc, ns, "r");
	xmlNodePtr t = w_new(c->doc, ns, "t");
	if (!r || !t) {
		xmlFreeNode(r);
		xmlFreeNode(t);
		return KB_ENOMEM;
	}
	xmlAddChild(r, t);
	xmlAddChild(p, r);
	return set_t_text(t, text, strlen(text));
}

static const char *level_label(kb_level level)
{
	switch (level) {
	case KB_LEVEL_ERROR: return "Fejl";
	case KB_LEVEL_WARNING: return "Advarsel";
	default: return "Info";
	}
}

/* Writes the comment for finding f with id: what is wrong, the suggestions, which text it is about when the
 * comment sits elsewhere, and where the text came from when that helps the reader fix it. */
static int add_comment(annot *a, const kb_finding *f, const target *tg, long id)
{
	xmlNsPtr ns = w_ns_of(a->croot);
	xmlNodePtr c = ns ? w_new(a->comments, ns, "comment") : NULL;
	char sid[24];
	snprintf(sid, sizeof sid, "%ld", id);
	if (!c)
		return KB_ENOMEM;
	xmlAddChild(a->croot, c);
	int rc = w_set(c, ns, "id", sid);
	if (!rc)
		rc = w_set(c, ns, "author", a->author);
	if (!rc)
		rc = w_set(c, ns, "date", a->date);
	if (!rc)
		rc = w_set(c, ns, "initials", a->initials);
	kb_buf b;
	kb_buf_init(&b, MAX_COMMENT_TEXT);
	/* Fejl (stavning): Ukendt ord: »kontanthjlp«. */
	if (!rc)
		rc = kb_buf_printf(&b, "%s (", level_label(f->level));
	if (!rc)
		rc = add_clean(&b, f->rule ? f->rule : "?", strlen(f->rule ? f->rule : "?"));
	if (!rc)
		rc = kb_buf_adds(&b, "): ");
	if (!rc)
		rc = add_clean(&b, f->message ? f->message : "", strlen(f->message ? f->message : ""));
	if (!rc)
		rc = comment_paragraph(c, ns, b.data, 1);
	/* Forslag: »kontanthjælp«, »kontant hjælp«. */
	if (!rc && f->nsuggestions) {
		b.len = 0;
		rc = kb_buf_adds(&b, "Forslag: ");
		for (size_t i = 0; !rc && i < f->nsuggestions && i < MAX_SUGGESTIONS; i++) {
			if (i)
				rc = kb_buf_adds(&b, ", ");
			if (!rc)
				rc = add_quote(&b, f->suggestions[i], strlen(f->suggestions[i]));
		}
		if (!rc)
			rc = kb_buf_adds(&b, ".");
		if (!rc)
			rc = comment_paragraph(c, ns, b.data, 0);
	}
	/* Gælder »04812« i sidehovedet (afsnittet »Sagsnummer 04812«). */
	const kb_text *t = kb_letter_text(a->l);
	const kb_paragraph *para =
	    f->paragraph >= 0 && (size_t)f->paragraph < t->nparas ? &t->paras[f->paragraph] : NULL;
	if (!rc && tg->where && para) {
		size_t s = f->start < para->len ? f->start : para->len;
		size_t n = f->len < para->len - s ? f->len : para->len - s;
		b.len = 0;
		if (n && n < para->len) {
			rc = kb_buf_adds(&b, "Gælder ");
			if (!rc)
				rc = add_quote(&b, para->text + s, n);
			if (!rc)
				rc = kb_buf_printf(&b, " i %s (afsnittet ", tg->where);
			if (!rc)
				rc = add_quote(&b, para->text, para->len);
			if (!rc)
				rc = kb_buf_adds(&b, ").");
		} else {
			rc = kb_buf_printf(&b, "Gælder %s: ", tg->where);
			if (!rc)
				rc = add_quote(&b, para->text, para->len);
			if (!rc)
				rc = kb_buf_adds(&b, ".");
		}
		if (!rc)
			rc = comment_paragraph(c, ns, b.data, 0);
	}
	/* in a filled letter: who fixes it */
	const char *origin = f->origin;
	if (!rc && origin &&
	    (!strncmp(origin, "field:", 6) || !strncmp(origin, "partial:", 8) ||
	     (!strcmp(origin, "template") && a->l->fields))) {
		b.len = 0;
		if (!strncmp(origin, "field:", 6))
			rc = kb_buf_adds(&b, "Teksten kommer fra sagens felt ");
		else if (!strncmp(origin, "partial:", 8))
			rc = kb_buf_adds(&b, "Teksten kommer fra standardafsnittet ");
		else
			rc = kb_buf_adds(&b, "Teksten står i skabelonen: sig det til skabelonens ejer.");
		const char *name = strchr(origin, ':');
		if (!rc && name && strcmp(origin, "template")) {
			rc = add_quote(&b, name + 1, strlen(name + 1));
			if (!rc)
				rc = kb_buf_adds(&b, !strncmp(origin, "field:", 6) ? ": ret den i sagen."
				                                                   : ": sig det til skabelonens ejer.");
		}
		if (!rc)
			rc = comment_paragraph(c, ns, b.data, 0);
	}
	kb_buf_free(&b);
	return rc == KB_ELIMIT ? KB_OK : rc; /* a comment cut short by the cap still says what matters first */
}

/* ---- the whole job ---- */

static int date_now(char out[32])
{
	time_t now = time(NULL);
	struct tm tmv;
	if (now == (time_t)-1 || !gmtime_r(&now, &tmv))
		return -1;
	return strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tmv) ? 0 : -1;
}

/* 1 when s has the form YYYY-MM-DDTHH:MM:SSZ, the xsd:dateTime Word writes. */
static int valid_date(const char *s)
{
	static const char form[] = "dddd-dd-ddTdd:dd:ddZ";
	if (strlen(s) != sizeof form - 1)
		return 0;
	for (size_t i = 0; form[i]; i++)
		if (form[i] == 'd' ? !isdigit((unsigned char)s[i]) : s[i] != form[i])
			return 0;
	return 1;
}

typedef struct order_item {
	size_t index;
	long paragraph;
	size_t start;
} order_item;

static int order_cmp(const void *x, const void *y)
{
	const order_item *a = x, *b = y;
	if (a->paragraph != b->paragraph)
		return a->paragraph < b->paragraph ? -1 : 1;
	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	return a->index < b->index ? -1 : a->index > b->index;
}

static void annot_free(annot *a)
{
	for (size_t i = 0; a->docs && i < a->l->nparts; i++)
		xmlFreeDoc(a->docs[i]);
	free(a->docs);
	free(a->dirty);
	free(a->paras);
	xmlFreeDoc(a->comments);
	free(a->comments_name);
}

int kb_letter_save_annotated(const kb_letter *l, kb_ctx *ctx, const char *path, const kb_findings *fs,
                             const kb_annotate_options *opts)
{
	if (!l->pkg)
		return kb_ctx_fail(
		    ctx, KB_EUSAGE,
		    "%s: et .txt-brev kan ikke få kommentarer; kommentarer kræver et Word-dokument (.docx)", l->name);
	if (!l->nparts || l->parts[0].kind != KB_PART_BODY)
		return kb_ctx_fail(ctx, KB_EINPUT, "%s: brevet har ingen hoveddel (word/document.xml)", l->name);
	annot a = {.l = l, .ctx = ctx};
	a.author = opts && opts->author ? opts->author : KB_ANNOTATE_AUTHOR;
	a.initials = opts && opts->initials ? opts->initials : KB_ANNOTATE_INITIALS;
	order_item *order = NULL;
	kb_package_entry *entries = NULL;
	char **data = NULL;
	size_t nentries = 0;
	int rc = KB_OK;
	if (opts && opts->date) {
		if (!valid_date(opts->date))
			return kb_ctx_fail(ctx, KB_EUSAGE,
			                   "kommentarernes dato \"%s\" skal skrives ÅÅÅÅ-MM-DDTTT:MM:SSZ", opts->date);
		snprintf(a.date, sizeof a.date, "%s", opts->date);
	} else if (date_now(a.date)) {
		return kb_ctx_fail(ctx, KB_EUSAGE, "uret kan ikke læses til kommentarernes dato");
	}

	size_t np = l->nparts;
	a.docs = calloc(np, sizeof *a.docs);
	a.dirty = calloc(np, sizeof *a.dirty);
	if (!a.docs || !a.dirty) {
		rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
		goto done;
	}
	for (size_t i = 0; i < np; i++) {
		a.dirty[i] = l->parts[i].changed;
		if (!(a.docs[i] = xmlCopyDoc(l->parts[i].doc, 1))) {
			rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
			goto done;
		}
	}
	if ((rc = map_paragraphs(&a)) || (rc = open_comments(&a)))
		goto done;
	xmlNsPtr mns = w_ns_of(xmlDocGetRootElement(a.docs[0]));
	a.strict = mns && xmlStrEqual(mns->href, BAD_CAST W_NS_STRICT);
	long max = max_comment_id(a.croot);
	for (size_t i = 0; i < np; i++) {
		long m = max_comment_id(xmlDocGetRootElement(a.docs[i]));
		if (m > max)
			max = m;
	}
	a.next_id = max + 1;

	/* comments in document order, so their ids ascend as Word numbers them */
	size_t n = kb_findings_count(fs);
	order = calloc(n ? n : 1, sizeof *order);
	if (!order) {
		rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		const kb_finding *f = kb_findings_get(fs, i);
		order[i] = (order_item){.index = i, .paragraph = f->paragraph, .start = f->start};
	}
	qsort(order, n, sizeof *order, order_cmp);
	for (size_t k = 0; k < n; k++) {
		const kb_finding *f = kb_findings_get(fs, order[k].index);
		target tg;
		if (find_target(&tg, &a, f) != KB_OK) {
			rc = kb_ctx_fail(ctx, KB_EINPUT,
			                 "%s: dokumentet har intet afsnit i brødteksten at sætte kommentarer på",
			                 l->name);
			goto done;
		}
		if (a.next_id >= MAX_COMMENT_ID) {
			rc = kb_ctx_fail(ctx, KB_ELIMIT, "%s: for mange kommentarer", l->name);
			goto done;
		}
		long id = a.next_id++;
		int whole = 0;
		if (tg.kind == AT_BYTES)
			rc = anchor_bytes(tg.node, tg.start, tg.end, id, &whole);
		else if (tg.kind == AT_NODE)
			rc = anchor_node(tg.node, id);
		else
			rc = anchor_paragraph(tg.node, id);
		if (!rc)
			rc = add_comment(&a, f, &tg, id);
		if (rc) {
			rc = kb_ctx_fail(ctx, rc, "ikke nok hukommelse");
			goto done;
		}
		a.dirty[0] = 1;
	}

	/* the parts to write: each changed part, and the comments */
	entries = calloc(np + 1, sizeof *entries);
	data = calloc(np + 1, sizeof *data);
	if (!entries || !data) {
		rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
		goto done;
	}
	for (size_t i = 0; i < np; i++) {
		if (!a.dirty[i])
			continue;
		size_t len = 0;
		if ((rc = kb_xml_serialize(&data[nentries], &len, ctx, a.docs[i])))
			goto done;
		entries[nentries] = (kb_package_entry){.name = l->parts[i].name, .data = data[nentries], .len = len};
		nentries++;
	}
	if (n) {
		size_t len = 0;
		if ((rc = kb_xml_serialize(&data[nentries], &len, ctx, a.comments)))
			goto done;
		entries[nentries] = (kb_package_entry){.name = a.comments_name, .data = data[nentries], .len = len};
		if (a.comments_new) {
			entries[nentries].content_type = COMMENTS_CT;
			entries[nentries].source = l->parts[0].name;
			entries[nentries].rel_type = a.strict ? COMMENTS_REL_STRI : COMMENTS_REL;
		}
		nentries++;
	}
	rc = kb_package_write(l->pkg, ctx, path, entries, nentries);
done:
	for (size_t i = 0; data && i < nentries; i++)
		free(data[i]);
	free(data);
	free(entries);
	free(order);
	annot_free(&a);
	return rc;
}
