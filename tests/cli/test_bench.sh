#!/usr/bin/env bash
# The benchmarks that measure the bundled plugins on real Danish keep running as the plugins change:
# bench/ddt.py (tone.lua's passive and the sentence splitter against the Danish Dependency Treebank; it broke once
# when tone.lua started to need plugins/lib/), and bench/tegnsaetning.py (the punctuation check on the corpus and the
# test letters, where it must find nothing: every finding there would be a false one).
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || { echo "no python3: skipped"; finish; exit; }

run env KLARBREV="$KLARBREV" python3 "$KB_SRC/bench/ddt.py" --conllu "$KB_SHARED/corpus/ddt/da_ddt-ud-dev.conllu"
expect_rc 0 "bench/ddt.py runs"
expect_in "$T/stdout" "| s-passive (Voice=Pass) | 47 |" "the passive table is printed"
expect_in "$T/stdout" "| precision / recall / F1 |" "the sentence table is printed"

run env KLARBREV="$KLARBREV" KLARBREV_SHARED="$KB_SHARED" python3 "$KB_SRC/bench/tegnsaetning.py"
expect_rc 0 "bench/tegnsaetning.py runs"
grep -qE '^corpus/admin +[0-9]+ words +0 findings' "$T/stdout" && pass ||
  fail "no punctuation finding on the administrative corpus: $(grep '^corpus/admin' "$T/stdout")"
grep -qE '^tests/letters +[0-9]+ words +0 findings' "$T/stdout" && pass ||
  fail "no punctuation finding on the test letters: $(grep '^tests/letters' "$T/stdout")"
finish
