/*
 * Configuration. Parsing is libinih's; this file holds the schema (every
 * key, its type and its default) and validation. Values are kept as strings
 * and converted on access: configs are read once per run.
 */
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ward/config.h"
#include "ward/error.h"
#include "limits.h"

enum type { T_STR, T_INT, T_BOOL };

struct key {
	const char *section, *key;
	enum type type;
	const char *def;
	long min, max;
};

/* The schema. man/ward.conf.5 documents each row; tests check the two agree. */
static const struct key schema[] = {
    {"output", "format", T_STR, "text", 0, 0},
    {"output", "lang", T_STR, "auto", 0, 0},
    {"output", "color", T_STR, "auto", 0, 0},
    {"domain", "builtin_brands", T_BOOL, "yes", 0, 1},
    {"domain", "builtin_iocs", T_BOOL, "yes", 0, 1},
    {"domain", "brands", T_STR, "", 0, 0},
    {"domain", "blocklist", T_STR, "", 0, 0},
    {"domain", "allowlist", T_STR, "", 0, 0},
    {"domain", "ioc", T_STR, "", 0, 0},
    {"domain", "nrd", T_STR, "", 0, 0},
    {"domain", "nrd_max_age_days", T_INT, "30", 0, 3650},
    {"domain", "nrd_today", T_STR, "", 0, 0},
    {"domain", "report_clean", T_BOOL, "no", 0, 1},
    {"auth", "year", T_INT, "0", 0, 9999},
    {"auth", "web_fields", T_STR, "", 0, 0},
    {"auth", "brute_failures", T_INT, "10", 2, 16},
    {"auth", "brute_window", T_INT, "3600", 1, 604800},
    {"auth", "spray_accounts", T_INT, "10", 2, 100000},
    {"auth", "spray_window", T_INT, "86400", 1, 2592000},
    {"auth", "dist_sources", T_INT, "20", 2, 1000000},
    {"auth", "dist_accounts", T_INT, "20", 2, 1000000},
    {"auth", "dist_window", T_INT, "172800", 1, 2592000},
    {"auth", "saf_failures", T_INT, "10", 1, 16},
    {"auth", "saf_window", T_INT, "3600", 1, 604800},
    {"auth", "max_sources", T_INT, "250000", 1000, 100000000},
    {"auth", "state", T_STR, "", 0, 0},
    {"auth", "block_set", T_STR, "inet filter ward_block4", 0, 0},
    {"auth", "block_set6", T_STR, "inet filter ward_block6", 0, 0},
    {"auth", "never_block", T_STR,
     "127.0.0.0/8, ::1/128, 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, fc00::/7", 0, 0},
    {"mail", "executives", T_STR, "", 0, 0},
    {"mail", "internal_domains", T_STR, "", 0, 0},
    {"mail", "suspicious_score", T_INT, "50", 1, 10000},
    {"mail", "malicious_score", T_INT, "100", 1, 10000},
    {"mail", "freemail", T_STR, "", 0, 0},
    {"mail", "file_hosts", T_STR, "", 0, 0},
    {"files", "yara_rules", T_STR, "", 0, 0},
    {"files", "ioc_hashes", T_STR, "", 0, 0},
    {"files", "max_file_size", T_INT, "268435456", 1, 1099511627776L},
    {"files", "threads", T_INT, "0", 0, 256},
    {"files", "yara_timeout", T_INT, "10", 1, 3600},
    {"files", "yara_gating", T_BOOL, "yes", 0, 1},
    {"files", "exclude", T_STR, "", 0, 0},
    {"limits", "max_line", T_INT, "4096", 256, 1048576},
    {"limits", "max_list_file", T_INT, "268435456", 1024, 4294967295L},
    {"limits", "max_mail", T_INT, "67108864", 1024, 1073741824},
    {"limits", "mime_depth", T_INT, "32", 1, 1000},
    {"limits", "mime_parts", T_INT, "2000", 1, 1000000},
    {"limits", "max_file", T_INT, "268435456", 1024, 4294967295L},
    {"limits", "archive_depth", T_INT, "8", 1, 64},
    {"limits", "archive_entries", T_INT, "10000", 1, 10000000},
    {"limits", "archive_total", T_INT, "536870912", 1024, 68719476736L},
    {"limits", "archive_ratio", T_INT, "200", 2, 1000000},
};
#define NKEYS (sizeof(schema) / sizeof(schema[0]))

struct brand {
	char *name, *domains, *tokens;
};

struct ward_config {
	char *values[NKEYS];
	struct brand *brands;
	size_t n_brands;
};

struct ctx {
	struct ward_config *c;
	const char *name;
	char *err;
	size_t errsize;
	int rc;
	const int *line; /* current line of the reader */
};

struct ward_config *
ward_config_new(void)
{
	return calloc(1, sizeof(struct ward_config));
}

void
ward_config_free(struct ward_config *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < NKEYS; i++)
		free(c->values[i]);
	for (i = 0; i < c->n_brands; i++) {
		free(c->brands[i].name);
		free(c->brands[i].domains);
		free(c->brands[i].tokens);
	}
	free(c->brands);
	free(c);
}

static int
find_key(const char *section, const char *key)
{
	size_t i;

	for (i = 0; i < NKEYS; i++)
		if (strcmp(schema[i].section, section) == 0 && strcmp(schema[i].key, key) == 0)
			return (int)i;
	return -1;
}

static int
parse_bool(const char *v, int *out)
{
	if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "on") || !strcmp(v, "1"))
		*out = 1;
	else if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "off") || !strcmp(v, "0"))
		*out = 0;
	else
		return -1;
	return 0;
}

static int
parse_long(const char *v, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(v, &end, 10);
	if (errno || end == v || *end)
		return -1;
	return 0;
}

static int
check_value(const struct key *k, const char *v, char *why, size_t n)
{
	long l;
	int b;

	switch (k->type) {
	case T_INT:
		if (parse_long(v, &l) < 0 || l < k->min || l > k->max) {
			snprintf(why, n, "expects an integer from %ld to %ld", k->min, k->max);
			return -1;
		}
		break;
	case T_BOOL:
		if (parse_bool(v, &b) < 0) {
			snprintf(why, n, "expects yes or no");
			return -1;
		}
		break;
	default:
		break;
	}
	if (!strcmp(k->section, "output") && !strcmp(k->key, "format") && strcmp(v, "text") &&
	    strcmp(v, "json") && strcmp(v, "tsv")) {
		snprintf(why, n, "expects text, json or tsv");
		return -1;
	}
	if (!strcmp(k->section, "output") && !strcmp(k->key, "lang") && strcmp(v, "auto") &&
	    strcmp(v, "en") && strcmp(v, "ja")) {
		snprintf(why, n, "expects auto, en or ja");
		return -1;
	}
	if (!strcmp(k->section, "output") && !strcmp(k->key, "color") && strcmp(v, "auto") &&
	    strcmp(v, "always") && strcmp(v, "never")) {
		snprintf(why, n, "expects auto, always or never");
		return -1;
	}
	return 0;
}

int
ward_config_set(struct ward_config *c, const char *section, const char *key, const char *value,
		char *err, size_t errsize)
{
	char why[128];
	int i = find_key(section, key);
	char *dup;

	if (i < 0) {
		snprintf(err, errsize, "unknown key [%s] %s", section, key);
		return WARD_EINVAL;
	}
	if (check_value(&schema[i], value, why, sizeof(why)) < 0) {
		snprintf(err, errsize, "[%s] %s = \"%.64s\": %s", section, key, value, why);
		return WARD_EINVAL;
	}
	dup = strdup(value);
	if (!dup)
		return WARD_ENOMEM;
	free(c->values[i]);
	c->values[i] = dup;
	return 0;
}

static struct brand *
brand_for(struct ward_config *c, const char *name)
{
	struct brand *b;
	size_t i;

	for (i = 0; i < c->n_brands; i++)
		if (strcmp(c->brands[i].name, name) == 0)
			return &c->brands[i];
	if (c->n_brands >= WARD_LIMIT_BRANDS)
		return NULL;
	b = realloc(c->brands, (c->n_brands + 1) * sizeof(*b));
	if (!b)
		return NULL;
	c->brands = b;
	b = &c->brands[c->n_brands];
	memset(b, 0, sizeof(*b));
	b->name = strdup(name);
	if (!b->name)
		return NULL;
	c->n_brands++;
	return b;
}

static int
on_entry(void *user, const char *section, const char *key, const char *value, int lineno)
{
	struct ctx *x = user;
	char msg[256];
	char **slot;
	struct brand *b;

	if (strncmp(section, "brand:", 6) == 0) {
		if (!section[6]) {
			snprintf(x->err, x->errsize, "%s:%d: brand section needs a name", x->name,
				 lineno);
			x->rc = WARD_EINVAL;
			return 0;
		}
		b = brand_for(x->c, section + 6);
		if (!b) {
			x->rc = WARD_ENOMEM;
			return 0;
		}
		if (!strcmp(key, "domains"))
			slot = &b->domains;
		else if (!strcmp(key, "tokens"))
			slot = &b->tokens;
		else {
			snprintf(x->err, x->errsize, "%s:%d: unknown key %s in [%s]", x->name,
				 lineno, key, section);
			x->rc = WARD_EINVAL;
			return 0;
		}
		free(*slot);
		*slot = strdup(value);
		if (!*slot) {
			x->rc = WARD_ENOMEM;
			return 0;
		}
		return 1;
	}
	if (ward_config_set(x->c, section, key, value, msg, sizeof(msg)) < 0) {
		snprintf(x->err, x->errsize, "%s:%d: %s", x->name, lineno, msg);
		x->rc = WARD_EINVAL;
		return 0;
	}
	return 1;
}

/* inih's callback with a line number is only in newer versions; count lines ourselves. */
struct reader {
	const char *p;
	size_t left;
	int line;
	struct ctx *x;
};

static char *
reader_gets(char *str, int num, void *stream)
{
	struct reader *r = stream;
	int n = 0;

	if (r->left == 0)
		return NULL;
	while (r->left && n + 1 < num) {
		char ch = *r->p++;
		r->left--;
		if (ch == '\0')
			ch = ' ';
		str[n++] = ch;
		if (ch == '\n')
			break;
	}
	str[n] = '\0';
	r->line++;
	return str;
}

static int
handler(void *user, const char *section, const char *key, const char *value)
{
	struct ctx *x = user;

	return on_entry(user, section, key, value, *x->line);
}

int
ward_config_load_mem(struct ward_config *c, const char *name, const char *text, size_t n, char *err,
		     size_t errsize)
{
	struct ctx x = {c, name, err, errsize, 0, NULL};
	struct reader r = {text, n, 0, &x};
	int rc;

	x.line = &r.line;

	if (n > WARD_LIMIT_CONFIG_SIZE) {
		snprintf(err, errsize, "%s: larger than %u bytes", name, WARD_LIMIT_CONFIG_SIZE);
		return WARD_ELIMIT;
	}
	rc = ini_parse_stream(reader_gets, &r, handler, &x);
	if (x.rc)
		return x.rc;
	if (rc != 0) {
		snprintf(err, errsize, "%s:%d: syntax error (expected [section] or key = value)",
			 name, rc > 0 ? rc : r.line);
		return WARD_EINVAL;
	}
	return 0;
}

int
ward_config_load(struct ward_config *c, const char *path, char *err, size_t errsize)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	size_t n;
	int rc;

	if (!fp) {
		snprintf(err, errsize, "%s: %s", path, strerror(errno));
		return errno == ENOENT ? WARD_ENOTFOUND : WARD_EIO;
	}
	buf = malloc(WARD_LIMIT_CONFIG_SIZE + 1);
	if (!buf) {
		fclose(fp);
		return WARD_ENOMEM;
	}
	n = fread(buf, 1, WARD_LIMIT_CONFIG_SIZE + 1, fp);
	if (ferror(fp)) {
		snprintf(err, errsize, "%s: read error", path);
		rc = WARD_EIO;
	} else {
		rc = ward_config_load_mem(c, path, buf, n, err, errsize);
	}
	free(buf);
	fclose(fp);
	return rc;
}

const char *
ward_config_str(const struct ward_config *c, const char *section, const char *key)
{
	int i = find_key(section, key);

	if (i < 0)
		return "";
	return c && c->values[i] ? c->values[i] : schema[i].def;
}

int
ward_config_item(const char **p, char *out, size_t size)
{
	while (**p) {
		const char *q = *p;
		size_t n = strcspn(q, ",");
		*p += n;
		if (**p == ',')
			(*p)++;
		while (n && (*q == ' ' || *q == '\t'))
			q++, n--;
		while (n && (q[n - 1] == ' ' || q[n - 1] == '\t'))
			n--;
		if (n == 0 || n >= size)
			continue;
		memcpy(out, q, n);
		out[n] = '\0';
		return 1;
	}
	return 0;
}

long
ward_config_int(const struct ward_config *c, const char *section, const char *key)
{
	long l = 0;

	if (parse_long(ward_config_str(c, section, key), &l) < 0)
		return 0;
	return l;
}

int
ward_config_bool(const struct ward_config *c, const char *section, const char *key)
{
	int b = 0;

	if (parse_bool(ward_config_str(c, section, key), &b) < 0)
		return 0;
	return b;
}

size_t
ward_config_brand_count(const struct ward_config *c)
{
	return c ? c->n_brands : 0;
}

const struct ward_config_brand *
ward_config_brand(const struct ward_config *c, size_t i)
{
	static struct ward_config_brand out;

	if (!c || i >= c->n_brands)
		return NULL;
	out.name = c->brands[i].name;
	out.domains = c->brands[i].domains ? c->brands[i].domains : "";
	out.tokens = c->brands[i].tokens ? c->brands[i].tokens : "";
	return &out;
}

void
ward_config_each(const struct ward_config *c,
		 void (*fn)(void *ctx, const char *section, const char *key, const char *value),
		 void *ctx)
{
	size_t i;

	for (i = 0; i < NKEYS; i++)
		fn(ctx, schema[i].section, schema[i].key,
		   ward_config_str(c, schema[i].section, schema[i].key));
}
