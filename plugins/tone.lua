-- plugins/tone.lua -- the letter's voice: passive verbs, nominal style, and how the citizen is addressed.
--
-- Rules (the rule id of each finding):
--   passiv       a passive verb: the s-passive ("behandles", "sendtes", "skal betales") and the blive-passive
--                ("blev bevilget", "bliver sendt", "er blevet afvist"); the message gives the active form with
--                "vi" (or "du" when it is the citizen who acts).
--   nominalstil  a verb hidden in a noun: "foretage en vurdering af" -> "vurdere", "træffe afgørelse om" ->
--                "afgøre", with the replacement in the verb's own tense ("har foretaget en vurdering af" -> "har
--                vurderet"). "Tage stilling til" is not on the list: it is ordinary Danish, and it stands in the
--                standard klagevejledning of every building case ("kan kun tage stilling til retlige spørgsmål").
--   tiltale      "De/Dem/Deres" where the municipality writes "du" (option address = "du", the default), or
--                "du/dig/din" where it writes "De" (address = "De"); the message says when the letter mixes both.
--
-- Passive voice. hunspell's da_DK dictionary (klarbrev.analyze) tags the regular s-passive "+PASSIV"
-- ("behandles" -> "st:behandle +PASSIV", "sendtes" -> "st:sende +DATID +PASSIV") and participles "+PERF_PART"
-- ("bevilget"). It does not tag the s-passive of strong and irregular verbs ("gives", "fås", "gøres", "træffes",
-- "modtages", "afslås" -> a bare "st:give"): those are taken as passive when the word is the stem plus "s" and no
-- reading is a genitive. Deponent verbs are not passive: the dictionary gives them a reading with themselves as the
-- stem ("synes" -> "st:synes", "lykkes", "findes", "mindes", "mødes", "trives", "ses"), and a short list covers the
-- ones it tags as passive ("skyldes", "nøjes"). A word the dictionary does not know is passive when it ends in
-- "-eres" ("digitaliseres"). A genitive that is also a passive ("huses") is read as a genitive after "et", "den",
-- "min", .... Passive inside a quotation or an annex of rules is the law's wording and is left alone, and so are
-- "bedes", "meddeles", "fremsendes", "ydes" and "anses", which kancellisprog.lua already reports (option
-- skip_kancellisprog). The blive-passive is "blive/bliver/blev/blevet" followed, within four words and no comma,
-- by a participle ("+PERF_PART", or a bare verb stem with the word ending in -t/-et: "truffet", "gjort"); a
-- preposition ends the search ("bliver bedre i løbet af" is not a passive).
-- "Være" with a participle ("er modtaget") is not reported: it mostly describes a state ("Du er velkommen", "er
-- berettiget"), and reporting it would bury the real passives.
--
-- Form of address. "De", "Dem" and "Deres" with a capital inside a sentence are the polite form. Lower-case "de",
-- "dem", "deres" are the plural "they". At the start of a sentence the capital says nothing, so "De kan klage" may
-- be "you" or "they": it counts as the polite form only when the letter also has the polite form inside a
-- sentence; otherwise it is read as "they" and left alone. Names and addresses from the case are not read.
---------------------------------------------------------------------------------------------------------------------
-- Text helpers shared by the bundled plugins: plugins/lib/tekst.lua.
local tekst = klarbrev.lib.tekst
local in_spans, paragraph, locate = tekst.in_spans, tekst.paragraph, tekst.locate
local capitalise, skip_node = tekst.capitalise, tekst.skip_node

local function set(list)
  local t = {}
  for i = 1, #list do t[list[i]] = true end
  return t
end

---------------------------------------------------------------------------------------------------------------------
-- Passive
---------------------------------------------------------------------------------------------------------------------

-- Deponent and reciprocal verbs the dictionary tags as passive or does not give a reading of their own.
local DEPONENTS = set{ "synes", "syntes", "lykkes", "lykkedes", "findes", "fandtes", "mindes", "mindedes", "ses",
  "sås", "skyldes", "skyldtes", "nøjes", "nøjedes", "længes", "længtes", "færdes", "færdedes", "omgås", "undres",
  "undredes", "enes", "enedes", "væmmes", "trives", "trivedes", "mødes", "mødtes", "slås", "sloges", "kappes",
  "brydes", "følges", "ældes", "blues", "behøves" }
-- Genitives of pronouns, which look like the s-passive of a verb stem ("dennes": "denne" + s).
local PRONOUN_GENITIVES = set{ "dennes", "dettes", "disses", "alles", "andres", "begges", "hinandens", "ingens",
  "nogens", "enhvers", "hvems", "ens" }
-- Words kancellisprog.lua already reports.
local KANCELLI = set{ "bedes", "meddeles", "fremsendes", "ydes", "anses" }
local DETERMINERS = set{ "en", "et", "den", "det", "de", "dette", "denne", "disse", "min", "din", "sin", "mit",
  "dit", "sit", "vores", "jeres", "hans", "hendes", "deres", "dens", "dets", "hele", "hver", "hvert" }
local MODALS = set{ "skal", "kan", "vil", "må", "bør", "skulle", "kunne", "ville", "måtte", "burde" }
local BLIVE = { blive = "inf", bliver = "pres", blev = "past", blevet = "perf" }
-- What ends the search for a participle after a form of "blive".
local CLAUSE_WORDS = set{ "at", "og", "eller", "men", "som", "hvis", "når", "fordi", "så", "i", "på", "af", "til",
  "med", "for", "om", "fra", "efter", "ved", "under", "over", "hos", "mod", "uden", "end" }
local VOWELS = set{ "a", "e", "i", "o", "u", "y", "æ", "ø", "å" }

-- Present tense of a verb stem: "behandle" -> "behandler", "få" -> "får", "afgøre" -> "afgør".
local function present(stem)
  if stem:sub(-4) == "gøre" then return stem:sub(1, -2) end
  if stem == "vide" then return "ved" end
  if stem == "være" then return "er" end
  if stem == "have" then return "har" end
  return stem .. "r"
end

-- The readings of a word: list of { st = stem, tags = { PASSIV = true, ... }, bare = no tags }. A compound the
-- dictionary splits ("kilometervis" -> "pa:vis ( st:vis | st:vi +PASSIV ... )") gives no reading: its parts'
-- tags say nothing about the whole word.
local function readings(cache, word)
  local r = cache[word]
  if r then return r end
  r = {}
  local ok, list = pcall(klarbrev.analyze, word)
  if ok then
    for _, an in ipairs(list) do
      if not an:find("pa:", 1, true) then
        local tags, n = {}, 0
        for t in an:gmatch("%+([%u_]+)") do
          tags[t] = true
          n = n + 1
        end
        r[#r + 1] = { st = an:match("st:(%S+)"), tags = tags, bare = n == 0 and not an:find("al:", 1, true) }
      end
    end
  end
  cache[word] = r
  return r
end

-- True when a verb's infinitive can be this stem: it ends in a vowel ("give", "få", "modtage").
local function verb_like(st)
  local last = st:match("[\192-\255][\128-\191]*$") or st:sub(-1)
  return VOWELS[last] == true
end

-- The stem of an s-passive ("behandles" -> "behandle"), or nil.
--   evidence: a reading tagged +PASSIV (not the genitive of a participle, "landets" -> "lande +PERF_PART
--     +PASSIV"; not a three-letter word, "vis" -> "vi +PASSIV"), or a bare verb stem that is the word without its
--     "s" ("gives" -> "give", "fås" -> "få": untagged);
--   against: a deponent; a genitive after a determiner ("et huses"); a genitive of the very stem the bare reading
--     has ("alles" -> "alle").
local function s_passive(cache, w, prev)
  if #w < 3 or w:sub(-1) ~= "s" or DEPONENTS[w] or PRONOUN_GENITIVES[w] then return nil end
  local rs = readings(cache, w)
  local passive, bare, genitive = nil, nil, {}
  local any_genitive = false
  for _, r in ipairs(rs) do
    if r.tags.PASSIV and not r.tags.PERF_PART and klarbrev.len(w) >= 4 then passive = passive or r.st end
    if r.tags.GENITIV and r.st then
      genitive[r.st] = true
      any_genitive = true
    end
    if r.bare and r.st and r.st .. "s" == w and verb_like(r.st) then bare = r.st end
  end
  local stem = passive or bare
  if stem then
    if any_genitive and prev and DETERMINERS[prev] then return nil end
    if not passive and genitive[bare] then return nil end
    return stem
  end
  -- "digitaliseres"; not without a dictionary (--no-spell), where every word has no reading ("borgeres")
  if #rs == 0 and klarbrev.dictionary and #w >= 7 and w:sub(-4) == "eres" then return w:sub(1, -2) end
  return nil
end

-- True when a reading of the word is past tense ("sendtes": +DATID).
local function is_past(cache, w)
  for _, r in ipairs(readings(cache, w)) do
    if r.tags.DATID then return true end
  end
  return false
end

-- The stem of a participle ("bevilget" -> "bevilge", "truffet" -> "træffe", "optaget" -> "optage"), or nil. A
-- word that is only an adjective or a noun of its own ("nødt", "træt") is not one.
local function participle(cache, w)
  local rs = readings(cache, w)
  for _, r in ipairs(rs) do
    if r.tags.PERF_PART then return r.st end
  end
  if w:sub(-1) ~= "t" then return nil end
  for _, r in ipairs(rs) do
    local st = r.st
    if r.bare and st and st ~= w and #st >= 2 and verb_like(st) then return st end
  end
  return nil
end

---------------------------------------------------------------------------------------------------------------------
-- Nominal style
---------------------------------------------------------------------------------------------------------------------

-- The forms of the verbs that carry a noun, by tense: inf, pres, past, perf, pass.
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
  have = { "have", "har", "havde", "haft", "haves" },
  ["være"] = { "være", "er", "var", "været", "" },
  bringe = { "bringe", "bringer", "bragte", "bragt", "bringes" },
}
local TENSES = { "inf", "pres", "past", "perf", "pass" }
-- The plain verbs, by tense.
local VERBS = {
  vurdere = { "vurdere", "vurderer", "vurderede", "vurderet", "vurderes" },
  ["undersøge"] = { "undersøge", "undersøger", "undersøgte", "undersøgt", "undersøges" },
  beregne = { "beregne", "beregner", "beregnede", "beregnet", "beregnes" },
  ["gennemgå"] = { "gennemgå", "gennemgår", "gennemgik", "gennemgået", "gennemgås" },
  ["ændre"] = { "ændre", "ændrer", "ændrede", "ændret", "ændres" },
  behandle = { "behandle", "behandler", "behandlede", "behandlet", "behandles" },
  kontrollere = { "kontrollere", "kontrollerer", "kontrollerede", "kontrolleret", "kontrolleres" },
  ["afgøre"] = { "afgøre", "afgør", "afgjorde", "afgjort", "afgøres" },
  beslutte = { "beslutte", "beslutter", "besluttede", "besluttet", "besluttes" },
  tillade = { "tillade", "tillader", "tillod", "tilladt", "tillades" },
  ["hjælpe"] = { "hjælpe", "hjælper", "hjalp", "hjulpet", "hjælpes" },
  ["støtte"] = { "støtte", "støtter", "støttede", "støttet", "støttes" },
  ["udtale sig"] = { "udtale sig", "udtaler sig", "udtalte sig", "udtalt sig", "" },
  ["bede om"] = { "bede om", "beder om", "bad om", "bedt om", "" },
  ske = { "ske", "sker", "skete", "sket", "" },
  bruge = { "bruge", "bruger", "brugte", "brugt", "bruges" },
  kontakte = { "kontakte", "kontakter", "kontaktede", "kontaktet", "kontaktes" },
  ["fortælle"] = { "fortælle", "fortæller", "fortalte", "fortalt", "fortælles" },
  ["fortælle om"] = { "fortælle om", "fortæller om", "fortalte om", "fortalt om", "" },
  ["hjælpe med"] = { "hjælpe med", "hjælper med", "hjalp med", "hjulpet med", "" },
  stoppe = { "stoppe", "stopper", "stoppede", "stoppet", "stoppes" },
  betale = { "betale", "betaler", "betalte", "betalt", "betales" },
  have = { "have", "har", "havde", "haft", "" },
}

-- carrier verb, the rest of the phrase (a word pattern), plain verbs
local NOMINAL_SRC = {
  { "foretage", "en|et? ADJ? vurdering|vurderingen af?", { "vurdere" } },
  { "foretage", "en|et? ADJ? undersøgelse|undersøgelsen af?", { "undersøge" } },
  { "foretage", "en|et? ADJ? beregning|beregningen af?", { "beregne" } },
  { "foretage", "en|et? ADJ? gennemgang|gennemgangen af?", { "gennemgå" } },
  { "foretage", "en|et? ADJ? ændring|ændringen af?", { "ændre" } },
  { "foretage", "en|et? ADJ? behandling|behandlingen af?", { "behandle" } },
  { "foretage", "en|et? ADJ? kontrol|kontrollen af?", { "kontrollere" } },
  { "foretage", "en|et? ADJ? betaling|indbetaling|betalingen af?", { "betale" } },
  { "træffe", "en? ADJ? afgørelse|afgørelsen om|i", { "afgøre" } },
  { "træffe", "en? beslutning|beslutningen om?", { "beslutte" } },
  { "tage", "kontakt til", { "kontakte" } },
  { "give", "tilladelse til", { "tillade" } },
  { "give", "meddelelse om", { "fortælle om" } },
  { "give", "meddelelse", { "fortælle" } },
  { "yde", "hjælp til", { "hjælpe med" } },
  { "yde", "hjælp", { "hjælpe" } },
  { "yde", "støtte til?", { "støtte" } },
  { "afgive", "en? udtalelse|erklæring", { "udtale sig" } },
  { "fremsætte", "en? anmodning|begæring om?", { "bede om" } },
  { "finde", "sted", { "ske" } },
  { "gøre", "brug af", { "bruge" } },
  { "være", "i besiddelse af", { "have" } },
  { "bringe", "til ophør", { "stoppe" } },
}
-- Adjectives that may stand in the phrase ("foretage en ny vurdering af"): then there is no word-for-word
-- replacement, only the verb to use.
local ADJECTIVES = { "ny", "nyt", "fornyet", "konkret", "samlet", "individuel", "grundig", "endelig", "egentlig" }
local ADJ_SET = set(ADJECTIVES)
local ADJ_ALTS = table.concat(ADJECTIVES, "|")
-- NOMINAL[k] is what pattern k of NOMINAL_M stands for: the plain verbs in the carrier's tense, and the verb.
local NOMINAL, NOMINAL_M
do
  local patterns = {}
  NOMINAL = {}
  for _, e in ipairs(NOMINAL_SRC) do
    local forms = CARRIERS[e[1]]
    for t = 1, #TENSES do
      if forms[t] ~= "" then
        local plain = {}
        for _, v in ipairs(e[3]) do
          local f = VERBS[v][t]
          if f and f ~= "" then plain[#plain + 1] = f end
        end
        local rest = e[2]:gsub("ADJ%?", ADJ_ALTS .. "?")
        patterns[#patterns + 1] = forms[t] .. " " .. rest
        NOMINAL[#NOMINAL + 1] = { to = plain, verb = e[3][1] }
      end
    end
  end
  NOMINAL_M = klarbrev.matcher(patterns)
end

-- The nominal-style phrases of a paragraph record r (of node p): for each sentence (by index) that has one, the
-- list of its phrases, each { i, last, k } (first and last word in the sentence's words, the pattern), at most one
-- per first word: the longest (the first pattern on a tie). Every pattern takes two words or more.
local function nominal_matches(p, r)
  local hits = NOMINAL_M:find(p) -- all matches, by first word, then by pattern
  if #hits == 0 then return nil end
  local out = {}
  for _, h in ipairs(locate(hits, r.sents)) do
    local list = out[h.sent]
    if not list then
      list = {}
      out[h.sent] = list
    end
    local prev = list[#list]
    if prev and prev.i == h.i then
      if h.j > prev.last then prev.last, prev.k = h.j, h.pattern end
    else
      list[#list + 1] = { i = h.i, last = h.j, k = h.pattern }
    end
  end
  return out
end

---------------------------------------------------------------------------------------------------------------------
-- Form of address
---------------------------------------------------------------------------------------------------------------------

local POLITE = { De = { "du" }, Dem = { "dig" }, Deres = { "din", "dit", "dine" } }
local FAMILIAR = { du = { "De" }, dig = { "Dem" }, din = { "Deres" }, dit = { "Deres" }, dine = { "Deres" } }


return {
  id = "tone",
  level = "warning",
  description = "Skriv aktivt og direkte: hvem gør hvad, med udsagnsord frem for navneord, og med samme tiltale "
    .. "hele vejen.",

  options = {
    address = "du",             -- how the municipality addresses citizens: "du" or "De"
    passive = true,             -- report passive verbs
    nominal = true,             -- report nominal style
    skip_kancellisprog = true,  -- leave "bedes", "meddeles", "fremsendes", "ydes", "anses" to kancellisprog.lua
    all_text = false,           -- look for passives in quotations, headings and annexes too (bench/ddt.py uses it
                                -- to measure the detection itself on the treebank)
  },

  -- Passive and nominal style are found paragraph by paragraph; the form of address is collected here (the notes)
  -- and decided in on_letter_end, because a sentence-initial "De" depends on the rest of the letter.
  on_paragraph = function(p, report, options)
    if not p.danish then return end -- the spelling found the text is not Danish (ikke-dansk)
    local r = paragraph(p)
    local cache = {}
    local polite, familiar, polite_inside = {}, {}, false
    do
      local prose = r.kind == "prose" or r.kind == "table" or r.kind == "heading"
      local own_words = prose and not r.quoted and r.section ~= "regler"
      local nominal = options.nominal and own_words and r.kind ~= "heading" and nominal_matches(p, r)
      for si, s in ipairs(r.sents) do
        local ws = s.words
        local inside = own_words and not in_spans(r.quotes, s.off + 1, s.off + #s.text)
        for i, w in ipairs(ws) do
          local quoted = in_spans(r.quotes, s.off + w.a, s.off + w.b)
          local usable = own_words and not quoted and not skip_node(w.node)

          -- tiltale
          if usable and (r.kind ~= "head" and r.kind ~= "closing") then
            local seen = { sentence = si, a = w.a, b = w.b, text = w.text, lower = w.lower, first = i == 1 }
            if POLITE[w.text] then
              polite[#polite + 1] = seen
              if i > 1 then polite_inside = true end
            elseif FAMILIAR[w.lower] and (w.text == w.lower or i == 1) then
              familiar[#familiar + 1] = seen
            end
          end

          -- passive (in the letter's own prose, not in headings)
          local passive_here = (usable and inside and r.kind ~= "heading")
            or (options.all_text and r.part == "body" and not skip_node(w.node))
          if options.passive and passive_here then
            local prev = ws[i - 1] and ws[i - 1].lower or nil
            local skip = options.skip_kancellisprog and KANCELLI[w.lower]
            local capital_inside = i > 1 and w.text ~= w.lower
            local stem = not skip and not capital_inside and s_passive(cache, w.lower, prev)
            if stem then
              local active
              if prev and MODALS[prev] then
                active = "vi " .. prev .. " " .. stem
              elseif is_past(cache, w.lower) then
                active = "vi " .. w.lower:sub(1, -2)
              else
                active = "vi " .. present(stem)
              end
              report{ at = s.node, rule = "passiv", start = w.a - 1, length = w.b - w.a + 1,
                message = string.format("»%s« er passiv, så det står ikke, hvem der gør det. Skriv aktivt, fx "
                  .. "»%s« (eller »du …«, hvis det er borgeren, der skal gøre det).", w.text, active) }
            end
            local tense = BLIVE[w.lower]
            if tense then
              -- a participle within four words, before a comma or a preposition
              for k = i + 1, math.min(i + 5, #ws) do
                local x = ws[k]
                if s.text:sub(ws[k - 1].b + 1, x.a - 1):find(",", 1, true) or CLAUSE_WORDS[x.lower]
                  or BLIVE[x.lower] then
                  break
                end
                local pst = participle(cache, x.lower)
                if pst then
                  local active
                  if tense == "past" or tense == "perf" then
                    active = "vi har " .. x.lower
                  else
                    active = "vi " .. present(pst)
                  end
                  report{ at = s.node, rule = "passiv", start = w.a - 1, length = x.b - w.a + 1,
                    message = string.format("»%s« er passiv, så det står ikke, hvem der gør det. Skriv aktivt, "
                      .. "fx »%s« (eller »du …«, hvis det er borgeren).", s.text:sub(w.a, x.b), active) }
                  break
                end
              end
            end
          end
        end

        -- nominal style: at each word the longest phrase; a phrase left alone (one starting with a word
        -- kancellisprog.lua reports, or in a quotation) lets the next word start one
        local found_here = nominal and inside and nominal[si]
        if found_here then
          local next_i = 1
          for _, m in ipairs(found_here) do
            local i, last = m.i, m.last
            if i >= next_i and not (options.skip_kancellisprog and KANCELLI[ws[i].lower])
              and not in_spans(r.quotes, s.off + ws[i].a, s.off + ws[last].b) then
              local hit = NOMINAL[m.k]
              local found = s.text:sub(ws[i].a, ws[last].b)
              local adjective
              for k = i, last do
                if ADJ_SET[ws[k].lower] then adjective = ws[k].text end
              end
              local msg, sugg
              if adjective then
                msg = string.format("»%s« gemmer udsagnsordet i et navneord. Skriv med udsagnsordet »%s«, fx "
                  .. "»%s … %s«: det er kortere og mere direkte.", found, hit.to[1] or hit.verb, hit.to[1] or hit.verb,
                  adjective == "ny" and "igen" or adjective)
              else
                msg = string.format("»%s« gemmer udsagnsordet i et navneord. Skriv »%s«: det er kortere og "
                  .. "mere direkte.", found, hit.to[1] or hit.verb)
                sugg = #hit.to > 0 and hit.to or nil
              end
              report{ at = s.node, rule = "nominalstil", start = ws[i].a - 1, length = ws[last].b - ws[i].a + 1,
                message = msg, suggestion = sugg }
              next_i = last + 1
            end
          end
        end
      end
    end

    if #polite > 0 or #familiar > 0 then
      return { polite = polite, familiar = familiar, polite_inside = polite_inside }
    end
  end,

  -- The form of address over the whole letter, from the notes of its paragraphs.
  on_letter_end = function(letter, report, options)
    if not letter.danish then return end
    local polite_word = klarbrev.lower(options.address) == "de"
    local polite, familiar, polite_inside = {}, {}, false
    for _, p in ipairs(letter.paragraphs) do
      local n = p.notes
      if n then
        for _, x in ipairs(n.polite) do polite[#polite + 1] = { p = p, w = x, first = x.first } end
        for _, x in ipairs(n.familiar) do familiar[#familiar + 1] = { p = p, w = x, first = x.first } end
        if n.polite_inside then polite_inside = true end
      end
    end
    local wrong, right_count, want
    if polite_word then
      wrong, right_count, want = familiar, 0, "De"
      for _, p in ipairs(polite) do
        if not p.first or polite_inside then right_count = right_count + 1 end
      end
    else
      wrong, right_count, want = {}, #familiar, "du"
      for _, p in ipairs(polite) do
        if not p.first or polite_inside then wrong[#wrong + 1] = p end
      end
    end
    for _, x in ipairs(wrong) do
      local sugg = {}
      local src = polite_word and FAMILIAR[x.w.lower] or POLITE[x.w.text]
      for k, v in ipairs(src) do sugg[k] = x.first and capitalise(v) or v end
      local alts = "»" .. table.concat(sugg, "« eller »") .. "«"
      local msg
      if right_count > 0 then
        msg = string.format("Brevet skriver både »du« og »De« til borgeren. Skriv »%s« hele vejen: %s i stedet "
          .. "for »%s«.", want, alts, x.w.text)
      else
        msg = string.format("Kommunen skriver »%s« til borgerne. Skriv %s i stedet for »%s«.", want, alts, x.w.text)
      end
      report{ at = x.p.sentences[x.w.sentence], rule = "tiltale", start = x.w.a - 1, length = x.w.b - x.w.a + 1,
        message = msg, suggestion = sugg }
    end
  end,

  examples = {
    ok = {
      "Vi behandler din ansøgning. Du hører fra os inden fire uger.",
      -- deponent verbs are not passive
      "Der findes regler om det. Det lykkes nok, synes vi. Det skyldes din indkomst.",
      -- "De" at the start of a sentence is "they" when the letter has no polite form inside a sentence
      "Du har to børn. De bor hos dig.",
      -- a genitive is not a passive
      "Sagens papirer ligger hos os.",
      -- the law's own words
      "Loven siger: »Hjælpen ydes efter en vurdering.«",
    },
    bad = {
      "Din ansøgning [[behandles]] nu.",
      "Hjælpen [[blev bevilget]] i marts.",
      "Beløbet [[gives]] kun én gang.",
      "Vi har [[foretaget en vurdering af]] din sag.",
      "Vi har [[truffet afgørelse om]] din ansøgning.",
      "Vi har set på [[Deres]] ansøgning.",
      "Du får hjælp. Vi sender [[Dem]] et brev om det.",
    },
  },
}
