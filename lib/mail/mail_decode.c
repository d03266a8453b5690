/*
 * Transfer decoders for mail bodies: base64, quoted-printable and uuencode.
 * All three are lenient the way mail clients are: they decode to the end of
 * the input, skip what does not belong and report it, and never fail.
 */
#include <stdlib.h>
#include <string.h>

#include "mail_mime_priv.h"

#include "ward/text.h"

uint8_t *
ward_mime_buf_grow(struct ward_buf *b, size_t extra)
{
	size_t want, cap;
	char *p;

	if (b->failed)
		return NULL;
	if (extra > ((size_t)-1) / 4 - b->len) {
		b->failed = 1;
		return NULL;
	}
	want = b->len + extra + 1;
	if (want > b->cap) {
		cap = b->cap ? b->cap : 256;
		while (cap < want)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p) {
			b->failed = 1;
			return NULL;
		}
		b->p = p;
		b->cap = cap;
	}
	return (uint8_t *)b->p + b->len;
}

/* 0-63 for the base64 alphabet, 64 for '=', 65 for white space, 66 for junk. */
static const uint8_t b64[256] = {
#define J 66
    J,	J,  J,	J,  J,	J,  J,	J,  J,	65, 65, 65, 65, 65, J,	J,  J,	J,  J,	J,  J,	J,  J,	J,
    J,	J,  J,	J,  J,	J,  J,	J,  65, J,  J,	J,  J,	J,  J,	J,  J,	J,  J,	62, J,	J,  J,	63,
    52, 53, 54, 55, 56, 57, 58, 59, 60, 61, J,	J,  J,	64, J,	J,  J,	0,  1,	2,  3,	4,  5,	6,
    7,	8,  9,	10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, J,  J,	J,  J,	J,
    J,	26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48,
    49, 50, 51, J,  J,	J,  J,	J,  J,	J,  J,	J,  J,	J,  J,	J,  J,	J,  J,	J,  J,	J,  J,	J,
    J,	J,  J,	J,  J,	J,  J,	J,  J,	J,  J,	J,  J,	J,  J,	J,  J,	J,  J,	J,  J,	J,  J,	J,
    J,	J,  J,	J,  J,	J,  J,	J,  J,	J,  J,	J,  J,	J,  J,	J,  J,	J,  J,	J,  J,	J,  J,	J,
    J,	J,  J,	J,  J,	J,  J,	J,  J,	J,  J,	J,  J,	J,  J,	J,  J,	J,  J,	J,  J,	J,  J,	J,
    J,	J,  J,	J,  J,	J,  J,	J,  J,	J,  J,	J,  J,	J,  J,	J,  J,	J,  J,	J,  J,	J,  J,	J,
    J,	J,  J,	J,  J,	J,  J,	J,  J,	J,  J,	J,  J,	J,  J,	J,
#undef J
};

/*
 * Base64: characters outside the alphabet are skipped (reported unless
 * they are white space); padding ends the current group, and whatever
 * follows it is decoded as a new group, so concatenated base64 blobs and
 * padding in the middle decode to the end.
 */
int
ward_mail_decode_base64(const uint8_t *p, size_t n, struct ward_buf *out)
{
	uint8_t *o, *o0;
	uint32_t v = 0;
	unsigned k = 0, c;
	int junk = 0, padded = 0;
	size_t i = 0;

	o0 = o = ward_mime_buf_grow(out, n / 4 * 3 + 3);
	if (!o)
		return 0;
	while (i < n) {
		/* Fast path: four alphabet characters at group start. */
		if (k == 0) {
			while (i + 4 <= n) {
				uint32_t a = b64[p[i]], b = b64[p[i + 1]], cc = b64[p[i + 2]],
					 d = b64[p[i + 3]];

				if ((a | b | cc | d) >= 64)
					break;
				v = a << 18 | b << 12 | cc << 6 | d;
				o[0] = (uint8_t)(v >> 16);
				o[1] = (uint8_t)(v >> 8);
				o[2] = (uint8_t)v;
				o += 3;
				i += 4;
			}
			if (i >= n)
				break;
		}
		c = b64[p[i++]];
		if (c < 64) {
			if (padded) {
				junk = 1; /* data after padding: a new group starts */
				padded = 0;
			}
			v = v << 6 | c;
			if (++k == 4) {
				*o++ = (uint8_t)(v >> 16);
				*o++ = (uint8_t)(v >> 8);
				*o++ = (uint8_t)v;
				k = 0;
				v = 0;
			}
		} else if (c == 64) {
			if (k >= 2) {
				if (k == 2) {
					*o++ = (uint8_t)(v >> 4);
				} else {
					*o++ = (uint8_t)(v >> 10);
					*o++ = (uint8_t)(v >> 2);
				}
				k = 0;
				v = 0;
				padded = 1;
			} else if (k == 1) {
				junk = 1;
			} else {
				padded = 1;
			}
		} else if (c == 66) {
			junk = 1;
		}
	}
	if (k == 2) {
		*o++ = (uint8_t)(v >> 4);
	} else if (k == 3) {
		*o++ = (uint8_t)(v >> 10);
		*o++ = (uint8_t)(v >> 2);
	} else if (k == 1) {
		junk = 1;
	}
	out->len += (size_t)(o - o0);
	out->p[out->len] = '\0';
	return junk;
}

/*
 * Quoted-printable: "=XX" (either case) is a byte, "=" before the end of a
 * line (trailing blanks allowed) is a soft break, and any other "=" is kept
 * as it is, with what follows it.
 */
int
ward_mail_decode_qp(const uint8_t *p, size_t n, struct ward_buf *out)
{
	const uint8_t *e = p + n, *q;
	uint8_t *o, *o0;
	int junk = 0, h, l;

	o0 = o = ward_mime_buf_grow(out, n);
	if (!o)
		return 0;
	while (p < e) {
		q = memchr(p, '=', (size_t)(e - p));
		if (!q)
			q = e;
		memcpy(o, p, (size_t)(q - p));
		o += q - p;
		p = q;
		if (p >= e)
			break;
		/* p at '=' */
		if (p + 2 < e && (h = ward_hexval(p[1])) >= 0 && (l = ward_hexval(p[2])) >= 0) {
			*o++ = (uint8_t)(h << 4 | l);
			p += 3;
			continue;
		}
		q = p + 1;
		while (q < e && (*q == ' ' || *q == '\t'))
			q++;
		if (q >= e) { /* "=" at the very end: a soft break */
			p = e;
			break;
		}
		if (*q == '\n') {
			p = q + 1;
			continue;
		}
		if (*q == '\r') {
			p = q + 1;
			if (p < e && *p == '\n')
				p++;
			continue;
		}
		junk = 1;
		*o++ = '=';
		p++;
	}
	out->len += (size_t)(o - o0);
	out->p[out->len] = '\0';
	return junk;
}

/* Next line of p[i..n): returns its end (line break excluded), sets *next. */
static size_t
line_end(const uint8_t *p, size_t i, size_t n, size_t *next)
{
	size_t j = i;

	while (j < n && p[j] != '\n' && p[j] != '\r')
		j++;
	*next = j;
	if (j < n) {
		*next = j + 1;
		if (p[j] == '\r' && j + 1 < n && p[j + 1] == '\n')
			*next = j + 2;
	}
	return j;
}

int
ward_mime_uu_begin(const uint8_t *p, size_t n, size_t *name)
{
	size_t i = 6;

	if (n < 8 || memcmp(p, "begin ", 6) != 0)
		return 0;
	while (i < n && p[i] == ' ')
		i++;
	if (i >= n || p[i] < '0' || p[i] > '7')
		return 0;
	while (i < n && p[i] >= '0' && p[i] <= '7')
		i++;
	if (i < n && p[i] != ' ' && p[i] != '\t')
		return 0;
	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	if (name)
		*name = i;
	return 1;
}

/*
 * uuencode: decoding starts after a "begin <mode> <name>" line if there is
 * one (else at the start) and stops at an "end" line. Each line carries its
 * byte count in its first character; short lines are padded with zero
 * bits, characters outside the alphabet are read modulo 64 and reported.
 */
int
ward_mail_decode_uu(const uint8_t *p, size_t n, struct ward_buf *out)
{
	size_t i = 0, next, e, j;
	int junk = 0;

	/* Look for the begin line; without one, decode from the start. */
	while (i < n) {
		e = line_end(p, i, n, &next);
		if (ward_mime_uu_begin(p + i, e - i, NULL)) {
			i = next;
			goto body;
		}
		i = next;
	}
	i = 0;
body:
	while (i < n) {
		unsigned len, got = 0;
		uint8_t *o;

		e = line_end(p, i, n, &next);
		if (e - i >= 3 && memcmp(p + i, "end", 3) == 0) {
			size_t k = i + 3;

			while (k < e && (p[k] == ' ' || p[k] == '\t'))
				k++;
			if (k == e)
				break;
		}
		if (e == i) {
			i = next;
			continue;
		}
		len = (unsigned)(p[i] - 32) & 63;
		if (p[i] < 32 || p[i] > 96)
			junk = 1;
		if (len == 0) {
			i = next;
			continue;
		}
		o = ward_mime_buf_grow(out, len + 3);
		if (!o)
			return junk;
		if (e - i - 1 < (len + 2) / 3 * 4)
			junk = 1;
		for (j = i + 1; got < len; j += 4) {
			uint32_t v = 0;
			unsigned k;

			for (k = 0; k < 4; k++) {
				unsigned c = 0;

				if (j + k < e) {
					c = p[j + k];
					if (c < 32 || c > 96)
						junk = 1;
					c = (c - 32) & 63;
				}
				v = v << 6 | c;
			}
			o[got++] = (uint8_t)(v >> 16);
			if (got < len)
				o[got++] = (uint8_t)(v >> 8);
			if (got < len)
				o[got++] = (uint8_t)v;
		}
		out->len += len;
		out->p[out->len] = '\0';
		i = next;
	}
	if (out->p)
		out->p[out->len] = '\0';
	return junk;
}
