/*
 * Host name normalisation. Input is untrusted text from mail, logs and
 * lists: anything that is not a plausible host name is rejected here, so
 * the classifier only sees lower-case A-label names within DNS limits.
 * IDNA is libidn2's; the registrable domain follows the Public Suffix List
 * with its private section, so x.vercel.app is a site of its own
 * (domain_psl.c).
 */
#include <idn2.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "ward/error.h"
#include "domain_internal.h"

static int
is_space(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

static int
ascii_ok(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
}

static int
check_labels(const char *s, size_t n)
{
	size_t start = 0, i;

	for (i = 0; i <= n; i++) {
		if (i == n || s[i] == '.') {
			if (i == start || i - start > 63)
				return WARD_EINVAL;
			start = i + 1;
		}
	}
	return 0;
}

static int
looks_ipv4(const char *s, size_t n)
{
	size_t i;
	int dots = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '.')
			dots++;
		else if (s[i] < '0' || s[i] > '9')
			return 0;
	}
	return dots == 3;
}

/* Decodes each xn-- label for display and checks it against IDNA2008. */
static void
decode_idn(struct ward_domain_name *o)
{
	char *u = NULL, *a = NULL;
	int rc;

	if (!o->has_idn) {
		memcpy(o->unicode, o->ascii, o->ascii_len + 1);
		return;
	}
	rc = idn2_to_unicode_8z8z(o->ascii, &u, 0);
	if (rc != IDN2_OK || strlen(u) >= sizeof(o->unicode)) {
		memcpy(o->unicode, o->ascii, o->ascii_len + 1);
		o->idn_invalid = 1;
		free(u);
		return;
	}
	strcpy(o->unicode, u);
	/* Plain IDNA2008 (no UTS #46 mapping): the decoded label must round-trip. */
	rc = idn2_to_ascii_8z(u, &a, IDN2_NO_TR46);
	if (rc != IDN2_OK || strcmp(a, o->ascii) != 0)
		o->idn_invalid = 1;
	free(a);
	idn2_free(u);
}

/* A name given in Unicode: IDNA2008 to A-labels, UTS#46 as a fallback. */
static int
from_unicode(const uint8_t *p, size_t n, struct ward_domain_name *o)
{
	char in[WARD_DOMAIN_NAME_MAX * 4 + 1], *a = NULL;
	size_t i, len;
	int rc;

	memcpy(in, p, n);
	in[n] = '\0';
	rc = idn2_to_ascii_8z(in, &a, IDN2_NONTRANSITIONAL);
	if (rc != IDN2_OK) {
		free(a);
		a = NULL;
		rc = idn2_to_ascii_8z(in, &a, IDN2_TRANSITIONAL);
	}
	if (rc != IDN2_OK) {
		free(a);
		return WARD_EINVAL;
	}
	len = strlen(a);
	if (len > WARD_DOMAIN_NAME_MAX) {
		free(a);
		return WARD_ELIMIT;
	}
	memcpy(o->ascii, a, len + 1);
	o->ascii_len = len;
	free(a);
	for (i = 0; i < len; i++)
		if (!ascii_ok((uint8_t)o->ascii[i]))
			return WARD_EINVAL;
	if (check_labels(o->ascii, len) < 0)
		return WARD_EINVAL;
	o->has_idn = 1;
	o->is_ip = looks_ipv4(o->ascii, len);
	return 0;
}

/*
 * An ASCII name in one pass: validate, lower-case, label lengths, IPv4
 * shape, xn-- labels. Returns 1 when a non-ASCII byte is met (the caller
 * takes the Unicode path), 0 when done, or an error.
 */
/* Byte -> lower-case host name character, 0 for anything else. */
static uint8_t lower[256];
static pthread_once_t lower_once = PTHREAD_ONCE_INIT;

static void
lower_setup(void)
{
	size_t i;

	for (i = 0; i < 256; i++) {
		uint8_t c = (uint8_t)((i >= 'A' && i <= 'Z') ? i + 32 : i);
		lower[i] = ascii_ok(c) ? c : 0;
	}
}

static int
from_ascii(const uint8_t *p, size_t n, struct ward_domain_name *o)
{
	size_t label = 0, i;
	int dots = 0;

	pthread_once(&lower_once, lower_setup);
	if (n > WARD_DOMAIN_NAME_MAX) {
		for (i = 0; i < n; i++)
			if (p[i] >= 0x80)
				return 1;
		return WARD_ELIMIT;
	}
	for (i = 0; i < n; i++) {
		char c = (char)lower[p[i]];
		if (!c)
			return p[i] >= 0x80 ? 1 : WARD_EINVAL;
		o->ascii[i] = c;
		if (c == '.') {
			if (label == 0)
				return WARD_EINVAL;
			label = 0;
			dots++;
			continue;
		}
		if (++label > 63)
			return WARD_EINVAL;
		if (label == 4 && c == '-' && o->ascii[i - 1] == '-' && o->ascii[i - 2] == 'n' &&
		    o->ascii[i - 3] == 'x')
			o->has_idn = 1;
	}
	if (label == 0)
		return WARD_EINVAL;
	o->ascii[n] = '\0';
	o->ascii_len = n;
	/* Only a name starting with a digit can be an address. */
	o->is_ip = dots == 3 && o->ascii[0] >= '0' && o->ascii[0] <= '9' && looks_ipv4(o->ascii, n);
	return 0;
}

int
ward_domain_name_parse(const uint8_t *p, size_t n, struct ward_domain_name *o)
{
	size_t i;
	int rc;
	const char *reg, *dot;

	/* The Unicode buffer is large; clear only what is read before it is written. */
	o->ascii[0] = o->unicode[0] = '\0';
	o->ascii_len = o->registrable_len = 0;
	o->registrable = o->suffix = o->ascii;
	o->has_idn = o->idn_invalid = o->is_ip = 0;
	while (n && is_space(p[0]))
		p++, n--;
	while (n && is_space(p[n - 1]))
		n--;
	if (n && p[n - 1] == '.')
		n--;
	if (n == 0)
		return WARD_EINVAL;
	if (n > WARD_DOMAIN_NAME_MAX * 4)
		return WARD_ELIMIT;
	rc = from_ascii(p, n, o);
	if (rc == 1) {
		/* Unicode: every ASCII byte must still be a host name character. */
		for (i = 0; i < n; i++)
			if (p[i] < 0x80 &&
			    !ascii_ok((uint8_t)((p[i] >= 'A' && p[i] <= 'Z') ? p[i] + 32 : p[i])))
				return WARD_EINVAL;
		o->has_idn = 0;
		rc = from_unicode(p, n, o);
	}
	if (rc < 0)
		return rc;
	if (o->is_ip) {
		memcpy(o->unicode, o->ascii, o->ascii_len + 1);
		o->registrable_len = o->ascii_len;
		o->suffix = o->ascii + o->ascii_len;
		return 0;
	}
	decode_idn(o);
	reg = psl_registrable(o->ascii, o->ascii_len);
	if (!reg)
		reg = o->ascii;
	o->registrable = reg;
	o->registrable_len = o->ascii_len - (size_t)(reg - o->ascii);
	dot = memchr(reg, '.', o->registrable_len);
	o->suffix = dot ? dot + 1 : reg + o->registrable_len;
	return 0;
}
