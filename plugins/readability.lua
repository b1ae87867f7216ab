-- plugins/readability.lua -- how hard the letter is to read: LIX of the body text and of each paragraph, long
-- sentences, long paragraphs and very long compound words.
--
-- LIX is convention K (shared/reference/lix-cases.md), the same as the report: klarbrev.lix counts letters, not
-- bytes, and the same words and sentences as every other check. Only prose is scored: a heading, the address
-- block and the date line, a signature, a table cell, a header or footer, and the quoted rules in an annex
-- ("Regler", "Lovgrundlag") are not sentences a reader has to hold in their head. So the LIX this plugin reports
-- can differ from the report's LIX, which counts all the text; the message says so.
--
-- Rules (the rule id of each finding):
--   lix            the body text's LIX: over max_lix a warning, over error_lix an error
--   lix-afsnit     a paragraph of at least paragraph_min_words words: over paragraph_max_lix a warning, over
--                  paragraph_error_lix an error. The bands are higher than the letter's because LIX of a short
--                  text swings widely: one paragraph of LIX 45 in a plain letter is normal, one of 60 is not.
--   readability    a sentence of more than max_words words (the plugin's first rule, so it keeps the plugin's id)
--   langt-afsnit   a paragraph of more than max_paragraph_words words
--   langt-ord      a word (or part of a hyphenated word) of more than max_word_letters letters (info); names,
--                  addresses, e-mail and web addresses and words with digits are left alone
--
-- In the examples, [[...]] marks where a finding must be; a mark around the whole text also takes a finding on
-- the letter as a whole.

---------------------------------------------------------------------------------------------------------------------
-- Shared text helpers. The same block is in readability.lua, forvaltningsloven.lua, kancellisprog.lua and tone.lua:
-- a plugin is one file and cannot require another. Change all four together.
---------------------------------------------------------------------------------------------------------------------
-- luacheck: push ignore 211 (not every plugin uses every helper)

-- Closing quotes and brackets that may follow a sentence's final punctuation.
local TRAILERS = { ")", "]", "\"", "'", "»", "«", "”", "’", "“" }

-- True when the text ends like a sentence (. ! ? : ;), ignoring closing quotes, brackets and white space.
local function ends_like_sentence(text)
  local t = text
  local changed = true
  while changed do
    changed = false
    local s = t:gsub("[%s]+$", "")
    if s:sub(-2) == "\194\160" then s = s:sub(1, -3) end
    if s ~= t then t = s; changed = true end
    for i = 1, #TRAILERS do
      local q = TRAILERS[i]
      if #t > #q and t:sub(-#q) == q then
        t = t:sub(1, -#q - 1)
        changed = true
      end
    end
  end
  local c = t:sub(-1)
  return c == "." or c == "!" or c == "?" or c == ":" or c == ";"
end

local CLOSING_LINES = {
  "med venlig hilsen", "venlig hilsen", "med venlige hilsner", "venlige hilsner", "de bedste hilsner",
  "med de bedste hilsner", "mvh",
}

local function is_closing_line(lower)
  local t = lower:gsub("[%s%p]+$", ""):gsub("^%s+", "")
  for i = 1, #CLOSING_LINES do
    if t == CLOSING_LINES[i] then return true end
  end
  return false
end

-- Lines that carry the letter's particulars rather than its message.
local META_STARTS = { "sagsnr", "sagsnummer", "j.nr", "j. nr", "jnr", "journalnr", "journalnummer", "dato:",
  "cpr", "cpr-nr", "vores ref", "deres ref", "reference:", "telefon", "tlf", "e-mail:", "mail:", "kære ", "hej ",
  "att.", "att:" }

local function is_meta_line(lower)
  local t = lower:gsub("^%s+", "")
  for i = 1, #META_STARTS do
    local m = META_STARTS[i]
    if t:sub(1, #m) == m then return true end
  end
  return false
end

-- "address", "signature", ... paragraph styles (Word and LibreOffice names, English and Danish).
local function style_kind(style)
  if not style then return nil end
  local s = klarbrev.lower(style)
  local function has(x) return s:find(x, 1, true) ~= nil end
  if has("address") or has("adresse") or has("modtager") or has("recipient") then return "head" end
  if has("signature") or has("underskrift") then return "closing" end
  if has("date") or has("dato") then return "head" end
  if has("header") or has("footer") or has("sidehoved") or has("sidefod") then return "part" end
  return nil
end

-- Every word capitalised ("Mette Lund Kristiansen", "Søby Kommune"): a name line, not a title.
local function all_capitalised(words)
  if #words < 2 then return false end
  for i = 1, #words do
    local w = words[i].text
    if klarbrev.lower(w) == w then return false end
  end
  return true
end

-- The topic of a heading, for the section it opens.
local function heading_topic(lower)
  if lower:find("klag", 1, true) then return "klage" end
  local annex = { "regler", "lovgrundlag", "retsgrundlag", "lovtekst", "bilag", "regelgrundlag", "lovregler",
    "retsregler", "lovhenvisning" }
  for i = 1, #annex do
    if lower:find(annex[i], 1, true) then return "regler" end
  end
  local reasons = { "begrundelse", "hvorfor", "derfor", "baggrund", "vurdering" }
  for i = 1, #reasons do
    if lower:find(reasons[i], 1, true) then return "begrundelse" end
  end
  if lower:find("afgørelse", 1, true) or lower:find("afslag", 1, true) or lower:find("bevilling", 1, true) then
    return "afgoerelse"
  end
  return "andet"
end

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

-- The words of a sentence with their byte range in the sentence's text (1-based, inclusive).
local function sentence_words(sentence)
  local text = sentence.text
  local out = {}
  local pos = 1
  local nodes = sentence.words
  for i = 1, #nodes do
    local w = nodes[i]
    local t = w.text
    local a, b = text:find(t, pos, true)
    if not a then a, b = pos, pos + #t - 1 end
    out[i] = { text = t, lower = klarbrev.lower(t), a = a, b = b, node = w }
    pos = b + 1
  end
  return out
end

-- The letter as a list of paragraph records:
--   { node, index, text, lower, part, style, heading, in_table, origin, nwords,
--     kind = "prose" | "heading" | "head" (address, date, salutation, case number) | "closing" (greeting and
--            signature) | "table" | "part" (header, footer, notes) | "empty",
--     section = topic of the last heading ("klage", "regler", "begrundelse", "afgoerelse", "andet") or nil,
--     legal = the paragraph cites a section of a law (§ and a number),
--     quotes = quote_spans(text), quoted = the whole paragraph is a quotation,
--     sents = { { node, text, off (byte offset in the paragraph, 0-based), words = sentence_words(...) } } }
local function prepare(letter)
  local paras = {}
  local nodes = letter.paragraphs
  for pi = 1, #nodes do
    local p = nodes[pi]
    local text = p.text
    local r = {
      node = p, index = pi, text = text, lower = klarbrev.lower(text), part = p.part, style = p.style,
      heading = p.heading, in_table = p.in_table, origin = p.origin, sents = {}, nwords = 0,
    }
    local pos = 1
    local sn = p.sentences
    for si = 1, #sn do
      local s = sn[si]
      local st = s.text
      local a, b = text:find(st, pos, true)
      if not a then a, b = pos, pos + #st - 1 end
      local words = sentence_words(s)
      r.sents[si] = { node = s, text = st, lower = klarbrev.lower(st), off = a - 1, words = words }
      r.nwords = r.nwords + #words
      pos = b + 1
    end
    r.quotes = quote_spans(text)
    local first, last = text:find("%S"), #text:gsub("%s+$", "")
    r.quoted = false
    for i = 1, #r.quotes do
      if r.quotes[i][1] == first and r.quotes[i][2] >= last - 1 then r.quoted = true end
    end
    r.legal = text:find("§[%s\194\160]*%d") ~= nil
    paras[pi] = r
  end
  -- kinds and sections
  local seen_prose, seen_heading, closing, section = false, false, false, nil
  for pi = 1, #paras do
    local r = paras[pi]
    local kind
    local sk = style_kind(r.style)
    local allwords = {}
    for si = 1, #r.sents do
      local ws = r.sents[si].words
      for wi = 1, #ws do allwords[#allwords + 1] = ws[wi] end
    end
    if r.part ~= "body" then
      kind = "part"
    elseif r.in_table then
      kind = "table"
    elseif r.nwords == 0 then
      kind = "empty"
    elseif closing then
      kind = "closing"
    elseif is_closing_line(r.lower) then
      kind = "closing"
      closing = true
    elseif r.heading then
      kind = "heading"
    elseif sk == "closing" then
      kind = "closing"
      closing = true
    elseif sk then
      kind = sk
    elseif is_meta_line(r.lower) then
      kind = "head"
    elseif r.nwords <= 6 and #r.sents == 1 and r.text:gsub("%s+$", ""):sub(-1) == "?" and seen_prose then
      kind = "heading" -- "Har du spørgsmål?" on a line of its own
    elseif r.nwords <= 8 and #r.sents == 1 and not ends_like_sentence(r.text) then
      if not seen_prose and not seen_heading and (all_capitalised(allwords) or r.text:find("%d")) then
        kind = "head"
      else
        kind = "heading"
      end
    elseif not seen_prose and not seen_heading and r.nwords <= 8 and r.text:find("%d")
      and (not ends_like_sentence(r.text) or (r.text:match("(%S+)%s*$") or ""):find("^%a%a?%.$")) then
      kind = "head" -- "Kastanjevej 14, 2. th.", "4470 Søby" before the title
    else
      kind = "prose"
      seen_prose = true
    end
    r.kind = kind
    if kind == "heading" then
      seen_heading = true
      section = heading_topic(r.lower)
      r.topic = section
    elseif kind == "prose" or kind == "table" then
      r.section = section
    end
  end
  return paras
end

-- The origin's field path ("field:modtager.navn" -> "modtager.navn"), or nil.
local function origin_field(origin)
  if type(origin) == "string" and origin:sub(1, 6) == "field:" then return origin:sub(7) end
  return nil
end

-- The manifest's type of a field path ("name", "address", "cpr", ...), or nil.
local function field_type(letter, path)
  if not path then return nil end
  local m = letter.template
  local fields = m and m.fields
  local f = fields and fields[path]
  return f and f.type or nil
end

-- luacheck: pop
---------------------------------------------------------------------------------------------------------------------
-- End of the shared block.
---------------------------------------------------------------------------------------------------------------------

-- Danish LIX scale (dansksproghistorie.dk; lix-cases.md section E).
local function band(lix)
  if lix < 25 then return "meget let" end
  if lix < 35 then return "let" end
  if lix < 45 then return "middel" end
  if lix < 55 then return "svær" end
  return "meget svær"
end

local function round(x)
  return math.floor(x + 0.5)
end

-- A paragraph that is scored as prose: body text, not in a quotation or in the annex of rules.
local function scored(r)
  return r.kind == "prose" and not r.quoted and r.section ~= "regler"
end

-- Letters in the longest hyphen-separated part of a word, and that part.
local function longest_part(word)
  local best, best_n = word, 0
  for part in word:gmatch("[^%-]+") do
    local n = klarbrev.len(part)
    if n > best_n then best, best_n = part, n end
  end
  return best, best_n
end

local function skip_word(letter, w, first)
  local t = w.text
  if t:find("%d") or t:find("@", 1, true) or t:find("/", 1, true) or t:find("www.", 1, true) then return true end
  local ty = field_type(letter, origin_field(w.node.origin))
  if ty == "name" or ty == "address" or ty == "cpr" then return true end
  -- a capitalised word inside a sentence is a name ("Indenrigsministeriets"): it cannot be written another way
  return not first and klarbrev.lower(t) ~= t
end

return {
  id = "readability",
  level = "warning",
  description = "LIX, lange sætninger, lange afsnit og meget lange ord gør brevet svært at læse.",

  options = {
    max_lix = 40,             -- the body text: above this a warning
    error_lix = 50,           -- above this an error (the letter is not sent)
    paragraph_max_lix = 50,   -- one paragraph: above this a warning
    paragraph_error_lix = 60, -- above this an error
    paragraph_min_words = 30, -- shorter paragraphs get no LIX of their own
    max_words = 25,           -- words in one sentence
    max_paragraph_words = 80, -- words in one paragraph
    max_word_letters = 20,    -- letters in one word (or one part of a hyphenated word)
  },

  on_letter = function(letter, report, options)
    local paras = prepare(letter)
    local words, sentences, long = 0, 0, 0
    for _, r in ipairs(paras) do
      if scored(r) then
        local lix, pw, ps, pl = klarbrev.lix(r.node)
        words, sentences, long = words + pw, sentences + ps, long + pl

        -- the paragraph's own LIX
        if pw >= options.paragraph_min_words and lix > options.paragraph_max_lix then
          report{
            at = r.node, rule = "lix-afsnit",
            level = lix > options.paragraph_error_lix and "error" or "warning",
            message = string.format("Afsnittet har LIX %d (%s). Del de lange sætninger op, og skift lange "
              .. "ord ud med kortere, almindelige ord. Sigt efter højst %d.", round(lix), band(lix),
              options.paragraph_max_lix),
          }
        end

        -- long paragraph
        if pw > options.max_paragraph_words then
          report{
            at = r.node, rule = "langt-afsnit",
            message = string.format("Afsnittet har %d ord. Del det op i afsnit på højst %d ord, fx ét afsnit "
              .. "for hvert emne.", pw, options.max_paragraph_words),
          }
        end

        for _, s in ipairs(r.sents) do
          -- long sentence (a sentence inside a quotation is the law's or the citizen's words, not ours)
          local n = #s.words
          if n > options.max_words and not in_spans(r.quotes, s.off + 1, s.off + #s.text) then
            report{
              at = s.node,
              message = string.format("Sætningen har %d ord. Del den op i sætninger på højst %d ord.", n,
                options.max_words),
            }
          end
          -- very long words
          for wi, w in ipairs(s.words) do
            if w.node.letters > options.max_word_letters and not skip_word(letter, w, wi == 1) then
              local _, pn = longest_part(w.text)
              if pn > options.max_word_letters then
                report{
                  at = s.node, rule = "langt-ord", level = "info", start = w.a - 1, length = w.b - w.a + 1,
                  message = string.format("»%s« er et meget langt ord (%d bogstaver). Skriv det om, så det "
                    .. "bliver lettere at læse, fx med »af«, »til« eller »for« mellem ordets dele.", w.text, pn),
                }
              end
            end
          end
        end
      end
    end

    -- the body text's LIX
    if words > 0 then
      local lix = words / sentences + 100 * long / words
      if lix > options.max_lix then
        report{
          at = letter, rule = "lix",
          level = lix > options.error_lix and "error" or "warning",
          message = string.format("Brødteksten har LIX %d (%s). Sigt efter %d eller derunder: skriv kortere "
            .. "sætninger, og brug korte, almindelige ord. (Overskrifter, adresse, underskrift og tabeller er "
            .. "ikke regnet med.)", round(lix), band(lix), options.max_lix),
        }
      end
    end
  end,

  examples = {
    ok = {
      "Du får hjælp fra 1. marts.",
      "Vi har modtaget din ansøgning. Du hører fra os inden for fire uger.",
      -- 25 words is the limit, not over it
      "Du kan klage over afgørelsen, hvis du er uenig, og du skal gøre det senest fire uger efter, at du har fået "
        .. "brevet fra os.",
      -- a heading, an address and a signature are not prose: their short lines do not count
      "Mette Lund\nKastanjevej 14\n4470 Søby\nAfgørelse om hjemmehjælp\nDu får hjælp til rengøring hver 14. dag. "
        .. "Vi kommer om tirsdagen.\nMed venlig hilsen\nAnders Holm",
      -- a long name in an address line is not flagged
      "Socialforvaltningsafdelingen\nDu får hjælp.",
    },
    bad = {
      -- 32 short words in one sentence
      "[[Du har søgt om hjælp til husleje og vi har set på din sag og de papirer du har sendt til os og vi har "
        .. "talt med dig om det i går.]]",
      -- the LIX, paragraph, and long-word rules have their cases in plugins/tests/readability/
    },
  },
}
