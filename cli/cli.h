/*
 * The ward command line: shared state of one run (configuration, output
 * writer, exit status) and the verbs. Front-end code owns I/O, flags and
 * exit codes; all analysis is libward's.
 */
#ifndef WARD_CLI_H
#define WARD_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "ward/auth.h"
#include "ward/buf.h"
#include "ward/config.h"
#include "ward/domain.h"
#include "ward/output.h"

#define EXIT_CLEAN 0
#define EXIT_FOUND 1
#define EXIT_ERROR 2

struct cli {
	const char *prog;
	struct ward_config *cfg;
	const char *config_path;
	int found;  /* something was found: exit 1 */
	int failed; /* an error occurred: exit 2 */
};

/* Prints "ward: " and the message to stderr; sets failed. */
void cli_error(struct cli *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cli_warn(struct cli *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Handles an option common to every verb (--config, --format, --lang, --color,
 * --set). Returns 1 when it was one, 0 when not, -1 on error. */
int cli_common_option(struct cli *c, int opt, const char *arg);

/* Reads a whole file (or "-" for stdin) up to max bytes. Caller frees *out. */
int cli_read_file(const char *path, size_t max, unsigned char **out, size_t *n);

/*
 * Reads one line of at most size-2 bytes into buf, without its newline, in
 * bounded memory: a longer line is consumed and *too_long set. Returns the
 * length, or -1 at the end of input.
 */
long cli_read_line(FILE *fp, char *buf, size_t size, int *too_long);

/* Creates the output writer from the configuration. */
struct ward_out *cli_output(struct cli *c, FILE *fp);

/* Builds the domain database from built-ins, config and flags. NULL on error. */
struct ward_domain_db *cli_domain_db(struct cli *c);

/* Streams one name per line from fp, classifying and printing each. */
int cli_domain_stream(struct cli *c, struct ward_domain_db *db, struct ward_out *o, FILE *fp,
		      const char *path, unsigned long *items, unsigned long *hits,
		      unsigned long *bad);

/* Scans one login log (format detected) and reports the attacks in it;
 * returns how many, or -1 on error. */
int cli_auth_scan_file(struct cli *c, struct ward_out *o, const char *path, unsigned long *lines,
		       unsigned long *events, unsigned long *bad);

/* Checks [auth] never_block; 0 or -1 (message printed). */
int auth_response_check(struct cli *c);
/* Blocks source in the nftables set of [auth] block_set/block_set6, or prints
 * the command (dry run) unless apply. Never-block networks are skipped. */
void auth_response(struct cli *c, struct ward_out *o, const char *source, const char *check,
		   int apply);

typedef void (*alert_fn)(void *ctx, const struct ward_auth_alert *a);

/*
 * Follows one log (auth_follow.c): reports attacks through report as they
 * are judged, keeps the windows in the SQLite file state, and returns when
 * SIGINT or SIGTERM arrives (0), or -1 on error.
 */
int auth_follow(struct cli *c, struct ward_out *o, const char *path, enum ward_auth_format fmt,
		int year, const struct ward_auth_thresholds *th, const char *state,
		double poll_seconds, alert_fn report, void *report_ctx, unsigned long *events,
		unsigned long *bad);

struct ward_mail_scanner;
/* A mail scanner set up from ward.conf (execs/internal override it when not NULL). */
struct ward_mail_scanner *cli_mail_scanner(struct cli *c, struct ward_domain_db *db,
					   const char *execs, const char *internal);
/* Scans the messages of one path (file, mbox, Maildir, directory) with s,
 * adding to the counts of messages and findings. */
int cli_mail_scan_path(struct cli *c, struct ward_mail_scanner *s, struct ward_out *o,
		       const char *path, unsigned long *messages, unsigned long *findings);

/* Scans one message and writes its findings and verdict to o. */
int cli_mail_scan_one(struct ward_mail_scanner *s, struct ward_out *o, struct ward_buf *art,
		      const char *path, size_t index, const uint8_t *p, size_t n, int all_verdicts,
		      unsigned long *findings, int *flagged);

/* Several threads, one scanner each; output in reading order (cli/mail_pool.c). */
struct mail_pool;
struct mail_pool *mail_pool_new(struct cli *c, struct ward_mail_scanner *const *scanners, int n,
				FILE *out, const struct ward_out *model, int all_verdicts);
void mail_pool_submit(struct mail_pool *p, const char *path, size_t index, const uint8_t *data,
		      size_t n);
void mail_pool_finish(struct mail_pool *p, unsigned long *findings, unsigned long *flagged,
		      unsigned long *errors);

struct cli_files;
/* The file scanner of ward scan (one thread), set up from ward.conf. */
struct cli_files *cli_files_new(struct cli *c, struct ward_domain_db *db);
void cli_files_free(struct cli_files *f);
/* Scans one file with f, adding to the count of findings; returns how many. */
int cli_files_scan_one(struct cli *c, struct cli_files *f, struct ward_out *o, const char *path,
		       unsigned long *findings);

int cmd_mail(struct cli *c, int argc, char **argv);
int cmd_files(struct cli *c, int argc, char **argv);
int cmd_domain(struct cli *c, int argc, char **argv);
int cmd_auth(struct cli *c, int argc, char **argv);
int cmd_scan(struct cli *c, int argc, char **argv);
int cmd_checks(struct cli *c, int argc, char **argv);
int cmd_config(struct cli *c, int argc, char **argv);

#define COMMON_LONG_OPTIONS                                                                        \
	{"config", required_argument, NULL, 'c'}, {"format", required_argument, NULL, 'f'},        \
	    {"lang", required_argument, NULL, 'L'}, {"color", required_argument, NULL, 'C'},       \
	    {"set", required_argument, NULL, 'S'},                                                 \
	{                                                                                          \
		"help", no_argument, NULL, 'h'                                                     \
	}

#endif
