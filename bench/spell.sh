#!/usr/bin/env bash
# Spelling speed, side by side in one run on the same text: klarbrev's spelling (`klarbrev spell --list`, the whole
# process: start, loading da_DK and the word lists, reading and tokenizing the text, the skipping rules, looking up
# each word) against `hunspell -d da_DK -l`, the tool people use today. Both list the unknown words without
# suggestions. Words per second = whitespace-separated words of the text (wc -w) / wall-clock seconds, best of
# $REPS runs.
#
#   bench/spell.sh                 # uses build/bin/klarbrev (bash scripts/build.sh makes it)
#   KLARBREV=build-x/bin/klarbrev REPS=5 bench/spell.sh
#
# The texts: the administrative corpus once (../shared/corpus/admin, about 4 000 words: a few letters), the same 5 and
# 50 times over (20 000 and 200 000 words: a batch of letters, which repeat their words, as letters from one template
# do), and a newspaper text (../shared/corpus/ddt, 9 000 words of general Danish with many names). Both tools spend
# the same ~0.12 s loading da_DK (and klarbrev reads its word lists too), so on the shortest text that start-up is a
# large part of both times; the "start-up" line measures it with a one-word text. Also shown: klarbrev
# with its per-word cache switched off (--no-cache), and klarbrev with suggestions for every unknown word (what
# `klarbrev check` does; suggestions cost about 0.1 s per distinct unknown word).
set -euo pipefail
cd "$(dirname "$0")/.."
KLARBREV=${KLARBREV:-build/bin/klarbrev}
SHARED=${KLARBREV_SHARED:-../shared}
REPS=${REPS:-3}
[ -x "$KLARBREV" ] || { echo "bench/spell.sh: no klarbrev at $KLARBREV; run: bash scripts/build.sh" >&2; exit 2; }
command -v hunspell >/dev/null || { echo "bench/spell.sh: hunspell is missing; run scripts/install-deps.sh" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/klarbrev-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
# no disk cache of answers: both tools load the dictionary and look every word up, as they compare here (the
# start-up line at the end shows klarbrev with the cache as well)
export KLARBREV_CACHE_DIR=
cat "$SHARED"/corpus/admin/*.txt >"$work/admin1.txt"
for _ in $(seq 5); do cat "$work/admin1.txt"; done >"$work/admin5.txt"
for _ in $(seq 50); do cat "$work/admin1.txt"; done >"$work/admin50.txt"
echo "kontanthjælp" >"$work/one.txt"
cp "$SHARED/corpus/ddt/da_ddt-dev.txt" "$work/ddt.txt"

# best_ms FILE CMD...: the fastest of $REPS runs of CMD < FILE, in milliseconds (output discarded)
best_ms() {
  local file=$1 best="" t0 t1 ms
  shift
  for _ in $(seq "$REPS"); do
    t0=$(date +%s%N)
    "$@" <"$file" >/dev/null 2>&1 || [ $? -eq 1 ]   # exit code 1: unknown words found
    t1=$(date +%s%N)
    ms=$(((t1 - t0) / 1000000))
    if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
  done
  echo "$best"
}

wps() { awk -v w="$1" -v ms="$2" 'BEGIN { printf "%.0f", (ms > 0 ? w * 1000 / ms : 0) }'; }

echo "| text | words | hunspell -l | klarbrev spell --list | speed-up | --list --no-cache | with suggestions |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
for t in admin1 admin5 admin50 ddt; do
  f="$work/$t.txt"
  words=$(wc -w <"$f")
  h=$(best_ms "$f" hunspell -d da_DK -l)
  k=$(best_ms "$f" "$KLARBREV" spell --list)
  n=$(best_ms "$f" "$KLARBREV" spell --list --no-cache)
  s=$(best_ms "$f" "$KLARBREV" spell)
  hw=$(wps "$words" "$h")
  kw=$(wps "$words" "$k")
  x=$(awk -v a="$kw" -v b="$hw" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }')
  case $t in
    admin1) name="admin corpus ×1" ;;
    admin5) name="admin corpus ×5" ;;
    admin50) name="admin corpus ×50" ;;
    ddt) name="newspaper (DDT dev)" ;;
  esac
  printf '| %s | %d | %s w/s (%d ms) | %s w/s (%d ms) | %s× | %s w/s (%d ms) | %s w/s (%d ms) |\n' \
    "$name" "$words" "$hw" "$h" "$kw" "$k" "$x" "$(wps "$words" "$n")" "$n" "$(wps "$words" "$s")" "$s"
done
echo
KLARBREV_CACHE_DIR=$work/cache "$KLARBREV" spell --list <"$work/one.txt" >/dev/null 2>&1 || true
echo "Start-up (a one-word text): hunspell -l $(best_ms "$work/one.txt" hunspell -d da_DK -l) ms," \
  "klarbrev spell --list $(best_ms "$work/one.txt" "$KLARBREV" spell --list) ms," \
  "with the word in its disk cache $(KLARBREV_CACHE_DIR=$work/cache best_ms "$work/one.txt" "$KLARBREV" spell --list) ms."
echo "klarbrev: $("$KLARBREV" --version); hunspell: $(hunspell -v | head -n 1); $(nproc) CPUs; best of $REPS runs."
