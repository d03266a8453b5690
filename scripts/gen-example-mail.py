#!/usr/bin/python3
"""Writes examples/ceo-wire-request.eml: the demo of `ward mail scan`.

A mail posing as the CEO of the fictitious Examplex (see the [mail] and
[brand:examplex] sections of docs/ward.conf.example), sent from a free-mail
address with Reply-To elsewhere, asking for an urgent payment, with a link to
a look-alike of examplex.co.jp and a Word document carrying a harmless VBA
macro (AutoOpen shows a message box). The VBA project is built here: an OLE2
file written with libgsf (Debian's python3-gi and gir1.2-gsf-1), its streams
compressed with MS-OVBA literal-only chunks.

Run from the repository root: /usr/bin/python3 scripts/gen-example-mail.py
"""

import base64
import io
import os
import struct
import tempfile
import zipfile

import gi

gi.require_version("Gsf", "1")
from gi.repository import Gsf  # noqa: E402

MACRO = (
    'Attribute VB_Name = "ThisDocument"\r\n'
    "Sub AutoOpen()\r\n"
    '    MsgBox "ward demo: this document would run a macro now"\r\n'
    "End Sub\r\n"
)


def ovba_compress(data):
    """MS-OVBA CompressedContainer using literal tokens only (valid, not small)."""
    out = bytearray(b"\x01")
    for off in range(0, len(data), 4096):
        chunk = data[off:off + 4096]
        body = bytearray()
        for i in range(0, len(chunk), 8):
            body += b"\x00" + chunk[i:i + 8]
        header = (len(body) + 2 - 3) | (0b011 << 12) | (1 << 15)
        out += struct.pack("<H", header) + body
    return bytes(out)


def rec(rid, payload):
    return struct.pack("<HI", rid, len(payload)) + payload


def dir_stream(module):
    name = module.encode()
    uname = module.encode("utf-16-le")
    d = b""
    d += rec(0x0001, struct.pack("<I", 1))  # SYSKIND win32
    d += rec(0x0002, struct.pack("<I", 0x409))  # LCID
    d += rec(0x0014, struct.pack("<I", 0x409))  # LCIDINVOKE
    d += rec(0x0003, struct.pack("<H", 1252))  # CODEPAGE
    d += rec(0x0004, b"Project")  # NAME
    d += rec(0x0005, b"") + rec(0x0040, b"")  # DOCSTRING + unicode
    d += rec(0x0006, b"") + rec(0x003D, b"")  # HELPFILEPATH 1 and 2
    d += rec(0x0007, struct.pack("<I", 0))  # HELPCONTEXT
    d += rec(0x0008, struct.pack("<I", 0))  # LIBFLAGS
    d += struct.pack("<HIIH", 0x0009, 4, 1, 0)  # VERSION (reserved size 4, major, minor)
    d += rec(0x000C, b"") + rec(0x003C, b"")  # CONSTANTS + unicode
    d += rec(0x000F, struct.pack("<H", 1))  # MODULES count
    d += rec(0x0013, struct.pack("<H", 0xFFFF))  # PROJECTCOOKIE
    d += rec(0x0019, name) + rec(0x0047, uname)  # MODULENAME + unicode
    d += rec(0x001A, name) + rec(0x0032, uname)  # MODULESTREAMNAME + unicode
    d += rec(0x001C, b"") + rec(0x0048, b"")  # MODULEDOCSTRING + unicode
    d += rec(0x0031, struct.pack("<I", 0))  # MODULEOFFSET: source at 0
    d += rec(0x001E, struct.pack("<I", 0))  # MODULEHELPCONTEXT
    d += rec(0x002C, struct.pack("<H", 0xFFFF))  # MODULECOOKIE
    d += rec(0x0022, b"")  # MODULETYPE document
    d += rec(0x002B, b"")  # module terminator
    d += rec(0x0010, b"")  # dir terminator
    return d


def ole_file(streams):
    """An OLE2 compound file holding streams {"VBA/dir": bytes, ...}."""
    # Through a temporary file: OutputMemory's buffer is not reachable from Python.
    tmp = tempfile.NamedTemporaryFile(suffix=".bin", delete=False)
    tmp.close()
    sink = Gsf.OutputStdio.new(tmp.name)
    root = Gsf.OutfileMSOle.new(sink)
    storages = {}
    for path, data in streams.items():
        parts = path.split("/")
        parent = root
        for i in range(len(parts) - 1):
            key = "/".join(parts[: i + 1])
            if key not in storages:
                storages[key] = parent.new_child(parts[i], True)
            parent = storages[key]
        child = parent.new_child(parts[-1], False)
        child.write(data)
        child.close()
    for key in sorted(storages, key=lambda k: -k.count("/")):
        storages[key].close()
    root.close()  # closes the sink too
    with open(tmp.name, "rb") as f:
        data = f.read()
    os.unlink(tmp.name)
    return data


def vba_project():
    return ole_file({
        "VBA/dir": ovba_compress(dir_stream("ThisDocument")),
        "VBA/ThisDocument": ovba_compress(MACRO.encode()),
        "VBA/_VBA_PROJECT": b"\xcc\x61\xff\xff\x00\x00\x00",
        "PROJECT": b'ID="{00000000-0000-0000-0000-000000000000}"\r\n'
                   b"Document=ThisDocument/&H00000000\r\nName=\"Project\"\r\n",
    })


def docm():
    ct = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
          '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          '<Default Extension="xml" ContentType="application/xml"/>'
          '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
          '<Override PartName="/word/document.xml" '
          'ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>')
    rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="word/document.xml"/></Relationships>')
    docrels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
               '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
               '<Relationship Id="rId1" Type="http://schemas.microsoft.com/office/2006/relationships/'
               'vbaProject" Target="vbaProject.bin"/></Relationships>')
    doc = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
           '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
           '<w:body><w:p><w:r><w:t>Payment instructions (enable content to view)</w:t></w:r></w:p>'
           '</w:body></w:document>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in (("[Content_Types].xml", ct), ("_rels/.rels", rels),
                           ("word/document.xml", doc), ("word/_rels/document.xml.rels", docrels),
                           ("word/vbaProject.bin", vba_project())):
            info = zipfile.ZipInfo(name, date_time=(2026, 11, 20, 9, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return buf.getvalue()


def main():
    att = base64.encodebytes(docm()).decode()
    text = (
        "Hello,\r\n\r\n"
        "I am in a closed meeting with the auditors and cannot take calls.\r\n"
        "We must settle the acquisition deposit today before 15:00 JST. The\r\n"
        "payment instructions are in the attached document; the signed term\r\n"
        "sheet is on our portal: https://examp1ex-co-jp.com/portal/term-sheet\r\n\r\n"
        "Keep this confidential until the announcement.\r\n\r\n"
        "Taro Yamada\r\nCEO, Examplex\r\n\r\n"
        "至急のお願いです。本日15時までに送金をお願いします。\r\n"
    )
    html = (
        "<html><body><p>Hello,</p><p>We must settle the acquisition deposit today "
        "before 15:00 JST. The signed term sheet is on our portal: "
        '<a href="https://examp1ex-co-jp.com/portal/term-sheet">'
        "https://portal.examplex.co.jp/term-sheet</a></p>"
        "<p>Taro Yamada<br>CEO, Examplex</p></body></html>"
    )
    msg = (
        "Return-Path: <taro.yamada.examplex@gmail.com>\r\n"
        "Authentication-Results: mx.examplex.co.jp; spf=pass smtp.mailfrom=gmail.com;\r\n"
        " dkim=pass header.d=gmail.com; dmarc=pass header.from=gmail.com\r\n"
        "From: \"Taro Yamada\" <taro.yamada.examplex@gmail.com>\r\n"
        "Reply-To: \"Taro Yamada\" <t.yamada@examplex-holdings.com>\r\n"
        "To: finance@examplex.co.jp\r\n"
        "Subject: =?UTF-8?B?VXJnZW50OiBhY3F1aXNpdGlvbiBkZXBvc2l0IC8g6Iez5oCl?=\r\n"
        "Date: Fri, 20 Nov 2026 09:12:44 +0900\r\n"
        "Message-ID: <demo-ceo-wire-1@mail.gmail.com>\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: multipart/mixed; boundary=\"=_outer\"\r\n\r\n"
        "--=_outer\r\n"
        "Content-Type: multipart/alternative; boundary=\"=_alt\"\r\n\r\n"
        "--=_alt\r\nContent-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n" + text +
        "--=_alt\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html + "\r\n"
        "--=_alt--\r\n"
        "--=_outer\r\n"
        "Content-Type: application/vnd.ms-word.document.macroEnabled.12;\r\n"
        " name=\"Payment_Instructions.docm\"\r\n"
        "Content-Disposition: attachment; filename=\"Payment_Instructions.docm\"\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\n" + att.replace("\n", "\r\n") +
        "--=_outer--\r\n"
    )
    with open("examples/ceo-wire-request.eml", "wb") as f:
        f.write(msg.encode())


if __name__ == "__main__":
    main()
