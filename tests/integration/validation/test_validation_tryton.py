"""The look-up rules against a real Tryton (the demo world, via JSON-RPC)."""

from __future__ import annotations

import uuid
from collections import Counter

import pytest

from clerk.models.finding import Outcome
from clerk.validation import ValidationContext, ValidationEngine, ValidationSettings, builtin_rules
from clerk.validation.rules.duplicates import duplicate_invoice
from clerk.validation.rules.purchase_order import purchase_order, three_way_match
from clerk.validation.rules.supplier import bank_account, supplier_known
from tests.unit.validation.invoices import (
    ACME_IBAN,
    ACME_NAME,
    ACME_TAX_ID,
    invoice_for,
    line,
    po_1001_invoice,
    revised,
)

pytestmark = pytest.mark.integration

NORD = {"name": "Nordwind Logistik GmbH", "tax_id": "DE136695976",
        "iban": "DE02120300000000202051"}
GHOST = {"name": "Ghost Trading Ltd", "tax_id": "GB980780684", "iban": "GB33BUKB20201555555555"}


@pytest.fixture
def run(tryton_connector):
    def make(settings: ValidationSettings | None = None) -> ValidationContext:
        return ValidationContext.for_run(settings or ValidationSettings(), tryton_connector,
                                         lambda tax_id, number: []).for_item(1)
    return make


def codes(findings) -> list[tuple[str, str | None]]:
    return [(f.code, f.field) for f in findings]


def paper(quantity: str, price: str = "4.20"):
    return line("1", "PAPER-A4", "Copy paper A4, 500 sheets", quantity, price)


def unique_number() -> str:
    return f"IT-{uuid.uuid4().hex[:10]}"


def test_known_supplier_and_its_iban(run):
    context = run()
    invoice = po_1001_invoice(number=unique_number())
    assert supplier_known(invoice, context) == []
    assert bank_account(invoice, context) == []
    spaced = revised(invoice, seller={"name": ACME_NAME, "tax_id": ACME_TAX_ID,
                                      "iban": "DE89 3704 0044 0532 0130 00"})
    assert bank_account(spaced, context) == []


def test_supplier_found_by_name_when_tax_id_is_missing(run):
    invoice = revised(po_1001_invoice(), seller={**NORD, "tax_id": None})
    assert supplier_known(invoice, run()) == []


def test_unknown_supplier(run):
    invoice = revised(po_1001_invoice(), seller=GHOST)
    assert codes(supplier_known(invoice, run())) == [("unknown_supplier", "seller.tax_id")]


def test_changed_iban(run):
    invoice = revised(po_1001_invoice(), seller={"name": ACME_NAME, "tax_id": ACME_TAX_ID,
                                                 "iban": GHOST["iban"]})
    [finding] = bank_account(invoice, run())
    assert finding.code == "bank_account_changed" and finding.expected == ACME_IBAN


def test_open_unknown_and_foreign_purchase_orders(run):
    context = run()
    assert purchase_order(po_1001_invoice(), context) == []
    assert codes(purchase_order(po_1001_invoice(order="PO-9999"), context)) == [
        ("po_not_found", "order_reference")]
    assert codes(purchase_order(po_1001_invoice(order="PO-1002"), context)) == [
        ("po_supplier_mismatch", "order_reference")]
    assert codes(purchase_order(po_1001_invoice(currency="USD"), context)) == [
        ("currency_mismatch", "currency")]


def test_three_way_match_against_po_1001(run):
    context = run()
    assert three_way_match(po_1001_invoice(), context) == []
    over_price = invoice_for([paper("100", "4.50")])
    assert codes(three_way_match(over_price, context)) == [
        ("price_mismatch", "lines[0].unit_price")]
    lenient = run(ValidationSettings(price={"percent": "10"}))
    assert three_way_match(over_price, lenient) == []


def test_three_way_match_against_po_1004_received_20_of_50(run):
    context = run()
    assert three_way_match(invoice_for([paper("20")], order="PO-1004"), context) == []
    [finding] = three_way_match(invoice_for([paper("30")], order="PO-1004"), context)
    assert (finding.code, finding.expected, finding.actual) == (
        "quantity_exceeds_received", "20", "30")
    tolerant = run(ValidationSettings(quantity={"absolute": "10"}))
    assert three_way_match(invoice_for([paper("30")], order="PO-1004"), tolerant) == []


def test_duplicate_of_an_invoice_already_in_tryton(run, tryton_connector):
    invoice = invoice_for([line("1", None, "Pallet freight", "1", "145.00")],
                          number=unique_number(), order=None, seller=NORD)
    assert duplicate_invoice(invoice, run()) == []
    tryton_connector.create(invoice, f"validation-it-{uuid.uuid4().hex}")
    [finding] = duplicate_invoice(invoice, run())        # a new run: a fresh cache
    assert finding.code == "duplicate_invoice" and "already in the ERP" in finding.message


class CountingConnector:
    """Passes every call to the real connector and counts it."""

    def __init__(self, connector):
        self.connector, self.calls = connector, Counter()

    def __getattr__(self, name):
        target = getattr(self.connector, name)
        if not callable(target):
            return target

        def counted(*args, **kwargs):
            self.calls[name] += 1
            return target(*args, **kwargs)
        return counted


def test_whole_engine_clean_and_lookups_cached_per_run(tryton_connector):
    counting = CountingConnector(tryton_connector)
    run = ValidationContext.for_run(ValidationSettings(), counting, lambda t, n: [])
    engine = ValidationEngine(builtin_rules())
    for item_id in range(20):
        invoice = po_1001_invoice(number=unique_number())
        assert engine.validate(invoice, run.for_item(item_id)).outcome is Outcome.CLEAN
    assert counting.calls == Counter(find_supplier=1, get_purchase_order=1, open_invoices=1)
