#!/usr/bin/env bash
# What the Lua plugins cost when a letter is checked, whole process, in one run on the same letter:
#   spelling only            klarbrev check letter.txt --no-plugins
#   spelling + plugins       klarbrev check letter.txt               (every bundled plugin in plugins/)
#   + 155 phrases            the same with a config file that adds a replace-list plugin made from
#                            ../shared/reference/kancellisprog.tsv (the declarative rules the core runs itself)
#   spelling + plugins, cold the same with no disk cache of the spelling (KLARBREV_CACHE_DIR empty): the
#                            dictionary is loaded, as on the first run after a change of the word lists
#   plugins only             klarbrev check letter.txt --no-spell (no dictionary: tone.lua's passive rule finds
#                            nothing without its analyses)
#   neither                  klarbrev check letter.txt --no-spell --no-plugins (start, read, report)
# and then each bundled plugin alone (--no-spell, a data folder with only that plugin), to see which one costs.
# Each is run $REPS times (default 7), round robin; the table shows the fastest, the median and the mean in milliseconds, and the
# plugins' share: median(spelling + plugins) - median(spelling only). Whole process: start, loading the dictionary
# and the plugins, reading the letter, the checks, the report.
#
#   bench/plugins.sh                      # uses build/bin/klarbrev (bash scripts/build.sh makes it)
#   KLARBREV=build-x/bin/klarbrev REPS=11 bench/plugins.sh
#
# The letter: the first paragraphs of ../shared/corpus/admin/*.txt (real administrative Danish), one a line, until
# it has 1,000 words or more; a .txt letter is one paragraph per line, as `klarbrev check` reads it.
set -euo pipefail
cd "$(dirname "$0")/.."
KLARBREV=${KLARBREV:-build/bin/klarbrev}
SHARED=${KLARBREV_SHARED:-../shared}
REPS=${REPS:-7}
[ -x "$KLARBREV" ] || { echo "bench/plugins.sh: no klarbrev at $KLARBREV; run: bash scripts/build.sh" >&2; exit 2; }
[ -d "$SHARED/corpus/admin" ] || { echo "bench/plugins.sh: no corpus at $SHARED/corpus/admin" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/klarbrev-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
# the spelling's disk cache of this run only (warmed by the first check below), not the user's
export KLARBREV_CACHE_DIR=$work/cache

# the letter: non-blank lines of the corpus until 1,000 words
# awk reads the files itself: with "cat | awk '... exit'", cat's SIGPIPE under pipefail ended the script silently
awk 'NF && n < 1000 { print; n += NF }' "$SHARED"/corpus/admin/*.txt >"$work/letter.txt"
words=$(wc -w <"$work/letter.txt")
paras=$(wc -l <"$work/letter.txt")

# a declarative plugin from the reference list of stiff phrases (word<TAB>suggestion; "a; b" are two suggestions)
mkdir -p "$work/regler"
{
  echo 'return {'
  echo '  id = "kancellisprog-bench",'
  echo '  replace = {'
  tail -n +2 "$SHARED/reference/kancellisprog.tsv" | awk -F'\t' '
    function q(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); return "\"" s "\"" }
    $1 != "" && $2 != "" && $1 !~ /…/ && !seen[tolower($1)]++ {
      n = split($2, parts, /; */); list = ""
      for (i = 1; i <= n; i++) { s = parts[i]; sub(/ *\[.*$/, "", s); if (s != "") list = list (list == "" ? "" : ", ") q(s) }
      if (list != "") printf "    [%s] = { %s },\n", q($1), list
    }'
  echo '  },'
  echo '  examples = { ok = { "Hvis du vil." }, bad = { "[[Såfremt]] du vil." } },'
  echo '}'
} >"$work/regler/kancellisprog-bench.lua"
printf '[klarbrev]\nplugin_folder = regler\n' >"$work/bench.ini"
nphrases=$(grep -c '^    \[' "$work/regler/kancellisprog-bench.lua")
if ! "$KLARBREV" plugin test "$work/regler/kancellisprog-bench.lua" >/dev/null 2>"$work/err"; then
  echo "bench/plugins.sh: the phrase plugin made from kancellisprog.tsv does not load:" >&2
  cat "$work/err" >&2
  exit 2
fi

# time_ms CMD...: the wall-clock time of one run of CMD in milliseconds (exit codes 0 and 1 are both a check)
time_ms() {
  local t0 t1
  t0=$(date +%s%N)
  "$@" >/dev/null 2>&1 || [ $? -eq 1 ]
  t1=$(date +%s%N)
  echo $(((t1 - t0) / 1000000))
}

# stats: min median mean of the numbers on standard input
stats() { sort -n | awk '{ v[NR] = $1; s += $1 } END { printf "%d %d %.0f\n", v[1], v[int((NR + 1) / 2)], s / NR }'; }

"$KLARBREV" check "$work/letter.txt" >/dev/null 2>&1 || true # warm the file cache
nplugins=$("$KLARBREV" plugin list 2>/dev/null | grep -c '^  fil:' || true)

keys=(spell both cold phrases plugins none)
declare -A label cmd
label[spell]="spelling only (--no-plugins)"
label[both]="spelling + bundled plugins"
label[cold]="spelling + bundled plugins, no disk cache"
label[phrases]="spelling + bundled plugins + $nphrases phrases"
label[plugins]="plugins only (--no-spell)"
label[none]="neither (start, read the letter, report)"
cmd[spell]="--no-plugins"
cmd[both]=""
cmd[cold]=""
cmd[phrases]="--config $work/bench.ini"
cmd[plugins]="--no-spell"
cmd[none]="--no-spell --no-plugins"
# round robin: each repetition runs every variant once, so a busy machine slows them all alike
for _ in $(seq "$REPS"); do
  for k in "${keys[@]}"; do
    cache=$work/cache
    [ "$k" = cold ] && cache=""
    # shellcheck disable=SC2086 # the options are words
    KLARBREV_CACHE_DIR=$cache time_ms "$KLARBREV" check "$work/letter.txt" ${cmd[$k]} >>"$work/$k.ms"
  done
done

echo "Letter: $words words, $paras paragraphs (../shared/corpus/admin). Bundled plugins: $nplugins. $REPS runs each."
echo
echo "| check | fastest ms | median ms | mean ms |"
echo "| --- | --- | --- | --- |"
declare -A med
for k in "${keys[@]}"; do
  read -r lo md mean < <(stats <"$work/$k.ms")
  med[$k]=$md
  echo "| ${label[$k]} | $lo | $md | $mean |"
done

# each bundled plugin alone: a data folder with the project's word lists and that one plugin, --no-spell (which
# loads no dictionary: klarbrev.analyze gives nothing, so tone.lua's passive rule costs less here than with spelling)
data_dir=$("$KLARBREV" plugin list 2>/dev/null | awk '!f && /^  fil:/ { print $2; f = 1 }' | sed 's|/plugins/[^/]*$||')
if [ -n "$data_dir" ] && [ -d "$data_dir/plugins" ]; then
  echo
  echo "| one bundled plugin alone (--no-spell) | fastest ms | median ms |"
  echo "| --- | --- | --- |"
  for f in "$data_dir"/plugins/*.lua; do
    one="$work/one-$(basename "$f" .lua)"
    mkdir -p "$one/plugins"
    [ -d "$data_dir/dictionaries" ] && cp -r "$data_dir/dictionaries" "$one/"
    cp "$f" "$one/plugins/"
    [ -d "$data_dir/plugins/lib" ] && cp -r "$data_dir/plugins/lib" "$one/plugins/"
    for _ in $(seq "$REPS"); do
      time_ms "$KLARBREV" check "$work/letter.txt" --no-spell --data-dir "$one" >>"$one.ms"
    done
    read -r lo md _ < <(stats <"$one.ms")
    echo "| $(basename "$f") | $lo | $md |"
  done
fi
echo
echo "Plugins add $((med[both] - med[spell])) ms to spelling alone (median), the $nphrases-phrase list another $((med[phrases] - med[both])) ms."
