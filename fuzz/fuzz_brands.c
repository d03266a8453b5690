/*
 * Fuzzes brand TSV rows (ward_domain_db_add_brands, the format of
 * data/brands.tsv), then builds the lookalike index from them and
 * classifies a few fixed names so the index is walked.
 */
#include <stdint.h>
#include <string.h>

#include "ward/domain.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const names[] = {"acme.com", "login-acme.example.net", "xn--acm-2na.com",
				    "acrne-wallet.io", "secure.binance.com.evil.top"};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ward_domain_db *db = ward_domain_db_new();
	struct ward_load_report rep;
	static struct ward_domain_result r;
	size_t i;

	if (!db)
		return 0;
	if (ward_domain_db_add_brands(db, data, size, &rep) == 0 && ward_domain_db_build(db) == 0) {
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (ward_domain_classify(db, (const uint8_t *)names[i], strlen(names[i]),
						 &r) == 0 &&
			    r.n_hits > WARD_DOMAIN_MAX_HITS)
				__builtin_trap();
	}
	ward_domain_db_free(db);
	return 0;
}
