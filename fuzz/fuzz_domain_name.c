/*
 * Fuzzes host name normalisation (ward_domain_name_parse) with raw bytes,
 * as names arrive from mail headers, logs and lists. Checks that a parsed
 * name is consistent: lengths, and registrable/suffix pointing into ascii.
 */
#include <stdint.h>
#include <string.h>

#include "ward/domain.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ward_domain_name dn;
	const char *end;

	if (ward_domain_name_parse(data, size, &dn) != 0)
		return 0;
	end = dn.ascii + dn.ascii_len;
	if (dn.ascii_len == 0 || dn.ascii_len > WARD_DOMAIN_NAME_MAX ||
	    strlen(dn.ascii) != dn.ascii_len)
		__builtin_trap();
	if (dn.registrable < dn.ascii || dn.registrable + dn.registrable_len != end)
		__builtin_trap();
	if (dn.suffix < dn.registrable || dn.suffix > end)
		__builtin_trap();
	if (memchr(dn.unicode, '\0', sizeof(dn.unicode)) == NULL)
		__builtin_trap();
	return 0;
}
