/*
 * URLs in plain text, the way mail clients and linkifiers turn them into
 * links: "http://", "https://" and "ftp://" in any case, and "www." at the
 * start of a word. A URL ends at whitespace (Unicode spaces included), a
 * control character or one of <>"'; punctuation at its end belongs to the
 * sentence, not the link (a closing bracket stays when it closes one opened
 * inside the URL, as in https://en.wikipedia.org/wiki/Foo_(bar)).
 *
 * This runs over every text part of every mail, so it is a single pass
 * with a byte class table that stops only at ':' and 'w'; no regex, no
 * allocation unless a URL is longer than the stack buffer.
 */
#include <stdlib.h>
#include <string.h>

#include "ward/url.h"

/* Byte classes. */
enum {
	C_STOP = 1,  /* ends a URL: controls, space, <>"'\\^`{|} */
	C_COLON = 2, /* ':' may end a scheme */
	C_W = 4,     /* 'w' or 'W' may start "www." */
	C_WORD = 8,  /* before "www." means "not at a word boundary" */
	C_HOST = 16, /* may start a host name */
};

#define LETTERS(first, last) [first... last] = C_WORD | C_HOST
static const unsigned char cls[256] = {
    [0x00 ... 0x20] = C_STOP,
    ['"'] = C_STOP,
    ['\''] = C_STOP,
    ['<'] = C_STOP,
    ['>'] = C_STOP,
    ['\\'] = C_STOP | C_WORD,
    ['^'] = C_STOP,
    ['`'] = C_STOP,
    ['{'] = C_STOP,
    ['|'] = C_STOP,
    ['}'] = C_STOP,
    [0x7f] = C_STOP,
    LETTERS('0', '9'),
    LETTERS('A', 'V'),
    ['W'] = C_WORD | C_HOST | C_W,
    LETTERS('X', 'Z'),
    LETTERS('a', 'v'),
    ['w'] = C_WORD | C_HOST | C_W,
    LETTERS('x', 'z'),
    [':'] = C_WORD | C_COLON,
    ['%'] = C_WORD | C_HOST,
    ['['] = C_HOST,
    ['#'] = C_WORD,
    ['$'] = C_WORD,
    ['&'] = C_WORD,
    ['+'] = C_WORD,
    ['-'] = C_WORD,
    ['.'] = C_WORD,
    ['/'] = C_WORD,
    ['='] = C_WORD,
    ['?'] = C_WORD,
    ['@'] = C_WORD,
    ['_'] = C_WORD,
    ['~'] = C_WORD,
    /* UTF-8 is part of URLs (IRIs); Unicode spaces are checked apart. */
    [0x80 ... 0xff] = C_HOST,
};
#undef LETTERS

static unsigned char
lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

/* Length of a Unicode space or zero-width character at p, else 0. */
static size_t
uspace(const unsigned char *p, size_t n)
{
	if (n >= 2 && p[0] == 0xc2 && (p[1] == 0xa0 || p[1] == 0x85))
		return 2;
	if (n < 3)
		return 0;
	if (p[0] == 0xe2 && p[1] == 0x80 &&
	    ((p[2] >= 0x80 && p[2] <= 0x8d) || p[2] == 0xa8 || p[2] == 0xa9 || p[2] == 0xaf))
		return 3;
	if (p[0] == 0xe2 && p[1] == 0x81 && p[2] == 0x9f)
		return 3;
	if (p[0] == 0xe3 && p[1] == 0x80 && p[2] == 0x80)
		return 3;
	if (p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
		return 3;
	return 0;
}

/* Length of full-width or CJK punctuation that ends a sentence, at the end of s[0..n). */
static size_t
trailing_wide(const unsigned char *s, size_t n)
{
	const unsigned char *p;

	if (n < 3)
		return 0;
	p = s + n - 3;
	/* 、 。 「 」 』 【 】 */
	if (p[0] == 0xe3 && p[1] == 0x80 &&
	    (p[2] == 0x81 || p[2] == 0x82 || p[2] == 0x8d || p[2] == 0x8f || p[2] == 0x91))
		return 3;
	/* ！ ） ， ． ： ； ？ */
	if (p[0] == 0xef && p[1] == 0xbc &&
	    (p[2] == 0x81 || p[2] == 0x89 || p[2] == 0x8c || p[2] == 0x8e || p[2] == 0x9a ||
	     p[2] == 0x9b || p[2] == 0x9f))
		return 3;
	/* … ” ’ » */
	if (p[0] == 0xe2 && p[1] == 0x80 && (p[2] == 0xa6 || p[2] == 0x9d || p[2] == 0x99))
		return 3;
	if (p[1] == 0xc2 && p[2] == 0xbb)
		return 2;
	return 0;
}

/*
 * Drops sentence punctuation from the end of the URL s[0..n); min is the
 * scheme part. A closing bracket goes only when it closes nothing inside
 * the URL. Brackets are counted once, so this stays linear.
 */
static size_t
trim_end(const char *s, size_t n, size_t min)
{
	size_t open = 0, close = 0, i;

	for (i = min; i < n; i++) {
		open += s[i] == '(';
		close += s[i] == ')';
	}
	while (n > min) {
		char c = s[n - 1];
		size_t w;

		if (c && strchr(".,;:!?", c)) {
			n--;
		} else if (c == ')' && close > open) {
			close--;
			n--;
		} else if ((w = trailing_wide((const unsigned char *)s, n)) != 0 && n - w >= min) {
			n -= w;
		} else {
			break;
		}
	}
	return n;
}

/* The end of a URL whose host starts at i: a ']' that closes nothing ends it too. */
static size_t
url_end(const unsigned char *t, size_t i, size_t n)
{
	size_t open = 0;

	while (i < n) {
		unsigned char c = t[i];

		if (cls[c] & C_STOP)
			break;
		if (c == '[') {
			open++;
		} else if (c == ']') {
			if (open == 0)
				break;
			open--;
		} else if (c >= 0x80 && uspace(t + i, n - i)) {
			break;
		}
		i++;
	}
	return i;
}

struct out {
	char stack[1024];
	char *heap;
	size_t heap_cap;
};

static void
emit(struct out *o, const char *s, size_t n, ward_url_fn fn, void *ctx)
{
	char *buf = o->stack;

	if (n >= sizeof(o->stack)) {
		if (n >= o->heap_cap) {
			char *p = realloc(o->heap, n + 1);

			if (!p)
				return;
			o->heap = p;
			o->heap_cap = n + 1;
		}
		buf = o->heap;
	}
	memcpy(buf, s, n);
	buf[n] = '\0';
	fn(ctx, buf, n, NULL, 0, "text");
}

/* Scheme length ending just before the ':' at i (http, https, ftp), else 0. */
static size_t
scheme_before(const unsigned char *t, size_t i)
{
	if (i >= 5 && lower(t[i - 5]) == 'h' && lower(t[i - 4]) == 't' && lower(t[i - 3]) == 't' &&
	    lower(t[i - 2]) == 'p' && lower(t[i - 1]) == 's')
		return 5;
	if (i >= 4 && lower(t[i - 4]) == 'h' && lower(t[i - 3]) == 't' && lower(t[i - 2]) == 't' &&
	    lower(t[i - 1]) == 'p')
		return 4;
	if (i >= 3 && lower(t[i - 3]) == 'f' && lower(t[i - 2]) == 't' && lower(t[i - 1]) == 'p')
		return 3;
	return 0;
}

void
ward_url_scan_text(const char *text, size_t n, ward_url_fn fn, void *ctx)
{
	const unsigned char *t = (const unsigned char *)text;
	struct out o;
	size_t i = 0;

	if (!text || !fn)
		return;
	o.heap = NULL;
	o.heap_cap = 0;
	while (i < n) {
		size_t start, host, end;

		while (i < n && !(cls[t[i]] & (C_COLON | C_W)))
			i++;
		if (i >= n)
			break;
		if (t[i] == ':') {
			size_t k = scheme_before(t, i);

			if (k == 0 || i + 3 >= n || t[i + 1] != '/' || t[i + 2] != '/' ||
			    !(cls[t[i + 3]] & C_HOST) ||
			    (t[i + 3] >= 0x80 && uspace(t + i + 3, n - i - 3))) {
				i++;
				continue;
			}
			start = i - k;
			host = i + 3;
		} else {
			if (i + 4 >= n || lower(t[i + 1]) != 'w' || lower(t[i + 2]) != 'w' ||
			    t[i + 3] != '.' || (i > 0 && (cls[t[i - 1]] & C_WORD)) ||
			    !(cls[t[i + 4]] & C_HOST) || t[i + 4] == '%' ||
			    (t[i + 4] >= 0x80 && uspace(t + i + 4, n - i - 4))) {
				i++;
				continue;
			}
			start = i;
			host = i + 4;
		}
		end = url_end(t, host, n);
		i = end;
		end = start + trim_end(text + start, end - start, host - start);
		if (end > host)
			emit(&o, text + start, end - start, fn, ctx);
	}
	free(o.heap);
}
