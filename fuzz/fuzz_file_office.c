/*
 * Fuzzes the Office analysers behind ward_file_analyse: OLE2 documents (the
 * own CFB reader, VBA, XLM, embedded objects, PowerPoint storages), OOXML
 * and ODF packages and flat Office XML, typed by their content under the
 * name "x.doc". Limits are small; the job must stay within them, every hit
 * must be a known check with NUL-terminated strings, and a second run must
 * give the same result.
 */
#include <stdint.h>
#include <string.h>

#include "ward/file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct ward_file_ctx *ctx;
static struct ward_file_result r, again;

static int
known(const struct ward_check *c)
{
	size_t i;

	for (i = 0; ward_file_checks[i]; i++)
		if (ward_file_checks[i] == c)
			return 1;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ward_file_limits l;
	size_t k;

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
	if (ward_file_analyse(ctx, data, size, "x.doc", &r) != 0)
		__builtin_trap();
	if (r.n_entries > 200 || r.n_hits > WARD_FILE_MAX_HITS || !r.kind[0])
		__builtin_trap();
	for (k = 0; k < r.n_hits; k++)
		if (!known(r.hits[k].check) ||
		    !memchr(r.hits[k].where, '\0', sizeof(r.hits[k].where)) ||
		    !memchr(r.hits[k].detail, '\0', sizeof(r.hits[k].detail)))
			__builtin_trap();
	if (ward_file_analyse(ctx, data, size, "x.doc", &again) != 0 || again.n_hits != r.n_hits ||
	    again.n_entries != r.n_entries)
		__builtin_trap();
	for (k = 0; k < r.n_hits; k++)
		if (again.hits[k].check != r.hits[k].check ||
		    strcmp(again.hits[k].where, r.hits[k].where) != 0 ||
		    strcmp(again.hits[k].detail, r.hits[k].detail) != 0)
			__builtin_trap();
	return 0;
}
