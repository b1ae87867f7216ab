/*
 * letter.h -- the letter object shared by the template renderer (template.c), the letter reader (letter.c) and the
 * checker: the DOCX parts as libxml2 trees, which text nodes came from which field, and the text model built from
 * them.
 */
#ifndef KB_LETTER_H
#define KB_LETTER_H

#include "internal.h"
#include "package.h"

#include <jansson.h>
#include <libxml/tree.h>

typedef struct kb_letter_part {
	char *name;
	kb_part_kind kind;
	xmlDocPtr doc;
	int changed; /* 1: serialise on save; 0: copy the original entry raw */
} kb_letter_part;

/* A w:t node the renderer created for a field value, and where its text came from. */
typedef struct kb_origin_entry {
	const xmlNode *node;
	char *origin;   /* "field:modtager.navn" */
	unsigned flags; /* KB_SPAN_* */
} kb_origin_entry;

/* Which paragraph styles of a document are headings, and of what level (from styles.xml). */
typedef struct kb_style_map kb_style_map;

/* Reads the styles of pkg (none when pkg is NULL or has no readable styles part: no style is a heading then).
 * KB_ENOMEM only. Caller frees with kb_style_map_free(). A map is only read after it is made, so one map may serve
 * letters on several threads. */
int kb_style_map_load(kb_style_map **out, const kb_package *pkg, kb_ctx *ctx);
void kb_style_map_free(kb_style_map *m);

struct kb_letter {
	char *name;           /* file or template path, for messages */
	kb_package *pkg;      /* NULL for a .txt letter */
	int owns_pkg;         /* 0 when borrowed from the template it was rendered from */
	const kb_style_map *styles; /* the template's (borrowed), or own_styles, or NULL until the text is built */
	kb_style_map *own_styles;
	kb_letter_part *parts;
	size_t nparts;
	kb_origin_entry *origins; /* sorted by node once the text is built */
	size_t norigins, origins_cap;
	kb_text *text;
	json_t *fields;       /* the case data (own reference), or NULL */
	json_t *manifest;     /* the template manifest (own reference), or NULL */
	char *outcome;        /* or NULL */
	int outcome_given;    /* 1: the front matter states the outcome; a template or case given later keeps it */
	int written;          /* 1: opened from a file a person wrote (or saved): its text's origin is "letter", not
	                         "template" */
};

/* A letter's front matter: lines between a first line "---" and the next "---" at the start of a .txt letter or a
 * plugin's example or test file, each "key: value" -- outcome (udfald), case (sag: a .json file, or a JSON object
 * on the line), template (skabelon: a template folder or its manifest .json). Paths are relative to base_dir (NULL:
 * as given) and are joined here. */
typedef struct kb_front_matter {
	char *outcome;       /* or NULL */
	char *case_path;     /* or NULL */
	char *case_inline;   /* the JSON object written on the line, or NULL */
	char *template_path; /* or NULL */
	size_t body;         /* bytes of utf8 before the text (0: no front matter) */
	size_t lines;        /* lines before the text (the closing "---" is the last): the text starts on line lines+1 */
} kb_front_matter;

/* Reads the front matter at the start of utf8[0..len) (a byte order mark first is skipped). No front matter is
 * KB_OK with out->body 0. A front matter that never closes, an unknown key (with the nearest one), a key twice or a
 * line without ':' is KB_EINPUT naming name and the line. Free with kb_front_matter_clear(). */
int kb_front_matter_read(kb_front_matter *out, kb_ctx *ctx, const char *utf8, size_t len, const char *name,
                         const char *base_dir);
void kb_front_matter_clear(kb_front_matter *fm);

/* Gives l (a letter just read, without a case of its own) what a fill of the front matter's template and case would
 * give its checks, as kb_front_matter_load finds it: the manifest, the case checked against it, the outcome stated
 * (kept when a template or case is given later) or else the one fill would find. */
int kb_letter_apply_front_matter(kb_letter *l, kb_ctx *ctx, const kb_front_matter *fm);

/* The manifest, case data and outcome of the front matter fm (NULL: none) as new references/strings (each NULL when
 * not given): the case checked against the manifest as fill checks it, the outcome stated or else the one fill
 * would find. For plugin test, whose cases are no kb_letter. */
int kb_front_matter_load(json_t **manifest, json_t **fields, char **outcome, kb_ctx *ctx, const kb_front_matter *fm,
                         const char *name);

/* Records that node's text came from origin (copied). */
int kb_letter_add_origin(kb_letter *l, const xmlNode *node, const char *origin, unsigned flags);

/* Builds l->text from l->parts: every paragraph of every part in order (the main document first), with spans from
 * the origin table, style, heading level and table flags. */
int kb_letter_build_text(kb_letter *l, kb_ctx *ctx);

/* How plain text joins paragraph p to prev, the paragraph written before it: " · " when p is the next cell of the
 * same table row, " " when it is the next paragraph of the same cell, NULL when p starts a line of its own. prev may
 * be NULL. Static strings. */
const char *kb_paragraph_row_join(const kb_paragraph *prev, const kb_paragraph *p);

/* Allocates an empty letter. Caller frees with kb_letter_free(). */
int kb_letter_alloc(kb_letter **out, const char *name);

/* The case's JSON object (borrowed), for the template renderer. */
const json_t *kb_case_json(const kb_case *c);
const char *kb_case_name(const kb_case *c);
/* A case from a parsed JSON value (klarbrev batch reads JSON Lines and CSV itself): the same checks as
 * kb_case_load_buffer after parsing (an object; its "ignore" list). Takes root's reference, also on failure; name is
 * used in messages. Caller frees *out with kb_case_free(). */
int kb_case_from_json(kb_case **out, kb_ctx *ctx, json_t *root, const char *name);
/* The template's manifest, NULL when it has none. Borrowed; valid while the template lives. (template.c) */
const json_t *kb_template_manifest(const kb_template *t);

#endif
