/*
 * A hash map from byte strings to 32-bit values: the lookup structure of
 * every list ward loads (block, allow, IOC, newly registered domains).
 * Open addressing with linear probing; keys are copied into the map's own
 * storage.
 */
#ifndef WARD_STRMAP_H
#define WARD_STRMAP_H

#include <stddef.h>
#include <stdint.h>

struct ward_strmap;

struct ward_strmap *ward_strmap_new(void);
void ward_strmap_free(struct ward_strmap *m);

/* Inserts or replaces key -> val. Returns 0, WARD_ENOMEM or WARD_ELIMIT. */
int ward_strmap_put(struct ward_strmap *m, const char *key, size_t n, uint32_t val);

/* Returns 1 and sets *val (if val) when key is present, else 0. */
int ward_strmap_get(const struct ward_strmap *m, const char *key, size_t n, uint32_t *val);

/* The same with the key's ward_hash() already computed (one hash, many maps). */
int ward_strmap_get_hashed(const struct ward_strmap *m, const char *key, size_t n, uint64_t hash,
			   uint32_t *val);

size_t ward_strmap_count(const struct ward_strmap *m);

/* 64-bit hash of a byte string (also used by other tables). */
uint64_t ward_hash(const void *p, size_t n);

#endif
