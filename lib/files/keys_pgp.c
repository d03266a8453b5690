/*
 * OpenPGP secret keys in ASCII armor (RFC 4880, RFC 9580):
 * "-----BEGIN PGP PRIVATE KEY BLOCK-----" (or PGP 2's "SECRET KEY BLOCK"),
 * armor headers ("Version: ...", "Comment: ...") and an empty line, a
 * base64 body, an optional CRC-24 line "=XXXX" and the matching END line.
 * Lines may end in CRLF, be indented, or be escaped inside a string as in
 * keys_pem.c. The body is decoded as a stream (keys_b64.c) and must hold a
 * transferable secret key:
 *
 *   Secret-Key packet (tag 5), old format 0x94..0x97 or new format 0xc5
 *     version 4 (2 or 3 for PGP 2 RSA keys, 5, 6), creation time,
 *     a known public-key algorithm and its public material:
 *       RSA, Elgamal, DSA       two, three or four MPIs
 *       ECDSA, EdDSA, ECDH      curve OID and one MPI (ECDH: KDF parameters)
 *       X25519 ... Ed448        32, 56, 32 or 57 octets
 *     S2K usage octet           0: the secret follows in clear, else encrypted
 *
 * The public material must parse inside the packet and the scratch, a v4
 * key in clear must match its checksum, and the CRC-24, when present, the
 * decoded body; anything else stays quiet, and so do public key blocks,
 * whose label never matches. A GnuPG stub primary key (S2K 101 "GNU": the
 * secret is absent or on a smartcard), as --export-secret-subkeys writes
 * it, holds no secret: the first secret subkey within the scratch is
 * judged instead, and a block of stubs only stays quiet. The fingerprint
 * is the SHA-256 of the decoded body.
 */
#include <stdio.h>
#include <string.h>

#include "keys_internal.h"

/* Armor header lines read before the body. */
#define HEADERS_MAX 16
/* Smallest plausible body: a v4 Ed25519 key in clear is about 90 bytes. */
#define BODY_MIN 40
/* Largest plausible Secret-Key packet. */
#define PACKET_MAX 65536
/* Packets walked past a stub primary key to find a secret subkey. */
#define PACKETS_MAX 64

#define TAG_SECRET_KEY 5
#define TAG_SECRET_SUBKEY 7
/* S2K specifier type of the GnuPG extensions ("GNU", stub keys). */
#define S2K_GNU 101

static const char begin[] = "-----BEGIN PGP ";
static const char *const labels[] = {"PRIVATE KEY BLOCK-----", "SECRET KEY BLOCK-----"};

struct pgp_key {
	int version, algo;
	int usage; /* S2K usage octet */
	int stub;  /* a GnuPG stub: no secret in the packet */
};

static uint32_t
be(const uint8_t *p, int n)
{
	uint32_t v = 0;
	int k;

	for (k = 0; k < n; k++)
		v = v << 8 | p[k];
	return v;
}

static const char *
algo_name(int a)
{
	switch (a) {
	case 1:
	case 2:
	case 3:
		return "RSA";
	case 16:
		return "Elgamal";
	case 17:
		return "DSA";
	case 18:
		return "ECDH";
	case 19:
		return "ECDSA";
	case 22:
		return "EdDSA";
	case 25:
		return "X25519";
	case 26:
		return "X448";
	case 27:
		return "Ed25519";
	case 28:
		return "Ed448";
	default:
		return NULL;
	}
}

/* IDEA, TripleDES, CAST5, Blowfish, AES, Twofish, Camellia. */
static int
cipher_known(int c)
{
	return (c >= 1 && c <= 4) || (c >= 7 && c <= 13);
}

/* Skips the MPI at *o in p[0..n). */
static int
mpi(const uint8_t *p, size_t n, size_t *o)
{
	size_t bits, len;

	if (*o > n || n - *o < 2)
		return -1;
	bits = (size_t)p[*o] << 8 | p[*o + 1];
	len = (bits + 7) / 8;
	if (bits == 0 || n - *o - 2 < len)
		return -1;
	*o += 2 + len;
	return 0;
}

/* Skips the curve OID (a length octet, then the OID) at *o. */
static int
curve_oid(const uint8_t *p, size_t n, size_t *o)
{
	size_t len;

	if (*o >= n)
		return -1;
	len = p[*o];
	if (len == 0 || len == 0xff || n - *o - 1 < len)
		return -1;
	*o += 1 + len;
	return 0;
}

/* Skips the public key material of algorithm a at *o. */
static int
material(int a, const uint8_t *p, size_t n, size_t *o)
{
	size_t fixed;
	int nmpi, k;

	switch (a) {
	case 1:
	case 2:
	case 3:
		nmpi = 2;
		break;
	case 16:
		nmpi = 3;
		break;
	case 17:
		nmpi = 4;
		break;
	case 18:
	case 19:
	case 22:
		if (curve_oid(p, n, o) < 0 || mpi(p, n, o) < 0)
			return -1;
		/* ECDH: KDF parameters: a length, 1 (reserved), hash, cipher. */
		if (a == 18) {
			if (*o >= n || p[*o] < 3 || n - *o - 1 < p[*o] || p[*o + 1] != 1)
				return -1;
			*o += 1 + (size_t)p[*o];
		}
		return 0;
	case 25:
	case 27:
		fixed = 32;
		goto fixed;
	case 26:
		fixed = 56;
		goto fixed;
	case 28:
		fixed = 57;
		goto fixed;
	default:
		return -1;
	}
	for (k = 0; k < nmpi; k++)
		if (mpi(p, n, o) < 0)
			return -1;
	return 0;
fixed:
	if (*o > n || n - *o < fixed)
		return -1;
	*o += fixed;
	return 0;
}

/*
 * Reads a Secret-Key or Secret-Subkey packet body p[0..len), of which the
 * first avail bytes are in the scratch. Returns 0 and fills k when it
 * holds a plausible key, -1 when not or when the key cannot be read.
 */
static int
key_packet(const uint8_t *p, size_t len, size_t avail, struct pgp_key *k)
{
	size_t n = len < avail ? len : avail, o, q, mat = 0;
	uint32_t sum = 0;
	int c;

	memset(k, 0, sizeof(*k));
	if (n < 8)
		return -1;
	k->version = p[0];
	switch (k->version) {
	case 2:
	case 3:
		/* Creation time, validity in days, then RSA only. */
		k->algo = p[7];
		o = 8;
		if (k->algo > 3)
			return -1;
		break;
	case 4:
		k->algo = p[5];
		o = 6;
		break;
	case 5:
	case 6:
		/* Creation time, algorithm, length of the public material. */
		if (n < 10)
			return -1;
		k->algo = p[5];
		mat = be(p + 6, 4);
		o = 10;
		break;
	default:
		return -1;
	}
	if (!algo_name(k->algo) || material(k->algo, p, n, &o) < 0)
		return -1;
	if (k->version >= 5 && o - 10 != mat)
		return -1;
	if (o >= n)
		return -1;
	k->usage = p[o++];
	if (k->usage == 0) {
		/* The secret, then (up to v4) the sum of its octets. */
		if (len - o < 3)
			return -1;
		if (k->version <= 4 && len <= avail) {
			for (q = o; q < len - 2; q++)
				sum += p[q];
			if ((sum & 0xffff) != be(p + len - 2, 2))
				return -1;
		}
		return 0;
	}
	if (k->usage < 253) {
		/* The usage octet names the cipher (no S2K, keys up to v4). */
		return k->version <= 4 && cipher_known(k->usage) ? 0 : -1;
	}
	/* [v5, v6: count of the S2K fields] cipher [AEAD] [v6: S2K size] S2K. */
	q = o + (k->version >= 5);
	if (q >= n)
		return -1;
	c = p[q];
	q += 1 + (k->usage == 253) + (k->version == 6);
	if (q >= n)
		return -1;
	switch (p[q]) {
	case 0: /* simple */
	case 1: /* salted */
	case 3: /* iterated and salted */
	case 4: /* Argon2 */
		return cipher_known(c) ? 0 : -1;
	case S2K_GNU:
		/* 101, hash, "GNU", mode: 1 no secret, 2 on a smartcard (the
		 * cipher octet is 0 then). */
		if (n - q < 6 || memcmp(p + q + 2, "GNU", 3) != 0)
			return -1;
		k->stub = 1;
		return 0;
	default:
		return -1;
	}
}

/*
 * Reads the packet header at p[0..n), rest bytes being left in the body
 * from p. Returns 0 with the tag, the header and the body length, or -1.
 */
static int
packet(const uint8_t *p, size_t n, size_t rest, int *tag, size_t *hdr, size_t *len)
{
	if (n < 2 || !(p[0] & 0x80))
		return -1;
	if (p[0] & 0x40) {
		*tag = p[0] & 0x3f;
		if (p[1] < 192) {
			*hdr = 2;
			*len = p[1];
		} else if (p[1] < 224) {
			if (n < 3)
				return -1;
			*hdr = 3;
			*len = ((size_t)(p[1] - 192) << 8) + p[2] + 192;
		} else if (p[1] == 255) {
			if (n < 6)
				return -1;
			*hdr = 6;
			*len = be(p + 2, 4);
		} else {
			return -1; /* partial lengths: not for keys */
		}
	} else {
		*tag = p[0] >> 2 & 0xf;
		switch (p[0] & 3) {
		case 0:
			*hdr = 2;
			*len = p[1];
			break;
		case 1:
			if (n < 3)
				return -1;
			*hdr = 3;
			*len = be(p + 1, 2);
			break;
		case 2:
			if (n < 5)
				return -1;
			*hdr = 5;
			*len = be(p + 1, 4);
			break;
		default:
			/* Indeterminate: up to the end of the body. */
			*hdr = 1;
			*len = rest - 1;
			break;
		}
	}
	return *len > rest - *hdr ? -1 : 0;
}

/*
 * Judges the decoded body and describes the key. The packets must follow
 * one another up to the end of the body, as far as the scratch shows them.
 * Returns 1 (in clear), 2 (encrypted) or 0 (not a secret key, no secret
 * in it, or a broken chain).
 */
static int
check_body(const struct keys_b64 *b, char *detail, size_t cap)
{
	size_t avail = b->total < KEYS_B64_HEAD ? b->total : KEYS_B64_HEAD, o = 0, hdr, len;
	struct pgp_key k;
	int tag, np, rc = 0;

	for (np = 0; np < PACKETS_MAX && o < avail; np++) {
		if (packet(b->head + o, avail - o, b->total - o, &tag, &hdr, &len) < 0) {
			/* A header cut by the end of the scratch cannot be judged. */
			if (rc && b->total > avail && avail - o < 6)
				break;
			return 0;
		}
		if (np == 0 && (tag != TAG_SECRET_KEY || len > PACKET_MAX))
			return 0;
		if (!rc && (np == 0 || tag == TAG_SECRET_SUBKEY)) {
			if (key_packet(b->head + o + hdr, len, avail - o - hdr, &k) < 0)
				return 0;
			if (!k.stub) {
				snprintf(detail, cap, "OpenPGP v%d %s%s%s", k.version,
					 algo_name(k.algo), np ? " subkey" : "",
					 k.usage ? ", encrypted" : "");
				rc = k.usage ? 2 : 1;
			}
		}
		o += hdr + len;
	}
	return rc;
}

/* 1 when the line at i starts like an armor header, "Name:". */
static int
header_line(const uint8_t *p, size_t n, size_t i)
{
	size_t ls = i;

	while (i < n && i - ls <= 64 &&
	       ((p[i] >= 'A' && p[i] <= 'Z') || (p[i] >= 'a' && p[i] <= 'z') ||
		(p[i] >= '0' && p[i] <= '9') || p[i] == '-'))
		i++;
	return i > ls && i - ls <= 64 && i < n && p[i] == ':';
}

/*
 * One block whose BEGIN line starts at at and whose label (labels[lab])
 * ends at i. Returns where scanning goes on.
 */
static size_t
block(struct keys_scan *s, size_t at, size_t i, int lab)
{
	const uint8_t *p = s->p;
	size_t n = s->n, resume = i, end, ls, k, ll = strlen(labels[lab]);
	struct keys_b64 b;
	char detail[96];
	uint8_t dg[32];
	long crc;
	int hl, esc, rc;

	keys_b64_init(&b, KEYS_B64_HASH | KEYS_B64_CRC24);
	while (i < n && keys_blank(p[i]))
		i++;
	if (i >= n || !(k = keys_line_break(p + i, n - i, &b.escaped)))
		goto out;
	esc = p[i] == '\\';
	i += k;
	/* Armor headers up to an empty line; a body right away is tolerated. */
	for (hl = 0; hl < HEADERS_MAX; hl++) {
		ls = i;
		while (ls < n && keys_blank(p[ls]))
			ls++;
		if (ls < n && (k = keys_line_break(p + ls, n - ls, &b.escaped)) != 0) {
			i = ls + k;
			break;
		}
		if (!header_line(p, n, ls))
			break;
		ls = keys_line_end(p, n, ls, esc);
		if (ls >= n || !(k = keys_line_break(p + ls, n - ls, &b.escaped)))
			goto out;
		i = ls + k;
	}
	end = keys_b64_armor(p, n, i, &b, &crc);
	if (!end || b.total < BODY_MIN)
		goto out;
	if (n - end < 13 + ll || memcmp(p + end, "-----END PGP ", 13) != 0 ||
	    memcmp(p + end + 13, labels[lab], ll) != 0)
		goto out;
	if (crc >= 0 && (uint32_t)crc != (b.crc & 0xffffffu))
		goto out;
	rc = check_body(&b, detail, sizeof(detail));
	if (!rc)
		goto out;
	resume = end + 13 + ll;
	if (b.escaped && strlen(detail) + 22 < sizeof(detail))
		strcat(detail, ", escaped in a string");
	if (keys_b64_digest(&b, dg) < 0)
		goto out;
	keys_report(s, rc == 2 ? &ward_check_key_encrypted : &ward_check_key_private, at, dg,
		    detail);
out:
	keys_b64_clear(&b);
	return resume;
}

size_t
keys_pgp_at(struct keys_scan *s, size_t at)
{
	const uint8_t *p = s->p;
	size_t n = s->n, ls = at + sizeof(begin) - 1, ll;
	int lab;

	if (n - at < sizeof(begin) - 1 || memcmp(p + at, begin, sizeof(begin) - 1) != 0)
		return 0;
	for (lab = 0; lab < 2; lab++) {
		ll = strlen(labels[lab]);
		if (n - ls >= ll && memcmp(p + ls, labels[lab], ll) == 0)
			return block(s, at, ls + ll, lab);
	}
	return ls;
}
