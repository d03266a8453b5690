/*
 * Attachment checks: each attachment is hashed and typed by content, and
 * the file analyser (ward/file.h) looks inside it: executables, scripts,
 * disk images, Office macros and objects, archives and what they hold.
 * Its hits are reported as findings about the attachment.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "mail_internal.h"

static void
sha256_hex(const uint8_t *p, size_t n, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0, i;

	out[0] = '\0';
	if (!EVP_Digest(p, n, md, &len, EVP_sha256(), NULL) || len != 32)
		return;
	for (i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static void
report_hits(struct ward_mail_scanner *s, const char *name, const struct ward_file_result *r,
	    const char *sha)
{
	char where[WARD_FILE_WHERE_MAX + 8];
	size_t i;

	for (i = 0; i < r->n_hits; i++) {
		const struct ward_file_hit *h = &r->hits[i];
		if (h->where[0])
			snprintf(where, sizeof(where), " (%s)", h->where);
		else
			where[0] = '\0';
		mail_report_scored(s, h->check, h->check->score, "attachment", name, name, where,
				   h->detail, "sha256", sha, h->where[0] ? "inside" : NULL,
				   h->where[0] ? h->where : NULL);
	}
}

/* Attachments of m; a message attached as a plain file (an .eml or an mbox
 * typed "mail" by content) is opened and its attachments judged too. */
static void
attachments_of(struct ward_mail_scanner *s, const struct ward_mail *m, const char *outer,
	       unsigned depth)
{
	struct ward_file_result r;
	char label[512];
	size_t i;

	for (i = 0; i < m->n_parts && s->n_atts < WARD_MAIL_MAX_ATTACHMENTS; i++) {
		const struct ward_mail_part *p = &m->parts[i];
		const uint8_t *body = p->body ? p->body : (const uint8_t *)"";
		struct ward_mail_attachment *a;
		const char *name;

		if (!ward_mail_part_is_attachment(p))
			continue;
		a = &s->atts[s->n_atts];
		memset(a, 0, sizeof(*a));
		name = p->filename ? p->filename : "";
		if (outer)
			snprintf(label, sizeof(label), "%s/%s", outer,
				 name[0] ? name : "(unnamed)");
		else
			snprintf(label, sizeof(label), "%s", name[0] ? name : "(unnamed)");
		a->name = strdup(outer ? label : name);
		if (!a->name)
			return;
		s->n_atts++;
		a->size = p->body_len;
		sha256_hex(body, p->body_len, a->sha256);
		memset(&r, 0, sizeof(r));
		ward_file_analyse(s->files, body, p->body_len, p->filename, &r);
		snprintf(a->type, sizeof(a->type), "%s", r.type[0] ? r.type : p->content_type);
		snprintf(a->kind, sizeof(a->kind), "%s", r.kind);
		report_hits(s, label, &r, a->sha256);
		if (strcmp(r.kind, "mail") == 0 && depth < 4) {
			struct ward_mail *inner = NULL;
			if (ward_mail_parse(body, p->body_len, &s->cfg.mail_limits, &inner) == 0)
				attachments_of(s, inner, label, depth + 1);
			ward_mail_free(inner);
		}
	}
}

void
mail_check_attachments(struct ward_mail_scanner *s, const struct ward_mail *m)
{
	attachments_of(s, m, NULL, 0);
}
