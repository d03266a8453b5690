/*
 * Reads a YARA rule file far enough to find each rule's gate (yara_gate.h).
 *
 * The lexer follows libyara's: // and block comments, "text" strings with
 * escapes, /regex/ literals (YARA divides with a backslash, so a slash
 * always opens a regex), and { hex strings } after '='. Conditions are split
 * as YARA binds them: 'or' loosest, then 'and', then 'not' and the
 * comparisons. A conjunct is used only when it is one of
 *     uint8/16/32[be](0) == N      N == uint16(0) ...    pe.is_pe
 *     a field of pe, dotnet, elf or macho (undefined without their header)
 *     filesize < N[KB|MB]          filesize <= N         N > filesize ...
 *     ( a disjunction or conjunction of these )
 * and anything else constrains nothing. Private rules never report, so they
 * add no way in.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yara_gate.h"
#include "yara_tok.h"

#define MAX_TOKENS (1u << 21)
#define MAX_DEPTH 32

struct toks {
	struct tok *v;
	size_t n, cap;
};

static int
push(struct toks *t, enum tk kind, const char *s, size_t n)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 256;
		struct tok *v;
		if (cap > MAX_TOKENS)
			return -1;
		if (!(v = realloc(t->v, cap * sizeof(*v))))
			return -1;
		t->v = v;
		t->cap = cap;
	}
	t->v[t->n++] = (struct tok){kind, s, n};
	return 0;
}

static int
is_ident(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

static int
prev_is(const struct toks *t, const char *s)
{
	return t->n && t->v[t->n - 1].kind == T_PUNCT && t->v[t->n - 1].n == strlen(s) &&
	       !memcmp(t->v[t->n - 1].s, s, t->v[t->n - 1].n);
}

/* Splits src into tokens; -1 on anything libyara would not lex either. */
static int
lex(const char *src, size_t n, struct toks *t)
{
	size_t i = 0;

	while (i < n) {
		unsigned char c = (unsigned char)src[i];
		size_t j = i + 1;
		enum tk kind = T_PUNCT;
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v') {
			i++;
			continue;
		}
		if (c == '/' && i + 1 < n && src[i + 1] == '/') {
			while (i < n && src[i] != '\n')
				i++;
			continue;
		}
		if (c == '/' && i + 1 < n && src[i + 1] == '*') {
			const char *e = NULL;
			size_t k;
			for (k = i + 2; k + 1 < n; k++)
				if (src[k] == '*' && src[k + 1] == '/') {
					e = src + k;
					break;
				}
			if (!e)
				return -1;
			i = (size_t)(e - src) + 2;
			continue;
		}
		if (c == '"' || c == '/') {
			kind = c == '"' ? T_STR : T_RE;
			while (j < n && src[j] != (char)c) {
				if (src[j] == '\n')
					return -1;
				j += src[j] == '\\' ? 2 : 1;
			}
			if (j >= n)
				return -1;
			j++;
			if (kind == T_RE)
				while (j < n && (src[j] == 'i' || src[j] == 's'))
					j++;
		} else if (c == '{' && prev_is(t, "=")) {
			kind = T_HEX;
			while (j < n && src[j] != '}') {
				if (src[j] == '/' && j + 1 < n && src[j + 1] == '/') {
					while (j < n && src[j] != '\n')
						j++;
				} else if (src[j] == '/' && j + 1 < n && src[j + 1] == '*') {
					j += 2;
					while (j + 1 < n && !(src[j] == '*' && src[j + 1] == '/'))
						j++;
					if (j + 1 >= n)
						return -1;
					j += 2;
				} else {
					j++;
				}
			}
			if (j >= n)
				return -1;
			j++;
		} else if (c == '!' && j < n && src[j] == '=') {
			j++;
		} else if (is_ident(c) || c == '$' || c == '#' || c == '@' || c == '!') {
			/* $a, #a, @a, !a and their wildcards $a* name strings. */
			int sigil = !is_ident(c);
			kind = (c >= '0' && c <= '9') ? T_NUM : T_IDENT;
			while (j < n &&
			       (is_ident((unsigned char)src[j]) || (sigil && src[j] == '*')))
				j++;
		} else if (j < n && ((c == '=' && src[j] == '=') || (c == '<' && src[j] == '=') ||
				     (c == '>' && src[j] == '=') || (c == '<' && src[j] == '<') ||
				     (c == '>' && src[j] == '>') || (c == '.' && src[j] == '.'))) {
			j++;
		} else if (c < 0x20 || c >= 0x7f) {
			return -1;
		}
		if (push(t, kind, src + i, j - i) < 0)
			return -1;
		i = j;
	}
	return 0;
}

int
yara_number(const struct tok *k, uint64_t *out)
{
	uint64_t v = 0, mul = 1;
	size_t i = 0, n = k->n;
	unsigned base = 10;

	if (k->kind != T_NUM)
		return -1;
	if (n > 2 && (k->s[n - 1] == 'B') && (k->s[n - 2] == 'K' || k->s[n - 2] == 'M')) {
		mul = k->s[n - 2] == 'K' ? 1024 : 1024 * 1024;
		n -= 2;
	}
	if (n > 2 && k->s[0] == '0' && (k->s[1] == 'x' || k->s[1] == 'o')) {
		base = k->s[1] == 'x' ? 16 : 8;
		i = 2;
	}
	if (i >= n)
		return -1;
	for (; i < n; i++) {
		char c = k->s[i];
		unsigned d;
		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return -1;
		if (d >= base || v > (UINT64_MAX - d) / base)
			return -1;
		v = v * base + d;
	}
	if (v > UINT64_MAX / mul)
		return -1;
	*out = v * mul;
	return 0;
}

static const struct yara_gate ANY = {.open = 1};

/* "uint16(0)" and friends at k[0..4]: the width and byte order. */
static int
magic_read(const struct tok *k, size_t n, struct yara_magic *m)
{
	static const struct {
		const char *name;
		uint8_t width, be;
	} f[] = {{"uint8", 1, 0},   {"uint16", 2, 0},	{"uint32", 4, 0},
		 {"uint8be", 1, 1}, {"uint16be", 2, 1}, {"uint32be", 4, 1}};
	uint64_t off;
	size_t i;

	if (n != 4 || !is(&k[1], "(") || !is(&k[3], ")") || yara_number(&k[2], &off) < 0 ||
	    off != 0)
		return -1;
	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (is(&k[0], f[i].name)) {
			m->width = f[i].width;
			m->big_endian = f[i].be;
			return 0;
		}
	return -1;
}

/*
 * Modules whose fields stay undefined on a file without their header
 * (checked against libyara on a text file): all but the constants (no
 * lower-case letter: MACHINE_I386, ET_EXEC...) and pe.is_pe, which is 0.
 * Their bit in the mask of imported modules follows this order.
 */
static const struct {
	const char *name;
	unsigned n_magic;
	struct yara_magic magic[YARA_GATE_MAGICS];
} modules[] = {
    {"pe", 1, {{2, 0, 0x5a4d}}},
    {"dotnet", 1, {{2, 0, 0x5a4d}}},
    {"elf", 1, {{4, 0, 0x464c457f}}},
    /* Mach-O, 32 and 64 bit in both byte orders, and fat binaries. */
    {"macho",
     8,
     {{4, 0, 0xfeedface},
      {4, 0, 0xcefaedfe},
      {4, 0, 0xfeedfacf},
      {4, 0, 0xcffaedfe},
      {4, 0, 0xcafebabe},
      {4, 0, 0xbebafeca},
      {4, 0, 0xcafebabf},
      {4, 0, 0xbfbafeca}}},
};
#define N_MODULES (sizeof(modules) / sizeof(modules[0]))

/* The mask of the known modules among the imports. */
static unsigned
module_mask(const struct yara_source *ys)
{
	unsigned mask = 0;
	size_t i, m;

	for (i = 0; i < ys->n_imports; i++)
		for (m = 0; m < N_MODULES; m++)
			if (ys->imports[i].len == strlen(modules[m].name) &&
			    !memcmp(ys->imports[i].name, modules[m].name, ys->imports[i].len))
				mask |= 1u << m;
	return mask;
}

/* k[0..3) is MODULE.FIELD for a field an imported module leaves undefined
 * without its header: returns the module's index + 1, or 0. */
static int
module_field(const struct tok *k, size_t n, unsigned mods)
{
	size_t i, m;

	if (n < 3 || !is(&k[1], ".") || k[2].kind != T_IDENT || k[0].kind != T_IDENT)
		return 0;
	for (m = 0; m < N_MODULES; m++)
		if (mods >> m & 1 && is(&k[0], modules[m].name))
			break;
	if (m == N_MODULES || (m == 0 && is(&k[2], "is_pe")))
		return 0;
	for (i = 0; i < k[2].n; i++)
		if (k[2].s[i] >= 'a' && k[2].s[i] <= 'z')
			return (int)m + 1;
	return 0;
}

/*
 * The module (index + 1) whose header k[0..n) needs: it is false on every
 * file without that header, because a value the module leaves undefined
 * there makes it undefined; 0 when there is none. Checked against
 * libyara: undefined passes through comparisons, arithmetic, function
 * calls, 'not', 'at' and 'in', but 'and', 'or' and the quantifiers ('for
 * none ... : (undefined)' is true) stop it, so those expressions do not
 * count; except the range or array of a 'for', which makes the whole loop
 * false whatever its body.
 */
static int
module_undefined(const struct tok *k, size_t n, unsigned mods)
{
	static const char *const stops[] = {"and", "or",   "for",     "of",   "them", "any",
					    "all", "none", "defined", "with", NULL};
	size_t i, j, end;
	int found = 0;

	if (!mods || n == 0)
		return 0;
	/* for any|all|none i in ( RANGE ) : ( ... )  or  in pe.ARRAY : ( ... ) */
	if (n > 6 && is(&k[0], "for") &&
	    (is(&k[1], "any") || is(&k[1], "all") || is(&k[1], "none")) && k[2].kind == T_IDENT &&
	    k[2].s[0] != '$' && is(&k[3], "in")) {
		if (is(&k[4], "(")) {
			int level = 0;
			for (end = 4; end < n; end++) {
				level += is(&k[end], "(") - is(&k[end], ")");
				if (level == 0)
					break;
			}
			if (end >= n || end + 1 >= n || !is(&k[end + 1], ":"))
				return 0;
			return module_undefined(k + 5, end - 5, mods);
		}
		return n > 7 && is(&k[7], ":") ? module_field(k + 4, n - 4, mods) : 0;
	}
	for (i = 0; i < n; i++) {
		if (k[i].kind == T_IDENT)
			for (j = 0; stops[j]; j++)
				if (is(&k[i], stops[j]))
					return 0;
		if (!found)
			found = module_field(k + i, n - i, mods);
	}
	return found;
}

/* The gate of one atom k[0..n): a magic test, pe.is_pe, a filesize bound. */
static int
atom(const struct tok *k, size_t n, unsigned mods, struct yara_gate *g)
{
	struct yara_gate_alt *a = &g->alt[0];
	struct yara_magic m;
	uint64_t v;
	int mod;

	memset(g, 0, sizeof(*g));
	g->n_alt = 1;
	a->max_size = UINT64_MAX;
	if (n == 3 && mods & 1 && is(&k[0], "pe") && is(&k[1], ".") && is(&k[2], "is_pe")) {
		a->magic[0] = (struct yara_magic){2, 0, 0x5a4d};
		a->n_magic = 1;
		return 0;
	}
	if ((mod = module_undefined(k, n, mods)) > 0) {
		memcpy(a->magic, modules[mod - 1].magic, sizeof(a->magic));
		a->n_magic = modules[mod - 1].n_magic;
		return 0;
	}
	if (n == 6 && is(&k[4], "==") && magic_read(k, 4, &m) == 0 && yara_number(&k[5], &v) == 0) {
	} else if (n == 6 && is(&k[1], "==") && magic_read(k + 2, 4, &m) == 0 &&
		   yara_number(&k[0], &v) == 0) {
	} else if (n == 3 && is(&k[0], "filesize") && yara_number(&k[2], &v) == 0 &&
		   (is(&k[1], "<") || is(&k[1], "<="))) {
		if (is(&k[1], "<") && v == 0)
			g->n_alt = 0; /* nothing is smaller than 0 bytes */
		a->max_size = is(&k[1], "<") ? v - (v > 0) : v;
		return 0;
	} else if (n == 3 && is(&k[2], "filesize") && yara_number(&k[0], &v) == 0 &&
		   (is(&k[1], ">") || is(&k[1], ">="))) {
		if (is(&k[1], ">") && v == 0)
			g->n_alt = 0;
		a->max_size = is(&k[1], ">") ? v - (v > 0) : v;
		return 0;
	} else {
		*g = ANY;
		return 0;
	}
	if (m.width < 8 && v >> (8 * m.width)) {
		g->n_alt = 0; /* the integer never holds that value */
		return 0;
	}
	m.value = (uint32_t)v;
	a->magic[0] = m;
	a->n_magic = 1;
	return 0;
}

/* Adds b's alternatives to a: files either admits. */
static void
gate_or(struct yara_gate *a, const struct yara_gate *b)
{
	unsigned i, j;

	if (a->open || b->open) {
		*a = ANY;
		return;
	}
	for (i = 0; i < b->n_alt; i++) {
		const struct yara_gate_alt *x = &b->alt[i];
		int merged = 0;
		if (x->n_magic == 0 && x->max_size == UINT64_MAX) {
			*a = ANY;
			return;
		}
		/* Same magics: keep the larger bound (admitting more is safe). */
		for (j = 0; j < a->n_alt && !merged; j++) {
			struct yara_gate_alt *y = &a->alt[j];
			if (y->n_magic == x->n_magic &&
			    !memcmp(y->magic, x->magic, x->n_magic * sizeof(x->magic[0]))) {
				if (x->max_size > y->max_size)
					y->max_size = x->max_size;
				merged = 1;
			}
		}
		if (merged)
			continue;
		if (a->n_alt == YARA_GATE_ALTS) {
			*a = ANY;
			return;
		}
		a->alt[a->n_alt++] = *x;
	}
}

/* Narrows a by b: files both admit, or a superset of them. */
static void
gate_and(struct yara_gate *a, const struct yara_gate *b)
{
	struct yara_gate r = {0};
	unsigned i, j;

	if (b->open)
		return;
	if (a->open) {
		*a = *b;
		return;
	}
	for (i = 0; i < a->n_alt; i++)
		for (j = 0; j < b->n_alt; j++) {
			struct yara_gate one = {0};
			struct yara_gate_alt *x = &one.alt[0];
			const struct yara_gate_alt *y = &b->alt[j];
			*x = a->alt[i];
			one.n_alt = 1;
			/* One side's magics are a necessary condition by themselves;
			 * keeping them alone never admits too little. */
			if (x->n_magic == 0) {
				memcpy(x->magic, y->magic, sizeof(x->magic));
				x->n_magic = y->n_magic;
			}
			if (y->max_size < x->max_size)
				x->max_size = y->max_size;
			gate_or(&r, &one);
			if (r.open) {
				/* Too many ways in to keep them apart: a alone still holds. */
				return;
			}
		}
	*a = r;
}

/* After an or: one alternative holding every magic and the largest bound,
 * when every alternative names magics and they fit. It admits at least as
 * much, and keeps the count of alternatives down. */
static void
gate_join_magics(struct yara_gate *g)
{
	struct yara_gate_alt all = {0};
	unsigned i, k;

	if (g->open || g->n_alt < 2)
		return;
	all.max_size = 0;
	for (i = 0; i < g->n_alt; i++) {
		const struct yara_gate_alt *x = &g->alt[i];
		if (x->n_magic == 0)
			return;
		for (k = 0; k < x->n_magic; k++) {
			if (all.n_magic == YARA_GATE_MAGICS)
				return;
			all.magic[all.n_magic++] = x->magic[k];
		}
		if (x->max_size > all.max_size)
			all.max_size = x->max_size;
	}
	g->alt[0] = all;
	g->n_alt = 1;
}

/* The gate of the expression k[0..n), by YARA's binding. */
static void
expr(const struct tok *k, size_t n, int depth, unsigned mods, struct yara_gate *g)
{
	size_t i, start = 0;
	int level = 0, has_or = 0, has_and = 0;

	if (depth > MAX_DEPTH || n == 0) {
		*g = ANY;
		return;
	}
	for (i = 0; i < n; i++) {
		if (is(&k[i], "("))
			level++;
		else if (is(&k[i], ")"))
			level--;
		else if (level == 0 && k[i].kind == T_IDENT && is(&k[i], "or"))
			has_or = 1;
		else if (level == 0 && k[i].kind == T_IDENT && is(&k[i], "and"))
			has_and = 1;
		if (level < 0) {
			*g = ANY;
			return;
		}
	}
	if (level != 0) {
		*g = ANY;
		return;
	}
	if (has_or || has_and) {
		const char *sep = has_or ? "or" : "and";
		int first = 1;
		level = 0;
		for (i = 0; i <= n; i++) {
			struct yara_gate part;
			if (i < n) {
				if (is(&k[i], "("))
					level++;
				else if (is(&k[i], ")"))
					level--;
				if (level != 0 || k[i].kind != T_IDENT || !is(&k[i], sep))
					continue;
			}
			expr(k + start, i - start, depth + 1, mods, &part);
			if (first)
				*g = part;
			else if (has_or)
				gate_or(g, &part);
			else
				gate_and(g, &part);
			first = 0;
			start = i + 1;
		}
		if (has_or)
			gate_join_magics(g);
		return;
	}
	/* A whole parenthesised expression. */
	if (n >= 2 && is(&k[0], "(") && is(&k[n - 1], ")")) {
		level = 0;
		for (i = 0; i < n - 1; i++) {
			if (is(&k[i], "("))
				level++;
			else if (is(&k[i], ")"))
				level--;
			if (level == 0)
				break;
		}
		if (i == n - 1) {
			expr(k + 1, n - 2, depth + 1, mods, g);
			return;
		}
	}
	atom(k, n, mods, g);
}

static int
cmp_name(const void *a, const void *b)
{
	const struct yara_rule *x = *(const struct yara_rule *const *)a;
	const struct yara_rule *y = *(const struct yara_rule *const *)b;
	size_t n = x->name_len < y->name_len ? x->name_len : y->name_len;
	int c = memcmp(x->name, y->name, n);

	return c ? c : (x->name_len > y->name_len) - (x->name_len < y->name_len);
}

/* What the condition k[0..n) of rule r names: imports and other rules.
 * A name with a wildcard (a rule set, "Foo*") names every rule it covers. */
static int
names(struct yara_source *ys, struct yara_rule **sorted, const struct tok *k, size_t n,
      const struct yara_rule *r, struct yara_uses *u)
{
	size_t i, m;

	for (i = 0; i < n; i++) {
		const struct tok *t = &k[i];
		size_t len = t->n, lo, hi;
		int wild;
		if (t->kind != T_IDENT || t->s[0] == '$' || t->s[0] == '#' || t->s[0] == '@' ||
		    t->s[0] == '!')
			continue;
		if (i > 0 && is(&k[i - 1], "."))
			continue; /* a field, not a name */
		for (m = 0; m < ys->n_imports; m++)
			if (ys->imports[m].len == len && !memcmp(ys->imports[m].name, t->s, len))
				u->modules |= 1u << m;
		wild = t->s[len - 1] == '*';
		if (wild)
			len--;
		/* The first rule whose name is >= the token, then every match. */
		lo = 0;
		hi = ys->n_rules;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			const struct yara_rule *x = sorted[mid];
			size_t c = x->name_len < len ? x->name_len : len;
			int d = memcmp(x->name, t->s, c);
			if (d < 0 || (d == 0 && x->name_len < len))
				lo = mid + 1;
			else
				hi = mid;
		}
		for (; lo < ys->n_rules; lo++) {
			const struct yara_rule *x = sorted[lo];
			size_t idx = (size_t)(x - ys->rules);
			if (x->name_len < len || memcmp(x->name, t->s, len) != 0 ||
			    (!wild && x->name_len != len))
				break;
			if (x == r)
				continue;
			for (m = 0; m < u->n_refs && u->refs[m] != idx; m++)
				;
			if (m < u->n_refs)
				continue;
			if (u->n_refs == YARA_RULE_REFS)
				return -1;
			u->refs[u->n_refs++] = idx;
		}
	}
	return 0;
}

/* "false", or "(false and any of ($a, $b*))" naming the strings of k[0..n). */
static char *
if_false(const struct tok *k, size_t n)
{
	size_t i, j, len = 0, cap = 64;
	char *b = malloc(cap);
	int them = 0, any = 0;

	if (!b)
		return NULL;
	len = (size_t)snprintf(b, cap, "(false and any of (");
	for (i = 0; i < n; i++) {
		const struct tok *t = &k[i];
		if (t->kind == T_IDENT && is(t, "them"))
			them = 1;
		if (t->kind != T_IDENT || t->n < 2 ||
		    (t->s[0] != '$' && t->s[0] != '#' && t->s[0] != '@' && t->s[0] != '!'))
			continue;
		for (j = 0; j < i; j++) /* named before */
			if (k[j].kind == T_IDENT && k[j].n == t->n &&
			    !memcmp(k[j].s + 1, t->s + 1, t->n - 1) &&
			    (k[j].s[0] == '$' || k[j].s[0] == '#' || k[j].s[0] == '@' ||
			     k[j].s[0] == '!'))
				break;
		if (j < i)
			continue;
		if (len + t->n + 4 > cap) {
			char *q;
			cap = 2 * (len + t->n + 4);
			if (!(q = realloc(b, cap))) {
				free(b);
				return NULL;
			}
			b = q;
		}
		len += (size_t)snprintf(b + len, cap - len, "%s$%.*s", any ? ", " : "",
					(int)t->n - 1, t->s + 1);
		any = 1;
	}
	if (them)
		snprintf(b, cap, "(false and any of them)");
	else if (any)
		snprintf(b + len, cap - len, "))");
	else
		snprintf(b, cap, "false");
	return b;
}

/* Splits the condition k[0..n) at its top-level or's into r's parts. */
static int
split_parts(const char *src, const struct tok *k, size_t n, unsigned mods, struct yara_rule *r)
{
	size_t i, start = 0, count = 1;
	int level = 0;

	for (i = 0; i < n; i++) {
		level += is(&k[i], "(") - is(&k[i], ")");
		if (level == 0 && k[i].kind == T_IDENT && is(&k[i], "or"))
			count++;
	}
	if (count > YARA_PARTS_MAX)
		count = 1;
	if (!(r->parts = calloc(count, sizeof(*r->parts))))
		return -1;
	level = 0;
	for (i = 0; i <= n; i++) {
		struct yara_part *p;
		if (i < n) {
			level += is(&k[i], "(") - is(&k[i], ")");
			if (count == 1 || level != 0 || k[i].kind != T_IDENT || !is(&k[i], "or"))
				continue;
		}
		if (i == start)
			return -1; /* "or" with nothing beside it */
		p = &r->parts[r->n_parts++];
		p->start = (size_t)(k[start].s - src);
		p->end = (size_t)(k[i - 1].s - src) + k[i - 1].n;
		expr(k + start, i - start, 1, mods, &p->gate);
		if (!(p->if_false = if_false(k + start, i - start)))
			return -1;
		if (yara_need_clauses(k + start, i - start, r, p) < 0)
			return -1;
		start = i + 1;
	}
	return 0;
}

/* Finds the imports and rules in t; -1 where the source goes beyond what
 * this reader follows. */
static int
rules(const char *src, const struct toks *t, struct yara_source *ys)
{
	struct yara_rule **sorted = NULL;
	size_t i = 0, cap = 0, *cond_at = NULL, *cond_end = NULL;
	int rc = -1;

	while (i < t->n) {
		struct yara_rule *r;
		size_t cond = 0, strs = 0, end, first = i;
		unsigned mods;
		if (t->v[i].kind == T_IDENT && is(&t->v[i], "include"))
			goto out;
		if (t->v[i].kind == T_IDENT && is(&t->v[i], "import")) {
			if (i + 1 >= t->n || t->v[i + 1].kind != T_STR || t->v[i + 1].n < 2 ||
			    ys->n_imports == YARA_IMPORTS)
				goto out;
			ys->imports[ys->n_imports].name = t->v[i + 1].s + 1;
			ys->imports[ys->n_imports].len = t->v[i + 1].n - 2;
			ys->n_imports++;
			i += 2;
			continue;
		}
		if (ys->n_rules == cap) {
			size_t nc = cap ? 2 * cap : 16;
			void *a, *b, *c;
			if (nc > YARA_RULES_MAX)
				goto out;
			a = realloc(ys->rules, nc * sizeof(*ys->rules));
			if (a)
				ys->rules = a;
			b = realloc(cond_at, nc * sizeof(*cond_at));
			if (b)
				cond_at = b;
			c = realloc(cond_end, nc * sizeof(*cond_end));
			if (c)
				cond_end = c;
			if (!a || !b || !c)
				goto out;
			cap = nc;
		}
		r = &ys->rules[ys->n_rules];
		memset(r, 0, sizeof(*r));
		while (i < t->n && t->v[i].kind == T_IDENT &&
		       (is(&t->v[i], "private") || is(&t->v[i], "global"))) {
			r->is_private |= is(&t->v[i], "private");
			r->is_global |= is(&t->v[i], "global");
			i++;
		}
		if (i + 1 >= t->n || !is(&t->v[i], "rule") || t->v[i + 1].kind != T_IDENT)
			goto out;
		r->name = t->v[i + 1].s;
		r->name_len = t->v[i + 1].n;
		for (i += 2; i < t->n && !is(&t->v[i], "{"); i++)
			if (!is(&t->v[i], ":") && t->v[i].kind != T_IDENT)
				goto out;
		for (end = i + 1; end < t->n && !is(&t->v[end], "}"); end++)
			if (!cond && end + 1 < t->n && t->v[end].kind == T_IDENT &&
			    is(&t->v[end], "condition") && is(&t->v[end + 1], ":"))
				cond = end + 2;
			else if (!cond && !strs && end + 1 < t->n && t->v[end].kind == T_IDENT &&
				 is(&t->v[end], "strings") && is(&t->v[end + 1], ":"))
				strs = end + 2;
			else if (is(&t->v[end], "{"))
				goto out;
		if (end >= t->n || !cond)
			goto out;
		r->start = (size_t)(t->v[first].s - src);
		r->end = (size_t)(t->v[end].s - src) + 1;
		r->cond_start = (size_t)(t->v[cond].s - src);
		r->cond_end = (size_t)(t->v[end].s - src);
		mods = module_mask(ys);
		expr(t->v + cond, end - cond, 0, mods, &r->gate);
		ys->n_rules++; /* counted before its parts, so that freeing finds them */
		/* Strings this reader cannot follow leave the rule without clauses. */
		if (strs && strs < cond && yara_need_strings(t->v + strs, cond - 2 - strs, r) < 0)
			yara_need_free(r);
		if (cond == end || split_parts(src, t->v + cond, end - cond, mods, r) < 0)
			goto out;
		ys->n_rules--;
		cond_at[ys->n_rules] = cond;
		cond_end[ys->n_rules] = end;
		ys->n_rules++;
		i = end + 1;
	}
	if (ys->n_rules) {
		if (!(sorted = malloc(ys->n_rules * sizeof(*sorted))))
			goto out;
		for (i = 0; i < ys->n_rules; i++)
			sorted[i] = &ys->rules[i];
		qsort(sorted, ys->n_rules, sizeof(*sorted), cmp_name);
		/* Two rules of one name do not compile. */
		for (i = 1; i < ys->n_rules; i++)
			if (!cmp_name(&sorted[i - 1], &sorted[i]))
				goto out;
	}
	for (i = 0; i < ys->n_rules; i++) {
		struct yara_rule *r = &ys->rules[i];
		size_t k, from = cond_at[i];
		if (names(ys, sorted, t->v + from, cond_end[i] - from, r, &r->uses) < 0)
			goto out;
		/* Each part's tokens: from its first to its last byte. */
		for (k = 0; k < r->n_parts; k++) {
			struct yara_part *p = &r->parts[k];
			size_t a = from, b;
			while (a < cond_end[i] && (size_t)(t->v[a].s - src) < p->start)
				a++;
			for (b = a; b < cond_end[i] && (size_t)(t->v[b].s - src) < p->end; b++)
				;
			if (names(ys, sorted, t->v + a, b - a, r, &p->uses) < 0)
				goto out;
			from = b;
		}
	}
	ys->gate = (struct yara_gate){0};
	for (i = 0; i < ys->n_rules; i++)
		if (!ys->rules[i].is_private)
			gate_or(&ys->gate, &ys->rules[i].gate);
	rc = 0;
out:
	free(sorted);
	free(cond_at);
	free(cond_end);
	return rc;
}

void
yara_source_free(struct yara_source *ys)
{
	size_t i, k;

	if (!ys)
		return;
	for (i = 0; i < ys->n_rules; i++) {
		yara_need_free(&ys->rules[i]);
		for (k = 0; k < ys->rules[i].n_parts; k++)
			free(ys->rules[i].parts[k].if_false);
		free(ys->rules[i].parts);
	}
	free(ys->rules);
	memset(ys, 0, sizeof(*ys));
}

int
yara_source_read(const char *src, size_t n, struct yara_source *ys)
{
	struct toks t = {0};
	int rc = 0;

	memset(ys, 0, sizeof(*ys));
	if (lex(src, n, &t) < 0 || rules(src, &t, ys) < 0) {
		yara_source_free(ys);
		ys->gate = ANY;
		rc = -1;
	}
	free(t.v);
	return rc;
}

int
yara_gate_read(const char *src, size_t n, struct yara_gate *g)
{
	struct yara_source ys;

	yara_source_read(src, n, &ys);
	*g = ys.gate;
	yara_source_free(&ys);
	return g->open;
}

static int
magic_ok(const struct yara_magic *m, const uint8_t *p, size_t n)
{
	uint32_t v = 0;
	unsigned i;

	if (n < m->width)
		return 0;
	for (i = 0; i < m->width; i++)
		v |= (uint32_t)p[i] << (8 * (m->big_endian ? m->width - 1 - i : i));
	return v == m->value;
}

int
yara_gate_admits(const struct yara_gate *g, const uint8_t *p, size_t n)
{
	unsigned i, k;

	if (g->open)
		return 1;
	for (i = 0; i < g->n_alt; i++) {
		const struct yara_gate_alt *a = &g->alt[i];
		if (n > a->max_size)
			continue;
		if (a->n_magic == 0)
			return 1;
		for (k = 0; k < a->n_magic; k++)
			if (magic_ok(&a->magic[k], p, n))
				return 1;
	}
	return 0;
}
