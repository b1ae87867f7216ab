/*
 * verify.h -- the net under every DOCX klarbrev writes. Before a written package is renamed into place it is read
 * back through the reader that opens documents (kb_package_open: the zip, its limits, the relationships to the main
 * document), and each part that was written is checked as Word will read it:
 *
 *  - the bytes are UTF-8 and the XML declaration, if any, says so;
 *  - the XML is well-formed (the same safe parser as for input);
 *  - every namespace prefix of an element or attribute is declared, and so is every prefix mc:Ignorable names;
 *  - a relationships part (.rels) points only at parts that exist (TargetMode="External" is not looked at);
 *  - [Content_Types].xml gives every part a content type (a Default for its extension or an Override).
 *
 * Problems the input already had are not ours: a relationship copied unchanged from the input whose target the input
 * lacks too, and a part the input's [Content_Types].xml did not cover either, are let through (Word opened the
 * input, so it opens them).
 */
#ifndef KB_VERIFY_H
#define KB_VERIFY_H

#include "package.h"

/* Verifies the package in data[0..len), a copy of input in which the parts named in written[0..n) were replaced or
 * added and every other entry copied unchanged. target is the path the copy is meant for (messages name it). What
 * was copied unchanged is not read again: the relationships that find the text parts (when none of them was
 * written), and [Content_Types].xml (when it was not written and no part was added, every part has the type the
 * input gave it). Returns KB_OK;
 * KB_EINTERNAL with the Danish message "intern fejl: klarbrev lavede et ugyldigt dokument (<part>: <what>). ..." that
 * names the first problem; KB_ENOMEM. Nothing is written anywhere. */
int kb_verify_written(kb_ctx *ctx, const void *data, size_t len, const char *target, const kb_package *input,
                      const char *const *written, size_t n);

#endif
