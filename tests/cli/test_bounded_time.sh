#!/usr/bin/env bash
# Bounded time on any input (issue 11): a 1 MB letter of made-up words is checked to the end, with every bundled
# plugin, and the report says the text is not Danish (one finding, not one per word). Only that it finishes and
# reports is checked here, not how long it takes: bench/bounds.sh measures that. Under the sanitizer build
# (KB_SANITIZE=ON in $KB_BUILD) the letter is 256 KB instead, to keep the test short there.
. "$(dirname "$0")/lib.sh"

size=$((1024 * 1024))
if grep -qs '^KB_SANITIZE:BOOL=ON' "${KB_BUILD:-.}/CMakeCache.txt"; then size=$((256 * 1024)); fi

# made-up words of 2-10 letters, sentences of 5-25 words, paragraphs of 5 sentences, one paragraph a line
awk -v size="$size" 'BEGIN {
  srand(11); split("a b c d e f g h i j k l m n o p q r s t u v w x y z", L, " ")
  n = 0
  while (n < size) {
    line = ""
    for (s = 0; s < 5; s++) {
      k = 5 + int(rand() * 21)
      for (i = 0; i < k; i++) {
        w = ""; m = 2 + int(rand() * 9)
        for (j = 0; j < m; j++) w = w L[1 + int(rand() * 26)]
        if (i == 0) w = toupper(substr(w, 1, 1)) substr(w, 2)
        line = line w (i == k - 1 ? ". " : " ")
      }
    }
    print line; n += length(line) + 1
  }
}' >"$T/big.txt"
[ "$(wc -c <"$T/big.txt")" -ge "$size" ] && pass || fail "the made-up letter has $size bytes"

run "$KLARBREV" check "$T/big.txt" --format json
{ [ "$rc" -eq 0 ] || [ "$rc" -eq 1 ]; } && pass || fail "check of a $size-byte letter of made-up words: exit code $rc"
expect_in "$T/stdout" '"rule": "ikke-dansk"' "the text is reported as not Danish"
n=$(grep -c '"rule": "stavning"' "$T/stdout")
[ "$n" -eq 0 ] && pass || fail "no finding per unknown word in a text that is not Danish (got $n)"
python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$T/stdout" 2>/dev/null && pass ||
  fail "the JSON report of the big letter is valid JSON"
# the checks of Danish language and law leave a text that is not Danish alone: no plugin error, no LIX or tone noise
n=$(grep -c '"source": "plugins/' "$T/stdout" || true)
[ "$n" -eq 0 ] && pass || fail "no plugin finding on a text that is not Danish (got $n)"

# the text report: the same one finding, in Danish
run "$KLARBREV" check "$T/big.txt" --no-plugins
expect_rc 0 "a text that is not Danish is a warning, not an error"
expect_in "$T/stdout" 'ADVARSEL [ikke-dansk] brevet: Teksten ser ikke ud til at være dansk' "the warning in the text report"

# klarbrev spell lists every unknown word of a long text, with suggestions for the first ones only, and says so
head -c 20000 "$T/big.txt" | sed '$d' >"$T/part.txt"
run "$KLARBREV" spell <"$T/part.txt"
expect_rc 1 "spell finds unknown words"
words=$(wc -l <"$T/stdout")
[ "$words" -gt 100 ] && pass || fail "spell lists every unknown word (got $words lines)"
with=$(grep -vc '(ingen forslag)' "$T/stdout")
[ "$with" -le 20 ] && pass || fail "at most 20 words have suggestions (got $with)"
expect_in "$T/stderr" 'rettelsesforslag til de første' "spell says that the other words have no suggestions"

finish
