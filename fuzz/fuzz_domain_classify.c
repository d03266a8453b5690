/*
 * Fuzzes the classifier (ward_domain_classify) against the built-in brands
 * and IOC domains. The db is built once and, being read-only after
 * ward_domain_db_build(), shared by every input; it is freed at exit so
 * LeakSanitizer stays quiet.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ward/domain.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct ward_domain_db *db;

static void
free_db(void)
{
	ward_domain_db_free(db);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ward_domain_result r;
	size_t i;

	if (!db) {
		db = ward_domain_db_new();
		if (!db || ward_domain_db_add_builtin_brands(db) < 0 ||
		    ward_domain_db_add_builtin_iocs(db) < 0 || ward_domain_db_build(db) < 0)
			abort();
		atexit(free_db);
	}
	if (ward_domain_classify(db, data, size, &r) != 0)
		return 0;
	if (r.n_hits > WARD_DOMAIN_MAX_HITS || r.name.ascii_len != strlen(r.name.ascii))
		__builtin_trap();
	if ((unsigned)r.verdict > WARD_VERDICT_IOC || r.score < 0)
		__builtin_trap();
	if ((r.n_hits > 0) != (r.verdict != WARD_VERDICT_CLEAN))
		__builtin_trap();
	for (i = 0; i < r.n_hits; i++)
		if (!r.hits[i].check || !memchr(r.hits[i].detail, '\0', sizeof(r.hits[i].detail)))
			__builtin_trap();
	return 0;
}
