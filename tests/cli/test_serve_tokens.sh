#!/usr/bin/env bash
# Tokens: every route but /health wants one (401 without, 401 with a wrong one, 403 for a route the token may not
# use); a token differing in its last character or in length is as wrong as any; the log names the token, never
# shows it; a tokens file others can read, or with a weak token, stops the start (exit 2).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/serve_lib.sh"
serve_sample
serve_start --threads 1 --no-spell || { finish; exit 1; }
routes="GET /version
GET /templates
GET /templates/$SAMPLE_T
POST /templates/$SAMPLE_T/fill
POST /check
POST /lint"
wrong_last="${SERVE_TOKEN%?}X"
while read -r method path; do
  for auth in "" "Bearer nope" "Bearer $wrong_last" "Bearer ${SERVE_TOKEN}x" "Basic $SERVE_TOKEN" "Bearer "; do
    status=$(curl -s -o "$T/body" -D "$T/headers" -w '%{http_code}' -X "$method" ${auth:+-H "Authorization: $auth"} \
      --data-binary @"$SAMPLE_CASE" "$SERVE_URL$path")
    [ "$status" = 401 ] && pass || fail "$method $path with '${auth:0:12}...': HTTP $status, want 401"
    grep -qi '^WWW-Authenticate: Bearer' "$T/headers" && pass || fail "$method $path: 401 without WWW-Authenticate"
    expect_in "$T/body" '"code": "unauthorized"' "$method $path: the 401's code"
  done
  status=$(curl -s -o "$T/body" -w '%{http_code}' -X "$method" -H "Authorization: Bearer $SERVE_TOKEN_CHECK" \
    --data-binary @"$T/brev.txt" "$SERVE_URL$path")
  case "$path" in
    /check) want=200 ;;
    /version) want=200 ;;
    *) want=403 ;;
  esac
  [ "$status" = $want ] && pass || fail "$method $path with the check-only token: HTTP $status, want $want"
done <<<"$routes"
expect_in "$T/body" '"code": "forbidden"' "the 403's code"
status=$(curl -s -o /dev/null -w '%{http_code}' "$SERVE_URL/health")
[ "$status" = 200 ] && pass || fail "/health without a token: $status (the readiness probe has none)"
expect_in "$T/serve.log" '"token":"kun-check"' "the log names the token"
expect_not_in "$T/serve.log" "$SERVE_TOKEN_CHECK" "the log never shows a token"
expect_not_in "$T/serve.log" "$SERVE_TOKEN" "the log never shows a token"
serve_stop

# tokens files that stop the start
printf 'test %s\n' "$SERVE_TOKEN" >"$T/open-tokens"
chmod 644 "$T/open-tokens"
run "$KLARBREV" serve --listen 127.0.0.1:0 --tokens "$T/open-tokens"
expect_rc 2 "a tokens file others can read"
expect_in "$T/stderr" "chmod 600" "the message says how to fix it"
printf 'test kort\n' >"$T/weak"
chmod 600 "$T/weak"
run "$KLARBREV" serve --listen 127.0.0.1:0 --tokens "$T/weak"
expect_rc 2 "a token under 16 characters"
expect_in "$T/stderr" "weak:1" "the message names file and line"
printf 'test %s fill,print\n' "$SERVE_TOKEN" >"$T/badroute"
chmod 600 "$T/badroute"
run "$KLARBREV" serve --listen 127.0.0.1:0 --tokens "$T/badroute"
expect_rc 2 "an unknown route in the tokens file"
expect_in "$T/stderr" '"print"' "the message names the route"
run "$KLARBREV" serve --listen 0.0.0.0:0
expect_rc 2 "listening beyond this machine without tokens"
expect_in "$T/stderr" "--tokens" "the message says what to add"
finish
