/* cmd_plugin.c -- klarbrev plugin list | test: the plugins as check and fill load them, and their own tests. */
#include "cli.h"
#include "config.h"
#include "internal.h"
#include "plugintest.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *plugin_help =
    "Brug: klarbrev plugin list [--config FIL] [--data-dir MAPPE]\n"
    "      klarbrev plugin test [FIL|MAPPE...] [--config FIL] [--data-dir MAPPE]\n"
    "\n"
    "plugin list viser hvert plugin, sådan som check og fill bruger det: id, fil, niveau, hvilke dele\n"
    "(on_word, on_sentence, ..., replace og avoid) det har, og dets indstillinger, efter opsætningsfilen.\n"
    "\n"
    "plugin test kører hvert plugins eksempler (examples = { ok = {...}, bad = {...} } i filen) og dets\n"
    "testfiler (tests/ID/*.txt ved siden af filen). I et bad-eksempel markerer [[...]], hvor et fund skal\n"
    "være; et ok-eksempel må ikke give fund. FIL kan være en hvilken som helst .lua-fil, så et plugin kan\n"
    "testes, før det lægges ind; en MAPPE tester alle dens .lua-filer. Uden FIL testes alle plugins i\n"
    "klarbrevs plugins/ og i de mapper, opsætningsfilen nævner. Eksemplerne testes med pluginnets egne\n"
    "standardindstillinger. Pluginnerne indlæses, som check og fill gør (klarbrevs egne, opsætningsfilens\n"
    "mapper og de testede filer), så et id, der allerede er brugt, og fejl i opsætningsfilen nævnes her\n"
    "med de samme ord som i check.\n"
    "\n"
    "  --config FIL          kommunens opsætning; ellers KLARBREV_CONFIG (se docs/plugins.md)\n"
    "  --data-dir MAPPE      klarbrevs data (plugins, ordlister); ellers KLARBREV_DATA eller ved programmet\n"
    "\n"
    "Eksempel:\n"
    "  klarbrev plugin test mine-regler/stive-vendinger.lua\n"
    "  klarbrev plugin list --config /etc/klarbrev/kommune.ini\n"
    "\n"
    "Afslutningskoder: plugin test: 0 alle tilfælde bestået, 1 et tilfælde fejlede, 2 forkert brug eller\n"
    "ugyldige input (en fil, der ikke findes, et plugin, der ikke kan indlæses, et id, der er brugt, fejl i\n"
    "opsætningsfilen, en markering, der ikke lukkes). plugin list: 0, 1 når et plugin ikke kan indlæses,\n"
    "2 forkert brug eller fejl i opsætningen.\n"
    "Se docs/plugins.md for, hvordan man skriver et plugin.\n";

/* path without "/./" pieces (the data folder is found as ".../klarbrev/."). */
static void print_path(const char *label, const char *path)
{
	fputs(label, stdout);
	for (const char *p = path; *p; p++) {
		if (p[0] == '/' && p[1] == '.' && p[2] == '/')
			p += 2;
		putchar(*p);
	}
	putchar('\n');
}

static const char *level_da(kb_level lv)
{
	return lv == KB_LEVEL_ERROR ? "fejl" : lv == KB_LEVEL_WARNING ? "advarsel" : "info";
}

static int plugin_list(const cli_opts *o, const char *data_dir)
{
	kb_ctx *ctx = NULL;
	kb_checker *ck = NULL;
	kb_checker_options co;
	int ret = KB_EXIT_BAD;
	if (kb_ctx_new(&ctx)) {
		fprintf(stderr, "klarbrev: ikke nok hukommelse\n");
		return KB_EXIT_BAD;
	}
	cli_checker_options(&co, o, data_dir);
	co.no_spell = 1;
	co.no_plugins = 0;
	int rc = kb_checker_new(&ck, ctx, &co);
	if (rc) {
		ret = cli_fail(ctx, rc);
		goto done;
	}
	size_t n = kb_checker_plugin_count(ck), broken = 0;
	for (size_t i = 0; i < n; i++) {
		kb_plugin_info in;
		kb_checker_plugin_info(&in, ck, i);
		if (i)
			putchar('\n');
		if (in.problem) {
			broken++;
			printf("%s: kan ikke indlæses\n", in.name);
			print_path("  fil:            ", in.file);
			printf("  fejl:           %s\n", in.problem);
			continue;
		}
		/* "(ændret af opsætningsfilen)" goes on what the file changed: the level, the options, the phrases */
		printf("%s: %s%s\n", in.id, in.enabled ? level_da(in.level) : "slået fra",
		       in.enabled && in.level_configured ? " (ændret af opsætningsfilen)" : "");
		print_path("  fil:            ", in.file);
		printf("  kilde i fund:   %s\n", in.name);
		if (in.description)
			printf("  beskrivelse:    %s\n", in.description);
		if (in.visitors[0] || in.phrases) {
			printf("  dele:           %s", in.visitors);
			if (in.phrases)
				printf("%s%zu %s i replace/avoid", in.visitors[0] ? ", " : "", in.phrases,
				       in.phrases == 1 ? "frase" : "fraser");
			if (in.phrases_ignored)
				printf(" (%zu fjernet af opsætningsfilen)", in.phrases_ignored);
			putchar('\n');
		}
		printf("  indstillinger:  %s", in.options);
		if (in.options_configured)
			printf(" (ændret af opsætningsfilen: %s)", in.options_configured);
		putchar('\n');
	}
	if (!n)
		printf("Ingen plugins fundet.\n");
	const char *cfg = co.config_path;
	if (cfg) {
		kb_config *c = NULL;
		if (kb_config_load(&c, ctx, cfg) == KB_OK && c->nrules) {
			printf("\nRegler fra %s:\n", cfg);
			for (size_t i = 0; i < c->nrules; i++)
				printf("  %s: %s\n", c->rules[i].id,
				       c->rules[i].off ? "slået fra" : level_da(c->rules[i].level));
		}
		kb_config_free(c);
	}
	ret = broken ? KB_EXIT_BLOCKED : KB_EXIT_OK;
done:
	kb_checker_free(ck);
	kb_ctx_free(ctx);
	return ret;
}

static int is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Appends the .lua files of dir (sorted) or the path itself to *files. Returns 0 or prints why and returns
 * KB_EXIT_BAD. */
static int add_files(char ***files, size_t *n, const char *path, int quiet_missing)
{
	char **paths = NULL;
	size_t np = 0;
	kb_ctx *ctx = NULL;
	int ret = 0;
	if (kb_ctx_new(&ctx))
		return KB_EXIT_BAD;
	if (is_dir(path)) {
		int rc = kb_list_dir(&paths, &np, ctx, path, ".lua", 1000);
		if (rc == KB_ENOTFOUND && quiet_missing) {
			np = 0;
		} else if (rc) {
			ret = cli_fail(ctx, rc);
			goto done;
		} else if (!np && !quiet_missing) {
			fprintf(stderr, "klarbrev plugin test: mappen %s har ingen .lua-filer\n", path);
			ret = KB_EXIT_BAD;
			goto done;
		}
	} else {
		np = 1;
	}
	char **nf = realloc(*files, (*n + np + 1) * sizeof *nf);
	if (!nf) {
		fprintf(stderr, "klarbrev: ikke nok hukommelse\n");
		ret = KB_EXIT_BAD;
		goto done;
	}
	*files = nf;
	for (size_t i = 0; i < np; i++) {
		nf[*n] = kb_strdup(paths ? paths[i] : path);
		if (!nf[*n]) {
			fprintf(stderr, "klarbrev: ikke nok hukommelse\n");
			ret = KB_EXIT_BAD;
			goto done;
		}
		nf[++*n] = NULL;
	}
done:
	kb_paths_free(paths);
	kb_ctx_free(ctx);
	return ret;
}

static int plugin_test(const cli_opts *o, const char *data_dir)
{
	kb_ctx *ctx = NULL;
	kb_config *cfg = NULL;
	char **files = NULL, *report = NULL, *bundled = NULL;
	size_t nfiles = 0, failed = 0;
	int ret = KB_EXIT_BAD;
	const char *cfg_path = cli_config_path(o);
	if (kb_ctx_new(&ctx)) {
		fprintf(stderr, "klarbrev: ikke nok hukommelse\n");
		return KB_EXIT_BAD;
	}
	/* read as check reads it: a config with problems is kept, and its problems are told together with those the
	 * plugins find in it (unknown rules, plugin ids, options) by kb_plugintest_run, all in one run */
	int rc = cfg_path ? kb_config_read(&cfg, ctx, cfg_path) : KB_OK;
	if (rc) {
		ret = cli_fail(ctx, rc);
		goto done;
	}
	if (o->npositional > 1) {
		for (int i = 1; i < o->npositional; i++)
			if ((ret = add_files(&files, &nfiles, o->positional[i], 0)))
				goto done;
	} else {
		size_t n = strlen(data_dir) + sizeof "/plugins";
		if (!(bundled = malloc(n))) {
			fprintf(stderr, "klarbrev: ikke nok hukommelse\n");
			goto done;
		}
		snprintf(bundled, n, "%s/plugins", data_dir);
		if ((ret = add_files(&files, &nfiles, bundled, 1)))
			goto done;
		for (size_t i = 0; cfg && i < cfg->nplugin_dirs; i++)
			if ((ret = add_files(&files, &nfiles, cfg->plugin_dirs[i].path, 1)))
				goto done;
		ret = KB_EXIT_BAD;
		if (!nfiles) {
			fprintf(stderr, "klarbrev plugin test: der er ingen plugins i %s\n", bundled);
			goto done;
		}
	}
	kb_plugintest_options po = { .data_dir = data_dir, .config = cfg, .names_as_given = o->npositional > 1 };
	rc = kb_plugintest_run(&report, &failed, ctx, &po, (const char *const *)files, nfiles);
	if (rc) {
		ret = cli_fail(ctx, rc);
		goto done;
	}
	fputs(report, stdout);
	ret = failed ? KB_EXIT_BLOCKED : KB_EXIT_OK;
done:
	for (size_t i = 0; i < nfiles; i++)
		free(files[i]);
	free(files);
	free(report);
	free(bundled);
	kb_config_free(cfg);
	kb_ctx_free(ctx);
	return ret;
}

int cmd_plugin(int argc, char **argv)
{
	cli_opts o;
	int ret = cli_parse(&o, argc, argv, 2, "plugin", "config data-dir ");
	if (ret)
		return ret;
	if (o.help || (o.npositional >= 1 && !strcmp(o.positional[0], "help"))) {
		fputs(plugin_help, stdout);
		return KB_EXIT_OK;
	}
	if (o.npositional < 1)
		return cli_usage_error("plugin", "angiv list eller test: klarbrev plugin list");
	const char *sub = o.positional[0];
	int is_list = !strcmp(sub, "list"), is_test = !strcmp(sub, "test");
	if (!is_list && !is_test)
	{
		static const char *const subs[] = { "list", "test", NULL };
		const char *near = kb_nearest_name(sub, subs);
		return cli_usage_error("plugin", "ukendt underkommando \"%s\"; %s%s%s", sub,
		                       near ? "mente du »" : "brug list eller test", near ? near : "", near ? "«?" : "");
	}
	if (is_list && o.npositional > 1)
		return cli_usage_error("plugin", "plugin list tager ingen filer");
	char *data_dir = cli_data_dir(&o);
	if (!data_dir)
		return KB_EXIT_BAD;
	ret = is_list ? plugin_list(&o, data_dir) : plugin_test(&o, data_dir);
	free(data_dir);
	return ret;
}
