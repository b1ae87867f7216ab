/*
 * outfile.h -- an output file that appears whole or not at all: its content goes to a temporary file in the target
 * folder ("<dir>/.<name>.XXXXXX"), which is flushed to disk and renamed onto the target only when everything was
 * written. A failure, or an abort, removes the temporary file; the target is never left half written.
 *
 * Used by every writer of the library: the DOCX package (package.c), the plain text and PDF exports (export.c).
 */
#ifndef KB_OUTFILE_H
#define KB_OUTFILE_H

#include "internal.h"

typedef struct kb_outfile {
	char *path; /* the target; owned */
	char *tmp;  /* the temporary file beside it; owned; NULL once committed or aborted */
	int fd;     /* open for writing; -1 once closed */
} kb_outfile;

/* Creates the temporary file next to path, with the mode of the file it will replace (else 0666 less the umask).
 * A missing folder, one that is not a folder, or one that cannot be written is KB_EIO with a message that says which;
 * an empty file name is KB_EUSAGE. On success the caller ends with kb_outfile_commit() or kb_outfile_abort(); on
 * failure *out holds nothing (kb_outfile_abort() is still safe). */
int kb_outfile_open(kb_outfile *out, kb_ctx *ctx, const char *path);

/* Appends len bytes. KB_EIO names the target and the reason (a full disk). */
int kb_outfile_write(kb_outfile *f, kb_ctx *ctx, const void *data, size_t len);

/* Flushes the temporary file to disk and renames it onto the target. Afterwards, whether it succeeded or not, the
 * temporary file is gone and f holds nothing (a later kb_outfile_abort() does nothing). */
int kb_outfile_commit(kb_outfile *f, kb_ctx *ctx);

/* Removes the temporary file (when one is left) and frees f's strings. Safe on a zeroed struct and after commit. */
void kb_outfile_abort(kb_outfile *f);

#endif
