/*
 * partials.h -- finding a standard paragraph (a partial, {{> klagevejledning/ankestyrelsen}}) by name in a list of
 * folders. Every command that inserts partials (fill, template lint, template fields, render) searches the same way:
 * the folders in the order the caller gives, the first file found wins. The search order itself is the CLI's
 * (cli_partials_dirs() in core/cli/main.c; docs/templates.md describes it).
 */
#ifndef KB_PARTIALS_H
#define KB_PARTIALS_H

#include "internal.h"

/* 1 when name may name a partial: a relative path below the partials folder (not empty, no "..", no leading "/",
 * no backslash). */
int kb_partial_name_ok(const char *name);

/* Finds partial name in dirs (NULL-terminated, searched in order; a folder that does not exist is skipped) with the
 * first of exts (NULL-terminated, e.g. ".docx", ".txt") that exists as a file. *out is the path (caller frees).
 * When nothing is found: KB_ENOTFOUND, and ctx's message (Danish, one line, without the partial's name first, so the
 * caller can put it after its own words) names every folder searched, the nearest existing partial ("mente du ...?"),
 * the partials that exist, and then hint (how to point elsewhere; may be NULL). A bad name is KB_EINPUT. */
int kb_partial_find(char **out, kb_ctx *ctx, const char *const *dirs, const char *name, const char *const *exts,
                    const char *hint);

#endif
