/*
 * ward auth scan [OPTIONS] FILE...: login attacks in authentication logs.
 * Each file is parsed in its own format (detected, or --log-format) and
 * judged on its own log time; attacks are reported when the file ends.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ward/auth.h"
#include "ward/buf.h"
#include "ward/error.h"
#include "ward/strmap.h"
#include "cli.h"

/* Windows XML and JSON events are long: as WARD_LIMIT_LOG_LINE_LEN in limits.h. */
#define LOG_LINE_MAX (1024 * 1024)
#define MAX_EVENTS 64

static unsigned long total_alerts;
static int respond, apply_response; /* --block, --apply */
static struct ward_strmap *blocked; /* addresses already handled */

struct auth_run {
	struct cli *c;
	struct ward_out *o;
	const char *path;
	unsigned long alerts;
};

static void
iso_time(double t, char *buf, size_t n)
{
	time_t s = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&s, &tm) || !strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, n, "%.0f", t);
}

/* "a, b, c and 7 more" into buf. */
static void
summary(const char *const *items, size_t n, char *buf, size_t size)
{
	size_t i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < n && i < 3 && o + 1 < size; i++)
		o += (size_t)snprintf(buf + o, size - o, "%s%s", i ? ", " : "", items[i]);
	if (n > 3 && o + 1 < size)
		snprintf(buf + o, size - o, " (+%zu)", n - 3);
}

static void
on_alert(void *ctx, const struct ward_auth_alert *a)
{
	struct auth_run *run = ctx;
	struct ward_finding f;
	struct ward_buf srcs, users;
	char s1[200], s2[200], span[160], t1[32], t2[32], attempts[32], nsrc[32], nusr[32];
	size_t i;

	ward_buf_init(&srcs);
	ward_buf_init(&users);
	for (i = 0; i < a->n_sources; i++) {
		if (i)
			ward_buf_addc(&srcs, ',');
		ward_buf_tsv_field(&srcs, a->sources[i]);
	}
	for (i = 0; i < a->n_users; i++) {
		if (i)
			ward_buf_addc(&users, ',');
		ward_buf_tsv_field(&users, a->users[i]);
	}
	summary(a->sources, a->n_sources, s1, sizeof(s1));
	summary(a->users, a->n_users, s2, sizeof(s2));
	iso_time(a->first, t1, sizeof(t1));
	iso_time(a->last, t2, sizeof(t2));
	snprintf(span, sizeof(span), "n=%u, %s .. %s", a->attempts, t1, t2);
	snprintf(attempts, sizeof(attempts), "%u", a->attempts);
	snprintf(nsrc, sizeof(nsrc), "%zu", a->n_sources);
	snprintf(nusr, sizeof(nusr), "%zu", a->n_users);
	ward_finding_init(&f, a->check);
	f.subject_kind = "log";
	f.subject_path = run->path;
	f.object_kind = a->n_sources == 1 ? "source" : "sources";
	f.object_name = a->n_sources ? a->sources[0] : "";
	ward_finding_evidence(&f, "sources", ward_buf_cstr(&srcs));
	ward_finding_evidence(&f, "accounts", ward_buf_cstr(&users));
	ward_finding_evidence(&f, "n_sources", nsrc);
	ward_finding_evidence(&f, "n_accounts", nusr);
	ward_finding_evidence(&f, "attempts", attempts);
	ward_finding_evidence(&f, "first", t1);
	ward_finding_evidence(&f, "last", t2);
	ward_finding_arg(&f, s1);
	ward_finding_arg(&f, s2);
	ward_finding_arg(&f, span);
	ward_out_finding(run->o, &f);
	ward_buf_free(&srcs);
	ward_buf_free(&users);
	if (respond) {
		for (i = 0; i < a->n_sources; i++) {
			size_t n = strlen(a->sources[i]);
			if (blocked && ward_strmap_get(blocked, a->sources[i], n, NULL))
				continue;
			if (blocked)
				ward_strmap_put(blocked, a->sources[i], n, 1);
			auth_response(run->c, run->o, a->sources[i], a->check->id, apply_response);
		}
	}
	run->alerts++;
	total_alerts++;
	run->c->found = 1;
}

/* Streams one log through a parser into a detector; returns 0 or -1. */
static int
scan_log(struct cli *c, struct ward_out *o, const char *path, enum ward_auth_format fmt, int year,
	 const struct ward_auth_thresholds *th, unsigned long *lines, unsigned long *events,
	 unsigned long *bad)
{
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	struct ward_auth_parser *ps = NULL;
	struct ward_auth_detector *det = NULL;
	struct ward_auth_event ev[MAX_EVENTS];
	struct auth_run run = {c, o, path, 0};
	char *line = malloc(LOG_LINE_MAX + 2);
	long n, lineno = 0, first_bad = 0;
	int rc = -1, i, k, too_long;

	if (!fp || !line) {
		cli_error(c, "%s: cannot open: %s", path, fp ? "out of memory" : strerror(errno));
		free(line);
		if (fp && fp != stdin)
			fclose(fp);
		return -1;
	}
	if (fmt == WARD_AUTH_FMT_UNKNOWN) {
		uint8_t head[16384];
		size_t got = fread(head, 1, sizeof(head), fp);
		fmt = ward_auth_detect(head, got);
		if (fmt == WARD_AUTH_FMT_UNKNOWN) {
			cli_error(c, "%s: not a login log ward knows (use --log-format)", path);
			goto out;
		}
		if (fp == stdin) {
			cli_error(c, "stdin: give --log-format when reading a log from stdin");
			goto out;
		}
		rewind(fp);
	}
	ps = ward_auth_parser_new(fmt, year ? year : (int)ward_config_int(c->cfg, "auth", "year"));
	det = ward_auth_detector_new(th);
	if (!ps || !det) {
		cli_error(c, "out of memory");
		goto out;
	}
	if (*ward_config_str(c->cfg, "auth", "web_fields") &&
	    ward_auth_parser_set_web_fields(ps, ward_config_str(c->cfg, "auth", "web_fields")) <
		0) {
		cli_error(c,
			  "[auth] web_fields: expected KEY=NAME,... with keys time, user, source, "
			  "outcome, reason, app, event, host, event_value, success, failure, "
			  "unknown_user");
		goto out;
	}
	while ((n = cli_read_line(fp, line, LOG_LINE_MAX + 2, &too_long)) >= 0) {
		lineno++;
		if (too_long) {
			(*bad)++;
			first_bad = first_bad ? first_bad : lineno;
			continue;
		}
		k = ward_auth_parser_feed(ps, (const uint8_t *)line, (size_t)n, ev, MAX_EVENTS);
		if (k < 0) {
			(*bad)++;
			first_bad = first_bad ? first_bad : lineno;
			continue;
		}
		for (i = 0; i < k; i++) {
			if (ward_auth_detector_add(det, &ev[i]) < 0) {
				cli_error(c, "%s: out of memory", path);
				goto out;
			}
		}
		*events += (unsigned long)k;
	}
	/* Events the parser held back (sshd "Invalid user" lines) end with the log. */
	do {
		k = ward_auth_parser_flush(ps, ev, MAX_EVENTS);
		for (i = 0; i < k; i++)
			if (ward_auth_detector_add(det, &ev[i]) < 0) {
				cli_error(c, "%s: out of memory", path);
				goto out;
			}
		*events += k > 0 ? (unsigned long)k : 0;
	} while (k == MAX_EVENTS);
	*lines += (unsigned long)lineno;
	if (ferror(fp)) {
		cli_error(c, "%s: read error", path);
		goto out;
	}
	ward_auth_detector_flush(det, on_alert, &run);
	if (first_bad)
		cli_warn(c, "%s: %lu malformed %s line%s skipped (first at line %ld)", path, *bad,
			 ward_auth_format_name(fmt), *bad == 1 ? "" : "s", first_bad);
	rc = 0;
out:
	free(line);
	ward_auth_parser_free(ps);
	ward_auth_detector_free(det);
	if (fp != stdin)
		fclose(fp);
	return rc;
}

/* Thresholds from [auth] in ward.conf (every key has a default there). */
static void
thresholds(struct cli *c, struct ward_auth_thresholds *t)
{
	ward_auth_thresholds_default(t);
	t->brute_failures = (unsigned)ward_config_int(c->cfg, "auth", "brute_failures");
	t->brute_window = (double)ward_config_int(c->cfg, "auth", "brute_window");
	t->spray_accounts = (unsigned)ward_config_int(c->cfg, "auth", "spray_accounts");
	t->spray_window = (double)ward_config_int(c->cfg, "auth", "spray_window");
	t->dist_sources = (unsigned)ward_config_int(c->cfg, "auth", "dist_sources");
	t->dist_accounts = (unsigned)ward_config_int(c->cfg, "auth", "dist_accounts");
	t->dist_window = (double)ward_config_int(c->cfg, "auth", "dist_window");
	t->saf_failures = (unsigned)ward_config_int(c->cfg, "auth", "saf_failures");
	t->saf_window = (double)ward_config_int(c->cfg, "auth", "saf_window");
	t->max_sources = (size_t)ward_config_int(c->cfg, "auth", "max_sources");
}

int
cli_auth_scan_file(struct cli *c, struct ward_out *o, const char *path, unsigned long *lines,
		   unsigned long *events, unsigned long *bad)
{
	struct ward_auth_thresholds th;
	unsigned long before = total_alerts;

	thresholds(c, &th);
	if (scan_log(c, o, path, WARD_AUTH_FMT_UNKNOWN, 0, &th, lines, events, bad) < 0)
		return -1;
	return (int)(total_alerts - before);
}

static void
usage(FILE *fp)
{
	fputs("usage: ward auth scan [OPTIONS] FILE...\n"
	      "options:\n"
	      "  -f, --format json|text|tsv   output format (default text)\n"
	      "      --log-format FMT         syslog, journald, winsec-json, winsec-xml, web-json\n"
	      "                               (default: detected from the content)\n"
	      "      --year YYYY              year of RFC 3164 timestamps (default: this year)\n"
	      "      --block                  print nft commands that would block the attackers\n"
	      "      --apply                  run them (sets of [auth] block_set, block_set6)\n"
	      "      --follow                 watch one log as it grows (rotation, truncation)\n"
	      "      --state FILE             SQLite file keeping the windows across restarts\n"
	      "      --poll SECONDS           how often a followed log is read (default 1)\n"
	      "  -c, --config FILE            read ward.conf\n",
	      fp);
}

int
cmd_auth(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
	    COMMON_LONG_OPTIONS,
	    {"log-format", required_argument, NULL, 'F'},
	    {"year", required_argument, NULL, 'Y'},
	    {"block", no_argument, NULL, 'K'},
	    {"follow", no_argument, NULL, 'W'},
	    {"state", required_argument, NULL, 's'},
	    {"poll", required_argument, NULL, 'p'},
	    {"apply", no_argument, NULL, 'P'},
	    {NULL, 0, NULL, 0},
	};
	enum ward_auth_format fmt = WARD_AUTH_FMT_UNKNOWN;
	struct ward_auth_thresholds th;
	struct ward_out *o;
	unsigned long lines = 0, events = 0, bad = 0, files = 0;
	struct timespec t0, t1;
	int opt, rc, year = 0, follow = 0;
	const char *state = NULL;
	double poll_seconds = 1.0;
	char *end;

	if (argc < 2 || strcmp(argv[1], "scan") != 0) {
		usage(argc >= 2 && !strcmp(argv[1], "--help") ? stdout : stderr);
		return argc >= 2 && !strcmp(argv[1], "--help") ? EXIT_CLEAN : EXIT_ERROR;
	}
	argc--, argv++;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "c:f:h", opts, NULL)) != -1) {
		rc = cli_common_option(c, opt, optarg);
		if (rc < 0)
			return EXIT_ERROR;
		if (rc > 0)
			continue;
		switch (opt) {
		case 'h':
			usage(stdout);
			return EXIT_CLEAN;
		case 'F':
			fmt = ward_auth_format_parse(optarg);
			if (fmt == WARD_AUTH_FMT_UNKNOWN) {
				cli_error(c, "--log-format: unknown format \"%s\"", optarg);
				return EXIT_ERROR;
			}
			break;
		case 'Y':
			year = (int)strtol(optarg, &end, 10);
			if (*end || year < 1970 || year > 9999) {
				cli_error(c, "--year: \"%s\" is not a year", optarg);
				return EXIT_ERROR;
			}
			break;
		case 'K':
			respond = 1;
			break;
		case 'W':
			follow = 1;
			break;
		case 's':
			state = optarg;
			break;
		case 'p':
			poll_seconds = strtod(optarg, &end);
			if (*end || poll_seconds < 0.01 || poll_seconds > 3600) {
				cli_error(c, "--poll: \"%s\" is not a number of seconds", optarg);
				return EXIT_ERROR;
			}
			break;
		case 'P':
			respond = apply_response = 1;
			break;
		default:
			usage(stderr);
			return EXIT_ERROR;
		}
	}
	if (respond && (auth_response_check(c) < 0 || !(blocked = ward_strmap_new())))
		return EXIT_ERROR;
	if (optind >= argc) {
		cli_error(c, "auth scan: no FILE given");
		return EXIT_ERROR;
	}
	thresholds(c, &th);
	if (!(o = cli_output(c, stdout)))
		return EXIT_ERROR;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (follow) {
		struct auth_run run = {c, o, argv[optind], 0};
		if (!state)
			state = ward_config_str(c->cfg, "auth", "state");
		if (!*state || argc - optind != 1) {
			cli_error(c, "--follow takes one FILE and a --state file ([auth] state)");
			ward_out_free(o);
			return EXIT_ERROR;
		}
		if (auth_follow(c, o, argv[optind], fmt,
				year ? year : (int)ward_config_int(c->cfg, "auth", "year"), &th,
				state, poll_seconds, on_alert, &run, &events, &bad) < 0)
			c->failed = 1;
		files = 1;
	}
	for (; !follow && optind < argc; optind++, files++)
		scan_log(c, o, argv[optind], fmt, year, &th, &lines, &events, &bad);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (ward_out_format(o) != WARD_FORMAT_TSV) {
		char l[32], b[32], f[32];
		struct ward_kv extra[3] = {{"lines", l}, {"bad_lines", b}, {"files", f}};
		snprintf(l, sizeof(l), "%lu", lines);
		snprintf(b, sizeof(b), "%lu", bad);
		snprintf(f, sizeof(f), "%lu", files);
		ward_out_stats(o, events, total_alerts,
			       (double)(t1.tv_sec - t0.tv_sec) +
				   (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
			       extra, 3);
	}
	if (ward_out_flush(o) < 0)
		cli_error(c, "write error on standard output");
	ward_out_free(o);
	ward_strmap_free(blocked);
	blocked = NULL;
	return c->failed ? EXIT_ERROR : c->found ? EXIT_FOUND : EXIT_CLEAN;
}
