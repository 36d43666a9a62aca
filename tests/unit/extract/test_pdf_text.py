import io
from datetime import date
from decimal import Decimal

import pytest
from reportlab.pdfgen import canvas

from clerk.errors import ExtractionError
from clerk.models.invoice import DocumentType
from clerk.testing import demo_invoice, plain_pdf

LINES = [("PAPER-A4", "1234", "4.20"), ("TONER-K", "2.5", "1089.00"), ("COFFEE", 1, "310.00")]


@pytest.mark.parametrize(("supplier", "layout"), [("ACME", "acme"), ("NORD", "nordwind"), ("BRIO", "brio")])
def test_template_reads_the_supplier_layout(session, supplier, layout):
    invoice = demo_invoice(supplier, "2026-0042", LINES, order_reference="PO-1001", issue_date=date(2026, 11, 2),
                           tax_rate=Decimal("19"))
    extraction = session.extract(plain_pdf(invoice, layout))
    record = extraction.record
    assert (extraction.extractor, extraction.template) == ("pdf_text", layout)
    assert record.number == "2026-0042"
    assert (record.issue_date, record.due_date) == (invoice.issue_date, invoice.due_date)
    assert record.seller.name == invoice.seller.name
    assert record.seller.tax_id == invoice.seller.tax_id
    assert record.seller.iban == invoice.seller.iban
    assert record.order_reference == "PO-1001"
    assert record.totals == invoice.totals  # 1,234.56 / 1.234,56 / 1 234,56 all parsed
    assert [(line.product_code, line.quantity, line.unit_price, line.net_amount) for line in record.lines] == [
        (line.product_code, line.quantity, line.unit_price, line.net_amount) for line in invoice.lines]
    assert all(value == 0.9 for key, value in extraction.confidence.items() if key.startswith("totals"))


def test_multi_page_tables_and_credit_notes(session):
    lines = [("PAPER-A4", index, "4.20") for index in range(1, 71)]
    invoice = demo_invoice("NORD", "GS-1", lines, issue_date=date(2026, 11, 2)).model_copy(
        update={"type": DocumentType.CREDIT_NOTE})
    record = session.extract(plain_pdf(invoice, "nordwind")).record
    assert record.type == DocumentType.CREDIT_NOTE
    assert len(record.lines) == 70
    assert record.totals.payable == invoice.totals.payable


def test_unknown_layout_is_proposed_for_review_not_read_by_a_template(session):
    invoice = demo_invoice("GHOST", "G-1", [("COFFEE", 1, "310.00")])
    extraction = session.extract(plain_pdf(invoice, "acme"))  # Ghost's name is in no template's keywords
    assert (extraction.extractor, extraction.template) == ("proposed", None)
    assert extraction.record.totals.payable == invoice.totals.payable
    assert [f.severity.value for f in extraction.findings] == ["error"]   # never posted without a person


def test_page_without_text_layer(session):
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.rect(100, 100, 200, 200, fill=1)   # a "scan": graphics, no text
    pdf.showPage()
    pdf.save()
    with pytest.raises(ExtractionError) as caught:
        session.extract(buffer.getvalue())
    assert caught.value.reason == "no_text_layer"
