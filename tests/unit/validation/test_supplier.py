from __future__ import annotations

from clerk.models.invoice import Party
from clerk.validation import ValidationSettings
from clerk.validation.rules.supplier import bank_account, supplier_known

from .invoices import ACME_IBAN, ACME_NAME, ACME_TAX_ID, po_1001_invoice, revised


def _seller(**changes) -> dict:
    return {"name": ACME_NAME, "tax_id": ACME_TAX_ID, "iban": ACME_IBAN, **changes}


def test_known_supplier_by_tax_id(context):
    assert supplier_known(po_1001_invoice(), context) == []


def test_known_supplier_by_name_when_tax_id_is_missing(context):
    invoice = revised(po_1001_invoice(), seller=_seller(tax_id=None))
    assert supplier_known(invoice, context) == []


def test_name_fallback_can_be_switched_off(make_context):
    invoice = revised(po_1001_invoice(), seller=_seller(tax_id=None))
    context = make_context(ValidationSettings(match_supplier_by_name=False))
    assert [f.code for f in supplier_known(invoice, context)] == ["unknown_supplier"]


def test_unknown_supplier(context):
    ghost = Party(name="Ghost Trading Ltd", tax_id="GB980780684", iban="GB33BUKB20201555555555")
    [finding] = supplier_known(revised(po_1001_invoice(), seller=ghost.model_dump()), context)
    assert (finding.code, finding.field) == ("unknown_supplier", "seller.tax_id")
    assert "GB980780684" in finding.message


def test_inactive_supplier(erp, context):
    erp.replace_supplier(ACME_TAX_ID, active=False)
    [finding] = supplier_known(po_1001_invoice(), context)
    assert finding.code == "inactive_supplier"


def test_iban_on_file_passes_whatever_its_spacing(context):
    spaced = "de89 3704 0044 0532 0130 00"
    assert bank_account(revised(po_1001_invoice(), seller=_seller(iban=spaced)), context) == []


def test_changed_iban_is_an_error_with_a_clear_message(context):
    fraud = "GB33BUKB20201555555555"
    [finding] = bank_account(revised(po_1001_invoice(), seller=_seller(iban=fraud)), context)
    assert (finding.code, finding.severity.value, finding.field) == (
        "bank_account_changed", "error", "seller.iban")
    assert fraud in finding.message and "not a bank account of" in finding.message
    assert finding.expected == ACME_IBAN and finding.actual == fraud


def test_supplier_without_any_account_on_file(erp, context):
    erp.replace_supplier(ACME_TAX_ID, ibans=())
    [finding] = bank_account(po_1001_invoice(), context)
    assert finding.code == "bank_account_changed" and "no bank account" in finding.message


def test_no_iban_on_invoice_or_unknown_supplier_is_not_this_rules_business(context):
    assert bank_account(revised(po_1001_invoice(), seller=_seller(iban=None)), context) == []
    ghost = _seller(name="Ghost Trading Ltd", tax_id="GB980780684")
    assert bank_account(revised(po_1001_invoice(), seller=ghost), context) == []


def test_without_an_erp_lookup_rules_do_nothing(make_context):
    context = make_context(connector=None)
    assert supplier_known(po_1001_invoice(), context) == []
    assert bank_account(po_1001_invoice(), context) == []
