/*
 * Charset conversion to UTF-8 for mail text and headers. UTF-8, US-ASCII,
 * Latin-1 and windows-1252 are converted here without iconv (most mail);
 * everything else goes through iconv with a small pool of open handles, so a
 * scan does not pay iconv_open() per part. Mail names its
 * charsets loosely: common aliases are mapped to the superset iconv knows
 * (ks_c_5601-1987 -> CP949, shift_jis -> CP932, gb2312 -> GB18030, ...).
 * An unknown charset is read as windows-1252; invalid bytes become U+FFFD.
 */
#include <errno.h>
#include <iconv.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail_mime_priv.h"

/* windows-1252 0x80-0x9f; the five holes map to the C1 controls (as WHATWG does). */
static const uint16_t cp1252_hi[32] = {
    0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008d, 0x017d, 0x008f, 0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022,
    0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x009d, 0x017e, 0x0178,
};

static void
cp1252_to_utf8(const uint8_t *p, size_t n, struct ward_buf *out)
{
	uint8_t *o, *o0;
	size_t i;

	o0 = o = ward_mime_buf_grow(out, n * 3);
	if (!o)
		return;
	for (i = 0; i < n; i++) {
		unsigned c = p[i];

		if (c < 0x80) {
			*o++ = (uint8_t)c;
			continue;
		}
		if (c < 0xa0)
			c = cp1252_hi[c - 0x80];
		if (c < 0x800) {
			*o++ = (uint8_t)(0xc0 | c >> 6);
			*o++ = (uint8_t)(0x80 | (c & 0x3f));
		} else {
			*o++ = (uint8_t)(0xe0 | c >> 12);
			*o++ = (uint8_t)(0x80 | ((c >> 6) & 0x3f));
			*o++ = (uint8_t)(0x80 | (c & 0x3f));
		}
	}
	out->len += (size_t)(o - o0);
	out->p[out->len] = '\0';
}

/* Length of the valid UTF-8 sequence at p[0..n), or 0 if it is invalid. */
static size_t
utf8_seq(const uint8_t *p, size_t n)
{
	unsigned c = p[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return (n >= 2 && (p[1] & 0xc0) == 0x80) ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		if (n < 3 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80)
			return 0;
		if ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] > 0x9f))
			return 0;
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if (n < 4 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80 ||
		    (p[3] & 0xc0) != 0x80)
			return 0;
		if ((c == 0xf0 && p[1] < 0x90) || (c == 0xf4 && p[1] > 0x8f))
			return 0;
		return 4;
	}
	return 0;
}

/* Offset of the first invalid UTF-8 byte, or n. */
static size_t
utf8_prefix(const uint8_t *p, size_t n)
{
	size_t i = 0, l;

	while (i < n) {
		/* Eight ASCII bytes at a time. */
		while (i + 8 <= n) {
			uint64_t w;

			memcpy(&w, p + i, 8);
			if (w & 0x8080808080808080ull)
				break;
			i += 8;
		}
		if (i >= n)
			break;
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		l = utf8_seq(p + i, n - i);
		if (!l)
			return i;
		i += l;
	}
	return n;
}

int
ward_mime_utf8_valid(const uint8_t *p, size_t n)
{
	return utf8_prefix(p, n) == n;
}

static const char fffd[3] = {(char)0xef, (char)0xbf, (char)0xbd};

/* Copies valid UTF-8 and replaces each invalid byte; returns 1 if any was. */
static int
utf8_sanitize(const uint8_t *p, size_t n, struct ward_buf *out)
{
	size_t i = 0, j, l;
	int bad = 0;

	while (i < n) {
		j = i + utf8_prefix(p + i, n - i);
		ward_buf_add(out, p + i, j - i);
		if (j >= n)
			break;
		bad = 1;
		ward_buf_add(out, fffd, 3);
		i = j + 1;
		/* Skip continuation bytes of the broken sequence. */
		l = 0;
		while (i < n && (p[i] & 0xc0) == 0x80 && l++ < 3)
			i++;
	}
	return bad;
}

/* ---- iconv handle pool ---- */

/*
 * Open iconv handles are kept in one small process-wide pool: a conversion
 * takes a handle for its charset out (lock, look up, unlock) and puts it
 * back, so each charset pays iconv_open() once, threads never share a
 * handle while converting, and nothing is left behind when a thread ends.
 * Charsets iconv does not know are remembered too (cd == (iconv_t)-1).
 */
#define POOL_SLOTS 32
#define NAME_MAX_LEN 40

struct cs_slot {
	char name[NAME_MAX_LEN]; /* iconv name; "" for a free slot */
	iconv_t cd;		 /* (iconv_t)-1: iconv does not know the name */
	unsigned long used;
	int busy;
};

static struct cs_slot pool[POOL_SLOTS];
static unsigned long pool_clock;
static pthread_mutex_t pool_mu = PTHREAD_MUTEX_INITIALIZER;

#define UNPOOLED (-2)

/*
 * Takes a handle converting name to UTF-8; *cd is (iconv_t)-1 if there is
 * none. Returns the slot to give back with pool_put().
 */
static int
pool_get(const char *name, iconv_t *cd)
{
	struct cs_slot *s, *victim = NULL;
	iconv_t fresh;
	int i;

	*cd = (iconv_t)-1;
	if (!name[0] || strlen(name) >= NAME_MAX_LEN)
		return -1;
	pthread_mutex_lock(&pool_mu);
	for (i = 0; i < POOL_SLOTS; i++) {
		s = &pool[i];
		if (!s->name[0] || s->busy || strcmp(s->name, name) != 0)
			continue;
		s->used = ++pool_clock;
		*cd = s->cd;
		if (s->cd == (iconv_t)-1) {
			pthread_mutex_unlock(&pool_mu);
			return -1;
		}
		s->busy = 1;
		pthread_mutex_unlock(&pool_mu);
		iconv(*cd, NULL, NULL, NULL, NULL);
		return i;
	}
	pthread_mutex_unlock(&pool_mu);

	fresh = iconv_open("UTF-8", name);
	*cd = fresh;
	pthread_mutex_lock(&pool_mu);
	for (i = 0; i < POOL_SLOTS; i++) {
		s = &pool[i];
		if (s->busy)
			continue;
		if (!s->name[0]) {
			victim = s;
			break;
		}
		if (!victim || s->used < victim->used)
			victim = s;
	}
	if (!victim) {
		/* Every slot is in use: this handle lives for one conversion. */
		pthread_mutex_unlock(&pool_mu);
		return fresh == (iconv_t)-1 ? -1 : UNPOOLED;
	}
	if (victim->name[0] && victim->cd != (iconv_t)-1)
		iconv_close(victim->cd);
	snprintf(victim->name, sizeof(victim->name), "%s", name);
	victim->cd = fresh;
	victim->used = ++pool_clock;
	victim->busy = fresh != (iconv_t)-1;
	pthread_mutex_unlock(&pool_mu);
	return fresh == (iconv_t)-1 ? -1 : (int)(victim - pool);
}

static void
pool_put(int slot, iconv_t cd)
{
	if (slot == UNPOOLED) {
		iconv_close(cd);
	} else if (slot >= 0) {
		pthread_mutex_lock(&pool_mu);
		pool[slot].busy = 0;
		pthread_mutex_unlock(&pool_mu);
	}
}

/* Converts with cd; returns 1 if invalid input was replaced. */
static int
iconv_convert(iconv_t cd, const uint8_t *p, size_t n, struct ward_buf *out)
{
	char *in = (char *)(uintptr_t)p, *o;
	size_t inleft = n, outleft, room, r;
	int bad = 0;

	for (;;) {
		room = inleft * 2 + 64;
		o = (char *)ward_mime_buf_grow(out, room);
		if (!o)
			return bad;
		outleft = room;
		r = iconv(cd, inleft ? &in : NULL, inleft ? &inleft : NULL, &o, &outleft);
		out->len += room - outleft;
		if (r != (size_t)-1) {
			if (inleft == 0) {
				/* Flush shift state (ISO-2022-JP) and stop. */
				o = (char *)ward_mime_buf_grow(out, 64);
				if (o) {
					outleft = 64;
					iconv(cd, NULL, NULL, &o, &outleft);
					out->len += 64 - outleft;
				}
				break;
			}
			continue;
		}
		if (errno == E2BIG)
			continue;
		/* EILSEQ or EINVAL (truncated at the end): replace one byte, go on. */
		bad = 1;
		ward_buf_add(out, fffd, 3);
		if (inleft == 0)
			break;
		in++;
		inleft--;
		if (inleft == 0)
			break;
	}
	if (out->p)
		out->p[out->len] = '\0';
	return bad;
}

/* ---- names ---- */

enum cs_kind { CS_UTF8, CS_1252, CS_ICONV, CS_UNKNOWN, CS_GUESS };

struct alias {
	const char *name;
	enum cs_kind kind;
	const char *iconv_name;
};

static const struct alias aliases[] = {
    {"utf-8", CS_UTF8, NULL},
    {"utf8", CS_UTF8, NULL},
    {"us-ascii", CS_UTF8, NULL},
    {"ascii", CS_UTF8, NULL},
    {"us", CS_UTF8, NULL},
    {"ansi_x3.4-1968", CS_UTF8, NULL},
    {"iso646-us", CS_UTF8, NULL},
    {"unicode-1-1-utf-8", CS_UTF8, NULL},
    {"x-unicode20utf8", CS_UTF8, NULL},
    {"iso-8859-1", CS_1252, NULL},
    {"iso8859-1", CS_1252, NULL},
    {"iso_8859-1", CS_1252, NULL},
    {"iso-8859-1:1987", CS_1252, NULL},
    {"iso_8859-1:1987", CS_1252, NULL},
    {"latin1", CS_1252, NULL},
    {"latin-1", CS_1252, NULL},
    {"l1", CS_1252, NULL},
    {"cp819", CS_1252, NULL},
    {"ibm819", CS_1252, NULL},
    {"windows-1252", CS_1252, NULL},
    {"cp1252", CS_1252, NULL},
    {"x-cp1252", CS_1252, NULL},
    {"win-1252", CS_1252, NULL},
    {"ks_c_5601-1987", CS_ICONV, "CP949"},
    {"ks_c_5601-1989", CS_ICONV, "CP949"},
    {"ks_c_5601", CS_ICONV, "CP949"},
    {"ksc5601", CS_ICONV, "CP949"},
    {"ksc_5601", CS_ICONV, "CP949"},
    {"euc-kr", CS_ICONV, "CP949"},
    {"x-euc-kr", CS_ICONV, "CP949"},
    {"euckr", CS_ICONV, "CP949"},
    {"korean", CS_ICONV, "CP949"},
    {"cp949", CS_ICONV, "CP949"},
    {"windows-949", CS_ICONV, "CP949"},
    {"uhc", CS_ICONV, "CP949"},
    {"shift_jis", CS_ICONV, "CP932"},
    {"shift-jis", CS_ICONV, "CP932"},
    {"x-sjis", CS_ICONV, "CP932"},
    {"sjis", CS_ICONV, "CP932"},
    {"ms_kanji", CS_ICONV, "CP932"},
    {"csshiftjis", CS_ICONV, "CP932"},
    {"windows-31j", CS_ICONV, "CP932"},
    {"cp932", CS_ICONV, "CP932"},
    {"x-ms-cp932", CS_ICONV, "CP932"},
    {"euc-jp", CS_ICONV, "EUC-JP-MS"},
    {"x-euc-jp", CS_ICONV, "EUC-JP-MS"},
    {"eucjp", CS_ICONV, "EUC-JP-MS"},
    {"iso-2022-jp", CS_ICONV, "ISO-2022-JP-3"},
    {"csiso2022jp", CS_ICONV, "ISO-2022-JP-3"},
    {"iso-2022-jp-1", CS_ICONV, "ISO-2022-JP-3"},
    {"gb2312", CS_ICONV, "GB18030"},
    {"gb_2312-80", CS_ICONV, "GB18030"},
    {"csgb2312", CS_ICONV, "GB18030"},
    {"euc-cn", CS_ICONV, "GB18030"},
    {"x-euc-cn", CS_ICONV, "GB18030"},
    {"gbk", CS_ICONV, "GB18030"},
    {"x-gbk", CS_ICONV, "GB18030"},
    {"cp936", CS_ICONV, "GB18030"},
    {"ms936", CS_ICONV, "GB18030"},
    {"windows-936", CS_ICONV, "GB18030"},
    {"chinese", CS_ICONV, "GB18030"},
    {"gb18030", CS_ICONV, "GB18030"},
    {"big5", CS_ICONV, "BIG5-HKSCS"},
    {"big-5", CS_ICONV, "BIG5-HKSCS"},
    {"x-big5", CS_ICONV, "BIG5-HKSCS"},
    {"cn-big5", CS_ICONV, "BIG5-HKSCS"},
    {"csbig5", CS_ICONV, "BIG5-HKSCS"},
    {"big5-hkscs", CS_ICONV, "BIG5-HKSCS"},
    {"tis-620", CS_ICONV, "CP874"},
    {"windows-874", CS_ICONV, "CP874"},
    {"iso-8859-11", CS_ICONV, "CP874"},
    {"iso-8859-8-i", CS_ICONV, "ISO-8859-8"},
    {"iso-8859-6-i", CS_ICONV, "ISO-8859-6"},
    {"unicode", CS_ICONV, "UTF-16"},
    {"ucs-2", CS_ICONV, "UTF-16"},
    {"x-user-defined", CS_UNKNOWN, NULL},
    {"unknown-8bit", CS_UNKNOWN, NULL},
    {"x-unknown", CS_UNKNOWN, NULL},
    {"unknown", CS_UNKNOWN, NULL},
    {"default", CS_UNKNOWN, NULL},
    {"charset", CS_UNKNOWN, NULL},
};

/*
 * Normalises a charset name into buf (lower case, quotes, blanks and an RFC
 * 2231 "*lang" suffix removed). Returns its length, 0 if empty, too long or
 * not printable ASCII.
 */
static size_t
cs_norm(const char *cs, size_t n, char *buf, size_t size)
{
	size_t i = 0, j = 0;

	while (i < n && (ward_mime_is_ws((unsigned char)cs[i]) || cs[i] == '"' || cs[i] == '\''))
		i++;
	while (n > i &&
	       (ward_mime_is_ws((unsigned char)cs[n - 1]) || cs[n - 1] == '"' || cs[n - 1] == '\''))
		n--;
	for (; i < n && cs[i] != '*'; i++) {
		/* Charset names are printable ASCII; anything else is no name. */
		if (j + 1 >= size || (unsigned char)cs[i] <= ' ' || (unsigned char)cs[i] >= 0x7f)
			return 0;
		buf[j++] = (char)ward_mime_lower((unsigned char)cs[i]);
	}
	buf[j] = '\0';
	return j;
}

static enum cs_kind
cs_lookup(const char *name, const char **iconv_name)
{
	size_t i;

	*iconv_name = name;
	for (i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (strcmp(aliases[i].name, name) == 0) {
			if (aliases[i].iconv_name)
				*iconv_name = aliases[i].iconv_name;
			return aliases[i].kind;
		}
	return CS_ICONV;
}

/* Plain ASCII needs no conversion whatever the (ASCII-compatible) charset says. */
static int
is_ascii(const uint8_t *p, size_t n)
{
	size_t i = 0;
	uint64_t acc = 0, w;

	for (; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, 8);
		acc |= w;
	}
	for (; i < n; i++)
		acc |= p[i];
	return !(acc & 0x8080808080808080ull);
}

/* A handle for a normalised name, trying the "x-" and "windows-" variants. */
static int
iconv_for(const char *name, const char *iname, iconv_t *cd)
{
	char alt[NAME_MAX_LEN];
	int slot = pool_get(iname, cd);

	if (*cd == (iconv_t)-1 && strncmp(name, "x-", 2) == 0)
		slot = pool_get(name + 2, cd);
	if (*cd == (iconv_t)-1 && strncmp(name, "windows-", 8) == 0 &&
	    strlen(name) + 2 < sizeof(alt)) {
		alt[0] = 'c';
		alt[1] = 'p';
		strcpy(alt + 2, name + 8);
		slot = pool_get(alt, cd);
	}
	return slot;
}

/* 0 for charsets whose ASCII bytes are not (only) ASCII: UTF-16/32/7, ISO-2022, HZ. */
static int
ascii_compatible(const char *name)
{
	return !(strstr(name, "utf-16") || strstr(name, "utf-32") || strstr(name, "utf16") ||
		 strstr(name, "utf32") || strstr(name, "ucs") || strstr(name, "unicode") ||
		 strstr(name, "utf-7") || strstr(name, "utf7") || strstr(name, "2022") ||
		 strncmp(name, "hz", 2) == 0);
}

int
ward_mime_cs_identity(const char *cs, size_t cs_len, const uint8_t *p, size_t n)
{
	char name[NAME_MAX_LEN];
	const char *iname;
	enum cs_kind kind;

	if (!cs || !cs_len)
		return ward_mime_utf8_valid(p, n);
	if (!cs_norm(cs, cs_len, name, sizeof(name)))
		return 0;
	kind = cs_lookup(name, &iname);
	if (kind == CS_UTF8)
		return ward_mime_utf8_valid(p, n);
	if (kind == CS_UNKNOWN)
		return 0; /* reported as unknown: let the converter say so */
	return ascii_compatible(name) && is_ascii(p, n);
}

unsigned
ward_mime_to_utf8(const char *cs, size_t cs_len, const uint8_t *p, size_t n, struct ward_buf *out)
{
	char name[NAME_MAX_LEN];
	const char *iname = NULL;
	enum cs_kind kind;
	iconv_t cd = (iconv_t)-1;
	int slot = -1;
	unsigned r = 0;

	if (cs && cs_len && cs_norm(cs, cs_len, name, sizeof(name)))
		kind = cs_lookup(name, &iname);
	else if (cs && cs_len)
		kind = CS_UNKNOWN; /* too long to be a charset name */
	else
		kind = CS_GUESS;

	if (kind == CS_ICONV) {
		slot = iconv_for(name, iname, &cd);
		if (cd == (iconv_t)-1)
			kind = CS_UNKNOWN;
	}
	if (kind == CS_ICONV && !ascii_compatible(name)) {
		/* ASCII bytes may still encode other characters: no shortcut. */
	} else if (is_ascii(p, n)) {
		ward_buf_add(out, p, n);
		pool_put(slot, cd);
		return kind == CS_UNKNOWN ? WARD_MIME_CS_UNKNOWN : 0;
	}
	switch (kind) {
	case CS_UTF8:
		return utf8_sanitize(p, n, out) ? WARD_MIME_CS_REPLACED : 0;
	case CS_GUESS:
		if (ward_mime_utf8_valid(p, n)) {
			ward_buf_add(out, p, n);
			return 0;
		}
		cp1252_to_utf8(p, n, out);
		return 0;
	case CS_1252:
		cp1252_to_utf8(p, n, out);
		return 0;
	case CS_ICONV:
		if (iconv_convert(cd, p, n, out))
			r |= WARD_MIME_CS_REPLACED;
		pool_put(slot, cd);
		return r;
	case CS_UNKNOWN:
		break;
	}
	cp1252_to_utf8(p, n, out);
	return WARD_MIME_CS_UNKNOWN;
}

int
ward_mail_to_utf8(const char *charset, const uint8_t *p, size_t n, struct ward_buf *out)
{
	return (ward_mime_to_utf8(charset, charset ? strlen(charset) : 0, p, n, out) &
		WARD_MIME_CS_UNKNOWN) != 0;
}
