#!/usr/bin/env bash
# A caseworker checks a short text that is no decision (a paragraph, a mail) for its language only: check --kind
# tekst leaves out the rules about a decision (plugins with decisions_only = true, such as forvaltningsloven), keeps
# spelling, language and readability, and check --help says so (and what --no-plugins turns off).
. "$(dirname "$0")/lib.sh"
printf 'Såfremt du ikke sender papirerne, får du ikke hjælp.\n' >"$T/kort.txt"

run "$KLARBREV" check "$T/kort.txt"; expect_rc 1 "a short text checked as a decision is blocked"
expect_in "$T/stdout" "[fvl-" "the legal rules run by default"
expect_in "$T/stdout" "[kancellisprog" "the language rules run"

run "$KLARBREV" check "$T/kort.txt" --kind tekst; expect_rc 0 "--kind tekst: only the language"
expect_not_in "$T/stdout" "[fvl-" "no rule about decisions"
expect_in "$T/stdout" "[kancellisprog · plugins/kancellisprog.lua] afsnit 1: Skriv »Hvis« i stedet for »Såfremt«." \
  "the language advice is there"
run "$KLARBREV" check "$T/kort.txt" --kind afgørelse; expect_rc 1 "--kind afgørelse checks it all"
expect_in "$T/stdout" "[fvl-" "the legal rules run for a decision"
run "$KLARBREV" check "$T/kort.txt" --kind brev; expect_rc 2 "an unknown kind"
expect_in "$T/stderr" '--kind skal være afgørelse eller tekst, ikke "brev"' "the kinds are named"

# any plugin can say it is about decisions; a broken one still stops the letter
mkdir -p "$T/data/plugins"
cp -r "$KB_SRC/dictionaries" "$T/data/"
cat >"$T/data/plugins/afg.lua" <<'LUA'
return { id = "afg", decisions_only = true, on_letter = function(l, report) report(l, "kun afgørelser") end }
LUA
cat >"$T/data/plugins/sprog.lua" <<'LUA'
return { id = "sprog", on_letter = function(l, report) report(l, "altid") end }
LUA
run "$KLARBREV" check "$T/kort.txt" --data-dir "$T/data" --no-spell
expect_in "$T/stdout" "kun afgørelser" "a decisions_only plugin runs on a decision"
run "$KLARBREV" check "$T/kort.txt" --data-dir "$T/data" --no-spell --kind tekst
expect_not_in "$T/stdout" "kun afgørelser" "a decisions_only plugin does not run on a text"
expect_in "$T/stdout" "altid" "other plugins still run"
printf 'return { id = "afg", decisions_only = "ja" }\n' >"$T/data/plugins/afg.lua"
run "$KLARBREV" check "$T/kort.txt" --data-dir "$T/data" --no-spell --kind tekst; expect_rc 1 "a broken plugin stops even a text"
expect_in "$T/stdout" "'decisions_only' skal være true eller false" "the wrong value is named"

run "$KLARBREV" check --help
expect_in "$T/stdout" "--kind tekst" "check --help has --kind tekst"
expect_in "$T/stdout" "--no-plugins" "check --help has --no-plugins"
expect_in "$T/stdout" "også sprogreglerne" "check --help says --no-plugins turns off the language rules too"
finish
