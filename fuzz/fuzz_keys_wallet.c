/*
 * Fuzzes the Bitcoin wallet detector (ward_keys_scan on binary files): the
 * input as it is, behind a Berkeley DB B-tree header (magic at offset 12,
 * byte order from the first input byte), and behind an SQLite header with a
 * "main" table. Hits must point inside the buffer with line 0 for these
 * binary files and a well-formed fingerprint and detail; the count returned
 * must equal the hits reported.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ward/keys.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct st {
	size_t n;
	int binary, hits;
};

static int
check(void *ctx, const struct ward_key_hit *h)
{
	struct st *st = ctx;
	int k;

	if (h->offset >= st->n || h->line < 0 || (st->binary && h->line != 0) ||
	    !memchr(h->detail, 0, sizeof(h->detail)) || strlen(h->fingerprint) != 8 ||
	    strspn(h->fingerprint, "0123456789abcdef") != 8)
		__builtin_trap();
	for (k = 0; ward_key_checks[k] && ward_key_checks[k] != h->check; k++)
		;
	if (!ward_key_checks[k])
		__builtin_trap();
	st->hits++;
	return 0;
}

static void
run(const uint8_t *p, size_t n, int binary)
{
	struct st st = {n, binary, 0};

	if (ward_keys_scan(p, n, "wallet.dat", check, &st) != st.hits)
		__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char sqlite[] = "SQLite format 3\0CREATE TABLE main(key BLOB PRIMARY KEY, "
				     "value BLOB)";
	size_t n = 512 + size;
	uint8_t *buf;

	run(data, size, 0);
	if (size > 1 << 20)
		return 0;
	buf = calloc(1, n);
	if (!buf)
		return 0;
	memcpy(buf + 12, size && data[0] & 1 ? "\x00\x05\x31\x62" : "\x62\x31\x05\x00", 4);
	memcpy(buf + 512, data, size);
	run(buf, n, 1);
	memset(buf, 0, 512);
	memcpy(buf, sqlite, sizeof(sqlite));
	run(buf, n, 1);
	free(buf);
	return 0;
}
