"""Required fields: the configured dotted paths must hold a value.

Paths come from ``ValidationSettings.required_fields``: ``seller.tax_id``,
``order_reference``, ``lines`` (at least one line), and ``lines[].unit``
(every line must have a unit; the finding names the line, ``lines[2].unit``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from clerk.models.finding import Finding, error
from clerk.models.invoice import Invoice
from clerk.validation.context import ValidationContext
from clerk.validation.registry import rule

MISSING_FIELD = "missing_field"
_ABSENT = object()


def _resolve(value: Any, parts: list[str], prefix: str) -> Iterator[tuple[str, Any]]:
    """Yield ``(concrete path, value)`` for a path; ``name[]`` fans out over items."""
    if not parts:
        yield prefix, value
        return
    head, rest = parts[0], parts[1:]
    fan_out = head.endswith("[]")
    name = head[:-2] if fan_out else head
    child = getattr(value, name, _ABSENT) if value is not None else None
    path = f"{prefix}.{name}" if prefix else name
    if child is _ABSENT:
        raise ValueError(f"{path} is not a field of {type(value).__name__}")
    if not fan_out:
        yield from _resolve(child, rest, path)
        return
    for index, item in enumerate(child or ()):
        yield from _resolve(item, rest, f"{path}[{index}]")


def _is_empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (tuple, list, dict)):
        return not value
    return False


@rule("required_fields", applies_to=Invoice)
def required_fields(invoice: Invoice, context: ValidationContext) -> list[Finding]:
    """Every configured required field holds a value."""
    findings = []
    for dotted in context.settings.required_fields:
        # A misspelt path is a configuration bug: it raises, and the engine
        # reports it as rule_crashed rather than silently checking nothing.
        for path, value in _resolve(invoice, dotted.split("."), ""):
            if _is_empty(value):
                findings.append(error(MISSING_FIELD, f"{path} is required but missing", path))
    return findings
