/*
 * The prefilter: one Hyperscan database of the factors of every known
 * string (yara_need.c), and per file the check that every admitted rule
 * part misses one of its clauses, in which case libyara is skipped.
 * Without Hyperscan (a build where it is absent, or a database that did
 * not compile) every admitted file goes to libyara.
 */
#include <stdlib.h>
#include <string.h>

#include "ward/error.h"
#include "yara_internal.h"

int
yara_prefilter_build(struct ward_yara *y)
{
	size_t i, k, j, ns = 0, nf = 0, u;

	for (i = 0; i < y->files.n; i++)
		for (k = 0; y->srcs[i].parsed && k < y->srcs[i].ys.n_rules; k++)
			ns += y->srcs[i].ys.rules[k].n_strings;
	if (ns == 0)
		return 0;
	if (!(y->strf = calloc(ns, sizeof(*y->strf))))
		return WARD_ENOMEM;
	y->n_strf = ns;
	ns = 0;
	for (i = 0; i < y->files.n; i++) {
		const struct source *sr = &y->srcs[i];
		u = sr->first_unit;
		for (k = 0; sr->parsed && k < sr->ys.n_rules; k++) {
			const struct yara_rule *r = &sr->ys.rules[k];
			for (j = 0; !r->is_private && j < r->n_parts; j++, u++) {
				y->units[u].strf = ns;
				y->units[u].has_strf = 1;
			}
			for (j = 0; j < r->n_strings; j++, ns++) {
				y->strf[ns].first = nf;
				y->strf[ns].n = r->strings[j].known ? r->strings[j].n_alts : 0;
				y->strf[ns].known = r->strings[j].known;
				nf += y->strf[ns].n;
			}
		}
	}
	y->n_factors = nf;
#ifdef WARD_HAVE_HYPERSCAN
	if (nf > 0 && nf < UINT32_MAX) {
		const char **expr = calloc(nf, sizeof(*expr));
		unsigned *flags = calloc(nf, sizeof(*flags)), *ids = calloc(nf, sizeof(*ids));
		size_t *lens = calloc(nf, sizeof(*lens)), f = 0, q;
		hs_compile_error_t *err = NULL;
		if (expr && flags && ids && lens) {
			for (i = 0; i < y->files.n; i++) {
				const struct source *sr = &y->srcs[i];
				for (k = 0; sr->parsed && k < sr->ys.n_rules; k++)
					for (j = 0; j < sr->ys.rules[k].n_strings; j++) {
						const struct yara_string *st =
						    &sr->ys.rules[k].strings[j];
						for (q = 0; st->known && q < st->n_alts; q++, f++) {
							expr[f] = (const char *)st->alt[q].bytes;
							lens[f] = st->alt[q].len;
							ids[f] = (unsigned)f;
							flags[f] =
							    HS_FLAG_SINGLEMATCH |
							    (st->alt[q].caseless ? HS_FLAG_CASELESS
										 : 0);
						}
					}
			}
			if (hs_compile_lit_multi(expr, flags, ids, lens, (unsigned)nf,
						 HS_MODE_BLOCK, NULL, &y->db, &err) != HS_SUCCESS) {
				y->db = NULL;
				hs_free_compile_error(err);
			}
		}
		free(expr);
		free(flags);
		free(ids);
		free(lens);
	}
#endif
	return 0;
}

void
yara_prefilter_free(struct ward_yara *y)
{
	free(y->strf);
	y->strf = NULL;
#ifdef WARD_HAVE_HYPERSCAN
	if (y->db)
		hs_free_database(y->db);
	y->db = NULL;
#endif
}

int
yara_prefilter_scanner_init(struct ward_yara_scanner *s)
{
	if (!(s->found = calloc(s->y->n_factors / 64 + 1, sizeof(*s->found))))
		return WARD_ENOMEM;
#ifdef WARD_HAVE_HYPERSCAN
	if (s->y->db && hs_alloc_scratch(s->y->db, &s->scratch) != HS_SUCCESS)
		s->scratch = NULL;
#endif
	return 0;
}

void
yara_prefilter_scanner_free(struct ward_yara_scanner *s)
{
#ifdef WARD_HAVE_HYPERSCAN
	if (s->scratch)
		hs_free_scratch(s->scratch);
	s->scratch = NULL;
#endif
	free(s->found);
	s->found = NULL;
}

#ifdef WARD_HAVE_HYPERSCAN
static int
on_factor(unsigned id, unsigned long long from, unsigned long long to, unsigned flags, void *ctx)
{
	uint64_t *found = ctx;

	(void)from;
	(void)to;
	(void)flags;
	found[id / 64] |= (uint64_t)1 << (id % 64);
	return 0;
}
#endif

/* 1 when clause c of unit u may hold: enough of its strings are unknown
 * or found. */
static int
clause_holds(const struct ward_yara_scanner *s, const struct unit *u, const struct yara_clause *c)
{
	const struct string_factors *sf = &s->y->strf[u->strf];
	size_t i, have = 0;
	unsigned k;

	for (i = 0; i < c->n_set && have < c->n; i++) {
		const struct string_factors *f = &sf[c->set[i]];
		int in = !f->known;
		for (k = 0; !in && k < f->n; k++)
			in = (int)(s->found[(f->first + k) / 64] >> ((f->first + k) % 64) & 1);
		have += (size_t)in;
	}
	return have >= c->n;
}

/* 1 when the part of unit u may be true given the factors found. */
static int
part_may_hold(const struct ward_yara_scanner *s, const struct unit *u)
{
	const struct yara_part *p = u->part;
	size_t i;
	int group = 0;

	for (i = 0; i < p->n_clauses; i++) {
		group |= clause_holds(s, u, &p->clauses[i]);
		if (p->clauses[i].or_next)
			continue;
		if (!group)
			return 0;
		group = 0;
	}
	return 1;
}

/* 1 when no admitted unit can be true on p[n]: every one needs strings,
 * and the file lacks some that each needs. */
int
yara_prefilter_skips(struct ward_yara_scanner *s, const uint8_t *p, size_t n)
{
#ifdef WARD_HAVE_HYPERSCAN
	struct ward_yara *y = s->y;
	size_t i;

	if (!y->db || !s->scratch || n > UINT32_MAX)
		return 0;
	for (i = 0; i < y->n_units; i++)
		if ((s->bits[i / 64] >> (i % 64) & 1) &&
		    (!y->units[i].part || !y->units[i].has_strf ||
		     y->units[i].part->n_clauses == 0))
			return 0;
	memset(s->found, 0, (y->n_factors / 64 + 1) * sizeof(*s->found));
	if (hs_scan(y->db, (const char *)p, (unsigned)n, 0, s->scratch, on_factor, s->found) !=
	    HS_SUCCESS)
		return 0;
	for (i = 0; i < y->n_units; i++)
		if ((s->bits[i / 64] >> (i % 64) & 1) && part_may_hold(s, &y->units[i]))
			return 0;
	return 1;
#else
	(void)s;
	(void)p;
	(void)n;
	return 0;
#endif
}
