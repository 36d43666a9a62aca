"""Turn clerk's Invoice into the values of a Tryton supplier invoice (``type = 'in'``).

Tryton's ``create`` applies defaults but none of the client's on_change logic,
so party, address, payable account, journal and each line's account and unit
are read from the ERP first.

Credit notes: Tryton has no separate credit-note type since 4.x; a supplier
credit note is an ``in`` invoice whose quantities are negative (the total is
negative and Tryton numbers it with its credit-note sequence). So a clerk
CREDIT_NOTE with positive quantities gets its quantities negated.
"""

from __future__ import annotations

from decimal import Decimal

from clerk.erp.base import PurchaseOrder, PurchaseOrderLine
from clerk.erp.tryton._lookups import KEY_PREFIX, TrytonLookups
from clerk.errors import ErpValidationError
from clerk.models.invoice import DocumentType, Invoice, InvoiceLine


# UN/ECE recommendation 20 unit codes -> Tryton's default unit symbols.
_UNECE_UNITS = {"C62": "u", "H87": "u", "EA": "u", "XPP": "u", "KGM": "kg", "GRM": "g",
                "MTR": "m", "LTR": "l", "HUR": "h", "DAY": "d", "MON": "u"}
_ZERO_RATED = {"E", "Z", "AE", "K", "G", "O"}


def key_description(idempotency_key: str) -> str:
    """The idempotency key lives in the invoice's ``description`` (see connector)."""
    return KEY_PREFIX + idempotency_key


def invoice_values(invoice: Invoice, idempotency_key: str, party_id: int,
                   lookups: TrytonLookups, order: PurchaseOrder | None) -> dict:
    """The ``account.invoice`` create values, lines included."""
    if not invoice.lines:
        raise ErpValidationError("the invoice has no lines", field="lines")
    matches = match_order_lines(invoice.lines, order)
    purchase_lines = lookups.purchase_line_products(
        [line.id for line in matches.values()]) if matches else {}
    sign = Decimal(-1) if invoice.type == DocumentType.CREDIT_NOTE else Decimal(1)
    lines = []
    for index, line in enumerate(invoice.lines):
        values = _line_values(line, sign, matches.get(index), purchase_lines, lookups)
        lines.append(values)
        if line.adjustments:
            lines.append(_adjustment_values(line, sign, values))
    values = {
        "company": lookups.company_id(),
        "type": "in",
        "party": party_id,
        "invoice_address": lookups.invoice_address(party_id),
        "account": lookups.payable_account(party_id),
        "journal": lookups.expense_journal(),
        "currency": lookups.currency(invoice.currency),
        "invoice_date": invoice.issue_date,
        "reference": invoice.number,
        "description": key_description(idempotency_key),
        "lines": [("create", lines)],
    }
    if invoice.due_date:
        values["payment_term_date"] = invoice.due_date
    if invoice.note:
        values["comment"] = invoice.note
    return values


def match_order_lines(lines: tuple[InvoiceLine, ...],
                      order: PurchaseOrder | None) -> dict[int, PurchaseOrderLine]:
    """Invoice line index -> purchase order line: by product code first, then by
    description; each order line is used once."""
    if order is None:
        return {}
    free = list(order.lines)
    matches: dict[int, PurchaseOrderLine] = {}
    for by_code in (True, False):
        for index, line in enumerate(lines):
            if index in matches:
                continue
            found = next((candidate for candidate in free
                          if _same_item(line, candidate, by_code)), None)
            if found is not None:
                matches[index] = found
                free.remove(found)
    return matches


def _same_item(line: InvoiceLine, candidate: PurchaseOrderLine, by_code: bool) -> bool:
    if by_code:
        return bool(line.product_code and candidate.product_code
                    and line.product_code.strip().upper() == candidate.product_code.upper())
    return line.description.strip().casefold() == candidate.description.strip().casefold()


def _line_values(line: InvoiceLine, sign: Decimal, order_line: PurchaseOrderLine | None,
                 purchase_lines: dict[int, dict], lookups: TrytonLookups) -> dict:
    quantity = line.quantity if line.quantity < 0 else line.quantity * sign
    values: dict = {
        "type": "line",
        "description": line.description,
        "quantity": float(quantity),  # Tryton's quantity is a Float field
        "unit_price": line.unit_price,
        "taxes": [("add", _taxes(line, lookups))],
    }
    product = lookups.product(line.product_code) if line.product_code else None
    if order_line is not None:
        purchase_line = purchase_lines[order_line.id]
        values["origin"] = f"purchase.line,{order_line.id}"
        values["unit"] = purchase_line["unit"]
        if purchase_line.get("product") and product is None:
            product = {"id": purchase_line["product"], "default_uom": purchase_line["unit"],
                       "account_category.": None}
    if product is not None:
        values["product"] = product["id"]
        values.setdefault("unit", product["default_uom"])
        category = product.get("account_category.") or {}
        values["account"] = category.get("account_expense") or lookups.default_expense_account()
    else:
        values["account"] = lookups.default_expense_account()
        values.setdefault("unit", lookups.unit(_UNECE_UNITS.get(line.unit or "", "u")))
    return values


def _adjustment_values(line: InvoiceLine, sign: Decimal, booked: dict) -> dict:
    """A line's own allowances and charges (BG-27, BG-28) as one more ERP line
    beside it: the ERP books quantity x unit price, so without it the line net
    (BT-131) would be booked too high or too low. Same taxes and account; no
    product or order origin, so purchase-order quantities are not counted twice."""
    reasons = [a.reason or "allowance" for a in line.allowances] + \
        [c.reason or "charge" for c in line.charges]
    return {"type": "line", "description": f"{line.description}: {', '.join(reasons)}",
            "quantity": float(sign), "unit_price": line.adjustments,
            "taxes": booked["taxes"], "account": booked["account"], "unit": booked["unit"]}


def _taxes(line: InvoiceLine, lookups: TrytonLookups) -> list[int]:
    if line.tax_rate is not None:
        return [lookups.tax(line.tax_rate)]
    if line.tax_category in _ZERO_RATED:
        return [lookups.tax(Decimal(0))]
    return []
