"""Factur-X / ZUGFeRD / XRechnung-in-PDF: the invoice comes from the embedded
CII XML, never from the visible text (the XML is the legal original)."""

from __future__ import annotations

from clerk.errors import ExtractionError
from clerk.extract._checks import invoice_confidence
from clerk.extract._xml import parse_xml
from clerk.extract.base import Content, Extraction
from clerk.extract.cii import ROOT as CII_ROOT
from clerk.extract.cii import read_cii
from clerk.extract.ubl import ROOTS as UBL_ROOTS
from clerk.extract.ubl import read_ubl


class FacturXExtractor:
    """PDFs (read in the sandbox) that carry an e-invoice XML attachment."""

    name = "facturx"

    def accepts(self, content: Content) -> bool:
        return content.kind == "pdf" and content.pdf is not None and bool(content.pdf.attachments)

    def extract(self, content: Content) -> Extraction:
        name, payload = sorted(content.pdf.attachments.items())[0]
        root = parse_xml(payload)
        if root.tag == CII_ROOT:
            invoice = read_cii(root)
        elif root.tag in UBL_ROOTS:  # XRechnung allows UBL inside a PDF too
            invoice = read_ubl(root)
        else:
            raise ExtractionError("unsupported_xml", f"attachment {name} is not an invoice: {root.tag[:120]}")
        return Extraction(record=invoice, extractor=self.name, confidence=invoice_confidence(invoice, 1.0))
