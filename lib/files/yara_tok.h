/*
 * Tokens of YARA source, shared by the readers of yara_gate.c (gates) and
 * yara_need.c (the strings a condition needs).
 */
#ifndef WARD_YARA_TOK_H
#define WARD_YARA_TOK_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "yara_gate.h"

enum tk { T_IDENT, T_NUM, T_STR, T_RE, T_HEX, T_PUNCT };

struct tok {
	enum tk kind;
	const char *s;
	size_t n;
};

static inline int
is(const struct tok *k, const char *s)
{
	return k->n == strlen(s) && !memcmp(k->s, s, k->n);
}

/* Parses a YARA integer (decimal, 0x hex, 0o octal, KB/MB suffix). */
int yara_number(const struct tok *k, uint64_t *out);

/* Reads the strings section k[0..n) (after "strings:") into r->strings;
 * -1 on source this reader does not follow. */
int yara_need_strings(const struct tok *k, size_t n, struct yara_rule *r);

/* The clauses part p of rule r needs, from its condition tokens k[0..n). */
int yara_need_clauses(const struct tok *k, size_t n, const struct yara_rule *r,
		      struct yara_part *p);

void yara_need_free(struct yara_rule *r);

#endif
