/*
 * luamsg.h -- Lua's messages in Danish. Plugin authors read the message of a broken rule in the report, next to
 * Danish findings; Lua's own words ("bad argument #2 to '?' (string expected, got nil)", "attempt to index a nil
 * value (field 'x')", syntax errors) are rewritten when the finding is made ("klarbrev.find: argument 2 skal være
 * en tekst, men er nil"). A message this module does not know is kept as it is, so a plugin's own error("...") text
 * is never changed. Messages inside the Lua state (what pcall returns to a plugin) stay Lua's.
 */
#ifndef KB_LUAMSG_H
#define KB_LUAMSG_H

#include "internal.h"

#include <lua.h>

/* Appends the Danish form of Lua's message msg[0..len) to out; "file:line: " prefixes are kept, the rest of each
 * piece is translated where this module knows it. Returns 0 or the buffer's error (KB_ENOMEM, KB_ELIMIT). */
int kb_luamsg_danish(kb_buf *out, const char *msg, size_t len);

/* A Lua type name with its Danish article: "string" -> "en tekst", "nil" -> "nil"; a name Lua does not have
 * (klarbrev.Sentence) is returned as it is. Static strings. */
const char *kb_luamsg_type(const char *t);

/* [-0, +0, m] Records the name of every C function reachable from the globals ("print", "string.find",
 * "klarbrev.lower") in a registry table keyed by the function. Call once when the state is made. */
void kb_luamsg_name_functions(lua_State *L);

/* [-0, +1, m] For a message handler whose message msg is at index 1: when msg is a "bad argument" error raised by a
 * C function (the one at stack level 1) that kb_luamsg_name_functions() named, pushes msg with that full name in
 * place of the one Lua guessed ("?" or "find"); else pushes msg again. Returns the pushed string. */
const char *kb_luamsg_name_raiser(lua_State *L, const char *msg);

#endif
