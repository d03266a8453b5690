/*
 * Header field decoders: RFC 2047 encoded words, RFC 2045/2231 parameters
 * and RFC 5322 address lists. Each is lenient the way mail clients are,
 * because phishing relies on the difference: encoded words inside quotes
 * and without spaces are decoded, unterminated quotes run to the end of the
 * value, and a broken address still yields a name and an address.
 */
#define _GNU_SOURCE /* memmem */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mail_mime_priv.h"

/* ---- RFC 2047 ---- */

struct pending {
	char cs[64];
	size_t cs_len;
	struct ward_buf bytes;
	int active;
};

static void
pending_flush(struct pending *pd, struct ward_buf *out)
{
	if (!pd->active)
		return;
	ward_mime_to_utf8(pd->cs, pd->cs_len, (const uint8_t *)pd->bytes.p, pd->bytes.len, out);
	pd->bytes.len = 0;
	pd->active = 0;
}

static int
hexv(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * Parses an encoded word at in[q..n) ("=?" at q). Sets the charset span,
 * the encoding letter, the text span and the end of the word.
 */
static int
parse_word(const char *in, size_t n, size_t q, size_t *cs, size_t *cs_len, char *enc, size_t *t,
	   size_t *t_len, size_t *end)
{
	size_t j = q + 2, k;

	while (j < n && in[j] != '?' && !ward_mime_is_ws((unsigned char)in[j]) && j - q < 66)
		j++;
	if (j >= n || in[j] != '?' || j == q + 2 || j + 2 >= n)
		return 0;
	*enc = (char)ward_mime_lower((unsigned char)in[j + 1]);
	if ((*enc != 'b' && *enc != 'q') || in[j + 2] != '?')
		return 0;
	*cs = q + 2;
	*cs_len = j - (q + 2);
	for (k = q + 2; k < j; k++)
		if (in[k] == '*') { /* RFC 2231 language: "utf-8*en" */
			*cs_len = k - (q + 2);
			break;
		}
	*t = j + 3;
	for (k = j + 3; k + 1 < n; k++) {
		if (in[k] == '?') {
			if (in[k + 1] != '=')
				return 0;
			*t_len = k - *t;
			*end = k + 2;
			return 1;
		}
		if (in[k] == '\r' || in[k] == '\n')
			return 0;
	}
	return 0;
}

static void
decode_q(const char *p, size_t n, struct ward_buf *out)
{
	size_t i;
	int h, l;

	for (i = 0; i < n; i++) {
		if (p[i] == '_') {
			ward_buf_addc(out, ' ');
		} else if (p[i] == '=' && i + 2 < n && (h = hexv((unsigned char)p[i + 1])) >= 0 &&
			   (l = hexv((unsigned char)p[i + 2])) >= 0) {
			ward_buf_addc(out, (char)(h << 4 | l));
			i += 2;
		} else {
			ward_buf_addc(out, p[i]);
		}
	}
}

static int
all_ws(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!ward_mime_is_ws((unsigned char)p[i]))
			return 0;
	return 1;
}

/* Text outside encoded words: UTF-8 if valid, else the fallback charset. */
static void
add_literal(const char *p, size_t n, const char *fb, size_t fb_len, struct ward_buf *out)
{
	if (!n)
		return;
	if (fb_len && !ward_mime_utf8_valid((const uint8_t *)p, n))
		ward_mime_to_utf8(fb, fb_len, (const uint8_t *)p, n, out);
	else
		ward_mime_to_utf8(NULL, 0, (const uint8_t *)p, n, out);
}

void
ward_mail_decode_words(const char *in, size_t n, struct ward_buf *out)
{
	ward_mime_decode_words(in, n, NULL, 0, out);
}

void
ward_mime_decode_words(const char *in, size_t n, const char *fb, size_t fb_len,
		       struct ward_buf *out)
{
	struct pending pd;
	size_t i = 0, lit = 0, cs, cs_len, t, t_len, end;
	const char *q;
	int first = 1;
	char enc;

	if (!in)
		return;
	q = n >= 2 ? memmem(in, n, "=?", 2) : NULL;
	if (!q) {
		add_literal(in, n, fb, fb_len, out);
		return;
	}
	memset(&pd, 0, sizeof(pd));
	ward_buf_init(&pd.bytes);
	while (q) {
		size_t at = (size_t)(q - in);

		if (!parse_word(in, n, at, &cs, &cs_len, &enc, &t, &t_len, &end)) {
			i = at + 2;
		} else {
			if (first || !all_ws(in + lit, at - lit)) {
				pending_flush(&pd, out);
				add_literal(in + lit, at - lit, fb, fb_len, out);
			}
			first = 0;
			/* A word in another charset than the pending one flushes it. */
			if (pd.active &&
			    (pd.cs_len != cs_len || strncasecmp(pd.cs, in + cs, cs_len) != 0))
				pending_flush(&pd, out);
			if (!pd.active) {
				if (cs_len >= sizeof(pd.cs))
					cs_len = sizeof(pd.cs) - 1;
				memcpy(pd.cs, in + cs, cs_len);
				pd.cs[cs_len] = '\0';
				pd.cs_len = cs_len;
				pd.active = 1;
			}
			if (enc == 'b')
				ward_mail_decode_base64((const uint8_t *)in + t, t_len, &pd.bytes);
			else
				decode_q(in + t, t_len, &pd.bytes);
			i = lit = end;
		}
		q = i + 2 <= n ? memmem(in + i, n - i, "=?", 2) : NULL;
	}
	pending_flush(&pd, out);
	add_literal(in + lit, n - lit, fb, fb_len, out);
	ward_buf_free(&pd.bytes);
}

/* ---- RFC 2045 / 2231 parameters ---- */

#define MAX_SECTIONS 64

struct seg {
	const char *p;
	size_t n;
	int quoted;
	int set;
};

/* Appends a quoted string's contents with \\ and \" unescaped. */
static void
add_unquoted(const struct seg *s, struct ward_buf *out)
{
	size_t i, from = 0;

	if (!s->quoted) {
		ward_buf_add(out, s->p, s->n);
		return;
	}
	for (i = 0; i + 1 < s->n; i++)
		if (s->p[i] == '\\' && (s->p[i + 1] == '\\' || s->p[i + 1] == '"')) {
			ward_buf_add(out, s->p + from, i - from);
			from = i + 1;
			i++;
		}
	ward_buf_add(out, s->p + from, s->n - from);
}

static void
add_percent(const char *p, size_t n, struct ward_buf *out)
{
	size_t i, from = 0;
	int h, l;

	for (i = 0; i + 2 < n; i++) {
		if (p[i] == '%' && (h = hexv((unsigned char)p[i + 1])) >= 0 &&
		    (l = hexv((unsigned char)p[i + 2])) >= 0) {
			ward_buf_add(out, p + from, i - from);
			ward_buf_addc(out, (char)(h << 4 | l));
			i += 2;
			from = i + 1;
		}
	}
	ward_buf_add(out, p + from, n - from);
}

static int
is_tspecial_end(int c)
{
	return c == ';' || c == '=' || c == '"' || ward_mime_is_ws(c);
}

int
ward_mime_param(const char *v, size_t n, const char *name, unsigned mode, struct ward_buf *out,
		unsigned *flags)
{
	struct seg plain = {0}, ext = {0}, sec[MAX_SECTIONS];
	size_t i = 0, j, a, ae, vs, ve, len = strlen(name);
	int n_sec = 0, quoted;
	struct ward_buf bytes;
	const char *cs = NULL;
	size_t cs_len = 0;

	memset(sec, 0, sizeof(sec));
	if (!v)
		return 0;
	/* Skip the main value (type/subtype, disposition) unless it is a parameter. */
	while (i < n && ward_mime_is_ws((unsigned char)v[i]))
		i++;
	j = i;
	while (j < n && !is_tspecial_end((unsigned char)v[j]))
		j++;
	if (!(j < n && v[j] == '=')) {
		while (j < n && v[j] != ';' && !ward_mime_is_ws((unsigned char)v[j]))
			j++;
		i = j;
	}
	while (i < n) {
		size_t before = i;

		while (i < n && (v[i] == ';' || ward_mime_is_ws((unsigned char)v[i])))
			i++;
		if (i >= n)
			break;
		a = i;
		while (i < n && !is_tspecial_end((unsigned char)v[i]))
			i++;
		ae = i;
		while (i < n && ward_mime_is_ws((unsigned char)v[i]))
			i++;
		if (i >= n)
			break;
		if (v[i] != '=') {
			if (v[i] == '"') { /* a stray quoted string: skip it */
				i++;
				while (i < n && v[i] != '"')
					i += (v[i] == '\\' && i + 1 < n) ? 2 : 1;
				if (i >= n && flags)
					*flags |= WARD_MIME_PARAM_UNTERMINATED;
				i++;
			}
			if (i == before)
				i++;
			continue;
		}
		i++;
		while (i < n && (v[i] == ' ' || v[i] == '\t'))
			i++;
		quoted = 0;
		if (i < n && v[i] == '"') {
			quoted = 1;
			vs = ++i;
			while (i < n && v[i] != '"')
				i += (v[i] == '\\' && i + 1 < n) ? 2 : 1;
			if (i >= n) {
				/* Unterminated: the value runs to the end of the field. */
				if (flags)
					*flags |= WARD_MIME_PARAM_UNTERMINATED;
				ve = n;
				while (ve > vs && ward_mime_is_ws((unsigned char)v[ve - 1]))
					ve--;
				i = n;
			} else {
				ve = i++;
			}
		} else {
			size_t k;

			vs = i;
			while (i < n && v[i] != ';')
				i++;
			ve = i;
			/* "a=b c=d" without a semicolon: cut before " c=". */
			for (k = vs; k < ve; k++) {
				size_t m;

				if (!ward_mime_is_ws((unsigned char)v[k]))
					continue;
				m = k;
				while (m < ve && ward_mime_is_ws((unsigned char)v[m]))
					m++;
				j = m;
				while (j < ve && !is_tspecial_end((unsigned char)v[j]))
					j++;
				if (j > m && j < ve && v[j] == '=') {
					ve = k;
					i = k;
					break;
				}
				k = m - 1 + (m == k);
			}
			while (ve > vs && ward_mime_is_ws((unsigned char)v[ve - 1]))
				ve--;
		}
		/* Match the attribute: name, name*, name*N or name*N*. */
		if (ae - a < len || strncasecmp(v + a, name, len) != 0)
			continue;
		if (ae - a == len) {
			if (!plain.set)
				plain = (struct seg){v + vs, ve - vs, quoted, 1};
		} else if (v[a + len] == '*') {
			size_t k = a + len + 1;
			unsigned idx = 0;
			int digits = 0, star = 0;

			if (k == ae) {
				if (!ext.set)
					ext = (struct seg){v + vs, ve - vs, quoted, 1};
				continue;
			}
			while (k < ae && v[k] >= '0' && v[k] <= '9' && digits < 4) {
				idx = idx * 10 + (unsigned)(v[k] - '0');
				k++;
				digits++;
			}
			if (k < ae && v[k] == '*') {
				star = 1;
				k++;
			}
			if (!digits || k != ae || idx >= MAX_SECTIONS || sec[idx].set)
				continue;
			/* ext marks an encoded section in .quoted's high bit. */
			sec[idx] = (struct seg){v + vs, ve - vs, quoted | (star << 1), 1};
			if ((int)idx + 1 > n_sec)
				n_sec = (int)idx + 1;
		}
	}
	if (!n_sec && !ext.set && !plain.set)
		return 0;

	ward_buf_init(&bytes);
	if (n_sec || ext.set) {
		int k, first = 1;

		if (!n_sec) {
			sec[0] = ext;
			sec[0].quoted |= 2;
			n_sec = 1;
		}
		for (k = 0; k < n_sec; k++) {
			struct seg s = sec[k];
			const char *p;
			size_t m;

			if (!s.set)
				continue;
			if (!(s.quoted & 2)) {
				s.quoted &= 1;
				add_unquoted(&s, &bytes);
				first = 0;
				continue;
			}
			p = s.p;
			m = s.n;
			if (first) {
				/* charset'language'value */
				const char *q1 = memchr(p, '\'', m), *q2;

				q2 = q1 ? memchr(q1 + 1, '\'', m - (size_t)(q1 + 1 - p)) : NULL;
				if (q1 && q2) {
					cs = p;
					cs_len = (size_t)(q1 - p);
					m -= (size_t)(q2 + 1 - p);
					p = q2 + 1;
				}
			}
			first = 0;
			if (mode & WARD_MIME_PARAM_RAW)
				ward_buf_add(&bytes, p, m);
			else
				add_percent(p, m, &bytes);
		}
	} else {
		add_unquoted(&plain, &bytes);
	}
	if (mode & WARD_MIME_PARAM_RAW)
		ward_buf_add(out, bytes.p, bytes.len);
	else if (cs_len)
		ward_mime_to_utf8(cs, cs_len, (const uint8_t *)bytes.p, bytes.len, out);
	else
		ward_mail_decode_words(bytes.p, bytes.len, out);
	ward_buf_free(&bytes);
	return 1;
}

int
ward_mail_param(const char *value, size_t n, const char *name, struct ward_buf *out)
{
	return ward_mime_param(value, n, name, 0, out, NULL);
}

/* ---- addresses ---- */

#define MAX_WORDS 64

struct phrase {
	struct ward_buf text; /* words, single spaces between separate ones */
	struct ward_buf full; /* the same with comments, in parentheses */
	size_t start[MAX_WORDS], n_words;
	int pending_space;
};

static void
phrase_word(struct phrase *ph, const char *p, size_t n, int adjacent)
{
	if (ph->text.len && (!adjacent || ph->pending_space)) {
		ward_buf_addc(&ph->text, ' ');
		if (ph->n_words < MAX_WORDS)
			ph->start[ph->n_words++] = ph->text.len;
	} else if (!ph->text.len && ph->n_words == 0) {
		ph->start[ph->n_words++] = 0;
	}
	ward_buf_add(&ph->text, p, n);
	if (ph->full.len && (!adjacent || ph->pending_space))
		ward_buf_addc(&ph->full, ' ');
	ward_buf_add(&ph->full, p, n);
	ph->pending_space = 0;
}

static char *
dup_trim(const char *p, size_t n)
{
	char *s;

	while (n && ward_mime_is_ws((unsigned char)*p)) {
		p++;
		n--;
	}
	while (n && ward_mime_is_ws((unsigned char)p[n - 1]))
		n--;
	s = malloc(n + 1);
	if (!s)
		return NULL;
	memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

static char *
decode_name(const char *p, size_t n, const char *fb, size_t fb_len)
{
	struct ward_buf b;
	char *s;

	ward_buf_init(&b);
	ward_mime_decode_words(p, n, fb, fb_len, &b);
	s = dup_trim(b.p ? b.p : "", b.len);
	ward_buf_free(&b);
	return s;
}

/* Address inside <...>: quotes, comments and blanks dropped, route removed. */
static void
clean_addr(const char *p, size_t n, struct ward_buf *out)
{
	size_t i, start = out->len;
	int depth = 0;

	for (i = 0; i < n; i++) {
		char c = p[i];

		if (depth) {
			if (c == '(')
				depth++;
			else if (c == ')')
				depth--;
			continue;
		}
		if (c == '(')
			depth = 1;
		else if (c == '\\' && i + 1 < n)
			ward_buf_addc(out, p[++i]);
		else if (c != '"' && !ward_mime_is_ws((unsigned char)c))
			ward_buf_addc(out, c);
	}
	/* "@route,@route:user@host" */
	if (out->len > start && out->p[start] == '@') {
		char *colon = memchr(out->p + start, ':', out->len - start);

		if (colon) {
			size_t skip = (size_t)(colon + 1 - (out->p + start));

			memmove(out->p + start, colon + 1, out->len - start - skip);
			out->len -= skip;
		}
	}
}

size_t
ward_mail_parse_addresses(const char *v, size_t n, struct ward_mail_addr *out, size_t max)
{
	return ward_mime_parse_addresses(v, n, out, max, NULL, 0);
}

size_t
ward_mime_parse_addresses(const char *v, size_t n, struct ward_mail_addr *out, size_t max,
			  const char *fb, size_t fb_len)
{
	size_t i = 0, count = 0;

	if (!v)
		return 0;
	while (i < n && count < max) {
		struct phrase ph;
		struct ward_buf addr, comment;
		int angle = 0, adjacent = 0, end = 0;
		size_t w, at_word = (size_t)-1;

		memset(&ph, 0, sizeof(ph));
		ward_buf_init(&ph.text);
		ward_buf_init(&ph.full);
		ward_buf_init(&addr);
		ward_buf_init(&comment);
		while (i < n && !end) {
			char c = v[i];

			if (c == '"') {
				size_t s = ++i;
				struct seg sg;

				while (i < n && v[i] != '"')
					i += (v[i] == '\\' && i + 1 < n) ? 2 : 1;
				sg = (struct seg){v + s, (i < n ? i : n) - s, 1, 1};
				if (ph.text.len && (!adjacent || ph.pending_space)) {
					ward_buf_addc(&ph.text, ' ');
					if (ph.n_words < MAX_WORDS)
						ph.start[ph.n_words++] = ph.text.len;
				} else if (!ph.text.len && ph.n_words == 0) {
					ph.start[ph.n_words++] = 0;
				}
				if (ph.full.len && (!adjacent || ph.pending_space))
					ward_buf_addc(&ph.full, ' ');
				add_unquoted(&sg, &ph.text);
				add_unquoted(&sg, &ph.full);
				ph.pending_space = 0;
				if (i < n)
					i++;
				adjacent = 1;
			} else if (c == '(') {
				size_t s = ++i;
				int depth = 1;

				while (i < n && depth) {
					if (v[i] == '\\' && i + 1 < n)
						i++;
					else if (v[i] == '(')
						depth++;
					else if (v[i] == ')')
						depth--;
					i++;
				}
				if (!comment.len)
					ward_buf_add(&comment, v + s, (depth ? i : i - 1) - s);
				if (!angle) {
					if (ph.full.len)
						ward_buf_addc(&ph.full, ' ');
					ward_buf_add(&ph.full, v + s - 1, i - (s - 1));
					if (depth)
						ward_buf_addc(&ph.full, ')');
				}
				ph.pending_space = 1;
				adjacent = 0;
			} else if (c == '<') {
				size_t s = ++i;

				while (i < n && v[i] != '>')
					i++;
				if (!angle) {
					clean_addr(v + s, i - s, &addr);
					angle = 1;
				}
				if (i < n)
					i++;
				adjacent = 0;
				ph.pending_space = 1;
			} else if (c == ',' || c == ';') {
				i++;
				end = 1;
			} else if (c == ':' && !angle &&
				   !memchr(ph.text.p ? ph.text.p : "", '@', ph.text.len)) {
				/* group name: drop it, its members follow */
				i++;
				ph.text.len = 0;
				ph.full.len = 0;
				ph.n_words = 0;
				ph.pending_space = 0;
				comment.len = 0;
				adjacent = 0;
			} else if (ward_mime_is_ws((unsigned char)c)) {
				i++;
				ph.pending_space = 1;
				adjacent = 0;
			} else {
				size_t s = i;

				while (i < n && !ward_mime_is_ws((unsigned char)v[i]) &&
				       v[i] != '"' && v[i] != '(' && v[i] != '<' && v[i] != ',' &&
				       v[i] != ';' && v[i] != '>' && (v[i] != ':' || i == s))
					i++;
				if (i == s)
					i++;
				phrase_word(&ph, v + s, i - s, adjacent);
				adjacent = 1;
			}
		}
		/* The word holding '@' is the address when there are no angle brackets. */
		if (!angle && ph.text.len) {
			for (w = 0; w < ph.n_words; w++) {
				size_t s = ph.start[w],
				       e = w + 1 < ph.n_words ? ph.start[w + 1] - 1 : ph.text.len;

				if (memchr(ph.text.p + s, '@', e - s))
					at_word = w;
			}
		}
		if (angle || ph.text.len || comment.len) {
			struct ward_mail_addr *a = &out[count];
			struct ward_buf nb;

			ward_buf_init(&nb);
			if (angle) {
				a->addr = dup_trim(addr.p ? addr.p : "", addr.len);
				if (ph.text.len)
					a->name = decode_name(ph.full.p, ph.full.len, fb, fb_len);
				else
					a->name = decode_name(comment.p ? comment.p : "",
							      comment.len, fb, fb_len);
			} else if (at_word != (size_t)-1) {
				size_t s = ph.start[at_word], e = at_word + 1 < ph.n_words
								      ? ph.start[at_word + 1] - 1
								      : ph.text.len;

				a->addr = dup_trim(ph.text.p + s, e - s);
				ward_buf_add(&nb, ph.text.p, s);
				ward_buf_add(&nb, ph.text.p + e, ph.text.len - e);
				if (nb.len && !all_ws(nb.p, nb.len))
					a->name = decode_name(nb.p, nb.len, fb, fb_len);
				else
					a->name = decode_name(comment.p ? comment.p : "",
							      comment.len, fb, fb_len);
			} else {
				a->addr = dup_trim(ph.text.p ? ph.text.p : "", ph.text.len);
				a->name = decode_name(comment.p ? comment.p : "", comment.len, fb,
						      fb_len);
			}
			ward_buf_free(&nb);
			if (!a->addr || !a->name) {
				ward_mail_addr_clear(a);
			} else if (!a->addr[0] && !a->name[0]) {
				ward_mail_addr_clear(a);
			} else {
				count++;
			}
		}
		ward_buf_free(&ph.text);
		ward_buf_free(&ph.full);
		ward_buf_free(&addr);
		ward_buf_free(&comment);
	}
	return count;
}

void
ward_mail_addr_clear(struct ward_mail_addr *a)
{
	if (!a)
		return;
	free(a->name);
	free(a->addr);
	a->name = NULL;
	a->addr = NULL;
}
