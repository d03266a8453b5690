/* Unit tests of lib/domain: normalisation, the lookalike rules, lists. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ward/domain.h"
#include "ward/error.h"

static struct ward_domain_db *db;

static int
setup_db(void **state)
{
	(void)state;
	db = ward_domain_db_new();
	if (!db || ward_domain_db_add_builtin_brands(db) < 0 ||
	    ward_domain_db_add_builtin_iocs(db) < 0 || ward_domain_db_build(db) < 0)
		return -1;
	return 0;
}

static int
teardown_db(void **state)
{
	(void)state;
	ward_domain_db_free(db);
	return 0;
}

static int
parse(const char *s, struct ward_domain_name *n)
{
	return ward_domain_name_parse((const uint8_t *)s, strlen(s), n);
}

static void
test_name_basic(void **state)
{
	struct ward_domain_name n;

	(void)state;
	assert_int_equal(parse("  WWW.Example.COM.\r\n", &n), 0);
	assert_string_equal(n.ascii, "www.example.com");
	assert_string_equal(n.registrable, "example.com");
	assert_string_equal(n.suffix, "com");
	assert_false(n.has_idn);
	assert_int_equal(parse("a.b.example.co.uk", &n), 0);
	assert_string_equal(n.registrable, "example.co.uk");
	assert_string_equal(n.suffix, "co.uk");
	/* Private section: a hosted site is a site of its own. */
	assert_int_equal(parse("0pensea-gifts.vercel.app", &n), 0);
	assert_string_equal(n.registrable, "0pensea-gifts.vercel.app");
	assert_int_equal(parse("y.pages.dev", &n), 0);
	assert_string_equal(n.registrable, "y.pages.dev");
	assert_int_equal(parse("10.0.0.1", &n), 0);
	assert_true(n.is_ip);
}

static void
test_name_rejects(void **state)
{
	struct ward_domain_name n;
	char big[400];

	(void)state;
	assert_int_equal(parse("", &n), WARD_EINVAL);
	assert_int_equal(parse("   ", &n), WARD_EINVAL);
	assert_int_equal(parse("a..b", &n), WARD_EINVAL);
	assert_int_equal(parse(".a.b", &n), WARD_EINVAL);
	assert_int_equal(parse("exa mple.com", &n), WARD_EINVAL);
	assert_int_equal(parse("http://x.com/", &n), WARD_EINVAL);
	assert_int_equal(ward_domain_name_parse((const uint8_t *)"a\0b.com", 7, &n), WARD_EINVAL);
	/* A 64-character label is one too many. */
	memset(big, 'a', 64);
	strcpy(big + 64, ".com");
	assert_int_equal(parse(big, &n), WARD_EINVAL);
	strcpy(big + 63, ".com"); /* 63 is the most a label may have */
	assert_int_equal(parse(big, &n), 0);
	/* 254 characters exceed DNS's 253. */
	memset(big, 'a', sizeof(big));
	for (int i = 50; i < 254; i += 51)
		big[i] = '.';
	big[254] = '\0';
	assert_int_equal(parse(big, &n), WARD_ELIMIT);
	big[253] = '\0';
	assert_int_equal(parse(big, &n), 0);
}

static void
test_name_idn(void **state)
{
	struct ward_domain_name n;

	(void)state;
	/* Unicode input becomes A-labels; A-labels are decoded for display. */
	assert_int_equal(parse("b\xd1\x96nance.com", &n), 0); /* Cyrillic і */
	assert_string_equal(n.ascii, "xn--bnance-pvf.com");
	assert_string_equal(n.unicode, "b\xd1\x96nance.com");
	assert_true(n.has_idn);
	assert_false(n.idn_invalid);
	assert_int_equal(parse("xn--bnance-pvf.com", &n), 0);
	assert_string_equal(n.unicode, "b\xd1\x96nance.com");
	/* Decodes, but is not valid IDNA2008 (a snowman). */
	assert_int_equal(parse("xn--n3h.ws", &n), 0);
	assert_true(n.idn_invalid);
	/* Not punycode at all. */
	assert_int_equal(parse("xn--.com", &n), 0);
	assert_true(n.idn_invalid);
}

static const char *
check_of(const char *name, enum ward_domain_verdict *v)
{
	static struct ward_domain_result r;

	if (ward_domain_classify(db, (const uint8_t *)name, strlen(name), &r) < 0)
		return "error";
	if (v)
		*v = r.verdict;
	return r.n_hits ? r.hits[0].check->id : "clean";
}

static void
expect(const char *name, const char *check)
{
	const char *got = check_of(name, NULL);

	if (strcmp(got, check) != 0)
		fail_msg("%s: expected %s, got %s", name, check, got);
}

static void
test_lookalike_kinds(void **state)
{
	(void)state;
	expect("binanze.com", "domain.lookalike.typo");
	expect("coinbsae.com", "domain.lookalike.typo"); /* transposition */
	expect("c0inbase.com", "domain.lookalike.confusable");
	expect("rnetamask.io", "domain.lookalike.confusable");
	expect("b\xd1\x96nance.com", "domain.lookalike.confusable");
	expect("xn--bnance-pvf.com", "domain.lookalike.confusable");
	expect("myethervvallet.com", "domain.lookalike.confusable");
	expect("binance-support-login.com", "domain.lookalike.combo");
	expect("secure-kucoin.net", "domain.lookalike.combo");
	expect("metamask.io.secure-x.com", "domain.lookalike.subdomain");
	expect("binance.com-verify.xyz", "domain.lookalike.subdomain");
	expect("binance.xyz", "domain.lookalike.tld_swap");
	expect("coincheck.co.jp", "domain.lookalike.tld_swap");
	expect("bitflyer-jp.com", "domain.lookalike.combo");
	expect("coin-base.com", "domain.lookalike.hyphen");
	expect("1-inch.pro", "domain.lookalike.hyphen");
	expect("coinbasd.com", "domain.lookalike.bitsquat"); /* e (0x65) ^ d (0x64) */
	expect("air-binanze.sbs", "domain.lookalike.typo");
	expect("wallets-connect.xyz", "domain.lookalike.typo");
	expect("xn--n3h.ws", "domain.idn.invalid");
}

static void
test_quiet_on_normal_names(void **state)
{
	(void)state;
	/* Official domains and their subdomains. */
	expect("binance.com", "clean");
	expect("accounts.binance.com", "clean");
	expect("bitcoin.dmm.com", "clean");
	expect("coin.z.com", "clean");
	expect("app.uniswap.org", "clean");
	/* Everyday words near brands. */
	expect("finance.com", "clean");
	expect("yahoo-finance.com", "clean");
	expect("capgemini.com", "clean");
	expect("webdesignledger.com", "clean");
	expect("generalledger.com", "clean");
	expect("phantompilots.com", "clean");
	expect("open-server.ru", "clean");
	expect("electro-mpo.ru", "clean");
	expect("mdmexclusives.com", "clean");
	expect("50kxw.com", "clean");
	expect("google.com", "clean");
	expect("example.co.jp", "clean");
	expect("1.2.3.4", "clean");
	/* A brand word in an unrelated subdomain without context stays quiet. */
	expect("gemini.example.com", "clean");
}

static void
test_weak_tokens_need_context(void **state)
{
	(void)state;
	expect("ledger-live-app.com", "domain.lookalike.combo");
	expect("ledger.com-client.email", "domain.lookalike.subdomain");
	expect("kraken.xyz", "clean"); /* an everyday word alone */
	expect("kraken-login.xyz", "domain.lookalike.combo");
	expect("gemini-wallet.io", "domain.lookalike.combo");
}

static void
test_ioc_builtin(void **state)
{
	enum ward_domain_verdict v;

	(void)state;
	assert_string_equal(check_of("bloxholder.com", &v), "domain.reputation.ioc");
	assert_int_equal(v, WARD_VERDICT_IOC);
	/* Subdomains of an IOC domain match too. */
	assert_string_equal(check_of("update.bloxholder.com", &v), "domain.reputation.ioc");
	assert_string_equal(check_of("bloxholder.com.example.org", &v), "clean");
}

static struct ward_domain_db *
fresh(void)
{
	struct ward_domain_db *d = ward_domain_db_new();

	assert_non_null(d);
	assert_int_equal(ward_domain_db_add_builtin_brands(d), 0);
	return d;
}

static int
load(struct ward_domain_db *d, enum ward_domain_list w, const char *text,
     struct ward_load_report *rep)
{
	return ward_domain_db_load_list(d, w, (const uint8_t *)text, strlen(text), "test", rep);
}

static const char *
verdict(struct ward_domain_db *d, const char *name)
{
	struct ward_domain_result r;

	if (ward_domain_classify(d, (const uint8_t *)name, strlen(name), &r) < 0)
		return "error";
	return ward_domain_verdict_name(r.verdict);
}

static void
test_list_formats(void **state)
{
	struct ward_domain_db *d = fresh();
	struct ward_load_report rep;

	(void)state;
	assert_int_equal(
	    load(d, WARD_DOMAIN_BLOCK, "# plain\nevil.example\n*.wild.example\n", &rep), 0);
	assert_int_equal(rep.entries, 2);
	assert_int_equal(load(d, WARD_DOMAIN_BLOCK,
			      "127.0.0.1 localhost\n0.0.0.0 hosts1.example hosts2.example # x\n",
			      &rep),
			 0);
	assert_int_equal(rep.entries, 1);
	assert_int_equal(load(d, WARD_DOMAIN_BLOCK, "domain,added\ncsv.example,2024-01-01\n", &rep),
			 0);
	assert_int_equal(rep.entries, 1);
	assert_int_equal(rep.bad, 0);
	assert_int_equal(
	    load(d, WARD_DOMAIN_BLOCK, "ok.example\nnot a domain at all\n\x01\x02\n", &rep), 0);
	assert_int_equal(rep.entries, 1);
	assert_int_equal(rep.bad, 2);
	assert_int_equal(rep.first_bad_line, 2);
	assert_int_equal(ward_domain_db_build(d), 0);
	assert_string_equal(verdict(d, "evil.example"), "blocklisted");
	assert_string_equal(verdict(d, "a.b.evil.example"), "blocklisted");
	assert_string_equal(verdict(d, "x.wild.example"), "blocklisted");
	assert_string_equal(verdict(d, "hosts2.example"), "blocklisted");
	assert_string_equal(verdict(d, "csv.example"), "blocklisted");
	assert_string_equal(verdict(d, "notevil.example"), "clean");
	ward_domain_db_free(d);
}

static void
test_list_json(void **state)
{
	struct ward_domain_db *d = fresh();
	struct ward_load_report rep;
	char deep[300];
	size_t i;

	(void)state;
	assert_int_equal(load(d, WARD_DOMAIN_ALLOW,
			      "{\"version\":2,\"whitelist\":[\"binanze.com\",\"x\",42],"
			      "\"blacklist\":[\"bad.example\"]}",
			      &rep),
			 0);
	assert_int_equal(rep.entries, 1); /* "x" is no domain, 42 no string */
	assert_int_equal(rep.bad, 2);
	assert_int_equal(
	    load(d, WARD_DOMAIN_BLOCK, "{\"deny\":[\"deny.example\"],\"allow\":[]}", &rep), 0);
	assert_int_equal(rep.entries, 1);
	assert_int_equal(load(d, WARD_DOMAIN_BLOCK, "[\"arr.example\"]", &rep), 0);
	assert_int_equal(load(d, WARD_DOMAIN_BLOCK, "{\"whitelist\": [\"a.com\"", &rep),
			 WARD_EFORMAT);
	assert_non_null(strstr(rep.message, "line 1"));
	assert_int_equal(load(d, WARD_DOMAIN_BLOCK, "{\"other\":[]}", &rep), WARD_EFORMAT);
	for (i = 0; i < 100; i++)
		deep[i] = '[';
	deep[100] = '\0';
	assert_int_equal(load(d, WARD_DOMAIN_BLOCK, deep, &rep), WARD_ELIMIT);
	assert_int_equal(ward_domain_db_build(d), 0);
	/* The allow list silences a lookalike; the block lists work. */
	assert_string_equal(verdict(d, "binanze.com"), "clean");
	assert_string_equal(verdict(d, "bad.example"), "clean"); /* blacklist ignored for ALLOW */
	assert_string_equal(verdict(d, "deny.example"), "blocklisted");
	assert_string_equal(verdict(d, "arr.example"), "blocklisted");
	ward_domain_db_free(d);
}

static void
test_ioc_reference(void **state)
{
	struct ward_domain_db *d = fresh();
	struct ward_load_report rep;
	struct ward_domain_result r;

	(void)state;
	assert_int_equal(load(d, WARD_DOMAIN_IOC, "ioc.example\tReport A, 2022-04-18\n", &rep), 0);
	assert_int_equal(ward_domain_db_build(d), 0);
	assert_int_equal(ward_domain_classify(d, (const uint8_t *)"ioc.example", 11, &r), 0);
	assert_int_equal(r.verdict, WARD_VERDICT_IOC);
	assert_string_equal(r.hits[0].ref, "Report A, 2022-04-18");
	ward_domain_db_free(d);
}

static void
test_nrd(void **state)
{
	struct ward_domain_db *d = fresh();
	struct ward_load_report rep;

	(void)state;
	assert_int_equal(load(d, WARD_DOMAIN_NRD,
			      "domain,created\nfresh.example,2026-11-20\nold.example,2020-01-01\n"
			      "nodate.example\n",
			      &rep),
			 0);
	assert_int_equal(rep.entries, 2);
	assert_int_equal(rep.bad, 1);
	ward_domain_db_set_nrd(d, 30, ward_domain_parse_date("2026-11-27", 10));
	assert_int_equal(ward_domain_db_build(d), 0);
	assert_string_equal(verdict(d, "fresh.example"), "new");
	assert_string_equal(verdict(d, "www.fresh.example"), "new");
	assert_string_equal(verdict(d, "old.example"), "clean");
	ward_domain_db_set_nrd(d, 3, ward_domain_parse_date("2026-11-27", 10));
	assert_string_equal(verdict(d, "fresh.example"), "clean");
	ward_domain_db_free(d);
}

static void
test_dates(void **state)
{
	(void)state;
	assert_int_equal(ward_domain_parse_date("1970-01-01", 10), 0);
	assert_int_equal(ward_domain_parse_date("2000-03-01", 10), 11017);
	assert_int_equal(ward_domain_parse_date("2024-02-29T10:00:00Z", 20), 19782);
	assert_int_equal(ward_domain_parse_date("2024-13-01", 10), -1);
	assert_int_equal(ward_domain_parse_date("2024-1-01", 9), -1);
	assert_int_equal(ward_domain_parse_date("20240101xx", 10), -1);
}

static void
test_brand_file(void **state)
{
	static const char tsv[] =
	    "# own brands\n"
	    "acme\tcorp\tacmecoin,~acme\tacme.co.jp,acme-coin.com\tACME\thttps://acme.example/\n"
	    "short\tcorp\tshort.example\n"
	    "broken line without tabs\n";
	struct ward_domain_db *d = ward_domain_db_new();
	struct ward_load_report rep;

	(void)state;
	assert_int_equal(ward_domain_db_add_brands(d, (const uint8_t *)tsv, sizeof(tsv) - 1, &rep),
			 0);
	assert_int_equal(rep.entries, 2);
	assert_int_equal(rep.bad, 1);
	assert_int_equal(rep.first_bad_line, 4);
	assert_int_equal(ward_domain_db_brand_count(d), 2);
	assert_int_equal(ward_domain_db_add_brand(d, "exco", "exco.jp", "excoin"), 0);
	assert_int_equal(ward_domain_db_build(d), 0);
	assert_string_equal(verdict(d, "acmecoin-airdrop.com"), "lookalike");
	assert_string_equal(verdict(d, "wallet.acme-coin.com"), "clean");
	assert_string_equal(verdict(d, "acme.co.jp"), "clean");
	assert_string_equal(verdict(d, "short.xyz"), "lookalike"); /* token from the id */
	assert_string_equal(verdict(d, "excoin-support.net"), "lookalike");
	assert_string_equal(verdict(d, "binance.xyz"), "clean"); /* no built-ins here */
	ward_domain_db_free(d);
}

static void
test_brand_limit(void **state)
{
	/* One brand past WARD_LIMIT_BRANDS (4096) is refused, not absorbed. */
	struct ward_domain_db *d = ward_domain_db_new();
	struct ward_load_report rep;
	size_t cap = 4097 * 40, len = 0, i;
	char *tsv = malloc(cap);

	(void)state;
	assert_non_null(tsv);
	for (i = 0; i < 4097; i++)
		len += (size_t)snprintf(tsv + len, cap - len, "brand%zu\tx\tbrandtok%zu\n", i, i);
	assert_int_equal(ward_domain_db_add_brands(d, (const uint8_t *)tsv, len, &rep),
			 WARD_ELIMIT);
	assert_int_equal(ward_domain_db_brand_count(d), 4096);
	free(tsv);
	ward_domain_db_free(d);
}

static void
test_list_file_limit(void **state)
{
	struct ward_domain_db *d = ward_domain_db_new();
	struct ward_load_report rep;

	(void)state;
	/* The size is checked before a byte is read: no allocation of that size. */
	assert_int_equal(ward_domain_db_load_list(d, WARD_DOMAIN_BLOCK, (const uint8_t *)"x",
						  (size_t)256 * 1024 * 1024 + 1, "big", &rep),
			 WARD_ELIMIT);
	assert_non_null(strstr(rep.message, "larger than"));
	ward_domain_db_free(d);
}

static void
test_classify_rejects(void **state)
{
	struct ward_domain_result r;

	(void)state;
	assert_int_equal(ward_domain_classify(db, (const uint8_t *)"bad name", 8, &r), WARD_EINVAL);
	assert_int_equal(ward_domain_classify(db, (const uint8_t *)"", 0, &r), WARD_EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_name_basic),
	    cmocka_unit_test(test_name_rejects),
	    cmocka_unit_test(test_name_idn),
	    cmocka_unit_test(test_lookalike_kinds),
	    cmocka_unit_test(test_quiet_on_normal_names),
	    cmocka_unit_test(test_weak_tokens_need_context),
	    cmocka_unit_test(test_ioc_builtin),
	    cmocka_unit_test(test_list_formats),
	    cmocka_unit_test(test_list_json),
	    cmocka_unit_test(test_ioc_reference),
	    cmocka_unit_test(test_nrd),
	    cmocka_unit_test(test_dates),
	    cmocka_unit_test(test_brand_file),
	    cmocka_unit_test(test_brand_limit),
	    cmocka_unit_test(test_list_file_limit),
	    cmocka_unit_test(test_classify_rejects),
	};
	return cmocka_run_group_tests(tests, setup_db, teardown_db);
}
