#!/usr/bin/env bash
# Exit codes 0, 1 and 2, and that bad input never leaves a partial output file. (Exit code 3, an internal error:
# test_corrupt_output.sh.)
. "$(dirname "$0")/lib.sh"
SAMPLE=$KB_SRC/templates/afslag-kontanthjaelp
NAVN=$KB_SRC/tests/cli/data/navn

run "$KLARBREV"; expect_rc 2 "no command"
run "$KLARBREV" bogus; expect_rc 2 "unknown command"
expect_in "$T/stderr" 'ukendt kommando' "unknown command message"
run "$KLARBREV" --help; expect_rc 0 "--help"
for cmd in fill check text inspect; do
  run "$KLARBREV" $cmd --help; expect_rc 0 "$cmd --help"
  expect_in "$T/stdout" 'Eksempel' "$cmd --help has an example"
done
run "$KLARBREV" fill "$SAMPLE"; expect_rc 2 "fill without case"
run "$KLARBREV" fill "$SAMPLE" "$SAMPLE/example.json"; expect_rc 2 "fill without -o"
run "$KLARBREV" check --nope x.docx; expect_rc 2 "unknown option"
expect_in "$T/stderr" '--nope' "unknown option is named"
run "$KLARBREV" check "$T/missing.docx"; expect_rc 2 "missing letter"
expect_in "$T/stderr" "$T/missing.docx" "missing letter is named"

# a truncated DOCX and a text file called .docx
head -c 3000 "$SAMPLE/letter.docx" >"$T/truncated.docx"
run "$KLARBREV" check "$T/truncated.docx"; expect_rc 2 "truncated docx"
expect_in "$T/stderr" "truncated.docx" "truncated docx is named"
echo "Dette er ikke et Word-dokument" >"$T/fake.docx"
run "$KLARBREV" text "$T/fake.docx"; expect_rc 2 "text file called .docx"
expect_in "$T/stderr" "fake.docx" "fake docx is named"
run "$KLARBREV" fill "$T/truncated.docx" "$SAMPLE/example.json" -o "$T/out.docx"; expect_rc 2 "truncated template"
[ ! -e "$T/out.docx" ] && pass || fail "truncated template wrote output"

# a malformed case: line and column
printf '{\n  "modtager": {\n    "navn": "Jens"\n    "adresse": "x"\n  }\n}\n' >"$T/bad.json"
run "$KLARBREV" fill "$SAMPLE" "$T/bad.json" -o "$T/out.docx"; expect_rc 2 "malformed JSON"
expect_in "$T/stderr" "bad.json, linje 4, kolonne" "JSON error names line and column"
[ ! -e "$T/out.docx" ] && pass || fail "malformed JSON wrote output"

# a case that misses fields: every one listed, nothing written
printf '{"tekst": "Du får hjælpen."}' >"$T/missing.json"
run "$KLARBREV" fill "$NAVN" "$T/missing.json" -o "$T/out.docx"; expect_rc 2 "missing field"
expect_in "$T/stderr" '"modtager.navn"' "missing field is named"
expect_in "$T/stderr" 'Modtagerens navn' "missing field is shown with its label from the manifest"
[ ! -e "$T/out.docx" ] && pass || fail "missing field wrote output"

# export blocked by an error finding: a broken rule plugin; the output path is left untouched
mkdir -p "$T/data/plugins"
cp -r "$KB_SRC/dictionaries" "$T/data/"
cp "$KB_SRC"/plugins/*.lua "$T/data/plugins/"
printf 'return { id = "broken", on_sentence = function(s, report) error("boom") end }\n' >"$T/data/plugins/broken.lua"
printf '{"modtager": {"navn": "Jens Hansen"}, "tekst": "Du får hjælpen."}' >"$T/ok.json"
echo "old content" >"$T/out.docx"
run "$KLARBREV" fill "$NAVN" "$T/ok.json" -o "$T/out.docx" --data-dir "$T/data"; expect_rc 1 "blocked export"
expect_in "$T/stdout" "broken.lua" "the broken plugin is named in the report"
[ "$(cat "$T/out.docx")" = "old content" ] && pass || fail "blocked export touched the output"
[ -z "$(find "$T" -maxdepth 1 -name '.out.docx*')" ] && pass || fail "blocked export left a temporary file"
run "$KLARBREV" fill "$NAVN" "$T/ok.json" -o "$T/out.docx" --data-dir "$T/data" --force; expect_rc 0 "--force writes"
run "$KLARBREV" text "$T/out.docx"; expect_rc 0 "forced letter is readable"
expect_in "$T/stdout" "Kære Jens Hansen" "forced letter has the value"

# clean: exit 0 and the letter is written
rm -f "$T/out.docx"
run "$KLARBREV" fill "$NAVN" "$T/ok.json" -o "$T/out.docx"; expect_rc 0 "clean fill"
[ -s "$T/out.docx" ] && pass || fail "clean fill wrote nothing"

# check: 1 when the letter has errors
run "$KLARBREV" check "$T/out.docx" --data-dir "$T/data"; expect_rc 1 "check with an error finding"
run "$KLARBREV" check "$T/out.docx"; expect_rc 0 "check of a clean letter"
finish
