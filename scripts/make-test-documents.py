#!/usr/bin/python3
"""Makes the Word test documents in tests/data/word/ with LibreOffice Writer, driven through UNO.

    make-test-documents.py OUTDIR --profile DIR

Each document is typed the way a person types a template in a word processor: text goes in piece by piece, and the
formatting changes inside tags (bold, italic, underline, another font), a bookmark or a comment is put on part of a
tag, part of a tag is typed with change tracking on. Writer then saves it with its "MS Word 2007 XML" filter, so the
tags end up split over runs exactly as Writer splits them. The case data and the expected letter text of each
document are hand-written files next to it (tests/data/word/README.md); tests/unit/test_word_documents.c fills the
documents and compares.

Needs soffice (libreoffice-writer-nogui) and /usr/bin/python3 with the uno module (Debian: python3-uno).
scripts/make-test-documents.sh is the usual way to run it (temporary LibreOffice profile, a check of the XML after).

What LibreOffice 7.4 cannot write, and so these documents do not hold: MERGEFIELD switches (a mail-merge field is
always saved as " MERGEFIELD name ", without \\* Upper, \\@, \\b or \\f), and content controls with a tag or a title
(w:tag, w:alias; the Alias and Tag properties came in LibreOffice 7.5). The unit tests build those by hand.
"""
import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time

import uno
from com.sun.star.awt import Size
from com.sun.star.awt.FontSlant import ITALIC
from com.sun.star.awt.FontUnderline import SINGLE
from com.sun.star.awt.FontWeight import BOLD
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException
from com.sun.star.lang import DisposedException, Locale
from com.sun.star.style.NumberingType import ARABIC
from com.sun.star.text.ControlCharacter import LINE_BREAK, PARAGRAPH_BREAK
from com.sun.star.text.PageNumberType import CURRENT
from com.sun.star.text.TextContentAnchorType import AT_PARAGRAPH
from com.sun.star.util import DateTime

DANISH = Locale("da", "DK", "")
# document properties and comment dates, so regenerating changes little (tracked changes keep the time they were
# made: Writer ignores a new RedlineDateTime)
FIXED_DATE = (2026, 1, 1)
FONT = "Arial"
OTHER_FONT = "Times New Roman"  # "another font" inside a tag
RED = 0xC00000
# every character property a piece of text may set; each piece resets them all, so nothing carries over
CHAR_PROPS = ("CharWeight", "CharPosture", "CharUnderline", "CharColor", "CharFontName")
NUMBERED = "Numbering 123"  # Writer's list styles (programmatic names)
BULLETED = "List 1"


def fail(msg):
    sys.exit("make-test-documents: " + msg)


def prop(name, value):
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


def connect(profile, timeout=120):
    """Starts a headless soffice of our own (new process group) and returns (process, component context)."""
    pipe = f"klarbrev_testdocs_{os.getpid()}"
    cmd = [
        "soffice", "--headless", "--invisible", "--nologo", "--norestore", "--nodefault", "--nolockcheck",
        "-env:UserInstallation=" + uno.systemPathToFileUrl(os.path.abspath(profile)),
        f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext",
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + timeout
    while True:
        try:
            return proc, resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except NoConnectException:
            if proc.poll() is not None:
                fail(f"soffice exited with code {proc.returncode} before it accepted a connection")
            if time.monotonic() > deadline:
                stop(proc)
                fail(f"soffice did not accept a connection within {timeout} s")
            time.sleep(0.3)


def stop(proc):
    """Ends the soffice we started: its process group, by id."""
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def set_user_name(ctx, name):
    """Comments and tracked changes carry the user's name: make it the same on every machine."""
    cp = ctx.ServiceManager.createInstanceWithContext("com.sun.star.configuration.ConfigurationProvider", ctx)
    access = cp.createInstanceWithArguments("com.sun.star.configuration.ConfigurationUpdateAccess",
                                            (prop("nodepath", "/org.openoffice.UserProfile/Data"),))
    access.setPropertyValue("givenname", name)
    access.setPropertyValue("sn", "")
    access.commitChanges()


def fixed_datetime():
    when = DateTime()
    when.Year, when.Month, when.Day = FIXED_DATE
    return when


class Typist:
    """Types at the end of one Writer text (the body, a header, a footnote, a table cell, a frame) as a person
    would: piece by piece, each piece with its own character formatting."""

    def __init__(self, doc, text):
        self.doc = doc
        self.text = text
        self.cur = text.createTextCursor()
        self.cur.gotoEnd(False)
        self.first = True  # the text's first paragraph exists already
        self.numbering = ""  # the list style of the paragraph being typed

    def para(self, numbering=""):
        """Starts a paragraph (the first call uses the paragraph that is there); numbering names a list style."""
        if not self.first:
            self.text.insertControlCharacter(self.cur, PARAGRAPH_BREAK, False)
        self.first = False
        if numbering or self.numbering:
            # a new paragraph after a list item is one too, until the list is switched off (Writer then saves
            # numId 0, as it does when a person clicks the list button off)
            self.cur.setPropertyValue("NumberingStyleName", numbering)
        self.numbering = numbering
        return self

    def type(self, s, bold=False, italic=False, underline=False, red=False, font=None, link=None):
        """Types s with the given formatting (link: a hyperlink's address) and returns the range it takes."""
        self.text.insertString(self.cur, s, False)
        rng = self.text.createTextCursorByRange(self.cur.getEnd())
        n = len(s.encode("utf-16-le")) // 2  # Writer counts UTF-16 units
        rng.goLeft(n, False)
        rng.goRight(n, True)  # selected forwards, as a comment needs
        rng.setPropertiesToDefault(CHAR_PROPS + ("HyperLinkURL",))  # typing on after bold text would be bold too
        if bold:
            rng.CharWeight = BOLD
        if italic:
            rng.CharPosture = ITALIC
        if underline:
            rng.CharUnderline = SINGLE
        if red:
            rng.CharColor = RED
        if font:
            rng.CharFontName = font
        if link:
            rng.HyperLinkURL = link
        return rng

    def tab(self):
        self.type("\t")

    def line_break(self):
        self.text.insertControlCharacter(self.cur, LINE_BREAK, False)

    def bookmark(self, s, name):
        """Types s and puts a bookmark around it."""
        rng = self.type(s)
        bm = self.doc.createInstance("com.sun.star.text.Bookmark")
        bm.Name = name
        self.text.insertTextContent(rng, bm, True)
        self.cur.gotoEnd(False)

    def comment(self, s, content):
        """Types s and anchors a comment on it (Insert > Comment with s selected)."""
        rng = self.type(s)
        ann = self.doc.createInstance("com.sun.star.text.textfield.Annotation")
        ann.Author = "klarbrev"
        ann.Initials = "KB"
        ann.Content = content
        ann.DateTimeValue = fixed_datetime()
        self.text.insertTextContent(rng, ann, True)
        self.cur.gotoEnd(False)

    def tracked_insert(self, s):
        """Types s with Edit > Track Changes > Record on."""
        self.doc.RecordChanges = True
        self.type(s)
        self.doc.RecordChanges = False

    def tracked_delete(self, s):
        """Types s, then deletes it with change tracking on: it stays in the file as deleted text."""
        rng = self.type(s)
        self.doc.RecordChanges = True
        rng.setString("")
        self.doc.RecordChanges = False

    def footnote(self, kind="Footnote"):
        """Inserts a footnote (or an endnote: kind "Endnote") here and returns a Typist for its text."""
        note = self.doc.createInstance("com.sun.star.text." + kind)
        self.text.insertTextContent(self.cur, note, False)
        return Typist(self.doc, note)

    def frame(self, width=8000, height=2000):
        """Inserts a frame (Insert > Frame, which Word opens as a text box) anchored to this paragraph."""
        fr = self.doc.createInstance("com.sun.star.text.TextFrame")
        fr.AnchorType = AT_PARAGRAPH
        fr.Size = Size(width, height)
        self.text.insertTextContent(self.cur, fr, False)
        return Typist(self.doc, fr.Text)

    def text_box(self, width=8000, height=1500):
        """Inserts a drawing shape with a text box (Insert > Text Box) anchored to this paragraph."""
        shape = self.doc.createInstance("com.sun.star.drawing.RectangleShape")
        shape.AnchorType = AT_PARAGRAPH
        shape.Size = Size(width, height)
        self.text.insertTextContent(self.cur, shape, False)
        shape.TextBox = True
        return Typist(self.doc, shape.TextBoxContent.Text)

    def page_number(self):
        """Inserts the page number field (Insert > Page Number)."""
        fld = self.doc.createInstance("com.sun.star.text.TextField.PageNumber")
        fld.NumberingType = ARABIC
        fld.SubType = CURRENT
        self.text.insertTextContent(self.cur, fld, False)

    def merge_field(self, column, bold=False):
        """Inserts a mail-merge field (Insert > Field > More Fields > Database > Mail merge fields) for column."""
        master = self.doc.createInstance("com.sun.star.text.FieldMaster.Database")
        master.DataBaseName = "Sager"
        master.DataTableName = "breve"
        master.DataColumnName = column
        fld = self.doc.createInstance("com.sun.star.text.TextField.Database")
        fld.attachTextFieldMaster(master)
        fld.Content = f"«{column}»"  # what the field shows while no database is connected, as in Word
        self.text.insertTextContent(self.cur, fld, False)
        if bold:
            rng = self.text.createTextCursorByRange(self.cur.getEnd())
            rng.goLeft(1, True)  # a field is one character
            rng.CharWeight = BOLD

    def content_control(self, s, placeholder=False):
        """Types s and puts a content control around it (Form > Content Control > Rich Text)."""
        rng = self.type(s)
        cc = self.doc.createInstance("com.sun.star.text.ContentControl")
        if placeholder:
            cc.ShowingPlaceHolder = True
        self.text.insertTextContent(rng, cc, True)
        self.cur.gotoEnd(False)

    def table(self, rows):
        """Inserts a table; rows is a list of rows, each a list of cells, each cell a function that types into a
        Typist (or a plain string)."""
        tbl = self.doc.createInstance("com.sun.star.text.TextTable")
        tbl.initialize(len(rows), len(rows[0]))
        self.text.insertTextContent(self.cur, tbl, False)
        for r, row in enumerate(rows):
            for c, cell in enumerate(row):
                t = Typist(self.doc, tbl.getCellByPosition(c, r))
                t.para()
                if callable(cell):
                    cell(t)
                else:
                    t.type(cell)
        self.cur.gotoEnd(False)
        self.first = True  # Writer keeps a paragraph after a table; type into it next


class Page:
    """The page style's header and footer, switched on when a document first types into them."""

    def __init__(self, doc):
        self.doc = doc
        self.style = doc.StyleFamilies.getByName("PageStyles").getByName("Standard")

    def header(self):
        self.style.HeaderIsOn = True
        return Typist(self.doc, self.style.HeaderText)

    def footer(self):
        self.style.FooterIsOn = True
        return Typist(self.doc, self.style.FooterText)

    def first_header(self):
        """The first page's own header (Format > Page Style > Header: "Same content on first page" off)."""
        self.style.HeaderIsOn = True
        self.style.FirstIsShared = False
        return Typist(self.doc, self.style.HeaderTextFirst)

    def first_footer(self):
        """The first page's own footer (the same setting as first_header: Writer has one for both)."""
        self.style.FooterIsOn = True
        self.style.FirstIsShared = False
        return Typist(self.doc, self.style.FooterTextFirst)


# ---- the documents ------------------------------------------------------------------------------------------------
# Each function types one document into doc (the body's Typist and the page are given). The cases that fill it and
# what the letters must say are hand-written files next to it: tests/data/word/README.md lists them.


def tags_in_runs(doc, body, page):
    """Tags split over runs: formatting changes, a bookmark, a comment, tracked changes, curly quotes; a line break,
    a tab and a hyperlink around tags."""
    t = body
    t.para().type("{{modtager.adresse}}")
    t.para().type("Sagsnummer: ")
    t.type("{{sag", bold=True)
    t.type(".nr}}", italic=True)
    t.para().type("Kære {{mod")
    t.type("tager.na", bold=True)
    t.type("vn}},")
    t.para().type("Vi har modtaget din ansøgning om {{yd")
    t.bookmark("el", "ydelse")
    t.type("se}}.")
    t.para().type("Ansøgningen kom den {{ansøgning")
    t.comment(".da", "Skal datoen stå med ugedag?")
    t.type("to | dato}}.")
    t.para().type("Afgørelsen er dateret {{afgørelse.dato | dato ")
    t.type("“kort”", italic=True)
    t.type("}}.")
    t.para().type("Beløb: {{beløb | standard “ikke oplyst”}}")
    t.para().type("Sagsbehandler: {{sagsbehandler | standard ")
    t.type("“ukendt”", red=True)
    t.type("}}")
    t.para().type("Du kan ringe til os på {{kommune.tele")
    t.tracked_insert("fon")
    t.type("}}.")
    t.para().type("Skriv til os på {{kommune.em")
    t.tracked_delete("x")
    t.type("ail}}.")
    t.para().type("Afsender: {")
    t.type("{kommune.navn}", underline=True, font=OTHER_FONT)
    t.type("}")
    # an address block: Shift+Enter between the tags
    t.para().type("{{modtager.navn}}")
    t.line_break()
    t.type("{{modtager.adresse}}")
    t.para().type("Dato:")
    t.tab()
    t.type("{{afgørelse.dato | dato}}")
    t.para().type("Læs mere i ")
    t.type("{{vejledning}}", link="https://www.soeby.dk/vejledning")
    t.type(".")


def parts(doc, body, page):
    """Tags in the first page's header and footer, the other pages' header (their footer has a page number), a
    footnote, an endnote, a frame and a text box."""
    header, footer = page.header(), page.footer()
    first_header, first_footer = page.first_header(), page.first_footer()
    first_header.para().type("{{kommune", bold=True)
    first_header.type(".navn}}")
    first_header.para().type("Sag {{sag.nr}}")
    first_footer.para().type("{{kommune.adresse}} · Telefon {{kommune.tele")
    first_footer.type("fon}}", italic=True)
    header.para().type("Sag {{sag.nr}} · {{modtager.na")
    header.type("vn}}", italic=True)
    footer.para().type("Side ")
    footer.page_number()
    t = body
    t.para().type("Kære {{modtager.navn}},")
    t.para().type("Vi har truffet afgørelse efter aktivlovens § 11.")
    fn = t.footnote()
    fn.para().type("Lovbekendtgørelse nr. {{lov.n")
    fn.type("r}} af {{lov.dato | dato}}.", italic=True)
    t.para().type("Du kan læse mere i vejledningen.")
    en = t.footnote("Endnote")
    en.para().type("Se {{vejledning.titel}}, afsnit {{vejledning.", bold=True)
    en.type("afsnit}}.")
    t.para().type("Kontakt:")
    box = t.frame()
    box.para().type("Sagsbehandler: {{sagsbehandler.na")
    box.type("vn}}", bold=True)
    box.para().type("Direkte telefon: {{sagsbehandler.telefon}}")
    t.para().type("Med venlig hilsen")
    box = t.text_box()
    box.para().type("{{kommune.navn}}, {{kommune.af", italic=True)
    box.type("deling}}")


def sections(doc, body, page):
    """Sections: standalone section paragraphs (one with a comment on the tag, one inside a bookmark), lists, a
    repeated table row, a table in a section, nesting, inverted sections, a frame in a repeated section."""
    t = body
    t.para().type("Kære {{modtager.navn}},")
    t.para().type("{{#en")
    t.type("lig}}", bold=True)
    t.para().type("Vi har set bort fra 10.000 kr., fordi du er enlig.")
    t.para().type("Det gælder fra {{fra | dato}}.")
    t.para().type("{{/enlig", italic=True)
    t.type("}}")
    t.para().type("Du får hjælp til:")
    t.para(BULLETED).type("{{#ydelser}}")
    t.para(BULLETED).type("{{navn}}: {{beløb | ", bold=True)
    t.type("kr}}")
    t.para(BULLETED).type("{{/ydelser}}")
    t.para().type("Bilag:")
    t.para().type("{{#bilag}}")
    t.para(NUMBERED).type("{{.}}")
    t.para().type("{{/bilag}}")
    t.para().type("Beregning:")

    def first_cell(c):
        c.type("{{#yd")
        c.type("elser}}", bold=True)
        c.type("{{navn}}")

    def second_cell(c):
        c.type("{{beløb | kr}}{{/yde")
        c.type("lser}}", italic=True)

    t.table([["Ydelse", "Beløb"], [first_cell, second_cell]])
    t.para().type("{{#tillæg}}")
    t.para().type("Særlige tillæg:")
    t.table([["Tillæg", "Beløb"], ["{{navn}}", "{{beløb | kr}}"]])
    t.para().type("{{/tillæg}}")
    t.para().comment("{{#børn}}", "Et afsnit pr. barn")
    t.para().type("{{navn}} ({{alder}} år)")
    t.frame(width=5000, height=1000).para().type("Barn: {{navn}}")
    t.para().type("{{#institution}}")
    t.para().type("Institution: {{na", underline=True)
    t.type("vn}}")
    t.para().type("{{/institution}}")
    t.para().bookmark("{{/børn}}", "boern_slut")
    t.para().type("{{^parts")
    t.type("repræsentant}}", bold=True)
    t.para().type("Du kan selv klage over afgørelsen.")
    t.para().type("{{/partsrepræsentant}}")
    t.para().type("Klagen sendes til os{{^partsrepræsentant}}{{/partsrepræsentant}}"
                  "{{#partsrepræsentant}} gennem {{partsrepræsentant}}{{/partsrepræsentant}}.")
    t.para().type("Med venlig hilsen")
    t.para().type("{{sagsbehandler}}")


def notes_in_sections(doc, body, page):
    """A footnote and an endnote in paragraphs that a section keeps or removes."""
    t = body
    t.para().type("Kære {{modtager.navn}},")
    t.para().type("{{#enlig}}")
    t.para().type("Vi har set bort fra 10.000 kr., fordi du er enlig.")
    t.footnote().para().type("Jf. aktivlovens § 25, stk. 2.")
    t.para().type("{{/enlig}}")
    t.para().type("{{^enlig}}")
    t.para().type("Vi har lagt din samlevers indtægt til din.")
    t.footnote("Endnote").para().type("Se {{vejledning}}.")
    t.para().type("{{/enlig}}")
    t.para().type("Med venlig hilsen")


def tables_in_sections(doc, body, page):
    """Two tables with only a section's paragraph between them: a table with a repeated row, and a table that a
    section keeps or removes."""
    t = body
    t.para().type("Beregning:")
    t.table([["Ydelse", "Beløb"], ["{{#ydelser}}{{navn}}", "{{beløb | kr}}{{/ydelser}}"]])
    t.para().type("{{#tillæg}}")
    t.table([["Tillæg", "Beløb"], ["{{navn}}", "{{beløb | kr}}"]])
    t.para().type("{{/tillæg}}")
    t.para().type("Med venlig hilsen")


def mergefields(doc, body, page):
    """An old-style mail-merge template: Writer's database fields, saved as MERGEFIELD fields."""
    page.header().para().merge_field("Kommune")
    t = body
    t.para().merge_field("Adresse")
    t.para().type("Kære ")
    t.merge_field("Fornavn")
    t.type(" ")
    t.merge_field("Efternavn")
    t.type(",")
    t.para().type("Sagsnummer: ")
    t.merge_field("Sagsnummer", bold=True)
    t.para().type("Vi har behandlet din ansøgning om ")
    t.merge_field("Ydelse")
    t.type(" fra {{ansøgningsdato | dato}}.")
    t.para().type("Med venlig hilsen")
    t.para().merge_field("Sagsbehandler")


def content_controls(doc, body, page):
    """Content controls as LibreOffice 7.4 makes them: without a tag or a title (it has no Alias/Tag)."""
    t = body
    t.para().type("Til ")
    t.content_control("{{modtager.navn}}")
    t.para().type("Begrundelse: ")
    t.content_control("Klik her for at skrive begrundelsen.", placeholder=True)
    t.para().type("Vi har modtaget ")
    t.content_control("din ansøgning")
    t.type(" den {{ansøgning.dato | dato}}.")


DOCUMENTS = {
    "tags-in-runs": tags_in_runs,
    "parts": parts,
    "sections": sections,
    "notes-in-sections": notes_in_sections,
    "tables-in-sections": tables_in_sections,
    "mergefields": mergefields,
    "content-controls": content_controls,
}


def make(ctx, name, build, outdir):
    """Types one document with build and saves it as OUTDIR/<name>.docx (written beside it, then renamed)."""
    # A document model without a view: Debian's libreoffice-writer-nogui lacks the dialog files that a view needs
    # to show a comment, and soffice aborts when a comment is inserted into a document that has one.
    doc = ctx.ServiceManager.createInstanceWithContext("com.sun.star.text.TextDocument", ctx)
    doc.initNew()
    try:
        ps = doc.StyleFamilies.getByName("ParagraphStyles")
        ps.getByName("Standard").setPropertyValue("CharFontName", FONT)
        ps.getByName("Standard").setPropertyValue("CharLocale", DANISH)
        build(doc, Typist(doc, doc.Text), Page(doc))
        dp = doc.DocumentProperties
        dp.Title = name
        dp.Author = dp.ModifiedBy = "klarbrev"
        dp.CreationDate = dp.ModificationDate = fixed_datetime()
        dp.Generator = ""
        dp.Language = DANISH
        out = os.path.join(outdir, name + ".docx")
        fd, tmp = tempfile.mkstemp(prefix="." + name + "-", suffix=".docx", dir=outdir)
        os.close(fd)
        try:
            os.chmod(tmp, 0o644)
            doc.storeToURL(uno.systemPathToFileUrl(os.path.abspath(tmp)),
                           (prop("FilterName", "MS Word 2007 XML"), prop("Overwrite", True)))
            os.replace(tmp, out)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        print("wrote " + out)
    finally:
        doc.close(True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("outdir")
    ap.add_argument("--profile", required=True, help="LibreOffice profile folder to use (made if missing)")
    ap.add_argument("--only", action="append", choices=sorted(DOCUMENTS), help="make only this document")
    a = ap.parse_args()
    proc, ctx = connect(a.profile)
    try:
        set_user_name(ctx, "klarbrev")
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        for name, build in DOCUMENTS.items():
            if not a.only or name in a.only:
                make(ctx, name, build, a.outdir)
        try:
            desktop.terminate()
        except DisposedException:
            pass  # soffice went away while answering: that is the end we asked for
    finally:
        stop(proc)


if __name__ == "__main__":
    main()
