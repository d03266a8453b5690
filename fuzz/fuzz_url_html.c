/*
 * Fuzzes HTML link extraction (ward_url_scan_html). Invariants: it returns
 * 0 or WARD_ELIMIT; every URL is non-empty and NUL-terminated; anchor text,
 * when given, is NUL-terminated and at most 256 bytes; where is one of the
 * documented names.
 */
#include <stdint.h>
#include <string.h>

#include "ward/error.h"
#include "ward/url.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
on_url(void *ctx, const char *url, size_t url_len, const char *text, size_t text_len,
       const char *where)
{
	static const char *const names[] = {"text",	  "href",   "src",  "action",  "formaction",
					    "background", "poster", "data", "refresh", "raw"};
	size_t i;

	(void)ctx;
	if (url_len == 0 || strlen(url) != url_len)
		__builtin_trap();
	if (text && (strlen(text) != text_len || text_len > 256))
		__builtin_trap();
	if (!text && text_len)
		__builtin_trap();
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(where, names[i]))
			return;
	__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int rc = ward_url_scan_html((const char *)data, size, on_url, NULL);

	if (rc != 0 && rc != WARD_ELIMIT)
		__builtin_trap();
	return 0;
}
