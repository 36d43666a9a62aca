"""Role x action x finding, generated from the app's own routes and the bot's
approval policy, each cell taken twice, once through the pages and once
through the JSON API, on twin items: the outcomes must be identical, and
each must keep the rules (route roles, separation of duties, no approval
without someone other than who accepted)."""

from __future__ import annotations

import typing

import httpx
import pytest
from fastapi.routing import APIRoute

from clerk.bots import load_bots
from clerk.review.approvals import steps_of
from clerk.review.settings import approval_policy
from clerk.review.tables import approval_decisions
from clerk.web.access import ACCESS
from clerk.web.api import ItemAction
from clerk.web.app import app_routes
from tests.integration.decisions.conftest import BOT, PEOPLE, invoice_of, validated_item

pytestmark = [pytest.mark.integration, pytest.mark.slow]

# What each decision route is sent from the item page's forms, and its API twin.
FORMS = {
    "item_correct": ("correct", {"f:note": "checked with the supplier"}),
    "item_accept": ("accept", {"justification": "agreed by phone"}),
    "item_reject": ("reject", {"reason": "duplicate"}),
    "item_assign": ("assign", {"assignee": "bob"}),
    "item_comment": ("comment", {"body": "asked the supplier"}),
    "approval_approve": ("approve_step", {"reason": "fine"}),
    "approval_reject": ("reject_step", {"reason": "not ordered"}),
}
STEP_ROUTES = {"approval_approve", "approval_reject"}
ACCEPTOR = "ann"
SUMMARY: dict[str, int] = {"cells": 0, "decisions": 0}


def decision_routes(app) -> dict[str, str]:  # noqa: ANN001
    """Every POST route on one item that takes a decision: name -> path."""
    found = {r.name: r.path for r in app_routes(app) if isinstance(r, APIRoute)
             and "POST" in r.methods and r.path.startswith("/items/{item_id}/")}
    return found


def finding_cases(project_dir) -> list[str]:  # noqa: ANN001
    """The shipped rules' blocking findings, and one case per condition of the policy."""
    cases = ["total_mismatch", "unknown_supplier"]
    for rule in approval_policy(load_bots(project_dir)[BOT]).rules:
        if rule.when.bank_account_changed:
            cases.append("bank_account_changed")
        if rule.when.min_amount is not None:
            cases.append("big")
    return cases


def test_the_matrix_covers_every_decision_route_and_api_action(live):  # noqa: ANN001
    routes = decision_routes(live.app)
    assert set(routes) == set(FORMS), set(routes) ^ set(FORMS)
    api_kinds = set(typing.get_args(ItemAction.model_fields["action"].annotation))
    assert api_kinds == {kind for kind, _ in FORMS.values()}
    assert len(finding_cases(live.project.settings.project_dir)) == 4


def _item(live, case: str) -> int:  # noqa: ANN001
    """The item as a worker leaves it; for a step action, accepted by ann first."""
    item_id = validated_item(live, invoice_of(case, "MX"))
    queue = live.project.queue
    if queue.get(item_id)["state"] == "validated":
        pipeline = live.app.state.web.decisions.checks(BOT).pipeline
        leases = queue.lease("w-route", limit=100, bots=[BOT])
        for held in leases:
            if held.item_id == item_id:
                pipeline.route(queue, held)   # the worker's own routing step: the policy
            else:
                queue.release(held)
    return item_id


def _accepted(live, item_id: int) -> None:  # noqa: ANN001
    from clerk.decisions import Accept, Actor

    if live.project.queue.get(item_id)["state"] == "needs_review":
        live.app.state.web.decisions.decide(
            Actor(username=ACCEPTOR, roles=frozenset(PEOPLE[ACCEPTOR])), item_id,
            Accept(justification="set-up"))


def _after(live, item_id: int) -> tuple:  # noqa: ANN001
    row = live.project.queue.get(item_id)
    with live.project.store.read() as conn:
        steps = tuple((s["name"], s["status"]) for s in steps_of(conn, item_id))
    return row["state"], steps, row["assignee"]


def _page(live, user: str, path: str, form: dict) -> str:  # noqa: ANN001
    client = live.login(user)
    answer = client.post(path, data={"csrf_token": live.csrf(client), **form})
    return "ok" if answer.status_code == 303 else str(answer.status_code)


def _api(api: httpx.Client, item_id: int, kind: str, form: dict) -> str:
    body = {"action": kind, "reason": form.get("justification") or form.get("reason")
            or form.get("body"), "assignee": form.get("assignee"),
            "fields": {k[2:]: v for k, v in form.items() if k.startswith("f:")}}
    answer = api.post(f"/api/v1/items/{item_id}/actions", json=body)
    return "ok" if answer.status_code == 200 else str(answer.status_code)


def _check_rules(live, user: str, route: str, result: str, item_id: int) -> None:  # noqa: ANN001
    allowed = "admin" in PEOPLE[user] or bool(set(PEOPLE[user]) & set(ACCESS[route]))
    if not allowed:
        assert result == "403", (user, route, result)
    state = live.project.queue.get(item_id)["state"]
    with live.project.store.read() as conn:
        approvers = set(conn.scalars(approval_decisions.select().with_only_columns(
            approval_decisions.c.actor).where(approval_decisions.c.item_id == item_id,
                                              approval_decisions.c.decision == "approved")))
    if route in STEP_ROUTES and user == ACCEPTOR:
        assert result != "ok" or route == "approval_reject", "the acceptor approved"
    if state in ("approved", "validated"):
        assert approvers and ACCEPTOR not in approvers, (user, route, state, approvers)


@pytest.mark.parametrize("user", sorted(PEOPLE))
def test_pages_and_api_agree(live, user):  # noqa: ANN001
    routes = decision_routes(live.app)
    cases = finding_cases(live.project.settings.project_dir)
    token = live.token(user)
    api = httpx.Client(base_url=live.url, headers={"Authorization": f"Bearer {token}"}, timeout=60)
    mismatches = []
    try:
        for route, (kind, form) in FORMS.items():
            for case in cases:
                twins = [_item(live, case), _item(live, case)]
                if route in STEP_ROUTES:
                    for twin in twins:
                        _accepted(live, twin)
                assert _after(live, twins[0])[0] == _after(live, twins[1])[0]
                page = _page(live, user, routes[route].replace("{item_id}", str(twins[0])), form)
                via_api = _api(api, twins[1], kind, form)
                outcomes = [(page, *_after(live, twins[0])), (via_api, *_after(live, twins[1]))]
                if outcomes[0] != outcomes[1]:
                    mismatches.append((route, case, outcomes))
                _check_rules(live, user, route, page, twins[0])
                _check_rules(live, user, route, via_api, twins[1])
                SUMMARY["cells"] += 1
                SUMMARY["decisions"] += 2
    finally:
        api.close()
    print(f"\nmatrix {user}: {len(FORMS)} routes x {len(cases)} cases, "
          f"running total {SUMMARY['cells']} cells / {SUMMARY['decisions']} decisions")
    assert mismatches == []
