/*
 * plugintest.h -- `klarbrev plugin test`: runs each plugin on its own examples and test files and says, in Danish,
 * which example failed, what was expected and what was found.
 *
 * The cases of a plugin are
 *  - examples = { ok = {...}, bad = {...} } in its file, and
 *  - the .txt files in tests/<id>/ beside the plugin file (plugins/tests/readability/NAME.txt), one paragraph a line as
 *    `klarbrev check` reads a .txt letter; a file with [[...]] marks is a bad case, a file without an ok case.
 * In a bad case each [[...]] marks where a finding of the plugin must be: a finding with exactly that paragraph,
 * start and length; a mark around the whole text also takes a finding on the letter as a whole (LIX). A bad case
 * passes when every mark has a finding and every finding is at a mark; an ok case when the plugin finds nothing.
 * A case may start with a front matter (letter.h: udfald, sag, skabelon; paths from the plugin's folder for an
 * example, from the test file's folder for a test file): the plugin then sees that outcome, case and manifest, as
 * check does for a .txt letter. A line "# ..." is a heading, as in a .txt letter; a mark stands after the '#'s.
 * Each plugin runs alone, with its default options, on letters without case data unless the front matter gives it.
 * Before that the plugins are loaded as check and fill load them (checker.h): the bundled ones, the config's
 * folders and the tested files, with the config applied; whatever would stop a letter there (a plugin that does
 * not load, an id that two plugins have, the config's problems with the plugins) is bad input here, in the same
 * words.
 */
#ifndef KB_PLUGINTEST_H
#define KB_PLUGINTEST_H

#include "internal.h"

typedef struct kb_config kb_config;

typedef struct kb_plugintest_options {
	const char *data_dir;     /* its dictionaries/ are the speller's word lists; may be NULL */
	const char *hunspell_dir; /* NULL: $KLARBREV_HUNSPELL_DIR, else /usr/share/hunspell */
	const kb_config *config;  /* its word lists and limits are used, not its options: examples test the defaults;
	                             may be NULL */
	int names_as_given;       /* 1: messages name the files as given; 0: as folder/file ("plugins/x.lua") */
} kb_plugintest_options;

/* Tests the plugin files files[0..nfiles). Bad input -- a file that does not exist, a plugin that cannot be loaded,
 * a bad example without a mark, marks that do not close, a test file that is not UTF-8 -- is KB_EINPUT with every
 * problem as a detail on ctx (one problem is the message itself), and nothing has run. Otherwise *report is the
 * report (Danish, one line per passed plugin, a block per failed case, a closing count; caller frees) and *failed
 * the number of failed cases. */
int kb_plugintest_run(char **report, size_t *failed, kb_ctx *ctx, const kb_plugintest_options *opts,
                      const char *const *files, size_t nfiles);

#endif
