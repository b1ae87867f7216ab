/*
 * config.h -- the config file: a municipality's plugin folders, word lists, plugin options and levels, plugins and
 * rules switched off. docs/plugins.md describes the format for the people who write it:
 *
 *   # comment lines start with # or ;
 *   [klarbrev]
 *   plugin_folder = regler            ; repeatable; relative to the config file's folder
 *   word_list = ordlister/kommune.dic ; repeatable; a .dic file or a folder of them
 *   word_list_encoding = windows-1252 ; the character set of the word_list lines after it (default utf-8)
 *   plugin_memory_mb = 64
 *   plugin_time_ms = 2000
 *
 *   [plugin readability]              ; one section per plugin id
 *   level = error                     ; error | warning | info
 *   enabled = no                      ; yes | no
 *   ignore = i henhold til, såfremt   ; phrases of its replace/avoid lists to leave alone
 *   max_words = 20                    ; any other key is one of the plugin's options
 *
 *   [rules]                           ; single rules (the id in a finding's [...]), from any plugin
 *   passiv = off                      ; off | error | warning | info
 *
 * Every problem is found at once and named with file and line. The parsed config is read-only for everyone but
 * config.c.
 */
#ifndef KB_CONFIG_H
#define KB_CONFIG_H

#include "internal.h"
#include "spell.h"

typedef struct kb_config_value {
	char *key, *value;
	int line;
} kb_config_value;

typedef struct kb_config_plugin {
	char *id;
	int line;    /* of the [plugin id] line */
	int enabled; /* 1 unless "enabled = no" */
	int has_level;
	kb_level level;
	char **ignore; /* phrases; NULL-terminated, or NULL */
	size_t nignore;
	int ignore_line;
	kb_config_value *options; /* every other key, its value as written (quotes taken off) */
	size_t noptions;
} kb_config_plugin;

typedef struct kb_config_rule {
	char *id;
	int off;        /* 1: findings of this rule are dropped */
	kb_level level; /* else: they get this level */
	int line;
} kb_config_rule;

typedef struct kb_config_path {
	char *path;     /* relative paths are made relative to the config file's folder */
	char *encoding; /* a word list's character set (word_list_encoding); NULL: UTF-8 */
	int line;
} kb_config_path;

/* A problem with a config file: its line (0: the file as a whole) and the message, "kommune.ini:7: ...". */
typedef struct kb_config_problem {
	int line;
	char *text;
} kb_config_problem;

/* A list of problems, gathered from the reader and from the plugins (options, plugin ids, rule names). */
typedef struct kb_config_problems {
	kb_config_problem *items;
	size_t n;
	int oom;
} kb_config_problems;

/* Adds a problem at line; text is printf-style and should start with "file:line: ". Out of memory sets ps->oom. */
void kb_config_problems_add(kb_config_problems *ps, int line, const char *fmt, ...) KB_PRINTF(3, 4);
void kb_config_problems_free(kb_config_problems *ps);

typedef struct kb_config {
	char *path; /* the file, as given; messages name it */
	kb_config_problems problems; /* what the reader found (kb_config_read() keeps them; kb_config_load() fails) */
	kb_config_path *plugin_dirs;
	size_t nplugin_dirs;
	kb_config_path *word_lists;
	size_t nword_lists;
	size_t plugin_memory;    /* bytes; 0: the default */
	unsigned plugin_time_ms; /* 0: the default */
	kb_config_plugin *plugins;
	size_t nplugins;
	kb_config_rule *rules;
	size_t nrules;
} kb_config;

/* Reads and checks a config file. A file that does not exist is KB_ENOTFOUND; a file with problems is KB_EINPUT
 * with every problem as a detail on ctx ("kommune.ini:7: ..."; one problem is the message itself). Folders and
 * word lists it names must exist. Caller frees with kb_config_free(). */
int kb_config_load(kb_config **out, kb_ctx *ctx, const char *path);
/* The same from memory; path is the name used in messages and the folder relative paths start from. */
int kb_config_parse(kb_config **out, kb_ctx *ctx, const char *text, size_t len, const char *path);
/* Like kb_config_load() and kb_config_parse(), but a file with problems is still returned (KB_OK), its problems in
 * cfg->problems and the parts with problems left out, so that the plugins can be loaded and their part of the file
 * checked too: every problem of the file is then told in one run with kb_config_report(). A file that cannot be
 * read at all fails as with kb_config_load(). */
int kb_config_read(kb_config **out, kb_ctx *ctx, const char *path);
int kb_config_read_buffer(kb_config **out, kb_ctx *ctx, const char *text, size_t len, const char *path);
/* Tells every problem of the file: cfg's own and more (may be NULL), by line, as details on ctx; one problem is the
 * message itself, several are "kommune.ini: N fejl i opsætningsfilen". Returns KB_OK when there are none (ctx
 * untouched), else KB_EINPUT (KB_ENOMEM when a list ran out of memory). cfg may be NULL. */
int kb_config_report(const kb_config *cfg, kb_ctx *ctx, const kb_config_problems *more);

/* The core's own rule names, NULL-terminated: for "did you mean". */
extern const char *const kb_config_builtin_rules[];
void kb_config_free(kb_config *cfg);

/* The [plugin id] section, or NULL. Borrowed. */
const kb_config_plugin *kb_config_plugin_find(const kb_config *cfg, const char *id);

/* Parses a yes/no value (yes/no, ja/nej, true/false, on/off, 1/0). Returns 1, 0, or -1 for anything else. */
int kb_config_bool(const char *value);

/* Adds the config's word lists to the speller: each .dic file, and the .dic files of each folder. */
int kb_config_add_word_lists(const kb_config *cfg, kb_speller *sp, kb_ctx *ctx);

/* Applies [rules] to a finding list: findings of a rule that is off are dropped, others get the level set for their
 * rule. Findings of rule "plugin" (a broken rule) are never touched. cfg may be NULL. */
void kb_config_apply_rules(const kb_config *cfg, kb_findings *fs);

#endif
