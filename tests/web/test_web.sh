#!/usr/bin/env bash
# test_web.sh -- the web page of klarbrev serve (web/, docs/web.md) in a real browser: starts the build's klarbrev
# serve with a tokens file (tests/cli/serve_lib.sh) and runs tests/web/web.test.mjs against it with Debian's
# Chromium (puppeteer-core and axe-core from tests/web/node_modules, which scripts/install-deps.sh installs with
# npm ci). Exit 77 (ctest: skipped, with the reason printed) when there is no Chromium or it cannot start;
# anything else that is missing fails.
#   KB_CHROMIUM=PATH   another Chromium (default /usr/bin/chromium)
#   KB_WEB_SHOTS=DIR   where the screenshots go (default docs/web/ of the repository: the user guide's pictures)
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../cli/lib.sh"
. "$here/../cli/serve_lib.sh"

chromium=${KB_CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ]; then
  echo "SKIP: no Chromium at $chromium; install the Debian package chromium (scripts/install-deps.sh) or set KB_CHROMIUM"
  exit 77
fi
if ! command -v node >/dev/null; then
  echo "FAIL: node is not installed (Debian packages nodejs and npm; scripts/install-deps.sh)"
  exit 1
fi
if [ ! -f "$here/node_modules/puppeteer-core/package.json" ] || [ ! -f "$here/node_modules/axe-core/axe.min.js" ]; then
  echo "FAIL: tests/web/node_modules is missing or incomplete; run scripts/install-deps.sh (npm ci in tests/web)"
  exit 1
fi

# a template with an unclosed section, for the upload, and the sample letter, for "Tjek et brev"
python3 "$KB_SRC/tests/cli/make_docx.py" "$T/skabelon.docx" "Kære {{#x}}{{navn}}" "Vi har behandlet din ansøgning." ||
  fail "the broken template is not made"
serve_sample

# the templates: the sample, and one with a list, a choice, a yes/no field and amounts for the form's other types
mkdir -p "$T/templates/bevilling-hjaelpemidler"
ln -s "$KB_SRC/templates/afslag-kontanthjaelp" "$T/templates/afslag-kontanthjaelp"
ln -s "$KB_SRC/templates/partials" "$T/templates/partials"
python3 "$KB_SRC/tests/cli/make_docx.py" "$T/templates/bevilling-hjaelpemidler/letter.docx" "Kære {{modtager.navn}}" \
  "Vi har besluttet: {{udfald}}." "{{#hjaelpemidler}}" "{{navn}}: {{beløb | kr}}" "{{/hjaelpemidler}}" \
  "Tilskuddet er {{tilskud | kr}} i alt." "{{#samtykke}}Du har givet os lov til at hente oplysninger.{{/samtykke}}" ||
  fail "the list template is not made"
cat >"$T/templates/bevilling-hjaelpemidler/manifest.json" <<'EOF'
{
  "title": "Bevilling af hjælpemidler",
  "kind": "bevilling",
  "outcome_field": "udfald",
  "fields": {
    "modtager.navn": { "type": "name", "required": true, "label": "Modtagerens navn" },
    "udfald": { "type": "choice", "required": true, "label": "Udfald", "values": ["bevilling", "delvis bevilling"] },
    "hjaelpemidler": {
      "type": "list", "required": true, "label": "Hjælpemidler", "description": "Et hjælpemiddel pr. linje.",
      "items": {
        "navn": { "type": "text", "required": true, "label": "Hjælpemidlets navn" },
        "beløb": { "type": "amount", "required": true, "label": "Pris" }
      }
    },
    "tilskud": { "type": "amount", "required": true, "label": "Tilskud i alt" },
    "samtykke": { "type": "bool", "label": "Borgeren har givet samtykke" }
  }
}
EOF

# docs/web.md's "Prøv siden på din egen maskine": a service without a tokens file, where the page needs no login
# (loopback only). Stopped by the EXIT trap below if the test ends early.
"$KLARBREV" serve --listen 127.0.0.1:0 --threads 1 2>"$T/open.err" &
OPEN_PID=$!
trap 'kill -KILL "$OPEN_PID" 2>/dev/null; serve_kill; rm -rf "$T"' EXIT
open_port=$(listen_port "$T/open.err" "$OPEN_PID")
[ -n "$open_port" ] || { fail "klarbrev serve without tokens did not start"; cat "$T/open.err"; finish; exit 1; }

serve_start --threads 2 --templates "$T/templates" || { finish; exit 1; }
KB_URL=$SERVE_URL KB_TOKEN=$SERVE_TOKEN KB_OPEN_URL="http://127.0.0.1:$open_port" KB_WORK="$T" \
  KB_BROKEN="$T/skabelon.docx" KB_LETTER="$T/brev.docx" KB_SHOTS="${KB_WEB_SHOTS:-$KB_SRC/docs/web}" \
  KB_CHROMIUM="$chromium" node "$here/web.test.mjs"
rc=$?
serve_stop
kill -TERM "$OPEN_PID"
wait "$OPEN_PID"
open_rc=$?
if [ "$rc" = 77 ]; then
  exit 77
fi
[ "$rc" = 0 ] && pass || fail "the browser tests: exit $rc (their FAIL lines are above)"
[ "$SERVE_RC" = 0 ] && pass || fail "klarbrev serve stopped with exit $SERVE_RC"
[ "$open_rc" = 0 ] && pass || fail "klarbrev serve without tokens stopped with exit $open_rc"
if grep -q "ERROR: [A-Za-z]*Sanitizer\|runtime error:" "$T/open.err"; then
  fail "the sanitizers found a problem in klarbrev serve without tokens"
  grep -A 30 "ERROR: [A-Za-z]*Sanitizer\|runtime error:" "$T/open.err" | head -n 60
fi
finish
