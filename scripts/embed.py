#!/usr/bin/env python3
"""Turns a data file into a C source defining a byte array and its length,
so built-in intelligence ships inside libward without runtime file access."""
import sys

src, dst, name = sys.argv[1], sys.argv[2], sys.argv[3]
data = open(src, "rb").read()
with open(dst, "w") as out:
    out.write("/* Generated from %s by scripts/embed.py. */\n" % src.split("/")[-1])
    out.write("#include <stddef.h>\n")
    out.write("const unsigned char %s[] = {\n" % name)
    for i in range(0, len(data), 16):
        out.write("".join("%d," % b for b in data[i:i + 16]) + "\n")
    out.write("0};\n")
    out.write("const size_t %s_len = %d;\n" % (name, len(data)))
