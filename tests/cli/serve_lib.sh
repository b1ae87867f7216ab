# serve_lib.sh -- a klarbrev serve for a test, sourced after lib.sh: serve_start [OPTIONS...] starts one on a free
# port of the loopback address with a tokens file of two tokens (SERVE_TOKEN for every route, SERVE_TOKEN_CHECK only
# for /check), its JSON log in $T/serve.log and its stderr in $T/serve.err; SERVE_URL, SERVE_PORT and SERVE_PID are
# set. serve_stop sends SIGTERM and waits (SERVE_RC: its exit code). The server is killed when the test ends in any way.
SERVE_TOKEN=test-0123456789abcdef0123456789abcdef
SERVE_TOKEN_CHECK=check-0123456789abcdef0123456789ab
SERVE_PID=
SERVE_PY=${SERVE_PY:-python3}
trap 'serve_kill; rm -rf "$T"' EXIT

serve_kill() {
  if [ -n "$SERVE_PID" ] && kill -0 "$SERVE_PID" 2>/dev/null; then
    kill -KILL "$SERVE_PID" 2>/dev/null
    wait "$SERVE_PID" 2>/dev/null
  fi
  SERVE_PID=
}

serve_tokens() {
  printf '# test tokens\ntest %s *\nkun-check %s check\n' "$SERVE_TOKEN" "$SERVE_TOKEN_CHECK" >"$T/tokens"
  chmod 600 "$T/tokens"
}

# serve_start [OPTIONS...]: returns 1 (after a FAIL) when the server does not say it listens within 180 s
serve_start() {
  [ -f "$T/tokens" ] || serve_tokens
  : >"$T/serve.err"
  "$KLARBREV" serve --listen 127.0.0.1:0 --tokens "$T/tokens" --log "$T/serve.log" "$@" 2>"$T/serve.err" &
  SERVE_PID=$!
  local i
  for i in $(seq 1 1800); do
    if grep -q "lytter på" "$T/serve.err"; then
      SERVE_PORT=$(sed -n 's/.*lytter på https\{0,1\}:\/\/[^ ]*:\([0-9][0-9]*\) .*/\1/p' "$T/serve.err" | head -n 1)
      SERVE_URL="http://127.0.0.1:$SERVE_PORT"
      return 0
    fi
    if ! kill -0 "$SERVE_PID" 2>/dev/null; then
      fail "klarbrev serve stopped at start"
      sed 's/^/    serve: /' "$T/serve.err" | head -n 20
      SERVE_PID=
      return 1
    fi
    sleep 0.1
  done
  fail "klarbrev serve did not say it listens within 180 s"
  return 1
}

serve_stop() {
  kill -TERM "$SERVE_PID" 2>/dev/null
  wait "$SERVE_PID"
  SERVE_RC=$?
  SERVE_PID=
  # under the sanitizers a finding goes to the server's stderr (and a leak changes its exit code)
  if grep -q "ERROR: [A-Za-z]*Sanitizer\|runtime error:" "$T/serve.err"; then
    fail "the sanitizers found a problem in klarbrev serve"
    grep -A 30 "ERROR: [A-Za-z]*Sanitizer\|runtime error:" "$T/serve.err" | head -n 60
  fi
}

# scurl ARGS...: curl with the full token; the body in $T/body, the status in $status, the headers in $T/headers
scurl() {
  status=$(curl -s -o "$T/body" -D "$T/headers" -w '%{http_code}' -H "Authorization: Bearer $SERVE_TOKEN" "$@")
}

# expect_status N DESCRIPTION
expect_status() {
  if [ "$status" = "$1" ]; then pass; else fail "$2: HTTP $status, want $1"; head -c 600 "$T/body"; echo; fi
}

# serve_alive DESCRIPTION: the service still answers /health
serve_alive() {
  local s
  s=$(curl -s -o /dev/null -w '%{http_code}' --max-time 30 "$SERVE_URL/health")
  if [ "$s" = 200 ]; then pass; else fail "$1: /health answers $s"; fi
}

# serve_tmpdir: a TMPDIR of the test's own ($T/tmp) for the server started next, so its scratch folder
# (klarbrev-serve.*) is the only thing there and a test can see it emptied
serve_tmpdir() {
  export TMPDIR="$T/tmp"
  mkdir -p "$TMPDIR"
}

# the sample template, its case and a letter made from them, for the tests' requests
serve_sample() {
  SAMPLE_T=afslag-kontanthjaelp
  SAMPLE_CASE="$KB_SRC/templates/afslag-kontanthjaelp/example.json"
  "$KLARBREV" fill "$KB_SRC/templates/afslag-kontanthjaelp" "$SAMPLE_CASE" -o "$T/brev.docx" --txt "$T/brev.txt" \
    2>/dev/null || fail "the sample letter does not fill"
}
