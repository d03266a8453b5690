/*
 * Growable buffer and the JSON/TSV encoders used by every writer. Input is
 * untrusted bytes: encoders never assume NUL termination or valid UTF-8.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ward/buf.h"

void
ward_buf_init(struct ward_buf *b)
{
	memset(b, 0, sizeof(*b));
}

void
ward_buf_free(struct ward_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

void
ward_buf_reset(struct ward_buf *b)
{
	b->len = 0;
}

static int
reserve(struct ward_buf *b, size_t extra)
{
	size_t want, cap;
	char *p;

	if (b->failed)
		return -1;
	if (extra > ((size_t)-1) / 2 - b->len) {
		b->failed = 1;
		return -1;
	}
	want = b->len + extra + 1;
	if (want <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 256;
	while (cap < want)
		cap *= 2;
	p = realloc(b->p, cap);
	if (!p) {
		b->failed = 1;
		return -1;
	}
	b->p = p;
	b->cap = cap;
	return 0;
}

void
ward_buf_add(struct ward_buf *b, const void *p, size_t n)
{
	if (n == 0 || reserve(b, n) < 0)
		return;
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

void
ward_buf_adds(struct ward_buf *b, const char *s)
{
	ward_buf_add(b, s, strlen(s));
}

void
ward_buf_addc(struct ward_buf *b, char c)
{
	if (b->len + 1 < b->cap) {
		b->p[b->len++] = c;
		return;
	}
	if (reserve(b, 1) < 0)
		return;
	b->p[b->len++] = c;
}

void
ward_buf_printf(struct ward_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (reserve(b, 64) < 0)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= b->cap - b->len) {
		if (reserve(b, (size_t)n) < 0)
			return;
		va_start(ap, fmt);
		vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

const char *
ward_buf_cstr(struct ward_buf *b)
{
	if (reserve(b, 0) < 0)
		return "";
	b->p[b->len] = '\0';
	return b->p;
}

int
ward_buf_failed(const struct ward_buf *b)
{
	return b->failed;
}

/* Length of the valid UTF-8 sequence at p (1..4), or 0 if invalid. */
static size_t
utf8_seq(const uint8_t *p, size_t n)
{
	uint8_t c = p[0];
	size_t len, i;
	uint32_t cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, cp = c & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return len;
}

void
ward_buf_json_str(struct ward_buf *b, const uint8_t *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i = 0, run;

	ward_buf_addc(b, '"');
	while (i < n) {
		uint8_t c = p[i];
		if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
			run = i;
			while (run < n && p[run] >= 0x20 && p[run] < 0x80 && p[run] != '"' &&
			       p[run] != '\\')
				run++;
			ward_buf_add(b, p + i, run - i);
			i = run;
			continue;
		}
		if (c >= 0x80) {
			size_t l = utf8_seq(p + i, n - i);
			if (l == 0) {
				ward_buf_adds(b, "\\ufffd");
				i++;
			} else {
				ward_buf_add(b, p + i, l);
				i += l;
			}
			continue;
		}
		switch (c) {
		case '"':
			ward_buf_adds(b, "\\\"");
			break;
		case '\\':
			ward_buf_adds(b, "\\\\");
			break;
		case '\n':
			ward_buf_adds(b, "\\n");
			break;
		case '\r':
			ward_buf_adds(b, "\\r");
			break;
		case '\t':
			ward_buf_adds(b, "\\t");
			break;
		default: {
			char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
			ward_buf_add(b, e, sizeof(e));
		}
		}
		i++;
	}
	ward_buf_addc(b, '"');
}

void
ward_buf_json_cstr(struct ward_buf *b, const char *s)
{
	if (!s) {
		ward_buf_adds(b, "null");
		return;
	}
	ward_buf_json_str(b, (const uint8_t *)s, strlen(s));
}

void
ward_buf_tsv_field(struct ward_buf *b, const char *s)
{
	size_t n, i;

	if (!s)
		return;
	n = strlen(s);
	if (reserve(b, n) < 0)
		return;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		b->p[b->len + i] = (c < 0x20 || c == 0x7f) ? ' ' : (char)c;
	}
	b->len += n;
}

size_t
ward_json_depth(const uint8_t *p, size_t n)
{
	size_t i, depth = 0, max = 0;
	int in_str = 0;

	for (i = 0; i < n; i++) {
		uint8_t c = p[i];
		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = 0;
		} else if (c == '"') {
			in_str = 1;
		} else if (c == '[' || c == '{') {
			if (++depth > max)
				max = depth;
		} else if ((c == ']' || c == '}') && depth) {
			depth--;
		}
	}
	return max;
}
