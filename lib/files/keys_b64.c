/*
 * Base64 and line breaks for the text key detectors (PEM, OpenPGP, PuTTY).
 * A body is decoded as a stream: the first KEYS_B64_HEAD bytes stay in a
 * small scratch for the structure check, all of them go through SHA-256
 * for the fingerprint (and, for OpenPGP armor, CRC-24), none is kept. A
 * line break may be real (LF, CR, CRLF) or escaped once ("\n") or twice
 * ("\\n") inside a string, so that a key pasted into JSON is read alike.
 */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "keys_internal.h"

/* The value of each base64 digit plus one; 0 for other bytes. */
const signed char keys_b64_val[256] = {
    ['A'] = 1,	['B'] = 2,  ['C'] = 3,	['D'] = 4,  ['E'] = 5,	['F'] = 6,  ['G'] = 7,	['H'] = 8,
    ['I'] = 9,	['J'] = 10, ['K'] = 11, ['L'] = 12, ['M'] = 13, ['N'] = 14, ['O'] = 15, ['P'] = 16,
    ['Q'] = 17, ['R'] = 18, ['S'] = 19, ['T'] = 20, ['U'] = 21, ['V'] = 22, ['W'] = 23, ['X'] = 24,
    ['Y'] = 25, ['Z'] = 26, ['a'] = 27, ['b'] = 28, ['c'] = 29, ['d'] = 30, ['e'] = 31, ['f'] = 32,
    ['g'] = 33, ['h'] = 34, ['i'] = 35, ['j'] = 36, ['k'] = 37, ['l'] = 38, ['m'] = 39, ['n'] = 40,
    ['o'] = 41, ['p'] = 42, ['q'] = 43, ['r'] = 44, ['s'] = 45, ['t'] = 46, ['u'] = 47, ['v'] = 48,
    ['w'] = 49, ['x'] = 50, ['y'] = 51, ['z'] = 52, ['0'] = 53, ['1'] = 54, ['2'] = 55, ['3'] = 56,
    ['4'] = 57, ['5'] = 58, ['6'] = 59, ['7'] = 60, ['8'] = 61, ['9'] = 62, ['+'] = 63, ['/'] = 64,
};

/* OpenPGP armor checksum (RFC 4880, 6.1). */
#define CRC24_INIT 0xb704ceu
#define CRC24_POLY 0x1864cfbu

void
keys_b64_init(struct keys_b64 *b, unsigned flags)
{
	memset(b, 0, sizeof(*b));
	b->flags = flags;
	b->crc = CRC24_INIT;
}

/* Hashes the pending chunk; the digest context is made only for bodies
 * that get this far, so that short junk costs nothing. */
static void
flush_chunk(struct keys_b64 *b)
{
	if (!b->md) {
		b->md = EVP_MD_CTX_new();
		if (!b->md || !EVP_DigestInit_ex(b->md, EVP_sha256(), NULL))
			b->failed = 1;
	}
	if (!b->failed && !EVP_DigestUpdate(b->md, b->chunk, b->nchunk))
		b->failed = 1;
	b->nchunk = 0;
}

static void
put(struct keys_b64 *b, uint8_t c)
{
	int k;

	if (b->total < KEYS_B64_HEAD)
		b->head[b->total] = c;
	b->total++;
	if (b->flags & KEYS_B64_CRC24) {
		b->crc ^= (uint32_t)c << 16;
		for (k = 0; k < 8; k++) {
			b->crc <<= 1;
			if (b->crc & 0x1000000u)
				b->crc ^= CRC24_POLY;
		}
	}
	if (!(b->flags & KEYS_B64_HASH))
		return;
	b->chunk[b->nchunk++] = c;
	if (b->nchunk == sizeof(b->chunk))
		flush_chunk(b);
}

int
keys_b64_char(struct keys_b64 *b, uint8_t c)
{
	int v = keys_b64_val[c];

	if (v) {
		if (b->pad)
			return -1;
		b->acc = b->acc << 6 | (uint32_t)(v - 1);
		if (++b->nacc == 4) {
			put(b, (uint8_t)(b->acc >> 16));
			put(b, (uint8_t)(b->acc >> 8));
			put(b, (uint8_t)b->acc);
			b->acc = 0;
			b->nacc = 0;
		}
		return 1;
	}
	if (c == '=') {
		if (++b->pad > 2 || b->nacc + b->pad > 4)
			return -1;
		return 1;
	}
	return 0;
}

int
keys_b64_end(struct keys_b64 *b)
{
	/* Padding, when present, must complete the last group. */
	if (b->pad && b->nacc + b->pad != 4)
		return -1;
	if (b->nacc == 2) {
		put(b, (uint8_t)(b->acc >> 4));
	} else if (b->nacc == 3) {
		put(b, (uint8_t)(b->acc >> 10));
		put(b, (uint8_t)(b->acc >> 2));
	} else if (b->nacc == 1) {
		return -1;
	}
	b->acc = 0;
	b->nacc = 0;
	return 0;
}

int
keys_b64_digest(struct keys_b64 *b, uint8_t dg[32])
{
	unsigned int dlen = 32;

	flush_chunk(b);
	if (b->failed || !EVP_DigestFinal_ex(b->md, dg, &dlen))
		return -1;
	return 0;
}

void
keys_b64_clear(struct keys_b64 *b)
{
	EVP_MD_CTX_free(b->md);
	OPENSSL_cleanse(b, sizeof(*b));
}

size_t
keys_line_break(const uint8_t *p, size_t n, int *escaped)
{
	size_t i = 0, k;

	if (p[0] == '\r')
		return n > 1 && p[1] == '\n' ? 2 : 1;
	if (p[0] == '\n')
		return 1;
	while (i < n && i < 2 && p[i] == '\\')
		i++;
	if (i == 0 || i >= n || (p[i] != 'n' && p[i] != 'r'))
		return 0;
	*escaped = 1;
	k = i + 1;
	/* An escaped "\r\n" is one break. */
	if (p[i] == 'r' && n - k > i && memcmp(p + k, p, i) == 0 && p[k + i] == 'n')
		k += i + 1;
	return k;
}

size_t
keys_line_end(const uint8_t *p, size_t n, size_t i, int escapes)
{
	int esc = 0;

	for (; i < n; i++) {
		if (p[i] == '\n' || p[i] == '\r')
			break;
		if (escapes && p[i] == '\\' && keys_line_break(p + i, n - i, &esc))
			break;
	}
	return i;
}

/* 1 when p[0..n) starts with '=' and four base64 digits that end a line. */
static int
crc_line(const uint8_t *p, size_t n)
{
	size_t k;

	if (n < 5 || p[0] != '=')
		return 0;
	for (k = 1; k < 5; k++)
		if (!keys_b64_val[p[k]])
			return 0;
	return n == 5 || (!keys_b64_val[p[5]] && p[5] != '=');
}

size_t
keys_b64_armor(const uint8_t *p, size_t n, size_t i, struct keys_b64 *b, long *crc)
{
	int line_start = 1, r;
	size_t k;

	if (crc)
		*crc = -1;
	while (i < n) {
		uint8_t c = p[i];

		if (crc && line_start && *crc < 0 && crc_line(p + i, n - i)) {
			for (*crc = 0, k = 1; k < 5; k++)
				*crc = *crc << 6 | (keys_b64_val[p[i + k]] - 1);
			i += 5;
			line_start = 0;
			continue;
		}
		if (keys_blank(c)) {
			i++;
		} else if ((k = keys_line_break(p + i, n - i, &b->escaped)) != 0) {
			i += k;
			line_start = 1;
		} else if (c == '-') {
			if (n - i < 8 || memcmp(p + i, "-----END", 8) != 0)
				return 0;
			break;
		} else if (crc && *crc >= 0) {
			return 0; /* nothing but the end after the checksum */
		} else if ((r = keys_b64_char(b, c)) > 0) {
			i++;
			line_start = 0;
		} else {
			return 0;
		}
	}
	if (i >= n || keys_b64_end(b) < 0)
		return 0;
	return i;
}
