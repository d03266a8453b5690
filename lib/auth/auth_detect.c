/*
 * Login attack detection on log time. State is kept per source address:
 * its failures and successes, and per account it tried, the times of its
 * last failures. From that:
 *   - brute force: >= brute_failures failures, one source, one account,
 *     within brute_window (found as the events arrive);
 *   - success after failures: a success from a source with >= saf_failures
 *     failures, or failures on >= 3 accounts, within saf_window;
 *   - password spraying: one source failing on >= spray_accounts accounts
 *     with few tries each; credential stuffing when at least three such
 *     sources (five accounts will do) work at the same time and a good
 *     share of their accounts does not exist (combo lists from other
 *     breaches, tried through a proxy pool); invalid-user enumeration when
 *     nearly none of the accounts exists;
 *   - distributed spraying: many sources, each failing once or twice and
 *     never succeeding, against many existing accounts within dist_window.
 * The last three are judged when a source is retired (expired to bound
 * memory) or at flush. Benign users who mistype a few times and then log
 * in never meet these thresholds.
 */
#include <stdlib.h>
#include <string.h>

#include "ward/auth.h"
#include "ward/error.h"
#include "ward/strmap.h"

extern const struct ward_check ward_check_auth_brute;
extern const struct ward_check ward_check_auth_spray;
extern const struct ward_check ward_check_auth_distributed;
extern const struct ward_check ward_check_auth_stuffing;
extern const struct ward_check ward_check_auth_enumeration;
extern const struct ward_check ward_check_auth_success_after_failures;

#define RING 16 /* recent failure times kept per account and per source */
#define MAX_USERS_PER_SRC 4096
#define MAX_CANDIDATES 1000000

struct uent {
	uint32_t user;
	unsigned fails, invalid;
	double first, last;
	double ring[RING];
	unsigned ring_n;
	int brute_alerted;
	size_t brute_alert;    /* index of its alert, kept up to date until handed out */
	uint64_t brute_serial; /* ... while the alert there has this serial */
};

struct src {
	char ip[WARD_AUTH_ADDR_MAX];
	double first, last;
	unsigned fails, succ, invalid;
	struct uent *users;
	size_t n_users, cap_users;
	double ring[RING]; /* recent failure times, any account */
	unsigned ring_n;
	int saf_alerted;
};

struct alert {
	uint64_t serial; /* unique for the detector's life */
	enum ward_auth_kind kind;
	double first, last;
	unsigned attempts;
	char **sources;
	size_t n_sources;
	uint32_t *users;
	size_t n_users;
};

struct candidate { /* a source that failed once or twice and never got in */
	double time;
	char ip[WARD_AUTH_ADDR_MAX];
	uint32_t users[2];
	unsigned n_users, invalid;
};

struct ward_auth_detector {
	struct ward_auth_thresholds t;
	struct ward_strmap *src_index; /* ip -> index in srcs */
	struct src *srcs;
	size_t n_srcs, cap_srcs;
	struct ward_strmap *user_index; /* user -> id */
	char **users;
	size_t n_user_names, cap_user_names;
	struct alert *alerts;
	size_t n_alerts, cap_alerts;
	struct candidate *cands;
	size_t n_cands, cap_cands;
	double now;
	uint64_t serial;
};

void
ward_auth_thresholds_default(struct ward_auth_thresholds *t)
{
	t->brute_failures = 10;
	t->brute_window = 3600;
	t->spray_accounts = 10;
	t->spray_window = 86400;
	t->spray_max_per_account = 3;
	t->dist_sources = 20;
	t->dist_accounts = 20;
	t->dist_window = 2 * 86400;
	t->stuffing_accounts = 5;
	t->stuffing_invalid_share = 0.3;
	t->enum_invalid = 10;
	t->saf_failures = 10;
	t->saf_window = 3600;
	t->max_sources = 250000;
}

struct ward_auth_detector *
ward_auth_detector_new(const struct ward_auth_thresholds *t)
{
	struct ward_auth_detector *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	if (t)
		d->t = *t;
	else
		ward_auth_thresholds_default(&d->t);
	if (d->t.brute_failures > RING)
		d->t.brute_failures = RING;
	if (d->t.saf_failures > RING)
		d->t.saf_failures = RING;
	d->src_index = ward_strmap_new();
	d->user_index = ward_strmap_new();
	if (!d->src_index || !d->user_index) {
		ward_auth_detector_free(d);
		return NULL;
	}
	return d;
}

static void
alert_free(struct alert *a)
{
	size_t i;

	for (i = 0; i < a->n_sources; i++)
		free(a->sources[i]);
	free(a->sources);
	free(a->users);
}

void
ward_auth_detector_free(struct ward_auth_detector *d)
{
	size_t i;

	if (!d)
		return;
	for (i = 0; i < d->n_srcs; i++)
		free(d->srcs[i].users);
	free(d->srcs);
	for (i = 0; i < d->n_user_names; i++)
		free(d->users[i]);
	free(d->users);
	for (i = 0; i < d->n_alerts; i++)
		alert_free(&d->alerts[i]);
	free(d->alerts);
	free(d->cands);
	ward_strmap_free(d->src_index);
	ward_strmap_free(d->user_index);
	free(d);
}

static int
grow(void **p, size_t *cap, size_t need, size_t size)
{
	size_t ncap;
	void *np;

	if (need <= *cap)
		return 0;
	ncap = *cap ? *cap * 2 : (size > 128 ? 1 : 64); /* big records start one at a time */
	while (ncap < need)
		ncap *= 2;
	np = realloc(*p, ncap * size);
	if (!np)
		return WARD_ENOMEM;
	*p = np;
	*cap = ncap;
	return 0;
}

static int
intern_user(struct ward_auth_detector *d, const char *u, uint32_t *id)
{
	size_t n = strlen(u);
	int rc;

	if (ward_strmap_get(d->user_index, u, n, id))
		return 0;
	if ((rc = grow((void **)&d->users, &d->cap_user_names, d->n_user_names + 1,
		       sizeof(*d->users))) < 0)
		return rc;
	if (!(d->users[d->n_user_names] = strdup(u)))
		return WARD_ENOMEM;
	*id = (uint32_t)d->n_user_names;
	if ((rc = ward_strmap_put(d->user_index, u, n, *id)) < 0) {
		free(d->users[d->n_user_names]);
		return rc;
	}
	d->n_user_names++;
	return 0;
}

static struct alert *
new_alert(struct ward_auth_detector *d, enum ward_auth_kind kind, double first, double last,
	  unsigned attempts)
{
	struct alert *a;

	if (grow((void **)&d->alerts, &d->cap_alerts, d->n_alerts + 1, sizeof(*d->alerts)) < 0)
		return NULL;
	a = &d->alerts[d->n_alerts++];
	memset(a, 0, sizeof(*a));
	a->serial = ++d->serial;
	a->kind = kind;
	a->first = first;
	a->last = last;
	a->attempts = attempts;
	return a;
}

/* Evidence lists stop here; attempts still count everything. */
#define ALERT_MAX_ITEMS 1000

static int
alert_source(struct alert *a, const char *ip)
{
	char **s;

	if (a->n_sources >= ALERT_MAX_ITEMS)
		return 0;
	s = realloc(a->sources, (a->n_sources + 1) * sizeof(*s));
	if (!s)
		return WARD_ENOMEM;
	a->sources = s;
	if (!(s[a->n_sources] = strdup(ip)))
		return WARD_ENOMEM;
	a->n_sources++;
	return 0;
}

static int
alert_user(struct alert *a, uint32_t user)
{
	uint32_t *u;
	size_t i;

	if (a->n_users >= ALERT_MAX_ITEMS)
		return 0;
	for (i = 0; i < a->n_users; i++)
		if (a->users[i] == user)
			return 0;
	u = realloc(a->users, (a->n_users + 1) * sizeof(*u));
	if (!u)
		return WARD_ENOMEM;
	a->users = u;
	u[a->n_users++] = user;
	return 0;
}

/* Failures in ring (newest last) at or after since. */
static unsigned
ring_since(const double *ring, unsigned n, double since)
{
	unsigned i, k = 0, have = n < RING ? n : RING;

	for (i = 0; i < have; i++)
		if (ring[i] >= since)
			k++;
	return k;
}

static void
ring_push(double *ring, unsigned *n, double t)
{
	ring[*n % RING] = t;
	(*n)++;
}

static struct uent *
src_user(struct src *s, uint32_t user)
{
	size_t i;

	for (i = s->n_users; i-- > 0;)
		if (s->users[i].user == user)
			return &s->users[i];
	if (s->n_users >= MAX_USERS_PER_SRC)
		return NULL;
	if (grow((void **)&s->users, &s->cap_users, s->n_users + 1, sizeof(*s->users)) < 0)
		return NULL;
	memset(&s->users[s->n_users], 0, sizeof(*s->users));
	s->users[s->n_users].user = user;
	return &s->users[s->n_users++];
}

/* Judges a source whose activity is over: spray, stuffing, enumeration, or a
 * candidate for distributed spraying. */
static int
retire(struct ward_auth_detector *d, struct src *s)
{
	const struct ward_auth_thresholds *t = &d->t;
	size_t i, n_invalid_users = 0;
	double per_account, share;
	struct alert *a;
	int rc = 0;

	if (s->fails == 0)
		return 0;
	for (i = 0; i < s->n_users; i++)
		if (s->users[i].invalid)
			n_invalid_users++;
	per_account = s->n_users ? (double)s->fails / (double)s->n_users : 0;
	share = s->n_users ? (double)n_invalid_users / (double)s->n_users : 0;
	if (s->succ == 0 && s->fails <= 2 && s->ip[0]) {
		struct candidate *c;
		if (d->n_cands < MAX_CANDIDATES && grow((void **)&d->cands, &d->cap_cands,
							d->n_cands + 1, sizeof(*d->cands)) == 0) {
			c = &d->cands[d->n_cands++];
			c->time = s->first;
			memcpy(c->ip, s->ip, sizeof(c->ip));
			c->n_users = s->n_users < 2 ? (unsigned)s->n_users : 2;
			for (i = 0; i < c->n_users; i++)
				c->users[i] = s->users[i].user;
			c->invalid = s->invalid ? 1 : 0;
		}
		return 0;
	}
	if (per_account > t->spray_max_per_account || s->last - s->first > t->spray_window)
		return 0;
	if (s->n_users >= t->enum_invalid && share >= 0.9) {
		/* A bot trying names that do not exist: reported as both. */
		if (!(a = new_alert(d, WARD_AUTH_ENUMERATION, s->first, s->last, s->fails)))
			return WARD_ENOMEM;
		rc = alert_source(a, s->ip);
		for (i = 0; i < s->n_users && rc == 0; i++)
			rc = alert_user(a, s->users[i].user);
		if (rc < 0 || s->n_users < t->spray_accounts)
			return rc;
	}
	if (s->n_users >= t->spray_accounts ||
	    (s->n_users >= t->stuffing_accounts && share >= t->stuffing_invalid_share &&
	     share < 0.9 && per_account <= 1.5)) {
		enum ward_auth_kind k = share >= t->stuffing_invalid_share && share < 0.9
					    ? WARD_AUTH_CREDENTIAL_STUFFING
					    : WARD_AUTH_PASSWORD_SPRAY;
		if (!(a = new_alert(d, k, s->first, s->last, s->fails)))
			return WARD_ENOMEM;
		rc = alert_source(a, s->ip);
		for (i = 0; i < s->n_users && rc == 0; i++)
			rc = alert_user(a, s->users[i].user);
	}
	return rc;
}

/*
 * Retires the sources last active before cutoff, and beyond the first keep
 * of those that remain, then rebuilds the index over the rest.
 */
static int
retire_sources(struct ward_auth_detector *d, double cutoff, size_t keep)
{
	struct ward_strmap *idx = ward_strmap_new();
	size_t i, kept = 0;
	int rc = 0;

	if (!idx)
		return WARD_ENOMEM;
	for (i = 0; i < d->n_srcs; i++) {
		struct src *s = &d->srcs[i];
		if (s->last < cutoff || kept >= keep) {
			if (rc == 0)
				rc = retire(d, s);
			free(s->users);
			continue;
		}
		d->srcs[kept] = *s;
		if (rc == 0)
			rc = ward_strmap_put(idx, s->ip, strlen(s->ip), (uint32_t)kept);
		kept++;
	}
	d->n_srcs = kept;
	ward_strmap_free(d->src_index);
	d->src_index = idx;
	return rc;
}

/* Keeps memory bounded: sources idle for longer than every window are retired;
 * when every source is recent, the table is halved anyway. */
static int
expire(struct ward_auth_detector *d)
{
	double horizon =
	    d->t.spray_window > d->t.brute_window ? d->t.spray_window : d->t.brute_window;

	return retire_sources(d, d->now - horizon, d->t.max_sources / 2);
}

static struct src *
get_src(struct ward_auth_detector *d, const char *ip)
{
	uint32_t i;
	struct src *s;

	if (ward_strmap_get(d->src_index, ip, strlen(ip), &i))
		return &d->srcs[i];
	if (d->n_srcs >= d->t.max_sources && expire(d) < 0)
		return NULL;
	if (grow((void **)&d->srcs, &d->cap_srcs, d->n_srcs + 1, sizeof(*d->srcs)) < 0)
		return NULL;
	s = &d->srcs[d->n_srcs];
	memset(s, 0, sizeof(*s));
	memcpy(s->ip, ip, strnlen(ip, sizeof(s->ip) - 1));
	s->first = d->now;
	if (ward_strmap_put(d->src_index, s->ip, strlen(s->ip), (uint32_t)d->n_srcs) < 0)
		return NULL;
	return &d->srcs[d->n_srcs++];
}

int
ward_auth_detector_add(struct ward_auth_detector *d, const struct ward_auth_event *ev)
{
	const struct ward_auth_thresholds *t = &d->t;
	const char *key = ev->source[0] ? ev->source : ev->host;
	struct src *s;
	struct uent *u;
	uint32_t user;
	unsigned k, count = ev->count ? ev->count : 1;
	struct alert *a;
	int rc;

	if (ev->time > d->now)
		d->now = ev->time;
	if ((rc = intern_user(d, ev->user, &user)) < 0)
		return rc;
	if (!(s = get_src(d, key)))
		return WARD_ENOMEM;
	if (s->fails == 0 && s->succ == 0)
		s->first = ev->time;
	s->last = ev->time;
	if (ev->outcome == WARD_AUTH_SUCCESS) {
		unsigned recent = ring_since(s->ring, s->ring_n, ev->time - t->saf_window);
		size_t accounts = 0, i;
		s->succ++;
		for (i = 0; i < s->n_users; i++)
			if (s->users[i].last >= ev->time - t->saf_window)
				accounts++;
		if (!s->saf_alerted && (recent >= t->saf_failures || accounts >= 3)) {
			s->saf_alerted = 1;
			if (!(a = new_alert(d, WARD_AUTH_SUCCESS_AFTER_FAILURES, ev->time, ev->time,
					    1)))
				return WARD_ENOMEM;
			if ((rc = alert_source(a, key)) < 0 || (rc = alert_user(a, user)) < 0)
				return rc;
		}
		return 0;
	}
	s->fails += count;
	if (ev->invalid_user)
		s->invalid += count;
	for (k = 0; k < count && k < RING; k++)
		ring_push(s->ring, &s->ring_n, ev->time);
	if (!(u = src_user(s, user)))
		return 0; /* past the per-source cap: counted, not itemised */
	if (u->fails == 0)
		u->first = ev->time;
	u->fails += count;
	u->last = ev->time;
	if (ev->invalid_user)
		u->invalid = 1;
	for (k = 0; k < count && k < RING; k++)
		ring_push(u->ring, &u->ring_n, ev->time);
	if (u->brute_alerted && u->brute_alert < d->n_alerts &&
	    d->alerts[u->brute_alert].serial == u->brute_serial) {
		/* The attack goes on: the alert reports every attempt. */
		d->alerts[u->brute_alert].attempts = u->fails;
		d->alerts[u->brute_alert].last = ev->time;
	} else if (!u->brute_alerted &&
		   ring_since(u->ring, u->ring_n, ev->time - t->brute_window) >=
		       t->brute_failures) {
		u->brute_alerted = 1;
		if (!(a = new_alert(d, WARD_AUTH_BRUTE_FORCE, u->first, ev->time, u->fails)))
			return WARD_ENOMEM;
		u->brute_alert = d->n_alerts - 1;
		u->brute_serial = a->serial;
		if ((rc = alert_source(a, key)) < 0 || (rc = alert_user(a, user)) < 0)
			return rc;
	}
	return 0;
}

static int
cmp_cand(const void *a, const void *b)
{
	double x = ((const struct candidate *)a)->time, y = ((const struct candidate *)b)->time;

	return x < y ? -1 : x > y;
}

/*
 * Distributed spraying: windows of dist_window holding at least dist_sources
 * one-or-two-try sources against at least dist_accounts accounts, mostly
 * existing ones (internet background noise tries root, admin, test ...).
 */
static int
distributed(struct ward_auth_detector *d, int keep)
{
	const struct ward_auth_thresholds *t = &d->t;
	size_t lo = 0, hi, i, j, done = 0, n_users = 0, invalid = 0, top;
	uint32_t *counts; /* candidates in the window per account: one pass, no rescans */
	int rc = 0;

	if (d->n_cands < t->dist_sources)
		goto keep;
	if (!(counts = calloc(d->n_user_names ? d->n_user_names : 1, sizeof(*counts))))
		return WARD_ENOMEM;
	qsort(d->cands, d->n_cands, sizeof(*d->cands), cmp_cand);
	for (hi = 0; hi < d->n_cands && rc == 0; hi++) {
		struct alert *a;
		invalid += d->cands[hi].invalid;
		for (j = 0; j < d->cands[hi].n_users; j++)
			if (counts[d->cands[hi].users[j]]++ == 0)
				n_users++;
		while (d->cands[hi].time - d->cands[lo].time > t->dist_window) {
			invalid -= d->cands[lo].invalid;
			for (j = 0; j < d->cands[lo].n_users; j++)
				if (--counts[d->cands[lo].users[j]] == 0)
					n_users--;
			lo++;
		}
		if (hi + 1 - lo < t->dist_sources || n_users < t->dist_accounts ||
		    invalid * 2 > hi + 1 - lo)
			continue;
		/* Grow the window as far as it goes, then report it once. */
		top = hi;
		while (hi + 1 < d->n_cands &&
		       d->cands[hi + 1].time - d->cands[lo].time <= t->dist_window)
			hi++;
		if (!(a = new_alert(d, WARD_AUTH_DISTRIBUTED_SPRAY, d->cands[lo].time,
				    d->cands[hi].time, (unsigned)(hi + 1 - lo)))) {
			rc = WARD_ENOMEM;
			break;
		}
		for (i = lo; i <= hi && rc == 0; i++) {
			rc = alert_source(a, d->cands[i].ip);
			for (j = 0; j < d->cands[i].n_users && rc == 0; j++)
				rc = alert_user(a, d->cands[i].users[j]);
		}
		/* Start afresh after the reported window. */
		for (i = lo; i <= top; i++)
			for (j = 0; j < d->cands[i].n_users; j++)
				counts[d->cands[i].users[j]]--;
		n_users = invalid = 0;
		done = lo = hi + 1;
	}
	free(counts);
keep:
	if (!keep) {
		d->n_cands = 0;
		return rc;
	}
	/* Following a log: keep what is unreported and still inside the window. */
	for (i = done, j = 0; i < d->n_cands; i++)
		if (d->cands[i].time >= d->now - t->dist_window)
			d->cands[j++] = d->cands[i];
	d->n_cands = j;
	return rc;
}

static int
cmp_alert_first(const void *a, const void *b)
{
	double x = ((const struct alert *)a)->first, y = ((const struct alert *)b)->first;

	return x < y ? -1 : x > y;
}

/*
 * Credential stuffing comes from a pool: sources that try many accounts,
 * a good share unknown, at the same time. Candidates active within an hour
 * of each other are merged into one alert when there are at least three;
 * a lone candidate is a password spray when it tried enough accounts.
 */
static int
stuffing_pools(struct ward_auth_detector *d)
{
	size_t i, j, k, start;
	struct alert *a;
	int rc = 0;

	/* Move the candidates to the end, in time order. */
	for (i = 0, j = 0; i < d->n_alerts; i++)
		if (d->alerts[i].kind != WARD_AUTH_CREDENTIAL_STUFFING) {
			struct alert tmp = d->alerts[j];
			d->alerts[j] = d->alerts[i];
			d->alerts[i] = tmp;
			j++;
		}
	start = j;
	if (d->n_alerts - start > 1)
		qsort(d->alerts + start, d->n_alerts - start, sizeof(*d->alerts), cmp_alert_first);
	for (i = start; i < d->n_alerts; i = j) {
		double end = d->alerts[i].last;
		for (j = i + 1; j < d->n_alerts && d->alerts[j].first <= end + 3600; j++)
			if (d->alerts[j].last > end)
				end = d->alerts[j].last;
		if (j - i >= 3) {
			a = &d->alerts[i];
			for (k = i + 1; k < j && rc == 0; k++) {
				struct alert *b = &d->alerts[k];
				size_t x;
				for (x = 0; x < b->n_sources && rc == 0; x++)
					rc = alert_source(a, b->sources[x]);
				for (x = 0; x < b->n_users && rc == 0; x++)
					rc = alert_user(a, b->users[x]);
				a->attempts += b->attempts;
				if (b->last > a->last)
					a->last = b->last;
				alert_free(b);
				b->n_sources = b->n_users = 0;
				b->sources = NULL;
				b->users = NULL;
				b->kind = WARD_AUTH_KINDS; /* merged */
			}
		} else {
			for (k = i; k < j; k++)
				d->alerts[k].kind = d->alerts[k].n_users >= d->t.spray_accounts
							? WARD_AUTH_PASSWORD_SPRAY
							: WARD_AUTH_KINDS;
		}
	}
	return rc;
}

static void
emit(struct ward_auth_detector *d, void (*fn)(void *ctx, const struct ward_auth_alert *a),
     void *ctx)
{
	static const struct ward_check *const checks[WARD_AUTH_KINDS] = {
	    &ward_check_auth_brute,	  &ward_check_auth_spray,
	    &ward_check_auth_distributed, &ward_check_auth_stuffing,
	    &ward_check_auth_enumeration, &ward_check_auth_success_after_failures,
	};
	const char **names = NULL;
	size_t i, j, cap = 0;

	for (i = 0; i < d->n_alerts; i++) {
		struct alert *al = &d->alerts[i];
		struct ward_auth_alert out;
		if (al->kind == WARD_AUTH_KINDS)
			continue; /* merged into another, or dropped */
		if (al->n_users > cap) {
			const char **nn = realloc(names, al->n_users * sizeof(*nn));
			if (!nn)
				break;
			names = nn;
			cap = al->n_users;
		}
		for (j = 0; j < al->n_users; j++)
			names[j] = d->users[al->users[j]];
		out.kind = al->kind;
		out.check = checks[al->kind];
		out.first = al->first;
		out.last = al->last;
		out.attempts = al->attempts;
		out.sources = (const char *const *)al->sources;
		out.n_sources = al->n_sources;
		out.users = names;
		out.n_users = al->n_users;
		fn(ctx, &out);
	}
	for (i = 0; i < d->n_alerts; i++)
		alert_free(&d->alerts[i]);
	d->n_alerts = 0;
	free(names);
}

void
ward_auth_detector_flush(struct ward_auth_detector *d,
			 void (*fn)(void *ctx, const struct ward_auth_alert *a), void *ctx)
{
	retire_sources(d, 0, 0);
	distributed(d, 0);
	stuffing_pools(d);
	emit(d, fn, ctx);
}

int
ward_auth_detector_poll(struct ward_auth_detector *d, double idle,
			void (*fn)(void *ctx, const struct ward_auth_alert *a), void *ctx)
{
	int rc = retire_sources(d, d->now - idle, (size_t)-1);

	if (rc == 0)
		rc = distributed(d, 1);
	if (rc == 0)
		rc = stuffing_pools(d);
	emit(d, fn, ctx);
	return rc;
}
