"""E-invoices as producers really send them: ZUGFeRD 1.0, PDFs with two XML
files, tax numbers beside VAT ids, no tax total, line allowances and charges,
XRechnung sub-lines, and every UNTDID 1001 credit-note code."""

from __future__ import annotations

from decimal import Decimal

import pytest

from clerk.errors import ExtractionError
from clerk.extract._codes import CREDIT_NOTE_CODES
from clerk.models.invoice import DocumentType, InvoiceLine, LineAllowanceCharge
from clerk.testing import cii_xml, demo_invoice, plain_pdf, ubl_xml
from clerk.testing.documents import Attachment, pdf_with_attachments, zugferd1_xml
from clerk.validation import ValidationContext, ValidationEngine, ValidationSettings, builtin_rules

# UNTDID 1001 credit-note codes as the EN 16931 / PEPPOL code list for BT-3 has them
EXPECTED_CREDIT_CODES = {"81", "83", "261", "262", "296", "308", "381", "396", "420", "458", "532"}


def _invoice(number: str = "ZF-1"):
    return demo_invoice("ACME", number, [("PAPER-A4", 2, "4.20"), ("TONER-K", 1, "89.00")])


def test_zugferd_1_is_read_field_by_field(session):
    invoice = _invoice()
    extraction = session.extract(zugferd1_xml(invoice))
    record = extraction.record
    assert (record.number, record.currency, record.issue_date, record.due_date) == (
        invoice.number, invoice.currency, invoice.issue_date, invoice.due_date)
    assert record.seller.tax_id == invoice.seller.tax_id and record.seller.iban == invoice.seller.iban
    assert record.totals == invoice.totals.model_copy(update={"rounding": Decimal("0")})
    assert [(line.id, line.quantity, line.unit_price, line.net_amount, line.tax_rate) for line in record.lines] == [
        (line.id, line.quantity, line.unit_price, line.net_amount, line.tax_rate) for line in invoice.lines]
    assert record.tax_breakdown == invoice.tax_breakdown
    assert extraction.findings == ()   # ZUGFeRD 1 predates EN 16931: its rules do not apply


def test_zugferd_1_in_a_pdf_is_read_not_called_a_non_invoice(session):
    invoice = _invoice("ZF-PDF")
    pdf = pdf_with_attachments(plain_pdf(invoice, "acme"),
                               [Attachment("ZUGFeRD-invoice.xml", zugferd1_xml(invoice), "Alternative")],
                               declared=("zf", "ZUGFeRD-invoice.xml"))
    extraction = session.extract(pdf)
    assert (extraction.extractor, extraction.record.number) == ("facturx", "ZF-PDF")


def test_a_pdf_whose_xml_is_not_an_invoice_says_what_it_is(session):
    invoice = _invoice()
    pdf = pdf_with_attachments(plain_pdf(invoice, "acme"),
                               [Attachment("delivery-note.xml", b"<DeliveryNote><ID>7</ID></DeliveryNote>")])
    with pytest.raises(ExtractionError) as caught:
        session.extract(pdf)
    assert caught.value.reason == "unsupported_xml"
    assert "delivery-note.xml (root DeliveryNote)" in caught.value.message


def test_the_declared_attachment_wins_over_the_first_name(session):
    """ZUGFeRD-invoice.xml sorts before factur-x.xml; the PDF declares factur-x.xml."""
    new, old = _invoice("FX-NEW"), _invoice("ZF-OLD")
    pdf = pdf_with_attachments(plain_pdf(new, "acme"), [Attachment("ZUGFeRD-invoice.xml", zugferd1_xml(old)),
                                                        Attachment("factur-x.xml", cii_xml(new), "Data")],
                               declared=("fx", "factur-x.xml"))
    assert session.extract(pdf).record.number == "FX-NEW"


def test_the_xmp_file_name_wins_over_the_standard_names(session):
    zf, fx = _invoice("ZF-DECLARED"), _invoice("FX-EXTRA")
    pdf = pdf_with_attachments(plain_pdf(zf, "acme"), [Attachment("factur-x.xml", cii_xml(fx)),
                                                       Attachment("ZUGFeRD-invoice.xml", zugferd1_xml(zf))],
                               declared=("zf", "ZUGFeRD-invoice.xml"))
    assert session.extract(pdf).record.number == "ZF-DECLARED"


def test_without_declarations_the_xml_root_decides(session):
    invoice = _invoice("BY-ROOT")
    pdf = pdf_with_attachments(plain_pdf(invoice, "acme"), [Attachment("a-order.xml", b"<Order><ID>1</ID></Order>"),
                                                            Attachment("b-invoice.xml", ubl_xml(invoice))])
    assert session.extract(pdf).record.number == "BY-ROOT"


def test_when_the_declared_xml_is_broken_the_other_one_is_tried(session):
    invoice = _invoice("FALLBACK")
    pdf = pdf_with_attachments(plain_pdf(invoice, "acme"), [Attachment("factur-x.xml", b"<rsm:broken", "Data"),
                                                            Attachment("ZUGFeRD-invoice.xml", zugferd1_xml(invoice))],
                               declared=("fx", "factur-x.xml"))
    assert session.extract(pdf).record.number == "FALLBACK"


@pytest.mark.parametrize("scheme_ids", [("FC",), ("VAT", "FC")])
def test_ubl_vat_id_comes_only_from_the_vat_scheme(session, scheme_ids):
    base = _invoice()
    seller = base.seller.model_copy(update={"tax_id": "DE129274202" if "VAT" in scheme_ids else None,
                                            "tax_registration_id": "201/113/40209"})
    record = session.extract(ubl_xml(base.model_copy(update={"seller": seller}))).record
    assert record.seller.tax_id == ("DE129274202" if "VAT" in scheme_ids else None)
    assert record.seller.tax_registration_id == "201/113/40209"


def test_ubl_tax_note_under_another_scheme_is_not_a_vat_id(session):
    data = ubl_xml(_invoice()).replace(b"<cbc:ID>VAT</cbc:ID>", b"<cbc:ID>TAX</cbc:ID>", 1)
    assert session.extract(data).record.seller.tax_id is None


@pytest.mark.parametrize("writer", [cii_xml, ubl_xml], ids=["cii", "ubl"])
def test_without_a_tax_total_tax_is_not_stated(session, writer):
    invoice = _invoice()
    stated = invoice.totals
    untaxed = invoice.model_copy(update={"totals": stated.model_copy(update={"tax": None})})
    extraction = session.extract(writer(untaxed))
    assert extraction.record.totals.tax is None
    assert extraction.confidence["totals.tax"] == 0.0
    # BR-CO-15 without BT-110: the total with VAT must equal the total without
    assert "BR-CO-15" in {f.code for f in extraction.findings}
    outcome = ValidationEngine(builtin_rules()).validate(extraction.record,
                                                         ValidationContext.for_run(ValidationSettings()))
    assert "tax_not_stated" in {f.code for f in outcome.findings}
    assert "rule_crashed" not in {f.code for f in outcome.findings}


def _adjusted_invoice():
    invoice = _invoice()
    first = invoice.lines[0]
    adjusted = first.model_copy(update={
        "net_amount": first.net_amount - Decimal("1.00") + Decimal("0.50"),
        "allowances": (LineAllowanceCharge(amount=Decimal("1.00"), reason="Discount", reason_code="95"),),
        "charges": (LineAllowanceCharge(charge=True, amount=Decimal("0.50"), reason="Packing"),)})
    lines = (adjusted, *invoice.lines[1:])
    net = sum(line.net_amount for line in lines)
    tax = (net * Decimal("0.19")).quantize(Decimal("0.01"))
    return invoice.model_copy(update={
        "lines": lines,
        "tax_breakdown": (invoice.tax_breakdown[0].model_copy(update={"taxable_amount": net, "tax_amount": tax}),),
        "totals": invoice.totals.model_copy(update={"line_net": net, "net": net, "tax": tax, "gross": net + tax,
                                                    "payable": net + tax})})


@pytest.mark.parametrize("writer", [ubl_xml, cii_xml], ids=["ubl", "cii"])
def test_line_allowances_and_charges_are_read_and_add_up(session, writer):
    extraction = session.extract(writer(_adjusted_invoice()))
    line = extraction.record.lines[0]
    assert [(a.amount, a.reason, a.reason_code) for a in line.allowances] == [(Decimal("1.00"), "Discount", "95")]
    assert [(c.amount, c.charge) for c in line.charges] == [(Decimal("0.50"), True)]
    assert extraction.confidence["lines.0.net_amount"] == 1.0
    assert extraction.findings == ()
    outcome = ValidationEngine(builtin_rules()).validate(extraction.record,
                                                         ValidationContext.for_run(ValidationSettings()))
    assert "line_total_mismatch" not in {f.code for f in outcome.findings}


@pytest.mark.parametrize("writer", [ubl_xml, cii_xml], ids=["ubl", "cii"])
def test_xrechnung_sub_lines_are_kept_under_their_line(session, writer):
    invoice = _invoice()
    parent = invoice.lines[1]
    details = tuple(InvoiceLine(id=f"2.{n}", description=f"Part {n}", quantity=Decimal("1"), unit="C62",
                                unit_price=Decimal("44.50"), net_amount=Decimal("44.50"), tax_category="S",
                                tax_rate=Decimal("19")) for n in (1, 2))
    grouped = invoice.model_copy(update={"lines": (invoice.lines[0], parent.model_copy(update={"sub_lines": details}))})
    extraction = session.extract(writer(grouped))
    assert [line.id for line in extraction.record.lines] == ["1", "2"]
    assert [sub.id for sub in extraction.record.lines[1].sub_lines] == ["2.1", "2.2"]
    assert extraction.record.totals == session.extract(writer(invoice)).record.totals
    assert extraction.findings == ()


def test_the_credit_note_codes_are_the_code_lists():
    assert CREDIT_NOTE_CODES == EXPECTED_CREDIT_CODES


@pytest.mark.parametrize("writer", [ubl_xml, cii_xml, zugferd1_xml], ids=["ubl", "cii", "zugferd1"])
@pytest.mark.parametrize("code", sorted(EXPECTED_CREDIT_CODES, key=int))
def test_every_credit_note_code_makes_a_credit_note(session, writer, code):
    assert session.extract(writer(_invoice(), type_code=code)).record.type == DocumentType.CREDIT_NOTE


@pytest.mark.parametrize("code", ["380", "384", "389", "326", "751"])
def test_invoice_codes_stay_invoices(session, code):
    assert session.extract(cii_xml(_invoice(), type_code=code)).record.type == DocumentType.INVOICE

