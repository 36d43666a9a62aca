"""Arithmetic: the invoice adds up, within the rounding tolerance.

Checks, after EN 16931 (BR-CO-10 .. BR-CO-16):
line net = quantity x unit price; sum of line nets = line total;
line total - allowances + charges = net; per tax subtotal,
taxable x rate = tax and the lines of that category add up to its taxable
amount; sum of subtotal taxes = tax total; net + tax = gross;
gross - prepaid + rounding = payable.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from clerk.models.finding import Finding, error, warning
from clerk.models.invoice import Invoice
from clerk.validation.context import ValidationContext
from clerk.validation.registry import rule

LINE_TOTAL_MISMATCH = "line_total_mismatch"
TOTAL_MISMATCH = "total_mismatch"
TAX_MISMATCH = "tax_mismatch"
TAX_NOT_STATED = "tax_not_stated"


CENT = Decimal("0.01")


def _to_cent(amount: Decimal) -> Decimal:
    # EN 16931 amounts carry at most two decimals (BR-DEC-*): a product like
    # 79.8095 is due as 79.81, so a zero tolerance still accepts correct rounding.
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def _off(expected: Decimal, actual: Decimal, tolerance: Decimal) -> bool:
    return abs(actual - expected) > tolerance


def _mismatch(code: str, field: str, what: str, expected: Decimal, actual: Decimal) -> Finding:
    return error(code, f"{what}: expected {expected}, the invoice says {actual} "
                       f"(difference {actual - expected})",
                 field, expected=expected, actual=actual)


def _line_findings(invoice: Invoice, tolerance: Decimal) -> list[Finding]:
    findings = []
    for index, line in enumerate(invoice.lines):
        # BT-131 = quantity x net price - line allowances (BG-27) + line charges (BG-28)
        expected = _to_cent(line.quantity * line.unit_price + line.adjustments)
        if _off(expected, line.net_amount, tolerance):
            adjusted = f" {line.adjustments:+}" if line.adjustments else ""
            findings.append(_mismatch(
                LINE_TOTAL_MISMATCH, f"lines[{index}].net_amount",
                f"line {line.id} net amount ({line.quantity} x {line.unit_price}{adjusted})",
                expected, line.net_amount))
    return findings


def _net_findings(invoice: Invoice, tolerance: Decimal) -> list[Finding]:
    totals = invoice.totals
    findings = []
    line_net = totals.line_net
    if invoice.lines:
        line_sum = sum((line.net_amount for line in invoice.lines), Decimal(0))
        if line_net is not None and _off(line_sum, line_net, tolerance):
            findings.append(_mismatch(TOTAL_MISMATCH, "totals.line_net",
                                      "sum of line net amounts", line_sum, line_net))
        line_net = line_sum
    if line_net is not None:
        expected = line_net - totals.allowances + totals.charges
        if _off(expected, totals.net, tolerance):
            findings.append(_mismatch(TOTAL_MISMATCH, "totals.net",
                                      "net total (lines - allowances + charges)",
                                      expected, totals.net))
    return findings


def _tax_findings(invoice: Invoice, tolerance: Decimal) -> list[Finding]:
    findings = []
    for index, subtotal in enumerate(invoice.tax_breakdown):
        if subtotal.rate is not None:
            expected = _to_cent(subtotal.taxable_amount * subtotal.rate / Decimal(100))
            if _off(expected, subtotal.tax_amount, tolerance):
                findings.append(_mismatch(
                    TAX_MISMATCH, f"tax_breakdown[{index}].tax_amount",
                    f"tax at {subtotal.rate}% on {subtotal.taxable_amount}",
                    expected, subtotal.tax_amount))
        lines = [line for line in invoice.lines
                 if line.tax_category == subtotal.category and line.tax_rate == subtotal.rate]
        # Only when every line states its tax category can lines be summed per
        # category; document-level allowances/charges also shift the taxable
        # amount, so the comparison is skipped when there are any.
        if (lines and all(line.tax_category for line in invoice.lines)
                and not invoice.totals.allowances and not invoice.totals.charges):
            expected = sum((line.net_amount for line in lines), Decimal(0))
            if _off(expected, subtotal.taxable_amount, tolerance):
                findings.append(_mismatch(
                    TAX_MISMATCH, f"tax_breakdown[{index}].taxable_amount",
                    f"taxable amount of category {subtotal.category} {subtotal.rate}%",
                    expected, subtotal.taxable_amount))
    if invoice.tax_breakdown and invoice.totals.tax is not None:
        expected = sum((s.tax_amount for s in invoice.tax_breakdown), Decimal(0))
        if _off(expected, invoice.totals.tax, tolerance):
            findings.append(_mismatch(TAX_MISMATCH, "totals.tax",
                                      "tax total (sum of the tax breakdown)",
                                      expected, invoice.totals.tax))
    return findings


def _gross_findings(invoice: Invoice, tolerance: Decimal) -> list[Finding]:
    totals = invoice.totals
    findings = []
    if totals.tax is None:
        # Not stated is not 0: gross is not checked against a tax the invoice never gave
        findings.append(warning(TAX_NOT_STATED, "the invoice states no tax total (BT-110); the total with "
                                "tax is not checked against net + tax", "totals.tax"))
    expected_gross = totals.net + totals.tax if totals.tax is not None else None
    if expected_gross is not None and _off(expected_gross, totals.gross, tolerance):
        findings.append(_mismatch(TOTAL_MISMATCH, "totals.gross", "gross total (net + tax)",
                                  expected_gross, totals.gross))
    expected_payable = totals.gross - totals.prepaid + totals.rounding
    if _off(expected_payable, totals.payable, tolerance):
        findings.append(_mismatch(TOTAL_MISMATCH, "totals.payable",
                                  "amount payable (gross - prepaid + rounding)",
                                  expected_payable, totals.payable))
    return findings


@rule("arithmetic", applies_to=Invoice)
def arithmetic(invoice: Invoice, context: ValidationContext) -> list[Finding]:
    """Line totals, sums, tax, gross and payable add up within the rounding tolerance."""
    tolerance = context.settings_for(invoice).rounding
    return (_line_findings(invoice, tolerance) + _net_findings(invoice, tolerance)
            + _tax_findings(invoice, tolerance) + _gross_findings(invoice, tolerance))
