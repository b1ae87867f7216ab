#!/usr/bin/env python3
"""make-gallery.py KLARBREV TEMPLATES DOCS WORK -- writes DOCS/skabeloner.md and DOCS/skabeloner/<id>-<example>.png.

Run through scripts/make-gallery.sh. The templates are those `klarbrev template list --templates TEMPLATES` finds; for
each example case (example.json, then examples/*.json by name) klarbrev fills the letter with --pdf (the LIX comes
from the fill's report) and pdftoppm draws page 1 at 60 dpi. The page says, from each manifest, what the template
is for, its outcomes, law, appeal route and sources, the fields a caseworker fills in, the LIX and picture of each
example, and the commands that fill it. Pictures of templates or examples that are gone are removed. Exits 1 when
an example does not fill (the page is written without it, and says so), 2 on bad usage.
"""
import glob
import json
import os
import subprocess
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from templatelib import case_name, cases, fill, lookup  # noqa: E402

if len(sys.argv) != 5:
    sys.exit("usage: make-gallery.py KLARBREV TEMPLATES DOCS WORK")
KLARBREV, TEMPLATES, DOCS, WORK = sys.argv[1:5]
PICS = os.path.join(DOCS, "skabeloner")
os.makedirs(PICS, exist_ok=True)


def klarbrev(*args):
    p = subprocess.run([KLARBREV] + list(args), capture_output=True, timeout=900)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def joined(items, last="og"):
    items = [str(x) for x in items]
    if len(items) < 2:
        return "".join(items)
    return "%s %s %s" % (", ".join(items[:-1]), last, items[-1])


def appeal_text(m, hearing):
    a = m.get("appeal")
    if isinstance(a, dict) and a.get("body"):
        via = a.get("via")
        route = " gennem %s" % via if via else ""
        return "Borgeren kan klage til %s%s inden %s." % (a["body"], route, a.get("deadline", "fristen"))
    if hearing:
        return "Ingen: brevet er en partshøring og ikke en afgørelse, så der er ingen klagevejledning."
    return "Manifestet nævner ingen klageinstans; læs brevets klagevejledning."


def source_text(s):
    if isinstance(s, dict):
        return "[%s](%s)" % (s.get("title", s.get("url", "")), s.get("url", "")) if s.get("url") else s.get("title", "")
    return str(s)


rc, out, err = klarbrev("template", "list", "--templates", TEMPLATES, "--format", "json")
if rc not in (0, 1):
    sys.exit("make-gallery: klarbrev template list: %s" % err.strip())
templates = json.loads(out)["templates"]
problems = []
pictures = set()
sections, overview = [], []
for t in templates:
    tid = t["id"]
    tpl = os.path.join(TEMPLATES, tid)
    if t.get("problem"):
        problems.append("%s: kan ikke åbnes: %s" % (tid, t["problem"]))
        continue
    if not os.path.isdir(tpl):
        continue  # a bare .docx has no manifest or examples to show
    m = json.load(open(os.path.join(tpl, "manifest.json"), encoding="utf-8"))
    kind = m.get("kind") or ""
    hearing = "høring" in kind.lower()
    rows = []
    for case_path in cases(tpl):
        ex = case_name(tpl, case_path)
        case = json.load(open(case_path, encoding="utf-8"))
        outcome = lookup(case, m["outcome_field"]) if m.get("outcome_field") else m.get("outcome")
        pdf = os.path.join(WORK, "brev.pdf")
        rc, rep, err = fill(KLARBREV, tpl, case_path, os.path.join(WORK, "brev.docx"), "--pdf", pdf)
        if rc != 0 or rep is None or not os.path.exists(pdf):
            problems.append("%s/%s: kan ikke udfyldes (afslutningskode %d): %s" % (
                tid, os.path.relpath(case_path, tpl), rc, " ".join(err.split())[:300]))
            rows.append((ex, os.path.relpath(case_path, tpl), outcome, None, None))
            continue
        png = "%s-%s" % (tid, ex)
        subprocess.run(["pdftoppm", "-r", "60", "-f", "1", "-l", "1", "-singlefile", "-png", pdf,
                        os.path.join(PICS, png)], check=True, timeout=300)
        pictures.add(png + ".png")
        rows.append((ex, os.path.relpath(case_path, tpl), outcome, rep["metrics"]["lix"], png + ".png"))
        print("%s/%s: LIX %.1f, %s.png" % (tid, ex, rep["metrics"]["lix"], png))

    fields = m.get("fields") or {}
    required = [f.get("label") or p for p, f in fields.items() if isinstance(f, dict) and f.get("required")]
    optional = [f.get("label") or p for p, f in fields.items() if isinstance(f, dict) and not f.get("required")]
    law = m.get("law") or []
    outcomes = t.get("outcomes") or []
    a = m.get("appeal") if isinstance(m.get("appeal"), dict) else {}
    overview.append("| [%s](#%s) | `%s` | %s | %s | %s |" % (
        t["title"], tid, tid, kind or "–", joined(outcomes, "eller") or "–",
        a.get("body") or ("ingen (partshøring)" if hearing else "–")))
    s = ['<a id="%s"></a>' % tid, "", "## %s" % t["title"], ""]
    s.append(m.get("description") or "%s. Skabelonen ligger i `templates/%s`." % (t["title"], tid))
    if m.get("description"):
        s[-1] += " Skabelonen ligger i `templates/%s`." % tid
    s.append("")
    s.append("- **Slags:** %s" % (kind or "ikke angivet"))
    s.append("- **Udfald:** %s" % (joined(outcomes, "eller") or "ikke angivet"))
    if m.get("outcome_field"):
        s[-1] += " (sagsbehandleren vælger det i feltet `%s`)" % m["outcome_field"]
    s.append("- **Regler:** %s" % (joined(law) or "ikke angivet"))
    if m.get("discretionary"):
        s.append("- **Skøn:** ja, reglen giver kommunen et skøn; brevet skal sige, hvad der er lagt vægt på")
    s.append("- **Klage:** %s" % appeal_text(m, hearing))
    srcs = m.get("sources") or []
    s.append("- **Kilder:** %s" % ("; ".join(source_text(x) for x in srcs) if srcs else "ingen angivet"))
    s.append("- **Skal udfyldes:** %s" % ("; ".join(required) or "intet"))
    if optional:
        s.append("- **Kan udfyldes:** %s" % "; ".join(optional))
    s += ["", "| eksempel | udfald | LIX |", "| --- | --- | --- |"]
    for ex, rel, outcome, lix, png in rows:
        s.append("| `%s` | %s | %s |" % (rel, outcome or "–", ("%.1f" % lix).replace(".", ",") if lix is not None else "kan ikke udfyldes"))
    s.append("")
    for ex, rel, outcome, lix, png in rows:
        if png:
            s.append("![Side 1 af brevet fra `%s`](skabeloner/%s)" % (rel, png))
    s += ["", "Sådan udfylder du brevet med eksemplet, og sådan får du et udkast til en ny sag med alle felterne:", "",
          "```sh", "klarbrev fill templates/%s templates/%s/example.json -o brev.docx" % (tid, tid),
          "klarbrev template fields templates/%s > ny-sag.json" % tid, "```", ""]
    sections.append("\n".join(s))

head = """# Skabelonbiblioteket

Her er de brevskabeloner, klarbrev kommer med. Hver skabelon er en mappe i `templates/` med brevet
(`letter.docx`), en beskrivelse af felterne (`manifest.json`) og mindst én eksempelsag. Alle skabeloner er tjekket
på samme måde: ingen fejl i skabelonen, hvert eksempel udfyldes uden fejl og advarsler fra klarbrevs tjek, LIX
højst 35, og afgørelser har begrundelse, lovgrundlag og klagevejledning (se `tests/cli/test_template_library.sh`).

LIX er et mål for, hvor let teksten er at læse: højst 24 er meget let, 25-34 let, 35-44 middel, 45-54 svær og 55 eller mere meget svær. Billedet viser
side 1 af brevet, udfyldt med eksemplet. Hvordan du retter en skabelon eller laver en ny, står i
[templates.md](templates.md). `klarbrev template list` viser de skabeloner, der er installeret.

Siden er lavet af `scripts/make-gallery.sh` ud fra skabelonernes `manifest.json` og eksempler. Ret ikke i den;
ret manifestet eller eksemplet, og kør scriptet igen.

| skabelon | navn | slags | udfald | klage til |
| --- | --- | --- | --- | --- |
"""
page = head + "\n".join(overview) + "\n\n" + "\n".join(sections)
if problems:
    page += "\n## Det kunne ikke laves\n\n" + "\n".join("- %s" % p for p in problems) + "\n"
with open(os.path.join(DOCS, "skabeloner.md"), "w", encoding="utf-8") as f:
    f.write(page.rstrip("\n") + "\n")
for old in glob.glob(os.path.join(PICS, "*.png")):
    if os.path.basename(old) not in pictures:
        os.unlink(old)
print("wrote %s (%d templates, %d pictures)" % (os.path.join(DOCS, "skabeloner.md"), len(sections), len(pictures)))
for p in problems:
    print("make-gallery: %s" % p, file=sys.stderr)
sys.exit(1 if problems else 0)
