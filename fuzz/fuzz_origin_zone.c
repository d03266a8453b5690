/*
 * Fuzzes the Zone.Identifier reader (ward_origin_zone_identifier: UTF-8 and
 * UTF-16 INI text), then the host of every URL found. Invariants: at most
 * two URLs (HostUrl, ReferrerUrl), each NUL-terminated inside its slot,
 * non-empty and free of control bytes; the agent NUL-terminated; a zone of
 * -1 or more; the source set.
 */
#include <stdint.h>
#include <string.h>

#include "ward/origin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ward_origin o;
	char host[256];
	size_t i;
	const char *c;

	if (ward_origin_zone_identifier(data, size, &o) > 0)
		__builtin_trap();
	if (o.n_urls > 2 || !memchr(o.agent, '\0', sizeof(o.agent)) || o.zone < -1 || !o.source)
		__builtin_trap();
	for (i = 0; i < o.n_urls; i++) {
		if (!memchr(o.urls[i], '\0', sizeof(o.urls[i])) || !o.urls[i][0])
			__builtin_trap();
		for (c = o.urls[i]; *c; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7f)
				__builtin_trap();
		if (ward_origin_host(o.urls[i], host, sizeof(host)) == 0 && !host[0])
			__builtin_trap();
	}
	return 0;
}
