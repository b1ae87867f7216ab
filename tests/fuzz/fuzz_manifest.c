/*
 * fuzz_manifest.c -- fuzz target: a template manifest and a case, checked as `klarbrev fill` checks them before
 * anything is written (manifest.c, casedata.c). The input is manifest.json, a NUL byte, then the case's JSON; a
 * case that is missing is "{}". Every field path the manifest or the case names (and their list-item paths) is
 * looked up, and the two case checks must agree: a case that validates has no problems, and the reverse.
 */
#include "fuzz_util.h"

#include <jansson.h>
#include <klarbrev.h>

#include "letter.h"
#include "manifest.h"

static void lookups(const json_t *manifest, const char *path)
{
	(void)kb_manifest_field(manifest, path);
	(void)kb_manifest_declares(manifest, path);
	(void)kb_manifest_field_flags(manifest, path);
}

/* Every key of obj as a path (prefix.key), down to depth 4, and the same through the first item of a list. */
static void walk(const json_t *manifest, const json_t *obj, const char *prefix, int depth)
{
	if (depth > 4 || !json_is_object(obj))
		return;
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)obj, k, v) {
		char path[512];
		snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "." : "", k);
		lookups(manifest, path);
		if (json_is_object(v)) {
			walk(manifest, v, path, depth + 1);
			walk(manifest, json_object_get(v, "items"), path, depth + 1);
		} else if (json_is_array(v)) {
			walk(manifest, json_array_get(v, 0), path, depth + 1);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t mlen, clen;
	int has_case;
	const uint8_t *m = kbf_piece(data, size, 0, &mlen, NULL);
	const uint8_t *c = kbf_piece(data, size, 1, &clen, &has_case);
	const char *mpath = kbf_path(0, "manifest.json");
	if (kbf_write(mpath, m, mlen))
		return 0;
	kb_ctx *ctx = NULL;
	json_t *manifest = NULL;
	kb_case *kc = NULL;
	if (kb_ctx_new(&ctx))
		abort();
	int rc = kb_manifest_load(&manifest, ctx, mpath);
	if (rc != KB_OK) {
		/* a manifest that parses but has problems is still worth checking a case against */
		manifest = json_loadb((const char *)m, mlen, 0, NULL);
		if (!json_is_object(manifest))
			goto done;
		(void)kb_manifest_check(ctx, manifest, "manifest.json");
	}
	for (size_t i = 0; i < kb_ctx_detail_count(ctx); i++)
		(void)kb_ctx_detail(ctx, i);
	if (kb_case_load_buffer(&kc, ctx, has_case ? (const char *)c : "{}", has_case ? clen : 2, "sag.json") != KB_OK)
		goto done;
	const json_t *cj = kb_case_json(kc);
	rc = kb_manifest_validate_case(ctx, manifest, cj, "sag.json");
	size_t details = kb_ctx_detail_count(ctx);
	int bad = 0;
	kb_ctx_clear(ctx);
	if (kb_manifest_case_problems(&bad, ctx, manifest, cj) != KB_OK)
		goto done;
	if ((rc == KB_OK) != (bad == 0)) {
		fprintf(stderr, "validate_case %d with %zu details, case_problems %d\n", rc, details, bad);
		abort();
	}
	(void)kb_manifest_outcome(manifest, cj);
	(void)kb_manifest_outcome(manifest, NULL);
	walk(manifest, json_object_get(manifest, "fields"), "", 0);
	walk(manifest, cj, "", 0);
	lookups(manifest, "");
	lookups(manifest, ".");
	lookups(manifest, "a..b");
done:
	(void)kb_ctx_errmsg(ctx);
	kb_case_free(kc);
	json_decref(manifest);
	kb_ctx_free(ctx);
	return 0;
}
