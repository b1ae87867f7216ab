/* test_nearest.c -- the "did you mean" helper shared by the messages about commands, options, config files, plugins
 * and partials. */
#include "internal.h"
#include "kbtest.h"

#include <stdint.h>

static const char *const commands[] = { "fill", "check", "export", "text", "inspect", "render", "template", "spell",
	                                "plugin", NULL };

static void test_nearest__mistyped_command_finds_the_command(void)
{
	KB_CHECK_STR(kb_nearest_name("chek", commands), "check");
	KB_CHECK_STR(kb_nearest_name("fil", commands), "fill");
	KB_CHECK_STR(kb_nearest_name("tempalte", commands), "template"); /* two letters swapped: one edit */
	KB_CHECK_STR(kb_nearest_name("Spell", commands), "spell");       /* case does not count */
}

static void test_nearest__unrelated_word_finds_nothing(void)
{
	KB_CHECK(kb_nearest_name("hjælp", commands) == NULL);
	KB_CHECK(kb_nearest_name("x", commands) == NULL);
	KB_CHECK(kb_nearest_name("", commands) == NULL);
	KB_CHECK(kb_nearest_name("ab", (const char *const[]){ "cd", NULL }) == NULL); /* not more than half the word */
}

static void test_nearest__danish_letter_is_one_edit(void)
{
	static const char *const names[] = { "grundlag", "begrundelse", "ørebro", NULL };
	KB_CHECK_INT(kb_nearest_distance("æ", "a"), 1);
	KB_CHECK_INT(kb_nearest_distance("stavnig", "stavning"), 1);
	KB_CHECK_INT(kb_nearest_distance("Øre", "øre"), 0);
	KB_CHECK_STR(kb_nearest_name("orebro", names), "ørebro");
	KB_CHECK_STR(kb_nearest_name("begrundlse", names), "begrundelse");
}

static void test_nearest__config_names(void)
{
	static const char *const rules[] = { "stavning", "stavning-forslag", "ikke-dansk", "readability", NULL };
	static const char *const options[] = { "--delimiters", "--data-dir", "--draft", NULL };
	KB_CHECK_STR(kb_nearest_name("stavnig", rules), "stavning");
	KB_CHECK_STR(kb_nearest_name("--delimiter", options), "--delimiters");
	KB_CHECK_STR(kb_nearest_name("--datadir", options), "--data-dir");
}

static void test_nearest__ties_go_to_the_first_name(void)
{
	KB_CHECK_STR(kb_nearest_name("bat", (const char *const[]){ "cat", "hat", NULL }), "cat");
}

static void test_nearest__no_list_and_long_words_are_safe(void)
{
	char longw[200];
	memset(longw, 'a', sizeof longw - 1);
	longw[sizeof longw - 1] = '\0';
	KB_CHECK(kb_nearest_name("check", NULL) == NULL);
	KB_CHECK(kb_nearest_name(NULL, commands) == NULL);
	KB_CHECK(kb_nearest_distance(longw, "a") == SIZE_MAX);
	KB_CHECK(kb_nearest_name(longw, commands) == NULL);
	KB_CHECK(kb_nearest_name("ch\xFF" "ck", commands) != NULL); /* invalid UTF-8 is one replaced character */
}

KB_TESTS(KB_TEST(test_nearest__mistyped_command_finds_the_command), KB_TEST(test_nearest__unrelated_word_finds_nothing),
         KB_TEST(test_nearest__danish_letter_is_one_edit), KB_TEST(test_nearest__config_names),
         KB_TEST(test_nearest__ties_go_to_the_first_name), KB_TEST(test_nearest__no_list_and_long_words_are_safe))
