/*
 * Writers for findings and summary records: JSON Lines for machines,
 * aligned text for people (in the chosen language), TSV for pipelines.
 * The writer owns an output buffer and flushes it to the FILE it was given.
 */
#ifndef WARD_OUTPUT_H
#define WARD_OUTPUT_H

#include <stdio.h>
#include "ward/finding.h"
#include "ward/i18n.h"

enum ward_format {
	WARD_FORMAT_TEXT = 0,
	WARD_FORMAT_JSON,
	WARD_FORMAT_TSV,
};

struct ward_out;

/* Parses "text", "json" or "tsv"; returns 0 or WARD_EINVAL. */
int ward_format_parse(const char *s, enum ward_format *out);

/* A writer on fp (not closed by ward_out_free). color: use ANSI colours in text. */
struct ward_out *ward_out_new(FILE *fp, enum ward_format fmt, enum ward_lang lang, int color);
void ward_out_free(struct ward_out *o);
/* A writer on fp with model's format, language and colours (e.g. one per worker
 * thread writing into a memory stream). */
struct ward_out *ward_out_new_like(FILE *fp, const struct ward_out *model);
enum ward_format ward_out_format(const struct ward_out *o);

void ward_out_finding(struct ward_out *o, const struct ward_finding *f);

/*
 * A verdict record for one subject: verdict word, score, and optional
 * artifacts already encoded as a JSON object body (without braces), or NULL.
 */
void ward_out_verdict(struct ward_out *o, const char *subject_kind, const char *subject_name,
		      const char *verdict, int score, const char *artifacts_json);

/* Closing statistics; extra pairs are added as JSON numbers. */
void ward_out_stats(struct ward_out *o, unsigned long items, unsigned long findings, double seconds,
		    const struct ward_kv *extra, size_t n_extra);

/* Raw bytes (already formatted, e.g. a TSV row). */
void ward_out_raw(struct ward_out *o, const char *s, size_t n);

/* Returns 0 or WARD_EIO if a write failed. */
int ward_out_flush(struct ward_out *o);

#endif
