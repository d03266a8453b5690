/* Unit tests of the login log parsers of lib/auth: one case per format and
 * the rules that make one attempt count once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ward/auth.h"
#include "ward/error.h"
#include "limits.h"

#define MAXEV 8

static struct ward_auth_event ev[MAXEV];

static int
feed(struct ward_auth_parser *ps, const char *line)
{
	return ward_auth_parser_feed(ps, (const uint8_t *)line, strlen(line), ev, MAXEV);
}

/* 2024-03-04 00:00:00 UTC */
#define T20240304 1709510400.0

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(ward_auth_format_name(WARD_AUTH_FMT_WINSEC_XML), "winsec-xml");
	assert_string_equal(ward_auth_format_name((enum ward_auth_format)99), "unknown");
	assert_int_equal(ward_auth_format_parse("journald"), WARD_AUTH_FMT_JOURNALD);
	assert_int_equal(ward_auth_format_parse("web-json"), WARD_AUTH_FMT_WEB_JSON);
	assert_int_equal(ward_auth_format_parse("nonsense"), WARD_AUTH_FMT_UNKNOWN);
	assert_null(ward_auth_parser_new(WARD_AUTH_FMT_UNKNOWN, 2024));
	ward_auth_parser_free(NULL);
}

static enum ward_auth_format
detect(const char *s)
{
	return ward_auth_detect((const uint8_t *)s, strlen(s));
}

static void
test_detect(void **state)
{
	(void)state;
	assert_int_equal(detect("<?xml version=\"1.0\"?>\n<Events>\n<Event xmlns=\"x\">"),
			 WARD_AUTH_FMT_WINSEC_XML);
	assert_int_equal(detect("{\"__REALTIME_TIMESTAMP\": \"1\", \"MESSAGE\": \"x\"}\n"),
			 WARD_AUTH_FMT_JOURNALD);
	assert_int_equal(detect("{\"EventID\": 4625, \"TimeCreated\": \"2024-01-01T00:00:00Z\"}"),
			 WARD_AUTH_FMT_WINSEC_JSON);
	assert_int_equal(detect("{\"ts\": \"2024-01-01T00:00:00Z\", \"event\": \"auth\", "
				"\"src_ip\": \"10.0.0.1\", \"outcome\": \"failure\"}"),
			 WARD_AUTH_FMT_WEB_JSON);
	assert_int_equal(detect("Mar  4 00:10:00 gw1 sshd[700]: Server listening on :: port 22.\n"),
			 WARD_AUTH_FMT_SYSLOG);
	assert_int_equal(
	    detect("2024-03-04T00:10:00.123456+01:00 gw1 sshd[7]: Received signal 15\n"),
	    WARD_AUTH_FMT_SYSLOG);
	assert_int_equal(detect("hello world\nthis is no log\n"), WARD_AUTH_FMT_UNKNOWN);
	assert_int_equal(detect("<html><body>"), WARD_AUTH_FMT_UNKNOWN);
	assert_int_equal(detect(""), WARD_AUTH_FMT_UNKNOWN);
	assert_int_equal(detect("{\"a\": 1}"), WARD_AUTH_FMT_UNKNOWN);
}

static void
test_syslog_basic(void **state)
{
	struct ward_auth_parser *ps = ward_auth_parser_new(WARD_AUTH_FMT_SYSLOG, 2024);

	(void)state;
	assert_non_null(ps);
	assert_int_equal(feed(ps, "Mar  4 00:10:00 gw1 CRON[700]: pam_unix(cron:session): "
				  "session opened for user root(uid=0) by (uid=0)"),
			 0);
	assert_int_equal(feed(ps, "Mar  4 00:10:05 gw1 sshd[801]: Failed password for Alice from "
				  "192.0.2.7 port 50022 ssh2"),
			 1);
	assert_int_equal(ev[0].outcome, WARD_AUTH_FAILURE);
	assert_false(ev[0].invalid_user);
	assert_int_equal(ev[0].count, 1);
	assert_string_equal(ev[0].user, "alice");
	assert_string_equal(ev[0].source, "192.0.2.7");
	assert_string_equal(ev[0].host, "gw1");
	assert_string_equal(ev[0].service, "sshd");
	assert_true(ev[0].time == T20240304 + 605);
	assert_int_equal(feed(ps,
			      "Mar  4 00:10:09 gw1 sshd[801]: Accepted publickey for alice from "
			      "192.0.2.7 port 50022 ssh2: ED25519 SHA256:abc"),
			 1);
	assert_int_equal(ev[0].outcome, WARD_AUTH_SUCCESS);
	assert_int_equal(feed(ps, "Mar  4 00:10:12 gw1 sshd[802]: Failed keyboard-interactive/pam "
				  "for bob from 192.0.2.8 port 1 ssh2"),
			 1);
	assert_string_equal(ev[0].user, "bob");
	/* Another daemon's look-alike line is not sshd's. */
	assert_int_equal(feed(ps, "Mar  4 00:10:13 gw1 sudo[9]: Failed password for x from "
				  "192.0.2.8 port 1 ssh2"),
			 0);
	assert_int_equal(feed(ps, ""), 0);
	ward_auth_parser_free(ps);
}

static void
test_syslog_rfc3339(void **state)
{
	struct ward_auth_parser *ps = ward_auth_parser_new(WARD_AUTH_FMT_SYSLOG, 1999);

	(void)state;
	assert_int_equal(feed(ps, "2024-03-04T01:00:00.250000+01:00 gw1 sshd[1]: Failed password "
				  "for root from 198.51.100.1 port 22 ssh2"),
			 1);
	assert_true(ev[0].time == T20240304 + 0.25);
	assert_int_equal(feed(ps, "2024-03-04T00:00:01Z gw1 sshd-session[2]: Failed none for root "
				  "from 198.51.100.1 port 22 ssh2"),
			 1);
	assert_true(ev[0].time == T20240304 + 1);
	assert_int_equal(feed(ps, "2024-03-03T19:00:02-05:00 gw1 sshd[2]: Accepted password for "
				  "root from 198.51.100.1 port 22 ssh2"),
			 1);
	assert_true(ev[0].time == T20240304 + 2);
	ward_auth_parser_free(ps);
}

static void
test_year_rollover(void **state)
{
	struct ward_auth_parser *ps = ward_auth_parser_new(WARD_AUTH_FMT_SYSLOG, 2023);

	(void)state;
	assert_int_equal(feed(ps, "Dec 31 23:59:59 h sshd[1]: Failed password for a from 10.0.0.1 "
				  "port 1 ssh2"),
			 1);
	assert_true(ev[0].time == T20240304 - 63 * 86400.0 - 1);
	assert_int_equal(feed(ps, "Jan  1 00:00:01 h sshd[1]: Failed password for a from 10.0.0.1 "
				  "port 1 ssh2"),
			 1);
	assert_true(ev[0].time == T20240304 - 63 * 86400.0 + 1);
	/* A month going forward keeps the year. */
	assert_int_equal(feed(ps, "Mar  4 00:00:00 h sshd[1]: Failed password for a from 10.0.0.1 "
				  "port 1 ssh2"),
			 1);
	assert_true(ev[0].time == T20240304);
	ward_auth_parser_free(ps);
}

static void
test_repeated(void **state)
{
	struct ward_auth_parser *ps = ward_auth_parser_new(WARD_AUTH_FMT_SYSLOG, 2017);

	(void)state;
	assert_int_equal(feed(ps, "Mar 29 23:18:33 web sshd[6402]: message repeated 5 times: [ "
				  "Failed password for root from 203.0.113.9 port 56338 ssh2]"),
			 1);
	assert_int_equal(ev[0].count, 5);
	assert_string_equal(ev[0].user, "root");
	assert_string_equal(ev[0].source, "203.0.113.9");
	assert_int_equal(feed(ps, "Mar 29 23:18:34 web sshd[6402]: message repeated 2 times: [ "
				  "pam_unix(sshd:auth): authentication failure]"),
			 0);
	ward_auth_parser_free(ps);
}

static void
test_echoes_not_counted(void **state)
{
	static const char *const lines[] = {
	    "Dec 10 06:55:46 lab sshd[24200]: input_userauth_request: invalid user web [preauth]",
	    "Dec 10 06:55:46 lab sshd[24200]: pam_unix(sshd:auth): check pass; user unknown",
	    "Dec 10 06:55:46 lab sshd[24200]: pam_unix(sshd:auth): authentication failure; "
	    "logname= uid=0 euid=0 tty=ssh ruser= rhost=173.0.2.186 ",
	    "Dec 10 06:55:48 lab sshd[24200]: Connection closed by 173.0.2.186 [preauth]",
	    "Dec 10 06:55:48 lab sshd[24201]: Failed password for root from 173.0.2.186 port 1 "
	    "ssh2",
	    "Dec 10 06:55:49 lab sshd[24201]: error: maximum authentication attempts exceeded for "
	    "root from 173.0.2.186 port 1 ssh2 [preauth]",
	    "Dec 10 06:55:49 lab sshd[24201]: Disconnecting: Too many authentication failures "
	    "[preauth]",
	    "Dec 10 06:55:49 lab sshd[24201]: PAM 5 more authentication failures; logname= uid=0 "
	    "euid=0 tty=ssh ruser= rhost=173.0.2.186  user=root",
	    "Dec 10 06:55:50 lab sshd[24202]: Received disconnect from 173.0.2.186 port 3: 11: "
	    "Bye Bye [preauth]",
	    "Dec 10 06:55:50 lab sshd[24202]: Disconnected from authenticating user root "
	    "173.0.2.186 port 3 [preauth]",
	    NULL};
	struct ward_auth_parser *ps = ward_auth_parser_new(WARD_AUTH_FMT_SYSLOG, 2015);
	size_t i;

	(void)state;
	/* Only the Failed line counts; what follows echoes it. */
	for (i = 0; lines[i]; i++)
		assert_int_equal(feed(ps, lines[i]), strstr(lines[i], "Failed password") ? 1 : 0);
	ward_auth_parser_free(ps);
}

static void
test_max_attempts_alone(void **state)
{
	/* With no Failed line logged for the connection, the cap stands for
	 * sshd's default MaxAuthTries of 6 failures. */
	struct ward_auth_parser *ps = ward_auth_parser_new(WARD_AUTH_FMT_SYSLOG, 2017);
	const char *line = "Mar 28 09:20:50 ip sshd[22541]: error: maximum authentication attempts "
			   "exceeded for root from 186.133.159.181 port 59076 ssh2 [preauth]";

	(void)state;
	assert_int_equal(feed(ps, line), 1);
	assert_int_equal(ev[0].count, 6);
	assert_int_equal(ev[0].outcome, WARD_AUTH_FAILURE);
	assert_string_equal(ev[0].user, "root");
	assert_string_equal(ev[0].source, "186.133.159.181");
	ward_auth_parser_free(ps);
}

static void
test_invalid_user_dedup(void **state)
{
	struct ward_auth_parser *ps = ward_auth_parser_new(WARD_AUTH_FMT_SYSLOG, 2024);

	(void)state;
	/* Followed by its Failed line: counted once, by the Failed line. */
	assert_int_equal(feed(ps, "Mar  4 10:27:39 b sshd[20725]: Invalid user Grace from "
				  "10.8.91.198 port 33290"),
			 0);
	assert_int_equal(feed(ps, "Mar  4 10:27:39 b sshd[20725]: pam_unix(sshd:auth): check "
				  "pass; user unknown"),
			 0);
	assert_int_equal(feed(ps, "Mar  4 10:27:41 b sshd[20725]: Failed password for invalid user "
				  "Grace from 10.8.91.198 port 33290 ssh2"),
			 1);
	assert_true(ev[0].invalid_user);
	assert_string_equal(ev[0].user, "grace");
	assert_int_equal(feed(ps, "Mar  4 10:27:42 b sshd[20725]: Connection closed by invalid "
				  "user grace 10.8.91.198 port 33290 [preauth]"),
			 0);
	assert_int_equal(ward_auth_parser_flush(ps, ev, MAXEV), 0);

	/* Alone: a failure once its connection ends. */
	assert_int_equal(feed(ps, "Mar  4 10:30:00 b sshd[20800]: Invalid user oracle from "
				  "10.8.91.199"),
			 0);
	assert_int_equal(feed(ps, "Mar  4 10:30:01 b sshd[20800]: Connection closed by 10.8.91.199 "
				  "[preauth]"),
			 1);
	assert_true(ev[0].invalid_user);
	assert_int_equal(ev[0].outcome, WARD_AUTH_FAILURE);
	assert_string_equal(ev[0].user, "oracle");
	assert_true(ev[0].time == T20240304 + 10 * 3600 + 30 * 60);

	/* Alone: a failure once the log has moved on ... */
	assert_int_equal(
	    feed(ps, "Mar  4 10:40:00 b sshd[20900]: Invalid user pi from 10.8.91.200"), 0);
	assert_int_equal(feed(ps, "Mar  4 10:41:00 b sshd[20901]: Server listening on :: port 22."),
			 1);
	assert_string_equal(ev[0].user, "pi");
	/* ... also by another program's line ... */
	assert_int_equal(
	    feed(ps, "Mar  4 10:45:00 b sshd[20910]: Invalid user pi from 10.8.91.200"), 0);
	assert_int_equal(feed(ps, "Mar  4 10:46:00 b CRON[3]: pam_unix(cron:session): session "
				  "closed for user root"),
			 1);
	assert_string_equal(ev[0].user, "pi");
	/* ... or at the end of the log. */
	assert_int_equal(feed(ps, "Mar  4 10:50:00 b sshd[20950]: Invalid user  from 10.8.91.201 "
				  "port 4"),
			 0);
	assert_int_equal(ward_auth_parser_flush(ps, ev, MAXEV), 1);
	assert_string_equal(ev[0].user, "");
	assert_string_equal(ev[0].source, "10.8.91.201");
	assert_int_equal(ward_auth_parser_flush(ps, ev, MAXEV), 0);
	ward_auth_parser_free(ps);
}

static void
test_odd_users_ipv6(void **state)
{
	struct ward_auth_parser *ps = ward_auth_parser_new(WARD_AUTH_FMT_SYSLOG, 2024);

	(void)state;
	assert_int_equal(feed(ps, "Mar  4 11:00:00 b sshd[1]: Failed password for invalid user  "
				  "from 2001:db8::17 port 19074 ssh2"),
			 1);
	assert_string_equal(ev[0].user, "");
	assert_string_equal(ev[0].source, "2001:db8::17");
	assert_true(ev[0].invalid_user);
	assert_int_equal(feed(ps, "Mar  4 11:00:01 b sshd[2]: Failed password for invalid user a "
				  "from b from 2001:DB8::18 port 1 ssh2"),
			 1);
	assert_string_equal(ev[0].user, "a from b");
	assert_string_equal(ev[0].source, "2001:db8::18");
	assert_int_equal(feed(ps, "Mar  4 11:00:02 b sshd[3]: Accepted password for "
				  "ren77@gmail.com from ::1 port 2 ssh2"),
			 1);
	assert_string_equal(ev[0].user, "ren77@gmail.com");
	assert_string_equal(ev[0].source, "::1");
	ward_auth_parser_free(ps);
}

static void
test_syslog_malformed(void **state)
{
	static const char *const bad[] = {
	    "garbage",
	    "Mar 44 00:00:00 h sshd[1]: x",
	    "Mar  4 25:00:00 h sshd[1]: x",
	    "Mar  4 00:00:00",
	    "Mar  4 00:00:00 h",
	    "Mar  4 00:00:00 h sshd[x]: Failed password for a from 10.0.0.1 port 1",
	    "2024-13-01T00:00:00Z h sshd[1]: x",
	    "2024-03-04T00:00:00+0 h sshd[1]: x",
	    NULL};
	struct ward_auth_parser *ps = ward_auth_parser_new(WARD_AUTH_FMT_SYSLOG, 2024);
	char *big;
	size_t i;

	(void)state;
	for (i = 0; bad[i]; i++)
		assert_int_equal(feed(ps, bad[i]), WARD_EINVAL);
	/* Not malformed, just no attempt: no address, a bad address, a bad count. */
	assert_int_equal(feed(ps, "Mar  4 00:00:00 h sshd[1]: Failed password for a from nowhere"),
			 0);
	assert_int_equal(feed(ps, "Mar  4 00:00:00 h sshd[1]: Failed password for a from "
				  "10.0.0.300 port 1 ssh2"),
			 0);
	assert_int_equal(feed(ps, "Mar  4 00:00:00 h sshd[1]: message repeated 0 times: [ Failed "
				  "password for a from 10.0.0.1 port 1 ssh2]"),
			 0);
	assert_int_equal(ward_auth_parser_feed(
			     ps, (const uint8_t *)"Mar  4 00:00:00 h sshd[1]: \0x", 29, ev, MAXEV),
			 0);
	big = malloc(WARD_LIMIT_LINE_LEN + 100);
	assert_non_null(big);
	memset(big, 'a', WARD_LIMIT_LINE_LEN + 100);
	assert_true(ward_auth_parser_feed(ps, (const uint8_t *)big, WARD_LIMIT_LINE_LEN + 100, ev,
					  MAXEV) < 0);
	free(big);
	ward_auth_parser_free(ps);
}

static void
test_journald(void **state)
{
	struct ward_auth_parser *ps = ward_auth_parser_new(WARD_AUTH_FMT_JOURNALD, 0);

	(void)state;
	assert_int_equal(
	    feed(ps, "{\"__REALTIME_TIMESTAMP\": \"1709510400500000\", "
		     "\"SYSLOG_IDENTIFIER\": \"sshd\", \"_PID\": \"30007\", "
		     "\"_HOSTNAME\": \"bastion02\", \"_COMM\": \"sshd\", \"MESSAGE\": "
		     "\"Failed password for grace from 169.254.159.106 port 56980 ssh2\"}"),
	    1);
	assert_true(ev[0].time == T20240304 + 0.5);
	assert_string_equal(ev[0].host, "bastion02");
	assert_string_equal(ev[0].user, "grace");
	assert_int_equal(feed(ps, "{\"__REALTIME_TIMESTAMP\": \"1709510400500000\", "
				  "\"SYSLOG_IDENTIFIER\": \"sudo\", \"MESSAGE\": \"Failed password "
				  "for grace from 169.254.159.106 port 56980 ssh2\"}"),
			 0);
	/* sshd without a time, or with a binary MESSAGE. */
	assert_int_equal(feed(ps, "{\"SYSLOG_IDENTIFIER\": \"sshd\", \"MESSAGE\": \"x\"}"),
			 WARD_EINVAL);
	assert_int_equal(feed(ps, "{\"__REALTIME_TIMESTAMP\": \"1\", \"SYSLOG_IDENTIFIER\": "
				  "\"sshd\", \"MESSAGE\": [70, 97]}"),
			 WARD_EINVAL);
	assert_int_equal(feed(ps, "{\"__REALTIME_TIMESTAMP\": \"1\""), WARD_EINVAL);
	assert_int_equal(feed(ps, "[1, 2]"), WARD_EINVAL);
	assert_int_equal(feed(ps, "   "), 0);
	ward_auth_parser_free(ps);
}

static void
test_winsec_json(void **state)
{
	struct ward_auth_parser *ps = ward_auth_parser_new(WARD_AUTH_FMT_WINSEC_JSON, 0);

	(void)state;
	assert_int_equal(feed(ps,
			      "{\"EventID\": 4625, \"TimeCreated\": "
			      "\"2024-03-04T00:00:01.250000Z\", \"Computer\": \"DC01\", "
			      "\"TargetUserName\": \"Administrator\", \"Status\": \"0xc000006d\", "
			      "\"SubStatus\": \"0xC0000064\", \"LogonType\": \"3\", \"IpAddress\": "
			      "\"192.0.2.10\", \"WorkstationName\": \"KALI\"}"),
			 1);
	assert_true(ev[0].time == T20240304 + 1.25);
	assert_int_equal(ev[0].outcome, WARD_AUTH_FAILURE);
	assert_true(ev[0].invalid_user);
	assert_string_equal(ev[0].user, "administrator");
	assert_string_equal(ev[0].source, "192.0.2.10");
	assert_string_equal(ev[0].host, "DC01");
	assert_string_equal(ev[0].service, "windows");
	/* No address: the workstation stands in. */
	assert_int_equal(feed(ps,
			      "{\"EventID\": \"4624\", \"TimeCreated\": \"2024-03-04T00:00:02Z\", "
			      "\"TargetUserName\": \"bob\", \"IpAddress\": \"-\", "
			      "\"WorkstationName\": \"WIN\"}"),
			 1);
	assert_int_equal(ev[0].outcome, WARD_AUTH_SUCCESS);
	assert_string_equal(ev[0].source, "WIN");
	/* Kerberos: pre-authentication failed, unknown principal, ticket granted. */
	assert_int_equal(feed(ps, "{\"EventID\": 4771, \"TimeCreated\": \"2024-03-04T00:00:03Z\", "
				  "\"TargetUserName\": \"carol\", \"Status\": \"0x18\", "
				  "\"IpAddress\": \"::ffff:10.23.123.11\"}"),
			 1);
	assert_false(ev[0].invalid_user);
	assert_string_equal(ev[0].source, "10.23.123.11");
	assert_int_equal(feed(ps, "{\"EventID\": 4768, \"TimeCreated\": \"2024-03-04T00:00:03Z\", "
				  "\"TargetUserName\": \"HD01\", \"Status\": \"0x00000006\", "
				  "\"IpAddress\": \"2001:db8::5\"}"),
			 1);
	assert_true(ev[0].invalid_user);
	assert_string_equal(ev[0].source, "2001:db8::5");
	assert_int_equal(feed(ps, "{\"EventID\": 4768, \"TimeCreated\": \"2024-03-04T00:00:03Z\", "
				  "\"TargetUserName\": \"hd01\", \"Status\": \"0x0\"}"),
			 1);
	assert_int_equal(ev[0].outcome, WARD_AUTH_SUCCESS);
	/* NTLM validation. */
	assert_int_equal(feed(ps, "{\"EventID\": 4776, \"TimeCreated\": \"2024-03-04T00:00:04Z\", "
				  "\"TargetUserName\": \"dave\", \"Status\": \"0xc000006a\", "
				  "\"Workstation\": \"PC7\"}"),
			 1);
	assert_int_equal(ev[0].outcome, WARD_AUTH_FAILURE);
	assert_string_equal(ev[0].source, "PC7");
	/* Not login attempts. */
	assert_int_equal(feed(ps, "{\"EventID\": 4648, \"TimeCreated\": \"2024-03-04T00:00:05Z\"}"),
			 0);
	assert_int_equal(feed(ps, "{\"EventID\": 1102, \"TimeCreated\": \"2024-03-04T00:00:05Z\"}"),
			 0);
	/* Malformed. */
	assert_int_equal(feed(ps, "{\"EventID\": 4625}"), WARD_EINVAL);
	assert_int_equal(feed(ps, "{\"EventID\": 4625, \"TimeCreated\": \"yesterday\"}"),
			 WARD_EINVAL);
	assert_int_equal(feed(ps, "{\"TimeCreated\": \"2024-03-04T00:00:05Z\"}"), WARD_EINVAL);
	assert_int_equal(feed(ps, "{\"EventID\": 4625, \"TimeCreated\": \"2024"), WARD_EINVAL);
	ward_auth_parser_free(ps);
}

static void
test_web_json(void **state)
{
	struct ward_auth_parser *ps = ward_auth_parser_new(WARD_AUTH_FMT_WEB_JSON, 0);

	(void)state;
	assert_int_equal(feed(ps,
			      "{\"ts\": \"2024-03-04T00:00:00.500Z\", \"app\": \"vpn-gw\", "
			      "\"event\": \"auth\", \"user\": \"Eve\", \"src_ip\": \"10.1.2.3\", "
			      "\"outcome\": \"failure\", \"reason\": \"unknown_user\"}"),
			 1);
	assert_true(ev[0].time == T20240304 + 0.5);
	assert_true(ev[0].invalid_user);
	assert_string_equal(ev[0].user, "eve");
	assert_string_equal(ev[0].service, "vpn-gw");
	assert_int_equal(feed(ps,
			      "{\"ts\": \"2024-03-04T00:00:01Z\", \"app\": \"vpn-gw\", "
			      "\"event\": \"auth\", \"user\": \"eve\", \"src_ip\": \"10.1.2.3\", "
			      "\"outcome\": \"success\", \"reason\": \"ok\"}"),
			 1);
	assert_int_equal(ev[0].outcome, WARD_AUTH_SUCCESS);
	assert_false(ev[0].invalid_user);
	assert_int_equal(feed(ps, "{\"ts\": \"2024-03-04T00:00:01Z\", \"event\": \"tunnel_up\"}"),
			 0);
	assert_int_equal(feed(ps, "{\"ts\": \"x\", \"event\": \"auth\", \"outcome\": \"failure\"}"),
			 WARD_EINVAL);
	assert_int_equal(feed(ps, "{\"ts\": \"2024-03-04T00:00:01Z\", \"event\": \"auth\"}"),
			 WARD_EINVAL);
	ward_auth_parser_free(ps);
}

static void
test_json_limits(void **state)
{
	struct ward_auth_parser *ps = ward_auth_parser_new(WARD_AUTH_FMT_WINSEC_JSON, 0);
	size_t n = WARD_LIMIT_LOG_LINE_LEN + 1, i;
	char *big = malloc(n + 8);
	char deep[2 * (WARD_LIMIT_JSON_DEPTH + 1) + 16];

	(void)state;
	assert_non_null(big);
	/* Nested one level past the limit. */
	for (i = 0; i <= WARD_LIMIT_JSON_DEPTH; i++)
		deep[i] = '[';
	for (i = 0; i <= WARD_LIMIT_JSON_DEPTH; i++)
		deep[WARD_LIMIT_JSON_DEPTH + 1 + i] = ']';
	deep[2 * (WARD_LIMIT_JSON_DEPTH + 1)] = '\0';
	assert_int_equal(feed(ps, deep), WARD_ELIMIT);
	/* A line one byte past the limit. */
	memset(big, ' ', n);
	memcpy(big, "{\"EventID\": 4625, \"x\": \"", 24);
	big[n - 2] = '"';
	big[n - 1] = '}';
	assert_int_equal(ward_auth_parser_feed(ps, (const uint8_t *)big, n, ev, MAXEV),
			 WARD_ELIMIT);
	free(big);
	ward_auth_parser_free(ps);
}

#define XML_EVENT_HEAD                                                                             \
	"<Event xmlns=\"http://schemas.microsoft.com/win/2004/08/events/event\"><System>"          \
	"<Provider Name=\"Microsoft-Windows-Security-Auditing\"/><EventID>4625</EventID>"          \
	"<TimeCreated SystemTime=\"2024-03-04T00:00:01.500000Z\"/><Computer>DC01</Computer>"       \
	"</System>"
#define XML_EVENT_DATA                                                                             \
	"<EventData><Data Name=\"TargetUserName\">Grace</Data><Data Name=\"Status\">0xc000006d"    \
	"</Data><Data Name=\"SubStatus\">0xc000006a</Data><Data Name=\"IpAddress\">"               \
	"::ffff:169.254.159.106</Data></EventData></Event>"

static void
test_winsec_xml(void **state)
{
	struct ward_auth_parser *ps = ward_auth_parser_new(WARD_AUTH_FMT_WINSEC_XML, 0);

	(void)state;
	assert_int_equal(feed(ps, "<?xml version=\"1.0\" encoding=\"utf-8\"?>"), 0);
	assert_int_equal(feed(ps, "<Events>"), 0);
	assert_int_equal(feed(ps, XML_EVENT_HEAD XML_EVENT_DATA), 1);
	assert_true(ev[0].time == T20240304 + 1.5);
	assert_int_equal(ev[0].outcome, WARD_AUTH_FAILURE);
	assert_false(ev[0].invalid_user);
	assert_string_equal(ev[0].user, "grace");
	assert_string_equal(ev[0].source, "169.254.159.106");
	assert_string_equal(ev[0].host, "DC01");
	/* The same event split over lines, then two on one line. */
	assert_int_equal(feed(ps, "<Event xmlns=\"http://schemas.microsoft.com/win/2004/08/events/"
				  "event\">"),
			 0);
	assert_int_equal(feed(ps, "  <System><EventID>4625</EventID>"), 0);
	assert_int_equal(feed(ps, "<TimeCreated SystemTime=\"2024-03-04T00:00:01.500000Z\"/>"
				  "<Computer>DC01</Computer></System>"),
			 0);
	assert_int_equal(feed(ps, XML_EVENT_DATA), 1);
	assert_string_equal(ev[0].user, "grace");
	assert_int_equal(feed(ps, XML_EVENT_HEAD XML_EVENT_DATA XML_EVENT_HEAD XML_EVENT_DATA), 2);
	assert_int_equal(feed(ps, "</Events>"), 0);
	ward_auth_parser_free(ps);
}

static void
test_xml_malformed(void **state)
{
	struct ward_auth_parser *ps = ward_auth_parser_new(WARD_AUTH_FMT_WINSEC_XML, 0);
	size_t n = WARD_LIMIT_LOG_LINE_LEN / 2 + 10, i;
	char *big = malloc(n);
	int rc = 0;

	(void)state;
	assert_non_null(big);
	assert_int_equal(feed(ps, "<Event><System><EventID>4625</Event>"), WARD_EINVAL);
	assert_int_equal(feed(ps, "<Event><System><EventID>4625</EventID></System></Event>"),
			 WARD_EINVAL);
	/* An entity is never expanded, nor a DTD read. */
	assert_int_equal(feed(ps, "<Event><System><EventID>&xxe;</EventID></System></Event>"),
			 WARD_EINVAL);
	assert_int_equal(feed(ps, "<Event><System><EventID>4625</EventID></System><EventData>"
				  "</EventData></Event>"),
			 WARD_EINVAL);
	assert_int_equal(feed(ps, "<Event><System><EventID>1102</EventID></System></Event>"), 0);
	/* An element past the limit is dropped; the next one parses. */
	memset(big, 'x', n);
	assert_int_equal(feed(ps, "<Event><System>"), 0);
	for (i = 0; i < 3 && rc == 0; i++)
		rc = ward_auth_parser_feed(ps, (const uint8_t *)big, n, ev, MAXEV);
	assert_int_equal(rc, WARD_ELIMIT);
	assert_int_equal(feed(ps, "xxx</System></Event>"), 0);
	assert_int_equal(feed(ps, XML_EVENT_HEAD XML_EVENT_DATA), 1);
	free(big);
	ward_auth_parser_free(ps);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_detect),
	    cmocka_unit_test(test_syslog_basic),
	    cmocka_unit_test(test_syslog_rfc3339),
	    cmocka_unit_test(test_year_rollover),
	    cmocka_unit_test(test_repeated),
	    cmocka_unit_test(test_echoes_not_counted),
	    cmocka_unit_test(test_max_attempts_alone),
	    cmocka_unit_test(test_invalid_user_dedup),
	    cmocka_unit_test(test_odd_users_ipv6),
	    cmocka_unit_test(test_syslog_malformed),
	    cmocka_unit_test(test_journald),
	    cmocka_unit_test(test_winsec_json),
	    cmocka_unit_test(test_web_json),
	    cmocka_unit_test(test_json_limits),
	    cmocka_unit_test(test_winsec_xml),
	    cmocka_unit_test(test_xml_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
