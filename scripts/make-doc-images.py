#!/usr/bin/python3
"""Prepares an annotated letter for the screenshots in docs/word.md, in LibreOffice Writer driven through UNO.

    make-doc-images.py ANNOTATED.docx OUT.odt --profile DIR

A PDF shows Word comments only as small note icons, and LibreOffice without a window (Debian's
libreoffice-writer-nogui) cannot print them in the margin. So this script makes them visible on the page: each
commented range gets a yellow background and a number after it, as Word marks a commented word, and the comments
follow the letter under "Kommentarer", numbered, with their author. The comments themselves are taken out, so the
PDF has no icons. scripts/make-doc-images.sh then converts OUT.odt to PDF and to PNG pages (pdftoppm).

Needs soffice and /usr/bin/python3 with the uno module (Debian: python3-uno).
"""
import argparse
import importlib.util
import os
import sys

import uno  # noqa: F401  (makes the com.sun.star modules importable)
from com.sun.star.awt.FontWeight import BOLD
from com.sun.star.lang import DisposedException
from com.sun.star.text.ControlCharacter import PARAGRAPH_BREAK

_here = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("make_test_documents", os.path.join(_here, "make-test-documents.py"))
mtd = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mtd)

YELLOW = 0xFFF2A8
MARK = 0x9C5700


def show_comments(doc):
    """Marks each comment's range and number, lists the comments after the letter, and removes them."""
    found = []
    fields = doc.TextFields.createEnumeration()
    while fields.hasMoreElements():
        f = fields.nextElement()
        if f.supportsService("com.sun.star.text.textfield.Annotation"):
            found.append(f)
    # in reading order: by the position of each anchor in its text
    notes = []
    for f in found:
        anchor = f.getAnchor()
        notes.append((anchor, f.Author, f.Content, f))
    text = doc.Text
    cmp = text  # XTextRangeCompare of the body
    def key(n):
        return n[0]
    try:
        import functools
        notes.sort(key=functools.cmp_to_key(lambda a, b: -cmp.compareRegionStarts(key(a), key(b))))
    except Exception:
        pass  # a range outside the body (cannot happen for klarbrev's comments): keep the found order
    listed = []
    for i, (anchor, author, content, field) in enumerate(notes, 1):
        t = anchor.getText()
        if anchor.getString():
            rng = t.createTextCursorByRange(anchor)
            rng.CharBackColor = YELLOW
        end = t.createTextCursorByRange(anchor.getEnd())
        field.dispose()
        t.insertString(end, f"[{i}]", False)
        mark = t.createTextCursorByRange(end)
        mark.goLeft(len(f"[{i}]"), True)
        mark.CharColor = MARK
        mark.CharWeight = BOLD
        mark.CharBackColor = -1
        listed.append((i, author, content))
    if not listed:
        return 0
    cur = text.createTextCursor()
    cur.gotoEnd(False)
    text.insertControlCharacter(cur, PARAGRAPH_BREAK, False)
    cur.setPropertiesToDefault(("CharWeight", "CharColor", "CharBackColor", "CharPosture"))
    cur.ParaStyleName = "Heading 1"
    text.insertString(cur, "Kommentarer", False)
    for i, author, content in listed:
        text.insertControlCharacter(cur, PARAGRAPH_BREAK, False)
        cur.ParaStyleName = "Text body"
        text.insertString(cur, f"[{i}] {author}: " + " ".join(content.split()), False)
    return len(listed)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("annotated")
    ap.add_argument("out")
    ap.add_argument("--profile", required=True)
    a = ap.parse_args()
    proc, ctx = mtd.connect(a.profile)
    try:
        # a document model without a view (see make-test-documents.py: a view with comments aborts soffice here)
        doc = ctx.ServiceManager.createInstanceWithContext("com.sun.star.text.TextDocument", ctx)
        doc.load((mtd.prop("URL", uno.systemPathToFileUrl(os.path.abspath(a.annotated))),
                  mtd.prop("FilterName", "MS Word 2007 XML")))
        n = show_comments(doc)
        doc.storeToURL(uno.systemPathToFileUrl(os.path.abspath(a.out)),
                       (mtd.prop("FilterName", "writer8"), mtd.prop("Overwrite", True)))
        doc.close(True)
        print(f"{a.out}: {n} comments shown on the page")
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        try:
            desktop.terminate()
        except DisposedException:
            pass
    finally:
        mtd.stop(proc)


if __name__ == "__main__":
    sys.exit(main())
