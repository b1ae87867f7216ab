#!/usr/bin/env bash
# klarbrev plugin test loads the plugins as check and fill do -- the bundled ones, the config's folders and the
# tested files, with the config applied -- so a plugin that passes its test does not block every letter afterwards:
# an id a bundled plugin already has, an option the config gives wrong, a config section for no plugin are named by
# plugin test (exit 2) with the words check uses.
. "$(dirname "$0")/lib.sh"

mkdir -p "$T/regler"
# a municipality's own version of a bundled plugin, with the bundled plugin's id
cat >"$T/regler/kancelli-kopi.lua" <<'LUA'
return {
  id = "kancellisprog",
  avoid = { "pågældende" },
  examples = { ok = { "Du får hjælp." }, bad = { "Den [[pågældende]] får hjælp." } },
}
LUA
run "$KLARBREV" plugin test "$T/regler/kancelli-kopi.lua"; expect_rc 2 "plugin test refuses an id a bundled plugin has"
[ ! -s "$T/stdout" ] && pass || fail "an id taken still gave a report"
expect_in "$T/stderr" "Reglen i $T/regler/kancelli-kopi.lua kunne ikke indlæses: id »kancellisprog« bruges også af plugins/kancellisprog.lua" \
  "plugin test names the id and the plugin that has it"
# check with the plugin in the config's folder meets the same problem, in the same words
printf '[klarbrev]\nplugin_folder = regler\n' >"$T/kommune.ini"
printf 'Du får hjælp til din husleje.\n' >"$T/brev.txt"
run "$KLARBREV" check "$T/brev.txt" --config "$T/kommune.ini"; expect_rc 1 "check is blocked by the taken id"
expect_in "$T/stdout" "Reglen i regler/kancelli-kopi.lua kunne ikke indlæses: id »kancellisprog« bruges også af plugins/kancellisprog.lua" \
  "check says what plugin test said"
run "$KLARBREV" plugin test --config "$T/kommune.ini"; expect_rc 2 "plugin test of all plugins with the config meets it too"
expect_in "$T/stderr" "Reglen i regler/kancelli-kopi.lua kunne ikke indlæses: id »kancellisprog« bruges også af plugins/kancellisprog.lua" \
  "the same words as check, for the config's folder"

# with a free id it passes, and check runs it
sed 's/id = "kancellisprog"/id = "kommunesprog"/' "$T/regler/kancelli-kopi.lua" >"$T/regler/kommunesprog.lua"
rm "$T/regler/kancelli-kopi.lua"
run "$KLARBREV" plugin test "$T/regler/kommunesprog.lua"; expect_rc 0 "a free id passes"
run "$KLARBREV" plugin test "$T/regler/kommunesprog.lua" --config "$T/kommune.ini"; expect_rc 0 "the tested file in the config's folder is loaded once"

# an option the config gives wrong, and a section for no plugin: plugin test says it as check does
printf '[klarbrev]\nplugin_folder = regler\n[plugin readability]\nmax_words = tyve\n[plugin kommunesprg]\nlevel = info\n' >"$T/fejl.ini"
run "$KLARBREV" check "$T/brev.txt" --config "$T/fejl.ini"; expect_rc 2 "check refuses the config"
cp "$T/stderr" "$T/check.err"
run "$KLARBREV" plugin test "$T/regler/kommunesprog.lua" --config "$T/fejl.ini"; expect_rc 2 "plugin test refuses the config"
[ ! -s "$T/stdout" ] && pass || fail "a bad config still gave a report"
for want in "readability.max_words skal være et tal" "der er intet plugin med id »kommunesprg«; mente du »kommunesprog«?"; do
  expect_in "$T/check.err" "$want" "check: $want"
  expect_in "$T/stderr" "$want" "plugin test: $want"
done
# the same lines, word for word
grep -F '  - ' "$T/check.err" | sort >"$T/a"
grep -F '  - ' "$T/stderr" | sort >"$T/b"
expect_same "$T/b" "$T/a" "plugin test lists the config's problems as check does"
finish
