-- plugins/lib/tekst.lua -- text helpers shared by the bundled plugins, as klarbrev.lib.tekst.
--
-- klarbrev runs every file in plugins/lib/ in each plugin's sandbox before the plugin itself; the table a file
-- returns is klarbrev.lib.<file name>, read-only like everything else. A plugin takes what it needs:
--   local tekst = klarbrev.lib.tekst
--   local prepare, quote_spans = tekst.prepare, tekst.quote_spans
--
-- Word patterns (compile, find_pattern, find_any):
-- A pattern is words separated by spaces, matched against the lower-case words of one sentence (punctuation is
-- not part of a word, so "fra den dag, du fik" is matched by "fra den dag du fik"):
--   "a|b"   one of these words             "ab*"   a word that starts with "ab"
--   "a?"    an optional word                "*"     any one word
--   "..."   zero to three words             "!a|b"  the next word is none of these (takes no word)


-- Paragraph kinds and sections (prose, heading, the address block, the closing; the topic of the last heading) are
-- the core's: paragraph.kind, paragraph.section, paragraph.topic (docs/plugins.md).

local QUOTE_PAIRS = { { "»", "«" }, { "“", "”" }, { "„", "“" }, { "\"", "\"" } }

-- Byte ranges {first, last} of the quotations in a paragraph's text (» «, “ ”, „ “, " ").
local function quote_spans(text)
  local spans = {}
  for i = 1, #QUOTE_PAIRS do
    local open, close = QUOTE_PAIRS[i][1], QUOTE_PAIRS[i][2]
    local pos = 1
    while true do
      local a, b = text:find(open, pos, true)
      if not a then break end
      local c, d = text:find(close, b + 1, true)
      if not c then break end
      spans[#spans + 1] = { a, d }
      pos = d + 1
    end
  end
  return spans
end

local function in_spans(spans, a, b)
  for i = 1, #spans do
    if a >= spans[i][1] and b <= spans[i][2] then return true end
  end
  return false
end

-- The words of a sentence with their byte range in the sentence's text (1-based, inclusive), from the offsets the
-- core gives each node (word.offset and sentence.offset: bytes before it in the paragraph).
local function sentence_words(sentence)
  local out = {}
  local base = sentence.offset - 1
  local nodes = sentence.words
  for i = 1, #nodes do
    local w = nodes[i]
    local t = w.text
    local a = w.offset - base
    out[i] = { text = t, lower = w.lower, a = a, b = a + #t - 1, node = w }
  end
  return out
end

-- One paragraph as a record:
--   { node, index, text, lower, part, style, heading, in_table, origin, nwords,
--     kind = "prose" | "heading" | "head" (address, date, salutation, case number) | "closing" (greeting and
--            signature) | "table" | "part" (header, footer, notes) | "empty"   (paragraph.kind, from the core),
--     section = topic of the last heading ("klage", "regler", "begrundelse", "afgoerelse", "andet") or nil,
--     topic = a heading's own topic,
--     legal = the paragraph cites a section of a law (§ and a number),
--     quotes = quote_spans(text), quoted = the whole paragraph is a quotation,
--     sents = { { node, text, lower, off (byte offset in the paragraph, 0-based), words = sentence_words(...) } } }
-- index is left out unless with_index is true: a paragraph visitor that reads a paragraph's index is not kept in
-- the paragraph memo (docs/plugins.md).
local function paragraph(p, with_index)
  local text = p.text
  local r = {
    node = p, index = with_index and p.index or nil, text = text, lower = p.lower, part = p.part,
    style = p.style, heading = p.heading, in_table = p.in_table, origin = p.origin, sents = {}, nwords = 0,
    kind = p.kind, section = p.section, topic = p.topic,
  }
  local sn = p.sentences
  for si = 1, #sn do
    local s = sn[si]
    local words = sentence_words(s)
    r.sents[si] = { node = s, text = s.text, lower = s.lower, off = s.offset, words = words }
    r.nwords = r.nwords + #words
  end
  r.quotes = quote_spans(text)
  local first, last = text:find("%S"), #text:gsub("%s+$", "")
  r.quoted = false
  for i = 1, #r.quotes do
    if r.quotes[i][1] == first and r.quotes[i][2] >= last - 1 then r.quoted = true end
  end
  r.legal = text:find("§[%s\194\160]*%d") ~= nil
  return r
end

-- The letter as a list of paragraph records (paragraph(p, true) for each).
local function prepare(letter)
  local paras = {}
  local nodes = letter.paragraphs
  for pi = 1, #nodes do paras[pi] = paragraph(nodes[pi], true) end
  return paras
end

-- The origin's field path ("field:modtager.navn" -> "modtager.navn"), or nil.
local function origin_field(origin)
  if type(origin) == "string" and origin:sub(1, 6) == "field:" then return origin:sub(7) end
  return nil
end

-- The manifest's type of a field path ("name", "address", "cpr", ...), or nil. A field in a list item has the item's
-- index in its path ("hjaelpemidler[2].navn"): its entry is under the list's items ("navn" in hjaelpemidler.items).
local function field_type(letter, path)
  if not path then return nil end
  local m = letter.template
  local fields = m and m.fields
  local head, rest = path:match("^(.-)%[%d+%]%.?(.*)$")
  while fields and head do
    local list = fields[head]
    fields = type(list) == "table" and list.items or nil
    path = rest
    head, rest = path:match("^(.-)%[%d+%]%.?(.*)$")
  end
  local f = type(fields) == "table" and fields[path]
  return type(f) == "table" and f.type or nil
end



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

-- A list of pattern sources as compiled patterns.
local function compile_list(list)
  local out = {}
  for i = 1, #list do out[i] = compile(list[i]) end
  return out
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

-- The first match of pat in words at or after word from: first and last word index, or nil.
local function find_pattern(pat, words, from)
  for i = from or 1, #words do
    local j = match_from(pat, words, 1, i)
    if j and j >= i then return i, j end
  end
  return nil
end

-- The first match of any pattern of a compiled list: first, last, pattern number.
local function find_any(list, words)
  local best_i, best_j, best_k
  for k = 1, #list do
    local i, j = find_pattern(list[k], words)
    if i and (not best_i or i < best_i) then best_i, best_j, best_k = i, j, k end
  end
  return best_i, best_j, best_k
end



-- "hvis" -> "Hvis": the first character in upper case (UTF-8-aware, "ændring" -> "Ændring").
local function capitalise(s)
  local first = s:match("^[\0-\127\194-\244][\128-\191]*")
  if not first then return s end
  return klarbrev.upper(first) .. s:sub(#first + 1)
end

-- True when text from this origin is a name, an address or a CPR number (by the manifest's field types): tone and
-- wording rules leave such values alone.
local function skip_origin(letter, origin)
  local ty = field_type(letter, origin_field(origin))
  return ty == "name" or ty == "address" or ty == "cpr"
end

-- The same for a node (word, sentence, paragraph) by the type the core gives it (node.field_type), for a paragraph
-- visitor, which has no letter.
local function skip_node(node)
  local ty = node.field_type
  return ty == "name" or ty == "address" or ty == "cpr"
end

return {
  capitalise = capitalise,
  skip_node = skip_node,
  skip_origin = skip_origin,
  QUOTE_PAIRS = QUOTE_PAIRS,
  quote_spans = quote_spans,
  in_spans = in_spans,
  sentence_words = sentence_words,
  prepare = prepare,
  paragraph = paragraph,
  origin_field = origin_field,
  field_type = field_type,
  compile = compile,
  compile_list = compile_list,
  tok_ok = tok_ok,
  match_from = match_from,
  find_pattern = find_pattern,
  find_any = find_any,
}
