-- plugins/persondata.lua -- personal data that must not be in a letter: a full CPR number.
--
-- A letter may be read by others than the addressee (a relative, a bisidder, whoever opens the post), so it shows a
-- CPR number masked, with the date of birth only: "010190-xxxx". A full number is an error wherever it stands:
-- body, address block, header, footer, table. Its forms: "010190-1234", "0101901234", and "010190 1234" right after
-- the word "CPR". The first six digits must be a real date (day 01-31 for the month, month 01-12), so a case
-- number ("2026-048127"), a phone number ("72 18 40 00") or an amount is not taken for one.
--
-- Rules (the rule id of each finding):
--   cpr         a full CPR number: the addressee's own, or one whose owner the case does not tell
--   cpr-anden   a full CPR number that is not the addressee's: another person's number in the letter is a breach
--               of their data, and the message says so
-- Whose number it is comes from the case: the manifest's fields of type "cpr" (manifest.json "fields":
-- {"modtager.cpr": {"type": "cpr"}}) and their values in the case. The addressee's field is the one under
-- "modtager" (or "borger", "ansoeger", "part"); with a single cpr field, that one. Without a manifest,
-- letter.fields.modtager.cpr is used when the case has it.
-- Health and other sensitive categories (databeskyttelsesforordningen art. 9) are beyond this plugin.

local DAYS = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 }
local ADDRESSEE = { modtager = true, borger = true, ansoeger = true, ["ansøger"] = true, part = true,
  adressat = true }

-- True when dd mm yy is a date (29 February only in a year divisible by four: 00 is 2000).
local function valid_date(dd, mm, yy)
  dd, mm, yy = tonumber(dd), tonumber(mm), tonumber(yy)
  if mm < 1 or mm > 12 or dd < 1 or dd > DAYS[mm] then return false end
  if mm == 2 and dd == 29 and yy % 4 ~= 0 then return false end
  return true
end

-- The value at a dotted path of the case ("modtager.cpr"), or nil.
local lookup = klarbrev.lib.tekst.field_value

local function digits(s)
  if type(s) ~= "string" and type(s) ~= "number" then return nil end
  local d = tostring(s):gsub("%D", "")
  return #d == 10 and d or nil
end

-- Whose numbers the case knows: { [10 digits] = { addressee = bool, field = "barn.cpr" } }, and whether the
-- addressee's number is known.
local function known_numbers(letter)
  local known, has_addressee = {}, false
  local fields = letter.fields
  if type(fields) ~= "table" then return known, false end
  local m = letter.template
  local paths = {}
  if m and type(m.fields) == "table" then
    for path, f in pairs(m.fields) do
      if type(f) == "table" and f.type == "cpr" then paths[#paths + 1] = path end
    end
  end
  if #paths == 0 and lookup(fields, "modtager.cpr") then paths[1] = "modtager.cpr" end
  table.sort(paths)
  for _, path in ipairs(paths) do
    local d = digits(lookup(fields, path))
    if d then
      local first = path:match("^[^%.]+")
      local addressee = ADDRESSEE[first] or #paths == 1
      known[d] = { addressee = addressee, field = path }
      has_addressee = has_addressee or addressee
    end
  end
  return known, has_addressee
end

-- The full CPR numbers in a text: list of { first, last (1-based, inclusive), digits }.
local function find_numbers(text)
  local out = {}
  local lower = klarbrev.lower(text)
  local forms = {
    "%f[%d](%d%d)(%d%d)(%d%d)%-(%d%d%d%d)%f[%D]",
    "%f[%d](%d%d)(%d%d)(%d%d)(%d%d%d%d)%f[%D]",
    "%f[%d](%d%d)(%d%d)(%d%d) (%d%d%d%d)%f[%D]",
  }
  for k, pat in ipairs(forms) do
    local pos = 1
    while true do
      local a, b, dd, mm, yy, seq = text:find(pat, pos)
      if not a then break end
      pos = b + 1
      local before, after = text:sub(a - 1, a - 1), text:sub(b + 1, b + 2)
      local glued = before == "-" or before == "." or before == "/" or before == "+"
        or after:find("^[%-%./]%d") ~= nil
      -- "010190 1234" only right after the word CPR
      local cue = k ~= 3 or lower:sub(math.max(1, a - 25), a - 1):find("cpr", 1, true) ~= nil
      if not glued and cue and valid_date(dd, mm, yy) then
        out[#out + 1] = { a, b, dd .. mm .. yy .. seq, dd .. mm .. yy }
      end
    end
  end
  table.sort(out, function(x, y) return x[1] < y[1] end)
  return out
end

return {
  id = "persondata",
  level = "error",
  description = "Et fuldt CPR-nummer må ikke stå i et brev: skriv kun fødselsdatoen, fx 010190-xxxx.",

  -- The numbers are found paragraph by paragraph (a paragraph from the template is searched once per template,
  -- docs/plugins.md); whose they are is decided for the whole letter, from the case, in on_letter_end.
  on_paragraph = function(p)
    local found = find_numbers(p.text)
    if #found > 0 then return { numbers = found } end
  end,

  on_letter_end = function(letter, report)
    local known, has_addressee = known_numbers(letter)
    for _, p in ipairs(letter.paragraphs) do
      local notes = p.notes
      for _, n in ipairs(notes and notes.numbers or {}) do
        local a, b, full, date = n[1], n[2], n[3], n[4]
        local masked = date .. "-xxxx"
        local who = known[full]
        local rule, msg
        if who and not who.addressee then
          rule = "cpr-anden"
          msg = string.format("Brevet viser et fuldt CPR-nummer, som ikke er modtagerens (sagens felt %s). En "
            .. "anden persons CPR-nummer må ikke stå i brevet: fjern det, eller skriv kun fødselsdatoen, fx »%s«.",
            who.field, masked)
        elseif not who and has_addressee then
          rule = "cpr-anden"
          msg = string.format("Brevet viser et fuldt CPR-nummer, som ikke er modtagerens. En anden persons "
            .. "CPR-nummer må ikke stå i brevet: tjek, hvis nummer det er, og fjern det, eller skriv kun "
            .. "fødselsdatoen, fx »%s«.", masked)
        elseif who then
          rule = "cpr"
          msg = string.format("Brevet viser modtagerens fulde CPR-nummer. Andre end modtageren kan komme til at "
            .. "læse brevet: skriv kun fødselsdatoen, fx »%s«.", masked)
        else
          rule = "cpr"
          msg = string.format("Brevet viser et fuldt CPR-nummer. Andre end modtageren kan komme til at læse "
            .. "brevet: skriv kun fødselsdatoen, fx »%s«, og kun hvis det er nødvendigt.", masked)
        end
        report{ at = p, rule = rule, start = a - 1, length = b - a + 1, message = msg, suggestion = masked }
      end
    end
  end,

  examples = {
    ok = {
      "Dit CPR-nummer er 010190-xxxx.",
      "Sagsnummer 2026-048127. Ring på 72 18 40 00.",
      -- not a date: day 32, month 13
      "Referencenummer 321390-1234 og 011390-1234.",
      "Beløbet er 1.234.567,00 kr.",
      -- six digits and four with a space are only a CPR number after the word CPR
      "Postboks 010190 1234 København.",
    },
    bad = {
      "Dit CPR-nummer er [[010190-1234]].",
      "Jens ([[0101901234]]) og Mette ([[020290-4321]]) bor sammen.",
      "CPR-nr. [[010190 1234]]",
    },
  },
}
