/* Unit tests of the download-origin parsers of lib/files: Zone.Identifier
 * text, binary and XML kMDItemWhereFroms plists, AppleDouble files and their
 * ATTR block, quarantine values, extended attributes of a temporary file,
 * and the host of an origin URL. Every fixture is built here, byte by byte. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cmocka.h>

#include "ward/error.h"
#include "ward/origin.h"
#include "limits.h"

static struct ward_origin o;

static int
zone(const char *s)
{
	return ward_origin_zone_identifier((const uint8_t *)s, strlen(s), &o);
}

/* ASCII or UTF-8 text to UTF-16LE with a BOM (code points below U+10000 and
 * one surrogate pair for U+1F600 written as "\x01"). */
static size_t
utf16le(const char *s, uint8_t *out)
{
	size_t n = 0;

	out[n++] = 0xff;
	out[n++] = 0xfe;
	for (; *s; s++) {
		unsigned c = (unsigned char)*s;

		if (c == 0x01) { /* U+1F600 = D83D DE00 */
			out[n++] = 0x3d;
			out[n++] = 0xd8;
			out[n++] = 0x00;
			out[n++] = 0xde;
			continue;
		}
		if (c == 0xc3) { /* two-byte UTF-8 of Latin-1 letters */
			c = 0xc0 | ((unsigned char)s[1] & 0x3f);
			s++;
		}
		out[n++] = (uint8_t)(c & 0xff);
		out[n++] = (uint8_t)(c >> 8);
	}
	return n;
}

static void
test_zone_utf8(void **state)
{
	(void)state;
	assert_int_equal(zone("[ZoneTransfer]\r\nZoneId=3\r\n"
			      "ReferrerUrl=https://www.example.org/download.html\r\n"
			      "HostUrl=https://dl.example.org/Setup.exe\r\n"),
			 0);
	assert_int_equal(o.zone, 3);
	assert_string_equal(o.source, "Zone.Identifier");
	assert_int_equal(o.n_urls, 2);
	/* HostUrl first although the referrer came first. */
	assert_string_equal(o.urls[0], "https://dl.example.org/Setup.exe");
	assert_string_equal(o.urls[1], "https://www.example.org/download.html");
	assert_string_equal(o.agent, "");

	/* BOM, LF, CR alone, spaces, case, comments, other sections, first wins. */
	assert_int_equal(
	    zone("\xef\xbb\xbf; comment\n[Other]\nHostUrl=https://other.example/\n"
		 "[ zonetransfer ]\rzoneid = 2 \rHOSTURL = https://a.example/x \n"
		 "HostUrl=https://b.example/y\n"
		 "LastWriterPackageFamilyName=Microsoft.MicrosoftEdge.Stable_8wekyb3d8bbwe"),
	    0);
	assert_int_equal(o.zone, 2);
	assert_int_equal(o.n_urls, 1);
	assert_string_equal(o.urls[0], "https://a.example/x");
	assert_string_equal(o.agent, "Microsoft.MicrosoftEdge.Stable_8wekyb3d8bbwe");

	/* A control byte stays visible, percent-encoded. */
	assert_int_equal(zone("[ZoneTransfer]\nHostUrl=https://good.example\x01.evil.test/\n"), 0);
	assert_string_equal(o.urls[0], "https://good.example%01.evil.test/");
}

static void
test_zone_utf16(void **state)
{
	uint8_t buf[512];
	size_t n = utf16le("[ZoneTransfer]\r\nZoneId=3\r\n"
			   "HostUrl=https://dl.example.com/caf\xc3\xa9/\x01.exe\r\n"
			   "ReferrerUrl=https://ref.example.com/\r\n",
			   buf);

	(void)state;
	assert_int_equal(ward_origin_zone_identifier(buf, n, &o), 0);
	assert_int_equal(o.zone, 3);
	assert_int_equal(o.n_urls, 2);
	assert_string_equal(o.urls[0], "https://dl.example.com/caf\xc3\xa9/\xf0\x9f\x98\x80.exe");
	assert_string_equal(o.urls[1], "https://ref.example.com/");

	/* Without a BOM, and with a lone surrogate (U+FFFD) and an odd last byte. */
	n = utf16le("[ZoneTransfer]\nHostUrl=https://x.example/", buf);
	buf[n++] = 0x00;
	buf[n++] = 0xd8;
	buf[n++] = 'a';
	assert_int_equal(ward_origin_zone_identifier(buf + 2, n - 2, &o), 0);
	assert_int_equal(o.n_urls, 1);
	assert_string_equal(o.urls[0], "https://x.example/\xef\xbf\xbd");
}

static void
test_zone_edge(void **state)
{
	uint8_t *big;

	(void)state;
	assert_int_equal(zone("[ZoneTransfer]\nZoneId=3"), 0);
	assert_int_equal(o.zone, 3);
	assert_int_equal(o.n_urls, 0);

	assert_int_equal(zone("[ZoneTransfer]\nZoneId=three\nHostUrl=about:internet\n"), 0);
	assert_int_equal(o.zone, -1);
	assert_int_equal(o.n_urls, 0);

	assert_int_equal(zone("hello world, this is not a zone file\n"), WARD_EFORMAT);
	assert_int_equal(zone("[Other]\nZoneId=3\nHostUrl=https://x.example/\n"), WARD_EFORMAT);
	assert_int_equal(o.n_urls, 0);
	assert_int_equal(o.zone, -1);
	assert_int_equal(ward_origin_zone_identifier((const uint8_t *)"\xff\xfe", 2, &o),
			 WARD_EFORMAT);
	assert_int_equal(ward_origin_zone_identifier((const uint8_t *)"", 0, &o), WARD_EFORMAT);
	assert_int_equal(ward_origin_zone_identifier((const uint8_t *)"\0\0\0\0\xff", 5, &o),
			 WARD_EFORMAT);

	/* One byte past the cap. */
	big = malloc(WARD_LIMIT_ORIGIN_SIZE + 1);
	assert_non_null(big);
	memset(big, '\n', WARD_LIMIT_ORIGIN_SIZE + 1);
	memcpy(big, "[ZoneTransfer]\n", 15);
	assert_int_equal(ward_origin_zone_identifier(big, WARD_LIMIT_ORIGIN_SIZE, &o), 0);
	assert_int_equal(ward_origin_zone_identifier(big, WARD_LIMIT_ORIGIN_SIZE + 1, &o),
			 WARD_ELIMIT);
	free(big);
}

/* ---- binary plists ---- */

struct obj {
	const uint8_t *p;
	size_t n;
};

/* Lays out "bplist00", the objects, a 1-byte offset table and the trailer
 * (1-byte references); returns the size. */
static size_t
bplist(uint8_t *out, const struct obj *objs, size_t nobj, unsigned top)
{
	size_t n = 8, table, i;
	uint8_t off[16];

	memcpy(out, "bplist00", 8);
	for (i = 0; i < nobj; i++) {
		off[i] = (uint8_t)n;
		memcpy(out + n, objs[i].p, objs[i].n);
		n += objs[i].n;
	}
	table = n;
	memcpy(out + n, off, nobj);
	n += nobj;
	memset(out + n, 0, 32);
	out[n + 6] = 1;		      /* offset size */
	out[n + 7] = 1;		      /* reference size */
	out[n + 15] = (uint8_t)nobj;  /* object count */
	out[n + 23] = (uint8_t)top;   /* top object */
	out[n + 31] = (uint8_t)table; /* offset table position */
	return n + 32;
}

#define OBJ(a)                                                                                     \
	{                                                                                          \
		a, sizeof(a) - 1                                                                   \
	}

/* ["https://dl.example.net/Trader.dmg", "https://example.net/"] */
static const uint8_t arr2[] = "\xa2\x01\x02";
static const uint8_t str_dl[] = "\x5f\x10\x21https://dl.example.net/Trader.dmg";
static const uint8_t str_ref[] = "\x5f\x10\x14https://example.net/";

static size_t
wherefroms2(uint8_t *out)
{
	struct obj objs[] = {OBJ(arr2), OBJ(str_dl), OBJ(str_ref)};

	return bplist(out, objs, 3, 0);
}

static int
wf(const uint8_t *p, size_t n)
{
	ward_origin_init(&o);
	return ward_origin_wherefroms(p, n, &o);
}

static void
test_bplist(void **state)
{
	/* "https://" U+4F8B U+3048 ".jp/" in UTF-16BE: 14 code units */
	static const uint8_t u16[] = "\x6f\x10\x0e"
				     "\0h\0t\0t\0p\0s\0:\0/\0/\x4f\x8b\x30\x48\0.\0j\0p\0/";
	static const uint8_t arr1[] = "\xa1\x01";
	struct obj objs[] = {OBJ(arr1), OBJ(u16)};
	uint8_t buf[256];
	size_t n;

	(void)state;
	n = wherefroms2(buf);
	assert_int_equal(wf(buf, n), 0);
	assert_int_equal(o.n_urls, 2);
	assert_string_equal(o.urls[0], "https://dl.example.net/Trader.dmg");
	assert_string_equal(o.urls[1], "https://example.net/");

	n = bplist(buf, objs, 2, 0);
	assert_int_equal(wf(buf, n), 0);
	assert_int_equal(o.n_urls, 1);
	assert_string_equal(o.urls[0], "https://\xe4\xbe\x8b\xe3\x81\x88.jp/");

	/* A single string as the top object. */
	n = bplist(buf, objs + 1, 1, 0);
	assert_int_equal(wf(buf, n), 0);
	assert_int_equal(o.n_urls, 1);
}

static void
test_bplist_malformed(void **state)
{
	static const uint8_t self[] = "\xa2\x01\x00"; /* [string, itself] */
	static const uint8_t far[] = "\xa2\x01\x07";  /* reference 7 of 2 objects */
	static const uint8_t longstr[] = "\x5f\x10\x7fhttps://x.example/"; /* 127 bytes said */
	static const uint8_t badint[] = "\x5f\x20\x01";			   /* length not an int */
	struct obj cyc[] = {OBJ(self), OBJ(str_dl)};
	struct obj bad[] = {OBJ(far), OBJ(str_dl)};
	struct obj ls[] = {OBJ(longstr)};
	struct obj bi[] = {OBJ(badint)};
	uint8_t buf[256], deep[64];
	struct obj chain[12];
	size_t n, i;

	(void)state;
	/* An offset in the offset table that points past it. */
	n = wherefroms2(buf);
	buf[n - 32 - 1] = (uint8_t)(n - 10);
	assert_int_equal(wf(buf, n), WARD_EFORMAT);
	assert_int_equal(o.n_urls, 1); /* what came before the damage stays */

	/* An array that contains itself. */
	n = bplist(buf, cyc, 2, 0);
	assert_int_equal(wf(buf, n), WARD_EFORMAT);
	assert_int_equal(o.n_urls, 1);
	assert_string_equal(o.urls[0], "https://dl.example.net/Trader.dmg");

	n = bplist(buf, bad, 2, 0);
	assert_int_equal(wf(buf, n), WARD_EFORMAT);
	n = bplist(buf, ls, 1, 0);
	assert_int_equal(wf(buf, n), WARD_EFORMAT);
	assert_int_equal(o.n_urls, 0);
	n = bplist(buf, bi, 1, 0);
	assert_int_equal(wf(buf, n), WARD_EFORMAT);

	/* Trailer damage: top object out of range, offset size 0, table past end. */
	n = wherefroms2(buf);
	buf[n - 32 + 23] = 3;
	assert_int_equal(wf(buf, n), WARD_EFORMAT);
	n = wherefroms2(buf);
	buf[n - 32 + 6] = 0;
	assert_int_equal(wf(buf, n), WARD_EFORMAT);
	n = wherefroms2(buf);
	buf[n - 32 + 31] = 0xf0;
	assert_int_equal(wf(buf, n), WARD_EFORMAT);
	n = wherefroms2(buf);
	buf[n - 32 + 15] = 0xff; /* more objects than the table holds */
	assert_int_equal(wf(buf, n), WARD_EFORMAT);
	n = wherefroms2(buf);
	for (i = 0; i < n; i++) /* every truncation is refused or harmless */
		assert_true(wf(buf, i) <= 0 && o.n_urls <= WARD_ORIGIN_MAX_URLS);
	assert_int_equal(wf((const uint8_t *)"bplist00", 8), WARD_EFORMAT);
	assert_int_equal(wf((const uint8_t *)"random bytes", 12), WARD_EFORMAT);

	/* Arrays nested deeper than WARD_LIMIT_PLIST_DEPTH. */
	for (i = 0; i < 12; i++) {
		deep[2 * i] = 0xa1;
		deep[2 * i + 1] = (uint8_t)(i + 1);
		chain[i].p = deep + 2 * i;
		chain[i].n = 2;
	}
	deep[2 * 11 + 1] = 0; /* the last one points to the first: a cycle at depth 12 */
	n = bplist(buf, chain, 12, 0);
	assert_int_equal(wf(buf, n), WARD_ELIMIT);
}

static void
test_xml_plist(void **state)
{
	static const char xml[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
				  "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" "
				  "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"
				  "<plist version=\"1.0\">\n<array>\n"
				  "\t<string>https://dl.example.org/get?a=1&amp;b=&#x32;</string>\n"
				  "\t<string/>\n"
				  "\t<string>John &lt;john@example.org&gt;</string>\n"
				  "\t<string>\n  https://example.org/&#233;\n</string>\n"
				  "</array>\n</plist>\n";

	(void)state;
	assert_int_equal(wf((const uint8_t *)xml, sizeof(xml) - 1), 0);
	assert_int_equal(o.n_urls, 2); /* the sender line is not a URL */
	assert_string_equal(o.urls[0], "https://dl.example.org/get?a=1&b=2");
	assert_string_equal(o.urls[1], "https://example.org/\xc3\xa9");

	assert_int_equal(wf((const uint8_t *)"<plist><array><string>https://x.example/", 40),
			 WARD_EFORMAT);
	assert_int_equal(wf((const uint8_t *)"<html><string>https://x.example/</string>", 41),
			 WARD_EFORMAT);
}

/* ---- AppleDouble ---- */

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static const char quarantine[] = "0083;65a1b2c3;Safari;6A1F34E2-1111-4C2B-9E0A-0123456789AB";

/* An AppleDouble file as macOS writes it: entries Finder Info (9) and
 * resource fork (2), Finder Info padded by 2, an ATTR block holding
 * com.apple.quarantine and kMDItemWhereFroms. Returns the size. */
static size_t
appledouble(uint8_t *out)
{
	static const char q[] = "com.apple.quarantine",
			  w[] = "com.apple.metadata:kMDItemWhereFroms";
	uint8_t plist[256];
	size_t np = wherefroms2(plist), n, e, qoff, woff;

	memset(out, 0, 1024);
	put32(out, 0x00051607);
	put32(out + 4, 0x00020000);
	out[25] = 2;
	put32(out + 26, 9); /* Finder Info at 50 */
	put32(out + 30, 50);
	put32(out + 38, 2); /* resource fork: offset and length set below */
	memcpy(out + 84, "ATTR", 4);
	out[84 + 35] = 2; /* two attributes */
	e = 84 + 36;
	/* entry sizes, 4-byte aligned: 11 + 21 -> 32, 11 + 37 -> 48 */
	qoff = e + 32 + 48;
	woff = qoff + sizeof(quarantine) - 1;
	n = woff + np;
	put32(out + e, (uint32_t)qoff);
	put32(out + e + 4, sizeof(quarantine) - 1);
	out[e + 10] = sizeof(q);
	memcpy(out + e + 11, q, sizeof(q));
	e += 32;
	put32(out + e, (uint32_t)woff);
	put32(out + e + 4, (uint32_t)np);
	out[e + 10] = sizeof(w);
	memcpy(out + e + 11, w, sizeof(w));
	memcpy(out + qoff, quarantine, sizeof(quarantine) - 1);
	memcpy(out + woff, plist, np);
	put32(out + 84 + 8, (uint32_t)n);     /* total size */
	put32(out + 84 + 12, (uint32_t)qoff); /* data start */
	put32(out + 84 + 16, (uint32_t)(n - qoff));
	put32(out + 34, (uint32_t)(n - 50)); /* Finder Info length */
	put32(out + 42, (uint32_t)n);	     /* empty resource fork at the end */
	return n;
}

static void
test_appledouble(void **state)
{
	uint8_t buf[1024];
	size_t n = appledouble(buf), i;

	(void)state;
	assert_int_equal(ward_origin_appledouble(buf, n, &o), 0);
	assert_string_equal(o.source, "AppleDouble");
	assert_string_equal(o.agent, "Safari");
	assert_int_equal(o.zone, -1);
	assert_int_equal(o.n_urls, 2);
	assert_string_equal(o.urls[0], "https://dl.example.net/Trader.dmg");
	assert_string_equal(o.urls[1], "https://example.net/");

	/* Every truncation is refused or read safely. */
	for (i = 0; i < n; i++)
		assert_true(ward_origin_appledouble(buf, i, &o) <= 0);

	/* Not AppleDouble, or version 1. */
	buf[3] = 0x00;
	assert_int_equal(ward_origin_appledouble(buf, n, &o), WARD_EFORMAT);
	n = appledouble(buf);
	buf[5] = 0x01;
	assert_int_equal(ward_origin_appledouble(buf, n, &o), WARD_EFORMAT);

	/* An attribute value past the end: the other one is still read. */
	n = appledouble(buf);
	put32(buf + 84 + 36 + 32, (uint32_t)n - 4);
	assert_int_equal(ward_origin_appledouble(buf, n, &o), WARD_EFORMAT);
	assert_string_equal(o.agent, "Safari");
	assert_int_equal(o.n_urls, 0);

	/* An entry past the end, an attribute length that wraps, too many entries. */
	n = appledouble(buf);
	put32(buf + 34, 0xfffffff0u);
	assert_int_equal(ward_origin_appledouble(buf, n, &o), WARD_EFORMAT);
	n = appledouble(buf);
	put32(buf + 84 + 36 + 4, 0xffffffffu);
	assert_int_equal(ward_origin_appledouble(buf, n, &o), WARD_EFORMAT);
	assert_int_equal(o.n_urls, 2);
	n = appledouble(buf);
	buf[24] = 0xff;
	assert_int_equal(ward_origin_appledouble(buf, n, &o), WARD_ELIMIT);
	n = appledouble(buf);
	buf[84 + 34] = 0xff; /* 65282 attributes */
	assert_int_equal(ward_origin_appledouble(buf, n, &o), WARD_ELIMIT);
	n = appledouble(buf);
	buf[84 + 35] = 0x60; /* 96 attributes: the walk leaves the file */
	assert_int_equal(ward_origin_appledouble(buf, n, &o), WARD_EFORMAT);

	/* Finder Info without an ATTR block: valid, nothing found. */
	n = appledouble(buf);
	memcpy(buf + 84, "XXXX", 4);
	assert_int_equal(ward_origin_appledouble(buf, n, &o), 0);
	assert_int_equal(o.n_urls, 0);
	assert_string_equal(o.agent, "");
}

static void
test_quarantine(void **state)
{
	(void)state;
	ward_origin_init(&o);
	assert_int_equal(
	    ward_origin_quarantine((const uint8_t *)quarantine, sizeof(quarantine) - 1, &o), 0);
	assert_string_equal(o.agent, "Safari");
	assert_int_equal(
	    ward_origin_quarantine((const uint8_t *)"0081;5f1b2c3d;Google Chrome;ABC\0", 32, &o),
	    0);
	assert_string_equal(o.agent, "Google Chrome");
	assert_int_equal(ward_origin_quarantine((const uint8_t *)"0001;5f1b;", 10, &o), 0);
	assert_string_equal(o.agent, "");
	assert_int_equal(ward_origin_quarantine((const uint8_t *)"0083;5f1b;Tab\tBot", 17, &o), 0);
	assert_string_equal(o.agent, "Tab?Bot");
	assert_int_equal(ward_origin_quarantine((const uint8_t *)"nonsense", 8, &o), WARD_EFORMAT);
	assert_int_equal(ward_origin_quarantine((const uint8_t *)"zz;12;x", 7, &o), WARD_EFORMAT);
	assert_int_equal(ward_origin_quarantine((const uint8_t *)"0083;5f1b", 9, &o), WARD_EFORMAT);
	assert_int_equal(ward_origin_quarantine((const uint8_t *)";;", 2, &o), WARD_EFORMAT);
}

static void
test_add_url(void **state)
{
	char longurl[1500];
	size_t i;

	(void)state;
	ward_origin_init(&o);
	assert_int_equal(ward_origin_add_url(&o, " https://a.example/ \n", 21), 1);
	assert_int_equal(ward_origin_add_url(&o, "https://a.example/", 18), 0);
	assert_int_equal(ward_origin_add_url(&o, "about:internet", 14), 0);
	assert_int_equal(ward_origin_add_url(&o, "message:%3Cid%3E", 16), 0);
	assert_int_equal(ward_origin_add_url(&o, "www.b.example/x", 15), 1);
	assert_int_equal(ward_origin_add_url(&o, "blob:https://c.example/uuid", 27), 1);
	assert_int_equal(ward_origin_add_url(&o, "ftp://d.example/\0", 17), 1);
	assert_int_equal(ward_origin_add_url(&o, "https://e.example/", 18), 0); /* full */
	assert_int_equal(o.n_urls, WARD_ORIGIN_MAX_URLS);
	assert_string_equal(o.urls[3], "ftp://d.example/");

	/* Cut at a character boundary: "é" is 2 bytes, the slot holds 1023. */
	memcpy(longurl, "https://", 8);
	for (i = 8; i + 1 < sizeof(longurl); i += 2)
		memcpy(longurl + i, "\xc3\xa9", 2);
	ward_origin_init(&o);
	assert_int_equal(ward_origin_add_url(&o, longurl, sizeof(longurl) - 1), 1);
	assert_int_equal(strlen(o.urls[0]), 1022);
}

static void
test_host(void **state)
{
	char host[64];

	(void)state;
	assert_int_equal(
	    ward_origin_host("https://Download.Example.COM:8443/x", host, sizeof(host)), 0);
	assert_string_equal(host, "download.example.com");
	assert_int_equal(ward_origin_host("blob:https://a.example/uuid", host, sizeof(host)), 0);
	assert_string_equal(host, "a.example");
	assert_int_equal(
	    ward_origin_host("https://torrytrade.com.example.net/r.pdf", host, sizeof(host)), 0);
	assert_string_equal(host, "torrytrade.com.example.net");
	assert_int_equal(ward_origin_host("file:///etc/passwd", host, sizeof(host)), WARD_EINVAL);
	assert_string_equal(host, "");
	assert_int_equal(ward_origin_host("file://fileserver/share/setup.exe", host, sizeof(host)),
			 0);
	assert_string_equal(host, "fileserver");
	assert_int_equal(ward_origin_host("data:text/html,hi", host, sizeof(host)), WARD_EINVAL);
	assert_int_equal(ward_origin_host("https://a-long-name.example/", host, 8), WARD_ELIMIT);
}

static void
test_xattrs(void **state)
{
	static const char url[] = "https://cdn.example.com/helper.AppImage";
	static const char ref[] = "https://example.com/";
	static const char zid[] = "[ZoneTransfer]\r\nZoneId=3\r\nHostUrl=https://z.example/\r\n";
	char path[] = "/tmp/ward-origin-XXXXXX";
	uint8_t plist[256];
	size_t np = wherefroms2(plist);
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	unlink(path);
	/* No attributes: nothing found. */
	assert_int_equal(ward_origin_xattrs(fd, &o), 0);
	assert_int_equal(o.n_urls, 0);
	if (fsetxattr(fd, "user.xdg.origin.url", url, sizeof(url) - 1, 0) < 0) {
		int err = errno;

		close(fd);
		print_message("user extended attributes refused on /tmp (%s): "
			      "xattr assertions skipped\n",
			      strerror(err));
		skip();
	}
	assert_int_equal(fsetxattr(fd, "user.xdg.referrer.url", ref, sizeof(ref) - 1, 0), 0);
	assert_int_equal(ward_origin_xattrs(fd, &o), 1);
	assert_string_equal(o.source, "xattr");
	assert_int_equal(o.n_urls, 2);
	assert_string_equal(o.urls[0], url);
	assert_string_equal(o.urls[1], ref);

	/* macOS attributes as Linux keeps them: origin first, referrers after. */
	assert_int_equal(fsetxattr(fd, "user.com.apple.metadata:kMDItemWhereFroms", plist, np, 0),
			 0);
	assert_int_equal(
	    fsetxattr(fd, "user.com.apple.quarantine", quarantine, sizeof(quarantine) - 1, 0), 0);
	assert_int_equal(ward_origin_xattrs(fd, &o), 1);
	assert_string_equal(o.agent, "Safari");
	assert_int_equal(o.n_urls, 4);
	assert_string_equal(o.urls[0], url);
	assert_string_equal(o.urls[1], "https://dl.example.net/Trader.dmg");
	assert_string_equal(o.urls[2], "https://example.net/");
	assert_string_equal(o.urls[3], ref);

	/* A Zone.Identifier stream as ntfs-3g shows it. */
	assert_int_equal(fremovexattr(fd, "user.xdg.origin.url"), 0);
	assert_int_equal(fremovexattr(fd, "user.xdg.referrer.url"), 0);
	assert_int_equal(fremovexattr(fd, "user.com.apple.metadata:kMDItemWhereFroms"), 0);
	assert_int_equal(fsetxattr(fd, "user.Zone.Identifier", zid, strlen(zid), 0), 0);
	assert_int_equal(ward_origin_xattrs(fd, &o), 1);
	assert_int_equal(o.zone, 3);
	assert_int_equal(o.n_urls, 1);
	assert_string_equal(o.urls[0], "https://z.example/");
	close(fd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_zone_utf8),	     cmocka_unit_test(test_zone_utf16),
	    cmocka_unit_test(test_zone_edge),	     cmocka_unit_test(test_bplist),
	    cmocka_unit_test(test_bplist_malformed), cmocka_unit_test(test_xml_plist),
	    cmocka_unit_test(test_appledouble),	     cmocka_unit_test(test_quarantine),
	    cmocka_unit_test(test_add_url),	     cmocka_unit_test(test_host),
	    cmocka_unit_test(test_xattrs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
