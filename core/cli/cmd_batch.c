/*
 * cmd_batch.c -- klarbrev batch: one template, a stream of cases (JSON Lines or CSV), a checked letter for each.
 *
 * Threads: the main thread reads the cases one record at a time, numbers them in input order, names each letter
 * (--name, rendered here so that a duplicate name is found in input order) and puts it on a bounded queue. Worker
 * threads, each with its own kb_ctx, kb_checker (dictionary and Lua states) and compiled template, render, check
 * and write the letters as fill does. Each result goes into a reorder ring indexed by case number; whoever completes
 * the oldest missing case writes the report lines that are then in order. The ring is larger than every case that
 * can be in flight (the queue, and each worker's letter and PDF chunk), so no thread ever waits on it, and memory
 * does not grow with the number of cases -- except, with --name, the set of names given (about 21 bytes a case),
 * which finds two cases with the same name.
 *
 * One compiled template serves every worker: rendering copies its XML, and saving reads the template package's
 * bytes, its entry table (package.c's own, not libzip's) and its spare archives under the package's lock
 * (tests/unit/test_letter_save.c renders and saves from four threads at once).
 */
#include "cli.h"
#include "csv.h"
#include "encoding.h"
#include "export.h"
#include "findings.h"
#include "internal.h"
#include "letter.h"
#include "manifest.h"
#include "mustache.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *batch_help =
    "Brug: klarbrev batch SKABELON SAGER.csv|SAGER.jsonl|- -o MAPPE [--name \"{{sag.nummer}}.docx\"]\n"
    "                      [--report RAPPORT.jsonl] [--pdf] [--txt] [--draft] [--force] [--resume]\n"
    "                      [--jobs N] [--encoding TEGNSÆT] [--input-format jsonl|csv] [--quiet]\n"
    "\n"
    "Udfylder skabelonen én gang for hver sag i SAGER, tjekker hvert brev som klarbrev fill og gemmer brevene i\n"
    "MAPPE. Et brev, hvor tjekket finder fejl, gemmes ikke (som i fill); en sag med fejl stopper ikke de andre.\n"
    "Skabelonen, ordlisterne og plugins indlæses kun én gang, og sagerne læses én ad gangen, så selv meget store\n"
    "filer kan køres.\n"
    "\n"
    "  SKABELON              en skabelonmappe (letter.docx + manifest.json) eller en .docx-fil\n"
    "  SAGER                 sagerne: JSON Lines (.jsonl, .ndjson: én sag som JSON pr. linje) eller CSV (.csv:\n"
    "                        en overskriftsrække med feltnavne som modtager.navn, celler adskilt af ; eller ,\n"
    "                        som Excel gemmer dem); - læser fra standard-input og kræver --input-format\n"
    "  -o, --output MAPPE    hvor brevene gemmes (mappen laves, hvis den ikke findes)\n"
    "  --name SKABELON       filnavnet for hvert brev som en Mustache-skabelon over sagens felter, fx\n"
    "                        \"{{sag.nummer}}.docx\"; tegn som / \\ : * ? \" < > | bliver til _. Uden --name hedder\n"
    "                        brevene efter linjen i SAGER: brev-000042.docx. To sager med samme navn: den\n"
    "                        anden gemmes ikke (ugyldig); intet overskrives af en anden sag\n"
    "  --report FIL          én JSON-linje pr. sag i SAGERs rækkefølge: linje, filnavn, status (written, blocked,\n"
    "                        invalid, skipped), opsummering (fejl, advarsler, LIX) og fundene; - er standard-output\n"
    "  --pdf, --txt          gem også hvert brev som PDF/A-2b og som ren tekst ved siden af .docx-filen\n"
    "                        (samme navn, .pdf og .txt); PDF'erne laves af LibreOffice i bidder af flere breve\n"
    "  --draft               gem et udkast med fundene som Word-kommentarer (NAVN.udkast.docx), også når fejl\n"
    "                        forhindrer brevet i at blive gemt\n"
    "  --force               gem brevene, selv om tjekket har fundet fejl\n"
    "  --resume              spring sager over, hvis brev (og PDF og tekst, når de ønskes) allerede findes; kør\n"
    "                        samme kommando med --resume efter en afbrydelse for at lave resten\n"
    "  --jobs N              antal breve, der laves samtidig (standard: antal processorkerner)\n"
    "  --encoding TEGNSÆT    SAGERs tegnsæt, når det ikke er UTF-8: windows-1252 eller iso-8859-1\n"
    "  --input-format FORM   jsonl eller csv, når filtypen ikke siger det (fx for standard-input)\n"
    "  --quiet               vis ikke, hvor langt kørslen er\n"
    "  --no-spell, --data-dir MAPPE, --config FIL, --partials MAPPE, --delimiters \"{ }\"  som for fill\n"
    "\n"
    "I CSV er cellerne tekst; siger skabelonens manifest, at et felt er et beløb eller et tal, læses cellen som\n"
    "tal (12.345,50 eller 12345.50), og et ja/nej-felt som ja, nej, true, false, 1 eller 0. En tom celle er et\n"
    "felt, der mangler.\n"
    "\n"
    "Eksempel: sager gemt fra Excel som \"CSV (semikolonsepareret)\" (tegnsæt windows-1252), og JSON Lines:\n"
    "  klarbrev batch templates/afslag-kontanthjaelp sager.csv -o breve --encoding windows-1252 --report "
    "rapport.jsonl\n"
    "  klarbrev batch templates/afslag-kontanthjaelp sager.jsonl -o breve --name \"{{sag.nummer}}.docx\" --pdf\n"
    "Sådan begynder sager.csv (første række: feltnavnene; en celle med ; eller linjeskift står i anførselstegn):\n"
    "  sag.nummer;sag.dato;modtager.navn;modtager.adresse;...\n"
    "  2026-048127;2026-11-28;Mette Lund Kristiansen;\"Kastanjevej 14, 2. th.\n"
    "  4470 Søby\";...\n"
    "\n"
    "Ctrl-C stopper kørslen pænt: breve, der er i gang, gøres færdige, og rapporten slutter med en linje om,\n"
    "hvor langt kørslen nåede. Kør samme kommando igen med --resume for at lave resten.\n"
    "\n"
    "Afslutningskoder: 0 alle breve er gemt, 1 nogle sager blev ikke gemt (fejl i brevet eller ugyldig sag),\n"
    "2 kørslen kunne ikke starte (skabelon, opsætning, SAGER eller MAPPE), 130 afbrudt.\n";

enum { ST_WRITTEN, ST_BLOCKED, ST_INVALID, ST_SKIPPED, ST_COUNT };
static const char *const status_name[ST_COUNT] = {"written", "blocked", "invalid", "skipped"};

#define EXIT_INTERRUPTED 130
#define MAX_JOBS         256
#define PDF_CHUNK        20  /* letters per start of LibreOffice */
#define MAX_NAME_BYTES   200 /* a letter's file name, before .pdf/.udkast.docx */

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	if (interrupted) {
		/* a second Ctrl-C: stop now */
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	interrupted = 1;
}

/* ---- the set of names --name gave, in input order ----
 * The one thing in a batch that grows with the number of cases: a 64-bit hash of each name and its line (two names
 * with the same hash are taken for the same name; for a million names the chance is about 3 in 10^8). */

typedef struct name_entry {
	uint64_t hash; /* 0: empty slot */
	size_t line;
} name_entry;

typedef struct name_set {
	name_entry *e;
	size_t n, cap;
} name_set;

static uint64_t name_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h ? h : 1;
}

/* Adds name given on line; *first is the line that had it first (0: new). Returns 0 or KB_ENOMEM. */
static int name_set_add(name_set *s, const char *name, size_t line, size_t *first)
{
	*first = 0;
	if (4 * (s->n + 1) > 3 * s->cap) { /* at most three quarters full: 16 bytes a slot, about 21 a name */
		size_t cap = s->cap ? 2 * s->cap : 1024;
		name_entry *e = calloc(cap, sizeof *e);
		if (!e)
			return KB_ENOMEM;
		for (size_t i = 0; i < s->cap; i++) {
			if (!s->e[i].hash)
				continue;
			size_t k = (size_t)s->e[i].hash & (cap - 1);
			while (e[k].hash)
				k = (k + 1) & (cap - 1);
			e[k] = s->e[i];
		}
		free(s->e);
		s->e = e;
		s->cap = cap;
	}
	uint64_t h = name_hash(name);
	size_t k = (size_t)h & (s->cap - 1);
	while (s->e[k].hash) {
		if (s->e[k].hash == h) {
			*first = s->e[k].line;
			return KB_OK;
		}
		k = (k + 1) & (s->cap - 1);
	}
	s->e[k].hash = h;
	s->e[k].line = line;
	s->n++;
	return KB_OK;
}

/* ---- the batch ---- */

typedef struct job {
	size_t seq, line;
	char *name; /* the letter's file name, "x.docx" */
	kb_case *c;
	struct job *next;
} job;

typedef struct result {
	int filled, status;
	size_t line;
	char *json; /* the report line without its line end */
} result;

typedef struct batch {
	const cli_opts *o;
	const char *outdir;
	const char *cases_name; /* in messages: the file, or "standard-input" */
	char *data_dir;
	int want_pdf, want_txt, want_draft;

	pthread_mutex_t mu;
	pthread_cond_t can_push, can_pop, can_store, progress_cv;
	job *head, *tail;
	size_t queued, qcap;
	int closed;

	result *ring;
	size_t window, next; /* next: the case number whose report line is written next */
	FILE *report;
	int report_failed;
	size_t counts[ST_COUNT];
	size_t last_line; /* the line of the last case reported */

	size_t total; /* cases in the file, 0 when not known */
	int stop_progress;
	struct timespec t0;
} batch;

static void job_free(job *j)
{
	if (!j)
		return;
	free(j->name);
	kb_case_free(j->c);
	free(j);
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* A number with a decimal comma: "12,3". */
static const char *decimal(char *buf, size_t n, double v)
{
	snprintf(buf, n, "%.1f", v);
	char *dot = strchr(buf, '.');
	if (dot)
		*dot = ',';
	return buf;
}

/* Puts the result of case seq into the ring and writes every report line that is then in order. Takes r->json. */
static void store(batch *b, size_t seq, size_t line, int status, char *json)
{
	pthread_mutex_lock(&b->mu);
	while (seq >= b->next + b->window)
		pthread_cond_wait(&b->can_store, &b->mu);
	result *r = &b->ring[seq % b->window];
	r->filled = 1;
	r->line = line;
	r->status = status;
	r->json = json;
	int moved = 0;
	while (b->ring[b->next % b->window].filled) {
		result *w = &b->ring[b->next % b->window];
		if (b->report && !b->report_failed) {
			if (!w->json || fputs(w->json, b->report) < 0 || fputc('\n', b->report) < 0)
				b->report_failed = 1;
		}
		b->counts[w->status]++;
		b->last_line = w->line;
		free(w->json);
		memset(w, 0, sizeof *w);
		b->next++;
		moved = 1;
	}
	if (moved)
		pthread_cond_broadcast(&b->can_store);
	pthread_mutex_unlock(&b->mu);
}

/* ---- report lines ---- */

/* The report line for a case: line, output, status, then the problems (ctx's message and details, when problems is
 * set) or the findings of the check (fs). No timing: two runs of the same cases give the same lines. */
static char *report_line(size_t line, const char *name, int status, const kb_ctx *problems, const char *problem,
                         const kb_findings *fs, const kb_letter *l, const kb_metrics *m, const char *draft)
{
	json_t *o = json_object();
	int bad = !o;
	bad = bad || json_object_set_new(o, "line", json_integer((json_int_t)line));
	bad = bad || json_object_set_new(o, "output", name ? json_string(name) : json_null());
	bad = bad || json_object_set_new(o, "status", json_string(status_name[status]));
	if (!bad && fs) {
		json_t *rep = kb_report_json_value(fs, l ? kb_letter_text(l) : NULL, m);
		json_t *sum = rep ? json_object_get(rep, "summary") : NULL;
		bad = !rep || !sum;
		bad = bad || json_object_set_new(sum, "lix", json_real(m ? floor(m->lix * 10.0 + 0.5) / 10.0 : 0.0));
		bad = bad || json_object_set(o, "summary", sum);
		bad = bad || json_object_set(o, "metrics", json_object_get(rep, "metrics"));
		bad = bad || json_object_set(o, "findings", json_object_get(rep, "findings"));
		json_decref(rep);
	}
	if (!bad && draft)
		bad = json_object_set_new(o, "draft", json_string(draft));
	if (!bad && (problems || problem)) {
		json_t *arr = json_array();
		bad = !arr || json_object_set_new(o, "problems", arr);
		if (!bad && problem)
			bad = json_array_append_new(arr, json_string(problem));
		if (!bad && problems) {
			const char *msg = kb_ctx_errmsg(problems);
			bad = json_array_append_new(arr, json_string(msg && *msg ? msg : "ukendt fejl"));
			for (size_t i = 0; !bad && i < kb_ctx_detail_count(problems); i++)
				bad = json_array_append_new(arr, json_string(kb_ctx_detail(problems, i)));
		}
	}
	char *s = bad ? NULL : json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
	json_decref(o);
	return s;
}

/* ---- workers ---- */

typedef struct pending {
	job *j;
	kb_letter *l;
	kb_findings *fs;
	kb_metrics m;
	char *draft;
} pending;

typedef struct worker {
	batch *b;
	pthread_t th;
	int started;
	kb_ctx *ctx;
	kb_checker *ck;
	const kb_template *t; /* shared by every worker */
	kb_pdf_batch *pdf;
	pending pend[PDF_CHUNK];
	size_t npend;
} worker;

/* "<outdir>/<stem><suffix>" for the letter called name ("x.docx"). NULL when out of memory. */
static char *out_path(const batch *b, const char *name, const char *suffix)
{
	size_t stem = strlen(name) - 5; /* names end in ".docx" */
	kb_buf p;
	kb_buf_init(&p, 8192);
	if (kb_buf_adds(&p, b->outdir) || (p.len && p.data[p.len - 1] != '/' && kb_buf_addc(&p, '/')) ||
	    kb_buf_add(&p, name, stem) || kb_buf_adds(&p, suffix)) {
		kb_buf_free(&p);
		return NULL;
	}
	return kb_buf_detach(&p);
}

/* The name of the draft in the report: "x.udkast.docx". */
static char *draft_name(const char *name)
{
	size_t stem = strlen(name) - 5;
	kb_buf p;
	kb_buf_init(&p, 1024);
	if (kb_buf_add(&p, name, stem) || kb_buf_adds(&p, ".udkast.docx")) {
		kb_buf_free(&p);
		return NULL;
	}
	return kb_buf_detach(&p);
}

static void pending_clear(pending *p)
{
	job_free(p->j);
	kb_letter_free(p->l);
	kb_findings_free(p->fs);
	free(p->draft);
	memset(p, 0, sizeof *p);
}

/* Writes the text and then the letter (the .docx last: its presence tells --resume the case is done), and stores
 * the result. On failure nothing of the case is left but its draft. */
static void finish_written(worker *w, pending *p, const char *pdf_path)
{
	batch *b = w->b;
	kb_ctx *ctx = w->ctx;
	char *docx = out_path(b, p->j->name, ".docx");
	char *txt = b->want_txt ? out_path(b, p->j->name, ".txt") : NULL;
	int rc = KB_OK;
	if (!docx || (b->want_txt && !txt))
		rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
	if (!rc && txt)
		rc = kb_letter_save_text(p->l, ctx, txt);
	if (!rc)
		rc = kb_letter_save(p->l, ctx, docx);
	char *line;
	if (rc) {
		if (txt)
			unlink(txt);
		if (pdf_path)
			unlink(pdf_path);
		line = report_line(p->j->line, p->j->name, ST_INVALID, ctx, NULL, p->fs, p->l, &p->m, p->draft);
		store(b, p->j->seq, p->j->line, ST_INVALID, line);
	} else {
		line = report_line(p->j->line, p->j->name, ST_WRITTEN, NULL, NULL, p->fs, p->l, &p->m, p->draft);
		store(b, p->j->seq, p->j->line, ST_WRITTEN, line);
	}
	free(docx);
	free(txt);
	pending_clear(p);
}

/* Converts the worker's chunk of letters to PDF with one start of LibreOffice, then finishes each letter. */
static void flush_pdf(worker *w)
{
	if (!w->npend)
		return;
	batch *b = w->b;
	kb_ctx_clear(w->ctx);
	kb_pdf_batch_run(w->pdf, w->ctx, 0);
	for (size_t i = 0; i < w->npend; i++) {
		pending *p = &w->pend[i];
		const char *msg;
		char *pdf = out_path(b, p->j->name, ".pdf");
		int rc = kb_pdf_batch_result(w->pdf, i, &msg);
		if (rc || !pdf) {
			char *line = report_line(p->j->line, p->j->name, ST_INVALID, NULL,
			                         pdf ? msg : "ikke nok hukommelse", p->fs, p->l, &p->m, p->draft);
			store(b, p->j->seq, p->j->line, ST_INVALID, line);
			pending_clear(p);
		} else {
			finish_written(w, p, pdf);
		}
		free(pdf);
	}
	w->npend = 0;
	kb_pdf_batch_reset(w->pdf);
}

/* Fills, checks and writes one case as fill does. */
static void process(worker *w, job *j)
{
	batch *b = w->b;
	kb_ctx *ctx = w->ctx;
	pending p = {.j = j};
	char *line = NULL;
	int status = ST_INVALID;
	kb_ctx_clear(ctx);
	int rc = kb_template_render(&p.l, ctx, w->t, j->c);
	if (!rc && kb_findings_new(&p.fs))
		rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
	if (!rc)
		rc = kb_checker_run(w->ck, ctx, p.l, p.fs, &p.m);
	if (rc) {
		line = report_line(j->line, j->name, ST_INVALID, ctx, NULL, NULL, NULL, NULL, NULL);
		goto stored;
	}
	/* the draft shows the findings, so it is written whatever they are */
	if (b->want_draft) {
		char *path = out_path(b, j->name, ".udkast.docx");
		p.draft = draft_name(j->name);
		rc = path && p.draft ? cli_save_draft(p.l, ctx, path, p.fs)
		                     : kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
		free(path);
		if (rc) {
			free(p.draft);
			p.draft = NULL;
			line = report_line(j->line, j->name, ST_INVALID, ctx, NULL, p.fs, p.l, &p.m, NULL);
			goto stored;
		}
	}
	if (kb_findings_count_level(p.fs, KB_LEVEL_ERROR) && !b->o->force) {
		status = ST_BLOCKED;
		line = report_line(j->line, j->name, ST_BLOCKED, NULL, NULL, p.fs, p.l, &p.m, p.draft);
		goto stored;
	}
	if (b->want_pdf) {
		char *pdf = out_path(b, j->name, ".pdf");
		rc = pdf ? kb_pdf_batch_add(w->pdf, ctx, p.l, pdf) : kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
		free(pdf);
		if (rc) {
			line = report_line(j->line, j->name, ST_INVALID, ctx, NULL, p.fs, p.l, &p.m, p.draft);
			goto stored;
		}
		w->pend[w->npend++] = p;
		if (w->npend == PDF_CHUNK)
			flush_pdf(w);
		return;
	}
	finish_written(w, &p, NULL);
	return;
stored:
	store(b, j->seq, j->line, status, line);
	pending_clear(&p);
}

/* The next case, or NULL: at the end (*end set), or when the queue is empty and the worker holds a PDF chunk that it
 * should convert now rather than wait (the cases after it may be a long time coming). */
static job *pop(worker *w, int *end)
{
	batch *b = w->b;
	*end = 0;
	pthread_mutex_lock(&b->mu);
	while (!b->head && !b->closed && !w->npend)
		pthread_cond_wait(&b->can_pop, &b->mu);
	job *j = b->head;
	if (j) {
		b->head = j->next;
		if (!b->head)
			b->tail = NULL;
		b->queued--;
		pthread_cond_signal(&b->can_push);
	} else if (b->closed) {
		*end = 1;
	}
	pthread_mutex_unlock(&b->mu);
	return j;
}

static void *worker_main(void *arg)
{
	worker *w = arg;
	for (;;) {
		int end;
		job *j = pop(w, &end);
		if (j)
			process(w, j);
		else if (w->npend)
			flush_pdf(w);
		else if (end)
			break;
	}
	return NULL;
}

static void push(batch *b, job *j)
{
	pthread_mutex_lock(&b->mu);
	while (b->queued >= b->qcap)
		pthread_cond_wait(&b->can_push, &b->mu);
	if (b->tail)
		b->tail->next = j;
	else
		b->head = j;
	b->tail = j;
	b->queued++;
	pthread_cond_signal(&b->can_pop);
	pthread_mutex_unlock(&b->mu);
}

/* ---- progress ---- */

/* Counts the cases of a regular file without parsing them: lines with something on them (JSON Lines), or line ends
 * outside quotes less the header (CSV). 0 when unknown. */
static size_t count_cases(const char *path, int csv)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return 0;
	static char buf[1 << 16];
	size_t n, records = 0;
	int quoted = 0, content = 0;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
		for (size_t i = 0; i < n; i++) {
			char c = buf[i];
			if (csv && c == '"')
				quoted = !quoted;
			if (c == '\n' && !quoted) {
				records += content;
				content = 0;
			} else if (c != ' ' && c != '\t' && c != '\r') {
				content = 1;
			}
		}
	}
	records += content;
	fclose(f);
	return csv && records ? records - 1 : records;
}

typedef struct progress {
	batch *b;
	const char *cases_path; /* NULL: standard input */
	int csv, tty;
	pthread_t th;
} progress;

static void show_progress(batch *b, int tty, int last)
{
	size_t done = 0, skipped = b->counts[ST_SKIPPED];
	for (int i = 0; i < ST_COUNT; i++)
		done += b->counts[i];
	size_t made = done - skipped;
	double secs = seconds_since(&b->t0);
	double rate = secs > 0.05 ? (double)made / secs : 0.0;
	char r[32], line[256];
	decimal(r, sizeof r, rate);
	if (b->total && b->total >= done) {
		size_t left = b->total - done;
		long eta = rate > 0.0 ? (long)((double)left / rate + 0.5) : -1;
		char etas[48] = "";
		if (eta >= 0)
			snprintf(etas, sizeof etas, " · ca. %ld:%02ld tilbage", eta / 60, eta % 60);
		if (tty) {
			int width = 24, fill = (int)((double)width * (double)done / (double)b->total);
			char bar[32];
			for (int i = 0; i < width; i++)
				bar[i] = i < fill ? '#' : '.';
			bar[width] = '\0';
			snprintf(line, sizeof line, "[%s] %zu/%zu · %s breve/s%s", bar, done, b->total, r, etas);
		} else {
			snprintf(line, sizeof line, "klarbrev batch: %zu af %zu sager · %s breve/s%s", done, b->total,
			         r, etas);
		}
	} else {
		snprintf(line, sizeof line, "%s%zu sager · %s breve/s", tty ? "" : "klarbrev batch: ", done, r);
	}
	if (tty)
		fprintf(stderr, "\r%s\033[K%s", line, last ? "\n" : "");
	else
		fprintf(stderr, "%s\n", line);
}

static void *progress_main(void *arg)
{
	progress *p = arg;
	batch *b = p->b;
	size_t total = p->cases_path ? count_cases(p->cases_path, p->csv) : 0;
	pthread_mutex_lock(&b->mu);
	b->total = total;
	long step_ms = p->tty ? 250 : 5000;
	while (!b->stop_progress) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += step_ms / 1000;
		until.tv_nsec += (step_ms % 1000) * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		int w = pthread_cond_timedwait(&b->progress_cv, &b->mu, &until);
		if (b->stop_progress)
			break;
		if (w == ETIMEDOUT)
			show_progress(b, p->tty, 0);
	}
	if (p->tty)
		show_progress(b, 1, 1);
	pthread_mutex_unlock(&b->mu);
	return NULL;
}

/* ---- reading and naming the cases ---- */

static int has_ext(const char *path, const char *ext)
{
	size_t n = strlen(path), m = strlen(ext);
	return n > m && !strcasecmp(path + n - m, ext);
}

/* Makes a rendered name a safe file name in place: / \ : * ? " < > | and control characters become _, and so do
 * dots at the start (no hidden files, no ".."). */
static void sanitize_name(char *s)
{
	for (char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c < 0x20 || c == 0x7F || strchr("/\\:*?\"<>|", c))
			*p = '_';
	}
	for (char *p = s; *p == '.'; p++)
		*p = '_';
}

/* The file name of the case on line from --name (m; NULL: brev-<line>.docx), made safe, ending in .docx. *out is
 * malloc'd; on failure ctx says why (a case problem). */
static int letter_name(char **out, kb_ctx *ctx, const kb_mustache *m, const json_t *root, size_t line,
                       const char *where)
{
	*out = NULL;
	char *s = NULL;
	size_t len = 0;
	if (!m) {
		char buf[64];
		snprintf(buf, sizeof buf, "brev-%06zu.docx", line);
		s = kb_strdup(buf);
		if (!s)
			return kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
		*out = s;
		return KB_OK;
	}
	int rc = kb_mustache_render(&s, &len, ctx, m, root);
	if (rc)
		return rc;
	/* white space around the name goes; a NUL from the data would cut it, so it is a _ like other control bytes */
	for (size_t i = 0; i < len; i++)
		if (!s[i])
			s[i] = '_';
	size_t a = 0;
	while (a < len && (s[a] == ' ' || s[a] == '\t'))
		a++;
	while (len > a && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	memmove(s, s + a, len - a);
	len -= a;
	s[len] = '\0';
	sanitize_name(s);
	if (len == 0 || (len == 5 && has_ext(s, ".docx")) || !strcmp(s, ".docx")) {
		free(s);
		return kb_ctx_fail(ctx, KB_EINPUT,
		                   "%s: --name gav et tomt filnavn; har sagen de felter, som --name bruger?", where);
	}
	if (len > MAX_NAME_BYTES) {
		free(s);
		return kb_ctx_fail(ctx, KB_EINPUT, "%s: filnavnet fra --name er længere end %d byte", where,
		                   MAX_NAME_BYTES);
	}
	if (!has_ext(s, ".docx") || strcmp(s + len - 5, ".docx")) {
		kb_buf b;
		kb_buf_init(&b, MAX_NAME_BYTES + 16);
		/* "X.DOCX" keeps its letters and gets the .docx the other names are made from */
		if (kb_buf_adds(&b, s) || kb_buf_adds(&b, ".docx")) {
			free(s);
			kb_buf_free(&b);
			return kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
		}
		free(s);
		s = kb_buf_detach(&b);
	}
	*out = s;
	return KB_OK;
}

/* 1 when every file the case would give exists (--resume). */
static int outputs_exist(const batch *b, const char *name)
{
	const char *suffixes[3] = {".docx", b->want_pdf ? ".pdf" : NULL, b->want_txt ? ".txt" : NULL};
	for (int i = 0; i < 3; i++) {
		if (!suffixes[i])
			continue;
		char *p = out_path(b, name, suffixes[i]);
		struct stat st;
		int ok = p && stat(p, &st) == 0 && S_ISREG(st.st_mode);
		free(p);
		if (!ok)
			return 0;
	}
	return 1;
}

typedef struct reader {
	batch *b;
	kb_records rec;
	kb_buf raw;
	int csv;
	char sep;
	kb_csv_row header;
	const json_t *manifest;
	const kb_mustache *name_tpl;
	name_set names;
	size_t seq;
	kb_ctx *ctx;
} reader;

/* Turns one record into a case and its name; on a case problem stores an invalid result and returns 0. */
static int read_case(reader *r, const char *raw, size_t rawlen, size_t line, job **out)
{
	batch *b = r->b;
	kb_ctx *ctx = r->ctx;
	*out = NULL;
	char where[512];
	snprintf(where, sizeof where, "%s, linje %zu", b->cases_name, line);
	char *utf8 = NULL;
	size_t len = 0;
	json_t *root = NULL;
	kb_case *c = NULL;
	char *name = NULL;
	kb_csv_row row = {0};
	kb_ctx_clear(ctx);
	int rc = kb_encoding_to_utf8(&utf8, &len, ctx, raw, rawlen, b->o->encoding, where, KB_MAX_RECORD_BYTES);
	if (!rc && kb_encoding_is_utf8(b->o->encoding))
		rc = kb_encoding_check_utf8(ctx, utf8, len, where, "sagerne");
	if (rc)
		goto bad;
	if (r->csv) {
		if (!(rc = kb_csv_split(&row, ctx, utf8, len, r->sep, where)))
			rc = kb_csv_row_case(&root, ctx, &r->header, &row, r->manifest, where);
	} else {
		json_error_t err;
		root = json_loadb(utf8, len, JSON_REJECT_DUPLICATES, &err);
		if (!root) {
			char why[512];
			kb_json_error_text(why, sizeof why, &err);
			rc = kb_ctx_fail(ctx, KB_EINPUT, "%s, kolonne %d: sagen er ikke gyldig JSON: %s", where,
			                 err.column, why);
		}
	}
	if (rc)
		goto bad;
	json_incref(root); /* kb_case_from_json takes a reference; root is still used for the name below */
	rc = kb_case_from_json(&c, ctx, root, where);
	if (rc)
		goto bad;
	if ((rc = letter_name(&name, ctx, r->name_tpl, root, line, where)))
		goto bad;
	size_t first = 0;
	/* without --name each letter is named by its line, so no two can clash, and no set grows with the cases */
	if (r->name_tpl && name_set_add(&r->names, name, line, &first)) {
		rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
		goto bad;
	}
	if (first) {
		rc = kb_ctx_fail(
		    ctx, KB_EINPUT,
		    "%s: filnavnet %s har sagen på linje %zu allerede; intet er gemt for denne sag. Giv sagerne "
		    "forskellige navne med --name",
		    where, name, first);
		goto bad;
	}
	if (b->o->resume && outputs_exist(b, name)) {
		store(b, r->seq++, line, ST_SKIPPED,
		      report_line(line, name, ST_SKIPPED, NULL, NULL, NULL, NULL, NULL, NULL));
		goto done;
	}
	job *j = calloc(1, sizeof *j);
	if (!j) {
		rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
		goto bad;
	}
	j->seq = r->seq++;
	j->line = line;
	j->name = name;
	j->c = c;
	name = NULL;
	c = NULL;
	*out = j;
	goto done;
bad:
	store(b, r->seq++, line, ST_INVALID, report_line(line, name, ST_INVALID, ctx, NULL, NULL, NULL, NULL, NULL));
done:
	kb_csv_row_free(&row);
	json_decref(root);
	kb_case_free(c);
	free(name);
	free(utf8);
	return 0;
}

/* 1 when the record holds nothing but white space (a blank line is no case). */
static int blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return 0;
	return 1;
}

/* Reads and splits the CSV header. Returns 0, 1 when the input is empty, or KB_EXIT_BAD after printing why. */
static int read_header(reader *r)
{
	size_t line;
	kb_ctx *ctx = r->ctx;
	int rc;
	do
		rc = kb_records_next(&r->rec, &r->raw, &line);
	while (rc == 1 && blank(r->raw.data, r->raw.len));
	if (rc == 0)
		return 1;
	char where[512];
	snprintf(where, sizeof where, "%s, linje %zu (overskriften)", r->b->cases_name, line);
	char *utf8 = NULL;
	size_t len = 0;
	if (rc == KB_EIO) {
		fprintf(stderr, "klarbrev batch: %s kan ikke læses: %s\n", r->b->cases_name,
		        kb_errno_text(r->rec.read_error));
		return KB_EXIT_BAD;
	}
	if (rc < 0) {
		fprintf(stderr,
		        "klarbrev batch: %s: overskriften kan ikke læses (for lang, eller et anførselstegn lukkes "
		        "aldrig)\n",
		        where);
		return KB_EXIT_BAD;
	}
	rc = kb_encoding_to_utf8(&utf8, &len, ctx, r->raw.data, r->raw.len, r->b->o->encoding, where,
	                         KB_MAX_RECORD_BYTES);
	if (!rc && kb_encoding_is_utf8(r->b->o->encoding))
		rc = kb_encoding_check_utf8(ctx, utf8, len, where, "sagerne");
	if (!rc) {
		r->sep = kb_csv_detect_separator(utf8, len);
		rc = kb_csv_split(&r->header, ctx, utf8, len, r->sep, where);
	}
	if (!rc) {
		/* white space around a header name is Excel's, not the field's */
		for (size_t i = 0; i < r->header.n; i++) {
			char *h = r->header.cells[i];
			while (*h == ' ')
				h++;
			size_t n = strlen(h);
			while (n && h[n - 1] == ' ')
				h[--n] = '\0';
			r->header.cells[i] = h;
		}
		rc = kb_csv_check_header(ctx, &r->header, where);
	}
	free(utf8);
	return rc ? cli_fail(ctx, rc) : 0;
}

/* ---- the command ---- */

static int parse_jobs(int *out, const char *s)
{
	if (!s) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		*out = n < 1 ? 1 : n > MAX_JOBS ? MAX_JOBS : (int)n;
		return 0;
	}
	char *end = NULL;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || !end || *end || v < 1 || v > MAX_JOBS)
		return cli_usage_error("batch", "--jobs skal være et helt tal fra 1 til %d, ikke \"%s\"", MAX_JOBS, s);
	*out = (int)v;
	return 0;
}

/* Makes the output folder when it does not exist (not its parents) and checks that it can be written. */
static int check_outdir(const char *dir)
{
	struct stat st;
	if (stat(dir, &st) != 0) {
		if (errno != ENOENT || mkdir(dir, 0777) != 0) {
			fprintf(stderr,
			        "klarbrev batch: mappen %s findes ikke og kan ikke laves: %s; opret den, eller vælg en "
			        "anden med -o\n",
			        dir, kb_errno_text(errno));
			return KB_EXIT_BAD;
		}
		return 0;
	}
	if (!S_ISDIR(st.st_mode)) {
		fprintf(stderr, "klarbrev batch: %s er ikke en mappe; -o skal pege på den mappe, brevene gemmes i\n",
		        dir);
		return KB_EXIT_BAD;
	}
	if (access(dir, W_OK | X_OK) != 0) {
		fprintf(stderr, "klarbrev batch: der kan ikke skrives i mappen %s: %s\n", dir, kb_errno_text(errno));
		return KB_EXIT_BAD;
	}
	return 0;
}

static void worker_free(worker *w)
{
	for (size_t i = 0; i < w->npend; i++)
		pending_clear(&w->pend[i]);
	kb_pdf_batch_free(w->pdf);
	cli_checker_done(w->ck);
	kb_ctx_free(w->ctx);
}

int cmd_batch(int argc, char **argv)
{
	cli_opts o;
	int ret = cli_parse_flags(&o, argc, argv, 2, "batch",
	                          "o name report jobs input-format resume quiet force data-dir delimiters no-spell "
	                          "no-plugins encoding config draft pdf txt partials ",
	                          "pdf txt draft ");
	if (ret)
		return ret;
	if (o.help) {
		fputs(batch_help, stdout);
		return KB_EXIT_OK;
	}
	if (o.npositional != 2)
		return cli_usage_error("batch",
		                       "angiv en skabelon og en fil med sager: klarbrev batch SKABELON SAGER.csv -o "
		                       "MAPPE");
	if (!o.output || !*o.output)
		return cli_usage_error("batch", "angiv mappen, brevene skal gemmes i: -o MAPPE");
	const char *cases = o.positional[1];
	int from_stdin = !strcmp(cases, "-");
	int csv;
	if (o.input_format) {
		if (!strcmp(o.input_format, "csv"))
			csv = 1;
		else if (!strcmp(o.input_format, "jsonl"))
			csv = 0;
		else
			return cli_usage_error("batch", "--input-format skal være jsonl eller csv, ikke \"%s\"",
			                       o.input_format);
	} else if (from_stdin) {
		return cli_usage_error("batch", "sager fra standard-input kræver --input-format jsonl eller csv");
	} else if (has_ext(cases, ".csv")) {
		csv = 1;
	} else if (has_ext(cases, ".jsonl") || has_ext(cases, ".ndjson")) {
		csv = 0;
	} else {
		return cli_usage_error("batch",
		                       "%s: filtypen siger ikke, om sagerne er CSV eller JSON Lines; brug .csv, "
		                       ".jsonl eller .ndjson, eller angiv --input-format csv|jsonl",
		                       cases);
	}
	int jobs = 1;
	if ((ret = parse_jobs(&jobs, o.jobs)))
		return ret;

	batch b;
	memset(&b, 0, sizeof b);
	b.o = &o;
	b.outdir = o.output;
	b.cases_name = from_stdin ? "standard-input" : cases;
	b.want_pdf = o.pdf != NULL;
	b.want_txt = o.txt != NULL;
	b.want_draft = o.draft != NULL;
	pthread_mutex_init(&b.mu, NULL);
	pthread_cond_init(&b.can_push, NULL);
	pthread_cond_init(&b.can_pop, NULL);
	pthread_cond_init(&b.can_store, NULL);
	pthread_cond_init(&b.progress_cv, NULL);

	kb_ctx *ctx = NULL;
	kb_template *t = NULL;
	char **partials = NULL;
	kb_mustache *name_tpl = NULL;
	FILE *in = NULL;
	worker *ws = NULL;
	reader r;
	memset(&r, 0, sizeof r);
	kb_buf_init(&r.raw, KB_MAX_RECORD_BYTES);
	progress pr = {.b = &b, .csv = csv, .tty = isatty(2)};
	int progress_started = 0, read_failed = 0, read_errno = 0;
	ret = KB_EXIT_BAD;

	if (kb_ctx_new(&ctx)) {
		fprintf(stderr, "klarbrev: ikke nok hukommelse\n");
		goto done;
	}
	/* everything that can stop the batch is tried before the first case: encoding, template, --name, cases,
	 * folder, report, checkers */
	if (!kb_encoding_is_utf8(o.encoding)) {
		char *probe = NULL;
		int rc = kb_encoding_to_utf8(&probe, NULL, ctx, "", 0, o.encoding, "--encoding", 16);
		free(probe);
		if (rc) {
			cli_fail(ctx, rc);
			goto done;
		}
	}
	if (!(b.data_dir = cli_data_dir(&o)))
		goto done;
	if ((ret = cli_template_open(&t, &partials, &o, "batch", o.positional[0], b.data_dir)))
		goto done;
	ret = KB_EXIT_BAD;
	if (o.name) {
		kb_mustache_options mo = {.no_escape = 1, .max_output = 4096};
		int rc = kb_mustache_compile(&name_tpl, ctx, o.name, strlen(o.name), "--name", &mo);
		if (rc) {
			cli_fail(ctx, rc);
			goto done;
		}
	}
	if (from_stdin) {
		in = stdin;
	} else {
		struct stat st;
		if (stat(cases, &st) == 0 && S_ISDIR(st.st_mode)) {
			fprintf(stderr, "klarbrev batch: %s er en mappe; angiv filen med sagerne\n", cases);
			goto done;
		}
		if (!(in = fopen(cases, "rb"))) {
			fprintf(stderr, "klarbrev batch: %s kan ikke læses: %s\n", cases, kb_errno_text(errno));
			goto done;
		}
		pr.cases_path = S_ISREG(st.st_mode) ? cases : NULL;
	}
	if (check_outdir(b.outdir))
		goto done;
	if (o.report) {
		if (!strcmp(o.report, "-")) {
			b.report = stdout;
		} else if (!(b.report = fopen(o.report, o.resume ? "a" : "w"))) { /* a resumed run adds to the report */
			fprintf(stderr, "klarbrev batch: rapporten %s kan ikke skrives: %s\n", o.report,
			        kb_errno_text(errno));
			goto done;
		}
	}
	if (b.want_pdf) {
		/* LibreOffice is looked for now, not after the first chunk */
		kb_pdf_batch *probe = NULL;
		int rc = kb_pdf_batch_new(&probe, ctx, NULL, b.outdir);
		kb_pdf_batch_free(probe);
		if (rc) {
			cli_fail(ctx, rc);
			goto done;
		}
	}
	r.b = &b;
	r.csv = csv;
	r.ctx = ctx;
	r.manifest = kb_template_manifest(t);
	r.name_tpl = name_tpl;
	kb_records_init(&r.rec, in, csv);
	if (csv) {
		int h = read_header(&r);
		if (h > 1 || h < 0) {
			ret = h;
			goto done;
		}
		if (h == 1)
			csv = -1; /* empty: no cases */
	}
	if (r.rec.bom && !kb_encoding_is_utf8(o.encoding)) {
		fprintf(stderr,
		        "klarbrev batch: %s begynder med et UTF-8-mærke (BOM), så den er UTF-8, ikke %s; udelad "
		        "--encoding\n",
		        b.cases_name, o.encoding);
		goto done;
	}

	/* the workers: each its own ctx, checker and template, made here so that a bad config stops the batch */
	if (!(ws = calloc((size_t)jobs, sizeof *ws))) {
		fprintf(stderr, "klarbrev: ikke nok hukommelse\n");
		goto done;
	}
	kb_checker_options co;
	cli_checker_options(&co, &o, b.data_dir);
	for (int i = 0; i < jobs; i++) {
		worker *w = &ws[i];
		w->b = &b;
		if (kb_ctx_new(&w->ctx)) {
			fprintf(stderr, "klarbrev: ikke nok hukommelse\n");
			goto done;
		}
		kb_ctx_set_sync(w->ctx, 0);
		int rc = kb_checker_new(&w->ck, w->ctx, &co);
		if (!rc && b.want_pdf)
			rc = kb_pdf_batch_new(&w->pdf, w->ctx, NULL, b.outdir);
		if (rc) {
			ret = cli_fail(w->ctx, rc);
			goto done;
		}
		w->t = t; /* one compiled template for every worker: rendering and saving only read it (package.c) */
	}
	b.qcap = 2 * (size_t)jobs + 2;
	/* every case between the oldest unreported one and the newest read is in the queue, in a worker (its letter and
	 * its PDF chunk) or in the ring, so a ring this large never makes anyone wait */
	b.window = b.qcap + (size_t)jobs * ((b.want_pdf ? PDF_CHUNK : 0) + 2) + 4;
	if (!(b.ring = calloc(b.window, sizeof *b.ring))) {
		fprintf(stderr, "klarbrev: ikke nok hukommelse\n");
		goto done;
	}

	/* Ctrl-C and SIGTERM stop the reading; only this thread takes them, so that a read of standard input is
	 * interrupted */
	sigset_t stop, old;
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	pthread_sigmask(SIG_BLOCK, &stop, &old);
	clock_gettime(CLOCK_MONOTONIC, &b.t0);
	for (int i = 0; i < jobs; i++) {
		if (pthread_create(&ws[i].th, NULL, worker_main, &ws[i]) != 0) {
			fprintf(stderr, "klarbrev batch: tråd %d kan ikke startes\n", i + 1);
			break;
		}
		ws[i].started = 1;
	}
	if (!o.quiet && pthread_create(&pr.th, NULL, progress_main, &pr) == 0)
		progress_started = 1;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	int any_worker = ws[0].started;

	while (csv >= 0 && any_worker && !interrupted) {
		size_t line;
		int rc = kb_records_next(&r.rec, &r.raw, &line);
		if (rc == 0)
			break;
		if (rc == KB_EIO) {
			if (interrupted)
				break;
			read_failed = 1;
			read_errno = r.rec.read_error;
			break;
		}
		if (rc == 1 && blank(r.raw.data, r.raw.len))
			continue;
		if (rc == KB_ELIMIT || rc == KB_EINPUT) {
			kb_ctx_clear(ctx);
			if (rc == KB_ELIMIT)
				kb_ctx_fail(ctx, KB_ELIMIT,
				            "%s, linje %zu: sagen er længere end %u byte; er det den rigtige fil?",
				            b.cases_name, line, KB_MAX_RECORD_BYTES);
			else
				kb_ctx_fail(
				    ctx, KB_EINPUT,
				    "%s, linje %zu: et anførselstegn åbner en celle, men lukker den aldrig før filens "
				    "slutning; tilføj det afsluttende \"",
				    b.cases_name, line);
			store(&b, r.seq++, line, ST_INVALID,
			      report_line(line, NULL, ST_INVALID, ctx, NULL, NULL, NULL, NULL, NULL));
			continue;
		}
		job *j = NULL;
		read_case(&r, r.raw.data, r.raw.len, line, &j);
		if (j)
			push(&b, j);
	}
	pthread_mutex_lock(&b.mu);
	b.closed = 1;
	pthread_cond_broadcast(&b.can_pop);
	pthread_mutex_unlock(&b.mu);
	for (int i = 0; i < jobs; i++)
		if (ws[i].started)
			pthread_join(ws[i].th, NULL);
	if (progress_started) {
		pthread_mutex_lock(&b.mu);
		b.stop_progress = 1;
		pthread_cond_broadcast(&b.progress_cv);
		pthread_mutex_unlock(&b.mu);
		pthread_join(pr.th, NULL);
		progress_started = 0;
	}

	size_t reported = b.next;
	size_t made = b.counts[ST_WRITTEN] + b.counts[ST_BLOCKED] + b.counts[ST_INVALID];
	double secs = seconds_since(&b.t0);
	if (interrupted && b.report && !b.report_failed) {
		/* the last line says how far the batch got */
		json_t *last =
		    json_pack("{s:b, s:I, s:I, s:s}", "interrupted", 1, "cases", (json_int_t)reported, "last_line",
		              (json_int_t)b.last_line, "message",
		              "kørslen blev afbrudt; kør samme kommando igen med --resume for at lave resten");
		char *s = last ? json_dumps(last, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
		if (!s || fputs(s, b.report) < 0 || fputc('\n', b.report) < 0)
			b.report_failed = 1;
		free(s);
		json_decref(last);
	}
	if (b.report && b.report != stdout) {
		if (fclose(b.report) != 0)
			b.report_failed = 1;
	} else if (b.report && fflush(b.report) != 0) {
		b.report_failed = 1;
	}
	b.report = NULL;
	int sync_rc = kb_sync_folder(ctx, b.outdir);
	if (sync_rc)
		cli_fail(ctx, sync_rc);
	if (b.report_failed)
		fprintf(stderr, "klarbrev batch: rapporten %s kunne ikke skrives helt\n", o.report);
	if (read_failed)
		fprintf(stderr,
		        "klarbrev batch: %s kunne ikke læses færdig: %s; rapporten slutter ved den sidste sag, der "
		        "blev læst\n",
		        b.cases_name, kb_errno_text(read_errno));
	char rate[32];
	decimal(rate, sizeof rate, secs > 0.001 ? (double)made / secs : 0.0);
	fprintf(stderr,
	        "klarbrev batch: %s: %zu skrevet, %zu blokeret (fejl i brevet), %zu ugyldige, %zu sprunget over "
	        "· %s breve/s\n",
	        interrupted ? "afbrudt"
	        : sync_rc   ? "ikke gemt på disken"
	                    : "færdig",
	        b.counts[ST_WRITTEN], b.counts[ST_BLOCKED], b.counts[ST_INVALID], b.counts[ST_SKIPPED], rate);
	if (interrupted) {
		fprintf(stderr,
		        "klarbrev batch: %zu sager til og med linje %zu af %s nåede at blive behandlet; kør samme "
		        "kommando igen med --resume for at lave resten\n",
		        reported, b.last_line, b.cases_name);
		ret = EXIT_INTERRUPTED;
	} else if (read_failed || sync_rc || b.report_failed || !any_worker) {
		ret = KB_EXIT_BAD;
	} else {
		ret = b.counts[ST_BLOCKED] || b.counts[ST_INVALID] ? KB_EXIT_BLOCKED : KB_EXIT_OK;
	}
done:
	if (b.report && b.report != stdout)
		fclose(b.report);
	for (int i = 0; ws && i < jobs; i++)
		if (ws[i].b)
			worker_free(&ws[i]);
	free(ws);
	for (size_t i = 0; b.ring && i < b.window; i++)
		free(b.ring[i].json);
	free(b.ring);
	while (b.head) {
		job *j = b.head;
		b.head = j->next;
		job_free(j);
	}
	if (in && in != stdin)
		fclose(in);
	kb_buf_free(&r.raw);
	kb_csv_row_free(&r.header);
	free(r.names.e);
	kb_mustache_free(name_tpl);
	kb_template_free(t);
	cli_strv_free(partials);
	free(b.data_dir);
	kb_ctx_free(ctx);
	pthread_mutex_destroy(&b.mu);
	pthread_cond_destroy(&b.can_push);
	pthread_cond_destroy(&b.can_pop);
	pthread_cond_destroy(&b.can_store);
	pthread_cond_destroy(&b.progress_cv);
	return ret;
}
