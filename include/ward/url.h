/*
 * Links: finding URLs in text and HTML, and taking a URL apart the way a
 * browser would, with the obfuscations phishing uses undone (userinfo "@",
 * IP literals in decimal/hex/octal, percent-encoded hosts, redirector and
 * shortener wrappers whose target is in the URL).
 */
#ifndef WARD_URL_H
#define WARD_URL_H

#include <stddef.h>
#include <stdint.h>

#define WARD_URL_HOST_MAX 255

enum {
	WARD_URL_USERINFO = 1u << 0, /* "user@" before the host (https://binance.com@evil.io/) */
	WARD_URL_IP = 1u << 1,	     /* the host is an IP literal (v4 or [v6]) */
	WARD_URL_IP_OBFUSCATED = 1u << 2, /* ... written in decimal, hex, octal or short form */
	WARD_URL_HOST_ENCODED = 1u << 3,  /* percent-encoding in the host */
	WARD_URL_NO_SCHEME = 1u << 4,	  /* "www.example.com/..." found without a scheme */
	WARD_URL_SHORTENER = 1u << 5,	  /* host is a known URL shortener */
	WARD_URL_REDIRECT = 1u << 6,	  /* a redirector whose target was unwrapped */
	WARD_URL_PORT = 1u << 7,	  /* an explicit non-default port */
	WARD_URL_DATA = 1u << 8,	  /* a data: URL */
};

struct ward_url {
	char scheme[16];		  /* lower case: http, https, ftp, mailto, data, ... */
	char host[WARD_URL_HOST_MAX + 1]; /* lower case, percent-decoded, no brackets; IPv4 in
					   * dotted decimal whatever its written form */
	unsigned port;			  /* 0 when absent */
	unsigned flags;
	const char *path; /* path, query and fragment as written: points into the input */
	size_t path_len;
};

/*
 * Parses one absolute URL (or "www." form) in s[0..n). Returns 0 or
 * WARD_EINVAL when there is no usable host.
 */
int ward_url_parse(const char *s, size_t n, struct ward_url *u);

/*
 * If u is a known redirector or tracking wrapper carrying its target in the
 * query (google.com/url?q=, safelinks ?url=, l.facebook.com/l.php?u=, ...),
 * writes the decoded target URL into out (NUL-terminated) and returns its
 * length; else 0.
 */
size_t ward_url_unwrap(const char *s, size_t n, const struct ward_url *u, char *out,
		       size_t out_size);

/* 1 if host (lower case) is a known URL shortener (bit.ly, t.co, ...). */
int ward_url_is_shortener(const char *host);

/* Called for each link found. url is NUL-terminated with entities and
 * surrounding punctuation removed; text is the visible anchor text for HTML <a>
 * (UTF-8, whitespace collapsed) or NULL; where says "text", "href", "src",
 * "action", "formaction", "background", "poster", "data", "refresh", or "raw"
 * for URLs found in HTML source the parser cut off or dropped (see
 * ward_url_scan_html). */
typedef void (*ward_url_fn)(void *ctx, const char *url, size_t url_len, const char *text,
			    size_t text_len, const char *where);

/* URLs in plain text: http://, https://, ftp:// and scheme-less "www." forms. */
void ward_url_scan_text(const char *text, size_t n, ward_url_fn fn, void *ctx);

/*
 * Links in HTML (gumbo, HTML5 parsing): href, src, action, formaction,
 * meta refresh, plus URLs in the visible text. Returns 0, or WARD_ELIMIT when
 * the document was cut at max_bytes / max_nodes.
 */
int ward_url_scan_html(const char *html, size_t n, ward_url_fn fn, void *ctx);

#endif
