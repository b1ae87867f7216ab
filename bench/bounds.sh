#!/usr/bin/env bash
# Bounded time on any input (issue 11): what `klarbrev check` costs on three 1 MB letters, whole process with every
# bundled plugin, against `hunspell -l -d da_DK` on the same text (the tool people use today, as in bench/spell.sh):
#   random    made-up words of 2-10 letters in sentences and paragraphs (nothing a dictionary knows)
#   english   English prose: the licence texts in /usr/share/common-licenses and README/copyright files under
#             /usr/share/doc, paragraphs joined into lines
#   danish    ../shared/corpus/admin and ../shared/corpus/ddt, over and over
# Each is cut to 1 MB at a line end; a .txt letter is one paragraph per line. Columns: klarbrev check (all of it),
# check --no-plugins (spelling alone), check --no-spell (plugins alone), --no-spell --no-plugins (reading, the text
# model, the report), hunspell -l. Wall-clock seconds, best of $REPS runs, and the CPU seconds (user + system) of
# that run in brackets, because on a busy machine the wall clock waits for other work.
#
#   bash bench/bounds.sh                 # builds build/ if needed (bash scripts/build.sh)
#   KLARBREV=build-x/bin/klarbrev REPS=3 bash bench/bounds.sh
set -euo pipefail
cd "$(dirname "$0")/.."
KLARBREV=${KLARBREV:-build/bin/klarbrev}
SHARED=${KLARBREV_SHARED:-../shared}
REPS=${REPS:-1}
if [ ! -x "$KLARBREV" ] && [ "$KLARBREV" = build/bin/klarbrev ]; then bash scripts/build.sh build; fi
[ -x "$KLARBREV" ] || { echo "bench/bounds.sh: no klarbrev at $KLARBREV; run: bash scripts/build.sh" >&2; exit 2; }
command -v hunspell >/dev/null || { echo "bench/bounds.sh: hunspell is missing; run scripts/install-deps.sh" >&2; exit 2; }
[ -d "$SHARED/corpus/admin" ] || { echo "bench/bounds.sh: no corpus at $SHARED/corpus/admin" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/klarbrev-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
MB=$((1024 * 1024))

# cut_mb: standard input cut to 1 MB at the last whole line (what comes after is read and dropped, so the writer
# never dies of a broken pipe)
cut_mb() { { head -c "$MB"; cat >/dev/null; } | sed '$d'; }

awk -v size="$MB" 'BEGIN {
  srand(1); split("a b c d e f g h i j k l m n o p q r s t u v w x y z æ ø å", L, " ")
  n = 0
  while (n < size + 4096) {
    line = ""
    for (s = 0; s < 5; s++) {
      k = 5 + int(rand() * 21)
      for (i = 0; i < k; i++) {
        w = ""; m = 2 + int(rand() * 9)
        for (j = 0; j < m; j++) w = w L[1 + int(rand() * 29)]
        if (i == 0) w = toupper(substr(w, 1, 1)) substr(w, 2)
        line = line w (i == k - 1 ? ". " : " ")
      }
    }
    print line; n += length(line) + 1
  }
}' | cut_mb >"$work/random.txt"
{
  cat /usr/share/common-licenses/* 2>/dev/null || true
  find /usr/share/doc -maxdepth 2 -type f \( -name 'README*' -o -name copyright -o -name '*.txt' \) ! -name '*.gz' \
    -print0 2>/dev/null | sort -z | xargs -0 cat 2>/dev/null || true
} | awk 'NF { printf "%s%s", (p ? " " : ""), $0; p += length($0); if (p > 1500) { print ""; p = 0 } next }
         { if (p) print ""; p = 0 } END { if (p) print "" }' | cut_mb >"$work/english.txt"
for _ in $(seq 20); do cat "$SHARED"/corpus/admin/*.txt "$SHARED"/corpus/ddt/*.txt; done | cut_mb >"$work/danish.txt"

# best FILE CMD...: "wall (cpu)" seconds of the fastest of $REPS runs of CMD FILE (CMD < FILE for hunspell)
best() {
  local file=$1 bw="" bc="" t0 t1 c0 c1 w c me=$BASHPID
  shift
  for _ in $(seq "$REPS"); do
    c0=$(awk '{ print $14 + $15 + $16 + $17 }' /proc/$me/stat)
    t0=$(date +%s%N)
    if [ "$1" = hunspell ]; then "$@" <"$file" >/dev/null 2>&1 || true; else "$@" "$file" >/dev/null 2>&1 || true; fi
    t1=$(date +%s%N)
    c1=$(awk '{ print $14 + $15 + $16 + $17 }' /proc/$me/stat)
    w=$(((t1 - t0) / 1000000))
    c=$(((c1 - c0) * 1000 / $(getconf CLK_TCK)))
    if [ -z "$bw" ] || [ "$w" -lt "$bw" ]; then bw=$w; bc=$c; fi
  done
  awk -v w="$bw" -v c="$bc" 'BEGIN { printf "%.2f (%.2f)", w / 1000, c / 1000 }'
}

echo "| 1 MB text | words | check | --no-plugins | --no-spell | neither | hunspell -l -d da_DK |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
for t in random english danish; do
  f="$work/$t.txt"
  printf '| %s | %d | %s | %s | %s | %s | %s |\n' "$t" "$(wc -w <"$f")" \
    "$(best "$f" "$KLARBREV" check)" "$(best "$f" "$KLARBREV" check --no-plugins)" \
    "$(best "$f" "$KLARBREV" check --no-spell)" "$(best "$f" "$KLARBREV" check --no-spell --no-plugins)" \
    "$(best "$f" hunspell -l -d da_DK)"
done
echo
for t in random english danish; do
  echo "$t: $("$KLARBREV" check "$work/$t.txt" 2>/dev/null | tail -n 1 || true);" \
    "$("$KLARBREV" check "$work/$t.txt" 2>/dev/null | grep -c '^FEJL \[plugin' || true) plugin(s) stopped by a limit"
done
echo "klarbrev: $("$KLARBREV" --version); hunspell: $(hunspell -v | head -n 1); $(nproc) CPUs;" \
  "load $(cut -d' ' -f1-3 /proc/loadavg); best of $REPS."
