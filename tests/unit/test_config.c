/* test_config.c -- the config file: what it reads, every problem at once with its line, and what it does to the
 * plugins (options, levels, plugins and rules switched off, ignored phrases), the word lists and the checker. */
#include "kbtest.h"
#include "config.h"
#include "plugins.h"
#include "textmodel.h"

#include <sys/stat.h>
#include <unistd.h>

static char g_dir[64];
static kb_ctx *g_ctx;

static void setup(void)
{
	if (!g_ctx)
		kb_ctx_new(&g_ctx);
	if (!g_dir[0]) {
		char tmpl[] = "/tmp/kbtest-config-XXXXXX";
		if (mkdtemp(tmpl))
			snprintf(g_dir, sizeof g_dir, "%s", tmpl);
	}
}

/* Writes text to <g_dir>/<name> and returns the path (static buffer, one per call site is enough). */
static const char *write_file(const char *name, const char *text)
{
	static char path[4][256];
	static int k;
	setup();
	char *p = path[k++ % 4];
	snprintf(p, 256, "%s/%s", g_dir, name);
	FILE *f = fopen(p, "wb");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
	return p;
}

static void make_dir(const char *name)
{
	char p[256];
	setup();
	snprintf(p, sizeof p, "%s/%s", g_dir, name);
	mkdir(p, 0755);
}

/* Parses text as <g_dir>/kommune.ini. */
static int parse(kb_config **out, const char *text)
{
	char path[256];
	setup();
	snprintf(path, sizeof path, "%s/kommune.ini", g_dir);
	return kb_config_parse(out, g_ctx, text, strlen(text), path);
}

static int contains(const char *s, const char *part)
{
	int ok = s && strstr(s, part) != NULL;
	if (!ok)
		fprintf(stderr, "    \"%s\" does not contain \"%s\"\n", s ? s : "(null)", part);
	return ok;
}

/* 1 when the message or one of the details of g_ctx contains part. */
static int said(const char *part)
{
	if (strstr(kb_ctx_errmsg(g_ctx), part))
		return 1;
	for (size_t i = 0; i < kb_ctx_detail_count(g_ctx); i++)
		if (strstr(kb_ctx_detail(g_ctx, i), part))
			return 1;
	fprintf(stderr, "    not said: \"%s\"; message: %s\n", part, kb_ctx_errmsg(g_ctx));
	for (size_t i = 0; i < kb_ctx_detail_count(g_ctx); i++)
		fprintf(stderr, "      - %s\n", kb_ctx_detail(g_ctx, i));
	return 0;
}

/* 1 when neither the message nor a detail of g_ctx contains part. */
static int not_said(const char *part)
{
	if (strstr(kb_ctx_errmsg(g_ctx), part))
		return 0;
	for (size_t i = 0; i < kb_ctx_detail_count(g_ctx); i++)
		if (strstr(kb_ctx_detail(g_ctx, i), part))
			return 0;
	return 1;
}

/* ---- reading ---- */

static void test_config__reads_sections_keys_comments_and_relative_paths(void)
{
	make_dir("regler");
	write_file("kommune.dic", "xyqwerte\n");
	kb_config *cfg = NULL;
	int rc = parse(&cfg, "\xEF\xBB\xBF# kommunens opsætning\n"
	                     "; også en kommentar\n"
	                     "\n"
	                     "[klarbrev]\n"
	                     "plugin_folder = regler\n"
	                     "word_list = kommune.dic\r\n"
	                     "  plugin_memory_mb = 32  \n"
	                     "plugin_time_ms=500\n"
	                     "[plugin readability]\n"
	                     "level = fejl\n"
	                     "enabled = nej\n"
	                     "ignore = såfremt ,  i henhold til\n"
	                     "max_words = 20\n"
	                     "hilsen = \"  Med venlig hilsen = kommunen \"\n"
	                     "[rules]\n"
	                     "passiv = off\n"
	                     "stavning = info\n");
	KB_CHECK_INT(rc, KB_OK);
	if (rc) {
		said("");
		return;
	}
	KB_CHECK_INT(cfg->nplugin_dirs, 1);
	KB_CHECK(contains(cfg->plugin_dirs[0].path, "/regler"));
	KB_CHECK_INT(cfg->plugin_dirs[0].line, 5);
	KB_CHECK_INT(cfg->nword_lists, 1);
	KB_CHECK_INT(cfg->plugin_memory, 32u * 1024u * 1024u);
	KB_CHECK_INT(cfg->plugin_time_ms, 500);
	const kb_config_plugin *pl = kb_config_plugin_find(cfg, "readability");
	KB_CHECK(pl != NULL);
	if (pl) {
		KB_CHECK_INT(pl->enabled, 0);
		KB_CHECK_INT(pl->has_level, 1);
		KB_CHECK_INT(pl->level, KB_LEVEL_ERROR);
		KB_CHECK_INT(pl->nignore, 2);
		if (pl->nignore == 2) {
			KB_CHECK_STR(pl->ignore[0], "såfremt");
			KB_CHECK_STR(pl->ignore[1], "i henhold til");
		}
		KB_CHECK_INT(pl->noptions, 2);
		if (pl->noptions == 2) {
			KB_CHECK_STR(pl->options[0].key, "max_words");
			KB_CHECK_STR(pl->options[0].value, "20");
			KB_CHECK_INT(pl->options[0].line, 13);
			KB_CHECK_STR(pl->options[1].value, "  Med venlig hilsen = kommunen ");
		}
	}
	KB_CHECK(kb_config_plugin_find(cfg, "nope") == NULL);
	KB_CHECK_INT(cfg->nrules, 2);
	if (cfg->nrules == 2) {
		KB_CHECK_STR(cfg->rules[0].id, "passiv");
		KB_CHECK_INT(cfg->rules[0].off, 1);
		KB_CHECK_INT(cfg->rules[1].off, 0);
		KB_CHECK_INT(cfg->rules[1].level, KB_LEVEL_INFO);
	}
	kb_config_free(cfg);
	kb_config_free(NULL);
}

static void test_config__every_problem_is_named_at_once_with_file_and_line(void)
{
	kb_config *cfg = NULL;
	int rc = parse(&cfg, "[klarbrev]\n"
	                     "plugin_foldr = regler\n"
	                     "plugin_time_ms = snart\n"
	                     "[plugin readability]\n"
	                     "level = høj\n"
	                     "enabled = måske\n"
	                     "[rules]\n"
	                     "plugin = off\n");
	KB_CHECK_INT(rc, KB_EINPUT);
	KB_CHECK(cfg == NULL);
	KB_CHECK_INT(kb_ctx_detail_count(g_ctx), 5);
	KB_CHECK(said("5 fejl i opsætningsfilen"));
	KB_CHECK(said("kommune.ini:2: ukendt nøgle »plugin_foldr« i [klarbrev]; mente du »plugin_folder«?"));
	KB_CHECK(said("kommune.ini:3: plugin_time_ms skal være et helt tal"));
	KB_CHECK(said("kommune.ini:5: level skal være error, warning eller info, ikke »høj«"));
	KB_CHECK(said("kommune.ini:6: enabled skal være yes eller no"));
	KB_CHECK(said("kommune.ini:8: reglen »plugin« kan ikke ændres"));
}

static void test_config__one_problem_is_the_message_itself(void)
{
	kb_config *cfg = NULL;
	KB_CHECK_INT(parse(&cfg, "[klarbrev]\nword_list = findes-ikke.dic\n"), KB_EINPUT);
	KB_CHECK(contains(kb_ctx_errmsg(g_ctx), "kommune.ini:2: ordlisten "));
	KB_CHECK(contains(kb_ctx_errmsg(g_ctx), "findes-ikke.dic findes ikke"));
	KB_CHECK_INT(kb_ctx_detail_count(g_ctx), 0);
}

static void test_config__sections_and_lines_it_cannot_read(void)
{
	kb_config *cfg = NULL;
	KB_CHECK_INT(parse(&cfg, "max_words = 3\n"
	                         "[plugins]\n"
	                         "x = 1\n"
	                         "[plugin]\n"
	                         "[plugin readability\n"
	                         "[klarbrev]\n"
	                         "bare tekst\n"
	                         "plugin_folder =\n"
	                         "plugin_folder = mappe-der-ikke-findes\n"
	                         "æ = 1\n"),
	             KB_EINPUT);
	KB_CHECK(said("kommune.ini:1: max_words står uden for et afsnit"));
	KB_CHECK(said("kommune.ini:2: ukendt afsnit [plugins]; mente du [plugin]"));
	KB_CHECK(not_said("kommune.ini:3:")); /* a key under a bad section line is not a problem of its own */
	KB_CHECK(said("kommune.ini:4: [plugin ]: skriv pluginnets id"));
	KB_CHECK(said("kommune.ini:5: en afsnitslinje skal slutte med ]"));
	KB_CHECK(said("kommune.ini:7: »bare tekst« er hverken et afsnit"));
	KB_CHECK(said("kommune.ini:8: plugin_folder har ingen værdi"));
	KB_CHECK(said("kommune.ini:9: mappen "));
	KB_CHECK(said("kommune.ini:10: »æ« er ikke en gyldig nøgle"));
}

static void test_config__the_same_section_or_key_twice_is_a_problem(void)
{
	kb_config *cfg = NULL;
	KB_CHECK_INT(parse(&cfg, "[plugin a]\nx = 1\nx = 2\n[plugin a]\n[rules]\nr = off\nr = info\n"), KB_EINPUT);
	KB_CHECK(said("kommune.ini:3: x står også i linje 2"));
	KB_CHECK(said("kommune.ini:4: [plugin a] står også i linje 1"));
	KB_CHECK(said("kommune.ini:7: reglen r står også i linje 6"));
}

static void test_config__a_file_that_is_not_text_or_not_utf8(void)
{
	kb_config *cfg = NULL;
	KB_CHECK_INT(parse(&cfg, "[klarbrev]\n# S\xf8ren\nplugin_time_ms = 100\n[plugin x]\nnavn = S\xf8ren\n"),
	             KB_EINPUT);
	KB_CHECK(said("kommune.ini:5: linjen er ikke gyldig UTF-8"));
	KB_CHECK(not_said("kommune.ini:2:")); /* a comment is not read */
	const char bin[] = "[klarbrev]\0\x01";
	setup();
	KB_CHECK_INT(kb_config_parse(&cfg, g_ctx, bin, sizeof bin, "x.ini"), KB_EINPUT);
	KB_CHECK(said("NUL"));
}

static void test_config__missing_file_is_not_found_and_named(void)
{
	kb_config *cfg = NULL;
	setup();
	KB_CHECK_INT(kb_config_load(&cfg, g_ctx, "/nonexistent/kommune.ini"), KB_ENOTFOUND);
	KB_CHECK(said("opsætningsfilen /nonexistent/kommune.ini findes ikke"));
	const char *p = write_file("ok.ini", "[rules]\nx = warning\n");
	KB_CHECK_INT(kb_config_load(&cfg, g_ctx, p), KB_OK);
	KB_CHECK(cfg && cfg->nrules == 1);
	kb_config_free(cfg);
}

static void test_config__yes_and_no(void)
{
	KB_CHECK_INT(kb_config_bool("yes"), 1);
	KB_CHECK_INT(kb_config_bool("ja"), 1);
	KB_CHECK_INT(kb_config_bool("true"), 1);
	KB_CHECK_INT(kb_config_bool("on"), 1);
	KB_CHECK_INT(kb_config_bool("no"), 0);
	KB_CHECK_INT(kb_config_bool("nej"), 0);
	KB_CHECK_INT(kb_config_bool("0"), 0);
	KB_CHECK_INT(kb_config_bool("Ja"), -1);
	KB_CHECK_INT(kb_config_bool(""), -1);
}

/* ---- what it does to plugins ---- */

static const char *typed_plugin = "return { id = 'typed', level = 'warning',\n"
                                  "  options = { n = 1, f = 1.5, b = false, s = 'x', l = { 'a' }, nums = { 1, 2 } },\n"
                                  "  on_letter = function(letter, report, o)\n"
                                  "    report(letter, '%d %s %s %s %s %d', o.n, tostring(o.f), tostring(o.b), o.s,\n"
                                  "      table.concat(o.l, '+'), o.nums[1] + o.nums[2])\n"
                                  "  end,\n"
                                  "  avoid = { 'såfremt', 'i henhold til' } }\n";

/* Loads src as <g_dir>/<name> into a plugin list with cfg. */
static kb_plugins *plugins_with(const kb_config *cfg, const char *name, const char *src)
{
	kb_plugins *ps = NULL;
	setup();
	if (kb_plugins_new(&ps, g_ctx, NULL))
		return NULL;
	kb_plugins_set_config(ps, cfg);
	if (kb_plugins_load_file(ps, g_ctx, write_file(name, src)))
		fprintf(stderr, "  load: %s\n", kb_ctx_errmsg(g_ctx));
	return ps;
}

static kb_findings *run(kb_plugins *ps, const char *text)
{
	kb_text *t = NULL;
	kb_findings *fs = NULL;
	kb_text_from_plain(&t, g_ctx, text, strlen(text), "brev.txt");
	kb_findings_new(&fs);
	kb_check_input in = { .text = t };
	if (kb_plugins_run(ps, g_ctx, &in, fs))
		fprintf(stderr, "  run: %s\n", kb_ctx_errmsg(g_ctx));
	kb_findings_sort(fs);
	kb_text_free(t);
	return fs;
}

static void test_config__options_take_the_type_of_their_default(void)
{
	kb_config *cfg = NULL;
	KB_CHECK_INT(parse(&cfg, "[plugin typed]\nn = 7\nf = 2.5\nb = yes\ns = tekst med mellemrum\n"
	                         "l = x, y , z\nnums = 3, 4\n"),
	             KB_OK);
	kb_plugins *ps = plugins_with(cfg, "typed.lua", typed_plugin);
	KB_CHECK_INT(kb_plugins_check_config(ps, g_ctx), KB_OK);
	kb_findings *fs = run(ps, "Et brev.");
	const kb_finding *f = kb_findings_get(fs, 0);
	KB_CHECK(f != NULL);
	if (f)
		KB_CHECK_STR(f->message, "7 2.5 true tekst med mellemrum x+y+z 7");
	kb_plugin_info in;
	kb_plugins_info(ps, 0, &in);
	KB_CHECK_STR(
	    in.options,
	    "{ b = true, f = 2.5, l = { \"x\", \"y\", \"z\" }, n = 7, nums = { 3, 4 }, s = \"tekst med mellemrum\" }");
	KB_CHECK_INT(in.configured, 1);
	KB_CHECK_INT(in.level_configured, 0); /* only options were set: the level is the plugin's own */
	KB_CHECK_STR(in.options_configured, "n, f, b, s, l, nums");
	KB_CHECK_INT(in.phrases_ignored, 0);
	KB_CHECK_INT(in.enabled, 1);
	KB_CHECK_INT(in.phrases, 2);
	KB_CHECK_STR(in.visitors, "on_letter");
	kb_findings_free(fs);
	kb_plugins_free(ps);
	kb_config_free(cfg);
}

static void test_config__options_that_do_not_fit_are_config_problems_with_lines(void)
{
	kb_config *cfg = NULL;
	KB_CHECK_INT(parse(&cfg, "[plugin typed]\nn = mange\nf = x\nb = måske\nnum = 3\nnums = 1, to\nn2 = 1\n"
	                         "ignore = såfremt, ikke der\n[plugin tpyed]\n[plugin helt-ukendt]\n"),
	             KB_OK);
	kb_plugins *ps = plugins_with(cfg, "typed.lua", typed_plugin);
	KB_CHECK_INT(kb_plugins_check_config(ps, g_ctx), KB_EINPUT);
	KB_CHECK(said("kommune.ini:2: typed.n skal være et tal (standarden er 1), ikke »mange«"));
	KB_CHECK(said("kommune.ini:3: typed.f skal være et tal"));
	KB_CHECK(said("kommune.ini:4: typed.b skal være yes eller no"));
	KB_CHECK(said("kommune.ini:5: typed har ingen indstilling »num«; mente du »nums«?"));
	KB_CHECK(said("kommune.ini:6: typed.nums er en liste af tal; »to« er ikke et tal"));
	KB_CHECK(said("kommune.ini:7: typed har ingen indstilling »n2«; mente du »n«?"));
	KB_CHECK(said("kommune.ini:8: typed har ingen frase »ikke der« i replace eller avoid"));
	KB_CHECK(said("kommune.ini:9: der er intet plugin med id »tpyed«; mente du »typed«?"));
	KB_CHECK(said("kommune.ini:10: der er intet plugin med id »helt-ukendt«; klarbrev plugin list"));
	KB_CHECK(said("9 fejl i opsætningsfilen"));
	kb_plugins_free(ps);
	kb_config_free(cfg);
}

static const char *rules_plugin = "return { id = 'toner', level = 'info',\n"
                                  "  on_sentence = function(s, report)\n"
                                  "    local rule = #s.words > 3 and \"lang-saetning\" or 'kort-saetning'\n"
                                  "    report{ at = s, rule = rule, message = 'x' }\n"
                                  "  end }\n";

static void test_config__unknown_rule_is_a_problem_with_the_nearest_name(void)
{
	kb_config *cfg = NULL;
	KB_CHECK_INT(parse(&cfg, "[rules]\nstavning = info\nikke-dansk = off\ntoner = error\nlang-saetning = off\n"
	                         "kort-saetning = warning\nstavnig = off\nlang-satning = info\nhelt-ukendt = error\n"),
	             KB_OK);
	kb_plugins *ps = plugins_with(cfg, "toner.lua", rules_plugin);
	KB_CHECK_INT(kb_plugins_check_config(ps, g_ctx), KB_EINPUT);
	KB_CHECK_INT(kb_ctx_detail_count(g_ctx), 3);
	KB_CHECK(said("kommune.ini:7: der er ingen regel »stavnig«; mente du »stavning«?"));
	KB_CHECK(said("kommune.ini:8: der er ingen regel »lang-satning«; mente du »lang-saetning«?"));
	KB_CHECK(said("kommune.ini:9: der er ingen regel »helt-ukendt«; en regel er stavning, et plugins id"));
	KB_CHECK(said("3 fejl i opsætningsfilen"));
	kb_plugins_free(ps);
	kb_config_free(cfg);
}

static void test_config__file_and_plugin_problems_are_told_in_one_run_by_line(void)
{
	kb_config *cfg = NULL;
	const char *text = "[klarbrev]\n"
	                   "plugin_foldr = regler\n"   /* 2: the reader */
	                   "[plugin typed]\n"
	                   "n = mange\n"               /* 4: the plugin's option */
	                   "enabled = måske\n"         /* 5: the reader */
	                   "[plugin tpyed]\n"          /* 6: no such plugin */
	                   "[rules]\n"
	                   "stavnig = off\n"           /* 8: no such rule */
	                   "typed = høj\n"             /* 9: the reader */
	                   "[regler]\n";               /* 10: the reader */
	KB_CHECK_INT(kb_config_read_buffer(&cfg, g_ctx, text, strlen(text), "kommune.ini"), KB_OK);
	KB_CHECK(cfg != NULL);
	if (!cfg)
		return;
	KB_CHECK_INT(cfg->problems.n, 4);
	kb_plugins *ps = plugins_with(cfg, "typed.lua", typed_plugin);
	KB_CHECK_INT(kb_plugins_check_config(ps, g_ctx), KB_EINPUT);
	KB_CHECK(said("kommune.ini: 7 fejl i opsætningsfilen"));
	KB_CHECK_INT(kb_ctx_detail_count(g_ctx), 7);
	static const char *const want[] = {
		"kommune.ini:2: ukendt nøgle »plugin_foldr«", "kommune.ini:4: typed.n skal være et tal",
		"kommune.ini:5: enabled skal være yes eller no", "kommune.ini:6: der er intet plugin med id »tpyed«",
		"kommune.ini:8: der er ingen regel »stavnig«; mente du »stavning«?",
		"kommune.ini:9: reglen typed: skriv off, error, warning eller info",
		"kommune.ini:10: ukendt afsnit [regler]; mente du [rules]?",
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		KB_CHECK(contains(kb_ctx_detail(g_ctx, i), want[i]));
	kb_plugins_free(ps);
	kb_config_free(cfg);
	/* kb_config_load still refuses the file on its own problems, all of them */
	KB_CHECK_INT(kb_config_parse(&cfg, g_ctx, text, strlen(text), "kommune.ini"), KB_EINPUT);
	KB_CHECK(cfg == NULL);
	KB_CHECK_INT(kb_ctx_detail_count(g_ctx), 4);
	/* and a clean report touches nothing */
	KB_CHECK_INT(kb_config_report(NULL, g_ctx, NULL), KB_OK);
}

static void test_config__integer_option_refuses_a_fraction(void)
{
	kb_config *cfg = NULL;
	KB_CHECK_INT(parse(&cfg, "[plugin typed]\nn = 2.5\n"), KB_OK);
	kb_plugins *ps = plugins_with(cfg, "typed.lua", typed_plugin);
	KB_CHECK_INT(kb_plugins_check_config(ps, g_ctx), KB_EINPUT);
	KB_CHECK(said("kommune.ini:2: typed.n skal være et helt tal"));
	kb_plugins_free(ps);
	kb_config_free(cfg);
}

static void test_config__level_and_switching_a_plugin_off(void)
{
	kb_config *cfg = NULL;
	KB_CHECK_INT(parse(&cfg, "[plugin typed]\nlevel = error\n"), KB_OK);
	kb_plugins *ps = plugins_with(cfg, "typed.lua", typed_plugin);
	kb_findings *fs = run(ps, "Såfremt det går.");
	KB_CHECK_INT(kb_findings_count(fs), 2);
	KB_CHECK_INT(kb_findings_count_level(fs, KB_LEVEL_ERROR), 2);
	kb_findings_free(fs);
	kb_plugins_free(ps);
	kb_config_free(cfg);

	KB_CHECK_INT(parse(&cfg, "[plugin typed]\nenabled = no\n"), KB_OK);
	ps = plugins_with(cfg, "typed.lua", typed_plugin);
	fs = run(ps, "Såfremt det går.");
	KB_CHECK_INT(kb_findings_count(fs), 0);
	kb_plugin_info in;
	kb_plugins_info(ps, 0, &in);
	KB_CHECK_INT(in.enabled, 0);
	kb_findings_free(fs);
	kb_plugins_free(ps);
	kb_config_free(cfg);
}

static void test_config__a_broken_plugin_stops_the_letter_even_when_switched_off(void)
{
	kb_config *cfg = NULL;
	KB_CHECK_INT(parse(&cfg, "[plugin broken]\nenabled = no\n"), KB_OK);
	kb_plugins *ps = plugins_with(cfg, "broken.lua", "return { id = 'broken', on_letter = 5 }");
	KB_CHECK_INT(kb_plugins_check_config(ps, g_ctx), KB_OK); /* its section names it by its file */
	kb_findings *fs = run(ps, "Et brev.");
	KB_CHECK_INT(kb_findings_count_level(fs, KB_LEVEL_ERROR), 1);
	kb_findings_free(fs);
	kb_plugins_free(ps);
	kb_config_free(cfg);
}

static void test_config__ignore_leaves_a_phrase_alone(void)
{
	kb_config *cfg = NULL;
	KB_CHECK_INT(parse(&cfg, "[plugin typed]\nignore = I HENHOLD TIL\n"), KB_OK);
	kb_plugins *ps = plugins_with(cfg, "typed.lua", typed_plugin);
	KB_CHECK_INT(kb_plugins_check_config(ps, g_ctx), KB_OK);
	kb_findings *fs = run(ps, "Såfremt det er i henhold til loven.");
	KB_CHECK_INT(kb_findings_count(fs), 2); /* on_letter's and såfremt */
	const kb_finding *f = kb_findings_get(fs, 1);
	KB_CHECK(f && f->text && !strcmp(f->text, "Såfremt"));
	kb_findings_free(fs);
	kb_plugins_free(ps);
	kb_config_free(cfg);
}

static void test_config__rules_drop_or_relevel_findings_but_never_a_broken_plugin(void)
{
	kb_config *cfg = NULL;
	KB_CHECK_INT(parse(&cfg, "[rules]\nstavning = off\nreadability = fejl\nandet = info\n"), KB_OK);
	kb_findings *fs = NULL;
	kb_findings_new(&fs);
	kb_finding f = { 0 };
	f.paragraph = -1;
	f.level = KB_LEVEL_WARNING;
	const char *rules[] = { "stavning", "readability", "andet", "plugin", "ukendt" };
	for (size_t i = 0; i < 5; i++) {
		f.rule = (char *)rules[i];
		kb_findings_add(fs, &f);
	}
	kb_config_apply_rules(cfg, fs);
	KB_CHECK_INT(kb_findings_count(fs), 4);
	KB_CHECK_STR(kb_findings_get(fs, 0)->rule, "readability");
	KB_CHECK_INT(kb_findings_get(fs, 0)->level, KB_LEVEL_ERROR);
	KB_CHECK_INT(kb_findings_get(fs, 1)->level, KB_LEVEL_INFO);
	KB_CHECK_STR(kb_findings_get(fs, 2)->rule, "plugin");
	KB_CHECK_INT(kb_findings_get(fs, 2)->level, KB_LEVEL_WARNING);
	KB_CHECK_INT(kb_findings_get(fs, 3)->level, KB_LEVEL_WARNING);
	kb_config_apply_rules(NULL, fs);
	KB_CHECK_INT(kb_findings_count(fs), 4);
	kb_findings_free(fs);
	kb_config_free(cfg);
}

static void test_config__time_limit_from_the_config_file(void)
{
	kb_config *cfg = NULL;
	KB_CHECK_INT(parse(&cfg, "[klarbrev]\nplugin_time_ms = 50\n"), KB_OK);
	kb_plugins *ps =
	    plugins_with(cfg, "loop.lua", "return { id = 'loop', on_letter = function() while true do end end }");
	kb_findings *fs = run(ps, "Et brev.");
	const kb_finding *f = kb_findings_get(fs, 0);
	KB_CHECK(f && strstr(f->message, "50 ms"));
	kb_findings_free(fs);
	kb_plugins_free(ps);
	kb_config_free(cfg);
}

/* ---- the checker ---- */

static void test_config__checker_loads_plugin_folders_word_lists_and_applies_rules(void)
{
	make_dir("kommune-regler");
	write_file("kommune-regler/lokal.lua",
	           "return { id = 'lokal', avoid = { 'pågældende' }, options = { max_words = 25 },\n"
	           "  on_sentence = function(s, report, o)\n"
	           "    if #s.words > o.max_words then report{ at = s, rule = 'lokal-lang', message = 'lang' } end\n"
	           "  end }\n");
	write_file("ord.dic", "# kommunens egne ord\nXyqwerte\n");
	const char *ini = write_file("checker.ini", "[klarbrev]\nplugin_folder = kommune-regler\nword_list = ord.dic\n"
	                                            "[plugin lokal]\nmax_words = 3\n[rules]\nlokal = error\n");
	const char *letter = write_file("brev.txt", "Den pågældende Xyqwerte får hjælp fra os nu.\n");
	kb_checker *ck = NULL;
	kb_letter *l = NULL;
	kb_findings *fs = NULL;
	setenv("KLARBREV_CACHE_DIR", "", 1); /* a checker keeps no spelling cache in the user's ~/.cache */
	kb_checker_options co = { .data_dir = KB_TEST_SOURCE_DIR, .config_path = ini };
	int rc = kb_checker_new(&ck, g_ctx, &co);
	KB_CHECK_INT(rc, KB_OK);
	if (rc) {
		said("");
		return;
	}
	size_t n = kb_checker_plugin_count(ck);
	KB_CHECK(n >= 2); /* the bundled plugins, then the config's folder */
	kb_plugin_info in;
	kb_checker_plugin_info(&in, ck, n - 1);
	KB_CHECK_STR(in.id, "lokal");
	KB_CHECK_STR(in.name, "kommune-regler/lokal.lua");
	KB_CHECK_STR(in.options, "{ max_words = 3 }");
	kb_checker_plugin_info(&in, ck, 0);
	KB_CHECK(in.name && !strncmp(in.name, "plugins/", 8)); /* a bundled one */
	KB_CHECK_INT(kb_letter_open(&l, g_ctx, letter), KB_OK);
	kb_findings_new(&fs);
	KB_CHECK_INT(kb_checker_run(ck, g_ctx, l, fs, NULL), KB_OK);
	int lokal = 0, long_sentence = 0, typo = 0;
	for (size_t i = 0; i < kb_findings_count(fs); i++) {
		const kb_finding *f = kb_findings_get(fs, i);
		lokal += !strcmp(f->rule, "lokal") && f->level == KB_LEVEL_ERROR;
		long_sentence += !strcmp(f->rule, "lokal-lang") && f->level == KB_LEVEL_WARNING;
		typo += !strcmp(f->rule, "stavning");
	}
	KB_CHECK_INT(lokal, 1);
	KB_CHECK_INT(long_sentence, 1); /* 8 words > max_words 3; [rules] lokal does not touch rule lokal-lang */
	KB_CHECK_INT(typo, 0);          /* Xyqwerte is on the municipality's list */
	kb_findings_free(fs);
	kb_letter_free(l);
	kb_checker_free(ck);
}

static void test_config__checker_refuses_a_config_with_problems(void)
{
	const char *ini = write_file("bad.ini", "[plugin readability]\nmax_wrds = 3\n");
	kb_checker *ck = NULL;
	kb_checker_options co = { .data_dir = KB_TEST_SOURCE_DIR, .config_path = ini };
	KB_CHECK_INT(kb_checker_new(&ck, g_ctx, &co), KB_EINPUT);
	KB_CHECK(said("bad.ini:2: readability har ingen indstilling »max_wrds«; mente du »max_words«?"));
	KB_CHECK(ck == NULL);
	co.config_path = "/nonexistent.ini";
	KB_CHECK_INT(kb_checker_new(&ck, g_ctx, &co), KB_ENOTFOUND);
	KB_CHECK(said("opsætningsfilen /nonexistent.ini findes ikke"));
}

static void test_config__zz_teardown(void)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", g_dir);
	if (g_dir[0] && system(cmd) != 0)
		fprintf(stderr, "  could not remove %s\n", g_dir);
	kb_ctx_free(g_ctx);
	g_ctx = NULL;
}

KB_TESTS(KB_TEST(test_config__reads_sections_keys_comments_and_relative_paths),
         KB_TEST(test_config__every_problem_is_named_at_once_with_file_and_line),
         KB_TEST(test_config__one_problem_is_the_message_itself),
         KB_TEST(test_config__sections_and_lines_it_cannot_read),
         KB_TEST(test_config__the_same_section_or_key_twice_is_a_problem),
         KB_TEST(test_config__a_file_that_is_not_text_or_not_utf8),
         KB_TEST(test_config__missing_file_is_not_found_and_named), KB_TEST(test_config__yes_and_no),
         KB_TEST(test_config__options_take_the_type_of_their_default),
         KB_TEST(test_config__options_that_do_not_fit_are_config_problems_with_lines),
         KB_TEST(test_config__integer_option_refuses_a_fraction),
         KB_TEST(test_config__level_and_switching_a_plugin_off),
         KB_TEST(test_config__a_broken_plugin_stops_the_letter_even_when_switched_off),
         KB_TEST(test_config__ignore_leaves_a_phrase_alone),
         KB_TEST(test_config__rules_drop_or_relevel_findings_but_never_a_broken_plugin),
         KB_TEST(test_config__time_limit_from_the_config_file),
         KB_TEST(test_config__checker_loads_plugin_folders_word_lists_and_applies_rules),
         KB_TEST(test_config__checker_refuses_a_config_with_problems),
         KB_TEST(test_config__unknown_rule_is_a_problem_with_the_nearest_name),
         KB_TEST(test_config__file_and_plugin_problems_are_told_in_one_run_by_line), KB_TEST(test_config__zz_teardown))
