/*
 * plugintest.c -- `klarbrev plugin test`: each plugin on its own examples and test files (rules in plugintest.h).
 *
 * Two passes. The first loads every plugin and reads every case, and collects every problem with the input (a
 * missing file, a plugin that does not load, a mark that never closes); with any problem nothing runs, so bad input
 * never gives half a report. The second runs the cases and writes the report.
 */
#include "plugintest.h"
#include "checker.h"
#include "config.h"
#include "letter.h"
#include "plugins.h"
#include "spell.h"
#include "textmodel.h"
#include "utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define PT_MAX_FILES     1000u
#define PT_MAX_TESTFILES 1000u      /* .txt files of one plugin */
#define PT_MAX_TEXT      (1u << 20) /* one test file */
#define PT_MAX_MARKS     1000u
#define PT_MAX_PROBLEMS  100u
#define PT_MAX_REPORT    (16u * 1024u * 1024u)
#define PT_SHOW_CHARS    100u /* of a case's text in the report */
#define PT_QUOTE_CHARS   60u  /* of a finding's text */

typedef struct pt_mark {
	size_t s, e;  /* bytes in the case's text without marks */
	size_t para;  /* SIZE_MAX: spans paragraphs (only a whole-text mark may) */
	size_t start; /* in that paragraph */
	size_t len;
	int whole; /* covers the whole text: a finding on the letter as a whole also counts */
} pt_mark;

typedef struct pt_case {
	char *label;   /* "eksempel bad 2", "testfil plugins/tests/x/lang.txt" */
	char *written; /* the text as written, marks and all */
	kb_text *text;
	pt_mark *marks;
	size_t nmarks;
	int bad;
	json_t *manifest, *fields; /* from the case's front matter, or NULL */
	char *outcome;             /* stated in the front matter or found as fill finds it, or NULL */
} pt_case;

typedef struct pt_plugin {
	const char *name; /* borrowed from the plugin list */
	kb_plugins *ps;
	pt_case *cases;
	size_t ncases;
	size_t nexamples, nfiles;
} pt_plugin;

typedef struct pt_run {
	kb_ctx *ctx;
	size_t problems;
	int oom;
} pt_run;

static int pt_problem(pt_run *r, const char *fmt, ...) KB_PRINTF(2, 3);
static int pt_problem(pt_run *r, const char *fmt, ...)
{
	kb_buf b;
	va_list ap;
	r->problems++;
	if (r->problems > PT_MAX_PROBLEMS)
		return KB_EINPUT;
	kb_buf_init(&b, 8192);
	va_start(ap, fmt);
	kb_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (!b.data || kb_ctx_add_detail(r->ctx, "%s", b.data))
		r->oom = 1;
	kb_buf_free(&b);
	return KB_EINPUT;
}

static void pt_case_clear(pt_case *c)
{
	free(c->label);
	free(c->written);
	kb_text_free(c->text);
	free(c->marks);
	json_decref(c->manifest);
	json_decref(c->fields);
	free(c->outcome);
}

static void pt_plugin_clear(pt_plugin *p)
{
	for (size_t i = 0; i < p->ncases; i++)
		pt_case_clear(&p->cases[i]);
	free(p->cases);
	kb_plugins_free(p->ps);
}

/* 1 when cp separates tokens as the text model says (white space, controls, DEL, zero-width space). */
static int pt_is_sep(uint32_t cp)
{
	return cp < 0x20u || cp == 0x7Fu || cp == 0x200Bu || kb_uc_is_space(cp);
}

static int pt_blank(const char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		uint32_t cp;
		i += kb_utf8_decode(s + i, len - i, &cp);
		if (!pt_is_sep(cp))
			return 0;
	}
	return 1;
}

/* ---- marks ---- */

/* Takes the [[...]] marks out of src[0..len): *out is the text without them (caller frees), c->marks their places
 * in it. Returns 0, KB_ENOMEM, or KB_EINPUT with why (one line, Danish). */
static int pt_unmark(char **out, size_t *out_len, pt_case *c, const char *src, size_t len, char *why, size_t whysz)
{
	kb_buf b;
	size_t cap = 0, open_at = 0;
	int open = 0, rc = KB_OK;
	kb_buf_init(&b, PT_MAX_TEXT);
	*out = NULL;
	for (size_t i = 0; i < len && !rc;) {
		if (src[i] == '[' && i + 1 < len && src[i + 1] == '[') {
			if (open) {
				snprintf(why, whysz, "»[[« ved tegn %zu står inde i en anden markering",
				         kb_utf8_count_chars(src, i) + 1);
				rc = KB_EINPUT;
				break;
			}
			open = 1;
			open_at = i;
			if (c->nmarks == cap) {
				size_t ncap = cap ? cap * 2 : 4;
				pt_mark *nm = ncap <= PT_MAX_MARKS ? realloc(c->marks, ncap * sizeof *nm) : NULL;
				if (!nm) {
					rc = ncap > PT_MAX_MARKS ? KB_EINPUT : KB_ENOMEM;
					snprintf(why, whysz, "mere end %u markeringer", PT_MAX_MARKS);
					break;
				}
				c->marks = nm;
				cap = ncap;
			}
			memset(&c->marks[c->nmarks], 0, sizeof c->marks[c->nmarks]);
			c->marks[c->nmarks].s = b.len;
			i += 2;
			continue;
		}
		if (src[i] == ']' && i + 1 < len && src[i + 1] == ']') {
			if (!open) {
				snprintf(why, whysz, "»]]« ved tegn %zu har ingen »[[« før sig",
				         kb_utf8_count_chars(src, i) + 1);
				rc = KB_EINPUT;
				break;
			}
			if (b.len == c->marks[c->nmarks].s) {
				snprintf(why, whysz, "markeringen ved tegn %zu er tom: »[[]]«",
				         kb_utf8_count_chars(src, open_at) + 1);
				rc = KB_EINPUT;
				break;
			}
			c->marks[c->nmarks++].e = b.len;
			open = 0;
			i += 2;
			continue;
		}
		rc = kb_buf_addc(&b, src[i]);
		i++;
	}
	if (!rc && open) {
		snprintf(why, whysz, "»[[« ved tegn %zu lukkes aldrig med »]]«", kb_utf8_count_chars(src, open_at) + 1);
		rc = KB_EINPUT;
	}
	if (!rc)
		rc = kb_buf_add(&b, "", 0);
	if (rc == KB_ELIMIT) {
		snprintf(why, whysz, "teksten er større end %u byte", PT_MAX_TEXT);
		rc = KB_EINPUT;
	}
	if (rc) {
		kb_buf_free(&b);
		return rc;
	}
	*out_len = b.len;
	*out = kb_buf_detach(&b);
	return *out ? KB_OK : KB_ENOMEM;
}

/* Finds each mark's paragraph in text[0..len) (without marks), line by line as kb_text_from_letter_lines makes
 * paragraphs (a heading's '#'s are not in its paragraph). Returns 0 or KB_EINPUT with why. */
static int pt_place_marks(pt_case *c, const char *text, size_t len, char *why, size_t whysz)
{
	size_t base = len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3) ? 3 : 0;
	size_t ts = base, te = len; /* the text without blank space around it */
	while (ts < te) {
		uint32_t cp;
		size_t n = kb_utf8_decode(text + ts, te - ts, &cp);
		if (!pt_is_sep(cp))
			break;
		ts += n;
	}
	while (te > ts) {
		size_t k = te - 1;
		while (k > ts && ((unsigned char)text[k] & 0xC0u) == 0x80u)
			k--;
		uint32_t cp;
		kb_utf8_decode(text + k, te - k, &cp);
		if (!pt_is_sep(cp))
			break;
		te = k;
	}
	for (size_t m = 0; m < c->nmarks; m++) {
		pt_mark *mk = &c->marks[m];
		mk->para = SIZE_MAX;
		mk->whole = mk->s <= ts && mk->e >= te;
		size_t pos = base, para = 0;
		while (pos <= len) {
			const char *nl = memchr(text + pos, '\n', len - pos);
			size_t end = nl ? (size_t)(nl - text) : len;
			size_t lend = end > pos && text[end - 1] == '\r' ? end - 1 : end;
			int blank = pt_blank(text + pos, lend - pos), level = 0;
			size_t skip = blank ? 0 : kb_text_heading_mark(text + pos, lend - pos, &level);
			if (mk->s >= pos && mk->s <= lend) {
				if (mk->s < pos + skip && !mk->whole) {
					snprintf(why, whysz,
					         "markering %zu står om overskriftens »#«; markér ordene efter »# «", m + 1);
					return KB_EINPUT;
				}
				if (mk->e <= lend && !blank && mk->s >= pos + skip) {
					mk->para = para;
					mk->start = mk->s - pos - skip;
					mk->len = mk->e - mk->s;
				}
				break;
			}
			if (!blank)
				para++;
			if (!nl)
				break;
			pos = end + 1;
		}
		if (mk->para == SIZE_MAX && !mk->whole) {
			snprintf(why, whysz,
			         "markering %zu går over flere linjer; en markering står i ét afsnit (eller om hele "
			         "teksten)",
			         m + 1);
			return KB_EINPUT;
		}
	}
	return KB_OK;
}

/* Adds ctx's message and details (a case that does not fit its manifest lists every problem) as problems. */
static void pt_ctx_problems(pt_run *r, const char *name, const char *label, const kb_ctx *ctx)
{
	const char *msg = kb_ctx_errmsg(ctx);
	if (!strncmp(msg, label, strlen(label))) /* the front matter's messages name the case already */
		pt_problem(r, "%s, %s", name, msg);
	else
		pt_problem(r, "%s, %s: %s", name, label, msg);
	for (size_t d = 0; d < kb_ctx_detail_count(ctx); d++)
		pt_problem(r, "%s, %s: %s", name, label, kb_ctx_detail(ctx, d));
}

/* Reads one case from src: front matter (its paths relative to base_dir), marks, text model. label and written
 * are copied. Problems go to r. */
static int pt_add_case(pt_run *r, pt_plugin *p, const char *name, const char *label, const char *src, size_t len,
                       int want, const char *base_dir)
{
	/* want: 1 bad (must have marks), 0 ok (must have none), -1 either (test files: marks decide) */
	char why[512] = "";
	char *text = NULL;
	size_t tlen = 0;
	pt_case c = { 0 };
	kb_ctx *tmp = NULL;
	kb_front_matter fm = { 0 };
	int rc = kb_ctx_new(&tmp);
	if (rc)
		goto done;
	rc = kb_front_matter_read(&fm, tmp, src, len, label, base_dir);
	if (!rc)
		rc = kb_front_matter_load(&c.manifest, &c.fields, &c.outcome, tmp, &fm, label);
	if (rc == KB_ENOMEM)
		goto done;
	if (rc) {
		pt_ctx_problems(r, name, label, tmp);
		rc = KB_OK;
		goto done;
	}
	rc = pt_unmark(&text, &tlen, &c, src + fm.body, len - fm.body, why, sizeof why);
	if (rc == KB_EINPUT) {
		pt_problem(r, "%s, %s: %s", name, label, why);
		goto done;
	}
	if (rc)
		goto done;
	c.bad = want == -1 ? c.nmarks > 0 : want;
	if (want == 1 && !c.nmarks) {
		pt_problem(r,
		           "%s, %s har ingen [[...]]-markering; markér, hvor fundet skal være, fx »[[Såfremt]] du ...«",
		           name, label);
		goto done;
	}
	if (want == 0 && c.nmarks) {
		pt_problem(r,
		           "%s, %s har en [[...]]-markering, men et ok-eksempel må ingen fund give; flyt det til bad",
		           name, label);
		goto done;
	}
	if ((rc = pt_place_marks(&c, text, tlen, why, sizeof why))) {
		pt_problem(r, "%s, %s: %s", name, label, why);
		rc = KB_OK;
		goto done;
	}
	rc = kb_text_from_letter_lines(&c.text, tmp, text, tlen, label, fm.lines + 1);
	if (rc == KB_ENOMEM)
		goto done;
	if (rc) {
		pt_problem(r, "%s, %s: %s", name, label, kb_ctx_errmsg(tmp));
		rc = KB_OK;
		goto done;
	}
	if (!(c.label = kb_strdup(label)) || !(c.written = kb_strndup(src, len))) {
		rc = KB_ENOMEM;
		goto done;
	}
	pt_case *nc = realloc(p->cases, (p->ncases + 1) * sizeof *nc);
	if (!nc) {
		rc = KB_ENOMEM;
		goto done;
	}
	p->cases = nc;
	p->cases[p->ncases++] = c;
	memset(&c, 0, sizeof c);
done:
	pt_case_clear(&c);
	kb_front_matter_clear(&fm);
	free(text);
	kb_ctx_free(tmp);
	if (rc == KB_ENOMEM)
		r->oom = 1;
	return rc;
}

/* The folder part of s ("plugins" for "plugins/x.lua"; "" for "x.lua", so that names shown and paths joined to it
 * stay as given), copied. */
static char *pt_dirname(const char *s)
{
	return strchr(s, '/') ? kb_path_dir(s) : kb_strdup("");
}

/* The .txt files of <folder of file>/tests/<id>/. */
static void pt_read_test_files(pt_run *r, pt_plugin *p, const char *file, const char *id)
{
	char *dir = pt_dirname(file), *shown_dir = pt_dirname(p->name);
	char **paths = NULL;
	size_t n = 0;
	kb_buf path, shown;
	kb_buf_init(&path, 8192);
	kb_buf_init(&shown, 8192);
	kb_ctx *tmp = NULL;
	if (!dir || !shown_dir || kb_ctx_new(&tmp) || kb_buf_printf(&path, "%s%stests/%s", dir, *dir && dir[strlen(dir) - 1] != '/' ? "/" : "", id)) {
		r->oom = 1;
		goto done;
	}
	int rc = kb_list_dir(&paths, &n, tmp, path.data, ".txt", PT_MAX_TESTFILES);
	if (rc == KB_ENOTFOUND)
		goto done;
	if (rc) {
		pt_problem(r, "%s: %s", p->name, kb_ctx_errmsg(tmp));
		goto done;
	}
	for (size_t i = 0; i < n && !r->oom; i++) {
		char *src = NULL;
		size_t len = 0;
		const char *base = strrchr(paths[i], '/');
		base = base ? base + 1 : paths[i];
		shown.len = 0;
		if (kb_buf_printf(&shown, "testfil %s%stests/%s/%s", shown_dir,
		                  *shown_dir && shown_dir[strlen(shown_dir) - 1] != '/' ? "/" : "", id, base)) {
			r->oom = 1;
			break;
		}
		rc = kb_read_file(&src, &len, tmp, paths[i], PT_MAX_TEXT);
		if (rc == KB_ENOMEM) {
			r->oom = 1;
			break;
		}
		if (rc)
			pt_problem(r, "%s: %s kan ikke læses: %s", p->name, shown.data + 8, kb_ctx_errmsg(tmp));
		else
			pt_add_case(r, p, p->name, shown.data, src, len, -1, path.data);
		p->nfiles++;
		free(src);
	}
done:
	kb_paths_free(paths);
	kb_ctx_free(tmp);
	kb_buf_free(&path);
	kb_buf_free(&shown);
	free(dir);
	free(shown_dir);
}

/* The message of a plugin's load error without the sentence meant for a caseworker. */
static void pt_load_problem(pt_run *r, const char *name, const char *msg)
{
	static const char tail[] = " Brevet kan ikke sendes, før reglen er rettet.";
	size_t n = strlen(msg), t = sizeof tail - 1;
	if (n >= t && !strcmp(msg + n - t, tail))
		n -= t;
	(void)name; /* the message names the file and line already: "Reglen i plugins/x.lua:3 kunne ikke ..." */
	pt_problem(r, "%.*s", (int)n, msg);
}

/* What stat said about a file, asked once: whether it is there, whether it is a regular file, and which file on disk
 * it is (to find a tested file among the plugins of the set, whatever path names it). */
typedef struct pt_file {
	int found, regular;
	dev_t dev;
	ino_t ino;
} pt_file;

static pt_file pt_stat(const char *path)
{
	struct stat st;
	pt_file f = { 0 };
	if (stat(path, &st) == 0) {
		f.found = 1;
		f.regular = S_ISREG(st.st_mode);
		f.dev = st.st_dev;
		f.ino = st.st_ino;
	}
	return f;
}

static int pt_same_file(const pt_file *a, const pt_file *b)
{
	return a->found && b->found && a->dev == b->dev && a->ino == b->ino;
}

/* The plugin set as check and fill load it -- the bundled plugins, the config's folders -- with the tested files
 * that are not among them yet last, and the config applied: every problem a letter's check would meet when loading
 * (a plugin that does not load, an id two plugins have, an option the config gives wrong) is a problem here, in the
 * words check uses. broken[i] is set for a tested file that cannot load in the set, so it is not named twice. */
static void pt_load_set(pt_run *r, const kb_plugintest_options *opts, kb_speller *sp, const char *const *files,
                        const pt_file *stats, size_t nfiles, int *broken)
{
	kb_plugins *ps = NULL;
	kb_ctx *tmp = NULL;
	pt_file *in_set = NULL; /* the files of the set's plugins, stat'ed once each */
	if (kb_ctx_new(&tmp) || kb_plugins_new(&ps, tmp, sp)) {
		r->oom = 1;
		goto done;
	}
	int rc = KB_OK;
	if (opts->data_dir)
		rc = kb_checker_load_plugin_set(ps, tmp, opts->data_dir, opts->config);
	else
		kb_plugins_set_config(ps, opts->config);
	if (rc == KB_ENOMEM) {
		r->oom = 1;
		goto done;
	}
	if (rc) { /* no bundled plugins/ is fine (kb_checker_load_plugin_set goes on without it) */
		pt_problem(r, "%s", kb_ctx_errmsg(tmp));
		goto done;
	}
	size_t nset = kb_plugins_count(ps);
	size_t *of = calloc(nfiles ? nfiles : 1, sizeof *of); /* the set's index of each tested file */
	in_set = calloc(nset + nfiles + 1, sizeof *in_set);
	if (!of || !in_set) {
		free(of);
		r->oom = 1;
		goto done;
	}
	for (size_t k = 0; k < nset; k++) {
		kb_plugin_info in;
		kb_plugins_info(ps, k, &in);
		in_set[k] = pt_stat(in.file);
	}
	for (size_t i = 0; i < nfiles; i++) {
		of[i] = SIZE_MAX;
		if (!stats[i].regular)
			continue; /* pt_load says why */
		for (size_t k = 0; k < nset && of[i] == SIZE_MAX; k++)
			if (pt_same_file(&in_set[k], &stats[i]))
				of[i] = k;
		if (of[i] != SIZE_MAX)
			continue;
		rc = opts->names_as_given ? kb_plugins_load_named(ps, tmp, files[i], files[i])
		                          : kb_plugins_load_file(ps, tmp, files[i]);
		if (rc == KB_ENOMEM) {
			r->oom = 1;
			break;
		}
		if (!rc && kb_plugins_count(ps) > nset) {
			of[i] = nset;
			in_set[nset++] = stats[i]; /* a later path to the same file finds it here */
		}
		kb_ctx_clear(tmp);
	}
	for (size_t i = 0; i < nfiles && !r->oom; i++) {
		if (of[i] == SIZE_MAX)
			continue;
		kb_plugin_info in;
		kb_plugins_info(ps, of[i], &in);
		broken[i] = in.problem != NULL;
	}
	for (size_t k = 0; k < kb_plugins_count(ps) && !r->oom; k++) {
		kb_plugin_info in;
		kb_plugins_info(ps, k, &in);
		if (in.problem)
			pt_load_problem(r, in.name, in.problem);
	}
	free(of);
	if (r->oom)
		goto done;
	rc = kb_plugins_check_config(ps, tmp);
	if (rc == KB_ENOMEM) {
		r->oom = 1;
	} else if (rc) {
		size_t nd = kb_ctx_detail_count(tmp);
		if (!nd)
			pt_problem(r, "%s", kb_ctx_errmsg(tmp));
		for (size_t d = 0; d < nd; d++)
			pt_problem(r, "%s", kb_ctx_detail(tmp, d));
	}
done:
	free(in_set);
	kb_plugins_free(ps);
	kb_ctx_free(tmp);
}

/* Loads one plugin file (st: what stat said about it) and reads its cases. */
static void pt_load(pt_run *r, pt_plugin *p, const kb_plugintest_options *opts, kb_speller *sp, const char *file,
                    const pt_file *st)
{
	char **ok = NULL, **bad = NULL;
	size_t nok = 0, nbad = 0;
	kb_buf label;
	kb_buf_init(&label, 256);
	kb_ctx *tmp = NULL;
	char *dir = pt_dirname(file); /* an example's front matter names files from the plugin's folder */
	if (!dir) {
		r->oom = 1;
		goto done;
	}
	if (!st->found) {
		pt_problem(r, "%s findes ikke", file);
		goto done;
	}
	if (!st->regular) {
		pt_problem(r, "%s er ikke en fil; angiv en .lua-fil eller en mappe med .lua-filer", file);
		goto done;
	}
	if (kb_ctx_new(&tmp) || kb_plugins_new(&p->ps, tmp, sp)) {
		r->oom = 1;
		goto done;
	}
	if (opts->config)
		kb_plugins_set_limits(p->ps, opts->config->plugin_memory, opts->config->plugin_time_ms);
	if (opts->data_dir) {
		/* the bundled helper libraries (klarbrev.lib.*), for a plugin tested from anywhere */
		kb_buf lib;
		kb_buf_init(&lib, 8192);
		int lrc = kb_buf_printf(&lib, "%s/plugins/lib", opts->data_dir);
		if (!lrc)
			lrc = kb_plugins_load_libs(p->ps, tmp, lib.data);
		kb_buf_free(&lib);
		if (lrc == KB_ENOMEM) {
			r->oom = 1;
			goto done;
		}
		if (lrc) {
			pt_problem(r, "%s", kb_ctx_errmsg(tmp));
			goto done;
		}
	}
	int rc = opts->names_as_given ? kb_plugins_load_named(p->ps, tmp, file, file)
	                              : kb_plugins_load_file(p->ps, tmp, file);
	if (rc == KB_ENOMEM) {
		r->oom = 1;
		goto done;
	}
	if (rc) {
		pt_problem(r, "%s kan ikke indlæses: %s", file, kb_ctx_errmsg(tmp));
		goto done;
	}
	kb_plugin_info info;
	kb_plugins_info(p->ps, 0, &info);
	p->name = info.name;
	if (info.problem) {
		pt_load_problem(r, info.name, info.problem);
		goto done;
	}
	if (kb_plugins_examples(&ok, &nok, &bad, &nbad, p->ps, 0)) {
		r->oom = 1;
		goto done;
	}
	for (size_t i = 0; i < nok + nbad && !r->oom; i++) {
		int is_bad = i >= nok;
		label.len = 0;
		if (kb_buf_printf(&label, "eksempel %s %zu", is_bad ? "bad" : "ok", is_bad ? i - nok + 1 : i + 1)) {
			r->oom = 1;
			break;
		}
		const char *src = is_bad ? bad[i - nok] : ok[i];
		pt_add_case(r, p, info.name, label.data, src, strlen(src), is_bad, dir);
	}
	p->nexamples = nok + nbad;
	pt_read_test_files(r, p, file, info.id);
done:
	kb_strv_free(ok);
	kb_strv_free(bad);
	kb_buf_free(&label);
	kb_ctx_free(tmp);
	free(dir);
}

/* ---- running and reporting ---- */

/* Adds s[0..len) to b as one line of at most max characters ("…" when cut). */
static void pt_quote(kb_buf *b, const char *s, size_t len, size_t max)
{
	size_t i = 0, chars = 0;
	while (i < len) {
		uint32_t cp;
		size_t n = kb_utf8_decode(s + i, len - i, &cp);
		if (chars == max) {
			kb_buf_adds(b, "…");
			return;
		}
		if (cp == '\n')
			kb_buf_adds(b, " ⏎ ");
		else if (cp < 0x20u)
			kb_buf_addc(b, ' ');
		else
			kb_buf_add(b, s + i, n);
		chars++;
		i += n;
	}
}

/* "»Såfremt« (tegn 1-7)", with "afsnit N, " when the text has more than one paragraph. */
static void pt_where(kb_buf *b, const kb_text *t, size_t para, size_t start, size_t len)
{
	const kb_paragraph *p = &t->paras[para];
	size_t a = kb_utf8_count_chars(p->text, start) + 1;
	size_t n = kb_utf8_count_chars(p->text + start, len);
	kb_buf_adds(b, "»");
	pt_quote(b, p->text + start, len, PT_QUOTE_CHARS);
	kb_buf_adds(b, "« (");
	if (t->nparas > 1)
		kb_buf_printf(b, "afsnit %zu, ", para + 1);
	if (n <= 1)
		kb_buf_printf(b, "tegn %zu)", a);
	else
		kb_buf_printf(b, "tegn %zu-%zu)", a, a + n - 1);
}

static int pt_at_mark(const kb_finding *f, const pt_mark *m)
{
	/* a plugin that fails is never what an example expects, not even where a whole-letter finding would do */
	if (!strcmp(f->rule, "plugin"))
		return 0;
	if (m->whole && f->paragraph < 0)
		return 1;
	return m->para != SIZE_MAX && f->paragraph == (long)m->para && f->start == m->start && f->len == m->len;
}

static void pt_finding_line(kb_buf *b, const kb_text *t, const kb_finding *f)
{
	if (f->paragraph >= 0 && (size_t)f->paragraph < t->nparas)
		pt_where(b, t, (size_t)f->paragraph, f->start, f->len);
	else
		kb_buf_adds(b, "hele brevet");
	kb_buf_printf(b, " [%s]: ", f->rule);
	pt_quote(b, f->message, strlen(f->message), 300);
	kb_buf_addc(b, '\n');
}

/* Runs one case; on failure writes its block to b. Returns 1 passed, 0 failed, KB_ENOMEM. */
static int pt_run_case(kb_buf *b, kb_ctx *ctx, pt_plugin *p, const pt_case *c)
{
	kb_findings *fs = NULL;
	if (kb_findings_new(&fs))
		return KB_ENOMEM;
	kb_check_input in = { .text = c->text, .fields = c->fields, .manifest = c->manifest, .outcome = c->outcome };
	int rc = kb_plugins_run(p->ps, ctx, &in, fs);
	if (rc) {
		kb_findings_free(fs);
		return KB_ENOMEM;
	}
	kb_findings_sort(fs);
	size_t n = kb_findings_count(fs);
	int pass = 1;
	for (size_t i = 0; i < n && pass; i++) { /* every finding at a mark (none in an ok case) */
		const kb_finding *f = kb_findings_get(fs, i);
		int at = 0;
		for (size_t m = 0; m < c->nmarks && !at; m++)
			at = pt_at_mark(f, &c->marks[m]);
		pass = at;
	}
	for (size_t m = 0; m < c->nmarks && pass; m++) { /* every mark with a finding */
		int hit = 0;
		for (size_t i = 0; i < n && !hit; i++)
			hit = pt_at_mark(kb_findings_get(fs, i), &c->marks[m]);
		pass = hit;
	}
	if (!pass) {
		size_t wl = strlen(c->written);
		while (wl && (c->written[wl - 1] == '\n' || c->written[wl - 1] == '\r' || c->written[wl - 1] == ' '))
			wl--;
		kb_buf_printf(b, "FEJL %s, %s: »", p->name, c->label);
		pt_quote(b, c->written, wl, PT_SHOW_CHARS);
		kb_buf_adds(b, "«\n  forventet: ");
		if (!c->nmarks)
			kb_buf_adds(b, "intet fund\n");
		for (size_t m = 0; m < c->nmarks; m++) {
			const pt_mark *mk = &c->marks[m];
			if (m)
				kb_buf_adds(b, "             ");
			if (mk->para != SIZE_MAX) {
				kb_buf_adds(b, "et fund ved ");
				pt_where(b, c->text, mk->para, mk->start, mk->len);
			}
			if (mk->whole)
				kb_buf_adds(b,
				            mk->para != SIZE_MAX ? " eller på hele brevet" : "et fund på hele brevet");
			kb_buf_addc(b, '\n');
		}
		kb_buf_adds(b, "  fundet:    ");
		if (!n)
			kb_buf_adds(b, "intet fund\n");
		for (size_t i = 0; i < n; i++) {
			if (i)
				kb_buf_adds(b, "             ");
			pt_finding_line(b, c->text, kb_findings_get(fs, i));
		}
	}
	kb_findings_free(fs);
	return pass;
}

/* The .dic files of dir, when it exists. */
static int pt_add_dir_lists(kb_speller *sp, kb_ctx *ctx, const char *data_dir)
{
	kb_buf dir;
	char **paths = NULL;
	size_t n = 0;
	kb_buf_init(&dir, 8192);
	if (kb_buf_printf(&dir, "%s/dictionaries", data_dir))
		return kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
	int rc = kb_list_dir(&paths, &n, ctx, dir.data, ".dic", 1000);
	if (rc == KB_ENOTFOUND) {
		kb_ctx_clear(ctx);
		rc = KB_OK;
	}
	for (size_t i = 0; !rc && i < n; i++)
		rc = kb_speller_add_dic(sp, ctx, paths[i]);
	kb_paths_free(paths);
	kb_buf_free(&dir);
	return rc;
}

int kb_plugintest_run(char **report, size_t *failed, kb_ctx *ctx, const kb_plugintest_options *opts,
                      const char *const *files, size_t nfiles)
{
	pt_run r = { 0 };
	pt_plugin *plugins = NULL;
	int *broken = NULL;
	pt_file *stats = NULL; /* each tested file stat'ed once, for pt_load_set and pt_load */
	kb_speller *sp = NULL;
	kb_buf out;
	int rc = KB_OK;
	*report = NULL;
	*failed = 0;
	r.ctx = ctx;
	kb_buf_init(&out, PT_MAX_REPORT);
	kb_ctx_clear(ctx);
	if (!nfiles)
		return kb_ctx_fail(ctx, KB_EINPUT, "ingen plugins at teste");
	if (nfiles > PT_MAX_FILES)
		return kb_ctx_fail(ctx, KB_EINPUT, "mere end %u plugins at teste", PT_MAX_FILES);
	if (!(plugins = calloc(nfiles, sizeof *plugins))) {
		rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
		goto done;
	}
	if ((rc = kb_speller_new(&sp, ctx, opts->hunspell_dir, "da_DK")))
		goto done;
	if (opts->data_dir && (rc = pt_add_dir_lists(sp, ctx, opts->data_dir)))
		goto done;
	if ((rc = kb_config_add_word_lists(opts->config, sp, ctx)))
		goto done;

	if (!(broken = calloc(nfiles, sizeof *broken)) || !(stats = calloc(nfiles, sizeof *stats))) {
		rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
		goto done;
	}
	for (size_t i = 0; i < nfiles; i++)
		stats[i] = pt_stat(files[i]);
	pt_load_set(&r, opts, sp, files, stats, nfiles, broken);
	for (size_t i = 0; i < nfiles && !r.oom; i++)
		if (!broken[i])
			pt_load(&r, &plugins[i], opts, sp, files[i], &stats[i]);
	if (r.oom) {
		rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
		goto done;
	}
	if (r.problems == 1) {
		char *only = kb_strdup(kb_ctx_detail(ctx, 0));
		rc = kb_ctx_fail(ctx, KB_EINPUT, "%s", only ? only : "fejl i input");
		free(only);
		goto done;
	}
	if (r.problems) {
		rc = kb_ctx_fail_keep(ctx, KB_EINPUT, "%zu fejl i plugins eller deres eksempler; intet er testet%s",
		                      r.problems, r.problems > PT_MAX_PROBLEMS ? " (de første vises)" : "");
		goto done;
	}

	size_t ncases = 0, nfailed = 0, ncases_failed = 0; /* nfailed also counts plugins without cases */
	for (size_t i = 0; i < nfiles; i++) {
		pt_plugin *p = &plugins[i];
		size_t before = nfailed;
		if (!p->ncases) {
			kb_buf_printf(&out,
			              "FEJL %s: har ingen eksempler; tilføj examples = { ok = { \"...\" }, bad = { "
			              "\"[[...]]\" } }\n",
			              p->name);
			nfailed++;
			continue;
		}
		for (size_t k = 0; k < p->ncases; k++) {
			int pass = pt_run_case(&out, ctx, p, &p->cases[k]);
			if (pass < 0) {
				rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
				goto done;
			}
			nfailed += !pass;
			ncases_failed += !pass;
			ncases++;
		}
		if (nfailed == before) {
			kb_buf_printf(&out, "OK   %s: %zu tilfælde", p->name, p->ncases);
			if (p->nfiles)
				kb_buf_printf(&out, " (%zu %s, %zu %s)", p->nexamples,
				              p->nexamples == 1 ? "eksempel" : "eksempler", p->nfiles,
				              p->nfiles == 1 ? "testfil" : "testfiler");
			kb_buf_adds(&out, " bestået\n");
		}
	}
	kb_buf_printf(&out, "%zu %s, %zu tilfælde: %zu bestået, %zu fejlet\n", nfiles,
	              nfiles == 1 ? "plugin" : "plugins", ncases, ncases - ncases_failed, nfailed);
	if (!out.data) {
		rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
		goto done;
	}
	*failed = nfailed;
	*report = kb_buf_detach(&out);
	if (!*report)
		rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
done:
	for (size_t i = 0; plugins && i < nfiles; i++)
		pt_plugin_clear(&plugins[i]);
	free(plugins);
	free(broken);
	free(stats);
	kb_speller_free(sp);
	kb_buf_free(&out);
	return rc;
}
