/*
 * Crypto key material in files: PEM and OpenSSH private keys, OpenPGP
 * secret keys in ASCII armor and PuTTY .ppk private keys (also escaped
 * inside JSON and in YAML block scalars), encrypted private keys of each
 * of those kinds, Bitcoin wallet.dat (Berkeley DB and SQLite descriptor
 * wallets), Ethereum keystore v3, WIF keys (base58check), hex private keys
 * in key-like context, and BIP39 seed phrases of 12-24 words in every
 * BIP39 language, validated by their checksum. A finding never carries the
 * secret: only its kind, where it is and a short fingerprint (the first 8
 * hex digits of the SHA-256 of the secret).
 */
#ifndef WARD_KEYS_H
#define WARD_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "ward/finding.h"

struct ward_key_hit {
	const struct ward_check *check;
	size_t offset;	     /* byte offset of the item in the buffer */
	long line;	     /* 1-based line of the item, 0 for binary files */
	char fingerprint[9]; /* first 8 hex digits of SHA-256 of the secret bytes */
	char detail[96];     /* "PKCS#8", "secp256k1 SEC1", "scrypt", "24 words, japanese" ... */
};

/* Called for each item found; return non-zero to stop. */
typedef int (*ward_key_fn)(void *ctx, const struct ward_key_hit *hit);

/*
 * Looks for key material in p[0..n) named name (may be NULL; used only as a
 * hint, e.g. "wallet.dat", ".env"). Never allocates more than a bounded
 * scratch and never prints. Returns the number of hits reported.
 */
int ward_keys_scan(const uint8_t *p, size_t n, const char *name, ward_key_fn fn, void *ctx);

extern const struct ward_check *const ward_key_checks[];

extern const struct ward_check ward_check_key_private;	  /* PEM, OpenSSH, OpenPGP, PuTTY key */
extern const struct ward_check ward_check_key_encrypted;  /* encrypted private key */
extern const struct ward_check ward_check_key_wallet_dat; /* Bitcoin Core wallet */
extern const struct ward_check ward_check_key_keystore;	  /* Ethereum keystore v3 */
extern const struct ward_check ward_check_key_wif;	  /* WIF private key */
extern const struct ward_check ward_check_key_hex;	  /* raw hex private key */
extern const struct ward_check ward_check_key_seed;	  /* BIP39 seed phrase */

#endif
