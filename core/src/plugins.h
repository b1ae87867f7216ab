/*
 * plugins.h -- the Lua 5.4 host: loads rule plugins (one Lua state each, sandboxed, with a memory cap and a time
 * budget), walks the letter and calls their visitors, and turns report(...) calls into findings.
 */
#ifndef KB_PLUGINS_H
#define KB_PLUGINS_H

#include "internal.h"
#include "spell.h"

#include <jansson.h>

/* What the plugins see of one letter. Everything is borrowed for the duration of kb_plugins_run(). */
typedef struct kb_check_input {
	const kb_text *text;
	const json_t *fields;   /* the case data (an object), or NULL for a letter without a case */
	const json_t *manifest; /* the template manifest, or NULL */
	const char *outcome;    /* the outcome field's value ("afslag", ...), or NULL */
	int not_danish;         /* 1 when the spelling judged the text not Danish ("ikke-dansk"): letter.danish is
	                           false; 0 (the default) when it is Danish or was not judged */
	int not_decision;       /* 1: the text is no decision (check --kind tekst): plugins with decisions_only = true
	                           do not run */
} kb_check_input;

typedef struct kb_plugins kb_plugins;
typedef struct kb_config kb_config;

/* speller is borrowed (it must outlive the plugins) and may be NULL: a run without a dictionary (--no-spell), where
 * klarbrev.dictionary is false, klarbrev.spell gives nil and klarbrev.suggest and klarbrev.analyze an empty list.
 * Caller frees with kb_plugins_free(). */
int kb_plugins_new(kb_plugins **out, kb_ctx *ctx, kb_speller *speller);
void kb_plugins_free(kb_plugins *ps);

/* Reads the shared helper libraries in dir (the .lua files of plugins/lib; a missing dir is fine). Each runs in every
 * plugin's state before the plugin's own file, with the same sandbox and budget, and the table it returns is
 * klarbrev.lib.<file name>: `local tekst = klarbrev.lib.tekst`. Call before loading plugins. */
int kb_plugins_load_libs(kb_plugins *ps, kb_ctx *ctx, const char *dir);

/* Loads every *.lua file of dir in name order. A plugin that fails to load does not fail this call: it is kept as a
 * broken plugin and becomes an error finding (rule "plugin") on every run. A missing dir is KB_ENOTFOUND. */
int kb_plugins_load_dir(kb_plugins *ps, kb_ctx *ctx, const char *dir);
/* Loads one plugin file, same rules. Findings and messages name it by its folder and file name
 * ("plugins/readability.lua"). A file that does not exist is KB_ENOTFOUND. */
int kb_plugins_load_file(kb_plugins *ps, kb_ctx *ctx, const char *path);
/* Same, with the name findings and messages use for the file given (display; copied). */
int kb_plugins_load_named(kb_plugins *ps, kb_ctx *ctx, const char *path, const char *display);

/* The limits of every plugin, loaded already or not: the memory its Lua state may hold (0: 64 MiB) and the time it
 * may spend on one letter, or on running its file when it loads (0: 2000 ms). Tests and the config file set them. */
void kb_plugins_set_limits(kb_plugins *ps, size_t mem_bytes, unsigned time_ms);

size_t kb_plugins_count(const kb_plugins *ps);

/* on 1: no paragraph memo; every paragraph of every letter is walked by every visitor (the memo is described at
 * pl_walk in plugins.c). The environment variable KLARBREV_FULL_CHECK=1, read when the list is made, does the same;
 * 0 does not turn it back on. The findings are the same either way. */
void kb_plugins_set_full_check(kb_plugins *ps, int on);

/* The paragraph memo of every plugin together: paragraphs handed out from it and paragraphs looked up but walked,
 * its entries and their bytes (for the benchmark and tests). */
void kb_plugins_memo_stats(const kb_plugins *ps, size_t *hits, size_t *misses, size_t *entries, size_t *bytes);

/* The config file (borrowed: it must outlive the plugins), or NULL. Set it before loading: a plugin takes its level,
 * options, ignored phrases and whether it is switched on from its [plugin id] section each time its state is made;
 * the limits come from [klarbrev]. */
void kb_plugins_set_config(kb_plugins *ps, const kb_config *cfg);

/* After loading: the problems of the config file that only the loaded plugins show (an option a plugin does not
 * have or of the wrong type, an ignored phrase it does not have, a [plugin id] for no plugin), each a detail on ctx
 * ("kommune.ini:12: ..."), KB_EINPUT; one problem is the message itself. KB_OK when there are none. */
int kb_plugins_check_config(kb_plugins *ps, kb_ctx *ctx);

/* What `klarbrev plugin list` shows of plugin i (after the config file). Borrowed; valid until the plugins are
 * freed or run (a run may make a plugin's state again). */
void kb_plugins_info(const kb_plugins *ps, size_t i, kb_plugin_info *out);

/* Copies of the examples of plugin i: its ok and bad texts as NULL-terminated arrays; free both with
 * kb_strv_free(). A plugin without examples gives two empty arrays. Returns 0, KB_EUSAGE (no such plugin) or
 * KB_ENOMEM. */
int kb_plugins_examples(char ***ok, size_t *nok, char ***bad, size_t *nbad, const kb_plugins *ps, size_t i);

/* Runs every plugin over one letter, appending findings: its visitors, and its replace and avoid lists (searched by
 * the core, see phrases.h). A plugin that errors or exceeds a limit becomes one error finding with its file and
 * line; the others still run. A plugin the config file switched off does not run, unless it could not load (a
 * broken rule set always stops the letter). Fails only for out of memory. */
int kb_plugins_run(kb_plugins *ps, kb_ctx *ctx, const kb_check_input *in, kb_findings *out);

#endif
