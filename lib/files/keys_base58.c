/*
 * Base58 as Bitcoin writes it (no 0, O, I or l). Decoding multiplies a
 * big-endian accumulator of at most cap bytes by 58 per character, so the
 * cost is bounded by the caller's cap; values that do not fit are refused.
 */
#include <string.h>

#include "keys_internal.h"

static const char alphabet[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

static int
digit(uint8_t c)
{
	const char *q;

	if (c == 0)
		return -1;
	q = strchr(alphabet, c);
	return q ? (int)(q - alphabet) : -1;
}

int
keys_base58_char(uint8_t c)
{
	return digit(c) >= 0;
}

size_t
keys_base58_decode(const uint8_t *s, size_t n, uint8_t *out, size_t cap)
{
	size_t i, j, zeros = 0, used = 0, len;

	if (cap == 0)
		return 0;
	memset(out, 0, cap);
	while (zeros < n && s[zeros] == '1')
		zeros++;
	for (i = zeros; i < n; i++) {
		int d = digit(s[i]);
		unsigned carry;

		if (d < 0)
			return 0;
		carry = (unsigned)d;
		/* out[cap - used .. cap) holds the value so far. */
		for (j = 0; j < used || carry; j++) {
			if (j >= cap)
				return 0;
			carry += 58u * out[cap - 1 - j];
			out[cap - 1 - j] = (uint8_t)carry;
			carry >>= 8;
		}
		used = j;
	}
	len = zeros + used;
	if (len > cap)
		return 0;
	memmove(out + zeros, out + cap - used, used);
	memset(out, 0, zeros);
	return len;
}
