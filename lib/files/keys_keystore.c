/*
 * Ethereum keystore files (Web3 Secret Storage, version 3): a JSON object
 * with "version": 3 and a "crypto" (or "Crypto") object holding "cipher",
 * "ciphertext", "kdf" ("scrypt" or "pbkdf2") and "mac". The private key is
 * encrypted, but anyone holding the file can guess the password offline.
 * Found by content, whatever the file is called. Only text of at most
 * WARD_LIMIT_KEYSTORE_SIZE that starts with '{' and mentions "crypto" is
 * parsed, and only when its nesting is within WARD_LIMIT_JSON_DEPTH. The
 * fingerprint is the SHA-256 of the ciphertext.
 */
#define _GNU_SOURCE /* memmem */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "ward/buf.h"
#include "ward/text.h"
#include "keys_internal.h"
#include "limits.h"

static const char *
str(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static int
is_version3(json_t *v)
{
	if (json_is_integer(v))
		return json_integer_value(v) == 3;
	return json_is_string(v) && strcmp(json_string_value(v), "3") == 0;
}

static void
judge(struct keys_scan *s, size_t off, json_t *root)
{
	json_t *crypto;
	const char *cipher, *ct, *kdf, *mac;
	uint8_t raw[256];
	char detail[96];
	size_t i, len;

	if (!json_is_object(root) || !is_version3(json_object_get(root, "version")))
		return;
	crypto = json_object_get(root, "crypto");
	if (!json_is_object(crypto))
		crypto = json_object_get(root, "Crypto");
	if (!json_is_object(crypto))
		return;
	cipher = str(crypto, "cipher");
	ct = str(crypto, "ciphertext");
	kdf = str(crypto, "kdf");
	mac = str(crypto, "mac");
	if (!cipher || !ct || !kdf || !mac || strlen(ct) < 32 || strlen(mac) < 32)
		return;
	if (strcmp(kdf, "scrypt") != 0 && strcmp(kdf, "pbkdf2") != 0)
		return;
	len = strlen(ct);
	for (i = 0; i < len && ward_hexval(ct[i]) >= 0; i++)
		;
	if (i == len && len % 2 == 0 && len / 2 <= sizeof(raw)) {
		for (i = 0; i < len / 2; i++)
			raw[i] =
			    (uint8_t)(ward_hexval(ct[2 * i]) << 4 | ward_hexval(ct[2 * i + 1]));
		len /= 2;
	} else {
		len = 0;
	}
	snprintf(detail, sizeof(detail), "version 3, %s, %.40s", kdf, cipher);
	if (len)
		keys_report_secret(s, &ward_check_key_keystore, off, raw, len, detail);
	else
		keys_report_secret(s, &ward_check_key_keystore, off, (const uint8_t *)ct,
				   strlen(ct), detail);
}

void
keys_keystore_scan(struct keys_scan *s)
{
	json_error_t err;
	json_t *root;
	size_t i = 0;

	if (s->n > WARD_LIMIT_KEYSTORE_SIZE)
		return;
	while (i < s->n &&
	       (s->p[i] == ' ' || s->p[i] == '\t' || s->p[i] == '\r' || s->p[i] == '\n'))
		i++;
	if (i >= s->n || s->p[i] != '{')
		return;
	if (!memmem(s->p, s->n, "rypto\"", 6) || !memmem(s->p, s->n, "\"version\"", 9))
		return;
	if (ward_json_depth(s->p, s->n) > WARD_LIMIT_JSON_DEPTH)
		return;
	root = json_loadb((const char *)s->p, s->n, 0, &err);
	if (!root)
		return;
	judge(s, i, root);
	json_decref(root);
}
