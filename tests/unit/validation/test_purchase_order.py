from __future__ import annotations

from decimal import Decimal

import pytest

from clerk.models.invoice import DocumentType
from clerk.validation import ValidationSettings
from clerk.validation.rules.purchase_order import purchase_order, three_way_match

from .invoices import invoice_for, line, po_1001_invoice, revised


def _codes(findings) -> list[tuple[str, str | None]]:
    return [(f.code, f.field) for f in findings]


def paper(quantity: str, price: str = "4.20", **kw):
    return line("1", "PAPER-A4", "Copy paper A4, 500 sheets", quantity, price, **kw)


def test_open_order_of_the_seller_passes(context):
    assert purchase_order(po_1001_invoice(), context) == []


def test_unknown_order(context):
    assert _codes(purchase_order(po_1001_invoice(order="PO-9999"), context)) == [
        ("po_not_found", "order_reference")]


def test_closed_order(erp, context):
    erp.replace_order("PO-1001", is_open=False, state="done")
    [finding] = purchase_order(po_1001_invoice(), context)
    assert finding.code == "po_closed" and "done" in finding.message


def test_order_of_another_supplier(context):
    assert _codes(purchase_order(po_1001_invoice(order="PO-1002"), context)) == [
        ("po_supplier_mismatch", "order_reference")]


def test_currency_must_equal_the_orders(context):
    assert _codes(purchase_order(po_1001_invoice(currency="USD"), context)) == [
        ("currency_mismatch", "currency")]


def test_no_order_reference_is_left_to_required_fields(context):
    assert purchase_order(po_1001_invoice(order=None), context) == []
    assert three_way_match(po_1001_invoice(order=None), context) == []


def test_full_match(context):
    assert three_way_match(po_1001_invoice(), context) == []


def test_line_matching_no_order_line(context):
    invoice = invoice_for([paper("10"), line("2", "STAPLER", "Stapler", "1", "9.00")])
    assert _codes(three_way_match(invoice, context)) == [("po_line_unmatched", "lines[1]")]


def test_lines_match_by_description_when_no_product_code(context):
    invoice = invoice_for([line("1", None, "copy paper a4,  500 sheets", "10", "4.20")])
    assert three_way_match(invoice, context) == []


def test_quantity_beyond_received(context):
    # PO-1004: 50 ordered, only 20 received
    [finding] = three_way_match(invoice_for([paper("30")], order="PO-1004"), context)
    assert (finding.code, finding.field) == ("quantity_exceeds_received", "lines[0].quantity")
    assert (finding.expected, finding.actual) == ("20", "30")


def test_lines_for_one_order_line_are_added_up(context):
    invoice = invoice_for([paper("15"), paper("10")], order="PO-1004")
    assert _codes(three_way_match(invoice, context)) == [
        ("quantity_exceeds_received", "lines[0].quantity")]


def test_already_invoiced_quantity_is_not_available(erp, context):
    order = erp.orders["PO-1004"]
    erp.replace_order("PO-1004", lines=(order.lines[0].model_copy(
        update={"invoiced_quantity": Decimal("15")}),))
    assert _codes(three_way_match(invoice_for([paper("10")], order="PO-1004"), context)) == [
        ("quantity_exceeds_received", "lines[0].quantity")]
    assert three_way_match(invoice_for([paper("5")], order="PO-1004"), context) == []


@pytest.mark.parametrize("tolerance, quantity, flagged", [
    ({"percent": "10"}, "21", False),     # inside: 1 over 20, 10% allows 2
    ({"percent": "10"}, "22", False),     # at: exactly 10%
    ({"percent": "10"}, "22.5", True),    # outside
    ({"absolute": "3"}, "23", False),     # at: exactly 3 over
    ({"absolute": "3"}, "23.01", True),   # outside
])
def test_quantity_tolerance(make_context, tolerance, quantity, flagged):
    context = make_context(ValidationSettings(quantity=tolerance))
    findings = three_way_match(invoice_for([paper(quantity)], order="PO-1004"), context)
    assert bool(findings) is flagged


@pytest.mark.parametrize("tolerance, price, flagged", [
    ({}, "4.20", False),
    ({}, "4.21", True),
    ({"percent": "5"}, "4.40", False),    # inside: 4.8%
    ({"percent": "5"}, "4.41", False),    # at: exactly 5% of 4.20
    ({"percent": "5"}, "4.42", True),     # outside
    ({"percent": "5"}, "3.99", False),    # at, below the order price
    ({"percent": "5"}, "3.98", True),
    ({"absolute": "0.10"}, "4.30", False),  # at
    ({"absolute": "0.10"}, "4.31", True),   # outside
])
def test_price_tolerance(make_context, tolerance, price, flagged):
    context = make_context(ValidationSettings(price=tolerance))
    findings = three_way_match(invoice_for([paper("10", price)]), context)
    assert _codes(findings) == ([("price_mismatch", "lines[0].unit_price")] if flagged else [])


def test_tolerance_overridden_for_one_supplier(make_context):
    settings = ValidationSettings(price={"percent": "0"},
                                  suppliers={"DE129274202": {"price": {"percent": "5"}}})
    invoice = invoice_for([paper("10", "4.41")])
    assert three_way_match(invoice, make_context(settings)) == []
    assert three_way_match(invoice, make_context(ValidationSettings())) != []


def test_closed_or_unknown_order_is_not_matched_line_by_line(erp, context):
    assert three_way_match(po_1001_invoice(order="PO-9999"), context) == []
    erp.replace_order("PO-1001", is_open=False)
    assert three_way_match(invoice_for([paper("500")]), context) == []


def test_credit_note_is_not_matched(context):
    credit = revised(invoice_for([paper("500")]), type=DocumentType.CREDIT_NOTE)
    assert three_way_match(credit, context) == []


def test_order_line_reference_wins_over_product_code(erp, context):
    toner_line_id = erp.orders["PO-1001"].lines[1].id
    mislabelled = line("1", "PAPER-A4", "Toner", "4", "89.00")
    invoice = invoice_for([mislabelled.model_copy(update={"order_line_ref": str(toner_line_id)})])
    assert three_way_match(invoice, context) == []
