/*
 * ward's Public Suffix List table against libpsl, the library it stands in
 * for on the hot path: both must name the same registrable domain.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <libpsl.h>

#include "domain_internal.h"

static const char *const names[] = {"example.com",
				    "www.example.com",
				    "a.b.c.example.co.uk",
				    "co.uk",
				    "com",
				    "uk",
				    "x.vercel.app",
				    "vercel.app",
				    "a.b.pages.dev",
				    "foo.github.io",
				    "github.io",
				    "www.ck",
				    "a.www.ck",
				    "b.ck",
				    "a.b.ck",
				    "x.y.bd",
				    "y.bd",
				    "bd",
				    "city.kawasaki.jp",
				    "a.city.kawasaki.jp",
				    "b.kawasaki.jp",
				    "c.b.kawasaki.jp",
				    "example.xn--p1ai",
				    "a.example.xn--p1ai",
				    "foo.bar.unknowntld",
				    "unknowntld",
				    "s3.amazonaws.com",
				    "bucket.s3.amazonaws.com",
				    "a.compute-1.amazonaws.com",
				    "b.a.compute-1.amazonaws.com",
				    "1inch.eu.org",
				    "x.1inch.eu.org",
				    "bitcoin.dmm.com",
				    "coin.z.com",
				    "a.blogspot.com",
				    "a.b.blogspot.co.jp",
				    "xn--80ak6aa92e.com",
				    "login.binance.com.evil.co.uk",
				    "a.b.c.d.e.f.g.h.example.net",
				    "nic.xn--fiqs8s",
				    NULL};

static void
test_same_as_libpsl(void **state)
{
	psl_ctx_t *psl = psl_latest(NULL);
	size_t i;

	(void)state;
	assert_non_null(psl);
	for (i = 0; names[i]; i++) {
		const char *want = psl_registrable_domain(psl, names[i]);
		const char *got = psl_registrable(names[i], strlen(names[i]));
		if ((want == NULL) != (got == NULL) || (want && strcmp(want, got) != 0))
			fail_msg("%s: libpsl says %s, ward says %s", names[i],
				 want ? want : "(none)", got ? got : "(none)");
	}
	psl_free(psl);
}

static void
test_table_loader(void **state)
{
	static const char list[] = "// comment\n"
				   "com\n*.ck\n!www.ck\n\xe5\x85\xac\xe5\x8f\xb8.cn\n"
				   "bad*rule\nfoo.bar extra words ignored\n";
	struct ward_strmap *m = ward_strmap_new();
	size_t bad;

	(void)state;
	assert_int_equal(psl_table_load(m, (const uint8_t *)list, sizeof(list) - 1, &bad), 0);
	assert_int_equal(bad, 1);
	assert_int_equal(psl_table_suffix(m, "a.b.com", 7), 3);
	assert_int_equal(psl_table_suffix(m, "a.b.ck", 6), 4);		  /* wildcard */
	assert_int_equal(psl_table_suffix(m, "a.www.ck", 8), 2);	  /* exception */
	assert_int_equal(psl_table_suffix(m, "x.xn--55qx5d.cn", 15), 13); /* IDN rule */
	assert_int_equal(psl_table_suffix(m, "x.foo.bar", 9), 7);
	assert_int_equal(psl_table_suffix(m, "x.other", 7), 5); /* implicit * */
	ward_strmap_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_same_as_libpsl),
	    cmocka_unit_test(test_table_loader),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
