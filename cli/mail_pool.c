/*
 * Scanning mail on several threads. The reading thread copies each message
 * into a ring of jobs; workers, each with its own scanner, scan a job and
 * format its findings and verdict into a memory stream; the reading thread
 * prints finished jobs in the order the messages were read, so the output
 * is the same as with one thread. The ring holds at most POOL_RING jobs and
 * POOL_BYTES bytes of messages, whatever the size of the mailbox.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ward/error.h"
#include "ward/mail_scan.h"
#include "cli.h"

#define POOL_RING 64
#define POOL_BYTES (256u * 1024 * 1024)
#define POOL_MAX_THREADS 64

enum { JOB_FREE, JOB_QUEUED, JOB_RUNNING, JOB_DONE };

struct job {
	int state;
	char *path;
	size_t index;
	uint8_t *data;
	size_t n;
	char *out; /* formatted findings and verdict */
	size_t out_len;
	unsigned long findings;
	int flagged;
	int rc;
};

struct mail_pool {
	struct cli *c;
	const struct ward_out *model;
	FILE *out;
	int all_verdicts;
	pthread_mutex_t mu;
	pthread_cond_t work, done;
	struct job ring[POOL_RING];
	size_t head, next, tail; /* print <= scan <= fill */
	size_t bytes;		 /* message bytes held in the ring */
	int stop;
	int n_threads;
	pthread_t threads[POOL_MAX_THREADS];
	struct ward_mail_scanner *scanners[POOL_MAX_THREADS];
	unsigned long findings, flagged, errors;
};

struct worker_arg {
	struct mail_pool *p;
	int id;
};
static struct worker_arg worker_args[POOL_MAX_THREADS];

static void
run_job(struct mail_pool *p, struct ward_mail_scanner *s, struct ward_buf *art, struct job *j)
{
	FILE *mem = open_memstream(&j->out, &j->out_len);
	struct ward_out *o;

	j->rc = WARD_ENOMEM;
	if (!mem)
		return;
	o = ward_out_new_like(mem, p->model);
	if (o) {
		j->rc = cli_mail_scan_one(s, o, art, j->path, j->index, j->data, j->n,
					  p->all_verdicts, &j->findings, &j->flagged);
		if (ward_out_flush(o) < 0 && j->rc == 0)
			j->rc = WARD_ENOMEM;
		ward_out_free(o);
	}
	fclose(mem);
}

static void *
worker(void *arg)
{
	struct worker_arg *wa = arg;
	struct mail_pool *p = wa->p;
	struct ward_buf art;
	struct job *j;

	ward_buf_init(&art);
	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (p->next == p->tail && !p->stop)
			pthread_cond_wait(&p->work, &p->mu);
		if (p->next == p->tail)
			break;
		j = &p->ring[p->next++ % POOL_RING];
		j->state = JOB_RUNNING;
		pthread_mutex_unlock(&p->mu);
		run_job(p, p->scanners[wa->id], &art, j);
		pthread_mutex_lock(&p->mu);
		j->state = JOB_DONE;
		pthread_cond_broadcast(&p->done);
	}
	pthread_mutex_unlock(&p->mu);
	ward_buf_free(&art);
	return NULL;
}

/* Prints and frees the oldest job; called with the lock held, once it is done. */
static void
print_head(struct mail_pool *p)
{
	struct job *j = &p->ring[p->head % POOL_RING];

	if (j->out_len && fwrite(j->out, 1, j->out_len, p->out) != j->out_len)
		cli_error(p->c, "write error on standard output");
	if (j->rc < 0) {
		char name[4096];
		snprintf(name, sizeof(name), j->index ? "%s#%zu" : "%s", j->path, j->index + 1);
		cli_error(p->c, "%s: %s", name, ward_strerror(j->rc));
		p->errors++;
	}
	p->findings += j->findings;
	if (j->flagged) {
		p->flagged++;
		p->c->found = 1;
	}
	p->bytes -= j->n;
	free(j->path);
	free(j->data);
	free(j->out);
	memset(j, 0, sizeof(*j));
	p->head++;
}

struct mail_pool *
mail_pool_new(struct cli *c, struct ward_mail_scanner *const *scanners, int n, FILE *out,
	      const struct ward_out *model, int all_verdicts)
{
	struct mail_pool *p;
	int i;

	if (n < 1 || n > POOL_MAX_THREADS || !(p = calloc(1, sizeof(*p))))
		return NULL;
	p->c = c;
	p->model = model;
	p->out = out;
	p->all_verdicts = all_verdicts;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->done, NULL);
	for (i = 0; i < n; i++) {
		p->scanners[i] = scanners[i];
		worker_args[i].p = p;
		worker_args[i].id = i;
		if (pthread_create(&p->threads[i], NULL, worker, &worker_args[i]) != 0)
			break;
		p->n_threads++;
	}
	if (p->n_threads == 0) {
		free(p);
		return NULL;
	}
	return p;
}

void
mail_pool_submit(struct mail_pool *p, const char *path, size_t index, const uint8_t *data, size_t n)
{
	struct job *j;

	pthread_mutex_lock(&p->mu);
	/* Room for one more: print finished jobs in order, or wait for the oldest. */
	while (p->tail - p->head == POOL_RING || (p->tail > p->head && p->bytes + n > POOL_BYTES)) {
		if (p->ring[p->head % POOL_RING].state == JOB_DONE) {
			fflush(p->out);
			print_head(p);
		} else {
			pthread_cond_wait(&p->done, &p->mu);
		}
	}
	while (p->head < p->next && p->ring[p->head % POOL_RING].state == JOB_DONE)
		print_head(p);
	j = &p->ring[p->tail % POOL_RING];
	j->path = strdup(path);
	j->data = malloc(n ? n : 1);
	j->index = index;
	j->n = n;
	if (!j->path || !j->data) {
		free(j->path);
		free(j->data);
		memset(j, 0, sizeof(*j));
		pthread_mutex_unlock(&p->mu);
		cli_error(p->c, "%s: out of memory", path);
		return;
	}
	memcpy(j->data, data, n);
	j->state = JOB_QUEUED;
	p->bytes += n;
	p->tail++;
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->mu);
}

void
mail_pool_finish(struct mail_pool *p, unsigned long *findings, unsigned long *flagged,
		 unsigned long *errors)
{
	int i;

	pthread_mutex_lock(&p->mu);
	p->stop = 1;
	pthread_cond_broadcast(&p->work);
	while (p->head < p->tail) {
		if (p->ring[p->head % POOL_RING].state == JOB_DONE)
			print_head(p);
		else
			pthread_cond_wait(&p->done, &p->mu);
	}
	pthread_mutex_unlock(&p->mu);
	for (i = 0; i < p->n_threads; i++)
		pthread_join(p->threads[i], NULL);
	*findings += p->findings;
	*flagged += p->flagged;
	*errors += p->errors;
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->work);
	pthread_cond_destroy(&p->done);
	free(p);
}
