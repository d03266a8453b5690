/*
 * Rule subsets: for a set of admitted units (rule parts), the source that
 * runs just them, with what they need, compiled on first need and cached
 * beside the whole set. See files_yara.c.
 */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "ward/error.h"
#include "files_internal.h"
#include "yara_internal.h"

static int
has_bit(const uint64_t *bits, size_t i)
{
	return (int)(bits[i / 64] >> (i % 64) & 1);
}

/* Appends p[n] to the buffer *b of *len bytes (capacity *cap). */
static int
append(char **b, size_t *len, size_t *cap, const char *p, size_t n)
{
	if (*len + n + 1 > *cap) {
		size_t c = (*len + n + 1) * 2;
		char *q = realloc(*b, c);
		if (!q)
			return -1;
		*b = q;
		*cap = c;
	}
	memcpy(*b + *len, p, n);
	*len += n;
	(*b)[*len] = '\0';
	return 0;
}

/* Appends rule r as the file in bits sees it: the parts it admits as they
 * are, the others as false (they are false on that file). */
static int
append_rule(char **b, size_t *len, size_t *cap, const char *text, const struct yara_rule *r,
	    const char *admitted)
{
	size_t k;
	int all = 1;

	for (k = 0; k < r->n_parts; k++)
		all &= admitted[k];
	if (all)
		return append(b, len, cap, text + r->start, r->end - r->start);
	if (append(b, len, cap, text + r->start, r->cond_start - r->start) < 0)
		return -1;
	for (k = 0; k < r->n_parts; k++) {
		const struct yara_part *p = &r->parts[k];
		if ((k && append(b, len, cap, " or ", 4) < 0) || append(b, len, cap, "(", 1) < 0 ||
		    (admitted[k] ? append(b, len, cap, text + p->start, p->end - p->start)
				 : append(b, len, cap, p->if_false, strlen(p->if_false))) < 0 ||
		    append(b, len, cap, "\n)", 2) < 0)
			return -1;
	}
	return append(b, len, cap, "\n", 1) < 0 ||
		       append(b, len, cap, text + r->cond_end, r->end - r->cond_end) < 0
		   ? -1
		   : 0;
}

/*
 * The source that runs the admitted parts of one rule file's rules: those
 * rules (their other parts false), its global rules, every rule they name
 * (in the file's order, as YARA wants a rule defined before it is named),
 * and only the imports the kept text uses.
 */
static char *
subset_source(const struct source *sr, const uint64_t *bits)
{
	const struct yara_source *ys = &sr->ys;
	size_t nr = ys->n_rules ? ys->n_rules : 1, i, k, n = 0, len = 0, cap = 0;
	size_t u = sr->first_unit, *todo = malloc(nr * sizeof(*todo)), *first = NULL;
	char *keep = calloc(nr, 1), *adm = NULL, *b = NULL;
	uint32_t modules = 0;

	first = malloc(nr * sizeof(*first));
	for (i = 0, k = 0; i < ys->n_rules; i++)
		k += ys->rules[i].n_parts;
	adm = calloc(k ? k : 1, 1);
	if (!keep || !todo || !first || !adm)
		goto fail;
	for (i = 0, k = 0; i < ys->n_rules; i++) {
		const struct yara_rule *r = &ys->rules[i];
		size_t j;
		int any = 0;
		first[i] = k;
		for (j = 0; j < r->n_parts; j++, k++) {
			/* Private rules run whole when named. */
			adm[k] = r->is_private ? 1 : (char)has_bit(bits, u++);
			any |= !r->is_private && adm[k];
		}
		if (any || r->is_global) {
			keep[i] = 1;
			todo[n++] = i;
		}
	}
	while (n > 0) {
		size_t ri = todo[--n], j;
		const struct yara_rule *r = &ys->rules[ri];
		for (j = 0; j < r->n_parts; j++) {
			const struct yara_uses *us = &r->parts[j].uses;
			size_t q;
			if (!adm[first[ri] + j])
				continue;
			modules |= us->modules;
			for (q = 0; q < us->n_refs; q++)
				if (!keep[us->refs[q]]) {
					keep[us->refs[q]] = 1;
					todo[n++] = us->refs[q];
				}
		}
	}
	for (i = 0; i < ys->n_imports; i++)
		if (modules >> i & 1 &&
		    (append(&b, &len, &cap, "import \"", 8) < 0 ||
		     append(&b, &len, &cap, ys->imports[i].name, ys->imports[i].len) < 0 ||
		     append(&b, &len, &cap, "\"\n", 2) < 0))
			goto fail;
	for (i = 0; i < ys->n_rules; i++)
		if (keep[i] &&
		    (append_rule(&b, &len, &cap, sr->text, &ys->rules[i], adm + first[i]) < 0 ||
		     append(&b, &len, &cap, "\n", 1) < 0))
			goto fail;
	if (!b && append(&b, &len, &cap, "", 0) < 0)
		goto fail;
	free(keep);
	free(todo);
	free(first);
	free(adm);
	return b;
fail:
	free(keep);
	free(todo);
	free(first);
	free(adm);
	free(b);
	return NULL;
}

/* Compiles the units in bits: each rule file's admitted rules with what
 * they need, and, whole, the rule files ward did not read. */
static int
compile_units(struct ward_yara *y, const uint64_t *bits, YR_RULES **out)
{
	struct yara_cb quiet = {NULL, NULL, 0};
	YR_COMPILER *comp;
	size_t f, k;
	int rc = 0;

	if (!(comp = yara_compiler_new(&quiet)))
		return WARD_ELIB;
	for (f = 0; f < y->files.n && rc == 0; f++) {
		const struct source *sr = &y->srcs[f];
		int any = 0;
		for (k = 0; k < sr->n_units; k++)
			any |= has_bit(bits, sr->first_unit + k);
		if (!any)
			continue;
		if (!sr->parsed) {
			FILE *fp = fopen(y->files.v[f], "r");
			if (!fp) {
				rc = WARD_ENOTFOUND;
				break;
			}
			yr_compiler_add_file(comp, fp, files_base_name(y->files.v[f]),
					     y->files.v[f]);
			fclose(fp);
		} else {
			char *src = subset_source(sr, bits);
			if (!src) {
				rc = WARD_ENOMEM;
				break;
			}
			yr_compiler_add_string(comp, src, files_base_name(y->files.v[f]));
			free(src);
		}
		if (quiet.errors)
			rc = WARD_EFORMAT;
	}
	if (rc == 0 && yr_compiler_get_rules(comp, out) != ERROR_SUCCESS)
		rc = WARD_ELIB;
	yr_compiler_destroy(comp);
	return rc;
}

/* The compiled group for the units in bits, made on first need; -1
 * when it cannot be had (then the whole set serves, which is always right). */
int
yara_group_of(struct ward_yara *y, const uint64_t *bits)
{
	struct group *g;
	unsigned i;
	int idx = -1;

	pthread_mutex_lock(&y->mu);
	for (i = 0; i < y->n_groups; i++)
		if (!memcmp(y->groups[i].bits, bits, y->words * sizeof(*bits))) {
			idx = y->groups[i].rules ? (int)i : -1;
			goto out;
		}
	if (y->n_groups == MAX_GROUPS)
		goto out;
	g = &y->groups[y->n_groups];
	if (!(g->bits = malloc(y->words * sizeof(*bits))))
		goto out;
	memcpy(g->bits, bits, y->words * sizeof(*bits));
	g->rules = NULL;
	y->n_groups++;
	{
		char path[4400] = "";
		if (y->cache_base[0]) {
			unsigned char d[32];
			unsigned dl = 0;
			EVP_Digest(bits, y->words * sizeof(*bits), d, &dl, EVP_sha256(), NULL);
			snprintf(path, sizeof(path), "%s-%02x%02x%02x%02x%02x%02x%02x%02x.yarc",
				 y->cache_base, d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]);
			if (yr_rules_load(path, &g->rules) != ERROR_SUCCESS)
				g->rules = NULL;
			else
				utimensat(AT_FDCWD, path, NULL, 0);
		}
		if (!g->rules) {
			/* The whole set compiled, so a subset does too; should one
			 * not, the whole set serves instead. */
			if (compile_units(y, bits, &g->rules) < 0)
				g->rules = NULL;
			else if (path[0])
				yara_cache_save(g->rules, path);
		}
	}
	idx = g->rules ? (int)(g - y->groups) : -1;
out:
	pthread_mutex_unlock(&y->mu);
	return idx;
}
