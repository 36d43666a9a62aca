"""TrytonConnector against a real trytond (SQLite): what lands in the ERP, read
back over the API; look-ups; warnings; sessions; secrets."""

from __future__ import annotations

import logging
import uuid
from decimal import Decimal

import pytest

from clerk.erp import ErpWarning
from clerk.erp.base import PostingState
from clerk.errors import ErpValidationError
from clerk.models.invoice import Party
from tests.integration.erp.invoices import (
    acme_paper_invoice,
    nordwind_freight_invoice,
)

pytestmark = pytest.mark.integration


def key() -> str:
    return f"it-{uuid.uuid4().hex}"


def read_invoice(connector, invoice_id: int) -> dict:
    row, = connector.rpc.call("model.account.invoice.read", [invoice_id], [
        "type", "state", "number", "reference", "description", "party.name",
        "untaxed_amount", "tax_amount", "total_amount", "currency.code",
        "lines.quantity", "lines.unit_price", "lines.origin", "lines.product",
        "lines.description", "lines.amount"])
    return row


def test_draft_lands_with_supplier_lines_amounts_and_po_links(tryton_connector):
    k = key()
    ref = tryton_connector.create(nordwind_freight_invoice("NW-" + k[-8:]), k)
    row = read_invoice(tryton_connector, ref.id)
    assert (row["type"], row["state"], row["number"]) == ("in", "draft", None)
    assert row["party."]["name"] == "Nordwind Logistik GmbH"
    assert row["reference"] == "NW-" + k[-8:]
    assert row["description"] == f"clerk:{k}"
    assert row["currency."]["code"] == "EUR"
    assert row["untaxed_amount"] == Decimal("447.50")
    assert row["total_amount"] == row["untaxed_amount"] + row["tax_amount"]
    assert row["tax_amount"] in (Decimal("85.02"), Decimal("85.03"))   # rounding of 85.025
    freight, surcharge = sorted(row["lines."], key=lambda line: line["amount"], reverse=True)
    po = tryton_connector.get_purchase_order("PO-1002")
    assert freight["origin"] == f"purchase.line,{po.lines[0].id}"
    assert (freight["quantity"], freight["amount"]) == (3.0, Decimal("435.00"))
    assert surcharge["origin"] is None and surcharge["product"] is None
    assert surcharge["amount"] == Decimal("12.50")


def test_posted_invoice_gets_a_number(tryton_connector):
    k = key()
    ref = tryton_connector.create(acme_paper_invoice("AC-" + k[-8:]), k, PostingState.POSTED)
    row = read_invoice(tryton_connector, ref.id)
    assert row["state"] == "posted" and row["number"] == ref.number
    assert row["total_amount"] == Decimal("499.80")


def test_validated_state(tryton_connector):
    k = key()
    ref = tryton_connector.create(acme_paper_invoice("AV-" + k[-8:]), k,
                                  PostingState.VALIDATED)
    assert ref.state == "validated"
    assert tryton_connector.find(k).state == "validated"


def test_credit_note_is_negative_quantities(tryton_connector):
    k = key()
    ref = tryton_connector.create(
        acme_paper_invoice("CN-" + k[-8:], quantity=Decimal(10), credit_note=True), k,
        PostingState.POSTED)
    row = read_invoice(tryton_connector, ref.id)
    assert row["lines."][0]["quantity"] == -10.0
    assert row["total_amount"] == Decimal("-49.98")
    assert row["state"] == "posted"


def test_unknown_supplier_is_refused_before_the_erp(tryton_connector):
    ghost = acme_paper_invoice("GH-1").model_copy(update={"seller": Party(
        name="Ghost Trading Ltd", tax_id="GB980780684", iban="GB33BUKB20201555555555")})
    with pytest.raises(ErpValidationError) as refused:
        tryton_connector.create(ghost, key())
    assert refused.value.field == "seller"


def test_similar_invoice_is_a_warning_a_person_decides_on(tryton_connector):
    number = "DUP-" + uuid.uuid4().hex[:8]
    first = tryton_connector.create(acme_paper_invoice(number), key(), PostingState.POSTED)
    second_key = key()
    with pytest.raises(ErpWarning) as warned:
        tryton_connector.create(acme_paper_invoice(number), second_key, PostingState.POSTED)
    warning = warned.value
    assert warning.name.endswith(".invoice_similar")
    assert warning.ref.id != first.id
    assert tryton_connector.find(second_key).state == "draft"   # nothing silently posted
    # A person decided it is not a duplicate: skip that one named warning, post.
    tryton_connector.skip_warning(warning.name)
    posted, = tryton_connector.post_many([warning.ref])
    assert posted.state == "posted"


def test_supplier_lookups(tryton_connector):
    by_tax = tryton_connector.find_supplier(tax_id="de 129.274.202")
    assert by_tax is not None and by_tax.name == "Acme Office Supplies Ltd"
    by_iban = tryton_connector.find_supplier(iban="FR14 2004 1010 0505 0001 3M02 606")
    assert by_iban.tax_id == "FR40303265045"
    assert tryton_connector.find_supplier(name="nordwind logistik gmbh").ibans == (
        "DE02120300000000202051",)
    assert tryton_connector.find_supplier(tax_id="GB980780684", name="Ghost%") is None


def test_purchase_order_with_received_quantities(tryton_connector):
    order = tryton_connector.get_purchase_order("PO-1004")
    assert order.supplier_id == tryton_connector.find_supplier(tax_id="DE129274202").id
    assert order.is_open and order.currency == "EUR"
    line, = order.lines
    assert (line.product_code, line.quantity, line.received_quantity) == (
        "PAPER-A4", Decimal(50), Decimal(20))
    assert line.unit_price == Decimal("4.20")
    assert tryton_connector.get_purchase_order("PO-9999") is None


def test_open_invoices_of_a_supplier(tryton_connector):
    k = key()
    ref = tryton_connector.create(acme_paper_invoice("OI-" + k[-8:]), k)
    acme = tryton_connector.find_supplier(tax_id="DE129274202")
    found = [inv for inv in tryton_connector.open_invoices(acme.id) if inv.id == ref.id]
    assert found and found[0].supplier_reference == "OI-" + k[-8:]
    assert found[0].total == Decimal("499.80") and found[0].state == "draft"


def test_expired_session_is_renewed(tryton_connector):
    rpc = tryton_connector.rpc
    rpc.call("model.res.user.get_preferences", True)
    # End the session on the server behind the connector's back.
    rpc._post("common.db.logout", [], auth=rpc._auth_header)
    assert tryton_connector.find(key()) is None


def test_password_never_logged(tryton_server, caplog):
    from clerk.erp.tryton import TrytonConnector
    caplog.set_level(logging.DEBUG)
    with TrytonConnector(tryton_server.settings()) as connector:
        connector.find(key())
    secret = tryton_server.password.get_secret_value()
    assert secret not in caplog.text
    assert secret not in repr(connector.settings)


def test_drafts_in_one_call_and_found_in_one_search(tryton_connector):
    keys = [key() for _ in range(3)]
    ghost = acme_paper_invoice(f"G-{keys[1][-8:]}", order_reference=None).model_copy(
        update={"seller": Party(name="Ghost Trading Ltd", tax_id="GB980780684")})
    items = [(acme_paper_invoice(f"D-{keys[0][-8:]}", quantity=Decimal(1), order_reference=None), keys[0]),
             (ghost, keys[1]),
             (acme_paper_invoice(f"D-{keys[2][-8:]}", quantity=Decimal(1), order_reference=None), keys[2])]
    results = tryton_connector.create_drafts(items)
    assert isinstance(results[1], ErpValidationError)          # only the unknown supplier fails
    assert results[0].state == results[2].state == "draft"
    found = tryton_connector.find_many(keys)
    assert set(found) == {keys[0], keys[2]}
    assert found[keys[0]].id == results[0].id and found[keys[2]].id == results[2].id
    assert tryton_connector.find_many([]) == {}


def test_one_draft_call_looks_each_supplier_and_order_up_once(tryton_connector, monkeypatch):
    """A batch is mostly a few suppliers: their look-ups are not repeated per
    invoice within one call, and the next call asks the ERP again."""
    asked: list[str] = []
    real_call = tryton_connector.rpc.call

    def counting_call(method, *args, **kwargs):  # noqa: ANN001, ANN202
        asked.append(method)
        return real_call(method, *args, **kwargs)

    monkeypatch.setattr(tryton_connector.rpc, "call", counting_call)
    keys = [key() for _ in range(4)]
    items = [(acme_paper_invoice(f"M-{k[-8:]}", quantity=Decimal(1)), k) for k in keys]
    results = tryton_connector.create_drafts(items[:3])
    assert [ref.state for ref in results] == ["draft"] * 3
    assert asked.count("model.party.party.search_read") == 1
    assert asked.count("model.purchase.purchase.search_read") == 1
    tryton_connector.create_drafts(items[3:])
    assert asked.count("model.party.party.search_read") == 2, "answers do not outlive a call"
