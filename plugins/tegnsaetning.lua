-- plugins/tegnsaetning.lua -- punctuation slips that a filled template or a quick edit leaves in a letter.
--
-- The typical case: a formatter that ends with a full stop (`{{beløb | kr}}` gives "500,00 kr.") before the
-- template's own full stop gives "500,00 kr.." in the letter. An abbreviation that ends a sentence takes one full
-- stop only (Dansk Sprognævn's rules on abbreviations).
--
-- Rules (the rule id of each finding):
--   tegnsaetning             two full stops or two commas in a row ("kr..", "hjælp,,"); an ellipsis ("...", "…")
--                            is not flagged
--   mellemrum-foer-tegn      a space before . , ; : ! ? ("hjælp ." , "§ 11 , stk. 2"); not before an ellipsis
--                            (" ..." is right where words are left out), nor before a mark that starts a word
--                            (" .docx", " :-)"), nor in a smiley (" :)")
--   mellemrum-efter-punktum  no space after a full stop, ! or ? before a new sentence ("marts.Du"); not in
--                            numbers and dates ("12.500,00", "1.1.2026"), abbreviations ("f.eks.", "Ph.D."),
--                            initials ("H.C.Andersen"), acronyms and file types ("bilag.PDF")
-- Left alone everywhere: web and e-mail addresses ("www.borger.dk", "mette.lund@soeby.dk", "https://…"), and
-- quotations (» «, “ ”, „ “, ” ”, " "): a quoted law or letter keeps its own punctuation. A quotation that is not
-- closed in its paragraph runs to the paragraph's end, and one closed without being opened ran from its start.
---------------------------------------------------------------------------------------------------------------------

-- Names of the marks, for the messages ("før kommaet").
local MARK_NAME = { ["."] = "punktummet", [","] = "kommaet", [";"] = "semikolonnet", [":"] = "kolonet",
  ["!"] = "udråbstegnet", ["?"] = "spørgsmålstegnet" }

-- Abbreviations that end with a full stop and often end a sentence (shared/reference/abbreviations.txt): for
-- them the message says why the second full stop is wrong.
local ABBREVIATIONS = {}
for _, a in ipairs{ "kr.", "f.eks.", "bl.a.", "jf.", "jfr.", "stk.", "nr.", "ca.", "mv.", "m.v.", "pkt.", "dvs.",
  "evt.", "m.fl.", "o.l.", "inkl.", "ekskl.", "osv.", "etc.", "mio.", "mia.", "pct.", "pr.", "kl.", "lign.",
  "m.m.", "mdr.", "md.", "gl.", "tlf.", "vedr.", "ang.", "p.t.", "d.d.", "ift.", "mht.", "pga.", "hhv.", "iflg.",
  "vedl.", "el.", "lbk.", "bek.", "kap.", "f.o.m.", "t.o.m.", "sagsnr.", "j.nr.", "jnr." } do
  ABBREVIATIONS[a] = true
end

local SPACE = { [" "] = true, ["\194\160"] = true } -- a space or a no-break space (U+00A0)

-- The UTF-8 character that starts at byte i of s (a single byte for ASCII), or "" past the end.
local function char_at(s, i)
  if i < 1 or i > #s then return "" end
  return s:match("^[\0-\127\194-\244][\128-\191]*", i) or s:sub(i, i)
end

-- The character that ends at byte i (i is its last byte), and its first byte.
local function char_before(s, i)
  if i < 1 then return "", i end
  local a = i
  while a > 1 and i - a < 3 and s:byte(a) >= 128 and s:byte(a) < 192 do a = a - 1 end
  return s:sub(a, i), a
end

-- Letters: ASCII, and the Latin-1 and Latin Extended-A letters of UTF-8 (æ ø å é ü ...).
local function is_letter(c)
  if #c == 1 then return c:find("^%a$") ~= nil end
  local b1 = c:byte(1)
  return #c == 2 and (b1 == 195 or b1 == 196 or b1 == 197) and c ~= "\195\151" and c ~= "\195\183"
end

local function is_upper(c)
  if #c == 1 then return c:find("^%u$") ~= nil end
  return is_letter(c) and klarbrev.lower(c) ~= c
end

-- Closing quotes and brackets after which a full stop or a new sentence may follow.
local CLOSERS = { [")"] = true, ["]"] = true, ["«"] = true, ["”"] = true, ["’"] = true, ["\""] = true }
-- Marks that may stand right after a punctuation mark: the end of a quotation or bracket, more punctuation.
local AFTER_MARK = { [")"] = true, ["]"] = true, ["«"] = true, ["”"] = true, ["“"] = true, ["’"] = true,
  ["\""] = true, ["'"] = true, ["."] = true, [","] = true, [";"] = true, [":"] = true, ["!"] = true,
  ["?"] = true, ["…"] = true }

-- The spans sorted and merged where they overlap, so that `inside` can search them by halves: a long paragraph
-- with many quotations and many marks stays linear-logarithmic, not quadratic.
local function merge(spans)
  table.sort(spans, function(x, y) return x[1] < y[1] end)
  local out = {}
  for _, sp in ipairs(spans) do
    local last = out[#out]
    if last and sp[1] <= last[2] + 1 then
      if sp[2] > last[2] then last[2] = sp[2] end
    else
      out[#out + 1] = { sp[1], sp[2] }
    end
  end
  return out
end

-- True when bytes a..b lie in one of the merged spans.
local function inside(spans, a, b)
  local lo, hi = 1, #spans
  while lo <= hi do
    local mid = (lo + hi) // 2
    local sp = spans[mid]
    if a < sp[1] then
      hi = mid - 1
    elseif a > sp[2] then
      lo = mid + 1
    else
      return b <= sp[2]
    end
  end
  return false
end

-- Byte ranges {first, last} of the quotations in a paragraph. Pairs of different marks (» «, “ ”, „ “) are found
-- as tekst.quote_spans does; a quotation left open runs to the paragraph's end, and a closing mark with no opening
-- one before it closes a quotation that started before the paragraph. ” ” and " " are paired in order.
local function quotations(text)
  local spans = {}
  local pairs_ = { { "»", "«" }, { "“", "”" }, { "„", "“" } }
  for _, q in ipairs(pairs_) do
    local open, close = q[1], q[2]
    local pos = 1
    local first_open = text:find(open, 1, true)
    local first_close = text:find(close, 1, true)
    if first_close and (not first_open or first_close < first_open) then
      spans[#spans + 1] = { 1, first_close + #close - 1 }
      pos = first_close + #close
    end
    while true do
      local a, b = text:find(open, pos, true)
      if not a then break end
      local c, d = text:find(close, b + 1, true)
      if not c then
        spans[#spans + 1] = { a, #text }
        break
      end
      spans[#spans + 1] = { a, d }
      pos = d + 1
    end
  end
  local paired = merge(spans)
  for _, q in ipairs{ "”", "\"" } do
    local marks = {}
    local pos = 1
    while true do
      local a, b = text:find(q, pos, true)
      if not a then break end
      -- a ” that closes a “ is taken
      if not inside(paired, a, b) then marks[#marks + 1] = { a, b } end
      pos = b + 1
    end
    local k = 1
    if #marks % 2 == 1 and q == "”" then
      -- an odd number of ”: the first closes a quotation from an earlier paragraph when it follows a word
      local before = char_before(text, marks[1][1] - 1)
      if marks[1][1] > 1 and not SPACE[before] then
        spans[#spans + 1] = { 1, marks[1][2] }
        k = 2
      end
    end
    while k <= #marks do
      local last = marks[k + 1] and marks[k + 1][2] or #text
      spans[#spans + 1] = { marks[k][1], last }
      k = k + 2
    end
  end
  return spans
end

-- Byte ranges of the web and e-mail addresses (and paths) in a paragraph: the words that hold "@", "://", "www."
-- or a "/" next to a full stop.
local function addresses(text)
  local spans = {}
  if not (text:find("[@/]") or text:find("[wW][wW][wW]%.")) then return spans end -- most paragraphs: none
  for a, word, b in text:gmatch("()([^%s]+)()") do
    local lw = word:lower()
    if lw:find("@", 1, true) or lw:find("://", 1, true) or lw:find("www.", 1, true) or lw:find("./", 1, true)
      or lw:find("/.", 1, true) then
      spans[#spans + 1] = { a, b - 1 }
    end
  end
  return spans
end

-- Words longer than this (in bytes) are shown by their last or first MAX_WORD bytes: the walks stay short on any
-- input.
local MAX_WORD = 64

-- Bytes of a word: ASCII letters and digits, the lead bytes of the Latin-1 and Latin Extended-A letters (195-197)
-- and UTF-8 continuation bytes (128-191). Byte tests, not characters, keep the walks cheap on long words.
local function word_byte(c)
  return (c >= 48 and c <= 57) or (c >= 65 and c <= 90) or (c >= 97 and c <= 122) or (c >= 128 and c <= 191)
    or (c >= 195 and c <= 197)
end

-- The word (letters, digits and inner full stops, as in "kr." or "f.eks.") that ends at byte i: its first byte
-- (i + 1 when no word ends there).
local function word_start(text, i)
  local stop = math.max(1, i - MAX_WORD)
  local a = i
  while a >= stop do
    local c = text:byte(a)
    if c == 46 or word_byte(c) then a = a - 1 else break end
  end
  a = a + 1
  -- not from a full stop or the middle of a character (the tail of "»" or "…")
  while a <= i do
    local c = text:byte(a)
    if c == 46 or (c >= 128 and c <= 191) then a = a + 1 else break end
  end
  return a
end

-- The run of word bytes (no full stop) that ends at byte i: its first byte ("eks" of "f.eks").
local function part_start(text, i)
  local stop = math.max(1, i - MAX_WORD)
  local a = i
  while a >= stop and word_byte(text:byte(a)) do a = a - 1 end
  a = a + 1
  while a <= i and text:byte(a) >= 128 and text:byte(a) <= 191 do a = a + 1 end
  return a
end

-- The word that starts at byte i: its last byte.
local function word_end(text, i)
  local stop = math.min(#text, i + MAX_WORD)
  local b = i
  while b <= stop and word_byte(text:byte(b)) do b = b + 1 end
  return b - 1
end

-- Checks one paragraph; `say` reports a finding and returns true when no more findings are wanted (the core keeps
-- at most 1000 a plugin and letter), and then this returns true too.
local function check_paragraph(p, say)
  local text = p.text
  if not text:find("[%.,;:!?]") then return end
  local skip = quotations(text)
  for _, s in ipairs(addresses(text)) do skip[#skip + 1] = s end
  skip = merge(skip)

  -- tegnsaetning: ".." and ",," (a run of exactly two: three or more full stops are an ellipsis)
  for a, run, b in text:gmatch("()([%.,]+)()") do
    local doubled = run == ".." or run == ",,"
    if doubled and not inside(skip, a, b - 1) then
      local ws = word_start(text, a - 1)
      local found = text:sub(ws, b - 1)
      local sugg = text:sub(ws, b - 2)
      local msg
      if run == ".." then
        msg = string.format("Der står to punktummer: »%s«. Skriv »%s«.", found, sugg)
        if ABBREVIATIONS[klarbrev.lower(sugg)] then
          msg = msg .. " En forkortelse, der slutter en sætning, får kun ét punktum."
        end
      else
        msg = string.format("Der står to kommaer: »%s«. Skriv »%s«.", found, sugg)
      end
      if say{ at = p, rule = "tegnsaetning", start = ws - 1, length = b - ws, suggestion = sugg, message = msg } then
        return true
      end
    end
  end

  -- mellemrum-foer-tegn: spaces, then a mark that ends something
  for b in text:gmatch("()[%.,;:!?]") do
    -- back over the spaces before the mark (most marks have none: the first test is cheap)
    local a = b
    local pb = b > 1 and text:byte(b - 1)
    if pb == 32 or pb == 160 then
      while true do
        if text:sub(a - 1, a - 1) == " " then
          a = a - 1
        elseif a > 2 and text:sub(a - 2, a - 1) == "\194\160" then
          a = a - 2
        else
          break
        end
      end
    end
    local mark = text:sub(b, b)
    local after = a < b and char_at(text, b + 1) or ""   -- only looked at when a space stands before the mark
    local before = a < b and char_before(text, a - 1) or ""
    local ok = a < b
      and a > 1 and not text:sub(a - 1, a - 1):find("%s")   -- not at the start of the paragraph or a line
      and (after == "" or SPACE[after] or after:find("^%s$") or AFTER_MARK[after])
      and not (mark == "." and after == ".")                  -- " ..." leaves words out
      and not (mark == "." and text:sub(b + 1, b + 2) == " .") -- ". . ."
      and not (before == "." or before == "…")                -- ". . ." and "… ."
      and not (mark == ":" and (after == ")" or after == "("))  -- a smiley ":)"
      and not inside(skip, a, b)
    if ok then
      local ws = word_start(text, a - 1)
      if ws > a - 1 then
        -- not after a word: a quotation mark or a bracket; show the character before
        local _, ca = char_before(text, a - 1)
        ws = ca
      end
      local found = text:sub(ws, b)
      local sugg = text:sub(ws, a - 1) .. mark
      if say{ at = p, rule = "mellemrum-foer-tegn", start = ws - 1, length = b - ws + 1, suggestion = sugg,
        message = string.format("Der står et mellemrum før %s: »%s«. Slet mellemrummet, så der står »%s«.",
          MARK_NAME[mark], found, sugg) } then
        return true
      end
    end
  end

  -- mellemrum-efter-punktum: "marts.Du"
  for i in text:gmatch("()[%.!?]") do
    -- a capital letter must follow (the first test is cheap: A-Z or the lead byte of À-Þ, Ā-ž)
    local nb = text:byte(i + 1)
    local next1 = nb and ((nb >= 65 and nb <= 90) or (nb >= 195 and nb <= 197)) and char_at(text, i + 1) or ""
    local next2 = next1 ~= "" and char_at(text, i + 1 + #next1) or ""
    if next1 ~= "" and is_upper(next1) and not is_upper(next2) and not inside(skip, i, i) then
      local before, ba = char_before(text, i - 1)
      local last_part = text:sub(part_start(text, i - 1), i - 1)
      local letters = klarbrev.len(last_part)
      local we = word_end(text, i + 1)
      local after_word = text:sub(i + 1, we)
      -- what stands before: a word of two letters or more without digits, or a closing quote or bracket
      local word_before = is_letter(before) and letters >= 2 and not last_part:find("%d")
      local closer_before = CLOSERS[before] ~= nil and ba > 1
      -- "Ph.D.", "e.Kr.": a short part closed by a full stop is an abbreviation
      local abbreviation = text:sub(we + 1, we + 1) == "." and klarbrev.len(after_word) <= 2
      if (word_before or closer_before) and not abbreviation then
        local found_start = word_before and word_start(text, i - 1) or ba
        local found = text:sub(found_start, we)
        local sugg = text:sub(found_start, i) .. " " .. after_word
        if say{ at = p, rule = "mellemrum-efter-punktum", start = found_start - 1,
          length = we - found_start + 1, suggestion = sugg,
          message = string.format("Der mangler et mellemrum efter %s: »%s«. Skriv »%s«.", MARK_NAME[text:sub(i, i)],
            found, sugg) } then
          return true
        end
      end
    end
  end
end

return {
  id = "tegnsaetning",
  level = "warning",
  description = "Dobbelt punktum, mellemrum før tegn og manglende mellemrum efter punktum, fx »500,00 kr..«.",

  -- Paragraph by paragraph: a paragraph from the template is checked once per template (docs/plugins.md). The
  -- core keeps at most 1000 findings of one plugin on one letter and drops the rest.
  on_paragraph = function(p, report)
    if not p.danish then return end -- the spelling found the text is not Danish (ikke-dansk)
    check_paragraph(p, function(finding)
      report(finding)
      return false
    end)
  end,

  examples = {
    ok = {
      -- an abbreviation that ends a sentence has one full stop
      "Du får 500,00 kr. Pengene kommer den 1. marts.",
      "Du kan fx søge om hjælp til tandpleje, briller m.v. Vi ser på det, jf. aktivlovens § 81.",
      "Du kan få hjælp til medicin, briller o.l. Du kan også få hjælp til tandpleje, f.eks. Du får 300 kr., og "
        .. "vi betaler resten.",
      -- numbers, dates, amounts and § references
      "Du får 12.500,00 kr. fra den 1.1.2026, jf. § 11, stk. 2, nr. 3. Kl. 10.30 er vi klar.",
      -- web and e-mail addresses
      "Læs mere på www.borger.dk.Skriv til mette.lund@soeby.dk. Se https://www.ast.dk/Klage..",
      -- an ellipsis, with and without a space before it
      "Loven nævner »husleje, varme ...« og andre udgifter... Det er alt.",
      "Du kan få hjælp til husleje, varme ... og el. Du kan også få hjælp til . . . briller.",
      "Du skrev: »Jeg har ikke fået pengene..«",
      -- initials, abbreviations with capitals, acronyms and file types
      "H.C.Andersens vej er lukket. Hun er Ph.D. fra AU. Send bilag.PDF til os.",
      -- a quotation keeps its punctuation, also over more than one paragraph
      "Der står: ”Udskrivningsdato 27.06.03\n25 forsørgelsespligt : - 500,00”",
      "Spørgsmål? Ring til os. Svar!",
      -- a mark that starts a word
      "Gem filen som .docx, ikke som .doc.",
    },
    bad = {
      "Du får 500,00 [[kr..]] Pengene kommer den 1. marts.",
      "Vi har bevilget [[hjælpen..]] Du hører fra os.",
      "Du har ret til hjælp efter § [[11 ,]] stk. 2.",
      "Du får [[hjælp .]] Vi kommer [[tirsdag ?]]",
      "Din hjælp stopper den 1. [[marts.Du]] kan klage.",
      "Du har søgt om [[hjælp,,]] og vi har set på sagen.",
      "Vi har læst [[ansøgningen.Den]] er fin.",
    },
  },
}
