from __future__ import annotations

from clerk.validation.rules.duplicates import duplicate_invoice

from .invoices import ACME_TAX_ID, po_1001_invoice, revised


def test_new_invoice_is_no_duplicate(context, queued):
    queued[(ACME_TAX_ID, "ACME-2026-0001")] = [1]   # only the item being validated
    assert duplicate_invoice(po_1001_invoice(), context) == []


def test_same_supplier_and_number_in_the_queue(context, queued):
    queued[(ACME_TAX_ID, "ACME-2026-0001")] = [1, 7, 3]
    [finding] = duplicate_invoice(po_1001_invoice(), context)
    assert (finding.code, finding.field) == ("duplicate_invoice", "number")
    assert "#3, #7" in finding.message


def test_tax_id_is_normalised_before_asking_the_queue(context, queued):
    queued[(ACME_TAX_ID, "ACME-2026-0001")] = [9]
    seller = {**po_1001_invoice().seller.model_dump(), "tax_id": "de 129274202"}
    assert [f.code for f in duplicate_invoice(revised(po_1001_invoice(), seller=seller),
                                              context)] == ["duplicate_invoice"]


def test_same_supplier_reference_already_in_the_erp(erp, context):
    erp.create(revised(po_1001_invoice(), number="acme 2026 0001"), "key-1")
    [finding] = duplicate_invoice(po_1001_invoice(), context)
    assert finding.code == "duplicate_invoice" and "already in the ERP" in finding.message


def test_other_supplier_with_same_number_is_no_duplicate(erp, context):
    nord = {"name": "Nordwind Logistik GmbH", "tax_id": "DE136695976",
            "iban": "DE02120300000000202051"}
    erp.create(revised(po_1001_invoice(), seller=nord), "key-nord")
    assert duplicate_invoice(po_1001_invoice(), context) == []


def test_item_is_not_a_duplicate_of_its_own_erp_record(erp, context):
    ref = erp.create(po_1001_invoice(), "key-self")
    assert duplicate_invoice(po_1001_invoice(), context.for_item(1, erp_id=ref.id)) == []


def test_item_that_died_while_posting_is_not_a_duplicate_of_its_own_draft(erp, context):
    """Not marked posted yet (no erp_id): its own key in the ERP says it is itself."""
    erp.create(po_1001_invoice(), "key-self")
    assert duplicate_invoice(po_1001_invoice(), context.for_item(1, idempotency_key="key-self")) == []
    [finding] = duplicate_invoice(po_1001_invoice(), context.for_item(1, idempotency_key="key-other"))
    assert finding.code == "duplicate_invoice"
