"""The demo world's documents: parsed back, totals consistent, fitting the purchase orders."""

from __future__ import annotations

import tomllib
from collections import defaultdict
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pypdfium2
import pytest
from facturx import get_xml_from_pdf
from lxml import etree

from demo.documents import (
    CHANGED_IBAN,
    expected_outcomes,
    mailed_invoices,
    portal_documents,
)

WORLD = tomllib.loads((Path(__file__).resolve().parents[3] / "demo" / "world.toml").read_text(encoding="utf-8"))


def _xml(data: bytes) -> etree._Element:
    return etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))


def _path(local_path: str) -> str:
    return "./" + "/".join(f"*[local-name()='{step}']" for step in local_path.split("/"))


def _one(root: etree._Element, local_path: str) -> str:
    (value,) = root.xpath(_path(local_path) + "/text()")
    return value


def _amounts(root: etree._Element, local_path: str) -> list[Decimal]:
    return [Decimal(value) for value in root.xpath(_path(local_path) + "/text()")]


def _check_ubl(data: bytes, number: str) -> Decimal:
    """Lines add up to the net, net plus tax to the gross; returns the gross."""
    root = _xml(data)
    assert _one(root, "ID") == number
    per_line = _amounts(root, "InvoiceLine/LineExtensionAmount")
    net = Decimal(_one(root, "LegalMonetaryTotal/TaxExclusiveAmount"))
    tax = Decimal(_one(root, "TaxTotal/TaxAmount"))
    gross = Decimal(_one(root, "LegalMonetaryTotal/TaxInclusiveAmount"))
    assert sum(per_line) == Decimal(_one(root, "LegalMonetaryTotal/LineExtensionAmount")) == net
    assert net + tax == gross == Decimal(_one(root, "LegalMonetaryTotal/PayableAmount"))
    return gross


def _check_cii(data: bytes, number: str) -> Decimal:
    root = _xml(data)
    assert _one(root, "ExchangedDocument/ID") == number
    trade = "SupplyChainTradeTransaction"
    per_line = _amounts(root, f"{trade}/IncludedSupplyChainTradeLineItem/SpecifiedLineTradeSettlement/"
                              "SpecifiedTradeSettlementLineMonetarySummation/LineTotalAmount")
    summation = f"{trade}/ApplicableHeaderTradeSettlement/SpecifiedTradeSettlementHeaderMonetarySummation"
    net = Decimal(_one(root, f"{summation}/TaxBasisTotalAmount"))
    tax = Decimal(_one(root, f"{summation}/TaxTotalAmount"))
    gross = Decimal(_one(root, f"{summation}/GrandTotalAmount"))
    assert per_line and sum(per_line) == net and net + tax == gross
    return gross


def _pdf_text(data: bytes) -> str:
    document = pypdfium2.PdfDocument(data)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


def test_every_mailed_invoice_reads_back_with_consistent_totals():
    for mail in mailed_invoices():
        _filename, data, _declared = mail.attachment()
        invoice = mail.invoice
        if mail.format == "malformed":
            with pytest.raises(pypdfium2.PdfiumError):
                pypdfium2.PdfDocument(data)
            continue
        if mail.format == "ubl":
            assert _check_ubl(data, invoice.number) == invoice.totals.gross
        elif mail.format == "cii":
            assert _check_cii(data, invoice.number) == invoice.totals.gross
        else:
            text = _pdf_text(data)
            assert invoice.number in text and (invoice.order_reference or "") in text
            if mail.format == "facturx":
                _name, embedded = get_xml_from_pdf(data, check_xsd=False)
                assert _check_cii(embedded, invoice.number) == invoice.totals.gross
        if mail.reason != "total_mismatch":
            totals = invoice.totals
            assert sum(line.net_amount for line in invoice.lines) == totals.net
            assert totals.net + totals.tax == totals.gross == totals.payable


def test_the_wrong_total_really_is_wrong_and_the_new_iban_really_is_new():
    by_reason = {mail.reason: mail.invoice for mail in mailed_invoices() if mail.reason}
    wrong = by_reason["total_mismatch"]
    assert wrong.totals.net + wrong.totals.tax != wrong.totals.gross
    acme = next(s for s in WORLD["suppliers"] if s["code"] == "ACME")
    assert by_reason["bank_account_changed"].seller.iban == CHANGED_IBAN != acme["iban"]
    ghost = by_reason["unknown_supplier"].seller.tax_id
    assert ghost not in {s["tax_id"] for s in WORLD["suppliers"]}
    assert by_reason["duplicate_invoice"] == mailed_invoices()[0].invoice


def test_portal_documents_read_back_and_are_deterministic():
    first, again = portal_documents(), portal_documents()
    assert [d.id for d in first] == [f"doc-020{i}" for i in range(1, 7)]
    for doc, twin in zip(first, again, strict=True):
        assert _check_ubl(doc.xml, doc.number) == doc.gross
        assert doc.xml == twin.xml
        assert doc.pdf[:5] == b"%PDF-" and doc.number in _pdf_text(doc.pdf)
    assert len(portal_documents(12)) == 12 and len({d.id for d in portal_documents(12)}) == 12


def test_known_suppliers_invoices_fit_their_purchase_orders():
    """Sum per PO line of everything invoiced (posted or in review) = received, at PO prices."""
    po_lines = {(po["number"], line["product"]): line for po in WORLD["purchase_orders"] for line in po["lines"]}
    po_supplier = {po["number"]: po["supplier"] for po in WORLD["purchase_orders"]}
    tax_ids = {s["code"]: s["tax_id"] for s in WORLD["suppliers"]}
    invoiced: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    invoices = [m.invoice for m in mailed_invoices() if m.invoice and m.reason != "duplicate_invoice"]
    invoices += [d.invoice for d in portal_documents()]
    for invoice in invoices:
        if invoice.order_reference is None:
            assert invoice.seller.tax_id not in tax_ids.values()     # only the unknown supplier has no order
            continue
        assert invoice.seller.tax_id == tax_ids[po_supplier[invoice.order_reference]]
        for line in invoice.lines:
            po_line = po_lines[(invoice.order_reference, line.product_code)]
            assert line.unit_price == Decimal(po_line["unit_price"])
            invoiced[(invoice.order_reference, line.product_code)] += line.quantity
    assert invoiced == {key: Decimal(line["received"]) for key, line in po_lines.items()}


def test_expected_outcomes_cover_every_document_once():
    outcomes = expected_outcomes()
    refs = [(o.channel, o.source_ref) for o in outcomes]
    assert len(refs) == len(set(refs)) == len(mailed_invoices()) + len(portal_documents())
    reasons = {o.reason for o in outcomes if o.outcome == "needs_review"}
    assert reasons == {"duplicate_invoice", "total_mismatch", "bank_account_changed", "unknown_supplier"}
    assert [o.outcome for o in outcomes].count("quarantined") == 1
    assert all(o.reason is None for o in outcomes if o.outcome == "posted")


def test_the_facturx_pdf_is_stamped_with_the_demo_day_not_today():
    (facturx,) = [m for m in mailed_invoices() if m.format == "facturx"]
    data = facturx.attachment()[1]
    today = datetime.now(UTC).strftime("%Y%m%d").encode()
    assert today not in data or today == b"20261102"
    assert b"2026-11-02T00:00:00" in data or b"20261102000000" in data
