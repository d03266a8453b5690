/*
 * ward's MIME parser: bounded and as lenient as a mail client.
 *
 * A message is split into parts in one recursive pass over the bytes, each
 * multipart region found by its boundary lines and each part parsed in the
 * region its enclosing boundaries leave it, so a missing close boundary
 * never swallows the rest of the message. What real mail gets wrong is
 * forgiven and recorded in defect bits: bare CR line ends, a missing blank
 * line after the header, unterminated quoted boundaries (the value is also
 * tried cut at its first blank or semicolon), a boundary that never
 * appears (the body is kept as one raw part), a multipart without a
 * boundary (one is guessed from the body), base64 or quoted-printable
 * encoded multiparts and attached messages, uuencoded blocks inside text.
 * Preamble and epilogue text is kept as raw parts, scanned as text.
 *
 * Everything is bounded by struct ward_mail_limits: nesting depth, number
 * of parts, header fields per part and decoded bytes per message. Strings
 * of a parsed message live in one arena freed with the message; decoded
 * bodies are adopted buffers.
 */
#define _GNU_SOURCE /* memmem */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ward/error.h"
#include "limits.h"
#include "mail_mime_priv.h"

/* Hard cap on the recursion whatever max_depth says. */
#define DEPTH_HARD_MAX 200
/* Reply-To addresses kept. */
#define MAX_REPLY_TO 16

/* ---- arena ---- */

struct chunk {
	struct chunk *next;
	size_t cap, used;
	/* data follows */
};

#define CHUNK_HDR ((sizeof(struct chunk) + 15) & ~(size_t)15)
#define FIRST_CHUNK 8192

/* The fields the parser itself reads (first occurrence of each). */
struct fields {
	const char *ct, *cte, *cd;
	size_t ct_n, cte_n, cd_n;
	const char *subject, *msgid, *from, *reply_to;
	size_t subject_n, msgid_n, from_n, reply_to_n;
};

struct mail_priv {
	struct ward_mail m;
	struct fields top; /* of the message itself */
	struct ward_mail_limits lim;
	struct chunk *chunks;
	void **owned;
	size_t n_owned, cap_owned;
	size_t parts_cap;
	size_t decoded; /* decoded bytes charged so far */
	int nomem;
	/* Scratch list of one header block's fields (reused part after part). */
	struct ward_mail_header *hs;
	size_t hs_cap;
};

static void *
aalloc(struct mail_priv *mp, size_t n)
{
	struct chunk *c = mp->chunks, *nc;
	size_t cap;
	void *r;

	n = (n + 15) & ~(size_t)15;
	if (c && c->cap - c->used >= n) {
		r = (char *)c + CHUNK_HDR + c->used;
		c->used += n;
		return r;
	}
	cap = c ? c->cap * 2 : FIRST_CHUNK;
	if (cap > 256 * 1024)
		cap = 256 * 1024;
	if (n > cap / 4) {
		/* Big: a chunk of its own behind the current one. */
		nc = malloc(CHUNK_HDR + n);
		if (!nc) {
			mp->nomem = 1;
			return NULL;
		}
		nc->cap = nc->used = n;
		if (c) {
			nc->next = c->next;
			c->next = nc;
		} else {
			nc->next = NULL;
			mp->chunks = nc;
		}
		return (char *)nc + CHUNK_HDR;
	}
	nc = malloc(CHUNK_HDR + cap);
	if (!nc) {
		mp->nomem = 1;
		return NULL;
	}
	nc->cap = cap;
	nc->used = n;
	nc->next = c;
	mp->chunks = nc;
	return (char *)nc + CHUNK_HDR;
}

static char *
astrndup(struct mail_priv *mp, const char *p, size_t n)
{
	char *s = aalloc(mp, n + 1);

	if (!s)
		return NULL;
	if (n)
		memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

/* Takes ownership of a malloc'ed block (freed with the message). */
static int
adopt(struct mail_priv *mp, void *p)
{
	if (!p)
		return 0;
	if (mp->n_owned == mp->cap_owned) {
		size_t cap = mp->cap_owned ? mp->cap_owned * 2 : 16;
		void **o = realloc(mp->owned, cap * sizeof(*o));

		if (!o) {
			free(p);
			mp->nomem = 1;
			return -1;
		}
		mp->owned = o;
		mp->cap_owned = cap;
	}
	mp->owned[mp->n_owned++] = p;
	return 0;
}

/* Adopts b's bytes as a NUL-terminated block; returns them ("" when empty). */
static char *
adopt_buf(struct mail_priv *mp, struct ward_buf *b)
{
	char *p;

	if (b->failed) {
		ward_buf_free(b);
		mp->nomem = 1;
		return NULL;
	}
	if (!b->p) {
		p = astrndup(mp, "", 0);
		return p;
	}
	b->p[b->len] = '\0';
	p = b->p;
	b->p = NULL;
	b->len = b->cap = 0;
	if (adopt(mp, p) < 0)
		return NULL;
	return p;
}

/* ---- parts ---- */

#define PART(mp, i) (&(mp)->m.parts[(i)])

static void
defect(struct mail_priv *mp, int idx, unsigned bits)
{
	if (idx >= 0)
		PART(mp, idx)->defects |= bits;
	mp->m.defects |= bits;
}

static int
new_part(struct mail_priv *mp, int parent, unsigned depth)
{
	struct ward_mail_part *pt;

	if (mp->nomem)
		return -1;
	if (mp->m.n_parts >= mp->lim.max_parts) {
		defect(mp, parent, WARD_MAIL_DEF_PARTS_LIMIT);
		return -1;
	}
	if (mp->m.n_parts == mp->parts_cap) {
		size_t cap = mp->parts_cap ? mp->parts_cap * 2 : 8;

		pt = realloc(mp->m.parts, cap * sizeof(*pt));
		if (!pt) {
			mp->nomem = 1;
			return -1;
		}
		mp->m.parts = pt;
		mp->parts_cap = cap;
	}
	pt = &mp->m.parts[mp->m.n_parts];
	memset(pt, 0, sizeof(*pt));
	pt->parent = parent;
	pt->depth = depth;
	return (int)mp->m.n_parts++;
}

/* Charges n decoded bytes; returns how many fit in what is left. */
static size_t
budget(struct mail_priv *mp, int idx, size_t n)
{
	size_t left = mp->lim.max_decoded > mp->decoded ? mp->lim.max_decoded - mp->decoded : 0;

	if (n > left) {
		defect(mp, idx, WARD_MAIL_DEF_SIZE_LIMIT);
		n = left;
	}
	mp->decoded += n;
	return n;
}

/* ---- lines ---- */

enum { MODE_LF, MODE_ANY };

/* Bare CR line ends when the first line break is a lone CR. */
static int
detect_mode(const uint8_t *p, size_t n)
{
	const uint8_t *nl = memchr(p, '\n', n), *cr;
	size_t lim = nl ? (size_t)(nl - p) : n;

	cr = memchr(p, '\r', lim);
	if (!cr)
		return MODE_LF;
	if ((size_t)(cr - p) + 1 < n && cr[1] == '\n')
		return MODE_LF;
	return MODE_ANY;
}

/* End of the line starting at i (line break excluded); *next: the next line. */
static size_t
line_end(const uint8_t *p, size_t i, size_t n, int mode, size_t *next)
{
	size_t e;

	if (mode == MODE_LF) {
		const uint8_t *q = memchr(p + i, '\n', n - i);

		if (!q) {
			*next = n;
			e = n;
		} else {
			e = (size_t)(q - p);
			*next = e + 1;
		}
		if (e > i && p[e - 1] == '\r')
			e--;
		return e;
	}
	for (e = i; e < n && p[e] != '\n' && p[e] != '\r'; e++)
		;
	*next = e;
	if (e < n) {
		*next = e + 1;
		if (p[e] == '\r' && e + 1 < n && p[e + 1] == '\n')
			*next = e + 2;
	}
	return e;
}

static int
blank(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!ward_mime_is_ws(p[i]))
			return 0;
	return 1;
}

/* ---- header block ---- */

/* Unfolds value bytes p[0..n) into the arena: CR and LF dropped, ends trimmed. */
static char *
unfold(struct mail_priv *mp, const uint8_t *p, size_t n, size_t *len)
{
	char *s, *o;
	size_t i;

	while (n && (p[0] == ' ' || p[0] == '\t' || p[0] == '\r' || p[0] == '\n')) {
		p++;
		n--;
	}
	while (n && ward_mime_is_ws(p[n - 1]))
		n--;
	s = o = aalloc(mp, n + 1);
	if (!s)
		return NULL;
	for (i = 0; i < n;) {
		const uint8_t *q = memchr(p + i, '\n', n - i), *r;
		size_t e = q ? (size_t)(q - p) : n;

		/* A stray CR before the LF (bare CR lines have no LF at all). */
		r = memchr(p + i, '\r', e - i);
		if (r)
			e = (size_t)(r - p);
		memcpy(o, p + i, e - i);
		o += e - i;
		i = e;
		if (i >= n)
			break;
		/* A fold (line break and the blanks after it) becomes one space. */
		while (i < n && (p[i] == '\r' || p[i] == '\n'))
			i++;
		if (i < n && (p[i] == ' ' || p[i] == '\t')) {
			while (i < n && (p[i] == ' ' || p[i] == '\t'))
				i++;
			*o++ = ' ';
		}
	}
	*o = '\0';
	*len = (size_t)(o - s);
	return s;
}

static void
note_field(struct fields *f, const char *name, size_t nl, const char *v, size_t vn, int top)
{
#define TAKE(field, lit)                                                                           \
	do {                                                                                       \
		if (!f->field && ward_mime_eq(name, nl, lit)) {                                    \
			f->field = v;                                                              \
			f->field##_n = vn;                                                         \
			return;                                                                    \
		}                                                                                  \
	} while (0)
	switch (nl) {
	case 12:
		TAKE(ct, "content-type");
		break;
	case 25:
		TAKE(cte, "content-transfer-encoding");
		break;
	case 19:
		TAKE(cd, "content-disposition");
		break;
	default:
		break;
	}
	if (!top)
		return;
	switch (nl) {
	case 7:
		TAKE(subject, "subject");
		break;
	case 10:
		TAKE(msgid, "message-id");
		break;
	case 4:
		TAKE(from, "from");
		break;
	case 8:
		TAKE(reply_to, "reply-to");
		break;
	default:
		break;
	}
#undef TAKE
}

static int
is_noted(size_t nl, int top)
{
	if (nl == 12 || nl == 25 || nl == 19)
		return 1;
	return top && (nl == 7 || nl == 10 || nl == 4 || nl == 8);
}

/* Ends the field being read: stores it (within max_headers) and notes it. */
static void
flush_field(struct mail_priv *mp, int idx, const uint8_t *p, size_t ns, size_t ne, size_t vs,
	    size_t ve, size_t *count, struct fields *f, int top)
{
	struct ward_mail_header *h;
	char *name, *val;
	size_t vn = 0, nl = ne - ns;
	int store = *count < mp->lim.max_headers;

	(*count)++;
	if (!store) {
		defect(mp, idx, WARD_MAIL_DEF_HEADERS_LIMIT);
		if (!is_noted(nl, top))
			return;
	}
	name = astrndup(mp, (const char *)p + ns, nl);
	val = unfold(mp, p + vs, ve - vs, &vn);
	if (!name || !val)
		return;
	note_field(f, name, nl, val, vn, top);
	if (!store)
		return;
	if (*count > mp->hs_cap) {
		size_t cap = mp->hs_cap ? mp->hs_cap * 2 : 32;

		h = realloc(mp->hs, cap * sizeof(*h));
		if (!h) {
			mp->nomem = 1;
			return;
		}
		mp->hs = h;
		mp->hs_cap = cap;
	}
	h = &mp->hs[*count - 1];
	h->name = name;
	h->value = val;
	h->value_len = vn;
}

/*
 * Reads the header block at p[0..n) into part idx; returns where the body
 * starts. A line that is neither a field nor a continuation ends the
 * header (and starts the body) as if a blank line preceded it.
 */
static size_t
parse_header(struct mail_priv *mp, int idx, const uint8_t *p, size_t n, int mode, struct fields *f,
	     int top)
{
	size_t i = 0, next, e, j, k, count = 0, body = n;
	size_t ns = 0, ne = 0, vs = 0, ve = 0;
	int have = 0, first = 1;

	if (top) /* stray blank lines before a message's header */
		while (i < n && (p[i] == '\r' || p[i] == '\n'))
			i++;
	while (i < n) {
		e = line_end(p, i, n, mode, &next);
		if (e == i) { /* the blank line */
			body = next;
			goto done;
		}
		if (p[i] == ' ' || p[i] == '\t') {
			if (have) {
				ve = e;
			} else if (blank(p + i, e - i)) {
				/* a blank-looking line before any field: the separator */
				body = next;
				goto done;
			} else {
				defect(mp, idx, WARD_MAIL_DEF_BAD_HEADER);
			}
			i = next;
			continue;
		}
		for (j = i; j < e && p[j] > 32 && p[j] < 127 && p[j] != ':'; j++)
			;
		for (k = j; k < e && (p[k] == ' ' || p[k] == '\t'); k++)
			;
		if (j > i && k < e && p[k] == ':') {
			if (have)
				flush_field(mp, idx, p, ns, ne, vs, ve, &count, f, top);
			have = 1;
			ns = i;
			ne = j;
			vs = k + 1;
			ve = e;
			first = 0;
			i = next;
			continue;
		}
		if (first && ((e - i >= 5 && memcmp(p + i, "From ", 5) == 0) ||
			      (e - i >= 6 && memcmp(p + i, ">From ", 6) == 0))) {
			i = next; /* mbox envelope line */
			continue;
		}
		/* Not a header field: the body starts on this line. */
		defect(mp, idx, WARD_MAIL_DEF_NO_SEPARATOR);
		body = i;
		goto done;
	}
	body = n;
done:
	if (have)
		flush_field(mp, idx, p, ns, ne, vs, ve, &count, f, top);
	if (count > mp->lim.max_headers)
		count = mp->lim.max_headers;
	if (count && !mp->nomem) {
		struct ward_mail_header *h = aalloc(mp, count * sizeof(*h));

		if (h) {
			memcpy(h, mp->hs, count * sizeof(*h));
			PART(mp, idx)->headers = h;
			PART(mp, idx)->n_headers = count;
		}
	}
	return body;
}

/* ---- field values ---- */

/* Lower-case "type/subtype" of a Content-Type value, or NULL if invalid. */
static char *
media_type(struct mail_priv *mp, const char *v, size_t n)
{
	size_t i = 0, s, e, slash = 0;
	char *r;

	while (i < n && (ward_mime_is_ws((unsigned char)v[i]) || v[i] == '"'))
		i++;
	s = i;
	while (i < n && v[i] != ';' && v[i] != '"' && v[i] != ',' &&
	       !ward_mime_is_ws((unsigned char)v[i])) {
		if (v[i] == '/' && !slash)
			slash = i;
		i++;
	}
	e = i;
	/* "text / html" */
	if (!slash) {
		size_t k = i;

		while (k < n && ward_mime_is_ws((unsigned char)v[k]))
			k++;
		if (k < n && v[k] == '/') {
			size_t t = k + 1;

			while (t < n && ward_mime_is_ws((unsigned char)v[t]))
				t++;
			if (t < n && v[t] != ';') {
				size_t te = t;
				struct ward_buf b;

				while (te < n && v[te] != ';' && v[te] != '"' &&
				       !ward_mime_is_ws((unsigned char)v[te]))
					te++;
				ward_buf_init(&b);
				ward_buf_add(&b, v + s, e - s);
				ward_buf_addc(&b, '/');
				ward_buf_add(&b, v + t, te - t);
				r = astrndup(mp, b.p ? b.p : "", b.len);
				ward_buf_free(&b);
				if (r)
					for (k = 0; r[k]; k++)
						r[k] = (char)ward_mime_lower((unsigned char)r[k]);
				return r;
			}
		}
	}
	if (e == s)
		return NULL;
	if (!slash || slash == s) {
		if (ward_mime_eq(v + s, e - s, "text"))
			return astrndup(mp, "text/plain", 10);
		return NULL;
	}
	if (slash + 1 == e && ward_mime_eq(v + s, e - s, "text/"))
		return astrndup(mp, "text/plain", 10);
	r = astrndup(mp, v + s, e - s);
	if (r)
		for (i = 0; r[i]; i++)
			r[i] = (char)ward_mime_lower((unsigned char)r[i]);
	return r;
}

/* First token of a value, lower-cased, into the arena ("" if none). */
static char *
first_token(struct mail_priv *mp, const char *v, size_t n)
{
	size_t i = 0, s;
	char *r;

	while (i < n && (ward_mime_is_ws((unsigned char)v[i]) || v[i] == '"'))
		i++;
	s = i;
	while (i < n && v[i] != ';' && v[i] != '"' && !ward_mime_is_ws((unsigned char)v[i]))
		i++;
	r = astrndup(mp, v + s, i - s);
	if (r)
		for (s = 0; r[s]; s++)
			r[s] = (char)ward_mime_lower((unsigned char)r[s]);
	return r;
}

static char *
param(struct mail_priv *mp, int idx, const char *v, size_t n, const char *name, unsigned mode)
{
	struct ward_buf b;
	unsigned fl = 0;
	char *r = NULL;

	if (!v)
		return NULL;
	ward_buf_init(&b);
	if (ward_mime_param(v, n, name, mode, &b, &fl))
		r = astrndup(mp, b.p ? b.p : "", b.len);
	if (fl & WARD_MIME_PARAM_UNTERMINATED)
		defect(mp, idx, WARD_MAIL_DEF_UNTERMINATED_QUOTE);
	ward_buf_free(&b);
	return r;
}

enum cte { CTE_NONE, CTE_B64, CTE_QP, CTE_UU };

static enum cte
cte_kind(const char *enc)
{
	if (!enc)
		return CTE_NONE;
	if (strncmp(enc, "base64", 6) == 0 || strcmp(enc, "base-64") == 0)
		return CTE_B64;
	if (strncmp(enc, "quoted-printable", 16) == 0 || strcmp(enc, "quoted_printable") == 0)
		return CTE_QP;
	if (strcmp(enc, "x-uuencode") == 0 || strcmp(enc, "uuencode") == 0 ||
	    strcmp(enc, "x-uue") == 0 || strcmp(enc, "uue") == 0)
		return CTE_UU;
	return CTE_NONE;
}

/*
 * Transfer-decodes p[0..n) into b (b empty). Returns 1 if junk was skipped.
 * Nothing is decoded once the message's decoded bytes are used up.
 */
static int
decode(struct mail_priv *mp, int idx, enum cte k, const uint8_t *p, size_t n, struct ward_buf *b)
{
	if (mp->decoded >= mp->lim.max_decoded) {
		if (n)
			defect(mp, idx, WARD_MAIL_DEF_SIZE_LIMIT);
		return 0;
	}
	switch (k) {
	case CTE_B64:
		return ward_mail_decode_base64(p, n, b);
	case CTE_QP:
		return ward_mail_decode_qp(p, n, b);
	case CTE_UU:
		return ward_mail_decode_uu(p, n, b);
	case CTE_NONE:
		break;
	}
	ward_buf_add(b, p, n);
	return 0;
}

/* ---- leaves ---- */

static void parse_entity(struct mail_priv *mp, const uint8_t *p, size_t n, size_t trail, int parent,
			 unsigned depth, int digest);

static int
wants_text(const struct ward_mail_part *pt)
{
	return pt->is_raw || strncmp(pt->content_type, "text/", 5) == 0 ||
	       strncmp(pt->content_type, "message/", 8) == 0;
}

/* Sets body (taking b over) and, for text, text. */
static void
set_body(struct mail_priv *mp, int idx, struct ward_buf *b)
{
	struct ward_mail_part *pt = PART(mp, idx);
	size_t len = b->len, keep;
	char *body;

	keep = budget(mp, idx, len);
	b->len = keep;
	body = adopt_buf(mp, b);
	if (!body)
		return;
	pt = PART(mp, idx);
	pt->body = (uint8_t *)body;
	pt->body_len = keep;
	if (!wants_text(pt))
		return;
	if (ward_mime_cs_identity(pt->charset, pt->charset ? strlen(pt->charset) : 0, pt->body,
				  keep)) {
		pt->text = body;
		pt->text_len = keep;
	} else {
		struct ward_buf t;
		unsigned r;

		ward_buf_init(&t);
		r = ward_mime_to_utf8(pt->charset, pt->charset ? strlen(pt->charset) : 0, pt->body,
				      keep, &t);
		if (r)
			defect(mp, idx, WARD_MAIL_DEF_CHARSET);
		pt->text_len = t.len;
		pt->text = adopt_buf(mp, &t);
		if (!pt->text)
			pt->text_len = 0;
	}
}

/* A raw part: bytes that belong to no part (preamble, epilogue, lost regions). */
static void
add_raw(struct mail_priv *mp, int parent, unsigned depth, const uint8_t *p, size_t n)
{
	struct ward_buf b;
	int idx;

	if (depth > mp->lim.max_depth) {
		defect(mp, parent, WARD_MAIL_DEF_DEPTH_LIMIT);
		return;
	}
	idx = new_part(mp, parent, depth);
	if (idx < 0)
		return;
	PART(mp, idx)->is_raw = 1;
	PART(mp, idx)->content_type = astrndup(mp, "text/plain", 10);
	if (!PART(mp, idx)->content_type)
		return;
	ward_buf_init(&b);
	ward_buf_add(&b, p, n);
	set_body(mp, idx, &b);
}

/*
 * uuencoded blocks ("begin 644 name" ... "end") inside text become leaf
 * parts of their own under the text part.
 */
static void
scan_uu(struct mail_priv *mp, int idx, const uint8_t *p, size_t n)
{
	size_t pos = 0, at, e, next, nm, i, ne, end;
	unsigned depth = PART(mp, idx)->depth + 1;
	const uint8_t *q;

	while (pos + 6 < n && (q = memmem(p + pos, n - pos, "begin ", 6)) != NULL) {
		struct ward_buf b;
		int child;
		char *name;

		at = (size_t)(q - p);
		pos = at + 6;
		if (at > 0 && p[at - 1] != '\n' && p[at - 1] != '\r')
			continue;
		e = line_end(p, at, n, MODE_ANY, &next);
		if (!ward_mime_uu_begin(p + at, e - at, &nm))
			continue;
		nm += at;
		if (nm >= e)
			continue;
		/* The first data line must look like uuencode. */
		ne = line_end(p, next, n, MODE_ANY, &i);
		if (ne == next || p[next] < '!' || p[next] > 'M' || ne - next < 2)
			continue;
		/* Find the "end" line. */
		end = n;
		for (i = next; i < n;) {
			size_t le = line_end(p, i, n, MODE_ANY, &ne);

			if (le - i >= 3 && memcmp(p + i, "end", 3) == 0 &&
			    blank(p + i + 3, le - i - 3)) {
				end = ne;
				break;
			}
			i = ne;
		}
		pos = end;
		if (depth > mp->lim.max_depth) {
			defect(mp, idx, WARD_MAIL_DEF_DEPTH_LIMIT);
			continue;
		}
		child = new_part(mp, idx, depth);
		if (child < 0)
			return;
		while (e > nm && ward_mime_is_ws(p[e - 1]))
			e--;
		{
			struct ward_buf fb;

			ward_buf_init(&fb);
			ward_mime_to_utf8(NULL, 0, p + nm, e - nm, &fb);
			name = astrndup(mp, fb.p ? fb.p : "", fb.len);
			ward_buf_free(&fb);
		}
		PART(mp, child)->filename = name;
		PART(mp, child)->content_type = astrndup(mp, "application/octet-stream", 24);
		PART(mp, child)->encoding = astrndup(mp, "x-uuencode", 10);
		if (!PART(mp, child)->content_type)
			return;
		ward_buf_init(&b);
		if (ward_mail_decode_uu(p + at, end - at, &b))
			defect(mp, child, WARD_MAIL_DEF_BAD_ENCODING);
		set_body(mp, child, &b);
	}
}

static void
leaf(struct mail_priv *mp, int idx, const uint8_t *p, size_t n)
{
	struct ward_mail_part *pt = PART(mp, idx);
	enum cte k = cte_kind(pt->encoding);
	struct ward_buf b;

	ward_buf_init(&b);
	if (decode(mp, idx, k, p, n, &b))
		defect(mp, idx, WARD_MAIL_DEF_BAD_ENCODING);
	if (k == CTE_UU && !PART(mp, idx)->filename) {
		/* the name on the begin line */
		size_t i = 0, e, next, nm;

		while (i < n) {
			e = line_end(p, i, n, MODE_ANY, &next);
			if (ward_mime_uu_begin(p + i, e - i, &nm)) {
				nm += i;
				while (e > nm && ward_mime_is_ws(p[e - 1]))
					e--;
				if (e > nm)
					PART(mp, idx)->filename =
					    astrndup(mp, (const char *)p + nm, e - nm);
				break;
			}
			i = next;
		}
	}
	set_body(mp, idx, &b);
	pt = PART(mp, idx);
	if (pt->body && pt->text && k != CTE_UU &&
	    (pt->is_raw || strcmp(pt->content_type, "text/plain") == 0))
		scan_uu(mp, idx, pt->body, pt->body_len);
}

/* ---- multipart ---- */

struct delim {
	size_t start; /* the "--" */
	size_t after; /* first byte of the next line */
	int close;
};

/*
 * Next delimiter line "--boundary" or "--boundary--" from 'from' on. Strict
 * (loose == 0): only blanks may follow on the line, so "--b" never matches
 * a nested "--b2". Loose: anything may follow, as RFC 2046 allows.
 */
static int
find_delim(const uint8_t *p, size_t n, const uint8_t *pat, size_t pl, int loose, size_t from,
	   struct delim *d)
{
	const uint8_t *q;
	size_t pos, k;

	while (from < n && n - from >= pl) {
		q = memmem(p + from, n - from, pat, pl);
		if (!q)
			return 0;
		pos = (size_t)(q - p);
		from = pos + 1;
		if (pos > 0 && p[pos - 1] != '\n' && p[pos - 1] != '\r')
			continue;
		k = pos + pl;
		d->close = 0;
		if (k + 1 < n && p[k] == '-' && p[k + 1] == '-') {
			d->close = 1;
			k += 2;
		}
		if (loose) {
			while (k < n && p[k] != '\n' && p[k] != '\r')
				k++;
		} else {
			while (k < n && (p[k] == ' ' || p[k] == '\t'))
				k++;
			if (k < n && p[k] != '\n' && p[k] != '\r')
				continue;
		}
		d->start = pos;
		if (k >= n)
			d->after = n;
		else if (p[k] == '\r' && k + 1 < n && p[k + 1] == '\n')
			d->after = k + 2;
		else
			d->after = k + 1;
		return 1;
	}
	return 0;
}

/* First opening (not closing) delimiter. */
static int
find_open(const uint8_t *p, size_t n, const uint8_t *pat, size_t pl, int loose, struct delim *d)
{
	size_t from = 0;

	while (find_delim(p, n, pat, pl, loose, from, d)) {
		if (!d->close)
			return 1;
		from = d->start + 1;
	}
	return 0;
}

/* End of a part before the line break that precedes its delimiter at e. */
static size_t
strip_break(const uint8_t *p, size_t s, size_t e)
{
	if (e > s && p[e - 1] == '\n')
		e--;
	if (e > s && p[e - 1] == '\r')
		e--;
	return e;
}

/* "--" + b; returns its length, 0 if it does not fit in buf. */
static size_t
make_pat(uint8_t *buf, size_t size, const char *b, size_t bl)
{
	if (bl + 2 > size)
		return 0;
	buf[0] = buf[1] = '-';
	if (bl)
		memcpy(buf + 2, b, bl);
	return bl + 2;
}

/*
 * Guesses the boundary of a multipart that has none: the first line
 * "--something" followed by a Content- field. Returns its length (in buf).
 */
static size_t
guess_boundary(const uint8_t *p, size_t n, int mode, char *buf, size_t size)
{
	size_t i = 0, e, next, e2, n2;

	while (i < n) {
		e = line_end(p, i, n, mode, &next);
		if (e - i >= 6 && p[i] == '-' && p[i + 1] == '-' && e - i - 2 < size) {
			size_t be = e;

			while (be > i + 2 && ward_mime_is_ws(p[be - 1]))
				be--;
			e2 = line_end(p, next, n, mode, &n2);
			if (be - i - 2 >= 4 && e2 - next > 8 &&
			    ward_mime_eq((const char *)p + next, 8, "content-")) {
				memcpy(buf, p + i + 2, be - i - 2);
				return be - i - 2;
			}
		}
		i = next;
	}
	return 0;
}

/*
 * Splits the multipart body p[0..n) of part idx at pat ("--boundary"),
 * starting at its first opening delimiter d.
 */
static void
split_multipart(struct mail_priv *mp, int idx, const uint8_t *p, size_t n, const uint8_t *pat,
		size_t pl, int loose, struct delim d, unsigned depth, int digest)
{
	struct delim nd;
	size_t s, e;

	e = strip_break(p, 0, d.start);
	if (!blank(p, e))
		add_raw(mp, idx, depth + 1, p, e);
	while (!mp->nomem && mp->m.n_parts < mp->lim.max_parts) {
		s = d.after;
		if (!find_delim(p, n, pat, pl, loose, s, &nd)) {
			if (d.close) { /* epilogue */
				if (!blank(p + s, n - s))
					add_raw(mp, idx, depth + 1, p + s, n - s);
			} else {
				defect(mp, idx, WARD_MAIL_DEF_CLOSE_MISSING);
				parse_entity(mp, p + s, n - s, 0, idx, depth + 1, digest);
			}
			return;
		}
		e = strip_break(p, s, nd.start);
		if (d.close) {
			/* Parts after the close delimiter: keep going, text between is raw. */
			if (!blank(p + s, e - s))
				add_raw(mp, idx, depth + 1, p + s, e - s);
		} else {
			parse_entity(mp, p + s, e - s, nd.start - e, idx, depth + 1, digest);
		}
		d = nd;
	}
	if (mp->m.n_parts >= mp->lim.max_parts)
		defect(mp, idx, WARD_MAIL_DEF_PARTS_LIMIT);
}

/*
 * A multipart whose body is p[0..n) (p[n..n+trail) is the line break its
 * enclosing delimiter took: a multipart that cannot be split keeps it, as
 * Python's email package does, so the reference hashes match).
 */
static void
multipart(struct mail_priv *mp, int idx, const struct fields *f, const uint8_t *p, size_t n,
	  size_t trail, int mode, unsigned depth)
{
	enum cte k = cte_kind(PART(mp, idx)->encoding);
	int digest = strcmp(PART(mp, idx)->content_type, "multipart/digest") == 0, junk = 0;
	int loose = 0, found = 0;
	const uint8_t *body = p;
	size_t bn = n, pl = 0, i, bl, cands[3], nc = 0, c;
	struct ward_buf dec, bb;
	uint8_t patbuf[1024];
	struct delim d;
	unsigned fl = 0;

	ward_buf_init(&dec);
	ward_buf_init(&bb);
	PART(mp, idx)->is_multipart = 1;
	if (k != CTE_NONE)
		defect(mp, idx, WARD_MAIL_DEF_MULTIPART_CTE);
	if (f->ct && ward_mime_param(f->ct, f->ct_n, "boundary", WARD_MIME_PARAM_RAW, &bb, &fl)) {
		/* Candidates: as written, trimmed, cut at the first blank, ';' or quote. */
		if (fl & WARD_MIME_PARAM_UNTERMINATED)
			defect(mp, idx, WARD_MAIL_DEF_UNTERMINATED_QUOTE);
		bl = bb.len;
		cands[nc++] = bl;
		while (bl && ward_mime_is_ws((unsigned char)bb.p[bl - 1]))
			bl--;
		if (bl && bl != cands[0])
			cands[nc++] = bl;
		for (i = 0; i < bl && bb.p[i] != ';' && bb.p[i] != '"' &&
			    !ward_mime_is_ws((unsigned char)bb.p[i]);
		     i++)
			;
		if (i && i != bl)
			cands[nc++] = i;
	} else {
		char guess[1000];
		size_t gl;

		defect(mp, idx, WARD_MAIL_DEF_NO_BOUNDARY);
		gl = guess_boundary(p, n, mode, guess, sizeof(guess));
		if (gl) {
			ward_buf_reset(&bb);
			ward_buf_add(&bb, guess, gl);
			cands[nc++] = gl;
		}
	}
	/* The boundary as is in the body: strictly, then loosely. */
	for (loose = 0; loose < 2 && !found; loose++)
		for (c = 0; c < nc && !found; c++) {
			pl = make_pat(patbuf, sizeof(patbuf), bb.p, cands[c]);
			if (pl && (!loose || cands[c] >= 6) &&
			    find_open(p, n, patbuf, pl, loose, &d))
				found = 1;
		}
	/* A transfer encoding on the multipart: decode, then look again. */
	if (!found && nc && k != CTE_NONE) {
		junk = decode(mp, idx, k, p, n, &dec);
		if (junk)
			defect(mp, idx, WARD_MAIL_DEF_BAD_ENCODING);
		dec.len = budget(mp, idx, dec.len);
		if (dec.failed) {
			mp->nomem = 1;
			goto out;
		}
		for (loose = 0; loose < 2 && !found; loose++)
			for (c = 0; c < nc && !found; c++) {
				pl = make_pat(patbuf, sizeof(patbuf), bb.p, cands[c]);
				if (pl && (!loose || cands[c] >= 6) &&
				    find_open((const uint8_t *)dec.p, dec.len, patbuf, pl, loose,
					      &d))
					found = 1;
			}
		if (found || !junk) {
			body = (const uint8_t *)(dec.p ? dec.p : "");
			bn = dec.len;
			trail = 0;
		}
	}
	if (!found) {
		/* No boundary to split at: the whole body is one raw leaf. */
		struct ward_buf b;

		size_t end = bn + trail, after = end;

		if (nc)
			defect(mp, idx, WARD_MAIL_DEF_BOUNDARY_MISSING);
		PART(mp, idx)->is_multipart = 0;
		PART(mp, idx)->is_raw = 1;
		/* Only a close delimiter: the body ends there, what follows is raw. */
		for (c = 0; c < nc; c++) {
			pl = make_pat(patbuf, sizeof(patbuf), bb.p, cands[c]);
			if (pl && find_delim(body, bn, patbuf, pl, 0, 0, &d)) {
				end = d.start;
				after = d.after;
				break;
			}
		}
		ward_buf_init(&b);
		ward_buf_add(&b, body, end);
		set_body(mp, idx, &b);
		if (after < bn && !blank(body + after, bn - after))
			add_raw(mp, idx, depth + 1, body + after, bn - after);
		goto out;
	}
	split_multipart(mp, idx, body, bn, patbuf, pl, loose - 1, d, depth, digest);
out:
	ward_buf_free(&bb);
	ward_buf_free(&dec);
}

/* ---- entities ---- */

/*
 * message/... holds a message (or a header block, read as one), except for
 * delivery reports and external-body (a pointer to content elsewhere).
 */
static int
is_message_type(const char *ct)
{
	return strncmp(ct, "message/", 8) == 0 && strcmp(ct, "message/delivery-status") != 0 &&
	       strcmp(ct, "message/global-delivery-status") != 0 &&
	       strcmp(ct, "message/external-body") != 0;
}

/* 1 if the first non-blank line of p looks like a header field (not base64). */
static int
looks_like_header(const uint8_t *p, size_t n)
{
	size_t i = 0, e, next;

	while (i < n) {
		e = line_end(p, i, n, MODE_ANY, &next);
		if (e > i && !blank(p + i, e - i))
			return memchr(p + i, ':', e - i) != NULL ||
			       (e - i >= 5 && memcmp(p + i, "From ", 5) == 0);
		i = next;
	}
	return 0;
}

/* Turns a container cut by the depth limit into a raw leaf holding its body. */
static void
depth_cut(struct mail_priv *mp, int idx, const uint8_t *p, size_t n)
{
	struct ward_buf b;

	defect(mp, idx, WARD_MAIL_DEF_DEPTH_LIMIT);
	PART(mp, idx)->is_raw = 1;
	ward_buf_init(&b);
	ward_buf_add(&b, p, n);
	set_body(mp, idx, &b);
}

/*
 * The From address of a list: the first. A first entry that is only words
 * ("Microsoft account team ,_<x@evil>") is the display name of the next
 * entry that has an address, as a reader sees it.
 */
static void
from_pick(struct mail_priv *mp, struct ward_mail_addr *a, size_t k)
{
	struct ward_mail *m = &mp->m;
	size_t i, j;

	if (k == 0) {
		m->from.name = calloc(1, 1);
		m->from.addr = calloc(1, 1);
		if (!m->from.name || !m->from.addr)
			mp->nomem = 1;
		return;
	}
	j = 0;
	if (!strchr(a[0].addr, '@'))
		for (i = 1; i < k; i++)
			if (strchr(a[i].addr, '@')) {
				j = i;
				break;
			}
	if (j) {
		struct ward_buf b;
		size_t l;

		ward_buf_init(&b);
		for (i = 0; i < j; i++) {
			if (b.len)
				ward_buf_adds(&b, ", ");
			ward_buf_adds(&b, a[i].name[0] ? a[i].name : a[i].addr);
		}
		if (a[j].name[0]) {
			ward_buf_adds(&b, ", ");
			ward_buf_adds(&b, a[j].name);
		}
		l = b.len;
		free(a[j].name);
		a[j].name = malloc(l + 1);
		if (a[j].name) {
			memcpy(a[j].name, b.p ? b.p : "", l);
			a[j].name[l] = '\0';
		} else {
			mp->nomem = 1;
		}
		ward_buf_free(&b);
	}
	m->from = a[j];
	for (i = 0; i < k; i++)
		if (i != j)
			ward_mail_addr_clear(&a[i]);
}

/*
 * Decodes the message's own Subject, Message-ID, From and Reply-To. Raw
 * 8-bit text that is not UTF-8 is read in the message's charset (that of
 * the first part that names one), as mail clients do.
 */
static void
top_fields(struct mail_priv *mp, const struct fields *f)
{
	struct ward_mail *m = &mp->m;
	struct ward_buf b;
	struct ward_mail_addr tmp[MAX_REPLY_TO];
	const char *cs = NULL;
	size_t k, cl = 0;

	for (k = 0; k < m->n_parts && !cs; k++)
		cs = m->parts[k].charset;
	if (cs)
		cl = strlen(cs);
	if (f->subject) {
		ward_buf_init(&b);
		ward_mime_decode_words(f->subject, f->subject_n, cs, cl, &b);
		m->subject = astrndup(mp, b.p ? b.p : "", b.len);
		ward_buf_free(&b);
	}
	if (f->msgid)
		m->message_id = astrndup(mp, f->msgid, f->msgid_n);
	if (f->from) {
		m->has_from = 1;
		k = ward_mime_parse_addresses(f->from, f->from_n, tmp, MAX_REPLY_TO, cs, cl);
		from_pick(mp, tmp, k);
	}
	if (f->reply_to) {
		k = ward_mime_parse_addresses(f->reply_to, f->reply_to_n, tmp, MAX_REPLY_TO, cs,
					      cl);
		if (k) {
			m->reply_to = malloc(k * sizeof(*m->reply_to));
			if (!m->reply_to) {
				while (k)
					ward_mail_addr_clear(&tmp[--k]);
				mp->nomem = 1;
				return;
			}
			memcpy(m->reply_to, tmp, k * sizeof(*tmp));
			m->n_reply_to = k;
		}
	}
}

/*
 * Parses the entity p[0..n) as part of parent. p[n..n+trail) is the line
 * break before the delimiter that ends it: the header may end there.
 */
static void
parse_entity(struct mail_priv *mp, const uint8_t *p, size_t n, size_t trail, int parent,
	     unsigned depth, int digest)
{
	struct fields f;
	struct ward_mail_part *pt;
	const uint8_t *b;
	size_t off, bn;
	int idx, mode, top;
	char *ct = NULL;

	idx = new_part(mp, parent, depth);
	if (idx < 0)
		return;
	top = idx == 0;
	memset(&f, 0, sizeof(f));
	mode = detect_mode(p, n + trail);
	off = parse_header(mp, idx, p, n + trail, mode, &f, top);
	if (mp->nomem)
		return;
	if (off > n) {
		trail -= off - n;
		off = n;
	}
	b = p + off;
	bn = n - off;
	if (f.ct)
		ct = media_type(mp, f.ct, f.ct_n);
	if (!ct)
		ct = digest ? astrndup(mp, "message/rfc822", 14) : astrndup(mp, "text/plain", 10);
	pt = PART(mp, idx);
	pt->content_type = ct;
	if (f.ct) {
		pt->charset = param(mp, idx, f.ct, f.ct_n, "charset", WARD_MIME_PARAM_RAW);
		if (pt->charset) {
			char *c = pt->charset;
			size_t i;

			for (i = 0; c[i]; i++)
				c[i] = (char)ward_mime_lower((unsigned char)c[i]);
			if (!c[0])
				pt->charset = NULL;
		}
	}
	if (f.cd) {
		char *disp = first_token(mp, f.cd, f.cd_n);

		PART(mp, idx)->disposition_attachment = disp && strcmp(disp, "attachment") == 0;
		PART(mp, idx)->filename = param(mp, idx, f.cd, f.cd_n, "filename", 0);
	}
	if (!PART(mp, idx)->filename && f.ct)
		PART(mp, idx)->filename = param(mp, idx, f.ct, f.ct_n, "name", 0);
	if (PART(mp, idx)->filename && !PART(mp, idx)->filename[0])
		PART(mp, idx)->filename = NULL;
	if (f.cte)
		PART(mp, idx)->encoding = first_token(mp, f.cte, f.cte_n);
	if (top)
		mp->top = f;
	if (mp->nomem || !ct)
		return;

	if (strncmp(ct, "multipart/", 10) == 0) {
		if (depth + 1 > mp->lim.max_depth) {
			depth_cut(mp, idx, b, bn);
			return;
		}
		multipart(mp, idx, &f, b, bn, trail, mode, depth);
		return;
	}
	if (is_message_type(ct)) {
		enum cte k = cte_kind(PART(mp, idx)->encoding);
		struct ward_buf dec;

		if (depth + 1 > mp->lim.max_depth) {
			depth_cut(mp, idx, b, bn);
			return;
		}
		PART(mp, idx)->is_message = 1;
		ward_buf_init(&dec);
		if (k == CTE_QP || k == CTE_UU || (k == CTE_B64 && !looks_like_header(b, bn))) {
			if (decode(mp, idx, k, b, bn, &dec))
				defect(mp, idx, WARD_MAIL_DEF_BAD_ENCODING);
			dec.len = budget(mp, idx, dec.len);
			if (dec.failed) {
				mp->nomem = 1;
				ward_buf_free(&dec);
				return;
			}
			b = (const uint8_t *)(dec.p ? dec.p : "");
			bn = dec.len;
		}
		parse_entity(mp, b, bn, 0, idx, depth + 1, 0);
		ward_buf_free(&dec);
		return;
	}
	leaf(mp, idx, b, bn);
}

/* ---- public ---- */

void
ward_mail_limits_default(struct ward_mail_limits *l)
{
	l->max_size = WARD_LIMIT_MAIL_SIZE;
	l->max_depth = WARD_LIMIT_MIME_DEPTH;
	l->max_parts = WARD_LIMIT_MIME_PARTS;
	l->max_headers = WARD_LIMIT_MIME_HEADERS;
	l->max_decoded = WARD_LIMIT_MIME_DECODED;
}

int
ward_mail_parse(const uint8_t *p, size_t n, const struct ward_mail_limits *lim,
		struct ward_mail **out)
{
	struct mail_priv *mp;
	size_t i;

	*out = NULL;
	mp = calloc(1, sizeof(*mp));
	if (!mp)
		return WARD_ENOMEM;
	if (lim)
		mp->lim = *lim;
	else
		ward_mail_limits_default(&mp->lim);
	if (n > mp->lim.max_size) {
		free(mp);
		return WARD_ELIMIT;
	}
	if (mp->lim.max_depth > DEPTH_HARD_MAX)
		mp->lim.max_depth = DEPTH_HARD_MAX;
	if (mp->lim.max_parts < 1)
		mp->lim.max_parts = 1;
	if (!p)
		p = (const uint8_t *)"";
	parse_entity(mp, p, n, 0, -1, 0, 0);
	if (!mp->nomem && mp->m.n_parts)
		top_fields(mp, &mp->top);
	free(mp->hs);
	mp->hs = NULL;
	if (mp->nomem || mp->m.n_parts == 0) {
		ward_mail_free(&mp->m);
		return WARD_ENOMEM;
	}
	for (i = 0; i < mp->m.n_parts; i++)
		mp->m.defects |= mp->m.parts[i].defects;
	*out = &mp->m;
	return 0;
}

void
ward_mail_free(struct ward_mail *m)
{
	struct mail_priv *mp = (struct mail_priv *)m;
	struct chunk *c, *next;
	size_t i;

	if (!m)
		return;
	for (c = mp->chunks; c; c = next) {
		next = c->next;
		free(c);
	}
	for (i = 0; i < mp->n_owned; i++)
		free(mp->owned[i]);
	free(mp->owned);
	free(mp->hs);
	free(m->parts);
	ward_mail_addr_clear(&m->from);
	for (i = 0; i < m->n_reply_to; i++)
		ward_mail_addr_clear(&m->reply_to[i]);
	free(m->reply_to);
	free(mp);
}

const char *
ward_mail_header_find(const struct ward_mail_part *part, const char *name, size_t *from)
{
	size_t i = from ? *from : 0;

	if (!part || !name)
		return NULL;
	for (; i < part->n_headers; i++)
		if (strcasecmp(part->headers[i].name, name) == 0) {
			if (from)
				*from = i + 1;
			return part->headers[i].value;
		}
	if (from)
		*from = part->n_headers;
	return NULL;
}

int
ward_mail_part_is_attachment(const struct ward_mail_part *part)
{
	const char *ct;

	if (!part || part->is_multipart || part->is_message)
		return 0;
	if ((part->filename && part->filename[0]) || part->disposition_attachment)
		return 1;
	ct = part->content_type ? part->content_type : "text/plain";
	return strcmp(ct, "text/plain") != 0 && strcmp(ct, "text/html") != 0 &&
	       strncmp(ct, "message/", 8) != 0;
}
