#!/usr/bin/env bash
# A table in a plain-text letter: klarbrev text, fill --txt and export .txt write each row as one line, its cells
# separated by " · ", so the letter reads well in an e-mail or a journal note. The checks still see each cell as a
# paragraph of its own, so a finding points at the right cell.
. "$(dirname "$0")/lib.sh"
python3 "$KB_SRC/tests/cli/make_table_letter.py" "$T/tabel.docx" || fail "make the table letter"

run "$KLARBREV" text "$T/tabel.docx"; expect_rc 0 "text of a letter with a table"
printf 'Kære Jens Hansen\nYdelse · Beløb · Periode\nKontanthjælp · 12.000 kr. · 1. marts til 31. maj\nBoligstøtte · Ansøgnig afvist\nMed venlig hilsen\n' >"$T/want-text"
expect_same "$T/stdout" "$T/want-text" "klarbrev text writes a table row as one line"

run "$KLARBREV" export "$T/tabel.docx" "$T/tabel.txt" --no-spell; expect_rc 0 "export a letter with a table to .txt"
printf 'Kære Jens Hansen\n\nYdelse · Beløb · Periode\nKontanthjælp · 12.000 kr. · 1. marts til 31. maj\nBoligstøtte · Ansøgnig afvist\n\nMed venlig hilsen\n' >"$T/want-txt"
expect_same "$T/tabel.txt" "$T/want-txt" "export .txt writes a table row as one line, rows without blank lines between"

# the checks: each cell is still a paragraph; the misspelt word is found in its own cell, at its start
run "$KLARBREV" inspect "$T/tabel.docx"; expect_rc 0 "inspect a letter with a table"
expect_in "$T/stdout" 'afsnit 10 [body, tabel række 3 celle 2] Ansøgnig afvist' "inspect names the row and cell"
run "$KLARBREV" check "$T/tabel.docx" --format json; expect_rc 0 "check a letter with a table"
python3 - "$T/stdout" <<'PY' && pass || fail "the spelling finding points at the cell 'Ansøgnig afvist'"
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
f = [f for f in d["findings"] if f.get("text") == "Ansøgnig"]
assert f and f[0]["paragraph"] == 9 and f[0]["start"] == 0 and f[0]["length"] == len("Ansøgnig".encode()), f
PY

# a .txt letter written this way reads back: the row is one paragraph, and the middle dot is not a word
run "$KLARBREV" inspect "$T/tabel.txt"; expect_rc 0 "inspect the exported text"
expect_in "$T/stdout" '  [8 ord] Kontanthjælp · 12.000 kr. · 1. marts til 31. maj' "a row read back is one sentence"
finish
