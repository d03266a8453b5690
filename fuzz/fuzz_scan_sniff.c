/*
 * Fuzzes input sniffing (ward_scan_sniff) on the first bytes of a file, as
 * ward scan sees them. The answer must be one of the known kinds.
 */
#include <stdint.h>

#include "ward/scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum ward_scan_kind k = ward_scan_sniff(data, size, "fuzz.txt");

	if ((unsigned)k > WARD_SCAN_MAIL || (size == 0) != (k == WARD_SCAN_EMPTY))
		__builtin_trap();
	(void)ward_scan_kind_name(k);
	return 0;
}
