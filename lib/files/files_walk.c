/*
 * The tree walker of ward files scan: openat()/fdopendir() from each
 * directory's own descriptor, so a path is never re-resolved from the root
 * and a renamed parent cannot redirect the walk. Entries are sorted by byte
 * value, so the order (and the output) does not depend on the file system.
 * Symbolic links are not followed unless asked (then directory loops are
 * caught by device and inode); --one-file-system keeps to the root's device;
 * devices, FIFOs and sockets are never opened. Download-origin sidecars
 * ("NAME:Zone.Identifier", "._NAME") are not passed on by themselves when
 * their file is present: the file carries a flag instead. Memory is the
 * names of the directories on the current path.
 */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <dirent.h>
#include <unistd.h>

#include "ward/error.h"
#include "ward/files.h"
#include "limits.h"

#define ZONE_SUFFIX ":Zone.Identifier"
#define ZONE_LEN (sizeof(ZONE_SUFFIX) - 1)
#define PATH_CAP 4096

struct walk {
	const struct ward_walk_opts *o;
	ward_walk_fn fn;
	ward_walk_error_fn efn;
	void *ctx;
	dev_t root_dev;
	unsigned max_depth;
	char path[PATH_CAP];
	struct {
		dev_t dev;
		ino_t ino;
	} stack[WARD_LIMIT_WALK_DEPTH + 2];
	int stop;
};

int
ward_files_excluded(const struct ward_walk_opts *o, const char *path)
{
	const char *base = strrchr(path, '/');
	size_t i;

	base = base && base[1] ? base + 1 : path;
	for (i = 0; o && i < o->n_excludes; i++) {
		if (fnmatch(o->excludes[i], path, 0) == 0 || fnmatch(o->excludes[i], base, 0) == 0)
			return 1;
	}
	return 0;
}

static void
error(struct walk *w, const char *what)
{
	if (w->efn)
		w->efn(w->ctx, w->path, what);
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
has_name(char **names, size_t n, const char *key)
{
	return bsearch(&key, names, n, sizeof(*names), cmp_names) != NULL;
}

/* Whether name is a sidecar of another entry present in names. */
static int
is_attached_sidecar(char **names, size_t n, const char *name)
{
	size_t len = strlen(name);
	char base[NAME_MAX + 1];

	if (len > ZONE_LEN && strcmp(name + len - ZONE_LEN, ZONE_SUFFIX) == 0) {
		memcpy(base, name, len - ZONE_LEN);
		base[len - ZONE_LEN] = '\0';
		return has_name(names, n, base);
	}
	if (len > 2 && name[0] == '.' && name[1] == '_')
		return has_name(names, n, name + 2);
	return 0;
}

static unsigned
sidecar_flags(char **names, size_t n, const char *name)
{
	char side[NAME_MAX + ZONE_LEN + 3];
	unsigned f = 0;

	snprintf(side, sizeof(side), "%s%s", name, ZONE_SUFFIX);
	if (has_name(names, n, side))
		f |= WARD_WALK_ZONE_ID;
	snprintf(side, sizeof(side), "._%s", name);
	if (has_name(names, n, side))
		f |= WARD_WALK_APPLEDOUBLE;
	return f;
}

static void walk_dir(struct walk *w, int fd, size_t len, unsigned depth);

static void
walk_entry(struct walk *w, int dfd, char **names, size_t n, const char *name, size_t len,
	   unsigned depth)
{
	size_t nl = strlen(name);
	struct stat st;
	int fd, flags;

	if (is_attached_sidecar(names, n, name))
		return;
	if (len + 1 + nl >= PATH_CAP) {
		error(w, "path too long, skipped");
		return;
	}
	if (len && w->path[len - 1] != '/')
		w->path[len++] = '/';
	memcpy(w->path + len, name, nl + 1);
	if (ward_files_excluded(w->o, w->path))
		return;
	if (fstatat(dfd, name, &st, w->o->follow_symlinks ? 0 : AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno != ENOENT)
			error(w, strerror(errno));
		return;
	}
	if (S_ISREG(st.st_mode)) {
		if (w->fn(w->ctx, w->path, sidecar_flags(names, n, name)))
			w->stop = 1;
		return;
	}
	if (!S_ISDIR(st.st_mode))
		return; /* symbolic links (not followed), devices, FIFOs, sockets */
	if (w->o->one_file_system && st.st_dev != w->root_dev)
		return;
	if (depth + 1 > w->max_depth) {
		error(w, "too deep, not entered");
		return;
	}
	if (w->o->follow_symlinks) {
		unsigned i;
		for (i = 0; i <= depth; i++)
			if (w->stack[i].dev == st.st_dev && w->stack[i].ino == st.st_ino) {
				error(w, "directory loop, not entered");
				return;
			}
	}
	flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOCTTY;
	if (!w->o->follow_symlinks)
		flags |= O_NOFOLLOW;
	if ((fd = openat(dfd, name, flags)) < 0) {
		error(w, strerror(errno));
		return;
	}
	w->stack[depth + 1].dev = st.st_dev;
	w->stack[depth + 1].ino = st.st_ino;
	walk_dir(w, fd, len + nl, depth + 1);
}

/* Walks the directory open as fd (consumed) whose path is w->path[0..len). */
static void
walk_dir(struct walk *w, int fd, size_t len, unsigned depth)
{
	DIR *d = fdopendir(fd);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0, i;

	if (!d) {
		close(fd);
		w->path[len] = '\0';
		error(w, strerror(errno));
		return;
	}
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (n == cap) {
			char **nn;
			cap = cap ? 2 * cap : 64;
			if (!(nn = realloc(names, cap * sizeof(*nn))))
				break;
			names = nn;
		}
		if (!(names[n] = strdup(e->d_name)))
			break;
		n++;
	}
	if (n)
		qsort(names, n, sizeof(*names), cmp_names);
	for (i = 0; i < n && !w->stop; i++) {
		walk_entry(w, dirfd(d), names, n, names[i], len, depth);
		w->path[len] = '\0';
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(d);
}

/* Sidecar flags of a file named directly. */
static unsigned
root_flags(const char *path)
{
	char side[PATH_CAP + ZONE_LEN + 4];
	const char *slash = strrchr(path, '/');
	struct stat st;
	unsigned f = 0;

	if (snprintf(side, sizeof(side), "%s%s", path, ZONE_SUFFIX) < (int)sizeof(side) &&
	    lstat(side, &st) == 0 && S_ISREG(st.st_mode))
		f |= WARD_WALK_ZONE_ID;
	if (slash)
		snprintf(side, sizeof(side), "%.*s._%s", (int)(slash - path + 1), path, slash + 1);
	else
		snprintf(side, sizeof(side), "._%s", path);
	if (lstat(side, &st) == 0 && S_ISREG(st.st_mode))
		f |= WARD_WALK_APPLEDOUBLE;
	return f;
}

int
ward_files_walk(const char *root, const struct ward_walk_opts *o, ward_walk_fn fn,
		ward_walk_error_fn efn, void *ctx)
{
	struct walk *w;
	struct stat st;
	size_t len;
	int fd;

	if (!root || !o || !fn)
		return WARD_EINVAL;
	/* Roots named by the user are followed, like find -H. */
	if (stat(root, &st) < 0)
		return errno == ENOENT || errno == ENOTDIR ? WARD_ENOTFOUND : WARD_EIO;
	if (S_ISREG(st.st_mode)) {
		fn(ctx, root, root_flags(root));
		return 0;
	}
	if (!S_ISDIR(st.st_mode))
		return 0;
	len = strlen(root);
	if (len >= PATH_CAP)
		return WARD_ELIMIT;
	if (!(w = calloc(1, sizeof(*w))))
		return WARD_ENOMEM;
	w->o = o;
	w->fn = fn;
	w->efn = efn;
	w->ctx = ctx;
	w->root_dev = st.st_dev;
	w->max_depth = o->max_depth && o->max_depth <= WARD_LIMIT_WALK_DEPTH
			   ? o->max_depth
			   : WARD_LIMIT_WALK_DEPTH;
	w->stack[0].dev = st.st_dev;
	w->stack[0].ino = st.st_ino;
	memcpy(w->path, root, len + 1);
	while (len > 1 && w->path[len - 1] == '/')
		w->path[--len] = '\0';
	fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		int e = errno;
		free(w);
		return e == ENOENT ? WARD_ENOTFOUND : WARD_EIO;
	}
	walk_dir(w, fd, len, 0);
	free(w);
	return 0;
}
