"""What the run left behind, counted against exactly-once."""

from __future__ import annotations

import math
import statistics
from collections import Counter

from sqlalchemy import select

from clerk.audit.chain import seal_all
from clerk.audit.verify import verify
from clerk.project import Project
from clerk.queue import ItemState
from clerk.store.schema import work_items

from benchmarks.chaos.erp import ChaosErp, gaps, keys_twice, numbers_twice
from benchmarks.chaos.observe import Recovery

wi = work_items.c
SETTLED = {ItemState.POSTED.value, ItemState.NEEDS_REVIEW.value, ItemState.REJECTED.value,
           ItemState.QUARANTINED.value}


def percentile(values: list[float], fraction: float) -> float | None:
    """Nearest-rank percentile; None without values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered), max(1, math.ceil(fraction * len(ordered)))) - 1]


def item_figures(project: Project, erp: ChaosErp, item_ids: list[int]) -> dict:
    """Items by end state, and the lost ones: not settled, or marked posted
    without a posted ERP record carrying their key and the id clerk recorded."""
    with project.store.read() as conn:   # a fresh store: every item is the run's
        rows = conn.execute(select(wi.id, wi.state, wi.idempotency_key, wi.erp_ref,
                                   wi.reason_code, wi.last_error, wi.lease_owner)).all()
    records = erp.records()
    by_key: dict[str, list] = {}
    for record in records:
        by_key.setdefault(record.key, []).append(record)
    states = Counter(row.state for row in rows)
    unsettled = [row.id for row in rows if row.state not in SETTLED]
    posted_missing = [row.id for row in rows if row.state == ItemState.POSTED.value
                      and not _posted_in_erp(row, by_key.get(row.idempotency_key, []))]
    numbers = erp.posted_numbers()
    return {
        "items": len(item_ids), "posted": states.get(ItemState.POSTED.value, 0),
        "in_review": states.get(ItemState.NEEDS_REVIEW.value, 0),
        "rejected": states.get(ItemState.REJECTED.value, 0),
        "quarantined": states.get(ItemState.QUARANTINED.value, 0),
        "unsettled": len(unsettled), "posted_without_erp_record": len(posted_missing),
        "lost": len(unsettled) + len(posted_missing) + len(set(item_ids) - {row.id for row in rows}),
        "lost_item_ids": (unsettled + posted_missing)[:20],
        "unsettled_why": _why(row for row in rows if row.state not in SETTLED),
        "keys_twice": keys_twice(records), "numbers_twice": numbers_twice(numbers),
        "gaps": gaps(numbers), "erp_records": len(records),
        "numbers_twice_examples": erp.numbers_twice_examples() if numbers_twice(numbers) else [],
        "erp_drafts_left": sum(1 for record in records if record.state == "draft"),
    }


def _why(rows) -> dict[str, int]:  # noqa: ANN001
    """Unsettled items by state, reason and error: what a failed run needs first."""
    return dict(Counter(f"{row.state} ({row.lease_owner or 'no lease'}) {row.reason_code or ''}: "
                        f"{(row.last_error or '')[:160]}" for row in rows).most_common(10))


def _posted_in_erp(row, records: list) -> bool:  # noqa: ANN001
    recorded = (row.erp_ref or {}).get("id")
    return any(record.state == "posted" and record.id == recorded for record in records)


def recovery_figures(recovered: list[Recovery], pending: list[Recovery]) -> dict:
    seconds = [r.seconds for r in recovered if r.seconds is not None]
    first = [r.first_at - r.killed_at for r in recovered if r.first_at is not None]
    by_phase: dict[str, list[float]] = {}
    for recovery in recovered:
        by_phase.setdefault(recovery.phase, []).append(round(recovery.seconds, 2))
    return {
        "recovery_s_median": round(statistics.median(seconds), 2) if seconds else None,
        "recovery_s_p95": round(percentile(seconds, 0.95), 2) if seconds else None,
        "recovery_s_max": round(max(seconds), 2) if seconds else None,
        # The first of a killed worker's items taken up again: about the lease's
        # remaining time; the rest may then wait for a worker with room.
        "recovery_first_item_s_median": round(statistics.median(first), 2) if first else None,
        "recovery_samples": len(seconds), "recoveries_not_seen": len(pending),
        "recovery_s_by_phase": {phase: sorted(values) for phase, values in by_phase.items()},
    }


def audit_figures(project: Project) -> dict:
    seal_all(project.store)
    report = verify(project.store)
    return {"audit_intact": report.ok, "audit_events": report.sealed + report.unsealed,
            "audit_problem": report.problem}
