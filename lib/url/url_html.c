/*
 * Links in HTML, found the way a browser sees the document: gumbo parses it
 * as HTML5 (so "<!-->" is an empty comment, entities are decoded and
 * <textarea>/<title> hold text, not markup), then an iterative walk reports
 * href, src, action, formaction, background, poster, object data and meta
 * refresh targets, the visible anchor text of each <a>, and URLs written in
 * visible text. Relative links are resolved against <base href> when the
 * document has one and dropped otherwise.
 *
 * Tags the tree builder drops (inside an unclosed <select>, a nested
 * <form>) are no links to a browser, but a mail client with another parser
 * or a webmail sanitizer may show them: the pre-pass notes every start tag
 * with a link attribute, and the source of those gumbo did not build is
 * searched for URLs as raw text (where = "raw").
 *
 * Gumbo has no limits of its own, and HTML5 tree building is quadratic on
 * some inputs (tags walk the stack of open elements; formatting elements
 * closed too early are re-created for every later text). Four guards keep
 * one message's cost bounded (about half a second and 150 MB for 4 MiB of
 * hostile markup):
 *  - a linear pre-pass estimates the nesting gumbo will build (open
 *    elements plus pending formatting elements, erring on the deep side);
 *    the document is cut where it would pass WARD_LIMIT_HTML_DEPTH, or
 *    where the sum over its tags of that nesting would pass
 *    WARD_LIMIT_HTML_WORK;
 *  - gumbo allocates from a per-call arena with a budget proportional to the
 *    input; past it the parse is abandoned (longjmp out of the allocator:
 *    gumbo holds nothing but arena memory) and the arena freed at once,
 *    which also spares gumbo's recursive tree destructor;
 *  - the walk stops after WARD_LIMIT_HTML_NODES nodes.
 * Whatever a guard cut off is still searched for URLs as raw text, and the
 * call returns WARD_ELIMIT.
 */
#include <gumbo.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ward/error.h"
#include "ward/url.h"
#include "limits.h"

#define ANCHOR_TEXT_MAX 256
/* Nodes visited to collect one anchor's text. */
#define ANCHOR_NODES_MAX 2000

/* ---- arena ---- */

struct chunk {
	struct chunk *next;
	size_t size, used;
	max_align_t data[];
};

struct arena {
	struct chunk *head;
	size_t total, budget;
	jmp_buf *fail;
};

static void *
arena_alloc(void *ud, size_t size)
{
	struct arena *a = ud;
	struct chunk *c = a->head;
	size_t need;

	if (size > a->budget)
		longjmp(*a->fail, 1);
	need = (size + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
	if (need == 0)
		need = sizeof(max_align_t);
	if (!c || c->size - c->used < need) {
		size_t sz = need > 60000 ? need : 60000;

		if (need > a->budget || a->total > a->budget - need)
			longjmp(*a->fail, 1);
		c = malloc(sizeof(*c) + sz);
		if (!c)
			longjmp(*a->fail, 1);
		c->size = sz;
		c->used = 0;
		c->next = a->head;
		a->head = c;
		a->total += sz;
	}
	c->used += need;
	return (char *)c->data + c->used - need;
}

static void
arena_free(void *ud, void *p)
{
	(void)ud;
	(void)p;
}

static void
arena_release(struct arena *a)
{
	while (a->head) {
		struct chunk *next = a->head->next;

		free(a->head);
		a->head = next;
	}
}

/* ---- pre-pass: how deep will the tree get? ---- */

#define SEG_KEYS 16

/* Pending formatting elements since one marker (td, th, caption, ...). */
struct seg {
	uint32_t key[SEG_KEYS];
	uint16_t tag[SEG_KEYS];
	uint8_t cnt[SEG_KEYS];
	unsigned used, overflow;
};

struct sim_el {
	uint32_t hash;
	uint16_t tag;
	uint8_t foreign, marker;
};

struct sim {
	struct sim_el *st;
	struct seg *seg;
	size_t depth, nseg, fmt, cap;
	uint32_t open[GUMBO_TAG_LAST + 1];
};

static unsigned char
lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

static int
is_alpha(unsigned char c)
{
	return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

static int
is_ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* What the tree builder does with each tag (bits of tag_class). */
enum {
	T_SPECIAL = 1,	 /* "special" in HTML5: ends searches for ordinary end tags */
	T_SCOPE = 2,	 /* a boundary of "has an element in scope" */
	T_VOID = 4,	 /* never stays open (void elements; html, head, body once) */
	T_FMT = 8,	 /* a formatting element, kept in the list of active ones */
	T_MARKER = 16,	 /* puts a marker in that list */
	T_CLOSES_P = 32, /* its start tag closes an open <p> (<table> does not in quirks mode) */
	T_RAW = 64,	 /* its content is text up to its end tag */
};

static const unsigned char tag_class[GUMBO_TAG_LAST + 1] = {
    [GUMBO_TAG_A] = T_FMT,
    [GUMBO_TAG_ADDRESS] = T_SPECIAL | T_CLOSES_P,
    [GUMBO_TAG_ANNOTATION_XML] = T_SPECIAL | T_SCOPE,
    [GUMBO_TAG_APPLET] = T_SPECIAL | T_SCOPE | T_MARKER,
    [GUMBO_TAG_AREA] = T_SPECIAL | T_VOID,
    [GUMBO_TAG_ARTICLE] = T_SPECIAL | T_CLOSES_P,
    [GUMBO_TAG_ASIDE] = T_SPECIAL | T_CLOSES_P,
    [GUMBO_TAG_B] = T_FMT,
    [GUMBO_TAG_BASE] = T_SPECIAL | T_VOID,
    [GUMBO_TAG_BASEFONT] = T_SPECIAL | T_VOID,
    [GUMBO_TAG_BGSOUND] = T_SPECIAL | T_VOID,
    [GUMBO_TAG_BIG] = T_FMT,
    [GUMBO_TAG_BLOCKQUOTE] = T_SPECIAL | T_CLOSES_P,
    [GUMBO_TAG_BODY] = T_SPECIAL | T_VOID,
    [GUMBO_TAG_BR] = T_SPECIAL | T_VOID,
    [GUMBO_TAG_BUTTON] = T_SPECIAL,
    [GUMBO_TAG_CAPTION] = T_SPECIAL | T_SCOPE | T_MARKER,
    [GUMBO_TAG_CENTER] = T_SPECIAL | T_CLOSES_P,
    [GUMBO_TAG_CODE] = T_FMT,
    [GUMBO_TAG_COL] = T_SPECIAL | T_VOID,
    [GUMBO_TAG_COLGROUP] = T_SPECIAL,
    [GUMBO_TAG_DD] = T_SPECIAL | T_CLOSES_P,
    [GUMBO_TAG_DESC] = T_SPECIAL | T_SCOPE,
    [GUMBO_TAG_DETAILS] = T_SPECIAL | T_CLOSES_P,
    [GUMBO_TAG_DIR] = T_SPECIAL | T_CLOSES_P,
    [GUMBO_TAG_DIV] = T_SPECIAL | T_CLOSES_P,
    [GUMBO_TAG_DL] = T_SPECIAL | T_CLOSES_P,
    [GUMBO_TAG_DT] = T_SPECIAL | T_CLOSES_P,
    [GUMBO_TAG_EM] = T_FMT,
    [GUMBO_TAG_EMBED] = T_SPECIAL | T_VOID,
    [GUMBO_TAG_FIELDSET] = T_SPECIAL | T_CLOSES_P,
    [GUMBO_TAG_FIGCAPTION] = T_SPECIAL | T_CLOSES_P,
    [GUMBO_TAG_FIGURE] = T_SPECIAL | T_CLOSES_P,
    [GUMBO_TAG_FONT] = T_FMT,
    [GUMBO_TAG_FOOTER] = T_SPECIAL | T_CLOSES_P,
    [GUMBO_TAG_FOREIGNOBJECT] = T_SPECIAL | T_SCOPE,
    [GUMBO_TAG_FORM] = T_SPECIAL | T_CLOSES_P,
    [GUMBO_TAG_FRAME] = T_SPECIAL | T_VOID,
    [GUMBO_TAG_FRAMESET] = T_SPECIAL,
    [GUMBO_TAG_H1] = T_SPECIAL | T_CLOSES_P,
    [GUMBO_TAG_H2] = T_SPECIAL | T_CLOSES_P,
    [GUMBO_TAG_H3] = T_SPECIAL | T_CLOSES_P,
    [GUMBO_TAG_H4] = T_SPECIAL | T_CLOSES_P,
    [GUMBO_TAG_H5] = T_SPECIAL | T_CLOSES_P,
    [GUMBO_TAG_H6] = T_SPECIAL | T_CLOSES_P,
    [GUMBO_TAG_HEAD] = T_SPECIAL | T_VOID,
    [GUMBO_TAG_HEADER] = T_SPECIAL | T_CLOSES_P,
    [GUMBO_TAG_HGROUP] = T_SPECIAL | T_CLOSES_P,
    [GUMBO_TAG_HR] = T_SPECIAL | T_VOID,
    [GUMBO_TAG_HTML] = T_SPECIAL | T_SCOPE | T_VOID,
    [GUMBO_TAG_I] = T_FMT,
    [GUMBO_TAG_IFRAME] = T_SPECIAL | T_RAW,
    [GUMBO_TAG_IMAGE] = T_VOID,
    [GUMBO_TAG_IMG] = T_SPECIAL | T_VOID,
    [GUMBO_TAG_INPUT] = T_SPECIAL | T_VOID,
    [GUMBO_TAG_KEYGEN] = T_SPECIAL | T_VOID,
    [GUMBO_TAG_LI] = T_SPECIAL | T_CLOSES_P,
    [GUMBO_TAG_LINK] = T_SPECIAL | T_VOID,
    [GUMBO_TAG_LISTING] = T_SPECIAL | T_CLOSES_P,
    [GUMBO_TAG_MAIN] = T_SPECIAL | T_CLOSES_P,
    [GUMBO_TAG_MARQUEE] = T_SPECIAL | T_SCOPE | T_MARKER,
    [GUMBO_TAG_MENU] = T_SPECIAL | T_CLOSES_P,
    [GUMBO_TAG_META] = T_SPECIAL | T_VOID,
    [GUMBO_TAG_MI] = T_SPECIAL | T_SCOPE,
    [GUMBO_TAG_MN] = T_SPECIAL | T_SCOPE,
    [GUMBO_TAG_MO] = T_SPECIAL | T_SCOPE,
    [GUMBO_TAG_MS] = T_SPECIAL | T_SCOPE,
    [GUMBO_TAG_MTEXT] = T_SPECIAL | T_SCOPE,
    [GUMBO_TAG_NAV] = T_SPECIAL | T_CLOSES_P,
    [GUMBO_TAG_NOBR] = T_FMT,
    [GUMBO_TAG_NOEMBED] = T_SPECIAL | T_RAW,
    [GUMBO_TAG_NOFRAMES] = T_SPECIAL | T_RAW,
    [GUMBO_TAG_NOSCRIPT] = T_SPECIAL,
    [GUMBO_TAG_OBJECT] = T_SPECIAL | T_SCOPE | T_MARKER,
    [GUMBO_TAG_OL] = T_SPECIAL | T_CLOSES_P,
    [GUMBO_TAG_P] = T_SPECIAL | T_CLOSES_P,
    [GUMBO_TAG_PARAM] = T_SPECIAL | T_VOID,
    [GUMBO_TAG_PLAINTEXT] = T_SPECIAL,
    [GUMBO_TAG_PRE] = T_SPECIAL | T_CLOSES_P,
    [GUMBO_TAG_S] = T_FMT,
    [GUMBO_TAG_SCRIPT] = T_SPECIAL | T_RAW,
    [GUMBO_TAG_SECTION] = T_SPECIAL | T_CLOSES_P,
    [GUMBO_TAG_SELECT] = T_SPECIAL,
    [GUMBO_TAG_SMALL] = T_FMT,
    [GUMBO_TAG_SOURCE] = T_SPECIAL | T_VOID,
    [GUMBO_TAG_STRIKE] = T_FMT,
    [GUMBO_TAG_STRONG] = T_FMT,
    [GUMBO_TAG_STYLE] = T_SPECIAL | T_RAW,
    [GUMBO_TAG_SUMMARY] = T_SPECIAL | T_CLOSES_P,
    [GUMBO_TAG_TABLE] = T_SPECIAL | T_SCOPE,
    [GUMBO_TAG_TBODY] = T_SPECIAL,
    [GUMBO_TAG_TD] = T_SPECIAL | T_SCOPE | T_MARKER,
    [GUMBO_TAG_TEMPLATE] = T_SPECIAL | T_SCOPE | T_MARKER,
    [GUMBO_TAG_TEXTAREA] = T_SPECIAL | T_RAW,
    [GUMBO_TAG_TFOOT] = T_SPECIAL,
    [GUMBO_TAG_TH] = T_SPECIAL | T_SCOPE | T_MARKER,
    [GUMBO_TAG_THEAD] = T_SPECIAL,
    [GUMBO_TAG_TITLE] = T_SPECIAL | T_SCOPE | T_RAW,
    [GUMBO_TAG_TR] = T_SPECIAL,
    [GUMBO_TAG_TRACK] = T_SPECIAL | T_VOID,
    [GUMBO_TAG_TT] = T_FMT,
    [GUMBO_TAG_U] = T_FMT,
    [GUMBO_TAG_UL] = T_SPECIAL | T_CLOSES_P,
    [GUMBO_TAG_WBR] = T_SPECIAL | T_VOID,
    [GUMBO_TAG_XMP] = T_SPECIAL | T_RAW,
};

static int
is(GumboTag t, unsigned bits)
{
	return (tag_class[t] & bits) != 0;
}

/* How far down the stack an implied end tag is looked for. */
#define SIM_WINDOW 64

static uint32_t
fnv(const unsigned char *p, size_t n, uint32_t h)
{
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ lower(p[i])) * 16777619u;
	return h;
}

static void
seg_push(struct sim *s)
{
	struct seg *g = &s->seg[s->nseg++];

	g->used = 0;
	g->overflow = 0;
}

static void
seg_pop(struct sim *s)
{
	struct seg *g;
	unsigned i;

	if (s->nseg <= 1)
		return;
	g = &s->seg[--s->nseg];
	for (i = 0; i < g->used; i++)
		s->fmt -= g->cnt[i];
	s->fmt -= g->overflow;
}

/* A formatting element joins the list; at most 3 alike (the "Noah's Ark" clause). */
static void
fmt_add(struct sim *s, GumboTag tag, uint32_t key)
{
	struct seg *g = &s->seg[s->nseg - 1];
	unsigned i;

	for (i = 0; i < g->used; i++) {
		if (g->key[i] == key && g->tag[i] == tag) {
			if (g->cnt[i] < 3) {
				g->cnt[i]++;
				s->fmt++;
			}
			return;
		}
	}
	if (g->used < SEG_KEYS) {
		g->key[g->used] = key;
		g->tag[g->used] = (uint16_t)tag;
		g->cnt[g->used++] = 1;
	} else {
		g->overflow++;
	}
	s->fmt++;
}

static void
fmt_end(struct sim *s, GumboTag tag)
{
	struct seg *g = &s->seg[s->nseg - 1];
	unsigned i;

	for (i = g->used; i > 0; i--) {
		if (g->tag[i - 1] == tag && g->cnt[i - 1] > 0) {
			g->cnt[i - 1]--;
			s->fmt--;
			return;
		}
	}
	if (g->overflow > 0) {
		g->overflow--;
		s->fmt--;
	}
}

static void
sim_pop(struct sim *s)
{
	struct sim_el *e = &s->st[--s->depth];

	s->open[e->tag]--;
	if (e->marker)
		seg_pop(s);
}

/* Pushes an element; the caller has checked the room. */
static void
sim_push(struct sim *s, GumboTag t, uint32_t hash, int foreign)
{
	struct sim_el *e = &s->st[s->depth++];

	e->hash = hash;
	e->tag = (uint16_t)t;
	e->foreign = (uint8_t)foreign;
	/* HTML integration points: their content is HTML again. */
	if (foreign && (t == GUMBO_TAG_FOREIGNOBJECT || t == GUMBO_TAG_DESC ||
			(t == GUMBO_TAG_TITLE && s->depth > 1)))
		e->foreign = 0;
	e->marker = !foreign && is(t, T_MARKER);
	s->open[t]++;
	if (e->marker)
		seg_push(s);
}

/*
 * The estimate must never pop what gumbo keeps, or hostile markup could grow
 * the real stack while the estimate stays flat. So the searches below stop
 * where the HTML5 tree builder stops: at "special" elements, at the
 * boundaries of "has an element in scope", and within SIM_WINDOW entries
 * for the implied end tags of start tags (popping less only overestimates).
 */
/* How a search for an element ends when it meets another one. */
enum stop_rule {
	STOP_SPECIAL, /* any special element (formatting and ordinary end tags) */
	STOP_SCOPE,   /* a scope boundary */
	STOP_BUTTON,  /* button scope (p) */
	STOP_LIST,    /* list item scope (li end tag) */
	STOP_ITEM,    /* special but address, div and p (li, dd, dt start tags) */
	STOP_TABLE,   /* table, template, html (table parts) */
};

static int
stops(GumboTag t, enum stop_rule rule)
{
	switch (rule) {
	case STOP_SPECIAL:
		return is(t, T_SPECIAL);
	case STOP_SCOPE:
		return is(t, T_SCOPE);
	case STOP_BUTTON:
		return is(t, T_SCOPE) || t == GUMBO_TAG_BUTTON;
	case STOP_LIST:
		return is(t, T_SCOPE) || t == GUMBO_TAG_OL || t == GUMBO_TAG_UL;
	case STOP_ITEM:
		return is(t, T_SPECIAL) && t != GUMBO_TAG_ADDRESS && t != GUMBO_TAG_DIV &&
		       t != GUMBO_TAG_P;
	case STOP_TABLE:
		return t == GUMBO_TAG_TABLE || t == GUMBO_TAG_TEMPLATE || t == GUMBO_TAG_HTML;
	}
	return 1;
}

/*
 * Pops up to and including the topmost element matching tag (and hash, for
 * unknown tags) or, when alt is not GUMBO_TAG_LAST, alt. The search gives up
 * after limit entries or at an element the rule stops at. Returns 1 if it
 * popped.
 */
static int
pop_to(struct sim *s, GumboTag tag, GumboTag alt, uint32_t hash, size_t limit, enum stop_rule rule)
{
	size_t i, k;

	if (s->open[tag] == 0 && (alt == GUMBO_TAG_LAST || s->open[alt] == 0))
		return 0;
	for (k = 0, i = s->depth; i > 0 && k < limit; i--, k++) {
		struct sim_el *e = &s->st[i - 1];

		if ((e->tag == tag && (tag != GUMBO_TAG_UNKNOWN || e->hash == hash)) ||
		    (alt != GUMBO_TAG_LAST && e->tag == alt)) {
			while (s->depth >= i)
				sim_pop(s);
			return 1;
		}
		if (stops((GumboTag)e->tag, rule))
			return 0;
	}
	return 0;
}

/* An end tag. */
static void
sim_end(struct sim *s, GumboTag t, uint32_t hash)
{
	int fmt = is(t, T_FMT);
	enum stop_rule rule = STOP_SPECIAL;

	if (fmt && s->open[t] == 0) {
		/* Not open: it only leaves the list of formatting elements. */
		fmt_end(s, t);
		return;
	}
	if (!fmt && is(t, T_SPECIAL))
		rule = t == GUMBO_TAG_P ? STOP_BUTTON : t == GUMBO_TAG_LI ? STOP_LIST : STOP_SCOPE;
	/*
	 * A formatting element with a special element above it (the "furthest
	 * block") is re-created there by the adoption agency: nothing is
	 * counted as popped.
	 */
	if (pop_to(s, t, GUMBO_TAG_LAST, hash, (size_t)-1, rule) && fmt)
		fmt_end(s, t);
}

/* The end tags a start tag implies (a simplified tree builder). */
static void
sim_implied(struct sim *s, GumboTag t)
{
	int table = s->open[GUMBO_TAG_TABLE] > 0;

	if (is(t, T_CLOSES_P))
		pop_to(s, GUMBO_TAG_P, GUMBO_TAG_LAST, 0, SIM_WINDOW, STOP_BUTTON);
	switch (t) {
	case GUMBO_TAG_TD:
	case GUMBO_TAG_TH:
		if (table)
			pop_to(s, GUMBO_TAG_TD, GUMBO_TAG_TH, 0, SIM_WINDOW, STOP_TABLE);
		break;
	case GUMBO_TAG_TR:
		if (table)
			pop_to(s, GUMBO_TAG_TR, GUMBO_TAG_LAST, 0, SIM_WINDOW, STOP_TABLE);
		break;
	case GUMBO_TAG_TBODY:
	case GUMBO_TAG_THEAD:
	case GUMBO_TAG_TFOOT:
		if (table &&
		    !pop_to(s, GUMBO_TAG_TBODY, GUMBO_TAG_THEAD, 0, SIM_WINDOW, STOP_TABLE))
			pop_to(s, GUMBO_TAG_TFOOT, GUMBO_TAG_LAST, 0, SIM_WINDOW, STOP_TABLE);
		break;
	case GUMBO_TAG_LI:
		pop_to(s, GUMBO_TAG_LI, GUMBO_TAG_LAST, 0, SIM_WINDOW, STOP_ITEM);
		break;
	case GUMBO_TAG_DD:
	case GUMBO_TAG_DT:
		pop_to(s, GUMBO_TAG_DD, GUMBO_TAG_DT, 0, SIM_WINDOW, STOP_ITEM);
		break;
	case GUMBO_TAG_OPTION:
	case GUMBO_TAG_OPTGROUP:
		if (s->depth && s->st[s->depth - 1].tag == GUMBO_TAG_OPTION)
			sim_pop(s);
		break;
	case GUMBO_TAG_A:
	case GUMBO_TAG_NOBR:
		/* A second <a> closes the first (adoption agency, as for an end tag). */
		if (pop_to(s, t, GUMBO_TAG_LAST, 0, SIM_WINDOW, STOP_SPECIAL))
			fmt_end(s, t);
		break;
	default:
		break;
	}
}

static GumboTag
tag_of(const unsigned char *name, size_t n)
{
	char low[24];
	size_t i;

	if (n >= sizeof(low))
		return GUMBO_TAG_UNKNOWN;
	for (i = 0; i < n; i++)
		low[i] = (char)lower(name[i]);
	return gumbo_tagn_enum(low, (unsigned)n);
}

/* Attributes that carry a link (see visit_element). */
static int
link_attr(const unsigned char *name, size_t n)
{
	static const char *const names[] = {"href",	  "src",    "action", "formaction",
					    "background", "poster", "data"};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i]) == n && !strncasecmp((const char *)name, names[i], n))
			return 1;
	return 0;
}

/*
 * Skips a tag's attributes from i; returns the offset after '>' (or n).
 * *links is set when one of them carries a link.
 */
static size_t
skip_attrs(const unsigned char *p, size_t i, size_t n, int *selfclose, int *links)
{
	*selfclose = 0;
	*links = 0;
	while (i < n) {
		unsigned char c = p[i];
		size_t an;

		if (c == '>')
			return i + 1;
		if (c == '/') {
			*selfclose = i + 1 < n && p[i + 1] == '>';
			i++;
			continue;
		}
		*selfclose = 0;
		if (is_ws(c)) {
			i++;
			continue;
		}
		/* Attribute name (a leading '=' belongs to it). */
		an = i++;
		while (i < n && !is_ws(p[i]) && p[i] != '/' && p[i] != '>' && p[i] != '=')
			i++;
		if (link_attr(p + an, i - an))
			*links = 1;
		while (i < n && is_ws(p[i]))
			i++;
		if (i < n && p[i] == '=') {
			i++;
			while (i < n && is_ws(p[i]))
				i++;
			if (i < n && (p[i] == '"' || p[i] == '\'')) {
				const unsigned char *q = memchr(p + i + 1, p[i], n - i - 1);

				i = q ? (size_t)(q - p) + 1 : n;
			} else {
				while (i < n && !is_ws(p[i]) && p[i] != '>')
					i++;
			}
		}
	}
	return n;
}

/* Finds "</name" (any case) followed by a delimiter from i; returns its offset or n. */
static size_t
find_end_tag(const unsigned char *p, size_t i, size_t n, const unsigned char *name, size_t nl)
{
	while (i < n) {
		const unsigned char *q = memchr(p + i, '<', n - i);
		size_t j;

		if (!q)
			return n;
		i = (size_t)(q - p);
		if (i + 2 + nl <= n && p[i + 1] == '/' &&
		    !strncasecmp((const char *)p + i + 2, (const char *)name, nl)) {
			j = i + 2 + nl;
			if (j == n || is_ws(p[j]) || p[j] == '/' || p[j] == '>')
				return i;
		}
		i++;
	}
	return n;
}

/* Skips a comment that starts at i ("<!--"); returns the offset after it. */
static size_t
skip_comment(const unsigned char *p, size_t i, size_t n)
{
	i += 4;
	if (i < n && p[i] == '>')
		return i + 1;
	if (i + 1 < n && p[i] == '-' && p[i + 1] == '>')
		return i + 2;
	while (i + 2 < n) {
		const unsigned char *q = memchr(p + i, '-', n - i);

		if (!q)
			return n;
		i = (size_t)(q - p);
		if (i + 2 < n && p[i + 1] == '-' && p[i + 2] == '>')
			return i + 3;
		if (i + 3 < n && p[i + 1] == '-' && p[i + 2] == '!' && p[i + 3] == '>')
			return i + 4;
		i++;
	}
	return n;
}

/* Start tags with link attributes, in source order; seen = gumbo built them. */
struct span {
	size_t start, end;
	int seen;
};

struct spans {
	struct span *v;
	size_t n, cap;
	int oom;
};

static void
span_add(struct spans *sp, size_t start, size_t end)
{
	if (sp->n == sp->cap) {
		size_t cap = sp->cap ? 2 * sp->cap : 64;
		struct span *v = realloc(sp->v, cap * sizeof(*v));

		if (!v) {
			sp->oom = 1;
			return;
		}
		sp->v = v;
		sp->cap = cap;
	}
	sp->v[sp->n].start = start;
	sp->v[sp->n].end = end;
	sp->v[sp->n++].seen = 0;
}

/*
 * Returns the offset where the estimated nesting first passes the cap, or n,
 * and lists the start tags with link attributes before it. The estimate
 * follows the tokenizer closely (comments, raw text, quoted attributes) and
 * the tree builder loosely; it errs on the deep side.
 */
static size_t
prepass(const unsigned char *p, size_t n, size_t cap, struct spans *tags, int *oom)
{
	struct sim s;
	size_t i = 0, cut = n, work = 0;
	int links;

	*oom = 0;
	memset(s.open, 0, sizeof(s.open));
	s.cap = cap;
	s.st = malloc((cap + 2) * sizeof(*s.st));
	s.seg = malloc((cap + 3) * sizeof(*s.seg));
	if (!s.st || !s.seg) {
		*oom = 1;
		goto out;
	}
	s.depth = 0;
	s.nseg = 0;
	s.fmt = 0;
	seg_push(&s);
	while (i < n) {
		const unsigned char *q = memchr(p + i, '<', n - i);
		size_t start, name, nl;
		int selfclose;
		GumboTag t;

		if (!q)
			break;
		i = start = (size_t)(q - p);
		if (i + 1 >= n)
			break;
		if (p[i + 1] == '!') {
			if (i + 3 < n && p[i + 2] == '-' && p[i + 3] == '-') {
				i = skip_comment(p, i, n);
			} else {
				q = memchr(p + i, '>', n - i);
				i = q ? (size_t)(q - p) + 1 : n;
			}
			continue;
		}
		if (p[i + 1] == '?') {
			q = memchr(p + i, '>', n - i);
			i = q ? (size_t)(q - p) + 1 : n;
			continue;
		}
		if (p[i + 1] == '/') {
			if (i + 2 >= n || !is_alpha(p[i + 2])) {
				q = memchr(p + i, '>', n - i);
				i = q ? (size_t)(q - p) + 1 : n;
				continue;
			}
			name = i + 2;
			for (i = name; i < n && !is_ws(p[i]) && p[i] != '/' && p[i] != '>'; i++)
				;
			nl = i - name;
			/* Each tag costs the tree builder up to one walk of its stacks. */
			work += s.depth + s.fmt + 1;
			if (work > WARD_LIMIT_HTML_WORK) {
				cut = start;
				break;
			}
			i = skip_attrs(p, i, n, &selfclose, &links);
			t = tag_of(p + name, nl);
			sim_end(&s, t, fnv(p + name, nl, 2166136261u));
			continue;
		}
		if (!is_alpha(p[i + 1])) {
			i++;
			continue;
		}
		name = i + 1;
		for (i = name; i < n && !is_ws(p[i]) && p[i] != '/' && p[i] != '>'; i++)
			;
		nl = i - name;
		{
			size_t astart = i;
			uint32_t h = fnv(p + name, nl, 2166136261u);
			int foreign = s.depth && s.st[s.depth - 1].foreign;
			size_t implied;
			GumboTag top;

			work += s.depth + s.fmt + 1;
			if (work > WARD_LIMIT_HTML_WORK) {
				cut = start;
				break;
			}

			i = skip_attrs(p, i, n, &selfclose, &links);
			t = tag_of(p + name, nl);
			if (links)
				span_add(tags, start, i);
			if (t == GUMBO_TAG_SVG || t == GUMBO_TAG_MATH)
				foreign = 1;
			if (!foreign)
				sim_implied(&s, t);
			if ((!foreign && is(t, T_VOID)) || (foreign && selfclose))
				continue;
			if (!foreign && t == GUMBO_TAG_PLAINTEXT)
				break;
			if (!foreign && is(t, T_RAW)) {
				i = find_end_tag(p, i, n, p + name, nl);
				continue;
			}
			/* Table rows and cells get the tbody and tr HTML5 implies. */
			top = s.depth ? (GumboTag)s.st[s.depth - 1].tag : GUMBO_TAG_LAST;
			implied = 0;
			if (!foreign && top == GUMBO_TAG_TABLE &&
			    (t == GUMBO_TAG_TR || t == GUMBO_TAG_TD || t == GUMBO_TAG_TH))
				implied = t == GUMBO_TAG_TR ? 1 : 2;
			else if (!foreign && (t == GUMBO_TAG_TD || t == GUMBO_TAG_TH) &&
				 (top == GUMBO_TAG_TBODY || top == GUMBO_TAG_THEAD ||
				  top == GUMBO_TAG_TFOOT))
				implied = 1;
			if (s.depth + implied + s.fmt >= cap) {
				cut = start;
				break;
			}
			if (implied == 2 || (implied == 1 && t == GUMBO_TAG_TR))
				sim_push(&s, GUMBO_TAG_TBODY, 0, 0);
			if (implied && t != GUMBO_TAG_TR)
				sim_push(&s, GUMBO_TAG_TR, 0, 0);
			sim_push(&s, t, h, foreign);
			if (!foreign && is(t, T_FMT))
				fmt_add(&s, t, fnv(p + astart, i - astart, h));
		}
	}
out:
	if (tags->oom)
		*oom = 1;
	free(s.st);
	free(s.seg);
	return cut;
}

/* ---- the walk ---- */

struct walk {
	ward_url_fn fn;
	void *ctx;
	char *buf; /* scratch for one URL */
	size_t buf_cap;
	char base[2048]; /* <base href>, absolute, or "" */
	size_t nodes;
	struct spans *tags;
};

static char *
scratch(struct walk *w, size_t n)
{
	if (n + 1 > w->buf_cap) {
		char *p = realloc(w->buf, n + 1);

		if (!p)
			return NULL;
		w->buf = p;
		w->buf_cap = n + 1;
	}
	return w->buf;
}

static int
has_scheme(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || !is_alpha((unsigned char)s[0]))
		return 0;
	for (i = 1; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == ':')
			return 1;
		if (!is_alpha(c) && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.')
			return 0;
	}
	return 0;
}

static int
prefix_ci(const char *s, size_t n, const char *p)
{
	size_t k = strlen(p);

	return n >= k && !strncasecmp(s, p, k);
}

/*
 * Cleans an attribute value like a browser's URL parser: leading and
 * trailing spaces and controls go, tabs and newlines inside go, other
 * controls are percent-encoded. Returns the length written into w's
 * scratch buffer.
 */
static size_t
clean(struct walk *w, const char *v, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, o = 0;
	char *b;

	while (n > 0 && (unsigned char)v[0] <= 0x20) {
		v++;
		n--;
	}
	while (n > 0 && (unsigned char)v[n - 1] <= 0x20)
		n--;
	b = scratch(w, 3 * n);
	if (!b)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];

		if (c == '\t' || c == '\n' || c == '\r')
			continue;
		if (c < 0x20 || c == 0x7f) {
			b[o++] = '%';
			b[o++] = hex[c >> 4];
			b[o++] = hex[c & 15];
			continue;
		}
		b[o++] = (char)c;
	}
	b[o] = '\0';
	return o;
}

/*
 * Resolves rel against the document's base into w->buf. Returns the length
 * or 0 when it cannot be resolved.
 */
static size_t
resolve(struct walk *w, size_t rn)
{
	struct ward_url b;
	size_t bl = strlen(w->base), keep;
	char *rel, *out;
	const char *bq;

	if (!w->base[0] || ward_url_parse(w->base, bl, &b) < 0 || (b.flags & WARD_URL_DATA))
		return 0;
	rel = malloc(rn + 1);
	if (!rel)
		return 0;
	memcpy(rel, w->buf, rn + 1);
	if (rn >= 2 && (rel[0] == '/' || rel[0] == '\\') && (rel[1] == '/' || rel[1] == '\\')) {
		/* Scheme-relative: keep "https:". */
		keep = (size_t)(strchr(w->base, ':') - w->base) + 1;
	} else if (rel[0] == '/' || rel[0] == '\\') {
		keep = (size_t)(b.path - w->base);
	} else if (rel[0] == '?') {
		bq = memchr(b.path, '?', b.path_len);
		if (!bq)
			bq = memchr(b.path, '#', b.path_len);
		keep = bq ? (size_t)(bq - w->base) : bl;
	} else {
		size_t plen = b.path_len, k;

		bq = memchr(b.path, '?', b.path_len);
		if (bq)
			plen = (size_t)(bq - b.path);
		bq = memchr(b.path, '#', plen);
		if (bq)
			plen = (size_t)(bq - b.path);
		for (k = plen; k > 0 && b.path[k - 1] != '/'; k--)
			;
		keep = (size_t)(b.path - w->base) + k;
	}
	out = scratch(w, keep + 1 + rn);
	if (!out) {
		free(rel);
		return 0;
	}
	memcpy(out, w->base, keep);
	if (rel[0] != '/' && rel[0] != '\\' && rel[0] != '?' && (keep == 0 || out[keep - 1] != '/'))
		out[keep++] = '/';
	memcpy(out + keep, rel, rn);
	out[keep + rn] = '\0';
	free(rel);
	return keep + rn;
}

/* What to report of one attribute value (cleaned into w->buf): 0 = skip. */
static size_t
prepare(struct walk *w, const char *v, int images)
{
	size_t n = clean(w, v, strlen(v));

	if (n == 0 || w->buf[0] == '#')
		return 0;
	if (has_scheme(w->buf, n)) {
		if (prefix_ci(w->buf, n, "cid:") || prefix_ci(w->buf, n, "mailto:") ||
		    prefix_ci(w->buf, n, "javascript:") || prefix_ci(w->buf, n, "vbscript:") ||
		    prefix_ci(w->buf, n, "about:") || prefix_ci(w->buf, n, "tel:") ||
		    prefix_ci(w->buf, n, "sms:"))
			return 0;
		/* Inline images are content, not links. */
		if (images && prefix_ci(w->buf, n, "data:"))
			return 0;
		return n;
	}
	/* Outlook and others take href="www.example.com" as an http link. */
	if (!w->base[0] && prefix_ci(w->buf, n, "www."))
		return n;
	return resolve(w, n);
}

static void
report(struct walk *w, const char *v, int images, const char *text, size_t tn, const char *where)
{
	size_t n = prepare(w, v, images);

	if (n)
		w->fn(w->ctx, w->buf, n, text, tn, where);
}

static GumboVector *
children(GumboNode *node)
{
	if (node->type == GUMBO_NODE_DOCUMENT)
		return &node->v.document.children;
	if (node->type == GUMBO_NODE_ELEMENT || node->type == GUMBO_NODE_TEMPLATE)
		return &node->v.element.children;
	return NULL;
}

/* Appends text to an anchor's text, whitespace collapsed, at most ANCHOR_TEXT_MAX bytes. */
static void
text_add(char *t, size_t *tn, const char *s)
{
	for (; *s && *tn < ANCHOR_TEXT_MAX; s++) {
		unsigned char c = (unsigned char)*s;
		int space = is_ws(c) || c == '\v';

		if (c == 0xc2 && (unsigned char)s[1] == 0xa0) { /* no-break space */
			space = 1;
			s++;
		}
		if (space) {
			if (*tn > 0 && t[*tn - 1] != ' ')
				t[(*tn)++] = ' ';
			continue;
		}
		t[(*tn)++] = (char)c;
	}
}

/* The visible text of an element, whitespace collapsed and cut at a UTF-8 boundary. */
static size_t
anchor_text(GumboNode *a, char *t)
{
	GumboNode *stack[64];
	size_t idx[64], sp = 0, tn = 0, visited = 0;

	stack[0] = a;
	idx[0] = 0;
	sp = 1;
	while (sp > 0 && tn < ANCHOR_TEXT_MAX && visited < ANCHOR_NODES_MAX) {
		GumboNode *node = stack[sp - 1];
		GumboVector *ch = children(node);
		GumboNode *c;

		if (!ch || idx[sp - 1] >= ch->length) {
			sp--;
			continue;
		}
		c = ch->data[idx[sp - 1]++];
		visited++;
		if (c->type == GUMBO_NODE_TEXT || c->type == GUMBO_NODE_WHITESPACE ||
		    c->type == GUMBO_NODE_CDATA) {
			text_add(t, &tn, c->v.text.text);
		} else if ((c->type == GUMBO_NODE_ELEMENT || c->type == GUMBO_NODE_TEMPLATE) &&
			   sp < 64 && c->v.element.tag != GUMBO_TAG_SCRIPT &&
			   c->v.element.tag != GUMBO_TAG_STYLE) {
			stack[sp] = c;
			idx[sp++] = 0;
		}
	}
	while (tn > 0 && t[tn - 1] == ' ')
		tn--;
	/* Do not end inside a UTF-8 sequence. */
	if (tn == ANCHOR_TEXT_MAX) {
		size_t k = tn;

		while (k > 0 && ((unsigned char)t[k - 1] & 0xc0) == 0x80)
			k--;
		if (k > 0 && (unsigned char)t[k - 1] >= 0xc0) {
			unsigned char lead = (unsigned char)t[k - 1];
			size_t need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;

			if (tn - (k - 1) < need)
				tn = k - 1;
		}
	}
	t[tn] = '\0';
	return tn;
}

/* The URL of <meta http-equiv=refresh content="5; url=...">, into w->buf. */
static void
refresh(struct walk *w, const char *c)
{
	const char *end;
	char q = 0, *v;
	size_t n;

	while (is_ws((unsigned char)*c))
		c++;
	while ((*c >= '0' && *c <= '9') || *c == '.')
		c++;
	while (is_ws((unsigned char)*c))
		c++;
	if (*c == ';' || *c == ',')
		c++;
	while (is_ws((unsigned char)*c))
		c++;
	if (!strncasecmp(c, "url", 3)) {
		const char *e = c + 3;

		while (is_ws((unsigned char)*e))
			e++;
		if (*e == '=') {
			c = e + 1;
			while (is_ws((unsigned char)*c))
				c++;
		}
	}
	if (*c == '"' || *c == '\'')
		q = *c++;
	end = q ? strchr(c, q) : NULL;
	n = end ? (size_t)(end - c) : strlen(c);
	v = malloc(n + 1);
	if (!v)
		return;
	memcpy(v, c, n);
	v[n] = '\0';
	report(w, v, 0, NULL, 0, "refresh");
	free(v);
}

static const char *
attr(GumboNode *node, const char *name)
{
	GumboAttribute *a = gumbo_get_attribute(&node->v.element.attributes, name);

	return a ? a->value : NULL;
}

static void
visit_element(struct walk *w, GumboNode *node)
{
	GumboTag t = node->v.element.tag;
	const char *v;
	int media;

	if ((v = attr(node, "href")) != NULL) {
		if (t == GUMBO_TAG_A) {
			char text[ANCHOR_TEXT_MAX + 1];
			size_t tn = anchor_text(node, text);

			report(w, v, 0, text, tn, "href");
		} else {
			report(w, v, 0, NULL, 0, "href");
		}
	}
	if ((v = attr(node, "src")) != NULL) {
		media = t != GUMBO_TAG_IFRAME && t != GUMBO_TAG_FRAME && t != GUMBO_TAG_EMBED &&
			t != GUMBO_TAG_SCRIPT;
		report(w, v, media, NULL, 0, "src");
	}
	if ((v = attr(node, "action")) != NULL)
		report(w, v, 0, NULL, 0, "action");
	if ((v = attr(node, "formaction")) != NULL)
		report(w, v, 0, NULL, 0, "formaction");
	if ((v = attr(node, "background")) != NULL)
		report(w, v, 1, NULL, 0, "background");
	if ((v = attr(node, "poster")) != NULL)
		report(w, v, 1, NULL, 0, "poster");
	if (t == GUMBO_TAG_OBJECT && (v = attr(node, "data")) != NULL)
		report(w, v, 0, NULL, 0, "data");
	if (t == GUMBO_TAG_META && (v = attr(node, "http-equiv")) != NULL &&
	    !strcasecmp(v, "refresh") && (v = attr(node, "content")) != NULL)
		refresh(w, v);
}

static void
raw_cb(void *ctx, const char *url, size_t url_len, const char *text, size_t text_len,
       const char *where)
{
	struct walk *w = ctx;

	(void)text;
	(void)text_len;
	(void)where;
	w->fn(w->ctx, url, url_len, NULL, 0, "raw");
}

static size_t
node_offset(GumboNode *node)
{
	if (node->type == GUMBO_NODE_ELEMENT || node->type == GUMBO_NODE_TEMPLATE)
		return node->v.element.start_pos.offset;
	if (node->type == GUMBO_NODE_DOCUMENT)
		return 0;
	return node->v.text.start_pos.offset;
}

/* The first <base href> in tree order, kept if it is an absolute URL. */
static void
find_base(struct walk *w, GumboNode *root)
{
	GumboNode *stk[256];
	size_t idx[256], sp = 1, seen = 0;

	stk[0] = root;
	idx[0] = 0;
	while (sp > 0 && seen < WARD_LIMIT_HTML_NODES) {
		GumboNode *node = stk[sp - 1];
		GumboVector *ch = children(node);
		GumboNode *c;

		if (!ch || idx[sp - 1] >= ch->length) {
			sp--;
			continue;
		}
		c = ch->data[idx[sp - 1]++];
		seen++;
		if (c->type != GUMBO_NODE_ELEMENT && c->type != GUMBO_NODE_TEMPLATE)
			continue;
		if (c->v.element.tag == GUMBO_TAG_BASE) {
			const char *v = attr(c, "href");
			struct ward_url u;
			size_t n;

			if (!v)
				continue;
			n = clean(w, v, strlen(v));
			if (n < sizeof(w->base) && has_scheme(w->buf, n) &&
			    ward_url_parse(w->buf, n, &u) == 0 && !(u.flags & WARD_URL_DATA))
				memcpy(w->base, w->buf, n + 1);
			return;
		}
		if (sp < sizeof(stk) / sizeof(stk[0])) {
			stk[sp] = c;
			idx[sp++] = 0;
		}
	}
}

/* "<base" in any case somewhere in p[0..n). */
static int
mentions_base(const char *p, size_t n)
{
	const char *q;
	size_t i = 0;

	while (i + 5 <= n && (q = memchr(p + i, '<', n - i)) != NULL) {
		i = (size_t)(q - p);
		if (i + 5 <= n && !strncasecmp(q + 1, "base", 4))
			return 1;
		i++;
	}
	return 0;
}

static int
cmp_span(const void *key, const void *elem)
{
	size_t k = *(const size_t *)key, st = ((const struct span *)elem)->start;

	return k < st ? -1 : k > st;
}

/* The tree holds the start tag at offset: its links were reported. */
static void
mark_seen(struct spans *sp, size_t offset)
{
	struct span *hit;

	if (sp->n && (hit = bsearch(&offset, sp->v, sp->n, sizeof(*sp->v), cmp_span)))
		hit->seen = 1;
}

/* Walks the tree; returns the input offset where it stopped early, or (size_t)-1. */
static size_t
walk_tree(struct walk *w, GumboNode *root)
{
	GumboNode **stk;
	size_t *idx, sp, cap = 256, stop = (size_t)-1;

	stk = malloc(cap * sizeof(*stk));
	idx = malloc(cap * sizeof(*idx));
	if (!stk || !idx)
		goto out;
	sp = 1;
	stk[0] = root;
	idx[0] = 0;
	while (sp > 0) {
		GumboNode *node = stk[sp - 1];
		GumboVector *ch = children(node);
		GumboNode *c;

		if (!ch || idx[sp - 1] >= ch->length) {
			sp--;
			continue;
		}
		c = ch->data[idx[sp - 1]++];
		if (++w->nodes > WARD_LIMIT_HTML_NODES) {
			stop = node_offset(c);
			break;
		}
		switch (c->type) {
		case GUMBO_NODE_TEXT:
		case GUMBO_NODE_CDATA:
			if (node->type == GUMBO_NODE_ELEMENT &&
			    (node->v.element.tag == GUMBO_TAG_SCRIPT ||
			     node->v.element.tag == GUMBO_TAG_STYLE))
				break;
			ward_url_scan_text(c->v.text.text, strlen(c->v.text.text), w->fn, w->ctx);
			break;
		case GUMBO_NODE_ELEMENT:
		case GUMBO_NODE_TEMPLATE:
			visit_element(w, c);
			mark_seen(w->tags, c->v.element.start_pos.offset);
			if (sp == cap) {
				GumboNode **ns = realloc(stk, 2 * cap * sizeof(*stk));
				size_t *ni;

				if (!ns)
					goto out;
				stk = ns;
				ni = realloc(idx, 2 * cap * sizeof(*idx));
				if (!ni)
					goto out;
				idx = ni;
				cap *= 2;
			}
			stk[sp] = c;
			idx[sp++] = 0;
			break;
		default:
			break;
		}
	}
out:
	free(stk);
	free(idx);
	return stop;
}

/*
 * Parses with gumbo allocating from the arena; NULL when its budget ran out
 * (arena_alloc jumps back here). A function of its own so that no local of
 * the caller lives across setjmp.
 */
static GumboOutput *
parse_bounded(struct arena *a, const char *html, size_t n)
{
	GumboOptions opt = kGumboDefaultOptions;
	GumboOutput *out;
	jmp_buf fail;

	opt.allocator = arena_alloc;
	opt.deallocator = arena_free;
	opt.userdata = a;
	opt.max_errors = 0;
	a->fail = &fail;
	if (setjmp(fail) != 0) {
		a->fail = NULL;
		return NULL;
	}
	out = gumbo_parse_with_options(&opt, html, n);
	a->fail = NULL;
	return out;
}

int
ward_url_scan_html(const char *html, size_t n, ward_url_fn fn, void *ctx)
{
	struct walk w;
	struct spans tags;
	struct arena a;
	GumboOutput *out;
	size_t i, cut, stop, raw_from;
	int rc = 0, oom;

	if (!html || !fn)
		return WARD_EINVAL;
	if (n > WARD_LIMIT_HTML_SIZE) {
		n = WARD_LIMIT_HTML_SIZE;
		rc = WARD_ELIMIT;
	}
	memset(&w, 0, sizeof(w));
	memset(&tags, 0, sizeof(tags));
	w.fn = fn;
	w.ctx = ctx;
	w.tags = &tags;
	cut = prepass((const unsigned char *)html, n, WARD_LIMIT_HTML_DEPTH, &tags, &oom);
	if (oom) {
		free(tags.v);
		return WARD_ENOMEM;
	}
	if (cut < n)
		rc = WARD_ELIMIT;
	memset(&a, 0, sizeof(a));
	a.budget = WARD_LIMIT_HTML_MEMORY_BASE + WARD_LIMIT_HTML_MEMORY_RATIO * cut;
	out = parse_bounded(&a, html, cut);
	raw_from = cut;
	if (!out) {
		/* Over budget: no tree, the whole input is searched as raw text. */
		rc = WARD_ELIMIT;
		raw_from = 0;
	} else {
		if (mentions_base(html, cut))
			find_base(&w, out->document);
		stop = walk_tree(&w, out->document);
		if (stop != (size_t)-1) {
			rc = WARD_ELIMIT;
			raw_from = stop < cut ? stop : cut;
		}
	}
	arena_release(&a);
	/*
	 * Tags the tree builder dropped (inside an unclosed <select>, a nested
	 * <form> ...) are no links to a browser, but other mail clients and
	 * sanitizers may show them: their source is searched as raw text.
	 */
	for (i = 0; out && i < tags.n && tags.v[i].start < raw_from; i++)
		if (!tags.v[i].seen)
			ward_url_scan_text(html + tags.v[i].start, tags.v[i].end - tags.v[i].start,
					   raw_cb, &w);
	if (raw_from < n)
		ward_url_scan_text(html + raw_from, n - raw_from, raw_cb, &w);
	free(tags.v);
	free(w.buf);
	return rc;
}
