"""Test documents and messages built from scratch: PDFs, forwarded mail, TNEF
(winmail.dat), zip bombs and hostile file names. Nothing here is a fixture
file on disk: every sample is generated, so its exact shape is visible."""

from __future__ import annotations

import base64
import io
import os
import struct
import zipfile
from urllib.parse import quote

CRLF = "\r\n"


def pdf_bytes(label: str = "invoice") -> bytes:
    """A small, well-formed PDF (one empty page) carrying ``label`` in a comment."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%" + label.encode() + b"\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 4\n0000000000 65535 f \n")
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


INVOICE_XML = b'<?xml version="1.0" encoding="UTF-8"?>\n<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><ID>INV-1</ID></Invoice>\n'
INVOICE_CSV = b"invoice;supplier;total\nINV-1;ACME;12.50\nINV-2;ACME;99.00\n"


def attachment(filename: str | None, content_type: str, data: bytes, rfc2231: bool = True) -> str:
    """One MIME part; the file name goes through RFC 2231 so that NUL, CR, LF
    and U+202E reach the parser exactly as a hostile sender would send them."""
    lines = [f"Content-Type: {content_type}", "Content-Transfer-Encoding: base64"]
    if filename is not None:
        if rfc2231:
            lines.append(f"Content-Disposition: attachment; filename*=utf-8''{quote(filename, safe='')}")
        else:
            lines.append(f'Content-Disposition: attachment; filename="{filename}"')
    else:
        lines.append("Content-Disposition: attachment")
    body = base64.encodebytes(data).decode("ascii").replace("\n", CRLF)
    return CRLF.join(lines) + CRLF + CRLF + body


def inline_part(content_type: str, raw: str) -> str:
    return f"Content-Type: {content_type}{CRLF}{CRLF}{raw}"


def message(subject: str = "Invoice", parts: list[str] | None = None, message_id: str = "<m1@supplier.test>",
            sender: str = "billing@supplier.test", body: str = "Please find our invoice attached.") -> bytes:
    """A multipart/mixed message: a text body, then ``parts`` (see ``attachment``)."""
    boundary = f"==clerk-boundary-{os.urandom(8).hex()}=="
    headers = [f"From: {sender}", "To: ap@buyer.test", f"Subject: {subject}",
               "Date: Wed, 25 Nov 2026 10:00:00 +0000", f"Message-ID: {message_id}", "MIME-Version: 1.0",
               f'Content-Type: multipart/mixed; boundary="{boundary}"']
    chunks = [inline_part("text/plain; charset=utf-8", body)] + list(parts or [])
    text = CRLF.join(headers) + CRLF + CRLF + "This is a MIME message." + CRLF
    for chunk in chunks:
        text += f"--{boundary}{CRLF}{chunk}{CRLF}"
    text += f"--{boundary}--{CRLF}"
    return text.encode("utf-8")


def forwarded(inner: bytes, subject: str = "Fwd: Invoice", message_id: str = "<fwd@buyer.test>") -> bytes:
    """A message that carries ``inner`` as a message/rfc822 attachment."""
    part = ("Content-Type: message/rfc822" + CRLF + "Content-Disposition: attachment" + CRLF + CRLF
            + inner.decode("utf-8"))
    return message(subject, [part], message_id=message_id, sender="colleague@buyer.test")


def tnef(files: list[tuple[str, bytes]]) -> bytes:
    """A winmail.dat (TNEF) container with ``files``, written attribute by attribute
    (MS-OXTNEF: level, id, type, length, data, checksum)."""
    def attribute(level: int, name: int, kind: int, data: bytes) -> bytes:
        return struct.pack("<BHHI", level, name, kind, len(data)) + data + struct.pack("<H", sum(data) & 0xFFFF)

    out = struct.pack("<IH", 0x223E9F78, 0x0001)
    out += attribute(1, 0x9006, 0x0008, struct.pack("<I", 0x00010000))      # attTnefVersion
    out += attribute(1, 0x9007, 0x0006, struct.pack("<II", 1252, 0))        # attOemCodepage
    for name, data in files:
        out += attribute(2, 0x9002, 0x0006, struct.pack("<HIIH", 1, 0xFFFFFFFF, 0, 0))  # attAttachRendData
        out += attribute(2, 0x8010, 0x0001, name.encode("cp1252") + b"\x00")             # attAttachTitle
        out += attribute(2, 0x800F, 0x0006, data)                                        # attAttachData
    return out


def zip_of(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def zip_bomb(expanded_mb: int = 50) -> bytes:
    """One member of ``expanded_mb`` MB of zeros: ~1000:1, a few dozen KB on the wire."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive, archive.open("invoice.pdf", "w") as member:
        block = bytes(1 << 20)
        for _ in range(expanded_mb):
            member.write(block)
    return out.getvalue()


def xlsx_bytes() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["invoice", "total"])
    book.active.append(["INV-1", 12.5])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# -- Outlook .msg: a minimal Compound File (MS-CFB v3) writer -------------------
# No library installed here writes .msg files (olefile and extract-msg only read),
# so the test builds one by the book: an OLE compound file holding the MAPI
# property streams Outlook writes for a message with attachments (MS-OXMSG).

_FREE, _END, _FATSECT, _NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def outlook_msg(subject: str, files: list[tuple[str, bytes]]) -> bytes:
    """An Outlook message (``IPM.Note``) with ``files`` attached by value."""
    def utf16(text: str) -> bytes:
        return text.encode("utf-16-le")

    def props(header: bytes, fixed: list[tuple[int, int]], variable: dict[int, int]) -> bytes:
        out = header
        for tag, value in fixed:
            out += struct.pack("<IIQ", tag, 6, value)
        for tag, size in variable.items():
            out += struct.pack("<IIII", tag, 6, size, 0)
        return out

    strings = {0x001A001F: utf16("IPM.Note"), 0x0037001F: utf16(subject), 0x1000001F: utf16("See attached.")}
    root: dict[str, object] = {f"__substg1.0_{tag:08X}": data for tag, data in strings.items()}
    root["__properties_version1.0"] = props(struct.pack("<8sIIII8s", bytes(8), 0, len(files), 0, len(files), bytes(8)),
                                            [], {tag: len(data) + 2 for tag, data in strings.items()})
    root["__nameid_version1.0"] = {"__substg1.0_00020102": b"", "__substg1.0_00030102": b"",
                                   "__substg1.0_00040102": b""}
    for index, (name, data) in enumerate(files):
        attach = {"__substg1.0_37010102": data, "__substg1.0_3707001F": utf16(name),
                  "__substg1.0_3704001F": utf16(name[:12]), "__substg1.0_3703001F": utf16(os.path.splitext(name)[1])}
        attach["__properties_version1.0"] = props(bytes(8), [(0x37050003, 1), (0x0E200003, len(data))],
                                                  {0x37010102: len(data), 0x3707001F: len(utf16(name)) + 2})
        root[f"__attach_version1.0_#{index:08X}"] = attach
    return _compound_file(root)


def _compound_file(tree: dict) -> bytes:
    entries: list[dict] = [{"name": "Root Entry", "type": 5, "children": []}]

    def add(node: dict, parent: int) -> None:
        for name in sorted(node, key=lambda n: (len(n), n.upper())):    # CFB's own sort order
            value = node[name]
            entry = {"name": name, "type": 1 if isinstance(value, dict) else 2, "children": [],
                     "data": value if isinstance(value, bytes) else b""}
            entries.append(entry)
            entries[parent]["children"].append(len(entries) - 1)
            if isinstance(value, dict):
                add(value, len(entries) - 1)

    add(tree, 0)
    mini = bytearray()
    minifat: list[int] = []
    large: list[dict] = []
    for entry in entries[1:]:
        data = entry.get("data", b"")
        if entry["type"] != 2 or not data:
            entry["start"], entry["size"] = (_END if entry["type"] == 2 else 0), 0
        elif len(data) < 4096:
            entry["start"], entry["size"] = len(mini) // 64, len(data)
            count = -(-len(data) // 64)
            minifat += [len(minifat) + i + 1 for i in range(count - 1)] + [_END]
            mini += data + bytes(count * 64 - len(data))
        else:
            entry["size"] = len(data)
            large.append(entry)
    sectors = lambda n: -(-n // 512)
    dir_count = sectors(len(entries) * 128)
    minifat_count = sectors(len(minifat) * 4)
    mini_count = sectors(len(mini))
    large_counts = [sectors(e["size"]) for e in large]
    body = dir_count + minifat_count + mini_count + sum(large_counts)
    fat_count = 1
    while fat_count * 128 < body + fat_count:
        fat_count += 1
    fat: list[int] = [_FATSECT] * fat_count

    def chain(count: int) -> int:
        if count == 0:
            return _END
        start = len(fat)
        fat.extend([start + i + 1 for i in range(count - 1)] + [_END])
        return start

    dir_start, minifat_start, mini_start = chain(dir_count), chain(minifat_count), chain(mini_count)
    for entry, count in zip(large, large_counts):
        entry["start"] = chain(count)
    entries[0]["start"], entries[0]["size"] = (mini_start if mini else _END), len(mini)
    fat += [_FREE] * (fat_count * 128 - len(fat))

    directory = b"".join(_dir_entry(entry, entries) for entry in entries)
    directory += b"".join(_dir_entry({"name": "", "type": 0, "children": [], "start": 0, "size": 0}, [])
                          for _ in range(dir_count * 4 - len(entries)))
    header = struct.pack("<8s16sHHHHH6sIIIIIIIII", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", bytes(16), 0x3E, 3, 0xFFFE,
                         9, 6, bytes(6), 0, fat_count, dir_start, 0, 4096, minifat_start if minifat else _END,
                         minifat_count, _END, 0)
    header += struct.pack("<109I", *(list(range(fat_count)) + [_FREE] * (109 - fat_count)))

    def padded(data: bytes, count: int) -> bytes:
        return data + bytes(count * 512 - len(data))

    out = header + struct.pack(f"<{len(fat)}I", *fat) + padded(directory, dir_count)
    out += padded(struct.pack(f"<{len(minifat)}I", *minifat) + struct.pack("<I", _FREE) * (minifat_count * 128 - len(minifat)),
                  minifat_count)
    out += padded(bytes(mini), mini_count)
    for entry, count in zip(large, large_counts):
        out += padded(entry["data"], count)
    return out


def _dir_entry(entry: dict, entries: list[dict]) -> bytes:
    """One 128-byte directory entry; a storage's children hang off it as a chain
    of right siblings, all black (a valid, if unbalanced, red-black tree)."""
    name = entry["name"].encode("utf-16-le")
    children = entry["children"]
    child = children[0] if children else _NOSTREAM
    right = entry.get("right", _NOSTREAM)
    for here, after in zip(children, children[1:] + [None]):
        entries[here]["right"] = after if after is not None else _NOSTREAM
    return struct.pack("<64sHBBIII16sIQQIQ", name + b"\x00\x00" if name else bytes(64), len(name) + 2 if name else 0,
                       entry["type"], 1, _NOSTREAM, right, child, bytes(16), 0, 0, 0,
                       entry.get("start", 0), entry.get("size", 0))


# -- office packages, executables and odd messages ------------------------------

def ooxml(main_folder: str, main_part: str, main_type: str) -> bytes:
    """An Office Open XML package (ECMA-376 part 2): content types, the package
    relationship to the main part, and that part; what Word/Excel/PowerPoint write first."""
    types = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
             'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
             'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
             f'<Override PartName="/{main_folder}/{main_part}" ContentType="{main_type}"/></Types>')
    rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            f'2006/relationships/officeDocument" Target="{main_folder}/{main_part}"/></Relationships>')
    body = '<?xml version="1.0" encoding="UTF-8"?><root xmlns="urn:example:office"><t>Invoice INV-1</t></root>'
    return zip_of({"[Content_Types].xml": types.encode(), "_rels/.rels": rels.encode(),
                   f"{main_folder}/{main_part}": body.encode(), f"{main_folder}/styles.xml": body.encode()})


def docx_bytes() -> bytes:
    return ooxml("word", "document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml."
                                         "document.main+xml")


def pptx_bytes() -> bytes:
    return ooxml("ppt", "presentation.xml", "application/vnd.openxmlformats-officedocument.presentationml."
                                            "presentation.main+xml")


def odf_bytes(mimetype: str = "application/vnd.oasis.opendocument.text") -> bytes:
    """An OpenDocument package: ``mimetype`` first and stored, then the XML parts."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), mimetype.encode(), compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", b'<?xml version="1.0"?><office:document-content xmlns:office='
                                        b'"urn:oasis:names:tc:opendocument:xmlns:office:1.0"/>')
        archive.writestr("META-INF/manifest.xml", b'<?xml version="1.0"?><manifest/>')
    return out.getvalue()


def pe_bytes() -> bytes:
    """The start of a Windows executable: a DOS header pointing at the PE signature."""
    header = bytearray(b"MZ" + bytes(62))
    header[0x3C:0x40] = struct.pack("<I", 64)
    return bytes(header) + b"PE\x00\x00" + struct.pack("<HH", 0x14C, 1) + bytes(200)


ELF_BYTES = b"\x7fELF\x02\x01\x01" + bytes(57)


def base64_forwarded(inner: bytes, subject: str = "Fwd: Invoice", message_id: str = "<b64fwd@buyer.test>") -> bytes:
    """A forwarded message whose message/rfc822 part is base64-encoded (forbidden by
    RFC 2046, sent by Lotus Notes and some gateways)."""
    body = base64.encodebytes(inner).decode("ascii").replace("\n", CRLF)
    part = CRLF.join(["Content-Type: message/rfc822", "Content-Transfer-Encoding: base64",
                      "Content-Disposition: attachment"]) + CRLF + CRLF + body
    return message(subject, [part], message_id=message_id, sender="colleague@buyer.test")


def digest(messages: list[bytes], subject: str = "Digest", message_id: str = "<digest@buyer.test>") -> bytes:
    """A multipart/digest (RFC 2046 5.1.5): each part is a message without a Content-Type."""
    boundary = f"==digest-{os.urandom(6).hex()}=="
    inner = f"--{boundary}{CRLF}{CRLF}"
    inner += f"{CRLF}--{boundary}{CRLF}{CRLF}".join(m.decode("utf-8") for m in messages)
    inner += f"{CRLF}--{boundary}--{CRLF}"
    part = f'Content-Type: multipart/digest; boundary="{boundary}"{CRLF}{CRLF}{inner}'
    return message(subject, [part], message_id=message_id)


def raw_8bit_attachment(name: bytes, content_type: str, data: bytes) -> bytes:
    """A part whose file name is raw 8-bit bytes, with no RFC 2047/2231 encoding at all."""
    body = base64.encodebytes(data).decode("ascii").replace("\n", CRLF)
    return (f"Content-Type: {content_type}{CRLF}Content-Transfer-Encoding: base64{CRLF}".encode()
            + b'Content-Disposition: attachment; filename="' + name + b'"' + (CRLF * 2).encode() + body.encode())


def message_with_raw_parts(subject: str, parts: list[bytes], message_id: str) -> bytes:
    """Like ``message``, for parts that are bytes (raw 8-bit headers)."""
    boundary = f"==raw-{os.urandom(6).hex()}=="
    head = message(subject, [], message_id=message_id).split(b"Content-Type: multipart/mixed")[0]
    out = head + f'Content-Type: multipart/mixed; boundary="{boundary}"{CRLF}{CRLF}'.encode()
    for part in parts:
        out += f"--{boundary}{CRLF}".encode() + part + CRLF.encode()
    return out + f"--{boundary}--{CRLF}".encode()


def with_mixed_line_endings(raw: bytes) -> bytes:
    """Every other line ending made a bare LF, as some gateways and scripts leave them."""
    lines = raw.split(b"\r\n")
    return b"".join(line + (b"\n" if index % 2 else b"\r\n") for index, line in enumerate(lines[:-1])) + lines[-1]
