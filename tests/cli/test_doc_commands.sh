#!/usr/bin/env bash
# Every klarbrev command printed in README.md and the guides, and every example in `klarbrev COMMAND --help`, runs as
# printed (tests/cli/doc_commands.py says how usage lines are filled in). A newcomer copies these first; a command the
# guide shows must not be refused. docs/plugins.md has its own test (test_plugin_docs.sh), with the files it names.
. "$(dirname "$0")/lib.sh"
docs=("$KB_SRC/README.md")
for f in "$KB_SRC"/docs/*.md; do
  [ "$(basename "$f")" = plugins.md ] || docs+=("$f")
done
python3 "$KB_SRC/tests/cli/doc_commands.py" "$KLARBREV" "$KB_SRC" "$T" "${docs[@]}" >"$T/out" 2>&1
rc=$?
grep -v '^ok ' "$T/out"
[ "$rc" -eq 0 ] && pass || fail "a command in the guides or in --help does not run as printed (see above)"
n=$(grep -c '^ok ' "$T/out")
[ "$n" -ge 40 ] && pass || fail "the guides and --help show at least 40 commands; ran $n"
finish
