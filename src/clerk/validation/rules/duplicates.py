"""Duplicate invoice: the same supplier's same number is already in the queue
or in the ERP. Paying an invoice twice is the costliest clerk mistake."""

from __future__ import annotations

from clerk.models.finding import Finding, error
from clerk.models.invoice import Invoice
from clerk.validation.context import ValidationContext
from clerk.validation.registry import rule
from clerk.validation.settings import normalise_tax_id

DUPLICATE_INVOICE = "duplicate_invoice"


def _same_number(a: str | None, b: str | None) -> bool:
    # Suppliers and typists vary case, spacing and separators ("inv 0042",
    # "INV-0042"); only letters and digits count. A false match costs a look
    # by a person, a missed one costs a double payment.
    def key(number: str) -> str:
        return "".join(c for c in number if c.isalnum()).casefold()
    return bool(a and b) and key(a) == key(b) and bool(key(a))


def _in_queue(invoice: Invoice, context: ValidationContext) -> list[Finding]:
    tax_id = normalise_tax_id(invoice.seller.tax_id)
    if context.queue_duplicates is None or tax_id is None or not invoice.number.strip():
        return []
    others = sorted(set(context.queue_duplicates(tax_id, invoice.number)) - {context.item_id})
    if not others:
        return []
    listed = ", ".join(f"#{item_id}" for item_id in others)
    return [error(DUPLICATE_INVOICE,
                  f"invoice {invoice.number} of {invoice.seller.name} is already in the "
                  f"work queue as item {listed}", "number", actual=invoice.number)]


def _in_erp(invoice: Invoice, context: ValidationContext) -> list[Finding]:
    match = context.supplier_of(invoice)
    if match is None or context.erp is None:
        return []
    findings = []
    for existing in context.erp.open_invoices(match.supplier.id):
        if existing.id == context.erp_id or (
                context.idempotency_key and existing.idempotency_key == context.idempotency_key):
            continue                  # this very item's own record (posted earlier, or a draft)
        if _same_number(existing.supplier_reference, invoice.number):
            known_as = existing.number or f"id {existing.id}"
            findings.append(error(
                DUPLICATE_INVOICE,
                f"invoice {invoice.number} of {match.supplier.name} is already in the ERP "
                f"as {known_as} ({existing.state}, {existing.total} {existing.currency})",
                "number", actual=invoice.number))
    return findings


@rule("duplicate_invoice", applies_to=Invoice)
def duplicate_invoice(invoice: Invoice, context: ValidationContext) -> list[Finding]:
    """The supplier's invoice number is not already in the queue or the ERP."""
    return _in_queue(invoice, context) + _in_erp(invoice, context)
