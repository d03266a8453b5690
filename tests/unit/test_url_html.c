/* Unit tests of ward_url_scan_html: links as an HTML5 browser sees them
 * (entities, "<!-->", unquoted attributes, <textarea>/<title> text, <base>),
 * anchor text, skipped schemes, and the limits on size, nodes and depth. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ward/error.h"
#include "ward/url.h"
#include "limits.h"

#define MAXL 64

struct link {
	char url[512];
	char text[300];
	int has_text;
	char where[16];
};

struct found {
	struct link l[MAXL];
	size_t n;
};

static void
collect(void *ctx, const char *url, size_t url_len, const char *text, size_t text_len,
	const char *where)
{
	struct found *f = ctx;
	struct link *l;

	assert_int_equal(url_len, strlen(url));
	assert_true(url_len > 0);
	if (text) {
		assert_int_equal(text_len, strlen(text));
		assert_true(text_len <= 256);
	}
	if (f->n == MAXL)
		return;
	l = &f->l[f->n++];
	snprintf(l->url, sizeof(l->url), "%s", url);
	l->has_text = text != NULL;
	snprintf(l->text, sizeof(l->text), "%s", text ? text : "");
	snprintf(l->where, sizeof(l->where), "%s", where);
}

static struct found f;

static int
scan(const char *html)
{
	memset(&f, 0, sizeof(f));
	return ward_url_scan_html(html, strlen(html), collect, &f);
}

/* Index of url reported with where, or -1. */
static int
find(const char *url, const char *where)
{
	size_t i;

	for (i = 0; i < f.n; i++)
		if (!strcmp(f.l[i].url, url) && !strcmp(f.l[i].where, where))
			return (int)i;
	return -1;
}

static void
want(const char *url, const char *where)
{
	size_t i;

	if (find(url, where) >= 0)
		return;
	for (i = 0; i < f.n; i++)
		fprintf(stderr, "  found %s %s\n", f.l[i].where, f.l[i].url);
	fail_msg("missing %s %s", where, url);
}

static void
test_attributes(void **state)
{
	(void)state;
	assert_int_equal(
	    scan("<html><head><meta http-equiv=\"Refresh\" content=\"0; "
		 "URL='https://e.example/r'\"></head><body>"
		 "<a href=\"https://a.example/\">A</a>"
		 "<img src=\"https://b.example/i.png\">"
		 "<form action=\"https://c.example/post\"><button "
		 "formaction=\"https://d.example/\">x</button></form>"
		 "<table background=\"https://f.example/bg.gif\"></table>"
		 "<video poster=\"https://g.example/p.jpg\" src=\"https://h.example/v\">"
		 "</video><object data=\"https://i.example/o.swf\"></object>"
		 "<iframe src=\"https://j.example/frame\"></iframe>"
		 "<area href=\"https://k.example/\"><link href=\"https://l.example/s.css\">"
		 "</body></html>"),
	    0);
	want("https://e.example/r", "refresh");
	want("https://a.example/", "href");
	want("https://b.example/i.png", "src");
	want("https://c.example/post", "action");
	want("https://d.example/", "formaction");
	want("https://f.example/bg.gif", "background");
	want("https://g.example/p.jpg", "poster");
	want("https://h.example/v", "src");
	want("https://i.example/o.swf", "data");
	want("https://j.example/frame", "src");
	want("https://k.example/", "href");
	want("https://l.example/s.css", "href");
	assert_int_equal(f.n, 12);
	/* Refresh without "url=". */
	scan("<meta http-equiv=refresh content=\"5;https://m.example/\">");
	want("https://m.example/", "refresh");
	assert_int_equal(f.n, 1);
}

static void
test_anchor_text(void **state)
{
	int i;

	(void)state;
	scan("<p><a href=\"https://evil.example/\">  www.paypal.com\n\t<b>Log&nbsp;in</b>  </a>"
	     "<img src=\"https://x.example/i.gif\"></p>");
	i = find("https://evil.example/", "href");
	assert_true(i >= 0);
	assert_true(f.l[i].has_text);
	assert_string_equal(f.l[i].text, "www.paypal.com Log in");
	/* Visible text URLs are reported too, as text. */
	want("www.paypal.com", "text");
	i = find("https://x.example/i.gif", "src");
	assert_true(i >= 0);
	assert_false(f.l[i].has_text);
	/* An empty anchor has empty text; a long one is cut at 256 bytes. */
	scan("<a href=\"https://e.example/\"><img src=\"cid:logo\"></a>");
	i = find("https://e.example/", "href");
	assert_true(i >= 0 && f.l[i].has_text);
	assert_string_equal(f.l[i].text, "");
	{
		char doc[2000];
		size_t k;

		strcpy(doc, "<a href=\"https://long.example/\">");
		for (k = 0; k < 150; k++)
			strcat(doc, "\xc3\xa9"); /* 300 bytes of U+00E9 */
		strcat(doc, "</a>");
		scan(doc);
		i = find("https://long.example/", "href");
		assert_true(i >= 0);
		assert_int_equal(strlen(f.l[i].text), 256);
	}
}

static void
test_entities_and_syntax(void **state)
{
	(void)state;
	scan("<a href=\"https://a.example/?x=1&amp;y=2\">1</a>"
	     "<a href=\"https:&#x2F;&#x2F;evil.example&#47;p\">2</a>"
	     "<a href=https://unquoted.example/x?a=b>3</a>"
	     "<a href='https://single.example/'>4</a>");
	want("https://a.example/?x=1&y=2", "href");
	want("https://evil.example/p", "href");
	want("https://unquoted.example/x?a=b", "href");
	want("https://single.example/", "href");
	/* "<!-->" is an empty comment in HTML5: the link after it is live. */
	scan("<!--><a href=\"https://hidden.example/\">x</a>-->");
	want("https://hidden.example/", "href");
	scan("<!--->\n<a href=\"https://hidden2.example/\">x</a>");
	want("https://hidden2.example/", "href");
	/* A real comment hides its content. */
	assert_int_equal(scan("<!-- <a href=\"https://c.example/\">x</a> -->"), 0);
	assert_int_equal(f.n, 0);
	/* Spaces around and tabs/newlines inside the value go; controls (raw ones
	 * gumbo turns into U+FFFD, so from a character reference) are encoded. */
	scan("<a href=\"  https://ex\tam\nple.example/a\rb&#x1e;c \">x</a>");
	want("https://example.example/ab%1Ec", "href");
	/* href="www..." is taken as http by mail clients. */
	scan("<a href=\"www.fazenda.example/\">x</a>");
	want("www.fazenda.example/", "href");
}

static void
test_text_elements(void **state)
{
	(void)state;
	/* Markup inside <title> and <textarea> is text: found as text, never as href. */
	scan("<title><a href=\"https://t.example/\">x</a></title><body>"
	     "<textarea><a href=\"https://ta.example/\">y</a></textarea>"
	     "<p>Go to https://v.example/ now</p></body>");
	assert_int_equal(find("https://t.example/", "href"), -1);
	assert_int_equal(find("https://ta.example/", "href"), -1);
	want("https://t.example/", "text");
	want("https://ta.example/", "text");
	want("https://v.example/", "text");
	assert_int_equal(f.n, 3);
	/* Script and style content is not text. */
	assert_int_equal(scan("<script>var u = \"https://s.example/\";</script>"
			      "<style>body { background: url(https://st.example/b.png) }</style>"),
			 0);
	assert_int_equal(f.n, 0);
	/* Tags a browser drops (inside an unclosed <select>) are searched as raw text. */
	assert_int_equal(scan("<select><option>a<a href=\"https://sel.example/x\">b</a>"), 0);
	want("https://sel.example/x", "raw");
	assert_int_equal(find("https://sel.example/x", "href"), -1);
}

static void
test_skipped_and_base(void **state)
{
	(void)state;
	assert_int_equal(
	    scan("<a href=\"mailto:a@b.example\">m</a><a href=\"cid:part1\">c</a>"
		 "<a href=\"javascript:alert(1)\">j</a><a href=\"#top\">f</a>"
		 "<a href=\"\">e</a><a href=\"   \">s</a><a href=\"page.html\">r</a>"
		 "<a href=\"JavaScript:x\">J</a><img src=\"data:image/png;base64,AAAA\">"),
	    0);
	assert_int_equal(f.n, 0);
	/* data: in a link is reported (phishing pages ride in them). */
	scan("<a href=\"data:text/html;base64,PGgxPg==\">d</a>");
	want("data:text/html;base64,PGgxPg==", "href");
	/* Relative links resolve against <base href>, wherever it is. */
	scan("<a href=\"page.html?x=1\">1</a><a href=\"/abs\">2</a><a href=\"?q\">3</a>"
	     "<a href=\"//other.example/p\">4</a><base href=\"https://base.example/dir/f?a#b\">");
	want("https://base.example/dir/page.html?x=1", "href");
	want("https://base.example/abs", "href");
	want("https://base.example/dir/f?q", "href");
	want("https://other.example/p", "href");
	want("https://base.example/dir/f?a#b", "href");
	/* Only the first <base> counts; a relative one is ignored. */
	scan("<base href=\"https://one.example\"><base href=\"https://two.example/\">"
	     "<a href=\"x\">x</a>");
	want("https://one.example/x", "href");
	assert_int_equal(find("https://two.example/x", "href"), -1);
	assert_int_equal(scan("<base href=\"/rel/\"><a href=\"x\">x</a>"), 0);
	assert_int_equal(f.n, 0);
}

/* n copies of s followed by tail. */
static char *
repeat(const char *s, size_t n, const char *tail)
{
	size_t k = strlen(s), t = strlen(tail), i;
	char *p = malloc(k * n + t + 1);

	assert_non_null(p);
	for (i = 0; i < n; i++)
		memcpy(p + i * k, s, k);
	memcpy(p + n * k, tail, t + 1);
	return p;
}

static void
test_limits(void **state)
{
	char *doc;
	size_t n, k;

	(void)state;
	/* 10,000 nested elements: cut at the depth limit, the rest searched raw. */
	doc = repeat("<div>", 10000, "<a href=\"https://deep.example/\">x</a>");
	assert_int_equal(scan(doc), WARD_ELIMIT);
	want("https://deep.example/", "raw");
	free(doc);
	/* Just under the limit is parsed normally. */
	doc = repeat("<div>", WARD_LIMIT_HTML_DEPTH - 10, "<a href=\"https://d.example/\">x</a>");
	assert_int_equal(scan(doc), 0);
	want("https://d.example/", "href");
	free(doc);
	/* Properly closed nesting stays legal however long the document. */
	doc = repeat("<div><p>a</p></div>", 20000, "<a href=\"https://flat.example/\">x</a>");
	assert_int_equal(scan(doc), 0);
	want("https://flat.example/", "href");
	free(doc);
	/* Formatting elements closed early are re-created by HTML5 for every
	 * later text, all of them (only three alike are kept): they count
	 * towards the depth. */
	doc = repeat("<div><b id=1></div>", 2000, "<a href=\"https://fmt.example/\">x</a>");
	assert_int_equal(scan(doc), 0);
	want("https://fmt.example/", "href");
	free(doc);
	doc = malloc(2000 * 32 + 64);
	assert_non_null(doc);
	for (n = 0, k = 0; k < 2000; k++)
		n += (size_t)sprintf(doc + n, "<div><b id=%zu></div>x", k);
	strcpy(doc + n, "<a href=\"https://fmt.example/\">x</a>");
	assert_int_equal(scan(doc), WARD_ELIMIT);
	want("https://fmt.example/", "raw");
	free(doc);
	/* Shallow enough, but every end tag walks a deep stack: too much work. */
	doc = repeat("<span>", 500, "");
	n = strlen(doc);
	doc = realloc(doc, n + 4 * 40000 + 64);
	assert_non_null(doc);
	for (k = 0; k < 40000; k++)
		memcpy(doc + n + 4 * k, "</x>", 4);
	strcpy(doc + n + 4 * 40000, "<a href=\"https://work.example/\">x</a>");
	assert_int_equal(scan(doc), WARD_ELIMIT);
	want("https://work.example/", "raw");
	free(doc);
	/* Markup that makes the tree grow faster than the input (each font is
	 * re-created in every paragraph): past the memory budget the whole
	 * document is searched as raw text, the first link included. */
	doc = repeat("<p><font color=red>x</p>", 60000, "");
	memcpy(doc, "<a href=https://first.example/>", 31);
	assert_int_equal(scan(doc), WARD_ELIMIT);
	want("https://first.example/", "raw");
	assert_int_equal(find("https://first.example/", "href"), -1);
	free(doc);
	/* More nodes than the walk visits. */
	doc = repeat("<br>", WARD_LIMIT_HTML_NODES + 10, "<a href=\"https://many.example/\">x</a>");
	assert_int_equal(scan(doc), WARD_ELIMIT);
	want("https://many.example/", "raw");
	free(doc);
	/* Input past the size limit is not read. */
	n = WARD_LIMIT_HTML_SIZE + 100;
	doc = malloc(n + 1);
	assert_non_null(doc);
	memset(doc, ' ', n);
	memcpy(doc, "<a href=\"https://first.example/\">x</a>", 38);
	memcpy(doc + n - 30, "https://after.example/", 22);
	doc[n] = '\0';
	assert_int_equal(scan(doc), WARD_ELIMIT);
	want("https://first.example/", "href");
	assert_int_equal(f.n, 1);
	free(doc);
	assert_int_equal(ward_url_scan_html(NULL, 0, collect, &f), WARD_EINVAL);
	assert_int_equal(ward_url_scan_html("", 0, collect, &f), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_attributes),		cmocka_unit_test(test_anchor_text),
	    cmocka_unit_test(test_entities_and_syntax), cmocka_unit_test(test_text_elements),
	    cmocka_unit_test(test_skipped_and_base),	cmocka_unit_test(test_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
