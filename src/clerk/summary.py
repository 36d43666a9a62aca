"""What a bot's items came to, in words a newcomer understands."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from clerk.project import Project
from clerk.queue import ItemState
from clerk.store.schema import work_items

wi = work_items.c


def bot_summary(project: Project, bot: str) -> dict[str, Any]:
    """The bot's live items (every run so far): documents collected, parts refused
    at intake, duplicates received again, and where each item stands now."""
    with project.store.read() as conn:
        rows = conn.execute(select(wi.id, wi.state, wi.record, wi.erp_ref, wi.reason_code,
                                   wi.findings, wi.last_error, wi.payload)
                            .where(wi.bot == bot, wi.superseded_by.is_(None))
                            .order_by(wi.id)).all()
        duplicates = conn.scalar(select(func.coalesce(func.sum(wi.duplicates), 0))
                                 .where(wi.bot == bot)) or 0
    # Counted as a run counts them (intake.IntakeSummary): a refused part is an item
    # but not a collected document. Counting every item as "collected" made this
    # summary disagree with the count `clerk run` prints.
    refused = sum(1 for row in rows if (row.payload or {}).get("document_kind") == "quarantined")
    summary: dict[str, Any] = {"bot": bot, "collected": len(rows) - refused, "refused_at_intake": refused,
                               "duplicates": int(duplicates),
                               "posted": [], "review": [], "quarantined": [], "other": {}}
    for row in rows:
        state = ItemState(row.state)
        record = row.record or {}
        supplier = (record.get("seller") or {}).get("name") or record.get("supplier") or "?"
        number = record.get("number") or record.get("confirmation_number") or "?"
        if state == ItemState.POSTED:
            summary["posted"].append({"item": row.id, "supplier": supplier, "number": number,
                                      "erp_number": (row.erp_ref or {}).get("number")})
        elif state in (ItemState.NEEDS_REVIEW, ItemState.AWAITING_APPROVAL):
            summary["review"].append({"item": row.id, "supplier": supplier, "number": number,
                                      "why": _why(row)})
        elif state == ItemState.QUARANTINED:
            summary["quarantined"].append({"item": row.id, "file": row.payload.get("filename", "?"),
                                           "why": row.reason_code or ""})
        else:
            summary["other"][state.value] = summary["other"].get(state.value, 0) + 1
    return summary


def _why(row: Any) -> str:
    errors = [f for f in (row.findings or []) if f.get("severity") == "error"]
    if errors:
        return "; ".join(f"{f['code']}: {f['message']}" for f in errors[:3])
    if row.state == ItemState.AWAITING_APPROVAL.value:
        return "waiting for approval"
    if row.reason_code == "order_confirmation":
        return "order confirmation: a buyer checks it against the purchase order"
    return f"{row.reason_code or ''} {row.last_error or ''}".strip()
