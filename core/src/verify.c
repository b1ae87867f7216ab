/* verify.c -- a written DOCX, read back and checked before it may replace anything (see verify.h). */
#include "verify.h"
#include "utf8.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/tree.h>

#define MC_NS         "http://schemas.openxmlformats.org/markup-compatibility/2006"
#define CONTENT_TYPES "[Content_Types].xml"
#define MAX_NAME      1024 /* part names, as in package.c */
#define MAX_WHAT      1200 /* what is wrong, in a message */

typedef struct verify {
	kb_ctx *ctx;
	const char *target;
	const kb_package *in;
	kb_package *out;
	const char *const *written;
	size_t nwritten;
	xmlDocPtr in_types; /* the input's [Content_Types].xml, parsed when first needed */
	int in_types_read;
} verify;

static int broken(verify *v, const char *part, const char *fmt, ...) KB_PRINTF(3, 4);

/* Fails with the internal error: what is wrong (in part, when given), and that nothing was written. */
static int broken(verify *v, const char *part, const char *fmt, ...)
{
	char what[MAX_WHAT];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	return kb_ctx_fail(v->ctx, KB_EINTERNAL,
	                   "intern fejl: klarbrev lavede et ugyldigt dokument (%s%s%s). Intet er gemt i %s. Send "
	                   "skabelonen og sagen (eller brevet, der blev tjekket) til den, der driver klarbrev, så "
	                   "fejlen kan rettes",
	                   part ? part : "", part ? ": " : "", what, v->target);
}

/* Turns the reader's failure (rc, message on the context) into the internal error, without the name the reader
 * starts its message with, which the internal error names already. Running out of memory stays what it is. */
static int reader_failed(verify *v, int rc)
{
	if (rc == KB_ENOMEM)
		return rc;
	char msg[MAX_WHAT];
	const char *m = kb_ctx_errmsg(v->ctx);
	size_t n = strlen(v->target);
	if (strncmp(m, v->target, n) == 0 && m[n] == ':' && m[n + 1] == ' ')
		m += n + 2;
	snprintf(msg, sizeof msg, "%s", m);
	return broken(v, NULL, "%s", msg);
}

static int ends_with_ci(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

static int was_written(const verify *v, const char *name)
{
	for (size_t i = 0; i < v->nwritten; i++)
		if (strcasecmp(v->written[i], name) == 0)
			return 1;
	return 0;
}

/* ---- one XML part ---- */

static int undeclared(verify *v, const char *part, const xmlNode *n, const xmlChar *qname)
{
	const char *q = (const char *)qname;
	int plen = (int)(strchr(q, ':') - q);
	return broken(v, part, "navnerumspræfikset \"%.*s\" i \"%s\" er ikke erklæret (linje %ld)", plen, q, q,
	              xmlGetLineNo(n));
}

/* Each prefix mc:Ignorable names must be declared where it stands: Word refuses the document otherwise. */
static int check_ignorable(verify *v, const char *part, xmlDocPtr doc, xmlNodePtr n, const xmlChar *list)
{
	const char *p = (const char *)list;
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		if (!*p)
			return KB_OK;
		size_t len = strcspn(p, " \t\n\r");
		char prefix[128];
		snprintf(prefix, sizeof prefix, "%.*s", (int)len, p);
		if (!xmlSearchNs(doc, n, BAD_CAST prefix))
			return broken(v, part,
			              "mc:Ignorable nævner navnerumspræfikset \"%s\", som ikke er erklæret (linje %ld)",
			              prefix, xmlGetLineNo(n));
		p += len;
	}
}

/* Every element and attribute name with a prefix has a declared namespace: libxml2 keeps an undeclared one as a
 * plain name with a colon and no namespace. Walks the tree without recursion. */
static int check_prefixes(verify *v, const char *part, xmlDocPtr doc)
{
	xmlNodePtr root = xmlDocGetRootElement(doc);
	for (xmlNodePtr n = root; n;) {
		if (n->type == XML_ELEMENT_NODE) {
			if (!n->ns && strchr((const char *)n->name, ':'))
				return undeclared(v, part, n, n->name);
			for (xmlAttrPtr a = n->properties; a; a = a->next) {
				if (!a->ns && strchr((const char *)a->name, ':'))
					return undeclared(v, part, n, a->name);
				if (a->ns && xmlStrEqual(a->ns->href, BAD_CAST MC_NS) &&
				    xmlStrEqual(a->name, BAD_CAST "Ignorable")) {
					xmlChar *list = xmlNodeGetContent((xmlNodePtr)a);
					int rc = list ? check_ignorable(v, part, doc, n, list) : KB_OK;
					xmlFree(list);
					if (rc)
						return rc;
				}
			}
			if (n->children) {
				n = n->children;
				continue;
			}
		}
		while (n != root && !n->next)
			n = n->parent;
		n = n == root ? NULL : n->next;
	}
	return KB_OK;
}

/* Reads part back from the written package and checks it: UTF-8, well-formed, declared as UTF-8, prefixes declared.
 * *out is the parsed part; caller frees with xmlFreeDoc(). */
static int check_xml(xmlDocPtr *out, verify *v, const char *part)
{
	*out = NULL;
	char *data = NULL;
	size_t len = 0;
	xmlDocPtr doc = NULL;
	int rc = kb_package_read(&data, &len, v->out, v->ctx, part);
	if (rc) {
		rc = reader_failed(v, rc);
		goto done;
	}
	size_t bad = kb_utf8_invalid_at(data, len);
	if (bad < len) {
		size_t line = 1;
		for (size_t i = 0; i < bad; i++)
			line += data[i] == '\n';
		rc = broken(v, part, "ikke gyldig UTF-8 (linje %zu, byte %zu: 0x%02X)", line, bad,
		            (unsigned)(unsigned char)data[bad]);
		goto done;
	}
	if ((rc = kb_xml_parse(&doc, v->ctx, data, len, part))) {
		if (rc == KB_ENOMEM)
			goto done;
		/* the parser's message starts with the part name, which the internal error names already */
		const char *m = kb_ctx_errmsg(v->ctx);
		size_t n = strlen(part);
		if (strncmp(m, part, n) == 0 && (m[n] == ',' || m[n] == ':') && m[n + 1] == ' ')
			m += n + 2;
		char msg[MAX_WHAT];
		snprintf(msg, sizeof msg, "%s", m);
		rc = broken(v, part, "ikke velformet XML: %s", msg);
		goto done;
	}
	if (doc->encoding && strcasecmp((const char *)doc->encoding, "UTF-8") != 0) {
		rc = broken(v, part, "XML-erklæringen siger encoding=\"%s\", men delen er skrevet i UTF-8",
		            (const char *)doc->encoding);
		goto done;
	}
	if ((rc = check_prefixes(v, part, doc)))
		goto done;
	*out = doc;
	doc = NULL;
done:
	xmlFreeDoc(doc);
	free(data);
	return rc;
}

/* ---- relationships ---- */

/* The part a relationships part belongs to: "word/_rels/document.xml.rels" -> "word/document.xml",
 * "_rels/.rels" -> "" (the package). -1 when rels is not named like a relationships part. */
static int rels_source(char *out, size_t outsz, const char *rels)
{
	const char *slash = strrchr(rels, '/');
	const char *base = slash ? slash + 1 : rels;
	size_t dirlen = (size_t)(base - rels);
	if (dirlen < 6 || strncasecmp(base - 6, "_rels/", 6) != 0 || !ends_with_ci(base, ".rels"))
		return -1;
	size_t pre = dirlen - 6, blen = strlen(base) - 5;
	if (pre + blen >= outsz)
		return -1;
	memcpy(out, rels, pre);
	memcpy(out + pre, base, blen);
	out[pre + blen] = '\0';
	return 0;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* s with %XX escapes decoded (relationship targets are URIs). -1 when it does not fit or an escape is broken. */
static int percent_decode(char *out, size_t outsz, const char *s)
{
	size_t k = 0;
	for (; *s; s++) {
		if (k + 1 >= outsz)
			return -1;
		if (*s != '%') {
			out[k++] = *s;
			continue;
		}
		int hi = hex_digit(s[1]), lo = hi < 0 ? -1 : hex_digit(s[2]);
		if (lo < 0)
			return -1;
		out[k++] = (char)(hi * 16 + lo);
		s += 2;
	}
	out[k] = '\0';
	return 0;
}

/* 1 when target, resolved against source, names a part of pkg (as written, or with its %XX escapes decoded). */
static int target_exists(const kb_package *pkg, const char *source, const char *target)
{
	char name[MAX_NAME], decoded[MAX_NAME];
	if (!target[0] || kb_package_resolve_target(name, sizeof name, source, target) != 0 || !name[0])
		return 0;
	if (kb_package_has(pkg, name))
		return 1;
	return strchr(target, '%') && percent_decode(decoded, sizeof decoded, target) == 0 &&
	       kb_package_resolve_target(name, sizeof name, source, decoded) == 0 && name[0] &&
	       kb_package_has(pkg, name);
}

/* 1 when the input's relationships part rels has the same relationship (Id and Target) and the input lacks its
 * target as well: a dangling relationship the input came with, which Word tolerated there. */
static int inherited(verify *v, const char *rels, const char *source, const xmlChar *id, const xmlChar *target)
{
	xmlDocPtr doc = NULL;
	if (!kb_package_has(v->in, rels) || kb_package_parse(&doc, v->in, v->ctx, rels) != KB_OK)
		return 0;
	int same = 0;
	xmlNodePtr root = xmlDocGetRootElement(doc);
	for (xmlNodePtr r = root ? root->children : NULL; r && !same; r = r->next) {
		if (r->type != XML_ELEMENT_NODE || !xmlStrEqual(r->name, BAD_CAST "Relationship"))
			continue;
		xmlChar *rid = xmlGetNoNsProp(r, BAD_CAST "Id");
		xmlChar *rtarget = xmlGetNoNsProp(r, BAD_CAST "Target");
		same = xmlStrEqual(rid, id) && xmlStrEqual(rtarget, target);
		xmlFree(rid);
		xmlFree(rtarget);
	}
	xmlFreeDoc(doc);
	return same && !target_exists(v->in, source, target ? (const char *)target : "");
}

/* Every internal relationship of the relationships part rels points at a part the written package has. */
static int check_rels(verify *v, const char *rels, xmlDocPtr doc)
{
	char source[MAX_NAME];
	if (rels_source(source, sizeof source, rels) != 0)
		return KB_OK;
	xmlNodePtr root = xmlDocGetRootElement(doc);
	if (!root || !xmlStrEqual(root->name, BAD_CAST "Relationships"))
		return broken(v, rels, "roden er ikke <Relationships>");
	int rc = KB_OK;
	for (xmlNodePtr r = root->children; r && !rc; r = r->next) {
		if (r->type != XML_ELEMENT_NODE || !xmlStrEqual(r->name, BAD_CAST "Relationship"))
			continue;
		xmlChar *mode = xmlGetNoNsProp(r, BAD_CAST "TargetMode");
		xmlChar *target = xmlGetNoNsProp(r, BAD_CAST "Target");
		xmlChar *id = xmlGetNoNsProp(r, BAD_CAST "Id");
		int external = mode && xmlStrEqual(mode, BAD_CAST "External");
		if (!external && !(target && target_exists(v->out, source, (const char *)target)) &&
		    !inherited(v, rels, source, id, target))
			rc = broken(v, rels, "relationen %s peger på \"%s\", som ikke findes i dokumentet",
			            id ? (const char *)id : "(uden Id)", target ? (const char *)target : "");
		xmlFree(mode);
		xmlFree(target);
		xmlFree(id);
	}
	return rc;
}

/* ---- content types ---- */

/* 1 when types gives part a content type: an Override for "/<part>" or a Default for its extension. */
static int covers(xmlDocPtr types, const char *part)
{
	const char *slash = strrchr(part, '/');
	const char *dot = strrchr(slash ? slash + 1 : part, '.');
	xmlNodePtr root = types ? xmlDocGetRootElement(types) : NULL;
	for (xmlNodePtr c = root ? root->children : NULL; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		int found = 0;
		if (xmlStrEqual(c->name, BAD_CAST "Override")) {
			xmlChar *pn = xmlGetNoNsProp(c, BAD_CAST "PartName");
			found = pn && pn[0] == '/' && strcasecmp((const char *)pn + 1, part) == 0;
			xmlFree(pn);
		} else if (dot && xmlStrEqual(c->name, BAD_CAST "Default")) {
			xmlChar *ext = xmlGetNoNsProp(c, BAD_CAST "Extension");
			found = ext && strcasecmp((const char *)ext, dot + 1) == 0;
			xmlFree(ext);
		}
		if (found)
			return 1;
	}
	return 0;
}

/* 1 when the input had part without a content type too (so it is not ours to fix). */
static int input_lacks_type(verify *v, const char *part)
{
	if (!kb_package_has(v->in, part))
		return 0;
	if (!v->in_types_read) {
		v->in_types_read = 1;
		if (kb_package_parse(&v->in_types, v->in, v->ctx, CONTENT_TYPES) != KB_OK)
			v->in_types = NULL;
	}
	return !covers(v->in_types, part);
}

/* Every part of the written package has a content type. When [Content_Types].xml was not written, a part that was
 * not written either has what the input gave it, so only written parts are looked at. */
static int check_types(verify *v, xmlDocPtr types)
{
	xmlNodePtr root = xmlDocGetRootElement(types);
	if (!root || !xmlStrEqual(root->name, BAD_CAST "Types"))
		return broken(v, CONTENT_TYPES, "roden er ikke <Types>");
	int types_written = was_written(v, CONTENT_TYPES);
	size_t n = kb_package_entry_count(v->out);
	for (size_t i = 0; i < n; i++) {
		const char *name = kb_package_entry_name(v->out, i);
		if (!name || !name[0] || name[strlen(name) - 1] == '/' || strcasecmp(name, CONTENT_TYPES) == 0)
			continue;
		int ours = was_written(v, name);
		if ((!ours && !types_written) || covers(types, name) || (!ours && input_lacks_type(v, name)))
			continue;
		return broken(v, name,
		              "delen har ingen indholdstype i " CONTENT_TYPES
		              " (hverken en Default for endelsen eller en Override)");
	}
	return KB_OK;
}

/* ---- the whole package ---- */

static int is_xml_part(const char *name)
{
	return ends_with_ci(name, ".xml") || ends_with_ci(name, ".rels");
}

/* 1 when the written parts change which text parts the reader finds: the package's relationships, or those of
 * the main document. */
static int finds_other_parts(const verify *v)
{
	char rels[MAX_NAME];
	const char *main = kb_package_main_part(v->in);
	const char *slash = strrchr(main, '/');
	int dirlen = slash ? (int)(slash - main) + 1 : 0;
	if (snprintf(rels, sizeof rels, "%.*s_rels/%s.rels", dirlen, main, main + dirlen) >= (int)sizeof rels)
		return 1;
	return was_written(v, "_rels/.rels") || was_written(v, rels);
}

int kb_verify_written(kb_ctx *ctx, const void *data, size_t len, const char *target, const kb_package *input,
                      const char *const *written, size_t n)
{
	verify v = {.ctx = ctx, .target = target, .in = input, .written = written, .nwritten = n};
	xmlDocPtr doc = NULL, types = NULL;
	/* what klarbrev writes, klarbrev must read: the same reader, with the same limits; the text parts are found
	 * through the relationships again only when those were written */
	int rc = kb_package_open_memory(&v.out, ctx, target, data, len, finds_other_parts(&v) ? NULL : input);
	if (rc) {
		rc = reader_failed(&v, rc);
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		const char *name = written[i];
		if (!kb_package_has(v.out, name)) {
			rc = broken(&v, name, "delen mangler i det skrevne dokument");
			goto done;
		}
		if (!is_xml_part(name))
			continue;
		if ((rc = check_xml(&doc, &v, name)))
			goto done;
		if (ends_with_ci(name, ".rels") && (rc = check_rels(&v, name, doc)))
			goto done;
		if (strcasecmp(name, CONTENT_TYPES) == 0) {
			types = doc;
			doc = NULL;
		}
		xmlFreeDoc(doc);
		doc = NULL;
	}
	/* every part the copy has, the input had with the same [Content_Types].xml: nothing to look at */
	int added = 0;
	for (size_t i = 0; i < n && !added; i++)
		added = !kb_package_has(input, written[i]);
	if (!types && !added)
		goto done;
	if (!types && (rc = kb_package_parse(&types, v.out, ctx, CONTENT_TYPES))) {
		rc = reader_failed(&v, rc);
		goto done;
	}
	rc = check_types(&v, types);
done:
	xmlFreeDoc(doc);
	xmlFreeDoc(types);
	xmlFreeDoc(v.in_types);
	kb_package_free(v.out);
	return rc;
}
