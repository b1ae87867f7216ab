#!/usr/bin/env bash
# The benchmarks that measure the bundled plugins on real Danish keep running as the plugins change:
# bench/ddt.py (tone.lua's passive and the sentence splitter against the Danish Dependency Treebank; it broke once
# when tone.lua started to need plugins/lib/), and bench/tegnsaetning.py (the punctuation check on the corpus and the
# test letters, where it must find nothing: every finding there would be a false one).
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || { echo "no python3: skipped"; finish; exit; }

run env KLARBREV="$KLARBREV" python3 "$KB_SRC/bench/ddt.py" --conllu "$KB_SHARED/corpus/ddt/da_ddt-ud-dev.conllu"
expect_rc 0 "bench/ddt.py runs"
# what tone.lua and the sentence splitter find, not only that the tables are printed: floors a little under today's
# figures in bench/README.md (s-passive 47/47 right, blive 30/31, sentence F1 0.945)
awk -F'|' '/^\| s-passive/ {gsub(/ /, ""); print $5}' "$T/stdout" >"$T/passive"
[ "$(cat "$T/passive")" -ge 44 ] 2>/dev/null && pass || fail "tone.lua finds the treebank's s-passives (right: $(cat "$T/passive"), want >= 44)"
f1=$(sed -n 's/^| precision \/ recall \/ F1 | [0-9.]* \/ [0-9.]* \/ \([0-9.]*\) |$/\1/p' "$T/stdout")
awk -v f="${f1:-0}" 'BEGIN { exit !(f >= 0.9) }' && pass || fail "sentence splitting F1 is at least 0.9 (got \"$f1\")"

run env KLARBREV="$KLARBREV" KLARBREV_SHARED="$KB_SHARED" python3 "$KB_SRC/bench/tegnsaetning.py"
expect_rc 0 "bench/tegnsaetning.py runs"
grep -qE '^corpus/admin +[1-9][0-9]* words +0 findings' "$T/stdout" && pass ||
  fail "no punctuation finding on the administrative corpus: $(grep '^corpus/admin' "$T/stdout")"
grep -qE '^tests/letters +[1-9][0-9]* words +0 findings' "$T/stdout" && pass ||
  fail "no punctuation finding on the test letters: $(grep '^tests/letters' "$T/stdout")"
finish
