/*
 * PDF active content: JavaScript (/JavaScript, /JS), launch actions
 * (/Launch), embedded files (/EmbeddedFile, /EmbeddedFiles), Flash
 * (/RichMedia) and actions that open embedded documents (/GoToE), reported
 * as file.pdf.active with what was found; /OpenAction and /AA are named as
 * the trigger when one of those is present. Links (/URI) are not reported:
 * the URL checks judge them.
 *
 * Names are read with their #xx escapes decoded, so /J#61vaScript is
 * /JavaScript (the escape is itself reported as evidence of hiding).
 * Compressed object streams (/ObjStm, FlateDecode) are inflated and their
 * names read too; embedded file streams are extracted (raw or FlateDecode)
 * and handed to scan_object(). Nothing else is decoded: no other filters,
 * no encryption, no cross-reference table.
 */
#define _GNU_SOURCE /* memmem */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scan_file.h"
#include "ward/error.h"
#include "ward/text.h"

/* Inflated bytes of one object stream. */
#define MAX_OBJSTM (16u * 1024 * 1024)
/* Streams looked at in one file. */
#define MAX_STREAMS 100000

enum {
	A_JS = 1 << 0,
	A_LAUNCH = 1 << 1,
	A_EMBEDDED = 1 << 2,
	A_RICHMEDIA = 1 << 3,
	A_GOTOE = 1 << 4,
	A_OPENACTION = 1 << 5,
	A_AA = 1 << 6,
	A_ESCAPED = 1 << 7, /* a name of interest written with #xx escapes */
};

static const struct {
	const char *name;
	unsigned flag;
} names[] = {
    {"JavaScript", A_JS},
    {"JS", A_JS},
    {"Launch", A_LAUNCH},
    {"EmbeddedFile", A_EMBEDDED},
    {"EmbeddedFiles", A_EMBEDDED},
    {"RichMedia", A_RICHMEDIA},
    {"GoToE", A_GOTOE},
    {"OpenAction", A_OPENACTION},
    {"AA", A_AA},
};

static int
delim(uint8_t c)
{
	return c <= ' ' || c == '/' || c == '[' || c == ']' || c == '<' || c == '>' || c == '(' ||
	       c == ')' || c == '{' || c == '}' || c == '%' || c >= 0x7f;
}

/* Reads the name starting after the '/' at p[i]; returns the index after it. */
static size_t
read_name(const uint8_t *p, size_t n, size_t i, char *out, size_t size, int *escaped)
{
	size_t len = 0;

	*escaped = 0;
	while (i < n && !delim(p[i])) {
		uint8_t c = p[i++];
		if (c == '#' && i + 1 < n && ward_hexval(p[i]) >= 0 && ward_hexval(p[i + 1]) >= 0) {
			c = (uint8_t)(ward_hexval(p[i]) << 4 | ward_hexval(p[i + 1]));
			i += 2;
			*escaped = 1;
		}
		if (len + 1 < size)
			out[len++] = (char)c;
		else
			len = size; /* too long to be one of ours */
	}
	out[len < size ? len : 0] = '\0';
	return i;
}

static unsigned
scan_names(const uint8_t *p, size_t n)
{
	unsigned flags = 0;
	size_t i = 0, k;
	char name[32];
	int esc;

	while (i < n) {
		const uint8_t *s = memchr(p + i, '/', n - i);
		if (!s)
			break;
		i = read_name(p, n, (size_t)(s - p) + 1, name, sizeof(name), &esc);
		for (k = 0; k < sizeof(names) / sizeof(names[0]); k++)
			if (strcmp(name, names[k].name) == 0) {
				flags |= names[k].flag;
				if (esc)
					flags |= A_ESCAPED;
			}
	}
	return flags;
}

/* Does the dictionary d[0..n) hold /key followed by the name /value (escapes decoded)? */
static int
dict_has(const uint8_t *d, size_t n, const char *key, const char *value)
{
	size_t i = 0;
	char name[32];
	int esc;

	while (i < n) {
		const uint8_t *s = memchr(d + i, '/', n - i);
		if (!s)
			return 0;
		i = read_name(d, n, (size_t)(s - d) + 1, name, sizeof(name), &esc);
		if (strcmp(name, key) != 0)
			continue;
		while (i < n &&
		       (d[i] == ' ' || d[i] == '\r' || d[i] == '\n' || d[i] == '\t' || d[i] == '['))
			i++;
		if (!value)
			return 1;
		if (i < n && d[i] == '/') {
			read_name(d, n, i + 1, name, sizeof(name), &esc);
			if (strcmp(name, value) == 0)
				return 1;
		}
	}
	return 0;
}

/* /Length given as a direct number, or -1. */
static long long
dict_length(const uint8_t *d, size_t n)
{
	size_t i = 0;
	char name[32];
	int esc;

	while (i < n) {
		const uint8_t *s = memchr(d + i, '/', n - i);
		long long v = 0;
		size_t digits = 0, k;
		if (!s)
			return -1;
		i = read_name(d, n, (size_t)(s - d) + 1, name, sizeof(name), &esc);
		if (strcmp(name, "Length") != 0)
			continue;
		while (i < n && (d[i] == ' ' || d[i] == '\r' || d[i] == '\n'))
			i++;
		for (; i < n && d[i] >= '0' && d[i] <= '9' && digits < 12; i++, digits++)
			v = v * 10 + (d[i] - '0');
		/* "12 0 R" is a reference, not a length. */
		for (k = i; k < n && (d[k] == ' ' || d[k] == '\r' || d[k] == '\n'); k++)
			;
		if (k < n && d[k] >= '0' && d[k] <= '9')
			return -1;
		return digits ? v : -1;
	}
	return -1;
}

struct pdf {
	struct scan_job *j;
	const uint8_t *p;
	size_t n;
	const char *where;
	unsigned depth;
	unsigned flags;
	unsigned embedded;
};

static void
embedded_file(struct pdf *pd, const uint8_t *data, size_t len, int flate)
{
	struct scan_job *j = pd->j;
	struct ward_buf b;
	char name[32], ew[WARD_FILE_WHERE_MAX];
	uint64_t budget;

	snprintf(name, sizeof(name), "embedded-%u", ++pd->embedded);
	scan_where(ew, sizeof(ew), pd->where, name);
	if (!flate) {
		if (scan_charge(j, ew, len) == 0)
			scan_object(j, data, len, name, ew, pd->depth + 1);
		return;
	}
	budget = scan_budget(j, ew);
	if (budget == 0)
		return;
	ward_buf_init(&b);
	if (scan_inflate(data, len, 0,
			 budget < j->lim->max_size ? (size_t)budget : j->lim->max_size,
			 &b) != WARD_EFORMAT &&
	    !ward_buf_failed(&b) && scan_charge(j, ew, b.len) == 0)
		scan_object(j, (const uint8_t *)b.p, b.len, name, ew, pd->depth + 1);
	ward_buf_free(&b);
}

/*
 * Reads the names between streams (stream data is skipped: compressed
 * bytes would spell "/JS" by chance), inflates object streams and reads
 * their names, and extracts embedded files.
 */
static void
walk(struct pdf *pd)
{
	const uint8_t *p = pd->p, *s = p, *end = p + pd->n, *h, *gap = p;
	size_t floor = 0; /* a dictionary starts after the previous "stream" */
	unsigned count = 0;

	while ((h = memmem(s, (size_t)(end - s), "stream", 6)) != NULL && count++ < MAX_STREAMS) {
		size_t at = (size_t)(h - p), ds, dlen, back, k;
		const uint8_t *dict = NULL, *e;
		long long len;
		int flate, objstm, embedded;

		s = h + 6;
		if (at >= 3 && memcmp(h - 3, "end", 3) == 0) {
			floor = at + 6;
			continue;
		}
		/* The dictionary: back to the nearest "obj", within 64 KB and after
		 * the previous stream, so that every byte is looked at once. */
		back = at - floor > 65536 ? 65536 : at - floor;
		for (k = at; back >= 3 && k-- > at - back + 2;)
			if (p[k] == 'j' && p[k - 1] == 'b' && p[k - 2] == 'o') {
				dict = p + k + 1;
				break;
			}
		floor = at + 6;
		if (!dict)
			continue;
		pd->flags |= scan_names(gap, (size_t)(h - gap));
		ds = at + 6;
		if (ds < pd->n && p[ds] == '\r')
			ds++;
		if (ds < pd->n && p[ds] == '\n')
			ds++;
		len = dict_length(dict, (size_t)(h - dict));
		if (len >= 0 && (unsigned long long)len <= pd->n - ds) {
			dlen = (size_t)len;
		} else {
			e = memmem(p + ds, pd->n - ds, "endstream", 9);
			dlen = e ? (size_t)(e - (p + ds)) : pd->n - ds;
		}
		flate = dict_has(dict, (size_t)(h - dict), "Filter", "FlateDecode") ||
			dict_has(dict, (size_t)(h - dict), "Filter", "Fl");
		objstm = dict_has(dict, (size_t)(h - dict), "Type", "ObjStm");
		embedded = dict_has(dict, (size_t)(h - dict), "Type", "EmbeddedFile");
		if (objstm && flate) {
			/* Inflated bytes count against the job's budget like any unpacking. */
			uint64_t budget = scan_budget(pd->j, pd->where);
			struct ward_buf b;
			if (budget == 0)
				break;
			ward_buf_init(&b);
			if (scan_inflate(p + ds, dlen, 0,
					 budget < MAX_OBJSTM ? (size_t)budget : MAX_OBJSTM,
					 &b) != WARD_EFORMAT &&
			    !ward_buf_failed(&b)) {
				pd->j->total += b.len;
				pd->flags |= scan_names((const uint8_t *)b.p, b.len);
			}
			ward_buf_free(&b);
		} else if (embedded) {
			pd->flags |= A_EMBEDDED;
			embedded_file(pd, p + ds, dlen, flate);
		}
		s = p + ds + dlen;
		gap = s;
	}
	pd->flags |= scan_names(gap, (size_t)(end - gap));
}

void
scan_pdf(struct scan_job *j, const uint8_t *p, size_t n, const char *where, unsigned depth)
{
	struct pdf pd = {j, p, n, where, depth, 0, 0};
	char ev[160] = "";
	size_t l;

	walk(&pd);
	if (!(pd.flags & (A_JS | A_LAUNCH | A_EMBEDDED | A_RICHMEDIA | A_GOTOE)))
		return;
#define ADD(cond, text)                                                                            \
	do {                                                                                       \
		l = strlen(ev);                                                                    \
		if ((cond) && l < sizeof(ev))                                                      \
			snprintf(ev + l, sizeof(ev) - l, "%s%s", l ? ", " : "", text);             \
	} while (0)
	ADD(pd.flags & A_JS, "JavaScript");
	ADD(pd.flags & A_LAUNCH, "launch action");
	ADD(pd.flags & A_EMBEDDED, "embedded file");
	ADD(pd.flags & A_RICHMEDIA, "rich media (Flash)");
	ADD(pd.flags & A_GOTOE, "action opening an embedded document");
	ADD(pd.flags & A_OPENACTION, "run on open (/OpenAction)");
	ADD((pd.flags & (A_AA | A_OPENACTION)) == A_AA, "additional actions (/AA)");
	ADD(pd.flags & A_ESCAPED, "names hidden with #xx escapes");
#undef ADD
	scan_hit(j, &ward_check_file_pdf_active, where, "%s", ev);
}
