from datetime import date

import pytest
from facturx import generate_from_binary

from clerk.errors import ExtractionError
from clerk.models.invoice import DocumentType
from clerk.testing import cii_xml, demo_invoice, facturx_pdf, plain_pdf


@pytest.mark.parametrize("supplier", ["ACME", "BRIO"])
def test_standalone_cii_round_trips(session, supplier):
    invoice = demo_invoice(supplier, "C-1", [("COFFEE", 2, "310.00")], order_reference="PO-1003",
                           issue_date=date(2026, 11, 2))
    extraction = session.extract(cii_xml(invoice))
    assert extraction.extractor == "cii"
    assert extraction.record == invoice


def test_cii_two_rates_allowance_charge_credit_note(session, mixed_invoice):
    invoice = mixed_invoice.model_copy(update={"type": DocumentType.CREDIT_NOTE})
    record = session.extract(cii_xml(invoice)).record
    assert record == invoice
    assert record.totals.payable == invoice.totals.payable


def test_facturx_is_read_from_the_xml_not_the_visible_text(session):
    invoice = demo_invoice("NORD", "XML-1", [("FREIGHT", 3, "145.00")], issue_date=date(2026, 11, 2))
    visible = demo_invoice("NORD", "TEXT-9", [("FREIGHT", 99, "1.00")], issue_date=date(2026, 11, 2))
    pdf = generate_from_binary(plain_pdf(visible, "nordwind"), cii_xml(invoice), flavor="factur-x",
                               level="en16931")
    extraction = session.extract(pdf)
    assert extraction.extractor == "facturx"
    assert extraction.template is None
    assert extraction.record == invoice
    assert extraction.record.number == "XML-1"   # the text says TEXT-9


def test_facturx_pdf_helper_round_trips(session):
    invoice = demo_invoice("BRIO", "F-7", [("COFFEE", 1, "310.00")], issue_date=date(2026, 11, 2))
    assert session.extract(facturx_pdf(invoice, "brio")).record == invoice


def test_cii_with_a_bad_amount_is_refused(session):
    data = cii_xml(demo_invoice("ACME", "C-2", [("PAPER-A4", 1, "4.20")]))
    broken = data.replace(b"<ram:DuePayableAmount>5.00", b"<ram:DuePayableAmount>5,00 EUR")
    with pytest.raises(ExtractionError) as caught:
        session.extract(broken)
    assert caught.value.reason == "bad_number"
