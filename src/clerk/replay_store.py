"""What-if replay over the store: the current rules against past items."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import select

from clerk.bots import BotDefinition
from clerk.project import Project
from clerk.queue import ItemState
from clerk.store.schema import work_items

wi = work_items.c
VALIDATED_ONCE = [s.value for s in (ItemState.VALIDATED, ItemState.AWAITING_APPROVAL,
                                    ItemState.APPROVED, ItemState.POSTING, ItemState.POSTED,
                                    ItemState.NEEDS_REVIEW, ItemState.REJECTED)]


def stored_outcomes(project: Project, bot: str, since: datetime) -> Iterator:
    """Items of ``bot`` validated at least once and changed since ``since``."""
    from clerk.validation import StoredOutcome

    query = (select(wi.id, wi.record, wi.findings, wi.erp_ref)
             .where(wi.bot == bot, wi.updated_at >= since, wi.record.is_not(None),
                    wi.findings.is_not(None), wi.state.in_(VALIDATED_ONCE),
                    wi.superseded_by.is_(None))
             .order_by(wi.id))
    with project.store.read() as conn:
        rows = conn.execute(query).all()
    for row in rows:
        record = {k: v for k, v in row.record.items() if k != "record_type"}
        if row.record.get("record_type", "invoice") != "invoice":
            continue
        findings = [f for f in row.findings if not str(f.get("rule") or "").startswith("ocr")]
        yield StoredOutcome(item_id=row.id, record=record, outcome={"findings": findings},
                            erp_id=(row.erp_ref or {}).get("id"))


def replay_bot(project: Project, bot: BotDefinition, since: datetime):  # noqa: ANN201 - ReplayReport
    """Re-run the bot's current rules over its stored items; changes nothing."""
    from clerk.pipeline import BotPipeline
    from clerk.validation import replay

    pipeline = BotPipeline(project, bot)
    try:
        engine, context = pipeline.validation
        return replay(stored_outcomes(project, bot.name, since), engine, context)
    finally:
        pipeline.close()
