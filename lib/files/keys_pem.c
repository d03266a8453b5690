/*
 * PEM private keys: "-----BEGIN <label>PRIVATE KEY-----", a base64 body and
 * "-----END ...". Only labels ending in PRIVATE KEY count, so public keys
 * and certificates stay quiet. The body is decoded as a stream
 * (keys_b64.c): the first bytes stay in a small scratch for the structure
 * check, all of them go through SHA-256 for the fingerprint, none is kept.
 * It may be broken by line ends, indentation (YAML block scalars), and "\n"
 * or "\\n" escapes (a key inside a JSON string, escaped once or twice); any
 * other byte ends it and the block stays quiet, which silences placeholders
 * like "..." or "<your key here>". A body must then decode to a plausible
 * key:
 *
 *   RSA PRIVATE KEY        PKCS#1: SEQUENCE { INTEGER 0, INTEGER n, ... }
 *   EC PRIVATE KEY         SEC1:   SEQUENCE { INTEGER 1, OCTET STRING, [0] curve }
 *   DSA PRIVATE KEY        SEQUENCE { INTEGER 0, INTEGER p, ... }
 *   PRIVATE KEY            PKCS#8: SEQUENCE { INTEGER 0|1, AlgorithmIdentifier, OCTET STRING }
 *   ENCRYPTED PRIVATE KEY  SEQUENCE { AlgorithmIdentifier, OCTET STRING }
 *   OPENSSH PRIVATE KEY    "openssh-key-v1\0", cipher, kdf, kdf options, key count, public key
 *
 * and the outer SEQUENCE must span the body exactly. Legacy encrypted PEM
 * (Proc-Type: 4,ENCRYPTED and DEK-Info headers) is ciphertext, so only its
 * length is checked. OpenSSH keys whose cipher is not "none", PKCS#8
 * EncryptedPrivateKeyInfo and legacy encrypted PEM are reported as
 * encrypted keys.
 */
#define _GNU_SOURCE /* memmem */
#include <stdio.h>
#include <string.h>

#include "keys_internal.h"

#define LABEL_MAX 48
/* Decoded bytes kept for the structure check. */
#define HEAD_MAX KEYS_B64_HEAD
/* Smallest plausible key: an Ed25519 PKCS#8 key is 48 bytes. */
#define BODY_MIN 40

enum pem_kind {
	PEM_PKCS1_RSA,
	PEM_SEC1,
	PEM_DSA,
	PEM_PKCS8,
	PEM_PKCS8_ENC,
	PEM_OPENSSH,
	PEM_OTHER,
};

/*
 * Skips armor headers (RFC 1421: "Proc-Type: 4,ENCRYPTED", "DEK-Info:
 * AES-256-CBC,IV") from i up to and including the empty line after them.
 * Returns the new position; *enc is set when the key is encrypted and
 * cipher receives the DEK-Info algorithm.
 */
static size_t
skip_headers(const uint8_t *p, size_t n, size_t i, int *enc, char *cipher, size_t cap, int *esc)
{
	size_t k, lines = 0, ls;

	while (i < n && (keys_blank(p[i]) || keys_line_break(p + i, n - i, esc)))
		i += keys_blank(p[i]) ? 1 : keys_line_break(p + i, n - i, esc);
	if (n - i < 10 || memcmp(p + i, "Proc-Type:", 10) != 0)
		return i;
	for (; i < n && lines < 8; lines++) {
		ls = i;
		while (i < n && p[i] != '\n' && p[i] != '\r' && p[i] != '\\')
			i++;
		if (i - ls >= 10 && memcmp(p + ls, "Proc-Type:", 10) == 0 &&
		    memmem(p + ls, i - ls, "ENCRYPTED", 9))
			*enc = 1;
		if (i - ls > 9 && memcmp(p + ls, "DEK-Info:", 9) == 0) {
			ls += 9;
			while (ls < i && keys_blank(p[ls]))
				ls++;
			for (k = 0; ls < i && k + 1 < cap && p[ls] != ','; ls++)
				cipher[k++] = (char)p[ls];
			cipher[k] = '\0';
		}
		if (i >= n || !(k = keys_line_break(p + i, n - i, esc)))
			return n;
		i += k;
		while (i < n && keys_blank(p[i]))
			i++;
		if (i < n && (k = keys_line_break(p + i, n - i, esc)) != 0)
			return i + k;
	}
	return n;
}

/* ---- DER ---- */

struct der {
	const uint8_t *p;
	size_t n, i;
};

/* Reads one TLV header; returns 0 and the content's bounds, or -1. */
static int
tlv(struct der *d, uint8_t *tag, size_t *len)
{
	size_t l, k, nb;

	if (d->n - d->i < 2)
		return -1;
	*tag = d->p[d->i++];
	l = d->p[d->i++];
	if (l & 0x80) {
		nb = l & 0x7f;
		if (nb == 0 || nb > 3 || d->n - d->i < nb)
			return -1;
		for (l = 0, k = 0; k < nb; k++)
			l = l << 8 | d->p[d->i++];
		if (l < 0x80)
			return -1;
	}
	*len = l;
	return 0;
}

/* Enters the next element if it has tag want (content may run past the scratch). */
static int
enter(struct der *d, uint8_t want, size_t *len)
{
	uint8_t tag;

	return tlv(d, &tag, len) == 0 && tag == want ? 0 : -1;
}

/* Reads a small INTEGER. */
static int
small_int(struct der *d, long *v)
{
	size_t len, k;

	if (enter(d, 0x02, &len) < 0 || len == 0 || len > 2 || len > d->n - d->i)
		return -1;
	for (*v = 0, k = 0; k < len; k++)
		*v = *v << 8 | d->p[d->i++];
	return 0;
}

struct oid_name {
	uint8_t len;
	uint8_t der[10];
	const char *name;
};

static const struct oid_name oids[] = {
    {9, {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01}, "RSA"},
    {9, {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a}, "RSA-PSS"},
    {7, {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01}, "EC"},
    {7, {0x2a, 0x86, 0x48, 0xce, 0x38, 0x04, 0x01}, "DSA"},
    {3, {0x2b, 0x65, 0x70}, "Ed25519"},
    {3, {0x2b, 0x65, 0x71}, "Ed448"},
    {3, {0x2b, 0x65, 0x6e}, "X25519"},
    {3, {0x2b, 0x65, 0x6f}, "X448"},
    {5, {0x2b, 0x81, 0x04, 0x00, 0x0a}, "secp256k1"},
    {8, {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07}, "P-256"},
    {5, {0x2b, 0x81, 0x04, 0x00, 0x22}, "P-384"},
    {5, {0x2b, 0x81, 0x04, 0x00, 0x23}, "P-521"},
    {9, {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0d}, "PBES2"},
    {9, {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x03}, "PBES1"},
    {10, {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c, 0x01, 0x03}, "PKCS#12 3DES"},
};

/* Reads an OID and names it ("" when unknown); -1 when there is none. */
static int
oid(struct der *d, const char **name)
{
	size_t len, k;

	if (enter(d, 0x06, &len) < 0 || len == 0 || len > d->n - d->i)
		return -1;
	*name = "";
	for (k = 0; k < sizeof(oids) / sizeof(oids[0]); k++)
		if (oids[k].len == len && memcmp(oids[k].der, d->p + d->i, len) == 0)
			*name = oids[k].name;
	d->i += len;
	return 0;
}

/*
 * Checks the decoded body against its label's structure and describes it.
 * Returns 1 (plausible key), or 0.
 */
static int
check_der(enum pem_kind kind, const struct keys_b64 *b, char *detail, size_t cap)
{
	struct der d = {b->head, b->total < HEAD_MAX ? b->total : HEAD_MAX, 0};
	const char *alg = "", *curve = "";
	size_t len, seq_end;
	long v;

	if (enter(&d, 0x30, &len) < 0 || d.i + len != b->total)
		return 0;
	seq_end = d.i + len;
	switch (kind) {
	case PEM_PKCS1_RSA:
		if (small_int(&d, &v) < 0 || v != 0 || enter(&d, 0x02, &len) < 0 || len < 32)
			return 0;
		snprintf(detail, cap, "PKCS#1 RSA %zu bits",
			 (len - (d.i < d.n && d.p[d.i] == 0)) * 8);
		return 1;
	case PEM_DSA:
		if (small_int(&d, &v) < 0 || v != 0 || enter(&d, 0x02, &len) < 0 || len < 32)
			return 0;
		snprintf(detail, cap, "DSA");
		return 1;
	case PEM_SEC1:
		if (small_int(&d, &v) < 0 || v != 1 || enter(&d, 0x04, &len) < 0 || len < 16 ||
		    len > 72 || len > d.n - d.i)
			return 0;
		d.i += len;
		if (d.i < d.n && d.p[d.i] == 0xa0 && enter(&d, 0xa0, &len) == 0)
			oid(&d, &curve);
		snprintf(detail, cap, "SEC1 EC%s%s", *curve ? " " : "", curve);
		return 1;
	case PEM_PKCS8:
		if (small_int(&d, &v) < 0 || (v != 0 && v != 1) || enter(&d, 0x30, &len) < 0 ||
		    len > d.n - d.i)
			return 0;
		seq_end = d.i + len;
		if (oid(&d, &alg) < 0)
			return 0;
		if (strcmp(alg, "EC") == 0 && d.i < d.n && d.p[d.i] == 0x06)
			oid(&d, &curve);
		d.i = seq_end;
		if (enter(&d, 0x04, &len) < 0 || len < 16)
			return 0;
		snprintf(detail, cap, "PKCS#8 %s%s%s", *alg ? alg : "key", *curve ? " " : "",
			 curve);
		return 1;
	case PEM_PKCS8_ENC:
		if (enter(&d, 0x30, &len) < 0 || len > d.n - d.i)
			return 0;
		seq_end = d.i + len;
		if (oid(&d, &alg) < 0)
			return 0;
		d.i = seq_end;
		if (enter(&d, 0x04, &len) < 0 || len < 16 || d.i + len != b->total)
			return 0;
		snprintf(detail, cap, "PKCS#8, encrypted%s%s%s", *alg ? " (" : "", alg,
			 *alg ? ")" : "");
		return 1;
	default:
		(void)seq_end;
		snprintf(detail, cap, "DER key");
		return 1;
	}
}

/* ---- OpenSSH ---- */

static int
ssh_string(struct der *d, const uint8_t **s, size_t *len, size_t max)
{
	size_t l;

	if (d->n - d->i < 4)
		return -1;
	l = (size_t)d->p[d->i] << 24 | (size_t)d->p[d->i + 1] << 16 | (size_t)d->p[d->i + 2] << 8 |
	    d->p[d->i + 3];
	d->i += 4;
	if (l > max || l > d->n - d->i)
		return -1;
	*s = d->p + d->i;
	*len = l;
	d->i += l;
	return 0;
}

static int
printable(const uint8_t *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] <= 0x20 || s[i] >= 0x7f)
			return 0;
	return 1;
}

/* Returns 1 (unencrypted), 2 (encrypted) or 0 (not an OpenSSH key). */
static int
check_openssh(const struct keys_b64 *b, char *detail, size_t cap)
{
	static const char magic[] = "openssh-key-v1";
	struct der d = {b->head, b->total < HEAD_MAX ? b->total : HEAD_MAX, sizeof(magic)};
	const uint8_t *cipher, *kdf, *opts, *pub, *type;
	size_t lc, lk, lo, lp, lt;
	uint32_t nkeys;
	int enc;

	if (b->total < 64 || memcmp(b->head, magic, sizeof(magic)) != 0)
		return 0;
	if (ssh_string(&d, &cipher, &lc, 64) < 0 || lc == 0 || !printable(cipher, lc) ||
	    ssh_string(&d, &kdf, &lk, 64) < 0 || lk == 0 || !printable(kdf, lk) ||
	    ssh_string(&d, &opts, &lo, 256) < 0 || d.n - d.i < 4)
		return 0;
	nkeys = (uint32_t)d.p[d.i] << 24 | (uint32_t)d.p[d.i + 1] << 16 |
		(uint32_t)d.p[d.i + 2] << 8 | d.p[d.i + 3];
	d.i += 4;
	if (nkeys == 0 || nkeys > 64)
		return 0;
	enc = !(lc == 4 && memcmp(cipher, "none", 4) == 0);
	(void)opts;
	if (ssh_string(&d, &pub, &lp, HEAD_MAX) == 0) {
		struct der pd = {pub, lp, 0};
		if (ssh_string(&pd, &type, &lt, 64) == 0 && lt && printable(type, lt)) {
			if (enc)
				snprintf(detail, cap, "OpenSSH %.*s, encrypted (%.*s)", (int)lt,
					 (const char *)type, (int)lc, (const char *)cipher);
			else
				snprintf(detail, cap, "OpenSSH %.*s", (int)lt, (const char *)type);
			return enc ? 2 : 1;
		}
	} else if (b->total <= HEAD_MAX) {
		return 0; /* the whole key was in scratch and the public key is bad */
	}
	if (enc)
		snprintf(detail, cap, "OpenSSH, encrypted (%.*s)", (int)lc, (const char *)cipher);
	else
		snprintf(detail, cap, "OpenSSH");
	return enc ? 2 : 1;
}

/* ---- Blocks ---- */

static enum pem_kind
kind_of(const uint8_t *l, size_t n)
{
	static const struct {
		const char *label;
		enum pem_kind kind;
	} labels[] = {
	    {"RSA PRIVATE KEY", PEM_PKCS1_RSA},	  {"EC PRIVATE KEY", PEM_SEC1},
	    {"DSA PRIVATE KEY", PEM_DSA},	  {"PRIVATE KEY", PEM_PKCS8},
	    {"ANY PRIVATE KEY", PEM_PKCS8},	  {"ENCRYPTED PRIVATE KEY", PEM_PKCS8_ENC},
	    {"OPENSSH PRIVATE KEY", PEM_OPENSSH},
	};
	size_t k;

	for (k = 0; k < sizeof(labels) / sizeof(labels[0]); k++)
		if (strlen(labels[k].label) == n && memcmp(labels[k].label, l, n) == 0)
			return labels[k].kind;
	return PEM_OTHER;
}

/*
 * One block whose BEGIN line starts at at and whose body starts at i.
 * Returns where scanning goes on.
 */
static size_t
block(struct keys_scan *s, size_t at, size_t i, enum pem_kind kind)
{
	const uint8_t *p = s->p;
	size_t n = s->n, end;
	struct keys_b64 b;
	char detail[96], cipher[32] = "";
	uint8_t dg[32];
	int legacy_enc = 0, rc = 0;
	const struct ward_check *c = &ward_check_key_private;

	keys_b64_init(&b, KEYS_B64_HASH);
	i = skip_headers(p, n, i, &legacy_enc, cipher, sizeof(cipher), &b.escaped);
	end = keys_b64_armor(p, n, i, &b, NULL);
	if (!end || b.total < BODY_MIN)
		goto out;
	i = end;
	if (legacy_enc) {
		if (b.total % 8 != 0 || b.total < 64)
			goto out;
		snprintf(detail, sizeof(detail), "%s, encrypted (%s)",
			 kind == PEM_SEC1  ? "SEC1 EC"
			 : kind == PEM_DSA ? "DSA"
					   : "PKCS#1 RSA",
			 *cipher ? cipher : "legacy PEM");
		c = &ward_check_key_encrypted;
	} else if (kind == PEM_OPENSSH) {
		rc = check_openssh(&b, detail, sizeof(detail));
		if (!rc)
			goto out;
		if (rc == 2)
			c = &ward_check_key_encrypted;
	} else {
		if (!check_der(kind, &b, detail, sizeof(detail)))
			goto out;
		if (kind == PEM_PKCS8_ENC)
			c = &ward_check_key_encrypted;
	}
	if (b.escaped && strlen(detail) + 19 < sizeof(detail))
		strcat(detail, ", escaped in a string");
	if (keys_b64_digest(&b, dg) < 0)
		goto out;
	keys_report(s, c, at, dg, detail);
out:
	keys_b64_clear(&b);
	return i;
}

/*
 * The first "-----BEGIN " in p[0..n), or NULL. memchr finds dashes at
 * memory speed; a match starting within five bytes of a dash needs a dash
 * four bytes on, so where there is none the search moves five bytes. On
 * binaries this is several times faster than memmem, and every file meets
 * it.
 */
static const uint8_t *
find_begin(const uint8_t *p, size_t n)
{
	size_t i = 0;

	while (n >= 11 && i <= n - 11) {
		const uint8_t *q = memchr(p + i, '-', n - 10 - i);
		size_t j;
		if (!q)
			return NULL;
		j = (size_t)(q - p);
		if (p[j + 4] != '-')
			i = j + 5;
		else if (memcmp(p + j, "-----BEGIN ", 11) == 0)
			return q;
		else
			i = j + 1;
	}
	return NULL;
}

void
keys_pem_scan(struct keys_scan *s)
{
	const uint8_t *p = s->p, *q;
	size_t n = s->n, i = 0, ls, le;

	while (!s->stop && i < n && (q = find_begin(p + i, n - i)) != NULL) {
		size_t at = (size_t)(q - p);

		ls = at + 11;
		if (n - ls >= 4 && memcmp(p + ls, "PGP ", 4) == 0) {
			i = keys_pgp_at(s, at);
			continue;
		}
		le = ls;
		while (le < n && le - ls <= LABEL_MAX &&
		       ((p[le] >= 'A' && p[le] <= 'Z') || (p[le] >= '0' && p[le] <= '9') ||
			p[le] == ' ' || p[le] == '#'))
			le++;
		i = le;
		if (le - ls > LABEL_MAX || n - le < 5 || memcmp(p + le, "-----", 5) != 0)
			continue;
		if (le - ls < 11 || memcmp(p + le - 11, "PRIVATE KEY", 11) != 0)
			continue;
		i = block(s, at, le + 5, kind_of(p + ls, le - ls));
	}
}
