#!/usr/bin/env bash
# HTTPS with the municipality's certificate and key (--tls-cert, --tls-key): the API answers over TLS, plain HTTP
# to the same port gets nothing, and a missing or broken key stops the start with a message.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/serve_lib.sh"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/key.pem" -out "$T/cert.pem" -days 2 \
  -subj "/CN=localhost" -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" 2>/dev/null ||
  { fail "openssl cannot make a test certificate"; finish; exit 1; }
serve_start --threads 1 --no-spell --tls-cert "$T/cert.pem" --tls-key "$T/key.pem" || { finish; exit 1; }
expect_in "$T/serve.err" "https://" "the ready line says https"
url="https://127.0.0.1:$SERVE_PORT"
status=$(curl -s --cacert "$T/cert.pem" -o "$T/body" -w '%{http_code}' "$url/health")
[ "$status" = 200 ] && pass || fail "GET /health over TLS: $status"
status=$(curl -s --cacert "$T/cert.pem" -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $SERVE_TOKEN" \
  -H 'Content-Type: text/plain' --data-binary 'Vi har behandlet din ansøgning.' "$url/check?kind=tekst")
[ "$status" = 200 ] && pass || fail "POST /check over TLS: $status"
expect_in "$T/body" '"summary"' "the report over TLS"
status=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$SERVE_PORT/health")
[ "$status" != 200 ] && pass || fail "plain HTTP to the TLS port answered 200"
status=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$url/health")
[ "$status" = 000 ] && pass || fail "an unknown certificate was accepted without --cacert"
serve_stop
[ "$SERVE_RC" = 0 ] && pass || fail "SIGTERM: exit $SERVE_RC"
run "$KLARBREV" serve --listen 127.0.0.1:0 --tls-cert "$T/cert.pem"
expect_rc 2 "--tls-cert without --tls-key"
run "$KLARBREV" serve --listen 127.0.0.1:0 --tls-cert "$T/cert.pem" --tls-key "$T/mangler.pem"
expect_rc 2 "a key file that does not exist"
expect_in "$T/stderr" "mangler.pem" "the message names the file"
printf 'ikke en nøgle\n' >"$T/bad.pem"
run "$KLARBREV" serve --listen 127.0.0.1:0 --no-spell --tls-cert "$T/cert.pem" --tls-key "$T/bad.pem"
expect_rc 2 "a key that is no key"
finish
