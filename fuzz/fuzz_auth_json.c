/*
 * Fuzzes the JSON login log parsers (ward_auth_parser_feed): the first
 * byte picks the format by its value mod 3 ('0' journald, '1' Windows
 * Security JSON, '2' web JSON), the rest is a log fed line by line, then
 * flushed. For web JSON, a first line starting with "fields:" is given to
 * ward_auth_parser_set_web_fields (the [auth] web_fields mapping). Every event must be well formed:
 * a count of at least 1, an outcome from the enum and NUL-terminated strings.
 */
#include <stdint.h>
#include <string.h>

#include "ward/auth.h"

#define MAXEV 4

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(const struct ward_auth_event *ev, int rc)
{
	int i;

	if (rc > MAXEV)
		__builtin_trap();
	for (i = 0; i < rc; i++)
		if (ev[i].count < 1 || (unsigned)ev[i].outcome > WARD_AUTH_SUCCESS ||
		    !memchr(ev[i].user, '\0', sizeof(ev[i].user)) ||
		    !memchr(ev[i].source, '\0', sizeof(ev[i].source)) ||
		    !memchr(ev[i].host, '\0', sizeof(ev[i].host)) ||
		    !memchr(ev[i].service, '\0', sizeof(ev[i].service)))
			__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum ward_auth_format fmts[] = {
	    WARD_AUTH_FMT_JOURNALD, WARD_AUTH_FMT_WINSEC_JSON, WARD_AUTH_FMT_WEB_JSON};
	struct ward_auth_event ev[MAXEV];
	struct ward_auth_parser *ps;
	enum ward_auth_format fmt;
	const uint8_t *end;
	int rc;

	if (size < 1)
		return 0;
	fmt = fmts[data[0] % 3];
	data++;
	size--;
	if (ward_auth_detect(data, size) > WARD_AUTH_FMT_WEB_JSON)
		__builtin_trap();
	ps = ward_auth_parser_new(fmt, 2024);
	if (!ps)
		return 0;
	if (fmt == WARD_AUTH_FMT_WEB_JSON && size > 7 && memcmp(data, "fields:", 7) == 0) {
		char spec[512];
		const uint8_t *nl = memchr(data, '\n', size);
		size_t len = (nl ? (size_t)(nl - data) : size) - 7;
		if (len < sizeof(spec)) {
			memcpy(spec, data + 7, len);
			spec[len] = '\0';
			ward_auth_parser_set_web_fields(ps, spec);
		}
		size -= (nl ? (size_t)(nl - data) + 1 : size);
		data = nl ? nl + 1 : data + size;
	}
	for (end = data + size; data < end;) {
		const uint8_t *nl = memchr(data, '\n', (size_t)(end - data));
		size_t len = nl ? (size_t)(nl - data) : (size_t)(end - data);
		check(ev, ward_auth_parser_feed(ps, data, len, ev, MAXEV));
		data = nl ? nl + 1 : end;
	}
	while ((rc = ward_auth_parser_flush(ps, ev, MAXEV)) > 0)
		check(ev, rc);
	ward_auth_parser_free(ps);
	return 0;
}
