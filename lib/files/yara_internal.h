/*
 * Inside ward's YARA front end: the loaded rule set (files_yara.c), the
 * subsets compiled for the files that can match them (yara_subset.c) and
 * the Hyperscan prefilter (yara_prefilter.c).
 */
#ifndef WARD_YARA_INTERNAL_H
#define WARD_YARA_INTERNAL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <yara.h>
#ifdef WARD_HAVE_HYPERSCAN
#include <hs/hs.h>
#endif

#include "ward/files.h"
#include "yara_gate.h"

#define MAX_RULE_FILES 100000
#define MAX_RULE_SOURCE (16u << 20) /* larger rule files are not gated */
#define MAX_GROUPS 64
#define CACHE_MAX_AGE (30 * 24 * 3600) /* seconds */

struct flist {
	char **v;
	size_t n, cap;
};

/* The rules admitting one set of files, compiled together. */
struct group {
	uint64_t *bits; /* which units */
	YR_RULES *rules;
};

/* A rule file's text and what ward read of it. */
struct source {
	char *text;
	struct yara_source ys;
	int parsed;
	size_t first_unit, n_units;
};

/* What a file is admitted to: one part of a rule's condition, or a rule
 * file ward did not read. */
struct unit {
	const struct yara_gate *gate; /* NULL: the whole file, every file admitted */
	const struct yara_part *part; /* NULL with it */
	size_t strf;		      /* its rule's first string in strf[] */
	int has_strf;
};

/* What the prefilter knows of one string: factor ids first..first+n. */
struct string_factors {
	size_t first;
	unsigned n;
	int known;
};

struct ward_yara {
	YR_RULES *rules; /* every rule file */
	int from_cache;
	struct flist files;
	struct source *srcs; /* one per rule file */
	struct unit *units;
	size_t n_units;
	int gating;		     /* 1: some gate is not open */
	int on;			     /* gating and prefilter allowed ([files] yara_gating) */
	struct string_factors *strf; /* every string of every rule read */
	size_t n_strf, n_factors;
#ifdef WARD_HAVE_HYPERSCAN
	hs_database_t *db; /* every known string's factors */
#endif
	size_t words;	       /* uint64_t words in a set of units */
	char cache_base[4200]; /* "" without a cache */
	pthread_mutex_t mu;    /* guards groups */
	struct group groups[MAX_GROUPS];
	unsigned n_groups;
};

struct ward_yara_scanner {
	struct ward_yara *y;
	YR_SCANNER *all;
	YR_SCANNER *group[MAX_GROUPS];
	int timeout;
	uint64_t *bits;
	uint64_t *found; /* factors found in the file */
	const char *path;
#ifdef WARD_HAVE_HYPERSCAN
	hs_scratch_t *scratch;
#endif
	ward_yara_match_fn fn;
	void *ctx;
};

/* Compile messages go to fn; errors are counted. */
struct yara_cb {
	ward_yara_error_fn fn;
	void *ctx;
	int errors;
};

/* A compiler with ward's external variables defined. */
YR_COMPILER *yara_compiler_new(struct yara_cb *cb);
/* Saves rules as path, atomically. */
void yara_cache_save(YR_RULES *rules, const char *path);

/* The compiled group for the units in bits, made on first need; -1 when
 * the whole set must serve (yara_subset.c). */
int yara_group_of(struct ward_yara *y, const uint64_t *bits);

/* Builds the prefilter of y's rules (yara_prefilter.c); 0 or WARD_ENOMEM. */
int yara_prefilter_build(struct ward_yara *y);
void yara_prefilter_free(struct ward_yara *y);
/* A scanner's part: its scratch; 0, or -1 when there is no prefilter. */
int yara_prefilter_scanner_init(struct ward_yara_scanner *s);
void yara_prefilter_scanner_free(struct ward_yara_scanner *s);
/* 1 when no unit set in s->bits can be true on p[n]. */
int yara_prefilter_skips(struct ward_yara_scanner *s, const uint8_t *p, size_t n);

#endif
