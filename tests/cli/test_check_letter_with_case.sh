#!/usr/bin/env bash
# A caseworker checks a letter that is not filled by klarbrev and gives the checks what a fill would: a .txt letter's
# front matter (udfald, sag, skabelon), `check --template T --case C`, headings marked with "# " in a .txt letter;
# the text of a hand-written letter has the origin "letter", not "template".
. "$(dirname "$0")/lib.sh"
TPL=$KB_SRC/templates/afslag-kontanthjaelp

# a plugin that says what it sees: outcome, the manifest's title, the case, headings, origin
mkdir -p "$T/regler"
cat >"$T/regler/probe.lua" <<'LUA'
return {
  id = "probe", level = "info",
  on_letter = function(letter, report)
    report(letter, "udfald=%s skabelon=%s sag=%s", tostring(letter.outcome),
      letter.template and letter.template.title or "nil",
      letter.fields and letter.fields.sag.nummer or "nil")
  end,
  on_paragraph = function(p, report)
    report(p, "afsnit heading=%s origin=%s", tostring(p.heading), p.origin)
  end,
}
LUA
printf '[klarbrev]\nplugin_folder = regler\n' >"$T/kommune.ini"
probe() { grep -o '\[probe · [^]]*\] [^:]*: .*' "$T/stdout" | sed 's/^\[probe · [^]]*\] //'; }

# a plain .txt letter: no case, headings marked, origin letter
printf '# Afgørelse\nDu får ikke hjælp.\n' >"$T/brev.txt"
run "$KLARBREV" check "$T/brev.txt" --config "$T/kommune.ini" --no-spell
expect_in "$T/stdout" "brevet: udfald=nil skabelon=nil sag=nil" "a letter without front matter has no case"
expect_in "$T/stdout" "afsnit 1: afsnit heading=1 origin=letter" "'# ' marks a heading"
expect_in "$T/stdout" "afsnit 2: afsnit heading=nil origin=letter" "a hand-written letter's text comes from the letter"
expect_not_in "$T/stdout" "origin=template" "no hand-written text is said to be the template's"
run "$KLARBREV" check "$T/brev.txt" --config "$T/kommune.ini" --no-spell --format json
expect_in "$T/stdout" '"origin": "letter"' "the JSON report says letter"
expect_not_in "$T/stdout" '"origin": "template"' "the JSON report does not say template"
run "$KLARBREV" inspect "$T/brev.txt"
expect_in "$T/stdout" "afsnit 1 [body, overskrift 1] Afgørelse" "inspect shows the heading without its '#'"

# front matter: the outcome stated
printf -- '---\nudfald: afslag\n---\n# Afgørelse\nDu får ikke hjælp.\n' >"$T/udfald.txt"
run "$KLARBREV" check "$T/udfald.txt" --config "$T/kommune.ini" --no-spell
expect_in "$T/stdout" "brevet: udfald=afslag skabelon=nil" "the front matter's outcome reaches the plugins"
expect_in "$T/stdout" "afsnit 1: afsnit heading=1" "the front matter is not a paragraph"

# front matter: template and case, paths from the letter's folder; the outcome as fill finds it
mkdir -p "$T/sag"
cp "$TPL/example.json" "$T/sag/sag.json"
printf -- '---\nskabelon: %s\nsag: sag.json\n---\nDu får ikke hjælp.\n' "$TPL" >"$T/sag/brev.txt"
run "$KLARBREV" check "$T/sag/brev.txt" --config "$T/kommune.ini" --no-spell
sagsnr=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["sag"]["nummer"])' "$TPL/example.json")
[ -n "$sagsnr" ] && pass || fail "the example case has a case number"
expect_in "$T/stdout" "brevet: udfald=afslag skabelon=Afslag på kontanthjælp sag=$sagsnr" "front matter template and case"

# check --template --case on a filled letter gives what fill gave
run "$KLARBREV" fill "$TPL" "$TPL/example.json" -o "$T/brev.docx" --force --config "$T/kommune.ini" --no-spell
probe | sort >"$T/fill.probe"
[ -s "$T/fill.probe" ] && pass || fail "fill ran the probe"
run "$KLARBREV" check "$T/brev.docx" --config "$T/kommune.ini" --no-spell
expect_in "$T/stdout" "brevet: udfald=nil skabelon=nil sag=nil" "check alone knows no case"
run "$KLARBREV" check "$T/brev.docx" --template "$TPL" --case "$TPL/example.json" --config "$T/kommune.ini" --no-spell
expect_in "$T/stdout" "brevet: udfald=afslag skabelon=Afslag på kontanthjælp sag=$sagsnr" "check --template --case"
probe | grep '^brevet' >"$T/check.probe"
grep '^brevet' "$T/fill.probe" >"$T/fill.letter"
expect_same "$T/check.probe" "$T/fill.letter" "check --template --case sees the letter as fill did"
run "$KLARBREV" check "$T/brev.docx" --template "$TPL" --config "$T/kommune.ini" --no-spell
expect_in "$T/stdout" "brevet: udfald=afslag skabelon=Afslag på kontanthjælp sag=nil" "--template alone gives the manifest's outcome"
# a case that does not fit the template is refused, as fill refuses it
printf '{"sagsnummer": "1"}\n' >"$T/kort.json"
run "$KLARBREV" check "$T/brev.docx" --template "$TPL" --case "$T/kort.json"; expect_rc 2 "a case that does not fit"
expect_in "$T/stderr" "sagen passer ikke til skabelonen" "every problem of the case is named"
[ ! -s "$T/stdout" ] && pass || fail "a case that does not fit still gave a report"
run "$KLARBREV" check "$T/brev.docx" --case "$TPL/example.json"; expect_rc 2 "--case without --template"
run "$KLARBREV" check "$T/brev.docx" --template "$T/nope"; expect_rc 2 "a template that does not exist"
expect_in "$T/stderr" "skabelonen $T/nope findes ikke" "the missing template is named"

# front matter problems: exit 2, file and line, nothing checked
printf -- '---\nudfaldt: afslag\n---\nTekst.\n' >"$T/fm1.txt"
run "$KLARBREV" check "$T/fm1.txt"; expect_rc 2 "an unknown key in the front matter"
expect_in "$T/stderr" "fm1.txt, linje 2: ukendt nøgle »udfaldt« i forsiden; mente du »udfald«?" "the nearest key"
printf -- '---\nudfald: afslag\nTekst.\n' >"$T/fm2.txt"
run "$KLARBREV" check "$T/fm2.txt"; expect_rc 2 "front matter without its closing line"
printf -- '---\nudfald: afslag\n' >"$T/fm3.txt"
run "$KLARBREV" check "$T/fm3.txt"; expect_rc 2 "front matter that never closes"
expect_in "$T/stderr" "lukkes aldrig" "the front matter that never closes is said"
run "$KLARBREV" check --help
for opt in --template --case --kind --no-plugins "udfald: afslag" "»# «"; do
  expect_in "$T/stdout" "$opt" "check --help documents $opt"
done
finish
