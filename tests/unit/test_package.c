/* test_package.c -- a DOCX as a zip of parts: finding the parts through relationships, refusing damaged and hostile
 * files, parsing XML safely, and saving a copy with parts replaced and the rest copied raw. */
#include "kbtest.h"
#include "package.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <zip.h>

#ifndef KB_TEST_BINARY_DIR
#define KB_TEST_BINARY_DIR "."
#endif
#define TMPDIR    KB_TEST_BINARY_DIR "/test_package.d"
#define TMP(name) TMPDIR "/" name
#define FIXTURE   KB_TEST_SHARED_DIR "/fixtures/docxtemplater/tag-example.docx"

#define XML_DECL "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
#define CONTENT_TYPES                                                                                                  \
	XML_DECL                                                                                                       \
	    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"                           \
	    "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"   \
	    "<Default Extension=\"xml\" ContentType=\"application/xml\"/></Types>"
#define RELS(body)                                                                                                     \
	XML_DECL "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">" body         \
	         "</Relationships>"
#define REL(id, type, target) "<Relationship Id=\"" id "\" Type=\"" type "\" Target=\"" target "\"/>"
#define T_OFFICE              "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
#define T_STRICT              "http://purl.oclc.org/ooxml/officeDocument/relationships/"
#define W_NS                  "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\""
#define DOC(text)                                                                                                      \
	XML_DECL "<w:document " W_NS "><w:body><w:p><w:r><w:t>" text "</w:t></w:r></w:p></w:body></w:document>"
#define HDR(text) XML_DECL "<w:hdr " W_NS "><w:p><w:r><w:t>" text "</w:t></w:r></w:p></w:hdr>"
#define FTR(text) XML_DECL "<w:ftr " W_NS "><w:p><w:r><w:t>" text "</w:t></w:r></w:p></w:ftr>"

/* ---- helpers ---- */

static void scratch(void)
{
	mkdir(KB_TEST_BINARY_DIR, 0777);
	mkdir(TMPDIR, 0777);
}

typedef struct entry {
	const char *name;
	const char *data; /* must stay valid until make_zip returns */
	size_t len;       /* 0: strlen(data) */
	int encrypt;
} entry;

/* Writes a zip with the entries in order (deflated). Returns 0 on success. */
static int make_zip(const char *path, const entry *e, size_t n)
{
	int err = 0;
	remove(path);
	zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
	if (!z)
		return -1;
	for (size_t i = 0; i < n; i++) {
		size_t len = e[i].len ? e[i].len : strlen(e[i].data);
		zip_source_t *src = zip_source_buffer(z, e[i].data, len, 0);
		zip_int64_t idx = src ? zip_file_add(z, e[i].name, src, ZIP_FL_ENC_UTF_8) : -1;
		if (idx < 0) {
			zip_source_free(src);
			zip_discard(z);
			return -1;
		}
		if (e[i].encrypt) {
			zip_uint16_t m =
			    zip_encryption_method_supported(ZIP_EM_AES_256, 1) ? ZIP_EM_AES_256 : ZIP_EM_TRAD_PKWARE;
			if (zip_file_set_encryption(z, (zip_uint64_t)idx, m, "geheim") < 0) {
				zip_discard(z);
				return -1;
			}
		}
	}
	if (zip_close(z) < 0) {
		zip_discard(z);
		return -1;
	}
	return 0;
}

static int write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	size_t put = fwrite(data, 1, len, f);
	return fclose(f) == 0 && put == len ? 0 : -1;
}

/* The whole file, or NULL. Caller frees. */
static char *slurp(const char *path, size_t *len)
{
	kb_ctx *ctx = NULL;
	char *data = NULL;
	kb_ctx_new(&ctx);
	if (kb_read_file(&data, len, ctx, path, 256u * 1024u * 1024u))
		data = NULL;
	kb_ctx_free(ctx);
	return data;
}

static int contains(const char *hay, const char *needle)
{
	return hay && needle && strstr(hay, needle) != NULL;
}

/* Opens path expecting failure; returns the status and copies the message into msg. */
static int open_fails(const char *path, char *msg, size_t msgsz)
{
	kb_ctx *ctx = NULL;
	kb_package *pkg = NULL;
	kb_ctx_new(&ctx);
	int rc = kb_package_open(&pkg, ctx, path);
	snprintf(msg, msgsz, "%s", kb_ctx_errmsg(ctx));
	if (rc == 0)
		fprintf(stderr, "  %s opened, but should not have\n", path);
	if (pkg != NULL && rc != 0)
		fprintf(stderr, "  failed open left *out set\n");
	kb_package_free(pkg);
	kb_ctx_free(ctx);
	return rc;
}

static size_t count_dir_entries(const char *dir)
{
	DIR *d = opendir(dir);
	size_t n = 0;
	if (!d)
		return 0;
	for (struct dirent *de; (de = readdir(d));)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

/* Removes the files (not folders) in dir. */
static void remove_files(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	for (struct dirent *de; (de = readdir(d));) {
		char p[4096];
		struct stat st;
		snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
		if (stat(p, &st) == 0 && S_ISREG(st.st_mode))
			unlink(p);
	}
	closedir(d);
}

/* Entries of dir whose names start with prefix (left-over temporary files). */
static size_t count_prefixed(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	size_t n = 0;
	if (!d)
		return 0;
	for (struct dirent *de; (de = readdir(d));)
		if (strncmp(de->d_name, prefix, strlen(prefix)) == 0)
			n++;
	closedir(d);
	return n;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- finding the parts ---- */

static void test_package__finds_parts_of_real_word_file_through_rels(void)
{
	kb_ctx *ctx = NULL;
	kb_package *pkg = NULL;
	kb_ctx_new(&ctx);
	int rc = kb_package_open(&pkg, ctx, FIXTURE);
	KB_CHECK_INT(rc, KB_OK);
	if (rc) {
		fprintf(stderr, "  %s\n", kb_ctx_errmsg(ctx));
		kb_ctx_free(ctx);
		return;
	}
	KB_CHECK_STR(kb_package_path(pkg), FIXTURE);
	KB_CHECK_STR(kb_package_main_part(pkg), "word/document.xml");
	size_t n = 0;
	const kb_part_ref *parts = kb_package_parts(pkg, &n);
	KB_CHECK_INT(n, 5);
	static const char *const names[] = {"word/document.xml", "word/header1.xml", "word/footer1.xml",
	                                    "word/footnotes.xml", "word/endnotes.xml"};
	static const kb_part_kind kinds[] = {KB_PART_BODY, KB_PART_HEADER, KB_PART_FOOTER, KB_PART_FOOTNOTE,
	                                     KB_PART_ENDNOTE};
	for (size_t i = 0; i < n && i < 5; i++) {
		KB_CHECK_STR(parts[i].name, names[i]);
		KB_CHECK_INT(parts[i].kind, kinds[i]);
	}
	KB_CHECK_INT(kb_package_has(pkg, "word/styles.xml"), 1);
	KB_CHECK_INT(kb_package_has(pkg, "word/nothing.xml"), 0);
	xmlDocPtr doc = NULL;
	KB_CHECK_INT(kb_package_parse(&doc, pkg, ctx, "word/header1.xml"), KB_OK);
	xmlNodePtr root = xmlDocGetRootElement(doc);
	KB_CHECK(root && xmlStrEqual(root->name, BAD_CAST "hdr"));
	xmlFreeDoc(doc);
	kb_package_free(pkg);
	kb_ctx_free(ctx);
}

/* The main part is wherever _rels/.rels points, even with a stale word/document.xml next to it. Targets are resolved
 * against the source part ("./", "../", a leading "/"); external, dangling and escaping targets are ignored; each
 * kind keeps the order its relationships are listed in. */
static void test_package__main_part_found_through_rels_not_by_name(void)
{
	scratch();
	const char *path = TMP("main-elsewhere.docx");
	/* clang-format off */
	const entry e[] = {
		{"[Content_Types].xml", CONTENT_TYPES, 0, 0},
		{"_rels/.rels",
		 RELS(REL("rId2", "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties",
		          "docProps/core.xml")
		      REL("rId1", T_OFFICE "officeDocument", "/word/main.xml")),
		 0, 0},
		{"word/document.xml", DOC("stale"), 0, 0},
		{"word/main.xml", DOC("the letter"), 0, 0},
		{"word/_rels/main.xml.rels",
		 RELS(REL("rId9", T_OFFICE "endnotes", "/word/en.xml")
		      REL("rId5", T_OFFICE "header", "hdr2.xml")
		      REL("rId8", T_OFFICE "footnotes", "fn.xml")
		      "<Relationship Id=\"rId10\" Type=\"" T_OFFICE "header\" Target=\"ext.xml\" TargetMode=\"External\"/>"
		      REL("rId4", T_OFFICE "header", "./hdr1.xml")
		      REL("rId11", T_OFFICE "header", "missing.xml")
		      REL("rId12", T_OFFICE "header", "../../escape.xml")
		      REL("rId13", T_OFFICE "header", "hdr1.xml")
		      REL("rId6", T_OFFICE "footer", "../word/sub/../ftr.xml")
		      REL("rId7", T_OFFICE "styles", "styles.xml")),
		 0, 0},
		{"word/hdr1.xml", HDR("one"), 0, 0},
		{"word/hdr2.xml", HDR("two"), 0, 0},
		{"word/ftr.xml", FTR("foot"), 0, 0},
		{"word/fn.xml", XML_DECL "<w:footnotes " W_NS "/>", 0, 0},
		{"word/en.xml", XML_DECL "<w:endnotes " W_NS "/>", 0, 0},
		{"escape.xml", HDR("outside"), 0, 0},
		{"word/ext.xml", HDR("an external target that happens to share a name with an entry"), 0, 0},
	};
	/* clang-format on */
	KB_CHECK_INT(make_zip(path, e, sizeof e / sizeof e[0]), 0);
	kb_ctx *ctx = NULL;
	kb_package *pkg = NULL;
	kb_ctx_new(&ctx);
	int rc = kb_package_open(&pkg, ctx, path);
	KB_CHECK_INT(rc, KB_OK);
	if (!rc) {
		KB_CHECK_STR(kb_package_main_part(pkg), "word/main.xml");
		size_t n = 0;
		const kb_part_ref *p = kb_package_parts(pkg, &n);
		KB_CHECK_INT(n, 6);
		static const char *const names[] = {"word/main.xml", "word/hdr2.xml", "word/hdr1.xml",
		                                    "word/ftr.xml",  "word/fn.xml",   "word/en.xml"};
		static const kb_part_kind kinds[] = {KB_PART_BODY,   KB_PART_HEADER,   KB_PART_HEADER,
		                                     KB_PART_FOOTER, KB_PART_FOOTNOTE, KB_PART_ENDNOTE};
		for (size_t i = 0; i < n && i < 6; i++) {
			KB_CHECK_STR(p[i].name, names[i]);
			KB_CHECK_INT(p[i].kind, kinds[i]);
		}
	} else {
		fprintf(stderr, "  %s\n", kb_ctx_errmsg(ctx));
	}
	kb_package_free(pkg);
	kb_ctx_free(ctx);
}

static void test_package__strict_ooxml_relationship_types(void)
{
	scratch();
	const char *path = TMP("strict.docx");
	const entry e[] = {
	    {"[Content_Types].xml", CONTENT_TYPES, 0, 0},
	    {"_rels/.rels", RELS(REL("rId1", T_STRICT "officeDocument", "doc.xml")), 0, 0},
	    {"doc.xml", DOC("strict"), 0, 0},
	    {"_rels/doc.xml.rels",
	     RELS(REL("rId1", T_STRICT "footer", "f.xml") REL("rId2", T_STRICT "header", "h.xml")), 0, 0},
	    {"h.xml", HDR("h"), 0, 0},
	    {"f.xml", FTR("f"), 0, 0},
	};
	KB_CHECK_INT(make_zip(path, e, sizeof e / sizeof e[0]), 0);
	kb_ctx *ctx = NULL;
	kb_package *pkg = NULL;
	kb_ctx_new(&ctx);
	KB_CHECK_INT(kb_package_open(&pkg, ctx, path), KB_OK);
	if (pkg) {
		size_t n = 0;
		const kb_part_ref *p = kb_package_parts(pkg, &n);
		KB_CHECK_INT(n, 3);
		if (n == 3) {
			KB_CHECK_STR(p[0].name, "doc.xml");
			KB_CHECK_STR(p[1].name, "h.xml");
			KB_CHECK_INT(p[1].kind, KB_PART_HEADER);
			KB_CHECK_STR(p[2].name, "f.xml");
			KB_CHECK_INT(p[2].kind, KB_PART_FOOTER);
		}
	}
	kb_package_free(pkg);
	kb_ctx_free(ctx);
}

/* ---- files that are not (whole) Word documents ---- */

static void test_package__truncated_file_is_einput_naming_the_file(void)
{
	scratch();
	const char *path = TMP("truncated.docx");
	size_t len = 0;
	char *data = slurp(FIXTURE, &len);
	KB_CHECK(data != NULL);
	if (!data)
		return;
	KB_CHECK_INT(write_file(path, data, len / 2), 0);
	free(data);
	char msg[1024];
	KB_CHECK_INT(open_fails(path, msg, sizeof msg), KB_EINPUT);
	KB_CHECK(contains(msg, path));
	KB_CHECK(contains(msg, "er ikke et Word-dokument (.docx)"));
	KB_CHECK(contains(msg, "beskadiget eller afkortet"));
}

static void test_package__text_file_named_docx_is_einput(void)
{
	scratch();
	const char *path = TMP("text.docx");
	const char *text = "Kære borger\nDette er ikke et Word-dokument.\n";
	KB_CHECK_INT(write_file(path, text, strlen(text)), 0);
	char msg[1024];
	KB_CHECK_INT(open_fails(path, msg, sizeof msg), KB_EINPUT);
	KB_CHECK(contains(msg, path));
	KB_CHECK(contains(msg, "filen er ikke et zip-arkiv"));
}

static void test_package__empty_file_is_einput(void)
{
	scratch();
	const char *path = TMP("empty.docx");
	KB_CHECK_INT(write_file(path, "", 0), 0);
	char msg[1024];
	KB_CHECK_INT(open_fails(path, msg, sizeof msg), KB_EINPUT);
	KB_CHECK(contains(msg, path));
	KB_CHECK(contains(msg, "empty"));
}

static void test_package__missing_file_is_enotfound(void)
{
	scratch();
	const char *path = TMP("does-not-exist.docx");
	remove(path);
	char msg[1024];
	KB_CHECK_INT(open_fails(path, msg, sizeof msg), KB_ENOTFOUND);
	KB_CHECK(contains(msg, path));
}

static void test_package__zip_without_content_types_is_einput(void)
{
	scratch();
	const char *path = TMP("no-content-types.docx");
	const entry e[] = {
	    {"_rels/.rels", RELS(REL("rId1", T_OFFICE "officeDocument", "word/document.xml")), 0, 0},
	    {"word/document.xml", DOC("x"), 0, 0},
	};
	KB_CHECK_INT(make_zip(path, e, 2), 0);
	char msg[1024];
	KB_CHECK_INT(open_fails(path, msg, sizeof msg), KB_EINPUT);
	KB_CHECK(contains(msg, path));
	KB_CHECK(contains(msg, "[Content_Types].xml mangler"));
}

static void test_package__zip_without_main_part_is_einput(void)
{
	scratch();
	const char *dangling = TMP("dangling-main.docx");
	const entry e1[] = {
	    {"[Content_Types].xml", CONTENT_TYPES, 0, 0},
	    {"_rels/.rels", RELS(REL("rId1", T_OFFICE "officeDocument", "word/document.xml")), 0, 0},
	    {"word/other.xml", DOC("x"), 0, 0},
	};
	KB_CHECK_INT(make_zip(dangling, e1, 3), 0);
	char msg[1024];
	KB_CHECK_INT(open_fails(dangling, msg, sizeof msg), KB_EINPUT);
	KB_CHECK(contains(msg, dangling));
	KB_CHECK(contains(msg, "er ikke et Word-dokument (.docx): der er ingen hoveddel"));

	const char *norels = TMP("no-rels.docx");
	const entry e2[] = {
	    {"[Content_Types].xml", CONTENT_TYPES, 0, 0},
	    {"word/document.xml", DOC("x"), 0, 0},
	};
	KB_CHECK_INT(make_zip(norels, e2, 2), 0);
	KB_CHECK_INT(open_fails(norels, msg, sizeof msg), KB_EINPUT);
	KB_CHECK(contains(msg, "der er ingen hoveddel"));
}

static void test_package__encrypted_entry_is_einput(void)
{
	scratch();
	KB_CHECK(zip_encryption_method_supported(ZIP_EM_AES_256, 1) ||
	         zip_encryption_method_supported(ZIP_EM_TRAD_PKWARE, 1));
	const char *path = TMP("encrypted.docx");
	const entry e[] = {
	    {"[Content_Types].xml", CONTENT_TYPES, 0, 0},
	    {"_rels/.rels", RELS(REL("rId1", T_OFFICE "officeDocument", "word/document.xml")), 0, 0},
	    {"word/document.xml", DOC("hemmeligt"), 0, 1},
	};
	KB_CHECK_INT(make_zip(path, e, 3), 0);
	char msg[1024];
	KB_CHECK_INT(open_fails(path, msg, sizeof msg), KB_EINPUT);
	KB_CHECK(contains(msg, "word/document.xml er krypteret"));
}

/* ---- limits ---- */

static void test_package__zip_bomb_is_elimit(void)
{
	scratch();
	const char *path = TMP("bomb.docx");
	size_t big = 50u * 1024u * 1024u;
	char *zeros = calloc(1, big);
	KB_CHECK(zeros != NULL);
	if (!zeros)
		return;
	const entry e[] = {
	    {"[Content_Types].xml", CONTENT_TYPES, 0, 0},
	    {"_rels/.rels", RELS(REL("rId1", T_OFFICE "officeDocument", "word/document.xml")), 0, 0},
	    {"word/document.xml", DOC("x"), 0, 0},
	    {"word/media/image1.bin", zeros, big, 0},
	};
	KB_CHECK_INT(make_zip(path, e, 4), 0);
	free(zeros);
	char msg[1024];
	KB_CHECK_INT(open_fails(path, msg, sizeof msg), KB_ELIMIT);
	KB_CHECK(contains(msg, "word/media/image1.bin"));
	KB_CHECK(contains(msg, "zip-bombe"));
}

/* Sets the uncompressed size of entry name, in its local and its central header, to size. Returns 0 when both were
 * found. */
static int patch_declared_size(char *zipdata, size_t len, const char *name, uint32_t size)
{
	size_t nlen = strlen(name);
	int found = 0;
	for (size_t i = 0; i + 46 + nlen <= len; i++) {
		unsigned char *p = (unsigned char *)zipdata + i;
		size_t at = 0, name_at = 0;
		if (!memcmp(p, "PK\x03\x04", 4)) {
			at = 22;
			name_at = 30;
		} else if (!memcmp(p, "PK\x01\x02", 4)) {
			at = 24;
			name_at = 46;
		} else {
			continue;
		}
		if (memcmp(p + name_at, name, nlen) != 0)
			continue;
		for (int b = 0; b < 4; b++)
			p[at + b] = (unsigned char)(size >> (8 * b));
		found++;
	}
	return found == 2 ? 0 : -1;
}

/* A header that declares a small entry must not let more through: the reader stops at the declared size. */
static void test_package__entry_larger_than_its_header_says_is_elimit(void)
{
	scratch();
	const char *path = TMP("lying-header.docx");
	size_t big = 8u * 1024u * 1024u;
	char *zeros = calloc(1, big);
	KB_CHECK(zeros != NULL);
	if (!zeros)
		return;
	const entry e[] = {
	    {"[Content_Types].xml", CONTENT_TYPES, 0, 0},
	    {"_rels/.rels", RELS(REL("rId1", T_OFFICE "officeDocument", "word/document.xml")), 0, 0},
	    {"word/document.xml", DOC("x"), 0, 0},
	    {"word/settings.xml", zeros, big, 0},
	};
	KB_CHECK_INT(make_zip(path, e, 4), 0);
	free(zeros);
	size_t len = 0;
	char *data = slurp(path, &len);
	KB_CHECK(data != NULL);
	if (!data)
		return;
	KB_CHECK_INT(patch_declared_size(data, len, "word/settings.xml", 1000), 0);
	KB_CHECK_INT(write_file(path, data, len), 0);
	free(data);

	kb_ctx *ctx = NULL;
	kb_package *pkg = NULL;
	kb_ctx_new(&ctx);
	int rc = kb_package_open(&pkg, ctx, path);
	KB_CHECK_INT(rc, KB_OK);
	if (!rc) {
		char *out = NULL;
		size_t outlen = 0;
		KB_CHECK_INT(kb_package_read(&out, &outlen, pkg, ctx, "word/settings.xml"), KB_ELIMIT);
		KB_CHECK(out == NULL);
		KB_CHECK(contains(kb_ctx_errmsg(ctx), "flere data, end zip-hovedet siger"));
		KB_CHECK(contains(kb_ctx_errmsg(ctx), "word/settings.xml"));
		free(out);
	} else {
		fprintf(stderr, "  %s\n", kb_ctx_errmsg(ctx));
	}
	kb_package_free(pkg);
	kb_ctx_free(ctx);
}

static void test_package__too_many_entries_is_elimit(void)
{
	scratch();
	const char *path = TMP("many-entries.docx");
	int err = 0;
	remove(path);
	zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
	KB_CHECK(z != NULL);
	if (!z)
		return;
	for (unsigned i = 0; i <= KB_MAX_ZIP_ENTRIES; i++) {
		char name[64];
		snprintf(name, sizeof name, "word/media/e%u.txt", i);
		zip_source_t *src = zip_source_buffer(z, "x", 1, 0);
		if (!src || zip_file_add(z, name, src, 0) < 0) {
			zip_source_free(src);
			KB_CHECK(0);
			break;
		}
	}
	KB_CHECK_INT(zip_close(z), 0);
	char msg[1024];
	KB_CHECK_INT(open_fails(path, msg, sizeof msg), KB_ELIMIT);
	KB_CHECK(contains(msg, "entries"));
}

static void test_package__deeply_nested_xml_is_refused(void)
{
	kb_ctx *ctx = NULL;
	kb_ctx_new(&ctx);
	kb_buf b;
	kb_buf_init(&b, 1u << 20);
	for (int i = 0; i < KB_MAX_XML_DEPTH + 50; i++)
		kb_buf_adds(&b, "<a>");
	for (int i = 0; i < KB_MAX_XML_DEPTH + 50; i++)
		kb_buf_adds(&b, "</a>");
	xmlDocPtr doc = NULL;
	KB_CHECK_INT(kb_xml_parse(&doc, ctx, b.data, b.len, "deep.xml"), KB_EINPUT);
	KB_CHECK(doc == NULL);
	KB_CHECK(contains(kb_ctx_errmsg(ctx), "deep.xml, linje 1: "));
	kb_buf_free(&b);
	kb_ctx_free(ctx);
}

/* ---- safe XML ---- */

#define LAUGHS                                                                                                         \
	"<?xml version=\"1.0\"?>\n"                                                                                    \
	"<!DOCTYPE lolz [\n"                                                                                           \
	" <!ENTITY lol \"lol\">\n"                                                                                     \
	" <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"                                     \
	" <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"                           \
	" <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"                           \
	" <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"                           \
	" <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"                           \
	" <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"                           \
	" <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"                           \
	" <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n"                           \
	" <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n"                           \
	"]>\n"                                                                                                         \
	"<w:document " W_NS "><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>"

static void test_package__billion_laughs_is_refused_without_expansion(void)
{
	scratch();
	const char *path = TMP("laughs.docx");
	const entry e[] = {
	    {"[Content_Types].xml", CONTENT_TYPES, 0, 0},
	    {"_rels/.rels", RELS(REL("rId1", T_OFFICE "officeDocument", "word/document.xml")), 0, 0},
	    {"word/document.xml", LAUGHS, 0, 0},
	};
	KB_CHECK_INT(make_zip(path, e, 3), 0);
	kb_ctx *ctx = NULL;
	kb_package *pkg = NULL;
	kb_ctx_new(&ctx);
	double t0 = now();
	KB_CHECK_INT(kb_package_open(&pkg, ctx, path), KB_OK);
	if (pkg) {
		xmlDocPtr doc = NULL;
		KB_CHECK_INT(kb_package_parse(&doc, pkg, ctx, "word/document.xml"), KB_EINPUT);
		KB_CHECK(doc == NULL);
		xmlFreeDoc(doc);
		KB_CHECK(contains(kb_ctx_errmsg(ctx), path));
		KB_CHECK(contains(kb_ctx_errmsg(ctx), "word/document.xml, linje 3: "));
		KB_CHECK(contains(kb_ctx_errmsg(ctx), "erklærer entiteter"));
	}
	KB_CHECK(now() - t0 < 2.0);
	kb_package_free(pkg);
	kb_ctx_free(ctx);
}

/* An external entity (general or parameter) or an external DTD must never be read: the secret never appears. */
static void test_package__external_entity_is_not_read(void)
{
	scratch();
	const char *secret = TMP("secret.txt");
	KB_CHECK_INT(write_file(secret, "TOPSECRET", 9), 0);
	const char *dtd = TMP("secret.dtd");
	const char *dtd_text = "<!ENTITY x SYSTEM \"secret.txt\">";
	KB_CHECK_INT(write_file(dtd, dtd_text, strlen(dtd_text)), 0);
	/* file:// URIs need an absolute folder */
	char abs[4096], cwd[2048];
	if (TMPDIR[0] == '/')
		snprintf(abs, sizeof abs, "%s", TMPDIR);
	else if (getcwd(cwd, sizeof cwd))
		snprintf(abs, sizeof abs, "%s/%s", cwd, TMPDIR);
	else
		abs[0] = '\0';
	KB_CHECK(abs[0] == '/');
	char docs[3][8192];
	snprintf(docs[0], sizeof docs[0], "<!DOCTYPE d [<!ENTITY x SYSTEM \"file://%s/secret.txt\">]>\n<d>&x;</d>",
	         abs);
	snprintf(docs[1], sizeof docs[1],
	         "<!DOCTYPE d [<!ENTITY %% p SYSTEM \"file://%s/secret.dtd\">%%p;]>\n<d>&x;</d>", abs);
	snprintf(docs[2], sizeof docs[2], "<!DOCTYPE d SYSTEM \"file://%s/secret.dtd\">\n<d>&x;</d>", abs);
	for (int i = 0; i < 3; i++) {
		kb_ctx *ctx = NULL;
		kb_ctx_new(&ctx);
		xmlDocPtr doc = NULL;
		int rc = kb_xml_parse(&doc, ctx, docs[i], strlen(docs[i]), "xxe.xml");
		if (i < 2)
			KB_CHECK_INT(rc, KB_EINPUT);
		KB_CHECK(!contains(kb_ctx_errmsg(ctx), "TOPSECRET"));
		if (doc) {
			xmlChar *text = xmlNodeGetContent(xmlDocGetRootElement(doc));
			KB_CHECK(!contains((const char *)text, "TOPSECRET"));
			xmlFree(text);
		}
		xmlFreeDoc(doc);
		kb_ctx_free(ctx);
	}
}

static void test_package__doctype_without_entities_is_accepted(void)
{
	kb_ctx *ctx = NULL;
	kb_ctx_new(&ctx);
	const char *xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE d [<!ELEMENT d (#PCDATA)>]>\n<d>tekst &amp; mere</d>";
	xmlDocPtr doc = NULL;
	KB_CHECK_INT(kb_xml_parse(&doc, ctx, xml, strlen(xml), "plain.xml"), KB_OK);
	if (doc) {
		xmlChar *text = xmlNodeGetContent(xmlDocGetRootElement(doc));
		KB_CHECK_STR((const char *)text, "tekst & mere");
		xmlFree(text);
	}
	xmlFreeDoc(doc);
	kb_ctx_free(ctx);
}

static void test_package__parse_error_names_file_part_and_line(void)
{
	scratch();
	const char *path = TMP("malformed.docx");
	const entry e[] = {
	    {"[Content_Types].xml", CONTENT_TYPES, 0, 0},
	    {"_rels/.rels", RELS(REL("rId1", T_OFFICE "officeDocument", "word/document.xml")), 0, 0},
	    {"word/document.xml", XML_DECL "<w:document " W_NS ">\n<w:body><w:p>\n</w:body></w:document>", 0, 0},
	};
	KB_CHECK_INT(make_zip(path, e, 3), 0);
	kb_ctx *ctx = NULL;
	kb_package *pkg = NULL;
	kb_ctx_new(&ctx);
	KB_CHECK_INT(kb_package_open(&pkg, ctx, path), KB_OK);
	if (pkg) {
		xmlDocPtr doc = NULL;
		KB_CHECK_INT(kb_package_parse(&doc, pkg, ctx, "word/document.xml"), KB_EINPUT);
		char want[1024];
		snprintf(want, sizeof want, "%s: word/document.xml, linje 4: ", path);
		if (!contains(kb_ctx_errmsg(ctx), want))
			fprintf(stderr, "  message: %s\n", kb_ctx_errmsg(ctx));
		KB_CHECK(contains(kb_ctx_errmsg(ctx), want));
		KB_CHECK(!contains(kb_ctx_errmsg(ctx), "\n"));
		char *data = NULL;
		KB_CHECK_INT(kb_package_read(&data, NULL, pkg, ctx, "word/nothing.xml"), KB_ENOTFOUND);
		KB_CHECK(contains(kb_ctx_errmsg(ctx), "word/nothing.xml"));
		free(data);
	}
	kb_package_free(pkg);
	kb_ctx_free(ctx);
}

/* The library never prints: libxml2's errors must not reach stderr. */
static void test_package__xml_errors_are_not_printed(void)
{
	scratch();
	const char *log = TMP("stderr.txt");
	fflush(stderr);
	int saved = dup(2);
	int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0666);
	KB_CHECK(saved >= 0 && fd >= 0);
	if (saved < 0 || fd < 0)
		return;
	dup2(fd, 2);
	close(fd);
	static const char *const bad[] = {
	    "<a><b></a>",
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><a>\xff\xfe</a>",
	    "<?xml version=\"1.0\" encoding=\"no-such-charset\"?><a/>",
	    "<?xml version=\"1.0\" encoding=\"windows-1252\"?><a>\x81\x8d</a>", /* libxml2 reports these without a
	                                                                           parser */
	    "<a>&undefined;</a>",
	    "",
	    LAUGHS,
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		kb_ctx *ctx = NULL;
		kb_ctx_new(&ctx);
		xmlDocPtr doc = NULL;
		int rc = kb_xml_parse(&doc, ctx, bad[i], strlen(bad[i]), "bad.xml");
		if (rc != KB_EINPUT)
			fprintf(stdout, "  bad[%zu] gave %d\n", i, rc);
		KB_CHECK_INT(rc, KB_EINPUT);
		xmlFreeDoc(doc);
		kb_ctx_free(ctx);
	}
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	size_t len = 99;
	char *printed = slurp(log, &len);
	KB_CHECK_INT(len, 0);
	if (len)
		fprintf(stderr, "  printed: %s\n", printed);
	free(printed);
}

static void test_package__serialize_writes_standalone_declaration(void)
{
	kb_ctx *ctx = NULL;
	kb_ctx_new(&ctx);
	const char *xml =
	    "<w:document " W_NS
	    "><w:body><w:p><w:r><w:t xml:space=\"preserve\"> Kære  æøå </w:t></w:r></w:p></w:body></w:document>";
	xmlDocPtr doc = NULL;
	KB_CHECK_INT(kb_xml_parse(&doc, ctx, xml, strlen(xml), "doc.xml"), KB_OK);
	if (doc) {
		int before = doc->standalone;
		char *out = NULL;
		size_t len = 0;
		KB_CHECK_INT(kb_xml_serialize(&out, &len, ctx, doc), KB_OK);
		const char *decl = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>";
		KB_CHECK(out && strncmp(out, decl, strlen(decl)) == 0);
		KB_CHECK(out && strlen(out) == len);
		KB_CHECK(contains(out, "> Kære  æøå </w:t>"));
		KB_CHECK_INT(doc->standalone, before);
		free(out);
	}
	xmlFreeDoc(doc);
	kb_ctx_free(ctx);
}

/* ---- saving ---- */

#define NEW_DOC DOC("Afgørelse: du får hjælp.")

/* Every entry of want_path is in got_path in the same place; entries other than replaced are byte-identical
 * compressed (same CRC, compressed size, method and raw compressed bytes). */
static void check_raw_copies(const char *want_path, const char *got_path, const char *replaced)
{
	int err = 0;
	zip_t *a = zip_open(want_path, ZIP_RDONLY, &err);
	zip_t *b = zip_open(got_path, ZIP_RDONLY | ZIP_CHECKCONS, &err);
	KB_CHECK(a != NULL);
	KB_CHECK(b != NULL);
	if (!a || !b)
		goto done;
	KB_CHECK_INT(zip_get_num_entries(b, 0), zip_get_num_entries(a, 0));
	for (zip_int64_t i = 0; i < zip_get_num_entries(a, 0); i++) {
		zip_stat_t sa, sb;
		KB_CHECK_INT(zip_stat_index(a, (zip_uint64_t)i, 0, &sa), 0);
		zip_int64_t j = zip_name_locate(b, sa.name, 0);
		KB_CHECK_INT(j, i);
		if (j < 0 || strcmp(sa.name, replaced) == 0)
			continue;
		KB_CHECK_INT(zip_stat_index(b, (zip_uint64_t)j, 0, &sb), 0);
		KB_CHECK_INT(sb.crc, sa.crc);
		KB_CHECK_INT(sb.comp_size, sa.comp_size);
		KB_CHECK_INT(sb.comp_method, sa.comp_method);
		KB_CHECK_INT(sb.size, sa.size);
		char *ra = malloc(sa.comp_size + 1), *rb = malloc(sa.comp_size + 1);
		zip_file_t *fa = zip_fopen_index(a, (zip_uint64_t)i, ZIP_FL_COMPRESSED);
		zip_file_t *fb = zip_fopen_index(b, (zip_uint64_t)j, ZIP_FL_COMPRESSED);
		KB_CHECK(ra && rb && fa && fb);
		if (ra && rb && fa && fb) {
			zip_int64_t na = zip_fread(fa, ra, sa.comp_size + 1), nb = zip_fread(fb, rb, sa.comp_size + 1);
			KB_CHECK_INT(na, (long long)sa.comp_size);
			KB_CHECK_INT(nb, na);
			KB_CHECK(na == nb && na >= 0 && memcmp(ra, rb, (size_t)na) == 0);
		}
		if (fa)
			zip_fclose(fa);
		if (fb)
			zip_fclose(fb);
		free(ra);
		free(rb);
	}
done:
	if (a)
		zip_discard(a);
	if (b)
		zip_discard(b);
}

static void test_package__save_replaces_one_part_and_copies_the_others_raw(void)
{
	scratch();
	const char *out = TMP("saved.docx");
	remove(out);
	kb_ctx *ctx = NULL;
	kb_package *pkg = NULL;
	kb_ctx_new(&ctx);
	KB_CHECK_INT(kb_package_open(&pkg, ctx, FIXTURE), KB_OK);
	if (!pkg) {
		kb_ctx_free(ctx);
		return;
	}
	const char *names[] = {"word/document.xml"};
	const char *data[] = {NEW_DOC};
	size_t lens[] = {strlen(NEW_DOC)};
	int rc = kb_package_save(pkg, ctx, out, names, data, lens, 1);
	KB_CHECK_INT(rc, KB_OK);
	if (rc)
		fprintf(stderr, "  %s\n", kb_ctx_errmsg(ctx));
	kb_package_free(pkg);
	pkg = NULL;

	check_raw_copies(FIXTURE, out, "word/document.xml");

	/* the output is a package we read back, with the new content */
	KB_CHECK_INT(kb_package_open(&pkg, ctx, out), KB_OK);
	if (pkg) {
		char *got = NULL;
		size_t len = 0;
		KB_CHECK_INT(kb_package_read(&got, &len, pkg, ctx, "word/document.xml"), KB_OK);
		KB_CHECK_STR(got, NEW_DOC);
		KB_CHECK_INT(len, strlen(NEW_DOC));
		free(got);
		size_t n = 0;
		kb_package_parts(pkg, &n);
		KB_CHECK_INT(n, 5);
	}
	kb_package_free(pkg);
	KB_CHECK_INT(count_prefixed(TMPDIR, ".saved.docx."), 0);
	kb_ctx_free(ctx);
}

static void test_package__save_leaves_the_input_unchanged(void)
{
	scratch();
	const char *in = TMP("input.docx");
	const char *out = TMP("input-saved.docx");
	size_t flen = 0;
	char *orig = slurp(FIXTURE, &flen);
	KB_CHECK(orig != NULL);
	if (!orig)
		return;
	KB_CHECK_INT(write_file(in, orig, flen), 0);
	struct stat before, after;
	KB_CHECK_INT(stat(in, &before), 0);

	kb_ctx *ctx = NULL;
	kb_package *pkg = NULL;
	kb_ctx_new(&ctx);
	KB_CHECK_INT(kb_package_open(&pkg, ctx, in), KB_OK);
	if (pkg) {
		const char *names[] = {"word/header1.xml", "word/document.xml"};
		const char *data[] = {HDR("ny"), NEW_DOC};
		size_t lens[] = {strlen(HDR("ny")), strlen(NEW_DOC)};
		KB_CHECK_INT(kb_package_save(pkg, ctx, out, names, data, lens, 2), KB_OK);
		/* saving again over an existing output replaces it */
		KB_CHECK_INT(kb_package_save(pkg, ctx, out, names, data, lens, 1), KB_OK);
	}
	kb_package_free(pkg);
	size_t nlen = 0;
	char *now_bytes = slurp(in, &nlen);
	KB_CHECK(now_bytes && nlen == flen && memcmp(now_bytes, orig, flen) == 0);
	KB_CHECK_INT(stat(in, &after), 0);
	KB_CHECK_INT(after.st_ino, before.st_ino);
	free(now_bytes);
	free(orig);
	kb_ctx_free(ctx);
}

static void test_package__save_into_missing_folder_is_eio(void)
{
	scratch();
	const char *dir = TMP("no-such-folder");
	const char *out = TMP("no-such-folder/letter.docx");
	rmdir(dir);
	kb_ctx *ctx = NULL;
	kb_package *pkg = NULL;
	kb_ctx_new(&ctx);
	KB_CHECK_INT(kb_package_open(&pkg, ctx, FIXTURE), KB_OK);
	if (pkg) {
		KB_CHECK_INT(kb_package_save(pkg, ctx, out, NULL, NULL, NULL, 0), KB_EIO);
		KB_CHECK(contains(kb_ctx_errmsg(ctx), out));
		KB_CHECK(contains(kb_ctx_errmsg(ctx), "findes ikke"));
	}
	struct stat st;
	KB_CHECK(stat(dir, &st) != 0 && errno == ENOENT);
	kb_package_free(pkg);
	kb_ctx_free(ctx);
}

/* A save that fails after its temporary file exists (here: the target is a folder, so the final rename fails)
 * removes the temporary file and leaves the target as it was. */
static void test_package__failed_save_leaves_no_temporary_file(void)
{
	scratch();
	const char *dir = TMP("failsave");
	const char *out = TMP("failsave/letter.docx");
	mkdir(dir, 0777);
	remove_files(dir); /* leftovers of an earlier failed run */
	mkdir(out, 0777);
	KB_CHECK_INT(count_dir_entries(dir), 1);
	kb_ctx *ctx = NULL;
	kb_package *pkg = NULL;
	kb_ctx_new(&ctx);
	KB_CHECK_INT(kb_package_open(&pkg, ctx, FIXTURE), KB_OK);
	if (pkg) {
		const char *names[] = {"word/document.xml"};
		const char *data[] = {NEW_DOC};
		size_t lens[] = {strlen(NEW_DOC)};
		KB_CHECK_INT(kb_package_save(pkg, ctx, out, names, data, lens, 1), KB_EIO);
		KB_CHECK(contains(kb_ctx_errmsg(ctx), out));
	}
	KB_CHECK_INT(count_dir_entries(dir), 1);
	KB_CHECK_INT(count_dir_entries(out), 0);
	struct stat st;
	KB_CHECK(stat(out, &st) == 0 && S_ISDIR(st.st_mode));
	kb_package_free(pkg);
	kb_ctx_free(ctx);
}

static void test_package__save_refuses_to_overwrite_its_input(void)
{
	scratch();
	const char *in = TMP("self.docx");
	size_t flen = 0;
	char *orig = slurp(FIXTURE, &flen);
	KB_CHECK(orig != NULL);
	if (!orig)
		return;
	KB_CHECK_INT(write_file(in, orig, flen), 0);
	kb_ctx *ctx = NULL;
	kb_package *pkg = NULL;
	kb_ctx_new(&ctx);
	KB_CHECK_INT(kb_package_open(&pkg, ctx, in), KB_OK);
	if (pkg) {
		const char *names[] = {"word/document.xml"};
		const char *data[] = {NEW_DOC};
		size_t lens[] = {strlen(NEW_DOC)};
		KB_CHECK_INT(kb_package_save(pkg, ctx, in, names, data, lens, 1), KB_EUSAGE);
		KB_CHECK(contains(kb_ctx_errmsg(ctx), "filen, der blev læst"));
	}
	kb_package_free(pkg);
	size_t nlen = 0;
	char *now_bytes = slurp(in, &nlen);
	KB_CHECK(now_bytes && nlen == flen && memcmp(now_bytes, orig, flen) == 0);
	free(now_bytes);
	free(orig);
	kb_ctx_free(ctx);
}

static void test_package__save_of_unknown_part_is_eusage_and_writes_nothing(void)
{
	scratch();
	const char *out = TMP("unknown-part.docx");
	remove(out);
	kb_ctx *ctx = NULL;
	kb_package *pkg = NULL;
	kb_ctx_new(&ctx);
	KB_CHECK_INT(kb_package_open(&pkg, ctx, FIXTURE), KB_OK);
	if (pkg) {
		const char *names[] = {"word/comments.xml"};
		const char *data[] = {"<x/>"};
		size_t lens[] = {4};
		KB_CHECK_INT(kb_package_save(pkg, ctx, out, names, data, lens, 1), KB_EUSAGE);
		KB_CHECK(contains(kb_ctx_errmsg(ctx), "word/comments.xml"));
	}
	struct stat st;
	KB_CHECK(stat(out, &st) != 0);
	kb_package_free(pkg);
	kb_ctx_free(ctx);
}

#define COMMENTS_XML XML_DECL "<w:comments " W_NS "/>"
#define COMMENTS_CT  "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"
#define COMMENTS_REL T_OFFICE "comments"

/* Reads entry name of the package at path, or NULL. Caller frees. */
static char *read_entry(const char *path, const char *name)
{
	kb_ctx *ctx = NULL;
	kb_package *pkg = NULL;
	char *data = NULL;
	kb_ctx_new(&ctx);
	if (kb_package_open(&pkg, ctx, path) == KB_OK && kb_package_read(&data, NULL, pkg, ctx, name) != KB_OK)
		data = NULL;
	kb_package_free(pkg);
	kb_ctx_free(ctx);
	return data;
}

static void test_package__write_adds_a_part_with_its_content_type_and_relationship(void)
{
	scratch();
	const char *out = TMP("added.docx");
	remove(out);
	kb_ctx *ctx = NULL;
	kb_package *pkg = NULL;
	kb_ctx_new(&ctx);
	KB_CHECK_INT(kb_package_open(&pkg, ctx, FIXTURE), KB_OK);
	if (pkg) {
		const kb_package_entry e[] = {
		    {.name = "word/document.xml", .data = NEW_DOC, .len = strlen(NEW_DOC)},
		    {.name = "word/comments.xml",
		     .data = COMMENTS_XML,
		     .len = strlen(COMMENTS_XML),
		     .content_type = COMMENTS_CT,
		     .source = "word/document.xml",
		     .rel_type = COMMENTS_REL},
		};
		int rc = kb_package_write(pkg, ctx, out, e, 2);
		KB_CHECK_INT(rc, KB_OK);
		if (rc)
			fprintf(stderr, "  %s\n", kb_ctx_errmsg(ctx));
	}
	kb_package_free(pkg);
	pkg = NULL;
	/* the new part, found as Word finds it: through the main document's relationships */
	KB_CHECK_INT(kb_package_open(&pkg, ctx, out), KB_OK);
	if (pkg) {
		char *name = NULL, *data = NULL;
		KB_CHECK_INT(kb_package_related(&name, pkg, ctx, "word/document.xml", "/comments"), KB_OK);
		KB_CHECK_STR(name, "word/comments.xml");
		KB_CHECK_INT(kb_package_read(&data, NULL, pkg, ctx, "word/comments.xml"), KB_OK);
		KB_CHECK_STR(data, COMMENTS_XML);
		free(name);
		free(data);
		KB_CHECK_INT(kb_package_related(&name, pkg, ctx, "word/document.xml", "/nothing"), KB_ENOTFOUND);
		free(name);
	}
	kb_package_free(pkg);
	char *ct = read_entry(out, "[Content_Types].xml");
	KB_CHECK(contains(ct, "<Override PartName=\"/word/comments.xml\" ContentType=\"" COMMENTS_CT "\"/>"));
	free(ct);
	KB_CHECK_INT(count_prefixed(TMPDIR, ".added.docx."), 0);
	kb_ctx_free(ctx);
}

static void test_package__write_makes_the_relationships_part_a_source_lacks(void)
{
	scratch();
	const char *in = TMP("no-rels.docx"), *out = TMP("no-rels.out.docx");
	/* clang-format off */
	const entry e[] = {
		{"[Content_Types].xml", XML_DECL "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
		                        "<Default Extension=\"xml\" ContentType=\"application/xml\"/></Types>", 0, 0},
		{"_rels/.rels", RELS(REL("rId1", T_OFFICE "officeDocument", "word/document.xml")), 0, 0},
		{"word/document.xml", DOC("brev"), 0, 0},
	};
	/* clang-format on */
	KB_CHECK_INT(make_zip(in, e, sizeof e / sizeof e[0]), 0);
	kb_ctx *ctx = NULL;
	kb_package *pkg = NULL;
	kb_ctx_new(&ctx);
	KB_CHECK_INT(kb_package_open(&pkg, ctx, in), KB_OK);
	if (pkg) {
		const kb_package_entry add = {.name = "word/comments.xml",
		                              .data = COMMENTS_XML,
		                              .len = strlen(COMMENTS_XML),
		                              .content_type = COMMENTS_CT,
		                              .source = "word/document.xml",
		                              .rel_type = COMMENTS_REL};
		KB_CHECK_INT(kb_package_write(pkg, ctx, out, &add, 1), KB_OK);
	}
	kb_package_free(pkg);
	char *rels = read_entry(out, "word/_rels/document.xml.rels");
	KB_CHECK(contains(rels, "Id=\"rId1\" Type=\"" COMMENTS_REL "\" Target=\"comments.xml\""));
	char *ct = read_entry(out, "[Content_Types].xml");
	/* relationship parts need their content type too: a Default, before the other declarations */
	KB_CHECK(contains(ct, "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
	                      "<Default Extension=\"rels\""));
	KB_CHECK(contains(ct, "PartName=\"/word/comments.xml\""));
	free(rels);
	free(ct);
	kb_ctx_free(ctx);
}

static void test_package__write_picks_a_relationship_id_no_relationship_uses(void)
{
	scratch();
	const char *in = TMP("ids.docx"), *out = TMP("ids.out.docx");
	/* clang-format off */
	const entry e[] = {
		{"[Content_Types].xml", CONTENT_TYPES, 0, 0},
		{"_rels/.rels", RELS(REL("rId1", T_OFFICE "officeDocument", "word/document.xml")), 0, 0},
		{"word/document.xml", DOC("brev"), 0, 0},
		{"word/_rels/document.xml.rels",
		 RELS(REL("rId1", T_OFFICE "styles", "styles.xml") REL("rId3", T_OFFICE "settings", "settings.xml")), 0, 0},
	};
	/* clang-format on */
	KB_CHECK_INT(make_zip(in, e, sizeof e / sizeof e[0]), 0);
	kb_ctx *ctx = NULL;
	kb_package *pkg = NULL;
	kb_ctx_new(&ctx);
	KB_CHECK_INT(kb_package_open(&pkg, ctx, in), KB_OK);
	if (pkg) {
		const kb_package_entry add[] = {
		    {.name = "word/comments.xml",
		     .data = COMMENTS_XML,
		     .len = strlen(COMMENTS_XML),
		     .content_type = COMMENTS_CT,
		     .source = "word/document.xml",
		     .rel_type = COMMENTS_REL},
		    {.name = "custom/notes.xml",
		     .data = "<x/>",
		     .len = 4,
		     .content_type = "application/xml",
		     .source = "word/document.xml",
		     .rel_type = "urn:x"},
		};
		KB_CHECK_INT(kb_package_write(pkg, ctx, out, add, 2), KB_OK);
	}
	kb_package_free(pkg);
	char *rels = read_entry(out, "word/_rels/document.xml.rels");
	KB_CHECK(contains(rels, "Id=\"rId4\" Type=\"" COMMENTS_REL "\" Target=\"comments.xml\""));
	/* a part outside the source's folder is named from the package root */
	KB_CHECK(contains(rels, "Id=\"rId5\" Type=\"urn:x\" Target=\"/custom/notes.xml\""));
	free(rels);
	kb_ctx_free(ctx);
}

static void test_package__write_refuses_bad_new_parts_and_writes_nothing(void)
{
	scratch();
	const char *out = TMP("bad-add.docx");
	remove(out);
	kb_ctx *ctx = NULL;
	kb_package *pkg = NULL;
	kb_ctx_new(&ctx);
	KB_CHECK_INT(kb_package_open(&pkg, ctx, FIXTURE), KB_OK);
	if (pkg) {
		const kb_package_entry cases[] = {
		    /* a part the package has already */
		    {.name = "word/styles.xml",
		     .data = "<x/>",
		     .len = 4,
		     .content_type = "application/xml",
		     .source = "word/document.xml",
		     .rel_type = "urn:x"},
		    /* a name that leaves the package */
		    {.name = "../evil.xml",
		     .data = "<x/>",
		     .len = 4,
		     .content_type = "application/xml",
		     .source = "word/document.xml",
		     .rel_type = "urn:x"},
		    /* no relationship type */
		    {.name = "word/new.xml",
		     .data = "<x/>",
		     .len = 4,
		     .content_type = "application/xml",
		     .source = "word/document.xml"},
		    /* a source that does not exist */
		    {.name = "word/new.xml",
		     .data = "<x/>",
		     .len = 4,
		     .content_type = "application/xml",
		     .source = "word/none.xml",
		     .rel_type = "urn:x"},
		};
		for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
			KB_CHECK_INT(kb_package_write(pkg, ctx, out, &cases[i], 1), KB_EUSAGE);
			KB_CHECK(contains(kb_ctx_errmsg(ctx), cases[i].name));
		}
	}
	struct stat st;
	KB_CHECK(stat(out, &st) != 0);
	KB_CHECK_INT(count_prefixed(TMPDIR, ".bad-add.docx."), 0);
	kb_package_free(pkg);
	kb_ctx_free(ctx);
}

/* ---- the check before saving: what klarbrev writes, klarbrev (and Word) must read ---- */

/* Saves the fixture with one part replaced by data into a fresh folder; expects the save to be refused as an
 * internal error with nothing written: no target, no temporary file. Copies the message into msg. */
static void write_is_refused(const char *dir, const char *part, const char *data, size_t len, char *msg, size_t msgsz)
{
	scratch();
	mkdir(dir, 0777);
	remove_files(dir);
	char out[4096];
	snprintf(out, sizeof out, "%s/letter.docx", dir);
	kb_ctx *ctx = NULL;
	kb_package *pkg = NULL;
	kb_ctx_new(&ctx);
	msg[0] = '\0';
	KB_CHECK_INT(kb_package_open(&pkg, ctx, FIXTURE), KB_OK);
	if (pkg) {
		const char *names[] = {part};
		const char *datas[] = {data};
		size_t lens[] = {len ? len : strlen(data)};
		KB_CHECK_INT(kb_package_save(pkg, ctx, out, names, datas, lens, 1), KB_EINTERNAL);
		snprintf(msg, msgsz, "%s", kb_ctx_errmsg(ctx));
		KB_CHECK(contains(msg, "intern fejl"));
		KB_CHECK(contains(msg, part));
		KB_CHECK(contains(msg, out)); /* the target, not the temporary file */
		KB_CHECK(!contains(msg, "/.letter.docx."));
	}
	KB_CHECK_INT(count_dir_entries(dir), 0);
	kb_package_free(pkg);
	kb_ctx_free(ctx);
}

static void test_package__write_with_an_undeclared_namespace_prefix_is_einternal_and_writes_nothing(void)
{
	char msg[2048];
	const char *doc = XML_DECL "<w:document " W_NS "><w:body><ns0:p><w:r><w:t>x</w:t></w:r></ns0:p></w:body>"
	                           "</w:document>";
	write_is_refused(TMP("verify-prefix"), "word/document.xml", doc, 0, msg, sizeof msg);
	KB_CHECK(contains(msg, "\"ns0\""));
	KB_CHECK(contains(msg, "ikke erklæret"));
}

static void test_package__write_with_an_undeclared_prefix_on_an_attribute_is_einternal(void)
{
	char msg[2048];
	const char *doc = XML_DECL "<w:document " W_NS "><w:body><w:p w14:paraId=\"1\"><w:r><w:t>x</w:t></w:r></w:p>"
	                           "</w:body></w:document>";
	write_is_refused(TMP("verify-attr-prefix"), "word/document.xml", doc, 0, msg, sizeof msg);
	KB_CHECK(contains(msg, "w14:paraId"));
}

static void test_package__write_with_mc_ignorable_naming_an_undeclared_prefix_is_einternal(void)
{
	char msg[2048];
	const char *doc =
	    XML_DECL "<w:document " W_NS " xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\" "
	             "mc:Ignorable=\"w14\"><w:body><w:p/></w:body></w:document>";
	write_is_refused(TMP("verify-ignorable"), "word/document.xml", doc, 0, msg, sizeof msg);
	KB_CHECK(contains(msg, "mc:Ignorable"));
	KB_CHECK(contains(msg, "\"w14\""));
}

static void test_package__write_with_invalid_utf8_is_einternal_and_writes_nothing(void)
{
	char msg[2048];
	/* "Kære" in windows-1252: 0xE6 starts no UTF-8 sequence here */
	write_is_refused(TMP("verify-utf8"), "word/document.xml", DOC("K\xE6re Jens"), 0, msg, sizeof msg);
	KB_CHECK(contains(msg, "UTF-8"));
	KB_CHECK(contains(msg, "0xE6"));
}

static void test_package__write_with_a_non_utf8_encoding_declaration_is_einternal(void)
{
	char msg[2048];
	const char *doc = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<w:document " W_NS
	                  "><w:body><w:p/></w:body></w:document>";
	write_is_refused(TMP("verify-encoding"), "word/document.xml", doc, 0, msg, sizeof msg);
	KB_CHECK(contains(msg, "ISO-8859-1"));
}

static void test_package__write_of_xml_that_is_not_well_formed_is_einternal_and_writes_nothing(void)
{
	char msg[2048];
	const char *doc = XML_DECL "<w:document " W_NS "><w:body><w:p><w:r><w:t>x</w:r></w:p></w:body></w:document>";
	write_is_refused(TMP("verify-malformed"), "word/document.xml", doc, 0, msg, sizeof msg);
	KB_CHECK(contains(msg, "velformet"));
	KB_CHECK(contains(msg, "line 2"));
}

static void test_package__write_of_a_relationship_to_a_missing_part_is_einternal_and_writes_nothing(void)
{
	char msg[2048];
	const char *rels = RELS(REL("rId1", T_OFFICE "styles", "styles.xml")
	                            REL("rId2", T_OFFICE "hyperlink", "https://www.borger.dk\" TargetMode=\"External")
	                                REL("rId99", T_OFFICE "comments", "comments.xml"));
	write_is_refused(TMP("verify-rels"), "word/_rels/document.xml.rels", rels, 0, msg, sizeof msg);
	KB_CHECK(contains(msg, "rId99"));
	KB_CHECK(contains(msg, "comments.xml"));
	KB_CHECK(!contains(msg, "rId2 ")); /* an external target is not a part */
}

static void test_package__write_that_leaves_a_part_without_content_type_is_einternal_and_writes_nothing(void)
{
	char msg[2048];
	/* only the main document and relationship parts keep a content type */
	const char *ct = XML_DECL "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
	                          "<Default Extension=\"rels\" "
	                          "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
	                          "<Override PartName=\"/word/document.xml\" ContentType=\"application/"
	                          "vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>";
	write_is_refused(TMP("verify-types"), "[Content_Types].xml", ct, 0, msg, sizeof msg);
	KB_CHECK(contains(msg, "indholdstype"));
	KB_CHECK(contains(msg, "word/footnotes.xml") || contains(msg, "word/styles.xml") ||
	         contains(msg, "word/settings.xml"));
}

static void test_package__refused_write_leaves_an_existing_target_unchanged(void)
{
	scratch();
	const char *dir = TMP("verify-existing");
	const char *out = TMP("verify-existing/letter.docx");
	mkdir(dir, 0777);
	remove_files(dir);
	KB_CHECK_INT(write_file(out, "old content", 11), 0);
	kb_ctx *ctx = NULL;
	kb_package *pkg = NULL;
	kb_ctx_new(&ctx);
	KB_CHECK_INT(kb_package_open(&pkg, ctx, FIXTURE), KB_OK);
	if (pkg) {
		const char *names[] = {"word/document.xml"};
		const char *data[] = {DOC("K\xE6re")};
		size_t lens[] = {strlen(DOC("K\xE6re"))};
		KB_CHECK_INT(kb_package_save(pkg, ctx, out, names, data, lens, 1), KB_EINTERNAL);
	}
	size_t len = 0;
	char *now_bytes = slurp(out, &len);
	KB_CHECK(now_bytes && len == 11 && memcmp(now_bytes, "old content", 11) == 0);
	free(now_bytes);
	KB_CHECK_INT(count_dir_entries(dir), 1);
	kb_package_free(pkg);
	kb_ctx_free(ctx);
}

/* The input's own problems are not ours: a dangling relationship copied unchanged from the input, and a part the
 * input gave no content type either, do not stop a save (Word opened the input, so it opens the copy). */
static void test_package__write_lets_through_problems_the_input_already_had(void)
{
	scratch();
	const char *in = TMP("verify-input-gaps.docx");
	const char *out = TMP("verify-input-gaps-out.docx");
	remove(out);
	const char *rels =
	    RELS(REL("rId1", T_OFFICE "header", "header1.xml") REL("rId2", T_OFFICE "image", "media/gone.png"));
	const char *ct = XML_DECL "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
	                          "<Default Extension=\"rels\" "
	                          "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
	                          "<Default Extension=\"xml\" ContentType=\"application/xml\"/></Types>";
	const entry e[] = {
	    {"[Content_Types].xml", ct, 0, 0},
	    {"_rels/.rels", RELS(REL("rId1", T_OFFICE "officeDocument", "word/document.xml")), 0, 0},
	    {"word/document.xml", DOC("x"), 0, 0},
	    {"word/_rels/document.xml.rels", rels, 0, 0},
	    {"word/header1.xml", HDR("h"), 0, 0},
	    {"word/media/logo.emf", "not xml and no content type", 0, 0},
	};
	KB_CHECK_INT(make_zip(in, e, 6), 0);
	kb_ctx *ctx = NULL;
	kb_package *pkg = NULL;
	kb_ctx_new(&ctx);
	KB_CHECK_INT(kb_package_open(&pkg, ctx, in), KB_OK);
	if (pkg) {
		/* the relationships and content types are rewritten (a part is added), the gaps come along */
		kb_package_entry add[] = {{.name = "word/comments.xml",
		                           .data = COMMENTS_XML,
		                           .len = strlen(COMMENTS_XML),
		                           .content_type = COMMENTS_CT,
		                           .source = "word/document.xml",
		                           .rel_type = COMMENTS_REL}};
		int rc = kb_package_write(pkg, ctx, out, add, 1);
		KB_CHECK_INT(rc, KB_OK);
		if (rc)
			fprintf(stderr, "  %s\n", kb_ctx_errmsg(ctx));
	}
	kb_package_free(pkg);
	kb_ctx_free(ctx);
}

static void test_package__test_hook_damages_the_named_part_and_the_save_is_refused(void)
{
	scratch();
	const char *dir = TMP("verify-hook");
	const char *out = TMP("verify-hook/letter.docx");
	mkdir(dir, 0777);
	remove_files(dir);
	kb_ctx *ctx = NULL;
	kb_package *pkg = NULL;
	kb_ctx_new(&ctx);
	KB_CHECK_INT(kb_package_open(&pkg, ctx, FIXTURE), KB_OK);
	if (pkg) {
		const char *names[] = {"word/document.xml"};
		const char *data[] = {NEW_DOC};
		size_t lens[] = {strlen(NEW_DOC)};
		kb_package_test_damage("word/document.xml");
		KB_CHECK_INT(kb_package_save(pkg, ctx, out, names, data, lens, 1), KB_EINTERNAL);
		KB_CHECK(contains(kb_ctx_errmsg(ctx), "word/document.xml"));
		KB_CHECK_INT(count_dir_entries(dir), 0);
		/* a part the save would only copy is damaged as well */
		kb_package_test_damage("word/header1.xml");
		KB_CHECK_INT(kb_package_save(pkg, ctx, out, names, data, lens, 1), KB_EINTERNAL);
		KB_CHECK(contains(kb_ctx_errmsg(ctx), "word/header1.xml"));
		KB_CHECK_INT(count_dir_entries(dir), 0);
		/* a part the package does not have: nothing to damage */
		kb_package_test_damage("word/no-such-part.xml");
		KB_CHECK_INT(kb_package_save(pkg, ctx, out, names, data, lens, 1), KB_OK);
		kb_package_test_damage(NULL);
		KB_CHECK_INT(kb_package_save(pkg, ctx, out, names, data, lens, 1), KB_OK);
		KB_CHECK_INT(count_dir_entries(dir), 1);
	}
	kb_package_test_damage(NULL);
	kb_package_free(pkg);
	kb_ctx_free(ctx);
}

/* ---- what klarbrev writes, klarbrev must read: highly compressible letters ---- */

/* A document.xml with a paragraph of n copies of one letter: about as compressible as a text can be. */
/* Saves FIXTURE to out with word/document.xml replaced by doc[0..len); counts a failure when that fails. */
static void save_with_document(kb_ctx *ctx, const char *out, const char *doc, size_t len)
{
	kb_package *pkg = NULL;
	KB_CHECK_INT(kb_package_open(&pkg, ctx, FIXTURE), KB_OK);
	if (pkg) {
		const char *names[] = {"word/document.xml"};
		const char *data[] = {doc};
		int rc = kb_package_save(pkg, ctx, out, names, data, &len, 1);
		KB_CHECK_INT(rc, KB_OK);
		if (rc)
			fprintf(stderr, "  %s\n", kb_ctx_errmsg(ctx));
	}
	kb_package_free(pkg);
}

static char *one_letter_doc(size_t n, size_t *len)
{
	kb_buf b;
	kb_buf_init(&b, n + 4096);
	int rc = kb_buf_adds(&b, XML_DECL "<w:document " W_NS "><w:body><w:p><w:r><w:t>");
	for (size_t i = 0; !rc && i < n; i += 4096) {
		char chunk[4096];
		size_t k = n - i < sizeof chunk ? n - i : sizeof chunk;
		memset(chunk, 'a', k);
		rc = kb_buf_add(&b, chunk, k);
	}
	if (!rc)
		rc = kb_buf_adds(&b, "</w:t></w:r></w:p></w:body></w:document>");
	*len = b.len;
	if (rc) {
		kb_buf_free(&b);
		return NULL;
	}
	return kb_buf_detach(&b);
}

/* The user filled a letter with a field value of 1.2 MB of one repeated letter; fill wrote it, then text and check
 * refused it as a possible zip bomb. The letter compresses about 600:1, and the reader now accepts it. */
static void test_package__letter_with_a_1_2_mb_value_of_one_repeated_letter_is_read_back(void)
{
	scratch();
	const char *out = TMP("one-letter.docx");
	remove(out);
	size_t len = 0;
	char *doc = one_letter_doc(1200u * 1000u, &len);
	KB_CHECK(doc != NULL);
	if (!doc)
		return;
	kb_ctx *ctx = NULL;
	kb_package *pkg = NULL;
	kb_ctx_new(&ctx);
	save_with_document(ctx, out, doc, len);
	/* deflated, as any letter: far more than 200:1 */
	int err = 0;
	zip_t *z = zip_open(out, ZIP_RDONLY, &err);
	zip_stat_t st;
	KB_CHECK(z && zip_stat(z, "word/document.xml", 0, &st) == 0 && st.comp_method == ZIP_CM_DEFLATE &&
	         st.size / st.comp_size > KB_MAX_ZIP_RATIO);
	if (z)
		zip_discard(z);
	int rc = kb_package_open(&pkg, ctx, out);
	KB_CHECK_INT(rc, KB_OK);
	if (rc)
		fprintf(stderr, "  %s\n", kb_ctx_errmsg(ctx));
	if (pkg) {
		xmlDocPtr parsed = NULL;
		KB_CHECK_INT(kb_package_parse(&parsed, pkg, ctx, "word/document.xml"), KB_OK);
		xmlFreeDoc(parsed);
	}
	kb_package_free(pkg);
	kb_ctx_free(ctx);
	free(doc);
}

/* Above the ratio floor the reader still refuses what compresses too well; a part of klarbrev's own that large is
 * stored uncompressed, so the writer's output always passes the reader's limits. */
static void test_package__written_part_too_compressible_for_the_reader_is_stored_and_reads_back(void)
{
	scratch();
	const char *out = TMP("one-letter-9mb.docx");
	remove(out);
	size_t len = 0;
	char *doc = one_letter_doc(9u * 1024u * 1024u, &len);
	KB_CHECK(doc != NULL);
	if (!doc)
		return;
	kb_ctx *ctx = NULL;
	kb_package *pkg = NULL;
	kb_ctx_new(&ctx);
	save_with_document(ctx, out, doc, len);
	int err = 0;
	zip_t *z = zip_open(out, ZIP_RDONLY, &err);
	zip_stat_t st;
	KB_CHECK(z && zip_stat(z, "word/document.xml", 0, &st) == 0 && st.comp_method == ZIP_CM_STORE);
	if (z)
		zip_discard(z);
	KB_CHECK_INT(kb_package_open(&pkg, ctx, out), KB_OK);
	kb_package_free(pkg);
	kb_ctx_free(ctx);
	free(doc);
}

/* The floor is per entry: 9 MiB of zeros in 9 KiB is refused as before. */
static void test_package__entry_over_the_ratio_floor_that_compresses_too_well_is_elimit(void)
{
	scratch();
	const char *path = TMP("bomb-9mb.docx");
	size_t big = 9u * 1024u * 1024u;
	char *zeros = calloc(1, big);
	KB_CHECK(zeros != NULL);
	if (!zeros)
		return;
	const entry e[] = {
	    {"[Content_Types].xml", CONTENT_TYPES, 0, 0},
	    {"_rels/.rels", RELS(REL("rId1", T_OFFICE "officeDocument", "word/document.xml")), 0, 0},
	    {"word/document.xml", DOC("x"), 0, 0},
	    {"word/media/image1.bin", zeros, big, 0},
	};
	KB_CHECK_INT(make_zip(path, e, 4), 0);
	free(zeros);
	char msg[1024];
	KB_CHECK_INT(open_fails(path, msg, sizeof msg), KB_ELIMIT);
	KB_CHECK(contains(msg, "zip-bombe"));
}

KB_TESTS(KB_TEST(test_package__finds_parts_of_real_word_file_through_rels),
         KB_TEST(test_package__main_part_found_through_rels_not_by_name),
         KB_TEST(test_package__strict_ooxml_relationship_types),
         KB_TEST(test_package__truncated_file_is_einput_naming_the_file),
         KB_TEST(test_package__text_file_named_docx_is_einput), KB_TEST(test_package__empty_file_is_einput),
         KB_TEST(test_package__missing_file_is_enotfound), KB_TEST(test_package__zip_without_content_types_is_einput),
         KB_TEST(test_package__zip_without_main_part_is_einput), KB_TEST(test_package__encrypted_entry_is_einput),
         KB_TEST(test_package__zip_bomb_is_elimit), KB_TEST(test_package__entry_larger_than_its_header_says_is_elimit),
         KB_TEST(test_package__too_many_entries_is_elimit), KB_TEST(test_package__deeply_nested_xml_is_refused),
         KB_TEST(test_package__billion_laughs_is_refused_without_expansion),
         KB_TEST(test_package__external_entity_is_not_read),
         KB_TEST(test_package__doctype_without_entities_is_accepted),
         KB_TEST(test_package__parse_error_names_file_part_and_line), KB_TEST(test_package__xml_errors_are_not_printed),
         KB_TEST(test_package__serialize_writes_standalone_declaration),
         KB_TEST(test_package__save_replaces_one_part_and_copies_the_others_raw),
         KB_TEST(test_package__save_leaves_the_input_unchanged), KB_TEST(test_package__save_into_missing_folder_is_eio),
         KB_TEST(test_package__write_adds_a_part_with_its_content_type_and_relationship),
         KB_TEST(test_package__write_makes_the_relationships_part_a_source_lacks),
         KB_TEST(test_package__write_picks_a_relationship_id_no_relationship_uses),
         KB_TEST(test_package__write_refuses_bad_new_parts_and_writes_nothing),
         KB_TEST(test_package__failed_save_leaves_no_temporary_file),
         KB_TEST(test_package__save_refuses_to_overwrite_its_input),
         KB_TEST(test_package__save_of_unknown_part_is_eusage_and_writes_nothing),
         KB_TEST(test_package__write_with_an_undeclared_namespace_prefix_is_einternal_and_writes_nothing),
         KB_TEST(test_package__write_with_an_undeclared_prefix_on_an_attribute_is_einternal),
         KB_TEST(test_package__write_with_mc_ignorable_naming_an_undeclared_prefix_is_einternal),
         KB_TEST(test_package__write_with_invalid_utf8_is_einternal_and_writes_nothing),
         KB_TEST(test_package__write_with_a_non_utf8_encoding_declaration_is_einternal),
         KB_TEST(test_package__write_of_xml_that_is_not_well_formed_is_einternal_and_writes_nothing),
         KB_TEST(test_package__write_of_a_relationship_to_a_missing_part_is_einternal_and_writes_nothing),
         KB_TEST(test_package__write_that_leaves_a_part_without_content_type_is_einternal_and_writes_nothing),
         KB_TEST(test_package__refused_write_leaves_an_existing_target_unchanged),
         KB_TEST(test_package__write_lets_through_problems_the_input_already_had),
         KB_TEST(test_package__test_hook_damages_the_named_part_and_the_save_is_refused),
         KB_TEST(test_package__letter_with_a_1_2_mb_value_of_one_repeated_letter_is_read_back),
         KB_TEST(test_package__written_part_too_compressible_for_the_reader_is_stored_and_reads_back),
         KB_TEST(test_package__entry_over_the_ratio_floor_that_compresses_too_well_is_elimit))
