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
 * the files it is used on (yara_subset.c). Before libyara, the prefilter
 * (yara_prefilter.c) skips files lacking the bytes the rules need.
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

#include "ward/config.h"
#include "ward/error.h"
#include "ward/files.h"
#include "files_internal.h"
#include "yara_gate.h"
#include "yara_internal.h"

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
	char path[4096];
	int rc = 0;

	while (rc == 0 && ward_config_item(&p, path, sizeof(path))) {
		struct stat st;
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

static void
compile_cb(int level, const char *file, int line, const YR_RULE *rule, const char *msg, void *user)
{
	struct yara_cb *c = user;

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

YR_COMPILER *
yara_compiler_new(struct yara_cb *cb)
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
compile(const struct flist *l, struct yara_cb *cb, YR_RULES **out)
{
	YR_COMPILER *comp;
	size_t i;
	int rc = 0;

	if (!(comp = yara_compiler_new(cb)))
		return WARD_ELIB;
	for (i = 0; i < l->n; i++) {
		FILE *fp;
		if (!(fp = fopen(l->v[i], "r"))) {
			if (cb->fn)
				cb->fn(cb->ctx, 0, l->v[i], 0, strerror(errno));
			rc = WARD_ENOTFOUND;
			goto out;
		}
		yr_compiler_add_file(comp, fp, files_base_name(l->v[i]), l->v[i]);
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
void
yara_cache_save(YR_RULES *rules, const char *path)
{
	char tmp[4400];

	if (snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid()) >= (int)sizeof(tmp))
		return;
	if (yr_rules_save(rules, tmp) != ERROR_SUCCESS || rename(tmp, path) != 0)
		unlink(tmp);
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
			if (!strcmp(files_base_name(y->files.v[i]),
				    files_base_name(y->files.v[k]))) {
				y->gating = 0;
				y->on = 0;
				break;
			}
	return yara_prefilter_build(y);
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
	struct yara_cb cb = {fn, ctx, 0};
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
			yara_cache_save(y->rules, cpath);
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
	yara_prefilter_free(y);
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
	if (!(s->bits = calloc(y->words, sizeof(*s->bits))) || yara_prefilter_scanner_init(s) < 0 ||
	    !(s->all = scanner_for(s, y->rules))) {
		yara_prefilter_scanner_free(s);
		free(s->bits);
		free(s);
		return NULL;
	}
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
	yara_prefilter_scanner_free(s);
	free(s->bits);
	free(s);
}

void
files_yara_set_name(struct ward_yara_scanner *s, const char *path)
{
	s->path = path;
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
	if (admitted == 0 || yara_prefilter_skips(s, p, n))
		return NULL;
	if (!y->gating || admitted == y->n_units || (g = yara_group_of(y, s->bits)) < 0)
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
		const char *base = files_base_name(path), *dot = strrchr(base, '.');
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
