"""Approvals and budgets reaching the ERP: a real worker, a real Tryton, the
real approval functions. The ERP sees a record only once its policy is met."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime

import pytest
from argon2 import PasswordHasher

from clerk.queue import ItemState
from clerk.review import ApprovalRefused, Capacity, approve, reject
from clerk.review.users import UserDirectory
from tests.helpers.projects import (
    drain,
    enqueue_invoice,
    invoices_with_key,
    make_project,
    open_test_project,
)

pytestmark = [pytest.mark.integration, pytest.mark.slow]

POLICY = """
[approval]
departments = { "CC-7" = "sales" }
[[approval.rules]]
name = "above 1000"
when = { min_amount = "1000" }
steps = [{ name = "department head", approvers = ["hana"] },
         { name = "finance", approvers = ["group:finance"] }]
"""
BUDGET_POLICY = """
[approval]
[[approval.rules]]
name = "every invoice"
steps = [{ name = "department head", approvers = ["hana"] }]
[[approval.rules]]
name = "over budget"
when = { findings = ["over_budget"] }
steps = [{ name = "cfo", approvers = ["carla"] }]
"""
# 300 x 4.20 = 1260.00 net, 1499.40 gross; 30 x 4.20 -> 149.94 gross
ABOVE, SMALL = "300", "30"


def _project(root, tryton, policy: str, config_extra: str = ""):
    make_project(root, tryton, f"sqlite:///{root / 'clerk.db'}")
    (root / "bots" / "ap.toml").write_text('name = "ap"\n' + policy)
    with (root / "config" / "clerk.toml").open("a") as config:
        config.write(config_extra)
    project = open_test_project(root)
    people = UserDirectory(project.store, project.audit,
                           PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    now = datetime.now(UTC)
    users = {name: people.add(name, "correct horse battery", ["approver"], groups=groups,
                              now=now, actor="test")
             for name, groups in {"hana": [], "fin": ["finance"], "carla": []}.items()}
    return project, users


def _drain(project, timeout: float = 180) -> None:  # noqa: ANN001
    drain(project, timeout)


def _number(tag: str) -> str:
    return f"{tag}-{os.getpid()}-{datetime.now(UTC):%H%M%S%f}"


def _in_erp(project, connector, item_id: int) -> list[dict]:
    key = project.queue.get(item_id)["idempotency_key"]
    assert key, "the item has no idempotency key yet"
    return invoices_with_key(connector, key)


def _steps(project, item_id: int) -> list[tuple[str, str]]:
    from clerk.review.approvals import steps_of

    with project.store.read() as conn:
        return [(s["name"], s["status"]) for s in steps_of(conn, item_id)]


def test_posted_only_after_the_second_approval(tmp_path, tryton_server, tryton_connector):
    project, users = _project(tmp_path, tryton_server, POLICY)
    big = enqueue_invoice(project, _number("BIG"), quantity=ABOVE, cost_center="CC-7")
    small = enqueue_invoice(project, _number("SMALL"), quantity=SMALL, cost_center="CC-7")
    _drain(project)
    assert project.queue.get(small)["state"] == "posted"        # below the threshold: no people
    assert len(_in_erp(project, tryton_connector, small)) == 1
    assert project.queue.get(big)["state"] == "awaiting_approval"
    assert _steps(project, big) == [("department head", "open"), ("finance", "waiting")]

    assert approve(project.queue, big, Capacity(users["hana"])) == ItemState.AWAITING_APPROVAL
    _drain(project)
    assert project.queue.get(big)["state"] == "awaiting_approval"
    assert _in_erp(project, tryton_connector, big) == []

    assert approve(project.queue, big, Capacity(users["fin"])) == ItemState.APPROVED
    _drain(project)
    row = project.queue.get(big)
    assert row["state"] == "posted", row
    [invoice] = _in_erp(project, tryton_connector, big)
    assert invoice["state"] == "posted" and invoice["number"] == row["erp_ref"]["number"]
    project.close()


def test_rejected_at_the_first_step_never_reaches_the_erp(tmp_path, tryton_server,
                                                          tryton_connector):
    project, users = _project(tmp_path, tryton_server, POLICY)
    item_id = enqueue_invoice(project, _number("REJ"), quantity=ABOVE)
    _drain(project)
    assert project.queue.get(item_id)["state"] == "awaiting_approval"
    with pytest.raises(ApprovalRefused, match="not an approver"):
        approve(project.queue, item_id, Capacity(users["fin"]))   # finance's turn has not come
    reject(project.queue, item_id, Capacity(users["hana"]), reason="not ordered by sales")
    _drain(project)
    row = project.queue.get(item_id)
    assert (row["state"], row["reason_code"]) == ("rejected", "approval_rejected")
    assert _steps(project, item_id) == [("department head", "rejected"), ("finance", "cancelled")]
    assert _in_erp(project, tryton_connector, item_id) == []
    project.close()


def test_over_budget_goes_to_the_higher_approver(tmp_path, tryton_server, tryton_connector):
    month = date.today().strftime("%Y-%m")
    budget = f'\n[[web.budgets]]\ncost_center = "CC-7"\nperiod = "{month}"\namount = "250"\n'
    project, users = _project(tmp_path, tryton_server, BUDGET_POLICY, budget)
    first = enqueue_invoice(project, _number("BUD1"), quantity=SMALL, cost_center="CC-7")
    _drain(project)
    assert _steps(project, first) == [("department head", "open")]    # 149.94 of 250
    approve(project.queue, first, Capacity(users["hana"]))
    _drain(project)
    assert project.queue.get(first)["state"] == "posted"

    second = enqueue_invoice(project, _number("BUD2"), quantity=SMALL, cost_center="CC-7")
    other = enqueue_invoice(project, _number("BUD3"), quantity=SMALL, cost_center="CC-9")
    _drain(project)
    # 149.94 posted + 149.94 = 299.88 > 250: the CFO too; another cost center is not affected.
    assert _steps(project, second) == [("department head", "open"), ("cfo", "waiting")]
    assert _steps(project, other) == [("department head", "open")]
    row = project.queue.get(second)
    [finding] = [f for f in row["findings"] if f["code"] == "over_budget"]
    assert (finding["severity"], finding["expected"], finding["actual"]) == ("warning", "250",
                                                                             "299.88")
    approve(project.queue, second, Capacity(users["hana"]))
    _drain(project)
    assert _in_erp(project, tryton_connector, second) == []
    assert approve(project.queue, second, Capacity(users["carla"])) == ItemState.APPROVED
    _drain(project)
    assert project.queue.get(second)["state"] == "posted"
    assert [i["state"] for i in _in_erp(project, tryton_connector, second)] == ["posted"]
    project.close()
