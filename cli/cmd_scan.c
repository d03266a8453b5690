/*
 * ward scan PATH...: ward's main job. Walks files and directories (symbolic
 * links inside them are not followed), sends each input to the area that understands it,
 * and reports what it could not handle.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "ward/error.h"
#include "ward/mail_scan.h"
#include "ward/scan.h"
#include "cli.h"

#define MAX_DEPTH 64

struct scan_state {
	struct cli *c;
	struct ward_domain_db *db;
	struct ward_out *o;
	struct ward_mail_scanner *mail; /* set up on the first message */
	struct cli_files *fscan;	/* set up on the first other file */
	int files_failed;
	unsigned long items, hits, bad, files, skipped;
};

static void
scan_file(struct scan_state *s, const char *path)
{
	uint8_t head[8192];
	size_t n;
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	enum ward_scan_kind kind;

	if (!fp) {
		cli_error(s->c, "%s: cannot open: %s", path, strerror(errno));
		return;
	}
	n = fread(head, 1, sizeof(head), fp);
	kind = ward_scan_sniff(head, n, path);
	s->files++;
	if (kind == WARD_SCAN_DOMAINS && fp != stdin) {
		rewind(fp);
		cli_domain_stream(s->c, s->db, s->o, fp, path, &s->items, &s->hits, &s->bad);
	} else if (kind == WARD_SCAN_AUTH && fp != stdin) {
		unsigned long lines = 0, events = 0;
		int alerts = cli_auth_scan_file(s->c, s->o, path, &lines, &events, &s->bad);
		s->items += events;
		if (alerts > 0)
			s->hits += (unsigned long)alerts;
	} else if (kind == WARD_SCAN_MAIL && fp != stdin) {
		if (!s->mail && !(s->mail = cli_mail_scanner(s->c, s->db, NULL, NULL)))
			goto done;
		cli_mail_scan_path(s->c, s->mail, s->o, path, &s->items, &s->hits);
	} else if (kind == WARD_SCAN_DOMAINS || kind == WARD_SCAN_AUTH || kind == WARD_SCAN_MAIL) {
		cli_error(s->c, "stdin: use ward domain scan -, ward auth scan or ward mail scan - "
				"for a stream");
	} else if (kind != WARD_SCAN_EMPTY && fp != stdin) {
		/* Anything else: keys, IOC hashes, YARA, documents, download origins. */
		if (!s->fscan && !s->files_failed && !(s->fscan = cli_files_new(s->c, s->db)))
			s->files_failed = 1;
		if (s->fscan) {
			cli_files_scan_one(s->c, s->fscan, s->o, path, &s->hits);
			s->items++;
		} else
			s->skipped++;
	} else if (kind != WARD_SCAN_EMPTY) {
		s->skipped++;
		cli_warn(s->c, "%s: not a kind of input ward scans yet, skipped", path);
	}
done:
	if (fp != stdin)
		fclose(fp);
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
scan_path(struct scan_state *s, const char *path, int depth)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0, i;

	if (strcmp(path, "-") == 0) {
		scan_file(s, path);
		return;
	}
	/* Paths named on the command line are followed, like find -H. */
	if ((depth == 0 ? stat(path, &st) : lstat(path, &st)) < 0) {
		cli_error(s->c, "%s: %s", path, strerror(errno));
		return;
	}
	if (S_ISLNK(st.st_mode))
		return; /* symlinks are not followed */
	if (S_ISREG(st.st_mode)) {
		scan_file(s, path);
		return;
	}
	if (!S_ISDIR(st.st_mode))
		return;
	if (depth >= MAX_DEPTH) {
		cli_warn(s->c, "%s: deeper than %d directories, not entered", path, MAX_DEPTH);
		return;
	}
	if (!(d = opendir(path))) {
		cli_error(s->c, "%s: %s", path, strerror(errno));
		return;
	}
	/* Sorted, so output order does not depend on the file system. */
	while ((e = readdir(d))) {
		char **nn;
		/* Dotfiles are scanned (.env, ._ AppleDouble files); version
		 * control stores are not. */
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
		    !strcmp(e->d_name, ".git") || !strcmp(e->d_name, ".hg") ||
		    !strcmp(e->d_name, ".svn"))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			nn = realloc(names, cap * sizeof(*nn));
			if (!nn)
				break;
			names = nn;
		}
		if (!(names[n] = malloc(strlen(path) + strlen(e->d_name) + 2)))
			break;
		sprintf(names[n], "%s%s%s", path, path[strlen(path) - 1] == '/' ? "" : "/",
			e->d_name);
		n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_names);
	for (i = 0; i < n; i++) {
		scan_path(s, names[i], depth + 1);
		free(names[i]);
	}
	free(names);
}

int
cmd_scan(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {COMMON_LONG_OPTIONS, {NULL, 0, NULL, 0}};
	struct scan_state s;
	struct timespec t0, t1;
	int opt, rc;

	memset(&s, 0, sizeof(s));
	s.c = c;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "c:f:h", opts, NULL)) != -1) {
		rc = cli_common_option(c, opt, optarg);
		if (rc < 0)
			return EXIT_ERROR;
		if (rc > 0)
			continue;
		if (opt == 'h') {
			puts("usage: ward scan [-f json|text|tsv] [-c ward.conf] PATH...\n"
			     "Scans files and directories with every check that applies.");
			return EXIT_CLEAN;
		}
		return EXIT_ERROR;
	}
	if (optind >= argc) {
		cli_error(c, "scan: no PATH given");
		return EXIT_ERROR;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (!(s.db = cli_domain_db(c)))
		return EXIT_ERROR;
	if (!(s.o = cli_output(c, stdout))) {
		ward_domain_db_free(s.db);
		return EXIT_ERROR;
	}
	for (; optind < argc; optind++)
		scan_path(&s, argv[optind], 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (ward_out_format(s.o) != WARD_FORMAT_TSV) {
		char f[32], sk[32], b[32];
		struct ward_kv extra[3] = {{"files", f}, {"skipped", sk}, {"bad_lines", b}};
		snprintf(f, sizeof(f), "%lu", s.files);
		snprintf(sk, sizeof(sk), "%lu", s.skipped);
		snprintf(b, sizeof(b), "%lu", s.bad);
		ward_out_stats(s.o, s.items, s.hits,
			       (double)(t1.tv_sec - t0.tv_sec) +
				   (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
			       extra, 3);
	}
	if (ward_out_flush(s.o) < 0)
		cli_error(c, "write error on standard output");
	ward_out_free(s.o);
	ward_mail_scanner_free(s.mail);
	cli_files_free(s.fscan);
	ward_domain_db_free(s.db);
	return c->failed ? EXIT_ERROR : c->found ? EXIT_FOUND : EXIT_CLEAN;
}
