"""The seller is a known, active supplier, and is paid to an account on file."""

from __future__ import annotations

from clerk.models.finding import Finding, error
from clerk.models.invoice import Invoice
from clerk.validation.context import ValidationContext
from clerk.validation.registry import rule

UNKNOWN_SUPPLIER = "unknown_supplier"
INACTIVE_SUPPLIER = "inactive_supplier"
BANK_ACCOUNT_CHANGED = "bank_account_changed"


def _compact_iban(iban: str) -> str:
    return "".join(iban.split()).upper()


def _masked(iban: str) -> str:
    return f"{iban[:4]}…{iban[-4:]}" if len(iban) > 8 else iban


@rule("supplier_known", applies_to=Invoice)
def supplier_known(invoice: Invoice, context: ValidationContext) -> list[Finding]:
    """The seller exists in the ERP (by tax id, then by name) and is active."""
    if context.erp is None:
        return []
    match = context.supplier_of(invoice)
    seller = invoice.seller
    if match is None:
        return [error(UNKNOWN_SUPPLIER,
                      f"no supplier in the ERP has tax id {seller.tax_id or '(none)'} "
                      f"or the name {seller.name!r}", "seller.tax_id",
                      actual=seller.tax_id or seller.name)]
    if not match.supplier.active:
        return [error(INACTIVE_SUPPLIER,
                      f"supplier {match.supplier.name} is inactive in the ERP; "
                      "reactivate it or reject the invoice", "seller.name",
                      actual=match.supplier.name)]
    return []


@rule("bank_account", applies_to=Invoice)
def bank_account(invoice: Invoice, context: ValidationContext) -> list[Finding]:
    """The IBAN on the invoice is one of the supplier's bank accounts in the ERP.

    A different IBAN is the classic payment-fraud pattern (a forged invoice
    with the fraudster's account), so it is an error, never a warning.
    """
    iban = invoice.seller.iban
    match = context.supplier_of(invoice)
    if not iban or match is None:
        return []                     # no IBAN to check / unknown supplier reported elsewhere
    on_file = {_compact_iban(known) for known in match.supplier.ibans}
    if _compact_iban(iban) in on_file:
        return []
    if on_file:
        known = ", ".join(sorted(_masked(k) for k in on_file))
        message = (f"the invoice asks for payment to {iban}, which is not a bank account of "
                   f"{match.supplier.name} in the ERP (on file: {known}). Confirm the change "
                   "with the supplier through a known contact before anyone pays")
    else:
        message = (f"the invoice asks for payment to {iban}, but {match.supplier.name} has "
                   "no bank account in the ERP. Confirm it with the supplier through a known "
                   "contact and record it in the ERP before anyone pays")
    return [error(BANK_ACCOUNT_CHANGED, message, "seller.iban",
                  expected=", ".join(sorted(on_file)) or None, actual=iban)]
