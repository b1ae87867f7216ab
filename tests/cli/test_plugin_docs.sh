#!/usr/bin/env bash
# The examples in docs/plugins.md are run: every code block with a "<!-- test: NAME -->" line above it becomes the
# file NAME; the Lua plugins must pass `klarbrev plugin test`, the config file must be read by `klarbrev plugin list`
# and `klarbrev check`, and the output the guide shows for the smallest plugin must be what klarbrev prints.
. "$(dirname "$0")/lib.sh"
DOC=$KB_SRC/docs/plugins.md
D=$T/docs
mkdir -p "$D"

# extract: after "<!-- test: NAME -->", the next fenced block goes to $D/NAME
awk -v dir="$D" '
  /^<!-- test: [A-Za-z0-9._-]+ -->$/ { name = $3; next }
  name != "" && /^```/ && !inside { inside = 1; file = dir "/" name; printf "" > file; next }
  inside && /^```$/ { inside = 0; close(file); name = ""; next }
  inside { print >> file }
' "$DOC"

n=$(ls "$D"/*.lua 2>/dev/null | wc -l)
[ "$n" -ge 5 ] && pass || fail "the guide has at least 5 tested plugins (the smallest, a pitfall, three examples); found $n"
for name in mit-foerste kancellisprog cpr klagevejledning lange-ord; do
  [ -s "$D/$name.lua" ] && pass || fail "the guide's $name.lua was not extracted"
done
[ -s "$D/kommune.ini" ] && pass || fail "the guide's config file was not extracted"

run "$KLARBREV" plugin test "$D"/*.lua; expect_rc 0 "every plugin of the guide passes its examples"
expect_in "$T/stdout" " 0 fejlet" "nothing failed"

# the .luacheckrc for plugin authors knows the API: the guide's plugins are clean, a sandbox escape is not
if command -v luacheck >/dev/null; then
  run luacheck --no-color --config "$KB_SRC/.luacheckrc" "$D"/*.lua; expect_rc 0 "luacheck passes the guide's plugins"
  printf 'return { id = "x", on_letter = function() io.open("x"); klarbrev.lenn("a") end }\n' >"$T/escape.lua"
  run luacheck --no-color --config "$KB_SRC/.luacheckrc" "$T/escape.lua"; expect_rc 1 "luacheck flags io and a typo"
  expect_in "$T/stdout" "undefined variable 'io'" "io is not in the sandbox"
  expect_in "$T/stdout" "undefined field 'lenn' of global 'klarbrev'" "klarbrev's fields are declared"
fi

# the output the guide shows for the smallest plugin
shown=$(grep -m1 '^OK   mit-foerste.lua' "$DOC")
[ -n "$shown" ] && pass || fail "the guide shows the output of plugin test for the smallest plugin"
(cd "$D" && "$KLARBREV" plugin test mit-foerste.lua >"$T/small.out" 2>&1)
expect_in "$T/small.out" "$shown" "the guide shows what plugin test prints"
# the guide's failing example: the phrase misspelt in the list, so the bad example finds nothing
mkdir -p "$D/fejl"
sed 's/avoid = { "pågældende" }/avoid = { "pågaeldende" }/' "$D/mit-foerste.lua" >"$D/fejl/mit-foerste.lua"
(cd "$D/fejl" && "$KLARBREV" plugin test mit-foerste.lua >"$T/fail.out" 2>&1); rc=$?
expect_rc 1 "the guide's failing example fails"
for line in 'FEJL mit-foerste.lua, eksempel bad 1: »Den [[pågældende]] får hjælp.«' \
  '  forventet: et fund ved »pågældende« (tegn 5-14)' '  fundet:    intet fund'; do
  grep -qF -- "$line" "$DOC" && pass || fail "the guide no longer shows: $line"
  expect_in "$T/fail.out" "$line" "plugin test prints what the guide shows"
done

# the guide's config file, as printed, against klarbrev's bundled plugins: every plugin and option it names is one
# of theirs; the municipality's folder holds the guide's own plugins (not its kancellisprog example: that id is taken
# by the bundled plugin)
mkdir -p "$T/data"
cp -r "$KB_SRC/dictionaries" "$KB_SRC/plugins" "$T/data/"
export KLARBREV_DATA=$T/data
mkdir -p "$D/regler" "$D/ordlister"
cp "$D/mit-foerste.lua" "$D/cpr.lua" "$D/klagevejledning.lua" "$D/regler/"
printf 'Xyqwerte\n' >"$D/ordlister/kommune.dic"
run "$KLARBREV" plugin list --config "$D/kommune.ini"; expect_rc 0 "the guide's config file is read"
for id in $(sed -n 's/^\[plugin \([a-z0-9_-]*\)\].*/\1/p' "$D/kommune.ini"); do
  [ -e "$KB_SRC/plugins/$id.lua" ] && pass || fail "the guide's config names $id, which is not a bundled plugin"
done
expect_in "$T/stdout" "tone: slået fra" "enabled = no"
expect_in "$T/stdout" 'indstillinger:  { allow = { "endvidere", "jf." } } (ændret af opsætningsfilen: allow)' \
  "the section for kancellisprog sets its option"
grep -qx "kancellisprog: advarsel" "$T/stdout" && pass || fail "kancellisprog's level is not marked as changed"
expect_in "$T/stdout" "readability: advarsel (ændret af opsætningsfilen)" "level = warning for readability"
expect_in "$T/stdout" "max_words = 20" "max_words = 20 with a comment after the value"
printf 'Endvidere har Xyqwerte fået brevet. Den pågældende borger kan klage. Ansøgningen blev afvist af kommunen.\n' \
  >"$T/brev.txt"
run "$KLARBREV" check "$T/brev.txt" --config "$D/kommune.ini" --format json
[ "$rc" -le 1 ] && pass || fail "check with the guide's config: exit code $rc"
expect_in "$T/stdout" '"source": "regler/mit-foerste.lua"' "the config's plugin folder is used"
expect_not_in "$T/stdout" '"text": "Endvidere"' "allow = endvidere"
expect_not_in "$T/stdout" '"text": "Xyqwerte"' "the config's word list is used"
run "$KLARBREV" check "$T/brev.txt" --format json --no-spell
expect_in "$T/stdout" '"rule": "passiv"' "without the config, tone finds the passive sentence"
run "$KLARBREV" check "$T/brev.txt" --config "$D/kommune.ini" --format json --no-spell
expect_not_in "$T/stdout" '"rule": "passiv"' "tone is switched off"
finish
