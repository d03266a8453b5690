/* Unit tests of lib/core: buffers and JSON encoding, the string map,
 * configuration, messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "ward/buf.h"
#include "ward/config.h"
#include "ward/error.h"
#include "ward/i18n.h"
#include "ward/output.h"
#include "ward/strmap.h"

static char *
json_of(const char *in, size_t n)
{
	struct ward_buf b;
	char *out;

	ward_buf_init(&b);
	ward_buf_json_str(&b, (const uint8_t *)in, n);
	out = strdup(ward_buf_cstr(&b));
	ward_buf_free(&b);
	return out;
}

static void
test_json_escapes(void **state)
{
	char *s;

	(void)state;
	s = json_of("a\"b\\c\n\t\x01", 8);
	assert_string_equal(s, "\"a\\\"b\\\\c\\n\\t\\u0001\"");
	free(s);
	/* Valid UTF-8 passes, invalid bytes become U+FFFD, NUL is escaped. */
	s = json_of("\xe3\x81\x82\xff\xc0\xaf"
		    "x\0y",
		    9);
	assert_string_equal(s, "\"\xe3\x81\x82\\ufffd\\ufffd\\ufffdx\\u0000y\"");
	free(s);
	/* A surrogate encoded in UTF-8 is not valid UTF-8. */
	s = json_of("\xed\xa0\x80", 3);
	assert_string_equal(s, "\"\\ufffd\\ufffd\\ufffd\"");
	free(s);
}

static void
test_json_roundtrip(void **state)
{
	/* Whatever the bytes, the result parses as JSON. */
	unsigned char in[256];
	json_error_t err;
	json_t *j;
	char *s;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(in); i++)
		in[i] = (unsigned char)i;
	s = json_of((const char *)in, sizeof(in));
	j = json_loads(s, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);
	assert_non_null(j);
	assert_true(json_is_string(j));
	assert_int_equal(json_string_length(j), 128 + 3 * 128); /* ASCII + U+FFFD each */
	json_decref(j);
	free(s);
}

static void
test_tsv_field(void **state)
{
	struct ward_buf b;

	(void)state;
	ward_buf_init(&b);
	ward_buf_tsv_field(&b, "a\tb\nc");
	assert_string_equal(ward_buf_cstr(&b), "a b c");
	ward_buf_free(&b);
}

static void
test_strmap(void **state)
{
	struct ward_strmap *m = ward_strmap_new();
	char key[32];
	uint32_t v = 0;
	int i;

	(void)state;
	assert_non_null(m);
	assert_int_equal(ward_strmap_get(m, "x", 1, &v), 0);
	for (i = 0; i < 100000; i++) {
		int n = snprintf(key, sizeof(key), "host%d.example", i);
		assert_int_equal(ward_strmap_put(m, key, (size_t)n, (uint32_t)i), 0);
	}
	assert_int_equal(ward_strmap_count(m), 100000);
	assert_int_equal(ward_strmap_get(m, "host4242.example", 16, &v), 1);
	assert_int_equal(v, 4242);
	/* Replacing keeps the count. */
	assert_int_equal(ward_strmap_put(m, "host4242.example", 16, 7), 0);
	assert_int_equal(ward_strmap_count(m), 100000);
	assert_int_equal(ward_strmap_get(m, "host4242.example", 16, &v), 1);
	assert_int_equal(v, 7);
	/* Prefixes and near misses are absent. */
	assert_int_equal(ward_strmap_get(m, "host4242.exampl", 15, NULL), 0);
	assert_int_equal(ward_strmap_get(m, "host100000.example", 18, NULL), 0);
	/* Keys are byte strings: NUL inside is fine. */
	assert_int_equal(ward_strmap_put(m, "a\0b", 3, 1), 0);
	assert_int_equal(ward_strmap_get(m, "a\0b", 3, NULL), 1);
	assert_int_equal(ward_strmap_get(m, "a", 1, NULL), 0);
	ward_strmap_free(m);
	ward_strmap_free(NULL);
}

static void
test_config_defaults(void **state)
{
	struct ward_config *c = ward_config_new();

	(void)state;
	assert_string_equal(ward_config_str(c, "output", "format"), "text");
	assert_int_equal(ward_config_int(c, "domain", "nrd_max_age_days"), 30);
	assert_true(ward_config_bool(c, "domain", "builtin_brands"));
	assert_int_equal(ward_config_int(c, "limits", "max_line"), 4096);
	assert_string_equal(ward_config_str(c, "nosuch", "key"), "");
	ward_config_free(c);
}

static void
test_config_load(void **state)
{
	static const char ini[] =
	    "# comment\n"
	    "[output]\nformat = json\nlang=ja\n"
	    "[domain]\nnrd_max_age_days = 7\nbuiltin_iocs = no\n"
	    "[brand:acme]\ndomains = acme.co.jp, acme.com\ntokens = acme,acmecoin\n";
	struct ward_config *c = ward_config_new();
	const struct ward_config_brand *b;
	char err[256] = "";

	(void)state;
	assert_int_equal(ward_config_load_mem(c, "t.conf", ini, sizeof(ini) - 1, err, sizeof(err)),
			 0);
	assert_string_equal(ward_config_str(c, "output", "format"), "json");
	assert_string_equal(ward_config_str(c, "output", "lang"), "ja");
	assert_int_equal(ward_config_int(c, "domain", "nrd_max_age_days"), 7);
	assert_false(ward_config_bool(c, "domain", "builtin_iocs"));
	assert_int_equal(ward_config_brand_count(c), 1);
	b = ward_config_brand(c, 0);
	assert_string_equal(b->name, "acme");
	assert_string_equal(b->domains, "acme.co.jp, acme.com");
	assert_string_equal(b->tokens, "acme,acmecoin");
	ward_config_free(c);
}

static void
expect_config_error(const char *ini, const char *needle)
{
	struct ward_config *c = ward_config_new();
	char err[256] = "";

	assert_int_equal(ward_config_load_mem(c, "bad.conf", ini, strlen(ini), err, sizeof(err)),
			 WARD_EINVAL);
	if (!strstr(err, needle))
		fail_msg("error \"%s\" lacks \"%s\"", err, needle);
	ward_config_free(c);
}

static void
test_config_errors(void **state)
{
	(void)state;
	expect_config_error("[output]\nformat = json\ncolour = red\n", "bad.conf:3: unknown key");
	expect_config_error("[output]\nformat = xml\n", "bad.conf:2:");
	expect_config_error("[domain]\nnrd_max_age_days = many\n", "integer");
	expect_config_error("[domain]\nnrd_max_age_days = 99999\n", "integer");
	expect_config_error("[domain]\nbuiltin_brands = perhaps\n", "yes or no");
	expect_config_error("[limits]\nmax_line = 10\n", "integer");
	expect_config_error("[brand:]\ndomains = x.com\n", "brand section needs a name");
	expect_config_error("[brand:x]\nofficial = x.com\n", "unknown key");
	expect_config_error("no section or equals sign\n", "syntax error");
}

static void
test_config_size_limit(void **state)
{
	struct ward_config *c = ward_config_new();
	size_t n = 1024 * 1024 + 1;
	char *big = malloc(n), err[256] = "";

	(void)state;
	memset(big, '#', n);
	assert_int_equal(ward_config_load_mem(c, "big.conf", big, n, err, sizeof(err)),
			 WARD_ELIMIT);
	assert_non_null(strstr(err, "big.conf"));
	free(big);
	ward_config_free(c);
}

static void
test_config_set(void **state)
{
	struct ward_config *c = ward_config_new();
	char err[256];

	(void)state;
	assert_int_equal(ward_config_set(c, "output", "format", "tsv", err, sizeof(err)), 0);
	assert_string_equal(ward_config_str(c, "output", "format"), "tsv");
	assert_int_equal(ward_config_set(c, "output", "nope", "1", err, sizeof(err)), WARD_EINVAL);
	assert_non_null(strstr(err, "unknown key"));
	ward_config_free(c);
}

static void
test_config_file_errors(void **state)
{
	struct ward_config *c = ward_config_new();
	char err[256];

	(void)state;
	assert_int_equal(ward_config_load(c, "/nonexistent/ward.conf", err, sizeof(err)),
			 WARD_ENOTFOUND);
	assert_non_null(strstr(err, "/nonexistent/ward.conf"));
	ward_config_free(c);
}

static void
test_format_args(void **state)
{
	const char *args[] = {"x.com", "binance"};
	char out[64];

	(void)state;
	ward_i18n_format(out, sizeof(out), "%2$s then %1$s, 100%% (%3$s)", args, 2);
	assert_string_equal(out, "binance then x.com, 100% ()");
	/* Truncation keeps a terminated string. */
	ward_i18n_format(out, 8, "%1$s%1$s", args, 2);
	assert_string_equal(out, "x.comx.");
	/* Unknown directives are copied, never interpreted. */
	ward_i18n_format(out, sizeof(out), "%s %n %1$d", args, 2);
	assert_string_equal(out, "%s %n %1$d");
}

static void
test_japanese_catalog(void **state)
{
	const char *ja;

	(void)state;
	ward_i18n_init("en");
	ja = ward_i18n_ja("%1$s is a misspelling of %2$s (%3$s)");
	assert_non_null(strstr(ja, "綴り"));
	assert_string_equal(ward_i18n_get("%1$s is a misspelling of %2$s (%3$s)", WARD_LANG_EN),
			    "%1$s is a misspelling of %2$s (%3$s)");
	assert_int_equal(ward_i18n_init("ja"), WARD_LANG_JA);
	/* An unknown msgid comes back unchanged. */
	assert_string_equal(ward_i18n_ja("no such message"), "no such message");
}

static void
test_strerror(void **state)
{
	int c;

	(void)state;
	for (c = 0; c >= -8; c--)
		assert_non_null(ward_strerror(c));
	assert_string_equal(ward_strerror(WARD_ELIMIT), "input exceeds a configured limit");
	assert_string_equal(ward_strerror(-100), "unknown error");
}

static void
test_output_json_finding(void **state)
{
	static const struct ward_check chk = {"test.check", WARD_SEV_HIGH,
					      60,	    "C2.1",
					      "T1566.001",  "%1$s is a misspelling of %2$s (%3$s)"};
	struct ward_finding f;
	struct ward_out *o;
	char *mem = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&mem, &len);
	json_error_t err;
	json_t *j;

	(void)state;
	ward_i18n_init("en");
	o = ward_out_new(fp, WARD_FORMAT_JSON, WARD_LANG_EN, 0);
	ward_finding_init(&f, &chk);
	f.subject_kind = "file";
	f.subject_path = "in\"put.txt";
	f.subject_line = 3;
	f.object_kind = "domain";
	f.object_name = "binanze.com";
	ward_finding_evidence(&f, "brand", "binance");
	ward_finding_arg(&f, "binanze.com");
	ward_finding_arg(&f, "binance");
	ward_finding_arg(&f, "d=1");
	ward_out_finding(o, &f);
	assert_int_equal(ward_out_flush(o), 0);
	ward_out_free(o);
	fclose(fp);
	j = json_loads(mem, 0, &err);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "type")), "finding");
	assert_string_equal(json_string_value(json_object_get(j, "check")), "test.check");
	assert_string_equal(json_string_value(json_object_get(j, "severity")), "high");
	assert_int_equal(json_integer_value(json_object_get(j, "score")), 60);
	assert_string_equal(json_string_value(json_object_get(j, "countermeasure")), "C2.1");
	assert_string_equal(json_string_value(json_object_get(j, "attack")), "T1566.001");
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(j, "subject"), "path")),
	    "in\"put.txt");
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(j, "evidence"), "brand")), "binance");
	assert_string_equal(json_string_value(json_object_get(j, "message")),
			    "binanze.com is a misspelling of binance (d=1)");
	assert_non_null(strstr(json_string_value(json_object_get(j, "message_ja")), "綴り"));
	/* "type" comes first, as DESIGN.md promises. */
	assert_int_equal(strncmp(mem, "{\"type\":", 8), 0);
	json_decref(j);
	free(mem);
}

static void
test_config_items(void **state)
{
	const char *p = " a.yar , ,\tdir/b ,,c";
	char out[8], small[3];

	(void)state;
	assert_int_equal(ward_config_item(&p, out, sizeof(out)), 1);
	assert_string_equal(out, "a.yar");
	assert_int_equal(ward_config_item(&p, out, sizeof(out)), 1);
	assert_string_equal(out, "dir/b");
	assert_int_equal(ward_config_item(&p, out, sizeof(out)), 1);
	assert_string_equal(out, "c");
	assert_int_equal(ward_config_item(&p, out, sizeof(out)), 0);
	/* An item that does not fit is passed over, not cut. */
	p = "long,ok";
	assert_int_equal(ward_config_item(&p, small, sizeof(small)), 1);
	assert_string_equal(small, "ok");
	p = "";
	assert_int_equal(ward_config_item(&p, out, sizeof(out)), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_json_escapes),	cmocka_unit_test(test_json_roundtrip),
	    cmocka_unit_test(test_tsv_field),		cmocka_unit_test(test_strmap),
	    cmocka_unit_test(test_config_defaults),	cmocka_unit_test(test_config_load),
	    cmocka_unit_test(test_config_errors),	cmocka_unit_test(test_config_set),
	    cmocka_unit_test(test_config_file_errors),	cmocka_unit_test(test_format_args),
	    cmocka_unit_test(test_japanese_catalog),	cmocka_unit_test(test_strerror),
	    cmocka_unit_test(test_output_json_finding), cmocka_unit_test(test_config_size_limit),
	    cmocka_unit_test(test_config_items),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
