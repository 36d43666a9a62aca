"""The one place an item's approval plan is made, for the worker and for people:
the bot's policy on the full context (findings with expected/actual values,
the supplier's bank accounts from the ERP, amounts, cost centre, budgets),
then the steps separation of duties adds."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from clerk.bots import BotDefinition
from clerk.decisions.duties import DutySettings, duty_settings, with_duty_steps
from clerk.review.budget import plan_with_budget
from clerk.review.policy import ApprovalPlan, ErpFacts, record_facts
from clerk.review.settings import Budget, approval_policy
from clerk.store import Store

BANK_ACCOUNT_CHANGED = "bank_account_changed"


def duties_of(bot: BotDefinition) -> DutySettings:
    return duty_settings(getattr(bot, "duties", None), bot.name)


def plan_for(store: Store, budgets: Sequence[Budget], bot: BotDefinition, row: Mapping[str, Any],
             record: Any, facts: ErpFacts, *, confirm: list[str],
             overridden: list[str]) -> tuple[ApprovalPlan, list[dict[str, Any]] | None]:
    """The item's plan, and its findings when the budget check changed them.

    ``confirm``: why a correction needs a second person; ``overridden``: the
    blocking finding codes a person accepted despite.
    """
    policy = approval_policy(bot)
    plan, findings = plan_with_budget(store, budgets, policy, row, record, facts)
    # Asked whatever the policy says: a call-back does not depend on a rule matching.
    known = record_facts(record, row, policy, facts)
    bank_changed = known[BANK_ACCOUNT_CHANGED] or BANK_ACCOUNT_CHANGED in overridden
    return with_duty_steps(plan, duties_of(bot), confirm=confirm, overridden=overridden,
                           bank_changed=bank_changed), findings
