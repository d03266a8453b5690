/*
 * Inside the file scanner: what a worker hands to the output side for one
 * file. Everything is copied, since the worker's buffers move on to the
 * next file while the report waits its turn.
 */
#ifndef WARD_FILES_INTERNAL_H
#define WARD_FILES_INTERNAL_H

#include <stddef.h>
#include <string.h>

#include "ward/files.h"

#define FILES_MAX_ITEMS 32
#define FILES_ITEM_EVIDENCE 4

struct files_item {
	const struct ward_check *check;
	long line;
	char what[256];
	char evidence[256];
	char object_kind[16];
	char object[256];
	const char *keys[FILES_ITEM_EVIDENCE]; /* static strings */
	char values[FILES_ITEM_EVIDENCE][256];
	size_t n_kv;
};

struct files_report {
	char *path;
	unsigned flags;
	struct files_item *items; /* allocated on the first finding */
	size_t n_items;
	int skipped, failed;
	char error[160];
	uint64_t bytes;
};

/* Scans rep->path into rep (files_scan.c). */
void files_scan_report(struct ward_files_worker *w, struct files_report *rep);
/* Delivers rep's findings and error through the callbacks, adds to st, and frees
 * rep's contents (not rep). */
void files_report_emit(struct files_report *rep, ward_files_finding_fn fn, ward_files_error_fn efn,
		       void *ctx, struct ward_files_stats *st);

void files_yara_set_name(struct ward_yara_scanner *s, const char *path);

/* The last component of path (after its last '/'). */
static inline const char *
files_base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* Copies src into dst[size], cut to fit and always terminated. */
static inline void
files_copy(char *dst, size_t size, const char *src)
{
	size_t n = strnlen(src, size - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

#endif
