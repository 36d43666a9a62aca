"""What-if replay: which past items would the current rules judge differently?

Re-validates stored records with the current engine and reports the items
whose outcome flips (clean / warnings / errors), with the findings that
appeared and disappeared. It changes nothing: no state, no store, no ERP
write (rules only read through the look-up cache).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from clerk.models.finding import Finding, Outcome, ValidationOutcome
from clerk.models.invoice import Invoice
from clerk.validation.context import ValidationContext
from clerk.validation.engine import ValidationEngine


class StoredOutcome(BaseModel):
    """One past work item as the store holds it.

    ``record`` and ``outcome`` are the stored JSON (text or already parsed);
    ``erp_id`` is the ERP record the item was posted as, if it was, so the
    duplicate check does not flag the item as a duplicate of itself.
    """

    model_config = ConfigDict(frozen=True)

    item_id: int
    record: str | dict[str, Any]
    outcome: str | dict[str, Any]
    erp_id: int | None = None


class ReplayChange(BaseModel):
    model_config = ConfigDict(frozen=True)

    item_id: int
    old: Outcome
    new: Outcome
    added: tuple[Finding, ...]        # found now, not before
    removed: tuple[Finding, ...]      # found before, not now


class ReplaySkip(BaseModel):
    """A stored item that could not be replayed (unreadable record or outcome)."""

    model_config = ConfigDict(frozen=True)

    item_id: int
    reason: str


class ReplayReport(BaseModel):
    model_config = ConfigDict(frozen=True)

    rules: tuple[str, ...]
    checked: int
    changed: tuple[ReplayChange, ...]
    skipped: tuple[ReplaySkip, ...]

    @property
    def unchanged(self) -> int:
        return self.checked - len(self.changed)


def _parse(model: type[BaseModel], stored: str | dict[str, Any]) -> Any:
    if isinstance(stored, str):
        return model.model_validate_json(stored)
    return model.model_validate(stored)


def _difference(old: tuple[Finding, ...], new: tuple[Finding, ...]
                ) -> tuple[tuple[Finding, ...], tuple[Finding, ...]]:
    old_ids = {f.identity for f in old}
    new_ids = {f.identity for f in new}
    return (tuple(f for f in new if f.identity not in old_ids),
            tuple(f for f in old if f.identity not in new_ids))


def _short(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "(root)"
    return f"{error.error_count()} problem(s), first at {where}: {first['msg']}"


def replay(items: Iterable[StoredOutcome], engine: ValidationEngine,
           context: ValidationContext, record_type: type[BaseModel] = Invoice) -> ReplayReport:
    """Re-run ``engine`` over stored items; report those whose outcome would change.

    A ``SystemException`` (the ERP is unreachable) propagates: a replay
    against a missing ERP would report nonsense.
    """
    checked = 0
    changed: list[ReplayChange] = []
    skipped: list[ReplaySkip] = []
    for item in items:
        try:
            record = _parse(record_type, item.record)
            old = _parse(ValidationOutcome, item.outcome)
        except ValidationError as exc:
            skipped.append(ReplaySkip(item_id=item.item_id, reason=_short(exc)))
            continue
        checked += 1
        new = engine.validate(record, context.for_item(item.item_id, item.erp_id))
        if new.outcome is not old.outcome:
            added, removed = _difference(old.findings, new.findings)
            changed.append(ReplayChange(item_id=item.item_id, old=old.outcome,
                                        new=new.outcome, added=added, removed=removed))
    return ReplayReport(rules=engine.rule_names, checked=checked,
                        changed=tuple(changed), skipped=tuple(skipped))


def _finding_line(sign: str, finding: Finding) -> str:
    where = f" [{finding.field}]" if finding.field else ""
    return f"    {sign} {finding.severity.value} {finding.code}{where}: {finding.message}"


def render_replay(report: ReplayReport) -> str:
    """The report as plain text for the terminal (``clerk rules replay``)."""
    lines = [f"replayed {report.checked} item(s) with {len(report.rules)} rule(s): "
             f"{len(report.changed)} would change, {report.unchanged} unchanged"
             + (f", {len(report.skipped)} skipped" if report.skipped else "")]
    for change in report.changed:
        lines.append(f"  item {change.item_id}: {change.old.value} -> {change.new.value}")
        lines.extend(_finding_line("+", f) for f in change.added)
        lines.extend(_finding_line("-", f) for f in change.removed)
    for skip in report.skipped:
        lines.append(f"  item {skip.item_id}: skipped ({skip.reason})")
    return "\n".join(lines)
