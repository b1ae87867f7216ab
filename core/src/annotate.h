/*
 * annotate.h -- the annotated draft: a copy of a DOCX letter with each finding as a Word comment on the words it is
 * about (klarbrev.h: kb_letter_save_annotated).
 *
 * Where a comment goes. Word honours comment anchors only in the main document story: the body and its tables.
 * It ignores them in headers, footers, footnotes, endnotes and text boxes ([MS-OI29500] 2.1.315, the note on
 * commentRangeStart). So:
 *  - a finding in a body paragraph or a table cell is anchored on exactly its bytes: the runs are split at the
 *    finding's offsets (each piece keeps the run's properties) and w:commentRangeStart / w:commentRangeEnd go around
 *    the pieces, followed by a run with w:commentReference;
 *  - a finding in a text box is anchored on the run that holds the text box, a finding in a footnote or endnote on
 *    the run that holds its reference mark; a finding in a header on the first paragraph of the body, in a footer on
 *    the last; the comment then says which text it is about and where that text is;
 *  - a finding about the whole letter (LIX, a missing klagevejledning) is a comment on the first paragraph.
 * Comments the document has are kept: new comments are appended to its comments part with ids after the largest
 * one in use; a document without comments gets word/comments.xml with its content type and relationship.
 */
#ifndef KB_ANNOTATE_H
#define KB_ANNOTATE_H

#include "internal.h"

/* The comment author and initials when the options give none. */
#define KB_ANNOTATE_AUTHOR   "klarbrev"
#define KB_ANNOTATE_INITIALS "KB"

#endif
