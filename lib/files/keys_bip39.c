/*
 * BIP39 seed phrases: 12, 15, 18, 21 or 24 words of one BIP39 list, whose
 * last bits are a checksum: each word gives 11 bits, the first 32 bits per
 * 3 words are the entropy and the rest must equal the first bits of its
 * SHA-256. All eight lists of data/bip39.txt (English, Japanese, Korean,
 * Spanish, both Chinese, French, Italian) are searched at once.
 *
 * The tokeniser of keys_scan.c hands over word-shaped tokens (letters only,
 * 3-12 ASCII or 3-48 UTF-8 bytes) and tells when a token breaks a phrase
 * (one with digits and letters, or too long). Punctuation, line ends, bare
 * numbers ("1. home 2. palace ...") and U+3000 IDEOGRAPHIC SPACE, which
 * separates Japanese phrases, do not break one. Words are looked up only
 * once twelve word-shaped tokens stand in a row, so ordinary text costs
 * almost nothing. ASCII is compared case-insensitively, other text after
 * Unicode NFKD (the lists are NFKD; people type NFC), through ICU.
 *
 * Prose and word lists: a checksum passes by chance once in 16 (12 words)
 * to once in 256 (24 words). So a phrase must be a run of consecutive list
 * words bounded by non-list words or the ends of the text, with at most
 * KEYS_BIP39_SLACK other list words in the run beside it ("seed: abandon
 * ..." where "seed" is a list word); longer runs, such as the word list
 * itself, are never phrases. The longest valid length wins.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#include "keys_internal.h"

extern const unsigned char ward_data_bip39[];
extern const size_t ward_data_bip39_len;

#define WORDS 2048
#define SLOTS 32768u
#define LANG_NAME_MAX 24
#define TOKEN_MAX 48
/* Longest run of list words that is still judged; one more means "too long". */
#define RUN_MAX (KEYS_BIP39_MAX_WORDS + KEYS_BIP39_SLACK)

struct entry {
	uint32_t off; /* of the word in ward_data_bip39 */
	uint8_t len;
	uint8_t lang;
	uint16_t idx;
};

static struct entry entries[KEYS_BIP39_LANGS * WORDS];
static uint16_t slots[SLOTS]; /* entry number + 1, 0 when free */
static char lang_names[KEYS_BIP39_LANGS][LANG_NAME_MAX];
static unsigned nlangs;
static const UNormalizer2 *nfkd;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static uint32_t
hash(const uint8_t *p, size_t n)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

/* A line "# name" with one lowercase name starts a language. */
static int
lang_line(const uint8_t *p, size_t n)
{
	size_t i;

	if (n < 3 || n - 2 >= LANG_NAME_MAX || p[1] != ' ')
		return 0;
	for (i = 2; i < n; i++)
		if (!((p[i] >= 'a' && p[i] <= 'z') || p[i] == '_'))
			return 0;
	return 1;
}

static void
load(void)
{
	const uint8_t *p = ward_data_bip39, *end = p + ward_data_bip39_len;
	UErrorCode e = U_ZERO_ERROR;
	unsigned count = 0, nent = 0;
	int lang = -1;

	nfkd = unorm2_getNFKDInstance(&e);
	if (U_FAILURE(e))
		nfkd = NULL;
	while (p < end) {
		const uint8_t *nl = memchr(p, '\n', (size_t)(end - p)), *le = nl ? nl : end;
		size_t len = (size_t)(le - p);

		if (len && p[0] == '#') {
			if (lang_line(p, len)) {
				if ((lang >= 0 && count != WORDS) || lang + 1 >= KEYS_BIP39_LANGS)
					goto fail;
				lang++;
				memcpy(lang_names[lang], p + 2, len - 2);
				lang_names[lang][len - 2] = '\0';
				count = 0;
			}
		} else if (len && lang >= 0) {
			uint32_t h;

			if (count >= WORDS || len > TOKEN_MAX)
				goto fail;
			entries[nent] =
			    (struct entry){(uint32_t)(p - ward_data_bip39), (uint8_t)len,
					   (uint8_t)lang, (uint16_t)count++};
			for (h = hash(p, len) & (SLOTS - 1); slots[h]; h = (h + 1) & (SLOTS - 1))
				;
			slots[h] = (uint16_t)(++nent);
		}
		p = le + 1;
	}
	if (lang < 0 || count != WORDS)
		goto fail;
	nlangs = (unsigned)lang + 1;
	return;
fail:
	memset(slots, 0, sizeof(slots));
	nlangs = 0;
}

/* Marks in t the lists holding w[0..n) and the word's value in each. */
static void
find(const uint8_t *w, size_t n, struct keys_bip39_tok *t)
{
	uint32_t h;

	for (h = hash(w, n) & (SLOTS - 1); slots[h]; h = (h + 1) & (SLOTS - 1)) {
		const struct entry *e = &entries[slots[h] - 1];
		if (e->len == n && memcmp(ward_data_bip39 + e->off, w, n) == 0) {
			t->langs |= (uint8_t)(1u << e->lang);
			t->idx[e->lang] = e->idx;
		}
	}
}

static void
lower_ascii(uint8_t *w, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (w[i] >= 'A' && w[i] <= 'Z')
			w[i] = (uint8_t)(w[i] + 32);
}

/* NFKD of the UTF-8 text s[0..n) into out; returns its length, 0 on failure. */
static size_t
to_nfkd(const uint8_t *s, size_t n, uint8_t *out, size_t cap)
{
	UChar u[TOKEN_MAX + 1], v[4 * TOKEN_MAX];
	int32_t ul = 0, vl, ol = 0;
	UErrorCode e = U_ZERO_ERROR;

	if (!nfkd)
		return 0;
	u_strFromUTF8(u, TOKEN_MAX + 1, &ul, (const char *)s, (int32_t)n, &e);
	if (U_FAILURE(e))
		return 0;
	vl = unorm2_normalize(nfkd, u, ul, v, 4 * TOKEN_MAX, &e);
	if (U_FAILURE(e))
		return 0;
	u_strToUTF8((char *)out, (int32_t)cap, &ol, v, vl, &e);
	if (U_FAILURE(e) || ol <= 0 || (size_t)ol > cap)
		return 0;
	return (size_t)ol;
}

static void
lookup(const struct keys_scan *s, size_t off, size_t len, struct keys_bip39_tok *t)
{
	uint8_t w[TOKEN_MAX], norm[4 * TOKEN_MAX];
	size_t i, nn;
	int high = 0;

	memset(t, 0, sizeof(*t));
	t->off = off;
	if (len > TOKEN_MAX)
		return;
	memcpy(w, s->p + off, len);
	lower_ascii(w, len);
	for (i = 0; i < len; i++)
		high |= w[i] >= 0x80;
	find(w, len, t);
	if (t->langs || !high)
		return;
	nn = to_nfkd(w, len, norm, sizeof(norm));
	if (nn && nn <= TOKEN_MAX) {
		lower_ascii(norm, nn);
		find(norm, nn, t);
	}
}

/*
 * 1 when the m words from ring position start form a valid phrase of list
 * lang; the entropy goes to ent (ent_len bytes).
 */
static int
valid(const struct keys_bip39 *b, unsigned lang, unsigned long start, unsigned m, uint8_t *ent,
      size_t *ent_len)
{
	uint8_t bits[33], dg[32];
	unsigned j, k, cs = m / 3;
	size_t pos = 0;

	memset(bits, 0, sizeof(bits));
	for (j = 0; j < m; j++) {
		unsigned v = b->ring[(start + j) % KEYS_BIP39_RING].idx[lang];
		for (k = 0; k < 11; k++, pos++)
			if (v & (1u << (10 - k)))
				bits[pos / 8] |= (uint8_t)(0x80u >> (pos % 8));
	}
	*ent_len = (size_t)m * 4 / 3;
	keys_sha256(bits, *ent_len, dg);
	if ((dg[0] >> (8 - cs)) != (bits[*ent_len] >> (8 - cs)))
		return 0;
	memcpy(ent, bits, *ent_len);
	memset(bits, 0, sizeof(bits));
	return 1;
}

/*
 * 1 when the m words from ring position start look generated: at least m/2
 * distinct words. Repetitive runs ("false, false, true, false ...") are
 * code; the one exception is entropy of one repeated byte, as in the BIP39
 * reference vectors ("abandon ... about", "zoo ... wrong"), which wallet
 * documentation prints and people import.
 */
static int
diverse(const struct keys_bip39 *b, unsigned lang, unsigned long start, unsigned m,
	const uint8_t *ent, size_t ent_len)
{
	unsigned i, j, distinct = 0;
	size_t k;

	for (i = 0; i < m; i++) {
		unsigned v = b->ring[(start + i) % KEYS_BIP39_RING].idx[lang];
		for (j = 0; j < i; j++)
			if (b->ring[(start + j) % KEYS_BIP39_RING].idx[lang] == v)
				break;
		distinct += j == i;
	}
	if (distinct * 2 >= m)
		return 1;
	for (k = 1; k < ent_len && ent[k] == ent[0]; k++)
		;
	return k == ent_len;
}

/* A run of run words of list lang from ring position base: find a phrase. */
static void
judge(struct keys_scan *s, unsigned lang, unsigned long base, unsigned run)
{
	static const unsigned lengths[] = {24, 21, 18, 15, 12};
	struct keys_bip39 *b = &s->bip;
	unsigned m, k, li;
	uint8_t ent[32];
	size_t ent_len, off;
	char detail[96];

	for (li = 0; li < sizeof(lengths) / sizeof(lengths[0]); li++) {
		m = lengths[li];
		if (m > run || run - m > KEYS_BIP39_SLACK)
			continue;
		for (k = 0; k + m <= run; k++) {
			if (!valid(b, lang, base + k, m, ent, &ent_len) ||
			    !diverse(b, lang, base + k, m, ent, ent_len))
				continue;
			off = b->ring[(base + k) % KEYS_BIP39_RING].off;
			if (b->last_words == m && b->last_off == off)
				return;
			b->last_words = m;
			b->last_off = off;
			snprintf(detail, sizeof(detail), "%u words, %s", m, lang_names[lang]);
			keys_report_secret(s, &ward_check_key_seed, off, ent, ent_len, detail);
			memset(ent, 0, sizeof(ent));
			return;
		}
	}
}

/*
 * The run of tokens found in some list has ended. Unless it is too long
 * (a word list, or prose made of list words: all its languages together
 * count, so a Chinese list does not hide inside the other Chinese list),
 * each language's own runs of twelve words or more in it are judged.
 */
static void
flush(struct keys_scan *s)
{
	struct keys_bip39 *b = &s->bip;
	unsigned long first, i, start;
	unsigned l;

	if (b->run >= 12 && b->run <= RUN_MAX) {
		first = b->ntok - b->run;
		for (l = 0; l < nlangs && !s->stop; l++) {
			for (i = start = first; i <= b->ntok; i++) {
				if (i < b->ntok && b->ring[i % KEYS_BIP39_RING].langs & (1u << l))
					continue;
				if (i - start >= 12)
					judge(s, l, start, (unsigned)(i - start));
				start = i + 1;
			}
		}
	}
	b->run = 0;
}

static void
push(struct keys_scan *s, size_t off, size_t len)
{
	struct keys_bip39 *b = &s->bip;
	struct keys_bip39_tok t;

	lookup(s, off, len, &t);
	if (!t.langs) {
		flush(s);
		return;
	}
	if (b->run <= RUN_MAX)
		b->run++;
	b->ring[b->ntok % KEYS_BIP39_RING] = t;
	b->ntok++;
}

void
keys_bip39_init(struct keys_bip39 *b)
{
	memset(b, 0, sizeof(*b));
	b->last_off = (size_t)-1;
}

/*
 * 1 when the bytes between two words can separate the words of one phrase:
 * white space (U+3000 and no-break space included), commas and quotes (a
 * JSON array, CSV), numbers ending in '.', ')' or ':' ("1. home"), and
 * bullets ('-', '*' between spaces). Anything else, such as "_", "-" or
 * "." inside an identifier, or ':' or ';' after a word, ends a phrase.
 */
static int
gap_ok(const uint8_t *p, size_t a, size_t e)
{
	size_t i = a;

	if (e - a > 64)
		return 0;
	while (i < e) {
		uint8_t c = p[i];

		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',' || c == '"' ||
		    c == '\'') {
			i++;
		} else if (c >= '0' && c <= '9') {
			while (i < e && p[i] >= '0' && p[i] <= '9')
				i++;
			if (i < e && (p[i] == '.' || p[i] == ')' || p[i] == ':'))
				i++;
		} else if ((c == '-' || c == '*') && i > a && i + 1 < e &&
			   (p[i - 1] == ' ' || p[i - 1] == '\n' || p[i - 1] == '\t') &&
			   (p[i + 1] == ' ' || p[i + 1] == '\t')) {
			i++;
		} else if (e - i >= 2 && c == 0xc2 && p[i + 1] == 0xa0) {
			i += 2; /* no-break space */
		} else if (e - i >= 3 && c == 0xe3 && p[i + 1] == 0x80 &&
			   (p[i + 2] == 0x80 || p[i + 2] == 0x81)) {
			i += 3; /* ideographic space, ideographic comma */
		} else if (e - i >= 3 && c == 0xef && p[i + 1] == 0xbc && p[i + 2] == 0x8c) {
			i += 3; /* fullwidth comma */
		} else {
			return 0;
		}
	}
	return 1;
}

void
keys_bip39_word(struct keys_scan *s, size_t off, size_t len)
{
	struct keys_bip39 *b = &s->bip;
	unsigned k;

	if (b->shaped && !gap_ok(s->p, b->word_end, off))
		keys_bip39_break(s);
	b->word_end = off + len;

	if (b->shaped < 11) {
		b->pend_off[b->shaped] = off;
		b->pend_len[b->shaped] = (uint8_t)len;
		b->shaped++;
		return;
	}
	if (b->shaped == 11) {
		pthread_once(&once, load);
		if (!nlangs)
			return;
		for (k = 0; k < 11; k++)
			push(s, b->pend_off[k], b->pend_len[k]);
		b->shaped = 12;
	}
	push(s, off, len);
}

void
keys_bip39_break(struct keys_scan *s)
{
	struct keys_bip39 *b = &s->bip;

	if (b->shaped >= 12)
		flush(s);
	b->shaped = 0;
}

void
keys_bip39_end(struct keys_scan *s)
{
	keys_bip39_break(s);
}
