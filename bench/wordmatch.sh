#!/usr/bin/env bash
# The word matcher (klarbrev.matcher, core/src/wordmatch.c) against the Lua loop it replaces, side by side in one
# run, on the same letter and the same patterns, inside one plugin:
#   Lua loop        every pattern tried at every word with a backtracking match_from in Lua, keeping the longest
#                   match at each word (tone.lua's nominal-style loop)
#   matcher         m:find(sentence_text, "longest") for every sentence (the same result)
#   matcher (node)  m:find(paragraph_node, "longest") for every paragraph (the text model cuts the words in C)
# The patterns are built as tone.lua builds its nominal-style list: 12 carrier verbs in their tenses times the rest of
# the phrase, with an optional adjective; about 100 patterns. Each way runs $ROUNDS times (default 20) in the plugin
# and the plugin reports os.clock() per letter for each (CPU milliseconds) and the hits each found, which must agree.
#
#   bench/wordmatch.sh                    # uses build/bin/klarbrev (bash scripts/build.sh makes it)
#   KLARBREV=build-x/bin/klarbrev ROUNDS=50 bench/wordmatch.sh
#
# The letter: the non-blank lines of ../shared/corpus/admin/*.txt until it has 1,000 words or more (as
# bench/plugins.sh), with a few nominal-style phrases added so that both ways have something to find.
set -euo pipefail
cd "$(dirname "$0")/.."
KLARBREV=${KLARBREV:-build/bin/klarbrev}
SHARED=${KLARBREV_SHARED:-../shared}
ROUNDS=${ROUNDS:-20}
[ -x "$KLARBREV" ] || { echo "bench/wordmatch.sh: no klarbrev at $KLARBREV; run: bash scripts/build.sh" >&2; exit 2; }
[ -d "$SHARED/corpus/admin" ] || { echo "bench/wordmatch.sh: no corpus at $SHARED/corpus/admin" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/klarbrev-wordmatch.XXXXXX")
trap 'rm -rf "$work"' EXIT

{
  awk 'NF { print; n += NF; if (n >= 1000) exit }' "$SHARED"/corpus/admin/*.txt
  echo "Vi har foretaget en ny vurdering af din sag, og vi traf afgørelse om hjælpen i går."
  echo "Du kan tage kontakt til os. Kommunen gjorde brug af reglerne og gav tilladelse til byggeriet."
} >"$work/letter.txt"
words=$(wc -w <"$work/letter.txt")

mkdir -p "$work/data/plugins"
cp -r plugins/lib "$work/data/plugins/"
cat >"$work/data/plugins/wordmatch_bench.lua" <<EOF
local tekst = klarbrev.lib.tekst
local ROUNDS = $ROUNDS
local CARRIERS = {
  foretage = { "foretage", "foretager", "foretog", "foretaget", "foretages" },
  ["træffe"] = { "træffe", "træffer", "traf", "truffet", "træffes" },
  tage = { "tage", "tager", "tog", "taget", "tages" },
  give = { "give", "giver", "gav", "givet", "gives" },
  yde = { "yde", "yder", "ydede", "ydet", "ydes" },
  afgive = { "afgive", "afgiver", "afgav", "afgivet", "afgives" },
  ["fremsætte"] = { "fremsætte", "fremsætter", "fremsatte", "fremsat", "fremsættes" },
  finde = { "finde", "finder", "fandt", "fundet", "findes" },
  ["gøre"] = { "gøre", "gør", "gjorde", "gjort", "gøres" },
  ["være"] = { "være", "er", "var", "været" },
  bringe = { "bringe", "bringer", "bragte", "bragt", "bringes" },
}
local ADJ = "ny|nyt|fornyet|konkret|samlet|individuel|grundig|endelig|egentlig?"
local RESTS = {
  { "foretage", "en|et? ADJ vurdering|vurderingen af?" }, { "foretage", "en|et? ADJ undersøgelse|undersøgelsen af?" },
  { "foretage", "en|et? ADJ beregning|beregningen af?" }, { "foretage", "en|et? ADJ ændring|ændringen af?" },
  { "foretage", "en|et? ADJ behandling|behandlingen af?" }, { "foretage", "en|et? ADJ kontrol|kontrollen af?" },
  { "træffe", "en? ADJ afgørelse|afgørelsen om|i" }, { "træffe", "en? beslutning|beslutningen om?" },
  { "tage", "kontakt til" }, { "give", "tilladelse til" }, { "give", "meddelelse om?" }, { "yde", "hjælp til?" },
  { "yde", "støtte til?" }, { "afgive", "en? udtalelse|erklæring" }, { "fremsætte", "en? anmodning|begæring om?" },
  { "finde", "sted" }, { "gøre", "brug af" }, { "være", "i besiddelse af" }, { "bringe", "til ophør" },
  { "foretage", "en|et? ADJ betaling|indbetaling|betalingen af?" }, { "give", "afslag på" },
  { "tage", "stilling til" }, { "finde", "anledning til" },
}
local SRC = {}
for _, r in ipairs(RESTS) do
  for _, form in ipairs(CARRIERS[r[1]]) do
    SRC[#SRC + 1] = form .. " " .. r[2]:gsub("ADJ", ADJ)
  end
end
-- The Lua matcher the bundled plugins used before klarbrev.matcher (plugins/lib/tekst.lua had it): a pattern
-- compiled to a list of elements, matched by backtracking at one word.
local function compile(src)
  local toks = {}
  for tok in src:gmatch("%S+") do
    local t = {}
    if tok == "*" then
      t.any = true
    elseif tok == "..." then
      t.gap = 3
    else
      if #tok > 1 and tok:sub(1, 1) == "!" then t.neg = true; tok = tok:sub(2) end
      if #tok > 1 and tok:sub(-1) == "?" then t.opt = true; tok = tok:sub(1, -2) end
      t.alts, t.prefixes = {}, {}
      for alt in tok:gmatch("[^|]+") do
        if #alt > 1 and alt:sub(-1) == "*" then
          t.prefixes[#t.prefixes + 1] = alt:sub(1, -2)
        else
          t.alts[alt] = true
        end
      end
    end
    toks[#toks + 1] = t
  end
  return toks
end

local function tok_ok(t, w)
  if t.any then return true end
  if t.alts[w] then return true end
  local pre = t.prefixes
  for i = 1, #pre do
    local p = pre[i]
    if #w >= #p and w:sub(1, #p) == p then return true end
  end
  return false
end

-- The index of the last word of a match of pat[pi..] starting at words[wi], or nil.
local function match_from(pat, words, pi, wi)
  local t = pat[pi]
  if not t then return wi - 1 end
  if t.gap then
    for k = 0, t.gap do
      if wi + k > #words + 1 then break end
      local r = match_from(pat, words, pi + 1, wi + k)
      if r then return r end
    end
    return nil
  end
  local w = words[wi]
  if t.neg then
    if w and tok_ok(t, w.lower) then return nil end
    return match_from(pat, words, pi + 1, wi)
  end
  if w and tok_ok(t, w.lower) then
    local r = match_from(pat, words, pi + 1, wi + 1)
    if r then return r end
  end
  if t.opt then return match_from(pat, words, pi + 1, wi) end
  return nil
end

local COMPILED = {}
for k = 1, #SRC do COMPILED[k] = compile(SRC[k]) end
local M = klarbrev.matcher(SRC)

-- tone.lua's loop: at each word every pattern, the longest match, then on after it
local function lua_loop(sents)
  local hits = 0
  for _, s in ipairs(sents) do
    local ws = s.words
    local i = 1
    while i <= #ws do
      local last
      for k = 1, #COMPILED do
        local j = match_from(COMPILED[k], ws, 1, i)
        if j and j >= i and (not last or j > last) then last = j end
      end
      if last then hits = hits + 1; i = last + 1 else i = i + 1 end
    end
  end
  return hits
end

local function matcher_sentences(sents)
  local hits = 0
  for _, s in ipairs(sents) do hits = hits + #M:find(s.text, "longest") end
  return hits
end

local function matcher_nodes(letter)
  local hits = 0
  for _, p in ipairs(letter.paragraphs) do hits = hits + #M:find(p, "longest") end
  return hits
end

local function timed(fn, arg)
  local t0, n = os.clock(), 0
  for _ = 1, ROUNDS do n = fn(arg) end
  return (os.clock() - t0) * 1000 / ROUNDS, n
end

return {
  id = "wordmatch_bench",
  on_letter = function(letter, report)
    local sents = {}
    for _, r in ipairs(tekst.prepare(letter)) do
      for _, s in ipairs(r.sents) do sents[#sents + 1] = s end
    end
    local a, ha = timed(lua_loop, sents)
    local b, hb = timed(matcher_sentences, sents)
    local c, hc = timed(matcher_nodes, letter)
    report(letter, "patterns=%d lua_ms=%.3f lua_hits=%d matcher_ms=%.3f matcher_hits=%d node_ms=%.3f node_hits=%d",
      #SRC, a, ha, b, hb, c, hc)
  end,
}
EOF

out=$("$KLARBREV" check "$work/letter.txt" --no-spell --data-dir "$work/data" 2>&1 || true)
line=$(printf '%s\n' "$out" | grep -o 'patterns=[^ ]* lua_ms=.*node_hits=[0-9]*' | head -1)
[ -n "$line" ] || { echo "bench/wordmatch.sh: the bench plugin reported nothing:" >&2; printf '%s\n' "$out" >&2; exit 2; }
eval "$line" # patterns=... lua_ms=... (numbers only)
echo "Letter: $words words; $patterns patterns; $ROUNDS rounds each, CPU ms per letter (os.clock in the plugin)."
echo
echo "| way | ms per letter | hits | speed-up |"
echo "| --- | --- | --- | --- |"
echo "| Lua loop (match_from, every pattern at every word) | $lua_ms | $lua_hits | 1x |"
echo "| klarbrev.matcher, m:find(sentence.text, \"longest\") per sentence | $matcher_ms | $matcher_hits | $(awk -v a="$lua_ms" -v b="$matcher_ms" 'BEGIN { printf "%.0fx", a / b }') |"
echo "| klarbrev.matcher, m:find(paragraph, \"longest\") per paragraph | $node_ms | $node_hits | $(awk -v a="$lua_ms" -v b="$node_ms" 'BEGIN { printf "%.0fx", a / b }') |"
if [ "$lua_hits" != "$matcher_hits" ] || [ "$lua_hits" != "$node_hits" ]; then
  echo "bench/wordmatch.sh: the ways found different hits ($lua_hits, $matcher_hits, $node_hits)" >&2
  exit 1
fi
