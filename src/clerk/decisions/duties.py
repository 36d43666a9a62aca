"""Separation of duties, per bot (``[duties]`` in ``bots/<name>.toml``), safe by
default: whoever corrected or accepted an item never approves its steps; a
correction of the supplier, the bank account or an amount beyond a tolerance
waits for a second person; a bank account the ERP does not know waits for a
named call-back step unless the bot explicitly waives it.

The extra steps are ordinary approval steps, so the approvals machinery (SLA,
delegation, escalation, the audit trail) applies to them unchanged.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Connection, select

from clerk.review.policy import ApprovalPlan, PlannedStep
from clerk.review.settings import Step
from clerk.review.tables import approval_decisions
from clerk.store.schema import audit_events

CORRECTED, ACCEPTED = "corrected", "accepted_despite_findings"
# Audit actions whose actor may no longer approve the item's steps.
BARRING_ACTIONS = (CORRECTED, ACCEPTED)
AMOUNT_FIELDS = frozenset({"net", "tax", "gross", "payable", "line_net", "allowances", "charges",
                           "prepaid", "rounding", "net_amount", "unit_price", "quantity",
                           "taxable_amount", "tax_amount"})


class DutySettings(BaseModel):
    """A bot's ``[duties]`` table. Every default is the safe choice."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    separate_duties: bool = Field(True, description="whoever corrected or accepted an item "
                                  "may not approve any of its steps")
    confirm_fields: list[str] = Field(
        default_factory=lambda: ["seller.name", "seller.tax_id", "seller.iban"],
        description="record paths whose correction needs a second person")
    amount_tolerance: Decimal = Field(Decimal("0.00"), ge=0, description="an amount corrected by "
                                      "more than this needs a second person")
    confirmation_step: Step = Step(name="correction confirmed by a second person",
                                   approvers=["role:approver"])
    override_step: Step = Step(name="findings override approved", approvers=["role:approver"],
                               )
    bank_callback_step: Step = Step(name="bank account confirmed by call-back to the supplier",
                                    approvers=["role:approver"])
    waive_bank_callback: bool = Field(False, description="no call-back step for a bank account "
                                      "the ERP does not know (explicit waiver)")


def duty_settings(raw: dict[str, Any] | None, bot: str = "") -> DutySettings:
    from clerk.review.settings import _parse

    return _parse(DutySettings, raw or {}, f"bots/{bot}.toml", "duties")


def barred(conn: Connection, item_id: int) -> set[str]:
    """Everyone who corrected or accepted this item: none of them approves it."""
    return set(conn.scalars(select(audit_events.c.actor).where(
        audit_events.c.item_id == item_id, audit_events.c.action.in_(BARRING_ACTIONS))))


def approvers_so_far(conn: Connection, item_id: int) -> set[str]:
    return set(conn.scalars(select(approval_decisions.c.actor).where(
        approval_decisions.c.item_id == item_id)))


def needs_confirmation(changes: dict[str, list[str]], duties: DutySettings) -> list[str]:
    """Why this correction needs a second person (empty: it does not)."""
    reasons = []
    for path, (old, new) in changes.items():
        if any(path == watched or path.startswith(watched + ".") for watched in duties.confirm_fields):
            reasons.append(f"{path} changed")
        elif path.rsplit(".", 1)[-1] in AMOUNT_FIELDS and _beyond(old, new, duties.amount_tolerance):
            reasons.append(f"{path} changed by more than {duties.amount_tolerance}")
    return reasons


def _beyond(old: str, new: str, tolerance: Decimal) -> bool:
    try:
        return abs(Decimal(new or "0") - Decimal(old or "0")) > tolerance
    except InvalidOperation:
        return True


def corrections_to_confirm(conn: Connection, item_id: int) -> list[str]:
    """Reasons recorded with this item's corrections that asked for a second person."""
    reasons: list[str] = []
    for text in conn.scalars(select(audit_events.c.data).where(
            audit_events.c.item_id == item_id, audit_events.c.action == CORRECTED)):
        data = json.loads(text) if isinstance(text, str) else text   # stored as canonical JSON
        reasons += list((data or {}).get("needs_confirmation") or [])
    return reasons


def with_duty_steps(plan: ApprovalPlan, duties: DutySettings, *, confirm: list[str],
                    overridden: list[str], bank_changed: bool) -> ApprovalPlan:
    """``plan`` with the steps separation of duties asks for, after the policy's.

    ``overridden`` (blocking codes accepted despite) adds the override step when
    the policy itself asked for no one: an override never leaves unapproved.
    """
    extra = []
    if confirm:
        extra.append(duties.confirmation_step)
    if overridden and not plan.steps:
        extra.append(duties.override_step)
    if bank_changed and not duties.waive_bank_callback:
        extra.append(duties.bank_callback_step)
    names = {step.name for step in plan.steps}
    position = max((step.position for step in plan.steps), default=0)
    steps = list(plan.steps)
    for step in extra:
        if step.name in names:
            continue
        position += 1
        names.add(step.name)
        steps.append(PlannedStep(name=step.name, approvers=tuple(step.approvers), mode=step.mode,
                                 position=position, sla_hours=step.sla_hours,
                                 escalate_to=tuple(step.escalate_to)))
    duty_reasons = {"confirm": confirm, "overridden": overridden,
                    "bank_account_changed": bank_changed}
    return ApprovalPlan(steps=tuple(steps), rules=plan.rules,
                        facts={**plan.facts, "duties": duty_reasons})
