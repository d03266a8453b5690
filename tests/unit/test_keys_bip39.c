/* Unit tests of the BIP39 seed phrase detector: the spec's test vectors,
 * phrases of every length in every language of data/bip39.txt built at test
 * time from random entropy (Japanese with U+3000, NFC and NFKD forms),
 * the ways people write phrases down, and the decoys that must stay quiet:
 * bad checksums, long runs of list words, identifiers, the lists
 * themselves and prose. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#include "ward/keys.h"

extern const unsigned char ward_data_bip39[];
extern const size_t ward_data_bip39_len;

#define NLANG 8
#define MAXHITS 8

static char lang_name[NLANG][32];
static char *words[NLANG][2048];
static int nlang;

struct hits {
	int n;
	struct ward_key_hit h[MAXHITS];
};

static int
collect(void *ctx, const struct ward_key_hit *hit)
{
	struct hits *hs = ctx;

	if (hs->n < MAXHITS)
		hs->h[hs->n] = *hit;
	hs->n++;
	return 0;
}

static int
scans(const char *s, struct hits *hs)
{
	int i, rc;

	memset(hs, 0, sizeof(*hs));
	rc = ward_keys_scan((const uint8_t *)s, strlen(s), "notes.txt", collect, hs);
	assert_int_equal(rc, hs->n);
	for (i = 0; i < hs->n && i < MAXHITS; i++) {
		assert_ptr_equal(hs->h[i].check, &ward_check_key_seed);
		assert_true(hs->h[i].offset < strlen(s));
		assert_int_equal(strlen(hs->h[i].fingerprint), 8);
	}
	return rc;
}

static int
load_lists(void **state)
{
	const char *p = (const char *)ward_data_bip39, *end = p + ward_data_bip39_len;
	int count = 0;

	(void)state;
	nlang = -1;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (len > 2 && p[0] == '#' && p[1] == ' ' &&
		    strspn(p + 2, "abcdefghijklmnopqrstuvwxyz_") == len - 2) {
			nlang++;
			if (nlang >= NLANG)
				return -1;
			snprintf(lang_name[nlang], sizeof(lang_name[0]), "%.*s", (int)len - 2,
				 p + 2);
			count = 0;
		} else if (len && p[0] != '#' && nlang >= 0 && count < 2048) {
			words[nlang][count++] = strndup(p, len);
		}
		p += len + 1;
	}
	nlang++;
	return 0;
}

static int
free_lists(void **state)
{
	int l, i;

	(void)state;
	for (l = 0; l < nlang; l++)
		for (i = 0; i < 2048; i++)
			free(words[l][i]);
	return 0;
}

static int
lang_of(const char *name)
{
	int l;

	for (l = 0; l < nlang; l++)
		if (strcmp(lang_name[l], name) == 0)
			return l;
	fail_msg("no list %s", name);
	return -1;
}

static void
sha256(const uint8_t *p, size_t n, uint8_t out[32])
{
	unsigned int len = 32;

	assert_true(EVP_Digest(p, n, out, &len, EVP_sha256(), NULL));
}

/* The word values of the phrase for ent[0..nbytes), into idx; returns the count. */
static int
phrase_idx(const uint8_t *ent, size_t nbytes, int *idx)
{
	uint8_t bits[33], dg[32];
	int m = (int)nbytes * 3 / 4, i, k;

	memset(bits, 0, sizeof(bits));
	memcpy(bits, ent, nbytes);
	sha256(ent, nbytes, dg);
	bits[nbytes] = dg[0];
	for (i = 0; i < m; i++) {
		idx[i] = 0;
		for (k = 0; k < 11; k++) {
			int pos = i * 11 + k;
			idx[i] = idx[i] << 1 | (bits[pos / 8] >> (7 - pos % 8) & 1);
		}
	}
	return m;
}

/* Writes the phrase of list lang, words joined by sep, into out. */
static char *
phrase(int lang, const int *idx, int m, const char *sep, char *out)
{
	int i;

	out[0] = '\0';
	for (i = 0; i < m; i++) {
		if (i)
			strcat(out, sep);
		strcat(out, words[lang][idx[i]]);
	}
	return out;
}

static void
fp_hex(const uint8_t *ent, size_t n, char out[9])
{
	uint8_t dg[32];
	int i;

	sha256(ent, n, dg);
	for (i = 0; i < 4; i++)
		snprintf(out + 2 * i, 3, "%02x", dg[i]);
}

static uint32_t rng_state = 12345;

static uint32_t
rng(void)
{
	rng_state = rng_state * 1103515245u + 12345u;
	return rng_state >> 8;
}

static void
test_lists(void **state)
{
	int l, i;

	(void)state;
	assert_int_equal(nlang, 8);
	for (l = 0; l < nlang; l++)
		for (i = 0; i < 2048; i++)
			assert_non_null(words[l][i]);
	l = lang_of("english");
	assert_string_equal(words[l][0], "abandon");
	assert_string_equal(words[l][2047], "zoo");
	lang_of("japanese");
	lang_of("korean");
	lang_of("spanish");
	lang_of("chinese_simplified");
	lang_of("chinese_traditional");
	lang_of("french");
	lang_of("italian");
}

static void
test_vectors(void **state)
{
	struct hits hs;
	uint8_t ent[32];
	char fp[9];

	(void)state;
	/* BIP39 test vectors: 00 x 16, ff x 32, 7f x 24. */
	assert_int_equal(scans("abandon abandon abandon abandon abandon abandon abandon abandon "
			       "abandon abandon abandon about\n",
			       &hs),
			 1);
	assert_string_equal(hs.h[0].detail, "12 words, english");
	assert_int_equal(hs.h[0].line, 1);
	assert_int_equal(hs.h[0].offset, 0);
	memset(ent, 0, 16);
	fp_hex(ent, 16, fp);
	assert_string_equal(hs.h[0].fingerprint, fp);
	assert_string_equal(fp, "374708ff");

	assert_int_equal(
	    scans("zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo "
		  "zoo zoo zoo zoo zoo vote",
		  &hs),
	    1);
	assert_string_equal(hs.h[0].detail, "24 words, english");
	memset(ent, 0xff, 32);
	fp_hex(ent, 32, fp);
	assert_string_equal(hs.h[0].fingerprint, fp);

	assert_int_equal(
	    scans("Seed backup\n\nlegal winner thank year wave sausage worth useful legal "
		  "winner thank year wave sausage worth useful legal will\n",
		  &hs),
	    1);
	assert_string_equal(hs.h[0].detail, "18 words, english");
	assert_int_equal(hs.h[0].line, 3);
	assert_int_equal(hs.h[0].offset, 13);

	/* The same with a bad checksum: twelve times "abandon". */
	assert_int_equal(scans("abandon abandon abandon abandon abandon abandon abandon abandon "
			       "abandon abandon abandon abandon\n",
			       &hs),
			 0);
}

static void
test_every_language_and_length(void **state)
{
	static const size_t sizes[] = {16, 20, 24, 28, 32};
	char *text = malloc(4096), expect[64], fp[9];
	struct hits hs;
	uint8_t ent[32];
	int idx[24], l, round;
	size_t si, i;

	(void)state;
	assert_non_null(text);
	for (l = 0; l < nlang; l++) {
		for (si = 0; si < 5; si++) {
			for (round = 0; round < 3; round++) {
				int m;
				for (i = 0; i < sizes[si]; i++)
					ent[i] = (uint8_t)rng();
				m = phrase_idx(ent, sizes[si], idx);
				phrase(l, idx, m,
				       strcmp(lang_name[l], "japanese") == 0 ? "\xe3\x80\x80" : " ",
				       text);
				strcat(text, "\n");
				assert_int_equal(scans(text, &hs), 1);
				snprintf(expect, sizeof(expect), "%d words, %s", m, lang_name[l]);
				if (strncmp(lang_name[l], "chinese", 7) == 0)
					assert_int_equal(strncmp(hs.h[0].detail, expect, 16), 0);
				else
					assert_string_equal(hs.h[0].detail, expect);
				fp_hex(ent, sizes[si], fp);
				assert_string_equal(hs.h[0].fingerprint, fp);
				assert_int_equal(hs.h[0].offset, 0);
				for (i = 0; i < (size_t)m; i++)
					assert_null(strstr(hs.h[0].detail, words[l][idx[i]]));
			}
		}
	}
	free(text);
}

/* NFC form of UTF-8 s (people type composed characters; the lists are NFKD). */
static char *
nfc(const char *s)
{
	UErrorCode e = U_ZERO_ERROR;
	const UNormalizer2 *n = unorm2_getNFCInstance(&e);
	UChar u[2048], v[2048];
	int32_t ul, vl, ol;
	char *out = malloc(8192);

	assert_false(U_FAILURE(e));
	u_strFromUTF8(u, 2048, &ul, s, -1, &e);
	vl = unorm2_normalize(n, u, ul, v, 2048, &e);
	u_strToUTF8(out, 8192, &ol, v, vl, &e);
	assert_false(U_FAILURE(e));
	return out;
}

static void
test_composed_forms(void **state)
{
	const char *langs[] = {"japanese", "korean", "spanish", "french"};
	char text[4096], *c;
	struct hits hs;
	uint8_t ent[16];
	int idx[24], m, k, i, tries;

	(void)state;
	for (k = 0; k < 4; k++) {
		int l = lang_of(langs[k]);
		/* Find a phrase that NFC changes, so that the test means something. */
		for (tries = 0; tries < 100; tries++) {
			for (i = 0; i < 16; i++)
				ent[i] = (uint8_t)rng();
			m = phrase_idx(ent, 16, idx);
			phrase(l, idx, m, k == 0 ? "\xe3\x80\x80" : " ", text);
			c = nfc(text);
			if (strcmp(c, text) != 0)
				break;
			free(c);
		}
		assert_true(tries < 100);
		assert_int_equal(scans(c, &hs), 1);
		assert_int_equal(strncmp(hs.h[0].detail, "12 words, ", 10), 0);
		assert_string_equal(hs.h[0].detail + 10, langs[k]);
		free(c);
	}
}

static void
test_formats(void **state)
{
	char text[4096], words12[1024], *p;
	struct hits hs;
	uint8_t ent[32];
	int idx[24], m, i, en = lang_of("english");

	(void)state;
	for (i = 0; i < 32; i++)
		ent[i] = (uint8_t)(i * 37 + 11);

	/* A numbered list of 24 under a heading. */
	m = phrase_idx(ent, 32, idx);
	strcpy(text, "# Recovery\n\n");
	for (i = 0; i < m; i++)
		sprintf(text + strlen(text), "%d. %s\n", i + 1, words[en][idx[i]]);
	assert_int_equal(scans(text, &hs), 1);
	assert_string_equal(hs.h[0].detail, "24 words, english");
	assert_int_equal(hs.h[0].line, 3);

	/* A bulleted list, a JSON array, capitalised words. */
	m = phrase_idx(ent, 16, idx);
	text[0] = '\0';
	for (i = 0; i < m; i++)
		sprintf(text + strlen(text), "- %s\n", words[en][idx[i]]);
	assert_int_equal(scans(text, &hs), 1);
	strcpy(text, "{\"words\": [");
	for (i = 0; i < m; i++)
		sprintf(text + strlen(text), "%s\"%s\"", i ? ", " : "", words[en][idx[i]]);
	strcat(text, "]}");
	assert_int_equal(scans(text, &hs), 1);
	phrase(en, idx, m, " ", words12);
	for (p = words12; *p; p++)
		if (p == words12 || p[-1] == ' ')
			*p = (char)(*p - 32);
	assert_int_equal(scans(words12, &hs), 1);

	/* In a JSON value followed by another list word ("path"). */
	m = phrase_idx(ent, 24, idx);
	snprintf(text, sizeof(text),
		 "{\"network\": \"mainnet\", \"mnemonic\": \"%s\", \"path\": \"m/44'/60'/0'/0/0\"}",
		 phrase(en, idx, m, " ", words12));
	assert_int_equal(scans(text, &hs), 1);
	assert_string_equal(hs.h[0].detail, "18 words, english");
	assert_int_equal(hs.h[0].offset, (size_t)(strstr(text, words12) - text));

	/* Inside chat prose, after a list word and a colon. */
	m = phrase_idx(ent, 16, idx);
	snprintf(text, sizeof(text),
		 "[10:01] bob: ready?\n[10:02] alice: ok here it is, don't share: %s\n"
		 "[10:03] bob: got it\n",
		 phrase(en, idx, m, " ", words12));
	assert_int_equal(scans(text, &hs), 1);
	assert_int_equal(hs.h[0].line, 2);
	assert_int_equal(hs.h[0].offset, (size_t)(strstr(text, words12) - text));

	/* Two list words glued in front still leave the phrase; three do not. */
	snprintf(text, sizeof(text), "zoo zoo %s", words12);
	assert_int_equal(scans(text, &hs), 1);
	/* Where the checksum also fits a window with "zoo", that window is as good. */
	assert_true(hs.h[0].offset == 0 || hs.h[0].offset == 4 || hs.h[0].offset == 8);
	snprintf(text, sizeof(text), "abandon abandon abandon %s", words12);
	assert_int_equal(scans(text, &hs), 0);
}

static void
test_decoys(void **state)
{
	char *text = malloc(200000), words12[1024], sep[8];
	struct hits hs;
	uint8_t ent[16];
	int idx[24], m, i, l, found;
	const char *lists[] = {"english", "chinese_simplified", "chinese_traditional", "japanese"};

	(void)state;
	assert_non_null(text);
	for (i = 0; i < 16; i++)
		ent[i] = (uint8_t)(i + 1);
	m = phrase_idx(ent, 16, idx);
	phrase(lang_of("english"), idx, m, " ", words12);
	assert_int_equal(scans(words12, &hs), 1);

	/* Glued into identifiers. */
	strcpy(text, words12);
	for (i = 0; text[i]; i++)
		if (text[i] == ' ')
			text[i] = '_';
	assert_int_equal(scans(text, &hs), 0);
	for (i = 0; text[i]; i++)
		if (text[i] == '_')
			text[i] = '-';
	assert_int_equal(scans(text, &hs), 0);
	/* Sentence punctuation between the words. */
	strcpy(text, words12);
	for (i = 0; text[i]; i++)
		if (text[i] == ' ')
			text[i] = ';';
	assert_int_equal(scans(text, &hs), 0);

	/* Inside a long run of list words (prose, a list): quiet. */
	snprintf(text, 200000, "%s %s %s",
		 "abandon ability able about above absent absorb abstract "
		 "absurd abuse access accident",
		 words12, "account accuse achieve acid acoustic");
	assert_int_equal(scans(text, &hs), 0);

	/* The word lists themselves, one word per line. */
	for (l = 0; l < 4; l++) {
		text[0] = '\0';
		for (i = 0; i < 2048; i++) {
			strcat(text, words[lang_of(lists[l])][i]);
			strcat(text, "\n");
		}
		assert_int_equal(scans(text, &hs), 0);
		/* And separated by spaces. */
		for (i = 0; text[i]; i++)
			if (text[i] == '\n')
				text[i] = ' ';
		assert_int_equal(scans(text, &hs), 0);
	}

	/* Prose made of list words, with the usual short words between them. */
	strcpy(text, "");
	for (i = 0; i < 20; i++)
		strcat(text, "The market opened early and every trader had a plan. Above all, the "
			     "risk desk must review the account balance and the daily limit before "
			     "any transfer. Please remember to lock the office door, turn off the "
			     "light and report any unusual activity to the security team. ");
	assert_int_equal(scans(text, &hs), 0);

	/* Random words pass the checksum about once in 16 (12 words). */
	found = 0;
	for (i = 0; i < 1600; i++) {
		int k;
		for (k = 0; k < 12; k++)
			idx[k] = (int)(rng() % 2048);
		phrase(lang_of("english"), idx, 12, " ", words12);
		snprintf(sep, sizeof(sep), "%s", "\n");
		strcat(words12, sep);
		found += scans(words12, &hs);
	}
	assert_true(found > 60 && found < 150);
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_lists),
	    cmocka_unit_test(test_vectors),
	    cmocka_unit_test(test_every_language_and_length),
	    cmocka_unit_test(test_composed_forms),
	    cmocka_unit_test(test_formats),
	    cmocka_unit_test(test_decoys),
	};

	return cmocka_run_group_tests(tests, load_lists, free_lists);
}
