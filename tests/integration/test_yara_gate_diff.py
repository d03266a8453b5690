#!/usr/bin/env python3
"""ward's YARA gating against the yara CLI, the reference for what a rule
set matches.

ward scans each file only with the rule files whose header and size tests
it can pass (lib/files/yara_gate.c). This test writes rule files that gate
in every way the reader knows (PE, Mach-O and ELF magics, pe.is_pe, size
bounds on both sides, or-ed magics, pe fields that are undefined without the
MZ header) and in ways it must not trust (not, or at the top, private and
global rules, rule references, pe.is_pe == 0, pe constants, 'for none' over
a pe body), and a tree of files
with each header, each marker string and sizes around each bound. ward
(cold, then with its compiled-rule cache, then with [files] yara_gating =
no) and `yara -r` must report the same rules for every file, and every rule
must match somewhere. Then the prefilter (lib/files/yara_need.c): rules of
every string form (nocase, wide, hex wildcards, jumps, alternatives and
nibbles, regular expressions with classes, optional characters, groups,
repeats and flags, xor, base64, fullword, counts, offsets, string sets),
one rule at a time, on files holding their strings, near misses of them,
and each behind an ELF header and in filler.
Usage: test_yara_gate_diff.py WARD
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

WARD = sys.argv[1]
failures = 0

RULES = {
    "pe.yar": r'''
import "pe"
rule PE_small { strings: $a = "LAZ_MARK" condition: uint16(0) == 0x5a4d and filesize < 2KB and $a }
rule PE_is_pe_or_marker {
  strings: $b = "BLUE_MARK"
  condition: pe.is_pe or (uint16(0) == 0x5A4D and $b)
}
''',
    "macho.yar": r'''
rule MachO_any {
  strings: $m = "MAC_MARK"
  condition: (uint32(0) == 0xfeedface or uint32(0) == 0xfeedfacf or
              uint32be(0) == 0xcafebabe) and $m
}
''',
    "elf_sized.yar": r'''
rule ELF_between {
  strings: $e = "ELF_MARK" wide ascii
  condition: uint32be(0) == 0x7f454c46 and filesize <= 4000 and 1000 < filesize + 1 and $e
}
rule Tiny_any { strings: $t = "TINY" condition: 64 > filesize and $t }
''',
    "open.yar": r'''
rule Text_anywhere { strings: $t = "TRADER_MARK" condition: $t }
''',
    "scoped.yar": r'''
global rule Under_4K { condition: filesize < 4KB }
private rule Has_mark { strings: $m = "PRIV_MARK" condition: $m }
rule Uses_private { condition: Has_mark and uint32be(0) == 0x7f454c46 }
rule Not_pe { strings: $n = "NOTPE_MARK" condition: not uint16(0) == 0x5a4d and $n }
''',
    "pe_undefined.yar": r'''
import "pe"
import "hash"
rule PE_loop_or_marker {
  strings: $a = "LOOP_MARK"
  condition: uint16(0) == 0x5a4d and $a or
    for any i in (0..pe.number_of_sections - 1) : (
      hash.md5(pe.sections[i].raw_data_offset, 16) == "0123456789abcdef0123456789abcdef" and $a
    )
}
rule PE_not_export { strings: $a = "EXP_MARK" condition: not pe.exports("Run") and $a }
rule PE_at_entry { strings: $a = "EP_MARK" condition: $a at pe.entry_point or (uint16(0) == 0x5a4d and $a) }
rule PE_sections_all { strings: $a = "SEC_MARK" condition: for all s in pe.sections : ( s.name != ".x" ) or (uint16(0) == 0x5a4d and $a) }
rule None_with_pe_body {
  strings: $a = "NONE_MARK"
  condition: $a and for none i in (0..2) : ( pe.sections[i].name == ".text" )
}
rule Is_pe_zero { strings: $a = "ISPE_MARK" condition: pe.is_pe == 0 and $a }
rule Constant_only { strings: $a = "CONST_MARK" condition: pe.MACHINE_I386 == 0x14c and $a }
''',
    "modules.yar": r'''
import "elf"
import "macho"
rule ELF_field { strings: $a = "MODS_MARK" condition: $a and elf.type != 12345 }
rule MachO_field { strings: $a = "MODS_MARK" condition: $a and not (macho.filetype == 77) }
rule ELF_constant { strings: $a = "MODS_MARK" condition: $a and elf.ET_EXEC == 2 }
''',
    "mixed.yar": r'''
/* rule Fake { condition: true } */
rule ELF_or_text : tagged {
  meta: note = "condition: { or true }"
  strings:
    $e = "MIX_MARK"
    $h = { 4D 49 58 [0-4] 5F } // MIX_
    $r = /MIX_[A-Z]{4}/
  condition: uint32(0) == 0x464c457f or ($e and $h and $r)
}
''',
}

# String forms, for the prefilter that skips libyara on files lacking the
# bytes a rule's strings need (lib/files/yara_need.c).
STRING_RULES = r'''
rule S_text_nocase { strings: $a = "Lazarus Loader" nocase condition: $a }
rule S_wide { strings: $a = "WideOnlyMark" wide condition: $a }
rule S_ascii_wide { strings: $a = "BothForms" ascii wide condition: #a >= 1 }
rule S_hex_wild { strings: $h = { 4C 41 5A ?? 41 52 [2-4] 55 53 } condition: $h }
rule S_hex_alt { strings: $h = { 48 49 44 ( 44 45 4E | 43 4F 42 ) 52 41 } condition: $h }
rule S_hex_altlong { strings: $h = { 41 42 5A ( 43 44 45 46 47 | 30 31 32 33 34 ) 48 } condition: $h }
rule S_hex_nibble { strings: $h = { 43 4F 42 52 4? 5F 4D 41 52 4B } condition: $h }
rule S_hex_jump { strings: $h = { 51 55 49 [1] 45 54 5F 4D 4B } condition: $h }
rule S_regex_class { strings: $r = /Apple[Jj]eus_v[0-9]{1,3}\.dll/ condition: $r }
rule S_regex_opt { strings: $r = /Trader-?Traitor/ condition: $r }
rule S_regex_star { strings: $r = /Mana.*gerX/ condition: $r }
rule S_regex_i { strings: $r = /bluenoroff_kit/i condition: $r }
rule S_regex_group { strings: $r = /(curl|wget) -s http/ condition: $r }
rule S_regex_topalt { strings: $r = /dtrack_a|dtrack_b/ condition: $r }
rule S_regex_plus { strings: $r = /ab+cdef/ condition: $r }
rule S_regex_quant { strings: $r = /xyz{2}qrs/ condition: $r }
rule S_regex_escape { strings: $r = /C:\\Users\\[^\\]+\\AppData/ condition: $r }
rule S_regex_wide { strings: $r = /WRegex[0-9]mark/ wide condition: $r }
rule S_xor { strings: $x = "XorHidden" xor condition: $x }
rule S_b64 { strings: $b = "Base64Hidden" base64 condition: $b }
rule S_fullword { strings: $f = "fullmark" fullword condition: $f }
rule S_count { strings: $c = "CountMe" condition: #c > 2 }
rule S_at0 { strings: $z = "HEADMARK" condition: $z at 0 }
rule S_of_set { strings: $a1 = "alpha_one" $a2 = "alpha_two" $b1 = "beta_one"
  condition: 2 of ($a*) or all of ($b*) }
rule S_all_them { strings: $a = "every_one" $b = "every_two" condition: all of them }
rule S_short { strings: $s = "Zq" condition: $s and filesize < 100 }
rule S_paren_or { strings: $a = "por_a" $b = "por_b" $c = "por_c" condition: ($a and $b) or $c }
rule S_nested { strings: $a = "nest_a" $b = "nest_b" $c = "nest_c" condition: $a and ($b or $c) }
rule S_escapes { strings: $e = "tab\there\x41\"q" condition: $e }
'''


def wide(b):
    return b"".join(bytes([c, 0]) for c in b)


PAYLOADS = [
    b"xx Lazarus Loader xx", b"LAZARUS LOADER", b"Lazarus-Loader", wide(b"WideOnlyMark"),
    b"WideOnlyMark", b"BothForms", wide(b"BothForms"), b"LAZ\x00AR\x01\x02US",
    b"LAZ\x00AR\x01US", b"HIDDENRA", b"HIDCOBRA", b"HIDXXXRA", b"ABZ01234H", b"ABZCDEFGH", b"COBRA_MARK", b"COBRZ_MARK",
    b"FALLXHILL", b"FALLCHILL", b"QUIET_MK", b"QUI ET_MK", b"AppleJeus_v12.dll",
    b"Applejeus_v1.dll", b"AppleJeus_v.dll", b"TraderTraitor", b"Trader-Traitor",
    b"Trader Traitor", b"ManaXXXXgerX", b"ManagerY", b"BLUENOROFF_KIT", b"curl -s http://x",
    b"wget -s http", b"fetch -s http", b"dtrack_b", b"dtrack_c", b"abbbbcdef", b"acdef",
    b"xyzzqrs", b"xyzqrs", b"C:\\Users\\bob\\AppData", wide(b"WRegex7mark"),
    b"WRegex7mark", bytes(c ^ 0x21 for c in b"XorHidden"), b"QmFzZTY0SGlkZGVu",
    b"xQmFzZTY0SGlkZGVu", b"a fullmark b", b"fullmarkx", b"CountMe CountMe CountMe",
    b"CountMe CountMe", b"HEADMARK at the start", b" HEADMARK", b"alpha_one alpha_two",
    b"alpha_one", b"beta_one", b"every_one every_two", b"every_one", b"Zq", b"por_a por_b",
    b"por_a", b"por_c", b"nest_a nest_c", b"nest_a", b"nest_b nest_c", b"tab\there\x41\"q",
    b"tab there",
]

HEADS = {
    "pe": b"MZ\x90\x00\x03\x00\x00\x00",
    "elf": b"\x7fELF\x02\x01\x01\x00",
    "macho": b"\xcf\xfa\xed\xfe\x07\x00\x00\x01",
    "fat": b"\xca\xfe\xba\xbe\x00\x00\x00\x02",
    "text": b"#!/bin/sh\n",
}
MARKS = [b"LAZ_MARK", b"BLUE_MARK", b"MAC_MARK", b"ELF_MARK", b"E\0L\0F\0_\0M\0A\0R\0K\0",
         b"TINY", b"TRADER_MARK", b"PRIV_MARK", b"NOTPE_MARK", b"MIX_MARK MIX_ABCD",
         b"LOOP_MARK EXP_MARK EP_MARK SEC_MARK", b"NONE_MARK ISPE_MARK CONST_MARK", b"MODS_MARK", b""]
SIZES = [40, 999, 1500, 2047, 2048, 3999, 4000, 4096, 9000]


def check(cond, what):
    global failures
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures += 1


def make_tree(root):
    n = 0
    for head_name, head in HEADS.items():
        for i, mark in enumerate(MARKS):
            for size in SIZES:
                body = head + b" " + mark + b" "
                if len(body) > size:
                    continue
                body += b"." * (size - len(body))
                with open(os.path.join(root, "%s-%02d-%d.bin" % (head_name, i, size)), "wb") as f:
                    f.write(body)
                n += 1
    # Files shorter than the magics they are tested against.
    for name, data in (("one-byte", b"M"), ("three-bytes", b"\x7fEL"), ("tiny-mark", b"TINY")):
        with open(os.path.join(root, name), "wb") as f:
            f.write(data)
        n += 1
    return n


def make_string_tree(root):
    """Each payload alone at the start of a file, after an ELF header, and
    inside filler; one file with every payload."""
    n = 0
    for i, pl in enumerate(PAYLOADS):
        for kind, body in (("bare", pl), ("elf", HEADS["elf"] + b" " + pl + b" " * 200),
                           ("mid", b"." * 3000 + pl + b"." * 3000)):
            with open(os.path.join(root, "s%02d-%s" % (i, kind)), "wb") as f:
                f.write(body)
            n += 1
    with open(os.path.join(root, "s-all"), "wb") as f:
        f.write(b"\n".join(PAYLOADS))
    return n + 1


def ward_matches(tree, rules, env, config=None):
    pre = ["--config", config] if config else []
    p = subprocess.run([WARD] + pre + ["files", "scan", "-f", "json", "--rules", rules, tree],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    if p.returncode not in (0, 1):
        print(p.stderr.decode(errors="replace"))
        check(False, "ward exit status %d" % p.returncode)
    got = {}
    for line in p.stdout.decode().splitlines():
        o = json.loads(line)
        if o.get("check") != "files.yara":
            continue
        path = os.path.basename(o["subject"]["path"])
        got.setdefault(path, set()).add(o["evidence"]["rule"])
    return got


def yara_matches(tree, rules):
    args = ["yara", "-r", "-w"]
    for name in sorted(RULES):
        args.append("%s:%s" % (name, os.path.join(rules, name)))
    args.append(tree)
    p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    check(p.returncode == 0, "yara ran: %s" % p.stderr.decode(errors="replace").strip()[:200])
    got = {}
    for line in p.stdout.decode().splitlines():
        rule, path = line.split(" ", 1)
        got.setdefault(os.path.basename(path), set()).add(rule)
    return got


def main():
    if not shutil.which("yara"):
        print("FAIL the yara CLI is missing (scripts/install-deps installs it)")
        return 1
    tmp = tempfile.mkdtemp(prefix="ward-yara-gate-")
    try:
        rules = os.path.join(tmp, "rules")
        tree = os.path.join(tmp, "tree")
        os.makedirs(rules)
        os.makedirs(tree)
        for name, text in RULES.items():
            with open(os.path.join(rules, name), "w") as f:
                f.write(text)
        nfiles = make_tree(tree)
        env = dict(os.environ, XDG_CACHE_HOME=os.path.join(tmp, "cache"))
        want = yara_matches(tree, rules)
        all_rules = {r for s in want.values() for r in s}
        check(len(all_rules) == 19, "every reporting rule matches some file under yara: %s"
              % sorted(all_rules))
        check(len(want) > 40 and len(want) < nfiles,
              "yara flags %d of %d files (some, not all)" % (len(want), nfiles))
        for run in ("cold", "cached"):
            got = ward_matches(tree, rules, env)
            diff = sorted(p for p in set(want) | set(got) if want.get(p) != got.get(p))
            for p in diff[:10]:
                print("     %s: yara %s, ward %s" % (p, sorted(want.get(p, [])),
                                                     sorted(got.get(p, []))))
            check(not diff, "%s: ward reports what yara reports on all %d files (%d differ)"
                  % (run, nfiles, len(diff)))
        cached = [f for f in os.listdir(os.path.join(tmp, "cache", "ward"))
                  if f.startswith("yara-") and f.count("-") == 2]
        check(len(cached) >= 2, "the rule subsets were compiled and cached (%d)" % len(cached))
        # [files] yara_gating = no: every rule on every file, same results.
        conf = os.path.join(tmp, "ward.conf")
        with open(conf, "w") as f:
            f.write("[files]\nyara_gating = no\n")
        env2 = dict(os.environ, XDG_CACHE_HOME=os.path.join(tmp, "cache2"))
        got = ward_matches(tree, rules, env2, conf)
        diff = sorted(p for p in set(want) | set(got) if want.get(p) != got.get(p))
        check(not diff, "yara_gating = no: ward reports what yara reports (%d differ)" % len(diff))
        cached = [f for f in os.listdir(os.path.join(tmp, "cache2", "ward"))
                  if f.startswith("yara-")]
        check(len(cached) == 1, "yara_gating = no: only the whole set compiled (%s)" % cached)

        # String forms against yara, file by file, one rule at a time (a rule
        # whose strings cannot be looked for sends every file to libyara, and
        # would hide the others' prefilter).
        stree = os.path.join(tmp, "stree")
        os.makedirs(stree)
        sfiles = make_string_tree(stree)
        rules_text = re.split(r"\n(?=rule )", STRING_RULES.strip())
        hit, bad = set(), []
        for k, text in enumerate(rules_text):
            rname = text.split()[1]
            rdir = os.path.join(tmp, "s%02d" % k)
            os.makedirs(rdir)
            with open(os.path.join(rdir, "one.yar"), "w") as f:
                f.write(text + "\n")
            p = subprocess.run(["yara", "-r", "-w", os.path.join(rdir, "one.yar"), stree],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            if p.returncode != 0:
                bad.append("%s: yara failed: %s" % (rname, p.stderr.decode(errors="replace")[:100]))
                continue
            swant = {}
            for line in p.stdout.decode().splitlines():
                rule, path = line.split(" ", 1)
                swant.setdefault(os.path.basename(path), set()).add(rule)
            hit |= {r for v in swant.values() for r in v}
            sgot = ward_matches(stree, rdir, dict(os.environ,
                                                  XDG_CACHE_HOME=os.path.join(tmp, "cache3")))
            for path in sorted(set(swant) | set(sgot)):
                if swant.get(path) != sgot.get(path):
                    bad.append("%s on %s: yara %s, ward %s" % (rname, path,
                               sorted(swant.get(path, [])), sorted(sgot.get(path, []))))
        for b in bad[:10]:
            print("     " + b)
        check(len(hit) == len(rules_text), "yara matches every string-form rule somewhere "
              "(%d of %d)" % (len(hit), len(rules_text)))
        check(not bad, "string forms: ward reports what yara reports, rule by rule, on all %d "
              "files (%d differences)" % (sfiles, len(bad)))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d failure(s)" % failures)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
