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
for name in mit-foerste stive-vendinger cpr klagevejledning lange-ord udsagnsord; do
  [ -s "$D/$name.lua" ] && pass || fail "the guide's $name.lua was not extracted"
done
[ -s "$D/kommune.ini" ] && pass || fail "the guide's config file was not extracted"

# with the bundled plugins beside them, as check loads them: the guide's ids are free
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

# the worked example: a rule that depends on the outcome and is limited to one heading's section. It passes plugin
# test with the config, and check (front matter; --template --case) and fill find the same thing.
for f in klagefrist.lua klagefrist-brev.txt klagefrist.ini; do
  [ -s "$D/$f" ] && pass || fail "the guide's $f was not extracted"
done
W=$T/klagefrist
mkdir -p "$W/regler"
cp "$D/klagefrist.lua" "$W/regler/"
cp "$D/klagefrist.ini" "$D/klagefrist-brev.txt" "$W/"
run "$KLARBREV" plugin test "$W/regler/klagefrist.lua" --config "$W/klagefrist.ini"
expect_rc 0 "the worked example passes plugin test with the config"
expect_in "$T/stdout" "4 tilfælde bestået" "its four examples ran"
shown=$(grep -m1 '^FEJL \[klagefrist' "$DOC")
[ -n "$shown" ] && pass || fail "the guide shows check's finding for the worked example"
(cd "$W" && "$KLARBREV" check klagefrist-brev.txt --config klagefrist.ini >"$T/kf.out" 2>&1)
expect_in "$T/kf.out" "$shown" "check of the guide's .txt letter prints what the guide shows"
tail -n +4 "$W/klagefrist-brev.txt" >"$W/uden-forside.txt"
run "$KLARBREV" check "$W/uden-forside.txt" --config "$W/klagefrist.ini"
[ "$rc" -le 1 ] && pass || fail "check of the letter without front matter runs: exit $rc"
expect_not_in "$T/stdout" "[klagefrist" "without an outcome the rule says nothing"
run "$KLARBREV" check "$W/klagefrist-brev.txt" --config "$W/klagefrist.ini" --kind tekst
[ "$rc" -le 1 ] && pass || fail "check --kind tekst runs: exit $rc"
expect_not_in "$T/stdout" "[klagefrist" "decisions_only: not run on a text"
TPL=$KB_SRC/templates/afslag-kontanthjaelp
kf_findings() { python3 -c '
import json, sys
for f in json.load(open(sys.argv[1]))["findings"]:
    if f["rule"] == "klagefrist":
        print(f.get("paragraph"), f.get("text"), f["message"])' "$1"; }
run "$KLARBREV" fill "$TPL" "$TPL/example.json" -o "$W/brev.docx" --draft "$W/udkast.docx" --config "$W/klagefrist.ini" --format json
expect_rc 1 "fill with the config is stopped by the rule"
kf_findings "$T/stdout" >"$W/fill.kf"
[ "$(wc -l <"$W/fill.kf")" -eq 1 ] && pass || fail "fill finds the heading once: $(cat "$W/fill.kf")"
grep -q "Sådan klager du" "$W/fill.kf" && pass || fail "fill's finding is on the heading about complaints"
run "$KLARBREV" check "$W/udkast.docx" --template "$TPL" --case "$TPL/example.json" --config "$W/klagefrist.ini" --format json
kf_findings "$T/stdout" >"$W/check.kf"
expect_same "$W/check.kf" "$W/fill.kf" "check --template --case finds what fill found"
run "$KLARBREV" check "$W/udkast.docx" --config "$W/klagefrist.ini"
[ "$rc" -le 1 ] && pass || fail "check of the draft without the template runs: exit $rc"
expect_not_in "$T/stdout" "[klagefrist" "check without the template knows no outcome"
printf '[klarbrev]\nplugin_folder = regler\n' >"$W/standard.ini"
run "$KLARBREV" fill "$TPL" "$TPL/example.json" -o "$W/brev.docx" --config "$W/standard.ini"
expect_rc 0 "the template fills with the worked example at its default options"
expect_not_in "$T/stdout" "[klagefrist" "with its default options the template's klagevejledning passes"

# the guide's config file, as printed, against klarbrev's bundled plugins: every plugin and option it names is one
# of theirs; the municipality's folder holds the guide's own plugins
mkdir -p "$T/data"
cp -r "$KB_SRC/dictionaries" "$KB_SRC/plugins" "$T/data/"
export KLARBREV_DATA=$T/data
mkdir -p "$D/regler" "$D/ordlister"
cp "$D/mit-foerste.lua" "$D/stive-vendinger.lua" "$D/cpr.lua" "$D/klagevejledning.lua" "$D/regler/"
printf 'Xyqwerte\n' >"$D/ordlister/kommune.dic"
run "$KLARBREV" plugin list --config "$D/kommune.ini"; expect_rc 0 "the guide's config file is read"
for id in $(sed -n 's/^\[plugin \([a-z0-9_-]*\)\].*/\1/p' "$D/kommune.ini"); do
  [ -e "$KB_SRC/plugins/$id.lua" ] || [ -e "$D/regler/$id.lua" ] && pass ||
    fail "the guide's config names $id, which is neither bundled nor one of the guide's plugins in its folder"
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
# (with spelling: tone.lua's passive rule needs the dictionary's analyses, which --no-spell does not load)
run "$KLARBREV" check "$T/brev.txt" --format json
expect_in "$T/stdout" '"rule": "passiv"' "without the config, tone finds the passive sentence"
run "$KLARBREV" check "$T/brev.txt" --config "$D/kommune.ini" --format json
expect_not_in "$T/stdout" '"rule": "passiv"' "tone is switched off"
finish
