/*
 * kMDItemWhereFroms values: the property list macOS stores with a download,
 * an array of strings (the file's URL, then the page it came from). Safari,
 * Chrome and curl-like tools write it as a binary plist; older tools and
 * hand-made files use XML. Only what that needs is read.
 *
 * Binary plist ("bplist00"): a 32-byte trailer at the end gives the size of
 * offsets and of object references, the object count, the top object and
 * where the offset table starts; each object starts with a marker byte whose
 * high nibble is its type and low nibble its length (0xF: an int object with
 * the length follows). Everything in it is untrusted: each offset must point
 * between the header and the offset table, each reference must name an
 * object, each length must keep the object before the offset table, arrays
 * that contain themselves are refused, and the walk stops after
 * WARD_LIMIT_ORIGIN_ENTRIES objects or WARD_LIMIT_PLIST_DEPTH levels of
 * nesting. Strings: ASCII (bytes), UTF-16BE (to UTF-8, lone surrogates
 * become U+FFFD) and UTF-8. Other objects (numbers, data, dictionaries) are
 * skipped.
 *
 * XML plist: the <string> elements of the document in order, with the five
 * XML entities and numeric character references decoded.
 */
#define _GNU_SOURCE /* memmem */
#include <string.h>

#include "ward/error.h"
#include "ward/origin.h"
#include "ward/text.h"
#include "limits.h"

#define TRAILER 32
#define HEADER 8

/* Room for the UTF-8 form of one string: more than a URL slot holds, so
 * that the cut happens in ward_origin_add_url, at a character boundary. */
#define TEXT_MAX 4096

struct bplist {
	const uint8_t *p;
	uint64_t n_objects, table; /* object count; offset table position */
	unsigned off_size, ref_size;
	unsigned visits;
	uint64_t path[WARD_LIMIT_PLIST_DEPTH]; /* arrays being walked */
	char text[TEXT_MAX];		       /* one UTF-16 string as UTF-8 */
};

static uint64_t
be(const uint8_t *p, unsigned k)
{
	uint64_t v = 0;
	unsigned i;

	for (i = 0; i < k; i++)
		v = v << 8 | p[i];
	return v;
}

/* Appends code point c to out[0..TEXT_MAX) as UTF-8; 0 when full. */
static int
put_utf8(char *out, size_t *len, unsigned long c)
{
	unsigned char b[4];
	size_t k = ward_utf8_put(c, b);

	if (*len + k > TEXT_MAX)
		return 0;
	memcpy(out + *len, b, k);
	*len += k;
	return 1;
}

/* UTF-16BE s[0..units) to UTF-8 in out; returns the length. */
static size_t
utf16be(const uint8_t *s, uint64_t units, char *out)
{
	size_t len = 0;
	uint64_t i;

	for (i = 0; i < units; i++) {
		unsigned long c = be(s + 2 * i, 2), lo;

		if (c >= 0xd800 && c <= 0xdbff && i + 1 < units &&
		    (lo = be(s + 2 * (i + 1), 2)) >= 0xdc00 && lo <= 0xdfff) {
			c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
			i++;
		} else if (c >= 0xd800 && c <= 0xdfff) {
			c = 0xfffd;
		}
		if (!put_utf8(out, &len, c))
			break;
	}
	return len;
}

/* Where object idx starts. */
static int
object_offset(const struct bplist *b, uint64_t idx, uint64_t *off)
{
	if (idx >= b->n_objects)
		return WARD_EFORMAT;
	*off = be(b->p + b->table + idx * b->off_size, b->off_size);
	if (*off < HEADER || *off >= b->table)
		return WARD_EFORMAT;
	return 0;
}

/*
 * The element count of the object at off and where its content starts; the
 * content (count * unit bytes) must end before the offset table.
 */
static int
object_length(const struct bplist *b, uint64_t off, unsigned unit, uint64_t *count, uint64_t *data)
{
	unsigned low = b->p[off] & 0x0f, k;

	if (low != 0x0f) {
		*count = low;
		*data = off + 1;
	} else {
		if (off + 2 > b->table || (b->p[off + 1] & 0xf0) != 0x10)
			return WARD_EFORMAT;
		k = 1u << (b->p[off + 1] & 0x0f);
		if (k > 8 || off + 2 + k > b->table)
			return WARD_EFORMAT;
		*count = be(b->p + off + 2, k);
		*data = off + 2 + k;
	}
	if (*count > (b->table - *data) / unit)
		return WARD_EFORMAT;
	return 0;
}

static int
visit(struct bplist *b, uint64_t idx, unsigned depth, struct ward_origin *o)
{
	uint64_t off, count, data, i;
	unsigned d, type;
	size_t len;
	int rc;

	if (++b->visits > WARD_LIMIT_ORIGIN_ENTRIES)
		return WARD_ELIMIT;
	for (d = 0; d < depth; d++)
		if (b->path[d] == idx)
			return WARD_EFORMAT; /* an array inside itself */
	if ((rc = object_offset(b, idx, &off)) < 0)
		return rc;
	type = b->p[off] >> 4;
	switch (type) {
	case 0x5: /* ASCII string */
	case 0x7: /* UTF-8 string */
		if ((rc = object_length(b, off, 1, &count, &data)) < 0)
			return rc;
		ward_origin_add_url(o, (const char *)b->p + data, (size_t)count);
		return 0;
	case 0x6: /* UTF-16BE string, count in code units */
		if ((rc = object_length(b, off, 2, &count, &data)) < 0)
			return rc;
		len = utf16be(b->p + data, count, b->text);
		ward_origin_add_url(o, b->text, len);
		return 0;
	case 0xa: /* array of object references */
		if (depth >= WARD_LIMIT_PLIST_DEPTH)
			return WARD_ELIMIT;
		if ((rc = object_length(b, off, b->ref_size, &count, &data)) < 0)
			return rc;
		b->path[depth] = idx;
		for (i = 0; i < count && o->n_urls < WARD_ORIGIN_MAX_URLS; i++) {
			rc = visit(b, be(b->p + data + i * b->ref_size, b->ref_size), depth + 1, o);
			if (rc < 0)
				return rc;
		}
		return 0;
	default:
		return 0;
	}
}

static int
binary(const uint8_t *p, size_t n, struct ward_origin *o)
{
	const uint8_t *t;
	struct bplist b;
	uint64_t top;

	if (n < HEADER + 1 + TRAILER)
		return WARD_EFORMAT;
	t = p + n - TRAILER;
	b.visits = 0;
	b.p = p;
	b.off_size = t[6];
	b.ref_size = t[7];
	b.n_objects = be(t + 8, 8);
	top = be(t + 16, 8);
	b.table = be(t + 24, 8);
	if (b.off_size < 1 || b.off_size > 8 || b.ref_size < 1 || b.ref_size > 8 ||
	    b.n_objects == 0 || top >= b.n_objects || b.table <= HEADER || b.table > n - TRAILER ||
	    b.n_objects > (n - TRAILER - b.table) / b.off_size)
		return WARD_EFORMAT;
	return visit(&b, top, 0, o);
}

/* Decodes XML character data s[0..n) into out; returns the length. */
static size_t
xml_text(const uint8_t *s, size_t n, char *out)
{
	static const struct {
		const char *name;
		char c;
	} ents[] = {{"amp;", '&'}, {"lt;", '<'}, {"gt;", '>'}, {"quot;", '"'}, {"apos;", '\''}};
	size_t i = 0, len = 0, e, k;

	while (i < n) {
		unsigned long c = s[i];

		if (c == '&') {
			for (e = 0; e < sizeof(ents) / sizeof(ents[0]); e++) {
				k = strlen(ents[e].name);
				if (n - i - 1 >= k && !memcmp(s + i + 1, ents[e].name, k))
					break;
			}
			if (e < sizeof(ents) / sizeof(ents[0])) {
				c = (unsigned char)ents[e].c;
				i += 1 + k;
			} else if (i + 2 < n && s[i + 1] == '#') {
				int hex = s[i + 2] == 'x' || s[i + 2] == 'X';
				size_t j = i + 2 + (size_t)hex;
				unsigned long v = 0;

				while (j < n && j - i < 12 &&
				       ((s[j] >= '0' && s[j] <= '9') ||
					(hex && (s[j] | 0x20) >= 'a' && (s[j] | 0x20) <= 'f'))) {
					unsigned dig =
					    s[j] <= '9' ? s[j] - '0' : (s[j] | 0x20) - 'a' + 10;
					v = v * (hex ? 16 : 10) + dig;
					j++;
				}
				if (j < n && s[j] == ';' && j > i + 2 + (size_t)hex) {
					c = (v == 0 || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
						? 0xfffd
						: v;
					i = j + 1;
				} else {
					i++;
				}
			} else {
				i++;
			}
			if (!put_utf8(out, &len, c))
				break;
			continue;
		}
		if (len >= TEXT_MAX)
			break;
		out[len++] = (char)s[i++];
	}
	return len;
}

static int
xml(const uint8_t *p, size_t n, struct ward_origin *o)
{
	static const char open[] = "<string", close[] = "</string>";
	char buf[TEXT_MAX];
	const uint8_t *s = p, *end = p + n, *tag, *stop;
	unsigned count = 0;

	if (!memmem(p, n, "<plist", 6))
		return WARD_EFORMAT;
	while ((tag = memmem(s, (size_t)(end - s), open, sizeof(open) - 1)) != NULL) {
		s = tag + sizeof(open) - 1;
		if (s < end && s[0] == '/') /* <string/> */
			continue;
		if (s >= end || s[0] != '>')
			continue; /* <strings...>, not ours */
		s++;
		if (++count > WARD_LIMIT_ORIGIN_ENTRIES)
			return WARD_ELIMIT;
		stop = memmem(s, (size_t)(end - s), close, sizeof(close) - 1);
		if (!stop)
			return WARD_EFORMAT;
		ward_origin_add_url(o, buf, xml_text(s, (size_t)(stop - s), buf));
		s = stop + sizeof(close) - 1;
		if (o->n_urls >= WARD_ORIGIN_MAX_URLS)
			break;
	}
	return 0;
}

int
ward_origin_wherefroms(const uint8_t *p, size_t n, struct ward_origin *o)
{
	size_t i = 0;

	if (n > WARD_LIMIT_ORIGIN_SIZE)
		return WARD_ELIMIT;
	if (n >= 8 && !memcmp(p, "bplist0", 7))
		return binary(p, n, o);
	if (n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
		i = 3;
	while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
		i++;
	if (i < n && p[i] == '<')
		return xml(p + i, n - i, o);
	return WARD_EFORMAT;
}
