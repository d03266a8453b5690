/* The intelligence compiled into libward from data/ (see scripts/embed.py). */
#include <stddef.h>
#include <stdint.h>

#include "ward/error.h"
#include "domain_internal.h"

extern const unsigned char ward_data_brands[];
extern const size_t ward_data_brands_len;
extern const unsigned char ward_data_stopwords[];
extern const size_t ward_data_stopwords_len;
extern const unsigned char ward_data_ioc_domains[];
extern const size_t ward_data_ioc_domains_len;

int
ward_domain_db_add_builtin_brands(struct ward_domain_db *db)
{
	struct ward_load_report rep;
	int rc = ward_domain_db_add_brands(db, ward_data_brands, ward_data_brands_len, &rep);

	if (rc == 0)
		rc = ward_domain_db_add_stopwords(db, ward_data_stopwords, ward_data_stopwords_len);
	return rc < 0 ? rc : (rep.bad ? WARD_EFORMAT : 0);
}

int
ward_domain_db_add_builtin_iocs(struct ward_domain_db *db)
{
	struct ward_load_report rep;
	int rc = ward_domain_db_load_list(db, WARD_DOMAIN_IOC, ward_data_ioc_domains,
					  ward_data_ioc_domains_len, "built-in", &rep);

	return rc < 0 ? rc : (rep.bad ? WARD_EFORMAT : 0);
}
