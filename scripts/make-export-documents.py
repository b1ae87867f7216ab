#!/usr/bin/python3
"""Makes the Word letters that the export tests annotate, in LibreOffice Writer driven through UNO.

    make-export-documents.py OUTDIR --profile DIR

A hand-written letter (no tags) as a caseworker types it, with a misspelled word or a stiff phrase in each place a
finding can be: a body paragraph, a word typed in two pieces with different formatting (bold, then italic), a table
cell, the header, the footer, a footnote, a frame (Word: a text box); and a comment a colleague made before (on
"formue"), which an annotated copy must keep. The letter has no klagevejledning, so a rule about the letter as a
whole has something to say. Writer saves it with its "MS Word 2007 XML" filter. tests/cli/test_annotate.sh checks
klarbrev's comments on it through LibreOffice.

The typing helpers (Typist, Page, make, connect) are scripts/make-test-documents.py's, so both sets of documents are
typed the same way. Needs soffice (libreoffice-writer-nogui) and /usr/bin/python3 with the uno module (Debian:
python3-uno). scripts/make-export-documents.sh runs it with a temporary profile and checks the result.
"""
import argparse
import importlib.util
import os
import sys

import uno  # noqa: F401  (makes the com.sun.star modules importable)
from com.sun.star.lang import DisposedException

_here = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("make_test_documents", os.path.join(_here, "make-test-documents.py"))
mtd = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mtd)


def colleague_comment(doc, t, s, content):
    """Types s with a comment on it from another person than klarbrev (Insert > Comment)."""
    rng = t.type(s)
    ann = doc.createInstance("com.sun.star.text.textfield.Annotation")
    ann.Author = "Hanne Jensen"
    ann.Initials = "HJ"
    ann.Content = content
    ann.DateTimeValue = mtd.fixed_datetime()
    t.text.insertTextContent(rng, ann, True)
    t.cur.gotoEnd(False)


def annotate(doc, body, page):
    """A refusal typed by hand: findings in the body, a split word, a table cell, header, footer, a footnote, a
    frame; a colleague's comment on "formue"; no klagevejledning."""
    page.header().para().type("Søby Kommne · Jobcenter")
    page.footer().para().type("Rådhustorvet 1 · Telefn 72 18 40 00")
    t = body
    t.para().type("Afgørelse om kontanthjælp")
    t.para().type("Du får ikke kontanthjælp. Vi har behandlet din ")
    t.type("ansøg", bold=True)
    t.type("nig", italic=True)
    t.type(" fra 3. november.")
    t.para().type("Vi har lagt vægt på din ")
    colleague_comment(doc, t, "formue", "Tjek beløbet i kontoudtoget.")
    t.type(". Såfremt du flytter, skal du give os besked.")
    t.table([["Ydelse", "Kontanthjælp"], ["Begrundelse", "Du har en opsparingskonnto med 58.300 kr."]])
    t.para().type("Reglerne står i aktivloven.")
    fn = t.footnote()
    fn.para().type("Lov om aktiv socialpolitik, se bekendtgørelsn om formue.")
    t.para().type("Kontakt:")
    box = t.frame()
    box.para().type("Sagsbehandler: Anders Holm, direkte telefn 72 18 41 36")
    t.para().type("Med venlig hilsen")
    t.para().type("Anders Holm")


DOCUMENTS = {"annotate": annotate}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("outdir")
    ap.add_argument("--profile", required=True, help="LibreOffice profile folder to use (made if missing)")
    a = ap.parse_args()
    os.makedirs(a.outdir, exist_ok=True)
    proc, ctx = mtd.connect(a.profile)
    try:
        mtd.set_user_name(ctx, "klarbrev")
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        for name, build in DOCUMENTS.items():
            mtd.make(ctx, name, build, a.outdir)
        try:
            desktop.terminate()
        except DisposedException:
            pass  # soffice went away while answering: that is the end we asked for
    finally:
        mtd.stop(proc)


if __name__ == "__main__":
    sys.exit(main())
