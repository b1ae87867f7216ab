#!/usr/bin/env bash
# The letter that fill writes opens in LibreOffice, and the PDF's text is the template's text with the values.
. "$(dirname "$0")/lib.sh"
SAMPLE=$KB_SRC/templates/afslag-kontanthjaelp
command -v soffice >/dev/null || { echo "soffice missing: run scripts/install-deps.sh"; exit 1; }

run "$KLARBREV" fill "$SAMPLE" "$SAMPLE/example.json" -o "$T/brev.docx"; expect_rc 0 "fill the sample"
run timeout 180 soffice --headless -env:UserInstallation="file://$T/profile" --convert-to pdf --outdir "$T" "$T/brev.docx"
expect_rc 0 "soffice converts the letter"
[ -s "$T/brev.pdf" ] && pass || fail "no PDF written"
pdftotext -layout "$T/brev.pdf" "$T/brev.pdf.txt" 2>/dev/null
# every paragraph of the letter's text appears in the PDF (compare without white space: the PDF wraps lines)
"$KLARBREV" text "$T/brev.docx" --all | grep -v '^# ' >"$T/paras.txt"
tr -d ' \t\n\f' <"$T/brev.pdf.txt" >"$T/pdf.flat"
missing=0
while IFS= read -r line; do
  flat=$(printf '%s' "$line" | tr -d ' \t')
  [ -z "$flat" ] && continue
  # the footer's page fields hold the page count Writer saved with the template; the PDF counts the letter's pages
  case $line in Side\ [0-9]*\ af\ [0-9]*) continue ;; esac
  grep -qF -- "$flat" "$T/pdf.flat" || { missing=$((missing + 1)); echo "    not in PDF: $line"; }
done <"$T/paras.txt"
[ "$missing" -eq 0 ] && pass || fail "$missing paragraphs of the letter are not in the PDF"
expect_not_in "$T/brev.pdf.txt" "{{" "no tag is left in the PDF"
finish
