#!/usr/bin/env bash
# A sweep over real Word files: every .docx in ../shared/corpus/docx-wild (Word files from other projects, see
# SOURCES.tsv there), ../shared/fixtures (docxtemplater's templates), tests/data and one template made by
# make_list_loops.py (nested loops over numbered lists) goes through every command that
# reads a .docx -- text, inspect, check (JSON and --annotate), template lint and template fields (both delimiter
# styles), and fill with a case made from the fields (both delimiter styles). For each command:
#   - the exit code is 0, 1 or 2 (never a crash, a timeout or 3+), and stderr has no sanitizer or valgrind report;
#   - exit code 2 comes with a message on stderr and leaves nothing at the output path (no partial output);
#   - JSON output (check --format json, template fields) is JSON;
#   - every .docx written opens again with `klarbrev text` and passes tests/cli/check_docx.py (well-formed UTF-8
#     XML, every namespace prefix declared, every internal relationship target present, [Content_Types].xml
#     covering every part), counting only problems the input did not already have.
# One line per failure ("FAIL: FILE: COMMAND: what"), then "N passed, N failed" (files). Files run in parallel
# (KB_SWEEP_JOBS, default nproc); KB_SWEEP_TIMEOUT is the time limit of one command (default 300 s);
# KB_SWEEP_FILES (a grep -E pattern) picks some files only, e.g. KB_SWEEP_FILES=docxtemplater.
set -u

# ---- one file (run by xargs below): bash test_sweep.sh --one FILE WORKDIR RESULTFILE ----
if [ "${1:-}" = "--one" ]; then
  F=$2 W=$3 R=$4
  HERE=$(dirname "$0")
  : "${KLARBREV:?}" "${KB_SHARED:?}" "${KB_SRC:?}" "${KB_PY:?}"
  limit=${KB_SWEEP_TIMEOUT:-300}
  name=${F#"$KB_SHARED"/}
  name=${name#"$KB_SRC"/}
  name=${name/#"${KB_SWEEP_GEN:-/nowhere}"/generated}
  mkdir -p "$W"
  : >"$R"
  nfail=0
  ncmd=0
  bad() {
    nfail=$((nfail + 1))
    {
      echo "FAIL: $name: $1: $2"
      if [ -s "$W/err" ]; then grep -v '^$' "$W/err" | head -n 12 | sed 's/^/    stderr: /'; fi
    } >>"$R"
  }
  sanitizer_report() {
    grep -E -m1 'ERROR: AddressSanitizer|runtime error:|LeakSanitizer|ERROR: [A-Za-z]+Sanitizer|^== valgrind: |==[0-9]+== (Invalid|Conditional|Use of uninit|Syscall param|Mismatched)' "$W/err"
  }
  # kb LABEL OUTPUT_OR_- ARGS...: runs klarbrev ARGS, stdout in $W/out, stderr in $W/err, exit code in $rc.
  # Returns 0 when the command behaved (the caller may then look at the output), 1 when a failure was recorded.
  kb() {
    local label=$1 out=$2
    shift 2
    ncmd=$((ncmd + 1))
    [ "$out" = - ] || rm -f "$out"
    timeout -k 10 "$limit" "$KLARBREV" "$@" >"$W/out" 2>"$W/err" </dev/null
    rc=$?
    local s
    if s=$(sanitizer_report); then bad "$label" "memory error report on stderr (exit code $rc): $s"; return 1; fi
    case $rc in
      0 | 1 | 2) ;;
      124 | 137) bad "$label" "no answer within ${limit} s (timeout)"; return 1 ;;
      *) if [ "$rc" -gt 128 ]; then bad "$label" "killed by signal $((rc - 128)) (exit code $rc)"
         else bad "$label" "exit code $rc (want 0, 1 or 2)"; fi
         return 1 ;;
    esac
    if [ "$rc" -eq 2 ] && ! grep -q '[^[:space:]]' "$W/err"; then bad "$label" "exit code 2 with nothing on stderr"; return 1; fi
    if [ "$out" != - ]; then
      if [ "$rc" -eq 2 ] && [ -e "$out" ]; then bad "$label" "exit code 2, but $(basename "$out") was written"; return 1; fi
      if [ "$rc" -ne 2 ] && [ ! -e "$out" ]; then bad "$label" "exit code $rc, but $(basename "$out") was not written"; return 1; fi
    fi
    return 0
  }
  # json_ok LABEL: stdout of the last command is JSON
  json_ok() {
    if ! "$KB_PY" -c 'import json,sys; json.load(open(sys.argv[1], encoding="utf-8"))' "$W/out" 2>"$W/err"; then
      bad "$1" "stdout is not JSON"
    fi
  }
  # written LABEL OUT: a .docx klarbrev wrote opens again and is structurally sound
  written() {
    [ -e "$2" ] || return 0
    local label=$1 out=$2
    if kb "$label, then text --all on the result" - text "$out" --all && [ "$rc" -ne 0 ]; then
      bad "$label, then text --all on the result" "the written .docx does not open again (exit code $rc)"
    fi
    if ! "$KB_PY" "$HERE/check_docx.py" "$out" --baseline "$F" >"$W/check" 2>&1; then
      : >"$W/err"
      bad "$label" "the written .docx is broken: $(head -n 5 "$W/check" | tr '\t\n' ' ;')"
    fi
  }

  kb "text --all" - text "$F" --all
  kb "inspect" - inspect "$F"
  kb "check --format json" - check "$F" --format json && [ "$rc" -ne 2 ] && json_ok "check --format json"
  kb "check --annotate" "$W/annotated.docx" check "$F" --annotate "$W/annotated.docx" &&
    written "check --annotate" "$W/annotated.docx"
  kb "template lint" - template lint "$F"
  kb 'template lint --delimiters "{ }"' - template lint "$F" --delimiters "{ }"
  for style in mustache braces; do
    if [ $style = mustache ]; then d=() ds=""; else d=(--delimiters "{ }") ds=' --delimiters "{ }"'; fi
    echo '{}' >"$W/case-$style.json"
    if kb "template fields$ds" - template fields "$F" "${d[@]}" && [ "$rc" -eq 0 ]; then
      json_ok "template fields$ds"
      "$KB_PY" "$HERE/make_case.py" <"$W/out" >"$W/case-$style.json" 2>"$W/err" ||
        { bad "template fields$ds" "make_case.py could not read the skeleton"; echo '{}' >"$W/case-$style.json"; }
    fi
    kb "fill --force$ds" "$W/filled-$style.docx" fill "$F" "$W/case-$style.json" -o "$W/filled-$style.docx" \
      --force "${d[@]}" && written "fill --force$ds" "$W/filled-$style.docx"
  done
  echo "COMMANDS $ncmd $nfail" >>"$R"
  rm -rf "$W"
  exit 0
fi

# ---- the sweep ----
. "$(dirname "$0")/lib.sh"
# the interpreter itself, not a version manager's shim (pyenv's costs a second a call on a busy machine)
if ! KB_PY=$(python3 -c 'import sys; print(sys.executable)') || [ -z "$KB_PY" ]; then
  fail "python3 is needed for the sweep's checker"
  finish
  exit
fi
export KB_PY
started=$(date +%s)
# under valgrind (KB_VALGRIND, scripts/test.sh --valgrind) every run takes some 20 times longer: a sample then, the
# docxtemplater templates (the template engine's hard cases), the test documents and a few Word files from elsewhere
if [ -n "${KB_VALGRIND:-}" ] && [ -z "${KB_SWEEP_FILES:-}" ]; then
  KB_SWEEP_FILES='fixtures/docxtemplater/[^/]*[.]docx$|tests/data/|/generated/|docx-wild/(mj__comments|mj__footnotes|mj__text-box|mj__strict-format|pd__hdr-header-footer|pd__tbl-having-tables)[.]docx$'
  echo "sweep: under valgrind, only the files that match $KB_SWEEP_FILES"
fi
# and a template made here: three nested loops over numbered-list paragraphs (make_list_loops.py; docxtemplater's
# tag-product-loop.docx, which once made klarbrev write a corrupt letter, is not among the fixtures)
export KB_SWEEP_GEN=$T/generated
mkdir -p "$KB_SWEEP_GEN"
"$KB_PY" "$(dirname "$0")/make_list_loops.py" "$KB_SWEEP_GEN/product-loop.docx" || fail "make_list_loops.py"
{
  find "$KB_SHARED/corpus/docx-wild" "$KB_SHARED/fixtures" "$KB_SRC/tests/data" "$KB_SWEEP_GEN" -type f \
    -name '*.docx' -print 2>/dev/null
} | LC_ALL=C sort | grep -E -- "${KB_SWEEP_FILES:-.}" >"$T/files"
nfiles=$(wc -l <"$T/files")
if [ "$nfiles" -eq 0 ]; then fail "no .docx to sweep"; finish; exit; fi
# the corpus, the fixtures and the test documents must all be there, or the sweep sweeps less than it says
for dir in "$KB_SHARED/corpus/docx-wild" "$KB_SHARED/fixtures" "$KB_SRC/tests/data"; do
  if [ -z "${KB_SWEEP_FILES:-}" ] && ! grep -qF "$dir/" "$T/files"; then fail "no .docx in $dir"; fi
done
mkdir -p "$T/res" "$T/work"
i=0
while IFS= read -r f; do
  i=$((i + 1))
  printf '%s\0%s\0%s\0' "$f" "$T/work/$i" "$T/res/$i"
done <"$T/files" | xargs -0 -n 3 -P "${KB_SWEEP_JOBS:-$(nproc)}" bash "$0" --one
files_ok=0
files_bad=0
cmds=0
cmds_bad=0
for i in $(seq 1 "$nfiles"); do
  r=$T/res/$i
  f=$(sed -n "${i}p" "$T/files")
  if [ ! -f "$r" ] || ! grep -q '^COMMANDS ' "$r"; then
    files_bad=$((files_bad + 1))
    f=${f#"$KB_SHARED"/}
    f=${f/#"$KB_SWEEP_GEN"/generated}
    echo "FAIL: ${f#"$KB_SRC"/}: the sweep of this file did not finish"
    continue
  fi
  read -r _ n nf < <(grep '^COMMANDS ' "$r")
  cmds=$((cmds + n))
  cmds_bad=$((cmds_bad + nf))
  if [ "$nf" -eq 0 ]; then files_ok=$((files_ok + 1)); else files_bad=$((files_bad + 1)); grep -v '^COMMANDS ' "$r"; fi
done
echo "sweep: $nfiles files, $cmds commands, $cmds_bad failed, $(($(date +%s) - started)) s"
kb_passed=$((kb_passed + files_ok))
kb_failed=$((kb_failed + files_bad))
finish
