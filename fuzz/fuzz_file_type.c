/*
 * Fuzzes the file analyser (ward_file_analyse) on any content: the first
 * byte mod 4 picks the name it is analysed under (none, a document, a
 * double extension, a script), the rest is the file. The result must be
 * well formed: NUL-terminated strings, a kind and a type, at most
 * WARD_FILE_MAX_HITS hits, each a known file check, and no more entries
 * than the limit allows.
 */
#include <stdint.h>
#include <string.h>

#include "ward/file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct ward_file_ctx *ctx;
static struct ward_file_result r;

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
	static const char *const names[] = {NULL, "report.pdf", "invoice.pdf.exe", "run.js"};
	struct ward_file_limits l;
	size_t i;

	if (!ctx) {
		/* Small caps keep a bomb from dominating the run. */
		ward_file_limits_default(&l);
		l.max_size = 8u << 20;
		l.max_total = 32u << 20;
		ctx = ward_file_ctx_new(&l);
		if (!ctx)
			__builtin_trap();
	}
	if (size < 1)
		return 0;
	if (ward_file_analyse(ctx, data + 1, size - 1, names[data[0] & 3], &r) != 0)
		__builtin_trap();
	if (!memchr(r.type, '\0', sizeof(r.type)) || !memchr(r.kind, '\0', sizeof(r.kind)) ||
	    !r.type[0] || !r.kind[0] || r.n_hits > WARD_FILE_MAX_HITS || r.n_entries > 10000)
		__builtin_trap();
	for (i = 0; i < r.n_hits; i++)
		if (!known(r.hits[i].check) ||
		    !memchr(r.hits[i].where, '\0', sizeof(r.hits[i].where)) ||
		    !memchr(r.hits[i].detail, '\0', sizeof(r.hits[i].detail)))
			__builtin_trap();
	return 0;
}
