/*
 * Inside the Office and RTF analysers: the bounded CFB (OLE2 compound file)
 * reader, the VBA and XLM macro finders, the embedded OLE object walker and
 * the field-instruction and XML helpers they share. Everything here reads
 * untrusted bytes given as (p, n); nothing returned points into freed
 * memory: a stream read with cfb_read() belongs to the caller, a struct cfb
 * borrows the file bytes it was opened on.
 */
#ifndef WARD_SCAN_OFFICE_H
#define WARD_SCAN_OFFICE_H

#include <stddef.h>
#include <stdint.h>

#include "scan_internal.h"

/* CFB: [MS-CFB]. Directory entry ids; CFB_NONE is NOSTREAM. */
#define CFB_NONE 0xFFFFFFFFu
#define CFB_STORAGE 1
#define CFB_STREAM 2
#define CFB_ROOT 5

struct cfb_entry {
	char name[100]; /* UTF-8 of the UTF-16 name; "\001Ole10Native" keeps its control char */
	uint8_t type;	/* CFB_STORAGE, CFB_STREAM, CFB_ROOT, or 0 for an unused slot */
	uint32_t left, right, child;
	uint32_t parent; /* computed from the tree; CFB_NONE when unreachable */
	uint32_t first;	 /* first child and next sibling in the computed tree, or CFB_NONE */
	uint32_t next;
	uint32_t start;
	uint64_t size;
	uint8_t clsid[16];
};

struct cfb {
	const uint8_t *p; /* borrowed file bytes */
	size_t n;
	uint32_t ssz;  /* sector size */
	uint32_t nsec; /* sectors present in the file (a cut last one counts) */
	uint32_t *fat;
	uint32_t nfat;
	uint32_t *mfat;
	uint32_t nmfat;
	uint32_t cutoff; /* streams smaller than this live in the mini stream */
	struct cfb_entry *ent;
	uint32_t nent;
	uint8_t *mini; /* the mini stream, read on first use */
	size_t nmini;
	int mini_read;
	size_t max; /* largest stream cfb_read() returns */
};

/* Has p[0..n) the CFB signature? */
int cfb_magic(const uint8_t *p, size_t n);

/*
 * Reads the header, FAT, mini FAT and directory of p[0..n). Streams larger
 * than max are refused by cfb_read(). Returns 0, WARD_EFORMAT, WARD_ENOMEM.
 * On success cfb_close() must be called; on failure nothing is held.
 */
int cfb_open(struct cfb *c, const uint8_t *p, size_t n, size_t max);
void cfb_close(struct cfb *c);

/* The child of storage id named name (case-insensitive, as CFB compares), or CFB_NONE. */
uint32_t cfb_child(const struct cfb *c, uint32_t storage, const char *name);

/* The first entry anywhere named name (case-insensitive) of the given type
 * (0 for any), or CFB_NONE. */
uint32_t cfb_find(const struct cfb *c, const char *name, int type);

/*
 * Reads stream id into a new buffer (*out, *len; caller frees). A chain cut
 * short by the file end or a loop returns the bytes found. Returns 0,
 * WARD_EINVAL (not a stream), WARD_ELIMIT (larger than max), WARD_ENOMEM.
 */
int cfb_read(struct cfb *c, uint32_t id, uint8_t **out, size_t *len);

/* "Macros/VBA/dir": the path of id below the root, names made printable. */
void cfb_path(const struct cfb *c, uint32_t id, char *out, size_t size);

/* Reads a stream charged to the job (scan_charge); NULL when it cannot or may not. */
uint8_t *office_stream(struct scan_job *j, struct cfb *c, uint32_t id, const char *where,
		       size_t *len);

/* VBA (scan_vba.c). Reports file.office.vba_macro at where when the CFB holds a
 * VBA project (by its storages and streams); evidence comes from the
 * decompressed module source. Returns 1 when VBA was found. */
int office_vba_cfb(struct scan_job *j, struct cfb *c, const char *where);
/* Evidence for VBA source text: auto-exec names and suspicious calls, appended to out. */
void office_vba_evidence(const char *src, size_t n, char *out, size_t size);

/* XLM (scan_xlm.c). A BIFF5/BIFF8 workbook stream: macro sheets, Auto_Open
 * names, and the FILEPASS record. Returns 1 when FILEPASS (encryption) was seen. */
int office_xlm_biff(struct scan_job *j, const uint8_t *p, size_t n, const char *where);
/* An .xlsb binary part (workbook.bin): BrtName Auto_Open. Appends evidence to out. */
void office_xlm_xlsb_names(const uint8_t *p, size_t n, char *out, size_t size);
/* An .xlsb external link part: a DDE link (BrtSupBook of type DDE) as "service|topic". */
int office_xlsb_dde(const uint8_t *p, size_t n, char *out, size_t size);

/* Embedded objects (scan_office.c). The OLE2 file p[0..n) is an embedded
 * object found at where: report file.office.ole_object with its class and
 * analyse what it carries (package payloads, documents, links). */
void office_object_ole2(struct scan_job *j, const uint8_t *p, size_t n, const char *where,
			unsigned depth);
/* An OLE1 Package (native data without its size prefix): hands the payload to
 * scan_object and returns 0 with its file name in label; returns 1 for a
 * packager link (label gets the linked path), -1 when it is no package. */
int office_package(struct scan_job *j, const uint8_t *p, size_t n, const char *where,
		   unsigned depth, char *label, size_t lsize);
/* Word 2003 XML binData: ActiveMime (editdata.mso, inflated) or OLE2 (oledata.mso,
 * streams of zlib-compressed objects); VBA and objects inside are reported. */
void office_activemime(struct scan_job *j, const uint8_t *p, size_t n, const char *where,
		       unsigned depth);
/* Inflates zlib data (with libgsf's raw inflater) into a new buffer of at most
 * max bytes (caller frees); NULL when nothing could be inflated. */
uint8_t *office_inflate(const uint8_t *p, size_t n, size_t max, size_t *len);

/*
 * A field instruction ("DDEAUTO c:\\windows\\system32\\cmd.exe ...",
 * "INCLUDEPICTURE \"http://...\""): reports file.office.dde or
 * file.office.external_template at where. Returns 1 when it reported.
 */
int office_field(struct scan_job *j, const char *instr, size_t n, const char *where);
/* A spreadsheet DDE formula (=cmd|'/c calc'!A0) in s[0..n): copies it to out. */
int office_dde_formula(const char *s, size_t n, char *out, size_t size);

/* Case-insensitive search of needle in p[0..n); returns the offset or (size_t)-1. */
size_t office_memcasemem(const uint8_t *p, size_t n, const char *needle);
/* Copies s[0..n) to out printable: controls and newlines become spaces, runs collapse. */
void office_printable(char *out, size_t size, const char *s, size_t n);
/* Appends ", item" (or "item" first) to out when it fits and is not there yet. */
void office_append(char *out, size_t size, const char *item);

/* OOXML and flat XML (scan_ooxml.c): one relationship, judged. */
void office_relationship(struct scan_job *j, const char *type, const char *target, const char *mode,
			 const char *where);

#endif
