#!/usr/bin/env bash
# Annotated drafts: check --annotate and fill --draft write a copy with each finding as a Word comment, and LibreOffice
# opens the copy with every comment on the words it is about: a word typed in two pieces with other formatting, a
# word in a table cell, the colleague's comment that was there before; findings in the header, the footer, a
# footnote and a text box on the nearest place Word shows comments; a finding about the whole letter on its first
# paragraph. The letter (tests/data/export/annotate.docx) is made by scripts/make-export-documents.sh.
. "$(dirname "$0")/lib.sh"
LETTER=$KB_SRC/tests/data/export/annotate.docx
SAMPLE=$KB_SRC/templates/afslag-kontanthjaelp
command -v soffice >/dev/null || { echo "soffice missing: run scripts/install-deps.sh"; exit 1; }

# A data folder of its own, so the findings are the ones this test is about: the project's word lists, the
# kancellisprog plugin and the klagevejledning rule from docs/plugins.md (a finding about the whole letter).
mkdir -p "$T/data/plugins"
ln -s "$KB_SRC/dictionaries" "$T/data/dictionaries"
cp -r "$KB_SRC/plugins/kancellisprog.lua" "$KB_SRC/plugins/lib" "$T/data/plugins/"
cat >"$T/data/plugins/klagevejledning.lua" <<'EOF'
return {
  id = "klagevejledning", level = "error",
  on_letter = function(letter, report)
    for _, word in ipairs(letter.words) do
      if word.lower:find("^klage") then return end
    end
    report(letter, "Brevet siger ikke, hvordan man klager. Tilføj en klagevejledning.")
  end,
}
EOF
export KLARBREV_DATA=$T/data KLARBREV_CONFIG=

# comments_of DOCX: the comments LibreOffice finds, as "anchor<TAB>author<TAB>text" lines, in $T/comments
comments_of() {
  rm -rf "$T/fodt"
  timeout 180 soffice --headless -env:UserInstallation="file://$T/profile" --convert-to fodt --outdir "$T/fodt" "$1" \
    >/dev/null 2>&1
  local f
  f="$T/fodt/$(basename "${1%.docx}").fodt"
  [ -s "$f" ] || { fail "LibreOffice did not convert $1"; : >"$T/comments"; return; }
  /usr/bin/python3 "$KB_SRC/tests/cli/odt_comments.py" "$f" >"$T/comments"
}

# expect_comment ANCHOR AUTHOR TEXT-START DESCRIPTION: a comment on exactly ANCHOR whose text starts with TEXT-START
expect_comment() {
  if awk -F '\t' -v a="$1" -v w="$2" -v t="$3" '$1 == a && $2 == w && index($3, t) == 1 { found = 1 } END { exit !found }' \
    "$T/comments"; then pass; else fail "$4: no comment by $2 on »$1« starting »$3«"; sed 's/^/    got: /' "$T/comments"; fi
}

# ---- check --annotate on a letter a person wrote
run "$KLARBREV" check "$LETTER" --annotate "$T/kommenteret.docx" --format json
expect_rc 1 "check --annotate: the letter has an error (no klagevejledning), so the exit code is 1"
[ -s "$T/kommenteret.docx" ] && pass || fail "the annotated copy is written also when the letter has errors"
cp "$T/stdout" "$T/report.json"
expect_in "$T/stderr" "kopien med" "check says where the copy is"
comments_of "$T/kommenteret.docx"
expect_comment "ansøgnig" klarbrev "Advarsel (stavning): Ukendt ord: »ansøgnig«." \
  "a word typed in two pieces (bold, italic): the comment spans both"
expect_comment "opsparingskonnto" klarbrev "Advarsel (stavning): Ukendt ord: »opsparingskonnto«." \
  "a word in a table cell"
expect_comment "Såfremt" klarbrev "Advarsel (kancellisprog): Skriv »Hvis« i stedet for »Såfremt«. | Forslag: »Hvis«." \
  "a plugin's finding with its suggestion"
expect_comment "formue" "Hanne Jensen" "Tjek beløbet i kontoudtoget." "the colleague's comment is kept where it was"
expect_comment "Afgørelse om kontanthjælp" klarbrev "Fejl (klagevejledning): Brevet siger ikke, hvordan man klager." \
  "a finding about the whole letter is on the first paragraph"
expect_comment "Afgørelse om kontanthjælp" klarbrev "Advarsel (stavning): Ukendt ord: »Kommne«." \
  "a header finding is on the first paragraph of the body"
expect_in "$T/comments" "Gælder »Kommne« i sidehovedet (afsnittet »Søby Kommne · Jobcenter«)." \
  "the header finding's comment quotes the header"
expect_comment "Anders Holm" klarbrev "Advarsel (stavning): Ukendt ord: »Telefn«." \
  "a footer finding is on the last paragraph of the body"
expect_in "$T/comments" "Gælder »Telefn« i sidefoden" "the footer finding's comment says where the text is"
expect_comment "1" klarbrev "Advarsel (stavning): Ukendt ord: »bekendtgørelsn«." \
  "a footnote finding is on the footnote's mark"
expect_in "$T/comments" "Gælder »bekendtgørelsn« i fodnoten" "the footnote finding's comment says where the text is"
expect_comment "Sagsbehandler: Anders Holm, direkte telefn 72 18 41 36" klarbrev "Advarsel (stavning): Ukendt ord: »telefn«." \
  "a finding in a text box is on the text box"
# every finding of the report is a comment, and a finding in the body is on exactly its text
/usr/bin/python3 - "$T/report.json" "$T/comments" >"$T/cross" 2>&1 <<'EOF'
import json, sys
report = json.load(open(sys.argv[1], encoding="utf-8"))
lines = [l.rstrip("\n").split("\t") for l in open(sys.argv[2], encoding="utf-8")]
ours = [l for l in lines if l[1] == "klarbrev"]
problems = []
if len(ours) != len(report["findings"]):
    problems.append(f"{len(report['findings'])} findings, {len(ours)} comments by klarbrev")
def on_it(f, l):
    # exactly on the finding's text; a finding in a text box: on the box, which holds the text
    exact = l[0] == f["text"] or ("i tekstfeltet" in l[2] and f["text"] in l[0])
    return exact and f["message"] in l[2]
for f in report["findings"]:
    if f["part"] == "body" and f["text"] and not any(on_it(f, l) for l in ours):
        problems.append(f"no comment on »{f['text']}« saying »{f['message']}«")
print("\n".join(problems))
sys.exit(1 if problems else 0)
EOF
[ $? -eq 0 ] && pass || { fail "the comments match the report"; cat "$T/cross"; }

# the letter is unchanged and the copy says the same
expect_same <("$KLARBREV" text "$T/kommenteret.docx" --all) <("$KLARBREV" text "$LETTER" --all) \
  "the annotated copy has the letter's text"

# ---- fill --draft: comments say which case field to fix; the draft is written also when the letter is blocked
sed 's/Du har oplyst, at du bor alene./Du har oplyst, at du bor alene i en lejlighd./' "$SAMPLE/example.json" >"$T/sag.json"
run "$KLARBREV" fill "$SAMPLE" "$T/sag.json" --draft "$T/udkast.docx" -o "$T/brev.docx"
expect_rc 0 "fill --draft with warnings only"
[ -s "$T/udkast.docx" ] && [ -s "$T/brev.docx" ] && pass || fail "fill --draft writes the draft and the letter"
comments_of "$T/udkast.docx"
expect_comment "lejlighd" klarbrev "Advarsel (stavning): Ukendt ord: »lejlighd«." "fill --draft: the word in the case"
expect_in "$T/comments" "Teksten kommer fra sagens felt »begrundelse.fakta«: ret den i sagen." \
  "the comment names the case field"
printf 'return { id = "broken", on_sentence = function(s, report) error("boom") end }\n' >"$T/data/plugins/broken.lua"
run "$KLARBREV" fill "$SAMPLE" "$T/sag.json" --draft "$T/udkast2.docx" -o "$T/blocked.docx" --pdf "$T/blocked.pdf"
expect_rc 1 "fill --draft with an error finding is blocked"
[ -s "$T/udkast2.docx" ] && pass || fail "the draft is written when the letter is blocked"
[ ! -e "$T/blocked.docx" ] && [ ! -e "$T/blocked.pdf" ] && pass || fail "a blocked letter writes no letter and no PDF"
rm "$T/data/plugins/broken.lua"

# ---- bad use: exit 2, a Danish message, nothing written
printf 'Du får ikke hjælp.\n' >"$T/brev.txt"
run "$KLARBREV" check "$T/brev.txt" --annotate "$T/txt.docx"; expect_rc 2 "--annotate on a .txt letter"
expect_in "$T/stderr" ".txt-brev kan ikke få kommentarer" "--annotate on a .txt letter says why"
[ ! -e "$T/txt.docx" ] && pass || fail "--annotate on a .txt letter writes nothing"
run "$KLARBREV" check "$LETTER" --annotate "$T/kopi.pdf"; expect_rc 2 "--annotate to a name that is not .docx"
run "$KLARBREV" check "$LETTER" --annotate "$T/no/such/folder/kopi.docx"; expect_rc 2 "--annotate into a missing folder"
expect_in "$T/stderr" "findes ikke" "the missing folder is named"
run "$KLARBREV" fill "$SAMPLE" "$SAMPLE/example.json" -o "$T/same.docx" --draft "$T/same.docx"
expect_rc 2 "fill with the same name for the letter and the draft"
[ ! -e "$T/same.docx" ] && pass || fail "nothing is written when two outputs share a name"
cp "$LETTER" "$T/self.docx"
run "$KLARBREV" check "$T/self.docx" --annotate "$T/self.docx"; expect_rc 2 "--annotate onto the letter itself"
cmp -s "$T/self.docx" "$LETTER" && pass || fail "the letter is not changed when --annotate names it"
ls -a "$T" | grep -q '^\..*\.docx\.' && fail "a temporary file is left behind" || pass
finish
