/*
 * internal.h -- what every module of libklarbrev shares: the error context, the capped buffer, limits.
 * Not installed; the public API is core/include/klarbrev.h.
 */
#ifndef KB_INTERNAL_H
#define KB_INTERNAL_H

#include "klarbrev.h"

#include <stdarg.h>
#include <stddef.h>

#if defined(__GNUC__)
#define KB_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define KB_PRINTF(f, a)
#endif

/* nearest.c: "did you mean" for messages. The name in names (NULL-terminated; names may be NULL) nearest to key, or
 * NULL when none is near enough to be a typo. Distance is counted in characters, not bytes (»stavnig« is one edit from
 * »stavning«, »grundlg« one from »grundlåg«), ignoring case; a swap of two neighbouring characters is one edit. Near
 * enough: 1 edit for keys up to 4 characters, 2 up to 8, else 3, and never more than half the key. Ties go to the
 * first name in the list. Borrowed: the result is one of names. */
const char *kb_nearest_name(const char *key, const char *const *names);
/* The most edits a name may be from key and still count as a typo of it (the rule above), for searches that do not
 * have their names in one list. */
size_t kb_nearest_limit(const char *key);
/* The edit distance above between a and b, or SIZE_MAX when either is longer than 64 characters. */
size_t kb_nearest_distance(const char *a, const char *b);

/* Limits against hostile input. Each is enforced where the input is read. */
#define KB_MAX_PART_BYTES (64u * 1024u * 1024u)   /* one uncompressed zip entry */
#define KB_MAX_PACKAGE_BYTES (256u * 1024u * 1024u) /* all uncompressed entries together */
#define KB_MAX_ZIP_RATIO 200u                     /* uncompressed / compressed, for entries over 8 MiB */
#define KB_MAX_ZIP_ENTRIES 10000u
#define KB_MAX_CASE_BYTES (16u * 1024u * 1024u)
#define KB_MAX_TEXT_BYTES (64u * 1024u * 1024u)   /* a .txt letter, or all paragraph text of a letter */
#define KB_MAX_XML_DEPTH 256

/* Sets the context's message (printf-style, one line) and returns code. Clears earlier details.
 * Use: return kb_ctx_fail(ctx, KB_EINPUT, "%s: not a DOCX file", path); */
int kb_ctx_fail(kb_ctx *ctx, int code, const char *fmt, ...) KB_PRINTF(3, 4);
/* Like kb_ctx_fail, but keeps the details gathered so far: for "N problems" summaries over a detail list. */
int kb_ctx_fail_keep(kb_ctx *ctx, int code, const char *fmt, ...) KB_PRINTF(3, 4);
/* Adds one detail line to the current failure (every missing field, every problem). Returns 0 or KB_ENOMEM. */
int kb_ctx_add_detail(kb_ctx *ctx, const char *fmt, ...) KB_PRINTF(2, 3);
/* Drops the details but keeps the message; used before collecting a new list. */
void kb_ctx_clear_details(kb_ctx *ctx);

/* A growable byte buffer with a hard cap (max bytes of content). data is always NUL-terminated once anything was
 * added. Functions return 0, KB_ENOMEM or KB_ELIMIT; after a failure the buffer keeps what it had. */
typedef struct kb_buf {
	char *data;
	size_t len, cap, max;
} kb_buf;

void kb_buf_init(kb_buf *b, size_t max);
int kb_buf_add(kb_buf *b, const void *p, size_t n);
int kb_buf_adds(kb_buf *b, const char *s);
int kb_buf_addc(kb_buf *b, char c);
int kb_buf_printf(kb_buf *b, const char *fmt, ...) KB_PRINTF(2, 3);
int kb_buf_vprintf(kb_buf *b, const char *fmt, va_list ap) KB_PRINTF(2, 0);
/* Returns the content (never NULL on success: "" for an empty buffer) and leaves b empty. Caller frees. */
char *kb_buf_detach(kb_buf *b);
void kb_buf_free(kb_buf *b);

/* strdup/strndup that return NULL on failure (the C11 library has neither). */
char *kb_strdup(const char *s);
char *kb_strndup(const char *s, size_t n);

/* The folder of path as a new string: "." for a bare file name, "/" for a file in the root folder, else everything
 * before the last '/'. NULL when out of memory. */
char *kb_path_dir(const char *path);
/* dir/name as a new string; name as given when it is absolute or dir is NULL or empty, and no second '/' when dir
 * ends in one. NULL when out of memory. */
char *kb_path_join(const char *dir, const char *name);

/* Reads a whole file into memory with a cap. *out is NUL-terminated; caller frees. KB_ENOTFOUND, KB_EINPUT (not a
 * regular file, unreadable), KB_ELIMIT (larger than max). The message names the file. */
int kb_read_file(char **out, size_t *out_len, kb_ctx *ctx, const char *path, size_t max);

/* A system error (errno value) in Danish for messages: "adgang nægtet", "disken er fuld", ... (strerror() speaks
 * English). Static or thread-local storage; valid until the next call on the same thread. (outfile.c) */
const char *kb_errno_text(int err);

/* The files of dir whose names end in suffix (".lua", ".dic"), not hidden ones, as "dir/name" paths sorted by
 * name. *out is a NULL-terminated array; free with kb_paths_free(). A missing folder is KB_ENOTFOUND; more than max
 * files is KB_ELIMIT. Messages name the folder. */
int kb_list_dir(char ***out, size_t *count, kb_ctx *ctx, const char *dir, const char *suffix, size_t max);
void kb_paths_free(char **paths);

#endif
