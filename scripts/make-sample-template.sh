#!/usr/bin/env bash
# Regenerates a bundled template's Word document, templates/ID/letter.docx, from templates/ID/source/letter.txt
# (ID: each one given, or every folder of templates/ with a source/letter.txt). LibreOffice Writer makes the document
# (driven through UNO by scripts/make-sample-template.py) and saves it as DOCX, so the file is what a word processor
# writes, split runs and all. Then the script checks the result: header and footer parts exist; each example case
# (example.json and examples/*.json) has every required field; klarbrev template lint finds no problem (tags,
# formatters, partials, fields, the template's own text); LibreOffice converts the letter to PDF; and, when klarbrev
# is built (build/bin/klarbrev), each example fills and checks without an error.
#
# A maintainer step: letter.docx is committed, so the quick start never runs this. Needs soffice
# (libreoffice-writer-nogui) and the Python UNO bridge for /usr/bin/python3 (Debian: apt-get install python3-uno).
# Safe to run again: it uses a temporary LibreOffice profile and replaces letter.docx only when Writer has written
# the new one.
#   scripts/make-sample-template.sh [ID...]
set -euo pipefail
cd "$(dirname "$0")/.."
ids=("$@")
if [ ${#ids[@]} -eq 0 ]; then
  for d in templates/*/source/letter.txt; do
    d=${d#templates/}
    ids+=("${d%%/*}")
  done
fi
for id in "${ids[@]}"; do
  [ -f "templates/$id/source/letter.txt" ] || {
    echo "make-sample-template: templates/$id/source/letter.txt is missing" >&2
    exit 2
  }
done

command -v soffice >/dev/null 2>&1 || {
  echo "make-sample-template: soffice is missing; run scripts/install-deps.sh" >&2
  exit 2
}
/usr/bin/python3 -c 'import uno' 2>/dev/null || {
  echo "make-sample-template: /usr/bin/python3 has no uno module; install it: sudo apt-get install python3-uno" >&2
  exit 2
}

work=$(mktemp -d "${TMPDIR:-/tmp}/klarbrev-template.XXXXXX")
trap 'rm -rf "$work"' EXIT

# make_one ID: builds and checks templates/ID/letter.docx
make_one() {
tpl=templates/$1
title=$(/usr/bin/python3 -c 'import json, sys; print(json.load(open(sys.argv[1], encoding="utf-8"))["title"])' \
  "$tpl/manifest.json")
/usr/bin/python3 scripts/make-sample-template.py "$tpl/source/letter.txt" "$tpl/letter.docx" \
  --profile "$work/profile" --title "$title"

# header and footer parts exist and hold tags, and the example has every required field. klarbrev's own lint
# (below) checks tags, formatters, partials, fields declared in manifest.json and the template's own text.
/usr/bin/python3 - "$tpl" <<'EOF'
import json, os, re, sys, zipfile

sys.dont_write_bytecode = True
sys.path.insert(0, "scripts")
from templatelib import cases, lookup  # the gallery's and the library test's own

tpl = sys.argv[1]
problems = []
with zipfile.ZipFile(f"{tpl}/letter.docx") as z:
    names = z.namelist()
    for part in ("word/header1.xml", "word/footer1.xml"):
        if part not in names:
            problems.append(f"letter.docx has no {part}")
        elif "{{" not in re.sub(r"<[^>]+>", "", z.read(part).decode("utf-8")):
            problems.append(f"no tag in {part}")
manifest = json.load(open(f"{tpl}/manifest.json", encoding="utf-8"))
if not os.path.exists(f"{tpl}/example.json"):
    problems.append(f"{tpl} has no example.json (the main example case)")
for path in cases(tpl):
    example = json.load(open(path, encoding="utf-8"))
    for f, spec in manifest["fields"].items():
        v = lookup(example, f)
        if spec.get("required") and (v is None or v == ""):
            problems.append(f"{path} has no value for the required field {f}")
if problems:
    sys.exit("make-sample-template: " + "\n  ".join(["problems:"] + problems))
print("parts: header and footer with tags; every example has every required field")
EOF

rm -f "$work/letter.pdf" # the template before this one left its own
timeout 180 soffice --headless -env:UserInstallation="file://$work/profile" --convert-to pdf --outdir "$work" \
  "$tpl/letter.docx" >/dev/null 2>&1 || true
[ -s "$work/letter.pdf" ] || { echo "make-sample-template: LibreOffice could not convert letter.docx to PDF" >&2; exit 1; }
echo "pdf: LibreOffice converts letter.docx"

if [ -x build/bin/klarbrev ]; then
  # no error and no warning, in the tags or in the template's own text (the JSON says which is which)
  if build/bin/klarbrev template lint "$tpl" --format json >"$work/lint.json" &&
    /usr/bin/python3 -c 'import json, sys
r = json.load(open(sys.argv[1], encoding="utf-8"))
st = (r.get("static_text") or {}).get("summary") or {}
sys.exit(1 if r["count"] or r["warnings"] or st.get("errors") or st.get("warnings") else 0)' "$work/lint.json"; then
    echo "lint: no problems in the tags, and none in the template's own text"
  else
    build/bin/klarbrev template lint "$tpl" >&2 || true
    echo "make-sample-template: klarbrev template lint found problems or warnings (see above)" >&2
    exit 1
  fi
  for ex in "$tpl/example.json" "$tpl"/examples/*.json; do
    [ -f "$ex" ] || continue
    if build/bin/klarbrev fill "$tpl" "$ex" -o "$work/brev.docx"; then
      echo "fill: $ex fills and checks without an error"
    else
      echo "make-sample-template: build/bin/klarbrev fill found errors in $ex (see above)" >&2
      exit 1
    fi
  done
else
  echo "fill: skipped (build/bin/klarbrev is not built; scripts/build.sh builds it)"
fi
echo "wrote $tpl/letter.docx"
}

for id in "${ids[@]}"; do
  make_one "$id"
done
