"""The code that runs INSIDE the PDF sandbox child process.

Kept apart from sandbox.py so the child imports as little as possible, and so
nothing here runs in the caller's process by accident.
"""

from __future__ import annotations

import base64
import io
import json
import re
import resource
import struct
import sys
from typing import Any, BinaryIO

# Names under which e-invoice XML travels inside a PDF (Factur-X, ZUGFeRD 1/2, XRechnung).
INVOICE_ATTACHMENTS = {"factur-x.xml", "zugferd-invoice.xml", "xrechnung.xml", "zugferd_invoice.xml"}
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
MAX_XML_ATTACHMENTS = 8
_DOCUMENT_FILE_NAME = re.compile(rb"DocumentFileName(?:>|=\")\s*([^<\"]{1,200})")
MAX_TEXT_PER_PAGE = 200_000


def read_pdf(data: bytes, max_pages: int) -> dict[str, Any]:
    """Text of each page (up to ``max_pages``) and the invoice XML attachments."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    try:
        page_count = len(document)
        pages, images = [], []
        for index in range(min(page_count, max_pages)):
            page = document[index]
            textpage = page.get_textpage()
            pages.append(textpage.get_text_range()[:MAX_TEXT_PER_PAGE])
            textpage.close()
            images.append(_image_count(page))   # OCR plug-in: a page without text but with an image is a scan
            page.close()
        attachments = _xml_attachments(document)
        declared = _declared(data) if len(attachments) > 1 else {}
        return {"page_count": page_count, "pages": pages, "images": images, "attachments": attachments,
                "declared": declared}
    finally:
        document.close()


def _xml_attachments(document: Any) -> dict[str, bytes]:
    """The invoice-named attachments and any other XML ones (a PDF may carry two)."""
    attachments = {}
    for index in range(document.count_attachments()):
        attachment = document.get_attachment(index)
        name = attachment.get_name()
        if name.lower() in INVOICE_ATTACHMENTS or name.lower().endswith(".xml"):
            payload = bytes(attachment.get_data())
            if len(payload) <= MAX_ATTACHMENT_BYTES and len(attachments) < MAX_XML_ATTACHMENTS:
                attachments[name] = payload
    return attachments


def _declared(data: bytes) -> dict[str, Any]:
    """What the PDF says its invoice is: each file's AFRelationship (PDF/A-3) and the
    file name of the XMP Factur-X/ZUGFeRD extension (``fx:``/``zf:DocumentFileName``).
    Read only when there is a choice to make; an unreadable catalog declares nothing."""
    from pypdf import PdfReader

    try:
        catalog = PdfReader(io.BytesIO(data)).trailer["/Root"]
        relationships = {}
        for spec in catalog.get("/AF") or []:
            spec = spec.get_object()
            name = str(spec.get("/UF") or spec.get("/F") or "")
            if name:
                relationships[name] = str(spec.get("/AFRelationship") or "").lstrip("/")
        metadata = catalog.get("/Metadata")
        xmp = metadata.get_object().get_data() if metadata is not None else b""
    except Exception:  # noqa: BLE001  a broken catalog declares nothing; the names still decide
        return {}
    found = _DOCUMENT_FILE_NAME.search(xmp)
    return {"relationships": relationships,
            "document_file_name": found.group(1).decode("utf-8", "replace").strip() if found else None}


def _image_count(page: Any, limit: int = 50) -> int:
    """Image objects on the page (counted up to ``limit``: a scan has one, a form a few)."""
    import pypdfium2.raw as pdfium_c

    count = 0
    for _ in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,)):
        count += 1
        if count >= limit:
            break
    return count


def _reply(output: BinaryIO, message: dict[str, Any]) -> None:
    payload = json.dumps(message).encode()
    output.write(struct.pack(">I", len(payload)) + payload)
    output.flush()


def _answer(data: bytes, max_pages: int) -> dict[str, Any]:
    try:
        result = read_pdf(data, max_pages)
    except MemoryError:
        return {"error": "pdf_memory_limit", "message": "the PDF needs more memory than the sandbox allows"}
    except Exception as error:  # noqa: BLE001  every parser failure is the document's fault
        return {"error": "malformed_pdf", "message": f"{type(error).__name__}: {error}"[:500]}
    result["attachments"] = {name: base64.b64encode(body).decode() for name, body in result["attachments"].items()}
    return result


def serve(memory_bytes: int) -> None:
    """Answer framed requests on stdin until it closes.

    Request: 8-byte header (data length, max pages) then the PDF bytes.
    Reply: 4-byte length then JSON (never pickle: the parent must not trust
    what a possibly subverted child sends).
    """
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    import pypdfium2  # noqa: F401  (import once, before the first document)

    source, output = sys.stdin.buffer, sys.stdout.buffer
    _reply(output, {"ready": True})  # the parent's per-document clock starts after this
    while True:
        header = source.read(8)
        if len(header) < 8:
            return
        length, max_pages = struct.unpack(">II", header)
        data = source.read(length)
        message = _answer(data, max_pages)
        _reply(output, message)
        if message.get("error") == "pdf_memory_limit":
            return  # a process that ran out of memory is not trusted with the next document


if __name__ == "__main__":
    serve(int(sys.argv[1]))
