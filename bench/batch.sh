#!/usr/bin/env bash
# Many letters from one template, side by side with docxtemplater, in one run. Each row is one whole process; its
# CPU time is user + sys of that process (/usr/bin/time), so starting, loading and writing count too:
#   docxtemplater            node bench/docxtemplater/fill.js: N letters from docxtemplater's tag-example.docx, each
#                            new PizZip + new Docxtemplater(paragraphLoop, linebreaks) + render + generate(DEFLATE)
#                            + write (docxtemplater and pizzip are installed by npm into bench/docxtemplater/ on the
#                            first run, from its package-lock.json)
#   klarbrev batch, no checks   klarbrev batch tag-example.docx --delimiters "{ }" --no-spell --no-plugins --jobs 1:
#                            the same N cases, render and save only (target: >= 20x docxtemplater's letters per
#                            CPU-second)
#   klarbrev batch, checked  templates/afslag-kontanthjaelp with every bundled check (spelling and plugins), --jobs 1
#                            (target: >= 500 letters per CPU-second)
#   --jobs 2                 the same with --jobs 2: wall-clock speed-up over --jobs 1 (target: >= 1.8x)
#   peak RSS                 the checked batch for 1,000 and for BIG letters, --jobs 1 (target: within 10 %)
#   check, 1,000 words       one klarbrev check of a 1,000-word letter, whole process (target: < 100 ms CPU)
#   fill --no-spell          one klarbrev fill of the sample template, whole process
# The cases are made here, N (or BIG) lines of JSON Lines with values that vary from line to line.
#
#   bash bench/batch.sh                   # N=2000, BIG=100000; uses build/bin/klarbrev (bash scripts/build.sh)
#   N=200 BIG=5000 REPS=3 bash bench/batch.sh    # a quick run
#   KLARBREV=build-x/bin/klarbrev bash bench/batch.sh
#
# `klarbrev batch` may be missing from the klarbrev under test (an older build): its rows then say so and are not
# run; the others still are. Exit 0 when every row that could run ran; 2 when a row failed.
set -euo pipefail
cd "$(dirname "$0")/.."
KLARBREV=${KLARBREV:-build/bin/klarbrev}
SHARED=${KLARBREV_SHARED:-../shared}
N=${N:-2000}
BIG=${BIG:-100000}
REPS=${REPS:-5}
TAGS=$SHARED/fixtures/docxtemplater/tag-example.docx
SAMPLE=templates/afslag-kontanthjaelp
DT=bench/docxtemplater
[ -x "$KLARBREV" ] || { echo "bench/batch.sh: no klarbrev at $KLARBREV; run: bash scripts/build.sh" >&2; exit 2; }
[ -f "$TAGS" ] || { echo "bench/batch.sh: no template at $TAGS" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench/batch.sh: needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "bench/batch.sh: needs python3 to make the cases" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/klarbrev-batch.XXXXXX")
trap 'rm -rf "$work"' EXIT
status=0

# ---- the cases ----
# tags.jsonl: docxtemplater's tag-example fields; sample.jsonl: the sample template's example.json with the
# recipient, the case number, the address and the dates varied (names are not spell-checked, so every letter of the
# checked rows gets through the checks as the example does)
make_cases() { # make_cases COUNT
  python3 - "$1" "$SAMPLE/example.json" "$work" <<'PY'
import json, sys
n, example, work = int(sys.argv[1]), sys.argv[2], sys.argv[3]
first = ["Mette", "Anders", "Fatima", "Jens", "Sofie", "Omar", "Karen", "Mikkel", "Ida", "Lars"]
last = ["Lund Kristiansen", "Holm", "Hansen", "Nielsen", "Jensen", "Pedersen", "Andersen", "Larsen"]
base = json.load(open(example, encoding="utf-8"))
with open(f"{work}/tags.jsonl", "w", encoding="utf-8") as t, open(f"{work}/sample.jsonl", "w", encoding="utf-8") as s:
    for i in range(n):
        t.write(json.dumps({"first_name": first[i % 10], "last_name": last[i % 8],
                            "phone": "06%08d" % (52455478 + i), "description": f"Website nr. {i + 1}"}) + "\n")
        c = json.loads(json.dumps(base))
        c["modtager"]["navn"] = f"{first[i % 10]} {last[(i // 10) % 8]}"
        c["modtager"]["adresse"] = f"Kastanjevej {i % 97 + 1}, {i % 5 + 1}. th.\n4470 Søby"
        c["sag"]["nummer"] = "2026-%06d" % (i + 1)
        c["sag"]["dato"] = "2026-11-%02d" % (i % 28 + 1)
        c["ansoegning"]["dato"] = "2026-10-%02d" % (i % 28 + 1)
        s.write(json.dumps(c, ensure_ascii=False) + "\n")
PY
}

# ---- measuring ----
# measure CMD...: runs CMD once; sets rc, wall (s), cpu (user + sys, s) and rss (peak, KB). Exit codes 0 and 1 (a
# letter or a check with findings that block) both count as a run.
measure() {
  set +e
  /usr/bin/time -f '%e %U %S %M' -o "$work/time" "$@" >"$work/stdout" 2>"$work/stderr"
  rc=$?
  set -e
  read -r wall user sys rss < <(tail -n 1 "$work/time")
  cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.3f", u + s }')
}
ran_ok() { # ran_ok ROW: 0 when the last measure ran; else says why and marks the run failed
  if [ "$rc" -gt 1 ]; then
    echo "bench/batch.sh: $1 failed (exit $rc):" >&2
    tail -n 5 "$work/stderr" >&2
    status=2
    return 1
  fi
}
count_letters() { find "$1" -name '*.docx' -type f | wc -l; }
per_cpu() { awk -v n="$1" -v c="$2" 'BEGIN { if (c > 0) printf "%.0f", n / c; else print "-" }'; }
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

rows=()
row() { rows+=("$(printf '| %s | %s | %s | %s |' "$@")"); }
not_run() { rows+=("$(printf '| %s | not run: %s | | |' "$1" "$2")"); echo "bench/batch.sh: $1: not run: $2" >&2; }

# Does this klarbrev have the batch command?
have_batch=1
if ! "$KLARBREV" batch --help >/dev/null 2>&1; then
  have_batch=0
  why_no_batch="$KLARBREV has no 'batch' command ($({ "$KLARBREV" batch --help 2>&1 || true; } | head -n 1))"
fi

make_cases "$N"

# ---- docxtemplater ----
dt_rate=
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  not_run "docxtemplater" "node and npm are needed"
else
  if [ ! -d "$DT/node_modules/docxtemplater" ] || [ ! -d "$DT/node_modules/pizzip" ]; then
    echo "bench/batch.sh: installing docxtemplater and pizzip into $DT/node_modules (npm ci)" >&2
    (cd "$DT" && npm ci --no-audit --no-fund >/dev/null) || { echo "bench/batch.sh: npm ci failed in $DT" >&2; exit 2; }
  fi
  mkdir -p "$work/dt"
  measure node "$DT/fill.js" "$TAGS" "$work/tags.jsonl" "$work/dt"
  if ran_ok "docxtemplater"; then
    got=$(count_letters "$work/dt")
    dt_rate=$(per_cpu "$got" "$cpu")
    row "docxtemplater $(node -p 'require("./'"$DT"'/node_modules/docxtemplater/package.json").version'), tag-example" \
      "$got letters, $cpu s CPU" "$dt_rate letters/CPU-s" "1.0x"
  fi
  rm -rf "$work/dt"
fi

# ---- klarbrev batch ----
# batch_run LABEL TEMPLATE CASES JOBS EXTRA...: runs klarbrev batch into a fresh folder; sets got (letters written)
batch_run() {
  local label=$1 template=$2 cases=$3 jobs=$4
  shift 4
  rm -rf "$work/kb" && mkdir -p "$work/kb"
  measure "$KLARBREV" batch "$template" "$cases" -o "$work/kb" --jobs "$jobs" --quiet "$@"
  got=$(count_letters "$work/kb")
  rm -rf "$work/kb"
  ran_ok "$label" || return 1
}

if [ "$have_batch" = 0 ]; then
  for r in "klarbrev batch, tag-example, no checks, --jobs 1" "klarbrev batch, $SAMPLE, every check, --jobs 1" \
    "klarbrev batch, $SAMPLE, every check, --jobs 2" "peak RSS, 1,000 letters" "peak RSS, $BIG letters"; do
    not_run "$r" "$why_no_batch"
  done
else
  label="klarbrev batch, tag-example, no checks, --jobs 1"
  if batch_run "$label" "$TAGS" "$work/tags.jsonl" 1 --delimiters "{ }" --no-spell --no-plugins; then
    rate=$(per_cpu "$got" "$cpu")
    ratio=$( [ -n "$dt_rate" ] && awk -v a="$rate" -v b="$dt_rate" 'BEGIN { printf "%.1fx", a / b }' || echo "-")
    row "$label" "$got letters, $cpu s CPU" "$rate letters/CPU-s" "$ratio (target >= 20x)"
  fi
  label="klarbrev batch, $SAMPLE, every check, --jobs 1"
  wall1=
  if batch_run "$label" "$SAMPLE" "$work/sample.jsonl" 1; then
    wall1=$wall
    row "$label" "$got letters, $cpu s CPU, $wall s" "$(per_cpu "$got" "$cpu") letters/CPU-s (target >= 500)" ""
  fi
  label="klarbrev batch, $SAMPLE, every check, --jobs 2"
  if batch_run "$label" "$SAMPLE" "$work/sample.jsonl" 2; then
    speedup=$( [ -n "$wall1" ] && awk -v a="$wall1" -v b="$wall" 'BEGIN { if (b > 0) printf "%.2fx", a / b }' || echo "-")
    row "$label" "$got letters, $cpu s CPU, $wall s" "$(per_cpu "$got" "$cpu") letters/CPU-s" \
      "wall-clock speed-up $speedup over --jobs 1 (target >= 1.8x)"
  fi
  rss_small=
  for count in 1000 "$BIG"; do
    label="peak RSS, $count letters"
    make_cases "$count"
    if batch_run "$label" "$SAMPLE" "$work/sample.jsonl" 1; then
      if [ -z "$rss_small" ]; then
        rss_small=$rss
        row "$label ($SAMPLE, every check, --jobs 1)" "$got letters" "$((rss / 1024)) MB peak RSS" ""
      else
        growth=$(awk -v a="$rss" -v b="$rss_small" 'BEGIN { printf "%+.1f %%", (a - b) * 100 / b }')
        row "$label ($SAMPLE, every check, --jobs 1)" "$got letters" "$((rss / 1024)) MB peak RSS" \
          "$growth over 1,000 (target within 10 %)"
      fi
    fi
  done
fi

# ---- one letter, whole process ----
if [ -d "$SHARED/corpus/admin" ]; then
  awk 'NF { print; n += NF; if (n >= 1000) exit }' "$SHARED"/corpus/admin/*.txt >"$work/letter.txt"
  words=$(wc -w <"$work/letter.txt")
  : >"$work/cpus"
  for _ in $(seq "$REPS"); do
    measure "$KLARBREV" check "$work/letter.txt"
    ran_ok "klarbrev check" || break
    echo "$cpu" >>"$work/cpus"
  done
  if [ -s "$work/cpus" ]; then
    ms=$(median <"$work/cpus" | awk '{ printf "%.0f", $1 * 1000 }')
    row "klarbrev check, $words-word letter (spelling + bundled plugins)" "median of $REPS runs" "$ms ms CPU" \
      "target < 100 ms"
  fi
else
  not_run "klarbrev check, 1,000-word letter" "no corpus at $SHARED/corpus/admin"
fi
: >"$work/cpus"
for _ in $(seq "$REPS"); do
  measure "$KLARBREV" fill "$SAMPLE" "$SAMPLE/example.json" -o "$work/brev.docx" --no-spell
  ran_ok "klarbrev fill --no-spell" || break
  echo "$cpu" >>"$work/cpus"
done
if [ -s "$work/cpus" ]; then
  ms=$(median <"$work/cpus" | awk '{ printf "%.0f", $1 * 1000 }')
  row "klarbrev fill --no-spell, $SAMPLE (bundled plugins)" "median of $REPS runs" "$ms ms CPU" ""
fi

echo
echo "N=$N letters a batch row, BIG=$BIG; CPU = user + sys of the whole process ($(nproc) cores)"
echo
echo "| row | ran | result | against target |"
echo "| --- | --- | --- | --- |"
printf '%s\n' "${rows[@]}"
exit "$status"
