/*
 * fuzz_mustache.c -- fuzz target: the plain-text Mustache renderer (mustache.c, expr.c, the formatters), as
 * `klarbrev render` uses it. The input is up to four NUL-separated pieces: the template; the data as JSON (missing
 * or invalid: a fixed case with every kind of value); the partials as a JSON object of name -> source (missing: p,
 * q and a partial that includes itself); one byte of options (bit 0: no HTML escaping, bit 1: "<% %>" delimiters,
 * bit 2: a missing partial is an error). Scripts/fuzz.sh turns the Mustache spec's tests into seeds of this form.
 */
#include "fuzz_util.h"

#include <jansson.h>
#include <klarbrev.h>

#include "mustache.h"

static const char default_data[] =
    "{\"navn\":\"Jens <&> \\\"Hansen\\\"\",\"beløb\":12345.5,\"antal\":3,\"nul\":0,\"sand\":true,\"falsk\":false,"
    "\"intet\":null,\"tom\":\"\",\"dato\":\"2026-05-04\",\"cpr\":\"010203-1234\","
    "\"liste\":[{\"v\":\"a\",\"n\":1},{\"v\":\"b\",\"n\":2},{\"v\":\"c\",\"liste\":[1,2]}],\"tekster\":[\"x\",\"y\"],"
    "\"a\":{\"b\":{\"c\":\"dyb\"}},\"modtager\":{\"navn\":\"Åse Ørsted\",\"adresse\":\"Vej 1\\n2000 By\"}}";

static const char default_partials[] =
    "{\"p\":\"[{{navn}}]\\n\",\"q\":\"{{#liste}}{{> p}}{{/liste}}\",\"selv\":\"{{#a}}{{> selv}}{{/a}}x\","
    "\"tom\":\"\"}";

typedef struct {
	json_t *partials;
	int strict;
} loader_ud;

static int load_partial(char **out, size_t *len, kb_ctx *ctx, const char *name, void *ud)
{
	loader_ud *u = ud;
	const char *s = json_string_value(json_object_get(u->partials, name));
	*out = NULL;
	*len = 0;
	if (!s)
		return u->strict ? kb_ctx_fail(ctx, KB_ENOTFOUND, "partial %s findes ikke", name) : KB_OK;
	size_t n = json_string_length(json_object_get(u->partials, name));
	if (!(*out = malloc(n + 1)))
		return KB_ENOMEM;
	memcpy(*out, s, n);
	(*out)[n] = '\0';
	*len = n;
	return KB_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t tlen, dlen, plen, olen;
	int has_data, has_partials, has_opts;
	const uint8_t *tpl = kbf_piece(data, size, 0, &tlen, NULL);
	const uint8_t *d = kbf_piece(data, size, 1, &dlen, &has_data);
	const uint8_t *p = kbf_piece(data, size, 2, &plen, &has_partials);
	const uint8_t *o = kbf_piece(data, size, 3, &olen, &has_opts);
	unsigned flags = has_opts && olen ? o[0] : 0;

	json_t *json = has_data ? json_loadb((const char *)d, dlen, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL) : NULL;
	if (!json)
		json = json_loads(default_data, 0, NULL);
	loader_ud u = { NULL, (flags & 4) != 0 };
	if (has_partials)
		u.partials = json_loadb((const char *)p, plen, JSON_ALLOW_NUL, NULL);
	if (!json_is_object(u.partials)) {
		json_decref(u.partials);
		u.partials = json_loads(default_partials, 0, NULL);
	}
	kb_mustache_options mo = { .no_escape = flags & 1, .load_partial = load_partial, .ud = &u,
		                   .max_output = 1u << 20, .max_steps = 200000 };
	if (flags & 2) {
		mo.open = "<%";
		mo.close = "%>";
	}
	kb_ctx *ctx = NULL;
	kb_mustache *m = NULL;
	char *out = NULL;
	size_t out_len = 0;
	if (kb_ctx_new(&ctx))
		abort();
	if (kb_mustache_compile(&m, ctx, (const char *)tpl, tlen, "brev.txt", &mo) == KB_OK) {
		if (kb_mustache_render(&out, &out_len, ctx, m, json) == KB_OK) {
			if (out[out_len] != '\0' || out_len > mo.max_output)
				abort();
			/* the compiled template is not changed by rendering: the same again gives the same */
			char *again = NULL;
			size_t again_len = 0;
			if (kb_mustache_render(&again, &again_len, ctx, m, json) != KB_OK || again_len != out_len ||
			    memcmp(again, out, out_len) != 0)
				abort();
			free(again);
		}
	}
	(void)kb_ctx_errmsg(ctx);
	free(out);
	kb_mustache_free(m);
	json_decref(json);
	json_decref(u.partials);
	kb_ctx_free(ctx);
	return 0;
}
