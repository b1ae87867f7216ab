/* test_luamsg.c -- Lua's messages in Danish: Lua's words in, what the report of a broken plugin says out. */
#include "kbtest.h"
#include "luamsg.h"

#include <lauxlib.h>
#include <lualib.h>

/* The Danish form of msg, in a static buffer. */
static const char *danish(const char *msg)
{
	static char out[1024];
	kb_buf b;
	kb_buf_init(&b, sizeof out);
	int rc = kb_luamsg_danish(&b, msg, strlen(msg));
	snprintf(out, sizeof out, "%s", rc ? "(fejl)" : b.data ? b.data : "");
	kb_buf_free(&b);
	return out;
}

static const char *const cases[][2] = {
    /* bad argument, with the helper's name (the plugin host puts the full name in), without, and for a method */
    {"bad argument #2 to 'klarbrev.find' (string expected, got nil)",
     "klarbrev.find: argument 2 skal være en tekst, men er nil"},
    {"bad argument #2 to '?' (string expected, got nil)", "argument 2 skal være en tekst, men er nil"},
    {"bad argument #1 to 'string.rep' (number expected, got no value)",
     "string.rep: argument 1 skal være et tal, men mangler"},
    {"bad argument #2 to 'setmetatable' (nil or table expected, got boolean)",
     "setmetatable: argument 2 skal være nil eller en tabel, men er en sand/falsk-værdi"},
    {"bad argument #1 to 'string.char' (value out of range)",
     "string.char: argument 1 er uden for det tilladte område"},
    {"bad argument #1 to 'math.floor' (number has no integer representation)",
     "math.floor: argument 1 skal være et heltal"},
    {"bad argument #1 to 'os.date' (invalid option '%Ez')", "os.date: argument 1: ugyldigt valg '%Ez'"},
    {"bad argument #1 to 'tostring' (value expected)", "tostring: argument 1 mangler"},
    {"bad argument #2 to 'string.find' (malformed pattern (ends with '%'))",
     "string.find: argument 2: ugyldigt mønster (slutter med '%')"},
    {"calling 'upper' on bad self (string expected, got table)",
     "upper: værdien før ':' skal være en tekst, men er en tabel"},
    /* the virtual machine */
    {"attempt to index a nil value (field 'adresse')", "kan ikke slå et felt op i nil (feltet 'adresse')"},
    {"attempt to call a nil value (global 'hjaelp')", "kan ikke kalde nil (den globale variabel 'hjaelp')"},
    {"attempt to call a table value (method 'find')", "kan ikke kalde en tabel (metoden 'find')"},
    {"attempt to perform arithmetic on a string value (local 'n')",
     "kan ikke regne med en tekst (den lokale variabel 'n')"},
    {"attempt to concatenate a nil value (upvalue 'navn')",
     "kan ikke sætte tekst sammen med nil (den ydre variabel 'navn')"},
    {"attempt to get length of a number value", "kan ikke tage længden af et tal"},
    {"attempt to compare two klarbrev.Word values", "kan ikke sammenligne to værdier af typen klarbrev.Word"},
    {"attempt to compare number with nil", "kan ikke sammenligne et tal med nil"},
    {"attempt to compare two table values", "kan ikke sammenligne to tabeller"},
    {"attempt to index a klarbrev.Word value (local 'w')",
     "kan ikke slå et felt op i klarbrev.Word (den lokale variabel 'w')"},
    {"attempt to perform 'n%0'", "kan ikke tage rest ved division med 0"},
    {"'for' initial value must be a number", "'for': startværdien skal være et tal"},
    {"stack overflow", "stakken er løbet over (kalder en funktion sig selv uden ende?)"},
    {"table index is nil", "en nøgle i en tabel kan ikke være nil"},
    /* syntax */
    {"'end' expected (to close 'function' at line 1) near <eof>",
     "der mangler 'end' (til at lukke 'function' fra linje 1) ved slutningen af filen"},
    {"'=' expected near 'x'", "der mangler '=' ved 'x'"},
    {"unexpected symbol near '}'", "uventet tegn ved '}'"},
    {"unfinished string near '\"Hej'", "en tekst i anførselstegn er ikke afsluttet ved '\"Hej'"},
    {"malformed number near '3x'", "ugyldigt tal ved '3x'"},
    /* a position from a library file stays; the words after it are translated */
    {"plugins/lib/tekst.lua:7: attempt to index a nil value (local 's')",
     "plugins/lib/tekst.lua:7: kan ikke slå et felt op i nil (den lokale variabel 's')"},
    /* a plugin's own message, and Danish ones, are left as they are */
    {"Listen er tom", "Listen er tom"},
    {"tidsgrænsen på 2000 ms er overskredet", "tidsgrænsen på 2000 ms er overskredet"},
    {"", ""},
};

static void test_luamsg__lua_messages_become_danish(void)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		KB_CHECK_STR(danish(cases[i][0]), cases[i][1]);
}

static void test_luamsg__type_names_have_danish_articles(void)
{
	KB_CHECK_STR(kb_luamsg_type("string"), "en tekst");
	KB_CHECK_STR(kb_luamsg_type("number"), "et tal");
	KB_CHECK_STR(kb_luamsg_type("nil"), "nil");
	KB_CHECK_STR(kb_luamsg_type("klarbrev.Sentence"), "klarbrev.Sentence");
}

static void test_luamsg__a_long_message_stops_at_the_buffer_cap(void)
{
	char msg[600];
	memset(msg, 'x', sizeof msg - 1);
	msg[sizeof msg - 1] = '\0';
	kb_buf b;
	kb_buf_init(&b, 100);
	KB_CHECK(kb_luamsg_danish(&b, msg, strlen(msg)) != 0);
	kb_buf_free(&b);
}

static void test_luamsg__a_full_buffer_returns_the_buffer_s_code(void)
{
	/* a message that is translated piece by piece: the error of the piece that did not fit, not 1 */
	static const char msg[] = "attempt to index a nil value (local 'forholdsvis_langt_navn')";
	kb_buf b;
	kb_buf_init(&b, 30);
	KB_CHECK_INT(kb_luamsg_danish(&b, msg, strlen(msg)), KB_ELIMIT);
	kb_buf_free(&b);
	kb_buf_init(&b, 1000);
	KB_CHECK_INT(kb_luamsg_danish(&b, msg, strlen(msg)), KB_OK);
	kb_buf_free(&b);
}

/* What the message handler below saw: how many values kb_luamsg_name_raiser() left, and the message it gave. */
static int raiser_pushed;
static char raiser_msg[256];

static int raiser_msgh(lua_State *L)
{
	int top = lua_gettop(L);
	const char *m = kb_luamsg_name_raiser(L, lua_tostring(L, 1));
	raiser_pushed = lua_gettop(L) - top;
	snprintf(raiser_msg, sizeof raiser_msg, "%s", m ? m : "(null)");
	return 1;
}

static int raiser_unnamed(lua_State *L)
{
	luaL_checkstring(L, 1);
	return 0;
}

/* Runs code under raiser_msgh in a state whose functions are named; its argument (...) is a C function that is in no
 * table, so neither Lua nor the names know what to call it. */
static void raiser_run(const char *code)
{
	lua_State *L = luaL_newstate();
	luaL_openlibs(L);
	kb_luamsg_name_functions(L);
	raiser_pushed = -1;
	raiser_msg[0] = '\0';
	lua_pushcfunction(L, raiser_msgh);
	KB_CHECK_INT(luaL_loadstring(L, code), LUA_OK);
	lua_pushcfunction(L, raiser_unnamed);
	KB_CHECK(lua_pcall(L, 1, 0, 1) != LUA_OK);
	lua_close(L);
}

static void test_luamsg__name_raiser_pushes_exactly_one_value(void)
{
	raiser_run("local f = string.rep; f()"); /* a named function: its name replaces Lua's '?' */
	KB_CHECK_INT(raiser_pushed, 1);
	KB_CHECK(strstr(raiser_msg, "bad argument #1 to 'string.rep'") != NULL);
	raiser_run("local f = ...; f()"); /* a C function with no name: the message as Lua made it */
	KB_CHECK_INT(raiser_pushed, 1);
	KB_CHECK(strstr(raiser_msg, "bad argument #1 to 'f' (string expected, got no value)") != NULL);
	raiser_run("error('egen fejl')"); /* no bad argument at all */
	KB_CHECK_INT(raiser_pushed, 1);
	KB_CHECK(strstr(raiser_msg, "egen fejl") != NULL);
}

static void test_luamsg__globals_are_named_without_g_even_with_g_in_the_globals(void)
{
	raiser_run("local f = tostring; f()");
	KB_CHECK(strstr(raiser_msg, "bad argument #1 to 'tostring'") != NULL);
	raiser_run("local f = select; f('x')");
	KB_CHECK(strstr(raiser_msg, "bad argument #1 to 'select'") != NULL);
}

KB_TESTS(KB_TEST(test_luamsg__lua_messages_become_danish), KB_TEST(test_luamsg__type_names_have_danish_articles),
         KB_TEST(test_luamsg__a_long_message_stops_at_the_buffer_cap),
         KB_TEST(test_luamsg__a_full_buffer_returns_the_buffer_s_code),
         KB_TEST(test_luamsg__name_raiser_pushes_exactly_one_value),
         KB_TEST(test_luamsg__globals_are_named_without_g_even_with_g_in_the_globals))
