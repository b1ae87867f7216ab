/*
 * render_save.c -- what one letter costs to render and save, in CPU time, with the process's start and the
 * template's compile left out: compiles TEMPLATE once, then renders CASE and saves the letter N times, and prints
 * the CPU time (user+sys, getrusage) per letter for rendering alone and for rendering and saving. Built by CMake with
 * -DKB_BENCH=ON (build/bench/render_save); run by hand or by bench/batch.sh. Not a test.
 *
 *   render_save [--delimiters "{ }"] [--partials DIR] [--sync] [--levels] [-n N] TEMPLATE CASE.json OUTDIR
 *
 * Partials ({{> name}}) are looked for in DIR, else in the "partials" folder beside the template (templates/partials
 * for templates/afslag-kontanthjaelp).
 *
 * Letters are written as OUTDIR/brev-<i % 16>.docx; without --sync each file is renamed into place without an
 * fsync (as klarbrev batch writes them), with --sync each is flushed as fill does.
 *
 * With --levels, last, what deflate costs for the parts a letter writes (the entries of the saved letter whose CRC
 * differs from the template's): at levels 1, 6 and 9 with one stream reset for each part (as package.c does), and at
 * level 6 with a new stream of libzip's settings for each part (as libzip does); CPU per letter and bytes.
 */
#define _GNU_SOURCE /* memrchr */
#include "klarbrev.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>

#include <zip.h>
#include <zlib.h>

static double cpu_seconds(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
	       ru.ru_stime.tv_usec / 1e6;
}

/* The bytes of entry i of z (uncompressed); caller frees. */
static unsigned char *entry_bytes(zip_t *z, zip_uint64_t i, zip_uint64_t size)
{
	unsigned char *buf = malloc(size ? size : 1);
	zip_file_t *f = buf ? zip_fopen_index(z, i, 0) : NULL;
	zip_int64_t got = f ? zip_fread(f, buf, size) : -1;
	if (f)
		zip_fclose(f);
	if (got != (zip_int64_t)size) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* Deflates the parts the letter at path wrote (compared with the template's docx) reps times at each level. */
static int deflate_levels(const char *letter, const char *template_path, long reps)
{
	char docx[4096];
	size_t tl = strlen(template_path);
	snprintf(docx, sizeof docx, "%s", template_path);
	if (tl < 5 || strcmp(template_path + tl - 5, ".docx") != 0)
		snprintf(docx, sizeof docx, "%s/letter.docx", template_path);
	int err = 0;
	zip_t *a = zip_open(docx, ZIP_RDONLY, &err), *b = zip_open(letter, ZIP_RDONLY, &err);
	if (!a || !b) {
		fprintf(stderr, "render_save: cannot open %s or %s to measure deflate\n", docx, letter);
		return -1;
	}
	unsigned char *parts[64];
	size_t lens[64], nparts = 0, total = 0;
	for (zip_int64_t i = 0; i < zip_get_num_entries(b, 0) && nparts < 64; i++) {
		zip_stat_t sb, sa;
		zip_int64_t j = zip_stat_index(b, (zip_uint64_t)i, 0, &sb) == 0 ? zip_name_locate(a, sb.name, 0) : -1;
		if (j >= 0 && zip_stat_index(a, (zip_uint64_t)j, 0, &sa) == 0 && sa.crc == sb.crc)
			continue;
		if ((parts[nparts] = entry_bytes(b, (zip_uint64_t)i, sb.size))) {
			lens[nparts] = sb.size;
			total += sb.size;
			nparts++;
		}
	}
	/* the level, and whether one stream is reset for each part (package.c) or a new one made (libzip) */
	static const struct {
		int level, reset;
	} runs[] = {{1, 1}, {6, 1}, {9, 1}, {6, 0}};
	for (size_t k = 0; k < sizeof runs / sizeof runs[0]; k++) {
		size_t out = 0;
		z_stream kept = {0};
		if (runs[k].reset && deflateInit2(&kept, runs[k].level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
			return -1;
		double t0 = cpu_seconds();
		for (long r = 0; r < reps; r++) {
			out = 0;
			for (size_t p = 0; p < nparts; p++) {
				z_stream fresh = {0}, *zs = runs[k].reset ? &kept : &fresh;
				if (runs[k].reset ? deflateReset(zs) != Z_OK
				                  : deflateInit2(zs, runs[k].level, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY) != Z_OK)
					return -1;
				unsigned char buf[1 << 16];
				zs->next_in = parts[p];
				zs->avail_in = (uInt)lens[p];
				int zr;
				do {
					zs->next_out = buf;
					zs->avail_out = sizeof buf;
					zr = deflate(zs, Z_FINISH);
					out += sizeof buf - zs->avail_out;
				} while (zr == Z_OK);
				if (!runs[k].reset)
					deflateEnd(zs);
			}
		}
		double per = (cpu_seconds() - t0) / (double)reps * 1e6;
		if (runs[k].reset)
			deflateEnd(&kept);
		printf("deflate level %d %-6s %7.1f µs CPU per letter, %zu parts of %zu bytes -> %zu bytes\n",
		       runs[k].level, runs[k].reset ? "reset" : "new", per, nparts, total, out);
	}
	for (size_t p = 0; p < nparts; p++)
		free(parts[p]);
	zip_discard(a);
	zip_discard(b);
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: render_save [--delimiters \"{ }\"] [--partials DIR] [--sync] [--levels] [-n N] TEMPLATE CASE.json "
	                "OUTDIR\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *delims = NULL, *partials = NULL, *args[3];
	long n = 500;
	int sync = 0, levels = 0, nargs = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--delimiters") && i + 1 < argc)
			delims = argv[++i];
		else if (!strcmp(argv[i], "--partials") && i + 1 < argc)
			partials = argv[++i];
		else if (!strcmp(argv[i], "--sync"))
			sync = 1;
		else if (!strcmp(argv[i], "--levels"))
			levels = 1;
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
	rc = levels && deflate_levels(path, args[0], n) ? 1 : 0;
done:
	kb_case_free(c);
	kb_template_free(t);
	kb_ctx_free(ctx);
	return rc;
}
