#!/usr/bin/env bash
# PDF/A and plain text: fill --pdf/--txt and export write a PDF that declares PDF/A-2b and holds the letter's text,
# and a text file that is the letter's text; a missing or hanging LibreOffice, a blocked letter and bad names give
# exit codes 2, 2, 1, 2 and leave no file; two exports run at once, also while another LibreOffice is running.
. "$(dirname "$0")/lib.sh"
# klarbrev's work folders go here, so the end of the test can see that none is left behind
export TMPDIR=$T/tmp
mkdir -p "$TMPDIR"
SAMPLE=$KB_SRC/templates/afslag-kontanthjaelp
command -v soffice >/dev/null || { echo "soffice missing: run scripts/install-deps.sh"; exit 1; }
command -v pdfinfo >/dev/null || { echo "pdfinfo missing: run scripts/install-deps.sh"; exit 1; }
export KLARBREV_CONFIG=

# is_pdfa2b PDF: the XMP metadata declares PDF/A part 2, conformance B
is_pdfa2b() {
  pdfinfo -meta "$1" 2>/dev/null | tr -d ' \n' >"$T/meta"
  grep -qF '<pdfaid:part>2</pdfaid:part>' "$T/meta" && grep -qF '<pdfaid:conformance>B</pdfaid:conformance>' "$T/meta"
}

# same_text PDF DOCX: the PDF's text (pdftotext) is the letter's text: the body, with the header and footer on each
# page taken out, white space normalised (the PDF breaks lines where the page ends them)
same_text() {
  pdftotext -layout "$1" "$T/pdf.txt" 2>/dev/null
  "$KLARBREV" text "$2" --all >"$T/letter.txt"
  /usr/bin/python3 - "$T/pdf.txt" "$T/letter.txt" <<'EOF'
import re, sys


def norm(s):
    # white space as one space; none after a hyphen, where the PDF may break a line ("2026-" / "048127"); the
    # footer's page fields as one pattern (the letter holds the count Writer saved, the PDF the letter's own)
    return re.sub(r"Side \d+ af \d+", "Side # af #", re.sub(r"- ", "-", " ".join(s.split())))


pdf = norm(open(sys.argv[1], encoding="utf-8").read())
parts, cur = {}, None
for line in open(sys.argv[2], encoding="utf-8").read().split("\n"):
    if line.startswith("# "):
        cur = line.split()[1]
        continue
    if line.strip():
        parts.setdefault(cur, []).append(norm(line))
body = " ".join(parts.get("body", []))
for kind in ("header", "footer"):  # each page repeats them: take out every copy
    block = " ".join(parts.get(kind, []))
    if block:
        pdf = norm(pdf.replace(block, " "))
if pdf != body:
    import difflib
    for d in difflib.unified_diff(body.split(". "), pdf.split(". "), "letter", "pdf", lineterm="", n=0):
        print("    " + d)
    sys.exit(1)
EOF
}

# ---- fill --pdf --txt: the letter, its PDF/A and its text, from one run
run "$KLARBREV" fill "$SAMPLE" "$SAMPLE/example.json" -o "$T/brev.docx" --pdf "$T/brev.pdf" --txt "$T/brev.txt"
expect_rc 0 "fill --pdf --txt"
[ -s "$T/brev.docx" ] && [ -s "$T/brev.pdf" ] && [ -s "$T/brev.txt" ] && pass || fail "fill wrote the letter, PDF and text"
grep -o 'LibreOffice brugte [0-9,]* s' "$T/stderr" | sed 's/^/    fill --pdf: /'
is_pdfa2b "$T/brev.pdf" && pass || fail "the PDF declares PDF/A-2b (pdfaid:part 2, conformance B)"
pdfinfo "$T/brev.pdf" | grep -q '^Tagged: *yes' && pass || fail "the PDF is tagged"
same_text "$T/brev.pdf" "$T/brev.docx" && pass || fail "the PDF's text is the letter's text"
# the text file: the body's paragraphs with a blank line between them; a line break in a paragraph stays one
"$KLARBREV" text "$T/brev.docx" | awk 'NR > 1 { print "" } { print }' >"$T/want.txt"
one_line_paragraphs() { awk 'BEGIN { RS = ""; ORS = "\n\n" } { gsub(/\n/, " "); print }' "$1" | sed '$d'; }
expect_same <(one_line_paragraphs "$T/brev.txt") "$T/want.txt" "--txt is the letter's paragraphs separated by blank lines"
grep -qx "4470 Søby" "$T/brev.txt" && pass || fail "--txt keeps the line break in the address"
iconv -f UTF-8 -t UTF-8 "$T/brev.txt" >/dev/null && pass || fail "--txt is UTF-8"

# ---- export: a checked letter as PDF/A or text
run "$KLARBREV" export "$T/brev.docx" "$T/export.pdf"; expect_rc 0 "export to .pdf"
is_pdfa2b "$T/export.pdf" && pass || fail "export writes PDF/A-2b"
same_text "$T/export.pdf" "$T/brev.docx" && pass || fail "the exported PDF's text is the letter's text"
run "$KLARBREV" export "$T/brev.docx" "$T/export.txt"; expect_rc 0 "export to .txt"
cmp -s "$T/export.txt" "$T/brev.txt" && pass || fail "export to .txt is what fill --txt writes"
printf 'Du får ikke hjælp.\n\nVi har behandlet din ansøgning.\n' >"$T/kort.txt"
run "$KLARBREV" export "$T/kort.txt" "$T/kort.out.txt" --no-plugins; expect_rc 0 "export a .txt letter to .txt"
printf 'Du får ikke hjælp.\n\nVi har behandlet din ansøgning.\n' | cmp -s - "$T/kort.out.txt" && pass ||
  fail "a .txt letter exports as its paragraphs"

# ---- two exports at once, while another LibreOffice is running with a profile of its own
setsid soffice --headless --invisible --norestore -env:UserInstallation="file://$T/user-profile" \
  --accept="pipe,name=klarbrev_test_$$;urp;" >/dev/null 2>&1 &
other=$!
sleep 2
"$KLARBREV" export "$T/brev.docx" "$T/a.pdf" >/dev/null 2>"$T/a.err" &
pa=$!
"$KLARBREV" export "$T/brev.docx" "$T/b.pdf" >/dev/null 2>"$T/b.err" &
pb=$!
wait $pa; ra=$?
wait $pb; rb=$?
[ $ra -eq 0 ] && [ $rb -eq 0 ] && pass || { fail "two exports at once: exit codes $ra and $rb"; cat "$T/a.err" "$T/b.err"; }
is_pdfa2b "$T/a.pdf" && is_pdfa2b "$T/b.pdf" && pass || fail "both exports at once wrote PDF/A"
kill -0 $other 2>/dev/null && pass || fail "the other LibreOffice kept running"
kill -- -$other 2>/dev/null
wait $other 2>/dev/null

# ---- a missing LibreOffice: exit 2, a Danish message, nothing written
mkdir -p "$T/empty" "$T/out"
run env PATH="$T/empty" "$KLARBREV" export "$T/brev.docx" "$T/out/x.pdf"
expect_rc 2 "export without LibreOffice in PATH"
expect_in "$T/stderr" "LibreOffice findes ikke" "a missing LibreOffice is said in Danish"
expect_in "$T/stderr" "KLARBREV_SOFFICE" "the message says how to point at LibreOffice"
run env PATH="$T/empty" "$KLARBREV" fill "$SAMPLE" "$SAMPLE/example.json" -o "$T/out/y.docx" --pdf "$T/out/y.pdf"
expect_rc 2 "fill --pdf without LibreOffice"
[ -z "$(ls -A "$T/out")" ] && pass || { fail "nothing is written without LibreOffice"; ls -A "$T/out"; }

# ---- a conversion that hangs is stopped at the time limit; one that fails or makes no PDF is reported
cat >"$T/hanging-soffice-$$" <<'EOF'
#!/bin/sh
sleep 300
EOF
printf '#!/bin/sh\necho "Error: source file could not be loaded" >&2\nexit 1\n' >"$T/failing-soffice"
printf '#!/bin/sh\nexit 0\n' >"$T/silent-soffice"
chmod +x "$T/hanging-soffice-$$" "$T/failing-soffice" "$T/silent-soffice"
start=$(date +%s)
run env KLARBREV_SOFFICE="$T/hanging-soffice-$$" KLARBREV_PDF_TIMEOUT=2 "$KLARBREV" export "$T/brev.docx" "$T/out/h.pdf"
took=$(($(date +%s) - start))
expect_rc 2 "a hanging conversion"
expect_in "$T/stderr" "inden for 2 sekunder og er stoppet" "the time limit is said in Danish"
[ "$took" -lt 30 ] && pass || fail "the time limit held ($took s)"
grep -qs "hanging-[s]office-$$" /proc/[0-9]*/cmdline && fail "the stopped converter is still running" || pass
run env KLARBREV_SOFFICE="$T/failing-soffice" "$KLARBREV" export "$T/brev.docx" "$T/out/f.pdf"
expect_rc 2 "a failing conversion"
expect_in "$T/stderr" "afslutningskode 1: Error: source file could not be loaded" "the converter's own words are shown"
run env KLARBREV_SOFFICE="$T/silent-soffice" "$KLARBREV" export "$T/brev.docx" "$T/out/s.pdf"
expect_rc 2 "a conversion that makes no PDF"
expect_in "$T/stderr" "LibreOffice lavede ingen PDF" "no PDF is said in Danish"
run env KLARBREV_PDF_TIMEOUT=soon "$KLARBREV" export "$T/brev.docx" "$T/out/t.pdf"
expect_rc 2 "a bad KLARBREV_PDF_TIMEOUT"
[ -z "$(ls -A "$T/out")" ] && pass || { fail "no partial PDF is left"; ls -A "$T/out"; }

# ---- the gate: an error finding blocks the export; --force is the only way past it
mkdir -p "$T/data/plugins"
ln -s "$KB_SRC/dictionaries" "$T/data/dictionaries"
printf 'return { id = "broken", on_sentence = function(s, report) error("boom") end }\n' >"$T/data/plugins/broken.lua"
run "$KLARBREV" export "$T/brev.docx" "$T/out/blocked.pdf" --data-dir "$T/data"
expect_rc 1 "export of a letter with an error finding"
expect_in "$T/stderr" "er ikke gemt, fordi tjekket fandt 1 fejl" "the blocked export says why"
[ ! -e "$T/out/blocked.pdf" ] && pass || fail "a blocked export writes no PDF"
run "$KLARBREV" fill "$SAMPLE" "$SAMPLE/example.json" --pdf "$T/out/blocked2.pdf" --txt "$T/out/b.txt" --data-dir "$T/data"
expect_rc 1 "fill --pdf of a letter with an error finding"
[ -z "$(ls -A "$T/out")" ] && pass || { fail "a blocked fill writes no PDF and no text"; ls -A "$T/out"; }
run "$KLARBREV" export "$T/brev.docx" "$T/out/forced.pdf" --data-dir "$T/data" --force
expect_rc 0 "export --force past the error"
is_pdfa2b "$T/out/forced.pdf" && pass || fail "--force writes the PDF"

# ---- bad use
run "$KLARBREV" export "$T/brev.docx" "$T/out/brev.doc"; expect_rc 2 "export to an unknown type"
run "$KLARBREV" export "$T/kort.txt" "$T/out/kort.pdf"; expect_rc 2 "a .txt letter as PDF"
expect_in "$T/stderr" ".txt-brev" "a .txt letter as PDF says why"
run "$KLARBREV" fill "$SAMPLE" "$SAMPLE/example.json" --pdf "$T/out/brev.docx"; expect_rc 2 "--pdf with a name that is not .pdf"
run "$KLARBREV" export "$T/kort.txt" "$T/kort.txt"; expect_rc 2 "export onto the letter itself"
run "$KLARBREV" export "$T/brev.docx"; expect_rc 2 "export without a target"
run "$KLARBREV" export --help; expect_rc 0 "export --help"
expect_in "$T/stdout" "Eksempel" "export --help has an example"
left=$(ls -A "$TMPDIR" | grep '^klarbrev-pdf\.' || true)
[ -z "$left" ] && pass || fail "work folders are left: $left"
finish
