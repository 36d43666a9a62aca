from __future__ import annotations

from decimal import Decimal

import pytest

from clerk.models.invoice import TaxSubtotal
from clerk.validation import ValidationSettings
from clerk.validation.rules.arithmetic import arithmetic

from .invoices import invoice_for, line, po_1001_invoice, revised, with_totals


def _fields(findings) -> set[tuple[str, str]]:
    return {(f.code, f.field) for f in findings}


def test_consistent_invoice_passes(context):
    assert arithmetic(po_1001_invoice(), context) == []


@pytest.mark.parametrize("net, flagged", [("420.00", False), ("420.01", False),
                                          ("419.99", False), ("420.02", True),
                                          ("400.00", True)])
def test_line_net_at_and_beyond_rounding_tolerance(context, net, flagged):
    invoice = invoice_for([line("1", "PAPER-A4", "Copy paper A4, 500 sheets", "100", "4.20",
                                net=net)])
    findings = arithmetic(invoice, context)
    assert _fields(findings) == ({("line_total_mismatch", "lines[0].net_amount")}
                                 if flagged else set())
    if flagged:
        assert findings[0].expected == "420.00" and findings[0].actual == net


def test_tolerance_is_configurable_and_overridable_per_supplier(make_context):
    invoice = invoice_for([line("1", "PAPER-A4", "Copy paper", "100", "4.20", net="420.05")])
    assert arithmetic(invoice, make_context(ValidationSettings(rounding="0.05"))) == []
    strict_acme = ValidationSettings(rounding="0.05", suppliers={"DE 129274202": {"rounding": "0"}})
    assert _fields(arithmetic(invoice, make_context(strict_acme))) == {
        ("line_total_mismatch", "lines[0].net_amount")}


def test_sum_of_lines_mismatch(context):
    findings = arithmetic(with_totals(po_1001_invoice(), line_net="700.00"), context)
    assert _fields(findings) == {("total_mismatch", "totals.line_net")}


def test_net_with_allowance_and_charge(context):
    invoice = with_totals(po_1001_invoice(), allowances="20.00", charges="5.00")
    # lines 776.00 - 20 + 5 = 761.00, but the invoice still says 776.00
    assert _fields(arithmetic(invoice, context)) == {("total_mismatch", "totals.net")}


@pytest.mark.parametrize("delta, flagged", [("0.01", False), ("0.02", True)])
def test_tax_per_breakdown_at_and_beyond_tolerance(context, delta, flagged):
    invoice = po_1001_invoice()
    subtotal = invoice.tax_breakdown[0]
    tax = subtotal.tax_amount + Decimal(delta)
    changed = revised(invoice, tax_breakdown=[{**subtotal.model_dump(), "tax_amount": tax}],
                      totals={**invoice.totals.model_dump(), "tax": tax,
                              "gross": invoice.totals.net + tax,
                              "payable": invoice.totals.net + tax})
    expected = {("tax_mismatch", "tax_breakdown[0].tax_amount")} if flagged else set()
    assert _fields(arithmetic(changed, context)) == expected


def test_tax_total_must_equal_sum_of_breakdown(context):
    invoice = po_1001_invoice()
    changed = with_totals(invoice, tax=invoice.totals.tax + 10,
                          gross=invoice.totals.gross + 10, payable=invoice.totals.payable + 10)
    assert _fields(arithmetic(changed, context)) == {("tax_mismatch", "totals.tax")}


def test_taxable_amount_must_match_lines_of_its_category(context):
    invoice = po_1001_invoice()
    wrong = TaxSubtotal(category="S", rate=Decimal("19"), taxable_amount=Decimal("700.00"),
                        tax_amount=Decimal("133.00"))
    changed = revised(invoice, tax_breakdown=[wrong.model_dump()],
                      totals={**invoice.totals.model_dump(), "tax": "133.00",
                              "gross": "909.00", "payable": "909.00"})
    assert _fields(arithmetic(changed, context)) == {
        ("tax_mismatch", "tax_breakdown[0].taxable_amount")}


def test_gross_must_be_net_plus_tax(context):
    findings = arithmetic(with_totals(po_1001_invoice(), gross="900.00", payable="900.00"),
                          context)
    assert _fields(findings) == {("total_mismatch", "totals.gross")}


@pytest.mark.parametrize("payable, flagged", [("823.44", False), ("823.45", False),
                                              ("823.47", True)])
def test_payable_after_prepaid_and_rounding(context, payable, flagged):
    # gross 923.44 - prepaid 100 + rounding 0.01 = 823.45
    invoice = with_totals(po_1001_invoice(), prepaid="100", rounding="0.01", payable=payable)
    expected = {("total_mismatch", "totals.payable")} if flagged else set()
    assert _fields(arithmetic(invoice, context)) == expected


def test_invoice_without_lines_checks_the_totals_it_has(context):
    invoice = revised(po_1001_invoice(), lines=[])
    assert arithmetic(invoice, context) == []
    assert _fields(arithmetic(with_totals(invoice, net="1.00"), context)) >= {
        ("total_mismatch", "totals.net")}


def test_line_allowances_and_charges_are_part_of_the_line_net(context):
    """BT-131 = quantity x price - line allowances (BG-27) + line charges (BG-28)."""
    from clerk.models.invoice import LineAllowanceCharge

    adjusted = line("1", "PAPER-A4", "Copy paper", "100", "4.20", net="403.00").model_copy(update={
        "allowances": (LineAllowanceCharge(amount=Decimal("21.00"), reason="5 % off"),),
        "charges": (LineAllowanceCharge(charge=True, amount=Decimal("4.00"), reason="Pallet"),)})
    assert arithmetic(invoice_for([adjusted]), context) == []
    unadjusted = adjusted.model_copy(update={"allowances": (), "charges": ()})
    assert _fields(arithmetic(invoice_for([unadjusted]), context)) == {("line_total_mismatch", "lines[0].net_amount")}


def test_a_tax_total_not_stated_is_not_taken_for_zero(context):
    invoice = po_1001_invoice()
    untaxed = with_totals(invoice, tax=None)
    findings = arithmetic(untaxed, context)
    assert _fields(findings) == {("tax_not_stated", "totals.tax")}
    assert findings[0].severity.value == "warning"
