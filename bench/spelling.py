#!/usr/bin/env python3
"""Measures klarbrev's Danish spelling on real administrative Danish: false alarms and typos caught.

    bench/spelling.py [--klarbrev PATH] [--corpus DIR] [--per-type N] [--seed S] [--jobs J]

False alarms: every file of the corpus (../shared/corpus/admin/, real administrative Danish) goes through
`klarbrev spell --format json`, which applies the same dictionaries, word lists and skipping rules as
`klarbrev check`. Every flagged word counts as a false alarm unless it is listed in TRUE_ERRORS below, with the
reason it really is misspelt. The rate is false alarms / words looked up. The same run with the project's word
lists left out (a data folder without dictionaries/) shows what the lists add.

Typos: correct words of the corpus (accepted by klarbrev, letters only, at least 5 of them) get one typical typing
error each: two neighbouring letters swapped, a letter dropped, a letter doubled, a letter replaced by a neighbouring
key on a Danish keyboard, æ/ø/å written ae/oe/aa. A typo that happens to be another real word cannot be caught by
any dictionary; those are not filtered out, so recall is over every generated typo. Reported per error type: the
share flagged, and the share whose original word is among klarbrev's three suggestions (of all typos, and of the
flagged ones).

Needs only python3 and the klarbrev program (build/bin/klarbrev by default; `bash scripts/build.sh` makes it).
Suggestions are slow in hunspell (about 0.1 s per word for long Danish words), so the typo run takes a few minutes;
--jobs runs that many klarbrev processes side by side.
"""
import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)

# Flagged corpus words that really are misspelt in the source text (not false alarms), and why.
TRUE_ERRORS = {
    "tilbudene": "misspelt in the source (11_indenrigsministeriet...): Retskrivningsordbogen has tilbud, tilbuddet, "
    "tilbuddene",
}

# Neighbouring keys on a Danish keyboard, for the "wrong letter" error.
ROWS = ["qwertyuiopå", "asdfghjklæø", "zxcvbnm"]
NEIGHBOURS = {}
for r, row in enumerate(ROWS):
    for i, c in enumerate(row):
        n = set()
        if i > 0:
            n.add(row[i - 1])
        if i + 1 < len(row):
            n.add(row[i + 1])
        for rr in (r - 1, r + 1):
            if 0 <= rr < len(ROWS):
                for j in (i - 1, i, i + 1):
                    if 0 <= j < len(ROWS[rr]):
                        n.add(ROWS[rr][j])
        NEIGHBOURS[c] = sorted(n)

LETTERS = re.compile(r"^[A-Za-zÆØÅæøåÉéÜüÖöÄä]+$")


def spell_json(klarbrev, text, data_dir=None, list_only=False):
    """Runs klarbrev spell on text; returns the parsed JSON report."""
    cmd = [klarbrev, "spell", "--format", "json"]
    if list_only:
        cmd.append("--list")
    if data_dir:
        cmd += ["--data-dir", data_dir]
    p = subprocess.run(cmd, input=text.encode("utf-8"), capture_output=True)
    if p.returncode not in (0, 1):
        sys.exit("klarbrev spell failed (%d): %s" % (p.returncode, p.stderr.decode("utf-8", "replace")))
    return json.loads(p.stdout.decode("utf-8"))


def false_alarms(klarbrev, corpus, data_dir=None):
    files = sorted(f for f in os.listdir(corpus) if f.endswith(".txt"))
    checked = words = flagged = false = 0
    false_words, true_words = {}, {}
    for f in files:
        with open(os.path.join(corpus, f), encoding="utf-8") as fh:
            r = spell_json(klarbrev, fh.read(), data_dir, list_only=True)
        words += r["words"]
        checked += r["checked"]
        for u in r["unknown"]:
            flagged += u["count"]
            target = true_words if u["word"] in TRUE_ERRORS else false_words
            target.setdefault(u["word"], []).append(f)
            if u["word"] not in TRUE_ERRORS:
                false += u["count"]
    return {"files": len(files), "words": words, "checked": checked, "flagged": flagged, "false": false,
            "false_words": false_words, "true_words": true_words}


def hunspell_raw(corpus):
    """What plain hunspell -l flags in the corpus (its own tokenizer, no word lists, no skipping rules), or None when
    hunspell is not installed."""
    out = []
    for f in sorted(os.listdir(corpus)):
        if not f.endswith(".txt"):
            continue
        with open(os.path.join(corpus, f), "rb") as fh:
            try:
                p = subprocess.run(["hunspell", "-d", "da_DK", "-l"], stdin=fh, capture_output=True)
            except FileNotFoundError:
                return None
        out += p.stdout.decode("utf-8", "replace").split()
    return out


def corpus_words(klarbrev, corpus):
    """Distinct words of the corpus that klarbrev accepts: letters only, at least 5."""
    seen = []
    for f in sorted(os.listdir(corpus)):
        if not f.endswith(".txt"):
            continue
        with open(os.path.join(corpus, f), encoding="utf-8") as fh:
            for tok in fh.read().split():
                w = tok.strip(".,;:!?()[]\"'»«”“’–-/§")
                if len(w) >= 5 and LETTERS.match(w) and w not in seen:
                    seen.append(w)
    r = spell_json(klarbrev, "\n".join(seen), list_only=True)
    unknown = {u["word"] for u in r["unknown"]}
    return [w for w in seen if w not in unknown]


def make_typo(word, kind, rnd):
    """One typo of the given kind, or None when the word has no place for it."""
    n = len(word)
    if kind == "swap":
        spots = [i for i in range(n - 1) if word[i] != word[i + 1]]
        if not spots:
            return None
        i = rnd.choice(spots)
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if kind == "drop":
        i = rnd.randrange(1, n)  # keep the first letter, as people rarely miss it
        return word[:i] + word[i + 1:]
    if kind == "double":
        spots = [i for i in range(n) if (i + 1 == n or word[i + 1] != word[i]) and (i == 0 or word[i - 1] != word[i])]
        i = rnd.choice(spots)
        return word[:i + 1] + word[i] + word[i + 1:]
    if kind == "wrong":
        spots = [i for i in range(1, n) if word[i].lower() in NEIGHBOURS]
        if not spots:
            return None
        i = rnd.choice(spots)
        c = rnd.choice(NEIGHBOURS[word[i].lower()])
        return word[:i] + (c.upper() if word[i].isupper() else c) + word[i + 1:]
    if kind == "aeoeaa":
        spots = [i for i, c in enumerate(word) if c in "æøåÆØÅ"]
        if not spots:
            return None
        i = rnd.choice(spots)
        rep = {"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"}[word[i]]
        return word[:i] + rep + word[i + 1:]
    raise ValueError(kind)


def typo_set(words, per_type, seed):
    rnd = random.Random(seed)
    out = []
    for kind in ("swap", "drop", "double", "wrong", "aeoeaa"):
        pool = list(words)
        rnd.shuffle(pool)
        made = 0
        for w in pool:
            if made == per_type:
                break
            t = make_typo(w, kind, rnd)
            if t and t != w:
                out.append((kind, w, t))
                made += 1
    return out


def check_typos(klarbrev, typos, jobs):
    """Runs the typos through klarbrev spell (with suggestions) in jobs chunks; returns {typo: suggestions} for the
    flagged ones."""
    distinct = sorted({t for _, _, t in typos})
    chunks = [distinct[i::jobs] for i in range(jobs)]
    result = {}
    with ThreadPoolExecutor(max_workers=jobs) as ex:
        for r in ex.map(lambda c: spell_json(klarbrev, "\n".join(c)), chunks):
            for u in r["unknown"]:
                result[u["word"]] = u["suggestions"]
    return result


def pct(a, b):
    return 100.0 * a / b if b else 0.0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--klarbrev", default=os.environ.get("KLARBREV", os.path.join(REPO, "build", "bin", "klarbrev")))
    ap.add_argument("--corpus", default=os.path.join(REPO, "..", "shared", "corpus", "admin"))
    ap.add_argument("--per-type", type=int, default=300, help="typos per error type (default 300)")
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--show-missed", type=int, default=8, help="examples of missed typos to list per type")
    a = ap.parse_args()
    if not os.access(a.klarbrev, os.X_OK):
        sys.exit("no klarbrev program at %s; build it with: bash scripts/build.sh" % a.klarbrev)

    print("# Spelling on administrative Danish (%s)" % os.path.normpath(a.corpus))
    print()
    with tempfile.TemporaryDirectory() as bare:  # a data folder without the project's word lists
        base = false_alarms(a.klarbrev, a.corpus, bare)
    fa = false_alarms(a.klarbrev, a.corpus)
    print("## False alarms")
    print()
    print("| setup | words looked up | flagged | real errors | false alarms | rate |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, r in (("da_DK alone (no dictionaries/)", base), ("da_DK + dictionaries/", fa)):
        print("| %s | %d | %d | %d | %d | %.3f %% |" % (name, r["checked"], r["flagged"], r["flagged"] - r["false"],
                                                         r["false"], pct(r["false"], r["checked"])))
    print()
    print("%d files, %d words (%d looked up; the rest have digits or are URLs, references, ...)." %
          (fa["files"], fa["words"], fa["checked"]))
    for w, files in sorted(fa["false_words"].items()):
        print("- still flagged, counted as a false alarm: %s (%s)" % (w, ", ".join(sorted(set(files)))))
    for w in sorted(fa["true_words"]):
        print("- flagged, a real error: %s: %s" % (w, TRUE_ERRORS[w]))
    for w in sorted(set(base["false_words"]) - set(fa["false_words"])):
        print("- fixed by the word lists: %s" % w)
    raw = hunspell_raw(a.corpus)
    if raw is not None:
        print("- for comparison, plain `hunspell -d da_DK -l` over the same files flags %d tokens (%d distinct): %s" %
              (len(raw), len(set(raw)), ", ".join(sorted(set(raw)))))
    print()

    words = corpus_words(a.klarbrev, a.corpus)
    typos = typo_set(words, a.per_type, a.seed)
    t0 = time.time()
    flagged = check_typos(a.klarbrev, typos, max(1, a.jobs))
    secs = time.time() - t0
    print("## Typos caught")
    print()
    print("%d distinct correct corpus words; %d typos (seed %d), checked in %.0f s with suggestions." %
          (len(words), len(typos), a.seed, secs))
    print()
    print("| error | typos | flagged | right word in top 3 (of all) | right word in top 3 (of flagged) | first |")
    print("| --- | --- | --- | --- | --- | --- |")
    kinds = ("swap", "drop", "double", "wrong", "aeoeaa")
    labels = {"swap": "swapped letters", "drop": "dropped letter", "double": "doubled letter",
              "wrong": "wrong letter (neighbour key)", "aeoeaa": "æ/ø/å as ae/oe/aa"}
    tot = [0, 0, 0, 0]
    missed = {k: [] for k in kinds}
    for k in kinds:
        rows = [(w, t) for kind, w, t in typos if kind == k]
        n = len(rows)
        fl = sum(1 for w, t in rows if t in flagged)
        top3 = sum(1 for w, t in rows if t in flagged and w in flagged[t][:3])
        first = sum(1 for w, t in rows if t in flagged and flagged[t][:1] == [w])
        missed[k] = [(w, t) for w, t in rows if t not in flagged]
        for i, v in enumerate((n, fl, top3, first)):
            tot[i] += v
        print("| %s | %d | %.1f %% | %.1f %% | %.1f %% | %.1f %% |" % (labels[k], n, pct(fl, n), pct(top3, n),
                                                                   pct(top3, fl), pct(first, n)))
    print("| **all** | %d | %.1f %% | %.1f %% | %.1f %% | %.1f %% |" % (tot[0], pct(tot[1], tot[0]),
                                                                     pct(tot[2], tot[0]), pct(tot[2], tot[1]),
                                                                     pct(tot[3], tot[0])))
    print()
    for k in kinds:
        if missed[k] and a.show_missed:
            ex = ", ".join("%s→%s" % (w, t) for w, t in missed[k][:a.show_missed])
            print("- not flagged (%s): %s" % (labels[k], ex))


if __name__ == "__main__":
    main()
