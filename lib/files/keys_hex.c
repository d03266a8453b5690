/*
 * Raw hex private keys: 64 hex digits (32 bytes, a secp256k1 or Ed25519
 * secret), with or without "0x", standing alone between non-alphanumerics.
 * Such strings are everywhere (SHA-256 sums, transaction and block hashes,
 * lock-file integrity fields), so a token counts only when the name written
 * just before it on the same line says key: PRIVATE_KEY=, "privateKey":,
 * signer_private_key =, accounts: [ ... ], new Wallet(...). A name saying
 * hash, checksum, address, salt, commit and the like rules it out, and so
 * does a file named like a checksum list or a lock file. A file holding
 * nothing but one such token is a key file too, unless its name says hash.
 */
#include <stdio.h>
#include <string.h>

#include "files_internal.h"
#include "keys_internal.h"

#include "ward/text.h"

/* How far back on the line the name of a value is looked for. */
#define CONTEXT_MAX 256
#define IDENT_MAX 48

/* Lower-cased copy of s without '_', '-', '.' and spaces; cut to cap - 1. */
static void
fold(const char *s, size_t n, char *out, size_t cap)
{
	size_t i, o = 0;

	for (i = 0; i < n && o + 1 < cap; i++) {
		char c = s[i];
		if (c == '_' || c == '-' || c == '.' || c == ' ')
			continue;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c + 32);
		out[o++] = c;
	}
	out[o] = '\0';
}

static int
has_any(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strstr(s, *list))
			return 1;
	return 0;
}

static int
ident_char(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-';
}

/* 1 when the lower-cased word w names a digest: sha256, sha1sums, md5sum ... */
static int
digest_word(const char *w)
{
	static const char *const words[] = {"sum",    "sums",	 "checksum", "checksums",
					    "md5",    "md5sum",	 "md5sums",  "b2sums",
					    "digest", "digests", NULL};
	const char *const *k;

	for (k = words; *k; k++)
		if (strcmp(w, *k) == 0)
			return 1;
	if (strncmp(w, "sha", 3) != 0)
		return 0;
	w += 3 + strspn(w + 3, "0123456789");
	return !*w || strcmp(w, "sum") == 0 || strcmp(w, "sums") == 0;
}

/*
 * 1 when a word of the base name of name (split at anything but letters
 * and digits, lower-cased) is a digest word or one of extra.
 */
static int
name_word(const char *name, const char *const *extra)
{
	char w[32];
	size_t n;

	if (!name)
		return 0;
	name = files_base_name(name);
	while (*name) {
		const char *const *k;

		for (n = 0; ident_char((uint8_t)*name) && *name != '_' && *name != '-'; name++)
			if (n + 1 < sizeof(w))
				w[n++] = *name >= 'A' && *name <= 'Z' ? (char)(*name + 32) : *name;
		w[n] = '\0';
		if (*name)
			name++;
		if (!n)
			continue;
		if (digest_word(w))
			return 1;
		for (k = extra; *k; k++)
			if (strcmp(w, *k) == 0)
				return 1;
	}
	return 0;
}

int
keys_hex_name_excluded(const char *name)
{
	static const char *const lock[] = {"lock", "shrinkwrap", NULL};

	if (name && (strstr(name, "/.git/") || strncmp(name, ".git/", 5) == 0))
		return 1;
	return name_word(name, lock);
}

/* 1 when the folded name id says private key. */
static int
key_name(const char *id)
{
	static const char *const deny[] = {
	    "pub",  "hash",	 "txid",     "sha",   "digest",	   "checksum",
	    "sum",  "integrity", "commit",   "addr",  "salt",	   "nonce",
	    "mac",  "cipher",	 "root",     "block", "signature", "fingerprint",
	    "uuid", "api",	 "contract", NULL};
	static const char *const digests[] = {
	    "hash", "mac", "sha256", "digest", "checksum", "fingerprint", "signature", "sig", NULL};
	static const char *const exact[] = {"accounts", "account", "wallet", "signer", "pk",
					    "sk",	"seed",	   "key",    NULL};
	size_t n = strlen(id);
	const char *const *e;

	for (e = exact; *e; e++)
		if (strcmp(id, *e) == 0)
			return 1;
	if (n >= 2 && strcmp(id + n - 2, "id") == 0)
		return 0;
	if (strcmp(id, "iv") == 0 || strncmp(id, "tx", 2) == 0)
		return 0;
	/* A digest or MAC of a key is not the key (PuTTY's Private-MAC). */
	for (e = digests; *e; e++)
		if (n >= strlen(*e) && strcmp(id + n - strlen(*e), *e) == 0)
			return 0;
	if (strstr(id, "priv") || (strstr(id, "secret") && !has_any(id, deny)))
		return 1;
	if (has_any(id, deny))
		return 0;
	return n > 3 && strcmp(id + n - 3, "key") == 0;
}

/*
 * The name written before the value at off on its line: back over quotes,
 * ':', '=', '[', '(', ',' and earlier hex values (so the second key of an
 * array still finds "accounts"), then the identifier. Returns its length and
 * its start in *start, or 0 when the line holds no such name.
 */
static size_t
name_before(const uint8_t *p, size_t off, size_t *start)
{
	size_t lim = off > CONTEXT_MAX ? off - CONTEXT_MAX : 0, i = off, e;

	for (;;) {
		while (i > lim && p[i - 1] != '\0' && strchr(" \t\"'`:=[(,{>", p[i - 1]))
			i--;
		if (i == lim || p[i - 1] == '\n' || p[i - 1] == '\r')
			return 0;
		e = i;
		while (i > lim && e - i <= 64 && ward_hexval(p[i - 1]) >= 0)
			i--;
		if (e - i != 64 || (i > lim && ident_char(p[i - 1]) && p[i - 1] != 'x')) {
			i = e;
			break;
		}
		if (i - lim >= 2 && p[i - 1] == 'x' && p[i - 2] == '0')
			i -= 2;
	}
	e = i;
	while (i > lim && e - i < IDENT_MAX && ident_char(p[i - 1]))
		i--;
	*start = i;
	return e - i;
}

/* 1 when the 64 digits look random: both letters and digits, many distinct. */
static int
random_enough(const uint8_t *h)
{
	unsigned seen = 0, letters = 0, i;

	for (i = 0; i < 64; i++) {
		int v = ward_hexval(h[i]);
		seen |= 1u << v;
		letters += v >= 10;
	}
	return letters > 0 && letters < 64 && __builtin_popcount(seen) >= 8;
}

static int
is_space(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* 1 when p[off..off+len) is all the buffer holds, but for white space. */
static int
alone(const struct keys_scan *s, size_t off, size_t len)
{
	size_t i;

	for (i = 0; i < off; i++)
		if (!is_space(s->p[i]))
			return 0;
	for (i = off + len; i < s->n; i++)
		if (!is_space(s->p[i]))
			return 0;
	return 1;
}

/* 1 when the name of a file holding one lone hex string says it is a hash. */
static int
hashy_name(const char *name)
{
	static const char *const words[] = {"hash", "hashes", "commit", "head", "lock",
					    "txid", "tx",     "id",	NULL};

	return name_word(name, words);
}

void
keys_hex_token(struct keys_scan *s, size_t off, size_t len)
{
	const uint8_t *t = s->p + off, *h = t;
	uint8_t key[32];
	char id[IDENT_MAX + 1], detail[96];
	size_t i, istart, ilen;

	if (len == 66) {
		if (t[0] != '0' || (t[1] | 0x20) != 'x')
			return;
		h = t + 2;
	}
	for (i = 0; i < 64; i++)
		if (ward_hexval(h[i]) < 0)
			return;
	if (!random_enough(h))
		return;
	ilen = name_before(s->p, off, &istart);
	if (ilen) {
		/* A command-line option (--key=...) in documentation names a
		 * fingerprint; a URL parameter (?key=, &key=) a token. */
		if (s->p[istart] == '-' ||
		    (istart > 0 && (s->p[istart - 1] == '&' || s->p[istart - 1] == '?')))
			return;
		fold((const char *)s->p + istart, ilen, id, sizeof(id));
		if (!key_name(id))
			return;
		memcpy(id, s->p + istart, ilen);
		id[ilen] = '\0';
		snprintf(detail, sizeof(detail), "64 hex digits after %s", id);
	} else if (alone(s, off, len) && !hashy_name(s->name)) {
		snprintf(detail, sizeof(detail), "64 hex digits, alone in the file");
	} else {
		return;
	}
	for (i = 0; i < 32; i++)
		key[i] = (uint8_t)(ward_hexval(h[2 * i]) << 4 | ward_hexval(h[2 * i + 1]));
	keys_report_secret(s, &ward_check_key_hex, off, key, 32, detail);
	memset(key, 0, sizeof(key));
}
