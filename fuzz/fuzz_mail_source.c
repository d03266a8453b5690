/*
 * Fuzzes mbox splitting (ward_mail_split, the in-memory twin of
 * ward_mail_read_path) with a size limit taken from the first two bytes,
 * and ward_mail_sniff. Every message handed on must fit the limit and lie
 * within what was read.
 */
#include <stdint.h>
#include <string.h>

#include "ward/mail.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct ctx {
	size_t max, total, next;
};

static int
on_msg(void *v, const char *path, size_t index, const uint8_t *p, size_t n)
{
	struct ctx *c = v;
	volatile uint8_t sink = 0;
	size_t i;

	if (n > c->max || index < c->next || !path || (n && !p))
		__builtin_trap();
	for (i = 0; i < n; i++)
		sink ^= p[i];
	(void)sink;
	c->next = index + 1;
	c->total += n;
	return 0;
}

static void
on_err(void *v, const char *path, const char *what)
{
	(void)v;
	if (!path || !what)
		__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctx c = {0, 0, 0};

	if (size < 2)
		return 0;
	c.max = (size_t)data[0] << 4 | data[1];
	if (ward_mail_split(data + 2, size - 2, "fuzz", c.max, on_msg, &c, on_err) != 0)
		__builtin_trap();
	if (c.total > size)
		__builtin_trap();
	(void)ward_mail_sniff(data + 2, size - 2);
	return 0;
}
