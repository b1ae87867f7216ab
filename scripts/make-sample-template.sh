#!/usr/bin/env bash
# Regenerates the bundled sample template's Word document, templates/afslag-kontanthjaelp/letter.docx, from
# templates/afslag-kontanthjaelp/source/letter.txt. LibreOffice Writer makes the document (driven through UNO by
# scripts/make-sample-template.py) and saves it as DOCX, so the file is what a word processor writes, split runs and
# all. Then the script checks the result: header and footer parts exist; example.json has every required field;
# klarbrev template lint finds no problem (tags, formatters, partials, fields, the template's own text); LibreOffice converts the letter to PDF; and, when
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

# header and footer parts exist and hold tags, and the example has every required field. klarbrev's own lint
# (below) checks tags, formatters, partials, fields declared in manifest.json and the template's own text.
/usr/bin/python3 - "$tpl" <<'EOF'
import json, re, sys, zipfile

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
example = json.load(open(f"{tpl}/example.json", encoding="utf-8"))


def lookup(obj, path):
    for key in path.split("."):
        if not isinstance(obj, dict) or key not in obj:
            return None
        obj = obj[key]
    return obj


for f, spec in manifest["fields"].items():
    v = lookup(example, f)
    if spec.get("required") and (v is None or v == ""):
        problems.append(f"example.json has no value for the required field {f}")
if problems:
    sys.exit("make-sample-template: " + "\n  ".join(["problems:"] + problems))
print("parts: header and footer with tags; example.json has every required field")
EOF

timeout 180 soffice --headless -env:UserInstallation="file://$work/profile" --convert-to pdf --outdir "$work" \
  "$tpl/letter.docx" >/dev/null 2>&1 || true
[ -s "$work/letter.pdf" ] || { echo "make-sample-template: LibreOffice could not convert letter.docx to PDF" >&2; exit 1; }
echo "pdf: LibreOffice converts letter.docx"

if [ -x build/bin/klarbrev ]; then
  if build/bin/klarbrev template lint "$tpl" >"$work/lint.txt"; then
    echo "lint: no problems in the tags, and none in the template's own text"
  else
    cat "$work/lint.txt" >&2
    echo "make-sample-template: klarbrev template lint found problems (see above)" >&2
    exit 1
  fi
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
