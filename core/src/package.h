/*
 * package.h -- a DOCX file as a zip of XML parts (libzip + libxml2).
 *
 * Reading is safe against hostile files: entry count, uncompressed size (per entry and in total) and compression
 * ratio are capped, reading never trusts the sizes in the zip headers, and XML is parsed without network access,
 * without entity expansion and without DTD loading.
 *
 * A package holds the file's bytes in memory (read once at open) and a table of its entries, and may be used from
 * several threads at once: reading an entry takes the package's lock, and a save opens an archive of its own over
 * the bytes. So the package of a compiled template serves every letter rendered from it, on any thread.
 *
 * Saving builds the copy in memory: parts that were not replaced are copied without being decompressed (the input's
 * compressed bytes, CRC and sizes); new parts (word/comments.xml) come with their content type and relationship.
 * The copy is read back through the reader (kb_package_open_memory) and every part that was written is checked
 * (verify.h): what klarbrev writes, klarbrev must read, and so must Word. Only then is it written to a temporary file
 * in the target folder (outfile.h: flushed to disk unless the context says not to) and renamed into place. The input
 * file is never modified.
 */
#ifndef KB_PACKAGE_H
#define KB_PACKAGE_H

#include "internal.h"

#include <libxml/tree.h>

typedef struct kb_package kb_package;

/* One text part of the document: the main document, headers, footers, footnotes, endnotes, found through the
 * relationships (_rels/.rels -> officeDocument -> its .rels), never by assuming file names. */
typedef struct kb_part_ref {
	const char *name;  /* zip entry name, e.g. "word/document.xml"; borrowed from the package */
	kb_part_kind kind;
} kb_part_ref;

/* Opens a DOCX for reading. A file that is not a zip, is truncated, or has no main document gets KB_EINPUT with a
 * message that names the file and says what is wrong ("<file>: not a Word document (.docx): <why>"). A missing file:
 * KB_ENOTFOUND. Limits: KB_ELIMIT. Caller frees with kb_package_free(). */
int kb_package_open(kb_package **out, kb_ctx *ctx, const char *path);
void kb_package_free(kb_package *pkg);

/* Opens len bytes at data (borrowed: they must outlive the package, which only reads them) as a package named name
 * in messages, with the same checks and limits as kb_package_open(). When like is given and the bytes hold every
 * text part of like, those are the package's text parts, found without reading the relationships again: for a copy
 * of like whose relationships parts were copied unchanged (verify.c). Caller frees with kb_package_free(). */
int kb_package_open_memory(kb_package **out, kb_ctx *ctx, const char *name, const void *data, size_t len,
                           const kb_package *like);

/* The path the package was opened from. Borrowed. */
const char *kb_package_path(const kb_package *pkg);

/* The text parts in document order: the main document first, then headers, footers, footnotes, endnotes (each kind
 * in the order of the relationships). Borrowed; valid until the package is freed. */
const kb_part_ref *kb_package_parts(const kb_package *pkg, size_t *count);

/* The main document part name ("word/document.xml" in most files). Borrowed. */
const char *kb_package_main_part(const kb_package *pkg);

/* 1 when the package has an entry of that name. */
int kb_package_has(const kb_package *pkg, const char *name);

/* Reads one entry's bytes (capped; the message names the file and entry; KB_ENOTFOUND when there is no such entry).
 * *out is NUL-terminated; caller frees. */
int kb_package_read(char **out, size_t *out_len, const kb_package *pkg, kb_ctx *ctx, const char *name);

/* Reads and parses one XML entry safely. A parse error names file, part, line. Caller frees with xmlFreeDoc(). */
int kb_package_parse(xmlDocPtr *out, const kb_package *pkg, kb_ctx *ctx, const char *name);

/* Parses XML from memory with the same safe options; name is used in messages. Caller frees with xmlFreeDoc(). */
int kb_xml_parse(xmlDocPtr *out, kb_ctx *ctx, const char *data, size_t len, const char *name);

/* Serialises doc (UTF-8, with the XML declaration, standalone="yes" as Word writes it). Caller frees *out. */
int kb_xml_serialize(char **out, size_t *out_len, kb_ctx *ctx, xmlDocPtr doc);

/* The number of zip entries, and the name of entry i (borrowed; NULL when i is out of range). Every entry, not only
 * the text parts: for checks over the whole package (verify.c). */
size_t kb_package_entry_count(const kb_package *pkg);
const char *kb_package_entry_name(const kb_package *pkg, size_t i);

/* Resolves a relationship target against the folder of its source part into a zip entry name, as the reader does:
 * source is "" for the package's own relationships (_rels/.rels); a target starting with '/' is relative to the
 * package root. Returns 0, or -1 when the target leaves the package or the name does not fit outsz. */
int kb_package_resolve_target(char *out, size_t outsz, const char *source, const char *target);

/* The first part that source relates to with a relationship type ending in type_suffix ("/comments"), as a zip
 * entry name; KB_ENOTFOUND when there is none. *out is the caller's to free. */
int kb_package_related(char **out, const kb_package *pkg, kb_ctx *ctx, const char *source, const char *type_suffix);

/* One part for kb_package_write(): its bytes, and for a part the package does not have yet, what makes it part of
 * the document. */
typedef struct kb_package_entry {
	const char *name; /* zip entry name, "word/comments.xml"; relative to the package root */
	const char *data; /* len bytes; the caller's */
	size_t len;
	/* NULL to replace an existing part. For a new part all three are set: it gets an Override with content_type
	 * in [Content_Types].xml and a relationship of rel_type from the existing part source (its .rels part is
	 * made when it has none). */
	const char *content_type; /* "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml" */
	const char *source;       /* "word/document.xml" */
	const char *rel_type;     /* "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments" */
} kb_package_entry;

/* Writes a copy of the package to path with the given parts replaced or added. Other entries are copied raw
 * (compressed bytes, CRC, sizes, time and attributes unchanged; the order of the entries is kept, new ones last). The content types and relationships a new part needs are added to
 * [Content_Types].xml and the source's .rels, also when the caller replaces those parts (the caller's bytes are the
 * base then). Temporary file in the target folder, renamed into place; on failure nothing is left at path and no
 * temporary file remains. A name is given once; a part to replace must exist, a part to add must not; path must not
 * be the file the package was opened from (all KB_EUSAGE). A folder that is missing or not writable, or any write
 * failure: KB_EIO. A copy that would hold more than the reader accepts (KB_MAX_PACKAGE_BYTES, KB_MAX_ZIP_ENTRIES):
 * KB_ELIMIT, before anything is written.
 *
 * Before anything is written the copy is verified (kb_verify_written): read back through the reader, and each
 * written part checked (well-formed UTF-8 XML, namespace prefixes declared, relationships that point at parts that
 * exist, a content type for every part). A failure is KB_EINTERNAL with a Danish message that names the part and
 * what is wrong; nothing is written. A written part larger than the ratio floor that compresses so well that the
 * reader would take it for a zip bomb is stored uncompressed instead, so the reader's limits always pass.
 * Safe to call from several threads at once on one package. */
int kb_package_write(const kb_package *pkg, kb_ctx *ctx, const char *path, const kb_package_entry *entries,
                     size_t n);

/* kb_package_write() with existing parts replaced only: names[i] gets data[i], lens[i] bytes (the buffers stay the
 * caller's). Each name must be an existing entry (KB_EUSAGE). */
int kb_package_save(const kb_package *pkg, kb_ctx *ctx, const char *path, const char *const *names,
                    const char *const *data, const size_t *lens, size_t n);

/* Test hook: from now on, every save of a package that has the part named part (a zip entry name,
 * "word/document.xml") writes that part damaged, as a broken template engine would: an element with an undeclared
 * namespace prefix and a byte that is not UTF-8, inserted before the part's last end tag (a part the save would
 * copy is damaged too). NULL or "" turns the hook off. The damage is done before the
 * verification, so the hook can only make a save fail with KB_EINTERNAL, never write a damaged document. For tests
 * only: the command-line program sets it from the environment variable KLARBREV_TEST_CORRUPT_PART
 * (tests/cli/test_corrupt_output.sh). Process-wide; not thread-safe (set it before any save runs). */
void kb_package_test_damage(const char *part);

#endif
