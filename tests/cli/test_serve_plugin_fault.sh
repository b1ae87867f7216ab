#!/usr/bin/env bash
# A municipality's plugin that loops forever or eats memory on one letter: that request gets the plugin's error
# finding, the requests around it are checked as usual, and the worker goes on with a plugin state made anew.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/serve_lib.sh"

mkdir -p "$T/regler"
cat >"$T/regler/uartig.lua" <<'LUA'
return {
  id = "uartig",
  description = "En regel med en fejl: den løber i ring eller bruger al hukommelsen ved bestemte ord.",
  on_paragraph = function(p, report)
    if p.text:find("SLØJFE", 1, true) then
      while true do end
    end
    if p.text:find("HUKOMMELSE", 1, true) then
      local t = {}
      for i = 1, 100000000 do t[i] = { i, i, i } end
    end
    if p.text:find("Vi har behandlet", 1, true) then
      report(p, "Reglen kører.")
    end
  end,
}
LUA
printf '[klarbrev]\nplugin_folder = regler\nplugin_time_ms = 300\nplugin_memory_mb = 16\n' >"$T/kommune.ini"

# one worker: the faulty request and the good ones meet the same Lua state
serve_start --threads 1 --config "$T/kommune.ini" --no-spell || { finish; exit 1; }
good='Vi har behandlet din ansøgning. Du kan ringe til os.'
printf '%s\n' "$good" >"$T/good.txt"
printf 'Vi har behandlet din sag. SLØJFE\n' >"$T/loop.txt"
printf 'Vi har behandlet din sag. HUKOMMELSE\n' >"$T/mem.txt"

check() { # FILE OUT: POST /check?kind=tekst, the body to OUT, the status to OUT.status
  curl -s -o "$2" -w '%{http_code}' -H "Authorization: Bearer $SERVE_TOKEN" -H 'Content-Type: text/plain' \
    --data-binary @"$1" "$SERVE_URL/check?kind=tekst" >"$2.status"
}

for kind in loop mem; do
  # the faulty letter between good ones, all at once
  check "$T/good.txt" "$T/a.json" &
  p1=$!
  check "$T/$kind.txt" "$T/bad.json" &
  p2=$!
  check "$T/good.txt" "$T/b.json" &
  p3=$!
  wait $p1 $p2 $p3 # not a bare wait: the server is a child too
  for f in a bad b; do
    [ "$(cat "$T/$f.json.status")" = 200 ] && pass || fail "$kind: request $f: HTTP $(cat "$T/$f.json.status")"
  done
  expect_in "$T/bad.json" '"rule": "plugin"' "$kind: the faulty letter gets the plugin's error finding"
  expect_in "$T/bad.json" 'uartig' "$kind: the finding names the plugin"
  if [ $kind = loop ]; then
    expect_in "$T/bad.json" 'tidsgrænsen' "loop: the finding says the time limit was hit"
  else
    expect_in "$T/bad.json" 'hukommelse' "mem: the finding says the memory limit was hit"
  fi
  for f in a b; do
    expect_not_in "$T/$f.json" '"rule": "plugin"' "$kind: the letter beside it ($f) has no plugin error"
    expect_in "$T/$f.json" 'Reglen kører.' "$kind: the plugin still checks the letter beside it ($f)"
  done
  # after the fault: the same worker, a state made anew, the rule as before
  check "$T/good.txt" "$T/after.json"
  [ "$(cat "$T/after.json.status")" = 200 ] && pass || fail "$kind: the request after the fault"
  expect_in "$T/after.json" 'Reglen kører.' "$kind: the plugin works on the next letter"
  expect_not_in "$T/after.json" '"rule": "plugin"' "$kind: the next letter has no plugin error"
done
serve_alive "after both faults"
serve_stop
[ "$SERVE_RC" = 0 ] && pass || fail "SIGTERM: exit $SERVE_RC"
finish
