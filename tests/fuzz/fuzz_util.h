/*
 * fuzz_util.h -- small helpers shared by the fuzz targets in tests/fuzz/: a private scratch folder for the
 * functions that only take paths (DOCX letters and templates), writing a file, a hash and a random stream derived
 * from the input (so each input always takes the same path), and splitting an input into NUL-separated pieces.
 *
 * Everything is static: each fuzz_*.c includes this once and is linked either with libFuzzer or with replay.c.
 */
#ifndef KB_FUZZ_UTIL_H
#define KB_FUZZ_UTIL_H

#include <ftw.h>
#include <sys/stat.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char kbf_dir[256];

static inline int kbf_rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static inline void kbf_cleanup(void)
{
	if (kbf_dir[0])
		nftw(kbf_dir, kbf_rm_one, 16, FTW_DEPTH | FTW_PHYS);
	kbf_dir[0] = '\0';
}

/* The process's scratch folder (in /dev/shm when it can, so writing a DOCX costs no disk I/O); removed at exit. */
static inline const char *kbf_scratch(void)
{
	if (kbf_dir[0])
		return kbf_dir;
	const char *bases[] = { getenv("KB_FUZZ_TMP"), "/dev/shm", getenv("TMPDIR"), "/tmp" };
	for (size_t i = 0; i < sizeof bases / sizeof bases[0]; i++) {
		if (!bases[i] || access(bases[i], W_OK) != 0)
			continue;
		snprintf(kbf_dir, sizeof kbf_dir, "%s/kbfuzz-XXXXXX", bases[i]);
		if (mkdtemp(kbf_dir)) {
			atexit(kbf_cleanup);
			return kbf_dir;
		}
	}
	fprintf(stderr, "fuzz: no writable scratch folder\n");
	abort();
}

/* scratch/name, in a static buffer per slot (0..3). */
static inline const char *kbf_path(int slot, const char *name)
{
	static char paths[4][512];
	snprintf(paths[slot], sizeof paths[slot], "%s/%s", kbf_scratch(), name);
	return paths[slot];
}

static inline int kbf_write(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	size_t w = len ? fwrite(data, 1, len, f) : 0;
	int rc = fclose(f);
	return w == len && rc == 0 ? 0 : -1;
}

/* FNV-1a over the input: the seed of the input's own random stream. */
static inline uint64_t kbf_hash(const uint8_t *data, size_t size)
{
	uint64_t h = 1469598103934665603u;
	for (size_t i = 0; i < size; i++) {
		h ^= data[i];
		h *= 1099511628211u;
	}
	return h;
}

/* splitmix64 */
static inline uint64_t kbf_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9E3779B97F4A7C15u);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
	return z ^ (z >> 31);
}

static inline size_t kbf_below(uint64_t *state, size_t n)
{
	return n ? (size_t)(kbf_next(state) % n) : 0;
}

/* The i-th NUL-separated piece of data (i from 0); an absent piece is empty and *present is 0. */
static inline const uint8_t *kbf_piece(const uint8_t *data, size_t size, int i, size_t *len, int *present)
{
	size_t start = 0;
	for (int k = 0; k < i; k++) {
		const uint8_t *nul = memchr(data + start, 0, size - start);
		if (!nul) {
			*len = 0;
			if (present)
				*present = 0;
			return data + size;
		}
		start = (size_t)(nul - data) + 1;
	}
	const uint8_t *nul = memchr(data + start, 0, size - start);
	*len = nul ? (size_t)(nul - (data + start)) : size - start;
	if (present)
		*present = 1;
	return data + start;
}

#endif
