#!/usr/bin/env bash
# Regenerates the screenshots in docs/img/ that docs/word.md shows: annotated letters as LibreOffice renders them.
#   docs/img/tjek-side-1.png, -2.png    what KlarbrevTjek opens (klarbrev check --annotate) for a letter filled from
#                                       the sample template and edited by hand, with the comments shown on the page
#   docs/img/udkast-side-1.png, -2.png  what KlarbrevNytBrev opens when the checks stop a letter (klarbrev fill
#                                       --draft): a misspelled word in the case and an error about the whole letter
# (page 1 whole, and the top of page 2, where the comments are listed)
# The letters are annotated by klarbrev (build/bin/klarbrev, or $KLARBREV), then scripts/make-doc-images.py marks
# each comment on the page (LibreOffice without a window cannot print comments in the margin), LibreOffice makes a
# PDF, and pdftoppm the PNG pages (60 dpi, so the files stay small).
#
# A maintainer step: the PNGs are committed. Needs soffice, pdftoppm (poppler-utils) and /usr/bin/python3 with uno.
#   scripts/make-doc-images.sh
set -euo pipefail
cd "$(dirname "$0")/.."
klarbrev=${KLARBREV:-build/bin/klarbrev}
[ -x "$klarbrev" ] || { echo "make-doc-images: $klarbrev is not built; run scripts/build.sh" >&2; exit 2; }
command -v soffice >/dev/null 2>&1 || { echo "make-doc-images: soffice is missing; run scripts/install-deps.sh" >&2; exit 2; }
command -v pdftoppm >/dev/null 2>&1 || { echo "make-doc-images: pdftoppm is missing; run scripts/install-deps.sh" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/klarbrev-images.XXXXXX")
trap 'rm -rf "$work"' EXIT
export SOURCE_DATE_EPOCH=1777881600 # the comments' date: 2026-05-04
export KLARBREV_DATA=$PWD KLARBREV_CONFIG=

# render ANNOTATED.docx NAME: docs/img/NAME-side-1.png (the first page) and NAME-side-2.png (the top of the second,
# where the comments are listed)
render() {
  /usr/bin/python3 scripts/make-doc-images.py "$1" "$work/$2.odt" --profile "$work/profile"
  timeout 180 soffice --headless -env:UserInstallation="file://$work/profile" --convert-to pdf --outdir "$work" \
    "$work/$2.odt" >/dev/null 2>&1
  [ -s "$work/$2.pdf" ] || { echo "make-doc-images: LibreOffice made no PDF of $2" >&2; exit 1; }
  mkdir -p docs/img
  pdftoppm -png -r 60 -f 1 -l 1 -singlefile "$work/$2.pdf" "docs/img/$2-side-1"
  pdftoppm -png -r 60 -f 2 -l 2 -singlefile -x 0 -y 0 -W 496 -H 330 "$work/$2.pdf" "docs/img/$2-side-2"
  for n in 1 2; do echo "wrote docs/img/$2-side-$n.png ($(stat -c %s "docs/img/$2-side-$n.png") bytes)"; done
}

# KlarbrevTjek: a letter filled earlier and then edited by hand, with a stiff phrase and misspelled words (one of them
# in the department's name, which the header shows too)
sed -e 's/Du har oplyst, at du bor alene./Du har oplyst, at du bor alene. Såfremt du flytter, skal du sende os en ansøgnig./' \
  -e 's/Jobcenter, Team Ydelser/Jobcenter, Team Ydelsr/' templates/afslag-kontanthjaelp/example.json >"$work/rettet.json"
"$klarbrev" fill templates/afslag-kontanthjaelp "$work/rettet.json" -o "$work/brev.docx" >/dev/null 2>&1
"$klarbrev" check "$work/brev.docx" --annotate "$work/tjek.docx" >/dev/null 2>&1 || [ $? -eq 1 ]
render "$work/tjek.docx" tjek

# KlarbrevNytBrev: the checks stop the letter (an error about the whole letter, from an example rule), so the macro
# opens the draft
sed 's/Du har oplyst, at du bor alene./Du har oplyst, at du bor alene i en lejlighd./' \
  templates/afslag-kontanthjaelp/example.json >"$work/sag.json"
mkdir -p "$work/data/plugins"
ln -s "$PWD/dictionaries" "$work/data/dictionaries"
cp plugins/*.lua "$work/data/plugins/"
cat >"$work/data/plugins/eksempel.lua" <<'EOF'
return { id = "underskrift", level = "error", on_letter = function(letter, report)
  report(letter, "Brevet er over 50.000 kr. og skal underskrives af en leder. Tilføj lederens navn.")
end }
EOF
KLARBREV_DATA=$work/data "$klarbrev" fill templates/afslag-kontanthjaelp "$work/sag.json" --draft "$work/udkast.docx" \
  -o "$work/blokeret.docx" >/dev/null 2>&1 || [ $? -eq 1 ]
render "$work/udkast.docx" udkast
