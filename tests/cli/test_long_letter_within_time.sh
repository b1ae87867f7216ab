#!/usr/bin/env bash
# A long letter is checked to the end (issue 13): 80,000 words of real administrative Danish from
# ../shared/corpus/admin, every bundled check, and no plugin runs out of time, because a plugin's budget grows
# with the letter (plugin_time_ms plus 0.1 ms a word, counted in the plugin's CPU time, not the wall clock). Not
# timed: only that no "tidsgrænsen" finding is made. Under the sanitizer build the letter is 20,000 words.
. "$(dirname "$0")/lib.sh"

words=80000
if grep -qs '^KB_SANITIZE:BOOL=ON' "${KB_BUILD:-.}/CMakeCache.txt"; then words=20000; fi
ls "$KB_SHARED"/corpus/admin/*.txt >/dev/null 2>&1 || { echo "no corpus in $KB_SHARED/corpus/admin"; exit 1; }

# the corpus's non-blank lines, over and over, until the letter has $words words
for i in $(seq 1 40); do cat "$KB_SHARED"/corpus/admin/*.txt; done |
  awk -v want="$words" 'NF { print; n += NF; if (n >= want) exit }' >"$T/long.txt"
[ "$(wc -w <"$T/long.txt")" -ge "$words" ] && pass || fail "the letter has $words words"

run "$KLARBREV" check "$T/long.txt" --format json
[ "$rc" -le 1 ] && pass || fail "check of the long letter: exit code $rc"
expect_not_in "$T/stdout" "tidsgrænsen" "no plugin runs out of time on $words words"
expect_in "$T/stdout" '"findings"' "the report is written"

finish
