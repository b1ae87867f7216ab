#!/usr/bin/env bash
# The web page's side of klarbrev serve (docs/web.md, docs/api.md#websiden-og-session), beyond what test_serve_api
# holds to openapi.yaml: the page's files come from --web and are read again on SIGHUP (a folder gone keeps the old
# page); a session outlives a reload but ends when its token leaves the tokens file; without a tokens file the page
# needs no sign-in (auth "none"); a --web folder that is missing or empty stops the start with exit 2; the cookie
# never reaches the log.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/serve_lib.sh"
mkdir -p "$T/web"
printf '<!doctype html><html lang="da"><title>v1</title></html>\n' >"$T/web/index.html"
printf 'console.log("v1");\n' >"$T/web/app.js"

# ---- a --web folder that is not there, or has nothing for the page: no start
for bad in "$T/findes-ikke" "$T/tom"; do
  mkdir -p "$T/tom"
  "$KLARBREV" serve --listen 127.0.0.1:0 --web "$bad" --no-spell >"$T/out" 2>"$T/err" &
  pid=$!
  for _ in $(seq 1 600); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid"
    wait "$pid"
    fail "serve --web $bad started"
  else
    wait "$pid"
    rc=$?
    [ "$rc" = 2 ] && pass || fail "serve --web $bad: exit $rc, want 2"
    expect_in "$T/err" "$bad" "serve --web $bad: the message names the folder"
  fi
done

# ---- the page and a session across reloads
serve_start --threads 1 --no-spell --web "$T/web" || { finish; exit 1; }
expect_in "$T/serve.err" "websiden: åbn http://127.0.0.1:$SERVE_PORT/ i en browser" "the start names the page's address"
page() { curl -s -o "$T/page" -w '%{http_code}' "$SERVE_URL$1"; }
[ "$(page /)" = 200 ] && pass || fail "GET / without a token"
expect_in "$T/page" "<title>v1</title>" "the page is web/index.html"
sign_in() {
  curl -s -o "$T/session.json" -D "$T/session.headers" -w '%{http_code}' -H 'Content-Type: application/json' \
    --data-binary "{\"token\": \"$1\"}" "$SERVE_URL/session"
}
[ "$(sign_in "$SERVE_TOKEN")" = 200 ] && pass || fail "sign in"
cookie=$(sed -n 's/^Set-Cookie: \(klarbrev_session=[0-9a-f]*\);.*/\1/ip' "$T/session.headers" | tr -d '\r')
[ ${#cookie} = 81 ] && pass || fail "a cookie of 32 random bytes: '$cookie'"
csrf=$(sed -n 's/.*"csrf": "\([0-9a-f]*\)".*/\1/p' "$T/session.json")
[ ${#csrf} = 64 ] && pass || fail "a CSRF token of 32 random bytes: '$csrf'"
as_page() { curl -s -o "$T/body" -w '%{http_code}' -H "Cookie: $cookie" "$@"; }
status=$(as_page "$SERVE_URL/templates")
expect_status 200 "templates by the cookie"
status=$(as_page -H "X-Klarbrev-CSRF: $csrf" -H 'Content-Type: text/plain' --data-binary 'Hej.' \
  "$SERVE_URL/check?kind=tekst")
expect_status 200 "check by the cookie with the CSRF header"
status=$(curl -s -o "$T/body" -w '%{http_code}' -H "Cookie: $cookie" -H "X-Klarbrev-CSRF: $csrf" \
  -H "Authorization: Bearer wrong-token-0000000000000" "$SERVE_URL/templates")
expect_status 401 "a wrong bearer token is not saved by a good cookie"
# a second sign-in is a second session; the first stays good
[ "$(sign_in "$SERVE_TOKEN")" = 200 ] && pass || fail "sign in again"
status=$(as_page "$SERVE_URL/templates")
expect_status 200 "the first session after a second sign-in"

# reload with a new page and the same tokens: the new page, the session goes on
printf '<!doctype html><html lang="da"><title>v2</title></html>\n' >"$T/web/index.html"
kill -HUP "$SERVE_PID"
for _ in $(seq 1 300); do grep -q '"event":"reload"' "$T/serve.log" && break; sleep 0.1; done
page / >/dev/null
expect_in "$T/page" "<title>v2</title>" "SIGHUP reads the page again"
status=$(as_page "$SERVE_URL/templates")
expect_status 200 "a session outlives a reload"
# the folder gone: the old page stays, and the log says why
mv "$T/web" "$T/web.væk"
kill -HUP "$SERVE_PID"
for _ in $(seq 1 300); do [ "$(grep -c '"event":"reload"' "$T/serve.log")" -ge 2 ] && break; sleep 0.1; done
page / >/dev/null
expect_in "$T/page" "<title>v2</title>" "a page folder gone at a reload keeps the old page"
grep '"event":"reload"' "$T/serve.log" | tail -n 1 >"$T/reload.line"
expect_in "$T/reload.line" "den tidligere udgave af websiden bruges stadig" "the log says the old page is kept"
mv "$T/web.væk" "$T/web"
# the token taken out of the tokens file: its sessions end at the reload
printf '# test tokens\nkun-check %s check\n' "$SERVE_TOKEN_CHECK" >"$T/tokens"
kill -HUP "$SERVE_PID"
for _ in $(seq 1 300); do [ "$(grep -c '"event":"reload"' "$T/serve.log")" -ge 3 ] && break; sleep 0.1; done
status=$(as_page "$SERVE_URL/templates")
expect_status 401 "a session ends when its token leaves the tokens file"
status=$(as_page "$SERVE_URL/session")
expect_status 200 "GET /session after the token left"
expect_in "$T/body" '"signed_in": false' "GET /session says signed out"
# the token back in the file: the session it had stays ended
serve_tokens
kill -HUP "$SERVE_PID"
for _ in $(seq 1 300); do [ "$(grep -c '"event":"reload"' "$T/serve.log")" -ge 4 ] && break; sleep 0.1; done
status=$(as_page "$SERVE_URL/templates")
expect_status 401 "a session ended with its token does not come back with the token"
serve_stop
expect_not_in "$T/serve.log" "${cookie#klarbrev_session=}" "the cookie is never logged"
expect_not_in "$T/serve.log" "$csrf" "the CSRF token is never logged"
expect_not_in "$T/serve.log" "$SERVE_TOKEN" "the token of a sign-in is never logged"

# ---- no tokens file (loopback only): the page needs no sign-in
"$KLARBREV" serve --listen 127.0.0.1:0 --threads 1 --no-spell --web "$T/web" 2>"$T/open.err" &
OPEN_PID=$!
port=$(listen_port "$T/open.err" "$OPEN_PID")
[ -n "$port" ] && pass || fail "klarbrev serve without tokens did not start: $(cat "$T/open.err")"
curl -s "http://127.0.0.1:$port/session" >"$T/open.json"
expect_in "$T/open.json" '"auth": "none", "signed_in": true' "without tokens: no sign-in"
expect_in "$T/open.json" '"routes": ["templates", "fill", "check", "lint"]' "without tokens: every route"
status=$(curl -s -o "$T/body" -w '%{http_code}' -H 'Content-Type: text/plain' --data-binary 'Hej.' \
  "http://127.0.0.1:$port/check?kind=tekst")
expect_status 200 "without tokens: check with neither cookie nor CSRF header"
kill -TERM "$OPEN_PID"
wait "$OPEN_PID"
rc=$?
[ "$rc" = 0 ] && pass || fail "the open server stops with exit $rc"
if grep -q "ERROR: [A-Za-z]*Sanitizer\|runtime error:" "$T/open.err"; then
  fail "the sanitizers found a problem in the open server"
  grep -A 30 "ERROR: [A-Za-z]*Sanitizer\|runtime error:" "$T/open.err" | head -n 60
fi
finish
