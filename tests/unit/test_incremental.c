/* test_incremental.c -- the paragraph memo of the plugins gives the findings a full check gives, finding for finding
 * (issue 13): one checker with the memo and one with full_check are fed the same letters in the same order -- the
 * sample template afslag-kontanthjaelp rendered with several cases (values that make findings, values over more
 * than one paragraph, so the paragraphs move), then every letter of tests/letters (filled through its manifest and
 * case when it has them, as tests/cli/test_letters.sh does) -- twice, the second time in another order. */
#include "kbtest.h"
#include "checker.h"
#include "docxfix.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DATA_DIR KB_TEST_BINARY_DIR "/share/klarbrev"
#define SAMPLE   DATA_DIR "/templates/afslag-kontanthjaelp"
#define LETTERS  KB_TEST_SOURCE_DIR "/tests/letters"
#define FIXTURES KB_TEST_SOURCE_DIR "/../shared/fixtures/docxtemplater"

static kb_ctx *g_ctx;

/* One letter to check: rendered from a template and a case (tpl, case_json; curly: docxtemplater's { } delimiters),
 * or a letter file (path). */
typedef struct item {
	char *tpl, *case_json, *path;
	int curly;
} item;

static item g_items[200];
static size_t g_nitems;
static char g_tmp[64];

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	static char buf[1 << 20];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	return strdup(buf);
}

static void copy_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	char buf[65536];
	size_t n;
	while (in && out && (n = fread(buf, 1, sizeof buf, in)) > 0)
		fwrite(buf, 1, n, out);
	if (in)
		fclose(in);
	if (out)
		fclose(out);
}

/* The sample case with field path (a.b) set to value. */
static char *sample_case(const char *const *sets)
{
	char *text = read_all(SAMPLE "/example.json");
	json_error_t err;
	json_t *c = text ? json_loads(text, 0, &err) : NULL;
	free(text);
	for (size_t i = 0; c && sets[i]; i += 2) {
		char obj[64];
		const char *dot = strchr(sets[i], '.');
		snprintf(obj, sizeof obj, "%.*s", (int)(dot - sets[i]), sets[i]);
		json_t *o = json_object_get(c, obj);
		if (!o) {
			o = json_object();
			json_object_set_new(c, obj, o);
		}
		json_object_set_new(o, dot + 1, json_string(sets[i + 1]));
	}
	char *out = c ? json_dumps(c, 0) : NULL;
	json_decref(c);
	return out;
}

static void add_sample(const char *const *sets)
{
	item *it = &g_items[g_nitems++];
	it->tpl = strdup(SAMPLE);
	it->case_json = sample_case(sets);
}

/* A Danish template whose sections come and go with the case, so the template's own paragraphs move between
 * letters and sit inside and outside conditional sections and loops; one item per case. */
static void add_sections_template(void)
{
	char path[128];
	snprintf(path, sizeof path, "%s/sektioner.docx", g_tmp);
	const char *body =
	    "<w:p><w:r><w:t>Kære {{navn}}</w:t></w:r></w:p>"
	    "<w:p><w:r><w:t>{{#afslag}}</w:t></w:r></w:p>"
	    "<w:p><w:r><w:t>Vi har givet dig afslag på hjælp, fordi du har en formue på {{formue}} kr.</w:t></w:r></w:p>"
	    "<w:p><w:r><w:t>Såfremt du mener, at afgørelsen er forkert, kan du klage.</w:t></w:r></w:p>"
	    "<w:p><w:r><w:t>{{/afslag}}</w:t></w:r></w:p>"
	    "<w:p><w:r><w:t>{{^afslag}}</w:t></w:r></w:p>"
	    "<w:p><w:r><w:t>Du får hjælp fra den 1. januar 2027. Vi har truffet afgørelse efter aktivlovens § 11.</w:t>"
	    "</w:r></w:p>"
	    "<w:p><w:r><w:t>{{/afslag}}</w:t></w:r></w:p>"
	    "<w:p><w:r><w:t>{{#ydelser}}</w:t></w:r></w:p>"
	    "<w:p><w:r><w:t>Ydelse: {{navn}} med {{beløb}} kr. om måneden.</w:t></w:r></w:p>"
	    "<w:p><w:r><w:t>Beløbet udbetales den første bankdag i måneden.</w:t></w:r></w:p>"
	    "<w:p><w:r><w:t>{{/ydelser}}</w:t></w:r></w:p>"
	    "<w:p><w:r><w:t>Du kan klage over afgørelsen til Ankestyrelsen. Klagen skal sendes til kommunen inden fire "
	    "uger. Kommunen vurderer sagen igen.</w:t></w:r></w:p>"
	    "<w:p><w:r><w:t>Med venlig hilsen</w:t></w:r></w:p>"
	    "<w:p><w:r><w:t>{{sagsbehandler}}</w:t></w:r></w:p>";
	if (docxfix_make(path, body, NULL, NULL) != 0)
		return;
	static const char *const cases[] = {
		"{\"navn\": \"Åse Holm\", \"afslag\": true, \"formue\": \"58.300\", \"ydelser\": [], "
		"\"sagsbehandler\": \"Bo Ravn\"}",
		"{\"navn\": \"Ali Hassan\", \"afslag\": false, \"ydelser\": [{\"navn\": \"kontanthjælp\", "
		"\"beløb\": \"11.500\"}], \"sagsbehandler\": \"Bo Ravn\"}",
		"{\"navn\": \"Jens Hansen\", \"afslag\": false, \"ydelser\": [{\"navn\": \"boligstøtte\", "
		"\"beløb\": \"2.100\"}, {\"navn\": \"særlig støtte\", \"beløb\": \"900\"}, {\"navn\": "
		"\"tillæg\", \"beløb\": \"300\"}], \"sagsbehandler\": \"De Deres\"}",
		"{\"navn\": \"Mette\", \"afslag\": true, \"formue\": \"1.000.000\", \"ydelser\": "
		"[{\"navn\": \"ingen\", \"beløb\": \"0\"}], \"sagsbehandler\": \"Bo Ravn\"}",
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0] && g_nitems < sizeof g_items / sizeof g_items[0]; i++) {
		item *it = &g_items[g_nitems++];
		it->tpl = strdup(path);
		it->case_json = strdup(cases[i]);
	}
}

/* The docxtemplater fixtures that render with their stated data (../shared/fixtures/docxtemplater/cases.json):
 * English text in { } tags, loops, inverted sections, table rows, headers and footers. */
static void add_fixtures(void)
{
	static const char *const files[] = { "tag-example.docx", "tag-loop-example.docx",
		                             "tag-inverted-loop-example.docx", "tag-intelligent-loop-table.docx",
		                             "tag-spanning-multiline.docx" };
	json_error_t err;
	json_t *cases = json_load_file(FIXTURES "/cases.json", 0, &err);
	size_t i;
	json_t *c;
	json_array_foreach(cases, i, c)
	{
		const char *file = json_string_value(json_object_get(c, "file"));
		int wanted = 0;
		for (size_t k = 0; file && k < sizeof files / sizeof files[0]; k++)
			wanted |= !strcmp(file, files[k]);
		if (!wanted || g_nitems >= sizeof g_items / sizeof g_items[0])
			continue;
		char path[4200];
		snprintf(path, sizeof path, "%s/%s", FIXTURES, file);
		item *it = &g_items[g_nitems++];
		it->tpl = strdup(path);
		it->case_json = json_dumps(json_object_get(c, "data"), 0);
		it->curly = 1;
	}
	json_decref(cases);
}

static void add_letter_files(void)
{
	char **paths = NULL;
	size_t n = 0;
	if (kb_list_dir(&paths, &n, g_ctx, LETTERS, ".txt", 1000) != KB_OK)
		return;
	for (size_t i = 0; i < n && g_nitems < sizeof g_items / sizeof g_items[0]; i++) {
		char base[4096], manifest[4200], case_path[4200];
		snprintf(base, sizeof base, "%.*s", (int)(strlen(paths[i]) - 4), paths[i]);
		snprintf(manifest, sizeof manifest, "%s.manifest.json", base);
		snprintf(case_path, sizeof case_path, "%s.case.json", base);
		item *it = &g_items[g_nitems++];
		struct stat st;
		if (stat(manifest, &st) != 0) {
			it->path = strdup(paths[i]);
			continue;
		}
		/* a template whose only paragraph is {{tekst}}, the letter's manifest, its lines as "tekst" */
		char dir[256], to[300];
		snprintf(dir, sizeof dir, "%s/t%zu", g_tmp, g_nitems);
		mkdir(dir, 0700);
		snprintf(to, sizeof to, "%s/letter.docx", dir);
		copy_file(LETTERS "/template/letter.docx", to);
		snprintf(to, sizeof to, "%s/manifest.json", dir);
		copy_file(manifest, to);
		char *lines = read_all(paths[i]), *cs = read_all(case_path);
		json_error_t err;
		json_t *c = cs ? json_loads(cs, 0, &err) : NULL;
		kb_buf tekst;
		kb_buf_init(&tekst, 1 << 20);
		for (char *line = lines; line && *line;) {
			char *end = strchr(line, '\n');
			size_t len = end ? (size_t)(end - line) : strlen(line);
			while (len && line[len - 1] == '\r')
				len--;
			int blank = 1;
			for (size_t k = 0; k < len; k++)
				blank &= line[k] == ' ' || line[k] == '\t';
			if (!blank) {
				if (tekst.len)
					kb_buf_adds(&tekst, "\n\n");
				kb_buf_add(&tekst, line, len);
			}
			line = end ? end + 1 : line + strlen(line);
		}
		kb_buf_add(&tekst, "", 0);
		if (c)
			json_object_set_new(c, "tekst", json_string(tekst.data));
		it->tpl = strdup(dir);
		it->case_json = c ? json_dumps(c, 0) : NULL;
		json_decref(c);
		kb_buf_free(&tekst);
		free(lines);
		free(cs);
	}
	kb_paths_free(paths);
}

/* The letter of item it (caller frees), or NULL. */
static kb_letter *letter_of(const item *it)
{
	kb_letter *l = NULL;
	if (it->path) {
		if (kb_letter_open(&l, g_ctx, it->path) != KB_OK)
			fprintf(stderr, "  %s: %s\n", it->path, kb_ctx_errmsg(g_ctx));
		return l;
	}
	kb_template *t = NULL;
	kb_case *c = NULL;
	kb_template_options to = { 0 };
	to.partials_dir = DATA_DIR "/templates/partials";
	if (it->curly) {
		to.open_delim = "{";
		to.close_delim = "}";
	}
	if (kb_template_compile(&t, g_ctx, it->tpl, &to) != KB_OK ||
	    kb_case_load_buffer(&c, g_ctx, it->case_json, strlen(it->case_json), "sag.json") != KB_OK ||
	    kb_template_render(&l, g_ctx, t, c) != KB_OK)
		fprintf(stderr, "  %s: %s\n", it->tpl, kb_ctx_errmsg(g_ctx));
	kb_case_free(c);
	kb_template_free(t);
	return l;
}

static int same(const kb_finding *x, const kb_finding *y)
{
	int ok = !strcmp(x->rule, y->rule) && x->level == y->level && !strcmp(x->message, y->message) &&
	         x->paragraph == y->paragraph && x->start == y->start && x->len == y->len &&
	         !strcmp(x->text ? x->text : "", y->text ? y->text : "") &&
	         !strcmp(x->origin ? x->origin : "", y->origin ? y->origin : "") &&
	         !strcmp(x->source ? x->source : "", y->source ? y->source : "") && x->nsuggestions == y->nsuggestions;
	for (size_t k = 0; ok && k < x->nsuggestions; k++)
		ok = !strcmp(x->suggestions[k], y->suggestions[k]);
	return ok;
}

static void test_incremental__memo_gives_the_findings_of_a_full_check(void)
{
	unsetenv("KLARBREV_FULL_CHECK");
	kb_ctx_new(&g_ctx);
	char tmpl[] = "/tmp/kbtest-incr-XXXXXX";
	KB_CHECK(mkdtemp(tmpl) != NULL);
	snprintf(g_tmp, sizeof g_tmp, "%s", tmpl);

	static const char *const s0[] = { NULL };
	static const char *const s1[] = { "modtager.navn", "Ali Hassan", "sag.nummer", "2026-000001", NULL };
	static const char *const s2[] = { "begrundelse.fakta",
		                          "Såfremt De har formue, behandles Deres ansøgning ikke. Vi har foretaget en "
		                          "vurdering af Deres sag, og De får ikke hjælp. Dit CPR-nummer er 010190-1234.",
		                          NULL };
	static const char *const s3[] = { "begrundelse.fakta",
		                          "Du har 58.300 kr. på en konto.\n\nDu har også et hus, som du kan sælge, og "
		                          "du har en bil.\n\nDu skal derfor bruge pengene først.",
		                          "modtager.adresse", "Kastanjevej 14\n4470 Søby", NULL };
	static const char *const s4[] = { "begrundelse.fakta",
		                          "Du har søgt om hjælp til husleje og vi har set på din sag og de papirer du "
		                          "har sendt til os og vi har talt med dig om det i går og i dag og i morgen.",
		                          "kommune.navn", "Nørby Kommune", NULL };
	static const char *const s5[] = { "sagsbehandler.navn", "Dem Deres", "begrundelse.fakta",
		                          "Vi har modtaget Deres skrivelse vedrørende boligstøtte..", NULL };
	const char *const *sets[] = { s0, s1, s2, s3, s4, s5 };
	for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++)
		add_sample(sets[i]);
	size_t nsample = g_nitems;
	add_letter_files();
	KB_CHECK(g_nitems >= nsample + 25);
	size_t nletters = g_nitems;
	add_sections_template();
	KB_CHECK(g_nitems == nletters + 4);
	add_fixtures();
	KB_CHECK(g_nitems >= nletters + 4 + 5);

	kb_checker *memo = NULL, *full = NULL;
	kb_checker_options o = { 0 };
	o.data_dir = DATA_DIR;
	KB_CHECK_INT(kb_checker_new(&memo, g_ctx, &o), KB_OK);
	o.full_check = 1;
	KB_CHECK_INT(kb_checker_new(&full, g_ctx, &o), KB_OK);

	/* in order, then the even ones forward and the odd ones backward, so each letter follows other letters */
	size_t order[400], n = 0;
	for (size_t i = 0; i < g_nitems; i++)
		order[n++] = i;
	for (size_t i = 0; i < g_nitems; i += 2)
		order[n++] = i;
	for (size_t i = g_nitems; i-- > 0;)
		if (i % 2)
			order[n++] = i;
	size_t compared = 0, letters = 0;
	for (size_t k = 0; memo && full && k < n; k++) {
		const item *it = &g_items[order[k]];
		kb_letter *l = letter_of(it);
		KB_CHECK(l != NULL);
		if (!l)
			continue;
		kb_findings *a = NULL, *b = NULL;
		kb_findings_new(&a);
		kb_findings_new(&b);
		KB_CHECK_INT(kb_checker_run(memo, g_ctx, l, a, NULL), KB_OK);
		KB_CHECK_INT(kb_checker_run(full, g_ctx, l, b, NULL), KB_OK);
		KB_CHECK_INT(kb_findings_count(a), kb_findings_count(b));
		for (size_t i = 0; i < kb_findings_count(a) && i < kb_findings_count(b); i++) {
			const kb_finding *x = kb_findings_get(a, i), *y = kb_findings_get(b, i);
			if (!same(x, y)) {
				KB_CHECK(0);
				fprintf(stderr, "  %s: finding %zu: %s %ld:%zu %s | %s %ld:%zu %s\n",
				        it->path ? it->path : it->tpl, i, x->rule, x->paragraph, x->start, x->message,
				        y->rule, y->paragraph, y->start, y->message);
			}
			compared++;
		}
		letters++;
		kb_findings_free(a);
		kb_findings_free(b);
		kb_letter_free(l);
	}
	size_t hits, misses, entries, bytes;
	kb_checker_memo_stats(memo, &hits, &misses, &entries, &bytes);
	KB_CHECK(hits > 0);
	KB_CHECK(compared > 100);
	fprintf(stderr, "  %zu letters, %zu findings compared; memo: %zu paragraphs reused, %zu walked, %zu entries\n",
	        letters, compared, hits, misses, entries);
	size_t fh;
	kb_checker_memo_stats(full, &fh, &misses, &entries, &bytes);
	KB_CHECK_INT(fh + entries, 0);
	kb_checker_free(memo);
	kb_checker_free(full);

	for (size_t i = 0; i < g_nitems; i++) {
		if (g_items[i].tpl && strncmp(g_items[i].tpl, g_tmp, strlen(g_tmp)) == 0) {
			char p[400];
			snprintf(p, sizeof p, "%s/letter.docx", g_items[i].tpl);
			unlink(p);
			snprintf(p, sizeof p, "%s/manifest.json", g_items[i].tpl);
			unlink(p);
			rmdir(g_items[i].tpl);
		}
		free(g_items[i].tpl);
		free(g_items[i].case_json);
		free(g_items[i].path);
	}
	char sections[128];
	snprintf(sections, sizeof sections, "%s/sektioner.docx", g_tmp);
	unlink(sections);
	KB_CHECK_INT(rmdir(g_tmp), 0);
	kb_ctx_free(g_ctx);
}

KB_TESTS(KB_TEST(test_incremental__memo_gives_the_findings_of_a_full_check))
