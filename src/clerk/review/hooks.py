"""The pipeline's entry into approvals: what the ERP knows about the supplier,
the bot's policy, and the plan written for approvers to act on.

``route_approval`` is the preferred hook (it writes the steps and moves the
item in one transaction); ``plan_approval`` serves a pipeline that makes the
move itself: it writes the steps first (replacing steps of an earlier,
interrupted attempt) and returns the plan for the move's audit event.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, select

from clerk.models.invoice import Invoice
from clerk.queue import ItemState, Lease, WorkQueue
from clerk.review.approvals import open_approval
from clerk.review.policy import ApprovalPlan, ErpFacts
from clerk.review.settings import approval_policy, web_settings
from clerk.review.tables import approval_decisions, approval_steps
from clerk.store.schema import work_items

if TYPE_CHECKING:
    from clerk.pipeline import BotPipeline

wi = work_items.c


def erp_facts(pipeline: BotPipeline, queue: WorkQueue, invoice: Invoice) -> ErpFacts:
    """Supplier known? First invoice from it? Its bank accounts in the ERP."""
    seller = invoice.seller
    supplier = pipeline.connector.find_supplier(tax_id=seller.tax_id, name=seller.name)
    if supplier is None:
        return ErpFacts(supplier_known=False, first_invoice=True)
    tax = "".join((seller.tax_id or "").split()).upper()
    with queue.store.read() as conn:
        posted_here = conn.scalar(select(func.count()).select_from(work_items).where(
            wi.state == ItemState.POSTED.value, wi.dedupe_key.like(f"{tax}:%"))) if tax else 0
    first = not posted_here and not pipeline.connector.open_invoices(supplier.id)
    return ErpFacts(supplier_known=True, first_invoice=first, bank_accounts=supplier.ibans)


def _plan(pipeline: BotPipeline, queue: WorkQueue,
          lease: Lease) -> tuple[ApprovalPlan, list[dict[str, Any]] | None]:
    """The plan (the policy's steps and the duty steps), and the item's findings
    when the budget check changed them."""
    from clerk.decisions.duties import corrections_to_confirm
    from clerk.decisions.planning import plan_for

    row = queue.get(lease.item_id)
    record = {k: v for k, v in (row["record"] or {}).items() if k != "record_type"}
    invoice = Invoice.model_validate(record)
    with queue.store.read() as conn:
        # A correction that asked for a second person is held to it on every path.
        confirm = corrections_to_confirm(conn, lease.item_id)
    if not approval_policy(pipeline.bot).rules and not confirm:
        return ApprovalPlan(), None
    budgets = web_settings(pipeline.project.settings.web).budgets
    return plan_for(queue.store, budgets, pipeline.bot, row, invoice,
                    erp_facts(pipeline, queue, invoice), confirm=confirm, overridden=[])


def route_approval(pipeline: BotPipeline, queue: WorkQueue, lease: Lease) -> Lease | None:
    """Move the item to ``awaiting_approval`` with its steps, or None: post directly.
    An ``over_budget`` finding is stored with the item in the same move."""
    plan, findings = _plan(pipeline, queue, lease)
    if not plan:
        return None
    with queue.store.write() as conn:
        open_approval(conn, queue, lease.item_id, plan, actor=lease.worker,
                      from_state=lease.state, lease=lease,
                      values={"findings": findings} if findings is not None else None)
    return lease.moved_to(ItemState.AWAITING_APPROVAL)


def plan_approval(pipeline: BotPipeline, queue: WorkQueue, lease: Lease) -> dict[str, Any] | None:
    """Write the plan's steps (the caller moves the item) and describe it; None: post."""
    plan, _ = _plan(pipeline, queue, lease)
    if not plan:
        return None
    from clerk.review.approvals import write_steps

    with queue.store.write() as conn:
        # An earlier attempt may have written steps and then lost its lease.
        if conn.scalar(select(func.count()).select_from(approval_decisions)
                       .where(approval_decisions.c.item_id == lease.item_id)):
            raise RuntimeError(f"item {lease.item_id} already has approval decisions")
        conn.execute(delete(approval_steps).where(approval_steps.c.item_id == lease.item_id))
        write_steps(conn, lease.item_id, plan, queue.clock())
    return plan.describe()
