/* test_luapattern.c -- the sandbox's own Lua patterns (luapattern.c) against the string library of Lua 5.4: the same
 * code runs in a state with Lua's functions and in one with ours, and the results, or the errors, must be the same,
 * for a table of cases written by hand and for many random ones. Then what the stock matcher cannot do: stop. */
#include "kbtest.h"
#include "luapattern.h"

#include <lauxlib.h>
#include <lualib.h>

/* ---- two states side by side ---- */

/* Defined in both states: RUN(f) calls f protected and describes what it returned ("3: true, integer 1, \"a\"") or
 * the error; FIND, MATCH, GMATCH and GSUB run one call with the globals S, P, I, PLAIN, R, N. */
static const char *const helpers =
    "local function one(v)\n"
    "  local t = type(v)\n"
    "  if t == 'string' then return string.format('%q', v) end\n"
    "  if t == 'number' then return math.type(v) .. ' ' .. tostring(v) end\n"
    "  if t == 'table' or t == 'function' then return t end\n"
    "  return tostring(v)\n"
    "end\n"
    "local function ser(...)\n"
    "  local out = {}\n"
    "  for i = 1, select('#', ...) do out[i] = one((select(i, ...))) end\n"
    "  return select('#', ...) .. ': ' .. table.concat(out, ', ')\n"
    "end\n"
    "function RUN(f) return ser(pcall(f)) end\n"
    "local function repl()\n"
    "  if R == 'f' then return function(...)\n"
    "    local a = ...\n"
    "    if a == 'b' then return false end\n"
    "    if a == 'c' then return {} end\n"
    "    if a == '1' then return 42 end\n"
    "    return '<' .. table.concat({ ... }, '|') .. '>'\n"
    "  end end\n"
    "  if R == 't' then return { a = 'A', b = false, ab = 7, c = {}, [''] = 'E', [2] = 'two' } end\n"
    "  if R == 'n' then return 7 end\n"
    "  if R == 'x' then return true end\n"
    "  return R\n"
    "end\n"
    "function FIND() return RUN(function() return string.find(S, P, I, PLAIN) end) end\n"
    "function MATCH() return RUN(function() return string.match(S, P, I) end) end\n"
    "function GMATCH() return RUN(function()\n"
    "  local out = {}\n"
    "  for a, b, c in string.gmatch(S, P, I) do\n"
    "    out[#out + 1] = ser(a, b, c)\n"
    "    if #out > 40 then break end\n"
    "  end\n"
    "  return table.concat(out, '; ')\n"
    "end) end\n"
    "function GSUB() return RUN(function() return string.gsub(S, P, repl(), N) end) end\n";

static lua_State *new_state(int ours, const kb_luapattern_hooks *hooks)
{
	lua_State *L = luaL_newstate();
	if (!L)
		return NULL;
	luaL_openlibs(L);
	if (ours) {
		lua_getglobal(L, "string");
		kb_luapattern_register(L, -1, hooks);
		lua_pop(L, 1);
	}
	if (luaL_dostring(L, helpers) != LUA_OK) {
		fprintf(stderr, "  helpers: %s\n", lua_tostring(L, -1));
		lua_close(L);
		return NULL;
	}
	return L;
}

static lua_State *g_stock, *g_ours;

static void setup(void)
{
	if (!g_stock)
		g_stock = new_state(0, NULL);
	if (!g_ours)
		g_ours = new_state(1, NULL);
}

/* Runs chunk (which returns a string) in L; the string, or the load error, in out. */
static void run_chunk(lua_State *L, const char *chunk, char *out, size_t size)
{
	if (luaL_loadstring(L, chunk) != LUA_OK || lua_pcall(L, 0, 1, 0) != LUA_OK)
		snprintf(out, size, "chunk failed: %s", lua_tostring(L, -1));
	else
		snprintf(out, size, "%s", lua_tostring(L, -1) ? lua_tostring(L, -1) : "(not a string)");
	lua_settop(L, 0);
}

/* Evaluates expr in both states; checks that they agree and returns what ours gave (static buffer). */
static const char *both(const char *expr)
{
	static char ours[8192];
	char stock[8192], chunk[4096];
	setup();
	snprintf(chunk, sizeof chunk, "return RUN(function() return %s end)", expr);
	run_chunk(g_stock, chunk, stock, sizeof stock);
	run_chunk(g_ours, chunk, ours, sizeof ours);
	if (strcmp(stock, ours) != 0) {
		fprintf(stderr, "  %s\n    stock: %s\n    ours:  %s\n", expr, stock, ours);
		kbt_failures_in_test++;
	}
	return ours;
}

/* ---- cases written by hand, by section of the reference manual ---- */

static void test_luapattern__find_plain_and_init(void)
{
	static const char *const cases[] = {
		"string.find('hello world', 'o w')",
		"string.find('hello world', 'o', 6)",
		"string.find('hello world', 'l', -3)",
		"string.find('hello world', 'l', -100)",
		"string.find('hello world', 'l', 0)",
		"string.find('hello', '', 3)",
		"string.find('hello', '', 6)",
		"string.find('hello', '', 7)",
		"string.find('hello', '', 100)",
		"string.find('', '')",
		"string.find('a.b', '.', 1, true)",
		"string.find('a+b', '+', 1, true)",
		"string.find('a)b', ')')",
		"string.find('a]b', ']')",
		"string.find('abc', 'c', 1, false)",
		"string.find('abc', 'x', 1, 1)",
		"string.find('aaab', 'aab')",
		"string.find('a\\0b', '\\0')",
		"string.find('a\\0b', '%z')",
		"string.find(12345, 34)",
		"('hello'):find('l+')",
		"string.find('hello', 'l', 2.0)",
		"string.find('hello', 'l', 2.5)",
		"string.find('hello', 'l', '2')",
		"string.find('hello', 'l', 'x')",
		"string.find(nil, 'x')",
		"string.find('x')",
		"string.find('x', {})",
		"string.find()",
		"string.find('hello', 'l', math.maxinteger)",
		"string.find('hello', 'l', math.mininteger)",
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		both(cases[i]);
}

static void test_luapattern__character_classes(void)
{
	static const char *const classes = "acdglpsuwxzACDGLPSUWXZ.qQ%]^-";
	char expr[256];
	/* every class against every byte 0..255: the count and the first and last byte matched */
	for (const char *c = classes; *c; c++) {
		snprintf(expr, sizeof expr,
		         "(function() local all = {} for i = 0, 255 do all[#all + 1] = string.char(i) end "
		         "local s = table.concat(all) local n = 0 "
		         "for _ in s:gmatch('%%%c') do n = n + 1 end "
		         "return n, s:find('%%%c'), s:match('.*()%%%c') end)()",
		         *c, *c, *c);
		both(expr);
	}
	both("string.match('abc', '.')");
	both("string.match('\\n', '.')");
	both("string.find('x', '%')");
	both("string.find('x%', 'x%')");
}

static void test_luapattern__sets(void)
{
	static const char *const cases[] = {
		"string.match('hello123', '[a-z]+')",
		"string.match('hello123', '[^a-z]+')",
		"string.match('a-b', '[a-]+')",
		"string.match('a-b', '[-a]+')",
		"string.match('a-z', '[a%-z]+')",
		"string.match(']]a', '[]]+')",
		"string.match('a]]', '[^]]+')",
		"string.match('^^a', '[%^]+')",
		"string.match('^^a', '[\\^a]+')",
		"string.match('x%]y', '[%]]')",
		"string.match('x%]y', '[a-%]]+')",
		"string.match('%-', '[%%-]+')",
		"string.match('a1_ b', '[%w_]+')",
		"string.match('a1_ b', '[%W]+')",
		"string.match('AbC', '[%u]+')",
		"string.match('z-a', '[z-a]')",
		"string.match('-', '[a-]')",
		"string.match('b', '[a-c-e]')",
		"string.match('-', '[a-c-e]')",
		"string.match('a', '[')",
		"string.match('a', '[a')",
		"string.match('a', '[]')",
		"string.match('a', '[^]')",
		"string.match('a', '[%')",
		"string.match('a', '[a%]')",
		"string.match('', 'x[')",
		"string.match('x', 'y[')",
		"string.match('\\0', '[\\0]')",
		"string.match('\\0a', '[%z]+')",
		"string.match('\\xe6\\xf8', '[\\xe0-\\xff]+')",
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		both(cases[i]);
}

static void test_luapattern__quantifiers_and_anchors(void)
{
	static const char *const cases[] = {
		"string.match('aaab', 'a*')",
		"string.match('aaab', 'a+b')",
		"string.match('aaab', 'a-b')",
		"string.match('aaab', 'a-')",
		"string.match('b', 'a?b')",
		"string.match('ab', 'a?b')",
		"string.match('aab', '^a?b')",
		"string.match('  x  ', '^%s*(.-)%s*$')",
		"string.match('abc', '^abc$')",
		"string.match('abcd', '^abc$')",
		"string.match('a$b', 'a$b')",
		"string.match('a$', 'a$$')",
		"string.match('a^b', 'a^b')",
		"string.find('a^b', '^b')",
		"string.find('^b', '^^b')",
		"string.match('**a', '**')",
		"string.match('*a', '*a')",
		"string.match('a+', '+')",
		"string.match('aaa', 'a**')",
		"string.gsub('hello world', 'o', '0')",
		"string.gsub('abc', '', '-')",
		"string.gsub('abc', 'b*', '-')",
		"string.gsub('abc', '^', '>')",
		"string.gsub('abc', '$', '<')",
		"string.gsub('abc', '^b', '>')",
		"string.gsub('aaa', '^a', 'b')",
		"string.match('aaa', 'a-a-a-a')",
		"string.match('key = value', '(%w+)%s*=%s*(%w+)')",
		"string.match(string.rep('a', 40) .. 'b', 'a*a*a*b')",
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		both(cases[i]);
}

static void test_luapattern__captures_and_back_references(void)
{
	static const char *const cases[] = {
		"string.match('hello world', '(h)(e)(l)')",
		"string.find('hello world', '(o)(r)')",
		"string.match('hello', '()ll()')",
		"string.find('hello', '()ll()')",
		"string.match('hello', '(h(el)(l))o')",
		"string.match('abba', '(a)(b)%2%1')",
		"string.match('abab', '(ab)%1')",
		"string.match('xyzxyz', '(%a+)%1')",
		"string.match('aa', '(a)%1%1')",
		"string.match('ab', '()a%1')",
		"string.match('ab', '(a%1)')",
		"string.match('ab', '%1')",
		"string.match('ab', '(a)%2')",
		"string.match('ab', '%0')",
		"string.match('ab', '(a)%0')",
		"string.match('ab', '(a')",
		"string.match('ab', 'a)')",
		"string.match('ab', '(a))')",
		"string.find('ab', '(a')",
		"string.match('', '()')",
		"string.match('abc', '(((a)))')",
		"string.match(string.rep('a', 40), string.rep('(a)', 32))",
		"string.match(string.rep('a', 40), string.rep('(a)', 33))",
		"string.match(string.rep('a', 40), string.rep('()', 32))",
		"string.match(string.rep('a', 40), string.rep('()', 33))",
		"select('#', string.match(string.rep('a', 40), string.rep('(a)', 32)))",
		"string.match('THE (quick) fox', '%((%a+)%)')",
		"string.gsub('hello world', '(o)', '[%1]')",
		"string.gsub('hello', '()l', '%1')",
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		both(cases[i]);
}

static void test_luapattern__balance_and_frontier(void)
{
	static const char *const cases[] = {
		"string.match('f(a(b)c)d', '%b()')",
		"string.match('f(a(b c)d', '%b()')",
		"string.match('x\"y\"z', '%b\"\"')",
		"string.match('((', '%b((')",
		"string.match('a', '%b')",
		"string.match('a', '%b(')",
		"string.match('', '%b()')",
		"string.gsub('THE (quick) fox', '%f[%a]%a+', 'W')",
		"string.gsub('hello world', '%f[%w]%w+', print and 'X')",
		"string.find('THE (quick) fox', '%f[%a]%u+%f[%A]')",
		"string.gsub('abc', '%f[%z]', '.')",
		"string.gsub('abc', '%f[^%z]', '.')",
		"string.gsub('', '%f[%z]', '.')",
		"string.find('aXb', '%f[%u]')",
		"string.find('a', '%f')",
		"string.find('a', '%fa')",
		"string.find('a', '%f[a')",
		"string.find('a', '%f[]')",
		"string.find('a', '%f[^]')",
		"string.match('(a)', '%b()*')",
		"string.match('aa', '%1*')",
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		both(cases[i]);
}

static void test_luapattern__gmatch(void)
{
	static const char *const cases[] = {
		"(function() local t = {} for w in string.gmatch('one two  three', '%a+') do t[#t+1] = w end "
		"return table.concat(t, ',') end)()",
		"(function() local t = {} for k, v in string.gmatch('a=1, b=2', '(%w+)=(%w+)') do t[#t+1] = k .. v end "
		"return table.concat(t, ',') end)()",
		"(function() local t = {} for w in string.gmatch('abc', '') do t[#t+1] = '[' .. w .. ']' end "
		"return table.concat(t) end)()",
		"(function() local t = {} for p in string.gmatch('abc', '()') do t[#t+1] = p end "
		"return table.concat(t, ',') end)()",
		"(function() local t = {} for w in string.gmatch('abc', 'b*') do t[#t+1] = '[' .. w .. ']' end "
		"return table.concat(t) end)()",
		"(function() local t = {} for w in string.gmatch('one two three', '%a+', 5) do t[#t+1] = w end "
		"return table.concat(t, ',') end)()",
		"(function() local t = {} for w in string.gmatch('one two three', '%a+', -5) do t[#t+1] = w end "
		"return table.concat(t, ',') end)()",
		"(function() local t = {} for w in string.gmatch('abc', '.', 100) do t[#t+1] = w end "
		"return #t end)()",
		"(function() local t = {} for w in string.gmatch('^a^b', '^.') do t[#t+1] = w end "
		"return table.concat(t, ',') end)()",
		"(function() local it = string.gmatch('a b', '%a') return it(), it(), it(), it() end)()",
		"(function() local it = string.gmatch('ab', '(') return it() end)()",
		"(function() local it = string.gmatch('ab', '[') return it() end)()",
		"string.gmatch('ab')",
		"string.gmatch('ab', 'a', 'x')",
		"type(string.gmatch('ab', 'x['))",
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		both(cases[i]);
}

static void test_luapattern__gsub_replacements(void)
{
	static const char *const cases[] = {
		"string.gsub('hello world', '(%w+)', '%1 %1')",
		"string.gsub('hello world', '%w+', '%0 %0', 1)",
		"string.gsub('hello world', '(%w+)%s*(%w+)', '%2 %1')",
		"string.gsub('abc', '%w', '%%')",
		"string.gsub('abc', '%w', '%')",
		"string.gsub('abc', '%w', '%x')",
		"string.gsub('abc', '%w', '%2')",
		"string.gsub('abc', '(%w)', '%2')",
		"string.gsub('abc', '(%w)', '%9')",
		"string.gsub('abc', '%w', '%1')",
		"string.gsub('abc', '%w', '\\0%0\\0')",
		"string.gsub('abc', '%w', 'x%\\0')",
		"string.gsub('abc', '%w', 7)",
		"string.gsub('abc', '%w', 2.5)",
		"string.gsub('abc', '%w', { a = 1, b = true })",
		"string.gsub('abc', '%w', { a = 1, b = false })",
		"string.gsub('abc', '%w', { a = {} })",
		"string.gsub('abc', '(%w)(%w)', { a = 'A' })",
		"string.gsub('abc', '()%w', { 'one', 'two' })",
		"string.gsub('abc', '%w', function(c) return c:upper() end)",
		"string.gsub('abc', '%w', function(c) return nil end)",
		"string.gsub('abc', '%w', function(c) return 1.5 end)",
		"string.gsub('abc', '%w', function(c) return {} end)",
		"string.gsub('abc', '%w', function(c) error('in repl') end)",
		"string.gsub('abc', '(%w)()', function(c, p) return c .. p end)",
		"string.gsub('abc', '%w', function(c) return (string.gsub(c, '.', '%0%0')) end)",
		"string.gsub('$name is $age', '%$(%w+)', { name = 'Ib', age = 42 })",
		"string.gsub('abc', '%w', 'x', 0)",
		"string.gsub('abc', '%w', 'x', -1)",
		"string.gsub('abc', '%w', 'x', 2.0)",
		"string.gsub('abc', '%w', 'x', 2.5)",
		"string.gsub('abc', '%w', 'x', 'y')",
		"string.gsub('abc', '%w')",
		"string.gsub('abc', '%w', true)",
		"string.gsub('abc', '%w', nil, 'y')",
		"string.gsub('abc', '(', 'x')",
		"string.gsub('', '(', 'x')",
		"string.gsub('abc', 'x*', '-')",
		"string.gsub('hello', '', '%0')",
		"string.gsub('hello', 'l*', 'L', 2)",
		"string.gsub(123, 2, 9)",
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		both(cases[i]);
}

static void test_luapattern__pattern_too_complex_at_the_same_depth(void)
{
	/* Lua's matcher nests at most 200 calls; ours counts its choice points and captures the same way */
	static const char *const cases[] = {
		"string.find(string.rep('a', 300), string.rep('a?', 199))",
		"string.find(string.rep('a', 300), string.rep('a?', 200))",
		"string.find('', string.rep('a?', 1000))",
		"string.find(string.rep('a', 300), string.rep('a*', 199))",
		"string.find(string.rep('a', 300), string.rep('a*', 200))",
		"string.find(string.rep('a', 300), string.rep('a-', 198) .. '$')",
		"string.find(string.rep('a', 300), string.rep('a-', 199) .. '$')",
		"string.find(string.rep('a', 300), string.rep('a-', 200) .. 'b')",
		"string.find(string.rep('ab', 300), string.rep('a+b', 199))",
		"string.find(string.rep('ab', 300), string.rep('a+b', 200))",
		"string.find(string.rep('a', 40), string.rep('()a?', 99))",
		"string.find(string.rep('a', 300), string.rep('(a)', 20) .. string.rep('a?', 159))",
		"string.find(string.rep('a', 300), string.rep('(a)', 20) .. string.rep('a?', 160))",
		"string.find(string.rep('a', 300), string.rep('()a', 30) .. string.rep('a?', 169))",
		"string.find(string.rep('a', 300), string.rep('()a', 30) .. string.rep('a?', 170))",
		"string.find(string.rep('a', 100000), string.rep('a?', 100000))",
		"string.gsub(string.rep('a', 300), string.rep('a?', 200), 'x')",
		"string.match(string.rep('ab', 150), string.rep('a?b?', 100))",
		"string.match(string.rep('x', 199) .. '(', string.rep('x?', 199) .. '%(')",
		"string.match(string.rep('x', 200), string.rep('x?', 199) .. '[')",
		"string.match(string.rep('x', 200), string.rep('x?', 200) .. '[')",
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		both(cases[i]);
	KB_CHECK(strstr(both("string.find(string.rep('a', 300), string.rep('a?', 200))"), "pattern too complex"));
}

static void test_luapattern__long_patterns_and_subjects(void)
{
	/* patterns longer than the items kept on the C stack, subjects with every byte */
	static const char *const cases[] = {
		"string.find(string.rep('ab', 1000) .. 'c', string.rep('ab', 100) .. 'c')",
		"string.find(string.rep('ab', 1000) .. 'c', string.rep('a.', 100) .. 'c')",
		"string.match(string.rep('a', 5000), string.rep('%a', 60) .. '(.*)')",
		"#string.gsub(string.rep('hello ', 2000), '%w+', '%0%0')",
		"string.gsub(string.rep('(x)', 50), '%b()', '')",
		"string.find(string.rep('a', 1000), string.rep('a', 100) .. '[', 1)",
		"string.find(string.rep('a', 1000), string.rep('b', 100) .. '[', 1)",
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		both(cases[i]);
}

/* ---- random patterns ---- */

static uint64_t g_rand = 0x9E3779B97F4A7C15u;

static unsigned rnd(unsigned n)
{
	g_rand ^= g_rand << 13;
	g_rand ^= g_rand >> 7;
	g_rand ^= g_rand << 17;
	return (unsigned)(g_rand % n);
}

static const char *pick(const char *const *v, size_t n)
{
	return v[rnd((unsigned)n)];
}

static void set_string(const char *name, const char *s, size_t len)
{
	lua_pushlstring(g_stock, s, len);
	lua_setglobal(g_stock, name);
	lua_pushlstring(g_ours, s, len);
	lua_setglobal(g_ours, name);
}

static void set_integer_or_nil(const char *name, int has, long v)
{
	lua_State *states[2] = { g_stock, g_ours };
	for (int i = 0; i < 2; i++) {
		if (has)
			lua_pushinteger(states[i], v);
		else
			lua_pushnil(states[i]);
		lua_setglobal(states[i], name);
	}
}

static void test_luapattern__random_patterns_agree_with_lua(void)
{
	static const char *const tokens[] = {
		"a",     "b",       "c",    ".",      "%a",    "%d",     "%s",     "%w",     "%A",    "%p",    "%x",
		"%z",    "%%",      "%.",   "[ab]",   "[^a]",  "[a-c]",  "[%a_]",  "[]]",    "[^]a]", "[a-]",  "[-a]",
		"[a%-z]", "*",      "+",    "-",      "?",     "(",      ")",      "()",     "%1",    "%2",    "%0",
		"%b()",  "%bab",    "%f[%w]", "%f[%W]", "%f[a]", "^",     "$",      "[",      "%",     "]",     "x",
		" ",     "%b",      "%f",   "[%",     "%g",    "%c",     "%u",     "%l",     "1",     "(a)",   "(.-)",
		"a*",    "b+",      ".-",   "[ab]*",  "%d+",   "%s*",    "(%a+)",  "%f[%a]", "\x01",  "[\x01-a]",
	};
	static const char *const repls[] = { "%0", "%1", "<%2>", "x", "%%", "%", "%x", "", "[%1|%0]", "%3", "%\\0" };
	static const char subject_bytes[] = "aabbc( ) 1x._-%]\x01\0\xE6"; /* and a NUL */
	setup();
	if (!g_stock || !g_ours)
		return;
	int mismatches = 0;
	for (int round = 0; round < 40000 && mismatches < 10; round++) {
		char pat[256] = "", subj[32];
		size_t sl = rnd(15);
		int ntok = (int)rnd(7);
		for (int t = 0; t < ntok; t++) {
			const char *tok = pick(tokens, sizeof tokens / sizeof tokens[0]);
			strncat(pat, tok, sizeof pat - strlen(pat) - 1);
		}
		for (size_t k = 0; k < sl; k++)
			subj[k] = subject_bytes[rnd(sizeof subject_bytes - 1)];
		set_string("S", subj, sl);
		set_string("P", pat, strlen(pat));
		set_integer_or_nil("I", rnd(3) == 0, (long)rnd(22) - 6);
		set_integer_or_nil("N", rnd(3) == 0, (long)rnd(5) - 1);
		set_integer_or_nil("PLAIN", rnd(8) == 0, 1);
		static const char *const kinds[] = { "s", "s", "s", "f", "t", "n", "x" };
		const char *kind = pick(kinds, sizeof kinds / sizeof kinds[0]);
		const char *r = kind[0] == 's' ? pick(repls, sizeof repls / sizeof repls[0]) : kind;
		set_string("R", r, strlen(r));
		static const char *const calls[] = { "return FIND()", "return MATCH()", "return GMATCH()",
			                             "return GSUB()" };
		const char *call = calls[rnd(4)];
		char a[8192], b[8192];
		run_chunk(g_stock, call, a, sizeof a);
		run_chunk(g_ours, call, b, sizeof b);
		if (strcmp(a, b) != 0) {
			fprintf(stderr, "  %s with S=\"%.*s\" P=\"%s\" R=\"%s\"\n    stock: %s\n    ours:  %s\n", call,
			        (int)sl, subj, pat, r, a, b);
			mismatches++;
		}
	}
	KB_CHECK_INT(mismatches, 0);
}

/* ---- the budget ---- */

static int g_checks, g_check_limit;

static void counting_check(lua_State *L)
{
	if (++g_checks >= g_check_limit)
		luaL_error(L, "stopped by the check");
}

static unsigned long g_epoch;

static unsigned long current_epoch(lua_State *L)
{
	(void)L;
	return g_epoch;
}

static const kb_luapattern_hooks counting = { counting_check, current_epoch };

/* Runs expr in a state with the counting check that stops at limit; returns RUN's description (static buffer). */
static const char *stopped(const char *expr, int limit)
{
	static char out[4096];
	char chunk[4096];
	lua_State *L = new_state(1, &counting);
	g_checks = 0;
	g_check_limit = limit;
	snprintf(chunk, sizeof chunk, "return RUN(function() return %s end)", expr);
	run_chunk(L, chunk, out, sizeof out);
	lua_close(L);
	return out;
}

static void test_luapattern__the_check_stops_the_pattern_bombs(void)
{
	static const char *const bombs[] = {
		"string.find(string.rep('a', 300), 'a*a*a*a*a*b')",
		"string.match(string.rep('a', 300), 'a*a*a*a*a*b')",
		"string.gsub(string.rep('a', 300), 'a*a*a*a*a*b', 'x')",
		"(function() for x in string.gmatch(string.rep('a', 300), 'a-a-a-a-a-b') do end end)()",
		"string.find(string.rep('a', 300), '(a*)*b')",
		"string.find(string.rep('a', 1000000), string.rep('a', 10000) .. 'b', 1, true)",
		"string.find(string.rep('(', 100000), string.rep('%b()', 10))",
		"string.find(string.rep('a', 100000), string.rep('(.-)', 30) .. 'b')",
		"(string.rep('x', 300)):find('x*x*x*x*x*y')",
	};
	for (size_t i = 0; i < sizeof bombs / sizeof bombs[0]; i++) {
		const char *got = stopped(bombs[i], 50);
		if (!strstr(got, "stopped by the check"))
			fprintf(stderr, "  %s: %s\n", bombs[i], got);
		KB_CHECK(strstr(got, "2: false, ") && strstr(got, "stopped by the check\""));
		KB_CHECK_INT(g_checks, 50);
	}
}

static void test_luapattern__ordinary_matches_barely_call_the_check(void)
{
	const char *got = stopped("string.gsub('Du har søgt om hjælp.', '%f[%w]%w+', string.upper)", 1);
	KB_CHECK_STR(got, "3: true, \"DU HAR SøGT OM HJæLP.\", integer 7");
	KB_CHECK_INT(g_checks, 0);
	/* a long subject is checked as it is scanned: once per KB_LUAPATTERN_STEPS steps or so */
	got = stopped("#string.rep('a', 100000):gsub('b', '')", 1000000);
	KB_CHECK_STR(got, "2: true, integer 100000");
	KB_CHECK(g_checks >= 100000 / KB_LUAPATTERN_STEPS && g_checks <= 4 * (100000 / KB_LUAPATTERN_STEPS) + 4);
}

static void test_luapattern__hostile_patterns_do_not_overflow_the_c_stack(void)
{
	/* deep nesting is refused, wide patterns are compiled into Lua memory: neither touches the C stack */
	static const char *const cases[] = {
		"string.find(string.rep('a', 1000000), string.rep('a?', 1000000))",
		"string.find(string.rep('(', 1000000), string.rep('(', 1000000))",
		"string.find(string.rep('a', 1000000), string.rep('[a]', 300000))",
		"string.gsub(string.rep('a', 1000000), string.rep('%f[a]', 100000), '')",
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *got = stopped(cases[i], 1000000);
		KB_CHECK(strstr(got, "true") || strstr(got, "pattern too complex") || strstr(got, "too many captures"));
	}
	KB_CHECK(strstr(stopped("string.find(string.rep('a', 1000000), string.rep('a?', 1000000))", 1000000),
	                "pattern too complex"));
}

static void test_luapattern__gmatch_iterator_of_another_epoch_refuses_to_run(void)
{
	lua_State *L = new_state(1, &counting);
	char out[1024];
	g_checks = 0;
	g_check_limit = 1000000;
	g_epoch = 1;
	run_chunk(L, "IT = string.gmatch('a b c', '%a') return RUN(IT)", out, sizeof out);
	KB_CHECK_STR(out, "2: true, \"a\"");
	g_epoch = 2;
	run_chunk(L, "return RUN(IT)", out, sizeof out);
	KB_CHECK(strstr(out, "false, \"denne string.gmatch-løkke hører til et tidligere brev; en regel kan ikke "
	                     "gemme løkker fra brev til brev (kald string.gmatch, hvor løkken står)\""));
	run_chunk(L, "IT = string.gmatch('a b c', '%a') return RUN(IT)", out, sizeof out);
	KB_CHECK_STR(out, "2: true, \"a\"");
	lua_close(L);
}

static void test_luapattern__zz_teardown(void)
{
	if (g_stock)
		lua_close(g_stock);
	if (g_ours)
		lua_close(g_ours);
	g_stock = g_ours = NULL;
}

KB_TESTS(KB_TEST(test_luapattern__find_plain_and_init), KB_TEST(test_luapattern__character_classes),
         KB_TEST(test_luapattern__sets), KB_TEST(test_luapattern__quantifiers_and_anchors),
         KB_TEST(test_luapattern__captures_and_back_references), KB_TEST(test_luapattern__balance_and_frontier),
         KB_TEST(test_luapattern__gmatch), KB_TEST(test_luapattern__gsub_replacements),
         KB_TEST(test_luapattern__pattern_too_complex_at_the_same_depth),
         KB_TEST(test_luapattern__long_patterns_and_subjects),
         KB_TEST(test_luapattern__random_patterns_agree_with_lua),
         KB_TEST(test_luapattern__the_check_stops_the_pattern_bombs),
         KB_TEST(test_luapattern__ordinary_matches_barely_call_the_check),
         KB_TEST(test_luapattern__hostile_patterns_do_not_overflow_the_c_stack),
         KB_TEST(test_luapattern__gmatch_iterator_of_another_epoch_refuses_to_run),
         KB_TEST(test_luapattern__zz_teardown))
