"""What validation says about a record: reason-coded findings and their outcome.

Both models are stored with the work item as JSON, so they round-trip through
``model_dump_json`` / ``model_validate_json`` unchanged.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator, model_validator


class Severity(str, Enum):
    """``error`` blocks posting; ``warning`` is shown to people but does not block."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Outcome(str, Enum):
    CLEAN = "clean"          # no finding, or only info
    WARNINGS = "warnings"    # at least one warning, no error
    ERRORS = "errors"        # at least one error


class Finding(BaseModel):
    """One reason-coded result of a rule.

    ``code`` is stable (``total_mismatch``, ``bank_account_changed`` ...) so
    reports and policies can rely on it; ``field`` is a dotted path into the
    record (``totals.gross``, ``lines[2].quantity``) or ``None`` for the record
    as a whole; ``expected``/``actual`` are shown side by side to the reviewer.
    ``rule`` names the rule that produced it (the engine fills it in).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str
    severity: Severity
    message: str
    field: str | None = None
    expected: str | None = None
    actual: str | None = None
    rule: str | None = None

    @field_validator("expected", "actual", mode="before")
    @classmethod
    def _as_text(cls, value: Any) -> Any:
        # Rules pass Decimals, ints and dates; storing text keeps the exact
        # figure (Decimal("4.20") stays "4.20") and makes JSON round-trip exact.
        if isinstance(value, (Decimal, int, date)) and not isinstance(value, bool):
            return str(value)
        return value

    @property
    def identity(self) -> tuple[str, Severity, str | None]:
        """What makes two findings "the same" across runs (wording may change)."""
        return (self.code, self.severity, self.field)


def error(code: str, message: str, field: str | None = None, *,
          expected: Any = None, actual: Any = None) -> Finding:
    return Finding(code=code, severity=Severity.ERROR, message=message, field=field,
                   expected=expected, actual=actual)


def warning(code: str, message: str, field: str | None = None, *,
            expected: Any = None, actual: Any = None) -> Finding:
    return Finding(code=code, severity=Severity.WARNING, message=message, field=field,
                   expected=expected, actual=actual)


def outcome_of(findings: tuple[Finding, ...] | list[Finding]) -> Outcome:
    severities = {finding.severity for finding in findings}
    if Severity.ERROR in severities:
        return Outcome.ERRORS
    if Severity.WARNING in severities:
        return Outcome.WARNINGS
    return Outcome.CLEAN


class ValidationOutcome(BaseModel):
    """All findings of one validation run, the rules that ran, and the verdict.

    ``outcome`` is derived from the findings; when given (as in stored JSON) it
    must agree with them, so a tampered or stale record is refused, not trusted.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    findings: tuple[Finding, ...] = ()
    rules_run: tuple[str, ...] = ()
    outcome: Outcome = Outcome.CLEAN

    @model_validator(mode="before")
    @classmethod
    def _derive_outcome(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("outcome") is None:
            findings = [f if isinstance(f, Finding) else Finding.model_validate(f)
                        for f in data.get("findings") or ()]
            data = {**data, "findings": tuple(findings), "outcome": outcome_of(findings)}
        return data

    @model_validator(mode="after")
    def _outcome_agrees(self) -> ValidationOutcome:
        derived = outcome_of(self.findings)
        if self.outcome != derived:
            raise ValueError(f"outcome {self.outcome.value!r} contradicts the findings "
                             f"(which give {derived.value!r})")
        return self

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.WARNING)
