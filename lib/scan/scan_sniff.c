/*
 * Input sniffing for ward scan. Only the first bytes are looked at; the
 * decision is by content so that a renamed file still reaches the area
 * that understands it.
 */
#include <string.h>

#include "ward/auth.h"
#include "ward/domain.h"
#include "ward/mail.h"
#include "ward/scan.h"

const char *
ward_scan_kind_name(enum ward_scan_kind k)
{
	switch (k) {
	case WARD_SCAN_DOMAINS:
		return "domains";
	case WARD_SCAN_AUTH:
		return "auth";
	case WARD_SCAN_EMPTY:
		return "empty";
	case WARD_SCAN_MAIL:
		return "mail";
	default:
		return "unknown";
	}
}

enum ward_scan_kind
ward_scan_sniff(const uint8_t *p, size_t n, const char *name)
{
	size_t i = 0, lines = 0, names = 0;
	struct ward_domain_name dn;

	(void)name;
	if (n == 0)
		return WARD_SCAN_EMPTY;
	if (memchr(p, '\0', n))
		return WARD_SCAN_UNKNOWN;
	if (ward_auth_detect(p, n) != WARD_AUTH_FMT_UNKNOWN)
		return WARD_SCAN_AUTH;
	if (ward_mail_sniff(p, n))
		return WARD_SCAN_MAIL;
	while (i < n && lines < 50) {
		const uint8_t *nl = memchr(p + i, '\n', n - i);
		size_t len = nl ? (size_t)(nl - (p + i)) : n - i;
		if (!nl && i > 0)
			break; /* a cut last line tells nothing */
		if (len && p[i] != '#') {
			lines++;
			if (ward_domain_name_parse(p + i, len, &dn) == 0 && strchr(dn.ascii, '.'))
				names++;
		}
		i += len + 1;
	}
	if (lines > 0 && names * 10 >= lines * 9)
		return WARD_SCAN_DOMAINS;
	return WARD_SCAN_UNKNOWN;
}
