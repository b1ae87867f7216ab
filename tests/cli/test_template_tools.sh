#!/usr/bin/env bash
# klarbrev template lint and klarbrev template fields, for the people who keep the templates.
. "$(dirname "$0")/lib.sh"
SAMPLE=$KB_SRC/templates/afslag-kontanthjaelp
FIX=$KB_SHARED/fixtures/docxtemplater

run "$KLARBREV" template lint "$SAMPLE"; expect_rc 0 "the sample template is clean"
expect_in "$T/stdout" "ingen fejl" "lint says so"
run "$KLARBREV" template --help; expect_rc 0 "template --help"
expect_in "$T/stdout" "Eksempler" "template --help has examples"
run "$KLARBREV" template nope "$SAMPLE"; expect_rc 2 "unknown subcommand"

# every problem at once, with part and paragraph
run "$KLARBREV" template lint "$FIX/multi-errors.docx" --delimiters "{ }"; expect_rc 1 "a broken template"
n=$(grep -c '^word/document.xml, afsnit' "$T/stdout")
[ "$n" -ge 4 ] && pass || fail "multi-errors: want at least 4 problems, got $n"
expect_in "$T/stdout" 'tagget "{firstName " lukkes ikke' "the unclosed tag is named"
run "$KLARBREV" template lint "$FIX/errors-footer-and-header.docx" --delimiters "{ }" --format json
expect_rc 1 "errors in header, body and footer"
for part in word/document.xml word/header1.xml word/footer1.xml; do
  expect_in "$T/stdout" "\"part\": \"$part\"" "a problem is reported in $part"
done
expect_in "$T/stdout" '"paragraph": ' "problems carry their paragraph"
expect_in "$T/stdout" '"context": "' "problems carry the text around the tag"

# a field the manifest does not declare
mkdir -p "$T/tpl"
cp "$KB_SRC/tests/cli/data/navn/letter.docx" "$T/tpl/"
printf '{"title": "x", "fields": {"modtager.navn": {"type": "name", "required": true}}}' >"$T/tpl/manifest.json"
run "$KLARBREV" template lint "$T/tpl"; expect_rc 1 "an undeclared field"
expect_in "$T/stdout" 'feltet "tekst" står ikke i manifest.json' "the undeclared field is named"

# a folder without manifest.json: lint says the fields were not checked, rather than "ingen fejl"
mkdir -p "$T/nomanifest"
cp "$KB_SRC/tests/cli/data/navn/letter.docx" "$T/nomanifest/"
run "$KLARBREV" template lint "$T/nomanifest" --no-check; expect_rc 0 "a folder without manifest.json"
expect_in "$T/stdout" "felterne er ikke tjekket, for mappen har ingen manifest.json" "lint says no fields were checked"
run "$KLARBREV" template lint "$T/nomanifest" --no-check --format json
expect_in "$T/stdout" '"fields_checked": false' "the JSON report says no fields were checked"

# a manifest with problems does not hide the tags' problems: both are listed
mkdir -p "$T/badmanifest"
cp "$FIX/multi-errors.docx" "$T/badmanifest/letter.docx"
printf '{"title": "x", "fields": {"a": {"type": "tekstt"}}}' >"$T/badmanifest/manifest.json"
run "$KLARBREV" template lint "$T/badmanifest" --delimiters "{ }" --no-check; expect_rc 1 "a broken manifest and broken tags"
expect_in "$T/stdout" 'manifest.json: feltet "a": ukendt type "tekstt"' "the manifest's problem is listed"
expect_in "$T/stdout" 'tagget "{firstName " lukkes ikke' "and the tags' problems too"
run "$KLARBREV" template lint "$T/badmanifest" --delimiters "{ }" --no-check --format json
expect_in "$T/stdout" '"fields_checked": false' "a broken manifest: the JSON report says no fields were checked"
expect_in "$T/stdout" 'manifest.json har fejl' "and says why"
# the broken manifest's own delimiters still find the tags
printf '{"title": "x", "delimiters": "{ }", "fields": {"a": {"type": "tekstt"}}}' >"$T/badmanifest/manifest.json"
run "$KLARBREV" template lint "$T/badmanifest" --no-check; expect_rc 1 "a broken manifest with delimiters"
expect_in "$T/stdout" 'tagget "{firstName " lukkes ikke' "the tags are found with the broken manifest's delimiters"

# lint also checks the template's own text, as a letter without values
STF=$KB_SRC/tests/cli/data/stavefejl/letter.docx
run "$KLARBREV" template lint "$STF"
expect_in "$T/stdout" "ingen fejl i skabelonen" "the tags of the misspelled template are fine"
expect_in "$T/stdout" "Skabelonens faste tekst" "the static text is checked"
expect_in "$T/stdout" "»ansøgnig«" "a typo in the static text is found"
expect_in "$T/stdout" "»ansøgning«" "with its suggestion"
run "$KLARBREV" template lint "$STF" --format json
expect_in "$T/stdout" '"static_text": {' "the JSON lint report carries the static-text report"
expect_in "$T/stdout" '"rule": "stavning"' "with the spelling finding"
run "$KLARBREV" template lint "$STF" --no-check; expect_rc 0 "--no-check: only tags and manifest"
expect_not_in "$T/stdout" "ansøgnig" "--no-check leaves the text alone"

# a value's place is no gap in the text: "fra {{dato}}." is not a space before the full stop, and a salutation's
# name does not leave "Kære ," (the sample template once had four such warnings from its own tags)
python3 "$KB_SRC/tests/cli/make_docx.py" "$T/gaps.docx" 'Kære {{modtager.navn}},' \
  'Vi har modtaget din ansøgning fra {{ansoegning.dato}}. Ring på {{telefon}}, hvis du har spørgsmål.' \
  '{{postnummer}} {{by}}'
run "$KLARBREV" template lint "$T/gaps.docx"
expect_not_in "$T/stdout" "mellemrum-foer-tegn" "no space before punctuation where a value goes"
expect_in "$T/stdout" "0 advarsler" "the static text of a template with values has no warnings"
run "$KLARBREV" template lint "$KB_SRC/templates/afslag-kontanthjaelp"
expect_not_in "$T/stdout" "mellemrum-foer-tegn" "the sample template's static text has no gap warnings"

# a condition section ({{#udfald | eq "afslag"}}) is no group: a list inside it resolves as outside it, as Mustache
# looks names up (lint once read {{titel}} there as "udfald.dokumenter.titel")
mkdir -p "$T/betinget"
python3 "$KB_SRC/tests/cli/make_docx.py" "$T/betinget/letter.docx" 'Hej {{modtager.navn}}.' \
  '{{#udfald | eq "afslag"}}' 'Du får ikke disse dokumenter:' '{{#dokumenter}}' '{{titel}}' '{{/dokumenter}}' \
  '{{/udfald}}'
cat >"$T/betinget/manifest.json" <<'EOF2'
{"title": "Aktindsigt", "kind": "afgørelse", "outcome_field": "udfald", "fields": {
  "modtager.navn": {"type": "name", "required": true},
  "udfald": {"type": "choice", "values": ["afslag", "delvis afslag"], "required": true},
  "dokumenter": {"type": "list", "items": {"titel": {"type": "text", "required": true}}}}}
EOF2
run "$KLARBREV" template lint "$T/betinget" --no-check; expect_rc 0 "a list inside a condition section"
printf '{"modtager": {"navn": "Ib"}, "udfald": "afslag", "dokumenter": [{"titel": "Notat af 3. marts"}]}' >"$T/betinget.json"
run "$KLARBREV" fill "$T/betinget" "$T/betinget.json" -o "$T/betinget.docx" --txt "$T/betinget.txt" --no-spell --no-plugins
expect_rc 0 "fill a list inside a condition section"
expect_in "$T/betinget.txt" "Notat af 3. marts" "the list's field inside the condition is filled"
python3 "$KB_SRC/tests/cli/make_docx.py" "$T/betinget/letter.docx" '{{#udfald | eq "afslag"}}' '{{#dokumenter}}' \
  '{{titl}}' '{{/dokumenter}}' '{{/udfald}}'
# a section that names a group of fields ({{#modtager}}{{navn}}): the name inside is the manifest's modtager.navn,
# a personal name, so it is not spell-checked
mkdir -p "$T/gruppe"
python3 "$KB_SRC/tests/cli/make_docx.py" "$T/gruppe/letter.docx" '{{#modtager}}Kære {{navn}}.{{/modtager}}' \
  'Vi har behandlet din sag.'
printf '{"title": "x", "kind": "orientering", "fields": {"modtager.navn": {"type": "name", "required": true, "personal": true}}}' \
  >"$T/gruppe/manifest.json"
printf '{"modtager": {"navn": "Xyqwerte Brzeczyk"}}' >"$T/gruppe.json"
run "$KLARBREV" fill "$T/gruppe" "$T/gruppe.json" -o "$T/gruppe.docx"; expect_rc 0 "fill a group section"
expect_not_in "$T/stderr" "Xyqwerte" "a name inside a group section keeps its manifest type (not spell-checked)"
run "$KLARBREV" template lint "$T/betinget" --no-check; expect_rc 1 "a misspelt field inside a condition section"
expect_in "$T/stdout" 'feltet "dokumenter.titl" står ikke i manifest.json; mente du "dokumenter.titel"?' \
  "the misspelt field is named by its list, with the nearest declared one"

# the static-text check reads the config file like check and fill: a [rules] line turns spelling off
printf '[rules]\nstavning = off\n' >"$T/kommune.ini"
run "$KLARBREV" template lint "$STF" --config "$T/kommune.ini"
expect_not_in "$T/stdout" "ansøgnig" "lint's static-text check follows the config file"
run "$KLARBREV" template lint "$STF" --config "$T/findes-ikke.ini"; expect_rc 2 "lint with a config file that is not there"

# unreadable input
echo "ikke en docx" >"$T/bad.docx"
run "$KLARBREV" template lint "$T/bad.docx"; expect_rc 2 "an unreadable template"

# fields: a case skeleton
run "$KLARBREV" template fields "$SAMPLE"; expect_rc 0 "fields"
expect_in "$T/stdout" '"modtager": {' "fields nests dotted names"
expect_in "$T/stdout" '"begrundelse": {' "fields lists the free-text field"
expect_in "$T/stdout" '"dato": "2026-11-28"' "a date field holds a typed example"
expect_not_in "$T/stdout" '""' "no value is an empty placeholder"
expect_in "$T/stderr" 'sag.dato: Brevets dato (dato ÅÅÅÅ-MM-DD, skal udfyldes)' "the guide on stderr gives label and type"

# every bundled template: the skeleton, filled as written, passes the case check and renders
for dir in "$KB_SRC"/templates/*/; do
  [ -e "$dir/manifest.json" ] || continue
  name=$(basename "$dir")
  run "$KLARBREV" template fields "$dir"; expect_rc 0 "fields of $name"
  cp "$T/stdout" "$T/skeleton-$name.json"
  run "$KLARBREV" fill "$dir" "$T/skeleton-$name.json" -o "$T/skeleton-$name.docx" --data-dir "$KB_SRC"
  expect_rc 0 "$name filled from its own template fields"
  [ -s "$T/skeleton-$name.docx" ] && pass || fail "$name: no letter from the skeleton"
done

run "$KLARBREV" template fields "$FIX/tag-loop-example.docx" --delimiters "{ }"; expect_rc 0 "fields of a loop"
expect_in "$T/stdout" '"offre": [' "a loop becomes a list"
finish
