/*
 * luabudget.h -- the functions of Lua's string and table libraries whose loops no hook ever sees, remade for the
 * plugin sandbox so that the time budget holds inside them too.
 *
 * Lua's hooks run between VM instructions and at function calls; a C function that loops without calling anything
 * runs for as long as it likes. Besides the pattern functions (luapattern.h) that is:
 *  - string.rep("", n): copies nothing n - 1 times (string.rep("", 1e15) never ends);
 *  - table.insert, table.remove: shift #t elements, and __len may say anything;
 *  - table.move(a, f, e, t): moves e - f + 1 elements, up to 2^63;
 *  - table.sort without a comparison function: four million numbers (what 64 MiB holds) take three seconds.
 * rep returns "" at once for an empty result; insert, remove and move are written anew and check the budget as they
 * go; sort is Lua's own, given a comparison function written in C when the caller gives none, so that every
 * comparison is a call the hook sees. Results and error messages are Lua 5.4's.
 */
#ifndef KB_LUABUDGET_H
#define KB_LUABUDGET_H

#include "luapattern.h"

/* Iterations of a loop in insert, remove or move between two calls of the check. */
#define KB_LUABUDGET_STEPS 4096

/* [-0, +0, m] Replaces rep in the string library at str_idx and insert, remove, move and sort in the table library
 * at tab_idx. hooks->check is called every KB_LUABUDGET_STEPS iterations; hooks is borrowed and must outlive the
 * state (a static constant does), and may be NULL. */
void kb_luabudget_register(lua_State *L, int str_idx, int tab_idx, const kb_luapattern_hooks *hooks);

#endif
