/*
 * Fuzzes the SHA-256 IOC list loader (ward_ioc_set_load: plain, TSV,
 * "hash;size;name", ClamAV .hsb and STIX 2.1 JSON through jansson).
 * Invariants: a known return code; on success as many entries in the set as
 * the report counts; a report message that is terminated, and set when the
 * whole input is refused; and when the input starts with a bare hash line,
 * that hash is found after building (with some reference: a later line may
 * repeat it with its own).
 */
#include <stdint.h>
#include <string.h>

#include "ward/error.h"
#include "ward/files.h"
#include "ward/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ward_ioc_set *s = ward_ioc_set_new();
	struct ward_ioc_report rep;
	uint8_t first[32];
	int rc, bare = size >= 65 && data[64] == '\n';
	size_t i;

	if (!s)
		return 0;
	for (i = 0; bare && i < 64; i++)
		bare = ward_hexval(data[i]) >= 0;
	for (i = 0; bare && i < 32; i++)
		first[i] = (uint8_t)(ward_hexval(data[2 * i]) << 4 | ward_hexval(data[2 * i + 1]));
	rc = ward_ioc_set_load(s, data, size, "fuzz", &rep);
	if (rc != 0 && rc != WARD_EFORMAT && rc != WARD_ELIMIT && rc != WARD_ENOMEM)
		__builtin_trap();
	if (!memchr(rep.message, '\0', sizeof(rep.message)))
		__builtin_trap();
	if (rc == WARD_EFORMAT && !rep.message[0])
		__builtin_trap();
	if (rc == 0 && ward_ioc_set_count(s) != rep.entries)
		__builtin_trap();
	ward_ioc_set_build(s);
	if (rc == 0 && bare) {
		const struct ward_ioc_entry *e = ward_ioc_set_find(s, first);
		if (!e || !e->ref || !e->name)
			__builtin_trap();
	}
	ward_ioc_set_free(s);
	return 0;
}
