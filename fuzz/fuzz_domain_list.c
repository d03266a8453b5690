/*
 * Fuzzes the reputation list loader (ward_domain_db_load_list): the first
 * byte picks the list by its value mod 4 ('0' block, '1' allow, '2' IOC,
 * '3' NRD), the rest is the file, in any format the loader detects (plain,
 * hosts, CSV, TSV, JSON).
 */
#include <stdint.h>

#include "ward/domain.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ward_domain_db *db;
	struct ward_load_report rep;
	enum ward_domain_list which;
	int rc;

	if (size < 1)
		return 0;
	which = (enum ward_domain_list)(data[0] % (WARD_DOMAIN_NRD + 1));
	db = ward_domain_db_new();
	if (!db)
		return 0;
	rc = ward_domain_db_load_list(db, which, data + 1, size - 1, "fuzz", &rep);
	if (rc == 0 && rep.entries > 0 && ward_domain_db_list_count(db, which) == 0)
		__builtin_trap();
	if (rep.bad > 0 && rep.first_bad_line <= 0)
		__builtin_trap();
	ward_domain_db_free(db);
	return 0;
}
