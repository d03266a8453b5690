/*
 * Zip-based Office documents (OOXML .docx/.xlsx/.pptx and their macro and
 * binary variants, and the OLE objects inside ODF files) and the flat XML
 * forms (Word 2003 XML, Flat OPC, Excel 2003 XML).
 *
 * The package is walked with libarchive's zip reader; only the parts that
 * can carry a finding are read, each up to max_size and charged to the job:
 *
 *   - relationships (*.rels) with TargetMode="External" of the types that
 *     load content on opening (attachedTemplate, oleObject, frame,
 *     subDocument) are external templates; hyperlinks and images are not;
 *   - vbaProject.bin is a VBA project (scan_vba.c);
 *   - macro sheet parts, their content types and relationship types are
 *     XLM, with Auto_Open names and very hidden sheets as evidence;
 *   - Word parts are searched for DDE and remote INCLUDE field
 *     instructions (w:instrText runs between w:fldChar marks, w:fldSimple);
 *     Excel external link parts for DDE links;
 *   - any OLE2 part (embeddings, ODF "Object N") is an embedded object
 *     (scan_office.c); other embedded files go to scan_object().
 *
 * XML is read with a small lenient tag scanner, not a parser: it never
 * builds a tree, skips comments, CDATA and processing instructions, and
 * decodes the five entities and character references of the values it
 * returns. Everything it returns is bounded by the part it reads.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <archive.h>
#include <archive_entry.h>

#include "ward/buf.h"
#include "scan_office.h"

struct xtag {
	const char *name; /* qualified name, not NUL-terminated */
	size_t nlen;
	const char *attrs;
	size_t alen;
	int close;  /* </name> */
	int empty;  /* <name/> */
	size_t end; /* offset just past '>' */
};

/* The next tag at or after *pos; 0, or -1 at the end of p[0..n). */
static int
xml_next(const char *p, size_t n, size_t *pos, struct xtag *t)
{
	size_t i = *pos, k;
	const char *q;
	char quote;

	for (;;) {
		q = i < n ? memchr(p + i, '<', n - i) : NULL;
		if (!q)
			return -1;
		i = (size_t)(q - p);
		if (n - i >= 4 && memcmp(p + i, "<!--", 4) == 0) {
			size_t at = office_memcasemem((const uint8_t *)p + i + 4, n - i - 4, "-->");
			if (at == (size_t)-1)
				return -1;
			i += 4 + at + 3;
			continue;
		}
		if (n - i >= 9 && memcmp(p + i, "<![CDATA[", 9) == 0) {
			size_t at = office_memcasemem((const uint8_t *)p + i + 9, n - i - 9, "]]>");
			if (at == (size_t)-1)
				return -1;
			i += 9 + at + 3;
			continue;
		}
		if (n - i >= 2 && (p[i + 1] == '?' || p[i + 1] == '!')) {
			q = memchr(p + i, '>', n - i);
			if (!q)
				return -1;
			i = (size_t)(q - p) + 1;
			continue;
		}
		break;
	}
	i++;
	memset(t, 0, sizeof(*t));
	if (i < n && p[i] == '/') {
		t->close = 1;
		i++;
	}
	t->name = p + i;
	for (k = i; k < n && p[k] != '>' && p[k] != '/' && p[k] != ' ' && p[k] != '\t' &&
		    p[k] != '\r' && p[k] != '\n';
	     k++)
		;
	t->nlen = k - i;
	t->attrs = p + k;
	for (quote = 0; k < n; k++) {
		if (quote) {
			if (p[k] == quote)
				quote = 0;
		} else if (p[k] == '"' || p[k] == '\'') {
			quote = p[k];
		} else if (p[k] == '>') {
			break;
		}
	}
	if (k >= n)
		return -1;
	t->alen = (size_t)(p + k - t->attrs);
	t->empty = k > 0 && p[k - 1] == '/';
	t->end = k + 1;
	*pos = k + 1;
	return 0;
}

/* Does the tag's local name (after any prefix) equal local? */
static int
xml_is(const struct xtag *t, const char *local)
{
	const char *c = memchr(t->name, ':', t->nlen);
	const char *s = c ? c + 1 : t->name;
	size_t k = t->nlen - (size_t)(s - t->name);

	return strlen(local) == k && memcmp(s, local, k) == 0;
}

/* Decodes XML text s[0..n) (entities, character references) into out. */
static size_t
xml_decode(const char *s, size_t n, char *out, size_t size)
{
	static const struct {
		const char *name;
		char ch;
	} ent[] = {{"lt;", '<'}, {"gt;", '>'}, {"amp;", '&'}, {"quot;", '"'}, {"apos;", '\''}};
	size_t i = 0, o = 0, e;

	while (i < n && o + 1 < size) {
		if (s[i] != '&') {
			out[o++] = s[i++];
			continue;
		}
		for (e = 0; e < 5; e++) {
			size_t k = strlen(ent[e].name);
			if (n - i - 1 >= k && memcmp(s + i + 1, ent[e].name, k) == 0) {
				out[o++] = ent[e].ch;
				i += 1 + k;
				break;
			}
		}
		if (e < 5)
			continue;
		if (i + 2 < n && s[i + 1] == '#') {
			unsigned long v = 0;
			size_t k = i + 2;
			int hex = k < n && (s[k] == 'x' || s[k] == 'X');
			if (hex)
				k++;
			for (; k < n && k - i < 12; k++) {
				char ch = s[k];
				if (ch >= '0' && ch <= '9')
					v = v * (hex ? 16 : 10) + (unsigned long)(ch - '0');
				else if (hex && ch >= 'a' && ch <= 'f')
					v = v * 16 + (unsigned long)(ch - 'a' + 10);
				else if (hex && ch >= 'A' && ch <= 'F')
					v = v * 16 + (unsigned long)(ch - 'A' + 10);
				else
					break;
			}
			if (k < n && s[k] == ';') {
				out[o++] = v >= 0x20 && v < 0x7F ? (char)v : v == 9 ? ' ' : '?';
				i = k + 1;
				continue;
			}
		}
		out[o++] = s[i++];
	}
	out[o] = '\0';
	return o;
}

/* The attribute whose local name is local, decoded into out; 0 or -1 when absent. */
static int
xml_attr(const struct xtag *t, const char *local, char *out, size_t size)
{
	const char *a = t->attrs, *end = t->attrs + t->alen;
	size_t k = strlen(local);

	out[0] = '\0';
	while (a < end) {
		const char *nm, *eq, *v, *ve, *c;
		char quote;
		while (a < end &&
		       (*a == ' ' || *a == '\t' || *a == '\r' || *a == '\n' || *a == '/'))
			a++;
		nm = a;
		while (a < end && *a != '=' && *a != ' ' && *a != '\t' && *a != '\r' && *a != '\n')
			a++;
		eq = a;
		while (a < end && *a != '=' &&
		       (*a == ' ' || *a == '\t' || *a == '\r' || *a == '\n'))
			a++;
		if (a >= end || *a != '=') {
			if (a == nm)
				a++;
			continue;
		}
		a++;
		while (a < end && (*a == ' ' || *a == '\t' || *a == '\r' || *a == '\n'))
			a++;
		if (a >= end || (*a != '"' && *a != '\''))
			return -1;
		quote = *a++;
		v = a;
		ve = memchr(a, quote, (size_t)(end - a));
		if (!ve)
			ve = end;
		a = ve + 1;
		c = memchr(nm, ':', (size_t)(eq - nm));
		c = c ? c + 1 : nm;
		if ((size_t)(eq - c) == k && memcmp(c, local, k) == 0) {
			xml_decode(v, (size_t)(ve - v), out, size);
			return 0;
		}
	}
	return -1;
}

/* The text right after tag t, up to the next '<', decoded. */
static size_t
xml_text(const char *p, size_t n, const struct xtag *t, char *out, size_t size)
{
	const char *lt = memchr(p + t->end, '<', n - t->end);
	size_t k = lt ? (size_t)(lt - (p + t->end)) : n - t->end;

	return xml_decode(p + t->end, k, out, size);
}

void
office_relationship(struct scan_job *j, const char *type, const char *target, const char *mode,
		    const char *where)
{
	static const char *const loading[] = {"attachedTemplate", "oleObject", "frame",
					      "subDocument", NULL};
	const char *slash = strrchr(type, '/');
	const char *t = slash ? slash + 1 : type;
	size_t i;

	if (strcasecmp(mode, "External") != 0)
		return;
	for (i = 0; loading[i]; i++)
		if (strcasecmp(t, loading[i]) == 0) {
			scan_hit(j, &ward_check_file_external_template, where, "%s %.140s", t,
				 target);
			return;
		}
}

/* Collected over the parts of one package. */
struct pkg {
	struct scan_job *j;
	const char *where;
	unsigned depth;
	char macro[160]; /* XLM evidence: macro sheet parts */
	char names[96];	 /* Auto_Open names, very hidden sheets */
	int macrorel;	 /* a relationship of the macro sheet type */
	uint64_t read;	 /* bytes read from the package */
};

/* Field instructions of a WordprocessingML part (also Word 2003 XML). */
static void
xml_fields(struct scan_job *j, const char *p, size_t n, const char *where)
{
	char instr[1024], text[512];
	size_t pos = 0, len = 0, k;
	struct xtag t;

	while (xml_next(p, n, &pos, &t) == 0) {
		if (t.close)
			continue;
		if (xml_is(&t, "fldChar")) {
			/* begin, separate and end all close the instruction collected so far. */
			if (len)
				office_field(j, instr, len, where);
			len = 0;
		} else if (xml_is(&t, "instrText") && !t.empty) {
			k = xml_text(p, n, &t, text, sizeof(text));
			if (k > sizeof(instr) - len)
				k = sizeof(instr) - len;
			memcpy(instr + len, text, k);
			len += k;
		} else if (xml_is(&t, "fldSimple")) {
			if (xml_attr(&t, "instr", text, sizeof(text)) == 0)
				office_field(j, text, strlen(text), where);
		}
	}
	if (len)
		office_field(j, instr, len, where);
}

static void
rels_part(struct pkg *k, const char *p, size_t n, const char *where)
{
	char type[256], target[512], mode[32];
	size_t pos = 0;
	struct xtag t;

	while (xml_next(p, n, &pos, &t) == 0) {
		if (t.close || !xml_is(&t, "Relationship"))
			continue;
		xml_attr(&t, "Type", type, sizeof(type));
		xml_attr(&t, "Target", target, sizeof(target));
		xml_attr(&t, "TargetMode", mode, sizeof(mode));
		office_relationship(k->j, type, target, mode, where);
		if (strstr(type, "/xlMacrosheet") || strstr(type, "/xlIntlMacrosheet"))
			k->macrorel = 1;
	}
}

static void
content_types(struct pkg *k, const char *p, size_t n)
{
	char ct[256], part[128];
	size_t pos = 0;
	struct xtag t;

	while (xml_next(p, n, &pos, &t) == 0) {
		if (t.close || !xml_is(&t, "Override"))
			continue;
		xml_attr(&t, "ContentType", ct, sizeof(ct));
		if (strstr(ct, "macrosheet") || strstr(ct, "intlmacrosheet")) {
			xml_attr(&t, "PartName", part, sizeof(part));
			office_append(k->macro, sizeof(k->macro), part[0] == '/' ? part + 1 : part);
		}
	}
}

static void
workbook_xml(struct pkg *k, const char *p, size_t n)
{
	char v[128], one[160];
	size_t pos = 0;
	struct xtag t;

	while (xml_next(p, n, &pos, &t) == 0) {
		if (t.close)
			continue;
		if (xml_is(&t, "definedName") && xml_attr(&t, "name", v, sizeof(v)) == 0) {
			const char *nm = strncasecmp(v, "_xlnm.", 6) == 0 ? v + 6 : v;
			if (strncasecmp(nm, "auto_open", 9) == 0)
				office_append(k->names, sizeof(k->names), "Auto_Open");
			else if (strncasecmp(nm, "auto_close", 10) == 0)
				office_append(k->names, sizeof(k->names), "Auto_Close");
		} else if (xml_is(&t, "sheet") && xml_attr(&t, "state", v, sizeof(v)) == 0 &&
			   strcmp(v, "veryHidden") == 0) {
			xml_attr(&t, "name", v, sizeof(v));
			snprintf(one, sizeof(one), "very hidden sheet '%.60s'", v);
			office_append(k->names, sizeof(k->names), one);
		}
	}
}

static void
external_link(struct scan_job *j, const char *p, size_t n, const char *where)
{
	char svc[64], topic[128];
	size_t pos = 0;
	struct xtag t;

	while (xml_next(p, n, &pos, &t) == 0) {
		if (t.close || !xml_is(&t, "ddeLink"))
			continue;
		xml_attr(&t, "ddeService", svc, sizeof(svc));
		xml_attr(&t, "ddeTopic", topic, sizeof(topic));
		scan_hit(j, &ward_check_file_dde, where, "DDE link %s|'%s'", svc, topic);
		return;
	}
}

static void
activex_xml(struct scan_job *j, const char *p, size_t n, const char *where)
{
	char id[64];
	size_t pos = 0;
	struct xtag t;

	while (xml_next(p, n, &pos, &t) == 0) {
		if (t.close || !xml_is(&t, "ocx"))
			continue;
		xml_attr(&t, "classid", id, sizeof(id));
		scan_hit(j, &ward_check_file_ole_object, where, "ActiveX control %s", id);
		return;
	}
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && strcasecmp(s + a - b, suffix) == 0;
}

static const char *
base(const char *s)
{
	const char *b = strrchr(s, '/');

	return b ? b + 1 : s;
}

/* Word parts that can hold fields. */
static int
word_part(const char *name)
{
	static const char *const parts[] = {"document",		 "header",   "footer",
					    "footnotes",	 "endnotes", "comments",
					    "glossary/document", NULL};
	size_t i;

	if (strncasecmp(name, "word/", 5) != 0 || !ends_with(name, ".xml"))
		return 0;
	for (i = 0; parts[i]; i++)
		if (strncasecmp(name + 5, parts[i], strlen(parts[i])) == 0)
			return 1;
	return 0;
}

/* Is this part worth reading? Everything else is skipped unread. */
static int
wanted(const char *name)
{
	const char *b = base(name);

	return ends_with(name, ".rels") || strcasecmp(name, "[Content_Types].xml") == 0 ||
	       ends_with(name, ".bin") || strstr(name, "embeddings/") || strstr(name, "activeX/") ||
	       strncasecmp(name, "xl/workbook.", 12) == 0 ||
	       strncasecmp(name, "xl/externalLinks/", 17) == 0 || word_part(name) ||
	       !strchr(b, '.');
}

/* What a part's name alone says. */
static void
pkg_name(struct pkg *k, const char *name)
{
	if (name[0] == '/')
		name++;
	if (strncasecmp(name, "xl/macrosheets/", 15) == 0 && !strstr(name, "_rels/") &&
	    !strstr(name, "binaryIndex"))
		office_append(k->macro, sizeof(k->macro), name);
}

/* One part of the package, read whole. */
static void
pkg_part(struct pkg *k, const char *name, const uint8_t *p, size_t n)
{
	char w[WARD_FILE_WHERE_MAX];
	const char *s = (const char *)p;
	struct cfb c;

	pkg_name(k, name);
	if (name[0] == '/')
		name++;
	scan_where(w, sizeof(w), k->where, name);
	if (ends_with(name, ".rels")) {
		rels_part(k, s, n, w);
	} else if (strcasecmp(name, "[Content_Types].xml") == 0) {
		content_types(k, s, n);
	} else if (ends_with(name, "vbaProject.bin")) {
		if (cfb_open(&c, p, n, k->j->lim->max_size) == 0) {
			if (!office_vba_cfb(k->j, &c, w))
				scan_hit(k->j, &ward_check_file_vba, w, "%s", base(name));
			cfb_close(&c);
		} else {
			scan_hit(k->j, &ward_check_file_vba, w, "%s (unreadable)", base(name));
		}
	} else if (strcasecmp(name, "xl/workbook.xml") == 0) {
		workbook_xml(k, s, n);
	} else if (strcasecmp(name, "xl/workbook.bin") == 0) {
		office_xlm_xlsb_names(p, n, k->names, sizeof(k->names));
	} else if (strncasecmp(name, "xl/externalLinks/", 17) == 0 && ends_with(name, ".xml")) {
		external_link(k->j, s, n, w);
	} else if (strncasecmp(name, "xl/externalLinks/", 17) == 0 && ends_with(name, ".bin")) {
		char ev[160];
		if (office_xlsb_dde(p, n, ev, sizeof(ev)))
			scan_hit(k->j, &ward_check_file_dde, w, "%s", ev);
	} else if (word_part(name)) {
		xml_fields(k->j, s, n, w);
	} else if (strstr(name, "activeX/") && ends_with(name, ".xml")) {
		activex_xml(k->j, s, n, w);
	} else if (strstr(name, "activeX/")) {
		/* The control's persisted data; its class is in the .xml part. */
	} else if (cfb_magic(p, n)) {
		office_object_ole2(k->j, p, n, w, k->depth + 1);
	} else if (strstr(name, "embeddings/") && n) {
		scan_object(k->j, p, n, base(name), w, k->depth + 1);
	}
}

static void
pkg_finish(struct pkg *k)
{
	if (!k->macro[0] && k->macrorel)
		snprintf(k->macro, sizeof(k->macro), "by relationship type");
	if (!k->macro[0])
		return;
	if (k->names[0])
		office_append(k->macro, sizeof(k->macro), k->names);
	scan_hit(k->j, &ward_check_file_xlm, k->where, "macro sheet %s", k->macro);
}

static void
unreadable(struct scan_job *j, struct archive *a, const char *where)
{
	const char *why = archive_error_string(a);

	scan_hit(j, &ward_check_file_archive_opaque, where, "Office package cannot be read: %.100s",
		 why ? why : "unknown zip error");
}

/* Reads the current entry whole, up to cap bytes; NULL when empty or unreadable. */
static uint8_t *
read_entry(struct archive *a, size_t cap, size_t *len, int *cut)
{
	uint8_t *b = NULL, *nb;
	size_t have = 0, room = 0;
	la_ssize_t r;

	*len = 0;
	*cut = 0;
	for (;;) {
		if (have == room) {
			if (room >= cap) {
				char probe;
				/* Full: cut only if the entry has more. */
				*cut = archive_read_data(a, &probe, 1) > 0;
				break;
			}
			room = room ? room * 2 : 16384;
			if (room > cap)
				room = cap;
			nb = realloc(b, room + 1);
			if (!nb)
				break;
			b = nb;
		}
		r = archive_read_data(a, b + have, room - have);
		if (r <= 0)
			break;
		have += (size_t)r;
	}
	if (!have) {
		free(b);
		return NULL;
	}
	*len = have;
	return b;
}

void
scan_office_ooxml(struct scan_job *j, const uint8_t *p, size_t n, const char *where, unsigned depth)
{
	struct archive *a;
	struct archive_entry *e;
	struct pkg k;
	unsigned walked = 0;
	uint64_t budget, cap;
	int rc = ARCHIVE_EOF;
	char w[WARD_FILE_WHERE_MAX];

	memset(&k, 0, sizeof(k));
	k.j = j;
	k.where = where;
	k.depth = depth;
	/* The parts read may not outgrow the package by more than the ratio limit. */
	budget = (uint64_t)n * (j->lim->max_ratio ? j->lim->max_ratio : 1);
	a = archive_read_new();
	if (!a)
		return;
	archive_read_support_format_zip(a);
	if (archive_read_open_memory(a, p, n) != ARCHIVE_OK) {
		unreadable(j, a, where);
		goto out;
	}
	while ((rc = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname_utf8(e);
		uint8_t *b;
		size_t len;
		int cut;

		if (!name)
			name = archive_entry_pathname(e);
		if (++walked > j->lim->max_entries || !name)
			break;
		if (!wanted(name) || archive_entry_is_encrypted(e)) {
			pkg_name(&k, name);
			continue;
		}
		/* A part may use what is left of the ratio budget, max_size and the job's total. */
		cap = budget - k.read;
		if (cap > j->lim->max_size)
			cap = j->lim->max_size;
		if (cap > j->lim->max_total - j->total || j->total > j->lim->max_total)
			cap = j->total < j->lim->max_total ? j->lim->max_total - j->total : 0;
		if (cap == 0) {
			j->r->truncated = 1;
			scan_hit(j, &ward_check_file_archive_limit, where,
				 "parts expand more than %u times or past the job's total",
				 j->lim->max_ratio);
			break;
		}
		b = read_entry(a, (size_t)cap, &len, &cut);
		if (!b)
			continue;
		scan_where(w, sizeof(w), where, name);
		k.read += len;
		if (scan_charge(j, w, len) < 0) {
			free(b);
			break;
		}
		b[len] = '\0';
		pkg_part(&k, name, b, len);
		free(b);
		if (cut) {
			/* What was read is analysed; the rest of the package is not. */
			j->r->truncated = 1;
			scan_hit(j, &ward_check_file_archive_limit, w,
				 "part cut at %zu bytes (size or expansion limit)", len);
			break;
		}
	}
	/* Office opens what libarchive cannot: a package never walked hides its parts. */
	if (rc != ARCHIVE_OK && rc != ARCHIVE_EOF && walked == 0)
		unreadable(j, a, where);
	pkg_finish(&k);
out:
	archive_read_free(a);
}

/* Lenient base64: whitespace and stray characters skipped, stops at '='. */
static uint8_t *
base64(const char *s, size_t n, size_t *len)
{
	uint8_t *out = malloc(n / 4 * 3 + 3);
	unsigned acc = 0, bits = 0;
	size_t i, o = 0;

	*len = 0;
	if (!out)
		return NULL;
	for (i = 0; i < n; i++) {
		char ch = s[i];
		int v;
		if (ch >= 'A' && ch <= 'Z')
			v = ch - 'A';
		else if (ch >= 'a' && ch <= 'z')
			v = ch - 'a' + 26;
		else if (ch >= '0' && ch <= '9')
			v = ch - '0' + 52;
		else if (ch == '+')
			v = 62;
		else if (ch == '/')
			v = 63;
		else if (ch == '=')
			break;
		else
			continue;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	*len = o;
	return out;
}

/* The element body after tag t up to </local>, as (*body, *blen). */
static int
xml_body(const char *p, size_t n, const struct xtag *t, const char *local, const char **body,
	 size_t *blen)
{
	size_t pos = t->end, start = t->end;
	struct xtag c;

	while (xml_next(p, n, &pos, &c) == 0) {
		if (c.close && xml_is(&c, local)) {
			*body = p + start;
			*blen = (size_t)(c.name - 2 - (p + start));
			return 0;
		}
	}
	return -1;
}

/* Base64 content decoded and charged; NULL when empty or over a limit. */
static uint8_t *
decode_charged(struct scan_job *j, const char *s, size_t n, const char *where, size_t *len)
{
	uint8_t *b;

	if (n / 4 * 3 > j->lim->max_size) {
		j->r->truncated = 1;
		scan_hit(j, &ward_check_file_archive_limit, where, "embedded part over %zu bytes",
			 j->lim->max_size);
		return NULL;
	}
	b = base64(s, n, len);
	if (b && (*len == 0 || scan_charge(j, where, *len) < 0)) {
		free(b);
		return NULL;
	}
	return b;
}

/* Flat OPC: every pkg:part, inline XML or base64 binary, treated as a package part. */
static void
flat_opc(struct scan_job *j, const char *p, size_t n, const char *where, unsigned depth)
{
	char name[256], w[WARD_FILE_WHERE_MAX];
	size_t pos = 0, ip, blen;
	struct xtag t, c;
	const char *body;
	struct pkg k;

	memset(&k, 0, sizeof(k));
	k.j = j;
	k.where = where;
	k.depth = depth;
	while (xml_next(p, n, &pos, &t) == 0) {
		if (t.close || t.empty || !xml_is(&t, "part") ||
		    xml_attr(&t, "name", name, sizeof(name)) < 0)
			continue;
		ip = t.end;
		if (xml_next(p, n, &ip, &c) < 0 || c.close)
			continue;
		if (!xml_is(&c, "xmlData") && !xml_is(&c, "binaryData"))
			continue;
		/* An element never closed ends the package: nothing after it is searched again. */
		if (xml_body(p, n, &c, xml_is(&c, "xmlData") ? "xmlData" : "binaryData", &body,
			     &blen) < 0)
			break;
		pos = (size_t)(body + blen - p);
		if (xml_is(&c, "xmlData")) {
			pkg_part(&k, name, (const uint8_t *)body, blen);
		} else {
			uint8_t *b;
			size_t len;
			scan_where(w, sizeof(w), where, name[0] == '/' ? name + 1 : name);
			b = decode_charged(j, body, blen, w, &len);
			if (b) {
				pkg_part(&k, name, b, len);
				free(b);
			}
		}
	}
	pkg_finish(&k);
}

/* Word 2003 XML: w:binData parts, ActiveMime (editdata.mso) or OLE2 (oledata.mso). */
static void
bin_data(struct scan_job *j, const char *p, size_t n, const char *where, unsigned depth)
{
	char name[128], w[WARD_FILE_WHERE_MAX];
	size_t pos = 0, blen, len;
	const char *body;
	struct xtag t;
	uint8_t *b;

	while (xml_next(p, n, &pos, &t) == 0) {
		if (t.close || t.empty || !xml_is(&t, "binData"))
			continue;
		if (xml_body(p, n, &t, "binData", &body, &blen) < 0)
			break;
		pos = (size_t)(body + blen - p);
		if (xml_attr(&t, "name", name, sizeof(name)) < 0 || !ends_with(name, ".mso"))
			continue;
		scan_where(w, sizeof(w), where, name);
		b = decode_charged(j, body, blen, w, &len);
		if (!b)
			continue;
		office_activemime(j, b, len, w, depth + 1);
		free(b);
	}
}

/* Excel 2003 XML: DDE formulas in ss:Formula attributes. */
static void
xml_formulas(struct scan_job *j, const char *p, size_t n, const char *where)
{
	char f[512], ev[160];
	size_t pos = 0;
	struct xtag t;

	while (xml_next(p, n, &pos, &t) == 0) {
		if (t.close || xml_attr(&t, "Formula", f, sizeof(f)) < 0)
			continue;
		if (office_dde_formula(f, strlen(f), ev, sizeof(ev))) {
			scan_hit(j, &ward_check_file_dde, where, "%s", ev);
			return;
		}
	}
}

void
scan_office_xml(struct scan_job *j, const uint8_t *p, size_t n, const char *where, unsigned depth)
{
	const char *s = (const char *)p;

	if (office_memcasemem(p, n < 4096 ? n : 4096, "<pkg:package") != (size_t)-1) {
		flat_opc(j, s, n, where, depth);
		return;
	}
	xml_fields(j, s, n, where);
	bin_data(j, s, n, where, depth);
	xml_formulas(j, s, n, where);
}
