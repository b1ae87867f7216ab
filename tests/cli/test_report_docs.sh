#!/usr/bin/env bash
# docs/report.md is the contract programs read: its JSON example is what `fill --format json` prints for the sample
# letter with »kontanthjlp« in begrundelse.fakta (the finding field for field; the metrics' keys and types), every
# field of its tables is in the report with the type the table gives, and the text report ends with the summary line
# in the form the page shows.
. "$(dirname "$0")/lib.sh"
DOC=$KB_SRC/docs/report.md
SAMPLE=$KB_SRC/templates/afslag-kontanthjaelp
python3 - "$SAMPLE/example.json" "$T/sag.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1], encoding="utf-8"))
c["begrundelse"]["fakta"] = "Du har fået kontanthjlp før."
json.dump(c, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
run "$KLARBREV" fill "$SAMPLE" "$T/sag.json" -o "$T/brev.docx" --format json; expect_rc 0 "the letter is written"
cp "$T/stdout" "$T/report.json"
python3 - "$DOC" "$T/report.json" >"$T/cmp" 2>&1 <<'PY'
import json, re, sys
doc = open(sys.argv[1], encoding="utf-8").read()
want = json.loads(re.search(r"```json\n(.*?)```", doc, re.S).group(1))
got = json.load(open(sys.argv[2], encoding="utf-8"))
problems = []
if set(want) - set(got):
    problems.append("top-level keys missing: %s" % sorted(set(want) - set(got)))
if got["findings"] != want["findings"]:
    problems.append("findings differ:\n  page: %s\n  got:  %s" % (want["findings"], got["findings"]))
for k in ("metrics", "summary"):
    if set(want[k]) != set(got[k]):
        problems.append("%s keys: page %s, got %s" % (k, sorted(want[k]), sorted(got[k])))
if got["summary"] != want["summary"]:
    problems.append("summary: page %s, got %s" % (want["summary"], got["summary"]))
# the findings table: every field with its type
types = {"string": str, "integer": int, "array of strings": list}
rows = re.findall(r"^\| `([a-z_`, ]+)` \| ([a-z ]+) \|", doc, re.M)
if len(rows) < 8:
    problems.append("the findings table has %d field rows the test can read; it documents more" % len(rows))
for row in rows:
    names = [n.strip(" `") for n in row[0].split(",")]
    for name in names:
        for f in got["findings"]:
            if name not in f:
                problems.append("finding has no field %s" % name)
                continue
            v, t = f[name], row[1]
            ok = (v is None and "or null" in t) or isinstance(v, types[t.replace(" or null", "")])
            if not ok:
                problems.append("%s is %r, the page says %s" % (name, v, t))
print("\n".join(problems) or "ok")
PY
[ "$(cat "$T/cmp")" = ok ] && pass || { fail "the JSON report is what docs/report.md shows"; sed 's/^/    /' "$T/cmp"; }

run "$KLARBREV" fill "$SAMPLE" "$T/sag.json" -o "$T/brev.docx"
shape() { sed -E 's/[0-9]+([.,][0-9]+)?/N/g'; }
page=$(grep -m1 '^LIX ' "$DOC" | shape)
got=$(grep '^LIX ' "$T/stdout" | shape)
[ -n "$page" ] && [ "$page" = "$got" ] && pass || fail "the text report's summary line has the page's form: \"$got\" vs \"$page\""
line=$(grep -m1 '^ADVARSEL \[stavning\]' "$DOC" | sed -E 's/afsnit [0-9]+: Ukendt ord: »[^«]*«\. Forslag: .*\. \(i feltet [^)]*\)$/X/')
[ "$line" = "ADVARSEL [stavning] X" ] && pass || fail "the page's [stavning] line has the form klarbrev prints: $line"
finish
