/*
 * Fuzzes the Ethereum keystore detector (ward_keys_scan on JSON): the input
 * as it is, and inside an object that already holds "version": 3, so that
 * the fuzzer's bytes land in the parsed "crypto" value. Hits must point
 * inside the buffer with a well-formed fingerprint and detail, and the count
 * returned must equal the hits reported.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ward/keys.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct st {
	size_t n;
	int hits;
};

static int
check(void *ctx, const struct ward_key_hit *h)
{
	struct st *st = ctx;
	int k;

	if (h->offset >= st->n || h->line < 0 || !memchr(h->detail, 0, sizeof(h->detail)) ||
	    strlen(h->fingerprint) != 8 || strspn(h->fingerprint, "0123456789abcdef") != 8)
		__builtin_trap();
	for (k = 0; ward_key_checks[k] && ward_key_checks[k] != h->check; k++)
		;
	if (!ward_key_checks[k])
		__builtin_trap();
	st->hits++;
	return 0;
}

static void
run(const uint8_t *p, size_t n, const char *name)
{
	struct st st = {n, 0};

	if (ward_keys_scan(p, n, name, check, &st) != st.hits)
		__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char head[] = "{\"version\": 3, \"crypto\": ";
	uint8_t *buf;

	run(data, size, "UTC--2024-01-01T00-00-00Z--keystore");
	if (size > 65536)
		return 0;
	buf = malloc(sizeof(head) + size + 1);
	if (!buf)
		return 0;
	memcpy(buf, head, sizeof(head) - 1);
	memcpy(buf + sizeof(head) - 1, data, size);
	buf[sizeof(head) - 1 + size] = '}';
	run(buf, sizeof(head) + size, "keystore.json");
	free(buf);
	return 0;
}
