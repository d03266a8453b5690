/*
 * Windows Zone.Identifier streams: the "Mark of the Web" NTFS attaches to a
 * download, as INI text. Copied off NTFS it shows up as a "NAME:Zone.Identifier"
 * sidecar file (WSL, 7-Zip, tar from Windows) or a user.* attribute:
 *
 *   [ZoneTransfer]
 *   ZoneId=3
 *   ReferrerUrl=https://example.org/download.html
 *   HostUrl=https://cdn.example.org/setup.exe
 *   LastWriterPackageFamilyName=Microsoft.MicrosoftEdge.Stable_8wekyb3d8bbwe
 *
 * Browsers write UTF-8 (sometimes with a BOM); other tools write UTF-16LE with
 * a BOM, so UTF-16 either way round is read too, transcoded line by line.
 * Lines end in CRLF, LF or CR. Only keys of the [ZoneTransfer] section count,
 * matched without regard to case, the first of each winning (as
 * GetPrivateProfileString does). HostUrl goes before ReferrerUrl whatever
 * their order; the writing package becomes the agent. The text is untrusted
 * and read once, without allocation: a line longer than WARD_LIMIT_LINE_LEN
 * is cut.
 */
#include <string.h>
#include <strings.h>

#include "ward/error.h"
#include "ward/origin.h"
#include "ward/text.h"
#include "limits.h"

enum enc { ENC_UTF8, ENC_UTF16LE, ENC_UTF16BE };

struct reader {
	const uint8_t *p;
	size_t n, i;
	enum enc enc;
};

struct line {
	char s[WARD_LIMIT_LINE_LEN];
	size_t len;
};

/* The next UTF-16 code unit, or -1 at the end (an odd last byte is dropped). */
static long
unit(struct reader *r)
{
	unsigned u;

	if (r->n - r->i < 2)
		return -1;
	if (r->enc == ENC_UTF16LE)
		u = r->p[r->i] | (unsigned)r->p[r->i + 1] << 8;
	else
		u = (unsigned)r->p[r->i] << 8 | r->p[r->i + 1];
	r->i += 2;
	return (long)u;
}

/* The next character: a byte of UTF-8 text, or a code point of UTF-16 text
 * (lone surrogates become U+FFFD). -1 at the end. */
static long
next(struct reader *r)
{
	long c, lo;
	size_t save;

	if (r->enc == ENC_UTF8)
		return r->i < r->n ? r->p[r->i++] : -1;
	c = unit(r);
	if (c < 0xd800 || c > 0xdfff)
		return c;
	if (c >= 0xdc00)
		return 0xfffd;
	save = r->i;
	lo = unit(r);
	if (lo < 0xdc00 || lo > 0xdfff) {
		r->i = save;
		return 0xfffd;
	}
	return 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
}

/* Appends character c to l (UTF-8 encoded unless raw), dropping what does
 * not fit whole. */
static void
put(struct line *l, long c, int raw)
{
	unsigned char b[4];
	size_t k;

	if (raw) {
		b[0] = (unsigned char)c;
		k = 1;
	} else {
		k = ward_utf8_put((unsigned long)c, b);
	}
	if (l->len + k > sizeof(l->s))
		return;
	memcpy(l->s + l->len, b, k);
	l->len += k;
}

/* Reads one line (without its end) into l; 0 at the end of the text. */
static int
read_line(struct reader *r, struct line *l)
{
	long c;

	l->len = 0;
	if (r->i >= r->n || (r->enc != ENC_UTF8 && r->n - r->i < 2))
		return 0;
	while ((c = next(r)) >= 0 && c != '\n' && c != '\r')
		put(l, c, r->enc == ENC_UTF8);
	return 1;
}

static int
is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f';
}

static void
trim(const char **s, size_t *n)
{
	while (*n > 0 && is_space((unsigned char)**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && is_space((unsigned char)(*s)[*n - 1]))
		(*n)--;
}

static int
is_word(const char *s, size_t n, const char *w)
{
	return strlen(w) == n && !strncasecmp(s, w, n);
}

/* A ZoneId value: 1 to 9 decimal digits, else -1. */
static int
zone_value(const char *s, size_t n)
{
	int v = 0;
	size_t i;

	if (n == 0 || n > 9)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* Copies the package name into o->agent: control bytes as '?', cut before a
 * character that does not fit. */
static void
set_agent(struct ward_origin *o, const char *s, size_t n)
{
	size_t k = n < sizeof(o->agent) - 1 ? n : sizeof(o->agent) - 1, i;

	if (k < n)
		while (k > 0 && ((unsigned char)s[k] & 0xc0) == 0x80)
			k--;
	for (i = 0; i < k; i++) {
		unsigned char c = (unsigned char)s[i];
		o->agent[i] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	o->agent[k] = '\0';
}

static enum enc
detect(const uint8_t *p, size_t n, size_t *skip)
{
	*skip = 0;
	if (n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf) {
		*skip = 3;
		return ENC_UTF8;
	}
	if (n >= 2 && p[0] == 0xff && p[1] == 0xfe) {
		*skip = 2;
		return ENC_UTF16LE;
	}
	if (n >= 2 && p[0] == 0xfe && p[1] == 0xff) {
		*skip = 2;
		return ENC_UTF16BE;
	}
	/* "[\0Z\0..." without a BOM. */
	if (n >= 2 && p[0] != 0 && p[1] == 0)
		return ENC_UTF16LE;
	if (n >= 2 && p[0] == 0 && p[1] != 0)
		return ENC_UTF16BE;
	return ENC_UTF8;
}

/* Keeps the first value of a URL key: enough of it to fill a URL slot. */
struct value {
	char s[sizeof(((struct ward_origin *)0)->urls[0])];
	size_t len;
	int set;
};

static void
keep(struct value *val, const char *v, size_t n)
{
	if (val->set)
		return;
	val->set = 1;
	val->len = n;
	if (n > sizeof(val->s)) {
		/* Cut before the character that does not fit. */
		val->len = sizeof(val->s);
		while (val->len > 0 && ((unsigned char)v[val->len] & 0xc0) == 0x80)
			val->len--;
	}
	memcpy(val->s, v, val->len);
}

int
ward_origin_zone_identifier(const uint8_t *p, size_t n, struct ward_origin *o)
{
	struct value host = {.set = 0}, ref = {.set = 0};
	struct reader r;
	struct line l;
	int in_section = 0, seen_section = 0, have_zone = 0, have_agent = 0;
	size_t skip;

	ward_origin_init(o);
	o->source = "Zone.Identifier";
	if (n > WARD_LIMIT_ORIGIN_SIZE)
		return WARD_ELIMIT;
	r.enc = detect(p, n, &skip);
	r.p = p;
	r.n = n;
	r.i = skip;
	while (read_line(&r, &l)) {
		const char *s = l.s, *eq, *v;
		size_t len = l.len, klen, vlen;

		trim(&s, &len);
		if (len == 0 || s[0] == ';' || s[0] == '#')
			continue;
		if (s[0] == '[') {
			const char *close = memchr(s, ']', len);
			const char *name = s + 1;
			size_t nlen = close ? (size_t)(close - name) : len - 1;

			trim(&name, &nlen);
			in_section = is_word(name, nlen, "ZoneTransfer");
			seen_section |= in_section;
			continue;
		}
		eq = memchr(s, '=', len);
		if (!in_section || !eq)
			continue;
		klen = (size_t)(eq - s);
		v = eq + 1;
		vlen = len - klen - 1;
		trim(&s, &klen);
		trim(&v, &vlen);
		if (is_word(s, klen, "ZoneId") && !have_zone) {
			o->zone = zone_value(v, vlen);
			have_zone = 1;
		} else if (is_word(s, klen, "HostUrl")) {
			keep(&host, v, vlen);
		} else if (is_word(s, klen, "ReferrerUrl")) {
			keep(&ref, v, vlen);
		} else if (is_word(s, klen, "LastWriterPackageFamilyName") && !have_agent) {
			set_agent(o, v, vlen);
			have_agent = 1;
		}
	}
	if (!seen_section)
		return WARD_EFORMAT;
	if (host.set)
		ward_origin_add_url(o, host.s, host.len);
	if (ref.set)
		ward_origin_add_url(o, ref.s, ref.len);
	return 0;
}
