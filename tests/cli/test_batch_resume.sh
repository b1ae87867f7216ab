#!/usr/bin/env bash
# test_batch_resume.sh -- Ctrl-C during klarbrev batch: the letters in progress are finished and whole (no half file,
# no temporary file left), the report goes up to there and ends with a line saying it was interrupted, the exit code
# is 130; the same command again with --resume skips the letters that exist and writes the rest.
. "$(dirname "$0")/lib.sh"
TPL=$KB_SRC/templates/afslag-kontanthjaelp
N=300
python3 "$KB_SRC/tests/cli/make_cases.py" "$TPL/example.json" "$T/sager.jsonl" $N

"$KLARBREV" batch "$TPL" "$T/sager.jsonl" -o "$T/ud" --name "{{sag.nummer}}.docx" --report "$T/r1.jsonl" --jobs 2 \
  >"$T/stdout" 2>"$T/stderr" &
pid=$!
# interrupt once some letters exist
for _ in $(seq 1 600); do
  [ "$(ls "$T/ud" 2>/dev/null | grep -c '\.docx$')" -ge 5 ] && break
  sleep 0.1
done
kill -INT "$pid"
wait "$pid"
rc=$?
expect_rc 130 "interrupted batch"
expect_in "$T/stderr" "afbrudt:" "the summary says interrupted"
expect_in "$T/stderr" "--resume" "the summary says how to go on"
done1=$(ls "$T/ud" | grep -c '\.docx$')
[ "$done1" -ge 5 ] && [ "$done1" -lt $N ] && pass || fail "interrupted: some but not all letters ($done1)"
leftovers=$(ls -A "$T/ud" | grep -c '^\.' || true)
[ "$leftovers" -eq 0 ] && pass || fail "no temporary files are left ($leftovers)"
bad=0
for f in "$T"/ud/*.docx; do python3 -c "import sys, zipfile; zipfile.ZipFile(sys.argv[1]).testzip()" "$f" 2>/dev/null || bad=$((bad + 1)); done
[ "$bad" -eq 0 ] && pass || fail "every letter written is a whole DOCX ($bad are not)"
last=$(tail -n 1 "$T/r1.jsonl")
case "$last" in
  '{"interrupted":true,"cases":'*'"last_line":'*) pass ;;
  *) fail "the report ends with the interruption: $last" ;;
esac
lines=$(($(wc -l <"$T/r1.jsonl") - 1))
[ "$(grep -c '"status":"written"' "$T/r1.jsonl")" -eq "$lines" ] && pass || fail "each reported case is written"
[ "$done1" -ge "$lines" ] && pass || fail "every reported letter exists"

run "$KLARBREV" batch "$TPL" "$T/sager.jsonl" -o "$T/ud" --name "{{sag.nummer}}.docx" --report "$T/r2.jsonl" --jobs 2 --resume
expect_rc 0 "resume"
[ "$(ls "$T/ud" | grep -c '\.docx$')" -eq $N ] && pass || fail "after resume every letter exists"
[ "$(wc -l <"$T/r2.jsonl")" -eq $N ] && pass || fail "resume: a report line per case"
skipped=$(grep -c '"status":"skipped"' "$T/r2.jsonl")
[ "$skipped" -eq "$done1" ] && pass || fail "resume skips the $done1 letters that exist (skipped $skipped)"
expect_in "$T/r2.jsonl" '{"line":1,"output":"2026-000000.docx","status":"skipped"}' "a skipped case in the report"
expect_in "$T/stderr" "sprunget over" "resume: the summary"
# a resumed run adds to the report it names, so the first run's findings are kept
before=$(wc -l <"$T/r1.jsonl")
run "$KLARBREV" batch "$TPL" "$T/sager.jsonl" -o "$T/ud" --name "{{sag.nummer}}.docx" --report "$T/r1.jsonl" --jobs 2 --resume
expect_rc 0 "resume into the first report"
[ "$(wc -l <"$T/r1.jsonl")" -eq $((before + N)) ] && pass || fail "resume appends to the report ($before + $N lines)"
expect_in "$T/r1.jsonl" '"interrupted":true' "the first run's lines are kept"
finish
