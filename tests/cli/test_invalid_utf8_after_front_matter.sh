#!/usr/bin/env bash
# A letter or a plugin's test file with a front matter and a line that is not valid UTF-8: the message names the
# line of the file, counted from its first line (the "---"), not from the first line after the front matter.
. "$(dirname "$0")/lib.sh"

mkdir -p "$T/regler/tests/kommunesprog"
cat >"$T/regler/kommunesprog.lua" <<'LUA'
return {
  id = "kommunesprog",
  avoid = { "pågældende" },
  examples = { ok = { "Du får hjælp." }, bad = { "Den [[pågældende]] får hjælp." } },
}
LUA
# line 6 of the file is the bad one: four lines of front matter, then a good line
printf -- '---\nudfald: afslag\n# en kommentar\n---\nDu får hjælp.\nDen p\xe5g\xe6ldende f\xe5r hj\xe6lp.\n' \
  >"$T/regler/tests/kommunesprog/latin1.txt"
run "$KLARBREV" plugin test "$T/regler/kommunesprog.lua"; expect_rc 2 "plugin test refuses the test file"
expect_in "$T/stderr" "latin1.txt: linje 6 er ikke gyldig UTF-8" "plugin test names the file's line"
expect_not_in "$T/stderr" "linje 2 er ikke" "plugin test does not count from the text after the front matter"

cp "$T/regler/tests/kommunesprog/latin1.txt" "$T/brev.txt"
run "$KLARBREV" check "$T/brev.txt" --no-spell; expect_rc 2 "check refuses the letter"
expect_in "$T/stderr" "brev.txt: linje 6 er ikke gyldig UTF-8" "check names the file's line"
finish
