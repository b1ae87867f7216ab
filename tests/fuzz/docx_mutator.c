/*
 * docx_mutator.c -- a structure-aware libFuzzer mutator for the DOCX targets (fuzz_docx_text, fuzz_template,
 * fuzz_annotate). Byte mutations of a zip almost never give a zip, so the fuzzer would stop at unzip. This mutator
 * unzips the input in memory (libzip), changes one XML part, mostly word/document.xml, and zips a valid package
 * again:
 *  - the text of a w:t is mutated by LLVMFuzzerMutate ('<' and '&' become '{' and '}', so the XML stays well-formed
 *    and braces, the tag delimiters, come often);
 *  - a template tag ({{#a}}, {{/a}}, {{v}}, {{> p}}, {{^x}}, ...) or a piece of one is spliced into a w:t;
 *  - a paragraph, run, table row or cell is deleted, duplicated or moved (sections across paragraphs and tables);
 *  - an attribute value or the whole part is mutated as bytes (the XML parser and its error paths);
 *  - a part that is not needed (an image, settings) is dropped, which also keeps the corpus small.
 * LLVMFuzzerCustomCrossOver inserts a paragraph of one input's document into the other's. An input that is not a
 * zip with word/document.xml gets plain byte mutations.
 *
 * Linked only into the libFuzzer builds (tests/fuzz/CMakeLists.txt); replay.c does not need it.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);
size_t LLVMFuzzerCustomCrossOver(const uint8_t *data1, size_t size1, const uint8_t *data2, size_t size2,
                                 uint8_t *out, size_t max_out_size, unsigned int seed);

#define MAX_ENTRIES 300
#define MAX_TOTAL   (16u * 1024u * 1024u)

typedef struct {
	char *name;
	uint8_t *data;
	size_t len;
} entry;

typedef struct {
	entry e[MAX_ENTRIES];
	size_t n;
} package;

static uint64_t rnd_state;

static uint64_t rnd(void)
{
	uint64_t z = (rnd_state += 0x9E3779B97F4A7C15u);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
	return z ^ (z >> 31);
}

static size_t below(size_t n)
{
	return n ? (size_t)(rnd() % n) : 0;
}

static void pkg_free(package *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->e[i].name);
		free(p->e[i].data);
	}
	p->n = 0;
}

/* Reads every entry of the zip in data. 0 on success. */
static int pkg_read(package *p, const uint8_t *data, size_t size)
{
	p->n = 0;
	zip_error_t err;
	zip_error_init(&err);
	zip_source_t *src = zip_source_buffer_create(data, size, 0, &err);
	if (!src)
		return -1;
	zip_t *za = zip_open_from_source(src, ZIP_RDONLY, &err);
	if (!za) {
		zip_source_free(src);
		zip_error_fini(&err);
		return -1;
	}
	int rc = 0;
	size_t total = 0;
	zip_int64_t n = zip_get_num_entries(za, 0);
	if (n <= 0 || n > MAX_ENTRIES)
		rc = -1;
	for (zip_int64_t i = 0; !rc && i < n; i++) {
		zip_stat_t st;
		const char *name = zip_get_name(za, (zip_uint64_t)i, 0);
		if (!name || zip_stat_index(za, (zip_uint64_t)i, 0, &st) || !(st.valid & ZIP_STAT_SIZE) ||
		    st.size > MAX_TOTAL - total) {
			rc = -1;
			break;
		}
		zip_file_t *zf = zip_fopen_index(za, (zip_uint64_t)i, 0);
		entry *e = &p->e[p->n];
		e->name = strdup(name);
		e->data = malloc(st.size + 1);
		e->len = 0;
		p->n++;
		if (!zf || !e->name || !e->data) {
			if (zf)
				zip_fclose(zf);
			rc = -1;
			break;
		}
		zip_int64_t got = st.size ? zip_fread(zf, e->data, st.size) : 0;
		zip_fclose(zf);
		if (got < 0 || (zip_uint64_t)got != st.size) {
			rc = -1;
			break;
		}
		e->len = (size_t)got;
		total += e->len;
	}
	zip_close(za); /* read-only: discards; frees src */
	zip_error_fini(&err);
	if (rc)
		pkg_free(p);
	return rc;
}

/* Zips p into a new buffer (*out, caller frees). 0 on success. */
static int pkg_write(uint8_t **out, size_t *out_len, const package *p)
{
	*out = NULL;
	zip_error_t err;
	zip_error_init(&err);
	zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &err);
	if (!src)
		return -1;
	zip_source_keep(src);
	zip_t *za = zip_open_from_source(src, ZIP_TRUNCATE, &err);
	if (!za) {
		zip_source_free(src);
		zip_source_free(src);
		return -1;
	}
	int rc = 0;
	for (size_t i = 0; !rc && i < p->n; i++) {
		zip_source_t *s = zip_source_buffer(za, p->e[i].data, p->e[i].len, 0);
		zip_int64_t idx = s ? zip_file_add(za, p->e[i].name, s, ZIP_FL_ENC_UTF_8) : -1;
		if (idx < 0) {
			zip_source_free(s);
			rc = -1;
			break;
		}
		size_t nl = strlen(p->e[i].name);
		int xml = nl > 4 && (!strcmp(p->e[i].name + nl - 4, ".xml") || !strcmp(p->e[i].name + nl - 5, ".rels"));
		zip_set_file_compression(za, (zip_uint64_t)idx, xml ? ZIP_CM_DEFLATE : ZIP_CM_STORE, 1);
	}
	if (rc) {
		zip_discard(za);
		zip_source_free(src);
		return -1;
	}
	if (zip_close(za) < 0) {
		zip_discard(za);
		zip_source_free(src);
		return -1;
	}
	zip_stat_t st;
	if (zip_source_stat(src, &st) < 0 || zip_source_open(src) < 0) {
		zip_source_free(src);
		return -1;
	}
	*out = malloc(st.size ? st.size : 1);
	zip_int64_t got = *out ? zip_source_read(src, *out, st.size) : -1;
	zip_source_close(src);
	zip_source_free(src);
	if (got < 0 || (zip_uint64_t)got != st.size) {
		free(*out);
		*out = NULL;
		return -1;
	}
	*out_len = (size_t)got;
	return 0;
}

static entry *pkg_find(package *p, const char *name)
{
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->e[i].name, name))
			return &p->e[i];
	return NULL;
}

/* Replaces e->data[at .. at+del) by ins[0..n). 0 on success. */
static int splice(entry *e, size_t at, size_t del, const uint8_t *ins, size_t n)
{
	uint8_t *d = malloc(e->len - del + n + 1);
	if (!d)
		return -1;
	memcpy(d, e->data, at);
	if (n)
		memcpy(d + at, ins, n);
	memcpy(d + at + n, e->data + at + del, e->len - at - del);
	free(e->data);
	e->data = d;
	e->len = e->len - del + n;
	return 0;
}

static const uint8_t *find(const uint8_t *h, size_t hl, const char *needle)
{
	size_t nl = strlen(needle);
	if (nl > hl)
		return NULL;
	for (const uint8_t *p = h; p + nl <= h + hl; p++) {
		p = memchr(p, needle[0], (size_t)(h + hl - p));
		if (!p || p + nl > h + hl)
			return NULL;
		if (!memcmp(p, needle, nl))
			return p;
	}
	return NULL;
}

/* The text of a random <w:t> or <w:t ...> element of e: [*start, *end). 0 when there is one. */
static int pick_text(const entry *e, size_t *start, size_t *end)
{
	size_t count = 0;
	for (const uint8_t *p = e->data; (p = find(p, (size_t)(e->data + e->len - p), "<w:t")); p += 4)
		if (p[4] == '>' || p[4] == ' ')
			count++;
	if (!count)
		return -1;
	size_t want = below(count);
	for (const uint8_t *p = e->data; (p = find(p, (size_t)(e->data + e->len - p), "<w:t")); p += 4) {
		if (p[4] != '>' && p[4] != ' ')
			continue;
		if (want--)
			continue;
		const uint8_t *gt = memchr(p, '>', (size_t)(e->data + e->len - p));
		if (!gt || gt[-1] == '/')
			return -1;
		const uint8_t *close = find(gt, (size_t)(e->data + e->len - gt), "</w:t>");
		if (!close)
			return -1;
		*start = (size_t)(gt + 1 - e->data);
		*end = (size_t)(close - e->data);
		return 0;
	}
	return -1;
}

/* A random element <tag>...</tag> or <tag ...>...</tag> of e (not nested in its own kind): [*start, *end). */
static int pick_element(const entry *e, const char *tag, size_t *start, size_t *end)
{
	char open[32], close[32];
	snprintf(open, sizeof open, "<%s", tag);
	snprintf(close, sizeof close, "</%s>", tag);
	size_t ol = strlen(open), count = 0;
	for (const uint8_t *p = e->data; (p = find(p, (size_t)(e->data + e->len - p), open)); p += ol)
		if (p[ol] == '>' || p[ol] == ' ')
			count++;
	if (!count)
		return -1;
	size_t want = below(count);
	for (const uint8_t *p = e->data; (p = find(p, (size_t)(e->data + e->len - p), open)); p += ol) {
		if (p[ol] != '>' && p[ol] != ' ')
			continue;
		if (want--)
			continue;
		const uint8_t *c = find(p, (size_t)(e->data + e->len - p), close);
		if (!c)
			return -1;
		*start = (size_t)(p - e->data);
		*end = (size_t)(c - e->data) + strlen(close);
		return 0;
	}
	return -1;
}

static const char *const tags[] = {
	"{{v}}", "{{#a}}", "{{/a}}", "{{^x}}", "{{/x}}", "{{> p}}", "{{>q}}", "{{> selv}}", "{{.}}", "{{! note }}",
	"{{modtager.navn}}", "{{beløb | kr}}", "{{dato | dato \"lang\"}}", "{{#a}}{{.}}{{/a}}", "{{=<% %>=}}", "<%v%>",
	"{{{raw}}}", "{{&raw}}", "{{", "}}", "{", "}", "{#a}", "{/a}", "{/}", "{v}", "{{#a.b}}", "{{/a.b}}",
	"{{> klagevejledning/ankestyrelsen}}", "{{#ydelser}}", "{{/ydelser}}", "{{ x | ukendt }}", "{{#}}", "{{/}}",
};
static const char *const elements[] = { "w:p", "w:r", "w:tr", "w:tc", "w:tbl", "w:t", "w:fldSimple", "w:sdt",
	                                "w:instrText", "w:hyperlink" };

/* One mutation of p. 0 when something changed. */
static int mutate_package(package *p)
{
	entry *doc = pkg_find(p, "word/document.xml");
	if (!doc)
		return -1;
	entry *e = doc;
	if (below(5) == 0) {
		/* another XML part: a header, notes, the relationships, the content types */
		entry *c = &p->e[below(p->n)];
		size_t nl = strlen(c->name);
		if (nl > 4 && (!strcmp(c->name + nl - 4, ".xml") || !strcmp(c->name + nl - 5, ".rels")))
			e = c;
	}
	size_t s, t;
	switch (below(12)) {
	case 0:
	case 1:
	case 2: { /* the text of a w:t */
		if (pick_text(e, &s, &t))
			return -1;
		size_t n = t - s, cap = n * 2 + 64;
		uint8_t *buf = malloc(cap);
		if (!buf)
			return -1;
		memcpy(buf, e->data + s, n);
		n = LLVMFuzzerMutate(buf, n, cap);
		for (size_t i = 0; i < n; i++)
			buf[i] = buf[i] == '<' ? '{' : buf[i] == '&' ? '}' : buf[i];
		int rc = splice(e, s, t - s, buf, n);
		free(buf);
		return rc;
	}
	case 3:
	case 4:
	case 5: { /* a tag, or a piece of one, into a w:t */
		if (pick_text(e, &s, &t))
			return -1;
		const char *tag = tags[below(sizeof tags / sizeof tags[0])];
		char esc[128];
		size_t k = 0;
		for (const char *c = tag; *c && k + 5 < sizeof esc; c++) {
			if (*c == '<' || *c == '>') {
				memcpy(esc + k, *c == '<' ? "&lt;" : "&gt;", 4);
				k += 4;
			} else if (*c == '"') {
				memcpy(esc + k, "&quot;", 6);
				k += 6;
			} else {
				esc[k++] = *c;
			}
		}
		size_t at = s + below(t - s + 1);
		/* keep whole UTF-8 characters and entities */
		while (at > s && ((e->data[at] & 0xC0) == 0x80))
			at--;
		const uint8_t *amp = memchr(e->data + s, '&', at - s);
		if (amp)
			at = (size_t)(amp - e->data);
		return splice(e, at, 0, (const uint8_t *)esc, k);
	}
	case 6:
	case 7:
	case 8: { /* an element deleted, duplicated or moved */
		const char *tag = elements[below(sizeof elements / sizeof elements[0])];
		if (pick_element(e, tag, &s, &t))
			return -1;
		size_t n = t - s;
		uint8_t *copy = malloc(n ? n : 1);
		if (!copy)
			return -1;
		memcpy(copy, e->data + s, n);
		int how = (int)below(3), rc = 0;
		if (how != 1)
			rc = splice(e, s, n, NULL, 0); /* delete, or the first half of a move */
		if (!rc && how != 0) {
			/* insert before another element of the same kind, or right after the original */
			size_t s2, t2;
			size_t at = pick_element(e, tag, &s2, &t2) ? (how == 1 ? t : s) : s2;
			if (at > e->len)
				at = e->len;
			rc = splice(e, at, 0, copy, n);
		}
		free(copy);
		return rc;
	}
	case 9: { /* an attribute value */
		size_t count = 0;
		for (size_t i = 0; i + 1 < e->len; i++)
			count += e->data[i] == '=' && e->data[i + 1] == '"';
		if (!count)
			return -1;
		size_t want = below(count), i;
		for (i = 0; i + 1 < e->len; i++)
			if (e->data[i] == '=' && e->data[i + 1] == '"' && !want--)
				break;
		s = i + 2;
		const uint8_t *q = memchr(e->data + s, '"', e->len - s);
		if (!q)
			return -1;
		t = (size_t)(q - e->data);
		uint8_t buf[64];
		size_t n = t - s < sizeof buf / 2 ? t - s : sizeof buf / 2;
		memcpy(buf, e->data + s, n);
		n = LLVMFuzzerMutate(buf, n, sizeof buf);
		for (size_t k = 0; k < n; k++)
			if (buf[k] == '"' || buf[k] == '<' || buf[k] == '&')
				buf[k] = '0';
		return splice(e, s, t - s, buf, n);
	}
	case 10: { /* the part's bytes */
		size_t cap = e->len + 256;
		uint8_t *buf = malloc(cap);
		if (!buf)
			return -1;
		memcpy(buf, e->data, e->len);
		size_t n = LLVMFuzzerMutate(buf, e->len, cap);
		free(e->data);
		e->data = buf;
		e->len = n;
		return 0;
	}
	default: { /* a part that is not needed */
		static const char *const keep[] = { "[Content_Types].xml", "_rels/.rels", "word/document.xml",
			                            "word/_rels/document.xml.rels" };
		size_t i = below(p->n);
		for (size_t k = 0; k < sizeof keep / sizeof keep[0]; k++)
			if (!strcmp(p->e[i].name, keep[k]))
				return -1;
		if (below(3) && !strstr(p->e[i].name, "media/") && !strstr(p->e[i].name, "settings") &&
		    !strstr(p->e[i].name, "theme") && !strstr(p->e[i].name, "font"))
			return -1; /* mostly drop what the letter does not need */
		free(p->e[i].name);
		free(p->e[i].data);
		p->e[i] = p->e[--p->n];
		return 0;
	}
	}
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
	rnd_state = seed * 0x100000001B3u + size;
	static package p;
	if (below(20) == 0 || pkg_read(&p, data, size))
		return LLVMFuzzerMutate(data, size, max_size);
	int changed = 0;
	for (int tries = 0, want = 1 + (int)below(3); tries < 8 && changed < want; tries++)
		changed += mutate_package(&p) == 0;
	uint8_t *out = NULL;
	size_t out_len = 0;
	size_t ret;
	if (changed && !pkg_write(&out, &out_len, &p) && out_len <= max_size) {
		memcpy(data, out, out_len);
		ret = out_len;
	} else {
		ret = LLVMFuzzerMutate(data, size, max_size);
	}
	free(out);
	pkg_free(&p);
	return ret;
}

size_t LLVMFuzzerCustomCrossOver(const uint8_t *data1, size_t size1, const uint8_t *data2, size_t size2,
                                 uint8_t *out, size_t max_out_size, unsigned int seed)
{
	rnd_state = seed * 0x100000001B3u + size1 + size2;
	static package a, b;
	size_t ret = 0;
	if (pkg_read(&a, data1, size1))
		return 0;
	if (pkg_read(&b, data2, size2)) {
		pkg_free(&a);
		return 0;
	}
	entry *da = pkg_find(&a, "word/document.xml"), *db = pkg_find(&b, "word/document.xml");
	size_t s, t, s2, t2;
	if (da && db && !pick_element(db, below(4) ? "w:p" : "w:tbl", &s, &t) && !pick_element(da, "w:p", &s2, &t2)) {
		uint8_t *copy = malloc(t - s + 1);
		uint8_t *zip = NULL;
		size_t zip_len = 0;
		if (copy) {
			memcpy(copy, db->data + s, t - s);
			if (!splice(da, below(2) ? s2 : t2, 0, copy, t - s) && !pkg_write(&zip, &zip_len, &a) &&
			    zip_len <= max_out_size) {
				memcpy(out, zip, zip_len);
				ret = zip_len;
			}
		}
		free(copy);
		free(zip);
	}
	pkg_free(&a);
	pkg_free(&b);
	return ret;
}
