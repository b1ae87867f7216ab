#!/usr/bin/env bash
# The dictionary is loaded only when it is needed (issue 13):
#  - --no-spell never loads it: check and fill succeed with no dictionary installed at all, and a plugin then gets
#    klarbrev.dictionary false, nil from klarbrev.spell and empty lists from klarbrev.analyze/suggest;
#  - the spelling's disk cache ($KLARBREV_CACHE_DIR) answers the words an earlier run looked up, so a second check of
#    the same letter gives the same report without the dictionary; a changed word list, a damaged cache file or a
#    file made for something else is not used.
# No timing here: that the dictionary is not loaded shows as a run that succeeds where a load would fail.
. "$(dirname "$0")/lib.sh"
DATA=$KB_SRC/tests/cli/data
mkdir -p "$T/ingen-ordbog" "$T/data/plugins" "$T/data/dictionaries" "$T/hunspell"
NONE=$T/ingen-ordbog

# a plugin that shows what the helpers give, called without pcall: a failed load would be an error finding
cat >"$T/data/plugins/ordbog.lua" <<'LUA'
return {
  id = "ordbog", level = "info",
  on_letter = function(letter, report)
    local s = klarbrev.spell("hus")
    report(letter, "dictionary=%s spell=%s analyze=%d suggest=%d", tostring(klarbrev.dictionary), tostring(s),
      #klarbrev.analyze("behandles"), #klarbrev.suggest("kontanthjlp"))
  end,
}
LUA
printf 'Vi har behandlet din ansøgning. Alle borgeres sager behandles.\n' >"$T/brev.txt"

# --no-spell with no dictionary anywhere: check and fill succeed, and the helpers answer without one
KLARBREV_HUNSPELL_DIR=$NONE run "$KLARBREV" check "$T/brev.txt" --data-dir "$T/data" --no-spell
expect_rc 0 "check --no-spell needs no dictionary"
expect_in "$T/stdout" "dictionary=false spell=nil analyze=0 suggest=0" "the helpers without a dictionary"
KLARBREV_HUNSPELL_DIR=$NONE run "$KLARBREV" check "$T/brev.txt" --no-spell --format json
[ "$rc" -ne 2 ] && pass || fail "check --no-spell with the bundled plugins and no dictionary: exit code $rc"
expect_not_in "$T/stdout" '"rule": "passiv"' "tone.lua reports no passive it cannot see (not »borgeres«)"
expect_not_in "$T/stdout" 'ordbog' "no plugin fails for want of the dictionary"
printf '{"modtager": {"navn": "Xyqwerte Hansen"}, "tekst": "Vi har modtaget din ansøgning."}' >"$T/case.json"
KLARBREV_HUNSPELL_DIR=$NONE run "$KLARBREV" fill "$DATA/navn" "$T/case.json" -o "$T/out.docx" --no-spell
expect_rc 0 "fill --no-spell needs no dictionary"
[ -s "$T/out.docx" ] && pass || fail "fill --no-spell writes the letter"
# ... while a run that spells says which package is missing
KLARBREV_HUNSPELL_DIR=$NONE run "$KLARBREV" check "$T/brev.txt" --data-dir "$T/data"
expect_rc 2 "a spelling run without the dictionary"
expect_in "$T/stderr" "den danske ordbog findes ikke" "the missing dictionary is told"
expect_in "$T/stderr" "hunspell-da" "with the package to install"
# with the dictionary, the same plugin sees it
run "$KLARBREV" check "$T/brev.txt" --data-dir "$T/data"
expect_in "$T/stdout" "dictionary=true spell=true analyze=1 suggest=" "the helpers with the dictionary"

# the disk cache: a copy of the dictionary whose files the test can take away again
cp /usr/share/hunspell/da_DK.aff /usr/share/hunspell/da_DK.dic "$T/hunspell/"
export KLARBREV_HUNSPELL_DIR=$T/hunspell
export KLARBREV_CACHE_DIR=$T/spellcache
printf 'Afgørelse\n\nDu får ikke kontanthjlp fra 1. marts. Sagen behandles af Xyqwertekontoret.\n' >"$T/typo.txt"
# (exit code 1: the bundled plugins find errors in so short a letter)
run "$KLARBREV" check "$T/typo.txt" --format json; expect_rc 1 "a cold check"
cp "$T/stdout" "$T/cold.json"
n=$(find "$T/spellcache" -name 'stavning-*.cache' | wc -l)
[ "$n" -eq 1 ] && pass || fail "the cold check writes one cache file (got $n)"
expect_in "$T/cold.json" '"text": "kontanthjlp"' "the typo is found"
expect_in "$T/cold.json" '"kontanthjælp"' "with its suggestion"
expect_in "$T/cold.json" '"rule": "passiv"' "and tone.lua's passive (klarbrev.analyze)"
# warm: the same report, and no dictionary needed for it. To show that, the dictionary's bytes are made zeros while
# its inode, size and time stay (which the cache's identity is made of): loading that would change every answer
run "$KLARBREV" check "$T/typo.txt" --format json; expect_rc 1 "a warm check"
expect_same "$T/stdout" "$T/cold.json" "a warm check gives the same report as a cold one"
cp -p "$T/hunspell/da_DK.dic" "$T/da_DK.dic.orig"
dd if=/dev/zero of="$T/hunspell/da_DK.dic" bs="$(stat -c %s "$T/da_DK.dic.orig")" count=1 conv=notrunc 2>/dev/null
touch -r "$T/da_DK.dic.orig" "$T/hunspell/da_DK.dic"
run "$KLARBREV" check "$T/typo.txt" --format json; expect_rc 1 "the warm check reads no dictionary"
expect_same "$T/stdout" "$T/cold.json" "its report is the cold one, suggestions and analyses included"
run "$KLARBREV" spell --no-cache kontanthjælp
expect_rc 1 "(the zeroed dictionary knows no word: the cache answered above)"
cat "$T/da_DK.dic.orig" >"$T/hunspell/da_DK.dic"
touch -r "$T/da_DK.dic.orig" "$T/hunspell/da_DK.dic"

# a word list that changes makes the cache answer nothing: the new word is known at once
mkdir -p "$T/data2/dictionaries"
cp -r "$KB_SRC/dictionaries/." "$T/data2/dictionaries/"
cp -r "$KB_SRC/plugins" "$T/data2/"
run "$KLARBREV" check "$T/typo.txt" --data-dir "$T/data2" --format json
expect_in "$T/stdout" '"text": "Xyqwertekontoret"' "an unknown office name"
printf 'Xyqwertekontoret\n' >>"$T/data2/dictionaries/navne.dic"
run "$KLARBREV" check "$T/typo.txt" --data-dir "$T/data2" --format json
expect_not_in "$T/stdout" '"text": "Xyqwertekontoret"' "a word added to a word list is known: the cache was not used"
expect_in "$T/stdout" '"text": "kontanthjlp"' "the typo still is not"
# so is a municipality's list named by the config file
printf 'kontanthjlp\n' >"$T/kommune.dic"
printf '[klarbrev]\nword_list = kommune.dic\n' >"$T/kommune.ini"
run "$KLARBREV" check "$T/typo.txt" --config "$T/kommune.ini" --format json
expect_not_in "$T/stdout" '"text": "kontanthjlp"' "a config word list is not answered by the cache of the run without it"

# a damaged cache file is ignored (and replaced), and so is one made for something else
for f in "$T"/spellcache/stavning-*.cache; do
  printf 'x' | dd of="$f" bs=1 seek=40 conv=notrunc 2>/dev/null
done
run "$KLARBREV" check "$T/typo.txt" --format json; expect_rc 1 "a check with a damaged cache file"
expect_same "$T/stdout" "$T/cold.json" "a damaged cache file changes nothing"
for f in "$T"/spellcache/stavning-*.cache; do head -c 3000 /dev/urandom >"$f"; done
run "$KLARBREV" check "$T/typo.txt" --format json
expect_same "$T/stdout" "$T/cold.json" "a cache file of random bytes changes nothing"
for f in "$T"/spellcache/stavning-*.cache; do : >"$f"; done
run "$KLARBREV" check "$T/typo.txt" --format json
expect_same "$T/stdout" "$T/cold.json" "an empty cache file changes nothing"
run "$KLARBREV" check "$T/typo.txt" --format json
expect_same "$T/stdout" "$T/cold.json" "nor the file written after it"
# a dictionary that changes (its time or size) is not answered by the cache either
touch -d '2001-01-01' "$T/hunspell/da_DK.dic"
n=$(find "$T/spellcache" -name 'stavning-*.cache' | wc -l)
run "$KLARBREV" check "$T/typo.txt" --format json
expect_same "$T/stdout" "$T/cold.json" "a check after the dictionary changed"
m=$(find "$T/spellcache" -name 'stavning-*.cache' | wc -l)
[ "$m" -eq $((n + 1)) ] && pass || fail "a changed dictionary gets a cache file of its own ($n, then $m)"

# spell --no-cache and an empty KLARBREV_CACHE_DIR write no cache file
rm -rf "$T/spellcache"
run "$KLARBREV" spell --no-cache kontanthjælp; expect_rc 0 "spell --no-cache"
[ ! -e "$T/spellcache" ] && pass || fail "--no-cache writes no cache"
KLARBREV_CACHE_DIR= run "$KLARBREV" check "$T/typo.txt" --format json
[ ! -e "$T/spellcache" ] && pass || fail "an empty KLARBREV_CACHE_DIR writes no cache"
finish
