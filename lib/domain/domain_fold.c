/*
 * Folding a label into the matching alphabet: UTS#39 confusable skeletons
 * (ICU uspoof), case folded before and after as ICU's skeletons are case
 * sensitive, hyphens and underscores dropped (so hyphen insertion does not
 * hide a brand), combining marks dropped, and "rn" read as "m" (ICU maps m
 * to rn; reading it the other way keeps tokens short) and "vv" as "w", the
 * commonest multi-letter confusable in phishing domains that ICU lacks. Characters ICU leaves
 * outside ASCII become '?', which matches nothing and costs one edit.
 *
 * ASCII labels, the common case, go through a table computed from ICU once,
 * so the hot path never calls ICU; only decoded IDN labels do.
 */
#include <pthread.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/uspoof.h>
#include <unicode/utf8.h>

#include "domain_internal.h"

static USpoofChecker *spoof;
static char ascii_fold[128]; /* 0 = dropped */
static pthread_once_t once = PTHREAD_ONCE_INIT;
static int init_rc;

static char
fold_cp(UChar32 c)
{
	if (c >= 'A' && c <= 'Z')
		c += 32;
	if ((c >= 'a' && c <= 'z') || (c >= '2' && c <= '9'))
		return (char)c;
	if (c == '0')
		return 'o';
	if (c == '1')
		return 'l';
	if (c == '-' || c == '_' || c == '.')
		return 0;
	if (u_charType(c) == U_NON_SPACING_MARK || u_charType(c) == U_ENCLOSING_MARK)
		return 0;
	return '?';
}

static void
setup(void)
{
	UErrorCode e = U_ZERO_ERROR;
	int c;

	spoof = uspoof_open(&e);
	if (U_FAILURE(e)) {
		init_rc = -1;
		return;
	}
	uspoof_setChecks(spoof, USPOOF_CONFUSABLE, &e);
	for (c = 0; c < 128; c++) {
		char in[2] = {(char)c, 0}, out[16];
		int32_t n;
		e = U_ZERO_ERROR;
		ascii_fold[c] = 0;
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
			continue;
		n = uspoof_getSkeletonUTF8(spoof, 0, in, 1, out, sizeof(out), &e);
		/* A one-character skeleton is the table entry; m -> rn is folded back below. */
		if (U_SUCCESS(e) && n == 1)
			ascii_fold[c] = fold_cp((unsigned char)out[0]);
		else
			ascii_fold[c] = fold_cp(c);
	}
	if (U_FAILURE(e))
		init_rc = -1;
}

int
fold_init(void)
{
	pthread_once(&once, setup);
	return init_rc;
}

/* Reads "rn" as "m" and "vv" as "w" in place; keeps map aligned. */
static int
squeeze_rn(char *d, uint8_t *map, int n)
{
	int i, o = 0;

	for (i = 0; i < n; i++) {
		if (i + 1 < n &&
		    ((d[i] == 'r' && d[i + 1] == 'n') || (d[i] == 'v' && d[i + 1] == 'v'))) {
			d[o] = d[i] == 'r' ? 'm' : 'w';
			map[o++] = map[i];
			i++;
			continue;
		}
		d[o] = d[i];
		map[o++] = map[i];
	}
	return o;
}

int
fold_ascii(const char *src, size_t n, char *dst, uint8_t *map)
{
	size_t i;
	int o = 0;

	if (n >= FOLD_MAX)
		return -1;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)src[i];
		char f = c < 128 ? ascii_fold[c] : '?';
		if (!f)
			continue;
		/* rn -> m and vv -> w as in squeeze_rn(), in the same pass. */
		if (o > 0 && ((f == 'n' && dst[o - 1] == 'r') || (f == 'v' && dst[o - 1] == 'v'))) {
			dst[o - 1] = f == 'n' ? 'm' : 'w';
			continue;
		}
		dst[o] = f;
		map[o++] = (uint8_t)i;
	}
	return o;
}

int
fold_utf8(const char *src, size_t n, char *dst, uint8_t *map)
{
	char sk[4 * FOLD_MAX];
	UErrorCode e = U_ZERO_ERROR;
	int32_t len, i = 0;
	int o = 0;

	if (n >= FOLD_MAX || !spoof)
		return -1;
	len = uspoof_getSkeletonUTF8(spoof, 0, src, (int32_t)n, sk, sizeof(sk), &e);
	if (U_FAILURE(e) || len <= 0)
		return -1;
	while (i < len && o < FOLD_MAX - 1) {
		UChar32 c;
		int32_t at = i;
		char f;
		U8_NEXT(sk, i, len, c);
		if (c < 0)
			c = 0xfffd;
		f = fold_cp(u_foldCase(c, U_FOLD_CASE_DEFAULT));
		if (!f)
			continue;
		dst[o] = f;
		map[o++] = (uint8_t)((size_t)at * n / (size_t)len);
	}
	return squeeze_rn(dst, map, o);
}
