/*
 * Fuzzes the RTF analyser behind ward_file_analyse: the lenient group and
 * control word reader, \objdata hex and \bin decoding, OLE1 objects and
 * what they carry. Input that does not start like RTF gets "{\rtf1" put in
 * front, so that mutations stay RTF. Limits are small; every hit must be a
 * known check with NUL-terminated strings.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ward/file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct ward_file_ctx *ctx;
static struct ward_file_result r;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ward_file_limits l;
	uint8_t *buf = NULL;
	const uint8_t *p = data;
	size_t n = size, k;
	int known;

	if (!ctx) {
		ward_file_limits_default(&l);
		l.max_size = 4u << 20;
		l.max_total = 16u << 20;
		l.max_entries = 200;
		l.max_depth = 4;
		ctx = ward_file_ctx_new(&l);
		if (!ctx)
			__builtin_trap();
	}
	if (size < 4 || memcmp(data, "{\\rt", 4) != 0) {
		buf = malloc(size + 6);
		if (!buf)
			return 0;
		memcpy(buf, "{\\rtf1", 6);
		if (size)
			memcpy(buf + 6, data, size);
		p = buf;
		n = size + 6;
	}
	/* Typing decides, not the prefix: "{\rtf1**ACE**" is an ACE archive. */
	if (ward_file_analyse(ctx, p, n, "x.rtf", &r) != 0 || !r.kind[0])
		__builtin_trap();
	if (r.n_entries > 200 || r.n_hits > WARD_FILE_MAX_HITS)
		__builtin_trap();
	for (k = 0; k < r.n_hits; k++) {
		size_t i;
		for (known = 0, i = 0; ward_file_checks[i]; i++)
			known |= ward_file_checks[i] == r.hits[k].check;
		if (!known || !memchr(r.hits[k].where, '\0', sizeof(r.hits[k].where)) ||
		    !memchr(r.hits[k].detail, '\0', sizeof(r.hits[k].detail)))
			__builtin_trap();
	}
	free(buf);
	return 0;
}
