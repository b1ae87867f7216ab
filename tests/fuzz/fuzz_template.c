/*
 * fuzz_template.c -- fuzz target: a DOCX template is linted, compiled, asked for its case skeleton (`klarbrev
 * template fields`), and rendered twice: with the skeleton as it is and with the skeleton filled with values (texts
 * with markup characters, lists of two items, true for yes/no fields); the letters' text is built and one is saved
 * (template.c, expr.c, casedata.c, letter.c, package.c). Partials come from a scratch folder that holds p.txt and a
 * few others. Some inputs (chosen by their hash) use docxtemplater's "{ }" delimiters.
 */
#include "fuzz_util.h"

#include <jansson.h>
#include <klarbrev.h>

static const char *partials_dir(void)
{
	static char dir[512];
	if (dir[0])
		return dir;
	snprintf(dir, sizeof dir, "%s", kbf_path(2, "partials"));
	mkdir(dir, 0700);
	char sub[600];
	snprintf(sub, sizeof sub, "%s/klagevejledning", dir);
	mkdir(sub, 0700);
	static const struct {
		const char *name, *text;
	} files[] = {
		{ "p.txt", "Standardafsnit om {{v}} og {{#a}}punkt {{.}}{{/a}}.\nAnden linje." },
		{ "q.txt", "{{^x}}Intet{{/x}} {{modtager.navn}}" },
		{ "tom.txt", "" },
		{ "klagevejledning/ankestyrelsen.txt",
		  "Du kan klage over afgørelsen til Ankestyrelsen inden {{frist | dato \"lang\"}}." },
	};
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		char path[700];
		snprintf(path, sizeof path, "%s/%s", dir, files[i].name);
		kbf_write(path, files[i].text, strlen(files[i].text));
	}
	return dir;
}

/* The skeleton with values: strings get text, lists get a second item, yes/no fields become true. */
static json_t *fill(const json_t *v, uint64_t *rng, int depth)
{
	static const char *const texts[] = { "Jens Hansen", "æøå ÆØÅ", "<b>&amp;\"'", "12.345,67", "2026-05-04",
		                             "", "linje\nlinje", "{{v}}" };
	if (depth > 20)
		return json_null();
	if (json_is_object(v)) {
		json_t *o = json_object();
		const char *k;
		json_t *x;
		json_object_foreach((json_t *)v, k, x) json_object_set_new(o, k, fill(x, rng, depth + 1));
		return o;
	}
	if (json_is_array(v)) {
		json_t *a = json_array();
		size_t n = json_array_size(v);
		for (size_t i = 0; i < n; i++)
			json_array_append_new(a, fill(json_array_get(v, i), rng, depth + 1));
		if (n)
			json_array_append_new(a, fill(json_array_get(v, 0), rng, depth + 1));
		return a;
	}
	if (json_is_boolean(v))
		return json_boolean(kbf_below(rng, 4) != 0);
	if (json_is_string(v) || json_is_null(v)) {
		switch (kbf_below(rng, 10)) {
		case 0: return json_integer((json_int_t)kbf_below(rng, 100000));
		case 1: return json_real(1234.5);
		default: return json_string(texts[kbf_below(rng, sizeof texts / sizeof texts[0])]);
		}
	}
	return json_deep_copy(v);
}

static void render(kb_ctx *ctx, const kb_template *t, const char *json, int save)
{
	kb_case *c = NULL;
	kb_letter *l = NULL;
	if (kb_case_load_buffer(&c, ctx, json, strlen(json), "sag.json") == KB_OK &&
	    kb_template_render(&l, ctx, t, c) == KB_OK) {
		const kb_text *text = kb_letter_text(l);
		kb_metrics m;
		kb_metrics_compute(&m, text);
		if (save)
			kb_letter_save(l, ctx, kbf_path(1, "letter.docx"));
	}
	kb_letter_free(l);
	kb_case_free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = kbf_path(0, "template.docx");
	if (kbf_write(in, data, size))
		return 0;
	uint64_t rng = kbf_hash(data, size);
	kb_template_options opts = { .partials_dir = partials_dir() };
	if (kbf_below(&rng, 8) == 0) {
		opts.open_delim = "{";
		opts.close_delim = "}";
	}
	kb_ctx *ctx = NULL;
	kb_template *t = NULL;
	kb_letter *stat = NULL;
	char *fields = NULL, *filled = NULL;
	if (kb_ctx_new(&ctx))
		abort();
	int rc = kb_template_lint(ctx, in, &opts);
	for (size_t i = 0; i < kb_ctx_detail_count(ctx); i++)
		(void)kb_ctx_detail(ctx, i);
	if (rc != KB_OK && rc != KB_ETEMPLATE)
		goto done; /* not readable at all: compiling would say the same */
	kb_ctx_clear(ctx);
	if (kb_template_compile(&t, ctx, in, &opts) != KB_OK)
		goto done;
	(void)kb_template_title(t);
	if (kb_template_static_letter(&stat, ctx, t) == KB_OK)
		(void)kb_letter_text(stat);
	if (kb_template_fields(&fields, ctx, t) != KB_OK)
		goto done;
	json_error_t err;
	json_t *skeleton = json_loads(fields, 0, &err);
	if (!skeleton) {
		fprintf(stderr, "template fields gave invalid JSON: %s\n%s\n", err.text, fields);
		abort();
	}
	render(ctx, t, fields, 0);
	json_t *values = fill(skeleton, &rng, 0);
	filled = json_dumps(values, JSON_COMPACT);
	json_decref(values);
	json_decref(skeleton);
	if (filled)
		render(ctx, t, filled, 1);
done:
	(void)kb_ctx_errmsg(ctx);
	free(fields);
	free(filled);
	kb_letter_free(stat);
	kb_template_free(t);
	kb_ctx_free(ctx);
	return 0;
}
