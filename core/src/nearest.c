/*
 * nearest.c -- "did you mean": the name nearest to a mistyped one, for messages about unknown commands, options,
 * config sections, keys, plugins, rules and partials. Counted in characters, so æ, ø and å are one edit, not two.
 */
#include "internal.h"
#include "utf8.h"

#include <stdint.h>
#include <string.h>

#define NEAR_MAX_CHARS 64

/* Decodes s into lower-cased code points (at most NEAR_MAX_CHARS). Returns the count, or SIZE_MAX when s is longer. */
static size_t near_decode(uint32_t *out, const char *s)
{
	size_t len = strlen(s), n = 0;
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		i += kb_utf8_decode(s + i, len - i, &cp);
		if (n == NEAR_MAX_CHARS)
			return SIZE_MAX;
		out[n++] = kb_uc_tolower(cp);
	}
	return n;
}

size_t kb_nearest_distance(const char *a, const char *b)
{
	uint32_t ca[NEAR_MAX_CHARS], cb[NEAR_MAX_CHARS];
	size_t la = near_decode(ca, a), lb = near_decode(cb, b);
	if (la == SIZE_MAX || lb == SIZE_MAX)
		return SIZE_MAX;
	/* optimal string alignment: Levenshtein plus the swap of two neighbours, three rows kept */
	size_t rows[3][NEAR_MAX_CHARS + 1];
	size_t *prev2 = rows[0], *prev = rows[1], *cur = rows[2];
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t best = prev[j - 1] + (ca[i - 1] != cb[j - 1]);
			if (prev[j] + 1 < best)
				best = prev[j] + 1;
			if (cur[j - 1] + 1 < best)
				best = cur[j - 1] + 1;
			if (i > 1 && j > 1 && ca[i - 1] == cb[j - 2] && ca[i - 2] == cb[j - 1] && prev2[j - 2] + 1 < best)
				best = prev2[j - 2] + 1;
			cur[j] = best;
		}
		size_t *t = prev2;
		prev2 = prev;
		prev = cur;
		cur = t;
	}
	return prev[lb];
}

size_t kb_nearest_limit(const char *key)
{
	size_t klen = kb_utf8_count_chars(key, strlen(key));
	size_t limit = klen <= 4 ? 1 : klen <= 8 ? 2 : 3;
	if (limit * 2 > klen)
		limit = klen / 2;
	return limit;
}

const char *kb_nearest_name(const char *key, const char *const *names)
{
	if (!key || !names)
		return NULL;
	size_t limit = kb_nearest_limit(key);
	const char *best = NULL;
	size_t bestd = SIZE_MAX;
	for (size_t i = 0; names[i]; i++) {
		size_t d = kb_nearest_distance(key, names[i]);
		if (d < bestd) {
			bestd = d;
			best = names[i];
		}
	}
	return bestd <= limit ? best : NULL;
}
