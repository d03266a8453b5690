/*
 * The mail checks on hand-written messages: each check fires on the trick
 * it is for and stays quiet on the ordinary mail next to it; scores add up
 * once per check into the verdict; artifacts list URLs and attachments.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ward/buf.h"
#include "ward/domain.h"
#include "ward/mail_scan.h"

static struct ward_domain_db *db;
static struct ward_mail_scanner *scanner;

struct seen {
	char checks[2048];
	char objects[4096];
	int n;
};

static void
collect(void *ctx, const struct ward_finding *f)
{
	struct seen *s = ctx;

	strncat(s->checks, f->check->id, sizeof(s->checks) - strlen(s->checks) - 2);
	strncat(s->checks, " ", sizeof(s->checks) - strlen(s->checks) - 1);
	if (f->object_name) {
		strncat(s->objects, f->object_name, sizeof(s->objects) - strlen(s->objects) - 2);
		strncat(s->objects, "\n", sizeof(s->objects) - strlen(s->objects) - 1);
	}
	s->n++;
}

static struct ward_mail_report
scan_with(const char *msg, const char *execs, const char *internal, struct seen *seen)
{
	struct ward_mail_scan_config c;
	struct ward_mail_scanner *s;
	struct ward_mail_report rep;

	ward_mail_scanner_free(scanner);
	ward_mail_scan_config_default(&c);
	c.db = db;
	c.executives = execs;
	c.internal_domains = internal;
	s = scanner = ward_mail_scanner_new(&c);
	assert_non_null(s);
	memset(seen, 0, sizeof(*seen));
	assert_int_equal(
	    ward_mail_scan(s, (const uint8_t *)msg, strlen(msg), "t.eml", 0, collect, seen, &rep),
	    0);
	return rep;
}

static int
has(const struct seen *s, const char *id)
{
	char pat[128];

	snprintf(pat, sizeof(pat), "%s ", id);
	return strstr(s->checks, pat) != NULL;
}

static void
test_clean_mail(void **state)
{
	struct seen s;
	struct ward_mail_report r;

	(void)state;
	r = scan_with("From: Alice Example <alice@example.org>\r\n"
		      "To: bob@example.org\r\nSubject: lunch\r\n\r\n"
		      "See you at noon, menu at https://www.example.org/menu\r\n",
		      NULL, NULL, &s);
	assert_string_equal(r.verdict, "clean");
	assert_int_equal(s.n, 0);
	assert_int_equal(r.n_urls, 1);
	assert_string_equal(r.urls[0], "https://www.example.org/menu");
}

static void
test_executive(void **state)
{
	struct seen s;
	struct ward_mail_report r;
	const char *msg = "From: \"Taro Yamada\" <taro.yamada.office@gmail.com>\n"
			  "Subject: quick favour\n\nAre you at your desk?\n";

	(void)state;
	r = scan_with(msg, "Taro Yamada, Hanako Suzuki", "examplex.co.jp", &s);
	assert_true(has(&s, "mail.sender.executive"));
	assert_string_equal(r.verdict, "suspicious");
	/* The same name from the company's own domain is the executive. */
	r = scan_with("From: \"Taro Yamada\" <t.yamada@examplex.co.jp>\nSubject: hi\n\nhello\n",
		      "Taro Yamada", "examplex.co.jp", &s);
	assert_false(has(&s, "mail.sender.executive"));
	assert_string_equal(r.verdict, "clean");
	/* Only the first name is no match. */
	r = scan_with("From: \"Taro Tanaka\" <taro@gmail.com>\nSubject: hi\n\nhello\n",
		      "Taro Yamada", "examplex.co.jp", &s);
	assert_false(has(&s, "mail.sender.executive"));
}

static void
test_brand_and_display(void **state)
{
	struct seen s;

	(void)state;
	scan_with("From: \"DocuSign 93978\" <docusign9959@bounce.ddns.net>\nSubject: doc\n\nx\n",
		  NULL, NULL, &s);
	assert_true(has(&s, "mail.sender.brand"));
	scan_with("From: \"Binance Support\" <help@binance-help.example>\nSubject: kyc\n\nx\n",
		  NULL, NULL, &s);
	assert_true(has(&s, "mail.sender.brand"));
	/* The real one. */
	scan_with("From: \"DocuSign\" <dse@docusign.net>\nSubject: doc\n\nx\n", NULL, NULL, &s);
	assert_false(has(&s, "mail.sender.brand"));
	/* A person who happens to share a brand word is no brand. */
	scan_with("From: \"Ledger Smith and Partners LLP\" <a@smith.example>\nSubject: x\n\ny\n",
		  NULL, NULL, &s);
	assert_false(has(&s, "mail.sender.brand"));
	scan_with("From: \"ceo@examplex.co.jp\" <boss@mailer.example>\nSubject: x\n\ny\n", NULL,
		  NULL, &s);
	assert_true(has(&s, "mail.sender.display_address"));
	scan_with("From: \"bob@example.org\" <bob@example.org>\nSubject: x\n\ny\n", NULL, NULL, &s);
	assert_false(has(&s, "mail.sender.display_address"));
}

static void
test_confusable(void **state)
{
	struct seen s;

	(void)state;
	/* "Urgеnt" with U+0435 CYRILLIC SMALL LETTER IE */
	scan_with(
	    "From: a@example.org\nSubject: =?UTF-8?B?VXJn0LVudDogeW91ciBkb2N1bWVudA==?=\n\nx\n",
	    NULL, NULL, &s);
	assert_true(has(&s, "mail.sender.confusable"));
	/* Russian text stays quiet. */
	scan_with("From: a@example.org\nSubject: =?UTF-8?B?0J/RgNC40LLQtdGCINC80LjRgA==?=\n\nx\n",
		  NULL, NULL, &s);
	assert_false(has(&s, "mail.sender.confusable"));
}

static void
test_reply_to_and_auth(void **state)
{
	struct seen s;

	(void)state;
	scan_with(
	    "From: CFO <cfo@example.org>\nReply-To: cfo.office@gmail.com\nSubject: wire\n\nx\n",
	    NULL, NULL, &s);
	assert_true(has(&s, "mail.sender.reply_to"));
	scan_with(
	    "From: a@example.org\nReply-To: list@lists.example.net\nList-Id: <l.example.net>\n"
	    "Subject: x\n\ny\n",
	    NULL, NULL, &s);
	assert_false(has(&s, "mail.sender.reply_to"));
	scan_with("Authentication-Results: mx.example.org; spf=fail smtp.mailfrom=x.example; "
		  "dkim=none; dmarc=fail header.from=bank.example\n"
		  "From: a@bank.example\nSubject: x\n\ny\n",
		  NULL, NULL, &s);
	assert_true(has(&s, "mail.sender.auth_fail"));
	scan_with("Authentication-Results: mx.example.org; spf=pass; dkim=fail; dmarc=pass\n"
		  "From: a@bank.example\nSubject: x\n\ny\n",
		  NULL, NULL, &s);
	assert_false(has(&s, "mail.sender.auth_fail"));
	scan_with("From: x@correios\nSubject: x\n\ny\n", NULL, NULL, &s);
	assert_true(has(&s, "mail.sender.invalid"));
	scan_with("From: support@binanse.com\nSubject: x\n\ny\n", NULL, NULL, &s);
	assert_true(has(&s, "mail.sender.lookalike"));
}

static void
test_links(void **state)
{
	struct seen s;
	struct ward_mail_report r;

	(void)state;
	r = scan_with(
	    "From: a@example.org\nSubject: verify\nContent-Type: text/html\n\n"
	    "<a href=\"https://binance-kyc-verify.com/login\">https://www.binance.com/</a>\n"
	    "<a href=\"http://3232235777/x\">here</a>\n"
	    "<a href=\"https://www.binance.com@evil.example/\">log in</a>\n"
	    "<a href=\"https://bit.ly/3abc\">more</a>\n",
	    NULL, NULL, &s);
	assert_true(has(&s, "mail.link.lookalike"));
	assert_true(has(&s, "mail.link.text_mismatch"));
	assert_true(has(&s, "mail.link.ip_literal"));
	assert_true(has(&s, "mail.link.userinfo"));
	assert_true(has(&s, "mail.link.shortener"));
	assert_string_equal(r.verdict, "malicious");
	assert_int_equal(r.n_urls,
			 5); /* the anchor text https://www.binance.com/ is a URL in the text too */
	/* Matching text and target, and an ordinary link, are quiet. */
	scan_with("From: a@example.org\nSubject: x\nContent-Type: text/html\n\n"
		  "<a href=\"https://www.example.org/a\">www.example.org</a> "
		  "<a href=\"https://news.example.net/\">read more</a>\n",
		  NULL, NULL, &s);
	assert_int_equal(s.n, 0);
	scan_with("From: a@partner.example\nSubject: contract\n\n"
		  "The signed contract: https://drive.google.com/file/d/1AbC/view\n",
		  NULL, NULL, &s);
	assert_true(has(&s, "mail.link.file_share"));
}

static void
test_reputation_and_hosting(void **state)
{
	struct seen s;

	(void)state;
	/* Built-in IOC domain, a block-listed one and a newly registered one (lists of main()). */
	scan_with("From: a@example.org\nSubject: x\n\nhttps://bloxholder.com/app\n", NULL, NULL,
		  &s);
	assert_true(has(&s, "mail.link.ioc"));
	scan_with("From: a@example.org\nSubject: x\n\nhttps://www.blocked-site.example/\n", NULL,
		  NULL, &s);
	assert_true(has(&s, "mail.link.blocklisted"));
	scan_with("From: a@example.org\nSubject: x\n\nhttps://fresh-domain.example/\n", NULL, NULL,
		  &s);
	assert_true(has(&s, "mail.link.new_domain"));
	scan_with("From: a@example.org\nSubject: x\n\nhttps://www.example.org/\n", NULL, NULL, &s);
	assert_int_equal(s.n, 0);
	/* Sent from a name anyone can get on a hosting platform, and the platform itself. */
	scan_with("From: no-reply@gerif10.firebaseapp.com\nSubject: x\n\ny\n", NULL, NULL, &s);
	assert_true(has(&s, "mail.sender.free_host"));
	scan_with("From: no-reply@firebaseapp.com\nSubject: x\n\ny\n", NULL, NULL, &s);
	assert_false(has(&s, "mail.sender.free_host"));
}

static void
test_form_and_lure(void **state)
{
	struct seen s;
	struct ward_mail_report r;

	(void)state;
	scan_with(
	    "From: it@example.org\nSubject: mailbox\nContent-Type: text/html\n\n"
	    "<form action=\"https://collect.example.net/p\"><input type=password name=p></form>\n",
	    NULL, NULL, &s);
	assert_true(has(&s, "mail.html.credential_form"));
	r = scan_with("From: hr@example.org\nSubject: Job offer: senior engineer\n\n"
		      "We are hiring, salary negotiable.\n",
		      NULL, NULL, &s);
	assert_true(has(&s, "mail.lure"));
	/* Wording alone never makes a verdict. */
	assert_string_equal(r.verdict, "clean");
}

static void
test_attachment_artifacts(void **state)
{
	struct seen s;
	struct ward_mail_report r;
	struct ward_buf b;

	(void)state;
	/* "MZ" + padding: too small for a PE header, the type still says DOS/PE or data;
	 * what matters here is the hash and the artifact record. */
	r = scan_with(
	    "From: a@example.org\nSubject: x\nMIME-Version: 1.0\n"
	    "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\n"
	    "see attached\n--b\nContent-Type: application/octet-stream; name=\"a.txt\"\n"
	    "Content-Transfer-Encoding: base64\n\naGVsbG8K\n--b--\n",
	    NULL, NULL, &s);
	assert_int_equal(r.n_attachments, 1);
	assert_string_equal(r.attachments[0].name, "a.txt");
	assert_int_equal(r.attachments[0].size, 6);
	/* sha256("hello\n") */
	assert_string_equal(r.attachments[0].sha256,
			    "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03");
	ward_buf_init(&b);
	ward_mail_report_artifacts(&r, &b);
	assert_non_null(strstr(ward_buf_cstr(&b), "\"sha256\":\"5891b5b5"));
	assert_non_null(strstr(ward_buf_cstr(&b), "\"urls\":[]"));
	ward_buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_clean_mail),
	    cmocka_unit_test(test_executive),
	    cmocka_unit_test(test_brand_and_display),
	    cmocka_unit_test(test_confusable),
	    cmocka_unit_test(test_reply_to_and_auth),
	    cmocka_unit_test(test_links),
	    cmocka_unit_test(test_form_and_lure),
	    cmocka_unit_test(test_attachment_artifacts),
	    cmocka_unit_test(test_reputation_and_hosting),
	};
	int rc;

	db = ward_domain_db_new();
	static const char block[] = "blocked-site.example\n";
	static const char nrd[] = "fresh-domain.example,2026-11-15\n";
	struct ward_load_report rep;

	if (!db || ward_domain_db_add_builtin_brands(db) < 0 ||
	    ward_domain_db_add_builtin_iocs(db) < 0 ||
	    ward_domain_db_load_list(db, WARD_DOMAIN_BLOCK, (const uint8_t *)block, strlen(block),
				     "test-block", &rep) < 0 ||
	    ward_domain_db_load_list(db, WARD_DOMAIN_NRD, (const uint8_t *)nrd, strlen(nrd),
				     "test-nrd", &rep) < 0)
		return 1;
	ward_domain_db_set_nrd(db, 30, ward_domain_parse_date("2026-11-20", 10));
	if (ward_domain_db_build(db) < 0)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	ward_mail_scanner_free(scanner);
	ward_domain_db_free(db);
	return rc;
}
