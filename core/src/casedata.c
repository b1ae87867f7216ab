/* casedata.c -- case fields: a JSON object read with jansson, looked up by dotted path. */
#include "internal.h"
#include "letter.h"

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

int kb_case_load_buffer(kb_case **out, kb_ctx *ctx, const char *data, size_t len, const char *name)
{
	*out = NULL;
	if (len > KB_MAX_CASE_BYTES)
		return kb_ctx_fail(ctx, KB_ELIMIT, "%s: the case file is larger than %u bytes", name, KB_MAX_CASE_BYTES);
	json_error_t err;
	/* JSON_REJECT_DUPLICATES: a field given twice is almost always a mistake in an export; say so */
	json_t *root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &err);
	if (!root) {
		if (err.line <= 0)
			return kb_ctx_fail(ctx, KB_EINPUT, "%s: sagen er ikke gyldig JSON: %s", name, err.text);
		return kb_ctx_fail(ctx, KB_EINPUT, "%s: linje %d, kolonne %d: sagen er ikke gyldig JSON: %s", name,
		                   err.line, err.column, err.text);
	}
	if (!json_is_object(root)) {
		json_decref(root);
		return kb_ctx_fail(ctx, KB_EINPUT,
		                   "%s: sagen skal være et JSON-objekt med felter, fx {\"modtager\": {\"navn\": \"...\"}}",
		                   name);
	}
	kb_case *c = calloc(1, sizeof *c);
	char *nm = kb_strdup(name);
	if (!c || !nm) {
		free(c);
		free(nm);
		json_decref(root);
		return kb_ctx_fail(ctx, KB_ENOMEM, "out of memory");
	}
	c->root = root;
	c->name = nm;
	*out = c;
	return KB_OK;
}

int kb_case_load_file(kb_case **out, kb_ctx *ctx, const char *path)
{
	char *data = NULL;
	size_t len = 0;
	*out = NULL;
	int rc = kb_read_file(&data, &len, ctx, path, KB_MAX_CASE_BYTES);
	if (rc)
		return rc;
	rc = kb_case_load_buffer(out, ctx, data, len, path);
	free(data);
	return rc;
}
