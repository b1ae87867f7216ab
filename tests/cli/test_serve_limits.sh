#!/usr/bin/env bash
# The limits on what a request may send: a body over --max-body (413 before it is read, or the connection closed
# when no length was given), a zip bomb inside a .docx (the same limits as klarbrev check), headers over 32 KB.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/serve_lib.sh"
serve_sample
serve_start --threads 2 --max-body 200000 --no-spell || { finish; exit 1; }

head -c 300000 /dev/zero | tr '\0' 'a' >"$T/big.txt"
scurl -H 'Content-Type: text/plain' --data-binary @"$T/big.txt" "$SERVE_URL/check"
expect_status 413 "a body over --max-body"
expect_in "$T/body" '"code": "body_too_large"' "its code"
expect_in "$T/body" '200000' "the message names the limit"
"$SERVE_PY" "$KB_SRC/tests/cli/serve_client.py" chunked "$SERVE_PORT" "$SERVE_TOKEN" 300000 >"$T/chunked.json"
grep -Eq '"status": ("closed"|413)' "$T/chunked.json" && pass || fail "chunked over the limit: $(cat "$T/chunked.json")"
"$SERVE_PY" "$KB_SRC/tests/cli/serve_client.py" chunked "$SERVE_PORT" "$SERVE_TOKEN" 1000 >"$T/chunked.json"
expect_in "$T/chunked.json" '"status": 200' "a chunked body under the limit is checked"

# a zip bomb: a document.xml of 60 MB that compresses to some 60 KB, inside the body limit
"$SERVE_PY" - "$T/bomb.docx" <<'PY'
import sys, zipfile
ct = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
      '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
doc = ('<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>'
       + 'a' * 60_000_000 + '</w:t></w:r></w:p></w:body></w:document>')
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    z.writestr("[Content_Types].xml", ct)
    z.writestr("_rels/.rels", rels)
    z.writestr("word/document.xml", doc)
PY
size=$(stat -c %s "$T/bomb.docx")
[ "$size" -lt 200000 ] && pass || fail "the bomb is $size bytes, over the body limit"
for route in check "check?annotate=1" lint; do
  scurl --data-binary @"$T/bomb.docx" "$SERVE_URL/$route"
  expect_status 413 "zip bomb to /$route"
  grep -q '"code": "limit_exceeded"' "$T/body" && pass || fail "zip bomb to /$route: $(head -c 300 "$T/body")"
done
expect_in "$T/serve.log" '"route":"/lint"' "the bomb's requests are logged"

# headers over the limit
big=$(head -c 40000 /dev/zero | tr '\0' 'x')
status=$(curl -s -o /dev/null -w '%{http_code}' -H "X-Stor: $big" "$SERVE_URL/health")
case "$status" in 431 | 000) pass ;; *) fail "40 KB of headers: HTTP $status, want 431 (or closed)" ;; esac
serve_alive "after the limits"
scurl --data-binary @"$T/brev.docx" "$SERVE_URL/check"
expect_status 200 "a normal letter after the limits"
serve_stop
[ "$SERVE_RC" = 0 ] && pass || fail "SIGTERM: exit $SERVE_RC"
finish
