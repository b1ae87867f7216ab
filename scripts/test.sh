#!/usr/bin/env bash
# The whole test suite: installs what is needed, builds with -Werror and runs ctest; then builds again with
# AddressSanitizer and UndefinedBehaviorSanitizer and runs ctest there too. This is what CI runs (.ci/run).
#   scripts/test.sh --valgrind   instead: the command-line tests once with klarbrev under valgrind memcheck
#                                (build-valgrind/, tests/valgrind/); it finds uninitialised reads that ASan does not
set -euo pipefail
cd "$(dirname "$0")/.."

# ---- arguments ----
valgrind=0
for arg in "$@"; do
  case $arg in
    --valgrind) valgrind=1 ;;
    -h | --help) sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "scripts/test.sh: unknown argument \"$arg\" (scripts/test.sh [--valgrind])" >&2; exit 2 ;;
  esac
done
bash scripts/install-deps.sh

# ---- --valgrind: a release build of its own (build-valgrind/, or KB_VG_BUILD) whose CLI tests run klarbrev through
# tests/valgrind/klarbrev-vg.sh. A memory error or a definite leak fails the test that ran it; every report is also
# kept in valgrind-logs/ of that build folder and printed at the end. The LibreOffice tests are left out (KB_VG_SKIP,
# a ctest -E pattern): valgrind follows klarbrev only, not soffice, and they take minutes even without it.
# test_sweep takes a sample of its files there.
if [ "$valgrind" = 1 ]; then
  if ! command -v valgrind >/dev/null; then
    echo "scripts/test.sh --valgrind: valgrind is not installed (apt-get install valgrind)" >&2
    exit 2
  fi
  vg_dir=${KB_VG_BUILD:-build-valgrind}
  echo "== build ($vg_dir/) and run the command-line tests with klarbrev under valgrind memcheck"
  bash scripts/build.sh "$vg_dir" -DKB_VALGRIND=ON
  rm -rf "$vg_dir/valgrind-logs"
  vg_start=$(date +%s)
  vg_status=0
  (cd "$vg_dir" && ctest -L '^cli$' -E "${KB_VG_SKIP:-^cli/test_(pdf|libreoffice)\$}" --output-on-failure \
    -j "$(nproc)") || vg_status=$?
  vg_reports=$(find "$vg_dir/valgrind-logs" -name '*.log' 2>/dev/null | wc -l)
  for f in "$vg_dir"/valgrind-logs/*.log; do if [ -e "$f" ]; then cat "$f"; fi; done
  echo "== valgrind: $vg_reports runs of klarbrev with a report, ctest exit code $vg_status, $(($(date +%s) - vg_start)) s"
  if [ "$vg_status" -ne 0 ] || [ "$vg_reports" -ne 0 ]; then exit 1; fi
  exit 0
fi

echo "== build (warnings are errors) and test"
bash scripts/build.sh build
(cd build && ctest --output-on-failure -j "$(nproc)")

echo "== build with AddressSanitizer + UndefinedBehaviorSanitizer and test"
bash scripts/build.sh build-asan -DKB_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
(cd build-asan && ctest --output-on-failure -j "$(nproc)")

# ---- fuzzing (docs/fuzzing.md): every libFuzzer target for a short while (clang, build-fuzz/); a crash fails the
# run and its input's path is printed. KB_FUZZ_SECONDS=0 skips this step.
fuzz_seconds=${KB_FUZZ_SECONDS:-20}
if [ "$fuzz_seconds" -gt 0 ]; then
  echo "== fuzz every target for ${fuzz_seconds}s (libFuzzer + AddressSanitizer + UBSan)"
  ASAN_OPTIONS="" UBSAN_OPTIONS="" bash scripts/fuzz.sh all "$fuzz_seconds"
fi
