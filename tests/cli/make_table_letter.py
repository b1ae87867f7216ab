# Writes a small Word letter with a table (a header row, a row with two paragraphs in one cell, a row with an
# empty cell and a misspelt word) for tests/cli/test_text_tables.sh.
import sys, zipfile
W='xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
def p(t): return '<w:p><w:r><w:t xml:space="preserve">%s</w:t></w:r></w:p>' % t
def tc(*ps): return '<w:tc>' + ''.join(p(x) for x in ps) + '</w:tc>'
body = (p('Kære Jens Hansen') +
        '<w:tbl>' +
        '<w:tr>' + tc('Ydelse') + tc('Beløb') + tc('Periode') + '</w:tr>' +
        '<w:tr>' + tc('Kontanthjælp') + tc('12.000 kr.') + tc('1. marts', 'til 31. maj') + '</w:tr>' +
        '<w:tr>' + tc('Boligstøtte') + tc('') + tc('Ansøgnig afvist') + '</w:tr>' +
        '</w:tbl>' + p('Med venlig hilsen'))
z = zipfile.ZipFile(sys.argv[1], 'w')
z.writestr('[Content_Types].xml', '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
z.writestr('_rels/.rels', '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
z.writestr('word/document.xml', '<?xml version="1.0" encoding="UTF-8"?><w:document %s><w:body>%s</w:body></w:document>' % (W, body))
z.close()
