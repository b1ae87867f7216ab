/*
 * cmd_serve.c -- klarbrev serve: the municipality's templates, plugins, word lists and config loaded once and kept
 * warm behind an HTTP API (docs/api.md) for the Word macro, the web page and the case systems.
 *
 * This file starts and stops the service and owns what SIGHUP replaces: the generation (templates and tokens) and
 * the workers' checkers. Everything is loaded and proven before it is used: at start a problem stops the program
 * (exit 2, every problem named); on a reload what fails keeps the version that serves now, and the log says why.
 * The HTTP side is serve_http.c, the work of each route serve_routes.c.
 */
#include "checker.h"
#include "internal.h"
#include "letter.h"
#include "manifest.h"
#include "serve.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <stddef.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *serve_help =
	"Brug: klarbrev serve [--listen ADRESSE:PORT] [--tokens FIL] [--config FIL] [--threads N]\n"
	"                      [--tls-cert FIL --tls-key FIL] [--log FIL] [--data-dir MAPPE] [--templates MAPPE]\n"
	"                      [--queue N] [--max-body BYTES] [--timeout SEKUNDER] [--max-connections N] [--no-spell]\n"
	"                      [--web MAPPE]\n"
	"\n"
	"Kører klarbrev som en tjeneste (HTTP med JSON), som Word-makroen, websiden og kommunens fagsystemer kalder:\n"
	"skabeloner, plugins, ordlister og opsætning indlæses én gang, når tjenesten starter. API'et står i\n"
	"docs/api.md (og docs/openapi.yaml), driften i docs/drift.md.\n"
	"\n"
	"  --listen ADRESSE:PORT  hvor tjenesten lytter (standard 127.0.0.1:8080, kun denne maskine); 0.0.0.0:8080\n"
	"                         lytter på alle adresser og kræver --tokens. Port 0: en ledig port, som står i\n"
	"                         linjen \"lytter på ...\"\n"
	"  --tokens FIL           adgangsnøgler, én pr. linje: NAVN NØGLE [RUTER] (RUTER: templates,fill,check,lint\n"
	"                         eller *); filen må kun kunne læses af tjenestens egen bruger (chmod 600)\n"
	"  --config FIL           kommunens opsætning (plugins, ordlister, niveauer); ellers KLARBREV_CONFIG\n"
	"  --threads N            arbejdstråde, hver med sine egne regler og sin egen ordbog (standard: antal kerner)\n"
	"  --queue N              forespørgsler, der må vente på en tråd, før tjenesten svarer 503 (standard 32)\n"
	"  --max-body BYTES       største brev, sag eller skabelon i en forespørgsel (standard 20971520 = 20 MB)\n"
	"  --timeout SEKUNDER     længste tid en forespørgsel må tage, arbejdet selv fraregnet: at sende den, vente\n"
	"                         på en tråd og hente svaret (standard 60); en langsom klient afbrydes\n"
	"  --max-connections N    samtidige forbindelser (standard 1000)\n"
	"  --tls-cert FIL         HTTPS: certifikatet (PEM), sammen med --tls-key FIL (nøglen, PEM)\n"
	"  --log FIL              adgangsloggen (én JSON-linje pr. forespørgsel); ellers standardfejl\n"
	"  --templates MAPPE      skabelonerne (standard: templates i datamappen); hver undermappe er en skabelon\n"
	"  --web MAPPE            websiden, som tjenesten viser på http://ADRESSE:PORT/ (standard: web i datamappen;\n"
	"                         se docs/web.md)\n"
	"  --data-dir MAPPE       klarbrevs data (plugins, ordlister, skabeloner); ellers KLARBREV_DATA eller ved\n"
	"                         programmet\n"
	"  --no-spell             spring stavekontrollen over\n"
	"\n"
	"Signaler: SIGHUP (systemctl reload klarbrev) indlæser skabeloner, plugins, ordlister, opsætning og\n"
	"adgangsnøgler igen uden at afbryde nogen forespørgsel; det, der ikke kan indlæses, beholder den gamle\n"
	"udgave, og loggen siger hvorfor. SIGTERM: tjenesten tager ikke imod nye forbindelser, gør de igangværende\n"
	"færdige og stopper.\n"
	"\n"
	"Eksempel:\n"
	"  klarbrev serve\n"
	"  klarbrev serve --listen 0.0.0.0:8080 --tokens /etc/klarbrev/tokens --config /etc/klarbrev/kommune.ini\n"
	"\n"
	"Afslutningskoder: 0 stoppet med SIGTERM, 2 forkert brug, eller noget kunne ikke indlæses ved start.\n";

/* ---- generations ---- */

static void template_free(sv_template *t)
{
	if (!t)
		return;
	kb_template_free(t->t);
	cli_strv_free(t->partials);
	json_decref(t->info);
	free(t->detail);
	free(t->id);
	free(t->path);
	free(t);
}

static void tokens_free(sv_token *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].name);
		if (v[i].token)
			memset(v[i].token, 0, v[i].len);
		free(v[i].token);
	}
	free(v);
}

/* Frees g; the templates it held lose a reference. Under the server's lock. */
static void gen_free_locked(sv_gen *g)
{
	for (size_t i = 0; i < g->ntmpl; i++)
		if (--g->tmpl[i]->refs == 0)
			template_free(g->tmpl[i]);
	free(g->tmpl);
	tokens_free(g->tokens, g->ntokens);
	free(g->templates_json);
	sv_web_free(g);
	free(g);
}

void sv_gen_unref(sv_server *s, sv_gen *g)
{
	if (!g)
		return;
	pthread_mutex_lock(&s->mu);
	if (--g->refs == 0)
		gen_free_locked(g);
	pthread_mutex_unlock(&s->mu);
}

sv_template *sv_template_find(const sv_gen *g, const char *id)
{
	size_t lo = 0, hi = g->ntmpl;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(id, g->tmpl[mid]->id);
		if (!c)
			return g->tmpl[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

void sv_problem(json_t *problems, const char *what, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	json_array_append_new(problems, json_pack("{s:s, s:s}", "what", what, "reason", buf));
}

/* The ctx's message and details as one reason. */
static void ctx_problem(json_t *problems, const char *what, const kb_ctx *ctx)
{
	char buf[4096];
	size_t used = (size_t)snprintf(buf, sizeof buf, "%s", kb_ctx_errmsg(ctx));
	for (size_t i = 0; i < kb_ctx_detail_count(ctx) && used < sizeof buf; i++)
		used += (size_t)snprintf(buf + used, sizeof buf - used, "; %s", kb_ctx_detail(ctx, i));
	sv_problem(problems, what, "%s", buf);
}

/* v as a list: a copy of a list, a string as a list of one, anything else an empty list. */
static json_t *as_list(const json_t *v)
{
	json_t *a = json_array();
	if (json_is_array(v))
		json_array_extend(a, (json_t *)v);
	else if (json_is_string(v))
		json_array_append(a, (json_t *)v);
	return a;
}

/* GET /templates' entry of a template: what a form or a case system needs to choose one and fill it. */
static json_t *template_info(const char *id, const kb_template *t)
{
	const json_t *m = kb_template_manifest(t);
	json_t *o = json_pack("{s:s, s:s}", "id", id, "title", kb_template_title(t));
	if (!o)
		return NULL;
	const json_t *kind = m ? json_object_get(m, "kind") : NULL;
	const json_t *outcome = m ? json_object_get(m, "outcome") : NULL;
	const json_t *ofield = m ? json_object_get(m, "outcome_field") : NULL;
	const json_t *fields = m ? json_object_get(m, "fields") : NULL;
	json_object_set_new(o, "kind", json_is_string(kind) ? json_copy((json_t *)kind) : json_null());
	json_object_set_new(o, "outcome", json_is_string(outcome) ? json_copy((json_t *)outcome) : json_null());
	json_object_set_new(o, "outcome_field", json_is_string(ofield) ? json_copy((json_t *)ofield) : json_null());
	json_object_set_new(o, "outcomes", kb_manifest_outcomes(m));
	json_object_set_new(o, "law", as_list(m ? json_object_get(m, "law") : NULL));
	const json_t *appeal = m ? json_object_get(m, "appeal") : NULL;
	json_object_set_new(o, "appeal", json_is_object(appeal) ? json_deep_copy(appeal) : json_null());
	json_t *list = json_array();
	const char *path;
	json_t *f;
	if (json_is_object(fields)) {
		json_object_foreach((json_t *)fields, path, f)
		{
			json_t *e = json_is_object(f) ? json_deep_copy(f) : json_object();
			json_object_set_new(e, "path", json_string(path));
			if (!json_object_get(e, "required"))
				json_object_set_new(e, "required", json_false());
			json_array_append_new(list, e);
		}
	}
	json_object_set_new(o, "fields", list);
	return o;
}

int sv_name_ok(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n == 0 || n >= max)
		return 0;
	for (const char *c = s; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || strchr("._-", *c)))
			return 0;
	return 1;
}

int sv_id_ok(const char *id)
{
	return id[0] != '.' && sv_name_ok(id, sizeof ((sv_req *)0)->tmpl_id);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp((*(sv_template *const *)a)->id, (*(sv_template *const *)b)->id);
}

/* Compiles the template at path as id. NULL after a problem (added to problems). */
static sv_template *template_load(sv_server *s, const char *id, const char *path, json_t *problems)
{
	sv_template *t = calloc(1, sizeof *t);
	kb_ctx *ctx = NULL;
	if (!t || kb_ctx_new(&ctx) || !(t->id = kb_strdup(id)) || !(t->path = kb_strdup(path)))
		goto oom;
	cli_opts o;
	memset(&o, 0, sizeof o);
	if (!(t->partials = cli_partials_dirs(&o, path, s->data_dir)))
		goto oom;
	kb_template_options topts = { 0 };
	topts.partials_dirs = (const char *const *)t->partials;
	topts.partials_hint = cli_partials_hint;
	if (kb_template_open(&t->t, ctx, path, &topts)) {
		ctx_problem(problems, id, ctx);
		goto fail;
	}
	char *skeleton = NULL;
	json_t *sk = NULL;
	if (kb_template_fields(&skeleton, ctx, t->t) || !(sk = json_loads(skeleton, 0, NULL))) {
		free(skeleton);
		ctx_problem(problems, id, ctx);
		goto fail;
	}
	free(skeleton);
	const json_t *m = kb_template_manifest(t->t);
	json_t *detail = json_pack("{s:s, s:s, s:O?, s:o}", "id", id, "title", kb_template_title(t->t), "manifest", m,
	                           "skeleton", sk);
	if (detail && !json_object_get(detail, "manifest"))
		json_object_set_new(detail, "manifest", json_null());
	t->detail = detail ? json_dumps(detail, JSON_PRESERVE_ORDER | JSON_INDENT(2)) : NULL;
	json_decref(detail);
	if (!t->detail || !(t->info = template_info(id, t->t)))
		goto oom;
	t->refs = 0;
	kb_ctx_free(ctx);
	return t;
oom:
	sv_problem(problems, id, "ikke nok hukommelse");
fail:
	kb_ctx_free(ctx);
	template_free(t);
	return NULL;
}

/* Reads the tokens file into *out. Returns 0, or -1 after adding the problems. */
static int tokens_load(sv_token **out, size_t *n, const char *path, json_t *problems)
{
	*out = NULL;
	*n = 0;
	struct stat st;
	if (stat(path, &st)) {
		sv_problem(problems, "tokens", "%s: %s", path, strerror(errno));
		return -1;
	}
	/* as PostgreSQL asks of its key file: private to the service's user, or root's and at most readable by a group
	 * (a Kubernetes secret mounted for a group, a file systemd's LoadCredential hands over) */
	uid_t me = geteuid();
	if ((st.st_uid == me && (st.st_mode & 077)) || (st.st_uid == 0 && me != 0 && (st.st_mode & 037))) {
		sv_problem(problems, "tokens",
		        "%s kan læses eller ændres af andre (rettigheder %03o); gør den privat: chmod 600 %s (eller 640, "
		        "når root ejer den)",
		        path, (unsigned)(st.st_mode & 0777), path);
		return -1;
	}
	if (st.st_uid != me && st.st_uid != 0) {
		sv_problem(problems, "tokens", "%s ejes af en anden bruger end tjenestens (eller root); ret ejeren med chown",
		        path);
		return -1;
	}
	FILE *f = fopen(path, "r");
	if (!f) {
		sv_problem(problems, "tokens", "%s: %s", path, strerror(errno));
		return -1;
	}
	char line[1024];
	int lineno = 0, bad = 0;
	size_t cap = 0;
	sv_token *v = NULL;
	while (fgets(line, sizeof line, f)) {
		lineno++;
		char *p = line + strspn(line, " \t");
		p[strcspn(p, "\r\n")] = '\0';
		if (!*p || *p == '#')
			continue;
		char *save = NULL, *name = strtok_r(p, " \t", &save), *tok = strtok_r(NULL, " \t", &save);
		char *routes = strtok_r(NULL, " \t", &save), *extra = strtok_r(NULL, " \t", &save);
		if (!tok || extra) {
			sv_problem(problems, "tokens", "%s:%d: skriv NAVN NØGLE [RUTER] på linjen", path, lineno);
			bad = 1;
			continue;
		}
		if (!sv_name_ok(name, 64)) {
			sv_problem(problems, "tokens", "%s:%d: navnet må kun have bogstaver a-z, tal, '.', '_' og '-'", path,
			        lineno);
			bad = 1;
			continue;
		}
		int tok_ok = strlen(tok) >= 16;
		for (const char *c = tok; *c; c++)
			if (*c < 0x21 || *c > 0x7e)
				tok_ok = 0;
		if (!tok_ok) {
			sv_problem(problems, "tokens",
			        "%s:%d: nøglen til %s skal være mindst 16 tegn uden mellemrum (lav en med: openssl rand "
			        "-hex 32)",
			        path, lineno, name);
			bad = 1;
			continue;
		}
		unsigned allow = 0;
		if (!routes || !strcmp(routes, "*")) {
			allow = SV_ALLOW_ALL;
		} else {
			char *rs = NULL;
			for (char *r = strtok_r(routes, ",", &rs); r; r = strtok_r(NULL, ",", &rs)) {
				if (!strcmp(r, "templates"))
					allow |= SV_ALLOW_TEMPLATES;
				else if (!strcmp(r, "fill"))
					allow |= SV_ALLOW_FILL;
				else if (!strcmp(r, "check"))
					allow |= SV_ALLOW_CHECK;
				else if (!strcmp(r, "lint"))
					allow |= SV_ALLOW_LINT;
				else {
					sv_problem(problems, "tokens",
					        "%s:%d: ukendt rute \"%s\"; brug templates, fill, check, lint eller *", path,
					        lineno, r);
					bad = 1;
				}
			}
		}
		for (size_t i = 0; i < *n; i++)
			if (!strcmp(v[i].name, name) || !strcmp(v[i].token, tok)) {
				sv_problem(problems, "tokens", "%s:%d: %s står allerede i filen", path, lineno,
				        !strcmp(v[i].name, name) ? "navnet" : "nøglen");
				bad = 1;
			}
		if (*n == cap) {
			size_t nc = cap ? 2 * cap : 8;
			sv_token *nv = realloc(v, nc * sizeof *nv);
			if (!nv) {
				bad = 1;
				break;
			}
			v = nv;
			cap = nc;
		}
		v[*n].name = kb_strdup(name);
		v[*n].token = kb_strdup(tok);
		v[*n].len = strlen(tok);
		v[*n].allow = allow;
		if (!v[*n].name || !v[*n].token) {
			free(v[*n].name);
			free(v[*n].token);
			bad = 1;
			break;
		}
		(*n)++;
	}
	memset(line, 0, sizeof line);
	fclose(f);
	if (!bad && *n == 0) {
		sv_problem(problems, "tokens", "%s har ingen nøgler", path);
		bad = 1;
	}
	if (bad) {
		tokens_free(v, *n);
		*n = 0;
		return -1;
	}
	*out = v;
	return 0;
}

/* Loads a new generation: the templates of the templates folder (each compiled; one that fails keeps its version of
 * old, when there is one) and the tokens (a file with problems keeps the old ones). *out is NULL on out of memory;
 * problems gets one entry per problem. */
static sv_gen *gen_load(sv_server *s, const sv_gen *old, json_t *problems)
{
	sv_gen *g = calloc(1, sizeof *g);
	if (!g)
		return NULL;
	g->refs = 1;
	/* tokens */
	if (s->tokens_path) {
		g->have_tokens = 1;
		if (tokens_load(&g->tokens, &g->ntokens, s->tokens_path, problems) && old) {
			g->tokens = calloc(old->ntokens ? old->ntokens : 1, sizeof *g->tokens);
			for (size_t i = 0; g->tokens && i < old->ntokens; i++) {
				g->tokens[i].name = kb_strdup(old->tokens[i].name);
				g->tokens[i].token = kb_strdup(old->tokens[i].token);
				g->tokens[i].len = old->tokens[i].len;
				g->tokens[i].allow = old->tokens[i].allow;
				g->ntokens++;
			}
		}
	}
	/* the web page: a folder that cannot be read keeps the page of old */
	if (sv_web_load(s, g, problems) && old && old->nweb && (g->web = calloc(old->nweb, sizeof *g->web))) {
		sv_problem(problems, "web", "den tidligere udgave af websiden bruges stadig");
		for (size_t i = 0; i < old->nweb; i++) {
			sv_file *f = &g->web[g->nweb];
			*f = old->web[i];
			f->name = kb_strdup(old->web[i].name);
			f->data = malloc(old->web[i].len ? old->web[i].len : 1);
			if (!f->name || !f->data) {
				free(f->name);
				free(f->data);
				break;
			}
			memcpy(f->data, old->web[i].data, old->web[i].len);
			g->nweb++;
		}
	}
	/* templates */
	struct dirent **names = NULL;
	int nn = scandir(s->templates_dir, &names, NULL, alphasort);
	if (nn < 0) {
		sv_problem(problems, "templates", "%s: %s", s->templates_dir, strerror(errno));
		nn = 0;
	}
	g->tmpl = calloc((size_t)nn + 1, sizeof *g->tmpl);
	for (int i = 0; i < nn; i++) {
		const char *name = names[i]->d_name;
		char path[PATH_MAX], id[96];
		int what = cli_templates_entry(s->templates_dir, name, id, sizeof id, path, sizeof path);
		if (what == CLI_TEMPLATE_NONE)
			goto next;
		if (what == CLI_TEMPLATE_BAD_NAME) {
			sv_problem(problems, name, "%s", cli_template_name_rule);
			goto next;
		}
		if (!g->tmpl || sv_template_find(g, id))
			goto next; /* afslag/ and afslag.docx: the folder (sorted first) wins */
		size_t before = json_array_size(problems);
		sv_template *t = template_load(s, id, path, problems);
		if (!t && old && json_array_size(problems) > before) {
			sv_template *keep = sv_template_find(old, id);
			if (keep) {
				sv_problem(problems, id, "den tidligere udgave af skabelonen bruges stadig");
				t = keep;
			}
		}
		if (t) {
			pthread_mutex_lock(&s->mu);
			t->refs++;
			pthread_mutex_unlock(&s->mu);
			g->tmpl[g->ntmpl++] = t;
			qsort(g->tmpl, g->ntmpl, sizeof *g->tmpl, name_cmp);
		}
	next:
		free(names[i]);
	}
	free(names);
	json_t *list = json_array();
	for (size_t i = 0; i < g->ntmpl; i++)
		json_array_append(list, g->tmpl[i]->info);
	json_t *root = json_pack("{s:o}", "templates", list);
	g->templates_json = root ? json_dumps(root, JSON_PRESERVE_ORDER | JSON_INDENT(2)) : NULL;
	json_decref(root);
	if (!g->templates_json || !g->tmpl) {
		pthread_mutex_lock(&s->mu);
		gen_free_locked(g);
		pthread_mutex_unlock(&s->mu);
		return NULL;
	}
	return g;
}

/* ---- checkers ---- */

/* Makes one checker per worker, each proven: every plugin loaded, the config read, the dictionary loaded by a
 * first check. Returns 0 with out[0..n) set, or -1 after adding the problems (nothing kept). */
static int checkers_load(sv_server *s, kb_checker **out, json_t *problems)
{
	kb_ctx *ctx = NULL;
	kb_letter *l = NULL;
	kb_findings *fs = NULL;
	int ok = 0;
	memset(out, 0, (size_t)s->nthreads * sizeof *out);
	if (kb_ctx_new(&ctx) || kb_findings_new(&fs)) {
		sv_problem(problems, "plugins", "ikke nok hukommelse");
		goto done;
	}
	static const char warm[] = "Klarbrev er klar til at tjekke breve.\n";
	if (kb_letter_from_text(&l, ctx, warm, sizeof warm - 1, "start.txt", NULL)) {
		ctx_problem(problems, "plugins", ctx);
		goto done;
	}
	kb_checker_options co = { 0 };
	co.data_dir = s->data_dir;
	co.no_spell = s->no_spell;
	co.config_path = s->config_path;
	for (int i = 0; i < s->nthreads; i++) {
		if (kb_checker_new(&out[i], ctx, &co)) {
			ctx_problem(problems, s->config_path ? "config" : "plugins", ctx);
			goto done;
		}
		if (i == 0) {
			int broken = 0;
			for (size_t p = 0; p < kb_checker_plugin_count(out[0]); p++) {
				kb_plugin_info info;
				kb_checker_plugin_info(&info, out[0], p);
				if (info.problem) {
					sv_problem(problems, info.name ? info.name : info.file, "%s", info.problem);
					broken = 1;
				}
			}
			if (broken)
				goto done;
		}
		if (kb_checker_run(out[i], ctx, l, fs, NULL)) {
			ctx_problem(problems, "plugins", ctx);
			goto done;
		}
	}
	ok = 1;
done:
	if (!ok)
		for (int i = 0; i < s->nthreads; i++) {
			kb_checker_free(out[i]);
			out[i] = NULL;
		}
	kb_findings_free(fs);
	kb_letter_free(l);
	kb_ctx_free(ctx);
	return ok ? 0 : -1;
}

/* ---- the work queue ---- */

int sv_queue_push(sv_server *s, sv_req *r)
{
	pthread_mutex_lock(&s->mu);
	if (s->queued >= s->queue_max + (size_t)s->nthreads) {
		pthread_mutex_unlock(&s->mu);
		return -1;
	}
	r->next = NULL;
	if (s->tail)
		s->tail->next = r;
	else
		s->head = r;
	s->tail = r;
	s->queued++;
	pthread_cond_signal(&s->work_cv);
	pthread_mutex_unlock(&s->mu);
	return 0;
}

static void *worker_main(void *arg)
{
	sv_worker *w = arg;
	sv_server *s = w->srv;
	for (;;) {
		pthread_mutex_lock(&s->mu);
		while (!s->head && !s->closing)
			pthread_cond_wait(&s->work_cv, &s->mu);
		sv_req *r = s->head;
		if (!r) {
			pthread_mutex_unlock(&s->mu);
			break;
		}
		s->head = r->next;
		if (!s->head)
			s->tail = NULL;
		s->queued--;
		s->busy++;
		/* a reload's checker is taken between requests, never during one */
		kb_checker *old = NULL;
		if (w->epoch != s->checker_epoch && s->pending[w->index]) {
			old = w->ck;
			w->ck = s->pending[w->index];
			s->pending[w->index] = NULL;
			w->epoch = s->checker_epoch;
		}
		pthread_mutex_unlock(&s->mu);
		kb_checker_free(old);
		if (sv_seconds_since(&r->t0) > (double)s->timeout_s) {
			sv_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, "busy",
			         "Tjenesten har for travlt lige nu; prøv igen om lidt", NULL);
			r->retry_after = 2;
		} else {
			sv_work(w, r);
		}
		pthread_mutex_lock(&s->mu);
		s->busy--;
		pthread_mutex_unlock(&s->mu);
		r->stage = SV_STAGE_DONE;
		MHD_resume_connection(r->conn);
	}
	return NULL;
}

/* ---- reload ---- */

static void log_problems(sv_server *s, const char *event, unsigned gen, int ok, json_t *problems, json_t *extra)
{
	json_t *o = json_pack("{s:s, s:I, s:b, s:O}", "event", event, "generation", (json_int_t)gen, "ok", ok,
	                      "problems", problems);
	if (o && extra)
		json_object_update(o, extra);
	sv_log(s, o);
}

static void reload(sv_server *s)
{
	json_t *problems = json_array();
	pthread_mutex_lock(&s->mu);
	sv_gen *old = s->gen;
	old->refs++;
	pthread_mutex_unlock(&s->mu);
	int checkers_ok = 0;
	kb_checker **cks = calloc((size_t)s->nthreads, sizeof *cks);
	if (cks && !checkers_load(s, cks, problems))
		checkers_ok = 1;
	else
		sv_problem(problems, "plugins", "plugins, ordlister og opsætning er ikke skiftet ud; de tidligere bruges "
		                             "stadig");
	sv_gen *g = gen_load(s, old, problems);
	pthread_mutex_lock(&s->mu);
	if (checkers_ok) {
		for (int i = 0; i < s->nthreads; i++) {
			kb_checker_free(s->pending[i]); /* a reload before this worker took the last one */
			s->pending[i] = cks[i];
		}
		s->checker_epoch++;
	}
	unsigned id = s->gen->id;
	if (g) {
		g->id = id = ++s->next_gen;
		sv_gen *prev = s->gen;
		s->gen = g;
		if (--prev->refs == 0)
			gen_free_locked(prev);
	}
	if (--old->refs == 0)
		gen_free_locked(old);
	size_t ntmpl = s->gen->ntmpl;
	pthread_mutex_unlock(&s->mu);
	free(cks);
	json_t *extra = json_pack("{s:I, s:b}", "templates", (json_int_t)ntmpl, "plugins_reloaded", checkers_ok);
	log_problems(s, "reload", id, json_array_size(problems) == 0, problems, extra);
	json_decref(extra);
	json_decref(problems);
}

/* ---- start and stop ---- */

/* Tells systemd (Type=notify) how the service is: "READY=1", "RELOADING=1", "STOPPING=1". Nothing without
 * $NOTIFY_SOCKET. */
static void notify(const char *state)
{
	const char *path = getenv("NOTIFY_SOCKET");
	if (!path || (path[0] != '/' && path[0] != '@') || strlen(path) >= sizeof ((struct sockaddr_un *)0)->sun_path)
		return;
	struct sockaddr_un sa;
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, strlen(path));
	if (path[0] == '@')
		sa.sun_path[0] = '\0';
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	char msg[128];
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	int n = !strcmp(state, "RELOADING=1")
	            ? snprintf(msg, sizeof msg, "%s\nMONOTONIC_USEC=%llu", state,
	                       (unsigned long long)now.tv_sec * 1000000ull + (unsigned long long)now.tv_nsec / 1000ull)
	            : snprintf(msg, sizeof msg, "%s", state);
	sendto(fd, msg, (size_t)n, MSG_NOSIGNAL, (struct sockaddr *)&sa,
	       (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path)));
	close(fd);
}

static int parse_count(size_t *out, const char *s, const char *opt, size_t lo, size_t hi)
{
	char *end;
	errno = 0;
	unsigned long long v = s ? strtoull(s, &end, 10) : 0;
	if (!s || !*s || *end || errno || v < lo || v > hi || s[0] == '-')
		return cli_usage_error("serve", "%s skal være et helt tal fra %zu til %zu, ikke \"%s\"", opt, lo, hi,
		                       s ? s : "");
	*out = (size_t)v;
	return 0;
}

/* 1 when the --listen address is a loopback address (127.0.0.0/8, ::1, localhost). */
static int loopback(const char *listen)
{
	return !strncmp(listen, "127.", 4) || !strncmp(listen, "[::1]", 5) || !strncmp(listen, "localhost:", 10);
}

static void remove_tree(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char p[PATH_MAX];
		if (snprintf(p, sizeof p, "%s/%s", dir, e->d_name) >= (int)sizeof p)
			continue;
		struct stat st;
		if (!lstat(p, &st) && S_ISDIR(st.st_mode))
			remove_tree(p);
		else
			unlink(p);
	}
	closedir(d);
	rmdir(dir);
}

static void print_problems(const char *intro, json_t *problems)
{
	fprintf(stderr, "klarbrev serve: %s\n", intro);
	size_t i;
	json_t *p;
	json_array_foreach(problems, i, p)
	{
		fprintf(stderr, "  - %s: %s\n", json_string_value(json_object_get(p, "what")),
		        json_string_value(json_object_get(p, "reason")));
	}
}

int cmd_serve(int argc, char **argv)
{
	cli_opts o;
	int ret = cli_parse(&o, argc, argv, 2, "serve",
	                    "listen tokens config threads queue max-body timeout max-connections tls-cert tls-key log "
	                    "templates web data-dir no-spell ");
	if (ret)
		return ret;
	if (o.help) {
		fputs(serve_help, stdout);
		return KB_EXIT_OK;
	}
	if (o.npositional)
		return cli_usage_error("serve", "serve tager ingen filer, kun tilvalg (fx --listen 127.0.0.1:8080)");
	sv_server srv, *s = &srv;
	memset(s, 0, sizeof *s);
	const char *listen = o.listen ? o.listen : "127.0.0.1:8080";
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	size_t threads = cores > 0 ? (size_t)cores : 2, queue = 32, max_body = 20u << 20, timeout = 60, maxconn = 1000;
	if ((o.threads && parse_count(&threads, o.threads, "--threads", 1, 256)) ||
	    (o.queue && parse_count(&queue, o.queue, "--queue", 0, 100000)) ||
	    (o.max_body && parse_count(&max_body, o.max_body, "--max-body", 1024, (size_t)1 << 30)) ||
	    (o.timeout && parse_count(&timeout, o.timeout, "--timeout", 1, 3600)) ||
	    (o.max_connections && parse_count(&maxconn, o.max_connections, "--max-connections", 1, 100000)))
		return KB_EXIT_BAD;
	if (!o.tls_cert != !o.tls_key)
		return cli_usage_error("serve", "HTTPS kræver både --tls-cert og --tls-key");
	if (!o.tokens && !loopback(listen))
		return cli_usage_error(
		    "serve",
		    "tjenesten lytter på %s, som andre maskiner kan nå, men der er ingen adgangsnøgler; angiv --tokens FIL "
		    "(se docs/drift.md), eller lyt kun på denne maskine: --listen 127.0.0.1:8080",
		    listen);
	s->nthreads = (int)threads;
	s->queue_max = queue;
	s->max_body = max_body;
	s->timeout_s = (unsigned)timeout;
	s->max_connections = maxconn;
	s->no_spell = o.no_spell;
	s->config_path = cli_config_path(&o);
	s->tokens_path = o.tokens ? kb_strdup(o.tokens) : NULL;
	s->tls = o.tls_cert != NULL;
	pthread_mutex_init(&s->mu, NULL);
	pthread_mutex_init(&s->log_mu, NULL);
	pthread_cond_init(&s->work_cv, NULL);
	pthread_cond_init(&s->idle_cv, NULL);
	ret = KB_EXIT_BAD;
	char scratch_root[PATH_MAX] = "";
	json_t *problems = json_array();
	int started_workers = 0;
	if (!(s->data_dir = cli_data_dir(&o)))
		goto done;
	s->templates_dir = cli_templates_dir(&o, s->data_dir);
	s->web_given = o.web != NULL;
	s->web_dir = o.web ? kb_strdup(o.web) : kb_path_join(s->data_dir, "web");
	if (!s->web_dir || !s->templates_dir) {
		fprintf(stderr, "klarbrev serve: ikke nok hukommelse\n");
		goto done;
	}
	struct stat st;
	if (stat(s->templates_dir, &st) || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "klarbrev serve: skabelonmappen %s findes ikke; angiv den med --templates MAPPE\n",
		        s->templates_dir);
		goto done;
	}
	if (o.log) {
		if (!(s->log = fopen(o.log, "a"))) {
			fprintf(stderr, "klarbrev serve: kan ikke skrive loggen %s: %s\n", o.log, strerror(errno));
			goto done;
		}
	} else {
		s->log = stderr;
	}
	/* the letters a worker reads and writes live in a private folder, gone when the service stops */
	const char *tmp = getenv("TMPDIR");
	snprintf(scratch_root, sizeof scratch_root, "%s/klarbrev-serve.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(scratch_root)) {
		fprintf(stderr, "klarbrev serve: kan ikke lave en arbejdsmappe i %s: %s\n", tmp && *tmp ? tmp : "/tmp",
		        strerror(errno));
		scratch_root[0] = '\0';
		goto done;
	}
	/* everything loads now: a problem stops the start */
	s->workers = calloc((size_t)s->nthreads, sizeof *s->workers);
	s->pending = calloc((size_t)s->nthreads, sizeof *s->pending);
	kb_checker **cks = calloc((size_t)s->nthreads, sizeof *cks);
	if (!s->workers || !s->pending || !cks) {
		free(cks);
		fprintf(stderr, "klarbrev serve: ikke nok hukommelse\n");
		goto done;
	}
	if (checkers_load(s, cks, problems)) {
		free(cks);
		print_problems("plugins, ordlister eller opsætning kan ikke indlæses:", problems);
		goto done;
	}
	s->gen = gen_load(s, NULL, problems);
	if (!s->gen || json_array_size(problems)) {
		for (int i = 0; i < s->nthreads; i++)
			kb_checker_free(cks[i]);
		free(cks);
		print_problems("tjenesten kan ikke starte:", problems);
		goto done;
	}
	s->gen->id = s->next_gen = 1;
	for (int i = 0; i < s->nthreads; i++) {
		sv_worker *w = &s->workers[i];
		w->srv = s;
		w->index = i;
		w->ck = cks[i];
		w->epoch = 0;
		char dir[PATH_MAX + 32];
		snprintf(dir, sizeof dir, "%s/w%d", scratch_root, i);
		if (mkdir(dir, 0700) || !(w->scratch = kb_strdup(dir)) || kb_ctx_new(&w->ctx)) {
			fprintf(stderr, "klarbrev serve: kan ikke lave arbejdsmappen %s: %s\n", dir, strerror(errno));
			for (int j = i; j < s->nthreads; j++)
				if (j != i || !w->ck)
					kb_checker_free(cks[j]);
			free(cks);
			goto done;
		}
		kb_ctx_set_sync(w->ctx, 0); /* scratch files are read back at once and removed */
	}
	free(cks);
	/* a service is many connections: as many open files as the system allows this process */
	struct rlimit rl;
	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	/* the signals are taken by this thread alone (sigwait below), never by a worker */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	for (int i = 0; i < s->nthreads; i++) {
		if (pthread_create(&s->workers[i].th, NULL, worker_main, &s->workers[i])) {
			fprintf(stderr, "klarbrev serve: kan ikke starte arbejdstråde\n");
			goto stop;
		}
		started_workers++;
	}
	if (sv_http_start(s, listen, o.tls_cert, o.tls_key))
		goto stop;
	char shown[300];
	snprintf(shown, sizeof shown, "%.*s:%u", (int)(strrchr(listen, ':') - listen), listen, s->port);
	fprintf(stderr, "klarbrev serve: lytter på %s://%s (%d %s, %zu %s)\n", s->tls ? "https" : "http", shown,
	        s->nthreads, s->nthreads == 1 ? "tråd" : "tråde", s->gen->ntmpl,
	        s->gen->ntmpl == 1 ? "skabelon" : "skabeloner");
	if (s->gen->nweb)
		fprintf(stderr, "klarbrev serve: websiden: åbn %s://%s/ i en browser\n", s->tls ? "https" : "http", shown);
	{
		json_t *ids = json_array();
		for (size_t i = 0; i < s->gen->ntmpl; i++)
			json_array_append_new(ids, json_string(s->gen->tmpl[i]->id));
		sv_log(s, json_pack("{s:s, s:s, s:s, s:I, s:i, s:o, s:b, s:b, s:s}", "event", "start", "version",
		                    KB_VERSION, "listen", shown, "port", (json_int_t)s->port, "threads", s->nthreads,
		                    "templates", ids, "tokens", s->tokens_path != NULL, "tls", s->tls, "scheme",
		                    s->tls ? "https" : "http"));
	}
	notify("READY=1");
	for (;;) {
		int sig = 0;
		if (sigwait(&set, &sig))
			continue;
		if (sig == SIGHUP) {
			notify("RELOADING=1");
			/* the log file anew, for logrotate's move-and-HUP */
			if (o.log) {
				FILE *nf = fopen(o.log, "a");
				if (nf) {
					pthread_mutex_lock(&s->log_mu);
					fclose(s->log);
					s->log = nf;
					pthread_mutex_unlock(&s->log_mu);
				}
			}
			reload(s);
			notify("READY=1");
			continue;
		}
		break;
	}
	ret = KB_EXIT_OK;
	notify("STOPPING=1");
stop:
	/* stop: no new connections; the requests in flight finish and are answered (within the request time limit) */
	if (s->daemon) {
		pthread_mutex_lock(&s->mu);
		s->stopping = 1;
		pthread_mutex_unlock(&s->mu);
		MHD_socket fd = MHD_quiesce_daemon(s->daemon);
		if (fd != MHD_INVALID_SOCKET)
			close(fd);
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += (time_t)s->timeout_s + 5;
		pthread_mutex_lock(&s->mu);
		while (s->inflight > 0)
			if (pthread_cond_timedwait(&s->idle_cv, &s->mu, &until) == ETIMEDOUT)
				break;
		pthread_mutex_unlock(&s->mu);
	}
	pthread_mutex_lock(&s->mu);
	s->closing = 1;
	pthread_cond_broadcast(&s->work_cv);
	pthread_mutex_unlock(&s->mu);
	for (int i = 0; i < started_workers; i++)
		pthread_join(s->workers[i].th, NULL);
	sv_http_stop(s);
	if (s->gen)
		sv_log(s, json_pack("{s:s}", "event", "stop"));
done:
	if (s->workers)
		for (int i = 0; i < s->nthreads; i++) {
			kb_checker_free(s->workers[i].ck);
			kb_checker_free(s->pending[i]);
			kb_ctx_free(s->workers[i].ctx);
			free(s->workers[i].scratch);
		}
	free(s->workers);
	free(s->pending);
	if (s->gen) {
		pthread_mutex_lock(&s->mu);
		if (--s->gen->refs == 0)
			gen_free_locked(s->gen);
		pthread_mutex_unlock(&s->mu);
	}
	if (scratch_root[0])
		remove_tree(scratch_root);
	if (s->log && s->log != stderr)
		fclose(s->log);
	json_decref(problems);
	free(s->data_dir);
	free(s->templates_dir);
	free(s->web_dir);
	free(s->tokens_path);
	sv_sessions_free(s);
	return ret;
}
