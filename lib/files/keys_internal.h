/*
 * Shared by the key material detectors of lib/files: the scan state that
 * ward_keys_scan() lends to each detector, the reporting helper that turns
 * a secret into a fingerprint, base58, the base64 stream of the armored
 * text formats (PEM, OpenPGP, PuTTY), and the per-token entry points of
 * the text detectors (WIF, hex, BIP39) that keys_scan.c feeds from its one
 * tokenising pass. Nothing here is part of the public API.
 */
#ifndef WARD_KEYS_INTERNAL_H
#define WARD_KEYS_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "ward/keys.h"

/* Longest BIP39 phrase, and how many list words may sit beside a phrase in
 * one run of list words before the run counts as prose or a word list. */
#define KEYS_BIP39_MAX_WORDS 24
#define KEYS_BIP39_SLACK 2
/* Tokens the BIP39 detector remembers: the longest run it judges, plus one. */
#define KEYS_BIP39_RING 32
#define KEYS_BIP39_LANGS 8

struct keys_bip39_tok {
	size_t off;
	uint16_t idx[KEYS_BIP39_LANGS]; /* 11-bit value of the word in each list */
	uint8_t langs;			/* lists holding the word */
};

struct keys_bip39 {
	struct keys_bip39_tok ring[KEYS_BIP39_RING];
	unsigned long ntok;  /* list words pushed so far (the ring holds the last ones) */
	unsigned run;	     /* list words in a row, of any list */
	unsigned shaped;     /* word-shaped tokens in a row (looked up from 12 on) */
	size_t word_end;     /* end of the last word-shaped token */
	size_t pend_off[11]; /* the first eleven, not looked up yet */
	uint8_t pend_len[11];
	size_t last_off;     /* the phrase reported last, so that a phrase */
	unsigned last_words; /* valid in two lists is reported once */
};

struct keys_scan {
	const uint8_t *p;
	size_t n;
	const char *name; /* hint, may be NULL */
	ward_key_fn fn;
	void *ctx;
	int text;	 /* 1 for text (line numbers), 0 for binary */
	int hits;	 /* reported so far */
	int stop;	 /* the callback asked to stop */
	int no_hex;	 /* the name says checksums or a lock file: no hex keys */
	size_t line_off; /* line cache: line_no is the line of byte line_off */
	long line_no;
	struct keys_bip39 bip;
};

/* SHA-256 of p[0..n) into out. */
void keys_sha256(const uint8_t *p, size_t n, uint8_t out[32]);

/*
 * Reports one item of check c at offset off whose secret has SHA-256
 * digest dg; detail is copied (cut to fit, controls replaced). Returns
 * non-zero when scanning must stop.
 */
int keys_report(struct keys_scan *s, const struct ward_check *c, size_t off, const uint8_t dg[32],
		const char *detail);
/* The same with the secret itself, hashed here. */
int keys_report_secret(struct keys_scan *s, const struct ward_check *c, size_t off,
		       const uint8_t *secret, size_t n, const char *detail);

/*
 * Decodes the base58 text s[0..n) into out[0..cap), big-endian with one
 * zero byte per leading '1'. Returns the decoded length, or 0 when s holds
 * a character outside the alphabet or the value needs more than cap bytes.
 */
size_t keys_base58_decode(const uint8_t *s, size_t n, uint8_t *out, size_t cap);
/* 1 when c belongs to the base58 alphabet. */
int keys_base58_char(uint8_t c);

/*
 * Base64 bodies of the text key formats (keys_b64.c), decoded as a stream:
 * the first KEYS_B64_HEAD bytes are kept for the structure check, all of
 * them are hashed (KEYS_B64_HASH) and summed with the OpenPGP CRC-24
 * (KEYS_B64_CRC24) as they come, none is kept beyond the scratch.
 */
#define KEYS_B64_HEAD 2048
#define KEYS_B64_HASH 1u
#define KEYS_B64_CRC24 2u

struct evp_md_ctx_st;

struct keys_b64 {
	uint8_t head[KEYS_B64_HEAD];
	size_t total; /* decoded bytes */
	uint8_t chunk[384];
	size_t nchunk;
	struct evp_md_ctx_st *md;
	uint32_t acc; /* the digits of the group being read */
	int nacc, pad;
	uint32_t crc;
	unsigned flags;
	int escaped; /* "\n" escapes were seen */
	int failed;  /* hashing failed */
};

/* The value of each base64 digit plus one, 0 for other bytes. */
extern const signed char keys_b64_val[256];

void keys_b64_init(struct keys_b64 *b, unsigned flags);
/* Feeds one byte: 1 when it is a digit or padding, 0 when it is neither,
 * -1 when it breaks the encoding (a digit after padding, too much padding). */
int keys_b64_char(struct keys_b64 *b, uint8_t c);
/* Ends the stream: decodes the last group; -1 when it is incomplete. */
int keys_b64_end(struct keys_b64 *b);
/* SHA-256 of everything decoded (KEYS_B64_HASH); -1 when hashing failed. */
int keys_b64_digest(struct keys_b64 *b, uint8_t dg[32]);
/* Frees the digest context and wipes the scratch. */
void keys_b64_clear(struct keys_b64 *b);
/*
 * Decodes an armored body from i up to "-----END": base64, padding, blanks
 * and line breaks (real or escaped, which sets b->escaped). With crc, a
 * line "=XXXX" ends the data and its 24-bit value goes to *crc (-1 when
 * there is none). Returns the position of "-----END", or 0 when anything
 * else comes first, the encoding is broken or the buffer ends.
 */
size_t keys_b64_armor(const uint8_t *p, size_t n, size_t i, struct keys_b64 *b, long *crc);
/*
 * Length of a line break at p[0..n): a real one (LF, CR, CRLF), or one
 * escaped once ("\n") or twice ("\\n") inside a string; 0 if none.
 */
size_t keys_line_break(const uint8_t *p, size_t n, int *escaped);
/* Where the line from i ends: at the first real line break, or escaped one
 * too when escapes is set, or at n. */
size_t keys_line_end(const uint8_t *p, size_t n, size_t i, int escapes);

static inline int
keys_blank(uint8_t c)
{
	return c == ' ' || c == '\t';
}

/* Whole-buffer detectors. */
void keys_pem_scan(struct keys_scan *s);
/* An OpenPGP armored key at p[at] ("-----BEGIN PGP ..."): reports it and
 * returns where scanning goes on, or 0 when p[at] begins no OpenPGP block.
 * keys_pem_scan calls it for every "-----BEGIN PGP " it meets. */
size_t keys_pgp_at(struct keys_scan *s, size_t at);
void keys_ppk_scan(struct keys_scan *s);
void keys_wallet_scan(struct keys_scan *s);
void keys_keystore_scan(struct keys_scan *s);

/* Token detectors, given a run p[off..off+len) of ASCII letters and digits
 * bounded by other bytes. */
void keys_wif_token(struct keys_scan *s, size_t off, size_t len);
void keys_hex_token(struct keys_scan *s, size_t off, size_t len);
/* 1 when the name hint rules out hex keys (checksum lists, lock files). */
int keys_hex_name_excluded(const char *name);

/* BIP39: word-shaped tokens, tokens that break a phrase, and the end. */
void keys_bip39_init(struct keys_bip39 *b);
void keys_bip39_word(struct keys_scan *s, size_t off, size_t len);
void keys_bip39_break(struct keys_scan *s);
void keys_bip39_end(struct keys_scan *s);

/*
 * The common cases of the two above, inline for the tokeniser: the first
 * word of a possible phrase, a word one space or line end after the
 * previous one while fewer than eleven are pending, and a break when
 * nothing is pending.
 */
static inline void
keys_bip39_word_fast(struct keys_scan *s, size_t off, size_t len)
{
	struct keys_bip39 *b = &s->bip;

	if (b->shaped == 0 || (b->shaped < 11 && off == b->word_end + 1 &&
			       (s->p[off - 1] == ' ' || s->p[off - 1] == '\n'))) {
		b->pend_off[b->shaped] = off;
		b->pend_len[b->shaped] = (uint8_t)len;
		b->shaped++;
		b->word_end = off + len;
		return;
	}
	keys_bip39_word(s, off, len);
}

static inline void
keys_bip39_break_fast(struct keys_scan *s)
{
	if (s->bip.shaped)
		keys_bip39_break(s);
}

#endif
