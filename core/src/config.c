/*
 * config.c -- reads the config file (format in config.h and docs/plugins.md), and applies the parts that are not
 * about one plugin's Lua state: word lists and [rules]. Options and levels are applied by plugins.c when a plugin's
 * state is made.
 *
 * The reader goes through every line and keeps every problem as "file:line: what is wrong; what to do", so a person
 * fixes the file in one go. It is a small line format on purpose: a section line "[name]", "key = value" lines and
 * comments (a line starting with '#' or ';', or " ; ..." / " # ..." after a value); a value in double quotes keeps
 * its spaces and its ';' and '#'. No escapes, no multi-line values, no includes.
 */
#include "config.h"
#include "encoding.h"
#include "findings.h"
#include "utf8.h"

#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define CF_MAX_FILE_BYTES (1u << 20)
#define CF_MAX_PROBLEMS   50u
#define CF_MAX_ENTRIES    10000u /* sections, keys, paths, rules: each list */
#define CF_MAX_ID         64u
#define CF_MAX_MESSAGE    600u /* bytes of one problem; longer ones are cut */

enum { CF_NONE, CF_SKIP, CF_KLARBREV, CF_PLUGIN, CF_RULES }; /* CF_SKIP: under a section line with a problem */

static const char *const cf_klarbrev_keys[] = { "plugin_folder", "word_list", "word_list_encoding", "plugin_memory_mb", "plugin_time_ms",
	                                        NULL };
static const char *const cf_sections[] = { "klarbrev", "plugin", "rules", NULL };
/* Other words for a section that people write (the Danish one), as pairs of word and section; not accepted, only
 * named in the "did you mean". */
static const char *const cf_section_aliases[][2] = { { "regler", "rules" } };

typedef struct cf_parser {
	kb_config *cfg;
	kb_ctx *ctx;
	const char *name; /* for messages */
	char *dir;        /* the folder relative paths start from */
	int oom;
	int section;
	kb_config_plugin *plugin; /* the current [plugin id] */
	int seen_klarbrev, seen_rules;
	int line_memory, line_time;
	char *list_encoding; /* word_list_encoding in force; NULL: UTF-8 */
} cf_parser;

/* ---- problems ---- */

#define CF_MAX_KEPT 1000u /* problems kept per list; the report shows the first CF_MAX_PROBLEMS by line */

/* Adds the text formatted in *b (taken over: *b is empty afterwards) as a problem at line. */
static void problems_push(kb_config_problems *ps, int line, kb_buf *b)
{
	if (ps->n >= CF_MAX_KEPT) {
		kb_buf_free(b);
		return;
	}
	if (b->len > CF_MAX_MESSAGE) { /* a value quoted from a very long line: cut at a character, say so */
		size_t n = CF_MAX_MESSAGE;
		while (n > 0 && ((unsigned char)b->data[n] & 0xC0u) == 0x80u)
			n--;
		b->len = n;
		kb_buf_adds(b, "…");
	}
	kb_config_problem *ni = b->data ? realloc(ps->items, (ps->n + 1) * sizeof *ni) : NULL;
	if (!ni) {
		kb_buf_free(b);
		ps->oom = 1;
		return;
	}
	ps->items = ni;
	ni[ps->n].line = line;
	ni[ps->n].text = kb_buf_detach(b);
	ps->n++;
}

void kb_config_problems_add(kb_config_problems *ps, int line, const char *fmt, ...)
{
	kb_buf b;
	va_list ap;
	if (ps->n >= CF_MAX_KEPT)
		return;
	kb_buf_init(&b, 4u * CF_MAX_FILE_BYTES);
	va_start(ap, fmt);
	kb_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	problems_push(ps, line, &b);
}

void kb_config_problems_free(kb_config_problems *ps)
{
	for (size_t i = 0; ps && i < ps->n; i++)
		free(ps->items[i].text);
	if (ps) {
		free(ps->items);
		ps->items = NULL;
		ps->n = 0;
	}
}

/* Records one problem at line (0: the file as a whole). Always returns KB_EINPUT. */
static int cf_problem(cf_parser *p, int line, const char *fmt, ...) KB_PRINTF(3, 4);
static int cf_problem(cf_parser *p, int line, const char *fmt, ...)
{
	kb_buf b;
	va_list ap;
	if (p->cfg->problems.n >= CF_MAX_KEPT)
		return KB_EINPUT;
	kb_buf_init(&b, 4u * CF_MAX_FILE_BYTES);
	if (line > 0)
		kb_buf_printf(&b, "%s:%d: ", p->name, line);
	else
		kb_buf_printf(&b, "%s: ", p->name);
	va_start(ap, fmt);
	kb_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (!b.data)
		p->oom = 1;
	else
		problems_push(&p->cfg->problems, line, &b);
	return KB_EINPUT;
}

int kb_config_report(const kb_config *cfg, kb_ctx *ctx, const kb_config_problems *more)
{
	size_t n1 = cfg ? cfg->problems.n : 0, n2 = more ? more->n : 0, n = n1 + n2;
	if ((cfg && cfg->problems.oom) || (more && more->oom))
		return kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
	if (!n)
		return KB_OK;
	const kb_config_problem **all = calloc(n, sizeof *all);
	if (!all)
		return kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
	for (size_t i = 0; i < n1; i++)
		all[i] = &cfg->problems.items[i];
	for (size_t i = 0; i < n2; i++)
		all[n1 + i] = &more->items[i];
	for (size_t i = 1; i < n; i++) { /* insertion sort: stable, and the lists are short (capped) */
		const kb_config_problem *x = all[i];
		size_t j = i;
		while (j > 0 && all[j - 1]->line > x->line) {
			all[j] = all[j - 1];
			j--;
		}
		all[j] = x;
	}
	kb_ctx_clear(ctx);
	int oom = 0;
	for (size_t i = 0; i < n && i < CF_MAX_PROBLEMS; i++)
		oom |= kb_ctx_add_detail(ctx, "%s", all[i]->text) != KB_OK;
	int rc;
	if (oom)
		rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
	else if (n == 1)
		rc = kb_ctx_fail(ctx, KB_EINPUT, "%s", all[0]->text);
	else
		rc = kb_ctx_fail_keep(ctx, KB_EINPUT, "%s: %zu fejl i opsætningsfilen%s", cfg ? cfg->path : "opsætning",
		                      n, n > CF_MAX_PROBLEMS ? " (de første vises)" : "");
	free((void *)all);
	return rc;
}

static int cf_is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* s[0..*len) without white space at either end (s moves). */
static const char *cf_trim(const char *s, size_t *len)
{
	while (*len && cf_is_blank(s[0])) {
		s++;
		(*len)--;
	}
	while (*len && cf_is_blank(s[*len - 1]))
		(*len)--;
	return s;
}

static int cf_is_name(const char *s, size_t len)
{
	if (len == 0 || len > CF_MAX_ID)
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
		      c == '-' || c == '.'))
			return 0;
	}
	return 1;
}

int kb_config_bool(const char *v)
{
	static const char *const yes[] = { "yes", "ja", "true", "on", "1", NULL };
	static const char *const no[] = { "no", "nej", "false", "off", "0", NULL };
	for (size_t i = 0; yes[i]; i++)
		if (!strcmp(v, yes[i]))
			return 1;
	for (size_t i = 0; no[i]; i++)
		if (!strcmp(v, no[i]))
			return 0;
	return -1;
}

/* Grows an array of elements of size sz to hold one more (what: its kind, for the message when the list is full).
 * Returns the new element (zeroed), or NULL after recording the problem or out of memory. */
static void *cf_push(cf_parser *p, int line, void **items, size_t *n, size_t sz, const char *what)
{
	if (*n >= CF_MAX_ENTRIES) {
		cf_problem(p, line, "mere end %u %s; så mange kan klarbrev ikke bruge", CF_MAX_ENTRIES, what);
		return NULL;
	}
	char *ni = realloc(*items, (*n + 1) * sz);
	if (!ni) {
		p->oom = 1;
		return NULL;
	}
	*items = ni;
	memset(ni + *n * sz, 0, sz);
	return ni + (*n)++ * sz;
}

static char *cf_resolve(const cf_parser *p, const char *path)
{
	return kb_path_join(p->dir, path);
}

/* ---- one line ---- */

static void cf_section(cf_parser *p, int line, const char *s, size_t len)
{
	s = cf_trim(s, &len);
	const char *sp = s;
	while (sp < s + len && !cf_is_blank(*sp))
		sp++;
	size_t wl = (size_t)(sp - s);
	p->plugin = NULL;
	p->section = CF_SKIP;
	if (wl == 8 && !memcmp(s, "klarbrev", 8) && wl == len) {
		if (p->seen_klarbrev)
			cf_problem(p, line, "afsnittet [klarbrev] står her for anden gang; saml det i ét afsnit");
		p->seen_klarbrev = 1;
		p->section = CF_KLARBREV;
		return;
	}
	if (wl == 5 && !memcmp(s, "rules", 5) && wl == len) {
		if (p->seen_rules)
			cf_problem(p, line, "afsnittet [rules] står her for anden gang; saml det i ét afsnit");
		p->seen_rules = 1;
		p->section = CF_RULES;
		return;
	}
	if (wl == 6 && !memcmp(s, "plugin", 6)) {
		size_t il = len - wl;
		const char *id = cf_trim(sp, &il);
		if (il >= 2 && id[0] == '"' && id[il - 1] == '"') {
			id++;
			il -= 2;
		}
		if (!cf_is_name(id, il)) {
			cf_problem(
			    p, line,
			    "[plugin %.*s]: skriv pluginnets id efter »plugin«, fx [plugin readability] (bogstaverne "
			    "a-z, tal, - og _)",
			    (int)il, id);
			return;
		}
		for (size_t i = 0; i < p->cfg->nplugins; i++) {
			if (strlen(p->cfg->plugins[i].id) == il && !memcmp(p->cfg->plugins[i].id, id, il)) {
				cf_problem(p, line, "[plugin %.*s] står også i linje %d; saml det i ét afsnit", (int)il,
				           id, p->cfg->plugins[i].line);
				return;
			}
		}
		kb_config_plugin *pl =
		    cf_push(p, line, (void **)&p->cfg->plugins, &p->cfg->nplugins, sizeof *p->cfg->plugins, "afsnit");
		if (!pl)
			return;
		if (!(pl->id = kb_strndup(id, il))) {
			p->oom = 1;
			return;
		}
		pl->line = line;
		pl->enabled = 1;
		p->plugin = pl;
		p->section = CF_PLUGIN;
		return;
	}
	char word[CF_MAX_ID + 1];
	snprintf(word, sizeof word, "%.*s", (int)(wl < CF_MAX_ID ? wl : CF_MAX_ID), s);
	const char *near = kb_nearest_name(word, cf_sections);
	for (size_t i = 0; !near && i < sizeof cf_section_aliases / sizeof cf_section_aliases[0]; i++)
		if (!strcmp(word, cf_section_aliases[i][0]))
			near = cf_section_aliases[i][1];
	if (near)
		cf_problem(p, line, "ukendt afsnit [%.*s]; mente du [%s]? Et afsnit er [klarbrev], [plugin ID] eller [rules]",
		           (int)len, s, near);
	else
		cf_problem(p, line, "ukendt afsnit [%.*s]; et afsnit er [klarbrev], [plugin ID] eller [rules]", (int)len, s);
}

/* plugin_memory_mb and plugin_time_ms: a whole number in [lo, hi]. Returns -1 after a problem. */
static long cf_number(cf_parser *p, int line, const char *key, const char *v, long lo, long hi)
{
	char *end = NULL;
	long n = strtol(v, &end, 10);
	if (!*v || *end || n < lo || n > hi) {
		cf_problem(p, line, "%s skal være et helt tal fra %ld til %ld, ikke »%s«", key, lo, hi, v);
		return -1;
	}
	return n;
}

static void cf_add_path(cf_parser *p, int line, kb_config_path **list, size_t *n, const char *v, int want_dir)
{
	struct stat st;
	char *path = cf_resolve(p, v);
	if (!path) {
		p->oom = 1;
		return;
	}
	if (stat(path, &st) != 0) {
		cf_problem(p, line, "%s %s findes ikke", want_dir ? "mappen" : "ordlisten", path);
		free(path);
		return;
	}
	if (want_dir && !S_ISDIR(st.st_mode)) {
		cf_problem(p, line, "%s er ikke en mappe; plugin_folder skal pege på en mappe med .lua-filer", path);
		free(path);
		return;
	}
	if (!want_dir && !S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode)) {
		cf_problem(p, line, "%s er hverken en fil eller en mappe", path);
		free(path);
		return;
	}
	kb_config_path *e = cf_push(p, line, (void **)list, n, sizeof **list, want_dir ? "mapper" : "ordlister");
	if (!e) {
		free(path);
		return;
	}
	e->path = path;
	e->line = line;
}

static void cf_klarbrev_key(cf_parser *p, int line, const char *key, const char *v)
{
	if (!strcmp(key, "plugin_folder")) {
		cf_add_path(p, line, &p->cfg->plugin_dirs, &p->cfg->nplugin_dirs, v, 1);
	} else if (!strcmp(key, "word_list")) {
		size_t before = p->cfg->nword_lists;
		cf_add_path(p, line, &p->cfg->word_lists, &p->cfg->nword_lists, v, 0);
		if (p->cfg->nword_lists > before && p->list_encoding &&
		    !(p->cfg->word_lists[before].encoding = kb_strdup(p->list_encoding)))
			p->oom = 1;
	} else if (!strcmp(key, "word_list_encoding")) {
		/* checked here, so a misspelt character set is named with its line */
		iconv_t cd = kb_encoding_is_utf8(v) ? (iconv_t)0 : iconv_open("UTF-8", v);
		if (cd == (iconv_t)-1) {
			cf_problem(p, line, "tegnsættet »%s« kendes ikke; skriv fx windows-1252, iso-8859-1 eller utf-8", v);
		} else {
			if (cd != (iconv_t)0)
				iconv_close(cd);
			free(p->list_encoding);
			p->list_encoding = kb_encoding_is_utf8(v) ? NULL : kb_strdup(v);
		}
	} else if (!strcmp(key, "plugin_memory_mb")) {
		if (p->line_memory)
			cf_problem(p, line, "plugin_memory_mb står også i linje %d", p->line_memory);
		long n = cf_number(p, line, key, v, 1, 4096);
		if (n > 0)
			p->cfg->plugin_memory = (size_t)n * 1024u * 1024u;
		p->line_memory = line;
	} else if (!strcmp(key, "plugin_time_ms")) {
		if (p->line_time)
			cf_problem(p, line, "plugin_time_ms står også i linje %d", p->line_time);
		long n = cf_number(p, line, key, v, 10, 600000);
		if (n > 0)
			p->cfg->plugin_time_ms = (unsigned)n;
		p->line_time = line;
	} else {
		const char *near = kb_nearest_name(key, cf_klarbrev_keys);
		if (near)
			cf_problem(p, line, "ukendt nøgle »%s« i [klarbrev]; mente du »%s«?", key, near);
		else
			cf_problem(p, line,
			           "ukendt nøgle »%s« i [klarbrev]; her kan stå plugin_folder, word_list, word_list_encoding, "
			           "plugin_memory_mb og plugin_time_ms (et plugins indstillinger hører til under "
			           "[plugin ID])",
			           key);
	}
}

/* "a, b, c" -> the non-empty items, trimmed. */
static void cf_ignore(cf_parser *p, int line, kb_config_plugin *pl, const char *v)
{
	const char *s = v;
	pl->ignore_line = line;
	for (;;) {
		const char *comma = strchr(s, ',');
		size_t n = comma ? (size_t)(comma - s) : strlen(s);
		const char *item = cf_trim(s, &n);
		if (n == 0) {
			cf_problem(p, line,
			           "ignore: en tom frase; skriv fraserne adskilt af komma, fx ignore = såfremt, "
			           "i henhold til");
			return;
		}
		if (pl->nignore >= CF_MAX_ENTRIES) {
			cf_problem(p, line, "ignore: mere end %u fraser", CF_MAX_ENTRIES);
			return;
		}
		char **ni = realloc(pl->ignore, (pl->nignore + 2) * sizeof *ni);
		if (!ni) {
			p->oom = 1;
			return;
		}
		pl->ignore = ni;
		if (!(ni[pl->nignore] = kb_strndup(item, n))) {
			ni[pl->nignore] = NULL;
			p->oom = 1;
			return;
		}
		ni[++pl->nignore] = NULL;
		if (!comma)
			return;
		s = comma + 1;
	}
}

static void cf_plugin_key(cf_parser *p, int line, const char *key, const char *v)
{
	kb_config_plugin *pl = p->plugin;
	if (!pl)
		return; /* its [plugin ...] line had a problem already */
	if (!strcmp(key, "enabled")) {
		int b = kb_config_bool(v);
		if (b < 0)
			cf_problem(p, line, "enabled skal være yes eller no, ikke »%s«", v);
		else
			pl->enabled = b;
		return;
	}
	if (!strcmp(key, "level")) {
		if (kb_level_parse(&pl->level, v) != KB_OK)
			cf_problem(p, line, "level skal være error, warning eller info, ikke »%s«", v);
		else
			pl->has_level = 1;
		return;
	}
	if (!strcmp(key, "ignore")) {
		if (pl->ignore_line)
			cf_problem(p, line, "ignore står også i linje %d; skriv alle fraserne på én linje",
			           pl->ignore_line);
		else
			cf_ignore(p, line, pl, v);
		return;
	}
	for (size_t i = 0; i < pl->noptions; i++) {
		if (!strcmp(pl->options[i].key, key)) {
			cf_problem(p, line, "%s står også i linje %d", key, pl->options[i].line);
			return;
		}
	}
	kb_config_value *o =
	    cf_push(p, line, (void **)&pl->options, &pl->noptions, sizeof *pl->options, "indstillinger");
	if (!o)
		return;
	if (!(o->key = kb_strdup(key)) || !(o->value = kb_strdup(v))) {
		p->oom = 1;
		return;
	}
	o->line = line;
}

static void cf_rule(cf_parser *p, int line, const char *key, const char *v)
{
	if (!strcmp(key, "plugin")) {
		cf_problem(p, line, "reglen »plugin« kan ikke ændres: en regel, der fejler, skal altid stoppe brevet");
		return;
	}
	kb_config_rule r = { 0 };
	r.line = line;
	if (!strcmp(v, "off") || kb_config_bool(v) == 0) {
		r.off = 1;
	} else if (kb_level_parse(&r.level, v) != KB_OK) {
		cf_problem(p, line, "reglen %s: skriv off, error, warning eller info, ikke »%s«", key, v);
		return;
	}
	for (size_t i = 0; i < p->cfg->nrules; i++) {
		if (!strcmp(p->cfg->rules[i].id, key)) {
			cf_problem(p, line, "reglen %s står også i linje %d", key, p->cfg->rules[i].line);
			return;
		}
	}
	kb_config_rule *e = cf_push(p, line, (void **)&p->cfg->rules, &p->cfg->nrules, sizeof *p->cfg->rules, "regler");
	if (!e)
		return;
	if (!(r.id = kb_strdup(key))) {
		p->oom = 1;
		return;
	}
	*e = r;
}

/* 1 when s[0..len) is blank or a comment (" ; ..." or " # ..."). */
static int cf_rest_is_comment(const char *s, size_t len)
{
	s = cf_trim(s, &len);
	return len == 0 || s[0] == ';' || s[0] == '#';
}

/* s[0..*len) without a comment after it: a ';' or '#' after white space, outside quotes, starts one. A value that
 * starts with '"' runs to the next '"'. Returns 0, or -1 when such a quote is not closed or text follows it. */
static int cf_cut_comment(const char *s, size_t *len)
{
	if (*len && s[0] == '"') {
		const char *q = memchr(s + 1, '"', *len - 1);
		if (!q || !cf_rest_is_comment(q + 1, *len - (size_t)(q + 1 - s)))
			return -1;
		*len = (size_t)(q + 1 - s);
		return 0;
	}
	for (size_t i = 1; i < *len; i++) {
		if ((s[i] == ';' || s[i] == '#') && cf_is_blank(s[i - 1])) {
			*len = i;
			break;
		}
	}
	cf_trim(s, len);
	return 0;
}

static void cf_line(cf_parser *p, int line, const char *s, size_t len)
{
	s = cf_trim(s, &len);
	if (len == 0 || s[0] == '#' || s[0] == ';')
		return;
	if (!kb_utf8_valid(s, len)) {
		cf_problem(p, line, "linjen er ikke gyldig UTF-8; gem filen som UTF-8");
		return;
	}
	if (s[0] == '[') {
		const char *close = memchr(s, ']', len);
		if (!close || !cf_rest_is_comment(close + 1, len - (size_t)(close + 1 - s))) {
			cf_problem(p, line, "en afsnitslinje skal slutte med ], fx [plugin readability]");
			p->section = CF_SKIP;
			p->plugin = NULL;
			return;
		}
		cf_section(p, line, s + 1, (size_t)(close - s) - 1);
		return;
	}
	const char *eq = memchr(s, '=', len);
	if (!eq) {
		cf_problem(p, line,
		           "»%.*s« er hverken et afsnit ([...]), en indstilling (nøgle = værdi) eller en "
		           "kommentar (# ...)",
		           (int)(len > 80 ? 80 : len), s);
		return;
	}
	size_t kl = (size_t)(eq - s), vl = len - kl - 1;
	const char *k = cf_trim(s, &kl), *v = cf_trim(eq + 1, &vl);
	if (!cf_is_name(k, kl)) {
		cf_problem(p, line, "»%.*s« er ikke en gyldig nøgle (bogstaverne a-z, tal, - og _)", (int)kl, k);
		return;
	}
	if (cf_cut_comment(v, &vl)) {
		cf_problem(p, line, "%.*s: anførselstegnet lukkes ikke, eller der står tekst efter det", (int)kl, k);
		return;
	}
	if (vl >= 2 && v[0] == '"' && v[vl - 1] == '"') {
		v++;
		vl -= 2;
	}
	char key[CF_MAX_ID + 1];
	memcpy(key, k, kl);
	key[kl] = '\0';
	char *val = kb_strndup(v, vl);
	if (!val) {
		p->oom = 1;
		return;
	}
	if (p->section == CF_SKIP) {
		/* the section line had a problem; its keys would only repeat it */
	} else if (p->section != CF_PLUGIN && vl == 0)
		cf_problem(p, line, "%s har ingen værdi", key);
	else if (p->section == CF_KLARBREV)
		cf_klarbrev_key(p, line, key, val);
	else if (p->section == CF_PLUGIN)
		cf_plugin_key(p, line, key, val);
	else if (p->section == CF_RULES)
		cf_rule(p, line, key, val);
	else
		cf_problem(p, line, "%s står uden for et afsnit; skriv [klarbrev], [plugin ID] eller [rules] over den",
		           key);
	free(val);
}

/* ---- the file ---- */

int kb_config_read_buffer(kb_config **out, kb_ctx *ctx, const char *text, size_t len, const char *path)
{
	*out = NULL;
	cf_parser p = { 0 };
	p.ctx = ctx;
	p.name = path ? path : "opsætning";
	kb_ctx_clear(ctx);
	if (!(p.cfg = calloc(1, sizeof *p.cfg)) || !(p.cfg->path = kb_strdup(p.name)) || !(p.dir = kb_path_dir(p.name))) {
		kb_config_free(p.cfg);
		free(p.dir);
		return kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
	}
	if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3)) {
		text += 3;
		len -= 3;
	}
	if (memchr(text, '\0', len))
		cf_problem(&p, 0, "filen indeholder NUL-tegn; det er ikke en tekstfil");
	int line = 0;
	for (size_t pos = 0; !p.oom && pos < len;) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len;
		cf_line(&p, ++line, text + pos, end - pos);
		pos = end + 1;
	}
	free(p.dir);
	free(p.list_encoding);
	if (p.oom || p.cfg->problems.oom) {
		kb_config_free(p.cfg);
		return kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
	}
	*out = p.cfg;
	return KB_OK;
}

int kb_config_parse(kb_config **out, kb_ctx *ctx, const char *text, size_t len, const char *path)
{
	kb_config *cfg = NULL;
	int rc = kb_config_read_buffer(&cfg, ctx, text, len, path);
	if (!rc && (rc = kb_config_report(cfg, ctx, NULL)) != KB_OK) {
		kb_config_free(cfg);
		cfg = NULL;
	}
	*out = cfg;
	return rc;
}

/* Reads the file at path (the messages for a file that cannot be read are the same for every caller). */
static int cf_read_file(char **text, size_t *len, kb_ctx *ctx, const char *path)
{
	struct stat st;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return kb_ctx_fail(ctx, KB_EINPUT, "opsætningsfilen %s er en mappe; angiv filen, fx %s/kommune.ini",
		                   path, path);
	int rc = kb_read_file(text, len, ctx, path, CF_MAX_FILE_BYTES);
	if (rc == KB_ENOTFOUND)
		return kb_ctx_fail(ctx, rc, "opsætningsfilen %s findes ikke", path);
	if (rc == KB_ELIMIT)
		return kb_ctx_fail(ctx, KB_EINPUT, "opsætningsfilen %s er større end %u byte", path,
		                   CF_MAX_FILE_BYTES);
	if (rc == KB_EINPUT) {
		char *why = kb_strdup(kb_ctx_errmsg(ctx)); /* the message is about to be replaced */
		rc = kb_ctx_fail(ctx, rc, "opsætningsfilen %s kan ikke læses (%s)", path, why ? why : "");
		free(why);
	}
	return rc;
}

/* Reads the file at path and hands its text to from (kb_config_read_buffer or kb_config_parse). */
static int cf_from_file(kb_config **out, kb_ctx *ctx, const char *path,
                        int (*from)(kb_config **, kb_ctx *, const char *, size_t, const char *))
{
	char *text = NULL;
	size_t len = 0;
	*out = NULL;
	int rc = cf_read_file(&text, &len, ctx, path);
	if (!rc)
		rc = from(out, ctx, text, len, path);
	free(text);
	return rc;
}

int kb_config_read(kb_config **out, kb_ctx *ctx, const char *path)
{
	return cf_from_file(out, ctx, path, kb_config_read_buffer);
}

int kb_config_load(kb_config **out, kb_ctx *ctx, const char *path)
{
	return cf_from_file(out, ctx, path, kb_config_parse);
}

void kb_config_free(kb_config *cfg)
{
	if (!cfg)
		return;
	for (size_t i = 0; i < cfg->nplugin_dirs; i++)
		free(cfg->plugin_dirs[i].path);
	free(cfg->plugin_dirs);
	for (size_t i = 0; i < cfg->nword_lists; i++) {
		free(cfg->word_lists[i].path);
		free(cfg->word_lists[i].encoding);
	}
	free(cfg->word_lists);
	for (size_t i = 0; i < cfg->nplugins; i++) {
		kb_config_plugin *pl = &cfg->plugins[i];
		free(pl->id);
		for (size_t k = 0; k < pl->nignore; k++)
			free(pl->ignore[k]);
		free(pl->ignore);
		for (size_t k = 0; k < pl->noptions; k++) {
			free(pl->options[k].key);
			free(pl->options[k].value);
		}
		free(pl->options);
	}
	free(cfg->plugins);
	for (size_t i = 0; i < cfg->nrules; i++)
		free(cfg->rules[i].id);
	free(cfg->rules);
	kb_config_problems_free(&cfg->problems);
	free(cfg->path);
	free(cfg);
}

const kb_config_plugin *kb_config_plugin_find(const kb_config *cfg, const char *id)
{
	for (size_t i = 0; cfg && id && i < cfg->nplugins; i++)
		if (!strcmp(cfg->plugins[i].id, id))
			return &cfg->plugins[i];
	return NULL;
}

/* ---- rules ---- */

/* The rules spell.c reports besides the plugins' (keep in step with spell.c and docs/report.md). */
const char *const kb_config_builtin_rules[] = { "stavning", "stavning-forslag", "ikke-dansk", NULL };

/* ---- applying ---- */

int kb_config_add_word_lists(const kb_config *cfg, kb_speller *sp, kb_ctx *ctx)
{
	int rc = KB_OK;
	for (size_t i = 0; !rc && cfg && i < cfg->nword_lists; i++) {
		const char *path = cfg->word_lists[i].path;
		struct stat st;
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
			char **paths = NULL;
			size_t n = 0;
			rc = kb_list_dir(&paths, &n, ctx, path, ".dic", 1000);
			for (size_t k = 0; !rc && k < n; k++)
				rc = kb_speller_add_wordlist(sp, ctx, paths[k], cfg->word_lists[i].encoding);
			kb_paths_free(paths);
		} else {
			rc = kb_speller_add_wordlist(sp, ctx, path, cfg->word_lists[i].encoding);
		}
		if (rc && rc != KB_ENOMEM) {
			char *why = kb_strdup(kb_ctx_errmsg(ctx));
			rc = kb_ctx_fail(ctx, KB_EINPUT, "%s:%d: ordlisten kan ikke bruges: %s", cfg->path,
			                 cfg->word_lists[i].line, why ? why : "");
			free(why);
		}
	}
	return rc;
}

static int cf_rule_filter(void *ud, kb_finding *f)
{
	const kb_config *cfg = ud;
	if (!strcmp(f->rule, "plugin"))
		return 1;
	for (size_t i = 0; i < cfg->nrules; i++) {
		if (strcmp(cfg->rules[i].id, f->rule) != 0)
			continue;
		if (cfg->rules[i].off)
			return 0;
		f->level = cfg->rules[i].level;
		return 1;
	}
	return 1;
}

void kb_config_apply_rules(const kb_config *cfg, kb_findings *fs)
{
	if (cfg && cfg->nrules)
		kb_findings_filter(fs, cf_rule_filter, (void *)cfg);
}
