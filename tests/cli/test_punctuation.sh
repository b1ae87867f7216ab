#!/usr/bin/env bash
# A template author writes "{{beløb | kr}}." and the letter says "500,00 kr..": klarbrev fill reports the doubled
# full stop (plugins/tegnsaetning.lua), names the place and suggests "kr."; the same template without the extra full
# stop gives no punctuation finding. The bundled plugins as shipped; spelling off.
. "$(dirname "$0")/lib.sh"

# the template of tests/cli/data/navn with "{{tekst}}" replaced by a sentence that ends in an amount
mkdir -p "$T/tpl" "$T/god"
python3 - "$KB_SRC/tests/cli/data/navn/letter.docx" "$T/tpl/letter.docx" "$T/god/letter.docx" <<'PY'
import sys, zipfile
src, bad, good = sys.argv[1:4]
def write(dst, text):
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/document.xml":
                data = data.replace(b"{{tekst}}", text.encode("utf-8"))
            zout.writestr(item, data)
write(bad, "Du får {{beløb | kr}}. Pengene kommer den 1. marts.")
write(good, "Du får {{beløb | kr}} Pengene kommer den 1. marts.")
PY
for d in tpl god; do
  cat >"$T/$d/manifest.json" <<'JSON'
{
  "title": "Testbrev med et beløb",
  "kind": "bevilling",
  "outcome": "bevilling",
  "fields": {
    "modtager.navn": { "type": "name", "required": true, "personal": true, "label": "Modtagerens navn" },
    "beløb": { "type": "amount", "required": true, "label": "Beløb" }
  }
}
JSON
done
printf '{"modtager": {"navn": "Mette Lund"}, "beløb": 500}\n' >"$T/case.json"

run "$KLARBREV" fill "$T/tpl" "$T/case.json" -o "$T/brev.docx" --no-spell --format json
[ "$rc" -le 1 ] && pass || fail "fill with the amount template: exit code $rc"
expect_in "$T/stdout" '"rule": "tegnsaetning"' "the doubled full stop after kr is reported"
expect_in "$T/stdout" '"text": "kr.."' "the finding is at »kr..«"
expect_in "$T/stdout" 'Der står to punktummer: »kr..«. Skriv »kr.«.' "the message says what to write"
expect_in "$T/stdout" '"kr."' "the suggestion is »kr.«"

run "$KLARBREV" fill "$T/god" "$T/case.json" -o "$T/god.docx" --no-spell --format json
[ "$rc" -le 1 ] && pass || fail "fill with the corrected template: exit code $rc"
expect_not_in "$T/stdout" '"source": "plugins/tegnsaetning.lua"' "one full stop after kr is right"
finish
