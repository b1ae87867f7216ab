/* test_partials.c -- finding a standard paragraph (partial) by name in the folders every command searches. */
#include "kbtest.h"
#include "partials.h"

#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

static char g_dir[64];
static kb_ctx *g_ctx;

static void setup(void)
{
	if (!g_ctx)
		kb_ctx_new(&g_ctx);
	if (!g_dir[0]) {
		char tmpl[] = "/tmp/kbtest-partials-XXXXXX";
		if (mkdtemp(tmpl))
			snprintf(g_dir, sizeof g_dir, "%s", tmpl);
	}
}

/* Makes the file <g_dir>/<rel>, and the folders above it. */
static void touch(const char *rel)
{
	char p[512];
	setup();
	snprintf(p, sizeof p, "%s/%s", g_dir, rel);
	for (char *s = p + strlen(g_dir) + 1; (s = strchr(s, '/')) != NULL; s++) {
		*s = '\0';
		mkdir(p, 0755);
		*s = '/';
	}
	FILE *f = fopen(p, "wb");
	if (f) {
		fputs("tekst\n", f);
		fclose(f);
	}
}

static const char *dir(const char *rel)
{
	static char p[4][512];
	static int k;
	char *d = p[k++ % 4];
	setup();
	snprintf(d, 512, "%s/%s", g_dir, rel);
	return d;
}

static const char *const docx_txt[] = { ".docx", ".txt", NULL };

static void test_partials__first_folder_that_has_it_wins(void)
{
	touch("egne/klage/ankestyrelsen.txt");
	touch("data/klage/ankestyrelsen.docx");
	touch("data/klage/byggeklage.txt");
	const char *dirs[] = { dir("findes-ikke"), dir("egne"), dir("data"), NULL };
	char *path = NULL;
	KB_CHECK_INT(kb_partial_find(&path, g_ctx, dirs, "klage/ankestyrelsen", docx_txt, NULL), KB_OK);
	KB_CHECK_STR(path, dir("egne/klage/ankestyrelsen.txt"));
	free(path);
	KB_CHECK_INT(kb_partial_find(&path, g_ctx, dirs, "klage/byggeklage", docx_txt, NULL), KB_OK);
	KB_CHECK_STR(path, dir("data/klage/byggeklage.txt"));
	free(path);
}

static void test_partials__docx_before_txt_in_one_folder(void)
{
	touch("begge/hilsen.txt");
	touch("begge/hilsen.docx");
	const char *dirs[] = { dir("begge"), NULL };
	char *path = NULL;
	KB_CHECK_INT(kb_partial_find(&path, g_ctx, dirs, "hilsen", docx_txt, NULL), KB_OK);
	KB_CHECK_STR(path, dir("begge/hilsen.docx"));
	free(path);
}

static void test_partials__not_found_names_folders_nearest_and_hint(void)
{
	touch("data2/klagevejledning/ankestyrelsen.txt");
	touch("data2/klagevejledning/byggeklage.docx");
	touch("data2/hilsen.txt");
	const char *dirs[] = { dir("ved-siden"), dir("data2"), NULL };
	char *path = NULL;
	KB_CHECK_INT(kb_partial_find(&path, g_ctx, dirs, "klagevejledning/ankestyrelsn", docx_txt, "Peg et andet sted hen."),
	             KB_ENOTFOUND);
	KB_CHECK(path == NULL);
	const char *m = kb_ctx_errmsg(g_ctx);
	char want[1024];
	snprintf(want, sizeof want,
	         "den findes ikke som klagevejledning/ankestyrelsn.docx eller klagevejledning/ankestyrelsn.txt i "
	         "%s (mappen findes ikke) eller %s; mente du »klagevejledning/ankestyrelsen«? Der findes: "
	         "klagevejledning/ankestyrelsen, hilsen, klagevejledning/byggeklage. Peg et andet sted hen.",
	         dir("ved-siden"), dir("data2"));
	KB_CHECK_STR(m, want);
}

static void test_partials__no_folders_and_bad_names(void)
{
	char *path = NULL;
	KB_CHECK_INT(kb_partial_find(&path, g_ctx, NULL, "x", docx_txt, "Brug --partials."), KB_ENOTFOUND);
	KB_CHECK_STR(kb_ctx_errmsg(g_ctx), "der er ingen mappe med delskabeloner. Brug --partials.");
	const char *dirs[] = { dir("data"), NULL };
	KB_CHECK_INT(kb_partial_find(&path, g_ctx, dirs, "../data/klage/byggeklage", docx_txt, NULL), KB_EINPUT);
	KB_CHECK_INT(kb_partial_find(&path, g_ctx, dirs, "/etc/passwd", docx_txt, NULL), KB_EINPUT);
	KB_CHECK_INT(kb_partial_find(&path, g_ctx, dirs, "", docx_txt, NULL), KB_EINPUT);
	KB_CHECK(path == NULL);
}

static void test_partials__zz_teardown(void)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_dir);
	if (g_dir[0] && system(cmd) != 0)
		fprintf(stderr, "  could not remove %s\n", g_dir);
	kb_ctx_free(g_ctx);
	g_ctx = NULL;
}

KB_TESTS(KB_TEST(test_partials__first_folder_that_has_it_wins), KB_TEST(test_partials__docx_before_txt_in_one_folder),
         KB_TEST(test_partials__not_found_names_folders_nearest_and_hint),
         KB_TEST(test_partials__no_folders_and_bad_names), KB_TEST(test_partials__zz_teardown))
