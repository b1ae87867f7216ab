#!/usr/bin/env bash
# klarbrev plugin test and check with a data folder that has no plugins/ folder still load the config's plugin
# folders: a tested plugin whose id a plugin of the config's folder has is refused by both, not passed by plugin
# test while check runs without the config's plugins.
. "$(dirname "$0")/lib.sh"

mkdir -p "$T/data" "$T/regler" "$T/andet"
cat >"$T/regler/kommunesprog.lua" <<'LUA'
return {
  id = "kommunesprog",
  avoid = { "pågældende" },
  examples = { ok = { "Du får hjælp." }, bad = { "Den [[pågældende]] får hjælp." } },
}
LUA
cp "$T/regler/kommunesprog.lua" "$T/andet/kopi.lua"
printf '[klarbrev]\nplugin_folder = regler\n' >"$T/kommune.ini"
printf 'Den pågældende får hjælp.\n' >"$T/brev.txt"

run "$KLARBREV" check "$T/brev.txt" --data-dir "$T/data" --config "$T/kommune.ini" --no-spell --format json
expect_rc 0 "check runs without a bundled plugins folder"
expect_in "$T/stdout" '"rule": "kommunesprog"' "check runs the config's plugin"
run "$KLARBREV" plugin test "$T/regler/kommunesprog.lua" --data-dir "$T/data" --config "$T/kommune.ini"
expect_rc 0 "plugin test of the config's own plugin passes"
run "$KLARBREV" plugin test "$T/andet/kopi.lua" --data-dir "$T/data" --config "$T/kommune.ini"
expect_rc 2 "plugin test refuses an id the config's folder has"
expect_in "$T/stderr" "id »kommunesprog« bruges også af" "plugin test names the taken id"
finish
