/*
 * Fuzzes the AppleDouble reader (ward_origin_appledouble): header, entry
 * table, the ATTR block of the Finder Info entry, and the quarantine and
 * kMDItemWhereFroms values it holds. Invariants: at most
 * WARD_ORIGIN_MAX_URLS URLs, each NUL-terminated inside its slot and
 * non-empty; the agent NUL-terminated; no zone; the source set.
 */
#include <stdint.h>
#include <string.h>

#include "ward/origin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ward_origin o;
	size_t i;

	if (ward_origin_appledouble(data, size, &o) > 0)
		__builtin_trap();
	if (o.n_urls > WARD_ORIGIN_MAX_URLS || !memchr(o.agent, '\0', sizeof(o.agent)) ||
	    o.zone != -1 || !o.source || strcmp(o.source, "AppleDouble"))
		__builtin_trap();
	for (i = 0; i < o.n_urls; i++)
		if (!memchr(o.urls[i], '\0', sizeof(o.urls[i])) || !o.urls[i][0])
			__builtin_trap();
	return 0;
}
