/*
 * Shared by the login log parsers of lib/auth: the parser state, the
 * timestamp readers, the OpenSSH message parser (syslog and journald) and
 * the mapping of Windows Security events (JSON and XML) to login events.
 * Nothing here is part of the public API.
 */
#ifndef WARD_AUTH_INTERNAL_H
#define WARD_AUTH_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "ward/auth.h"

/* An sshd "Invalid user" line waits this long (log time) for its "Failed". */
#define WARD_AUTH_INVALID_WAIT 10.0
/* "Invalid user" lines waiting at once; the oldest is given up first. */
#define WARD_AUTH_PENDING_MAX 64

/* A borrowed piece of text, not NUL-terminated. */
struct ward_auth_str {
	const char *p;
	size_t n;
};

struct ward_auth_pending {
	struct ward_auth_event ev;
	long pid; /* -1 when the log has none */
};

/* Field names and values of web/VPN login JSON lines (ward_auth_parser_set_web_fields). */
enum {
	WF_TIME,
	WF_USER,
	WF_SOURCE,
	WF_OUTCOME,
	WF_REASON,
	WF_APP,
	WF_EVENT,
	WF_HOST,
	WF_EVENT_VALUE,
	WF_SUCCESS,
	WF_FAILURE,
	WF_UNKNOWN_USER,
	WF_COUNT
};
#define WF_LEN 48

struct ward_auth_parser {
	enum ward_auth_format fmt;
	char web[WF_COUNT][WF_LEN];
	int year;	/* RFC 3164 year in use */
	int last_month; /* month of the last RFC 3164 time, 0 before the first */
	struct ward_auth_pending pending[WARD_AUTH_PENDING_MAX];
	size_t n_pending;
	/* sshd pids whose failures were logged one by one (recent ones). */
	long failed_pids[64];
	unsigned n_failed_pids;
	/* XML: the <Event> element being collected. */
	char *xml;
	size_t xml_len, xml_cap;
	int xml_in;   /* inside an <Event> */
	int xml_skip; /* inside an oversized <Event>, dropping it */
};

/* Output slots of one feed call. */
struct ward_auth_out {
	struct ward_auth_event *ev;
	size_t max, n;
};

/* ISO 8601 / RFC 3339 "YYYY-MM-DD[T ]hh:mm:ss[.frac][Z|+hh:mm]" (no zone: UTC).
 * Returns the length read, or 0 when s does not start with such a time. */
size_t ward_auth_parse_iso(const char *s, size_t n, double *t);
/* The first occurrence of the C string needle in (p, n), or NULL. */
const uint8_t *ward_auth_find(const uint8_t *p, size_t n, const char *needle);
/* Days since 1970-01-01 of a civil date. */
long ward_auth_days(long y, long m, long d);

/* Copies text into dst (size cap), NUL-terminated, truncated at a UTF-8
 * boundary, control bytes replaced by '?', ASCII lower-cased if lower. */
void ward_auth_copy(char *dst, size_t cap, const char *s, size_t n, int lower);

/* Reads the header of a syslog line: time, host, program and pid (-1 when
 * absent). Returns the offset of the message, or 0 when it is no syslog line. */
size_t ward_auth_syslog_header(struct ward_auth_parser *ps, const char *s, size_t n, double *t,
			       struct ward_auth_str *host, struct ward_auth_str *prog, long *pid);

/* Parses one sshd message; writes events to out. Returns the number written
 * or a negative WARD_E* code. */
int ward_auth_sshd_message(struct ward_auth_parser *ps, double t, struct ward_auth_str host,
			   long pid, const char *msg, size_t n, struct ward_auth_out *out);
/* Lets out the waiting "Invalid user" records that a line of another program
 * at time t shows the log has moved past. */
void ward_auth_sshd_tick(struct ward_auth_parser *ps, double t, struct ward_auth_out *out);
/* Emits every waiting "Invalid user" record that fits into out. */
void ward_auth_sshd_flush(struct ward_auth_parser *ps, struct ward_auth_out *out);

/* The fields of a Windows Security event that matter, from JSON or XML. */
struct ward_auth_win {
	long event_id;
	struct ward_auth_str time, computer, user, ip, workstation, status, substatus;
};

/* Maps a Windows event: 1 with *ev filled, 0 when it is no login attempt,
 * WARD_EINVAL when a login event lacks its time. */
int ward_auth_win_map(const struct ward_auth_win *w, struct ward_auth_event *ev);

/* Sets the default web field names. */
void ward_auth_web_defaults(struct ward_auth_parser *ps);

int ward_auth_json_feed(struct ward_auth_parser *ps, const uint8_t *p, size_t n,
			struct ward_auth_out *out);
int ward_auth_xml_feed(struct ward_auth_parser *ps, const uint8_t *p, size_t n,
		       struct ward_auth_out *out);

#endif
