/*
 * Fuzzes the sshd syslog parser (ward_auth_parser_feed, syslog format):
 * the input is a log, fed line by line with a small output array, then
 * flushed. Every event must be well formed: a count of at least 1, an
 * outcome from the enum and NUL-terminated strings. ward_auth_detect runs
 * on the whole input too.
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
	struct ward_auth_event ev[MAXEV];
	struct ward_auth_parser *ps;
	enum ward_auth_format fmt;
	const uint8_t *end;
	int rc;

	fmt = WARD_AUTH_FMT_SYSLOG;
	if (ward_auth_detect(data, size) > WARD_AUTH_FMT_WEB_JSON)
		__builtin_trap();
	ps = ward_auth_parser_new(fmt, 2024);
	if (!ps)
		return 0;
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
