#!/usr/bin/env bash
# A field in a list item is known to the checks by its manifest entry, though its origin carries the item's index
# (field:personer[0].navn -> personer.items.navn): a long name in a list of people is a name, not a long word to
# rewrite, and the finding that does come points at the indexed path.
. "$(dirname "$0")/lib.sh"
D=$T/tpl
mkdir -p "$D"
python3 "$KB_SRC/tests/cli/make_docx.py" "$D/letter.docx" "Vi har behandlet sagen." "{{#personer}}" \
  "{{navn}} har fået hjælp til {{ydelse}}." "{{/personer}}"
cat >"$D/manifest.json" <<'JSON'
{"title": "Test", "fields": {"personer": {"type": "list", "items": {
  "navn": {"type": "name", "label": "Navn"}, "ydelse": {"type": "text", "label": "Ydelse"}}}}}
JSON
echo '{"personer": [{"navn": "Abcdefghijklmnopqrstuvwxyzæ", "ydelse": "x"},
  {"navn": "Jens", "ydelse": "abcdefghijklmnopqrstuvwxyzøå"}]}' >"$T/sag.json"
run "$KLARBREV" fill "$D" "$T/sag.json" -o "$T/brev.docx" --no-spell --format json
python3 - "$T/stdout" >"$T/long" <<'PY'
import json, sys
for f in json.load(open(sys.argv[1]))["findings"]:
    if f["rule"] == "langt-ord":
        print(f["text"], f["origin"])
PY
expect_not_in "$T/long" "Abcdefghijklmnopqrstuvwxyzæ" "a long name in a list item is a name (type found through the list's items)"
expect_in "$T/long" "abcdefghijklmnopqrstuvwxyzøå field:personer[1].ydelse" \
  "a long word in a text field of the second item is found, with the item's index in its origin"
finish
