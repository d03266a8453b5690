/*
 * Registrable domains at stream speed. libpsl answers correctly but spends
 * about 0.8 us per name, most of ward's budget of 1 us; so ward reads the
 * same Public Suffix List file that libpsl ships with (Debian's
 * publicsuffix package, private section included) into a hash table and
 * walks a name's labels from the right: usually two lookups ("com", then
 * "example.com" is no rule and no rule ends with it). Wildcard and
 * exception rules follow the PSL algorithm. When the file is missing,
 * libpsl itself is used. tests/unit/test_domain_psl.c compares the two.
 */
#include <idn2.h>
#include <libpsl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ward/error.h"
#include "domain_internal.h"

#ifndef WARD_PSL_FILE
#define WARD_PSL_FILE "/usr/share/publicsuffix/public_suffix_list.dat"
#endif

enum {
	R_EXACT = 1,	 /* the rule itself */
	R_WILDCARD = 2,	 /* "*.X": every child of X is a suffix */
	R_EXCEPTION = 4, /* "!X": X is not a suffix */
	R_PARENT = 8,	 /* some longer rule ends with this */
};

static struct ward_strmap *rules;
static const psl_ctx_t *libpsl;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static int
add_rule(struct ward_strmap *m, const char *s, size_t n, uint32_t flag)
{
	uint32_t v = 0;
	const char *dot;
	int rc;

	ward_strmap_get(m, s, n, &v);
	if ((rc = ward_strmap_put(m, s, n, v | flag)) < 0)
		return rc;
	/* Mark every parent so that a lookup can stop early. */
	for (dot = memchr(s, '.', n); dot; dot = memchr(dot + 1, '.', n - (size_t)(dot + 1 - s))) {
		size_t k = n - (size_t)(dot + 1 - s);
		v = 0;
		ward_strmap_get(m, dot + 1, k, &v);
		if ((rc = ward_strmap_put(m, dot + 1, k, v | R_PARENT)) < 0)
			return rc;
	}
	return 0;
}

int
psl_table_load(struct ward_strmap *m, const uint8_t *p, size_t n, size_t *bad)
{
	const char *s = (const char *)p, *end = s + n;
	int rc;

	*bad = 0;
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t len = nl ? (size_t)(nl - s) : (size_t)(end - s), i;
		uint32_t flag = R_EXACT;
		const char *r = s;
		char *ascii = NULL, tmp[256];

		while (len && (r[len - 1] == '\r' || r[len - 1] == ' ' || r[len - 1] == '\t'))
			len--;
		/* Rules end at the first white space. */
		for (i = 0; i < len; i++)
			if (r[i] == ' ' || r[i] == '\t')
				len = i;
		s = nl ? nl + 1 : end;
		if (len == 0 || (len >= 2 && r[0] == '/' && r[1] == '/'))
			continue;
		if (r[0] == '!')
			flag = R_EXCEPTION, r++, len--;
		else if (len >= 2 && r[0] == '*' && r[1] == '.')
			flag = R_WILDCARD, r += 2, len -= 2;
		if (len == 0 || len >= sizeof(tmp) || memchr(r, '\0', len) || memchr(r, '*', len)) {
			(*bad)++;
			continue;
		}
		memcpy(tmp, r, len);
		tmp[len] = '\0';
		for (i = 0; i < len && (unsigned char)tmp[i] < 0x80; i++)
			;
		if (i < len) {
			if (idn2_to_ascii_8z(tmp, &ascii, IDN2_NONTRANSITIONAL) != IDN2_OK) {
				free(ascii);
				(*bad)++;
				continue;
			}
			rc = add_rule(m, ascii, strlen(ascii), flag);
			free(ascii);
		} else {
			for (i = 0; i < len; i++)
				if (tmp[i] >= 'A' && tmp[i] <= 'Z')
					tmp[i] += 32;
			rc = add_rule(m, tmp, len, flag);
		}
		if (rc < 0)
			return rc;
	}
	return 0;
}

size_t
psl_table_suffix(const struct ward_strmap *m, const char *name, size_t n)
{
	/* Returns the length of the public suffix of name (0 when none). */
	size_t best = 0, k;
	const char *p = name + n;
	const char *prev = NULL; /* start of the previous (one label shorter) suffix */
	uint32_t v, pv = 0;

	for (;;) {
		const char *start = p;
		while (start > name && start[-1] != '.')
			start--;
		k = (size_t)(name + n - start);
		v = 0;
		ward_strmap_get(m, start, k, &v);
		if (v & R_EXCEPTION)
			return prev ? (size_t)(name + n - prev) : 0;
		if ((v & R_EXACT) || (pv & R_WILDCARD) || (!prev && !(v & R_EXCEPTION)))
			best = k; /* the implicit "*" rule makes every TLD a suffix */
		if (!(v & (R_PARENT | R_WILDCARD)) && !(v & R_EXCEPTION))
			break;
		if (start == name)
			break;
		prev = start;
		pv = v;
		p = start - 1;
	}
	return best;
}

static void
setup(void)
{
	FILE *fp = fopen(WARD_PSL_FILE, "rb");
	unsigned char *buf = NULL;
	size_t n = 0, bad;
	long sz;

	if (fp && fseek(fp, 0, SEEK_END) == 0 && (sz = ftell(fp)) > 0 && sz < (16L << 20) &&
	    fseek(fp, 0, SEEK_SET) == 0 && (buf = malloc((size_t)sz))) {
		n = fread(buf, 1, (size_t)sz, fp);
		rules = ward_strmap_new();
		if (rules &&
		    (psl_table_load(rules, buf, n, &bad) < 0 || ward_strmap_count(rules) < 100)) {
			ward_strmap_free(rules);
			rules = NULL;
		}
	}
	free(buf);
	if (fp)
		fclose(fp);
	if (!rules) {
		libpsl = psl_latest(NULL);
		if (!libpsl)
			libpsl = psl_builtin();
	}
}

const char *
psl_registrable(const char *name, size_t n)
{
	size_t sfx;
	const char *p;

	pthread_once(&once, setup);
	if (!rules)
		return libpsl ? psl_registrable_domain(libpsl, name) : NULL;
	sfx = psl_table_suffix(rules, name, n);
	if (sfx == 0 || sfx >= n)
		return NULL;
	/* One more label to the left of the suffix. */
	p = name + n - sfx - 1; /* the dot before the suffix */
	while (p > name && p[-1] != '.')
		p--;
	return p;
}
