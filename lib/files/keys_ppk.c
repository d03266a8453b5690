/*
 * PuTTY private key files (.ppk), format versions 2 and 3:
 *
 *   PuTTY-User-Key-File-3: ssh-ed25519
 *   Encryption: none                   or aes256-cbc
 *   Comment: ...
 *   Public-Lines: N                    then N lines of base64
 *   Key-Derivation: Argon2id           version 3 when encrypted, with the
 *   Argon2-Memory: ...                 other Argon2 parameters
 *   Private-Lines: M                   then M lines of base64
 *   Private-MAC: hex                   40 digits (v2) or 64 (v3)
 *
 * Every line must be there in this order, each count (at most 4096) must
 * match the base64 lines that follow it, the public blob must start with
 * the key type of the first line, an unencrypted private blob must be a
 * run of SSH strings and an encrypted one whole AES blocks. The MAC is not
 * verified: that needs the key, or the passphrase. Lines may end in CRLF,
 * be indented, or be escaped inside a string. Encryption "none" is a key
 * in clear, aes256-cbc an encrypted one; any other value stays quiet, and
 * so do placeholders and truncated files. The hit is at the first line and
 * its fingerprint is the SHA-256 of the decoded private blob.
 */
#define _GNU_SOURCE /* memmem */
#include <stdio.h>
#include <string.h>

#include "ward/text.h"
#include "keys_internal.h"

static const char mark[] = "PuTTY-User-Key-File-";
#define MARK_LEN (sizeof(mark) - 1)
/* Most base64 lines in one section (a 16384-bit RSA key needs 44). */
#define LINES_MAX 4096
/* Most key derivation lines (Key-Derivation and four Argon2 parameters). */
#define KDF_LINES_MAX 8
/* Most SSH strings in a private blob in clear (RSA has four). */
#define FIELDS_MAX 8

struct ppk {
	const uint8_t *p;
	size_t n, i; /* the next line starts at i */
	int esc;     /* the file is escaped inside a string */
	int escaped; /* escaped line breaks were seen */
};

static int
alnum(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* Skips the indentation of the next line; 1 when it starts with "name:". */
static int
named(struct ppk *r, const char *name)
{
	size_t i = r->i, nl = strlen(name);

	while (i < r->n && keys_blank(r->p[i]))
		i++;
	r->i = i;
	return r->n - i > nl && memcmp(r->p + i, name, nl) == 0 && r->p[i + nl] == ':';
}

/*
 * Reads the line "name: value" and the line break after it. The value is
 * returned without the blanks around it. Returns 0, or -1 when the line is
 * another or does not end.
 */
static int
field(struct ppk *r, const char *name, const uint8_t **v, size_t *vl)
{
	size_t i, e, k;

	if (!named(r, name))
		return -1;
	i = r->i + strlen(name) + 1;
	while (i < r->n && keys_blank(r->p[i]))
		i++;
	e = keys_line_end(r->p, r->n, i, r->esc);
	*v = r->p + i;
	*vl = e - i;
	while (*vl && keys_blank((*v)[*vl - 1]))
		(*vl)--;
	if (e >= r->n || !(k = keys_line_break(r->p + e, r->n - e, &r->escaped)))
		return -1;
	r->i = e + k;
	return 0;
}

/* Reads "name: N" with N from 1 to LINES_MAX. */
static long
count(struct ppk *r, const char *name)
{
	const uint8_t *v;
	size_t vl, k;
	long c = 0;

	if (field(r, name, &v, &vl) < 0 || vl == 0 || vl > 4)
		return -1;
	for (k = 0; k < vl; k++) {
		if (v[k] < '0' || v[k] > '9')
			return -1;
		c = c * 10 + (v[k] - '0');
	}
	return c >= 1 && c <= LINES_MAX ? c : -1;
}

/* Decodes lines lines of base64 into b. */
static int
b64_lines(struct ppk *r, long lines, struct keys_b64 *b)
{
	const uint8_t *p = r->p;
	size_t i, ls, k;
	long l;
	int rc = 0;

	for (l = 0; l < lines; l++) {
		i = r->i;
		while (i < r->n && keys_blank(p[i]))
			i++;
		for (ls = i; i < r->n && (rc = keys_b64_char(b, p[i])) > 0;)
			i++;
		if (rc < 0 || i == ls)
			return -1;
		while (i < r->n && keys_blank(p[i]))
			i++;
		if (i >= r->n || !(k = keys_line_break(p + i, r->n - i, &r->escaped)))
			return -1;
		r->i = i + k;
	}
	return keys_b64_end(b);
}

/* 1 when the private blob in clear is a run of SSH strings. */
static int
ssh_strings(const struct keys_b64 *b)
{
	size_t o = 0, l;
	int k;

	if (b->total > KEYS_B64_HEAD)
		return 1; /* not all in scratch: taken on trust */
	for (k = 0; k < FIELDS_MAX && b->total - o >= 4; k++) {
		l = (size_t)b->head[o] << 24 | (size_t)b->head[o + 1] << 16 |
		    (size_t)b->head[o + 2] << 8 | b->head[o + 3];
		o += 4;
		if (l > b->total - o)
			return 0;
		o += l;
	}
	return k > 0 && o == b->total;
}

/*
 * One file whose first line starts at at. Returns where scanning goes on:
 * past the MAC line for a key, else past the mark.
 */
static size_t
block(struct keys_scan *s, size_t at)
{
	struct ppk r = {s->p, s->n, at + MARK_LEN, 0, 0};
	const uint8_t *p = s->p, *algo, *enc, *v, *kdf = NULL;
	size_t n = s->n, i, alen, elen, vl, kdflen = 0, k;
	struct keys_b64 pub, priv;
	char ver, detail[96];
	uint8_t dg[32];
	long lines;
	int encrypted, kl, ok = 0;

	keys_b64_init(&pub, 0);
	keys_b64_init(&priv, KEYS_B64_HASH);
	/* "PuTTY-User-Key-File-3: <key type>" */
	i = r.i;
	if (n - i < 3 || (p[i] != '2' && p[i] != '3') || p[i + 1] != ':' || !keys_blank(p[i + 2]))
		goto out;
	ver = (char)p[i];
	for (i += 2; i < n && keys_blank(p[i]);)
		i++;
	for (algo = p + i; i < n && (alnum(p[i]) || p[i] == '-' || p[i] == '.' || p[i] == '@');)
		i++;
	alen = (size_t)(p + i - algo);
	while (i < n && keys_blank(p[i]))
		i++;
	if (alen == 0 || alen > 64 || i >= n || !(k = keys_line_break(p + i, n - i, &r.escaped)))
		goto out;
	r.esc = p[i] == '\\';
	r.i = i + k;

	if (field(&r, "Encryption", &enc, &elen) < 0)
		goto out;
	if (elen == 4 && memcmp(enc, "none", 4) == 0)
		encrypted = 0;
	else if (elen == 10 && memcmp(enc, "aes256-cbc", 10) == 0)
		encrypted = 1;
	else
		goto out;
	if (field(&r, "Comment", &v, &vl) < 0)
		goto out;

	/* The public blob starts with the key type. */
	if ((lines = count(&r, "Public-Lines")) < 0 || b64_lines(&r, lines, &pub) < 0)
		goto out;
	if (pub.total < 4 + alen || pub.head[0] || pub.head[1] || pub.head[2] ||
	    pub.head[3] != alen || memcmp(pub.head + 4, algo, alen) != 0)
		goto out;

	/* Key derivation: version 3 and encrypted only, and then needed. */
	for (kl = 0; kl < KDF_LINES_MAX && !named(&r, "Private-Lines"); kl++) {
		if (named(&r, "Key-Derivation")) {
			if (field(&r, "Key-Derivation", &kdf, &kdflen) < 0)
				goto out;
			continue;
		}
		if (r.n - r.i < 7 || memcmp(r.p + r.i, "Argon2-", 7) != 0)
			goto out;
		i = keys_line_end(r.p, r.n, r.i, r.esc);
		if (i >= r.n || !(k = keys_line_break(r.p + i, r.n - i, &r.escaped)))
			goto out;
		r.i = i + k;
	}
	if ((kl > 0) != (ver == '3' && encrypted) || (kl > 0 && (!kdf || kdflen == 0)))
		goto out;

	if ((lines = count(&r, "Private-Lines")) < 0 || b64_lines(&r, lines, &priv) < 0)
		goto out;
	if (encrypted ? priv.total % 16 != 0 : !ssh_strings(&priv))
		goto out;

	/* "Private-MAC: <hex>", ending the file or followed by no letter or digit. */
	if (!named(&r, "Private-MAC"))
		goto out;
	for (i = r.i + 12; i < n && keys_blank(p[i]);)
		i++;
	for (k = 0; i + k < n && (ward_hexval(p[i + k]) >= 0);)
		k++;
	if (k != (ver == '2' ? 40u : 64u) || (i + k < n && alnum(p[i + k])))
		goto out;
	r.i = i + k;

	if (!encrypted)
		snprintf(detail, sizeof(detail), "PuTTY v%c %.*s", ver, (int)alen,
			 (const char *)algo);
	else if (kdf)
		snprintf(detail, sizeof(detail), "PuTTY v%c %.*s, encrypted (aes256-cbc, %.*s)",
			 ver, (int)alen, (const char *)algo, (int)(kdflen < 16 ? kdflen : 16),
			 (const char *)kdf);
	else
		snprintf(detail, sizeof(detail), "PuTTY v%c %.*s, encrypted (aes256-cbc)", ver,
			 (int)alen, (const char *)algo);
	if (r.escaped && strlen(detail) + 22 < sizeof(detail))
		strcat(detail, ", escaped in a string");
	if (keys_b64_digest(&priv, dg) < 0)
		goto out;
	ok = 1;
	keys_report(s, encrypted ? &ward_check_key_encrypted : &ward_check_key_private, at, dg,
		    detail);
out:
	keys_b64_clear(&pub);
	keys_b64_clear(&priv);
	return ok ? r.i : at + MARK_LEN;
}

void
keys_ppk_scan(struct keys_scan *s)
{
	const uint8_t *p = s->p, *q;
	size_t n = s->n, i = 0;

	while (!s->stop && i < n && (q = memmem(p + i, n - i, mark, MARK_LEN)) != NULL)
		i = block(s, (size_t)(q - p));
}
