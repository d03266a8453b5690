/*
 * Inside the mail scanner: the state of one scan and the check families
 * (sender, links, attachments, wording) that report into it.
 */
#ifndef WARD_MAIL_INTERNAL_H
#define WARD_MAIL_INTERNAL_H

#include <stddef.h>

#include "ward/buf.h"
#include "ward/mail_scan.h"
#include "ward/strmap.h"

/* Marks a phrase passed as a message argument; po/ja.po translates it. */
#define N_(s) s

struct ward_mail_scanner {
	struct ward_mail_scan_config cfg;
	struct ward_file_ctx *files;
	char **execs; /* executives' names, folded (see mail_fold_name) */
	size_t n_execs;
	struct ward_strmap *internal;  /* own registrable domains */
	struct ward_strmap *freemail;  /* free-mail registrable domains */
	struct ward_strmap *filehosts; /* file-share services (host or a parent) */
	struct ward_strmap *hosting;   /* page, bucket and tenant hosting platforms */
	struct ward_strmap *brands;    /* folded brand display names -> brand index + 1 */
	void *spoof;		       /* ICU USpoofChecker for mixed-script names */

	/* One message, reset by each scan. */
	struct ward_mail *mail;
	struct ward_strmap *url_seen;
	char **urls;
	size_t n_urls, cap_urls;
	struct ward_mail_attachment atts[WARD_MAIL_MAX_ATTACHMENTS];
	size_t n_atts;
	const struct ward_check *seen_checks[64]; /* scored checks and their best score */
	int seen_scores[64];
	size_t n_seen;
	size_t n_findings;
	const char *path;
	const char *message_id;
	ward_mail_finding_fn fn;
	void *fn_ctx;
	struct ward_buf scratch;
};

/*
 * Reports a finding about object (kind, name) with message arguments a1..a3
 * (NULL ends the list) and up to 3 evidence pairs (key NULL ends). A check
 * adds its score to the message once, however often it fires.
 */
void mail_report(struct ward_mail_scanner *s, const struct ward_check *c, const char *object_kind,
		 const char *object_name, const char *a1, const char *a2, const char *a3,
		 const char *k1, const char *v1, const char *k2, const char *v2);

/* Same, with an explicit score (e.g. a file check found inside an attachment). */
void mail_report_scored(struct ward_mail_scanner *s, const struct ward_check *c, int score,
			const char *object_kind, const char *object_name, const char *a1,
			const char *a2, const char *a3, const char *k1, const char *v1,
			const char *k2, const char *v2);

/* Folds a display name for comparison: lower case, letters and digits only, single
 * spaces between words. Writes at most size-1 bytes. */
/* Whether host or one of its parents is in m. */
int mail_host_listed(const struct ward_strmap *m, const char *host);

void mail_fold_name(const char *in, char *out, size_t size);

/* The registrable domain of host (lower case), written to out; "" if none. */
void mail_registrable(const char *host, char *out, size_t size);

/* The domain part of an address (after the last '@'), lower-cased, or "". */
void mail_addr_domain(const char *addr, char *out, size_t size);

void mail_check_sender(struct ward_mail_scanner *s, const struct ward_mail *m);
void mail_check_links(struct ward_mail_scanner *s, const struct ward_mail *m);
void mail_check_attachments(struct ward_mail_scanner *s, const struct ward_mail *m);
void mail_check_lure(struct ward_mail_scanner *s, const struct ward_mail *m);

/* Built-in lists (mail_lists.c). */
extern const char *const mail_builtin_freemail[];
extern const char *const mail_builtin_filehosts[];
extern const char *const mail_builtin_hosting[];
/* Impersonated organisations: "display name|domain domain ...", NULL-terminated. */
extern const char *const mail_builtin_brands[];
extern const char *const mail_phrases[];

#endif
