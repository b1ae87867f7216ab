#!/usr/bin/env bash
# A client that sends a byte a second is cut off at the time limit (--timeout), and while it dawdles the service
# answers everyone else at once.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/serve_lib.sh"
serve_start --threads 1 --timeout 4 --no-spell || { finish; exit 1; }
"$SERVE_PY" "$KB_SRC/tests/cli/serve_client.py" slow "$SERVE_PORT" "$SERVE_TOKEN" 30 >"$T/slow.json" &
slow=$!
sleep 1.5
t0=$(date +%s%N)
scurl "$SERVE_URL/templates"
t1=$(date +%s%N)
expect_status 200 "GET /templates while a slow client holds a connection"
ms=$(((t1 - t0) / 1000000))
[ "$ms" -lt 2000 ] && pass || fail "GET /templates took $ms ms beside the slow client"
printf 'Vi har behandlet din ansøgning.\n' >"$T/kort.txt"
scurl -H 'Content-Type: text/plain' --data-binary @"$T/kort.txt" "$SERVE_URL/check?kind=tekst"
expect_status 200 "POST /check while a slow client holds a connection"
wait $slow
expect_in "$T/slow.json" '"cut": true' "the slow client is cut off"
after=$(sed -n 's/.*"after": \([0-9.]*\).*/\1/p' "$T/slow.json")
awk -v a="$after" 'BEGIN { exit !(a >= 3.5 && a <= 9) }' && pass || fail "cut after $after s, want about 4-6"
serve_alive "after the slow client"
serve_stop
[ "$SERVE_RC" = 0 ] && pass || fail "SIGTERM: exit $SERVE_RC"
finish
