/*
 * String hash map. Keys live in one growing arena so that a list of
 * millions of domains costs two allocations, not millions. The table is
 * kept at most half full; lookups are one hash and usually one probe.
 */
#include <stdlib.h>
#include <string.h>

#include "ward/error.h"
#include "ward/strmap.h"
#include "limits.h"

struct slot {
	uint64_t hash; /* 0 marks an empty slot */
	uint32_t off;  /* key offset in the arena */
	uint32_t len;
	uint32_t val;
};

struct ward_strmap {
	struct slot *slots;
	size_t mask, count;
	char *arena;
	size_t arena_len, arena_cap;
};

static uint64_t
mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return h;
}

uint64_t
ward_hash(const void *data, size_t n)
{
	/* Eight bytes at a time with a multiply-xorshift mix; keys are host names. */
	const uint8_t *p = data;
	uint64_t h = 0x9e3779b97f4a7c15ull ^ (n * 0xff51afd7ed558ccdull), w;

	while (n >= 8) {
		memcpy(&w, p, 8);
		h = (h ^ mix(w)) * 0x9e3779b97f4a7c15ull;
		p += 8;
		n -= 8;
	}
	w = 0;
	memcpy(&w, p, n);
	h = mix(h ^ w ^ ((uint64_t)n << 56));
	return h ? h : 1;
}

struct ward_strmap *
ward_strmap_new(void)
{
	struct ward_strmap *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->slots = calloc(64, sizeof(*m->slots));
	if (!m->slots) {
		free(m);
		return NULL;
	}
	m->mask = 63;
	return m;
}

void
ward_strmap_free(struct ward_strmap *m)
{
	if (!m)
		return;
	free(m->slots);
	free(m->arena);
	free(m);
}

static int
grow(struct ward_strmap *m)
{
	size_t ncap = (m->mask + 1) * 2, i, j;
	struct slot *ns = calloc(ncap, sizeof(*ns));

	if (!ns)
		return WARD_ENOMEM;
	for (i = 0; i <= m->mask; i++) {
		if (!m->slots[i].hash)
			continue;
		j = m->slots[i].hash & (ncap - 1);
		while (ns[j].hash)
			j = (j + 1) & (ncap - 1);
		ns[j] = m->slots[i];
	}
	free(m->slots);
	m->slots = ns;
	m->mask = ncap - 1;
	return 0;
}

int
ward_strmap_put(struct ward_strmap *m, const char *key, size_t n, uint32_t val)
{
	uint64_t h = ward_hash(key, n);
	size_t i;

	if (n > WARD_LIMIT_LINE_LEN)
		return WARD_ELIMIT;
	for (i = h & m->mask; m->slots[i].hash; i = (i + 1) & m->mask) {
		struct slot *s = &m->slots[i];
		if (s->hash == h && s->len == n && memcmp(m->arena + s->off, key, n) == 0) {
			s->val = val;
			return 0;
		}
	}
	if (m->count >= WARD_LIMIT_LIST_ENTRIES)
		return WARD_ELIMIT;
	if (m->arena_len + n > m->arena_cap) {
		size_t cap = m->arena_cap ? m->arena_cap * 2 : 4096;
		char *a;
		while (cap < m->arena_len + n)
			cap *= 2;
		if (cap > UINT32_MAX)
			return WARD_ELIMIT;
		a = realloc(m->arena, cap);
		if (!a)
			return WARD_ENOMEM;
		m->arena = a;
		m->arena_cap = cap;
	}
	memcpy(m->arena + m->arena_len, key, n);
	m->slots[i].hash = h;
	m->slots[i].off = (uint32_t)m->arena_len;
	m->slots[i].len = (uint32_t)n;
	m->slots[i].val = val;
	m->arena_len += n;
	m->count++;
	if (m->count * 2 > m->mask + 1)
		return grow(m);
	return 0;
}

int
ward_strmap_get(const struct ward_strmap *m, const char *key, size_t n, uint32_t *val)
{
	if (!m || m->count == 0)
		return 0;
	return ward_strmap_get_hashed(m, key, n, ward_hash(key, n), val);
}

int
ward_strmap_get_hashed(const struct ward_strmap *m, const char *key, size_t n, uint64_t h,
		       uint32_t *val)
{
	size_t i;

	if (!m || m->count == 0)
		return 0;
	for (i = h & m->mask; m->slots[i].hash; i = (i + 1) & m->mask) {
		const struct slot *s = &m->slots[i];
		if (s->hash == h && s->len == n && memcmp(m->arena + s->off, key, n) == 0) {
			if (val)
				*val = s->val;
			return 1;
		}
	}
	return 0;
}

size_t
ward_strmap_count(const struct ward_strmap *m)
{
	return m ? m->count : 0;
}
