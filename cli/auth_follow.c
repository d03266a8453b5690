/*
 * ward auth scan --follow: watches one log as it grows, through rotation
 * (the name now points to a new file: the old one is read to its end
 * first) and truncation (read again from the start). Attacks are reported
 * as they are judged. The detector's windows survive restarts: every event
 * still inside the longest window, the read position and the attacks
 * already reported are kept in one SQLite file (WAL, one transaction per
 * poll), and replayed when ward starts again, so a restart neither forgets
 * a slow attack nor reports an old one twice.
 */
#include <errno.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "ward/auth.h"
#include "cli.h"

#define LINE_MAX_FOLLOW (1024 * 1024)
#define MAX_EVENTS 64

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

struct follow {
	struct cli *c;
	sqlite3 *db;
	sqlite3_stmt *ins_event, *ins_alert, *has_alert;
	alert_fn report; /* the front end's writer */
	void *report_ctx;
	int replaying; /* rebuilding state: record, do not report */
};

static int
exec(struct follow *f, const char *sql)
{
	char *err = NULL;

	if (sqlite3_exec(f->db, sql, NULL, NULL, &err) != SQLITE_OK) {
		cli_error(f->c, "state: %s", err ? err : sqlite3_errmsg(f->db));
		sqlite3_free(err);
		return -1;
	}
	return 0;
}

static int
open_state(struct follow *f, const char *path)
{
	if (sqlite3_open(path, &f->db) != SQLITE_OK) {
		cli_error(f->c, "%s: %s", path, sqlite3_errmsg(f->db));
		return -1;
	}
	sqlite3_busy_timeout(f->db, 5000);
	if (exec(f, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
		    "CREATE TABLE IF NOT EXISTS events(t REAL, outcome INT, invalid INT, n INT,"
		    " user TEXT, source TEXT, host TEXT, service TEXT);"
		    "CREATE INDEX IF NOT EXISTS events_t ON events(t);"
		    "CREATE TABLE IF NOT EXISTS position(path TEXT PRIMARY KEY, dev INT, ino INT,"
		    " offset INT);"
		    "CREATE TABLE IF NOT EXISTS alerted(key TEXT PRIMARY KEY);") < 0)
		return -1;
	if (sqlite3_prepare_v2(f->db, "INSERT INTO events VALUES(?,?,?,?,?,?,?,?)", -1,
			       &f->ins_event, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(f->db, "INSERT OR IGNORE INTO alerted VALUES(?)", -1, &f->ins_alert,
			       NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(f->db, "SELECT 1 FROM alerted WHERE key=?", -1, &f->has_alert,
			       NULL) != SQLITE_OK) {
		cli_error(f->c, "%s: %s", path, sqlite3_errmsg(f->db));
		return -1;
	}
	return 0;
}

static void
close_state(struct follow *f)
{
	sqlite3_finalize(f->ins_event);
	sqlite3_finalize(f->ins_alert);
	sqlite3_finalize(f->has_alert);
	sqlite3_close(f->db);
}

static int
save_event(struct follow *f, const struct ward_auth_event *ev)
{
	sqlite3_stmt *s = f->ins_event;
	int rc;

	sqlite3_bind_double(s, 1, ev->time);
	sqlite3_bind_int(s, 2, (int)ev->outcome);
	sqlite3_bind_int(s, 3, ev->invalid_user);
	sqlite3_bind_int(s, 4, (int)(ev->count ? ev->count : 1));
	sqlite3_bind_text(s, 5, ev->user, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, ev->source, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, ev->host, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 8, ev->service, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* An attack is the same attack when its kind, first source, first account
 * and start agree. */
static void
alert_key(const struct ward_auth_alert *a, char *key, size_t n)
{
	snprintf(key, n, "%s|%s|%s|%.0f", a->check->id, a->n_sources ? a->sources[0] : "",
		 a->n_users ? a->users[0] : "", a->first);
}

static void
on_alert(void *ctx, const struct ward_auth_alert *a)
{
	struct follow *f = ctx;
	char key[512];
	int seen;

	alert_key(a, key, sizeof(key));
	sqlite3_bind_text(f->has_alert, 1, key, -1, SQLITE_TRANSIENT);
	seen = sqlite3_step(f->has_alert) == SQLITE_ROW;
	sqlite3_reset(f->has_alert);
	if (seen)
		return;
	sqlite3_bind_text(f->ins_alert, 1, key, -1, SQLITE_TRANSIENT);
	sqlite3_step(f->ins_alert);
	sqlite3_reset(f->ins_alert);
	if (!f->replaying)
		f->report(f->report_ctx, a);
}

/* Replays the kept events into a fresh detector. */
static int
replay(struct follow *f, struct ward_auth_detector *det, double horizon)
{
	sqlite3_stmt *s;
	struct ward_auth_event ev;
	int rc;

	if (sqlite3_prepare_v2(
		f->db,
		"SELECT t, outcome, invalid, n, user, source, host, service FROM events"
		" WHERE t >= (SELECT max(t) FROM events) - ? ORDER BY t",
		-1, &s, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_double(s, 1, horizon);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&ev, 0, sizeof(ev));
		ev.time = sqlite3_column_double(s, 0);
		ev.outcome = sqlite3_column_int(s, 1) ? WARD_AUTH_SUCCESS : WARD_AUTH_FAILURE;
		ev.invalid_user = sqlite3_column_int(s, 2);
		ev.count = (unsigned)sqlite3_column_int(s, 3);
		snprintf(ev.user, sizeof(ev.user), "%s", (const char *)sqlite3_column_text(s, 4));
		snprintf(ev.source, sizeof(ev.source), "%s",
			 (const char *)sqlite3_column_text(s, 5));
		snprintf(ev.host, sizeof(ev.host), "%s", (const char *)sqlite3_column_text(s, 6));
		snprintf(ev.service, sizeof(ev.service), "%s",
			 (const char *)sqlite3_column_text(s, 7));
		if (ward_auth_detector_add(det, &ev) < 0)
			break;
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

static long
saved_offset(struct follow *f, const char *path, const struct stat *st)
{
	sqlite3_stmt *s;
	long off = -1;

	if (sqlite3_prepare_v2(f->db, "SELECT dev, ino, offset FROM position WHERE path=?", -1, &s,
			       NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(s, 1, path, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW &&
	    sqlite3_column_int64(s, 0) == (sqlite3_int64)st->st_dev &&
	    sqlite3_column_int64(s, 1) == (sqlite3_int64)st->st_ino &&
	    sqlite3_column_int64(s, 2) <= (sqlite3_int64)st->st_size)
		off = (long)sqlite3_column_int64(s, 2);
	sqlite3_finalize(s);
	return off;
}

static void
save_offset(struct follow *f, const char *path, const struct stat *st, long off)
{
	sqlite3_stmt *s;

	if (sqlite3_prepare_v2(f->db, "INSERT OR REPLACE INTO position VALUES(?,?,?,?)", -1, &s,
			       NULL) != SQLITE_OK)
		return;
	sqlite3_bind_text(s, 1, path, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)st->st_dev);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)st->st_ino);
	sqlite3_bind_int64(s, 4, (sqlite3_int64)off);
	sqlite3_step(s);
	sqlite3_finalize(s);
}

/* Reads the complete lines now in fp; a partial last line waits for more. */
static int
drain(struct follow *f, FILE *fp, struct ward_auth_parser *ps, struct ward_auth_detector *det,
      char *line, unsigned long *events, unsigned long *bad)
{
	struct ward_auth_event ev[MAX_EVENTS];
	int too_long, k, i;
	long n, start;

	for (;;) {
		start = ftell(fp);
		n = cli_read_line(fp, line, LINE_MAX_FOLLOW + 2, &too_long);
		if (n < 0)
			break;
		if (feof(fp) && !too_long) {
			/* No newline yet: the writer is mid-line. */
			clearerr(fp);
			fseek(fp, start, SEEK_SET);
			break;
		}
		if (too_long) {
			(*bad)++;
			continue;
		}
		k = ward_auth_parser_feed(ps, (const uint8_t *)line, (size_t)n, ev, MAX_EVENTS);
		if (k < 0) {
			(*bad)++;
			continue;
		}
		for (i = 0; i < k; i++) {
			if (ward_auth_detector_add(det, &ev[i]) < 0 || save_event(f, &ev[i]) < 0)
				return -1;
		}
		*events += (unsigned long)k;
	}
	clearerr(fp);
	return 0;
}

int
auth_follow(struct cli *c, struct ward_out *o, const char *path, enum ward_auth_format fmt,
	    int year, const struct ward_auth_thresholds *th, const char *state, double poll_seconds,
	    alert_fn report, void *report_ctx, unsigned long *events, unsigned long *bad)
{
	struct follow f;
	struct ward_auth_parser *ps = NULL;
	struct ward_auth_detector *det = NULL;
	struct stat st, now_st;
	struct sigaction sa;
	FILE *fp = NULL;
	char *line = malloc(LINE_MAX_FOLLOW + 2);
	double horizon = th->dist_window > th->spray_window ? th->dist_window : th->spray_window;
	long off;
	int rc = -1;

	memset(&f, 0, sizeof(f));
	f.c = c;
	f.report = report;
	f.report_ctx = report_ctx;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (!line || open_state(&f, state) < 0)
		goto out;
	if (!(fp = fopen(path, "rb")) || fstat(fileno(fp), &st) < 0) {
		cli_error(c, "%s: cannot open: %s", path, strerror(errno));
		goto out;
	}
	/* An empty or young log may not show its format yet: wait for it. */
	while (fmt == WARD_AUTH_FMT_UNKNOWN && !stop) {
		uint8_t head[16384];
		size_t got;
		struct timespec ts = {0, 200000000};
		rewind(fp);
		got = fread(head, 1, sizeof(head), fp);
		fmt = ward_auth_detect(head, got);
		if (fmt != WARD_AUTH_FMT_UNKNOWN)
			break;
		if (got >= 4096) {
			cli_error(c, "%s: not a login log ward knows (use --log-format)", path);
			goto out;
		}
		clearerr(fp);
		nanosleep(&ts, NULL);
	}
	if (stop) {
		rc = 0;
		goto out;
	}
	ps = ward_auth_parser_new(fmt, year);
	det = ward_auth_detector_new(th);
	if (!ps || !det)
		goto out;
	/* Rebuild the windows, recording (not repeating) what they find. */
	f.replaying = 1;
	if (replay(&f, det, horizon) < 0 || ward_auth_detector_poll(det, horizon, on_alert, &f) < 0)
		goto out;
	f.replaying = 0;
	off = saved_offset(&f, path, &st);
	fseek(fp, off > 0 ? off : 0, SEEK_SET);
	while (!stop) {
		struct timespec ts;
		if (exec(&f, "BEGIN") < 0 || drain(&f, fp, ps, det, line, events, bad) < 0)
			goto out;
		ward_auth_detector_poll(det, th->brute_window, on_alert, &f);
		save_offset(&f, path, &st, ftell(fp));
		if (exec(&f, "COMMIT") < 0)
			goto out;
		ward_out_flush(o);
		if (stat(path, &now_st) == 0 &&
		    (now_st.st_ino != st.st_ino || now_st.st_dev != st.st_dev)) {
			/* Rotated: the old file was read to its end above. */
			FILE *nfp = fopen(path, "rb");
			if (nfp) {
				fclose(fp);
				fp = nfp;
				st = now_st;
				continue;
			}
		} else if (stat(path, &now_st) == 0 && now_st.st_size < ftell(fp)) {
			fseek(fp, 0, SEEK_SET); /* truncated: start again */
			st = now_st;
			continue;
		}
		ts.tv_sec = (time_t)poll_seconds;
		ts.tv_nsec = (long)((poll_seconds - (double)ts.tv_sec) * 1e9);
		nanosleep(&ts, NULL);
	}
	/* Keep only what the windows still need. */
	{
		char sql[160];
		snprintf(sql, sizeof(sql),
			 "DELETE FROM events WHERE t < (SELECT max(t) FROM events) - %.0f",
			 horizon);
		exec(&f, sql);
	}
	rc = 0;
out:
	if (fp)
		fclose(fp);
	free(line);
	ward_auth_parser_free(ps);
	ward_auth_detector_free(det);
	close_state(&f);
	return rc;
}
