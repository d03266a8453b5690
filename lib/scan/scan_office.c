/*
 * OLE2 Office documents (.doc, .xls, .ppt and their templates, encrypted
 * OOXML packages, MSI) and the embedded OLE objects every Office format
 * shares. The own CFB reader (scan_cfb.c) opens the file; then:
 *
 *   - a root CLSID of Windows Installer makes it an executable;
 *   - EncryptionInfo + EncryptedPackage (encrypted OOXML), the FIB's
 *     fEncrypted bit, FILEPASS in a workbook or an EncryptedSummary stream
 *     make it an encrypted document that no scanner can look into;
 *   - VBA storages are macros (scan_vba.c), macro sheets are XLM
 *     (scan_xlm.c);
 *   - DDE and remote INCLUDE fields are found in the WordDocument stream by
 *     their field-begin mark (0x13) in 8-bit or UTF-16LE text, a heuristic
 *     that spares the piece table;
 *   - every storage that holds an object (\001CompObj, \001Ole10Native,
 *     \003ObjInfo, \001Ole: ObjectPool in Word, MBD* in Excel) and every
 *     ExOleObjStg record of a PowerPoint stream is an embedded object: it is
 *     reported with its class, a Package payload is handed to scan_object()
 *     (that is how a shortcut or program inside a document is found), and a
 *     link moniker to a remote file is an external reference.
 *
 * Every stream read and every inflated byte is charged to the job; nested
 * OLE2 analysis checks the depth limit itself, as it does not pass through
 * scan_object().
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gsf/gsf.h>

#include "scan_office.h"

static const uint8_t clsid_msi[16] = {0x84, 0x10, 0x0C, 0x00, 0x00, 0x00, 0x00, 0x00,
				      0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46};
static const uint8_t clsid_msp[16] = {0x86, 0x10, 0x0C, 0x00, 0x00, 0x00, 0x00, 0x00,
				      0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46};
static const uint8_t clsid_package[16] = {0x0C, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00,
					  0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46};
static const uint8_t clsid_equation[16] = {0x02, 0xCE, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
					   0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46};
static const uint8_t clsid_url_moniker[16] = {0xE0, 0xC9, 0xEA, 0x79, 0xF9, 0xBA, 0xCE, 0x11,
					      0x8C, 0x82, 0x00, 0xAA, 0x00, 0x4B, 0xA9, 0x0B};
static const uint8_t clsid_file_moniker[16] = {0x03, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
					       0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46};

#define EQUATION_NOTE "Equation Editor, CVE-2017-11882"

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t
le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

size_t
office_memcasemem(const uint8_t *p, size_t n, const char *needle)
{
	size_t k = strlen(needle), i;
	int lo, up;

	if (k == 0 || k > n)
		return (size_t)-1;
	lo = tolower((unsigned char)needle[0]);
	up = toupper((unsigned char)needle[0]);
	for (i = 0; i + k <= n; i++)
		if ((p[i] == lo || p[i] == up) &&
		    strncasecmp((const char *)p + i + 1, needle + 1, k - 1) == 0)
			return i;
	return (size_t)-1;
}

void
office_printable(char *out, size_t size, const char *s, size_t n)
{
	size_t i, o = 0;

	if (size == 0)
		return;
	for (i = 0; i < n && o + 1 < size; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch < 0x20 || ch == 0x7F)
			ch = ' ';
		if (ch == ' ' && (o == 0 || out[o - 1] == ' '))
			continue;
		out[o++] = (char)ch;
	}
	while (o > 0 && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
}

void
office_append(char *out, size_t size, const char *item)
{
	size_t have = strlen(out), k = strlen(item);
	const char *at = out;

	if (k == 0)
		return;
	for (; *at; at++)
		if ((at == out || at[-1] == ' ') && strncasecmp(at, item, k) == 0 &&
		    (at[k] == '\0' || at[k] == ','))
			return;
	if (have + (have ? 2 : 0) + k + 1 > size)
		return;
	if (have) {
		memcpy(out + have, ", ", 2);
		have += 2;
	}
	memcpy(out + have, item, k + 1);
}

/* Field instructions that fetch content from elsewhere. */
static const char *const include_fields[] = {"INCLUDETEXT", "INCLUDEPICTURE", "INCLUDE",
					     "IMPORT",	    "LINK",	      NULL};

static int
remote_ref(const char *s, size_t n)
{
	static const char *const schemes[] = {"http://",  "https://", "ftp://", "file://",
					      "\\\\\\\\", "mhtml:",   NULL};
	size_t i = 0, k;

	for (k = 0; schemes[k]; k++)
		if (office_memcasemem((const uint8_t *)s, n, schemes[k]) != (size_t)-1)
			return 1;
	/* An argument that starts with a bare UNC prefix: \\host\share. */
	while (i < n && s[i] != ' ')
		i++;
	while (i < n && (s[i] == ' ' || s[i] == '"'))
		i++;
	return i + 1 < n && s[i] == '\\' && s[i + 1] == '\\';
}

int
office_field(struct scan_job *j, const char *instr, size_t n, const char *where)
{
	char word[24], ev[160];
	size_t i = 0, k = 0, w;

	while (i < n && (instr[i] == ' ' || instr[i] == '\t' || instr[i] == '\r' ||
			 instr[i] == '\n' || instr[i] == '"' || instr[i] == '\\'))
		i++;
	while (i + k < n && k + 1 < sizeof(word) &&
	       ((instr[i + k] >= 'A' && instr[i + k] <= 'Z') ||
		(instr[i + k] >= 'a' && instr[i + k] <= 'z'))) {
		word[k] = instr[i + k];
		k++;
	}
	word[k] = '\0';
	if (k == 0)
		return 0;
	office_printable(ev, sizeof(ev), instr + i, n - i);
	if (strcasecmp(word, "DDE") == 0 || strcasecmp(word, "DDEAUTO") == 0) {
		scan_hit(j, &ward_check_file_dde, where, "%s", ev);
		return 1;
	}
	for (w = 0; include_fields[w]; w++)
		if (strcasecmp(word, include_fields[w]) == 0 && remote_ref(instr + i, n - i)) {
			scan_hit(j, &ward_check_file_external_template, where, "%s", ev);
			return 1;
		}
	return 0;
}

static int
dde_app_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '_' || ch == '.' || ch == '\\' || ch == ':' || ch == '-';
}

int
office_dde_formula(const char *s, size_t n, char *out, size_t size)
{
	size_t i, b, op, e;

	for (i = 1; i < n; i++) {
		if (s[i] != '|')
			continue;
		b = i;
		while (b > 0 && dde_app_char(s[b - 1]) && i - b < 64)
			b--;
		if (b == i)
			continue;
		op = b;
		while (op > 0 && (s[op - 1] == ' ' || s[op - 1] == '"'))
			op--;
		if (op == 0 || !strchr("=+-@", s[op - 1]))
			continue;
		/* =app|'topic'!item; the quotes and the bang may be spaced. */
		e = i + 1;
		while (e < n && s[e] == ' ')
			e++;
		if (e < n && s[e] == '\'') {
			const char *q = memchr(s + e + 1, '\'', n - e - 1);
			if (!q)
				continue;
			e = (size_t)(q - s) + 1;
			while (e < n && s[e] == ' ')
				e++;
		} else {
			while (e < n && s[e] != '!' && s[e] != '\n' && e - i < 256)
				e++;
		}
		if (e >= n || s[e] != '!')
			continue;
		e++;
		while (e < n && e - i < 300 && dde_app_char(s[e]))
			e++;
		office_printable(out, size, s + op - 1, e - (op - 1));
		return 1;
	}
	return 0;
}

uint8_t *
office_inflate(const uint8_t *p, size_t n, size_t max, size_t *len)
{
	uint8_t *out = NULL;
	size_t tot = 0, sure = 0, cap = 0, k;
	int pass, failed = 0;

	*len = 0;
	/* zlib: CMF 8 (deflate), no preset dictionary, header checksum. */
	if (n < 3 || (p[0] & 0x0F) != 8 || (p[1] & 0x20) || ((p[0] << 8) | p[1]) % 31 != 0 ||
	    max == 0)
		return NULL;
	/*
	 * libgsf's raw inflater fails a read that asks for more than is left
	 * and drops what it decoded, so the end is found in a second pass:
	 * whole chunks up to the last good one, then single bytes.
	 */
	for (pass = 0; pass < 2; pass++) {
		GsfInput *src = gsf_input_memory_new(p + 2, (gsf_off_t)(n - 2), FALSE);
		GsfInput *gz;
		if (!src)
			break;
		gz = g_object_new(GSF_INPUT_GZIP_TYPE, "raw", TRUE, "source", src,
				  "uncompressed-size", (gint64)max, NULL);
		g_object_unref(src);
		if (!gz)
			break;
		tot = 0;
		while (tot < max) {
			k = max - tot < 4096 ? max - tot : 4096;
			if (pass == 1 && tot >= sure)
				k = 1;
			if (tot + k > cap) {
				size_t ncap = cap ? cap * 2 : 65536;
				uint8_t *np;
				while (ncap < tot + k)
					ncap *= 2;
				if (ncap > max)
					ncap = max;
				np = realloc(out, ncap);
				if (!np)
					break;
				out = np;
				cap = ncap;
			}
			if (!gsf_input_read(gz, k, out + tot)) {
				failed = 1;
				break;
			}
			tot += k;
			if (pass == 1 && tot >= sure + 4096)
				break;
		}
		g_object_unref(gz);
		if (pass == 0) {
			sure = tot;
			if (!failed || tot == max)
				break;
		}
	}
	if (tot == 0) {
		free(out);
		return NULL;
	}
	*len = tot;
	return out;
}

/* Refuses to nest deeper than the limit: OLE2 inside OLE2 does not pass through scan_object. */
static int
too_deep(struct scan_job *j, const char *where, unsigned depth)
{
	if (depth <= j->lim->max_depth)
		return 0;
	j->r->truncated = 1;
	scan_hit(j, &ward_check_file_archive_limit, where, "nesting deeper than %u",
		 j->lim->max_depth);
	return 1;
}

static void ole2_analyse(struct scan_job *j, const uint8_t *p, size_t n, const char *where,
			 unsigned depth, int embedded);

void
office_object_ole2(struct scan_job *j, const uint8_t *p, size_t n, const char *where,
		   unsigned depth)
{
	if (!too_deep(j, where, depth))
		ole2_analyse(j, p, n, where, depth, 1);
}

/*
 * Inflated bytes are charged before they are looked at. The output is held
 * to the expansion ratio limit (with a 64 KiB floor for small streams), to
 * max_size and to what is left of the job's budget.
 */
static uint8_t *
inflate_charged(struct scan_job *j, const uint8_t *p, size_t n, size_t want, const char *where,
		size_t *len)
{
	uint64_t cap = (uint64_t)n * j->lim->max_ratio, left;
	uint8_t *b;

	if (cap < 65536)
		cap = 65536;
	if (cap > j->lim->max_size)
		cap = j->lim->max_size;
	left = j->lim->max_total > j->total ? j->lim->max_total - j->total : 0;
	if (cap > left)
		cap = left;
	if (want && want < cap)
		cap = want;
	b = office_inflate(p, n, (size_t)cap, len);
	if (b && *len == cap && (!want || want > cap)) {
		j->r->truncated = 1;
		scan_hit(j, &ward_check_file_archive_limit, where,
			 "compressed stream expands past %llu bytes", (unsigned long long)cap);
	}
	if (b && scan_charge(j, where, *len) < 0) {
		free(b);
		*len = 0;
		return NULL;
	}
	return b;
}

/* An OLE2 container of zlib-compressed objects (Word 2003 XML oledata.mso):
 * each root stream is a 4-byte size and a zlib stream holding one object. */
static void
mso_objects(struct scan_job *j, struct cfb *c, const char *where, unsigned depth)
{
	char w[WARD_FILE_WHERE_MAX];
	uint8_t *s, *o;
	size_t sl, ol;
	uint32_t i;

	for (i = 1; i < c->nent; i++) {
		if (c->ent[i].parent != 0 || c->ent[i].type != CFB_STREAM)
			continue;
		s = office_stream(j, c, i, where, &sl);
		if (!s)
			continue;
		if (sl > 6 && s[4] == 0x78) {
			o = inflate_charged(j, s + 4, sl - 4, le32(s), where, &ol);
			if (o && cfb_magic(o, ol)) {
				scan_where(w, sizeof(w), where, c->ent[i].name);
				office_object_ole2(j, o, ol, w, depth + 1);
			}
			free(o);
		}
		free(s);
	}
}

void
office_activemime(struct scan_job *j, const uint8_t *p, size_t n, const char *where, unsigned depth)
{
	size_t offs[3], i, len = 0;
	uint8_t *o = NULL;
	struct cfb c;

	if (too_deep(j, where, depth))
		return;
	if (n >= 0x32 && memcmp(p, "ActiveMime", 10) == 0) {
		offs[0] = (size_t)le16(p + 0x1E) + 46;
		offs[1] = 0x32;
		offs[2] = 0x22A;
		for (i = 0; i < 3 && !o; i++)
			if (offs[i] + 2 < n && p[offs[i]] == 0x78)
				o = inflate_charged(j, p + offs[i], n - offs[i], 0, where, &len);
		if (!o)
			return;
		p = o;
		n = len;
	}
	if (cfb_open(&c, p, n, j->lim->max_size) == 0) {
		office_vba_cfb(j, &c, where);
		mso_objects(j, &c, where, depth);
		cfb_close(&c);
	}
	free(o);
}

/* Latin-1 (the ANSI strings of packages, mostly cp1252) to printable UTF-8. */
static void
latin1(char *out, size_t size, const uint8_t *s, size_t n)
{
	size_t i, o = 0;

	for (i = 0; i < n && o + 2 < size; i++) {
		if (s[i] < 0x20 || s[i] == 0x7F) {
			out[o++] = ' ';
		} else if (s[i] < 0x80) {
			out[o++] = (char)s[i];
		} else if (s[i] >= 0xA0) {
			out[o++] = (char)(0xC0 | s[i] >> 6);
			out[o++] = (char)(0x80 | (s[i] & 0x3F));
		} else {
			out[o++] = '?';
		}
	}
	out[o] = '\0';
}

/* A C string inside p[*off..n): copies it printable, moves *off past its NUL. */
static int
cstring(const uint8_t *p, size_t n, size_t *off, char *out, size_t size)
{
	const uint8_t *z;
	size_t k;

	if (*off >= n)
		return -1;
	z = memchr(p + *off, '\0', n - *off);
	if (!z)
		return -1;
	k = (size_t)(z - (p + *off));
	latin1(out, size, p + *off, k);
	*off += k + 1;
	return 0;
}

/* The last component of a Windows or POSIX path, made safe for a where path. */
static void
base_name(char *s)
{
	char *b = s, *q;

	for (q = s; *q; q++)
		if (*q == '\\' || *q == '/')
			b = q + 1;
	memmove(s, b, strlen(b) + 1);
	if (strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		s[0] = '\0';
}

int
office_package(struct scan_job *j, const uint8_t *p, size_t n, const char *where, unsigned depth,
	       char *label, size_t lsize)
{
	char src[160], tmp[160], w[WARD_FILE_WHERE_MAX];
	size_t off = 2;
	uint32_t kind, tlen, dlen;

	label[0] = '\0';
	if (n < 2 || le16(p) != 2)
		return -1;
	if (cstring(p, n, &off, label, lsize) < 0 || cstring(p, n, &off, src, sizeof(src)) < 0)
		return -1;
	if (off + 4 > n)
		return -1;
	kind = le32(p + off) >> 16;
	off += 4;
	if (kind == 1) {
		/* A packager link: the file stays outside, named by its path. */
		if (off + 2 <= n && p[off + 1] == 0 && p[off] < 0x20)
			off += 2;
		if (cstring(p, n, &off, tmp, sizeof(tmp)) < 0 || !tmp[0])
			snprintf(tmp, sizeof(tmp), "%s", src);
		snprintf(label, lsize, "%s", tmp);
		return 1;
	}
	if (off + 4 > n)
		return -1;
	tlen = le32(p + off);
	off += 4;
	if (tlen > n - off)
		return -1;
	latin1(tmp, sizeof(tmp), p + off, tlen ? tlen - 1 : 0);
	off += tlen;
	if (off + 4 > n)
		return -1;
	dlen = le32(p + off);
	off += 4;
	if (dlen > n - off)
		dlen = (uint32_t)(n - off);
	base_name(label);
	if (!label[0]) {
		snprintf(label, lsize, "%s", tmp[0] ? tmp : src);
		base_name(label);
	}
	scan_where(w, sizeof(w), where, label[0] ? label : "package");
	scan_object(j, p + off, dlen, label[0] ? label : NULL, w, depth + 1);
	return 0;
}

/* \001CompObj: the ProgID when present, else the user type. */
static void
compobj_class(const uint8_t *p, size_t n, char *out, size_t size)
{
	char user[80] = "", prog[80] = "";
	size_t off = 28;
	uint32_t k;

	out[0] = '\0';
	if (off + 4 > n)
		return;
	k = le32(p + off);
	off += 4;
	if (k > n - off)
		return;
	office_printable(user, sizeof(user), (const char *)p + off, k ? k - 1 : 0);
	off += k;
	if (off + 4 <= n) {
		k = le32(p + off);
		off += 4;
		if (k == 0xFFFFFFFFu || k == 0xFFFFFFFEu)
			off += 4;
		else if (k <= n - off)
			off += k;
		else
			off = n;
		if (off + 4 <= n) {
			k = le32(p + off);
			off += 4;
			if (k > 0 && k <= n - off && k < 256)
				office_printable(prog, sizeof(prog), (const char *)p + off, k - 1);
		}
	}
	snprintf(out, size, "%s", prog[0] ? prog : user);
}

/* A link moniker in the \001Ole stream: a URL or a UNC path means a remote object. */
static void
ole_link(struct scan_job *j, const uint8_t *p, size_t n, const char *where)
{
	char url[160];
	size_t i, o, k;

	for (i = 0; i + 20 <= n; i++) {
		if (memcmp(p + i, clsid_url_moniker, 16) == 0) {
			size_t len = le32(p + i + 16), at = i + 20;
			if (len > n - at)
				len = n - at;
			for (o = 0, k = 0; k + 1 < len && o + 1 < sizeof(url); k += 2) {
				unsigned u = le16(p + at + k);
				if (u == 0)
					break;
				url[o++] = u >= 0x20 && u < 0x7F ? (char)u : '?';
			}
			url[o] = '\0';
			if (o) {
				scan_hit(j, &ward_check_file_external_template, where,
					 "OLE link to %s", url);
				return;
			}
		}
		if (memcmp(p + i, clsid_file_moniker, 16) == 0 && i + 24 <= n) {
			size_t len = le32(p + i + 18), at = i + 22;
			if (len > n - at)
				len = n - at;
			office_printable(url, sizeof(url), (const char *)p + at, len);
			if (url[0] == '\\' && url[1] == '\\') {
				scan_hit(j, &ward_check_file_external_template, where,
					 "OLE link to %s", url);
				return;
			}
		}
	}
}

static int
has_object(const struct cfb *c, uint32_t id)
{
	return cfb_child(c, id, "\001Ole10Native") != CFB_NONE ||
	       cfb_child(c, id, "\001CompObj") != CFB_NONE ||
	       cfb_child(c, id, "\003ObjInfo") != CFB_NONE ||
	       cfb_child(c, id, "\001Ole") != CFB_NONE;
}

/* Hands a stream of the object storage to scan_object as a file of its own. */
static void
object_stream(struct scan_job *j, struct cfb *c, uint32_t id, const char *where, unsigned depth)
{
	char w[WARD_FILE_WHERE_MAX];
	uint8_t *b;
	size_t len;

	scan_where(w, sizeof(w), where, c->ent[id].name);
	b = office_stream(j, c, id, w, &len);
	if (b && len)
		scan_object(j, b, len, NULL, w, depth + 1);
	free(b);
}

/* The object stored in storage id of c, found at where. */
static void
object_storage(struct scan_job *j, struct cfb *c, uint32_t id, const char *where, unsigned depth)
{
	char cls[96] = "", ev[160] = "", label[128], w[WARD_FILE_WHERE_MAX];
	uint32_t s;
	uint8_t *b;
	size_t len;

	s = cfb_child(c, id, "\001CompObj");
	if (s != CFB_NONE && (b = office_stream(j, c, s, where, &len))) {
		compobj_class(b, len, cls, sizeof(cls));
		free(b);
	}
	if (!cls[0] && memcmp(c->ent[id].clsid, clsid_package, 16) == 0)
		snprintf(cls, sizeof(cls), "Package");
	if (!cls[0] && memcmp(c->ent[id].clsid, clsid_equation, 16) == 0)
		snprintf(cls, sizeof(cls), "Equation.3");
	office_append(ev, sizeof(ev), cls[0] ? cls : "OLE object");
	if (memcmp(c->ent[id].clsid, clsid_equation, 16) == 0 ||
	    strncasecmp(cls, "Equation.", 9) == 0 ||
	    cfb_child(c, id, "Equation Native") != CFB_NONE)
		office_append(ev, sizeof(ev), EQUATION_NOTE);

	s = cfb_child(c, id, "\001Ole");
	if (s != CFB_NONE && (b = office_stream(j, c, s, where, &len))) {
		ole_link(j, b, len, where);
		free(b);
	}
	s = cfb_child(c, id, "\001Ole10Native");
	if (s != CFB_NONE && (b = office_stream(j, c, s, where, &len))) {
		if (len > 4) {
			size_t nl = le32(b) < len - 4 ? le32(b) : len - 4;
			int rc = office_package(j, b + 4, nl, where, depth, label, sizeof(label));
			if (rc >= 0) {
				char one[150];
				if (!cls[0]) {
					ev[0] = '\0';
					office_append(ev, sizeof(ev), "Package");
				}
				snprintf(one, sizeof(one), rc ? "link to %s" : "file %s", label);
				if (label[0])
					office_append(ev, sizeof(ev), one);
				/* A packager link runs the file it names: a shortcut in effect. */
				if (rc == 1)
					scan_hit(j, &ward_check_file_shortcut, where,
						 "packager link to %s", label);
			} else if (nl) {
				scan_where(w, sizeof(w), where, "Ole10Native");
				scan_object(j, b + 4, nl, NULL, w, depth + 1);
			}
		}
		free(b);
	}
	s = cfb_child(c, id, "Package");
	if (s != CFB_NONE && c->ent[s].type == CFB_STREAM)
		object_stream(j, c, s, where, depth);
	s = cfb_child(c, id, "CONTENTS");
	if (s != CFB_NONE && c->ent[s].type == CFB_STREAM)
		object_stream(j, c, s, where, depth);
	scan_hit(j, &ward_check_file_ole_object, where, "%s", ev);
}

/* WordDocument: the FIB's encryption flag, then field instructions. */
static void
word_document(struct scan_job *j, struct cfb *c, uint32_t id, const char *where)
{
	char instr[512];
	uint8_t *b;
	size_t len, i, k, o;

	b = office_stream(j, c, id, where, &len);
	if (!b)
		return;
	if (len >= 12 && (le16(b) == 0xA5EC || le16(b) == 0xA5DC) && (le16(b + 0x0A) & 0x0100)) {
		scan_hit(j, &ward_check_file_office_encrypted, where,
			 "Word document encrypted (FIB fEncrypted)");
		free(b);
		return;
	}
	for (i = 0; i + 4 < len; i++) {
		if (b[i] != 0x13)
			continue;
		o = 0;
		if (b[i + 1] == 0) {
			/* UTF-16LE text: 0x13 0x00, then characters up to 0x14 or 0x15. */
			for (k = i + 2; k + 1 < len && o + 1 < sizeof(instr); k += 2) {
				unsigned u = le16(b + k);
				if (u == 0x14 || u == 0x15 || u == 0x13 || u == 0)
					break;
				instr[o++] = u < 0x80 ? (char)u : '?';
			}
		} else {
			for (k = i + 1; k < len && o + 1 < sizeof(instr); k++) {
				if (b[k] == 0x14 || b[k] == 0x15 || b[k] == 0x13 || b[k] == 0)
					break;
				instr[o++] = (char)b[k];
			}
		}
		if (o >= 3)
			office_field(j, instr, o, where);
	}
	free(b);
}

/* PowerPoint keeps embedded storages (objects, the VBA project) in
 * ExOleObjStg records, zlib-compressed when the record instance is 1. */
static void
ppt_objects(struct scan_job *j, struct cfb *c, uint32_t id, const char *where, unsigned depth)
{
	char w[WARD_FILE_WHERE_MAX], name[48];
	uint8_t *b, *o;
	size_t len, off = 0, ol;
	unsigned count = 0;
	struct cfb sub;

	b = office_stream(j, c, id, where, &len);
	if (!b)
		return;
	while (off + 8 <= len) {
		unsigned inst = le16(b + off) >> 4, type = le16(b + off + 2);
		size_t rl = le32(b + off + 4), at = off + 8;
		if (rl > len - at)
			rl = len - at;
		off = at + rl;
		if (type != 0x1011)
			continue;
		if (inst == 1 && rl > 4)
			o = inflate_charged(j, b + at + 4, rl - 4, le32(b + at), where, &ol);
		else if (inst == 0 && (o = malloc(rl ? rl : 1)))
			memcpy(o, b + at, (ol = rl));
		else
			o = NULL;
		if (!o)
			continue;
		snprintf(name, sizeof(name), "PowerPoint Document/object%u", ++count);
		scan_where(w, sizeof(w), where, name);
		if (cfb_open(&sub, o, ol, j->lim->max_size) == 0) {
			int vba = office_vba_cfb(j, &sub, where);
			cfb_close(&sub);
			if (!vba)
				office_object_ole2(j, o, ol, w, depth + 1);
		}
		free(o);
	}
	free(b);
}

static void
ole2_analyse(struct scan_job *j, const uint8_t *p, size_t n, const char *where, unsigned depth,
	     int embedded)
{
	char w[WARD_FILE_WHERE_MAX], path[WARD_FILE_WHERE_MAX];
	struct cfb c;
	uint32_t id, i;
	uint8_t *b;
	size_t len;

	if (cfb_open(&c, p, n, j->lim->max_size) < 0)
		return;
	if (memcmp(c.ent[0].clsid, clsid_msi, 16) == 0 ||
	    memcmp(c.ent[0].clsid, clsid_msp, 16) == 0) {
		scan_hit(j, &ward_check_file_executable, where, "%s",
			 c.ent[0].clsid[0] == 0x84 ? "Windows Installer package"
						   : "Windows Installer patch");
		goto out;
	}
	if (cfb_child(&c, 0, "EncryptedPackage") != CFB_NONE &&
	    cfb_child(&c, 0, "EncryptionInfo") != CFB_NONE) {
		scan_hit(j, &ward_check_file_office_encrypted, where,
			 "encrypted OOXML package (EncryptionInfo, EncryptedPackage)");
		goto out;
	}
	if (embedded || cfb_child(&c, 0, "\001Ole10Native") != CFB_NONE ||
	    cfb_child(&c, 0, "Equation Native") != CFB_NONE)
		object_storage(j, &c, 0, where, depth);
	office_vba_cfb(j, &c, where);
	if ((id = cfb_child(&c, 0, "WordDocument")) != CFB_NONE)
		word_document(j, &c, id, where);
	id = cfb_child(&c, 0, "Workbook");
	if (id == CFB_NONE)
		id = cfb_child(&c, 0, "Book");
	if (id != CFB_NONE && (b = office_stream(j, &c, id, where, &len))) {
		if (office_xlm_biff(j, b, len, where))
			scan_hit(j, &ward_check_file_office_encrypted, where,
				 "Excel workbook encrypted (FILEPASS)");
		free(b);
	}
	if (cfb_child(&c, 0, "EncryptedSummary") != CFB_NONE)
		scan_hit(j, &ward_check_file_office_encrypted, where,
			 "PowerPoint presentation encrypted (EncryptedSummary)");
	else if ((id = cfb_child(&c, 0, "PowerPoint Document")) != CFB_NONE)
		ppt_objects(j, &c, id, where, depth);
	for (i = 1; i < c.nent; i++) {
		if (c.ent[i].parent == CFB_NONE || c.ent[i].type != CFB_STORAGE ||
		    !has_object(&c, i))
			continue;
		cfb_path(&c, i, path, sizeof(path));
		scan_where(w, sizeof(w), where, path);
		/* Each object counts as an entry, so that their number is bounded. */
		if (scan_charge(j, w, 0) < 0)
			break;
		object_storage(j, &c, i, w, depth);
	}
out:
	cfb_close(&c);
}

void
scan_office_ole2(struct scan_job *j, const uint8_t *p, size_t n, const char *where, unsigned depth)
{
	ole2_analyse(j, p, n, where, depth, 0);
}
