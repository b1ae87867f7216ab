#!/usr/bin/env bash
# Never a corrupt letter (issue 11): every DOCX klarbrev writes is read back and checked before it is saved. A part
# damaged on the way (the test hook KLARBREV_TEST_CORRUPT_PART damages it as a broken template engine would) is an
# internal error: exit 3, a message that names the part, nothing written and no temporary file left. And what
# klarbrev writes, klarbrev reads: a letter that compresses extremely well is not taken for a zip bomb.
. "$(dirname "$0")/lib.sh"
SAMPLE=$KB_SRC/templates/afslag-kontanthjaelp
NAVN=$KB_SRC/tests/cli/data/navn
DAMAGE=KLARBREV_TEST_CORRUPT_PART=word/document.xml

# no temporary files (".NAME.XXXXXX") in the folder
no_temp_files() {
  if [ -z "$(find "$T/out" -maxdepth 1 -name '.*.docx.*')" ]; then pass; else fail "$1 left a temporary file"; fi
}
expect_internal_error() {
  expect_rc 3 "$1"
  expect_in "$T/stderr" "intern fejl" "$1: says it is an internal error"
  expect_in "$T/stderr" "word/document.xml" "$1: names the part"
  expect_in "$T/stderr" "Send skabelonen" "$1: asks for the input to be reported"
  expect_not_in "$T/stderr" "brevet er gemt i" "$1: does not say the letter was saved"
  expect_not_in "$T/stderr" "kommentar er gemt i" "$1: does not say a copy was saved"
  expect_not_in "$T/stderr" "kommentarer er gemt i" "$1: does not say a copy was saved"
}

mkdir -p "$T/out"

# fill: the target is not made
run env "$DAMAGE" "$KLARBREV" fill "$SAMPLE" "$SAMPLE/example.json" -o "$T/out/brev.docx"
expect_internal_error "fill with a damaged part"
[ ! -e "$T/out/brev.docx" ] && pass || fail "fill with a damaged part wrote the letter"
no_temp_files "fill with a damaged part"

# fill over an existing letter: it is left as it was
echo "old content" >"$T/out/brev.docx"
run env "$DAMAGE" "$KLARBREV" fill "$SAMPLE" "$SAMPLE/example.json" -o "$T/out/brev.docx"
expect_internal_error "fill over an existing letter"
[ "$(cat "$T/out/brev.docx")" = "old content" ] && pass || fail "fill with a damaged part changed the existing letter"
no_temp_files "fill over an existing letter"
rm -f "$T/out/brev.docx"

# fill --draft: neither the draft nor the letter
run env "$DAMAGE" "$KLARBREV" fill "$SAMPLE" "$SAMPLE/example.json" -o "$T/out/brev.docx" --draft "$T/out/udkast.docx"
expect_internal_error "fill --draft with a damaged part"
[ ! -e "$T/out/udkast.docx" ] && pass || fail "fill --draft with a damaged part wrote the draft"
[ ! -e "$T/out/brev.docx" ] && pass || fail "fill --draft with a damaged part wrote the letter"
no_temp_files "fill --draft with a damaged part"

# check --annotate: no copy
run "$KLARBREV" fill "$SAMPLE" "$SAMPLE/example.json" -o "$T/filled.docx"; expect_rc 0 "fill without the hook"
run env "$DAMAGE" "$KLARBREV" check "$T/filled.docx" --annotate "$T/out/kopi.docx"
expect_internal_error "check --annotate with a damaged part"
[ ! -e "$T/out/kopi.docx" ] && pass || fail "check --annotate with a damaged part wrote the copy"
no_temp_files "check --annotate with a damaged part"

# the hook touches only the part it names
run env KLARBREV_TEST_CORRUPT_PART=word/no-such-part.xml "$KLARBREV" check "$T/filled.docx" --annotate "$T/out/kopi.docx"
expect_rc 0 "check --annotate with the hook on another part"
[ -s "$T/out/kopi.docx" ] && pass || fail "check --annotate with the hook on another part wrote nothing"

# the exit code is documented where exit codes are listed
for cmd in fill check; do
  run "$KLARBREV" $cmd --help
  expect_in "$T/stdout" "3 intern fejl" "$cmd --help lists exit code 3"
done
run "$KLARBREV" --help
expect_in "$T/stdout" "3 intern fejl" "--help lists exit code 3"

# what klarbrev writes, klarbrev reads: fill with a field value of 1.2 MB of one repeated letter, then text and check
# read the letter (it compresses some 600:1; it once was refused as "a possible zip bomb")
{
  printf '{"modtager": {"navn": "Jens Hansen"}, "tekst": "'
  head -c 1200000 /dev/zero | tr '\0' a
  printf '"}'
} >"$T/long.json"
run "$KLARBREV" fill "$NAVN" "$T/long.json" -o "$T/out/lang.docx"
if [ "$rc" -ne 0 ]; then # a spelling error would block it; the point is what happens to the letter written
  run "$KLARBREV" fill "$NAVN" "$T/long.json" -o "$T/out/lang.docx" --force
fi
expect_rc 0 "fill with a 1.2 MB value of one letter"
run "$KLARBREV" text "$T/out/lang.docx"; expect_rc 0 "text reads the letter with a 1.2 MB value"
expect_not_in "$T/stderr" "zip-bombe" "text does not take the letter for a zip bomb"
[ "$(grep -o 'aaaaaaaaaa*' "$T/stdout" | awk '{ print length }' | sort -n | tail -n 1)" = 1200000 ] && pass ||
  fail "text shows all 1.2 MB of the value"
run "$KLARBREV" check "$T/out/lang.docx"
[ "$rc" -eq 0 ] || [ "$rc" -eq 1 ] && pass || fail "check reads the letter with a 1.2 MB value: exit code $rc"
expect_not_in "$T/stderr" "zip-bombe" "check does not take the letter for a zip bomb"
finish
