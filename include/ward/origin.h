/*
 * Where a downloaded file came from: Windows Zone.Identifier streams
 * (exported as a "NAME:Zone.Identifier" sidecar file), macOS quarantine
 * and kMDItemWhereFroms (extended attributes, or AppleDouble "._NAME"
 * files, binary plists), and Linux user.xdg.origin.url / referrer.url
 * extended attributes. The origin host is then judged by domain
 * intelligence like any link.
 */
#ifndef WARD_ORIGIN_H
#define WARD_ORIGIN_H

#include <stddef.h>
#include <stdint.h>

#define WARD_ORIGIN_MAX_URLS 4

struct ward_origin {
	int zone;      /* Windows ZoneId (3 = Internet), or -1 */
	char agent[64]; /* the downloading application (quarantine), or "" */
	size_t n_urls;
	char urls[WARD_ORIGIN_MAX_URLS][1024]; /* HostUrl / WhereFroms / origin.url first,
						* then referrers */
	const char *source; /* "Zone.Identifier", "AppleDouble", "xattr", ... */
};

/* Parses a Zone.Identifier stream's text. Returns 0, or WARD_EFORMAT. */
int ward_origin_zone_identifier(const uint8_t *p, size_t n, struct ward_origin *o);

/* Parses an AppleDouble file ("._NAME"): the quarantine and kMDItemWhereFroms
 * attributes in its extended-attribute entry. Returns 0, or WARD_EFORMAT. */
int ward_origin_appledouble(const uint8_t *p, size_t n, struct ward_origin *o);

/* Parses a kMDItemWhereFroms value: a binary plist array of strings (or an XML
 * plist). Appends to o->urls. Returns 0, or WARD_EFORMAT. */
int ward_origin_wherefroms(const uint8_t *p, size_t n, struct ward_origin *o);

/* Parses a com.apple.quarantine value ("0083;5f1b...;Chrome;UUID"). */
int ward_origin_quarantine(const uint8_t *p, size_t n, struct ward_origin *o);

/* Reads the origin extended attributes of an open file (Linux user.xdg.*,
 * and macOS attributes stored as user.com.apple.* / com.apple.* where the file
 * system keeps them). Returns 1 if any origin was found, else 0. */
int ward_origin_xattrs(int fd, struct ward_origin *o);

#endif
