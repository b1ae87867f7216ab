/*
 * package.c -- a DOCX file as a zip of XML parts: open it with limits, find its text parts through the
 * relationships, read and parse parts safely, serialise XML, and save a copy with some parts replaced.
 *
 * A package holds the file's bytes in memory, read once at open, and a table of its entries made at open. The table
 * answers every question about names and sizes without touching libzip, so it can be asked from many threads at
 * once. Reading an entry goes through one libzip archive over the bytes, which is not thread-safe: kb_package_read
 * holds the package's lock while it reads. A save opens an archive of its own over the same bytes (libzip's buffer
 * source only reads them), so saves of letters of one template run side by side without sharing a descriptor or a
 * lock.
 */
#include "package.h"
#include "outfile.h"
#include "verify.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <zip.h>
#include <zlib.h>

#define NOT_DOCX "er ikke et Word-dokument (.docx)"
/* KB_MAX_ZIP_RATIO applies to entries larger than this. Below it, an entry may compress as well as deflate can
 * (about 1000:1): a letter with a long run of one character is ordinary, and the size caps (KB_MAX_PART_BYTES,
 * KB_MAX_PACKAGE_BYTES) bound what a hostile file can make us decompress whatever the ratio. */
#define RATIO_FLOOR   (8u * 1024u * 1024u)
#define MAX_PART_NAME 1024 /* a relationship target that resolves to a longer name is ignored */
#define MAX_LABEL     8192 /* "file: part" labels used in messages */

/* What the central directory says of one entry, copied at open. */
typedef struct pkg_entry {
	char *name; /* as libzip gives it (UTF-8) */
	zip_uint64_t size, comp_size;
	zip_int32_t comp_method;
	time_t mtime;
	zip_uint8_t opsys;
	zip_uint32_t attributes; /* external attributes */
} pkg_entry;

struct kb_package {
	char *path;
	/* The bytes the zip was read from, for the package's life. Saving copies entries from them, so the copy holds
	 * exactly what was read even if someone replaces the file at path in between. */
	unsigned char *bytes;
	size_t nbytes;
	int owns_bytes;
	dev_t dev; /* the file's identity, so a save never overwrites it; have_id 0 for a package from memory */
	ino_t ino;
	int have_id;
	zip_t *zip;           /* reader over bytes: only under lock */
	pthread_mutex_t lock; /* guards zip and spare */
	/* Archives over bytes that saves copy entries from, each used by one save at a time: a save takes one (or opens
	 * one) and gives it back, so a template's saves do not each parse the central directory again. */
	zip_t **spare;
	size_t nspare, spare_cap;
	/* Deflate streams the same way: a stream's state is some 256 KB, which costs more to allocate, clear and give
	 * back to the system for each written part than the part costs to compress. */
	z_stream **spare_z;
	size_t nspare_z, spare_z_cap;
	pkg_entry *ents;
	size_t nents;
	kb_part_ref *parts;
	char **names; /* owned copies of the part names; parts[i].name == names[i] */
	size_t nparts, cap;
};

/* ---- zip errors ---- */

/* Fails with the message for a libzip error code met while opening path. magic holds the file's first bytes, which
 * tell a damaged zip from something that never was one. */
static int fail_open(kb_ctx *ctx, const char *path, int zerr, const unsigned char *magic, size_t nmagic)
{
	zip_error_t ze;
	zip_error_init_with_code(&ze, zerr);
	const char *why = zip_error_strerror(&ze);
	int rc;
	if (zerr == ZIP_ER_MEMORY) {
		rc = kb_ctx_fail(ctx, KB_ENOMEM, "%s: ikke nok hukommelse", path);
	} else if (zerr == ZIP_ER_NOZIP && nmagic >= 4 && memcmp(magic, "\xD0\xCF\x11\xE0", 4) == 0) {
		/* An OLE compound file: a Word 97-2003 .doc, or a .docx that Word encrypted with a password. */
		rc = kb_ctx_fail(ctx, KB_EINPUT,
		                 "%s " NOT_DOCX ": det er et gammelt Word-dokument (.doc) eller et med adgangskode; "
		                 "åbn det i Word, og gem det som .docx uden adgangskode",
		                 path);
	} else if (zerr == ZIP_ER_NOZIP && !(nmagic >= 2 && magic[0] == 'P' && magic[1] == 'K')) {
		rc = kb_ctx_fail(ctx, KB_EINPUT,
		                 "%s " NOT_DOCX ": filen er ikke et zip-arkiv; åbn den i Word, og gem den som .docx",
		                 path);
	} else if (zerr == ZIP_ER_MULTIDISK) {
		rc =
		    kb_ctx_fail(ctx, KB_EINPUT, "%s " NOT_DOCX ": zip-arkiver delt i flere filer kan ikke læses", path);
	} else if (zerr == ZIP_ER_NOZIP) {
		/* starts like a zip but has no central directory at its end: typically a download or copy cut short */
		rc = kb_ctx_fail(
		    ctx, KB_EINPUT,
		    "%s " NOT_DOCX
		    ": filen er beskadiget eller afkortet (slutningen af zip-arkivet mangler); hent eller kopiér "
		    "den igen",
		    path);
	} else {
		rc = kb_ctx_fail(ctx, KB_EINPUT, "%s " NOT_DOCX ": filen er beskadiget eller afkortet (zip: %s)", path,
		                 why);
	}
	zip_error_fini(&ze);
	return rc;
}

/* Fails with the message for a libzip error met while reading entry name. */
static int fail_entry(kb_ctx *ctx, const kb_package *pkg, const char *name, zip_error_t *ze)
{
	int code = zip_error_code_zip(ze);
	const char *why = zip_error_strerror(ze);
	switch (code) {
	case ZIP_ER_MEMORY: return kb_ctx_fail(ctx, KB_ENOMEM, "%s: %s: ikke nok hukommelse", pkg->path, name);
	case ZIP_ER_ENCRNOTSUPP:
	case ZIP_ER_NOPASSWD:
	case ZIP_ER_WRONGPASSWD:
		return kb_ctx_fail(ctx, KB_EINPUT, "%s: %s er krypteret; åbn filen i Word, og gem den uden adgangskode",
		                   pkg->path, name);
	case ZIP_ER_COMPNOTSUPP:
		return kb_ctx_fail(
		    ctx, KB_EINPUT,
		    "%s: %s er pakket på en måde, klarbrev ikke kan læse (zip: %s); åbn filen i Word, og gem den igen",
		    pkg->path, name, why);
	default:
		return kb_ctx_fail(ctx, KB_EINPUT, "%s: %s kan ikke læses; filen er beskadiget (zip: %s)", pkg->path,
		                   name, why);
	}
}

/* 1 when an entry of size bytes stored in comp bytes is over the ratio limit: size > comp * ratio, written so that
 * a hostile comp cannot overflow. The writer asks the same question of what it wrote (store_if_too_compressed). */
static int too_compressed(zip_uint64_t size, zip_uint64_t comp)
{
	return size > RATIO_FLOOR && (size - 1) / KB_MAX_ZIP_RATIO >= comp;
}

/* The limits on one entry, checked against the sizes its zip headers declare. Reading then never accepts more bytes
 * than declared, so these checks also bound what is really decompressed (see kb_package_read). */
static int check_sizes(kb_ctx *ctx, const char *path, const char *name, zip_uint64_t size, zip_uint64_t comp)
{
	if (size > KB_MAX_PART_BYTES)
		return kb_ctx_fail(ctx, KB_ELIMIT, "%s: %s fylder %llu byte udpakket, mere end grænsen på %u byte",
		                   path, name, (unsigned long long)size, KB_MAX_PART_BYTES);
	if (too_compressed(size, comp))
		return kb_ctx_fail(
		    ctx, KB_ELIMIT,
		    "%s: %s vokser fra %llu til %llu byte, mere end %u gange; afvist som en mulig zip-bombe", path,
		    name, (unsigned long long)comp, (unsigned long long)size, KB_MAX_ZIP_RATIO);
	return KB_OK;
}

/* The index of entry name in pkg, matched exactly or else ignoring case (OPC part names are case-insensitive);
 * -1 when absent. Reads only the entry table, so it needs no lock. */
static zip_int64_t locate(const kb_package *pkg, const char *name)
{
	for (size_t i = 0; i < pkg->nents; i++)
		if (strcmp(pkg->ents[i].name, name) == 0)
			return (zip_int64_t)i;
	for (size_t i = 0; i < pkg->nents; i++)
		if (strcasecmp(pkg->ents[i].name, name) == 0)
			return (zip_int64_t)i;
	return -1;
}

/* A read-only archive over len bytes at data, which stay the caller's and must outlive it. No consistency check:
 * the bytes were checked when the package was opened. On failure *zerr holds libzip's error code. */
static zip_t *open_bytes(const unsigned char *data, size_t len, int flags, int *zerr)
{
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
	zip_t *z = src ? zip_open_from_source(src, flags | ZIP_RDONLY, &ze) : NULL;
	if (!z) {
		*zerr = zip_error_code_zip(&ze);
		zip_source_free(src);
	}
	zip_error_fini(&ze);
	return z;
}

/* ---- opening ---- */

/* A file larger than this cannot be a package the reader accepts: its entries hold at most KB_MAX_PACKAGE_BYTES
 * (stored, or deflated, which grows incompressible data by well under 1 %), plus headers. */
#define MAX_FILE_BYTES ((size_t)KB_MAX_PACKAGE_BYTES + KB_MAX_PACKAGE_BYTES / 64u + (size_t)KB_MAX_ZIP_ENTRIES * 4096u)

/* Reads the file pkg->path into pkg->bytes and remembers its identity. */
static int read_file(kb_package *pkg, kb_ctx *ctx)
{
	const char *path = pkg->path;
	int rc = KB_OK;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return kb_ctx_fail(ctx, KB_ENOTFOUND, "%s: filen findes ikke", path);
		return kb_ctx_fail(ctx, KB_EINPUT, "%s: filen kan ikke åbnes: %s", path, kb_errno_text(errno));
	}
	struct stat st;
	if (fstat(fd, &st) != 0)
		rc = kb_ctx_fail(ctx, KB_EINPUT, "%s: filen kan ikke læses: %s", path, kb_errno_text(errno));
	else if (S_ISDIR(st.st_mode))
		rc = kb_ctx_fail(ctx, KB_EINPUT, "%s " NOT_DOCX ": det er en mappe", path);
	else if (!S_ISREG(st.st_mode))
		rc = kb_ctx_fail(ctx, KB_EINPUT, "%s " NOT_DOCX ": det er ikke en almindelig fil", path);
	else if (st.st_size == 0)
		rc = kb_ctx_fail(ctx, KB_EINPUT, "%s " NOT_DOCX ": filen er tom", path);
	else if ((uintmax_t)st.st_size > MAX_FILE_BYTES)
		rc = kb_ctx_fail(ctx, KB_ELIMIT, "%s: filen fylder %jd byte, mere end en .docx kan fylde (%zu byte)",
		                 path, (intmax_t)st.st_size, MAX_FILE_BYTES);
	else if (!(pkg->bytes = malloc((size_t)st.st_size)))
		rc = kb_ctx_fail(ctx, KB_ENOMEM, "%s: ikke nok hukommelse", path);
	if (rc)
		goto done;
	pkg->owns_bytes = 1;
	pkg->dev = st.st_dev;
	pkg->ino = st.st_ino;
	pkg->have_id = 1;
	/* read up to the size fstat gave; a file that shrinks meanwhile is read as far as it goes */
	while (pkg->nbytes < (size_t)st.st_size) {
		ssize_t got = pread(fd, pkg->bytes + pkg->nbytes, (size_t)st.st_size - pkg->nbytes, (off_t)pkg->nbytes);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			rc = kb_ctx_fail(ctx, KB_EINPUT, "%s: filen kan ikke læses: %s", path, kb_errno_text(errno));
			goto done;
		}
		if (got == 0)
			break;
		pkg->nbytes += (size_t)got;
	}
done:
	close(fd);
	return rc;
}

/* Opens the zip over pkg->bytes. check: libzip's consistency check (for a file from outside). */
static int open_zip(kb_package *pkg, kb_ctx *ctx, int check)
{
	int zerr = 0;
	pkg->zip = open_bytes(pkg->bytes, pkg->nbytes, check ? ZIP_CHECKCONS : 0, &zerr);
	if (!pkg->zip)
		return fail_open(ctx, pkg->path, zerr, pkg->bytes, pkg->nbytes < 4 ? pkg->nbytes : 4);
	return KB_OK;
}

/* Checks every entry before anything is read: count, encryption, and the declared sizes against the limits; and
 * makes the entry table. */
static int check_entries(kb_package *pkg, kb_ctx *ctx)
{
	zip_int64_t n = zip_get_num_entries(pkg->zip, 0);
	if (n < 0)
		return kb_ctx_fail(ctx, KB_EINPUT, "%s " NOT_DOCX ": filen er beskadiget", pkg->path);
	if ((zip_uint64_t)n > KB_MAX_ZIP_ENTRIES)
		return kb_ctx_fail(ctx, KB_ELIMIT, "%s: filen har %lld dele, mere end grænsen på %u", pkg->path,
		                   (long long)n, KB_MAX_ZIP_ENTRIES);
	if (n && !(pkg->ents = calloc((size_t)n, sizeof *pkg->ents)))
		return kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
	zip_uint64_t total = 0;
	for (zip_uint64_t i = 0; i < (zip_uint64_t)n; i++) {
		zip_stat_t st;
		zip_stat_init(&st);
		if (zip_stat_index(pkg->zip, i, 0, &st) != 0)
			return kb_ctx_fail(ctx, KB_EINPUT, "%s " NOT_DOCX ": filen er beskadiget (zip: %s)", pkg->path,
			                   zip_strerror(pkg->zip));
		const char *name = (st.valid & ZIP_STAT_NAME) && st.name ? st.name : "(del uden navn)";
		if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE)
			return kb_ctx_fail(ctx, KB_EINPUT,
			                   "%s: %s er krypteret; åbn filen i Word, og gem den uden adgangskode",
			                   pkg->path, name);
		if (!(st.valid & ZIP_STAT_SIZE) || !(st.valid & ZIP_STAT_COMP_SIZE))
			return kb_ctx_fail(ctx, KB_EINPUT,
			                   "%s " NOT_DOCX ": filen er beskadiget (%s har ingen størrelse)", pkg->path,
			                   name);
		int rc = check_sizes(ctx, pkg->path, name, st.size, st.comp_size);
		if (rc)
			return rc;
		pkg_entry *e = &pkg->ents[i];
		if (!(e->name = kb_strdup((st.valid & ZIP_STAT_NAME) && st.name ? st.name : "")))
			return kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
		pkg->nents = (size_t)i + 1;
		e->size = st.size;
		e->comp_size = st.comp_size;
		e->comp_method = (st.valid & ZIP_STAT_COMP_METHOD) ? (zip_int32_t)st.comp_method : ZIP_CM_DEFLATE;
		e->mtime = (st.valid & ZIP_STAT_MTIME) ? st.mtime : 0;
		if (zip_file_get_external_attributes(pkg->zip, i, 0, &e->opsys, &e->attributes) != 0) {
			e->opsys = ZIP_OPSYS_DEFAULT;
			e->attributes = 0;
		}
		/* no overflow: at most KB_MAX_ZIP_ENTRIES entries of at most KB_MAX_PART_BYTES each */
		total += st.size;
		if (total > KB_MAX_PACKAGE_BYTES)
			return kb_ctx_fail(ctx, KB_ELIMIT,
			                   "%s: filen fylder mere end %u byte udpakket; afvist som en mulig zip-bombe",
			                   pkg->path, KB_MAX_PACKAGE_BYTES);
	}
	return KB_OK;
}

/* Appends the package's part at zip index idx (once: a second relationship to the same part is ignored). */
static int add_part(kb_package *pkg, kb_ctx *ctx, zip_int64_t idx, kb_part_kind kind)
{
	const char *name = pkg->ents[idx].name;
	for (size_t i = 0; i < pkg->nparts; i++)
		if (strcmp(pkg->names[i], name) == 0)
			return KB_OK;
	if (pkg->nparts == pkg->cap) {
		size_t ncap = pkg->cap ? pkg->cap * 2 : 8;
		kb_part_ref *np = realloc(pkg->parts, ncap * sizeof *np);
		if (!np)
			return kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
		pkg->parts = np;
		char **nn = realloc(pkg->names, ncap * sizeof *nn);
		if (!nn)
			return kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
		pkg->names = nn;
		pkg->cap = ncap;
	}
	char *copy = kb_strdup(name);
	if (!copy)
		return kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
	pkg->names[pkg->nparts] = copy;
	pkg->parts[pkg->nparts].name = copy;
	pkg->parts[pkg->nparts].kind = kind;
	pkg->nparts++;
	return KB_OK;
}

/* Appends the '/'-separated segments s[0..n) to the part name out (len bytes so far), applying "." and "..".
 * Returns -1 when ".." climbs above the package root or the name does not fit. */
static int push_segments(char *out, size_t outsz, size_t *len, const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		size_t j = i;
		while (j < n && s[j] != '/')
			j++;
		const char *seg = s + i;
		size_t seglen = j - i;
		if (seglen == 0 || (seglen == 1 && seg[0] == '.')) {
			/* empty or "." segment: nothing */
		} else if (seglen == 2 && seg[0] == '.' && seg[1] == '.') {
			if (*len == 0)
				return -1;
			while (*len > 0 && out[*len - 1] != '/')
				(*len)--;
			if (*len > 0)
				(*len)--;
			out[*len] = '\0';
		} else {
			size_t need = *len + (*len ? 1 : 0) + seglen;
			if (need >= outsz)
				return -1;
			if (*len)
				out[(*len)++] = '/';
			memcpy(out + *len, seg, seglen);
			*len += seglen;
			out[*len] = '\0';
		}
		i = j + 1;
	}
	return 0;
}

int kb_package_resolve_target(char *out, size_t outsz, const char *source, const char *target)
{
	size_t len = 0;
	out[0] = '\0';
	if (target[0] != '/') {
		const char *slash = strrchr(source, '/');
		if (slash && push_segments(out, outsz, &len, source, (size_t)(slash - source)))
			return -1;
	}
	return push_segments(out, outsz, &len, target, strlen(target));
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

/* The zip index of the part that relationship element rel points to when its type ends with type_suffix; -1 when it
 * has another type, is external, or points to nothing in the zip (Word tolerates such dangling targets, so do we).
 * Transitional (schemas.openxmlformats.org) and strict (purl.oclc.org/ooxml) type URIs share their last segment. */
static zip_int64_t rel_part(const kb_package *pkg, xmlNodePtr rel, const char *source, const char *type_suffix)
{
	if (rel->type != XML_ELEMENT_NODE || !xmlStrEqual(rel->name, BAD_CAST "Relationship"))
		return -1;
	zip_int64_t idx = -1;
	xmlChar *type = xmlGetNoNsProp(rel, BAD_CAST "Type");
	xmlChar *target = xmlGetNoNsProp(rel, BAD_CAST "Target");
	xmlChar *mode = xmlGetNoNsProp(rel, BAD_CAST "TargetMode");
	char name[MAX_PART_NAME];
	if (type && target && ends_with((const char *)type, type_suffix) &&
	    !(mode && xmlStrEqual(mode, BAD_CAST "External")) &&
	    kb_package_resolve_target(name, sizeof name, source, (const char *)target) == 0 && name[0])
		idx = locate(pkg, name);
	xmlFree(type);
	xmlFree(target);
	xmlFree(mode);
	return idx;
}

/* The relationships part of part name: "word/document.xml" -> "word/_rels/document.xml.rels". */
static int rels_name(kb_buf *out, const char *part)
{
	const char *slash = strrchr(part, '/');
	const char *base = slash ? slash + 1 : part;
	int rc = kb_buf_add(out, part, (size_t)(base - part));
	if (!rc)
		rc = kb_buf_printf(out, "_rels/%s.rels", base);
	return rc;
}

/* Finds the main document through _rels/.rels, then its headers, footers, footnotes and endnotes through its own
 * relationships: by kind, each kind in the order its relationships are listed. */
static int find_parts(kb_package *pkg, kb_ctx *ctx)
{
	static const struct {
		const char *suffix;
		kb_part_kind kind;
	} kinds[] = {{"/header", KB_PART_HEADER},
	             {"/footer", KB_PART_FOOTER},
	             {"/footnotes", KB_PART_FOOTNOTE},
	             {"/endnotes", KB_PART_ENDNOTE}};
	xmlDocPtr rels = NULL;
	kb_buf name;
	kb_buf_init(&name, MAX_PART_NAME + 16);
	int rc = KB_OK;

	if (locate(pkg, "[Content_Types].xml") < 0) {
		rc = kb_ctx_fail(ctx, KB_EINPUT, "%s " NOT_DOCX ": [Content_Types].xml mangler", pkg->path);
		goto done;
	}
	if (locate(pkg, "_rels/.rels") < 0) {
		rc = kb_ctx_fail(ctx, KB_EINPUT, "%s " NOT_DOCX ": der er ingen hoveddel (_rels/.rels mangler)",
		                 pkg->path);
		goto done;
	}
	if ((rc = kb_package_parse(&rels, pkg, ctx, "_rels/.rels")))
		goto done;
	xmlNodePtr root = xmlDocGetRootElement(rels);
	for (xmlNodePtr r = root ? root->children : NULL; r; r = r->next) {
		zip_int64_t idx = rel_part(pkg, r, "", "/officeDocument");
		if (idx >= 0) {
			if ((rc = add_part(pkg, ctx, idx, KB_PART_BODY)))
				goto done;
			break;
		}
	}
	xmlFreeDoc(rels);
	rels = NULL;
	if (pkg->nparts == 0) {
		rc = kb_ctx_fail(ctx, KB_EINPUT, "%s " NOT_DOCX ": der er ingen hoveddel", pkg->path);
		goto done;
	}

	const char *main = pkg->names[0];
	if (rels_name(&name, main)) {
		rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
		goto done;
	}
	if (locate(pkg, name.data) < 0)
		goto done; /* a main document without relationships has no headers or notes */
	if ((rc = kb_package_parse(&rels, pkg, ctx, name.data)))
		goto done;
	root = xmlDocGetRootElement(rels);
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		for (xmlNodePtr r = root ? root->children : NULL; r; r = r->next) {
			zip_int64_t idx = rel_part(pkg, r, main, kinds[k].suffix);
			if (idx >= 0 && (rc = add_part(pkg, ctx, idx, kinds[k].kind)))
				goto done;
		}
	}
done:
	xmlFreeDoc(rels);
	kb_buf_free(&name);
	return rc;
}

/* A new package named path (for messages), with its lock. */
static kb_package *package_new(kb_ctx *ctx, const char *path)
{
	kb_package *pkg = calloc(1, sizeof *pkg);
	if (pkg && !(pkg->path = kb_strdup(path))) {
		free(pkg);
		pkg = NULL;
	}
	if (pkg && pthread_mutex_init(&pkg->lock, NULL) != 0) {
		free(pkg->path);
		free(pkg);
		pkg = NULL;
	}
	if (!pkg)
		kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
	xmlInitParser();
	return pkg;
}

/* The parts of like, when pkg has every one of them: for a copy whose relationships were copied unchanged, which
 * would find the same parts. 1 when taken. */
static int take_parts(kb_package *pkg, kb_ctx *ctx, const kb_package *like, int *rc)
{
	for (size_t i = 0; i < like->nparts; i++)
		if (locate(pkg, like->parts[i].name) < 0)
			return 0;
	for (size_t i = 0; i < like->nparts && !*rc; i++)
		*rc = add_part(pkg, ctx, locate(pkg, like->parts[i].name), like->parts[i].kind);
	return 1;
}

int kb_package_open(kb_package **out, kb_ctx *ctx, const char *path)
{
	*out = NULL;
	kb_package *pkg = package_new(ctx, path);
	if (!pkg)
		return KB_ENOMEM;
	int rc = read_file(pkg, ctx);
	if (!rc && !(rc = open_zip(pkg, ctx, 1)) && !(rc = check_entries(pkg, ctx)))
		rc = find_parts(pkg, ctx);
	if (rc) {
		kb_package_free(pkg);
		return rc;
	}
	*out = pkg;
	return KB_OK;
}

int kb_package_open_memory(kb_package **out, kb_ctx *ctx, const char *name, const void *data, size_t len,
                           const kb_package *like)
{
	*out = NULL;
	kb_package *pkg = package_new(ctx, name);
	if (!pkg)
		return KB_ENOMEM;
	pkg->bytes = (unsigned char *)data; /* borrowed, and only read */
	pkg->nbytes = len;
	int rc = open_zip(pkg, ctx, 1);
	if (!rc)
		rc = check_entries(pkg, ctx);
	if (!rc && !(like && take_parts(pkg, ctx, like, &rc)))
		rc = find_parts(pkg, ctx);
	if (rc) {
		kb_package_free(pkg);
		return rc;
	}
	*out = pkg;
	return KB_OK;
}

void kb_package_free(kb_package *pkg)
{
	if (!pkg)
		return;
	if (pkg->zip)
		zip_discard(pkg->zip);
	for (size_t i = 0; i < pkg->nspare; i++)
		zip_discard(pkg->spare[i]);
	free(pkg->spare);
	for (size_t i = 0; i < pkg->nspare_z; i++) {
		deflateEnd(pkg->spare_z[i]);
		free(pkg->spare_z[i]);
	}
	free(pkg->spare_z);
	pthread_mutex_destroy(&pkg->lock);
	if (pkg->owns_bytes)
		free(pkg->bytes);
	for (size_t i = 0; i < pkg->nents; i++)
		free(pkg->ents[i].name);
	free(pkg->ents);
	for (size_t i = 0; i < pkg->nparts; i++)
		free(pkg->names[i]);
	free(pkg->names);
	free(pkg->parts);
	free(pkg->path);
	free(pkg);
}

const char *kb_package_path(const kb_package *pkg)
{
	return pkg->path;
}

const kb_part_ref *kb_package_parts(const kb_package *pkg, size_t *count)
{
	*count = pkg->nparts;
	return pkg->parts;
}

const char *kb_package_main_part(const kb_package *pkg)
{
	/* open fails without a main part, so names[0] always exists */
	return pkg->names[0];
}

int kb_package_has(const kb_package *pkg, const char *name)
{
	return pkg && name && locate(pkg, name) >= 0;
}

size_t kb_package_entry_count(const kb_package *pkg)
{
	return pkg->nents;
}

const char *kb_package_entry_name(const kb_package *pkg, size_t i)
{
	return i < pkg->nents ? pkg->ents[i].name : NULL;
}

/* ---- reading ---- */

int kb_package_read(char **out, size_t *out_len, const kb_package *pkg, kb_ctx *ctx, const char *name)
{
	*out = NULL;
	if (out_len)
		*out_len = 0;
	zip_int64_t idx = locate(pkg, name);
	if (idx < 0)
		return kb_ctx_fail(ctx, KB_ENOTFOUND, "%s: %s: dokumentet har ingen sådan del", pkg->path, name);

	/* The declared size passed the limits at open. Never allocate by it, and refuse any byte beyond it: that bounds
	 * the real output by the per-entry, ratio and total limits whatever the compressed data holds. */
	zip_uint64_t size = pkg->ents[idx].size;
	zip_uint64_t cap = size < KB_MAX_PART_BYTES ? size : KB_MAX_PART_BYTES;
	kb_buf b;
	kb_buf_init(&b, (size_t)cap);
	int rc = KB_OK;
	pthread_mutex_t *lock = (pthread_mutex_t *)&pkg->lock; /* the lock is no part of the package's value */
	pthread_mutex_lock(lock);
	zip_file_t *zf = zip_fopen_index(pkg->zip, (zip_uint64_t)idx, 0);
	if (!zf) {
		rc = fail_entry(ctx, pkg, name, zip_get_error(pkg->zip));
		pthread_mutex_unlock(lock);
		return rc;
	}
	char chunk[16384];
	for (;;) {
		zip_int64_t got = zip_fread(zf, chunk, sizeof chunk);
		if (got < 0) {
			rc = fail_entry(ctx, pkg, name, zip_file_get_error(zf));
			break;
		}
		if (got == 0)
			break;
		int brc = kb_buf_add(&b, chunk, (size_t)got);
		if (brc == KB_ELIMIT) {
			rc = kb_ctx_fail(ctx, KB_ELIMIT,
			                 "%s: %s rummer flere data, end zip-hovedet siger (%llu byte); filen er "
			                 "beskadiget eller ondsindet",
			                 pkg->path, name, (unsigned long long)cap);
			break;
		}
		if (brc) {
			rc = kb_ctx_fail(ctx, KB_ENOMEM, "%s: %s: ikke nok hukommelse", pkg->path, name);
			break;
		}
	}
	zip_fclose(zf);
	pthread_mutex_unlock(lock);
	if (rc) {
		kb_buf_free(&b);
		return rc;
	}
	size_t len = b.len;
	*out = kb_buf_detach(&b);
	if (!*out)
		return kb_ctx_fail(ctx, KB_ENOMEM, "%s: %s: ikke nok hukommelse", pkg->path, name);
	if (out_len)
		*out_len = len;
	return KB_OK;
}

/* ---- XML ---- */

/* What a parse met: the first error, and whether the document declared an entity. */
typedef struct parse_state {
	int entity_decl;
	int entity_line;
	int have_error;
	int level;
	int code;
	int line;
	char msg[300];
} parse_state;

/* libxml2 reports every error here while a parse or serialisation runs (see quiet_begin), so nothing reaches
 * stderr. Keeps the first fatal error (or, until one comes, the first error): later ones are mostly consequences of
 * it, and a non-fatal one (an undeclared namespace prefix) does not explain why a parse failed. */
static void on_xml_error(void *data, xmlErrorPtr err)
{
	parse_state *ps = data;
	if (!ps || !err || err->level < XML_ERR_ERROR)
		return;
	if (ps->have_error && (ps->level == XML_ERR_FATAL || err->level != XML_ERR_FATAL))
		return;
	ps->have_error = 1;
	ps->level = err->level;
	ps->code = err->code;
	ps->line = err->line;
	snprintf(ps->msg, sizeof ps->msg, "%s", err->message ? err->message : "malformed XML");
	size_t n = strlen(ps->msg);
	while (n > 0 && (ps->msg[n - 1] == '\n' || ps->msg[n - 1] == '\r' || ps->msg[n - 1] == ' '))
		ps->msg[--n] = '\0';
}

/* The structured error handler is per thread in libxml2; it is set around each call and restored after, so other
 * users of libxml2 in the process keep theirs. Errors that libxml2 raises without a parser context (encoding
 * conversion, I/O) also go through it. */
typedef struct quiet_state {
	xmlStructuredErrorFunc fn;
	void *data;
} quiet_state;

static void quiet_begin(quiet_state *q, parse_state *ps)
{
	q->fn = xmlStructuredError;
	q->data = xmlStructuredErrorContext;
	xmlSetStructuredErrorFunc(ps, on_xml_error);
}

static void quiet_end(const quiet_state *q)
{
	xmlSetStructuredErrorFunc(q->data, q->fn);
}

/* An entity declaration stops the parse before any reference to it can be expanded. Word never declares entities;
 * a part that does is refused (billion laughs, external entities). */
static void on_entity_decl(void *ctx, const xmlChar *name, int type, const xmlChar *public_id, const xmlChar *system_id,
                           xmlChar *content)
{
	(void)name, (void)type, (void)public_id, (void)system_id, (void)content;
	xmlParserCtxtPtr pc = ctx;
	parse_state *ps = pc->_private;
	if (!ps->entity_decl) {
		ps->entity_decl = 1;
		ps->entity_line = pc->input ? pc->input->line : 0;
	}
	xmlStopParser(pc);
}

static void on_unparsed_entity_decl(void *ctx, const xmlChar *name, const xmlChar *public_id, const xmlChar *system_id,
                                    const xmlChar *notation)
{
	(void)notation;
	on_entity_decl(ctx, name, XML_EXTERNAL_GENERAL_UNPARSED_ENTITY, public_id, system_id, NULL);
}

int kb_xml_parse(xmlDocPtr *out, kb_ctx *ctx, const char *data, size_t len, const char *name)
{
	*out = NULL;
	if (len > KB_MAX_PART_BYTES)
		return kb_ctx_fail(ctx, KB_ELIMIT, "%s: %zu byte XML, mere end grænsen på %u byte", name, len,
		                   KB_MAX_PART_BYTES);
	xmlInitParser();
	parse_state ps;
	memset(&ps, 0, sizeof ps);
	quiet_state q;
	quiet_begin(&q, &ps);
	xmlDocPtr doc = NULL;
	int rc = KB_OK;
	xmlParserCtxtPtr pc = xmlNewParserCtxt();
	if (!pc) {
		rc = kb_ctx_fail(ctx, KB_ENOMEM, "%s: ikke nok hukommelse", name);
		goto done;
	}
	pc->_private = &ps;
	pc->sax->entityDecl = on_entity_decl;
	pc->sax->unparsedEntityDecl = on_unparsed_entity_decl;
	/* No XML_PARSE_NOENT (entity substitution), no XML_PARSE_DTDLOAD, no XML_PARSE_HUGE (keeps libxml2's own depth
	 * and text-size limits); no network. Whitespace is kept: Word's xml:space="preserve" text depends on it. */
	int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;
	doc = xmlCtxtReadMemory(pc, len ? data : "", (int)len, NULL, NULL, opts);
	if (ps.entity_decl) {
		rc = kb_ctx_fail(
		    ctx, KB_EINPUT,
		    "%s, linje %d: XML'en erklærer entiteter (<!ENTITY> i en DOCTYPE), som Word aldrig skriver; "
		    "afvist af sikkerhedshensyn",
		    name, ps.entity_line);
	} else if (!doc || !pc->wellFormed) {
		if (ps.code == XML_ERR_NO_MEMORY)
			rc = kb_ctx_fail(ctx, KB_ENOMEM, "%s: ikke nok hukommelse", name);
		else if (ps.have_error && ps.line > 0)
			rc = kb_ctx_fail(ctx, KB_EINPUT, "%s, linje %d: ugyldig XML (%s)", name, ps.line, ps.msg);
		else if (ps.have_error) /* encoding errors come without a line */
			rc = kb_ctx_fail(ctx, KB_EINPUT, "%s: ugyldig XML (%s)", name, ps.msg);
		else
			rc = kb_ctx_fail(ctx, KB_EINPUT, "%s: ugyldig XML", name);
	}
done:
	if (rc) {
		xmlFreeDoc(doc);
		doc = NULL;
	}
	xmlFreeParserCtxt(pc);
	quiet_end(&q);
	*out = doc;
	return rc;
}

int kb_package_parse(xmlDocPtr *out, const kb_package *pkg, kb_ctx *ctx, const char *name)
{
	*out = NULL;
	char *data = NULL;
	size_t len = 0;
	kb_buf label;
	kb_buf_init(&label, MAX_LABEL);
	int rc = kb_package_read(&data, &len, pkg, ctx, name);
	if (rc)
		goto done;
	/* messages name file and part; should that label not fit, the part name alone still says where */
	const char *shown = kb_buf_printf(&label, "%s: %s", pkg->path, name) == KB_OK ? label.data : name;
	rc = kb_xml_parse(out, ctx, data, len, shown);
done:
	free(data);
	kb_buf_free(&label);
	return rc;
}

int kb_xml_serialize(char **out, size_t *out_len, kb_ctx *ctx, xmlDocPtr doc)
{
	*out = NULL;
	if (out_len)
		*out_len = 0;
	parse_state ps;
	memset(&ps, 0, sizeof ps);
	quiet_state q;
	quiet_begin(&q, &ps);
	xmlChar *mem = NULL;
	int size = 0;
	/* Word writes standalone="yes" in every part; libxml2 writes it when doc->standalone is 1. */
	int standalone = doc->standalone;
	doc->standalone = 1;
	xmlDocDumpMemoryEnc(doc, &mem, &size, "UTF-8");
	doc->standalone = standalone;
	quiet_end(&q);
	int rc = KB_OK;
	if (!mem || size < 0) {
		rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse til at skrive XML%s%s", ps.have_error ? ": " : "",
		                 ps.msg);
		goto done;
	}
	/* a part we write must be one we can read back */
	if ((size_t)size > KB_MAX_PART_BYTES) {
		rc = kb_ctx_fail(ctx, KB_ELIMIT, "XML'en fylder %d byte, mere end grænsen på %u byte for én del", size,
		                 KB_MAX_PART_BYTES);
		goto done;
	}
	*out = kb_strndup((const char *)mem, (size_t)size);
	if (!*out) {
		rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse til at skrive XML");
		goto done;
	}
	if (out_len)
		*out_len = (size_t)size;
done:
	xmlFree(mem);
	return rc;
}

/* ---- relationships ---- */

#define CT_NS             "http://schemas.openxmlformats.org/package/2006/content-types"
#define REL_NS            "http://schemas.openxmlformats.org/package/2006/relationships"
#define RELS_CONTENT_TYPE "application/vnd.openxmlformats-package.relationships+xml"

int kb_package_related(char **out, const kb_package *pkg, kb_ctx *ctx, const char *source, const char *type_suffix)
{
	*out = NULL;
	xmlDocPtr rels = NULL;
	kb_buf name;
	kb_buf_init(&name, MAX_PART_NAME + 16);
	int rc = KB_OK;
	if (rels_name(&name, source)) {
		rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
		goto done;
	}
	if (locate(pkg, name.data) < 0) {
		rc = kb_ctx_fail(ctx, KB_ENOTFOUND, "%s: %s har ingen relationer", pkg->path, source);
		goto done;
	}
	if ((rc = kb_package_parse(&rels, pkg, ctx, name.data)))
		goto done;
	xmlNodePtr root = xmlDocGetRootElement(rels);
	for (xmlNodePtr r = root ? root->children : NULL; r; r = r->next) {
		zip_int64_t idx = rel_part(pkg, r, source, type_suffix);
		const char *found = idx >= 0 ? pkg->ents[idx].name : NULL;
		if (found) {
			if (!(*out = kb_strdup(found)))
				rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
			goto done;
		}
	}
	rc = kb_ctx_fail(ctx, KB_ENOTFOUND, "%s: %s har ingen relation af typen …%s", pkg->path, source, type_suffix);
done:
	xmlFreeDoc(rels);
	kb_buf_free(&name);
	return rc;
}

/* ---- saving ---- */

/* A name a new part may have: relative to the package root, '/'-separated, no empty, "." or ".." segment, no
 * backslash, and short enough to resolve as a relationship target. */
static int valid_new_name(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n >= MAX_PART_NAME || strchr(name, '\\'))
		return 0;
	const char *seg = name;
	for (;;) {
		const char *end = strchr(seg, '/');
		size_t len = end ? (size_t)(end - seg) : strlen(seg);
		if (len == 0 || (len == 1 && seg[0] == '.') || (len == 2 && seg[0] == '.' && seg[1] == '.'))
			return 0;
		if (!end)
			return 1;
		seg = end + 1;
	}
}

/* Checks the entries before anything is written: names exist (to replace) or are new and well-formed with a content
 * type, an existing source part and a relationship type (to add); each name once. */
static int check_entries_to_write(const kb_package *pkg, kb_ctx *ctx, const char *path, const kb_package_entry *e,
                                  size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!e[i].name || !e[i].name[0] || (!e[i].data && e[i].len))
			return kb_ctx_fail(ctx, KB_EUSAGE, "%s: del %zu har intet navn eller ingen data", path, i);
		if (e[i].len > KB_MAX_PART_BYTES)
			return kb_ctx_fail(ctx, KB_ELIMIT, "%s: %s fylder %zu byte, mere end grænsen på %u byte", path,
			                   e[i].name, e[i].len, KB_MAX_PART_BYTES);
		int adds = e[i].content_type || e[i].source || e[i].rel_type;
		if (locate(pkg, e[i].name) >= 0) {
			if (adds)
				return kb_ctx_fail(ctx, KB_EUSAGE, "%s: %s kan ikke tilføjes: %s har allerede den del",
				                   path, e[i].name, pkg->path);
		} else if (!adds) {
			return kb_ctx_fail(ctx, KB_EUSAGE, "%s: %s kan ikke erstattes: %s har ingen sådan del", path,
			                   e[i].name, pkg->path);
		} else if (!e[i].content_type || !e[i].source || !e[i].rel_type || !valid_new_name(e[i].name)) {
			return kb_ctx_fail(ctx, KB_EUSAGE,
			                   "%s: %s kan ikke tilføjes: en ny del skal have et gyldigt navn, en "
			                   "indholdstype, en kildedel "
			                   "og en relationstype",
			                   path, e[i].name);
		} else if (locate(pkg, e[i].source) < 0) {
			return kb_ctx_fail(ctx, KB_EUSAGE,
			                   "%s: %s kan ikke tilføjes: %s har ingen del %s at knytte den til", path,
			                   e[i].name, pkg->path, e[i].source);
		}
		for (size_t j = 0; j < i; j++)
			if (strcasecmp(e[j].name, e[i].name) == 0)
				return kb_ctx_fail(ctx, KB_EUSAGE, "%s: %s skrives to gange", path, e[i].name);
	}
	return KB_OK;
}

/* What a save writes: the caller's entries, and the [Content_Types].xml and relationship parts that adding parts
 * changes. Buffers made here are owned (owned[i] is freed); the caller's are borrowed. */
typedef struct write_plan {
	kb_package_entry *items;
	char **owned;
	size_t n, cap;
} write_plan;

static void plan_free(write_plan *wp)
{
	for (size_t i = 0; i < wp->n; i++)
		free(wp->owned[i]);
	free(wp->owned);
	free(wp->items);
}

static kb_package_entry *plan_find(write_plan *wp, const char *name)
{
	for (size_t i = 0; i < wp->n; i++)
		if (strcasecmp(wp->items[i].name, name) == 0)
			return &wp->items[i];
	return NULL;
}

/* Sets name's bytes to data (owned from now on, also on failure): replaces an entry of the plan or appends one. */
static int plan_put(write_plan *wp, const char *name, char *data, size_t len)
{
	kb_package_entry *e = plan_find(wp, name);
	if (e) {
		size_t i = (size_t)(e - wp->items);
		free(wp->owned[i]);
		wp->owned[i] = data;
		e->data = data;
		e->len = len;
		return KB_OK;
	}
	if (wp->n == wp->cap) {
		size_t ncap = wp->cap ? wp->cap * 2 : 8;
		kb_package_entry *ni = realloc(wp->items, ncap * sizeof *ni);
		if (ni)
			wp->items = ni;
		char **no = ni ? realloc(wp->owned, ncap * sizeof *no) : NULL;
		if (!no) {
			free(data);
			return KB_ENOMEM;
		}
		wp->owned = no;
		wp->cap = ncap;
	}
	wp->items[wp->n] = (kb_package_entry){.name = name, .data = data, .len = len};
	wp->owned[wp->n] = data;
	wp->n++;
	return KB_OK;
}

/* Parses the current bytes of entry name: the plan's when it has them, else the package's. */
static int plan_parse(xmlDocPtr *out, write_plan *wp, const kb_package *pkg, kb_ctx *ctx, const char *name)
{
	kb_package_entry *e = plan_find(wp, name);
	if (!e)
		return kb_package_parse(out, pkg, ctx, name);
	kb_buf label;
	kb_buf_init(&label, MAX_LABEL);
	const char *shown = kb_buf_printf(&label, "%s: %s", pkg->path, name) == KB_OK ? label.data : name;
	int rc = kb_xml_parse(out, ctx, e->data, e->len, shown);
	kb_buf_free(&label);
	return rc;
}

static int plan_serialize(write_plan *wp, kb_ctx *ctx, const char *name, xmlDocPtr doc)
{
	char *data = NULL;
	size_t len = 0;
	int rc = kb_xml_serialize(&data, &len, ctx, doc);
	if (!rc && plan_put(wp, name, data, len))
		rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
	return rc;
}

/* 1 when element n has the local name and its attribute attr equals value, ignoring case. */
static int elem_attr_is(const xmlNode *n, const char *local, const char *attr, const char *value)
{
	if (n->type != XML_ELEMENT_NODE || !xmlStrEqual(n->name, BAD_CAST local))
		return 0;
	xmlChar *v = xmlGetNoNsProp(n, BAD_CAST attr);
	int same = v && strcasecmp((const char *)v, value) == 0;
	xmlFree(v);
	return same;
}

/* Adds to the relationships of e->source one of type e->rel_type to e->name, with an Id the part does not use yet.
 * Makes the relationships part when the source has none; *made_rels is then set. */
static int add_relationship(write_plan *wp, const kb_package *pkg, kb_ctx *ctx, const kb_package_entry *e,
                            char **rels_out, int *made_rels)
{
	xmlDocPtr doc = NULL;
	kb_buf rels, target, id;
	kb_buf_init(&rels, MAX_PART_NAME + 16);
	kb_buf_init(&target, MAX_PART_NAME + 2);
	kb_buf_init(&id, 32);
	int rc = KB_OK;
	if (rels_name(&rels, e->source)) {
		rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
		goto done;
	}
	if (plan_find(wp, rels.data) || locate(pkg, rels.data) >= 0) {
		if ((rc = plan_parse(&doc, wp, pkg, ctx, rels.data)))
			goto done;
	} else {
		*made_rels = 1;
		doc = xmlNewDoc(BAD_CAST "1.0");
		xmlNodePtr root = doc ? xmlNewDocNode(doc, NULL, BAD_CAST "Relationships", NULL) : NULL;
		if (!root || !xmlNewNs(root, BAD_CAST REL_NS, NULL)) {
			xmlFreeNode(root);
			rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
			goto done;
		}
		xmlSetNs(root, root->nsDef);
		xmlDocSetRootElement(doc, root);
	}
	xmlNodePtr root = xmlDocGetRootElement(doc);
	if (!root || !xmlStrEqual(root->name, BAD_CAST "Relationships")) {
		rc = kb_ctx_fail(ctx, KB_EINPUT, "%s: %s er ikke en relationsdel", pkg->path, rels.data);
		goto done;
	}
	/* the target relative to the source's folder when it lies below it, else from the package root */
	const char *slash = strrchr(e->source, '/');
	size_t dirlen = slash ? (size_t)(slash - e->source) + 1 : 0;
	if (strncmp(e->name, e->source, dirlen) == 0)
		rc = kb_buf_adds(&target, e->name + dirlen);
	else
		rc = kb_buf_printf(&target, "/%s", e->name);
	/* a fresh Id: rId<N> for the first N from the count of relationships up that no relationship uses */
	size_t count = 0;
	for (xmlNodePtr r = root->children; r; r = r->next)
		count += r->type == XML_ELEMENT_NODE;
	for (size_t k = count + 1; !rc; k++) {
		id.len = 0;
		if ((rc = kb_buf_printf(&id, "rId%zu", k)))
			break;
		int used = 0;
		for (xmlNodePtr r = root->children; r && !used; r = r->next)
			used = elem_attr_is(r, "Relationship", "Id", id.data);
		if (!used)
			break;
	}
	xmlNodePtr rel = rc ? NULL : xmlNewChild(root, root->ns, BAD_CAST "Relationship", NULL);
	if (!rel || !xmlNewProp(rel, BAD_CAST "Id", BAD_CAST id.data) ||
	    !xmlNewProp(rel, BAD_CAST "Type", BAD_CAST e->rel_type) ||
	    !xmlNewProp(rel, BAD_CAST "Target", BAD_CAST target.data)) {
		rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
		goto done;
	}
	if ((rc = plan_serialize(wp, ctx, rels.data, doc)))
		goto done;
	*rels_out = kb_buf_detach(&rels);
	if (!*rels_out)
		rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
done:
	xmlFreeDoc(doc);
	kb_buf_free(&rels);
	kb_buf_free(&target);
	kb_buf_free(&id);
	return rc;
}

/* Declares the content type of each new part in [Content_Types].xml (an Override), and the one of relationship
 * parts (a Default for "rels") when a new relationships part was made and the file has no such Default. */
static int add_content_types(write_plan *wp, const kb_package *pkg, kb_ctx *ctx, const kb_package_entry *e, size_t n,
                             int made_rels)
{
	static const char *ct = "[Content_Types].xml";
	xmlDocPtr doc = NULL;
	kb_buf part;
	kb_buf_init(&part, MAX_PART_NAME + 2);
	int rc = plan_parse(&doc, wp, pkg, ctx, ct);
	if (rc)
		goto done;
	xmlNodePtr root = xmlDocGetRootElement(doc);
	if (!root || !xmlStrEqual(root->name, BAD_CAST "Types")) {
		rc = kb_ctx_fail(ctx, KB_EINPUT, "%s: %s har intet <Types>-element", pkg->path, ct);
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		if (!e[i].content_type)
			continue;
		part.len = 0;
		if (kb_buf_printf(&part, "/%s", e[i].name)) {
			rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
			goto done;
		}
		xmlNodePtr ov = NULL;
		for (xmlNodePtr c = root->children; c && !ov; c = c->next)
			if (elem_attr_is(c, "Override", "PartName", part.data))
				ov = c;
		if (!ov && (ov = xmlNewChild(root, root->ns, BAD_CAST "Override", NULL)) &&
		    !xmlSetProp(ov, BAD_CAST "PartName", BAD_CAST part.data))
			ov = NULL;
		if (!ov || !xmlSetProp(ov, BAD_CAST "ContentType", BAD_CAST e[i].content_type)) {
			rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
			goto done;
		}
	}
	int have_rels = 0;
	for (xmlNodePtr c = root->children; c && !have_rels; c = c->next)
		have_rels = elem_attr_is(c, "Default", "Extension", "rels");
	if (made_rels && !have_rels) {
		/* Defaults come before Overrides in the files Word writes; keep that order */
		xmlNodePtr d = xmlNewDocNode(doc, root->ns, BAD_CAST "Default", NULL);
		if (!d || !xmlSetProp(d, BAD_CAST "Extension", BAD_CAST "rels") ||
		    !xmlSetProp(d, BAD_CAST "ContentType", BAD_CAST RELS_CONTENT_TYPE)) {
			xmlFreeNode(d);
			rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
			goto done;
		}
		if (root->children)
			xmlAddPrevSibling(root->children, d);
		else
			xmlAddChild(root, d);
	}
	rc = plan_serialize(wp, ctx, ct, doc);
done:
	xmlFreeDoc(doc);
	kb_buf_free(&part);
	return rc;
}

/* ---- the test hook ---- */

static char test_damage_part[MAX_PART_NAME];

void kb_package_test_damage(const char *part)
{
	snprintf(test_damage_part, sizeof test_damage_part, "%s", part ? part : "");
}

/* What the test hook does to a part: an element with an undeclared prefix holding a byte that is not UTF-8, before
 * the last end tag (or at the end when there is none). A part the save would copy is written damaged, so that every
 * save of a package that has the part is refused. */
static int damage(write_plan *wp, const kb_package *pkg, kb_ctx *ctx)
{
	if (!test_damage_part[0] || (!plan_find(wp, test_damage_part) && locate(pkg, test_damage_part) < 0))
		return KB_OK;
	if (!plan_find(wp, test_damage_part)) {
		char *orig = NULL;
		size_t olen = 0;
		int rc = kb_package_read(&orig, &olen, pkg, ctx, test_damage_part);
		/* the name is the hook's own static copy, which outlives the plan */
		if (rc || (rc = plan_put(wp, test_damage_part, orig, olen)))
			return rc == KB_ENOMEM ? kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse") : rc;
	}
	kb_package_entry *e = plan_find(wp, test_damage_part);
	static const char junk[] = "<ns0:p>\xC3\x28</ns0:p>";
	size_t at = e->len;
	for (size_t i = e->len; i >= 2; i--)
		if (e->data[i - 2] == '<' && e->data[i - 1] == '/') {
			at = i - 2;
			break;
		}
	kb_buf b;
	kb_buf_init(&b, e->len + sizeof junk);
	if ((at && kb_buf_add(&b, e->data, at)) || kb_buf_adds(&b, junk) ||
	    (at < e->len && kb_buf_add(&b, e->data + at, e->len - at))) {
		kb_buf_free(&b);
		return kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
	}
	size_t len = b.len;
	char *data = kb_buf_detach(&b);
	if (!data || plan_put(wp, e->name, data, len))
		return kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
	return KB_OK;
}

/* ---- writing the zip ---- */

/* The deflate level of the parts a save writes; Word reads any level. With a deflate stream that is reset, not made,
 * for each part (below), deflating a letter's written parts costs some 70 µs at level 6 and 40 µs at level 1, for 8 %
 * more bytes (bench/render_save): a few per cent of a save, so the default level stays. */
#define WRITE_LEVEL 6

/* A written part, deflated by us. libzip would make a new deflate stream for each part, and its 256 KB of state
 * costs more to allocate, clear and give back to the system than a letter's few kilobytes cost to compress
 * (bench/render_save); here a stream is taken from the package's spares and reset. libzip takes the bytes as they
 * are: the source's stat declares them deflated, with the size and CRC of the part (zip_source_function(3)). */
typedef struct deflated {
	unsigned char *data;
	size_t len, pos;
	zip_uint64_t size; /* of the part */
	zip_uint32_t crc;
	time_t mtime;
	zip_error_t error;
} deflated;

/* A deflate stream (raw, WRITE_LEVEL) for one save: a spare one, or a new one. NULL when out of memory. */
static z_stream *take_deflater(const kb_package *pkg)
{
	kb_package *p = (kb_package *)pkg; /* the spares are no part of the package's value */
	z_stream *zs = NULL;
	pthread_mutex_lock(&p->lock);
	if (p->nspare_z)
		zs = p->spare_z[--p->nspare_z];
	pthread_mutex_unlock(&p->lock);
	if (zs)
		return zs;
	if (!(zs = calloc(1, sizeof *zs)))
		return NULL;
	if (deflateInit2(zs, WRITE_LEVEL, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
		free(zs);
		return NULL;
	}
	return zs;
}

/* Gives zs back after a save (or ends it when it cannot be kept). */
static void give_deflater(const kb_package *pkg, z_stream *zs)
{
	kb_package *p = (kb_package *)pkg;
	if (!zs)
		return;
	pthread_mutex_lock(&p->lock);
	if (p->nspare_z == p->spare_z_cap) {
		size_t ncap = p->spare_z_cap ? p->spare_z_cap * 2 : 4;
		z_stream **ns = realloc(p->spare_z, ncap * sizeof *ns);
		if (ns) {
			p->spare_z = ns;
			p->spare_z_cap = ncap;
		}
	}
	if (p->nspare_z < p->spare_z_cap) {
		p->spare_z[p->nspare_z++] = zs;
		zs = NULL;
	}
	pthread_mutex_unlock(&p->lock);
	if (zs) {
		deflateEnd(zs);
		free(zs);
	}
}

/* Deflates data[0..len) into d with the stream zs (NULL: none could be had). KB_ENOMEM only. */
static int deflate_part(deflated *d, z_stream *zs, const char *data, size_t len, time_t mtime)
{
	memset(d, 0, sizeof *d);
	zip_error_init(&d->error);
	d->size = len;
	d->mtime = mtime;
	d->crc = (zip_uint32_t)crc32(crc32(0L, Z_NULL, 0), (const Bytef *)data, (uInt)len);
	if (!zs || deflateReset(zs) != Z_OK)
		return KB_ENOMEM;
	size_t cap = deflateBound(zs, (uLong)len);
	if (!(d->data = malloc(cap ? cap : 1)))
		return KB_ENOMEM;
	zs->next_in = (Bytef *)data;
	zs->avail_in = (uInt)len;
	zs->next_out = d->data;
	zs->avail_out = (uInt)cap;
	if (deflate(zs, Z_FINISH) != Z_STREAM_END) {
		free(d->data);
		d->data = NULL;
		return KB_ENOMEM;
	}
	d->len = cap - zs->avail_out;
	return KB_OK;
}

static zip_int64_t deflated_cb(void *ud, void *data, zip_uint64_t len, zip_source_cmd_t cmd)
{
	deflated *d = ud;
	switch (cmd) {
	case ZIP_SOURCE_OPEN: d->pos = 0; return 0;
	case ZIP_SOURCE_READ: {
		size_t n = d->len - d->pos < len ? d->len - d->pos : (size_t)len;
		memcpy(data, d->data + d->pos, n);
		d->pos += n;
		return (zip_int64_t)n;
	}
	case ZIP_SOURCE_CLOSE: return 0;
	case ZIP_SOURCE_STAT: {
		zip_stat_t *st = data;
		zip_stat_init(st);
		st->valid = ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE | ZIP_STAT_COMP_METHOD | ZIP_STAT_CRC | ZIP_STAT_MTIME;
		st->size = d->size;
		st->comp_size = d->len;
		st->comp_method = ZIP_CM_DEFLATE;
		st->crc = d->crc;
		st->mtime = d->mtime;
		return sizeof *st;
	}
	case ZIP_SOURCE_ERROR: return zip_error_to_data(&d->error, data, len);
	case ZIP_SOURCE_FREE: return 0; /* d belongs to build_zip */
	case ZIP_SOURCE_SUPPORTS:
		return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE, ZIP_SOURCE_STAT,
		                                      ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE, -1);
	default: zip_error_set(&d->error, ZIP_ER_OPNOTSUPP, 0); return -1;
	}
}

/* The source of written part k for the copy za: its bytes stored as they are (store[k]), or deflated here with the
 * stream *zs (taken from the package's spares when first needed). NULL on failure (add_entry says why). */
static zip_source_t *written_source(zip_t *za, const kb_package *pkg, const write_plan *wp, const unsigned char *store,
                                    deflated *defl, z_stream **zs, size_t k, time_t mtime)
{
	if (store && store[k])
		return zip_source_buffer(za, wp->items[k].data, wp->items[k].len, 0);
	if (!*zs)
		*zs = take_deflater(pkg);
	if (deflate_part(&defl[k], *zs, wp->items[k].data, wp->items[k].len, mtime)) {
		zip_error_set(zip_get_error(za), ZIP_ER_MEMORY, 0);
		return NULL;
	}
	return zip_source_function(za, deflated_cb, &defl[k]);
}

/* The reader refuses a package with more entries or more bytes than its limits; a copy that would be one is refused
 * before anything is written (KB_ELIMIT), rather than written and then found unreadable. */
static int check_copy_limits(const kb_package *pkg, kb_ctx *ctx, const char *path, const write_plan *wp)
{
	zip_uint64_t total = 0, count = pkg->nents;
	for (size_t i = 0; i < pkg->nents; i++)
		if (!plan_find((write_plan *)wp, pkg->ents[i].name))
			total += pkg->ents[i].size;
	for (size_t k = 0; k < wp->n; k++) {
		total += wp->items[k].len;
		count += locate(pkg, wp->items[k].name) < 0;
	}
	if (count > KB_MAX_ZIP_ENTRIES)
		return kb_ctx_fail(ctx, KB_ELIMIT, "%s: kopien ville få %llu dele, mere end grænsen på %u", path,
		                   (unsigned long long)count, KB_MAX_ZIP_ENTRIES);
	if (total > KB_MAX_PACKAGE_BYTES)
		return kb_ctx_fail(ctx, KB_ELIMIT,
		                   "%s: kopien ville fylde %llu byte udpakket, mere end grænsen på %u byte", path,
		                   (unsigned long long)total, KB_MAX_PACKAGE_BYTES);
	return KB_OK;
}

static int zip_failed(kb_ctx *ctx, const char *path, const char *name, zip_error_t *ze)
{
	if (zip_error_code_zip(ze) == ZIP_ER_MEMORY)
		return kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
	return kb_ctx_fail(ctx, KB_EIO, "%s: %s%skan ikke gemmes (zip: %s)", path, name ? name : "", name ? " " : "",
	                   zip_error_strerror(ze));
}

/* Adds one entry to the copy za: src (taken over, also on failure) as name, with the mtime and attributes of e
 * (NULL: mtime of the main part, default attributes), compressed with method at level. */
static int add_entry(zip_t *za, kb_ctx *ctx, const char *path, const char *name, zip_source_t *src,
                     const pkg_entry *e, time_t mtime, zip_int32_t method, zip_uint32_t level)
{
	if (!src)
		return zip_failed(ctx, path, name, zip_get_error(za));
	zip_int64_t idx = zip_file_add(za, name, src, ZIP_FL_ENC_UTF_8);
	if (idx < 0) {
		zip_source_free(src);
		return zip_failed(ctx, path, name, zip_get_error(za));
	}
	/* a method libzip cannot write (an entry the input stored with bzip2, say) is copied as it is all the same:
	 * only a method that differs from the data's own makes libzip recompress */
	(void)zip_set_file_compression(za, (zip_uint64_t)idx, method, level);
	if (zip_file_set_mtime(za, (zip_uint64_t)idx, e ? e->mtime : mtime, 0) != 0 ||
	    (e && zip_file_set_external_attributes(za, (zip_uint64_t)idx, 0, e->opsys, e->attributes) != 0))
		return zip_failed(ctx, path, name, zip_get_error(za));
	return KB_OK;
}

/* An archive over pkg's bytes for one save: a spare one, or a new one. NULL with *zerr set on failure. */
static zip_t *take_source_zip(const kb_package *pkg, int *zerr)
{
	kb_package *p = (kb_package *)pkg; /* the spares are no part of the package's value */
	zip_t *z = NULL;
	pthread_mutex_lock(&p->lock);
	if (p->nspare)
		z = p->spare[--p->nspare];
	pthread_mutex_unlock(&p->lock);
	return z ? z : open_bytes(pkg->bytes, pkg->nbytes, 0, zerr);
}

/* Gives z back after a save (whatever its outcome: the save's sources over it are freed by then). */
static void give_source_zip(const kb_package *pkg, zip_t *z)
{
	kb_package *p = (kb_package *)pkg;
	if (!z)
		return;
	pthread_mutex_lock(&p->lock);
	if (p->nspare == p->spare_cap) {
		size_t ncap = p->spare_cap ? p->spare_cap * 2 : 4;
		zip_t **ns = realloc(p->spare, ncap * sizeof *ns);
		if (ns) {
			p->spare = ns;
			p->spare_cap = ncap;
		}
	}
	if (p->nspare < p->spare_cap) {
		p->spare[p->nspare++] = z;
		z = NULL;
	}
	pthread_mutex_unlock(&p->lock);
	if (z)
		zip_discard(z);
}

/* Builds the copy in memory: every entry of the input in its order, those the plan does not write as the input's
 * compressed bytes (zip_source_zip of the whole entry copies them without decompressing; CRC and sizes stay), the
 * plan's entries compressed at WRITE_LEVEL (stored when store[i], may be NULL), new entries last. The archive the
 * entries are copied from is this call's alone while it runs (take_source_zip), over the package's bytes, so saves
 * may run on many threads at once.
 * *out is the caller's to free. path is for messages. */
static int build_zip(unsigned char **out, size_t *out_len, const kb_package *pkg, kb_ctx *ctx, const char *path,
                     const write_plan *wp, const unsigned char *store)
{
	*out = NULL;
	*out_len = 0;
	int rc = KB_OK, zerr = 0;
	zip_t *from = NULL, *za = NULL;
	zip_source_t *dst = NULL;
	z_stream *zs = NULL; /* taken when the first written part is deflated */
	zip_error_t ze;
	zip_error_init(&ze);
	unsigned char *done_flags = calloc(wp->n ? wp->n : 1, 1);
	deflated *defl = calloc(wp->n ? wp->n : 1, sizeof *defl); /* must outlive zip_close, which reads them */
	if (!done_flags || !defl) {
		rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
		goto done;
	}
	if (!(from = take_source_zip(pkg, &zerr))) {
		zip_error_set(&ze, zerr, 0);
		rc = zip_failed(ctx, path, NULL, &ze);
		goto done;
	}
	if (!(dst = zip_source_buffer_create(NULL, 0, 0, &ze))) {
		rc = zip_failed(ctx, path, NULL, &ze);
		goto done;
	}
	zip_source_keep(dst); /* the bytes are read from it after zip_close */
	if (!(za = zip_open_from_source(dst, ZIP_TRUNCATE, &ze))) {
		rc = zip_failed(ctx, path, NULL, &ze);
		goto done;
	}
	time_t main_mtime = pkg->nparts ? pkg->ents[locate(pkg, pkg->names[0])].mtime : 0;
	for (size_t i = 0; i < pkg->nents && !rc; i++) {
		const pkg_entry *e = &pkg->ents[i];
		kb_package_entry *w = plan_find((write_plan *)wp, e->name);
		if (!w) {
			rc = add_entry(za, ctx, path, e->name, zip_source_zip(za, from, i, 0, 0, -1), e, 0, e->comp_method,
			               0);
			continue;
		}
		size_t k = (size_t)(w - wp->items);
		done_flags[k] = 1;
		rc = add_entry(za, ctx, path, e->name, written_source(za, pkg, wp, store, defl, &zs, k, e->mtime), e, 0,
		               store && store[k] ? ZIP_CM_STORE : ZIP_CM_DEFLATE, 0);
	}
	for (size_t k = 0; k < wp->n && !rc; k++)
		if (!done_flags[k])
			rc = add_entry(za, ctx, path, wp->items[k].name,
			               written_source(za, pkg, wp, store, defl, &zs, k, main_mtime), NULL, main_mtime,
			               store && store[k] ? ZIP_CM_STORE : ZIP_CM_DEFLATE, 0);
	zip_uint32_t clen = 0;
	const char *comment = rc ? NULL : zip_get_archive_comment(from, (int *)&clen, ZIP_FL_ENC_RAW);
	if (comment && clen && zip_set_archive_comment(za, comment, (zip_uint16_t)clen) != 0)
		rc = zip_failed(ctx, path, NULL, zip_get_error(za));
	if (rc)
		goto done;
	if (zip_close(za) < 0) {
		rc = zip_failed(ctx, path, NULL, zip_get_error(za));
		goto done;
	}
	za = NULL;
	/* the finished archive, out of the buffer source */
	zip_stat_t st;
	zip_stat_init(&st);
	if (zip_source_stat(dst, &st) != 0 || !(st.valid & ZIP_STAT_SIZE) || zip_source_open(dst) != 0) {
		rc = zip_failed(ctx, path, NULL, zip_source_error(dst));
		goto done;
	}
	unsigned char *bytes = malloc(st.size ? (size_t)st.size : 1);
	zip_int64_t got = bytes ? zip_source_read(dst, bytes, st.size) : -1;
	zip_source_close(dst);
	if (!bytes || got < 0 || (zip_uint64_t)got != st.size) {
		free(bytes);
		rc = bytes ? zip_failed(ctx, path, NULL, zip_source_error(dst))
		           : kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
		goto done;
	}
	*out = bytes;
	*out_len = (size_t)st.size;
done:
	if (za)
		zip_discard(za);
	zip_source_free(dst);
	give_source_zip(pkg, from);
	give_deflater(pkg, zs);
	zip_error_fini(&ze);
	free(done_flags);
	for (size_t k = 0; defl && k < wp->n; k++) {
		free(defl[k].data);
		zip_error_fini(&defl[k].error);
	}
	free(defl);
	return rc;
}

/* The reader refuses an entry over RATIO_FLOOR that compresses more than KB_MAX_ZIP_RATIO times (a possible zip
 * bomb), and a letter can be one: a field value that repeats one character. Such a written entry is stored
 * uncompressed instead, so that the reader accepts what the writer wrote: the copy in *bytes is made again. Only
 * entries over the floor are looked at, so an ordinary letter pays nothing here. */
static int store_if_too_compressed(unsigned char **bytes, size_t *len, const kb_package *pkg, kb_ctx *ctx,
                                   const char *path, const write_plan *wp)
{
	int big = 0;
	for (size_t i = 0; i < wp->n && !big; i++)
		big = wp->items[i].len > RATIO_FLOOR;
	if (!big)
		return KB_OK;
	unsigned char *store = calloc(wp->n, 1);
	if (!store)
		return kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
	int zerr = 0, any = 0, rc = KB_OK;
	zip_t *z = open_bytes(*bytes, *len, 0, &zerr);
	if (!z) {
		rc = kb_ctx_fail(ctx, KB_EIO, "%s: det gemte kan ikke læses igen", path);
		goto done;
	}
	for (size_t i = 0; i < wp->n; i++) {
		zip_stat_t st;
		zip_stat_init(&st);
		zip_int64_t idx = wp->items[i].len > RATIO_FLOOR ? zip_name_locate(z, wp->items[i].name, 0) : -1;
		if (idx >= 0 && zip_stat_index(z, (zip_uint64_t)idx, 0, &st) == 0 && (st.valid & ZIP_STAT_SIZE) &&
		    (st.valid & ZIP_STAT_COMP_SIZE) && too_compressed(st.size, st.comp_size))
			any = store[i] = 1;
	}
	zip_discard(z);
	if (any) {
		free(*bytes);
		*bytes = NULL;
		rc = build_zip(bytes, len, pkg, ctx, path, wp, store);
	}
done:
	free(store);
	return rc;
}

int kb_package_write(const kb_package *pkg, kb_ctx *ctx, const char *path, const kb_package_entry *entries, size_t n)
{
	write_plan wp = {0};
	kb_outfile out = {.fd = -1};
	char **made = NULL; /* names of relationship parts made for new parts; the plan borrows them */
	const char **written = NULL;
	unsigned char *bytes = NULL; /* the copy, built in memory */
	size_t nmade = 0, nbytes = 0;
	int rc = check_entries_to_write(pkg, ctx, path, entries, n);
	if (rc)
		return rc;

	/* Writing onto the file we read would replace the input (often a template); inputs are never modified. */
	struct stat old_st;
	if (pkg->have_id && stat(path, &old_st) == 0 && pkg->dev == old_st.st_dev && pkg->ino == old_st.st_ino)
		return kb_ctx_fail(ctx, KB_EUSAGE,
		                   "%s: det er filen, der blev læst; den overskrives ikke. Vælg et andet navn til det, "
		                   "der skal gemmes",
		                   path);

	/* the plan: the caller's bytes (borrowed), then the relationships and content types new parts need */
	for (size_t i = 0; i < n; i++) {
		if (plan_put(&wp, entries[i].name, NULL, 0)) {
			rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
			goto done;
		}
		wp.items[wp.n - 1].data = entries[i].data;
		wp.items[wp.n - 1].len = entries[i].len;
	}
	int made_rels = 0, adds = 0;
	if (n && !(made = calloc(n, sizeof *made))) {
		rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		if (!entries[i].content_type)
			continue;
		adds = 1;
		if ((rc = add_relationship(&wp, pkg, ctx, &entries[i], &made[nmade], &made_rels)))
			goto done;
		nmade++;
	}
	if (adds && (rc = add_content_types(&wp, pkg, ctx, entries, n, made_rels)))
		goto done;
	if ((rc = damage(&wp, pkg, ctx)) || (rc = check_copy_limits(pkg, ctx, path, &wp)))
		goto done;
	if (!(written = calloc(wp.n ? wp.n : 1, sizeof *written))) {
		rc = kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
		goto done;
	}
	for (size_t i = 0; i < wp.n; i++)
		written[i] = wp.items[i].name;

	if ((rc = build_zip(&bytes, &nbytes, pkg, ctx, path, &wp, NULL)) ||
	    (rc = store_if_too_compressed(&bytes, &nbytes, pkg, ctx, path, &wp)))
		goto done;
	/* the net: nothing reaches path that klarbrev (and Word) could not read */
	if ((rc = kb_verify_written(ctx, bytes, nbytes, path, pkg, written, wp.n)))
		goto done;
	if (!(rc = kb_outfile_open(&out, ctx, path)) && !(rc = kb_outfile_write(&out, ctx, bytes, nbytes)))
		rc = kb_outfile_commit(&out, ctx);
done:
	kb_outfile_abort(&out);
	free(bytes);
	plan_free(&wp);
	for (size_t i = 0; i < nmade; i++)
		free(made[i]);
	free(made);
	free(written);
	return rc;
}

int kb_package_save(const kb_package *pkg, kb_ctx *ctx, const char *path, const char *const *names,
                    const char *const *data, const size_t *lens, size_t n)
{
	kb_package_entry *e = calloc(n ? n : 1, sizeof *e);
	if (!e)
		return kb_ctx_fail(ctx, KB_ENOMEM, "ikke nok hukommelse");
	int rc = KB_OK;
	for (size_t i = 0; i < n; i++) {
		if (!names[i] || (!data[i] && lens[i])) {
			rc = kb_ctx_fail(ctx, KB_EUSAGE, "%s: erstatning %zu har intet navn eller ingen data", path, i);
			break;
		}
		e[i] = (kb_package_entry){.name = names[i], .data = data[i], .len = lens[i]};
	}
	if (!rc)
		rc = kb_package_write(pkg, ctx, path, e, n);
	free(e);
	return rc;
}
