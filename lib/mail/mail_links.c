/*
 * Link checks: every URL of every text part (plain text and HTML, raw
 * leftovers included) is collected once, unwrapped from redirectors, and
 * judged: look-alike, listed, IOC or new host through domain intelligence,
 * link text naming another domain, IP literals, userinfo tricks,
 * shorteners, documents parked on outside file-share and hosting services,
 * and HTML forms that ask for a password.
 */
#define _GNU_SOURCE /* memmem, strcasestr */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ward/url.h"
#include "mail_internal.h"

struct link_ctx {
	struct ward_mail_scanner *s;
	const char *from_reg;
	int sender_internal;
	int depth; /* unwrapping depth */
};

static int
store_url(struct ward_mail_scanner *s, const char *url, size_t n)
{
	char *copy;

	if (ward_strmap_get(s->url_seen, url, n, NULL))
		return 0;
	if (s->n_urls >= WARD_MAIL_MAX_URLS)
		return 0;
	if (ward_strmap_put(s->url_seen, url, n, 1) < 0)
		return 0;
	if (s->n_urls == s->cap_urls) {
		size_t cap = s->cap_urls ? s->cap_urls * 2 : 16;
		char **u = realloc(s->urls, cap * sizeof(*u));
		if (!u)
			return 0;
		s->urls = u;
		s->cap_urls = cap;
	}
	copy = malloc(n + 1);
	if (!copy)
		return 0;
	memcpy(copy, url, n);
	copy[n] = '\0';
	s->urls[s->n_urls++] = copy;
	return 1;
}

/* A path or link text that reads like a document being handed over. */
static int
looks_like_document(const char *path, size_t n, const char *text)
{
	static const char *const words[] = {
	    ".pdf",	     ".doc",	  ".xls",	  ".ppt",      ".zip",
	    ".rar",	     ".7z",	  ".iso",	  ".img",      ".exe",
	    ".msi",	     ".dmg",	  ".pkg",	  ".apk",      ".lnk",
	    ".one",	     ".htm",	  "/file/",	  "/document", "/spreadsheets",
	    "/presentation", "/download", "/s/",	  "/scl/",     "/drive/",
	    "/folders/",     "invoice",	  "contract",	  "payment",   "salary",
	    "document",	     "statement", "confidential", "proposal",  "shared",
	    "view",	     "download",  "file",	  NULL};
	char low[512];
	size_t i, k;

	for (k = 0; k < 2; k++) {
		const char *src = k ? text : path;
		size_t len = k ? (text ? strlen(text) : 0) : n;
		if (!src)
			continue;
		if (len >= sizeof(low))
			len = sizeof(low) - 1;
		for (i = 0; i < len; i++)
			low[i] = (char)tolower((unsigned char)src[i]);
		low[len] = '\0';
		for (i = 0; words[i]; i++)
			if (strstr(low, words[i]))
				return 1;
	}
	return 0;
}

static void
check_host(struct link_ctx *lc, const char *url, const struct ward_url *u)
{
	struct ward_mail_scanner *s = lc->s;
	struct ward_domain_result r;
	size_t i;

	if (!u->host[0] || (u->flags & WARD_URL_IP))
		return;
	if (ward_domain_classify(s->cfg.db, (const uint8_t *)u->host, strlen(u->host), &r) < 0)
		return;
	for (i = 0; i < r.n_hits; i++) {
		const struct ward_domain_hit *h = &r.hits[i];
		const struct ward_check *c;
		if (h->check == &ward_check_domain_ioc)
			c = &ward_check_mail_link_ioc;
		else if (h->check == &ward_check_domain_blocklist)
			c = &ward_check_mail_link_listed;
		else if (h->check == &ward_check_domain_new)
			c = &ward_check_mail_link_new;
		else
			c = &ward_check_mail_link_lookalike;
		if (c == &ward_check_mail_link_lookalike)
			mail_report(s, c, "url", url, u->host, h->brand ? h->brand : "?",
				    h->check->id, "host", u->host, "detail", h->detail);
		else
			mail_report(s, c, "url", url, u->host,
				    h->ref ? h->ref : (h->detail[0] ? h->detail : "list"), NULL,
				    "host", u->host, "detail", h->detail);
	}
}

/*
 * The domain a piece of link text shows, when the text is written as an
 * address the reader will take for the destination: "https://a.b/c" or
 * "www.paypal.com/login". Names in prose ("Dilbert.com", "here.") are not:
 * newsletters link them through click trackers all the time.
 */
static int
text_domain(const char *text, size_t n, char *out, size_t size)
{
	size_t i = 0, b, e;
	struct ward_url u;

	while (i < n && isspace((unsigned char)text[i]))
		i++;
	b = i;
	while (i < n && !isspace((unsigned char)text[i]))
		i++;
	e = i;
	while (i < n && isspace((unsigned char)text[i]))
		i++;
	if (i != n || e == b) /* one word only */
		return 0;
	if (!(e - b > 4 && strncasecmp(text + b, "www.", 4) == 0) &&
	    !memmem(text + b, e - b, "://", 3))
		return 0;
	if (ward_url_parse(text + b, e - b, &u) < 0 || !u.host[0] || !strchr(u.host, '.') ||
	    (u.flags & WARD_URL_IP))
		return 0;
	mail_registrable(u.host, out, size);
	return out[0] != 0;
}

static void link_found(void *ctx, const char *url, size_t n, const char *text, size_t tn,
		       const char *where);

static void
judge(struct link_ctx *lc, const char *url, size_t n, const char *text, size_t tn)
{
	struct ward_mail_scanner *s = lc->s;
	struct ward_url u;
	char reg[256], target[2048];
	size_t tl;

	if (ward_url_parse(url, n, &u) < 0)
		return;
	if (u.flags & WARD_URL_DATA)
		return;
	mail_registrable(u.host, reg, sizeof(reg));
	if (u.flags & WARD_URL_IP)
		mail_report(s, &ward_check_mail_link_ip, "url", url, u.host,
			    (u.flags & WARD_URL_IP_OBFUSCATED) ? N_("written in disguise")
							       : N_("no host name"),
			    NULL, "host", u.host, NULL, NULL);
	if (u.flags & WARD_URL_USERINFO) {
		char shown[256];
		const char *p = strstr(url, "//");
		const char *at = memchr(url, '@', n);
		size_t sl;
		p = p ? p + 2 : url;
		sl = at && at > p ? (size_t)(at - p) : 0;
		if (sl >= sizeof(shown))
			sl = sizeof(shown) - 1;
		memcpy(shown, p, sl);
		shown[sl] = '\0';
		mail_report(s, &ward_check_mail_link_userinfo, "url", url, url, shown, u.host,
			    "host", u.host, NULL, NULL);
	}
	if (u.flags & WARD_URL_SHORTENER)
		mail_report(s, &ward_check_mail_link_shortener, "url", url, u.host, NULL, NULL,
			    "host", u.host, NULL, NULL);
	check_host(lc, url, &u);
	if (!lc->sender_internal && u.host[0] &&
	    !ward_strmap_get(s->internal, reg, strlen(reg), NULL)) {
		/* The platform's own name counts only with a path: buckets and gateways
		 * (storage.googleapis.com/BUCKET/..., ipfs.io/ipfs/CID) carry the tenant there. */
		int own = ward_strmap_get(s->hosting, u.host, strlen(u.host), NULL);
		if (mail_host_listed(s->hosting, u.host) && (!own || u.path_len > 1))
			mail_report(s, &ward_check_mail_link_file_share, "url", url, u.host,
				    N_("a site anyone can publish"), NULL, "host", u.host, NULL,
				    NULL);
		else if (mail_host_listed(s->filehosts, u.host) &&
			 looks_like_document(u.path, u.path_len, text))
			mail_report(s, &ward_check_mail_link_file_share, "url", url, u.host,
				    N_("a shared document"), NULL, "host", u.host, NULL, NULL);
	}
	if (text && tn) {
		char treg[256];
		if (text_domain(text, tn, treg, sizeof(treg)) && reg[0] && strcmp(treg, reg) != 0 &&
		    !(u.flags & WARD_URL_REDIRECT)) {
			char shown[256];
			size_t k = tn < sizeof(shown) - 1 ? tn : sizeof(shown) - 1;
			memcpy(shown, text, k);
			shown[k] = '\0';
			mail_report(s, &ward_check_mail_link_text, "url", url, shown, u.host, NULL,
				    "text", shown, "host", u.host);
		}
	}
	/* A redirector carrying its target: the target is a link of the message too. */
	if (lc->depth < 3 && (tl = ward_url_unwrap(url, n, &u, target, sizeof(target))) > 0) {
		lc->depth++;
		link_found(lc, target, tl, text, tn, "unwrapped");
		lc->depth--;
	}
}

static void
link_found(void *ctx, const char *url, size_t n, const char *text, size_t tn, const char *where)
{
	struct link_ctx *lc = ctx;

	(void)where;
	if (n == 0 || n > 8192)
		return;
	if (store_url(lc->s, url, n))
		judge(lc, url, n, text, tn);
	else if (text && tn) {
		/* Seen before, but this anchor's text may still disagree with it. */
		struct ward_url u;
		char reg[256], treg[256];
		if (ward_url_parse(url, n, &u) == 0) {
			mail_registrable(u.host, reg, sizeof(reg));
			if (reg[0] && text_domain(text, tn, treg, sizeof(treg)) &&
			    strcmp(treg, reg) != 0 && !(u.flags & WARD_URL_REDIRECT)) {
				char shown[256];
				size_t k = tn < sizeof(shown) - 1 ? tn : sizeof(shown) - 1;
				memcpy(shown, text, k);
				shown[k] = '\0';
				mail_report(lc->s, &ward_check_mail_link_text, "url", url, shown,
					    u.host, NULL, "text", shown, "host", u.host);
			}
		}
	}
}

struct form_ctx {
	char action[256];
};

static void
form_action(void *ctx, const char *url, size_t n, const char *text, size_t tn, const char *where)
{
	struct form_ctx *fc = ctx;
	struct ward_url u;

	(void)text;
	(void)tn;
	if (strcmp(where, "action") == 0 && !fc->action[0] && ward_url_parse(url, n, &u) == 0)
		snprintf(fc->action, sizeof(fc->action), "%s", u.host);
}

/* An HTML body or attachment with a form that takes a password. */
static void
check_form(struct ward_mail_scanner *s, const struct ward_mail_part *part)
{
	struct form_ctx fc;

	/* part->text is NUL-terminated; a form without a password field is no lure. */
	if (!strcasestr(part->text, "<form") || !strcasestr(part->text, "password"))
		return;
	if (!strcasestr(part->text, "type=\"password\"") &&
	    !strcasestr(part->text, "type='password'") && !strcasestr(part->text, "type=password"))
		return;
	memset(&fc, 0, sizeof(fc));
	ward_url_scan_html(part->text, part->text_len, form_action, &fc);
	mail_report(s, &ward_check_mail_html_form, part->filename ? "attachment" : "body",
		    part->filename ? part->filename : "html",
		    part->filename ? part->filename : N_("HTML body"),
		    fc.action[0] ? fc.action : N_("the page itself"), NULL, "action",
		    fc.action[0] ? fc.action : "", NULL, NULL);
}

void
mail_check_links(struct ward_mail_scanner *s, const struct ward_mail *m)
{
	struct link_ctx lc;
	char dom[256], reg[256];
	size_t i;

	mail_addr_domain(m->has_from && m->from.addr ? m->from.addr : "", dom, sizeof(dom));
	mail_registrable(dom, reg, sizeof(reg));
	lc.s = s;
	lc.from_reg = reg;
	lc.sender_internal = reg[0] && ward_strmap_get(s->internal, reg, strlen(reg), NULL);
	lc.depth = 0;
	for (i = 0; i < m->n_parts; i++) {
		const struct ward_mail_part *p = &m->parts[i];
		if (!p->text || p->is_multipart || p->is_message)
			continue;
		if (p->content_type && strstr(p->content_type, "html")) {
			ward_url_scan_html(p->text, p->text_len, link_found, &lc);
			check_form(s, p);
		} else {
			ward_url_scan_text(p->text, p->text_len, link_found, &lc);
		}
	}
}
