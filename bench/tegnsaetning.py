#!/usr/bin/env python3
"""bench/tegnsaetning.py -- how often the punctuation check (plugins/tegnsaetning.lua) speaks on real text, where
almost every finding would be a false one: the corpus ../shared/corpus/admin/*.txt (public administrative Danish),
../shared/corpus/ddt/da_ddt-dev.txt (newspaper and book Danish, one sentence a line) and the project's test
letters tests/letters/*.txt.

    python3 bench/tegnsaetning.py                 # uses build/bin/klarbrev
    KLARBREV=build-x/bin/klarbrev python3 bench/tegnsaetning.py --examples 20

Each file is checked as a .txt letter (one paragraph a line) with a data folder that holds only tegnsaetning.lua
and plugins/lib/, spelling off. Prints, per source, the words (klarbrev's count), the findings by rule and the
findings per 10,000 words, then the findings themselves (all, or --examples N per source) with their paragraph.
Python 3 standard library only.
"""
import argparse
import glob
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
CHUNK = 50  # lines per letter for the one-sentence-a-line treebank text


def make_data(tmp):
    data = os.path.join(tmp, "data")
    os.makedirs(os.path.join(data, "plugins"))
    shutil.copy(os.path.join(ROOT, "plugins", "tegnsaetning.lua"), os.path.join(data, "plugins"))
    shutil.copytree(os.path.join(ROOT, "plugins", "lib"), os.path.join(data, "plugins", "lib"))
    shutil.copytree(os.path.join(ROOT, "dictionaries"), os.path.join(data, "dictionaries"))
    return data


def check(klarbrev, data, path):
    env = dict(os.environ, KLARBREV_DATA=data)
    p = subprocess.run([klarbrev, "check", path, "--no-spell", "--format", "json"], capture_output=True,
                       text=True, env=env)
    if p.returncode not in (0, 1):
        sys.exit("bench/tegnsaetning.py: klarbrev check %s exited with %d: %s" % (path, p.returncode, p.stderr))
    return json.loads(p.stdout)


def letters(tmp, files, chunk):
    """The files as .txt letters; a file of one sentence a line is cut into letters of `chunk` lines."""
    for f in files:
        if not chunk:
            yield f, f
            continue
        with open(f, encoding="utf-8") as fh:
            lines = [l for l in fh.read().split("\n") if l.strip()]
        for base in range(0, len(lines), chunk):
            out = os.path.join(tmp, "%s-%d.txt" % (os.path.basename(f), base))
            with open(out, "w", encoding="utf-8") as fh:
                fh.write("\n".join(lines[base:base + chunk]) + "\n")
            yield f, out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--examples", type=int, default=-1, help="findings to list per source (default: all)")
    args = ap.parse_args()
    klarbrev = os.environ.get("KLARBREV", os.path.join(ROOT, "build", "bin", "klarbrev"))
    if not os.access(klarbrev, os.X_OK):
        sys.exit("bench/tegnsaetning.py: no klarbrev at %s; run: bash scripts/build.sh" % klarbrev)
    sources = [
        ("corpus/admin", sorted(glob.glob(os.path.join(SHARED, "corpus", "admin", "*.txt"))), 0),
        ("corpus/ddt", [os.path.join(SHARED, "corpus", "ddt", "da_ddt-dev.txt")], CHUNK),
        ("tests/letters", sorted(glob.glob(os.path.join(ROOT, "tests", "letters", "*.txt"))), 0),
    ]
    total_words, total_found = 0, 0
    with tempfile.TemporaryDirectory(prefix="klarbrev-tegn.") as tmp:
        data = make_data(tmp)
        for name, files, chunk in sources:
            words, found, rules = 0, [], Counter()
            for orig, path in letters(tmp, files, chunk):
                rep = check(klarbrev, data, path)
                words += rep["metrics"]["words"]
                for f in rep["findings"]:
                    if f["rule"] == "plugin":  # a plugin failed: no count of findings would be true
                        sys.exit("bench/tegnsaetning.py: a plugin failed on %s: %s" % (orig, f["message"]))
                    if f.get("source") == "plugins/tegnsaetning.lua":
                        found.append((os.path.basename(orig), f))
                        rules[f["rule"]] += 1
            total_words += words
            total_found += len(found)
            per = 10000.0 * len(found) / words if words else 0.0
            print("%-14s %6d words %4d findings %6.1f per 10,000 words  %s" %
                  (name, words, len(found), per, ", ".join("%s %d" % kv for kv in sorted(rules.items()))))
            shown = found if args.examples < 0 else found[:args.examples]
            for fname, f in shown:
                print("    %s afsnit %s [%s] »%s«" % (fname, f["paragraph"] + 1 if f["paragraph"] is not None
                                                     else "-", f["rule"], f["text"]))
    per = 10000.0 * total_found / total_words if total_words else 0.0
    print("%-14s %6d words %4d findings %6.1f per 10,000 words" % ("all", total_words, total_found, per))


if __name__ == "__main__":
    main()
