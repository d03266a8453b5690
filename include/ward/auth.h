/*
 * Login monitoring (countermeasures C3.4, C3.6): parsers that turn log lines
 * of many formats into one kind of login event, and detectors that find brute
 * force, password spraying (also distributed), credential stuffing, invalid
 * user enumeration and success after failures in those events, on log time.
 */
#ifndef WARD_AUTH_H
#define WARD_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "ward/finding.h"

enum ward_auth_format {
	WARD_AUTH_FMT_UNKNOWN = 0,
	WARD_AUTH_FMT_SYSLOG,	   /* OpenSSH in syslog, RFC 3164 or RFC 3339 time */
	WARD_AUTH_FMT_JOURNALD,	   /* journalctl -o json */
	WARD_AUTH_FMT_WINSEC_JSON, /* Windows Security events, one flattened JSON object a line */
	WARD_AUTH_FMT_WINSEC_XML,  /* the same as wevtutil-style XML <Event> elements */
	WARD_AUTH_FMT_WEB_JSON,	   /* web/VPN login JSON lines (configurable field names) */
};

enum ward_auth_outcome {
	WARD_AUTH_FAILURE = 0, /* wrong password or key for an existing or unknown account */
	WARD_AUTH_SUCCESS,
};

#define WARD_AUTH_USER_MAX 128
#define WARD_AUTH_ADDR_MAX 64

/* One login attempt. Strings are NUL-terminated copies, truncated to fit. */
struct ward_auth_event {
	double time; /* seconds since 1970-01-01 UTC, from the log */
	enum ward_auth_outcome outcome;
	int invalid_user;		 /* the account does not exist (sshd "invalid user",
					  * Windows 0xC0000064, web "unknown_user") */
	unsigned count;			 /* attempts this event stands for ("message repeated N
					  * times"); at least 1 */
	char user[WARD_AUTH_USER_MAX];	 /* account, lower-cased, domain prefix kept */
	char source[WARD_AUTH_ADDR_MAX]; /* client IP address; empty when the log has none */
	char host[WARD_AUTH_ADDR_MAX];	 /* the machine or application that logged it */
	char service[32];		 /* "sshd", "windows", the web app's name ... */
};

const char *ward_auth_format_name(enum ward_auth_format f);
/* Parses "syslog", "journald", "winsec-json", "winsec-xml", "web-json"; UNKNOWN otherwise. */
enum ward_auth_format ward_auth_format_parse(const char *s);

/* Guesses the format from the first bytes of a log (a few KB). */
enum ward_auth_format ward_auth_detect(const uint8_t *head, size_t n);

struct ward_auth_parser;

/*
 * A parser for one log of one format. year_hint is the year assumed for
 * RFC 3164 timestamps, which carry none (0: the current year); the parser
 * rolls it forward when the month goes back (Dec -> Jan).
 */
struct ward_auth_parser *ward_auth_parser_new(enum ward_auth_format fmt, int year_hint);
void ward_auth_parser_free(struct ward_auth_parser *ps);

/*
 * Names the fields of web/VPN login JSON lines: a comma-separated list of
 * key=name with keys time, user, source, outcome, reason, app, event, host
 * (field names) and event_value, success, failure, unknown_user (the values
 * that mean a login event, a success, a failure, an unknown account). The
 * defaults read {"ts","app","event":"auth","user","src_ip","outcome":
 * "success"|"failure","reason":"unknown_user"}; "event=" (empty) takes every
 * line as a login attempt. Returns 0 or WARD_EINVAL (unknown key, too long).
 */
int ward_auth_parser_set_web_fields(struct ward_auth_parser *ps, const char *spec);

/*
 * Feeds one line (without its newline; for XML, any chunk of the document
 * split at newlines). Returns the number of events written to out (0 when
 * the line is no login attempt, at most max), or WARD_EINVAL for a line that
 * claims the format but is malformed. Each attempt counts once: sshd's PAM
 * and "[preauth]" echoes of an attempt already counted are skipped.
 */
int ward_auth_parser_feed(struct ward_auth_parser *ps, const uint8_t *line, size_t n,
			  struct ward_auth_event *out, size_t max);

/*
 * Ends the log: writes the attempts the parser still holds back (an sshd
 * "Invalid user" line waits a few seconds of log time for the "Failed ...
 * for invalid user" line that would make it a duplicate). Returns the
 * number written (at most max); call again while it returns max.
 */
int ward_auth_parser_flush(struct ward_auth_parser *ps, struct ward_auth_event *out, size_t max);

/* Detection. */

enum ward_auth_kind {
	WARD_AUTH_BRUTE_FORCE = 0,
	WARD_AUTH_PASSWORD_SPRAY,
	WARD_AUTH_DISTRIBUTED_SPRAY,
	WARD_AUTH_CREDENTIAL_STUFFING,
	WARD_AUTH_ENUMERATION,
	WARD_AUTH_SUCCESS_AFTER_FAILURES,
	WARD_AUTH_KINDS
};

struct ward_auth_thresholds {
	unsigned brute_failures;      /* failures, one source, one account ... */
	double brute_window;	      /* ... within this many seconds (10 in 3600) */
	unsigned spray_accounts;      /* distinct accounts failing from one source ... */
	double spray_window;	      /* ... within this window (10 in 86400) */
	double spray_max_per_account; /* average tries per account at most (3) */
	unsigned dist_sources;	      /* distinct fresh sources with few tries each ... */
	unsigned dist_accounts;	      /* ... against at least this many accounts */
	double dist_window;	      /* ... within this window */
	unsigned stuffing_accounts;   /* accounts tried from a pool of sources, mostly unknown */
	double stuffing_invalid_share;
	unsigned enum_invalid; /* invalid user names from one source */
	unsigned saf_failures; /* failures before a success from the same source ... */
	double saf_window;     /* ... within this window (5 in 3600) */
	size_t max_sources;    /* sources tracked at once; the oldest are expired */
};

void ward_auth_thresholds_default(struct ward_auth_thresholds *t);

/* One detected attack: the sources and accounts involved. */
struct ward_auth_alert {
	enum ward_auth_kind kind;
	const struct ward_check *check;
	double first, last; /* times of the first and last attempt */
	unsigned attempts;
	const char *const *sources; /* borrowed until the next call into the detector */
	size_t n_sources;
	const char *const *users;
	size_t n_users;
};

struct ward_auth_detector;

struct ward_auth_detector *ward_auth_detector_new(const struct ward_auth_thresholds *t);
void ward_auth_detector_free(struct ward_auth_detector *d);

/* Adds events in log order. */
int ward_auth_detector_add(struct ward_auth_detector *d, const struct ward_auth_event *ev);

/* Calls fn for every attack found so far (once each), then forgets them. */
void ward_auth_detector_flush(struct ward_auth_detector *d,
			      void (*fn)(void *ctx, const struct ward_auth_alert *a), void *ctx);

/*
 * For a log being followed: judges the sources idle for longer than idle
 * seconds of log time (and distributed sprays so far), then hands out every
 * attack found, as flush does, but keeps the windows of active sources.
 */
int ward_auth_detector_poll(struct ward_auth_detector *d, double idle,
			    void (*fn)(void *ctx, const struct ward_auth_alert *a), void *ctx);

extern const struct ward_check *const ward_auth_checks[];

#endif
