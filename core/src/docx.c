/* docx.c -- WordprocessingML helpers: element tests, paragraph lists, the text walk of one paragraph. */
#include "docx.h"

#include <stdlib.h>
#include <string.h>

#define W_NS "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define W_NS_STRICT "http://purl.oclc.org/ooxml/wordprocessingml/main"
#define MC_NS "http://schemas.openxmlformats.org/markup-compatibility/2006"

static int ns_is_w(const xmlNs *ns)
{
	return ns && ns->href &&
	       (!strcmp((const char *)ns->href, W_NS) || !strcmp((const char *)ns->href, W_NS_STRICT));
}

int kb_w_is(const xmlNode *n, const char *local)
{
	return n && n->type == XML_ELEMENT_NODE && ns_is_w(n->ns) && !strcmp((const char *)n->name, local);
}

int kb_mc_is(const xmlNode *n, const char *local)
{
	return n && n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
	       !strcmp((const char *)n->ns->href, MC_NS) && !strcmp((const char *)n->name, local);
}

xmlChar *kb_w_attr(const xmlNode *n, const char *local)
{
	for (const xmlAttr *a = n ? n->properties : NULL; a; a = a->next) {
		if (ns_is_w(a->ns) && !strcmp((const char *)a->name, local))
			return xmlNodeGetContent((const xmlNode *)a);
	}
	return NULL;
}

xmlNodePtr kb_w_child(const xmlNode *n, const char *local)
{
	for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
		if (kb_w_is(c, local))
			return c;
	return NULL;
}

int kb_nodevec_push(kb_nodevec *v, xmlNodePtr node)
{
	if (v->n == v->cap) {
		size_t ncap = v->cap ? v->cap * 2 : 32;
		xmlNodePtr *ni = realloc(v->items, ncap * sizeof *ni);
		if (!ni)
			return KB_ENOMEM;
		v->items = ni;
		v->cap = ncap;
	}
	v->items[v->n++] = node;
	return KB_OK;
}

void kb_nodevec_free(kb_nodevec *v)
{
	free(v->items);
	v->items = NULL;
	v->n = v->cap = 0;
}

/* Pre-order walk without recursion, so a deeply nested hostile document cannot exhaust the stack. */
int kb_w_paragraphs(kb_nodevec *out, xmlNodePtr root, int skip_fallback)
{
	xmlNodePtr n = root;
	while (n) {
		int descend = 1;
		if (n->type != XML_ELEMENT_NODE)
			descend = 0;
		else if (skip_fallback && kb_mc_is(n, "Fallback"))
			descend = 0;
		else if (kb_w_is(n, "p")) {
			int rc = kb_nodevec_push(out, n);
			if (rc)
				return rc;
		}
		if (descend && n->children) {
			n = n->children;
			continue;
		}
		while (n && n != root && !n->next)
			n = n->parent;
		if (!n || n == root)
			break;
		n = n->next;
	}
	return KB_OK;
}

int kb_w_walk_paragraph(xmlNodePtr p, int (*fn)(void *ud, kb_w_item item, xmlNodePtr node), void *ud)
{
	xmlNodePtr n = p->children;
	while (n) {
		int descend = 0;
		if (n->type == XML_ELEMENT_NODE) {
			int rc = 0;
			if (kb_w_is(n, "t"))
				rc = fn(ud, KB_W_TEXT, n);
			else if (kb_w_is(n, "tab") && n->parent && kb_w_is(n->parent, "r"))
				rc = fn(ud, KB_W_TAB, n);
			else if (kb_w_is(n, "br") || kb_w_is(n, "cr"))
				rc = fn(ud, KB_W_BREAK, n);
			else if (kb_w_is(n, "noBreakHyphen"))
				rc = fn(ud, KB_W_HYPHEN, n);
			else if (!kb_w_is(n, "p") && !kb_w_is(n, "del") && !kb_w_is(n, "pPr") && !kb_w_is(n, "rPr") &&
			         !kb_w_is(n, "instrText") && !kb_w_is(n, "delText") && !kb_mc_is(n, "Fallback"))
				descend = 1;
			if (rc)
				return rc;
		}
		if (descend && n->children) {
			n = n->children;
			continue;
		}
		while (n && n != p && !n->next)
			n = n->parent;
		if (!n || n == p)
			break;
		n = n->next;
	}
	return 0;
}

xmlNodePtr kb_w_ancestor(const xmlNode *n, const char *local)
{
	for (xmlNodePtr a = n ? n->parent : NULL; a; a = a->parent)
		if (kb_w_is(a, local))
			return a;
	return NULL;
}

int kb_w_in_table(const xmlNode *n)
{
	for (const xmlNode *a = n ? n->parent : NULL; a; a = a->parent)
		if (kb_w_is(a, "tc"))
			return 1;
	return 0;
}
