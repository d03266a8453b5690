/*
 * The mail scanner: parses a message, runs the sender, link, attachment and
 * wording checks, and turns what they found into a score and a verdict.
 * A check counts once per message (its best score), so fifty tracking links
 * weigh no more than one.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uspoof.h>

#include "ward/error.h"
#include "ward/i18n.h"
#include "limits.h"
#include "mail_internal.h"

void
ward_mail_scan_config_default(struct ward_mail_scan_config *c)
{
	memset(c, 0, sizeof(*c));
	c->suspicious_score = 50;
	c->malicious_score = 100;
	ward_mail_limits_default(&c->mail_limits);
	ward_file_limits_default(&c->file_limits);
}

void
mail_fold_name(const char *in, char *out, size_t size)
{
	size_t o = 0;
	int space = 0;

	for (; *in && o + 2 < size; in++) {
		unsigned char c = (unsigned char)*in;
		if (isalnum(c) || c >= 0x80) {
			if (space && o)
				out[o++] = ' ';
			space = 0;
			out[o++] = (char)tolower(c);
		} else {
			space = 1;
		}
	}
	out[o] = '\0';
}

void
mail_registrable(const char *host, char *out, size_t size)
{
	struct ward_domain_name n;

	out[0] = '\0';
	if (ward_domain_name_parse((const uint8_t *)host, strlen(host), &n) == 0 && n.registrable &&
	    n.registrable_len < size) {
		memcpy(out, n.registrable, n.registrable_len);
		out[n.registrable_len] = '\0';
	}
}

int
mail_host_listed(const struct ward_strmap *m, const char *host)
{
	const char *p = host;

	while (p && *p) {
		if (ward_strmap_get(m, p, strlen(p), NULL))
			return 1;
		p = strchr(p, '.');
		if (p)
			p++;
	}
	return 0;
}

void
mail_addr_domain(const char *addr, char *out, size_t size)
{
	const char *at = strrchr(addr, '@');
	size_t i = 0;

	if (at)
		for (at++; *at && *at != '>' && !isspace((unsigned char)*at) && i + 1 < size; at++)
			out[i++] = (char)tolower((unsigned char)*at);
	out[i] = '\0';
}

/* Adds the comma/space separated entries of list to m, lower-cased. */
static int
add_words(struct ward_strmap *m, const char *list, int registrable)
{
	char word[256], reg[256];
	const char *p = list, *e;

	while (p && *p) {
		while (*p == ',' || isspace((unsigned char)*p))
			p++;
		e = p;
		while (*e && *e != ',' && !isspace((unsigned char)*e))
			e++;
		if (e > p && (size_t)(e - p) < sizeof(word)) {
			size_t i, n = (size_t)(e - p);
			for (i = 0; i < n; i++)
				word[i] = (char)tolower((unsigned char)p[i]);
			word[n] = '\0';
			if (registrable) {
				mail_registrable(word, reg, sizeof(reg));
				if (reg[0] && ward_strmap_put(m, reg, strlen(reg), 1) < 0)
					return WARD_ENOMEM;
			}
			if (ward_strmap_put(m, word, n, 1) < 0)
				return WARD_ENOMEM;
		}
		p = e;
	}
	return 0;
}

static int
add_execs(struct ward_mail_scanner *s, const char *list)
{
	const char *p = list, *e;
	char name[256], folded[256];

	while (p && *p) {
		e = strchr(p, ',');
		if (!e)
			e = p + strlen(p);
		if ((size_t)(e - p) < sizeof(name)) {
			memcpy(name, p, (size_t)(e - p));
			name[e - p] = '\0';
			mail_fold_name(name, folded, sizeof(folded));
			if (strchr(folded,
				   ' ')) { /* a full name; a lone first name is too common */
				char **n = realloc(s->execs, (s->n_execs + 1) * sizeof(*n));
				if (!n)
					return WARD_ENOMEM;
				s->execs = n;
				if (!(s->execs[s->n_execs] = strdup(folded)))
					return WARD_ENOMEM;
				s->n_execs++;
			}
		}
		p = *e ? e + 1 : e;
	}
	return 0;
}

struct ward_mail_scanner *
ward_mail_scanner_new(const struct ward_mail_scan_config *c)
{
	struct ward_mail_scanner *s = calloc(1, sizeof(*s));
	UErrorCode err = U_ZERO_ERROR;
	size_t i;

	if (!s)
		return NULL;
	s->cfg = *c;
	ward_buf_init(&s->scratch);
	s->files = ward_file_ctx_new(&c->file_limits);
	s->internal = ward_strmap_new();
	s->freemail = ward_strmap_new();
	s->filehosts = ward_strmap_new();
	s->hosting = ward_strmap_new();
	s->brands = ward_strmap_new();
	if (!s->files || !s->internal || !s->freemail || !s->filehosts || !s->hosting || !s->brands)
		goto fail;
	if (add_execs(s, c->executives) < 0 || add_words(s->internal, c->internal_domains, 1) < 0 ||
	    add_words(s->freemail, c->freemail, 0) < 0 ||
	    add_words(s->filehosts, c->file_hosts, 0) < 0)
		goto fail;
	for (i = 0; mail_builtin_freemail[i]; i++)
		if (add_words(s->freemail, mail_builtin_freemail[i], 0) < 0)
			goto fail;
	for (i = 0; mail_builtin_filehosts[i]; i++)
		if (add_words(s->filehosts, mail_builtin_filehosts[i], 0) < 0)
			goto fail;
	for (i = 0; mail_builtin_hosting[i]; i++)
		if (add_words(s->hosting, mail_builtin_hosting[i], 0) < 0)
			goto fail;
	for (i = 0; mail_builtin_brands[i]; i++) {
		const char *bar = strchr(mail_builtin_brands[i], '|');
		char folded[128], name[128];
		size_t n = bar ? (size_t)(bar - mail_builtin_brands[i]) : 0;
		if (!n || n >= sizeof(name))
			continue;
		memcpy(name, mail_builtin_brands[i], n);
		name[n] = '\0';
		mail_fold_name(name, folded, sizeof(folded));
		if (ward_strmap_put(s->brands, folded, strlen(folded), (uint32_t)i + 1) < 0)
			goto fail;
	}
	/* Look every message up once now, so worker threads only read the table. */
	for (i = 0; ward_mail_checks[i]; i++)
		ward_i18n_ja(ward_mail_checks[i]->message);
	for (i = 0; ward_file_checks[i]; i++)
		ward_i18n_ja(ward_file_checks[i]->message);
	for (i = 0; mail_phrases[i]; i++)
		ward_i18n_ja(mail_phrases[i]);
	s->spoof = uspoof_open(&err);
	if (U_FAILURE(err))
		goto fail;
	uspoof_setChecks(s->spoof, USPOOF_MIXED_SCRIPT_CONFUSABLE | USPOOF_RESTRICTION_LEVEL, &err);
	uspoof_setRestrictionLevel(s->spoof, USPOOF_HIGHLY_RESTRICTIVE);
	if (U_FAILURE(err))
		goto fail;
	return s;
fail:
	ward_mail_scanner_free(s);
	return NULL;
}

static void
reset_message(struct ward_mail_scanner *s)
{
	size_t i;

	ward_mail_free(s->mail);
	s->mail = NULL;
	ward_strmap_free(s->url_seen);
	s->url_seen = NULL;
	for (i = 0; i < s->n_urls; i++)
		free(s->urls[i]);
	s->n_urls = 0;
	for (i = 0; i < s->n_atts; i++)
		free(s->atts[i].name);
	s->n_atts = 0;
	s->n_seen = 0;
	s->n_findings = 0;
}

void
ward_mail_scanner_free(struct ward_mail_scanner *s)
{
	size_t i;

	if (!s)
		return;
	reset_message(s);
	free(s->urls);
	for (i = 0; i < s->n_execs; i++)
		free(s->execs[i]);
	free(s->execs);
	ward_strmap_free(s->internal);
	ward_strmap_free(s->freemail);
	ward_strmap_free(s->filehosts);
	ward_strmap_free(s->hosting);
	ward_strmap_free(s->brands);
	if (s->spoof)
		uspoof_close(s->spoof);
	ward_file_ctx_free(s->files);
	ward_buf_free(&s->scratch);
	free(s);
}

void
mail_report_scored(struct ward_mail_scanner *s, const struct ward_check *c, int score,
		   const char *object_kind, const char *object_name, const char *a1, const char *a2,
		   const char *a3, const char *k1, const char *v1, const char *k2, const char *v2)
{
	struct ward_finding f;
	size_t i;

	ward_finding_init(&f, c);
	f.score = score;
	f.subject_kind = "mail";
	f.subject_path = s->path;
	f.subject_id = s->message_id;
	f.object_kind = object_kind;
	f.object_name = object_name;
	if (a1)
		ward_finding_arg(&f, a1);
	if (a1 && a2)
		ward_finding_arg(&f, a2);
	if (a1 && a2 && a3)
		ward_finding_arg(&f, a3);
	if (k1 && v1)
		ward_finding_evidence(&f, k1, v1);
	if (k2 && v2)
		ward_finding_evidence(&f, k2, v2);
	for (i = 0; i < s->n_seen; i++)
		if (s->seen_checks[i] == c)
			break;
	if (i < s->n_seen) {
		if (score > s->seen_scores[i])
			s->seen_scores[i] = score;
	} else if (s->n_seen < sizeof(s->seen_checks) / sizeof(s->seen_checks[0])) {
		s->seen_checks[s->n_seen] = c;
		s->seen_scores[s->n_seen++] = score;
	}
	s->n_findings++;
	if (s->fn)
		s->fn(s->fn_ctx, &f);
}

void
mail_report(struct ward_mail_scanner *s, const struct ward_check *c, const char *object_kind,
	    const char *object_name, const char *a1, const char *a2, const char *a3, const char *k1,
	    const char *v1, const char *k2, const char *v2)
{
	mail_report_scored(s, c, c->score, object_kind, object_name, a1, a2, a3, k1, v1, k2, v2);
}

int
ward_mail_scan(struct ward_mail_scanner *s, const uint8_t *p, size_t n, const char *path,
	       size_t index, ward_mail_finding_fn fn, void *ctx, struct ward_mail_report *rep)
{
	int rc, score = 0;
	size_t i;

	(void)index;
	reset_message(s);
	memset(rep, 0, sizeof(*rep));
	rep->verdict = "clean";
	rc = ward_mail_parse(p, n, &s->cfg.mail_limits, &s->mail);
	if (rc < 0)
		return rc;
	s->url_seen = ward_strmap_new();
	if (!s->url_seen)
		return WARD_ENOMEM;
	s->path = path;
	s->message_id = s->mail->message_id && s->mail->message_id[0] ? s->mail->message_id : NULL;
	s->fn = fn;
	s->fn_ctx = ctx;

	mail_check_sender(s, s->mail);
	mail_check_links(s, s->mail);
	mail_check_attachments(s, s->mail);
	mail_check_lure(s, s->mail);

	for (i = 0; i < s->n_seen; i++)
		score += s->seen_scores[i];
	rep->score = score;
	rep->verdict = score >= s->cfg.malicious_score	  ? "malicious"
		       : score >= s->cfg.suspicious_score ? "suspicious"
							  : "clean";
	rep->n_findings = s->n_findings;
	rep->urls = (const char *const *)s->urls;
	rep->n_urls = s->n_urls;
	rep->attachments = s->atts;
	rep->n_attachments = s->n_atts;
	rep->mail = s->mail;
	s->fn = NULL;
	return 0;
}

void
ward_mail_report_artifacts(const struct ward_mail_report *rep, struct ward_buf *b)
{
	size_t i;

	if (rep->mail && rep->mail->message_id && rep->mail->message_id[0]) {
		ward_buf_adds(b, "\"message_id\":");
		ward_buf_json_cstr(b, rep->mail->message_id);
		ward_buf_addc(b, ',');
	}
	if (rep->mail && rep->mail->has_from) {
		ward_buf_adds(b, "\"from\":");
		ward_buf_json_cstr(b, rep->mail->from.addr ? rep->mail->from.addr : "");
		ward_buf_addc(b, ',');
	}
	if (rep->mail && rep->mail->subject) {
		ward_buf_adds(b, "\"subject\":");
		ward_buf_json_cstr(b, rep->mail->subject);
		ward_buf_addc(b, ',');
	}
	ward_buf_adds(b, "\"urls\":[");
	for (i = 0; i < rep->n_urls; i++) {
		if (i)
			ward_buf_addc(b, ',');
		ward_buf_json_cstr(b, rep->urls[i]);
	}
	ward_buf_adds(b, "],\"attachments\":[");
	for (i = 0; i < rep->n_attachments; i++) {
		const struct ward_mail_attachment *a = &rep->attachments[i];
		if (i)
			ward_buf_addc(b, ',');
		ward_buf_adds(b, "{\"name\":");
		ward_buf_json_cstr(b, a->name ? a->name : "");
		ward_buf_adds(b, ",\"type\":");
		ward_buf_json_cstr(b, a->type);
		ward_buf_adds(b, ",\"kind\":");
		ward_buf_json_cstr(b, a->kind);
		ward_buf_printf(b, ",\"size\":%zu,\"sha256\":", a->size);
		ward_buf_json_cstr(b, a->sha256);
		ward_buf_addc(b, '}');
	}
	ward_buf_addc(b, ']');
	if (rep->mail)
		ward_buf_printf(b, ",\"parts\":%zu,\"defects\":%u", rep->mail->n_parts,
				rep->mail->defects);
}
