#!/usr/bin/python3
"""Lists the comments of an OpenDocument text (.fodt flat XML, or .odt) as LibreOffice placed them.

    odt_comments.py FILE

One line per comment, in document order: the text the comment is anchored on (between office:annotation and the
office:annotation-end of the same name; empty for a comment on a point), a tab, the comment's author, a tab, and the
comment's text with its paragraphs joined by " | ". A footnote in the anchor shows as its mark. Tabs and line breaks inside either are shown as spaces. The CLI
tests (test_annotate.sh) convert an annotated letter with LibreOffice and compare these lines.
"""
import sys
import xml.etree.ElementTree as ET
import zipfile

NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "dc": "http://purl.org/dc/elements/1.1/",
}
ANN = "{%s}annotation" % NS["office"]
ANN_END = "{%s}annotation-end" % NS["office"]
NAME = "{%s}name" % NS["office"]
P = "{%s}p" % NS["text"]
H = "{%s}h" % NS["text"]
S = "{%s}s" % NS["text"]
C = "{%s}c" % NS["text"]
TAB = "{%s}tab" % NS["text"]
BR = "{%s}line-break" % NS["text"]
CREATOR = "{%s}creator" % NS["dc"]
NOTE = "{%s}note" % NS["text"]
CITATION = "{%s}note-citation" % NS["text"]


def plain(el):
    """The text of el (a paragraph of a comment), with LibreOffice's space, tab and line-break elements."""
    out = [el.text or ""]
    for c in el:
        if c.tag == S:
            out.append(" " * int(c.get(C, "1")))
        elif c.tag in (TAB, BR):
            out.append(" ")
        else:
            out.append(plain(c))
        out.append(c.tail or "")
    return "".join(out)


def main():
    path = sys.argv[1]
    if path.endswith(".odt"):
        with zipfile.ZipFile(path) as z:
            root = ET.fromstring(z.read("content.xml"))
    else:
        root = ET.parse(path).getroot()
    body = root.find("office:body", NS)
    comments = []  # [anchor parts, author, text]
    open_ = {}  # name -> index into comments

    def feed(s):
        for i in open_.values():
            comments[i][0].append(s)

    def walk(el):
        for c in el:
            if c.tag == ANN:
                author = c.findtext("dc:creator", "", NS)
                text = " | ".join(plain(p) for p in c if p.tag in (P, H))
                comments.append([[], author, text])
                if c.get(NAME):
                    open_[c.get(NAME)] = len(comments) - 1
            elif c.tag == ANN_END:
                open_.pop(c.get(NAME), None)
            elif c.tag == S:
                feed(" " * int(c.get(C, "1")))
            elif c.tag in (TAB, BR):
                feed(" ")
            elif c.tag == NOTE:
                feed(c.findtext("text:note-citation", "", NS))  # the mark, not the note's text
            else:
                feed(c.text or "")
                walk(c)
                if c.tag in (P, H):
                    feed(" ")  # a paragraph ends: a range over several reads as words apart
            feed(c.tail or "")

    walk(body)
    for anchor, author, text in comments:
        a = " ".join("".join(anchor).split())
        print(f"{a}\t{author}\t{' '.join(text.split())}")


if __name__ == "__main__":
    main()
