/* casedata.c -- case fields: a JSON object read with jansson (from UTF-8, or through iconv from another character
 * set), looked up by dotted path. */
#include "encoding.h"
#include "internal.h"
#include "letter.h"
#include "manifest.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

struct kb_case {
	json_t *root;
	char *name;
};

void kb_case_free(kb_case *c)
{
	if (!c)
		return;
	json_decref(c->root);
	free(c->name);
	free(c);
}

const json_t *kb_case_json(const kb_case *c)
{
	return c ? c->root : NULL;
}

const char *kb_case_name(const kb_case *c)
{
	return c ? c->name : "";
}

#define CASE_MAX_IGNORE_WORD 200u /* bytes; as long as a word the speller looks up */

/* The case's own "ignore" list, when it has one, must be a list of words: the spelling rule does not report them.
 * A wrong form is refused with a message that says where, rather than ignored. */
static int check_ignore_list(kb_ctx *ctx, const json_t *root, const char *name)
{
	const json_t *list = json_object_get(root, "ignore");
	if (!list)
		return KB_OK;
	if (!json_is_array(list))
		return kb_ctx_fail(ctx, KB_EINPUT,
		                   "%s: \"ignore\" skal være en liste af ord, som stavekontrollen ikke skal melde, fx "
		                   "\"ignore\": [\"Xyqwerte\", \"Tjørnehøj\"]",
		                   name);
	size_t i;
	const json_t *v;
	json_array_foreach(list, i, v)
	{
		const char *s = json_string_value(v);
		if (!s)
			return kb_ctx_fail(ctx, KB_EINPUT,
			                   "%s: \"ignore\", element %zu er ikke en tekst; skriv ordet i anførselstegn, "
			                   "fx \"Xyqwerte\"",
			                   name, i + 1);
		if (strlen(s) > CASE_MAX_IGNORE_WORD)
			return kb_ctx_fail(ctx, KB_EINPUT,
			                   "%s: \"ignore\", element %zu er længere end %u byte; skriv ét ord", name,
			                   i + 1, CASE_MAX_IGNORE_WORD);
	}
	return KB_OK;
}

int kb_case_load_buffer(kb_case **out, kb_ctx *ctx, const char *data, size_t len, const char *name)
{
	*out = NULL;
	if (len > KB_MAX_CASE_BYTES)
		return kb_ctx_fail(ctx, KB_ELIMIT, "%s: sagen er større end %u byte; er det den rigtige fil?", name, KB_MAX_CASE_BYTES);
	int rc = kb_encoding_check_utf8(ctx, data, len, name, "sagen");
	if (rc)
		return rc;
	json_error_t err;
	/* JSON_REJECT_DUPLICATES: a field given twice is almost always a mistake in an export; say so */
	json_t *root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &err);
	if (!root) {
		char why[512];
		kb_json_error_text(why, sizeof why, &err);
		if (err.line <= 0)
			return kb_ctx_fail(ctx, KB_EINPUT, "%s: sagen er ikke gyldig JSON: %s", name, why);
		return kb_ctx_fail(ctx, KB_EINPUT, "%s, linje %d, kolonne %d: sagen er ikke gyldig JSON: %s", name,
		                   err.line, err.column, why);
	}
	return kb_case_from_json(out, ctx, root, name);
}

int kb_case_from_json(kb_case **out, kb_ctx *ctx, json_t *root, const char *name)
{
	*out = NULL;
	int rc;
	if (!json_is_object(root)) {
		json_decref(root);
		return kb_ctx_fail(ctx, KB_EINPUT,
		                   "%s: sagen skal være et JSON-objekt med felter, fx {\"modtager\": {\"navn\": \"...\"}}",
		                   name);
	}
	if ((rc = check_ignore_list(ctx, root, name))) {
		json_decref(root);
		return rc;
	}
	kb_case *c = calloc(1, sizeof *c);
	char *nm = kb_strdup(name);
	if (!c || !nm) {
		free(c);
		free(nm);
		json_decref(root);
		return kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
	}
	c->root = root;
	c->name = nm;
	*out = c;
	return KB_OK;
}

int kb_case_load_file(kb_case **out, kb_ctx *ctx, const char *path)
{
	return kb_case_load_file_encoded(out, ctx, path, NULL);
}

int kb_case_load_file_encoded(kb_case **out, kb_ctx *ctx, const char *path, const char *encoding)
{
	char *data = NULL;
	size_t len = 0;
	*out = NULL;
	int rc = kb_encoding_read_file(&data, &len, ctx, path, encoding, KB_MAX_CASE_BYTES);
	if (rc)
		return rc;
	rc = kb_case_load_buffer(out, ctx, data, len, path);
	free(data);
	return rc;
}
