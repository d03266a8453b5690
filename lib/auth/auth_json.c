/*
 * JSON login logs, one object a line: journald (journalctl -o json, sshd
 * entries only), Windows Security events flattened to JSON, and web or VPN
 * login records. Also the mapping of Windows events to login events, which
 * the XML form shares.
 *
 * Lines are untrusted: each is size- and depth-checked before jansson sees
 * it, and a line that is no JSON object is WARD_EINVAL. Field values are
 * copied out; nothing borrowed from jansson outlives the call.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "ward/buf.h"
#include "ward/error.h"
#include "auth_internal.h"
#include "limits.h"

static int
str_eq(struct ward_auth_str s, const char *c)
{
	return s.n == strlen(c) && memcmp(s.p, c, s.n) == 0;
}

/* A status code as Windows writes it ("0xC000006A", "0x18", "0x00000018"). */
static long long
hex_status(struct ward_auth_str s)
{
	long long v = 0;
	size_t i = 0;

	if (s.n >= 2 && s.p[0] == '0' && (s.p[1] == 'x' || s.p[1] == 'X'))
		i = 2;
	if (i == s.n || s.n - i > 8) /* NTSTATUS and Kerberos codes are 32 bits */
		return -1;
	for (; i < s.n; i++) {
		char c = s.p[i];
		int d = c >= '0' && c <= '9'   ? c - '0'
			: c >= 'a' && c <= 'f' ? c - 'a' + 10
			: c >= 'A' && c <= 'F' ? c - 'A' + 10
					       : -1;
		if (d < 0)
			return -1;
		v = v * 16 + d;
	}
	return v;
}

#define STATUS_NO_SUCH_USER 0xc0000064LL
#define STATUS_WRONG_PASSWORD 0xc000006aLL
#define KDC_ERR_C_PRINCIPAL_UNKNOWN 0x6
#define KDC_ERR_PREAUTH_FAILED 0x18

int
ward_auth_win_map(const struct ward_auth_win *w, struct ward_auth_event *ev)
{
	long long st = hex_status(w->status), sub = hex_status(w->substatus);
	struct ward_auth_str src = w->ip;
	int outcome, invalid = 0;

	switch (w->event_id) {
	case 4624:
		outcome = WARD_AUTH_SUCCESS;
		break;
	case 4625:
		outcome = WARD_AUTH_FAILURE;
		invalid = sub == STATUS_NO_SUCH_USER || st == STATUS_NO_SUCH_USER;
		break;
	case 4768: /* Kerberos TGT request */
	case 4771: /* Kerberos pre-authentication failed */
		if (st == 0 && w->event_id == 4768)
			outcome = WARD_AUTH_SUCCESS;
		else if (st == KDC_ERR_PREAUTH_FAILED)
			outcome = WARD_AUTH_FAILURE;
		else if (st == KDC_ERR_C_PRINCIPAL_UNKNOWN)
			outcome = WARD_AUTH_FAILURE, invalid = 1;
		else
			return 0;
		break;
	case 4776: /* NTLM credential validation */
		if (st == 0)
			outcome = WARD_AUTH_SUCCESS;
		else if (st == STATUS_WRONG_PASSWORD)
			outcome = WARD_AUTH_FAILURE;
		else if (st == STATUS_NO_SUCH_USER)
			outcome = WARD_AUTH_FAILURE, invalid = 1;
		else
			return 0;
		break;
	default:
		/* 4648 (explicit credentials) names a logon that 4624/4625 also log. */
		return 0;
	}
	memset(ev, 0, sizeof(*ev));
	if (w->time.n == 0 || ward_auth_parse_iso(w->time.p, w->time.n, &ev->time) == 0)
		return WARD_EINVAL;
	ev->outcome = (enum ward_auth_outcome)outcome;
	ev->invalid_user = invalid;
	ev->count = 1;
	if (src.n >= 7 && memcmp(src.p, "::ffff:", 7) == 0 && memchr(src.p + 7, '.', src.n - 7))
		src.p += 7, src.n -= 7;
	if (src.n == 0 || str_eq(src, "-"))
		src = str_eq(w->workstation, "-") ? (struct ward_auth_str){"", 0} : w->workstation;
	ward_auth_copy(ev->user, sizeof(ev->user), w->user.p, w->user.n, 1);
	ward_auth_copy(ev->source, sizeof(ev->source), src.p, src.n, 0);
	ward_auth_copy(ev->host, sizeof(ev->host), w->computer.p, w->computer.n, 0);
	memcpy(ev->service, "windows", 8);
	return 1;
}

/* A string member, or an empty one. */
static struct ward_auth_str
get(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	struct ward_auth_str s = {"", 0};

	if (json_is_string(v)) {
		s.p = json_string_value(v);
		s.n = json_string_length(v);
	}
	return s;
}

/* A number given as a JSON integer or as a string of digits; -1 otherwise. */
static long long
get_num(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	struct ward_auth_str s;
	long long n = 0;
	size_t i;

	if (json_is_integer(v))
		return json_integer_value(v);
	s = get(o, key);
	if (s.n == 0 || s.n > 18)
		return -1;
	for (i = 0; i < s.n; i++) {
		if (s.p[i] < '0' || s.p[i] > '9')
			return -1;
		n = n * 10 + (s.p[i] - '0');
	}
	return n;
}

static int
journald(struct ward_auth_parser *ps, json_t *o, struct ward_auth_out *out)
{
	struct ward_auth_str ident = get(o, "SYSLOG_IDENTIFIER"), comm = get(o, "_COMM");
	struct ward_auth_str msg = get(o, "MESSAGE");
	long long us = get_num(o, "__REALTIME_TIMESTAMP"), pid = get_num(o, "_PID");

	if (!(str_eq(ident, "sshd") || str_eq(ident, "sshd-session") ||
	      (ident.n == 0 && (str_eq(comm, "sshd") || str_eq(comm, "sshd-session"))))) {
		if (us >= 0)
			ward_auth_sshd_tick(ps, (double)us / 1e6, out);
		return 0;
	}
	/* journald writes a MESSAGE that is not UTF-8 as an array of bytes. */
	if (us < 0 || !json_is_string(json_object_get(o, "MESSAGE")))
		return WARD_EINVAL;
	return ward_auth_sshd_message(ps, (double)us / 1e6, get(o, "_HOSTNAME"),
				      pid > 0 && pid < 1000000000 ? (long)pid : -1, msg.p, msg.n,
				      out);
}

static int
winsec(json_t *o, struct ward_auth_out *out)
{
	struct ward_auth_win w;
	int rc;

	memset(&w, 0, sizeof(w));
	w.event_id = (long)get_num(o, "EventID");
	if (w.event_id < 0)
		return WARD_EINVAL;
	w.time = get(o, "TimeCreated");
	w.computer = get(o, "Computer");
	w.user = get(o, "TargetUserName");
	w.ip = get(o, "IpAddress");
	w.workstation = get(o, "WorkstationName");
	if (w.workstation.n == 0)
		w.workstation = get(o, "Workstation");
	w.status = get(o, "Status");
	w.substatus = get(o, "SubStatus");
	if (out->n >= out->max)
		return 0;
	rc = ward_auth_win_map(&w, &out->ev[out->n]);
	if (rc > 0)
		out->n++;
	return rc < 0 ? rc : 0;
}

static const char *const web_keys[WF_COUNT] = {"time",	      "user",	 "source",  "outcome",
					       "reason",      "app",	 "event",   "host",
					       "event_value", "success", "failure", "unknown_user"};
static const char *const web_defaults[WF_COUNT] = {"ts",     "user",	"src_ip",  "outcome",
						   "reason", "app",	"event",   "host",
						   "auth",   "success", "failure", "unknown_user"};

void
ward_auth_web_defaults(struct ward_auth_parser *ps)
{
	size_t i;

	for (i = 0; i < WF_COUNT; i++)
		snprintf(ps->web[i], WF_LEN, "%s", web_defaults[i]);
}

int
ward_auth_parser_set_web_fields(struct ward_auth_parser *ps, const char *spec)
{
	char tmp[WF_COUNT][WF_LEN];
	const char *p = spec;
	size_t i;

	memcpy(tmp, ps->web, sizeof(tmp));
	while (p && *p) {
		const char *comma = strchr(p, ','), *eq = strchr(p, '=');
		size_t end = comma ? (size_t)(comma - p) : strlen(p), k, v;
		while (*p == ' ')
			p++, end--;
		if (!eq || (size_t)(eq - p) >= end)
			return WARD_EINVAL;
		k = (size_t)(eq - p);
		v = end - k - 1;
		while (v > 0 && eq[v] == ' ')
			v--;
		for (i = 0; i < WF_COUNT; i++)
			if (strlen(web_keys[i]) == k && memcmp(web_keys[i], p, k) == 0)
				break;
		if (i == WF_COUNT || v >= WF_LEN)
			return WARD_EINVAL;
		memcpy(tmp[i], eq + 1, v);
		tmp[i][v] = '\0';
		p = comma ? comma + 1 : NULL;
	}
	memcpy(ps->web, tmp, sizeof(tmp));
	return 0;
}

static int
web(struct ward_auth_parser *ps, json_t *o, struct ward_auth_out *out)
{
	struct ward_auth_str ts = get(o, ps->web[WF_TIME]), app = get(o, ps->web[WF_APP]);
	struct ward_auth_str outcome = get(o, ps->web[WF_OUTCOME]);
	struct ward_auth_str user = get(o, ps->web[WF_USER]), ip = get(o, ps->web[WF_SOURCE]);
	struct ward_auth_str host = get(o, ps->web[WF_HOST]);
	struct ward_auth_event *ev;
	int ok;

	/* With no event field configured (event=), every line is a login attempt. */
	if (ps->web[WF_EVENT][0] && !str_eq(get(o, ps->web[WF_EVENT]), ps->web[WF_EVENT_VALUE]))
		return 0;
	ok = str_eq(outcome, ps->web[WF_SUCCESS]);
	if (!ok && !str_eq(outcome, ps->web[WF_FAILURE]))
		return WARD_EINVAL;
	if (out->n >= out->max)
		return 0;
	ev = &out->ev[out->n];
	memset(ev, 0, sizeof(*ev));
	if (ts.n == 0 || ward_auth_parse_iso(ts.p, ts.n, &ev->time) == 0)
		return WARD_EINVAL;
	ev->outcome = ok ? WARD_AUTH_SUCCESS : WARD_AUTH_FAILURE;
	ev->invalid_user = !ok && str_eq(get(o, ps->web[WF_REASON]), ps->web[WF_UNKNOWN_USER]);
	ev->count = 1;
	ward_auth_copy(ev->user, sizeof(ev->user), user.p, user.n, 1);
	ward_auth_copy(ev->source, sizeof(ev->source), ip.p, ip.n, 1);
	ward_auth_copy(ev->host, sizeof(ev->host), host.n ? host.p : app.p, host.n ? host.n : app.n,
		       0);
	if (app.n)
		ward_auth_copy(ev->service, sizeof(ev->service), app.p, app.n, 0);
	else
		memcpy(ev->service, "web", 4);
	out->n++;
	return 0;
}

int
ward_auth_json_feed(struct ward_auth_parser *ps, const uint8_t *p, size_t n,
		    struct ward_auth_out *out)
{
	json_error_t err;
	json_t *o;
	int rc;

	while (n > 0 && (p[0] == ' ' || p[0] == '\t'))
		p++, n--;
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r'))
		n--;
	if (n == 0)
		return 0;
	if (n > WARD_LIMIT_LOG_LINE_LEN || ward_json_depth(p, n) > WARD_LIMIT_JSON_DEPTH)
		return WARD_ELIMIT;
	o = json_loadb((const char *)p, n, 0, &err);
	if (!o)
		return WARD_EINVAL;
	if (!json_is_object(o)) {
		json_decref(o);
		return WARD_EINVAL;
	}
	if (ps->fmt == WARD_AUTH_FMT_JOURNALD)
		rc = journald(ps, o, out);
	else if (ps->fmt == WARD_AUTH_FMT_WINSEC_JSON)
		rc = winsec(o, out);
	else
		rc = web(ps, o, out);
	json_decref(o);
	return rc;
}
