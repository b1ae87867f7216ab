#!/usr/bin/env bash
# SIGTERM while requests run: they finish and are answered, no new connection is taken, the service exits 0 and
# leaves no scratch files. Bad command lines and start-up problems: exit 2 with a message.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/serve_lib.sh"
serve_sample
serve_tmpdir
serve_start --threads 1 || { finish; exit 1; }
pids=
for i in 1 2 3 4; do
  curl -s -o "$T/r$i.docx" -w '%{http_code}' -H "Authorization: Bearer $SERVE_TOKEN" --data-binary @"$SAMPLE_CASE" \
    "$SERVE_URL/templates/afslag-kontanthjaelp/fill?format=draft" >"$T/r$i.status" &
  pids="$pids $!"
done
sleep 0.3
serve_stop
wait $pids
[ "$SERVE_RC" = 0 ] && pass || fail "SIGTERM: exit $SERVE_RC"
for i in 1 2 3 4; do
  st=$(cat "$T/r$i.status")
  case "$st" in
    200) "$KLARBREV" text "$T/r$i.docx" >/dev/null 2>&1 && pass || fail "request $i: 200 but no whole letter" ;;
    000) pass ;; # not yet accepted when the service stopped listening
    *) fail "request $i in flight at SIGTERM: HTTP $st" ;;
  esac
done
grep -q '"status":200' "$T/serve.log" && pass || fail "no request in flight was answered"
expect_in "$T/serve.log" '"event":"stop"' "the log says it stopped"
[ -z "$(ls -A "$TMPDIR")" ] && pass || fail "scratch files left: $(ls -AR "$TMPDIR")"

run "$KLARBREV" serve extra
expect_rc 2 "a file argument"
run "$KLARBREV" serve --threads 0
expect_rc 2 "--threads 0"
expect_in "$T/stderr" "--threads" "the message names the option"
run "$KLARBREV" serve --listen nowhere
expect_rc 2 "--listen without a port"
run "$KLARBREV" serve --templates "$T/mangler"
expect_rc 2 "a templates folder that does not exist"
expect_in "$T/stderr" "mangler" "the message names the folder"
mkdir -p "$T/regler"
printf 'return { id = "x", on_word = function(w report) end }\n' >"$T/regler/x.lua"
printf '[klarbrev]\nplugin_folder = regler\n' >"$T/kommune.ini"
run "$KLARBREV" serve --listen 127.0.0.1:0 --no-spell --config "$T/kommune.ini"
expect_rc 2 "a broken plugin at start"
expect_in "$T/stderr" "x.lua" "the message names the plugin"
# the port in use
serve_start --threads 1 --no-spell || { finish; exit 1; }
run "$KLARBREV" serve --listen "127.0.0.1:$SERVE_PORT" --no-spell
expect_rc 2 "a port in use"
expect_in "$T/stderr" "i brug" "the message says the address is in use"
serve_stop
finish
