/*
 * ward files scan PATH...: walks trees and judges every file: SHA-256 IOC
 * sets, YARA rules, exposed key material, risky documents and archives, and
 * download origins. Also the file scanner ward scan hands other files to.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ward/buf.h"
#include "ward/error.h"
#include "ward/files.h"
#include "cli.h"

#define MAX_LIST 64

struct files_run {
	struct cli *c;
	struct ward_out *o;
	int progress;
	int progress_shown;
};

struct cli_files {
	struct ward_ioc_set *iocs;
	struct ward_yara *yara;
	struct ward_files_config cfg;
	struct ward_files_worker *worker; /* for cli_files_scan_one */
	char *excl_buf;
	const char *excludes[MAX_LIST + 1];
};

static void
usage(FILE *fp)
{
	fputs("usage: ward files scan [OPTIONS] PATH...\n"
	      "Looks for known malicious files (SHA-256 IOCs, YARA rules), exposed private keys,\n"
	      "wallets and seed phrases, risky documents and archives, and downloads from\n"
	      "look-alike or attacker domains.\n"
	      "options:\n"
	      "  -f, --format json|text|tsv   output format (default text)\n"
	      "      --rules PATH             YARA rule file or directory (repeatable;\n"
	      "                               [files] yara_rules)\n"
	      "      --ioc-hashes FILE        SHA-256 IOC list: plain, hash;size;name, ClamAV\n"
	      "                               .hsb or STIX 2.1 JSON (repeatable; [files] "
	      "ioc_hashes)\n"
	      "      --threads N              worker threads (default: online CPUs)\n"
	      "      --exclude GLOB           skip paths or names matching GLOB (repeatable)\n"
	      "      --max-file-size BYTES    skip larger files ([files] max_file_size)\n"
	      "      --one-file-system        stay on the file system of each PATH\n"
	      "      --follow-symlinks        follow symbolic links inside directories\n"
	      "      --no-cache               do not cache compiled YARA rules\n"
	      "  -c, --config FILE            read ward.conf\n",
	      fp);
}

static void
on_finding(void *ctx, const struct ward_finding *f)
{
	struct files_run *r = ctx;

	if (r->progress_shown) {
		fputs("\r\033[K", stderr);
		r->progress_shown = 0;
	}
	ward_out_finding(r->o, f);
	r->c->found = 1;
}

static void
on_error(void *ctx, const char *path, const char *what)
{
	struct files_run *r = ctx;

	if (r->progress_shown) {
		fputs("\r\033[K", stderr);
		r->progress_shown = 0;
	}
	cli_error(r->c, "%s: %s", path, what);
}

static void
on_progress(void *ctx, const struct ward_files_stats *st, const char *path)
{
	struct files_run *r = ctx;

	(void)path;
	ward_out_flush(r->o);
	fprintf(stderr, "\r\033[K%lu files, %.1f MB, %lu findings", st->files,
		(double)st->bytes / 1e6, st->findings);
	r->progress_shown = 1;
}

static void
on_yara_error(void *ctx, int warning, const char *file, int line, const char *msg)
{
	struct cli *c = ctx;

	if (warning)
		cli_warn(c, "%s:%d: warning: %s", file, line, msg);
	else
		cli_error(c, "%s:%d: error: %s", file, line, msg);
}

/* Appends a comma-separated list to the buffer. */
static int
join(struct ward_buf *b, const char *s)
{
	if (!s || !*s)
		return 0;
	if (b->len)
		ward_buf_addc(b, ',');
	ward_buf_adds(b, s);
	return ward_buf_failed(b) ? WARD_ENOMEM : 0;
}

static char *
cache_dir(void)
{
	const char *x = getenv("XDG_CACHE_HOME"), *h = getenv("HOME");
	char path[4096];

	if (x && x[0] == '/')
		snprintf(path, sizeof(path), "%s/ward", x);
	else if (h && h[0] == '/')
		snprintf(path, sizeof(path), "%s/.cache/ward", h);
	else
		return NULL;
	return strdup(path);
}

static int
load_iocs(struct cli *c, struct ward_ioc_set *s, const char *list)
{
	const char *p = list;
	size_t max = (size_t)ward_config_int(c->cfg, "limits", "max_list_file");

	char path[4096];

	while (p && ward_config_item(&p, path, sizeof(path))) {
		unsigned char *data = NULL;
		size_t n = 0;
		struct ward_ioc_report rep;
		int rc;
		if ((rc = cli_read_file(path, max, &data, &n)) < 0) {
			cli_error(c, "%s: %s", path, ward_strerror(rc));
			return -1;
		}
		rc = ward_ioc_set_load(s, data, n, path, &rep);
		free(data);
		if (rc < 0) {
			cli_error(c, "%s: %s", path,
				  rep.message[0] ? rep.message : ward_strerror(rc));
			return -1;
		}
		if (rep.bad)
			cli_warn(c, "%s: %zu unusable entries (first at line %ld)", path, rep.bad,
				 rep.first_bad_line);
	}
	return 0;
}

void
cli_files_free(struct cli_files *f)
{
	if (!f)
		return;
	ward_files_worker_free(f->worker);
	ward_yara_free(f->yara);
	ward_ioc_set_free(f->iocs);
	free(f->excl_buf);
	free(f);
}

/* Builds the scanner's configuration from ward.conf and the flags; NULL on error. */
static struct cli_files *
files_setup(struct cli *c, struct ward_domain_db *db, const char *rules, const char *iocs,
	    const char *excludes, long threads, long max_size, int use_cache)
{
	struct cli_files *f = calloc(1, sizeof(*f));
	struct ward_buf b;
	char *cdir = NULL;
	size_t ne = 0;
	int rc;

	if (!f) {
		cli_error(c, "out of memory");
		return NULL;
	}
	ward_buf_init(&b);
	ward_files_config_default(&f->cfg);
	f->cfg.db = db;
	f->cfg.file_limits.max_size = (size_t)ward_config_int(c->cfg, "limits", "max_file");
	f->cfg.file_limits.max_depth = (unsigned)ward_config_int(c->cfg, "limits", "archive_depth");
	f->cfg.file_limits.max_entries =
	    (unsigned)ward_config_int(c->cfg, "limits", "archive_entries");
	f->cfg.file_limits.max_total = (uint64_t)ward_config_int(c->cfg, "limits", "archive_total");
	f->cfg.file_limits.max_ratio = (unsigned)ward_config_int(c->cfg, "limits", "archive_ratio");
	f->cfg.max_file_size =
	    (uint64_t)(max_size > 0 ? max_size : ward_config_int(c->cfg, "files", "max_file_size"));
	f->cfg.threads =
	    (unsigned)(threads > 0 ? threads : ward_config_int(c->cfg, "files", "threads"));
	f->cfg.yara_timeout = (int)ward_config_int(c->cfg, "files", "yara_timeout");

	/* IOC hashes: built-in, then ward.conf, then the flags. */
	if (!(f->iocs = ward_ioc_set_new()) || ward_ioc_set_add_builtin(f->iocs) < 0) {
		cli_error(c, "cannot load the built-in IOC hashes");
		goto fail;
	}
	if (load_iocs(c, f->iocs, ward_config_str(c->cfg, "files", "ioc_hashes")) < 0 ||
	    load_iocs(c, f->iocs, iocs) < 0)
		goto fail;
	ward_ioc_set_build(f->iocs);
	f->cfg.iocs = f->iocs;

	/* YARA rules. */
	ward_buf_reset(&b);
	if (join(&b, ward_config_str(c->cfg, "files", "yara_rules")) < 0 || join(&b, rules) < 0)
		goto oom;
	if (b.len) {
		cdir = use_cache ? cache_dir() : NULL;
		rc = ward_yara_load(ward_buf_cstr(&b), cdir, on_yara_error, c, &f->yara);
		free(cdir);
		if (rc == 0 && !ward_config_bool(c->cfg, "files", "yara_gating"))
			ward_yara_set_gating(f->yara, 0);
		if (rc < 0) {
			if (rc != WARD_EFORMAT)
				cli_error(c, "YARA rules %s: %s", ward_buf_cstr(&b),
					  ward_strerror(rc));
			else
				cli_error(c, "YARA rules did not compile");
			goto fail;
		}
		f->cfg.yara = f->yara;
	}

	/* Excludes. */
	ward_buf_reset(&b);
	if (join(&b, ward_config_str(c->cfg, "files", "exclude")) < 0 || join(&b, excludes) < 0)
		goto oom;
	if (b.len) {
		char *s, *tok, *save = NULL;
		if (!(f->excl_buf = strdup(ward_buf_cstr(&b))))
			goto oom;
		for (s = f->excl_buf; (tok = strtok_r(s, ",", &save)) && ne < MAX_LIST; s = NULL) {
			while (*tok == ' ')
				tok++;
			if (*tok)
				f->excludes[ne++] = tok;
		}
	}
	f->cfg.walk.excludes = f->excludes;
	f->cfg.walk.n_excludes = ne;
	ward_buf_free(&b);
	return f;
oom:
	cli_error(c, "out of memory");
fail:
	ward_buf_free(&b);
	cli_files_free(f);
	return NULL;
}

struct cli_files *
cli_files_new(struct cli *c, struct ward_domain_db *db)
{
	struct cli_files *f = files_setup(c, db, NULL, NULL, NULL, 1, 0, 1);

	if (f && !(f->worker = ward_files_worker_new(&f->cfg))) {
		cli_error(c, "cannot set up the file scanner (libmagic's database is missing?)");
		cli_files_free(f);
		return NULL;
	}
	return f;
}

int
cli_files_scan_one(struct cli *c, struct cli_files *f, struct ward_out *o, const char *path,
		   unsigned long *findings)
{
	struct files_run r;
	struct ward_files_stats st;

	memset(&r, 0, sizeof(r));
	memset(&st, 0, sizeof(st));
	r.c = c;
	r.o = o;
	if (ward_files_excluded(&f->cfg.walk, path))
		return 0;
	ward_files_scan_file(f->worker, path, 0, on_finding, on_error, &r, &st);
	*findings += st.findings;
	return (int)st.findings;
}

static int
parse_long(struct cli *c, const char *opt, const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max) {
		cli_error(c, "%s: expected a number from %ld to %ld, got \"%s\"", opt, min, max, s);
		return -1;
	}
	*out = v;
	return 0;
}

int
cmd_files(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
	    COMMON_LONG_OPTIONS,
	    {"rules", required_argument, NULL, 'R'},
	    {"ioc-hashes", required_argument, NULL, 'I'},
	    {"threads", required_argument, NULL, 'T'},
	    {"exclude", required_argument, NULL, 'X'},
	    {"max-file-size", required_argument, NULL, 'M'},
	    {"one-file-system", no_argument, NULL, 'x'},
	    {"follow-symlinks", no_argument, NULL, 'L' + 256},
	    {"no-cache", no_argument, NULL, 'N'},
	    {NULL, 0, NULL, 0},
	};
	struct ward_buf rules, iocs, excl;
	struct ward_domain_db *db = NULL;
	struct cli_files *f = NULL;
	struct files_run r;
	struct ward_files_stats st;
	struct timespec t0, t1;
	long threads = 0, max_size = 0;
	int opt, rc, one_fs = 0, follow = 0, use_cache = 1, status = EXIT_ERROR;

	if (argc < 2 || strcmp(argv[1], "scan") != 0) {
		int help = argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"));
		usage(help ? stdout : stderr);
		return help ? EXIT_CLEAN : EXIT_ERROR;
	}
	argc--, argv++;
	ward_buf_init(&rules);
	ward_buf_init(&iocs);
	ward_buf_init(&excl);
	memset(&r, 0, sizeof(r));
	memset(&st, 0, sizeof(st));
	optind = 1;
	while ((opt = getopt_long(argc, argv, "c:f:h", opts, NULL)) != -1) {
		rc = cli_common_option(c, opt, optarg);
		if (rc < 0)
			goto out;
		if (rc > 0)
			continue;
		switch (opt) {
		case 'h':
			usage(stdout);
			status = EXIT_CLEAN;
			goto out;
		case 'R':
			if (join(&rules, optarg) < 0)
				goto out;
			break;
		case 'I':
			if (join(&iocs, optarg) < 0)
				goto out;
			break;
		case 'X':
			if (join(&excl, optarg) < 0)
				goto out;
			break;
		case 'T':
			if (parse_long(c, "--threads", optarg, 1, 256, &threads) < 0)
				goto out;
			break;
		case 'M':
			if (parse_long(c, "--max-file-size", optarg, 1, 1L << 40, &max_size) < 0)
				goto out;
			break;
		case 'x':
			one_fs = 1;
			break;
		case 'L' + 256:
			follow = 1;
			break;
		case 'N':
			use_cache = 0;
			break;
		default:
			usage(stderr);
			goto out;
		}
	}
	if (optind >= argc) {
		cli_error(c, "files scan: no PATH given");
		goto out;
	}
	if (!(db = cli_domain_db(c)))
		goto out;
	if (!(f = files_setup(c, db, ward_buf_cstr(&rules), ward_buf_cstr(&iocs),
			      ward_buf_cstr(&excl), threads, max_size, use_cache)))
		goto out;
	f->cfg.walk.one_file_system = one_fs;
	f->cfg.walk.follow_symlinks = follow;
	if (!(r.o = cli_output(c, stdout)))
		goto out;
	r.c = c;
	r.progress = isatty(STDERR_FILENO);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = ward_files_scan(&f->cfg, (const char *const *)(argv + optind), (size_t)(argc - optind),
			     on_finding, on_error, r.progress ? on_progress : NULL, &r, &st);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (r.progress_shown)
		fputs("\r\033[K", stderr);
	if (rc < 0)
		cli_error(c, "cannot scan: %s", ward_strerror(rc));
	if (ward_out_format(r.o) != WARD_FORMAT_TSV) {
		double secs =
		    (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
		char by[32], mbs[32], sk[32], er[32], fl[32], th[32], rl[32], ic[32];
		struct ward_kv extra[8] = {{"bytes", by},      {"mb_per_s", mbs}, {"skipped", sk},
					   {"errors", er},     {"flagged", fl},	  {"threads", th},
					   {"yara_rules", rl}, {"ioc_hashes", ic}};
		snprintf(by, sizeof(by), "%llu", (unsigned long long)st.bytes);
		snprintf(mbs, sizeof(mbs), "%.1f", secs > 0 ? (double)st.bytes / 1e6 / secs : 0.0);
		snprintf(sk, sizeof(sk), "%lu", st.skipped);
		snprintf(er, sizeof(er), "%lu", st.errors);
		snprintf(fl, sizeof(fl), "%lu", st.flagged);
		snprintf(th, sizeof(th), "%u",
			 f->cfg.threads ? f->cfg.threads : (unsigned)sysconf(_SC_NPROCESSORS_ONLN));
		snprintf(rl, sizeof(rl), "%u", ward_yara_rule_count(f->yara));
		snprintf(ic, sizeof(ic), "%zu", ward_ioc_set_count(f->iocs));
		ward_out_stats(r.o, st.files, st.findings, secs, extra, 8);
	}
	if (ward_out_flush(r.o) < 0)
		cli_error(c, "write error on standard output");
	status = c->failed ? EXIT_ERROR : c->found ? EXIT_FOUND : EXIT_CLEAN;
out:
	ward_out_free(r.o);
	cli_files_free(f);
	ward_domain_db_free(db);
	ward_buf_free(&rules);
	ward_buf_free(&iocs);
	ward_buf_free(&excl);
	return status;
}
