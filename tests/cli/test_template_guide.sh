#!/usr/bin/env bash
# A new template made by following docs/templates.md, from an empty folder outside klarbrev's own templates/: a
# header, a table whose row repeats for each item of a list, an optional paragraph, the shared klagevejledning and a
# typed manifest. The Word file is made the way the project makes its own (scripts/make-sample-template.py drives
# LibreOffice Writer), so it has Writer's split runs and styles. Then the guide's three test commands
# ("Sådan tester du en skabelon"): lint is clean, fields gives a skeleton that validates and fills, and the example
# fills and checks clean; the optional paragraph and group may be left out.
. "$(dirname "$0")/lib.sh"

if ! command -v soffice >/dev/null || ! /usr/bin/python3 -c 'import uno' 2>/dev/null; then
  echo "SKIP: needs LibreOffice and python3-uno (scripts/install-deps.sh installs both)"
  [ -n "${CI:-}" ] && exit 1 # CI installs them: a skip there would hide the test
  exit 0
fi

DIR=$T/mine/bevilling-hjaelpemidler # "Hvert brev har sin egen mappe"; here outside templates/
mkdir -p "$DIR"
cat >"$T/letter.txt" <<'EOF'
@header
header: {{kommune.navn}}
header: Sagsnummer {{sag.nummer}}

@footer
footer: {{kommune.navn}} · Telefon {{kommune.telefon}} · {{kommune.email}}

@body
address: {{modtager.navn}}
address: {{modtager.adresse}}
date: {{sag.dato | dato}}

title: Du får hjælpemidler
body: Du får de hjælpemidler, du har søgt om. Vi har behandlet din ansøgning fra {{ansoegning.dato | dato}}.
row: Hjælpemiddel | Pris
row: {{#hjaelpemidler}}{{navn}} | {{pris | kr}}{{/hjaelpemidler}}
body: {{#bemaerkning}}Vi gør dig opmærksom på: {{bemaerkning}}{{/bemaerkning}}

h1: Begrundelse
body: Du kan få hjælpemidler, når de i væsentlig grad kan lette din hverdag. Det står i § 112 i serviceloven.
body: Vi har lagt vægt på, at du har svært ved at gå, og at hjælpemidlerne gør det lettere for dig at klare dig selv.

h1: Sådan klager du
body: {{> klagevejledning/ankestyrelsen}}

h1: Har du spørgsmål?
body: Du er velkommen til at ringe til os på {{kommune.telefon}}. Skriv sagsnummeret {{sag.nummer}}, når du skriver til os.

body: Med venlig hilsen
signature: {{sagsbehandler.navn}}
EOF
run /usr/bin/python3 "$KB_SRC/scripts/make-sample-template.py" "$T/letter.txt" "$DIR/letter.docx" \
  --profile "$T/profile" --title "Bevilling af hjælpemidler"
expect_rc 0 "Writer makes the template's letter.docx"

cat >"$DIR/manifest.json" <<'EOF'
{
  "title": "Bevilling af hjælpemidler",
  "kind": "bevilling",
  "outcome": "bevilling",
  "appeal": { "body": "Ankestyrelsen", "via": "kommunen", "deadline": "4 uger" },
  "fields": {
    "kommune.navn": { "type": "name", "required": true, "label": "Kommunens navn" },
    "kommune.telefon": { "type": "text", "required": true, "label": "Kommunens telefonnummer" },
    "kommune.email": { "type": "text", "required": true, "label": "Kommunens e-mailadresse" },
    "sag.nummer": { "type": "text", "required": true, "label": "Sagsnummer" },
    "sag.dato": { "type": "date", "required": true, "label": "Brevets dato" },
    "ansoegning.dato": { "type": "date", "required": true, "label": "Ansøgningens dato" },
    "modtager.navn": { "type": "name", "required": true, "personal": true, "label": "Modtagerens navn" },
    "modtager.adresse": { "type": "address", "required": true, "personal": true, "label": "Modtagerens adresse" },
    "hjaelpemidler": {
      "type": "list", "required": true, "label": "Hjælpemidler",
      "items": {
        "navn": { "type": "text", "required": true, "label": "Hjælpemidlets navn" },
        "pris": { "type": "amount", "required": true, "label": "Pris" }
      }
    },
    "bemaerkning": { "type": "text", "required": false, "label": "Bemærkning til borgeren" },
    "sagsbehandler.navn": { "type": "name", "required": true, "label": "Sagsbehandlerens navn" }
  }
}
EOF

# 1. lint: the tags, the shared partial (found though the folder is not under templates/) and the fixed text
run "$KLARBREV" template lint "$DIR"; expect_rc 0 "lint of a new template outside templates/ is clean"
expect_in "$T/stdout" "ingen fejl" "lint says it found nothing"
expect_not_in "$T/stdout" "delskabelon" "the shared klagevejledning is found"

# 2. fields: a skeleton in the manifest's shapes and types, which validates as it is
run "$KLARBREV" template fields "$DIR"; expect_rc 0 "template fields on the new template"
cp "$T/stdout" "$T/skeleton.json"
/usr/bin/python3 - "$T/skeleton.json" >"$T/shape" 2>&1 <<'EOF'
import json, sys
s = json.load(open(sys.argv[1], encoding="utf-8"))
problems = []
if not isinstance(s.get("hjaelpemidler"), list) or not s["hjaelpemidler"] or not isinstance(s["hjaelpemidler"][0], dict):
    problems.append("hjaelpemidler is not a list of groups: %r" % s.get("hjaelpemidler"))
else:
    pris = s["hjaelpemidler"][0].get("pris")
    if not isinstance(pris, (int, float)) and not (isinstance(pris, str) and pris.replace(".", "", 1).isdigit()):
        problems.append("hjaelpemidler[0].pris is not an amount: %r" % pris)
if not isinstance(s.get("sag"), dict) or not s["sag"].get("dato"):
    problems.append("sag.dato has no example date")
if list(s)[:1] not in (["kommune"], ["modtager"]):
    problems.append("keys are not in the template's order (the header's kommune or the body's modtager first): %s"
                    % list(s))
print("\n".join(problems) or "ok")
EOF
[ "$(cat "$T/shape")" = ok ] && pass ||
  { fail "the skeleton has the manifest's shapes, typed values and the template's order"; sed 's/^/    /' "$T/shape"; }
# filled as it is, the skeleton passes the case check and the letter is written (--force: the example values are
# not a real decision, so the legal checks may find errors; a case error would still stop it with exit 2)
run "$KLARBREV" fill "$DIR" "$T/skeleton.json" -o "$T/skeleton.docx" --no-spell --force
expect_rc 0 "the skeleton from template fields validates against the manifest and fills"
[ -s "$T/skeleton.docx" ] && pass || fail "the letter from the skeleton is written"

# 3. fill with an example case, as the guide says; it fills and checks clean
cat >"$DIR/example.json" <<'EOF'
{
  "kommune": { "navn": "Søby Kommune", "telefon": "70 20 30 40", "email": "social@soeby.dk" },
  "sag": { "nummer": "2026-051234", "dato": "2026-12-01" },
  "ansoegning": { "dato": "2026-11-03" },
  "modtager": { "navn": "Jens Peter Holm", "adresse": "Kastanjevej 14\n4470 Søby" },
  "hjaelpemidler": [
    { "navn": "Rollator", "pris": 2495 },
    { "navn": "Badebænk", "pris": "899.50" }
  ],
  "bemaerkning": "Rollatoren bliver bragt ud til dig.",
  "sagsbehandler": { "navn": "Anne Bech" }
}
EOF
run "$KLARBREV" fill "$DIR" "$DIR/example.json" -o "$T/brev.docx" --txt "$T/brev.txt"
expect_rc 0 "the new template fills and checks clean with its example"
[ -s "$T/brev.docx" ] && pass || fail "the letter is written"
expect_in "$T/brev.txt" "Rollator" "the table row is repeated: first item"
expect_in "$T/brev.txt" "899,50 kr." "the table row is repeated: second item, with its amount formatted"
expect_in "$T/brev.txt" "Vi gør dig opmærksom på: Rollatoren bliver bragt ud til dig." "the optional paragraph is there"
expect_in "$T/brev.txt" "Du kan klage over afgørelsen til Ankestyrelsen." "the shared klagevejledning is in the letter"
run "$KLARBREV" check "$T/brev.docx"; expect_rc 0 "check of the written letter is clean"

# the optional field left out: its paragraph goes, the letter still fills
/usr/bin/python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); del c["bemaerkning"]; json.dump(c, open(sys.argv[2], "w"), ensure_ascii=False)' \
  "$DIR/example.json" "$T/uden.json"
run "$KLARBREV" fill "$DIR" "$T/uden.json" -o "$T/uden.docx" --txt "$T/uden.txt"
expect_rc 0 "the optional field may be left out"
expect_not_in "$T/uden.txt" "opmærksom" "the optional paragraph is gone"

finish
