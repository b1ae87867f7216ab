#!/usr/bin/env bash
# A caseworker checks a letter against a template given as a bare .docx (check --template x.docx, or "skabelon:
# x.docx" in a .txt letter's front matter): as fill reads a bare .docx, it is a template without a manifest -- no
# manifest checks, the case still given -- not a manifest that "is not valid JSON".
. "$(dirname "$0")/lib.sh"
TPL=$KB_SRC/templates/afslag-kontanthjaelp

mkdir -p "$T/regler"
cat >"$T/regler/probe.lua" <<'LUA'
return {
  id = "probe", level = "info",
  on_letter = function(letter, report)
    report(letter, "udfald=%s skabelon=%s sag=%s", tostring(letter.outcome),
      letter.template and letter.template.title or "nil",
      letter.fields and letter.fields.sag.nummer or "nil")
  end,
}
LUA
printf '[klarbrev]\nplugin_folder = regler\n' >"$T/kommune.ini"
cp "$TPL/letter.docx" "$T/skabelon.docx"
printf 'Du får ikke hjælp.\n' >"$T/brev.txt"

run "$KLARBREV" check "$T/brev.txt" --template "$T/skabelon.docx" --config "$T/kommune.ini" --no-spell
expect_rc 1 "check --template with a .docx checks the letter (its findings block it), it does not refuse it"
expect_not_in "$T/stderr" "JSON" "a .docx is not read as a manifest"
expect_in "$T/stdout" "brevet: udfald=nil skabelon=nil sag=nil" "a bare .docx gives no manifest"

run "$KLARBREV" check "$T/brev.txt" --template "$T/skabelon.docx" --case "$TPL/example.json" --config "$T/kommune.ini" --no-spell
expect_rc 1 "check --template x.docx --case checks the letter"
expect_in "$T/stdout" "sag=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["sag"]["nummer"])' "$TPL/example.json")" \
  "the case is still given to the checks"

printf -- '---\nudfald: afslag\nskabelon: skabelon.docx\n---\nDu får ikke hjælp.\n' >"$T/forside.txt"
run "$KLARBREV" check "$T/forside.txt" --config "$T/kommune.ini" --no-spell
expect_rc 1 "check with skabelon: x.docx in the front matter checks the letter"
expect_not_in "$T/stderr" "JSON" "the front matter's .docx is not read as a manifest"
expect_in "$T/stdout" "brevet: udfald=afslag skabelon=nil sag=nil" "the front matter's outcome, no manifest"
finish
