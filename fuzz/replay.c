/*
 * Corpus replay: the main() that normal builds link with each fuzz target,
 * so every build runs the seed corpus and the kept crash reproducers as a
 * test. Arguments are files or directories (read one level deep, in name
 * order, skipping dot files). Each input is copied into a buffer of exactly
 * its size so that sanitizer builds catch reads past the end. Exits 1 when
 * an input cannot be read or no input was found.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
replay_file(const char *path)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *buf = NULL;
	struct stat st;
	size_t size;
	int rc = -1;

	if (!fp) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (fstat(fileno(fp), &st) < 0 || !S_ISREG(st.st_mode))
		goto out;
	size = (size_t)st.st_size;
	/* malloc(0) may return NULL; keep one spare byte that is never passed on. */
	buf = malloc(size ? size : 1);
	if (!buf || fread(buf, 1, size, fp) != size)
		goto out;
	fprintf(stderr, "replay: %s (%zu bytes)\n", path, size);
	LLVMFuzzerTestOneInput(buf, size);
	rc = 0;
out:
	if (rc < 0)
		fprintf(stderr, "replay: %s: read error or not a regular file\n", path);
	free(buf);
	fclose(fp);
	return rc;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
replay_dir(const char *dir, unsigned long *count)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL, **grown, path[4096];
	size_t n = 0, i;
	int rc = 0;

	if (!d) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		grown = realloc(names, (n + 1) * sizeof(*names));
		if (!grown || !(grown[n] = strdup(e->d_name))) {
			names = grown ? grown : names;
			fprintf(stderr, "replay: %s: out of memory\n", dir);
			rc = -1;
			break;
		}
		names = grown;
		n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), by_name);
	for (i = 0; i < n && rc == 0; i++) {
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, names[i]) >= sizeof(path)) {
			fprintf(stderr, "replay: %s/%s: path too long\n", dir, names[i]);
			rc = -1;
		} else if (replay_file(path) < 0) {
			rc = -1;
		} else {
			(*count)++;
		}
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

int
main(int argc, char **argv)
{
	unsigned long count = 0;
	struct stat st;
	int i, failed = 0;

	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) < 0) {
			fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
			failed = 1;
		} else if (S_ISDIR(st.st_mode)) {
			failed |= replay_dir(argv[i], &count) < 0;
		} else if (replay_file(argv[i]) < 0) {
			failed = 1;
		} else {
			count++;
		}
	}
	printf("replayed %lu inputs\n", count);
	if (count == 0 && !failed) {
		fprintf(stderr, "replay: no inputs (usage: %s FILE|DIR...)\n", argv[0]);
		failed = 1;
	}
	return failed ? 1 : 0;
}
