from decimal import Decimal

import pypdfium2 as pdfium
import pytest
from facturx import get_xml_from_pdf, xml_check_xsd
from lxml import etree

from clerk.models.invoice import DocumentType
from clerk.testing import cii_xml, demo_invoice, facturx_pdf, plain_pdf, ubl_xml


def test_demo_invoice_totals_add_up_from_the_world():
    invoice = demo_invoice("ACME", "INV-1", [("PAPER-A4", 100, "4.20"), ("TONER-K", "4", Decimal("89.00"))],
                           order_reference="PO-1001")
    assert invoice.seller.tax_id == "DE129274202"
    assert invoice.lines[1].description == "Toner cartridge black"
    assert invoice.totals.net == Decimal("776.00")
    assert invoice.totals.tax == Decimal("147.44")
    assert invoice.totals.payable == invoice.totals.gross == Decimal("923.44")


def test_demo_invoice_knows_unknown_suppliers_and_overrides_iban():
    invoice = demo_invoice("GHOST", "G-1", [("COFFEE", 1, 10)], iban="DE44 5001 0517 5407 3249 31")
    assert invoice.seller.name == "Ghost Trading Ltd"
    assert invoice.seller.iban == "DE44500105175407324931"
    with pytest.raises(KeyError):
        demo_invoice("NOBODY", "X", [])


def test_cii_is_valid_factur_x_en16931():
    invoice = demo_invoice("NORD", "R-1", [("FREIGHT", 3, "145.00")])
    assert xml_check_xsd(cii_xml(invoice), flavor="factur-x", level="en16931")


def test_ubl_credit_note_root():
    invoice = demo_invoice("ACME", "CN-1", [("PAPER-A4", 1, "4.20")]).model_copy(
        update={"type": DocumentType.CREDIT_NOTE})
    root = etree.fromstring(ubl_xml(invoice))
    assert etree.QName(root).localname == "CreditNote"


def test_facturx_pdf_embeds_the_cii():
    invoice = demo_invoice("BRIO", "F-1", [("COFFEE", 1, "310.00")], tax_rate=Decimal("20"))
    name, xml = get_xml_from_pdf(facturx_pdf(invoice, "brio"), check_xsd=False)
    assert name == "factur-x.xml"
    assert xml == cii_xml(invoice)


def test_plain_pdf_renders_unicode_names():
    invoice = demo_invoice("BRIO", "F-2", [("COFFEE", 1, "310.00")])
    document = pdfium.PdfDocument(plain_pdf(invoice, "brio"))
    assert "Brio Café Services SARL" in document[0].get_textpage().get_text_range()
    with pytest.raises(ValueError):
        plain_pdf(invoice, "unknown")
