/*
 * ward mail scan PATH...: judges mail in .eml files, mbox files, Maildirs,
 * directories of messages or stdin. Prints each finding, then one verdict
 * record per message with its URLs and attachments.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ward/error.h"
#include "ward/i18n.h"
#include "ward/mail_scan.h"
#include "cli.h"

struct mail_run {
	struct cli *c;
	struct ward_out *o;
	struct ward_mail_scanner *s;
	unsigned long messages, findings, flagged, errors;
	struct ward_buf art;
	int all_verdicts;
	struct mail_pool *pool; /* when scanning with several threads */
};

static void
usage(FILE *fp)
{
	fputs("usage: ward mail scan [OPTIONS] PATH...\n"
	      "PATH: a message (.eml), an mbox, a Maildir, a directory of messages, or -\n"
	      "options:\n"
	      "  -f, --format json|text|tsv   output format (default text)\n"
	      "      --executives NAMES       comma-separated names of people to protect\n"
	      "                               ([mail] executives)\n"
	      "      --internal DOMAINS       the organisation's own mail domains\n"
	      "                               ([mail] internal_domains)\n"
	      "      --quiet-clean            text output: no verdict line for clean messages\n"
	      "      --threads N              scanning threads (default: the number of CPUs,\n"
	      "                               at most 8); output order does not change\n"
	      "  -c, --config FILE            read ward.conf\n",
	      fp);
}

struct one_ctx {
	struct ward_out *o;
	unsigned long findings;
};

static void
on_finding(void *ctx, const struct ward_finding *f)
{
	struct one_ctx *oc = ctx;

	ward_out_finding(oc->o, f);
	oc->findings++;
}

int
cli_mail_scan_one(struct ward_mail_scanner *s, struct ward_out *o, struct ward_buf *art,
		  const char *path, size_t index, const uint8_t *p, size_t n, int all_verdicts,
		  unsigned long *findings, int *flagged)
{
	struct ward_mail_report rep;
	struct one_ctx oc = {o, 0};
	char name[4096];
	int rc;

	if (index > 0 || strcmp(path, "-") == 0)
		snprintf(name, sizeof(name), "%s#%zu", path, index + 1);
	else
		snprintf(name, sizeof(name), "%s", path);
	rc = ward_mail_scan(s, p, n, name, index, on_finding, &oc, &rep);
	*findings += oc.findings;
	*flagged = rc == 0 && strcmp(rep.verdict, "clean") != 0;
	if (rc < 0)
		return rc;
	if (ward_out_format(o) == WARD_FORMAT_JSON) {
		ward_buf_reset(art);
		ward_mail_report_artifacts(&rep, art);
		ward_out_verdict(o, "mail", name, rep.verdict, rep.score, ward_buf_cstr(art));
	} else if (ward_out_format(o) == WARD_FORMAT_TEXT &&
		   (all_verdicts || strcmp(rep.verdict, "clean") != 0)) {
		ward_out_verdict(o, "mail", name, rep.verdict, rep.score, NULL);
	}
	return 0;
}

static int
on_message(void *ctx, const char *path, size_t index, const uint8_t *p, size_t n)
{
	struct mail_run *r = ctx;
	int rc, flagged = 0;

	r->messages++;
	if (r->pool) {
		mail_pool_submit(r->pool, path, index, p, n);
		return 0;
	}
	rc = cli_mail_scan_one(r->s, r->o, &r->art, path, index, p, n, r->all_verdicts,
			       &r->findings, &flagged);
	if (rc < 0) {
		cli_error(r->c, "%s: %s", path, ward_strerror(rc));
		r->errors++;
	}
	if (flagged) {
		r->flagged++;
		r->c->found = 1;
	}
	return 0;
}

static void
on_error(void *ctx, const char *path, const char *what)
{
	struct mail_run *r = ctx;

	cli_error(r->c, "%s: %s", path, what);
	r->errors++;
}

/* Fills the scanner configuration from ward.conf. */
static void
scan_config(struct cli *c, struct ward_mail_scan_config *mc, const char *execs,
	    const char *internal)
{
	ward_mail_scan_config_default(mc);
	mc->executives = execs ? execs : ward_config_str(c->cfg, "mail", "executives");
	mc->internal_domains =
	    internal ? internal : ward_config_str(c->cfg, "mail", "internal_domains");
	mc->freemail = ward_config_str(c->cfg, "mail", "freemail");
	mc->file_hosts = ward_config_str(c->cfg, "mail", "file_hosts");
	mc->suspicious_score = (int)ward_config_int(c->cfg, "mail", "suspicious_score");
	mc->malicious_score = (int)ward_config_int(c->cfg, "mail", "malicious_score");
	mc->mail_limits.max_size = (size_t)ward_config_int(c->cfg, "limits", "max_mail");
	mc->mail_limits.max_depth = (unsigned)ward_config_int(c->cfg, "limits", "mime_depth");
	mc->mail_limits.max_parts = (unsigned)ward_config_int(c->cfg, "limits", "mime_parts");
	mc->file_limits.max_size = (size_t)ward_config_int(c->cfg, "limits", "max_file");
	mc->file_limits.max_depth = (unsigned)ward_config_int(c->cfg, "limits", "archive_depth");
	mc->file_limits.max_entries =
	    (unsigned)ward_config_int(c->cfg, "limits", "archive_entries");
	mc->file_limits.max_total = (uint64_t)ward_config_int(c->cfg, "limits", "archive_total");
	mc->file_limits.max_ratio = (unsigned)ward_config_int(c->cfg, "limits", "archive_ratio");
}

struct ward_mail_scanner *
cli_mail_scanner(struct cli *c, struct ward_domain_db *db, const char *execs, const char *internal)
{
	struct ward_mail_scan_config mc;
	struct ward_mail_scanner *s;

	scan_config(c, &mc, execs, internal);
	mc.db = db;
	s = ward_mail_scanner_new(&mc);
	if (!s)
		cli_error(c,
			  "cannot set up the mail scanner (out of memory, or libmagic's database "
			  "is missing)");
	return s;
}

int
cli_mail_scan_path(struct cli *c, struct ward_mail_scanner *s, struct ward_out *o, const char *path,
		   unsigned long *messages, unsigned long *findings)
{
	struct mail_run r;
	int rc;

	memset(&r, 0, sizeof(r));
	r.c = c;
	r.o = o;
	r.s = s;
	r.all_verdicts = 1;
	ward_buf_init(&r.art);
	rc = ward_mail_read_path(path, (size_t)ward_config_int(c->cfg, "limits", "max_mail"),
				 on_message, &r, on_error);
	if (rc < 0)
		cli_error(c, "%s: %s", path, ward_strerror(rc));
	ward_buf_free(&r.art);
	*messages += r.messages;
	*findings += r.findings;
	return rc;
}

int
cmd_mail(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
	    COMMON_LONG_OPTIONS,
	    {"executives", required_argument, NULL, 'E'},
	    {"internal", required_argument, NULL, 'I'},
	    {"quiet-clean", no_argument, NULL, 'Q'},
	    {"threads", required_argument, NULL, 'T'},
	    {NULL, 0, NULL, 0},
	};
	struct ward_mail_scanner *scanners[8] = {NULL};
	long threads = sysconf(_SC_NPROCESSORS_ONLN);
	char *end;
	int t;
	struct ward_domain_db *db;
	struct mail_run r;
	struct timespec t0, t1;
	const char *execs = NULL, *internal = NULL;
	int opt, rc;

	if (argc < 2 || strcmp(argv[1], "scan") != 0) {
		usage(argc >= 2 && !strcmp(argv[1], "--help") ? stdout : stderr);
		return argc >= 2 && !strcmp(argv[1], "--help") ? EXIT_CLEAN : EXIT_ERROR;
	}
	argc--, argv++;
	memset(&r, 0, sizeof(r));
	r.all_verdicts = 1;
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
		case 'E':
			execs = optarg;
			break;
		case 'I':
			internal = optarg;
			break;
		case 'Q':
			r.all_verdicts = 0;
			break;
		case 'T':
			threads = strtol(optarg, &end, 10);
			if (*end || threads < 1 || threads > 8) {
				cli_error(c, "--threads: \"%s\" is not a number from 1 to 8",
					  optarg);
				return EXIT_ERROR;
			}
			break;
		default:
			usage(stderr);
			return EXIT_ERROR;
		}
	}
	if (optind >= argc) {
		cli_error(c, "mail scan: no PATH given");
		return EXIT_ERROR;
	}
	if (!(db = cli_domain_db(c)))
		return EXIT_ERROR;
	r.c = c;
	/* The writer first: it sets up the message catalog the scanners look up. */
	if (!(r.o = cli_output(c, stdout))) {
		ward_domain_db_free(db);
		return EXIT_ERROR;
	}
	if (!(r.s = cli_mail_scanner(c, db, execs, internal))) {
		ward_out_free(r.o);
		ward_domain_db_free(db);
		return EXIT_ERROR;
	}
	ward_buf_init(&r.art);
	if (threads > 8)
		threads = 8;
	if (threads > 1) {
		/* One scanner per thread; every message is looked up in the catalog by
		 * now, so the threads only read it. */
		scanners[0] = r.s;
		for (t = 1; t < threads; t++)
			if (!(scanners[t] = cli_mail_scanner(c, db, execs, internal)))
				break;
		ward_i18n_freeze();
		r.pool = mail_pool_new(c, scanners, t, stdout, r.o, r.all_verdicts);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (; optind < argc; optind++) {
		rc = ward_mail_read_path(argv[optind],
					 (size_t)ward_config_int(c->cfg, "limits", "max_mail"),
					 on_message, &r, on_error);
		if (rc < 0)
			cli_error(c, "%s: %s", argv[optind], ward_strerror(rc));
	}
	if (r.pool)
		mail_pool_finish(r.pool, &r.findings, &r.flagged, &r.errors);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (ward_out_format(r.o) != WARD_FORMAT_TSV) {
		char fl[32], er[32];
		struct ward_kv extra[2] = {{"flagged", fl}, {"errors", er}};
		snprintf(fl, sizeof(fl), "%lu", r.flagged);
		snprintf(er, sizeof(er), "%lu", r.errors);
		ward_out_stats(r.o, r.messages, r.findings,
			       (double)(t1.tv_sec - t0.tv_sec) +
				   (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
			       extra, 2);
	}
	if (ward_out_flush(r.o) < 0)
		cli_error(c, "write error on standard output");
	ward_out_free(r.o);
	ward_buf_free(&r.art);
	for (t = 1; t < 8; t++)
		ward_mail_scanner_free(scanners[t]);
	ward_mail_scanner_free(r.s);
	ward_domain_db_free(db);
	return c->failed ? EXIT_ERROR : c->found ? EXIT_FOUND : EXIT_CLEAN;
}
