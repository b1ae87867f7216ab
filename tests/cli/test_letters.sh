#!/usr/bin/env bash
# The test letters in tests/letters/ (see its README.md): each letter is checked with the bundled plugins, and the
# findings of the Danish letter plugins (readability, forvaltningsloven, kancellisprog, tone, persondata,
# tegnsaetning) must be exactly those in its .expect file: rule, paragraph and level, no more and no fewer. So a
# good letter gets no error, and every missing mandatory element of a defective letter is found, at the place named.
#
# A letter with a NAME.manifest.json and NAME.case.json beside it is checked as a filled letter: klarbrev fill
# with a template whose only paragraph is {{tekst}} (tests/letters/template/), the manifest as the template's, and
# the case with the letter's lines as "tekst" (a blank line between them, so each line is a paragraph). `klarbrev
# check` has no way to take a manifest or a case, and the plugins read the decision's kind, outcome, appeal body
# and deadline from them. A letter without them is checked as a hand-written .txt letter with `klarbrev check`.
#
# To see what a letter gets: KB_LETTERS_SHOW=1 bash tests/cli/test_letters.sh (through ctest -V).
. "$(dirname "$0")/lib.sh"
L=$KB_SRC/tests/letters
PLUGINS='plugins/(readability|forvaltningsloven|kancellisprog|tone|persondata|tegnsaetning)\.lua'

# json_text FILE: the non-blank lines of FILE as the inside of a JSON string, joined by a blank line.
json_text() {
  local out="" line first=1
  while IFS= read -r line || [ -n "$line" ]; do
    line=${line%$'\r'}
    [ -z "${line//[[:space:]]/}" ] && continue
    line=${line//\\/\\\\}
    line=${line//\"/\\\"}
    line=${line//$'\t'/\\t}
    if [ "$first" = 1 ]; then out=$line; first=0; else out="$out\\n\\n$line"; fi
  done <"$1"
  printf '%s' "$out"
}

# findings FILE: "rule paragraph level" for each finding of the letter plugins in the JSON report FILE; paragraph
# counts from 1 as `klarbrev inspect` shows it, "-" for a finding on the whole letter.
findings() {
  awk -v plugins="$PLUGINS" '
    /^ *"rule": /      { rule = $0; sub(/^ *"rule": "/, "", rule); sub(/",?$/, "", rule) }
    /^ *"level": /     { level = $0; sub(/^ *"level": "/, "", level); sub(/",?$/, "", level) }
    /^ *"paragraph": / { para = $0; sub(/^ *"paragraph": /, "", para); sub(/,$/, "", para)
                         para = (para == "null") ? "-" : para + 1 }
    /^ *"source": /    { src = $0; sub(/^ *"source": "/, "", src); sub(/",?$/, "", src)
                         if (src ~ "^" plugins "$") print rule, para, level }
  ' "$1" | sort
}

n=0
for txt in "$L"/*.txt; do
  name=$(basename "$txt" .txt)
  expect=$L/$name.expect
  n=$((n + 1))
  if [ -f "$L/$name.manifest.json" ]; then
    mkdir -p "$T/tpl"
    cp "$L/template/letter.docx" "$T/tpl/letter.docx"
    cp "$L/$name.manifest.json" "$T/tpl/manifest.json"
    body=$(cat "$L/$name.case.json")
    rest=${body#*\{}
    trimmed=${rest#"${rest%%[![:space:]]*}"}
    if [ "${trimmed:0:1}" = "}" ]; then sep=""; else sep=", "; fi
    printf '{"tekst": "%s"%s%s\n' "$(json_text "$txt")" "$sep" "$rest" >"$T/case.json"
    run "$KLARBREV" fill "$T/tpl" "$T/case.json" -o "$T/out.docx" --format json
    how="fill"
  else
    run "$KLARBREV" check "$txt" --format json
    how="check"
  fi
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
    fail "$name: klarbrev $how exited with $rc"
    continue
  fi
  findings "$T/stdout" >"$T/got"
  if [ ! -f "$expect" ]; then
    fail "$name: no $name.expect"
    expect=/dev/null
  fi
  grep -v '^[[:space:]]*\(#\|$\)' "$expect" | sed 's/[[:space:]]*#.*//; s/[[:space:]][[:space:]]*/ /g' | sort >"$T/want"
  if [ "${KB_LETTERS_SHOW:-}" = 1 ]; then
    echo "== $name ($how)"
    cat "$T/got"
  fi
  expect_same "$T/got" "$T/want" "$name: findings differ from $name.expect"
  # the exit code agrees: 1 exactly when an error is expected
  if grep -q ' error$' "$T/want"; then want_rc=1; else want_rc=0; fi
  if [ "$rc" -eq "$want_rc" ]; then pass; else fail "$name: klarbrev $how exited with $rc, want $want_rc"; fi
done
[ "$n" -ge 20 ] && pass || fail "want at least 20 test letters, found $n"
finish
