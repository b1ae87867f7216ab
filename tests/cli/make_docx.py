#!/usr/bin/env python3
"""make_docx.py OUT.docx [PARAGRAPH...] -- the smallest Word document a template author could save: one paragraph
per argument (or per line of standard input when there is none), each as one run, plus the parts Word needs to open
it. For tests that need a .docx template with given tags and nothing else. python3 stdlib only.
"""
import sys
import zipfile
from xml.sax.saxutils import escape

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CT = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
</Types>"""
RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
</Relationships>"""


def main(argv):
    if len(argv) < 2:
        sys.exit("usage: make_docx.py OUT.docx [PARAGRAPH...]")
    paras = argv[2:] if len(argv) > 2 else sys.stdin.read().splitlines()
    body = "".join('<w:p><w:r><w:t xml:space="preserve">%s</w:t></w:r></w:p>' % escape(p) for p in paras)
    doc = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="%s"><w:body>%s'
           '<w:sectPr/></w:body></w:document>' % (W, body))
    with zipfile.ZipFile(argv[1], "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CT)
        z.writestr("_rels/.rels", RELS)
        z.writestr("word/document.xml", doc)


if __name__ == "__main__":
    main(sys.argv)
