#!/usr/bin/env python3
"""make_cases.py TEMPLATE_EXAMPLE.json OUT N [--csv] [--encoding ENC] [--sep ;] [--bom] [--bad 3,7] [--cpr 5]
[--dup 4] -- cases for klarbrev batch tests, made from a template's example case: case i (from 0) gets sag.nummer
2026-<i>; --bad drops modtager.navn from the listed cases (invalid), --cpr puts a full CPR number in the free text
(the letter is blocked), --dup gives the listed cases the number of case 0. JSON Lines, or CSV with one dotted column
per field (quotes around cells with the separator, quotes or line breaks, "" inside). python3 stdlib only."""
import json
import sys


def flat(d, prefix=""):
    for k, v in d.items():
        if isinstance(v, dict):
            yield from flat(v, prefix + k + ".")
        else:
            yield prefix + k, v


def main(argv):
    example, out, n = argv[1], argv[2], int(argv[3])
    opts = argv[4:]
    csv = "--csv" in opts
    enc = opts[opts.index("--encoding") + 1] if "--encoding" in opts else "utf-8"
    sep = opts[opts.index("--sep") + 1] if "--sep" in opts else ";"
    def listed(name):
        return {int(x) for x in opts[opts.index(name) + 1].split(",")} if name in opts else set()
    bad, cpr, dup = listed("--bad"), listed("--cpr"), listed("--dup")
    base = json.load(open(example, encoding="utf-8"))
    cases = []
    for i in range(n):
        c = json.loads(json.dumps(base))
        c["sag"]["nummer"] = "2026-%06d" % (0 if i in dup else i)
        if i in bad:
            del c["modtager"]["navn"]
        if i in cpr:
            c["begrundelse"]["fakta"] = "Dit CPR-nummer er 010190-1234. Du har 58.300 kr. på en konto."
        cases.append(c)
    if not csv:
        text = "".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases)
    else:
        cols = [k for k, _ in flat(base)]
        def cell(v):
            v = "" if v is None else str(v)
            return '"' + v.replace('"', '""') + '"' if any(ch in v for ch in (sep, '"', "\n")) else v
        rows = [sep.join(cols)]
        for c in cases:
            values = dict(flat(c))
            rows.append(sep.join(cell(values.get(k, "")) for k in cols))
        text = "\r\n".join(rows) + "\r\n"
    data = text.encode(enc)
    if "--bom" in opts:
        data = b"\xef\xbb\xbf" + data
    open(out, "wb").write(data)


if __name__ == "__main__":
    main(sys.argv)
