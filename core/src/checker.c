/*
 * checker.c -- runs the checks over a letter: spelling, the Lua plugins, the metrics. The dictionary and the
 * plugins are loaded once per checker and reused for every letter (batch). The config file adds word lists and
 * plugin folders after the bundled ones, sets plugin options and levels, and switches plugins and rules off.
 */
#include "internal.h"
#include "checker.h"
#include "config.h"
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
	kb_config *config; /* or NULL */
};

void kb_checker_free(kb_checker *ck)
{
	if (!ck)
		return;
	kb_plugins_free(ck->plugins);
	kb_speller_save_cache(ck->speller, 1);
	kb_speller_free(ck->speller);
	kb_config_free(ck->config);
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

int kb_checker_load_plugin_set(kb_plugins *ps, kb_ctx *ctx, const char *data_dir, const kb_config *cfg)
{
	kb_buf path;
	int rc;
	kb_buf_init(&path, 8192);
	kb_plugins_set_config(ps, cfg);
	if (kb_buf_printf(&path, "%s/plugins/lib", data_dir)) {
		rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
		goto done;
	}
	if ((rc = kb_plugins_load_libs(ps, ctx, path.data)))
		goto done;
	path.len -= 4;
	path.data[path.len] = '\0';
	/* a data folder without plugins/ (a plugin tested on its own, a bare install) still gets the config's folders */
	if ((rc = kb_plugins_load_dir(ps, ctx, path.data)) == KB_ENOTFOUND) {
		kb_ctx_clear(ctx);
		rc = KB_OK;
	}
	if (rc)
		goto done;
	for (size_t i = 0; cfg && i < cfg->nplugin_dirs; i++) {
		const kb_config_path *d = &cfg->plugin_dirs[i];
		if ((rc = kb_plugins_load_dir(ps, ctx, d->path))) {
			if (rc != KB_ENOMEM) {
				char *why = kb_strdup(kb_ctx_errmsg(ctx));
				rc = kb_ctx_fail(ctx, KB_EINPUT, "%s:%d: plugin-mappen kan ikke bruges: %s", cfg->path,
				                 d->line, why ? why : "");
				free(why);
			}
			goto done;
		}
	}
done:
	kb_buf_free(&path);
	return rc;
}

int kb_checker_new(kb_checker **out, kb_ctx *ctx, const kb_checker_options *opts)
{
	*out = NULL;
	if (!opts || !opts->data_dir)
		return kb_ctx_fail(ctx, KB_EUSAGE, "kb_checker_new: ingen datamappe angivet");
	kb_checker *ck = calloc(1, sizeof *ck);
	int rc = KB_OK;
	kb_buf path;
	kb_buf_init(&path, 8192);
	if (!ck || !(ck->data_dir = kb_strdup(opts->data_dir))) {
		rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
		goto done;
	}
	ck->opts = *opts;
	ck->opts.data_dir = ck->data_dir;
	ck->opts.hunspell_dir = NULL; /* only used below */
	ck->opts.config_path = NULL;
	/* a config file with problems is read whole, so that its plugin sections and rules are checked against the
	 * plugins too and every problem is told at once (kb_plugins_check_config, or kb_config_report below) */
	if (opts->config_path && (rc = kb_config_read(&ck->config, ctx, opts->config_path)))
		goto done;
	if (opts->no_plugins && (rc = kb_config_report(ck->config, ctx, NULL)))
		goto done;
	/* the word lists are read and checked under --no-spell too (a config file is checked whole), but the speller
	 * then never loads the dictionary: the plugins get none (klarbrev.spell gives nil, analyze an empty list) */
	if (!opts->no_spell || !opts->no_plugins) {
		if ((rc = kb_speller_new(&ck->speller, ctx, opts->hunspell_dir, "da_DK")))
			goto done;
		kb_speller_set_cache(ck->speller, !opts->no_spell_cache);
		/* answers kept on disk: a letter whose words an earlier run looked up needs no dictionary load */
		if (!opts->no_spell && !opts->no_spell_cache &&
		    (rc = kb_speller_use_disk_cache(ck->speller, ctx, NULL)))
			goto done;
		if (kb_buf_printf(&path, "%s/dictionaries", ck->data_dir)) {
			rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
			goto done;
		}
		if ((rc = add_word_lists(ck->speller, ctx, path.data)))
			goto done;
		if ((rc = kb_config_add_word_lists(ck->config, ck->speller, ctx)))
			goto done;
	}
	if (!opts->no_plugins) {
		if ((rc = kb_plugins_new(&ck->plugins, ctx, opts->no_spell ? NULL : ck->speller)))
			goto done;
		kb_plugins_set_full_check(ck->plugins, opts->full_check);
		if ((rc = kb_checker_load_plugin_set(ck->plugins, ctx, ck->data_dir, ck->config)))
			goto done;
		if ((rc = kb_plugins_check_config(ck->plugins, ctx)))
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

/* The case's "ignore" list (words its letter may use that no dictionary knows) as a NULL-terminated array of
 * borrowed strings in *out (NULL when the case has none); casedata.c has checked its form. */
static int case_ignore_list(const char ***out, const json_t *fields)
{
	*out = NULL;
	const json_t *list = fields ? json_object_get(fields, "ignore") : NULL;
	size_t n = json_is_array(list) ? json_array_size(list) : 0;
	if (!n)
		return KB_OK;
	const char **v = calloc(n + 1, sizeof *v);
	if (!v)
		return KB_ENOMEM;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		const char *s = json_string_value(json_array_get(list, i));
		if (s)
			v[k++] = s;
	}
	*out = v;
	return KB_OK;
}

/* The spelling rule over l: suggestions only when the report shows them (suggestions), the judgement of a text
 * that is mostly not Danish only for a letter's check (judge). */
static int checker_spell(kb_checker *ck, kb_ctx *ctx, const kb_letter *l, int suggestions, int judge, kb_findings *out,
                         size_t *checked)
{
	if (checked)
		*checked = 0;
	if (!ck->speller)
		return kb_ctx_fail(ctx, KB_EUSAGE, "kb_checker_spell: tjekket er lavet med no_spell og no_plugins");
	const char **ignore = NULL;
	if (case_ignore_list(&ignore, l->fields))
		return kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
	kb_spell_options so = {.ignore = ignore, .no_suggestions = !suggestions, .judge_language = judge};
	int rc = kb_spell_text(ck->speller, ctx, l->text, &so, out, checked);
	free(ignore);
	return rc;
}

/* The word-list tool (klarbrev spell) wants every unknown word, even of an English text: no judgement here. */
int kb_checker_spell(kb_checker *ck, kb_ctx *ctx, const kb_letter *l, int suggestions, kb_findings *out,
                     size_t *checked)
{
	int rc = checker_spell(ck, ctx, l, suggestions, 0, out, checked);
	kb_speller_save_cache(ck->speller, 0);
	return rc;
}

/* Every report of a letter's check (text, JSON, the comments of an annotated copy) shows suggestions, so they are
 * asked for here; the spelling rule keeps their cost bounded (spell.h). */
int kb_checker_run(kb_checker *ck, kb_ctx *ctx, const kb_letter *l, kb_findings *out, kb_metrics *metrics)
{
	int rc = KB_OK;
	size_t before = kb_findings_count(out);
	if (!ck->opts.no_spell && (rc = checker_spell(ck, ctx, l, 1, 1, out, NULL)))
		return rc;
	if (!ck->opts.no_plugins) {
		/* the spelling's judgement that the text is not Danish reaches the plugins as letter.danish = false:
		 * the bundled checks of Danish language and law then leave the letter alone, and cost nothing */
		int not_danish = 0;
		for (size_t i = before; i < kb_findings_count(out); i++)
			if (!strcmp(kb_findings_get(out, i)->rule, "ikke-dansk"))
				not_danish = 1;
		kb_check_input in = {.text = l->text,
		                     .fields = l->fields,
		                     .manifest = l->manifest,
		                     .outcome = l->outcome,
		                     .not_danish = not_danish,
		                     .not_decision = ck->opts.not_decision};
		if ((rc = kb_plugins_run(ck->plugins, ctx, &in, out)))
			return rc;
	}
	/* what the spelling and the plugins looked up goes to the disk cache: the first letter's new words at once (a
	 * command checks one letter and ends without freeing the checker), a batch's once a minute and at the end */
	kb_speller_save_cache(ck->speller, 0);
	kb_config_apply_rules(ck->config, out);
	kb_findings_sort(out);
	if (metrics)
		kb_metrics_compute(metrics, l->text);
	return KB_OK;
}

void kb_checker_set_not_decision(kb_checker *ck, int on)
{
	ck->opts.not_decision = on != 0;
}

void kb_checker_memo_stats(const kb_checker *ck, size_t *hits, size_t *misses, size_t *entries, size_t *bytes)
{
	kb_plugins_memo_stats(ck ? ck->plugins : NULL, hits, misses, entries, bytes);
}

size_t kb_checker_plugin_count(const kb_checker *ck)
{
	return ck ? kb_plugins_count(ck->plugins) : 0;
}

void kb_checker_plugin_info(kb_plugin_info *out, const kb_checker *ck, size_t i)
{
	kb_plugins_info(ck ? ck->plugins : NULL, i, out);
}
