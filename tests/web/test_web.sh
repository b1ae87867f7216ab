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

serve_start --threads 2 || { finish; exit 1; }
KB_URL=$SERVE_URL KB_TOKEN=$SERVE_TOKEN KB_WORK="$T" KB_BROKEN="$T/skabelon.docx" KB_LETTER="$T/brev.docx" \
  KB_SHOTS="${KB_WEB_SHOTS:-$KB_SRC/docs/web}" KB_CHROMIUM="$chromium" \
  node "$here/web.test.mjs"
rc=$?
serve_stop
if [ "$rc" = 77 ]; then
  exit 77
fi
[ "$rc" = 0 ] && pass || fail "the browser tests: exit $rc (their FAIL lines are above)"
[ "$SERVE_RC" = 0 ] && pass || fail "klarbrev serve stopped with exit $SERVE_RC"
finish
