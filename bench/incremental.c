/*
 * bench/incremental.c -- what checking costs per letter in a batch: one compiled template (the sample
 * afslag-kontanthjaelp), one checker with every bundled check, N letters rendered from its example case with
 * varying values (name, case number, the free-text reasons), each checked. Prints the CPU time per letter for
 * rendering and for checking, with the paragraph memo on and with full_check (the memo off), and letters per
 * CPU-second. One process; CPU time (CLOCK_PROCESS_CPUTIME_ID), so a busy machine changes the numbers little.
 *
 *   cd build && ./bench_incremental [N] [data_dir]   # N defaults to 500; data_dir to share/klarbrev
 */
#include "klarbrev.h"
#include "checker.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *const names[] = { "Mette Lund Kristiansen", "Ali Hassan", "Birgitte Sørensen", "Jens Ole Madsen",
	                             "Fatima Yilmaz" };
static const char *const facts[] = {
	"Du har oplyst, at du bor alene. Du har %d kr. på en opsparingskonto. Du kan hæve pengene med det samme.",
	"Du har %d kr. i friværdi i dit hus. Du kan låne i huset, og du skal derfor bruge pengene først.",
	"Din ægtefælle tjener %d kr. om måneden. Det er mere, end I begge kan få i kontanthjælp.",
};

/* The example case with letter i's values, as JSON text (caller frees). */
static char *case_text(const char *example, int i)
{
	json_error_t err;
	json_t *c = json_loads(example, 0, &err);
	if (!c)
		return NULL;
	char buf[512];
	json_t *m = json_object_get(c, "modtager"), *s = json_object_get(c, "sag"), *b = json_object_get(c, "begrundelse");
	json_object_set_new(m, "navn", json_string(names[i % 5]));
	snprintf(buf, sizeof buf, "2026-%06d", 40000 + i);
	json_object_set_new(s, "nummer", json_string(buf));
	snprintf(buf, sizeof buf, facts[i % 3], 10000 + 137 * i);
	json_object_set_new(b, "fakta", json_string(buf));
	char *out = json_dumps(c, 0);
	json_decref(c);
	return out;
}

static int run(const char *data_dir, const char *tpl_dir, const char *example, int n, int full, double *render_s,
               double *check_s, size_t *nfind, size_t *hits, size_t *misses)
{
	kb_ctx *ctx = NULL;
	kb_template *t = NULL;
	kb_checker *ck = NULL;
	int rc = kb_ctx_new(&ctx);
	char partials[4096];
	snprintf(partials, sizeof partials, "%s/templates/partials", data_dir);
	kb_template_options to = { 0 };
	to.partials_dir = partials;
	if (!rc)
		rc = kb_template_compile(&t, ctx, tpl_dir, &to);
	kb_checker_options co = { 0 };
	co.data_dir = data_dir;
	co.full_check = full;
	if (!rc)
		rc = kb_checker_new(&ck, ctx, &co);
	*render_s = *check_s = 0;
	*nfind = 0;
	for (int i = 0; !rc && i < n; i++) {
		char *ct = case_text(example, i);
		kb_case *c = NULL;
		kb_letter *l = NULL;
		kb_findings *fs = NULL;
		double t0 = cpu_now();
		rc = kb_case_load_buffer(&c, ctx, ct, strlen(ct), "bench.json");
		if (!rc)
			rc = kb_template_render(&l, ctx, t, c);
		double t1 = cpu_now();
		if (!rc)
			rc = kb_findings_new(&fs);
		if (!rc)
			rc = kb_checker_run(ck, ctx, l, fs, NULL);
		double t2 = cpu_now();
		*render_s += t1 - t0;
		*check_s += t2 - t1;
		if (!rc)
			*nfind += kb_findings_count(fs);
		kb_findings_free(fs);
		kb_letter_free(l);
		kb_case_free(c);
		free(ct);
	}
	if (rc)
		fprintf(stderr, "bench_incremental: %s\n", kb_ctx_errmsg(ctx));
	size_t entries, bytes;
	kb_checker_memo_stats(ck, hits, misses, &entries, &bytes);
	kb_checker_free(ck);
	kb_template_free(t);
	kb_ctx_free(ctx);
	return rc;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 500;
	const char *data_dir = argc > 2 ? argv[2] : "share/klarbrev";
	char tpl[2048], ex[4096];
	snprintf(tpl, sizeof tpl, "%s/templates/afslag-kontanthjaelp", data_dir);
	snprintf(ex, sizeof ex, "%s/example.json", tpl);
	FILE *f = fopen(ex, "rb");
	if (!f) {
		fprintf(stderr, "bench_incremental: cannot read %s\n", ex);
		return 2;
	}
	static char example[65536];
	size_t len = fread(example, 1, sizeof example - 1, f);
	fclose(f);
	example[len] = '\0';
	printf("%d letters from %s, every bundled check, one process\n", n, tpl);
	printf("%-12s %12s %12s %14s %10s\n", "mode", "render ms", "check ms", "letters/CPU-s", "findings");
	for (int full = 0; full <= 1; full++) {
		double r, c;
		size_t nf, hits, misses;
		if (run(data_dir, tpl, example, n, full, &r, &c, &nf, &hits, &misses))
			return 1;
		printf("%-12s %12.3f %12.3f %14.0f %10zu", full ? "full_check" : "memo", 1000 * r / n, 1000 * c / n,
		       n / (r + c), nf);
		if (!full)
			printf("   (paragraphs reused %zu, walked after a look-up %zu)", hits, misses);
		printf("\n");
	}
	return 0;
}
