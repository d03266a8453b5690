/*
 * Finding writers. Records are assembled in one reusable buffer and written
 * with one fwrite per flush, so a million-line scan costs no per-record
 * system call.
 */
#include <stdlib.h>
#include <string.h>

#include "ward/buf.h"
#include "ward/error.h"
#include "ward/output.h"

#define FLUSH_AT (64 * 1024)

struct ward_out {
	FILE *fp;
	enum ward_format fmt;
	enum ward_lang lang;
	int color;
	int error;
	struct ward_buf b;
};

int
ward_format_parse(const char *s, enum ward_format *out)
{
	if (!s)
		return WARD_EINVAL;
	if (strcmp(s, "text") == 0)
		*out = WARD_FORMAT_TEXT;
	else if (strcmp(s, "json") == 0 || strcmp(s, "jsonl") == 0)
		*out = WARD_FORMAT_JSON;
	else if (strcmp(s, "tsv") == 0)
		*out = WARD_FORMAT_TSV;
	else
		return WARD_EINVAL;
	return 0;
}

struct ward_out *
ward_out_new(FILE *fp, enum ward_format fmt, enum ward_lang lang, int color)
{
	struct ward_out *o = calloc(1, sizeof(*o));

	if (!o)
		return NULL;
	o->fp = fp;
	o->fmt = fmt;
	o->lang = lang;
	o->color = color;
	ward_buf_init(&o->b);
	return o;
}

struct ward_out *
ward_out_new_like(FILE *fp, const struct ward_out *model)
{
	return ward_out_new(fp, model->fmt, model->lang, model->color);
}

int
ward_out_flush(struct ward_out *o)
{
	if (ward_buf_failed(&o->b))
		o->error = 1;
	if (o->b.len && fwrite(o->b.p, 1, o->b.len, o->fp) != o->b.len)
		o->error = 1;
	ward_buf_reset(&o->b);
	if (fflush(o->fp) != 0)
		o->error = 1;
	return o->error ? WARD_EIO : 0;
}

void
ward_out_free(struct ward_out *o)
{
	if (!o)
		return;
	ward_buf_free(&o->b);
	free(o);
}

enum ward_format
ward_out_format(const struct ward_out *o)
{
	return o->fmt;
}

static void
maybe_flush(struct ward_out *o)
{
	if (o->b.len < FLUSH_AT)
		return;
	if (fwrite(o->b.p, 1, o->b.len, o->fp) != o->b.len)
		o->error = 1;
	ward_buf_reset(&o->b);
}

static void
json_kv_str(struct ward_buf *b, const char *k, const char *v)
{
	ward_buf_json_cstr(b, k);
	ward_buf_addc(b, ':');
	ward_buf_json_cstr(b, v);
}

static void
finding_json(struct ward_out *o, const struct ward_finding *f, const char *en, const char *ja)
{
	struct ward_buf *b = &o->b;
	size_t i;

	ward_buf_adds(b, "{\"type\":\"finding\",");
	json_kv_str(b, "check", f->check->id);
	ward_buf_addc(b, ',');
	json_kv_str(b, "severity", ward_severity_name(f->check->severity));
	ward_buf_printf(b, ",\"score\":%d,", f->score);
	json_kv_str(b, "countermeasure", f->check->countermeasure);
	ward_buf_addc(b, ',');
	json_kv_str(b, "attack", f->check->attack);
	ward_buf_adds(b, ",\"subject\":{");
	json_kv_str(b, "kind", f->subject_kind ? f->subject_kind : "input");
	if (f->subject_path) {
		ward_buf_addc(b, ',');
		json_kv_str(b, "path", f->subject_path);
	}
	if (f->subject_line > 0)
		ward_buf_printf(b, ",\"line\":%ld", f->subject_line);
	if (f->subject_id) {
		ward_buf_addc(b, ',');
		json_kv_str(b, "message_id", f->subject_id);
	}
	ward_buf_adds(b, "},\"object\":{");
	json_kv_str(b, "kind", f->object_kind ? f->object_kind : "unknown");
	if (f->object_name) {
		ward_buf_addc(b, ',');
		json_kv_str(b, "name", f->object_name);
	}
	ward_buf_adds(b, "},\"evidence\":{");
	for (i = 0; i < f->n_evidence; i++) {
		if (i)
			ward_buf_addc(b, ',');
		json_kv_str(b, f->evidence[i].key, f->evidence[i].value);
	}
	ward_buf_adds(b, "},");
	json_kv_str(b, "message", en);
	ward_buf_addc(b, ',');
	json_kv_str(b, "message_ja", ja);
	ward_buf_adds(b, "}\n");
}

static const char *
sev_color(enum ward_severity s)
{
	switch (s) {
	case WARD_SEV_CRITICAL:
		return "\033[1;31m";
	case WARD_SEV_HIGH:
		return "\033[31m";
	case WARD_SEV_MEDIUM:
		return "\033[33m";
	case WARD_SEV_LOW:
		return "\033[36m";
	default:
		return "\033[2m";
	}
}

static void
finding_text(struct ward_out *o, const struct ward_finding *f, const char *msg)
{
	struct ward_buf *b = &o->b;
	const char *sev = ward_severity_name(f->check->severity);

	if (o->color)
		ward_buf_adds(b, sev_color(f->check->severity));
	ward_buf_printf(b, "%-8s", sev);
	if (o->color)
		ward_buf_adds(b, "\033[0m");
	ward_buf_printf(b, " %-28s %-5s ", f->check->id, f->check->countermeasure);
	ward_buf_tsv_field(b, msg);
	if (f->subject_path) {
		ward_buf_adds(b, "  [");
		ward_buf_tsv_field(b, f->subject_path);
		if (f->subject_line > 0)
			ward_buf_printf(b, ":%ld", f->subject_line);
		ward_buf_addc(b, ']');
	}
	ward_buf_addc(b, '\n');
}

static void
finding_tsv(struct ward_out *o, const struct ward_finding *f, const char *msg)
{
	struct ward_buf *b = &o->b;

	ward_buf_tsv_field(b, f->check->id);
	ward_buf_addc(b, '\t');
	ward_buf_tsv_field(b, ward_severity_name(f->check->severity));
	ward_buf_addc(b, '\t');
	ward_buf_tsv_field(b, f->check->countermeasure);
	ward_buf_addc(b, '\t');
	ward_buf_tsv_field(b, f->object_name ? f->object_name : "");
	ward_buf_addc(b, '\t');
	ward_buf_tsv_field(b, msg);
	ward_buf_addc(b, '\n');
}

/* A fixed phrase ("another domain"): lower-case words only. Names, addresses and
 * URLs never are, and are never looked up. */
static int
is_phrase(const char *s)
{
	size_t n = 0;

	if (!s || !*s)
		return 0;
	for (; s[n]; n++)
		if (!((s[n] >= 'a' && s[n] <= 'z') || s[n] == ' ' || s[n] == '-') || n > 48)
			return 0;
	return 1;
}

void
ward_out_finding(struct ward_out *o, const struct ward_finding *f)
{
	char en[1024], ja[1024];

	ward_i18n_format(en, sizeof(en), f->check->message, f->args, f->n_args);
	if (o->fmt == WARD_FORMAT_JSON || o->lang == WARD_LANG_JA) {
		/* Fixed phrases passed as arguments ("another domain") have catalog
		 * entries of their own; names and addresses pass through unchanged. */
		const char *args_ja[WARD_FINDING_MAX_ARGS];
		size_t i;
		for (i = 0; i < f->n_args && i < WARD_FINDING_MAX_ARGS; i++)
			args_ja[i] = is_phrase(f->args[i]) ? ward_i18n_ja(f->args[i]) : f->args[i];
		ward_i18n_format(ja, sizeof(ja), ward_i18n_ja(f->check->message), args_ja, i);
	} else
		ja[0] = '\0';
	switch (o->fmt) {
	case WARD_FORMAT_JSON:
		finding_json(o, f, en, ja);
		break;
	case WARD_FORMAT_TSV:
		finding_tsv(o, f, o->lang == WARD_LANG_JA ? ja : en);
		break;
	default:
		finding_text(o, f, o->lang == WARD_LANG_JA ? ja : en);
	}
	maybe_flush(o);
}

void
ward_out_verdict(struct ward_out *o, const char *subject_kind, const char *subject_name,
		 const char *verdict, int score, const char *artifacts_json)
{
	struct ward_buf *b = &o->b;

	if (o->fmt == WARD_FORMAT_JSON) {
		ward_buf_adds(b, "{\"type\":\"verdict\",\"subject\":{");
		json_kv_str(b, "kind", subject_kind);
		ward_buf_addc(b, ',');
		json_kv_str(b, "name", subject_name);
		ward_buf_adds(b, "},");
		json_kv_str(b, "verdict", verdict);
		ward_buf_printf(b, ",\"score\":%d", score);
		if (artifacts_json) {
			ward_buf_adds(b, ",\"artifacts\":{");
			ward_buf_adds(b, artifacts_json);
			ward_buf_addc(b, '}');
		}
		ward_buf_adds(b, "}\n");
	} else {
		ward_buf_printf(b, "%-8s %-28s ", "verdict", verdict);
		ward_buf_tsv_field(b, subject_name);
		ward_buf_printf(b, "  (score %d)\n", score);
	}
	maybe_flush(o);
}

void
ward_out_stats(struct ward_out *o, unsigned long items, unsigned long findings, double seconds,
	       const struct ward_kv *extra, size_t n_extra)
{
	struct ward_buf *b = &o->b;
	size_t i;

	if (o->fmt == WARD_FORMAT_JSON) {
		ward_buf_printf(
		    b, "{\"type\":\"stats\",\"items\":%lu,\"findings\":%lu,\"seconds\":%.3f", items,
		    findings, seconds);
		for (i = 0; i < n_extra; i++) {
			ward_buf_addc(b, ',');
			ward_buf_json_cstr(b, extra[i].key);
			ward_buf_addc(b, ':');
			ward_buf_adds(b, extra[i].value);
		}
		ward_buf_adds(b, "}\n");
	} else if (o->fmt == WARD_FORMAT_TEXT) {
		ward_buf_printf(b, "-- %lu items, %lu findings, %.3f s", items, findings, seconds);
		for (i = 0; i < n_extra; i++)
			ward_buf_printf(b, ", %s %s", extra[i].key, extra[i].value);
		ward_buf_addc(b, '\n');
	}
	maybe_flush(o);
}

void
ward_out_raw(struct ward_out *o, const char *s, size_t n)
{
	ward_buf_add(&o->b, s, n);
	maybe_flush(o);
}
