/*
 * serve_http.c -- the HTTP side of klarbrev serve, on libmicrohttpd: one thread reads every connection (epoll),
 * checks the token, the route and the limits before a body is read, answers the cheap routes itself and hands the
 * rest to the workers (the connection is suspended until a worker resumes it with the response).
 *
 * Limits, each with its own answer: a body over --max-body (413, before it is read when Content-Length says so,
 * else the connection is closed); more requests than workers and queue (503 with Retry-After, before the body is
 * read); a client that takes longer than --timeout to send its request or fetch its answer, a byte a second or not
 * at all (the connection is shut: the reaper below); headers over 32 KB (libmicrohttpd answers 431); connections over
 * --max-connections (libmicrohttpd closes them at once).
 *
 * The access log has one JSON line per request: time, method, route (the route's pattern, never the raw address),
 * the template id, status, duration, token name, sizes and the client's address. No case value, no letter text.
 */
#include "internal.h"
#include "serve.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define SV_HEADER_LIMIT (32 * 1024) /* a request's headers and its connection's bookkeeping */

double sv_seconds_since(const struct timespec *t0)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

/* ---- responses ---- */

void sv_respond(sv_req *r, unsigned status, char *body, size_t len, const char *type)
{
	free(r->resp);
	r->status = status;
	r->resp = body;
	r->resp_len = body ? len : 0;
	r->resp_type = type ? type : "application/json; charset=utf-8";
}

void sv_error(sv_req *r, unsigned status, const char *code, const char *message, json_t *details)
{
	sv_error_with(r, status, code, message, details, NULL, NULL);
}

void sv_error_with(sv_req *r, unsigned status, const char *code, const char *message, json_t *details,
                   const char *key, json_t *value)
{
	json_t *o = json_pack("{s:s, s:s, s:o}", "code", code, "message", message, "details",
	                      details ? details : json_array());
	if (o && key)
		json_object_set(o, key, value);
	json_decref(value);
	char *body = o ? json_dumps(o, JSON_PRESERVE_ORDER | JSON_INDENT(2)) : NULL;
	json_decref(o);
	sv_respond(r, status, body, body ? strlen(body) : 0, NULL);
}

static void json_body(sv_req *r, unsigned status, const char *json)
{
	char *copy = json ? kb_strdup(json) : NULL;
	if (!copy) {
		sv_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal", "ikke nok hukommelse", NULL);
		return;
	}
	sv_respond(r, status, copy, strlen(copy), NULL);
}

static enum MHD_Result send_response(sv_req *r)
{
	if (!r->resp && r->status != MHD_HTTP_NO_CONTENT) {
		if (!r->status)
			sv_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal", "der opstod en intern fejl", NULL);
		else if (!r->resp)
			sv_error(r, r->status, "internal", "ikke nok hukommelse", NULL);
	}
	struct MHD_Response *resp = MHD_create_response_from_buffer(r->resp_len, r->resp ? r->resp : (char *)"",
	                                                            r->resp ? MHD_RESPMEM_MUST_FREE
	                                                                    : MHD_RESPMEM_PERSISTENT);
	if (!resp)
		return MHD_NO;
	r->resp = NULL; /* libmicrohttpd frees it with the response */
	r->bytes_out = r->resp_len;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->resp_type);
	/* letters and reports hold personal data: never cached, never sniffed as something else; the page's own files
	 * are asked again each time (a new version after an upgrade), and only the service may feed them */
	int page = r->route == SV_ROUTE_PAGE && r->status == MHD_HTTP_OK;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, page ? "no-cache" : "no-store");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	if (page)
		sv_web_headers(resp);
	if (r->set_cookie[0])
		MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE, r->set_cookie);
	if (r->summary)
		MHD_add_response_header(resp, "Klarbrev-Summary", r->summary);
	if (r->disposition) {
		char cd[128];
		snprintf(cd, sizeof cd, "attachment; filename=\"%s\"", r->disposition);
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_DISPOSITION, cd);
	}
	if (r->allow)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, r->allow);
	if (r->retry_after) {
		char ra[16];
		snprintf(ra, sizeof ra, "%d", r->retry_after);
		MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, ra);
	}
	if (r->bearer_challenge)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer realm=\"klarbrev\"");
	enum MHD_Result ret = MHD_queue_response(r->conn, r->status, resp);
	MHD_destroy_response(resp);
	r->stage = SV_STAGE_SENT;
	return ret;
}

/* ---- the access log ---- */

void sv_log(sv_server *s, json_t *o)
{
	if (!o)
		return;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	struct tm tm;
	gmtime_r(&ts.tv_sec, &tm);
	char when[40];
	size_t n = strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(when + n, sizeof when - n, ".%03ldZ", ts.tv_nsec / 1000000);
	json_t *line = json_pack("{s:s}", "time", when);
	if (line)
		json_object_update(line, o);
	char *text = line ? json_dumps(line, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(8)) : NULL;
	json_decref(line);
	json_decref(o);
	if (!text)
		return;
	pthread_mutex_lock(&s->log_mu);
	fputs(text, s->log);
	fputc('\n', s->log);
	fflush(s->log);
	pthread_mutex_unlock(&s->log_mu);
	free(text);
}

static const char *route_name(sv_route r)
{
	switch (r) {
	case SV_ROUTE_HEALTH: return "/health";
	case SV_ROUTE_VERSION: return "/version";
	case SV_ROUTE_TEMPLATES: return "/templates";
	case SV_ROUTE_TEMPLATE: return "/templates/{id}";
	case SV_ROUTE_FILL: return "/templates/{id}/fill";
	case SV_ROUTE_CHECK: return "/check";
	case SV_ROUTE_LINT: return "/lint";
	case SV_ROUTE_VALIDATE: return "/templates/{id}/validate";
	case SV_ROUTE_TEMPLATE_LINT: return "/templates/{id}/lint";
	case SV_ROUTE_PAGE: return "/web/{file}";
	case SV_ROUTE_SESSION: return "/session";
	case SV_ROUTE_NONE: break;
	}
	return "(ukendt)";
}

/* ---- connections and the reaper ---- */

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
	sv_server *s = cls;
	pthread_mutex_lock(&s->mu);
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		sv_conn *c = calloc(1, sizeof *c);
		if (c) {
			const union MHD_ConnectionInfo *fi = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
			c->fd = fi ? fi->connect_fd : -1;
			clock_gettime(CLOCK_MONOTONIC, &c->since);
			c->next = s->conns;
			s->conns = c;
		}
		*socket_context = c;
	} else {
		/* called before libmicrohttpd closes the socket: the reaper never shuts a socket that is not this one */
		sv_conn *c = *socket_context;
		for (sv_conn **pp = &s->conns; c && *pp; pp = &(*pp)->next)
			if (*pp == c) {
				*pp = c->next;
				free(c);
				break;
			}
		*socket_context = NULL;
	}
	pthread_mutex_unlock(&s->mu);
}

static sv_conn *conn_of(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci ? (sv_conn *)ci->socket_context : NULL;
}

/* Marks whether the connection's request is with a worker (its time is not the client's), restarting the clock
 * when it comes back. */
static void conn_in_worker(sv_server *s, struct MHD_Connection *conn, int in)
{
	pthread_mutex_lock(&s->mu);
	sv_conn *c = conn_of(conn);
	if (c) {
		c->in_worker = in;
		clock_gettime(CLOCK_MONOTONIC, &c->since);
	}
	pthread_mutex_unlock(&s->mu);
}

static pthread_t reaper_th;
static int reaper_started;
static pthread_mutex_t reaper_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t reaper_cv = PTHREAD_COND_INITIALIZER;
static int reaper_stop;

/* Once a second: a connection whose request has taken the client longer than the time limit (sending it or fetching
 * the answer, however slowly the bytes come) is shut down; libmicrohttpd then closes it as a broken connection. */
static void *reaper_main(void *arg)
{
	sv_server *s = arg;
	pthread_mutex_lock(&reaper_mu);
	while (!reaper_stop) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 1;
		pthread_cond_timedwait(&reaper_cv, &reaper_mu, &until);
		if (reaper_stop)
			break;
		pthread_mutex_lock(&s->mu);
		for (sv_conn *c = s->conns; c; c = c->next)
			if (!c->in_worker && c->fd >= 0 && sv_seconds_since(&c->since) > (double)s->timeout_s) {
				shutdown(c->fd, SHUT_RDWR);
				c->fd = -1;
			}
		pthread_mutex_unlock(&s->mu);
	}
	pthread_mutex_unlock(&reaper_mu);
	return NULL;
}

/* ---- requests ---- */

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	sv_server *s = cls;
	sv_req *r = *con_cls;
	if (!r)
		return;
	*con_cls = NULL;
	json_t *o = json_pack("{s:s, s:s, s:s}", "event", "request", "method", r->method, "route", route_name(r->route));
	if (o) {
		/* an id is logged only when it names an installed template: the address is the client's text */
		if (r->tmpl_id[0] && sv_template_find(r->gen, r->tmpl_id))
			json_object_set_new(o, "template", json_string(r->tmpl_id));
		json_object_set_new(o, "status", r->status ? json_integer(r->status) : json_null());
		json_object_set_new(o, "ms", json_real((double)(long)(sv_seconds_since(&r->t0) * 10000.0) / 10.0));
		json_object_set_new(o, "token", r->token_name[0] ? json_string(r->token_name) : json_null());
		json_object_set_new(o, "bytes_in", json_integer((json_int_t)r->len));
		json_object_set_new(o, "bytes_out",
		                    json_integer(toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? (json_int_t)r->bytes_out : 0));
		json_object_set_new(o, "remote", json_string(r->remote));
		if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK)
			json_object_set_new(o, "closed",
			                    json_string(toe == MHD_REQUEST_TERMINATED_TIMEOUT_REACHED ? "timeout"
			                                : toe == MHD_REQUEST_TERMINATED_CLIENT_ABORT ? "client"
			                                : toe == MHD_REQUEST_TERMINATED_DAEMON_SHUTDOWN ? "shutdown"
			                                                                              : "error"));
	}
	sv_log(s, o);
	pthread_mutex_lock(&s->mu);
	if (r->admitted)
		s->slots--;
	s->inflight--;
	sv_conn *c = conn_of(conn);
	if (c)
		clock_gettime(CLOCK_MONOTONIC, &c->since);
	pthread_cond_broadcast(&s->idle_cv);
	pthread_mutex_unlock(&s->mu);
	sv_gen_unref(s, r->gen);
	free(r->body);
	free(r->resp);
	free(r->summary);
	free(r);
}

/* Compares the presented token with every token of the file in time that depends only on the presented token's
 * length, never on where a stored token first differs or which one matches. */
const sv_token *sv_find_token(const sv_gen *g, const char *tok, size_t len)
{
	const sv_token *hit = NULL;
	for (size_t i = 0; i < g->ntokens; i++)
		if (sv_secret_eq(tok, len, g->tokens[i].token, g->tokens[i].len))
			hit = &g->tokens[i];
	return hit;
}

/* The route of url (libmicrohttpd has decoded it), with the template id in r. */
static sv_route parse_route(sv_req *r, const char *url)
{
	if (!strcmp(url, "/health"))
		return SV_ROUTE_HEALTH;
	if (!strcmp(url, "/version"))
		return SV_ROUTE_VERSION;
	if (!strcmp(url, "/templates"))
		return SV_ROUTE_TEMPLATES;
	if (!strcmp(url, "/check"))
		return SV_ROUTE_CHECK;
	if (!strcmp(url, "/lint"))
		return SV_ROUTE_LINT;
	if (!strcmp(url, "/session"))
		return SV_ROUTE_SESSION;
	if (!strcmp(url, "/") || !strncmp(url, "/web/", 5)) { /* a name too long for page is no file of the page */
		if (strlen(url) < sizeof r->page + 5)
			snprintf(r->page, sizeof r->page, "%s", url[1] ? url + 5 : "index.html");
		return SV_ROUTE_PAGE;
	}
	if (!strncmp(url, "/templates/", 11)) {
		const char *id = url + 11;
		size_t n = strcspn(id, "/");
		const char *rest = id + n;
		if (n == 0 || n >= sizeof r->tmpl_id)
			return SV_ROUTE_NONE;
		sv_route route = !*rest                       ? SV_ROUTE_TEMPLATE
		                 : !strcmp(rest, "/fill")     ? SV_ROUTE_FILL
		                 : !strcmp(rest, "/validate") ? SV_ROUTE_VALIDATE
		                 : !strcmp(rest, "/lint")     ? SV_ROUTE_TEMPLATE_LINT
		                                              : SV_ROUTE_NONE;
		if (route != SV_ROUTE_NONE) {
			memcpy(r->tmpl_id, id, n);
			r->tmpl_id[n] = '\0';
		}
		return route;
	}
	return SV_ROUTE_NONE;
}

/* Decodes %XX in place as libmicrohttpd does, except that %00 and %2F become 0x7F: a NUL would cut the address short
 * ("/templates/x%00/fill" read as "/templates/x") and a decoded slash would split it anew ("/templates/x%2ffill"
 * read as "/templates/x/fill"); 0x7F is in no route, no template id and no parameter value. */
static size_t unescape(void *cls, struct MHD_Connection *c, char *s)
{
	char *out = s;
	for (const char *p = s; *p; p++) {
		if (p[0] == '%' && isxdigit((unsigned char)p[1]) && isxdigit((unsigned char)p[2])) {
			char hex[3] = { p[1], p[2], '\0' };
			unsigned v = (unsigned)strtoul(hex, NULL, 16);
			*out++ = v && v != '/' ? (char)v : (char)0x7F;
			p += 2;
		} else {
			*out++ = *p;
		}
	}
	*out = '\0';
	return (size_t)(out - s);
}

static const char *arg(struct MHD_Connection *c, const char *key)
{
	return MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, key);
}

static int truthy(const char *v)
{
	return v && (!strcmp(v, "1") || !strcmp(v, "true") || !strcmp(v, "ja") || !*v);
}

/* The first parameter of a POST's address that the route does not know (a misspelt "formt=pdf" would otherwise
 * give a .docx without a word). */
typedef struct arg_scan {
	const char *const *known;
	char first[48];
} arg_scan;

static enum MHD_Result scan_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	arg_scan *a = cls;
	for (size_t i = 0; a->known[i]; i++)
		if (!strcmp(key, a->known[i]))
			return MHD_YES;
	snprintf(a->first, sizeof a->first, "%s", key);
	for (char *p = a->first; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7F)
			*p = '?';
	return MHD_NO;
}

/* The unknown-template answer, with the nearest id when there is one. */
static void unknown_template(sv_req *r)
{
	const char *ids[64];
	size_t n = 0;
	for (size_t i = 0; i < r->gen->ntmpl && n + 1 < sizeof ids / sizeof ids[0]; i++)
		ids[n++] = r->gen->tmpl[i]->id;
	ids[n] = NULL;
	/* an id that could not be one (a '/', "..") is not repeated back */
	int plain = sv_id_ok(r->tmpl_id);
	const char *near = plain ? kb_nearest_name(r->tmpl_id, ids) : NULL;
	char msg[256];
	if (near)
		snprintf(msg, sizeof msg, "skabelonen \"%s\" findes ikke; mente du \"%s\"?", r->tmpl_id, near);
	else if (plain)
		snprintf(msg, sizeof msg, "skabelonen \"%s\" findes ikke; se listen på /templates", r->tmpl_id);
	else
		snprintf(msg, sizeof msg, "der er ingen skabelon med det navn; se listen på /templates");
	sv_error(r, MHD_HTTP_NOT_FOUND, "unknown_template", msg, NULL);
}

/* The largest body r's route takes: --max-body, and a sign-in's few bytes. */
static size_t sv_body_max(const sv_server *s, const sv_req *r)
{
	return r->route == SV_ROUTE_SESSION ? 4096 : s->max_body;
}

/* The first call of a request: everything that can be decided from its headers. Sets a response, or returns with
 * r->stage SV_STAGE_BODY to read the body. */
static void first_call(sv_server *s, sv_req *r, const char *url, const char *method)
{
	struct MHD_Connection *c = r->conn;
	r->route = parse_route(r, url);
	if (r->route == SV_ROUTE_HEALTH) {
		if (strcmp(method, "GET") && strcmp(method, "HEAD")) {
			r->allow = "GET, HEAD";
			sv_error(r, MHD_HTTP_METHOD_NOT_ALLOWED, "method_not_allowed", "brug GET på /health", NULL);
			return;
		}
		pthread_mutex_lock(&s->mu);
		int stopping = s->stopping;
		json_t *o = json_pack("{s:s, s:I, s:I, s:i, s:I, s:I}", "status", stopping ? "stopping" : "ok",
		                      "generation", (json_int_t)r->gen->id, "templates", (json_int_t)r->gen->ntmpl,
		                      "threads", s->nthreads, "busy", (json_int_t)s->busy, "queued", (json_int_t)s->queued);
		pthread_mutex_unlock(&s->mu);
		char *body = o ? json_dumps(o, JSON_PRESERVE_ORDER) : NULL;
		json_decref(o);
		/* a load balancer stops sending here once the service is stopping */
		sv_respond(r, stopping ? MHD_HTTP_SERVICE_UNAVAILABLE : MHD_HTTP_OK, body, body ? strlen(body) : 0, NULL);
		return;
	}
	/* the web page's own files, and its sign-in: no token */
	int head = !strcmp(method, "HEAD");
	if (r->route == SV_ROUTE_PAGE) {
		if (strcmp(method, "GET") && !head) {
			r->allow = "GET, HEAD";
			sv_error(r, MHD_HTTP_METHOD_NOT_ALLOWED, "method_not_allowed", "brug GET på websiden", NULL);
		} else {
			sv_web_page(r);
		}
		return;
	}
	if (r->route == SV_ROUTE_SESSION) {
		if (!strcmp(method, "GET") || head || !strcmp(method, "DELETE")) {
			sv_session_route(s, r, head ? "GET" : method);
			return;
		}
		if (strcmp(method, "POST")) {
			r->allow = "GET, HEAD, POST, DELETE";
			sv_error(r, MHD_HTTP_METHOD_NOT_ALLOWED, "method_not_allowed",
			         "brug GET, POST eller DELETE på /session", NULL);
			return;
		}
		goto admit; /* the sign-in's body, read on this thread */
	}
	/* the token, before anything else is said about the request: in Authorization, or the web page's cookie */
	const sv_token *tok = NULL;
	if (r->gen->have_tokens) {
		const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
		sv_session *ss = NULL;
		if (h && !strncasecmp(h, "Bearer ", 7)) {
			const char *t = h + 7;
			while (*t == ' ')
				t++;
			tok = sv_find_token(r->gen, t, strlen(t));
		} else if (!h && (ss = sv_session_of(s, r->gen, c, &tok))) {
			r->by_cookie = 1;
		}
		if (tok && r->by_cookie && sv_session_csrf(r, ss, method)) {
			r->tmpl_id[0] = '\0';
			snprintf(r->token_name, sizeof r->token_name, "%s", tok->name);
			return;
		}
		if (!tok) {
			r->bearer_challenge = 1;
			r->tmpl_id[0] = '\0';
			sv_error(r, MHD_HTTP_UNAUTHORIZED, "unauthorized",
			         h ? "adgangsnøglen er ikke gyldig" : "send en adgangsnøgle: Authorization: Bearer NØGLE",
			         NULL);
			return;
		}
		snprintf(r->token_name, sizeof r->token_name, "%s", tok->name);
	}
	unsigned need = 0;
	const char *allow = NULL;
	switch (r->route) {
	case SV_ROUTE_VERSION: allow = "GET"; break;
	case SV_ROUTE_TEMPLATES:
	case SV_ROUTE_TEMPLATE: allow = "GET", need = SV_ALLOW_TEMPLATES; break;
	case SV_ROUTE_FILL: allow = "POST", need = SV_ALLOW_FILL; break;
	case SV_ROUTE_CHECK: allow = "POST", need = SV_ALLOW_CHECK; break;
	case SV_ROUTE_LINT: allow = "POST", need = SV_ALLOW_LINT; break;
	case SV_ROUTE_VALIDATE: allow = "POST", need = SV_ALLOW_FILL; break;
	case SV_ROUTE_TEMPLATE_LINT: allow = "GET", need = SV_ALLOW_LINT; break;
	default:
		r->tmpl_id[0] = '\0';
		sv_error(r, MHD_HTTP_NOT_FOUND, "not_found",
		         "den adresse findes ikke; se docs/api.md for tjenestens adresser", NULL);
		return;
	}
	int get = !strcmp(allow, "GET");
	if (strcmp(method, allow) && !(get && !strcmp(method, "HEAD"))) {
		r->allow = get ? "GET, HEAD" : "POST";
		char msg[96];
		snprintf(msg, sizeof msg, "brug %s på %s", allow, route_name(r->route));
		sv_error(r, MHD_HTTP_METHOD_NOT_ALLOWED, "method_not_allowed", msg, NULL);
		return;
	}
	if (tok && need && !(tok->allow & need)) {
		char msg[160];
		snprintf(msg, sizeof msg, "adgangsnøglen \"%s\" må ikke bruge %s; spørg den, der driver klarbrev",
		         tok->name, route_name(r->route));
		sv_error(r, MHD_HTTP_FORBIDDEN, "forbidden", msg, NULL);
		return;
	}
	if (r->route == SV_ROUTE_VERSION) {
		json_t *o = json_pack("{s:s, s:i}", "version", KB_VERSION, "api", 1);
		char *body = o ? json_dumps(o, JSON_PRESERVE_ORDER) : NULL;
		json_decref(o);
		sv_respond(r, MHD_HTTP_OK, body, body ? strlen(body) : 0, NULL);
		return;
	}
	if (r->route == SV_ROUTE_TEMPLATES) {
		json_body(r, MHD_HTTP_OK, r->gen->templates_json);
		return;
	}
	if (r->tmpl_id[0]) { /* the routes under /templates/{id} */
		sv_template *t = sv_template_find(r->gen, r->tmpl_id);
		if (!t) {
			unknown_template(r);
			return;
		}
		if (r->route == SV_ROUTE_TEMPLATE) {
			json_body(r, MHD_HTTP_OK, t->detail);
			return;
		}
		if (r->route == SV_ROUTE_TEMPLATE_LINT)
			goto admit; /* a GET for a worker: its parameters are ignored, as on every GET */
	}
	/* a POST: what it asks, then whether there is room for it */
	static const char *const fill_args[] = { "format", NULL },
	                         *const check_args[] = { "annotate", "template", "kind", "text", NULL },
	                         *const no_args[] = { NULL };
	arg_scan scan = { r->route == SV_ROUTE_FILL ? fill_args : r->route == SV_ROUTE_CHECK ? check_args : no_args, "" };
	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, scan_arg, &scan);
	if (scan.first[0]) {
		const char *near = kb_nearest_name(scan.first, scan.known);
		char msg[256], list[64] = "";
		for (size_t i = 0; scan.known[i]; i++)
			snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "", scan.known[i]);
		if (near)
			snprintf(msg, sizeof msg, "ukendt parameter »%s« i adressen; mente du »%s«?", scan.first, near);
		else if (list[0])
			snprintf(msg, sizeof msg, "ukendt parameter »%s« i adressen; %s kender %s", scan.first,
			         route_name(r->route), list);
		else
			snprintf(msg, sizeof msg, "ukendt parameter »%s« i adressen; %s tager ingen parametre", scan.first,
			         route_name(r->route));
		sv_error(r, MHD_HTTP_BAD_REQUEST, "bad_request", msg, NULL);
		return;
	}
	const char *v;
	if (r->route == SV_ROUTE_FILL) {
		v = arg(c, "format");
		if (v && strcmp(v, "docx") && strcmp(v, "pdf") && strcmp(v, "txt") && strcmp(v, "draft")) {
			sv_error(r, MHD_HTTP_BAD_REQUEST, "bad_request", "format skal være docx, pdf, txt eller draft", NULL);
			return;
		}
		snprintf(r->format, sizeof r->format, "%s", v ? v : "docx");
	}
	if (r->route == SV_ROUTE_CHECK) {
		r->annotate = truthy(arg(c, "annotate"));
		r->text = truthy(arg(c, "text"));
		v = arg(c, "kind");
		if (v && strcmp(v, "tekst") && strcmp(v, "afgørelse") && strcmp(v, "afgoerelse")) {
			sv_error(r, MHD_HTTP_BAD_REQUEST, "bad_request", "kind skal være afgørelse eller tekst", NULL);
			return;
		}
		r->kind_text = v && !strcmp(v, "tekst");
		v = arg(c, "template");
		if (v) {
			snprintf(r->tmpl_id, sizeof r->tmpl_id, "%s", v);
			if (strlen(v) >= sizeof r->tmpl_id || !sv_template_find(r->gen, v)) {
				unknown_template(r);
				return;
			}
		}
	}
admit:;
	const char *accept = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT);
	r->multipart = accept && strstr(accept, "multipart/mixed") != NULL;
	const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	snprintf(r->content_type, sizeof r->content_type, "%s", ct ? ct : "");
	const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	size_t declared = SIZE_MAX; /* Content-Length, when given */
	if (cl) {
		char *end;
		errno = 0;
		unsigned long long n = strtoull(cl, &end, 10);
		declared = errno || *end ? SIZE_MAX : (size_t)n;
		if (declared > sv_body_max(s, r)) {
			char msg[160];
			snprintf(msg, sizeof msg, "forespørgslen er for stor (%s bytes); tjenesten tager højst %zu bytes", cl,
			         sv_body_max(s, r));
			sv_error(r, MHD_HTTP_CONTENT_TOO_LARGE, "body_too_large", msg, NULL);
			return;
		}
	}
	pthread_mutex_lock(&s->mu);
	int room = s->slots < s->queue_max + (size_t)s->nthreads && !s->stopping;
	if (room) {
		s->slots++;
		r->admitted = 1;
	}
	pthread_mutex_unlock(&s->mu);
	if (!room) {
		r->retry_after = 2;
		sv_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, "busy", "tjenesten har for travlt lige nu; prøv igen om lidt",
		         NULL);
		return;
	}
	size_t cap = declared != SIZE_MAX ? declared : 64 * 1024;
	r->body = malloc(cap + 1);
	r->cap = cap;
	if (!r->body) {
		sv_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, "busy", "ikke nok hukommelse lige nu; prøv igen om lidt", NULL);
		r->retry_after = 5;
		return;
	}
	r->stage = SV_STAGE_BODY;
}

/* Adds a piece of the body. 0, or -1 when it goes over the limit (r's status says so). */
static int take_body(sv_server *s, sv_req *r, const char *data, size_t n)
{
	size_t max = sv_body_max(s, r);
	if (n > max - r->len) {
		r->status = MHD_HTTP_CONTENT_TOO_LARGE;
		return -1;
	}
	if (r->len + n > r->cap) {
		size_t nc = r->cap ? r->cap : 64 * 1024;
		while (nc < r->len + n)
			nc *= 2;
		if (nc > max)
			nc = max;
		char *nb = realloc(r->body, nc + 1);
		if (!nb) {
			r->status = MHD_HTTP_SERVICE_UNAVAILABLE;
			return -1;
		}
		r->body = nb;
		r->cap = nc;
	}
	memcpy(r->body + r->len, data, n);
	r->len += n;
	r->body[r->len] = '\0';
	return 0;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
	sv_server *s = cls;
	sv_req *r = *con_cls;
	if (!r) {
		if (!(r = calloc(1, sizeof *r)))
			return MHD_NO;
		*con_cls = r;
		r->conn = conn;
		clock_gettime(CLOCK_MONOTONIC, &r->t0);
		static const char *const methods[] = { "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", NULL };
		r->method = "OTHER";
		for (size_t i = 0; methods[i]; i++)
			if (!strcmp(method, methods[i]))
				r->method = methods[i];
		const union MHD_ConnectionInfo *ai = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		if (ai && ai->client_addr) {
			const struct sockaddr *sa = ai->client_addr;
			if (sa->sa_family == AF_INET)
				inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, r->remote,
				          sizeof r->remote);
			else if (sa->sa_family == AF_INET6)
				inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, r->remote,
				          sizeof r->remote);
		}
		pthread_mutex_lock(&s->mu);
		r->gen = s->gen;
		r->gen->refs++;
		s->inflight++;
		pthread_mutex_unlock(&s->mu);
		first_call(s, r, url, method);
		if (r->stage == SV_STAGE_BODY)
			return MHD_YES;
		/* answered from the headers: a body within the limit is read and dropped first (SV_STAGE_DISCARD); a body
		 * over it is not waited for (the answer goes now and the connection closes) */
		const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
		const char *te = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING);
		int has_body = (cl && strtoull(cl, NULL, 10) > 0) || te;
		if (has_body && r->status != MHD_HTTP_CONTENT_TOO_LARGE &&
		    (!cl || strtoull(cl, NULL, 10) <= s->max_body)) {
			r->stage = SV_STAGE_DISCARD;
			return MHD_YES;
		}
		return send_response(r);
	}
	if (r->stage == SV_STAGE_DISCARD) {
		if (*upload_data_size) {
			r->len += *upload_data_size;
			*upload_data_size = 0;
			/* a body without a length that goes on past the limit, or a client that takes too long: closed */
			return r->len > s->max_body || sv_seconds_since(&r->t0) > (double)s->timeout_s ? MHD_NO : MHD_YES;
		}
		return send_response(r);
	}
	if (r->stage == SV_STAGE_BODY) {
		if (*upload_data_size) {
			size_t n = *upload_data_size;
			*upload_data_size = 0;
			if (sv_seconds_since(&r->t0) > (double)s->timeout_s) {
				r->status = MHD_HTTP_REQUEST_TIMEOUT; /* logged; the connection is closed */
				return MHD_NO;
			}
			if (take_body(s, r, upload_data, n))
				return MHD_NO; /* over the limit while it came (no Content-Length): closed */
			return MHD_YES;
		}
		if (r->route == SV_ROUTE_SESSION) { /* a sign-in: a look-up, no worker */
			sv_session_route(s, r, "POST");
			return send_response(r);
		}
		/* the whole body: to a worker */
		r->stage = SV_STAGE_QUEUED;
		conn_in_worker(s, conn, 1);
		MHD_suspend_connection(conn);
		if (sv_queue_push(s, r)) {
			MHD_resume_connection(conn);
			conn_in_worker(s, conn, 0);
			r->retry_after = 2;
			sv_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, "busy", "tjenesten har for travlt lige nu; prøv igen om lidt",
			         NULL);
			r->stage = SV_STAGE_DONE;
		}
		return MHD_YES;
	}
	if (r->stage == SV_STAGE_DONE) {
		conn_in_worker(s, conn, 0);
		return send_response(r);
	}
	if (*upload_data_size)
		*upload_data_size = 0; /* an answer was given before the body: the rest is not read */
	return MHD_YES;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	sv_server *s = cls;
	char buf[512];
	vsnprintf(buf, sizeof buf, fmt, ap);
	buf[strcspn(buf, "\n")] = '\0';
	sv_log(s, json_pack("{s:s, s:s}", "event", "http", "message", buf));
}

/* ---- start and stop ---- */

static int read_pem(char **out, const char *path)
{
	kb_ctx *ctx = NULL;
	size_t len;
	int rc = kb_ctx_new(&ctx) ? -1 : kb_read_file(out, &len, ctx, path, 1 << 20);
	if (rc)
		fprintf(stderr, "klarbrev serve: %s\n", ctx ? kb_ctx_errmsg(ctx) : "ikke nok hukommelse");
	kb_ctx_free(ctx);
	return rc ? -1 : 0;
}

int sv_http_start(sv_server *s, const char *listen, const char *cert_path, const char *key_path)
{
	/* ADDRESS:PORT, [IPv6]:PORT, or localhost:PORT */
	char host[256];
	const char *colon = strrchr(listen, ':');
	if (!colon || colon == listen || (size_t)(colon - listen) >= sizeof host || !colon[1]) {
		cli_usage_error("serve", "--listen skal være ADRESSE:PORT, fx 127.0.0.1:8080, ikke \"%s\"", listen);
		return -1;
	}
	memcpy(host, listen, (size_t)(colon - listen));
	host[colon - listen] = '\0';
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		memmove(host, host + 1, strlen(host));
		host[strlen(host) - 1] = '\0';
	}
	struct addrinfo hints = { 0 }, *ai = NULL;
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	int gai = getaddrinfo(host, colon + 1, &hints, &ai);
	if (gai || !ai) {
		cli_usage_error("serve", "--listen %s: %s", listen, gai ? gai_strerror(gai) : "ukendt adresse");
		return -1;
	}
	char *cert = NULL, *key = NULL;
	if (cert_path && (read_pem(&cert, cert_path) || read_pem(&key, key_path))) {
		free(cert);
		freeaddrinfo(ai);
		return -1;
	}
	if (cert && MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
		fprintf(stderr, "klarbrev serve: denne udgave af libmicrohttpd kan ikke HTTPS; brug en omvendt proxy "
		                "(se docs/drift.md)\n");
		free(cert);
		free(key);
		freeaddrinfo(ai);
		return -1;
	}
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
	if (ai->ai_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	if (cert)
		flags |= MHD_USE_TLS;
	unsigned idle = s->timeout_s < 30 ? s->timeout_s : 30;
	struct MHD_OptionItem tls_opts[] = {
		{ MHD_OPTION_HTTPS_MEM_CERT, 0, cert },
		{ MHD_OPTION_HTTPS_MEM_KEY, 0, key },
		{ MHD_OPTION_END, 0, NULL },
	};
	s->daemon = MHD_start_daemon(
	    flags, 0, NULL, NULL, on_request, s, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, s, MHD_OPTION_SOCK_ADDR, ai->ai_addr, MHD_OPTION_CONNECTION_LIMIT,
	    (unsigned)s->max_connections, MHD_OPTION_CONNECTION_TIMEOUT, idle, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
	    (size_t)SV_HEADER_LIMIT, MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_NOTIFY_CONNECTION,
	    on_connection, s, MHD_OPTION_UNESCAPE_CALLBACK, unescape, s, MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u,
	    MHD_OPTION_ARRAY, cert ? tls_opts : tls_opts + 2, MHD_OPTION_END);
	int err = errno;
	freeaddrinfo(ai);
	if (cert)
		memset(key, 0, strlen(key));
	free(cert);
	free(key);
	if (!s->daemon) {
		fprintf(stderr, "klarbrev serve: kan ikke lytte på %s: %s\n", listen,
		        err == EADDRINUSE ? "adressen er i brug (kører tjenesten allerede?)"
		        : err             ? strerror(err)
		                          : "libmicrohttpd kunne ikke starte (se loggen)");
		return -1;
	}
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
	s->port = di ? di->port : 0;
	reaper_stop = 0;
	if (pthread_create(&reaper_th, NULL, reaper_main, s) == 0)
		reaper_started = 1;
	return 0;
}

void sv_http_stop(sv_server *s)
{
	if (reaper_started) {
		pthread_mutex_lock(&reaper_mu);
		reaper_stop = 1;
		pthread_cond_signal(&reaper_cv);
		pthread_mutex_unlock(&reaper_mu);
		pthread_join(reaper_th, NULL);
		reaper_started = 0;
	}
	if (s->daemon)
		MHD_stop_daemon(s->daemon);
	s->daemon = NULL;
	pthread_mutex_lock(&s->mu);
	while (s->conns) {
		sv_conn *c = s->conns;
		s->conns = c->next;
		free(c);
	}
	pthread_mutex_unlock(&s->mu);
}
