from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from clerk.errors import ExtractionError
from clerk.extract import ExtractionSession, ExtractSettings
from clerk.extract.en16931 import En16931Settings, RuleBreach
from clerk.models.invoice import DocumentType, Invoice
from clerk.testing import demo_invoice, ubl_xml
from tests.fixtures.services import service_missing

SAMPLES = Path("/work/shared/samples/ubl")
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"


def _declared(data: bytes) -> dict[str, Decimal]:
    """The document's own LegalMonetaryTotal, read independently of the extractor."""
    root = etree.fromstring(data)
    total = root.find(f"{{{CAC}}}LegalMonetaryTotal")
    figures = {child.tag.split("}")[1]: Decimal(child.text) for child in total}
    figures["TaxAmount"] = Decimal(root.find(f"{{{CAC}}}TaxTotal/{{{CBC}}}TaxAmount").text)
    return figures


def _assert_totals_match(invoice: Invoice, declared: dict[str, Decimal]) -> None:
    totals = invoice.totals
    assert totals.net == declared["TaxExclusiveAmount"]
    assert totals.gross == declared["TaxInclusiveAmount"]
    assert totals.payable == declared["PayableAmount"]
    assert totals.line_net == declared["LineExtensionAmount"]
    assert totals.tax == declared["TaxAmount"]
    assert totals.allowances == declared.get("AllowanceTotalAmount", 0)
    assert totals.charges == declared.get("ChargeTotalAmount", 0)
    assert totals.prepaid == declared.get("PrepaidAmount", 0)


def _sample_files() -> list[Path]:
    return sorted(SAMPLES.glob("*.xml")) if SAMPLES.is_dir() else []


def test_every_sample_matches_its_declared_totals(session):
    if not _sample_files():
        service_missing(f"UBL samples folder {SAMPLES}")
    for path in _sample_files():
        extraction = session.extract(path)
        assert extraction.extractor == "ubl"
        _assert_totals_match(extraction.record, _declared(path.read_bytes()))
        assert extraction.record.lines


def test_sample_credit_note_and_parties(session):
    if not (SAMPLES / "base-creditnote-correction.xml").is_file():
        service_missing("UBL credit note sample")
    record = session.extract(SAMPLES / "base-creditnote-correction.xml").record
    assert record.type == DocumentType.CREDIT_NOTE
    assert record.seller.tax_id == "GB1232434"
    assert record.currency == "EUR"


@pytest.mark.parametrize("supplier", ["ACME", "NORD", "BRIO", "GHOST"])
def test_generated_invoices_round_trip(session, supplier):
    invoice = demo_invoice(supplier, f"{supplier}-7", [("PAPER-A4", 7, "4.20"), ("FREIGHT", 1, "145.00")],
                           order_reference="PO-1001", issue_date=date(2026, 11, 2))
    extraction = session.extract(ubl_xml(invoice))
    assert extraction.record == invoice
    assert min(extraction.confidence.values()) > 0


def test_generated_credit_note_with_two_rates_allowances_and_charges(session, mixed_invoice):
    invoice = mixed_invoice
    for variant in (invoice, invoice.model_copy(update={"type": DocumentType.CREDIT_NOTE})):
        data = ubl_xml(variant)
        extraction = session.extract(data)
        assert extraction.record == variant
        _assert_totals_match(extraction.record, _declared(data))
        assert extraction.confidence["totals.net"] == 1.0


def test_inconsistent_totals_lower_confidence_not_the_record(session):
    invoice = demo_invoice("ACME", "BAD-1", [("PAPER-A4", 1, "4.20")])
    wrong = invoice.model_copy(update={"totals": invoice.totals.model_copy(update={"payable": Decimal("999")})})
    extraction = session.extract(ubl_xml(wrong))
    assert extraction.record.totals.payable == Decimal("999")
    assert extraction.confidence["totals.payable"] < 1.0


@pytest.mark.parametrize(("data", "reason"), [
    (b"<Invoice><unclosed></Invoice>", "malformed_xml"),
    (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>', "malformed_xml"),
    (b"<html><body>hello</body></html>", "unsupported_document"),
])
def test_bad_xml_is_refused_with_a_reason(session, data, reason):
    with pytest.raises(ExtractionError) as caught:
        session.extract(data)
    assert caught.value.reason == reason
    assert "root:" not in caught.value.message  # no file content leaks into the message


def test_missing_issue_date_is_reported_by_its_rule_for_review(session):
    data = ubl_xml(demo_invoice("ACME", "X-1", [("PAPER-A4", 1, "4.20")]))
    broken = data.replace(b"<cbc:IssueDate>", b"<cbc:Nothing>").replace(b"</cbc:IssueDate>", b"</cbc:Nothing>")
    with pytest.raises(RuleBreach) as caught:
        session.extract(broken)
    assert caught.value.code == "en16931"
    assert [(f["code"], f["field"]) for f in caught.value.findings] == [("BR-03", "/ubl:Invoice/cbc:IssueDate")]


def test_missing_required_field_is_an_extraction_error_with_the_rules_off():
    data = ubl_xml(demo_invoice("ACME", "X-1", [("PAPER-A4", 1, "4.20")]))
    broken = data.replace(b"<cbc:IssueDate>", b"<cbc:Nothing>").replace(b"</cbc:IssueDate>", b"</cbc:Nothing>")
    with ExtractionSession(ExtractSettings(en16931=En16931Settings(enabled=False))) as session:
        with pytest.raises(ExtractionError) as caught:
            session.extract(broken)
    assert caught.value.reason == "missing_field"
