#!/usr/bin/env python3
"""Hostile mail through the real binary: each case must finish quickly, in
bounded memory, with a verdict and the limit it hit reported.

  - a 50 MB message (one base64 attachment of random bytes);
  - 1,000 nested multiparts;
  - a zip bomb: one entry of 1 GiB of zeros (about 1 MB compressed);
  - a message over [limits] max_mail: reported and skipped, exit 2.

Usage: test_mail_limits.py WARD
Time and memory bounds are loose (the suite runs under ASan); they catch
runaway growth, not small regressions: bench/mail measures speed.
"""

import base64
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib

WARD = sys.argv[1]
failures = 0


def check(cond, what):
    global failures
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures += 1


# Runs a command and reports its own peak RSS (KiB) as the last line of stderr.
MEASURE = ("import resource, subprocess, sys\n"
           "rc = subprocess.call(sys.argv[1:])\n"
           "sys.stderr.write('\\nMAXRSS %d\\n' % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
           "sys.exit(rc)\n")


def run(path, *extra):
    t0 = time.monotonic()
    p = subprocess.run([sys.executable, "-c", MEASURE, WARD, "mail", "scan", "-f", "json",
                        *extra, path], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
    secs = time.monotonic() - t0
    err = p.stderr.decode()
    head, _, tail = err.rpartition("MAXRSS ")
    rss = int(tail.strip() or 0) / 1024.0
    recs = [json.loads(l) for l in p.stdout.decode().splitlines() if l.strip()]
    return p.returncode, recs, secs, rss, head


def mail(body_parts, boundary="b"):
    head = ("From: a@example.org\r\nTo: b@example.org\r\nSubject: limits\r\n"
            "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=%s\r\n\r\n" % boundary)
    return head.encode() + body_parts


with tempfile.TemporaryDirectory() as tmp:
    # 50 MB message
    big = os.path.join(tmp, "big.eml")
    with open(big, "wb") as f:
        payload = base64.encodebytes(os.urandom(37 * 1024 * 1024)).replace(b"\n", b"\r\n")
        f.write(mail(b"--b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n--b\r\n"
                     b"Content-Type: application/octet-stream; name=data.bin\r\n"
                     b"Content-Transfer-Encoding: base64\r\n\r\n" + payload + b"--b--\r\n"))
    size = os.path.getsize(big)
    rc, recs, secs, rss, err = run(big)
    verdicts = [r for r in recs if r["type"] == "verdict"]
    check(size > 50_000_000, "50 MB message generated (%d bytes)" % size)
    check(rc in (0, 1) and len(verdicts) == 1, "50 MB message scanned (rc %d)" % rc)
    atts = verdicts[0]["artifacts"]["attachments"] if verdicts else []
    check(len(atts) == 1 and atts[0]["size"] == 37 * 1024 * 1024,
          "its attachment decoded whole: %s" % (atts[0]["size"] if atts else None))
    check(secs < 60, "50 MB message in %.1f s" % secs)
    check(rss < 2048, "50 MB message in %.0f MiB max RSS" % rss)

    # 1,000 nested multiparts
    deep = os.path.join(tmp, "deep.eml")
    parts = b""
    for i in range(1000):
        parts += b"--b%d\r\nContent-Type: multipart/mixed; boundary=b%d\r\n\r\n" % (i, i + 1)
    parts += b"--b1000\r\nContent-Type: text/plain\r\n\r\nhttps://deep.example.net/\r\n"
    for i in range(1000, -1, -1):
        parts += b"--b%d--\r\n" % i
    with open(deep, "wb") as f:
        f.write(mail(parts, "b0"))
    rc, recs, secs, rss, err = run(deep)
    verdicts = [r for r in recs if r["type"] == "verdict"]
    check(rc in (0, 1) and len(verdicts) == 1, "1,000-deep nesting scanned (rc %d)" % rc)
    check(secs < 30, "1,000-deep nesting in %.1f s" % secs)
    art = verdicts[0]["artifacts"] if verdicts else {}
    check(art.get("defects", 0) & (1 << 9), "depth limit recorded in defects (%s)" % art.get("defects"))
    # Nothing disappears: the text below the cut is still scanned as raw text.
    check("https://deep.example.net/" in art.get("urls", []), "the innermost link still found")

    # Zip bomb: 1 GiB of zeros in one entry
    bomb = os.path.join(tmp, "bomb.eml")
    zpath = os.path.join(tmp, "bomb.zip")
    with zipfile.ZipFile(zpath, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        with z.open("zeros.bin", "w", force_zip64=True) as e:
            block = bytes(1 << 20)
            for _ in range(1024):
                e.write(block)
    with open(zpath, "rb") as f:
        zdata = f.read()
    with open(bomb, "wb") as f:
        f.write(mail(b"--b\r\nContent-Type: application/zip; name=report.zip\r\n"
                     b"Content-Transfer-Encoding: base64\r\n\r\n" +
                     base64.encodebytes(zdata).replace(b"\n", b"\r\n") + b"--b--\r\n"))
    rc, recs, secs, rss, err = run(bomb)
    checks = {r["check"] for r in recs if r["type"] == "finding"}
    check(rc in (0, 1), "zip bomb scanned (rc %d, %d KB compressed)" % (rc, len(zdata) // 1024))
    check("file.archive.limit" in checks, "zip bomb reported as file.archive.limit: %s" % sorted(checks))
    check(secs < 30, "zip bomb in %.1f s" % secs)
    check(rss < 1024, "zip bomb in %.0f MiB max RSS" % rss)

    # Over max_mail: skipped with a message naming the file, exit 2.
    rc, recs, secs, rss, err = run(big, "--set", "limits.max_mail=1048576")
    check(rc == 2 and "big.eml" in err, "message over max_mail reported (rc %d): %s" % (rc, err.strip()[:120]))

print("%d failed" % failures)
sys.exit(1 if failures else 0)
