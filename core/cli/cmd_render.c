/* cmd_render.c -- klarbrev render: a plain-text Mustache template + a case -> the text on stdout. */
#include "cli.h"
#include "internal.h"
#include "letter.h"
#include "mustache.h"

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
	"  --partials MAPPE      hvor standardafsnit ligger: {{> klage/ankestyrelsen}} er\n"
	"                        MAPPE/klage/ankestyrelsen.txt (eller .mustache)\n"
	"  --no-escape           skriv værdier, som de er; ellers bliver & < > \" til &amp; &lt; &gt; &quot;\n"
	"  --delimiters \"{ }\"    andre tag-afgrænsere end {{ }}\n"
	"\n"
	"Eksempel:\n"
	"  klarbrev render afslag.txt sag.json --partials templates/partials --no-escape > brev.txt\n"
	"\n"
	"Afslutningskoder: 0 teksten er skrevet, 2 forkert brug eller ugyldige input (fejlen siger hvad og hvor).\n";

/* A partial name may name files below the partials folder only: no absolute path, no "..", no backslash. */
static int partial_name_ok(const char *name)
{
	return name[0] && name[0] != '/' && !strstr(name, "..") && !strchr(name, '\\');
}

/* kb_mustache_loader over a folder (ud; NULL when --partials is not given): name -> DIR/name.txt or .mustache.
 * A partial that does not exist is an error: a letter without its standard paragraph must not go out. */
static int load_partial_file(char **out, size_t *len, kb_ctx *ctx, const char *name, void *ud)
{
	static const char *const exts[] = { ".txt", ".mustache" };
	const char *dir = ud;
	char path[4096];
	*out = NULL;
	*len = 0;
	if (!dir)
		return kb_ctx_fail(ctx, KB_EINPUT,
		                   "skabelonen bruger partial \"%s\"; angiv dens mappe med --partials MAPPE", name);
	if (!partial_name_ok(name))
		return kb_ctx_fail(ctx, KB_EINPUT,
		                   "partial \"%s\": navnet skal være en sti inde i partialmappen (uden \"..\" og uden \"/\" "
		                   "forrest)",
		                   name);
	for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
		int n = snprintf(path, sizeof path, "%s/%s%s", dir, name, exts[i]);
		if (n < 0 || (size_t)n >= sizeof path)
			return kb_ctx_fail(ctx, KB_EINPUT, "partial \"%s\": stien er for lang", name);
		int rc = kb_read_file(out, len, ctx, path, KB_MAX_TEXT_BYTES);
		if (rc != KB_ENOTFOUND)
			return rc;
	}
	return kb_ctx_fail(ctx, KB_ENOTFOUND, "partial \"%s\" findes ikke: hverken %s/%s.txt eller %s/%s.mustache",
	                   name, dir, name, dir, name);
}

int cmd_render(int argc, char **argv)
{
	cli_opts o;
	int ret = cli_parse(&o, argc, argv, 2, "render", "partials no-escape delimiters ");
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
	char *src = NULL, *text = NULL;
	size_t len = 0, text_len = 0;
	ret = KB_EXIT_BAD;
	if (kb_ctx_new(&ctx)) {
		fprintf(stderr, "klarbrev: out of memory\n");
		goto done;
	}
	kb_mustache_options mo = { .open = open, .close = close, .no_escape = o.no_escape,
		                   .load_partial = load_partial_file, .ud = (void *)o.partials };
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
	free(text);
	free(src);
	kb_mustache_free(m);
	kb_case_free(c);
	kb_ctx_free(ctx);
	return ret;
}
