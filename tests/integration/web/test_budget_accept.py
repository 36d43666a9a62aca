"""Accepting a record in the browser counts its budget: over budget opens the
higher approver's step too."""

from datetime import date
from decimal import Decimal

import pytest

pytestmark = pytest.mark.integration

from clerk.bots import BotDefinition
from clerk.queue import ItemState
from clerk.review.approvals import steps_of
from clerk.review.settings import Budget, WebSettings
from tests.unit.review.conftest import invoice
from tests.unit.web.conftest import csrf_of, item_in, login

BOTS = {"invoices": BotDefinition(name="invoices", approval={"rules": [
    {"name": "all", "steps": [{"name": "head", "approvers": ["dana"]}]},
    {"name": "budget", "when": {"findings": ["over_budget"]},
     "steps": [{"name": "cfo", "approvers": ["amy"]}]}]})}


@pytest.fixture
def budget_app(project, clock, directory, erp_connector_factory):
    from clerk.web.app import create_app

    # 10 x 4.20 = 42.00 net, 49.98 gross, in November 2026 for cost center CC-7
    budgets = [Budget(cost_center="CC-7", period="2026-11", amount=Decimal(40))]
    app = create_app(project, WebSettings(secure_cookies=False, budgets=budgets), clock=clock,
                     directory=directory, bots=BOTS, connector_factory=erp_connector_factory)
    yield app
    app.state.web.decisions.close()


@pytest.mark.parametrize(("cost_center", "steps"), [("CC-7", ["head", "cfo"]), ("CC-8", ["head"])])
def test_accept_over_budget_adds_the_higher_step(budget_app, project, people, cost_center, steps):
    record = invoice(issue_date=date(2026, 11, 3)).model_copy(update={"buyer_reference": cost_center})
    item_id = item_in(project.queue, ItemState.NEEDS_REVIEW, record=record, key="b")
    reviewer = login(budget_app, "rob")
    reviewer.post(f"/items/{item_id}/accept", data={"csrf_token": csrf_of(reviewer),
                                                    "justification": "price agreed"})
    assert project.queue.get(item_id)["state"] == "awaiting_approval"
    with project.store.read() as conn:
        assert [s["name"] for s in steps_of(conn, item_id)] == steps
