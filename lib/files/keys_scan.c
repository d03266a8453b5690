/*
 * ward_keys_scan(): the entry point of the key material detectors. A buffer
 * is text when its first 8 KB hold no NUL byte. Binary buffers go to the
 * wallet detector (magic numbers at fixed offsets) and to the armored key
 * detectors, which look only where one memmem finds "-----BEGIN " (PEM,
 * and OpenPGP when "PGP " follows); text goes to those, to the PuTTY
 * detector ("PuTTY-User-Key-File-"), to the keystore
 * detector (small JSON objects mentioning "crypto") and to one tokenising
 * pass that hands each run of ASCII letters and digits, and each run of
 * other UTF-8 letters, to the WIF, hex and BIP39 detectors. Those detectors
 * look at a token only when its length or shape fits (51-52, 64 or 66
 * characters; word-like tokens twelve in a row), and the pass classifies 64
 * bytes at a time with SSE2 where there is SSE2, so text goes through at
 * several hundred MB/s.
 *
 * The detectors keep their state on the stack (the BIP39 lists are built
 * once, the keystore parser reads at most WARD_LIMIT_KEYSTORE_SIZE), and a
 * hit never carries the secret: keys_report() turns it into the first 8
 * hex digits of its SHA-256.
 */
#include <string.h>

#include <openssl/evp.h>

#include "keys_internal.h"

/* Bytes looked at to tell text from binary. */
#define TEXT_PROBE 8192

void
keys_sha256(const uint8_t *p, size_t n, uint8_t out[32])
{
	unsigned int len = 32;

	if (!EVP_Digest(p, n, out, &len, EVP_sha256(), NULL))
		memset(out, 0, 32);
}

static long
line_of(struct keys_scan *s, size_t off)
{
	const uint8_t *q, *end;

	if (off < s->line_off) {
		s->line_off = 0;
		s->line_no = 1;
	}
	q = s->p + s->line_off;
	end = s->p + off;
	while (q < end && (q = memchr(q, '\n', (size_t)(end - q))) != NULL) {
		s->line_no++;
		q++;
	}
	s->line_off = off;
	return s->line_no;
}

int
keys_report(struct keys_scan *s, const struct ward_check *c, size_t off, const uint8_t dg[32],
	    const char *detail)
{
	static const char hex[] = "0123456789abcdef";
	struct ward_key_hit h;
	size_t i;

	if (s->stop)
		return 1;
	memset(&h, 0, sizeof(h));
	h.check = c;
	h.offset = off < s->n ? off : 0;
	h.line = s->text ? line_of(s, h.offset) : 0;
	for (i = 0; i < 4; i++) {
		h.fingerprint[2 * i] = hex[dg[i] >> 4];
		h.fingerprint[2 * i + 1] = hex[dg[i] & 15];
	}
	for (i = 0; detail && detail[i] && i < sizeof(h.detail) - 1; i++) {
		unsigned char ch = (unsigned char)detail[i];
		h.detail[i] = ch < 0x20 || ch == 0x7f ? ' ' : (char)ch;
	}
	s->hits++;
	if (s->fn && s->fn(s->ctx, &h))
		s->stop = 1;
	return s->stop;
}

int
keys_report_secret(struct keys_scan *s, const struct ward_check *c, size_t off,
		   const uint8_t *secret, size_t n, const char *detail)
{
	uint8_t dg[32];

	keys_sha256(secret, n, dg);
	return keys_report(s, c, off, dg, detail);
}

/* Token flags, and the class of each byte: a byte of class 0 ends a token. */
#define T_ALPHA 1u
#define T_DIGIT 2u
#define T_HIGH 4u

#define D10(x) x, x, x, x, x, x, x, x, x, x
#define A26(x) D10(x), D10(x), x, x, x, x, x, x
#define H16(x) x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x
static const uint8_t cls[256] = {
    ['0'] = D10(T_DIGIT), ['A'] = A26(T_ALPHA), ['a'] = A26(T_ALPHA), [0x80] = H16(T_HIGH),
    H16(T_HIGH),	  H16(T_HIGH),		H16(T_HIGH),	      H16(T_HIGH),
    H16(T_HIGH),	  H16(T_HIGH),		H16(T_HIGH),
};

/*
 * Length of the UTF-8 sequence at p when it is a space or punctuation that
 * separates words (no-break space, U+2000-U+206F, the CJK symbols and
 * punctuation block with U+3000 IDEOGRAPHIC SPACE, fullwidth punctuation,
 * the byte order mark), else 0.
 */
static size_t
utf8_delim(const uint8_t *p, size_t n)
{
	if (n >= 2 && p[0] == 0xc2 && (p[1] == 0xa0 || p[1] == 0x85))
		return 2;
	if (n < 3)
		return 0;
	if (p[0] == 0xe2 && (p[1] == 0x80 || p[1] == 0x81))
		return 3;
	if (p[0] == 0xe3 && p[1] == 0x80)
		return 3;
	if (p[0] == 0xef) {
		if (p[1] == 0xbb && p[2] == 0xbf)
			return 3;
		if (p[1] == 0xbc &&
		    (p[2] <= 0x8f || (p[2] >= 0x9a && p[2] <= 0xa0) || p[2] >= 0xbb))
			return 3;
		if (p[1] == 0xbd && (p[2] == 0x80 || (p[2] >= 0x9b && p[2] <= 0xa5)))
			return 3;
	}
	return 0;
}

static inline __attribute__((always_inline)) void
token(struct keys_scan *s, size_t start, size_t end, unsigned fl)
{
	size_t len = end - start;

	if (!(fl & T_HIGH)) {
		if (len == 51 || len == 52)
			keys_wif_token(s, start, len);
		else if ((len == 64 || len == 66) && !s->no_hex)
			keys_hex_token(s, start, len);
		if (fl & T_DIGIT) {
			if (fl & T_ALPHA)
				keys_bip39_break_fast(s);
			/* Bare numbers, as in "1. abandon 2. ability", do not break a phrase. */
		} else if (len >= 3 && len <= 12) {
			keys_bip39_word_fast(s, start, len);
		} else {
			keys_bip39_break_fast(s);
		}
	} else if (!(fl & T_DIGIT) && len >= 3 && len <= 48) {
		keys_bip39_word_fast(s, start, len);
	} else {
		keys_bip39_break_fast(s);
	}
}

/* A token holding bytes >= 0x80: split it at UTF-8 spaces and punctuation. */
static void
token_high(struct keys_scan *s, size_t start, size_t end)
{
	const uint8_t *p = s->p;
	size_t i = start, d, ts;

	while (i < end) {
		unsigned fl = 0;

		if (p[i] >= 0x80 && (d = utf8_delim(p + i, end - i)) != 0) {
			i += d;
			continue;
		}
		ts = i;
		while (i < end && !(p[i] >= 0x80 && utf8_delim(p + i, end - i)))
			fl |= cls[p[i++]];
		token(s, ts, i, fl);
	}
}

/*
 * One 64-byte block: bit k of tok is set when p[k] may belong to a token
 * (an ASCII letter or digit, or a byte >= 0x80), of dig when it is a digit,
 * of high when it is >= 0x80. Bytes past n count as separators.
 */
struct block {
	uint64_t tok, dig, high;
};

#ifdef __SSE2__
#include <emmintrin.h>

static inline void
classify(const uint8_t *p, size_t n, struct block *b)
{
	uint8_t pad[64];
	int k;

	if (n < 64) {
		memset(pad, 0, sizeof(pad));
		memcpy(pad, p, n);
		p = pad;
	}
	b->tok = b->dig = b->high = 0;
	for (k = 0; k < 4; k++) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * k));
		/* (c - '0') < 10 and ((c | 0x20) - 'a') < 26, unsigned, done signed. */
		__m128i d =
		    _mm_cmplt_epi8(_mm_add_epi8(v, _mm_set1_epi8(0x50)), _mm_set1_epi8(-128 + 10));
		__m128i a = _mm_cmplt_epi8(
		    _mm_add_epi8(_mm_or_si128(v, _mm_set1_epi8(0x20)), _mm_set1_epi8(0x1f)),
		    _mm_set1_epi8(-128 + 26));
		uint64_t md = (uint16_t)_mm_movemask_epi8(d), ma = (uint16_t)_mm_movemask_epi8(a),
			 mh = (uint16_t)_mm_movemask_epi8(v);

		b->dig |= md << (16 * k);
		b->high |= mh << (16 * k);
		b->tok |= (md | ma | mh) << (16 * k);
	}
}
#else
static inline void
classify(const uint8_t *p, size_t n, struct block *b)
{
	size_t k, m = n < 64 ? n : 64;

	b->tok = b->dig = b->high = 0;
	for (k = 0; k < m; k++) {
		uint64_t bit = (uint64_t)1 << k;
		unsigned c = cls[p[k]];
		if (c)
			b->tok |= bit;
		if (c == T_DIGIT)
			b->dig |= bit;
		if (c == T_HIGH)
			b->high |= bit;
	}
}
#endif

/* The flags of the bytes of block b in bit positions [lo, hi). */
static inline unsigned
range_flags(const struct block *b, unsigned lo, unsigned hi)
{
	uint64_t r = (hi >= 64 ? ~(uint64_t)0 : (((uint64_t)1 << hi) - 1)) & (~(uint64_t)0 << lo);
	unsigned fl = 0;

	if (b->dig & r)
		fl |= T_DIGIT;
	if (b->high & r)
		fl |= T_HIGH;
	if (b->tok & ~b->dig & ~b->high & r)
		fl |= T_ALPHA;
	return fl;
}

/*
 * The tokenising pass: each 64-byte block is classified at once, and its
 * tokens are found from the bits where the class changes, so the work per
 * byte is a few vector instructions and the work per token a few more.
 */
static void
scan_tokens(struct keys_scan *s)
{
	const uint8_t *p = s->p;
	size_t n = s->n, base, start = 0;
	unsigned fl = 0;
	int in_tok = 0;

	for (base = 0; base < n && !s->stop; base += 64) {
		struct block b;
		uint64_t t;
		unsigned last = 0;

		classify(p + base, n - base, &b);
		t = b.tok ^ (b.tok << 1 | (uint64_t)in_tok);
		while (t) {
			unsigned k = (unsigned)__builtin_ctzll(t);

			t &= t - 1;
			if (b.tok >> k & 1) {
				start = base + k;
				in_tok = 1;
				fl = 0;
				last = k;
				continue;
			}
			fl |= range_flags(&b, last, k);
			in_tok = 0;
			if (fl & T_HIGH)
				token_high(s, start, base + k);
			else
				token(s, start, base + k, fl);
		}
		if (in_tok)
			fl |= range_flags(&b, last, 64);
	}
	if (in_tok && !s->stop) {
		if (fl & T_HIGH)
			token_high(s, start, n);
		else
			token(s, start, n, fl);
	}
	if (!s->stop)
		keys_bip39_end(s);
}

int
ward_keys_scan(const uint8_t *p, size_t n, const char *name, ward_key_fn fn, void *ctx)
{
	struct keys_scan s;

	if (!p || n == 0)
		return 0;
	memset(&s, 0, sizeof(s));
	s.p = p;
	s.n = n;
	s.name = name;
	s.fn = fn;
	s.ctx = ctx;
	s.line_no = 1;
	s.text = memchr(p, 0, n < TEXT_PROBE ? n : TEXT_PROBE) == NULL;
	s.no_hex = keys_hex_name_excluded(name);
	keys_bip39_init(&s.bip);

	if (!s.text)
		keys_wallet_scan(&s);
	if (!s.stop)
		keys_pem_scan(&s);
	if (s.text && !s.stop)
		keys_ppk_scan(&s);
	if (s.text && !s.stop)
		keys_keystore_scan(&s);
	if (s.text && !s.stop)
		scan_tokens(&s);
	return s.hits;
}
