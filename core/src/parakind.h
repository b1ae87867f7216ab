/*
 * parakind.h -- what each paragraph of a letter is (prose, heading, the address block, the closing, ...) and which
 * section it stands in, as the plugins see it (paragraph.kind, .section, .topic). The rules were tekst.lua's
 * prepare(); they are here so that every plugin gets them without walking the whole letter, and so that a
 * paragraph visitor can read them (they are part of the paragraph memo's key).
 */
#ifndef KB_PARAKIND_H
#define KB_PARAKIND_H

#include "internal.h"

typedef enum {
	KB_KIND_PROSE = 0, /* the letter's own text */
	KB_KIND_HEADING,   /* a heading: a heading style, or a short line that does not end like a sentence */
	KB_KIND_HEAD,      /* the particulars before the text: address, date, case number, salutation */
	KB_KIND_CLOSING,   /* the greeting and everything after it (signature) */
	KB_KIND_TABLE,     /* a paragraph in a table cell */
	KB_KIND_PART,      /* header, footer, notes */
	KB_KIND_EMPTY      /* no words */
} kb_para_kind;

/* The topic of a heading, and so of the section it opens. */
typedef enum {
	KB_TOPIC_NONE = 0, /* no heading yet, or not prose/table (section), or not a heading (topic) */
	KB_TOPIC_KLAGE,       /* "klage" */
	KB_TOPIC_REGLER,      /* "regler": the rules, an annex of law text */
	KB_TOPIC_BEGRUNDELSE, /* "begrundelse" */
	KB_TOPIC_AFGOERELSE,  /* "afgoerelse" */
	KB_TOPIC_ANDET        /* "andet" */
} kb_para_topic;

typedef struct kb_para_class {
	kb_para_kind kind;
	kb_para_topic section; /* for prose and table paragraphs: the topic of the last heading before them */
	kb_para_topic topic;   /* for headings: their own topic */
} kb_para_class;

/* One class per paragraph of t into out[0..t->nparas) (the caller's array). */
void kb_parakind_classify(kb_para_class *out, const kb_text *t);

/* "prose", "heading", ...; "klage", "regler", ... (NULL for KB_TOPIC_NONE). Static strings. */
const char *kb_parakind_kind_name(kb_para_kind k);
const char *kb_parakind_topic_name(kb_para_topic t);

#endif
