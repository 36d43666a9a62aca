"""Helpers for tests and the demo world: document writers (see ``documents``)."""

from clerk.testing.documents import cii_xml, demo_invoice, facturx_pdf, plain_pdf, ubl_xml

__all__ = ["cii_xml", "demo_invoice", "facturx_pdf", "plain_pdf", "ubl_xml"]
