/*
 * RTF documents: embedded objects, remote templates and DDE fields.
 *
 * RTF that carries exploits is written to confuse parsers, so this reader
 * follows Word's leniency rather than the specification: groups nest up to
 * any depth (state is kept for the first RTF_STATES levels, deeper groups
 * inherit it), unknown \* destinations are skipped, control words of any
 * length are read whole, and the object destinations (\objdata,
 * \objclass) take effect wherever they appear, even inside a group being
 * skipped. \objdata is hex: every pair of hex digits is a byte, whatever
 * sits between them, and \binN inserts N raw bytes.
 *
 * The decoded data is an OLE1 object (version, format, class name, topic,
 * item, native data). A Package's native data carries a file, handed to
 * scan_object() so that a shortcut or program inside the document is
 * found; other native data (an OLE2 storage: Equation.3, Word.Document.8,
 * an OLE link) is analysed as an embedded object. The document is
 * reported once as file.rtf.object with the classes found, "autoupdate"
 * for \objupdate and "linked" for \objautlink/\objlink. A remote
 * \*\template is an external template; \fldinst text is judged like any
 * field instruction (DDE, remote INCLUDEPICTURE).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scan_office.h"

#include "ward/text.h"

#define RTF_STATES 256 /* group levels with their own state; not a limit on the input */
#define RTF_WORD 32    /* control word letters compared; longer words match nothing */

enum dest { D_TEXT, D_SKIP, D_OBJDATA, D_OBJCLASS, D_TEMPLATE, D_FLDINST };

struct group {
	enum dest dest;
	int star;  /* \* seen in this group */
	int owner; /* this group opened dest */
};

struct rtf {
	struct scan_job *j;
	const char *where;
	unsigned depth;
	uint8_t *data; /* \objdata being decoded */
	size_t len, cap;
	int nib, half;	 /* pending hex digit */
	char text[1024]; /* \objclass, \*\template or \fldinst text being collected */
	size_t tlen;
	char cls[96]; /* the last \objclass */
	char ev[160];
	unsigned objects;
	int found;
};

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void
data_add(struct rtf *r, const uint8_t *p, size_t n)
{
	uint8_t *nd;
	size_t ncap;

	if (n > r->j->lim->max_size - r->len || n == 0)
		return;
	if (r->len + n > r->cap) {
		ncap = r->cap ? r->cap : 4096;
		while (ncap < r->len + n)
			ncap *= 2;
		nd = realloc(r->data, ncap);
		if (!nd)
			return;
		r->data = nd;
		r->cap = ncap;
	}
	memcpy(r->data + r->len, p, n);
	r->len += n;
}

static void
text_add(struct rtf *r, char ch)
{
	if (r->tlen + 1 < sizeof(r->text))
		r->text[r->tlen++] = ch;
}

/* One length-prefixed OLE1 string at *off; copies it printable. */
static int
ole1_string(const uint8_t *p, size_t n, size_t *off, char *out, size_t size)
{
	uint32_t k;

	if (*off + 4 > n)
		return -1;
	k = le32(p + *off);
	*off += 4;
	if (k > n - *off)
		return -1;
	office_printable(out, size, (const char *)p + *off, k ? k - 1 : 0);
	*off += k;
	return 0;
}

/* The OLE1 object in r->data: class, then the native data or link source. */
static void
object_done(struct rtf *r)
{
	char cls[96] = "", topic[160] = "", item[64], label[128], w[WARD_FILE_WHERE_MAX], name[32];
	const uint8_t *p = r->data;
	size_t n = r->len, off = 8, k;
	uint32_t fmt;

	r->half = 0;
	if (n == 0)
		return;
	r->objects++;
	snprintf(name, sizeof(name), "object%u", r->objects);
	scan_where(w, sizeof(w), r->where, name);
	if (scan_charge(r->j, w, n) < 0) {
		r->len = 0;
		return;
	}
	fmt = n >= 8 ? le32(p + 4) : 0;
	if (n >= 12 && (fmt == 1 || fmt == 2) && ole1_string(p, n, &off, cls, sizeof(cls)) == 0) {
		if (cls[0])
			office_append(r->ev, sizeof(r->ev), cls);
		if (ole1_string(p, n, &off, topic, sizeof(topic)) == 0 &&
		    ole1_string(p, n, &off, item, sizeof(item)) == 0 && fmt == 2 && off + 4 <= n) {
			k = le32(p + off);
			off += 4;
			if (k > n - off)
				k = n - off;
			int rc = strcasecmp(cls, "Package") == 0
				     ? office_package(r->j, p + off, k, w, r->depth, label,
						      sizeof(label))
				     : -1;
			if (rc >= 0) {
				char one[150];
				snprintf(one, sizeof(one), rc ? "link to %s" : "file %s", label);
				if (label[0])
					office_append(r->ev, sizeof(r->ev), one);
				if (rc == 1)
					scan_hit(r->j, &ward_check_file_shortcut, w,
						 "packager link to %s", label);
			} else if (cfb_magic(p + off, k)) {
				office_object_ole2(r->j, p + off, k, w, r->depth + 1);
			} else if (k) {
				scan_object(r->j, p + off, k, NULL, w, r->depth + 1);
			}
		} else if (fmt == 1 && topic[0]) {
			office_append(r->ev, sizeof(r->ev), "linked");
			if (strstr(topic, "://") || (topic[0] == '\\' && topic[1] == '\\'))
				scan_hit(r->j, &ward_check_file_external_template, w,
					 "OLE link to %s", topic);
		}
	} else {
		/* Not OLE1: an OLE2 storage anywhere in the data is still analysed. */
		for (k = 0; k + 512 <= n; k++)
			if (cfb_magic(p + k, n - k)) {
				office_object_ole2(r->j, p + k, n - k, w, r->depth + 1);
				break;
			}
	}
	if (strncasecmp(cls, "Equation.", 9) == 0 || strncasecmp(r->cls, "Equation.", 9) == 0)
		office_append(r->ev, sizeof(r->ev), "Equation Editor, CVE-2017-11882");
	r->len = 0;
}

/* A destination group closes. */
static void
dest_done(struct rtf *r, enum dest d)
{
	char v[160];

	switch (d) {
	case D_OBJDATA:
		object_done(r);
		break;
	case D_OBJCLASS:
		office_printable(r->cls, sizeof(r->cls), r->text, r->tlen);
		if (r->cls[0])
			office_append(r->ev, sizeof(r->ev), r->cls);
		break;
	case D_TEMPLATE:
		office_printable(v, sizeof(v), r->text, r->tlen);
		if (strstr(v, "://") || (v[0] == '\\' && v[1] == '\\'))
			scan_hit(r->j, &ward_check_file_external_template, r->where, "template %s",
				 v);
		break;
	case D_FLDINST:
		office_field(r->j, r->text, r->tlen, r->where);
		break;
	default:
		break;
	}
	r->tlen = 0;
}

/* Sets the destination of group g, remembering that g opened it. */
static void
set_dest(struct rtf *r, struct group *g, enum dest d)
{
	if (g->owner && g->dest != d)
		dest_done(r, g->dest);
	g->dest = d;
	g->owner = 1;
	r->tlen = 0;
	if (d == D_OBJDATA) {
		r->len = 0;
		r->half = 0;
		r->found = 1;
	}
}

static void
control_word(struct rtf *r, struct group *g, const char *word, int own)
{
	if (strcmp(word, "objdata") == 0) {
		if (own)
			set_dest(r, g, D_OBJDATA);
	} else if (strcmp(word, "objclass") == 0) {
		if (own)
			set_dest(r, g, D_OBJCLASS);
	} else if (strcmp(word, "template") == 0 && g->star) {
		if (own)
			set_dest(r, g, D_TEMPLATE);
	} else if (strcmp(word, "fldinst") == 0) {
		if (own)
			set_dest(r, g, D_FLDINST);
	} else if (strcmp(word, "object") == 0) {
		r->found = 1;
	} else if (strcmp(word, "objupdate") == 0) {
		office_append(r->ev, sizeof(r->ev), "autoupdate");
	} else if (strcmp(word, "objautlink") == 0 || strcmp(word, "objlink") == 0) {
		office_append(r->ev, sizeof(r->ev), "linked");
	} else if (g->star && g->dest == D_TEXT && own) {
		/* An unknown \* destination: its text is not document text. */
		g->dest = D_SKIP;
	}
}

void
scan_rtf(struct scan_job *j, const uint8_t *p, size_t n, const char *where, unsigned depth)
{
	struct group *st;
	struct rtf r;
	size_t i = 0, lvl = 0, k;
	char word[RTF_WORD + 1];

	memset(&r, 0, sizeof(r));
	r.j = j;
	r.where = where;
	r.depth = depth;
	st = calloc(RTF_STATES, sizeof(*st));
	if (!st)
		return;
	while (i < n) {
		uint8_t ch = p[i++];
		/* Levels past RTF_STATES share the deepest state and change nothing. */
		struct group *g = &st[lvl < RTF_STATES ? lvl : RTF_STATES - 1];
		int own = lvl < RTF_STATES;

		if (ch == '{') {
			lvl++;
			if (lvl < RTF_STATES) {
				st[lvl].dest = g->dest;
				st[lvl].star = 0;
				st[lvl].owner = 0;
			}
		} else if (ch == '}') {
			if (lvl == 0)
				continue;
			if (lvl < RTF_STATES && st[lvl].owner)
				dest_done(&r, st[lvl].dest);
			lvl--;
		} else if (ch == '\\' && i < n) {
			ch = p[i];
			if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')) {
				long num = 0;
				int neg = 0, has = 0;
				for (k = 0; i < n && ((p[i] >= 'a' && p[i] <= 'z') ||
						      (p[i] >= 'A' && p[i] <= 'Z'));
				     i++, k++)
					if (k < RTF_WORD)
						word[k] = (char)p[i];
				word[k < RTF_WORD ? k : 0] = '\0';
				if (i < n && p[i] == '-') {
					neg = 1;
					i++;
				}
				for (; i < n && p[i] >= '0' && p[i] <= '9'; i++, has = 1)
					if (num < 100000000L)
						num = num * 10 + (p[i] - '0');
				if (i < n && p[i] == ' ')
					i++;
				if (strcmp(word, "bin") == 0) {
					size_t len = has && !neg ? (size_t)num : 0;
					if (len > n - i)
						len = n - i;
					if (g->dest == D_OBJDATA)
						data_add(&r, p + i, len);
					i += len;
				} else {
					control_word(&r, g, word, own);
				}
			} else if (ch == '\'') {
				int hi = i + 1 < n ? ward_hexval(p[i + 1]) : -1;
				int lo = i + 2 < n ? ward_hexval(p[i + 2]) : -1;
				i++;
				if (hi >= 0 && lo >= 0) {
					i += 2;
					if (g->dest >= D_OBJCLASS)
						text_add(&r, (char)(hi << 4 | lo));
				}
			} else {
				i++;
				if (ch == '*')
					g->star = 1;
				else if (g->dest >= D_OBJCLASS &&
					 (ch == '\\' || ch == '{' || ch == '}'))
					text_add(&r, (char)ch);
			}
		} else if (g->dest == D_OBJDATA) {
			int v = ward_hexval(ch);
			if (v < 0)
				continue;
			if (r.half) {
				uint8_t b = (uint8_t)(r.nib << 4 | v);
				data_add(&r, &b, 1);
				r.half = 0;
			} else {
				r.nib = v;
				r.half = 1;
			}
		} else if (g->dest >= D_OBJCLASS && ch != '\r' && ch != '\n') {
			text_add(&r, (char)ch);
		}
	}
	/* Groups left open at the end still count. */
	for (; lvl > 0; lvl--)
		if (lvl < RTF_STATES && st[lvl].owner)
			dest_done(&r, st[lvl].dest);
	if (r.found)
		scan_hit(j, &ward_check_file_rtf_object, where, "%s",
			 r.ev[0] ? r.ev : "embedded object");
	free(r.data);
	free(st);
}
