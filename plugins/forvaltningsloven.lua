-- plugins/forvaltningsloven.lua -- the legal elements of a written decision (shared/reference/legal-elements.md).
--
-- One finding per missing or wrong element, with the rule id of the checklist and the section of the law:
--   fvl-d1  the decision stated as an outcome, not only announced          forvaltningsloven § 22 (implicit)
--   fvl-d2  the decision early, before the reasons (recommended)           god forvaltningsskik
--   fvl-b0  reasons                                                        forvaltningsloven § 22
--   fvl-b1  the legal basis: law and section                               forvaltningsloven § 24, stk. 1, 1. pkt.
--   fvl-b2  the main considerations when the rule leaves discretion        forvaltningsloven § 24, stk. 1, 2. pkt.
--   fvl-b3  the facts given weight                                         forvaltningsloven § 24, stk. 2
--   fvl-k0  klagevejledning                                                forvaltningsloven § 25, stk. 1
--   fvl-k1  the appeal body (and the same one as the case's)               forvaltningsloven § 25, stk. 1
--   fvl-k2  how to complain                                                forvaltningsloven § 25, stk. 1
--   fvl-k3  the deadline (the case's) and when it starts                   forvaltningsloven § 25, stk. 1
--   fvl-k4  limits of the appeal body's competence (building cases)       forvaltningsloven § 25, stk. 1, 2. pkt.
--   fvl-k5  the deadline for going to court where a law sets one           forvaltningsloven § 26
--   fvl-s1  social cases: the complaint goes to the municipality first     retssikkerhedsloven § 66
--   fvl-s2  social cases: 4 weeks from the day the decision was received   retssikkerhedsloven § 67
-- A partshøring (a letter before the decision) is checked for what a hearing needs instead (never D, B or K):
--   fvl-h1  the information the decision will build on                     forvaltningsloven § 19, stk. 1
--   fvl-h2  the deadline to answer: a date or a period                     forvaltningsloven § 19, stk. 1 (and the
--                                                                          guidance: the authority should set one)
--   fvl-h3  how to answer: in writing (Digital Post, e-mail) or orally     forvaltningsloven § 19, stk. 1
--   fvl-h4  what happens without an answer (recommended)                   vejledning om forvaltningsloven
-- A missing mandatory element is an error, a recommended one (D2, the start of a deadline, the reconsideration
-- step) a warning.
--
-- What the case says comes first. From the template's manifest (letter.template) and the case:
--   letter.outcome (or manifest "outcome", else "kind"): a full grant ("bevilling", "bevilget", "tilladelse",
--     "godkendt", "medhold") needs no reasons and no klagevejledning (§ 22, § 25, stk. 2); a partial grant or a
--     refusal needs all of them; "partshøring" (any word with "høring") is a hearing before the decision and gets
--     the H checks only; "varsel" and "orientering" are not decisions and are not checked;
--   "appeal": { "body": "Ankestyrelsen", "via": "kommunen", "deadline": "4 uger", "court_deadline": "6 måneder" }:
--     the letter must name the same appeal body and deadline ("deadline": "ingen" for a route without one, such as
--     access to documents); "via" = kommunen means the social route (S1, S2);
--     "court_deadline" (optional, also at the top level) asks for K5;
--   "law": ["aktivloven § 11", ...]: each section should be cited (a warning when one is not);
--   "discretionary": true asks for B2;
--   a field with "facts": true (begrundelse.fakta in the bundled templates) holds the facts given weight: with the
--     case at hand, B3 asks that its text stands in the letter (a paragraph of facts deleted in Word is caught).
-- Without a manifest (a letter written by hand, `klarbrev check brev.txt`) the plugin reasons from the text: the
-- outcome from the decision sentence ("Du får ikke ..." is a refusal; a grant and a refusal together a partial
-- grant), the kind of case from the words (Ankestyrelsen, aktivloven, hjemmehjælp -> social; byggetilladelse,
-- Byggeklageenheden -> building), discretion from serviceloven § 83 or a dispensation; a hearing from a heading
-- "Partshøring ..." or a sentence that says the decision is still to come ("inden vi træffer afgørelse"). Every
-- finding made on such an assumption says what was assumed.
--
-- The text is read in parts: the klagevejledning is the section under a heading about complaints and every
-- paragraph that speaks of "klage"; a § there (the route in retssikkerhedsloven) is not the decision's legal basis,
-- and "Du får en ny afgørelse" there is not the decision. Sentences that start a condition ("Hvis ...", "Når ...")
-- do not state the decision. A heading, the address block and the signature are not the letter's text (the
-- paragraph's kind; see on_paragraph below, which takes the notes on_letter_end combines).
---------------------------------------------------------------------------------------------------------------------
-- Text helpers shared by the bundled plugins: plugins/lib/tekst.lua.
local tekst = klarbrev.lib.tekst
local paragraph, locate = tekst.paragraph, tekst.locate

---------------------------------------------------------------------------------------------------------------------
-- What the letter says: word patterns per element
---------------------------------------------------------------------------------------------------------------------

-- D1: sentences that state a decision. Each list is one polarity.
local D1_REFUSAL = {
  "du|de får ikke", "får du|de ikke", "du|de kan ikke få", "kan du|de ikke få", "du|de ikke kan få",
  "du|de ikke får", "du|de har ikke ret til", "har du|de ikke ret til", "du|de ikke har ret til",
  "du|de er ikke berettiget*", "du|de ikke er berettiget*",
  "vi|kommunen afslår|afviser|afslog|afviste", "vi|kommunen har|må afslået|afvist|afslå|afvise",
  "vi|kommunen giver|gav|har|må givet|give? dig|dem? afslag",
  "vi|kommunen kan|vil ikke bevilge|give|godkende|imødekomme|tillade",
  "vi|kommunen bevilger|godkender|giver|tillader|imødekommer ikke", "afslag på|om|til",
  "er|bliver|blev afslået|afvist", "afslås|afvises", "imødekommes|imødekommet ikke", "ikke imødekomme*",
  "vi|kommunen stopper|standser|nedsætter|reducerer|fratager|inddrager|tilbagekalder|tilbagebetaler",
  "vi|kommunen har stoppet|standset|nedsat|reduceret|inddraget|tilbagekaldt",
  "du|de skal betale ... tilbage", "påbud om", "vi|kommunen giver|udsteder dig|dem? et? påbud",
  "du|de skal lovliggøre|fjerne|nedrive|standse",
}
local D1_PARTIAL = {
  "delvis|delvist bevilling|bevilget|bevilge|afslag|afslået|medhold|imødekommet|godkendt",
  "du|de får kun", "får du|de kun",
}
local D1_GRANT = {
  "du|de får", "får du|de", "du|de har ret til !at|aktindsigt", "du|de er berettiget til",
  "vi|kommunen bevilger|godkender|tillader|imødekommer|visiterer !ikke",
  "vi|kommunen har bevilget|godkendt|imødekommet|tilladt|visiteret",
  "vi|kommunen giver|gav dig|dem !ikke", "vi|kommunen har givet dig|dem !ikke",
  "du|de er|bliver bevilget|godkendt|visiteret|tildelt", "du|de er blevet bevilget|godkendt|visiteret|tildelt",
  "du|de har fået bevilget|tilladelse|godkendt|visiteret", "er bevilget|godkendt|imødekommet|visiteret|tildelt !ikke",
  "bevilges|godkendes|imødekommes|tildeles !ikke",
  "vi|kommunen har besluttet|besluttede",
}
-- After "du får" (and the other grant forms) these objects say something else than the decision.
local NOT_DECISION_OBJECTS = {
  svar = true, besked = true, brev = true, brevet = true, ["afgørelse"] = true, ["afgørelsen"] = true, kopi = true,
  mulighed = true, muligheden = true, vejledning = true, information = true, oplysninger = true, ret = true,
  ikke = true, tid = true, ["aktindsigt"] = true, svaret = true,
}
local ARTICLES = { en = true, et = true, den = true, det = true, din = true, dit = true, dine = true, ny = true,
  nyt = true, nye = true, ["også"] = true, snart = true }
-- A decision announced but not stated (legal-elements.md: the trap).
local ANNOUNCED = { "truffet|traf|træffer|trufne afgørelse|beslutning", "har afgjort" }
-- Words that open a condition: such a sentence describes a rule, not the decision.
local CONDITIONS = { hvis = true, ["når"] = true, ["såfremt"] = true, dersom = true }
-- Letters that are not decisions: a notice (not checked) and a partshøring (the H checks). A heading that says so,
-- or a sentence that says the decision is still to come (a hearing, unless a heading says it is a notice).
local NOT_DECISION_HEADING = { "varsel*", "orientering*" }
local HEARING_HEADING = { "partshøring*", "høring*", "partshøre*" }
local NOT_DECISION = {
  "endnu ikke truffet|taget en? afgørelse|stilling|beslutning", "vi|kommunen overvejer at",
  "inden|før vi|kommunen træffer|tager en? afgørelse|stilling|beslutning",
  "inden|før vi|kommunen træffer|tager endelig afgørelse|stilling|beslutning", "vil|skal gerne høre",
}
local MEN_IKKE = { "men ikke" }

-- B0: reasons
local B0 = {
  "fordi", "derfor", "begrundelse*", "baggrunden", "årsagen", "grunden", "skyldes", "lagt vægt på",
  "vurderet|vurderer|vurdering*", "på grund af", "idet", "eftersom", "opfylder ikke", "betingelse*",
  "kan kun få", "kun får", "kravet|kravene", "ikke opfylder",
}
-- B2: main considerations in a discretionary decision
local B2 = {
  "lagt særlig|afgørende? vægt på", "vurderet|vurderer|vurdering*", "afvejet|afvejning|afveje", "taget hensyn til",
  "hensyn*", "skøn*", "samlet set", "konkret* og? individuel*",
}
-- B3: the facts given weight
local B3 = {
  "du|de har oplyst|skrevet|fortalt|sendt|søgt|ansøgt|svaret|vist|selv",
  "vi har modtaget|fået|set|talt|besøgt|indhentet|undersøgt|målt|lagt|spurgt",
  "det fremgår af", "ifølge", "oplysning* fra|om", "brugt disse|de oplysninger", "lægeerklæring*", "kontoudtog*",
  "ved besøget|samtalen|mødet|besøg", "funktionsvurdering*", "din læge", "tegning*", "vi kan se", "viser at",
  "du bor|arbejder|har|er|fik|ejer|modtager|mangler",
}
local B3_GENERIC = {
  "foreliggende oplysninger", "oplysningerne i sagen", "sagens oplysninger", "de oplysninger vi har",
}
local MONTHS = { "januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober",
  "november", "december" }

-- K1: appeal bodies, as (lower-case) phrases found in the text.
local BODIES = {
  { key = "ankestyrelsen", names = { "ankestyrelsen" }, shown = "Ankestyrelsen" },
  { key = "byggeklageenheden", names = { "byggeklageenheden", "nævnenes hus" }, shown = "Byggeklageenheden" },
  { key = "planklagenævnet", names = { "planklagenævnet" }, shown = "Planklagenævnet" },
  { key = "miljø- og fødevareklagenævnet", names = { "miljø- og fødevareklagenævnet", "fødevareklagenævnet" },
    shown = "Miljø- og Fødevareklagenævnet" },
  { key = "beskæftigelsesudvalget", names = { "beskæftigelsesudvalget" }, shown = "Beskæftigelsesudvalget" },
}
local BODY_GENERIC = { "klagenævn*", "klageinstans*" }
-- K2: how to complain
local K2 = {
  "send|sende|sender|indsend|indsende|giv|give|indgiv|indgive|aflever|aflevere din|jeres? klage|klagen|klager ... til",
  "klage|klagen skal|kan? sendes|indsendes|indgives|afleveres", "klageportalen",
  "skriftligt|skriftlig|mundtligt|mundtlig",
  "digital post", "e-boks", "e-mail|email|mail", "ringe|ring", "borger.dk", "klage|klager til|hos|via os|kommunen",
  "brev",
}
-- S1: the complaint goes to the municipality
local S1_ROUTE = {
  "til|hos|via os|kommunen|jobcentret|jobcenteret|borgerservice", "til|hos * kommune", "vi skal have",
  "ikke direkte til", "genvurder*",
}
-- S1: ... which looks at the case again and sends it on
local S1_RECONSIDER = {
  "genvurder*", "se|ser|kigge|kigger på sagen|afgørelsen igen", "se|ser på din sag igen", "vurderer * igen",
  "fastholder|fastholde", "videresend*", "videre til", "sender vi * til", "sender vi * * til", "sendes videre",
}
-- K3 start point: "fra den dag, du fik afgørelsen"
local K3_START = {
  "fra|efter ... ... modtog|modtaget|modtager|fik|fået|får|modtagelsen|meddelelsen|underretningen|besked|"
    .. "offentliggjort|offentliggjorde|offentliggørelsen|bekendtgjort|afsendt|sendt|dato|datoen|brevets",
}
-- K4: the appeal body's competence
local K4 = { "retlige|retlig|retslige spørgsmål*", "lovlighed*", "kan ikke * skøn*", "ikke * * skøn*",
  "kun * retlige|retslige" }

-- H1: a hearing presents the information the decision will build on
local H1 = {
  "vi|kommunen har fået|modtaget|indhentet|hentet|set|talt|undersøgt|spurgt|kontrolleret",
  "vi|kommunen fik|modtog|indhentede|hentede|så", "det fremgår af", "ifølge",
  "oplysning*|udtalelse*|erklæring*|vurdering* fra", "disse|følgende|de nye|nye oplysninger",
  "oplysningerne|oplysningen viser|er|siger|kommer", "vi kan se", "viser at", "lægeerklæring*", "kontoudtog*",
  "lønseddel|lønsedler|lønsedlen|lønsedlerne", "du|de har oplyst|skrevet|fortalt|sendt", "bygge|bygger ... på",
  "ved besøget|samtalen|mødet|undersøgelsen|kontrollen",
  "arbejdsgiver*|læge*|visitator*|ergoterapeut*|skattestyrelsen|udbetaling har? oplyst|skriver|skrev|så|vurderer",
}
-- H3: how to answer
local H3 = {
  "ring|ringe|ringer til|på", "skriv|skrive|skriver til", "digital post", "e-boks", "e-mail|email|mail",
  "send|sende|sender|give|giv ... til os|mig|kommunen", "et? møde|mødet", "mødes", "komme|kom forbi",
  "mundtligt|mundtlig|skriftligt|skriftlig", "telefon*", "brev",
}
-- H4: what happens without an answer
local H4 = {
  "hvis du ikke svarer|siger|skriver|ringer", "hvis vi ikke hører|får", "hører|får vi ikke", "svarer du ikke",
  "uden dit|dine|et? svar|bemærkninger", "efter fristen", "når fristen er gået|udløbet|slut",
  "selv om|selvom du ikke", "uden at have hørt|fået",
}

-- Every list above in one matcher, compiled once and searched once per paragraph (on_paragraph): GROUP[k] is the
-- list pattern k of PATTERNS comes from. A list's patterns keep their order, so the first hit of a list in a
-- sentence (by first word, then by pattern) is the one the list's patterns tried one by one would find first.
local GROUPS = {
  { "partial", D1_PARTIAL }, { "refusal", D1_REFUSAL }, { "grant", D1_GRANT }, { "men_ikke", MEN_IKKE },
  { "announced", ANNOUNCED }, { "not_decision_heading", NOT_DECISION_HEADING }, { "not_decision", NOT_DECISION },
  { "b0", B0 }, { "b2", B2 }, { "b3", B3 }, { "b3_generic", B3_GENERIC }, { "body_generic", BODY_GENERIC },
  { "k2", K2 }, { "s1_route", S1_ROUTE }, { "s1_reconsider", S1_RECONSIDER }, { "k3_start", K3_START },
  { "k4", K4 }, { "hearing_heading", HEARING_HEADING }, { "h1", H1 }, { "h3", H3 }, { "h4", H4 },
}
local GROUP, PATTERNS
do
  local src = {}
  GROUP = {}
  for _, g in ipairs(GROUPS) do
    for _, pat in ipairs(g[2]) do
      src[#src + 1] = pat
      GROUP[#src] = g[1]
    end
  end
  PATTERNS = klarbrev.matcher(src)
end
-- K5: going to court
local COURT_WORDS = { "domstol", "søgsmål", "retten", "anlæg", "sag ved" }

local NUMBER_WORDS = { en = 1, et = 1, to = 2, tre = 3, fire = 4, fem = 5, seks = 6, syv = 7, otte = 8, ni = 9,
  ti = 10, tolv = 12, fjorten = 14 }
local UNITS = { uge = "uge", uger = "uge", ugers = "uge", dag = "dag", dage = "dag", dages = "dag",
  ["måned"] = "måned", ["måneder"] = "måned", ["måneders"] = "måned", ["år"] = "år" }
local UNIT_SHOWN = { uge = { "uge", "uger" }, dag = { "dag", "dage" }, ["måned"] = { "måned", "måneder" },
  ["år"] = { "år", "år" } }

local function deadline_text(d)
  local u = UNIT_SHOWN[d.unit]
  return string.format("%d %s", d.n, d.n == 1 and u[1] or u[2])
end

-- "4 uger", "fire uger", "6 måneder" -> { n = 4, unit = "uge" }, or nil.
local function parse_deadline(s)
  if type(s) ~= "string" then return nil end
  local words = {}
  for w in klarbrev.lower(s):gmatch("[^%s%p]+") do words[#words + 1] = w end
  for i = 1, #words - 1 do
    local n = tonumber(words[i]) or NUMBER_WORDS[words[i]]
    local u = UNITS[words[i + 1]]
    if n and u then return { n = n, unit = u } end
  end
  return nil
end

-- Deadlines ("inden 4 uger") in a sentence's words: list of { n, unit, i, j }.
local function deadlines_in(words)
  local out = {}
  for i = 1, #words - 1 do
    local n = tonumber(words[i].lower) or NUMBER_WORDS[words[i].lower]
    local u = UNITS[words[i + 1].lower]
    if n and u then out[#out + 1] = { n = n, unit = u, i = i, j = i + 1 } end
  end
  return out
end

local function has_any(lower, list)
  for i = 1, #list do
    if lower:find(list[i], 1, true) then return list[i] end
  end
  return nil
end

local SOCIAL_WORDS = { "ankestyrelsen", "aktivlov", "servicelov", "retssikkerhedslov", "kontanthjælp",
  "hjemmehjælp", "hjælpemiddel", "hjælpemidler", "lov om aktiv socialpolitik", "lov om social service",
  "praktisk hjælp", "personlig pleje", "enkeltydelse", "sygedagpenge", "førtidspension", "ressourceforløb",
  "ledighedsydelse", "merudgift", "tabt arbejdsfortjeneste", "boligindretning", "særlig støtte", "madservice" }
local BUILDING_WORDS = { "byggetilladelse", "byggeloven", "byggelovens", "byggeklageenheden", "bygningsreglement",
  "byggesag", "byggeri", "nævnenes hus", "planklagenævnet", "planloven", "planlovens", "lokalplan", "tilbygning",
  "carport", "udestue", "garage" }

---------------------------------------------------------------------------------------------------------------------
-- The case
---------------------------------------------------------------------------------------------------------------------

-- "afslag", "delvis bevilling", ... -> "full" | "partial" | "adverse" | "none" (not a decision) | "unknown".
local function outcome_class(s)
  if type(s) ~= "string" or s == "" then return nil end
  local t = klarbrev.lower(s)
  local function has(x) return t:find(x, 1, true) ~= nil end
  -- a grant or permit with conditions ("tilladelse med vilkår") is no full grant: the conditions need their reasons
  -- and a klagevejledning (forvaltningsloven § 22, § 25, stk. 2)
  local function with(x) return has(x) and not has("uden " .. x) and not has("ingen " .. x) end
  if has("delvis") or with("vilkår") or with("betingelse") then return "partial" end
  if has("høring") or has("orientering") or has("varsel") or has("oplysning") then return "none" end
  if has("afslag") or has("afslå") or has("afvis") or has("påbud") or has("forbud") or has("ophør") or has("stop")
    or has("nedsæt") or has("tilbagebetal") or has("tilbagekald") or has("inddrag") or has("stands") then
    return "adverse"
  end
  if has("bevilg") or has("bevilling") or has("medhold") or has("tilladelse") or has("godkend") or has("imødekom")
    or has("tilkend") then
    return "full"
  end
  return "unknown"
end

-- A hearing before the decision: "partshøring", "høring" (outcome_class calls it "none").
local function is_hearing(s)
  return type(s) == "string" and klarbrev.lower(s):find("høring", 1, true) ~= nil
end

-- H2: a sentence that sets a deadline to answer: a word of time limits and a period ("inden 14 dage") or a date
-- ("senest den 21. december 2026", "inden 21.12.2026"). s: a sentence record (lower, words).
local DEADLINE_WORDS = { inden = true, senest = true, ["før"] = true, frist = true, fristen = true,
  svarfrist = true, svarfristen = true, ["høringsfrist"] = true, ["høringsfristen"] = true }
local function sets_deadline(s)
  local ws = s.words
  local limit = false
  for i = 1, #ws do
    if DEADLINE_WORDS[ws[i].lower] then
      limit = true
      break
    end
  end
  if not limit then return false end
  if #deadlines_in(ws) > 0 then return true end
  -- a template's own text (klarbrev template lint) has U+2060 WORD JOINER where a value goes: "senest den
  -- {{hoering.svarfrist | dato}}" is "senest den" and the mark; the date comes from the case
  if s.text:find("\226\129\160", 1, true) then return true end
  local lower = s.lower
  for i = 1, #MONTHS do
    if lower:find("%d+%.%s*" .. MONTHS[i]) then return true end
  end
  return lower:find("%f[%d]%d%d?[%./-]%d%d?[%./-]%d%d") ~= nil
end

local function body_of(name)
  if type(name) ~= "string" then return nil end
  local t = klarbrev.lower(name)
  for i = 1, #BODIES do
    local b = BODIES[i]
    for k = 1, #b.names do
      if t:find(b.names[k], 1, true) then return b end
    end
  end
  return { key = t, names = { t }, shown = name }
end

-- "aktivloven § 11" -> { law = "aktivlov", section = "11", shown = "aktivloven § 11" }
local function parse_law(s)
  if type(s) ~= "string" then return nil end
  local t = klarbrev.lower(s)
  local section = t:match("§%s*(%d+%s*%a?)")
  local law = t:match("^([%wæøå%-]+)")
  if law then
    law = law:gsub("ens$", ""):gsub("en$", ""):gsub("s$", "")
  end
  if section then section = section:gsub("%s", "") end
  return { law = law, section = section, shown = s }
end

---------------------------------------------------------------------------------------------------------------------
-- Reading the letter
---------------------------------------------------------------------------------------------------------------------

local function has_klage_word(words)
  for i = 1, #words do
    if words[i].lower:find("klag", 1, true) then return true end
  end
  return false
end

-- The index of the first word that opens a condition ("Hvis du flytter, får du ikke hjælp"), or #words + 1. Found
-- once per sentence: asking "is there one before word i" for each match would cost the sentence's length each time.
local function first_condition(words)
  for k = 1, #words do
    if CONDITIONS[words[k].lower] then return k end
  end
  return #words + 1
end

-- True when a grant match ending at words[j] is about something else than the decision ("du får svar").
local function grant_is_other(words, j)
  local k = j + 1
  while words[k] and ARTICLES[words[k].lower] do k = k + 1 end
  local w = words[k]
  if not w then return true end -- "du får." states nothing
  return NOT_DECISION_OBJECTS[w.lower] == true
end

-- The decision a sentence states (ws: its words; hits: the sentence's hits of PATTERNS, in order), if any:
-- { polarity = "partial" | "refusal" | "grant" | "neutral", i, j (its first and last word) }. For a sentence of
-- the letter's own text outside the klagevejledning that does not speak of "klage" (on_paragraph asks).
local function sentence_decision(ws, hits)
  local cond = first_condition(ws) -- a match after it is conditional
  local partial, refusal
  for _, h in ipairs(hits) do
    local g = GROUP[h.pattern]
    if g == "partial" then
      partial = partial or h
    elseif g == "refusal" then
      refusal = refusal or h
    end
  end
  if partial and partial.i <= cond then return { polarity = "partial", i = partial.i, j = partial.j } end
  if refusal and refusal.i <= cond then return { polarity = "refusal", i = refusal.i, j = refusal.j } end
  -- the first grant (by first word, then pattern) that is about the decision
  local found
  for _, h in ipairs(hits) do
    if GROUP[h.pattern] == "grant" then
      local a, b = h.i, h.j
      local last = ws[b].lower
      local neutral = last == "besluttet" or last == "besluttede"
      if a <= cond and (neutral or not grant_is_other(ws, b)) then
        found = { polarity = neutral and "neutral" or "grant", i = a, j = b }
        break
      end
    end
  end
  -- "Du får hjælp ..., men ikke ..." : a grant with a refusal in it
  if found and found.polarity == "grant" then
    for _, h in ipairs(hits) do
      if GROUP[h.pattern] == "men_ikke" then found.polarity = "partial" end
    end
  end
  return found
end

-- The decisions of the letter, from the paragraphs' notes (paras: the records on_letter_end makes): each { polarity,
-- i, j, si (its sentence), para, pos (words of prose before its sentence) }, and the first sentence that only
-- announces a decision ({ si, para }).
local function find_decisions(paras)
  local out = {}
  local pos = 0 -- words of prose before this paragraph
  local announced
  for _, r in ipairs(paras) do
    local n = r.n
    local prose = r.kind == "prose"
    for _, f in ipairs(n.decisions) do
      out[#out + 1] = { polarity = f.polarity, i = f.i, j = f.j, si = f.si, para = r,
        pos = pos + (prose and f.pos or 0) }
    end
    if not announced and n.announced then announced = { si = n.announced, para = r } end
    if prose then pos = pos + n.nwords end
  end
  return out, announced
end

-- Marks the klagevejledning: paragraphs under a heading about complaints, and paragraphs that speak of "klage"
-- (not in the annex of rules).
local function mark_kscope(paras)
  local any = false
  for _, r in ipairs(paras) do
    r.kscope = false
    if r.kind == "heading" and r.topic == "klage" then
      r.kscope = true
    elseif (r.kind == "prose" or r.kind == "table") and not r.quoted and r.section ~= "regler" then
      if r.section == "klage" then
        r.kscope = true
      else
        for _, s in ipairs(r.sents) do
          if has_klage_word(s.words) then r.kscope = true end
        end
      end
    end
    any = any or r.kscope
  end
  return any
end

-- The first sentence (and match) of a list of patterns (its name in GROUPS), inside or outside the klagevejledning,
-- from the paragraphs' notes: { si, para, i, j }.
local function first_match(paras, inside_k, list, skip_quotes)
  for _, r in ipairs(paras) do
    if r.kscope == inside_k and not (skip_quotes and (r.quoted or r.section == "regler")) then
      local h = r.n.first[list]
      if h then return { si = h.sent, para = r, i = h.i, j = h.j } end
    end
  end
  return nil
end

-- A concrete fact: an amount, a date, a number with a unit.
local function has_concrete_fact(lower)
  if lower:find("%d[%d%.]*,?%d*%s*kr") or lower:find("%d[%d%.]*,?%d*%s*kroner") then return true end
  for i = 1, #MONTHS do
    if lower:find("%d+%.%s*" .. MONTHS[i]) then return true end
  end
  if lower:find("%d+%s*timer") or lower:find("%d+%s*minutter") or lower:find("%d+%s*procent")
    or lower:find("%d+%s*m2") or lower:find("%d+%s*m²") or lower:find("%d+%s*kvadratmeter")
    or lower:find("%d+%s*meter") or lower:find("%d+%s*cm") or lower:find("%d+/%d+") then
    return true
  end
  return false
end

---------------------------------------------------------------------------------------------------------------------
-- Reporting
---------------------------------------------------------------------------------------------------------------------

-- A sentence for a message: cut after about 60 bytes, at a word, with "…".
local function short(text)
  text = text:gsub("%s+", " "):gsub("^ ", ""):gsub(" $", "")
  if #text <= 70 then return text end
  local cut = text:sub(1, 60):match("^(.*%S)%s") or text:sub(1, 60)
  return cut .. " …"
end

local field_value = tekst.field_value

-- The label (or path) of the first field (by path) the manifest marks "facts": true whose text the case gives but
-- the letter does not hold (its first words, case and spaces evened out), or nil. Only with a case and a manifest: a
-- letter written by hand is judged by its words alone. The whole letter is searched: facts may well speak of a
-- complaint ("Du klagede over støj ...").
local function facts_missing(letter)
  local m, fields = letter.template, letter.fields
  if type(m) ~= "table" or type(m.fields) ~= "table" or type(fields) ~= "table" then return nil end
  local paths = {}
  for path, f in pairs(m.fields) do
    if type(f) == "table" and f.facts == true then paths[#paths + 1] = path end
  end
  if #paths == 0 then return nil end
  table.sort(paths)
  local text = letter.lower:gsub("%s+", " ")
  for _, path in ipairs(paths) do
    local v = field_value(fields, path)
    if type(v) == "string" and v:find("%S") then
      local probe = klarbrev.lower(v):gsub("%s+", " "):gsub("^ ", "")
      probe = #probe > 40 and (probe:sub(1, 40):match("^(.*%S)%s") or probe:sub(1, 40)) or probe
      if not text:find(probe, 1, true) then return m.fields[path].label or path end
    end
  end
  return nil
end

-- H1-H4: a partshøring (forvaltningsloven § 19) instead of the checks of a decision. paras: the records
-- on_letter_end makes; note: what was assumed, added to every message.
local function hearing_checks(letter, paras, report, note)
  local h1, h2, h3, h4 = false, false, false, false
  for _, r in ipairs(paras) do
    if r.kind ~= "heading" and not r.quoted and r.section ~= "regler" then
      local f = r.n.first
      if f.h1 then h1 = true end
      if f.h3 then h3 = true end
      if f.h4 then h4 = true end
      if r.n.answer_deadline then h2 = true end
    end
  end
  local function say(rule, level, msg)
    report{ at = letter, rule = rule, level = level, message = msg .. note }
  end
  if not h1 then
    say("fvl-h1", "error", "Partshøringen nævner ikke de oplysninger, som afgørelsen skal bygge på. Skriv de "
      .. "konkrete oplysninger, som borgeren ikke kan antages at kende, og hvor de kommer fra, fx »Vi har fået "
      .. "oplyst af din arbejdsgiver, at du har tjent 12.400 kr. i oktober« (forvaltningsloven § 19, stk. 1; "
      .. "Folketingets Ombudsmand, Myndighedsguiden: Partshøring).")
  end
  if not h2 then
    say("fvl-h2", "error", "Partshøringen siger ikke, hvornår borgeren skal svare. Skriv en svarfrist med en dato "
      .. "eller et antal dage, fx »Vi skal have dit svar senest den 21. december 2026«, og giv borgeren rimelig tid "
      .. "til at sætte sig ind i oplysningerne (forvaltningsloven § 19, stk. 1: myndigheden kan fastsætte en "
      .. "frist; Justitsministeriets vejledning om forvaltningsloven: myndigheden bør gøre det).")
  end
  if not h3 then
    say("fvl-h3", "error", "Partshøringen siger ikke, hvordan borgeren kan svare. Skriv, hvordan og til hvem: "
      .. "skriftligt (Digital Post, e-mail, brev) eller mundtligt (ring, eller aftal et møde) (forvaltningsloven "
      .. "§ 19, stk. 1: borgeren skal have lejlighed til at udtale sig; Folketingets Ombudsmand, "
      .. "Myndighedsguiden: Partshøring).")
  end
  if h2 and not h4 then
    say("fvl-h4", "warning", "Skriv også, hvad der sker, hvis borgeren ikke svarer inden fristen, fx »Hvis vi "
      .. "ikke hører fra dig inden fristen, træffer vi afgørelsen ud fra de oplysninger, vi har« (anbefaling, "
      .. "ikke lovkrav: Justitsministeriets vejledning om forvaltningsloven).")
  end
end

return {
  id = "forvaltningsloven",
  level = "error",
  decisions_only = true, -- a text that is no decision (klarbrev check --kind tekst) is not checked
  description = "Afgørelsens lovpligtige dele: afgørelsen, begrundelse, lovgrundlag, klagevejledning og frister "
    .. "(forvaltningsloven §§ 22-26, retssikkerhedsloven §§ 66-67), og partshøringens: oplysningerne, svarfristen og "
    .. "hvordan man svarer (forvaltningsloven § 19).",

  options = {
    max_words_before_decision = 120, -- D2: the decision should come within this many words of body text
  },

  -- Everything the checks need to know of a paragraph's text is found here, paragraph by paragraph (a paragraph
  -- from the template is read once per template, docs/plugins.md), and kept in the paragraph's notes: the sentences
  -- that state a decision, every pattern list's first hit, the words that tell the kind of case, and, outside the
  -- klagevejledning, the sections and law names and the concrete facts, inside it the appeal bodies and the
  -- deadlines. on_letter_end only combines the notes; a sentence in them is its index in the paragraph.
  on_paragraph = function(p)
    if not p.danish then return end
    local kind = p.kind
    if not (kind == "prose" or kind == "heading" or kind == "table") then return end
    local r = paragraph(p)
    mark_kscope({ r })
    local kscope, sents, lower = r.kscope, r.sents, r.lower
    local first, decisions = {}, {}
    local notes = { kind = kind, section = r.section, topic = r.topic, quoted = r.quoted, kscope = kscope,
      nwords = r.nwords, first = first, decisions = decisions }

    -- the kind of case (words anywhere in the letter's text)
    notes.social = has_any(lower, SOCIAL_WORDS) ~= nil
    notes.building = has_any(lower, BUILDING_WORDS) ~= nil
    notes.planlov = lower:find("planlov", 1, true) ~= nil
    notes.p83 = (lower:find("§ 83", 1, true) or lower:find("§83", 1, true)) ~= nil
    notes.dispensation = lower:find("dispensation", 1, true) ~= nil

    local hits = PATTERNS:find(p)
    if #hits > 0 then
      -- every list's first hit in the paragraph, and each sentence's hits
      local by_sent = {}
      locate(hits, sents)
      for _, h in ipairs(hits) do
        local g = GROUP[h.pattern]
        if not first[g] then first[g] = { sent = h.sent, i = h.i, j = h.j } end
        local list = by_sent[h.sent]
        if not list then
          list = {}
          by_sent[h.sent] = list
        end
        list[#list + 1] = h
      end
      -- the decisions stated (with the words of the paragraph before their sentence), and the first sentence that
      -- only announces one
      if (kind == "prose" or kind == "heading") and not kscope and not r.quoted and r.section ~= "regler" then
        local before = 0
        for si, s in ipairs(sents) do
          local ws = s.words
          local sh = by_sent[si]
          if sh and not has_klage_word(ws) then
            local f = sentence_decision(ws, sh)
            if f then
              decisions[#decisions + 1] = { si = si, polarity = f.polarity, i = f.i, j = f.j, pos = before }
            elseif not notes.announced then
              for _, h in ipairs(sh) do
                if GROUP[h.pattern] == "announced" then notes.announced = si end
              end
            end
          end
          before = before + #ws
        end
      end
    end

    -- H2: a deadline to answer (a hearing has no klagevejledning; read every paragraph of text)
    if kind ~= "heading" and not r.quoted then
      for _, s in ipairs(sents) do
        if not notes.answer_deadline and sets_deadline(s) then notes.answer_deadline = true end
      end
    end

    if not kscope then
      -- B1: the first sentence with a §, a law named in such a sentence or anywhere; B3: a concrete fact; the
      -- sentences' text, for the sections the manifest names
      local pieces = {}
      local law_named, law_word, concrete = false, false, false
      for si, s in ipairs(sents) do
        pieces[si] = s.lower
        local ws = s.words
        if s.text:find("§[%s\194\160]*%d") then
          notes.section_si = notes.section_si or si
          for _, w in ipairs(ws) do
            local l = w.lower
            if l:find("lov$") or l:find("loven$") or l:find("lovens$") or l:find("lovs$")
              or l:find("^bekendtgørelse") or l:find("bygningsreglement") or l == "br18" then
              law_named = true
            end
          end
          if s.lower:find("lov om", 1, true) then law_named = true end
        end
        if not law_word then
          for _, w in ipairs(ws) do
            local l = w.lower
            if (l:find("lov$") or l:find("loven$") or l:find("lovens$")) and l ~= "lov" then law_word = true end
          end
        end
        if kind == "prose" and not r.quoted and not concrete and has_concrete_fact(s.lower) then concrete = true end
      end
      notes.law_named, notes.law_word, notes.concrete = law_named, law_word, concrete
      if #pieces > 0 then notes.outside = table.concat(pieces, "\n") end
    else
      -- K1: the appeal bodies named, and where (the first sentence with one of a body's names); K3, K5: the
      -- deadlines, for complaints and for going to court
      local bodies, body_at = {}, {}
      for _, b in ipairs(BODIES) do
        for _, n in ipairs(b.names) do
          if lower:find(n, 1, true) then bodies[b.key] = true end
        end
        if bodies[b.key] then
          for si, s in ipairs(sents) do
            local at
            for _, n in ipairs(b.names) do
              local x, y = s.lower:find(n, 1, true)
              if x then
                at = { si = si, start = x - 1, length = y - x + 1 }
                break
              end
            end
            if at then
              body_at[b.key] = at
              break
            end
          end
        end
      end
      local deadlines, court_deadlines = {}, {}
      for si, s in ipairs(sents) do
        local ws = s.words
        if has_any(s.lower, COURT_WORDS) ~= nil then
          for _, d in ipairs(deadlines_in(ws)) do court_deadlines[#court_deadlines + 1] = { n = d.n, unit = d.unit } end
        else
          for _, d in ipairs(deadlines_in(ws)) do
            local x, y = ws[d.i].a, ws[d.j].b
            deadlines[#deadlines + 1] = { n = d.n, unit = d.unit, si = si, start = x - 1, length = y - x + 1 }
          end
          if s.lower:find("senest den %d") then deadlines[#deadlines + 1] = { date = true, si = si } end
        end
      end
      notes.bodies, notes.body_at, notes.deadlines, notes.court_deadlines = bodies, body_at, deadlines, court_deadlines
    end
    return notes
  end,

  on_letter_end = function(letter, report, options)
    if not letter.danish then return end -- the spelling found the text is not Danish (ikke-dansk)
    -- the paragraphs on_paragraph took notes of: the letter's text (prose, headings, tables)
    local paras = {}
    local has_prose, has_k = false, false
    local nodes = letter.paragraphs
    for pi = 1, #nodes do
      local node = nodes[pi]
      local n = node.notes
      if n then
        local kind, kscope = n.kind, n.kscope
        paras[#paras + 1] = { pi = pi, node = node, n = n, kind = kind, kscope = kscope, quoted = n.quoted,
          section = n.section }
        if kind == "prose" then has_prose = true end
        if kscope then has_k = true end
      end
    end
    if not has_prose then return end

    local decisions, announced = find_decisions(paras)
    local function sent_of(r, si) return r.node.sentences[si] end
    -- the klagevejledning's text, when a name from the manifest is to be looked for in it
    local function k_text()
      local parts = {}
      for _, r in ipairs(paras) do
        if r.kscope then parts[#parts + 1] = r.node.lower end
      end
      return table.concat(parts, "\n")
    end

    -- what the words of the letter's text say of the kind of case, and the appeal bodies the klagevejledning names
    local social_word, building_word, planlov, p83, dispensation = false, false, false, false, false
    local named = {}
    for _, r in ipairs(paras) do
      local n = r.n
      if n.social then social_word = true end
      if n.building then building_word = true end
      if n.planlov then planlov = true end
      if n.p83 then p83 = true end
      if n.dispensation then dispensation = true end
      if r.kscope then
        local bodies = n.bodies
        for _, b in ipairs(BODIES) do
          if bodies[b.key] then named[b.key] = b end
        end
      end
    end

    -------------------------------------------------------------------------------------------------------------
    -- The case: from the manifest, else from the text
    -------------------------------------------------------------------------------------------------------------
    local m = letter.template
    local appeal = m and m.appeal
    -- the outcome, and the word it was read from (a hearing is one kind of "none")
    local said = letter.outcome
    local cls = outcome_class(said)
    if not cls and m then
      said = m.outcome
      cls = outcome_class(said)
      if not cls then
        said = m.kind
        cls = outcome_class(said)
      end
    end
    local assumptions = {}
    local from_text = false
    if cls == "none" then
      -- a partshøring gets the hearing's checks; a notice or an orientation is not checked
      if is_hearing(said) then hearing_checks(letter, paras, report, "") end
      return
    end
    local first = decisions[1]
    if not cls or cls == "unknown" then
      from_text = true
      -- a hearing or a notice, from a heading ("Partshøring om ...", "Varsel om ...") or a sentence that says the
      -- decision is still to come ("Vi har endnu ikke truffet afgørelse", "inden vi træffer afgørelse")
      local hearing_at, notice = nil, false
      for _, r in ipairs(paras) do
        if r.kind == "heading" then
          local h = r.n.first.hearing_heading
          if h and h.sent == 1 and not hearing_at then hearing_at = sent_of(r, 1) end
          local v = r.n.first.not_decision_heading
          if v and v.sent == 1 then notice = true end
        end
      end
      local still = first_match(paras, false, "not_decision", true)
      if notice and not hearing_at then return end
      if hearing_at or still then
        local why = hearing_at and hearing_at.text or sent_of(still.para, still.si).text
        local said_how = m and "Skabelonens manifest siger ikke, hvad brevet er, så klarbrev har ud fra teksten antaget"
          or "Brevet har ingen sagsoplysninger, så klarbrev har ud fra teksten antaget"
        hearing_checks(letter, paras, report, string.format(" (%s, at brevet er en partshøring før en afgørelse "
          .. "(»%s«).)", said_how, short(why)))
        return
      end
      local g, r, d_shown = false, false, nil
      for _, d in ipairs(decisions) do
        if d.polarity == "grant" then g = true end
        if d.polarity == "refusal" then r = true; d_shown = d_shown or d end
        if d.polarity == "partial" then g, r = true, true; d_shown = d_shown or d end
      end
      if g and r then
        cls = "partial"
      elseif r then
        cls = "adverse"
      elseif g then
        cls = "full"
      else
        cls = "adverse"
      end
      local shown = { full = "en fuld bevilling", partial = "en delvis bevilling", adverse = "et afslag" }
      d_shown = d_shown or first
      if d_shown and (g or r) then
        assumptions[#assumptions + 1] = string.format("at afgørelsen er %s (»%s«)", shown[cls],
          short(sent_of(d_shown.para, d_shown.si).text))
      else
        assumptions[#assumptions + 1] = "at afgørelsen ikke giver fuldt medhold, fordi brevet ikke siger tydeligt, "
          .. "hvad borgeren får"
      end
    end

    -- the kind of case and its appeal route
    local body = appeal and body_of(appeal.body)
    local social, building = false, false
    if appeal then
      local via = type(appeal.via) == "string" and klarbrev.lower(appeal.via) or nil
      social = (via and (via:find("kommune", 1, true) or via == "os" or via:find("myndighed", 1, true)))
        or (not via and body and body.key == "ankestyrelsen")
    else
      -- from the text: the body named in the klagevejledning first, then the words of the letter
      for _, b in ipairs(BODIES) do
        if named[b.key] and not body then body = b end
      end
      if body and body.key == "ankestyrelsen" then
        social = true
      elseif body and (body.key == "byggeklageenheden" or body.key == "planklagenævnet") then
        building = true
      else
        social = social_word and not building_word
        building = building_word and not social_word
      end
      if social then
        assumptions[#assumptions + 1] = "at det er en social sag, hvor klagen går til Ankestyrelsen gennem kommunen"
      elseif building then
        assumptions[#assumptions + 1] = "at det er en byggesag"
      end
    end

    local court = parse_deadline((appeal and appeal.court_deadline) or (m and m.court_deadline))
    if not court and (planlov or (body and body.key == "planklagenævnet")) then
      court = { n = 6, unit = "måned" }
      if not m then assumptions[#assumptions + 1] = "at planloven gælder (søgsmål inden 6 måneder)" end
    end

    local discretionary = m and m.discretionary
    local disc_why
    if discretionary == nil then
      if p83 then
        discretionary, disc_why = true, "serviceloven § 83"
      elseif dispensation then
        discretionary, disc_why = true, "en dispensation"
      end
      if discretionary then
        assumptions[#assumptions + 1] = "at afgørelsen bygger på et skøn (" .. disc_why .. ")"
      end
    elseif discretionary then
      disc_why = "skabelonen siger, at reglen giver plads til skøn"
    end

    local note = ""
    if #assumptions > 0 then
      local list = assumptions[1]
      for i = 2, #assumptions do
        list = list .. (i == #assumptions and " og " or ", ") .. assumptions[i]
      end
      if m then
        note = " (Skabelonens manifest siger ikke alt om sagen, så klarbrev har ud fra teksten antaget, " .. list
          .. ".)"
      else
        note = " (Brevet har ingen sagsoplysninger, så klarbrev har ud fra teksten antaget, " .. list .. ".)"
      end
    end
    local function say(at, rule, level, msg, start, length)
      report{ at = at, rule = rule, level = level, message = msg .. note, start = start, length = length }
    end

    -------------------------------------------------------------------------------------------------------------
    -- D1, D2: the decision, and early
    -------------------------------------------------------------------------------------------------------------
    if not first then
      local level = (cls == "full" and not from_text) and "warning" or "error"
      local msg = "Brevet siger ikke klart, hvad afgørelsen er. Skriv tidligt i brevet, hvad borgeren får eller "
        .. "ikke får, fra hvornår og hvor meget, fx »Du får ikke kontanthjælp« eller »Vi bevilger dig hjælp til "
        .. "rengøring hver 14. dag« (forvaltningsloven § 22: afgørelsen meddeles skriftligt)."
      if announced then
        msg = "Brevet siger, at der er truffet en afgørelse (»" .. short(sent_of(announced.para, announced.si).text) ..
          "«), men ikke hvad den er. Skriv selve afgørelsen: hvad borgeren får eller ikke får, fra hvornår og "
          .. "hvor meget, fx »Du får ikke kontanthjælp« (forvaltningsloven § 22: afgørelsen meddeles skriftligt)."
      end
      if level == "warning" then
        msg = msg .. " Skabelonen siger, at afgørelsen giver fuldt medhold, så brevet behøver hverken begrundelse "
          .. "eller klagevejledning; men det skal sige, hvad borgeren får."
      end
      report{ at = letter, rule = "fvl-d1", level = level, message = msg }
    else
      local reason = first_match(paras, false, "b0", true)
      local late = first.pos > options.max_words_before_decision
      local reason_first = reason and first.para.kind ~= "heading" and
        (reason.para.pi < first.para.pi or (reason.para.pi == first.para.pi and reason.si < first.si))
      if late or reason_first then
        local why = late and string.format("først efter %d ord", first.pos) or "først efter begrundelsen"
        report{ at = sent_of(first.para, first.si), rule = "fvl-d2", level = "warning", start = 0,
          message = "Afgørelsen står " .. why .. ". Skriv afgørelsen i starten af brevet og begrundelsen "
            .. "bagefter: borgeren vil først vide, hvad afgørelsen er (anbefaling, ikke lovkrav: god "
            .. "forvaltningsskik og Ankestyrelsens »At skrive en afgørelse«)." }
      end
    end

    local needs_reasons = cls ~= "full"

    -------------------------------------------------------------------------------------------------------------
    -- B0-B3: reasons
    -------------------------------------------------------------------------------------------------------------
    if needs_reasons then
      local reasons = first_match(paras, false, "b0", true)
      local reason_heading = false
      for _, r in ipairs(paras) do
        if r.kind == "heading" and r.topic == "begrundelse" then reason_heading = true end
      end
      if not reasons and not reason_heading then
        say(letter, "fvl-b0", "error", "Brevet har ingen begrundelse. En afgørelse, der ikke giver fuldt ud "
          .. "medhold, skal begrundes (forvaltningsloven § 22). Skriv under en overskrift »Begrundelse«, hvorfor "
          .. "afgørelsen blev sådan: reglerne og de oplysninger, der har betydet noget.")
      end

      -- B1: a § outside the klagevejledning, with the law's name
      local section_sent, law_named, law_word = nil, false, false
      local outside = {} -- the sentences' text outside the klagevejledning, by paragraph
      for _, r in ipairs(paras) do
        if not r.kscope then
          local n = r.n
          if n.section_si and not section_sent then section_sent = { sent = sent_of(r, n.section_si), para = r } end
          if n.law_named then law_named = true end
          if n.law_word then law_word = true end
          if n.outside then outside[#outside + 1] = n.outside end
        end
      end
      -- "Det står i aktivloven." in one sentence, "§ 11" in the next
      if not law_named then law_named = law_word end
      if not section_sent then
        say(letter, "fvl-b1", "error", "Brevet henviser ikke til de regler, afgørelsen er truffet efter. Skriv "
          .. "loven og paragraffen i begrundelsen, fx »Det står i § 11 i lov om aktiv socialpolitik "
          .. "(aktivloven)« (forvaltningsloven § 24, stk. 1, 1. pkt.). En paragraf i klagevejledningen tæller ikke.")
      elseif not law_named then
        say(section_sent.sent, "fvl-b1", "warning", "Brevet nævner en paragraf, men ikke hvilken lov den "
          .. "står i. Skriv lovens navn ved paragraffen, fx »aktivlovens § 11« (forvaltningsloven § 24, stk. 1, "
          .. "1. pkt.).")
      end
      -- the sections the manifest names
      if m and m.law then
        outside = table.concat(outside, "\n")
        for _, entry in ipairs(m.law) do
          local law = parse_law(entry)
          if law and law.section then
            local found = false
            local pos = 1
            while true do
              local a, b, num = outside:find("§[%s\194\160]*(%d+%s*%a?)", pos)
              if not a then break end
              num = num:gsub("%s", "")
              if num == law.section or num:match("^%d+") == law.section then found = true end
              pos = b + 1
            end
            if found and law.law and not outside:find(law.law, 1, true) then
              -- "aktivloven" may be written out: "lov om aktiv socialpolitik"; accept any law name then
              found = law_named
            end
            if not found then
              report{ at = letter, rule = "fvl-b1", level = "warning", message = string.format(
                "Skabelonen siger, at afgørelsen er truffet efter %s, men brevet henviser ikke til den. Nævn "
                  .. "loven og paragraffen i begrundelsen (forvaltningsloven § 24, stk. 1, 1. pkt.).", law.shown) }
            end
          end
        end
      end

      -- B2: main considerations when the rule leaves discretion
      if discretionary and not first_match(paras, false, "b2", true) then
        say(letter, "fvl-b2", "error", "Afgørelsen bygger på et skøn (" .. (disc_why or "") .. "), men brevet "
          .. "siger ikke, hvad der er lagt vægt på. Skriv de hovedhensyn, der har været afgørende, fx »Vi har "
          .. "lagt vægt på, at du selv kan klare indkøb, men ikke rengøring« (forvaltningsloven § 24, stk. 1, "
          .. "2. pkt.).")
      end

      -- B3: the facts
      local fact = first_match(paras, false, "b3", true)
      local concrete = false
      for _, r in ipairs(paras) do
        if not r.kscope and r.n.concrete then concrete = true end
      end
      if not fact and not concrete then
        local generic = first_match(paras, false, "b3_generic", true)
        if generic then
          say(sent_of(generic.para, generic.si), "fvl-b3", "warning", "Brevet henviser kun generelt til "
            .. "oplysningerne i sagen. Skriv de konkrete oplysninger, der er lagt vægt på: hvad borgeren har "
            .. "oplyst, beløb, datoer og hvilke papirer det står i (forvaltningsloven § 24, stk. 2).")
        else
          say(letter, "fvl-b3", "error", "Brevet nævner ikke de oplysninger om sagen, som afgørelsen bygger på. "
            .. "Skriv kort de konkrete oplysninger, der er lagt vægt på, fx »Du har oplyst, at …« eller »Det "
            .. "fremgår af lægeerklæringen fra 3. marts, at …« (forvaltningsloven § 24, stk. 2).")
        end
      else
        -- B3 from the case: a field the manifest marks "facts" holds the facts given weight, so its text must stand
        -- in the letter. The letter's own words around the facts ("Vi har brugt disse oplysninger:") match the
        -- patterns above, so a paragraph of facts deleted from a filled letter is found only this way.
        local missing = facts_missing(letter)
        if missing then
          say(letter, "fvl-b3", "error", "Brevet nævner ikke de oplysninger, afgørelsen bygger på: teksten fra "
            .. "feltet »" .. missing .. "« står ikke i brevet. Sæt den ind igen under begrundelsen "
            .. "(forvaltningsloven § 24, stk. 2).")
        end
      end
    end

    -------------------------------------------------------------------------------------------------------------
    -- K0-K5, S1, S2: klagevejledning
    -------------------------------------------------------------------------------------------------------------
    if needs_reasons and not has_k then
      local what = "hvem der behandler klagen, hvordan man klager og fristen"
      if social then
        what = "at klagen skal sendes til kommunen, at Ankestyrelsen behandler den, og at fristen er 4 uger fra "
          .. "den dag, borgeren fik afgørelsen"
      end
      say(letter, "fvl-k0", "error", "Brevet har ingen klagevejledning. En afgørelse, der ikke giver fuldt ud "
        .. "medhold, skal fortælle, hvordan man klager (forvaltningsloven § 25, stk. 1): " .. what .. ". Brug "
        .. "kommunens standardafsnit om klage.")
      return
    end
    if not has_k then return end

    -- the first paragraph of the klagevejledning, where a missing part is reported
    local kpara
    for _, r in ipairs(paras) do
      if r.kscope and r.kind == "prose" and not kpara then kpara = r end
    end
    for _, r in ipairs(paras) do
      if r.kscope and not kpara then kpara = r end
    end
    local kat = kpara.node

    -- K1: the appeal body (named: from the notes, above)
    local any_named = next(named) ~= nil or first_match(paras, true, "body_generic") ~= nil
    if appeal and body and not named[body.key]
      and not k_text():find(klarbrev.lower(tostring(appeal.body)), 1, true) then
      local other
      for _, b in ipairs(BODIES) do
        if named[b.key] and not other then other = b end
      end
      if other then
        -- report where the wrong body is named
        local at, start, len = kat, nil, nil
        for _, r in ipairs(paras) do
          local h = r.kscope and r.n.body_at[other.key]
          if h then
            at, start, len = sent_of(r, h.si), h.start, h.length
            break
          end
        end
        report{ at = at, rule = "fvl-k1", level = "error", start = start, length = len, message = string.format(
          "Klagevejledningen nævner %s, men klager i denne sag behandles af %s. Ret klageinstansen "
            .. "(forvaltningsloven § 25, stk. 1).", other.shown, tostring(appeal.body)) }
      elseif needs_reasons then
        report{ at = kat, rule = "fvl-k1", level = "error", message = string.format(
          "Klagevejledningen nævner ikke klageinstansen. Skriv, at klagen behandles af %s (forvaltningsloven "
            .. "§ 25, stk. 1).", tostring(appeal.body)) }
      end
    elseif not appeal and not any_named and needs_reasons then
      say(kat, "fvl-k1", "error", "Klagevejledningen nævner ikke klageinstansen. Skriv, hvem der behandler "
        .. "klagen, fx »Ankestyrelsen« eller »Byggeklageenheden« (forvaltningsloven § 25, stk. 1).")
    end
    if not body then
      for _, b in ipairs(BODIES) do
        if named[b.key] and not body then body = b end
      end
    end

    -- K2: how to complain
    if needs_reasons and not first_match(paras, true, "k2") then
      say(kat, "fvl-k2", "error", "Klagevejledningen siger ikke, hvordan man klager. Skriv, hvem klagen skal "
        .. "sendes til, og hvordan: skriftligt (Digital Post, e-mail, brev) eller mundtligt (forvaltningsloven "
        .. "§ 25, stk. 1).")
    end

    -- S1: social cases go through the municipality
    if social and needs_reasons then
      if not first_match(paras, true, "s1_route") then
        say(kat, "fvl-s1", "error", "Klagevejledningen siger ikke, at klagen skal sendes til kommunen. I en "
          .. "social sag sendes klagen til den myndighed, der har truffet afgørelsen; den ser på sagen igen, "
          .. "før klagen går videre til Ankestyrelsen. Skriv fx »Du skal sende klagen til os og ikke direkte "
          .. "til Ankestyrelsen« (retssikkerhedsloven § 66).")
      elseif not first_match(paras, true, "s1_reconsider") then
        say(kat, "fvl-s1", "warning", "Skriv også, at I ser på sagen igen, når klagen kommer, og at I sender den "
          .. "videre til Ankestyrelsen, hvis I fastholder afgørelsen (retssikkerhedsloven § 66).")
      end
    end

    -- K3: the deadline. A route without one (access to documents, offentlighedsloven § 37: the manifest's deadline
    -- "ingen" or "ingen klagefrist") asks for none, and a period the letter names (the Ombudsman's year) is no error.
    local no_deadline = appeal and type(appeal.deadline) == "string"
      and klarbrev.lower(appeal.deadline):find("^%s*ingen") ~= nil
    local found_deadlines = {}
    local expected = appeal and parse_deadline(appeal.deadline)
    local expected_from = appeal and appeal.deadline and "sagen" or nil
    if not expected and social then
      expected, expected_from = { n = 4, unit = "uge" }, "loven"
    end
    for _, r in ipairs(paras) do
      if r.kscope then
        for _, d in ipairs(r.n.deadlines) do
          found_deadlines[#found_deadlines + 1] = { n = d.n, unit = d.unit, date = d.date, si = d.si,
            start = d.start, length = d.length, para = r }
        end
      end
    end
    local law_ref = social and "retssikkerhedsloven § 67" or "forvaltningsloven § 25, stk. 1"
    local dl_rule = social and "fvl-s2" or "fvl-k3"
    if no_deadline then
      -- nothing to check: the klagevejledning says there is no deadline, or says nothing about one
    elseif #found_deadlines == 0 then
      if needs_reasons then
        local example = expected and deadline_text(expected) or "4 uger"
        say(kat, "fvl-k3", "error", string.format("Klagevejledningen nævner ikke klagefristen. Skriv fristen og "
          .. "hvornår den begynder, fx »Vi skal have din klage inden %s fra den dag, du fik afgørelsen« (%s).",
          example, social and "forvaltningsloven § 25, stk. 1, og retssikkerhedsloven § 67" or
          "forvaltningsloven § 25, stk. 1"))
      end
    else
      local match, first_d = nil, nil
      for _, d in ipairs(found_deadlines) do
        first_d = first_d or d
        if not d.date and expected and d.n == expected.n and d.unit == expected.unit then match = d end
      end
      if expected and not match and not first_d.date then
        local msg
        if expected_from == "sagen" then
          msg = string.format("Klagefristen i brevet er %s, men sagens klagefrist er %s. Ret fristen (%s).",
            deadline_text(first_d), deadline_text(expected), law_ref)
        else
          msg = string.format("Klagefristen i brevet er %s. I en social sag er klagefristen 4 uger fra den dag, "
            .. "borgeren fik afgørelsen. Ret fristen (%s).", deadline_text(first_d), law_ref)
        end
        say(sent_of(first_d.para, first_d.si), expected_from == "sagen" and "fvl-k3" or dl_rule, "error", msg,
          first_d.start, first_d.length)
      else
        -- does the deadline say when it starts? (in the same paragraph as a deadline that is right)
        local starts, warn_at = false, nil
        for _, d in ipairs(found_deadlines) do
          local right = not expected or d.date or (d.n == expected.n and d.unit == expected.unit)
          if right then
            warn_at = warn_at or d
            if d.para.n.first.k3_start then starts = true end
          end
        end
        if not starts and warn_at and not warn_at.date then
          say(sent_of(warn_at.para, warn_at.si), dl_rule, "warning", string.format("Skriv, hvornår klagefristen "
            .. "begynder, fx »inden %s fra den dag, du fik afgørelsen«. Uden startdag kan borgeren ikke regne "
            .. "fristen ud (%s; Folketingets Ombudsmand).", deadline_text(warn_at), law_ref),
            warn_at.start, warn_at.length)
        end
      end
    end

    -- K4: the appeal body's limited competence (building cases)
    if body and (body.key == "byggeklageenheden" or body.key == "planklagenævnet") and needs_reasons
      and not first_match(paras, true, "k4") then
      say(kat, "fvl-k4", "error", string.format("%s kan kun tage stilling til retlige spørgsmål, ikke til "
        .. "kommunens skøn. Det skal stå i klagevejledningen, fx »%s kan kun tage stilling til, om afgørelsen er "
        .. "lovlig« (forvaltningsloven § 25, stk. 1, 2. pkt.).", body.shown, body.shown))
    end

    -- K5: the deadline for going to court
    if court and needs_reasons then
      local ok = false
      for _, r in ipairs(paras) do
        if r.kscope then
          for _, d in ipairs(r.n.court_deadlines) do
            if d.n == court.n and d.unit == court.unit then ok = true end
          end
        end
      end
      if not ok then
        say(kat, "fvl-k5", "error", string.format("Afgørelsen kan kun prøves ved domstolene inden en frist, som "
          .. "loven sætter (%s). Skriv det, fx »Hvis du vil gå til domstolene, skal du anlægge sag inden %s fra "
          .. "den dag, du fik afgørelsen« (forvaltningsloven § 26).", deadline_text(court), deadline_text(court)))
      end
    end
  end,

  examples = {
    ok = {
      -- a full grant needs no reasons and no klagevejledning
      "Du får hjælp til rengøring hver 14. dag fra 1. marts.",
      -- a refusal with every element
      "Afslag på kontanthjælp\nDu får ikke kontanthjælp.\nBegrundelse\nDu har oplyst, at du har 58.300 kr. på din "
        .. "konto. Du kan kun få kontanthjælp, hvis du ikke kan forsørge dig selv. Det står i § 11 i aktivloven."
        .. "\nSådan klager du\nDu kan klage til Ankestyrelsen. Send klagen til os inden 4 uger fra den dag, du fik "
        .. "afgørelsen. Vi ser på sagen igen, før vi sender den til Ankestyrelsen.",
      -- a partshøring is no decision: the information, the deadline and how to answer, no klagevejledning
      "Partshøring\nVi har fået oplyst, at du har arbejdet 20 timer om ugen i oktober. Vi har endnu ikke truffet "
        .. "afgørelse. Ring eller skriv til os inden 14 dage. Hvis vi ikke hører fra dig, træffer vi afgørelse ud "
        .. "fra de oplysninger, vi har.",
    },
    bad = {
      -- no reasons, no legal basis, no klagevejledning: findings on the letter as a whole
      "[[Du får ikke kontanthjælp.\nVi har lagt vægt på din formue på 58.300 kr.]]",
      -- a decision announced, not stated
      "[[Kommunen har truffet afgørelse i din sag.]]",
      -- the wrong deadline in a social case
      "Du får ikke kontanthjælp, fordi du har 58.300 kr. på din konto. Det står i § 11 i aktivloven.\nDu kan "
        .. "klage til Ankestyrelsen. Send klagen til os inden [[8 uger]] fra den dag, du fik afgørelsen. Vi ser på "
        .. "sagen igen.",
      -- a partshøring without a deadline to answer (fvl-h2)
      "[[Partshøring\nVi har fået oplyst, at du har arbejdet 20 timer om ugen i oktober. Ring til os, hvis du vil "
        .. "sige noget til det.]]",
    },
  },
}
