#!/usr/bin/env bash
# The examples in docs/templates.md run as printed (tests/cli/doc_templates.py): the formatter table row by row, the
# template snippets with their cases, the JSON blocks (the manifest through template lint), the case error the guide
# shows, and each message of "Almindelige fejl" made by that mistake. The guide's commands are run by
# test_doc_commands.sh; a whole new template made by following the guide by test_template_guide.sh.
. "$(dirname "$0")/lib.sh"
python3 "$KB_SRC/tests/cli/doc_templates.py" "$KLARBREV" "$KB_SRC" "$T/docs" >"$T/out" 2>&1
rc=$?
grep -v '^ok ' "$T/out"
[ "$rc" -eq 0 ] && pass || fail "an example in docs/templates.md does not do what the guide says (see above)"
n=$(grep -c '^ok ' "$T/out")
[ "$n" -ge 40 ] && pass || fail "docs/templates.md: at least 40 checked examples; ran $n"
finish
