/*
 * Inside the file analyser: one job walks a file and everything nested in
 * it. The dispatcher (scan_file.c) types each object and hands it to the
 * analyser for its kind; analysers report hits and hand embedded objects
 * back to scan_object(), which applies the depth, entry and byte limits.
 */
#ifndef WARD_SCAN_INTERNAL_H
#define WARD_SCAN_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "ward/file.h"

struct scan_job {
	struct ward_file_ctx *ctx;
	struct ward_file_result *r;
	const struct ward_file_limits *lim;
	uint64_t total;	  /* bytes extracted so far, all levels */
	unsigned entries; /* entries walked so far, all levels */
};

/* Records a hit at where (NULL or "" for the top-level file); detail is printf-style.
 * The same check at the same place is recorded once. */
void scan_hit(struct scan_job *j, const struct ward_check *c, const char *where, const char *fmt,
	      ...) __attribute__((format(printf, 4, 5)));

/*
 * Analyses one object found at where (a path inside the top-level file, ""
 * for the file itself) at nesting depth depth, named name (may be NULL).
 * Embedded objects (archive entries, OLE package payloads, RTF objects) come
 * back through here with depth + 1; the limits are enforced here.
 */
void scan_object(struct scan_job *j, const uint8_t *p, size_t n, const char *name,
		 const char *where, unsigned depth);

/*
 * Charges n extracted bytes and one entry to the job; returns 0, or -1 when a
 * limit is reached (and records file.archive.limit once).
 */
int scan_charge(struct scan_job *j, const char *where, uint64_t n);

/* Joins where and name into out ("a.zip" + "b.exe" -> "a.zip/b.exe"). */
void scan_where(char *out, size_t size, const char *where, const char *name);

/* Analysers, one per container or document kind. Each may call scan_object(). */
void scan_office_ole2(struct scan_job *j, const uint8_t *p, size_t n, const char *where,
		      unsigned depth);
void scan_office_ooxml(struct scan_job *j, const uint8_t *p, size_t n, const char *where,
		       unsigned depth);
/* Flat XML Office documents (Word 2003 XML, Flat OPC): DDE, templates, embedded parts. */
void scan_office_xml(struct scan_job *j, const uint8_t *p, size_t n, const char *where,
		     unsigned depth);
void scan_rtf(struct scan_job *j, const uint8_t *p, size_t n, const char *where, unsigned depth);
/* Text Excel opens (SYLK, CSV): XLM macro functions and DDE formulas. */
void scan_office_text(struct scan_job *j, const uint8_t *p, size_t n, const char *where,
		      unsigned depth);
void scan_archive(struct scan_job *j, const uint8_t *p, size_t n, const char *where,
		  unsigned depth);
void scan_html(struct scan_job *j, const uint8_t *p, size_t n, const char *where, unsigned depth);
void scan_pdf(struct scan_job *j, const uint8_t *p, size_t n, const char *where, unsigned depth);

#endif
