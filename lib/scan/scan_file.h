/*
 * Private to the file analyser's own files (scan_file.c, scan_type.c,
 * scan_archive.c, scan_html.c, scan_pdf.c): the per-thread context, content
 * typing and a few byte helpers. The analysers of other kinds only see
 * scan_internal.h.
 *
 * Typing is by content first. The decisive magic numbers are checked here
 * without libmagic (it is slow: about 7 k buffers a second); libmagic only
 * names what no own check recognised. Every kind belongs to one family, and
 * the family decides what is reported and which analyser opens it.
 */
#ifndef WARD_SCAN_FILE_H
#define WARD_SCAN_FILE_H

#include <locale.h>
#include <magic.h>

#include "scan_internal.h"
#include "ward/buf.h"

#define SCAN_TEXT_WINDOW (64u * 1024)

struct ward_file_ctx {
	magic_t magic;
	locale_t utf8;	  /* LC_CTYPE C.UTF-8 for libarchive's name conversions, or 0 */
	uint8_t *scratch; /* SCAN_TEXT_WINDOW bytes for the text checks */
	struct ward_file_limits lim;
};

/* Families: what a kind is, for reporting and for the name checks. */
enum scan_family {
	SF_DATA = 0, /* unknown bytes */
	SF_TEXT,
	SF_EXEC,     /* programs: PE, ELF, Mach-O, MSI, JAR, APK, MSIX */
	SF_SCRIPT,   /* scripts and script hosts: JS, VBS, PS1, BAT, HTA, WSF, CHM, REG */
	SF_SHORTCUT, /* LNK, .url */
	SF_DISK,     /* ISO, UDF, VHD(X), IMG, DMG */
	SF_ARCHIVE,  /* containers ward opens (libarchive or own decoders) */
	SF_OPAQUE,   /* archives nobody here opens: ARJ, ACE, SIS ... */
	SF_OFFICE,   /* documents: OLE2, OOXML, ODF, Office XML, RTF, OneNote, SYLK, EPUB */
	SF_PDF,
	SF_HTML, /* HTML, SVG */
	SF_IMAGE,
	SF_MAIL,
};

enum scan_kind {
	SK_EMPTY = 0,
	SK_DATA,
	SK_TEXT,
	SK_XML,
	SK_PE,
	SK_MZ, /* DOS header without a PE header */
	SK_ELF,
	SK_MACHO,
	SK_MSI,
	SK_JAR,
	SK_APK,
	SK_APPX,
	SK_JS,
	SK_VBS,
	SK_WSH, /* JScript or VBScript calling WSH objects, language unclear */
	SK_ENCODED_SCRIPT,
	SK_PS1,
	SK_BAT,
	SK_WSF,
	SK_HTA,
	SK_SCT,
	SK_REG,
	SK_CHM,
	SK_SETTINGS,
	SK_LNK,
	SK_URL,
	SK_LIBRARY,
	SK_ISO,
	SK_UDF,
	SK_VHD,
	SK_VHDX,
	SK_IMG,
	SK_DMG,
	SK_ZIP,
	SK_7Z,
	SK_RAR,
	SK_RAR5,
	SK_GZIP,
	SK_BZIP2,
	SK_XZ,
	SK_LZMA,
	SK_ZSTD,
	SK_CAB,
	SK_TAR,
	SK_CPIO,
	SK_LHA,
	SK_XAR,
	SK_AR,
	SK_BINHEX,
	SK_TNEF,
	SK_SZDD,
	SK_ARJ,
	SK_ACE,
	SK_SIS,
	SK_SIT,
	SK_ZOO,
	SK_KWAJ,
	SK_SQUASHFS,
	SK_OLE2,
	SK_OOXML,
	SK_XPS,
	SK_ODF,
	SK_EPUB,
	SK_OFFICE_XML,
	SK_RTF,
	SK_ONENOTE,
	SK_SLK,
	SK_PDF,
	SK_HTML,
	SK_SVG,
	SK_IMAGE,
	SK_MAIL,
	SK_COUNT
};

struct scan_type {
	enum scan_kind kind;
	char mime[80]; /* MIME type by content */
	char what[96]; /* evidence: "PE32 executable (DLL)", "JScript (ActiveXObject, WScript)" */
};

/* Short kind name ("pe", "zip" ...) and family of a kind. */
const char *scan_kind_name(enum scan_kind k);
enum scan_family scan_kind_family(enum scan_kind k);

/* Types p[0..n). ctx may be NULL; libmagic is asked (when own checks fail) only
 * with a ctx and magic set. */
void scan_type_detect(struct ward_file_ctx *ctx, const uint8_t *p, size_t n, int magic,
		      struct scan_type *t);

/*
 * Reports what an object of type t is and what its name adds (programs,
 * scripts, shortcuts and disk images by content or by name, double
 * extensions, name/type mismatches). name may be NULL.
 */
void scan_judge(struct scan_job *j, const char *name, const char *where, const struct scan_type *t);

/*
 * Opens a container of kind k (archives through libarchive, and the own
 * decoders for BinHex, TNEF, SZDD and OneNote) and hands each entry to
 * scan_object() at depth + 1. name names the container (for a single
 * compressed stream's entry name).
 */
void scan_container(struct scan_job *j, enum scan_kind k, const uint8_t *p, size_t n,
		    const char *name, const char *where, unsigned depth);

/*
 * Bytes an analyser may still extract before the total limit; 0 when the
 * budget is spent (file.archive.limit is then recorded once).
 */
uint64_t scan_budget(struct scan_job *j, const char *where);

/* Records file.archive.limit once per job with the given evidence. */
void scan_limit(struct scan_job *j, const char *where, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Inflates a zlib (or raw deflate when raw) stream into out, at most max
 * bytes. Returns 0, WARD_ELIMIT when max was reached (out holds max bytes),
 * or WARD_EFORMAT.
 */
int scan_inflate(const uint8_t *p, size_t n, int raw, size_t max, struct ward_buf *out);

/* Case-insensitive search for the NUL-terminated needle in p[0..n). */
const uint8_t *scan_memcasemem(const uint8_t *p, size_t n, const char *needle);

/* The part of name after its last '/' or '\\' (name itself if none). */
const char *scan_basename(const char *name);

#endif
