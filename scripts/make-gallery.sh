#!/usr/bin/env bash
# Makes the template library's page, docs/skabeloner.md, and its pictures, docs/skabeloner/<id>-<example>.png: for
# each template of templates/ (a folder with letter.docx; not partials/) and each of its example cases (example.json,
# examples/*.json), klarbrev fills and checks the letter, LibreOffice makes the PDF (fill --pdf) and pdftoppm draws
# page 1 small. The page is written from the manifests (title, kind, outcomes, law, appeal, sources, fields) and the
# LIX of each filled example, in Danish for the communication staff who keep the templates.
#
# A maintainer step: run it after a template or its examples change, and commit docs/skabeloner.md and
# docs/skabeloner/. tests/cli/test_gallery.sh checks that the page lists every template and example (no PDF there).
# Needs build/bin/klarbrev (scripts/build.sh), soffice (libreoffice-writer-nogui) and pdftoppm (poppler-utils).
#   scripts/make-gallery.sh
set -euo pipefail
cd "$(dirname "$0")/.."
KLARBREV=${KLARBREV:-build/bin/klarbrev}
[ -x "$KLARBREV" ] || {
  echo "make-gallery: $KLARBREV is missing; build it first: bash scripts/build.sh" >&2
  exit 2
}
for tool in soffice pdftoppm; do
  command -v "$tool" >/dev/null 2>&1 || {
    echo "make-gallery: $tool is missing; run scripts/install-deps.sh (pdftoppm is in poppler-utils)" >&2
    exit 2
  }
done
work=$(mktemp -d "${TMPDIR:-/tmp}/klarbrev-gallery.XXXXXX")
trap 'rm -rf "$work"' EXIT
python3 scripts/make-gallery.py "$KLARBREV" templates docs "$work"
