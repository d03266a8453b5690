/*
 * File content analysis, shared by mail attachments and files on disk: the
 * true type by content (own checks for the decisive magic, libmagic for the
 * rest), executables and scripts, disk images, name/type mismatches, Office
 * macros, DDE, external templates, embedded objects and encryption, RTF
 * objects, archives (libarchive) with encryption and nesting, and HTML
 * smuggling. Containers are opened recursively within the limits below.
 */
#ifndef WARD_FILE_H
#define WARD_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "ward/finding.h"

/* Caps on one analysed file and everything inside it; defaults from limits.h. */
struct ward_file_limits {
	size_t max_size;    /* bytes of one file or extracted entry (WARD_LIMIT_FILE_SIZE) */
	unsigned max_depth; /* container nesting (WARD_LIMIT_ARCHIVE_DEPTH) */
	unsigned
	    max_entries; /* entries walked in one file, all levels (WARD_LIMIT_ARCHIVE_ENTRIES) */
	uint64_t
	    max_total; /* bytes extracted from one file, all levels (WARD_LIMIT_ARCHIVE_TOTAL) */
	unsigned
	    max_ratio; /* extracted / compressed size of one entry (WARD_LIMIT_ARCHIVE_RATIO) */
};

void ward_file_limits_default(struct ward_file_limits *l);

#define WARD_FILE_MAX_HITS 32
#define WARD_FILE_WHERE_MAX 256

struct ward_file_hit {
	const struct ward_check *check;
	char where[WARD_FILE_WHERE_MAX]; /* "" for the file itself, else the path inside it:
					  * "invoice.zip/payload.exe", "word/vbaProject.bin" */
	char detail[160];		 /* evidence: "PE32 executable", "AutoOpen", the URL ... */
};

struct ward_file_result {
	char type[80]; /* MIME type by content, e.g. "application/x-dosexec" */
	char kind[16]; /* short kind: pe, elf, macho, lnk, iso, zip, 7z, rar, ole2, ooxml, rtf,
			* pdf, html, script, text, data ... */
	size_t n_hits;
	struct ward_file_hit hits[WARD_FILE_MAX_HITS];
	unsigned n_entries; /* container entries walked, all levels */
	int truncated;	    /* a limit cut the analysis (also reported as a hit) */
};

/* Per-thread analyser state (a libmagic handle, scratch buffers). */
struct ward_file_ctx;

/* lim may be NULL for the defaults. Returns NULL when libmagic cannot load. */
struct ward_file_ctx *ward_file_ctx_new(const struct ward_file_limits *lim);
void ward_file_ctx_free(struct ward_file_ctx *ctx);

/*
 * Analyses p[0..n) named name (may be NULL; used only for the mismatch and
 * double-extension checks and in evidence). Fills r. Returns 0, or
 * WARD_ELIMIT when n exceeds max_size (r->type still set from the head).
 */
int ward_file_analyse(struct ward_file_ctx *ctx, const uint8_t *p, size_t n, const char *name,
		      struct ward_file_result *r);

/* Every file check, NULL-terminated (for docs and tests). */
extern const struct ward_check *const ward_file_checks[];

extern const struct ward_check ward_check_file_executable;
extern const struct ward_check ward_check_file_script;
extern const struct ward_check ward_check_file_shortcut;
extern const struct ward_check ward_check_file_disk_image;
extern const struct ward_check ward_check_file_type_mismatch;
extern const struct ward_check ward_check_file_double_extension;
extern const struct ward_check ward_check_file_vba;
extern const struct ward_check ward_check_file_xlm;
extern const struct ward_check ward_check_file_dde;
extern const struct ward_check ward_check_file_external_template;
extern const struct ward_check ward_check_file_ole_object;
extern const struct ward_check ward_check_file_office_encrypted;
extern const struct ward_check ward_check_file_rtf_object;
extern const struct ward_check ward_check_file_archive_encrypted;
extern const struct ward_check ward_check_file_archive_limit;
extern const struct ward_check ward_check_file_archive_opaque;
extern const struct ward_check ward_check_file_html_smuggling;
extern const struct ward_check ward_check_file_pdf_active;

#endif
