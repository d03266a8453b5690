/*
 * OpenSSH's log messages, as syslog and journald carry them, turned into
 * login events. The message is untrusted text: user names are whatever the
 * client sent (empty, with spaces, or with " from " in them), so the source
 * is found from the right: the last " from " followed by an IP address.
 *
 * One attempt counts once. "Failed" and "Accepted" lines are the attempts;
 * "message repeated N times: [ ... ]" stands for N of them. The PAM lines
 * ("authentication failure", "check pass", "N more authentication
 * failures"), "maximum authentication attempts exceeded" and the
 * connection-end lines ("Connection closed", "Disconnected", "Received
 * disconnect", mostly "[preauth]") echo attempts already counted and are
 * skipped.
 *
 * "Invalid user U from IP" is logged when the client names a user that does
 * not exist, and is usually followed by "Failed ... for invalid user U from
 * IP" for the same attempt. The parser holds such a line back: a matching
 * Failed line (same user and address, and the same sshd pid when both lines
 * carry one) drops it; otherwise it becomes a failure with invalid_user set
 * when its connection ends (a connection-end line of the same pid, or of the
 * same address when there is no pid), when the log moves on more than
 * WARD_AUTH_INVALID_WAIT seconds, or when the log ends
 * (ward_auth_parser_flush). Events let out late keep their own time, so
 * they can be a few seconds behind the line that released them.
 */
#include <arpa/inet.h>
#include <string.h>

#include "ward/error.h"
#include "auth_internal.h"

static int
starts(const char *s, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);

	return n >= k && memcmp(s, prefix, k) == 0;
}

/* Is (s, n) an IPv4 or IPv6 address? */
static int
is_ip(const char *s, size_t n)
{
	unsigned char bin[16];
	char buf[64];

	if (n == 0 || n >= sizeof(buf))
		return 0;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (memchr(buf, ':', n))
		return inet_pton(AF_INET6, buf, bin) == 1;
	return inet_pton(AF_INET, buf, bin) == 1;
}

static size_t
ip_len(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && s[i] != ' ' && s[i] != ']' && s[i] != ',')
		i++;
	return is_ip(s, i) ? i : 0;
}

/*
 * Splits "USER from IP[ port N ...]": the last " from " that is followed by
 * an address. rest starts right after "for " / "user ". Returns 0 when there
 * is no such address.
 */
static int
user_from(const char *s, size_t n, struct ward_auth_str *user, struct ward_auth_str *ip)
{
	size_t i = n, k;

	while (i-- > 0) {
		if (i + 6 > n || memcmp(s + i, " from ", 6) != 0)
			continue;
		k = ip_len(s + i + 6, n - i - 6);
		if (k == 0)
			continue;
		user->p = s;
		user->n = i;
		ip->p = s + i + 6;
		ip->n = k;
		return 1;
	}
	/* "invalid user  from IP": the empty name leaves "from" at the start. */
	if (n >= 5 && memcmp(s, "from ", 5) == 0 && (k = ip_len(s + 5, n - 5)) > 0) {
		user->p = s;
		user->n = 0;
		ip->p = s + 5;
		ip->n = k;
		return 1;
	}
	return 0;
}

static void
fill(struct ward_auth_event *ev, double t, enum ward_auth_outcome outcome, int invalid,
     unsigned count, struct ward_auth_str user, struct ward_auth_str ip, struct ward_auth_str host)
{
	memset(ev, 0, sizeof(*ev));
	ev->time = t;
	ev->outcome = outcome;
	ev->invalid_user = invalid;
	ev->count = count ? count : 1;
	ward_auth_copy(ev->user, sizeof(ev->user), user.p, user.n, 1);
	ward_auth_copy(ev->source, sizeof(ev->source), ip.p, ip.n, 1);
	ward_auth_copy(ev->host, sizeof(ev->host), host.p, host.n, 0);
	memcpy(ev->service, "sshd", 5);
}

static void
put(struct ward_auth_out *out, const struct ward_auth_event *ev)
{
	if (out->n < out->max)
		out->ev[out->n++] = *ev;
}

static void
drop_pending(struct ward_auth_parser *ps, size_t i)
{
	memmove(&ps->pending[i], &ps->pending[i + 1],
		(ps->n_pending - i - 1) * sizeof(ps->pending[0]));
	ps->n_pending--;
}

/* Lets out the held-back records that match, oldest first, while out has room
 * (keeping `keep` slots free). */
enum release { REL_OLD, REL_CONN };

static void
release(struct ward_auth_parser *ps, enum release why, double t, long pid, const char *ip,
	struct ward_auth_out *out, size_t keep)
{
	size_t i = 0;

	while (i < ps->n_pending && out->n + keep < out->max) {
		struct ward_auth_pending *pd = &ps->pending[i];
		int go;
		if (why == REL_OLD)
			go = t - pd->ev.time > WARD_AUTH_INVALID_WAIT;
		else if (pid >= 0 && pd->pid >= 0)
			go = pid == pd->pid;
		else
			go = ip && strcmp(ip, pd->ev.source) == 0;
		if (!go) {
			i++;
			continue;
		}
		put(out, &pd->ev);
		drop_pending(ps, i);
	}
}

void
ward_auth_sshd_tick(struct ward_auth_parser *ps, double t, struct ward_auth_out *out)
{
	release(ps, REL_OLD, t, -1, NULL, out, 0);
}

void
ward_auth_sshd_flush(struct ward_auth_parser *ps, struct ward_auth_out *out)
{
	while (ps->n_pending > 0 && out->n < out->max) {
		put(out, &ps->pending[0].ev);
		drop_pending(ps, 0);
	}
}

/* "Failed METHOD for ..." or "Accepted METHOD for ...": the part after "for ". */
static int
attempt(const char *s, size_t n, size_t *rest)
{
	size_t i = 0;

	while (i < n && s[i] != ' ')
		i++;
	if (i == 0 || i + 5 > n || memcmp(s + i, " for ", 5) != 0)
		return 0;
	*rest = i + 5;
	return 1;
}

/* A connection-end line: the address it names, or an empty string. */
static int
conn_end(const char *s, size_t n, char *ip, size_t cap)
{
	static const char *const ends[] = {
	    "Connection closed by ", "Disconnected from ", "Received disconnect from ",
	    "Connection reset by ",  "Disconnecting ",	   NULL};
	size_t i, k;

	for (i = 0; ends[i]; i++)
		if (starts(s, n, ends[i]))
			break;
	if (!ends[i])
		return 0;
	ip[0] = '\0';
	for (i = 0; i < n; i++) {
		if (i > 0 && s[i - 1] != ' ')
			continue;
		k = ip_len(s + i, n - i);
		if (k > 0 && k < cap) {
			ward_auth_copy(ip, cap, s + i, k, 1);
			break;
		}
	}
	return 1;
}

/* Drops the held-back "Invalid user" record that ev now counts. */
static void
drop_counted(struct ward_auth_parser *ps, long pid, const struct ward_auth_event *ev)
{
	size_t i;

	for (i = 0; i < ps->n_pending; i++) {
		struct ward_auth_pending *pd = &ps->pending[i];
		if ((pd->pid < 0 || pid < 0 || pd->pid == pid) &&
		    strcmp(pd->ev.user, ev->user) == 0 && strcmp(pd->ev.source, ev->source) == 0) {
			drop_pending(ps, i);
			return;
		}
	}
}

int
ward_auth_sshd_message(struct ward_auth_parser *ps, double t, struct ward_auth_str host, long pid,
		       const char *s, size_t n, struct ward_auth_out *out)
{
	struct ward_auth_str user, ip;
	struct ward_auth_event ev;
	unsigned long count = 1;
	size_t rest, i;
	char end_ip[WARD_AUTH_ADDR_MAX];
	int invalid = 0;

	/* Held-back records the log has moved past. */
	release(ps, REL_OLD, t, -1, NULL, out, 1);
	if (starts(s, n, "message repeated ")) {
		for (i = 17, count = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			if (count < 1000000)
				count = count * 10 + (unsigned long)(s[i] - '0');
		if (!starts(s + i, n - i, " times: [ ") || count == 0)
			return 0;
		s += i + 10;
		n -= i + 10;
		while (n > 0 && (s[n - 1] == ']' || s[n - 1] == ' '))
			n--;
	}
	if (starts(s, n, "Failed ") && attempt(s + 7, n - 7, &rest)) {
		s += 7 + rest;
		n -= 7 + rest;
		if (starts(s, n, "invalid user ")) {
			invalid = 1;
			s += 13;
			n -= 13;
		}
		if (!user_from(s, n, &user, &ip))
			return 0;
		fill(&ev, t, WARD_AUTH_FAILURE, invalid, (unsigned)count, user, ip, host);
		if (invalid)
			drop_counted(ps, pid, &ev);
		if (pid >= 0)
			ps->failed_pids[ps->n_failed_pids++ % 64] = pid;
		put(out, &ev);
		return 0;
	}
	if (starts(s, n, "error: maximum authentication attempts exceeded for ") && pid >= 0) {
		/*
		 * Some sshd configurations log no "Failed" line for these attempts
		 * (keys offered one after another): the connection then stands for
		 * MaxAuthTries failures, sshd's default 6. When its failures were
		 * logged one by one, this line only echoes them.
		 */
		for (i = 0; i < 64 && i < ps->n_failed_pids; i++)
			if (ps->failed_pids[i] == pid)
				return 0;
		s += 52;
		n -= 52;
		if (starts(s, n, "invalid user ")) {
			invalid = 1;
			s += 13;
			n -= 13;
		}
		if (!user_from(s, n, &user, &ip))
			return 0;
		fill(&ev, t, WARD_AUTH_FAILURE, invalid, 6, user, ip, host);
		if (invalid)
			drop_counted(ps, pid, &ev);
		put(out, &ev);
		return 0;
	}
	if (starts(s, n, "Accepted ") && attempt(s + 9, n - 9, &rest)) {
		if (!user_from(s + 9 + rest, n - 9 - rest, &user, &ip))
			return 0;
		fill(&ev, t, WARD_AUTH_SUCCESS, 0, (unsigned)count, user, ip, host);
		put(out, &ev);
		return 0;
	}
	if (starts(s, n, "Invalid user ")) {
		if (!user_from(s + 13, n - 13, &user, &ip))
			return 0;
		if (ps->n_pending == WARD_AUTH_PENDING_MAX) {
			/* Full: the oldest goes out now if there is room, else is lost. */
			put(out, &ps->pending[0].ev);
			drop_pending(ps, 0);
		}
		fill(&ps->pending[ps->n_pending].ev, t, WARD_AUTH_FAILURE, 1, 1, user, ip, host);
		ps->pending[ps->n_pending].pid = pid;
		ps->n_pending++;
		return 0;
	}
	if (ps->n_pending > 0 && conn_end(s, n, end_ip, sizeof(end_ip)))
		release(ps, REL_CONN, t, pid, end_ip[0] ? end_ip : NULL, out, 0);
	return 0;
}
