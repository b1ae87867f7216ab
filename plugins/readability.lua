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
--   lix            the body text's LIX: over max_lix a warning, over error_lix an error. The LIX is judged as it is
--                  shown, rounded to a whole number, so "LIX 50" is never reported as over a limit of 50
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
-- Text helpers shared by the bundled plugins: plugins/lib/tekst.lua.
local tekst = klarbrev.lib.tekst
local in_spans, paragraph, skip_node = tekst.in_spans, tekst.paragraph, tekst.skip_node

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

-- What a LIX is made of, for the message: "Sætningerne har i snit 22 ord, og 31 % af ordene er lange (mere end
-- seks bogstaver)." LIX is the two numbers added, so the reader sees which one to bring down.
local function parts(words, sentences, long)
  return string.format("Sætningerne har i snit %d ord, og %d %% af ordene er lange (mere end seks bogstaver).",
    round(words / math.max(sentences, 1)), round(100 * long / math.max(words, 1)))
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

local function skip_word(w, first)
  local t = w.text
  if t:find("%d") or t:find("@", 1, true) or t:find("/", 1, true) or t:find("www.", 1, true) then return true end
  if skip_node(w.node) then return true end
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

  -- Each paragraph's own rules here; its counts go into its notes for the LIX of the whole body text, which
  -- on_letter_end works out.
  on_paragraph = function(p, report, options)
    if not p.danish then return end -- the spelling found the text is not Danish (ikke-dansk)
    local r = paragraph(p)
    do
      if scored(r) then
        local lix, pw, ps, pl = klarbrev.lix(r.node)

        -- the paragraph's own LIX, judged as shown (rounded): "LIX 50" is not over a limit of 50
        local shown = round(lix)
        if pw >= options.paragraph_min_words and shown > options.paragraph_max_lix then
          report{
            at = r.node, rule = "lix-afsnit",
            level = shown > options.paragraph_error_lix and "error" or "warning",
            message = string.format("Afsnittet har LIX %d (%s), og et afsnit bør højst have LIX %d. %s Del de "
              .. "lange sætninger op, og skift lange ord ud med kortere, almindelige ord.", shown, band(shown),
              options.paragraph_max_lix, parts(pw, ps, pl)),
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
            if w.node.letters > options.max_word_letters and not skip_word(w, wi == 1) then
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
        return { words = pw, sentences = ps, long = pl }
      end
    end
  end,

  -- the body text's LIX
  on_letter_end = function(letter, report, options)
    if not letter.danish then return end
    local words, sentences, long = 0, 0, 0
    for _, p in ipairs(letter.paragraphs) do
      local n = p.notes
      if n then words, sentences, long = words + n.words, sentences + n.sentences, long + n.long end
    end
    if words > 0 then
      local shown = round(words / sentences + 100 * long / words)
      if shown > options.max_lix then
        report{
          at = letter, rule = "lix",
          level = shown > options.error_lix and "error" or "warning",
          message = string.format("Brødteksten har LIX %d (%s), og den bør højst have LIX %d. %s Skriv kortere "
            .. "sætninger, og brug korte, almindelige ord. (Overskrifter, adresse, underskrift og tabeller er "
            .. "ikke regnet med.)", shown, band(shown), options.max_lix, parts(words, sentences, long)),
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
