/* Unit tests of the containers (lib/scan/scan_archive.c) and of HTML
 * smuggling and PDF active content: archives written here with libarchive
 * holding a fake PE header (not a program), encryption, nesting, a zip
 * bomb, entry limits, and the own decoders (BinHex, TNEF, SZDD, OneNote). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <locale.h>
#include <time.h>

#include <archive.h>
#include <archive_entry.h>
#include <cmocka.h>

#include "ward/error.h"
#include "ward/file.h"

static struct ward_file_ctx *ctx;
static struct ward_file_result r;
static uint8_t pe[512];

struct ent {
	const char *name;
	const void *data;
	size_t len;
};

static int
setup(void **state)
{
	(void)state;
	/* Entry names must survive the "C" locale (libarchive converts through it). */
	setlocale(LC_ALL, "C");
	memset(pe, 0, sizeof(pe));
	pe[0] = 'M';
	pe[1] = 'Z';
	pe[0x3c] = 0x80;
	memcpy(pe + 0x80, "PE\0\0\x4c\x01", 6);
	pe[0x98] = 0x0b;
	pe[0x99] = 0x01;
	ctx = ward_file_ctx_new(NULL);
	return ctx ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	ward_file_ctx_free(ctx);
	return 0;
}

static const struct ward_file_hit *
hit(const struct ward_check *c, const char *where)
{
	size_t i;

	for (i = 0; i < r.n_hits; i++)
		if (r.hits[i].check == c && strcmp(r.hits[i].where, where) == 0)
			return &r.hits[i];
	return NULL;
}

static void
assert_hit(const struct ward_check *c, const char *where, const char *detail_part)
{
	const struct ward_file_hit *h = hit(c, where);

	if (!h) {
		size_t i;
		for (i = 0; i < r.n_hits; i++)
			print_message("  have %s [%s] %s\n", r.hits[i].check->id, r.hits[i].where,
				      r.hits[i].detail);
		fail_msg("no %s at [%s]", c->id, where);
	}
	if (detail_part && !strstr(h->detail, detail_part))
		fail_msg("%s detail \"%s\" lacks \"%s\"", c->id, h->detail, detail_part);
}

static int
has_check(const struct ward_check *c)
{
	size_t i;

	for (i = 0; i < r.n_hits; i++)
		if (r.hits[i].check == c)
			return 1;
	return 0;
}

/*
 * Writes entries as format (ARCHIVE_FORMAT_*) through filter (ARCHIVE_FILTER_*
 * or -1) with write options opts (may be NULL) and passphrase (may be NULL).
 * Returns a malloc'd buffer of *n bytes.
 */
static uint8_t *
make(int format, int filter, const char *opts, const char *pass, const struct ent *e, size_t count,
     size_t cap, size_t *n)
{
	struct archive *a = archive_write_new();
	struct archive_entry *ae = archive_entry_new();
	uint8_t *out = malloc(cap);
	size_t i;

	assert_non_null(out);
	assert_int_equal(archive_write_set_format(a, format), ARCHIVE_OK);
	if (filter >= 0)
		assert_int_equal(archive_write_add_filter(a, filter), ARCHIVE_OK);
	if (opts)
		assert_int_equal(archive_write_set_options(a, opts), ARCHIVE_OK);
	if (pass)
		assert_int_equal(archive_write_set_passphrase(a, pass), ARCHIVE_OK);
	assert_int_equal(archive_write_open_memory(a, out, cap, n), ARCHIVE_OK);
	for (i = 0; i < count; i++) {
		archive_entry_clear(ae);
		archive_entry_update_pathname_utf8(ae, e[i].name);
		archive_entry_set_filetype(ae, AE_IFREG);
		archive_entry_set_perm(ae, 0644);
		archive_entry_set_size(ae, (la_int64_t)e[i].len);
		assert_int_equal(archive_write_header(a, ae), ARCHIVE_OK);
		if (e[i].len)
			assert_int_equal(archive_write_data(a, e[i].data, e[i].len),
					 (la_ssize_t)e[i].len);
	}
	archive_entry_free(ae);
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
	return out;
}

static void
analyse(struct ward_file_ctx *c, const uint8_t *p, size_t n, const char *name)
{
	assert_int_equal(ward_file_analyse(c, p, n, name, &r), 0);
}

static void
test_formats(void **state)
{
	static const struct {
		int format, filter;
		const char *kind;
	} f[] = {
	    {ARCHIVE_FORMAT_ZIP, -1, "zip"},
	    {ARCHIVE_FORMAT_7ZIP, -1, "7z"},
	    {ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, ARCHIVE_FILTER_GZIP, "gzip"},
	    {ARCHIVE_FORMAT_TAR_USTAR, ARCHIVE_FILTER_XZ, "xz"},
	    {ARCHIVE_FORMAT_CPIO_SVR4_NOCRC, -1, "cpio"},
	    {ARCHIVE_FORMAT_ISO9660, -1, "iso"},
	};
	const struct ent e[] = {{"readme.txt", "hello\n", 6}, {"docs/payload.exe", pe, sizeof(pe)}};
	size_t i, n;
	(void)state;

	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		uint8_t *b = make(f[i].format, f[i].filter, NULL, NULL, e, 2, 1 << 20, &n);
		analyse(ctx, b, n, "files.bin");
		if (strcmp(r.kind, f[i].kind) != 0)
			fail_msg("format %zu typed %s, want %s", i, r.kind, f[i].kind);
		assert_hit(&ward_check_file_executable, "docs/payload.exe", "PE32");
		assert_int_equal(r.n_entries, 2);
		assert_false(r.truncated);
		free(b);
	}
}

static void
test_single_stream(void **state)
{
	const struct ent e[] = {{"data", pe, sizeof(pe)}};
	size_t n;
	uint8_t *b = make(ARCHIVE_FORMAT_RAW, ARCHIVE_FILTER_BZIP2, NULL, NULL, e, 1, 1 << 16, &n);
	(void)state;

	/* One compressed file: the entry is named after the container. */
	analyse(ctx, b, n, "report.pdf.exe.bz2");
	assert_string_equal(r.kind, "bzip2");
	assert_hit(&ward_check_file_executable, "report.pdf.exe", "PE32");
	assert_hit(&ward_check_file_double_extension, "report.pdf.exe", ".pdf then .exe");
	free(b);
}

static void
test_encrypted(void **state)
{
	const struct ent e[] = {{"invoice.pdf.exe", pe, sizeof(pe)}, {"b.txt", "x", 1}};
	size_t n;
	uint8_t *b;
	(void)state;

	b = make(ARCHIVE_FORMAT_ZIP, -1, "zip:encryption=zipcrypt", "secret", e, 2, 1 << 16, &n);
	analyse(ctx, b, n, "invoice.zip");
	assert_hit(&ward_check_file_archive_encrypted, "", "invoice.pdf.exe");
	/* The content is unknown, but the name inside still speaks. */
	assert_hit(&ward_check_file_double_extension, "invoice.pdf.exe", NULL);
	assert_hit(&ward_check_file_executable, "invoice.pdf.exe", "by name");
	free(b);

	b = make(ARCHIVE_FORMAT_ZIP, -1, "zip:encryption=aes256", "secret", e, 2, 1 << 16, &n);
	analyse(ctx, b, n, "invoice.zip");
	assert_hit(&ward_check_file_archive_encrypted, "", NULL);
	free(b);
}

static void
test_rar5_encrypted(void **state)
{
	/* RAR5 block headers (CRCs are not checked by ward): main header, then a
	 * file header whose extra area holds an encryption record (type 1). */
	static const uint8_t rar5[] = {
	    'R', 'a', 'r', '!', 0x1a, 0x07, 0x01, 0x00,
	    /* main: crc, size 3, type 1, flags 0, archive flags 0 */
	    0, 0, 0, 0, 0x03, 0x01, 0x00, 0x00,
	    /* file: crc, size, type 2, flags 3 (extra + data), extra 3, data 0 */
	    0, 0, 0, 0, 0x12, 0x02, 0x03, 0x03, 0x00,
	    /* file flags 0, size 1, attr 0, compression 0, host 0, name length 5, name */
	    0x00, 0x01, 0x00, 0x00, 0x00, 0x05, 'a', '.', 'e', 'x', 'e',
	    /* extra record: size 2, type 1 (encryption), 1 byte */
	    0x02, 0x01, 0x00,
	    /* end of archive */
	    0, 0, 0, 0, 0x03, 0x05, 0x00, 0x00};
	static const uint8_t rar5_hdr[] = {'R', 'a', 'r', '!', 0x1a, 0x07, 0x01, 0x00,
					   0,	0,   0,	  0,   0x03, 0x04, 0x00, 0x00};
	(void)state;

	analyse(ctx, rar5, sizeof(rar5), "a.rar");
	assert_string_equal(r.kind, "rar");
	assert_hit(&ward_check_file_archive_encrypted, "", "a.exe");
	/* An archive encryption header: the names are hidden too. */
	analyse(ctx, rar5_hdr, sizeof(rar5_hdr), "b.rar");
	assert_hit(&ward_check_file_archive_encrypted, "", "encrypted headers");
}

static void
test_nesting(void **state)
{
	struct ward_file_limits l;
	struct ward_file_ctx *c;
	struct ent e = {"payload.exe", pe, sizeof(pe)};
	uint8_t *b = NULL, *inner;
	size_t n = 0, i;
	char name[5][32];
	(void)state;

	/* Five zips deep. */
	inner = NULL;
	for (i = 0; i < 5; i++) {
		b = make(ARCHIVE_FORMAT_ZIP, -1, NULL, NULL, &e, 1, 1 << 16, &n);
		free(inner);
		inner = b;
		snprintf(name[i], sizeof(name[i]), "level%zu.zip", i);
		e.name = name[i];
		e.data = b;
		e.len = n;
	}
	analyse(ctx, b, n, "outer.zip");
	assert_hit(&ward_check_file_executable,
		   "level3.zip/level2.zip/level1.zip/level0.zip/payload.exe", NULL);

	ward_file_limits_default(&l);
	l.max_depth = 2;
	c = ward_file_ctx_new(&l);
	assert_non_null(c);
	analyse(c, b, n, "outer.zip");
	assert_true(r.truncated);
	assert_hit(&ward_check_file_archive_limit, "level3.zip/level2.zip/level1.zip",
		   "nested deeper than 2 levels");
	assert_false(has_check(&ward_check_file_executable));
	ward_file_ctx_free(c);
	free(b);
}

static void
test_zip_bomb(void **state)
{
	const size_t big = 200u * 1024 * 1024;
	uint8_t *zeros = calloc(1, big), *b;
	struct ent e = {"zeros.bin", zeros, big};
	struct ward_file_limits l;
	struct ward_file_ctx *c;
	struct timespec t0, t1;
	double secs;
	size_t n;
	(void)state;

	assert_non_null(zeros);
	b = make(ARCHIVE_FORMAT_ZIP, -1, NULL, NULL, &e, 1, 4u << 20, &n);
	free(zeros);
	assert_true(n < (4u << 20));

	clock_gettime(CLOCK_MONOTONIC, &t0);
	analyse(ctx, b, n, "bomb.zip");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	assert_true(secs < 5.0);
	assert_true(r.truncated);
	assert_hit(&ward_check_file_archive_limit, "zeros.bin", "expands more than 200 times");

	/* With a small total, the byte budget stops it first. */
	ward_file_limits_default(&l);
	l.max_total = 1u << 20;
	l.max_ratio = 100000;
	c = ward_file_ctx_new(&l);
	assert_non_null(c);
	analyse(c, b, n, "bomb.zip");
	assert_hit(&ward_check_file_archive_limit, "zeros.bin", "more than 1048576 bytes");
	ward_file_ctx_free(c);
	free(b);
}

static void
test_entry_limit(void **state)
{
	struct ent e[60];
	char names[60][16];
	struct ward_file_limits l;
	struct ward_file_ctx *c;
	size_t n, i;
	uint8_t *b;
	(void)state;

	for (i = 0; i < 60; i++) {
		snprintf(names[i], sizeof(names[i]), "p%02zu.exe", i);
		e[i].name = names[i];
		e[i].data = pe;
		e[i].len = sizeof(pe);
	}
	b = make(ARCHIVE_FORMAT_ZIP, -1, NULL, NULL, e, 60, 1 << 20, &n);
	/* Sixty programs: the hit list fills up and says so. */
	analyse(ctx, b, n, "many.zip");
	assert_int_equal(r.n_hits, WARD_FILE_MAX_HITS);
	assert_true(r.truncated);
	assert_int_equal(r.n_entries, 60);

	ward_file_limits_default(&l);
	l.max_entries = 10;
	c = ward_file_ctx_new(&l);
	assert_non_null(c);
	analyse(c, b, n, "many.zip");
	assert_int_equal(r.n_entries, 10);
	assert_hit(&ward_check_file_archive_limit, "p10.exe", "more than 10 entries");
	ward_file_ctx_free(c);
	free(b);
}

static void
test_utf8_names(void **state)
{
	const struct ent e[] = {{"счёт.pdf.exe", pe, sizeof(pe)}};
	size_t n;
	uint8_t *b = make(ARCHIVE_FORMAT_ZIP, -1, "zip:hdrcharset=UTF-8", NULL, e, 1, 1 << 16, &n);
	(void)state;

	analyse(ctx, b, n, "a.zip");
	assert_hit(&ward_check_file_double_extension, "счёт.pdf.exe", NULL);
	free(b);
}

/* ---- own decoders ---- */

static void
test_binhex(void **state)
{
	static const char alpha[] =
	    "!\"#$%&'()*+,-012345689@ABCDEFGHIJKLMNPQRSTUVXYZ[`abcdefhijklmpqr";
	uint8_t raw[1024];
	char text[2048];
	size_t len = 0, i, t;
	unsigned bits = 0, nb = 0;
	(void)state;

	/* Header: name, version, type, creator, flags, data and resource lengths, CRC. */
	raw[len++] = 8;
	memcpy(raw + len, "clam.exe", 8);
	len += 8;
	memset(raw + len, 0, 11);
	len += 11;
	raw[len++] = 0;
	raw[len++] = 0;
	raw[len++] = (uint8_t)(sizeof(pe) >> 8);
	raw[len++] = (uint8_t)sizeof(pe);
	memset(raw + len, 0, 6);
	len += 6;
	/* The data fork, with runs coded as 0x90 <count>: 0x90 0x00 is a literal 0x90. */
	for (i = 0; i < sizeof(pe); i++) {
		raw[len++] = pe[i];
		if (pe[i] == 0x90)
			raw[len++] = 0;
	}
	t = (size_t)snprintf(text, sizeof(text),
			     "(This file must be converted with BinHex 4.0)\r\n:");
	for (i = 0; i < len; i++) {
		bits = bits << 8 | raw[i];
		nb += 8;
		while (nb >= 6) {
			nb -= 6;
			text[t++] = alpha[(bits >> nb) & 63];
			if (t % 64 == 0)
				text[t++] = '\n';
		}
	}
	if (nb)
		text[t++] = alpha[(bits << (6 - nb)) & 63];
	text[t++] = ':';
	analyse(ctx, (const uint8_t *)text, t, "clam.hqx");
	assert_string_equal(r.kind, "binhex");
	assert_hit(&ward_check_file_executable, "clam.exe", "PE32");
}

static size_t
tnef_attr(uint8_t *b, uint8_t level, uint32_t id, const void *data, uint32_t len)
{
	b[0] = level;
	memcpy(b + 1, &id, 4);
	memcpy(b + 5, &len, 4);
	memcpy(b + 9, data, len);
	b[9 + len] = b[10 + len] = 0;
	return 11 + len;
}

static void
test_tnef_szdd_onenote(void **state)
{
	uint8_t b[4096];
	size_t n, i;
	(void)state;

	/* TNEF: signature, key, one attachment (render data, title, data). */
	memcpy(b, "\x78\x9f\x3e\x22\x01\x00", 6);
	n = 6;
	n += tnef_attr(b + n, 1, 0x00069007, "\x00\x00", 2);
	n += tnef_attr(b + n, 2, 0x00069002,
		       "\x01\x00\xff\xff\xff\xff\x00\x00\x00\x00\x00\x00\x00\x00", 14);
	n += tnef_attr(b + n, 2, 0x00018010, "invoice.exe", 12);
	n += tnef_attr(b + n, 2, 0x0006800f, pe, sizeof(pe));
	analyse(ctx, b, n, "winmail.dat");
	assert_string_equal(r.kind, "tnef");
	assert_hit(&ward_check_file_executable, "invoice.exe", "PE32");

	/* SZDD with literals only: a control byte 0xff before every 8 bytes. */
	memcpy(b, "SZDD\x88\xf0\x27\x33\x41\x65", 10);
	memcpy(b + 10, "\x00\x02\x00\x00", 4);
	n = 14;
	for (i = 0; i < sizeof(pe); i++) {
		if (i % 8 == 0)
			b[n++] = 0xff;
		b[n++] = pe[i];
	}
	analyse(ctx, b, n, "setup.ex_");
	assert_string_equal(r.kind, "szdd");
	assert_hit(&ward_check_file_executable, "setup.exe", "PE32");

	/* OneNote: a file data store object holding the program. */
	memset(b, 0, sizeof(b));
	memcpy(b, "\xe4\x52\x5c\x7b\x8c\xd8\xa7\x4d\xae\xb1\x53\x78\xd0\x29\x96\xd3", 16);
	memcpy(b + 100, "\xe7\x16\xe3\xbd\x65\x26\x11\x45\xa4\xc4\x8d\x4d\x0b\x7a\x9e\xac", 16);
	b[116] = (uint8_t)(sizeof(pe) & 0xff);
	b[117] = (uint8_t)(sizeof(pe) >> 8);
	memcpy(b + 136, pe, sizeof(pe));
	analyse(ctx, b, 136 + sizeof(pe) + 64, "notes.one");
	assert_string_equal(r.kind, "onenote");
	assert_hit(&ward_check_file_executable, "embedded-1", "PE32");
}

static void
test_opaque(void **state)
{
	uint8_t b[64] = {0x60, 0xea, 0x2c, 0x00, 0x22, 0x0b, 0x01, 0x02, 0x10, 0x00, 0x02};
	(void)state;

	analyse(ctx, b, sizeof(b), "x.arj");
	assert_string_equal(r.kind, "arj");
	assert_hit(&ward_check_file_archive_opaque, "", "ARJ");

	/* A damaged zip cannot be read: opaque too. */
	memset(b, 0xff, sizeof(b));
	memcpy(b, "PK\3\4", 4);
	analyse(ctx, b, sizeof(b), "x.zip");
	assert_hit(&ward_check_file_archive_opaque, "", "zip cannot be");
}

/* ---- HTML smuggling ---- */

static char *
b64(const uint8_t *p, size_t n)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *o = malloc(n / 3 * 4 + 8), *s = o;
	size_t i;

	for (i = 0; i + 2 < n; i += 3) {
		*s++ = a[p[i] >> 2];
		*s++ = a[(p[i] & 3) << 4 | p[i + 1] >> 4];
		*s++ = a[(p[i + 1] & 15) << 2 | p[i + 2] >> 6];
		*s++ = a[p[i + 2] & 63];
	}
	if (i < n) {
		*s++ = a[p[i] >> 2];
		*s++ = a[(p[i] & 3) << 4 | (i + 1 < n ? p[i + 1] >> 4 : 0)];
		*s++ = i + 1 < n ? a[(p[i + 1] & 15) << 2] : '=';
		*s++ = '=';
	}
	*s = '\0';
	return o;
}

static void
test_html(void **state)
{
	uint8_t big[2048];
	char page[8192], *enc;
	size_t i;
	(void)state;

	/* Blob + object URL + download, the payload in a base64 literal. */
	memcpy(big, pe, sizeof(pe));
	for (i = sizeof(pe); i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 31);
	enc = b64(big, sizeof(big));
	snprintf(
	    page, sizeof(page),
	    "<html><body><script>\nvar d = atob(\"%s\");\nvar u = new Uint8Array(d.length);\n"
	    "for (var i = 0; i < d.length; i++) u[i] = d.charCodeAt(i);\n"
	    "var a = document.createElement('a');\n"
	    "a.href = URL.createObjectURL(new Blob([u], {type: 'application/octet-stream'}));\n"
	    "a.download = 'Invoice.pdf.exe';\na.click();\n</script></body></html>",
	    enc);
	free(enc);
	analyse(ctx, (const uint8_t *)page, strlen(page), "invoice.html");
	assert_string_equal(r.kind, "html");
	assert_hit(&ward_check_file_html_smuggling, "", "createObjectURL");
	assert_hit(&ward_check_file_executable, "Invoice.pdf.exe", "PE32");
	assert_hit(&ward_check_file_double_extension, "Invoice.pdf.exe", NULL);

	/* msSaveOrOpenBlob alone is enough. */
	snprintf(page, sizeof(page),
		 "<html><script>window.navigator.msSaveOrOpenBlob(new "
		 "Blob([x]), 'a.iso');</script></html>");
	analyse(ctx, (const uint8_t *)page, strlen(page), NULL);
	assert_hit(&ward_check_file_html_smuggling, "", "msSaveOrOpenBlob");

	/* A data: link to a program, no script at all. */
	enc = b64(pe, sizeof(pe));
	snprintf(page, sizeof(page),
		 "<html><body><a "
		 "href=\"data:application/octet-stream;base64,%s\">open</a></body></html>",
		 enc);
	free(enc);
	analyse(ctx, (const uint8_t *)page, strlen(page), NULL);
	assert_hit(&ward_check_file_html_smuggling, "", "data: URL carrying PE32");
	assert_hit(&ward_check_file_executable, "html-payload-1", NULL);

	/* An ordinary page with an inline image is clean. */
	enc = b64(big, sizeof(big));
	snprintf(
	    page, sizeof(page),
	    "<html><body><p>Hello</p><img src=\"data:image/png;base64,%s\"><a "
	    "href=\"https://example.com/\" download>x</a><script>var x = atob('aGk=');</script>"
	    "</body></html>",
	    enc);
	free(enc);
	analyse(ctx, (const uint8_t *)page, strlen(page), "news.html");
	assert_int_equal(r.n_hits, 0);
}

/* ---- PDF ---- */

static void
test_pdf(void **state)
{
	static const char js[] =
	    "%PDF-1.7\n1 0 obj\n<< /Type /Catalog /OpenAction 2 0 R >>\nendobj\n"
	    "2 0 obj\n<< /S /J#61vaScript /JS (app.alert\\(1\\)) >>\nendobj\n%%EOF\n";
	static const char uri[] = "%PDF-1.7\n1 0 obj\n<< /Type /Annot /A << /S /URI /URI "
				  "(https://example.com/) >> >>\nendobj\n%%EOF\n";
	/* "/JS" inside stream data is not a name. */
	static const char data_js[] = "%PDF-1.4\n3 0 obj\n<< /Length 12 >>\nstream\nxx /JS /Launch"
				      "\nendstream\nendobj\n%%EOF\n";
	char pdf[2048];
	size_t n;
	(void)state;

	analyse(ctx, (const uint8_t *)js, sizeof(js) - 1, "a.pdf");
	assert_hit(&ward_check_file_pdf_active, "", "JavaScript");
	assert_hit(&ward_check_file_pdf_active, "", "/OpenAction");
	assert_hit(&ward_check_file_pdf_active, "", "#xx escapes");

	analyse(ctx, (const uint8_t *)uri, sizeof(uri) - 1, "b.pdf");
	assert_int_equal(r.n_hits, 0);
	analyse(ctx, (const uint8_t *)data_js, sizeof(data_js) - 1, "c.pdf");
	assert_int_equal(r.n_hits, 0);

	/* An embedded file stream is extracted and typed. */
	n = (size_t)snprintf(pdf, sizeof(pdf),
			     "%%PDF-1.4\n4 0 obj\n<< /Type /EmbeddedFile /Length %zu >>\nstream\n",
			     sizeof(pe));
	memcpy(pdf + n, pe, sizeof(pe));
	n += sizeof(pe);
	n += (size_t)snprintf(pdf + n, sizeof(pdf) - n, "\nendstream\nendobj\n%%%%EOF\n");
	analyse(ctx, (const uint8_t *)pdf, n, "d.pdf");
	assert_hit(&ward_check_file_pdf_active, "", "embedded file");
	assert_hit(&ward_check_file_executable, "embedded-1", "PE32");
}

static void
test_pdf_objstm(void **state)
{
	static const char body[] = "1 0 2 20 << /Type /Catalog >> << /S /Launch /F (cmd.exe) >>";
	const struct ent e[] = {{"data", body, sizeof(body) - 1}};
	uint8_t *gz, pdf[2048];
	size_t n, len, dlen;
	(void)state;

	/* A FlateDecode object stream: zlib = 78 9c + the deflate data of a gzip member. */
	gz = make(ARCHIVE_FORMAT_RAW, ARCHIVE_FILTER_GZIP, "gzip:!timestamp", NULL, e, 1, 4096,
		  &len);
	assert_true(len > 18);
	dlen = len - 10 - 8 + 2;
	n = (size_t)snprintf(
	    (char *)pdf, sizeof(pdf),
	    "%%PDF-1.5\n5 0 obj\n<< /Type /ObjStm /N 2 /First 8 /Filter /FlateDecode "
	    "/Length %zu >>\nstream\n\x78\x9c",
	    dlen);
	memcpy(pdf + n, gz + 10, len - 18);
	n += len - 18;
	n += (size_t)snprintf((char *)pdf + n, sizeof(pdf) - n, "\nendstream\nendobj\n%%%%EOF\n");
	free(gz);
	analyse(ctx, pdf, n, "e.pdf");
	assert_hit(&ward_check_file_pdf_active, "", "launch action");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_formats),	cmocka_unit_test(test_single_stream),
	    cmocka_unit_test(test_encrypted),	cmocka_unit_test(test_rar5_encrypted),
	    cmocka_unit_test(test_nesting),	cmocka_unit_test(test_zip_bomb),
	    cmocka_unit_test(test_entry_limit), cmocka_unit_test(test_utf8_names),
	    cmocka_unit_test(test_binhex),	cmocka_unit_test(test_tnef_szdd_onenote),
	    cmocka_unit_test(test_opaque),	cmocka_unit_test(test_html),
	    cmocka_unit_test(test_pdf),		cmocka_unit_test(test_pdf_objstm),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
