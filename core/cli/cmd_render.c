/* cmd_render.c -- klarbrev render: a plain-text Mustache template + a case -> the text on stdout. */
#include "cli.h"
#include "internal.h"
#include "letter.h"
#include "mustache.h"
#include "partials.h"

#include <stdlib.h>
#include <string.h>

static const char *render_help =
	"Brug: klarbrev render SKABELON.txt SAG.json [--partials MAPPE] [--no-escape] [--delimiters \"{ }\"]\n"
	"\n"
	"Udfylder en tekstskabelon (Mustache) med sagens felter og skriver teksten på standardudgangen.\n"
	"Brevet tjekkes ikke; brug klarbrev check bagefter.\n"
	"\n"
	"  SKABELON.txt          tekst med tags: {{modtager.navn}}, {{#afslag}}...{{/afslag}},\n"
	"                        {{> klage/ankestyrelsen}}\n"
	"  SAG.json              sagens felter som JSON, fx {\"modtager\": {\"navn\": \"Jens Hansen\"}}\n"
	"  --partials MAPPE      søg først her efter standardafsnit: {{> klage/ankestyrelsen}} er\n"
	"                        MAPPE/klage/ankestyrelsen.txt (eller .mustache); derefter i partials/ ved siden\n"
	"                        af skabelonen og i klarbrevs templates/partials (se docs/templates.md)\n"
	"  --data-dir MAPPE      klarbrevs data; ellers KLARBREV_DATA eller ved programmet\n"
	"  --no-escape           skriv værdier, som de er; ellers bliver & < > \" til &amp; &lt; &gt; &quot;\n"
	"  --delimiters \"{ }\"    andre tag-afgrænsere end {{ }}\n"
	"\n"
	"Eksempel:\n"
	"  klarbrev render afslag.txt sag.json --partials templates/partials --no-escape > brev.txt\n"
	"\n"
	"Afslutningskoder: 0 teksten er skrevet, 2 forkert brug eller ugyldige input (fejlen siger hvad og hvor).\n";

/* kb_mustache_loader over the partials folders (ud: cli_partials_dirs()): name -> the first DIR/name.txt or
 * DIR/name.mustache. A partial that does not exist is an error: a letter without its standard paragraph must not go
 * out. */
static int load_partial_file(char **out, size_t *len, kb_ctx *ctx, const char *name, void *ud)
{
	static const char *const exts[] = { ".txt", ".mustache", NULL };
	char *path = NULL;
	*out = NULL;
	*len = 0;
	int rc = kb_partial_find(&path, ctx, ud, name, exts, cli_partials_hint);
	if (rc) {
		char *why = kb_strdup(kb_ctx_errmsg(ctx));
		rc = kb_ctx_fail(ctx, rc == KB_ENOMEM ? rc : KB_EINPUT, "delskabelonen \"%s\" kan ikke indsættes: %s",
		                 name, why ? why : "");
		free(why);
		return rc;
	}
	rc = kb_read_file(out, len, ctx, path, KB_MAX_TEXT_BYTES);
	free(path);
	return rc;
}

int cmd_render(int argc, char **argv)
{
	cli_opts o;
	int ret = cli_parse(&o, argc, argv, 2, "render", "partials no-escape delimiters data-dir ");
	if (ret)
		return ret;
	if (o.help) {
		fputs(render_help, stdout);
		return KB_EXIT_OK;
	}
	if (o.npositional != 2)
		return cli_usage_error("render", "angiv en skabelon og en sag: klarbrev render SKABELON.txt SAG.json");
	char open[KB_CLI_DELIM] = "{{", close[KB_CLI_DELIM] = "}}";
	if (cli_delimiters(open, close, o.delimiters, "render"))
		return KB_EXIT_BAD;

	kb_ctx *ctx = NULL;
	kb_case *c = NULL;
	kb_mustache *m = NULL;
	char *src = NULL, *text = NULL, *data_dir = NULL;
	char **partials = NULL;
	size_t len = 0, text_len = 0;
	ret = KB_EXIT_BAD;
	if (kb_ctx_new(&ctx)) {
		fprintf(stderr, "klarbrev: out of memory\n");
		goto done;
	}
	/* partials are found as fill finds them: --partials, "partials" beside the template, the data folder's */
	const char *env_data = getenv("KLARBREV_DATA");
	data_dir = cli_find_data_dir(&o, 0);
	if (!data_dir && (o.data_dir || (env_data && *env_data)))
		goto done;
	if (!(partials = cli_partials_dirs(&o, o.positional[0], data_dir)))
		goto done;
	kb_mustache_options mo = { .open = open, .close = close, .no_escape = o.no_escape,
		                   .load_partial = load_partial_file, .ud = partials };
	int rc = kb_read_file(&src, &len, ctx, o.positional[0], KB_MAX_TEXT_BYTES);
	if (!rc)
		rc = kb_mustache_compile(&m, ctx, src, len, o.positional[0], &mo);
	if (!rc)
		rc = kb_case_load_file(&c, ctx, o.positional[1]);
	if (!rc)
		rc = kb_mustache_render(&text, &text_len, ctx, m, kb_case_json(c));
	if (rc) {
		ret = cli_fail(ctx, rc);
		goto done;
	}
	if (fwrite(text, 1, text_len, stdout) != text_len || fflush(stdout) != 0) {
		fprintf(stderr, "klarbrev: kunne ikke skrive teksten til standardudgangen\n");
		goto done;
	}
	ret = KB_EXIT_OK;
done:
	cli_strv_free(partials);
	free(data_dir);
	free(text);
	free(src);
	kb_mustache_free(m);
	kb_case_free(c);
	kb_ctx_free(ctx);
	return ret;
}
