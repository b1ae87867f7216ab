/* partials.c -- finding a partial by name in a list of folders, and saying where it looked when it is not there. */
#include "partials.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define PT_MAX_LISTED  200u /* partials collected for the message */
#define PT_MAX_SHOWN   12u  /* of them named in the message */
#define PT_MAX_DEPTH   4
#define PT_MAX_PATH    4096u

int kb_partial_name_ok(const char *name)
{
	return name && name[0] && name[0] != '/' && !strstr(name, "..") && !strchr(name, '\\');
}

static int pt_is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static int pt_is_file(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

typedef struct pt_list {
	char *names[PT_MAX_LISTED + 1];
	size_t n;
	int full, oom;
} pt_list;

static void pt_add(pt_list *l, const char *name, size_t len)
{
	for (size_t i = 0; i < l->n; i++)
		if (strlen(l->names[i]) == len && !memcmp(l->names[i], name, len))
			return;
	if (l->n >= PT_MAX_LISTED) {
		l->full = 1;
		return;
	}
	if (!(l->names[l->n] = kb_strndup(name, len))) {
		l->oom = 1;
		return;
	}
	l->names[++l->n] = NULL;
}

/* Adds the partials below dir/rel (rel "" at the top) with one of exts, as names without the extension. */
static void pt_collect(pt_list *l, const char *dir, const char *rel, const char *const *exts, int depth)
{
	char path[PT_MAX_PATH];
	int n = snprintf(path, sizeof path, "%s%s%s", dir, *rel ? "/" : "", rel);
	if (n < 0 || (size_t)n >= sizeof path || depth > PT_MAX_DEPTH)
		return;
	DIR *d = opendir(path);
	if (!d)
		return;
	struct dirent *e;
	while (!l->full && !l->oom && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		char sub[PT_MAX_PATH], full[PT_MAX_PATH];
		int sn = snprintf(sub, sizeof sub, "%s%s%s", rel, *rel ? "/" : "", e->d_name);
		int fn = snprintf(full, sizeof full, "%s/%s", path, e->d_name);
		if (sn < 0 || (size_t)sn >= sizeof sub || fn < 0 || (size_t)fn >= sizeof full)
			continue;
		if (pt_is_dir(full)) {
			pt_collect(l, dir, sub, exts, depth + 1);
			continue;
		}
		size_t len = (size_t)sn;
		for (size_t k = 0; exts[k]; k++) {
			size_t el = strlen(exts[k]);
			if (len > el && !strcmp(sub + len - el, exts[k])) {
				pt_add(l, sub, len - el);
				break;
			}
		}
	}
	closedir(d);
}

static int pt_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int kb_partial_find(char **out, kb_ctx *ctx, const char *const *dirs, const char *name, const char *const *exts,
                    const char *hint)
{
	*out = NULL;
	if (!kb_partial_name_ok(name))
		return kb_ctx_fail(ctx, KB_EINPUT,
		                   "navnet skal være en sti inde i mappen med delskabeloner, uden \"..\", uden \"\\\" "
		                   "og uden \"/\" forrest");
	size_t ndirs = 0;
	for (size_t i = 0; dirs && dirs[i]; i++) {
		ndirs++;
		for (size_t k = 0; exts[k]; k++) {
			kb_buf p;
			kb_buf_init(&p, PT_MAX_PATH);
			if (kb_buf_printf(&p, "%s/%s%s", dirs[i], name, exts[k])) {
				kb_buf_free(&p);
				continue; /* a path too long to exist */
			}
			if (pt_is_file(p.data)) {
				*out = kb_buf_detach(&p);
				return *out ? KB_OK : kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
			}
			kb_buf_free(&p);
		}
	}
	/* not found: where it looked, what there is, how to point elsewhere */
	pt_list l = { .n = 0 };
	l.names[0] = NULL;
	for (size_t i = 0; i < ndirs; i++)
		pt_collect(&l, dirs[i], "", exts, 0);
	kb_buf m;
	kb_buf_init(&m, 16384);
	if (!ndirs) {
		kb_buf_adds(&m, "der er ingen mappe med delskabeloner");
	} else {
		kb_buf_adds(&m, "den findes ikke som ");
		for (size_t k = 0; exts[k]; k++)
			kb_buf_printf(&m, "%s%s%s", k ? (exts[k + 1] ? ", " : " eller ") : "", name, exts[k]);
		kb_buf_adds(&m, " i ");
		for (size_t i = 0; i < ndirs; i++)
			kb_buf_printf(&m, "%s%s%s", i ? (i + 1 < ndirs ? ", " : " eller ") : "", dirs[i],
			              pt_is_dir(dirs[i]) ? "" : " (mappen findes ikke)");
	}
	if (l.n) {
		qsort(l.names, l.n, sizeof l.names[0], pt_cmp);
		const char *near = kb_nearest_name(name, (const char *const *)l.names);
		size_t shown = 0;
		if (near) {
			kb_buf_printf(&m, "; mente du »%s«? Der findes: %s", near, near);
			shown = 1;
		} else {
			kb_buf_adds(&m, "; der findes: ");
		}
		for (size_t i = 0; i < l.n && shown < PT_MAX_SHOWN; i++) {
			if (l.names[i] == near)
				continue;
			kb_buf_printf(&m, "%s%s", shown ? ", " : "", l.names[i]);
			shown++;
		}
		if (l.full)
			kb_buf_adds(&m, " og mange flere");
		else if (l.n > shown)
			kb_buf_printf(&m, " og %zu flere", l.n - shown);
	} else if (ndirs) {
		kb_buf_adds(&m, "; der er ingen delskabeloner i de mapper");
	}
	kb_buf_adds(&m, ".");
	if (hint && *hint)
		kb_buf_printf(&m, " %s", hint);
	for (size_t i = 0; i < l.n; i++)
		free(l.names[i]);
	int rc = m.data && !l.oom ? kb_ctx_fail(ctx, KB_ENOTFOUND, "%s", m.data)
	                          : kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
	kb_buf_free(&m);
	return rc;
}
