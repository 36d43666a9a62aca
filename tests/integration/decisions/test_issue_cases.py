"""The issue's walk-through, one regression test per case: the shipped demo
project with two approval rules added to the supplier bot, real HTTP, a real
worker posting to a real Tryton. The ERP sees a record only once every check
and every approval by the right people is complete."""

from __future__ import annotations

import pytest

from clerk.review.approvals import steps_of
from tests.helpers.projects import drain, invoices_with_key
from tests.integration.decisions.conftest import invoice_of, validated_item

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def _post(live, who: str, path: str, **data) -> int:  # noqa: ANN001
    client = live.login(who)
    return client.post(path, data={"csrf_token": live.csrf(client), **data}).status_code


def _in_erp(live, tryton_connector, item_id: int) -> list[dict]:  # noqa: ANN001
    key = live.project.queue.get(item_id)["idempotency_key"]
    return invoices_with_key(tryton_connector, key) if key else []


def _steps(live, item_id: int) -> list[tuple[str, str]]:  # noqa: ANN001
    with live.project.store.read() as conn:
        return [(s["name"], s["status"]) for s in steps_of(conn, item_id)]


def _state(live, item_id: int) -> str:  # noqa: ANN001
    return live.project.queue.get(item_id)["state"]


def _item_with_key(live, kind: str) -> int:  # noqa: ANN001
    return validated_item(live, invoice_of(kind))


def test_bank_account_change_accepted_on_the_page_waits_for_treasury_and_call_back(
        live, tryton_connector):  # noqa: ANN001
    item_id = _item_with_key(live, "bank_account_changed")
    assert _state(live, item_id) == "needs_review"
    assert _post(live, "ann", f"/items/{item_id}/accept", justification="supplier moved banks") == 303
    # The policy's bank rule matched on the ERP's accounts, and the call-back step is there.
    assert _steps(live, item_id) == [("treasury", "open"),
                                     ("bank account confirmed by call-back to the supplier", "waiting")]
    drain(live.project, 120)
    assert _state(live, item_id) == "awaiting_approval" and _in_erp(live, tryton_connector, item_id) == []
    assert _post(live, "cat", f"/items/{item_id}/approve") == 303
    drain(live.project, 120)
    assert _in_erp(live, tryton_connector, item_id) == []
    assert _post(live, "dan", f"/items/{item_id}/approve", reason="called Acme on file number") == 303
    drain(live.project, 120)
    assert _state(live, item_id) == "posted"
    assert len(_in_erp(live, tryton_connector, item_id)) == 1


def test_api_accept_builds_the_same_plan_as_the_page(live, tryton_connector):  # noqa: ANN001
    item_id = _item_with_key(live, "total_mismatch")
    big = _item_with_key(live, "big")
    headers = {"Authorization": f"Bearer {live.token('ann')}"}
    with __import__("httpx").Client(base_url=live.url, headers=headers) as api:
        answer = api.post(f"/api/v1/items/{item_id}/actions",
                          json={"action": "accept", "reason": "agreed by phone"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["state"] == "awaiting_approval"
    assert answer.json()["steps"] == ["findings override approved"]
    drain(live.project, 120)
    assert _in_erp(live, tryton_connector, item_id) == []
    assert _state(live, big) == "awaiting_approval"          # the worker's path, same policy
    assert _steps(live, big) == [("department head", "open")]


def test_who_accepted_cannot_approve_their_own_step(live, tryton_connector):  # noqa: ANN001
    item_id = _item_with_key(live, "total_mismatch")
    assert _post(live, "bob", f"/items/{item_id}/accept", justification="100.00 is freight") == 303
    refused = _post(live, "bob", f"/items/{item_id}/approve")
    assert refused == 422
    headers = {"Authorization": f"Bearer {live.token('bob')}"}
    with __import__("httpx").Client(base_url=live.url, headers=headers) as api:
        answer = api.post(f"/api/v1/items/{item_id}/actions", json={"action": "approve_step"})
    assert answer.status_code == 422 and "separation of duties" in answer.text
    drain(live.project, 120)
    assert _state(live, item_id) == "awaiting_approval"
    assert _in_erp(live, tryton_connector, item_id) == []
    assert _post(live, "cat", f"/items/{item_id}/approve") == 303
    drain(live.project, 120)
    assert _state(live, item_id) == "posted" and len(_in_erp(live, tryton_connector, item_id)) == 1


def test_correcting_into_another_supplier_needs_a_second_person(live, tryton_connector):  # noqa: ANN001
    item_id = _item_with_key(live, "unknown_supplier")
    record = live.project.queue.get(item_id)["record"]
    assert "unknown_supplier" in live.project.queue.get(item_id)["reason_code"]
    nord = {"f:seller.name": "Nordwind Logistik GmbH", "f:seller.tax_id": "DE136695976",
            "f:seller.iban": "DE02120300000000202051", "reason": "the scan was Nordwind's"}
    assert record["seller"]["tax_id"] != "DE136695976"
    assert _post(live, "ann", f"/items/{item_id}/correct", **nord) == 303
    row = live.project.queue.get(item_id)
    # Re-validated in the request: clean now, but waiting for a second person.
    assert row["state"] == "awaiting_approval" and row["findings"] == []
    assert _steps(live, item_id) == [("correction confirmed by a second person", "open")]
    page = live.login("ann").get(f"/items/{item_id}").text
    assert "No findings." in page and "correction confirmed by a second person" in page
    drain(live.project, 120)
    assert _in_erp(live, tryton_connector, item_id) == []
    assert _post(live, "bob", f"/items/{item_id}/approve") == 303      # a second person
    drain(live.project, 120)
    assert _state(live, item_id) == "posted" and len(_in_erp(live, tryton_connector, item_id)) == 1


def test_shipped_bots_answer_on_the_inbox_and_item_pages(live):  # noqa: ANN001
    item_id = validated_item(live, invoice_of("total_mismatch"))
    client = live.login("ann")
    assert client.get("/inbox").status_code == 200
    page = client.get(f"/items/{item_id}")
    assert page.status_code == 200 and "total_mismatch" in page.text


def test_a_correction_is_revalidated_in_the_request_and_its_findings_shown(live):  # noqa: ANN001
    from tests.integration.decisions.conftest import NEW_IBAN

    item_id = _item_with_key(live, "total_mismatch")
    totals = live.project.queue.get(item_id)["record"]["totals"]
    right = str(__import__("decimal").Decimal(totals["net"]) + __import__("decimal").Decimal(totals["tax"]))
    client = live.login("ann")
    answer = client.post(f"/items/{item_id}/correct", data={
        "csrf_token": live.csrf(client), "f:totals.gross": right, "f:totals.payable": right,
        "f:seller.iban": NEW_IBAN})
    assert answer.status_code == 303
    row = live.project.queue.get(item_id)
    # The total is right now; the new bank account is what the rules find, at once.
    assert row["state"] == "needs_review"
    assert [f["code"] for f in row["findings"] if f["severity"] == "error"] == ["bank_account_changed"]
    page = client.get(answer.headers["location"]).text
    assert "bank_account_changed" in page and "total_mismatch</code>" not in page
    assert NEW_IBAN in page


def test_the_api_names_the_fields_of_an_invalid_correction(live):  # noqa: ANN001
    import httpx

    item_id = _item_with_key(live, "total_mismatch")
    headers = {"Authorization": f"Bearer {live.token('ann')}"}
    with httpx.Client(base_url=live.url, headers=headers) as api:
        answer = api.post(f"/api/v1/items/{item_id}/actions",
                          json={"action": "correct", "fields": {"totals.gross": "fifty"}})
    assert answer.status_code == 422
    assert list(answer.json()["fields"]) == ["totals.gross"]
    assert live.project.queue.get(item_id)["state"] == "needs_review"
