/* Unit tests of the MIME parser (lib/mail/mail_mime.c): one small hand-written
 * message per trap of real mail, and the limits that keep hostile mail
 * bounded. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "ward/buf.h"
#include "ward/error.h"
#include "ward/mail.h"
#include "limits.h"

static struct ward_mail *
parse_lim(const char *s, const struct ward_mail_limits *lim)
{
	struct ward_mail *m = NULL;

	assert_int_equal(ward_mail_parse((const uint8_t *)s, strlen(s), lim, &m), 0);
	assert_non_null(m);
	return m;
}

static struct ward_mail *
parse(const char *s)
{
	return parse_lim(s, NULL);
}

/* The first part with that file name. */
static const struct ward_mail_part *
by_name(const struct ward_mail *m, const char *name)
{
	size_t i;

	for (i = 0; i < m->n_parts; i++)
		if (m->parts[i].filename && strcmp(m->parts[i].filename, name) == 0)
			return &m->parts[i];
	return NULL;
}

/* The first part of that type. */
static const struct ward_mail_part *
by_type(const struct ward_mail *m, const char *type, size_t nth)
{
	size_t i;

	for (i = 0; i < m->n_parts; i++)
		if (strcmp(m->parts[i].content_type, type) == 0 && nth-- == 0)
			return &m->parts[i];
	return NULL;
}

static size_t
attachments(const struct ward_mail *m)
{
	size_t i, k = 0;

	for (i = 0; i < m->n_parts; i++)
		k += ward_mail_part_is_attachment(&m->parts[i]) != 0;
	return k;
}

/* Invariants every parse must keep. */
static void
check(const struct ward_mail *m, const struct ward_mail_limits *lim)
{
	struct ward_mail_limits d;
	unsigned all = 0;
	size_t i;

	if (!lim) {
		ward_mail_limits_default(&d);
		lim = &d;
	}
	assert_true(m->n_parts >= 1 && m->n_parts <= lim->max_parts);
	assert_int_equal(m->parts[0].parent, -1);
	for (i = 0; i < m->n_parts; i++) {
		const struct ward_mail_part *p = &m->parts[i];

		if (i)
			assert_true(p->parent >= 0 && (size_t)p->parent < i);
		assert_true(p->depth <= lim->max_depth);
		if (i)
			assert_int_equal(p->depth, m->parts[p->parent].depth + 1);
		assert_non_null(p->content_type);
		assert_true(p->n_headers <= lim->max_headers);
		if (!p->body)
			assert_int_equal(p->body_len, 0);
		if (p->text)
			assert_int_equal(p->text[p->text_len], '\0');
		all |= p->defects;
	}
	assert_int_equal(all & ~m->defects, 0);
}

static void
test_simple(void **state)
{
	struct ward_mail *m;
	size_t from = 0;

	(void)state;
	m = parse("From: \"Jane Doe\" <jane@example.com>\r\n"
		  "Reply-To: a@x.test, \"B\" <b@y.test>\r\n"
		  "Subject: =?utf-8?q?Caf=C3=A9?= time\r\n"
		  "Message-ID: <1@example.com>\r\n"
		  "Received: one\r\n"
		  "Received: two\r\n"
		  "\r\n"
		  "Hello https://example.com/x\r\n");
	check(m, NULL);
	assert_int_equal(m->n_parts, 1);
	assert_int_equal(m->defects, 0);
	assert_string_equal(m->subject, "Café time");
	assert_string_equal(m->message_id, "<1@example.com>");
	assert_true(m->has_from);
	assert_string_equal(m->from.name, "Jane Doe");
	assert_string_equal(m->from.addr, "jane@example.com");
	assert_int_equal(m->n_reply_to, 2);
	assert_string_equal(m->reply_to[1].addr, "b@y.test");
	assert_string_equal(m->parts[0].content_type, "text/plain");
	assert_string_equal(m->parts[0].text, "Hello https://example.com/x\r\n");
	assert_string_equal(ward_mail_header_find(&m->parts[0], "received", &from), "one");
	assert_string_equal(ward_mail_header_find(&m->parts[0], "RECEIVED", &from), "two");
	assert_null(ward_mail_header_find(&m->parts[0], "received", &from));
	assert_null(ward_mail_header_find(&m->parts[0], "x-none", NULL));
	assert_int_equal(attachments(m), 0);
	ward_mail_free(m);
	ward_mail_free(NULL);
}

static void
test_empty(void **state)
{
	struct ward_mail *m = NULL;

	(void)state;
	assert_int_equal(ward_mail_parse(NULL, 0, NULL, &m), 0);
	check(m, NULL);
	assert_int_equal(m->n_parts, 1);
	assert_false(m->has_from);
	assert_null(m->subject);
	ward_mail_free(m);
}

#define ATTACH_MSG                                                                                 \
	"From: a@b.test\n"                                                                         \
	"Content-Type: multipart/mixed; boundary=\"XYZ\"\n"                                        \
	"\n"                                                                                       \
	"--XYZ\n"                                                                                  \
	"Content-Type: text/plain; charset=utf-8\n"                                                \
	"\n"                                                                                       \
	"see attached\n"                                                                           \
	"--XYZ\n"                                                                                  \
	"Content-Type: application/pdf; name=\"a.pdf\"\n"                                          \
	"Content-Transfer-Encoding: base64\n"                                                      \
	"Content-Disposition: attachment; filename=\"invoice.pdf\"\n"                              \
	"\n"                                                                                       \
	"JVBERi0xLjQK\n"                                                                           \
	"--XYZ--\n"

static void
test_multipart(void **state)
{
	struct ward_mail *m;
	const struct ward_mail_part *p;

	(void)state;
	m = parse(ATTACH_MSG);
	check(m, NULL);
	assert_int_equal(m->n_parts, 3);
	assert_int_equal(m->defects, 0);
	assert_true(m->parts[0].is_multipart);
	assert_string_equal(m->parts[0].content_type, "multipart/mixed");
	assert_string_equal(m->parts[1].text, "see attached");
	assert_string_equal(m->parts[1].charset, "utf-8");
	p = by_name(m, "invoice.pdf"); /* the disposition's name wins */
	assert_non_null(p);
	assert_int_equal(p->parent, 0);
	assert_int_equal(p->depth, 1);
	assert_true(p->disposition_attachment);
	assert_string_equal(p->encoding, "base64");
	assert_int_equal(p->body_len, 9);
	assert_memory_equal(p->body, "%PDF-1.4\n", 9);
	assert_null(p->text);
	assert_int_equal(attachments(m), 1);
	ward_mail_free(m);
}

/* Python and GMime lose every part here; ward keeps both. */
static void
test_unterminated_boundary_quote(void **state)
{
	struct ward_mail *m;

	(void)state;
	m = parse("Content-Type: multipart/mixed; boundary=\"XYZ\n"
		  "\n"
		  "--XYZ\n"
		  "Content-Type: text/plain\n"
		  "\n"
		  "body text\n"
		  "--XYZ\n"
		  "Content-Type: application/zip; name=\"x.zip\"\n"
		  "Content-Transfer-Encoding: base64\n"
		  "\n"
		  "UEsDBA==\n"
		  "--XYZ--\n");
	check(m, NULL);
	assert_true(m->defects & WARD_MAIL_DEF_UNTERMINATED_QUOTE);
	assert_int_equal(m->n_parts, 3);
	assert_string_equal(m->parts[1].text, "body text");
	assert_non_null(by_name(m, "x.zip"));
	assert_int_equal(by_name(m, "x.zip")->body_len, 4);
	assert_memory_equal(by_name(m, "x.zip")->body, "PK\003\004", 4);
	ward_mail_free(m);

	/* The quote runs on into the next parameter: the value is cut. */
	m = parse("Content-Type: multipart/mixed; boundary=\"XYZ; charset=utf-8\n"
		  "\n"
		  "--XYZ\n"
		  "\n"
		  "one\n"
		  "--XYZ\n"
		  "Content-Type: image/png; name=p.png\n"
		  "\n"
		  "png\n"
		  "--XYZ--\n");
	check(m, NULL);
	assert_true(m->defects & WARD_MAIL_DEF_UNTERMINATED_QUOTE);
	assert_int_equal(m->n_parts, 3);
	assert_string_equal(m->parts[1].text, "one");
	assert_non_null(by_name(m, "p.png"));
	ward_mail_free(m);
}

static void
test_boundary_never_appears(void **state)
{
	struct ward_mail *m;
	const struct ward_mail_part *p;

	(void)state;
	m = parse("Content-Type: multipart/alternative; boundary=\"nowhere\"\n"
		  "\n"
		  "--elsewhere\n"
		  "Click https://evil.example/login now\n");
	check(m, NULL);
	assert_true(m->defects & WARD_MAIL_DEF_BOUNDARY_MISSING);
	assert_int_equal(m->n_parts, 1);
	p = &m->parts[0];
	assert_false(p->is_multipart);
	assert_true(p->is_raw);
	assert_non_null(p->text);
	assert_non_null(strstr(p->text, "https://evil.example/login"));
	assert_string_equal((const char *)p->body,
			    "--elsewhere\nClick https://evil.example/login now\n");
	ward_mail_free(m);
}

static void
test_close_missing(void **state)
{
	struct ward_mail *m;

	(void)state;
	m = parse("Content-Type: multipart/mixed; boundary=b1\n"
		  "\n"
		  "--b1\n"
		  "\n"
		  "first\n"
		  "--b1\n"
		  "Content-Type: application/octet-stream; name=tail.bin\n"
		  "\n"
		  "tail bytes\n");
	check(m, NULL);
	assert_true(m->defects & WARD_MAIL_DEF_CLOSE_MISSING);
	assert_int_equal(m->n_parts, 3);
	assert_string_equal(m->parts[1].text, "first");
	assert_string_equal((const char *)by_name(m, "tail.bin")->body, "tail bytes\n");
	ward_mail_free(m);
}

static void
test_preamble_epilogue(void **state)
{
	struct ward_mail *m;

	(void)state;
	m = parse("Content-Type: multipart/mixed; boundary=b\n"
		  "\n"
		  "This is a multi-part message. https://pre.example/\n"
		  "--b\n"
		  "\n"
		  "part\n"
		  "--b--\n"
		  "junk after https://post.example/\n");
	check(m, NULL);
	assert_int_equal(m->n_parts, 4);
	assert_true(m->parts[1].is_raw);
	assert_string_equal(m->parts[1].text, "This is a multi-part message. https://pre.example/");
	assert_string_equal(m->parts[2].text, "part");
	assert_true(m->parts[3].is_raw);
	assert_string_equal(m->parts[3].text, "junk after https://post.example/\n");
	assert_int_equal(attachments(m), 0);
	ward_mail_free(m);

	/* Only white space around the parts: no raw parts. */
	m = parse("Content-Type: multipart/mixed; boundary=b\n\n \n\t\n--b\n\npart\n--b--\n\n  \n");
	check(m, NULL);
	assert_int_equal(m->n_parts, 2);
	ward_mail_free(m);
}

static void
test_multipart_cte(void **state)
{
	struct ward_mail *m;
	struct ward_buf inner, b64;
	const char *in =
	    "--in\nContent-Type: text/html\n\n<a href=\"https://x.example/\">x</a>\n"
	    "--in\nContent-Type: application/x-msdownload; name=\"a.exe\"\n\nMZ\n--in--\n";
	static const char tbl[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i, n = strlen(in);

	(void)state;
	ward_buf_init(&b64);
	for (i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)(uint8_t)in[i] << 16;

		if (i + 1 < n)
			v |= (uint32_t)(uint8_t)in[i + 1] << 8;
		if (i + 2 < n)
			v |= (uint8_t)in[i + 2];
		ward_buf_addc(&b64, tbl[v >> 18]);
		ward_buf_addc(&b64, tbl[(v >> 12) & 63]);
		ward_buf_addc(&b64, i + 1 < n ? tbl[(v >> 6) & 63] : '=');
		ward_buf_addc(&b64, i + 2 < n ? tbl[v & 63] : '=');
		if (i % 57 == 54)
			ward_buf_addc(&b64, '\n');
	}
	ward_buf_init(&inner);
	ward_buf_printf(&inner,
			"Content-Type: multipart/mixed; boundary=in\n"
			"Content-Transfer-Encoding: base64\n\n%s\n",
			ward_buf_cstr(&b64));
	m = parse(ward_buf_cstr(&inner));
	check(m, NULL);
	assert_true(m->defects & WARD_MAIL_DEF_MULTIPART_CTE);
	assert_int_equal(m->n_parts, 3);
	assert_true(m->parts[0].is_multipart);
	assert_non_null(strstr(by_type(m, "text/html", 0)->text, "https://x.example/"));
	assert_memory_equal(by_name(m, "a.exe")->body, "MZ", 2);
	ward_mail_free(m);
	ward_buf_free(&inner);
	ward_buf_free(&b64);

	/* quoted-printable */
	m = parse("Content-Type: multipart/mixed; boundary=\"=q\"\n"
		  "Content-Transfer-Encoding: quoted-printable\n\n"
		  "--=3Dq\n\nhello =\nworld\n--=3Dq--\n");
	check(m, NULL);
	assert_true(m->defects & WARD_MAIL_DEF_MULTIPART_CTE);
	assert_int_equal(m->n_parts, 2);
	assert_string_equal(m->parts[1].text, "hello world");
	ward_mail_free(m);

	/* A bogus encoding on a plain multipart is ignored. */
	m = parse("Content-Type: multipart/mixed; boundary=q\n"
		  "Content-Transfer-Encoding: base64\n\n--q\n\nplain\n--q--\n");
	check(m, NULL);
	assert_int_equal(m->n_parts, 2);
	assert_string_equal(m->parts[1].text, "plain");
	ward_mail_free(m);
}

static void
test_text_without_subtype(void **state)
{
	struct ward_mail *m;

	(void)state;
	m = parse("Content-Type: text; charset=iso-8859-1\n\ncaf\xe9\n");
	check(m, NULL);
	assert_string_equal(m->parts[0].content_type, "text/plain");
	assert_string_equal(m->parts[0].text, "caf\xc3\xa9\n");
	assert_int_equal(attachments(m), 0);
	ward_mail_free(m);

	m = parse("Content-Type: garbage\n\nx\n");
	assert_string_equal(m->parts[0].content_type, "text/plain");
	ward_mail_free(m);
	m = parse("Content-Type: Text/HTML ; charset=\"UTF-8\"\n\n<p>x</p>\n");
	assert_string_equal(m->parts[0].content_type, "text/html");
	assert_string_equal(m->parts[0].charset, "utf-8");
	ward_mail_free(m);
}

static void
test_rfc822(void **state)
{
	struct ward_mail *m;
	const struct ward_mail_part *p;

	(void)state;
	m = parse("Subject: outer\n"
		  "Content-Type: multipart/mixed; boundary=o\n\n"
		  "--o\n\nsee below\n"
		  "--o\n"
		  "Content-Type: message/rfc822\n\n"
		  "Subject: inner\n"
		  "From: Inner <inner@x.test>\n"
		  "Content-Type: multipart/mixed; boundary=i\n\n"
		  "--i\n\ninner text\n"
		  "--i\nContent-Type: application/octet-stream; name=inner.bin\n\nbin\n"
		  "--i--\n"
		  "--o--\n");
	check(m, NULL);
	assert_string_equal(m->subject, "outer");
	assert_int_equal(m->n_parts, 6);
	assert_true(m->parts[2].is_message);
	assert_int_equal(m->parts[3].parent, 2);
	assert_true(m->parts[3].is_multipart);
	assert_string_equal(ward_mail_header_find(&m->parts[3], "subject", NULL), "inner");
	p = by_name(m, "inner.bin");
	assert_non_null(p);
	assert_int_equal(p->depth, 3);
	assert_int_equal(attachments(m), 1);
	ward_mail_free(m);
}

static void
test_rfc822_encoded(void **state)
{
	struct ward_mail *m;

	(void)state;
	/* "Subject: hidden\n\nhttps://hidden.example/\n" in base64 */
	m = parse("Content-Type: multipart/mixed; boundary=o\n\n"
		  "--o\n"
		  "Content-Type: message/rfc822\n"
		  "Content-Transfer-Encoding: base64\n\n"
		  "U3ViamVjdDogaGlkZGVuCgpodHRwczovL2hpZGRlbi5leGFtcGxlLwo=\n"
		  "--o--\n");
	check(m, NULL);
	assert_int_equal(m->n_parts, 3);
	assert_true(m->parts[1].is_message);
	assert_string_equal(ward_mail_header_find(&m->parts[2], "Subject", NULL), "hidden");
	assert_string_equal(m->parts[2].text, "https://hidden.example/\n");
	ward_mail_free(m);

	/* quoted-printable */
	m = parse("Content-Type: message/rfc822\n"
		  "Content-Transfer-Encoding: quoted-printable\n\n"
		  "Subject: q\n\nsoft=\nbreak =3D ok\n");
	check(m, NULL);
	assert_int_equal(m->n_parts, 2);
	assert_string_equal(m->parts[1].text, "softbreak = ok\n");
	ward_mail_free(m);
}

static void
test_digest(void **state)
{
	struct ward_mail *m;

	(void)state;
	m = parse("Content-Type: multipart/digest; boundary=d\n\n"
		  "--d\n\nSubject: one\n\nfirst\n"
		  "--d\nContent-Type: text/plain\n\nnot a message\n"
		  "--d--\n");
	check(m, NULL);
	assert_int_equal(m->n_parts, 4);
	assert_string_equal(m->parts[1].content_type, "message/rfc822");
	assert_true(m->parts[1].is_message);
	assert_string_equal(m->parts[2].text, "first");
	assert_string_equal(m->parts[3].content_type, "text/plain");
	ward_mail_free(m);
}

static void
test_uuencode_in_text(void **state)
{
	struct ward_mail *m;
	const struct ward_mail_part *p;

	(void)state;
	/* "hello world\n" uuencoded */
	m = parse("Subject: uu\n\n"
		  "Here it is:\n"
		  "\n"
		  "begin 644 note.txt\n"
		  ",:&5L;&\\@=V]R;&0*\n"
		  "`\n"
		  "end\n"
		  "bye\n");
	check(m, NULL);
	assert_int_equal(m->n_parts, 2);
	p = by_name(m, "note.txt");
	assert_non_null(p);
	assert_int_equal(p->parent, 0);
	assert_int_equal(p->depth, 1);
	assert_int_equal(p->body_len, 12);
	assert_memory_equal(p->body, "hello world\n", 12);
	assert_true(ward_mail_part_is_attachment(p));
	assert_false(ward_mail_part_is_attachment(&m->parts[0]));
	ward_mail_free(m);

	/* A Content-Transfer-Encoding of x-uuencode names the file too. */
	m = parse("Content-Type: application/octet-stream\n"
		  "Content-Transfer-Encoding: x-uuencode\n\n"
		  "junk line\nbegin 600 x.bin  \n#86)C\n`\nend\n");
	check(m, NULL);
	assert_string_equal(m->parts[0].filename, "x.bin");
	assert_int_equal(m->parts[0].body_len, 3);
	assert_memory_equal(m->parts[0].body, "abc", 3);
	ward_mail_free(m);

	/* Prose that starts with "begin" is no block. */
	m = parse("\nbegin 644 looks like one\nbut is not\n");
	assert_int_equal(m->n_parts, 1);
	ward_mail_free(m);
}

static void
test_base64_junk(void **state)
{
	struct ward_mail *m;
	const struct ward_mail_part *p;

	(void)state;
	/* "hello world": junk characters, a padded group in the middle, no final padding. */
	m = parse("Content-Type: application/octet-stream; name=j.bin\n"
		  "Content-Transfer-Encoding: base64\n\n"
		  "aGVs*bG8=\n"
		  "!!IHdv\n"
		  "cmxk\n");
	check(m, NULL);
	p = by_name(m, "j.bin");
	assert_true(p->defects & WARD_MAIL_DEF_BAD_ENCODING);
	assert_int_equal(p->body_len, 11);
	assert_memory_equal(p->body, "hello world", 11);
	ward_mail_free(m);
}

static void
test_rfc2231_2047_filename(void **state)
{
	struct ward_mail *m;

	(void)state;
	m = parse("Content-Type: multipart/mixed; boundary=b\n\n"
		  "--b\n"
		  "Content-Type: application/pdf\n"
		  "Content-Disposition: attachment;\n"
		  " filename=\"=?UTF-8?B?W+yCvOyEseyDneuqhV0yMDIwLjA4Lg==?=\n"
		  " =?UTF-8?B?MTQg642w7J2866asIOqyveygnOuJtOyKpC5wZGY=?=\"\n\n"
		  "x\n"
		  "--b\n"
		  "Content-Type: application/octet-stream;\n"
		  " name*0*=utf-8''%E2%82%AC;\n"
		  " name*1=\"uro.exe\"\n\n"
		  "y\n"
		  "--b--\n");
	check(m, NULL);
	assert_non_null(by_name(m, "[삼성생명]2020.08.14 데일리 경제뉴스.pdf"));
	assert_non_null(by_name(m, "\xe2\x82\xacuro.exe"));
	ward_mail_free(m);
}

static void
test_bare_cr(void **state)
{
	struct ward_mail *m;

	(void)state;
	m = parse("Subject: cr\rContent-Type: multipart/mixed; boundary=c\r\r"
		  "--c\rContent-Type: text/plain\r\rline one\rline two\r"
		  "--c\rContent-Type: application/zip; name=c.zip\r\rzip\r"
		  "--c--\r");
	check(m, NULL);
	assert_string_equal(m->subject, "cr");
	assert_int_equal(m->n_parts, 3);
	assert_string_equal(m->parts[1].text, "line one\rline two");
	assert_string_equal((const char *)by_name(m, "c.zip")->body, "zip");
	ward_mail_free(m);

	/* A stray CR inside a CRLF message stays in the value. */
	m = parse("Received: a\r\nSubject: x\ry\r\n\r\nbody\r\n");
	assert_string_equal(ward_mail_header_find(&m->parts[0], "subject", NULL), "xy");
	assert_int_equal(m->defects, 0);
	ward_mail_free(m);
}

static void
test_no_separator(void **state)
{
	struct ward_mail *m;

	(void)state;
	m = parse("From: a@b.test\n"
		  "Subject: no blank line\n"
		  "Dear customer, visit https://x.example/\n"
		  "Thanks\n");
	check(m, NULL);
	assert_true(m->defects & WARD_MAIL_DEF_NO_SEPARATOR);
	assert_int_equal(m->parts[0].n_headers, 2);
	assert_string_equal(m->parts[0].text, "Dear customer, visit https://x.example/\nThanks\n");
	ward_mail_free(m);

	/* A part whose body follows its header without a blank line. */
	m = parse("Content-Type: multipart/mixed; boundary=b\n\n"
		  "--b\nContent-Type: text/plain\nbody right away\n--b--\n");
	check(m, NULL);
	assert_true(m->defects & WARD_MAIL_DEF_NO_SEPARATOR);
	assert_string_equal(m->parts[1].text, "body right away");
	ward_mail_free(m);

	/* An mbox From_ line and obsolete "Name :" fields. */
	m = parse("From someone@x Mon Jan  1 00:00:00 2024\nSubject : obs\n\nbody\n");
	assert_int_equal(m->defects, 0);
	assert_string_equal(m->subject, "obs");
	ward_mail_free(m);
}

static void
test_no_boundary_param(void **state)
{
	struct ward_mail *m;

	(void)state;
	m = parse("Content-Type: multipart/mixed\n\n"
		  "--guessme\nContent-Type: text/plain\n\nhi\n"
		  "--guessme\nContent-Type: image/gif; name=g.gif\n\nGIF89a\n"
		  "--guessme--\n");
	check(m, NULL);
	assert_true(m->defects & WARD_MAIL_DEF_NO_BOUNDARY);
	assert_int_equal(m->n_parts, 3);
	assert_non_null(by_name(m, "g.gif"));
	ward_mail_free(m);

	m = parse("Content-Type: multipart/mixed\n\njust text\n");
	check(m, NULL);
	assert_true(m->defects & WARD_MAIL_DEF_NO_BOUNDARY);
	assert_true(m->parts[0].is_raw);
	assert_string_equal(m->parts[0].text, "just text\n");
	ward_mail_free(m);
}

static void
test_strict_boundary(void **state)
{
	struct ward_mail *m;

	(void)state;
	/* The inner boundary extends the outer one: "--b" must not split at "--b2". */
	m = parse("Content-Type: multipart/mixed; boundary=b\n\n"
		  "--b\nContent-Type: multipart/alternative; boundary=b2\n\n"
		  "--b2\n\nalt one\n--b2\nContent-Type: text/html\n\n<p>alt two</p>\n--b2--\n"
		  "--b\nContent-Type: image/png; name=z.png\n\nPNG\n"
		  "--b--\n");
	check(m, NULL);
	assert_int_equal(m->n_parts, 5);
	assert_string_equal(m->parts[2].text, "alt one");
	assert_string_equal(m->parts[3].text, "<p>alt two</p>");
	assert_int_equal(by_name(m, "z.png")->parent, 0);
	assert_int_equal(m->defects, 0);
	ward_mail_free(m);
}

static void
test_charsets(void **state)
{
	struct ward_mail *m;

	(void)state;
	m = parse("Content-Type: text/plain; charset=shift_jis\n\n\x93\xfa\x96\x7b\n");
	assert_string_equal(m->parts[0].text, "日本\n");
	ward_mail_free(m);
	m = parse("Content-Type: text/plain; charset=x-no-such-charset\n\n\xe9t\xe9\n");
	assert_true(m->defects & WARD_MAIL_DEF_CHARSET);
	assert_string_equal(m->parts[0].text, "été\n");
	ward_mail_free(m);
	m = parse("Content-Type: text/plain; charset=utf-8\n\nbad \xff byte\n");
	assert_true(m->defects & WARD_MAIL_DEF_CHARSET);
	assert_string_equal(m->parts[0].text, "bad \xef\xbf\xbd byte\n");
	/* The body keeps the bytes as decoded. */
	assert_memory_equal(m->parts[0].body, "bad \xff byte\n", 11);
	ward_mail_free(m);
	/* Raw 8-bit header text is read in the message's charset. */
	m = parse("Subject: \x93\xfa\x96\x7b\nContent-Type: text/plain; charset=shift_jis\n\nx\n");
	assert_string_equal(m->subject, "日本");
	ward_mail_free(m);
}

static void
test_attachment_rule(void **state)
{
	struct ward_mail *m;

	(void)state;
	m = parse("Content-Type: multipart/mixed; boundary=r\n\n"
		  "--r\nContent-Type: text/plain\n\nbody\n"		  /* 1: no */
		  "--r\nContent-Type: text/html\n\n<p>\n"		  /* 2: no */
		  "--r\nContent-Type: text/calendar\n\nBEGIN:VCALENDAR\n" /* 3: yes */
		  "--r\nContent-Type: text/plain; name=a.txt\n\nfile\n"	  /* 4: yes */
		  "--r\nContent-Type: text/html\nContent-Disposition: attachment\n\n<p>\n" /* 5 */
		  "--r\nContent-Type: image/png\n\nPNG\n"			   /* 6: yes */
		  "--r\nContent-Type: message/delivery-status\n\nAction: failed\n" /* 7: no */
		  "--r--\n");
	check(m, NULL);
	assert_int_equal(m->n_parts, 8);
	assert_false(ward_mail_part_is_attachment(&m->parts[0]));
	assert_false(ward_mail_part_is_attachment(&m->parts[1]));
	assert_false(ward_mail_part_is_attachment(&m->parts[2]));
	assert_true(ward_mail_part_is_attachment(&m->parts[3]));
	assert_true(ward_mail_part_is_attachment(&m->parts[4]));
	assert_true(ward_mail_part_is_attachment(&m->parts[5]));
	assert_true(ward_mail_part_is_attachment(&m->parts[6]));
	assert_false(ward_mail_part_is_attachment(&m->parts[7]));
	assert_non_null(m->parts[7].text);
	ward_mail_free(m);
}

/* 1,000 nested multiparts (and messages): cut at max_depth, fast. */
static void
test_depth_limit(void **state)
{
	struct ward_buf b;
	struct ward_mail *m;
	clock_t t0 = clock();
	int i;

	(void)state;
	ward_buf_init(&b);
	for (i = 0; i < 1000; i++)
		ward_buf_printf(&b, "Content-Type: multipart/mixed; boundary=b%d\n\n--b%d\n", i, i);
	ward_buf_adds(&b, "\ndeep https://deep.example/\n");
	for (i = 999; i >= 0; i--)
		ward_buf_printf(&b, "--b%d--\n", i);
	m = parse(ward_buf_cstr(&b));
	check(m, NULL);
	assert_true(m->defects & WARD_MAIL_DEF_DEPTH_LIMIT);
	assert_int_equal(m->n_parts, WARD_LIMIT_MIME_DEPTH + 1);
	/* The cut part keeps the rest as raw text. */
	assert_true(m->parts[m->n_parts - 1].is_raw);
	assert_non_null(strstr(m->parts[m->n_parts - 1].text, "https://deep.example/"));
	ward_mail_free(m);

	ward_buf_reset(&b);
	for (i = 0; i < 1000; i++)
		ward_buf_adds(&b, "Content-Type: message/rfc822\n\n");
	ward_buf_adds(&b, "\nbottom\n");
	m = parse(ward_buf_cstr(&b));
	check(m, NULL);
	assert_true(m->defects & WARD_MAIL_DEF_DEPTH_LIMIT);
	assert_int_equal(m->parts[m->n_parts - 1].depth, WARD_LIMIT_MIME_DEPTH);
	ward_mail_free(m);
	ward_buf_free(&b);
	assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 2.0);
}

static void
test_parts_limit(void **state)
{
	struct ward_mail_limits lim;
	struct ward_buf b;
	struct ward_mail *m;
	int i;

	(void)state;
	ward_buf_init(&b);
	ward_buf_adds(&b, "Content-Type: multipart/mixed; boundary=p\n\n");
	for (i = 0; i < 3000; i++)
		ward_buf_printf(&b, "--p\nContent-Type: image/gif; name=%d.gif\n\nGIF\n", i);
	ward_buf_adds(&b, "--p--\n");
	m = parse(ward_buf_cstr(&b));
	check(m, NULL);
	assert_true(m->defects & WARD_MAIL_DEF_PARTS_LIMIT);
	assert_int_equal(m->n_parts, WARD_LIMIT_MIME_PARTS);
	ward_mail_free(m);

	ward_mail_limits_default(&lim);
	lim.max_parts = 10;
	m = parse_lim(ward_buf_cstr(&b), &lim);
	check(m, &lim);
	assert_int_equal(m->n_parts, 10);
	assert_true(m->defects & WARD_MAIL_DEF_PARTS_LIMIT);
	ward_mail_free(m);
	ward_buf_free(&b);
}

static void
test_headers_limit(void **state)
{
	struct ward_buf b;
	struct ward_mail *m;
	int i;

	(void)state;
	ward_buf_init(&b);
	for (i = 0; i < 1500; i++)
		ward_buf_printf(&b, "X-Junk-%d: %d\n", i, i);
	/* Past the limit, but the parser still obeys it. */
	ward_buf_adds(&b, "Content-Type: multipart/mixed; boundary=h\n\n"
			  "--h\nContent-Type: application/zip; name=h.zip\n\nPK\n--h--\n");
	m = parse(ward_buf_cstr(&b));
	check(m, NULL);
	assert_true(m->defects & WARD_MAIL_DEF_HEADERS_LIMIT);
	assert_int_equal(m->parts[0].n_headers, WARD_LIMIT_MIME_HEADERS);
	assert_non_null(by_name(m, "h.zip"));
	ward_mail_free(m);
	ward_buf_free(&b);
}

/* 50 MB: a base64 attachment and a long text, within the default limits. */
static void
test_big_message(void **state)
{
	static const char line[] = "Some text https://big.example/ for the scanner to read.\n";
	struct ward_buf b;
	struct ward_mail *m;
	const struct ward_mail_part *p;
	clock_t t0;
	size_t i;

	(void)state;
	ward_buf_init(&b);
	ward_buf_adds(&b, "Content-Type: multipart/mixed; boundary=big\n\n--big\n\n");
	for (i = 0; i < 100000; i++)
		ward_buf_adds(&b, line);
	ward_buf_adds(&b, "--big\nContent-Type: application/octet-stream; name=big.bin\n"
			  "Content-Transfer-Encoding: base64\n\n");
	while (b.len < 50u * 1024 * 1024)
		ward_buf_adds(
		    &b,
		    "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAx\n");
	ward_buf_adds(&b, "--big--\n");
	t0 = clock();
	m = parse(ward_buf_cstr(&b));
	check(m, NULL);
	assert_int_equal(m->defects, 0);
	p = by_name(m, "big.bin");
	assert_non_null(p);
	assert_true(p->body_len > 32u * 1024 * 1024);
	assert_int_equal(p->body_len % 54, 0);
	assert_memory_equal(p->body, "ABCDEFGHIJ", 10);
	assert_int_equal(m->parts[1].text_len, 100000 * strlen(line) - 1);
	ward_mail_free(m);
	assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 5.0);
	ward_buf_free(&b);
}

static void
test_size_limits(void **state)
{
	struct ward_mail_limits lim;
	struct ward_mail *m = (struct ward_mail *)1;

	(void)state;
	ward_mail_limits_default(&lim);
	assert_int_equal(lim.max_size, WARD_LIMIT_MAIL_SIZE);
	assert_int_equal(lim.max_decoded, WARD_LIMIT_MIME_DECODED);
	lim.max_size = 10;
	assert_int_equal(ward_mail_parse((const uint8_t *)"Subject: too long\n\n", 19, &lim, &m),
			 WARD_ELIMIT);
	assert_null(m);
	assert_int_equal(ward_mail_parse((const uint8_t *)"Subject: x", 10, &lim, &m), 0);
	ward_mail_free(m);

	/* Decoded bytes over max_decoded are cut. */
	ward_mail_limits_default(&lim);
	lim.max_decoded = 8;
	m = parse_lim("Content-Type: multipart/mixed; boundary=d\n\n"
		      "--d\n\n12345\n--d\nContent-Type: image/gif; name=a.gif\n\nabcdefgh\n--d--\n",
		      &lim);
	check(m, &lim);
	assert_true(m->defects & WARD_MAIL_DEF_SIZE_LIMIT);
	assert_int_equal(m->parts[1].body_len, 5);
	assert_int_equal(by_name(m, "a.gif")->body_len, 3);
	ward_mail_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_simple),
	    cmocka_unit_test(test_empty),
	    cmocka_unit_test(test_multipart),
	    cmocka_unit_test(test_unterminated_boundary_quote),
	    cmocka_unit_test(test_boundary_never_appears),
	    cmocka_unit_test(test_close_missing),
	    cmocka_unit_test(test_preamble_epilogue),
	    cmocka_unit_test(test_multipart_cte),
	    cmocka_unit_test(test_text_without_subtype),
	    cmocka_unit_test(test_rfc822),
	    cmocka_unit_test(test_rfc822_encoded),
	    cmocka_unit_test(test_digest),
	    cmocka_unit_test(test_uuencode_in_text),
	    cmocka_unit_test(test_base64_junk),
	    cmocka_unit_test(test_rfc2231_2047_filename),
	    cmocka_unit_test(test_bare_cr),
	    cmocka_unit_test(test_no_separator),
	    cmocka_unit_test(test_no_boundary_param),
	    cmocka_unit_test(test_strict_boundary),
	    cmocka_unit_test(test_charsets),
	    cmocka_unit_test(test_attachment_rule),
	    cmocka_unit_test(test_depth_limit),
	    cmocka_unit_test(test_parts_limit),
	    cmocka_unit_test(test_headers_limit),
	    cmocka_unit_test(test_big_message),
	    cmocka_unit_test(test_size_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
