#!/usr/bin/env bash
# test_batch_pdf.sh -- klarbrev batch --pdf: each written letter also as PDF/A-2b beside it (LibreOffice started once
# per chunk, not per letter), no PDF for a blocked case. Skipped when LibreOffice is not installed.
. "$(dirname "$0")/lib.sh"
if ! command -v soffice >/dev/null 2>&1 && ! command -v libreoffice >/dev/null 2>&1 && [ -z "${KLARBREV_SOFFICE:-}" ]; then
  echo "SKIP: LibreOffice (soffice) is not installed"
  exit 0
fi
TPL=$KB_SRC/templates/afslag-kontanthjaelp
python3 "$KB_SRC/tests/cli/make_cases.py" "$TPL/example.json" "$T/sager.jsonl" 4 --cpr 2
run "$KLARBREV" batch "$TPL" "$T/sager.jsonl" -o "$T/ud" --name "{{sag.nummer}}" --pdf --txt --report "$T/r.jsonl" --jobs 1
expect_rc 1 "batch --pdf with a blocked case"
for i in 0 1 3; do
  f=$T/ud/2026-00000$i
  if [ -s "$f.pdf" ] && [ -s "$f.docx" ] && [ -s "$f.txt" ] && head -c 5 "$f.pdf" | grep -q '%PDF-' &&
    grep -aq 'pdfaid:part' "$f.pdf"; then pass; else fail "case $i: docx, txt and a PDF/A"; fi
done
[ ! -e "$T/ud/2026-000002.pdf" ] && [ ! -e "$T/ud/2026-000002.docx" ] && pass || fail "nothing for the blocked case"
expect_in "$T/r.jsonl" '{"line":3,"output":"2026-000002.docx","status":"blocked"' "the blocked case in the report"
[ "$(grep -c '"status":"written"' "$T/r.jsonl")" -eq 3 ] && pass || fail "three written"
# LibreOffice that fails: each case of the chunk is invalid with the reason, nothing half written
printf '#!/bin/sh\nexit 7\n' >"$T/soffice"
chmod +x "$T/soffice"
run env KLARBREV_SOFFICE="$T/soffice" "$KLARBREV" batch "$TPL" "$T/sager.jsonl" -o "$T/ud2" --pdf --report "$T/r2.jsonl" --quiet
expect_rc 1 "a failing LibreOffice"
expect_in "$T/r2.jsonl" 'LibreOffice kunne ikke lave PDF' "the reason is in the report"
[ "$(ls "$T/ud2" | wc -l)" -eq 0 ] && pass || fail "nothing written when the PDF fails"
run env KLARBREV_SOFFICE="$T/findes-ikke/soffice" "$KLARBREV" batch "$TPL" "$T/sager.jsonl" -o "$T/ud3" --pdf
expect_rc 2 "LibreOffice missing stops the batch before it starts"
finish
