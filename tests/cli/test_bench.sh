#!/usr/bin/env bash
# The benchmarks that measure the bundled plugins on real Danish keep running as the plugins change:
# bench/ddt.py (tone.lua's passive and the sentence splitter against the Danish Dependency Treebank; it broke once
# when tone.lua started to need plugins/lib/), and bench/tegnsaetning.py (the punctuation check on the corpus and the
# test letters, where it must find nothing: every finding there would be a false one), and bench/serve.sh
# (klarbrev serve under a short load on 127.0.0.1, beside the command line doing the same work).
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

# bench/serve.sh --quick: a few seconds a row. What is checked is that every row ran and that no request failed
# (every answer a 2xx, every process of the CLI rows ended as it should), never how fast: a benchmark is not a timed
# test, and this machine is shared.
if ! command -v wrk >/dev/null; then
  echo "no wrk: bench/serve.sh skipped"
elif [ -n "${KB_VALGRIND:-}" ]; then
  echo "KLARBREV runs under valgrind: bench/serve.sh skipped (a load on a server under valgrind shows nothing)"
else
  run env KLARBREV="$KLARBREV" KLARBREV_SHARED="$KB_SHARED" bash "$KB_SRC/bench/serve.sh" --quick
  expect_rc 0 "bench/serve.sh --quick runs"
  for row in "serve POST /check, the same" "letter with one paragraph changed" \
    "serve POST /check, a new" "serve POST /templates/afslag-kontanthjaelp/fill" "CLI klarbrev check" \
    "CLI klarbrev fill"; do
    line=$(grep -F "$row" "$T/stdout" | grep '^|' | head -n 1)
    # columns: scenario, requests, requests/s, p50, p90, p99, errors, ...
    echo "$line" | awk -F'|' '{ r = $3; e = $8; gsub(/ /, "", r); gsub(/ /, "", e)
      exit !(r ~ /^[0-9]+$/ && r > 0 && e == "0") }' &&
      pass || fail "bench/serve.sh: the row \"$row\" ran without an error: ${line:-no such row}"
  done
  [ "$(grep -c "server stopped with exit code 0" "$T/stdout")" = 4 ] && pass ||
    fail "bench/serve.sh: klarbrev serve stops with exit code 0 on SIGTERM after each of its 4 rows"
fi
finish
