/*
 * letter.c -- a letter: the DOCX parts of a filled template or of an existing file, or the lines of a .txt file,
 * and the text model built from them. Saving a DOCX letter serialises the parts that changed and copies the rest.
 */
#include "letter.h"
#include "docx.h"
#include "encoding.h"
#include "manifest.h"
#include "textmodel.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

int kb_letter_alloc(kb_letter **out, const char *name)
{
	*out = NULL;
	kb_letter *l = calloc(1, sizeof *l);
	if (!l)
		return KB_ENOMEM;
	l->name = kb_strdup(name ? name : "");
	if (!l->name || kb_text_new(&l->text)) {
		free(l->name);
		free(l);
		return KB_ENOMEM;
	}
	*out = l;
	return KB_OK;
}

void kb_letter_free(kb_letter *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->nparts; i++) {
		free(l->parts[i].name);
		xmlFreeDoc(l->parts[i].doc);
	}
	free(l->parts);
	for (size_t i = 0; i < l->norigins; i++)
		free(l->origins[i].origin);
	free(l->origins);
	if (l->owns_pkg)
		kb_package_free(l->pkg);
	kb_style_map_free(l->own_styles);
	kb_text_free(l->text);
	json_decref(l->fields);
	json_decref(l->manifest);
	free(l->outcome);
	free(l->name);
	free(l);
}

const kb_text *kb_letter_text(const kb_letter *l)
{
	return l->text;
}

int kb_letter_is_docx(const kb_letter *l)
{
	return l->pkg != NULL;
}

int kb_letter_add_origin(kb_letter *l, const xmlNode *node, const char *origin, unsigned flags)
{
	if (l->norigins == l->origins_cap) {
		size_t ncap = l->origins_cap ? l->origins_cap * 2 : 32;
		kb_origin_entry *no = realloc(l->origins, ncap * sizeof *no);
		if (!no)
			return KB_ENOMEM;
		l->origins = no;
		l->origins_cap = ncap;
	}
	char *o = kb_strdup(origin);
	if (!o)
		return KB_ENOMEM;
	l->origins[l->norigins].node = node;
	l->origins[l->norigins].origin = o;
	l->origins[l->norigins].flags = flags;
	l->norigins++;
	return KB_OK;
}

static int origin_cmp(const void *a, const void *b)
{
	const kb_origin_entry *x = a, *y = b;
	return x->node < y->node ? -1 : x->node > y->node ? 1 : 0;
}

static const kb_origin_entry *find_origin(const kb_letter *l, const xmlNode *node)
{
	if (!l->norigins)
		return NULL;
	kb_origin_entry key = { .node = node };
	return bsearch(&key, l->origins, l->norigins, sizeof key, origin_cmp);
}

/* ---- styles: which paragraph styles are headings ---- */

struct kb_style_map {
	char **ids;
	int *levels;
	size_t n;
};

void kb_style_map_free(kb_style_map *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++)
		free(m->ids[i]);
	free(m->ids);
	free(m->levels);
	free(m);
}

/* Heading level from a style name as Word and LibreOffice write it ("heading 2", "Heading 2", "Title"). */
static int level_from_name(const char *name)
{
	if (!name)
		return 0;
	if (!strncasecmp(name, "heading ", 8) && name[8] >= '1' && name[8] <= '9' && !name[9])
		return name[8] - '0';
	if (!strcasecmp(name, "title"))
		return 1;
	return 0;
}

/* Reads styles.xml next to the main document into m. A missing or unreadable styles part only means no headings. */
static void load_styles(kb_style_map *m, const kb_package *pkg, kb_ctx *ctx)
{
	const char *main = kb_package_main_part(pkg);
	const char *slash = strrchr(main, '/');
	kb_buf name;
	kb_buf_init(&name, 4096);
	if (slash)
		kb_buf_add(&name, main, (size_t)(slash - main) + 1);
	kb_buf_adds(&name, "styles.xml");
	xmlDocPtr doc = NULL;
	if (!name.data || !kb_package_has(pkg, name.data) || kb_package_parse(&doc, pkg, ctx, name.data)) {
		kb_buf_free(&name);
		kb_ctx_clear(ctx);
		return;
	}
	kb_buf_free(&name);
	xmlNodePtr root = xmlDocGetRootElement(doc);
	for (xmlNodePtr s = root ? root->children : NULL; s; s = s->next) {
		if (!kb_w_is(s, "style"))
			continue;
		xmlChar *id = kb_w_attr(s, "styleId");
		xmlNodePtr nm = kb_w_child(s, "name");
		xmlChar *nv = nm ? kb_w_attr(nm, "val") : NULL;
		int level = level_from_name((const char *)nv);
		xmlNodePtr ppr = kb_w_child(s, "pPr");
		xmlNodePtr ol = ppr ? kb_w_child(ppr, "outlineLvl") : NULL;
		if (!level && ol) {
			xmlChar *v = kb_w_attr(ol, "val");
			long lv = v ? strtol((const char *)v, NULL, 10) : 9;
			if (lv >= 0 && lv < 9)
				level = (int)lv + 1;
			xmlFree(v);
		}
		if (id && level) {
			char **ni = realloc(m->ids, (m->n + 1) * sizeof *ni);
			if (ni)
				m->ids = ni;
			int *nl = realloc(m->levels, (m->n + 1) * sizeof *nl);
			if (nl)
				m->levels = nl;
			char *copy = kb_strdup((const char *)id);
			if (ni && nl && copy) {
				m->ids[m->n] = copy;
				m->levels[m->n] = level;
				m->n++;
			} else {
				free(copy);
			}
		}
		xmlFree(id);
		xmlFree(nv);
	}
	xmlFreeDoc(doc);
}

int kb_style_map_load(kb_style_map **out, const kb_package *pkg, kb_ctx *ctx)
{
	*out = calloc(1, sizeof **out);
	if (!*out)
		return kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
	if (pkg)
		load_styles(*out, pkg, ctx);
	return KB_OK;
}

static int style_level(const kb_style_map *m, const char *id)
{
	for (size_t i = 0; m && id && i < m->n; i++)
		if (!strcmp(m->ids[i], id))
			return m->levels[i];
	return 0;
}

/* ---- building the text model ---- */

typedef struct para_builder {
	const kb_letter *l;
	kb_buf text;
	kb_span *spans;
	size_t nspans, cap;
	int failed;
} para_builder;

/* Extends the last span or starts a new one for origin. */
static void pb_span(para_builder *pb, size_t start, size_t len, const char *origin, unsigned flags)
{
	if (!len)
		return;
	if (pb->nspans && !strcmp(pb->spans[pb->nspans - 1].origin, origin) && pb->spans[pb->nspans - 1].flags == flags &&
	    pb->spans[pb->nspans - 1].start + pb->spans[pb->nspans - 1].len == start) {
		pb->spans[pb->nspans - 1].len += len;
		return;
	}
	if (pb->nspans == pb->cap) {
		size_t ncap = pb->cap ? pb->cap * 2 : 8;
		kb_span *ns = realloc(pb->spans, ncap * sizeof *ns);
		if (!ns) {
			pb->failed = KB_ENOMEM;
			return;
		}
		pb->spans = ns;
		pb->cap = ncap;
	}
	/* origin strings are borrowed from the letter here; kb_text_add_paragraph copies them */
	pb->spans[pb->nspans++] = (kb_span){ .start = start, .len = len, .origin = (char *)origin, .flags = flags };
}

static int pb_item(void *ud, kb_w_item item, xmlNodePtr node)
{
	para_builder *pb = ud;
	size_t start = pb->text.len;
	int rc = KB_OK;
	const char *origin = pb->l->written ? "letter" : "template";
	unsigned flags = 0;
	switch (item) {
	case KB_W_TEXT: {
		xmlChar *c = xmlNodeGetContent(node);
		if (c)
			rc = kb_buf_adds(&pb->text, (const char *)c);
		xmlFree(c);
		const kb_origin_entry *oe = find_origin(pb->l, node);
		if (oe) {
			origin = oe->origin;
			flags = oe->flags;
		}
		break;
	}
	case KB_W_TAB: rc = kb_buf_addc(&pb->text, '\t'); break;
	case KB_W_BREAK: rc = kb_buf_addc(&pb->text, '\n'); break;
	case KB_W_HYPHEN: rc = kb_buf_addc(&pb->text, '-'); break;
	}
	if (rc) {
		pb->failed = rc;
		return rc;
	}
	if (item != KB_W_TEXT && pb->nspans) {
		/* a tab or break belongs to the span before it (a line break inside an address field stays in it) */
		pb->spans[pb->nspans - 1].len += pb->text.len - start;
		return 0;
	}
	pb_span(pb, start, pb->text.len - start, origin, flags);
	return pb->failed;
}

static int blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isspace((unsigned char)s[i]))
			return 0;
	return 1;
}

/* Numbers the table rows and cells of a letter as its paragraphs are read in document order: a paragraph in a new
 * w:tr starts a new row, one in a new w:tc a new cell. A nested table's rows are rows of their own, and the outer
 * row goes on as a new row after them. */
typedef struct table_pos {
	const xmlNode *tr, *tc;
	unsigned row, cell;
} table_pos;

/* tc is the paragraph's w:tc (kb_w_ancestor(p, "tc")), found once by the caller. */
static void table_place(table_pos *tp, kb_paragraph *para, const xmlNode *tc)
{
	const xmlNode *tr = tc ? kb_w_ancestor(tc, "tr") : NULL;
	if (!tr)
		return;
	if (tr != tp->tr) {
		tp->tr = tr;
		tp->tc = NULL;
		tp->row++;
		tp->cell = 0;
	}
	if (tc != tp->tc) {
		tp->tc = tc;
		tp->cell++;
	}
	para->table_row = tp->row;
	para->table_cell = tp->cell;
}

int kb_letter_build_text(kb_letter *l, kb_ctx *ctx)
{
	if (l->norigins)
		qsort(l->origins, l->norigins, sizeof *l->origins, origin_cmp);
	int rc = KB_OK;
	if (!l->styles && l->pkg) {
		if ((rc = kb_style_map_load(&l->own_styles, l->pkg, ctx)))
			return rc;
		l->styles = l->own_styles;
	}
	kb_nodevec paras = { 0 };
	table_pos tp = { 0 };
	for (size_t i = 0; rc == KB_OK && i < l->nparts; i++) {
		const kb_letter_part *part = &l->parts[i];
		xmlNodePtr root = xmlDocGetRootElement(part->doc);
		paras.n = 0;
		if (root && (rc = kb_w_paragraphs(&paras, root, 1)))
			break;
		for (size_t k = 0; rc == KB_OK && k < paras.n; k++) {
			xmlNodePtr p = paras.items[k];
			para_builder pb = { .l = l };
			kb_buf_init(&pb.text, KB_MAX_TEXT_BYTES);
			kb_w_walk_paragraph(p, pb_item, &pb);
			rc = pb.failed;
			if (!rc && pb.text.len && !blank(pb.text.data, pb.text.len)) {
				xmlNodePtr ppr = kb_w_child(p, "pPr");
				xmlNodePtr ps = ppr ? kb_w_child(ppr, "pStyle") : NULL;
				xmlChar *style = ps ? kb_w_attr(ps, "val") : NULL;
				const xmlNode *tc = kb_w_ancestor(p, "tc"); /* in a table: in a cell */
				int heading = style_level(l->styles, (const char *)style);
				xmlNodePtr ol = ppr ? kb_w_child(ppr, "outlineLvl") : NULL;
				if (ol) {
					xmlChar *v = kb_w_attr(ol, "val");
					long lv = v ? strtol((const char *)v, NULL, 10) : 9;
					if (lv >= 0 && lv < 9)
						heading = (int)lv + 1;
					xmlFree(v);
				}
				kb_para_info info = { .part = part->kind,
				                      .part_name = part->name,
				                      .style = (const char *)style,
				                      .heading = heading,
				                      .in_table = tc != NULL };
				rc = kb_text_add_paragraph(l->text, pb.text.data, pb.text.len, &info, pb.spans, pb.nspans);
				if (!rc && info.in_table)
					table_place(&tp, &l->text->paras[l->text->nparas - 1], tc);
				xmlFree(style);
			}
			kb_buf_free(&pb.text);
			free(pb.spans);
		}
	}
	kb_nodevec_free(&paras);
	if (rc == KB_ELIMIT)
		return kb_ctx_fail(ctx, rc, "%s: brevets tekst fylder mere end %u byte", l->name, KB_MAX_TEXT_BYTES);
	if (rc == KB_ENOMEM)
		return kb_ctx_fail(ctx, rc, "ikke nok hukommelse");
	if (rc)
		return kb_ctx_fail(ctx, rc, "%s: intern fejl %d under læsningen af brevets tekst", l->name, rc);
	return KB_OK;
}

/* ---- opening an existing letter ---- */

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && !strcasecmp(s + n - m, suffix);
}

/* A plain-text letter from UTF-8 text (its front matter, then one paragraph a line); name is its file, or what
 * stands for one; the front matter's paths are relative to base_dir (NULL: as given). */
static int letter_from_utf8(kb_letter **out, kb_ctx *ctx, const char *utf8, size_t len, const char *name,
                            const char *base_dir)
{
	kb_front_matter fm;
	int rc = kb_encoding_check_utf8(ctx, utf8, len, name, "brevet");
	if (rc)
		return rc;
	if ((rc = kb_front_matter_read(&fm, ctx, utf8, len, name, base_dir)))
		return rc;
	kb_letter *l = NULL;
	if ((rc = kb_letter_alloc(&l, name))) {
		kb_front_matter_clear(&fm);
		return kb_ctx_fail(ctx, rc, "ikke nok hukommelse");
	}
	kb_text_free(l->text);
	l->text = NULL;
	l->written = 1;
	rc = kb_text_from_letter_lines(&l->text, ctx, utf8 + fm.body, len - fm.body, name, fm.lines + 1);
	if (!rc && fm.body)
		rc = kb_letter_apply_front_matter(l, ctx, &fm);
	kb_front_matter_clear(&fm);
	if (rc) {
		kb_letter_free(l);
		return rc;
	}
	*out = l;
	return KB_OK;
}

int kb_letter_from_text(kb_letter **out, kb_ctx *ctx, const char *text, size_t len, const char *name,
                        const char *encoding)
{
	*out = NULL;
	if (!name)
		name = "tekst";
	if (!text && len)
		return kb_ctx_fail(ctx, KB_EUSAGE, "kb_letter_from_text: ingen tekst angivet");
	if (len > KB_MAX_TEXT_BYTES)
		return kb_ctx_fail(ctx, KB_ELIMIT, "%s: teksten er større end grænsen på %u byte; del brevet op", name,
		                   KB_MAX_TEXT_BYTES);
	if (kb_encoding_is_utf8(encoding))
		return letter_from_utf8(out, ctx, text ? text : "", len, name, NULL);
	char *utf8 = NULL;
	size_t n = 0;
	int rc = kb_encoding_to_utf8(&utf8, &n, ctx, text, len, encoding, name, KB_MAX_TEXT_BYTES);
	if (!rc)
		rc = letter_from_utf8(out, ctx, utf8, n, name, NULL);
	free(utf8);
	return rc;
}

static int open_txt(kb_letter **out, kb_ctx *ctx, const char *path, const char *encoding)
{
	char *data = NULL;
	size_t len = 0;
	int rc = kb_encoding_read_file(&data, &len, ctx, path, encoding, KB_MAX_TEXT_BYTES);
	if (rc)
		return rc;
	char *dir = kb_path_dir(path);
	rc = dir ? letter_from_utf8(out, ctx, data, len, path, dir) : kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
	free(dir);
	free(data);
	return rc;
}

int kb_letter_open(kb_letter **out, kb_ctx *ctx, const char *path)
{
	return kb_letter_open_encoded(out, ctx, path, NULL);
}

int kb_letter_open_encoded(kb_letter **out, kb_ctx *ctx, const char *path, const char *encoding)
{
	*out = NULL;
	if (ends_with(path, ".txt") || ends_with(path, ".text"))
		return open_txt(out, ctx, path, encoding);
	if (!kb_encoding_is_utf8(encoding))
		return kb_ctx_fail(ctx, KB_EINPUT,
		                   "%s: --encoding gælder kun et .txt-brev; en .docx-fil angiver selv sit tegnsæt", path);
	kb_letter *l = NULL;
	int rc = kb_letter_alloc(&l, path);
	if (rc)
		return kb_ctx_fail(ctx, rc, "ikke nok hukommelse");
	if ((rc = kb_package_open(&l->pkg, ctx, path)))
		goto done;
	l->owns_pkg = 1;
	l->written = 1;
	size_t n = 0;
	const kb_part_ref *refs = kb_package_parts(l->pkg, &n);
	l->parts = calloc(n ? n : 1, sizeof *l->parts);
	if (!l->parts) {
		rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		kb_letter_part *p = &l->parts[l->nparts];
		p->kind = refs[i].kind;
		p->name = kb_strdup(refs[i].name);
		if (!p->name) {
			rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
			goto done;
		}
		l->nparts++;
		if ((rc = kb_package_parse(&p->doc, l->pkg, ctx, refs[i].name)))
			goto done;
	}
	rc = kb_letter_build_text(l, ctx);
done:
	if (rc) {
		kb_letter_free(l);
		return rc;
	}
	*out = l;
	return KB_OK;
}

/* ---- front matter, template and case: what a fill would give the checks ---- */

void kb_front_matter_clear(kb_front_matter *fm)
{
	if (!fm)
		return;
	free(fm->outcome);
	free(fm->case_path);
	free(fm->case_inline);
	free(fm->template_path);
	memset(fm, 0, sizeof *fm);
}

/* s[0..n) without blanks around it, as a new string. */
static char *fm_trimmed(const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	return kb_strndup(s, n);
}

/* 1 when line[0..n) is "---" with nothing but blanks after it. */
static int fm_fence(const char *line, size_t n)
{
	if (n < 3 || memcmp(line, "---", 3))
		return 0;
	for (size_t i = 3; i < n; i++)
		if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
			return 0;
	return 1;
}

#define FM_MAX_LINES 100u

int kb_front_matter_read(kb_front_matter *out, kb_ctx *ctx, const char *utf8, size_t len, const char *name,
                         const char *base_dir)
{
	static const char *const keys[] = { "outcome", "udfald", "case", "sag", "template", "skabelon", NULL };
	memset(out, 0, sizeof *out);
	size_t pos = len >= 3 && !memcmp(utf8, "\xEF\xBB\xBF", 3) ? 3 : 0;
	const char *nl = memchr(utf8 + pos, '\n', len - pos);
	if (!nl || !fm_fence(utf8 + pos, (size_t)(nl - utf8) - pos))
		return KB_OK;
	pos = (size_t)(nl - utf8) + 1;
	size_t line = 2;
	int rc = KB_OK;
	for (;; line++) {
		if (pos >= len || line > FM_MAX_LINES + 1) {
			rc = kb_ctx_fail(ctx, KB_EINPUT,
			                 "%s: forsiden (fra »---« i linje 1) lukkes aldrig med en linje »---«; skriv »---« "
			                 "efter den sidste linje med udfald, sag eller skabelon",
			                 name);
			goto done;
		}
		nl = memchr(utf8 + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - utf8) : len;
		const char *l = utf8 + pos;
		size_t n = end - pos;
		pos = nl ? end + 1 : len;
		if (fm_fence(l, n))
			break;
		char *all = fm_trimmed(l, n);
		if (!all) {
			rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
			goto done;
		}
		if (!*all || all[0] == '#') { /* a blank line or a comment */
			free(all);
			continue;
		}
		char *colon = strchr(all, ':');
		if (!colon) {
			rc = kb_ctx_fail(ctx, KB_EINPUT,
			                 "%s, linje %zu: »%s« er ikke »nøgle: værdi«; forsiden kan have udfald, sag og "
			                 "skabelon, fx »udfald: afslag«",
			                 name, line, all);
			free(all);
			goto done;
		}
		char *key = fm_trimmed(all, (size_t)(colon - all));
		char *value = fm_trimmed(colon + 1, strlen(colon + 1));
		free(all);
		char **slot = NULL;
		int inline_case = 0;
		if (key && value) {
			if (!strcmp(key, "outcome") || !strcmp(key, "udfald"))
				slot = &out->outcome;
			else if (!strcmp(key, "case") || !strcmp(key, "sag"))
				slot = value[0] == '{' ? (inline_case = 1, &out->case_inline) : &out->case_path;
			else if (!strcmp(key, "template") || !strcmp(key, "skabelon"))
				slot = &out->template_path;
		}
		if (!key || !value)
			rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
		else if (!slot && kb_nearest_name(key, keys))
			rc = kb_ctx_fail(ctx, KB_EINPUT, "%s, linje %zu: ukendt nøgle »%s« i forsiden; mente du »%s«?", name,
			                 line, key, kb_nearest_name(key, keys));
		else if (!slot)
			rc = kb_ctx_fail(ctx, KB_EINPUT,
			                 "%s, linje %zu: ukendt nøgle »%s« i forsiden; brug udfald, sag eller skabelon", name,
			                 line, key);
		else if (!*value)
			rc = kb_ctx_fail(ctx, KB_EINPUT, "%s, linje %zu: »%s« har ingen værdi", name, line, key);
		else if (out->outcome && slot == &out->outcome)
			rc = kb_ctx_fail(ctx, KB_EINPUT, "%s, linje %zu: udfaldet står to gange i forsiden", name, line);
		else if ((out->case_path || out->case_inline) && (slot == &out->case_path || slot == &out->case_inline))
			rc = kb_ctx_fail(ctx, KB_EINPUT, "%s, linje %zu: sagen står to gange i forsiden", name, line);
		else if (out->template_path && slot == &out->template_path)
			rc = kb_ctx_fail(ctx, KB_EINPUT, "%s, linje %zu: skabelonen står to gange i forsiden", name, line);
		else if (slot == &out->outcome || inline_case)
			*slot = value, value = NULL;
		else if (!(*slot = kb_path_join(base_dir, value)))
			rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
		free(key);
		free(value);
		if (rc)
			goto done;
	}
	out->body = pos;
	out->lines = line;
done:
	if (rc)
		kb_front_matter_clear(out);
	return rc;
}

/* The manifest of a template folder (its manifest.json) or of a manifest file; none (*out NULL, KB_OK) for a bare
 * .docx template, which fill reads as a template without a manifest (kb_manifest_path). */
static int load_manifest(json_t **out, kb_ctx *ctx, const char *template_path)
{
	struct stat st;
	char *mpath = NULL;
	int folder = 0, rc;
	*out = NULL;
	if (stat(template_path, &st) != 0)
		return kb_ctx_fail(ctx, KB_EINPUT, "skabelonen %s findes ikke; angiv en skabelonmappe med manifest.json",
		                   template_path);
	if (kb_manifest_path(&mpath, &folder, template_path))
		return kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
	if (!mpath)
		return KB_OK;
	if (folder && stat(mpath, &st) != 0)
		rc = kb_ctx_fail(ctx, KB_EINPUT,
		                 "skabelonen %s har ingen manifest.json, så klarbrev kender hverken felter eller udfald",
		                 template_path);
	else
		rc = kb_manifest_load(out, ctx, mpath);
	free(mpath);
	return rc;
}

/* The case data of a file, or of the JSON written in the front matter. */
static int load_case(json_t **out, kb_ctx *ctx, const char *path, const char *inline_json, const char *name)
{
	kb_case *c = NULL;
	*out = NULL;
	int rc = path ? kb_case_load_file(&c, ctx, path) : kb_case_load_buffer(&c, ctx, inline_json, strlen(inline_json), name);
	if (rc)
		return rc;
	*out = json_incref((json_t *)kb_case_json(c));
	kb_case_free(c);
	return KB_OK;
}

int kb_front_matter_load(json_t **manifest, json_t **fields, char **outcome, kb_ctx *ctx, const kb_front_matter *fm,
                         const char *name)
{
	*manifest = *fields = NULL;
	*outcome = NULL;
	int rc = KB_OK;
	if (!fm)
		return KB_OK;
	if (fm->template_path && (rc = load_manifest(manifest, ctx, fm->template_path)))
		goto done;
	if ((fm->case_path || fm->case_inline) && (rc = load_case(fields, ctx, fm->case_path, fm->case_inline, name)))
		goto done;
	if (*manifest && *fields &&
	    (rc = kb_manifest_validate_case(ctx, *manifest, *fields, fm->case_path ? fm->case_path : name)))
		goto done;
	const char *o = fm->outcome ? fm->outcome : kb_manifest_outcome(*manifest, *fields);
	if (o && !(*outcome = kb_strdup(o)))
		rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
done:
	if (rc) {
		json_decref(*manifest);
		json_decref(*fields);
		*manifest = *fields = NULL;
	}
	return rc;
}

/* Replaces l's manifest and case with those given (references taken over); NULL keeps l's. */
static void letter_set_case(kb_letter *l, json_t *manifest, json_t *fields)
{
	if (manifest) {
		json_decref(l->manifest);
		l->manifest = manifest;
	}
	if (fields) {
		json_decref(l->fields);
		l->fields = fields;
	}
}

/* Sets l's manifest, case and outcome (each reference taken over; outcome copied) and recomputes the outcome. */
static int letter_take_case(kb_letter *l, kb_ctx *ctx, json_t *manifest, json_t *fields, const char *case_name)
{
	letter_set_case(l, manifest, fields);
	if (l->manifest && l->fields && (manifest || fields)) {
		int rc = kb_manifest_validate_case(ctx, l->manifest, l->fields, case_name ? case_name : l->name);
		if (rc)
			return rc;
	}
	if (l->outcome_given)
		return KB_OK;
	const char *o = kb_manifest_outcome(l->manifest, l->fields);
	char *copy = o ? kb_strdup(o) : NULL;
	if (o && !copy)
		return kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
	free(l->outcome);
	l->outcome = copy;
	return KB_OK;
}

int kb_letter_set_case(kb_letter *l, kb_ctx *ctx, const char *template_path, const char *case_path)
{
	json_t *manifest = NULL, *fields = NULL;
	int rc = KB_OK;
	if (template_path && (rc = load_manifest(&manifest, ctx, template_path)))
		return rc;
	if (case_path && (rc = load_case(&fields, ctx, case_path, NULL, case_path))) {
		json_decref(manifest);
		return rc;
	}
	return letter_take_case(l, ctx, manifest, fields, case_path);
}

int kb_letter_apply_front_matter(kb_letter *l, kb_ctx *ctx, const kb_front_matter *fm)
{
	json_t *manifest = NULL, *fields = NULL;
	char *outcome = NULL;
	int rc = kb_front_matter_load(&manifest, &fields, &outcome, ctx, fm, l->name);
	if (rc)
		return rc;
	/* the letter's reader applies the front matter to a letter without a case of its own yet: it takes over what
	 * was loaded, the case already checked against the manifest, and the outcome (stated, or the one fill finds) */
	letter_set_case(l, manifest, fields);
	if (fm->outcome || outcome) {
		free(l->outcome);
		l->outcome = outcome;
	}
	if (fm->outcome)
		l->outcome_given = 1;
	return KB_OK;
}

int kb_letter_save(const kb_letter *l, kb_ctx *ctx, const char *path)
{
	if (!l->pkg)
		return kb_ctx_fail(ctx, KB_EUSAGE, "%s: et .txt-brev kan ikke gemmes som .docx", l->name);
	const char **names = calloc(l->nparts ? l->nparts : 1, sizeof *names);
	char **data = calloc(l->nparts ? l->nparts : 1, sizeof *data);
	size_t *lens = calloc(l->nparts ? l->nparts : 1, sizeof *lens);
	size_t n = 0;
	int rc = KB_OK;
	if (!names || !data || !lens) {
		rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
		goto done;
	}
	for (size_t i = 0; i < l->nparts; i++) {
		if (!l->parts[i].changed)
			continue;
		if ((rc = kb_xml_serialize(&data[n], &lens[n], ctx, l->parts[i].doc)))
			goto done;
		names[n] = l->parts[i].name;
		n++;
	}
	rc = kb_package_save(l->pkg, ctx, path, names, (const char *const *)data, lens, n);
done:
	for (size_t i = 0; data && i < n; i++)
		free(data[i]);
	free(names);
	free(data);
	free(lens);
	return rc;
}
