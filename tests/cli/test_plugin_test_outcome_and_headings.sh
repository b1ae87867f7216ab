#!/usr/bin/env bash
# A plugin author tests rules that depend on the outcome, the manifest, the case or a heading's section: an example
# or a test file states them in a front matter (udfald, sag, skabelon) and marks headings with "# ", and plugin test
# runs the plugin with them as check would.
. "$(dirname "$0")/lib.sh"
TPL=$KB_SRC/templates/afslag-kontanthjaelp

mkdir -p "$T/regler/tests/udfald"
cat >"$T/regler/udfald.lua" <<'LUA'
return {
  id = "udfald",
  on_letter = function(letter, report)
    if letter.outcome == "afslag" then report(letter, "afslag") end
    local m = letter.template
    if m and m.appeal and m.appeal.body == "Ankestyrelsen" then report(letter.paragraphs[1], "Ankestyrelsen") end
    local f = letter.fields
    if f and f.vip then report(letter.paragraphs[1], "vip") end
  end,
  on_paragraph = function(p, report)
    if p.heading == 2 then report(p, "underoverskrift") end
  end,
  examples = {
    ok = {
      "Du får ikke hjælp.",
      "---\nudfald: bevilling\n---\nDu får hjælp.",
      "# Overskrift på niveau 1\nTekst.",
    },
    bad = {
      "---\nudfald: afslag\n---\n[[Du får ikke hjælp.]]",
      "---\nsag: {\"vip\": true}\n---\n[[Hej med dig.]]",
      "## [[Sådan klager du]]\nTekst.",
    },
  },
}
LUA
# a test file with template and case beside it (paths from the test file's folder), and a heading
cp "$TPL/example.json" "$T/regler/tests/udfald/sag.json"
printf -- '---\nskabelon: %s\nsag: sag.json\n---\n[[Første afsnit.]]\n## [[Begrundelse]]\nTekst.\n' "$TPL" \
  >"$T/regler/tests/udfald/afslag.txt"
run "$KLARBREV" plugin test "$T/regler/udfald.lua"
expect_rc 1 "the manifest's outcome gives a whole-letter finding the test file does not mark"
expect_in "$T/stdout" "hele brevet [udfald]: afslag" "the outcome came from the template"
printf -- '---\nskabelon: %s\nsag: sag.json\nudfald: bevilling\n---\n[[Første afsnit.]]\n## [[Begrundelse]]\nTekst.\n' \
  "$TPL" >"$T/regler/tests/udfald/afslag.txt"
run "$KLARBREV" plugin test "$T/regler/udfald.lua"; expect_rc 0 "outcome, manifest, case and headings in examples and test files"
expect_in "$T/stdout" "OK   $T/regler/udfald.lua: 7 tilfælde (6 eksempler, 1 testfil) bestået" "every case ran"

# a mark on the heading's '#' and a front matter with a problem are bad input
cat >"$T/fejl.lua" <<'LUA'
return {
  id = "fejl-fm",
  avoid = { "afslag" },
  examples = { bad = { "[[# Afslag]]\nTekst.", "---\nudfaldt: afslag\n---\n[[afslag]]", "---\nsag: nope.json\n---\n[[afslag]]" } },
}
LUA
run "$KLARBREV" plugin test "$T/fejl.lua"; expect_rc 2 "bad front matter and a mark on '#'"
expect_in "$T/stderr" "eksempel bad 1: markering 1 står om overskriftens »#«" "a mark on the heading mark"
expect_in "$T/stderr" "eksempel bad 2, linje 2: ukendt nøgle »udfaldt« i forsiden; mente du »udfald«?" "an unknown key"
expect_in "$T/stderr" "eksempel bad 3: $T/nope.json" "a case file that does not exist"
finish
