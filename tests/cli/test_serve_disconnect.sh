#!/usr/bin/env bash
# Clients that go away: in the middle of sending a letter, in the middle of fetching the answer, many times over.
# Nothing is left behind (the log counts each request once, the scratch folder is empty) and the service answers.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/serve_lib.sh"
serve_sample
serve_tmpdir
serve_start --threads 2 || { finish; exit 1; }

for i in 1 2 3 4 5; do
  "$SERVE_PY" "$KB_SRC/tests/cli/serve_client.py" upload-abort "$SERVE_PORT" "$SERVE_TOKEN" >"$T/up.json" ||
    fail "upload-abort client failed"
  "$SERVE_PY" "$KB_SRC/tests/cli/serve_client.py" download-abort "$SERVE_PORT" "$SERVE_TOKEN" "$T/brev.docx" \
    >"$T/down.json" 2>"$T/down.err" || fail "download-abort client failed: $(cat "$T/down.err")"
done
expect_in "$T/down.json" '"status": 200' "the aborted download had begun with 200"
serve_alive "after clients went away"
scurl --data-binary @"$T/brev.docx" "$SERVE_URL/check"
expect_status 200 "a whole /check after the aborted ones"
expect_in "$T/body" '"summary"' "its report"
# every request was logged once (the aborted ones as closed): 5 uploads, 5 downloads and the whole one; a line can
# come a moment after its connection went
for _ in $(seq 1 100); do
  n=$(grep -c '"route":"/check"' "$T/serve.log")
  [ "$n" -ge 11 ] && break
  sleep 0.1
done
[ "$n" = 11 ] && pass || fail "the log has $n /check lines, want 11"
expect_in "$T/serve.log" '"closed":' "an aborted request is logged as closed"
left=$(find "$TMPDIR" -type f | wc -l)
[ "$left" = 0 ] && pass || fail "the scratch folder keeps $left files after the requests: $(find "$TMPDIR" -type f)"
serve_stop
[ "$SERVE_RC" = 0 ] && pass || fail "SIGTERM: exit $SERVE_RC"
[ -z "$(ls -A "$TMPDIR")" ] && pass || fail "the scratch folder is not removed at stop: $(ls -A "$TMPDIR")"
finish
