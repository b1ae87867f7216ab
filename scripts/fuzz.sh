#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, build-fuzz/) and runs one or all of them for SECONDS each.
#   scripts/fuzz.sh                     # every target, 60 s each
#   scripts/fuzz.sh template 1800       # one target for half an hour
#   scripts/fuzz.sh all 20              # what CI runs (scripts/test.sh)
# Targets: docx_text template annotate manifest textmodel config luapattern mustache wordmatch (docs/fuzzing.md).
# Environment: FUZZ_KEEP_GOING=1 saves a crash and starts the fuzzer again until the time is spent (long runs past a
# known bug); FUZZ_WORKERS=N (default 1) runs N fuzzing processes at once (-fork=N); FUZZ_ARGS is added to
# libFuzzer's options.
# The working corpus of each target is build-fuzz/corpus/<target>/ (kept between runs, filled from the seeds below
# each time); a crash, leak or timeout leaves its input in build-fuzz/crashes/<target>/ and makes the script exit 1
# after the summary. Each run is appended to build-fuzz/fuzz-log.tsv (date, target, wall seconds, runs, exec/s,
# crashes, CPU seconds of the fuzzer processes: the goal of 30 CPU minutes per target is counted in that column).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
shared=${KLARBREV_SHARED:-$root/../shared}
all_targets=(docx_text template annotate manifest textmodel config luapattern mustache wordmatch)
target=${1:-all}
seconds=${2:-60}
workers=${FUZZ_WORKERS:-1}
build=$root/build-fuzz

if [ "$target" = all ]; then
  targets=("${all_targets[@]}")
elif [[ " ${all_targets[*]} " == *" $target "* ]]; then
  targets=("$target")
else
  echo "fuzz.sh: unknown target \"$target\"; one of: all ${all_targets[*]}" >&2
  exit 2
fi
[[ "$seconds" =~ ^[0-9]+$ ]] || { echo "fuzz.sh: SECONDS must be a number, not \"$seconds\"" >&2; exit 2; }
command -v clang >/dev/null || { echo "fuzz.sh: clang is missing; run scripts/install-deps.sh" >&2; exit 2; }

echo "== fuzz: build (clang, libFuzzer + AddressSanitizer + UBSan) in build-fuzz"
mkdir -p "$build"
(
  flock 9 # one build at a time when several fuzz.sh run side by side
  cmake -S . -B "$build" -DCMAKE_C_COMPILER=clang -DKB_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$build" -j "$(nproc)" --target fuzz_all -- --no-print-directory >/dev/null
) 9>"$build/.build-lock"

# Per target: the longest input, the time one input may take (s).
max_len() {
  case $1 in
    docx_text | template | annotate) echo 200000 ;;
    manifest) echo 16384 ;;
    mustache) echo 8192 ;;
    textmodel) echo 4096 ;;
    config) echo 4096 ;;
    luapattern) echo 300 ;;
    wordmatch) echo 1024 ;;
  esac
}
time_limit() {
  case $1 in
    template | annotate) echo 20 ;;
    *) echo 10 ;;
  esac
}

# Fills build-fuzz/corpus/<target> with the seeds from the repository and ../shared (files are only added; what the
# fuzzer found earlier stays). Nothing from ../shared is copied into the repository.
make_corpus() {
  local t=$1 dir=$build/corpus/$1
  mkdir -p "$dir"
  [ -d tests/fuzz/seeds/$t ] && cp -n tests/fuzz/seeds/$t/* "$dir"/ 2>/dev/null || true
  [ -d tests/fuzz/regressions/$t ] && find tests/fuzz/regressions/$t -type f -exec cp -n {} "$dir"/ \; || true
  python3 - "$t" "$dir" "$root" "$shared" "$(max_len "$t")" <<'PY'
import glob, hashlib, json, os, sys
t, out, root, shared, max_len = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
def put(data, name):
    if len(data) > max_len:
        return
    name = name.replace('/', '_')[-80:] + '-' + hashlib.sha1(data).hexdigest()[:8]
    path = os.path.join(out, name)
    if not os.path.exists(path):
        open(path, 'wb').write(data)
def files(*patterns):
    for p in patterns:
        for f in sorted(glob.glob(p)):
            if os.path.isfile(f):
                yield f
if t in ('docx_text', 'template', 'annotate'):
    for f in files(root + '/tests/data/*/*.docx', root + '/templates/*/letter.docx', root + '/tests/letters/template/*.docx',
                   shared + '/corpus/docx-wild/*.docx', shared + '/fixtures/docxtemplater/*.docx',
                   shared + '/fixtures/docxtemplater/expected/*.docx'):
        put(open(f, 'rb').read(), os.path.basename(f))
elif t == 'manifest':
    pairs = []
    for m in files(root + '/tests/letters/*.manifest.json'):
        pairs.append((m, m.replace('.manifest.json', '.case.json')))
    for m in files(root + '/templates/*/manifest.json'):
        pairs.append((m, os.path.join(os.path.dirname(m), 'example.json')))
    for m, c in pairs:
        case = open(c, 'rb').read() if os.path.exists(c) else b'{}'
        put(open(m, 'rb').read() + b'\0' + case, os.path.basename(m))
elif t == 'textmodel':
    for f in files(root + '/tests/letters/*.txt', shared + '/corpus/admin/*.txt', root + '/tests/cli/data/*.txt'):
        data = open(f, 'rb').read()
        for i in range(0, min(len(data), 32 * 1024), 1024):
            put(data[i:i + 1024], os.path.basename(f) + '.%d' % i)
    ddt = shared + '/corpus/ddt/da_ddt-dev.txt'
    if os.path.exists(ddt):
        data = open(ddt, 'rb').read()
        for i in range(0, len(data), 2048):
            put(data[i:i + 2048], 'ddt.%d' % i)
elif t == 'mustache':
    for f in files(shared + '/spec/mustache/*.json'):
        for test in json.load(open(f, encoding='utf-8')).get('tests', []):
            data = json.dumps(test.get('data', {}), ensure_ascii=False).encode()
            partials = json.dumps(test.get('partials', {}), ensure_ascii=False).encode()
            put(test['template'].encode() + b'\0' + data + b'\0' + partials + b'\0\x01',
                os.path.basename(f)[:-5] + '-' + test['name'])
    for f in files(root + '/tests/cli/data/*.txt', root + '/tests/letters/template/*.txt'):
        put(open(f, 'rb').read(), os.path.basename(f))
PY
}

summary=()
failed=()
for t in "${targets[@]}"; do
  exe=$build/fuzz/fuzz_$t
  crashes=$build/crashes/$t
  mkdir -p "$crashes"
  make_corpus "$t"
  before=$(find "$crashes" -type f | wc -l)
  opts=(-max_len="$(max_len "$t")" -timeout="$(time_limit "$t")" -rss_limit_mb=2048
        -malloc_limit_mb=2048 -artifact_prefix="$crashes/" -print_final_stats=1)
  [ -f tests/fuzz/dicts/$t.dict ] && opts+=(-dict="$root/tests/fuzz/dicts/$t.dict")
  [ "$workers" -gt 1 ] && opts+=(-fork="$workers")
  # shellcheck disable=SC2206
  opts+=(${FUZZ_ARGS:-})
  log=$build/fuzz-$t.log
  echo "== fuzz: $t for ${seconds}s (log: build-fuzz/fuzz-$t.log)"
  : >"$log"
  rc=0
  cpu=0
  cpu_file=$(mktemp)
  start=$(date +%s)
  # With FUZZ_KEEP_GOING=1 a crash is saved and the fuzzer started again until the time is spent (for long runs
  # past a known bug); otherwise the first crash ends the target's run.
  while :; do
    left=$((seconds - ($(date +%s) - start)))
    [ "$left" -gt 0 ] || break
    one=0
    # bash's time keyword reports the user + system CPU seconds of the subshell and its children.
    { TIMEFORMAT='%U %S'; time (cd "$build" && ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:quarantine_size_mb=16} \
      UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
      "$exe" "${opts[@]}" -max_total_time="$left" "$build/corpus/$t" >>"$log" 2>&1) || one=$?; } 2>"$cpu_file"
    cpu=$(awk -v c="$cpu" '{c += $1 + $2} END {printf "%d", c}' "$cpu_file")
    [ "$one" -eq 0 ] && break
    rc=$one
    [ "${FUZZ_KEEP_GOING:-0}" = 1 ] || break
  done
  elapsed=$(($(date +%s) - start))
  rm -f "$cpu_file"
  runs=$( (grep -ao 'stat::number_of_executed_units: *[0-9]*' "$log" || true) | awk '{s += $2} END {print s + 0}')
  if [ "$runs" -eq 0 ]; then
    # -fork=N prints no final stats, only progress lines "#72958: cov: ..." with the executions so far
    runs=$( (grep -ao '^#[0-9]*:' "$log" || true) | tr -d '#:' | awk '$1 > m {m = $1} END {print m + 0}')
  fi
  speed=$((runs / (elapsed > 0 ? elapsed : 1)))
  after=$(find "$crashes" -type f | wc -l)
  new=$((after - before))
  corpus=$(find "$build/corpus/$t" -type f | wc -l)
  summary+=("$(printf '%-11s %6ss (CPU %6ss) %10s runs %7s exec/s  corpus %5s  crashes %s' "$t" "$elapsed" "$cpu" "$runs" \
    "$speed" "$corpus" "$new")")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$t" "$elapsed" "$runs" "$speed" "$new" "$cpu" \
    >>"$build/fuzz-log.tsv"
  if [ "$rc" -ne 0 ] || [ "$new" -gt 0 ]; then
    failed+=("$t")
    echo "fuzz: $t failed (exit $rc); the report:" >&2
    grep -aE 'ERROR: |SUMMARY: |runtime error|#[0-9]+ 0x|Test unit written|differs from|abort' "$log" | head -40 >&2 || true
    find "$crashes" -type f -printf '%T@ %p\n' | sort -n | tail -"$((new > 0 ? new : 1))" | cut -d' ' -f2- |
      sed 's/^/fuzz: crash input: /' >&2
  fi
done

echo "== fuzz: summary"
printf '%s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: crashes in: ${failed[*]}; inputs in build-fuzz/crashes/<target>/ (docs/fuzzing.md: make each a regression test)" >&2
  exit 1
fi
