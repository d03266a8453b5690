/*
 * YARA through libyara: rule files and directories are compiled once per run
 * (or taken from a cache of compiled rules keyed by every rule file's path,
 * size and modification time), shared read-only by all threads, and each
 * thread scans with its own YR_SCANNER. Each rule file gets its own
 * namespace, named after the file, so that rule sets written apart never
 * clash on a rule name and a match can say which file it came from. Rules
 * may use the external variables filename, filepath, extension, filetype
 * and owner, as THOR and LOKI rule sets do; ward sets the first three.
 *
 * Each rule also has a gate (yara_gate.h): the headers and sizes it can
 * match at all. A file is scanned only with the rules whose gates admit it,
 * together with what they need: the global rules of their file, the rules
 * they name, and only the imports they use. These subsets are compiled on
 * first need (and cached like the whole set), so that PE rules never run,
 * nor load the pe module, on an ELF library. A rule's result depends on
 * nothing else, so a subset reports exactly what the whole set would for
 * the files it is used on.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <yara.h>
#ifdef WARD_HAVE_HYPERSCAN
#include <hs/hs.h>
#endif

#include "ward/error.h"
#include "ward/files.h"
#include "files_internal.h"
#include "yara_gate.h"

#define MAX_RULE_FILES 100000
#define MAX_RULE_SOURCE (16u << 20) /* larger rule files are not gated */
#define MAX_GROUPS 64
#define CACHE_MAX_AGE (30 * 24 * 3600) /* seconds */

struct flist {
	char **v;
	size_t n, cap;
};

/* The rules admitting one set of files, compiled together. */
struct group {
	uint64_t *bits; /* which units */
	YR_RULES *rules;
};

/* A rule file's text and what ward read of it. */
struct source {
	char *text;
	struct yara_source ys;
	int parsed;
	size_t first_unit, n_units;
};

/* What a file is admitted to: one part of a rule's condition, or a rule
 * file ward did not read. */
struct unit {
	const struct yara_gate *gate; /* NULL: the whole file, every file admitted */
	const struct yara_part *part; /* NULL with it */
	size_t strf;		      /* its rule's first string in strf[] */
	int has_strf;
};

/* What the prefilter knows of one string: factor ids first..first+n. */
struct string_factors {
	size_t first;
	unsigned n;
	int known;
};

struct ward_yara {
	YR_RULES *rules; /* every rule file */
	int from_cache;
	struct flist files;
	struct source *srcs; /* one per rule file */
	struct unit *units;
	size_t n_units;
	int gating;		     /* 1: some gate is not open */
	int on;			     /* gating and prefilter allowed ([files] yara_gating) */
	struct string_factors *strf; /* every string of every rule read */
	size_t n_strf, n_factors;
#ifdef WARD_HAVE_HYPERSCAN
	hs_database_t *db; /* every known string's factors */
#endif
	size_t words;	       /* uint64_t words in a set of units */
	char cache_base[4200]; /* "" without a cache */
	pthread_mutex_t mu;    /* guards groups */
	struct group groups[MAX_GROUPS];
	unsigned n_groups;
};

struct ward_yara_scanner {
	struct ward_yara *y;
	YR_SCANNER *all;
	YR_SCANNER *group[MAX_GROUPS];
	int timeout;
	uint64_t *bits;
	uint64_t *found; /* factors found in the file */
	const char *path;
#ifdef WARD_HAVE_HYPERSCAN
	hs_scratch_t *scratch;
#endif
	ward_yara_match_fn fn;
	void *ctx;
};

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_rc;

static void
init_yara(void)
{
	init_rc = yr_initialize();
}

static int
flist_add(struct flist *l, const char *path)
{
	if (l->n >= MAX_RULE_FILES)
		return WARD_ELIMIT;
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 32;
		char **v = realloc(l->v, cap * sizeof(*v));
		if (!v)
			return WARD_ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	if (!(l->v[l->n] = strdup(path)))
		return WARD_ENOMEM;
	l->n++;
	return 0;
}

static void
flist_free(struct flist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
is_rule_file(const char *name)
{
	const char *dot = strrchr(name, '.');

	return dot && (!strcmp(dot, ".yar") || !strcmp(dot, ".yara"));
}

/* Rule files under dir, recursively, in sorted order. */
static int
collect_dir(struct flist *l, const char *dir, int depth)
{
	struct flist here = {0};
	DIR *d;
	struct dirent *e;
	size_t i;
	int rc = 0;

	if (depth > 32)
		return 0;
	if (!(d = opendir(dir)))
		return errno == ENOENT ? WARD_ENOTFOUND : WARD_EIO;
	while ((e = readdir(d)) && rc == 0) {
		char path[4096];
		struct stat st;
		if (e->d_name[0] == '.')
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >= (int)sizeof(path))
			continue;
		if (stat(path, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode) || (S_ISREG(st.st_mode) && is_rule_file(e->d_name)))
			rc = flist_add(&here, path);
	}
	closedir(d);
	if (here.n)
		qsort(here.v, here.n, sizeof(*here.v), cmp_str);
	for (i = 0; i < here.n && rc == 0; i++) {
		struct stat st;
		if (stat(here.v[i], &st) == 0 && S_ISDIR(st.st_mode))
			rc = collect_dir(l, here.v[i], depth + 1);
		else
			rc = flist_add(l, here.v[i]);
	}
	flist_free(&here);
	return rc;
}

static int
collect(struct flist *l, const char *paths)
{
	const char *p = paths;
	int rc = 0;

	while (*p && rc == 0) {
		char path[4096];
		size_t len = strcspn(p, ",");
		const char *q = p;
		struct stat st;
		size_t m = len;
		p += len;
		if (*p == ',')
			p++;
		while (m && (*q == ' ' || *q == '\t'))
			q++, m--;
		while (m && (q[m - 1] == ' ' || q[m - 1] == '\t'))
			m--;
		if (m == 0 || m >= sizeof(path))
			continue;
		memcpy(path, q, m);
		path[m] = '\0';
		if (stat(path, &st) < 0)
			return WARD_ENOTFOUND;
		if (S_ISDIR(st.st_mode))
			rc = collect_dir(l, path, 0);
		else
			rc = flist_add(l, path);
	}
	return rc;
}

/* The cache file for these rule files: a digest of their paths, sizes and mtimes. */
static int
cache_path(const struct flist *l, const char *dir, char *out, size_t size)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char d[32];
	unsigned int dl = 0;
	char hex[33];
	size_t i;

	if (!md)
		return WARD_ENOMEM;
	EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	EVP_DigestUpdate(md, YR_VERSION, strlen(YR_VERSION));
	for (i = 0; i < l->n; i++) {
		struct stat st;
		char abs[4096], line[4096 + 64];
		if (stat(l->v[i], &st) < 0) {
			EVP_MD_CTX_free(md);
			return WARD_ENOTFOUND;
		}
		if (!realpath(l->v[i], abs))
			files_copy(abs, sizeof(abs), l->v[i]);
		snprintf(line, sizeof(line), "%s\n%lld\n%lld.%09ld\n", abs, (long long)st.st_size,
			 (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
		EVP_DigestUpdate(md, line, strlen(line));
	}
	EVP_DigestFinal_ex(md, d, &dl);
	EVP_MD_CTX_free(md);
	for (i = 0; i < 16; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
	if (snprintf(out, size, "%s/yara-%s", dir, hex) >= (int)size)
		return WARD_ELIMIT;
	return 0;
}

struct cb_ctx {
	ward_yara_error_fn fn;
	void *ctx;
	int errors;
};

static void
compile_cb(int level, const char *file, int line, const YR_RULE *rule, const char *msg, void *user)
{
	struct cb_ctx *c = user;

	(void)rule;
	if (level == YARA_ERROR_LEVEL_ERROR)
		c->errors++;
	if (c->fn)
		c->fn(c->ctx, level != YARA_ERROR_LEVEL_ERROR, file ? file : "", line, msg);
}

static void
mkdirs(const char *dir)
{
	char tmp[4096];
	char *p;

	if (snprintf(tmp, sizeof(tmp), "%s", dir) >= (int)sizeof(tmp))
		return;
	for (p = tmp + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			mkdir(tmp, 0700);
			*p = '/';
		}
	}
	mkdir(tmp, 0700);
}

static const char *
base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static YR_COMPILER *
compiler_new(struct cb_ctx *cb)
{
	YR_COMPILER *comp = NULL;

	if (yr_compiler_create(&comp) != ERROR_SUCCESS)
		return NULL;
	yr_compiler_set_callback(comp, compile_cb, cb);
	yr_compiler_define_string_variable(comp, "filename", "");
	yr_compiler_define_string_variable(comp, "filepath", "");
	yr_compiler_define_string_variable(comp, "extension", "");
	yr_compiler_define_string_variable(comp, "filetype", "");
	yr_compiler_define_string_variable(comp, "owner", "");
	return comp;
}

/* Compiles every rule file of l. */
static int
compile(const struct flist *l, struct cb_ctx *cb, YR_RULES **out)
{
	YR_COMPILER *comp;
	size_t i;
	int rc = 0;

	if (!(comp = compiler_new(cb)))
		return WARD_ELIB;
	for (i = 0; i < l->n; i++) {
		FILE *fp;
		if (!(fp = fopen(l->v[i], "r"))) {
			if (cb->fn)
				cb->fn(cb->ctx, 0, l->v[i], 0, strerror(errno));
			rc = WARD_ENOTFOUND;
			goto out;
		}
		yr_compiler_add_file(comp, fp, base_name(l->v[i]), l->v[i]);
		fclose(fp);
		/* libyara cannot go on once a file failed. */
		if (cb->errors) {
			rc = WARD_EFORMAT;
			goto out;
		}
	}
	if (yr_compiler_get_rules(comp, out) != ERROR_SUCCESS)
		rc = WARD_ELIB;
out:
	yr_compiler_destroy(comp);
	return rc;
}

/* Saves rules as path, atomically. */
static void
cache_save(YR_RULES *rules, const char *path)
{
	char tmp[4400];

	if (snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid()) >= (int)sizeof(tmp))
		return;
	if (yr_rules_save(rules, tmp) != ERROR_SUCCESS || rename(tmp, path) != 0)
		unlink(tmp);
}

/*
 * The prefilter: one Hyperscan database of the factors of every known
 * string (yara_need.c). A file whose admitted rule parts each miss a clause
 * in it cannot match and skips libyara. Without Hyperscan, or when the
 * database does not compile, every admitted file goes to libyara.
 */
static int
prefilter_build(struct ward_yara *y)
{
	size_t i, k, j, ns = 0, nf = 0, u;

	for (i = 0; i < y->files.n; i++)
		for (k = 0; y->srcs[i].parsed && k < y->srcs[i].ys.n_rules; k++)
			ns += y->srcs[i].ys.rules[k].n_strings;
	if (ns == 0)
		return 0;
	if (!(y->strf = calloc(ns, sizeof(*y->strf))))
		return WARD_ENOMEM;
	y->n_strf = ns;
	ns = 0;
	for (i = 0; i < y->files.n; i++) {
		const struct source *sr = &y->srcs[i];
		u = sr->first_unit;
		for (k = 0; sr->parsed && k < sr->ys.n_rules; k++) {
			const struct yara_rule *r = &sr->ys.rules[k];
			for (j = 0; !r->is_private && j < r->n_parts; j++, u++) {
				y->units[u].strf = ns;
				y->units[u].has_strf = 1;
			}
			for (j = 0; j < r->n_strings; j++, ns++) {
				y->strf[ns].first = nf;
				y->strf[ns].n = r->strings[j].known ? r->strings[j].n_alts : 0;
				y->strf[ns].known = r->strings[j].known;
				nf += y->strf[ns].n;
			}
		}
	}
	y->n_factors = nf;
#ifdef WARD_HAVE_HYPERSCAN
	if (nf > 0 && nf < UINT32_MAX) {
		const char **expr = calloc(nf, sizeof(*expr));
		unsigned *flags = calloc(nf, sizeof(*flags)), *ids = calloc(nf, sizeof(*ids));
		size_t *lens = calloc(nf, sizeof(*lens)), f = 0, q;
		hs_compile_error_t *err = NULL;
		if (expr && flags && ids && lens) {
			for (i = 0; i < y->files.n; i++) {
				const struct source *sr = &y->srcs[i];
				for (k = 0; sr->parsed && k < sr->ys.n_rules; k++)
					for (j = 0; j < sr->ys.rules[k].n_strings; j++) {
						const struct yara_string *st =
						    &sr->ys.rules[k].strings[j];
						for (q = 0; st->known && q < st->n_alts; q++, f++) {
							expr[f] = (const char *)st->alt[q].bytes;
							lens[f] = st->alt[q].len;
							ids[f] = (unsigned)f;
							flags[f] =
							    HS_FLAG_SINGLEMATCH |
							    (st->alt[q].caseless ? HS_FLAG_CASELESS
										 : 0);
						}
					}
			}
			if (hs_compile_lit_multi(expr, flags, ids, lens, (unsigned)nf,
						 HS_MODE_BLOCK, NULL, &y->db, &err) != HS_SUCCESS) {
				y->db = NULL;
				hs_free_compile_error(err);
			}
		}
		free(expr);
		free(flags);
		free(ids);
		free(lens);
	}
#endif
	return 0;
}

/* Reads each rule file's rules and gates; a file that cannot be read or
 * followed is one unit that admits every file. */
static int
read_sources(struct ward_yara *y)
{
	size_t i, k, n = 0;

	if (!(y->srcs = calloc(y->files.n, sizeof(*y->srcs))))
		return WARD_ENOMEM;
	for (i = 0; i < y->files.n; i++) {
		struct source *sr = &y->srcs[i];
		struct stat st;
		FILE *fp = fopen(y->files.v[i], "rb");
		if (fp && fstat(fileno(fp), &st) == 0 && st.st_size >= 0 &&
		    (uint64_t)st.st_size <= MAX_RULE_SOURCE &&
		    (sr->text = malloc((size_t)st.st_size + 1)) &&
		    fread(sr->text, 1, (size_t)st.st_size, fp) == (size_t)st.st_size) {
			sr->text[st.st_size] = '\0';
			sr->parsed = yara_source_read(sr->text, (size_t)st.st_size, &sr->ys) == 0;
		}
		if (fp)
			fclose(fp);
		if (!sr->parsed) {
			free(sr->text);
			sr->text = NULL;
		}
		sr->first_unit = n;
		if (!sr->parsed)
			sr->n_units = 1;
		else
			for (k = 0; k < sr->ys.n_rules; k++)
				if (!sr->ys.rules[k].is_private)
					sr->n_units += sr->ys.rules[k].n_parts;
		n += sr->n_units;
	}
	if (n && !(y->units = calloc(n, sizeof(*y->units))))
		return WARD_ENOMEM;
	for (i = 0; i < y->files.n; i++) {
		struct source *sr = &y->srcs[i];
		size_t u = sr->first_unit, j;
		if (!sr->parsed) {
			y->units[u].gate = NULL;
			continue;
		}
		for (k = 0; k < sr->ys.n_rules; k++) {
			const struct yara_rule *r = &sr->ys.rules[k];
			for (j = 0; !r->is_private && j < r->n_parts; j++) {
				y->units[u].gate = &r->parts[j].gate;
				y->units[u].part = &r->parts[j];
				u++;
				if (!r->parts[j].gate.open)
					y->gating = 1;
			}
		}
	}
	y->n_units = n;
	y->on = 1;
	y->words = (n + 63) / 64 + 1;
	/* Rule files sharing a namespace may name each other's rules. */
	for (i = 0; i < y->files.n && y->gating; i++)
		for (k = i + 1; k < y->files.n; k++)
			if (!strcmp(base_name(y->files.v[i]), base_name(y->files.v[k]))) {
				y->gating = 0;
				y->on = 0;
				break;
			}
	return prefilter_build(y);
}

/*
 * Removes compiled rules nobody used for CACHE_MAX_AGE: every rule change
 * leaves a whole set and its subsets behind. Loading a cache file touches
 * it, so the age is the time since last use; a set idle that long is just
 * compiled again.
 */
static void
cache_prune(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	time_t now = time(NULL);

	if (!d)
		return;
	while ((e = readdir(d))) {
		char path[4400];
		struct stat st;
		size_t n = strlen(e->d_name);
		if (strncmp(e->d_name, "yara-", 5) != 0 || n < 10 ||
		    strcmp(e->d_name + n - 5, ".yarc") != 0)
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >= (int)sizeof(path))
			continue;
		if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) &&
		    now - st.st_mtime > CACHE_MAX_AGE)
			unlink(path);
	}
	closedir(d);
}

int
ward_yara_load(const char *paths, const char *cache_dir, ward_yara_error_fn fn, void *ctx,
	       struct ward_yara **out)
{
	struct cb_ctx cb = {fn, ctx, 0};
	struct ward_yara *y = NULL;
	char cpath[4300];
	int rc;

	*out = NULL;
	pthread_once(&init_once, init_yara);
	if (init_rc != ERROR_SUCCESS)
		return WARD_ELIB;
	if (!(y = calloc(1, sizeof(*y))))
		return WARD_ENOMEM;
	pthread_mutex_init(&y->mu, NULL);
	if ((rc = collect(&y->files, paths ? paths : "")) < 0)
		goto out;
	if (y->files.n == 0) {
		rc = WARD_ENOTFOUND;
		goto out;
	}
	if (cache_dir &&
	    cache_path(&y->files, cache_dir, y->cache_base, sizeof(y->cache_base)) == 0) {
		snprintf(cpath, sizeof(cpath), "%s.yarc", y->cache_base);
		if (yr_rules_load(cpath, &y->rules) == ERROR_SUCCESS) {
			y->from_cache = 1;
			utimensat(AT_FDCWD, cpath, NULL, 0);
		} else
			y->rules = NULL;
	} else {
		y->cache_base[0] = '\0';
	}
	if (!y->rules) {
		if ((rc = compile(&y->files, &cb, &y->rules)) < 0)
			goto out;
		if (y->cache_base[0]) {
			mkdirs(cache_dir);
			cache_save(y->rules, cpath);
			cache_prune(cache_dir);
		}
	}
	rc = read_sources(y);
out:
	if (rc < 0) {
		ward_yara_free(y);
		return rc;
	}
	*out = y;
	return 0;
}

void
ward_yara_free(struct ward_yara *y)
{
	size_t i;

	if (!y)
		return;
	for (i = 0; i < y->n_groups; i++) {
		if (y->groups[i].rules)
			yr_rules_destroy(y->groups[i].rules);
		free(y->groups[i].bits);
	}
	if (y->rules)
		yr_rules_destroy(y->rules);
	for (i = 0; y->srcs && i < y->files.n; i++) {
		yara_source_free(&y->srcs[i].ys);
		free(y->srcs[i].text);
	}
	free(y->srcs);
	free(y->units);
	free(y->strf);
#ifdef WARD_HAVE_HYPERSCAN
	if (y->db)
		hs_free_database(y->db);
#endif
	flist_free(&y->files);
	pthread_mutex_destroy(&y->mu);
	free(y);
}

void
ward_yara_set_gating(struct ward_yara *y, int on)
{
	size_t i;

	if (!y)
		return;
	y->gating = 0;
	y->on = on;
	for (i = 0; on && i < y->n_units; i++)
		if (y->units[i].gate && !y->units[i].gate->open)
			y->gating = 1;
}

unsigned
ward_yara_rule_count(const struct ward_yara *y)
{
	const YR_RULE *r;
	unsigned n = 0;

	if (!y || !y->rules)
		return 0;
	yr_rules_foreach(y->rules, r) n++;
	return n;
}

int
ward_yara_from_cache(const struct ward_yara *y)
{
	return y ? y->from_cache : 0;
}

static int
scan_cb(YR_SCAN_CONTEXT *sctx, int msg, void *data, void *user)
{
	struct ward_yara_scanner *s = user;
	const YR_RULE *rule = data;
	const char *tag;
	char tags[256];
	size_t n = 0;

	(void)sctx;
	if (msg != CALLBACK_MSG_RULE_MATCHING)
		return CALLBACK_CONTINUE;
	tags[0] = '\0';
	yr_rule_tags_foreach(rule, tag)
	{
		int w = snprintf(tags + n, sizeof(tags) - n, "%s%s", n ? " " : "", tag);
		if (w < 0 || (size_t)w >= sizeof(tags) - n)
			break;
		n += (size_t)w;
	}
	if (s->fn && s->fn(s->ctx, rule->identifier, rule->ns ? rule->ns->name : "", tags))
		return CALLBACK_ABORT;
	return CALLBACK_CONTINUE;
}

static YR_SCANNER *
scanner_for(struct ward_yara_scanner *s, YR_RULES *rules)
{
	YR_SCANNER *sc;

	if (yr_scanner_create(rules, &sc) != ERROR_SUCCESS)
		return NULL;
	yr_scanner_set_callback(sc, scan_cb, s);
	yr_scanner_set_flags(sc, SCAN_FLAGS_FAST_MODE);
	if (s->timeout > 0)
		yr_scanner_set_timeout(sc, s->timeout);
	return sc;
}

struct ward_yara_scanner *
ward_yara_scanner_new(struct ward_yara *y, int timeout)
{
	struct ward_yara_scanner *s;

	if (!y || !y->rules || !(s = calloc(1, sizeof(*s))))
		return NULL;
	s->y = y;
	s->timeout = timeout;
	if (!(s->bits = calloc(y->words, sizeof(*s->bits))) ||
	    !(s->found = calloc(y->n_factors / 64 + 1, sizeof(*s->found))) ||
	    !(s->all = scanner_for(s, y->rules))) {
		free(s->bits);
		free(s->found);
		free(s);
		return NULL;
	}
#ifdef WARD_HAVE_HYPERSCAN
	if (y->db && hs_alloc_scratch(y->db, &s->scratch) != HS_SUCCESS)
		s->scratch = NULL;
#endif
	return s;
}

void
ward_yara_scanner_free(struct ward_yara_scanner *s)
{
	unsigned i;

	if (!s)
		return;
	for (i = 0; i < MAX_GROUPS; i++)
		if (s->group[i])
			yr_scanner_destroy(s->group[i]);
	yr_scanner_destroy(s->all);
#ifdef WARD_HAVE_HYPERSCAN
	if (s->scratch)
		hs_free_scratch(s->scratch);
#endif
	free(s->bits);
	free(s->found);
	free(s);
}

void
files_yara_set_name(struct ward_yara_scanner *s, const char *path)
{
	s->path = path;
}

static int
has_bit(const uint64_t *bits, size_t i)
{
	return (int)(bits[i / 64] >> (i % 64) & 1);
}

/* Appends p[n] to the buffer *b of *len bytes (capacity *cap). */
static int
append(char **b, size_t *len, size_t *cap, const char *p, size_t n)
{
	if (*len + n + 1 > *cap) {
		size_t c = (*len + n + 1) * 2;
		char *q = realloc(*b, c);
		if (!q)
			return -1;
		*b = q;
		*cap = c;
	}
	memcpy(*b + *len, p, n);
	*len += n;
	(*b)[*len] = '\0';
	return 0;
}

/* Appends rule r as the file in bits sees it: the parts it admits as they
 * are, the others as false (they are false on that file). */
static int
append_rule(char **b, size_t *len, size_t *cap, const char *text, const struct yara_rule *r,
	    const char *admitted)
{
	size_t k;
	int all = 1;

	for (k = 0; k < r->n_parts; k++)
		all &= admitted[k];
	if (all)
		return append(b, len, cap, text + r->start, r->end - r->start);
	if (append(b, len, cap, text + r->start, r->cond_start - r->start) < 0)
		return -1;
	for (k = 0; k < r->n_parts; k++) {
		const struct yara_part *p = &r->parts[k];
		if ((k && append(b, len, cap, " or ", 4) < 0) || append(b, len, cap, "(", 1) < 0 ||
		    (admitted[k] ? append(b, len, cap, text + p->start, p->end - p->start)
				 : append(b, len, cap, p->if_false, strlen(p->if_false))) < 0 ||
		    append(b, len, cap, "\n)", 2) < 0)
			return -1;
	}
	return append(b, len, cap, "\n", 1) < 0 ||
		       append(b, len, cap, text + r->cond_end, r->end - r->cond_end) < 0
		   ? -1
		   : 0;
}

/*
 * The source that runs the admitted parts of one rule file's rules: those
 * rules (their other parts false), its global rules, every rule they name
 * (in the file's order, as YARA wants a rule defined before it is named),
 * and only the imports the kept text uses.
 */
static char *
subset_source(const struct source *sr, const uint64_t *bits)
{
	const struct yara_source *ys = &sr->ys;
	size_t nr = ys->n_rules ? ys->n_rules : 1, i, k, n = 0, len = 0, cap = 0;
	size_t u = sr->first_unit, *todo = malloc(nr * sizeof(*todo)), *first = NULL;
	char *keep = calloc(nr, 1), *adm = NULL, *b = NULL;
	uint32_t modules = 0;

	first = malloc(nr * sizeof(*first));
	for (i = 0, k = 0; i < ys->n_rules; i++)
		k += ys->rules[i].n_parts;
	adm = calloc(k ? k : 1, 1);
	if (!keep || !todo || !first || !adm)
		goto fail;
	for (i = 0, k = 0; i < ys->n_rules; i++) {
		const struct yara_rule *r = &ys->rules[i];
		size_t j;
		int any = 0;
		first[i] = k;
		for (j = 0; j < r->n_parts; j++, k++) {
			/* Private rules run whole when named. */
			adm[k] = r->is_private ? 1 : (char)has_bit(bits, u++);
			any |= !r->is_private && adm[k];
		}
		if (any || r->is_global) {
			keep[i] = 1;
			todo[n++] = i;
		}
	}
	while (n > 0) {
		size_t ri = todo[--n], j;
		const struct yara_rule *r = &ys->rules[ri];
		for (j = 0; j < r->n_parts; j++) {
			const struct yara_uses *us = &r->parts[j].uses;
			size_t q;
			if (!adm[first[ri] + j])
				continue;
			modules |= us->modules;
			for (q = 0; q < us->n_refs; q++)
				if (!keep[us->refs[q]]) {
					keep[us->refs[q]] = 1;
					todo[n++] = us->refs[q];
				}
		}
	}
	for (i = 0; i < ys->n_imports; i++)
		if (modules >> i & 1 &&
		    (append(&b, &len, &cap, "import \"", 8) < 0 ||
		     append(&b, &len, &cap, ys->imports[i].name, ys->imports[i].len) < 0 ||
		     append(&b, &len, &cap, "\"\n", 2) < 0))
			goto fail;
	for (i = 0; i < ys->n_rules; i++)
		if (keep[i] &&
		    (append_rule(&b, &len, &cap, sr->text, &ys->rules[i], adm + first[i]) < 0 ||
		     append(&b, &len, &cap, "\n", 1) < 0))
			goto fail;
	if (!b && append(&b, &len, &cap, "", 0) < 0)
		goto fail;
	free(keep);
	free(todo);
	free(first);
	free(adm);
	return b;
fail:
	free(keep);
	free(todo);
	free(first);
	free(adm);
	free(b);
	return NULL;
}

/* Compiles the units in bits: each rule file's admitted rules with what
 * they need, and, whole, the rule files ward did not read. */
static int
compile_units(struct ward_yara *y, const uint64_t *bits, YR_RULES **out)
{
	struct cb_ctx quiet = {NULL, NULL, 0};
	YR_COMPILER *comp;
	size_t f, k;
	int rc = 0;

	if (!(comp = compiler_new(&quiet)))
		return WARD_ELIB;
	for (f = 0; f < y->files.n && rc == 0; f++) {
		const struct source *sr = &y->srcs[f];
		int any = 0;
		for (k = 0; k < sr->n_units; k++)
			any |= has_bit(bits, sr->first_unit + k);
		if (!any)
			continue;
		if (!sr->parsed) {
			FILE *fp = fopen(y->files.v[f], "r");
			if (!fp) {
				rc = WARD_ENOTFOUND;
				break;
			}
			yr_compiler_add_file(comp, fp, base_name(y->files.v[f]), y->files.v[f]);
			fclose(fp);
		} else {
			char *src = subset_source(sr, bits);
			if (!src) {
				rc = WARD_ENOMEM;
				break;
			}
			yr_compiler_add_string(comp, src, base_name(y->files.v[f]));
			free(src);
		}
		if (quiet.errors)
			rc = WARD_EFORMAT;
	}
	if (rc == 0 && yr_compiler_get_rules(comp, out) != ERROR_SUCCESS)
		rc = WARD_ELIB;
	yr_compiler_destroy(comp);
	return rc;
}

/* The compiled group for the units in bits, made on first need; -1
 * when it cannot be had (then the whole set serves, which is always right). */
static int
group_of(struct ward_yara *y, const uint64_t *bits)
{
	struct group *g;
	unsigned i;
	int idx = -1;

	pthread_mutex_lock(&y->mu);
	for (i = 0; i < y->n_groups; i++)
		if (!memcmp(y->groups[i].bits, bits, y->words * sizeof(*bits))) {
			idx = y->groups[i].rules ? (int)i : -1;
			goto out;
		}
	if (y->n_groups == MAX_GROUPS)
		goto out;
	g = &y->groups[y->n_groups];
	if (!(g->bits = malloc(y->words * sizeof(*bits))))
		goto out;
	memcpy(g->bits, bits, y->words * sizeof(*bits));
	g->rules = NULL;
	y->n_groups++;
	{
		char path[4400] = "";
		if (y->cache_base[0]) {
			unsigned char d[32];
			unsigned dl = 0;
			EVP_Digest(bits, y->words * sizeof(*bits), d, &dl, EVP_sha256(), NULL);
			snprintf(path, sizeof(path), "%s-%02x%02x%02x%02x%02x%02x%02x%02x.yarc",
				 y->cache_base, d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]);
			if (yr_rules_load(path, &g->rules) != ERROR_SUCCESS)
				g->rules = NULL;
			else
				utimensat(AT_FDCWD, path, NULL, 0);
		}
		if (!g->rules) {
			/* The whole set compiled, so a subset does too; should one
			 * not, the whole set serves instead. */
			if (compile_units(y, bits, &g->rules) < 0)
				g->rules = NULL;
			else if (path[0])
				cache_save(g->rules, path);
		}
	}
	idx = g->rules ? (int)(g - y->groups) : -1;
out:
	pthread_mutex_unlock(&y->mu);
	return idx;
}

#ifdef WARD_HAVE_HYPERSCAN
static int
on_factor(unsigned id, unsigned long long from, unsigned long long to, unsigned flags, void *ctx)
{
	uint64_t *found = ctx;

	(void)from;
	(void)to;
	(void)flags;
	found[id / 64] |= (uint64_t)1 << (id % 64);
	return 0;
}
#endif

/* 1 when clause c of unit u may hold: enough of its strings are unknown
 * or found. */
static int
clause_holds(const struct ward_yara_scanner *s, const struct unit *u, const struct yara_clause *c)
{
	const struct string_factors *sf = &s->y->strf[u->strf];
	size_t i, have = 0;
	unsigned k;

	for (i = 0; i < c->n_set && have < c->n; i++) {
		const struct string_factors *f = &sf[c->set[i]];
		int in = !f->known;
		for (k = 0; !in && k < f->n; k++)
			in = (int)(s->found[(f->first + k) / 64] >> ((f->first + k) % 64) & 1);
		have += (size_t)in;
	}
	return have >= c->n;
}

/* 1 when the part of unit u may be true given the factors found. */
static int
part_may_hold(const struct ward_yara_scanner *s, const struct unit *u)
{
	const struct yara_part *p = u->part;
	size_t i;
	int group = 0;

	for (i = 0; i < p->n_clauses; i++) {
		group |= clause_holds(s, u, &p->clauses[i]);
		if (p->clauses[i].or_next)
			continue;
		if (!group)
			return 0;
		group = 0;
	}
	return 1;
}

/* 1 when no admitted unit can be true on p[n]: every one needs strings,
 * and the file lacks some that each needs. */
static int
prefilter_skips(struct ward_yara_scanner *s, const uint8_t *p, size_t n)
{
#ifdef WARD_HAVE_HYPERSCAN
	struct ward_yara *y = s->y;
	size_t i;

	if (!y->db || !s->scratch || n > UINT32_MAX)
		return 0;
	for (i = 0; i < y->n_units; i++)
		if ((s->bits[i / 64] >> (i % 64) & 1) &&
		    (!y->units[i].part || !y->units[i].has_strf ||
		     y->units[i].part->n_clauses == 0))
			return 0;
	memset(s->found, 0, (y->n_factors / 64 + 1) * sizeof(*s->found));
	if (hs_scan(y->db, (const char *)p, (unsigned)n, 0, s->scratch, on_factor, s->found) !=
	    HS_SUCCESS)
		return 0;
	for (i = 0; i < y->n_units; i++)
		if ((s->bits[i / 64] >> (i % 64) & 1) && part_may_hold(s, &y->units[i]))
			return 0;
	return 1;
#else
	(void)s;
	(void)p;
	(void)n;
	return 0;
#endif
}

/* The scanner to use for p[n], or NULL when no rule can match it. */
static YR_SCANNER *
pick(struct ward_yara_scanner *s, const uint8_t *p, size_t n)
{
	struct ward_yara *y = s->y;
	size_t i, admitted = 0;
	int g;

	if (!y->on)
		return s->all;
	memset(s->bits, 0, y->words * sizeof(*s->bits));
	for (i = 0; i < y->n_units; i++)
		if (!y->units[i].gate || yara_gate_admits(y->units[i].gate, p, n)) {
			s->bits[i / 64] |= (uint64_t)1 << (i % 64);
			admitted++;
		}
	if (admitted == 0 || prefilter_skips(s, p, n))
		return NULL;
	if (!y->gating || admitted == y->n_units || (g = group_of(y, s->bits)) < 0)
		return s->all;
	if (!s->group[g] && !(s->group[g] = scanner_for(s, y->groups[g].rules)))
		return s->all;
	return s->group[g];
}

int
ward_yara_scan(struct ward_yara_scanner *s, const uint8_t *p, size_t n, ward_yara_match_fn fn,
	       void *ctx)
{
	YR_SCANNER *sc;
	int rc;

	if (!s)
		return WARD_EINVAL;
	if (!(sc = pick(s, p, n)))
		return 0;
	{
		const char *path = s->path ? s->path : "";
		const char *base = base_name(path), *dot = strrchr(base, '.');
		yr_scanner_define_string_variable(sc, "filename", base);
		yr_scanner_define_string_variable(sc, "filepath", path);
		yr_scanner_define_string_variable(sc, "extension", dot ? dot : "");
	}
	s->fn = fn;
	s->ctx = ctx;
	rc = yr_scanner_scan_mem(sc, p, n);
	s->fn = NULL;
	s->ctx = NULL;
	s->path = NULL;
	if (rc == ERROR_SUCCESS || rc == ERROR_CALLBACK_ERROR)
		return 0;
	return rc == ERROR_SCAN_TIMEOUT ? WARD_ELIMIT : WARD_ELIB;
}
