#!/usr/bin/env bash
# The findings docs/spelling.md shows are what klarbrev prints: a misspelt word in a case field (the sample letter with
# »kontanthjlp« in begrundelse.fakta), the note when only the first 20 unknown words get suggestions, and the single
# finding for a text that is not Danish. The guide's commands are run by test_doc_commands.sh.
. "$(dirname "$0")/lib.sh"
DOC=$KB_SRC/docs/spelling.md
SAMPLE=$KB_SRC/templates/afslag-kontanthjaelp

shown() { grep -m1 -E "^$1 \[$2\]" "$DOC"; }

line=$(shown ADVARSEL stavning)
[ -n "$line" ] && pass || fail "the guide shows a [stavning] finding"
python3 - "$SAMPLE/example.json" "$T/sag.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1], encoding="utf-8"))
c["begrundelse"]["fakta"] = "Du har fået kontanthjlp før."
json.dump(c, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
run "$KLARBREV" fill "$SAMPLE" "$T/sag.json" -o "$T/brev.docx"
expect_in "$T/stdout" "$line" "fill prints the guide's [stavning] finding"

line=$(shown INFO stavning-forslag)
[ -n "$line" ] && pass || fail "the guide shows the [stavning-forslag] note"
# 25 different short unknown words in Danish text: suggestions for the first 20 only
words=$(for i in $(seq 10 34); do printf 'hjlp%s ' "$(printf '%s' "$i" | tr 0-9 a-j)"; done)
printf 'Du har søgt om hjælp, og vi har set på din sag. %s\n' "$words" >"$T/mange.txt"
for i in $(seq 1 12); do echo "Vi har set på din sag, og du får svar fra os i næste uge." >>"$T/mange.txt"; done
run "$KLARBREV" check "$T/mange.txt" --no-plugins
if grep -q 'INFO \[stavning-forslag\] brevet: Der var kun tid til' "$T/stdout"; then
  pass # a slow machine (sanitizers, valgrind) ran out of the 1 s for suggestions first: the other form of the note
else
  expect_in "$T/stdout" "$line" "check prints the guide's note on suggestions"
fi

line=$(shown ADVARSEL ikke-dansk)
[ -n "$line" ] && pass || fail "the guide shows the [ikke-dansk] finding"
for i in $(seq 1 200); do echo "The applicant has requested support and the municipality has considered the case."; done >"$T/en.txt"
run "$KLARBREV" check "$T/en.txt" --no-plugins
# the counts differ with the text; the rest of the line is the guide's
pattern=$(printf '%s' "$line" | sed -E 's/[0-9]+/N/g')
got=$(grep -m1 '\[ikke-dansk\]' "$T/stdout" | sed -E 's/[0-9]+/N/g')
[ "$got" = "$pattern" ] && pass || fail "check prints the guide's [ikke-dansk] finding: got \"$got\""
finish
