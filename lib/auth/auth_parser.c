/*
 * The login log parser: one per log, fed line by line, dispatching on the
 * format. This file also holds what the formats share: timestamps (RFC 3164
 * with an inferred year, RFC 3339 and ISO 8601 with fractions and offsets),
 * the syslog header and the copying of untrusted text into events.
 *
 * Every line is untrusted and arrives as (pointer, length); nothing is
 * assumed NUL-terminated. The parser owns its buffers and the sshd records
 * it holds back; events are written into the caller's array.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ward/error.h"
#include "auth_internal.h"
#include "limits.h"

const uint8_t *
ward_auth_find(const uint8_t *p, size_t n, const char *needle)
{
	size_t k = strlen(needle), i;

	if (k == 0)
		return p;
	if (k > n)
		return NULL;
	for (i = 0; i + k <= n; i++) {
		const uint8_t *c = memchr(p + i, (unsigned char)needle[0], n - k + 1 - i);
		if (!c)
			return NULL;
		i = (size_t)(c - p);
		if (memcmp(c, needle, k) == 0)
			return c;
	}
	return NULL;
}

long
ward_auth_days(long y, long m, long d)
{
	long era, yoe, doy, doe;

	/* Days from civil date (proleptic Gregorian), as in H. Hinnant's algorithm. */
	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int
digits(const char *s, size_t n, size_t at, size_t k, long *v)
{
	size_t i;

	if (at + k > n)
		return 0;
	*v = 0;
	for (i = at; i < at + k; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		*v = *v * 10 + (s[i] - '0');
	}
	return 1;
}

static int
valid_time(long mo, long d, long h, long mi, long sec)
{
	return mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h <= 23 && mi <= 59 && sec <= 60;
}

size_t
ward_auth_parse_iso(const char *s, size_t n, double *t)
{
	long y, mo, d, h, mi, sec, oh, om;
	double frac = 0, scale = 0.1;
	size_t i;
	int sign;

	if (!digits(s, n, 0, 4, &y) || n < 19 || s[4] != '-' || !digits(s, n, 5, 2, &mo) ||
	    s[7] != '-' || !digits(s, n, 8, 2, &d) || (s[10] != 'T' && s[10] != ' ') ||
	    !digits(s, n, 11, 2, &h) || s[13] != ':' || !digits(s, n, 14, 2, &mi) || s[16] != ':' ||
	    !digits(s, n, 17, 2, &sec) || !valid_time(mo, d, h, mi, sec))
		return 0;
	i = 19;
	if (i < n && (s[i] == '.' || s[i] == ',')) {
		i++;
		if (i == n || s[i] < '0' || s[i] > '9')
			return 0;
		for (; i < n && s[i] >= '0' && s[i] <= '9'; i++, scale /= 10)
			frac += (s[i] - '0') * scale;
	}
	*t = (double)ward_auth_days(y, mo, d) * 86400.0 + (double)(h * 3600 + mi * 60 + sec) + frac;
	if (i < n && (s[i] == 'Z' || s[i] == 'z'))
		return i + 1;
	if (i < n && (s[i] == '+' || s[i] == '-')) {
		sign = s[i] == '-' ? -1 : 1;
		if (!digits(s, n, i + 1, 2, &oh))
			return 0;
		i += 3;
		if (i < n && s[i] == ':')
			i++;
		if (!digits(s, n, i, 2, &om) || oh > 23 || om > 59)
			return 0;
		*t -= sign * (double)(oh * 3600 + om * 60);
		return i + 2;
	}
	return i;
}

/* "Mmm dd hh:mm:ss" (day padded with a space or a zero). Returns the length or 0. */
static size_t
parse_rfc3164(struct ward_auth_parser *ps, const char *s, size_t n, double *t)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	long mo, d, h, mi, sec;
	size_t i;

	if (n < 15)
		return 0;
	for (mo = 0; mo < 12; mo++)
		if (memcmp(s, months + mo * 3, 3) == 0)
			break;
	if (mo == 12 || s[3] != ' ')
		return 0;
	mo++;
	if (s[4] == ' ' && digits(s, n, 5, 1, &d))
		;
	else if (!digits(s, n, 4, 2, &d))
		return 0;
	if (s[6] != ' ' || !digits(s, n, 7, 2, &h) || s[9] != ':' || !digits(s, n, 10, 2, &mi) ||
	    s[12] != ':' || !digits(s, n, 13, 2, &sec) || !valid_time(mo, d, h, mi, sec))
		return 0;
	i = 15;
	/* Some daemons add a fraction. */
	if (i < n && s[i] == '.')
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			;
	if (ps->last_month && mo < ps->last_month && ps->year < 9999)
		ps->year++;
	ps->last_month = (int)mo;
	*t = (double)ward_auth_days(ps->year, mo, d) * 86400.0 + (double)(h * 3600 + mi * 60 + sec);
	return i;
}

static size_t
token(const char *s, size_t n, size_t i, struct ward_auth_str *tok)
{
	size_t start = i;

	while (i < n && s[i] != ' ')
		i++;
	tok->p = s + start;
	tok->n = i - start;
	return i;
}

size_t
ward_auth_syslog_header(struct ward_auth_parser *ps, const char *s, size_t n, double *t,
			struct ward_auth_str *host, struct ward_auth_str *prog, long *pid)
{
	struct ward_auth_str tag;
	size_t i, k;
	int last_month = ps->last_month, year = ps->year;

	if (n > 0 && s[0] >= '0' && s[0] <= '9')
		i = ward_auth_parse_iso(s, n, t);
	else
		i = parse_rfc3164(ps, s, n, t);
	if (i == 0 || i >= n || s[i] != ' ')
		goto bad;
	i = token(s, n, i + 1, host);
	if (host->n == 0 || i >= n)
		goto bad;
	i = token(s, n, i + 1, &tag);
	/* "prog[pid]:" or "prog:" */
	if (tag.n < 2 || tag.p[tag.n - 1] != ':')
		goto bad;
	tag.n--;
	*pid = -1;
	prog->p = tag.p;
	prog->n = tag.n;
	if (tag.p[tag.n - 1] == ']') {
		const char *lb = memchr(tag.p, '[', tag.n);
		long v = 0;
		if (!lb)
			goto bad;
		prog->n = (size_t)(lb - tag.p);
		for (k = prog->n + 1; k < tag.n - 1; k++) {
			if (tag.p[k] < '0' || tag.p[k] > '9' || v > 99999999)
				goto bad;
			v = v * 10 + (tag.p[k] - '0');
		}
		*pid = v;
	}
	if (prog->n == 0)
		goto bad;
	if (i < n && s[i] == ' ')
		i++;
	return i;
bad:
	/* A line that is no syslog line does not move the year. */
	ps->last_month = last_month;
	ps->year = year;
	return 0;
}

void
ward_auth_copy(char *dst, size_t cap, const char *s, size_t n, int lower)
{
	size_t i;

	if (cap == 0)
		return;
	if (n > cap - 1) {
		n = cap - 1;
		/* Do not cut a UTF-8 sequence: drop its lead byte too. */
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f)
			c = '?';
		else if (lower && c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		dst[i] = (char)c;
	}
	dst[n] = '\0';
}

static int
syslog_feed(struct ward_auth_parser *ps, const uint8_t *p, size_t n, struct ward_auth_out *out)
{
	const char *s = (const char *)p;
	struct ward_auth_str host, prog;
	size_t at;
	double t;
	long pid;

	while (n > 0 && (s[n - 1] == '\r' || s[n - 1] == ' '))
		n--;
	if (n == 0)
		return 0;
	if (n > WARD_LIMIT_LINE_LEN)
		return WARD_ELIMIT;
	at = ward_auth_syslog_header(ps, s, n, &t, &host, &prog, &pid);
	if (at == 0)
		return WARD_EINVAL;
	/* OpenSSH 9.8 moved authentication into sshd-session. */
	if (!((prog.n == 4 && memcmp(prog.p, "sshd", 4) == 0) ||
	      (prog.n == 12 && memcmp(prog.p, "sshd-session", 12) == 0))) {
		ward_auth_sshd_tick(ps, t, out);
		return 0;
	}
	return ward_auth_sshd_message(ps, t, host, pid, s + at, n - at, out);
}

struct ward_auth_parser *
ward_auth_parser_new(enum ward_auth_format fmt, int year_hint)
{
	struct ward_auth_parser *ps;
	struct tm tm;
	time_t now;

	if (fmt <= WARD_AUTH_FMT_UNKNOWN || fmt > WARD_AUTH_FMT_WEB_JSON)
		return NULL;
	ps = calloc(1, sizeof(*ps));
	if (!ps)
		return NULL;
	ps->fmt = fmt;
	ward_auth_web_defaults(ps);
	if (year_hint <= 0 || year_hint > 9999) {
		now = time(NULL);
		year_hint = gmtime_r(&now, &tm) ? tm.tm_year + 1900 : 1970;
	}
	ps->year = year_hint;
	return ps;
}

void
ward_auth_parser_free(struct ward_auth_parser *ps)
{
	if (!ps)
		return;
	free(ps->xml);
	free(ps);
}

int
ward_auth_parser_feed(struct ward_auth_parser *ps, const uint8_t *line, size_t n,
		      struct ward_auth_event *out, size_t max)
{
	struct ward_auth_out o = {out, max, 0};
	int rc;

	if (!ps || (!line && n > 0) || (!out && max > 0))
		return WARD_EINVAL;
	if (!line)
		line = (const uint8_t *)"";
	switch (ps->fmt) {
	case WARD_AUTH_FMT_SYSLOG:
		rc = syslog_feed(ps, line, n, &o);
		break;
	case WARD_AUTH_FMT_JOURNALD:
	case WARD_AUTH_FMT_WINSEC_JSON:
	case WARD_AUTH_FMT_WEB_JSON:
		rc = ward_auth_json_feed(ps, line, n, &o);
		break;
	case WARD_AUTH_FMT_WINSEC_XML:
		rc = ward_auth_xml_feed(ps, line, n, &o);
		break;
	default:
		rc = WARD_EINVAL;
		break;
	}
	return rc < 0 ? rc : (int)o.n;
}

int
ward_auth_parser_flush(struct ward_auth_parser *ps, struct ward_auth_event *out, size_t max)
{
	struct ward_auth_out o = {out, max, 0};

	if (!ps || (!out && max > 0))
		return WARD_EINVAL;
	ward_auth_sshd_flush(ps, &o);
	return (int)o.n;
}
