"""The purchase order: it exists, is open, belongs to the seller, and the
invoice lines match what was ordered and received (three-way match)."""

from __future__ import annotations

from decimal import Decimal

from clerk.erp.base import PurchaseOrder, PurchaseOrderLine
from clerk.models.finding import Finding, error
from clerk.models.invoice import DocumentType, Invoice, InvoiceLine
from clerk.validation.context import ValidationContext
from clerk.validation.registry import rule

PO_NOT_FOUND = "po_not_found"
PO_CLOSED = "po_closed"
PO_SUPPLIER_MISMATCH = "po_supplier_mismatch"
CURRENCY_MISMATCH = "currency_mismatch"
PO_LINE_UNMATCHED = "po_line_unmatched"
PRICE_MISMATCH = "price_mismatch"
QUANTITY_EXCEEDS_RECEIVED = "quantity_exceeds_received"


def _order_of(invoice: Invoice, context: ValidationContext) -> PurchaseOrder | None:
    reference = (invoice.order_reference or "").strip()
    if not reference or context.erp is None:
        return None
    return context.erp.purchase_order(reference)


@rule("purchase_order", applies_to=Invoice)
def purchase_order(invoice: Invoice, context: ValidationContext) -> list[Finding]:
    """The referenced purchase order exists, is open, is the seller's, in the same currency."""
    order = _order_of(invoice, context)
    if order is None:
        if context.erp is None or not (invoice.order_reference or "").strip():
            return []                 # no ERP, or no PO required (see required_fields)
        return [error(PO_NOT_FOUND, f"purchase order {invoice.order_reference} does not "
                      "exist in the ERP", "order_reference", actual=invoice.order_reference)]
    findings = []
    if not order.is_open:
        findings.append(error(PO_CLOSED, f"purchase order {order.number} is {order.state}; "
                              "it can no longer be invoiced", "order_reference",
                              expected="open", actual=order.state))
    match = context.supplier_of(invoice)
    if match is not None and match.supplier.id != order.supplier_id:
        findings.append(error(PO_SUPPLIER_MISMATCH,
                              f"purchase order {order.number} was placed with another "
                              f"supplier, not {match.supplier.name}", "order_reference",
                              actual=order.number))
    if invoice.currency != order.currency.upper():
        findings.append(error(CURRENCY_MISMATCH,
                              f"invoice in {invoice.currency}, purchase order {order.number} "
                              f"in {order.currency}", "currency",
                              expected=order.currency, actual=invoice.currency))
    return findings


def _same_text(a: str | None, b: str | None) -> bool:
    return bool(a and b) and " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _order_line_for(line: InvoiceLine, order: PurchaseOrder) -> PurchaseOrderLine | None:
    """By explicit order line reference, then product code, then description."""
    reference = (line.order_line_ref or "").strip()
    for matches in (
        lambda po_line: bool(reference) and reference == str(po_line.id),
        lambda po_line: _same_text(line.product_code, po_line.product_code),
        lambda po_line: _same_text(line.description, po_line.description),
    ):
        candidates = [po_line for po_line in order.lines if matches(po_line)]
        if candidates:
            return candidates[0]
    return None


def _quantity(value: Decimal) -> str:
    # ERPs store quantities as floats ("20.0"); people read "20".
    return format(Decimal(value).normalize(), "f")


def _quantity_finding(order: PurchaseOrder, po_line: PurchaseOrderLine,
                      indexed: list[tuple[int, InvoiceLine]], context: ValidationContext,
                      invoice: Invoice) -> Finding | None:
    tolerance = context.settings_for(invoice).quantity
    invoiced_now = sum((line.quantity for _, line in indexed), Decimal(0))
    available = po_line.received_quantity - po_line.invoiced_quantity
    if invoiced_now - available <= tolerance.allowance(available):
        return None
    first = indexed[0][0]
    return error(QUANTITY_EXCEEDS_RECEIVED,
                 f"{_quantity(invoiced_now)} invoiced for {po_line.description} on "
                 f"{order.number}, but only {_quantity(available)} can be invoiced (received "
                 f"{_quantity(po_line.received_quantity)}, already invoiced "
                 f"{_quantity(po_line.invoiced_quantity)})",
                 f"lines[{first}].quantity", expected=_quantity(available),
                 actual=_quantity(invoiced_now))


@rule("three_way_match", applies_to=Invoice)
def three_way_match(invoice: Invoice, context: ValidationContext) -> list[Finding]:
    """Each line matches an order line; quantity within received, price within tolerance.

    Credit notes are not matched: they reverse quantities rather than claim them.
    """
    order = _order_of(invoice, context)
    if order is None or not order.is_open or invoice.type is not DocumentType.INVOICE:
        return []
    price_tolerance = context.settings_for(invoice).price
    findings: list[Finding] = []
    by_order_line: dict[int, list[tuple[int, InvoiceLine]]] = {}
    for index, line in enumerate(invoice.lines):
        po_line = _order_line_for(line, order)
        if po_line is None:
            findings.append(error(PO_LINE_UNMATCHED,
                                  f"line {line.id} ({line.description}) matches no line of "
                                  f"purchase order {order.number}", f"lines[{index}]",
                                  actual=line.product_code or line.description))
            continue
        by_order_line.setdefault(po_line.id, []).append((index, line))
        if not price_tolerance.allows(po_line.unit_price, line.unit_price):
            findings.append(error(PRICE_MISMATCH,
                                  f"unit price {line.unit_price} for {po_line.description}, "
                                  f"ordered at {po_line.unit_price} on {order.number}",
                                  f"lines[{index}].unit_price",
                                  expected=po_line.unit_price, actual=line.unit_price))
    lines_by_id = {po_line.id: po_line for po_line in order.lines}
    for po_line_id, indexed in by_order_line.items():
        finding = _quantity_finding(order, lines_by_id[po_line_id], indexed, context, invoice)
        if finding is not None:
            findings.append(finding)
    return findings
