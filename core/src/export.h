/*
 * export.h -- PDF/A for many letters with one start of LibreOffice (klarbrev batch): a chunk of letters is saved into
 * a work folder of the chunk's own, converted by one soffice process (with its profile folder and time limit, as
 * kb_letter_save_pdf does for one letter, which is a chunk of one), and each PDF is checked to declare PDF/A-2b and
 * written to its target through a temporary file renamed into place.
 *
 *   kb_pdf_batch_new(&b, ctx, NULL, "breve/");
 *   kb_pdf_batch_add(b, ctx, letter1, "breve/1.pdf"); kb_pdf_batch_add(b, ctx, letter2, "breve/2.pdf");
 *   kb_pdf_batch_run(b, ctx, 1); kb_pdf_batch_result(b, 0, &msg) ...; kb_pdf_batch_reset(b); ...
 *   kb_pdf_batch_free(b);
 *
 * A kb_pdf_batch is used by one thread at a time; several of them may run at once (each has its own profile).
 */
#ifndef KB_EXPORT_H
#define KB_EXPORT_H
#include "internal.h"

typedef struct kb_pdf_batch kb_pdf_batch;

/* Finds LibreOffice and the time limit (opts as for kb_letter_save_pdf; may be NULL) and makes the work folder.
 * what names the outputs in the message when LibreOffice is missing. Caller frees with kb_pdf_batch_free(), which
 * removes the work folder. */
int kb_pdf_batch_new(kb_pdf_batch **out, kb_ctx *ctx, const kb_pdf_options *opts, const char *what);
void kb_pdf_batch_free(kb_pdf_batch *b);
/* Saves the DOCX letter l into the chunk, to become the PDF at path. Nothing is written to path yet. */
int kb_pdf_batch_add(kb_pdf_batch *b, kb_ctx *ctx, const kb_letter *l, const char *path);
size_t kb_pdf_batch_count(const kb_pdf_batch *b);
/* Converts the chunk with one soffice process, then checks and writes each PDF (sync as kb_ctx_set_sync: 0 renames
 * without an fsync). Returns KB_OK when LibreOffice ran; a failure of the whole chunk (LibreOffice failed or took
 * too long) is returned with its message, and is also every letter's result. */
int kb_pdf_batch_run(kb_pdf_batch *b, kb_ctx *ctx, int sync);
/* Letter i's result after kb_pdf_batch_run: KB_OK when its PDF was written, else the code and, in *msg, the Danish
 * message (borrowed; valid until reset). */
int kb_pdf_batch_result(const kb_pdf_batch *b, size_t i, const char **msg);
/* Empties the chunk for the next letters; the work folder and LibreOffice's profile in it are kept. */
void kb_pdf_batch_reset(kb_pdf_batch *b);

#endif
