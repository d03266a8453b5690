/*
 * Fuzzes the container walkers behind ward_file_analyse: libarchive on zip,
 * 7z, RAR, tar, cpio, cab, ISO and compressed streams, and ward's own
 * BinHex, TNEF, SZDD, OneNote and RAR5 header readers. A first byte below
 * 0x20 picks a container magic that is put in front of the rest (so that
 * mutations reach the walkers); otherwise the input is analysed as is.
 * Limits are small; the job must stay within them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ward/file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct ward_file_ctx *ctx;
static struct ward_file_result r;

static const struct {
	const char *m;
	size_t n;
} magic[] = {
    {"PK\3\4", 4},
    {"7z\xbc\xaf\x27\x1c", 6},
    {"Rar!\x1a\x07\x00", 7},
    {"Rar!\x1a\x07\x01\x00", 8},
    {"\x1f\x8b\x08", 3},
    {"BZh9", 4},
    {"\xfd"
     "7zXZ\0",
     6},
    {"MSCF\0\0\0\0", 8},
    {"070701", 6},
    {"SZDD\x88\xf0\x27\x33", 8},
    {"\x78\x9f\x3e\x22", 4},
    {"(This file must be converted with BinHex 4.0)\n:", 47},
    {"\xe4\x52\x5c\x7b\x8c\xd8\xa7\x4d\xae\xb1\x53\x78\xd0\x29\x96\xd3", 16},
    {"\x28\xb5\x2f\xfd", 4},
    {"!<arch>\n", 8},
    {"xar!", 4},
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ward_file_limits l;
	uint8_t *buf = NULL;
	const uint8_t *p = data;
	size_t n = size, k;

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
	if (size > 0 && data[0] < 0x20) {
		k = data[0] % (sizeof(magic) / sizeof(magic[0]));
		buf = malloc(magic[k].n + size - 1);
		if (!buf)
			return 0;
		memcpy(buf, magic[k].m, magic[k].n);
		memcpy(buf + magic[k].n, data + 1, size - 1);
		p = buf;
		n = magic[k].n + size - 1;
	}
	if (ward_file_analyse(ctx, p, n, "fuzz.bin", &r) != 0)
		__builtin_trap();
	if (r.n_entries > 200 || r.n_hits > WARD_FILE_MAX_HITS || !r.kind[0])
		__builtin_trap();
	for (k = 0; k < r.n_hits; k++)
		if (!r.hits[k].check || !memchr(r.hits[k].where, '\0', sizeof(r.hits[k].where)))
			__builtin_trap();
	free(buf);
	return 0;
}
