/*
 * Shared between the files of lib/domain: the database layout, the folding
 * of names into the matching alphabet, and the lookalike index.
 */
#ifndef WARD_DOMAIN_INTERNAL_H
#define WARD_DOMAIN_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "ward/domain.h"
#include "ward/strmap.h"

/* The folded alphabet: a-z, 0-9, '?' for any character ICU leaves non-ASCII. */
#define FOLD_SYMBOLS 37
#define FOLD_MAX 256 /* longest folded label */

struct token {
	char text[64]; /* folded, no hyphens */
	char orig[64]; /* as written, lower case, no hyphens */
	uint8_t len;
	uint8_t weak;	/* an everyday word: needs context to count */
	uint8_t budget; /* edits tolerated: typo_budget(len) or the brand list's :N */
	uint16_t brand; /* index into brands */
};

struct brand {
	char *id;
	size_t first_official, n_official; /* range in db->officials */
};

/* One pattern of the Aho-Corasick automaton: a whole token or a piece of it. */
struct pattern {
	uint16_t token;
	uint8_t offset; /* where the piece starts in the token */
	uint8_t len;
	uint8_t whole;
};

struct ac {
	int32_t *next;	   /* states * FOLD_SYMBOLS */
	int32_t *out;	   /* first pattern list entry per state, -1 if none */
	int32_t *out_next; /* chained pattern ids: entry e -> pattern, next entry */
	uint16_t *out_pat;
	size_t n_states, n_out;
};

struct ward_domain_db {
	struct brand *brands;
	size_t n_brands;
	struct token *tokens;
	size_t n_tokens;
	char **officials; /* official domains, ASCII */
	size_t n_officials;
	struct ward_strmap *official;  /* official domain -> brand index */
	struct ward_strmap *token_set; /* folded token text -> token index */
	struct ward_strmap *stop;      /* everyday words never reported as typos */
	struct ward_strmap *lists[4];  /* enum ward_domain_list -> value */
	char **refs;		       /* list sources and IOC citations, by value */
	size_t n_refs;
	struct ward_strmap *ref_index;
	struct pattern *patterns;
	size_t n_patterns;
	struct ac ac;
	long nrd_max_age, nrd_today;
	int built;
};

/* Folding (domain_fold.c). */
int fold_init(void);
/* Folds an ASCII label into dst (no hyphens); map[i] = index in src of dst[i].
 * Returns the folded length, or -1 if it does not fit. */
int fold_ascii(const char *src, size_t n, char *dst, uint8_t *map);
/* Folds a UTF-8 label through ICU's confusable skeleton. */
int fold_utf8(const char *src, size_t n, char *dst, uint8_t *map);
/* Index of a folded character in the automaton's alphabet. */
static inline int
fold_symbol(char c)
{
	if (c >= 'a' && c <= 'z')
		return c - 'a';
	if (c >= '0' && c <= '9')
		return 26 + (c - '0');
	return 36;
}

/* Index (domain_index.c). */
int index_build(struct ward_domain_db *db);
void index_free(struct ward_domain_db *db);

struct match {
	uint16_t token;
	uint8_t start, end; /* span in the folded label */
	uint8_t dist;
	uint64_t ends; /* other ends (bit i: end i) as good as end, same start */
};
#define MAX_MATCHES 16
/* Finds brand tokens in a folded label, exactly and within edit distance. */
size_t index_find(const struct ward_domain_db *db, const char *s, size_t n, struct match *out,
		  size_t max);
/* Largest edit distance tolerated for a token of folded length len. */
int typo_budget(size_t len);

/* Public suffixes (domain_psl.c). */
int psl_table_load(struct ward_strmap *m, const uint8_t *p, size_t n, size_t *bad);
size_t psl_table_suffix(const struct ward_strmap *m, const char *name, size_t n);
/* Registrable domain of a lower-case ASCII name (pointer into name), or NULL. */
const char *psl_registrable(const char *name, size_t n);

/* Lists (domain_list.c). */
int ref_intern(struct ward_domain_db *db, const char *s, uint32_t *id);

#endif
