/*
 * Where a downloaded file came from: Windows Zone.Identifier streams
 * (exported as a "NAME:Zone.Identifier" sidecar file), macOS quarantine
 * and kMDItemWhereFroms (extended attributes, or AppleDouble "._NAME"
 * files, binary plists), and Linux user.xdg.origin.url / referrer.url
 * extended attributes. The origin host is then judged by domain
 * intelligence like any link.
 *
 * The parsers read untrusted bytes (never assumed NUL-terminated) and write
 * only into the caller's struct: every string in it is NUL-terminated, and
 * control bytes of a URL are kept percent-encoded (%00) so that nothing
 * after them is hidden. Only strings that look like URLs ("scheme://...",
 * "www....") are kept; exact duplicates are dropped.
 */
#ifndef WARD_ORIGIN_H
#define WARD_ORIGIN_H

#include <stddef.h>
#include <stdint.h>

#define WARD_ORIGIN_MAX_URLS 4

struct ward_origin {
	int zone;	/* Windows ZoneId (3 = Internet), or -1 */
	char agent[64]; /* the downloading application (quarantine), or "" */
	size_t n_urls;
	char urls[WARD_ORIGIN_MAX_URLS][1024]; /* HostUrl / WhereFroms / origin.url first,
						* then referrers */
	const char *source; /* "Zone.Identifier", "AppleDouble", "xattr", ... (static) */
};

/* Empties o: zone -1, no agent, no URLs, source NULL. */
void ward_origin_init(struct ward_origin *o);

/*
 * Appends the UTF-8 string s[0..n) to o->urls when it looks like a URL, is
 * not there yet and there is room; surrounding white space is trimmed and a
 * URL longer than a slot is cut at a character boundary. Returns 1 when it
 * was added, else 0.
 */
int ward_origin_add_url(struct ward_origin *o, const char *s, size_t n);

/*
 * Parses a Zone.Identifier stream's text (UTF-8, or UTF-16 with a BOM; CRLF,
 * LF or CR): ZoneId, HostUrl then ReferrerUrl of its [ZoneTransfer] section.
 * Starts by emptying o. Returns 0, WARD_EFORMAT (no [ZoneTransfer] section)
 * or WARD_ELIMIT (larger than WARD_LIMIT_ORIGIN_SIZE).
 */
int ward_origin_zone_identifier(const uint8_t *p, size_t n, struct ward_origin *o);

/*
 * Parses an AppleDouble file ("._NAME"): the quarantine and kMDItemWhereFroms
 * attributes in the ATTR block of its Finder Info entry. Starts by emptying
 * o. A valid file without those attributes gives 0 and no URLs. Returns 0,
 * WARD_EFORMAT (not AppleDouble version 2, an entry or attribute outside the
 * file, or an attribute value that does not parse; o keeps what was read),
 * or WARD_ELIMIT.
 */
int ward_origin_appledouble(const uint8_t *p, size_t n, struct ward_origin *o);

/*
 * Parses a kMDItemWhereFroms value: a binary plist ("bplist00") array of
 * strings (ASCII, UTF-16 and UTF-8 strings; nested arrays are followed to
 * WARD_LIMIT_PLIST_DEPTH) or an XML plist. Appends to o->urls. Returns 0,
 * or WARD_EFORMAT (o keeps the URLs read before the damage) or WARD_ELIMIT.
 */
int ward_origin_wherefroms(const uint8_t *p, size_t n, struct ward_origin *o);

/*
 * Parses a com.apple.quarantine value ("0083;5f1b...;Chrome;UUID") and sets
 * o->agent to its third field (possibly empty). Returns 0, or WARD_EFORMAT
 * when flags and time are not hex or the agent field is missing.
 */
int ward_origin_quarantine(const uint8_t *p, size_t n, struct ward_origin *o);

/*
 * Reads the origin extended attributes of an open file: Linux
 * user.xdg.origin.url and user.xdg.referrer.url, the macOS attributes as
 * Linux keeps them when a file is copied with its attributes
 * (user.com.apple.quarantine, user.com.apple.metadata:kMDItemWhereFroms), and
 * Zone.Identifier streams shown as user.* attributes by ntfs-3g and Samba.
 * Starts by emptying o; o->source becomes "xattr". URLs come origin first
 * (origin.url, WhereFroms, HostUrl), then referrers. Returns 1 if a URL, an
 * agent or a zone was found, 0 if not, or WARD_ENOMEM.
 */
int ward_origin_xattrs(int fd, struct ward_origin *o);

/*
 * Writes the host of an origin URL (lower case, as ward_url_parse gives it;
 * a "blob:" or "filesystem:" wrapper is looked through) into host[0..size).
 * Returns 0, WARD_EINVAL when the URL has no host, or WARD_ELIMIT when the
 * host does not fit.
 */
int ward_origin_host(const char *url, char *host, size_t size);

#endif
