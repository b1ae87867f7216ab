#!/usr/bin/env bash
# A mistyped command, subcommand or option is refused (exit 2) with the nearest name the user may have meant.
. "$(dirname "$0")/lib.sh"

run "$KLARBREV" chek brev.txt; expect_rc 2 "a mistyped command"
expect_in "$T/stderr" 'ukendt kommando "chek"; mente du »check«?' "the nearest command is suggested"
run "$KLARBREV" tempalte lint x; expect_rc 2 "two letters swapped"
expect_in "$T/stderr" 'mente du »template«?' "a swap is one edit"
run "$KLARBREV" --verison; expect_rc 2 "a mistyped --version"
expect_in "$T/stderr" 'mente du »--version«?' "the nearest of --help and --version"
run "$KLARBREV" brevskabelon; expect_rc 2 "a word that is no command"
expect_in "$T/stderr" 'ukendt kommando "brevskabelon"' "the word is named"
expect_not_in "$T/stderr" 'mente du' "nothing far off is suggested"
expect_in "$T/stderr" 'klarbrev fill SKABELON' "the usage follows"

run "$KLARBREV" fill a.docx sag.json -o b.docx --delimiter "{ }"; expect_rc 2 "a mistyped option"
expect_in "$T/stderr" 'ukendt tilvalg --delimiter; mente du »--delimiters«?' "the nearest option is suggested"
run "$KLARBREV" check brev.txt --no-spel; expect_rc 2 "another mistyped option"
expect_in "$T/stderr" 'mente du »--no-spell«?' "the nearest option of check"
run "$KLARBREV" check brev.txt --zzz; expect_rc 2 "an option nowhere near"
expect_in "$T/stderr" 'klarbrev check kender --format, --data-dir' "the options the command takes are listed"
run "$KLARBREV" template lnit x; expect_rc 2 "a mistyped subcommand of template"
expect_in "$T/stderr" 'ukendt underkommando "lnit"; mente du »lint«?' "the nearest subcommand of template"
run "$KLARBREV" plugin tset; expect_rc 2 "a mistyped subcommand of plugin"
expect_in "$T/stderr" 'mente du »test«?' "the nearest subcommand of plugin"
finish
