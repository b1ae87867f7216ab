#!/usr/bin/env bash
# Quick start: installs what klarbrev needs, builds it, and fills the sample decision letter from its example case.
# The checked letter is written to out/afslag-kontanthjaelp.docx and the check's report is printed.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh build
mkdir -p out
build/bin/klarbrev fill templates/afslag-kontanthjaelp templates/afslag-kontanthjaelp/example.json \
  -o out/afslag-kontanthjaelp.docx
