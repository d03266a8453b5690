/*
 * Content typing. The magic numbers that decide what a file is (programs,
 * shortcuts, disk images, archives, Office containers, PDF, RTF, HTML and
 * scripts) are checked here directly; libmagic is asked only about binary
 * content no own check recognised, with at most the first 64 KB.
 *
 * Scripts have no magic. Text is typed as a script when it calls Windows
 * Script Host objects (ActiveXObject, WScript, CreateObject), carries
 * several PowerShell or batch idioms, or decodes and evaluates code. The
 * dispatcher (scan_file.c) then weighs the type against the file's name.
 *
 * Everything here reads p[0..n) and never writes it; nothing is allocated
 * except through the context's scratch buffer.
 */
#define _GNU_SOURCE /* memmem */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "scan_file.h"

#define MAGIC_WINDOW (64u * 1024)

static const struct {
	const char *name;
	enum scan_family fam;
	const char *mime;
} kinds[SK_COUNT] = {
    [SK_EMPTY] = {"empty", SF_DATA, "application/x-empty"},
    [SK_DATA] = {"data", SF_DATA, "application/octet-stream"},
    [SK_TEXT] = {"text", SF_TEXT, "text/plain"},
    [SK_XML] = {"xml", SF_TEXT, "text/xml"},
    [SK_PE] = {"pe", SF_EXEC, "application/vnd.microsoft.portable-executable"},
    [SK_MZ] = {"pe", SF_EXEC, "application/x-dosexec"},
    [SK_ELF] = {"elf", SF_EXEC, "application/x-executable"},
    [SK_MACHO] = {"macho", SF_EXEC, "application/x-mach-binary"},
    [SK_MSI] = {"msi", SF_EXEC, "application/x-msi"},
    [SK_JAR] = {"jar", SF_EXEC, "application/java-archive"},
    [SK_APK] = {"apk", SF_EXEC, "application/vnd.android.package-archive"},
    [SK_APPX] = {"msix", SF_EXEC, "application/msix"},
    [SK_JS] = {"script", SF_SCRIPT, "application/javascript"},
    [SK_VBS] = {"script", SF_SCRIPT, "text/vbscript"},
    [SK_WSH] = {"script", SF_SCRIPT, "text/x-wsh-script"},
    [SK_ENCODED_SCRIPT] = {"script", SF_SCRIPT, "text/x-script-encoded"},
    [SK_PS1] = {"script", SF_SCRIPT, "text/x-powershell"},
    [SK_BAT] = {"script", SF_SCRIPT, "text/x-msdos-batch"},
    [SK_WSF] = {"script", SF_SCRIPT, "text/x-wsf"},
    [SK_HTA] = {"hta", SF_SCRIPT, "application/hta"},
    [SK_SCT] = {"script", SF_SCRIPT, "text/scriptlet"},
    [SK_REG] = {"reg", SF_SCRIPT, "text/x-ms-regedit"},
    [SK_CHM] = {"chm", SF_SCRIPT, "application/vnd.ms-htmlhelp"},
    [SK_SETTINGS] = {"script", SF_SCRIPT, "application/x-settingcontent-ms"},
    [SK_LNK] = {"lnk", SF_SHORTCUT, "application/x-ms-shortcut"},
    [SK_URL] = {"url", SF_SHORTCUT, "application/x-mswinurl"},
    [SK_LIBRARY] = {"library", SF_SHORTCUT, "application/windows-library+xml"},
    [SK_ISO] = {"iso", SF_DISK, "application/x-iso9660-image"},
    [SK_UDF] = {"udf", SF_DISK, "application/x-udf-image"},
    [SK_VHD] = {"vhd", SF_DISK, "application/x-vhd"},
    [SK_VHDX] = {"vhdx", SF_DISK, "application/x-vhdx"},
    [SK_IMG] = {"img", SF_DISK, "application/x-raw-disk-image"},
    [SK_DMG] = {"dmg", SF_DISK, "application/x-apple-diskimage"},
    [SK_ZIP] = {"zip", SF_ARCHIVE, "application/zip"},
    [SK_7Z] = {"7z", SF_ARCHIVE, "application/x-7z-compressed"},
    [SK_RAR] = {"rar", SF_ARCHIVE, "application/vnd.rar"},
    [SK_RAR5] = {"rar", SF_ARCHIVE, "application/vnd.rar"},
    [SK_GZIP] = {"gzip", SF_ARCHIVE, "application/gzip"},
    [SK_BZIP2] = {"bzip2", SF_ARCHIVE, "application/x-bzip2"},
    [SK_XZ] = {"xz", SF_ARCHIVE, "application/x-xz"},
    [SK_LZMA] = {"lzma", SF_ARCHIVE, "application/x-lzma"},
    [SK_ZSTD] = {"zstd", SF_ARCHIVE, "application/zstd"},
    [SK_CAB] = {"cab", SF_ARCHIVE, "application/vnd.ms-cab-compressed"},
    [SK_TAR] = {"tar", SF_ARCHIVE, "application/x-tar"},
    [SK_CPIO] = {"cpio", SF_ARCHIVE, "application/x-cpio"},
    [SK_LHA] = {"lha", SF_ARCHIVE, "application/x-lha"},
    [SK_XAR] = {"xar", SF_ARCHIVE, "application/x-xar"},
    [SK_AR] = {"ar", SF_ARCHIVE, "application/x-archive"},
    [SK_BINHEX] = {"binhex", SF_ARCHIVE, "application/mac-binhex40"},
    [SK_TNEF] = {"tnef", SF_ARCHIVE, "application/vnd.ms-tnef"},
    [SK_SZDD] = {"szdd", SF_ARCHIVE, "application/x-ms-compress-szdd"},
    [SK_ARJ] = {"arj", SF_OPAQUE, "application/x-arj"},
    [SK_ACE] = {"ace", SF_OPAQUE, "application/x-ace-compressed"},
    [SK_SIS] = {"sis", SF_OPAQUE, "application/vnd.symbian.install"},
    [SK_SIT] = {"sit", SF_OPAQUE, "application/x-stuffit"},
    [SK_ZOO] = {"zoo", SF_OPAQUE, "application/x-zoo"},
    [SK_KWAJ] = {"kwaj", SF_OPAQUE, "application/x-ms-compress-kwaj"},
    [SK_SQUASHFS] = {"squashfs", SF_OPAQUE, "application/x-squashfs"},
    [SK_OLE2] = {"ole2", SF_OFFICE, "application/x-ole-storage"},
    [SK_OOXML] = {"ooxml", SF_OFFICE, "application/vnd.openxmlformats-officedocument"},
    [SK_XPS] = {"xps", SF_OFFICE, "application/vnd.ms-xpsdocument"},
    [SK_ODF] = {"odf", SF_OFFICE, "application/vnd.oasis.opendocument"},
    [SK_EPUB] = {"epub", SF_OFFICE, "application/epub+zip"},
    [SK_OFFICE_XML] = {"officexml", SF_OFFICE, "application/xml"},
    [SK_RTF] = {"rtf", SF_OFFICE, "text/rtf"},
    [SK_ONENOTE] = {"onenote", SF_OFFICE, "application/onenote"},
    [SK_SLK] = {"slk", SF_OFFICE, "application/x-sylk"},
    [SK_PDF] = {"pdf", SF_PDF, "application/pdf"},
    [SK_HTML] = {"html", SF_HTML, "text/html"},
    [SK_SVG] = {"svg", SF_HTML, "image/svg+xml"},
    [SK_IMAGE] = {"image", SF_IMAGE, "image/unknown"},
    [SK_MAIL] = {"mail", SF_MAIL, "message/rfc822"},
};

const char *
scan_kind_name(enum scan_kind k)
{
	return (unsigned)k < SK_COUNT ? kinds[k].name : "data";
}

enum scan_family
scan_kind_family(enum scan_kind k)
{
	return (unsigned)k < SK_COUNT ? kinds[k].fam : SF_DATA;
}

/* ---- byte helpers ---- */

static uint16_t
le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[3] | (uint32_t)p[2] << 8 | (uint32_t)p[1] << 16 | (uint32_t)p[0] << 24;
}

static int
at(const uint8_t *p, size_t n, size_t off, const void *m, size_t mlen)
{
	return off <= n && mlen <= n - off && memcmp(p + off, m, mlen) == 0;
}

const uint8_t *
scan_memcasemem(const uint8_t *p, size_t n, const char *needle)
{
	size_t m = strlen(needle), i, k;

	if (m == 0)
		return p;
	for (i = 0; i + m <= n; i++) {
		for (k = 0; k < m; k++)
			if (tolower(p[i + k]) != tolower((unsigned char)needle[k]))
				break;
		if (k == m)
			return p + i;
	}
	return NULL;
}

const char *
scan_basename(const char *name)
{
	const char *s, *b = name;

	for (s = name; *s; s++)
		if (*s == '/' || *s == '\\')
			b = s + 1;
	return b;
}

static void
set(struct scan_type *t, enum scan_kind k, const char *what)
{
	t->kind = k;
	snprintf(t->mime, sizeof(t->mime), "%s", kinds[k].mime);
	snprintf(t->what, sizeof(t->what), "%s", what);
}

/* ---- programs ---- */

static int
type_pe(const uint8_t *p, size_t n, struct scan_type *t)
{
	uint32_t pe;
	uint16_t chr, magic, subsys = 0;
	size_t i, opt;
	int nul = 0;
	char what[96];

	if (n < 64 || p[0] != 'M' || p[1] != 'Z')
		return 0;
	pe = le32(p + 0x3c);
	/* The PE header may overlap the DOS header (e_lfanew 0x0c in packed files). */
	if (pe >= 4 && pe <= n - 24 && memcmp(p + pe, "PE\0\0", 4) == 0) {
		chr = le16(p + pe + 22);
		opt = pe + 24;
		magic = opt + 2 <= n ? le16(p + opt) : 0;
		if (opt + 70 <= n)
			subsys = le16(p + opt + 68);
		snprintf(what, sizeof(what), "%s executable%s%s", magic == 0x20b ? "PE32+" : "PE32",
			 (chr & 0x2000) ? " (DLL)" : "",
			 subsys == 1			? " (native)"
			 : subsys == 2			? " (GUI)"
			 : subsys == 3			? " (console)"
			 : subsys >= 10 && subsys <= 13 ? " (EFI)"
							: "");
		set(t, SK_PE, what);
		return 1;
	}
	/* A DOS header without a PE header: binary, not a text starting "MZ". */
	for (i = 2; i < 64; i++)
		nul += p[i] == 0;
	if (nul < 8)
		return 0;
	set(t, SK_MZ, "MS-DOS executable (MZ header)");
	return 1;
}

static int
type_elf(const uint8_t *p, size_t n, struct scan_type *t)
{
	uint16_t et;
	char what[64];

	if (n < 20 ||
	    memcmp(p,
		   "\x7f"
		   "ELF",
		   4) != 0 ||
	    (p[4] != 1 && p[4] != 2) || (p[5] != 1 && p[5] != 2))
		return 0;
	et = p[5] == 1 ? le16(p + 16) : (uint16_t)(p[16] << 8 | p[17]);
	snprintf(what, sizeof(what), "ELF %d-bit %s", p[4] == 1 ? 32 : 64,
		 et == 2   ? "executable"
		 : et == 3 ? "shared object"
		 : et == 1 ? "relocatable"
		 : et == 4 ? "core file"
			   : "file");
	set(t, SK_ELF, what);
	return 1;
}

static int
type_macho(const uint8_t *p, size_t n, struct scan_type *t)
{
	uint32_t m, nfat;

	if (n < 8)
		return 0;
	m = be32(p);
	if (m == 0xfeedface || m == 0xcefaedfe || m == 0xfeedfacf || m == 0xcffaedfe) {
		set(t, SK_MACHO, "Mach-O executable");
		return 1;
	}
	/* Universal binaries share CAFEBABE with Java classes, whose next word is
	 * a version (>= 45) where a fat header has a small architecture count. */
	nfat = be32(p + 4);
	if ((m == 0xcafebabe || m == 0xcafebabf) && nfat >= 1 && nfat < 20 && n >= 8 + nfat * 20) {
		set(t, SK_MACHO, "Mach-O universal binary");
		return 1;
	}
	return 0;
}

/* OLE2: an MSI (or MSP/MST) carries the installer CLSID on its root entry. */
static int
type_ole2(const uint8_t *p, size_t n, struct scan_type *t)
{
	static const uint8_t msi[3][16] = {
	    {0x84, 0x10, 0x0c, 0x00, 0, 0, 0, 0, 0xc0, 0, 0, 0, 0, 0, 0, 0x46},
	    {0x86, 0x10, 0x0c, 0x00, 0, 0, 0, 0, 0xc0, 0, 0, 0, 0, 0, 0, 0x46},
	    {0x82, 0x10, 0x0c, 0x00, 0, 0, 0, 0, 0xc0, 0, 0, 0, 0, 0, 0, 0x46},
	};
	static const char *const what[3] = {"Windows Installer package (MSI)",
					    "Windows Installer patch (MSP)",
					    "Windows Installer transform (MST)"};
	unsigned shift;
	uint32_t dir;
	uint64_t off;
	int i;

	if (!at(p, n, 0, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8))
		return 0;
	set(t, SK_OLE2, "OLE2 compound file");
	if (n < 512)
		return 1;
	shift = le16(p + 0x1e);
	dir = le32(p + 0x30);
	if (shift != 9 && shift != 12)
		return 1;
	off = ((uint64_t)dir + 1) << shift;
	if (dir >= 0xfffffffa || off + 0x60 > n)
		return 1;
	for (i = 0; i < 3; i++)
		if (memcmp(p + off + 0x50, msi[i], 16) == 0) {
			set(t, SK_MSI, what[i]);
			return 1;
		}
	return 1;
}

/* ---- zip family: told apart by the names in the central directory ---- */

enum {
	Z_OPC = 1 << 0,
	Z_WORD = 1 << 1,
	Z_XL = 1 << 2,
	Z_PPT = 1 << 3,
	Z_XPS = 1 << 4,
	Z_APPX = 1 << 5,
	Z_JAR = 1 << 6,
	Z_APK = 1 << 7,
	Z_DEX = 1 << 8,
	Z_ODF = 1 << 9,
	Z_VISIO = 1 << 10,
};

static unsigned
zip_name_flag(const uint8_t *s, size_t len)
{
#define IS(lit) (len == sizeof(lit) - 1 && memcmp(s, lit, len) == 0)
#define PRE(lit) (len >= sizeof(lit) - 1 && memcmp(s, lit, sizeof(lit) - 1) == 0)
	if (IS("[Content_Types].xml"))
		return Z_OPC;
	if (PRE("word/"))
		return Z_WORD;
	if (PRE("xl/"))
		return Z_XL;
	if (PRE("ppt/"))
		return Z_PPT;
	if (PRE("visio/"))
		return Z_VISIO;
	if (IS("FixedDocumentSequence.fdseq") || IS("FixedDocSeq.fdseq") || PRE("Documents/1/"))
		return Z_XPS;
	if (IS("AppxManifest.xml") || IS("AppxMetadata/AppxBundleManifest.xml"))
		return Z_APPX;
	if (IS("META-INF/MANIFEST.MF"))
		return Z_JAR;
	if (IS("AndroidManifest.xml"))
		return Z_APK;
	if (IS("classes.dex"))
		return Z_DEX;
	if (IS("mimetype"))
		return Z_ODF;
	return 0;
#undef IS
#undef PRE
}

static unsigned
zip_names(const uint8_t *p, size_t n)
{
	unsigned flags = 0, count = 0;
	size_t i, eocd = 0, off, end;
	int found = 0;

	/* End of central directory: the last "PK\5\6" within 64 KB + 22 of the end. */
	if (n >= 22) {
		size_t lo = n - 22 > 65557 ? n - 22 - 65557 : 0;
		for (i = n - 22 + 1; i-- > lo;)
			if (p[i] == 'P' && memcmp(p + i, "PK\5\6", 4) == 0) {
				eocd = i;
				found = 1;
				break;
			}
	}
	if (found) {
		uint32_t cd_size = le32(p + eocd + 12), cd_off = le32(p + eocd + 16);
		if (cd_off > eocd || !at(p, n, cd_off, "PK\1\2", 4))
			cd_off = cd_size <= eocd ? (uint32_t)(eocd - cd_size) : 0;
		off = cd_off;
		end = eocd;
		while (off + 46 <= end && memcmp(p + off, "PK\1\2", 4) == 0 && count++ < 20000) {
			size_t nl = le16(p + off + 28), xl = le16(p + off + 30),
			       cl = le16(p + off + 32);
			if (off + 46 + nl > end)
				break;
			flags |= zip_name_flag(p + off + 46, nl);
			off += 46 + nl + xl + cl;
		}
		if (count > 0)
			return flags;
	}
	/* No usable central directory: walk the local headers. */
	off = 0;
	while (off + 30 <= n && memcmp(p + off, "PK\3\4", 4) == 0 && count++ < 20000) {
		size_t nl = le16(p + off + 26), xl = le16(p + off + 28);
		uint32_t cs = le32(p + off + 18);
		if (off + 30 + nl > n)
			break;
		flags |= zip_name_flag(p + off + 30, nl);
		if ((le16(p + off + 6) & 8) && cs == 0)
			break;
		off += 30 + nl + xl + (size_t)cs;
	}
	return flags;
}

/* ODF and EPUB keep their MIME type in the first, stored entry "mimetype";
 * copies it to out and returns its length, or 0. */
static size_t
zip_mimetype(const uint8_t *p, size_t n, char *out, size_t size)
{
	size_t off, len, i;

	if (!at(p, n, 0, "PK\3\4", 4) || n < 30 || le16(p + 26) != 8 ||
	    !at(p, n, 30, "mimetype", 8))
		return 0;
	off = 38 + (size_t)le16(p + 28);
	len = le32(p + 18);
	if (le16(p + 8) != 0 || len == 0 || len >= size || off > n || len > n - off)
		return 0;
	for (i = 0; i < len; i++)
		if (p[off + i] <= ' ' || p[off + i] >= 0x7f)
			return 0;
	memcpy(out, p + off, len);
	out[len] = '\0';
	return len;
}

static int
type_zip(const uint8_t *p, size_t n, struct scan_type *t)
{
	char mime[80];
	unsigned f;

	if (!at(p, n, 0, "PK\3\4", 4) && !at(p, n, 0, "PK\5\6", 4) &&
	    !at(p, n, 0, "PK\7\10PK\3\4", 8))
		return 0;
	f = zip_names(p, n);
	if (f & Z_APPX) {
		set(t, SK_APPX, "Windows app package (MSIX/AppX)");
	} else if ((f & (Z_APK | Z_DEX)) == (Z_APK | Z_DEX)) {
		set(t, SK_APK, "Android application package (APK)");
	} else if ((f & Z_OPC) && (f & Z_WORD)) {
		set(t, SK_OOXML, "Word document (OOXML)");
		snprintf(t->mime, sizeof(t->mime), "%s",
			 "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
	} else if ((f & Z_OPC) && (f & Z_XL)) {
		set(t, SK_OOXML, "Excel workbook (OOXML)");
		snprintf(t->mime, sizeof(t->mime), "%s",
			 "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
	} else if ((f & Z_OPC) && (f & Z_PPT)) {
		set(t, SK_OOXML, "PowerPoint presentation (OOXML)");
		snprintf(
		    t->mime, sizeof(t->mime), "%s",
		    "application/vnd.openxmlformats-officedocument.presentationml.presentation");
	} else if ((f & Z_OPC) && (f & Z_XPS)) {
		set(t, SK_XPS, "XPS document");
	} else if (f & Z_OPC) {
		set(t, SK_OOXML,
		    (f & Z_VISIO) ? "Visio drawing (OOXML)" : "Open Packaging container");
	} else if (f & Z_JAR) {
		set(t, SK_JAR, "Java archive (JAR)");
	} else if ((f & Z_ODF) && zip_mimetype(p, n, mime, sizeof(mime)) &&
		   strncmp(mime, "application/vnd.oasis.opendocument", 34) == 0) {
		set(t, SK_ODF, "OpenDocument file");
		snprintf(t->mime, sizeof(t->mime), "%s", mime);
	} else if ((f & Z_ODF) && zip_mimetype(p, n, mime, sizeof(mime)) &&
		   strcmp(mime, "application/epub+zip") == 0) {
		set(t, SK_EPUB, "EPUB e-book");
	} else {
		set(t, SK_ZIP, "Zip archive");
	}
	return 1;
}

/* ---- disk images ---- */

static int
type_disk(const uint8_t *p, size_t n, struct scan_type *t)
{
	static const size_t vd[] = {0x8001, 0x8801, 0x9001};
	size_t i;
	int iso = 0, udf = 0;

	for (i = 0; i < 3; i++)
		iso |= at(p, n, vd[i], "CD001", 5);
	for (i = 0x8001; i <= 0x9801 && !udf; i += 0x800)
		udf = at(p, n, i, "NSR02", 5) || at(p, n, i, "NSR03", 5);
	if (iso) {
		set(t, SK_ISO, udf ? "ISO 9660/UDF disk image" : "ISO 9660 disk image");
		return 1;
	}
	if (udf || at(p, n, 0x8001, "BEA01", 5)) {
		set(t, SK_UDF, "UDF disk image");
		return 1;
	}
	if (at(p, n, 0, "vhdxfile", 8)) {
		set(t, SK_VHDX, "Hyper-V virtual disk (VHDX)");
		return 1;
	}
	if (at(p, n, 0, "conectix", 8) || (n >= 512 && at(p, n, n - 512, "conectix", 8)) ||
	    (n >= 511 && at(p, n, n - 511, "conectix", 8))) {
		set(t, SK_VHD, "virtual hard disk (VHD)");
		return 1;
	}
	if (n >= 512 && at(p, n, n - 512, "koly", 4)) {
		set(t, SK_DMG, "Apple disk image (DMG)");
		return 1;
	}
	if (n >= 1024 && p[510] == 0x55 && p[511] == 0xaa && (p[0] == 0xeb || p[0] == 0xe9) &&
	    (at(p, n, 54, "FAT12   ", 8) || at(p, n, 54, "FAT16   ", 8) ||
	     at(p, n, 82, "FAT32   ", 8) || at(p, n, 3, "NTFS    ", 8) ||
	     at(p, n, 3, "EXFAT   ", 8))) {
		set(t, SK_IMG, "raw disk image (FAT/NTFS boot sector)");
		return 1;
	}
	return 0;
}

/* ---- archives and other binary containers ---- */

static int
tar_checksum_ok(const uint8_t *p, size_t n)
{
	unsigned sum = 0, want = 0;
	size_t i;

	if (n < 512 || p[0] == 0)
		return 0;
	for (i = 0; i < 512; i++)
		sum += (i >= 148 && i < 156) ? ' ' : p[i];
	for (i = 148; i < 156 && (p[i] == ' ' || p[i] == 0); i++)
		;
	if (i == 156)
		return 0;
	for (; i < 156 && p[i] >= '0' && p[i] <= '7'; i++)
		want = want * 8 + (unsigned)(p[i] - '0');
	return sum == want;
}

static int
type_archive(const uint8_t *p, size_t n, struct scan_type *t)
{
	if (at(p, n, 0, "7z\xbc\xaf\x27\x1c", 6))
		set(t, SK_7Z, "7-Zip archive");
	else if (at(p, n, 0, "Rar!\x1a\x07\x01\x00", 8))
		set(t, SK_RAR5, "RAR 5 archive");
	else if (at(p, n, 0, "Rar!\x1a\x07\x00", 7))
		set(t, SK_RAR, "RAR archive");
	else if (at(p, n, 0, "\x1f\x8b\x08", 3))
		set(t, SK_GZIP, "gzip compressed data");
	else if (at(p, n, 0, "BZh", 3) && n > 3 && p[3] >= '1' && p[3] <= '9')
		set(t, SK_BZIP2, "bzip2 compressed data");
	else if (at(p, n, 0,
		    "\xfd"
		    "7zXZ\0",
		    6))
		set(t, SK_XZ, "xz compressed data");
	else if (at(p, n, 0, "\x28\xb5\x2f\xfd", 4))
		set(t, SK_ZSTD, "Zstandard compressed data");
	else if (n > 13 && p[0] == 0x5d && p[1] == 0 && p[2] == 0 && p[13] == 0 &&
		 (p[3] | p[4]) != 0 && (le32(p + 1) & (le32(p + 1) - 1)) == 0)
		set(t, SK_LZMA, "LZMA compressed data");
	else if (at(p, n, 0, "MSCF\0\0\0\0", 8))
		set(t, SK_CAB, "Microsoft Cabinet archive");
	else if (at(p, n, 0, "SZDD\x88\xf0\x27\x33", 8))
		set(t, SK_SZDD, "MS-DOS COMPRESS.EXE data (SZDD)");
	else if (at(p, n, 0, "KWAJ\x88\xf0\x27\xd1", 8))
		set(t, SK_KWAJ, "MS-DOS COMPRESS.EXE data (KWAJ)");
	else if (at(p, n, 0, "\x78\x9f\x3e\x22", 4))
		set(t, SK_TNEF, "Outlook TNEF (winmail.dat)");
	else if (at(p, n, 0, "xar!", 4))
		set(t, SK_XAR, "xar archive");
	else if (at(p, n, 0, "!<arch>\n", 8))
		set(t, SK_AR, "ar archive");
	else if (at(p, n, 0, "070707", 6) || at(p, n, 0, "070701", 6) || at(p, n, 0, "070702", 6) ||
		 at(p, n, 0, "\xc7\x71", 2) || at(p, n, 0, "\x71\xc7", 2))
		set(t, SK_CPIO, "cpio archive");
	else if (n > 21 && p[2] == '-' && p[3] == 'l' && (p[4] == 'h' || p[4] == 'z') &&
		 p[6] == '-')
		set(t, SK_LHA, "LHA archive");
	else if (at(p, n, 257, "ustar", 5) || tar_checksum_ok(p, n))
		set(t, SK_TAR, "tar archive");
	else if (at(p, n, 0, "\x60\xea", 2) && n > 10 && le16(p + 2) > 0 && le16(p + 2) <= 2600)
		set(t, SK_ARJ, "ARJ archive");
	else if (at(p, n, 7, "**ACE**", 7) && !at(p, n, 0, "{\\rt", 4)) /* Word opens it as RTF */
		set(t, SK_ACE, "ACE archive");
	else if (n >= 16 && (le32(p + 4) == 0x1000006d || le32(p + 4) == 0x10003a12) &&
		 le32(p + 8) == 0x10000419)
		set(t, SK_SIS, "Symbian installation file (SIS)");
	else if (n >= 16 && le32(p) == 0x10201a7a)
		set(t, SK_SIS, "Symbian installation file (SIS 9)");
	else if (at(p, n, 0, "SIT!", 4) || at(p, n, 0, "StuffIt (c)1997-", 16))
		set(t, SK_SIT, "StuffIt archive");
	else if (at(p, n, 0, "ZOO ", 4) && at(p, n, 20, "\xdc\xa7\xc4\xfd", 4))
		set(t, SK_ZOO, "zoo archive");
	else if (at(p, n, 0, "hsqs", 4))
		set(t, SK_SQUASHFS, "squashfs file system");
	else
		return 0;
	return 1;
}

static int
type_misc_binary(const uint8_t *p, size_t n, struct scan_type *t)
{
	static const char onenote[] =
	    "\xe4\x52\x5c\x7b\x8c\xd8\xa7\x4d\xae\xb1\x53\x78\xd0\x29\x96\xd3";
	static const char lnk[] = "\x4c\x00\x00\x00\x01\x14\x02\x00\x00\x00\x00\x00\xc0\x00\x00\x00"
				  "\x00\x00\x00\x46";

	if (at(p, n, 0, lnk, 20)) {
		set(t, SK_LNK, "Windows shortcut (LNK)");
	} else if (at(p, n, 0, "ITSF", 4) && n >= 8 && le32(p + 4) == 3) {
		set(t, SK_CHM, "Compiled HTML Help (CHM), runs scripts in hh.exe");
	} else if (at(p, n, 0, onenote, 16)) {
		set(t, SK_ONENOTE, "OneNote section");
	} else if (at(p, n, 0, "\x89PNG\r\n\x1a\n", 8)) {
		set(t, SK_IMAGE, "PNG image");
		snprintf(t->mime, sizeof(t->mime), "image/png");
	} else if (at(p, n, 0, "\xff\xd8\xff", 3)) {
		set(t, SK_IMAGE, "JPEG image");
		snprintf(t->mime, sizeof(t->mime), "image/jpeg");
	} else if (at(p, n, 0, "GIF87a", 6) || at(p, n, 0, "GIF89a", 6)) {
		set(t, SK_IMAGE, "GIF image");
		snprintf(t->mime, sizeof(t->mime), "image/gif");
	} else if (at(p, n, 0, "RIFF", 4) && at(p, n, 8, "WEBP", 4)) {
		set(t, SK_IMAGE, "WebP image");
		snprintf(t->mime, sizeof(t->mime), "image/webp");
	} else if (at(p, n, 0, "II*\0", 4) || at(p, n, 0, "MM\0*", 4)) {
		set(t, SK_IMAGE, "TIFF image");
		snprintf(t->mime, sizeof(t->mime), "image/tiff");
	} else if (at(p, n, 0, "BM", 2) && n >= 26 && le32(p + 2) == n && le32(p + 6) == 0) {
		set(t, SK_IMAGE, "BMP image");
		snprintf(t->mime, sizeof(t->mime), "image/bmp");
	} else {
		return 0;
	}
	return 1;
}

/* ---- text ---- */

/*
 * A lower-cased, narrowed (UTF-16 -> bytes) copy of the first SCAN_TEXT_WINDOW
 * bytes in buf; returns its length, or 0 when the content is not text.
 */
static size_t
text_view(const uint8_t *p, size_t n, uint8_t *buf, size_t cap)
{
	size_t i = 0, len = 0, ctl = 0, step = 1, lo = 0;

	if (n >= 2 && p[0] == 0xff && p[1] == 0xfe) {
		i = 2, step = 2, lo = 0;
	} else if (n >= 2 && p[0] == 0xfe && p[1] == 0xff) {
		i = 2, step = 2, lo = 1;
	} else if (n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf) {
		i = 3;
	}
	for (; i + step - 1 < n && len < cap; i += step) {
		uint8_t c = p[i + lo];
		if (step == 2 && p[i + 1 - lo] != 0)
			c = 0x80; /* a character outside Latin-1: keep it as non-ASCII */
		if (c == 0)
			return 0;
		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != 0x1b &&
		    c != '\v')
			ctl++;
		buf[len++] = (uint8_t)tolower(c);
	}
	if (len == 0 || ctl * 50 > len)
		return 0;
	return len;
}

static int
has(const uint8_t *s, size_t n, const char *lit)
{
	return memmem(s, n, lit, strlen(lit)) != NULL;
}

static size_t
skip_space(const uint8_t *s, size_t n, size_t i)
{
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
		i++;
	return i;
}

static int
starts(const uint8_t *s, size_t n, size_t i, const char *lit)
{
	size_t m = strlen(lit);
	return i <= n && m <= n - i && memcmp(s + i, lit, m) == 0;
}

/* Headers at line starts in the first 4 KB, for a message saved as a file. */
static int
looks_like_mail(const uint8_t *s, size_t n)
{
	static const char *const hdr[] = {
	    "from:",	   "to:",	    "subject:",	    "date:",	     "received:",
	    "message-id:", "mime-version:", "return-path:", "content-type:", "x-mailer:"};
	size_t i, k, lim = n < 4096 ? n : 4096;
	unsigned hits = 0;

	if (starts(s, n, 0, "from ") && memchr(s, '\n', lim))
		hits++;
	else if (!(isalpha(s[0])))
		return 0;
	for (i = 0; i < lim; i++) {
		if (i > 0 && s[i - 1] != '\n')
			continue;
		if (s[i] == '\r' || s[i] == '\n')
			break; /* end of the header block */
		for (k = 0; k < sizeof(hdr) / sizeof(hdr[0]); k++)
			if (starts(s, lim, i, hdr[k]))
				hits++;
	}
	return hits >= 3;
}

static const char *
first_of(const uint8_t *s, size_t n, const char *const *lits, size_t nlits, unsigned *count)
{
	const char *first = NULL;
	size_t k;

	*count = 0;
	for (k = 0; k < nlits; k++)
		if (has(s, n, lits[k])) {
			if (!first)
				first = lits[k];
			(*count)++;
		}
	return first;
}

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static int
type_script(const uint8_t *s, size_t n, struct scan_type *t)
{
	static const char *const wsh[] = {"wscript.",	       "activexobject",
					  "wscript.shell",     "scripting.filesystemobject",
					  "shell.application", "msxml2.xmlhttp",
					  "adodb.stream",      "winhttp.winhttprequest",
					  "createobject(",     "getobject(\"winmgmts"};
	static const char *const js[] = {
	    "var ",	   "function", "new activexobject", ".fromcharcode",
	    "unescape(",   "eval(",    "new function(",	    "try {",
	    "charcodeat(", "};"};
	static const char *const vbs[] = {
	    "dim ",  "end sub",	 "end function",  "on error resume next",
	    "set ",  "chrw(",	 "executeglobal", "execute(",
	    " then", "& vbcrlf", "createobject("};
	static const char *const ps[] = {"invoke-expression",
					 "iex(",
					 "iex ",
					 "-encodedcommand",
					 "-enc ",
					 "new-object ",
					 "net.webclient",
					 "downloadstring(",
					 "downloadfile(",
					 "frombase64string(",
					 "start-process",
					 "$env:",
					 "set-executionpolicy",
					 "invoke-webrequest",
					 "-executionpolicy",
					 "add-type",
					 "[system."};
	static const char *const bat[] = {"\nset ",	"\nstart ",   "\necho ", "\ngoto ",
					  "\nif exist", "%~dp0",      "cmd /c",	 "cmd.exe /c",
					  "\ncall ",	"\ndel ",     "\ncopy ", "\nexit /b",
					  "bitsadmin",	"certutil -", "\nrem ",	 "\n:: "};
	unsigned nw, nj, nv, np, nb;
	const char *fw, *fp;
	char what[96];
	size_t i = skip_space(s, n, 0);

	if (has(s, n < 4096 ? n : 4096, "#@~^")) {
		set(t, SK_ENCODED_SCRIPT, "encoded JScript/VBScript (#@~^)");
		return 1;
	}
	if (starts(s, n, i, "windows registry editor version") || starts(s, n, i, "regedit4")) {
		set(t, SK_REG, "Windows registry file");
		return 1;
	}
	if (starts(s, n, i, "[internetshortcut]") ||
	    (starts(s, n, i, "[{000214a0-0000-0000-c000-000000000046}]") &&
	     has(s, n, "[internetshortcut]"))) {
		set(t, SK_URL, "Internet shortcut (.url)");
		return 1;
	}
	fw = first_of(s, n, wsh, NELEM(wsh), &nw);
	first_of(s, n, js, NELEM(js), &nj);
	first_of(s, n, vbs, NELEM(vbs), &nv);
	fp = first_of(s, n, ps, NELEM(ps), &np);
	first_of(s, n, bat, NELEM(bat), &nb);
	/* CreateObject alone is too common in prose and code snippets. */
	if (fw && (strcmp(fw, "createobject(") != 0 || nw >= 2 || nv >= 3)) {
		enum scan_kind k = SK_WSH;
		const char *lang = "Windows Script Host script";
		if (has(s, n, "new activexobject") || nj > nv + 1)
			k = SK_JS, lang = "JScript";
		else if (nv > nj)
			k = SK_VBS, lang = "VBScript";
		snprintf(what, sizeof(what), "%s using %s", lang, fw);
		set(t, k, what);
		return 1;
	}
	if (np >= 3 || (np >= 2 && (has(s, n, "invoke-expression") || has(s, n, "iex(") ||
				    has(s, n, "iex ") || has(s, n, "-encodedcommand")))) {
		snprintf(what, sizeof(what), "PowerShell script (%s)", fp);
		set(t, SK_PS1, what);
		return 1;
	}
	if (starts(s, n, i, "@echo off") || nb >= 4) {
		set(t, SK_BAT, "Windows batch script");
		return 1;
	}
	if (has(s, n, "eval(") &&
	    (has(s, n, "fromcharcode") || has(s, n, "unescape(") || has(s, n, "atob(")) &&
	    nj >= 3) {
		set(t, SK_JS, "obfuscated JavaScript (eval of decoded text)");
		return 1;
	}
	return 0;
}

/* Markup: HTML, HTA, SVG, XML flavours (Office XML, WSF, scriptlets, settings). */
static int
type_markup(const uint8_t *s, size_t n, struct scan_type *t)
{
	size_t i = skip_space(s, n, 0), head = n < 1024 ? n : 1024;

	if (has(s, n, "<hta:application")) {
		set(t, SK_HTA, "HTML application (HTA)");
		return 1;
	}
	if (starts(s, n, i, "<?xml") || starts(s, n, i, "<job") || starts(s, n, i, "<package") ||
	    starts(s, n, i, "<scriptlet") || starts(s, n, i, "<pcsettings") ||
	    starts(s, n, i, "<librarydescription") || starts(s, n, i, "<svg")) {
		if (has(s, n, "<?mso-application") || has(s, n, "<w:worddocument") ||
		    has(s, n, "<pkg:package") ||
		    has(s, n, "urn:schemas-microsoft-com:office:spreadsheet") ||
		    has(s, n, "schemas.microsoft.com/office/word/2003/wordml")) {
			set(t, SK_OFFICE_XML, "Office XML document");
			return 1;
		}
		if ((has(s, head, "<job") || has(s, head, "<package")) && has(s, n, "<script")) {
			set(t, SK_WSF, "Windows Script File (WSF)");
			return 1;
		}
		if (has(s, head, "<scriptlet") || has(s, head, "<component")) {
			set(t, SK_SCT, "Windows scriptlet (SCT)");
			return 1;
		}
		if (has(s, head, "<pcsettings")) {
			set(t, SK_SETTINGS, "settings shortcut (.settingcontent-ms)");
			return 1;
		}
		if (has(s, head, "<librarydescription") ||
		    has(s, head, "<searchconnectordescription")) {
			set(t, SK_LIBRARY, "Windows library or search connector");
			return 1;
		}
		if (has(s, head, "<svg")) {
			set(t, SK_SVG, "SVG image");
			return 1;
		}
		if (has(s, head, "<html")) {
			set(t, SK_HTML, "XHTML document");
			return 1;
		}
		set(t, SK_XML, "XML document");
		return 1;
	}
	if (has(s, head, "<!doctype html") || has(s, head, "<html") ||
	    (i < n && s[i] == '<' &&
	     (has(s, head, "<head") || has(s, head, "<body") || has(s, head, "<script") ||
	      has(s, head, "<iframe") || has(s, head, "<meta") || has(s, head, "<form") ||
	      has(s, head, "<div") || has(s, head, "<table") || has(s, head, "<a href") ||
	      has(s, head, "<title") || has(s, head, "<!--")))) {
		set(t, SK_HTML, "HTML document");
		return 1;
	}
	return 0;
}

static int
type_text(struct ward_file_ctx *ctx, const uint8_t *p, size_t n, struct scan_type *t)
{
	uint8_t local[4096];
	uint8_t *buf = ctx && ctx->scratch ? ctx->scratch : local;
	size_t cap = ctx && ctx->scratch ? SCAN_TEXT_WINDOW : sizeof(local);
	size_t len = text_view(p, n, buf, cap), i;

	if (len == 0)
		return 0;
	i = skip_space(buf, len, 0);
	if (starts(buf, len, i, "id;p") || starts(buf, len, i, "id;")) {
		set(t, SK_SLK, "SYLK spreadsheet");
		return 1;
	}
	if (looks_like_mail(buf, len)) {
		set(t, SK_MAIL, "mail message");
		return 1;
	}
	if (type_markup(buf, len, t))
		return 1;
	if (type_script(buf, len, t))
		return 1;
	set(t, SK_TEXT, "text");
	return 1;
}

/* ---- libmagic, for what no own check knew ---- */

static const struct {
	const char *mime;
	enum scan_kind kind;
} magic_map[] = {
    {"application/x-dosexec", SK_MZ},
    {"application/vnd.microsoft.portable-executable", SK_PE},
    {"application/x-msdownload", SK_PE},
    {"application/x-executable", SK_ELF},
    {"application/x-sharedlib", SK_ELF},
    {"application/x-pie-executable", SK_ELF},
    {"application/x-mach-binary", SK_MACHO},
    {"application/x-iso9660-image", SK_ISO},
    {"application/x-arc", SK_ZOO},
    {"application/x-arj", SK_ARJ},
    {"application/x-ace-compressed", SK_ACE},
    {"application/x-stuffit", SK_SIT},
    {"application/x-zoo", SK_ZOO},
    {"application/x-lzh-compressed", SK_LHA},
    {"application/x-rar", SK_RAR},
    {"application/vnd.rar", SK_RAR},
    {"application/pdf", SK_PDF},
    {"text/rtf", SK_RTF},
    {"text/html", SK_HTML},
    {"application/x-ms-shortcut", SK_LNK},
    {"application/vnd.ms-cab-compressed", SK_CAB},
    {"application/x-cpio", SK_CPIO},
    {"application/x-tar", SK_TAR},
};

static void
type_magic(magic_t m, const uint8_t *p, size_t n, struct scan_type *t)
{
	const char *mime;
	size_t k;

	set(t, SK_DATA, "data");
	if (!m)
		return;
	mime = magic_buffer(m, p, n < MAGIC_WINDOW ? n : MAGIC_WINDOW);
	if (!mime)
		return;
	for (k = 0; k < NELEM(magic_map); k++)
		if (strcmp(mime, magic_map[k].mime) == 0) {
			char what[96];
			snprintf(what, sizeof(what), "%s (libmagic)", mime);
			set(t, magic_map[k].kind, what);
			snprintf(t->mime, sizeof(t->mime), "%s", mime);
			return;
		}
	if (strncmp(mime, "image/", 6) == 0)
		set(t, SK_IMAGE, "image");
	snprintf(t->mime, sizeof(t->mime), "%s", mime);
}

void
scan_type_detect(struct ward_file_ctx *ctx, const uint8_t *p, size_t n, int magic,
		 struct scan_type *t)
{
	if (n == 0) {
		set(t, SK_EMPTY, "empty");
		return;
	}
	if (type_disk(p, n, t) || type_pe(p, n, t) || type_elf(p, n, t) || type_macho(p, n, t) ||
	    type_ole2(p, n, t) || type_zip(p, n, t) || type_misc_binary(p, n, t) ||
	    type_archive(p, n, t))
		return;
	if (at(p, n, 0, "{\\rt", 4)) {
		set(t, SK_RTF, "RTF document");
		return;
	}
	if (memmem(p, n < 1024 ? n : 1024, "%PDF-", 5)) {
		set(t, SK_PDF, "PDF document");
		return;
	}
	if (memmem(p, n < 8192 ? n : 8192, "(This file must be converted with BinHex", 40)) {
		set(t, SK_BINHEX, "BinHex 4.0 encoded file");
		return;
	}
	if (type_text(ctx, p, n, t))
		return;
	type_magic(ctx && magic ? ctx->magic : NULL, p, n, t);
}
