"""PDFs that carry XML files the way producers embed them: PDF/A-3 associated
files with an AFRelationship, and the XMP ``DocumentFileName`` of the
Factur-X (``fx:``) or ZUGFeRD 1 (``zf:``) extension schema naming the invoice."""

from __future__ import annotations

import io
from dataclasses import dataclass

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, NameObject

XMP_NAMESPACES = {"fx": "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#",
                  "zf": "urn:ferd:pdfa:CrossIndustryDocument:invoice:1p0#"}


@dataclass(frozen=True)
class Attachment:
    name: str
    data: bytes
    relationship: str | None = None   # Data, Source, Alternative, Supplement, Unspecified


def _xmp(prefix: str, file_name: str) -> bytes:
    return (
        '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        f'<rdf:Description rdf:about="" xmlns:{prefix}="{XMP_NAMESPACES[prefix]}">'
        f"<{prefix}:DocumentType>INVOICE</{prefix}:DocumentType>"
        f"<{prefix}:DocumentFileName>{file_name}</{prefix}:DocumentFileName>"
        f"<{prefix}:Version>1.0</{prefix}:Version><{prefix}:ConformanceLevel>EN 16931</{prefix}:ConformanceLevel>"
        '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    ).encode()


def pdf_with_attachments(visible: bytes, attachments: list[Attachment],
                         declared: tuple[str, str] | None = None) -> bytes:
    """``visible`` with ``attachments`` embedded (listed in the catalog's /AF when they
    have a relationship); ``declared`` = (``"fx"`` or ``"zf"``, file name) writes the XMP
    extension that names the invoice file."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(visible)))
    associated = ArrayObject()
    for attachment in attachments:
        embedded = writer.add_attachment(attachment.name, attachment.data)
        if attachment.relationship:
            embedded.associated_file_relationship = NameObject(f"/{attachment.relationship}")
            spec = embedded.pdf_object
            associated.append(spec.indirect_reference or writer._add_object(spec))  # noqa: SLF001
    if associated:
        writer._root_object[NameObject("/AF")] = associated  # noqa: SLF001 - the catalog has no public setter
    if declared:
        stream = DecodedStreamObject()
        stream.set_data(_xmp(*declared))
        stream[NameObject("/Type")] = NameObject("/Metadata")
        stream[NameObject("/Subtype")] = NameObject("/XML")
        writer._root_object[NameObject("/Metadata")] = writer._add_object(stream)  # noqa: SLF001
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()
