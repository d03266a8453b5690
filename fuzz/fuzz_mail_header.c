/*
 * Fuzzes the header decoders on the same input: RFC 2047 words
 * (ward_mail_decode_words), parameters (ward_mail_param), address lists
 * (ward_mail_parse_addresses), the transfer decoders and the charset
 * converter with a charset named by the input's first line.
 */
#include <stdint.h>
#include <string.h>

#include "ward/buf.h"
#include "ward/mail.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = {"boundary", "filename", "name", "charset"};
	const char *s = (const char *)data;
	struct ward_mail_addr a[8];
	struct ward_buf b, cs;
	const uint8_t *nl;
	size_t i, n;

	ward_buf_init(&b);
	ward_mail_decode_words(s, size, &b);
	for (i = 0; i < 4; i++) {
		ward_buf_reset(&b);
		(void)ward_mail_param(s, size, names[i], &b);
	}
	n = ward_mail_parse_addresses(s, size, a, 8);
	if (n > 8)
		__builtin_trap();
	for (i = 0; i < n; i++) {
		if (!a[i].name || !a[i].addr)
			__builtin_trap();
		ward_mail_addr_clear(&a[i]);
	}
	ward_buf_reset(&b);
	ward_mail_decode_base64(data, size, &b);
	if (b.len > size / 4 * 3 + 3)
		__builtin_trap();
	ward_buf_reset(&b);
	ward_mail_decode_qp(data, size, &b);
	if (b.len > size)
		__builtin_trap();
	ward_buf_reset(&b);
	ward_mail_decode_uu(data, size, &b);
	/* "charset\nbytes" */
	nl = memchr(data, '\n', size < 64 ? size : 64);
	ward_buf_init(&cs);
	ward_buf_add(&cs, data, nl ? (size_t)(nl - data) : 0);
	ward_buf_reset(&b);
	ward_mail_to_utf8(nl ? ward_buf_cstr(&cs) : NULL, nl ? nl + 1 : data,
			  nl ? size - (size_t)(nl + 1 - data) : size, &b);
	ward_buf_free(&cs);
	ward_buf_free(&b);
	return 0;
}
