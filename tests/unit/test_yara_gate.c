/*
 * The YARA gate reader: which files a rule file can match at all. Each case
 * checks files the gate must admit (a rule could match them) and files it
 * may refuse; whatever the reader cannot follow must admit everything.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "yara_gate.h"

static const uint8_t MZ[] = "MZ\x90\0\3\0\0\0";
static const uint8_t ELF[] = "\x7f"
			     "ELF\2\1\1\0";
static const uint8_t MACHO64[] = "\xcf\xfa\xed\xfe\7\0\0\1";
static const uint8_t TEXT[] = "#!/bin/sh\necho hi\n";

static struct yara_gate
read_src(const char *src)
{
	struct yara_gate g;

	yara_gate_read(src, strlen(src), &g);
	return g;
}

/* Admits a file of size bytes starting with head. */
static int
admits(const struct yara_gate *g, const uint8_t *head, size_t size)
{
	static uint8_t buf[4 << 20];

	assert_true(size <= sizeof(buf));
	memset(buf, 'A', size);
	memcpy(buf, head, size < 8 ? size : 8);
	return yara_gate_admits(g, buf, size);
}

static void
test_pe_and_size(void **state)
{
	struct yara_gate g = read_src("import \"pe\"\n"
				      "rule a {\n strings: $a = \"x\"\n condition:\n"
				      "  uint16(0) == 0x5a4d and filesize < 500KB and $a\n}\n");

	(void)state;
	assert_false(g.open);
	assert_true(admits(&g, MZ, 1000));
	assert_true(admits(&g, MZ, 500 * 1024 - 1));
	assert_false(admits(&g, MZ, 500 * 1024));
	assert_false(admits(&g, ELF, 1000));
	assert_false(admits(&g, TEXT, 100));
	assert_false(admits(&g, MZ, 1)); /* uint16(0) is undefined on one byte */
}

static void
test_forms(void **state)
{
	struct yara_gate g;

	(void)state;
	/* Reversed operands, upper-case hex, <=, parentheses. */
	g = read_src("rule a { condition: (0x5A4D == uint16(0)) and (filesize <= 2MB) }");
	assert_false(g.open);
	assert_true(admits(&g, MZ, 2 * 1024 * 1024));
	assert_false(admits(&g, MZ, 2 * 1024 * 1024 + 1));
	assert_false(admits(&g, ELF, 100));
	/* pe.is_pe needs the MZ header. */
	g = read_src("import \"pe\" rule a { condition: pe.is_pe and pe.number_of_sections > 2 }");
	assert_true(admits(&g, MZ, 100));
	assert_false(admits(&g, ELF, 100));
	/* Big-endian ELF magic. */
	g = read_src("rule a { condition: uint32be(0) == 0x7f454c46 }");
	assert_true(admits(&g, ELF, 100));
	assert_false(admits(&g, MZ, 100));
	/* A disjunction of Mach-O magics, and-ed with strings. */
	g = read_src("rule a { strings: $s = \"a\" condition: (uint32(0) == 0xfeedface or "
		     "uint32(0) == 0xfeedfacf or uint32(0) == 0xcafebabe) and $s }");
	assert_false(g.open);
	assert_true(admits(&g, MACHO64, 100));
	assert_false(admits(&g, ELF, 100));
	/* A size bound alone. */
	g = read_src("rule a { condition: 100 > filesize }");
	assert_true(admits(&g, ELF, 99));
	assert_false(admits(&g, ELF, 100));
}

static void
test_union_of_rules(void **state)
{
	struct yara_gate g =
	    read_src("rule pe { condition: uint16(0) == 0x5a4d and filesize < 1KB }\n"
		     "rule macho { condition: uint32(0) == 0xfeedfacf }\n"
		     "private rule helper { condition: true }\n");

	(void)state;
	assert_false(g.open);
	assert_true(admits(&g, MZ, 1000));
	assert_false(admits(&g, MZ, 5000));
	assert_true(admits(&g, MACHO64, 100000));
	assert_false(admits(&g, ELF, 100));
	/* One rule without a gate opens the file. */
	g = read_src("rule pe { condition: uint16(0) == 0x5a4d }\n"
		     "rule any { strings: $a = \"b\" condition: $a }\n");
	assert_true(g.open);
	/* Only private rules: nothing is ever reported. */
	g = read_src("private rule p { condition: true }");
	assert_false(g.open);
	assert_false(admits(&g, MZ, 10));
	/* A global rule reports too, by its own condition. */
	g = read_src("global rule g { condition: filesize < 10 }\n"
		     "rule r { condition: uint16(0) == 0x5a4d }\n");
	assert_true(admits(&g, ELF, 5));
	assert_true(admits(&g, MZ, 50));
	assert_false(admits(&g, ELF, 50));
}

static void
test_pe_undefined(void **state)
{
	static const char *const gated[] = {
	    "rule a { condition: pe.number_of_sections > 3 }",
	    "rule a { condition: not pe.exports(\"Run\") }",
	    "rule a { condition: pe.imphash() == \"abc\" }",
	    "rule a { strings: $a = \"x\" condition: $a at pe.entry_point }",
	    "rule a { condition: pe.characteristics & pe.DLL }",
	    "rule a { strings: $a = \"x\" condition: for any i in (0..pe.number_of_sections - 1) "
	    ": ( $a in (pe.sections[i].raw_data_offset..filesize) or true ) }",
	    "rule a { condition: for all s in pe.sections : ( s.name != \".x\" or true ) }",
	    "rule a { strings: $a = \"x\" condition: uint16(0) == 0x5a4d and $a or "
	    "for none i in (pe.number_of_sections..3) : ( true ) }",
	};
	static const char *const open_srcs[] = {
	    /* defined without MZ: is_pe and the constants */
	    "rule a { condition: pe.is_pe == 0 }",
	    "rule a { condition: not pe.is_pe }",
	    "rule a { condition: pe.MACHINE_I386 == 0x14c }",
	    /* quantifiers, and, or stop undefined */
	    "rule a { condition: for none i in (0..2) : ( pe.sections[i].name == \".text\" ) }",
	    "rule a { strings: $a = \"x\" condition: not (pe.exports(\"Run\") or $a) }",
	    "rule a { strings: $a = \"x\" condition: none of them or pe.number_of_sections > 1 }",
	    /* pe not imported: not the pe module */
	    "rule a { condition: pe.number_of_sections > 3 }",
	};
	static const char *const no_import[] = {"import \"pe\"\n", ""};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(gated) / sizeof(gated[0]); i++) {
		char src[1024];
		struct yara_gate g;
		snprintf(src, sizeof(src), "%s%s", no_import[0], gated[i]);
		g = read_src(src);
		if (g.open || !admits(&g, MZ, 100) || admits(&g, ELF, 100) || admits(&g, TEXT, 10))
			fail_msg("not gated on MZ: %s", gated[i]);
	}
	/* elf, macho and dotnet fields need their headers too. */
	{
		struct yara_gate g = read_src("import \"elf\" rule a { condition: "
					      "elf.number_of_sections > 3 }");
		assert_false(g.open);
		assert_true(admits(&g, ELF, 100));
		assert_false(admits(&g, MZ, 100) || admits(&g, MACHO64, 100));
		g = read_src("import \"macho\" rule a { condition: not (macho.ncmds > 1) }");
		assert_true(admits(&g, MACHO64, 100));
		assert_false(admits(&g, ELF, 100) || admits(&g, TEXT, 100));
		g = read_src(
		    "import \"dotnet\" rule a { condition: dotnet.number_of_streams > 1 }");
		assert_true(admits(&g, MZ, 100));
		assert_false(admits(&g, ELF, 100));
		g = read_src("import \"elf\" rule a { condition: elf.ET_EXEC == 2 }");
		assert_true(g.open);
		g = read_src("rule a { condition: elf.type == 2 }"); /* elf not imported */
		assert_true(g.open);
	}
	for (i = 0; i < sizeof(open_srcs) / sizeof(open_srcs[0]); i++) {
		char src[1024];
		struct yara_gate g;
		snprintf(src, sizeof(src), "%s%s",
			 no_import[i + 1 == sizeof(open_srcs) / sizeof(open_srcs[0])],
			 open_srcs[i]);
		g = read_src(src);
		if (!g.open)
			fail_msg("gated: %s", open_srcs[i]);
	}
}

/* The string s of the only rule of src, read. */
static void
factor_of(const char *src, size_t s, const char *want, size_t want_len, int caseless, unsigned alt)
{
	struct yara_source ys;

	assert_int_equal(yara_source_read(src, strlen(src), &ys), 0);
	assert_true(ys.n_rules == 1 && s < ys.rules[0].n_strings);
	if (!want) {
		if (ys.rules[0].strings[s].known)
			fail_msg("known: %s", src);
	} else {
		const struct yara_factor *f = &ys.rules[0].strings[s].alt[alt];
		if (!ys.rules[0].strings[s].known || alt >= ys.rules[0].strings[s].n_alts ||
		    f->len != want_len || memcmp(f->bytes, want, want_len) != 0 ||
		    f->caseless != caseless)
			fail_msg("factor %u of %s", alt, src);
	}
	yara_source_free(&ys);
}

static void
test_string_factors(void **state)
{
	struct yara_source ys;
	const char *src;

	(void)state;
	factor_of("rule a { strings: $a = \"Lazarus\" condition: $a }", 0, "Lazarus", 7, 0, 0);
	factor_of("rule a { strings: $a = \"Laz\\x41r\\\"us\" nocase condition: $a }", 0,
		  "LazAr\"us", 8, 1, 0);
	factor_of("rule a { strings: $a = \"abc\" ascii wide condition: $a }", 0, "abc", 3, 0, 0);
	factor_of("rule a { strings: $a = \"abc\" ascii wide condition: $a }", 0, "a\0b\0c\0", 6, 0,
		  1);
	factor_of("rule a { strings: $a = \"abc\" wide condition: $a }", 0, "a\0b\0c\0", 6, 0, 0);
	factor_of("rule a { strings: $a = \"ab\" condition: $a }", 0, NULL, 0, 0, 0);
	factor_of("rule a { strings: $a = \"abcdef\" xor condition: $a }", 0, NULL, 0, 0, 0);
	factor_of("rule a { strings: $a = \"abcdef\" base64 condition: $a }", 0, NULL, 0, 0, 0);
	/* Hex: the longest fixed run outside alternatives. */
	factor_of("rule a { strings: $h = { 41 42 ?? 43 44 45 [2-3] 46 } condition: $h }", 0, "CDE",
		  3, 0, 0);
	factor_of(
	    "rule a { strings: $h = { 41 ( 42 43 44 45 | 46 ) 4? 47 48 49 4A } condition: $h }", 0,
	    "GHIJ", 4, 0, 0);
	factor_of("rule a { strings: $h = { 41 ?2 43 } condition: $h }", 0, NULL, 0, 0, 0);
	/* Regular expressions: literal runs every match holds. */
	factor_of("rule a { strings: $r = /Apple[Jj]eus\\.dll/ condition: $r }", 0, "eus.dll", 7, 0,
		  0);
	factor_of("rule a { strings: $r = /Trader-?Traitor/ condition: $r }", 0, "Traitor", 7, 0,
		  0);
	factor_of("rule a { strings: $r = /xyz*abcd/is condition: $r }", 0, "abcd", 4, 1, 0);
	factor_of("rule a { strings: $r = /ab+cdef/ condition: $r }", 0, "cdef", 4, 0, 0);
	factor_of("rule a { strings: $r = /(abc|def)ghij/ condition: $r }", 0, "ghij", 4, 0, 0);
	factor_of("rule a { strings: $r = /abcd|efgh/ condition: $r }", 0, NULL, 0, 0, 0);

	/* Clauses: what each part needs. */
	src = "rule a { strings: $a1 = \"one1\" $a2 = \"two2\" $b = \"three\" "
	      "condition: uint16(0) == 0x5a4d and 2 of ($a*) or ($b and filesize < 10) or "
	      "#b > 2 or pe_like or any of them and (all of ($a*) or $b) }";
	assert_int_equal(yara_source_read(src, strlen(src), &ys), 0);
	assert_int_equal(ys.rules[0].n_parts, 5);
	assert_int_equal(ys.rules[0].parts[0].n_clauses, 1);
	assert_int_equal(ys.rules[0].parts[0].clauses[0].n, 2);
	assert_int_equal(ys.rules[0].parts[0].clauses[0].n_set, 2);
	assert_int_equal(ys.rules[0].parts[1].n_clauses, 1);
	assert_int_equal(ys.rules[0].parts[1].clauses[0].set[0], 2);
	assert_int_equal(ys.rules[0].parts[2].n_clauses, 1);
	assert_int_equal(ys.rules[0].parts[3].n_clauses, 0); /* a rule name: needs nothing */
	/* any of them, then (all of ($a*) or $b): a group of two. */
	assert_int_equal(ys.rules[0].parts[4].n_clauses, 3);
	assert_int_equal(ys.rules[0].parts[4].clauses[0].n_set, 3);
	assert_true(ys.rules[0].parts[4].clauses[1].or_next);
	assert_false(ys.rules[0].parts[4].clauses[2].or_next);
	yara_source_free(&ys);
	/* More disjuncts than parts kept apart: one part whose clauses are one
	 * or-group (a and b or c is (a and b) or c, so nothing alone is needed). */
	{
		static char big[8192];
		size_t n = 0, i;
		n += (size_t)snprintf(big + n, sizeof(big) - n, "rule a { strings: ");
		for (i = 0; i < 70; i++)
			n += (size_t)snprintf(big + n, sizeof(big) - n, "$s%zu = \"str%04zu\" ", i,
					      i);
		n += (size_t)snprintf(big + n, sizeof(big) - n, "condition: $s0 and $s1");
		for (i = 2; i < 70; i++)
			n += (size_t)snprintf(big + n, sizeof(big) - n, " or $s%zu", i);
		snprintf(big + n, sizeof(big) - n, " }");
		assert_int_equal(yara_source_read(big, strlen(big), &ys), 0);
		assert_int_equal(ys.rules[0].n_parts, 1);
		assert_int_equal(ys.rules[0].parts[0].n_clauses, 69);
		for (i = 0; i + 1 < 69; i++)
			assert_true(ys.rules[0].parts[0].clauses[i].or_next);
		assert_false(ys.rules[0].parts[0].clauses[68].or_next);
		yara_source_free(&ys);
	}
	/* Forms that need nothing: none of, counts that may be 0, not. */
	src = "rule a { strings: $a = \"abcd\" condition: none of them or #a >= 0 or not $a or "
	      "#a == 0 }";
	assert_int_equal(yara_source_read(src, strlen(src), &ys), 0);
	assert_int_equal(ys.rules[0].n_parts, 4);
	assert_int_equal(ys.rules[0].parts[0].n_clauses + ys.rules[0].parts[1].n_clauses +
			     ys.rules[0].parts[2].n_clauses + ys.rules[0].parts[3].n_clauses,
			 0);
	yara_source_free(&ys);
}

static void
test_what_constrains_nothing(void **state)
{
	static const char *const open_srcs[] = {
	    /* or at the top: one side is ungated */
	    "rule a { strings: $a = \"x\" condition: uint16(0) == 0x5a4d or $a }",
	    /* and binds tighter than or */
	    "rule a { strings: $a = \"x\" condition: uint16(0) == 0x5a4d and $a or $a }",
	    /* not applies to the comparison */
	    "rule a { condition: not uint16(0) == 0x5a4d }",
	    "rule a { condition: not (uint16(0) == 0x5a4d) }",
	    "rule a { condition: uint16(0) != 0x5a4d }",
	    /* another offset, another operator, a sum */
	    "rule a { condition: uint16(2) == 0x5a4d }",
	    "rule a { condition: uint16(0) + 1 == 0x5a4e }",
	    "rule a { condition: filesize > 10 }",
	    "rule a { condition: filesize < 10 * 1024 }",
	    /* inside a for, not at the top */
	    "rule a { condition: for any i in (0..1) : ( uint16(i) == 0x5a4d ) }",
	    /* include: rules this reader cannot see */
	    "include \"other.yar\"\nrule a { condition: uint16(0) == 0x5a4d }",
	    /* not YARA at all */
	    "rule a { condition: uint16(0) == 0x5a4d ",
	    "rule a { strings: $a = \"unterminated\n condition: $a }",
	    "rule { condition: true }",
	    "garbage",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(open_srcs) / sizeof(open_srcs[0]); i++) {
		struct yara_gate g = read_src(open_srcs[i]);
		if (!g.open)
			fail_msg("not open: %s", open_srcs[i]);
	}
}

static void
test_lexing(void **state)
{
	struct yara_gate g;

	(void)state;
	/* Braces, slashes and keywords inside strings, regexes, hex strings
	 * and comments are not structure. */
	g = read_src("/* rule x { condition: true } */\n"
		     "rule a : tag1 tag2 {\n"
		     " meta: d = \"condition: } or true\" n = 3\n"
		     " strings:\n"
		     "  $h = { 4D 5A [2-4] ( 90 | 00 ) /* } */ ?? // }\n }\n"
		     "  $r = /ab[}{]c\\/d/ nocase\n"
		     "  $s = \"\\\" or true\" wide\n"
		     " condition: // or true\n"
		     "  uint16(0) == 0x5a4d and ($h or $r or $s)\n"
		     "}\n");
	assert_false(g.open);
	assert_true(admits(&g, MZ, 100));
	assert_false(admits(&g, ELF, 100));
	/* Strings with sigils and wildcards, counts and offsets. */
	g = read_src("rule a { strings: $a1 = \"x\" $a2 = \"y\" condition: uint16(0) == 0x5a4d "
		     "and (#a1 > 2 or @a2[1] < 10 or !a1[1] == 1 or any of ($a*)) }");
	assert_false(g.open);
	assert_false(admits(&g, TEXT, 100));
	/* A value the integer cannot hold: no file can match. */
	g = read_src("rule a { condition: uint16(0) == 0x15a4d }");
	assert_false(g.open);
	assert_false(admits(&g, MZ, 100));
}

static void
test_many_rules_stay_bounded(void **state)
{
	static char src[1 << 16];
	size_t n = 0;
	int i;
	struct yara_gate g;

	(void)state;
	/* More distinct magics than alternatives: the gate opens, never refuses. */
	for (i = 0; i < 40; i++)
		n += (size_t)snprintf(src + n, sizeof(src) - n,
				      "rule r%d { condition: uint16(0) == 0x%04x }\n", i,
				      0x1000 + i);
	g = read_src(src);
	assert_true(g.open);
	/* The same magic with many bounds joins into one alternative. */
	n = 0;
	for (i = 0; i < 40; i++)
		n += (size_t)snprintf(
		    src + n, sizeof(src) - n,
		    "rule r%d { condition: uint16(0) == 0x5a4d and filesize < %dKB }\n", i,
		    100 + i);
	g = read_src(src);
	assert_false(g.open);
	assert_int_equal(g.n_alt, 1);
	assert_true(admits(&g, MZ, 139 * 1024 - 1));
	assert_false(admits(&g, MZ, 139 * 1024));
	/* Deep parentheses open rather than recurse without end. */
	n = (size_t)snprintf(src, sizeof(src), "rule a { condition: ");
	for (i = 0; i < 200; i++)
		src[n++] = '(';
	n += (size_t)snprintf(src + n, sizeof(src) - n, "uint16(0) == 0x5a4d");
	for (i = 0; i < 200; i++)
		src[n++] = ')';
	snprintf(src + n, sizeof(src) - n, " }");
	g = read_src(src);
	assert_true(g.open);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pe_and_size),
	    cmocka_unit_test(test_forms),
	    cmocka_unit_test(test_union_of_rules),
	    cmocka_unit_test(test_pe_undefined),
	    cmocka_unit_test(test_what_constrains_nothing),
	    cmocka_unit_test(test_string_factors),
	    cmocka_unit_test(test_lexing),
	    cmocka_unit_test(test_many_rules_stay_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
