#!/usr/bin/env bash
# test_serve_api.sh -- docs/api.md and docs/openapi.yaml are what klarbrev serve does, and nothing else answers. Two
# servers on free ports: the main one (--threads 2, a tokens file with a full token, one for check only and one for
# templates only; the sample template, a template with a choice and a list, and one without a manifest) and one with
# tight limits (1 thread, no queue, 64 KB bodies, 6 s, 4 connections, no LibreOffice). serve_api.py then
#  (a) makes every documented path, method and status and validates each answer against its schema and headers, and
#      fails for a documented status, error code or field no request produced;
#  (b) tries odd addresses and every other method on each path: only 404 or 405 with Allow, never 200;
#  (c) runs each curl example of docs/api.md as written against the main server, and expects its `# -> NNN`;
#  and the limits: 413 before the body, 503 with Retry-After, a slow client cut off, --max-connections, 431.
# Then both stop on SIGTERM with exit 0, leave no scratch folder, and (d) their access logs have one JSON line per
# request with the documented fields and no value of the example case, no letter text and no token.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
HELPER=$KB_SRC/tests/cli/serve_api.py
command -v curl >/dev/null || { echo "curl missing: run scripts/install-deps.sh"; exit 1; }
command -v soffice >/dev/null || { echo "soffice missing: run scripts/install-deps.sh"; exit 1; }
$PY -c 'import yaml' 2>/dev/null || { echo "python3-yaml missing: apt-get install python3-yaml"; exit 1; }
export KLARBREV_CONFIG=

# ---- the servers' material: templates, tokens, documents
mkdir -p "$T/templates/valg" "$T/work" "$T/examples" "$T/mtmp" "$T/ltmp"
cp -r "$KB_SRC/templates/afslag-kontanthjaelp" "$KB_SRC/templates/partials" "$T/templates/"
$PY "$KB_SRC/tests/cli/make_docx.py" "$T/templates/valg/letter.docx" 'Kære {{modtager.navn}}' 'Udfald: {{udfald}}.' \
  '{{#ydelser}}' '{{navn}}: {{beløb | kr}}' '{{/ydelser}}'
cat >"$T/templates/valg/manifest.json" <<'EOF'
{
  "title": "Afgørelse om hjælp til udstyr",
  "kind": "afgørelse",
  "outcome_field": "udfald",
  "law": "serviceloven § 112",
  "appeal": {"body": "Ankestyrelsen", "deadline": "4 uger"},
  "fields": {
    "modtager.navn": {"type": "name", "required": true, "personal": true, "label": "Modtagerens navn"},
    "udfald": {"type": "choice", "required": true, "label": "Udfald", "description": "Afgørelsens udfald",
               "values": ["afslag", "bevilling"]},
    "ydelser": {"type": "list", "label": "Ydelser", "items": {
      "navn": {"type": "text", "required": true, "label": "Ydelsens navn"},
      "beløb": {"type": "amount", "required": true, "personal": false, "label": "Beløb",
                "description": "Beløb pr. måned"},
      "art": {"type": "choice", "values": ["engangs", "løbende"], "label": "Art"},
      "perioder": {"type": "list", "label": "Perioder", "items": {"fra": {"type": "date", "label": "Fra"}}}}}
  }
}
EOF
$PY "$KB_SRC/tests/cli/make_docx.py" "$T/templates/uden-manifest.docx" 'Kære {{navn}}' 'Vi har modtaget dit brev.'
$PY "$KB_SRC/tests/cli/make_docx.py" "$T/brudt.docx" 'Kære {{#modtager}}{{navn}}' 'Vi har {{ukendt | xyz}} fået dit brev.'
$PY "$KB_SRC/tests/cli/make_docx.py" "$T/advarsel.docx" 'Du får {{beløb | kr}}.' 'Vi har modtaget dit brev.'
# a .docx whose document.xml grows from 9 KB to 9 MB: more than klarbrev unpacks
$PY - "$T/zipbombe.docx" <<'EOF'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
               'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>')
    z.writestr("word/document.xml", b"<w:document xmlns:w='http://schemas.openxmlformats.org/wordprocessingml/"
               b"2006/main'><w:body><w:p><w:r><w:t>" + b" " * (9 << 20) + b"</w:t></w:r></w:p></w:body></w:document>")
EOF
# a web page of its own (the real one, web/, is tested in a browser by tests/web/): three files the page serves and
# one it does not (noter.md)
mkdir -p "$T/web"
printf '<!doctype html>\n<html lang="da"><head><title>klarbrev</title><link rel="stylesheet" href="/web/style.css">\n<script src="/web/app.js" defer></script></head><body><img src="/web/logo.svg" alt="klarbrev"></body></html>\n' >"$T/web/index.html"
printf 'document.title = "klarbrev";\n' >"$T/web/app.js"
printf 'body { margin: 0; }\n' >"$T/web/style.css"
printf '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>\n' >"$T/web/logo.svg"
printf 'noter, ikke en del af siden\n' >"$T/web/noter.md"
token() { od -An -N16 -tx1 /dev/urandom | tr -d ' \n'; }
TOK_FULL=$(token) TOK_CHECK=$(token) TOK_TMPL=$(token)
(umask 077; printf '# test\nfuld %s\ntjek %s check\nskabeloner %s templates\n' "$TOK_FULL" "$TOK_CHECK" "$TOK_TMPL" >"$T/tokens")
chmod 600 "$T/tokens"
ln -s "$KB_SRC/templates" "$T/examples/templates"

# ---- start: each server on a port the kernel picks; always stopped at the end
PIDS=""
trap 'for p in $PIDS; do kill -TERM "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$T"' EXIT
# start NAME ENV... -- SERVE-OPTIONS...: starts klarbrev serve, sets PORT (empty when it did not start)
start() {
  local name=$1
  shift
  local envs=()
  while [ "$1" != "--" ]; do envs+=("$1"); shift; done
  shift
  env "${envs[@]}" "$KLARBREV" serve --listen 127.0.0.1:0 --tokens "$T/tokens" --log "$T/$name.log" "$@" \
    2>"$T/$name.err" &
  LASTPID=$!
  PIDS="$PIDS $LASTPID"
  PORT=$(listen_port "$T/$name.err" "$LASTPID")
}
start main TMPDIR="$T/mtmp" -- --threads 2 --templates "$T/templates" --web "$T/web"
MAIN_PID=$LASTPID MAIN_PORT=$PORT
if [ -z "$MAIN_PORT" ]; then
  fail "the main server did not start: $(cat "$T/main.err")"
  finish
  exit 1
fi
expect_in "$T/main.err" "(2 tråde, 3 skabeloner)" "the ready line names threads and templates"
start limits TMPDIR="$T/ltmp" KLARBREV_SOFFICE="$T/ingen-soffice" -- --threads 1 --queue 0 --max-body 65536 \
  --timeout 6 --max-connections 4 --templates "$T/templates"
LIMITS_PID=$LASTPID LIMITS_PORT=$PORT
if [ -z "$LIMITS_PORT" ]; then
  fail "the limits server did not start: $(cat "$T/limits.err")"
  finish
  exit 1
fi
head -n 1 "$T/main.log" | grep -qF "\"port\":$MAIN_PORT," && pass || fail "the log's start line has the port"

cat >"$T/config.json" <<EOF
{
  "spec": "$KB_SRC/docs/openapi.yaml", "doc": "$KB_SRC/docs/api.md", "src": "$KB_SRC", "work": "$T/work",
  "templates": "$T/templates", "example": "$KB_SRC/templates/afslag-kontanthjaelp/example.json",
  "broken_template": "$T/brudt.docx", "warning_template": "$T/advarsel.docx", "zip_bomb": "$T/zipbombe.docx",
  "examples_dir": "$T/examples",
  "tokens": {"fuld": "$TOK_FULL", "tjek": "$TOK_CHECK", "skabeloner": "$TOK_TMPL"},
  "url": {"main": "http://127.0.0.1:$MAIN_PORT", "limits": "http://127.0.0.1:$LIMITS_PORT"},
  "url_port": {"main": $MAIN_PORT, "limits": $LIMITS_PORT},
  "log": {"main": "$T/main.log", "limits": "$T/limits.log"},
  "limits": {"port": $LIMITS_PORT, "max_body": 65536, "timeout": 6, "max_connections": 4, "tmpdir": "$T/ltmp"}
}
EOF

# helper RESULT-LINE: adds serve_api.py's counts to this script's
add_result() {
  local line
  line=$(grep '^RESULT ' "$1" | tail -n 1)
  if [ -z "$line" ]; then
    fail "serve_api.py ended without a result: $(tail -n 20 "$1")"
    return
  fi
  set -- $line
  kb_passed=$((kb_passed + $2))
  kb_failed=$((kb_failed + $3))
}

# ---- (a), (b), (c) and the limits
$PY "$HELPER" requests --config "$T/config.json" >"$T/requests.out" 2>&1
grep -E '^(FAIL|XFAIL|XPASS)' "$T/requests.out"
grep -q '^Traceback' "$T/requests.out" && fail "serve_api.py requests: $(tail -n 15 "$T/requests.out")"
add_result "$T/requests.out"


# ---- SIGTERM: both stop with exit 0 and take their scratch folders with them
kill -TERM "$MAIN_PID" "$LIMITS_PID"
wait "$MAIN_PID"; rc=$?
expect_rc 0 "the main server stops on SIGTERM"
wait "$LIMITS_PID"; rc=$?
expect_rc 0 "the limits server stops on SIGTERM"
PIDS=
left=$(ls "$T/mtmp" "$T/ltmp" | grep -c '^klarbrev-serve\.' || true)
[ "$left" -eq 0 ] && pass || fail "a scratch folder is left after the stop: $(ls "$T/mtmp" "$T/ltmp")"

# ---- (d) the access logs
$PY "$HELPER" log --config "$T/config.json" >"$T/log.out" 2>&1
grep -E '^(FAIL|XFAIL|XPASS)' "$T/log.out"
grep -q '^Traceback' "$T/log.out" && fail "serve_api.py log: $(tail -n 15 "$T/log.out")"
add_result "$T/log.out"
finish
