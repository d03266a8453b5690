/*
 * HTML smuggling: a page that carries a file and makes the browser save it,
 * so that the file never crosses a mail or web filter as itself. The
 * signs are the browser APIs that do the saving (a Blob handed to
 * msSaveOrOpenBlob, or turned into an object URL for a link with a download
 * attribute), data: URLs of non-image types, and long base64 strings or
 * character-code arrays decoded by script.
 *
 * Payloads that can be decoded without running script (data: URLs, base64
 * string literals, numeric arrays) are decoded and go back to
 * scan_object(), so a smuggled program, archive or disk image is typed and
 * reported as what it is. A decoded payload that is a program, script,
 * shortcut, disk image or archive makes the page smuggling on its own.
 *
 * The page is searched in a lower-cased copy; nothing is parsed as a DOM.
 */
#define _GNU_SOURCE /* memmem */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scan_file.h"

/* A base64 literal shorter than this (about 1 KB decoded) is not a payload. */
#define MIN_B64 1368
/* A numeric array shorter than this is not a payload. */
#define MIN_CODES 512
/* Payloads decoded from one page. */
#define MAX_PAYLOADS 16

struct page {
	struct scan_job *j;
	const uint8_t *p; /* the page as given */
	const uint8_t *s; /* its lower-cased copy */
	size_t n;
	const char *where;
	unsigned depth;
	unsigned payloads;
	char download[128]; /* the first download attribute's file name, or "" */
	char dangerous[96]; /* the first decoded payload that is dangerous, or "" */
};

static int
has(const struct page *pg, const char *lit)
{
	return memmem(pg->s, pg->n, lit, strlen(lit)) != NULL;
}

static int
prefix(const uint8_t *p, size_t n, const char *lit)
{
	size_t m = strlen(lit);
	return n >= m && memcmp(p, lit, m) == 0;
}

static int
b64val(uint8_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

/* Length of the base64 run at p[0..n), line breaks and "\n" escapes allowed. */
static size_t
b64_span(const uint8_t *p, size_t n, size_t *chars)
{
	size_t i = 0;

	*chars = 0;
	while (i < n) {
		if (b64val(p[i]) >= 0) {
			(*chars)++;
			i++;
		} else if (p[i] == '\r' || p[i] == '\n' || p[i] == ' ') {
			i++;
		} else if (p[i] == '\\' && i + 1 < n && (p[i + 1] == 'n' || p[i + 1] == 'r')) {
			i += 2;
		} else {
			break;
		}
	}
	while (i < n && p[i] == '=')
		i++;
	return i;
}

static size_t
b64_decode(const uint8_t *p, size_t n, uint8_t *out)
{
	unsigned acc = 0, bits = 0;
	size_t i, len = 0;

	for (i = 0; i < n; i++) {
		int v = b64val(p[i]);
		if (v < 0)
			continue;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[len++] = (uint8_t)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	return len;
}

static int
dangerous_family(enum scan_family f)
{
	return f == SF_EXEC || f == SF_SCRIPT || f == SF_SHORTCUT || f == SF_DISK ||
	       f == SF_ARCHIVE || f == SF_OPAQUE;
}

/* Types a decoded payload, remembers whether it is dangerous, and scans it. */
static void
payload(struct page *pg, const uint8_t *d, size_t len, const char *name)
{
	struct scan_job *j = pg->j;
	struct scan_type t;
	char nm[160], ew[WARD_FILE_WHERE_MAX];

	if (len == 0 || pg->payloads >= MAX_PAYLOADS)
		return;
	pg->payloads++;
	scan_type_detect(NULL, d, len, 0, &t);
	if (dangerous_family(scan_kind_family(t.kind)) && !pg->dangerous[0])
		snprintf(pg->dangerous, sizeof(pg->dangerous), "%s", t.what);
	if (name && *name)
		snprintf(nm, sizeof(nm), "%s", name);
	else if (pg->download[0] && pg->payloads == 1)
		snprintf(nm, sizeof(nm), "%s", pg->download);
	else
		snprintf(nm, sizeof(nm), "html-payload-%u", pg->payloads);
	scan_where(ew, sizeof(ew), pg->where, nm);
	if (scan_charge(j, ew, len) < 0)
		return;
	scan_object(j, d, len, nm, ew, pg->depth + 1);
}

static void
decode_b64_payload(struct page *pg, const uint8_t *p, size_t n, const char *name)
{
	uint8_t *d;
	size_t len;

	if (n / 4 * 3 + 3 > pg->j->lim->max_size)
		n = pg->j->lim->max_size / 3 * 4;
	d = malloc(n / 4 * 3 + 3);
	if (!d)
		return;
	len = b64_decode(p, n, d);
	payload(pg, d, len, name);
	free(d);
}

/* The value of a download attribute or property: download="x.iso", a.download = 'x.iso'. */
static void
find_download(struct page *pg)
{
	const uint8_t *s = pg->s, *end = pg->s + pg->n, *h;

	while ((h = memmem(s, (size_t)(end - s), "download", 8)) != NULL) {
		size_t i = (size_t)(h - pg->s) + 8, k = 0;
		uint8_t q;
		while (i < pg->n && (pg->s[i] == ' ' || pg->s[i] == '\t'))
			i++;
		if (i < pg->n && pg->s[i] == '=') {
			i++;
			while (i < pg->n && (pg->s[i] == ' ' || pg->s[i] == '\t'))
				i++;
			q = i < pg->n ? pg->s[i] : 0;
			if (q == '"' || q == '\'' || q == '`') {
				i++;
				while (i < pg->n && pg->p[i] != q && k < sizeof(pg->download) - 1 &&
				       pg->p[i] >= 0x20)
					pg->download[k++] = (char)pg->p[i++];
				pg->download[k] = '\0';
				if (k > 0)
					return;
			}
		}
		s = h + 8;
	}
}

/* data: URLs of any type but images and fonts; returns how many had a link or frame. */
static unsigned
data_urls(struct page *pg, unsigned *with_download)
{
	const uint8_t *s = pg->s, *end = pg->s + pg->n, *h;
	unsigned linked = 0;

	*with_download = 0;
	while ((h = memmem(s, (size_t)(end - s), "data:", 5)) != NULL) {
		size_t i = (size_t)(h - pg->s) + 5, m = i, chars, span, back;
		const uint8_t *tag;
		s = h + 5;
		while (m < pg->n && m - i < 200 && pg->s[m] != ',' && pg->s[m] != '"' &&
		       pg->s[m] != '\'')
			m++;
		if (m >= pg->n || pg->s[m] != ',' || !memmem(pg->s + i, m - i, ";base64", 7))
			continue;
		if (prefix(pg->s + i, m - i, "image/") || prefix(pg->s + i, m - i, "font/") ||
		    prefix(pg->s + i, m - i, "text/css") ||
		    prefix(pg->s + i, m - i, "application/font") ||
		    prefix(pg->s + i, m - i, "application/x-font"))
			continue;
		span = b64_span(pg->p + m + 1, pg->n - m - 1, &chars);
		if (chars < 8)
			continue;
		/* Is it the target of a link or frame, with a download attribute? */
		back = (size_t)(h - pg->s) > 512 ? 512 : (size_t)(h - pg->s);
		tag = NULL;
		for (size_t k = (size_t)(h - pg->s); k-- > (size_t)(h - pg->s) - back;)
			if (pg->s[k] == '<') {
				tag = pg->s + k;
				break;
			}
		if (tag && (memcmp(tag, "<a", 2) == 0 || memcmp(tag, "<iframe", 7) == 0 ||
			    memcmp(tag, "<embed", 6) == 0 || memcmp(tag, "<object", 7) == 0)) {
			const uint8_t *gt = memchr(h, '>', (size_t)(end - h));
			linked++;
			if (memmem(tag, (size_t)(h - tag), "download", 8) ||
			    (gt && memmem(h, (size_t)(gt - h), "download", 8)))
				(*with_download)++;
		}
		decode_b64_payload(pg, pg->p + m + 1, span, NULL);
		s = pg->s + m + 1 + span;
	}
	return linked;
}

/* Long base64 string literals in script. */
static void
b64_literals(struct page *pg)
{
	size_t i = 0;

	while (i < pg->n && pg->payloads < MAX_PAYLOADS) {
		uint8_t q = pg->p[i];
		size_t chars, span;
		if (q != '"' && q != '\'' && q != '`') {
			i++;
			continue;
		}
		span = b64_span(pg->p + i + 1, pg->n - i - 1, &chars);
		if (chars >= MIN_B64 && i + 1 + span < pg->n && pg->p[i + 1 + span] == q &&
		    !(i >= 7 && memcmp(pg->s + i - 7, "base64,", 7) == 0))
			decode_b64_payload(pg, pg->p + i + 1, span, NULL);
		i += 1 + span;
	}
}

/* Arrays of byte values: [77,90,144,0,...]. */
static void
code_arrays(struct page *pg)
{
	const uint8_t *s = pg->p, *end = pg->p + pg->n, *h;

	while (pg->payloads < MAX_PAYLOADS && (h = memchr(s, '[', (size_t)(end - s))) != NULL) {
		size_t i = (size_t)(h - pg->p) + 1, count = 0, start = i;
		unsigned v = 0;
		int digits = 0, ok = 1;
		s = h + 1;
		for (; i < pg->n && pg->p[i] != ']'; i++) {
			uint8_t c = pg->p[i];
			if (c >= '0' && c <= '9') {
				v = v * 10 + (unsigned)(c - '0');
				if (v > 255 || ++digits > 3) {
					ok = 0;
					break;
				}
			} else if (c == ',') {
				if (!digits) {
					ok = 0;
					break;
				}
				count++;
				v = 0;
				digits = 0;
			} else if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
				ok = 0;
				break;
			}
		}
		if (!ok || count < MIN_CODES || i >= pg->n)
			continue;
		{
			uint8_t *d = malloc(count + 1);
			size_t len = 0, k;
			if (!d)
				return;
			v = 0;
			digits = 0;
			for (k = start; k < i; k++) {
				uint8_t c = pg->p[k];
				if (c >= '0' && c <= '9') {
					v = v * 10 + (unsigned)(c - '0');
					digits = 1;
				} else if (c == ',' && digits) {
					d[len++] = (uint8_t)v;
					v = 0;
					digits = 0;
				}
			}
			if (digits && len < count + 1)
				d[len++] = (uint8_t)v;
			payload(pg, d, len, NULL);
			free(d);
		}
		s = pg->p + i;
	}
}

void
scan_html(struct scan_job *j, const uint8_t *p, size_t n, const char *where, unsigned depth)
{
	struct page pg;
	uint8_t *low;
	size_t i;
	unsigned linked, with_download;
	char ev[160] = "";
	int blob, save, ms, dl, decode;

	if (n == 0)
		return;
	low = malloc(n);
	if (!low)
		return;
	for (i = 0; i < n; i++)
		low[i] = (uint8_t)tolower(p[i]);
	memset(&pg, 0, sizeof(pg));
	pg.j = j;
	pg.p = p;
	pg.s = low;
	pg.n = n;
	pg.where = where;
	pg.depth = depth;

	find_download(&pg);
	blob = has(&pg, "new blob(") || has(&pg, "blob([");
	ms = has(&pg, "mssaveoropenblob") || has(&pg, "mssaveblob");
	save = has(&pg, "createobjecturl(");
	dl = pg.download[0] || has(&pg, ".download") || has(&pg, "'download'") ||
	     has(&pg, "\"download\"");
	decode = has(&pg, "atob(") || has(&pg, "uint8array") || has(&pg, "fromcharcode") ||
		 has(&pg, "charcodeat(");

	linked = data_urls(&pg, &with_download);
	if (decode || blob || ms) {
		b64_literals(&pg);
		code_arrays(&pg);
	}

	if (ms)
		snprintf(ev, sizeof(ev), "Blob saved with msSaveOrOpenBlob");
	else if (blob && save && dl)
		snprintf(ev, sizeof(ev),
			 "Blob turned into a download link (createObjectURL + download)");
	else if (with_download)
		snprintf(ev, sizeof(ev), "data: URL link with a download attribute");
	else if (pg.dangerous[0] && (linked || decode || blob))
		snprintf(ev, sizeof(ev), "%s %s", linked ? "data: URL carrying" : "script decodes",
			 pg.dangerous);
	if (ev[0]) {
		size_t l = strlen(ev);
		if (decode && l < sizeof(ev))
			snprintf(ev + l, sizeof(ev) - l, ", decoded by script");
		l = strlen(ev);
		if (pg.download[0] && l < sizeof(ev))
			snprintf(ev + l, sizeof(ev) - l, ", saved as \"%.60s\"", pg.download);
		scan_hit(j, &ward_check_file_html_smuggling, where, "%s", ev);
	}
	free(low);
}
