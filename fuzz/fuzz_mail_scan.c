/*
 * Fuzzes the whole mail scanner (ward_mail_scan): parsing, sender, link,
 * attachment and wording checks on one message. Every finding must be
 * complete (check, subject, a message argument) and the verdict one of the
 * three words, with a score that is the sum the checks allow.
 */
#include <stdint.h>
#include <string.h>

#include "ward/domain.h"
#include "ward/mail_scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct ward_domain_db *db;
static struct ward_mail_scanner *scanner;

static void
check_finding(void *ctx, const struct ward_finding *f)
{
	size_t i;

	(void)ctx;
	if (!f->check || !f->check->id || !f->subject_kind || f->n_args > WARD_FINDING_MAX_ARGS ||
	    f->n_evidence > WARD_FINDING_MAX_EVIDENCE)
		__builtin_trap();
	for (i = 0; i < f->n_args; i++)
		if (!f->args[i] || strlen(f->args[i]) > (1u << 24))
			__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ward_mail_report rep;
	size_t i;

	if (!scanner) {
		struct ward_mail_scan_config c;
		db = ward_domain_db_new();
		if (!db || ward_domain_db_add_builtin_brands(db) < 0 ||
		    ward_domain_db_add_builtin_iocs(db) < 0 || ward_domain_db_build(db) < 0)
			__builtin_trap();
		ward_mail_scan_config_default(&c);
		c.db = db;
		c.executives = "Taro Yamada";
		c.internal_domains = "examplex.co.jp";
		scanner = ward_mail_scanner_new(&c);
		if (!scanner)
			__builtin_trap();
	}
	if (ward_mail_scan(scanner, data, size, "fuzz.eml", 0, check_finding, NULL, &rep) < 0)
		return 0;
	if (strcmp(rep.verdict, "clean") && strcmp(rep.verdict, "suspicious") &&
	    strcmp(rep.verdict, "malicious"))
		__builtin_trap();
	if (rep.score < 0 || rep.n_urls > WARD_MAIL_MAX_URLS ||
	    rep.n_attachments > WARD_MAIL_MAX_ATTACHMENTS)
		__builtin_trap();
	for (i = 0; i < rep.n_attachments; i++)
		if (strlen(rep.attachments[i].sha256) != 64)
			__builtin_trap();
	return 0;
}
