/*
 * Files on disk: walking trees, and judging each file with every detector
 * that applies (SHA-256 IOC sets, YARA rules, key material, the file content
 * analyser, download origins). One read of a file feeds them all. Trees are
 * scanned by a small pool of worker threads; findings come back to the
 * calling thread, in walk order, so output stays serialised and stable.
 */
#ifndef WARD_FILES_H
#define WARD_FILES_H

#include <stddef.h>
#include <stdint.h>

#include "ward/domain.h"
#include "ward/file.h"
#include "ward/finding.h"

/* ---- Checks ---- */

extern const struct ward_check *const ward_files_checks[];

extern const struct ward_check ward_check_files_yara;		  /* a YARA rule matched */
extern const struct ward_check ward_check_files_ioc_hash;	  /* SHA-256 is a known IOC */
extern const struct ward_check ward_check_files_origin_lookalike; /* downloaded from a look-alike */
extern const struct ward_check ward_check_files_origin_ioc;	  /* downloaded from an IOC host */
extern const struct ward_check ward_check_files_origin_new;	  /* downloaded from a new domain */

/* ---- SHA-256 IOC sets ---- */

struct ward_ioc_entry {
	uint8_t sha256[32];
	const char *name; /* what it is ("AppleJeus CelasTradePro installer"), or "" */
	const char *ref;  /* public report or source file, or "" */
};

struct ward_ioc_report {
	size_t entries;
	size_t bad;
	long first_bad_line;
	char message[160]; /* set when the whole file is unusable, e.g. bad JSON */
};

struct ward_ioc_set;

struct ward_ioc_set *ward_ioc_set_new(void);
void ward_ioc_set_free(struct ward_ioc_set *s);

/* Adds the hashes compiled into libward (data/ioc_sha256.tsv). */
int ward_ioc_set_add_builtin(struct ward_ioc_set *s);

/*
 * Loads p[0..n), detected by content: plain hash lines ("HASH [name]"),
 * "HASH;size;name" / "HASH;source" lines, TSV "HASH<TAB>name<TAB>ref", ClamAV
 * .hsb lines ("HASH:size:name[:flevel]"), or a STIX 2.1 JSON bundle whose
 * indicator patterns name file:hashes.'SHA-256'. MD5/SHA-1 entries are
 * counted as bad. source becomes the ref of entries that carry none.
 * Returns 0, WARD_EFORMAT (nothing usable, rep->message says why),
 * WARD_ELIMIT or WARD_ENOMEM.
 */
int ward_ioc_set_load(struct ward_ioc_set *s, const uint8_t *p, size_t n, const char *source,
		      struct ward_ioc_report *rep);

/* Sorts the set; call after loading and before lookups. */
void ward_ioc_set_build(struct ward_ioc_set *s);

size_t ward_ioc_set_count(const struct ward_ioc_set *s);

/* The entry for digest, borrowed from the set, or NULL. */
const struct ward_ioc_entry *ward_ioc_set_find(const struct ward_ioc_set *s,
					       const uint8_t sha256[32]);

/* ---- YARA ---- */

struct ward_yara;
struct ward_yara_scanner;

/* A compile error or warning: the rule file, its line, libyara's message. */
typedef void (*ward_yara_error_fn)(void *ctx, int warning, const char *file, int line,
				   const char *msg);

/*
 * Compiles the rule files and directories (recursively: *.yar, *.yara) of
 * the comma-separated list paths. When cache_dir is not NULL the compiled
 * rules are kept there, keyed by every rule file's path, size and mtime, and
 * reused while none changed. Returns 0 and *out, WARD_EFORMAT when some rule
 * did not compile (each error went to fn), WARD_ENOTFOUND, or WARD_ELIB.
 */
int ward_yara_load(const char *paths, const char *cache_dir, ward_yara_error_fn fn, void *ctx,
		   struct ward_yara **out);
void ward_yara_free(struct ward_yara *y);
unsigned ward_yara_rule_count(const struct ward_yara *y);
/* 1 when ward_yara_load took the rules from the cache. */
int ward_yara_from_cache(const struct ward_yara *y);
/* Gating is on after loading: each file is scanned only with the rule files
 * whose header and size tests it can pass. Off, every file meets every rule
 * (the results are the same; only the time differs). */
void ward_yara_set_gating(struct ward_yara *y, int on);

/* One scanner per thread; timeout in seconds (0: none). */
struct ward_yara_scanner *ward_yara_scanner_new(struct ward_yara *y, int timeout);
void ward_yara_scanner_free(struct ward_yara_scanner *s);

/* A matching rule: its identifier, the rule file's name, its tags (space separated). */
typedef int (*ward_yara_match_fn)(void *ctx, const char *rule, const char *file, const char *tags);

/* Returns 0, WARD_ELIMIT when the timeout cut the scan, or WARD_ELIB. */
int ward_yara_scan(struct ward_yara_scanner *s, const uint8_t *p, size_t n, ward_yara_match_fn fn,
		   void *ctx);

/* ---- Walking ---- */

struct ward_walk_opts {
	int follow_symlinks;	     /* follow symbolic links (loops are detected) */
	int one_file_system;	     /* stay on the file system of each root */
	unsigned max_depth;	     /* directory nesting (WARD_LIMIT_WALK_DEPTH) */
	const char *const *excludes; /* fnmatch() globs on the path and the base name */
	size_t n_excludes;
};

/* Flags passed with a file: its download-origin sidecars exist. */
#define WARD_WALK_ZONE_ID 1u	 /* "NAME:Zone.Identifier" beside it */
#define WARD_WALK_APPLEDOUBLE 2u /* "._NAME" beside it */

typedef int (*ward_walk_fn)(void *ctx, const char *path, unsigned flags);
typedef void (*ward_walk_error_fn)(void *ctx, const char *path, const char *what);

/*
 * Walks root in a stable (byte-sorted) order and calls fn for every regular
 * file; a root that is a file is passed as is. Sidecars whose file exists
 * are not passed themselves: their file carries the flag. Special files are
 * skipped; directories deeper than max_depth are reported and not entered.
 * Stops when fn returns non-zero. Returns 0, or WARD_ENOTFOUND / WARD_EIO
 * when root itself cannot be read.
 */
int ward_files_walk(const char *root, const struct ward_walk_opts *o, ward_walk_fn fn,
		    ward_walk_error_fn efn, void *ctx);

/* 1 if path or its base name matches one of the globs. */
int ward_files_excluded(const struct ward_walk_opts *o, const char *path);

/* ---- Scanning ---- */

struct ward_files_config {
	const struct ward_domain_db *db; /* judges origin hosts; NULL: origins not judged */
	const struct ward_ioc_set *iocs; /* NULL: no hash lookups */
	struct ward_yara *yara;		 /* NULL: no YARA */
	struct ward_file_limits file_limits;
	uint64_t max_file_size; /* larger files are skipped and counted */
	unsigned threads;	/* workers; 0: online CPUs */
	int yara_timeout;	/* seconds per file */
	int keys;		/* look for key material */
	int content;		/* run the content analyser on documents, archives, executables */
	struct ward_walk_opts walk;
};

/* Defaults from limits.h; everything on, no IOCs, no YARA, no db. */
void ward_files_config_default(struct ward_files_config *c);

struct ward_files_stats {
	unsigned long files;   /* files read and scanned */
	unsigned long skipped; /* too large, or vanished */
	unsigned long errors;  /* could not be opened or read */
	unsigned long findings;
	unsigned long flagged; /* files with at least one finding */
	uint64_t bytes;
};

typedef void (*ward_files_finding_fn)(void *ctx, const struct ward_finding *f);
typedef void (*ward_files_error_fn)(void *ctx, const char *path, const char *what);
typedef void (*ward_files_progress_fn)(void *ctx, const struct ward_files_stats *st,
				       const char *path);

struct ward_files_worker;

/* Per-thread state (file analyser, YARA scanner, read buffer). NULL on failure. */
struct ward_files_worker *ward_files_worker_new(const struct ward_files_config *c);
void ward_files_worker_free(struct ward_files_worker *w);

/*
 * Scans one file (flags from the walker, or 0: sidecars are then looked for)
 * and reports its findings through fn before returning. Errors go to efn.
 */
int ward_files_scan_file(struct ward_files_worker *w, const char *path, unsigned flags,
			 ward_files_finding_fn fn, ward_files_error_fn efn, void *ctx,
			 struct ward_files_stats *st);

/*
 * Walks roots[0..n) and scans every file with c->threads workers. fn, efn
 * and progress (may be NULL; called about 4 times a second) run on the
 * calling thread, findings in walk order. Memory stays bounded whatever the
 * tree's size. Returns 0, or WARD_ENOMEM / WARD_ELIB when workers could not
 * be started.
 */
int ward_files_scan(const struct ward_files_config *c, const char *const *roots, size_t n,
		    ward_files_finding_fn fn, ward_files_error_fn efn,
		    ward_files_progress_fn progress, void *ctx, struct ward_files_stats *st);

#endif
