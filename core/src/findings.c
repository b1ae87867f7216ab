/* findings.c -- the finding list, levels, and the two report writers (text for people, JSON for programs). */
#include "findings.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct kb_findings {
	kb_finding *items;
	size_t n, cap;
};

const char *kb_level_name(kb_level level)
{
	switch (level) {
	case KB_LEVEL_ERROR: return "error";
	case KB_LEVEL_WARNING: return "warning";
	default: return "info";
	}
}

int kb_level_parse(kb_level *out, const char *name)
{
	if (!name)
		return KB_EINPUT;
	if (!strcmp(name, "error") || !strcmp(name, "fejl"))
		*out = KB_LEVEL_ERROR;
	else if (!strcmp(name, "warning") || !strcmp(name, "advarsel"))
		*out = KB_LEVEL_WARNING;
	else if (!strcmp(name, "info"))
		*out = KB_LEVEL_INFO;
	else
		return KB_EINPUT;
	return KB_OK;
}

const char *kb_part_kind_name(kb_part_kind kind)
{
	switch (kind) {
	case KB_PART_HEADER: return "header";
	case KB_PART_FOOTER: return "footer";
	case KB_PART_FOOTNOTE: return "footnote";
	case KB_PART_ENDNOTE: return "endnote";
	default: return "body";
	}
}

int kb_findings_new(kb_findings **out)
{
	*out = calloc(1, sizeof **out);
	return *out ? KB_OK : KB_ENOMEM;
}

static void finding_clear(kb_finding *f)
{
	free(f->rule);
	free(f->message);
	free(f->text);
	free(f->origin);
	free(f->source);
	for (size_t i = 0; i < f->nsuggestions; i++)
		free(f->suggestions[i]);
	free(f->suggestions);
}

void kb_findings_free(kb_findings *fs)
{
	if (!fs)
		return;
	for (size_t i = 0; i < fs->n; i++)
		finding_clear(&fs->items[i]);
	free(fs->items);
	free(fs);
}

/* Copies an optional string; *ok turns 0 when a non-NULL string could not be copied. */
static char *dup_opt(const char *s, int *ok)
{
	if (!s)
		return NULL;
	char *d = kb_strdup(s);
	if (!d)
		*ok = 0;
	return d;
}

#define KB_MAX_FINDINGS 100000

int kb_findings_add(kb_findings *fs, const kb_finding *f)
{
	if (fs->n >= KB_MAX_FINDINGS)
		return KB_ELIMIT;
	if (fs->n == fs->cap) {
		size_t ncap = fs->cap ? fs->cap * 2 : 16;
		kb_finding *ni = realloc(fs->items, ncap * sizeof *ni);
		if (!ni)
			return KB_ENOMEM;
		fs->items = ni;
		fs->cap = ncap;
	}
	int ok = 1;
	kb_finding c = *f;
	c.rule = dup_opt(f->rule ? f->rule : "unknown", &ok);
	c.message = dup_opt(f->message ? f->message : "", &ok);
	c.text = dup_opt(f->text, &ok);
	c.origin = dup_opt(f->origin, &ok);
	c.source = dup_opt(f->source, &ok);
	c.suggestions = NULL;
	c.nsuggestions = 0;
	if (ok && f->nsuggestions) {
		c.suggestions = calloc(f->nsuggestions, sizeof *c.suggestions);
		if (!c.suggestions)
			ok = 0;
		for (size_t i = 0; ok && i < f->nsuggestions; i++) {
			c.suggestions[i] = dup_opt(f->suggestions[i] ? f->suggestions[i] : "", &ok);
			c.nsuggestions = i + 1;
		}
	}
	if (!ok) {
		finding_clear(&c);
		return KB_ENOMEM;
	}
	fs->items[fs->n++] = c;
	return KB_OK;
}

size_t kb_findings_count(const kb_findings *fs)
{
	return fs ? fs->n : 0;
}

const kb_finding *kb_findings_get(const kb_findings *fs, size_t i)
{
	return fs && i < fs->n ? &fs->items[i] : NULL;
}

size_t kb_findings_count_level(const kb_findings *fs, kb_level level)
{
	size_t n = 0;
	for (size_t i = 0; fs && i < fs->n; i++)
		n += fs->items[i].level == level;
	return n;
}

void kb_findings_filter(kb_findings *fs, kb_finding_keep_fn keep, void *ud)
{
	size_t k = 0;
	for (size_t i = 0; fs && i < fs->n; i++) {
		if (keep(ud, &fs->items[i]))
			fs->items[k++] = fs->items[i];
		else
			finding_clear(&fs->items[i]);
	}
	if (fs)
		fs->n = k;
}

static int finding_cmp(const kb_finding *a, const kb_finding *b)
{
	if (a->paragraph != b->paragraph)
		return a->paragraph < b->paragraph ? -1 : 1;
	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	return strcmp(a->rule, b->rule);
}

void kb_findings_sort(kb_findings *fs)
{
	/* insertion sort: stable, and finding lists are short and nearly sorted */
	for (size_t i = 1; fs && i < fs->n; i++) {
		kb_finding x = fs->items[i];
		size_t j = i;
		while (j > 0 && finding_cmp(&fs->items[j - 1], &x) > 0) {
			fs->items[j] = fs->items[j - 1];
			j--;
		}
		fs->items[j] = x;
	}
}

/* ---- reports ---- */

static double round2(double x)
{
	return round(x * 100.0) / 100.0;
}

/* "stavning", "afsnit 3", "sidehoved" ... where a finding is, said for a caseworker. */
static void where_text(kb_buf *b, const kb_finding *f, const kb_text *text)
{
	if (f->paragraph < 0 || !text || (size_t)f->paragraph >= text->nparas) {
		kb_buf_adds(b, "brevet");
		return;
	}
	const kb_paragraph *p = &text->paras[f->paragraph];
	size_t nth = 0; /* paragraph number within its part, 1-based */
	for (long i = 0; i <= f->paragraph; i++)
		if (text->paras[i].part == p->part && !strcmp(text->paras[i].part_name, p->part_name))
			nth++;
	const char *part = p->part == KB_PART_HEADER     ? "sidehoved"
	                   : p->part == KB_PART_FOOTER   ? "sidefod"
	                   : p->part == KB_PART_FOOTNOTE ? "fodnote"
	                   : p->part == KB_PART_ENDNOTE  ? "slutnote"
	                                                 : NULL;
	if (part)
		kb_buf_printf(b, "%s, afsnit %zu", part, nth);
	else
		kb_buf_printf(b, "afsnit %zu", nth);
}

/* 1 when a finding's source is a plugin file ("plugins/readability.lua"), not "spell" or "core". */
static int is_plugin_file(const char *source)
{
	size_t n = source ? strlen(source) : 0;
	return n > 4 && !strcmp(source + n - 4, ".lua");
}

char *kb_report_text(const kb_findings *fs, const kb_text *text, const kb_metrics *m)
{
	kb_buf b;
	kb_buf_init(&b, (size_t)1 << 30);
	size_t n = kb_findings_count(fs);
	for (size_t i = 0; i < n; i++) {
		const kb_finding *f = kb_findings_get(fs, i);
		const char *lv = f->level == KB_LEVEL_ERROR ? "FEJL" : f->level == KB_LEVEL_WARNING ? "ADVARSEL" : "INFO";
		if (is_plugin_file(f->source))
			kb_buf_printf(&b, "%s [%s · %s] ", lv, f->rule, f->source);
		else
			kb_buf_printf(&b, "%s [%s] ", lv, f->rule);
		where_text(&b, f, text);
		kb_buf_printf(&b, ": %s", f->message);
		if (f->nsuggestions) {
			kb_buf_adds(&b, " Forslag: ");
			for (size_t s = 0; s < f->nsuggestions; s++)
				kb_buf_printf(&b, "%s»%s«", s ? ", " : "", f->suggestions[s]);
			kb_buf_addc(&b, '.');
		}
		if (f->origin && strncmp(f->origin, "field:", 6) == 0)
			kb_buf_printf(&b, " (i feltet %s)", f->origin + 6);
		else if (f->origin && strncmp(f->origin, "partial:", 8) == 0)
			kb_buf_printf(&b, " (i standardafsnittet %s)", f->origin + 8);
		kb_buf_addc(&b, '\n');
	}
	size_t ne = kb_findings_count_level(fs, KB_LEVEL_ERROR), nw = kb_findings_count_level(fs, KB_LEVEL_WARNING);
	if (m)
		kb_buf_printf(&b, "LIX %.1f · %zu ord · %zu sætninger · %zu fejl · %zu advarsler\n", m->lix, m->words,
		              m->sentences, ne, nw);
	else
		kb_buf_printf(&b, "%zu fejl · %zu advarsler\n", ne, nw);
	if (!b.data) /* out of memory before the first byte */
		return NULL;
	return kb_buf_detach(&b);
}

/* json_object_set_new that survives a NULL value (out of memory) by reporting failure. */
static int jset(json_t *obj, const char *key, json_t *v)
{
	return v ? json_object_set_new(obj, key, v) : -1;
}

static json_t *jstr_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

json_t *kb_report_json_value(const kb_findings *fs, const kb_text *text, const kb_metrics *m)
{
	json_t *root = json_object();
	json_t *arr = json_array();
	int bad = !root || !arr;
	size_t n = kb_findings_count(fs);
	for (size_t i = 0; !bad && i < n; i++) {
		const kb_finding *f = kb_findings_get(fs, i);
		json_t *o = json_object();
		json_t *sugg = json_array();
		bad |= !o || !sugg;
		for (size_t s = 0; !bad && s < f->nsuggestions; s++)
			bad |= json_array_append_new(sugg, json_string(f->suggestions[s])) != 0;
		const char *part = NULL;
		if (text && f->paragraph >= 0 && (size_t)f->paragraph < text->nparas)
			part = kb_part_kind_name(text->paras[f->paragraph].part);
		if (!bad) {
			bad |= jset(o, "rule", json_string(f->rule));
			bad |= jset(o, "level", json_string(kb_level_name(f->level)));
			bad |= jset(o, "message", json_string(f->message));
			bad |= jset(o, "paragraph", f->paragraph >= 0 ? json_integer(f->paragraph) : json_null());
			bad |= jset(o, "part", jstr_or_null(part));
			bad |= jset(o, "start", json_integer((json_int_t)f->start));
			bad |= jset(o, "length", json_integer((json_int_t)f->len));
			bad |= jset(o, "text", jstr_or_null(f->text));
			bad |= jset(o, "origin", jstr_or_null(f->origin));
			bad |= jset(o, "source", jstr_or_null(f->source));
			bad |= jset(o, "suggestions", sugg);
			sugg = NULL;
			bad |= json_array_append_new(arr, o) != 0;
			o = NULL;
		}
		json_decref(sugg);
		json_decref(o);
	}
	if (!bad) {
		bad |= jset(root, "findings", arr);
		arr = NULL;
		json_t *mo = json_object();
		bad |= !mo;
		if (!bad && m) {
			bad |= jset(mo, "lix", json_real(round2(m->lix)));
			bad |= jset(mo, "words", json_integer((json_int_t)m->words));
			bad |= jset(mo, "sentences", json_integer((json_int_t)m->sentences));
			bad |= jset(mo, "long_words", json_integer((json_int_t)m->long_words));
			bad |= jset(mo, "paragraphs", json_integer((json_int_t)m->paragraphs));
		}
		bad |= jset(root, "metrics", mo);
		json_t *sum = json_object();
		bad |= !sum;
		if (!bad) {
			bad |= jset(sum, "errors", json_integer((json_int_t)kb_findings_count_level(fs, KB_LEVEL_ERROR)));
			bad |= jset(sum, "warnings", json_integer((json_int_t)kb_findings_count_level(fs, KB_LEVEL_WARNING)));
			bad |= jset(sum, "infos", json_integer((json_int_t)kb_findings_count_level(fs, KB_LEVEL_INFO)));
		}
		bad |= jset(root, "summary", sum);
	}
	json_decref(arr);
	if (bad) {
		json_decref(root);
		return NULL;
	}
	return root;
}

char *kb_report_json(const kb_findings *fs, const kb_text *text, const kb_metrics *m)
{
	json_t *root = kb_report_json_value(fs, text, m);
	char *out = root ? json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10)) : NULL;
	json_decref(root);
	if (!out)
		return NULL;
	/* json_dumps allocates with jansson's allocator (malloc by default); hand back a malloc'd copy to be safe */
	char *copy = kb_strdup(out);
	free(out);
	return copy;
}
