#!/usr/bin/env bash
# Regenerates the bundled sample template's Word document, templates/afslag-kontanthjaelp/letter.docx, from
# templates/afslag-kontanthjaelp/source/letter.txt. LibreOffice Writer makes the document (driven through UNO by
# scripts/make-sample-template.py) and saves it as DOCX, so the file is what a word processor writes, split runs and
# all. Then the script checks the result: header and footer parts exist; the tags in the document, the fields in
# manifest.json and the values in example.json are the same set; LibreOffice converts the letter to PDF; and, when
# klarbrev is built (build/bin/klarbrev), the example fills and checks without an error.
#
# A maintainer step: letter.docx is committed, so the quick start never runs this. Needs soffice
# (libreoffice-writer-nogui) and the Python UNO bridge for /usr/bin/python3 (Debian: apt-get install python3-uno).
# Safe to run again: it uses a temporary LibreOffice profile and replaces letter.docx only when Writer has written
# the new one.
#   scripts/make-sample-template.sh
set -euo pipefail
cd "$(dirname "$0")/.."
tpl=templates/afslag-kontanthjaelp

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

title=$(/usr/bin/python3 -c 'import json, sys; print(json.load(open(sys.argv[1], encoding="utf-8"))["title"])' \
  "$tpl/manifest.json")
/usr/bin/python3 scripts/make-sample-template.py "$tpl/source/letter.txt" "$tpl/letter.docx" \
  --profile "$work/profile" --title "$title"

# tags in every part (a tag may be split over runs: read each paragraph's text as a whole), against the manifest and
# the example
/usr/bin/python3 - "$tpl" <<'EOF'
import json, re, sys, zipfile
import xml.etree.ElementTree as ET

tpl = sys.argv[1]
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TAG = re.compile(r"\{\{(.*?)\}\}")
problems = []
tags = {}  # part -> set of fields
with zipfile.ZipFile(f"{tpl}/letter.docx") as z:
    names = z.namelist()
    for part in ("word/header1.xml", "word/footer1.xml"):
        if part not in names:
            problems.append(f"letter.docx has no {part}")
    for part in names:
        if not re.fullmatch(r"word/(document|header\d+|footer\d+)\.xml", part):
            continue
        root = ET.fromstring(z.read(part))
        found = set()
        for p in root.iter(W + "p"):
            text = "".join(t.text or "" for t in p.iter(W + "t"))
            for inner in TAG.findall(text):
                name = inner.strip()
                if not re.fullmatch(r"[^\s{}#^/>!=|]+(\.[^\s{}#^/>!=|]+)*", name):
                    problems.append(f"{part}: {{{{{inner}}}}} is not a plain field")
                found.add(name)
            if "{{" in TAG.sub("", text) or "}}" in TAG.sub("", text):
                problems.append(f"{part}: a paragraph has an unclosed tag: {text!r}")
        tags[part] = found

used = set().union(*tags.values())
for kind in ("header", "footer"):
    if not any(tags[p] for p in tags if p.startswith(f"word/{kind}")):
        problems.append(f"no tag in the {kind}")

manifest = json.load(open(f"{tpl}/manifest.json", encoding="utf-8"))
example = json.load(open(f"{tpl}/example.json", encoding="utf-8"))
fields = set(manifest["fields"])
TYPES = {"text", "name", "address", "cpr", "date", "amount", "number", "bool", "list", "choice"}
for k in ("title", "kind", "appeal", "fields"):
    if k not in manifest:
        problems.append(f"manifest.json has no {k!r}")
for f, spec in manifest["fields"].items():
    if spec.get("type") not in TYPES:
        problems.append(f"manifest.json: field {f}: type {spec.get('type')!r} is not one of {sorted(TYPES)}")
    if not isinstance(spec.get("required"), bool):
        problems.append(f"manifest.json: field {f}: 'required' must be true or false")
for f in sorted(used - fields):
    problems.append(f"letter.docx uses {{{{{f}}}}}, which manifest.json does not list")
for f in sorted(fields - used):
    problems.append(f"manifest.json lists {f}, which letter.docx does not use")


def lookup(obj, path):
    for key in path.split("."):
        if not isinstance(obj, dict) or key not in obj:
            return None
        obj = obj[key]
    return obj


for f in sorted(fields):
    v = lookup(example, f)
    if manifest["fields"][f].get("required") and (v is None or v == ""):
        problems.append(f"example.json has no value for the required field {f}")

if problems:
    sys.exit("make-sample-template: " + "\n  ".join(["problems:"] + problems))
print(f"tags: {len(used)} fields, all in manifest.json and example.json "
      f"({', '.join(p.split('/')[1] for p in sorted(tags) if tags[p])})")
EOF

timeout 180 soffice --headless -env:UserInstallation="file://$work/profile" --convert-to pdf --outdir "$work" \
  "$tpl/letter.docx" >/dev/null 2>&1 || true
[ -s "$work/letter.pdf" ] || { echo "make-sample-template: LibreOffice could not convert letter.docx to PDF" >&2; exit 1; }
echo "pdf: LibreOffice converts letter.docx"

if [ -x build/bin/klarbrev ]; then
  if build/bin/klarbrev fill "$tpl" "$tpl/example.json" -o "$work/brev.docx"; then
    echo "fill: the example fills and checks without an error"
  else
    echo "make-sample-template: build/bin/klarbrev fill found errors in the example letter (see above)" >&2
    exit 1
  fi
else
  echo "fill: skipped (build/bin/klarbrev is not built; scripts/build.sh builds it)"
fi
echo "wrote $tpl/letter.docx"
