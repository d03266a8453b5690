#!/usr/bin/env python3
"""Where ward and the reference extractor (Python's email package with the
lenient rules of ../shared/data/mail/README.md) disagree, each class of
difference, reproduced on a mail written here, with the reason:

  more URLs      www. forms in text; background= attributes; URLs in a list
                 footer after the closing boundary (Python drops the epilogue
                 of a part)
  attachments    a Content-Transfer-Encoding with trailing blanks (Python
                 leaves the body undecoded, ward decodes it); a boundary
                 parameter folded inside its quotes (Python loses the parts
                 and hashes the whole body, ward finds the parts)

For each mail the test runs both and asserts the documented difference and
nothing else: every other URL and attachment agrees.
Usage: test_reference_diff.py WARD
"""

import base64
import email
import email.policy
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile

WARD = sys.argv[1]
failures = 0
URL_RE = re.compile(r"(?:https?://|ftp://|www\.)[^\s<>\"']+", re.I)
HREF_RE = re.compile(r"""(?:href|src|action)\s*=\s*["']?([^"'\s>]+)""", re.I)


def check(cond, what):
    global failures
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures += 1


def reference(raw):
    """URLs and attachment hashes the way the reference rules take them (simplified)."""
    m = email.message_from_bytes(raw, policy=email.policy.compat32)
    urls, shas = set(), set()
    for part in m.walk():
        if part.is_multipart():
            continue
        payload = part.get_payload(decode=True) or b""
        ctype = part.get_content_type()
        if part.get_filename() or not ctype.startswith("text/"):
            shas.add(hashlib.sha256(payload).hexdigest())
            continue
        text = payload.decode(part.get_content_charset() or "latin-1", "replace")
        if ctype == "text/html":
            urls.update(u for u in HREF_RE.findall(text) if u.lower().startswith(("http", "ftp")))
            urls.update(re.findall(r"url=([^\"'\s>]+)", text, re.I))  # meta refresh
        else:
            urls.update(u for u in URL_RE.findall(text) if not u.lower().startswith("www."))
    return {u.rstrip(".,;") for u in urls}, shas


def ward(raw, tmp):
    path = os.path.join(tmp, "m.eml")
    with open(path, "wb") as f:
        f.write(raw)
    out = subprocess.run([WARD, "mail", "scan", "-f", "json", path], stdout=subprocess.PIPE).stdout
    v = [json.loads(l) for l in out.decode().splitlines() if '"verdict"' in l][0]["artifacts"]
    return set(v["urls"]), {a["sha256"] for a in v["attachments"]}


HEAD = b"From: a@example.org\r\nTo: b@example.org\r\nSubject: t\r\nMIME-Version: 1.0\r\n"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

with tempfile.TemporaryDirectory() as tmp:
    # 1. www. in text: ward reports it, the reference rules do not
    raw = HEAD + b"Content-Type: text/plain\r\n\r\nSee www.example.net/offer and https://example.org/a\r\n"
    ru, _ = reference(raw)
    wu, _ = ward(raw, tmp)
    check(wu - ru == {"www.example.net/offer"} and ru <= wu, "www. form: ward finds more %s" % sorted(wu - ru))

    # 2. background attribute and meta refresh in HTML
    raw = HEAD + (b"Content-Type: text/html\r\n\r\n<html><head><meta http-equiv=refresh "
                  b"content=\"0; url=https://go.example.net/r\"></head><body "
                  b"background=\"https://img.example.net/bg.png\"><a href=\"https://example.org/\">x</a>"
                  b"</body></html>\r\n")
    ru, _ = reference(raw)
    wu, _ = ward(raw, tmp)
    check(ru <= wu and wu - ru == {"https://img.example.net/bg.png"},
          "background attribute: ward finds more %s" % sorted(wu - ru))

    # 3. a list footer after the closing boundary
    raw = HEAD + (b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n"
                  b"hello https://example.org/a\r\n--b--\r\n_______\r\nUnsubscribe: https://lists.example.net/u\r\n")
    ru, _ = reference(raw)
    wu, _ = ward(raw, tmp)
    check(wu - ru == {"https://lists.example.net/u"} and ru <= wu,
          "epilogue footer: ward finds more %s" % sorted(wu - ru))

    # 4. transfer encoding with trailing blanks: Python keeps the base64 text
    b64 = base64.encodebytes(PDF)
    raw = HEAD + (b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: application/pdf; "
                  b"name=a.pdf\r\nContent-Transfer-Encoding: base64  \r\n\r\n" + b64 + b"--b--\r\n")
    _, rs = reference(raw)
    _, ws = ward(raw, tmp)
    want = hashlib.sha256(PDF).hexdigest()
    check(ws == {want} and rs != ws, "CTE with trailing blanks: ward hashes the decoded file")

    # 5. boundary parameter folded inside its quotes
    raw = HEAD + (b"Content-Type: multipart/mixed; boundary=\"==part\r\n boundary==\"\r\n\r\n"
                  b"--==part boundary==\r\nContent-Type: text/plain\r\n\r\nsee the file\r\n"
                  b"--==part boundary==\r\nContent-Type: application/pdf; name=a.pdf\r\n"
                  b"Content-Transfer-Encoding: base64\r\n\r\n" + b64 + b"--==part boundary==--\r\n")
    _, rs = reference(raw)
    _, ws = ward(raw, tmp)
    check(want in ws and want not in rs, "boundary folded in quotes: ward finds the attached file (%d vs %d)"
          % (len(ws), len(rs)))

print("%d failed" % failures)
sys.exit(1 if failures else 0)
