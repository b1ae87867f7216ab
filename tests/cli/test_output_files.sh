#!/usr/bin/env bash
# What the commands write: an output name whose extension does not fit what is written, or whose folder does not
# exist, is refused before any work is done (exit 2, nothing written); --force says that the letter has errors.
. "$(dirname "$0")/lib.sh"
SAMPLE=$KB_SRC/templates/afslag-kontanthjaelp
NAVN=$KB_SRC/tests/cli/data/navn
printf '{"modtager": {"navn": "Jens Hansen"}, "tekst": "Du får hjælpen."}' >"$T/ok.json"

# fill -o brev.pdf would be a Word file under a .pdf name
run "$KLARBREV" fill "$NAVN" "$T/ok.json" -o "$T/brev.pdf"; expect_rc 2 "fill -o brev.pdf"
expect_in "$T/stderr" '-o' "fill -o brev.pdf: the option is named"
expect_in "$T/stderr" '.docx' "fill -o brev.pdf: the message says .docx"
expect_in "$T/stderr" '--pdf' "fill -o brev.pdf: the message points to --pdf"
[ ! -e "$T/brev.pdf" ] && pass || fail "fill -o brev.pdf wrote a file"
run "$KLARBREV" fill "$NAVN" "$T/ok.json" -o "$T/brev.txt"; expect_rc 2 "fill -o brev.txt"
expect_in "$T/stderr" '--txt' "fill -o brev.txt: the message points to --txt"

# fill --txt brev.docx would be text under a .docx name
run "$KLARBREV" fill "$NAVN" "$T/ok.json" --txt "$T/brev.docx"; expect_rc 2 "fill --txt brev.docx"
expect_in "$T/stderr" '.txt' "fill --txt brev.docx: the message says .txt"
[ ! -e "$T/brev.docx" ] && pass || fail "fill --txt brev.docx wrote a file"
run "$KLARBREV" fill "$NAVN" "$T/ok.json" -o "$T/ok.docx" --txt "$T/brev.pdf"; expect_rc 2 "fill --txt brev.pdf"
[ ! -e "$T/ok.docx" ] && pass || fail "a wrong --txt name still wrote the letter"
run "$KLARBREV" fill "$NAVN" "$T/ok.json" --pdf "$T/brev.docx"; expect_rc 2 "fill --pdf brev.docx"
run "$KLARBREV" fill "$NAVN" "$T/ok.json" --draft "$T/udkast.pdf"; expect_rc 2 "fill --draft udkast.pdf"
run "$KLARBREV" fill "$NAVN" "$T/ok.json" -o "$T/ok.docx" --txt "$T/ok.txt"; expect_rc 0 "fill with fitting names"
[ -s "$T/ok.docx" ] && [ -s "$T/ok.txt" ] && pass || fail "fill with fitting names wrote both"

# export and check --annotate
run "$KLARBREV" export "$T/ok.docx" "$T/ud.docx"; expect_rc 2 "export to .docx"
run "$KLARBREV" check "$T/ok.docx" --annotate "$T/kopi.txt"; expect_rc 2 "check --annotate kopi.txt"
[ ! -e "$T/kopi.txt" ] && pass || fail "check --annotate kopi.txt wrote a file"

# a folder that does not exist is found before the work starts (no check ran: no report on standard output)
for args in "fill $NAVN $T/ok.json -o $T/nodir/brev.docx" "fill $NAVN $T/ok.json --txt $T/nodir/brev.txt" \
  "fill $NAVN $T/ok.json --draft $T/nodir/u.docx" "fill $NAVN $T/ok.json --pdf $T/nodir/b.pdf" \
  "export $T/ok.docx $T/nodir/brev.txt" "check $T/ok.docx --annotate $T/nodir/kopi.docx"; do
  run "$KLARBREV" $args; expect_rc 2 "missing folder: $args"
  expect_in "$T/stderr" "mappen $T/nodir findes ikke" "missing folder is named in Danish: $args"
  [ ! -s "$T/stdout" ] && pass || fail "missing folder: the check ran first: $args"
done
echo x >"$T/afile"
run "$KLARBREV" fill "$NAVN" "$T/ok.json" -o "$T/afile/brev.docx"; expect_rc 2 "a file as the folder"
expect_in "$T/stderr" 'er ikke en mappe' "a file as the folder is named"
mkdir "$T/adir.docx"
run "$KLARBREV" fill "$NAVN" "$T/ok.json" -o "$T/adir.docx"; expect_rc 2 "a folder as the output"
expect_in "$T/stderr" 'er en mappe' "a folder as the output is named"

# --force says the letter it wrote has errors
mkdir -p "$T/data/plugins"
cp -r "$KB_SRC/dictionaries" "$T/data/"
printf 'return { id = "altid", level = "error", on_sentence = function(s, report) report(s, "Altid en fejl.") end }\n' \
  >"$T/data/plugins/altid.lua"
run "$KLARBREV" fill "$NAVN" "$T/ok.json" -o "$T/forced.docx" --data-dir "$T/data" --force
expect_rc 0 "fill --force"
expect_in "$T/stderr" 'med --force, selv om tjekket fandt' "fill --force says the letter has errors"
run "$KLARBREV" fill "$NAVN" "$T/ok.json" --txt "$T/forced.txt" --data-dir "$T/data" --force
expect_in "$T/stderr" 'selv om tjekket fandt' "fill --force --txt says the text has errors"
run "$KLARBREV" export "$T/forced.docx" "$T/forced2.txt" --data-dir "$T/data" --force; expect_rc 0 "export --force"
expect_in "$T/stderr" 'selv om tjekket fandt' "export --force says the letter has errors"
run "$KLARBREV" fill "$NAVN" "$T/ok.json" -o "$T/clean.docx"; expect_rc 0 "a clean fill"
expect_not_in "$T/stderr" 'selv om' "a clean fill says nothing about errors"
# file errors are Danish: what, where, what to do
run "$KLARBREV" check "$T/findes-ikke.docx"; expect_rc 2 "check a letter that does not exist"
expect_in "$T/stderr" "$T/findes-ikke.docx: filen findes ikke" "a missing letter is named in Danish"
cat "$T/stderr" >>"$T/all-errors"
echo "Dette er ikke et Word-dokument" >"$T/fake.docx"
run "$KLARBREV" text "$T/fake.docx"; expect_rc 2 "text of a text file called .docx"
expect_in "$T/stderr" "fake.docx er ikke et Word-dokument (.docx): filen er ikke et zip-arkiv" \
  "a text file called .docx is explained in Danish"
cat "$T/stderr" >>"$T/all-errors"
head -c 3000 "$SAMPLE/letter.docx" >"$T/cut.docx"
run "$KLARBREV" check "$T/cut.docx"; expect_rc 2 "check a truncated letter"
expect_in "$T/stderr" "beskadiget eller afkortet" "a truncated letter is explained in Danish"
cat "$T/stderr" >>"$T/all-errors"
run "$KLARBREV" render "$T/findes-ikke.txt" "$T/ok.json"; expect_rc 2 "render a template that does not exist"
expect_in "$T/stderr" "filen findes ikke" "a missing template is named in Danish"
cat "$T/stderr" >>"$T/all-errors"
for english in "not found" "cannot" "does not exist" "not a " "out of memory" "damaged"; do
  expect_not_in "$T/all-errors" "$english" "no English in the file errors: $english"
done
finish
