/*
 * AppleDouble files ("._NAME"): what macOS writes beside a file on a file
 * system without extended attributes (FAT, SMB shares, zip and tar archives
 * made by Finder and bsdtar). The extended attributes, the quarantine mark
 * and kMDItemWhereFroms among them, ride in the Finder Info entry:
 *
 *   header     magic 0x00051607, version 0x00020000, 16 filler bytes,
 *              entry count (16 bits), then entries of id, offset, length
 *   entry 9    Finder Info: 32 bytes, 2 bytes of padding, then the ATTR
 *              block of xnu's vfs_xattr.c (attr_header_t):
 *                magic 'ATTR', debug tag, total size, data start,
 *                data length, 3 reserved words, flags (16), attribute count (16)
 *              then per attribute (attr_entry_t, 4-byte aligned):
 *                offset, length, flags (16), name length (8), name with its NUL
 *
 * All numbers are big-endian and all offsets count from the start of the
 * file. Every one is untrusted: each entry, the ATTR block, each attribute
 * entry and each value must lie inside the buffer, and the entry and
 * attribute counts are capped at WARD_LIMIT_ORIGIN_ENTRIES. Nothing is
 * allocated; values are handed to the quarantine and WhereFroms parsers as
 * views into the buffer.
 */
#include <string.h>

#include "ward/error.h"
#include "ward/origin.h"
#include "limits.h"

#define AD_MAGIC 0x00051607u
#define AD_VERSION 0x00020000u
#define AD_HEADER 26 /* magic, version, filler, entry count */
#define AD_ENTRY 12
#define AD_FINDER_INFO 9
#define FINDER_INFO_SIZE 32
#define ATTR_HEADER 36
#define ATTR_ENTRY 11 /* offset, length, flags, name length; the name follows */

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static unsigned
be16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

/* Does [off, off + len) lie inside n bytes? */
static int
inside(uint64_t off, uint64_t len, size_t n)
{
	return off <= n && len <= n - off;
}

/* Is the NUL-terminated name at name[0..len) equal to want? */
static int
name_is(const uint8_t *name, size_t len, const char *want)
{
	const uint8_t *nul = memchr(name, '\0', len);
	size_t k = nul ? (size_t)(nul - name) : len;

	return k == strlen(want) && !memcmp(name, want, k);
}

/* Walks the ATTR block at a (inside p[0..n), at least ATTR_HEADER bytes). */
static int
attributes(const uint8_t *p, size_t n, size_t a, struct ward_origin *o)
{
	size_t e = a + ATTR_HEADER;
	unsigned count, i;
	int rc = 0, r;

	/* Total size and data area are not needed: each value is checked on its own,
	 * so a truncated file still gives what it holds. */
	count = be16(p + a + 34);
	if (count > WARD_LIMIT_ORIGIN_ENTRIES)
		return WARD_ELIMIT;
	for (i = 0; i < count; i++) {
		uint32_t off, len;
		size_t namelen;

		if (!inside(e, ATTR_ENTRY, n))
			return WARD_EFORMAT;
		off = be32(p + e);
		len = be32(p + e + 4);
		namelen = p[e + 10];
		if (!inside(e + ATTR_ENTRY, namelen, n))
			return WARD_EFORMAT;
		if (!inside(off, len, n)) {
			r = WARD_EFORMAT;
		} else if (name_is(p + e + ATTR_ENTRY, namelen, "com.apple.quarantine")) {
			r = ward_origin_quarantine(p + off, len, o);
		} else if (name_is(p + e + ATTR_ENTRY, namelen,
				   "com.apple.metadata:kMDItemWhereFroms")) {
			r = ward_origin_wherefroms(p + off, len, o);
		} else {
			r = 0;
		}
		if (r < 0 && rc == 0)
			rc = r;
		e += (ATTR_ENTRY + namelen + 3) & ~(size_t)3;
	}
	return rc;
}

int
ward_origin_appledouble(const uint8_t *p, size_t n, struct ward_origin *o)
{
	uint64_t fi_off = 0, fi_len = 0;
	unsigned count, i;
	int have_fi = 0;

	ward_origin_init(o);
	o->source = "AppleDouble";
	if (n > WARD_LIMIT_ORIGIN_SIZE)
		return WARD_ELIMIT;
	if (n < AD_HEADER || be32(p) != AD_MAGIC || be32(p + 4) != AD_VERSION)
		return WARD_EFORMAT;
	count = be16(p + 24);
	if (count > WARD_LIMIT_ORIGIN_ENTRIES)
		return WARD_ELIMIT;
	if (!inside(AD_HEADER, (uint64_t)count * AD_ENTRY, n))
		return WARD_EFORMAT;
	for (i = 0; i < count; i++) {
		const uint8_t *e = p + AD_HEADER + (size_t)i * AD_ENTRY;
		uint32_t off = be32(e + 4), len = be32(e + 8);

		if (!inside(off, len, n))
			return WARD_EFORMAT;
		if (be32(e) == AD_FINDER_INFO && !have_fi) {
			fi_off = off;
			fi_len = len;
			have_fi = 1;
		}
	}
	if (!have_fi)
		return 0;
	/* xnu pads the 32 bytes of Finder Info by 2; some writers do not. */
	if (fi_len >= FINDER_INFO_SIZE + 2 + ATTR_HEADER &&
	    !memcmp(p + fi_off + FINDER_INFO_SIZE + 2, "ATTR", 4))
		return attributes(p, n, (size_t)fi_off + FINDER_INFO_SIZE + 2, o);
	if (fi_len >= FINDER_INFO_SIZE + ATTR_HEADER &&
	    !memcmp(p + fi_off + FINDER_INFO_SIZE, "ATTR", 4))
		return attributes(p, n, (size_t)fi_off + FINDER_INFO_SIZE, o);
	return 0;
}
