#!/usr/bin/env bash
# klarbrev plugin test: every bundled plugin passes its own examples and test files; a failing example is named in
# Danish with what was expected and what was found (exit 1); bad input is exit 2 with nothing on standard output.
. "$(dirname "$0")/lib.sh"

# every bundled plugin, as shipped
run "$KLARBREV" plugin test; expect_rc 0 "bundled plugins pass their examples"
for f in "$KB_SRC"/plugins/*.lua; do
  expect_in "$T/stdout" "OK   plugins/$(basename "$f")" "$(basename "$f") passes"
done
expect_in "$T/stdout" "testfiler" "the readability test files in plugins/tests/readability are run"
expect_in "$T/stdout" " 0 fejlet" "nothing failed"

# a plugin anywhere on disk, by path; a folder of plugins
mkdir -p "$T/regler/tests/kancelli"
cat >"$T/regler/kancelli.lua" <<'LUA'
return {
  id = "kancelli",
  level = "warning",
  description = "Stive vendinger",
  replace = { ["såfremt"] = "hvis", ["i henhold til"] = "efter" },
  message = "Skriv »%s« i stedet for »%s«.",
  examples = {
    ok = { "Hvis du flytter, skal du give os besked." },
    bad = { "[[Såfremt]] du flytter, skal du give os besked.", "Det sker [[i henhold til]] loven." },
  },
}
LUA
printf 'Vi skriver til dig.\nDet er [[i  henhold til]] loven, og [[såfremt]] du vil.\n' >"$T/regler/tests/kancelli/to-fund.txt"
printf 'Hvis du vil, kan du klage.\n' >"$T/regler/tests/kancelli/intet.txt"
run "$KLARBREV" plugin test "$T/regler/kancelli.lua"; expect_rc 0 "a plugin outside plugins/ passes"
expect_in "$T/stdout" "OK   $T/regler/kancelli.lua: 5 tilfælde (3 eksempler, 2 testfiler) bestået" "cases counted"
run "$KLARBREV" plugin test "$T/regler"; expect_rc 0 "a folder of plugins"

# a failing example: which one, what was expected, what was found
cat >"$T/regler/fejl.lua" <<'LUA'
return {
  id = "fejl",
  avoid = { "pågældende" },
  examples = {
    ok = { "Den pågældende borger." },
    bad = { "Den [[borger]] er pågældende.", "[[Intet]] her." },
  },
}
LUA
run "$KLARBREV" plugin test "$T/regler/fejl.lua"; expect_rc 1 "failing examples"
expect_in "$T/stdout" "FEJL $T/regler/fejl.lua, eksempel ok 1: »Den pågældende borger.«" "the ok example is named"
expect_in "$T/stdout" "  forventet: intet fund" "an ok example expects nothing"
expect_in "$T/stdout" "  fundet:    »pågældende« (tegn 5-14) [fejl]: Undgå »pågældende«." "what was found, where"
expect_in "$T/stdout" "FEJL $T/regler/fejl.lua, eksempel bad 1" "the bad example is named"
expect_in "$T/stdout" "  forventet: et fund ved »borger« (tegn 5-10)" "where the mark is"
expect_in "$T/stdout" "  fundet:    intet fund" "nothing found"
expect_in "$T/stdout" "1 plugin, 3 tilfælde: 0 bestået, 3 fejlet" "the count"
run "$KLARBREV" plugin test "$T/regler"; expect_rc 1 "a folder with one failing plugin"
expect_in "$T/stdout" "OK   $T/regler/kancelli.lua" "the good plugin still passes"

# a failing test file names the file and the paragraph
mkdir -p "$T/regler/tests/fejl"
printf 'Første afsnit.\nAndet afsnit om den [[sag]].\n' >"$T/regler/tests/fejl/forkert.txt"
run "$KLARBREV" plugin test "$T/regler/fejl.lua"; expect_rc 1 "failing test file"
expect_in "$T/stdout" "testfil $T/regler/tests/fejl/forkert.txt" "the test file is named"
expect_in "$T/stdout" "et fund ved »sag« (afsnit 2, tegn 21-23)" "paragraph and characters of the mark"

# a plugin that fails on its example does not pass it, not even where the mark covers the whole text
cat >"$T/crash.lua" <<'EOF'
return {
  id = "crash", level = "warning", description = "fejler altid",
  examples = { bad = { "[[Et helt brev.]]" } },
  on_letter = function(letter, report) error("boom") end,
}
EOF
run "$KLARBREV" plugin test "$T/crash.lua"; expect_rc 1 "a plugin that errors fails its whole-letter example"
expect_in "$T/stdout" "FEJL" "the failing example is reported"

# a plugin without examples fails
printf 'return { id = "tom", avoid = { "x" } }\n' >"$T/tom.lua"
run "$KLARBREV" plugin test "$T/tom.lua"; expect_rc 1 "no examples"
expect_in "$T/stdout" "har ingen eksempler" "no examples is said"

# bad input: exit 2, every problem named, nothing on standard output
printf 'return { id = "x", examples = { ok = { "[[a]]" }, bad = { "ingen", "[[åben", "luk]]", "[[a [[b]] c]]", "[[]]" } } }\n' >"$T/marks.lua"
run "$KLARBREV" plugin test "$T/marks.lua"; expect_rc 2 "bad marks"
[ ! -s "$T/stdout" ] && pass || fail "bad marks printed a report"
expect_in "$T/stderr" "6 fejl i plugins eller deres eksempler; intet er testet" "every problem is counted"
expect_in "$T/stderr" "eksempel ok 1 har en [[...]]-markering" "a mark in an ok example"
expect_in "$T/stderr" "eksempel bad 1 har ingen [[...]]-markering" "a bad example without a mark"
expect_in "$T/stderr" "eksempel bad 2: »[[« ved tegn 1 lukkes aldrig med »]]«" "an open mark"
expect_in "$T/stderr" "eksempel bad 3: »]]« ved tegn 4 har ingen »[[« før sig" "a close without open"
expect_in "$T/stderr" "eksempel bad 4: »[[« ved tegn 5 står inde i en anden markering" "nested marks"
expect_in "$T/stderr" "eksempel bad 5: markeringen ved tegn 1 er tom" "an empty mark"
printf 'return { id = "x" \n' >"$T/syntax.lua"
run "$KLARBREV" plugin test "$T/syntax.lua"; expect_rc 2 "syntax error"
expect_in "$T/stderr" "Reglen i $T/syntax.lua:2 kunne ikke indlæses" "file and line of the syntax error"
[ ! -s "$T/stdout" ] && pass || fail "syntax error printed a report"
run "$KLARBREV" plugin test "$T/nope.lua"; expect_rc 2 "missing file"
expect_in "$T/stderr" "$T/nope.lua findes ikke" "the missing file is named"
run "$KLARBREV" plugin test "$T/regler/kancelli.lua" "$T/nope.lua"; expect_rc 2 "one missing file among good ones"
[ ! -s "$T/stdout" ] && pass || fail "a missing file still gave a partial report"
mkdir -p "$T/tom-mappe"
run "$KLARBREV" plugin test "$T/tom-mappe"; expect_rc 2 "empty folder"
expect_in "$T/stderr" "har ingen .lua-filer" "empty folder is said"
printf 'return { id = "x", avoid = { "a" }, examples = { ok = { "b" } } }\n' >"$T/latin1.lua"
mkdir -p "$T/tests/x" && printf 'S\xf8ren [[a]]\n' >"$T/tests/x/latin1.txt"
run "$KLARBREV" plugin test "$T/latin1.lua"; expect_rc 2 "a test file that is not UTF-8"
expect_in "$T/stderr" "tests/x/latin1.txt" "the test file is named"
printf 'return { id = "x", examples = { ok = { "a\\nb" }, bad = { "[[a\\nb]] c" } } }\n' >"$T/lines.lua"
run "$KLARBREV" plugin test "$T/lines.lua"; expect_rc 2 "a mark over two lines"
expect_in "$T/stderr" "går over flere linjer" "a mark over two lines is said"

# usage
run "$KLARBREV" plugin; expect_rc 2 "no subcommand"
run "$KLARBREV" plugin bogus; expect_rc 2 "unknown subcommand"
expect_in "$T/stderr" 'ukendt underkommando "bogus"' "unknown subcommand is named"
run "$KLARBREV" plugin --help; expect_rc 0 "plugin --help"
expect_in "$T/stdout" "Eksempel" "plugin --help has an example"
finish
