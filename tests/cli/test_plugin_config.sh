#!/usr/bin/env bash
# The config file through the command line: a municipality's plugin folder and word list, plugin options and levels,
# a plugin and a rule switched off, --config and KLARBREV_CONFIG, plugin list after the config; a config with
# problems is exit 2 with file and line, and fill writes nothing.
. "$(dirname "$0")/lib.sh"
NAVN=$KB_SRC/tests/cli/data/navn

# a data folder of our own, so the bundled plugins (which grow) do not change what this test sees
DATA=$T/data
mkdir -p "$DATA/plugins"
cp -r "$KB_SRC/dictionaries" "$DATA/"
cat >"$DATA/plugins/laengde.lua" <<'LUA'
return {
  id = "laengde",
  level = "warning",
  options = { max_words = 25, error_words = 60 },
  on_sentence = function(s, report, o)
    if #s.words > o.max_words then
      report(s, "Sætningen har %d ord; skriv højst %d.", #s.words, o.max_words)
    end
  end,
  examples = { ok = { "Et kort brev." }, bad = { "[[" .. ("ord "):rep(30) .. "slut.]]" } },
}
LUA
export KLARBREV_DATA=$DATA

mkdir -p "$T/kommune/regler" "$T/kommune/ordlister"
cat >"$T/kommune/regler/kancelli.lua" <<'LUA'
return {
  id = "kancelli",
  level = "warning",
  description = "Stive vendinger gør brevet svært at læse.",
  options = { max_words = 25 },
  replace = { ["såfremt"] = "hvis", ["i henhold til"] = "efter" },
  on_sentence = function(s, report, o)
    if #s.words > o.max_words then
      report{ at = s, rule = "kancelli-lang", level = "warning", message = string.format("Over %d ord.", o.max_words) }
    end
  end,
  examples = { ok = { "Hvis du vil." }, bad = { "[[Såfremt]] du vil." } },
}
LUA
printf 'Xyqwerte\n' >"$T/kommune/ordlister/kommune.dic"
cat >"$T/kommune/kommune.ini" <<'INI'
# Kommunens opsætning af klarbrev
[klarbrev]
plugin_folder = regler
word_list = ordlister

[plugin laengde]
max_words = 8

[plugin kancelli]
level = error
ignore = i henhold til
max_words = 5

[rules]
stavning = info
INI
printf 'Såfremt du vil, kan du klage i henhold til loven over den afgørelse, som Xyqwerte har truffet.\n' >"$T/brev.txt"

# without the config: only the bundled plugins
run "$KLARBREV" check "$T/brev.txt" --format json; expect_rc 0 "check without config"
expect_not_in "$T/stdout" '"rule": "kancelli"' "the municipality's plugin is not loaded without the config"
expect_in "$T/stdout" '"text": "Xyqwerte"' "the unknown word is a spelling finding without the word list"

# with --config
run "$KLARBREV" check "$T/brev.txt" --config "$T/kommune/kommune.ini" --format json; expect_rc 1 "level error blocks"
expect_in "$T/stdout" '"rule": "kancelli"' "the plugin folder is loaded"
expect_in "$T/stdout" '"source": "regler/kancelli.lua"' "the finding names its plugin file"
expect_in "$T/stdout" '"level": "error"' "the plugin's level is set by the config"
expect_not_in "$T/stdout" '"text": "i henhold til"' "an ignored phrase is left alone"
expect_not_in "$T/stdout" '"text": "Xyqwerte"' "the word list is used"
expect_in "$T/stdout" 'Over 5 ord.' "a plugin option is set by the config"
run "$KLARBREV" check "$T/brev.txt" --config "$T/kommune/kommune.ini"; expect_rc 1 "text report"
expect_in "$T/stdout" 'FEJL [kancelli · regler/kancelli.lua] afsnit 1: Skriv »Hvis« i stedet for »Såfremt«.' \
  "the text report names the plugin and its file"
expect_in "$T/stdout" 'ADVARSEL [laengde · plugins/laengde.lua] afsnit 1: Sætningen har 17 ord; skriv højst 8.' \
  "the bundled plugin is named too, with its option from the config"

# KLARBREV_CONFIG, and --config taking precedence over it
KLARBREV_CONFIG="$T/kommune/kommune.ini" run "$KLARBREV" check "$T/brev.txt" --format json
expect_rc 1 "KLARBREV_CONFIG"
expect_in "$T/stdout" '"rule": "kancelli"' "KLARBREV_CONFIG is read"
printf '[plugin kancelli]\nenabled = no\n[plugin laengde]\nenabled = no\n[klarbrev]\nplugin_folder = kommune/regler\n[rules]\nstavning = off\n' >"$T/fra.ini"
KLARBREV_CONFIG="$T/kommune/kommune.ini" run "$KLARBREV" check "$T/brev.txt" --config "$T/fra.ini" --format json
expect_rc 0 "plugins switched off"
expect_in "$T/stdout" '"findings": []' "no plugin and no spelling finding when all are off"

# fill: a bad config writes nothing; a good one is used
printf '{"modtager": {"navn": "Jens Hansen"}, "tekst": "Såfremt du vil, kan du klage."}' >"$T/case.json"
printf '[plugin kancelli]\nmax_wrds = 3\nmax_words = mange\n[klarbrev]\nplugin_folder = kommune/regler\n' >"$T/bad.ini"
run "$KLARBREV" fill "$NAVN" "$T/case.json" -o "$T/out.docx" --config "$T/bad.ini"; expect_rc 2 "fill with a bad config"
expect_in "$T/stderr" "$T/bad.ini:2: kancelli har ingen indstilling »max_wrds«; mente du »max_words«?" \
  "an unknown option is named with its line and the nearest name"
expect_in "$T/stderr" "$T/bad.ini:3: kancelli.max_words skal være et tal (standarden er 25), ikke »mange«" \
  "a value of the wrong type is named with its line"
[ ! -e "$T/out.docx" ] && pass || fail "fill with a bad config wrote the letter"
[ ! -s "$T/stdout" ] && pass || fail "fill with a bad config printed a report"
run "$KLARBREV" fill "$NAVN" "$T/case.json" -o "$T/out.docx" --config "$T/kommune/kommune.ini"; expect_rc 1 "fill blocked"
[ ! -e "$T/out.docx" ] && pass || fail "a finding at level error did not block the letter"

# every kind of bad config: exit 2, file and line, nothing on standard output
bad_config() { # NAME TEXT EXPECTED
  printf "$2" >"$T/$1.ini"
  run "$KLARBREV" check "$T/brev.txt" --config "$T/$1.ini"; expect_rc 2 "$1"
  expect_in "$T/stderr" "$3" "$1: message"
  [ ! -s "$T/stdout" ] && pass || fail "$1: a report was printed"
}
bad_config section '[plugins]\n' "$T/section.ini:1: ukendt afsnit [plugins]; mente du [plugin]"
bad_config outside 'max_words = 3\n' "$T/outside.ini:1: max_words står uden for et afsnit"
bad_config key '[klarbrev]\nplugin_foldr = x\n' "$T/key.ini:2: ukendt nøgle »plugin_foldr« i [klarbrev]; mente du »plugin_folder«?"
bad_config folder '[klarbrev]\nplugin_folder = findes-ikke\n' "$T/folder.ini:2: mappen $T/findes-ikke findes ikke"
bad_config level '[plugin laengde]\nlevel = høj\n' "$T/level.ini:2: level skal være error, warning eller info"
bad_config plugin '[plugin laengd]\n' "$T/plugin.ini:1: der er intet plugin med id »laengd«; mente du »laengde«?"
bad_config rule '[rules]\nplugin = off\n' "$T/rule.ini:2: reglen »plugin« kan ikke ændres"
bad_config utf8 '[plugin laengde]\nmax_words = \xe6\n' "$T/utf8.ini:2: linjen er ikke gyldig UTF-8"
bad_config many '[klarbrev]\nx = 1\n[rules]\ny = maybe\n' "$T/many.ini: 2 fejl i opsætningsfilen"
printf 'ord\nS\xf8ren\n' >"$T/latin1.dic"
bad_config list "[klarbrev]\nword_list = $T/latin1.dic\n" "$T/list.ini:2: ordlisten kan ikke bruges"
bad_config stavnig '[rules]\nstavnig = off\n' "$T/stavnig.ini:2: der er ingen regel »stavnig«; mente du »stavning«?"
bad_config unknown_rule '[rules]\nhelt-ukendt = warning\n' "$T/unknown_rule.ini:2: der er ingen regel »helt-ukendt«"
bad_config regler '[regler]\nstavning = off\n' "$T/regler.ini:1: ukendt afsnit [regler]; mente du [rules]?"

# every mistake of a file in one run, in the order of its lines: the reader's, the plugins' and the rules'
printf '[klarbrev]\nplugin_foldr = regler\n[plugin laengd]\n[plugin laengde]\nmax_wrds = 3\nlevel = høj\n[rules]\nstavnig = off\nlaengde = off\n[regler]\n' \
  >"$T/alle.ini"
for cmd in check plugin; do
  if [ $cmd = check ]; then run "$KLARBREV" check "$T/brev.txt" --config "$T/alle.ini"
  else run "$KLARBREV" plugin list --config "$T/alle.ini"; fi
  expect_rc 2 "$cmd: a config with mistakes at every level"
  [ ! -s "$T/stdout" ] && pass || fail "$cmd: a report was printed"
  expect_in "$T/stderr" "$T/alle.ini: 6 fejl i opsætningsfilen" "$cmd: all six problems are counted"
  grep '^  - ' "$T/stderr" | sed "s|$T/||" >"$T/alle.got"
  printf '%s\n' \
    "  - alle.ini:2: ukendt nøgle »plugin_foldr« i [klarbrev]; mente du »plugin_folder«?" \
    "  - alle.ini:3: der er intet plugin med id »laengd«; mente du »laengde«?" \
    "  - alle.ini:5: laengde har ingen indstilling »max_wrds«; mente du »max_words«?" \
    "  - alle.ini:6: level skal være error, warning eller info, ikke »høj«" \
    "  - alle.ini:8: der er ingen regel »stavnig«; mente du »stavning«?" \
    "  - alle.ini:10: ukendt afsnit [regler]; mente du [rules]? Et afsnit er [klarbrev], [plugin ID] eller [rules]" \
    >"$T/alle.want"
  expect_same "$T/alle.got" "$T/alle.want" "$cmd: every problem at once, by line, with the nearest name"
done
# a rule a plugin gives its findings (report{ rule = ... }) is a known rule
printf '[rules]\nlaengde = info\nstavning-forslag = off\n' >"$T/kendt.ini"
run "$KLARBREV" check "$T/brev.txt" --config "$T/kendt.ini"; [ "$rc" -le 1 ] && pass || fail "known rules: exit $rc"
run "$KLARBREV" check "$T/brev.txt" --config "$T/findes-ikke.ini"; expect_rc 2 "missing config"
expect_in "$T/stderr" "opsætningsfilen $T/findes-ikke.ini findes ikke" "missing config is named"
KLARBREV_CONFIG="$T/findes-ikke.ini" run "$KLARBREV" check "$T/brev.txt"; expect_rc 2 "missing KLARBREV_CONFIG"
run "$KLARBREV" check "$T/brev.txt" --config; expect_rc 2 "--config without a file"

# plugin list after the config
run "$KLARBREV" plugin list --config "$T/kommune/kommune.ini"; expect_rc 0 "plugin list"
# only what the file changed is marked: laengde's option, not its level; kancelli's level, option and phrase
grep -qx "laengde: advarsel" "$T/stdout" && pass || fail "a level the config file leaves alone is not marked as changed"
expect_in "$T/stdout" "indstillinger:  { error_words = 60, max_words = 8 } (ændret af opsætningsfilen: max_words)" \
  "its options after the config, the changed one named"
expect_in "$T/stdout" "indstillinger:  { max_words = 5 } (ændret af opsætningsfilen: max_words)" \
  "the municipality's plugin's options after the config"
expect_in "$T/stdout" "kancelli: fejl (ændret af opsætningsfilen)" "the municipality's plugin with its level"
expect_in "$T/stdout" "fil:            $T/kommune/regler/kancelli.lua" "its file"
expect_in "$T/stdout" "dele:           on_sentence, 1 frase i replace/avoid (1 fjernet af opsætningsfilen)" \
  "its parts: a visitor and its phrases, after ignore"
expect_in "$T/stdout" "stavning: info" "the rules section"
run "$KLARBREV" plugin list --config "$T/fra.ini"; expect_rc 0 "plugin list with plugins off"
expect_in "$T/stdout" "kancelli: slået fra" "a plugin switched off is shown as such"
run "$KLARBREV" plugin list --config "$T/bad.ini"; expect_rc 2 "plugin list with a bad config"
run "$KLARBREV" plugin list extra; expect_rc 2 "plugin list takes no files"

# plugin test without FILE: the bundled plugins and the config's folders, examples at their default options
run "$KLARBREV" plugin test --config "$T/kommune/kommune.ini"; expect_rc 0 "plugin test with the config's folders"
expect_in "$T/stdout" "OK   regler/kancelli.lua" "the config's plugin folder is tested"
expect_in "$T/stdout" "OK   plugins/laengde.lua" "the bundled plugins are tested with their defaults"
finish
