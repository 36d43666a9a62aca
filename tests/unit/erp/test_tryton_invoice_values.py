"""Matching invoice lines to purchase order lines (pure; no ERP needed)."""

from __future__ import annotations

from decimal import Decimal

from clerk.erp.base import PurchaseOrder, PurchaseOrderLine
from clerk.erp.tryton._invoice_values import key_description, match_order_lines
from clerk.erp.tryton._lookups import compact
from clerk.models.invoice import InvoiceLine


def po_line(line_id: int, code: str | None, description: str) -> PurchaseOrderLine:
    return PurchaseOrderLine(id=line_id, product_code=code, description=description,
                             quantity=Decimal(1), received_quantity=Decimal(1),
                             invoiced_quantity=Decimal(0), unit="u", unit_price=Decimal(1))


def inv_line(code: str | None, description: str) -> InvoiceLine:
    return InvoiceLine(id="1", description=description, quantity=Decimal(1),
                       unit_price=Decimal(1), net_amount=Decimal(1), product_code=code)


ORDER = PurchaseOrder(id=1, number="PO-1", supplier_id=2, currency="EUR", state="processing",
                      is_open=True, order_date=None, lines=(
                          po_line(10, "PAPER-A4", "Copy paper A4, 500 sheets"),
                          po_line(11, "TONER-K", "Toner cartridge black"),
                          po_line(12, None, "Delivery")))


def test_code_first_then_description_each_order_line_once():
    lines = (inv_line(None, "toner cartridge BLACK "), inv_line("paper-a4", "Paper"),
             inv_line(None, "Delivery"), inv_line(None, "Delivery"))
    matches = match_order_lines(lines, ORDER)
    assert {i: m.id for i, m in matches.items()} == {0: 11, 1: 10, 2: 12}


def test_no_order_no_match():
    assert match_order_lines((inv_line("PAPER-A4", "x"),), None) == {}


def test_codes_are_compared_compact():
    assert compact(" de 129.274-202 ") == "DE129274202"
    assert compact("DE89 3704 0044 0532 0130 00") == "DE89370400440532013000"


def test_key_lives_in_description_with_prefix():
    assert key_description("imap:ap:1:42:abc") == "clerk:imap:ap:1:42:abc"
