/*
 * serve_routes.c -- the work of klarbrev serve's routes that take a worker: POST /templates/{id}/fill, POST /check
 * and POST /lint (docs/api.md). Each runs on a worker thread with the worker's own checker and context, and does
 * what the command of the same work does (fill, check --format json, template lint --format json), with the same
 * gate: a letter whose check finds errors is not handed out (422 with the report), only its draft.
 *
 * Letters go through files in the worker's scratch folder (the library reads and writes DOCX files by path, and its
 * check of a written DOCX reads the file back); each file is removed as soon as its bytes are read. Messages never
 * name the scratch folder: the client sees "brev.docx".
 */
#define _GNU_SOURCE /* memmem */
#include "checker.h"
#include "encoding.h"
#include "findings.h"
#include "internal.h"
#include "serve.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define DOCX_TYPE "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

/* The path of a scratch file of w's. */
static void scratch(char *out, size_t n, const sv_worker *w, const char *name)
{
	snprintf(out, n, "%s/%s", w->scratch, name);
}

/* A message of ctx without the scratch folder in it: "<scratch>/brev.docx" is "brev.docx", the folder itself "tjenestens
 * arbejdsmappe". Caller frees. */
static char *clean(const sv_worker *w, const char *msg)
{
	static const char folder[] = "tjenestens arbejdsmappe";
	size_t sl = strlen(w->scratch), n = 0;
	for (const char *p = msg; (p = strstr(p, w->scratch)); p += sl)
		n++;
	char *out = malloc(strlen(msg) + n * sizeof folder + 1);
	if (!out)
		return NULL;
	char *o = out;
	for (const char *p = msg; *p;) {
		if (!strncmp(p, w->scratch, sl)) {
			p += sl;
			if (*p == '/') {
				p++;
			} else {
				memcpy(o, folder, sizeof folder - 1);
				o += sizeof folder - 1;
			}
			continue;
		}
		*o++ = *p++;
	}
	*o = '\0';
	return out;
}

/* The case field a problem of the case is about ('feltet "sag.dato" skal ...'), or NULL. */
static json_t *problem_field(const char *msg)
{
	static const char lead[] = "feltet \"";
	if (strncmp(msg, lead, sizeof lead - 1))
		return json_null();
	const char *name = msg + sizeof lead - 1, *end = strchr(name, '"');
	return end && end > name ? json_stringn(name, (size_t)(end - name)) : json_null();
}

/* The problems of a case as the web page ties them to its fields: [{"field": "sag.dato" or null, "message"}]. */
static json_t *case_problems(const json_t *details)
{
	json_t *a = json_array();
	size_t i;
	const json_t *d;
	json_array_foreach(details, i, d)
	{
		const char *m = json_string_value(d);
		json_array_append_new(a, json_pack("{s:o, s:s}", "field", problem_field(m ? m : ""), "message", m ? m : ""));
	}
	return a;
}

/* The error answer for a library failure rc, with ctx's message and details (w's scratch folder left out). */
static void fail(sv_worker *w, const kb_ctx *ctx, sv_req *r, int rc, const char *input_code)
{
	unsigned status = MHD_HTTP_BAD_REQUEST;
	const char *code = input_code;
	switch (rc) {
	case KB_EDATA: code = "invalid_case"; break;
	case KB_ELIMIT: status = MHD_HTTP_CONTENT_TOO_LARGE, code = "limit_exceeded"; break;
	case KB_ETEMPLATE: code = "bad_template"; break;
	case KB_EINPUT:
	case KB_ENOTFOUND:
	case KB_EUSAGE: break;
	case KB_EEXTERNAL: status = MHD_HTTP_INTERNAL_SERVER_ERROR, code = "pdf_failed"; break;
	default: status = MHD_HTTP_INTERNAL_SERVER_ERROR, code = "internal"; break;
	}
	json_t *details = json_array();
	for (size_t i = 0; i < kb_ctx_detail_count(ctx); i++) {
		char *d = clean(w, kb_ctx_detail(ctx, i));
		json_array_append_new(details, json_string(d ? d : ""));
		free(d);
	}
	const char *m = kb_ctx_errmsg(ctx);
	char *msg = clean(w, m && *m ? m : "ukendt fejl");
	/* the command line's advice, as a client of the service follows it */
	char *enc = msg ? strstr(msg, "med --encoding (fx windows-1252)") : NULL;
	if (enc) {
		char buf[2048];
		snprintf(buf, sizeof buf, "%.*si Content-Type (fx Content-Type: %s; charset=windows-1252)", (int)(enc - msg),
		         msg, r->route == SV_ROUTE_FILL ? "application/json" : "text/plain");
		free(msg);
		msg = kb_strdup(buf);
	}
	if (!strcmp(code, "invalid_case")) { /* each problem with its field, for a form */
		json_t *problems = case_problems(details);
		sv_error_with(r, status, code, msg ? msg : "ukendt fejl", details, "problems", problems);
	} else {
		sv_error(r, status, code, msg ? msg : "ukendt fejl", details);
	}
	free(msg);
}

/* Reads the scratch file path into r's response and removes it. 0, or -1 after setting an error. */
static int respond_file(sv_worker *w, sv_req *r, const char *path, const char *type, const char *filename)
{
	char *data = NULL;
	size_t len = 0;
	int rc = kb_read_file(&data, &len, w->ctx, path, (size_t)1 << 30);
	unlink(path);
	if (rc) {
		fail(w, w->ctx, r, KB_EINTERNAL, "internal");
		return -1;
	}
	sv_respond(r, MHD_HTTP_OK, data, len, type);
	r->disposition = filename;
	return 0;
}

/* {"errors":N,"warnings":N,"lix":X} for the Klarbrev-Summary header. */
static char *summary_header(const kb_findings *fs, const kb_metrics *m)
{
	char buf[128];
	snprintf(buf, sizeof buf, "{\"errors\":%zu,\"warnings\":%zu,\"lix\":%.1f}",
	         kb_findings_count_level(fs, KB_LEVEL_ERROR), kb_findings_count_level(fs, KB_LEVEL_WARNING), m->lix);
	return kb_strdup(buf);
}

static char *dump(json_t *o)
{
	char *s = o ? json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10)) : NULL;
	return s;
}

/* With Accept: multipart/mixed, the letter in r's response becomes the second part after the report. */
static void make_multipart(sv_worker *w, sv_req *r, json_t *report)
{
	char *rep = dump(report);
	if (!rep || r->status != MHD_HTTP_OK) {
		free(rep);
		return;
	}
	char boundary[64];
	/* a boundary the letter's bytes do not hold */
	for (unsigned k = 0;; k++) {
		snprintf(boundary, sizeof boundary, "klarbrev-%d-%lu-%lx-%u", w->index, w->seq, (unsigned long)r->resp_len,
		         k);
		if (!memmem(r->resp, r->resp_len, boundary, strlen(boundary)))
			break;
	}
	size_t cap = strlen(rep) + r->resp_len + 512;
	char *buf = malloc(cap);
	if (!buf) {
		free(rep);
		return;
	}
	int n = snprintf(buf, cap,
	                 "--%s\r\nContent-Type: application/json; charset=utf-8\r\n\r\n%s\r\n--%s\r\nContent-Type: "
	                 "%s\r\nContent-Disposition: attachment; filename=\"%s\"\r\n\r\n",
	                 boundary, rep, boundary, r->resp_type, r->disposition ? r->disposition : "brev");
	size_t used = (size_t)n;
	memcpy(buf + used, r->resp, r->resp_len);
	used += r->resp_len;
	used += (size_t)snprintf(buf + used, cap - used, "\r\n--%s--\r\n", boundary);
	free(rep);
	snprintf(r->type_buf, sizeof r->type_buf, "multipart/mixed; boundary=%s", boundary);
	sv_respond(r, MHD_HTTP_OK, buf, used, r->type_buf);
	r->disposition = NULL;
}

/* The errors of fs as one line each ("afsnit 4: ..."), for a 422's details. */
static json_t *error_lines(const kb_findings *fs)
{
	json_t *a = json_array();
	for (size_t i = 0; i < kb_findings_count(fs); i++) {
		const kb_finding *f = kb_findings_get(fs, i);
		if (f->level != KB_LEVEL_ERROR)
			continue;
		char line[1024];
		if (f->paragraph >= 0)
			snprintf(line, sizeof line, "afsnit %ld: %s", f->paragraph + 1, f->message);
		else
			snprintf(line, sizeof line, "%s", f->message);
		json_array_append_new(a, json_string(line));
	}
	return a;
}

static void blocked(sv_req *r, const kb_findings *fs, json_t *report)
{
	size_t errors = kb_findings_count_level(fs, KB_LEVEL_ERROR);
	char msg[256];
	snprintf(msg, sizeof msg, "Brevet er ikke lavet, fordi tjekket fandt %zu fejl. Ret %s, og prøv igen.", errors,
	         errors == 1 ? "den" : "dem");
	json_t *o = json_pack("{s:s, s:s, s:o, s:O}", "code", "blocked", "message", msg, "details", error_lines(fs),
	                      "report", report);
	char *body = dump(o);
	json_decref(o);
	sv_respond(r, MHD_HTTP_UNPROCESSABLE_CONTENT, body, body ? strlen(body) : 0, NULL);
}

/* The charset of a Content-Type ("text/plain; charset=windows-1252"), or NULL for UTF-8. */
static const char *charset(const char *ct, char *buf, size_t n)
{
	const char *p = strstr(ct, "charset=");
	if (!p)
		return NULL;
	p += 8;
	if (*p == '"')
		p++;
	size_t len = strcspn(p, "\"; ");
	if (!len || len >= n)
		return NULL;
	memcpy(buf, p, len);
	buf[len] = '\0';
	return strcasecmp(buf, "utf-8") && strcasecmp(buf, "utf8") ? buf : NULL;
}

/* The case in r's body (UTF-8, or the charset of its Content-Type). 0, or -1 after setting the error. */
static int case_of(sv_worker *w, sv_req *r, kb_case **c)
{
	char cs[64];
	int rc;
	const char *enc = charset(r->content_type, cs, sizeof cs);
	if (enc) { /* a case system that writes windows-1252 says so in Content-Type */
		char *utf8 = NULL;
		size_t ulen = 0;
		if ((rc = kb_encoding_to_utf8(&utf8, &ulen, w->ctx, r->body ? r->body : "", r->len, enc, "sagen",
		                              w->srv->max_body * 3))) {
			fail(w, w->ctx, r, rc, "invalid_json");
			return -1;
		}
		free(r->body);
		r->body = utf8;
		r->len = ulen;
	}
	if ((rc = kb_case_load_buffer(c, w->ctx, r->body ? r->body : "", r->len, "sagen"))) {
		fail(w, w->ctx, r, rc, "invalid_json");
		return -1;
	}
	return 0;
}

/* POST /templates/{id}/validate: what fill would say about the case, without checking a letter. The case is rendered
 * (the manifest's checks and the template's own), so the answer is the one fill gives. */
static void do_validate(sv_worker *w, sv_req *r)
{
	sv_template *t = sv_template_find(r->gen, r->tmpl_id);
	kb_case *c = NULL;
	kb_letter *l = NULL;
	if (!t) {
		sv_error(r, MHD_HTTP_NOT_FOUND, "unknown_template", "skabelonen findes ikke", NULL);
		return;
	}
	if (case_of(w, r, &c))
		return;
	int rc = kb_template_render(&l, w->ctx, t->t, c);
	if (rc && rc != KB_EDATA) {
		fail(w, w->ctx, r, rc, "invalid_case");
	} else {
		json_t *details = json_array();
		for (size_t i = 0; rc && i < kb_ctx_detail_count(w->ctx); i++)
			json_array_append_new(details, json_string(kb_ctx_detail(w->ctx, i)));
		json_t *o = json_pack("{s:b, s:o}", "valid", !rc, "problems", case_problems(details));
		json_decref(details);
		char *body = dump(o);
		json_decref(o);
		sv_respond(r, MHD_HTTP_OK, body, body ? strlen(body) : 0, NULL);
	}
	kb_letter_free(l);
	kb_case_free(c);
}

static void do_fill(sv_worker *w, sv_req *r)
{
	sv_template *t = sv_template_find(r->gen, r->tmpl_id);
	kb_case *c = NULL;
	kb_letter *l = NULL;
	kb_findings *fs = NULL;
	kb_metrics m = { 0 };
	json_t *report = NULL;
	char path[4200];
	int rc;
	if (!t) {
		sv_error(r, MHD_HTTP_NOT_FOUND, "unknown_template", "skabelonen findes ikke", NULL);
		return;
	}
	if (case_of(w, r, &c))
		goto done;
	if ((rc = kb_template_render(&l, w->ctx, t->t, c))) {
		fail(w, w->ctx, r, rc, "invalid_case");
		goto done;
	}
	kb_checker_set_not_decision(w->ck, 0);
	if ((rc = kb_findings_new(&fs)) || (rc = kb_checker_run(w->ck, w->ctx, l, fs, &m))) {
		fail(w, w->ctx, r, rc, "internal");
		goto done;
	}
	report = kb_report_json_value(fs, kb_letter_text(l), &m);
	r->summary = summary_header(fs, &m);
	size_t errors = kb_findings_count_level(fs, KB_LEVEL_ERROR);
	if (!strcmp(r->format, "draft")) {
		scratch(path, sizeof path, w, "udkast.docx");
		if ((rc = kb_letter_save_annotated(l, w->ctx, path, fs, NULL))) {
			fail(w, w->ctx, r, rc, "internal");
			goto done;
		}
		respond_file(w, r, path, DOCX_TYPE, "udkast.docx");
	} else if (errors) {
		blocked(r, fs, report);
		goto done;
	} else if (!strcmp(r->format, "txt")) {
		scratch(path, sizeof path, w, "brev.txt");
		if ((rc = kb_letter_save_text(l, w->ctx, path))) {
			fail(w, w->ctx, r, rc, "internal");
			goto done;
		}
		respond_file(w, r, path, "text/plain; charset=utf-8", "brev.txt");
	} else if (!strcmp(r->format, "pdf")) {
		scratch(path, sizeof path, w, "brev.pdf");
		if ((rc = kb_letter_save_pdf(l, w->ctx, path, NULL))) {
			fail(w, w->ctx, r, rc, "internal");
			goto done;
		}
		respond_file(w, r, path, "application/pdf", "brev.pdf");
	} else {
		scratch(path, sizeof path, w, "brev.docx");
		if ((rc = kb_letter_save(l, w->ctx, path))) {
			fail(w, w->ctx, r, rc, "internal");
			goto done;
		}
		respond_file(w, r, path, DOCX_TYPE, "brev.docx");
	}
	if (r->multipart)
		make_multipart(w, r, report);
done:
	json_decref(report);
	kb_findings_free(fs);
	kb_letter_free(l);
	kb_case_free(c);
}

static int is_docx(const sv_req *r)
{
	return r->len >= 4 && !memcmp(r->body, "PK\x03\x04", 4);
}

/* Writes the body to the scratch file name. 0, or -1 after setting an error. */
static int body_to_file(sv_worker *w, sv_req *r, char *path, size_t n, const char *name)
{
	scratch(path, n, w, name);
	FILE *f = fopen(path, "wb");
	int ok = f && fwrite(r->body, 1, r->len, f) == r->len;
	if (f && fclose(f))
		ok = 0;
	if (!ok) {
		unlink(path);
		sv_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal", "tjenesten kan ikke skrive i sin arbejdsmappe",
		         NULL);
		return -1;
	}
	return 0;
}

/* ?text=1: every paragraph of the letter as it was checked; a finding's paragraph, start and length point into it. */
static json_t *paragraphs_json(const kb_text *t)
{
	json_t *a = json_array();
	for (size_t i = 0; t && i < t->nparas; i++) {
		const kb_paragraph *p = &t->paras[i];
		json_array_append_new(a, json_pack("{s:I, s:s, s:i, s:s%}", "index", (json_int_t)i, "part",
		                                   kb_part_kind_name(p->part), "heading", p->heading, "text", p->text,
		                                   p->len));
	}
	return a;
}

static void do_check(sv_worker *w, sv_req *r)
{
	kb_letter *l = NULL;
	kb_findings *fs = NULL;
	kb_metrics m = { 0 };
	char path[4200] = "", cs[64];
	int rc;
	int docx = is_docx(r);
	if (!docx && strstr(r->content_type, "officedocument")) {
		sv_error(r, MHD_HTTP_BAD_REQUEST, "bad_letter", "brevet er ikke en .docx-fil (det er ikke en zip-fil)",
		         NULL);
		return;
	}
	if (!docx && r->annotate) {
		sv_error(r, MHD_HTTP_BAD_REQUEST, "bad_request",
		         "annotate=1 kræver et .docx-brev; en tekst kan ikke få Word-kommentarer", NULL);
		return;
	}
	if (docx) {
		if (body_to_file(w, r, path, sizeof path, "brev.docx"))
			return;
		rc = kb_letter_open(&l, w->ctx, path);
	} else {
		rc = kb_letter_from_text(&l, w->ctx, r->body ? r->body : "", r->len, "brev.txt",
		                         charset(r->content_type, cs, sizeof cs));
	}
	if (!rc && r->tmpl_id[0]) { /* ?template=ID, known since the headers */
		sv_template *t = sv_template_find(r->gen, r->tmpl_id);
		rc = t ? kb_letter_set_case(l, w->ctx, t->path, NULL) : KB_ENOTFOUND;
	}
	if (rc) {
		fail(w, w->ctx, r, rc, "bad_letter");
		goto done;
	}
	kb_checker_set_not_decision(w->ck, r->kind_text);
	rc = kb_findings_new(&fs);
	if (!rc)
		rc = kb_checker_run(w->ck, w->ctx, l, fs, &m);
	kb_checker_set_not_decision(w->ck, 0);
	if (rc) {
		fail(w, w->ctx, r, rc, "internal");
		goto done;
	}
	json_t *report = kb_report_json_value(fs, kb_letter_text(l), &m);
	if (report && r->text)
		json_object_set_new(report, "paragraphs", paragraphs_json(kb_letter_text(l)));
	r->summary = summary_header(fs, &m);
	if (r->annotate) {
		char out[4200];
		scratch(out, sizeof out, w, "kommenteret.docx");
		if ((rc = kb_letter_save_annotated(l, w->ctx, out, fs, NULL)))
			fail(w, w->ctx, r, rc, "internal");
		else if (!respond_file(w, r, out, DOCX_TYPE, "kommenteret.docx") && r->multipart)
			make_multipart(w, r, report);
	} else {
		char *body = dump(report);
		sv_respond(r, MHD_HTTP_OK, body, body ? strlen(body) : 0, NULL);
	}
	json_decref(report);
done:
	if (path[0])
		unlink(path);
	kb_findings_free(fs);
	kb_letter_free(l);
}

/* The lint of the template at path (partials from dirs), as `template lint --format json` gives it, named name. */
static void lint_json(sv_worker *w, sv_req *r, const char *path, const char *name, const char *const *dirs,
                      kb_manifest_state mstate)
{
	kb_ctx *lint = NULL;
	kb_template *t = NULL;
	kb_letter *l = NULL;
	kb_findings *fs = NULL;
	kb_metrics m = { 0 };
	kb_template_options topts = { 0 };
	topts.partials_dirs = dirs;
	topts.partials_hint = cli_partials_hint;
	if (kb_ctx_new(&lint)) {
		sv_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal", "ikke nok hukommelse", NULL);
		goto done;
	}
	int rc = kb_template_lint_manifest(lint, path, &topts, &mstate);
	if (rc && rc != KB_ETEMPLATE) {
		fail(w, lint, r, rc, "bad_template");
		goto done;
	}
	/* the template's own text, checked as a letter, when it opens */
	if (!kb_template_open(&t, w->ctx, path, &topts) && !kb_template_static_letter(&l, w->ctx, t) &&
	    !kb_findings_new(&fs)) {
		kb_checker_set_not_decision(w->ck, 0);
		if (kb_checker_run(w->ck, w->ctx, l, fs, &m)) {
			kb_findings_free(fs);
			fs = NULL;
		}
	}
	json_t *root = cli_lint_json(name, lint, mstate, fs, l, &m);
	char *body = dump(root);
	json_decref(root);
	if (body) {
		char *c = clean(w, body);
		free(body);
		body = c;
	}
	sv_respond(r, MHD_HTTP_OK, body, body ? strlen(body) : 0, NULL);
done:
	kb_findings_free(fs);
	kb_letter_free(l);
	kb_template_free(t);
	kb_ctx_free(lint);
}

/* POST /lint: a template sent as .docx, without a manifest; partials from the service's templates folder. */
static void do_lint(sv_worker *w, sv_req *r)
{
	char path[4200];
	if (!is_docx(r)) {
		sv_error(r, MHD_HTTP_BAD_REQUEST, "bad_template", "send skabelonen som en .docx-fil", NULL);
		return;
	}
	if (body_to_file(w, r, path, sizeof path, "skabelon.docx"))
		return;
	char partials[4200];
	snprintf(partials, sizeof partials, "%s/partials", w->srv->templates_dir);
	const char *dirs[] = { partials, NULL };
	lint_json(w, r, path, "skabelon.docx", dirs, KB_MANIFEST_DOCX_ONLY);
	unlink(path);
}

/* GET /templates/{id}/lint: an installed template with its manifest and partials, as `template lint` sees it. */
static void do_template_lint(sv_worker *w, sv_req *r)
{
	sv_template *t = sv_template_find(r->gen, r->tmpl_id);
	if (!t) {
		sv_error(r, MHD_HTTP_NOT_FOUND, "unknown_template", "skabelonen findes ikke", NULL);
		return;
	}
	lint_json(w, r, t->path, t->id, (const char *const *)t->partials, KB_MANIFEST_OK);
}

void sv_work(sv_worker *w, sv_req *r)
{
	w->seq++;
	kb_ctx_clear(w->ctx);
	switch (r->route) {
	case SV_ROUTE_FILL: do_fill(w, r); break;
	case SV_ROUTE_CHECK: do_check(w, r); break;
	case SV_ROUTE_LINT: do_lint(w, r); break;
	case SV_ROUTE_VALIDATE: do_validate(w, r); break;
	case SV_ROUTE_TEMPLATE_LINT: do_template_lint(w, r); break;
	default: sv_error(r, MHD_HTTP_NOT_FOUND, "not_found", "den adresse findes ikke", NULL); break;
	}
}
