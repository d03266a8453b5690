/*
 * Which strings a rule's condition needs, so that a file holding none of
 * the bytes they need can skip libyara altogether (files_yara.c looks for
 * every rule's factors with one Hyperscan pass).
 *
 * Strings: a text string needs its bytes ("ascii wide": either form;
 * "nocase": in any case); a hex string needs its longest run of fixed
 * bytes outside alternatives; a regular expression its longest run of
 * literal characters that every match holds; xor and base64 strings, and
 * anything shorter than YARA_FACTOR_MIN bytes are unknown, that is, taken
 * as present in every file.
 *
 * Clauses: among the top-level conjuncts of a part, these forms need
 * strings, and every other form needs nothing:
 *     $a    $a at ...    $a in (...)    #a > N    #a >= N (N >= 1)
 *     N of them    any of ($a, $b*)    all of (...)    (N >= 1)
 * A part is false on a file where one of its clauses fails, counting
 * unknown strings as found; a clause only ever asks for fewer strings than
 * libyara would need to find.
 */
#include <stdlib.h>
#include <string.h>

#include "ward/text.h"
#include "yara_tok.h"

static int
set_factor(struct yara_factor *f, const uint8_t *b, size_t n, int caseless)
{
	if (!(f->bytes = malloc(n ? n : 1)))
		return -1;
	memcpy(f->bytes, b, n);
	f->len = n;
	f->caseless = caseless;
	return 0;
}

/* The bytes of a "text string" token, unescaped as YARA does; -1 on an
 * escape YARA would refuse. */
static int
unescape(const struct tok *k, uint8_t *out, size_t *len)
{
	size_t i, n = 0;

	for (i = 1; i + 1 < k->n; i++) {
		int c = (unsigned char)k->s[i];
		if (c == '\\') {
			if (++i + 1 >= k->n)
				return -1;
			c = k->s[i];
			if (c == 'n')
				c = '\n';
			else if (c == 't')
				c = '\t';
			else if (c == 'r')
				c = '\r';
			else if (c == 'x') {
				int h, l;
				if (i + 3 > k->n - 1 || (h = ward_hexval(k->s[i + 1])) < 0 ||
				    (l = ward_hexval(k->s[i + 2])) < 0)
					return -1;
				c = h << 4 | l;
				i += 2;
			} else if (c != '"' && c != '\\')
				return -1;
		}
		out[n++] = (uint8_t)c;
	}
	*len = n;
	return 0;
}

/* The longest run of fixed bytes in a { hex string } outside alternatives,
 * into out[cap]. Bytes are two characters each; "??", "4?", "?4", "~41",
 * [jumps] and ( alternatives | ) end a run. */
static size_t
hex_factor(const struct tok *k, uint8_t *out, size_t cap)
{
	size_t i = 1, end = k->n - 1, run = 0, best = 0, from = 0;
	int depth = 0;
	uint8_t *cur = malloc(cap ? cap : 1);

	if (!cur)
		return 0;
	while (i < end) {
		char c = k->s[i];
		int h, l, fixed = 0;
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			i++;
			continue;
		}
		if (c == '/' && i + 1 < end && k->s[i + 1] == '/') {
			while (i < end && k->s[i] != '\n')
				i++;
			continue;
		}
		if (c == '/' && i + 1 < end && k->s[i + 1] == '*') {
			for (i += 2; i + 1 < end && !(k->s[i] == '*' && k->s[i + 1] == '/'); i++)
				;
			i += 2;
			continue;
		}
		if (c == '[') {
			while (i < end && k->s[i] != ']')
				i++;
			i++;
		} else if (c == '(' || c == ')' || c == '|') {
			depth += (c == '(') - (c == ')');
			i++;
		} else if (c == '~') {
			i += 3;
		} else if (i + 1 < end) {
			h = c == '?' ? -1 : ward_hexval(c);
			l = k->s[i + 1] == '?' ? -1 : ward_hexval(k->s[i + 1]);
			fixed = h >= 0 && l >= 0 && depth == 0;
			i += 2;
			if (fixed && run < cap) {
				cur[run++] = (uint8_t)(h << 4 | l);
				if (run > best) {
					best = run;
					from = 0;
				}
				continue;
			}
		} else {
			break;
		}
		/* The run is over: keep it if it is the longest. */
		if (run == best && run > 0 && from == 0) {
			memcpy(out, cur, run);
			from = 1;
		}
		run = 0;
	}
	if (run == best && run > 0 && from == 0)
		memcpy(out, cur, run);
	free(cur);
	return best;
}

/*
 * The longest run of literal characters of a /regex/ that every match
 * holds: characters in sequence at the top, outside groups and classes,
 * none made optional by ?, * or {; a + ends the run after its character.
 * A | at the top means no such run. *caseless is set by the i flag.
 */
static size_t
regex_factor(const struct tok *k, uint8_t *out, size_t cap, int *caseless)
{
	size_t end = k->n - 1, i, run = 0, best = 0;
	int depth = 0;
	uint8_t *cur = malloc(cap ? cap : 1);

	if (!cur)
		return 0;
	while (end > 0 && k->s[end] != '/')
		end--;
	*caseless = memchr(k->s + end, 'i', k->n - end) != NULL;
	for (i = 1; i < end;) {
		char c = k->s[i];
		int lit = -1;
		if (c == '\\' && i + 1 < end) {
			char e = k->s[i + 1];
			int h, l;
			if (e == 'x' && i + 3 < end && (h = ward_hexval(k->s[i + 2])) >= 0 &&
			    (l = ward_hexval(k->s[i + 3])) >= 0) {
				lit = h << 4 | l;
				i += 4;
			} else if (e == 'n' || e == 't' || e == 'r') {
				lit = e == 'n' ? '\n' : e == 't' ? '\t' : '\r';
				i += 2;
			} else if (!((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') ||
				     (e >= '0' && e <= '9'))) {
				lit = (unsigned char)e;
				i += 2;
			} else {
				i += 2; /* \d, \w, \b ...: a class or an anchor */
			}
		} else if (c == '[') {
			i++;
			if (i < end && k->s[i] == '^')
				i++;
			if (i < end && k->s[i] == ']')
				i++;
			while (i < end && k->s[i] != ']')
				i += k->s[i] == '\\' ? 2 : 1;
			i++;
		} else if (c == '(') {
			depth++;
			i++;
		} else if (c == ')') {
			depth--;
			i++;
		} else if (c == '|') {
			if (depth == 0) {
				free(cur);
				return 0;
			}
			i++;
		} else if (c == '*' || c == '?' || c == '{') {
			/* The character before is optional: out of the run. */
			if (run > 0)
				run--;
			if (c == '{')
				while (i < end && k->s[i] != '}')
					i++;
			i++;
		} else if (c == '+') {
			i++; /* one at least: the run so far stood */
		} else if (c == '.' || c == '^' || c == '$') {
			i++;
		} else {
			lit = (unsigned char)c;
			i++;
		}
		if (lit >= 0 && depth == 0 && run < cap) {
			/* A quantifier after it decides; look ahead. */
			char nx = i < end ? k->s[i] : 0;
			if (nx == '*' || nx == '?' || nx == '{') {
				lit = -1;
			} else {
				cur[run++] = (uint8_t)lit;
				if (run > best) {
					best = run;
					memcpy(out, cur, run);
				}
				if (nx == '+')
					lit = -2; /* ends after this one */
				else
					continue;
			}
		}
		run = 0;
	}
	free(cur);
	return best;
}

static int
modifier_is(const struct tok *k, const char *name)
{
	return k->kind == T_IDENT && is(k, name);
}

int
yara_need_strings(const struct tok *k, size_t n, struct yara_rule *r)
{
	size_t i = 0, cap = 0;

	while (i < n) {
		struct yara_string *s;
		const struct tok *val;
		int ascii = 0, wide = 0, nocase = 0, unknown = 0;
		size_t j;
		if (k[i].kind != T_IDENT || k[i].s[0] != '$' || i + 2 >= n || !is(&k[i + 1], "="))
			return -1;
		if (r->n_strings == YARA_STRINGS_MAX)
			return -1;
		if (r->n_strings == cap) {
			size_t nc = cap ? 2 * cap : 8;
			struct yara_string *v = realloc(r->strings, nc * sizeof(*v));
			if (!v)
				return -1;
			r->strings = v;
			cap = nc;
		}
		s = &r->strings[r->n_strings++];
		memset(s, 0, sizeof(*s));
		s->name = k[i].s;
		s->name_len = k[i].n;
		val = &k[i + 2];
		if (val->kind != T_STR && val->kind != T_HEX && val->kind != T_RE)
			return -1;
		/* Modifiers, up to the next string. */
		for (j = i + 3; j < n && !(k[j].kind == T_IDENT && k[j].s[0] == '$'); j++) {
			if (modifier_is(&k[j], "ascii"))
				ascii = 1;
			else if (modifier_is(&k[j], "wide"))
				wide = 1;
			else if (modifier_is(&k[j], "nocase"))
				nocase = 1;
			else if (modifier_is(&k[j], "fullword") || modifier_is(&k[j], "private"))
				;
			else if (is(&k[j], "(")) {
				int level = 0;
				for (; j < n; j++) {
					level += is(&k[j], "(") - is(&k[j], ")");
					if (level == 0)
						break;
				}
				if (j >= n)
					return -1;
			} else
				unknown = 1; /* xor, base64, base64wide, anything new */
		}
		i = j;
		if (unknown)
			continue;
		if (val->kind == T_RE) {
			uint8_t b[1024];
			int ci = 0;
			size_t len = regex_factor(val, b, sizeof(b), &ci);
			if (len < YARA_FACTOR_MIN)
				continue;
			if ((!wide || ascii) &&
			    set_factor(&s->alt[s->n_alts++], b, len, ci || nocase) < 0)
				return -1;
			if (wide) {
				uint8_t w[2048];
				size_t q;
				for (q = 0; q < len; q++) {
					w[2 * q] = b[q];
					w[2 * q + 1] = 0;
				}
				if (set_factor(&s->alt[s->n_alts++], w, 2 * len, ci || nocase) < 0)
					return -1;
			}
			s->known = 1;
			continue;
		}
		if (val->kind == T_HEX) {
			uint8_t b[1024];
			size_t len = hex_factor(val, b, sizeof(b));
			if (len < YARA_FACTOR_MIN)
				continue;
			if (set_factor(&s->alt[0], b, len, 0) < 0)
				return -1;
			s->n_alts = 1;
			s->known = 1;
			continue;
		}
		{
			uint8_t *b = malloc(val->n * 2 + 1), *w;
			size_t len = 0, q;
			if (!b)
				return -1;
			if (unescape(val, b, &len) < 0 || len < YARA_FACTOR_MIN) {
				free(b);
				continue;
			}
			if (!wide || ascii) {
				if (set_factor(&s->alt[s->n_alts++], b, len, nocase) < 0) {
					free(b);
					return -1;
				}
			}
			if (wide) {
				/* UTF-16LE of the bytes: each followed by a zero. */
				if (!(w = malloc(len * 2))) {
					free(b);
					return -1;
				}
				for (q = 0; q < len; q++) {
					w[2 * q] = b[q];
					w[2 * q + 1] = 0;
				}
				if (set_factor(&s->alt[s->n_alts++], w, len * 2, nocase) < 0) {
					free(w);
					free(b);
					return -1;
				}
				free(w);
			}
			free(b);
			s->known = 1;
		}
	}
	return 0;
}

/* The rule's strings named by "$a" or "$a*"; appended to set. */
static size_t
resolve(const struct tok *t, const struct yara_rule *r, size_t *set, size_t n_set)
{
	size_t len = t->n, i, k;
	int wild = t->s[len - 1] == '*';

	if (wild)
		len--;
	for (i = 0; i < r->n_strings; i++) {
		const struct yara_string *s = &r->strings[i];
		if (s->name_len < len || memcmp(s->name + 1, t->s + 1, len - 1) != 0 ||
		    (!wild && s->name_len != len))
			continue;
		for (k = 0; k < n_set && set[k] != i; k++)
			;
		if (k == n_set)
			set[n_set++] = i;
	}
	return n_set;
}

static int
add_clause(struct yara_part *p, size_t *set, size_t n_set, size_t need)
{
	struct yara_clause *v;

	if (n_set == 0 || need == 0)
		return 0;
	if (!(v = realloc(p->clauses, (p->n_clauses + 1) * sizeof(*v))))
		return -1;
	p->clauses = v;
	v[p->n_clauses].set = malloc(n_set * sizeof(*set));
	if (!v[p->n_clauses].set)
		return -1;
	memcpy(v[p->n_clauses].set, set, n_set * sizeof(*set));
	v[p->n_clauses].n_set = n_set;
	v[p->n_clauses].n = need;
	v[p->n_clauses].or_next = 0;
	p->n_clauses++;
	return 0;
}

/* A string reference "$a" (not "$", not "$a*"). */
static int
one_string(const struct tok *t)
{
	return t->kind == T_IDENT && t->s[0] == '$' && t->n > 1 && t->s[t->n - 1] != '*';
}

static int conjunct(const struct tok *k, size_t n, const struct yara_rule *r, struct yara_part *p,
		    int depth);

static void
free_clauses(struct yara_part *p)
{
	size_t i;

	for (i = 0; i < p->n_clauses; i++)
		free(p->clauses[i].set);
	free(p->clauses);
	p->clauses = NULL;
	p->n_clauses = 0;
}

static int disjunction(const struct tok *k, size_t n, const struct yara_rule *r,
		       struct yara_part *p, int depth);

/* The clauses of a conjunction k[0..n) into p; an "or" at the top binds
 * looser than "and", so such an expression is a disjunction. */
static int
conjunction(const struct tok *k, size_t n, const struct yara_rule *r, struct yara_part *p,
	    int depth)
{
	size_t i, start = 0;
	int level = 0;

	for (i = 0; i < n; i++) {
		level += is(&k[i], "(") - is(&k[i], ")");
		if (level == 0 && k[i].kind == T_IDENT && is(&k[i], "or"))
			return depth > 16 ? 0 : disjunction(k, n, r, p, depth + 1);
	}
	level = 0;
	for (i = 0; i <= n; i++) {
		if (i < n) {
			level += is(&k[i], "(") - is(&k[i], ")");
			if (level != 0 || k[i].kind != T_IDENT || !is(&k[i], "and"))
				continue;
		}
		if (conjunct(k + start, i - start, r, p, depth) < 0)
			return -1;
		start = i + 1;
	}
	return 0;
}

/* A or B or C: one clause of each side, joined by or_next; none when a
 * side needs nothing. */
static int
disjunction(const struct tok *k, size_t n, const struct yara_rule *r, struct yara_part *p,
	    int depth)
{
	struct yara_part side, all;
	size_t i, start = 0;
	int level = 0, rc = 0;

	memset(&all, 0, sizeof(all));
	for (i = 0; i <= n && rc == 0; i++) {
		struct yara_clause *v;
		if (i < n) {
			level += is(&k[i], "(") - is(&k[i], ")");
			if (level != 0 || k[i].kind != T_IDENT || !is(&k[i], "or"))
				continue;
		}
		memset(&side, 0, sizeof(side));
		if (conjunction(k + start, i - start, r, &side, depth + 1) < 0) {
			rc = -1;
		} else if (side.n_clauses == 0) {
			rc = 1; /* this side needs nothing */
		} else if (!(v = realloc(all.clauses, (all.n_clauses + 1) * sizeof(*v)))) {
			rc = -1;
		} else {
			all.clauses = v;
			v[all.n_clauses] = side.clauses[0];
			v[all.n_clauses].or_next = 1;
			all.n_clauses++;
			side.clauses[0].set = NULL;
		}
		free_clauses(&side);
		start = i + 1;
	}
	if (rc == 0 && all.n_clauses > 0) {
		struct yara_clause *v =
		    realloc(p->clauses, (p->n_clauses + all.n_clauses) * sizeof(*v));
		if (!v) {
			rc = -1;
		} else {
			all.clauses[all.n_clauses - 1].or_next = 0;
			p->clauses = v;
			memcpy(v + p->n_clauses, all.clauses, all.n_clauses * sizeof(*v));
			p->n_clauses += all.n_clauses;
			free(all.clauses);
			return 0;
		}
	}
	free_clauses(&all);
	return rc < 0 ? -1 : 0;
}

/* The clause of one conjunct k[0..n), if it has one of the forms above. */
static int
conjunct(const struct tok *k, size_t n, const struct yara_rule *r, struct yara_part *p, int depth)
{
	size_t *set, n_set = 0, i, start, need = 0;
	uint64_t v;
	int level = 0, has_and = 0, rc = 0;

	if (n == 0 || depth > 16 || r->n_strings == 0)
		return 0;
	/* ( ... ): a conjunction inside is as good as one outside; a
	 * disjunction needs one clause of each of its sides. */
	if (n >= 2 && is(&k[0], "(") && is(&k[n - 1], ")")) {
		int has_or = 0;
		for (i = 0; i < n; i++) {
			level += is(&k[i], "(") - is(&k[i], ")");
			if (level == 0)
				break;
			if (level == 1 && k[i].kind == T_IDENT && is(&k[i], "or"))
				has_or = 1;
			if (level == 1 && k[i].kind == T_IDENT && is(&k[i], "and"))
				has_and = 1;
		}
		if (i != n - 1)
			return 0;
		if (has_or)
			return disjunction(k + 1, n - 2, r, p, depth + 1);
		if (!has_and)
			return conjunct(k + 1, n - 2, r, p, depth + 1);
		level = 0;
		for (i = 1, start = 1; i < n; i++) {
			if (i < n - 1) {
				level += is(&k[i], "(") - is(&k[i], ")");
				if (level != 0 || k[i].kind != T_IDENT || !is(&k[i], "and"))
					continue;
			}
			if (conjunct(k + start, i - start, r, p, depth + 1) < 0)
				return -1;
			start = i + 1;
		}
		return 0;
	}
	if (!(set = malloc(r->n_strings * sizeof(*set))))
		return -1;
	if (one_string(&k[0]) && (n == 1 || is(&k[1], "at") || is(&k[1], "in"))) {
		/* $a, $a at ..., $a in (...) */
		n_set = resolve(&k[0], r, set, 0);
		need = 1;
	} else if (n == 3 && k[0].kind == T_IDENT && k[0].s[0] == '#' && k[0].n > 1 &&
		   k[0].n < 256 && k[0].s[k[0].n - 1] != '*' && yara_number(&k[2], &v) == 0 &&
		   (is(&k[1], ">") || (is(&k[1], ">=") && v >= 1))) {
		/* #a > N, #a >= N */
		char name[256];
		struct tok t = k[0];
		name[0] = '$';
		memcpy(name + 1, t.s + 1, t.n - 1);
		t.s = name;
		n_set = resolve(&t, r, set, 0);
		need = 1;
	} else if (n >= 3 && is(&k[1], "of")) {
		/* N of them, N of ($a, $b*) */
		int ok = 1;
		if (is(&k[2], "them") && n == 3) {
			for (i = 0; i < r->n_strings; i++)
				set[n_set++] = i;
		} else if (is(&k[2], "(") && is(&k[n - 1], ")")) {
			for (i = 3; i < n - 1 && ok; i++) {
				if (is(&k[i], ","))
					continue;
				if (k[i].kind != T_IDENT || k[i].s[0] != '$' || k[i].n < 2)
					ok = 0;
				else
					n_set = resolve(&k[i], r, set, n_set);
			}
		} else {
			ok = 0;
		}
		if (!ok)
			need = 0;
		else if (is(&k[0], "any"))
			need = 1;
		else if (is(&k[0], "all"))
			need = n_set;
		else if (k[0].kind == T_NUM && k[0].s[0] >= '0' && k[0].s[0] <= '9' &&
			 yara_number(&k[0], &v) == 0 && v >= 1)
			need = v < n_set ? (size_t)v : n_set;
	}
	if (need > 0 && n_set > 0)
		rc = add_clause(p, set, n_set, need);
	free(set);
	return rc;
}

int
yara_need_clauses(const struct tok *k, size_t n, const struct yara_rule *r, struct yara_part *p)
{
	return conjunction(k, n, r, p, 0);
}

void
yara_need_free(struct yara_rule *r)
{
	size_t i, k;

	for (i = 0; i < r->n_strings; i++)
		for (k = 0; k < r->strings[i].n_alts; k++)
			free(r->strings[i].alt[k].bytes);
	free(r->strings);
	r->strings = NULL;
	r->n_strings = 0;
	for (i = 0; i < r->n_parts; i++)
		free_clauses(&r->parts[i]);
}
