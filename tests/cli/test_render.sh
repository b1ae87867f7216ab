#!/usr/bin/env bash
# klarbrev render: a plain-text Mustache template and a case in, the text out; partials from a folder; bad input
# is exit 2 with a message that says what and where.
. "$(dirname "$0")/lib.sh"

mkdir -p "$T/partials/klagevejledning"
printf 'Du kan klage til Ankestyrelsen.\nFristen er {{frist}} uger.\n' >"$T/partials/klagevejledning/ankestyrelsen.txt"
printf 'Med venlig hilsen\n{{afsender}}' >"$T/partials/hilsen.mustache"
cat >"$T/brev.txt" <<'TPL'
Kære {{modtager.navn}}
{{! en note til skribenten }}
{{#afslag}}
Du får ikke {{ydelse}}.
{{/afslag}}
{{#grunde}}
- {{.}}
{{/grunde}}
  {{> klagevejledning/ankestyrelsen}}
{{>hilsen}}
TPL
cat >"$T/sag.json" <<'JSON'
{"modtager": {"navn": "Åse & Bo"}, "afslag": true, "ydelse": "kontanthjælp", "frist": 4,
 "grunde": ["Du har formue", "Du bor i udlandet"], "afsender": "Jobcentret"}
JSON
printf 'Kære Åse & Bo\nDu får ikke kontanthjælp.\n- Du har formue\n- Du bor i udlandet\n  Du kan klage til Ankestyrelsen.\n  Fristen er 4 uger.\nMed venlig hilsen\nJobcentret' >"$T/want.txt"

run "$KLARBREV" render "$T/brev.txt" "$T/sag.json" --partials "$T/partials" --no-escape; expect_rc 0 "render"
expect_same "$T/stdout" "$T/want.txt" "rendered text"

run "$KLARBREV" render "$T/brev.txt" "$T/sag.json" --partials="$T/partials"; expect_rc 0 "render with escaping"
expect_in "$T/stdout" "Kære Åse &amp; Bo" "values are HTML-escaped without --no-escape"

run "$KLARBREV" render --help; expect_rc 0 "render --help"
expect_in "$T/stdout" 'Eksempel' "render --help has an example"
expect_in "$T/stdout" '--partials' "render --help explains --partials"
run "$KLARBREV" --help; expect_in "$T/stdout" 'klarbrev render' "usage lists render"

run "$KLARBREV" render "$T/brev.txt"; expect_rc 2 "render without case"
run "$KLARBREV" render "$T/brev.txt" "$T/sag.json" --partials; expect_rc 2 "--partials without a value"
run "$KLARBREV" render "$T/missing.txt" "$T/sag.json"; expect_rc 2 "missing template"
expect_in "$T/stderr" "$T/missing.txt" "missing template is named"

# without --partials, the folder "partials" beside the template is found, as fill and template lint find it
run "$KLARBREV" render "$T/brev.txt" "$T/sag.json" --no-escape; expect_rc 0 "partials beside the template"
expect_in "$T/stdout" "Du kan klage til Ankestyrelsen." "the partial beside the template is inserted"
# a partial that is not found renders as nothing (the Mustache spec), with a warning that says where klarbrev looked,
# what exists, and --partials; the rest of the text is written. Names that leave the folder are refused.
mkdir -p "$T/andet"
cp "$T/brev.txt" "$T/andet/brev.txt"
run env KLARBREV_DATA="$T/andet" "$KLARBREV" render "$T/andet/brev.txt" "$T/sag.json"
expect_rc 0 "partial without --partials"
expect_in "$T/stderr" '--partials' "the warning says to use --partials"
expect_in "$T/stderr" "$T/andet/partials (mappen findes ikke)" "the warning names the folder it searched"
expect_in "$T/stdout" 'Kære Åse' "the rest of the text is written"
printf 'Før{{> findes/ikke}}efter\n' >"$T/missing-partial.txt"
run "$KLARBREV" render "$T/missing-partial.txt" "$T/sag.json" --partials "$T/partials"; expect_rc 0 "missing partial"
expect_in "$T/stderr" 'advarsel: standardafsnittet "findes/ikke" skrives som tom tekst' "missing partial is named"
expect_in "$T/stderr" "findes/ikke.txt eller findes/ikke.mustache i $T/partials" "the folder searched is named"
expect_in "$T/stderr" 'der findes: ' "the partials that exist are listed"
expect_in "$T/stderr" ' hilsen, ' "the test's own partial is listed"
expect_in "$T/stderr" ' klagevejledning/ankestyrelsen' "a bundled partial is listed by its folder and name"
expect_in "$T/stdout" 'Førefter' "a missing partial renders as nothing"
printf '{{> klagevejledning/ankestyrelsn}}\n' >"$T/typo-partial.txt"
run "$KLARBREV" render "$T/typo-partial.txt" "$T/sag.json"; expect_rc 0 "mistyped partial"
expect_in "$T/stderr" 'mente du »klagevejledning/ankestyrelsen«?' "the nearest partial is suggested"
printf '{{.}} og {{#.}}({{.}}){{/.}}\n' >"$T/root.txt"
echo '"verden"' >"$T/root-string.json"
run "$KLARBREV" render "$T/root.txt" "$T/root-string.json"; expect_rc 0 "render a case that is a JSON string"
expect_in "$T/stdout" 'verden og (verden)' "a string at the root is {{.}}"
echo '["a", "b"]' >"$T/root-list.json"
printf '{{#.}}({{.}}){{/.}}\n' >"$T/root-list.txt"
run "$KLARBREV" render "$T/root-list.txt" "$T/root-list.json"; expect_rc 0 "render a case that is a JSON list"
expect_in "$T/stdout" '(a)(b)' "a list at the root is iterated"
echo '{"a": 1' >"$T/broken.json"
run "$KLARBREV" render "$T/root.txt" "$T/broken.json"; expect_rc 2 "render a case that is not JSON"
expect_in "$T/stderr" 'broken.json' "broken case is named"
echo 'hemmelig' >"$T/secret.txt"
printf '{{> ../secret}}\n' >"$T/escape.txt"
run "$KLARBREV" render "$T/escape.txt" "$T/sag.json" --partials "$T/partials"; expect_rc 2 "partial name with .."
expect_not_in "$T/stdout" 'hemmelig' "a partial name with .. reads nothing outside the folder"
printf '{{> %s/secret}}\n' "$T" >"$T/absolute.txt"
run "$KLARBREV" render "$T/absolute.txt" "$T/sag.json" --partials "$T/partials"; expect_rc 2 "absolute partial name"
expect_not_in "$T/stdout" 'hemmelig' "an absolute partial name reads nothing"

# template mistakes: what and where
printf 'Hej\n{{#a}}\n{{#b}}\n{{/a}}\n' >"$T/mismatch.txt"
run "$KLARBREV" render "$T/mismatch.txt" "$T/sag.json"; expect_rc 2 "mismatched close"
expect_in "$T/stderr" 'mismatch.txt, linje 4: {{/a}} lukker ikke {{#b}}' "mismatched close names file, line and tags"
printf 'Hej\n{{#a}}\n' >"$T/unclosed.txt"
run "$KLARBREV" render "$T/unclosed.txt" "$T/sag.json"; expect_rc 2 "unclosed section"
expect_in "$T/stderr" 'unclosed.txt, linje 2: {{#a}} lukkes aldrig' "unclosed section names file and line"
printf '{"a": 1,}' >"$T/bad.json"
run "$KLARBREV" render "$T/brev.txt" "$T/bad.json" --partials "$T/partials"; expect_rc 2 "malformed case"
expect_in "$T/stderr" 'bad.json' "malformed case is named"

# other delimiters
printf 'Kære <<modtager.navn>>' >"$T/delim.txt"
run "$KLARBREV" render "$T/delim.txt" "$T/sag.json" --delimiters "<< >>" --no-escape; expect_rc 0 "--delimiters"
expect_in "$T/stdout" 'Kære Åse & Bo' "--delimiters fills the field"

# a Word file is not a text template: say so and point to fill, instead of reading the zip as text
python3 "$KB_SRC/tests/cli/make_docx.py" "$T/brev.docx" "Kære {{modtager.navn}}"
run "$KLARBREV" render "$T/brev.docx" "$T/sag.json"; expect_rc 2 "a .docx given to render"
expect_in "$T/stderr" "brev.docx er en Word-fil" "render says the template is a Word file"
expect_in "$T/stderr" "klarbrev fill" "and points to fill"
expect_empty "$T/stdout" "no text is written for a Word file"

# a text template in windows-1252: told with its line, read with --encoding (the case too)
printf 'F\xf8rste linje\nK\xe6re {{modtager.navn}}\n' >"$T/ansi.txt"
run "$KLARBREV" render "$T/ansi.txt" "$T/sag.json"; expect_rc 2 "a windows-1252 template without --encoding"
expect_in "$T/stderr" "ansi.txt: linje 1 er ikke gyldig UTF-8" "the first bad line is named"
printf '{"modtager": {"navn": "S\xf8ren"}}' >"$T/ansi.json"
run "$KLARBREV" render "$T/ansi.txt" "$T/ansi.json" --encoding windows-1252; expect_rc 0 "--encoding windows-1252"
expect_in "$T/stdout" "Kære Søren" "template and case are both converted"

finish
