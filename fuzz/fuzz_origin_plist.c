/*
 * Fuzzes the kMDItemWhereFroms reader (ward_origin_wherefroms: binary and
 * XML plists) and the quarantine parser over the same input, then the host
 * of every URL found. Invariants: at most WARD_ORIGIN_MAX_URLS URLs, each
 * NUL-terminated inside its slot and non-empty; the agent NUL-terminated;
 * a host, when there is one, non-empty and NUL-terminated.
 */
#include <stdint.h>
#include <string.h>

#include "ward/origin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(const struct ward_origin *o)
{
	char host[256];
	size_t i;

	if (o->n_urls > WARD_ORIGIN_MAX_URLS || !memchr(o->agent, '\0', sizeof(o->agent)))
		__builtin_trap();
	for (i = 0; i < o->n_urls; i++) {
		if (!memchr(o->urls[i], '\0', sizeof(o->urls[i])) || !o->urls[i][0])
			__builtin_trap();
		if (ward_origin_host(o->urls[i], host, sizeof(host)) == 0 &&
		    (!host[0] || !memchr(host, '\0', sizeof(host))))
			__builtin_trap();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ward_origin o;

	ward_origin_init(&o);
	if (ward_origin_wherefroms(data, size, &o) > 0)
		__builtin_trap();
	check(&o);
	if (ward_origin_quarantine(data, size, &o) > 0)
		__builtin_trap();
	check(&o);
	return 0;
}
