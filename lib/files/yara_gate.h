/*
 * What a YARA rule file asks of a file before any of its rules can match.
 *
 * Most public rules begin with a header test and a size bound, such as
 * `uint16(0) == 0x5a4d and filesize < 500KB`. Read from the rule source, these
 * conjuncts let ward skip a rule file for files that cannot satisfy them:
 * a PE rule set never runs on an ELF library, and never loads the pe module
 * for it. The gate only ever admits too much, never too little: whatever the
 * reader does not understand admits every file.
 */
#ifndef WARD_YARA_GATE_H
#define WARD_YARA_GATE_H

#include <stddef.h>
#include <stdint.h>

#define YARA_GATE_MAGICS 8 /* magics in one alternative */
#define YARA_GATE_ALTS 16  /* alternatives in one gate */

/* The integer at offset 0, read as uint8/16/32, little or big endian. */
struct yara_magic {
	uint8_t width; /* bytes: 1, 2 or 4 */
	uint8_t big_endian;
	uint32_t value;
};

/* One way in: a file starting with one of the magics (none: any start) and
 * of at most max_size bytes. */
struct yara_gate_alt {
	struct yara_magic magic[YARA_GATE_MAGICS];
	unsigned n_magic;
	uint64_t max_size;
};

/* Files admitted: every file when open; otherwise those some alternative
 * admits, and none when there is no alternative (only private rules). */
struct yara_gate {
	int open;
	struct yara_gate_alt alt[YARA_GATE_ALTS];
	unsigned n_alt;
};

#define YARA_IMPORTS 32	      /* imports of one file */
#define YARA_RULE_REFS 64     /* rules one condition names */
#define YARA_RULES_MAX 20000  /* rules of one file */
#define YARA_PARTS_MAX 64     /* disjuncts of one condition kept apart */
#define YARA_STRINGS_MAX 4096 /* strings of one rule */
#define YARA_FACTOR_MIN 3     /* shorter factors are too common to tell */

/* What a condition names: imports and other rules of its source. */
struct yara_uses {
	uint32_t modules;	     /* bit i: it names imports[i] */
	size_t refs[YARA_RULE_REFS]; /* rules of this source */
	size_t n_refs;
};

/* Bytes a file must hold for a string to match: the string itself, or the
 * longest run of fixed bytes of a hex string. */
struct yara_factor {
	uint8_t *bytes;
	size_t len;
	int caseless;
};

/* A string of a rule. Unknown strings (regular expressions, xor and base64
 * strings, hex strings without three fixed bytes in a row) may be in any
 * file; a known one is in a file only if one of its factors is (one, or
 * two for "ascii wide"). */
struct yara_string {
	const char *name; /* "$a1", "$" for an anonymous string; in src */
	size_t name_len;
	int known;
	struct yara_factor alt[2];
	unsigned n_alts;
};

/* At least n of the rule's strings set[0..n_set) must match, or (when
 * or_next is set) the next clause must hold instead. */
struct yara_clause {
	size_t *set;
	size_t n_set;
	size_t n;
	int or_next;
};

/* One of the disjuncts a condition is made of: "A and B or C" has two. */
struct yara_part {
	size_t start, end; /* its text, src[start..end) */
	struct yara_gate gate;
	struct yara_uses uses;
	char *if_false;		     /* what stands for it on a file its gate refuses: false,
					still naming its strings, which libyara wants used */
	struct yara_clause *clauses; /* all must hold for it to be true; none
					known: it may be true on any file */
	size_t n_clauses;
};

/* One rule of a source: where its text is, and what its condition needs. */
struct yara_rule {
	size_t start, end;	     /* src[start..end): from its first modifier to its '}' */
	size_t cond_start, cond_end; /* its condition, src[cond_start..cond_end) */
	const char *name;	     /* in src, not terminated */
	size_t name_len;
	int is_private, is_global;
	struct yara_gate gate; /* files its condition can be true on */
	struct yara_uses uses; /* what the whole condition names */
	struct yara_part *parts;
	size_t n_parts;
	struct yara_string *strings;
	size_t n_strings;
};

/* A rule file as far as ward reads it. */
struct yara_source {
	struct {
		const char *name; /* the module, in src, not terminated */
		size_t len;
	} imports[YARA_IMPORTS];
	size_t n_imports;
	struct yara_rule *rules;
	size_t n_rules;
	struct yara_gate gate; /* what the rules together admit */
};

/* Reads the rules of src[n] into ys (pointing into src). Returns 0, or -1
 * when the source goes beyond what this reader follows (an include, a
 * lexical error, an unknown construct at the top, two rules of one name,
 * more than the limits above): then ys has no rules and an open gate. */
int yara_source_read(const char *src, size_t n, struct yara_source *ys);
void yara_source_free(struct yara_source *ys);

/* Reads the rule source src[n] into g. Never fails: source it cannot follow
 * (an include, a lexical error, an unknown construct at the top) leaves g
 * open. Returns 1 when g is open, 0 otherwise. */
int yara_gate_read(const char *src, size_t n, struct yara_gate *g);

/* 1 when a file of n bytes starting with p may match a rule behind g. */
int yara_gate_admits(const struct yara_gate *g, const uint8_t *p, size_t n);

#endif
