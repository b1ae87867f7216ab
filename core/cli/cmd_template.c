/* cmd_template.c -- klarbrev template lint|fields: tools for the people who write templates. */
#include "cli.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static const char *template_help =
    "Brug: klarbrev template lint SKABELON [--format text|json] [--delimiters \"{ }\"] [--no-check]\n"
    "      klarbrev template fields SKABELON [--delimiters \"{ }\"]\n"
    "\n"
    "lint    finder alle fejl i en skabelon på én gang, ikke kun den første: sektioner, der ikke lukkes,\n"
    "        lukkes forkert eller aldrig åbnes, ukendte formateringer, tags, der er delt over flere afsnit,\n"
    "        og felter, som manifest.json ikke beskriver. Hver fejl nævner delen (fx word/document.xml),\n"
    "        afsnittets nummer, tagget og hvordan den rettes. Derefter tjekkes skabelonens faste tekst\n"
    "        som et brev (stavning, LIX, tone og de andre regler), så man ser de problemer, der ellers\n"
    "        ville stå i hvert eneste brev. En fejl (ikke en advarsel) i den faste tekst tæller som en fejl.\n"
    "fields  skriver et udkast til en sag (JSON) med alle de felter, skabelonen bruger.\n"
    "\n"
    "  SKABELON              en skabelonmappe (letter.docx + manifest.json) eller en .docx-fil\n"
    "  --format text|json    lint-rapportens form\n"
    "  --delimiters \"{ }\"    andre tag-afgrænsere end {{ }}\n"
    "  --no-check            tjek ikke skabelonens faste tekst (kun tags og manifest)\n"
    "  --no-spell            tjek den faste tekst uden stavekontrol\n"
    "  --config FIL          kommunens opsætningsfil (plugins, ordlister), som ved check og fill\n"
    "  --data-dir MAPPE      klarbrevs data (plugins, ordlister, delskabeloner)\n"
    "\n"
    "Eksempler:\n"
    "  klarbrev template lint templates/afslag-kontanthjaelp\n"
    "  klarbrev template fields templates/afslag-kontanthjaelp > ny-sag.json\n"
    "\n"
    "Afslutningskoder for lint: 0 ingen fejl, 1 skabelonen har fejl, 2 skabelonen kan ikke læses.\n";

/* Splits a detail "word/document.xml, afsnit 3: message (i teksten »…«)" into part, paragraph, message and the
 * text around the tag; part, paragraph and context may be absent (null). */
static json_t *problem_json(const char *detail)
{
	const char *sep = strstr(detail, ", afsnit ");
	const char *colon = sep ? strstr(sep, ": ") : NULL;
	if (!sep || !colon)
		return json_pack("{s:n, s:n, s:s, s:n}", "part", "paragraph", "message", detail, "context");
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
	return json_pack("{s:s%, s:I, s:s%, s:o}", "part", detail, (size_t)(sep - detail), "paragraph",
	                 (json_int_t)para, "message", msg, len, "context", ctx ? ctx : json_null());
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

int cmd_template(int argc, char **argv)
{
	cli_opts o;
	if (argc < 3 || !strcmp(argv[2], "--help") || !strcmp(argv[2], "-h")) {
		fputs(template_help, argc < 3 ? stderr : stdout);
		return argc < 3 ? KB_EXIT_BAD : KB_EXIT_OK;
	}
	const char *sub = argv[2];
	int lint = !strcmp(sub, "lint"), fields = !strcmp(sub, "fields");
	if (!lint && !fields)
		return cli_usage_error("template", "ukendt underkommando \"%s\"; brug lint eller fields", sub);
	int ret = cli_parse(&o, argc, argv, 3, "template",
	                    lint ? "format delimiters data-dir no-spell no-plugins no-check config " : "delimiters data-dir ");
	if (ret)
		return ret;
	if (o.help) {
		fputs(template_help, stdout);
		return KB_EXIT_OK;
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
	/* the data folder is optional here: without it, only partials beside the template are found */
	char *data_dir = (o.data_dir || getenv("KLARBREV_DATA")) ? cli_data_dir(&o) : NULL;
	char *partials = cli_partials_dir(o.positional[0], data_dir);
	topts.partials_dir = partials;
	free(data_dir);
	kb_ctx *ctx = NULL;
	if (kb_ctx_new(&ctx)) {
		fprintf(stderr, "klarbrev: ikke nok hukommelse\n");
		free(partials);
		return KB_EXIT_BAD;
	}
	ret = KB_EXIT_BAD;
	if (fields) {
		kb_template *t = NULL;
		char *json = NULL;
		int rc = kb_template_open(&t, ctx, o.positional[0], &topts);
		if (!rc)
			rc = kb_template_fields(&json, ctx, t);
		if (rc) {
			ret = cli_fail(ctx, rc);
		} else {
			printf("%s\n", json);
			ret = KB_EXIT_OK;
		}
		free(json);
		free(partials);
		kb_template_free(t);
		kb_ctx_free(ctx);
		return ret;
	}
	int rc = kb_template_lint(ctx, o.positional[0], &topts);
	if (rc && rc != KB_ETEMPLATE) {
		free(partials);
		ret = cli_fail(ctx, rc);
		kb_ctx_free(ctx);
		return ret;
	}
	size_t n = kb_ctx_detail_count(ctx);
	/* the template's own text, checked as a letter: what every letter from it will say */
	static_check sc = {0};
	if (!o.no_check)
		static_text_check(&sc, &o, &topts);
	free(partials);
	if (sc.failed) {
		kb_ctx_free(ctx);
		static_check_free(&sc);
		return KB_EXIT_BAD;
	}
	size_t errors = sc.fs ? kb_findings_count_level(sc.fs, KB_LEVEL_ERROR) : 0;
	if (o.format == KB_FMT_JSON) {
		json_t *arr = json_array();
		for (size_t i = 0; arr && i < n; i++)
			json_array_append_new(arr, problem_json(kb_ctx_detail(ctx, i)));
		json_t *root = json_pack("{s:s, s:o, s:I}", "template", o.positional[0], "problems",
		                         arr ? arr : json_array(), "count", (json_int_t)n);
		if (root && sc.fs) {
			char *rep = kb_report_json(sc.fs, kb_letter_text(sc.l), &sc.m);
			json_t *r = rep ? json_loads(rep, 0, NULL) : NULL;
			free(rep);
			json_object_set_new(root, "static_text", r ? r : json_null());
		} else if (root) {
			json_object_set_new(root, "static_text", json_null());
		}
		char *s =
		    root ? json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15)) : NULL;
		if (s)
			printf("%s\n", s);
		free(s);
		json_decref(root);
	} else {
		for (size_t i = 0; i < n; i++)
			printf("%s\n", kb_ctx_detail(ctx, i));
		if (n)
			printf("%s: %zu fejl i skabelonen\n", o.positional[0], n);
		else
			printf("%s: ingen fejl i skabelonen\n", o.positional[0]);
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
	return n || errors ? KB_EXIT_BLOCKED : KB_EXIT_OK;
}
