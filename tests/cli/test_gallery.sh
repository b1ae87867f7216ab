#!/usr/bin/env bash
# docs/skabeloner.md, the template library's page that scripts/make-gallery.sh writes, is up to date with templates/:
# every template (a folder with letter.docx, not partials) has its section with the manifest's title, every example
# case its row and its picture (docs/skabeloner/<id>-<example>.png, which exists), and nothing is listed or drawn
# that is gone. Cheap: no PDF is made here. When it fails: bash scripts/make-gallery.sh, and commit the page and the
# pictures.
. "$(dirname "$0")/lib.sh"
python3 - "$KB_SRC" >"$T/out" 2>&1 <<'PY'
import glob, json, os, re, sys
src = sys.argv[1]
sys.dont_write_bytecode = True  # nothing is written into the source tree
sys.path.insert(0, os.path.join(src, "scripts"))
from templatelib import case_name, cases  # as scripts/make-gallery.py names the pictures
page_path = os.path.join(src, "docs", "skabeloner.md")
page = open(page_path, encoding="utf-8").read()
bad = []
ids = sorted(d for d in os.listdir(os.path.join(src, "templates"))
             if d != "partials" and os.path.exists(os.path.join(src, "templates", d, "letter.docx")))
pictures = set()
for tid in ids:
    tpl = os.path.join(src, "templates", tid)
    m = json.load(open(os.path.join(tpl, "manifest.json"), encoding="utf-8"))
    sec = re.search(r'<a id="%s"></a>\n\n## ([^\n]*)\n(.*?)(?=\n<a id="|\Z)' % re.escape(tid), page, re.S)
    if not sec:
        bad.append("%s: no section" % tid)
        continue
    if sec.group(1) != m["title"]:
        bad.append("%s: the section's title is %r, the manifest's %r" % (tid, sec.group(1), m["title"]))
    body = sec.group(2)
    for case_path in cases(tpl):
        rel = os.path.relpath(case_path, tpl)
        png = "%s-%s.png" % (tid, case_name(tpl, case_path))
        pictures.add(png)
        if not re.search(r"^\| `%s` \| .* \| \d+,\d \|$" % re.escape(rel), body, re.M):
            bad.append("%s: no row with the LIX of %s" % (tid, rel))
        if "](skabeloner/%s)" % png not in body:
            bad.append("%s: no picture of %s" % (tid, rel))
        if not os.path.exists(os.path.join(src, "docs", "skabeloner", png)):
            bad.append("%s: docs/skabeloner/%s is missing" % (tid, png))
    for law in m.get("law") or []:
        if law not in body:
            bad.append("%s: the law %r is not on the page" % (tid, law))
listed = re.findall(r'<a id="([^"]+)"></a>', page)
for tid in listed:
    if tid not in ids:
        bad.append("%s: on the page, but not in templates/" % tid)
for p in glob.glob(os.path.join(src, "docs", "skabeloner", "*.png")):
    if os.path.basename(p) not in pictures:
        bad.append("docs/skabeloner/%s: a picture of no template's example" % os.path.basename(p))
if "## Det kunne ikke laves" in page:
    bad.append("the page says something could not be made")
for b in bad:
    print(b)
print("%d templates, %d pictures, %d problems" % (len(ids), len(pictures), len(bad)))
sys.exit(1 if bad else 0)
PY
rc=$?
cat "$T/out"
[ "$rc" -eq 0 ] && pass || fail "docs/skabeloner.md is not up to date with templates/: run bash scripts/make-gallery.sh and commit docs/skabeloner.md and docs/skabeloner/"
finish
