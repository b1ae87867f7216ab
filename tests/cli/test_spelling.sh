#!/usr/bin/env bash
# Spelling through the command line: a misspelt word with suggestions; a name field is not spell-checked.
. "$(dirname "$0")/lib.sh"
DATA=$KB_SRC/tests/cli/data

run "$KLARBREV" check "$DATA/typo.txt" --no-plugins --format json; expect_rc 0 "spelling warnings do not block"
expect_in "$T/stdout" '"rule": "stavning"' "the typo is a spelling finding"
expect_in "$T/stdout" '"text": "kontanthjlp"' "the finding names the word"
expect_in "$T/stdout" '"kontanthjælp"' "the right word is suggested"
expect_in "$T/stdout" '"level": "warning"' "spelling is a warning"
expect_not_in "$T/stdout" '"text": "marts"' "an ordinal date is no typo"

# the name field holds a word hunspell does not know; the free text the same word
printf '{"modtager": {"navn": "Xyqwerte Hansen"}, "tekst": "Vi har modtaget din Xyqwerte."}' >"$T/case.json"
run "$KLARBREV" fill "$DATA/navn" "$T/case.json" -o "$T/out.docx" --format json; expect_rc 0 "fill with unknown name"
n=$(grep -c '"text": "Xyqwerte"' "$T/stdout")
[ "$n" -eq 1 ] && pass || fail "only the free-text occurrence is flagged (got $n findings)"
expect_in "$T/stdout" '"origin": "field:tekst"' "the finding says it came from the field tekst"

# the case's own "ignore" list: the word is not reported in this letter
printf '{"modtager": {"navn": "Xyqwerte Hansen"}, "tekst": "Vi har modtaget din Xyqwerte.", "ignore": ["xyqwerte"]}' \
  >"$T/case.json"
run "$KLARBREV" fill "$DATA/navn" "$T/case.json" -o "$T/out.docx" --no-plugins --format json; expect_rc 0 "fill with an ignore list"
expect_not_in "$T/stdout" '"rule": "stavning"' "an ignored word is not a finding"
# a malformed ignore list is bad input: exit 2, a Danish message that says where, nothing written
rm -f "$T/out.docx"
printf '{"modtager": {"navn": "A"}, "tekst": "B", "ignore": "Xyqwerte"}' >"$T/bad.json"
run "$KLARBREV" fill "$DATA/navn" "$T/bad.json" -o "$T/out.docx"; expect_rc 2 "ignore must be a list"
expect_in "$T/stderr" 'bad.json: "ignore" skal være en liste af ord' "the message names the file and the key"
[ ! -e "$T/out.docx" ] && [ ! -s "$T/stdout" ] && pass || fail "nothing is written on bad input"

# --encoding: a case file and a .txt letter saved in windows-1252 (æ = \346, ø = \370, å = \345)
printf '{"modtager": {"navn": "S\370ren \305berg"}, "tekst": "Vi har modtaget din ans\370gning om kontanthj\346lp."}' \
  >"$T/cp1252.json"
run "$KLARBREV" fill "$DATA/navn" "$T/cp1252.json" -o "$T/out.docx"; expect_rc 2 "a windows-1252 case without --encoding"
expect_in "$T/stderr" 'cp1252.json: linje 1 er ikke gyldig UTF-8 (byten 0xF8)' "the message names line and byte"
expect_in "$T/stderr" '--encoding' "the message says how to give the encoding"
run "$KLARBREV" fill "$DATA/navn" "$T/cp1252.json" -o "$T/out.docx" --encoding windows-1252 --no-plugins --format json
expect_rc 0 "fill --encoding windows-1252"
expect_not_in "$T/stdout" '"rule": "stavning"' "converted words are spelt right"
"$KLARBREV" text "$T/out.docx" >"$T/text" 2>&1
expect_in "$T/text" 'Vi har modtaget din ansøgning om kontanthjælp.' "the letter holds the text as UTF-8"

# a municipality's word list saved in windows-1252, named in the config file with its character set
mkdir -p "$T/kommune"
printf 'Sk\346lsk\370r\nH\370jbjerggaard\n' >"$T/kommune/steder.dic"
printf '[klarbrev]\nword_list_encoding = windows-1252\nword_list = kommune/steder.dic\n' >"$T/kommune.ini"
run "$KLARBREV" spell Skælskør Højbjerggaard; expect_rc 1 "the place names are unknown without the list"
run "$KLARBREV" spell Skælskør Højbjerggaard --config "$T/kommune.ini"; expect_rc 0 "a windows-1252 list through the config"
printf '[klarbrev]\nword_list = kommune/steder.dic\n' >"$T/utf8.ini"
run "$KLARBREV" spell Skælskør --config "$T/utf8.ini"; expect_rc 2 "the same list read as UTF-8"
expect_in "$T/stderr" 'steder.dic' "the message names the list"
printf '[klarbrev]\nword_list_encoding = windows-9999\nword_list = kommune/steder.dic\n' >"$T/bad.ini"
run "$KLARBREV" spell Skælskør --config "$T/bad.ini"; expect_rc 2 "an unknown character set"
expect_in "$T/stderr" 'bad.ini:2: tegnsættet »windows-9999« kendes ikke' "named with file and line"

printf 'Afg\370relse\r\nDu f\345r ikke kontanthj\346lp fra den 1. marts.\r\n' >"$T/brev.txt"
run "$KLARBREV" check "$T/brev.txt" --encoding windows-1252 --no-plugins --format json; expect_rc 0 "check --encoding windows-1252"
expect_not_in "$T/stdout" '"rule": "stavning"' "no spelling finding in the converted letter"
run "$KLARBREV" check "$T/brev.txt" --encoding iso-8859-1 --no-plugins; expect_rc 0 "check --encoding iso-8859-1"
run "$KLARBREV" check "$T/brev.txt"; expect_rc 2 "a windows-1252 letter read as UTF-8"
expect_in "$T/stderr" 'brev.txt: linje 1 er ikke gyldig UTF-8' "the message names the line"
[ ! -s "$T/stdout" ] && pass || fail "no report on bad input"
run "$KLARBREV" check "$T/brev.txt" --encoding latin-99; expect_rc 2 "an unknown encoding"
expect_in "$T/stderr" 'tegnsættet »latin-99« kendes ikke' "the unknown encoding is named"
run "$KLARBREV" check "$T/out.docx" --encoding windows-1252; expect_rc 2 "--encoding with a .docx"
expect_in "$T/stderr" '--encoding gælder kun et .txt-brev' "a .docx has its own encoding"

# klarbrev spell: words on the command line
run "$KLARBREV" spell aktivloven aktivlovens kontonr. Ankestyrelsen; expect_rc 0 "known words: exit 0"
[ ! -s "$T/stdout" ] && pass || fail "known words print nothing"
run "$KLARBREV" spell kontanthjlp aktivloven afgoerelse; expect_rc 1 "unknown words: exit 1"
expect_in "$T/stdout" 'kontanthjlp: kontanthjælp' "a word with its suggestion"
expect_in "$T/stdout" 'afgoerelse: afgørelse' "ø written oe is found"
expect_not_in "$T/stdout" 'aktivloven' "a word from the project's list is known"
run "$KLARBREV" spell xyqwxyqw; expect_rc 1 "no suggestions"
expect_in "$T/stdout" 'xyqwxyqw: (ingen forslag)' "says there are none"
# text on standard input: each unknown word once, in order, with the same rules as a letter
printf 'Sagsnr. KS-ABC. Du får kontanthjlp efter § 13 f.\nVi skriver om kontant-\nhjlp og kontanthjlp igen på www.xyqw.dk.\n' \
  | "$KLARBREV" spell --format json >"$T/stdout" 2>"$T/stderr"; rc=$?
[ "$rc" -eq 1 ] && pass || fail "spell from standard input: exit $rc"
expect_in "$T/stdout" '"word": "kontanthjlp"' "the unknown word"
expect_in "$T/stdout" '"count": 3' "counted at each place, the hyphenated one joined"
expect_not_in "$T/stdout" 'KS-ABC' "the case number is skipped"
expect_not_in "$T/stdout" 'xyqw' "the URL is skipped"
printf 'kontanthjlp og afgoerelse\n' | "$KLARBREV" spell --list >"$T/stdout" 2>"$T/stderr"
printf 'kontanthjlp\nafgoerelse\n' >"$T/want"
expect_same "$T/stdout" "$T/want" "--list prints the words only"
printf 'Du f\345r kontanthj\346lp.\n' | "$KLARBREV" spell --encoding windows-1252 >"$T/stdout" 2>"$T/stderr"; rc=$?
[ "$rc" -eq 0 ] && pass || fail "spell --encoding windows-1252: exit $rc ($(cat "$T/stderr"))"
printf 'Du f\345r kontanthj\346lp.\n' | "$KLARBREV" spell >"$T/stdout" 2>"$T/stderr"; rc=$?
[ "$rc" -eq 2 ] && [ ! -s "$T/stdout" ] && pass || fail "spell of windows-1252 without --encoding: exit $rc"
expect_in "$T/stderr" 'standard-input: linje 1 er ikke gyldig UTF-8' "the message names standard input and line"
# a municipality's own list, named by its config file: the word and its genitive (flag 10) are known
mkdir -p "$T/kommune/ordlister"
printf '# stednavne\nXyqwertehøj/10\n' >"$T/kommune/ordlister/stednavne.dic"
printf '[klarbrev]\nword_list = ordlister\n' >"$T/kommune/kommune.ini"
run "$KLARBREV" spell Xyqwertehøjs; expect_rc 1 "a place name unknown without the municipal list"
run "$KLARBREV" spell --config "$T/kommune/kommune.ini" Xyqwertehøj Xyqwertehøjs; expect_rc 0 "known through config"
run "$KLARBREV" spell --help; expect_rc 0 "spell --help"
expect_in "$T/stdout" 'Eksempler' "spell --help has examples"
expect_in "$T/stdout" '--list' "spell --help explains --list"
run "$KLARBREV" spell --bogus; expect_rc 2 "an unknown option"
run "$KLARBREV" --help; expect_in "$T/stdout" 'klarbrev spell' "usage lists spell"
finish
