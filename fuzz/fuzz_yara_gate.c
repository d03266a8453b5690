/*
 * Fuzzes the YARA gate reader (yara_gate_read) on rule source, then asks the
 * gate about files made from the input's own first bytes at sizes around
 * each bound. Invariants: the counts stay within their arrays, every magic
 * has width 1, 2 or 4 and fits it, an open gate admits everything, and a
 * gate read from the source after a rule that matches every file
 * ("rule zz_open { condition: true }") is open. Then the rules themselves
 * (yara_source_read): text ranges inside the source, known strings with
 * factors of at least YARA_FACTOR_MIN bytes, clauses naming strings of
 * their rule and asking for no more than they name.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "yara_gate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char OPENER[] = "rule zz_open { condition: true }\n";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct yara_gate g, h;
	unsigned i, k;
	char *src;

	yara_gate_read((const char *)data, size, &g);
	if (g.n_alt > YARA_GATE_ALTS)
		__builtin_trap();
	for (i = 0; !g.open && i < g.n_alt; i++) {
		const struct yara_gate_alt *a = &g.alt[i];
		uint64_t sizes[3] = {a->max_size, a->max_size - (a->max_size > 0), 0};
		if (a->n_magic > YARA_GATE_MAGICS)
			__builtin_trap();
		for (k = 0; k < a->n_magic; k++) {
			const struct yara_magic *m = &a->magic[k];
			if ((m->width != 1 && m->width != 2 && m->width != 4) ||
			    (m->width < 4 && m->value >> (8 * m->width)))
				__builtin_trap();
		}
		for (k = 0; k < 3; k++)
			if (sizes[k] <= size)
				(void)yara_gate_admits(&g, data, (size_t)sizes[k]);
	}
	if (g.open && !yara_gate_admits(&g, data, size))
		__builtin_trap();
	{
		struct yara_source ys;
		size_t r, j, c, q;
		if (yara_source_read((const char *)data, size, &ys) == 0) {
			for (r = 0; r < ys.n_rules; r++) {
				const struct yara_rule *ru = &ys.rules[r];
				if (ru->start > ru->cond_start || ru->cond_start > ru->cond_end ||
				    ru->cond_end >= ru->end || ru->end > size)
					__builtin_trap();
				for (j = 0; j < ru->n_strings; j++)
					for (q = 0;
					     ru->strings[j].known && q < ru->strings[j].n_alts; q++)
						if (ru->strings[j].alt[q].len < YARA_FACTOR_MIN)
							__builtin_trap();
				for (j = 0; j < ru->n_parts; j++) {
					const struct yara_part *p = &ru->parts[j];
					if (p->start < ru->cond_start || p->end > ru->cond_end ||
					    !p->if_false)
						__builtin_trap();
					for (c = 0; c < p->n_clauses; c++) {
						if (p->clauses[c].n == 0 ||
						    p->clauses[c].n > p->clauses[c].n_set)
							__builtin_trap();
						for (q = 0; q < p->clauses[c].n_set; q++)
							if (p->clauses[c].set[q] >= ru->n_strings)
								__builtin_trap();
					}
				}
			}
			yara_source_free(&ys);
		}
	}
	/* After a rule that matches every file, nothing can close the gate. */
	if (!(src = malloc(size + sizeof(OPENER))))
		return 0;
	memcpy(src, OPENER, sizeof(OPENER) - 1);
	memcpy(src + sizeof(OPENER) - 1, data, size);
	if (!yara_gate_read(src, size + sizeof(OPENER) - 1, &h) || !h.open)
		__builtin_trap();
	free(src);
	return 0;
}
