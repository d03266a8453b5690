/*
 * SHA-256 IOC sets: a sorted array of digests searched by bisection. Entries
 * come from the built-in list (data/ioc_sha256.tsv, every row citing its
 * public report) and from files given at run time in the formats threat
 * feeds use: plain lists, "hash;size;name", ClamAV .hsb and STIX 2.1
 * bundles. Names and references live in a string pool owned by the set.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "ward/buf.h"
#include "ward/error.h"
#include "ward/files.h"
#include "ward/text.h"
#include "limits.h"

#define POOL_BLOCK 65536

struct pool_block {
	struct pool_block *next;
	size_t used, size;
	char data[];
};

struct ward_ioc_set {
	struct ward_ioc_entry *v;
	size_t n, cap;
	int sorted;
	struct pool_block *pool;
	const char *last_ref; /* the ref interned last, reused for runs of one source */
};

extern const unsigned char ward_data_ioc_sha256[];
extern const size_t ward_data_ioc_sha256_len;

struct ward_ioc_set *
ward_ioc_set_new(void)
{
	return calloc(1, sizeof(struct ward_ioc_set));
}

void
ward_ioc_set_free(struct ward_ioc_set *s)
{
	struct pool_block *b, *nb;

	if (!s)
		return;
	for (b = s->pool; b; b = nb) {
		nb = b->next;
		free(b);
	}
	free(s->v);
	free(s);
}

static const char *
pool_strndup(struct ward_ioc_set *s, const char *p, size_t n)
{
	struct pool_block *b = s->pool;
	char *out;

	if (n == 0)
		return "";
	if (!b || b->size - b->used < n + 1) {
		size_t size = n + 1 > POOL_BLOCK ? n + 1 : POOL_BLOCK;
		if (!(b = malloc(sizeof(*b) + size)))
			return NULL;
		b->size = size;
		b->used = 0;
		b->next = s->pool;
		s->pool = b;
	}
	out = b->data + b->used;
	memcpy(out, p, n);
	out[n] = '\0';
	b->used += n + 1;
	return out;
}

static size_t
hex_run(const char *p, size_t n)
{
	size_t i = 0;

	while (i < n && ward_hexval((unsigned char)p[i]) >= 0)
		i++;
	return i;
}

static void
unhex32(const char *p, uint8_t out[32])
{
	size_t i;

	for (i = 0; i < 32; i++)
		out[i] = (uint8_t)(ward_hexval((unsigned char)p[2 * i]) << 4 |
				   ward_hexval((unsigned char)p[2 * i + 1]));
}

static int
add(struct ward_ioc_set *s, const char *hex, const char *name, size_t name_len, const char *ref,
    size_t ref_len)
{
	struct ward_ioc_entry *e;

	if (s->n >= WARD_LIMIT_IOC_HASHES)
		return WARD_ELIMIT;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		struct ward_ioc_entry *v = realloc(s->v, cap * sizeof(*v));
		if (!v)
			return WARD_ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	e = &s->v[s->n];
	unhex32(hex, e->sha256);
	while (name_len && (name[name_len - 1] == ' ' || name[name_len - 1] == '\t'))
		name_len--;
	if (!(e->name = pool_strndup(s, name, name_len)))
		return WARD_ENOMEM;
	if (s->last_ref && strlen(s->last_ref) == ref_len &&
	    memcmp(s->last_ref, ref, ref_len) == 0) {
		e->ref = s->last_ref;
	} else {
		if (!(e->ref = pool_strndup(s, ref, ref_len)))
			return WARD_ENOMEM;
		s->last_ref = e->ref;
	}
	s->n++;
	s->sorted = 0;
	return 0;
}

static int
is_digits(const char *p, size_t n)
{
	size_t i;

	if (n == 0)
		return 0;
	if (n == 1 && p[0] == '*')
		return 1;
	for (i = 0; i < n; i++)
		if (p[i] < '0' || p[i] > '9')
			return 0;
	return 1;
}

/* One line of a text list; returns 1 added, 0 skipped (comment), -1 bad, or an error. */
static int
load_line(struct ward_ioc_set *s, const char *p, size_t n, const char *source)
{
	const char *f[4];
	size_t fl[4], nf = 0, i, start, h;
	char sep;

	while (n && (p[0] == ' ' || p[0] == '\t'))
		p++, n--;
	while (n && (p[n - 1] == '\r' || p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	if (n == 0 || p[0] == '#' || (n >= 2 && p[0] == '/' && p[1] == '/'))
		return 0;
	if (n > 7 && strncasecmp(p, "sha256:", 7) == 0 && hex_run(p + 7, n - 7) == 64)
		p += 7, n -= 7;
	h = hex_run(p, n);
	if (h != 64)
		return -1;
	if (h == n)
		return add(s, p, "", 0, source, strlen(source)) < 0 ? WARD_ENOMEM : 1;
	sep = p[64];
	if (sep != ';' && sep != ':' && sep != '\t' && sep != ',' && sep != ' ')
		return -1;
	if (sep == ' ') {
		/* "HASH  name" (sha256sum style, possibly "*name") */
		i = 64;
		while (i < n && (p[i] == ' ' || p[i] == '*'))
			i++;
		return add(s, p, p + i, n - i, source, strlen(source)) < 0 ? WARD_ENOMEM : 1;
	}
	/* Split into at most four fields. */
	start = 0;
	for (i = 0; i <= n && nf < 4; i++) {
		if (i == n || (p[i] == sep && nf < 3)) {
			f[nf] = p + start;
			fl[nf++] = i - start;
			start = i + 1;
		}
	}
	if (sep == '\t') /* HASH name ref */
		return add(s, p, nf > 1 ? f[1] : "", nf > 1 ? fl[1] : 0, nf > 2 ? f[2] : source,
			   nf > 2 ? fl[2] : strlen(source)) < 0
			   ? WARD_ENOMEM
			   : 1;
	if (nf >= 3 && is_digits(f[1], fl[1])) { /* HASH;size;name or .hsb HASH:size:name:fl */
		size_t nl = fl[2];
		if (sep == ':' && nf == 4 && is_digits(f[3], fl[3]))
			; /* flevel dropped */
		else if (nf == 4)
			nl = (size_t)(p + n - f[2]);
		return add(s, p, f[2], nl, source, strlen(source)) < 0 ? WARD_ENOMEM : 1;
	}
	if (nf >= 2) /* HASH;source or HASH,name */
		return add(s, p, "", 0, f[1], (size_t)(p + n - f[1])) < 0 ? WARD_ENOMEM : 1;
	return add(s, p, "", 0, source, strlen(source)) < 0 ? WARD_ENOMEM : 1;
}

/* Every file:hashes.'SHA-256' = '...' comparison of a STIX pattern. */
static int
stix_pattern(struct ward_ioc_set *s, const char *pat, const char *name, const char *ref,
	     size_t *added)
{
	const char *q = pat;
	static const char *const keys[] = {"hashes.'SHA-256'", "hashes.\"SHA-256\"",
					   "hashes.SHA256", "hashes.'SHA256'", NULL};

	for (;;) {
		const char *best = NULL;
		size_t bl = 0, i;
		for (i = 0; keys[i]; i++) {
			const char *m = strstr(q, keys[i]);
			if (m && (!best || m < best)) {
				best = m;
				bl = strlen(keys[i]);
			}
		}
		if (!best)
			return 0;
		q = best + bl;
		while (*q == ' ')
			q++;
		if (*q != '=')
			continue;
		q++;
		while (*q == ' ')
			q++;
		if (*q != '\'' && *q != '"')
			continue;
		q++;
		if (hex_run(q, strlen(q)) == 64 && (q[64] == '\'' || q[64] == '"')) {
			int rc = add(s, q, name, strlen(name), ref, strlen(ref));
			if (rc < 0)
				return rc;
			(*added)++;
		}
	}
}

static int
load_stix(struct ward_ioc_set *s, const uint8_t *p, size_t n, const char *source,
	  struct ward_ioc_report *rep)
{
	json_error_t err;
	json_t *root, *objs, *o;
	size_t i, added = 0;
	int rc = 0;

	if (ward_json_depth(p, n) > WARD_LIMIT_JSON_DEPTH) {
		snprintf(rep->message, sizeof(rep->message), "JSON nested deeper than %d",
			 WARD_LIMIT_JSON_DEPTH);
		return WARD_EFORMAT;
	}
	root = json_loadb((const char *)p, n, 0, &err);
	if (!root) {
		snprintf(rep->message, sizeof(rep->message), "bad JSON at line %d: %.100s",
			 err.line, err.text);
		return WARD_EFORMAT;
	}
	objs = json_object_get(root, "objects");
	if (!json_is_array(objs)) {
		/* A lone indicator, or an array of objects. */
		if (json_is_array(root))
			objs = root;
		else if (json_is_object(root))
			objs = NULL;
	}
	for (i = 0; rc == 0; i++) {
		const char *type, *pat, *name, *id;
		if (objs) {
			if (i >= json_array_size(objs))
				break;
			o = json_array_get(objs, i);
		} else {
			if (i > 0)
				break;
			o = root;
		}
		type = json_string_value(json_object_get(o, "type"));
		pat = json_string_value(json_object_get(o, "pattern"));
		if (!type || strcmp(type, "indicator") != 0)
			continue;
		if (!pat) {
			rep->bad++;
			continue;
		}
		name = json_string_value(json_object_get(o, "name"));
		id = json_string_value(json_object_get(o, "id"));
		size_t before = added;
		rc = stix_pattern(s, pat, name ? name : "", id ? id : source, &added);
		if (rc == 0 && added == before)
			rep->bad++; /* an indicator without a SHA-256 */
	}
	json_decref(root);
	rep->entries += added;
	if (rc == 0 && added == 0 && rep->message[0] == '\0')
		snprintf(rep->message, sizeof(rep->message),
			 "no indicator with a file SHA-256 in the STIX bundle");
	return rc < 0 ? rc : added ? 0 : WARD_EFORMAT;
}

int
ward_ioc_set_load(struct ward_ioc_set *s, const uint8_t *p, size_t n, const char *source,
		  struct ward_ioc_report *rep)
{
	struct ward_ioc_report tmp;
	size_t i = 0, start;
	long line = 0;

	if (!rep)
		rep = &tmp;
	memset(rep, 0, sizeof(*rep));
	if (!s || (!p && n))
		return WARD_EINVAL;
	if (!source)
		source = "";
	while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
		i++;
	if (n - i >= 3 && p[i] == 0xef && p[i + 1] == 0xbb && p[i + 2] == 0xbf)
		i += 3;
	if (i < n && (p[i] == '{' || p[i] == '['))
		return load_stix(s, p + i, n - i, source, rep);
	for (i = 0; i < n;) {
		const uint8_t *nl = memchr(p + i, '\n', n - i);
		size_t end = nl ? (size_t)(nl - p) : n;
		int rc;
		start = i;
		i = end + 1;
		line++;
		if (end - start > WARD_LIMIT_LINE_LEN) {
			rc = -1;
		} else {
			rc = load_line(s, (const char *)p + start, end - start, source);
			if (rc < -1)
				return rc;
		}
		if (rc == 1) {
			rep->entries++;
		} else if (rc == -1) {
			rep->bad++;
			if (!rep->first_bad_line)
				rep->first_bad_line = line;
		}
	}
	if (rep->entries == 0 && rep->bad > 0) {
		snprintf(rep->message, sizeof(rep->message),
			 "no SHA-256 hash in the file (first bad line %ld)", rep->first_bad_line);
		return WARD_EFORMAT;
	}
	return 0;
}

int
ward_ioc_set_add_builtin(struct ward_ioc_set *s)
{
	struct ward_ioc_report rep;
	int rc = ward_ioc_set_load(s, ward_data_ioc_sha256, ward_data_ioc_sha256_len,
				   "ward built-in", &rep);

	return rc == WARD_EFORMAT && rep.entries == 0 && rep.bad == 0 ? 0 : rc;
}

static int
cmp_entry(const void *a, const void *b)
{
	return memcmp(((const struct ward_ioc_entry *)a)->sha256,
		      ((const struct ward_ioc_entry *)b)->sha256, 32);
}

void
ward_ioc_set_build(struct ward_ioc_set *s)
{
	if (!s || s->sorted)
		return;
	if (s->n > 1)
		qsort(s->v, s->n, sizeof(*s->v), cmp_entry);
	s->sorted = 1;
}

size_t
ward_ioc_set_count(const struct ward_ioc_set *s)
{
	return s ? s->n : 0;
}

const struct ward_ioc_entry *
ward_ioc_set_find(const struct ward_ioc_set *s, const uint8_t sha256[32])
{
	size_t lo = 0, hi;

	if (!s || !s->sorted || s->n == 0)
		return NULL;
	hi = s->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = memcmp(s->v[mid].sha256, sha256, 32);
		if (c == 0)
			return &s->v[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}
