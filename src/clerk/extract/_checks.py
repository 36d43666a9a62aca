"""Arithmetic cross-checks that turn into per-field confidence.

An extractor reports what the document declares; these checks only say how
far the declared figures agree with each other (a reviewer rule decides).
"""

from __future__ import annotations

from decimal import Decimal

from clerk.models.invoice import Invoice

CENT = Decimal("0.01")
ZERO = Decimal("0")


def _close(left: Decimal | None, right: Decimal | None, tolerance: Decimal = CENT) -> bool:
    return left is not None and right is not None and abs(left - right) <= tolerance


def invoice_confidence(invoice: Invoice, base: float) -> dict[str, float]:
    """Confidence per field: ``base`` where the figures agree, half of it where not."""
    totals = invoice.totals
    line_sum = sum((line.net_amount for line in invoice.lines), Decimal("0"))
    tax_sum = sum((sub.tax_amount for sub in invoice.tax_breakdown), Decimal("0"))
    low = round(base / 2, 3)
    checks = {
        "totals.line_net": not invoice.lines or _close(line_sum, totals.line_net if totals.line_net is not None
                                                       else line_sum),
        "totals.net": totals.line_net is None
        or _close(totals.line_net - totals.allowances + totals.charges, totals.net),
        # A tax total the invoice does not state is not read (confidence 0 below), not 0
        "totals.tax": totals.tax is not None and (not invoice.tax_breakdown or _close(tax_sum, totals.tax)),
        "totals.gross": _close(totals.net + (totals.tax if totals.tax is not None else ZERO), totals.gross),
        "totals.payable": _close(totals.gross - totals.prepaid + totals.rounding, totals.payable),
    }
    confidence = {
        "number": base, "issue_date": base, "currency": base, "seller.name": base,
        "seller.tax_id": base if invoice.seller.tax_id else 0.0,
        "seller.iban": base if invoice.seller.iban else 0.0,
        "order_reference": base if invoice.order_reference else 0.0,
        "lines": base if invoice.lines else 0.0,
    }
    confidence.update({name: base if ok else low for name, ok in checks.items()})
    if totals.tax is None:
        confidence["totals.tax"] = 0.0
    for index, line in enumerate(invoice.lines):
        # BT-131 = quantity x net price - line allowances (BG-27) + line charges (BG-28)
        ok = _close(line.quantity * line.unit_price + line.adjustments, line.net_amount, Decimal("0.05"))
        confidence[f"lines.{index}.net_amount"] = base if ok else low
    return confidence
