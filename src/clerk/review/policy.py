"""Which clean records need people before posting: an approval policy maps a
record (and what the ERP knows about its supplier) to an ``ApprovalPlan``.

Pure functions: no store, no clock, so the pipeline can call them anywhere
and tests can enumerate cases.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from clerk.review.settings import ApprovalPolicy, Condition, PolicyRule
from clerk.validation.settings import normalise_tax_id


@dataclass(frozen=True)
class ErpFacts:
    """What the ERP says about the record's supplier (looked up by the pipeline)."""

    supplier_known: bool = True
    first_invoice: bool = False
    bank_accounts: tuple[str, ...] = ()   # IBANs the ERP has for the supplier


@dataclass(frozen=True)
class PlannedStep:
    name: str
    approvers: tuple[str, ...]
    mode: str                       # "any" | "all"
    position: int                   # steps with the same position run in parallel
    sla_hours: float | None = None
    escalate_to: tuple[str, ...] = ()


@dataclass(frozen=True)
class ApprovalPlan:
    """Steps a record must pass before posting; empty means post directly."""

    steps: tuple[PlannedStep, ...] = ()
    rules: tuple[str, ...] = ()     # names of the policy rules that matched
    facts: dict[str, Any] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.steps)

    def describe(self) -> dict[str, Any]:
        return {"rules": list(self.rules), "facts": self.facts,
                "steps": [{"name": s.name, "position": s.position, "mode": s.mode,
                           "approvers": list(s.approvers)} for s in self.steps]}


def as_facts(erp_facts: ErpFacts | Mapping[str, Any] | None) -> ErpFacts:
    if isinstance(erp_facts, ErpFacts):
        return erp_facts
    data = dict(erp_facts or {})
    return ErpFacts(supplier_known=bool(data.get("supplier_known", True)),
                    first_invoice=bool(data.get("first_invoice", False)),
                    bank_accounts=tuple(data.get("bank_accounts") or ()))


def record_facts(record: Any, item_row: Mapping[str, Any], policy: ApprovalPolicy,
                 facts: ErpFacts) -> dict[str, Any]:
    """The figures conditions are evaluated on, kept in the plan for the audit trail."""
    seller = getattr(record, "seller", None)
    iban = getattr(seller, "iban", None)
    cost_center = getattr(record, policy.cost_center_field, None)
    known = {normalise_tax_id(a) for a in facts.bank_accounts}
    totals = getattr(record, "totals", None)
    return {
        "amount": str(getattr(totals, "gross", "0")),
        "supplier_tax_id": normalise_tax_id(getattr(seller, "tax_id", None)),
        "supplier_name": getattr(seller, "name", None),
        "cost_center": cost_center,
        "department": policy.departments.get(cost_center or ""),
        "document_type": getattr(getattr(record, "type", None), "value", None),
        "first_invoice": facts.first_invoice,
        "bank_account_changed": bool(iban and known and normalise_tax_id(iban) not in known),
        "finding_codes": sorted({f.get("code") for f in item_row.get("findings") or []
                                 if isinstance(f, Mapping)}),
    }


def matches(when: Condition, facts: dict[str, Any]) -> bool:
    amount = Decimal(facts["amount"])
    suppliers = {normalise_tax_id(s) for s in when.suppliers} | {s.casefold() for s in when.suppliers}
    checks = [
        when.min_amount is None or amount >= when.min_amount,
        when.max_amount is None or amount < when.max_amount,
        not when.suppliers or facts["supplier_tax_id"] in suppliers
        or (facts["supplier_name"] or "").casefold() in suppliers,
        not when.cost_centers or facts["cost_center"] in when.cost_centers,
        not when.departments or facts["department"] in when.departments,
        not when.document_types or facts["document_type"] in when.document_types,
        when.first_invoice is None or facts["first_invoice"] == when.first_invoice,
        when.bank_account_changed is None
        or facts["bank_account_changed"] == when.bank_account_changed,
        not when.findings or bool(set(when.findings) & set(facts["finding_codes"])),
    ]
    return all(checks)


def approval_plan(record: Any, item_row: Mapping[str, Any], policy: ApprovalPolicy | None,
                  erp_facts: ErpFacts | Mapping[str, Any] | None) -> ApprovalPlan:
    """The approval steps ``record`` needs under ``policy``; empty plan: post directly.

    Matching rules add their steps in order (sequentially, or all at once for a
    ``parallel`` rule); a step named twice is kept once, at its first place.
    """
    if policy is None or not policy.rules:
        return ApprovalPlan()
    facts = record_facts(record, item_row, policy, as_facts(erp_facts))
    matched = [rule for rule in policy.rules if matches(rule.when, facts)]
    steps: list[PlannedStep] = []
    position = 0
    for rule in matched:
        position = _add_rule_steps(rule, steps, position)
    return ApprovalPlan(steps=tuple(steps), rules=tuple(r.name for r in matched), facts=facts)


def _add_rule_steps(rule: PolicyRule, steps: list[PlannedStep], position: int) -> int:
    seen = {step.name for step in steps}
    opened = False
    for step in rule.steps:
        if step.name in seen:
            continue
        if not (rule.parallel and opened):
            position += 1
            opened = True
        steps.append(PlannedStep(name=step.name, approvers=tuple(step.approvers), mode=step.mode,
                                 position=position, sla_hours=step.sla_hours,
                                 escalate_to=tuple(step.escalate_to)))
        seen.add(step.name)
    return position
