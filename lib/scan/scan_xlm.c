/*
 * Excel 4 (XLM) macros in binary workbooks. A BIFF5/BIFF8 Workbook (or
 * Book) stream is a run of records (type, length, data): a BOUNDSHEET of
 * type 1 is a macro sheet, hidden or very hidden when its state says so; a
 * NAME of the built-in kind 1 or 2 is Auto_Open or Auto_Close, which Excel
 * runs on opening; a FILEPASS means everything after it is encrypted, so
 * the walk stops there. The .xlsb workbook part uses the same ideas in its
 * own record format (BrtBundleSh, BrtName), and its external link part can
 * carry a DDE link (BrtSupBook of type DDE). Records are bounds-checked;
 * each loop step moves forward by at least one record header.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "scan_office.h"

#define BIFF_FILEPASS 0x002F
#define BIFF_NAME 0x0018
#define BIFF_BOUNDSHEET 0x0085
#define BIFF_BOF 0x0809
#define BIFF_EOF 0x000A

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

/* Copies an 8-bit or UTF-16LE run of cch characters to ASCII-ish out. */
static void
chars(const uint8_t *p, size_t avail, size_t cch, int wide, char *out, size_t size)
{
	size_t i, o = 0, step = wide ? 2 : 1;

	for (i = 0; i < cch && (i + 1) * step <= avail && o + 1 < size; i++) {
		unsigned ch = wide ? le16(p + i * step) : p[i];
		out[o++] = ch >= 0x20 && ch < 0x7F ? (char)ch : '?';
	}
	out[o] = '\0';
}

static const char *
state_name(unsigned st)
{
	return st == 1 ? " (hidden)" : st == 2 ? " (very hidden)" : "";
}

static void
biff_name(const uint8_t *d, size_t len, int biff8, char *ev, size_t size)
{
	size_t at = biff8 ? 15 : 14;
	char name[64];

	if (len <= at)
		return;
	if (le16(d) & 0x0020) {
		/* A built-in name is one character: 1 Auto_Open, 2 Auto_Close. */
		if (d[at] == 1)
			office_append(ev, size, "Auto_Open");
		else if (d[at] == 2)
			office_append(ev, size, "Auto_Close");
		return;
	}
	chars(d + at, len - at, d[3], biff8 && (d[14] & 1), name, sizeof(name));
	/* Excel also runs user names that start with Auto_Open ("Auto_Open2"). */
	if (strncasecmp(name, "auto_open", 9) == 0)
		office_append(ev, size, "Auto_Open");
	else if (strncasecmp(name, "auto_close", 10) == 0)
		office_append(ev, size, "Auto_Close");
}

int
office_xlm_biff(struct scan_job *j, const uint8_t *p, size_t n, const char *where)
{
	char sheets[160] = "", names[64] = "", one[96], sname[40];
	size_t off = 0;
	int biff8 = 1, macro = 0;

	while (off + 4 <= n) {
		unsigned type = le16(p + off), len = le16(p + off + 2);
		const uint8_t *d = p + off + 4;
		size_t have = n - off - 4 < len ? n - off - 4 : len;

		if (type == BIFF_FILEPASS)
			break;
		if (type == BIFF_BOF && have >= 4) {
			biff8 = le16(d) >= 0x0600;
			if (le16(d + 2) == 0x0040)
				macro = 1; /* the BOF of a macro sheet substream */
		} else if (type == BIFF_BOUNDSHEET && have >= 7 && (d[5] == 1)) {
			size_t cch = d[6];
			if (biff8 && have >= 8)
				chars(d + 8, have - 8, cch, d[7] & 1, sname, sizeof(sname));
			else
				chars(d + 7, have - 7, cch, 0, sname, sizeof(sname));
			snprintf(one, sizeof(one), "macro sheet '%s'%s", sname,
				 state_name(d[4] & 3));
			office_append(sheets, sizeof(sheets), one);
			macro = 1;
		} else if (type == BIFF_NAME) {
			biff_name(d, have, biff8, names, sizeof(names));
		}
		off += 4 + have;
	}
	if (macro) {
		if (!sheets[0])
			snprintf(sheets, sizeof(sheets), "macro sheet");
		if (names[0])
			office_append(sheets, sizeof(sheets), names);
		scan_hit(j, &ward_check_file_xlm, where, "%s", sheets);
	}
	return off + 4 <= n && le16(p + off) == BIFF_FILEPASS;
}

/* An .xlsb record header: type and size as 7-bit varints. */
static int
xlsb_record(const uint8_t *p, size_t n, size_t *off, unsigned *type, size_t *len)
{
	size_t o = *off, v = 0;
	int i;

	*type = 0;
	for (i = 0; i < 2; i++) {
		if (o >= n)
			return -1;
		*type |= (unsigned)(p[o] & 0x7F) << (7 * i);
		if (!(p[o++] & 0x80))
			break;
	}
	for (i = 0; i < 4; i++) {
		if (o >= n)
			return -1;
		v |= (size_t)(p[o] & 0x7F) << (7 * i);
		if (!(p[o++] & 0x80))
			break;
	}
	if (v > n - o)
		v = n - o;
	*len = v;
	*off = o;
	return 0;
}

/* XLWideString: u32 count, UTF-16LE characters. Returns the bytes it takes. */
static size_t
wide(const uint8_t *p, size_t n, char *out, size_t size)
{
	uint32_t cch;

	out[0] = '\0';
	if (n < 4)
		return n;
	cch = le32(p);
	chars(p + 4, n - 4, cch, 1, out, size);
	if (cch > (n - 4) / 2)
		return n;
	return 4 + (size_t)cch * 2;
}

void
office_xlm_xlsb_names(const uint8_t *p, size_t n, char *out, size_t size)
{
	size_t off = 0, len, k;
	unsigned type;
	char s[64], one[96];

	while (off < n && xlsb_record(p, n, &off, &type, &len) == 0) {
		const uint8_t *d = p + off;
		if (type == 0x9C && len >= 12 && le32(d) == 2) {
			/* BrtBundleSh: hsState, iTabID, strRelID, strName. */
			k = 8 + wide(d + 8, len - 8, s, sizeof(s));
			if (k < len) {
				wide(d + k, len - k, s, sizeof(s));
				snprintf(one, sizeof(one), "very hidden sheet '%s'", s);
				office_append(out, size, one);
			}
		} else if (type == 0x27 && len >= 13) {
			/* BrtName: flags, chKey, itab, name. */
			wide(d + 9, len - 9, s, sizeof(s));
			if (strncasecmp(s, "auto_open", 9) == 0)
				office_append(out, size, "Auto_Open");
			else if (strncasecmp(s, "auto_close", 10) == 0)
				office_append(out, size, "Auto_Close");
		}
		off += len;
	}
}

int
office_xlsb_dde(const uint8_t *p, size_t n, char *out, size_t size)
{
	size_t off = 0, len, k;
	unsigned type;
	char svc[64], topic[96];

	while (off < n && xlsb_record(p, n, &off, &type, &len) == 0) {
		const uint8_t *d = p + off;
		/* BrtSupBook: sbt (1 = DDE link), then the service and topic strings. */
		if (type == 0x168 && len >= 6 && le16(d) == 1) {
			k = 2 + wide(d + 2, len - 2, svc, sizeof(svc));
			topic[0] = '\0';
			if (k < len)
				wide(d + k, len - k, topic, sizeof(topic));
			snprintf(out, size, "DDE link %s|'%s'", svc, topic);
			return 1;
		}
		off += len;
	}
	return 0;
}

/* Functions only a macro sheet can run. */
static const char *const xlm_funcs[] = {"EXEC(",   "CALL(",  "REGISTER(",	  "RUN(",
					"HALT(",   "ALERT(", "FORMULA(",	  "FOPEN(",
					"FWRITE(", "GOTO(",  "URLDownloadToFile", NULL};

/*
 * SYLK: one record per line, fields after ';'. C records carry a formula in
 * their E field, NN records define names. Macro functions or an Auto_Open
 * name make it XLM; a formula of the form app|'topic'!item is DDE.
 */
static void
sylk(struct scan_job *j, const char *s, size_t n, const char *where)
{
	char ev[160] = "", f[512], dde[160];
	size_t i = 0, k, e, fn;

	while (i < n) {
		const char *nl = memchr(s + i, '\n', n - i);
		size_t len = nl ? (size_t)(nl - (s + i)) : n - i;
		const char *line = s + i;

		i += len + 1;
		if (len >= 3 && line[0] == 'N' && line[1] == 'N' && line[2] == ';') {
			if (office_memcasemem((const uint8_t *)line, len, ";NAuto_Open") !=
			    (size_t)-1)
				office_append(ev, sizeof(ev), "Auto_Open");
			continue;
		}
		if (len < 2 || line[0] != 'C' || line[1] != ';')
			continue;
		/* The E field runs to the next ';' that is not inside quotes. */
		for (k = 1; k + 1 < len; k++)
			if (line[k] == ';' && line[k + 1] == 'E')
				break;
		if (k + 1 >= len)
			continue;
		f[0] = '=';
		for (e = k + 2, fn = 1; e < len && fn + 1 < sizeof(f) && line[e] != '\r'; e++)
			f[fn++] = line[e];
		f[fn] = '\0';
		for (e = 0; xlm_funcs[e]; e++)
			if (office_memcasemem((const uint8_t *)f, fn, xlm_funcs[e]) != (size_t)-1) {
				char one[32];
				snprintf(one, sizeof(one), "%.*s", (int)strcspn(xlm_funcs[e], "("),
					 xlm_funcs[e]);
				office_append(ev, sizeof(ev), one);
			}
		if (office_dde_formula(f, fn, dde, sizeof(dde)))
			scan_hit(j, &ward_check_file_dde, where, "%s", dde);
	}
	if (ev[0])
		scan_hit(j, &ward_check_file_xlm, where, "SYLK macro sheet: %s", ev);
}

void
scan_office_text(struct scan_job *j, const uint8_t *p, size_t n, const char *where, unsigned depth)
{
	const char *s = (const char *)p;
	char dde[160];
	size_t i = 0;

	(void)depth;
	while (i < n && (s[i] == ' ' || s[i] == '\r' || s[i] == '\n' || s[i] == '\t'))
		i++;
	if (n - i >= 3 && strncasecmp(s + i, "ID;", 3) == 0) {
		sylk(j, s, n, where);
		return;
	}
	/* CSV and other text Excel opens: a cell that starts a DDE conversation. */
	if (office_dde_formula(s, n, dde, sizeof(dde)))
		scan_hit(j, &ward_check_file_dde, where, "%s", dde);
}
