/* test_letter_save.c -- saving letters rendered from one compiled template: the entries no letter changes are the
 * template's compressed bytes, copied; and letters rendered and saved on several threads at once from one template
 * are the same files as one saved alone (klarbrev batch renders on worker threads from one kb_template). */
#include "kbtest.h"
#include "letter.h"
#include "package.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <zip.h>

#ifndef KB_TEST_BINARY_DIR
#define KB_TEST_BINARY_DIR "."
#endif
#define TMPDIR    KB_TEST_BINARY_DIR "/test_letter_save.d"
#define TMP(name) TMPDIR "/" name
#define FIXTURE   KB_TEST_SHARED_DIR "/fixtures/docxtemplater/tag-example.docx"
#define CASE      "{\"first_name\": \"Hipp\", \"last_name\": \"Edgar\", \"phone\": \"0652455478\", \"description\": \"New Website\"}"

#define NTHREADS 4
#define PER_THREAD 12

/* the fixture's parts that hold tags: every letter writes them */
static const char *const rendered[] = {"word/document.xml", "word/header1.xml", "word/footer1.xml"};

static int is_rendered(const char *name)
{
	for (size_t i = 0; i < sizeof rendered / sizeof rendered[0]; i++)
		if (strcmp(rendered[i], name) == 0)
			return 1;
	return 0;
}

static kb_template *compile_fixture(kb_ctx *ctx)
{
	kb_template_options o = {.open_delim = "{", .close_delim = "}"};
	kb_template *t = NULL;
	int rc = kb_template_compile(&t, ctx, FIXTURE, &o);
	KB_CHECK_INT(rc, KB_OK);
	if (rc)
		fprintf(stderr, "  %s\n", kb_ctx_errmsg(ctx));
	return t;
}

static kb_case *fixture_case(kb_ctx *ctx)
{
	kb_case *c = NULL;
	KB_CHECK_INT(kb_case_load_buffer(&c, ctx, CASE, strlen(CASE), "case.json"), KB_OK);
	return c;
}

static int render_and_save(kb_ctx *ctx, const kb_template *t, const kb_case *c, const char *path)
{
	kb_letter *l = NULL;
	int rc = kb_template_render(&l, ctx, t, c);
	if (!rc)
		rc = kb_letter_save(l, ctx, path);
	kb_letter_free(l);
	return rc;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *data = NULL;
	*len = 0;
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0) {
		long n = ftell(f);
		rewind(f);
		data = n >= 0 ? malloc((size_t)n + 1) : NULL;
		if (data && fread(data, 1, (size_t)n, f) != (size_t)n) {
			free(data);
			data = NULL;
		}
		*len = data ? (size_t)n : 0;
	}
	fclose(f);
	return data;
}

/* The compressed bytes of entry i of z; caller frees. */
static char *compressed(zip_t *z, zip_uint64_t i, zip_uint64_t len)
{
	char *buf = malloc(len + 1);
	zip_file_t *f = zip_fopen_index(z, i, ZIP_FL_COMPRESSED);
	zip_int64_t got = buf && f ? zip_fread(f, buf, len + 1) : -1;
	if (f)
		zip_fclose(f);
	if (got != (zip_int64_t)len) {
		free(buf);
		return NULL;
	}
	return buf;
}

static void test_letter_save__unchanged_entries_are_the_templates_compressed_bytes(void)
{
	mkdir(TMPDIR, 0777);
	const char *out = TMP("letter.docx");
	remove(out);
	kb_ctx *ctx = NULL;
	kb_ctx_new(&ctx);
	kb_template *t = compile_fixture(ctx);
	kb_case *c = fixture_case(ctx);
	if (!t || !c)
		goto done;
	KB_CHECK_INT(render_and_save(ctx, t, c, out), KB_OK);

	int err = 0;
	zip_t *a = zip_open(FIXTURE, ZIP_RDONLY, &err), *b = zip_open(out, ZIP_RDONLY | ZIP_CHECKCONS, &err);
	KB_CHECK(a && b);
	if (!a || !b)
		goto close;
	KB_CHECK_INT(zip_get_num_entries(b, 0), zip_get_num_entries(a, 0));
	size_t same = 0, written = 0;
	for (zip_int64_t i = 0; i < zip_get_num_entries(a, 0); i++) {
		zip_stat_t sa, sb;
		KB_CHECK_INT(zip_stat_index(a, (zip_uint64_t)i, 0, &sa), 0);
		zip_int64_t j = zip_name_locate(b, sa.name, 0);
		KB_CHECK_INT(j, i); /* the order of the entries is kept */
		if (j < 0 || zip_stat_index(b, (zip_uint64_t)j, 0, &sb) != 0)
			continue;
		if (is_rendered(sa.name)) {
			KB_CHECK(sb.crc != sa.crc); /* filled in */
			written++;
			continue;
		}
		/* the central directory says the same, and the compressed bytes are the same */
		KB_CHECK_INT(sb.crc, sa.crc);
		KB_CHECK_INT(sb.comp_size, sa.comp_size);
		KB_CHECK_INT(sb.comp_method, sa.comp_method);
		KB_CHECK_INT(sb.size, sa.size);
		char *ra = compressed(a, (zip_uint64_t)i, sa.comp_size), *rb = compressed(b, (zip_uint64_t)j, sb.comp_size);
		KB_CHECK(ra && rb && sa.comp_size == sb.comp_size && memcmp(ra, rb, sa.comp_size) == 0);
		free(ra);
		free(rb);
		same++;
	}
	KB_CHECK_INT(written, 3);
	KB_CHECK_INT(same, (size_t)zip_get_num_entries(a, 0) - 3);
close:
	if (a)
		zip_discard(a);
	if (b)
		zip_discard(b);
done:
	kb_case_free(c);
	kb_template_free(t);
	kb_ctx_free(ctx);
}

typedef struct worker {
	const kb_template *t;
	const kb_case *c;
	int id, failed;
	char msg[1024];
} worker;

static void *work(void *arg)
{
	worker *w = arg;
	kb_ctx *ctx = NULL;
	if (kb_ctx_new(&ctx)) {
		w->failed = 1;
		return NULL;
	}
	kb_ctx_set_sync(ctx, 0); /* as batch saves */
	for (int k = 0; k < PER_THREAD && !w->failed; k++) {
		char path[512];
		snprintf(path, sizeof path, TMP("thread-%d-%d.docx"), w->id, k);
		if (render_and_save(ctx, w->t, w->c, path)) {
			w->failed = 1;
			snprintf(w->msg, sizeof w->msg, "%s", kb_ctx_errmsg(ctx));
		}
	}
	kb_ctx_free(ctx);
	return NULL;
}

static void test_letter_save__four_threads_rendering_one_template_write_identical_files(void)
{
	mkdir(TMPDIR, 0777);
	kb_ctx *ctx = NULL;
	kb_ctx_new(&ctx);
	kb_template *t = compile_fixture(ctx);
	kb_case *c = fixture_case(ctx);
	char *want = NULL;
	size_t wlen = 0;
	if (!t || !c)
		goto done;
	KB_CHECK_INT(render_and_save(ctx, t, c, TMP("alone.docx")), KB_OK);
	want = slurp(TMP("alone.docx"), &wlen);
	KB_CHECK(want && wlen > 0);

	worker w[NTHREADS];
	pthread_t th[NTHREADS];
	int started[NTHREADS] = {0};
	for (int i = 0; i < NTHREADS; i++) {
		w[i] = (worker){.t = t, .c = c, .id = i};
		started[i] = pthread_create(&th[i], NULL, work, &w[i]) == 0;
		KB_CHECK(started[i]);
	}
	for (int i = 0; i < NTHREADS; i++) {
		if (!started[i])
			continue;
		pthread_join(th[i], NULL);
		KB_CHECK_INT(w[i].failed, 0);
		if (w[i].failed)
			fprintf(stderr, "  thread %d: %s\n", i, w[i].msg);
	}
	for (int i = 0; i < NTHREADS && want; i++)
		for (int k = 0; k < PER_THREAD; k++) {
			char path[512];
			snprintf(path, sizeof path, TMP("thread-%d-%d.docx"), i, k);
			size_t len = 0;
			char *got = slurp(path, &len);
			KB_CHECK(got && len == wlen && memcmp(got, want, wlen) == 0);
			free(got);
			remove(path);
		}
done:
	free(want);
	kb_case_free(c);
	kb_template_free(t);
	kb_ctx_free(ctx);
}

KB_TESTS(KB_TEST(test_letter_save__unchanged_entries_are_the_templates_compressed_bytes),
         KB_TEST(test_letter_save__four_threads_rendering_one_template_write_identical_files))
