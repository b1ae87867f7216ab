/*
 * luamatcher.h -- klarbrev.matcher for plugins: a set of word patterns (wordmatch.h) compiled once, usually when
 * the plugin file loads, and found together in a text, a paragraph or a sentence.
 *
 *   local m = klarbrev.matcher{ "i henhold til", "afgør* *ning", { "træffe", "en?", "afgørelse" } }
 *   for _, hit in ipairs(m:find(sentence)) do ... hit.pattern, hit.key, hit.start, hit.stop, hit.first ... end
 *   m:first(text) -> the first hit or nil;  m:test(text) -> boolean;  #m -> the number of patterns
 *
 * The matcher is userdata (klarbrev.Matcher) that cannot be changed, so the sandbox's freezing of a plugin's tables
 * leaves it as it is and nothing carries from one letter to the next. Its memory comes from the state's allocator
 * (a plugin's matchers count against its memory cap); a scan checks the time budget through the host's hooks, and
 * every C allocation of a scan belongs to a Lua value, so the budget's error leaks nothing. A bad pattern is an
 * error raised in the caller's line: a plugin that builds its matcher at file level fails to load with file:line.
 * docs/plugins.md is the reference for plugin authors.
 */
#ifndef KB_LUAMATCHER_H
#define KB_LUAMATCHER_H

#include "luapattern.h"

/* [-0, +0, m] Sets field "matcher" of the table at idx (the klarbrev table) and makes the metatables. hooks is
 * borrowed and must outlive the state (a static constant does); NULL lends nothing (no time budget). */
void kb_luamatcher_register(lua_State *L, int idx, const kb_luapattern_hooks *hooks);

#endif
