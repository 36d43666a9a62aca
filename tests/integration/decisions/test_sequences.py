"""Property: whatever people do, in whatever order, no record reaches the ERP
whose final version fails a blocking rule, or whose bank account changed,
without the approvals the policy and separation of duties ask for, by
people other than whoever corrected or accepted it.

Hypothesis draws sequences of actions by four people with overlapping roles
on one item of the shipped project; the decision service takes them (the
matrix shows pages and API reach it identically); then a real worker does
all the machine work left, posting to a real Tryton, and the item's history
is checked.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import select

from clerk.decisions import Accept, Actor, ApproveStep, Correct, RejectStep, Requeue
from clerk.errors import BusinessException, IllegalTransition
from clerk.review.approvals import steps_of
from clerk.review.tables import approval_decisions
from clerk.store.schema import audit_events
from tests.helpers.projects import drain, invoices_with_key
from tests.integration.decisions.conftest import BOT, NEW_IBAN, PEOPLE, invoice_of, validated_item

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ACME_IBAN = "DE89370400440532013000"
# reviewer, reviewer+approver, approver, approver (the policy's department head), admin
USERS = ("ann", "bob", "cat", "dan", "root")
CASES = ("total_mismatch", "unknown_supplier", "bank_account_changed", "big")
CORRECTIONS = {
    "fix_total": lambda r: {"totals.gross": _right_gross(r), "totals.payable": _right_gross(r)},
    "to_nordwind": lambda r: {"seller.name": "Nordwind Logistik GmbH",
                              "seller.tax_id": "DE136695976",
                              "seller.iban": "DE02120300000000202051"},
    "to_acme": lambda r: {"seller.name": "Acme Office Supplies Ltd",
                          "seller.tax_id": "DE129274202"},
    "new_iban": lambda r: {"seller.iban": NEW_IBAN},
    "known_iban": lambda r: {"seller.iban": ACME_IBAN},
    "cent_more": lambda r: {"totals.gross": str(Decimal(r["totals"]["gross"]) + Decimal("0.01"))},
    "note": lambda r: {"note": "checked"},
}
STEPS = st.one_of(
    st.tuples(st.sampled_from(USERS), st.sampled_from(sorted(CORRECTIONS))),
    # Weighted towards the decisions that move an item on, so many sequences post.
    st.tuples(st.sampled_from(USERS), st.sampled_from(["accept", "accept", "approve", "approve",
                                                       "approve", "approve", "reject_step",
                                                       "requeue"])))
RUNS = {"examples": 0, "posted": 0}


def _right_gross(record: dict) -> str:
    totals = record["totals"]
    return str(Decimal(totals["net"]) + Decimal(totals["tax"]))


def _action(step: str, record: dict):  # noqa: ANN202
    if step in CORRECTIONS:
        return Correct(fields=CORRECTIONS[step](record), reason=f"hypothesis: {step}")
    return {"accept": Accept(justification="hypothesis"), "approve": ApproveStep(),
            "reject_step": RejectStep(reason="hypothesis"), "requeue": Requeue()}[step]


def _take(live, user: str, item_id: int, step: str) -> None:  # noqa: ANN001
    service = live.app.state.web.decisions
    actor = Actor(username=user, roles=frozenset(PEOPLE[user]), via="engine")
    record = live.project.queue.get(item_id)["record"]
    try:
        service.decide(actor, item_id, _action(step, record))
    except (BusinessException, IllegalTransition):
        pass                                   # refused: nothing was written


def _history(live, item_id: int) -> tuple[list, set[str], list[dict]]:  # noqa: ANN001
    import json

    with live.project.store.read() as conn:
        events = [(r.actor, r.action, json.loads(r.data)) for r in conn.execute(
            select(audit_events).where(audit_events.c.item_id == item_id)
            .order_by(audit_events.c.id))]
        approved_by = set(conn.scalars(select(approval_decisions.c.actor).where(
            approval_decisions.c.item_id == item_id, approval_decisions.c.decision == "approved")))
        steps = steps_of(conn, item_id)
    return events, approved_by, steps


def _assert_posted_rightly(live, item_id: int, original: dict) -> None:  # noqa: ANN001
    from clerk.decisions.review import record_of

    row = live.project.queue.get(item_id)
    events, approved_by, steps = _history(live, item_id)
    deciders = {actor for actor, action, _ in events
                if action in ("corrected", "accepted_despite_findings")}
    assert not approved_by & deciders, ("approved by whoever corrected or accepted", events)
    checks = live.app.state.web.decisions.checks(BOT)
    final = checks.check(live.project.queue, row, record_of(row))
    accepted = any(action == "accepted_despite_findings" for _, action, _ in events)
    if final.blocking:
        assert accepted and approved_by, ("posted with blocking findings", final.blocking, events)
    assert all(step["status"] == "approved" for step in steps), steps
    names = {step["name"] for step in steps}
    if final.facts.bank_accounts and row["record"]["seller"].get("iban") not in final.facts.bank_accounts:
        assert "bank account confirmed by call-back to the supplier" in names, events
    sensitive = [data for _, action, data in events if action == "corrected"
                 and data.get("needs_confirmation")]
    if sensitive:
        assert "correction confirmed by a second person" in names and approved_by, events
    if row["record"]["seller"].get("iban") != original["seller"].get("iban"):
        assert sensitive, "the bank account changed without a confirmation"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(case=st.sampled_from(CASES), steps=st.lists(STEPS, min_size=1, max_size=8))
def test_no_sequence_of_decisions_posts_what_it_must_not(live, case, steps):  # noqa: ANN001
    item_id = validated_item(live, invoice_of(case, "HY"))
    if live.project.queue.get(item_id)["state"] == "validated":
        drain(live.project, 120)               # the worker routes it (the policy)
    original = live.project.queue.get(item_id)["record"]
    for user, step in steps:
        _take(live, user, item_id, step)
    drain(live.project, 120)
    # Then every approver approves whatever they may, so that many sequences reach
    # the ERP and are checked there, not only those that happened to finish.
    for user in ("bob", "cat", "dan", "root") * 2:
        _take(live, user, item_id, "approve")
    drain(live.project, 120)
    RUNS["examples"] += 1
    row = live.project.queue.get(item_id)
    connector = live.app.state.web.decisions.checks(BOT).pipeline.connector
    in_erp = invoices_with_key(connector, row["idempotency_key"])
    if row["state"] == "posted":
        RUNS["posted"] += 1
        assert len(in_erp) == 1
        _assert_posted_rightly(live, item_id, original)
    else:
        assert in_erp == [], row["state"]
    print(f"hypothesis examples {RUNS['examples']}, posted {RUNS['posted']}")
