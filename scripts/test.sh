#!/usr/bin/env bash
# The whole test suite: installs what is needed, builds with -Werror and runs ctest; then builds again with
# AddressSanitizer and UndefinedBehaviorSanitizer and runs ctest there too. This is what CI runs (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh

echo "== build (warnings are errors) and test"
bash scripts/build.sh build
(cd build && ctest --output-on-failure -j "$(nproc)")

echo "== build with AddressSanitizer + UndefinedBehaviorSanitizer and test"
bash scripts/build.sh build-asan -DKB_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
(cd build-asan && ctest --output-on-failure -j "$(nproc)")
