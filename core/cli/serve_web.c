/*
 * serve_web.c -- what klarbrev serve needs for its web page (web/, docs/web.md): the page's files, answered at / and
 * /web/{file} without a token, and the page's sessions, so a person types the token once.
 *
 * Files: every regular file of the web folder whose name is [a-z0-9._-] (no leading dot) is read into the
 * generation when it loads (start and SIGHUP); the address can only pick a name from that table, never a path. The
 * page's answers carry a Content-Security-Policy that allows only the service itself (no inline script or style).
 *
 * Sessions: POST /session with {"token": ...} (JSON only, so another site cannot make a browser sign in with a plain
 * form) answers with a cookie that is HttpOnly and SameSite=Strict (and Secure over TLS), and a CSRF token the page
 * sends in X-Klarbrev-CSRF with every POST and DELETE it makes by the cookie. The cookie's value and the CSRF token
 * are 32 random bytes each (getrandom). A session ends after SV_SESSION_IDLE_S without use, SV_SESSION_MAX_S after
 * it began, on DELETE /session, when the service stops (they live in memory only), and when its token leaves the
 * tokens file (looked up again in each request's generation).
 */
#include "internal.h"
#include "serve.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>

#define SV_COOKIE          "klarbrev_session"
#define SV_CSRF_HEADER     "X-Klarbrev-CSRF"
#define SV_SESSION_IDLE_S  (8 * 3600)  /* a session unused this long has ended */
#define SV_SESSION_MAX_S   (12 * 3600) /* ... and every session after this long: a working day */
#define SV_SESSIONS_MAX    10000u      /* past this, the least recently used session ends */
#define SV_WEB_FILE_MAX    (8u << 20)  /* one file of the page */
#define SV_WEB_TOTAL_MAX   (32u << 20) /* all of them */
#define SV_WEB_FILES_MAX   256u

/* ---- the page's files ---- */

static const char *web_type(const char *name)
{
	static const char *const types[][2] = {
		{ ".html", "text/html; charset=utf-8" },
		{ ".css", "text/css; charset=utf-8" },
		{ ".js", "text/javascript; charset=utf-8" },
		{ ".mjs", "text/javascript; charset=utf-8" },
		{ ".json", "application/json; charset=utf-8" },
		{ ".svg", "image/svg+xml" },
		{ ".png", "image/png" },
		{ ".ico", "image/x-icon" },
		{ ".woff2", "font/woff2" },
		{ ".txt", "text/plain; charset=utf-8" },
	};
	size_t n = strlen(name);
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
		size_t e = strlen(types[i][0]);
		if (n > e && !strcasecmp(name + n - e, types[i][0]))
			return types[i][1];
	}
	return NULL;
}

/* 1 when name may be a file of the page: [a-z0-9._-], not starting with '.' (so never "." or ".."). */
static int web_name_ok(const char *name)
{
	size_t n = strlen(name);
	if (!n || n >= sizeof ((sv_req *)0)->page || name[0] == '.')
		return 0;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' || *p == '-'))
			return 0;
	return 1;
}

static int file_cmp(const void *a, const void *b)
{
	return strcmp(((const sv_file *)a)->name, ((const sv_file *)b)->name);
}

void sv_web_free(sv_gen *g)
{
	for (size_t i = 0; i < g->nweb; i++) {
		free(g->web[i].name);
		free(g->web[i].data);
	}
	free(g->web);
	g->web = NULL;
	g->nweb = 0;
}

int sv_web_load(sv_server *s, sv_gen *g, json_t *problems)
{
	DIR *d = opendir(s->web_dir);
	if (!d) {
		if (!s->web_given && errno == ENOENT)
			return 0; /* no page installed: / says so */
		sv_problem(problems, "web", "%s: %s", s->web_dir, strerror(errno));
		return -1;
	}
	size_t cap = 16, total = 0;
	int rc = 0;
	g->web = calloc(cap, sizeof *g->web);
	struct dirent *de;
	while (g->web && (de = readdir(d))) {
		const char *type = web_type(de->d_name);
		if (!web_name_ok(de->d_name) || !type)
			continue; /* notes, editor backups, sub-folders: not part of the page */
		char path[4200];
		struct stat st;
		if (snprintf(path, sizeof path, "%s/%s", s->web_dir, de->d_name) >= (int)sizeof path || stat(path, &st) ||
		    !S_ISREG(st.st_mode))
			continue;
		if ((size_t)st.st_size > SV_WEB_FILE_MAX || total + (size_t)st.st_size > SV_WEB_TOTAL_MAX ||
		    g->nweb >= SV_WEB_FILES_MAX) {
			if (g->nweb >= SV_WEB_FILES_MAX)
				sv_problem(problems, "web", "%s: websiden har for mange filer (højst %u)", s->web_dir,
				           SV_WEB_FILES_MAX);
			else
				sv_problem(problems, "web", "%s: for stor til websiden (højst 8 MB pr. fil, 32 MB i alt)",
				           de->d_name);
			rc = -1;
			break;
		}
		if (g->nweb == cap) {
			sv_file *nw = realloc(g->web, 2 * cap * sizeof *nw);
			if (!nw) {
				sv_problem(problems, "web", "ikke nok hukommelse");
				rc = -1;
				break;
			}
			g->web = nw;
			cap *= 2;
		}
		kb_ctx *ctx = NULL;
		sv_file *f = &g->web[g->nweb];
		memset(f, 0, sizeof *f);
		if (kb_ctx_new(&ctx) || kb_read_file(&f->data, &f->len, ctx, path, SV_WEB_FILE_MAX) ||
		    !(f->name = kb_strdup(de->d_name))) {
			sv_problem(problems, "web", "%s: %s", de->d_name, ctx ? kb_ctx_errmsg(ctx) : "ikke nok hukommelse");
			free(f->data);
			kb_ctx_free(ctx);
			rc = -1;
			break;
		}
		kb_ctx_free(ctx);
		f->type = type;
		total += f->len;
		g->nweb++;
	}
	closedir(d);
	if (!g->web) {
		sv_problem(problems, "web", "ikke nok hukommelse");
		rc = -1;
	}
	if (!rc && g->nweb)
		qsort(g->web, g->nweb, sizeof *g->web, file_cmp);
	if (!rc && !g->nweb && s->web_given) {
		sv_problem(problems, "web", "%s: mappen har ingen filer til websiden (index.html mangler)", s->web_dir);
		rc = -1;
	}
	if (rc)
		sv_web_free(g);
	return rc;
}

void sv_web_headers(struct MHD_Response *resp)
{
	MHD_add_response_header(resp, "Content-Security-Policy",
	                        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
	                        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
	                        "frame-ancestors 'none'");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
}

void sv_web_page(sv_req *r)
{
	const sv_gen *g = r->gen;
	size_t lo = 0, hi = g->nweb;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(r->page, g->web[mid].name);
		if (!c) {
			char *copy = malloc(g->web[mid].len ? g->web[mid].len : 1);
			if (!copy) {
				sv_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, "busy", "ikke nok hukommelse lige nu; prøv igen om lidt",
				         NULL);
				return;
			}
			memcpy(copy, g->web[mid].data, g->web[mid].len);
			sv_respond(r, MHD_HTTP_OK, copy, g->web[mid].len, g->web[mid].type);
			return;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	sv_error(r, MHD_HTTP_NOT_FOUND, "not_found",
	         g->nweb ? "den fil findes ikke på websiden"
	                 : "websiden er ikke installeret hos denne tjeneste (mappen web mangler); API'et virker",
	         NULL);
}

/* ---- sessions ---- */

int sv_secret_eq(const char *a, size_t alen, const char *b, size_t blen)
{
	volatile unsigned char diff = (unsigned char)(alen != blen);
	for (size_t k = 0; k < alen; k++)
		diff |= (unsigned char)(a[k] ^ (k < blen ? b[k] : 0));
	return !diff;
}

static int random_hex(char out[65])
{
	unsigned char raw[32];
	size_t got = 0;
	while (got < sizeof raw) {
		ssize_t n = getrandom(raw + got, sizeof raw - got, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		got += (size_t)n;
	}
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < sizeof raw; i++) {
		out[2 * i] = hex[raw[i] >> 4];
		out[2 * i + 1] = hex[raw[i] & 15];
	}
	out[64] = '\0';
	return 0;
}

static void session_drop(sv_server *s, size_t i)
{
	sv_session *ss = &s->sessions[i];
	if (ss->token)
		memset(ss->token, 0, ss->token_len);
	free(ss->token);
	s->sessions[i] = s->sessions[--s->nsessions];
}

/* Ends the sessions that are too old or unused too long (the clock read once). */
static void sessions_expire(sv_server *s)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	for (size_t i = 0; i < s->nsessions;) {
		if (now.tv_sec - s->sessions[i].used.tv_sec > SV_SESSION_IDLE_S ||
		    now.tv_sec - s->sessions[i].created.tv_sec > SV_SESSION_MAX_S)
			session_drop(s, i);
		else
			i++;
	}
}

void sv_sessions_free(sv_server *s)
{
	while (s->nsessions)
		session_drop(s, 0);
	free(s->sessions);
	s->sessions = NULL;
}

sv_session *sv_session_of(sv_server *s, const sv_gen *g, struct MHD_Connection *c, const sv_token **tok)
{
	*tok = NULL;
	const char *v = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, SV_COOKIE);
	if (!v || !s->nsessions)
		return NULL;
	sessions_expire(s);
	size_t vl = strlen(v);
	sv_session *hit = NULL;
	for (size_t i = 0; i < s->nsessions; i++)
		if (sv_secret_eq(v, vl, s->sessions[i].id, 64))
			hit = &s->sessions[i];
	if (!hit)
		return NULL;
	if (!(*tok = sv_find_token(g, hit->token, hit->token_len))) {
		session_drop(s, (size_t)(hit - s->sessions)); /* its token left the tokens file: the session has ended */
		return NULL;
	}
	clock_gettime(CLOCK_MONOTONIC, &hit->used);
	return hit;
}

/* The body of GET /session (and of a sign-in). */
static void session_answer(sv_req *r, const sv_token *tok, const sv_session *ss)
{
	json_t *routes = json_array();
	static const char *const names[] = { "templates", "fill", "check", "lint" };
	static const unsigned bits[] = { SV_ALLOW_TEMPLATES, SV_ALLOW_FILL, SV_ALLOW_CHECK, SV_ALLOW_LINT };
	int open = !r->gen->have_tokens;
	for (size_t i = 0; i < 4; i++)
		if (open || (tok && (tok->allow & bits[i])))
			json_array_append_new(routes, json_string(names[i]));
	json_t *o = json_pack("{s:s, s:b, s:s?, s:o, s:s?}", "auth", open ? "none" : "token", "signed_in",
	                      open || tok != NULL, "name", tok ? tok->name : NULL, "routes", routes, "csrf",
	                      ss ? ss->csrf : NULL);
	char *body = o ? json_dumps(o, JSON_PRESERVE_ORDER) : NULL;
	json_decref(o);
	sv_respond(r, MHD_HTTP_OK, body, body ? strlen(body) : 0, NULL);
}

static void sign_in(sv_server *s, sv_req *r)
{
	const char *ct = r->content_type;
	if (strncasecmp(ct, "application/json", 16) != 0) {
		sv_error(r, MHD_HTTP_BAD_REQUEST, "bad_request",
		         "send adgangsnøglen som JSON: {\"token\": \"...\"} med Content-Type: application/json", NULL);
		return;
	}
	json_error_t je;
	json_t *o = r->len ? json_loadb(r->body, r->len, JSON_REJECT_DUPLICATES, &je) : NULL;
	const char *t = json_string_value(json_object_get(o, "token"));
	if (!t) {
		json_decref(o);
		sv_error(r, MHD_HTTP_BAD_REQUEST, "bad_request", "send adgangsnøglen som JSON: {\"token\": \"...\"}", NULL);
		return;
	}
	if (!r->gen->have_tokens) { /* nothing to sign in to */
		json_decref(o);
		session_answer(r, NULL, NULL);
		return;
	}
	const sv_token *tok = sv_find_token(r->gen, t, strlen(t));
	json_decref(o);
	if (!tok) {
		sv_error(r, MHD_HTTP_UNAUTHORIZED, "unauthorized", "adgangsnøglen er ikke gyldig", NULL);
		return;
	}
	sessions_expire(s);
	if (s->nsessions >= SV_SESSIONS_MAX) {
		size_t old = 0;
		for (size_t i = 1; i < s->nsessions; i++)
			if (s->sessions[i].used.tv_sec < s->sessions[old].used.tv_sec)
				old = i;
		session_drop(s, old);
	}
	sv_session *ns = realloc(s->sessions, (s->nsessions + 1) * sizeof *ns);
	if (!ns) {
		sv_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, "busy", "ikke nok hukommelse lige nu; prøv igen om lidt", NULL);
		return;
	}
	s->sessions = ns;
	sv_session *ss = &s->sessions[s->nsessions];
	memset(ss, 0, sizeof *ss);
	if (random_hex(ss->id) || random_hex(ss->csrf) || !(ss->token = malloc(tok->len + 1))) {
		sv_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal", "tjenesten kunne ikke lave en session", NULL);
		return;
	}
	memcpy(ss->token, tok->token, tok->len);
	ss->token[tok->len] = '\0';
	ss->token_len = tok->len;
	clock_gettime(CLOCK_MONOTONIC, &ss->created);
	ss->used = ss->created;
	s->nsessions++;
	snprintf(r->set_cookie, sizeof r->set_cookie, SV_COOKIE "=%s; Path=/; HttpOnly; SameSite=Strict%s", ss->id,
	         s->tls ? "; Secure" : "");
	snprintf(r->token_name, sizeof r->token_name, "%s", tok->name);
	session_answer(r, tok, ss);
}

/* 1 when a request made by the cookie carries the session's CSRF token. */
static int csrf_ok(const sv_session *ss, struct MHD_Connection *c)
{
	const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, SV_CSRF_HEADER);
	return h && sv_secret_eq(h, strlen(h), ss->csrf, 64);
}

void sv_session_route(sv_server *s, sv_req *r, const char *method)
{
	if (!strcmp(method, "POST")) {
		sign_in(s, r);
		return;
	}
	const sv_token *tok = NULL;
	sv_session *ss = sv_session_of(s, r->gen, r->conn, &tok);
	if (tok)
		snprintf(r->token_name, sizeof r->token_name, "%s", tok->name);
	if (!strcmp(method, "DELETE")) {
		if (ss && !csrf_ok(ss, r->conn)) {
			sv_error(r, MHD_HTTP_FORBIDDEN, "csrf",
			         "forespørgslen mangler sidens sikkerhedsnøgle (" SV_CSRF_HEADER "); genindlæs siden", NULL);
			return;
		}
		if (ss)
			session_drop(s, (size_t)(ss - s->sessions));
		snprintf(r->set_cookie, sizeof r->set_cookie,
		         SV_COOKIE "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict%s", s->tls ? "; Secure" : "");
		sv_respond(r, MHD_HTTP_NO_CONTENT, NULL, 0, NULL);
		return;
	}
	session_answer(r, tok, tok ? ss : NULL);
}

int sv_session_csrf(sv_req *r, const sv_session *ss, const char *method)
{
	if (!strcmp(method, "GET") || !strcmp(method, "HEAD") || csrf_ok(ss, r->conn))
		return 0;
	sv_error(r, MHD_HTTP_FORBIDDEN, "csrf",
	         "forespørgslen mangler sidens sikkerhedsnøgle (" SV_CSRF_HEADER "); genindlæs siden", NULL);
	return -1;
}
