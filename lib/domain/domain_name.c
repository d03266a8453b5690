/*
 * Host name normalisation. Input is untrusted text from mail, logs and
 * lists: anything that is not a plausible host name is rejected here, so
 * the classifier only sees lower-case A-label names within DNS limits.
 * IDNA is libidn2's, the registrable domain libpsl's (with the private
 * section, so x.vercel.app is a site of its own).
 */
#include <idn2.h>
#include <libpsl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "ward/error.h"
#include "domain_internal.h"

static const psl_ctx_t *psl;
static pthread_once_t psl_once = PTHREAD_ONCE_INIT;

static void
psl_setup(void)
{
	psl = psl_latest(NULL);
	if (!psl)
		psl = psl_builtin();
}

static int
is_space(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

static int
ascii_ok(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
	       c == '.';
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

	if (!strstr(o->ascii, "xn--")) {
		memcpy(o->unicode, o->ascii, o->ascii_len + 1);
		return;
	}
	o->has_idn = 1;
	rc = idn2_to_unicode_8z8z(o->ascii, &u, 0);
	if (rc != IDN2_OK || strlen(u) >= sizeof(o->unicode)) {
		memcpy(o->unicode, o->ascii, o->ascii_len + 1);
		o->idn_invalid = 1;
		free(u);
		return;
	}
	strcpy(o->unicode, u);
	rc = idn2_to_ascii_8z(u, &a, IDN2_NONTRANSITIONAL);
	if (rc != IDN2_OK || strcmp(a, o->ascii) != 0)
		o->idn_invalid = 1;
	free(a);
	idn2_free(u);
}

int
ward_domain_name_parse(const uint8_t *p, size_t n, struct ward_domain_name *o)
{
	size_t i;
	int non_ascii = 0;
	const char *reg;

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
	for (i = 0; i < n; i++) {
		uint8_t c = p[i];
		if (c >= 'A' && c <= 'Z')
			c += 32;
		if (c >= 0x80)
			non_ascii = 1;
		else if (!ascii_ok(c))
			return WARD_EINVAL;
	}
	if (non_ascii) {
		char in[WARD_DOMAIN_NAME_MAX * 4 + 1], *a = NULL;
		int rc;
		memcpy(in, p, n);
		in[n] = '\0';
		if (memchr(in, '\0', n))
			return WARD_EINVAL;
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
		if (strlen(a) > WARD_DOMAIN_NAME_MAX) {
			free(a);
			return WARD_ELIMIT;
		}
		strcpy(o->ascii, a);
		o->ascii_len = strlen(a);
		free(a);
		for (i = 0; i < o->ascii_len; i++)
			if (!ascii_ok((uint8_t)o->ascii[i]))
				return WARD_EINVAL;
	} else {
		if (n > WARD_DOMAIN_NAME_MAX)
			return WARD_ELIMIT;
		for (i = 0; i < n; i++) {
			uint8_t c = p[i];
			o->ascii[i] = (char)((c >= 'A' && c <= 'Z') ? c + 32 : c);
		}
		o->ascii[n] = '\0';
		o->ascii_len = n;
	}
	if (check_labels(o->ascii, o->ascii_len) < 0)
		return WARD_EINVAL;
	if (looks_ipv4(o->ascii, o->ascii_len)) {
		o->is_ip = 1;
		memcpy(o->unicode, o->ascii, o->ascii_len + 1);
		o->registrable = o->ascii;
		o->registrable_len = o->ascii_len;
		o->suffix = o->ascii + o->ascii_len;
		return 0;
	}
	decode_idn(o);
	pthread_once(&psl_once, psl_setup);
	reg = psl ? psl_registrable_domain(psl, o->ascii) : NULL;
	if (!reg)
		reg = o->ascii;
	o->registrable = reg;
	o->registrable_len = o->ascii_len - (size_t)(reg - o->ascii);
	{
		const char *dot = memchr(reg, '.', o->registrable_len);
		o->suffix = dot ? dot + 1 : reg + o->registrable_len;
	}
	return 0;
}
