-- plugins/kancellisprog.lua -- stiff, old-fashioned official language (kancellisprog) in a letter to a citizen,
-- with the plain word to write instead.
--
-- The list is curated from shared/reference/kancellisprog.tsv: only what a Danish editor would flag in a letter to
-- a citizen, each with its plain replacement (a suggestion that can replace the words as they stand) or, where no
-- replacement fits every sentence, a short hint in the message. Entries that are correct where the law is cited
-- ("jf.", "i henhold til", "pågældende") are not flagged in a paragraph with a § reference; nothing is flagged in a
-- quotation or in an annex of rules, because quoted law must stay as it is.
--
-- This is a visitor, not a declarative `replace` list: the core's phrase lists cannot skip a quotation or a
-- paragraph that cites the law. A municipality that accepts a phrase lists it in the option `allow`
-- ([plugin kancellisprog] allow = jf., samtlige), or switches the rule off ([rules] kancellisprog = off).
-- Rule id of every finding: kancellisprog.
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
---------------------------------------------------------------------------------------------------------------------
-- Shared word patterns. The same block is in forvaltningsloven.lua, kancellisprog.lua and tone.lua.
--
-- A pattern is words separated by spaces, matched against the lower-case words of one sentence (punctuation is
-- not part of a word, so "fra den dag, du fik" is matched by "fra den dag du fik"):
--   "a|b"   one of these words             "ab*"   a word that starts with "ab"
--   "a?"    an optional word                "*"     any one word
--   "..."   zero to three words             "!a|b"  the next word is none of these (takes no word)
---------------------------------------------------------------------------------------------------------------------
-- luacheck: push ignore 211 (not every plugin uses every helper)

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

-- luacheck: pop
---------------------------------------------------------------------------------------------------------------------
-- End of the shared word patterns.
---------------------------------------------------------------------------------------------------------------------

-- The list, curated from shared/reference/kancellisprog.tsv. Each entry: the phrase (lower case, as words), and
-- either `to` (what to write instead: the suggestions, best first, each one a word-for-word replacement that keeps
-- the sentence grammatical) or `hint` (how to rewrite, when no replacement fits every sentence). `legal = true`
-- marks an expression that is right in a paragraph that cites the law (a § and a number): it is not flagged there.
-- Nothing is flagged inside a quotation (» «, " ", “ ”) or in an annex of rules ("Regler", "Lovgrundlag").
local ENTRIES = {
  { "såfremt", to = { "hvis" } },
  { "endvidere", to = { "desuden", "også" } },
  { "nærværende", to = { "denne", "dette" } },
  { "jf.", to = { "se", "efter" }, legal = true },
  { "jfr.", to = { "se", "efter" }, legal = true },
  { "jævnfør", to = { "se", "efter" }, legal = true },
  { "iht.", to = { "efter", "ifølge" }, legal = true },
  { "i henhold til", to = { "efter", "ifølge" }, legal = true },
  { "i medfør af", to = { "efter", "ifølge" }, legal = true },
  { "vedrørende", to = { "om" } },
  { "vedr.", to = { "om" } },
  { "angående", to = { "om" } },
  { "ovennævnte", to = { "nævnte", "denne" } },
  { "ovenfor nævnte", to = { "nævnte" } },
  { "skrivelse", to = { "brev" } },
  { "skrivelsen", to = { "brevet" } },
  { "skrivelser", to = { "breve" } },
  { "udbad", to = { "bad om" } },
  { "udbede sig", to = { "bede om" } },
  { "udbeder sig", to = { "beder om" } },
  { "fremsende", to = { "sende" } },
  { "fremsender", to = { "sender" } },
  { "fremsendt", to = { "sendt" } },
  { "fremsendte", to = { "sendte" } },
  { "fremsendes", hint = "Skriv aktivt, hvem der sender: »vi sender« eller »du sender«." },
  { "hoslagt", to = { "vedlagt" } },
  { "under henvisning til", hint = "Skriv »fordi« og sig årsagen med et udsagnsord, fx »fordi du har flyttet«." },
  { "hvilket", hint = "Sæt punktum, og begynd en ny sætning, fx »Det betyder, at …«." },
  { "ihvorvel", to = { "selv om" } },
  { "hvorhos", to = { "og" } },
  { "påhviler", hint = "Skriv, hvem der skal gøre hvad: »det påhviler dig at« bliver »du skal«." },
  { "tilbagegive", to = { "give tilbage" } },
  { "herved", hint = "Slet ordet, og skriv budskabet direkte." },
  { "hermed", hint = "Slet ordet, og skriv budskabet direkte, fx »Vi sender dig …«." },
  { "idet", to = { "fordi", "da" } },
  { "forinden", to = { "før", "først" } },
  { "undertegnede", to = { "jeg" } },
  { "rette henvendelse", to = { "kontakte" } },
  { "rette telefonisk henvendelse", to = { "ringe" } },
  { "d.d.", to = { "i dag" } },
  { "p.t.", to = { "lige nu", "for tiden" } },
  { "bl.a.", to = { "blandt andet" } },
  { "dvs.", to = { "det vil sige" } },
  { "pga.", to = { "på grund af" } },
  { "mht.", to = { "om", "når det gælder" } },
  { "ifm.", to = { "i forbindelse med" } },
  { "ift.", to = { "i forhold til" } },
  { "evt.", to = { "eventuelt", "måske" } },
  { "anføre", to = { "skrive", "nævne" } },
  { "anfører", to = { "skriver", "nævner" } },
  { "anført", to = { "skrevet", "nævnt" } },
  { "anses for", to = { "er", "regnes for" } },
  { "anses som", to = { "er", "regnes som" } },
  { "anvendelse", to = { "brug" } },
  { "anvende", to = { "bruge" } },
  { "anvender", to = { "bruger" } },
  { "anvendt", to = { "brugt" } },
  { "afhænde", to = { "sælge" } },
  { "afhændet", to = { "solgt" } },
  { "befordring", to = { "kørsel", "transport" } },
  { "beskaffenhed", to = { "art", "tilstand" } },
  { "besidde", to = { "have", "eje" } },
  { "besidder", to = { "har", "ejer" } },
  { "bevirke", to = { "føre til", "betyde" } },
  { "bevirker", to = { "fører til", "betyder" } },
  { "erlægge", to = { "betale" } },
  { "erhverve", to = { "få", "købe" } },
  { "efterleve", to = { "følge", "overholde" } },
  { "forefindes", to = { "findes", "er" } },
  { "foreligger", to = { "er" } },
  { "foreliggende", hint = "Skriv, hvilke oplysninger det er, fx »de oplysninger, vi har fået fra din læge«." },
  { "forestå", to = { "stå for" } },
  { "forevise", to = { "vise" } },
  { "fravige", to = { "afvige fra" } },
  { "fremkomme med", to = { "komme med" } },
  { "henstand", to = { "udsættelse" } },
  { "henstille", to = { "bede", "opfordre" } },
  { "henstiller", to = { "beder", "opfordrer" } },
  { "herværende", to = { "denne", "her" } },
  { "hjemmehørende", to = { "bosat" } },
  { "hvad angår", to = { "om", "når det gælder" } },
  { "hvorefter", to = { "derefter", "og så" } },
  { "imødese", to = { "vente", "se frem til" } },
  { "imødeser", to = { "venter", "ser frem til" } },
  { "indeværende år", to = { "i år" } },
  { "ligeledes", to = { "også" } },
  { "meddele", to = { "skrive", "fortælle" } },
  { "meddeler", to = { "skriver", "fortæller" } },
  { "meddelt", to = { "skrevet", "fortalt" } },
  { "meddeles", hint = "Skriv aktivt: »vi skriver til dig« eller »du får besked«." },
  { "medføre", to = { "føre til", "betyde" } },
  { "medfører", to = { "fører til", "betyder" } },
  { "medført", to = { "ført til" } },
  { "oppebære", to = { "få", "modtage" } },
  { "oppebærer", to = { "får", "modtager" } },
  { "påberåbe sig", to = { "henvise til" } },
  { "påkrævet", to = { "nødvendig" } },
  { "påregne", to = { "regne med" } },
  { "samtlige", to = { "alle" }, legal = true },
  { "således", to = { "sådan", "derfor" } },
  { "således at", to = { "så" } },
  { "tillige", to = { "også" } },
  { "tilstille", to = { "sende" } },
  { "underrette", to = { "fortælle", "give besked" } },
  { "underrettet", hint = "Skriv »fortalt« eller »fået besked«." },
  { "underretning", to = { "besked" } },
  { "undlade", to = { "lade være med" } },
  { "undlader", to = { "lader være med" } },
  { "udgør", to = { "er" } },
  { "ydes", hint = "Skriv aktivt, hvem der giver: »du får« eller »vi giver dig«." },
  { "bedes", hint = "Skriv direkte: »Send …« eller »Vi beder dig om at …«." },
  { "venligst", hint = "Slet ordet, eller skriv »Vil du …«." },
  { "herefter", to = { "derefter", "nu" } },
  { "eftersom", to = { "fordi" } },
  { "for så vidt angår", to = { "om", "når det gælder" } },
  { "med henblik på", hint = "Skriv »for at« og et udsagnsord, fx »for at finde et job«." },
  { "i relation til", to = { "om" } },
  { "i tilfælde af at", to = { "hvis" } },
  { "på baggrund af", to = { "på grund af", "ud fra" } },
  { "i forbindelse med", hint = "Skriv »når« eller »ved«, fx »når du flytter«." },
  { "fremadrettet", to = { "fremover", "fra nu af" } },
  { "ultimo", to = { "sidst i" } },
  { "primo", to = { "først i" } },
  { "medio", to = { "midt i" } },
  { "anmode om", to = { "bede om" } },
  { "anmoder om", to = { "beder om" } },
  { "anmodet om", to = { "bedt om" } },
  { "anmodning", hint = "Skriv, hvad det er: »ansøgning«, »ønske« eller »spørgsmål«." },
  { "erholde", to = { "få" } },
  { "tilgår", hint = "Skriv, hvem der får hvad: »beløbet tilgår din NemKonto« bliver »du får pengene på din "
    .. "NemKonto«." },
  { "iværksætte", to = { "starte", "sætte i gang" } },
  { "iværksat", to = { "startet", "sat i gang" } },
  { "effektuere", to = { "gennemføre", "udføre" } },
  { "konstatere", to = { "se", "finde ud af" } },
  { "konstateret", to = { "set", "fundet ud af" } },
  { "foranledige", to = { "sørge for" } },
  { "hvorved", hint = "Sæt punktum, og skriv fx »Så …« eller »Dermed …«." },
  { "hvoraf", hint = "Sæt punktum, og skriv fx »Af dem …«." },
  { "såvel", hint = "Skriv »både … og« i stedet for »såvel … som«." },
  { "pågældende", hint = "Skriv, hvem eller hvad det er: »du«, »ydelsen«, »sagen«.", legal = true },
  { "den pågældende", hint = "Skriv »du«, når det er modtageren, ellers hvem det er.", legal = true },
  { "vedkommende", hint = "Skriv »du«, når det er modtageren, ellers hvem det er.", legal = true },
  { "borgeren", hint = "Skriv »du«, når borgeren er den, der får brevet." },
  { "ansøgeren", to = { "du" } },
  { "er berettiget til", to = { "har ret til" } },
  { "være berettiget til", to = { "have ret til" } },
  { "ikke berettiget til", hint = "Skriv »har ikke ret til«." },
}
-- Left out of the tsv on purpose (a Danish editor would not flag them in a letter, or another plugin does):
-- "man", "samt", "dog", "modtage", "afgive", "foretage", "herunder", "yderligere", "fremgår af" (a normal way to
-- name a source: "Det fremgår af lægeerklæringen"), "formentlig", "ligesom", "samtidig med at", "i øvrigt",
-- "hvorfor" (also a plain question word), "ansøger" (also the verb: "du ansøger"), "udøve", "i det omfang",
-- "forudsat at"; "De/Dem/Deres" (tone.lua: tiltale); "foretage en vurdering", "tage stilling til", "træffe
-- afgørelse om", "give tilladelse til", "yde hjælp", "afgive en udtalelse", "afgivelse af" (tone.lua: nominalstil).

-- Compiled: by the phrase's first word, longest phrases first.
local BY_FIRST = {}
do
  local byfirst = {}
  for _, e in ipairs(ENTRIES) do
    local words = {}
    for w in e[1]:gmatch("%S+") do words[#words + 1] = w end
    local c = { pat = compile(e[1]), n = #words, phrase = e[1], to = e.to, hint = e.hint, legal = e.legal }
    local list = byfirst[words[1]]
    if not list then
      list = {}
      byfirst[words[1]] = list
    end
    list[#list + 1] = c
  end
  for first, list in pairs(byfirst) do
    table.sort(list, function(a, b) return a.n > b.n end)
    BY_FIRST[first] = list
  end
end

-- "hvis" -> "Hvis" when the text found starts with a capital.
local function match_case(sugg, found)
  local f = found:match("^[\0-\127\194-\244][\128-\191]*")
  if f and klarbrev.lower(f) ~= f then
    local s1 = sugg:match("^[\0-\127\194-\244][\128-\191]*")
    return klarbrev.upper(s1) .. sugg:sub(#s1 + 1)
  end
  return sugg
end

local function skip_origin(letter, origin)
  local ty = field_type(letter, origin_field(origin))
  return ty == "name" or ty == "address" or ty == "cpr"
end

return {
  id = "kancellisprog",
  level = "warning",
  description = "Stive, gammeldags vendinger (kancellisprog) gør brevet svært at læse. Skriv, som du ville sige det.",

  options = {
    allow = {}, -- phrases the municipality accepts, e.g. allow = jf., samtlige (in the config file)
  },

  on_letter = function(letter, report, options)
    local allowed = {}
    for _, a in ipairs(options.allow) do allowed[klarbrev.lower(a)] = true end
    for _, r in ipairs(prepare(letter)) do
      local checked = (r.kind == "prose" or r.kind == "heading" or r.kind == "table")
        and not r.quoted and r.section ~= "regler"
      if checked then
        for _, s in ipairs(r.sents) do
          local ws = s.words
          local i = 1
          while i <= #ws do
            local hit, last
            local list = BY_FIRST[ws[i].lower]
            if list then
              for k = 1, #list do
                local c = list[k]
                local j = match_from(c.pat, ws, 1, i)
                if j and j >= i then
                  hit, last = c, j
                  break
                end
              end
            end
            if hit then
              local a, b = ws[i].a, ws[last].b
              local pa, pb = s.off + a, s.off + b
              local skip = allowed[hit.phrase] or in_spans(r.quotes, pa, pb) or (hit.legal and r.legal)
                or skip_origin(letter, ws[i].node.origin)
              if not skip then
                local found = s.text:sub(a, b)
                if hit.to then
                  local sugg = {}
                  for n, t in ipairs(hit.to) do sugg[n] = match_case(t, found) end
                  local alts = ""
                  if #sugg > 1 then
                    alts = " eller »" .. table.concat(sugg, "« eller »", 2) .. "«"
                  end
                  report{ at = s.node, start = a - 1, length = b - a + 1, suggestion = sugg,
                    message = string.format("Skriv »%s«%s i stedet for »%s«.", sugg[1], alts, found) }
                else
                  report{ at = s.node, start = a - 1, length = b - a + 1,
                    message = string.format("»%s« er kancellisprog. %s", found, hit.hint) }
                end
              end
              i = last + 1
            else
              i = i + 1
            end
          end
        end
      end
    end
  end,

  examples = {
    ok = {
      "Hvis du flytter, skal du give os besked.",
      -- right in a paragraph that cites the law
      "Det står i aktivlovens § 11, jf. § 14.",
      -- a quotation is left as it is
      "Loven siger: »Såfremt ansøgeren har formue, skal denne anvendes først.«",
      -- "fremgår af" is a plain way to name a source
      "Det fremgår af dit kontoudtog, at du har 58.300 kr.",
    },
    bad = {
      "[[Såfremt]] du flytter, skal du give os besked.",
      "Vi har modtaget din [[skrivelse]] [[vedrørende]] boligstøtte.",
      "Du har ret til hjælp, [[jf.]] aktivloven.",
      "Du [[bedes]] sende kontoudtogene, [[hvilket]] er nødvendigt.",
      "Vi skal [[i henhold til]] loven se på din formue.",
    },
  },
}
