/*
 * Fuzzes JSON string encoding (ward_buf_json_str). Its promise is that the
 * output is valid JSON whatever the bytes: jansson must parse it back, and
 * when the input was valid UTF-8 the decoded string must equal the input.
 */
#include <jansson.h>
#include <stdint.h>

#include "ward/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ward_buf b;
	json_error_t err;
	json_t *out, *in;

	ward_buf_init(&b);
	ward_buf_json_str(&b, data, size);
	if (ward_buf_failed(&b)) {
		ward_buf_free(&b);
		return 0;
	}
	out = json_loadb(b.p, b.len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);
	if (!out || !json_is_string(out))
		__builtin_trap();
	in = json_stringn((const char *)data, size); /* NULL unless valid UTF-8 */
	if (in && !json_equal(in, out))
		__builtin_trap();
	json_decref(in);
	json_decref(out);
	ward_buf_free(&b);
	return 0;
}
