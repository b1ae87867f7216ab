#!/usr/bin/env bash
# The Word macro (word/klarbrev.bas) runs klarbrev with command lines kept in lines marked KLARBREV-KOMMANDO. This
# test takes those lines from the macro as they are, fills in paths (with spaces and Danish letters, as a caseworker's
# paths have), runs them, and checks what the macro then relies on: the exit codes, the files it opens, the JSON
# report's numbers it reads (every JsonTal(..., "section", "key") in the macro), and the text report's FEJL lines and
# last line. It also checks that the module is stored as the VBA editor imports it (Windows-1252, CRLF).
. "$(dirname "$0")/lib.sh"
BAS=$KB_SRC/word/klarbrev.bas
SAMPLE=$KB_SRC/templates/afslag-kontanthjaelp
export KLARBREV_CONFIG=

# ---- the module as the VBA editor reads it: Windows-1252 text with CRLF line ends
iconv -f CP1252 -t UTF-8 "$BAS" | tr -d '\r' >"$T/macro.bas"
grep -q 'Brevet skal gemmes, før klarbrev kan tjekke det' "$T/macro.bas" && pass ||
  fail "klarbrev.bas is Windows-1252 (the VBA editor imports .bas files in the Windows code page)"
[ "$(grep -c $'\r$' "$BAS")" -eq "$(wc -l <"$BAS")" ] && pass || fail "every line of klarbrev.bas ends in CRLF"
head -n 1 "$T/macro.bas" | grep -qx 'Attribute VB_Name = "Klarbrev"' && pass || fail "the module is named Klarbrev"

# macro_args NAME [KEY=VALUE...]: the argument vector the macro builds from its constant NAME (a KLARBREV-KOMMANDO
# line), with {KEY} replaced by VALUE; NUL-separated on standard output. Fails when NAME has no such line or a
# placeholder is left.
macro_args() {
  /usr/bin/python3 - "$T/macro.bas" "$@" <<'EOF'
import re, shlex, sys
src = open(sys.argv[1], encoding="utf-8").read()
name, pairs = sys.argv[2], sys.argv[3:]
consts = {}
for m in re.finditer(r'^Private Const (\w+) As String = "((?:[^"]|"")*)"\s*\' KLARBREV-KOMMANDO\s*$', src, re.M):
    consts[m.group(1)] = m.group(2).replace('""', '"')
if name not in consts:
    sys.exit(f"no KLARBREV-KOMMANDO line for {name} in klarbrev.bas")
line = consts[name]
for p in pairs:
    k, v = p.split("=", 1)
    line = line.replace("{" + k + "}", v)
if re.search(r"\{[A-Z]+\}", line):
    sys.exit(f"{name}: a placeholder is left in {line!r}")
sys.stdout.write("\0".join(shlex.split(line)) + "\0")
EOF
}

# the macro's own code uses these constants, with these placeholders, and adds the config with CMD_OPSAETNING
for want in 'Replace(Replace(CMD_TJEK, "{BREV}", kopi), "{KOMMENTERET}", kommenteret)' \
  '"{SKABELON}", skabelon), "{SAG}", sag)' '"{BREV}", brev), "{UDKAST}", udkast)' \
  'args = args & Replace(CMD_OPSAETNING, "{OPSAETNING}", KLARBREV_OPSAETNING)'; do
  expect_in "$T/macro.bas" "$want" "the macro builds its command with $want"
done

# ---- KlarbrevTjek: check --annotate --format json on a copy of the open letter
D="$T/Mine breve/Sag 2026-048127"
mkdir -p "$D"
cp "$KB_SRC/tests/data/export/annotate.docx" "$D/Afslag på kontanthjælp-20260504-093000.docx"
printf '[rules]\n' >"$T/kommune opsætning.ini"
mapfile -d '' args < <(macro_args CMD_TJEK "BREV=$D/Afslag på kontanthjælp-20260504-093000.docx" \
  "KOMMENTERET=$D/Afslag på kontanthjælp-kommentarer-20260504-093000.docx") || fail "CMD_TJEK cannot be read"
mapfile -d '' cfg < <(macro_args CMD_OPSAETNING "OPSAETNING=$T/kommune opsætning.ini") || fail "CMD_OPSAETNING"
echo "    KlarbrevTjek runs: klarbrev ${args[*]} ${cfg[*]}"
run "$KLARBREV" "${args[@]}" "${cfg[@]}"
expect_rc 1 "KlarbrevTjek's command: exit 1 for a letter with errors (the macro opens the copy for 0 and 1)"
[ -s "$D/Afslag på kontanthjælp-kommentarer-20260504-093000.docx" ] && pass || fail "the annotated copy exists"
cp "$T/stdout" "$T/report.json"
# every number the macro reads from the report is there, and is a number
grep -o 'JsonTal(rapport, "[a-z_]*", "[a-z_]*")' "$T/macro.bas" | sed 's/.*"\([a-z_]*\)", "\([a-z_]*\)")/\1 \2/' \
  >"$T/keys"
[ "$(wc -l <"$T/keys")" -eq 3 ] && pass || fail "the macro reads errors, warnings and LIX ($(tr '\n' ' ' <"$T/keys"))"
/usr/bin/python3 - "$T/report.json" "$T/keys" <<'EOF' && pass || fail "the report has every number the macro reads"
import json, sys
r = json.load(open(sys.argv[1], encoding="utf-8"))
for line in open(sys.argv[2]):
    sec, key = line.split()
    v = r[sec][key]
    assert isinstance(v, (int, float)) and not isinstance(v, bool), (sec, key, v)
    print(f"    report {sec}.{key} = {v}")
assert r["summary"]["errors"] >= 1
EOF
# the macro finds the numbers by text: "section": then "key": after it (JsonTal); the report is printed so
/usr/bin/python3 - "$T/report.json" <<'EOF' && pass || fail "JsonTal's way of finding numbers works on the report"
import json, re, sys
text = open(sys.argv[1], encoding="utf-8").read()
r = json.loads(text)
for sec, key in (("summary", "errors"), ("summary", "warnings"), ("metrics", "lix")):
    i = text.index(f'"{sec}":')
    i = text.index(f'"{key}":', i) + len(key) + 3
    m = re.match(r"\s*([-+0-9.eE]+)", text[i:])
    assert m and float(m.group(1)) == r[sec][key], (sec, key)
EOF

# a letter klarbrev cannot read: exit 2 and a Danish message on standard error, which the macro shows
echo "ikke et Word-dokument" >"$D/ødelagt.docx"
mapfile -d '' args < <(macro_args CMD_TJEK "BREV=$D/ødelagt.docx" "KOMMENTERET=$D/ødelagt-kommentarer.docx")
run "$KLARBREV" "${args[@]}"
expect_rc 2 "KlarbrevTjek's command on a damaged file: exit 2"
expect_in "$T/stderr" "ødelagt.docx" "the message names the file"
[ ! -e "$D/ødelagt-kommentarer.docx" ] && pass || fail "no copy is left for a damaged file"

# ---- KlarbrevNytBrev: fill -o --draft with a template folder and a case file
U="$T/Dokumenter/Klarbrev"
mkdir -p "$U"
mapfile -d '' args < <(macro_args CMD_NYT_BREV "SKABELON=$SAMPLE" "SAG=$SAMPLE/example.json" \
  "BREV=$U/brev-20260504-093000.docx" "UDKAST=$U/udkast-20260504-093000.docx")
echo "    KlarbrevNytBrev runs: klarbrev ${args[*]}"
run "$KLARBREV" "${args[@]}"
expect_rc 0 "KlarbrevNytBrev's command: exit 0 for the example"
[ -s "$U/brev-20260504-093000.docx" ] && pass || fail "the letter the macro opens exists"
tail -n 1 "$T/stdout" | grep -q '^LIX ' && pass || fail "the report's last line (which the macro shows) is the LIX line"

# a case the checks stop: exit 1, no letter, a draft with comments, FEJL lines for the message box
mkdir -p "$T/data/plugins"
ln -s "$KB_SRC/dictionaries" "$T/data/dictionaries"
cp "$KB_SRC"/plugins/*.lua "$T/data/plugins/"
printf 'return { id = "broken", on_sentence = function(s, report) error("boom") end }\n' >"$T/data/plugins/broken.lua"
mapfile -d '' args < <(macro_args CMD_NYT_BREV "SKABELON=$SAMPLE" "SAG=$SAMPLE/example.json" \
  "BREV=$U/brev-2.docx" "UDKAST=$U/udkast-2.docx")
KLARBREV_DATA=$T/data run "$KLARBREV" "${args[@]}"
expect_rc 1 "KlarbrevNytBrev's command: exit 1 when the checks find an error"
[ ! -e "$U/brev-2.docx" ] && pass || fail "no letter when it is blocked"
[ -s "$U/udkast-2.docx" ] && pass || fail "the draft the macro opens when it is blocked exists"
grep -q '^FEJL \[plugin' "$T/stdout" && pass || fail "the blocking finding is a FEJL line (the macro lists them)"

# a case that does not fit the template: exit 2, every problem on standard error
printf '{"sag": {"nummer": "1"}}' >"$T/Sag uden felter.json"
mapfile -d '' args < <(macro_args CMD_NYT_BREV "SKABELON=$SAMPLE" "SAG=$T/Sag uden felter.json" \
  "BREV=$U/brev-3.docx" "UDKAST=$U/udkast-3.docx")
run "$KLARBREV" "${args[@]}"
expect_rc 2 "KlarbrevNytBrev's command with a case that misses fields: exit 2"
expect_in "$T/stderr" "modtager.navn" "the missing field is named for the message box"
[ ! -e "$U/brev-3.docx" ] && [ ! -e "$U/udkast-3.docx" ] && pass || fail "nothing is written for a bad case"
finish
