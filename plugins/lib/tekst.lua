-- plugins/lib/tekst.lua -- text helpers shared by the bundled plugins, as klarbrev.lib.tekst.
--
-- klarbrev runs every file in plugins/lib/ in each plugin's sandbox before the plugin itself; the table a file
-- returns is klarbrev.lib.<file name>, read-only like everything else. A plugin takes what it needs:
--   local tekst = klarbrev.lib.tekst
--   local prepare, quote_spans = tekst.prepare, tekst.quote_spans
--
-- Word patterns: klarbrev.matcher (docs/plugins.md, "Ordmønstre"); locate places the hits of a search of a
-- paragraph in its record's sentences.

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

-- The hits of a klarbrev.matcher search of a paragraph (m:find(p), m:first(p)) placed in the paragraph record's
-- sentences (r.sents): each hit gets sent (the sentence's index), i and j (its first and last word in that
-- sentence's words). The matcher cuts the paragraph's text into the same sentences and words as the core, and a
-- match never crosses a sentence. hits is a list in text order; returns it.
local function locate(hits, sents)
  local si, base = 1, 0 -- the sentence of the hit, and the paragraph's words before it
  for n = 1, #hits do
    local h = hits[n]
    while si < #sents and h.first > base + #sents[si].words do
      base = base + #sents[si].words
      si = si + 1
    end
    h.sent, h.i, h.j = si, h.first - base, h.last - base
  end
  return hits
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

-- The value at a dotted path of the case's fields ("modtager.cpr", "begrundelse.fakta"), or nil.
local function field_value(fields, path)
  local v = fields
  for part in path:gmatch("[^%.]+") do
    if type(v) ~= "table" then return nil end
    v = v[part]
  end
  return v
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
  locate = locate,
  origin_field = origin_field,
  field_type = field_type,
  field_value = field_value,
}
