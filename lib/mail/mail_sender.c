/*
 * Sender checks: who the message claims to be from against where it really
 * comes from. Executive and brand names on outside addresses, addresses
 * shown in the display name, look-alike letters from other scripts,
 * Reply-To diversions, look-alike sender domains, and the receiving
 * server's Authentication-Results.
 */
#define _GNU_SOURCE /* memmem, strcasestr */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <unicode/uspoof.h>

#include "mail_internal.h"

/* Words that may surround a brand in a sender name without changing who it claims to be. */
static const char *const generic_words[] = {
    "account",	    "accounts",
    "admin",	    "alert",
    "alerts",	    "app",
    "bank",	    "banking",
    "billing",	    "card",
    "care",	    "center",
    "centre",	    "client",
    "cloud",	    "co",
    "com",	    "community",
    "corp",	    "customer",
    "customers",    "delivery",
    "department",   "dept",
    "desk",	    "do",
    "document",	    "documents",
    "drive",	    "email",
    "exchange",	    "express",
    "file",	    "files",
    "from",	    "global",
    "gmbh",	    "help",
    "helpdesk",	    "id",
    "inc",	    "info",
    "information",  "international",
    "invoice",	    "japan",
    "kk",	    "llc",
    "ltd",	    "mail",
    "member",	    "members",
    "message",	    "messages",
    "news",	    "newsletter",
    "no",	    "noreply",
    "not",	    "notice",
    "notification", "notifications",
    "official",	    "online",
    "order",	    "orders",
    "pay",	    "payment",
    "payments",	    "prime",
    "reply",	    "report",
    "rewards",	    "sa",
    "secure",	    "security",
    "service",	    "services",
    "shipping",	    "shop",
    "sign",	    "signature",
    "storage",	    "store",
    "support",	    "system",
    "tax",	    "team",
    "the",	    "update",
    "updates",	    "usa",
    "verification", "verify",
    "wallet",	    "web",
    NULL,
};

static int
is_generic(const char *w, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)w[i]))
			break;
	if (i == n)
		return 1;
	for (i = 0; generic_words[i]; i++)
		if (strlen(generic_words[i]) == n && memcmp(generic_words[i], w, n) == 0)
			return 1;
	return 0;
}

/* Splits folded (single-spaced) text into word offsets; returns the count. */
static size_t
split_words(const char *s, size_t *start, size_t *len, size_t max)
{
	size_t n = 0, i = 0;

	while (s[i] && n < max) {
		size_t b = i;
		while (s[i] && s[i] != ' ')
			i++;
		start[n] = b;
		len[n++] = i - b;
		if (s[i] == ' ')
			i++;
	}
	return n;
}

static int
others_generic(const char *s, const size_t *start, const size_t *len, size_t n, size_t from,
	       size_t count)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((i < from || i >= from + count) && !is_generic(s + start[i], len[i]))
			return 0;
	return 1;
}

/* host is domain or one of its subdomains. */
static int
host_within(const char *host, const char *domain, size_t dn)
{
	size_t hn = strlen(host);

	if (hn < dn || memcmp(host + hn - dn, domain, dn) != 0)
		return 0;
	return hn == dn || host[hn - dn - 1] == '.';
}

/* Whether host belongs to one of the space-separated domains. */
static int
host_in_list(const char *host, const char *list)
{
	const char *p = list, *e;

	while (*p) {
		while (*p == ' ')
			p++;
		e = p;
		while (*e && *e != ' ')
			e++;
		if (e > p && host_within(host, p, (size_t)(e - p)))
			return 1;
		p = e;
	}
	return 0;
}

static void
check_executive(struct ward_mail_scanner *s, const char *folded, const char *addr, int internal)
{
	size_t i, n;
	const char *hit;

	if (internal || !s->n_execs)
		return;
	for (i = 0; i < s->n_execs; i++) {
		n = strlen(s->execs[i]);
		hit = strstr(folded, s->execs[i]);
		if (hit && (hit == folded || hit[-1] == ' ') && (hit[n] == '\0' || hit[n] == ' ')) {
			mail_report(s, &ward_check_mail_executive, "sender", addr,
				    s->mail->from.name, addr, NULL, "executive", s->execs[i],
				    "address", addr);
			return;
		}
	}
}

static void
check_brand(struct ward_mail_scanner *s, const char *folded, const char *dom, const char *addr,
	    int internal)
{
	size_t start[16], len[16], n, i, k;
	char gram[128];

	if (internal || !dom[0])
		return;
	n = split_words(folded, start, len, 16);
	if (n == 0 || n >= 16)
		return;
	/* Brands of the mail list, one to four words long. */
	for (k = 4; k >= 1; k--)
		for (i = 0; i + k <= n; i++) {
			size_t gl = start[i + k - 1] + len[i + k - 1] - start[i];
			uint32_t v;
			const char *entry, *bar;
			if (gl >= sizeof(gram))
				continue;
			memcpy(gram, folded + start[i], gl);
			gram[gl] = '\0';
			if (!ward_strmap_get(s->brands, gram, gl, &v) || v == 0)
				continue;
			if (!others_generic(folded, start, len, n, i, k))
				continue;
			entry = mail_builtin_brands[v - 1];
			bar = strchr(entry, '|');
			if (host_in_list(dom, bar + 1))
				return;
			{
				char brand[64];
				size_t bl = (size_t)(bar - entry);
				if (bl >= sizeof(brand))
					bl = sizeof(brand) - 1;
				memcpy(brand, entry, bl);
				brand[bl] = '\0';
				mail_report(s, &ward_check_mail_brand, "sender", addr,
					    s->mail->from.name, brand, addr, "brand", brand,
					    "domain", dom);
			}
			return;
		}
	/* Brands of the domain database (crypto exchanges and wallets). */
	for (i = 0; i < n; i++) {
		const char *id = NULL;
		int weak = 0;
		if (!ward_domain_brand_word(s->cfg.db, folded + start[i], len[i], &weak, &id) ||
		    !id)
			continue;
		if (!others_generic(folded, start, len, n, i, 1))
			continue;
		if (ward_domain_is_official_of(s->cfg.db, dom, id))
			return;
		mail_report(s, &ward_check_mail_brand, "sender", addr, s->mail->from.name, id, addr,
			    "brand", id, "domain", dom);
		return;
	}
}

/* An address written into the display name that is not the sender's own. */
static void
check_display_address(struct ward_mail_scanner *s, const char *name, const char *addr,
		      const char *reg)
{
	const char *at = strchr(name, '@');
	char shown[256], sdom[256], sreg[256];
	const char *b, *e;

	if (!at || !reg[0])
		return;
	for (b = at; b > name && !isspace((unsigned char)b[-1]) && !strchr("<(\"'", b[-1]); b--)
		;
	for (e = at + 1; *e && (isalnum((unsigned char)*e) || *e == '.' || *e == '-'); e++)
		;
	while (e > at + 1 && e[-1] == '.')
		e--;
	if ((size_t)(e - b) >= sizeof(shown) || !memchr(at, '.', (size_t)(e - at)))
		return;
	memcpy(shown, b, (size_t)(e - b));
	shown[e - b] = '\0';
	mail_addr_domain(shown, sdom, sizeof(sdom));
	mail_registrable(sdom, sreg, sizeof(sreg));
	if (!sreg[0] || strcmp(sreg, reg) == 0)
		return;
	mail_report(s, &ward_check_mail_display_address, "sender", addr, shown, addr, NULL, "shown",
		    shown, "address", addr);
}

/* Decodes one UTF-8 sequence; returns its length (1 for a bad byte). */
static size_t
utf8_next(const unsigned char *p, unsigned *cp)
{
	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if ((p[0] & 0xE0) == 0xC0 && (p[1] & 0xC0) == 0x80) {
		*cp = ((p[0] & 0x1Fu) << 6) | (p[1] & 0x3Fu);
		return 2;
	}
	if ((p[0] & 0xF0) == 0xE0 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80) {
		*cp = ((p[0] & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
		return 3;
	}
	*cp = 0xFFFD;
	return 1;
}

/*
 * Whether text written mostly in Latin letters has words carrying Cyrillic
 * or Greek letters that ICU's confusable skeleton turns into plain Latin
 * ("Urgеnt" with a Cyrillic е). Writes the word and its reading.
 */
static int
confusable_word(struct ward_mail_scanner *s, const char *text, char *word, size_t wsize,
		char *reads, size_t rsize)
{
	const unsigned char *p = (const unsigned char *)text;
	unsigned latin = 0, other = 0, cp;
	size_t i;

	for (i = 0; p[i];) {
		i += utf8_next(p + i, &cp);
		if ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z')
			latin++;
		else if (cp >= 0x370 && cp <= 0x52F)
			other++;
	}
	if (other == 0 || latin < other)
		return 0;
	for (i = 0; p[i];) {
		size_t b = i, e;
		int mixed = 0;
		while (p[i] && !isspace(p[i]))
			i++;
		e = i;
		while (p[i] && isspace(p[i]))
			i++;
		for (size_t k = b; k < e;) {
			k += utf8_next(p + k, &cp);
			if (cp >= 0x370 && cp <= 0x52F)
				mixed = 1;
		}
		if (!mixed || e - b >= wsize) {
			continue;
		}
		{
			UErrorCode err = U_ZERO_ERROR;
			int32_t n;
			size_t k;
			memcpy(word, text + b, e - b);
			word[e - b] = '\0';
			n = uspoof_getSkeletonUTF8(s->spoof, 0, word, (int32_t)(e - b), reads,
						   (int32_t)rsize, &err);
			if (U_FAILURE(err) || n <= 0)
				continue;
			for (k = 0; k < (size_t)n; k++)
				if ((unsigned char)reads[k] >= 0x80)
					break;
			if (k == (size_t)n)
				return 1;
		}
	}
	return 0;
}

static void
check_confusable(struct ward_mail_scanner *s, const struct ward_mail *m, const char *addr)
{
	char word[128], reads[256];

	if (m->from.name &&
	    confusable_word(s, m->from.name, word, sizeof(word), reads, sizeof(reads)))
		mail_report(s, &ward_check_mail_confusable_name, "sender", addr, N_("sender name"),
			    word, reads, "text", m->from.name, NULL, NULL);
	else if (m->subject &&
		 confusable_word(s, m->subject, word, sizeof(word), reads, sizeof(reads)))
		mail_report(s, &ward_check_mail_confusable_name, N_("subject"), m->subject,
			    N_("subject"), word, reads, "text", m->subject, NULL, NULL);
}

/* Mail of a mailing list, where a Reply-To to the list is the norm. */
static int
is_list_mail(const struct ward_mail_part *top)
{
	const char *prec = ward_mail_header_find(top, "Precedence", NULL);

	return ward_mail_header_find(top, "List-Id", NULL) ||
	       ward_mail_header_find(top, "List-Post", NULL) ||
	       ward_mail_header_find(top, "Mailing-List", NULL) ||
	       ward_mail_header_find(top, "X-Mailing-List", NULL) ||
	       ward_mail_header_find(top, "X-BeenThere", NULL) ||
	       (prec && (strcasestr(prec, "list") != NULL));
}

/* A reply address that is itself a list or group ("x@lists.example.net"). */
static int
is_list_address(const char *dom)
{
	return strncmp(dom, "lists.", 6) == 0 || strncmp(dom, "list.", 5) == 0 ||
	       strncmp(dom, "groups.", 7) == 0 || strstr(dom, ".lists.") != NULL ||
	       strstr(dom, "yahoogroups.") != NULL || strstr(dom, "googlegroups.") != NULL;
}

static void
check_reply_to(struct ward_mail_scanner *s, const struct ward_mail *m, const char *addr,
	       const char *reg)
{
	size_t i;
	char dom[256], rreg[256];

	if (!reg[0] || is_list_mail(&m->parts[0]))
		return;
	for (i = 0; i < m->n_reply_to; i++) {
		const char *ra = m->reply_to[i].addr;
		if (!ra || !ra[0])
			continue;
		mail_addr_domain(ra, dom, sizeof(dom));
		mail_registrable(dom, rreg, sizeof(rreg));
		if (!rreg[0] || strcmp(rreg, reg) == 0 || is_list_address(dom) ||
		    ward_strmap_get(s->internal, rreg, strlen(rreg), NULL))
			continue;
		/* A company's mail asking for replies at a free-mail account is the
		 * hallmark of business e-mail compromise: it weighs more. */
		if (ward_strmap_get(s->freemail, rreg, strlen(rreg), NULL) &&
		    !ward_strmap_get(s->freemail, reg, strlen(reg), NULL))
			mail_report_scored(s, &ward_check_mail_reply_to,
					   ward_check_mail_reply_to.score + 15, "sender", ra, ra,
					   addr, N_("free-mail address"), "reply_to", ra, "from",
					   addr);
		else
			mail_report(s, &ward_check_mail_reply_to, "sender", ra, ra, addr,
				    N_("another domain"), "reply_to", ra, "from", addr);
		return;
	}
}

static void
check_domain(struct ward_mail_scanner *s, const char *dom, const char *addr)
{
	struct ward_domain_result r;
	size_t i;

	if (!dom[0] || ward_domain_classify(s->cfg.db, (const uint8_t *)dom, strlen(dom), &r) < 0)
		return;
	if (r.verdict != WARD_VERDICT_LOOKALIKE && r.verdict != WARD_VERDICT_IOC &&
	    r.verdict != WARD_VERDICT_BLOCKLISTED)
		return;
	for (i = 0; i < r.n_hits; i++) {
		const struct ward_domain_hit *h = &r.hits[i];
		mail_report(s, &ward_check_mail_sender_lookalike, "sender", addr, dom,
			    h->brand ? h->brand : (h->ref ? h->ref : h->check->id), h->check->id,
			    "check", h->check->id, "detail", h->detail);
		return;
	}
}

static void
check_invalid(struct ward_mail_scanner *s, const char *addr, const char *dom)
{
	struct ward_domain_name n;

	if (!addr[0])
		return;
	if (!dom[0]) {
		mail_report(s, &ward_check_mail_sender_invalid, "sender", addr, addr,
			    N_("no domain"), NULL, NULL, NULL, NULL, NULL);
		return;
	}
	if (ward_domain_name_parse((const uint8_t *)dom, strlen(dom), &n) < 0 || !n.registrable ||
	    !strchr(dom, '.'))
		mail_report(s, &ward_check_mail_sender_invalid, "sender", addr, addr,
			    N_("no registrable domain"), NULL, NULL, NULL, NULL, NULL);
}

/* The topmost Authentication-Results (added by the receiving server): failures only. */
static void
check_auth_results(struct ward_mail_scanner *s, const struct ward_mail *m, const char *addr)
{
	static const char *const methods[] = {"spf=fail", "dmarc=fail", "compauth=fail",
					      "dkim=fail"};
	const char *ar = ward_mail_header_find(&m->parts[0], "Authentication-Results", NULL);
	char low[1024], what[128];
	size_t i, n;

	if (!ar)
		return;
	for (n = 0; ar[n] && n + 1 < sizeof(low); n++)
		low[n] = (char)tolower((unsigned char)ar[n]);
	low[n] = '\0';
	what[0] = '\0';
	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		const char *h = strstr(low, methods[i]);
		/* dkim=fail alone is common on forwarded mail; it counts only with another */
		if (h && (h == low || !isalnum((unsigned char)h[-1])) &&
		    !isalnum((unsigned char)h[strlen(methods[i])])) {
			if (i == 3 && !what[0])
				continue;
			if (what[0])
				strncat(what, " ", sizeof(what) - strlen(what) - 1);
			strncat(what, methods[i], sizeof(what) - strlen(what) - 1);
		}
	}
	/* Each further independent failure adds confidence that the sender is forged. */
	if (what[0]) {
		int fails = 1, score;
		for (i = 0; what[i]; i++)
			fails += what[i] == ' ';
		score = ward_check_mail_auth_fail.score + 10 * (fails - 1);
		if (score > ward_check_mail_auth_fail.score + 20)
			score = ward_check_mail_auth_fail.score + 20;
		mail_report_scored(s, &ward_check_mail_auth_fail, score, "sender", addr, addr, what,
				   NULL, "authentication_results", what, NULL, NULL);
	}
}

void
mail_check_sender(struct ward_mail_scanner *s, const struct ward_mail *m)
{
	const char *addr = m->has_from && m->from.addr ? m->from.addr : "";
	const char *name = m->has_from && m->from.name ? m->from.name : "";
	char dom[256], reg[256], folded[512];
	int internal;

	mail_addr_domain(addr, dom, sizeof(dom));
	mail_registrable(dom, reg, sizeof(reg));
	internal = reg[0] && ward_strmap_get(s->internal, reg, strlen(reg), NULL);
	mail_fold_name(name, folded, sizeof(folded));

	check_executive(s, folded, addr, internal);
	check_brand(s, folded, dom, addr, internal);
	check_display_address(s, name, addr, reg);
	check_confusable(s, m, addr);
	check_reply_to(s, m, addr, reg);
	if (!internal) {
		size_t i;
		check_domain(s, dom, addr);
		/* A diversion to a look-alike domain ("examplex-holdings.com"). */
		for (i = 0; i < m->n_reply_to && i < 4; i++) {
			char rdom[256];
			if (!m->reply_to[i].addr)
				continue;
			mail_addr_domain(m->reply_to[i].addr, rdom, sizeof(rdom));
			if (strcmp(rdom, dom) != 0)
				check_domain(s, rdom, m->reply_to[i].addr);
		}
		if (dom[0] && mail_host_listed(s->hosting, dom) &&
		    !ward_strmap_get(s->hosting, dom, strlen(dom), NULL))
			mail_report(s, &ward_check_mail_free_host, "sender", addr, addr, dom, NULL,
				    "domain", dom, NULL, NULL);
	}
	check_invalid(s, addr, dom);
	check_auth_results(s, m, addr);
}
