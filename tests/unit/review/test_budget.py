"""The over_budget rule: spend per cost center and period against [[web.budgets]]."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from clerk.models.invoice import DocumentType
from clerk.queue import ItemState
from clerk.review.budget import (
    BudgetContext,
    budget_findings,
    over_budget,
    plan_with_budget,
)
from clerk.review.policy import ErpFacts
from clerk.review.settings import ApprovalPolicy, Budget
from clerk.validation import ValidationEngine
from tests.unit.review.conftest import invoice, item_in

NOV = date(2026, 11, 10)
BUDGETS = (Budget(cost_center="CC-7", period="2026-11", amount=Decimal(1000)),)
# 10 x 42.00 = 420.00 net, 499.80 gross
LINES = (("TONER-K", "10", "42.00"),)


def _invoice(number="INV-1", cost_center="CC-7", day=NOV, **kw):
    record = invoice(LINES, number=number, issue_date=day, **kw)
    return record.model_copy(update={"buyer_reference": cost_center})


def _context(spent: str) -> BudgetContext:
    return BudgetContext(BUDGETS, lambda cost_center, period: Decimal(spent))


def test_under_budget_no_finding():
    assert over_budget(_invoice(), _context("500.20")) == []      # 500.20 + 499.80 = 1000


def test_over_budget_is_a_warning_with_the_figures():
    [finding] = over_budget(_invoice(), _context("500.21"))
    assert (finding.code, finding.severity.value, finding.field) == ("over_budget", "warning",
                                                                     "buyer_reference")
    assert (finding.expected, finding.actual) == ("1000", "1000.01")


def test_other_cost_center_or_period_or_none_is_not_checked():
    assert over_budget(_invoice(cost_center="CC-8"), _context("9999")) == []
    assert over_budget(_invoice(day=date(2026, 12, 1)), _context("9999")) == []
    assert over_budget(_invoice(cost_center=None), _context("9999")) == []


def test_a_yearly_budget_covers_every_month():
    context = BudgetContext((Budget(cost_center="CC-7", period="2026", amount=Decimal(400)),),
                            lambda cc, period: Decimal(0))
    assert [f.code for f in over_budget(_invoice(day=date(2026, 2, 1)), context)] == ["over_budget"]


def test_is_a_registered_rule_the_engine_runs():
    engine = ValidationEngine([over_budget])
    outcome = engine.validate(_invoice(), _context("600"))
    assert engine.rule_names == ("over_budget",)
    assert [f.rule for f in outcome.findings] == ["over_budget"]


def test_spend_counts_posted_and_pending_items_of_the_store(queue, people):
    policy = ApprovalPolicy()
    # Two earlier invoices of CC-7 on their way: 499.80 each; one in review does not count.
    # (item_in leases the next free item, so each item keeps its lease)
    for n in range(2):
        item_in(queue, ItemState.VALIDATED, record=_invoice(f"A-{n}"), key=f"a{n}")
    item_in(queue, ItemState.NEEDS_REVIEW, record=_invoice("R-1"), key="r1")
    item_in(queue, ItemState.VALIDATED, record=_invoice("O-1", cost_center="CC-8"), key="o1")
    item_id, _ = item_in(queue, ItemState.VALIDATED, record=_invoice("NEW"), key="new")
    # 2 x 499.80 (others) + 499.80 (this one) = 1499.40 > 1000; CC-8 and review excluded
    [finding] = budget_findings(queue.store, BUDGETS, policy, item_id, _invoice("NEW"))
    assert finding["actual"] == "1499.40" and finding["rule"] == "over_budget"
    roomy = (Budget(cost_center="CC-7", period="2026-11", amount=Decimal("1499.40")),)
    assert budget_findings(queue.store, roomy, policy, item_id, _invoice("NEW")) == []


def test_a_credit_note_gives_budget_back(queue, people):
    credit = _invoice("CN-1").model_copy(update={"type": DocumentType.CREDIT_NOTE})
    item_in(queue, ItemState.VALIDATED, record=credit, key="cn")
    item_id, _ = item_in(queue, ItemState.VALIDATED, record=_invoice("B-1"), key="b1")
    tight = (Budget(cost_center="CC-7", period="2026-11", amount=Decimal(0)),)
    assert budget_findings(queue.store, tight, ApprovalPolicy(), item_id, _invoice("B-1")) == []


def test_over_budget_routes_to_the_higher_approver(queue, people):
    policy = ApprovalPolicy.model_validate({"rules": [
        {"name": "normal", "steps": [{"name": "head", "approvers": ["dana"]}]},
        {"name": "budget", "when": {"findings": ["over_budget"]},
         "steps": [{"name": "cfo", "approvers": ["amy"]}]}]})
    item_id, _ = item_in(queue, ItemState.VALIDATED, record=_invoice(), key="x")
    row = queue.get(item_id)
    tight = (Budget(cost_center="CC-7", period="2026-11", amount=Decimal(100)),)
    plan, findings = plan_with_budget(queue.store, tight, policy, row, _invoice(), ErpFacts())
    assert [s.name for s in plan.steps] == ["head", "cfo"] and plan.rules == ("normal", "budget")
    assert [f["code"] for f in findings] == ["over_budget"]
    plan, findings = plan_with_budget(queue.store, BUDGETS, policy, row, _invoice(), ErpFacts())
    assert [s.name for s in plan.steps] == ["head"] and findings is None
