# lib.sh -- helpers for the command-line tests. Each test script sources this, runs checks, and ends with finish.
# ctest sets KLARBREV (the program), KB_SRC (the repository), KB_SHARED (../shared) and KB_BUILD.
set -u
: "${KLARBREV:?run through ctest}" "${KB_SRC:?}" "${KB_SHARED:?}"
kb_passed=0
kb_failed=0
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
# the spelling's disk cache goes to the test's own folder, never to the user's ~/.cache: each script starts cold,
# and its later runs answer from the cache as a user's do
export KLARBREV_CACHE_DIR="$T/cache"

pass() { kb_passed=$((kb_passed + 1)); }
fail() {
  kb_failed=$((kb_failed + 1))
  echo "FAIL: $*"
  if [ -s "$T/stderr" ]; then sed 's/^/    stderr: /' "$T/stderr" | head -n 20; fi
}

# run CMD...: runs the command, keeps stdout in $T/stdout, stderr in $T/stderr, the exit code in $rc.
run() {
  "$@" >"$T/stdout" 2>"$T/stderr"
  rc=$?
}

# expect_rc N DESCRIPTION
expect_rc() {
  if [ "$rc" -eq "$1" ]; then pass; else fail "$2: exit code $rc, want $1"; fi
}

# expect_in FILE TEXT DESCRIPTION: FILE contains TEXT (fixed string)
expect_in() {
  if grep -qF -- "$2" "$1"; then pass; else fail "$3: \"$2\" not in $(basename "$1")"; fi
}

expect_not_in() {
  if grep -qF -- "$2" "$1"; then fail "$3: \"$2\" is in $(basename "$1")"; else pass; fi
}

# expect_empty FILE DESCRIPTION: FILE is empty
expect_empty() {
  if [ -s "$1" ]; then fail "$2: $(basename "$1") is not empty"; else pass; fi
}

# a mistyped helper or a missing program must fail the test, not pass it silently (bash runs this handler in a
# subshell, so it leaves a mark for finish)
command_not_found_handle() {
  echo "FAIL: command not found: $1" >&2
  echo "$1" >>"$T/not-found"
  return 127
}

# expect_same FILE_GOT FILE_WANT DESCRIPTION
expect_same() {
  if diff -u "$2" "$1" >"$T/diff"; then pass; else fail "$3"; head -n 40 "$T/diff"; fi
}

# listen_port ERRFILE PID: waits up to 180 s for a klarbrev serve started in the background (stderr in ERRFILE) to
# say where it listens on 127.0.0.1, and prints the port; prints nothing when it stops or never says so
listen_port() {
  local port i
  for i in $(seq 1 1800); do
    port=$(sed -n 's|^klarbrev serve: lytter på http://127\.0\.0\.1:\([0-9][0-9]*\) (.*|\1|p' "$1")
    if [ -n "$port" ]; then
      echo "$port"
      return 0
    fi
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

finish() {
  if [ -s "$T/not-found" ]; then
    kb_failed=$((kb_failed + $(wc -l <"$T/not-found")))
    echo "FAIL: commands not found: $(tr '\n' ' ' <"$T/not-found")"
  fi
  echo "$kb_passed passed, $kb_failed failed"
  [ "$kb_failed" -eq 0 ]
}
