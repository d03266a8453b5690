/*
 * Reputation list loaders: plain names, hosts files, CSV and JSON
 * (MetaMask's config.json, polkadot-js all.json). The format is detected
 * from the content. Lists come from feeds and colleagues: every line is
 * untrusted, bad lines are counted and skipped, and a whole file fails only
 * when it claims a format it does not follow (JSON that does not parse).
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "ward/buf.h"
#include "ward/error.h"
#include "domain_internal.h"
#include "limits.h"

long
ward_domain_parse_date(const char *s, size_t n)
{
	long y, m, d, era, yoe, doy, doe;
	size_t i;

	if (n < 10)
		return -1;
	for (i = 0; i < 10; i++)
		if ((i == 4 || i == 7) ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
			return -1;
	if (n > 10 && s[10] != 'T' && s[10] != ' ')
		return -1;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	/* Days from civil date (proleptic Gregorian), as in H. Hinnant's algorithm. */
	y -= m <= 2;
	era = y / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
bad_line(struct ward_load_report *rep, long line)
{
	rep->bad++;
	if (!rep->first_bad_line)
		rep->first_bad_line = line;
}

static int
put_name(struct ward_domain_db *db, enum ward_domain_list which, const char *s, size_t n,
	 uint32_t val)
{
	struct ward_domain_name name;
	int rc;

	/* "*.example.com" and ".example.com" mean the domain and its subdomains,
	 * which is what every lookup does anyway. */
	int wildcard = 0;

	if (n >= 2 && s[0] == '*' && s[1] == '.')
		s += 2, n -= 2, wildcard = 1;
	else if (n >= 1 && s[0] == '.')
		s++, n--, wildcard = 1;
	/* A bare word is a header or a typo, not a host; a whole TLD is listed
	 * as ".zip" or "*.zip". */
	if (!wildcard && !memchr(s, '.', n))
		return WARD_EINVAL;
	rc = ward_domain_name_parse((const uint8_t *)s, n, &name);
	if (rc < 0)
		return rc;
	return ward_strmap_put(db->lists[which], name.ascii, name.ascii_len, val);
}

static int
is_ip_token(const char *s, size_t n)
{
	size_t i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || s[i] == '.' || s[i] == ':' ||
		      (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return memchr(s, '.', n) != NULL || memchr(s, ':', n) != NULL;
}

static int
hosts_ignored(const char *s, size_t n)
{
	static const char *const skip[] = {
	    "localhost",     "localhost.localdomain", "local",	 "broadcasthost",
	    "ip6-localhost", "ip6-loopback",	      "0.0.0.0", NULL};
	size_t i;

	for (i = 0; skip[i]; i++)
		if (strlen(skip[i]) == n && memcmp(skip[i], s, n) == 0)
			return 1;
	return 0;
}

static size_t
field(const char *s, size_t n, size_t *pos, const char **f, int sep)
{
	size_t i = *pos, start;

	if (sep == ' ')
		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
	start = i;
	while (i < n && (sep == ' ' ? (s[i] != ' ' && s[i] != '\t') : s[i] != sep))
		i++;
	*f = s + start;
	*pos = i < n ? i + 1 : n;
	return i - start;
}

static size_t
unquote(const char **f, size_t n)
{
	while (n && ((*f)[0] == ' ' || (*f)[0] == '"'))
		(*f)++, n--;
	while (n && ((*f)[n - 1] == ' ' || (*f)[n - 1] == '"'))
		n--;
	return n;
}

/* One line of a text list. Returns 1 when used, 0 when ignorable, <0 when bad. */
static int
text_line(struct ward_domain_db *db, enum ward_domain_list which, const char *s, size_t n,
	  uint32_t ref, int *header_seen, long line)
{
	const char *f, *g;
	size_t pos = 0, fn, gn, used = 0;
	uint32_t val = ref;
	int rc;

	while (n && (s[0] == ' ' || s[0] == '\t'))
		s++, n--;
	if (n == 0 || s[0] == '#' || s[0] == '!' || s[0] == ';')
		return 0;
	{
		const char *hash = memchr(s, '#', n);
		if (hash)
			n = (size_t)(hash - s);
	}
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	if (memchr(s, '\t', n) || memchr(s, ',', n)) {
		/* TSV or CSV: domain, then a date or a reference. A TSV reference is
		 * the rest of the line (citations contain commas). */
		int sep = memchr(s, '\t', n) ? '\t' : ',';
		fn = unquote(&f, field(s, n, &pos, &f, sep));
		if (sep == '\t') {
			g = s + pos;
			gn = unquote(&g, n - pos);
		} else {
			gn = unquote(&g, field(s, n, &pos, &g, sep));
		}
		if (which == WARD_DOMAIN_NRD) {
			long day = ward_domain_parse_date(g, gn);
			if (day < 0) {
				if (line == 1 && !*header_seen) {
					*header_seen = 1;
					return 0;
				}
				return WARD_EINVAL;
			}
			val = (uint32_t)day;
		} else if (which == WARD_DOMAIN_IOC && gn > 0 && gn < 512) {
			char ref_text[512];
			memcpy(ref_text, g, gn);
			ref_text[gn] = '\0';
			if ((rc = ref_intern(db, ref_text, &val)) < 0)
				return rc;
		}
		rc = put_name(db, which, f, fn, val);
		if (rc == WARD_EINVAL && line == 1 && !*header_seen) {
			*header_seen = 1;
			return 0;
		}
		return rc < 0 ? rc : 1;
	}
	fn = field(s, n, &pos, &f, ' ');
	if (is_ip_token(f, fn)) {
		/* hosts file: address followed by names. */
		while ((fn = field(s, n, &pos, &f, ' ')) > 0) {
			if (hosts_ignored(f, fn))
				continue;
			if (which == WARD_DOMAIN_NRD)
				return WARD_EINVAL;
			if ((rc = put_name(db, which, f, fn, val)) < 0)
				return rc;
			used++;
		}
		return used ? 1 : 0;
	}
	if (which == WARD_DOMAIN_NRD) {
		/* Plain "domain date" pairs are accepted too. */
		gn = field(s, n, &pos, &g, ' ');
		long day = ward_domain_parse_date(g, gn);
		if (day < 0)
			return WARD_EINVAL;
		val = (uint32_t)day;
	} else if (pos < n) {
		return WARD_EINVAL; /* a second word on a plain line: not a host list */
	}
	rc = put_name(db, which, f, fn, val);
	return rc < 0 ? rc : 1;
}

static int
json_array_names(struct ward_domain_db *db, enum ward_domain_list which, json_t *arr, uint32_t ref,
		 struct ward_load_report *rep)
{
	size_t i;
	json_t *v;
	int rc;

	json_array_foreach(arr, i, v)
	{
		const char *s = json_string_value(v);
		if (!s) {
			bad_line(rep, (long)i + 1);
			continue;
		}
		rc = put_name(db, which, s, json_string_length(v), ref);
		if (rc == WARD_ENOMEM || rc == WARD_ELIMIT)
			return rc;
		if (rc < 0)
			bad_line(rep, (long)i + 1);
		else
			rep->entries++;
	}
	return 0;
}

static int
load_json(struct ward_domain_db *db, enum ward_domain_list which, const uint8_t *p, size_t n,
	  uint32_t ref, struct ward_load_report *rep)
{
	static const char *const allow_keys[] = {"whitelist", "allow", "allowlist", NULL};
	static const char *const block_keys[] = {"blacklist", "deny", "blocklist", NULL};
	const char *const *keys = which == WARD_DOMAIN_ALLOW ? allow_keys : block_keys;
	json_error_t err;
	json_t *root;
	size_t i;
	int rc = 0, any = 0;

	if (ward_json_depth(p, n) > WARD_LIMIT_JSON_DEPTH) {
		snprintf(rep->message, sizeof(rep->message), "JSON nested deeper than %d",
			 WARD_LIMIT_JSON_DEPTH);
		return WARD_ELIMIT;
	}
	root = json_loadb((const char *)p, n, JSON_ALLOW_NUL, &err);
	if (!root) {
		snprintf(rep->message, sizeof(rep->message), "line %d, column %d: %.100s", err.line,
			 err.column, err.text);
		return WARD_EFORMAT;
	}
	if (json_is_array(root)) {
		rc = json_array_names(db, which, root, ref, rep);
		any = 1;
	} else if (json_is_object(root)) {
		for (i = 0; keys[i] && rc == 0; i++) {
			json_t *arr = json_object_get(root, keys[i]);
			if (json_is_array(arr)) {
				rc = json_array_names(db, which, arr, ref, rep);
				any = 1;
			}
		}
	}
	json_decref(root);
	if (rc == 0 && !any) {
		snprintf(rep->message, sizeof(rep->message),
			 "JSON has no list of names (expected an array or %s/%s keys)", keys[0],
			 keys[1]);
		return WARD_EFORMAT;
	}
	return rc;
}

int
ward_domain_db_load_list(struct ward_domain_db *db, enum ward_domain_list which, const uint8_t *p,
			 size_t n, const char *source, struct ward_load_report *rep)
{
	const char *s = (const char *)p, *end = s + n;
	uint32_t ref = 0;
	long line = 0;
	int rc, header_seen = 0;
	size_t i = 0;

	memset(rep, 0, sizeof(*rep));
	if ((unsigned)which > WARD_DOMAIN_NRD)
		return WARD_EINVAL;
	if (n > WARD_LIMIT_LIST_FILE_SIZE) {
		snprintf(rep->message, sizeof(rep->message), "larger than %u bytes",
			 WARD_LIMIT_LIST_FILE_SIZE);
		return WARD_ELIMIT;
	}
	if ((rc = ref_intern(db, source ? source : "list", &ref)) < 0)
		return rc;
	while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
		i++;
	if (i < n && (p[i] == '{' || p[i] == '[') && which != WARD_DOMAIN_NRD)
		return load_json(db, which, p, n, ref, rep);
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t len = nl ? (size_t)(nl - s) : (size_t)(end - s);
		line++;
		if (len > WARD_LIMIT_LINE_LEN || memchr(s, '\0', len)) {
			bad_line(rep, line);
		} else {
			rc = text_line(db, which, s, len, ref, &header_seen, line);
			if (rc == WARD_ENOMEM || rc == WARD_ELIMIT)
				return rc;
			if (rc < 0)
				bad_line(rep, line);
			else if (rc > 0)
				rep->entries++;
		}
		s = nl ? nl + 1 : end;
	}
	return 0;
}
