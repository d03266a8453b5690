/* Unit tests of lib/url: taking URLs apart like a browser (every IPv4
 * notation, userinfo, encoded hosts, ports, IPv6, backslashes, www. and
 * data: forms), unwrapping redirectors, the shortener list and finding
 * URLs in plain text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ward/error.h"
#include "ward/url.h"

static int
parse(const char *s, struct ward_url *u)
{
	return ward_url_parse(s, strlen(s), u);
}

/* Parses s, expects success, the host and exactly the given flags. */
static void
expect(const char *s, const char *host, unsigned flags)
{
	struct ward_url u;

	if (parse(s, &u) != 0)
		fail_msg("parse failed: %s", s);
	if (strcmp(u.host, host) != 0)
		fail_msg("%s: host %s, want %s", s, u.host, host);
	if (u.flags != flags)
		fail_msg("%s: flags %#x, want %#x", s, u.flags, flags);
}

static void
expect_fail(const char *s)
{
	struct ward_url u;

	if (parse(s, &u) != WARD_EINVAL)
		fail_msg("parse should fail: %s (host %s)", s, u.host);
	assert_string_equal(u.host, "");
}

#define IPOBF (WARD_URL_IP | WARD_URL_IP_OBFUSCATED)

static void
test_parse_ipv4(void **state)
{
	(void)state;
	expect("http://192.168.1.1/", "192.168.1.1", WARD_URL_IP);
	expect("http://3232235777/", "192.168.1.1", IPOBF);
	expect("http://0xC0A80101/", "192.168.1.1", IPOBF);
	expect("http://0300.0250.01.01/", "192.168.1.1", IPOBF);
	expect("http://192.168.257/", "192.168.1.1", IPOBF);
	expect("http://192.11010305/", "192.168.1.1", IPOBF);
	expect("http://0xC0.168.0x1.01/x", "192.168.1.1", IPOBF);
	expect("http://0x7f.1/", "127.0.0.1", IPOBF);
	expect("http://127.0.0.1./", "127.0.0.1", WARD_URL_IP);
	expect("http://0/", "0.0.0.0", IPOBF);
	expect("http://%31%32%37.0.0.1/", "127.0.0.1", IPOBF | WARD_URL_HOST_ENCODED);
	/* Full-width digits and the ideographic full stop map to ASCII. */
	expect("http://\xef\xbc\x91\xef\xbc\x92\xef\xbc\x97\xe3\x80\x82\xef\xbc\x90\xe3\x80\x82"
	       "\xef\xbc\x90\xe3\x80\x82\xef\xbc\x91/",
	       "127.0.0.1", IPOBF);
	/* Ends in a number but is no address: browsers refuse these. */
	expect_fail("http://256.1.1.1/");
	expect_fail("http://1.2.3.4.5/");
	expect_fail("http://foo.123/");
	expect_fail("http://4294967296/");
	expect_fail("http://1.2.65536/");
	expect_fail("http://1..2/");
	/* A last label that is not a number makes a domain. */
	expect("http://1.2.3.example/", "1.2.3.example", 0);
	expect("http://0x1g/", "0x1g", 0);
}

static void
test_parse_authority(void **state)
{
	struct ward_url u;

	(void)state;
	/* Everything before the last '@' of the authority is userinfo. */
	expect("https://www.binance.com@evil.example/login", "evil.example", WARD_URL_USERINFO);
	expect("https://a@b@evil.example/", "evil.example", WARD_URL_USERINFO);
	expect("https://user:pass@evil.example:8080/", "evil.example",
	       WARD_URL_USERINFO | WARD_URL_PORT);
	/* An '@' after the path starts is not userinfo. */
	expect("https://good.example/a@evil.example", "good.example", 0);
	/* Backslashes are slashes for http(s): the host ends at '\'. */
	expect("http://evil.example\\@good.example/", "evil.example", 0);
	assert_int_equal(parse("https:\\\\evil.example\\path", &u), 0);
	assert_string_equal(u.host, "evil.example");
	assert_int_equal(u.path_len, 5);
	assert_memory_equal(u.path, "\\path", 5);
	expect("https:evil.example/", "evil.example", 0);
	expect("https:///evil.example/", "evil.example", 0);
	/* Percent-encoded and upper-case hosts. */
	expect("http://%77%77%77.Example.COM/", "www.example.com", WARD_URL_HOST_ENCODED);
	expect("HTTPS://WWW.EXAMPLE.COM/A", "www.example.com", 0);
	expect_fail("http://a%2Fb.example/");
	expect_fail("http://a%zz.example/");
	/* Tabs and newlines anywhere are dropped, like browsers do. */
	expect("ht\ttp://ex\nample.c\rom/", "example.com", 0);
	/* Trailing dots go; leading and trailing spaces too. */
	expect("  http://EXAMPLE.com../  ", "example.com", 0);
	/* Unicode hosts stay Unicode, lower-cased. */
	expect("http://\xc3\x89XAMPLE.com/", "\xc3\xa9xample.com", 0);
	expect("http://\xd0\x92INANCE.com/", "\xd0\xb2inance.com", 0);
	expect("http://\xef\xbd\x87\xef\xbd\x8f\xef\xbd\x8f\xef\xbd\x87\xef\xbd\x8c\xef\xbd\x85"
	       "\xef\xbc\x8e\xef\xbd\x83\xef\xbd\x8f\xef\xbd\x8d/",
	       "google.com", 0);
	expect("http://xn--80ak6aa92e.com/", "xn--80ak6aa92e.com", 0);
	/* A host longer than 255 bytes is refused. */
	{
		char big[400] = "http://";

		memset(big + 7, 'a', 300);
		big[307] = '\0';
		expect_fail(big);
	}
}

static void
test_parse_ports(void **state)
{
	struct ward_url u;

	(void)state;
	assert_int_equal(parse("http://example.com:8080/x", &u), 0);
	assert_int_equal(u.port, 8080);
	assert_int_equal(u.flags, WARD_URL_PORT);
	assert_int_equal(parse("https://example.com:443/", &u), 0);
	assert_int_equal(u.port, 443);
	assert_int_equal(u.flags, 0);
	assert_int_equal(parse("http://example.com:/", &u), 0);
	assert_int_equal(u.port, 0);
	assert_int_equal(parse("http://example.com:0080/", &u), 0);
	assert_int_equal(u.port, 80);
	assert_int_equal(u.flags, 0);
	expect_fail("http://example.com:65536/");
	expect_fail("http://example.com:8a/");
	/* IPv6 literals, with and without a port. */
	assert_int_equal(parse("http://[2001:DB8:0:0:0:0:0:1]:8443/p", &u), 0);
	assert_string_equal(u.host, "2001:db8::1");
	assert_int_equal(u.port, 8443);
	assert_int_equal(u.flags, WARD_URL_IP | WARD_URL_PORT);
	assert_int_equal(u.path_len, 2);
	expect("http://[::ffff:7f00:1]/", "::ffff:127.0.0.1", WARD_URL_IP);
	expect_fail("http://[2001:db8::1/");
	expect_fail("http://[2001:db8::g]/");
	expect_fail("http://[::1]x/");
}

static void
test_parse_forms(void **state)
{
	static const char data[] = "data:text/html;base64,PGgxPg==";
	static const char www[] = "WWW.Example.com/path?q=1";
	struct ward_url u;

	(void)state;
	assert_int_equal(ward_url_parse(www, strlen(www), &u), 0);
	assert_string_equal(u.scheme, "http");
	assert_string_equal(u.host, "www.example.com");
	assert_int_equal(u.flags, WARD_URL_NO_SCHEME);
	assert_ptr_equal(u.path, www + 15);
	assert_int_equal(u.path_len, 9);
	/* data: has no host but is a URL. */
	assert_int_equal(ward_url_parse(data, strlen(data), &u), 0);
	assert_string_equal(u.scheme, "data");
	assert_string_equal(u.host, "");
	assert_int_equal(u.flags, WARD_URL_DATA);
	assert_ptr_equal(u.path, data + 5);
	/* Other schemes need "//" and a host. */
	assert_int_equal(parse("ftp://FTP.example.org/pub", &u), 0);
	assert_string_equal(u.scheme, "ftp");
	assert_int_equal(parse("smb://fileserver.example/share", &u), 0);
	assert_string_equal(u.host, "fileserver.example");
	expect_fail("mailto:user@example.com");
	expect_fail("javascript:alert(1)");
	expect_fail("example.com/path");
	expect_fail("//example.com/");
	expect_fail("http://");
	expect_fail("http://@/");
	expect_fail("");
	expect_fail("averyveryverylongscheme://example.com/");
	/* Not NUL-terminated: only n bytes are read. */
	assert_int_equal(ward_url_parse("http://example.comXYZ", 18, &u), 0);
	assert_string_equal(u.host, "example.com");
	/* Shorteners are flagged. */
	expect("https://bit.ly/3xYz", "bit.ly", WARD_URL_SHORTENER);
	expect("https://go.bit.ly/a", "go.bit.ly", WARD_URL_SHORTENER);
	expect("https://notbit.ly/a", "notbit.ly", 0);
}

/* Unwraps s; returns the target or "" (in a static buffer). */
static const char *
unwrap(const char *s)
{
	static char out[2048];
	struct ward_url u;
	size_t n;

	out[0] = 'X';
	out[1] = '\0';
	if (parse(s, &u) != 0)
		fail_msg("parse failed: %s", s);
	n = ward_url_unwrap(s, strlen(s), &u, out, sizeof(out));
	assert_int_equal(n, strlen(out));
	return out;
}

static void
test_unwrap(void **state)
{
	char small[12];
	struct ward_url u;
	const char *s;

	(void)state;
	assert_string_equal(unwrap("https://www.google.com/url?sa=t&rct=j&q=&esrc=s&source=web&"
				   "url=https%3A%2F%2Fevil.example%2Flogin&usg=AOvVaw1"),
			    "https://evil.example/login");
	assert_string_equal(unwrap("https://www.google.co.uk/url?q=https://evil.example/a%3Fb%3D1&"
				   "sa=D&ust=1"),
			    "https://evil.example/a?b=1");
	assert_string_equal(unwrap("https://google.com.br/url?q=http://evil.example/"),
			    "http://evil.example/");
	assert_string_equal(unwrap("https://www.google.com/amp/s/evil.example/page.html"),
			    "https://evil.example/page.html");
	assert_string_equal(unwrap("https://www.google.de/amp/evil.example/p"),
			    "http://evil.example/p");
	assert_string_equal(
	    unwrap("https://eur01.safelinks.protection.outlook.com/?url=https%3A%2F%"
		   "2Fevil.example%2Fx%3Fa%3D1&data=05%7C01%7C&sdata=abc&reserved=0"),
	    "https://evil.example/x?a=1");
	assert_string_equal(
	    unwrap("https://l.facebook.com/l.php?u=https%3A%2F%2Fevil.example%2F&h=AT0"),
	    "https://evil.example/");
	assert_string_equal(unwrap("https://lm.facebook.com/l.php?u=http%3A%2F%2Fevil.example%2Fm"),
			    "http://evil.example/m");
	assert_string_equal(
	    unwrap("https://t.umblr.com/redirect?z=https%3A%2F%2Fevil.example%2Fp&t=a"),
	    "https://evil.example/p");
	assert_string_equal(unwrap("https://www.youtube.com/redirect?event=video_description&"
				   "redir_token=x&q=https%3A%2F%2Fevil.example%2F&v=abc"),
			    "https://evil.example/");
	assert_string_equal(
	    unwrap("https://slack-redir.net/link?url=https%3A%2F%2Fevil.example%2F"),
	    "https://evil.example/");
	assert_string_equal(
	    unwrap("https://urldefense.proofpoint.com/v2/url?u=https-3A__evil.example_"
		   "login-3Fid-3D1&d=DwMFaQ&c=x&r=y&m=z&s=w&e="),
	    "https://evil.example/login?id=1");
	assert_string_equal(unwrap("https://urldefense.proofpoint.com/v1/url?u=http://evil.example/"
				   "&k=abc"),
			    "http://evil.example/");
	/* v3: '*' stands for the next base64url character ("Iw" is '#'). */
	assert_string_equal(unwrap("https://urldefense.com/v3/__https://evil.example/a*b__;Iw!!ABC!"
				   "xyz$"),
			    "https://evil.example/a#b");
	/* "**A" is a run of two ("Pz0" is "?="). */
	assert_string_equal(
	    unwrap("https://urldefense.com/v3/__https://evil.example/x**Ay__;Pz0!!A"),
	    "https://evil.example/x?=y");
	assert_string_equal(unwrap("https://www.linkedin.com/redir/redirect?url=https%3A%2F%2Fevil%"
				   "2Eexample%2F&urlhash=abc&trk=x"),
			    "https://evil.example/");
	assert_string_equal(
	    unwrap("https://duckduckgo.com/l/?uddg=https%3A%2F%2Fevil.example%2F&rut=a"),
	    "https://evil.example/");
	assert_string_equal(
	    unwrap("https://www.bing.com/ck/a?!&&p=abc&ptn=3&u=a1aHR0cHM6Ly9ldmlsLmV4"
		   "YW1wbGUvcGF0aA&ntb=1"),
	    "https://evil.example/path");
	/* Any host: redirect-like parameters holding an absolute URL. */
	assert_string_equal(unwrap("https://tracker.example.net/click?id=5&redirect=https%3A%2F%2F"
				   "evil.example%2F"),
			    "https://evil.example/");
	assert_string_equal(unwrap("https://x.example/go?GOTO=http://evil.example/"),
			    "http://evil.example/");
	/* Encoded twice. */
	assert_string_equal(unwrap("https://x.example/?url=https%253A%252F%252Fevil.example%252F"),
			    "https://evil.example/");
	/* Not wrappers. */
	assert_string_equal(unwrap("https://x.example/login?next=/account"), "");
	assert_string_equal(unwrap("https://www.google.com/search?q=https://evil.example/"), "");
	assert_string_equal(unwrap("https://x.example/?u=javascript:alert(1)"), "");
	assert_string_equal(unwrap("https://x.example/?url=https://evil.example/%00x"), "");
	assert_string_equal(unwrap("https://l.facebook.com/l.php?h=AT0"), "");
	assert_string_equal(unwrap("https://x.example/#url=https://evil.example/"), "");
	/* Output is cut to the buffer and stays terminated. */
	s = "https://l.facebook.com/l.php?u=https%3A%2F%2Fevil.example%2Flong";
	assert_int_equal(parse(s, &u), 0);
	assert_int_equal(ward_url_unwrap(s, strlen(s), &u, small, sizeof(small)), 11);
	assert_string_equal(small, "https://evi");
	assert_int_equal(ward_url_unwrap(s, strlen(s), &u, small, 0), 0);
}

static void
test_shortener(void **state)
{
	static const char *const yes[] = {
	    "bit.ly",	       "t.co",	  "tinyurl.com", "goo.gl",  "ow.ly",
	    "is.gd",	       "buff.ly", "rebrand.ly",	 "cutt.ly", "shorturl.at",
	    "rb.gy",	       "t.ly",	  "tiny.cc",	 "bit.do",  "s.id",
	    "lnkd.in",	       "qrco.de", "0rz.tw",	 "zpr.io",  "x.bit.ly",
	    "a.b.tinyurl.com",
	};
	static const char *const no[] = {
	    "example.com", "bit.ly.evil.example", "t.com", "co", "", "bitly", "ly", "tco",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (!ward_url_is_shortener(yes[i]))
			fail_msg("%s is a shortener", yes[i]);
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (ward_url_is_shortener(no[i]))
			fail_msg("%s is no shortener", no[i]);
	assert_int_equal(ward_url_is_shortener(NULL), 0);
}

/* Text scanning: the URLs found, joined with '|'. */
struct found {
	char all[8192];
	size_t n;
};

static void
collect(void *ctx, const char *url, size_t url_len, const char *text, size_t text_len,
	const char *where)
{
	struct found *f = ctx;

	assert_int_equal(url_len, strlen(url));
	assert_null(text);
	assert_int_equal(text_len, 0);
	assert_string_equal(where, "text");
	if (f->n)
		strncat(f->all, "|", sizeof(f->all) - strlen(f->all) - 1);
	strncat(f->all, url, sizeof(f->all) - strlen(f->all) - 1);
	f->n++;
}

static const char *
scan(const char *s)
{
	static struct found f;

	memset(&f, 0, sizeof(f));
	ward_url_scan_text(s, strlen(s), collect, &f);
	return f.all;
}

static void
test_text(void **state)
{
	(void)state;
	assert_string_equal(scan("See https://example.com/a. Then"), "https://example.com/a");
	assert_string_equal(scan("Go: http://a.example/x?y=1&z=2; or ftp://ftp.example.org/pub!"),
			    "http://a.example/x?y=1&z=2|ftp://ftp.example.org/pub");
	assert_string_equal(scan("HTTPS://EXAMPLE.COM/A, HtTp://b.example"),
			    "HTTPS://EXAMPLE.COM/A|HtTp://b.example");
	assert_string_equal(scan("end https://example.com/path:?!.,;"), "https://example.com/path");
	/* Balanced brackets stay, closing ones that open nothing go. */
	assert_string_equal(scan("(see https://en.wikipedia.org/wiki/Foo_(bar))"),
			    "https://en.wikipedia.org/wiki/Foo_(bar)");
	assert_string_equal(scan("(https://example.com/x)."), "https://example.com/x");
	assert_string_equal(scan("[https://example.com/x]"), "https://example.com/x");
	assert_string_equal(scan("[IMG: https://example.com/a.jpg]Tim"),
			    "https://example.com/a.jpg");
	assert_string_equal(scan("https://example.com/?d=[id]&e={x}"),
			    "https://example.com/?d=[id]&e=");
	assert_string_equal(scan("http://[2001:db8::1]:80/a"), "http://[2001:db8::1]:80/a");
	/* Trailing '_' and '*' are kept (they end real tracking links). */
	assert_string_equal(scan("https://example.com/cmd=_login_ x"),
			    "https://example.com/cmd=_login_");
	/* Angle brackets, quotes, backslashes and whitespace end a URL. */
	assert_string_equal(scan("<https://example.com/x>"), "https://example.com/x");
	assert_string_equal(scan("\"https://example.com/q\"'https://b.example/'"),
			    "https://example.com/q|https://b.example/");
	assert_string_equal(scan("https://example.com/a\\n\\n"), "https://example.com/a");
	assert_string_equal(scan("https://example.com/a\tb\nhttps://c.example"),
			    "https://example.com/a|https://c.example");
	/* Unicode spaces and CJK punctuation too. */
	assert_string_equal(scan("https://example.com/x\xc2\xa0next"), "https://example.com/x");
	assert_string_equal(scan("https://example.com/x\xe3\x80\x82"), "https://example.com/x");
	assert_string_equal(scan("https://example.com/\xd0\xbf\xd1\x83\xd1\x82\xd1\x8c ok"),
			    "https://example.com/\xd0\xbf\xd1\x83\xd1\x82\xd1\x8c");
	/* www. only at the start of a word. */
	assert_string_equal(scan("Visit www.example.com, now!"), "www.example.com");
	assert_string_equal(scan("(www.example.com/x)"), "www.example.com/x");
	assert_string_equal(scan("WWW.EXAMPLE.COM"), "WWW.EXAMPLE.COM");
	assert_string_equal(scan("awww.example.com x.www.example.com a@www.example.com"), "");
	assert_string_equal(scan("www. www.. www"), "");
	/* Not URLs. */
	assert_string_equal(scan("http:// nothing, hxxp://evil.example, mailto:a@b.example"), "");
	assert_string_equal(scan("https://"), "");
	assert_string_equal(scan("note: time 10:30 http:"), "");
	/* The scheme may follow a letter (linkifiers find it there too). */
	assert_string_equal(scan("foohttps://example.com"), "https://example.com");
	/* After one URL the scan goes on past its end. */
	assert_string_equal(scan("https://a.example/?u=http://b.example/ www.c.example"),
			    "https://a.example/?u=http://b.example/|www.c.example");
}

static void
test_text_long(void **state)
{
	struct found f;
	size_t n = 5000;
	char *s = malloc(n + 1);

	(void)state;
	assert_non_null(s);
	memcpy(s, "https://example.com/", 20);
	memset(s + 20, 'a', n - 20);
	s[n] = '\0';
	memset(&f, 0, sizeof(f));
	ward_url_scan_text(s, n, collect, &f);
	assert_int_equal(f.n, 1);
	assert_int_equal(strlen(f.all), n);
	/* Only n bytes are read: a URL cut at the end is reported cut. */
	memset(&f, 0, sizeof(f));
	ward_url_scan_text(s, 24, collect, &f);
	assert_string_equal(f.all, "https://example.com/aaaa");
	ward_url_scan_text(NULL, 10, collect, &f);
	ward_url_scan_text(s, 0, collect, &f);
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_ipv4),	cmocka_unit_test(test_parse_authority),
	    cmocka_unit_test(test_parse_ports), cmocka_unit_test(test_parse_forms),
	    cmocka_unit_test(test_unwrap),	cmocka_unit_test(test_shortener),
	    cmocka_unit_test(test_text),	cmocka_unit_test(test_text_long),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
