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
	"  SAG.json              sagens felter som JSON, fx {\"modtager\": {\"navn\": \"Jens Hansen\"}}; som i\n"
	"                        Mustache-standarden må det også være en tekst, et tal eller en liste ({{.}})\n"
	"  --partials MAPPE      hvor standardafsnit ligger: {{> klage/ankestyrelsen}} er\n"
	"                        MAPPE/klage/ankestyrelsen.txt (eller .mustache). Et standardafsnit, der ikke\n"
	"                        findes, skrives som tom tekst med en advarsel, som Mustache-standarden siger;\n"
	"                        i et Word-brev (klarbrev fill) er det en fejl, og brevet bliver ikke lavet\n"
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
 * A partial that does not exist renders as nothing, as the Mustache spec says, with a warning on standard error
 * (the text still goes to standard output). Word letters (klarbrev fill) are stricter: there a missing standard
 * paragraph stops the letter. A name that would leave the folder is refused. */
static int load_partial_file(char **out, size_t *len, kb_ctx *ctx, const char *name, void *ud)
{
	static const char *const exts[] = { ".txt", ".mustache" };
	const char *dir = ud;
	char path[4096];
	*out = NULL;
	*len = 0;
	if (!partial_name_ok(name))
		return kb_ctx_fail(ctx, KB_EINPUT,
		                   "partial \"%s\": navnet skal være en sti inde i partialmappen (uden \"..\" og uden \"/\" "
		                   "forrest)",
		                   name);
	if (!dir) {
		fprintf(stderr,
		        "klarbrev render: advarsel: skabelonen bruger partial \"%s\", men ingen mappe er angivet med "
		        "--partials MAPPE; den skrives som tom tekst\n",
		        name);
		return KB_OK;
	}
	for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
		int n = snprintf(path, sizeof path, "%s/%s%s", dir, name, exts[i]);
		if (n < 0 || (size_t)n >= sizeof path)
			return kb_ctx_fail(ctx, KB_EINPUT, "partial \"%s\": stien er for lang", name);
		int rc = kb_read_file(out, len, ctx, path, KB_MAX_TEXT_BYTES);
		if (rc != KB_ENOTFOUND)
			return rc;
	}
	fprintf(stderr,
	        "klarbrev render: advarsel: partial \"%s\" findes ikke (hverken %s/%s.txt eller %s/%s.mustache); den "
	        "skrives som tom tekst\n",
	        name, dir, name, dir, name);
	return KB_OK;
}

/* The data: any JSON value, as the Mustache spec allows ("world" with {{.}}, a list at the root). An object, or a
 * file that is not JSON at all, goes through kb_case_load_buffer(), so its checks and messages are those of every
 * other case. *out is a new reference, or NULL after a message on ctx. */
static int load_data(json_t **out, kb_case **c, kb_ctx *ctx, const char *path)
{
	char *src = NULL;
	size_t len = 0;
	*out = NULL;
	int rc = kb_read_file(&src, &len, ctx, path, KB_MAX_CASE_BYTES);
	if (rc)
		return rc;
	json_error_t err;
	json_t *any = json_loadb(src, len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &err);
	if (any && !json_is_object(any)) {
		*out = any;
	} else {
		json_decref(any);
		if (!(rc = kb_case_load_buffer(c, ctx, src, len, path)))
			*out = json_incref((json_t *)kb_case_json(*c));
	}
	free(src);
	return rc;
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
	json_t *data = NULL;
	kb_mustache *m = NULL;
	char *src = NULL, *text = NULL;
	size_t len = 0, text_len = 0;
	ret = KB_EXIT_BAD;
	if (kb_ctx_new(&ctx)) {
		fprintf(stderr, "klarbrev: ikke nok hukommelse\n");
		goto done;
	}
	kb_mustache_options mo = { .open = open, .close = close, .no_escape = o.no_escape,
		                   .load_partial = load_partial_file, .ud = (void *)o.partials };
	int rc = kb_read_file(&src, &len, ctx, o.positional[0], KB_MAX_TEXT_BYTES);
	if (!rc)
		rc = kb_mustache_compile(&m, ctx, src, len, o.positional[0], &mo);
	if (!rc)
		rc = load_data(&data, &c, ctx, o.positional[1]);
	if (!rc)
		rc = kb_mustache_render(&text, &text_len, ctx, m, data);
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
	json_decref(data);
	kb_case_free(c);
	kb_ctx_free(ctx);
	return ret;
}
