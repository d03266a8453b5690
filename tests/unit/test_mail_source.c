/* Unit tests of the mail sources (lib/mail/mail_source.c): .eml, mbox,
 * Maildir, plain directories, stdin, size limits and sniffing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "ward/error.h"
#include "ward/mail.h"

#define MAXMSG 16

struct seen {
	size_t n;
	char *path[MAXMSG];
	size_t index[MAXMSG];
	char *msg[MAXMSG];
	size_t errors;
	char last_err[256];
	int stop_after; /* non-zero: return 42 after that many messages */
};

static int
on_msg(void *ctx, const char *path, size_t index, const uint8_t *p, size_t n)
{
	struct seen *s = ctx;

	if (s->n < MAXMSG) {
		s->path[s->n] = strdup(path);
		s->index[s->n] = index;
		s->msg[s->n] = malloc(n + 1);
		memcpy(s->msg[s->n], p, n);
		s->msg[s->n][n] = '\0';
	}
	s->n++;
	if (s->stop_after && s->n >= (size_t)s->stop_after)
		return 42;
	return 0;
}

static void
on_err(void *ctx, const char *path, const char *what)
{
	struct seen *s = ctx;

	s->errors++;
	snprintf(s->last_err, sizeof(s->last_err), "%s: %s", path, what);
}

static void
seen_free(struct seen *s)
{
	size_t i;

	for (i = 0; i < s->n && i < MAXMSG; i++) {
		free(s->path[i]);
		free(s->msg[i]);
	}
	memset(s, 0, sizeof(*s));
}

static char tmpdir[256];

static int
setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/ward-mail-src-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int
teardown(void **state)
{
	char cmd[512];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
write_file(const char *rel, const char *content)
{
	char path[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	fp = fopen(path, "wb");
	assert_non_null(fp);
	fwrite(content, 1, strlen(content), fp);
	fclose(fp);
}

static void
make_dir(const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	assert_int_equal(mkdir(path, 0700), 0);
}

static int
read_rel(const char *rel, size_t max, struct seen *s)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	return ward_mail_read_path(path, max, on_msg, s, on_err);
}

#define MBOX3                                                                                      \
	"From alice@example.com Mon Jan  1 10:00:00 2024\n"                                        \
	"Subject: one\n"                                                                           \
	"\n"                                                                                       \
	"From here on it is body text, not a separator.\n"                                         \
	">From the escaped line\n"                                                                 \
	">>From twice escaped\n"                                                                   \
	"\n"                                                                                       \
	"From bob@example.com Tue Jan  2 11:30:00 2024\n"                                          \
	"Subject: two\n"                                                                           \
	"\n"                                                                                       \
	"second\n"                                                                                 \
	"\n"                                                                                       \
	"From carol@example.com Wed Jan  3 12:45:00 2024\n"                                        \
	"Subject: three\n"                                                                         \
	"\n"                                                                                       \
	"third\n"

static void
test_mbox(void **state)
{
	static const char crlf[] = "From a@b Mon Jan  1 10:00:00 2024\r\n"
				   "Subject: x\r\n\r\nbody\r\n\r\n"
				   "From c@d Mon Jan  1 10:00:01 2024\r\n"
				   "Subject: y\r\n\r\n>From z\r\n";
	struct seen s = {0};

	(void)state;
	write_file("box.mbox", MBOX3);
	assert_int_equal(read_rel("box.mbox", 1 << 20, &s), 0);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.errors, 0);
	assert_string_equal(s.msg[0], "Subject: one\n\n"
				      "From here on it is body text, not a separator.\n"
				      "From the escaped line\n"
				      ">From twice escaped\n");
	assert_string_equal(s.msg[1], "Subject: two\n\nsecond\n");
	assert_string_equal(s.msg[2], "Subject: three\n\nthird\n");
	assert_int_equal(s.index[0], 0);
	assert_int_equal(s.index[2], 2);
	assert_non_null(strstr(s.path[1], "box.mbox"));
	seen_free(&s);

	/* From memory, CRLF line ends. */
	assert_int_equal(ward_mail_split((const uint8_t *)crlf, sizeof(crlf) - 1, "mem", 1 << 20,
					 on_msg, &s, on_err),
			 0);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.msg[0], "Subject: x\r\n\r\nbody\r\n");
	assert_string_equal(s.msg[1], "Subject: y\r\n\r\nFrom z\r\n");
	seen_free(&s);

	/* A callback's non-zero value stops the read and comes back. */
	s.stop_after = 2;
	assert_int_equal(read_rel("box.mbox", 1 << 20, &s), 42);
	assert_int_equal(s.n, 2);
	seen_free(&s);
}

static void
test_mbox_oversize(void **state)
{
	struct seen s = {0};
	char *big = malloc(300000);
	size_t i;

	(void)state;
	strcpy(big, "From a@b Mon Jan  1 10:00:00 2024\nSubject: big\n\n");
	for (i = strlen(big); i < 200000; i++)
		big[i] = i % 80 ? 'x' : '\n';
	big[i] = '\0';
	strcat(big, "\n\nFrom c@d Mon Jan  1 10:00:01 2024\nSubject: small\n\nok\n");
	write_file("big.mbox", big);
	assert_int_equal(read_rel("big.mbox", 100000, &s), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.errors, 1);
	assert_non_null(strstr(s.last_err, "size limit"));
	assert_string_equal(s.msg[0], "Subject: small\n\nok\n");
	assert_int_equal(s.index[0], 1);
	seen_free(&s);
	free(big);
}

static void
test_eml(void **state)
{
	struct seen s = {0};

	(void)state;
	write_file("one.eml", "Subject: single\n\nFrom the start of a line\nbody\n");
	assert_int_equal(read_rel("one.eml", 1 << 20, &s), 0);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.msg[0], "Subject: single\n\nFrom the start of a line\nbody\n");
	seen_free(&s);

	/* Over max_size: reported, skipped, nothing read. */
	assert_int_equal(read_rel("one.eml", 10, &s), 0);
	assert_int_equal(s.n, 0);
	assert_int_equal(s.errors, 1);
	seen_free(&s);

	/* Empty file: one empty message. */
	write_file("empty.eml", "");
	assert_int_equal(read_rel("empty.eml", 100, &s), 0);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.msg[0], "");
	seen_free(&s);

	assert_int_equal(read_rel("missing.eml", 100, &s), WARD_ENOTFOUND);
	assert_int_equal(s.errors, 1);
	seen_free(&s);
	assert_int_equal(ward_mail_read_path(NULL, 1, on_msg, &s, NULL), WARD_EINVAL);
}

static void
test_maildir(void **state)
{
	struct seen s = {0};

	(void)state;
	make_dir("md");
	make_dir("md/cur");
	make_dir("md/new");
	make_dir("md/tmp");
	write_file("md/new/2.host", "Subject: new\n\nn\n");
	write_file("md/cur/1.host:2,S", "Subject: cur one\n\nc1\n");
	write_file("md/cur/3.host:2,S", "Subject: cur three\n\nc3\n");
	write_file("md/tmp/9.host", "Subject: in delivery\n\nt\n");
	write_file("md/cur/.hidden", "Subject: hidden\n\nh\n");
	assert_int_equal(read_rel("md", 1 << 20, &s), 0);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.msg[0], "Subject: new\n\nn\n");
	assert_string_equal(s.msg[1], "Subject: cur one\n\nc1\n");
	assert_string_equal(s.msg[2], "Subject: cur three\n\nc3\n");
	assert_non_null(strstr(s.path[1], "md/cur/1.host:2,S"));
	seen_free(&s);
}

static void
test_plain_dir(void **state)
{
	struct seen s = {0};

	(void)state;
	make_dir("dir");
	make_dir("dir/sub");
	write_file("dir/b.eml", "Subject: b\n\nb\n");
	write_file("dir/a.eml", "Subject: a\n\na\n");
	write_file("dir/c.mbox", "From x@y Mon Jan  1 10:00:00 2024\nSubject: c1\n\nc\n\n"
				 "From x@y Mon Jan  1 10:00:00 2024\nSubject: c2\n\nc\n");
	write_file("dir/sub/deep.eml", "Subject: deep\n\nnot read\n");
	assert_int_equal(read_rel("dir", 1 << 20, &s), 0);
	assert_int_equal(s.n, 4);
	assert_string_equal(s.msg[0], "Subject: a\n\na\n");
	assert_string_equal(s.msg[1], "Subject: b\n\nb\n");
	assert_string_equal(s.msg[2], "Subject: c1\n\nc\n");
	assert_int_equal(s.index[3], 1);
	seen_free(&s);
}

static void
test_stdin(void **state)
{
	struct seen s = {0};
	char path[512];
	int saved, fd;
	FILE *fp;

	(void)state;
	snprintf(path, sizeof(path), "%s/stdin.mbox", tmpdir);
	fp = fopen(path, "wb");
	fputs(MBOX3, fp);
	fclose(fp);
	saved = dup(0);
	fp = fopen(path, "rb");
	fd = fileno(fp);
	assert_true(dup2(fd, 0) == 0);
	assert_int_equal(ward_mail_read_path("-", 1 << 20, on_msg, &s, on_err), 0);
	dup2(saved, 0);
	close(saved);
	fclose(fp);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.path[0], "-");
	assert_string_equal(s.msg[2], "Subject: three\n\nthird\n");
	seen_free(&s);
}

static int
sniff(const char *s)
{
	return ward_mail_sniff((const uint8_t *)s, strlen(s));
}

static void
test_sniff(void **state)
{
	(void)state;
	assert_true(sniff("From a@b Mon Jan  1 10:00:00 2024\n"));
	assert_true(sniff("Return-Path: <a@b>\nReceived: from x\n\tby y\nSubject: hi\n"));
	assert_true(sniff("Subject: only one\n\nbody"));
	assert_true(sniff("X-Foo: 1\nFrom: a@b\nTo: c@d\n"));
	assert_true(sniff("\xef\xbb\xbfSubject: bom\nDate: x\n"));
	assert_false(sniff(""));
	assert_false(sniff("Note: this is a text file\nwith lines\n"));
	assert_false(sniff("Date: 2024-01-01 a log line\nanother log line\n"));
	assert_false(sniff("{\"json\": 1}\n"));
	assert_false(sniff("<html><body>x</body></html>"));
	assert_false(sniff(" From: indented\n"));
	assert_false(ward_mail_sniff(NULL, 0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_mbox),      cmocka_unit_test(test_mbox_oversize),
	    cmocka_unit_test(test_eml),	      cmocka_unit_test(test_maildir),
	    cmocka_unit_test(test_plain_dir), cmocka_unit_test(test_stdin),
	    cmocka_unit_test(test_sniff),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
