/* cmd_template.c -- klarbrev template lint|fields|list: tools for the people who write and keep templates. */
#include "cli.h"
#include "findings.h"
#include "internal.h"
#include "letter.h"
#include "manifest.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* Why lint could not check the tags' fields against a manifest, or NULL when it did. */
static const char *no_manifest_reason(kb_manifest_state state)
{
	switch (state) {
	case KB_MANIFEST_DOCX_ONLY:
		return "felterne er ikke tjekket, for en .docx alene har ingen manifest.json; læg den i en mappe som "
		       "letter.docx sammen med en manifest.json, der beskriver felterne";
	case KB_MANIFEST_NONE:
		return "felterne er ikke tjekket, for mappen har ingen manifest.json; skriv en, der beskriver "
		       "felterne (se docs/templates.md)";
	case KB_MANIFEST_BROKEN: return "felterne er ikke tjekket, for manifest.json har fejl; ret dem først";
	case KB_MANIFEST_OK: break;
	}
	return NULL;
}

static const char *template_help =
    "Brug: klarbrev template lint SKABELON [--format text|json] [--delimiters \"{ }\"] [--no-check]\n"
    "      klarbrev template fields SKABELON [--delimiters \"{ }\"] [--partials MAPPE]\n"
    "      klarbrev template list [--templates MAPPE] [--format text|json]\n"
    "\n"
    "lint    finder alle fejl i en skabelon på én gang, ikke kun den første: sektioner, der ikke lukkes,\n"
    "        lukkes forkert eller aldrig åbnes, ukendte formateringer, tags, der er delt over flere afsnit,\n"
    "        og felter, som manifest.json ikke beskriver. Hver fejl nævner delen (fx word/document.xml),\n"
    "        afsnittets nummer, tagget og hvordan den rettes. Derefter tjekkes skabelonens faste tekst\n"
    "        som et brev (stavning, LIX, tone og de andre regler), så man ser de problemer, der ellers\n"
    "        ville stå i hvert eneste brev. En fejl (ikke en advarsel) i den faste tekst tæller som en fejl.\n"
    "fields  skriver et udkast til en sag (JSON) med alle de felter, skabelonen bruger, i den form og med den\n"
    "        type, manifest.json giver dem, og med et eksempel i hvert felt. Hvad hvert felt er (navn, type,\n"
    "        beskrivelse), står bagefter på standardfejl, så det ikke kommer med i filen.\n"
    "list    viser de installerede skabeloner sorteret efter navn: navnet (det, klarbrev serve kalder\n"
    "        skabelonen), titlen, slagsen og de udfald, et brev fra skabelonen kan have. Skabelonerne er dem i\n"
    "        templates/ i datamappen, som klarbrev serve finder dem (en mappe med letter.docx eller en .docx;\n"
    "        partials/ er ikke en skabelon), eller i --templates MAPPE. En skabelon, der ikke kan åbnes, står\n"
    "        med sin fejl, og list slutter så med 1; klarbrev template lint viser alle dens fejl.\n"
    "\n"
    "  SKABELON              en skabelonmappe (letter.docx + manifest.json) eller en .docx-fil\n"
    "  --format text|json    lint-rapportens form\n"
    "  --delimiters \"{ }\"    andre tag-afgrænsere end {{ }}\n"
    "  --no-check            tjek ikke skabelonens faste tekst (kun tags og manifest)\n"
    "  --no-spell            tjek den faste tekst uden stavekontrol\n"
    "  --config FIL          kommunens opsætningsfil (plugins, ordlister), som ved check og fill\n"
    "  --data-dir MAPPE      klarbrevs data (plugins, ordlister, delskabeloner); ellers KLARBREV_DATA eller\n"
    "                        ved programmet\n"
    "  --partials MAPPE      søg først her efter delskabeloner ({{> navn}}); se docs/templates.md\n"
    "  --templates MAPPE     (list) mappen med skabelonerne; ellers templates/ i datamappen\n"
    "\n"
    "Eksempler:\n"
    "  klarbrev template lint templates/afslag-kontanthjaelp\n"
    "  klarbrev template fields templates/afslag-kontanthjaelp > ny-sag.json\n"
    "  klarbrev template list --templates templates --format json\n"
    "\n"
    "Afslutningskoder for lint: 0 ingen fejl, 1 skabelonen har fejl, 2 skabelonen kan ikke læses.\n"
    "Afslutningskoder for list: 0 alle skabeloner kan åbnes, 1 mindst én kan ikke, 2 mappen kan ikke læses.\n";

/* 1 when a lint detail is a warning: its message, after "part, afsnit N: ", starts with "advarsel: ". */
static int lint_warning(const char *detail)
{
	const char *sep = strstr(detail, ", afsnit ");
	const char *colon = sep ? strstr(sep, ": ") : NULL;
	return colon && !strncmp(colon + 2, "advarsel: ", 10);
}

/* Splits a detail "word/document.xml, afsnit 3: message (i teksten »…«)" into part, paragraph, message and the
 * text around the tag; part, paragraph and context may be absent (null). */
static json_t *problem_json(const char *detail)
{
	const char *sep = strstr(detail, ", afsnit ");
	const char *colon = sep ? strstr(sep, ": ") : NULL;
	if (!sep || !colon)
		return json_pack("{s:n, s:n, s:s, s:s, s:n}", "part", "paragraph", "level", "error", "message", detail,
		                 "context");
	long para = strtol(sep + 9, NULL, 10);
	const char *msg = colon + 2, *around = NULL;
	for (const char *p = msg; (p = strstr(p, " (i teksten »")) != NULL; p++)
		around = p;
	size_t len = strlen(msg);
	json_t *ctx = json_null();
	if (around && len >= 3 && !strcmp(msg + len - 3, "«)")) {
		const char *c = around + strlen(" (i teksten »");
		ctx = json_stringn(c, (size_t)(msg + len - 3 - c));
		len = (size_t)(around - msg);
	}
	int warning = lint_warning(detail); /* msg starts with "advarsel: " */
	if (warning) {
		msg += 10;
		len -= 10;
	}
	return json_pack("{s:s%, s:I, s:s, s:s%, s:o}", "part", detail, (size_t)(sep - detail), "paragraph",
	                 (json_int_t)para, "level", warning ? "warning" : "error", "message", msg, len, "context",
	                 ctx ? ctx : json_null());
}

typedef struct static_check {
	kb_letter *l;
	kb_findings *fs;
	kb_metrics m;
	const char *skipped; /* why there is no check (the template has errors that stop it from opening) */
	int failed;          /* bad input or setup: a message is printed, exit 2 */
} static_check;

static void static_check_free(static_check *sc)
{
	kb_findings_free(sc->fs);
	kb_letter_free(sc->l);
}

/* Checks the template's static text with the letter checks (spelling, readability, plugins). */
static void static_text_check(static_check *sc, const cli_opts *o, const kb_template_options *topts)
{
	kb_ctx *ctx = NULL;
	kb_template *t = NULL;
	kb_checker *ck = NULL;
	char *data_dir = NULL;
	if (kb_ctx_new(&ctx)) {
		sc->failed = 1;
		return;
	}
	if (kb_template_open(&t, ctx, o->positional[0], topts)) {
		sc->skipped = "ret først fejlene i skabelonen";
		goto done;
	}
	if (!(data_dir = cli_data_dir(o))) {
		sc->failed = 1;
		goto done;
	}
	kb_checker_options co;
	cli_checker_options(&co, o, data_dir); /* the same checks as check and fill, config file included */
	int rc = kb_template_static_letter(&sc->l, ctx, t);
	if (!rc)
		rc = kb_findings_new(&sc->fs);
	if (!rc)
		rc = kb_checker_new(&ck, ctx, &co);
	if (!rc)
		rc = kb_checker_run(ck, ctx, sc->l, sc->fs, &sc->m);
	if (rc) {
		cli_fail(ctx, rc);
		sc->failed = 1;
	}
done:
	cli_checker_done(ck);
	kb_template_free(t);
	kb_ctx_free(ctx);
	free(data_dir);
}

json_t *cli_lint_json(const char *name, const kb_ctx *lint, kb_manifest_state mstate, const kb_findings *fs,
                      const kb_letter *l, const kb_metrics *m)
{
	size_t n = kb_ctx_detail_count(lint), nwarn = 0;
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++) {
		const char *d = kb_ctx_detail(lint, i);
		nwarn += lint_warning(d);
		if (arr)
			json_array_append_new(arr, problem_json(d));
	}
	const char *why = no_manifest_reason(mstate);
	json_t *root = json_pack("{s:s, s:o, s:I, s:I, s:b, s:s?}", "template", name, "problems",
	                         arr ? arr : json_array(), "count", (json_int_t)(n - nwarn), "warnings", (json_int_t)nwarn,
	                         "fields_checked", why == NULL, "fields_note", why);
	if (root && fs && l) {
		json_object_set_new(root, "static_text", kb_report_json_value(fs, kb_letter_text(l), m));
		if (!json_object_get(root, "static_text"))
			json_object_set_new(root, "static_text", json_null());
	} else if (root) {
		json_object_set_new(root, "static_text", json_null());
	}
	return root;
}

/* A template of the list: its entry in `template list --format json`. */
typedef struct listed {
	const char *id; /* borrowed from info */
	json_t *info;
} listed;

static int listed_cmp(const void *a, const void *b)
{
	return strcmp(((const listed *)a)->id, ((const listed *)b)->id);
}

/* The entry of the template at path: id, title, kind, outcomes and path; for a template that does not open, the
 * problem (the message and its details, one line each) instead of what it would have said. NULL when out of
 * memory. */
static json_t *list_entry(const cli_opts *o, const char *id, const char *path, const char *data_dir)
{
	kb_ctx *ctx = NULL;
	kb_template *t = NULL;
	json_t *e = NULL;
	char **partials = NULL;
	if (kb_ctx_new(&ctx) || !(partials = cli_partials_dirs(o, path, data_dir)))
		goto done;
	kb_template_options topts = {0};
	topts.partials_dirs = (const char *const *)partials;
	topts.partials_hint = cli_partials_hint;
	if (kb_template_open(&t, ctx, path, &topts)) {
		json_t *details = json_array();
		for (size_t i = 0; details && i < kb_ctx_detail_count(ctx); i++)
			json_array_append_new(details, json_string(kb_ctx_detail(ctx, i)));
		e = json_pack("{s:s, s:n, s:n, s:[], s:s, s:s, s:o*}", "id", id, "title", "kind", "outcomes", "path",
		              path, "problem", kb_ctx_errmsg(ctx), "details", details);
		goto done;
	}
	const json_t *m = kb_template_manifest(t);
	const json_t *kind = m ? json_object_get(m, "kind") : NULL;
	json_t *outcomes = kb_manifest_outcomes(m);
	e = json_pack("{s:s, s:s, s:O?, s:o*, s:s}", "id", id, "title", kb_template_title(t), "kind",
	              json_is_string(kind) ? kind : NULL, "outcomes", outcomes, "path", path);
	if (e && !json_object_get(e, "kind"))
		json_object_set_new(e, "kind", json_null());
done:
	kb_template_free(t);
	cli_strv_free(partials);
	kb_ctx_free(ctx);
	return e;
}

/* klarbrev template list: the templates of the templates folder, sorted by id. Exit 0, 1 when one does not open, 2
 * when the folder cannot be read. */
static int template_list(const cli_opts *o)
{
	int ret = KB_EXIT_BAD, failed = 0;
	char *data_dir = cli_find_data_dir(o, o->templates == NULL, &failed);
	char *dir = NULL;
	struct dirent **names = NULL;
	listed *v = NULL;
	size_t n = 0;
	int nn = -1;
	if (failed)
		goto done;
	if (!(dir = cli_templates_dir(o, data_dir))) {
		fprintf(stderr, "klarbrev: ikke nok hukommelse\n");
		goto done;
	}
	nn = scandir(dir, &names, NULL, alphasort);
	if (nn < 0) {
		fprintf(stderr, "klarbrev template list: skabelonmappen %s kan ikke læses: %s; angiv den med --templates "
		                "MAPPE\n",
		        dir, strerror(errno));
		goto done;
	}
	if (!(v = calloc((size_t)nn + 1, sizeof *v))) {
		fprintf(stderr, "klarbrev: ikke nok hukommelse\n");
		goto done;
	}
	size_t broken = 0, idw = 0;
	for (int i = 0; i < nn; i++) {
		char path[PATH_MAX], id[96];
		int what = cli_templates_entry(dir, names[i]->d_name, id, sizeof id, path, sizeof path);
		json_t *e = NULL;
		if (what == CLI_TEMPLATE_NONE)
			continue;
		int seen = 0; /* afslag/ and afslag.docx: the folder (sorted first) wins, as in serve */
		for (size_t k = 0; k < n; k++)
			seen |= !strcmp(v[k].id, id);
		if (seen)
			continue;
		if (what == CLI_TEMPLATE_BAD_NAME)
			e = json_pack("{s:s, s:n, s:n, s:[], s:s, s:s, s:[]}", "id", id, "title", "kind", "outcomes",
			              "path", path, "problem", cli_template_name_rule, "details");
		else
			e = list_entry(o, id, path, data_dir);
		if (!e) {
			fprintf(stderr, "klarbrev: ikke nok hukommelse\n");
			goto done;
		}
		v[n].info = e;
		v[n].id = json_string_value(json_object_get(e, "id"));
		broken += json_object_get(e, "problem") != NULL;
		if (strlen(id) > idw)
			idw = strlen(id);
		n++;
	}
	qsort(v, n, sizeof *v, listed_cmp);
	if (o->format == KB_FMT_JSON) {
		json_t *list = json_array();
		for (size_t i = 0; list && i < n; i++)
			json_array_append(list, v[i].info);
		json_t *root = json_pack("{s:o*}", "templates", list);
		char *out = root ? json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
		json_decref(root);
		if (!out) {
			fprintf(stderr, "klarbrev: ikke nok hukommelse\n");
			goto done;
		}
		printf("%s\n", out);
		free(out);
	} else {
		for (size_t i = 0; i < n; i++) {
			const json_t *e = v[i].info;
			const char *problem = json_string_value(json_object_get(e, "problem"));
			if (problem) {
				printf("%-*s  kan ikke åbnes: %s\n", (int)idw, v[i].id, problem);
				size_t k;
				const json_t *d;
				json_array_foreach(json_object_get(e, "details"), k, d)
					printf("%-*s    - %s\n", (int)idw, "", json_string_value(d));
				continue;
			}
			const char *kind = json_string_value(json_object_get(e, "kind"));
			printf("%-*s  %s", (int)idw, v[i].id, json_string_value(json_object_get(e, "title")));
			if (kind)
				printf(" · %s", kind);
			const json_t *outcomes = json_object_get(e, "outcomes");
			size_t k;
			const json_t *x;
			json_array_foreach(outcomes, k, x)
				printf("%s%s", k ? ", " : " · udfald: ", json_string_value(x));
			printf("\n");
		}
		if (!n)
			printf("ingen skabeloner i %s\n", dir);
		else
			printf("%zu %s i %s", n, n == 1 ? "skabelon" : "skabeloner", dir);
		if (broken)
			printf("; %zu kan ikke åbnes (klarbrev template lint %s/NAVN viser alle fejlene)", broken, dir);
		if (n)
			printf("\n");
	}
	ret = broken ? KB_EXIT_BLOCKED : KB_EXIT_OK;
done:
	for (size_t i = 0; v && i < n; i++)
		json_decref(v[i].info);
	free(v);
	for (int i = 0; i < nn; i++)
		free(names[i]);
	free(names);
	free(dir);
	free(data_dir);
	return ret;
}

int cmd_template(int argc, char **argv)
{
	cli_opts o;
	if (argc < 3 || !strcmp(argv[2], "--help") || !strcmp(argv[2], "-h")) {
		fputs(template_help, argc < 3 ? stderr : stdout);
		return argc < 3 ? KB_EXIT_BAD : KB_EXIT_OK;
	}
	const char *sub = argv[2];
	int lint = !strcmp(sub, "lint"), fields = !strcmp(sub, "fields"), list = !strcmp(sub, "list");
	if (!lint && !fields && !list)
	{
		static const char *const subs[] = { "lint", "fields", "list", NULL };
		const char *near = kb_nearest_name(sub, subs);
		return cli_usage_error("template", "ukendt underkommando \"%s\"; %s%s%s", sub,
		                       near ? "mente du »" : "brug lint, fields eller list", near ? near : "",
		                       near ? "«?" : "");
	}
	int ret = cli_parse(&o, argc, argv, 3, "template",
	                    lint   ? "format delimiters data-dir partials no-spell no-plugins no-check config "
	                    : list ? "templates format data-dir partials "
	                           : "delimiters data-dir partials ");
	if (ret)
		return ret;
	if (o.help) {
		fputs(template_help, stdout);
		return KB_EXIT_OK;
	}
	if (list) {
		if (o.npositional)
			return cli_usage_error("template", "template list tager ingen skabelon, men en mappe med dem: "
			                                   "klarbrev template list --templates %s",
			                       o.positional[0]);
		return template_list(&o);
	}
	if (o.npositional != 1)
		return cli_usage_error("template", "angiv én skabelon: klarbrev template %s SKABELON", sub);
	char open[KB_CLI_DELIM], close[KB_CLI_DELIM];
	kb_template_options topts = {0};
	if (cli_delimiters(open, close, o.delimiters, "template"))
		return KB_EXIT_BAD;
	if (o.delimiters) {
		topts.open_delim = open;
		topts.close_delim = close;
	}
	/* partials are found as fill finds them; fields needs the data folder only for the bundled partials */
	int no_data;
	char *data_dir = cli_find_data_dir(&o, 0, &no_data);
	if (no_data)
		return KB_EXIT_BAD; /* a --data-dir or KLARBREV_DATA that does not exist: said why */
	char **partials = cli_partials_dirs(&o, o.positional[0], data_dir);
	free(data_dir);
	if (!partials)
		return KB_EXIT_BAD;
	topts.partials_dirs = (const char *const *)partials;
	topts.partials_hint = cli_partials_hint;
	kb_ctx *ctx = NULL;
	if (kb_ctx_new(&ctx)) {
		fprintf(stderr, "klarbrev: ikke nok hukommelse\n");
		cli_strv_free(partials);
		return KB_EXIT_BAD;
	}
	ret = KB_EXIT_BAD;
	if (fields) {
		kb_template *t = NULL;
		char *json = NULL;
		int rc = kb_template_open(&t, ctx, o.positional[0], &topts);
		char *guide = NULL;
		if (!rc)
			rc = kb_template_fields(&json, ctx, t);
		if (!rc)
			rc = kb_template_field_guide(&guide, ctx, t);
		if (rc) {
			ret = cli_fail(ctx, rc);
		} else {
			/* the skeleton on stdout stays a case as it is; what each field is goes beside it, on stderr */
			printf("%s\n", json);
			if (guide)
				fprintf(stderr,
				        "Felterne i udkastet (skift eksemplerne ud med sagens oplysninger; et felt, der "
				        "kan udelades, må slettes):\n%s",
				        guide);
			ret = KB_EXIT_OK;
		}
		free(guide);
		free(json);
		cli_strv_free(partials);
		kb_template_free(t);
		kb_ctx_free(ctx);
		return ret;
	}
	kb_manifest_state mstate = KB_MANIFEST_OK;
	int rc = kb_template_lint_manifest(ctx, o.positional[0], &topts, &mstate);
	if (rc && rc != KB_ETEMPLATE) {
		cli_strv_free(partials);
		ret = cli_fail(ctx, rc);
		kb_ctx_free(ctx);
		return ret;
	}
	size_t n = kb_ctx_detail_count(ctx), nwarn = 0;
	for (size_t i = 0; i < n; i++)
		nwarn += lint_warning(kb_ctx_detail(ctx, i));
	/* the template's own text, checked as a letter: what every letter from it will say */
	static_check sc = {0};
	if (!o.no_check)
		static_text_check(&sc, &o, &topts);
	cli_strv_free(partials);
	if (sc.failed) {
		kb_ctx_free(ctx);
		static_check_free(&sc);
		return KB_EXIT_BAD;
	}
	size_t errors = sc.fs ? kb_findings_count_level(sc.fs, KB_LEVEL_ERROR) : 0;
	if (o.format == KB_FMT_JSON) {
		json_t *root = cli_lint_json(o.positional[0], ctx, mstate, sc.fs, sc.l, &sc.m);
		char *s =
		    root ? json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15)) : NULL;
		if (s)
			printf("%s\n", s);
		free(s);
		json_decref(root);
	} else {
		for (size_t i = 0; i < n; i++)
			printf("%s\n", kb_ctx_detail(ctx, i));
		const char *why = no_manifest_reason(mstate);
		if (nwarn)
			printf("%s: %zu %s\n", o.positional[0], nwarn, nwarn == 1 ? "advarsel" : "advarsler");
		if (n > nwarn)
			printf("%s: %zu fejl i skabelonen\n", o.positional[0], n - nwarn);
		else if (why)
			printf("%s: ingen fejl i skabelonens tags; %s\n", o.positional[0], why);
		else
			printf("%s: ingen fejl i skabelonen\n", o.positional[0]);
		if (n > nwarn && why)
			printf("%s: %s\n", o.positional[0], why);
		if (sc.fs) {
			char *rep = kb_report_text(sc.fs, kb_letter_text(sc.l), &sc.m);
			printf("\nSkabelonens faste tekst, tjekket som et brev uden feltværdier:\n%s", rep ? rep : "");
			free(rep);
		} else if (sc.skipped) {
			printf("\nSkabelonens faste tekst er ikke tjekket: %s\n", sc.skipped);
		}
	}
	kb_ctx_free(ctx);
	static_check_free(&sc);
	return n > nwarn || errors ? KB_EXIT_BLOCKED : KB_EXIT_OK;
}
