#!/usr/bin/env python3
"""make_list_loops.py OUT.docx -- a Word template like docxtemplater's examples/tag-product-loop.docx (not in
../shared/fixtures): three nested loops, {#products} > {#advantages} > {#proofs}, over numbered-list paragraphs
(w:numPr, three list levels), each loop tag alone in its paragraph, tags split over runs by proofing marks and a
bookmark, and the three loops once more inline in one bullet paragraph. A template of this shape used to make klarbrev
write a corrupt letter; test_sweep.sh fills it with "{ }" delimiters like the real files. python3 stdlib only.
"""
import sys, zipfile
W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main'
def run(t, rpr=''):
    return '<w:r>%s<w:t xml:space="preserve">%s</w:t></w:r>' % (rpr, t)
def para(runs, lvl=None, num=1):
    ppr = '' if lvl is None else '<w:pPr><w:pStyle w:val="ListParagraph"/><w:numPr><w:ilvl w:val="%d"/><w:numId w:val="%d"/></w:numPr></w:pPr>' % (lvl, num)
    return '<w:p>%s%s</w:p>' % (ppr, ''.join(runs))
# tags split over runs the way Word leaves them (proofing marks, a bookmark, a revision id)
pe = '<w:proofErr w:type="spellStart"/>'
body = [
    para([run('Produkter:')]),
    para([run('{#'), pe, run('products'), '<w:proofErr w:type="spellEnd"/>', run('}')], 0),
    para([run('{'), run('name', '<w:rPr><w:b/></w:rPr>'), run('}'), run(' koster '), run('{price}')], 0),
    para([run('{#advantages}')], 1),
    para([run('Fordel: '), run('{ti'), '<w:bookmarkStart w:id="0" w:name="x"/>', run('tle}'), '<w:bookmarkEnd w:id="0"/>'], 1),
    para([run('{#proofs}')], 2),
    para([run('Bevis: {proof}')], 2),
    para([run('{/proofs}')], 2),
    para([run('{/advantages}')], 1),
    para([run('{/'), run('products}')], 0),
    para([run('{#products}{name}{#advantages}, {title}{/advantages}{/products}')], 0, 2),
    para([run('Slut.')]),
]
doc = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="%s" '
       'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>%s'
       '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>') % (W, ''.join(body))
def absnum(i, fmts):
    lv = ''.join('<w:lvl w:ilvl="%d"><w:start w:val="1"/><w:numFmt w:val="%s"/><w:lvlText w:val="%%%d."/>'
                 '<w:lvlJc w:val="left"/><w:pPr><w:ind w:left="%d" w:hanging="360"/></w:pPr></w:lvl>'
                 % (k, f, k + 1, 720 * (k + 1)) for k, f in enumerate(fmts))
    return '<w:abstractNum w:abstractNumId="%d"><w:multiLevelType w:val="hybridMultilevel"/>%s</w:abstractNum>' % (i, lv)
numbering = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:numbering xmlns:w="%s">%s%s'
             '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num><w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>'
             '</w:numbering>') % (W, absnum(0, ['decimal', 'lowerLetter', 'lowerRoman']), absnum(1, ['bullet']))
styles = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:styles xmlns:w="%s"><w:style w:type="paragraph" '
          'w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style><w:style w:type="paragraph" '
          'w:styleId="ListParagraph"><w:name w:val="List Paragraph"/><w:basedOn w:val="Normal"/><w:pPr><w:ind w:left="720"/>'
          '</w:pPr></w:style></w:styles>') % W
ct = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
      '<Default Extension="xml" ContentType="application/xml"/>'
      '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
      '<Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/>'
      '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
      '</Types>')
R = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'
rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="%s/officeDocument" Target="word/document.xml"/></Relationships>') % R
drels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="%s/numbering" Target="numbering.xml"/>'
         '<Relationship Id="rId2" Type="%s/styles" Target="styles.xml"/></Relationships>') % (R, R)
with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:
    z.writestr('[Content_Types].xml', ct)
    z.writestr('_rels/.rels', rels)
    z.writestr('word/document.xml', doc)
    z.writestr('word/_rels/document.xml.rels', drels)
    z.writestr('word/numbering.xml', numbering)
    z.writestr('word/styles.xml', styles)
