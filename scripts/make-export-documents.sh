#!/usr/bin/env bash
# Regenerates tests/data/export/annotate.docx, the hand-written letter that tests/cli/test_annotate.sh annotates,
# with LibreOffice Writer (driven through UNO by scripts/make-export-documents.py), then checks that the saved file
# still holds what the test is about: a word typed in two runs (bold, then italic), a table, a header and a footer,
# a footnote, a text box, and a comment by another author.
#
# A maintainer step: the document is committed. Needs soffice (libreoffice-writer-nogui) and /usr/bin/python3 with
# the uno module (Debian: python3-uno).
#   scripts/make-export-documents.sh
set -euo pipefail
cd "$(dirname "$0")/.."
out=tests/data/export

command -v soffice >/dev/null 2>&1 || { echo "make-export-documents: soffice is missing; run scripts/install-deps.sh" >&2; exit 2; }
/usr/bin/python3 -c 'import uno' 2>/dev/null || {
  echo "make-export-documents: /usr/bin/python3 has no uno module; install it: sudo apt-get install python3-uno" >&2
  exit 2
}
work=$(mktemp -d "${TMPDIR:-/tmp}/klarbrev-exportdocs.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
timeout 600 /usr/bin/python3 scripts/make-export-documents.py "$out" --profile "$work/profile"

/usr/bin/python3 - "$out/annotate.docx" <<'EOF'
import re, sys, zipfile

with zipfile.ZipFile(sys.argv[1]) as z:
    names = z.namelist()
    doc = z.read("word/document.xml").decode("utf-8")
    problems = []
    def need(cond, why):
        if not cond:
            problems.append(why)
    need(re.search(r"<w:b/>.*?<w:t>ansøg</w:t>.*?<w:i/>.*?<w:t>nig</w:t>", doc), "ansøg (bold) and nig (italic) in two runs")
    need("<w:tbl>" in doc and "opsparingskonnto" in doc, "a table with the misspelled word")
    need("<w:txbxContent>" in doc and "telefn" in doc, "a text box with a misspelled word")
    need("<w:footnoteReference" in doc, "a footnote reference")
    need("word/comments.xml" in names and "Hanne Jensen" in z.read("word/comments.xml").decode("utf-8"),
         "a comment by Hanne Jensen")
    need("word/footnotes.xml" in names and "bekendtgørelsn" in z.read("word/footnotes.xml").decode("utf-8"), "the footnote")
    heads = [n for n in names if re.match(r"word/(header|footer)\d*\.xml$", n)]
    text = "".join(z.read(n).decode("utf-8") for n in heads)
    need("Kommne" in text and "Telefn" in text, "a header and a footer with misspelled words")
if problems:
    sys.exit("make-export-documents: annotate.docx lacks: " + "; ".join(problems))
print("annotate.docx: split runs, table, text box, footnote, header, footer and a colleague's comment are there")
EOF
