/*
 * fuzz_config.c -- fuzz target: the config file parser (config.c) as `klarbrev check --config` reads it, from
 * memory, named as a file in a scratch folder that holds a word list (ord.dic) and a plugin folder (regler/), so
 * paths in the file can exist. Then what the checker does with a parsed config: plugin sections are looked up and
 * the [rules] are applied to a few findings.
 */
#include "fuzz_util.h"

#include <klarbrev.h>

#include "config.h"

static const char *config_path(void)
{
	static char path[600];
	if (path[0])
		return path;
	mkdir(kbf_path(0, "regler"), 0700);
	kbf_write(kbf_path(0, "ord.dic"), "2\nkommune\nborgerservice\n", 25);
	snprintf(path, sizeof path, "%s", kbf_path(0, "kommune.ini"));
	return path;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	kb_ctx *ctx = NULL;
	kb_config *cfg = NULL;
	kb_findings *fs = NULL;
	if (kb_ctx_new(&ctx) || kb_findings_new(&fs))
		abort();
	int rc = kb_config_parse(&cfg, ctx, (const char *)data, size, config_path());
	for (size_t i = 0; i < kb_ctx_detail_count(ctx); i++)
		(void)kb_ctx_detail(ctx, i);
	if (rc == KB_OK) {
		static const char *const ids[] = { "readability", "passiv", "stavning", "plugin", "", "klagevejledning" };
		for (size_t i = 0; i < cfg->nplugins; i++)
			if (!kb_config_plugin_find(cfg, cfg->plugins[i].id))
				abort(); /* every section that was parsed can be found */
		for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
			(void)kb_config_plugin_find(cfg, ids[i]);
			kb_finding f = { .rule = (char *)ids[i], .level = KB_LEVEL_WARNING, .message = (char *)"m",
				         .paragraph = (long)i - 1, .source = (char *)"core" };
			if (kb_findings_add(fs, &f))
				abort();
		}
		for (size_t i = 0; i < cfg->nrules; i++) {
			kb_finding f = { .rule = cfg->rules[i].id, .level = KB_LEVEL_INFO, .message = (char *)"m",
				         .paragraph = -1, .source = (char *)"core" };
			if (kb_findings_add(fs, &f))
				abort();
		}
		kb_config_apply_rules(cfg, fs);
		for (size_t i = 0; i < kb_findings_count(fs); i++) {
			const kb_finding *f = kb_findings_get(fs, i);
			if (f->level > KB_LEVEL_ERROR)
				abort();
		}
	}
	char word[16];
	size_t n = size < sizeof word - 1 ? size : sizeof word - 1;
	memcpy(word, data, n);
	word[n] = '\0';
	(void)kb_config_bool(word);
	kb_config_free(cfg);
	kb_findings_free(fs);
	kb_ctx_free(ctx);
	return 0;
}
