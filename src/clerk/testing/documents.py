"""Document writers for tests and the demo world: the same Invoice as UBL,
CII, Factur-X PDF, or a plain text PDF in one demo supplier's layout.

These signatures are a stable public surface (the demo world imports them).
"""

from __future__ import annotations

from facturx import generate_from_binary

from clerk.models.invoice import Invoice
from clerk.testing._attachments import Attachment, pdf_with_attachments
from clerk.testing._cii import cii_xml
from clerk.testing._pdf import LAYOUTS, format_amount, plain_pdf
from clerk.testing._ubl import ubl_xml
from clerk.testing._world import demo_invoice, find_world, load_world
from clerk.testing._zugferd1 import zugferd1_xml

__all__ = [
    "LAYOUTS", "Attachment", "cii_xml", "demo_invoice", "facturx_pdf", "find_world", "format_amount",
    "load_world", "pdf_with_attachments", "plain_pdf", "ubl_xml", "zugferd1_xml",
]


def facturx_pdf(invoice: Invoice, layout: str = "acme") -> bytes:
    """A Factur-X PDF/A-3: the visible page in ``layout``, the CII embedded as factur-x.xml."""
    visible = plain_pdf(invoice, layout)
    return generate_from_binary(
        visible, cii_xml(invoice), flavor="factur-x", level="en16931", check_xsd=True,
        pdf_metadata={"author": invoice.seller.name, "keywords": "Factur-X",
                      "title": f"{invoice.seller.name}: {invoice.number}",
                      "subject": f"Invoice {invoice.number}"},
    )
