#!/usr/bin/env bash
# Regenerates the Word test documents in tests/data/word/ with LibreOffice Writer (driven through UNO by
# scripts/make-test-documents.py), then checks that each saved document still holds the Word structure it is there
# to test: tags split over runs, a bookmark, a comment and tracked changes inside tags, two headers and footers,
# footnotes, endnotes, text boxes stored twice (mc:AlternateContent with a VML fallback), lists, tables, MERGEFIELD
# fields and content controls. A newer LibreOffice that saves any of them differently makes this script fail rather
# than quietly weaken the tests.
#
# A maintainer step: the documents are committed, and tests/unit/test_word_documents.c reads them. The hand-written
# cases and expectations next to them (tests/data/word/README.md) do not change; check them when a document does.
# Needs soffice (libreoffice-writer-nogui) and /usr/bin/python3 with the uno module (Debian: python3-uno).
#   scripts/make-test-documents.sh              # every document
#   scripts/make-test-documents.sh --only parts # one (repeatable)
set -euo pipefail
cd "$(dirname "$0")/.."
out=tests/data/word

command -v soffice >/dev/null 2>&1 || {
  echo "make-test-documents: soffice is missing; run scripts/install-deps.sh" >&2
  exit 2
}
/usr/bin/python3 -c 'import uno' 2>/dev/null || {
  echo "make-test-documents: /usr/bin/python3 has no uno module; install it: sudo apt-get install python3-uno" >&2
  exit 2
}

work=$(mktemp -d "${TMPDIR:-/tmp}/klarbrev-testdocs.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
timeout 600 /usr/bin/python3 scripts/make-test-documents.py "$out" --profile "$work/profile" "$@"

/usr/bin/python3 - "$out" <<'EOF'
import re, sys, zipfile

out = sys.argv[1]
# document -> (part, what must be in its XML, why)
NEEDS = {
    "tags-in-runs": [
        ("word/document.xml", "<w:t>tager.na</w:t>", "a tag split over runs with other formatting"),
        ("word/document.xml", '<w:bookmarkStart w:id="0" w:name="ydelse"/>', "a bookmark inside a tag"),
        ("word/document.xml", "<w:commentRangeStart ", "a comment anchored inside a tag"),
        ("word/comments.xml", "<w:comment ", "the comment itself"),
        ("word/document.xml", "<w:ins ", "a tracked insertion inside a tag"),
        ("word/document.xml", "<w:delText>x</w:delText>", "a tracked deletion inside a tag"),
        ("word/document.xml", "“kort”", "curly quotes around a formatter argument"),
        ("word/document.xml", "<w:br/>", "a line break between two tags"),
        ("word/document.xml", "<w:hyperlink ", "a tag that is a hyperlink's text"),
    ],
    "parts": [
        ("word/header1.xml", "{{modtager.na", "a tag in the header"),
        ("word/header2.xml", "{{kommune", "a tag in the first page's header"),
        ("word/footer1.xml", " PAGE ", "a page number in the footer"),
        ("word/footer2.xml", "{{kommune.tele", "a tag in the first page's footer"),
        ("word/footnotes.xml", "{{lov.n", "a tag in a footnote"),
        ("word/endnotes.xml", "{{vejledning.", "a tag in an endnote"),
        ("word/document.xml", "<mc:Fallback>", "a text box stored twice"),
        ("word/document.xml", "<v:textbox", "the text box's VML copy"),
    ],
    "sections": [
        ("word/document.xml", "<w:numId w:val=\"1\"/>", "a bulleted list"),
        ("word/document.xml", "<w:numId w:val=\"2\"/>", "a numbered list"),
        ("word/document.xml", "<w:tbl>", "tables"),
        ("word/document.xml", "<w:commentRangeStart ", "a comment on a section tag"),
        ("word/document.xml", "<mc:Fallback>", "a text box in a section"),
    ],
    "notes-in-sections": [
        ("word/footnotes.xml", "Jf. aktivlovens", "a footnote in a section"),
        ("word/endnotes.xml", "{{vejledning}}", "an endnote in a section"),
    ],
    "tables-in-sections": [
        ("word/document.xml", "<w:tbl>", "tables"),
    ],
    "mergefields": [
        ("word/document.xml", " MERGEFIELD Fornavn ", "a mail-merge field"),
        ("word/header1.xml", " MERGEFIELD Kommune ", "a mail-merge field in the header"),
        ("word/document.xml", "«Fornavn»", "the field's shown result"),
    ],
    "content-controls": [
        ("word/document.xml", "<w:sdt>", "content controls"),
        ("word/document.xml", "<w:showingPlcHdr/>", "a content control showing its placeholder"),
    ],
}
problems = []
for doc, needs in NEEDS.items():
    try:
        z = zipfile.ZipFile(f"{out}/{doc}.docx")
    except FileNotFoundError:
        continue  # not made this time (--only)
    names = z.namelist()
    for part, what, why in needs:
        if part not in names:
            problems.append(f"{doc}.docx has no {part} ({why})")
        elif what not in z.read(part).decode("utf-8"):
            problems.append(f"{doc}.docx: {part} lacks {what!r} ({why})")
    # the tag must really be split: no run holds "{{modtager.navn}}" whole in tags-in-runs' third paragraph
    if doc == "tags-in-runs" and "Kære {{modtager.navn}}" in z.read("word/document.xml").decode("utf-8"):
        problems.append("tags-in-runs.docx: Writer merged the split tag into one run")
if problems:
    sys.exit("make-test-documents: " + "\n  ".join(["the documents lack what the tests need:"] + problems))
print("checked: each document holds the Word structures its tests need")
EOF
echo "now run the tests: cd build && ctest -R word_documents"
