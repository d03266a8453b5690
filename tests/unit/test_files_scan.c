/* Unit tests of the file scanner (lib/files/files_*.c): SHA-256 IOC sets in
 * every accepted format (plain, hash;size;name, ClamAV .hsb, TSV, STIX 2.1),
 * YARA compile errors with file and line, a rule matching a file, the
 * walker's order, excludes, symbolic links and sidecar flags, and a whole
 * scan through the worker pool. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "ward/error.h"
#include "ward/files.h"

/* SHA-256 of "abc" and of "hello\n". */
#define H_ABC "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define H_HELLO "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"
#define H_OTHER "007816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

static char tmpdir[256];

static void
unhex(const char *h, uint8_t out[32])
{
	for (int i = 0; i < 32; i++) {
		unsigned v;
		sscanf(h + 2 * i, "%2x", &v);
		out[i] = (uint8_t)v;
	}
}

static const struct ward_ioc_entry *
find(const struct ward_ioc_set *s, const char *hex)
{
	uint8_t d[32];

	unhex(hex, d);
	return ward_ioc_set_find(s, d);
}

static struct ward_ioc_set *
load(const char *text, int *rc, struct ward_ioc_report *rep)
{
	struct ward_ioc_set *s = ward_ioc_set_new();

	assert_non_null(s);
	*rc = ward_ioc_set_load(s, (const uint8_t *)text, strlen(text), "test.txt", rep);
	ward_ioc_set_build(s);
	return s;
}

static void
test_ioc_plain(void **state)
{
	struct ward_ioc_report rep;
	int rc;
	struct ward_ioc_set *s =
	    load("# comment\n" H_ABC "\n\n" H_HELLO "  hello.txt\n", &rc, &rep);

	(void)state;
	assert_int_equal(rc, 0);
	assert_int_equal(rep.entries, 2);
	assert_int_equal(rep.bad, 0);
	assert_non_null(find(s, H_ABC));
	assert_string_equal(find(s, H_ABC)->ref, "test.txt");
	assert_string_equal(find(s, H_HELLO)->name, "hello.txt");
	assert_null(find(s, H_OTHER));
	ward_ioc_set_free(s);
}

static void
test_ioc_semicolon_and_hsb(void **state)
{
	struct ward_ioc_report rep;
	int rc;
	struct ward_ioc_set *s =
	    load(H_ABC ";3;WARD-TEST abc.bin\n" H_HELLO ":6:Win.Test.Hello:73\n"
		       "d41d8cd98f00b204e9800998ecf8427e:0:md5-only\n",
		 &rc, &rep);

	(void)state;
	assert_int_equal(rc, 0);
	assert_int_equal(rep.entries, 2);
	assert_int_equal(rep.bad, 1); /* MD5 */
	assert_int_equal(rep.first_bad_line, 3);
	assert_string_equal(find(s, H_ABC)->name, "WARD-TEST abc.bin");
	assert_string_equal(find(s, H_HELLO)->name, "Win.Test.Hello");
	ward_ioc_set_free(s);

	s = load(H_ABC ";yara-meta:apt_lazarus.yar\n" H_HELLO "\tHello dropper\tCISA AR21-048A\n",
		 &rc, &rep);
	assert_int_equal(rc, 0);
	assert_string_equal(find(s, H_ABC)->ref, "yara-meta:apt_lazarus.yar");
	assert_string_equal(find(s, H_HELLO)->name, "Hello dropper");
	assert_string_equal(find(s, H_HELLO)->ref, "CISA AR21-048A");
	ward_ioc_set_free(s);
}

static void
test_ioc_stix(void **state)
{
	struct ward_ioc_report rep;
	int rc;
	struct ward_ioc_set *s = load(
	    "{\"type\":\"bundle\",\"id\":\"bundle--1\",\"objects\":["
	    "{\"type\":\"indicator\",\"id\":\"indicator--a\",\"name\":\"AppleJeus\","
	    "\"pattern_type\":\"stix\",\"pattern\":\"[file:hashes.'SHA-256' = '" H_ABC "'] OR "
	    "[file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e']\"},"
	    "{\"type\":\"indicator\",\"id\":\"indicator--b\",\"pattern\":\"[domain-name:value = "
	    "'example.com']\"},"
	    "{\"type\":\"malware\",\"id\":\"malware--c\",\"name\":\"x\"},"
	    "{\"type\":\"indicator\",\"id\":\"indicator--d\",\"pattern\":\"[file:hashes.'SHA-256' "
	    "= '" H_HELLO "' AND file:name = 'x']\"}]}",
	    &rc, &rep);

	(void)state;
	assert_int_equal(rc, 0);
	assert_int_equal(rep.entries, 2);
	assert_int_equal(rep.bad, 1); /* the domain indicator */
	assert_string_equal(find(s, H_ABC)->name, "AppleJeus");
	assert_string_equal(find(s, H_ABC)->ref, "indicator--a");
	assert_non_null(find(s, H_HELLO));
	ward_ioc_set_free(s);

	s = load("{\"objects\": [1, 2", &rc, &rep);
	assert_int_equal(rc, WARD_EFORMAT);
	assert_non_null(strstr(rep.message, "bad JSON"));
	ward_ioc_set_free(s);
	/* Deeper than the JSON limit: refused before jansson sees it. */
	{
		char deep[400];
		memset(deep, '[', 200);
		deep[200] = '\0';
		s = load(deep, &rc, &rep);
		assert_int_equal(rc, WARD_EFORMAT);
		assert_non_null(strstr(rep.message, "nested"));
		ward_ioc_set_free(s);
	}
}

static void
test_ioc_garbage(void **state)
{
	struct ward_ioc_report rep;
	int rc;
	struct ward_ioc_set *s = load("hello world\nnot a hash\n", &rc, &rep);

	(void)state;
	assert_int_equal(rc, WARD_EFORMAT);
	assert_int_equal(rep.bad, 2);
	ward_ioc_set_free(s);
	s = ward_ioc_set_new();
	assert_int_equal(ward_ioc_set_add_builtin(s), 0);
	ward_ioc_set_free(s);
}

/* ---- files on disk ---- */

static void
put(const char *rel, const char *text)
{
	char path[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void
mk(const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	assert_int_equal(mkdir(path, 0700), 0);
}

struct errs {
	int n;
	char file[256];
	int line;
	char msg[256];
};

static void
on_yara_error(void *ctx, int warning, const char *file, int line, const char *msg)
{
	struct errs *e = ctx;

	if (warning)
		return;
	e->n++;
	snprintf(e->file, sizeof(e->file), "%s", file);
	e->line = line;
	snprintf(e->msg, sizeof(e->msg), "%s", msg);
}

static void
test_yara_compile_error(void **state)
{
	struct ward_yara *y = NULL;
	struct errs e = {0};
	char path[512];

	(void)state;
	mk("bad");
	put("bad/a.yar", "rule ok { strings: $a = \"x\" condition: $a }\n");
	put("bad/b.yar", "rule broken {\n  strings:\n    $a = \"x\"\n  condition:\n    $b\n}\n");
	snprintf(path, sizeof(path), "%s/bad", tmpdir);
	assert_int_equal(ward_yara_load(path, NULL, on_yara_error, &e, &y), WARD_EFORMAT);
	assert_null(y);
	assert_int_equal(e.n, 1);
	assert_non_null(strstr(e.file, "b.yar"));
	/* libyara names the line where it saw the condition's end. */
	assert_true(e.line == 5 || e.line == 6);
	assert_non_null(strstr(e.msg, "$b"));
	snprintf(path, sizeof(path), "%s/missing", tmpdir);
	assert_int_equal(ward_yara_load(path, NULL, on_yara_error, &e, &y), WARD_ENOTFOUND);
}

struct hits {
	int n;
	char rule[128];
	char file[128];
	char tags[128];
};

static int
on_match(void *ctx, const char *rule, const char *file, const char *tags)
{
	struct hits *h = ctx;

	h->n++;
	snprintf(h->rule, sizeof(h->rule), "%s", rule);
	snprintf(h->file, sizeof(h->file), "%s", file);
	snprintf(h->tags, sizeof(h->tags), "%s", tags);
	return 0;
}

static void
test_yara_match_and_cache(void **state)
{
	static const char data[] = "MZ...PROXY_SVC_DLL.dll...";
	struct ward_yara *y = NULL;
	struct ward_yara_scanner *sc;
	struct hits h = {0};
	struct errs e = {0};
	char path[512], cache[512];

	(void)state;
	mk("rules");
	put("rules/ghost.yar",
	    "rule Ghost : apt nk {\n strings: $a = \"PROXY_SVC_DLL.dll\"\n"
	    " condition: uint16(0) == 0x5a4d and $a and filename != \"skip\" }\n");
	snprintf(path, sizeof(path), "%s/rules", tmpdir);
	snprintf(cache, sizeof(cache), "%s/cache", tmpdir);
	assert_int_equal(ward_yara_load(path, cache, on_yara_error, &e, &y), 0);
	assert_int_equal(ward_yara_rule_count(y), 1);
	assert_int_equal(ward_yara_from_cache(y), 0);
	assert_non_null(sc = ward_yara_scanner_new(y, 5));
	assert_int_equal(ward_yara_scan(sc, (const uint8_t *)data, sizeof(data) - 1, on_match, &h),
			 0);
	assert_int_equal(h.n, 1);
	assert_string_equal(h.rule, "Ghost");
	assert_string_equal(h.file, "ghost.yar");
	assert_string_equal(h.tags, "apt nk");
	h.n = 0;
	assert_int_equal(ward_yara_scan(sc, (const uint8_t *)"PROXY_SVC_DLL.dll", 17, on_match, &h),
			 0);
	assert_int_equal(h.n, 0);
	ward_yara_scanner_free(sc);
	ward_yara_free(y);
	/* The second load comes from the cache. */
	y = NULL;
	assert_int_equal(ward_yara_load(path, cache, on_yara_error, &e, &y), 0);
	assert_int_equal(ward_yara_from_cache(y), 1);
	assert_int_equal(ward_yara_rule_count(y), 1);
	ward_yara_free(y);
	/* A rule change compiles anew and prunes cache files unused for 30
	 * days, not the recent ones. */
	{
		char old_f[600], new_f[600];
		struct timespec ts[2] = {{0, 0}, {0, 0}};
		snprintf(old_f, sizeof(old_f), "%s/yara-0123456789abcdef.yarc", cache);
		snprintf(new_f, sizeof(new_f), "%s/yara-fedcba9876543210.yarc", cache);
		put("cache/yara-0123456789abcdef.yarc", "old");
		put("cache/yara-fedcba9876543210.yarc", "recent");
		ts[0].tv_sec = ts[1].tv_sec = time(NULL) - 40 * 24 * 3600;
		assert_int_equal(utimensat(AT_FDCWD, old_f, ts, 0), 0);
		put("rules/ghost2.yar", "rule Ghost2 { condition: false }\n");
		y = NULL;
		assert_int_equal(ward_yara_load(path, cache, on_yara_error, &e, &y), 0);
		assert_int_equal(ward_yara_from_cache(y), 0);
		assert_int_equal(ward_yara_rule_count(y), 2);
		ward_yara_free(y);
		assert_int_equal(access(old_f, F_OK), -1);
		assert_int_equal(access(new_f, F_OK), 0);
	}
}

struct seen {
	int n;
	char paths[32][256];
	unsigned flags[32];
};

static int
on_path(void *ctx, const char *path, unsigned flags)
{
	struct seen *s = ctx;

	if (s->n < 32) {
		snprintf(s->paths[s->n], sizeof(s->paths[0]), "%s", path + strlen(tmpdir) + 1);
		s->flags[s->n] = flags;
	}
	s->n++;
	return 0;
}

static void
test_walk(void **state)
{
	struct ward_walk_opts o = {0};
	struct seen s = {0};
	const char *excl[] = {"*.log", "skipme"};
	char root[512];

	(void)state;
	mk("w");
	mk("w/b");
	mk("w/skipme");
	put("w/b/z.txt", "z");
	put("w/a.txt", "a");
	put("w/a.log", "a");
	put("w/skipme/x", "x");
	put("w/setup.exe", "MZ");
	put("w/setup.exe:Zone.Identifier", "[ZoneTransfer]\nZoneId=3\n");
	put("w/app.dmg", "x");
	put("w/._app.dmg", "x");
	put("w/orphan.zip:Zone.Identifier", "[ZoneTransfer]\nZoneId=3\n");
	put("w/.hidden", "h");
	snprintf(root, sizeof(root), "%s/w/link", tmpdir);
	assert_int_equal(symlink("b", root), 0);
	assert_int_equal(symlink("a.txt", strcat(strcpy(root, tmpdir), "/w/flink")), 0);
	o.excludes = excl;
	o.n_excludes = 2;
	snprintf(root, sizeof(root), "%s/w", tmpdir);
	assert_int_equal(ward_files_walk(root, &o, on_path, NULL, &s), 0);
	assert_int_equal(s.n, 6);
	assert_string_equal(s.paths[0], "w/.hidden");
	assert_string_equal(s.paths[1], "w/a.txt");
	assert_string_equal(s.paths[2], "w/app.dmg");
	assert_int_equal(s.flags[2], WARD_WALK_APPLEDOUBLE);
	assert_string_equal(s.paths[3], "w/b/z.txt");
	assert_string_equal(s.paths[4], "w/orphan.zip:Zone.Identifier");
	assert_string_equal(s.paths[5], "w/setup.exe");
	assert_int_equal(s.flags[5], WARD_WALK_ZONE_ID);
	assert_int_equal(s.flags[1], 0);

	/* Following links: the directory link and the file link appear. */
	memset(&s, 0, sizeof(s));
	o.follow_symlinks = 1;
	assert_int_equal(ward_files_walk(root, &o, on_path, NULL, &s), 0);
	assert_int_equal(s.n, 8);
	assert_string_equal(s.paths[4], "w/flink");
	assert_string_equal(s.paths[5], "w/link/z.txt");

	/* One file system: the tree is on one device, nothing changes. */
	memset(&s, 0, sizeof(s));
	o.follow_symlinks = 0;
	o.one_file_system = 1;
	assert_int_equal(ward_files_walk(root, &o, on_path, NULL, &s), 0);
	assert_int_equal(s.n, 6);

	/* A loop through a followed link is not entered twice. */
	memset(&s, 0, sizeof(s));
	assert_int_equal(symlink("..", strcat(strcpy(root, tmpdir), "/w/b/up")), 0);
	snprintf(root, sizeof(root), "%s/w", tmpdir);
	o.follow_symlinks = 1;
	o.one_file_system = 0;
	assert_int_equal(ward_files_walk(root, &o, on_path, NULL, &s), 0);
	assert_true(s.n < 30);
	snprintf(root, sizeof(root), "%s/nope", tmpdir);
	assert_int_equal(ward_files_walk(root, &o, on_path, NULL, &s), WARD_ENOTFOUND);
	assert_true(ward_files_excluded(&o, "/x/y/skipme"));
	assert_false(ward_files_excluded(&o, "/x/skipme/y.txt"));
}

struct found {
	int n;
	char ids[16][64];
	char paths[16][256];
};

static void
on_finding(void *ctx, const struct ward_finding *f)
{
	struct found *fd = ctx;

	if (fd->n < 16) {
		snprintf(fd->ids[fd->n], 64, "%s", f->check->id);
		snprintf(fd->paths[fd->n], 256, "%s", f->subject_path + strlen(tmpdir) + 1);
	}
	fd->n++;
}

static void
test_scan_pool(void **state)
{
	struct ward_files_config c;
	struct ward_files_stats st;
	struct ward_ioc_set *iocs = ward_ioc_set_new();
	struct ward_yara *y = NULL;
	struct errs e = {0};
	struct found fd = {0};
	char root[512], rules[512];
	const char *roots[1] = {root};
	int i;

	(void)state;
	mk("t");
	put("t/abc.bin", "abc");
	for (i = 0; i < 40; i++) {
		char name[64];
		snprintf(name, sizeof(name), "t/f%02d.txt", i);
		put(name, i == 17 ? "MZ PROXY_SVC_DLL.dll" : "nothing here\n");
	}
	assert_int_equal(
	    ward_ioc_set_load(iocs, (const uint8_t *)H_ABC "\n", strlen(H_ABC) + 1, "t", NULL), 0);
	ward_ioc_set_build(iocs);
	snprintf(rules, sizeof(rules), "%s/rules", tmpdir);
	assert_int_equal(ward_yara_load(rules, NULL, on_yara_error, &e, &y), 0);
	ward_files_config_default(&c);
	c.iocs = iocs;
	c.yara = y;
	c.threads = 3;
	snprintf(root, sizeof(root), "%s/t", tmpdir);
	assert_int_equal(ward_files_scan(&c, roots, 1, on_finding, NULL, NULL, &fd, &st), 0);
	assert_int_equal(st.files, 41);
	assert_int_equal(st.findings, 2);
	assert_int_equal(fd.n, 2);
	/* Walk order, whatever the threads. */
	assert_string_equal(fd.ids[0], "files.ioc_hash");
	assert_string_equal(fd.paths[0], "t/abc.bin");
	assert_string_equal(fd.ids[1], "files.yara");
	assert_string_equal(fd.paths[1], "t/f17.txt");
	/* Size cap: skipped and counted. */
	memset(&fd, 0, sizeof(fd));
	c.max_file_size = 2;
	assert_int_equal(ward_files_scan(&c, roots, 1, on_finding, NULL, NULL, &fd, &st), 0);
	assert_int_equal(st.files, 0);
	assert_int_equal(st.skipped, 41);
	ward_yara_free(y);
	ward_ioc_set_free(iocs);
}

static int
setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/ward-files-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int
teardown(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ioc_plain),
	    cmocka_unit_test(test_ioc_semicolon_and_hsb),
	    cmocka_unit_test(test_ioc_stix),
	    cmocka_unit_test(test_ioc_garbage),
	    cmocka_unit_test(test_yara_compile_error),
	    cmocka_unit_test(test_yara_match_and_cache),
	    cmocka_unit_test(test_walk),
	    cmocka_unit_test(test_scan_pool),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
