/*
 * luapattern.c -- Lua 5.4 patterns with a step budget (see luapattern.h).
 *
 * A pattern is first compiled into a list of items (lp_compile), then matched by a backtracking machine over those
 * items (lp_match) whose choice points live in a fixed array instead of on the C stack. The reference manual says
 * what a pattern means; where it is silent, Lua 5.4's behaviour is kept, because plugins are written and tested
 * against it:
 *  - a malformed item is reported only when a match reaches it (string.find("", "a[") is nil, not an error), so a
 *    bad item compiles into an LP_ERROR item that ends the list;
 *  - a set ends at the first ']' that is not its first member and not escaped by '%'; its members are then read
 *    left to right, where "x-y" is a range whenever y comes before that ']' ("[a-%]]" holds the range a..% and ']');
 *  - the character classes are those of <ctype.h> in the current locale, as in Lua; %z (deprecated) is the NUL byte;
 *  - %f and %b see a NUL byte after the subject's end, as every Lua string has one;
 *  - a back-reference to a position capture never matches;
 *  - choice points and captures are counted where Lua's matcher recurses, and a match may hold at most
 *    LP_MAX_DEPTH - 1 of them at once ("pattern too complex"), so the same patterns are too complex for both.
 *
 * Every loop spends fuel; when the fuel is gone the host's check runs (and may raise). A raise leaves nothing
 * behind: the matcher's state is on the C stack and the only memory it takes (the items of a long pattern, a
 * gmatch iterator's state) belongs to the Lua state.
 */
#include "luapattern.h"

#include <ctype.h>
#include <lauxlib.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define LP_MAX_CAPTURES 32  /* LUA_MAXCAPTURES */
#define LP_MAX_DEPTH    200 /* Lua's MAXCCALLS for its matcher: the first match plus 199 nested ones */
#define LP_LOCAL_ITEMS  40  /* the items of a pattern shorter than this live on the C stack */
#define LP_NONE         ((size_t)-1) /* no match; no position */
#define LP_UNFINISHED   (-1)         /* capture lengths: still open */
#define LP_POSITION     (-2)         /* a position capture "()" */

/* ---- compiled patterns ---- */

enum {
	LP_END,      /* the pattern matched */
	LP_ANY,      /* '.' */
	LP_CHAR,     /* a byte (a, or the byte after a '%' that is not a class) */
	LP_CLASS,    /* %a, %D, ...: a is the class letter */
	LP_SET,      /* [...]: lo and hi are the offsets of '[' and of its ']' in the pattern */
	LP_OPEN,     /* '(' */
	LP_OPENPOS,  /* "()" */
	LP_CLOSE,    /* ')' */
	LP_EOS,      /* '$' as the pattern's last byte */
	LP_BALANCE,  /* %bxy: a is x, b is y */
	LP_FRONTIER, /* %f[...]: lo and hi as for LP_SET */
	LP_BACKREF,  /* %0 .. %9: a is the digit */
	LP_ERROR     /* a malformed item: a is its LP_BAD_ code; raised when the match gets here */
};

enum { LP_BAD_ESCAPE, LP_BAD_SET, LP_BAD_BALANCE, LP_BAD_FRONTIER };
static const char *const lp_bad[] = { "malformed pattern (ends with '%')", "malformed pattern (missing ']')",
	                              "malformed pattern (missing arguments to '%b')",
	                              "missing '[' after '%f' in pattern" };

typedef struct lp_item {
	unsigned char op;
	unsigned char quant; /* of the single-character items: 0, '*', '+', '-' or '?' */
	unsigned char a, b;
	uint32_t lo, hi;
} lp_item;

/* 1 when cl (the byte after a '%') names a character class. */
static int lp_is_class(int cl)
{
	switch (tolower(cl)) {
	case 'a':
	case 'c':
	case 'd':
	case 'g':
	case 'l':
	case 'p':
	case 's':
	case 'u':
	case 'w':
	case 'x':
	case 'z': return 1;
	default: return 0;
	}
}

/* 1 when byte c is in class cl; an upper-case class letter is the complement; any other cl stands for itself. */
static int lp_class(int c, int cl)
{
	int in;
	switch (tolower(cl)) {
	case 'a': in = isalpha(c); break;
	case 'c': in = iscntrl(c); break;
	case 'd': in = isdigit(c); break;
	case 'g': in = isgraph(c); break;
	case 'l': in = islower(c); break;
	case 'p': in = ispunct(c); break;
	case 's': in = isspace(c); break;
	case 'u': in = isupper(c); break;
	case 'w': in = isalnum(c); break;
	case 'x': in = isxdigit(c); break;
	case 'z': in = c == 0; break;
	default: return cl == c;
	}
	return isupper(cl) ? !in : in != 0;
}

/* 1 when byte c is in the set or frontier item it of pattern p. */
static int lp_in_set(const char *p, const lp_item *it, int c)
{
	size_t k = it->lo + 1, end = it->hi;
	int yes = 1;
	if (p[k] == '^') {
		yes = 0;
		k++;
	}
	for (; k < end; k++) {
		int m = (unsigned char)p[k];
		if (m == '%') {
			k++;
			if (lp_class(c, (unsigned char)p[k]))
				return yes;
		} else if (p[k + 1] == '-' && k + 2 < end) {
			if (m <= c && c <= (unsigned char)p[k + 2])
				return yes;
			k += 2;
		} else if (m == c) {
			return yes;
		}
	}
	return !yes;
}

/* The offset of the ']' that closes the set whose '[' is at p[open], or 0 when nothing closes it. The first member
 * (after an optional '^') may be a ']' itself, and '%' escapes the byte after it. */
static size_t lp_set_end(const char *p, size_t len, size_t open)
{
	size_t k = open + 1;
	if (k < len && p[k] == '^')
		k++;
	do {
		if (k >= len)
			return 0;
		if (p[k++] == '%' && k < len)
			k++;
	} while (k >= len || p[k] != ']');
	return k;
}

static int lp_is_quant(int c)
{
	return c == '*' || c == '+' || c == '-' || c == '?';
}

/* Compiles pattern p[0..len) into items, which has room for len + 1. The list ends with LP_END, or with the LP_ERROR
 * of the first malformed item. */
static void lp_compile(lp_item *items, const char *p, size_t len)
{
	size_t j = 0;
	lp_item *it = items;
	for (; j < len; it++) {
		int c = (unsigned char)p[j], d = j + 1 < len ? (unsigned char)p[j + 1] : 0;
		size_t end, close;
		memset(it, 0, sizeof *it);
		if (c == '(') {
			it->op = d == ')' ? LP_OPENPOS : LP_OPEN;
			j += d == ')' ? 2 : 1;
			continue;
		}
		if (c == ')' || (c == '$' && j + 1 == len)) {
			it->op = c == ')' ? LP_CLOSE : LP_EOS;
			j++;
			continue;
		}
		if (c == '%' && j + 1 < len && (d == 'b' || d == 'f' || (d >= '0' && d <= '9'))) {
			if (d == 'b') {
				if (j + 3 >= len)
					goto bad_balance;
				it->op = LP_BALANCE;
				it->a = (unsigned char)p[j + 2];
				it->b = (unsigned char)p[j + 3];
				j += 4;
			} else if (d == 'f') {
				if (j + 2 >= len || p[j + 2] != '[')
					goto bad_frontier;
				if (!(close = lp_set_end(p, len, j + 2)))
					goto bad_set;
				it->op = LP_FRONTIER;
				it->lo = (uint32_t)(j + 2);
				it->hi = (uint32_t)close;
				j = close + 1;
			} else {
				it->op = LP_BACKREF;
				it->a = (unsigned char)d;
				j += 2;
			}
			continue;
		}
		/* one character (any, a set, a class or a byte), maybe with a quantifier */
		if (c == '.') {
			it->op = LP_ANY;
			end = j + 1;
		} else if (c == '[') {
			if (!(close = lp_set_end(p, len, j)))
				goto bad_set;
			it->op = LP_SET;
			it->lo = (uint32_t)j;
			it->hi = (uint32_t)close;
			end = close + 1;
		} else if (c == '%') {
			if (j + 1 >= len)
				goto bad_escape;
			it->op = lp_is_class(d) ? LP_CLASS : LP_CHAR;
			it->a = (unsigned char)d;
			end = j + 2;
		} else {
			it->op = LP_CHAR;
			it->a = (unsigned char)c;
			end = j + 1;
		}
		if (end < len && lp_is_quant((unsigned char)p[end]))
			it->quant = (unsigned char)p[end++];
		j = end;
	}
	memset(it, 0, sizeof *it);
	it->op = LP_END;
	return;
bad_escape:
	it->a = LP_BAD_ESCAPE;
	goto bad;
bad_set:
	it->a = LP_BAD_SET;
	goto bad;
bad_balance:
	it->a = LP_BAD_BALANCE;
	goto bad;
bad_frontier:
	it->a = LP_BAD_FRONTIER;
bad:
	it->op = LP_ERROR;
}

/* [-0, +(0|1), m] The compiled items of pattern p[0..len): in local (LP_LOCAL_ITEMS of them) when they fit there,
 * else in a new userdata left on the stack, which keeps them until the calling function returns. */
static const lp_item *lp_prepare(lua_State *L, lp_item *local, const char *p, size_t len)
{
	lp_item *items = local;
	if (len >= LP_LOCAL_ITEMS) {
		if (len >= UINT32_MAX)
			luaL_error(L, "pattern too long");
		items = lua_newuserdatauv(L, (len + 1) * sizeof *items, 0);
	}
	lp_compile(items, p, len);
	return items;
}

/* ---- matching ---- */

/* A choice point, or an open or closed capture to undo when the match goes back past it. */
enum {
	LP_F_OPT,  /* '?' matched one character at `at`; the alternative is to match none */
	LP_F_MAX,  /* '*' or '+' matched `n` characters from `at`; the alternative is one fewer */
	LP_F_MIN,  /* '-' lets the rest try at `at`; the alternative is one more character */
	LP_F_OPEN, /* a capture was opened */
	LP_F_CLOSE /* capture `n` was closed */
};

typedef struct lp_frame {
	size_t at, n;
	uint32_t k; /* the item */
	unsigned char kind;
} lp_frame;

typedef struct lp_state {
	lua_State *L;
	const kb_luapattern_hooks *hooks;
	const unsigned char *s; /* the subject, n bytes (and a NUL after them) */
	size_t n;
	const char *p; /* the pattern (after a '^' anchor): sets are read from it */
	const lp_item *items;
	long fuel;
	int level; /* captures in use */
	struct {
		size_t init;
		ptrdiff_t len; /* or LP_UNFINISHED, LP_POSITION */
	} cap[LP_MAX_CAPTURES];
	lp_frame stack[LP_MAX_DEPTH - 1];
} lp_state;

static void lp_init(lp_state *ms, lua_State *L, const kb_luapattern_hooks *hooks, const char *s, size_t n,
                    const char *p, const lp_item *items)
{
	ms->L = L;
	ms->hooks = hooks;
	ms->s = (const unsigned char *)s;
	ms->n = n;
	ms->p = p;
	ms->items = items;
	ms->fuel = KB_LUAPATTERN_STEPS;
	ms->level = 0;
}

/* [-0, +0, e] Spends steps of fuel; when it is gone, fills up again and lets the host's check decide. */
static void lp_spend(lp_state *ms, size_t steps)
{
	if (steps < (size_t)ms->fuel) {
		ms->fuel -= (long)steps;
		return;
	}
	ms->fuel = KB_LUAPATTERN_STEPS;
	if (ms->hooks && ms->hooks->check)
		ms->hooks->check(ms->L);
}

/* 1 when byte c matches the single-character item it. */
static int lp_single(const lp_state *ms, const lp_item *it, int c)
{
	switch (it->op) {
	case LP_ANY: return 1;
	case LP_CHAR: return c == it->a;
	case LP_CLASS: return lp_class(c, it->a);
	default: return lp_in_set(ms->p, it, c);
	}
}

/* [-0, +0, v] Pushes a frame; more than Lua's matcher would nest is "pattern too complex". */
static void lp_push(lp_state *ms, int *top, int kind, size_t k, size_t at, size_t n)
{
	if (*top >= LP_MAX_DEPTH - 1)
		luaL_error(ms->L, "pattern too complex");
	lp_frame *f = &ms->stack[(*top)++];
	f->kind = (unsigned char)kind;
	f->k = (uint32_t)k;
	f->at = at;
	f->n = n;
}

/* How many bytes from offset from on match the single-character item it. */
static size_t lp_run(lp_state *ms, const lp_item *it, size_t from)
{
	size_t j = from;
	while (j < ms->n && lp_single(ms, it, ms->s[j])) {
		j++;
		lp_spend(ms, 1);
	}
	return j - from;
}

/* %bxy at offset i: the offset after the y that balances the x at i, or LP_NONE. */
static size_t lp_balance(lp_state *ms, const lp_item *it, size_t i)
{
	if (i >= ms->n || ms->s[i] != it->a)
		return LP_NONE;
	size_t depth = 1;
	for (size_t j = i + 1; j < ms->n; j++) {
		lp_spend(ms, 1);
		if (ms->s[j] == it->b) {
			if (--depth == 0)
				return j + 1;
		} else if (ms->s[j] == it->a) {
			depth++;
		}
	}
	return LP_NONE;
}

/* [-0, +0, v] %1 .. %9 at offset i: the offset after the repeated capture, or LP_NONE. */
static size_t lp_backref(lp_state *ms, int digit, size_t i)
{
	int l = digit - '1';
	if (l < 0 || l >= ms->level || ms->cap[l].len == LP_UNFINISHED)
		luaL_error(ms->L, "invalid capture index %%%d", l + 1);
	ptrdiff_t len = ms->cap[l].len;
	if (len < 0 || ms->n - i < (size_t)len)
		return LP_NONE;
	lp_spend(ms, (size_t)len / 16);
	if (memcmp(ms->s + ms->cap[l].init, ms->s + i, (size_t)len) != 0)
		return LP_NONE;
	return i + (size_t)len;
}

/* [-0, +0, v] The innermost capture still open, for a ')'. */
static int lp_open_capture(lp_state *ms)
{
	for (int l = ms->level - 1; l >= 0; l--)
		if (ms->cap[l].len == LP_UNFINISHED)
			return l;
	return luaL_error(ms->L, "invalid pattern capture");
}

/* Goes back to the latest choice point that has an alternative left, undoing the captures made since, and sets
 * *k and *i to where matching goes on. Returns 0 when no choice is left. */
static int lp_backtrack(lp_state *ms, int *top, size_t *k, size_t *i)
{
	while (*top > 0) {
		lp_frame *f = &ms->stack[*top - 1];
		lp_spend(ms, 1);
		switch (f->kind) {
		case LP_F_OPT:
			(*top)--;
			*k = f->k + 1;
			*i = f->at;
			return 1;
		case LP_F_MAX:
			if (f->n > 0) {
				f->n--;
				*k = f->k + 1;
				*i = f->at + f->n;
				return 1;
			}
			break;
		case LP_F_MIN:
			if (f->at < ms->n && lp_single(ms, &ms->items[f->k], ms->s[f->at])) {
				f->at++;
				*k = f->k + 1;
				*i = f->at;
				return 1;
			}
			break;
		case LP_F_OPEN: ms->level--; break;
		default: ms->cap[f->n].len = LP_UNFINISHED; break;
		}
		(*top)--;
	}
	return 0;
}

/* [-0, +0, v] Matches the whole item list at subject offset i. Returns the offset where the match ends, or
 * LP_NONE; the captures are left in ms. */
static size_t lp_match(lp_state *ms, size_t i)
{
	const lp_item *items = ms->items;
	const unsigned char *s = ms->s;
	size_t n = ms->n, k = 0, j;
	int top = 0;
	ms->level = 0;
	for (;;) {
		const lp_item *it = &items[k];
		lp_spend(ms, 1);
		switch (it->op) {
		case LP_END: return i;
		case LP_ERROR: luaL_error(ms->L, "%s", lp_bad[it->a]); return LP_NONE;
		case LP_EOS:
			if (i != n)
				break;
			k++;
			continue;
		case LP_OPEN:
		case LP_OPENPOS:
			if (ms->level >= LP_MAX_CAPTURES)
				luaL_error(ms->L, "too many captures");
			ms->cap[ms->level].init = i;
			ms->cap[ms->level].len = it->op == LP_OPEN ? LP_UNFINISHED : LP_POSITION;
			ms->level++;
			lp_push(ms, &top, LP_F_OPEN, k, i, 0);
			k++;
			continue;
		case LP_CLOSE: {
			int l = lp_open_capture(ms);
			ms->cap[l].len = (ptrdiff_t)(i - ms->cap[l].init);
			lp_push(ms, &top, LP_F_CLOSE, k, i, (size_t)l);
			k++;
			continue;
		}
		case LP_BALANCE:
			if ((j = lp_balance(ms, it, i)) == LP_NONE)
				break;
			i = j;
			k++;
			continue;
		case LP_FRONTIER:
			if (lp_in_set(ms->p, it, i ? s[i - 1] : 0) || !lp_in_set(ms->p, it, i < n ? s[i] : 0))
				break;
			k++;
			continue;
		case LP_BACKREF:
			if ((j = lp_backref(ms, it->a, i)) == LP_NONE)
				break;
			i = j;
			k++;
			continue;
		default: /* one character */
			if (i >= n || !lp_single(ms, it, s[i])) {
				if (it->quant == 0 || it->quant == '+')
					break;
				k++; /* '*', '?' and '-' match nothing here, without a choice to come back to */
				continue;
			}
			if (it->quant == 0) {
				i++;
			} else if (it->quant == '?') {
				lp_push(ms, &top, LP_F_OPT, k, i, 0);
				i++;
			} else if (it->quant == '-') {
				lp_push(ms, &top, LP_F_MIN, k, i, 0);
			} else { /* '*' and '+': as many as there are, then fewer */
				size_t from = it->quant == '*' ? i : i + 1, run = lp_run(ms, it, from);
				lp_push(ms, &top, LP_F_MAX, k, from, run);
				i = from + run;
			}
			k++;
			continue;
		}
		if (!lp_backtrack(ms, &top, &k, &i))
			return LP_NONE;
	}
}

/* ---- results ---- */

/* [-0, +1, v] Capture c of the match s..e; capture 0 of a pattern without captures is the whole match. */
static void lp_push_capture(lp_state *ms, int c, size_t s, size_t e)
{
	if (c >= ms->level) {
		if (c != 0)
			luaL_error(ms->L, "invalid capture index %%%d", c + 1);
		lua_pushlstring(ms->L, (const char *)ms->s + s, e - s);
		return;
	}
	ptrdiff_t len = ms->cap[c].len;
	if (len == LP_UNFINISHED)
		luaL_error(ms->L, "unfinished capture");
	if (len == LP_POSITION)
		lua_pushinteger(ms->L, (lua_Integer)ms->cap[c].init + 1);
	else
		lua_pushlstring(ms->L, (const char *)ms->s + ms->cap[c].init, (size_t)len);
}

/* [-0, +n, v] The captures of the match s..e, or the whole match when whole is set and there are none. */
static int lp_push_captures(lp_state *ms, size_t s, size_t e, int whole)
{
	int n = ms->level == 0 && whole ? 1 : ms->level;
	luaL_checkstack(ms->L, n, "too many captures");
	for (int c = 0; c < n; c++)
		lp_push_capture(ms, c, s, e);
	return n;
}

/* A start position as string.find takes it (negative: from the end) made a 1-based offset, at least 1. */
static size_t lp_start(lua_Integer pos, size_t len)
{
	if (pos > 0)
		return (size_t)pos;
	if (pos == 0 || pos < -(lua_Integer)len)
		return 1;
	return len + (size_t)pos + 1;
}

/* 1 when p[0..len) has none of the bytes that make a pattern more than plain text. */
static int lp_plain(const char *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (memchr("^$*+?.([%-", p[i], 10))
			return 0;
	return 1;
}

/* [-0, +0, e] The offset of the first p[0..lp) in s[0..ls), or LP_NONE. */
static size_t lp_find_plain(lp_state *ms, const char *s, size_t ls, const char *p, size_t lp)
{
	if (lp == 0)
		return 0;
	if (lp > ls)
		return LP_NONE;
	const char *at = s, *last = s + (ls - lp);
	while (at <= last) {
		const char *hit = memchr(at, p[0], (size_t)(last - at) + 1);
		if (!hit)
			return LP_NONE;
		lp_spend(ms, 1 + lp / 32);
		if (memcmp(hit + 1, p + 1, lp - 1) == 0)
			return (size_t)(hit - s);
		at = hit + 1;
	}
	return LP_NONE;
}

static const kb_luapattern_hooks *lp_hooks(lua_State *L)
{
	return lua_touserdata(L, lua_upvalueindex(1));
}

/* [-(2|3|4), +(1|2|n), e] string.find and string.match. */
static int lp_find_or_match(lua_State *L, int find)
{
	size_t ls, lp;
	const char *s = luaL_checklstring(L, 1, &ls);
	const char *p = luaL_checklstring(L, 2, &lp);
	size_t init = lp_start(luaL_optinteger(L, 3, 1), ls) - 1;
	lp_item local[LP_LOCAL_ITEMS];
	lp_state ms;
	if (init > ls) {
		luaL_pushfail(L);
		return 1;
	}
	if (find && (lua_toboolean(L, 4) || lp_plain(p, lp))) {
		lp_init(&ms, L, lp_hooks(L), s, ls, p, NULL);
		size_t at = lp_find_plain(&ms, s + init, ls - init, p, lp);
		if (at == LP_NONE) {
			luaL_pushfail(L);
			return 1;
		}
		lua_pushinteger(L, (lua_Integer)(init + at) + 1);
		lua_pushinteger(L, (lua_Integer)(init + at + lp));
		return 2;
	}
	int anchor = lp > 0 && p[0] == '^';
	if (anchor) {
		p++;
		lp--;
	}
	lp_init(&ms, L, lp_hooks(L), s, ls, p, lp_prepare(L, local, p, lp));
	size_t at = init;
	do {
		size_t e = lp_match(&ms, at);
		if (e == LP_NONE)
			continue;
		if (!find)
			return lp_push_captures(&ms, at, e, 1);
		lua_pushinteger(L, (lua_Integer)at + 1);
		lua_pushinteger(L, (lua_Integer)e);
		return lp_push_captures(&ms, at, e, 0) + 2;
	} while (at++ < ls && !anchor);
	luaL_pushfail(L);
	return 1;
}

/* [-(2|3|4), +(1|2|n), e] string.find(s, pattern [, init [, plain]]) */
static int lp_find(lua_State *L)
{
	return lp_find_or_match(L, 1);
}

/* [-(2|3), +(1|n), e] string.match(s, pattern [, init]) */
static int lp_str_match(lua_State *L)
{
	return lp_find_or_match(L, 0);
}

/* ---- gmatch ---- */

/* A gmatch iterator's state, kept in a userdata upvalue next to the subject and the pattern. */
typedef struct lp_gmatch_state {
	const kb_luapattern_hooks *hooks;
	unsigned long epoch;
	size_t pos;      /* where the next search starts */
	size_t last;     /* where the last match ended (an empty match there does not count), or LP_NONE */
	lp_item items[]; /* the compiled pattern */
} lp_gmatch_state;

/* [-0, +n, e] The iterator: the captures of the next match, or nothing when there is none. */
static int lp_gmatch_next(lua_State *L)
{
	size_t ls, lp;
	const char *s = lua_tolstring(L, lua_upvalueindex(1), &ls);
	const char *p = lua_tolstring(L, lua_upvalueindex(2), &lp);
	lp_gmatch_state *gm = lua_touserdata(L, lua_upvalueindex(3));
	lp_state ms;
	if (gm->hooks && gm->hooks->epoch && gm->hooks->epoch(L) != gm->epoch)
		/* klarbrev's own message, not one of Lua's: in Danish here, like the plugins' other messages */
		return luaL_error(L, "denne string.gmatch-løkke hører til et tidligere brev; en regel kan ikke gemme "
		                     "løkker fra brev til brev (kald string.gmatch, hvor løkken står)");
	lp_init(&ms, L, gm->hooks, s, ls, p, gm->items);
	for (size_t at = gm->pos; at <= ls; at++) {
		size_t e = lp_match(&ms, at);
		if (e != LP_NONE && e != gm->last) {
			gm->pos = gm->last = e;
			return lp_push_captures(&ms, at, e, 1);
		}
	}
	return 0;
}

/* [-(2|3), +1, e] string.gmatch(s, pattern [, init]): a '^' is an ordinary byte here, as in Lua 5.4. */
static int lp_gmatch(lua_State *L)
{
	size_t ls, lp;
	luaL_checklstring(L, 1, &ls);
	const char *p = luaL_checklstring(L, 2, &lp);
	size_t init = lp_start(luaL_optinteger(L, 3, 1), ls) - 1;
	const kb_luapattern_hooks *hooks = lp_hooks(L);
	lua_settop(L, 2);
	if (lp >= UINT32_MAX)
		return luaL_error(L, "pattern too long");
	lp_gmatch_state *gm = lua_newuserdatauv(L, sizeof *gm + (lp + 1) * sizeof(lp_item), 0);
	gm->hooks = hooks;
	gm->epoch = hooks && hooks->epoch ? hooks->epoch(L) : 0;
	gm->pos = init > ls ? ls + 1 : init;
	gm->last = LP_NONE;
	lp_compile(gm->items, p, lp);
	lua_pushcclosure(L, lp_gmatch_next, 3);
	return 1;
}

/* ---- gsub ---- */

/* [-0, +0, e] Appends the replacement string (argument 3) for the match s..e: "%0" is the match, "%1".."%9" its
 * captures, "%%" a '%'. */
static void lp_add_string(lp_state *ms, luaL_Buffer *b, size_t s, size_t e)
{
	lua_State *L = ms->L;
	size_t len;
	const char *r = lua_tolstring(L, 3, &len), *end = r + len, *esc;
	while ((esc = memchr(r, '%', (size_t)(end - r))) != NULL) {
		luaL_addlstring(b, r, (size_t)(esc - r));
		int c = esc + 1 < end ? (unsigned char)esc[1] : 0;
		if (c == '%') {
			luaL_addchar(b, '%');
		} else if (c == '0') {
			luaL_addlstring(b, (const char *)ms->s + s, e - s);
		} else if (isdigit(c)) {
			lp_push_capture(ms, c - '1', s, e);
			luaL_addvalue(b);
		} else {
			luaL_error(L, "invalid use of '%c' in replacement string", '%');
		}
		r = esc + 2;
	}
	luaL_addlstring(b, r, (size_t)(end - r));
}

/* [-0, +0, e] Appends the replacement for the match s..e, made as argument 3 (of type tr) says. Returns 0 when the
 * replacement is the match itself (a function or table gave false or nil). */
static int lp_add_value(lp_state *ms, luaL_Buffer *b, size_t s, size_t e, int tr)
{
	lua_State *L = ms->L;
	if (tr == LUA_TFUNCTION) {
		lua_pushvalue(L, 3);
		int n = lp_push_captures(ms, s, e, 1);
		lua_call(L, n, 1);
	} else if (tr == LUA_TTABLE) {
		lp_push_capture(ms, 0, s, e);
		lua_gettable(L, 3);
	} else {
		lp_add_string(ms, b, s, e);
		return 1;
	}
	if (!lua_toboolean(L, -1)) {
		lua_pop(L, 1);
		luaL_addlstring(b, (const char *)ms->s + s, e - s);
		return 0;
	}
	if (!lua_isstring(L, -1))
		return luaL_error(L, "invalid replacement value (a %s)", luaL_typename(L, -1));
	luaL_addvalue(b);
	return 1;
}

/* [-(3|4), +2, e] string.gsub(s, pattern, repl [, n]) */
static int lp_gsub(lua_State *L)
{
	size_t ls, lp;
	const char *s = luaL_checklstring(L, 1, &ls);
	const char *p = luaL_checklstring(L, 2, &lp);
	int tr = lua_type(L, 3);
	lua_Integer max = luaL_optinteger(L, 4, (lua_Integer)ls + 1), count = 0;
	luaL_argexpected(L, tr == LUA_TNUMBER || tr == LUA_TSTRING || tr == LUA_TFUNCTION || tr == LUA_TTABLE, 3,
	                 "string/function/table");
	int anchor = lp > 0 && p[0] == '^', changed = 0;
	if (anchor) {
		p++;
		lp--;
	}
	lp_item local[LP_LOCAL_ITEMS];
	lp_state ms;
	lp_init(&ms, L, lp_hooks(L), s, ls, p, lp_prepare(L, local, p, lp));
	luaL_Buffer b;
	luaL_buffinit(L, &b);
	size_t at = 0, last = LP_NONE;
	while (count < max) {
		size_t e = lp_match(&ms, at);
		if (e != LP_NONE && e != last) {
			count++;
			changed |= lp_add_value(&ms, &b, at, e, tr);
			at = last = e;
		} else if (at < ls) {
			luaL_addchar(&b, s[at++]);
		} else {
			break;
		}
		if (anchor)
			break;
	}
	if (!changed) {
		lua_pushvalue(L, 1);
	} else {
		luaL_addlstring(&b, s + at, ls - at);
		luaL_pushresult(&b);
	}
	lua_pushinteger(L, count);
	return 2;
}

void kb_luapattern_register(lua_State *L, int idx, const kb_luapattern_hooks *hooks)
{
	static const luaL_Reg fns[] = { { "find", lp_find },
		                        { "match", lp_str_match },
		                        { "gmatch", lp_gmatch },
		                        { "gsub", lp_gsub },
		                        { NULL, NULL } };
	lua_pushvalue(L, idx);
	lua_pushlightuserdata(L, (void *)hooks);
	luaL_setfuncs(L, fns, 1);
	lua_pop(L, 1);
}
