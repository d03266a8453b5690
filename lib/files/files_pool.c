/*
 * The worker pool of ward files scan. A walker thread feeds paths into a
 * ring of WARD_LIMIT_FILES_WINDOW slots; N workers take them in order, each
 * with its own analyser, YARA scanner and read buffer, and leave their
 * report in the slot; the calling thread prints the reports in slot order.
 * The walker may run at most one window ahead of the output, so memory is
 * bounded by the window whatever the size of the tree, and the output
 * order is the walk order whatever the number of workers. Workers take the
 * largest of the big files in flight first (longest job first), then the
 * others in order: one big file met at the end would otherwise run alone.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ward/error.h"
#include "ward/files.h"
#include "files_internal.h"
#include "limits.h"

#define WINDOW WARD_LIMIT_FILES_WINDOW
#define MAX_THREADS 256

enum { S_EMPTY = 0, S_QUEUED, S_BUSY, S_DONE };

struct slot {
	struct files_report rep;
	int state;
	uint64_t size; /* a hint from stat at walk time */
};

struct pool {
	const struct ward_files_config *c;
	const char *const *roots;
	size_t n_roots;
	pthread_mutex_t mu;
	pthread_cond_t cv_walker, cv_worker, cv_main;
	struct slot slots[WINDOW];
	uint64_t produced, taken, emitted;
	uint64_t big[WINDOW]; /* sequence numbers of queued big files */
	size_t n_big;
	int walk_done;
	struct ward_files_worker **workers;
};

/* Puts a slot in the ring; state S_QUEUED for a file, S_DONE for an error. */
static int
push(struct pool *p, const char *path, unsigned flags, const char *error)
{
	struct slot *s;
	char *copy = strdup(path);
	struct stat st;
	uint64_t size = 0;

	if (!copy)
		return 1;
	if (!error && stat(path, &st) == 0 && st.st_size > 0)
		size = (uint64_t)st.st_size;
	pthread_mutex_lock(&p->mu);
	while (p->produced - p->emitted >= WINDOW)
		pthread_cond_wait(&p->cv_walker, &p->mu);
	s = &p->slots[p->produced % WINDOW];
	memset(s, 0, sizeof(*s));
	s->rep.path = copy;
	s->rep.flags = flags;
	if (error) {
		s->rep.failed = 1;
		files_copy(s->rep.error, sizeof(s->rep.error), error);
		s->state = S_DONE;
		pthread_cond_signal(&p->cv_main);
	} else {
		s->state = S_QUEUED;
		s->size = size;
		if (size >= WARD_LIMIT_FILES_BIG && p->n_big < WINDOW)
			p->big[p->n_big++] = p->produced;
		pthread_cond_signal(&p->cv_worker);
	}
	p->produced++;
	pthread_mutex_unlock(&p->mu);
	return 0;
}

static int
on_path(void *ctx, const char *path, unsigned flags)
{
	return push(ctx, path, flags, NULL);
}

static void
on_walk_error(void *ctx, const char *path, const char *what)
{
	push(ctx, path, 0, what);
}

static void *
walker(void *arg)
{
	struct pool *p = arg;
	size_t i;

	for (i = 0; i < p->n_roots; i++) {
		int rc = ward_files_walk(p->roots[i], &p->c->walk, on_path, on_walk_error, p);
		if (rc < 0)
			push(p, p->roots[i], 0, ward_strerror(rc));
	}
	pthread_mutex_lock(&p->mu);
	p->walk_done = 1;
	pthread_cond_broadcast(&p->cv_worker);
	pthread_cond_broadcast(&p->cv_main);
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

struct worker_arg {
	struct pool *p;
	struct ward_files_worker *w;
};

static void *
worker(void *arg)
{
	struct worker_arg *a = arg;
	struct pool *p = a->p;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		struct slot *s;
		while (p->taken == p->produced && p->n_big == 0 && !p->walk_done)
			pthread_cond_wait(&p->cv_worker, &p->mu);
		if (p->n_big > 0) {
			size_t i, best = 0;
			for (i = 1; i < p->n_big; i++)
				if (p->slots[p->big[i] % WINDOW].size >
				    p->slots[p->big[best] % WINDOW].size)
					best = i;
			s = &p->slots[p->big[best] % WINDOW];
			p->big[best] = p->big[--p->n_big];
		} else if (p->taken < p->produced) {
			s = &p->slots[p->taken++ % WINDOW];
		} else {
			break;
		}
		/* Taken already (a big file), or an error: nothing to scan. */
		if (s->state != S_QUEUED)
			continue;
		s->state = S_BUSY;
		pthread_mutex_unlock(&p->mu);
		files_scan_report(a->w, &s->rep);
		pthread_mutex_lock(&p->mu);
		s->state = S_DONE;
		pthread_cond_signal(&p->cv_main);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

static double
now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int
ward_files_scan(const struct ward_files_config *c, const char *const *roots, size_t n,
		ward_files_finding_fn fn, ward_files_error_fn efn, ward_files_progress_fn progress,
		void *ctx, struct ward_files_stats *st)
{
	struct pool *p;
	struct worker_arg *args = NULL;
	pthread_t *tids = NULL, wt;
	unsigned nt = c->threads, i, started = 0;
	int rc = 0, walker_started = 0;
	double last = now();

	memset(st, 0, sizeof(*st));
	if (nt == 0) {
		long cpus = sysconf(_SC_NPROCESSORS_ONLN);
		nt = cpus > 0 ? (unsigned)cpus : 1;
	}
	if (nt > MAX_THREADS)
		nt = MAX_THREADS;
	if (!(p = calloc(1, sizeof(*p))))
		return WARD_ENOMEM;
	p->c = c;
	p->roots = roots;
	p->n_roots = n;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv_walker, NULL);
	pthread_cond_init(&p->cv_worker, NULL);
	pthread_cond_init(&p->cv_main, NULL);
	tids = calloc(nt, sizeof(*tids));
	args = calloc(nt, sizeof(*args));
	if (!tids || !args) {
		rc = WARD_ENOMEM;
		goto out;
	}
	for (i = 0; i < nt; i++) {
		args[i].p = p;
		if (!(args[i].w = ward_files_worker_new(c))) {
			rc = WARD_ELIB;
			goto out;
		}
	}
	for (started = 0; started < nt; started++)
		if (pthread_create(&tids[started], NULL, worker, &args[started]) != 0)
			break;
	if (started == 0 || pthread_create(&wt, NULL, walker, p) != 0) {
		pthread_mutex_lock(&p->mu);
		p->walk_done = 1;
		pthread_cond_broadcast(&p->cv_worker);
		pthread_mutex_unlock(&p->mu);
		rc = WARD_ELIB;
		goto join;
	}
	walker_started = 1;
	pthread_mutex_lock(&p->mu);
	for (;;) {
		struct slot *s = &p->slots[p->emitted % WINDOW];
		struct files_report rep;
		if (p->emitted < p->produced && s->state == S_DONE) {
			rep = s->rep;
			memset(s, 0, sizeof(*s));
			p->emitted++;
			pthread_cond_signal(&p->cv_walker);
			pthread_mutex_unlock(&p->mu);
			files_report_emit(&rep, fn, efn, ctx, st);
			if (progress && now() - last >= 0.25) {
				last = now();
				progress(ctx, st, NULL);
			}
			pthread_mutex_lock(&p->mu);
			continue;
		}
		if (p->walk_done && p->emitted == p->produced)
			break;
		if (progress) {
			struct timespec t;
			clock_gettime(CLOCK_REALTIME, &t);
			t.tv_nsec += 250000000;
			if (t.tv_nsec >= 1000000000) {
				t.tv_sec++;
				t.tv_nsec -= 1000000000;
			}
			pthread_cond_timedwait(&p->cv_main, &p->mu, &t);
			if (now() - last >= 0.25) {
				last = now();
				pthread_mutex_unlock(&p->mu);
				progress(ctx, st, NULL);
				pthread_mutex_lock(&p->mu);
			}
		} else {
			pthread_cond_wait(&p->cv_main, &p->mu);
		}
	}
	pthread_mutex_unlock(&p->mu);
join:
	if (walker_started)
		pthread_join(wt, NULL);
	for (i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
out:
	for (i = 0; args && i < nt; i++)
		ward_files_worker_free(args[i].w);
	free(args);
	free(tids);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv_walker);
	pthread_cond_destroy(&p->cv_worker);
	pthread_cond_destroy(&p->cv_main);
	free(p);
	return rc;
}
