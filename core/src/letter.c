/*
 * letter.c -- a letter: the DOCX parts of a filled template or of an existing file, or the lines of a .txt file,
 * and the text model built from them. Saving a DOCX letter serialises the parts that changed and copies the rest.
 */
#include "letter.h"
#include "docx.h"
#include "encoding.h"
#include "textmodel.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

typedef struct style_map {
	char **ids;
	int *levels;
	size_t n;
} style_map;

static void style_map_free(style_map *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->ids[i]);
	free(m->ids);
	free(m->levels);
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

/* Reads styles.xml next to the main document. A missing or unreadable styles part only means no headings. */
static void load_styles(style_map *m, const kb_letter *l, kb_ctx *ctx)
{
	const char *main = kb_package_main_part(l->pkg);
	const char *slash = strrchr(main, '/');
	kb_buf name;
	kb_buf_init(&name, 4096);
	if (slash)
		kb_buf_add(&name, main, (size_t)(slash - main) + 1);
	kb_buf_adds(&name, "styles.xml");
	xmlDocPtr doc = NULL;
	if (!name.data || !kb_package_has(l->pkg, name.data) || kb_package_parse(&doc, l->pkg, ctx, name.data)) {
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

static int style_level(const style_map *m, const char *id)
{
	for (size_t i = 0; id && i < m->n; i++)
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
	const char *origin = "template";
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

static void table_place(table_pos *tp, kb_paragraph *para, const xmlNode *p)
{
	const xmlNode *tc = kb_w_ancestor(p, "tc");
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
	style_map sm = { 0 };
	load_styles(&sm, l, ctx);
	int rc = KB_OK;
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
				int heading = style_level(&sm, (const char *)style);
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
				                      .in_table = kb_w_in_table(p) };
				rc = kb_text_add_paragraph(l->text, pb.text.data, pb.text.len, &info, pb.spans, pb.nspans);
				if (!rc && info.in_table)
					table_place(&tp, &l->text->paras[l->text->nparas - 1], p);
				xmlFree(style);
			}
			kb_buf_free(&pb.text);
			free(pb.spans);
		}
	}
	kb_nodevec_free(&paras);
	style_map_free(&sm);
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

/* A plain-text letter from UTF-8 text (one paragraph a line); name is its file, or what stands for one. */
static int letter_from_utf8(kb_letter **out, kb_ctx *ctx, const char *utf8, size_t len, const char *name)
{
	int rc = kb_encoding_check_utf8(ctx, utf8, len, name, "brevet");
	if (rc)
		return rc;
	kb_letter *l = NULL;
	if ((rc = kb_letter_alloc(&l, name)))
		return kb_ctx_fail(ctx, rc, "ikke nok hukommelse");
	kb_text_free(l->text);
	l->text = NULL;
	if ((rc = kb_text_from_plain(&l->text, ctx, utf8, len, name))) {
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
		return letter_from_utf8(out, ctx, text ? text : "", len, name);
	char *utf8 = NULL;
	size_t n = 0;
	int rc = kb_encoding_to_utf8(&utf8, &n, ctx, text, len, encoding, name, KB_MAX_TEXT_BYTES);
	if (!rc)
		rc = letter_from_utf8(out, ctx, utf8, n, name);
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
	rc = letter_from_utf8(out, ctx, data, len, path);
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
