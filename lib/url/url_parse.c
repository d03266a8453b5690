/*
 * Taking one URL apart the way a browser does (WHATWG URL Standard), so that
 * the host ward checks is the host a click would reach. The tricks phishing
 * leans on are undone and flagged on the way: "https://bank.com@evil.io/"
 * (everything before the last '@' of the authority is userinfo), IPv4 in
 * decimal, hex, octal or short form (http://3232235777/ is 192.168.1.1),
 * percent-encoded and full-width hosts, backslashes in place of slashes,
 * tabs and newlines inside the URL.
 *
 * Input is untrusted bytes, not NUL-terminated; nothing is allocated. The
 * host is written into the caller's struct; path points into the input.
 * Non-ASCII hosts go through ICU's UTS #46 mapping (what browsers use): it
 * lower-cases, maps full-width letters and the ideographic full stop, and
 * leaves the Unicode form for the domain layer.
 */
#define _GNU_SOURCE /* memmem */
#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unicode/uidna.h>
#include <unicode/uchar.h>

#include "ward/error.h"
#include "ward/text.h"
#include "ward/url.h"

/* Room for the raw host and port text of one authority (after userinfo). */
#define AUTH_MAX 1024

static int
is_alpha(unsigned char c)
{
	return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

static int
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int
is_tabnl(unsigned char c)
{
	return c == '\t' || c == '\n' || c == '\r';
}

static unsigned char
lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

/* A forbidden domain code point of the URL Standard (checked after decoding). */
static int
forbidden_host_byte(unsigned char c)
{
	if (c <= 0x20 || c == 0x7f)
		return 1;
	return strchr("#%/:<>?@[\\]^|", c) != NULL;
}

static int
is_special(const char *scheme)
{
	return !strcmp(scheme, "http") || !strcmp(scheme, "https") || !strcmp(scheme, "ftp") ||
	       !strcmp(scheme, "ws") || !strcmp(scheme, "wss") || !strcmp(scheme, "file");
}

static unsigned
default_port(const char *scheme)
{
	if (!strcmp(scheme, "http") || !strcmp(scheme, "ws"))
		return 80;
	if (!strcmp(scheme, "https") || !strcmp(scheme, "wss"))
		return 443;
	if (!strcmp(scheme, "ftp"))
		return 21;
	return 0;
}

/*
 * Reads the scheme at s[0..n), tabs and newlines skipped; on success stores
 * it lower-cased and returns the offset just past the ':'. Returns 0 when
 * there is no scheme.
 */
static size_t
read_scheme(const char *s, size_t n, char *scheme)
{
	size_t i, len = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (is_tabnl(c))
			continue;
		if (c == ':')
			break;
		if (!is_alpha(c) &&
		    (len == 0 || (!is_digit(c) && c != '+' && c != '-' && c != '.')))
			return 0;
		if (len + 1 >= sizeof(((struct ward_url *)0)->scheme))
			return 0;
		scheme[len++] = (char)lower(c);
	}
	if (i == n || len == 0)
		return 0;
	scheme[len] = '\0';
	return i + 1;
}

static int
starts_www(const char *s, size_t n)
{
	return n > 4 && lower((unsigned char)s[0]) == 'w' && lower((unsigned char)s[1]) == 'w' &&
	       lower((unsigned char)s[2]) == 'w' && s[3] == '.';
}

/*
 * One part of an IPv4 address in any notation browsers accept: 0x.. hex,
 * 0.. octal, else decimal. Returns 0 and the value, or -1 if the part is
 * not a number. *odd is set when the part is not plain decimal.
 */
static int
ipv4_part(const char *s, size_t n, uint64_t *v, int *odd)
{
	unsigned base = 10;
	uint64_t x = 0;
	size_t i = 0;

	if (n == 0)
		return -1;
	if (n >= 2 && s[0] == '0' && (s[1] | 0x20) == 'x') {
		base = 16;
		i = 2;
		*odd = 1;
	} else if (n >= 2 && s[0] == '0') {
		base = 8;
		i = 1;
		*odd = 1;
	}
	for (; i < n; i++) {
		int d = ward_hexval((unsigned char)s[i]);

		if (d < 0 || (unsigned)d >= base)
			return -1;
		x = x * base + (unsigned)d;
		if (x > 0xffffffffull)
			x = 0x100000000ull; /* too large; stays too large */
	}
	*v = x;
	return 0;
}

/* The last label is all digits or 0x and hex digits: the host must be IPv4. */
static int
ends_in_number(const char *s, size_t n)
{
	size_t i = 0;

	if (n == 0)
		return 0;
	if (n >= 2 && s[0] == '0' && (s[1] | 0x20) == 'x') {
		for (i = 2; i < n; i++)
			if (ward_hexval((unsigned char)s[i]) < 0)
				return 0;
		return 1;
	}
	for (; i < n; i++)
		if (!is_digit((unsigned char)s[i]))
			return 0;
	return 1;
}

/*
 * The URL Standard's IPv4 parser. Returns 1 with the address in host (dotted
 * decimal) when host is an IPv4 literal, 0 when it is a domain name, -1 when
 * it ends in a number but is no valid address (browsers refuse the URL).
 */
static int
parse_ipv4(char *host, size_t n, int *obfuscated)
{
	uint64_t part[4], addr;
	size_t start = 0, i, count = 0, last_start = 0;
	int odd = 0;

	/* Only a host whose last label is a number is an IPv4 address. */
	for (i = n; i > 0 && host[i - 1] != '.'; i--)
		;
	last_start = i;
	if (!ends_in_number(host + last_start, n - last_start))
		return 0;
	for (i = 0; i <= n; i++) {
		if (i < n && host[i] != '.')
			continue;
		if (count == 4 || ipv4_part(host + start, i - start, &part[count], &odd) < 0)
			return -1;
		count++;
		start = i + 1;
	}
	addr = 0;
	for (i = 0; i + 1 < count; i++) {
		if (part[i] > 255)
			return -1;
		addr |= part[i] << (8 * (3 - i));
	}
	if (part[count - 1] >= (1ull << (8 * (5 - count))))
		return -1;
	addr += part[count - 1];
	snprintf(host, WARD_URL_HOST_MAX + 1, "%u.%u.%u.%u", (unsigned)(addr >> 24) & 255,
		 (unsigned)(addr >> 16) & 255, (unsigned)(addr >> 8) & 255, (unsigned)addr & 255);
	*obfuscated = odd || count != 4;
	return 1;
}

static UIDNA *uts46;
static pthread_once_t uts46_once = PTHREAD_ONCE_INIT;

static void
uts46_open(void)
{
	UErrorCode err = U_ZERO_ERROR;

	uts46 = uidna_openUTS46(UIDNA_NONTRANSITIONAL_TO_UNICODE | UIDNA_NONTRANSITIONAL_TO_ASCII,
				&err);
	if (U_FAILURE(err))
		uts46 = NULL;
}

/* Lower-cases UTF-8 code point by code point (fallback when UTS #46 fails). */
static size_t
lower_utf8(const char *s, size_t n, char *out, size_t cap)
{
	size_t i = 0, o = 0;

	while (i < n) {
		UChar32 c;
		UBool err = 0;
		size_t start = i;

		U8_NEXT(s, i, n, c);
		if (c < 0) {
			/* Invalid UTF-8: keep the byte as it was. */
			if (o + 1 > cap)
				return 0;
			out[o++] = s[start];
			continue;
		}
		c = u_tolower(c);
		if (o + U8_LENGTH(c) > cap)
			return 0;
		U8_APPEND(out, o, cap, c, err);
		if (err)
			return 0;
	}
	return o;
}

/*
 * Maps a non-ASCII host like a browser: returns the new length in host, or
 * 0 when the result does not fit.
 */
static size_t
map_unicode(char *host, size_t n)
{
	char out[WARD_URL_HOST_MAX + 1];
	UErrorCode err = U_ZERO_ERROR;
	UIDNAInfo info = UIDNA_INFO_INITIALIZER;
	int32_t len = -1;

	pthread_once(&uts46_once, uts46_open);
	if (uts46)
		len = uidna_nameToUnicodeUTF8(uts46, host, (int32_t)n, out, sizeof(out) - 1, &info,
					      &err);
	/* Labels UTS #46 cannot map come back with U+FFFD: lower-case them instead. */
	if (!uts46 || U_FAILURE(err) || len <= 0 || (size_t)len > WARD_URL_HOST_MAX ||
	    memmem(out, (size_t)len, "\xef\xbf\xbd", 3)) {
		len = (int32_t)lower_utf8(host, n, out, WARD_URL_HOST_MAX);
		if (len <= 0)
			return 0;
	}
	memcpy(host, out, (size_t)len);
	host[len] = '\0';
	return (size_t)len;
}

/* Percent-decodes and checks the host; sets u->host and host flags. */
static int
set_host(struct ward_url *u, const char *h, size_t n)
{
	char *host = u->host;
	size_t i, len = 0;
	int nonascii = 0, mapped = 0, obf = 0, rc;

	if (n == 0)
		return WARD_EINVAL;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)h[i];
		int hi, lo;

		if (c == '%' && i + 2 < n && (hi = ward_hexval((unsigned char)h[i + 1])) >= 0 &&
		    (lo = ward_hexval((unsigned char)h[i + 2])) >= 0) {
			c = (unsigned char)(hi << 4 | lo);
			u->flags |= WARD_URL_HOST_ENCODED;
			i += 2;
		}
		if (len == WARD_URL_HOST_MAX)
			return WARD_EINVAL;
		if (c >= 0x80)
			nonascii = 1;
		host[len++] = (char)lower(c);
	}
	host[len] = '\0';
	if (nonascii) {
		len = map_unicode(host, len);
		if (len == 0)
			return WARD_EINVAL;
		mapped = 1;
	}
	for (i = 0; i < len; i++)
		if (forbidden_host_byte((unsigned char)host[i]))
			return WARD_EINVAL;
	while (len > 1 && host[len - 1] == '.')
		host[--len] = '\0';
	if (len == 0 || (len == 1 && host[0] == '.'))
		return WARD_EINVAL;
	rc = parse_ipv4(host, len, &obf);
	if (rc < 0)
		return WARD_EINVAL;
	if (rc > 0) {
		u->flags |= WARD_URL_IP;
		if (obf || mapped || (u->flags & WARD_URL_HOST_ENCODED))
			u->flags |= WARD_URL_IP_OBFUSCATED;
	}
	return 0;
}

static int
set_ipv6(struct ward_url *u, const char *h, size_t n)
{
	char tmp[64];
	unsigned char addr[16];
	size_t i;

	if (n == 0 || n >= sizeof(tmp))
		return WARD_EINVAL;
	for (i = 0; i < n; i++) {
		if (ward_hexval((unsigned char)h[i]) < 0 && h[i] != ':' && h[i] != '.')
			return WARD_EINVAL;
		tmp[i] = h[i];
	}
	tmp[n] = '\0';
	if (inet_pton(AF_INET6, tmp, addr) != 1 ||
	    !inet_ntop(AF_INET6, addr, u->host, sizeof(u->host)))
		return WARD_EINVAL;
	u->flags |= WARD_URL_IP;
	return 0;
}

/* Parses "host[:port]" in a[0..n) (tabs and newlines already removed). */
static int
parse_hostport(struct ward_url *u, const char *a, size_t n)
{
	size_t hend, i;
	unsigned long port = 0;
	int rc;

	if (n > 0 && a[0] == '[') {
		const char *close = memchr(a, ']', n);

		if (!close)
			return WARD_EINVAL;
		hend = (size_t)(close - a) + 1;
		rc = set_ipv6(u, a + 1, hend - 2);
		if (hend < n && a[hend] != ':')
			return WARD_EINVAL;
	} else {
		const char *colon = memchr(a, ':', n);

		hend = colon ? (size_t)(colon - a) : n;
		rc = set_host(u, a, hend);
	}
	if (rc < 0)
		return rc;
	if (hend >= n)
		return 0;
	for (i = hend + 1; i < n; i++) {
		if (!is_digit((unsigned char)a[i]))
			return WARD_EINVAL;
		port = port * 10 + (unsigned)(a[i] - '0');
		if (port > 65535)
			return WARD_EINVAL;
	}
	if (i > hend + 1) {
		u->port = (unsigned)port;
		if (port != default_port(u->scheme))
			u->flags |= WARD_URL_PORT;
	}
	return 0;
}

int
ward_url_parse(const char *s, size_t n, struct ward_url *u)
{
	char auth[AUTH_MAX];
	size_t p, end, aend, i, hstart, alen;
	int special, rc;

	memset(u, 0, sizeof(*u));
	if (!s)
		return WARD_EINVAL;
	/* Leading and trailing C0 controls and spaces are not part of a URL. */
	while (n > 0 && (unsigned char)s[0] <= 0x20) {
		s++;
		n--;
	}
	while (n > 0 && (unsigned char)s[n - 1] <= 0x20)
		n--;
	p = read_scheme(s, n, u->scheme);
	if (p == 0) {
		if (!starts_www(s, n))
			return WARD_EINVAL;
		strcpy(u->scheme, "http");
		u->flags |= WARD_URL_NO_SCHEME;
	}
	if (!strcmp(u->scheme, "data")) {
		u->flags |= WARD_URL_DATA;
		u->path = s + p;
		u->path_len = n - p;
		return 0;
	}
	special = is_special(u->scheme);
	if (special) {
		while (p < n && (s[p] == '/' || s[p] == '\\' || is_tabnl((unsigned char)s[p])))
			p++;
	} else {
		/* Only "scheme://authority" has a host outside the special schemes. */
		while (p < n && is_tabnl((unsigned char)s[p]))
			p++;
		if (p + 1 >= n || s[p] != '/')
			return WARD_EINVAL;
		for (p++; p < n && is_tabnl((unsigned char)s[p]); p++)
			;
		if (p >= n || s[p] != '/')
			return WARD_EINVAL;
		p++;
	}
	/* The authority runs to the first '/', '?', '#' (or '\' for special). */
	hstart = p;
	for (end = p; end < n; end++) {
		char c = s[end];

		if (c == '/' || c == '?' || c == '#' || (special && c == '\\'))
			break;
		if (c == '@') {
			u->flags |= WARD_URL_USERINFO;
			hstart = end + 1;
		}
	}
	aend = end;
	alen = 0;
	for (i = hstart; i < aend; i++) {
		if (is_tabnl((unsigned char)s[i]))
			continue;
		if (alen == sizeof(auth))
			return WARD_EINVAL;
		auth[alen++] = s[i];
	}
	rc = parse_hostport(u, auth, alen);
	if (rc < 0) {
		u->host[0] = '\0';
		return rc;
	}
	u->path = s + aend;
	u->path_len = n - aend;
	if (!(u->flags & WARD_URL_IP) && ward_url_is_shortener(u->host))
		u->flags |= WARD_URL_SHORTENER;
	return 0;
}
