#!/usr/bin/env bash
# The template library (issue 16): every folder of templates/ except partials, whoever wrote it, is held to the same
# bar, so a new template is tested the day it lands. Data-driven: each template's manifest and example cases
# (example.json, examples/*.json) say what to expect.
#
# Per template: `template lint` finds no problem and no warning (tags, manifest, the static text); the manifest has
# law, an outcome or outcome_field, appeal (unless the template is a hearing, kind "partshøring") and sources.
# Per example case: it validates and fills (`fill -o x.docx --txt x.txt`, exit 0), the check finds no error and no
# warning, also when `check` reads the filled letter, and LIX is at most 35 (printed for each example). Then the
# letter's text is checked again as a .txt (the headings marked "# ", a table row's cells one paragraph each) with the
# template and the case, once as it is (no finding: the edits below are all that
# changes) and, when the example's outcome needs reasons and a klagevejledning (a refusal, a partial grant, a
# demand), three times edited as a careless caseworker would:
#   (a) the section from the heading "Sådan klager du" to the next heading deleted         -> fvl-k0 error
#   (b) every sentence with a "§" outside that section deleted                             -> fvl-b1 error
#   (c) the paragraph that holds the case's begrundelse.fakta deleted                      -> fvl-b3 error
# A hearing (kind "partshøring") must give no fvl-k* finding (it is no decision). The shared paragraphs of
# templates/partials/*.txt pass the same checks on their own (check --kind tekst), and say neither "§" nor "klage".
#
# (c) is caught through the manifest: begrundelse.fakta is marked "facts": true, and with the case at hand the plugin
# asks that its text stands in the letter (its word patterns alone accept the letter's own "Vi har brugt disse
# oplysninger:"). A check that does not answer with a report is a failure, not a missing finding.
. "$(dirname "$0")/lib.sh"
python3 - "$KLARBREV" "$KB_SRC/templates" "$T/lib" "$KB_SRC/scripts" >"$T/out" 2>&1 <<'PY'
import glob, json, os, re, subprocess, sys

KLARBREV, TEMPLATES, WORK = sys.argv[1], sys.argv[2], sys.argv[3]
sys.dont_write_bytecode = True  # nothing is written into the source tree
sys.path.insert(0, sys.argv[4])
from templatelib import cases, fill, lookup  # the gallery's own (scripts/templatelib.py)
MAX_LIX = 35
os.makedirs(WORK, exist_ok=True)
failures = []


def fail(where, what):
    failures.append("%s: %s" % (where, what))
    print("FAIL %s: %s" % (where, what))


def run(*args):
    p = subprocess.run([KLARBREV] + list(args), capture_output=True, timeout=600)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def first_lines(s, n=6):
    return " | ".join(s.strip().splitlines()[:n])


# The outcome classes of plugins/forvaltningsloven.lua's outcome_class: which letters need reasons and klagevejledning.
def outcome_class(s):
    t = (s or "").lower()
    if not t:
        return None
    # as plugins/forvaltningsloven.lua's outcome_class: a grant with conditions is a partial grant
    with_ = lambda w: w in t and ("uden " + w) not in t and ("ingen " + w) not in t
    if "delvis" in t or with_("vilkår") or with_("betingelse"):
        return "partial"
    if any(w in t for w in ("høring", "orientering", "varsel", "oplysning")):
        return "none"
    if any(w in t for w in ("afslag", "afslå", "afvis", "påbud", "forbud", "ophør", "stop", "nedsæt",
                            "tilbagebetal", "tilbagekald", "inddrag", "stands")):
        return "adverse"
    if any(w in t for w in ("bevilg", "bevilling", "medhold", "tilladelse", "godkend", "imødekom", "tilkend")):
        return "full"
    return "unknown"


def rules(report, level=None):
    return [f["rule"] for f in report.get("findings", []) if level is None or f.get("level") == level]


def findings_text(report):
    return "; ".join("%s %s: %s" % (f.get("level"), f.get("rule"), f.get("message", "")[:110])
                     for f in report.get("findings", []))


def paragraphs(txt):
    """The letter's paragraphs as klarbrev reads a .txt: one a line; a table row (its cells joined by " · " in
    fill --txt) becomes one paragraph per cell, as the cells are in the Word document, so that a sentence does not
    run on from one cell into the next."""
    out = []
    for line in txt.splitlines():
        out += [c for c in line.split(" · ")] if " · " in line else [line]
    return [p for p in out if p.strip()]


def inspect(path):
    """klarbrev inspect of a .txt: [(paragraph text, kind, [sentences])]."""
    rc, out, err = run("inspect", path)
    paras = []
    for line in out.splitlines():
        m = re.match(r"^afsnit \d+ \[([^\]]*)\] (.*)$", line)
        if m:
            paras.append([m.group(2), m.group(1), []])
            continue
        m = re.match(r"^  \[\d+ ord\] (.*)$", line)
        if m and paras:
            paras[-1][2].append(m.group(1))
    return paras


def check_txt(tpl, case, lines, name):
    path = os.path.join(WORK, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n\n".join(lines) + "\n")
    rc, out, err = run("check", path, "--template", tpl, "--case", case, "--format", "json")
    try:
        return rc, json.loads(out)
    except ValueError:
        return rc, {"findings": [], "error": first_lines(err)}


def klage_section(lines, headings):
    """The indexes of the heading "Sådan klager du" and its section, up to the next heading."""
    start = next((i for i, l in enumerate(lines) if i in headings and l[2:].strip().lower() == "sådan klager du"), None)
    if start is None:
        return None
    end = next((i for i in range(start + 1, len(lines)) if i in headings), len(lines))
    return set(range(start, end))


def negatives(where, tpl, case_path, case, lines, headings, marked):
    """(a), (b), (c) on the marked text of a letter that needs reasons and klagevejledning."""
    out = []
    klage = klage_section(lines, headings)
    if klage is None:
        fail(where, "the letter has no heading \"Sådan klager du\" (the library's convention; the klagevejledning "
                    "goes under it)")
        return out
    def expect(edited, name, rule, what):
        """The edited letter checked as the template's with the case gives rule as an error; what: the edit."""
        rc, rep = check_txt(tpl, case_path, edited, name)
        if rule in rules(rep, "error"):
            out.append(rule[4:] + " ok")
        else:
            fail(where, "%s the check should give %s as an error (exit %d); it gave: %s" % (
                what, rule, rc, findings_text(rep) or rep.get("error") or "nothing"))

    # (a) the klagevejledning's section deleted
    expect([l for i, l in enumerate(lines) if i not in klage], "a.txt", "fvl-k0",
           "(a) without the section \"Sådan klager du\" (no klagevejledning)")
    # (b) every sentence with a § outside that section deleted, by klarbrev's own sentences
    paras = inspect(marked)
    if len(paras) != len(lines):
        fail(where, "(b) klarbrev inspect read %d paragraphs of the text, the test %d" % (len(paras), len(lines)))
        return out
    edited, removed = [], 0
    for i, l in enumerate(lines):
        if i in klage or i in headings or "§" not in l:
            edited.append(l)
            continue
        keep = [s for s in paras[i][2] if "§" not in s]
        removed += len(paras[i][2]) - len(keep)
        if keep:
            edited.append(" ".join(keep))
    if not removed:
        fail(where, "(b) the letter cites no § outside the klagevejledning (forvaltningsloven § 24, stk. 1: the legal "
                    "basis, \"§ N i <lov>\" in the Begrundelse)")
    else:
        expect(edited, "b.txt", "fvl-b1", "(b) without its %d sentences with a § (no legal basis)" % removed)
    # (c) the paragraph with the facts deleted
    fakta = lookup(case, "begrundelse.fakta")
    if not isinstance(fakta, str) or not fakta.strip():
        fail(where, "(c) the case has no begrundelse.fakta (the library's field for the facts given weight)")
        return out
    probe = fakta.strip().splitlines()[0][:40]
    hit = [i for i, l in enumerate(lines) if probe in l]
    if not hit:
        fail(where, "(c) the letter does not show begrundelse.fakta (»%s…«)" % probe)
        return out
    expect([l for i, l in enumerate(lines) if i not in hit], "c.txt", "fvl-b3",
           "(c) without the paragraph of begrundelse.fakta (no facts)")
    return out


ids = sorted(d for d in os.listdir(TEMPLATES) if d != "partials" and os.path.isdir(os.path.join(TEMPLATES, d)))
if "afslag-kontanthjaelp" not in ids:
    fail("templates", "the sample template afslag-kontanthjaelp is missing")
examples_run = 0
for tid in ids:
    tpl = os.path.join(TEMPLATES, tid)
    if not os.path.exists(os.path.join(tpl, "letter.docx")):
        fail(tid, "no letter.docx (make it: bash scripts/make-sample-template.sh %s)" % tid)
        continue
    # lint: tags, manifest and the static text, no problem and no warning
    rc, out, err = run("template", "lint", tpl, "--format", "json")
    try:
        lint = json.loads(out)
        st = (lint.get("static_text") or {}).get("summary") or {}
        bad = [p.get("message", "") for p in lint.get("problems", [])]
        if rc != 0 or lint.get("count") or lint.get("warnings") or st.get("errors") or st.get("warnings"):
            fail(tid, "template lint: %d problems, %d warnings, static text %s errors and %s warnings: %s%s" % (
                lint.get("count", 0), lint.get("warnings", 0), st.get("errors"), st.get("warnings"),
                " | ".join(bad[:4]), " | " + findings_text(lint["static_text"]) if lint.get("static_text") else ""))
        if not lint.get("fields_checked"):
            fail(tid, "template lint did not check the fields: %s" % lint.get("fields_note"))
    except ValueError:
        fail(tid, "template lint (exit %d): %s" % (rc, first_lines(err or out)))
    # the manifest
    try:
        m = json.load(open(os.path.join(tpl, "manifest.json"), encoding="utf-8"))
    except (OSError, ValueError) as e:
        fail(tid, "manifest.json: %s" % e)
        continue
    kind = m.get("kind") or ""
    hearing = "høring" in kind.lower()
    if not (isinstance(m.get("law"), list) and m["law"]):
        fail(tid, "manifest: \"law\" is missing or empty (the sections the decision is made under)")
    if not (m.get("outcome") or m.get("outcome_field")):
        fail(tid, "manifest: neither \"outcome\" nor \"outcome_field\"")
    if not hearing and not isinstance(m.get("appeal"), dict):
        fail(tid, "manifest: \"appeal\" is missing (only a hearing, kind \"partshøring\", goes without)")
    if not (isinstance(m.get("sources"), list) and m["sources"]):
        fail(tid, "manifest: \"sources\" is missing or empty (the laws and guidance the text was checked against)")
    if not os.path.exists(os.path.join(tpl, "example.json")):
        fail(tid, "no example.json")
    for case_path in cases(tpl):
        where = "%s/%s" % (tid, os.path.relpath(case_path, tpl))
        examples_run += 1
        case = json.load(open(case_path, encoding="utf-8"))
        docx, txt = os.path.join(WORK, "x.docx"), os.path.join(WORK, "x.txt")
        rc, rep, err = fill(KLARBREV, tpl, case_path, docx, "--txt", txt)
        if rep is None:
            fail(where, "fill (exit %d): %s" % (rc, first_lines(err)))
            continue
        lix = rep["metrics"]["lix"]
        s = rep["summary"]
        print("LIX %5.1f  %s (%s errors, %s warnings)" % (lix, where, s["errors"], s["warnings"]))
        if rc != 0 or s["errors"] or s["warnings"]:
            fail(where, "fill: exit %d, %d errors, %d warnings: %s" % (rc, s["errors"], s["warnings"],
                                                                        findings_text(rep)))
        if lix > MAX_LIX:
            fail(where, "LIX %.1f is over %d: shorter sentences, fewer long words" % (lix, MAX_LIX))
        if rc != 0 or s["errors"] or s["warnings"]:
            continue
        # klarbrev check of the filled letter, with the template and the case, says the same
        rc, out, err = run("check", docx, "--template", tpl, "--case", case_path, "--format", "json")
        try:
            again = json.loads(out)
            if rc != 0 or again["summary"]["errors"] or again["summary"]["warnings"]:
                fail(where, "check of the filled letter: %s" % findings_text(again))
        except ValueError:
            fail(where, "check of the filled letter (exit %d): %s" % (rc, first_lines(err)))
        # the letter's text with the headings marked, as the edits below work on it
        rc, out, err = run("inspect", docx)
        heads = {re.sub(r"^afsnit \d+ \[[^\]]*\] ", "", l) for l in out.splitlines()
                 if re.match(r"^afsnit \d+ \[body, overskrift", l)}
        lines = paragraphs(open(txt, encoding="utf-8").read())
        headings = {i for i, l in enumerate(lines) if l.strip() in heads}
        lines = ["# " + l if i in headings else l for i, l in enumerate(lines)]
        marked = os.path.join(WORK, "marked.txt")
        rc, base = check_txt(tpl, case_path, lines, "marked.txt")
        if base.get("error") or [r for r in rules(base) if r]:
            fail(where, "the letter's text, checked as a .txt with the template and the case, is not clean: %s" %
                 (base.get("error") or findings_text(base)))
            continue
        cls = outcome_class(lookup(case, m["outcome_field"]) if m.get("outcome_field") else None) \
            or outcome_class(m.get("outcome")) or outcome_class(kind)
        notes = []
        if hearing or cls == "none":
            k = [r for r in rules(rep) if r.startswith("fvl-k")]
            if k:
                fail(where, "a hearing is no decision, yet the check gives %s" % ", ".join(k))
            notes.append("høring: ingen fvl-k")
        elif cls in ("partial", "adverse"):
            notes = negatives(where, tpl, case_path, case, lines, headings, marked)
        elif cls == "full":
            notes.append("fuld bevilling: ingen begrundelse eller klagevejledning krævet")
        else:
            fail(where, "the outcome %r is none the checks know (afslag, delvis, bevilling, høring, ...)" % cls)
        print("      %s: %s" % (where, ", ".join(notes)))

# The shared paragraphs of templates/partials/*.txt ("Har du spørgsmål?", persondata, aktindsigt), filled with the
# sample's case, are plain Danish on their own. They say neither "klage" nor "§": a paragraph that speaks of a
# complaint counts as klagevejledning, a § outside it as the legal basis, and either would hide a letter's missing
# one from fvl-k0 or fvl-b1.
sample_case = os.path.join(TEMPLATES, "afslag-kontanthjaelp", "example.json")
for part in sorted(glob.glob(os.path.join(TEMPLATES, "partials", "*.txt"))):
    name = "partials/" + os.path.basename(part)
    raw = open(part, encoding="utf-8").read()
    if "§" in raw or "klag" in raw.lower():
        fail(name, "says \"§\" or \"klage\": it would count as the letter's legal basis or klagevejledning")
    rc, out, err = run("render", part, sample_case, "--no-escape")
    if rc != 0:
        fail(name, "render (exit %d): %s" % (rc, first_lines(err)))
        continue
    path = os.path.join(WORK, "partial.txt")
    open(path, "w", encoding="utf-8").write(out)
    rc, out, err = run("check", path, "--kind", "tekst", "--format", "json")
    try:
        rep = json.loads(out)
    except ValueError:
        fail(name, "check (exit %d): %s" % (rc, first_lines(err)))
        continue
    print("LIX %5.1f  %s (%s errors, %s warnings)" % (rep["metrics"]["lix"], name, rep["summary"]["errors"],
                                                     rep["summary"]["warnings"]))
    if rep["summary"]["errors"] or rep["summary"]["warnings"] or rep["metrics"]["lix"] > MAX_LIX:
        fail(name, "check --kind tekst: %s, LIX %.1f" % (findings_text(rep) or "no finding", rep["metrics"]["lix"]))

if examples_run == 0:
    fail("templates", "no example case was run")
print("%d templates, %d examples, %d failures" % (len(ids), examples_run, len(failures)))
sys.exit(1 if failures else 0)
PY
rc=$?
cat "$T/out"
[ "$rc" -eq 0 ] && pass || fail "the template library (see the FAIL lines above: template, example, what)"
grep -q '^LIX .* [a-z-]*/example\.json ' "$T/out" && pass || fail "no example was filled"
finish
