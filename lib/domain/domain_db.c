/*
 * The domain database: brands with their tokens and official domains, and
 * the reference strings (list sources, IOC citations) that list entries
 * point to. Everything here is loaded once; ward_domain_db_build() then
 * freezes it into the lookalike index.
 */
#include <stdlib.h>
#include <string.h>

#include "ward/error.h"
#include "domain_internal.h"
#include "limits.h"

struct ward_domain_db *
ward_domain_db_new(void)
{
	struct ward_domain_db *db = calloc(1, sizeof(*db));
	size_t i;

	if (!db)
		return NULL;
	if (fold_init() < 0)
		goto fail;
	db->official = ward_strmap_new();
	db->token_set = ward_strmap_new();
	db->ref_index = ward_strmap_new();
	db->stop = ward_strmap_new();
	if (!db->official || !db->token_set || !db->ref_index || !db->stop)
		goto fail;
	for (i = 0; i < 4; i++)
		if (!(db->lists[i] = ward_strmap_new()))
			goto fail;
	db->nrd_max_age = 30;
	db->nrd_today = -1;
	return db;
fail:
	ward_domain_db_free(db);
	return NULL;
}

void
ward_domain_db_free(struct ward_domain_db *db)
{
	size_t i;

	if (!db)
		return;
	for (i = 0; i < db->n_brands; i++)
		free(db->brands[i].id);
	free(db->brands);
	free(db->tokens);
	for (i = 0; i < db->n_officials; i++)
		free(db->officials[i]);
	free(db->officials);
	for (i = 0; i < db->n_refs; i++)
		free(db->refs[i]);
	free(db->refs);
	ward_strmap_free(db->official);
	ward_strmap_free(db->token_set);
	ward_strmap_free(db->ref_index);
	ward_strmap_free(db->stop);
	for (i = 0; i < 4; i++)
		ward_strmap_free(db->lists[i]);
	index_free(db);
	free(db);
}

int
ref_intern(struct ward_domain_db *db, const char *s, uint32_t *id)
{
	size_t n = strlen(s);
	char **r;
	int rc;

	if (ward_strmap_get(db->ref_index, s, n, id))
		return 0;
	r = realloc(db->refs, (db->n_refs + 1) * sizeof(*r));
	if (!r)
		return WARD_ENOMEM;
	db->refs = r;
	if (!(r[db->n_refs] = strdup(s)))
		return WARD_ENOMEM;
	*id = (uint32_t)db->n_refs;
	rc = ward_strmap_put(db->ref_index, s, n, *id);
	if (rc < 0) {
		free(r[db->n_refs]);
		return rc;
	}
	db->n_refs++;
	return 0;
}

/* Next item of a comma/space separated list; returns its length, 0 at the end. */
static size_t
next_item(const char **s, const char *end, const char **item)
{
	const char *p = *s;
	size_t n = 0;

	while (p < end && (*p == ',' || *p == ' ' || *p == '\t' || *p == ';'))
		p++;
	*item = p;
	while (p + n < end && p[n] != ',' && p[n] != ' ' && p[n] != '\t' && p[n] != ';')
		n++;
	*s = p + n;
	return n;
}

static int
find_brand(const struct ward_domain_db *db, const char *id)
{
	size_t i;

	for (i = 0; i < db->n_brands; i++)
		if (strcmp(db->brands[i].id, id) == 0)
			return (int)i;
	return -1;
}

static int
add_token(struct ward_domain_db *db, size_t brand, const char *s, size_t n)
{
	struct token t;
	uint8_t map[FOLD_MAX];
	int weak = 0, len, budget = -1;
	struct token *nt;
	uint32_t existing;

	if (n && s[0] == '~')
		weak = 1, s++, n--;
	/* "token:N" caps the edits tolerated, for names built on a common word. */
	if (n > 2 && s[n - 2] == ':' && s[n - 1] >= '0' && s[n - 1] <= '2') {
		budget = s[n - 1] - '0';
		n -= 2;
	}
	if (n == 0 || n >= sizeof(t.text))
		return WARD_EINVAL;
	memset(&t, 0, sizeof(t));
	len = fold_ascii(s, n, t.text, map);
	if (len < 3 || len >= (int)sizeof(t.text))
		return WARD_EINVAL;
	{
		size_t i, k = 0;
		for (i = 0; i < n && k + 1 < sizeof(t.orig); i++)
			if (s[i] != '-' && s[i] != '_')
				t.orig[k++] =
				    (char)((s[i] >= 'A' && s[i] <= 'Z') ? s[i] + 32 : s[i]);
	}
	t.len = (uint8_t)len;
	t.weak = (uint8_t)weak;
	t.budget = (uint8_t)typo_budget((size_t)len);
	if (budget >= 0 && budget < t.budget)
		t.budget = (uint8_t)budget;
	t.brand = (uint16_t)brand;
	if (ward_strmap_get(db->token_set, t.text, t.len, &existing))
		return 0; /* first brand to claim a token keeps it */
	if (db->n_tokens >= 65535)
		return WARD_ELIMIT;
	nt = realloc(db->tokens, (db->n_tokens + 1) * sizeof(*nt));
	if (!nt)
		return WARD_ENOMEM;
	db->tokens = nt;
	db->tokens[db->n_tokens] = t;
	db->built = 0;
	return ward_strmap_put(db->token_set, t.text, t.len, (uint32_t)db->n_tokens++);
}

static int
add_official(struct ward_domain_db *db, size_t brand, const char *s, size_t n)
{
	struct ward_domain_name name;
	char **o;
	int rc;

	rc = ward_domain_name_parse((const uint8_t *)s, n, &name);
	if (rc < 0)
		return rc;
	o = realloc(db->officials, (db->n_officials + 1) * sizeof(*o));
	if (!o)
		return WARD_ENOMEM;
	db->officials = o;
	if (!(o[db->n_officials] = strdup(name.ascii)))
		return WARD_ENOMEM;
	if (db->brands[brand].n_official++ == 0)
		db->brands[brand].first_official = db->n_officials;
	db->n_officials++;
	return ward_strmap_put(db->official, name.ascii, name.ascii_len, (uint32_t)brand);
}

static int
add_brand_n(struct ward_domain_db *db, const char *id, size_t id_len, const char *domains,
	    size_t dn, const char *tokens, size_t tn)
{
	const char *p, *item;
	size_t n, bi;
	int b, rc, any_token = 0;
	char idz[64];

	if (id_len == 0 || id_len >= sizeof(idz))
		return WARD_EINVAL;
	memcpy(idz, id, id_len);
	idz[id_len] = '\0';
	b = find_brand(db, idz);
	if (b < 0) {
		struct brand *nb;
		if (db->n_brands >= WARD_LIMIT_BRANDS)
			return WARD_ELIMIT;
		nb = realloc(db->brands, (db->n_brands + 1) * sizeof(*nb));
		if (!nb)
			return WARD_ENOMEM;
		db->brands = nb;
		memset(&nb[db->n_brands], 0, sizeof(*nb));
		if (!(nb[db->n_brands].id = strdup(idz)))
			return WARD_ENOMEM;
		b = (int)db->n_brands++;
	}
	bi = (size_t)b;
	for (p = domains; (n = next_item(&p, domains + dn, &item)) > 0;)
		if ((rc = add_official(db, bi, item, n)) < 0 && rc != WARD_EINVAL)
			return rc;
	for (p = tokens; (n = next_item(&p, tokens + tn, &item)) > 0;) {
		if (n > WARD_LIMIT_BRAND_TOKENS * 8)
			continue;
		rc = add_token(db, bi, item, n);
		if (rc == 0)
			any_token = 1;
		else if (rc != WARD_EINVAL)
			return rc;
	}
	/* Without explicit tokens, the brand id is the token. */
	if (!any_token && (rc = add_token(db, bi, idz, id_len)) < 0 && rc != WARD_EINVAL)
		return rc;
	db->built = 0;
	return 0;
}

int
ward_domain_db_add_brand(struct ward_domain_db *db, const char *id, const char *domains,
			 const char *tokens)
{
	if (!id)
		return WARD_EINVAL;
	domains = domains ? domains : "";
	tokens = tokens ? tokens : "";
	return add_brand_n(db, id, strlen(id), domains, strlen(domains), tokens, strlen(tokens));
}

/* Splits a TSV line into at most max fields. */
static size_t
split_tabs(const char *s, size_t n, const char **f, size_t *fl, size_t max)
{
	size_t k = 0, start = 0, i;

	for (i = 0; i <= n && k < max; i++) {
		if (i == n || s[i] == '\t') {
			f[k] = s + start;
			fl[k++] = i - start;
			start = i + 1;
		}
	}
	return k;
}

int
ward_domain_db_add_brands(struct ward_domain_db *db, const uint8_t *p, size_t n,
			  struct ward_load_report *rep)
{
	const char *s = (const char *)p, *end = s + n;
	long line = 0;
	int rc;

	memset(rep, 0, sizeof(*rep));
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t len = nl ? (size_t)(nl - s) : (size_t)(end - s);
		const char *f[6];
		size_t fl[6], k;
		line++;
		if (len && s[len - 1] == '\r')
			len--;
		if (len == 0 || s[0] == '#' || len > WARD_LIMIT_LINE_LEN || memchr(s, '\0', len)) {
			if (len > WARD_LIMIT_LINE_LEN || (len && memchr(s, '\0', len)))
				goto bad;
			goto next;
		}
		k = split_tabs(s, len, f, fl, 6);
		/* id, category, tokens, domains[, names, source]  or  id, category, domains. */
		if (k >= 4)
			rc = add_brand_n(db, f[0], fl[0], f[3], fl[3], f[2], fl[2]);
		else if (k == 3)
			rc = add_brand_n(db, f[0], fl[0], f[2], fl[2], "", 0);
		else
			rc = WARD_EINVAL;
		if (rc == WARD_ENOMEM || rc == WARD_ELIMIT)
			return rc;
		if (rc < 0)
			goto bad;
		rep->entries++;
		goto next;
	bad:
		rep->bad++;
		if (!rep->first_bad_line)
			rep->first_bad_line = line;
	next:
		s = nl ? nl + 1 : end;
	}
	return 0;
}

size_t
ward_domain_db_brand_count(const struct ward_domain_db *db)
{
	return db->n_brands;
}

size_t
ward_domain_db_list_count(const struct ward_domain_db *db, enum ward_domain_list which)
{
	return (unsigned)which < 4 ? ward_strmap_count(db->lists[which]) : 0;
}

void
ward_domain_db_set_nrd(struct ward_domain_db *db, long max_age_days, long today)
{
	db->nrd_max_age = max_age_days;
	db->nrd_today = today;
}

int
ward_domain_db_build(struct ward_domain_db *db)
{
	int rc = index_build(db);

	if (rc == 0)
		db->built = 1;
	return rc;
}

int
ward_domain_db_add_stopwords(struct ward_domain_db *db, const uint8_t *p, size_t n)
{
	const char *s = (const char *)p, *end = s + n;
	char f[FOLD_MAX];
	uint8_t map[FOLD_MAX];
	int rc, len;

	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t l = nl ? (size_t)(nl - s) : (size_t)(end - s);
		if (l && s[0] != '#' && (len = fold_ascii(s, l, f, map)) > 0 &&
		    (rc = ward_strmap_put(db->stop, f, (size_t)len, 1)) < 0)
			return rc;
		s = nl ? nl + 1 : end;
	}
	return 0;
}
