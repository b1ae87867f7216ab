#!/usr/bin/env bash
# 1,000 connections at once, each with a letter to check: the service checks what its workers and queue hold,
# answers the rest 503 with Retry-After at once (or refuses the connection past --max-connections), never crashes,
# and answers normally afterwards.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/serve_lib.sh"
serve_start --threads 2 --queue 8 --no-spell || { finish; exit 1; }
printf 'Vi har behandlet din ansøgning. Du får svar i næste uge.\n' >"$T/kort.txt"
"$SERVE_PY" "$KB_SRC/tests/cli/serve_client.py" many "$SERVE_PORT" "$SERVE_TOKEN" 1000 "$T/kort.txt" >"$T/many.json" ||
  fail "the client failed"
echo "statuses: $(cat "$T/many.json")"
ok=$("$SERVE_PY" -c 'import json,sys; print(json.load(open(sys.argv[1])).get("200", 0))' "$T/many.json")
busy=$("$SERVE_PY" -c 'import json,sys; print(json.load(open(sys.argv[1])).get("503", 0))' "$T/many.json")
other=$("$SERVE_PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(sum(v for k, v in d.items() if k not in ("200", "503", "503-retry-after")))' "$T/many.json")
[ "$ok" -ge 10 ] && pass || fail "only $ok of 1000 were checked"
[ "$busy" -ge 1 ] && pass || fail "no 503 among 1000 at once"
[ "$other" = 0 ] && pass || fail "$other answers were neither 200 nor 503"
kill -0 "$SERVE_PID" && pass || fail "the service died"
serve_alive "after 1000 connections"
scurl -H 'Content-Type: text/plain' --data-binary @"$T/kort.txt" "$SERVE_URL/check?kind=tekst"
expect_status 200 "POST /check after the storm"
retry=$("$SERVE_PY" -c 'import json,sys; print(json.load(open(sys.argv[1])).get("503-retry-after", 0))' "$T/many.json")
[ "$retry" = "$busy" ] && pass || fail "$retry of $busy answers 503 say Retry-After"
grep -q '"status":503' "$T/serve.log" && pass || fail "the log has no 503"
serve_stop
[ "$SERVE_RC" = 0 ] && pass || fail "SIGTERM: exit $SERVE_RC"
finish
