"""Budgets per cost center and period (``[[web.budgets]]`` in config/clerk.toml)
and the ``over_budget`` rule that checks a record against them.

Spend is what the cost center has committed in the budget's period: items
posted, and items on their way to posting (validated, awaiting approval,
approved, posting), plus the invoice at hand. An item waiting for a reviewer
is not counted: it may still be rejected, and is counted when it comes back.

The finding is a *warning*: nothing is wrong with the record, it needs
someone with more authority. The bot's approval policy routes it, e.g.::

    [[approval.rules]]
    name = "over budget"
    when = { findings = ["over_budget"] }
    steps = [{ name = "cfo", approvers = ["carla"] }]
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select

from clerk.models.finding import Finding, warning
from clerk.models.invoice import DocumentType, Invoice
from clerk.queue import ItemState
from clerk.review.policy import ApprovalPlan, ErpFacts, approval_plan
from clerk.review.settings import ApprovalPolicy, Budget
from clerk.store import Store
from clerk.store.schema import work_items
from clerk.validation.registry import rule

__all__ = ["SPENDING_STATES", "BudgetContext", "budget_findings", "over_budget", "plan_with_budget",
           "spend_in_store"]

wi = work_items.c
OVER_BUDGET = "over_budget"
SPENDING_STATES = (ItemState.VALIDATED, ItemState.AWAITING_APPROVAL, ItemState.APPROVED,
                   ItemState.POSTING, ItemState.POSTED)
Spend = Callable[[str, str], Decimal]
"""``(cost_center, period) -> spend so far`` (not counting the record being checked)."""


@dataclass(frozen=True)
class BudgetContext:
    """What the ``over_budget`` rule consults besides the record."""

    budgets: tuple[Budget, ...]
    spend: Spend
    cost_center_field: str = "buyer_reference"


def in_period(day: date, period: str) -> bool:
    """``period`` is ``YYYY`` or ``YYYY-MM``."""
    return day.isoformat().startswith(period)


def signed_gross(invoice: Invoice) -> Decimal:
    """A credit note gives budget back."""
    gross = invoice.totals.gross
    return -gross if invoice.type == DocumentType.CREDIT_NOTE else gross


@rule(OVER_BUDGET, applies_to=Invoice)
def over_budget(invoice: Invoice, context: BudgetContext) -> list[Finding]:
    """Cost center spend in the period, this invoice included, is above its budget."""
    cost_center = getattr(invoice, context.cost_center_field, None)
    if not cost_center:
        return []
    findings = []
    for budget in context.budgets:
        if budget.cost_center != cost_center or not in_period(invoice.issue_date, budget.period):
            continue
        spent = context.spend(cost_center, budget.period) + signed_gross(invoice)
        if spent > budget.amount:
            findings.append(warning(
                OVER_BUDGET, f"cost center {cost_center} would spend {spent} in {budget.period}, "
                f"over its budget of {budget.amount}", context.cost_center_field,
                expected=budget.amount, actual=spent))
    return findings


def spend_in_store(store: Store, *, cost_center_field: str,
                   exclude_item: int | None = None) -> Spend:
    """Spend from the work items in ``store`` (every bot's), ``exclude_item`` left out."""

    def spend(cost_center: str, period: str) -> Decimal:
        query = select(wi.record).where(wi.state.in_([s.value for s in SPENDING_STATES]),
                                        wi.record.is_not(None), wi.superseded_by.is_(None))
        if exclude_item is not None:
            query = query.where(wi.id != exclude_item)
        with store.read() as conn:
            records = conn.scalars(query).all()
        return sum((_amount(r) for r in records
                    if _counts(r, cost_center_field, cost_center, period)), Decimal(0))

    return spend


def _counts(record: Mapping[str, Any], field: str, cost_center: str, period: str) -> bool:
    return (record.get("record_type", "invoice") == "invoice"
            and record.get(field) == cost_center
            and str(record.get("issue_date") or "").startswith(period))


def _amount(record: Mapping[str, Any]) -> Decimal:
    try:
        gross = Decimal(str((record.get("totals") or {}).get("gross") or "0"))
    except InvalidOperation:
        return Decimal(0)
    return -gross if record.get("type") == DocumentType.CREDIT_NOTE.value else gross


def budget_findings(store: Store, budgets: Sequence[Budget], policy: ApprovalPolicy,
                    item_id: int, invoice: Invoice) -> list[dict[str, Any]]:
    """The ``over_budget`` findings of ``invoice`` (as stored with a work item)."""
    if not budgets:
        return []
    context = BudgetContext(tuple(budgets), spend_in_store(
        store, cost_center_field=policy.cost_center_field, exclude_item=item_id),
        policy.cost_center_field)
    return [f.model_copy(update={"rule": OVER_BUDGET}).model_dump(mode="json")
            for f in over_budget(invoice, context)]


def plan_with_budget(store: Store, budgets: Sequence[Budget], policy: ApprovalPolicy,
                     row: Mapping[str, Any], record: Any,
                     facts: ErpFacts) -> tuple[ApprovalPlan, list[dict[str, Any]] | None]:
    """The approval plan of ``row``'s record with its budget findings counted in,
    and the item's new findings (None: unchanged)."""
    over = budget_findings(store, budgets, policy, row["id"], record) \
        if isinstance(record, Invoice) else []
    findings = with_findings(row, over) if over else None
    if findings is not None:
        row = {**row, "findings": findings}
    return approval_plan(record, row, policy, facts), findings


def with_findings(row: Mapping[str, Any], findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The row's findings with ``findings`` in place of earlier budget findings."""
    kept = [f for f in row.get("findings") or [] if not (isinstance(f, Mapping)
                                                         and f.get("code") == OVER_BUDGET)]
    return kept + findings
