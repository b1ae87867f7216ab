#!/usr/bin/env python3
"""doc_templates.py KLARBREV KB_SRC SCRATCH -- the examples in docs/templates.md, run as printed.

- Every row of the formatter table ("| `{{felt | formatering}}` | sagen | brevet viser |") is rendered with that case
  value and must show what the guide says.
- The template snippets (the "> " quotes) with the case the guide gives beside them render to the sentences the guide
  quotes (»…«).
- Every JSON block is valid JSON (a fragment such as `"delimiters": "{ }"` inside braces); the manifest example is
  accepted by `template lint`, with the list and choice examples added to it.
- The case error shown under "Hvad klarbrev tjekker i sagen" is what `fill` prints for such a case.
- Every message in the first column of "Almindelige fejl" is what klarbrev says for that mistake.
Prints "ok"/"FAIL" lines; exits 1 when anything failed.
"""
import json
import os
import re
import subprocess
import sys

KLARBREV, SRC, SCRATCH = sys.argv[1:4]
DOC = os.path.join(SRC, "docs", "templates.md")
TEXT = open(DOC, encoding="utf-8").read()
failed = 0


def check(ok, what, detail=""):
    global failed
    if ok:
        print("ok   " + what)
    else:
        failed += 1
        print("FAIL " + what + ("\n" + "\n".join("    " + l for l in detail.splitlines()[:15]) if detail else ""))


def run(args, cwd=SCRATCH):
    p = subprocess.run([KLARBREV] + args, cwd=cwd, capture_output=True, stdin=subprocess.DEVNULL, timeout=300)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def render(template, case):
    with open(os.path.join(SCRATCH, "t.txt"), "w", encoding="utf-8") as f:
        f.write(template)
    with open(os.path.join(SCRATCH, "c.json"), "w", encoding="utf-8") as f:
        json.dump(case, f, ensure_ascii=False)
    return run(["render", "t.txt", "c.json", "--no-escape"])


def section(title):
    """The text of the guide's section whose heading starts with title."""
    m = re.search(r"^##+ " + re.escape(title) + r".*?$(.*?)(?=^## |\Z)", TEXT, re.M | re.S)
    if not m:
        check(False, "docs/templates.md has a section \"%s\"" % title)
        return ""
    return m.group(1)


def put(case, path, value):
    keys = path.split(".")
    for k in keys[:-1]:
        case = case.setdefault(k, {})
    case[keys[-1]] = value


def formatter_table():
    rows = [l for l in section("Formateringer").splitlines() if l.startswith("| `")]
    check(len(rows) >= 10, "the formatter table has its rows (%d)" % len(rows))
    for row in rows:
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", row)[1:-1]]
        tag = cells[0].strip("`").replace("\\|", "|")
        field = re.match(r"\{\{[#^]?\s*([^\s|}]+)", tag).group(1)
        case = {}
        if cells[1].startswith("`"):
            put(case, field, json.loads(cells[1].strip("`")))
        template = tag.replace("…", "teksten imellem")
        want = re.sub(r" \(.*\)$", "", cells[2])  # "28. november 2026 (det samme som `dato` alene)"
        rc, out, err = render(template, case)
        check(rc == 0 and out.strip() == want, "formatter table: %s with %s shows %s" % (tag, cells[1], want),
              "exit %d, shows %r\n%s" % (rc, out.strip(), err))


def quoted_template(after):
    """The "> " quote that follows the text `after` in the guide, as a template (a "> " line alone is a new
    paragraph)."""
    i = TEXT.find(after)
    if i < 0:
        check(False, "docs/templates.md still has the example after %r" % after)
        return None
    lines = TEXT[i:].splitlines()
    start = next(k for k, l in enumerate(lines) if l.startswith(">"))
    quote = []
    for l in lines[start:]:
        if not l.startswith(">"):
            break
        quote.append(l[1:].strip())
    return "\n".join(quote).replace("\n\n", "\n") + "\n"


def examples():
    # the smallest example: the quote, the json block after it, the sentences quoted after that
    tpl = quoted_template("Det mindste eksempel")
    case = json.loads(re.search(r"```json\n(.*?)```", TEXT, re.S).group(1))
    rc, out, err = render(tpl, case)
    at = TEXT.find("Så bliver brevet til")
    quoted = re.findall(r"»([^«]*)«", TEXT[at:at + 300]) if at >= 0 else []
    check(len(quoted) >= 2, "the guide quotes what the smallest example gives (»…« after \"Så bliver brevet til\")")
    for want in quoted:
        check(rc == 0 and want in out, "the smallest example shows »%s«" % want, out + err)
    # lists: the case is given inline after the quote
    tpl = quoted_template("**Lister:**")
    m = re.search(r'Med sagen `(.*?)` giver\s+det', TEXT, re.S)
    case = json.loads("{" + m.group(1) + "}")
    rc, out, err = render(tpl, case)
    for want in ("Kontanthjælp: 12.345,50 kr.", "Boligstøtte: 800,00 kr."):
        check(rc == 0 and want in out and "»%s«" % want in TEXT, "the list example shows »%s«" % want, out + err)
    # text that is only there sometimes, its opposite, and a condition on a value
    tpl = quoted_template("**Tekst der kun står nogle gange:**")
    check(render(tpl, {"enlig": True})[1].strip() == "Vi har set bort fra 10.000 kr., fordi du er enlig.",
          "the {{#enlig}} example is there when enlig is true")
    rc, out, err = render(tpl, {"enlig": False})
    check(rc == 0 and out.strip() == "", "... and gone when it is false", out + err)
    tpl = quoted_template("**Det modsatte**")
    check(render(tpl, {})[1].strip() == "Du kan selv klage.", "the {{^partsrepræsentant}} example when it is missing")
    tpl = quoted_template("**Betingelser på værdier:**")
    out = render(tpl, {"udfald": "afslag"})[1]
    check("Du får ikke kontanthjælp." in out and "fra 1. december" not in out, "the eq example for an afslag", out)
    out = render(tpl, {"udfald": "bevilling"})[1]
    check("Du får ikke" not in out and "Du får kontanthjælp fra 1. december 2026." in out,
          "the eq | ikke example for a bevilling", out)
    tpl = quoted_template("En note til den næste")
    rc, out, err = render("Før. " + tpl.strip() + "Efter.", {})
    check(rc == 0 and out.strip() == "Før. Efter.", "a comment is not in the letter", out + err)


def json_blocks():
    blocks = re.findall(r"```json\n(.*?)```", TEXT, re.S)
    check(len(blocks) >= 4, "the guide has its JSON examples (%d)" % len(blocks))
    parsed = []
    for b in blocks:
        try:
            parsed.append(json.loads(b))
        except ValueError:
            try:
                parsed.append(json.loads("{" + b + "}"))
            except ValueError as e:
                check(False, "a JSON block in the guide is valid JSON", b + "\n" + str(e))
                continue
    manifest = next((p for p in parsed if "title" in p and "fields" in p), None)
    check(manifest is not None, "the guide shows a whole manifest")
    if not manifest:
        return
    for p in parsed:  # the list and choice examples, added as fields
        for k, v in p.items():
            if isinstance(v, dict) and "type" in v:
                manifest["fields"][k] = v
    d = os.path.join(SCRATCH, "manifest-eksempel")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, ensure_ascii=False, indent=2)
    paras = ["{{modtager.navn}}", "{{sag.dato}}", "{{#ydelser}}", "{{navn}}: {{beløb | kr}}", "{{/ydelser}}",
             "{{#udfald | eq \"afslag\"}}Afslag.{{/udfald}}"]
    subprocess.run([sys.executable, os.path.join(SRC, "tests/cli/make_docx.py"), os.path.join(d, "letter.docx")]
                   + paras, check=True)
    rc, out, err = run(["template", "lint", d, "--no-check"])
    check(rc == 0, "the guide's manifest, list and choice examples are accepted by template lint", out + err)
    # the case error the guide shows
    block = re.search(r"beskeden lyder fx\s*```\n(.*?)```", TEXT, re.S)
    check(block is not None, "the guide shows the message for a case that does not fit")
    if not block:
        return
    case = {"sag": {"dato": "28/11/2026"}, "ydelser": [], "udfald": "afslag"}
    with open(os.path.join(d, "sag.json"), "w", encoding="utf-8") as f:
        json.dump(case, f, ensure_ascii=False)
    rc, out, err = run(["fill", ".", "sag.json", "-o", "brev.docx"], cwd=d)
    check(rc == 2 and not os.path.exists(os.path.join(d, "brev.docx")), "a case that does not fit: exit 2, no letter")
    for line in block.group(1).strip("\n").splitlines():
        check(line.strip() in err, "fill prints the guide's line: %s" % line.strip(), err)


# "Almindelige fejl": the mistake to make for each message in the table's first column
MISTAKES = {
    'tagget "{{modtager.navn" lukkes ikke i afsnittet': (["Kære {{modtager.navn"], None),
    'tagget "{{modtager.navn}}" var delt over afsnit 3 til 4': (["Brev", "Kære", "{{modtager.", "navn}}"], None),
    'sektionen {{#ydelser}} lukkes aldrig': (["{{#ydelser}}", "{{navn}}"], None),
    'feltet "modtager.nav" står ikke i manifest.json; mente du "modtager.navn"?': (["{{modtager.nav}}"], None),
    'ukendt formatering "kroner"': (["{{beløb | kroner}}"], None),
    '"required" skal være true eller false': (["{{modtager.navn}}"], {"modtager.navn": {"type": "name", "required": "true"}}),
    'ukendt nøgle "requird"; mente du "required"?': (["{{modtager.navn}}"],
                                                     {"modtager.navn": {"type": "name", "requird": True}}),
    'manifest.json, linje 3, kolonne 14: manifestet er ikke gyldig JSON: her mangler et komma …':
        (["{{modtager.navn}}"], '{\n  "title": "Fejl",\n  "t": "x" "a": 1\n}\n'),
}
BASE_FIELDS = {"modtager.navn": {"type": "name"}, "beløb": {"type": "amount"},
               "ydelser": {"type": "list", "items": {"navn": {"type": "text"}}}}


def common_errors():
    rows = [l for l in section("Almindelige fejl").splitlines() if l.startswith("| `")]
    check(len(rows) >= 5, "the table of common errors has its rows")
    for k, row in enumerate(rows):
        msg = re.match(r"\| `([^`]*)`", row).group(1)
        if msg not in MISTAKES:
            if "…" in msg and msg.startswith("feltet"):
                continue  # the case error, shown in full and tested above
            check(False, "test_template_docs knows how to make the mistake behind »%s« (add it to MISTAKES)" % msg)
            continue
        paras, fields = MISTAKES[msg]
        d = os.path.join(SCRATCH, "fejl%d" % k)
        os.makedirs(d, exist_ok=True)
        subprocess.run([sys.executable, os.path.join(SRC, "tests/cli/make_docx.py"), os.path.join(d, "letter.docx")]
                       + paras, check=True)
        with open(os.path.join(d, "manifest.json"), "w", encoding="utf-8") as f:
            if isinstance(fields, str):
                f.write(fields)
            else:
                json.dump({"title": "Fejl", "fields": fields or BASE_FIELDS}, f, ensure_ascii=False)
        rc, out, err = run(["template", "lint", d, "--no-check"])
        said = out + err
        parts = [p.strip() for p in msg.split("…")]
        check(rc in (1, 2) and all(p in said for p in parts), "lint says the guide's message »%s«" % msg,
              "exit %d\n%s" % (rc, said))


def folder_tree():
    """The tree under "En skabelonmappe" names files that are in klarbrev's templates/."""
    block = re.search(r"```\n(templates/\n.*?)```", section("En skabelonmappe"), re.S)
    check(block is not None, "the guide shows a template folder")
    if not block:
        return
    path = []
    for line in block.group(1).splitlines():
        name = line.strip().split()[0]
        depth = (len(line) - len(line.lstrip())) // 2
        path = path[:depth] + [name.rstrip("/")]
        if not name.endswith("/"):
            f = os.path.join(SRC, *path)
            check(os.path.isfile(f), "the folder tree's %s exists" % "/".join(path))


def main():
    os.makedirs(SCRATCH, exist_ok=True)
    folder_tree()
    formatter_table()
    examples()
    json_blocks()
    common_errors()
    print("%d failed" % failed)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
