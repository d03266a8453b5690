/*
 * A growable byte buffer and JSON string encoding. The buffer owns its bytes;
 * ward_buf_free() releases them. Writes never fail loudly: on allocation
 * failure the buffer is marked and ward_buf_failed() reports it.
 */
#ifndef WARD_BUF_H
#define WARD_BUF_H

#include <stddef.h>
#include <stdint.h>

struct ward_buf {
	char *p;
	size_t len, cap;
	int failed;
};

void ward_buf_init(struct ward_buf *b);
void ward_buf_free(struct ward_buf *b);
void ward_buf_reset(struct ward_buf *b);
void ward_buf_add(struct ward_buf *b, const void *p, size_t n);
void ward_buf_adds(struct ward_buf *b, const char *s);
void ward_buf_addc(struct ward_buf *b, char c);
void ward_buf_printf(struct ward_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* NUL-terminated view of the contents (the terminator is not counted). */
const char *ward_buf_cstr(struct ward_buf *b);
int ward_buf_failed(const struct ward_buf *b);

/*
 * Appends p[0..n) as a quoted JSON string. Control characters are escaped and
 * bytes that are not valid UTF-8 become U+FFFD, so the result is always
 * valid JSON whatever the input.
 */
void ward_buf_json_str(struct ward_buf *b, const uint8_t *p, size_t n);
void ward_buf_json_cstr(struct ward_buf *b, const char *s);

/*
 * Deepest nesting of arrays and objects in JSON text, strings skipped: a
 * cheap check before handing untrusted JSON to a parser (jansson's own cap
 * is 2048 levels).
 */
size_t ward_json_depth(const uint8_t *p, size_t n);

/* Appends s with tabs, newlines and other controls replaced by spaces. */
void ward_buf_tsv_field(struct ward_buf *b, const char *s);

#endif
