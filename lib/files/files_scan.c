/*
 * One file through every detector. The file is read once (into the
 * worker's reused buffer, or mapped when large) and that one copy feeds the
 * SHA-256 IOC lookup, the key-material detectors, YARA, and, for the kinds
 * where it can find something (documents, archives, Windows programs,
 * shortcuts, disk images, HTML), the content analyser; plain text and
 * libraries are not sent to it. The file's download origin comes from its
 * extended attributes and from the sidecars beside it (a Windows
 * "NAME:Zone.Identifier" stream saved as a file, a macOS "._NAME"
 * AppleDouble file); the origin URL's host is judged by domain
 * intelligence. Findings are copied into a files_report, so a worker can
 * move on while the report waits to be printed.
 */
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ward/error.h"
#include "ward/files.h"
#include "ward/keys.h"
#include "ward/origin.h"
#include "files_internal.h"
#include "limits.h"

#define READ_MAX (16u * 1024 * 1024) /* larger files are mapped */
#define SIDECAR_MAX WARD_LIMIT_ORIGIN_SIZE
#define ZONE_SUFFIX ":Zone.Identifier"

struct ward_files_worker {
	struct ward_files_config c;
	struct ward_file_ctx *fctx;
	struct ward_yara_scanner *ys;
	uint8_t *buf;
	size_t cap;
	EVP_MD *sha256;
	struct ward_file_result fr;
	struct ward_origin origin;
	struct ward_domain_result dr;
};

void
ward_files_config_default(struct ward_files_config *c)
{
	memset(c, 0, sizeof(*c));
	ward_file_limits_default(&c->file_limits);
	c->max_file_size = WARD_LIMIT_FILE_SIZE;
	c->yara_timeout = WARD_LIMIT_YARA_TIMEOUT;
	c->keys = 1;
	c->content = 1;
	c->walk.max_depth = WARD_LIMIT_WALK_DEPTH;
}

struct ward_files_worker *
ward_files_worker_new(const struct ward_files_config *c)
{
	struct ward_files_worker *w = calloc(1, sizeof(*w));

	if (!w)
		return NULL;
	w->c = *c;
	if (c->content && !(w->fctx = ward_file_ctx_new(&c->file_limits)))
		goto fail;
	if (c->yara && !(w->ys = ward_yara_scanner_new(c->yara, c->yara_timeout)))
		goto fail;
	if (!(w->sha256 = EVP_MD_fetch(NULL, "SHA256", NULL)))
		goto fail;
	return w;
fail:
	ward_files_worker_free(w);
	return NULL;
}

void
ward_files_worker_free(struct ward_files_worker *w)
{
	if (!w)
		return;
	ward_file_ctx_free(w->fctx);
	ward_yara_scanner_free(w->ys);
	EVP_MD_free(w->sha256);
	free(w->buf);
	free(w);
}

/* ---- report building ---- */

static struct files_item *
item_new(struct files_report *rep, const struct ward_check *check, const char *object_kind,
	 const char *object)
{
	struct files_item *it;

	if (!rep->items && !(rep->items = calloc(FILES_MAX_ITEMS, sizeof(*rep->items))))
		return NULL;
	if (rep->n_items >= FILES_MAX_ITEMS)
		return NULL;
	it = &rep->items[rep->n_items++];
	memset(it, 0, sizeof(*it));
	it->check = check;
	files_copy(it->object_kind, sizeof(it->object_kind), object_kind);
	files_copy(it->object, sizeof(it->object), object);
	return it;
}

static void
item_kv(struct files_item *it, const char *key, const char *value)
{
	if (!it || !value || !value[0] || it->n_kv >= FILES_ITEM_EVIDENCE)
		return;
	it->keys[it->n_kv] = key;
	files_copy(it->values[it->n_kv], sizeof(it->values[0]), value);
	it->n_kv++;
}

/* ---- detectors ---- */

static void
check_ioc(struct ward_files_worker *w, struct files_report *rep, const uint8_t *p, size_t n)
{
	const struct ward_ioc_entry *e;
	uint8_t md[32];
	unsigned int len = 0;
	char hex[65];
	struct files_item *it;
	size_t i;

	if (!w->c.iocs || ward_ioc_set_count(w->c.iocs) == 0)
		return;
	if (!EVP_Digest(p, n, md, &len, w->sha256, NULL) || len != 32)
		return;
	if (!(e = ward_ioc_set_find(w->c.iocs, md)))
		return;
	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	if (!(it = item_new(rep, &ward_check_files_ioc_hash, "sha256", hex)))
		return;
	files_copy(it->what, sizeof(it->what), e->name[0] ? e->name : hex);
	files_copy(it->evidence, sizeof(it->evidence), e->ref[0] ? e->ref : "IOC list");
	item_kv(it, "sha256", hex);
	item_kv(it, "name", e->name);
	item_kv(it, "ref", e->ref);
}

static int
on_key(void *ctx, const struct ward_key_hit *h)
{
	struct files_report *rep = ctx;
	struct files_item *it = item_new(rep, h->check, "key", h->detail);
	char off[32];

	if (!it)
		return 1;
	it->line = h->line;
	if (h->line > 0)
		snprintf(it->what, sizeof(it->what), "line %ld", h->line);
	else
		snprintf(it->what, sizeof(it->what), "offset %zu", h->offset);
	snprintf(it->evidence, sizeof(it->evidence), "%s%sfingerprint %s", h->detail,
		 h->detail[0] ? ", " : "", h->fingerprint);
	snprintf(off, sizeof(off), "%zu", h->offset);
	item_kv(it, "kind", h->detail);
	item_kv(it, "fingerprint", h->fingerprint);
	item_kv(it, "offset", off);
	return 0;
}

static int
on_rule(void *ctx, const char *rule, const char *file, const char *tags)
{
	struct files_report *rep = ctx;
	struct files_item *it = item_new(rep, &ward_check_files_yara, "yara_rule", rule);

	if (!it)
		return 1;
	files_copy(it->what, sizeof(it->what), rule);
	snprintf(it->evidence, sizeof(it->evidence), "%s%s%s", file, tags[0] ? ", tags: " : "",
		 tags);
	item_kv(it, "rule", rule);
	item_kv(it, "rules_file", file);
	item_kv(it, "tags", tags);
	return 0;
}

static int
has_suffix(const char *name, const char *const *list)
{
	const char *dot = strrchr(name, '.');
	size_t i;

	if (!dot)
		return 0;
	for (i = 0; list[i]; i++)
		if (strcasecmp(dot + 1, list[i]) == 0)
			return 1;
	return 0;
}

/*
 * Whether the content analyser can find anything in this file: the magic of
 * documents, archives, Windows programs, shortcuts and disk images, or an
 * HTML name. ELF and Mach-O libraries and plain text are left alone.
 */
static int
worth_analysing(const uint8_t *p, size_t n, const char *name)
{
	static const char *const html[] = {"htm", "html", "shtml", "xhtml", "hta", "svg", NULL};
	static const char *const disk[] = {"dmg", "iso", "img", "vhd", "vhdx", "one", NULL};

	if (n >= 2 && p[0] == 'M' && p[1] == 'Z')
		return 1;
	if (n >= 4 && ((p[0] == 'P' && p[1] == 'K' && p[2] == 3 && p[3] == 4) ||
		       !memcmp(p, "\xd0\xcf\x11\xe0", 4) || !memcmp(p, "{\\rt", 4) ||
		       !memcmp(p, "%PDF", 4) || !memcmp(p, "Rar!", 4) || !memcmp(p, "MSCF", 4) ||
		       !memcmp(p, "\x37\x7a\xbc\xaf", 4) || !memcmp(p, "\x4c\x00\x00\x00", 4) ||
		       !memcmp(p,
			       "\xfd"
			       "7zXZ",
			       5 < n ? 5 : 4)))
		return 1;
	if (n >= 3 && ((p[0] == 0x1f && p[1] == 0x8b) || !memcmp(p, "BZh", 3)))
		return 1;
	if (n > 0x8006 && !memcmp(p + 0x8001, "CD001", 5))
		return 1;
	return has_suffix(name, html) || has_suffix(name, disk);
}

static void
check_content(struct ward_files_worker *w, struct files_report *rep, const uint8_t *p, size_t n,
	      const char *name)
{
	size_t i;

	if (!w->fctx || !worth_analysing(p, n, name))
		return;
	ward_file_analyse(w->fctx, p, n, name, &w->fr);
	for (i = 0; i < w->fr.n_hits; i++) {
		const struct ward_file_hit *h = &w->fr.hits[i];
		struct files_item *it;
		/* A program lying on disk is not news; one inside a document or an
		 * archive is. */
		if (!h->where[0] && (h->check == &ward_check_file_executable ||
				     h->check == &ward_check_file_script))
			continue;
		if (!(it = item_new(rep, h->check, "file", h->where[0] ? h->where : name)))
			return;
		if (h->where[0])
			snprintf(it->what, sizeof(it->what), " (%s)", h->where);
		files_copy(it->evidence, sizeof(it->evidence), h->detail);
		item_kv(it, "inside", h->where);
		item_kv(it, "detail", h->detail);
		item_kv(it, "type", w->fr.type);
	}
}

/* ---- download origins ---- */

static int
read_small(const char *path, uint8_t *buf, size_t cap, size_t *n)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK);
	ssize_t r;
	size_t got = 0;

	if (fd < 0)
		return WARD_ENOTFOUND;
	while (got < cap && (r = read(fd, buf + got, cap - got)) > 0)
		got += (size_t)r;
	close(fd);
	*n = got;
	return 0;
}

/* The host of an absolute URL, lower case, without user info or port. */
static int
url_host(const char *url, char *out, size_t size)
{
	const char *p = strstr(url, "://"), *end;
	const char *at;
	size_t n;

	if (!p)
		return -1;
	p += 3;
	end = p + strcspn(p, "/?#");
	at = memchr(p, '@', (size_t)(end - p));
	if (at)
		p = at + 1;
	if (*p == '[')
		return -1; /* IPv6 literal */
	n = strcspn(p, ":/?#");
	if (p + n > end)
		n = (size_t)(end - p);
	if (n == 0 || n >= size)
		return -1;
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}

static int
verdict_rank(enum ward_domain_verdict v)
{
	switch (v) {
	case WARD_VERDICT_IOC:
	case WARD_VERDICT_BLOCKLISTED:
		return 3;
	case WARD_VERDICT_LOOKALIKE:
		return 2;
	case WARD_VERDICT_NEW:
		return 1;
	default:
		return 0;
	}
}

static void
judge_origin(struct ward_files_worker *w, struct files_report *rep, const struct ward_origin *o)
{
	struct ward_domain_result *r = &w->dr;
	const struct ward_check *check = NULL;
	char host[WARD_DOMAIN_NAME_MAX + 1], evidence[256], best_url[1024], best_host[256];
	int best = 0;
	size_t i;

	if (!w->c.db)
		return;
	evidence[0] = '\0';
	for (i = 0; i < o->n_urls && i < WARD_ORIGIN_MAX_URLS; i++) {
		int rank;
		if (url_host(o->urls[i], host, sizeof(host)) < 0)
			continue;
		if (ward_domain_classify(w->c.db, (const uint8_t *)host, strlen(host), r) < 0)
			continue;
		rank = verdict_rank(r->verdict);
		if (rank <= best)
			continue;
		best = rank;
		check = rank == 3   ? &ward_check_files_origin_ioc
			: rank == 2 ? &ward_check_files_origin_lookalike
				    : &ward_check_files_origin_new;
		files_copy(best_url, sizeof(best_url), o->urls[i]);
		files_copy(best_host, sizeof(best_host),
			   r->name.unicode[0] ? r->name.unicode : host);
		if (r->n_hits) {
			const struct ward_domain_hit *h = &r->hits[0];
			snprintf(evidence, sizeof(evidence), "%s%s%s%s%s", h->check->id,
				 h->brand ? ", imitates " : "", h->brand ? h->brand : "",
				 h->detail[0] ? ": " : "", h->detail);
			if (rank == 3 && h->ref)
				snprintf(evidence, sizeof(evidence), "%s: %s", h->check->id,
					 h->ref);
		} else {
			files_copy(evidence, sizeof(evidence),
				   ward_domain_verdict_name(r->verdict));
		}
	}
	if (check) {
		struct files_item *it = item_new(rep, check, "url", best_url);
		if (!it)
			return;
		files_copy(it->what, sizeof(it->what), best_host);
		snprintf(it->evidence, sizeof(it->evidence), "%s, from %s", evidence,
			 o->source ? o->source : "origin");
		item_kv(it, "url", best_url);
		item_kv(it, "host", best_host);
		item_kv(it, "source", o->source);
		item_kv(it, "reason", evidence);
	}
}

/* Returns how many sidecars parsed. */
static int
check_origin_sidecars(struct ward_files_worker *w, struct files_report *rep, const char *path,
		      unsigned flags)
{
	char side[4200];
	uint8_t *buf;
	size_t n;
	int parsed = 0;

	if (!(flags & (WARD_WALK_ZONE_ID | WARD_WALK_APPLEDOUBLE)) || !w->c.db)
		return 0;
	if (!(buf = malloc(SIDECAR_MAX)))
		return 0;
	if (flags & WARD_WALK_ZONE_ID) {
		snprintf(side, sizeof(side), "%s%s", path, ZONE_SUFFIX);
		ward_origin_init(&w->origin);
		if (read_small(side, buf, SIDECAR_MAX, &n) == 0 &&
		    ward_origin_zone_identifier(buf, n, &w->origin) == 0) {
			if (!w->origin.source)
				w->origin.source = "Zone.Identifier";
			judge_origin(w, rep, &w->origin);
			parsed++;
		}
	}
	if (flags & WARD_WALK_APPLEDOUBLE) {
		const char *slash = strrchr(path, '/');
		if (slash)
			snprintf(side, sizeof(side), "%.*s._%s", (int)(slash - path + 1), path,
				 slash + 1);
		else
			snprintf(side, sizeof(side), "._%s", path);
		ward_origin_init(&w->origin);
		if (read_small(side, buf, SIDECAR_MAX, &n) == 0 &&
		    ward_origin_appledouble(buf, n, &w->origin) == 0) {
			if (!w->origin.source)
				w->origin.source = "AppleDouble";
			judge_origin(w, rep, &w->origin);
			parsed++;
		}
	}
	free(buf);
	return parsed;
}

/* ---- one file ---- */

static void
fail(struct files_report *rep, const char *what)
{
	rep->failed = 1;
	files_copy(rep->error, sizeof(rep->error), what);
}

/* A sidecar met on its own (its file is missing): judged for that file's name. */
static int
orphan_sidecar(struct ward_files_worker *w, struct files_report *rep)
{
	const char *path = rep->path, *base = files_base_name(path);
	size_t len = strlen(path), zl = strlen(ZONE_SUFFIX);
	char main_path[4200];
	unsigned flag;

	if (len > zl && strcmp(path + len - zl, ZONE_SUFFIX) == 0) {
		snprintf(main_path, sizeof(main_path), "%.*s", (int)(len - zl), path);
		flag = WARD_WALK_ZONE_ID;
	} else if (base[0] == '.' && base[1] == '_' && base[2]) {
		snprintf(main_path, sizeof(main_path), "%.*s%s", (int)(base - path), path,
			 base + 2);
		flag = WARD_WALK_APPLEDOUBLE;
	} else {
		return 0;
	}
	if (check_origin_sidecars(w, rep, main_path, flag) == 0)
		return 0; /* not a sidecar after all: scanned as a file */
	if (rep->n_items) {
		free(rep->path);
		rep->path = strdup(main_path);
		if (!rep->path)
			fail(rep, "out of memory");
	}
	return 1;
}

void
files_scan_report(struct ward_files_worker *w, struct files_report *rep)
{
	const char *path = rep->path;
	struct stat st;
	uint8_t *p = NULL;
	size_t n = 0;
	int fd, mapped = 0;

	if (orphan_sidecar(w, rep))
		return;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK |
			    (w->c.walk.follow_symlinks ? 0 : O_NOFOLLOW));
	if (fd < 0) {
		if (errno == ENOENT || errno == ELOOP)
			rep->skipped = 1; /* vanished, or replaced by a link */
		else
			fail(rep, strerror(errno));
		return;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		rep->skipped = 1;
		goto out;
	}
	if ((uint64_t)st.st_size > w->c.max_file_size) {
		rep->skipped = 1;
		goto out;
	}
	n = (size_t)st.st_size;
	if (n > READ_MAX) {
		p = mmap(NULL, n, PROT_READ, MAP_PRIVATE, fd, 0);
		if (p == MAP_FAILED) {
			fail(rep, strerror(errno));
			goto out;
		}
		mapped = 1;
	} else if (n > 0) {
		size_t got = 0;
		ssize_t r;
		if (n > w->cap) {
			size_t cap = n < 65536 ? 65536 : n;
			uint8_t *b = realloc(w->buf, cap);
			if (!b) {
				fail(rep, "out of memory");
				goto out;
			}
			w->buf = b;
			w->cap = cap;
		}
		while (got < n && (r = read(fd, w->buf + got, n - got)) != 0) {
			if (r < 0) {
				if (errno == EINTR)
					continue;
				fail(rep, strerror(errno));
				goto out;
			}
			got += (size_t)r;
		}
		n = got; /* the file may have shrunk */
		p = w->buf;
	}
	rep->bytes = n;
	if (n > 0) {
		check_ioc(w, rep, p, n);
		if (w->c.keys)
			ward_keys_scan(p, n, files_base_name(path), on_key, rep);
		if (w->ys) {
			int yrc;
			files_yara_set_name(w->ys, path);
			yrc = ward_yara_scan(w->ys, p, n, on_rule, rep);
			/* Said, not passed over: the rules did not all run. */
			if (yrc == WARD_ELIMIT)
				fail(rep, "YARA scan timed out ([files] yara_timeout)");
			else if (yrc < 0)
				fail(rep, "YARA scan failed");
		}
		if (w->c.content)
			check_content(w, rep, p, n, files_base_name(path));
	}
	if (w->c.db) {
		ward_origin_init(&w->origin);
		if (ward_origin_xattrs(fd, &w->origin) > 0) {
			if (!w->origin.source)
				w->origin.source = "xattr";
			judge_origin(w, rep, &w->origin);
		}
	}
	check_origin_sidecars(w, rep, path, rep->flags);
out:
	if (mapped)
		munmap(p, n);
	close(fd);
}

void
files_report_emit(struct files_report *rep, ward_files_finding_fn fn, ward_files_error_fn efn,
		  void *ctx, struct ward_files_stats *st)
{
	size_t i, k;

	if (rep->failed) {
		st->errors++;
		if (efn)
			efn(ctx, rep->path, rep->error);
	} else if (rep->skipped) {
		st->skipped++;
	} else {
		st->files++;
		st->bytes += rep->bytes;
	}
	if (rep->n_items)
		st->flagged++;
	for (i = 0; i < rep->n_items; i++) {
		const struct files_item *it = &rep->items[i];
		struct ward_finding f;
		ward_finding_init(&f, it->check);
		f.subject_kind = "file";
		f.subject_path = rep->path;
		f.subject_line = it->line;
		f.object_kind = it->object_kind;
		f.object_name = it->object;
		ward_finding_arg(&f, rep->path);
		ward_finding_arg(&f, it->what);
		ward_finding_arg(&f, it->evidence);
		for (k = 0; k < it->n_kv; k++)
			ward_finding_evidence(&f, it->keys[k], it->values[k]);
		st->findings++;
		if (fn)
			fn(ctx, &f);
	}
	free(rep->items);
	rep->items = NULL;
	rep->n_items = 0;
	free(rep->path);
	rep->path = NULL;
}

int
ward_files_scan_file(struct ward_files_worker *w, const char *path, unsigned flags,
		     ward_files_finding_fn fn, ward_files_error_fn efn, void *ctx,
		     struct ward_files_stats *st)
{
	struct files_report rep;
	const char *slash = strrchr(path, '/');
	char side[4200];
	struct stat sb;
	size_t len = strlen(path), zl = strlen(ZONE_SUFFIX);

	memset(&rep, 0, sizeof(rep));
	/* A sidecar whose file is there is judged with that file. */
	if (len > zl && strcmp(path + len - zl, ZONE_SUFFIX) == 0) {
		snprintf(side, sizeof(side), "%.*s", (int)(len - zl), path);
		if (stat(side, &sb) == 0)
			return 0;
	}
	if (slash ? slash[1] == '.' && slash[2] == '_' : path[0] == '.' && path[1] == '_') {
		const char *b = slash ? slash + 1 : path;
		snprintf(side, sizeof(side), "%.*s%s", (int)(b - path), path, b + 2);
		if (b[2] && stat(side, &sb) == 0)
			return 0;
	}
	if (flags == 0) {
		snprintf(side, sizeof(side), "%s%s", path, ZONE_SUFFIX);
		if (lstat(side, &sb) == 0 && S_ISREG(sb.st_mode))
			flags |= WARD_WALK_ZONE_ID;
		if (slash)
			snprintf(side, sizeof(side), "%.*s._%s", (int)(slash - path + 1), path,
				 slash + 1);
		else
			snprintf(side, sizeof(side), "._%s", path);
		if (lstat(side, &sb) == 0 && S_ISREG(sb.st_mode))
			flags |= WARD_WALK_APPLEDOUBLE;
	}
	if (!(rep.path = strdup(path)))
		return WARD_ENOMEM;
	rep.flags = flags;
	files_scan_report(w, &rep);
	files_report_emit(&rep, fn, efn, ctx, st);
	return 0;
}
