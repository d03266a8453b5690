/*
 * Fuzzes the text detectors of ward_keys_scan: BIP39 phrases (the word
 * lists, NFKD matching through ICU, runs and checksums), WIF and hex keys.
 * The input is scanned as it is and as it would be with a checksum-list
 * name. Hits must point inside the buffer, text hits on a line of at least
 * 1, with a well-formed fingerprint and detail; the count returned must
 * equal the hits reported.
 */
#include <stdint.h>
#include <string.h>

#include "ward/keys.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct st {
	size_t n;
	int text, hits;
};

static int
check(void *ctx, const struct ward_key_hit *h)
{
	struct st *st = ctx;
	int k;

	if (h->offset >= st->n || h->line < 0 || (st->text && h->line < 1) ||
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

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct st st = {size, 0, 0};

	st.text = !memchr(data, 0, size < 8192 ? size : 8192);
	if (ward_keys_scan(data, size, "seed.txt", check, &st) != st.hits)
		__builtin_trap();
	st.hits = 0;
	if (ward_keys_scan(data, size, "SHA256SUMS", check, &st) != st.hits)
		__builtin_trap();
	return 0;
}
