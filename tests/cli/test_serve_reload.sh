#!/usr/bin/env bash
# SIGHUP while requests run: a new set of rules with a broken plugin is refused whole (the old rules keep serving,
# the log says which plugin and why), a broken template keeps its old version, a new template appears; once the
# plugin is mended, the next SIGHUP brings the new rules in. No request fails across the reloads.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/serve_lib.sh"
serve_sample
mkdir -p "$T/data/templates" "$T/regler"
cp -r "$KB_SRC/templates/afslag-kontanthjaelp" "$KB_SRC/templates/partials" "$T/data/templates/"
ln -s "$KB_SRC/plugins" "$T/data/plugins"
ln -s "$KB_SRC/dictionaries" "$T/data/dictionaries"
rule() { # VERSION
  cat >"$T/regler/kommunens-regel.lua" <<LUA
return {
  id = "kommunens-regel",
  description = "Kommunens egen regel, udgave $1.",
  on_paragraph = function(p, report)
    if p.text:find("Vi har behandlet", 1, true) then report(p, "Kommunens regel $1.") end
  end,
}
LUA
}
rule 1
printf '[klarbrev]\nplugin_folder = regler\n' >"$T/kommune.ini"
serve_start --threads 2 --no-spell --data-dir "$T/data" --config "$T/kommune.ini" || { finish; exit 1; }
printf 'Vi har behandlet din ansøgning.\n' >"$T/brev1.txt"

# requests all the time, from two clients, until told to stop
load() { # N
  local i=0
  while [ ! -e "$T/stop-load" ]; do
    i=$((i + 1))
    curl -s -o "$T/load$1.json" -w '%{http_code}\n' -H "Authorization: Bearer $SERVE_TOKEN" -H 'Content-Type: text/plain' \
      --data-binary @"$T/brev1.txt" "$SERVE_URL/check?kind=tekst" >>"$T/load$1.status"
    curl -s -o /dev/null -w '%{http_code}\n' -H "Authorization: Bearer $SERVE_TOKEN" --data-binary @"$SAMPLE_CASE" \
      "$SERVE_URL/templates/afslag-kontanthjaelp/fill" >>"$T/load$1.status"
  done
}
load 1 &
l1=$!
load 2 &
l2=$!
sleep 1

scurl -H 'Content-Type: text/plain' --data-binary @"$T/brev1.txt" "$SERVE_URL/check?kind=tekst"
expect_in "$T/body" "Kommunens regel 1." "the first rules"

# a broken plugin, a broken template and a new template in one reload
printf 'return { id = "kommunens-regel", on_paragraph = function(p report) end }\n' >"$T/regler/kommunens-regel.lua"
printf 'ikke en docx' >"$T/data/templates/afslag-kontanthjaelp/letter.docx"
cp -r "$KB_SRC/templates/afslag-kontanthjaelp" "$T/data/templates/ny-skabelon"
kill -HUP "$SERVE_PID"
for i in $(seq 1 300); do grep -q '"event":"reload"' "$T/serve.log" && break; sleep 0.1; done
grep '"event":"reload"' "$T/serve.log" >"$T/reload1"
expect_in "$T/reload1" '"ok":false' "the reload says it was not all well"
expect_in "$T/reload1" 'kommunens-regel' "the log names the broken plugin"
expect_in "$T/reload1" '"plugins_reloaded":false' "the log says the rules were kept"
expect_in "$T/reload1" 'afslag-kontanthjaelp' "the log names the broken template"
expect_in "$T/reload1" 'tidligere udgave' "the log says the old template is kept"
scurl -H 'Content-Type: text/plain' --data-binary @"$T/brev1.txt" "$SERVE_URL/check?kind=tekst"
expect_status 200 "check after the refused reload"
expect_in "$T/body" "Kommunens regel 1." "the old rules keep serving"
expect_not_in "$T/body" '"rule": "plugin"' "no plugin error from the broken file"
scurl --data-binary @"$SAMPLE_CASE" "$SERVE_URL/templates/afslag-kontanthjaelp/fill"
expect_status 200 "the broken template's old version still fills"
scurl "$SERVE_URL/templates"
expect_in "$T/body" '"id": "ny-skabelon"' "the new template is listed"
scurl "$SERVE_URL/health"
expect_in "$T/body" '"generation": 2' "the health shows the new generation"

# mended: the next reload brings the new rules
rule 2
kill -HUP "$SERVE_PID"
for i in $(seq 1 300); do [ "$(grep -c '"event":"reload"' "$T/serve.log")" -ge 2 ] && break; sleep 0.1; done
grep '"event":"reload"' "$T/serve.log" | tail -n 1 >"$T/reload2"
expect_in "$T/reload2" '"plugins_reloaded":true' "the mended rules are taken"
got=0
for i in 1 2 3 4 5 6; do # each worker takes the new rules before its next request
  scurl -H 'Content-Type: text/plain' --data-binary @"$T/brev1.txt" "$SERVE_URL/check?kind=tekst"
  grep -q "Kommunens regel 2." "$T/body" && got=$((got + 1))
done
[ "$got" = 6 ] && pass || fail "the new rules answered $got of 6 requests after the reload"
touch "$T/stop-load"
wait $l1 $l2
bad=$(cat "$T"/load*.status | grep -vc '^200$')
total=$(cat "$T"/load*.status | wc -l)
[ "$bad" = 0 ] && pass || fail "$bad of $total requests during the reloads did not get 200: $(sort "$T"/load*.status | uniq -c)"
[ "$total" -ge 4 ] && pass || fail "only $total requests ran during the reloads"
serve_stop
[ "$SERVE_RC" = 0 ] && pass || fail "SIGTERM: exit $SERVE_RC"
finish
