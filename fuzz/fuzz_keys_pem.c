/*
 * Fuzzes the PEM, OpenSSH, OpenPGP and PuTTY private key detectors
 * (ward_keys_scan). The input is scanned as it is, then, after its first
 * byte picks a label, as the base64 body of a PEM block, so that the DER
 * and openssh-key-v1 checks see the fuzzer's bytes directly. Every hit must
 * point inside the buffer, carry an 8-hex-digit fingerprint and a
 * NUL-terminated detail, and the count returned must equal the hits
 * reported.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "ward/keys.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct st {
	size_t n;
	int hits;
};

static int
check(void *ctx, const struct ward_key_hit *h)
{
	struct st *st = ctx;
	int k, known = 0;

	for (k = 0; ward_key_checks[k]; k++)
		known |= ward_key_checks[k] == h->check;
	if (!known || h->offset >= st->n || h->line < 0 || !memchr(h->detail, 0, sizeof(h->detail)))
		__builtin_trap();
	for (k = 0; k < 8; k++)
		if (!strchr("0123456789abcdef", h->fingerprint[k]) || !h->fingerprint[k])
			__builtin_trap();
	if (h->fingerprint[8])
		__builtin_trap();
	st->hits++;
	return 0;
}

static void
run(const uint8_t *p, size_t n, const char *name)
{
	struct st st = {n, 0};

	if (ward_keys_scan(p, n, name, check, &st) != st.hits)
		__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const labels[] = {
	    "PRIVATE KEY",	     "RSA PRIVATE KEY",	    "EC PRIVATE KEY",  "DSA PRIVATE KEY",
	    "ENCRYPTED PRIVATE KEY", "OPENSSH PRIVATE KEY", "ANY PRIVATE KEY", "SSH2 PRIVATE KEY"};
	const char *label;
	char *buf;
	size_t cap, o;
	int len;

	run(data, size, "id_rsa");
	if (size < 1 || size > 8192)
		return 0;
	label = labels[data[0] % 8];
	cap = 4 * (size / 3 + 1) + 2 * strlen(label) + 64;
	buf = malloc(cap);
	if (!buf)
		return 0;
	o = (size_t)sprintf(buf, "-----BEGIN %s-----\n", label);
	len = EVP_EncodeBlock((unsigned char *)buf + o, data + 1, (int)size - 1);
	o += (size_t)len;
	o += (size_t)sprintf(buf + o, "\n-----END %s-----\n", label);
	run((const uint8_t *)buf, o, "key.pem");
	free(buf);
	return 0;
}
