/*
 * template.c -- DOCX templates: compile once (parse the parts, gather every tag into a single text node however
 * Word split it over runs), render many letters (copy the compiled parts, put the case values in place).
 *
 * Compiling normalises each paragraph: the text of its w:t nodes is joined, tags are found in the joined text, and
 * each tag is moved into a w:t of its own inside the run where the tag starts (so the value takes that run's
 * formatting), the pieces of it in later runs are cut away. The tag's w:t carries an attribute kb-tag="N" naming
 * the tag in the template's table; rendering replaces each such node by the value, so the attribute never reaches
 * the output.
 */
#include "internal.h"
#include "docx.h"
#include "letter.h"
#include "package.h"
#include "textmodel.h"
#include "utf8.h"

#include <jansson.h>
#include <libxml/tree.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define KB_TAG_ATTR "kb-tag"
#define KB_MAX_TAGS 100000
#define KB_MAX_TAG_BYTES 1000

typedef enum { TAG_VAR, TAG_COMMENT } tag_kind;

typedef struct tpl_tag {
	char *raw;        /* as typed, delimiters included */
	char *name;       /* the field path */
	tag_kind kind;
	size_t part;      /* index into the template's parts */
	size_t paragraph; /* 1-based, within the part */
} tpl_tag;

struct kb_template {
	char *path;
	char *title;
	kb_package *pkg;
	json_t *manifest;
	char *open, *close;
	kb_letter_part *parts;
	size_t nparts;
	tpl_tag *tags;
	size_t ntags, tags_cap;
};

/* ---- small helpers ---- */

static int set_text(xmlNodePtr t, const char *s, size_t len)
{
	xmlNodePtr c = t->children;
	while (c) {
		xmlNodePtr next = c->next;
		xmlUnlinkNode(c);
		xmlFreeNode(c);
		c = next;
	}
	if (len) {
		xmlNodePtr txt = xmlNewTextLen((const xmlChar *)s, (int)len);
		if (!txt)
			return KB_ENOMEM;
		xmlAddChild(t, txt);
	}
	xmlNodeSetSpacePreserve(t, 1);
	return KB_OK;
}

/* A new w:t with the text s[0..len), inserted after sibling. */
static xmlNodePtr new_text_after(xmlNodePtr sibling, const char *s, size_t len)
{
	xmlNodePtr t = xmlNewDocNode(sibling->doc, sibling->ns, (const xmlChar *)"t", NULL);
	if (!t)
		return NULL;
	if (set_text(t, s, len)) {
		xmlFreeNode(t);
		return NULL;
	}
	xmlAddNextSibling(sibling, t);
	return t;
}

static const char *trim(const char *s, size_t *len)
{
	while (*len && (*s == ' ' || *s == '\t' || (unsigned char)*s == 0xC2)) {
		/* 0xC2 0xA0 is a no-break space, which Word's autocorrect likes to put next to braces */
		if ((unsigned char)*s == 0xC2) {
			if (*len < 2 || (unsigned char)s[1] != 0xA0)
				break;
			s++;
			(*len)--;
		}
		s++;
		(*len)--;
	}
	while (*len && (s[*len - 1] == ' ' || s[*len - 1] == '\t' ||
	                (*len >= 2 && (unsigned char)s[*len - 2] == 0xC2 && (unsigned char)s[*len - 1] == 0xA0))) {
		if (s[*len - 1] == ' ' || s[*len - 1] == '\t')
			(*len)--;
		else
			*len -= 2;
	}
	return s;
}

static const char *part_label(const kb_template *t, size_t part)
{
	return t->parts[part].name;
}

/* ---- compiling ---- */

typedef struct para_texts {
	kb_nodevec nodes;
	size_t *starts; /* byte offset of each node's text in the joined text */
	kb_buf joined;
} para_texts;

static int collect_text(void *ud, kb_w_item item, xmlNodePtr node)
{
	if (item != KB_W_TEXT)
		return 0;
	return kb_nodevec_push(&((para_texts *)ud)->nodes, node);
}

/* Registers a tag and returns its index, or a negative code. */
static int add_tag(kb_template *t, kb_ctx *ctx, const char *raw, size_t rawlen, size_t part, size_t para)
{
	if (t->ntags >= KB_MAX_TAGS)
		return kb_ctx_fail(ctx, KB_ELIMIT, "%s: more than %d tags", t->path, KB_MAX_TAGS);
	if (t->ntags == t->tags_cap) {
		size_t ncap = t->tags_cap ? t->tags_cap * 2 : 32;
		tpl_tag *nt = realloc(t->tags, ncap * sizeof *nt);
		if (!nt)
			return kb_ctx_fail(ctx, KB_ENOMEM, "out of memory");
		t->tags = nt;
		t->tags_cap = ncap;
	}
	size_t ol = strlen(t->open), cl = strlen(t->close);
	size_t inner_len = rawlen - ol - cl;
	const char *inner = trim(raw + ol, &inner_len);
	tpl_tag tag = { 0 };
	tag.kind = TAG_VAR;
	tag.part = part;
	tag.paragraph = para;
	if (inner_len && (inner[0] == '!')) {
		tag.kind = TAG_COMMENT;
	} else if (inner_len && (inner[0] == '&' || inner[0] == '{')) {
		/* unescaped forms: values in a DOCX are always XML-escaped, so they mean the same as a plain tag */
		inner++;
		inner_len--;
		if (inner_len && inner[inner_len - 1] == '}')
			inner_len--;
		inner = trim(inner, &inner_len);
	}
	tag.raw = kb_strndup(raw, rawlen);
	tag.name = kb_strndup(inner, inner_len);
	if (!tag.raw || !tag.name) {
		free(tag.raw);
		free(tag.name);
		return kb_ctx_fail(ctx, KB_ENOMEM, "out of memory");
	}
	t->tags[t->ntags] = tag;
	return (int)t->ntags++;
}

/* Checks a tag's form and adds a detail for what klarbrev cannot render yet. Returns 1 when the tag is usable. */
static int check_tag(kb_template *t, kb_ctx *ctx, const tpl_tag *tag)
{
	const char *where = part_label(t, tag->part);
	if (tag->kind == TAG_COMMENT)
		return 1;
	const char *n = tag->name;
	if (!*n) {
		kb_ctx_add_detail(ctx, "%s, afsnit %zu: tagget %s er tomt; skriv et feltnavn mellem %s og %s", where,
		                  tag->paragraph, tag->raw, t->open, t->close);
		return 0;
	}
	if (strchr("#^/>=", n[0])) {
		kb_ctx_add_detail(ctx,
		                  "%s, afsnit %zu: tagget %s er en sektion, en delskabelon eller et skift af "
		                  "afgrænsere, som denne version af klarbrev endnu ikke kan udfylde",
		                  where, tag->paragraph, tag->raw);
		return 0;
	}
	if (strchr(n, '|')) {
		kb_ctx_add_detail(ctx, "%s, afsnit %zu: tagget %s bruger en formatering, som denne version af klarbrev "
		                       "endnu ikke kender",
		                  where, tag->paragraph, tag->raw);
		return 0;
	}
	for (const char *p = n; *p; p++) {
		if (*p == ' ' || *p == '\t' || *p == '{' || *p == '}' || *p == '<' || *p == '>') {
			kb_ctx_add_detail(ctx, "%s, afsnit %zu: tagget %s har et ugyldigt feltnavn", where, tag->paragraph,
			                  tag->raw);
			return 0;
		}
	}
	return 1;
}

/* Moves every tag of paragraph p into a w:t of its own. Problems (an unclosed tag) become details; *bad counts
 * them. */
static int normalize_paragraph(kb_template *t, kb_ctx *ctx, size_t part, xmlNodePtr p, size_t para_no, int *bad)
{
	para_texts pt = { 0 };
	kb_buf_init(&pt.joined, KB_MAX_PART_BYTES);
	int rc = kb_w_walk_paragraph(p, collect_text, &pt);
	size_t *tag_a = NULL, *tag_b = NULL;
	size_t ntag = 0, tagcap = 0;
	if (rc)
		goto done;
	if (pt.nodes.n == 0)
		goto done;
	pt.starts = malloc(pt.nodes.n * sizeof *pt.starts);
	if (!pt.starts) {
		rc = KB_ENOMEM;
		goto done;
	}
	for (size_t k = 0; k < pt.nodes.n; k++) {
		pt.starts[k] = pt.joined.len;
		xmlChar *c = xmlNodeGetContent(pt.nodes.items[k]);
		rc = c ? kb_buf_adds(&pt.joined, (const char *)c) : KB_OK;
		xmlFree(c);
		if (rc)
			goto done;
	}
	if (!pt.joined.data || !strstr(pt.joined.data, t->open))
		goto done;

	/* find the tags in the joined text */
	size_t ol = strlen(t->open), cl = strlen(t->close);
	const char *s = pt.joined.data;
	size_t pos = 0;
	while (pos < pt.joined.len) {
		const char *o = strstr(s + pos, t->open);
		if (!o)
			break;
		size_t a = (size_t)(o - s);
		const char *c = strstr(s + a + ol, t->close);
		if (!c) {
			size_t show = pt.joined.len - a > 40 ? 40 : pt.joined.len - a;
			kb_ctx_add_detail(ctx,
			                  "%s, afsnit %zu: tagget \"%.*s\" lukkes ikke i afsnittet; tilføj \"%s\" (et tag "
			                  "må ikke deles over flere afsnit)",
			                  part_label(t, part), para_no, (int)show, s + a, t->close);
			(*bad)++;
			break;
		}
		size_t b = (size_t)(c - s) + cl;
		/* "{{{x}}}": Mustache's triple form; take the extra closing brace into the tag */
		if (!strcmp(t->open, "{{") && s[a + ol] == '{' && s[b] == '}')
			b++;
		if (b - a > KB_MAX_TAG_BYTES) {
			kb_ctx_add_detail(ctx, "%s, afsnit %zu: tagget \"%.40s...\" er for langt", part_label(t, part),
			                  para_no, s + a);
			(*bad)++;
			break;
		}
		if (ntag == tagcap) {
			size_t ncap = tagcap ? tagcap * 2 : 8;
			size_t *na = realloc(tag_a, ncap * sizeof *na);
			if (!na) {
				rc = KB_ENOMEM;
				goto done;
			}
			tag_a = na;
			size_t *nb = realloc(tag_b, ncap * sizeof *nb);
			if (!nb) {
				rc = KB_ENOMEM;
				goto done;
			}
			tag_b = nb;
			tagcap = ncap;
		}
		tag_a[ntag] = a;
		tag_b[ntag] = b;
		ntag++;
		pos = b;
	}

	/* right to left, so that the text before each tag is still as it was when offsets were taken */
	for (size_t i = ntag; i-- > 0;) {
		size_t a = tag_a[i], b = tag_b[i];
		size_t ka = 0, kb = 0;
		for (size_t k = 0; k < pt.nodes.n; k++) {
			if (pt.starts[k] <= a)
				ka = k;
			if (pt.starts[k] < b)
				kb = k;
		}
		/* the piece after the tag in the last node it touches */
		xmlNodePtr first = pt.nodes.items[ka];
		xmlChar *fc = xmlNodeGetContent(first);
		if (!fc) {
			rc = KB_ENOMEM;
			goto done;
		}
		size_t off_a = a - pt.starts[ka];
		size_t fclen = strlen((const char *)fc);
		char *post = NULL;
		size_t postlen = 0;
		if (kb == ka) {
			size_t off_b = b - pt.starts[ka];
			post = kb_strndup((const char *)fc + off_b, fclen - off_b);
			postlen = fclen - off_b;
		} else {
			for (size_t k = ka + 1; k < kb; k++)
				if ((rc = set_text(pt.nodes.items[k], "", 0)))
					break;
			xmlChar *lc = rc ? NULL : xmlNodeGetContent(pt.nodes.items[kb]);
			if (lc) {
				size_t off_b = b - pt.starts[kb];
				size_t lclen = strlen((const char *)lc);
				rc = set_text(pt.nodes.items[kb], (const char *)lc + off_b, lclen - off_b);
				xmlFree(lc);
			} else if (!rc) {
				rc = KB_ENOMEM;
			}
			post = kb_strndup("", 0);
		}
		char *pre = kb_strndup((const char *)fc, off_a);
		xmlFree(fc);
		if (rc || !post || !pre) {
			free(pre);
			free(post);
			rc = rc ? rc : KB_ENOMEM;
			goto done;
		}
		/* first = [pre][tag][post] */
		xmlNodePtr tagnode = first;
		if (*pre) {
			rc = set_text(first, pre, off_a);
			tagnode = rc ? NULL : new_text_after(first, s + a, b - a);
		} else {
			rc = set_text(first, s + a, b - a);
		}
		if (!rc && !tagnode)
			rc = KB_ENOMEM;
		if (!rc && postlen && !new_text_after(tagnode, post, postlen))
			rc = KB_ENOMEM;
		free(pre);
		free(post);
		if (rc)
			goto done;
		int idx = add_tag(t, ctx, s + a, b - a, part, para_no);
		if (idx < 0) {
			rc = idx;
			goto done;
		}
		if (!check_tag(t, ctx, &t->tags[idx]))
			(*bad)++;
		char num[24];
		snprintf(num, sizeof num, "%d", idx);
		if (!xmlSetProp(tagnode, (const xmlChar *)KB_TAG_ATTR, (const xmlChar *)num)) {
			rc = KB_ENOMEM;
			goto done;
		}
	}

done:
	free(tag_a);
	free(tag_b);
	free(pt.starts);
	kb_nodevec_free(&pt.nodes);
	kb_buf_free(&pt.joined);
	if (rc == KB_ENOMEM)
		return kb_ctx_fail(ctx, KB_ENOMEM, "out of memory");
	return rc;
}

static int compile_part(kb_template *t, kb_ctx *ctx, size_t part, int *bad)
{
	kb_nodevec paras = { 0 };
	xmlNodePtr root = xmlDocGetRootElement(t->parts[part].doc);
	int rc = root ? kb_w_paragraphs(&paras, root, 0) : KB_OK;
	for (size_t i = 0; rc == KB_OK && i < paras.n; i++)
		rc = normalize_paragraph(t, ctx, part, paras.items[i], i + 1, bad);
	kb_nodevec_free(&paras);
	if (rc == KB_ENOMEM)
		return kb_ctx_fail(ctx, KB_ENOMEM, "out of memory");
	return rc;
}

/* ---- opening ---- */

static int is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static char *path_join(const char *dir, const char *name)
{
	kb_buf b;
	kb_buf_init(&b, 8192);
	if (kb_buf_adds(&b, dir) || kb_buf_adds(&b, "/") || kb_buf_adds(&b, name)) {
		kb_buf_free(&b);
		return NULL;
	}
	return kb_buf_detach(&b);
}

static int load_manifest(json_t **out, kb_ctx *ctx, const char *path)
{
	char *data = NULL;
	size_t len = 0;
	*out = NULL;
	int rc = kb_read_file(&data, &len, ctx, path, KB_MAX_CASE_BYTES);
	if (rc)
		return rc;
	json_error_t err;
	json_t *m = json_loadb(data, len, JSON_REJECT_DUPLICATES, &err);
	free(data);
	if (!m)
		return kb_ctx_fail(ctx, KB_EINPUT, "%s: linje %d, kolonne %d: manifestet er ikke gyldig JSON: %s", path,
		                   err.line, err.column, err.text);
	if (!json_is_object(m)) {
		json_decref(m);
		return kb_ctx_fail(ctx, KB_EINPUT, "%s: manifestet skal være et JSON-objekt", path);
	}
	json_t *fields = json_object_get(m, "fields");
	if (fields && !json_is_object(fields)) {
		json_decref(m);
		return kb_ctx_fail(ctx, KB_EINPUT, "%s: \"fields\" skal være et objekt med et felt pr. nøgle", path);
	}
	*out = m;
	return KB_OK;
}

static int set_delims(kb_template *t, kb_ctx *ctx, const char *open, const char *close)
{
	if (!open || !*open || !close || !*close || strlen(open) > 8 || strlen(close) > 8)
		return kb_ctx_fail(ctx, KB_EUSAGE, "%s: invalid tag delimiters", t->path);
	free(t->open);
	free(t->close);
	t->open = kb_strdup(open);
	t->close = kb_strdup(close);
	return t->open && t->close ? KB_OK : kb_ctx_fail(ctx, KB_ENOMEM, "out of memory");
}

/* "{ }" -> "{", "}" */
static int parse_delims(kb_template *t, kb_ctx *ctx, const char *spec)
{
	const char *sp = strchr(spec, ' ');
	if (!sp)
		return kb_ctx_fail(ctx, KB_EINPUT, "%s: delimiters \"%s\" must be two strings with a space between, e.g. \"{ }\"",
		                   t->path, spec);
	char open[16], close[16];
	size_t ol = (size_t)(sp - spec);
	const char *c = sp;
	while (*c == ' ')
		c++;
	size_t cl = strlen(c);
	if (ol == 0 || ol >= sizeof open || cl == 0 || cl >= sizeof close || strchr(c, ' '))
		return kb_ctx_fail(ctx, KB_EINPUT, "%s: delimiters \"%s\" must be two strings with a space between, e.g. \"{ }\"",
		                   t->path, spec);
	memcpy(open, spec, ol);
	open[ol] = '\0';
	memcpy(close, c, cl + 1);
	return set_delims(t, ctx, open, close);
}

void kb_template_free(kb_template *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nparts; i++) {
		free(t->parts[i].name);
		xmlFreeDoc(t->parts[i].doc);
	}
	free(t->parts);
	for (size_t i = 0; i < t->ntags; i++) {
		free(t->tags[i].raw);
		free(t->tags[i].name);
	}
	free(t->tags);
	kb_package_free(t->pkg);
	json_decref(t->manifest);
	free(t->path);
	free(t->title);
	free(t->open);
	free(t->close);
	free(t);
}

const char *kb_template_title(const kb_template *t)
{
	return t->title;
}

int kb_template_open(kb_template **out, kb_ctx *ctx, const char *path, const kb_template_options *opts)
{
	*out = NULL;
	kb_template *t = calloc(1, sizeof *t);
	char *docx = NULL, *mpath = NULL;
	int rc = KB_OK, bad = 0;
	if (!t || !(t->path = kb_strdup(path))) {
		rc = kb_ctx_fail(ctx, KB_ENOMEM, "out of memory");
		goto done;
	}
	if (is_dir(path)) {
		docx = path_join(path, "letter.docx");
		mpath = path_join(path, "manifest.json");
		if (!docx || !mpath) {
			rc = kb_ctx_fail(ctx, KB_ENOMEM, "out of memory");
			goto done;
		}
		struct stat st;
		if (stat(docx, &st) != 0) {
			rc = kb_ctx_fail(ctx, KB_ENOTFOUND,
			                 "%s: the template folder has no letter.docx; a template folder holds letter.docx "
			                 "and manifest.json",
			                 path);
			goto done;
		}
		if (stat(mpath, &st) == 0 && (rc = load_manifest(&t->manifest, ctx, mpath)))
			goto done;
	} else {
		docx = kb_strdup(path);
		if (!docx) {
			rc = kb_ctx_fail(ctx, KB_ENOMEM, "out of memory");
			goto done;
		}
	}
	json_t *title = t->manifest ? json_object_get(t->manifest, "title") : NULL;
	if (json_is_string(title)) {
		t->title = kb_strdup(json_string_value(title));
	} else {
		const char *base = strrchr(path, '/');
		t->title = kb_strdup(base && base[1] ? base + 1 : path);
	}
	if (!t->title) {
		rc = kb_ctx_fail(ctx, KB_ENOMEM, "out of memory");
		goto done;
	}

	/* delimiters: the caller's choice wins over the manifest's */
	json_t *md = t->manifest ? json_object_get(t->manifest, "delimiters") : NULL;
	if (opts && opts->open_delim && opts->close_delim)
		rc = set_delims(t, ctx, opts->open_delim, opts->close_delim);
	else if (json_is_string(md))
		rc = parse_delims(t, ctx, json_string_value(md));
	else
		rc = set_delims(t, ctx, "{{", "}}");
	if (rc)
		goto done;

	if ((rc = kb_package_open(&t->pkg, ctx, docx)))
		goto done;
	size_t nparts = 0;
	const kb_part_ref *refs = kb_package_parts(t->pkg, &nparts);
	t->parts = calloc(nparts ? nparts : 1, sizeof *t->parts);
	if (!t->parts) {
		rc = kb_ctx_fail(ctx, KB_ENOMEM, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < nparts; i++) {
		kb_letter_part *p = &t->parts[t->nparts];
		p->kind = refs[i].kind;
		p->name = kb_strdup(refs[i].name);
		if (!p->name) {
			rc = kb_ctx_fail(ctx, KB_ENOMEM, "out of memory");
			goto done;
		}
		t->nparts++;
		if ((rc = kb_package_parse(&p->doc, t->pkg, ctx, refs[i].name)))
			goto done;
	}
	kb_ctx_clear_details(ctx);
	for (size_t i = 0; i < t->nparts; i++)
		if ((rc = compile_part(t, ctx, i, &bad)))
			goto done;
	for (size_t i = 0; i < t->ntags; i++)
		t->parts[t->tags[i].part].changed = 1;
	if (bad) {
		rc = kb_ctx_fail_keep(ctx, KB_EINPUT, "%s: skabelonen har %d fejl, som skal rettes i Word", path, bad);
		goto done;
	}
done:
	free(docx);
	free(mpath);
	if (rc) {
		kb_template_free(t);
		return rc;
	}
	*out = t;
	return KB_OK;
}

/* ---- rendering ---- */

static const json_t *lookup_path(const json_t *root, const char *path)
{
	if (!strcmp(path, "."))
		return root;
	const json_t *cur = root;
	const char *p = path;
	while (cur && *p) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);
		if (!json_is_object(cur) || n == 0)
			return NULL;
		cur = json_object_getn(cur, p, n);
		p = dot ? dot + 1 : p + n;
	}
	return cur;
}

/* The field's entry in the manifest ("fields": {"modtager.navn": {...}}), or NULL. */
static const json_t *manifest_field(const json_t *manifest, const char *path)
{
	json_t *fields = manifest ? json_object_get(manifest, "fields") : NULL;
	return fields ? json_object_get(fields, path) : NULL;
}

static unsigned field_flags(const json_t *manifest, const char *path)
{
	const json_t *f = manifest_field(manifest, path);
	unsigned flags = 0;
	if (!f)
		return 0;
	const char *type = json_string_value(json_object_get(f, "type"));
	if (type && (!strcmp(type, "name") || !strcmp(type, "address") || !strcmp(type, "cpr")))
		flags |= KB_SPAN_NOSPELL;
	if (json_is_true(json_object_get(f, "personal")))
		flags |= KB_SPAN_NOSPELL | KB_SPAN_PERSONAL;
	return flags;
}

/* The value as text; NULL when it cannot be printed (object, array). Caller frees. */
static char *value_text(const json_t *v)
{
	char num[64];
	switch (json_typeof(v)) {
	case JSON_STRING: return kb_strndup(json_string_value(v), json_string_length(v));
	case JSON_INTEGER:
		snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return kb_strdup(num);
	case JSON_REAL:
		snprintf(num, sizeof num, "%.15g", json_real_value(v));
		return kb_strdup(num);
	case JSON_TRUE: return kb_strdup("ja");
	case JSON_FALSE: return kb_strdup("nej");
	case JSON_NULL: return kb_strdup("");
	default: return NULL;
	}
}

/* 1 when code point cp may appear in XML 1.0 text. */
static int xml_char_ok(uint32_t cp)
{
	return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0xFFFD) ||
	       (cp >= 0x10000 && cp <= 0x10FFFF);
}

/* Puts value into the tag's w:t: line breaks become w:br, tabs w:tab, characters XML forbids are dropped. Every
 * w:t that holds value text is recorded with its origin. */
static int write_value(kb_letter *l, xmlNodePtr tnode, const char *val, const char *origin, unsigned flags)
{
	kb_buf line;
	kb_buf_init(&line, KB_MAX_PART_BYTES);
	xmlNodePtr cur = tnode; /* the last node written */
	int first = 1, rc = KB_OK;
	size_t len = strlen(val);
	for (size_t i = 0; i <= len && rc == KB_OK;) {
		uint32_t cp = 0;
		size_t n = 1;
		if (i < len)
			n = kb_utf8_decode(val + i, len - i, &cp);
		if (i == len || cp == '\n' || cp == '\t') {
			/* flush the line */
			xmlNodePtr t = cur;
			if (first) {
				rc = set_text(tnode, line.data ? line.data : "", line.len);
				first = 0;
			} else if (line.len) {
				t = new_text_after(cur, line.data, line.len);
				rc = t ? KB_OK : KB_ENOMEM;
			}
			if (!rc && (t == tnode || line.len)) {
				rc = kb_letter_add_origin(l, t, origin, flags);
				cur = t;
			}
			line.len = 0;
			if (!rc && i < len) {
				xmlNodePtr br = xmlNewDocNode(tnode->doc, tnode->ns,
				                              (const xmlChar *)(cp == '\n' ? "br" : "tab"), NULL);
				if (!br)
					rc = KB_ENOMEM;
				else
					cur = xmlAddNextSibling(cur, br);
			}
		} else if (cp != '\r' && xml_char_ok(cp)) {
			rc = kb_buf_add(&line, val + i, n);
		}
		i += n;
		if (i > len)
			break;
	}
	kb_buf_free(&line);
	return rc;
}

/* Finds the tag nodes of a copied part (kb-tag attribute), in document order. */
static int find_tag_nodes(kb_nodevec *out, xmlNodePtr root)
{
	xmlNodePtr n = root;
	while (n) {
		if (n->type == XML_ELEMENT_NODE && n->properties && xmlHasProp(n, (const xmlChar *)KB_TAG_ATTR)) {
			int rc = kb_nodevec_push(out, n);
			if (rc)
				return rc;
		}
		if (n->type == XML_ELEMENT_NODE && n->children) {
			n = n->children;
			continue;
		}
		while (n && n != root && !n->next)
			n = n->parent;
		if (!n || n == root)
			break;
		n = n->next;
	}
	return KB_OK;
}

static const char *json_type_da(const json_t *v)
{
	return json_is_object(v) ? "et objekt" : json_is_array(v) ? "en liste" : "en værdi";
}

/* Every required field of the manifest that the case lacks. */
static void check_required(const kb_template *t, kb_ctx *ctx, const json_t *data, int *bad)
{
	json_t *fields = t->manifest ? json_object_get(t->manifest, "fields") : NULL;
	const char *key;
	json_t *f;
	json_object_foreach(fields, key, f) {
		if (!json_is_true(json_object_get(f, "required")))
			continue;
		const json_t *v = lookup_path(data, key);
		if (!v || json_is_null(v) || (json_is_string(v) && json_string_length(v) == 0)) {
			const char *label = json_string_value(json_object_get(f, "label"));
			kb_ctx_add_detail(ctx, "feltet \"%s\"%s%s%s mangler i sagen; det skal udfyldes", key,
			                  label ? " (" : "", label ? label : "", label ? ")" : "");
			(*bad)++;
		}
	}
}

int kb_template_render(kb_letter **out, kb_ctx *ctx, const kb_template *t, const kb_case *c)
{
	*out = NULL;
	kb_letter *l = NULL;
	kb_nodevec tags = { 0 };
	const json_t *data = kb_case_json(c);
	int rc = kb_letter_alloc(&l, t->path);
	int bad = 0;
	if (rc)
		return kb_ctx_fail(ctx, rc, "out of memory");
	l->pkg = t->pkg;
	l->owns_pkg = 0;
	l->fields = json_incref((json_t *)data);
	l->manifest = t->manifest ? json_incref(t->manifest) : NULL;
	const char *outcome = NULL;
	if (t->manifest) {
		const char *of = json_string_value(json_object_get(t->manifest, "outcome_field"));
		const json_t *ov = of ? lookup_path(data, of) : NULL;
		outcome = ov ? json_string_value(ov) : json_string_value(json_object_get(t->manifest, "outcome"));
	}
	if (outcome && !(l->outcome = kb_strdup(outcome))) {
		rc = KB_ENOMEM;
		goto done;
	}

	l->parts = calloc(t->nparts ? t->nparts : 1, sizeof *l->parts);
	if (!l->parts) {
		rc = KB_ENOMEM;
		goto done;
	}
	kb_ctx_clear_details(ctx);
	check_required(t, ctx, data, &bad);
	for (size_t i = 0; i < t->nparts; i++) {
		kb_letter_part *p = &l->parts[i];
		p->kind = t->parts[i].kind;
		p->changed = t->parts[i].changed;
		p->name = kb_strdup(t->parts[i].name);
		p->doc = xmlCopyDoc(t->parts[i].doc, 1);
		l->nparts++;
		if (!p->name || !p->doc) {
			rc = KB_ENOMEM;
			goto done;
		}
		tags.n = 0;
		if ((rc = find_tag_nodes(&tags, xmlDocGetRootElement(p->doc))))
			goto done;
		for (size_t k = 0; k < tags.n; k++) {
			xmlNodePtr tn = tags.items[k];
			xmlChar *idxs = xmlGetProp(tn, (const xmlChar *)KB_TAG_ATTR);
			long idx = idxs ? strtol((const char *)idxs, NULL, 10) : -1;
			xmlFree(idxs);
			xmlUnsetProp(tn, (const xmlChar *)KB_TAG_ATTR);
			if (idx < 0 || (size_t)idx >= t->ntags) {
				rc = kb_ctx_fail(ctx, KB_EINPUT, "internal error: unknown tag index");
				goto done;
			}
			const tpl_tag *tag = &t->tags[idx];
			if (tag->kind == TAG_COMMENT) {
				if ((rc = set_text(tn, "", 0)))
					goto done;
				continue;
			}
			const json_t *v = lookup_path(data, tag->name);
			char *text = v ? value_text(v) : NULL;
			if (!v) {
				kb_ctx_add_detail(ctx, "feltet \"%s\" mangler i sagen (bruges i %s, afsnit %zu: %s)", tag->name,
				                  tag->name[0] ? t->parts[tag->part].name : "", tag->paragraph, tag->raw);
				bad++;
				continue;
			}
			if (!text) {
				kb_ctx_add_detail(ctx,
				                  "feltet \"%s\" er %s og kan ikke skrives direkte i brevet (bruges i %s, "
				                  "afsnit %zu: %s)",
				                  tag->name, json_type_da(v), t->parts[tag->part].name, tag->paragraph, tag->raw);
				bad++;
				continue;
			}
			kb_buf org;
			kb_buf_init(&org, 4096);
			rc = kb_buf_printf(&org, "field:%s", tag->name);
			if (!rc)
				rc = write_value(l, tn, text, org.data, field_flags(t->manifest, tag->name));
			kb_buf_free(&org);
			free(text);
			if (rc)
				goto done;
		}
	}
	if (bad) {
		rc = kb_ctx_fail_keep(ctx, KB_EDATA, "%s: sagen passer ikke til skabelonen (%d %s); intet er skrevet",
		                      kb_case_name(c), bad, bad == 1 ? "problem" : "problemer");
		goto done;
	}
	rc = kb_letter_build_text(l, ctx);
done:
	kb_nodevec_free(&tags);
	if (rc == KB_ENOMEM)
		rc = kb_ctx_fail(ctx, KB_ENOMEM, "out of memory");
	if (rc) {
		kb_letter_free(l);
		return rc;
	}
	*out = l;
	return KB_OK;
}
