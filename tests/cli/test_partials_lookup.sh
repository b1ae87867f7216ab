#!/usr/bin/env bash
# Where every command finds the standard paragraphs (partials): a template folder outside klarbrev's own templates/
# (a copy of the sample, a municipality's own) works with fill, template lint and template fields alike; the search
# order (--partials, "partials" beside the template, the data folder's templates/partials) is the same for all; and
# a partial that is not found is named with the folders searched, the partials that exist and how to point elsewhere.
. "$(dirname "$0")/lib.sh"
unset KLARBREV_DATA KLARBREV_CONFIG
SAMPLE=$KB_SRC/templates/afslag-kontanthjaelp

# a copy of the sample outside the repository: the shared partial comes from klarbrev's data folder
mkdir -p "$T/kommune"
cp -r "$SAMPLE" "$T/kommune/afslag"
cd "$T/kommune" || exit 1
run "$KLARBREV" template lint afslag --no-check; expect_rc 0 "template lint on a copy of the sample"
expect_in "$T/stdout" "ingen fejl i skabelonen" "lint finds the shared partial"
run "$KLARBREV" template fields afslag; expect_rc 0 "template fields on a copy of the sample"
expect_in "$T/stdout" '"email"' "fields lists the fields the partial uses (kommune.email)"
run "$KLARBREV" fill afslag afslag/example.json --txt "$T/brev.txt" --no-spell; expect_rc 0 "fill on a copy of the sample"
expect_in "$T/brev.txt" "Du kan klage over afgørelsen til Ankestyrelsen." "fill inserts the shared partial"

# a folder "partials" beside the template wins over the data folder's, for every command
mkdir -p "$T/kommune/partials/klagevejledning"
printf 'Kommunens egen klagevejledning til Ankestyrelsen. Skriv til {{kommune.email}}.\n' \
  >"$T/kommune/partials/klagevejledning/ankestyrelsen.txt"
run "$KLARBREV" fill afslag afslag/example.json --txt "$T/brev2.txt" --no-spell --no-plugins; expect_rc 0 "fill with partials beside"
expect_in "$T/brev2.txt" "Kommunens egen klagevejledning" "the partial beside the template is used"
run "$KLARBREV" template lint afslag --no-check; expect_rc 0 "lint with partials beside"
# --partials is searched first
mkdir -p "$T/andre/klagevejledning"
printf 'Klagevejledning fra --partials. {{#klage_ekstra}}Ekstra.{{/klage_ekstra}}\n' >"$T/andre/klagevejledning/ankestyrelsen.txt"
run "$KLARBREV" fill afslag afslag/example.json --txt "$T/brev3.txt" --no-spell --no-plugins --partials "$T/andre"
expect_rc 0 "fill --partials"
expect_in "$T/brev3.txt" "Klagevejledning fra --partials." "--partials is searched first"
run "$KLARBREV" template fields afslag --partials "$T/andre"; expect_rc 0 "template fields --partials"
expect_in "$T/stdout" '"klage_ekstra"' "fields reads the partial --partials gives"
# a --partials folder that does not exist is bad usage, before anything is done
for cmd in "template lint afslag" "template fields afslag" "fill afslag afslag/example.json -o $T/y.docx"; do
  # shellcheck disable=SC2086
  run "$KLARBREV" $cmd --partials "$T/findes-ikke"; expect_rc 2 "$cmd --partials that does not exist"
  expect_in "$T/stderr" "mappen $T/findes-ikke findes ikke (fra --partials)" "$cmd: the folder is named"
done
[ ! -e "$T/y.docx" ] && pass || fail "fill writes nothing with a --partials that does not exist"
rm -rf "$T/kommune/partials"

# a partial that is not found: the same message from lint, fields and fill
python3 - "$T/kommune/afslag/letter.docx" <<'PY'
import sys, zipfile
path = sys.argv[1]
with zipfile.ZipFile(path) as z:
    items = [(i, z.read(i.filename)) for i in z.infolist()]
with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
    for info, data in items:
        if info.filename == "word/document.xml":
            data = data.replace(b"klagevejledning/ankestyrelsen", b"klagevejledning/ankestyrelsn")
        z.writestr(info, data)
PY
for cmd in "template lint afslag --no-check" "template fields afslag" "fill afslag afslag/example.json -o $T/x.docx"; do
  # shellcheck disable=SC2086
  run "$KLARBREV" $cmd
  [ "$rc" -ne 0 ] && pass || fail "$cmd: a missing partial is a problem"
  cat "$T/stdout" "$T/stderr" >"$T/all"
  expect_in "$T/all" 'delskabelonen "klagevejledning/ankestyrelsn" kan ikke indsættes' "$cmd: the partial is named"
  expect_in "$T/all" "$T/kommune/partials (mappen findes ikke)" "$cmd: the folder beside the template is named"
  expect_in "$T/all" "/templates/partials" "$cmd: the data folder's partials are named"
  expect_in "$T/all" 'mente du »klagevejledning/ankestyrelsen«?' "$cmd: the nearest partial is suggested"
  expect_in "$T/all" 'Der findes: klagevejledning/ankestyrelsen' "$cmd: the partials that exist are listed"
  expect_in "$T/all" '--partials MAPPE' "$cmd: the option that points elsewhere"
  expect_in "$T/all" 'KLARBREV_DATA' "$cmd: the variable that points elsewhere"
done
[ ! -e "$T/x.docx" ] && pass || fail "fill writes nothing when a partial is missing"
run "$KLARBREV" template fields afslag; expect_rc 2 "fields: a missing partial is bad input (exit 2)"

# a data folder given that does not exist is an error, not a silent fallback
run "$KLARBREV" template fields afslag --data-dir "$T/findes-ikke"; expect_rc 2 "--data-dir that does not exist"
expect_in "$T/stderr" "datamappen $T/findes-ikke findes ikke" "the message names the folder"
finish
