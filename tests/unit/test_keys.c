/* Unit tests of the key material detectors of lib/files (ward_keys_scan):
 * PEM and OpenSSH keys generated at test time, OpenPGP and PuTTY keys,
 * keys escaped in JSON and indented in YAML, wallets, keystores, WIF and
 * hex keys, and the decoys that must stay quiet. Every hit is checked for
 * kind, line, fingerprint and for not carrying the secret. BIP39 has its
 * own file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "ward/keys.h"
#include "limits.h"

#define MAXHITS 16

struct hits {
	int n;
	int stop_after; /* 0: never stop */
	struct ward_key_hit h[MAXHITS];
};

static int
collect(void *ctx, const struct ward_key_hit *hit)
{
	struct hits *hs = ctx;

	if (hs->n < MAXHITS)
		hs->h[hs->n] = *hit;
	hs->n++;
	return hs->stop_after && hs->n >= hs->stop_after;
}

/* Scans and checks the invariants every hit must hold. */
static int
scan(const void *p, size_t n, const char *name, struct hits *hs)
{
	int i, rc;

	memset(hs, 0, sizeof(*hs));
	rc = ward_keys_scan(p, n, name, collect, hs);
	assert_int_equal(rc, hs->n);
	for (i = 0; i < hs->n && i < MAXHITS; i++) {
		const struct ward_key_hit *h = &hs->h[i];
		int k, known = 0;

		assert_true(h->offset < n);
		assert_true(h->line >= 0);
		assert_int_equal(strlen(h->fingerprint), 8);
		for (k = 0; k < 8; k++)
			assert_non_null(strchr("0123456789abcdef", h->fingerprint[k]));
		assert_non_null(memchr(h->detail, '\0', sizeof(h->detail)));
		for (k = 0; ward_key_checks[k]; k++)
			known |= ward_key_checks[k] == h->check;
		assert_true(known);
	}
	return rc;
}

static int
scans(const char *s, const char *name, struct hits *hs)
{
	return scan(s, strlen(s), name, hs);
}

static void
fp_of(const uint8_t *p, size_t n, char out[9])
{
	uint8_t dg[32];
	unsigned int len = 32;
	int i;

	assert_true(EVP_Digest(p, n, dg, &len, EVP_sha256(), NULL));
	for (i = 0; i < 4; i++)
		snprintf(out + 2 * i, 3, "%02x", dg[i]);
}

/* The detail and fingerprint must not reveal the secret text. */
static void
no_secret(const struct ward_key_hit *h, const char *secret)
{
	char chunk[17];
	size_t i, n = strlen(secret);

	for (i = 0; i + 16 <= n; i += 8) {
		memcpy(chunk, secret + i, 16);
		chunk[16] = '\0';
		assert_null(strstr(h->detail, chunk));
	}
	assert_null(strstr(secret, h->fingerprint));
}

static char *
bio_text(BIO *b)
{
	char *data, *s;
	long n = BIO_get_mem_data(b, &data);

	s = malloc((size_t)n + 1);
	assert_non_null(s);
	memcpy(s, data, (size_t)n);
	s[n] = '\0';
	return s;
}

/* PEM text of a key: PKCS#8 (how 0), traditional (1), encrypted PKCS#8 (2),
 * legacy encrypted (3) or its public key (4). */
static char *
pem_of(EVP_PKEY *k, int how)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *s;
	int ok = 0;

	assert_non_null(b);
	if (how == 0)
		ok = PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL);
	else if (how == 1)
		ok = PEM_write_bio_PrivateKey_traditional(b, k, NULL, NULL, 0, NULL, NULL);
	else if (how == 2)
		ok = PEM_write_bio_PKCS8PrivateKey(b, k, EVP_aes_256_cbc(), "pass", 4, NULL, NULL);
	else if (how == 3)
		ok = PEM_write_bio_PrivateKey_traditional(b, k, EVP_aes_128_cbc(),
							  (unsigned char *)"pass", 4, NULL, NULL);
	else
		ok = PEM_write_bio_PUBKEY(b, k);
	assert_true(ok);
	s = bio_text(b);
	BIO_free(b);
	return s;
}

/* Fingerprint of the DER body of the first PEM block of s. */
static void
pem_fp(const char *s, char out[9])
{
	BIO *b = BIO_new_mem_buf(s, -1);
	char *name = NULL, *header = NULL;
	unsigned char *data = NULL;
	long len = 0;

	assert_true(PEM_read_bio(b, &name, &header, &data, &len));
	fp_of(data, (size_t)len, out);
	OPENSSL_free(name);
	OPENSSL_free(header);
	OPENSSL_free(data);
	BIO_free(b);
}

static void
test_pem_kinds(void **state)
{
	struct {
		const char *type, *param;
		int how;
		const struct ward_check *check;
		const char *detail;
	} cases[] = {
	    {"EC", "P-256", 0, &ward_check_key_private, "PKCS#8 EC P-256"},
	    {"EC", "secp256k1", 1, &ward_check_key_private, "SEC1 EC secp256k1"},
	    {"ED25519", NULL, 0, &ward_check_key_private, "PKCS#8 Ed25519"},
	    {"RSA", NULL, 1, &ward_check_key_private, "PKCS#1 RSA 512 bits"},
	    {"RSA", NULL, 0, &ward_check_key_private, "PKCS#8 RSA"},
	    {"EC", "P-256", 2, &ward_check_key_encrypted, "PKCS#8, encrypted (PBES2)"},
	    {"EC", "secp256k1", 3, &ward_check_key_encrypted, "SEC1 EC, encrypted (AES-128-CBC)"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		EVP_PKEY *k = cases[i].param
				  ? EVP_PKEY_Q_keygen(NULL, NULL, cases[i].type, cases[i].param)
			      : strcmp(cases[i].type, "RSA") == 0
				  ? EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)512)
				  : EVP_PKEY_Q_keygen(NULL, NULL, cases[i].type);
		char *pem, *doc, fp[9];
		struct hits hs;
		size_t len;

		assert_non_null(k);
		pem = pem_of(k, cases[i].how);
		assert_int_equal(scans(pem, "id", &hs), 1);
		assert_ptr_equal(hs.h[0].check, cases[i].check);
		assert_string_equal(hs.h[0].detail, cases[i].detail);
		assert_int_equal(hs.h[0].line, 1);
		assert_int_equal(hs.h[0].offset, 0);
		if (cases[i].how != 3) {
			pem_fp(pem, fp);
			assert_string_equal(hs.h[0].fingerprint, fp);
		}
		no_secret(&hs.h[0], pem + 40);

		/* The same key on line 3 of a file, after other text. */
		len = strlen(pem) + 64;
		doc = malloc(len);
		assert_non_null(doc);
		snprintf(doc, len, "# deploy key\r\n\r\n%s", pem);
		assert_int_equal(scans(doc, NULL, &hs), 1);
		assert_int_equal(hs.h[0].line, 3);
		assert_int_equal(hs.h[0].offset, 16);
		free(doc);

		/* The public half stays quiet. */
		free(pem);
		pem = pem_of(k, 4);
		assert_int_equal(scans(pem, "id.pub", &hs), 0);
		free(pem);
		EVP_PKEY_free(k);
	}
}

static char *
b64_wrapped(const uint8_t *p, size_t n, int width)
{
	char *raw = malloc(4 * ((n + 2) / 3) + 1), *out;
	int len = EVP_EncodeBlock((unsigned char *)raw, p, (int)n), i, o = 0;

	out = malloc((size_t)len + (size_t)len / (size_t)width + 2);
	assert_non_null(out);
	for (i = 0; i < len; i++) {
		out[o++] = raw[i];
		if ((i + 1) % width == 0 || i + 1 == len)
			out[o++] = '\n';
	}
	out[o] = '\0';
	free(raw);
	return out;
}

static size_t
put_str(uint8_t *b, size_t o, const void *s, size_t n)
{
	b[o] = (uint8_t)(n >> 24);
	b[o + 1] = (uint8_t)(n >> 16);
	b[o + 2] = (uint8_t)(n >> 8);
	b[o + 3] = (uint8_t)n;
	memcpy(b + o + 4, s, n);
	return o + 4 + n;
}

/* A minimal openssh-key-v1 Ed25519 key; cipher "none" or "aes256-ctr". */
static char *
openssh_key(int encrypted, size_t *blob_len, uint8_t *blob)
{
	uint8_t pub[51], priv[256], key[64];
	size_t o = 0, po = 0, i;
	char *body, *out;

	for (i = 0; i < 64; i++)
		key[i] = (uint8_t)(i * 7 + 3);
	o = put_str(pub, 0, "ssh-ed25519", 11);
	o = put_str(pub, o, key + 32, 32);
	memcpy(blob, "openssh-key-v1", 15);
	po = 15;
	if (encrypted) {
		uint8_t opts[24];
		put_str(opts, 0, "saltsaltsaltsalt", 16);
		memcpy(opts + 20, "\0\0\0\x10", 4);
		po = put_str(blob, po, "aes256-ctr", 10);
		po = put_str(blob, po, "bcrypt", 6);
		po = put_str(blob, po, opts, 24);
	} else {
		po = put_str(blob, po, "none", 4);
		po = put_str(blob, po, "none", 4);
		po = put_str(blob, po, "", 0);
	}
	memcpy(blob + po, "\0\0\0\1", 4);
	po += 4;
	po = put_str(blob, po, pub, o);
	o = 0;
	memcpy(priv, "\x12\x34\x56\x78\x12\x34\x56\x78", 8);
	o = put_str(priv, 8, "ssh-ed25519", 11);
	o = put_str(priv, o, key + 32, 32);
	o = put_str(priv, o, key, 64);
	o = put_str(priv, o, "user@host", 9);
	for (i = 1; o % 8; i++)
		priv[o++] = (uint8_t)i;
	po = put_str(blob, po, priv, o);
	*blob_len = po;
	body = b64_wrapped(blob, po, 70);
	out = malloc(strlen(body) + 80);
	assert_non_null(out);
	sprintf(out, "-----BEGIN OPENSSH PRIVATE KEY-----\n%s-----END OPENSSH PRIVATE KEY-----\n",
		body);
	free(body);
	return out;
}

static void
test_openssh(void **state)
{
	uint8_t blob[512];
	size_t n;
	char *key, fp[9], *yaml, *p, *q;
	struct hits hs;

	(void)state;
	key = openssh_key(0, &n, blob);
	assert_int_equal(scans(key, "id_ed25519", &hs), 1);
	assert_ptr_equal(hs.h[0].check, &ward_check_key_private);
	assert_string_equal(hs.h[0].detail, "OpenSSH ssh-ed25519");
	fp_of(blob, n, fp);
	assert_string_equal(hs.h[0].fingerprint, fp);
	no_secret(&hs.h[0], key + 36);

	/* In a YAML block scalar, indented under its key, on line 3. */
	yaml = malloc(2 * strlen(key) + 64);
	assert_non_null(yaml);
	strcpy(yaml, "user: ops\nssh_key: |\n");
	for (p = key; *p; p = q) {
		q = strchr(p, '\n') + 1;
		strcat(yaml, "  ");
		strncat(yaml, p, (size_t)(q - p));
	}
	strcat(yaml, "port: 22\n");
	assert_int_equal(scans(yaml, "vars.yml", &hs), 1);
	assert_int_equal(hs.h[0].line, 3);
	assert_string_equal(hs.h[0].fingerprint, fp);
	free(yaml);
	free(key);

	key = openssh_key(1, &n, blob);
	assert_int_equal(scans(key, "id_ed25519", &hs), 1);
	assert_ptr_equal(hs.h[0].check, &ward_check_key_encrypted);
	assert_string_equal(hs.h[0].detail, "OpenSSH ssh-ed25519, encrypted (aes256-ctr)");
	free(key);

	/* A public key line and an armor without a body stay quiet. */
	assert_int_equal(
	    scans(
		"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINkwTfDqghUvfowZqsyJpqkPnncDPQlNIl+EYoeRXuJE "
		"me@host\n",
		"id_ed25519.pub", &hs),
	    0);
	assert_int_equal(scans("const hdr = \"-----BEGIN OPENSSH PRIVATE KEY-----\"\n"
			       "const ftr = \"-----END OPENSSH PRIVATE KEY-----\"\n",
			       "keys.go", &hs),
			 0);
	/* Not openssh-key-v1 inside. */
	assert_int_equal(
	    scans("-----BEGIN OPENSSH PRIVATE KEY-----\n"
		  "b3BlbnNzaC1rZXktdjIAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
		  "-----END OPENSSH PRIVATE KEY-----\n",
		  NULL, &hs),
	    0);
}

/* Replaces each line end of s with esc, as a JSON writer would. */
static char *
escape_lines(const char *s, const char *esc)
{
	char *out = malloc(strlen(s) * 3 + 1), *o = out;

	assert_non_null(out);
	for (; *s; s++) {
		if (*s == '\n') {
			strcpy(o, esc);
			o += strlen(esc);
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
	return out;
}

static void
test_pem_escaped_in_json(void **state)
{
	EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	char *pem, *esc, *doc, fp[9];
	const char *escs[] = {"\\n", "\\\\n", "\\r\\n"};
	struct hits hs;
	size_t i;

	(void)state;
	assert_non_null(k);
	pem = pem_of(k, 0);
	pem_fp(pem, fp);
	for (i = 0; i < 3; i++) {
		esc = escape_lines(pem, escs[i]);
		doc = malloc(strlen(esc) + 128);
		assert_non_null(doc);
		sprintf(doc,
			"{\n  \"type\": \"service_account\",\n  \"private_key\": \"%s\",\n"
			"  \"client_email\": \"x@example.invalid\"\n}\n",
			esc);
		assert_int_equal(scans(doc, "sa.json", &hs), 1);
		assert_ptr_equal(hs.h[0].check, &ward_check_key_private);
		assert_string_equal(hs.h[0].detail, "PKCS#8 EC P-256, escaped in a string");
		assert_int_equal(hs.h[0].line, 3);
		assert_string_equal(hs.h[0].fingerprint, fp);
		free(doc);
		free(esc);
	}
	free(pem);
	EVP_PKEY_free(k);
}

static void
test_pem_decoys(void **state)
{
	struct hits hs;
	X509 *x = X509_new();
	EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	BIO *b = BIO_new(BIO_s_mem());
	char *cert, *pem, *cut;

	(void)state;
	/* Placeholders of every kind. */
	assert_int_equal(
	    scans("Put your key in server.key:\n\n```\n-----BEGIN RSA PRIVATE KEY-----\n"
		  "...your key here...\n-----END RSA PRIVATE KEY-----\n```\n",
		  "howto.md", &hs),
	    0);
	assert_int_equal(scans("-----BEGIN PRIVATE KEY-----\n<your key here>\n"
			       "-----END PRIVATE KEY-----\n",
			       NULL, &hs),
			 0);
	assert_int_equal(scans("-----BEGIN EC PRIVATE KEY-----\n"
			       "XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX\n"
			       "XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX\n"
			       "-----END EC PRIVATE KEY-----\n",
			       NULL, &hs),
			 0);
	assert_int_equal(
	    scans("-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n", NULL, &hs), 0);
	assert_int_equal(scans("-----BEGIN RSA PRIVATE KEY-----", NULL, &hs), 0);

	/* A certificate. */
	assert_non_null(x);
	assert_non_null(k);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	X509_set_pubkey(x, k);
	X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
				   (const unsigned char *)"ward.test", -1, -1, 0);
	X509_set_issuer_name(x, X509_get_subject_name(x));
	assert_true(X509_sign(x, k, EVP_sha256()) > 0);
	assert_true(PEM_write_bio_X509(b, x));
	cert = bio_text(b);
	assert_int_equal(scans(cert, "server.crt", &hs), 0);

	/* A truncated key (no END) stays quiet; a key after a certificate is found. */
	pem = pem_of(k, 0);
	cut = strdup(pem);
	cut[strlen(cut) - 30] = '\0';
	assert_int_equal(scans(cut, NULL, &hs), 0);
	cert = realloc(cert, strlen(cert) + strlen(pem) + 1);
	strcat(cert, pem);
	assert_int_equal(scans(cert, "bundle.pem", &hs), 1);
	assert_true(hs.h[0].line > 5);

	free(cut);
	free(pem);
	free(cert);
	BIO_free(b);
	X509_free(x);
	EVP_PKEY_free(k);
}

static void
test_pem_in_binary(void **state)
{
	EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	char *pem;
	uint8_t *buf;
	size_t n;
	struct hits hs;

	(void)state;
	pem = pem_of(k, 0);
	n = 4096 + strlen(pem);
	buf = calloc(1, n);
	assert_non_null(buf);
	memcpy(buf,
	       "\x7f"
	       "ELF",
	       4);
	memcpy(buf + 4000, pem, strlen(pem));
	assert_int_equal(scan(buf, n, "libfoo.so", &hs), 1);
	assert_int_equal(hs.h[0].line, 0);
	assert_int_equal(hs.h[0].offset, 4000);
	free(buf);
	free(pem);
	EVP_PKEY_free(k);
}

static const char *const WIF_U = "5HueCGU8rMjxEXxiPuD5BDku4MkFqeZyd4dZ1jvhTVqvbTLvyTJ";
static const char *const WIF_C = "KwdMAjGmerYanjeui5SHS7JkmpZvVipYvB2LJGU1ZxJwYvP98617";
static const char *const WIF_TU = "91gGn1HgSap6CbU12F6z3pJri26xzp7Ay1VW6NHCoEayNXwRpu2";
static const char *const WIF_TC = "cMzLdeGd5vEqxB8B6VFQoRopQ3sLAAvEzDAoQgvX54xwofSWj1fx";
/* The key of all four, from the Bitcoin wiki's WIF page. */
static const uint8_t WIF_KEY[32] = {
    0x0C, 0x28, 0xFC, 0xA3, 0x86, 0xC7, 0xA2, 0x27, 0x60, 0x0B, 0x2F, 0xE5, 0x0B, 0x7C, 0xAE, 0x11,
    0xEC, 0x86, 0xD3, 0xBF, 0x1F, 0xBE, 0x47, 0x1B, 0xE8, 0x98, 0x27, 0xE1, 0x9D, 0x72, 0xAA, 0x1D};

static void
test_wif(void **state)
{
	const char *wifs[] = {WIF_U, WIF_C, WIF_TU, WIF_TC};
	const char *details[] = {"mainnet, uncompressed", "mainnet, compressed",
				 "testnet, uncompressed", "testnet, compressed"};
	char doc[256], fp[9], bad[64];
	struct hits hs;
	size_t i;

	(void)state;
	fp_of(WIF_KEY, 32, fp);
	for (i = 0; i < 4; i++) {
		snprintf(doc, sizeof(doc),
			 "Paper wallet\naddress: 1PPcb1yDACjxB5JBDKu2KH5ndNMBKuXCmw\n"
			 "privkey: %s\n",
			 wifs[i]);
		assert_int_equal(scans(doc, "paper-wallet.txt", &hs), 1);
		assert_ptr_equal(hs.h[0].check, &ward_check_key_wif);
		assert_string_equal(hs.h[0].detail, details[i]);
		assert_int_equal(hs.h[0].line, 3);
		assert_int_equal(hs.h[0].offset, (size_t)(strstr(doc, wifs[i]) - doc));
		assert_string_equal(hs.h[0].fingerprint, fp);
		no_secret(&hs.h[0], wifs[i]);

		/* One character changed: the checksum fails. */
		strcpy(bad, wifs[i]);
		bad[20] = bad[20] == 'a' ? 'b' : 'a';
		snprintf(doc, sizeof(doc), "privkey: %s\n", bad);
		assert_int_equal(scans(doc, NULL, &hs), 0);
	}
	/* In CSV, and glued to other letters (not a token of its own). */
	snprintf(doc, sizeof(doc),
		 "label,address,wif\nsavings,1DGDLnAweHNmbnWoByStcZYdqhscBmC6bg,%s\n", WIF_U);
	assert_int_equal(scans(doc, "export.csv", &hs), 1);
	assert_int_equal(hs.h[0].line, 2);
	snprintf(doc, sizeof(doc), "x%s\n", WIF_U);
	assert_int_equal(scans(doc, NULL, &hs), 0);
	/* Addresses only. */
	assert_int_equal(scans("1LsbNxemj8KpynQ5ApGcPkA4jT2WFak1JA\n"
			       "L5TWPJLMSm2Ln9ewUCeZXD6SH5TpBcJDr99K9zp3FEfGWDJofom6\n",
			       "addresses.txt", &hs),
			 0);
}

static const char *const HEX1 = "b8370ebd27620362dd2bf41008736a4cc49a2ba10ab2555b6021dd2f42e55676";
static const char *const HEX2 = "67dbede05dd64ac4d9e3f8a9f379ae934d25c8596fc177eef06a727a7f3fa97d";

static void
hex_bytes(const char *h, uint8_t *out)
{
	int i;

	for (i = 0; i < 32; i++) {
		unsigned v;
		sscanf(h + 2 * i, "%2x", &v);
		out[i] = (uint8_t)v;
	}
}

static void
test_hex(void **state)
{
	char doc[512], fp1[9], fp2[9];
	uint8_t raw[32];
	struct hits hs;
	size_t i;
	const char *found[] = {
	    "RPC_URL=https://rpc.example.invalid\nPRIVATE_KEY=0x%s\nCHAIN_ID=1\n",
	    "RPC_URL=https://rpc.example.invalid\nexport DEPLOYER_KEY=\"%s\"\n",
	    "import os\nsigner_private_key = \"%s\"\n",
	    "config = {\n\"privateKey\": \"0x%s\",\n}\n",
	    "cfg:\n  priv: %s\n",
	    "cfg:\n  secret = '%s'\n",
	    "import x\nw = Account.from_key('0x%s')\n",
	    "// deploy\nlet wallet = new ethers.Wallet(\"0x%s\");\n",
	    "RPC_URL=https://rpc.example.invalid\nSHARED_PRIVATE_KEY=%s\n",
	};
	const char *quiet[] = {
	    "%s  pkg-0.tar.gz\n",
	    "[{\"hash\": \"0x%s\", \"value\": \"0x1\"}]\n",
	    "{\"blockHash\": \"0x%s\"}\n",
	    "{\"txid\": \"%s\"}\n",
	    "commit %s\nAuthor: x\n",
	    "\"integrity\": \"sha256-%s\"\n",
	    "PUBLIC_KEY=0x%s\n",
	    "$ gcloud compute os-login ssh-keys remove --key='%s'\n",
	    "\"salt\": \"%s\", \"mac\": \"%s\"\n",
	    "PRIVATE_KEY=0x%s1\n",
	    "checksum = \"%s\"\n",
	    /* a digest or MAC named after the key */
	    "PRIVATE_KEY_HASH=%s\n",
	    "Private-MAC: %s\n",
	    "privkey_sha256 = \"%s\"\n",
	};

	(void)state;
	hex_bytes(HEX1, raw);
	fp_of(raw, 32, fp1);
	hex_bytes(HEX2, raw);
	fp_of(raw, 32, fp2);
	for (i = 0; i < sizeof(found) / sizeof(found[0]); i++) {
		snprintf(doc, sizeof(doc), found[i], HEX1);
		assert_int_equal(scans(doc, ".env", &hs), 1);
		assert_ptr_equal(hs.h[0].check, &ward_check_key_hex);
		assert_int_equal(hs.h[0].line, 2);
		assert_string_equal(hs.h[0].fingerprint, fp1);
		assert_non_null(strstr(hs.h[0].detail, "64 hex digits after "));
		no_secret(&hs.h[0], HEX1);
	}
	for (i = 0; i < sizeof(quiet) / sizeof(quiet[0]); i++) {
		snprintf(doc, sizeof(doc), quiet[i], HEX1, HEX2);
		assert_int_equal(scans(doc, "notes.txt", &hs), 0);
	}
	/* An array of two keys, as in hardhat.config.js: both are found. */
	snprintf(doc, sizeof(doc),
		 "module.exports = { networks: { mainnet: { url: process.env.RPC, "
		 "accounts: [\"0x%s\", \"0x%s\"] } } };\n",
		 HEX1, HEX2);
	assert_int_equal(scans(doc, "hardhat.config.js", &hs), 2);
	assert_string_equal(hs.h[0].detail, "64 hex digits after accounts");
	assert_string_equal(hs.h[0].fingerprint, fp1);
	assert_string_equal(hs.h[1].fingerprint, fp2);

	/* A file holding one key and nothing else, unless named like a hash. */
	snprintf(doc, sizeof(doc), "%s\n", HEX1);
	assert_int_equal(scans(doc, "home/trader/Desktop/key.txt", &hs), 1);
	assert_string_equal(hs.h[0].detail, "64 hex digits, alone in the file");
	assert_int_equal(scans(doc, "blockchain-key.txt", &hs), 1);
	assert_int_equal(scans(doc, "shared_secret", &hs), 1);
	assert_int_equal(scans(doc, "dist/app.tar.gz.sha256", &hs), 0);
	assert_int_equal(scans(doc, "refs/ORIG_HEAD", &hs), 0);
	assert_int_equal(scans(doc, "last-commit.txt", &hs), 0);
	snprintf(doc, sizeof(doc), "%s\n%s\n", HEX1, HEX2);
	assert_int_equal(scans(doc, "keys.txt", &hs), 0);

	/* Checksum lists and lock files are not read for hex keys at all. */
	snprintf(doc, sizeof(doc), "PRIVATE_KEY=%s\n", HEX1);
	assert_int_equal(scans(doc, "downloads/SHA256SUMS", &hs), 0);
	assert_int_equal(scans(doc, "package-lock.json", &hs), 0);
	assert_int_equal(scans(doc, "Cargo.lock", &hs), 0);
	assert_int_equal(scans(doc, "go.sum", &hs), 0);
	assert_int_equal(scans(doc, "release/SHA512SUMS.txt", &hs), 0);
	assert_int_equal(scans(doc, "MD5SUMS", &hs), 0);
	assert_int_equal(scans(doc, "blockchain.env", &hs), 1);
	assert_int_equal(scans(doc, "repo/.git/config", &hs), 0);

	/* Not random enough: a placeholder. */
	assert_int_equal(
	    scans(
		"PRIVATE_KEY=0x0000000000000000000000000000000000000000000000000000000000000001\n",
		NULL, &hs),
	    0);
}

static const char KEYSTORE[] =
    "{\"address\": \"c7ca1fbf2cc18b2512976acc332df29eb262889c\", \"crypto\": {\"cipher\": "
    "\"aes-128-ctr\", \"ciphertext\": "
    "\"011523bdabf58a0d0492df3cae9ce2f867f8f8feebf355593866781705f4e55e\", \"cipherparams\": "
    "{\"iv\": \"9debeaecc3bbb3406a6b11be8718f785\"}, \"kdf\": \"scrypt\", \"kdfparams\": "
    "{\"dklen\": 32, \"n\": 262144, \"r\": 8, \"p\": 1, \"salt\": "
    "\"b8e06cc1911779f087e0f91b608c3241a40c9fb093d7352dae309110b393ae8e\"}, \"mac\": "
    "\"ead97a3abd4c2a8a0daa6ad12cff87d3d6c28b1cc5c05bb1f729e92ecc48d73b\"}, \"id\": "
    "\"6a161e0c-a734-4d69-a553-1bebc797fbe3\", \"version\": 3}";

static void
test_keystore(void **state)
{
	char *doc, fp[9], *p;
	uint8_t ct[32];
	struct hits hs;
	size_t n;

	(void)state;
	hex_bytes("011523bdabf58a0d0492df3cae9ce2f867f8f8feebf355593866781705f4e55e", ct);
	fp_of(ct, 32, fp);
	assert_int_equal(scans(KEYSTORE, "UTC--2024-03-04T09-12-33Z--c7ca1fbf", &hs), 1);
	assert_ptr_equal(hs.h[0].check, &ward_check_key_keystore);
	assert_string_equal(hs.h[0].detail, "version 3, scrypt, aes-128-ctr");
	assert_int_equal(hs.h[0].line, 1);
	assert_string_equal(hs.h[0].fingerprint, fp);

	/* "Crypto", pbkdf2, pretty-printed, renamed. */
	doc = strdup(KEYSTORE);
	memcpy(strstr(doc, "\"crypto\""), "\"Crypto\"", 8);
	p = strstr(doc, "\"scrypt\"");
	memcpy(p, "\"pbkdf2\"", 8);
	assert_int_equal(scans(doc, "hot-wallet.json", &hs), 1);
	assert_string_equal(hs.h[0].detail, "version 3, pbkdf2, aes-128-ctr");
	free(doc);

	/* Not keystores: an ABI, version 1, no mac, an unknown kdf. */
	assert_int_equal(scans("{\"contractName\": \"Token\", \"abi\": [{\"type\": \"function\"}], "
			       "\"crypto\": 1, \"version\": 3}",
			       "Token.json", &hs),
			 0);
	doc = strdup(KEYSTORE);
	strstr(doc, "\"version\": 3")[11] = '1';
	assert_int_equal(scans(doc, NULL, &hs), 0);
	free(doc);
	doc = strdup(KEYSTORE);
	memcpy(strstr(doc, "\"mac\""), "\"mak\"", 5);
	assert_int_equal(scans(doc, NULL, &hs), 0);
	free(doc);
	doc = strdup(KEYSTORE);
	memcpy(strstr(doc, "\"scrypt\""), "\"bcrypt\"", 8);
	assert_int_equal(scans(doc, NULL, &hs), 0);
	free(doc);

	/* Padded to WARD_LIMIT_KEYSTORE_SIZE it is read; one byte more it is not. */
	n = WARD_LIMIT_KEYSTORE_SIZE;
	doc = malloc(n + 1);
	assert_non_null(doc);
	memset(doc, ' ', n + 1);
	memcpy(doc, KEYSTORE, strlen(KEYSTORE));
	assert_int_equal(scan(doc, n, NULL, &hs), 1);
	assert_int_equal(scan(doc, n + 1, NULL, &hs), 0);
	free(doc);

	/* Nested deeper than WARD_LIMIT_JSON_DEPTH: not parsed. */
	n = strlen(KEYSTORE) + 2 * (WARD_LIMIT_JSON_DEPTH + 1) + 32;
	doc = malloc(n);
	assert_non_null(doc);
	p = doc + sprintf(doc, "%.*s, \"x\": ", (int)strlen(KEYSTORE) - 1, KEYSTORE);
	memset(p, '[', WARD_LIMIT_JSON_DEPTH);
	p += WARD_LIMIT_JSON_DEPTH;
	memset(p, ']', WARD_LIMIT_JSON_DEPTH);
	p += WARD_LIMIT_JSON_DEPTH;
	strcpy(p, "}");
	assert_int_equal(scans(doc, NULL, &hs), 0);
	free(doc);
}

/* A Berkeley DB B-tree file with the given wallet record keys. */
static uint8_t *
bdb(const char *const *keys, size_t nkeys, int big_endian, size_t *n)
{
	uint8_t *b = calloc(1, 16384);
	size_t i, o = 4096;

	assert_non_null(b);
	memcpy(b + 12, big_endian ? "\x00\x05\x31\x62" : "\x62\x31\x05\x00", 4);
	b[16] = 9;
	b[21] = 0x10;
	for (i = 0; i < nkeys; i++) {
		size_t l = strlen(keys[i]);
		b[o++] = (uint8_t)l;
		memcpy(b + o, keys[i], l);
		o += l + 37;
	}
	*n = 16384;
	return b;
}

static void
test_wallet(void **state)
{
	const char *plain[] = {"name", "key", "defaultkey", "minversion", "version"};
	const char *enc[] = {"version", "mkey", "ckey", "bestblock"};
	const char *weak[] = {"name", "version"};
	const char *one[] = {"minversion"};
	uint8_t *b, *sq;
	size_t n;
	struct hits hs;
	char fp[9];

	(void)state;
	b = bdb(plain, 5, 0, &n);
	assert_int_equal(scan(b, n, "wallet.dat", &hs), 1);
	assert_ptr_equal(hs.h[0].check, &ward_check_key_wallet_dat);
	assert_string_equal(hs.h[0].detail, "Berkeley DB wallet, keys not encrypted");
	assert_int_equal(hs.h[0].line, 0);
	assert_int_equal(hs.h[0].offset, 0);
	fp_of(b, n, fp);
	assert_string_equal(hs.h[0].fingerprint, fp);
	free(b);

	b = bdb(enc, 4, 1, &n);
	assert_int_equal(scan(b, n, "backup/disk-image-part.bin", &hs), 1);
	assert_string_equal(hs.h[0].detail, "Berkeley DB wallet, keys encrypted");
	free(b);

	/* Other Berkeley DB files. */
	b = bdb(weak, 2, 0, &n);
	assert_int_equal(scan(b, n, "wallet.dat", &hs), 0);
	free(b);
	b = bdb(one, 1, 0, &n);
	assert_int_equal(scan(b, n, NULL, &hs), 0);
	free(b);

	/* SQLite descriptor wallets, and an SQLite file that is not one. */
	sq = calloc(1, 8192);
	assert_non_null(sq);
	memcpy(sq, "SQLite format 3", 16);
	strcpy((char *)sq + 3000, "CREATE TABLE main(key BLOB PRIMARY KEY, value BLOB)");
	assert_int_equal(scan(sq, 8192, "cache.db", &hs), 0);
	memcpy(sq + 5000, "\x10walletdescriptorkey", 20);
	memcpy(sq + 6000,
	       "\x0e"
	       "activeexternalspk",
	       18);
	assert_int_equal(scan(sq, 8192, "cold.bin", &hs), 1);
	assert_string_equal(hs.h[0].detail, "SQLite descriptor wallet, keys not encrypted");
	memcpy(sq + 7000, "\x14walletdescriptorckey", 21);
	assert_int_equal(scan(sq, 8192, "wallet.dat", &hs), 1);
	assert_string_equal(hs.h[0].detail, "SQLite descriptor wallet, keys encrypted");
	memcpy(sq + 3000, "CREATE TABLE misc", 17);
	assert_int_equal(scan(sq, 8192, "wallet.dat", &hs), 0);
	free(sq);

	/* The name alone means nothing. */
	assert_int_equal(
	    scans("# Backing up wallet.dat\nCopy wallet.dat offline.\n", "wallet.dat", &hs), 0);
}

/*
 * OpenPGP and PuTTY keys, made once with gpg 2.2 (--quick-gen-key in an
 * empty GNUPGHOME, then --armor --export-secret-keys, or
 * --export-secret-subkeys for PGP_SUBKEYS) and puttygen 0.78, and kept here
 * as text. PGP_ED_ENC and the encrypted .ppk files have a passphrase. ward
 * does not verify the Private-MAC of a .ppk (that needs the key or the
 * passphrase), only its length.
 */
static const char PGP_ED[] = "-----BEGIN PGP PRIVATE KEY BLOCK-----\n"
			     "\n"
			     "lFgEawkkMRYJKwYBBAHaRw8BAQdAD1+SD8D0+CLTVe42YK0QZcLmg7ZlGl25zP3c\n"
			     "i4mdf1AAAQCsHQNwOYnBU21kPj19iJqKsxfceg6OZOA9WBuWQhr8vA3itCVXYXJk\n"
			     "IFRlc3QgPHdhcmQtdGVzdEBleGFtcGxlLmludmFsaWQ+iJAEExYIADgWIQTB81Ho\n"
			     "6tZFAeHSTm3EsdgkmZFHDwUCawkkMQIbAwULCQgHAgYVCgkICwIEFgIDAQIeAQIX\n"
			     "gAAKCRDEsdgkmZFHD6dnAP404yChe+UnjBiUrtNJrWYHdULQ8H61vnfBHp4AZM0x\n"
			     "SwEAnTBL1FPJVUmxxeeW1KSBXXpg2gRlT/Wekx2/6nGrRgw=\n"
			     "=Ao6G\n"
			     "-----END PGP PRIVATE KEY BLOCK-----\n";

static const char PGP_ED_ENC[] =
    "-----BEGIN PGP PRIVATE KEY BLOCK-----\n"
    "\n"
    "lIYEawkkMRYJKwYBBAHaRw8BAQdAzg/jyB1OcaTc/h+ko0OyWfPTyBQabqkv8apz\n"
    "CI76zIP+BwMC0RV/69NbhT3/X6xFI0J/n8MiTzEWKaeBqzPp2fZ9YLDJiek7VQoR\n"
    "czlM4LDtIi//HWxlLtEWamWd7IW8ceylilbZUTj+BzhPckagtCniSLQoV2FyZCBU\n"
    "ZXN0IEVuYyA8d2FyZC1lbmNAZXhhbXBsZS5pbnZhbGlkPoiQBBMWCAA4FiEEUttp\n"
    "fwQUyZKAbflPPohto3hat1sFAmsJJDECGwMFCwkIBwIGFQoJCAsCBBYCAwECHgEC\n"
    "F4AACgkQPohto3hat1tJfgD/SB+oWU6SXeFD+X0aks6rCus8IrgiMfPXCu5gS/R1\n"
    "kOMBAO6gz3/3c8UOHUqBoqMY6KP8ob9hY2dY4TqRuz5fARIB\n"
    "=Ral2\n"
    "-----END PGP PRIVATE KEY BLOCK-----\n";

static const char PGP_RSA[] = "-----BEGIN PGP PRIVATE KEY BLOCK-----\n"
			      "\n"
			      "lQHYBGsJJDQBBAD0esxBk+qtg/ExLUVU0djkiFcQ60W0pr2rxQoIHBuqf1c6dbyd\n"
			      "Ly0/ZO0h4zfc+5JJSY0drF1li1/aTQR1VEEmG/kPcf/IC/CcRJ5KWFlE4HbHDaXs\n"
			      "uqDQ71BkdRuPUDYBg8qdrChWq1Jp+f0rLLKKwPlETVlzxLg0hrszPbohcwARAQAB\n"
			      "AAP/QYsSa5peVjqDVS3P4peH0G0E+pI409/IBd8De30dpa4SEqgx8uoM9Wv3bxhd\n"
			      "h68iXueLH6NwPqMJBZuUUGhQNoMrfrEDj9Hy8FtAY7uft9Nh6WdwnjFuPZu2Fuom\n"
			      "dl+pEi/3PRHzdXB2VcD7dY0y+2sQgbiF8d4Tb1wPou1pV+ECAPWvv7/wnNXCUPj9\n"
			      "X0Q97Rj1dN8MY8N6g8kiix+mMSKMJEPVP7C8eZaX6lGGek7EIdBcIPsJ34Q4TUyU\n"
			      "hAgpr5kCAP6+FGMVp62d9NUh0mVyOA7uu4FqvZe1OISvuCsY3jhlNhWYr1q7g4EE\n"
			      "qIXqFG5BvjRd5DeYBFOJ4KYSxFmbcOsCAN9llVvZkhCT+NhhXGUZiIiVGnwYkEp1\n"
			      "4+c+eZzzBAmkdCXDmaCZR+iVun5YOcRzCHCTKaapCiPJrT8lEP4TjvCenrQoV2Fy\n"
			      "ZCBUZXN0IFJTQSA8d2FyZC1yc2FAZXhhbXBsZS5pbnZhbGlkPojOBBMBCgA4FiEE\n"
			      "A4nQOOpbNxB441ne3GnqT2jlFZ0FAmsJJDQCGwMFCwkIBwIGFQoJCAsCBBYCAwEC\n"
			      "HgECF4AACgkQ3GnqT2jlFZ2F5gQAgzjRuX5/NiEFiaTRJshT/WJazFwty3yTqeFN\n"
			      "JIz8dG8lKmpoKjjk7w2N0BaL8/KzH+KR4L6D0RchTwzhlOy4Yi1MN3Kp8lfEdsP5\n"
			      "jPC3FxRhAkp+IdndKNsSZb1eggZSecRfIVNtE0mPWPK1oK4m0DzhoPyL9DQynwW1\n"
			      "Kh9Xx7k=\n"
			      "=ySjX\n"
			      "-----END PGP PRIVATE KEY BLOCK-----\n";

static const char PGP_SUBKEYS[] =
    "-----BEGIN PGP PRIVATE KEY BLOCK-----\n"
    "\n"
    "lDsEawklhhYJKwYBBAHaRw8BAQdAQ6ZaLKu5uN17hFl0uJU4liWiKG0rn7jdGxwJ\n"
    "2HtyqU3/AGUAR05VAbQjV2FyZCBTdWIgPHdhcmQtc3ViQGV4YW1wbGUuaW52YWxp\n"
    "ZD6IkAQTFggAOBYhBI6rBEq2i5qY+UekRNYwWFsKbuNPBQJrCSWGAhsDBQsJCAcC\n"
    "BhUKCQgLAgQWAgMBAh4BAheAAAoJENYwWFsKbuNPCAABANAlpWjPQXh5w1h4nkkM\n"
    "C6eTdW3kN16Hyauhx5Vezg2zAP4hiLckh+CdLYg0edOFfCywx4WsBnhji+8LmEau\n"
    "fdXNBpxdBGsJJYYSCisGAQQBl1UBBQEBB0BVDE2eKw6g8Q7icjcMzMjLZdQuKN2Z\n"
    "bZms1qasgSSQUgMBCAcAAP9N04QT9Ka72MGMlW3hFxS6PtsTNWEiqHNlnUwvMy+L\n"
    "CA9piHgEGBYIACAWIQSOqwRKtouamPlHpETWMFhbCm7jTwUCawklhgIbDAAKCRDW\n"
    "MFhbCm7jT6HNAQDvo6R+8o+4OHz7mr4zce5WK1ahmx1WK+6IzKBRynP66wD/QN5v\n"
    "++H5991osHO1zTtumpoiwhY/508iduoqjlvJ3gs=\n"
    "=qn4p\n"
    "-----END PGP PRIVATE KEY BLOCK-----\n";

static const char PGP_PUB[] = "-----BEGIN PGP PUBLIC KEY BLOCK-----\n"
			      "\n"
			      "mDMEawkkMRYJKwYBBAHaRw8BAQdAD1+SD8D0+CLTVe42YK0QZcLmg7ZlGl25zP3c\n"
			      "i4mdf1C0JVdhcmQgVGVzdCA8d2FyZC10ZXN0QGV4YW1wbGUuaW52YWxpZD6IkAQT\n"
			      "FggAOBYhBMHzUejq1kUB4dJObcSx2CSZkUcPBQJrCSQxAhsDBQsJCAcCBhUKCQgL\n"
			      "AgQWAgMBAh4BAheAAAoJEMSx2CSZkUcPp2cA/jTjIKF75SeMGJSu00mtZgd1QtDw\n"
			      "frW+d8EengBkzTFLAQCdMEvUU8lVSbHF55bUpIFdemDaBGVP9Z6THb/qcatGDA==\n"
			      "=fqZX\n"
			      "-----END PGP PUBLIC KEY BLOCK-----\n";

static const char PPK_ED_V3[] =
    "PuTTY-User-Key-File-3: ssh-ed25519\n"
    "Encryption: none\n"
    "Comment: ward-test\n"
    "Public-Lines: 2\n"
    "AAAAC3NzaC1lZDI1NTE5AAAAIIFKMcGDjww4ZH7ky4VdlutU6IpqgtPFL/JPdh8P\n"
    "rYFb\n"
    "Private-Lines: 1\n"
    "AAAAIHaqM3ADnoeU1s9V6SjGAjJXSE0QPb2s8STltH1txT4M\n"
    "Private-MAC: 8be914b844cf5fad718713d07d88cbaae16b92d8cac9d9e7c426d4f419b8f99b\n";

static const char PPK_ED_V3_ENC[] =
    "PuTTY-User-Key-File-3: ssh-ed25519\n"
    "Encryption: aes256-cbc\n"
    "Comment: ward-enc\n"
    "Public-Lines: 2\n"
    "AAAAC3NzaC1lZDI1NTE5AAAAIM0bGBNE7irkom15Ksea2zWafJvzYj5wopEpwuM7\n"
    "O5um\n"
    "Key-Derivation: Argon2id\n"
    "Argon2-Memory: 8192\n"
    "Argon2-Passes: 13\n"
    "Argon2-Parallelism: 1\n"
    "Argon2-Salt: 763d3596ce3d4720b26175db0afc5045\n"
    "Private-Lines: 1\n"
    "X3geyJiaTrOwW2oF1tZQ0g5hj+DMbX+cuZouqyhxbHuvylMlqOz/oT4deBoOrbDv\n"
    "Private-MAC: 6afecaed3b31f6c7495a42c020afe9bcd3f1506da21ef54492b251a24381b7dc\n";

static const char PPK_RSA_V2[] =
    "PuTTY-User-Key-File-2: ssh-rsa\n"
    "Encryption: none\n"
    "Comment: ward-rsa\n"
    "Public-Lines: 4\n"
    "AAAAB3NzaC1yc2EAAAADAQABAAAAgQDFiYk+LUXWvEjkPfNK1mo6m4JkeaZgrwyZ\n"
    "085RlGDNFgkbWIhDMcmS65pOXG4mYHdhWtytA4GlkE30fo4Zm9YVvItIRDJA0Ulk\n"
    "ppeujVy3M3QD+F6CRifDx0ojVkt2Q8l/HrnkGMzK6xlZ0x3VvJ3YDPr67+LplK0u\n"
    "nAMMhdptWQ==\n"
    "Private-Lines: 8\n"
    "AAAAgQC0fs6rxJxa8SI9g6nJyQ+5y5yiiFGRaIHAETwlaMnmu2rI1OV1WInSOHt/\n"
    "fI+de2m5yFd5s4mEKc5BSF45Yh6DlPAS6Nd9z6UUSbHBzGeyk4akrZXEqmXAHj7f\n"
    "4eDOeoHw/8x9qHL4C/v+ZnHYJZPek33u2YhlNVII5NqtnEqVsQAAAEEA5vwcuOyE\n"
    "/itqfhpnQa8pMTMEJZj6tLwCeFJEbnaaQHFOHby0kJDOhig5W1N8QDlFGzenycwe\n"
    "YBDrsFuiA4NMJQAAAEEA2u4dQeCfcCWgHV/JlHUvQs412HbIbpUHLvPpWbkhVuXL\n"
    "YS3CtTwOdNYQfYj04n4hGpHqyRF1rT7j4Q7dZ3z8JQAAAEBOQYNpAhArJiN+RbZE\n"
    "BdKOq7bMR/RU7eV1ltzpJs0jo37tWZ3qQWHjhDdSn29yBzq62NEw/HM8ZlWVa5jl\n"
    "lu+o\n"
    "Private-MAC: dbd0309df89a53421909d4ca003a84e715a67d6e\n";

static const char PPK_EC_V2_ENC[] =
    "PuTTY-User-Key-File-2: ecdsa-sha2-nistp256\n"
    "Encryption: aes256-cbc\n"
    "Comment: ward-ec\n"
    "Public-Lines: 3\n"
    "AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBJXht6rsdVA/\n"
    "DLTtHEEQqX8gIdq9Fx0hgTaSxIi1UxBT4wWwaLtM1A7EzLl2BDL54rJCYjfm7oIO\n"
    "KzXWynThxXA=\n"
    "Private-Lines: 1\n"
    "lSCdAH2Y17xkkrzwb1zyIXKni2aLEgEIwXRD2TuYVzQaFXh+7aHxyOo0IJqWJ0Nj\n"
    "Private-MAC: 9095c3ff4cfa166ad064cfbd9991d1eb1b72cd32\n";

/* Decodes the base64 lines of s from the line after start up to a line
 * starting with '=' or '-' (or lines lines); returns the length. */
static size_t
b64_lines_of(const char *s, const char *start, int lines, uint8_t *out)
{
	const char *p = strstr(s, start);
	char *b64;
	size_t m = 0, pad = 0;
	int len;

	assert_non_null(p);
	p = strchr(p, '\n') + 1;
	b64 = malloc(strlen(p) + 1);
	assert_non_null(b64);
	while (*p && *p != '=' && *p != '-' && lines-- != 0) {
		for (; *p && *p != '\n'; p++)
			if (*p != '\r')
				b64[m++] = *p;
		if (*p)
			p++;
	}
	while (m > pad && b64[m - 1 - pad] == '=')
		pad++;
	len = EVP_DecodeBlock(out, (unsigned char *)b64, (int)m);
	assert_true(len > 0);
	free(b64);
	return (size_t)len - pad;
}

/* Fingerprint of the body of an armored OpenPGP key without headers. */
static void
pgp_fp(const char *armor, char out[9])
{
	uint8_t raw[8192];

	fp_of(raw, b64_lines_of(armor, "-----BEGIN PGP", -1, raw), out);
}

/* Replaces each "\n" of s with "\r\n". */
static char *
crlf(const char *s)
{
	char *out = malloc(2 * strlen(s) + 1), *o = out;

	assert_non_null(out);
	for (; *s; s++) {
		if (*s == '\n')
			*o++ = '\r';
		*o++ = *s;
	}
	*o = '\0';
	return out;
}

/* s with its first occurrence of from replaced by to. */
static char *
replaced(const char *s, const char *from, const char *to)
{
	const char *at = strstr(s, from);
	char *out = malloc(strlen(s) + strlen(to) + 1);

	assert_non_null(at);
	assert_non_null(out);
	memcpy(out, s, (size_t)(at - s));
	strcpy(out + (at - s), to);
	strcat(out, at + strlen(from));
	return out;
}

/* Armors raw bytes as an OpenPGP private key block without a checksum. */
static char *
pgp_armor(const uint8_t *raw, size_t n)
{
	char *body = b64_wrapped(raw, n, 64), *out = malloc(strlen(body) + 96);

	assert_non_null(out);
	sprintf(out,
		"-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n%s-----END PGP PRIVATE KEY BLOCK-----\n",
		body);
	free(body);
	return out;
}

static void
test_pgp(void **state)
{
	struct {
		const char *text;
		const struct ward_check *check;
		const char *detail;
	} cases[] = {
	    {PGP_ED, &ward_check_key_private, "OpenPGP v4 EdDSA"},
	    {PGP_ED_ENC, &ward_check_key_encrypted, "OpenPGP v4 EdDSA, encrypted"},
	    {PGP_RSA, &ward_check_key_private, "OpenPGP v4 RSA"},
	    {PGP_SUBKEYS, &ward_check_key_private, "OpenPGP v4 ECDH subkey"},
	};
	char fp[9], *doc, *t, *esc;
	struct hits hs;
	size_t i, len;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(scans(cases[i].text, "secret.asc", &hs), 1);
		assert_ptr_equal(hs.h[0].check, cases[i].check);
		assert_string_equal(hs.h[0].detail, cases[i].detail);
		assert_int_equal(hs.h[0].line, 1);
		assert_int_equal(hs.h[0].offset, 0);
		pgp_fp(cases[i].text, fp);
		assert_string_equal(hs.h[0].fingerprint, fp);
		no_secret(&hs.h[0], cases[i].text + 39);

		/* On line 3, with armor headers, CRLF line ends. */
		t = replaced(cases[i].text, "-----\n\n",
			     "-----\nVersion: GnuPG v2\nComment: backup key: do not share\n\n");
		len = 2 * strlen(t) + 64;
		doc = malloc(len);
		assert_non_null(doc);
		snprintf(doc, len, "# backup\n\n%s", t);
		free(t);
		t = crlf(doc);
		assert_int_equal(scans(t, NULL, &hs), 1);
		assert_ptr_equal(hs.h[0].check, cases[i].check);
		assert_string_equal(hs.h[0].detail, cases[i].detail);
		assert_int_equal(hs.h[0].line, 3);
		assert_int_equal(hs.h[0].offset, 12);
		assert_string_equal(hs.h[0].fingerprint, fp);
		free(t);

		/* Escaped in a JSON string. */
		esc = escape_lines(cases[i].text, "\\n");
		snprintf(doc, len, "{\"gpg_key\": \"%s\"}\n", esc);
		assert_int_equal(scans(doc, "ci.json", &hs), 1);
		assert_non_null(strstr(hs.h[0].detail, ", escaped in a string"));
		assert_string_equal(hs.h[0].fingerprint, fp);
		free(esc);
		free(doc);
	}

	/* PGP 2's label, and a key in a YAML block scalar. */
	doc = replaced(PGP_RSA, "BEGIN PGP PRIVATE", "BEGIN PGP SECRET");
	t = replaced(doc, "END PGP PRIVATE", "END PGP SECRET");
	free(doc);
	assert_non_null(strstr(t, "BEGIN PGP SECRET KEY BLOCK-----\n"));
	assert_non_null(strstr(t, "END PGP SECRET KEY BLOCK-----\n"));
	assert_int_equal(scans(t, NULL, &hs), 1);
	assert_string_equal(hs.h[0].detail, "OpenPGP v4 RSA");
	free(t);
	doc = malloc(2 * strlen(PGP_ED) + 64);
	assert_non_null(doc);
	strcpy(doc, "signing:\n  key: |\n");
	for (t = (char *)PGP_ED; *t; t = strchr(t, '\n') + 1) {
		strcat(doc, "    ");
		strncat(doc, t, (size_t)(strchr(t, '\n') + 1 - t));
	}
	assert_int_equal(scans(doc, "vars.yml", &hs), 1);
	assert_int_equal(hs.h[0].line, 3);
	pgp_fp(PGP_ED, fp);
	assert_string_equal(hs.h[0].fingerprint, fp);
	free(doc);
}

static void
test_pgp_packets(void **state)
{
	uint8_t raw[2048];
	size_t n;
	char *t, fp[9];
	struct hits hs;

	(void)state;
	/* The same key with a new-format packet header (0xc5), no checksum line. */
	n = b64_lines_of(PGP_ED, "-----BEGIN PGP", -1, raw);
	assert_int_equal(raw[0], 0x94);
	raw[0] = 0xc5;
	t = pgp_armor(raw, n);
	assert_int_equal(scans(t, NULL, &hs), 1);
	assert_string_equal(hs.h[0].detail, "OpenPGP v4 EdDSA");
	fp_of(raw, n, fp);
	assert_string_equal(hs.h[0].fingerprint, fp);
	free(t);

	/* A broken v4 checksum of the secret in clear. */
	raw[0x58] ^= 1;
	t = pgp_armor(raw, n);
	assert_int_equal(scans(t, NULL, &hs), 0);
	free(t);
	raw[0x58] ^= 1;

	/* A public key packet (tag 6) under the private label. */
	raw[0] = 0x98;
	t = pgp_armor(raw, n);
	assert_int_equal(scans(t, NULL, &hs), 0);
	free(t);

	/* Cut after the first packets: one packet length runs past the end. */
	raw[0] = 0x94;
	t = pgp_armor(raw, n - 20);
	assert_int_equal(scans(t, NULL, &hs), 0);
	free(t);

	/* Stubs only: the primary key of PGP_SUBKEYS, its user ID and its
	 * signature, without the secret subkey that follows (at 244). */
	n = b64_lines_of(PGP_SUBKEYS, "-----BEGIN PGP", -1, raw);
	assert_int_equal(raw[244], 0x9c);
	t = pgp_armor(raw, 244);
	assert_int_equal(scans(t, NULL, &hs), 0);
	free(t);
	t = pgp_armor(raw, n);
	assert_int_equal(scans(t, NULL, &hs), 1);
	free(t);
}

static void
test_pgp_decoys(void **state)
{
	struct hits hs;
	char *t, *u;

	(void)state;
	/* The public key block. */
	assert_int_equal(scans(PGP_PUB, "pub.asc", &hs), 0);
	/* The public key under the private label. */
	u = replaced(PGP_PUB, "BEGIN PGP PUBLIC", "BEGIN PGP PRIVATE");
	t = replaced(u, "END PGP PUBLIC", "END PGP PRIVATE");
	assert_int_equal(scans(t, NULL, &hs), 0);
	free(u);
	free(t);
	/* Truncated: no END line. */
	t = strdup(PGP_ED);
	t[strlen(t) - 60] = '\0';
	assert_int_equal(scans(t, NULL, &hs), 0);
	free(t);
	/* A line left out: the checksum fails; without the checksum line, the
	 * packets no longer add up. */
	t = replaced(PGP_ED, "IFRlc3QgPHdhcmQtdGVzdEBleGFtcGxlLmludmFsaWQ+iJAEExYIADgWIQTB81Ho\n",
		     "");
	assert_int_equal(scans(t, NULL, &hs), 0);
	free(t);
	t = replaced(PGP_ED, "IFRlc3QgPHdhcmQtdGVzdEBleGFtcGxlLmludmFsaWQ+iJAEExYIADgWIQTB81Ho\n",
		     "");
	memcpy(strstr(t, "=Ao6G"), "     ", 5);
	assert_int_equal(scans(t, NULL, &hs), 0);
	free(t);
	/* Another checksum. */
	t = replaced(PGP_ED, "=Ao6G", "=Ao6H");
	assert_int_equal(scans(t, NULL, &hs), 0);
	free(t);
	/* Placeholders and code that names the armor. */
	assert_int_equal(scans("Export it with gpg --armor --export-secret-keys:\n\n"
			       "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n...\n"
			       "-----END PGP PRIVATE KEY BLOCK-----\n",
			       "README.md", &hs),
			 0);
	assert_int_equal(scans("-----BEGIN PGP PRIVATE KEY BLOCK-----\n"
			       "Version: x\n\n<paste your key here>\n"
			       "-----END PGP PRIVATE KEY BLOCK-----\n",
			       NULL, &hs),
			 0);
	assert_int_equal(scans("if (strstr(buf, \"-----BEGIN PGP PRIVATE KEY BLOCK-----\")) {\n"
			       "\treturn \"-----END PGP PRIVATE KEY BLOCK-----\";\n",
			       "armor.c", &hs),
			 0);
	assert_int_equal(scans("-----BEGIN PGP PRIVATE KEY BLOCK-----", NULL, &hs), 0);
}

/* Fingerprint of the private blob of a .ppk file. */
static void
ppk_fp(const char *ppk, char out[9])
{
	uint8_t raw[4096];

	fp_of(raw,
	      b64_lines_of(ppk, "Private-Lines: ", atoi(strstr(ppk, "Private-Lines: ") + 15), raw),
	      out);
}

/*
 * Scans a .ppk text and returns its one PuTTY hit. The MAC line of a
 * version 3 file is 64 hex digits after "Private-MAC"; the hex key
 * detector must not take it for a key.
 */
static const struct ward_key_hit *
ppk_hit(const char *text, const char *name, struct hits *hs)
{
	assert_int_equal(scans(text, name, hs), 1);
	return &hs->h[0];
}

/* No hit at all. */
static int
ppk_quiet(const char *text)
{
	struct hits hs;

	return scans(text, NULL, &hs);
}

static void
test_ppk(void **state)
{
	struct {
		const char *text;
		const struct ward_check *check;
		const char *detail;
	} cases[] = {
	    {PPK_ED_V3, &ward_check_key_private, "PuTTY v3 ssh-ed25519"},
	    {PPK_ED_V3_ENC, &ward_check_key_encrypted,
	     "PuTTY v3 ssh-ed25519, encrypted (aes256-cbc, Argon2id)"},
	    {PPK_RSA_V2, &ward_check_key_private, "PuTTY v2 ssh-rsa"},
	    {PPK_EC_V2_ENC, &ward_check_key_encrypted,
	     "PuTTY v2 ecdsa-sha2-nistp256, encrypted (aes256-cbc)"},
	};
	const struct ward_key_hit *h;
	char fp[9], *doc, *t, *esc;
	struct hits hs;
	size_t i, len;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		h = ppk_hit(cases[i].text, "id.ppk", &hs);
		assert_ptr_equal(h->check, cases[i].check);
		assert_string_equal(h->detail, cases[i].detail);
		assert_int_equal(h->line, 1);
		assert_int_equal(h->offset, 0);
		ppk_fp(cases[i].text, fp);
		assert_string_equal(h->fingerprint, fp);
		no_secret(h, strstr(cases[i].text, "Private-Lines"));

		/* On line 3, CRLF line ends, and the last line without one. */
		len = 2 * strlen(cases[i].text) + 64;
		doc = malloc(len);
		assert_non_null(doc);
		snprintf(doc, len, "saved keys\n\n%s", cases[i].text);
		t = crlf(doc);
		t[strlen(t) - 2] = '\0';
		h = ppk_hit(t, NULL, &hs);
		assert_string_equal(h->detail, cases[i].detail);
		assert_int_equal(h->line, 3);
		assert_int_equal(h->offset, 14);
		assert_string_equal(h->fingerprint, fp);
		free(t);

		/* Escaped in a JSON string. */
		esc = escape_lines(cases[i].text, "\\n");
		snprintf(doc, len, "{\"ppk\": \"%s\"}\n", esc);
		h = ppk_hit(doc, "hosts.json", &hs);
		assert_non_null(strstr(h->detail, ", escaped in a string"));
		assert_string_equal(h->fingerprint, fp);
		free(esc);
		free(doc);
	}
}

static void
test_ppk_decoys(void **state)
{
	struct {
		const char *text, *from, *to;
	} edits[] = {
	    /* Line counts that do not match the lines. */
	    {PPK_RSA_V2, "Private-Lines: 8", "Private-Lines: 7"},
	    {PPK_RSA_V2, "Private-Lines: 8", "Private-Lines: 9"},
	    {PPK_RSA_V2, "Public-Lines: 4", "Public-Lines: 3"},
	    {PPK_ED_V3, "Private-Lines: 1", "Private-Lines: 0"},
	    /* A private blob in clear that is no run of SSH strings, an
	     * encrypted one that is no whole number of AES blocks. */
	    {PPK_ED_V3, "AAAAIHaq", "AAAAJHaq"},
	    {PPK_EC_V2_ENC, "lSCdAH2Y", ""},
	    /* A placeholder body. */
	    {PPK_ED_V3, "AAAAIHaqM3ADnoeU1s9V6SjGAjJXSE0QPb2s8STltH1txT4M", "..."},
	    /* A MAC of the other version's length, none at all. */
	    {PPK_RSA_V2, "dbd0309df89a53421909d4ca003a84e715a67d6e",
	     "dbd0309df89a53421909d4ca003a84e715a67d6e0123456789abcdef01234567"},
	    {PPK_ED_V3, "Private-MAC: ", "Private-Hash: "},
	    /* Another key type than the public blob's, an unknown cipher. */
	    {PPK_ED_V3, "File-3: ssh-ed25519", "File-3: ssh-rsa"},
	    {PPK_EC_V2_ENC, "aes256-cbc", "aes128-ctr"},
	    /* Key derivation without encryption, or encrypted v3 without it. */
	    {PPK_ED_V3_ENC, "Encryption: aes256-cbc", "Encryption: none"},
	    {PPK_ED_V3_ENC, "Key-Derivation: Argon2id\n", ""},
	    /* A line left out. */
	    {PPK_ED_V3, "Comment: ward-test\n", ""},
	    /* Version 1 files are not read. */
	    {PPK_RSA_V2, "File-2", "File-1"},
	};
	char *t;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		t = replaced(edits[i].text, edits[i].from, edits[i].to);
		if (ppk_quiet(t) != 0)
			fail_msg("edit %zu still found", i);
		free(t);
	}
	/* Truncated before the MAC line. */
	t = strdup(PPK_ED_V3);
	*strstr(t, "Private-MAC") = '\0';
	assert_int_equal(ppk_quiet(t), 0);
	free(t);
	/* Documentation of the format. */
	assert_int_equal(ppk_quiet("A .ppk starts with PuTTY-User-Key-File-3: ssh-ed25519\n"
				   "Encryption: none\nComment: ...\nPublic-Lines: 2\n...\n"),
			 0);
}

static void
test_api(void **state)
{
	struct hits hs;
	char doc[512];
	size_t i;

	(void)state;
	assert_int_equal(ward_keys_scan(NULL, 10, NULL, collect, &hs), 0);
	assert_int_equal(ward_keys_scan((const uint8_t *)"x", 0, NULL, collect, &hs), 0);
	/* No callback: the hits are still counted. */
	snprintf(doc, sizeof(doc), "a %s\nb %s\nc %s\n", WIF_U, WIF_C, WIF_TC);
	assert_int_equal(ward_keys_scan((const uint8_t *)doc, strlen(doc), NULL, NULL, NULL), 3);
	/* The callback stops the scan. */
	memset(&hs, 0, sizeof(hs));
	hs.stop_after = 1;
	assert_int_equal(ward_keys_scan((const uint8_t *)doc, strlen(doc), NULL, collect, &hs), 1);
	assert_int_equal(hs.h[0].line, 1);

	/* Checks: ids, countermeasure, techniques, messages with three arguments. */
	for (i = 0; ward_key_checks[i]; i++) {
		const struct ward_check *c = ward_key_checks[i];
		assert_int_equal(strncmp(c->id, "files.key.", 10), 0);
		assert_string_equal(c->countermeasure, "C1.3");
		assert_int_equal(strncmp(c->attack, "T1552.00", 8), 0);
		assert_true(c->severity >= WARD_SEV_HIGH);
		assert_non_null(strstr(c->message, "%1$s"));
		assert_non_null(strstr(c->message, "%2$s"));
		assert_non_null(strstr(c->message, "%3$s"));
	}
	assert_int_equal(i, 7);
	assert_string_equal(ward_check_key_seed.id, "files.key.seed_phrase");
	assert_string_equal(ward_check_key_wallet_dat.id, "files.key.wallet_dat");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pem_kinds),
	    cmocka_unit_test(test_openssh),
	    cmocka_unit_test(test_pem_escaped_in_json),
	    cmocka_unit_test(test_pem_decoys),
	    cmocka_unit_test(test_pem_in_binary),
	    cmocka_unit_test(test_pgp),
	    cmocka_unit_test(test_pgp_packets),
	    cmocka_unit_test(test_pgp_decoys),
	    cmocka_unit_test(test_ppk),
	    cmocka_unit_test(test_ppk_decoys),
	    cmocka_unit_test(test_wif),
	    cmocka_unit_test(test_hex),
	    cmocka_unit_test(test_keystore),
	    cmocka_unit_test(test_wallet),
	    cmocka_unit_test(test_api),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
