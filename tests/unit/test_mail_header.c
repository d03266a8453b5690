/* Unit tests of the header decoders (lib/mail/mail_header.c), the transfer
 * decoders (mail_decode.c) and the charset converter (mail_charset.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <pthread.h>

#include "ward/buf.h"
#include "ward/mail.h"

static char out[4096];

static const char *
words(const char *in)
{
	struct ward_buf b;

	ward_buf_init(&b);
	ward_mail_decode_words(in, strlen(in), &b);
	snprintf(out, sizeof(out), "%s", ward_buf_cstr(&b));
	ward_buf_free(&b);
	return out;
}

/* The parameter's value, or NULL when absent. */
static const char *
param(const char *value, const char *name)
{
	struct ward_buf b;
	int found;

	ward_buf_init(&b);
	found = ward_mail_param(value, strlen(value), name, &b);
	snprintf(out, sizeof(out), "%s", ward_buf_cstr(&b));
	ward_buf_free(&b);
	return found ? out : NULL;
}

static const char *
to_utf8(const char *cs, const char *in, int *unknown)
{
	struct ward_buf b;

	ward_buf_init(&b);
	*unknown = ward_mail_to_utf8(cs, (const uint8_t *)in, strlen(in), &b);
	snprintf(out, sizeof(out), "%s", ward_buf_cstr(&b));
	ward_buf_free(&b);
	return out;
}

static void
test_words(void **state)
{
	(void)state;
	assert_string_equal(words("plain text"), "plain text");
	assert_string_equal(words("=?utf-8?B?Q2Fmw6k=?="), "Café");
	assert_string_equal(words("=?ISO-8859-1?Q?Caf=E9_au_lait?="), "Café au lait");
	/* Adjacent words join without the white space between them. */
	assert_string_equal(words("=?utf-8?q?a?= =?utf-8?q?b?=\t =?utf-8?q?c?="), "abc");
	/* Text between words and after them is kept. */
	assert_string_equal(words("Re: =?utf-8?q?x?= and =?utf-8?q?y?= end"), "Re: x and y end");
	/* Inside quotes and without spaces around. */
	assert_string_equal(words("\"=?utf-8?q?PayPal?=\" <a@b>"), "\"PayPal\" <a@b>");
	assert_string_equal(words("pre=?utf-8?q?MID?=post"), "preMIDpost");
	/* A UTF-8 sequence split across two words, RFC 2231 language suffix. */
	assert_string_equal(words("=?utf-8*en?q?=C3?= =?UTF-8?Q?=A9t=C3=A9?="), "été");
	/* Bad words are kept as they are. */
	assert_string_equal(words("=?utf-8?x?abc?="), "=?utf-8?x?abc?=");
	assert_string_equal(words("=?utf-8?q?open"), "=?utf-8?q?open");
	assert_string_equal(words("=??q?x?="), "=??q?x?=");
	/* Charsets mail names loosely, and 8-bit text outside words. */
	assert_string_equal(words("=?ks_c_5601-1987?B?x9GxuQ==?="), "한국");
	assert_string_equal(words("=?x-sjis?B?k/qWew==?="), "日本");
	assert_string_equal(words("=?iso-2022-jp?B?GyRCRnxLXBsoQg==?="), "日本");
	assert_string_equal(words("caf\xe9"), "café");
	assert_string_equal(words("caf\xc3\xa9"), "café");
	/* Missing base64 padding, junk inside. */
	assert_string_equal(words("=?utf-8?b?SGVsbG8?="), "Hello");
	words("");
	ward_mail_decode_words(NULL, 0, NULL);
}

static void
test_param(void **state)
{
	(void)state;
	assert_string_equal(param("text/plain; charset=utf-8", "charset"), "utf-8");
	assert_string_equal(param("text/plain; CHARSET=\"UTF-8\"", "charset"), "UTF-8");
	assert_string_equal(param("attachment; filename=\"a b;c.pdf\"", "filename"), "a b;c.pdf");
	assert_string_equal(param("attachment; filename=\"a\\\"b\\\\c\"", "filename"), "a\"b\\c");
	assert_string_equal(param("attachment; filename=\"C:\\dir\\x.exe\"", "filename"),
			    "C:\\dir\\x.exe");
	assert_null(param("text/plain; charset=utf-8", "name"));
	assert_null(param("text/plain; xname=a", "name"));
	/* Unterminated quote: runs to the end of the value. */
	assert_string_equal(param("multipart/mixed; boundary=\"abc", "boundary"), "abc");
	assert_string_equal(param("multipart/mixed; boundary=\"abc; x=y", "boundary"), "abc; x=y");
	/* No semicolons, spaces around '='. */
	assert_string_equal(param("multipart/mixed boundary=b1 charset=x", "boundary"), "b1");
	assert_string_equal(param("multipart/mixed boundary=b1 charset=x", "charset"), "x");
	assert_string_equal(param("text/plain; name = \"x.txt\"", "name"), "x.txt");
	assert_string_equal(param("attachment; filename=My File.pdf", "filename"), "My File.pdf");
	/* A parameter without the main value. */
	assert_string_equal(param("filename=\"x.exe\"", "filename"), "x.exe");
	/* RFC 2231: extended value, continuations, mixed. */
	assert_string_equal(param("attachment; filename*=UTF-8''%E2%82%AC%20rates.pdf", "filename"),
			    "€ rates.pdf");
	assert_string_equal(param("attachment; filename*=iso-8859-1'fr'caf%E9.txt", "filename"),
			    "café.txt");
	assert_string_equal(
	    param("attachment; filename*1=\"part2.pdf\"; filename*0=\"part1-\"", "filename"),
	    "part1-part2.pdf");
	assert_string_equal(param("attachment; name*0*=utf-8''%E6%97%A5; name*1*=%E6%9C%AC;"
				  " name*2=\".doc\"",
				  "name"),
			    "日本.doc");
	/* The RFC 2231 form wins over the plain one. */
	assert_string_equal(
	    param("attachment; filename=\"old.txt\"; filename*=utf-8''new.txt", "filename"),
	    "new.txt");
	/* RFC 2047 words inside a quoted value, folded (as unfolded by the parser). */
	assert_string_equal(
	    param("attachment; filename=\"=?UTF-8?B?W+yCvOyEseyDneuqhV0yMDIwLjA4Lg==?="
		  "  =?UTF-8?B?MTQg642w7J2866asIOqyveygnOuJtOyKpC5wZGY=?=\"",
		  "filename"),
	    "[삼성생명]2020.08.14 데일리 경제뉴스.pdf");
	assert_string_equal(param("application/pdf; name==?utf-8?B?YS5wZGY=?=", "name"), "a.pdf");
	/* Words inside an RFC 2231 value without a charset. */
	assert_string_equal(
	    param("attachment; filename*0=\"=?utf-8?q?a?=\"; filename*1=\".exe\"", "filename"),
	    "a.exe");
	assert_null(param("", "name"));
	assert_null(param(";;;", "name"));
	assert_string_equal(param("x; name=", "name"), "");
}

static size_t
addrs(const char *v, struct ward_mail_addr *a, size_t max)
{
	return ward_mail_parse_addresses(v, strlen(v), a, max);
}

static void
clear(struct ward_mail_addr *a, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		ward_mail_addr_clear(&a[i]);
}

static void
test_addresses(void **state)
{
	struct ward_mail_addr a[8];
	size_t n;

	(void)state;
	memset(a, 0, sizeof(a));
	n = addrs("\"Doe, Jane\" <jane@example.com>, bob@example.org (Bob B), Carl <c@x.test>", a,
		  8);
	assert_int_equal(n, 3);
	assert_string_equal(a[0].name, "Doe, Jane");
	assert_string_equal(a[0].addr, "jane@example.com");
	assert_string_equal(a[1].name, "Bob B");
	assert_string_equal(a[1].addr, "bob@example.org");
	assert_string_equal(a[2].name, "Carl");
	assert_string_equal(a[2].addr, "c@x.test");
	clear(a, n);

	/* Groups, empty groups, a bare address, route and quoted local part. */
	n = addrs("undisclosed-recipients:;, Team: x@y.test, <@relay:z@w.test>; "
		  "\"john doe\"@q.test",
		  a, 8);
	assert_int_equal(n, 3);
	assert_string_equal(a[0].addr, "x@y.test");
	assert_string_equal(a[0].name, "");
	assert_string_equal(a[1].addr, "z@w.test");
	assert_string_equal(a[2].addr, "john doe@q.test");
	clear(a, n);

	/* Encoded names, an address as the display name, comments. */
	n = addrs("=?utf-8?q?PayPal_Service?= <evil@x.test>, \"service@paypal.com\" <e@x.test>,"
		  " (Comment) <c@x.test>, Name (cmt) <d@x.test>",
		  a, 8);
	assert_int_equal(n, 4);
	assert_string_equal(a[0].name, "PayPal Service");
	assert_string_equal(a[1].name, "service@paypal.com");
	assert_string_equal(a[1].addr, "e@x.test");
	assert_string_equal(a[2].name, "Comment");
	assert_string_equal(a[3].name, "Name (cmt)");
	clear(a, n);

	/* Broken: unclosed angle and quote, no address at all, max. */
	n = addrs("Name <open@x.test", a, 8);
	assert_int_equal(n, 1);
	assert_string_equal(a[0].addr, "open@x.test");
	clear(a, n);
	n = addrs("\"unclosed <q@x.test>", a, 8);
	assert_int_equal(n, 1);
	clear(a, n);
	n = addrs("foo", a, 8);
	assert_int_equal(n, 1);
	assert_string_equal(a[0].addr, "foo");
	clear(a, n);
	n = addrs("Jane jane@x.test", a, 8);
	assert_string_equal(a[0].addr, "jane@x.test");
	assert_string_equal(a[0].name, "Jane");
	clear(a, n);
	assert_int_equal(addrs("a@x, b@x, c@x", a, 2), 2);
	clear(a, 2);
	assert_int_equal(addrs("", a, 8), 0);
	assert_int_equal(addrs(" , ;", a, 8), 0);
	ward_mail_addr_clear(NULL);
}

static void
test_charset(void **state)
{
	int unk;

	(void)state;
	assert_string_equal(to_utf8("utf8", "caf\xc3\xa9", &unk), "café");
	assert_int_equal(unk, 0);
	assert_string_equal(to_utf8("UTF-8",
				    "a\xff"
				    "b\xc3",
				    &unk),
			    "a\xef\xbf\xbd"
			    "b\xef\xbf\xbd");
	assert_string_equal(to_utf8("windows-1252", "\x80 \x93q\x94", &unk), "€ “q”");
	assert_string_equal(to_utf8("iso-8859-1", "\xe9", &unk), "é");
	assert_string_equal(to_utf8("\"Latin1\"", "\xe9", &unk), "é");
	assert_string_equal(to_utf8("ks_c_5601-1987", "\xc7\xd1\xb1\xb9", &unk), "한국");
	assert_string_equal(to_utf8("x-sjis", "\x93\xfa\x96\x7b", &unk), "日本");
	assert_string_equal(to_utf8("shift_jis", "\x93\xfa\x96\x7b", &unk), "日本");
	assert_string_equal(to_utf8("euc-jp", "\xc6\xfc\xcb\xdc", &unk), "日本");
	assert_string_equal(to_utf8("iso-2022-jp", "\x1b$BF|K\\\x1b(B!", &unk), "日本!");
	assert_string_equal(to_utf8("gb2312", "\xc4\xe3\xba\xc3", &unk), "你好");
	assert_string_equal(to_utf8("big5", "\xa4\xa4\xa4\xe5", &unk), "中文");
	assert_string_equal(to_utf8("koi8-r", "\xf0\xd2\xc9", &unk), "При");
	assert_int_equal(unk, 0);
	/* Unknown: read as windows-1252, reported. */
	assert_string_equal(to_utf8("x-klingon", "\xe9t\xe9", &unk), "été");
	assert_int_equal(unk, 1);
	assert_string_equal(to_utf8("x-klingon", "plain", &unk), "plain");
	assert_int_equal(unk, 1);
	/* No charset: UTF-8 if valid, else windows-1252. */
	assert_string_equal(to_utf8(NULL, "caf\xc3\xa9", &unk), "café");
	assert_string_equal(to_utf8(NULL, "caf\xe9", &unk), "café");
	assert_int_equal(unk, 0);
	/* Invalid sequences in an iconv charset. */
	assert_string_equal(to_utf8("shift_jis", "\x93", &unk), "\xef\xbf\xbd");
	/* Many charsets in a row: the handle cache turns over. */
	for (unk = 0; unk < 3; unk++) {
		int u;

		assert_string_equal(to_utf8("cp1251", "\xcf", &u), "П");
		assert_string_equal(to_utf8("iso-8859-2", "\xb9", &u), "š");
		assert_string_equal(to_utf8("iso-8859-7", "\xe1", &u), "α");
		assert_string_equal(to_utf8("windows-1256", "\xc7", &u), "ا");
		assert_string_equal(to_utf8("iso-8859-15", "\xa4", &u), "€");
		assert_string_equal(to_utf8("koi8-u", "\xa4", &u), "є");
		assert_string_equal(to_utf8("cp850", "\x82", &u), "é");
		assert_string_equal(to_utf8("iso-8859-5", "\xbf", &u), "П");
		assert_string_equal(to_utf8("tis-620", "\xa1", &u), "ก");
		assert_string_equal(to_utf8("utf-16le", "a", &u), "\xef\xbf\xbd");
	}
}

/* Threads converting through the shared pool of iconv handles at once. */
static void *
convert_many(void *arg)
{
	static const char *const cs[][3] = {
	    {"cp1251", "\xcf", "П"},	     {"iso-8859-2", "\xb9", "š"},
	    {"iso-8859-7", "\xe1", "α"},     {"koi8-r", "\xf0", "П"},
	    {"cp850", "\x82", "é"},	     {"iso-8859-5", "\xbf", "П"},
	    {"shift_jis", "\x93\xfa", "日"}, {"euc-kr", "\xc7\xd1", "한"},
	    {"gb2312", "\xc4\xe3", "你"},    {"big5", "\xa4\xa4", "中"},
	    {"koi8-u", "\xa4", "є"},	     {"iso-8859-15", "\xa4", "€"},
	};
	size_t i, k = (size_t)(uintptr_t)arg, n = sizeof(cs) / sizeof(cs[0]), bad = 0;
	struct ward_buf b;

	ward_buf_init(&b);
	for (i = 0; i < 2000; i++) {
		const char *const *c = cs[(i * 7 + k) % n];

		ward_buf_reset(&b);
		ward_mail_to_utf8(c[0], (const uint8_t *)c[1], strlen(c[1]), &b);
		bad += strcmp(ward_buf_cstr(&b), c[2]) != 0;
	}
	ward_buf_free(&b);
	return (void *)(uintptr_t)bad;
}

static void
test_charset_threads(void **state)
{
	pthread_t t[40];
	size_t i;
	void *bad;

	(void)state;
	/* More threads than pooled handles: some convert with handles of their own. */
	for (i = 0; i < 40; i++)
		assert_int_equal(pthread_create(&t[i], NULL, convert_many, (void *)(uintptr_t)i),
				 0);
	for (i = 0; i < 40; i++) {
		assert_int_equal(pthread_join(t[i], &bad), 0);
		assert_null(bad);
	}
}

static const char *
decode(int (*fn)(const uint8_t *, size_t, struct ward_buf *), const char *in, int *junk,
       size_t *len)
{
	struct ward_buf b;

	ward_buf_init(&b);
	*junk = fn((const uint8_t *)in, strlen(in), &b);
	*len = b.len;
	memcpy(out, b.p ? b.p : "", b.len);
	out[b.len] = '\0';
	ward_buf_free(&b);
	return out;
}

static void
test_base64(void **state)
{
	size_t len;
	int junk;

	(void)state;
	assert_string_equal(decode(ward_mail_decode_base64, "aGVsbG8gd29ybGQ=", &junk, &len),
			    "hello world");
	assert_int_equal(junk, 0);
	assert_string_equal(
	    decode(ward_mail_decode_base64, "aGVs\r\nbG8g\r\nd29y\r\nbGQ=\r\n", &junk, &len),
	    "hello world");
	assert_int_equal(junk, 0);
	/* Junk characters skipped, reported. */
	assert_string_equal(decode(ward_mail_decode_base64, "aG*Vs%bG8g!d29ybGQ", &junk, &len),
			    "hello world");
	assert_int_equal(junk, 1);
	/* Padding in the middle: concatenated blobs decode to the end. */
	assert_string_equal(decode(ward_mail_decode_base64, "aGVsbG8=IHdvcmxk", &junk, &len),
			    "hello world");
	assert_string_equal(decode(ward_mail_decode_base64, "aGk=\naGk=\n", &junk, &len), "hihi");
	/* A lone trailing character carries no byte. */
	assert_string_equal(decode(ward_mail_decode_base64, "aGk=Q", &junk, &len), "hi");
	assert_int_equal(junk, 1);
	assert_string_equal(decode(ward_mail_decode_base64, "", &junk, &len), "");
	assert_int_equal(len, 0);
}

static void
test_qp(void **state)
{
	size_t len;
	int junk;

	(void)state;
	assert_string_equal(decode(ward_mail_decode_qp, "caf=E9 =3D ok", &junk, &len),
			    "caf\xe9 = ok");
	assert_int_equal(junk, 0);
	/* Soft breaks: LF, CRLF, bare CR, blanks before the break, at the very end. */
	assert_string_equal(decode(ward_mail_decode_qp, "a=\nb=\r\nc=\rd= \t\ne=", &junk, &len),
			    "abcde");
	assert_int_equal(junk, 0);
	/* Lower-case hex is accepted; bad escapes are kept. */
	assert_string_equal(decode(ward_mail_decode_qp, "=e9=ZZ=4", &junk, &len), "\xe9=ZZ=4");
	assert_int_equal(junk, 1);
	assert_string_equal(decode(ward_mail_decode_qp, "https://x.example/?a=3Db", &junk, &len),
			    "https://x.example/?a=b");
	/* Line breaks are kept. */
	assert_string_equal(decode(ward_mail_decode_qp, "a\r\nb\n", &junk, &len), "a\r\nb\n");
}

static void
test_uu(void **state)
{
	size_t len;
	int junk;

	(void)state;
	assert_string_equal(
	    decode(ward_mail_decode_uu,
		   "junk before\nbegin 644 hi.txt\n,:&5L;&\\@=V]R;&0*\n`\nend\nafter\n", &junk,
		   &len),
	    "hello world\n");
	assert_int_equal(junk, 0);
	/* Without a begin line, from the start; short lines padded. */
	assert_string_equal(decode(ward_mail_decode_uu, "#86)C\n", &junk, &len), "abc");
	decode(ward_mail_decode_uu, "#86\n", &junk, &len);
	assert_int_equal(len, 3);
	assert_int_equal(junk, 1);
	/* CRLF lines and a space for zero. */
	assert_string_equal(
	    decode(ward_mail_decode_uu, "begin 600 x\r\n#86)C\r\n \r\nend\r\n", &junk, &len),
	    "abc");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_words),     cmocka_unit_test(test_param),
	    cmocka_unit_test(test_addresses), cmocka_unit_test(test_charset),
	    cmocka_unit_test(test_base64),    cmocka_unit_test(test_qp),
	    cmocka_unit_test(test_uu),	      cmocka_unit_test(test_charset_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
