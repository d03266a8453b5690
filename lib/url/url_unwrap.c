/*
 * Redirectors and link wrappers that carry their target inside the URL:
 * search engines (google.com/url?q=, bing.com/ck/a?u=a1<base64>), mail
 * security gateways (Outlook safelinks, Proofpoint urldefense v1-v3), social
 * networks (l.facebook.com/l.php?u=, t.umblr.com, youtube.com/redirect,
 * linkedin.com/redir) and any other URL whose query hands an absolute
 * http(s) URL to a parameter named like a redirect (?url=, ?next=, ...).
 * Phishing hides its real host behind them, so ward looks through.
 *
 * Also the list of well-known URL shorteners, whose target is not in the
 * URL at all: a sorted table searched with bsearch for the host and each
 * parent domain.
 *
 * Input is the URL text as found and the struct ward_url_parse() filled in
 * for it; output is written into the caller's buffer. Nothing is allocated.
 */
#define _GNU_SOURCE /* memmem */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ward/text.h"
#include "ward/url.h"

/* Sorted (strcmp order): bsearch below. */
static const char *const shorteners[] = {
    "0rz.tw",	  "1url.com",	 "2.gp",    "adf.ly",	"bc.vc",       "bit.do",    "bit.ly",
    "bitly.com",  "bl.ink",	 "buff.ly", "chilp.it", "clck.ru",     "cli.re",    "cort.as",
    "cutt.ly",	  "cutt.us",	 "db.tt",   "dlvr.it",	"dub.sh",      "fb.me",	    "gg.gg",
    "goo.gl",	  "hyperurl.co", "ift.tt",  "is.gd",	"j.mp",	       "kutt.it",   "lihi.cc",
    "lihi1.com",  "lnkd.in",	 "mcaf.ee", "me2.do",	"n9.cl",       "ouo.io",    "ow.ly",
    "po.st",	  "ppt.cc",	 "pse.is",  "qr.ae",	"qrco.de",     "qrs.ly",    "rb.gy",
    "rebrand.ly", "reurl.cc",	 "s.id",    "shor.by",	"short.gy",    "shorte.st", "shorturl.at",
    "shrtco.de",  "smarturl.it", "snip.ly", "soo.gd",	"spoo.me",     "surl.li",   "t.co",
    "t.ly",	  "t2m.io",	 "tiny.cc", "tiny.one", "tinyurl.com", "tny.im",    "tr.im",
    "trib.al",	  "u.nu",	 "u.to",    "urlz.fr",	"urlzs.com",   "v.gd",	    "vo.la",
    "wp.me",	  "x.co",	 "x.gd",    "zpr.io",
};

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int
ward_url_is_shortener(const char *host)
{
	const char *h = host;

	if (!host || !*host)
		return 0;
	/* The host itself, then each parent domain (x.bit.ly is bit.ly's). */
	while (h) {
		if (bsearch(&h, shorteners, sizeof(shorteners) / sizeof(shorteners[0]),
			    sizeof(shorteners[0]), cmp_str))
			return 1;
		h = strchr(h, '.');
		if (h)
			h++;
	}
	return 0;
}

/* Percent-decodes s[0..n) into out; returns the length (out is NUL-terminated). */
static size_t
pct_decode(const char *s, size_t n, char *out, size_t cap)
{
	size_t i, o = 0;

	if (cap == 0)
		return 0;
	for (i = 0; i < n && o + 1 < cap; i++) {
		int hi, lo;

		if (s[i] == '%' && i + 2 < n && (hi = ward_hexval((unsigned char)s[i + 1])) >= 0 &&
		    (lo = ward_hexval((unsigned char)s[i + 2])) >= 0) {
			out[o++] = (char)(hi << 4 | lo);
			i += 2;
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	return o;
}

static int
has_prefix_ci(const char *s, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);

	return n >= k && strncasecmp(s, prefix, k) == 0;
}

static int
is_http(const char *s, size_t n)
{
	return has_prefix_ci(s, n, "http://") || has_prefix_ci(s, n, "https://");
}

/*
 * Decodes a parameter value: percent-decoding, and once more when the
 * result is itself still encoded (https%3A%2F%2F...). Returns the length.
 */
static size_t
decode_value(const char *v, size_t vn, char *out, size_t cap)
{
	size_t len = pct_decode(v, vn, out, cap);

	if (has_prefix_ci(out, len, "http%3a") || has_prefix_ci(out, len, "https%3a")) {
		char *tmp = malloc(len + 1);

		if (tmp) {
			memcpy(tmp, out, len + 1);
			len = pct_decode(tmp, len, out, cap);
			free(tmp);
		}
	}
	return len;
}

/* The query of a URL: between the first '?' and the '#'. */
static const char *
query_of(const struct ward_url *u, size_t *qn)
{
	const char *q = memchr(u->path, '?', u->path_len), *h;
	size_t n;

	if (!q)
		return NULL;
	q++;
	n = u->path_len - (size_t)(q - u->path);
	h = memchr(q, '#', n);
	*qn = h ? (size_t)(h - q) : n;
	return q;
}

/* Finds key=value in a query (& or ; separated); returns the value or NULL. */
static const char *
query_param(const char *q, size_t qn, const char *key, int icase, size_t *vn)
{
	size_t k = strlen(key), i = 0;

	while (i < qn) {
		size_t j = i, eq;

		while (j < qn && q[j] != '&' && q[j] != ';')
			j++;
		eq = i + k;
		if (eq < j && q[eq] == '=' &&
		    (icase ? strncasecmp(q + i, key, k) : strncmp(q + i, key, k)) == 0) {
			*vn = j - eq - 1;
			return q + eq + 1;
		}
		i = j + 1;
	}
	return NULL;
}

/* path starts with prefix (path is not NUL-terminated). */
static int
path_is(const struct ward_url *u, const char *prefix)
{
	size_t k = strlen(prefix);

	return u->path_len >= k && memcmp(u->path, prefix, k) == 0;
}

/* The path proper ends at '?' or '#' and equals p (or p + "/"). */
static int
path_eq(const struct ward_url *u, const char *p)
{
	size_t k = strlen(p), end = k;

	if (u->path_len < k || memcmp(u->path, p, k) != 0)
		return 0;
	if (end < u->path_len && u->path[end] == '/')
		end++;
	return end == u->path_len || u->path[end] == '?' || u->path[end] == '#';
}

static int
host_is(const struct ward_url *u, const char *h)
{
	return strcmp(u->host, h) == 0;
}

static int
host_ends(const struct ward_url *u, const char *suffix)
{
	size_t n = strlen(u->host), k = strlen(suffix);

	return n > k && strcmp(u->host + n - k, suffix) == 0;
}

static int
alpha_run(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < 'a' || s[i] > 'z')
			return 0;
	return 1;
}

/* google.com, www.google.de, google.co.uk, www.google.com.br ... */
static int
is_google(const char *h)
{
	const char *t, *dot;
	size_t n;

	if (!strncmp(h, "www.", 4))
		h += 4;
	if (strncmp(h, "google.", 7))
		return 0;
	t = h + 7;
	dot = strchr(t, '.');
	if (!dot) {
		n = strlen(t);
		return n >= 2 && n <= 3 && alpha_run(t, n);
	}
	n = strlen(dot + 1);
	return (!strncmp(t, "co.", 3) || !strncmp(t, "com.", 4)) && n == 2 && alpha_run(dot + 1, n);
}

static size_t
put(char *out, size_t cap, size_t o, const char *s, size_t n)
{
	if (o >= cap)
		return o;
	if (n > cap - 1 - o)
		n = cap - 1 - o;
	memcpy(out + o, s, n);
	out[o + n] = '\0';
	return o + n;
}

static int
b64val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-' || c == '+')
		return 62;
	if (c == '_' || c == '/')
		return 63;
	return -1;
}

/* base64url (or base64) without padding; stops at the first other byte. */
static size_t
b64_decode(const char *s, size_t n, char *out, size_t cap)
{
	unsigned acc = 0, bits = 0;
	size_t i, o = 0;

	if (cap == 0)
		return 0;
	for (i = 0; i < n; i++) {
		int v = b64val((unsigned char)s[i]);

		if (v < 0)
			break;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o + 1 < cap)
				out[o++] = (char)((acc >> bits) & 0xff);
		}
	}
	out[o] = '\0';
	return o;
}

/* Proofpoint v2: -XX is %XX and _ is /. */
static size_t
proofpoint_v2(const char *v, size_t vn, char *out, size_t cap)
{
	char *tmp = malloc(vn + 1);
	size_t i, len;

	if (!tmp)
		return 0;
	for (i = 0; i < vn; i++)
		tmp[i] = v[i] == '-' ? '%' : v[i] == '_' ? '/' : v[i];
	len = pct_decode(tmp, vn, out, cap);
	free(tmp);
	return len;
}

/* The length of the UTF-8 sequence starting with byte c (1 for invalid). */
static size_t
u8len(unsigned char c)
{
	return c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
}

/*
 * Proofpoint v3: /v3/__URL__;B64!!... where each '*' in URL stands for the
 * next character of the base64url bytes and "**X" for a run of them (X
 * gives the length: A=2, B=3, ...).
 */
static size_t
proofpoint_v3(const char *s, size_t n, char *out, size_t cap)
{
	static const char runs[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	char subst[1024], *url = NULL;
	const char *p, *end, *b, *be;
	size_t i, o = 0, sn, si = 0, un;

	p = memmem(s, n, "/v3/__", 6);
	if (!p)
		return 0;
	p += 6;
	end = memmem(p, n - (size_t)(p - s), "__;", 3);
	if (!end)
		return 0;
	b = end + 3;
	be = memchr(b, '!', n - (size_t)(b - s));
	if (!be)
		be = s + n;
	sn = b64_decode(b, (size_t)(be - b), subst, sizeof(subst));
	url = malloc((size_t)(end - p) + 1);
	if (!url)
		return 0;
	un = pct_decode(p, (size_t)(end - p), url, (size_t)(end - p) + 1);
	for (i = 0; i < un && o + 1 < cap; i++) {
		size_t take = 0, k;

		if (url[i] != '*') {
			out[o++] = url[i];
			continue;
		}
		if (i + 2 < un && url[i + 1] == '*') {
			const char *r = memchr(runs, url[i + 2], sizeof(runs) - 1);

			take = r ? (size_t)(r - runs) + 2 : 1;
			i += 2;
		} else {
			take = 1;
		}
		for (k = 0; k < take && si < sn; k++) {
			size_t l = u8len((unsigned char)subst[si]);

			if (l > sn - si)
				l = sn - si;
			o = put(out, cap, o, subst + si, l);
			si += l;
		}
	}
	out[o < cap ? o : cap - 1] = '\0';
	free(url);
	return o;
}

/* Parameter names that hand an absolute URL to a redirect on any host. */
static const char *const generic_keys[] = {
    "url",	 "redirect",   "u",	      "target",	  "dest",	  "next",
    "r",	 "goto",       "link",	      "redir",	  "redirect_url", "redirect_uri",
    "returnurl", "return_url", "destination", "continue",
};

/*
 * The target must be a URL with a host ward can check, and no control
 * characters (a decoded %00 would cut it short for C string users).
 */
static size_t
checked(char *out, size_t len)
{
	struct ward_url t;
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
			len = 0;
	if (len == 0 || ward_url_parse(out, len, &t) < 0 || (t.flags & WARD_URL_DATA) ||
	    (strcmp(t.scheme, "http") && strcmp(t.scheme, "https") && strcmp(t.scheme, "ftp"))) {
		out[0] = '\0';
		return 0;
	}
	return len;
}

static size_t
param(const struct ward_url *u, const char *key, char *out, size_t cap)
{
	const char *q, *v;
	size_t qn, vn;

	q = query_of(u, &qn);
	if (!q || !(v = query_param(q, qn, key, 0, &vn)))
		return 0;
	return checked(out, decode_value(v, vn, out, cap));
}

size_t
ward_url_unwrap(const char *s, size_t n, const struct ward_url *u, char *out, size_t out_size)
{
	const char *q, *v;
	size_t qn, vn, i, len;

	if (!out || out_size == 0)
		return 0;
	out[0] = '\0';
	if (!u || !u->path || u->host[0] == '\0' || (u->flags & WARD_URL_IP))
		return 0;
	(void)s;
	(void)n;
	if (is_google(u->host)) {
		if (path_eq(u, "/url")) {
			len = param(u, "q", out, out_size);
			return len ? len : param(u, "url", out, out_size);
		}
		if (path_is(u, "/amp/")) {
			int tls = path_is(u, "/amp/s/");
			size_t skip = tls ? 7 : 5;

			len = put(out, out_size, 0, tls ? "https://" : "http://", tls ? 8 : 7);
			len = put(out, out_size, len, u->path + skip, u->path_len - skip);
			return checked(out, len);
		}
	}
	if (host_ends(u, ".safelinks.protection.outlook.com"))
		return param(u, "url", out, out_size);
	if (host_is(u, "l.facebook.com") || host_is(u, "lm.facebook.com") ||
	    host_is(u, "l.messenger.com") || host_is(u, "l.instagram.com"))
		return param(u, "u", out, out_size);
	if (host_is(u, "t.umblr.com") && path_eq(u, "/redirect"))
		return param(u, "z", out, out_size);
	if ((host_is(u, "youtube.com") || host_is(u, "www.youtube.com") ||
	     host_is(u, "m.youtube.com")) &&
	    path_eq(u, "/redirect"))
		return param(u, "q", out, out_size);
	if (host_is(u, "slack-redir.net") && path_eq(u, "/link"))
		return param(u, "url", out, out_size);
	if ((host_is(u, "linkedin.com") || host_is(u, "www.linkedin.com")) &&
	    path_eq(u, "/redir/redirect"))
		return param(u, "url", out, out_size);
	if ((host_is(u, "duckduckgo.com") || host_is(u, "html.duckduckgo.com")) && path_eq(u, "/l"))
		return param(u, "uddg", out, out_size);
	if (host_is(u, "urldefense.proofpoint.com") || host_is(u, "urldefense.com")) {
		if (path_is(u, "/v3/__"))
			return checked(out, proofpoint_v3(u->path, u->path_len, out, out_size));
		q = query_of(u, &qn);
		if (q && (v = query_param(q, qn, "u", 0, &vn))) {
			if (path_is(u, "/v2/"))
				return checked(out, proofpoint_v2(v, vn, out, out_size));
			return checked(out, decode_value(v, vn, out, out_size));
		}
	}
	if ((host_is(u, "bing.com") || host_is(u, "www.bing.com")) && path_eq(u, "/ck/a")) {
		q = query_of(u, &qn);
		if (q && (v = query_param(q, qn, "u", 0, &vn)) && vn > 2 && !strncmp(v, "a1", 2))
			return checked(out, b64_decode(v + 2, vn - 2, out, out_size));
	}
	/* Any host: a redirect-like parameter whose value is an absolute URL. */
	q = query_of(u, &qn);
	if (!q)
		return 0;
	for (i = 0; i < sizeof(generic_keys) / sizeof(generic_keys[0]); i++) {
		v = query_param(q, qn, generic_keys[i], 1, &vn);
		if (!v)
			continue;
		len = decode_value(v, vn, out, out_size);
		if (is_http(out, len) && checked(out, len))
			return len;
		out[0] = '\0';
	}
	return 0;
}
