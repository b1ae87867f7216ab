-- plugins/kancellisprog.lua -- stiff, old-fashioned official language (kancellisprog) in a letter to a citizen,
-- with the plain word to write instead.
--
-- The list is curated from shared/reference/kancellisprog.tsv: only what a Danish editor would flag in a letter to
-- a citizen, each with its plain replacement (a suggestion that can replace the words as they stand) or, where no
-- replacement fits every sentence, a short hint in the message. Entries that are correct where the law is cited
-- ("jf.", "pågældende") are not flagged in a paragraph with a § reference; "i henhold til § 11" is flagged all the
-- same, because "efter § 11" says it plainly. Nothing is flagged in a quotation or in an annex of rules, because
-- quoted law must stay as it is.
--
-- This is a visitor, not a declarative `replace` list: the core's phrase lists cannot skip a quotation or a
-- paragraph that cites the law. A municipality that accepts a phrase lists it in the option `allow`
-- ([plugin kancellisprog] allow = jf., samtlige), or switches the rule off ([rules] kancellisprog = off).
-- Rule id of every finding: kancellisprog.
---------------------------------------------------------------------------------------------------------------------
-- Text helpers shared by the bundled plugins: plugins/lib/tekst.lua.
local tekst = klarbrev.lib.tekst
local in_spans, paragraph, locate = tekst.in_spans, tekst.paragraph, tekst.locate
local capitalise, skip_node = tekst.capitalise, tekst.skip_node

-- The list, curated from shared/reference/kancellisprog.tsv. Each entry: the phrase (lower case, as words), and
-- either `to` (what to write instead: the suggestions, best first, each one a word-for-word replacement that keeps
-- the sentence grammatical) or `hint` (how to rewrite, when no replacement fits every sentence). The phrase is a
-- word pattern of plugins/lib/tekst.lua ("a|b" one of these words, "*" any one word). `legal = true`
-- marks an expression that is right in a paragraph that cites the law (a § and a number): it is not flagged there.
-- Nothing is flagged inside a quotation (» «, " ", “ ”) or in an annex of rules ("Regler", "Lovgrundlag").
local ENTRIES = {
  { "såfremt", to = { "hvis" } },
  { "endvidere", to = { "desuden", "også" } },
  { "nærværende", to = { "denne", "dette" } },
  { "jf.", to = { "se", "efter" }, legal = true },
  { "jfr.", to = { "se", "efter" }, legal = true },
  { "jævnfør", to = { "se", "efter" }, legal = true },
  -- "i henhold til § 11" is old phrasing also where the law is cited: "efter § 11"
  { "iht.", to = { "efter", "ifølge" } },
  { "i henhold til", to = { "efter", "ifølge" } },
  { "i medfør af", to = { "efter", "ifølge" } },
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
  -- only the relative "hvilket" that points back at the clause before it (", hvilket betyder"): after a comma and
  -- before a verb, pronoun or adverb. The question word before a noun ("hvilket hjælpemiddel der passer") is plain
  -- Danish.
  { "hvilket", hint = "Sæt punktum, og begynd en ny sætning, fx »Det betyder, at …«.", relative = true },
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
  -- old phrasing seen in real letters (issue 12, point 14)
  { "skal|bør dette ske", hint = "Skriv, hvem der skal gøre hvad, fx »Du skal klage skriftligt« eller »Skriv "
    .. "til os«." },
  { "dette skal|bør ske", hint = "Skriv, hvem der skal gøre hvad, fx »Du skal klage skriftligt« eller »Skriv "
    .. "til os«." },
  { "være|er|været * i hænde", hint = "Skriv, hvem der skal have hvad, fx »Vi skal have din klage senest 1. maj«." },
  { "være|er|været * * i hænde", hint = "Skriv, hvem der skal have hvad, fx »Vi skal have din klage senest 1. maj«." },
  { "i hænde", hint = "Skriv, hvem der har eller skal have hvad, fx »når vi har fået din klage«." },
  { "førend", to = { "før" } },
  { "hvorvidt", to = { "om" } },
  { "hvorledes", to = { "hvordan" } },
  { "dersom", to = { "hvis" } },
  { "medens", to = { "mens" } },
  { "ydermere", to = { "desuden", "også" } },
  { "snarest muligt", to = { "så hurtigt som muligt" } },
  { "snarest", to = { "så hurtigt som muligt", "så snart du kan" } },
  { "fornøden", to = { "nødvendig" } },
  { "fornødent", to = { "nødvendigt" } },
  { "fornødne", to = { "nødvendige" } },
  { "ovenstående", hint = "Skriv, hvad det er, fx »de oplysninger, vi har skrevet ovenfor«." },
  { "nedenstående", to = { "følgende" } },
  { "tilsende", to = { "sende" } },
  { "tilsendt", to = { "sendt" } },
  { "dags dato", to = { "i dag" } },
  { "påhvile", hint = "Skriv, hvem der skal gøre hvad: »det vil påhvile dig at« bliver »du skal«." },
  { "tilkendegive", to = { "sige", "give udtryk for" } },
  { "tilkendegiver", to = { "siger", "giver udtryk for" } },
  { "tilkendegivet", to = { "sagt", "givet udtryk for" } },
}
-- Left out of the tsv on purpose (a Danish editor would not flag them in a letter, or another plugin does):
-- "man", "samt", "dog", "modtage", "afgive", "foretage", "herunder", "yderligere", "fremgår af" (a normal way to
-- name a source: "Det fremgår af lægeerklæringen"), "formentlig", "ligesom", "samtidig med at", "i øvrigt",
-- "hvorfor" (also a plain question word), "ansøger" (also the verb: "du ansøger"), "udøve", "i det omfang",
-- "forudsat at"; "De/Dem/Deres" (tone.lua: tiltale); "foretage en vurdering", "tage stilling til", "træffe
-- afgørelse om", "give tilladelse til", "yde hjælp", "yde", "afgive en udtalelse", "afgivelse af", "fremsætte en
-- udtalelse", "foretage en undersøgelse", "foretage en beregning" (tone.lua: nominalstil).

-- Compiled once: pattern k of PHRASES is ENTRIES[k]. A phrase has no optional words and no gaps, so its longest
-- match at a word is the phrase with the most words that matches there.
local PHRASES
do
  local list = {}
  for k, e in ipairs(ENTRIES) do list[k] = e[1] end
  PHRASES = klarbrev.matcher(list)
end

-- "hvis" -> "Hvis" when the text found starts with a capital.
-- What follows a relative "hvilket" (", hvilket betyder, at ...", ", hvilket vi ikke kan"): a verb, a pronoun or an
-- adverb. A question word is followed by its noun instead ("hvilket hjælpemiddel").
local AFTER_RELATIVE = {}
for w in ([[betyder betød er var bliver blev vil ville kan kunne skal skulle må måtte har havde gør gjorde giver gav
  medfører medførte indebærer indebar fører førte sker skete kræver krævede gælder gjaldt ses fremgår også ikke jo
  derfor dog heller vi du de man han hun den det jeg dig dem os kommunen]]):gmatch("%S+") do
  AFTER_RELATIVE[w] = true
end

-- 1 when hit h (in sentence s) is the relative "hvilket": after a comma or semicolon, before a word of AFTER_RELATIVE.
local function relative_hvilket(s, h)
  local a = s.words[h.i].a
  local next_word = s.words[h.j + 1]
  return s.text:sub(1, a - 1):find("[,;]%s*$") ~= nil and next_word ~= nil
    and AFTER_RELATIVE[next_word.lower] == true
end

local function match_case(sugg, found)
  local f = found:match("^[\0-\127\194-\244][\128-\191]*")
  return f and klarbrev.lower(f) ~= f and capitalise(sugg) or sugg
end

return {
  id = "kancellisprog",
  level = "warning",
  description = "Stive, gammeldags vendinger (kancellisprog) gør brevet svært at læse. Skriv, som du ville sige det.",

  options = {
    allow = {}, -- phrases the municipality accepts, e.g. allow = jf., samtlige (in the config file)
  },

  -- Paragraph by paragraph: a paragraph from the template is checked once per template (docs/plugins.md).
  on_paragraph = function(p, report, options)
    if not p.danish then return end -- the spelling found the text is not Danish (ikke-dansk)
    local allowed = {}
    for _, a in ipairs(options.allow) do allowed[klarbrev.lower(a)] = true end
    local kind = p.kind
    if (kind == "prose" or kind == "heading" or kind == "table") and p.section ~= "regler" then
      -- at each word the longest phrase, then on after it (also when the phrase is left alone); the paragraph's
      -- record only when there is one
      local hits = PHRASES:find(p, "longest")
      local r = #hits > 0 and paragraph(p)
      if r and not r.quoted then
        locate(hits, r.sents)
        for _, h in ipairs(hits) do
          local s = r.sents[h.sent]
          local ws = s.words
          local hit = ENTRIES[h.pattern]
          local a, b = ws[h.i].a, ws[h.j].b
          local pa, pb = s.off + a, s.off + b
          local skip = allowed[hit[1]] or allowed[klarbrev.lower(s.text:sub(a, b))] or in_spans(r.quotes, pa, pb)
            or (hit.legal and r.legal) or skip_node(ws[h.i].node)
            or (hit.relative and not relative_hvilket(s, h))
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
      -- the plain forms of the old phrasing below
      "Vil du klage, skal du skrive til os. Vi skal have din klage senest 1. maj.",
      "Du skal svare, før vi kan hjælpe dig. Du får hjælp efter aktivlovens § 11.",
      "Dette sker hver måned. Du har brevet i hænderne nu.",
      -- "hvilket" as a question word, not pointing back
      "Vi vurderer, hvilket hjælpemiddel der dækker dit behov bedst. Hvilket beløb får du?",
    },
    bad = {
      "[[Såfremt]] du flytter, skal du give os besked.",
      "Vi har modtaget din [[skrivelse]] [[vedrørende]] boligstøtte.",
      "Du har ret til hjælp, [[jf.]] aktivloven.",
      "Du [[bedes]] sende kontoudtogene, [[hvilket]] er nødvendigt.",
      "Vi skal [[i henhold til]] loven se på din formue.",
      -- caught also where the law is cited: "efter § 11" says it plainly
      "Du får hjælp [[i henhold til]] aktivlovens § 11.",
      "Vil du klage, [[skal dette ske]] skriftligt.",
      "Klagen skal [[være kommunen i hænde]] senest 1. maj.",
      "Du skal svare, [[førend]] vi kan hjælpe dig.",
    },
  },
}
