#!/usr/bin/env bash
# klarbrev plugin test with a config that has mistakes of its own (a bad key) and mistakes only the plugins can see
# (a rule no plugin has) tells all of them in one run, as check does -- not only the first kind.
. "$(dirname "$0")/lib.sh"

mkdir -p "$T/regler"
cat >"$T/regler/kommunesprog.lua" <<'LUA'
return {
  id = "kommunesprog",
  avoid = { "pågældende" },
  examples = { ok = { "Du får hjælp." }, bad = { "Den [[pågældende]] får hjælp." } },
}
LUA
printf 'Du får hjælp til din husleje.\n' >"$T/brev.txt"
printf '[klarbrev]\nplugin_folder = regler\nplugin_foldr = andet\n[rules]\nkommunesprg = off\n' >"$T/fejl.ini"
run "$KLARBREV" check "$T/brev.txt" --config "$T/fejl.ini"; expect_rc 2 "check refuses the config"
cp "$T/stderr" "$T/check.err"
run "$KLARBREV" plugin test "$T/regler/kommunesprog.lua" --config "$T/fejl.ini"; expect_rc 2 "plugin test refuses the config"
[ ! -s "$T/stdout" ] && pass || fail "a bad config still gave a report"
for want in "$T/fejl.ini:3: ukendt nøgle »plugin_foldr« i [klarbrev]; mente du »plugin_folder«?" \
  "$T/fejl.ini:5: der er ingen regel »kommunesprg«; mente du »kommunesprog«?"; do
  expect_in "$T/check.err" "$want" "check: $want"
  expect_in "$T/stderr" "$want" "plugin test: $want"
done
expect_in "$T/check.err" "klarbrev: $T/fejl.ini: 2 fejl i opsætningsfilen" "check counts both mistakes"
expect_in "$T/stderr" "klarbrev: 2 fejl" "plugin test counts both mistakes"
grep -F '  - ' "$T/check.err" | sort >"$T/a"
grep -F '  - ' "$T/stderr" | sort >"$T/b"
expect_same "$T/b" "$T/a" "plugin test lists the config's mistakes as check does"
finish
