/*
 * The classifier: reputation lookups of the host and each parent, then the
 * lookalike rules over the registrable label and the subdomain labels.
 *
 * Rules, in order of strength, for a brand token found in the label just
 * left of the public suffix (the "site label"):
 *   - the whole label is the token only after folding: confusable;
 *   - the whole label is the token with hyphens: hyphen insertion;
 *   - the whole label is the token: TLD swap (the official domains were
 *     already excluded);
 *   - the whole label is within the token's edit budget: bitsquat when the
 *     one differing character differs by one bit, else typo;
 *   - the token is part of the label: combosquat; misspelt and part of the
 *     label: typo (combined), only at a word boundary.
 * Everyday-word tokens ("gemini", "ledger") and very short ones ("okx")
 * count in a longer label only at a boundary with crypto context words,
 * which keeps capgemini.com and webdesignledger.com quiet.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ward/error.h"
#include "domain_internal.h"

static const char *const context_words[] = {
    "wallet",  "login",	   "signin",	 "support",  "help",	"airdrop",   "claim",	 "reward",
    "bonus",   "gift",	   "giveaway",	 "promo",    "dapp",	"connect",   "verify",	 "valid",
    "secure",  "official", "token",	 "nft",	     "crypto",	"defi",	     "swap",	 "bridge",
    "stake",   "staking",  "mint",	 "web3",     "restore", "recover",   "sync",	 "unlock",
    "account", "update",   "kyc",	 "exchange", "trade",	"bitcoin",   "ethereum", "coin",
    "live",    "app",	   "drop",	 "event",    "auth",	"portfolio", "btc",	 "eth",
    "usdt",    "card",	   "foundation", "network",  "labs",	"lend",	     "upgrade",	 "phrase",
    "seed",    "pad",	   "launch",	 "fund",     "pool",	"farm",	     "vault",	 "yield",
    "dao",     "hub",	   "www",	 "vip",	     "asset",	"first",     "fix",	 "check",
    "earn",    "refund",   "payout",	 NULL};

/* Suffix words glued to a misspelt brand ("tronllinkorg", "metamskio"). */
static const char *const suffix_words[] = {"org", "com", "net", "io", "ion", NULL};

const char *
ward_domain_verdict_name(enum ward_domain_verdict v)
{
	switch (v) {
	case WARD_VERDICT_NEW:
		return "new";
	case WARD_VERDICT_LOOKALIKE:
		return "lookalike";
	case WARD_VERDICT_BLOCKLISTED:
		return "blocklisted";
	case WARD_VERDICT_IOC:
		return "ioc";
	default:
		return "clean";
	}
}

static struct ward_domain_hit *
add_hit(struct ward_domain_result *r, const struct ward_check *c, const char *brand,
	const char *ref)
{
	struct ward_domain_hit *h;

	if (r->n_hits >= WARD_DOMAIN_MAX_HITS)
		return NULL;
	h = &r->hits[r->n_hits++];
	h->check = c;
	h->brand = brand;
	h->ref = ref;
	h->detail[0] = '\0';
	return h;
}

/*
 * The host and each parent down to the registrable domain, hashed once and
 * looked up in every list.
 */
struct parents {
	const char *s[WARD_DOMAIN_NAME_MAX / 2 + 1];
	size_t n[WARD_DOMAIN_NAME_MAX / 2 + 1];
	uint64_t h[WARD_DOMAIN_NAME_MAX / 2 + 1];
	size_t count;
};

static void
parents_init(struct parents *ps, const struct ward_domain_name *nm)
{
	const char *s = nm->ascii, *end = nm->ascii + nm->ascii_len;

	ps->count = 0;
	for (;;) {
		ps->s[ps->count] = s;
		ps->n[ps->count] = (size_t)(end - s);
		ps->h[ps->count] = ward_hash(s, (size_t)(end - s));
		ps->count++;
		if (s >= nm->registrable)
			return;
		s = memchr(s, '.', (size_t)(end - s));
		if (!s)
			return;
		s++;
	}
}

static int
lookup_parents(const struct ward_strmap *m, const struct parents *ps, uint32_t *val)
{
	size_t i;

	if (ward_strmap_count(m) == 0)
		return 0;
	for (i = 0; i < ps->count; i++)
		if (ward_strmap_get_hashed(m, ps->s[i], ps->n[i], ps->h[i], val))
			return 1;
	return 0;
}

/*
 * Whether a folded name holds a context word anywhere. Words are indexed by
 * their first letter once, so each position costs a couple of comparisons.
 */
static const char *const *ctx_by_letter[26];
static const char *ctx_folded[128]; /* context_words as the folded text spells them */
static pthread_once_t ctx_once = PTHREAD_ONCE_INIT;

static void
ctx_setup(void)
{
	static const char *table[26][24];
	static char folded[128][16];
	uint8_t map[FOLD_MAX];
	char tmp[FOLD_MAX];
	size_t i, k[26] = {0};
	int n;

	/* "earn" is matched against folded text, where rn reads m: fold the words too. */
	for (i = 0; context_words[i] && i < 127; i++) {
		n = fold_ascii(context_words[i], strlen(context_words[i]), tmp, map);
		if (n <= 0 || n >= 16)
			continue;
		memcpy(folded[i], tmp, (size_t)n);
		folded[i][n] = '\0';
		ctx_folded[i] = folded[i];
	}
	for (i = 0; ctx_folded[i]; i++) {
		int c = ctx_folded[i][0] - 'a';
		if (c >= 0 && c < 26 && k[c] < 23)
			table[c][k[c]++] = ctx_folded[i];
	}
	for (i = 0; i < 26; i++)
		ctx_by_letter[i] = table[i];
}

static int
has_context(const char *f, size_t n)
{
	size_t i, j;

	pthread_once(&ctx_once, ctx_setup);
	for (i = 0; i < n; i++) {
		const char *const *w;
		if (f[i] < 'a' || f[i] > 'z')
			continue;
		for (w = ctx_by_letter[f[i] - 'a']; *w; w++) {
			j = strlen(*w);
			if (j <= n - i && memcmp(f + i, *w, j) == 0)
				return 1;
		}
	}
	return 0;
}

/*
 * Whether the name holds a crypto context word outside one of its labels
 * (skip[0..skip_len) of nm->ascii): a brand spelt with a context word in it,
 * like mycrypto, does not supply its own context.
 */
static int
context_outside(const struct ward_domain_name *nm, const char *skip, size_t skip_len)
{
	char f[FOLD_MAX];
	uint8_t map[FOLD_MAX];
	size_t a = (size_t)(skip - nm->ascii), b = a + skip_len;
	int k;

	k = fold_ascii(nm->ascii, a, f, map);
	if (k > 0 && has_context(f, (size_t)k))
		return 1;
	k = fold_ascii(nm->ascii + b, nm->ascii_len - b, f, map);
	return k > 0 && has_context(f, (size_t)k);
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
is_sep(char c)
{
	return c == '-' || c == '_' || is_digit(c);
}

struct label {
	const char *raw; /* ASCII (A-label) text */
	size_t raw_len;
	const char *uni; /* Unicode text when the label is an IDN, else NULL */
	size_t uni_len;
	char f[FOLD_MAX];
	uint8_t map[FOLD_MAX];
	int flen;
};

/* raw[a-1] | raw[a] is a word boundary: a hyphen, or a digit next to a letter
 * (a run of digits like "50" in "50kxw" is one word with what follows). */
static int
sep_between(const struct label *l, size_t a)
{
	char x = l->raw[a - 1], y = a < l->raw_len ? l->raw[a] : '-';

	if (x == '-' || x == '_' || y == '-' || y == '_')
		return 1;
	return is_digit(x) != is_digit(y);
}

static int
fold_label(struct label *l)
{
	if (l->uni)
		l->flen = fold_utf8(l->uni, l->uni_len, l->f, l->map);
	else
		l->flen = fold_ascii(l->raw, l->raw_len, l->f, l->map);
	if (l->flen >= 0)
		l->f[l->flen] = '\0';
	return l->flen;
}

/* A context word ends at s[n-1] (left side) or starts at s[0] (right side). */
static int
word_at(const char *const *words, const char *s, size_t n, int at_end)
{
	size_t i, k;

	for (i = 0; words[i]; i++) {
		k = strlen(words[i]);
		if (k > n)
			continue;
		if (memcmp(at_end ? s + n - k : s, words[i], k) == 0)
			return 1;
	}
	return 0;
}

static int
context_at(const char *s, size_t n, int at_end)
{
	pthread_once(&ctx_once, ctx_setup);
	return word_at(ctx_folded, s, n, at_end);
}

/*
 * Word boundaries around a match: the label's edge, a hyphen or digit in the
 * raw text, or a context word written against the brand ("walletbinance",
 * "ledgerlive"); on the right a plural s counts too.
 */
static int
left_boundary(const struct label *l, const struct match *m)
{
	size_t at;

	if (m->start == 0 || l->uni)
		return 1;
	at = l->map[m->start];
	if (at == 0 || sep_between(l, at))
		return 1;
	return context_at(l->f, m->start, 1);
}

static int
right_boundary(const struct label *l, const struct match *m, int typo)
{
	size_t at;

	if (m->end >= l->flen || l->uni)
		return 1;
	at = l->map[m->end];
	if (at == 0 || sep_between(l, at))
		return 1;
	/* A plural s before the end or a hyphen ("arbitums-foundation"). */
	if (l->f[m->end] == 's' && (m->end + 1 == l->flen || sep_between(l, at + 1)))
		return 1;
	if (typo && word_at(suffix_words, l->f + m->end, (size_t)(l->flen - m->end), 0))
		return 1;
	return context_at(l->f + m->end, (size_t)(l->flen - m->end), 0);
}

/* The hyphen or underscore inside the raw text of a match, if any. */
static int
span_has_hyphen(const struct label *l, const struct match *m)
{
	size_t a, b;

	if (l->uni)
		return 0;
	a = l->map[m->start];
	b = m->end < l->flen ? l->map[m->end] : l->raw_len;
	while (b > a && (l->raw[b - 1] == '-' || l->raw[b - 1] == '_'))
		b--;
	return memchr(l->raw + a, '-', b - a) != NULL || memchr(l->raw + a, '_', b - a) != NULL;
}

/* Whether a match starts and ends at the label's edges or at hyphens/digits. */
static int
strict_edges(const struct label *l, const struct match *m)
{
	size_t a, b;

	if (l->uni)
		return 1;
	a = l->map[m->start];
	b = m->end < l->flen ? l->map[m->end] : l->raw_len;
	return (m->start == 0 || is_sep(l->raw[a - 1])) &&
	       (m->end >= l->flen || is_sep(l->raw[b - 1]) || is_sep(l->raw[b]));
}

/*
 * A misspelling is never an everyday word, and one spread over hyphenated
 * words must be those whole words ("wallets-connect", not "open-server").
 */
static int
plausible_typo(const struct ward_domain_db *db, const struct label *l, const struct match *m)
{
	if (ward_strmap_get(db->stop, l->f + m->start, (size_t)(m->end - m->start), NULL))
		return 0;
	return !span_has_hyphen(l, m) || strict_edges(l, m) ||
	       (left_boundary(l, m) && right_boundary(l, m, 1));
}

/* Whether the raw text of the match, hyphens aside, differs from the token as written. */
static int
fold_changed(const struct label *l, const struct match *m, const struct token *t)
{
	size_t a, b, i, k = 0, olen = strlen(t->orig);

	if (l->uni)
		return 1;
	a = l->map[m->start];
	b = m->end < l->flen ? l->map[m->end] : l->raw_len;
	for (i = a; i < b; i++) {
		if (l->raw[i] == '-' || l->raw[i] == '_')
			continue;
		if (k >= olen || l->raw[i] != t->orig[k])
			return 1;
		k++;
	}
	return k != olen;
}

static int
has_hyphen(const struct label *l)
{
	return memchr(l->raw, '-', l->raw_len) != NULL || memchr(l->raw, '_', l->raw_len) != NULL;
}

/* One differing character whose codes differ in exactly one bit. */
static int
bitsquat(const struct label *l, const struct token *t)
{
	size_t i, diff = 0;
	unsigned x = 0;

	if (l->uni || l->raw_len != strlen(t->orig))
		return 0;
	for (i = 0; i < l->raw_len; i++) {
		if (l->raw[i] != t->orig[i]) {
			diff++;
			x = (unsigned char)l->raw[i] ^ (unsigned char)t->orig[i];
		}
	}
	return diff == 1 && x && (x & (x - 1)) == 0;
}

struct verdict_candidate {
	const struct ward_check *check;
	int rank;
	const struct match *m;
};

static void
describe(struct ward_domain_hit *h, const struct label *l, const struct match *m,
	 const struct token *t)
{
	snprintf(h->detail, sizeof(h->detail), "%.*s~%.*s d=%u", (int)(m->end - m->start),
		 l->f + m->start, (int)t->len, t->text, (unsigned)m->dist);
}

static const char *
official_of(const struct ward_domain_db *db, uint16_t brand)
{
	const struct brand *b = &db->brands[brand];

	return b->n_official ? db->officials[b->first_official] : NULL;
}

/* The rule a match in the site label meets, with its rank (0: none). */
static const struct ward_check *
judge_match(const struct ward_domain_db *db, const struct label *l, const struct match *m,
	    int context, int *rank)
{
	const struct token *t = &db->tokens[m->token];
	int whole = m->start == 0 && m->end == l->flen;
	int lb = left_boundary(l, m), rb = right_boundary(l, m, m->dist > 0);

	/* context: outside this label; add what the label holds beside the match. */
	if (t->weak && !context)
		context = has_context(l->f, m->start) ||
			  has_context(l->f + m->end, (size_t)(l->flen - m->end));
	*rank = 0;
	if (m->dist == 0 && whole) {
		if (fold_changed(l, m, t))
			return *rank = 6, &ward_check_domain_confusable;
		if (has_hyphen(l))
			return *rank = 5, &ward_check_domain_hyphen;
		if (!t->weak || context)
			return *rank = 5, &ward_check_domain_tld_swap;
		return NULL;
	}
	if (m->dist == 0) {
		int ok = t->weak ? lb && rb : t->len <= 4 ? lb || rb : 1;
		if (!ok)
			return NULL;
		*rank = 3;
		return l->uni ? &ward_check_domain_confusable : &ward_check_domain_combo;
	}
	if (!plausible_typo(db, l, m))
		return NULL;
	if (whole) {
		/* "ledgr" alone is too little for an everyday word; a homoglyph is not. */
		if (t->weak && !context && !l->uni)
			return NULL;
		*rank = l->uni ? 6 : 4;
		if (l->uni)
			return &ward_check_domain_confusable;
		return bitsquat(l, t) ? &ward_check_domain_bitsquat : &ward_check_domain_typo;
	}
	/* Misspelt and combined with other words. Everyday-word brands need context
	 * or hyphens around them ("is-kralken"). */
	if (t->len < 6 || !(t->len >= 9 ? lb || rb : lb && rb))
		return NULL;
	if (t->weak && !context && !strict_edges(l, m))
		return NULL;
	*rank = 2;
	return l->uni ? &ward_check_domain_confusable : &ward_check_domain_typo;
}

/* Judges the matches in the site label; returns the strongest rule or NULL. */
static const struct ward_check *
judge_site(const struct ward_domain_db *db, const struct label *l, const struct match *ms, size_t n,
	   int context, struct match *best)
{
	const struct ward_check *out = NULL, *c;
	int out_rank = 0, rank;
	size_t i, e;

	for (i = 0; i < n; i++) {
		struct match m = ms[i];
		c = judge_match(db, l, &m, context, &rank);
		if (c && rank > out_rank)
			out = c, out_rank = rank, *best = m;
		/* Equally close spans that end elsewhere. */
		for (e = (size_t)m.end + 1; e < 64 && (ms[i].ends >> e) && e <= (size_t)l->flen;
		     e++) {
			if (!((ms[i].ends >> e) & 1))
				continue;
			m.end = (uint8_t)e;
			c = judge_match(db, l, &m, context, &rank);
			if (c && rank > out_rank)
				out = c, out_rank = rank, *best = m;
		}
	}
	return out;
}

/* The label after a brand label reads like its suffix: "ledger.com-client.email". */
static int
dotcom_next(const char *p, const char *end)
{
	static const char *const sfx[] = {"com", "net", "org", "io", "app", NULL};
	size_t i, k;

	for (i = 0; sfx[i]; i++) {
		k = strlen(sfx[i]);
		if ((size_t)(end - p) > k && memcmp(p, sfx[i], k) == 0 &&
		    (p[k] == '.' || p[k] == '-' || (p[k] >= '0' && p[k] <= '9')))
			return 1;
	}
	return 0;
}

static void
lookalike(const struct ward_domain_db *db, struct ward_domain_result *r)
{
	const struct ward_domain_name *nm = &r->name;
	struct label site, sub;
	struct match ms[MAX_MATCHES];
	struct match best;
	const struct ward_check *c;
	const char *reg = nm->registrable, *dot, *p, *uni, *uni_site = NULL;
	size_t n, nlabels_sub = 0, i;
	int context;

	if (!db->ac.next || nm->is_ip)
		return;
	dot = memchr(reg, '.', nm->registrable_len);
	if (!dot)
		return; /* a bare public suffix */
	/* Count subdomain labels to find the site label in the Unicode form. */
	for (p = nm->ascii; p < reg; p++)
		if (*p == '.')
			nlabels_sub++;
	uni = nm->unicode;
	for (i = 0; i < nlabels_sub && uni; i++) {
		uni = strchr(uni, '.');
		if (uni)
			uni++;
	}
	uni_site = uni;

	site.uni = NULL;
	site.uni_len = 0;
	site.raw = reg;
	site.raw_len = (size_t)(dot - reg);
	if (nm->has_idn && site.raw_len > 4 && memcmp(reg, "xn--", 4) == 0 && uni_site) {
		const char *ud = strchr(uni_site, '.');
		site.uni = uni_site;
		site.uni_len = ud ? (size_t)(ud - uni_site) : strlen(uni_site);
	}
	if (fold_label(&site) < 0)
		return;
	context = -1;

	n = index_find(db, site.f, (size_t)site.flen, ms, MAX_MATCHES);
	if (n) {
		context = context_outside(nm, site.raw, site.raw_len);
		c = judge_site(db, &site, ms, n, context, &best);
		if (c) {
			const struct token *t = &db->tokens[best.token];
			struct ward_domain_hit *h =
			    add_hit(r, c, db->brands[t->brand].id, official_of(db, t->brand));
			if (h)
				describe(h, &site, &best, t);
			return;
		}
	}
	/* Brand in a subdomain label of an unrelated site. */
	p = nm->ascii;
	uni = nm->unicode;
	while (p < reg) {
		const char *e = memchr(p, '.', (size_t)(reg - p));
		const char *ue = uni ? strchr(uni, '.') : NULL;
		size_t k;
		if (!e)
			break;
		sub.uni = NULL;
		sub.uni_len = 0;
		sub.raw = p;
		sub.raw_len = (size_t)(e - p);
		if (nm->has_idn && sub.raw_len > 4 && memcmp(p, "xn--", 4) == 0 && uni && ue) {
			sub.uni = uni;
			sub.uni_len = (size_t)(ue - uni);
		}
		if (fold_label(&sub) > 0 &&
		    (n = index_find(db, sub.f, (size_t)sub.flen, ms, MAX_MATCHES)) > 0) {
			context = context_outside(nm, sub.raw, sub.raw_len);
			for (k = 0; k < n; k++) {
				const struct match *m = &ms[k];
				const struct token *t = &db->tokens[m->token];
				int whole = m->start == 0 && m->end == sub.flen;
				int ok;
				if (m->dist == 0 && t->weak)
					ok = (context ||
					      (whole &&
					       dotcom_next(e + 1, nm->ascii + nm->ascii_len))) &&
					     (whole || (left_boundary(&sub, m) &&
							right_boundary(&sub, m, 0)));
				else if (m->dist == 0)
					ok = t->len > 4 || left_boundary(&sub, m) ||
					     right_boundary(&sub, m, 0);
				else
					ok = whole && t->len >= 6 && (!t->weak || context) &&
					     plausible_typo(db, &sub, m);
				if (ok) {
					struct ward_domain_hit *h = add_hit(
					    r, &ward_check_domain_subdomain,
					    db->brands[t->brand].id, official_of(db, t->brand));
					if (h)
						describe(h, &sub, m, t);
					return;
				}
			}
		}
		p = e + 1;
		uni = ue ? ue + 1 : NULL;
	}
}

int
ward_domain_classify(const struct ward_domain_db *db, const uint8_t *p, size_t n,
		     struct ward_domain_result *r)
{
	struct parents ps;
	uint32_t v;
	int rc;
	size_t i;

	r->verdict = WARD_VERDICT_CLEAN;
	r->official = r->allowlisted = 0;
	r->score = 0;
	r->n_hits = 0;
	rc = ward_domain_name_parse(p, n, &r->name);
	if (rc < 0)
		return rc;
	parents_init(&ps, &r->name);
	if (lookup_parents(db->official, &ps, &v))
		r->official = 1;
	if (lookup_parents(db->lists[WARD_DOMAIN_ALLOW], &ps, &v))
		r->allowlisted = 1;
	if (lookup_parents(db->lists[WARD_DOMAIN_IOC], &ps, &v))
		add_hit(r, &ward_check_domain_ioc, NULL, v < db->n_refs ? db->refs[v] : NULL);
	if (!r->official && !r->allowlisted) {
		if (lookup_parents(db->lists[WARD_DOMAIN_BLOCK], &ps, &v))
			add_hit(r, &ward_check_domain_blocklist, NULL,
				v < db->n_refs ? db->refs[v] : NULL);
		if (lookup_parents(db->lists[WARD_DOMAIN_NRD], &ps, &v)) {
			long today = db->nrd_today;
			long age;
			if (today < 0) {
				time_t now = time(NULL);
				today = (long)(now / 86400);
			}
			age = today - (long)v;
			if (age >= 0 && age <= db->nrd_max_age) {
				struct ward_domain_hit *h =
				    add_hit(r, &ward_check_domain_new, NULL, NULL);
				if (h)
					snprintf(h->detail, sizeof(h->detail), "%ld", age);
			}
		}
		if (r->name.idn_invalid) {
			struct ward_domain_hit *h =
			    add_hit(r, &ward_check_domain_idn_invalid, NULL, NULL);
			if (h)
				snprintf(h->detail, sizeof(h->detail), "%.80s", r->name.unicode);
		}
		lookalike(db, r);
	}
	for (i = 0; i < r->n_hits; i++) {
		const struct ward_check *c = r->hits[i].check;
		enum ward_domain_verdict v2 = WARD_VERDICT_LOOKALIKE;
		if (c == &ward_check_domain_ioc)
			v2 = WARD_VERDICT_IOC;
		else if (c == &ward_check_domain_blocklist)
			v2 = WARD_VERDICT_BLOCKLISTED;
		else if (c == &ward_check_domain_new)
			v2 = WARD_VERDICT_NEW;
		if (v2 > r->verdict)
			r->verdict = v2;
		if (r->hits[i].check->score > r->score)
			r->score = r->hits[i].check->score;
	}
	return 0;
}

int
ward_domain_brand_word(const struct ward_domain_db *db, const char *word, size_t n, int *weak,
		       const char **brand_id)
{
	char folded[FOLD_MAX];
	uint8_t map[FOLD_MAX];
	uint32_t t;
	int len;

	if (!db->built || n == 0 || n >= 64)
		return 0;
	len = fold_ascii(word, n, folded, map);
	if (len <= 0 || !ward_strmap_get(db->token_set, folded, (size_t)len, &t) ||
	    t >= db->n_tokens)
		return 0;
	if (weak)
		*weak = db->tokens[t].weak;
	if (brand_id)
		*brand_id = db->brands[db->tokens[t].brand].id;
	return db->tokens[t].brand + 1;
}

int
ward_domain_is_official_of(const struct ward_domain_db *db, const char *host, const char *brand_id)
{
	struct ward_domain_name name;
	struct parents ps;
	uint32_t v;

	if (ward_domain_name_parse((const uint8_t *)host, strlen(host), &name) < 0)
		return 0;
	parents_init(&ps, &name);
	return lookup_parents(db->official, &ps, &v) && v < db->n_brands &&
	       strcmp(db->brands[v].id, brand_id) == 0;
}
