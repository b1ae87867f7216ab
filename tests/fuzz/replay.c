/*
 * replay.c -- runs a fuzz target without libFuzzer: each argument is a file, or a folder whose files (not its
 * subfolders) are read in name order, and each file is passed to LLVMFuzzerTestOneInput once. Linked with one
 * fuzz_*.c, this is the ctest fuzz/replay_<target>: every seed and every regression input in tests/fuzz runs in the
 * normal and the sanitizer builds, with gcc, with no fuzzer installed. Exits 1 when an argument cannot be read; a
 * bug in the target shows as a crash, an abort or a sanitizer report.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "replay: cannot open %s\n", path);
		return 1;
	}
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0;
	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 65536;
			uint8_t *nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				return 1;
			}
			buf = nb;
		}
		size_t got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (got == 0)
			break;
	}
	int err = ferror(f);
	fclose(f);
	if (err) {
		free(buf);
		fprintf(stderr, "replay: cannot read %s\n", path);
		return 1;
	}
	/* an exact-size copy, so that reading past the input is caught by AddressSanitizer as under libFuzzer */
	uint8_t *exact = malloc(len ? len : 1);
	if (!exact) {
		free(buf);
		return 1;
	}
	memcpy(exact, buf, len);
	free(buf);
	printf("replay: %s (%zu bytes)\n", path, len);
	fflush(stdout);
	LLVMFuzzerTestOneInput(exact, len);
	free(exact);
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	int bad = 0;
	size_t runs = 0;
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) != 0) {
			fprintf(stderr, "replay: %s does not exist\n", argv[i]);
			bad = 1;
			continue;
		}
		if (!S_ISDIR(st.st_mode)) {
			bad |= run_file(argv[i]);
			runs++;
			continue;
		}
		DIR *d = opendir(argv[i]);
		if (!d) {
			fprintf(stderr, "replay: cannot read folder %s\n", argv[i]);
			bad = 1;
			continue;
		}
		char **names = NULL;
		size_t n = 0, cap = 0;
		struct dirent *de;
		while ((de = readdir(d))) {
			char path[4096];
			if (de->d_name[0] == '.')
				continue;
			snprintf(path, sizeof path, "%s/%s", argv[i], de->d_name);
			if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 64;
				char **nn = realloc(names, cap * sizeof *names);
				if (!nn)
					abort();
				names = nn;
			}
			if (!(names[n++] = strdup(path)))
				abort();
		}
		closedir(d);
		if (n)
			qsort(names, n, sizeof *names, by_name);
		for (size_t k = 0; k < n; k++) {
			bad |= run_file(names[k]);
			runs++;
			free(names[k]);
		}
		free(names);
	}
	printf("replay: %zu inputs\n", runs);
	return bad;
}
