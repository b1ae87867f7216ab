/*
 * checker.c -- runs the checks over a letter: spelling, the Lua plugins, the metrics. The dictionary and the
 * plugins are loaded once per checker and reused for every letter (batch).
 */
#include "internal.h"
#include "letter.h"
#include "plugins.h"
#include "spell.h"
#include "textmodel.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct kb_checker {
	kb_checker_options opts;
	char *data_dir;
	kb_speller *speller;
	kb_plugins *plugins;
};

void kb_checker_free(kb_checker *ck)
{
	if (!ck)
		return;
	kb_plugins_free(ck->plugins);
	kb_speller_free(ck->speller);
	free(ck->data_dir);
	free(ck);
}

/* Adds every .dic file of dir to the speller, in name order (a missing dir is fine: no project lists). */
static int add_word_lists(kb_speller *sp, kb_ctx *ctx, const char *dir)
{
	char **paths = NULL;
	size_t n = 0;
	int rc = kb_list_dir(&paths, &n, ctx, dir, ".dic", 1000);
	if (rc == KB_ENOTFOUND) {
		kb_ctx_clear(ctx);
		return KB_OK;
	}
	for (size_t i = 0; !rc && i < n; i++)
		rc = kb_speller_add_dic(sp, ctx, paths[i]);
	kb_paths_free(paths);
	return rc;
}

int kb_checker_new(kb_checker **out, kb_ctx *ctx, const kb_checker_options *opts)
{
	*out = NULL;
	if (!opts || !opts->data_dir)
		return kb_ctx_fail(ctx, KB_EUSAGE, "kb_checker_new: no data folder given");
	kb_checker *ck = calloc(1, sizeof *ck);
	int rc = KB_OK;
	kb_buf path;
	kb_buf_init(&path, 8192);
	if (!ck || !(ck->data_dir = kb_strdup(opts->data_dir))) {
		rc = kb_ctx_fail(ctx, KB_ENOMEM, "out of memory");
		goto done;
	}
	ck->opts = *opts;
	ck->opts.data_dir = ck->data_dir;
	ck->opts.hunspell_dir = NULL; /* only used below */
	if (!opts->no_spell || !opts->no_plugins) {
		if ((rc = kb_speller_new(&ck->speller, ctx, opts->hunspell_dir, "da_DK")))
			goto done;
		if (kb_buf_printf(&path, "%s/dictionaries", ck->data_dir)) {
			rc = kb_ctx_fail(ctx, KB_ENOMEM, "out of memory");
			goto done;
		}
		if ((rc = add_word_lists(ck->speller, ctx, path.data)))
			goto done;
	}
	if (!opts->no_plugins) {
		if ((rc = kb_plugins_new(&ck->plugins, ctx, ck->speller)))
			goto done;
		path.len = 0;
		if (kb_buf_printf(&path, "%s/plugins", ck->data_dir)) {
			rc = kb_ctx_fail(ctx, KB_ENOMEM, "out of memory");
			goto done;
		}
		if ((rc = kb_plugins_load_dir(ck->plugins, ctx, path.data)))
			goto done;
	}
done:
	kb_buf_free(&path);
	if (rc) {
		kb_checker_free(ck);
		return rc;
	}
	*out = ck;
	return KB_OK;
}

int kb_checker_run(kb_checker *ck, kb_ctx *ctx, const kb_letter *l, kb_findings *out, kb_metrics *metrics)
{
	int rc = KB_OK;
	if (!ck->opts.no_spell && (rc = kb_spell_text(ck->speller, ctx, l->text, out)))
		return rc;
	if (!ck->opts.no_plugins) {
		kb_check_input in = { .text = l->text, .fields = l->fields, .manifest = l->manifest, .outcome = l->outcome };
		if ((rc = kb_plugins_run(ck->plugins, ctx, &in, out)))
			return rc;
	}
	kb_findings_sort(out);
	if (metrics)
		kb_metrics_compute(metrics, l->text);
	return KB_OK;
}
