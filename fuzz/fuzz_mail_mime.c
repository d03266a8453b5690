/*
 * Fuzzes the MIME parser (ward_mail_parse) and walks every part checking
 * the invariants callers rely on: parents come first, depth and part
 * count stay within the limits, bodies and texts are as long as they say
 * and texts are NUL-terminated. The first byte picks tight or default
 * limits so the cut paths are reached too.
 */
#include <stdint.h>
#include <string.h>

#include "ward/mail.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ward_mail_limits lim;
	struct ward_mail *m;
	volatile uint8_t sink = 0;
	size_t i, k;

	ward_mail_limits_default(&lim);
	if (size && (data[0] & 1)) {
		lim.max_depth = 3;
		lim.max_parts = 8;
		lim.max_headers = 4;
		lim.max_decoded = 256;
	}
	if (ward_mail_parse(data, size, &lim, &m) != 0)
		return 0;
	if (m->n_parts < 1 || m->n_parts > lim.max_parts || m->parts[0].parent != -1)
		__builtin_trap();
	for (i = 0; i < m->n_parts; i++) {
		const struct ward_mail_part *p = &m->parts[i];

		if ((i && (p->parent < 0 || (size_t)p->parent >= i)) || p->depth > lim.max_depth ||
		    (i && p->depth != m->parts[p->parent].depth + 1) || !p->content_type ||
		    p->n_headers > lim.max_headers || (!p->body && p->body_len) ||
		    (p->text && p->text[p->text_len] != '\0') || (p->defects & ~m->defects))
			__builtin_trap();
		for (k = 0; k < p->body_len; k++)
			sink ^= p->body[k];
		for (k = 0; k < p->n_headers; k++)
			sink ^= (uint8_t)p->headers[k].name[0] ^
				(uint8_t)p->headers[k].value[p->headers[k].value_len];
		if (p->filename)
			sink ^= (uint8_t)p->filename[strlen(p->filename)];
		(void)ward_mail_part_is_attachment(p);
		(void)ward_mail_header_find(p, "content-type", NULL);
	}
	if (m->has_from && (!m->from.name || !m->from.addr))
		__builtin_trap();
	for (k = 0; k < m->n_reply_to; k++)
		sink ^= (uint8_t)m->reply_to[k].addr[0];
	(void)sink;
	ward_mail_free(m);
	return 0;
}
