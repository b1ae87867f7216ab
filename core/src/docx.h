/*
 * docx.h -- WordprocessingML helpers shared by the template engine and the letter reader: recognising w: elements
 * (transitional and strict namespaces), listing paragraphs, and walking the text of one paragraph in reading order.
 */
#ifndef KB_DOCX_H
#define KB_DOCX_H

#include "internal.h"

#include <libxml/tree.h>

/* 1 when n is an element of the WordprocessingML namespace with that local name. */
int kb_w_is(const xmlNode *n, const char *local);
/* 1 when n is an element of the markup-compatibility namespace with that local name ("AlternateContent",
 * "Fallback"). */
int kb_mc_is(const xmlNode *n, const char *local);
/* The value of w:<local> on n (either namespace), or NULL. Caller frees with
 * xmlFree(). */
xmlChar *kb_w_attr(const xmlNode *n, const char *local);
/* The first child element w:<local> of n, or NULL. */
xmlNodePtr kb_w_child(const xmlNode *n, const char *local);

typedef struct kb_nodevec {
	xmlNodePtr *items;
	size_t n, cap;
} kb_nodevec;

int kb_nodevec_push(kb_nodevec *v, xmlNodePtr node);
void kb_nodevec_free(kb_nodevec *v);

/* Every w:p below root in document (pre-)order: an outer paragraph comes before the paragraphs of a text box inside
 * it. With skip_fallback, paragraphs inside mc:Fallback are left out (Word stores text boxes twice: the Choice and a
 * Fallback copy; readers take the Choice). */
int kb_w_paragraphs(kb_nodevec *out, xmlNodePtr root, int skip_fallback);

/* What a paragraph's walk meets, in reading order. */
typedef enum {
	KB_W_TEXT,   /* a w:t; the node is given */
	KB_W_TAB,    /* w:tab (as text: '\t') */
	KB_W_BREAK,  /* w:br, w:cr (as text: '\n') */
	KB_W_HYPHEN  /* w:noBreakHyphen (as text: '-') */
} kb_w_item;

/* Calls fn for each text item of paragraph p, not descending into nested paragraphs (text boxes), deleted text
 * (w:del), field instructions, or the paragraph properties. Stops and returns fn's value when it is non-zero. */
int kb_w_walk_paragraph(xmlNodePtr p, int (*fn)(void *ud, kb_w_item item, xmlNodePtr node), void *ud);

/* 1 when n lies inside a table cell (a w:tc ancestor). */
int kb_w_in_table(const xmlNode *n);

/* The nearest ancestor of n that is w:<local> (a paragraph's cell "tc", a cell's row "tr"), or NULL. */
xmlNodePtr kb_w_ancestor(const xmlNode *n, const char *local);

#endif
