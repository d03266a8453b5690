/*
 * Containers: archives read with libarchive from memory, and the few
 * single-file wrappers ward decodes itself (BinHex 4.0, TNEF winmail.dat,
 * MS-DOS SZDD, files embedded in OneNote sections). Each entry is
 * extracted into memory and handed back to scan_object() one level deeper.
 *
 * Only the format the content was typed as is enabled in libarchive (its
 * "all" set includes mtree, which takes any text for an archive, and a
 * RAR5 holding a stored zip was read as the zip). Filters are enabled one
 * by one so that none falls back to an external program.
 *
 * Limits: every entry is charged to the job (scan_charge); an entry is read
 * in chunks and reading stops at the job's byte budget, at max_size, or
 * when this archive has produced more than max_ratio times its own size
 * (once past RATIO_FLOOR, so a small archive of repetitive text is not
 * cut). The first limit reached is reported once as file.archive.limit.
 *
 * Encryption is reported, never attacked: entries flagged encrypted, 7z
 * archives with encrypted headers (libarchive fails with "encrypted") and
 * RAR5 encryption, which libarchive 3.6 does not flag and ward reads from
 * the block headers itself.
 */
#define _GNU_SOURCE /* memmem */
#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scan_file.h"
#include "ward/error.h"

/* Archive output below this size never counts against the ratio limit. */
#define RATIO_FLOOR (1024u * 1024)
#define CHUNK (64u * 1024)

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

static size_t
min_size(uint64_t a, uint64_t b)
{
	uint64_t m = a < b ? a : b;
	return m > SIZE_MAX ? SIZE_MAX : (size_t)m;
}

/* Charges an entry found by an own decoder and scans it. */
static void
emit(struct scan_job *j, const uint8_t *p, size_t n, const char *name, const char *where,
     unsigned depth)
{
	char ew[WARD_FILE_WHERE_MAX];

	scan_where(ew, sizeof(ew), where, name);
	if (scan_charge(j, ew, n) < 0)
		return;
	scan_object(j, p, n, name, ew, depth + 1);
}

/* ---- libarchive ---- */

static int
enable(struct archive *a, enum scan_kind k, int streamable)
{
	int r = ARCHIVE_OK;

	switch (k) {
	case SK_ZIP:
	case SK_ODF:
		return streamable ? archive_read_support_format_zip_streamable(a)
				  : archive_read_support_format_zip_seekable(a);
	case SK_7Z:
		return archive_read_support_format_7zip(a);
	case SK_RAR:
		return archive_read_support_format_rar(a);
	case SK_RAR5:
		return archive_read_support_format_rar5(a);
	case SK_ISO:
		return archive_read_support_format_iso9660(a);
	case SK_CAB:
		return archive_read_support_format_cab(a);
	case SK_TAR:
		return archive_read_support_format_tar(a);
	case SK_CPIO:
		return archive_read_support_format_cpio(a);
	case SK_LHA:
		return archive_read_support_format_lha(a);
	case SK_XAR:
		return archive_read_support_format_xar(a);
	case SK_AR:
		return archive_read_support_format_ar(a);
	case SK_GZIP:
	case SK_BZIP2:
	case SK_XZ:
	case SK_LZMA:
	case SK_ZSTD:
		/* A compressed tar, else one compressed file (a compressed cpio
		 * comes out whole and is checked before it is opened). */
		if (archive_read_support_filter_gzip(a) != ARCHIVE_OK ||
		    archive_read_support_filter_bzip2(a) != ARCHIVE_OK ||
		    archive_read_support_filter_xz(a) != ARCHIVE_OK ||
		    archive_read_support_filter_lzma(a) != ARCHIVE_OK ||
		    archive_read_support_filter_zstd(a) != ARCHIVE_OK)
			return ARCHIVE_WARN; /* it would run an external program */
		if (archive_read_support_format_tar(a) != ARCHIVE_OK ||
		    archive_read_support_format_raw(a) != ARCHIVE_OK)
			return ARCHIVE_FATAL;
		return r;
	default:
		return ARCHIVE_FATAL;
	}
}

/* The entry name of a single compressed file: the container's name without its suffix. */
static void
stream_name(char *out, size_t size, const char *name)
{
	static const char *const sfx[] = {".gz", ".bz2", ".xz", ".lzma", ".zst", ".z", ".gzip"};
	const char *b = name ? scan_basename(name) : "";
	size_t len = strlen(b), i, m;

	if (!*b) {
		snprintf(out, size, "data");
		return;
	}
	for (i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
		m = strlen(sfx[i]);
		if (len > m && strcasecmp(b + len - m, sfx[i]) == 0) {
			snprintf(out, size, "%.*s", (int)(len - m), b);
			return;
		}
	}
	if (len > 4 &&
	    (strcasecmp(b + len - 4, ".tgz") == 0 || strcasecmp(b + len - 4, ".tbz") == 0 ||
	     strcasecmp(b + len - 4, ".txz") == 0)) {
		snprintf(out, size, "%.*s.tar", (int)(len - 4), b);
		return;
	}
	snprintf(out, size, "%s.data", b);
}

static int
says_encrypted(struct archive *a)
{
	const char *e = archive_error_string(a);

	return e && (strstr(e, "ncrypt") || strstr(e, "assphrase") || strstr(e, "assword"));
}

static unsigned long long
vint(const uint8_t *p, size_t end, size_t *i, int *ok)
{
	unsigned long long v = 0;
	unsigned shift = 0;

	while (*i < end && shift < 64) {
		uint8_t b = p[(*i)++];
		v |= (unsigned long long)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return v;
		shift += 7;
	}
	*ok = 0;
	return 0;
}

/*
 * RAR5 encryption from the block headers: an archive encryption header
 * (headers encrypted, name "") or a file header with an encryption extra
 * record (its name). Returns 1 if found.
 */
static int
rar5_encrypted(const uint8_t *p, size_t n, char *name, size_t size)
{
	size_t off = 8;
	unsigned blocks = 0;

	while (off + 7 <= n && blocks++ < 100000) {
		size_t i = off + 4, hstart, hend;
		unsigned long long hsize, type, flags, xsize = 0, dsize = 0;
		int ok = 1;

		hsize = vint(p, n, &i, &ok);
		hstart = i;
		if (!ok || hsize == 0 || hsize > n - hstart)
			return 0;
		hend = hstart + (size_t)hsize;
		type = vint(p, hend, &i, &ok);
		flags = vint(p, hend, &i, &ok);
		if (flags & 1)
			xsize = vint(p, hend, &i, &ok);
		if (flags & 2)
			dsize = vint(p, hend, &i, &ok);
		if (!ok)
			return 0;
		if (type == 4) {
			snprintf(name, size, "%s", "");
			return 1;
		}
		if (type == 2 && xsize > 0 && xsize <= hsize) {
			unsigned long long ff = vint(p, hend, &i, &ok), nlen;
			size_t x = hend - (size_t)xsize, nstart;

			vint(p, hend, &i, &ok); /* unpacked size */
			vint(p, hend, &i, &ok); /* attributes */
			i += (ff & 2) ? 4 : 0;	/* mtime */
			i += (ff & 4) ? 4 : 0;	/* data CRC32 */
			vint(p, hend, &i, &ok); /* compression */
			vint(p, hend, &i, &ok); /* host OS */
			nlen = vint(p, hend, &i, &ok);
			nstart = i;
			while (ok && x < hend) {
				unsigned long long rsize = vint(p, hend, &x, &ok), rtype;
				size_t rstart = x;
				rtype = vint(p, hend, &x, &ok);
				if (!ok || rsize == 0 || rsize > hend - rstart)
					break;
				if (rtype == 1) {
					if (ok && nstart <= hend && nlen <= hend - nstart)
						snprintf(name, size, "%.*s", (int)nlen,
							 (const char *)p + nstart);
					else
						snprintf(name, size, "?");
					return 1;
				}
				x = rstart + (size_t)rsize;
			}
		}
		if (type == 5 || dsize > n - hend)
			return 0;
		off = hend + (size_t)dsize;
	}
	return 0;
}

static unsigned long long
field(const uint8_t *p, size_t len, unsigned base)
{
	unsigned long long v = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned d = p[i] >= '0' && p[i] <= '9'	  ? (unsigned)(p[i] - '0')
			     : p[i] >= 'a' && p[i] <= 'f' ? (unsigned)(p[i] - 'a' + 10)
			     : p[i] >= 'A' && p[i] <= 'F' ? (unsigned)(p[i] - 'A' + 10)
							  : 99;
		if (d >= base)
			return ~0ull;
		v = v * base + d;
	}
	return v;
}

/* Every byte a digit of base (checked one by one: a long field overflows
 * field(), and "ffff..." would read as its error value). */
static int
all_digits(const uint8_t *p, size_t len, unsigned base)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (field(p + i, 1, base) == ~0ull)
			return 0;
	return 1;
}

/*
 * ASCII cpio headers whose name or data run past the end of the archive:
 * libarchive 3.6 allocates what such a header asks for before finding out
 * the input is short. It also skips junk to the next thing that looks like
 * a header, so every well-formed header anywhere in the input is checked.
 * Returns 1 when one would run past the end.
 */
static int
cpio_damaged(const uint8_t *p, size_t n)
{
	const uint8_t *s = p, *end = p + n, *h;

	while ((h = memmem(s, (size_t)(end - s), "07070", 5)) != NULL) {
		size_t off = (size_t)(h - p), left = n - off;
		unsigned long long nl, fs, total;

		s = h + 1;
		if (left >= 110 && (h[5] == '1' || h[5] == '2') && all_digits(h + 6, 104, 16)) {
			nl = field(h + 94, 8, 16);
			fs = field(h + 54, 8, 16);
			total = ((110 + nl + 3) & ~3ull) + ((fs + 3) & ~3ull);
		} else if (left >= 76 && h[5] == '7' && all_digits(h + 6, 70, 8)) {
			nl = field(h + 59, 6, 8);
			fs = field(h + 65, 11, 8);
			total = 76 + nl + fs;
		} else {
			continue;
		}
		if (nl > n || fs > n || total > left)
			return 1;
	}
	return 0;
}

struct reader {
	struct scan_job *j;
	struct archive *a;
	size_t archive_size;
	uint64_t out; /* bytes this archive produced so far */
	int stop;     /* a limit ends this archive */
};

/* Reads the current entry into *buf (malloc'd); returns its length. */
static size_t
read_entry(struct reader *rd, const char *ew, uint8_t **buf, int *err)
{
	struct scan_job *j = rd->j;
	uint64_t budget = scan_budget(j, ew);
	uint64_t ratio_cap = (uint64_t)j->lim->max_ratio * rd->archive_size;
	size_t len = 0, cap = 0, want = min_size(budget, j->lim->max_size);
	uint8_t *b = NULL;

	*err = 0;
	if (ratio_cap < RATIO_FLOOR)
		ratio_cap = RATIO_FLOOR;
	if (budget == 0) {
		rd->stop = 1;
		*buf = NULL;
		return 0;
	}
	for (;;) {
		la_ssize_t got;
		if (cap - len < CHUNK) {
			size_t ncap = cap ? cap * 2 : CHUNK * 2;
			uint8_t *nb;
			if (ncap > want + CHUNK)
				ncap = want + CHUNK;
			if (ncap <= cap)
				ncap = cap + CHUNK;
			nb = realloc(b, ncap);
			if (!nb) {
				*err = WARD_ENOMEM;
				break;
			}
			b = nb;
			cap = ncap;
		}
		got = archive_read_data(rd->a, b + len, CHUNK);
		if (got == 0)
			break;
		if (got < 0) {
			*err = says_encrypted(rd->a) ? WARD_EINVAL : WARD_EFORMAT;
			break;
		}
		len += (size_t)got;
		rd->out += (uint64_t)got;
		if (len > budget) {
			len = (size_t)budget;
			scan_limit(j, ew, "more than %llu bytes unpacked",
				   (unsigned long long)j->lim->max_total);
			rd->stop = 1;
			break;
		}
		if (len > j->lim->max_size) {
			len = j->lim->max_size;
			scan_limit(j, ew, "an entry larger than %zu bytes", j->lim->max_size);
			break;
		}
		if (rd->out > ratio_cap) {
			scan_limit(j, ew, "expands more than %u times its packed size",
				   j->lim->max_ratio);
			rd->stop = 1;
			break;
		}
	}
	j->total += len;
	*buf = b;
	return len;
}

/*
 * One pass over an archive. Returns -1, reporting nothing, when quiet and
 * not a single entry could be read (the caller then tries another reader).
 */
static int
walk_once(struct scan_job *j, enum scan_kind k, const uint8_t *p, size_t n, const char *name,
	  const char *where, unsigned depth, int streamable, int quiet)
{
	struct reader rd = {j, NULL, n, 0, 0};
	struct archive_entry *e;
	locale_t old = (locale_t)0;
	unsigned seen = 0, encrypted = 0;
	char rname[256];
	int r, rc = 0;

	if (k == SK_RAR5 && rar5_encrypted(p, n, rname, sizeof(rname))) {
		scan_hit(j, &ward_check_file_archive_encrypted, where, "%s",
			 rname[0] ? rname : "RAR5 archive with encrypted headers");
		if (!rname[0])
			return 0;
		encrypted++;
	}
	if (k == SK_CPIO && cpio_damaged(p, n)) {
		scan_hit(j, &ward_check_file_archive_opaque, where,
			 "cpio header runs past the end of the archive");
		return 0;
	}
	rd.a = archive_read_new();
	if (!rd.a)
		return 0;
	if (j->ctx->utf8)
		old = uselocale(j->ctx->utf8);
	if (enable(rd.a, k, streamable) != ARCHIVE_OK) {
		scan_hit(j, &ward_check_file_archive_opaque, where, "%s not readable here",
			 scan_kind_name(k));
		goto out;
	}
	if (archive_read_open_memory(rd.a, p, n) != ARCHIVE_OK) {
		if (quiet && !says_encrypted(rd.a)) {
			rc = -1;
			goto out;
		}
		if (says_encrypted(rd.a))
			scan_hit(j, &ward_check_file_archive_encrypted, where, "%s",
				 archive_error_string(rd.a));
		else
			scan_hit(j, &ward_check_file_archive_opaque, where,
				 "%s cannot be opened: %s", scan_kind_name(k),
				 archive_error_string(rd.a) ? archive_error_string(rd.a) : "?");
		goto out;
	}
	while (!rd.stop) {
		const char *path;
		char ew[WARD_FILE_WHERE_MAX], sname[256];
		uint8_t *buf;
		size_t len;
		int err;

		r = archive_read_next_header(rd.a, &e);
		if (r == ARCHIVE_EOF)
			break;
		if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
			if (says_encrypted(rd.a))
				scan_hit(j, &ward_check_file_archive_encrypted, where, "%s",
					 archive_error_string(rd.a));
			else if (seen == 0 && quiet)
				rc = -1;
			else if (seen == 0)
				scan_hit(j, &ward_check_file_archive_opaque, where,
					 "%s cannot be read: %s", scan_kind_name(k),
					 archive_error_string(rd.a) ? archive_error_string(rd.a)
								    : "?");
			break;
		}
		seen++;
		/* ar members carry no file type bits: 0 is a file too. */
		if (archive_entry_filetype(e) != AE_IFREG && archive_entry_filetype(e) != 0)
			continue;
		path = archive_entry_pathname_utf8(e);
		if (!path)
			path = archive_entry_pathname(e);
		if (archive_format(rd.a) == ARCHIVE_FORMAT_RAW) {
			stream_name(sname, sizeof(sname), name);
			path = sname;
		}
		if (!path || !*path)
			path = "?";
		scan_where(ew, sizeof(ew), where, path);
		if (scan_charge(j, ew, 0) < 0)
			break;
		if (archive_entry_is_encrypted(e)) {
			struct scan_type t = {SK_DATA, "application/octet-stream", "encrypted"};
			scan_hit(j, &ward_check_file_archive_encrypted, where, "%s", path);
			encrypted++;
			/* The name still speaks: an encrypted invoice.pdf.exe is reported. */
			scan_judge(j, path, ew, &t);
			continue;
		}
		len = read_entry(&rd, ew, &buf, &err);
		if (err == WARD_EINVAL) {
			scan_hit(j, &ward_check_file_archive_encrypted, where, "%s", path);
			encrypted++;
		} else if (err == WARD_EFORMAT && len == 0) {
			scan_hit(j, &ward_check_file_archive_opaque, ew, "%s",
				 archive_error_string(rd.a) ? archive_error_string(rd.a)
							    : "unreadable entry");
		}
		if (buf && (len > 0 || err == 0))
			scan_object(j, buf, len, path, ew, depth + 1);
		free(buf);
	}
	if (!encrypted && archive_read_has_encrypted_entries(rd.a) > 0)
		scan_hit(j, &ward_check_file_archive_encrypted, where, "encrypted entries");
out:
	archive_read_free(rd.a);
	if (old)
		uselocale(old);
	return rc;
}

/* A zip is read by its central directory first, as Windows does; when that
 * fails (data prepended, directory damaged) by its local headers. */
static void
walk(struct scan_job *j, enum scan_kind k, const uint8_t *p, size_t n, const char *name,
     const char *where, unsigned depth)
{
	int zip = k == SK_ZIP || k == SK_ODF;

	if (walk_once(j, k, p, n, name, where, depth, 0, zip) < 0)
		walk_once(j, k, p, n, name, where, depth, 1, 0);
}

/* ---- BinHex 4.0 ---- */

static void
binhex(struct scan_job *j, const uint8_t *p, size_t n, const char *where, unsigned depth)
{
	static const char alpha[] =
	    "!\"#$%&'()*+,-012345689@ABCDEFGHIJKLMNPQRSTUVXYZ[`abcdefhijklmpqr";
	const uint8_t *h = memmem(p, n, "(This file must be converted with BinHex", 40);
	int8_t map[256];
	size_t i, len = 0, cap, hl;
	unsigned bits = 0, nbits = 0, marker = 0;
	uint8_t prev = 0, *out;
	uint32_t dlen;
	char name[64];

	if (!h)
		return;
	memset(map, -1, sizeof(map));
	for (i = 0; alpha[i]; i++)
		map[(uint8_t)alpha[i]] = (int8_t)i;
	i = (size_t)(h - p);
	while (i < n && p[i] != '\n' && p[i] != '\r')
		i++;
	while (i < n && p[i] != ':')
		i++;
	i++;
	cap = min_size(scan_budget(j, where), j->lim->max_size);
	if (cap > n * 128)
		cap = n * 128; /* RLE expands at most 255/2 times */
	out = malloc(cap ? cap : 1);
	if (!out)
		return;
	for (; i < n && p[i] != ':' && len < cap; i++) {
		uint8_t b;
		if (p[i] == '\r' || p[i] == '\n' || p[i] == ' ' || p[i] == '\t')
			continue;
		if (map[p[i]] < 0)
			break;
		bits = (bits << 6) | (unsigned)map[p[i]];
		nbits += 6;
		if (nbits < 8)
			continue;
		nbits -= 8;
		b = (uint8_t)(bits >> nbits);
		bits &= (1u << nbits) - 1;
		if (marker) {
			marker = 0;
			if (b == 0) {
				out[len++] = 0x90;
				prev = 0x90;
			} else {
				unsigned k;
				for (k = 1; k < b && len < cap; k++)
					out[len++] = prev;
			}
		} else if (b == 0x90) {
			marker = 1;
		} else {
			out[len++] = b;
			prev = b;
		}
	}
	/* Header: name length, name, version, type, creator, flags, data and
	 * resource fork lengths, CRC; then the data fork. */
	if (len >= 1 && out[0] >= 1 && out[0] < 64 && len >= (size_t)out[0] + 22) {
		hl = (size_t)out[0] + 22;
		memcpy(name, out + 1, out[0]);
		name[out[0]] = '\0';
		for (i = 0; name[i]; i++)
			if ((uint8_t)name[i] < 0x20 || name[i] == '/')
				name[i] = '_';
		dlen = be32(out + out[0] + 12);
		if (dlen > len - hl)
			dlen = (uint32_t)(len - hl);
		emit(j, out + hl, dlen, name, where, depth);
	} else {
		scan_hit(j, &ward_check_file_archive_opaque, where, "damaged BinHex data");
	}
	free(out);
}

/* ---- TNEF (winmail.dat) ---- */

static void
tnef(struct scan_job *j, const uint8_t *p, size_t n, const char *where, unsigned depth)
{
	size_t off = 6, dpos = 0, dlen = 0;
	char title[128] = "";
	int have = 0;
	unsigned count = 0;

	while (off + 9 <= n) {
		uint8_t level = p[off];
		uint32_t attr = le32(p + off + 1) & 0xffff, len = le32(p + off + 5);
		size_t data = off + 9;

		if (len > n - data)
			break;
		if (level == 2 && attr == 0x9002) { /* attAttachRendData: a new attachment */
			if (have)
				emit(j, p + dpos, dlen, title[0] ? title : "attachment", where,
				     depth);
			have = 0;
			title[0] = '\0';
			count++;
		} else if (level == 2 && attr == 0x8010) { /* attAttachTitle */
			size_t k, m = len < sizeof(title) - 1 ? len : sizeof(title) - 1;
			for (k = 0; k < m && p[data + k]; k++)
				title[k] = (p[data + k] < 0x20 || p[data + k] == '/')
					       ? '_'
					       : (char)p[data + k];
			title[k] = '\0';
		} else if (level == 2 && attr == 0x800f) { /* attAttachData */
			dpos = data;
			dlen = len;
			have = 1;
		}
		off = data + len + 2;
		if (count > j->lim->max_entries)
			break;
	}
	if (have)
		emit(j, p + dpos, dlen, title[0] ? title : "attachment", where, depth);
}

/* ---- SZDD (MS-DOS COMPRESS.EXE) ---- */

static void
szdd(struct scan_job *j, const uint8_t *p, size_t n, const char *name, const char *where,
     unsigned depth)
{
	uint8_t win[4096], *out;
	size_t i = 14, len = 0, cap, pos = 4096 - 16;
	char ename[256];
	const char *b = name ? scan_basename(name) : "";
	size_t bl = strlen(b);

	if (n < 14)
		return;
	cap = min_size(le32(p + 10), min_size(scan_budget(j, where), j->lim->max_size));
	if (cap > n * 9)
		cap = n * 9; /* eight 18-byte copies per 17 input bytes at most */
	out = malloc(cap ? cap : 1);
	if (!out)
		return;
	memset(win, ' ', sizeof(win));
	while (i < n && len < cap) {
		unsigned ctl = p[i++], bit;
		for (bit = 0; bit < 8 && i < n && len < cap; bit++) {
			if (ctl & (1u << bit)) {
				out[len++] = win[pos] = p[i++];
				pos = (pos + 1) & 4095;
			} else {
				size_t o, l, k;
				if (i + 1 >= n)
					break;
				o = (size_t)p[i] | (size_t)(p[i + 1] & 0xf0) << 4;
				l = (size_t)(p[i + 1] & 0x0f) + 3;
				i += 2;
				for (k = 0; k < l && len < cap; k++) {
					out[len++] = win[pos] = win[(o + k) & 4095];
					pos = (pos + 1) & 4095;
				}
			}
		}
	}
	/* "setup.ex_" names "setup.exe"; the header keeps the replaced character. */
	if (bl > 1 && b[bl - 1] == '_' && p[9] >= 0x20 && p[9] < 0x7f)
		snprintf(ename, sizeof(ename), "%.*s%c", (int)(bl - 1), b, p[9]);
	else if (bl > 5 && strcasecmp(b + bl - 5, ".szdd") == 0)
		snprintf(ename, sizeof(ename), "%.*s", (int)(bl - 5), b);
	else
		snprintf(ename, sizeof(ename), "%s", bl ? b : "expanded");
	emit(j, out, len, ename, where, depth);
	free(out);
}

/* ---- OneNote: FileDataStoreObject blocks hold embedded files as is ---- */

static void
onenote(struct scan_job *j, const uint8_t *p, size_t n, const char *where, unsigned depth)
{
	static const char guid[] =
	    "\xe7\x16\xe3\xbd\x65\x26\x11\x45\xa4\xc4\x8d\x4d\x0b\x7a\x9e\xac";
	const uint8_t *s = p, *end = p + n, *h;
	unsigned count = 0;
	char ename[32];

	while ((h = memmem(s, (size_t)(end - s), guid, 16)) != NULL) {
		size_t off = (size_t)(h - p);
		uint64_t len;
		if (off + 36 > n)
			break;
		len = (uint64_t)le32(p + off + 16) | (uint64_t)le32(p + off + 20) << 32;
		if (len > n - off - 36)
			len = n - off - 36;
		snprintf(ename, sizeof(ename), "embedded-%u", ++count);
		emit(j, p + off + 36, (size_t)len, ename, where, depth);
		s = p + off + 36 + (size_t)len;
		if (count > j->lim->max_entries || j->r->truncated)
			break;
	}
}

void
scan_container(struct scan_job *j, enum scan_kind k, const uint8_t *p, size_t n, const char *name,
	       const char *where, unsigned depth)
{
	switch (k) {
	case SK_BINHEX:
		binhex(j, p, n, where, depth);
		break;
	case SK_TNEF:
		tnef(j, p, n, where, depth);
		break;
	case SK_SZDD:
		szdd(j, p, n, name, where, depth);
		break;
	case SK_ONENOTE:
		onenote(j, p, n, where, depth);
		break;
	default:
		walk(j, k, p, n, name, where, depth);
		break;
	}
}

void
scan_archive(struct scan_job *j, const uint8_t *p, size_t n, const char *where, unsigned depth)
{
	struct scan_type t;

	scan_type_detect(NULL, p, n, 0, &t);
	if (scan_kind_family(t.kind) == SF_ARCHIVE || t.kind == SK_ISO || t.kind == SK_ODF)
		scan_container(j, t.kind, p, n, NULL, where, depth);
}

/* ---- inflate through libarchive's gzip filter ---- */

int
scan_inflate(const uint8_t *p, size_t n, int raw, size_t max, struct ward_buf *out)
{
	struct archive *a;
	struct archive_entry *e;
	uint8_t *w;
	size_t skip = 0;
	int rc = WARD_EFORMAT;

	if (!raw) {
		/* zlib header: deflate, window <= 32 KB, no preset dictionary, check bits. */
		if (n < 2 || (p[0] & 0x0f) != 8 || (p[0] >> 4) > 7 || (p[1] & 0x20) ||
		    ((unsigned)p[0] << 8 | p[1]) % 31 != 0)
			return WARD_EFORMAT;
		skip = 2;
	}
	w = malloc(n - skip + 18);
	if (!w)
		return WARD_ENOMEM;
	memcpy(w, "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff", 10);
	memcpy(w + 10, p + skip, n - skip);
	memset(w + 10 + n - skip, 0, 8); /* trailer: libarchive does not check it */
	a = archive_read_new();
	if (!a)
		goto out;
	if (archive_read_support_filter_gzip(a) != ARCHIVE_OK ||
	    archive_read_support_format_raw(a) != ARCHIVE_OK ||
	    archive_read_open_memory(a, w, n - skip + 18) != ARCHIVE_OK ||
	    archive_read_next_header(a, &e) != ARCHIVE_OK)
		goto out;
	rc = 0;
	for (;;) {
		uint8_t buf[16384];
		la_ssize_t got = archive_read_data(a, buf, sizeof(buf));
		if (got <= 0) {
			if (got < 0 && out->len == 0)
				rc = WARD_EFORMAT;
			break;
		}
		if ((size_t)got > max - out->len) {
			ward_buf_add(out, buf, max - out->len);
			rc = WARD_ELIMIT;
			break;
		}
		ward_buf_add(out, buf, (size_t)got);
		if (ward_buf_failed(out)) {
			rc = WARD_ENOMEM;
			break;
		}
	}
out:
	archive_read_free(a);
	free(w);
	return rc;
}
