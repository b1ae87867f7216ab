/*
 * kbtest.h -- the unit-test harness: each test is a function registered in a table; main runs them all (or those
 * whose names contain argv[1]) and prints one line per failure and a closing "N passed, N failed" line.
 *
 *   static void test_textmodel__ordinal_does_not_end_sentence(void) { KB_CHECK_INT(n, 1); }
 *   KB_TESTS(KB_TEST(test_textmodel__ordinal_does_not_end_sentence), ...)
 */
#ifndef KBTEST_H
#define KBTEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int kbt_failures_in_test;

#define KB_CHECK(cond)                                                                                            \
	do {                                                                                                      \
		if (!(cond)) {                                                                                    \
			fprintf(stderr, "  %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);              \
			kbt_failures_in_test++;                                                                   \
		}                                                                                                 \
	} while (0)

#define KB_CHECK_INT(got, want)                                                                                   \
	do {                                                                                                      \
		long long kbt_g = (long long)(got), kbt_w = (long long)(want);                                    \
		if (kbt_g != kbt_w) {                                                                             \
			fprintf(stderr, "  %s:%d: %s is %lld, want %lld\n", __FILE__, __LINE__, #got, kbt_g, kbt_w); \
			kbt_failures_in_test++;                                                                   \
		}                                                                                                 \
	} while (0)

#define KB_CHECK_STR(got, want)                                                                                   \
	do {                                                                                                      \
		const char *kbt_g = (got), *kbt_w = (want);                                                       \
		if (!kbt_g || !kbt_w || strcmp(kbt_g, kbt_w) != 0) {                                              \
			fprintf(stderr, "  %s:%d: %s is \"%s\", want \"%s\"\n", __FILE__, __LINE__, #got,          \
			        kbt_g ? kbt_g : "(null)", kbt_w ? kbt_w : "(null)");                              \
			kbt_failures_in_test++;                                                                   \
		}                                                                                                 \
	} while (0)

#define KB_CHECK_DBL(got, want, eps)                                                                              \
	do {                                                                                                      \
		double kbt_g = (got), kbt_w = (want);                                                             \
		if (!(kbt_g - kbt_w <= (eps) && kbt_w - kbt_g <= (eps))) {                                        \
			fprintf(stderr, "  %s:%d: %s is %.4f, want %.4f\n", __FILE__, __LINE__, #got, kbt_g, kbt_w); \
			kbt_failures_in_test++;                                                                   \
		}                                                                                                 \
	} while (0)

/* Paths to shared/ and the source tree, set by CMake (KB_TEST_SHARED_DIR, KB_TEST_SOURCE_DIR). */
#ifndef KB_TEST_SHARED_DIR
#define KB_TEST_SHARED_DIR "../shared"
#endif
#ifndef KB_TEST_SOURCE_DIR
#define KB_TEST_SOURCE_DIR "."
#endif

typedef struct {
	const char *name;
	void (*fn)(void);
} kbt_case;

#define KB_TEST(f) { #f, f }

#define KB_TESTS(...)                                                                                             \
	static const kbt_case kbt_cases[] = { __VA_ARGS__ };                                                      \
	int main(int argc, char **argv)                                                                           \
	{                                                                                                         \
		int passed = 0, failed = 0;                                                                       \
		for (size_t i = 0; i < sizeof kbt_cases / sizeof kbt_cases[0]; i++) {                             \
			if (argc > 1 && !strstr(kbt_cases[i].name, argv[1]))                                      \
				continue;                                                                         \
			kbt_failures_in_test = 0;                                                                 \
			kbt_cases[i].fn();                                                                        \
			if (kbt_failures_in_test) {                                                               \
				fprintf(stderr, "FAIL %s\n", kbt_cases[i].name);                                  \
				failed++;                                                                         \
			} else {                                                                                  \
				passed++;                                                                         \
			}                                                                                         \
		}                                                                                                 \
		printf("%d passed, %d failed\n", passed, failed);                                                 \
		return failed ? 1 : 0;                                                                            \
	}

#endif
