/*
 * WIF private keys: base58check of a version byte (0x80 mainnet, 0xef
 * testnet), the 32-byte key, an optional 0x01 byte marking a compressed
 * public key, and the first four bytes of the double SHA-256 of all that.
 * Mainnet keys read 5... (51 characters) or K.../L... (52); testnet keys
 * 9... (51) or c... (52). A string that fails the checksum stays quiet,
 * which also keeps addresses and random base58 text out.
 */
#include <string.h>

#include "keys_internal.h"

void
keys_wif_token(struct keys_scan *s, size_t off, size_t len)
{
	const uint8_t *t = s->p + off;
	uint8_t raw[38], h1[32], h2[32];
	int testnet, compressed = len == 52;
	size_t got;

	if (len == 51 && t[0] != '5' && t[0] != '9')
		return;
	if (len == 52 && t[0] != 'K' && t[0] != 'L' && t[0] != 'c')
		return;
	testnet = t[0] == '9' || t[0] == 'c';
	got = keys_base58_decode(t, len, raw, sizeof(raw));
	if (got != (compressed ? 38u : 37u))
		return;
	if (raw[0] != (testnet ? 0xef : 0x80))
		return;
	if (compressed && raw[33] != 0x01)
		return;
	keys_sha256(raw, got - 4, h1);
	keys_sha256(h1, 32, h2);
	if (memcmp(h2, raw + got - 4, 4) != 0)
		return;
	keys_report_secret(s, &ward_check_key_wif, off, raw + 1, 32,
			   testnet
			       ? (compressed ? "testnet, compressed" : "testnet, uncompressed")
			       : (compressed ? "mainnet, compressed" : "mainnet, uncompressed"));
	memset(raw, 0, sizeof(raw));
}
