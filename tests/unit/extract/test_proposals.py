"""Template-free key fields on generated invoices of layouts no template knows (issue 24)."""

from datetime import date
from decimal import Decimal

import pytest

from clerk.errors import ExtractionError
from clerk.extract.proposals import propose_invoice
from clerk.testing import plain_pdf
from clerk.testing._layouts_eu import EU_LAYOUTS
from tests.unit.extract.ocr.scans import invoice_for


@pytest.mark.parametrize("layout", sorted(EU_LAYOUTS))
def test_key_fields_found_by_their_labels_and_sent_for_review(session, layout):
    invoice = invoice_for("BRIO")
    extraction = session.extract(plain_pdf(invoice, layout))     # config/templates has no such layout
    record = extraction.record
    assert (extraction.extractor, extraction.template) == ("proposed", None)
    assert (record.number, record.issue_date, record.due_date) == ("2026-0042", date(2026, 11, 2), date(2026, 12, 2))
    assert (record.seller.tax_id, record.seller.iban) == ("FR40303265045", "FR1420041010050500013M02606")
    assert (record.totals.net, record.totals.tax, record.totals.payable) == (
        Decimal("7670.80"), Decimal("1457.45"), Decimal("9128.25"))
    (finding,) = extraction.findings
    assert finding.severity.value == "error" and "save a template" in finding.message
    assert max(extraction.confidence.values()) < 0.5


def test_a_vat_id_with_wrong_check_digits_is_not_proposed(session):
    invoice = invoice_for("NORD")
    bad = invoice.model_copy(update={"seller": invoice.seller.model_copy(update={"tax_id": "DE136695977"})})
    record = session.extract(plain_pdf(bad, "lungo")).record
    assert record.seller.tax_id is None and record.seller.iban == "DE02120300000000202051"


def test_without_number_date_and_total_nothing_is_proposed():
    assert propose_invoice("Ghost Trading Ltd\nThank you for your order.\nKind regards") is None


def test_a_pdf_with_no_labels_stays_no_template(session):
    with pytest.raises(ExtractionError) as caught:
        session.extract(_letter_pdf())
    assert caught.value.reason == "no_template"


def _letter_pdf() -> bytes:
    import io

    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    for index, text in enumerate(("Ghost Trading Ltd", "Dear customer,", "our prices change next year.")):
        pdf.drawString(50, 800 - 20 * index, text)
    pdf.save()
    return buffer.getvalue()


@pytest.mark.parametrize("layout", ["vanrijn", "lumiere", "sierra"])
def test_a_confirmed_proposal_saved_as_a_template_reads_the_next_invoice(session, tmp_path, layout):
    import yaml

    from clerk.extract import ExtractionSession, ExtractSettings
    from clerk.extract.template_tools import document_text
    from clerk.extract.template_writer import draft_template

    first = invoice_for("BRIO")
    path = tmp_path / "first.pdf"
    path.write_bytes(plain_pdf(first, layout))
    proposal = session.extract(path)
    confirmed = proposal.record.model_copy(update={"seller": first.seller})   # the reviewer's correction
    spec = draft_template(f"brio-{layout}", document_text(session, path).text, confirmed)
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / f"brio-{layout}.yml").write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    following = invoice_for("BRIO", number="2026-0077")
    with ExtractionSession(ExtractSettings(templates_dir=folder)) as own:
        extraction = own.extract(plain_pdf(following, layout))
    assert (extraction.extractor, extraction.template) == ("pdf_text", f"brio-{layout}")
    assert extraction.record.number == "2026-0077" and extraction.findings == ()
    assert extraction.record.totals.payable == following.totals.payable
    assert extraction.record.seller.name == "Brio Café Services SARL"
