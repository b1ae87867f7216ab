-- .luacheckrc -- for people who write klarbrev plugins (docs/plugins.md, "luacheck").
--
--   luacheck --config /path/to/klarbrev/.luacheckrc my-plugin.lua
--
-- A plugin runs in klarbrev's sandbox (core/src/plugins.c): Lua 5.4's base functions without load, loadfile, dofile,
-- collectgarbage, rawset, rawget, rawequal, rawlen, require and warn; string without string.dump; table; math; utf8;
-- os with time, date, clock and difftime only; no io, debug, package or coroutine. Everything else a plugin gets is
-- under the read-only global klarbrev. luacheck then warns about any use of what the sandbox does not have, so a
-- call to io.open or os.execute shows before the plugin is loaded.

stds.klarbrev_sandbox = {
  read_globals = {
    "_G", "_VERSION", "assert", "error", "getmetatable", "ipairs", "next", "pairs", "pcall", "print", "select",
    "setmetatable", "tonumber", "tostring", "type", "xpcall",
    string = {
      fields = {
        "byte", "char", "find", "format", "gmatch", "gsub", "len", "lower", "match", "pack", "packsize", "rep",
        "reverse", "sub", "unpack", "upper",
      },
    },
    table = { fields = { "concat", "insert", "move", "pack", "remove", "sort", "unpack" } },
    math = {
      fields = {
        "abs", "ceil", "cos", "deg", "exp", "floor", "fmod", "huge", "log", "max", "maxinteger", "min", "mininteger",
        "modf", "pi", "rad", "random", "randomseed", "sin", "sqrt", "tan", "tointeger", "type", "ult", "acos",
        "asin", "atan",
      },
    },
    utf8 = { fields = { "char", "charpattern", "codepoint", "codes", "len", "offset" } },
    os = { fields = { "clock", "date", "difftime", "time" } },
    klarbrev = {
      fields = {
        "analyze", "dictionary", "len", "lix", "log", "lower", "matcher", "sentences", "spell", "suggest", "upper",
        "version", "words",
        -- the shared helper libraries of plugins/lib (klarbrev.lib.tekst, ...)
        lib = { other_fields = true },
      },
    },
  },
}

std = "klarbrev_sandbox"
max_line_length = 120

-- the plugin files in this repository
files["plugins/**/*.lua"] = { std = "klarbrev_sandbox" }
