/*
 * Fuzzes URL parsing, unwrapping and plain-text scanning (lib/url) over the
 * same input. Invariants: a parsed URL has a NUL-terminated lower-case
 * scheme and host (empty only for data:) and a path inside the input; an
 * unwrapped target fits its buffer, is NUL-terminated without controls and
 * parses again; every URL found in text is NUL-terminated, a substring of
 * the input and reported as "text".
 */
#define _GNU_SOURCE /* memmem */
#include <stdint.h>
#include <string.h>

#include "ward/url.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct in {
	const char *p;
	size_t n;
};

static int
lower_ascii(const char *s, size_t cap)
{
	const char *end = memchr(s, '\0', cap);

	if (!end)
		return 0;
	for (; s < end; s++)
		if (*s >= 'A' && *s <= 'Z')
			return 0;
	return 1;
}

static void
check_url(const struct ward_url *u, const char *p, size_t n)
{
	if (!lower_ascii(u->scheme, sizeof(u->scheme)) || !lower_ascii(u->host, sizeof(u->host)))
		__builtin_trap();
	if ((u->host[0] == '\0') != ((u->flags & WARD_URL_DATA) != 0))
		__builtin_trap();
	if (u->path < p || u->path > p + n || u->path_len > (size_t)(p + n - u->path))
		__builtin_trap();
}

static void
on_url(void *ctx, const char *url, size_t url_len, const char *text, size_t text_len,
       const char *where)
{
	const struct in *in = ctx;

	if (url_len == 0 || strlen(url) != url_len || url_len > in->n || text || text_len ||
	    strcmp(where, "text") || !memmem(in->p, in->n, url, url_len))
		__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	char out[300], host[WARD_URL_HOST_MAX + 1];
	struct ward_url u, t;
	struct in in = {p, size};
	size_t k;

	if (ward_url_parse(p, size, &u) == 0) {
		check_url(&u, p, size);
		k = ward_url_unwrap(p, size, &u, out, sizeof(out));
		if (k >= sizeof(out) || out[k] != '\0' || strlen(out) != k)
			__builtin_trap();
		if (k && (ward_url_parse(out, k, &t) != 0 || (t.flags & WARD_URL_DATA)))
			__builtin_trap();
	}
	k = size < sizeof(host) ? size : sizeof(host) - 1;
	memcpy(host, p, k);
	host[k] = '\0';
	(void)ward_url_is_shortener(host);
	ward_url_scan_text(p, size, on_url, &in);
	return 0;
}
