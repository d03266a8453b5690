/* Unit tests of the login attack detectors on synthetic event streams. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ward/auth.h"

struct seen {
	int kinds[WARD_AUTH_KINDS];
	size_t max_sources[WARD_AUTH_KINDS];
	char first_source[WARD_AUTH_KINDS][64];
	int total;
};

static void
collect(void *ctx, const struct ward_auth_alert *a)
{
	struct seen *s = ctx;

	s->kinds[a->kind]++;
	s->total++;
	if (a->n_sources > s->max_sources[a->kind])
		s->max_sources[a->kind] = a->n_sources;
	if (a->n_sources && !s->first_source[a->kind][0])
		snprintf(s->first_source[a->kind], 64, "%s", a->sources[0]);
	assert_non_null(a->check);
	assert_true(a->first <= a->last);
}

static void
event(struct ward_auth_detector *d, double t, const char *src, const char *user, int ok,
      int invalid)
{
	struct ward_auth_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.time = t;
	ev.outcome = ok ? WARD_AUTH_SUCCESS : WARD_AUTH_FAILURE;
	ev.invalid_user = invalid;
	ev.count = 1;
	snprintf(ev.source, sizeof(ev.source), "%s", src);
	snprintf(ev.user, sizeof(ev.user), "%s", user);
	snprintf(ev.host, sizeof(ev.host), "host");
	assert_int_equal(ward_auth_detector_add(d, &ev), 0);
}

static struct seen
run(void (*feed)(struct ward_auth_detector *d), const struct ward_auth_thresholds *t)
{
	struct ward_auth_detector *d = ward_auth_detector_new(t);
	struct seen s;

	memset(&s, 0, sizeof(s));
	assert_non_null(d);
	feed(d);
	ward_auth_detector_flush(d, collect, &s);
	ward_auth_detector_free(d);
	return s;
}

/* Benign office: every user mistypes up to six times, then logs in. */
static void
feed_typos(struct ward_auth_detector *d)
{
	char user[32], src[32];
	int u, k;

	for (u = 0; u < 200; u++) {
		double t = 1000.0 + u * 300;
		snprintf(user, sizeof(user), "user%d", u);
		snprintf(src, sizeof(src), "10.0.%d.%d", u / 200, u % 200);
		for (k = 0; k < u % 7; k++)
			event(d, t + k * 5, src, user, 0, 0);
		event(d, t + 60, src, user, 1, 0);
	}
}

static void
test_quiet_on_typos(void **state)
{
	struct seen s = run(feed_typos, NULL);

	(void)state;
	assert_int_equal(s.total, 0);
}

static void
feed_brute(struct ward_auth_detector *d)
{
	int k;

	for (k = 0; k < 30; k++)
		event(d, 5000.0 + k * 20, "203.0.113.9", "root", 0, 0);
	event(d, 5000.0 + 30 * 20, "203.0.113.9", "root", 1, 0);
	/* Nine failures in an hour stay below the threshold. */
	for (k = 0; k < 9; k++)
		event(d, 9000.0 + k * 60, "198.51.100.7", "alice", 0, 0);
}

static void
test_brute_and_success_after(void **state)
{
	struct seen s = run(feed_brute, NULL);

	(void)state;
	assert_int_equal(s.kinds[WARD_AUTH_BRUTE_FORCE], 1);
	assert_string_equal(s.first_source[WARD_AUTH_BRUTE_FORCE], "203.0.113.9");
	assert_int_equal(s.kinds[WARD_AUTH_SUCCESS_AFTER_FAILURES], 1);
	assert_int_equal(s.total, 2);
}

static void
feed_spray(struct ward_auth_detector *d)
{
	char user[32];
	int u;

	/* Slow: one account every five minutes for seven hours. */
	for (u = 0; u < 80; u++) {
		snprintf(user, sizeof(user), "staff%d", u);
		event(d, 100000.0 + u * 300, "192.0.2.44", user, 0, 0);
	}
}

static void
test_spray(void **state)
{
	struct seen s = run(feed_spray, NULL);

	(void)state;
	assert_int_equal(s.kinds[WARD_AUTH_PASSWORD_SPRAY], 1);
	assert_int_equal(s.kinds[WARD_AUTH_BRUTE_FORCE], 0);
	assert_int_equal(s.total, 1);
}

static void
feed_distributed(struct ward_auth_detector *d)
{
	char user[32], src[32];
	int i;

	/* 60 fresh addresses, two tries each, spread over 30 hours. */
	for (i = 0; i < 60; i++) {
		snprintf(src, sizeof(src), "100.64.%d.%d", i / 100, i % 100);
		snprintf(user, sizeof(user), "emp%d", i);
		event(d, 200000.0 + i * 1800, src, user, 0, 0);
		snprintf(user, sizeof(user), "emp%d", (i + 17) % 60);
		event(d, 200000.0 + i * 1800 + 40, src, user, 0, 0);
	}
}

static void
test_distributed(void **state)
{
	struct seen s = run(feed_distributed, NULL);

	(void)state;
	assert_int_equal(s.kinds[WARD_AUTH_DISTRIBUTED_SPRAY], 1);
	assert_int_equal(s.max_sources[WARD_AUTH_DISTRIBUTED_SPRAY], 60);
	assert_int_equal(s.total, 1);
}

static void
feed_noise(struct ward_auth_detector *d)
{
	char src[32];
	static const char *const names[] = {"root", "admin", "test", "oracle", "ubuntu"};
	int i;

	/* Internet background: many addresses, a try or two, at names that do not exist. */
	for (i = 0; i < 300; i++) {
		snprintf(src, sizeof(src), "198.18.%d.%d", i / 200, i % 200);
		event(d, 300000.0 + i * 120, src, names[i % 5], 0, i % 5 != 0);
	}
}

static void
test_noise_is_no_distributed_spray(void **state)
{
	struct seen s = run(feed_noise, NULL);

	(void)state;
	assert_int_equal(s.kinds[WARD_AUTH_DISTRIBUTED_SPRAY], 0);
}

static void
feed_stuffing_and_bot(struct ward_auth_detector *d)
{
	char user[32], src[32];
	int i, k;

	/* A pool of 5 proxies, 20 accounts each, half of which do not exist. */
	for (i = 0; i < 5; i++) {
		snprintf(src, sizeof(src), "45.0.0.%d", i + 1);
		for (k = 0; k < 20; k++) {
			snprintf(user, sizeof(user), "victim%d_%d@example.com", i, k);
			event(d, 400000.0 + i * 10 + k * 20, src, user, 0, k % 2);
		}
	}
	/* A bot walking a list of names that do not exist. */
	for (k = 0; k < 25; k++) {
		snprintf(user, sizeof(user), "guess%d", k);
		event(d, 500000.0 + k * 3, "45.9.9.9", user, 0, 1);
		event(d, 500000.0 + k * 3 + 1, "45.9.9.9", user, 0, 1);
	}
}

static void
test_stuffing_and_enumeration(void **state)
{
	struct seen s = run(feed_stuffing_and_bot, NULL);

	(void)state;
	/* The pool is one attack. */
	assert_int_equal(s.kinds[WARD_AUTH_CREDENTIAL_STUFFING], 1);
	assert_int_equal(s.max_sources[WARD_AUTH_CREDENTIAL_STUFFING], 5);
	assert_int_equal(s.kinds[WARD_AUTH_ENUMERATION], 1);
	assert_string_equal(s.first_source[WARD_AUTH_ENUMERATION], "45.9.9.9");
	assert_int_equal(s.kinds[WARD_AUTH_PASSWORD_SPRAY], 1); /* the bot, also a spray */
}

static void
feed_lone_mixed(struct ward_auth_detector *d)
{
	char user[32];
	int k;

	/* One source, 15 accounts once each, a third unknown: a spray, not a pool. */
	for (k = 0; k < 15; k++) {
		snprintf(user, sizeof(user), "acct%d", k);
		event(d, 700000.0 + k * 30, "203.0.113.77", user, 0, k % 3 == 0);
	}
}

static void
test_lone_source_is_spray(void **state)
{
	struct seen s = run(feed_lone_mixed, NULL);

	(void)state;
	assert_int_equal(s.kinds[WARD_AUTH_PASSWORD_SPRAY], 1);
	assert_int_equal(s.kinds[WARD_AUTH_CREDENTIAL_STUFFING], 0);
	assert_int_equal(s.total, 1);
}

static void
feed_many_sources(struct ward_auth_detector *d)
{
	char src[32];
	int i, k;

	/* A brute force among 20000 one-off sources, with a table of 1000. */
	for (i = 0; i < 20000; i++) {
		snprintf(src, sizeof(src), "fd00::%x", i);
		event(d, 600000.0 + i, src, "nobody", 0, 0);
		if (i == 10000)
			for (k = 0; k < 12; k++)
				event(d, 600000.0 + i, "192.0.2.1", "admin", 0, 0);
	}
}

static void
test_bounded_sources(void **state)
{
	struct ward_auth_thresholds t;
	struct seen s;

	(void)state;
	ward_auth_thresholds_default(&t);
	t.max_sources = 1000;
	s = run(feed_many_sources, &t);
	assert_int_equal(s.kinds[WARD_AUTH_BRUTE_FORCE], 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_quiet_on_typos),
	    cmocka_unit_test(test_brute_and_success_after),
	    cmocka_unit_test(test_spray),
	    cmocka_unit_test(test_distributed),
	    cmocka_unit_test(test_noise_is_no_distributed_spray),
	    cmocka_unit_test(test_stuffing_and_enumeration),
	    cmocka_unit_test(test_lone_source_is_spray),
	    cmocka_unit_test(test_bounded_sources),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
