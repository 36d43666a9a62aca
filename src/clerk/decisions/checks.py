"""Re-validation inside a decision: the bot's full rule set (built-in rules and
the project's ``keywords/``) with the same ERP look-ups a worker makes, and
what the ERP knows about the supplier for the approval policy.

One ``RecordChecks`` per bot, built once per process; each decision gets a
fresh look-up cache, so a supplier's bank accounts are never stale.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from clerk.errors import BusinessException, SystemException
from clerk.models.invoice import Invoice
from clerk.review.policy import ErpFacts

if TYPE_CHECKING:
    from clerk.pipeline import BotPipeline
    from clerk.queue import WorkQueue


class ErpNeeded(BusinessException):
    """The decision needs the ERP and the ERP did not answer: nothing changed."""

    def __init__(self, detail: str):
        super().__init__("erp_unavailable", "the ERP could not be asked to re-check the "
                         f"record, so nothing was changed; try again ({detail})")


@dataclass(frozen=True)
class Checked:
    """The rules' verdict on a record, as a worker would store it."""

    findings: list[dict[str, Any]]
    reason: str
    facts: ErpFacts = field(default_factory=ErpFacts)
    rules: tuple[str, ...] = ()
    held: bool = False          # stays with people whatever the findings (not postable)

    @property
    def blocking(self) -> list[str]:
        return sorted({f["code"] for f in self.findings if f.get("severity") == "error"})


class RecordChecks:
    """The worker's validation of one bot, callable from a request."""

    def __init__(self, pipeline: BotPipeline):
        self.pipeline = pipeline
        # The connector is one HTTP session: decisions take turns using it.
        self._lock = threading.Lock()

    def check(self, queue: WorkQueue, row: dict[str, Any], record: Any) -> Checked:
        """Run every rule on ``record`` (the item's, or its correction)."""
        if not isinstance(record, Invoice):
            # Order confirmations are matched by a person: no rules, no ERP.
            return Checked(findings=_kept_findings(row), reason="matched by a person", held=True)
        try:
            with self._lock:
                return self._check_invoice(queue, row, record)
        except SystemException as exc:
            raise ErpNeeded(exc.message) from None

    def _check_invoice(self, queue: WorkQueue, row: dict[str, Any], invoice: Invoice) -> Checked:
        from clerk.review.hooks import erp_facts
        from clerk.validation import ValidationContext, decide

        engine, run_context = self.pipeline.validation
        context = ValidationContext.for_run(run_context.settings, connector=self.pipeline.connector,
                                            queue_duplicates=run_context.queue_duplicates)
        # An item already in the ERP is not its own duplicate (as on replay).
        erp_id = (row.get("erp_ref") or {}).get("id")
        outcome = engine.validate(invoice, context.for_item(row["id"], erp_id))
        decision = decide(outcome)
        findings = [f.model_dump(mode="json") for f in decision.findings] + _kept_findings(row)
        facts = erp_facts(self.pipeline, queue, invoice)
        return Checked(findings=findings, reason=decision.reason, facts=facts,
                       rules=tuple(outcome.rules_run))


def _kept_findings(row: dict[str, Any]) -> list[dict[str, Any]]:
    from clerk.pipeline_validation import _kept_findings as kept

    return kept(row)
