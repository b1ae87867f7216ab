/*
 * cli.h -- what the subcommands of the klarbrev program share: argument parsing, the data folder, printing errors
 * and reports. The library never prints; this program decides what people see.
 */
#ifndef KB_CLI_H
#define KB_CLI_H

#include "klarbrev.h"

#include <stdio.h>

/* Exit codes (DESIGN.md): 0 clean or only warnings, 1 blocked by errors, 2 bad usage or bad input. */
enum { KB_EXIT_OK = 0, KB_EXIT_BLOCKED = 1, KB_EXIT_BAD = 2 };

typedef enum { KB_FMT_TEXT, KB_FMT_JSON } kb_format;

/* The options every command understands; each command uses the ones that apply. */
typedef struct cli_opts {
	const char *positional[8];
	int npositional;
	const char *output;     /* -o, --output */
	const char *data_dir;   /* --data-dir */
	const char *delimiters; /* --delimiters "{ }" */
	const char *partials;   /* --partials DIR (render) */
	kb_format format;
	int force, all, help, no_spell, no_plugins, no_escape, no_check;
} cli_opts;

/* Parses argv[first..argc). Allowed is a string of the options the command takes, by name without dashes, each
 * followed by a space: "o format force data-dir ". Unknown options and missing values print a message and
 * return KB_EXIT_BAD; otherwise 0. */
int cli_parse(cli_opts *o, int argc, char **argv, int first, const char *cmd, const char *allowed);

/* Finds the data folder (plugins/, dictionaries/, templates/): --data-dir, then $KLARBREV_DATA, then
 * <program folder>/../share/klarbrev. Returns a malloc'd path or NULL after printing why. */
char *cli_data_dir(const cli_opts *o);

/* Prints ctx's message and details to stderr as "klarbrev: <message>" and "  - <detail>" lines. Returns the exit
 * code for rc: KB_EXIT_BAD. */
int cli_fail(const kb_ctx *ctx, int rc);
/* Prints a usage error and a hint to --help. Returns KB_EXIT_BAD. */
int cli_usage_error(const char *cmd, const char *fmt, ...);

/* Checks a letter with a new checker and prints the report to stdout. On success *errors is the number of error
 * findings. Returns 0, or KB_EXIT_BAD after printing why. */
int cli_check_and_report(const cli_opts *o, const char *data_dir, const kb_letter *l, size_t *errors);

/* Parses a --delimiters value such as "{ }" into open and close (each KB_CLI_DELIM bytes). A NULL spec leaves
 * them as they are. Returns 0, or KB_EXIT_BAD after printing why. */
#define KB_CLI_DELIM 16
int cli_delimiters(char *open, char *close, const char *spec, const char *cmd);

/* The folder of standard paragraphs for a template: "partials" beside the template's folder (templates/partials
 * for templates/afslag), else <data>/templates/partials. malloc'd, or NULL when neither exists. */
char *cli_partials_dir(const char *template_path, const char *data_dir);

int cmd_fill(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_text(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_render(int argc, char **argv);
int cmd_template(int argc, char **argv);

#endif
