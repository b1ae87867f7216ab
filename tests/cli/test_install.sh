#!/usr/bin/env bash
# cmake --install puts bin/klarbrev and share/klarbrev/... under the prefix, and the installed program finds its
# plugins, dictionaries and templates from any working directory; --data-dir and KLARBREV_DATA point elsewhere.
. "$(dirname "$0")/lib.sh"
run cmake --install "$KB_BUILD" --prefix "$T/prefix"; expect_rc 0 "cmake --install"
for d in bin/klarbrev share/klarbrev/plugins/readability.lua share/klarbrev/dictionaries/forvaltning.dic \
  share/klarbrev/templates/afslag-kontanthjaelp/letter.docx; do
  [ -e "$T/prefix/$d" ] && pass || fail "not installed: $d"
done
mkdir -p "$T/elsewhere"
cd "$T/elsewhere" || exit 1
tpl=$T/prefix/share/klarbrev/templates/afslag-kontanthjaelp
run "$T/prefix/bin/klarbrev" fill "$tpl" "$tpl/example.json" -o brev.docx --format json; expect_rc 0 "installed fill"
expect_in "$T/stdout" '"errors": 0' "installed fill checks with the installed plugins"
expect_in "$T/stdout" '"lix"' "installed fill reports LIX"
cp "$T/prefix/bin/klarbrev" "$T/lonely"
run "$T/lonely" check brev.docx; expect_rc 2 "a program without its data folder"
expect_in "$T/stderr" "--data-dir" "says how to point at the data"
run "$T/lonely" check brev.docx --data-dir "$T/prefix/share/klarbrev"; expect_rc 0 "--data-dir"
KLARBREV_DATA=$T/prefix/share/klarbrev run "$T/lonely" check brev.docx; expect_rc 0 "KLARBREV_DATA"
run "$T/lonely" check brev.docx --data-dir "$T/nowhere"; expect_rc 2 "a --data-dir that does not exist"
finish
