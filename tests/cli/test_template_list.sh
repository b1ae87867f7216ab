#!/usr/bin/env bash
# klarbrev template list: the templates of a templates folder, as klarbrev serve finds them (a folder with
# letter.docx, or a .docx; not partials/, not a folder without letter.docx), sorted by id, with title, kind and the
# outcomes (the outcome field's choice values, else the one outcome). A template that does not open is listed with
# its problem and the exit code is 1; a folder that cannot be read is exit 2.
. "$(dirname "$0")/lib.sh"
SAMPLE=$KB_SRC/templates/afslag-kontanthjaelp
D=$T/skabeloner
mkdir -p "$D/partials" "$D/noter" "$D/.skjult" "$D/b-valg" "$D/c-brudt" "$D/æble"
cp -r "$SAMPLE" "$D/afslag-kontanthjaelp"
cp "$SAMPLE/letter.docx" "$D/afslag-kontanthjaelp.docx"   # same id as the folder: the folder wins
cp "$SAMPLE/letter.docx" "$D/a.docx"                      # a bare .docx: id "a", sorted before "afslag-..."
cp "$SAMPLE/letter.docx" "$D/.skjult/letter.docx"
cp "$SAMPLE/letter.docx" "$D/æble/letter.docx"            # a name that cannot be an id
printf 'noter\n' >"$D/noter/README.txt"
printf 'Et standardafsnit.\n' >"$D/partials/x.txt"
cp "$SAMPLE/letter.docx" "$D/b-valg/letter.docx"
cat >"$D/b-valg/manifest.json" <<'JSON'
{ "title": "Hjælpemiddel", "kind": "afgørelse", "outcome": "afslag", "outcome_field": "sag.udfald",
  "fields": { "sag.udfald": { "type": "choice", "required": true, "label": "Udfald",
                              "values": ["bevilling", "delvis bevilling", "afslag"] } } }
JSON
cp "$SAMPLE/letter.docx" "$D/c-brudt/letter.docx"
printf '{ "title": "Brudt" "kind": "afslag" }\n' >"$D/c-brudt/manifest.json"

run "$KLARBREV" template list --templates "$D"
expect_rc 1 "a template that does not open: exit 1"
cat "$T/stdout" >"$T/text"
expect_in "$T/text" "afslag-kontanthjaelp  Afslag på kontanthjælp · afslag · udfald: afslag" "text: id, title, kind, outcome"
expect_in "$T/text" "b-valg                Hjælpemiddel · afgørelse · udfald: bevilling, delvis bevilling, afslag" \
  "text: the outcome field's values, not the fixed outcome"
expect_in "$T/text" "c-brudt               kan ikke åbnes: $D/c-brudt/manifest.json, linje 1" "text: the broken one with its problem"
expect_in "$T/text" "kan ikke åbnes: skabelonens navn må kun have bogstaver a-z" "text: a name that cannot be an id"
expect_in "$T/text" "5 skabeloner i $D; 2 kan ikke åbnes (klarbrev template lint $D/NAVN viser alle fejlene)" "text: the count"
expect_not_in "$T/text" "partials" "partials is no template"
expect_not_in "$T/text" "noter" "a folder without letter.docx is no template"
expect_not_in "$T/text" "skjult" "a hidden folder is no template"
ids=$(awk '{print $1}' "$T/text" | grep -v '^-\|^[0-9]' | tr '\n' ' ')
[ "$ids" = "a afslag-kontanthjaelp b-valg c-brudt æble " ] && pass || fail "text: one line per template, sorted by id: got '$ids'"

run "$KLARBREV" template list --templates "$D" --format json
expect_rc 1 "json: exit 1 as the text"
python3 - "$T/stdout" "$D" >"$T/py" 2>&1 <<'PY'
import json, sys
doc = json.load(open(sys.argv[1], encoding="utf-8"))
d = sys.argv[2]
t = doc["templates"]
ids = [x["id"] for x in t]
assert ids == ["a", "afslag-kontanthjaelp", "b-valg", "c-brudt", "æble"], ids
by = {x["id"]: x for x in t}
s = by["afslag-kontanthjaelp"]
assert s == {"id": "afslag-kontanthjaelp", "title": "Afslag på kontanthjælp", "kind": "afslag",
             "outcomes": ["afslag"], "path": d + "/afslag-kontanthjaelp"}, s
assert by["b-valg"]["outcomes"] == ["bevilling", "delvis bevilling", "afslag"], by["b-valg"]
assert by["a"]["kind"] is None and by["a"]["outcomes"] == [] and by["a"]["path"] == d + "/a.docx", by["a"]
assert "problem" not in by["a"]
b = by["c-brudt"]
assert b["title"] is None and b["outcomes"] == [] and "manifestet er ikke gyldig JSON" in b["problem"], b
assert "skabelonens navn" in by["æble"]["problem"], by["æble"]
print("ok")
PY
[ "$(cat "$T/py")" = ok ] && pass || fail "json: $(cat "$T/py")"

# without the broken ones: exit 0
rm -r "$D/c-brudt" "$D/æble"
run "$KLARBREV" template list --templates "$D"
expect_rc 0 "every template opens: exit 0"
expect_in "$T/stdout" "3 skabeloner i $D" "the count without problems"
expect_not_in "$T/stdout" "kan ikke åbnes" "no problem line"

# the data folder's templates by default, as serve finds them
run env KLARBREV_DATA="$KB_SRC" "$KLARBREV" template list --format json
expect_in "$T/stdout" '"id": "afslag-kontanthjaelp"' "default: the data folder's templates/"
expect_in "$T/stdout" "\"path\": \"$KB_SRC/templates/afslag-kontanthjaelp\"" "default: the path in the data folder"

mkdir "$T/tom"
run "$KLARBREV" template list --templates "$T/tom"
expect_rc 0 "an empty folder"
expect_in "$T/stdout" "ingen skabeloner i $T/tom" "an empty folder says so"

run "$KLARBREV" template list --templates "$T/findes-ikke"
expect_rc 2 "a folder that does not exist"
expect_in "$T/stderr" "skabelonmappen $T/findes-ikke kan ikke læses" "the message names the folder"
run "$KLARBREV" template list "$SAMPLE"
expect_rc 2 "list takes no template"
expect_in "$T/stderr" "template list tager ingen skabelon, men en mappe med dem" "the message says what list takes"
run "$KLARBREV" template list --templates "$D" --format yaml
expect_rc 2 "an unknown format"
run "$KLARBREV" template lits
expect_rc 2 "a mistyped subcommand"
expect_in "$T/stderr" "mente du »list«?" "the nearest subcommand"
run "$KLARBREV" template --help
expect_in "$T/stdout" "klarbrev template list [--templates MAPPE] [--format text|json]" "help: the usage line"
finish
