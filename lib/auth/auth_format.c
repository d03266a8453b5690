/*
 * Login log formats: their names and a guess from the first bytes of a log.
 * The head is untrusted and may end in the middle of a line; the guess only
 * looks for the markers each format always carries.
 */
#include <string.h>

#include "auth_internal.h"

static const char *const names[] = {
    [WARD_AUTH_FMT_UNKNOWN] = "unknown",       [WARD_AUTH_FMT_SYSLOG] = "syslog",
    [WARD_AUTH_FMT_JOURNALD] = "journald",     [WARD_AUTH_FMT_WINSEC_JSON] = "winsec-json",
    [WARD_AUTH_FMT_WINSEC_XML] = "winsec-xml", [WARD_AUTH_FMT_WEB_JSON] = "web-json",
};

const char *
ward_auth_format_name(enum ward_auth_format f)
{
	if ((unsigned)f >= sizeof(names) / sizeof(names[0]))
		return names[WARD_AUTH_FMT_UNKNOWN];
	return names[f];
}

enum ward_auth_format
ward_auth_format_parse(const char *s)
{
	size_t i;

	if (!s)
		return WARD_AUTH_FMT_UNKNOWN;
	for (i = 1; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i]) == 0)
			return (enum ward_auth_format)i;
	/* The names the data sets use. */
	if (strcmp(s, "journald-json") == 0)
		return WARD_AUTH_FMT_JOURNALD;
	if (strcmp(s, "web-jsonl") == 0)
		return WARD_AUTH_FMT_WEB_JSON;
	return WARD_AUTH_FMT_UNKNOWN;
}

static int
has(const uint8_t *p, size_t n, const char *needle)
{
	return ward_auth_find(p, n, needle) != NULL;
}

static enum ward_auth_format
detect_json(const uint8_t *p, size_t n)
{
	if (has(p, n, "\"__REALTIME_TIMESTAMP\"") || has(p, n, "\"MESSAGE\""))
		return WARD_AUTH_FMT_JOURNALD;
	if (has(p, n, "\"EventID\""))
		return WARD_AUTH_FMT_WINSEC_JSON;
	if (has(p, n, "\"event\"") || has(p, n, "\"outcome\"") || has(p, n, "\"src_ip\"") ||
	    has(p, n, "\"client_ip\"") || has(p, n, "\"remote_addr\""))
		return WARD_AUTH_FMT_WEB_JSON;
	return WARD_AUTH_FMT_UNKNOWN;
}

static enum ward_auth_format
detect_syslog(const uint8_t *p, size_t n)
{
	struct ward_auth_parser ps;
	struct ward_auth_str host, prog;
	size_t lines = 0;
	double t;
	long pid;

	/* A scratch parser for the header reader's year bookkeeping only. */
	memset(&ps, 0, sizeof(ps));
	ps.year = 2000;
	while (n > 0 && lines < 8) {
		const uint8_t *nl = memchr(p, '\n', n);
		size_t len = nl ? (size_t)(nl - p) : n;
		if (len > 0 &&
		    ward_auth_syslog_header(&ps, (const char *)p, len, &t, &host, &prog, &pid) > 0)
			return WARD_AUTH_FMT_SYSLOG;
		lines += len > 0;
		if (!nl)
			break;
		p += len + 1;
		n -= len + 1;
	}
	return WARD_AUTH_FMT_UNKNOWN;
}

enum ward_auth_format
ward_auth_detect(const uint8_t *head, size_t n)
{
	size_t i = 0;

	if (!head)
		return WARD_AUTH_FMT_UNKNOWN;
	if (n >= 3 && head[0] == 0xef && head[1] == 0xbb && head[2] == 0xbf)
		i = 3;
	while (i < n && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n'))
		i++;
	if (i == n)
		return WARD_AUTH_FMT_UNKNOWN;
	if (head[i] == '<') {
		if (has(head + i, n - i, "<Event ") || has(head + i, n - i, "<Event>") ||
		    has(head + i, n - i, "<Events"))
			return WARD_AUTH_FMT_WINSEC_XML;
		return WARD_AUTH_FMT_UNKNOWN;
	}
	if (head[i] == '{') {
		const uint8_t *nl = memchr(head + i, '\n', n - i);
		size_t len = nl ? (size_t)(nl - head - i) : n - i;
		return detect_json(head + i, len);
	}
	return detect_syslog(head + i, n - i);
}
