-- plugins/readability.lua -- how hard the letter is to read: its LIX, and sentences that are too long.
--
-- LIX is convention K (the same as the report): klarbrev.lix counts letters, not bytes, and the same words and
-- sentences as every other check. Headings and table cells are not sentences a reader has to hold in their head, so
-- the sentence-length rule leaves them alone (they still count in the letter's LIX, as in the report).
--
-- In the examples, [[...]] marks where a finding must be; a mark around the whole text means a finding on the
-- letter as a whole.

local function words_in(sentence)
  return #sentence.words
end

return {
  id = "readability",
  level = "warning",
  description = "Lange sætninger og et højt LIX gør brevet svært at læse.",

  options = {
    max_lix = 40,   -- above this: a warning on the letter
    error_lix = 50, -- above this: an error (the letter is not sent)
    max_words = 25, -- words in one sentence
  },

  on_letter = function(letter, report, options)
    local lix, words = klarbrev.lix(letter)
    if words == 0 or lix <= options.max_lix then
      return
    end
    local shown = math.floor(lix + 0.5)
    report{
      at = letter,
      level = lix > options.error_lix and "error" or "warning",
      message = string.format(
        "Brevet har LIX %d. Sigt efter %d eller derunder: brug kortere sætninger og kortere ord.",
        shown, options.max_lix),
    }
  end,

  on_sentence = function(sentence, report, options)
    local paragraph = sentence.paragraph
    if paragraph.heading or paragraph.in_table then
      return
    end
    local n = words_in(sentence)
    if n > options.max_words then
      report(sentence, "Sætningen har %d ord. Del den op i sætninger på højst %d ord.", n, options.max_words)
    end
  end,

  examples = {
    ok = {
      "Du får hjælp fra 1. marts.",
      "Vi har modtaget din ansøgning. Du hører fra os inden for fire uger.",
      -- 25 words is the limit, not over it
      "Du kan klage over afgørelsen, hvis du er uenig, og du skal gøre det senest fire uger efter, at du har fået "
        .. "brevet fra os.",
    },
    bad = {
      -- 32 short words in one sentence
      "[[Du har søgt om hjælp til husleje og vi har set på din sag og de papirer du har sendt til os og vi har "
        .. "talt med dig om det i går.]]",
      -- long words only: LIX far above 50
      "[[Kommunalbestyrelsens sagsbehandlingstider forlænges betydeligt.]]",
    },
  },
}
