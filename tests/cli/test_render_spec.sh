#!/usr/bin/env bash
# The Mustache spec (../shared/spec/mustache/*.json, the core modules) run through the klarbrev render command itself,
# as a user would: each case's template, data and partials written to files, then
#   klarbrev render TEMPLATE DATA.json --partials DIR
# and the output compared byte for byte with the spec's expected text. A partial the spec leaves out renders as
# nothing, and the data may be any JSON value ("world" with {{.}}), as the spec says.
. "$(dirname "$0")/lib.sh"

spec="$KB_SHARED/spec/mustache"
if [ ! -d "$spec" ]; then
  fail "the Mustache spec is missing: $spec"
  finish
  exit
fi

python3 - "$KLARBREV" "$spec" "$T" >"$T/report" <<'PY'
import json, os, subprocess, sys
prog, spec, tmp = sys.argv[1], sys.argv[2], sys.argv[3]
total = failed = 0
for fn in sorted(os.listdir(spec)):
    if not fn.endswith(".json") or fn.startswith("~"):
        continue
    with open(os.path.join(spec, fn), encoding="utf-8") as f:
        suite = json.load(f)
    for n, case in enumerate(suite["tests"]):
        total += 1
        d = os.path.join(tmp, "case-%s-%d" % (fn[:-5], n))
        os.makedirs(os.path.join(d, "partials"))
        with open(os.path.join(d, "template.mustache"), "w", encoding="utf-8", newline="") as f:
            f.write(case["template"])
        with open(os.path.join(d, "data.json"), "w", encoding="utf-8") as f:
            json.dump(case["data"], f, ensure_ascii=False)
        for name, src in case.get("partials", {}).items():
            with open(os.path.join(d, "partials", name + ".mustache"), "w", encoding="utf-8", newline="") as f:
                f.write(src)
        p = subprocess.run([prog, "render", os.path.join(d, "template.mustache"), os.path.join(d, "data.json"),
                            "--partials", os.path.join(d, "partials")], capture_output=True)
        got = p.stdout.decode("utf-8", "replace")
        if p.returncode != 0 or got != case["expected"]:
            failed += 1
            print("FAIL: %s: %s: exit %d, got %r, want %r; stderr: %s" % (fn, case["name"], p.returncode, got,
                  case["expected"], p.stderr.decode("utf-8", "replace").strip()))
print("spec cases: %d, failed: %d" % (total, failed))
PY
cat "$T/report"
if grep -q '^spec cases: [1-9][0-9]*, failed: 0$' "$T/report"; then pass; else fail "Mustache spec through klarbrev render"; fi
finish
