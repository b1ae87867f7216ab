#!/usr/bin/env python3
"""bench/ddt.py -- passive detection (plugins/tone.lua) and klarbrev's sentence splitter, measured against the
Danish Dependency Treebank (../shared/corpus/ddt/da_ddt-ud-dev.conllu, UD_Danish-DDT dev: 564 sentences of
newspaper, magazine and book text).

    python3 bench/ddt.py                      # uses build/bin/klarbrev
    KLARBREV=build-x/bin/klarbrev python3 bench/ddt.py
    python3 bench/ddt.py --examples 10        # also list missed and wrong passives and wrong splits

Python 3 standard library only. It runs the real program on the treebank's text and reads its JSON report:

Passive. Each treebank sentence is one paragraph of a .txt letter, checked with a data folder that holds only
tone.lua (with plugins/lib/ and the project's word lists), with the options all_text = yes (also quotations and
headings, which the letter rule leaves alone), skip_kancellisprog = no, nominal = no. Every "passiv" finding is
mapped to the treebank tokens it covers.
  - s-passive: a one-word finding against the tokens marked Voice=Pass (the treebank marks only the s-passive);
  - blive-passive: a finding from a form of "blive" to a participle against the treebank's pairs of an auxiliary
    with lemma "blive" (deprel aux) and its head, a participle (VerbForm=Part). The treebank has no Voice mark for
    these; the pairs are derived from its syntax.
Precision = found and marked / found, recall = found and marked / marked.

Sentences. Groups of GROUP (default 10) consecutive treebank sentences are joined with a space into one paragraph,
and a probe plugin reports every sentence klarbrev makes. A boundary (the start of a sentence other than the
paragraph's first) is right when it is within 1 byte before to 3 bytes after a treebank sentence start (a quote
mark may go with either sentence). Also: the share of treebank sentences klarbrev gives back whole (both ends
right), and, with one treebank sentence per line, how many lines klarbrev cuts into more than one sentence.
The treebank's text is not letter text: headlines without a full stop, quotations that run across sentences and
dialogue dashes are common, so the figures are a lower bound for letters.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.environ.get("KLARBREV_SHARED", os.path.join(ROOT, "..", "shared"))
CONLLU = os.path.join(SHARED, "corpus", "ddt", "da_ddt-ud-dev.conllu")
CHUNK = 50  # paragraphs per letter: the plugin's time budget and report cap are per letter

PROBE = """return { id = "probe", level = "info",
  on_sentence = function(s, report) report(s, "s") end }
"""


def read_conllu(path):
    """Sentences as dicts: text, tokens (id, form, lemma, upos, feats, head, deprel, start, end: bytes in text)."""
    sents, cur = [], None
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("# text = "):
                cur = {"text": line[len("# text = "):], "tokens": []}
            elif line.startswith("#"):
                continue
            elif not line.strip():
                if cur is not None:
                    sents.append(cur)
                cur = None
            else:
                cols = line.split("\t")
                if "-" in cols[0] or "." in cols[0]:
                    continue
                feats = dict(kv.split("=", 1) for kv in cols[5].split("|")) if cols[5] != "_" else {}
                cur["tokens"].append({"id": int(cols[0]), "form": cols[1], "lemma": cols[2], "upos": cols[3],
                                      "feats": feats, "head": int(cols[6]), "deprel": cols[7]})
    if cur is not None:
        sents.append(cur)
    for s in sents:
        b = s["text"].encode("utf-8")
        pos = 0
        for t in s["tokens"]:
            fb = t["form"].encode("utf-8")
            i = b.find(fb, pos)
            if i < 0:
                t["start"] = t["end"] = None
                continue
            t["start"], t["end"] = i, i + len(fb)
            pos = i + len(fb)
    return sents


def make_data(tmp, plugins):
    """A data folder with the given plugins (name -> source text), the bundled plugins' shared helpers
    (plugins/lib/, which tone.lua reads as klarbrev.lib.tekst) and the project's word lists."""
    data = os.path.join(tmp, "data")
    os.makedirs(os.path.join(data, "plugins"))
    for name, src in plugins.items():
        with open(os.path.join(data, "plugins", name), "w", encoding="utf-8") as f:
            f.write(src)
    shutil.copytree(os.path.join(ROOT, "plugins", "lib"), os.path.join(data, "plugins", "lib"))
    shutil.copytree(os.path.join(ROOT, "dictionaries"), os.path.join(data, "dictionaries"))
    return data


def check(klarbrev, data, lines, tmp, config=None, spell=False):
    """Runs klarbrev check on the lines (one paragraph each), CHUNK at a time; yields (line index, finding).
    spell: with the spelling, and so with the dictionary, which tone.lua's passive rule needs (klarbrev.analyze);
    --no-spell loads none."""
    for base in range(0, len(lines), CHUNK):
        part = lines[base:base + CHUNK]
        path = os.path.join(tmp, "chunk.txt")
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(part) + "\n")
        cmd = [klarbrev, "check", path, "--format", "json", "--data-dir", data] + ([] if spell else ["--no-spell"])
        if config:
            cmd += ["--config", config]
        p = subprocess.run(cmd, capture_output=True, text=True)
        if p.returncode not in (0, 1):
            sys.exit("klarbrev check failed (%d): %s" % (p.returncode, p.stderr.strip()))
        report = json.loads(p.stdout)
        for fd in report["findings"]:
            if fd["rule"] == "plugin":
                sys.exit("a plugin failed: " + fd["message"])
            if fd["paragraph"] is not None:
                yield base + fd["paragraph"], fd


def prf(tp, npred, ngold):
    p = tp / npred if npred else 0.0
    r = tp / ngold if ngold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def passive(klarbrev, sents, tmp, nexamples):
    with open(os.path.join(ROOT, "plugins", "tone.lua"), encoding="utf-8") as f:
        data = make_data(os.path.join(tmp, "passive"), {"tone.lua": f.read()})
    config = os.path.join(tmp, "passive", "ddt.ini")
    with open(config, "w", encoding="utf-8") as f:
        f.write("[plugin tone]\nall_text = yes\nskip_kancellisprog = no\nnominal = no\n")

    gold_s, gold_b = set(), set()
    for si, s in enumerate(sents):
        toks = {t["id"]: t for t in s["tokens"]}
        for t in s["tokens"]:
            if t["feats"].get("Voice") == "Pass":
                gold_s.add((si, t["id"]))
            if t["lemma"] == "blive" and t["deprel"].startswith("aux"):
                h = toks.get(t["head"])
                if h and h["feats"].get("VerbForm") == "Part":
                    gold_b.add((si, t["id"], h["id"]))

    pred_s, pred_b, other = set(), set(), []
    for si, fd in check(klarbrev, data, [s["text"] for s in sents], os.path.join(tmp, "passive"), config, spell=True):
        if fd["rule"] != "passiv":
            continue
        a, b = fd["start"], fd["start"] + fd["length"]
        covered = [t for t in sents[si]["tokens"] if t["start"] is not None and t["start"] < b and t["end"] > a]
        if len(covered) == 1:
            pred_s.add((si, covered[0]["id"]))
        elif covered:
            pred_b.add((si, covered[0]["id"], covered[-1]["id"]))
        else:
            other.append(fd["text"])

    def form(si, tid):
        return next(t["form"] for t in sents[si]["tokens"] if t["id"] == tid)

    tp_s = len(pred_s & gold_s)
    tp_b = len(pred_b & gold_b)
    ps, rs, fs = prf(tp_s, len(pred_s), len(gold_s))
    pb, rb, fb = prf(tp_b, len(pred_b), len(gold_b))
    pa, ra, fa = prf(tp_s + tp_b, len(pred_s) + len(pred_b), len(gold_s) + len(gold_b))
    print("Passive (plugins/tone.lua, rule passiv) against the treebank, %d sentences" % len(sents))
    print()
    print("| kind | marked | found | right | precision | recall | F1 |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    print("| s-passive (Voice=Pass) | %d | %d | %d | %.2f | %.2f | %.2f |" % (len(gold_s), len(pred_s), tp_s, ps, rs, fs))
    print("| blive + participle (aux blive -> VerbForm=Part) | %d | %d | %d | %.2f | %.2f | %.2f |"
          % (len(gold_b), len(pred_b), tp_b, pb, rb, fb))
    print("| both | %d | %d | %d | %.2f | %.2f | %.2f |" % (len(gold_s) + len(gold_b), len(pred_s) + len(pred_b),
                                                            tp_s + tp_b, pa, ra, fa))
    print()
    if nexamples:
        fn = Counter(form(si, tid).lower() for si, tid in gold_s - pred_s)
        fp = Counter(form(si, tid).lower() for si, tid in pred_s - gold_s)
        print("s-passive missed:", ", ".join("%s (%d)" % kv for kv in fn.most_common(nexamples)) or "-")
        print("s-passive wrong: ", ", ".join("%s (%d)" % kv for kv in fp.most_common(nexamples)) or "-")
        fnb = [" ".join(t["form"] for t in sents[si]["tokens"] if a <= t["id"] <= h) for si, a, h in gold_b - pred_b]
        fpb = [" ".join(t["form"] for t in sents[si]["tokens"] if a <= t["id"] <= h) for si, a, h in pred_b - gold_b]
        print("blive-passive missed:", "; ".join(fnb[:nexamples]) or "-")
        print("blive-passive wrong: ", "; ".join(fpb[:nexamples]) or "-")
        print()


def sentences(klarbrev, sents, tmp, group, nexamples):
    data = make_data(os.path.join(tmp, "split"), {"probe.lua": PROBE})
    texts = [s["text"].strip() for s in sents]

    # joined: groups of `group` sentences in one paragraph
    lines, gold = [], []
    for g in range(0, len(texts), group):
        part = texts[g:g + group]
        line = " ".join(part)
        starts, pos = [], 0
        for t in part:
            starts.append(len(line[:pos].encode("utf-8")))
            pos += len(t) + 1
        lines.append(line)
        gold.append(starts)
    pred = [[] for _ in lines]
    for li, fd in check(klarbrev, data, lines, os.path.join(tmp, "split")):
        pred[li].append((fd["start"], fd["start"] + fd["length"]))
    tp = npred = ngold = whole = 0
    wrong, missed = [], []
    for li, (g, p) in enumerate(zip(gold, pred)):
        p.sort()
        gb = g[1:]
        pb = [a for a, _ in p[1:]]
        ngold += len(gb)
        npred += len(pb)
        used = set()
        for a in pb:
            hit = next((k for k, x in enumerate(gb) if k not in used and x - 1 <= a <= x + 3), None)
            if hit is None:
                wrong.append(lines[li].encode("utf-8")[max(0, a - 30):a + 20].decode("utf-8", "replace"))
            else:
                used.add(hit)
                tp += 1
        for k, x in enumerate(gb):
            if k not in used:
                missed.append(lines[li].encode("utf-8")[max(0, x - 30):x + 20].decode("utf-8", "replace"))
        # whole sentences: both ends within the tolerance
        ends = g[1:] + [len(lines[li].encode("utf-8"))]
        for k, x in enumerate(g):
            if any(x - 1 <= a <= x + 3 and ends[k] - 4 <= b <= ends[k] for a, b in p):
                whole += 1
    p_, r_, f_ = prf(tp, npred, ngold)
    unterminated = sum(1 for t in texts if t.rstrip("\"'»«”’) ")[-1:] not in ".!?:")

    # one per line: sentences klarbrev cuts
    cut = Counter()
    for li, fd in check(klarbrev, data, texts, os.path.join(tmp, "split")):
        cut[li] += 1
    over = sorted(li for li, n in cut.items() if n > 1)

    print("Sentence splitter (klarbrev's text model) against the treebank's sentences")
    print()
    print("| measure | value |")
    print("| --- | --- |")
    print("| treebank sentences | %d (%d without a final . ! ? or :) |" % (len(texts), unterminated))
    print("| joined %d to a paragraph: boundaries in the treebank | %d |" % (group, ngold))
    print("| boundaries klarbrev made | %d |" % npred)
    print("| right | %d |" % tp)
    print("| precision / recall / F1 | %.3f / %.3f / %.3f |" % (p_, r_, f_))
    print("| sentences given back whole | %d of %d (%.1f %%) |" % (whole, len(texts), 100.0 * whole / len(texts)))
    print("| one sentence per line: lines cut in two or more | %d of %d (%.1f %%) |"
          % (len(over), len(texts), 100.0 * len(over) / len(texts)))
    print()
    if nexamples:
        print("boundaries missed (…|… at the treebank's boundary):")
        for m in missed[:nexamples]:
            print("   ", m.replace("\n", " "))
        print("boundaries klarbrev made that the treebank has not:")
        for w in wrong[:nexamples]:
            print("   ", w.replace("\n", " "))
        print("lines cut in one-per-line mode:")
        for li in over[:nexamples]:
            print("   ", texts[li])
        print()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--conllu", default=CONLLU)
    ap.add_argument("--group", type=int, default=10, help="treebank sentences per paragraph (splitter)")
    ap.add_argument("--examples", type=int, default=0, help="list this many errors of each kind")
    args = ap.parse_args()
    klarbrev = os.environ.get("KLARBREV", os.path.join(ROOT, "build", "bin", "klarbrev"))
    if not os.access(klarbrev, os.X_OK):
        sys.exit("%s not found: run bash scripts/build.sh, or set KLARBREV" % klarbrev)
    sents = read_conllu(args.conllu)
    with tempfile.TemporaryDirectory() as tmp:
        passive(klarbrev, sents, tmp, args.examples)
        sentences(klarbrev, sents, tmp, args.group, args.examples)


if __name__ == "__main__":
    main()
