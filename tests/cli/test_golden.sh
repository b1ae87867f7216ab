#!/usr/bin/env bash
# Golden tests: a template and a case in; the letter's text (klarbrev text --all) and the report out, compared
# exactly with tests/cli/golden/<name>.text and <name>.report. To accept a deliberate change, run this script with
# KB_UPDATE_GOLDEN=1 and review the diff.
. "$(dirname "$0")/lib.sh"
G=$KB_SRC/tests/cli/golden
FIX=$KB_SHARED/fixtures/docxtemplater

# golden NAME TEMPLATE CASE [fill options...]
golden() {
  local name=$1 tpl=$2 case=$3
  shift 3
  run "$KLARBREV" fill "$tpl" "$case" -o "$T/$name.docx" "$@"
  expect_rc 0 "$name: fill"
  cp "$T/stdout" "$T/$name.report"
  run "$KLARBREV" text "$T/$name.docx" --all
  expect_rc 0 "$name: text"
  cp "$T/stdout" "$T/$name.text"
  for kind in text report; do
    if [ "${KB_UPDATE_GOLDEN:-}" = 1 ]; then cp "$T/$name.$kind" "$G/$name.$kind"; fi
    expect_same "$T/$name.$kind" "$G/$name.$kind" "$name: $kind differs from golden"
  done
}

golden afslag-kontanthjaelp "$KB_SRC/templates/afslag-kontanthjaelp" "$KB_SRC/templates/afslag-kontanthjaelp/example.json"

# docxtemplater's Word 2010 file with tags split over runs in body, header text box and footer, "{ }" delimiters
printf '{"first_name": "Hipp", "last_name": "Edgar", "phone": "0652455478", "description": "New Website"}' >"$T/tag.json"
golden tag-example "$FIX/tag-example.docx" "$T/tag.json" --delimiters "{ }" --no-spell

# a value with every character XML escapes and a line break, in a field typed "name" (not spell-checked)
printf '{"modtager": {"navn": "Søren <&> \\"Ø\\" '"'"'Å'"'"'\\nHansen"}, "tekst": "Du får hjælpen fra 1. marts."}' >"$T/esc.json"
golden escaping "$KB_SRC/tests/cli/data/navn" "$T/esc.json"

# findings: a typo in a free-text field, and a sentence far over the word limit
printf '{"modtager": {"navn": "Jens Hansen"}, "tekst": "Vi har modtaget din ansøgnig. Du har oplyst, at du bor alene, at du har en opsparing, at du ikke har arbejde, at du ikke har børn, at du ikke ejer en bil og at du gerne vil have hjælp til at betale din husleje i de næste par måneder."}' >"$T/fund.json"
golden findings "$KB_SRC/tests/cli/data/navn" "$T/fund.json"
run "$KLARBREV" fill "$KB_SRC/tests/cli/data/navn" "$T/fund.json" -o "$T/fund.docx" --format json
expect_in "$T/stdout" '"source": "plugins/readability.lua"' "the report says which plugin found the long sentence"
finish
