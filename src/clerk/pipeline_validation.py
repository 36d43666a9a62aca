"""The pipeline's validation and approval steps."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from clerk.models.invoice import Invoice
from clerk.queue import ItemState, Lease, WorkQueue
from clerk.store.schema import work_items

if TYPE_CHECKING:
    from clerk.pipeline import BotPipeline

wi = work_items.c


def dedupe_key(tax_id: str | None, number: str | None) -> str | None:
    """Same normalisation as the duplicate rule: tax id without spaces, upper
    case; number letters and digits only, case-folded."""
    compact_tax = "".join((tax_id or "").split()).upper()
    compact_number = "".join(c for c in (number or "") if c.isalnum()).casefold()
    return f"{compact_tax}:{compact_number}" if compact_tax and compact_number else None


def queue_duplicates_for(queue: WorkQueue):  # noqa: ANN201 - QueueDuplicates
    def find(tax_id: str, number: str) -> list[int]:
        key = dedupe_key(tax_id, number)
        if key is None:
            return []
        with queue.store.read() as conn:
            return list(conn.scalars(select(wi.id).where(
                wi.dedupe_key == key, wi.superseded_by.is_(None),
                wi.state.not_in([ItemState.REJECTED.value, ItemState.QUARANTINED.value]))))
    return find


def build_validation(pipeline: BotPipeline) -> tuple[Any, Any]:
    from clerk.validation import ValidationContext, ValidationEngine, builtin_rules, load_rules

    builtin = builtin_rules()
    keywords = pipeline.project.settings.project_dir / "keywords"
    user_rules = load_rules(keywords, reserved={spec.name for spec in builtin}) if keywords.is_dir() else []
    settings = pipeline.validation_settings
    context = ValidationContext.for_run(settings, connector=pipeline.connector,
                                        queue_duplicates=queue_duplicates_for(pipeline.project.queue))
    return ValidationEngine(builtin + list(user_rules)), context


def validate_item(pipeline: BotPipeline, queue: WorkQueue, lease: Lease) -> Lease:
    from clerk.validation import Route, decide

    row = queue.get(lease.item_id)
    record = dict(row["record"] or {})
    record_type = record.pop("record_type", "invoice")
    if record_type != "invoice":
        # Order confirmations have no ERP posting here; they are checked and kept.
        return queue.advance(lease, ItemState.NEEDS_REVIEW, reason_code="order_confirmation",
                             data={"reason": "order confirmations are matched by a person"})
    invoice = Invoice.model_validate(record)
    engine, context = pipeline.validation
    outcome = engine.validate(invoice, context.for_item(lease.item_id,
                                                        idempotency_key=row["idempotency_key"]))
    decision = decide(outcome)
    kept = _kept_findings(row)
    findings = [f.model_dump(mode="json") for f in decision.findings] + kept
    values = {"findings": findings,
              "dedupe_key": dedupe_key(invoice.seller.tax_id, invoice.number)}
    data = {"outcome": outcome.outcome.value, "rules": list(outcome.rules_run),
            "findings": findings, "reason": decision.reason}
    if decision.route is Route.NEEDS_REVIEW or any(f.get("severity") == "error" for f in kept):
        codes = sorted({f["code"] for f in findings if f.get("severity") == "error"})
        return queue.advance(lease, ItemState.NEEDS_REVIEW, reason_code=",".join(codes)[:100],
                             last_error=decision.reason, data=data, **values)
    return queue.advance(lease, ItemState.VALIDATED, data=data, **values)


def _kept_findings(row: dict[str, Any]) -> list[dict[str, Any]]:
    """Findings of earlier steps (OCR confidence, EN 16931 on the document) are not the rules' to drop."""
    return [f for f in (row["findings"] or []) if str(f.get("rule") or "").startswith(("ocr", "en16931"))]


def approval_route(pipeline: BotPipeline, queue: WorkQueue, lease: Lease) -> Lease:
    """Clean records go to the approvers the bot's policy names (the steps and
    the move written in one transaction by the review package), else to posting."""
    if pipeline.bot.approval:
        from clerk.review.hooks import route_approval

        moved = route_approval(pipeline, queue, lease)
        if moved is not None:
            return moved
    return queue.advance(lease, ItemState.POSTING)
