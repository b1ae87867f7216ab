/* cmd_render.c -- klarbrev render: a plain-text Mustache template + a case -> the text on stdout. */
#include "cli.h"
#include "encoding.h"
#include "internal.h"
#include "letter.h"
#include "mustache.h"
#include "partials.h"

#include <stdlib.h>
#include <string.h>

static const char *render_help =
	"Brug: klarbrev render SKABELON.txt SAG.json [--partials MAPPE] [--no-escape] [--delimiters \"{ }\"]\n"
	"                     [--encoding TEGNSÆT]\n"
	"\n"
	"Udfylder en tekstskabelon (Mustache) med sagens felter og skriver teksten på standardudgangen.\n"
	"Brevet tjekkes ikke; brug klarbrev check bagefter.\n"
	"\n"
	"  SKABELON.txt          tekst med tags: {{modtager.navn}}, {{#afslag}}...{{/afslag}},\n"
	"                        {{> klage/ankestyrelsen}}\n"
	"  SAG.json              sagens felter som JSON, fx {\"modtager\": {\"navn\": \"Jens Hansen\"}}; som i\n"
	"                        Mustache-standarden må det også være en tekst, et tal eller en liste ({{.}})\n"
	"  --partials MAPPE      søg først her efter standardafsnit: {{> klage/ankestyrelsen}} er\n"
	"                        MAPPE/klage/ankestyrelsen.txt (eller .mustache); derefter i partials/ ved siden\n"
	"                        af skabelonen og i klarbrevs templates/partials (se docs/templates.md).\n"
	"                        Et standardafsnit, der ikke findes, skrives som tom tekst med en advarsel, som\n"
	"                        Mustache-standarden siger; i et Word-brev (klarbrev fill) er det en fejl\n"
	"  --data-dir MAPPE      klarbrevs data; ellers KLARBREV_DATA eller ved programmet\n"
	"  --no-escape           skriv værdier, som de er; ellers bliver & < > \" til &amp; &lt; &gt; &quot;\n"
	"  --delimiters \"{ }\"    andre tag-afgrænsere end {{ }}\n"
	"  --encoding TEGNSÆT    skabelonens og sagens tegnsæt, når de ikke er UTF-8: windows-1252 eller\n"
	"                        iso-8859-1\n"
	"\n"
	"Eksempel:\n"
	"  klarbrev render afslag.txt sag.json --partials templates/partials --no-escape > brev.txt\n"
	"\n"
	"Afslutningskoder: 0 teksten er skrevet, 2 forkert brug eller ugyldige input (fejlen siger hvad og hvor).\n";

/* kb_mustache_loader over the partials folders (ud: cli_partials_dirs()): name -> the first DIR/name.txt or
 * DIR/name.mustache. A partial that does not exist renders as nothing, as the Mustache spec says, with a warning
 * on standard error that names the folders searched and the partials that exist (the text still goes to standard
 * output). Word letters (klarbrev fill) are stricter: there a missing standard paragraph stops the letter. A name
 * that would leave the folder is refused. */
static int load_partial_file(char **out, size_t *len, kb_ctx *ctx, const char *name, void *ud)
{
	static const char *const exts[] = { ".txt", ".mustache", NULL };
	char *path = NULL;
	*out = NULL;
	*len = 0;
	int rc = kb_partial_find(&path, ctx, ud, name, exts, cli_partials_hint);
	if (rc == KB_ENOTFOUND) {
		fprintf(stderr, "klarbrev render: advarsel: standardafsnittet \"%s\" skrives som tom tekst: %s\n", name,
		        kb_ctx_errmsg(ctx));
		return KB_OK;
	}
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

/* *src (read from name) converted from encoding to UTF-8 in place; nothing to do for UTF-8 (NULL). */
static int to_utf8(char **src, size_t *len, kb_ctx *ctx, const char *encoding, const char *name, size_t max)
{
	if (kb_encoding_is_utf8(encoding))
		return KB_OK;
	char *conv = NULL;
	size_t conv_len = 0;
	int rc = kb_encoding_to_utf8(&conv, &conv_len, ctx, *src, *len, encoding, name, max);
	if (rc)
		return rc;
	free(*src);
	*src = conv;
	*len = conv_len;
	return KB_OK;
}

/* The data: any JSON value, as the Mustache spec allows ("world" with {{.}}, a list at the root). An object, or a
 * file that is not JSON at all, goes through kb_case_load_buffer(), so its checks and messages are those of every
 * other case. *out is a new reference, or NULL after a message on ctx. */
static int load_data(json_t **out, kb_case **c, kb_ctx *ctx, const char *path, const char *encoding)
{
	char *src = NULL;
	size_t len = 0;
	*out = NULL;
	int rc = kb_read_file(&src, &len, ctx, path, KB_MAX_CASE_BYTES);
	if (!rc)
		rc = to_utf8(&src, &len, ctx, encoding, path, KB_MAX_CASE_BYTES);
	if (rc) {
		free(src);
		return rc;
	}
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
	int ret = cli_parse(&o, argc, argv, 2, "render", "partials no-escape delimiters data-dir encoding ");
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
	char *src = NULL, *text = NULL, *data_dir = NULL;
	char **partials = NULL;
	size_t len = 0, text_len = 0;
	ret = KB_EXIT_BAD;
	if (kb_ctx_new(&ctx)) {
		fprintf(stderr, "klarbrev: ikke nok hukommelse\n");
		goto done;
	}
	/* partials are found as fill finds them: --partials, "partials" beside the template, the data folder's */
	int no_data;
	data_dir = cli_find_data_dir(&o, 0, &no_data);
	if (no_data)
		goto done; /* a --data-dir or KLARBREV_DATA that does not exist: said why */
	if (!(partials = cli_partials_dirs(&o, o.positional[0], data_dir)))
		goto done;
	kb_mustache_options mo = { .open = open, .close = close, .no_escape = o.no_escape,
		                   .load_partial = load_partial_file, .ud = partials };
	int rc = kb_read_file(&src, &len, ctx, o.positional[0], KB_MAX_TEXT_BYTES);
	if (!rc && len >= 4 && !memcmp(src, "PK\x03\x04", 4))
		rc = kb_ctx_fail(ctx, KB_EINPUT,
		                 "%s er en Word-fil (eller et andet zip-arkiv); render udfylder tekstskabeloner. Brug klarbrev "
		                 "fill SKABELON SAG.json -o BREV.docx til en .docx-skabelon",
		                 o.positional[0]);
	if (!rc)
		rc = to_utf8(&src, &len, ctx, o.encoding, o.positional[0], KB_MAX_TEXT_BYTES);
	if (!rc)
		rc = kb_encoding_check_utf8(ctx, src, len, o.positional[0], "skabelonen");
	if (!rc)
		rc = kb_mustache_compile(&m, ctx, src, len, o.positional[0], &mo);
	if (!rc)
		rc = load_data(&data, &c, ctx, o.positional[1], o.encoding);
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
	cli_strv_free(partials);
	free(data_dir);
	free(text);
	free(src);
	kb_mustache_free(m);
	json_decref(data);
	kb_case_free(c);
	kb_ctx_free(ctx);
	return ret;
}
