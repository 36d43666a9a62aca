"""The reviewer's pages over HTTP: inbox, item page, decisions (re-validated
with a real Tryton's look-ups)."""

from decimal import Decimal

import pytest

from clerk.queue import ItemState
from tests.unit.review.conftest import invoice
from tests.unit.web.conftest import csrf_of, item_in, login

pytestmark = pytest.mark.integration


def _wrong_total(queue, key="a", supplier_name=None):  # noqa: ANN001, ANN202
    right = invoice()
    update = {"totals": right.totals.model_copy(update={"gross": Decimal("59.98")})}
    if supplier_name:
        update["seller"] = right.seller.model_copy(update={"name": supplier_name})
    findings = [{"code": "total_mismatch", "severity": "error", "message": "gross is not net + tax",
                 "field": "totals.gross", "expected": "49.98", "actual": "59.98"}]
    return item_in(queue, ItemState.NEEDS_REVIEW, record=right.model_copy(update=update), key=key,
                   findings=findings)


def test_inbox_lists_and_filters(app, project, people, clock):  # noqa: ANN001
    first = _wrong_total(project.queue, "a")
    clock.advance(9 * 3600)                                # first is now overdue (SLA 8 h)
    second = _wrong_total(project.queue, "b", supplier_name="Brio Café Services SARL")
    client = login(app, "rita")
    page = client.get("/inbox")
    assert page.status_code == 200
    assert page.text.index(f"#{first}<") < page.text.index(f"#{second}<")
    assert "overdue" in page.text and "Brio Café" in page.text
    only = client.get("/inbox", params={"supplier": "brio"}).text
    assert f"#{second}<" in only and f"#{first}<" not in only
    token = csrf_of(client, "/inbox")
    client.post("/inbox/assign", data={"csrf_token": token, "item": [str(first), str(second)]})
    mine = client.get("/inbox", params={"assignee": "me"}).text
    assert f"#{first}<" in mine and f"#{second}<" in mine
    assert project.queue.get(first)["assignee"] == "rita"


def test_correct_with_errors_then_valid(app, project, people):  # noqa: ANN001
    item_id = _wrong_total(project.queue)
    client = login(app, "rita")
    page = client.get(f"/items/{item_id}")
    assert "total_mismatch" in page.text and 'name="f:totals.gross" value="59.98"' in page.text
    token = csrf_of(client, f"/items/{item_id}")
    bad = client.post(f"/items/{item_id}/correct", data={"csrf_token": token, "f:totals.gross": "fifty"})
    assert bad.status_code == 422 and "field-error" in bad.text
    good = client.post(f"/items/{item_id}/correct", data={"csrf_token": token, "f:totals.gross": "49.98",
                                                          "reason": "typo"})
    assert good.status_code == 303
    row = project.queue.get(item_id)
    # Re-validated in the same request: clean; an amount changed (tolerance 0.00 by
    # default), so a second person confirms before it can be posted.
    assert row["state"] == "awaiting_approval" and row["record"]["totals"]["gross"] == "49.98"
    page = client.get(good.headers["location"]).text
    assert row["findings"] == [] and "No findings." in page
    assert "correction confirmed by a second person" in page


def test_accept_reject_comment(app, project, people):  # noqa: ANN001
    unknown = item_in(project.queue, ItemState.NEEDS_REVIEW, record=invoice(supplier="GHOST"), key="g",
                      reason_code="unknown_supplier")
    other = _wrong_total(project.queue, "c")
    client = login(app, "rob")
    token = csrf_of(client, f"/items/{unknown}")
    refused = client.post(f"/items/{unknown}/accept", data={"csrf_token": token, "justification": ""})
    assert refused.status_code == 422
    client.post(f"/items/{unknown}/accept", data={"csrf_token": token, "justification": "new supplier, PO 7"})
    # An override never leaves without someone else's approval.
    assert project.queue.get(unknown)["state"] == "awaiting_approval"
    client.post(f"/items/{other}/comment", data={"csrf_token": token, "body": "calling them"})
    client.post(f"/items/{other}/reject", data={"csrf_token": token, "reason": "duplicate"})
    assert project.queue.get(other)["state"] == "rejected"
    assert "calling them" in client.get(f"/items/{other}").text


def test_approver_flow_over_http(app, project, people):  # noqa: ANN001
    from tests.unit.review.conftest import BIG
    item_id = item_in(project.queue, ItemState.NEEDS_REVIEW, record=invoice(BIG), key="big")
    reviewer = login(app, "rob")
    reviewer.post(f"/items/{item_id}/accept", data={"csrf_token": csrf_of(reviewer),
                                                    "justification": "ok"})
    assert project.queue.get(item_id)["state"] == "awaiting_approval"
    dana = login(app, "dana")
    assert f"#{item_id}<" in dana.get("/approvals").text
    dana.post(f"/items/{item_id}/approve", data={"csrf_token": csrf_of(dana)})
    assert project.queue.get(item_id)["state"] == "approved"
