#!/usr/bin/env bash
# klarbrev-vg.sh -- runs klarbrev under valgrind memcheck; the CLI tests use it as KLARBREV when the build is configured
# with -DKB_VALGRIND=ON (scripts/test.sh --valgrind). It finds what AddressSanitizer does not: reads of uninitialised
# memory (also inside libxml2, libzip, jansson, hunspell and Lua, called by us with memory we did not set) and
# definite leaks in a release (-O2) build.
#
#   KB_VG_KLARBREV   the program (default: build/bin/klarbrev beside this repository)
#   KB_VG_LOGDIR     where each run that found something leaves its valgrind report (default: no copy is kept)
#
# A memory error or a definite leak makes the exit code 99 and the report is printed on stderr after the program's
# own messages (the tests print stderr when a check fails, and the sweep looks for it there). Otherwise the program's
# stdout, stderr and exit code are passed on unchanged. Known noise from the libraries (not our bugs) is suppressed
# in klarbrev.supp, each entry with the reason.
here=$(cd "$(dirname "$0")" && pwd)
prog=${KB_VG_KLARBREV:-$here/../../build/bin/klarbrev}
log=$(mktemp "${TMPDIR:-/tmp}/klarbrev-vg.XXXXXX") || exit 3
valgrind --tool=memcheck --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
  --show-leak-kinds=definite --track-origins=yes --num-callers=30 -q --suppressions="$here/klarbrev.supp" \
  --log-file="$log" "$prog" "$@"
rc=$?
if [ -s "$log" ]; then
  {
    echo "== valgrind: klarbrev $*"
    cat "$log"
  } >&2
  if [ -n "${KB_VG_LOGDIR:-}" ] && mkdir -p "$KB_VG_LOGDIR"; then
    { echo "== valgrind (exit code $rc): klarbrev $*"; echo "== cwd: $PWD"; cat "$log"; } \
      >"$KB_VG_LOGDIR/$(basename "$log").log"
  fi
fi
rm -f "$log"
exit "$rc"
