/*
 * luamsg.c -- Lua's messages in Danish, for the findings of broken plugins (luamsg.h).
 */
#include "luamsg.h"

#include <lauxlib.h>
#include <string.h>

/* The registry key of the table of function names. */
static const char lm_names_key = 'n';

/* A Lua type name with its Danish article ("en tekst"); a name Lua does not have (klarbrev.Sentence) as it is. */
const char *kb_luamsg_type(const char *t)
{
	static const char *const map[][2] = {
	    {"string", "en tekst"},
	    {"number", "et tal"},
	    {"integer", "et heltal"},
	    {"table", "en tabel"},
	    {"function", "en funktion"},
	    {"boolean", "en sand/falsk-værdi"},
	    {"nil", "nil"},
	    {"no value", "ingen værdi"},
	    {"userdata", "userdata"},
	    {"thread", "en coroutine"},
	    {"light userdata", "userdata"},
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (!strcmp(t, map[i][0]))
			return map[i][1];
	return t;
}

/* The output of a translation: the buffer and its first error. Once an append failed nothing more is added and the
 * error stays, so the "a || b" chains below can stop at any failure and kb_luamsg_danish() still returns the
 * buffer's own code (KB_ENOMEM or KB_ELIMIT), not the 1 of "||". */
typedef struct lm_out {
	kb_buf *b;
	int rc;
} lm_out;

static int lm_add(lm_out *o, const void *p, size_t n)
{
	if (!o->rc)
		o->rc = kb_buf_add(o->b, p, n);
	return o->rc;
}

static int lm_adds(lm_out *o, const char *s)
{
	return lm_add(o, s, strlen(s));
}

/* kb_luamsg_type() of s[0..n) appended to b; "nil or table" becomes "nil eller en tabel". */
static int lm_type_add(lm_out *b, const char *s, size_t n)
{
	char t[64];
	int rc = KB_OK;
	for (int first = 1; n && !rc; first = 0) {
		const char * or = NULL;
		for (size_t i = 0; i + 4 <= n && ! or ; i++)
			or = !memcmp(s + i, " or ", 4) ? s + i : NULL;
		size_t len = or ? (size_t)(or -s) : n;
		if (!first)
			rc = lm_adds(b, " eller ");
		if (!rc && len < sizeof t) {
			memcpy(t, s, len);
			t[len] = '\0';
			rc = lm_adds(b, kb_luamsg_type(t));
		} else if (!rc) {
			rc = lm_add(b, s, len);
		}
		s += len, n -= len;
		if (or)
			s += 4, n -= 4;
	}
	return rc;
}

/* The plural of a Lua type name s[0..n) ("table" -> "tabeller"), appended to b. */
static int lm_plural(lm_out *b, const char *s, size_t n)
{
	static const char *const map[][2] = {
	    {"table", "tabeller"},      {"string", "tekster"},  {"number", "tal"}, {"boolean", "sand/falsk-værdier"},
	    {"function", "funktioner"}, {"nil", "nil-værdier"},
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strlen(map[i][0]) == n && !memcmp(s, map[i][0], n))
			return lm_adds(b, map[i][1]);
	return lm_adds(b, "værdier af typen ") || lm_add(b, s, n);
}

/* 1 when s[0..n) starts with p; *rest then points after it. */
static int lm_starts(const char *s, size_t n, const char *p, const char **rest)
{
	size_t m = strlen(p);
	if (n < m || memcmp(s, p, m) != 0)
		return 0;
	*rest = s + m;
	return 1;
}

/* The first occurrence of p in s[0..n), or NULL. */
static const char *lm_find(const char *s, size_t n, const char *p)
{
	size_t m = strlen(p);
	for (size_t i = 0; i + m <= n; i++)
		if (!memcmp(s + i, p, m))
			return s + i;
	return NULL;
}

static int lm_message(lm_out *b, const char *s, size_t n, int depth);

/* The token a syntax error is "near": "<eof>" is the end of the file. */
static int lm_near(lm_out *b, const char *s, size_t n)
{
	if (n == 5 && !memcmp(s, "<eof>", 5))
		return lm_adds(b, "slutningen af filen");
	return lm_add(b, s, n);
}

/* "(local 'x')" -> "(den lokale variabel 'x')"; s[0..n) is what follows the value in Lua's message. */
static int lm_varinfo(lm_out *b, const char *s, size_t n)
{
	static const char *const kinds[][2] = {
	    {" (global '", " (den globale variabel '"},
	    {" (local '", " (den lokale variabel '"},
	    {" (field '", " (feltet '"},
	    {" (method '", " (metoden '"},
	    {" (upvalue '", " (den ydre variabel '"},
	    {" (constant '", " (konstanten '"},
	};
	const char *rest;
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (lm_starts(s, n, kinds[i][0], &rest))
			return lm_adds(b, kinds[i][1]) || lm_add(b, rest, n - (size_t)(rest - s));
	return lm_add(b, s, n);
}

/* What follows "bad argument #N to 'f'": "(string expected, got nil)" -> " skal være en tekst, men er nil". */
static int lm_argextra(lm_out *b, const char *s, size_t n, int depth)
{
	const char *rest, *got;
	if (n >= 2 && s[0] == '(' && s[n - 1] == ')')
		s++, n -= 2;
	if ((got = lm_find(s, n, " expected, got "))) {
		const char *u = got + 15;
		size_t un = n - (size_t)(u - s);
		int rc = lm_adds(b, " skal være ") || lm_type_add(b, s, (size_t)(got - s));
		if (!rc && un == 8 && !memcmp(u, "no value", 8))
			return lm_adds(b, ", men mangler");
		return rc || lm_adds(b, ", men er ") || lm_type_add(b, u, un);
	}
	if (n == 14 && !memcmp(s, "value expected", 14))
		return lm_adds(b, " mangler");
	if (lm_starts(s, n, "number has no integer representation", &rest))
		return lm_adds(b, " skal være et heltal");
	if (lm_find(s, n, "out of range") || lm_find(s, n, "out of bounds"))
		return lm_adds(b, " er uden for det tilladte område");
	if (lm_starts(s, n, "invalid option ", &rest))
		return lm_adds(b, ": ugyldigt valg ") || lm_add(b, rest, n - (size_t)(rest - s));
	return lm_adds(b, ": ") || lm_message(b, s, n, depth + 1);
}

/* Appends the Danish form of Lua's message s[0..n) (without its "file:line: " where it has one). */
static int lm_message(lm_out *b, const char *s, size_t n, int depth)
{
	/* fixed messages, by their start */
	static const char *const fixed[][2] = {
	    {"stack overflow", "stakken er løbet over (kalder en funktion sig selv uden ende?)"},
	    {"C stack overflow", "stakken er løbet over (kalder en funktion sig selv uden ende?)"},
	    {"not enough memory", "ikke nok hukommelse"},
	    {"error in error handling", "fejl under fejlhåndteringen"},
	    {"'for' initial value must be a number", "'for': startværdien skal være et tal"},
	    {"'for' limit must be a number", "'for': slutværdien skal være et tal"},
	    {"'for' step must be a number", "'for': skridtet skal være et tal"},
	    {"'for' step is zero", "'for': skridtet er 0"},
	    {"number has no integer representation", "tallet er ikke et heltal"},
	    {"table index is nil", "en nøgle i en tabel kan ikke være nil"},
	    {"table index is NaN", "en nøgle i en tabel kan ikke være NaN"},
	    {"attempt to perform 'n//0'", "kan ikke heltalsdividere med 0"},
	    {"attempt to perform 'n%0'", "kan ikke tage rest ved division med 0"},
	    {"attempt to load a binary chunk (mode is 't')", "kan ikke indlæse binær kode; kun Lua-tekst er tilladt"},
	    {"attempt to load a binary chunk", "kan ikke indlæse binær kode; kun Lua-tekst er tilladt"},
	    {"invalid order function for sorting", "ugyldig sorteringsfunktion til table.sort"},
	    {"invalid key to 'next'", "ugyldig nøgle til next (blev tabellen ændret undervejs?)"},
	    {"too many results to unpack", "for mange værdier at pakke ud"},
	    {"resulting string too large", "teksten bliver for lang"},
	    {"too many elements to move", "for mange elementer at flytte"},
	    {"wrap around", "positionerne løber rundt"},
	    {"string length overflow", "teksten bliver for lang"},
	    {"'__index' chain too long; possible loop", "'__index'-kæden er for lang; måske en løkke"},
	    {"'__newindex' chain too long; possible loop", "'__newindex'-kæden er for lang; måske en løkke"},
	    {"'__tostring' must return a string", "'__tostring' skal returnere en tekst"},
	    {"malformed pattern (ends with '%')", "ugyldigt mønster (slutter med '%')"},
	    {"malformed pattern (missing ']')", "ugyldigt mønster (mangler ']')"},
	    {"malformed pattern (missing arguments to '%b')", "ugyldigt mønster (mangler tegnene efter '%b')"},
	    {"missing '[' after '%f' in pattern", "der mangler '[' efter '%f' i mønsteret"},
	    {"pattern too complex", "mønsteret er for indviklet"},
	    {"pattern too long", "mønsteret er for langt"},
	    {"invalid pattern capture", "ugyldig fangst i mønsteret"},
	    {"too many captures", "for mange fangster i mønsteret"},
	    {"invalid use of '%' in replacement string", "ugyldig brug af '%' i erstatningsteksten"},
	};
	/* "attempt to <what> a <type> value<varinfo>" */
	static const char *const attempts[][2] = {
	    {"attempt to index a ", "kan ikke slå et felt op i "},
	    {"attempt to call a ", "kan ikke kalde "},
	    {"attempt to perform arithmetic on a ", "kan ikke regne med "},
	    {"attempt to concatenate a ", "kan ikke sætte tekst sammen med "},
	    {"attempt to get length of a ", "kan ikke tage længden af "},
	    {"attempt to perform bitwise operation on a ", "kan ikke lave bitoperationer på "},
	};
	const char *rest, *p;
	int rc;
	if (depth > 3)
		return lm_add(b, s, n);
	/* a message from deeper down may carry its own "file:line: " */
	for (size_t i = 0; i < n && s[i] != ' ' && s[i] != '\n' && i < 300; i++) {
		if (s[i] != ':' || i + 1 >= n || s[i + 1] < '0' || s[i + 1] > '9')
			continue;
		size_t j = i + 1;
		while (j < n && s[j] >= '0' && s[j] <= '9')
			j++;
		if (j + 1 < n && s[j] == ':' && s[j + 1] == ' ')
			return lm_add(b, s, j + 2) || lm_message(b, s + j + 2, n - j - 2, depth + 1);
		break;
	}
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
		if (lm_starts(s, n, fixed[i][0], &rest))
			return lm_adds(b, fixed[i][1]) || lm_add(b, rest, n - (size_t)(rest - s));
	for (size_t i = 0; i < sizeof attempts / sizeof attempts[0]; i++) {
		if (!lm_starts(s, n, attempts[i][0], &rest) || !(p = lm_find(rest, n - (size_t)(rest - s), " value")))
			continue;
		return lm_adds(b, attempts[i][1]) || lm_type_add(b, rest, (size_t)(p - rest)) ||
		       lm_varinfo(b, p + 6, n - (size_t)(p + 6 - s));
	}
	if (lm_starts(s, n, "attempt to compare two ", &rest) && (p = lm_find(rest, n - (size_t)(rest - s), " values")))
		return lm_adds(b, "kan ikke sammenligne to ") || lm_plural(b, rest, (size_t)(p - rest));
	if (lm_starts(s, n, "attempt to compare ", &rest) && (p = lm_find(rest, n - (size_t)(rest - s), " with "))) {
		return lm_adds(b, "kan ikke sammenligne ") || lm_type_add(b, rest, (size_t)(p - rest)) ||
		       lm_adds(b, " med ") || lm_type_add(b, p + 6, n - (size_t)(p + 6 - s));
	}
	if (lm_starts(s, n, "attempt to assign to const variable ", &rest))
		return lm_adds(b, "kan ikke ændre konstanten ") || lm_add(b, rest, n - (size_t)(rest - s));
	/* bad argument #2 to 'klarbrev.find' (string expected, got nil) */
	if (lm_starts(s, n, "bad argument #", &rest)) {
		const char *num = rest;
		while (rest < s + n && *rest >= '0' && *rest <= '9')
			rest++;
		size_t numlen = (size_t)(rest - num), left = n - (size_t)(rest - s);
		const char *fn = NULL, *after = rest;
		size_t fnlen = 0;
		if (lm_starts(rest, left, " to '", &fn) && (p = memchr(fn, '\'', n - (size_t)(fn - s)))) {
			fnlen = (size_t)(p - fn);
			after = p + 1;
		}
		while (after < s + n && *after == ' ')
			after++;
		rc = 0;
		if (fn && !(fnlen == 1 && fn[0] == '?'))
			rc = lm_add(b, fn, fnlen) || lm_adds(b, ": ");
		return rc || lm_adds(b, "argument ") || lm_add(b, num, numlen) ||
		       lm_argextra(b, after, n - (size_t)(after - s), depth);
	}
	/* calling 'find' on bad self (string expected, got nil) */
	if (lm_starts(s, n, "calling '", &rest) && (p = lm_find(rest, n - (size_t)(rest - s), "' on bad self"))) {
		const char *after = p + 13;
		while (after < s + n && *after == ' ')
			after++;
		return lm_add(b, rest, (size_t)(p - rest)) || lm_adds(b, ": værdien før ':'") ||
		       lm_argextra(b, after, n - (size_t)(after - s), depth);
	}
	/* syntax errors */
	if ((p = lm_find(s, n, " expected (to close ")) && s[0] == '\'') {
		const char *at = lm_find(p, n - (size_t)(p - s), " at line ");
		const char *near = lm_find(p, n - (size_t)(p - s), ") near ");
		if (at && near && at < near) {
			const char *what = p + 20;
			return lm_adds(b, "der mangler ") || lm_add(b, s, (size_t)(p - s)) ||
			       lm_adds(b, " (til at lukke ") || lm_add(b, what, (size_t)(at - what)) ||
			       lm_adds(b, " fra linje ") || lm_add(b, at + 9, (size_t)(near - at - 9)) ||
			       lm_adds(b, ") ved ") || lm_near(b, near + 7, n - (size_t)(near + 7 - s));
		}
	}
	if ((p = lm_find(s, n, " expected near ")) && (s[0] == '\'' || s[0] == '<'))
		return lm_adds(b, "der mangler ") || lm_add(b, s, (size_t)(p - s)) || lm_adds(b, " ved ") ||
		       lm_near(b, p + 15, n - (size_t)(p + 15 - s));
	static const char *const near[][2] = {
	    {"unexpected symbol near ", "uventet tegn ved "},
	    {"unfinished string near ", "en tekst i anførselstegn er ikke afsluttet ved "},
	    {"unfinished long string", "en lang tekst ([[...]]) er ikke afsluttet"},
	    {"unfinished long comment", "en lang kommentar (--[[...]]) er ikke afsluttet"},
	    {"malformed number near ", "ugyldigt tal ved "},
	    {"syntax error near ", "syntaksfejl ved "},
	    {"invalid escape sequence ", "ugyldig escape-sekvens "},
	};
	for (size_t i = 0; i < sizeof near / sizeof near[0]; i++)
		if (lm_starts(s, n, near[i][0], &rest))
			return lm_adds(b, near[i][1]) || lm_near(b, rest, n - (size_t)(rest - s));
	if (lm_starts(s, n, "invalid capture index ", &rest))
		return lm_adds(b, "ugyldigt fangstnummer ") || lm_add(b, rest, n - (size_t)(rest - s));
	if (lm_starts(s, n, "invalid replacement value (a ", &rest) && n && s[n - 1] == ')')
		return lm_adds(b, "ugyldig erstatningsværdi (") ||
		       lm_type_add(b, rest, n - 1 - (size_t)(rest - s)) || lm_adds(b, ")");
	if (lm_starts(s, n, "wrong number of arguments to ", &rest))
		return lm_adds(b, "forkert antal argumenter til ") || lm_add(b, rest, n - (size_t)(rest - s));
	return lm_add(b, s, n);
}

/* Lua names the function of a bad argument from the call ("find") or not at all ("?"); the table that
 * kb_luamsg_name_functions() made gives "klarbrev.find". */
const char *kb_luamsg_name_raiser(lua_State *L, const char *msg)
{
	static const char bad[] = "bad argument #";
	const char *start = strstr(msg, bad); /* after the "file:line: " Lua puts first */
	const char *to = start && (start == msg || start[-1] == ' ') ? strstr(start, " to '") : NULL;
	const char *end = to ? strchr(to + 5, '\'') : NULL;
	int top = lua_gettop(L);
	lua_Debug ar;
	const char *name = NULL;
	if (end && lua_getstack(L, 1, &ar) && lua_getinfo(L, "f", &ar)) {
		if (lua_rawgetp(L, LUA_REGISTRYINDEX, (void *)&lm_names_key) == LUA_TTABLE) {
			lua_pushvalue(L, -2);
			if (lua_rawget(L, -2) == LUA_TSTRING)
				name = lua_tostring(L, -1); /* stays on the stack, so the string stays alive */
		}
	}
	if (!name) {
		lua_settop(L, top);
		lua_pushvalue(L, 1);
		return msg;
	}
	lua_pushlstring(L, msg, (size_t)(to - msg) + 5);
	lua_pushstring(L, name);
	lua_pushstring(L, end);
	lua_concat(L, 3);
	lua_replace(L, top + 1); /* the one value pushed: the message; the rest goes */
	lua_settop(L, top + 1);
	return lua_tostring(L, -1);
}

/* [-0, +0, m] names[f] = name (a string at the top, popped) for the function at index fn, unless f has a name
 * already: the first name recorded stays. */
static void lm_name_once(lua_State *L, int names, int fn)
{
	lua_pushvalue(L, fn);
	if (lua_rawget(L, names) != LUA_TNIL) {
		lua_pop(L, 2);
		return;
	}
	lua_pop(L, 1);
	lua_pushvalue(L, fn);
	lua_insert(L, -2);
	lua_rawset(L, names);
}

/* One level of tables below the globals is enough: the libraries and klarbrev. The global functions are named
 * first, so "tostring" is never "_G.tostring" or another table's alias; "_G" itself is no library and is skipped.
 * Among the tables the first name found stays. */
void kb_luamsg_name_functions(lua_State *L)
{
	luaL_checkstack(L, 10, "funktionernes navne");
	lua_newtable(L); /* names */
	int names = lua_gettop(L);
	lua_pushglobaltable(L);
	for (int pass = 0; pass < 2; pass++) {
		lua_pushnil(L);
		while (lua_next(L, -2)) {
			const char *g = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
			if (g && pass == 0 && lua_iscfunction(L, -1)) {
				lua_pushstring(L, g);
				lm_name_once(L, names, lua_gettop(L) - 1);
			} else if (g && pass == 1 && lua_istable(L, -1) && strcmp(g, "_G") != 0) {
				lua_pushnil(L);
				while (lua_next(L, -2)) {
					if (lua_type(L, -2) == LUA_TSTRING && lua_iscfunction(L, -1)) {
						lua_pushfstring(L, "%s.%s", g, lua_tostring(L, -2));
						lm_name_once(L, names, lua_gettop(L) - 1);
					}
					lua_pop(L, 1);
				}
			}
			lua_pop(L, 1);
		}
	}
	lua_pop(L, 1);
	lua_rawsetp(L, LUA_REGISTRYINDEX, (void *)&lm_names_key);
}

int kb_luamsg_danish(kb_buf *out, const char *msg, size_t len)
{
	lm_out o = { out, KB_OK };
	lm_message(&o, msg, len, 0);
	return o.rc;
}
