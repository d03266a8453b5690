/*
 * Domain intelligence: the classifier every URL, sender, DNS query and
 * download origin goes through. A ward_domain_db holds the protected brands,
 * their lookalike index and the reputation lists; once built it is read-only
 * and may be shared by threads. Classification is allocation-free.
 */
#ifndef WARD_DOMAIN_H
#define WARD_DOMAIN_H

#include <stddef.h>
#include <stdint.h>

#include "ward/finding.h"

#define WARD_DOMAIN_NAME_MAX 253

/* A normalised host name. All pointers point into the struct itself. */
struct ward_domain_name {
	char ascii[WARD_DOMAIN_NAME_MAX + 1]; /* lower case, A-labels, no trailing dot */
	size_t ascii_len;
	char unicode[4 * (WARD_DOMAIN_NAME_MAX + 1)]; /* U-label form for display */
	const char *registrable; /* registrable domain (libpsl, private section on) */
	size_t registrable_len;
	const char *suffix; /* its public suffix */
	int has_idn;	    /* some label is an xn-- A-label (or was given in Unicode) */
	int idn_invalid;    /* some label decodes but is not valid IDNA2008 */
	int is_ip;	    /* an IPv4 literal */
};

/*
 * Normalises p[0..n): trims blanks, lower-cases, drops one trailing dot,
 * converts Unicode labels to A-labels and decodes A-labels for display, and
 * finds the registrable domain. Returns 0, WARD_EINVAL (not a host name) or
 * WARD_ELIMIT (too long).
 */
int ward_domain_name_parse(const uint8_t *p, size_t n, struct ward_domain_name *out);

enum ward_domain_list {
	WARD_DOMAIN_BLOCK = 0,
	WARD_DOMAIN_ALLOW,
	WARD_DOMAIN_IOC,
	WARD_DOMAIN_NRD,
};

/* What a loader saw; first_bad_line is 0 when every line was usable. */
struct ward_load_report {
	size_t entries;
	size_t bad;
	long first_bad_line;
	char message[160]; /* set when the whole file is unusable, e.g. bad JSON */
};

enum ward_domain_verdict {
	WARD_VERDICT_CLEAN = 0,
	WARD_VERDICT_NEW,
	WARD_VERDICT_LOOKALIKE,
	WARD_VERDICT_BLOCKLISTED,
	WARD_VERDICT_IOC,
};

#define WARD_DOMAIN_MAX_HITS 6

struct ward_domain_hit {
	const struct ward_check *check;
	const char *brand; /* borrowed from the db, or NULL */
	const char *ref;   /* official domain imitated, list source or IOC report */
	char detail[96];   /* what matched ("binanze~binance d=1"), the age in days of a
			    * new domain, or the decoded form of an invalid IDN */
};

struct ward_domain_result {
	struct ward_domain_name name;
	enum ward_domain_verdict verdict;
	int official; /* an official brand domain or one of its subdomains */
	int allowlisted;
	int score;
	size_t n_hits;
	struct ward_domain_hit hits[WARD_DOMAIN_MAX_HITS];
};

struct ward_domain_db;

struct ward_domain_db *ward_domain_db_new(void);
void ward_domain_db_free(struct ward_domain_db *db);

/*
 * Adds brands from TSV text (see data/brands.tsv for the columns). source
 * names the file in messages. Bad rows are counted in rep.
 */
int ward_domain_db_add_brands(struct ward_domain_db *db, const uint8_t *p, size_t n,
			      struct ward_load_report *rep);

/* Adds one brand: domains and tokens are comma/space separated lists. */
int ward_domain_db_add_brand(struct ward_domain_db *db, const char *id, const char *domains,
			     const char *tokens);

/*
 * Everyday words (one per line) never reported as misspellings of a brand;
 * the built-in brands come with data/stopwords.txt.
 */
int ward_domain_db_add_stopwords(struct ward_domain_db *db, const uint8_t *p, size_t n);

/* The built-in brands (with their stop words) and IOC domains compiled into libward. */
int ward_domain_db_add_builtin_brands(struct ward_domain_db *db);
int ward_domain_db_add_builtin_iocs(struct ward_domain_db *db);

/*
 * Loads a list: plain names, hosts file, CSV (`domain[,date|,reference]`) or
 * JSON (MetaMask config: whitelist/blacklist; polkadot: allow/deny). For
 * WARD_DOMAIN_NRD each entry needs a YYYY-MM-DD date. source is kept as the
 * entry's reference. Returns 0 when at least the file could be read as such
 * a list (bad lines are counted), else WARD_EFORMAT / WARD_ELIMIT.
 */
int ward_domain_db_load_list(struct ward_domain_db *db, enum ward_domain_list which,
			     const uint8_t *p, size_t n, const char *source,
			     struct ward_load_report *rep);

/* Newly registered: a domain counts as new while its age is at most max_age_days
 * relative to today (days since 1970-01-01; pass -1 for the current date). */
void ward_domain_db_set_nrd(struct ward_domain_db *db, long max_age_days, long today);

/* Builds the lookalike index. Call after loading and before classifying. */
int ward_domain_db_build(struct ward_domain_db *db);

size_t ward_domain_db_brand_count(const struct ward_domain_db *db);
size_t ward_domain_db_list_count(const struct ward_domain_db *db, enum ward_domain_list which);

/* Classifies one name. Returns 0, or the ward_domain_name_parse() error. */
int ward_domain_classify(const struct ward_domain_db *db, const uint8_t *p, size_t n,
			 struct ward_domain_result *r);

/*
 * If word (ASCII, any case) is one of a brand's name tokens, returns the
 * brand's index + 1 and sets *weak (an everyday word such as "ledger") and
 * *brand_id; else 0. For names shown to people, e.g. a mail's sender name.
 */
int ward_domain_brand_word(const struct ward_domain_db *db, const char *word, size_t n, int *weak,
			   const char **brand_id);

/* 1 if host is an official domain of brand_id, or a subdomain of one. */
int ward_domain_is_official_of(const struct ward_domain_db *db, const char *host,
			       const char *brand_id);

/* "clean", "new", "lookalike", "blocklisted" or "ioc". */
const char *ward_domain_verdict_name(enum ward_domain_verdict v);

/* Parses YYYY-MM-DD into days since 1970-01-01; returns -1 if malformed. */
long ward_domain_parse_date(const char *s, size_t n);

/* Every domain check, NULL-terminated (for docs and tests). */
extern const struct ward_check *const ward_domain_checks[];

extern const struct ward_check ward_check_domain_confusable;
extern const struct ward_check ward_check_domain_typo;
extern const struct ward_check ward_check_domain_combo;
extern const struct ward_check ward_check_domain_subdomain;
extern const struct ward_check ward_check_domain_tld_swap;
extern const struct ward_check ward_check_domain_bitsquat;
extern const struct ward_check ward_check_domain_hyphen;
extern const struct ward_check ward_check_domain_idn_invalid;
extern const struct ward_check ward_check_domain_blocklist;
extern const struct ward_check ward_check_domain_ioc;
extern const struct ward_check ward_check_domain_new;

#endif
