/*
 * ward scan: deciding which area understands an input. lib/scan is the only
 * place that knows every area; it sniffs content, not names.
 */
#ifndef WARD_SCAN_H
#define WARD_SCAN_H

#include <stddef.h>
#include <stdint.h>

enum ward_scan_kind {
	WARD_SCAN_UNKNOWN = 0,
	WARD_SCAN_DOMAINS, /* a list of host names, one per line */
	WARD_SCAN_AUTH,	   /* a login log (see ward/auth.h) */
	WARD_SCAN_EMPTY,
	WARD_SCAN_MAIL, /* a message or an mbox (see ward/mail.h) */
};

/*
 * Guesses the kind of an input from its first bytes (head[0..n), at most a
 * few KB) and its name. A domain list is text whose non-comment lines are
 * mostly host names.
 */
enum ward_scan_kind ward_scan_sniff(const uint8_t *head, size_t n, const char *name);

const char *ward_scan_kind_name(enum ward_scan_kind k);

#endif
