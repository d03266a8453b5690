/*
 * VBA projects in OLE2 storages (.doc, .xls, vbaProject.bin, the storage a
 * .ppt keeps in its PowerPoint stream). The presence of a project is the
 * finding, decided by the own CFB reader from the storage and stream names
 * (a VBA storage with its dir stream, _VBA_PROJECT), so a project whose
 * source cannot be decompressed is still reported. The source only
 * supplies evidence: the project's dir stream names each module stream and
 * the offset of its compressed source, which is decompressed here and
 * searched for auto-exec entry points and suspicious calls; without them
 * the module names are the evidence.
 *
 * libgsf is not used for this part: its module table keeps the source
 * without its length (reading it as a C string runs past the buffer), and
 * its decompressor prints GLib warnings on damaged input. The MS-OVBA
 * decompressor below is bounded by its input and by max_size, and every
 * decompressed byte is charged to the job.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ward/buf.h"
#include "scan_office.h"

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

static const char *const auto_exec[] = {
    "AutoOpen",
    "AutoClose",
    "AutoExec",
    "AutoExit",
    "AutoNew",
    "Auto_Open",
    "Auto_Close",
    "Document_Open",
    "Document_Close",
    "Document_New",
    "DocumentOpen",
    "DocumentBeforeClose",
    "Document_BeforeClose",
    "Workbook_Open",
    "Workbook_Activate",
    "Workbook_BeforeClose",
    "Workbook_Close",
    NULL,
};

static const char *const suspicious[] = {
    "Shell",	  "WScript.Shell",	"CreateObject", "GetObject",	"URLDownloadToFile",
    "PowerShell", "ShellExecute",	"XMLHTTP",	"ADODB.Stream", "CallByName",
    "MacScript",  "ExecuteExcel4Macro", "Environ",	"Declare",	NULL,
};

static int
ident(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '_';
}

/* Is word in s[0..n) as a whole identifier (case-insensitive)? */
static int
has_word(const char *s, size_t n, const char *word)
{
	size_t k = strlen(word), off = 0, at;

	while (off < n) {
		at = office_memcasemem((const uint8_t *)s + off, n - off, word);
		if (at == (size_t)-1)
			return 0;
		at += off;
		if ((at == 0 || !ident(s[at - 1])) && (at + k >= n || !ident(s[at + k])))
			return 1;
		off = at + 1;
	}
	return 0;
}

void
office_vba_evidence(const char *src, size_t n, char *out, size_t size)
{
	size_t i;

	for (i = 0; auto_exec[i]; i++)
		if (has_word(src, n, auto_exec[i]))
			office_append(out, size, auto_exec[i]);
	for (i = 0; suspicious[i]; i++)
		if (has_word(src, n, suspicious[i]))
			office_append(out, size, suspicious[i]);
}

/*
 * MS-OVBA decompression ([MS-OVBA] 2.4.1) of the container at p[off..n)
 * into a new buffer of at most max bytes (caller frees). Chunks whose
 * header is damaged end the container; a copy token reaching before the
 * chunk ends its chunk. Every step consumes input, so the loop is bounded
 * by n, and the output by max.
 */
static uint8_t *
vba_inflate(const uint8_t *p, size_t n, size_t off, size_t max, size_t *len)
{
	struct ward_buf out;

	*len = 0;
	if (off >= n || p[off] != 0x01)
		return NULL;
	ward_buf_init(&out);
	off++;
	while (off + 2 <= n && out.len < max && !out.failed) {
		unsigned hdr = le16(p + off);
		size_t end = off + 3 + (hdr & 0x0FFF), start = out.len, k;

		if (((hdr >> 12) & 7) != 3)
			break;
		if (end > n)
			end = n;
		off += 2;
		if (!(hdr & 0x8000)) {
			/* An uncompressed chunk: 4096 bytes as they are. */
			k = n - off < 4096 ? n - off : 4096;
			if (k > max - out.len)
				k = max - out.len;
			ward_buf_add(&out, p + off, k);
			off += 4096 < n - off ? 4096 : n - off;
			continue;
		}
		while (off < end && out.len - start < 4096 && out.len < max) {
			unsigned flags = p[off++], bit;
			for (bit = 0;
			     bit < 8 && off < end && out.len - start < 4096 && out.len < max;
			     bit++) {
				size_t diff = out.len - start, length, offset;
				unsigned token, bits = 4;
				if (!(flags & (1u << bit))) {
					ward_buf_addc(&out, (char)p[off++]);
					continue;
				}
				if (off + 2 > end)
					break;
				token = le16(p + off);
				off += 2;
				while (bits < 12 && ((size_t)1 << bits) < diff)
					bits++;
				length = (token & (0xFFFFu >> bits)) + 3;
				offset = (token >> (16 - bits)) + 1;
				if (offset > diff) {
					off = end;
					break;
				}
				for (k = 0; k < length && out.len < max; k++)
					ward_buf_addc(&out, out.p[out.len - offset]);
			}
		}
		off = end;
	}
	if (out.failed || out.len == 0) {
		ward_buf_free(&out);
		return NULL;
	}
	*len = out.len;
	return (uint8_t *)out.p;
}

/* Output allowed for n compressed bytes: the ratio limit (64 KiB at least),
 * max_size and the job's remaining budget. */
static size_t
vba_cap(const struct scan_job *j, size_t n)
{
	uint64_t cap = (uint64_t)n * j->lim->max_ratio;
	uint64_t left = j->lim->max_total > j->total ? j->lim->max_total - j->total : 0;

	if (cap < 65536)
		cap = 65536;
	if (cap > j->lim->max_size)
		cap = j->lim->max_size;
	return (size_t)(cap < left ? cap : left);
}

/*
 * The module source, for evidence: the dir stream ([MS-OVBA] 2.3.4.2) names
 * each module's stream and the offset of its compressed source. All source
 * is gathered into src, then searched once.
 */
static void
module_evidence(struct scan_job *j, struct cfb *c, uint32_t vba, const char *where, char *out,
		size_t size)
{
	char name[64] = "", mods[128] = "", one[64];
	uint8_t *dir, *d = NULL, *m, *t;
	size_t dlen, len, off = 0, mlen, tlen;
	uint32_t id, moff = 0;
	struct ward_buf src;

	id = cfb_child(c, vba, "dir");
	dir = office_stream(j, c, id, where, &dlen);
	if (dir)
		d = vba_inflate(dir, dlen, 0, vba_cap(j, dlen), &len);
	free(dir);
	if (!d || scan_charge(j, where, len) < 0) {
		free(d);
		return;
	}
	ward_buf_init(&src);
	while (off + 6 <= len) {
		unsigned rid = le16(d + off);
		size_t rsize = le32(d + off + 2), at = off + 6;
		/* PROJECTVERSION's size field says 4, but 6 bytes follow. */
		if (rid == 0x0009)
			rsize = 6;
		if (rsize > len - at)
			break;
		off = at + rsize;
		if (rid == 0x0019) {
			office_printable(one, sizeof(one), (const char *)d + at, rsize);
			office_append(mods, sizeof(mods), one);
		} else if (rid == 0x001A) {
			office_printable(name, sizeof(name), (const char *)d + at, rsize);
		} else if (rid == 0x0031 && rsize >= 4) {
			moff = le32(d + at);
		} else if (rid == 0x002B && name[0]) {
			id = cfb_child(c, vba, name);
			m = office_stream(j, c, id, where, &mlen);
			t = m ? vba_inflate(m, mlen, moff, vba_cap(j, mlen), &tlen) : NULL;
			if (t && scan_charge(j, where, tlen) == 0) {
				ward_buf_add(&src, t, tlen);
				ward_buf_addc(&src, '\n');
			}
			free(t);
			free(m);
			name[0] = '\0';
			moff = 0;
		}
	}
	free(d);
	if (src.len)
		office_vba_evidence(src.p, src.len, out, size);
	/* Without anything telling, the module names say what the project holds. */
	if (!out[0] && mods[0])
		snprintf(out, size, "modules %s", mods);
	ward_buf_free(&src);
}

/* The VBA storage: a storage named VBA holding dir or _VBA_PROJECT. */
static uint32_t
vba_storage(const struct cfb *c)
{
	uint32_t i;

	for (i = 1; i < c->nent; i++) {
		const struct cfb_entry *e = &c->ent[i];
		if (e->parent == CFB_NONE || e->type != CFB_STORAGE || strcasecmp(e->name, "VBA"))
			continue;
		if (cfb_child(c, i, "dir") != CFB_NONE ||
		    cfb_child(c, i, "_VBA_PROJECT") != CFB_NONE)
			return i;
	}
	return CFB_NONE;
}

int
office_vba_cfb(struct scan_job *j, struct cfb *c, const char *where)
{
	char ev[160] = "", path[WARD_FILE_WHERE_MAX];
	uint32_t vba = vba_storage(c), id;

	if (vba == CFB_NONE) {
		/* A project whose VBA storage is damaged still leaves these names. */
		id = cfb_find(c, "_VBA_PROJECT", CFB_STREAM);
		if (id == CFB_NONE)
			id = cfb_find(c, "_VBA_PROJECT_CUR", CFB_STORAGE);
		if (id == CFB_NONE) {
			id = cfb_find(c, "Macros", CFB_STORAGE);
			if (id != CFB_NONE && cfb_child(c, id, "VBA") == CFB_NONE)
				id = CFB_NONE;
		}
		if (id == CFB_NONE)
			return 0;
		cfb_path(c, id, path, sizeof(path));
		scan_hit(j, &ward_check_file_vba, where, "project in %s", path);
		return 1;
	}
	cfb_path(c, vba, path, sizeof(path));
	module_evidence(j, c, vba, where, ev, sizeof(ev));
	if (ev[0])
		scan_hit(j, &ward_check_file_vba, where, "%s", ev);
	else
		scan_hit(j, &ward_check_file_vba, where, "project in %s", path);
	return 1;
}
