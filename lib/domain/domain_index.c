/*
 * The lookalike index. Brand tokens are found in a folded label with one
 * Aho-Corasick pass over an automaton holding every whole token (exact
 * matches: combosquats, TLD swaps, homoglyphs) and the pieces of every token
 * long enough to be misspelt. By the pigeonhole principle a token within k
 * edits of part of the label leaves one of its k+1 pieces intact (two of
 * k+2), so piece hits name the only tokens worth verifying; verification is
 * an anchored comparison for one edit and a small semi-global edit distance
 * (Sellers) around the hits for two. No name is ever
 * compared with every brand.
 */
#include <stdlib.h>
#include <string.h>

#include "ward/error.h"
#include "domain_internal.h"

int
typo_budget(size_t len)
{
	/* Five letters leave too many real words one edit away (upbit/uppit). */
	if (len < 6)
		return 0;
	if (len < 10)
		return 1;
	return 2;
}

static int
add_pattern(struct ward_domain_db *db, size_t *cap, uint16_t tok, uint8_t off, uint8_t len,
	    uint8_t whole)
{
	if (db->n_patterns == *cap) {
		size_t ncap = *cap ? *cap * 2 : 256;
		struct pattern *p = realloc(db->patterns, ncap * sizeof(*p));
		if (!p)
			return WARD_ENOMEM;
		db->patterns = p;
		*cap = ncap;
	}
	db->patterns[db->n_patterns].token = tok;
	db->patterns[db->n_patterns].offset = off;
	db->patterns[db->n_patterns].len = len;
	db->patterns[db->n_patterns].whole = whole;
	db->n_patterns++;
	return 0;
}

void
index_free(struct ward_domain_db *db)
{
	free(db->ac.next);
	free(db->ac.out);
	free(db->ac.out_next);
	free(db->ac.out_pat);
	free(db->patterns);
	memset(&db->ac, 0, sizeof(db->ac));
	db->patterns = NULL;
	db->n_patterns = 0;
}

static int
add_out(struct ac *ac, size_t *cap, int32_t state, uint16_t pat)
{
	if (ac->n_out == *cap) {
		size_t ncap = *cap ? *cap * 2 : 256;
		int32_t *n = realloc(ac->out_next, ncap * sizeof(*n));
		uint16_t *p;
		if (!n)
			return WARD_ENOMEM;
		ac->out_next = n;
		p = realloc(ac->out_pat, ncap * sizeof(*p));
		if (!p)
			return WARD_ENOMEM;
		ac->out_pat = p;
		*cap = ncap;
	}
	ac->out_pat[ac->n_out] = pat;
	ac->out_next[ac->n_out] = ac->out[state];
	ac->out[state] = (int32_t)ac->n_out;
	ac->n_out++;
	return 0;
}

int
index_build(struct ward_domain_db *db)
{
	struct ac *ac = &db->ac;
	size_t pcap = 0, ocap = 0, max_states = 1, i, j, head, tail;
	int32_t *fail = NULL, *queue = NULL;
	int rc = WARD_ENOMEM;

	index_free(db);
	for (i = 0; i < db->n_tokens; i++) {
		const struct token *t = &db->tokens[i];
		int k = t->budget;
		if (add_pattern(db, &pcap, (uint16_t)i, 0, t->len, 1) < 0)
			return WARD_ENOMEM;
		max_states += t->len;
		/* k+1 pieces for one edit; k+2 for two, of which two must be found
		 * intact and in place before the costlier verification runs. */
		size_t np = k > 1 ? (size_t)k + 2 : (size_t)k + 1;
		for (j = 0; k > 0 && j < np; j++) {
			size_t a = j * t->len / np, b = (j + 1) * t->len / np;
			if (add_pattern(db, &pcap, (uint16_t)i, (uint8_t)a, (uint8_t)(b - a), 0) <
			    0)
				return WARD_ENOMEM;
			max_states += b - a;
		}
	}
	ac->next = malloc(max_states * FOLD_SYMBOLS * sizeof(int32_t));
	ac->out = malloc(max_states * sizeof(int32_t));
	fail = calloc(max_states, sizeof(int32_t));
	queue = malloc(max_states * sizeof(int32_t));
	if (!ac->next || !ac->out || !fail || !queue)
		goto out;
	for (i = 0; i < max_states * FOLD_SYMBOLS; i++)
		ac->next[i] = -1;
	for (i = 0; i < max_states; i++)
		ac->out[i] = -1;
	ac->n_states = 1;
	/* Trie. */
	for (i = 0; i < db->n_patterns; i++) {
		const struct pattern *p = &db->patterns[i];
		const char *s = db->tokens[p->token].text + p->offset;
		int32_t st = 0;
		for (j = 0; j < p->len; j++) {
			int sym = fold_symbol(s[j]);
			if (ac->next[st * FOLD_SYMBOLS + sym] < 0)
				ac->next[st * FOLD_SYMBOLS + sym] = (int32_t)ac->n_states++;
			st = ac->next[st * FOLD_SYMBOLS + sym];
		}
		if (add_out(ac, &ocap, st, (uint16_t)i) < 0)
			goto out;
	}
	/* Failure links by breadth-first order, turned into a full goto table. */
	head = tail = 0;
	for (j = 0; j < FOLD_SYMBOLS; j++) {
		int32_t s = ac->next[j];
		if (s < 0) {
			ac->next[j] = 0;
		} else {
			fail[s] = 0;
			queue[tail++] = s;
		}
	}
	while (head < tail) {
		int32_t r = queue[head++];
		int32_t e;
		/* Inherit the outputs of the failure state. */
		for (e = ac->out[fail[r]]; e >= 0; e = ac->out_next[e])
			if (add_out(ac, &ocap, r, ac->out_pat[e]) < 0)
				goto out;
		for (j = 0; j < FOLD_SYMBOLS; j++) {
			int32_t s = ac->next[r * FOLD_SYMBOLS + j];
			if (s < 0) {
				ac->next[r * FOLD_SYMBOLS + j] =
				    ac->next[fail[r] * FOLD_SYMBOLS + j];
			} else {
				fail[s] = ac->next[fail[r] * FOLD_SYMBOLS + j];
				queue[tail++] = s;
			}
		}
	}
	rc = 0;
out:
	free(fail);
	free(queue);
	return rc;
}

/*
 * Best occurrence of token t inside s[lo..hi) with at most k edits
 * (insertions, deletions, substitutions and adjacent transpositions, i.e.
 * optimal string alignment): the token must be used whole, the text may
 * start and end anywhere. Returns the distance (or k+1) and the span.
 * Values are capped at k+1 and, as in Ukkonen's cut-off, only rows up to
 * one below the last row within k are computed: a column costs O(k), not
 * O(m), on text that does not match.
 */
static int
sellers(const char *t, size_t m, const char *s, size_t lo, size_t hi, int k, size_t *start,
	size_t *end, uint64_t *ends)
{
	int c0[64], c1[64], c2[64], s0[64], s1[64], s2[64];
	int *pp = c0, *prev = c1, *cur = c2, *spp = s0, *sprev = s1, *scur = s2, *tmp;
	const int cap = k + 1;
	size_t i, j, lact, top, h_pp = m, h_prev = m, h_cur = m, h_tmp;
	int best = cap;

	if (m >= 64)
		return cap;
	for (i = 0; i <= m; i++) {
		prev[i] = pp[i] = cur[i] = (int)i < cap ? (int)i : cap;
		sprev[i] = spp[i] = scur[i] = (int)lo;
	}
	lact = (size_t)k < m ? (size_t)k : m;
	for (j = lo; j < hi; j++) {
		top = lact + 1 < m ? lact + 1 : m;
		cur[0] = 0;
		scur[0] = (int)j + 1;
		lact = 0;
		for (i = 1; i <= top; i++) {
			int v = prev[i - 1] + (t[i - 1] != s[j]), vs = sprev[i - 1];
			if (cur[i - 1] + 1 < v) {
				v = cur[i - 1] + 1;
				vs = scur[i - 1];
			}
			if (prev[i] + 1 < v) {
				v = prev[i] + 1;
				vs = sprev[i];
			}
			if (i > 1 && j > lo && t[i - 1] == s[j - 1] && t[i - 2] == s[j] &&
			    pp[i - 2] + 1 < v) {
				v = pp[i - 2] + 1;
				vs = spp[i - 2];
			}
			if (v > cap)
				v = cap;
			cur[i] = v;
			scur[i] = vs;
			if (v <= k)
				lact = i;
		}
		/* Rows past the cut-off are out of reach: cap what this buffer last held. */
		for (; i <= h_cur; i++)
			cur[i] = cap;
		h_cur = top;
		if (top == m && cur[m] < best) {
			best = cur[m];
			*start = (size_t)scur[m];
			*end = j + 1;
			*ends = 0;
		} else if (top == m && cur[m] == best && best <= k && (size_t)scur[m] == *start &&
			   j + 1 < 64) {
			/* As good with a longer span: the classifier picks the end that
			 * falls on a word boundary ("arbitrun|claim", not "arbitru|nclaim"). */
			*ends |= 1ull << (j + 1);
		}
		tmp = pp, pp = prev, prev = cur, cur = tmp;
		tmp = spp, spp = sprev, sprev = scur, scur = tmp;
		h_tmp = h_pp, h_pp = h_prev, h_prev = h_cur, h_cur = h_tmp;
	}
	return best;
}

/* Edit distance of t (length m) and s (length len), when it is at most 1; else 2. */
static int
within1(const char *t, size_t m, const char *s, size_t len)
{
	size_t i = 0;

	while (i < m && i < len && t[i] == s[i])
		i++;
	if (len == m) {
		if (i == m)
			return 0;
		if (memcmp(t + i + 1, s + i + 1, m - i - 1) == 0)
			return 1; /* substitution */
		if (i + 1 < m && t[i] == s[i + 1] && t[i + 1] == s[i] &&
		    memcmp(t + i + 2, s + i + 2, m - i - 2) == 0)
			return 1; /* transposition */
		return 2;
	}
	if (len == m + 1)
		return memcmp(t + i, s + i + 1, m - i) == 0 ? 1 : 2; /* insertion */
	if (len + 1 == m)
		return memcmp(t + i + 1, s + i, m - i - 1) == 0 ? 1 : 2; /* deletion */
	return 2;
}

/*
 * The k = 1 case of sellers(), anchored: with one piece found intact, the
 * token starts within one character of where the piece puts it, so nine
 * linear comparisons replace the dynamic programme. Same contract.
 */
static int
anchored1(const char *t, size_t m, const char *s, size_t n, long anchor, size_t *start, size_t *end,
	  uint64_t *ends)
{
	static const long shifts[3] = {0, -1, 1}; /* the anchor itself wins ties */
	size_t len, si;
	int best = 2;

	for (si = 0; si < 3; si++) {
		long a = anchor + shifts[si];
		if (a < 0 || (size_t)a >= n)
			continue;
		for (len = m - 1; len <= m + 1; len++) {
			size_t e = (size_t)a + len;
			int d;
			if (e > n)
				break;
			d = within1(t, m, s + a, len);
			if (d > 1)
				continue;
			if (d < best || (d == best && e < *end)) {
				if (d == best && (size_t)a == *start && *end < 64)
					*ends |= 1ull << *end;
				else if (d < best || (size_t)a != *start)
					*ends = 0;
				best = d;
				*start = (size_t)a;
				*end = e;
			} else if (d == best && (size_t)a == *start && e < 64) {
				*ends |= 1ull << e;
			}
		}
	}
	return best;
}

static size_t
push(struct match *out, size_t n, size_t max, uint16_t tok, size_t s, size_t e, int d)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (out[i].token != tok)
			continue;
		/* Keep the better of two matches of one token. */
		if (d < out[i].dist ||
		    (d == out[i].dist && e - s > (size_t)(out[i].end - out[i].start))) {
			out[i].start = (uint8_t)s;
			out[i].end = (uint8_t)e;
			out[i].dist = (uint8_t)d;
		}
		return n;
	}
	if (n >= max)
		return n;
	out[n].token = tok;
	out[n].start = (uint8_t)s;
	out[n].end = (uint8_t)e;
	out[n].dist = (uint8_t)d;
	out[n].ends = 0;
	return n + 1;
}

struct piece_hit {
	uint16_t token;
	uint8_t offset;
	long start; /* where the hit puts the token's start */
};

/*
 * With k edits and k+2 pieces, two pieces survive: a token is worth
 * verifying once a second piece lands within k of where a first one put it.
 */
static int
second_piece(struct piece_hit *seen, size_t *n_seen, const struct pattern *p, long start, int k)
{
	size_t i;

	for (i = 0; i < *n_seen; i++)
		if (seen[i].token == p->token && seen[i].offset != p->offset &&
		    labs(seen[i].start - start) <= k)
			return 1;
	if (*n_seen < 32) {
		seen[*n_seen].token = p->token;
		seen[*n_seen].offset = p->offset;
		seen[*n_seen].start = start;
		(*n_seen)++;
	}
	return 0;
}

size_t
index_find(const struct ward_domain_db *db, const char *s, size_t n, struct match *out, size_t max)
{
	const struct ac *ac = &db->ac;
	int32_t st = 0;
	size_t i, found = 0;
	/* Tokens already verified for this label (few: a label is short). */
	uint16_t tried[32];
	size_t n_tried = 0;
	struct piece_hit seen[32];
	size_t n_seen = 0;

	if (!ac->next || n >= FOLD_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		int32_t e;
		st = ac->next[st * FOLD_SYMBOLS + fold_symbol(s[i])];
		for (e = ac->out[st]; e >= 0; e = ac->out_next[e]) {
			const struct pattern *p = &db->patterns[ac->out_pat[e]];
			const struct token *t = &db->tokens[p->token];
			size_t pstart = i + 1 - p->len, lo, hi, ms = 0, me = 0, k;
			uint64_t alt = 0;
			int k_budget, d;
			if (p->whole) {
				found = push(out, found, max, p->token, pstart, i + 1, 0);
				continue;
			}
			for (k = 0; k < n_tried; k++)
				if (tried[k] == p->token)
					break;
			if (k < n_tried)
				continue;
			k_budget = t->budget;
			if (k_budget > 1 && !second_piece(seen, &n_seen, p,
							  (long)pstart - (long)p->offset, k_budget))
				continue;
			if (n_tried < 32)
				tried[n_tried++] = p->token;
			if (n + (size_t)k_budget < t->len)
				continue; /* the label is too short to hold the token */
			lo = pstart >= p->offset + (size_t)k_budget
				 ? pstart - p->offset - (size_t)k_budget
				 : 0;
			hi = pstart - p->offset + t->len + (size_t)k_budget;
			if (pstart < p->offset)
				hi = t->len + (size_t)k_budget;
			if (hi > n)
				hi = n;
			if (k_budget == 1)
				d = anchored1(t->text, t->len, s, n, (long)pstart - (long)p->offset,
					      &ms, &me, &alt);
			else
				d = sellers(t->text, t->len, s, lo, hi, k_budget, &ms, &me, &alt);
			if (d >= 1 && d <= k_budget) {
				size_t before = found;
				found = push(out, found, max, p->token, ms, me, d);
				if (found > before)
					out[found - 1].ends = alt;
			}
		}
	}
	return found;
}
