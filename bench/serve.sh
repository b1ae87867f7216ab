#!/usr/bin/env bash
# klarbrev serve under a bounded load on the loopback address, side by side in one run with the command line doing
# the same work one process a request (what a fagsystem or a Word macro does today). Each row is one load of
# --duration seconds (default 60) with 8 concurrent clients; the server is started for each row (--threads 2, a
# tokens file, --listen 127.0.0.1:0) and stopped with SIGTERM after it:
#   check-same   serve /check: wrk POSTs one 1,000-word letter (the first paragraphs of ../shared/corpus/admin/*.txt,
#                as bench/plugins.sh and bench/batch.sh take them) as text/plain, every time the same: after the
#                first time in each worker thread, the plugins' paragraph memo answers for every paragraph
#   check-edit   the same letter with " (N)" after one paragraph, another paragraph each request, N new each
#                time: a letter checked again after an edit; one paragraph is new, the rest are in the memo
#   check-new    the same letter with " (N)" after every paragraph, N new each request: no paragraph was checked
#                before, every plugin walks every paragraph (the words are the same, so the spelling's per-word
#                cache still answers, as it would in a service that has run a while)
#     targets (each /check row): median < 20 ms, 99th percentile < 100 ms, no error, the server's RSS flat from
#     the first to the last 10 seconds (VmRSS from /proc/PID/status every second; flat = the median of the last
#     10 s at most 10 % above the median of the first 10 s)
#   fill         serve /templates/ID/fill of the sample template (templates/afslag-kontanthjaelp) with its checks:
#                a new case each request (example.json with the name, address and dates varied as bench/batch.sh
#                does, and a case number no other request has); the letter as .docx
#     target: at least 200 letters per second, no error (and RSS flat)
#   cli-check, cli-fill   the command line doing the same work: klarbrev check LETTER --format json and klarbrev
#                fill TEMPLATE example.json -o OUT, 8 shell workers each starting one process after the other for
#                --cli-duration seconds (default 30); a process still running when the time is up is waited for
#                and counted. A process keeps no memo, so the same letter is as new to it as any other.
# wrk (with bench/serve.lua) measures the server's rows: latency from sending a request to its last byte, and every
# answer that is not a 2xx counts as an error, as do wrk's socket errors and timeouts (10 s). Before each row a
# warm-up of a few seconds (not counted) loads the dictionary in each worker thread. "server CPU" is the server's
# user + system time during the row, per request; for the CLI rows it is the processes' own. Every row also says
# how much CPU everything else on the machine took while it ran (wrk, other people's builds): the figures are only as
# good as the machine was quiet.
#
#   bash bench/serve.sh                      # 60 s a row, 30 s a CLI row; uses build/bin/klarbrev
#   bash bench/serve.sh --duration 20 --cli-duration 10
#   bash bench/serve.sh --quick              # a few seconds a row: does it run (tests/cli/test_bench.sh)
#   bash bench/serve.sh --only check-new,cli-check   # some of the rows
#   KLARBREV=build-x/bin/klarbrev bash bench/serve.sh
#
# Needs wrk (scripts/install-deps.sh installs it), python3 (the cases) and bash 5. Nothing listens beyond 127.0.0.1,
# and every load stops by itself. Exit 0 when every row ran (whether or not its targets were met: this is a
# benchmark, not a test); 2 when a row could not run.
set -euo pipefail
cd "$(dirname "$0")/.."
KLARBREV=${KLARBREV:-build/bin/klarbrev}
SHARED=${KLARBREV_SHARED:-../shared}
SAMPLE=templates/afslag-kontanthjaelp
DURATION=60
CLI_DURATION=30
WARMUP=3
CLIENTS=8
ONLY=
usage() { sed -n '/^#   bash bench/p' "$0" | sed 's/^# *//'; }
while [ $# -gt 0 ]; do
  case $1 in
    --duration) DURATION=${2:?--duration needs seconds}; shift 2 ;;
    --cli-duration) CLI_DURATION=${2:?--cli-duration needs seconds}; shift 2 ;;
    --quick) DURATION=3; CLI_DURATION=3; WARMUP=1; shift ;;
    --only) ONLY=",${2:?--only needs rows, e.g. check-new,cli-check},"; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "bench/serve.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done
for r in ${ONLY//,/ }; do
  case $r in
    check-same | check-edit | check-new | fill | cli-check | cli-fill) ;;
    *)
      echo "bench/serve.sh: --only: no row \"$r\" (rows: check-same, check-edit, check-new, fill, cli-check, cli-fill)" >&2
      exit 2
      ;;
  esac
done
for v in "$DURATION" "$CLI_DURATION"; do
  [[ $v =~ ^[1-9][0-9]*$ ]] || { echo "bench/serve.sh: a duration is whole seconds, not \"$v\"" >&2; exit 2; }
done
[ -x "$KLARBREV" ] || { echo "bench/serve.sh: no klarbrev at $KLARBREV; run: bash scripts/build.sh" >&2; exit 2; }
command -v wrk >/dev/null || { echo "bench/serve.sh: needs wrk (apt-get install wrk; scripts/install-deps.sh)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "bench/serve.sh: needs python3 to make the cases" >&2; exit 2; }
[ -d "$SHARED/corpus/admin" ] || { echo "bench/serve.sh: no corpus at $SHARED/corpus/admin" >&2; exit 2; }
[ "${BASH_VERSINFO[0]}" -ge 5 ] || { echo "bench/serve.sh: needs bash 5 (EPOCHREALTIME)" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/klarbrev-serve.XXXXXX")
server_pid=
sampler_pid=
load_pid=
worker_pids=()
# on exit, also after SIGTERM or Ctrl-C in the middle of a row: stop the load, the sampler, the workers, the server
cleanup() {
  [ -z "$load_pid" ] || kill "$load_pid" 2>/dev/null || true
  [ -z "$sampler_pid" ] || kill "$sampler_pid" 2>/dev/null || true
  for p in "${worker_pids[@]}"; do kill "$p" 2>/dev/null || true; done
  stop_server || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# the spelling's disk cache in the run's own folder: every run starts the same, whatever ~/.cache holds
export KLARBREV_CACHE_DIR="$work/cache"
status=0
TICK=$(getconf CLK_TCK)
CORES=$(nproc)
# the RSS windows: 10 s as the target says, a third of a shorter row
W=10
[ "$DURATION" -ge 30 ] || W=$(((DURATION + 2) / 3))

now_us() { echo "${EPOCHREALTIME//[!0-9]/}"; }
# busy ticks of the whole machine (all cores) from /proc/stat; a process's user + system ticks from /proc/PID/stat
machine_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat; }
proc_ticks() { { sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null || echo; } | awk '{ print $12 + $13 }'; }
# children_cpu FILE: the seconds of user + system CPU on the second line of `times` kept in FILE ("0m1.250s 0m0.100s";
# a comma for the point in some locales)
children_cpu() {
  tail -n 1 "$1" | tr ',' '.' |
    awk '{ for (i = 1; i <= 2; i++) { split($i, a, "m"); s += a[1] * 60 + a[2] } } END { print s + 0 }'
}
fmt_ms() { awk -v u="$1" 'BEGIN { f = u < 10000 ? "%.1f" : "%.0f"; printf f, u / 1000 }'; }

# ---- inputs ----
awk 'NF { print; n += NF; if (n >= 1000) exit }' "$SHARED"/corpus/admin/*.txt >"$work/letter.txt"
WORDS=$(wc -w <"$work/letter.txt")
python3 - 1000 "$SAMPLE/example.json" "$work/cases.jsonl" <<'PY'
import json, sys
n, example, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
first = ["Mette", "Anders", "Fatima", "Jens", "Sofie", "Omar", "Karen", "Mikkel", "Ida", "Lars"]
last = ["Lund Kristiansen", "Holm", "Hansen", "Nielsen", "Jensen", "Pedersen", "Andersen", "Larsen"]
base = json.load(open(example, encoding="utf-8"))
with open(out, "w", encoding="utf-8") as s:
    for i in range(n):
        c = json.loads(json.dumps(base))
        c["modtager"]["navn"] = f"{first[i % 10]} {last[(i // 10) % 8]}"
        c["modtager"]["adresse"] = f"Kastanjevej {i % 97 + 1}, {i % 5 + 1}. th.\n4470 Søby"
        c["sag"]["nummer"] = "2026-@N@"  # serve.lua puts a number no other request has
        c["sag"]["dato"] = "2026-11-%02d" % (i % 28 + 1)
        c["ansoegning"]["dato"] = "2026-10-%02d" % (i % 28 + 1)
        s.write(json.dumps(c, ensure_ascii=False) + "\n")
PY
TOKEN=$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')
(umask 077 && echo "bench $TOKEN" >"$work/tokens")
chmod 600 "$work/tokens"

# ---- the server ----
have_serve=1
if ! "$KLARBREV" serve --help >/dev/null 2>&1; then
  have_serve=0
  why_no_serve="$KLARBREV has no 'serve' command ($({ "$KLARBREV" serve --help 2>&1 || true; } | head -n 1))"
fi

# start_server: starts klarbrev serve on a free loopback port; sets server_pid and port. 1 when it did not start.
start_server() {
  "$KLARBREV" serve --listen 127.0.0.1:0 --threads 2 --tokens "$work/tokens" --log "$work/serve.log" \
    2>"$work/serve.err" &
  server_pid=$!
  port=
  for _ in $(seq 600); do
    port=$(sed -n 's|.*lytter på http://127\.0\.0\.1:\([0-9][0-9]*\).*|\1|p' "$work/serve.err" | head -n 1)
    [ -z "$port" ] || return 0
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "bench/serve.sh: klarbrev serve did not start:" >&2
  sed 's/^/    /' "$work/serve.err" >&2
  stop_server || true
  return 1
}
# stop_server: SIGTERM, then up to 30 s to finish; sets server_rc (its exit code; 0 is a clean stop)
stop_server() {
  server_rc=
  [ -n "$server_pid" ] || return 0
  kill -TERM "$server_pid" 2>/dev/null || true
  for _ in $(seq 300); do
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$server_pid" 2>/dev/null; then
    echo "bench/serve.sh: klarbrev serve did not stop within 30 s of SIGTERM; killed" >&2
    kill -KILL "$server_pid" 2>/dev/null || true
  fi
  server_rc=0
  wait "$server_pid" 2>/dev/null || server_rc=$?
  server_pid=
}
# sample_rss PID OUT: "seconds VmRSS_kB" every second, until the process is gone or this is killed
sample_rss() {
  local t0 t
  t0=$(now_us)
  while [ -r "/proc/$1/status" ]; do
    t=$(now_us)
    awk -v t="$(((t - t0) / 1000))" '/^VmRSS:/ { printf "%.3f %d\n", t / 1000, $2 }' "/proc/$1/status" >>"$2" || true
    sleep 1
  done
}
# rss_window OUT FROM TO: median VmRSS (kB) of the samples in [FROM, TO) seconds
rss_window() {
  awk -v a="$2" -v b="$3" '$1 >= a && $1 < b { print $2 }' "$1" | sort -n |
    awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print 0 }'
}

# ---- results, printed at the end ----
declare -A R # R[row,field]
rows=()
notes=()

wanted() { [ -z "$ONLY" ] || [[ $ONLY == *",$1,"* ]]; }

# serve_row ROW LABEL MODE BODY ROUTE CONTENT_TYPE
serve_row() {
  local row=$1 label=$2 mode=$3 body=$4 route=$5 ctype=$6
  wanted "$row" || return 0
  rows+=("$row")
  R[$row,label]=$label
  if [ "$have_serve" = 0 ]; then
    R[$row,notrun]=$why_no_serve
    echo "bench/serve.sh: $label: not run: $why_no_serve" >&2
    return 0
  fi
  echo "bench/serve.sh: $label: ${DURATION} s ..." >&2
  if ! start_server; then
    R[$row,notrun]="klarbrev serve did not start"
    status=2
    return 0
  fi
  local url="http://127.0.0.1:$port$route"
  local -a env=(env KB_PATH="$route" KB_TOKEN="$TOKEN" KB_CTYPE="$ctype" KB_BODY="$body" KB_MODE="$mode")
  # wrk runs in the background and is waited for, so that a signal to this script stops it at once (bash runs a trap
  # only when the command in the foreground has ended)
  "${env[@]}" KB_RUN=1 wrk -t 2 -c "$CLIENTS" -d "${WARMUP}s" --timeout 10s -s bench/serve.lua "$url" \
    >"$work/warmup.out" 2>&1 &
  load_pid=$!
  wait "$load_pid" || true
  load_pid=
  rm -f "$work/rss"
  local cpu0 all0 cpu1 all1
  cpu0=$(proc_ticks "$server_pid")
  all0=$(machine_ticks)
  sample_rss "$server_pid" "$work/rss" &
  sampler_pid=$!
  local wrk_rc=0
  # wrk's CPU: the shell's children's times (`times`, second line) after wrk was waited for, less before
  times >"$work/times0"
  "${env[@]}" KB_RUN=2 wrk -t 2 -c "$CLIENTS" -d "${DURATION}s" --timeout 10s -s bench/serve.lua "$url" \
    >"$work/wrk.out" 2>&1 &
  load_pid=$!
  wait "$load_pid" || wrk_rc=$?
  load_pid=
  times >"$work/times1"
  cpu1=$(proc_ticks "$server_pid")
  all1=$(machine_ticks)
  kill "$sampler_pid" 2>/dev/null || true
  wait "$sampler_pid" 2>/dev/null || true
  sampler_pid=
  stop_server
  local result
  result=$(grep '^KB_RESULT ' "$work/wrk.out" || true)
  if [ "$wrk_rc" != 0 ] || [ -z "$result" ]; then
    R[$row,notrun]="wrk failed (exit $wrk_rc)"
    echo "bench/serve.sh: $label: wrk failed (exit $wrk_rc):" >&2
    sed 's/^/    /' "$work/wrk.out" >&2
    status=2
    return 0
  fi
  local w_requests=0 w_duration_us=1 w_p50_us=0 w_p90_us=0 w_p99_us=0 w_non2xx=0 w_connect=0 w_read=0 w_write=0
  # w_status is wrk's own count of answers >= 400, a part of non2xx; declared so that the loop sets no global
  # shellcheck disable=SC2034
  local w_timeout=0 w_status=0 kv
  for kv in ${result#KB_RESULT }; do
    [[ $kv =~ ^([a-z0-9_]+)=([0-9]+)$ ]] && printf -v "w_${BASH_REMATCH[1]}" %s "${BASH_REMATCH[2]}"
  done
  local requests=$w_requests non2xx=$w_non2xx connect=$w_connect read=$w_read write=$w_write timeout=$w_timeout
  local sock=$((connect + read + write + timeout))
  R[$row,requests]=$requests
  R[$row,rate]=$(awk -v n="$requests" -v d="$w_duration_us" 'BEGIN { printf "%.1f", n * 1e6 / d }')
  R[$row,p50]=$w_p50_us R[$row,p90]=$w_p90_us R[$row,p99]=$w_p99_us
  R[$row,errors]=$((non2xx + sock))
  if [ "$((non2xx + sock))" -gt 0 ]; then
    R[$row,errtext]="$((non2xx + sock)) ($non2xx not 2xx, $connect connect, $read read, $write write, $timeout timeouts)"
    grep '^KB_FIRST_BAD ' "$work/wrk.out" | sed 's/^KB_FIRST_BAD /bench\/serve.sh: first answer that was not a 2xx: /' >&2 ||
      true
  else
    R[$row,errtext]=0
  fi
  R[$row,cpu_ms]=$(awk -v t="$((cpu1 - cpu0))" -v k="$TICK" -v n="$requests" 'BEGIN { printf "%.1f", n ? t * 1000 / k / n : 0 }')
  R[$row,rss_first]=$(rss_window "$work/rss" 0 "$W")
  R[$row,rss_last]=$(rss_window "$work/rss" "$((DURATION - W))" 1e9)
  local wrk_cpu series
  wrk_cpu=$(awk -v a="$(children_cpu "$work/times0")" -v b="$(children_cpu "$work/times1")" 'BEGIN { print b - a }')
  # the RSS every W seconds (the first sample at or after each mark), to show where it grew and whether it stopped
  series=$(awk -v w="$W" -v d="$DURATION" '{ t[NR] = $1; r[NR] = $2 } END {
      m = 0; out = ""
      for (i = 1; i <= NR && m <= d; i++) if (t[i] >= m) { out = out (out == "" ? "" : ", ") sprintf("%.0f", r[i] / 1024); m += w }
      print out }' "$work/rss")
  notes+=("$(awk -v s="$((cpu1 - cpu0))" -v a="$((all1 - all0))" -v k="$TICK" -v w="$wrk_cpu" -v d="$DURATION" \
    -v c="$CORES" -v l="$label" -v rc="$server_rc" 'BEGIN {
      o = (a - s) / k - w; if (o < 0) o = 0
      printf "%s: server %.1f CPU-s, wrk %.1f CPU-s, everything else %.1f CPU-s, of %d available", l, s / k, w, o, c * d
      printf " (%d cores x %d s); server stopped with exit code %s", c, d, rc }'); RSS MB every $W s: $series")
  [ "$server_rc" = 0 ] || { echo "bench/serve.sh: $label: klarbrev serve exited $server_rc after SIGTERM" >&2; status=2; }
}

# cli_worker K DEADLINE_US OK_RC CMD...: runs CMD (@K@ in it replaced by K) again and again until the deadline;
# writes "latency_us rc end_us" a run to $work/cli-lat.K, the last failed run's stderr to $work/cli-err.K and the
# children's CPU (`times`, its second line) to $work/cli-times.K
cli_worker() {
  local k=$1 deadline=$2 ok=$3 t0 t1 rc
  shift 3
  local -a cmd=("${@//@K@/$k}")
  : >"$work/cli-lat.$k"
  while :; do
    t0=${EPOCHREALTIME//[!0-9]/}
    rc=0
    "${cmd[@]}" >/dev/null 2>"$work/cli-stderr.$k" || rc=$?
    t1=${EPOCHREALTIME//[!0-9]/}
    echo "$((t1 - t0)) $rc $t1" >>"$work/cli-lat.$k"
    [ "$rc" -le "$ok" ] || cp "$work/cli-stderr.$k" "$work/cli-err.$k"
    [ "$t1" -lt "$deadline" ] || break
  done
  times >"$work/cli-times.$k"
}

# cli_row ROW LABEL OK_RC CMD...: CLIENTS workers for CLI_DURATION seconds; a run whose exit code is above OK_RC is
# an error
cli_row() {
  local row=$1 label=$2 ok=$3
  shift 3
  wanted "$row" || return 0
  rows+=("$row")
  R[$row,label]=$label
  echo "bench/serve.sh: $label: ${CLI_DURATION} s ..." >&2
  # one run before, not counted: the spelling's disk cache is filled as a user's is
  "${@//@K@/0}" >/dev/null 2>&1 || true
  local start all0 all1 k
  start=$(now_us)
  all0=$(machine_ticks)
  worker_pids=()
  for k in $(seq "$CLIENTS"); do
    cli_worker "$k" "$((start + CLI_DURATION * 1000000))" "$ok" "$@" &
    worker_pids+=($!)
  done
  for p in "${worker_pids[@]}"; do wait "$p" || true; done
  worker_pids=()
  all1=$(machine_ticks)
  cat "$work"/cli-lat.* >"$work/cli.all" 2>/dev/null || true
  local requests errors end
  requests=$(wc -l <"$work/cli.all")
  if [ "$requests" = 0 ]; then
    R[$row,notrun]="no run finished"
    status=2
    return 0
  fi
  errors=$(awk -v ok="$ok" '$2 > ok' "$work/cli.all" | wc -l)
  end=$(awk '$3 > m { m = $3 } END { print m }' "$work/cli.all")
  R[$row,requests]=$requests
  R[$row,rate]=$(awk -v n="$requests" -v d="$((end - start))" 'BEGIN { printf "%.1f", n * 1e6 / d }')
  sort -n "$work/cli.all" | awk '{ print $1 }' >"$work/cli.lat"
  for p in 50 90 99; do
    R[$row,p$p]=$(awk -v p="$p" -v n="$requests" 'NR == int((p * n + 99) / 100) { print; exit }' "$work/cli.lat")
  done
  R[$row,errors]=$errors
  R[$row,errtext]=$errors
  if [ "$errors" -gt 0 ]; then
    local bad
    bad=$(ls "$work"/cli-err.* 2>/dev/null | head -n 1 || true)
    echo "bench/serve.sh: $label: $errors runs failed; one said:" >&2
    [ -z "$bad" ] || sed 's/^/    /' "$bad" | head -n 5 >&2
  fi
  local cpu
  cpu=$(for f in "$work"/cli-times.*; do children_cpu "$f"; done | awk '{ s += $1 } END { printf "%.2f", s }')
  R[$row,cpu_ms]=$(awk -v s="$cpu" -v n="$requests" 'BEGIN { printf "%.1f", s * 1000 / n }')
  notes+=("$(awk -v s="$cpu" -v a="$((all1 - all0))" -v k="$TICK" -v d="$(((end - start) / 1000000))" -v c="$CORES" \
    -v l="$label" 'BEGIN {
      o = a / k - s; if (o < 0) o = 0
      printf "%s: the klarbrev processes %.1f CPU-s, everything else %.1f CPU-s, of %d available (%d cores x %d s)",
        l, s, o, c * d, c, d }')")
  rm -f "$work"/cli-*
}

# ---- the rows ----
echo "bench/serve.sh: load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
serve_row check-same "serve POST /check, the same $WORDS-word letter each time" same "$work/letter.txt" /check \
  "text/plain; charset=utf-8"
serve_row check-edit "serve POST /check, the $WORDS-word letter with one paragraph changed each time" edit \
  "$work/letter.txt" /check "text/plain; charset=utf-8"
serve_row check-new "serve POST /check, a new $WORDS-word letter each time (every paragraph changed)" new \
  "$work/letter.txt" /check "text/plain; charset=utf-8"
serve_row fill "serve POST /templates/${SAMPLE##*/}/fill, a new case each time (.docx, every check)" lines \
  "$work/cases.jsonl" "/templates/${SAMPLE##*/}/fill" "application/json"
cli_row cli-check "CLI klarbrev check --format json, the same letter, one process a request" 1 \
  "$KLARBREV" check "$work/letter.txt" --format json
cli_row cli-fill "CLI klarbrev fill -o, example.json, one process a request" 0 \
  "$KLARBREV" fill "$SAMPLE" "$SAMPLE/example.json" -o "$work/cli-@K@.docx"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- the table ----
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
yes_no() { if [ "$1" = 1 ]; then echo "met"; else echo "**not met**"; fi; }
targets() { # targets ROW: the targets of a server row, met or not
  local row=$1 out=() f l
  f=${R[$row,rss_first]} l=${R[$row,rss_last]}
  local flat growth
  flat=$(awk -v f="$f" -v l="$l" 'BEGIN { print (f > 0 && l <= f * 1.10) ? 1 : 0 }')
  growth=$(awk -v f="$f" -v l="$l" 'BEGIN { if (f > 0) printf "%+.1f %%", (l - f) * 100 / f }')
  case $row in
    check-*)
      out+=("p50 < 20 ms $(yes_no "$(awk -v u="${R[$row,p50]}" 'BEGIN { print (u < 20000) }')")")
      out+=("p99 < 100 ms $(yes_no "$(awk -v u="${R[$row,p99]}" 'BEGIN { print (u < 100000) }')")")
      ;;
    fill) out+=(">= 200/s $(yes_no "$(awk -v r="${R[$row,rate]}" 'BEGIN { print (r >= 200) }')")") ;;
  esac
  out+=("no error $(yes_no "$([ "${R[$row,errors]}" = 0 ] && echo 1 || echo 0)")")
  out+=("RSS flat ($growth) $(yes_no "$flat")")
  local IFS=';'
  echo "${out[*]}" | sed 's/;/; /g'
}
versus() { # versus ROW CLI_ROW: the server row's requests/s over the CLI row's
  [ -n "${R[$1,rate]:-}" ] && [ -n "${R[$2,rate]:-}" ] || return 0
  awk -v a="${R[$1,rate]}" -v b="${R[$2,rate]}" 'BEGIN { if (b > 0) printf "%.1fx the CLI", a / b }'
}

echo
echo "klarbrev serve --threads 2, $CLIENTS clients, $DURATION s a server row (after $WARMUP s of warm-up), $CLI_DURATION s a CLI row;"
echo "$CORES cores; load average $load_before before, $load_after after; $("$KLARBREV" --version 2>/dev/null | head -n 1)"
echo
echo "| scenario | requests | requests/s | p50 ms | p90 ms | p99 ms | errors | server CPU ms/request | RSS MB first / last ${W} s | targets | vs CLI |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
for row in "${rows[@]}"; do
  if [ -n "${R[$row,notrun]:-}" ]; then
    echo "| ${R[$row,label]} | not run: ${R[$row,notrun]} | | | | | | | | | |"
    continue
  fi
  rss="" tg="" vs=""
  case $row in
    cli-*) ;;
    *)
      rss="$(mb "${R[$row,rss_first]}") / $(mb "${R[$row,rss_last]}")"
      tg=$(targets "$row")
      case $row in check-*) vs=$(versus "$row" cli-check) ;; fill) vs=$(versus "$row" cli-fill) ;; esac
      ;;
  esac
  echo "| ${R[$row,label]} | ${R[$row,requests]} | ${R[$row,rate]} | $(fmt_ms "${R[$row,p50]}") | $(fmt_ms "${R[$row,p90]}") |" \
    "$(fmt_ms "${R[$row,p99]}") | ${R[$row,errtext]} | ${R[$row,cpu_ms]} | $rss | $tg | $vs |"
done
echo
echo "CPU while each row ran:"
printf -- '- %s\n' "${notes[@]}"
exit "$status"
