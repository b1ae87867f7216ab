#!/usr/bin/env bash
# Configures and builds klarbrev into a build folder (default: build). Extra arguments go to cmake's configure step.
#   scripts/build.sh                      # build/
#   scripts/build.sh build-asan -DKB_SANITIZE=ON
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build}
shift || true
cmake -S . -B "$dir" -DKB_WERROR=ON "$@" >/dev/null
cmake --build "$dir" -j "$(nproc)" -- --no-print-directory >/dev/null
