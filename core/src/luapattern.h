/*
 * luapattern.h -- Lua 5.4 patterns for the plugin sandbox: string.find, string.match, string.gmatch and string.gsub,
 * written anew so that a match can be stopped.
 *
 * Lua's count hook never runs inside a C function, and the stock matcher backtracks without limit: string.find(
 * ("a"):rep(300), "a*a*a*a*a*b") runs for minutes without giving the host a chance to stop it. This matcher counts
 * its steps and calls the host's check every KB_LUAPATTERN_STEPS steps; the check raises a Lua error to stop the
 * match. It keeps no C memory and no C recursion (its backtracking stack is a fixed array bounded like Lua's own:
 * "pattern too complex"), so a raise from anywhere inside it leaks nothing.
 *
 * Results and error messages are those of the string library of Lua 5.4 (reference manual section 6.4.1), including
 * when a malformed pattern is reported (only once the match reaches the bad item) and the bound on nesting;
 * tests/unit/test_luapattern.c runs the two side by side.
 */
#ifndef KB_LUAPATTERN_H
#define KB_LUAPATTERN_H

#include <lua.h>

/* Steps of matching (items tried, characters scanned, subject positions searched) between two calls of check. */
#define KB_LUAPATTERN_STEPS 4096

/* What the host lends the pattern functions. */
typedef struct kb_luapattern_hooks {
	/* [-0, +0, e] Called every KB_LUAPATTERN_STEPS steps: returns to let the match go on, or raises a Lua error
	 * (lua_error) to stop it. NULL: never stopped. */
	void (*check)(lua_State *L);
	/* The host's current epoch (for klarbrev: the letter being checked). A gmatch iterator remembers the epoch it
	 * was made in and refuses to run in another one, so an iterator kept from load time cannot carry its position
	 * from one letter to the next. NULL: no epochs. */
	unsigned long (*epoch)(lua_State *L);
} kb_luapattern_hooks;

/* [-0, +0, m] Sets find, match, gmatch and gsub of the table at idx (the string library) to this module's
 * functions. hooks is borrowed and must outlive the state (a static constant does); NULL lends nothing. */
void kb_luapattern_register(lua_State *L, int idx, const kb_luapattern_hooks *hooks);

#endif
