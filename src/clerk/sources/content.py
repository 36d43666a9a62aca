"""What a piece of untrusted input really is, told by its content alone.

The declared MIME type and the file extension are never consulted to decide:
suppliers send PDFs as ``application/octet-stream``, HTML as ``.pdf`` and
archives as ``invoice.pdf``. Each detected type belongs to a *kind* (``pdf``,
``spreadsheet``, ``office_document``, ``executable``...), which is what a
bot's collect setting and a refusal's reason speak of.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile

PDF = "application/pdf"
XML = "application/xml"
CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
OOXML = "application/vnd.openxmlformats-officedocument"     # a package of no known application
ODF = "application/vnd.oasis.opendocument"                  # prefix of ODT, ODS, ODP...
ZIP = "application/zip"
PNG = "image/png"
JPEG = "image/jpeg"
TIFF = "image/tiff"
HTML = "text/html"
TEXT = "text/plain"
EML = "message/rfc822"
OLE = "application/x-ole-storage"
MSG = "application/vnd.ms-outlook"
TNEF = "application/ms-tnef"
OCTET = "application/octet-stream"
PE = "application/vnd.microsoft.portable-executable"
ELF = "application/x-elf"
MACHO = "application/x-mach-binary"
JAVA_CLASS = "application/java-vm"
SHORTCUT = "application/x-ms-shortcut"
SCRIPT = "text/x-script"

EXTENSIONS: dict[str, str] = {
    PDF: ".pdf", XML: ".xml", CSV: ".csv", XLSX: ".xlsx", DOCX: ".docx", PPTX: ".pptx", ZIP: ".zip",
    PNG: ".png", JPEG: ".jpg", TIFF: ".tif", HTML: ".html", TEXT: ".txt", EML: ".eml",
    MSG: ".msg", TNEF: ".dat", OCTET: ".bin",
}

KINDS: dict[str, str] = {
    PDF: "pdf", XML: "xml", CSV: "csv", XLSX: "spreadsheet", PNG: "image", JPEG: "image", TIFF: "image",
    DOCX: "office_document", PPTX: "office_document", OOXML: "office_document", OLE: "office_document",
    ZIP: "archive", PE: "executable", ELF: "executable", MACHO: "executable", JAVA_CLASS: "executable",
    SHORTCUT: "executable", SCRIPT: "executable", HTML: "html", TEXT: "text", EML: "message",
    MSG: "message", TNEF: "message",
}
DESCRIPTIONS: dict[str, str] = {
    "pdf": "a PDF", "xml": "an XML document", "csv": "a CSV table", "spreadsheet": "a spreadsheet",
    "image": "an image", "office_document": "an office document", "archive": "an archive",
    "executable": "an executable", "html": "an HTML page", "text": "plain text",
    "message": "a mail message", "other": "unrecognised binary data",
}

# Scripts that Windows runs on a double click; their text is otherwise plain.
SCRIPT_EXTENSIONS = frozenset({".bat", ".cmd", ".js", ".jse", ".vbs", ".vbe", ".wsf", ".wsh", ".ps1",
                               ".hta", ".sh", ".scr", ".lnk", ".com", ".exe", ".msi", ".jar"})
_MACHO_MAGIC = (b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe")
_BINARY_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", PNG), (b"\xff\xd8\xff", JPEG), (b"II*\x00", TIFF), (b"MM\x00*", TIFF),
    (b"\x78\x9f\x3e\x22", TNEF), (b"\x7fELF", ELF), (b"L\x00\x00\x00\x01\x14\x02\x00", SHORTCUT),
) + tuple((magic, MACHO) for magic in _MACHO_MAGIC)
_HTML_TAGS = frozenset(
    "html head body div span p br hr table tr td th tbody thead font b i u a img center ul ol li "
    "h1 h2 h3 h4 h5 h6 blockquote pre title meta style script link base form input section article "
    "header footer nav main strong em small sub sup".split())
_XML_PROLOGUE = re.compile(r"^(\s*(<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>))*\s*", re.DOTALL | re.IGNORECASE)
_FIRST_TAG = re.compile(r"<([A-Za-z_][\w.:-]*)")


def kind_of(content_type: str) -> str:
    """The kind (``pdf``, ``office_document``, ``executable``...) of a detected type."""
    if content_type.startswith(ODF):
        return "office_document"
    return KINDS.get(content_type, "other")


def detect_content_type(head: bytes) -> str:
    """The content type of ``head`` (the first bytes, or all of them) by its content.

    Given the whole content, a ZIP is told apart from an office package: OOXML
    by its ``[Content_Types].xml`` and main folder (XLSX, DOCX, PPTX), ODF by
    its ``mimetype`` entry; an OLE file from an Outlook message.
    """
    if not head:
        return OCTET
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_type(head)
    for magic, content_type in _BINARY_MAGIC:
        if head.startswith(magic):
            return content_type
    if head.startswith(b"MZ") and b"\x00" in head[:64]:     # a DOS header, not text that starts "MZ"
        return PE
    if head.startswith(b"\xca\xfe\xba\xbe") and len(head) >= 8:
        # Mach-O universal binaries count their architectures (a few); Java classes
        # carry a class-file version (45 and up) in the same place.
        return MACHO if int.from_bytes(head[4:8], "big") < 45 else JAVA_CLASS
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return MSG if b"_\x00_\x00s\x00u\x00b\x00s\x00t\x00g\x001" in head else OLE
    if head.startswith(b"#!"):
        return SCRIPT
    # Readers accept junk before the header (mail gateways prepend some), up to 1 KB;
    # checked after the containers, which may hold a PDF near their start.
    if b"%PDF-" in head[:1024]:
        return PDF
    text = _as_text(head[:65536])
    if text is None:
        return OCTET
    return _text_type(text)


def _zip_type(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            odf = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, ValueError, OSError, RuntimeError, NotImplementedError, EOFError):
        return _zip_type_from_head(data[:65536])
    if odf.startswith(ODF.encode()):
        return odf.decode("ascii", errors="replace").strip()
    if "[Content_Types].xml" in names:
        return _ooxml_type(names)
    return ZIP


def _ooxml_type(names: set[str]) -> str:
    for folder, content_type in (("xl/", XLSX), ("word/", DOCX), ("ppt/", PPTX)):
        if any(name.startswith(folder) for name in names):
            return content_type
    return OOXML


def _zip_type_from_head(head: bytes) -> str:
    """Only a head was given: the local headers near the start still name members,
    and ODF stores its ``mimetype`` first, uncompressed."""
    if head[30:38] == b"mimetype" and ODF.encode() in head[38:120]:
        start = head.index(ODF.encode(), 38)
        return re.match(rb"[a-z0-9./-]+", head[start:start + 100]).group().decode()
    folders = {folder for folder in ("xl/", "word/", "ppt/") if folder.encode() in head}
    if b"[Content_Types].xml" in head or (folders and (b"docProps/" in head or b"_rels/" in head)):
        return _ooxml_type(folders)
    return ZIP


def _as_text(head: bytes) -> str | None:
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            return head[len(bom):].decode(codec, errors="ignore")
    if b"\x00" in head:
        return None
    try:
        return head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3:      # a head cut inside a multi-byte character
            return head[: exc.start].decode("utf-8")
    printable = sum(32 <= b < 127 or b in (9, 10, 13) or b >= 160 for b in head)
    return head.decode("cp1252", errors="replace") if printable >= 0.95 * len(head) else None


_EML_HEADERS = re.compile(
    r"^(received|return-path|from|to|subject|date|message-id|mime-version|delivered-to|"
    r"x-[a-z0-9-]+):", re.IGNORECASE)


def _text_type(text: str) -> str:
    stripped = text.lstrip()
    if stripped.startswith("<"):
        return _markup_type(stripped)
    lines = [line for line in text.splitlines() if line.strip()][:50]
    if lines and _EML_HEADERS.match(lines[0]) and sum(bool(re.match(r"^[\w-]+:", ln)) for ln in lines[:5]) >= 2:
        return EML
    return CSV if _looks_like_csv(lines) else TEXT


def _markup_type(text: str) -> str:
    """XML, unless the first element is an HTML one: a mail client's HTML fragment
    (``text/watch-html`` is ``<div>...</div>``) starts with ``<`` as well."""
    head = text[:4096]
    if re.match(r"<!doctype\s+html", head, re.IGNORECASE):
        return HTML
    tag = _FIRST_TAG.match(head[_XML_PROLOGUE.match(head).end():])
    if tag is None:
        return TEXT
    return HTML if tag.group(1).lower() in _HTML_TAGS else XML


def _looks_like_csv(lines: list[str]) -> bool:
    """Lines with the same count (two or more) of one delimiter, counted outside
    quoted fields (``"Copy paper A4, 500 sheets"`` is one field), that do not read
    as sentences. One line is enough: an export of one record is ``a;b``."""
    if not lines:
        return False
    if len(lines) > 2:
        lines = lines[:-1]      # the last line of a head may be cut short
    for delimiter in (";", "\t", "|", ","):
        rows = [_fields(line, delimiter) for line in lines]
        if len({len(row) for row in rows}) == 1 and len(rows[0]) > 1:
            return not _reads_as_prose(rows)
    return False


def _reads_as_prose(rows: list[list[str]]) -> bool:
    """Sentences split at their commas: cells of several words on average, or of
    a few words with most lines ending in a full stop. A table's cells are mostly
    one word (``ACME Ltd.`` at the end of each row is still a table)."""
    cells = [cell.strip() for row in rows for cell in row]
    words = sum(len(cell.split()) for cell in cells) / len(cells)
    sentences = sum(bool(re.search(r"[A-Za-z][.!?]$", row[-1].strip())) for row in rows)
    return words >= 2.5 or (sentences * 2 > len(rows) and words >= 1.5)


def _fields(line: str, delimiter: str) -> list[str]:
    """The fields the csv module reads from one line (quotes respected)."""
    try:
        return next(csv.reader([line], delimiter=delimiter))
    except (csv.Error, StopIteration):
        return []
