#!/usr/bin/env bash
# test_batch.sh -- klarbrev batch: JSON Lines and CSV cases (Danish Excel: ';', quotes, line breaks in cells,
# windows-1252, a byte order mark, dotted columns), a bad case among good ones, duplicate names, standard input, the
# same report with --jobs 1 and --jobs 3, typed CSV cells, --draft/--txt, and exit 2 when the batch cannot start.
. "$(dirname "$0")/lib.sh"
TPL=$KB_SRC/templates/afslag-kontanthjaelp
EX=$TPL/example.json
MK="python3 $KB_SRC/tests/cli/make_cases.py"

# ---- JSON Lines: a case without a required field and one with a full CPR number among good ones
$MK "$EX" "$T/sager.jsonl" 8 --bad 2 --cpr 5
run "$KLARBREV" batch "$TPL" "$T/sager.jsonl" -o "$T/ud" --name "{{sag.nummer}}.docx" --report "$T/r.jsonl" --jobs 2
expect_rc 1 "jsonl with a bad and a blocked case"
n=$(ls "$T/ud" | grep -c '\.docx$')
[ "$n" -eq 6 ] && pass || fail "jsonl: 6 letters written, got $n"
[ ! -e "$T/ud/2026-000002.docx" ] && pass || fail "the invalid case is not written"
[ ! -e "$T/ud/2026-000005.docx" ] && pass || fail "the blocked case is not written"
[ "$(wc -l <"$T/r.jsonl")" -eq 8 ] && pass || fail "one report line per case"
expect_in "$T/r.jsonl" '{"line":3,"output":"2026-000002.docx","status":"invalid","problems":["'"$T"'/sager.jsonl, linje 3: sagen passer ikke til skabelonen' "the report names the bad line"
expect_in "$T/r.jsonl" 'feltet \"modtager.navn\" (Modtagerens navn) mangler' "the report says what is missing"
expect_in "$T/r.jsonl" '{"line":6,"output":"2026-000005.docx","status":"blocked","summary":{"errors":1,' "blocked case"
expect_in "$T/r.jsonl" '"rule":"cpr"' "the blocked case's findings are in the report"
expect_in "$T/r.jsonl" '{"line":1,"output":"2026-000000.docx","status":"written","summary":{"errors":0,"warnings":0,"infos":0,"lix":' "written case"
expect_in "$T/stderr" "færdig: 6 skrevet, 1 blokeret (fejl i brevet), 1 ugyldige, 0 sprunget over" "summary on stderr"
"$KLARBREV" text "$T/ud/2026-000007.docx" >"$T/text7" 2>/dev/null
expect_in "$T/text7" "2026-000007" "each letter has its own case"
if ls -a "$T/ud" | grep -q '^\.'; then
  if ls -a "$T/ud" | grep -v '^\.\.\?$' | grep -q '^\.'; then fail "a temporary file is left"; else pass; fi
fi

# ---- --force writes the blocked letter, as fill does, and says it in the report
$MK "$EX" "$T/cpr.jsonl" 2 --cpr 1
run "$KLARBREV" batch "$TPL" "$T/cpr.jsonl" -o "$T/force" --report "$T/rf.jsonl" --force --quiet
expect_rc 0 "--force"
[ -e "$T/force/brev-000002.docx" ] && pass || fail "--force writes the letter with an error"
expect_in "$T/rf.jsonl" '{"line":2,"output":"brev-000002.docx","status":"written","summary":{"errors":1,' "--force: written with its error"

# ---- the same report with one and with three workers (no timing in the case lines)
run "$KLARBREV" batch "$TPL" "$T/sager.jsonl" -o "$T/ud1" --report "$T/r1.jsonl" --jobs 1 --quiet
expect_rc 1 "--jobs 1"
run "$KLARBREV" batch "$TPL" "$T/sager.jsonl" -o "$T/ud3" --report "$T/r3.jsonl" --jobs 3 --quiet
expect_rc 1 "--jobs 3"
expect_same "$T/r3.jsonl" "$T/r1.jsonl" "the report is the same with --jobs 1 and --jobs 3"
[ -e "$T/ud1/brev-000001.docx" ] && [ -e "$T/ud1/brev-000008.docx" ] && pass || fail "default names brev-<line>.docx"
expect_not_in "$T/stderr" "af 8 sager" "--quiet shows no progress"

# ---- Danish Excel CSV: ';', windows-1252, quotes and a line break in a cell (modtager.adresse), dotted columns
$MK "$EX" "$T/sager.csv" 4 --csv --encoding cp1252 --bad 1
run "$KLARBREV" batch "$TPL" "$T/sager.csv" -o "$T/csv" --encoding windows-1252 --name "{{sag.nummer}}" --report "$T/rc.jsonl"
expect_rc 1 "windows-1252 csv with a bad case"
[ -e "$T/csv/2026-000000.docx" ] && [ -e "$T/csv/2026-000003.docx" ] && [ ! -e "$T/csv/2026-000001.docx" ] && pass ||
  fail "csv: the good cases are written, the bad one not"
"$KLARBREV" text "$T/csv/2026-000003.docx" >"$T/textc" 2>/dev/null
expect_in "$T/textc" "Mette Lund Kristiansen" "csv: a nested field (modtager.navn)"
expect_in "$T/textc" "Kastanjevej 14, 2. th." "csv: a cell with a line break"
expect_in "$T/textc" "4470 Søby" "csv: windows-1252 letters become UTF-8"
# the address spans two lines, so case 2 (from 1) starts on line 6: header, then two lines a case
expect_in "$T/rc.jsonl" '{"line":4,"output":"2026-000001.docx","status":"invalid"' "csv: the report gives the line a case starts on"
# the same file read as UTF-8 is refused with the line and what to do, case by case
run "$KLARBREV" batch "$TPL" "$T/sager.csv" -o "$T/csv8" --report "$T/rc8.jsonl" --quiet
expect_rc 1 "windows-1252 csv read as UTF-8"
expect_in "$T/rc8.jsonl" "er ikke gyldig UTF-8" "csv: not UTF-8 is said"

# ---- CSV with ',' and a UTF-8 byte order mark, from standard input
$MK "$EX" "$T/komma.csv" 3 --csv --sep , --bom
run sh -c "\"$KLARBREV\" batch \"$TPL\" - -o \"$T/stdin\" --input-format csv --name '{{sag.nummer}}' --quiet <\"$T/komma.csv\""
expect_rc 0 "csv with ',' and a BOM on standard input"
[ "$(ls "$T/stdin" | wc -l)" -eq 3 ] && pass || fail "stdin: three letters"
"$KLARBREV" text "$T/stdin/2026-000001.docx" >"$T/texts" 2>/dev/null
expect_in "$T/texts" "Jobcenter, Team Ydelser" "a quoted cell with a comma in a ',' csv"
run sh -c "\"$KLARBREV\" batch \"$TPL\" - -o \"$T/stdin2\" --input-format jsonl --quiet <\"$T/sager.jsonl\""
expect_rc 1 "jsonl on standard input"
expect_in "$T/stderr" "6 skrevet" "jsonl on standard input: the letters"

# ---- two cases with the same name: the second is invalid, the first is not overwritten
$MK "$EX" "$T/dup.jsonl" 4 --dup 3
run "$KLARBREV" batch "$TPL" "$T/dup.jsonl" -o "$T/dup" --name "{{sag.nummer}}.docx" --report "$T/rd.jsonl" --jobs 3 --quiet
expect_rc 1 "duplicate names"
expect_in "$T/rd.jsonl" '{"line":4,"output":"2026-000000.docx","status":"invalid","problems":["'"$T"'/dup.jsonl, linje 4: filnavnet 2026-000000.docx har sagen på linje 1 allerede' "the second of two names is invalid"
expect_in "$T/rd.jsonl" '{"line":1,"output":"2026-000000.docx","status":"written"' "the first keeps its name"

# ---- unsafe characters in a name; --txt and --draft beside the letter
printf '%s\n' "$(python3 -c "
import json; c=json.load(open('$EX')); c['sag']['nummer']='../a/b:c*?'; print(json.dumps(c, ensure_ascii=False))")" >"$T/unsafe.jsonl"
run "$KLARBREV" batch "$TPL" "$T/unsafe.jsonl" -o "$T/uns" --name "{{sag.nummer}}" --txt --draft --quiet
expect_rc 0 "unsafe name"
[ -e "$T/uns/___a_b_c__.docx" ] && pass || { fail "unsafe characters become _"; ls -a "$T/uns"; }
[ -e "$T/uns/___a_b_c__.txt" ] && [ -e "$T/uns/___a_b_c__.udkast.docx" ] && pass || fail "--txt and --draft beside the letter"

# ---- typed CSV cells: an amount and a bool from the manifest; a cell that cannot be converted
mkdir -p "$T/tpl"
python3 "$KB_SRC/tests/cli/make_docx.py" "$T/tpl/letter.docx" "Sag {{sag.nummer}}." "Du får {{ydelse.beløb | kr}}." \
  "{{#ydelse.gentaget}}Ydelsen gentages hver måned.{{/ydelse.gentaget}}"
cat >"$T/tpl/manifest.json" <<'JSON'
{ "title": "Prøve", "fields": {
  "sag.nummer": { "type": "text", "required": true },
  "ydelse.beløb": { "type": "amount", "required": true },
  "ydelse.gentaget": { "type": "bool" } } }
JSON
printf 'sag.nummer;ydelse.beløb;ydelse.gentaget\r\n1;12.345,50;ja\r\n2;12345.5;nej\r\n3;tolv;ja\r\n4;;ja\r\n5;100;måske\r\n' >"$T/typer.csv"
run "$KLARBREV" batch "$T/tpl" "$T/typer.csv" -o "$T/typ" --name "{{sag.nummer}}" --report "$T/rt.jsonl" --force --no-spell --no-plugins --quiet
expect_rc 1 "typed csv with bad cells"
"$KLARBREV" text "$T/typ/1.docx" >"$T/t1" 2>/dev/null
expect_in "$T/t1" "12.345,50 kr." "an amount 12.345,50 is a number"
expect_in "$T/t1" "Ydelsen gentages" "ja is true"
"$KLARBREV" text "$T/typ/2.docx" >"$T/t2" 2>/dev/null
expect_in "$T/t2" "12.345,50 kr." "an amount 12345.5 is a number"
expect_not_in "$T/t2" "gentages" "nej is false"
expect_in "$T/rt.jsonl" 'typer.csv, linje 4, kolonne 2 (ydelse.beløb): cellen skal være et tal' "a cell that is no amount names line and column"
expect_in "$T/rt.jsonl" 'feltet \"ydelse.beløb\"' "an empty cell is a missing field"
expect_in "$T/rt.jsonl" 'typer.csv, linje 6, kolonne 3 (ydelse.gentaget): cellen skal være ja eller nej' "a bad bool"
expect_not_in "$T/rt.jsonl" 'tolv' "the cell's value is not repeated"

# ---- a bad CSV header and bad usage stop the batch before anything: exit 2
printf 'sag..nummer;sag.nummer;sag.nummer\r\n1;2;3\r\n' >"$T/hoved.csv"
run "$KLARBREV" batch "$TPL" "$T/hoved.csv" -o "$T/h"
expect_rc 2 "a bad header"
expect_in "$T/stderr" "kolonne 1 (»sag..nummer«)" "the header problem names the column"
expect_in "$T/stderr" "kolonne 3 (»sag.nummer«) står to gange" "a column twice"
run "$KLARBREV" batch "$T/findes-ikke" "$T/sager.jsonl" -o "$T/x"
expect_rc 2 "a missing template"
run "$KLARBREV" batch "$TPL" "$T/findes-ikke.jsonl" -o "$T/x"
expect_rc 2 "missing cases"
expect_in "$T/stderr" "findes-ikke.jsonl kan ikke læses" "missing cases: the message"
run "$KLARBREV" batch "$TPL" "$T" -o "$T/x" --input-format jsonl
expect_rc 2 "a folder as cases"
run "$KLARBREV" batch "$TPL" - -o "$T/x"
expect_rc 2 "standard input without --input-format"
expect_in "$T/stderr" "kræver --input-format" "standard input: the message"
run "$KLARBREV" batch "$TPL" "$T/sager.jsonl" -o "$T/sager.jsonl"
expect_rc 2 "a file as the output folder"
run "$KLARBREV" batch "$TPL" "$T/sager.jsonl" -o "$T/x" --encoding klingon
expect_rc 2 "an unknown encoding"
run "$KLARBREV" batch "$TPL" "$T/sager.txt" -o "$T/x"
expect_rc 2 "an unknown extension"
run "$KLARBREV" batch "$TPL" "$T/sager.jsonl" -o "$T/x" --name "{{#sag}}"
expect_rc 2 "a bad --name"
run "$KLARBREV" batch "$TPL" "$T/sager.jsonl" -o "$T/x" --jobs 0
expect_rc 2 "--jobs 0"
run "$KLARBREV" batch --help
expect_rc 0 "--help"
expect_in "$T/stdout" "--encoding windows-1252" "--help shows the Excel example"
finish
