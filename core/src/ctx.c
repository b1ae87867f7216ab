/* ctx.c -- the error context, the capped buffer and small string helpers shared by every module. */
#include "internal.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>

#define KB_MAX_DETAILS 1000

struct kb_ctx {
	char msg[1024];
	char **details;
	size_t ndetails, cap;
	size_t dropped; /* details past KB_MAX_DETAILS, summarised in the last one */
	int no_sync;    /* kb_ctx_set_sync(ctx, 0): outputs are renamed into place without an fsync */
};

void kb_ctx_set_sync(kb_ctx *ctx, int sync)
{
	ctx->no_sync = !sync;
}

int kb_ctx_sync(const kb_ctx *ctx)
{
	return !ctx || !ctx->no_sync;
}

int kb_ctx_new(kb_ctx **out)
{
	kb_ctx *ctx = calloc(1, sizeof *ctx);
	*out = ctx;
	return ctx ? KB_OK : KB_ENOMEM;
}

void kb_ctx_clear_details(kb_ctx *ctx)
{
	if (!ctx)
		return;
	for (size_t i = 0; i < ctx->ndetails; i++)
		free(ctx->details[i]);
	free(ctx->details);
	ctx->details = NULL;
	ctx->ndetails = ctx->cap = ctx->dropped = 0;
}

void kb_ctx_free(kb_ctx *ctx)
{
	if (!ctx)
		return;
	kb_ctx_clear_details(ctx);
	free(ctx);
}

void kb_ctx_clear(kb_ctx *ctx)
{
	if (!ctx)
		return;
	ctx->msg[0] = '\0';
	kb_ctx_clear_details(ctx);
}

const char *kb_ctx_errmsg(const kb_ctx *ctx)
{
	return ctx ? ctx->msg : "";
}

size_t kb_ctx_detail_count(const kb_ctx *ctx)
{
	return ctx ? ctx->ndetails : 0;
}

const char *kb_ctx_detail(const kb_ctx *ctx, size_t i)
{
	return ctx && i < ctx->ndetails ? ctx->details[i] : NULL;
}

static void set_msg(kb_ctx *ctx, const char *fmt, va_list ap)
{
	vsnprintf(ctx->msg, sizeof ctx->msg, fmt, ap);
	/* one line, max */
	for (char *p = ctx->msg; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
}

int kb_ctx_fail(kb_ctx *ctx, int code, const char *fmt, ...)
{
	if (!ctx)
		return code;
	kb_ctx_clear_details(ctx);
	va_list ap;
	va_start(ap, fmt);
	set_msg(ctx, fmt, ap);
	va_end(ap);
	return code;
}

int kb_ctx_fail_keep(kb_ctx *ctx, int code, const char *fmt, ...)
{
	if (!ctx)
		return code;
	va_list ap;
	va_start(ap, fmt);
	set_msg(ctx, fmt, ap);
	va_end(ap);
	return code;
}

int kb_ctx_add_detail(kb_ctx *ctx, const char *fmt, ...)
{
	if (!ctx)
		return KB_OK;
	if (ctx->ndetails >= KB_MAX_DETAILS) {
		ctx->dropped++;
		return KB_OK;
	}
	if (ctx->ndetails == ctx->cap) {
		size_t ncap = ctx->cap ? ctx->cap * 2 : 8;
		char **nd = realloc(ctx->details, ncap * sizeof *nd);
		if (!nd)
			return KB_ENOMEM;
		ctx->details = nd;
		ctx->cap = ncap;
	}
	va_list ap, ap2;
	va_start(ap, fmt);
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		va_end(ap2);
		return KB_ENOMEM;
	}
	char *s = malloc((size_t)n + 1);
	if (!s) {
		va_end(ap2);
		return KB_ENOMEM;
	}
	vsnprintf(s, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	ctx->details[ctx->ndetails++] = s;
	return KB_OK;
}

/* ---- kb_buf ---- */

void kb_buf_init(kb_buf *b, size_t max)
{
	b->data = NULL;
	b->len = b->cap = 0;
	b->max = max;
}

static int buf_reserve(kb_buf *b, size_t extra)
{
	if (extra > b->max || b->len > b->max - extra)
		return KB_ELIMIT;
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return KB_OK;
	size_t ncap = b->cap ? b->cap : 64;
	while (ncap < need)
		ncap = ncap > SIZE_MAX / 2 ? need : ncap * 2;
	char *nd = realloc(b->data, ncap);
	if (!nd)
		return KB_ENOMEM;
	b->data = nd;
	b->cap = ncap;
	return KB_OK;
}

int kb_buf_add(kb_buf *b, const void *p, size_t n)
{
	int rc = buf_reserve(b, n);
	if (rc)
		return rc;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return KB_OK;
}

int kb_buf_adds(kb_buf *b, const char *s)
{
	return kb_buf_add(b, s, strlen(s));
}

int kb_buf_addc(kb_buf *b, char c)
{
	return kb_buf_add(b, &c, 1);
}

int kb_buf_vprintf(kb_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	int rc = n < 0 ? KB_ENOMEM : buf_reserve(b, (size_t)n);
	if (rc == KB_OK) {
		vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
		b->len += (size_t)n;
	}
	va_end(ap2);
	return rc;
}

int kb_buf_printf(kb_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = kb_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

char *kb_buf_detach(kb_buf *b)
{
	char *d = b->data;
	if (!d) {
		d = malloc(1);
		if (d)
			d[0] = '\0';
	}
	b->data = NULL;
	b->len = b->cap = 0;
	return d;
}

void kb_buf_free(kb_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

char *kb_strdup(const char *s)
{
	return s ? kb_strndup(s, strlen(s)) : NULL;
}

char *kb_strndup(const char *s, size_t n)
{
	char *d = malloc(n + 1);
	if (!d)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *kb_path_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return kb_strdup(".");
	return kb_strndup(path, slash == path ? 1 : (size_t)(slash - path));
}

char *kb_path_join(const char *dir, const char *name)
{
	if (!dir || !*dir || name[0] == '/')
		return kb_strdup(name);
	size_t dn = strlen(dir), nn = strlen(name);
	int sep = dir[dn - 1] != '/';
	char *s = malloc(dn + (size_t)sep + nn + 1);
	if (!s)
		return NULL;
	memcpy(s, dir, dn);
	if (sep)
		s[dn] = '/';
	memcpy(s + dn + sep, name, nn + 1);
	return s;
}

int kb_read_file(char **out, size_t *out_len, kb_ctx *ctx, const char *path, size_t max)
{
	*out = NULL;
	if (out_len)
		*out_len = 0;
	FILE *f = fopen(path, "rb");
	if (!f) {
		if (errno == ENOENT)
			return kb_ctx_fail(ctx, KB_ENOTFOUND, "%s: filen findes ikke", path);
		return kb_ctx_fail(ctx, KB_EINPUT, "%s: filen kan ikke åbnes: %s", path, kb_errno_text(errno));
	}
	struct stat st;
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
		fclose(f);
		return kb_ctx_fail(ctx, KB_EINPUT, "%s: er ikke en almindelig fil (men fx en mappe)", path);
	}
	kb_buf b;
	kb_buf_init(&b, max);
	char chunk[65536];
	size_t n;
	int rc = KB_OK;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		rc = kb_buf_add(&b, chunk, n);
		if (rc)
			break;
	}
	if (rc == KB_OK && ferror(f))
		rc = kb_ctx_fail(ctx, KB_EINPUT, "%s: filen kan ikke læses (læsefejl)", path);
	else if (rc == KB_ELIMIT)
		rc = kb_ctx_fail(ctx, KB_ELIMIT, "%s: filen er større end grænsen på %zu byte", path, max);
	else if (rc == KB_ENOMEM)
		rc = kb_ctx_fail(ctx, KB_ENOMEM, "%s: ikke nok hukommelse", path);
	fclose(f);
	if (rc) {
		kb_buf_free(&b);
		return rc;
	}
	if (out_len)
		*out_len = b.len;
	*out = kb_buf_detach(&b);
	return *out ? KB_OK : KB_ENOMEM;
}

static int path_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void kb_paths_free(char **paths)
{
	for (size_t i = 0; paths && paths[i]; i++)
		free(paths[i]);
	free(paths);
}

int kb_list_dir(char ***out, size_t *count, kb_ctx *ctx, const char *dir, const char *suffix, size_t max)
{
	*out = NULL;
	*count = 0;
	DIR *d = opendir(dir);
	if (!d)
		return kb_ctx_fail(ctx, KB_ENOTFOUND, "%s: mappen findes ikke", dir);
	char **paths = calloc(1, sizeof *paths);
	size_t n = 0, cap = 1, sl = strlen(suffix);
	int rc = paths ? KB_OK : KB_ENOMEM;
	struct dirent *e;
	while (rc == KB_OK && (e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		if (len <= sl || e->d_name[0] == '.' || strcmp(e->d_name + len - sl, suffix) != 0)
			continue;
		if (n >= max) {
			rc = KB_ELIMIT;
			break;
		}
		if (n + 1 >= cap) {
			char **np = realloc(paths, cap * 2 * sizeof *np);
			if (!np) {
				rc = KB_ENOMEM;
				break;
			}
			paths = np;
			cap *= 2;
		}
		kb_buf b;
		kb_buf_init(&b, 16384);
		if (kb_buf_printf(&b, "%s/%s", dir, e->d_name)) {
			kb_buf_free(&b);
			rc = KB_ENOMEM;
			break;
		}
		paths[n++] = kb_buf_detach(&b);
		paths[n] = NULL;
	}
	closedir(d);
	if (rc) {
		kb_paths_free(paths);
		if (rc == KB_ELIMIT)
			return kb_ctx_fail(ctx, rc, "%s: mere end %zu %s-filer", dir, max, suffix);
		return kb_ctx_fail(ctx, rc, "ikke nok hukommelse");
	}
	qsort(paths, n, sizeof *paths, path_cmp);
	*out = paths;
	*count = n;
	return KB_OK;
}
