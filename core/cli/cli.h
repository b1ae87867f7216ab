/*
 * cli.h -- what the subcommands of the klarbrev program share: argument parsing, the data folder, printing errors
 * and reports. The library never prints; this program decides what people see.
 */
#ifndef KB_CLI_H
#define KB_CLI_H

#include "klarbrev.h"

#include <jansson.h>
#include <stdio.h>

/* Exit codes (DESIGN.md): 0 clean or only warnings, 1 blocked by errors, 2 bad usage or bad input, 3 internal error
 * (klarbrev made an invalid document, KB_EINTERNAL; nothing was written; a bug to report). */
enum { KB_EXIT_OK = 0, KB_EXIT_BLOCKED = 1, KB_EXIT_BAD = 2, KB_EXIT_INTERNAL = 3 };

typedef enum { KB_FMT_TEXT, KB_FMT_JSON } kb_format;

/* The options every command understands; each command uses the ones that apply. */
typedef struct cli_opts {
	const char *positional[256]; /* spell takes many words */
	int npositional;
	const char *output;     /* -o, --output */
	const char *data_dir;   /* --data-dir */
	const char *delimiters; /* --delimiters "{ }" */
	const char *partials;   /* --partials DIR: searched first for {{> name}} (fill, template, render) */
	const char *encoding;   /* --encoding windows-1252 (case data, a .txt letter, standard input) */
	const char *config;     /* --config FILE (the config file; else $KLARBREV_CONFIG) */
	const char *annotate;   /* --annotate OUT.docx (check): the letter with the findings as Word comments */
	const char *draft;      /* --draft OUT.docx (fill): the same for a filled letter */
	const char *pdf;        /* --pdf OUT.pdf (fill): the letter as PDF/A */
	const char *txt;        /* --txt OUT.txt (fill): the letter as plain text */
	const char *template_path; /* --template T (check): the manifest and outcome a fill of T would give */
	const char *case_path;     /* --case C (check): the case data a fill would give */
	const char *kind;          /* --kind afgørelse|tekst (check): tekst leaves out the rules about decisions */
	const char *name;          /* --name "{{sag.nummer}}.docx" (batch): each letter's file name */
	const char *report;        /* --report FILE (batch): one JSON line per case */
	const char *jobs;          /* --jobs N (batch) */
	const char *input_format;  /* --input-format jsonl|csv (batch) */
	/* serve: --listen ADDR:PORT, --tokens FILE, --threads N, --queue N, --max-body BYTES, --timeout SECONDS,
	 * --max-connections N, --tls-cert FILE, --tls-key FILE, --log FILE, --templates DIR, --web DIR */
	const char *listen, *tokens, *threads, *queue, *max_body, *timeout, *max_connections, *tls_cert, *tls_key,
	    *log, *templates, *web;
	kb_format format;
	int force, all, help, no_spell, no_plugins, no_escape, no_check;
	int resume, quiet; /* batch: --resume, --quiet */
	int list, no_cache; /* spell: --list (-l), --no-cache */
} cli_opts;

/* Parses argv[first..argc). Allowed is a string of the options the command takes, by name without dashes, each
 * followed by a space: "o format force data-dir ". Unknown options and missing values print a message and
 * return KB_EXIT_BAD; otherwise 0. */
int cli_parse(cli_opts *o, int argc, char **argv, int first, const char *cmd, const char *allowed);
/* The same, where the options named in flags (same form) take no value for this command, though others give them
 * one: batch's --pdf, --txt and --draft say "also this", the names follow from each letter's. Such an option given
 * is set to "". */
int cli_parse_flags(cli_opts *o, int argc, char **argv, int first, const char *cmd, const char *allowed,
                    const char *flags);

/* Finds the data folder (plugins/, dictionaries/, templates/): --data-dir, then $KLARBREV_DATA, then
 * <program folder>/../share/klarbrev. Returns a malloc'd path or NULL after printing why. */
char *cli_data_dir(const cli_opts *o);
/* The same; when required is 0 and nothing was given, a missing data folder is NULL without a message (template
 * fields needs the data folder only for the bundled partials). A --data-dir or KLARBREV_DATA that does not exist
 * is always an error, printed. *failed (failed may be NULL) is 1 when NULL comes with a printed message (the
 * caller stops), 0 otherwise. */
char *cli_find_data_dir(const cli_opts *o, int required, int *failed);

/* Prints ctx's message and details to stderr as "klarbrev: <message>" and "  - <detail>" lines. Returns the exit
 * code for rc: KB_EXIT_INTERNAL for KB_EINTERNAL, else KB_EXIT_BAD. */
int cli_fail(const kb_ctx *ctx, int rc);
/* Prints a usage error and a hint to --help. Returns KB_EXIT_BAD. */
int cli_usage_error(const char *cmd, const char *fmt, ...);

/* The checker options the command line gives (data folder, --no-spell, --no-plugins): one place for every command
 * that makes a checker (check, fill, spell). */
void cli_checker_options(kb_checker_options *out, const cli_opts *o, const char *data_dir);

/* Releases a checker at the end of a command, when the process is about to exit. A checker holds the loaded
 * dictionary, some 150 000 hunspell entries that take 50 ms to free one by one and that the operating system takes
 * back at no cost when the process ends; so an ordinary build keeps the checker (reachable, not leaked) until exit.
 * A sanitizer build frees it, so that LeakSanitizer still checks everything the checker owns. Accepts NULL. */
void cli_checker_done(kb_checker *ck);

/* The config file: --config, else $KLARBREV_CONFIG when set and not empty, else NULL. */
const char *cli_config_path(const cli_opts *o);

/* Checks a letter with a new checker and prints the report to stdout, keeping the findings for what is written next
 * (an annotated draft, the gate): *out is the caller's to free with kb_findings_free(). Returns 0, or KB_EXIT_BAD
 * after printing why. */
int cli_check_findings(const cli_opts *o, const char *data_dir, const kb_letter *l, kb_findings **out);

/* Compiles the template at path as fill does: --delimiters, the partials folders of cli_partials_dirs() (kept in
 * *partials for as long as the template lives; free with cli_strv_free()). Returns 0, or KB_EXIT_BAD /
 * KB_EXIT_INTERNAL after printing why. */
int cli_template_open(kb_template **out, char ***partials, const cli_opts *o, const char *cmd, const char *path,
                      const char *data_dir);

/* Parses a --delimiters value such as "{ }" into open and close (each KB_CLI_DELIM bytes). A NULL spec leaves
 * them as they are. Returns 0, or KB_EXIT_BAD after printing why. */
#define KB_CLI_DELIM 16
int cli_delimiters(char *open, char *close, const char *spec, const char *cmd);

/* The folders where {{> name}} finds a standard paragraph (partial), in the order searched; one search for every
 * command (fill, template lint, template fields, render), described in docs/templates.md:
 *   1. --partials MAPPE, when given;
 *   2. "partials" in the folder that holds the template (templates/partials for templates/afslag, or for
 *      templates/afslag.docx; the template's own folder for render's SKABELON.txt);
 *   3. <data folder>/templates/partials (data_dir: see cli_data_dir(); NULL: skipped).
 * A folder that does not exist stays in the list, so a message can name it. NULL-terminated, malloc'd: free with
 * cli_strv_free(); NULL after printing why (a --partials folder that does not exist, out of memory). */
char **cli_partials_dirs(const cli_opts *o, const char *template_path, const char *data_dir);
void cli_strv_free(char **v);
/* The last sentence of the message about a partial that is not found: how to point elsewhere. */
extern const char *const cli_partials_hint;

/* What fill, check and export write besides the letter (cmd_export.c). cli_export_names() checks the names given to
 * -o and --annotate/--draft (.docx), --pdf (.pdf), --txt (.txt) against the letter (NULL: not known yet) and that
 * each one's folder exists and can be written, before any work is done;
 * cli_write_draft() writes the annotated copy --annotate or --draft asks for (whatever the findings);
 * cli_write_exports() writes --pdf, then --txt. Each returns 0, or KB_EXIT_BAD after printing why. */
int cli_export_names(const cli_opts *o, const char *cmd, const char *letter);
int cli_write_draft(const cli_opts *o, const kb_letter *l, const kb_findings *fs);
/* The annotated draft alone, without printing: what cli_write_draft and batch write (the comments dated now). */
int cli_save_draft(const kb_letter *l, kb_ctx *ctx, const char *path, const kb_findings *fs);
int cli_write_exports(const cli_opts *o, const kb_letter *l);

/* The JSON of `klarbrev template lint --format json` (docs/templates.md): the problems lint left on ctx lint as
 * details, whether the fields were checked (mstate), and the report of the template's static text (fs, l, m; NULL
 * when it was not checked). name is the template as the user gave it. NULL when out of memory. */
json_t *cli_lint_json(const char *name, const kb_ctx *lint, kb_manifest_state mstate, const kb_findings *fs,
                      const kb_letter *l, const kb_metrics *m);

int cmd_fill(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_text(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_render(int argc, char **argv);
int cmd_template(int argc, char **argv);
int cmd_spell(int argc, char **argv);
int cmd_plugin(int argc, char **argv);
int cmd_batch(int argc, char **argv);
int cmd_serve(int argc, char **argv);

#endif
