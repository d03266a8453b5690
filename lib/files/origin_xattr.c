/*
 * The download-origin record itself (struct ward_origin: emptying it, adding
 * a URL), the com.apple.quarantine value, the origin extended attributes of
 * an open file, and the host of an origin URL.
 *
 * Every value read is untrusted. URLs keep their bytes, except control bytes,
 * which are written percent-encoded so that "https://good.example%00.evil"
 * cannot pass for "https://good.example"; a URL longer than a slot is cut at
 * a UTF-8 character boundary. The extended attributes looked at:
 *
 *   user.xdg.origin.url, user.xdg.referrer.url       Chrome, Firefox, wget, curl
 *   user.com.apple.metadata:kMDItemWhereFroms         macOS files copied to Linux
 *   user.com.apple.quarantine                         with their attributes
 *   user.Zone.Identifier                              ntfs-3g, streams_interface=xattr
 *   user.DosStream.Zone.Identifier:$DATA              Samba vfs_streams_xattr
 *
 * Linux keeps only namespaced names, so the bare macOS names cannot occur.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/xattr.h>

#include "ward/error.h"
#include "ward/origin.h"
#include "ward/url.h"
#include "limits.h"

/* Linux refuses extended attribute values above 64 KiB (XATTR_SIZE_MAX). */
#define XATTR_VALUE_MAX 65536

static int
is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

static int
is_alpha(unsigned char c)
{
	return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

static int
is_hex(unsigned char c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}

/* Length of the UTF-8 sequence that starts at s[0..n): 1 for a byte that
 * does not start a complete one, so that broken text is copied bytewise. */
static size_t
seq_len(const unsigned char *s, size_t n)
{
	size_t k, i;

	if (s[0] < 0xc0)
		k = 1;
	else if (s[0] < 0xe0)
		k = 2;
	else if (s[0] < 0xf0)
		k = 3;
	else if (s[0] < 0xf8)
		k = 4;
	else
		k = 1;
	if (k > n)
		return 1;
	for (i = 1; i < k; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 1;
	return k;
}

/*
 * Copies s[0..n) into dst[0..size) NUL-terminated, whole characters only.
 * Control bytes become "%XX" when pct is set, else '?'.
 */
static void
copy_text(char *dst, size_t size, const unsigned char *s, size_t n, int pct)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i = 0, o = 0, k;

	while (i < n) {
		if (s[i] < 0x20 || s[i] == 0x7f) {
			if (!pct) {
				if (o + 1 >= size)
					break;
				dst[o++] = '?';
			} else {
				if (o + 3 >= size)
					break;
				dst[o++] = '%';
				dst[o++] = hex[s[i] >> 4];
				dst[o++] = hex[s[i] & 15];
			}
			i++;
			continue;
		}
		k = seq_len(s + i, n - i);
		if (o + k >= size)
			break;
		memcpy(dst + o, s + i, k);
		o += k;
		i += k;
	}
	dst[o] = '\0';
}

/* "scheme://" (scheme letters, digits, "+-.", and ':' for wrappers such as
 * "blob:https://") or "www.". */
static int
looks_like_url(const unsigned char *s, size_t n)
{
	size_t i;

	if (n >= 4 && (s[0] | 0x20) == 'w' && (s[1] | 0x20) == 'w' && (s[2] | 0x20) == 'w' &&
	    s[3] == '.')
		return 1;
	if (n == 0 || !is_alpha(s[0]))
		return 0;
	for (i = 1; i < n && i < 40; i++) {
		if (s[i] == ':' && i + 2 < n && s[i + 1] == '/' && s[i + 2] == '/')
			return 1;
		if (!is_alpha(s[i]) && !(s[i] >= '0' && s[i] <= '9') && s[i] != '+' &&
		    s[i] != '-' && s[i] != '.' && s[i] != ':')
			return 0;
	}
	return 0;
}

void
ward_origin_init(struct ward_origin *o)
{
	memset(o, 0, sizeof(*o));
	o->zone = -1;
}

int
ward_origin_add_url(struct ward_origin *o, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	char tmp[sizeof(o->urls[0])];
	size_t i;

	while (n > 0 && (is_space(u[0]) || u[0] == '\0')) {
		u++;
		n--;
	}
	while (n > 0 && (is_space(u[n - 1]) || u[n - 1] == '\0'))
		n--;
	if (o->n_urls >= WARD_ORIGIN_MAX_URLS || !looks_like_url(u, n))
		return 0;
	copy_text(tmp, sizeof(tmp), u, n, 1);
	for (i = 0; i < o->n_urls; i++)
		if (!strcmp(o->urls[i], tmp))
			return 0;
	memcpy(o->urls[o->n_urls++], tmp, sizeof(tmp));
	return 1;
}

/* Is s[0..n) 1 to max hex digits? */
static int
hex_field(const uint8_t *s, size_t n, size_t max)
{
	size_t i;

	if (n == 0 || n > max)
		return 0;
	for (i = 0; i < n; i++)
		if (!is_hex(s[i]))
			return 0;
	return 1;
}

int
ward_origin_quarantine(const uint8_t *p, size_t n, struct ward_origin *o)
{
	const uint8_t *semi1, *semi2, *agent, *end;

	if (n > WARD_LIMIT_ORIGIN_SIZE)
		return WARD_ELIMIT;
	while (n > 0 && (p[n - 1] == '\0' || is_space(p[n - 1])))
		n--;
	semi1 = memchr(p, ';', n);
	if (!semi1)
		return WARD_EFORMAT;
	semi2 = memchr(semi1 + 1, ';', (size_t)(p + n - semi1 - 1));
	if (!semi2 || !hex_field(p, (size_t)(semi1 - p), 8) ||
	    !hex_field(semi1 + 1, (size_t)(semi2 - semi1 - 1), 16))
		return WARD_EFORMAT;
	agent = semi2 + 1;
	end = memchr(agent, ';', (size_t)(p + n - agent));
	if (!end)
		end = p + n;
	copy_text(o->agent, sizeof(o->agent), agent, (size_t)(end - agent), 0);
	return 0;
}

/* 1 when name is in the attribute list (NUL-separated names), or when the
 * list could not be read whole (then every name is tried). */
static int
listed(const char *list, ssize_t len, const char *name)
{
	const char *p = list, *end = list + (len > 0 ? len : 0);

	if (len < 0)
		return 1;
	while (p < end) {
		size_t k = strnlen(p, (size_t)(end - p));
		if (!strcmp(p, name))
			return 1;
		p += k + 1;
	}
	return 0;
}

/*
 * Reads attribute name of fd into buf; returns its length, or 0. The
 * kernel zeroes a buffer of the size asked for, so the size is asked first:
 * asking for 64 KiB on every file cost more than reading it.
 */
static size_t
get(int fd, const char *list, ssize_t list_len, const char *name, uint8_t *buf)
{
	ssize_t r;

	if (!listed(list, list_len, name))
		return 0;
	r = fgetxattr(fd, name, NULL, 0);
	if (r <= 0)
		return 0;
	r = fgetxattr(fd, name, buf, r < XATTR_VALUE_MAX ? (size_t)r : XATTR_VALUE_MAX);
	return r > 0 ? (size_t)r : 0;
}

/* Appends the URLs of the records in rec, first URLs before the others. */
static void
merge(struct ward_origin *o, const struct ward_origin *rec, size_t nrec)
{
	size_t r, i;

	for (r = 0; r < nrec; r++)
		if (rec[r].n_urls > 0)
			ward_origin_add_url(o, rec[r].urls[0], strlen(rec[r].urls[0]));
	for (r = 0; r < nrec; r++)
		for (i = 1; i < rec[r].n_urls; i++)
			ward_origin_add_url(o, rec[r].urls[i], strlen(rec[r].urls[i]));
}

int
ward_origin_xattrs(int fd, struct ward_origin *o)
{
	static const char *const zone_names[] = {"user.Zone.Identifier",
						 "user.DosStream.Zone.Identifier:$DATA"};
	struct ward_origin *rec = NULL; /* xdg origin, WhereFroms, Zone.Identifier */
	uint8_t *buf;
	char list[4096];
	ssize_t ll;
	size_t n, i;
	int rc = 0;

	ward_origin_init(o);
	o->source = "xattr";
	/* Most files have no attribute at all: one call says so. */
	ll = flistxattr(fd, list, sizeof(list));
	if (ll == 0 || (ll < 0 && errno != ERANGE))
		return 0;
	buf = malloc(XATTR_VALUE_MAX);
	rec = calloc(3, sizeof(*rec));
	if (!buf || !rec) {
		rc = WARD_ENOMEM;
		goto out;
	}
	for (i = 0; i < 3; i++)
		ward_origin_init(&rec[i]);
	if ((n = get(fd, list, ll, "user.xdg.origin.url", buf)) > 0)
		ward_origin_add_url(&rec[0], (const char *)buf, n);
	if ((n = get(fd, list, ll, "user.com.apple.metadata:kMDItemWhereFroms", buf)) > 0)
		ward_origin_wherefroms(buf, n, &rec[1]);
	for (i = 0; i < sizeof(zone_names) / sizeof(zone_names[0]); i++) {
		if ((n = get(fd, list, ll, zone_names[i], buf)) > 0 &&
		    ward_origin_zone_identifier(buf, n, &rec[2]) == 0) {
			o->zone = rec[2].zone;
			if (rec[2].agent[0])
				memcpy(o->agent, rec[2].agent, sizeof(o->agent));
			break;
		}
	}
	if ((n = get(fd, list, ll, "user.com.apple.quarantine", buf)) > 0)
		ward_origin_quarantine(buf, n, o);
	merge(o, rec, 3);
	if ((n = get(fd, list, ll, "user.xdg.referrer.url", buf)) > 0)
		ward_origin_add_url(o, (const char *)buf, n);
	rc = o->n_urls > 0 || o->agent[0] || o->zone >= 0;
out:
	free(rec);
	free(buf);
	return rc;
}

int
ward_origin_host(const char *url, char *host, size_t size)
{
	static const char *const wrappers[] = {"blob:", "filesystem:"};
	struct ward_url u;
	size_t i, k;

	if (size > 0)
		host[0] = '\0';
	for (i = 0; i < sizeof(wrappers) / sizeof(wrappers[0]); i++) {
		k = strlen(wrappers[i]);
		if (!strncasecmp(url, wrappers[i], k)) {
			url += k;
			break;
		}
	}
	/* "file:///path" is local; ward_url_parse reads its first segment as a host. */
	if (!strncasecmp(url, "file:", 5) &&
	    (strncmp(url + 5, "//", 2) || url[7] == '/' || url[7] == '\\' || url[7] == '\0'))
		return WARD_EINVAL;
	if (ward_url_parse(url, strlen(url), &u) < 0 || !u.host[0] || (u.flags & WARD_URL_DATA))
		return WARD_EINVAL;
	k = strlen(u.host);
	if (k >= size)
		return WARD_ELIMIT;
	memcpy(host, u.host, k + 1);
	return 0;
}
