/*
 * ward mail scan: what a message would show its reader, judged. The scanner
 * runs the sender, link, attachment and wording checks over a parsed
 * message, reports each finding, and closes with one verdict (clean,
 * suspicious, malicious) carrying the message's URLs and attachments.
 */
#ifndef WARD_MAIL_SCAN_H
#define WARD_MAIL_SCAN_H

#include <stddef.h>

#include "ward/domain.h"
#include "ward/file.h"
#include "ward/finding.h"
#include "ward/mail.h"

struct ward_mail_scanner;

struct ward_mail_scan_config {
	const struct ward_domain_db *db; /* required, built */
	const char *executives;		 /* "Name Surname, ..." protected people */
	const char *internal_domains;	 /* the organisation's own mail domains */
	const char *freemail;		 /* extra free-mail domains */
	const char *file_hosts;		 /* extra file-share / hosting domains */
	int suspicious_score;		 /* verdict thresholds (ward.conf [mail]) */
	int malicious_score;
	struct ward_mail_limits mail_limits;
	struct ward_file_limits file_limits;
};

void ward_mail_scan_config_default(struct ward_mail_scan_config *c);

/* Returns NULL on allocation failure or when libmagic cannot load. One scanner
 * per thread (it owns a file analyser). */
struct ward_mail_scanner *ward_mail_scanner_new(const struct ward_mail_scan_config *c);
void ward_mail_scanner_free(struct ward_mail_scanner *s);

#define WARD_MAIL_MAX_URLS 512
#define WARD_MAIL_MAX_ATTACHMENTS 128

struct ward_mail_attachment {
	char *name; /* decoded file name, or "" */
	char type[80];
	char kind[16];
	size_t size;
	char sha256[65];
};

/* One message's outcome, valid until the next scan with the same scanner. */
struct ward_mail_report {
	const char *verdict; /* "clean", "suspicious" or "malicious" */
	int score;
	size_t n_findings;
	const char *const *urls; /* unique, in order of appearance */
	size_t n_urls;
	const struct ward_mail_attachment *attachments;
	size_t n_attachments;
	const struct ward_mail *mail; /* the parsed message */
};

/* Receives each finding; the finding and its strings live until fn returns. */
typedef void (*ward_mail_finding_fn)(void *ctx, const struct ward_finding *f);

/*
 * Parses and scans one message p[0..n) read from path (index: its position in
 * an mbox, else 0). Findings go to fn as they are made; the verdict is in
 * *rep. Returns 0, or WARD_ELIMIT (message over max size, nothing scanned),
 * WARD_ENOMEM.
 */
int ward_mail_scan(struct ward_mail_scanner *s, const uint8_t *p, size_t n, const char *path,
		   size_t index, ward_mail_finding_fn fn, void *ctx, struct ward_mail_report *rep);

/* The verdict record's artifacts as a JSON object body (without braces). */
void ward_mail_report_artifacts(const struct ward_mail_report *rep, struct ward_buf *out);

/* Every mail check, NULL-terminated (for docs and tests). */
extern const struct ward_check *const ward_mail_checks[];

extern const struct ward_check ward_check_mail_executive;
extern const struct ward_check ward_check_mail_brand;
extern const struct ward_check ward_check_mail_display_address;
extern const struct ward_check ward_check_mail_confusable_name;
extern const struct ward_check ward_check_mail_reply_to;
extern const struct ward_check ward_check_mail_sender_lookalike;
extern const struct ward_check ward_check_mail_sender_invalid;
extern const struct ward_check ward_check_mail_free_host;
extern const struct ward_check ward_check_mail_auth_fail;
extern const struct ward_check ward_check_mail_link_lookalike;
extern const struct ward_check ward_check_mail_link_listed;
extern const struct ward_check ward_check_mail_link_ioc;
extern const struct ward_check ward_check_mail_link_new;
extern const struct ward_check ward_check_mail_link_text;
extern const struct ward_check ward_check_mail_link_ip;
extern const struct ward_check ward_check_mail_link_userinfo;
extern const struct ward_check ward_check_mail_link_shortener;
extern const struct ward_check ward_check_mail_link_file_share;
extern const struct ward_check ward_check_mail_html_form;
extern const struct ward_check ward_check_mail_lure;

#endif
