#!/usr/bin/env bash
# Spelling through the command line: a misspelt word with suggestions; a name field is not spell-checked.
. "$(dirname "$0")/lib.sh"
DATA=$KB_SRC/tests/cli/data

run "$KLARBREV" check "$DATA/typo.txt" --format json; expect_rc 0 "warnings do not block"
expect_in "$T/stdout" '"rule": "stavning"' "the typo is a spelling finding"
expect_in "$T/stdout" '"text": "kontanthjlp"' "the finding names the word"
expect_in "$T/stdout" '"kontanthjælp"' "the right word is suggested"
expect_in "$T/stdout" '"level": "warning"' "spelling is a warning"
expect_not_in "$T/stdout" '"text": "marts"' "an ordinal date is no typo"

# the name field holds a word hunspell does not know; the free text the same word
printf '{"modtager": {"navn": "Xyqwerte Hansen"}, "tekst": "Vi har modtaget din Xyqwerte."}' >"$T/case.json"
run "$KLARBREV" fill "$DATA/navn" "$T/case.json" -o "$T/out.docx" --format json; expect_rc 0 "fill with unknown name"
n=$(grep -c '"text": "Xyqwerte"' "$T/stdout")
[ "$n" -eq 1 ] && pass || fail "only the free-text occurrence is flagged (got $n findings)"
expect_in "$T/stdout" '"origin": "field:tekst"' "the finding says it came from the field tekst"
finish
