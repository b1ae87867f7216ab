/*
 * mustache.h -- the plain-text Mustache engine: a template is compiled once (with every partial it can reach) and
 * rendered many times against JSON case data. It follows the core modules of the Mustache spec (comments,
 * delimiters, interpolation, inverted, partials, sections; no lambdas). What stands inside a tag is a klarbrev
 * expression (expr.h): a dotted path with optional formatters after pipes.
 *
 *   kb_mustache *m = NULL;
 *   kb_mustache_options o = { .load_partial = my_loader, .ud = dir };
 *   if (!kb_mustache_compile(&m, ctx, src, len, "brev.txt", &o))
 *           rc = kb_mustache_render(&text, &text_len, ctx, m, case_json);
 *   kb_mustache_free(m);
 *
 * Ownership: the compiled template copies everything it needs (source, name, delimiters); the caller's buffers
 * and options may go away after kb_mustache_compile returns.
 *
 * Limits against hostile templates and cases: section nesting per template (KB_MUSTACHE_MAX_DEPTH), partials
 * inside partials while rendering (KB_MUSTACHE_MAX_PARTIAL_DEPTH), the number of distinct partials, the size of
 * the output and the number of rendering steps (each a KB_ELIMIT with a message that names the place).
 */
#ifndef KB_MUSTACHE_H
#define KB_MUSTACHE_H

#include "internal.h"

#include <jansson.h>

#define KB_MUSTACHE_MAX_DEPTH 100          /* open sections inside one template */
#define KB_MUSTACHE_MAX_PARTIAL_DEPTH 20   /* a partial rendering a partial ... */
#define KB_MUSTACHE_MAX_PARTIALS 1000      /* distinct partial names reachable from one template */
#define KB_MUSTACHE_MAX_OUTPUT KB_MAX_TEXT_BYTES /* default output cap: 64 MiB */
#define KB_MUSTACHE_MAX_STEPS 2000000u     /* default cap on nodes rendered (loops inside loops) */
#define KB_MUSTACHE_MAX_DELIM 16           /* bytes in one delimiter */

/* Loads the source of the partial called name (as written in the tag, white space trimmed). On success *out is
 * a malloc'd buffer (the engine frees it with free()) of *len bytes. A partial that does not exist is either
 * *out = NULL with 0 (it renders as nothing, as the spec says) or an error code with a message on ctx, which
 * fails the compile unchanged. */
typedef int (*kb_mustache_loader)(char **out, size_t *len, kb_ctx *ctx, const char *name, void *ud);

typedef struct kb_mustache_options {
	const char *open, *close;         /* initial delimiters, also for every partial; NULL: "{{" and "}}" */
	int no_escape;                    /* 1: {{x}} is written as it is; 0 (default): & < > " are HTML-escaped */
	kb_mustache_loader load_partial;  /* NULL: every partial is missing and renders as nothing */
	void *ud;                         /* passed to load_partial */
	size_t max_output;                /* bytes; 0: KB_MUSTACHE_MAX_OUTPUT */
	size_t max_steps;                 /* 0: KB_MUSTACHE_MAX_STEPS */
} kb_mustache_options;

typedef struct kb_mustache kb_mustache;

/* Compiles src[0..len) called name (used in messages: «brev.txt, linje 3: {{/b}} lukker ikke {{#a}}») and every
 * partial reachable from it through opts->load_partial. opts may be NULL for the defaults. Errors: KB_EINPUT for
 * a template problem (unclosed or mismatched section, unclosed tag, bad delimiters, a tag that is not an
 * expression), KB_ELIMIT, KB_ENOMEM, or the loader's code. Caller frees *out with kb_mustache_free(). */
int kb_mustache_compile(kb_mustache **out, kb_ctx *ctx, const char *src, size_t len, const char *name,
                        const kb_mustache_options *opts);

/* Renders m with data as the bottom of the context stack. *out is NUL-terminated, *out_len bytes (may hold NUL
 * bytes from the data); caller frees *out. A missing field renders as nothing. Errors: KB_EINPUT when a value
 * cannot be written (a list or object in {{x}}, a formatter that fails), KB_ELIMIT, KB_ENOMEM; the message names
 * the template and line. m is not changed, so one template may be rendered from several threads. */
int kb_mustache_render(char **out, size_t *out_len, kb_ctx *ctx, const kb_mustache *m, const json_t *data);

void kb_mustache_free(kb_mustache *m);

#endif
