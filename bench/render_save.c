/*
 * render_save.c -- what one letter costs to render and save, in CPU time, with the process's start and the
 * template's compile left out: compiles TEMPLATE once, then renders CASE and saves the letter N times, and prints
 * the CPU time (user+sys, getrusage) per letter for rendering alone and for rendering and saving. Built by CMake with
 * -DKB_BENCH=ON (build/bench/render_save); run by hand or by bench/batch.sh. Not a test.
 *
 *   render_save [--delimiters "{ }"] [--partials DIR] [--sync] [-n N] TEMPLATE CASE.json OUTDIR
 *
 * Partials ({{> name}}) are looked for in DIR, else in the "partials" folder beside the template (templates/partials
 * for templates/afslag-kontanthjaelp).
 *
 * Letters are written as OUTDIR/brev-<i % 16>.docx; without --sync each file is renamed into place without an
 * fsync (as klarbrev batch writes them), with --sync each is flushed as fill does.
 */
#define _GNU_SOURCE /* memrchr */
#include "klarbrev.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>

static double cpu_seconds(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
	       ru.ru_stime.tv_usec / 1e6;
}

static int usage(void)
{
	fprintf(stderr, "usage: render_save [--delimiters \"{ }\"] [--partials DIR] [--sync] [-n N] TEMPLATE CASE.json "
	                "OUTDIR\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *delims = NULL, *partials = NULL, *args[3];
	long n = 500;
	int sync = 0, nargs = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--delimiters") && i + 1 < argc)
			delims = argv[++i];
		else if (!strcmp(argv[i], "--partials") && i + 1 < argc)
			partials = argv[++i];
		else if (!strcmp(argv[i], "--sync"))
			sync = 1;
		else if (!strcmp(argv[i], "-n") && i + 1 < argc) {
			char *end = NULL;
			n = strtol(argv[++i], &end, 10);
			if (!end || *end || n < 1)
				return usage();
		} else if (nargs < 3)
			args[nargs++] = argv[i];
		else
			return usage();
	}
	if (nargs != 3)
		return usage();
	char open[16] = "", close[16] = "";
	kb_template_options opts = {0};
	if (delims) {
		const char *sp = strchr(delims, ' ');
		if (!sp || sp == delims || (size_t)(sp - delims) >= sizeof open || strlen(sp + 1) >= sizeof close)
			return usage();
		snprintf(open, sizeof open, "%.*s", (int)(sp - delims), delims);
		snprintf(close, sizeof close, "%s", sp + 1);
		opts.open_delim = open;
		opts.close_delim = close;
	}
	char beside[4096];
	if (!partials) {
		const char *tpl = args[0];
		size_t len = strlen(tpl);
		while (len > 1 && tpl[len - 1] == '/')
			len--;
		const char *slash = memrchr(tpl, '/', len);
		snprintf(beside, sizeof beside, "%.*spartials", slash ? (int)(slash - tpl + 1) : 0, tpl);
		partials = beside;
	}
	opts.partials_dir = partials;
	kb_ctx *ctx = NULL;
	kb_template *t = NULL;
	kb_case *c = NULL;
	int rc = 1;
	if (kb_ctx_new(&ctx))
		return 1;
	kb_ctx_set_sync(ctx, sync);
	if (kb_template_compile(&t, ctx, args[0], &opts) || kb_case_load_file(&c, ctx, args[1])) {
		fprintf(stderr, "render_save: %s\n", kb_ctx_errmsg(ctx));
		goto done;
	}
	char path[4096];
	for (int save = 0; save < 2; save++) {
		double t0 = cpu_seconds();
		for (long i = 0; i < n; i++) {
			kb_letter *l = NULL;
			if (kb_template_render(&l, ctx, t, c)) {
				fprintf(stderr, "render_save: %s\n", kb_ctx_errmsg(ctx));
				goto done;
			}
			snprintf(path, sizeof path, "%s/brev-%ld.docx", args[2], i % 16);
			if (save && kb_letter_save(l, ctx, path)) {
				fprintf(stderr, "render_save: %s\n", kb_ctx_errmsg(ctx));
				kb_letter_free(l);
				goto done;
			}
			kb_letter_free(l);
		}
		double per = (cpu_seconds() - t0) / (double)n * 1e6;
		printf("%-18s %8.1f µs CPU per letter (%ld letters)\n", save ? "render + save" : "render only", per, n);
	}
	rc = 0;
done:
	kb_case_free(c);
	kb_template_free(t);
	kb_ctx_free(ctx);
	return rc;
}
