/*
 * ward domain check NAME...   classify names given as arguments
 * ward domain scan [FILE|-]   classify one name per line, streaming
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ward/buf.h"
#include "ward/error.h"
#include "cli.h"

#define MAX_LIST_FLAGS 32

struct list_flag {
	enum ward_domain_list which;
	const char *path;
};

static struct list_flag list_flags[MAX_LIST_FLAGS];
static size_t n_list_flags;
static const char *brand_flags[MAX_LIST_FLAGS];
static size_t n_brand_flags;

static double
now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *
list_name(enum ward_domain_list w)
{
	static const char *const n[] = {"block list", "allow list", "IOC list", "NRD feed"};
	return n[w];
}

/* Reads path and loads it as a list (which >= 0) or a brand file (which < 0). */
static int
load_file(struct cli *c, struct ward_domain_db *db, int which, const char *path)
{
	const char *what = which < 0 ? "brand list" : list_name((enum ward_domain_list)which);
	struct ward_load_report rep;
	unsigned char *buf;
	size_t n;
	int rc;

	rc = cli_read_file(path, (size_t)ward_config_int(c->cfg, "limits", "max_list_file"), &buf,
			   &n);
	if (rc < 0) {
		cli_error(c, "%s: cannot read %s: %s", path, what, ward_strerror(rc));
		return -1;
	}
	if (which < 0)
		rc = ward_domain_db_add_brands(db, buf, n, &rep);
	else
		rc = ward_domain_db_load_list(db, (enum ward_domain_list)which, buf, n, path, &rep);
	free(buf);
	if (rc < 0) {
		cli_error(c, "%s: not a usable %s: %s%s%s", path, what, ward_strerror(rc),
			  rep.message[0] ? ": " : "", rep.message);
		return -1;
	}
	if (rep.bad)
		cli_warn(c, "%s: %zu unusable line%s skipped (first at line %ld)", path, rep.bad,
			 rep.bad == 1 ? "" : "s", rep.first_bad_line);
	if (rep.entries == 0)
		cli_warn(c, "%s: no entries found in this %s", path, what);
	return 0;
}

/* Loads each path of a comma separated config value. */
static int
load_config_paths(struct cli *c, struct ward_domain_db *db, const char *key,
		  enum ward_domain_list which, int brands)
{
	const char *v = ward_config_str(c->cfg, "domain", key);
	char path[4096];

	while (ward_config_item(&v, path, sizeof(path)))
		if (load_file(c, db, brands ? -1 : (int)which, path) < 0)
			return -1;
	return 0;
}

struct ward_domain_db *
cli_domain_db(struct cli *c)
{
	struct ward_domain_db *db = ward_domain_db_new();
	const char *today_s = ward_config_str(c->cfg, "domain", "nrd_today");
	long today = -1;
	size_t i;
	int rc;

	if (!db) {
		cli_error(c, "cannot set up the domain classifier (ICU)");
		return NULL;
	}
	if (ward_config_bool(c->cfg, "domain", "builtin_brands") &&
	    (rc = ward_domain_db_add_builtin_brands(db)) < 0) {
		cli_error(c, "built-in brands: %s", ward_strerror(rc));
		goto fail;
	}
	if (ward_config_bool(c->cfg, "domain", "builtin_iocs") &&
	    (rc = ward_domain_db_add_builtin_iocs(db)) < 0) {
		cli_error(c, "built-in IOC domains: %s", ward_strerror(rc));
		goto fail;
	}
	for (i = 0; i < ward_config_brand_count(c->cfg); i++) {
		const struct ward_config_brand *b = ward_config_brand(c->cfg, i);
		if (ward_domain_db_add_brand(db, b->name, b->domains, b->tokens) < 0) {
			cli_error(c, "%s: brand %s: unusable domains or tokens",
				  c->config_path ? c->config_path : "config", b->name);
			goto fail;
		}
	}
	if (load_config_paths(c, db, "brands", 0, 1) < 0 ||
	    load_config_paths(c, db, "blocklist", WARD_DOMAIN_BLOCK, 0) < 0 ||
	    load_config_paths(c, db, "allowlist", WARD_DOMAIN_ALLOW, 0) < 0 ||
	    load_config_paths(c, db, "ioc", WARD_DOMAIN_IOC, 0) < 0 ||
	    load_config_paths(c, db, "nrd", WARD_DOMAIN_NRD, 0) < 0)
		goto fail;
	for (i = 0; i < n_brand_flags; i++)
		if (load_file(c, db, -1, brand_flags[i]) < 0)
			goto fail;
	for (i = 0; i < n_list_flags; i++)
		if (load_file(c, db, (int)list_flags[i].which, list_flags[i].path) < 0)
			goto fail;
	if (*today_s) {
		today = ward_domain_parse_date(today_s, strlen(today_s));
		if (today < 0) {
			cli_error(c, "nrd_today: \"%s\" is not a YYYY-MM-DD date", today_s);
			goto fail;
		}
	}
	ward_domain_db_set_nrd(db, ward_config_int(c->cfg, "domain", "nrd_max_age_days"), today);
	if ((rc = ward_domain_db_build(db)) < 0) {
		cli_error(c, "building the lookalike index: %s", ward_strerror(rc));
		goto fail;
	}
	return db;
fail:
	ward_domain_db_free(db);
	return NULL;
}

static void
emit(struct ward_out *o, const struct ward_domain_result *r, const char *path, long line,
     int report_clean)
{
	size_t i;

	if (ward_out_format(o) == WARD_FORMAT_TSV) {
		/* One row buffer for the whole run: the front end is single-threaded. */
		static struct ward_buf b;
		const char *brand = "";
		if (r->n_hits == 0) {
			/* Most names: straight into the output buffer. */
			ward_out_raw(o, r->name.ascii, r->name.ascii_len);
			ward_out_raw(o, "\tclean\t\t\n", 9);
			return;
		}
		ward_buf_reset(&b);
		for (i = 0; i < r->n_hits; i++)
			if (r->hits[i].brand) {
				brand = r->hits[i].brand;
				break;
			}
		/* A normalised name holds only [a-z0-9._-]: no escaping needed. */
		ward_buf_add(&b, r->name.ascii, r->name.ascii_len);
		ward_buf_addc(&b, '\t');
		ward_buf_adds(&b, ward_domain_verdict_name(r->verdict));
		ward_buf_addc(&b, '\t');
		ward_buf_tsv_field(&b, brand);
		ward_buf_addc(&b, '\t');
		for (i = 0; i < r->n_hits; i++) {
			if (i)
				ward_buf_addc(&b, ',');
			ward_buf_adds(&b, r->hits[i].check->id);
		}
		ward_buf_addc(&b, '\n');
		ward_out_raw(o, b.p, b.len);
		return;
	}
	for (i = 0; i < r->n_hits; i++) {
		const struct ward_domain_hit *h = &r->hits[i];
		struct ward_finding f;
		ward_finding_init(&f, h->check);
		f.subject_kind = path ? "file" : "input";
		f.subject_path = path;
		f.subject_line = line;
		f.object_kind = "domain";
		f.object_name = r->name.ascii;
		if (r->name.has_idn)
			ward_finding_evidence(&f, "unicode", r->name.unicode);
		ward_finding_evidence(&f, "registrable", r->name.registrable);
		if (h->brand)
			ward_finding_evidence(&f, "brand", h->brand);
		if (h->ref)
			ward_finding_evidence(&f, h->brand ? "official" : "source", h->ref);
		if (h->detail[0])
			ward_finding_evidence(&f,
					      h->check == &ward_check_domain_new ? "age_days"
					      : h->brand			 ? "match"
										 : "decoded",
					      h->detail);
		ward_finding_arg(&f, r->name.has_idn ? r->name.unicode : r->name.ascii);
		ward_finding_arg(&f, h->brand ? h->brand : "");
		ward_finding_arg(&f, h->ref ? h->ref : h->detail);
		ward_out_finding(o, &f);
	}
	if (ward_out_format(o) == WARD_FORMAT_JSON && (r->n_hits || report_clean))
		ward_out_verdict(o, "domain", r->name.ascii, ward_domain_verdict_name(r->verdict),
				 r->score, NULL);
}

int
cli_domain_stream(struct cli *c, struct ward_domain_db *db, struct ward_out *o, FILE *fp,
		  const char *path, unsigned long *items, unsigned long *hits, unsigned long *bad)
{
	size_t max_line = (size_t)ward_config_int(c->cfg, "limits", "max_line");
	/* Room for a full line beyond the limit, so a partial line always fits. */
	size_t cap = max_line * 2 + 65536 > (1u << 20) ? max_line * 2 + 65536 : 1u << 20;
	size_t len = 0, start, i;
	char *buf = malloc(cap);
	int progress = isatty(STDERR_FILENO);
	long line = 0, first_bad = 0;
	int skipping = 0, eof = 0,
	    report_clean = ward_config_bool(c->cfg, "domain", "report_clean");
	struct ward_domain_result r;

	if (!buf) {
		cli_error(c, "out of memory");
		return -1;
	}
	while (!eof) {
		size_t got = fread(buf + len, 1, cap - len, fp);
		if (got == 0) {
			if (ferror(fp)) {
				cli_error(c, "%s: read error", path ? path : "stdin");
				free(buf);
				return -1;
			}
			eof = 1;
			if (len == 0)
				break;
			buf[len++] = '\n'; /* a last line without newline; cap keeps room */
		} else {
			len += got;
		}
		start = 0;
		for (i = 0; i < len; i++) {
			size_t n;
			char *nl = memchr(buf + i, '\n', len - i);
			if (!nl)
				break;
			i = (size_t)(nl - buf);
			n = i - start;
			if (skipping) {
				skipping = 0; /* end of an over-long line already counted */
			} else {
				line++;
				if (n && buf[start + n - 1] == '\r')
					n--;
				if (n && buf[start] == '#') {
					/* a comment */
				} else if (n == 0 || n > max_line || memchr(buf + start, '\0', n) ||
					   ward_domain_classify(db, (const uint8_t *)buf + start, n,
								&r) < 0) {
					(*bad)++;
					if (!first_bad)
						first_bad = line;
				} else {
					(*items)++;
					if (r.n_hits) {
						(*hits)++;
						c->found = 1;
					}
					if (r.n_hits || report_clean ||
					    ward_out_format(o) == WARD_FORMAT_TSV)
						emit(o, &r, path, line, report_clean);
				}
			}
			start = i + 1;
		}
		/* Keep the partial line; a line longer than the limit is dropped as bad. */
		if (start < len && len - start > max_line) {
			if (!skipping) {
				line++;
				(*bad)++;
				if (!first_bad)
					first_bad = line;
			}
			skipping = 1;
			len = 0;
		} else {
			memmove(buf, buf + start, len - start);
			len -= start;
		}
		if (progress)
			fprintf(stderr, "\r%lu names, %lu flagged", *items, *hits);
	}
	if (progress)
		fputc('\n', stderr);
	free(buf);
	if (*bad)
		cli_warn(c, "%s: %lu unusable line%s skipped (first at line %ld)",
			 path ? path : "stdin", *bad, *bad == 1 ? "" : "s", first_bad);
	return 0;
}

static void
usage(FILE *fp)
{
	fputs("usage: ward domain check [OPTIONS] NAME...\n"
	      "       ward domain scan [OPTIONS] [FILE|-]\n"
	      "options:\n"
	      "  -f, --format json|text|tsv   output format (default text)\n"
	      "      --brands FILE            add protected brands (TSV)\n"
	      "      --blocklist FILE         names to block (list, hosts, CSV, JSON)\n"
	      "      --allowlist FILE         names never flagged\n"
	      "      --ioc FILE               IOC domains (domain[,reference])\n"
	      "      --nrd FILE               newly registered domains (domain,YYYY-MM-DD)\n"
	      "      --nrd-days N             age up to which a domain is new (default 30)\n"
	      "      --today YYYY-MM-DD       reference date for --nrd (default today)\n"
	      "      --all                    report clean names too\n"
	      "  -c, --config FILE            read ward.conf\n"
	      "      --lang en|ja             language of text output\n",
	      fp);
}

int
cmd_domain(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
	    COMMON_LONG_OPTIONS,
	    {"brands", required_argument, NULL, 'B'},
	    {"blocklist", required_argument, NULL, 'b'},
	    {"allowlist", required_argument, NULL, 'a'},
	    {"ioc", required_argument, NULL, 'i'},
	    {"nrd", required_argument, NULL, 'n'},
	    {"nrd-days", required_argument, NULL, 'D'},
	    {"today", required_argument, NULL, 'T'},
	    {"all", no_argument, NULL, 'A'},
	    {NULL, 0, NULL, 0},
	};
	struct ward_domain_db *db = NULL;
	struct ward_out *o = NULL;
	const char *verb;
	unsigned long items = 0, hits = 0, bad = 0;
	double t0 = now_seconds();
	char err[256];
	int opt, rc;

	if (argc < 2 || (strcmp(argv[1], "check") && strcmp(argv[1], "scan"))) {
		usage(argc < 2 ? stderr : (strcmp(argv[1], "--help") ? stderr : stdout));
		if (argc >= 2 && !strcmp(argv[1], "--help"))
			return EXIT_CLEAN;
		return EXIT_ERROR;
	}
	verb = argv[1];
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
		case 'B':
			if (n_brand_flags < MAX_LIST_FLAGS)
				brand_flags[n_brand_flags++] = optarg;
			break;
		case 'b':
		case 'a':
		case 'i':
		case 'n':
			if (n_list_flags < MAX_LIST_FLAGS) {
				list_flags[n_list_flags].which = opt == 'b'   ? WARD_DOMAIN_BLOCK
								 : opt == 'a' ? WARD_DOMAIN_ALLOW
								 : opt == 'i' ? WARD_DOMAIN_IOC
									      : WARD_DOMAIN_NRD;
				list_flags[n_list_flags++].path = optarg;
			}
			break;
		case 'D':
			if (ward_config_set(c->cfg, "domain", "nrd_max_age_days", optarg, err,
					    sizeof(err)) < 0) {
				cli_error(c, "--nrd-days: %s", err);
				return EXIT_ERROR;
			}
			break;
		case 'T':
			if (ward_domain_parse_date(optarg, strlen(optarg)) < 0) {
				cli_error(c, "--today: \"%s\" is not a YYYY-MM-DD date", optarg);
				return EXIT_ERROR;
			}
			ward_config_set(c->cfg, "domain", "nrd_today", optarg, err, sizeof(err));
			break;
		case 'A':
			ward_config_set(c->cfg, "domain", "report_clean", "yes", err, sizeof(err));
			break;
		default:
			usage(stderr);
			return EXIT_ERROR;
		}
	}
	if (!strcmp(verb, "check") && optind >= argc) {
		cli_error(c, "domain check: no name given");
		return EXIT_ERROR;
	}
	if (!strcmp(verb, "scan") && argc - optind > 1) {
		cli_error(c, "domain scan: give one FILE or - (use ward scan for many)");
		return EXIT_ERROR;
	}
	db = cli_domain_db(c);
	if (!db)
		return EXIT_ERROR;
	o = cli_output(c, stdout);
	if (!o) {
		ward_domain_db_free(db);
		cli_error(c, "out of memory");
		return EXIT_ERROR;
	}
	if (!strcmp(verb, "check")) {
		int report_clean = 1;
		for (; optind < argc; optind++) {
			struct ward_domain_result r;
			rc = ward_domain_classify(db, (const uint8_t *)argv[optind],
						  strlen(argv[optind]), &r);
			if (rc < 0) {
				cli_error(c, "\"%s\" is not a host name: %s", argv[optind],
					  ward_strerror(rc));
				bad++;
				continue;
			}
			items++;
			if (r.n_hits) {
				hits++;
				c->found = 1;
			} else if (ward_out_format(o) == WARD_FORMAT_TEXT) {
				char line[600];
				int k = snprintf(line, sizeof(line), "%-8s %-28s %s%s\n", "clean",
						 "-", r.name.ascii,
						 r.official	 ? " (official)"
						 : r.allowlisted ? " (allow list)"
								 : "");
				ward_out_raw(o, line,
					     (size_t)k < sizeof(line) ? (size_t)k
								      : sizeof(line) - 1);
			}
			if (ward_out_format(o) != WARD_FORMAT_TEXT || r.n_hits)
				emit(o, &r, NULL, 0, report_clean);
		}
	} else {
		const char *path = optind < argc ? argv[optind] : "-";
		FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
		if (!fp) {
			cli_error(c, "%s: cannot open: %s", path, strerror(errno));
		} else {
			cli_domain_stream(c, db, o, fp, strcmp(path, "-") ? path : NULL, &items,
					  &hits, &bad);
			if (fp != stdin)
				fclose(fp);
		}
	}
	if (ward_out_format(o) != WARD_FORMAT_TSV) {
		char badv[32];
		struct ward_kv extra[1] = {{"bad_lines", badv}};
		snprintf(badv, sizeof(badv), "%lu", bad);
		ward_out_stats(o, items, hits, now_seconds() - t0, extra, 1);
	}
	if (ward_out_flush(o) < 0)
		cli_error(c, "write error on standard output");
	ward_out_free(o);
	ward_domain_db_free(db);
	return c->failed ? EXIT_ERROR : c->found ? EXIT_FOUND : EXIT_CLEAN;
}
