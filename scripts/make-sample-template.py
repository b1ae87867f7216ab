#!/usr/bin/python3
"""Builds a letter template (.docx) in LibreOffice Writer, driven through UNO, from a line-based source file.

    make-sample-template.py SOURCE.txt OUT.docx --profile DIR [--title TITLE]

Writer itself makes the document: A4 page with a header and a footer, Writer's built-in paragraph styles (Title,
Heading 1, Text body, Addressee, Signature, Header right, Footer) set up for a Danish letter, one paragraph per source
line; then Writer saves it with its "MS Word 2007 XML" filter. The source format is described at the top of
templates/afslag-kontanthjaelp/source/letter.txt; consecutive "row: cell | cell" lines make one table (cells are
split at " | " outside tags, so {{beløb | kr}} stays one cell). Needs /usr/bin/python3 with the uno module (Debian: python3-uno).
scripts/make-sample-template.sh is the usual way to run it (temporary LibreOffice profile, checks afterwards).
"""
import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time

import uno
from com.sun.star.awt.FontWeight import BOLD
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException
from com.sun.star.lang import DisposedException, Locale
from com.sun.star.style.ParagraphAdjust import CENTER, LEFT, RIGHT
from com.sun.star.text.ControlCharacter import PARAGRAPH_BREAK
from com.sun.star.util import DateTime

# short name in the source -> Writer paragraph style (programmatic name) and direct paragraph settings
STYLES = {
    "title": ("Title", {}),
    "h1": ("Heading 1", {}),
    "body": ("Text body", {}),
    "address": ("Addressee", {}),
    "date": ("Standard", {"ParaAdjust": RIGHT, "ParaTopMargin": 600, "ParaBottomMargin": 900}),
    "signature": ("Signature", {}),
    "header": ("Header right", {}),
    "footer": ("Footer", {}),
}
SECTIONS = ("header", "footer", "body")
# every direct setting some style uses; reset on each new paragraph so none carries over to the next
DIRECT = sorted({k for _, d in STYLES.values() for k in d})

FONT = "Arial"  # what Word users have; LibreOffice shows a metric-compatible font (Liberation Sans) or its fallback
DANISH = Locale("da", "DK", "")
FIXED_DATE = (2026, 1, 1)  # document properties' dates, so regenerating does not change them


def fail(msg):
    sys.exit("make-sample-template: " + msg)


def parse(path):
    """Returns {"header": [(style, text)], "footer": [...], "body": [...]} from the source file."""
    out = {s: [] for s in SECTIONS}
    section = None
    with open(path, encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            line = raw.rstrip("\r\n")
            if not line.strip() or line.startswith(";"):
                continue
            if line.startswith("@"):
                section = line[1:].strip()
                if section not in SECTIONS:
                    fail(f"{path}:{n}: unknown section {line!r}; use @header, @footer or @body")
                continue
            style, sep, text = line.partition(":")
            style = style.strip()
            if not sep or (style not in STYLES and style != "row"):
                fail(f"{path}:{n}: write STYLE: text, where STYLE is one of {', '.join(STYLES)} or row")
            if section is None:
                fail(f"{path}:{n}: a paragraph before @header, @footer or @body")
            out[section].append((style, text.strip()))
    if not out["body"]:
        fail(f"{path}: no @body paragraphs")
    return out


def prop(name, value):
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


def connect(profile, timeout=120):
    """Starts a headless soffice of our own (new process group) and returns (process, component context)."""
    pipe = f"klarbrev_{os.getpid()}"
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
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            return proc, ctx
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


def setup_styles(doc):
    ps = doc.StyleFamilies.getByName("ParagraphStyles")

    def style(name, **props):
        s = ps.getByName(name)
        for k, v in props.items():
            s.setPropertyValue(k, v)

    style("Standard", CharFontName=FONT, CharHeight=11.0, CharLocale=DANISH, ParaIsHyphenation=False)
    style("Heading", CharFontName=FONT)
    style("Title", CharFontName=FONT, CharHeight=18.0, CharWeight=BOLD, ParaAdjust=LEFT,
          ParaTopMargin=0, ParaBottomMargin=300)
    style("Heading 1", CharHeight=13.0, CharWeight=BOLD, ParaTopMargin=420, ParaBottomMargin=120)
    style("Text body", ParaTopMargin=0, ParaBottomMargin=250)
    style("Addressee", ParaBottomMargin=0)
    style("Signature", ParaTopMargin=0, ParaBottomMargin=0)
    style("Header right", CharHeight=9.0)
    style("Footer", CharHeight=8.0, ParaAdjust=CENTER)


def setup_page(doc):
    page = doc.StyleFamilies.getByName("PageStyles").getByName("Standard")
    for k, v in dict(Width=21000, Height=29700, LeftMargin=2500, RightMargin=2500, TopMargin=1500,
                     BottomMargin=1500, HeaderIsOn=True, FooterIsOn=True, HeaderBodyDistance=800,
                     FooterBodyDistance=600).items():
        page.setPropertyValue(k, v)
    return page


def split_cells(line):
    """Splits a "row:" line at " | " outside {{ }} tags."""
    cells, depth, start, i = [], 0, 0, 0
    while i < len(line):
        if line.startswith("{{", i):
            depth, i = depth + 1, i + 2
        elif line.startswith("}}", i) and depth:
            depth, i = depth - 1, i + 2
        elif depth == 0 and line.startswith(" | ", i):
            cells.append(line[start:i].strip())
            start = i = i + 3
        else:
            i += 1
    cells.append(line[start:].strip())
    return cells


def write_table(doc, text, cur, rows):
    """Inserts a table at the cursor, one row per "row:" line; the first row gets the table heading style."""
    cols = max(len(r) for r in rows)
    table = doc.createInstance("com.sun.star.text.TextTable")
    table.initialize(len(rows), cols)
    text.insertTextContent(cur, table, False)
    for r, row in enumerate(rows):
        for c in range(cols):
            cell = table.getCellByPosition(c, r)
            cell.createTextCursor().ParaStyleName = "Table Heading" if r == 0 else "Table Contents"
            cell.setString(row[c] if c < len(row) else "")


def write_paragraphs(doc, text, paragraphs):
    """Replaces the content of the Writer text (body, header or footer) with the paragraphs and tables."""
    cur = text.createTextCursor()
    cur.gotoStart(False)
    cur.gotoEnd(True)
    cur.setString("")
    need_break = False
    i = 0
    while i < len(paragraphs):
        short, content = paragraphs[i]
        if short == "row":
            rows = []
            while i < len(paragraphs) and paragraphs[i][0] == "row":
                rows.append(split_cells(paragraphs[i][1]))
                i += 1
            if need_break:
                text.insertControlCharacter(cur, PARAGRAPH_BREAK, False)
            # Writer puts the table before the cursor's paragraph, which becomes the next paragraph after the table
            write_table(doc, text, cur, rows)
            need_break = False
            continue
        i += 1
        if need_break:
            text.insertControlCharacter(cur, PARAGRAPH_BREAK, False)
        need_break = True
        name, direct = STYLES[short]
        cur.setPropertiesToDefault(DIRECT)
        cur.ParaStyleName = name
        for k, v in direct.items():
            cur.setPropertyValue(k, v)
        insert_with_fields(doc, text, cur, content)


# "[[side]]" and "[[sider]]" in a source line: Writer's page number and page count fields (PAGE and NUMPAGES in the
# saved DOCX), for "footer: Side [[side]] af [[sider]]"
FIELDS = {"[[side]]": "com.sun.star.text.TextField.PageNumber", "[[sider]]": "com.sun.star.text.TextField.PageCount"}


def insert_with_fields(doc, text, cur, content):
    """Inserts content at cur, with [[side]] and [[sider]] as page number fields."""
    rest = content
    while rest:
        at, marker = min(((rest.find(m), m) for m in FIELDS if rest.find(m) >= 0), default=(-1, None))
        if marker is None:
            text.insertString(cur, rest, False)
            return
        if at:
            text.insertString(cur, rest[:at], False)
        field = doc.createInstance(FIELDS[marker])
        field.NumberingType = 4  # com.sun.star.style.NumberingType.ARABIC
        if marker == "[[side]]":
            field.SubType = uno.Enum("com.sun.star.text.PageNumberType", "CURRENT")
        text.insertTextContent(cur, field, False)
        rest = rest[at + len(marker):]


def set_properties(doc, title):
    dp = doc.DocumentProperties
    when = DateTime()
    when.Year, when.Month, when.Day = FIXED_DATE
    dp.Title = title
    dp.Author = "klarbrev"
    dp.ModifiedBy = "klarbrev"
    dp.CreationDate = when
    dp.ModificationDate = when
    dp.Generator = ""
    dp.Language = DANISH


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("source")
    ap.add_argument("out")
    ap.add_argument("--profile", required=True, help="LibreOffice profile folder to use (made if missing)")
    ap.add_argument("--title", default="", help="the document's title property")
    a = ap.parse_args()

    content = parse(a.source)
    proc, ctx = connect(a.profile)
    tmp = None
    try:
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        doc = desktop.loadComponentFromURL("private:factory/swriter", "_blank", 0, (prop("Hidden", True),))
        setup_styles(doc)
        page = setup_page(doc)
        write_paragraphs(doc, page.HeaderText, content["header"])
        write_paragraphs(doc, page.FooterText, content["footer"])
        write_paragraphs(doc, doc.Text, content["body"])
        set_properties(doc, a.title)
        # Writer counts words in the background; ask for the counts now so every run saves the same statistics
        doc.CurrentController.PageCount, doc.WordCount, doc.CharacterCount, doc.ParagraphCount
        # save next to the target, then rename: a failed run leaves the old letter.docx as it was
        fd, tmp = tempfile.mkstemp(prefix=".letter-", suffix=".docx", dir=os.path.dirname(os.path.abspath(a.out)))
        os.close(fd)
        os.chmod(tmp, 0o644)
        doc.storeToURL(uno.systemPathToFileUrl(tmp), (prop("FilterName", "MS Word 2007 XML"), prop("Overwrite", True)))
        doc.close(True)
        os.replace(tmp, a.out)
        tmp = None
        try:
            desktop.terminate()
        except DisposedException:
            pass  # soffice went away while answering: that is the end we asked for
    finally:
        if tmp and os.path.exists(tmp):
            os.unlink(tmp)
        stop(proc)


if __name__ == "__main__":
    main()
