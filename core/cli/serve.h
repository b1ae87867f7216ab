/*
 * serve.h -- what the parts of `klarbrev serve` share (cmd_serve.c: start, reload and stop; serve_http.c: the HTTP
 * side on libmicrohttpd; serve_routes.c: the work of each route on a worker thread).
 *
 * The shape: one libmicrohttpd thread reads requests (epoll) and answers the cheap routes itself; a request that
 * needs a letter checked, filled or linted is suspended and queued to a pool of worker threads, each with its own
 * kb_ctx, checker (Lua states, dictionary) and scratch folder. The worker builds the response and resumes the
 * connection. What the requests read (templates, tokens) hangs off a generation that SIGHUP replaces; a request
 * holds a reference to the generation it started with, so a reload never changes what a running request sees.
 */
#ifndef KB_SERVE_H
#define KB_SERVE_H

#include "cli.h"

#include <jansson.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdint.h>
#include <time.h>

/* What a token may use (the tokens file's routes). */
enum { SV_ALLOW_TEMPLATES = 1, SV_ALLOW_FILL = 2, SV_ALLOW_CHECK = 4, SV_ALLOW_LINT = 8, SV_ALLOW_ALL = 15 };

typedef enum {
	SV_ROUTE_NONE,
	SV_ROUTE_HEALTH,
	SV_ROUTE_VERSION,
	SV_ROUTE_TEMPLATES,
	SV_ROUTE_TEMPLATE,
	SV_ROUTE_FILL,
	SV_ROUTE_CHECK,
	SV_ROUTE_LINT,
	SV_ROUTE_VALIDATE,      /* POST /templates/{id}/validate */
	SV_ROUTE_TEMPLATE_LINT, /* GET /templates/{id}/lint */
	SV_ROUTE_PAGE,          /* GET / and /web/{file}: the web page (serve_web.c) */
	SV_ROUTE_SESSION        /* GET, POST, DELETE /session: the web page's login */
} sv_route;

/* An installed template, compiled once and shared by every worker (kb_template is read-only while letters render). */
typedef struct sv_template {
	int refs; /* generations holding it; under the server's lock */
	char *id, *path;
	kb_template *t;
	char **partials; /* the template's partials folders, kept while t lives */
	json_t *info;    /* its entry in GET /templates */
	char *detail;    /* the body of GET /templates/{id} */
} sv_template;

typedef struct sv_token {
	char *name, *token;
	size_t len;
	unsigned allow; /* SV_ALLOW_* */
} sv_token;

/* A file of the web page, read whole when the generation is loaded. */
typedef struct sv_file {
	char *name; /* its name in the web folder, and in the address /web/{name} */
	char *data;
	size_t len;
	const char *type;
} sv_file;

/* A signed-in browser (POST /session): the cookie holds id; the token it was made with is looked up again in the
 * generation of each request, so a token taken out of the tokens file ends its sessions at the next reload. */
typedef struct sv_session {
	char id[65];   /* 32 random bytes as hex: the cookie's value */
	char csrf[65]; /* 32 random bytes as hex: the X-Klarbrev-CSRF header a POST or DELETE by cookie must carry */
	char *token;
	size_t token_len;
	struct timespec created, used;
} sv_session;

/* What SIGHUP replaces at once: the templates and the tokens. */
typedef struct sv_gen {
	int refs; /* the server's own + one per request that started under it; under the server's lock */
	unsigned id;
	sv_template **tmpl; /* sorted by id */
	size_t ntmpl;
	sv_token *tokens; /* NULL with ntokens 0: no tokens file, every request is let in */
	size_t ntokens;
	int have_tokens;
	char *templates_json; /* the body of GET /templates */
	sv_file *web;         /* the web page's files, sorted by name; NULL without a web folder */
	size_t nweb;
} sv_gen;

typedef struct sv_server sv_server;

/* One HTTP request, from its first header to the end of its response. */
typedef struct sv_req {
	struct MHD_Connection *conn;
	struct timespec t0;
	sv_route route;
	const char *method;
	char tmpl_id[96];
	char token_name[64];
	char remote[64];
	int stage;    /* SV_STAGE_* */
	int admitted; /* holds one of the server's request slots */
	sv_gen *gen;  /* held from the first call to the end */
	/* the body */
	char *body;
	size_t len, cap;
	/* what the request asked (copied at the first call; the connection's strings are not kept) */
	char format[8];
	int annotate, kind_text, multipart, text;
	char page[64];      /* SV_ROUTE_PAGE: the file's name */
	int by_cookie;      /* signed in by the session cookie (a POST or DELETE needs the CSRF header) */
	char set_cookie[192]; /* a Set-Cookie header of the answer, or "" */
	char content_type[128];
	/* the response, made by a worker or by the HTTP thread */
	unsigned status;
	char *resp;
	size_t resp_len;
	const char *resp_type;
	char type_buf[128]; /* a multipart response's type, with its boundary */
	char *summary;           /* Klarbrev-Summary header, or NULL */
	const char *disposition; /* the file name of an attachment, or NULL */
	const char *allow;       /* Allow header of a 405, or NULL */
	int retry_after;         /* seconds, 0: no Retry-After */
	int bearer_challenge;    /* 401: WWW-Authenticate */
	size_t bytes_out;
	struct sv_req *next; /* the work queue */
} sv_req;

/* SV_STAGE_DISCARD: answered from the headers (401, 403, 404, 503, ...), but the body is read and dropped before the
 * answer goes, because clients such as WinHTTP send the whole body before they read anything and take a connection
 * closed under them as a network failure instead of the answer. */
enum { SV_STAGE_NEW, SV_STAGE_BODY, SV_STAGE_DISCARD, SV_STAGE_QUEUED, SV_STAGE_DONE, SV_STAGE_SENT };

typedef struct sv_worker {
	sv_server *srv;
	int index;
	pthread_t th;
	kb_ctx *ctx;
	kb_checker *ck;
	unsigned epoch;   /* of ck: the server's checker_epoch when it was taken */
	char *scratch;    /* a folder of its own for the letters it reads and writes */
	unsigned long seq;
} sv_worker;

/* A connection the reaper watches: one that takes longer than the request time limit outside a worker is shut. */
typedef struct sv_conn {
	int fd;
	struct timespec since; /* connection start, or the end of its last request */
	int in_worker;         /* a request of it is queued or worked on: not the client's time */
	struct sv_conn *next;
} sv_conn;

struct sv_server {
	/* settings */
	char *data_dir, *templates_dir, *tokens_path, *log_path;
	char *web_dir;   /* the web page's folder */
	int web_given;   /* --web: a missing folder is an error, not just no page */
	const char *config_path;
	int nthreads, no_spell;
	size_t queue_max, max_body, max_connections;
	unsigned timeout_s;
	int tls;
	/* state under mu */
	pthread_mutex_t mu;
	pthread_cond_t work_cv, idle_cv;
	sv_gen *gen;
	unsigned next_gen;
	unsigned checker_epoch;
	kb_checker **pending; /* per worker: the checker of a reload, taken before its next request */
	sv_req *head, *tail;
	size_t queued, busy;   /* waiting for a worker, worked on */
	size_t slots;          /* admitted requests with a body: uploading, queued or worked on */
	size_t inflight;       /* requests begun and not yet completed (stop waits for 0) */
	int stopping; /* SIGTERM: no new request is taken (503), the ones in flight finish */
	int closing;  /* the workers end once the queue is empty */
	sv_worker *workers;
	sv_conn *conns;
	struct MHD_Daemon *daemon;
	unsigned port;
	/* the access log */
	FILE *log;
	pthread_mutex_t log_mu;
	/* the web page's sessions: used by the HTTP thread only */
	sv_session *sessions;
	size_t nsessions;
};

/* serve_http.c */
int sv_http_start(sv_server *s, const char *listen, const char *cert_path, const char *key_path);
void sv_http_stop(sv_server *s);
/* Fills r's response with a JSON error {"code","message","details"}; details (may be NULL) is taken. */
void sv_error(sv_req *r, unsigned status, const char *code, const char *message, json_t *details);
/* sv_error with one more member, key: value (taken; key NULL: none). */
void sv_error_with(sv_req *r, unsigned status, const char *code, const char *message, json_t *details,
                   const char *key, json_t *value);
/* Sets r's response to body (taken; a JSON document when type is NULL). */
void sv_respond(sv_req *r, unsigned status, char *body, size_t len, const char *type);
/* Writes one JSON line to the access log; takes o. */
void sv_log(sv_server *s, json_t *o);
/* Seconds since t0 (CLOCK_MONOTONIC). */
double sv_seconds_since(const struct timespec *t0);

/* serve_routes.c: the work of fill, check and lint on a worker (with its checker); sets r's response. */
void sv_work(sv_worker *w, sv_req *r);
/* The lookup of a template id in a generation, NULL when unknown. */
sv_template *sv_template_find(const sv_gen *g, const char *id);

/* serve_web.c: the web page's files and its sessions */
/* Reads the web folder's files into g (none when the folder is missing and was not given). 0, or -1 after adding
 * the problem. */
int sv_web_load(sv_server *s, sv_gen *g, json_t *problems);
void sv_web_free(sv_gen *g);
/* GET / and /web/{name}: the file, with the page's security headers (sv_web_headers). */
void sv_web_page(sv_req *r);
void sv_web_headers(struct MHD_Response *resp);
/* The session of the request's cookie that is still good under g, with its token in *tok; NULL (and *tok NULL) when
 * there is none. A session whose token has left the tokens file ends here. */
sv_session *sv_session_of(sv_server *s, const sv_gen *g, struct MHD_Connection *c, const sv_token **tok);
/* GET /session, POST /session (r's body: {"token": ...}) and DELETE /session. */
void sv_session_route(sv_server *s, sv_req *r, const char *method);
void sv_sessions_free(sv_server *s);
/* Compares in time that depends only on the length of a (a secret against what a client sent). */
int sv_secret_eq(const char *a, size_t alen, const char *b, size_t blen);
/* The presented token's entry in g (constant time over all tokens), or NULL. */
const sv_token *sv_find_token(const sv_gen *g, const char *tok, size_t len);

/* A request signed in by cookie: a POST or DELETE must carry the session's CSRF token. 0, or -1 with r's answer (403
 * "csrf") set. */
int sv_session_csrf(sv_req *r, const sv_session *ss, const char *method);

/* cmd_serve.c */
/* A problem of a load (what failed, and why): logged at a reload, printed at start. */
void sv_problem(json_t *problems, const char *what, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* 1 when s is 1..max-1 bytes of letters a-z and A-Z, digits, '.', '_' and '-' (a token's name). */
int sv_name_ok(const char *s, size_t max);
/* 1 when id can be a template id: sv_name_ok, not starting with '.'. Nothing else can name a template, so no id
 * reaches outside the templates folder. */
int sv_id_ok(const char *id);
void sv_gen_unref(sv_server *s, sv_gen *g);
/* Queues r for a worker; 0, or -1 when the queue is full (r untouched). */
int sv_queue_push(sv_server *s, sv_req *r);

#endif
