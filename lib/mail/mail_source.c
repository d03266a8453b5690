/*
 * Mail sources: a single message (.eml), an mbox, a Maildir, a directory of
 * message files, or stdin. Files are read in chunks and split as they come,
 * so an mbox of any size is handled in bounded memory: one message at a
 * time, at most max_size bytes of it. A message over max_size is reported
 * through err_fn and skipped.
 *
 * mbox: a line "From <sender> <date>" starts a message (the first line of
 * the file always does; later ones need a blank line before them and a
 * time of day after the sender, so "From here on..." in a body does not
 * split it). ">From " lines are unescaped the mboxrd way (one '>' less).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ward/error.h"
#include "mail_mime_priv.h"

#define CHUNK (1024 * 1024)

typedef void (*err_cb)(void *ctx, const char *path, const char *what);

enum { MODE_UNKNOWN, MODE_SINGLE, MODE_MBOX };

struct splitter {
	const char *path;
	size_t max_size;
	ward_mail_fn fn;
	void *ctx;
	err_cb err;
	int mode;
	struct ward_buf msg;  /* the message being collected */
	struct ward_buf line; /* an incomplete line carried to the next chunk */
	int in_msg;	      /* mbox: a From line opened a message */
	int skipping;	      /* the message went over max_size */
	int prev_blank;	      /* the previous line was empty */
	int cont;	      /* line holds the rest of a line already passed on */
	size_t index;
	int rc;
};

static void
sp_init(struct splitter *s, const char *path, size_t max_size, ward_mail_fn fn, void *ctx,
	err_cb err)
{
	memset(s, 0, sizeof(*s));
	s->path = path;
	s->max_size = max_size;
	s->fn = fn;
	s->ctx = ctx;
	s->err = err;
	s->prev_blank = 1;
	ward_buf_init(&s->msg);
	ward_buf_init(&s->line);
}

static void
sp_free(struct splitter *s)
{
	ward_buf_free(&s->msg);
	ward_buf_free(&s->line);
}

static void
report(struct splitter *s, const char *what)
{
	if (s->err)
		s->err(s->ctx, s->path, what);
}

/* Hands the collected message on (unless it was skipped) and starts anew. */
static void
emit(struct splitter *s)
{
	size_t n = s->msg.len;

	if (s->skipping) {
		s->index++;
	} else if (s->msg.failed) {
		report(s, "out of memory");
		s->rc = WARD_ENOMEM;
	} else if (s->mode == MODE_SINGLE || s->in_msg) {
		/* The blank line before the next From line belongs to the mbox. */
		if (s->mode == MODE_MBOX && n && s->msg.p[n - 1] == '\n') {
			size_t k = n - 1;

			if (k && s->msg.p[k - 1] == '\r')
				k--;
			if (k && s->msg.p[k - 1] == '\n')
				n = k;
		}
		if (s->mode == MODE_SINGLE || n) {
			int r = s->fn(s->ctx, s->path, s->index,
				      (const uint8_t *)(s->msg.p ? s->msg.p : ""), n);

			if (r)
				s->rc = r;
		}
		s->index++;
	}
	s->skipping = 0;
	ward_buf_reset(&s->msg);
}

static void
add_to_msg(struct splitter *s, const uint8_t *p, size_t n)
{
	if (s->skipping)
		return;
	if (s->msg.len + n > s->max_size) {
		s->skipping = 1;
		report(s, "message over the size limit, skipped");
		ward_buf_free(&s->msg);
		return;
	}
	ward_buf_add(&s->msg, p, n);
}

/* 1 if the line (line break excluded) is an mbox "From " separator. */
static int
is_from_line(const uint8_t *p, size_t n, int first)
{
	size_t i = 5, k;

	if (n < 5 || memcmp(p, "From ", 5) != 0)
		return 0;
	if (first)
		return 1;
	/* "From sender date": a sender, then a time of day (h:mm). */
	while (i < n && p[i] == ' ')
		i++;
	if (i >= n)
		return 0;
	while (i < n && p[i] != ' ' && p[i] != '\t')
		i++;
	for (k = i; k + 3 < n; k++)
		if (p[k] >= '0' && p[k] <= '9' && p[k + 1] == ':' && p[k + 2] >= '0' &&
		    p[k + 2] <= '9' && p[k + 3] >= '0' && p[k + 3] <= '9')
			return 1;
	return 0;
}

/* One complete line of an mbox (with its line break). */
static void
mbox_line(struct splitter *s, const uint8_t *p, size_t n)
{
	size_t e = n;
	int blank;

	while (e && (p[e - 1] == '\n' || p[e - 1] == '\r'))
		e--;
	if (s->cont) { /* the end of an over-long line */
		s->cont = 0;
		s->prev_blank = 0;
		add_to_msg(s, p, n);
		return;
	}
	blank = e == 0;
	if (is_from_line(p, e, !s->in_msg && s->index == 0) && (s->prev_blank || !s->in_msg)) {
		if (s->in_msg)
			emit(s);
		s->in_msg = 1;
		s->prev_blank = 0;
		return;
	}
	s->prev_blank = blank;
	if (!s->in_msg) {
		/* Text before the first From line: a message of its own if not blank. */
		if (blank)
			return;
		s->in_msg = 1;
	}
	if (e >= 6 && p[0] == '>') {
		size_t k = 0;

		while (k < e && p[k] == '>')
			k++;
		if (e - k >= 5 && memcmp(p + k, "From ", 5) == 0) {
			p++;
			n--;
		}
	}
	add_to_msg(s, p, n);
}

static void
sp_feed(struct splitter *s, const uint8_t *p, size_t n)
{
	const uint8_t *nl;

	if (s->rc || !n)
		return;
	if (s->mode == MODE_UNKNOWN) {
		/* Decide on the first five bytes. */
		if (s->line.len + n < 5) {
			ward_buf_add(&s->line, p, n);
			return;
		}
		if (s->line.len) {
			size_t need = 5 - s->line.len < n ? 5 - s->line.len : n;
			char head[5];

			memcpy(head, s->line.p, s->line.len);
			memcpy(head + s->line.len, p, need);
			s->mode = memcmp(head, "From ", 5) == 0 ? MODE_MBOX : MODE_SINGLE;
		} else {
			s->mode = memcmp(p, "From ", 5) == 0 ? MODE_MBOX : MODE_SINGLE;
		}
		if (s->mode == MODE_SINGLE && s->line.len) {
			add_to_msg(s, (const uint8_t *)s->line.p, s->line.len);
			ward_buf_reset(&s->line);
		}
	}
	if (s->mode == MODE_SINGLE) {
		add_to_msg(s, p, n);
		return;
	}
	/* mbox: whole lines; the tail waits for the next chunk. */
	while (n && !s->rc) {
		nl = memchr(p, '\n', n);
		if (!nl) {
			ward_buf_add(&s->line, p, n);
			if (s->line.len > 65536) {
				/* An over-long line is no From line: pass it on now. */
				if (!s->cont) {
					s->in_msg = 1;
					s->prev_blank = 0;
				}
				add_to_msg(s, (const uint8_t *)s->line.p, s->line.len);
				ward_buf_reset(&s->line);
				s->cont = 1;
			}
			return;
		}
		if (s->line.len) {
			ward_buf_add(&s->line, p, (size_t)(nl - p) + 1);
			if (s->line.failed) {
				s->rc = WARD_ENOMEM;
				return;
			}
			mbox_line(s, (const uint8_t *)s->line.p, s->line.len);
			ward_buf_reset(&s->line);
		} else {
			mbox_line(s, p, (size_t)(nl - p) + 1);
		}
		n -= (size_t)(nl - p) + 1;
		p = nl + 1;
	}
}

static int
sp_finish(struct splitter *s)
{
	if (s->rc)
		return s->rc;
	if (s->mode == MODE_UNKNOWN) {
		s->mode = MODE_SINGLE;
		add_to_msg(s, (const uint8_t *)s->line.p, s->line.len);
		ward_buf_reset(&s->line);
	}
	if (s->mode == MODE_MBOX && s->line.len) {
		mbox_line(s, (const uint8_t *)s->line.p, s->line.len);
		ward_buf_reset(&s->line);
	}
	if (s->mode == MODE_SINGLE || s->in_msg || s->skipping)
		emit(s);
	return s->rc;
}

int
ward_mail_split(const uint8_t *p, size_t n, const char *path, size_t max_size, ward_mail_fn fn,
		void *ctx, void (*err_fn)(void *ctx, const char *path, const char *what))
{
	struct splitter s;
	int rc;

	sp_init(&s, path ? path : "-", max_size, fn, ctx, err_fn);
	sp_feed(&s, p, n);
	rc = sp_finish(&s);
	sp_free(&s);
	return rc;
}

/* Reads fd to the end through a splitter. */
static int
read_fd(int fd, const char *path, size_t max_size, ward_mail_fn fn, void *ctx, err_cb err)
{
	struct splitter s;
	uint8_t *buf;
	ssize_t r;
	int rc = 0;

	buf = malloc(CHUNK);
	if (!buf)
		return WARD_ENOMEM;
	sp_init(&s, path, max_size, fn, ctx, err);
	for (;;) {
		r = read(fd, buf, CHUNK);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (err)
				err(ctx, path, strerror(errno));
			rc = WARD_EIO;
			break;
		}
		if (r == 0)
			break;
		/* A single message already over the limit: stop reading it. */
		if (s.mode == MODE_SINGLE && s.skipping)
			continue;
		sp_feed(&s, buf, (size_t)r);
		if (s.rc)
			break;
	}
	if (!rc)
		rc = sp_finish(&s);
	sp_free(&s);
	free(buf);
	return rc;
}

static int
read_file(const char *path, size_t max_size, ward_mail_fn fn, void *ctx, err_cb err)
{
	struct stat st;
	char head[5];
	ssize_t r;
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (err)
			err(ctx, path, strerror(errno));
		return errno == ENOENT ? WARD_ENOTFOUND : WARD_EIO;
	}
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size > max_size) {
		/* Too big for one message: only an mbox can still be read. */
		r = pread(fd, head, sizeof(head), 0);
		if (r != (ssize_t)sizeof(head) || memcmp(head, "From ", 5) != 0) {
			if (err)
				err(ctx, path, "message over the size limit, skipped");
			close(fd);
			return 0;
		}
	}
	rc = read_fd(fd, path, max_size, fn, ctx, err);
	close(fd);
	return rc;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular, non-hidden file of dir, in name order. */
static int
read_dir(const char *dir, size_t max_size, ward_mail_fn fn, void *ctx, err_cb err)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL, **grown, *path;
	size_t n = 0, cap = 0, i, dl = strlen(dir);
	struct stat st;
	int rc = 0;

	if (!d) {
		if (err)
			err(ctx, dir, strerror(errno));
		return errno == ENOENT ? WARD_ENOTFOUND : WARD_EIO;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			grown = realloc(names, cap * sizeof(*names));
			if (!grown) {
				rc = WARD_ENOMEM;
				break;
			}
			names = grown;
		}
		names[n] = strdup(e->d_name);
		if (!names[n]) {
			rc = WARD_ENOMEM;
			break;
		}
		n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), by_name);
	for (i = 0; i < n && !rc; i++) {
		size_t l = strlen(names[i]);

		path = malloc(dl + l + 2);
		if (!path) {
			rc = WARD_ENOMEM;
			break;
		}
		memcpy(path, dir, dl);
		path[dl] = '/';
		memcpy(path + dl + 1, names[i], l + 1);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			int r = read_file(path, max_size, fn, ctx, err);

			/* A file that cannot be read was reported; the others go on. */
			if (r != WARD_EIO && r != WARD_ENOTFOUND)
				rc = r;
		}
		free(path);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

static int
is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int
ward_mail_read_path(const char *path, size_t max_size, ward_mail_fn fn, void *ctx,
		    void (*err_fn)(void *ctx, const char *path, const char *what))
{
	struct stat st;
	size_t l;
	char *sub;
	int rc;

	if (!path || !fn)
		return WARD_EINVAL;
	if (strcmp(path, "-") == 0)
		return read_fd(0, "-", max_size, fn, ctx, err_fn);
	if (stat(path, &st) < 0) {
		if (err_fn)
			err_fn(ctx, path, strerror(errno));
		return errno == ENOENT || errno == ENOTDIR ? WARD_ENOTFOUND : WARD_EIO;
	}
	if (!S_ISDIR(st.st_mode))
		return read_file(path, max_size, fn, ctx, err_fn);
	/* A Maildir: new/ then cur/ (tmp/ holds deliveries in progress). */
	l = strlen(path);
	sub = malloc(l + 5);
	if (!sub)
		return WARD_ENOMEM;
	memcpy(sub, path, l);
	memcpy(sub + l, "/cur", 5);
	if (is_dir(sub)) {
		memcpy(sub + l, "/new", 5);
		if (is_dir(sub)) {
			rc = read_dir(sub, max_size, fn, ctx, err_fn);
			if (!rc) {
				memcpy(sub + l, "/cur", 5);
				rc = read_dir(sub, max_size, fn, ctx, err_fn);
			}
			free(sub);
			return rc;
		}
	}
	free(sub);
	return read_dir(path, max_size, fn, ctx, err_fn);
}

/* ---- sniffing ---- */

static const char *const known_fields[] = {
    "from",
    "to",
    "cc",
    "subject",
    "date",
    "received",
    "return-path",
    "message-id",
    "mime-version",
    "delivered-to",
    "reply-to",
    "sender",
    "x-mailer",
    "dkim-signature",
    "authentication-results",
    "arc-seal",
    "x-received",
    "in-reply-to",
    "references",
    "x-original-to",
    "content-type",
    "thread-topic",
    "thread-index",
    "x-originating-ip",
    "envelope-to",
    "x-sender",
    "x-ms-exchange-organization-authas",
    "received-spf",
    "list-id",
    "list-unsubscribe",
    "x-google-smtp-source",
    "feedback-id",
    "bcc",
    "organization",
};

static int
known_field(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof(known_fields) / sizeof(known_fields[0]); i++)
		if (ward_mime_eq((const char *)p, n, known_fields[i]))
			return 1;
	return 0;
}

int
ward_mail_sniff(const uint8_t *head, size_t n)
{
	size_t i = 0, e, j, k, fields = 0, known = 0;
	int ended = 0;

	if (!head)
		return 0;
	if (n >= 3 && head[0] == 0xef && head[1] == 0xbb && head[2] == 0xbf)
		i = 3;
	if (n - i >= 5 && memcmp(head + i, "From ", 5) == 0)
		return 1;
	while (i < n) {
		for (e = i; e < n && head[e] != '\n' && head[e] != '\r'; e++)
			;
		if (e == n && e - i < 2 && fields)
			break; /* a line cut by the end of the head */
		if (e == i) {
			ended = 1;
			break;
		}
		if (head[i] == ' ' || head[i] == '\t') {
			if (!fields)
				return 0;
		} else {
			for (j = i; j < e && head[j] > 32 && head[j] < 127 && head[j] != ':'; j++)
				;
			for (k = j; k < e && (head[k] == ' ' || head[k] == '\t'); k++)
				;
			if (j == i || k >= e || head[k] != ':') {
				if (e == n) /* cut by the end of the head */
					break;
				ended = 0;
				break;
			}
			fields++;
			known += known_field(head + i, j - i);
		}
		i = e;
		if (i < n && head[i] == '\r')
			i++;
		if (i < n && head[i] == '\n')
			i++;
		if (i >= n)
			ended = 1;
	}
	return known >= 2 || (known >= 1 && (fields >= 2 || ended));
}
