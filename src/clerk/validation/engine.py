"""The validation engine: runs every applicable rule, keeps every finding.

A rule that crashes becomes a ``rule_crashed`` error finding and the other
rules still run; a rule raising ``BusinessException`` becomes a finding with
the exception's own code. A ``SystemException`` (the ERP is down) is not a
fact about the record: it propagates, so the queue retries the item instead
of sending a reviewer a finding that says nothing about the invoice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from clerk.errors import BusinessException, SystemException
from clerk.models.finding import Finding, Severity, ValidationOutcome
from clerk.validation.context import ValidationContext
from clerk.validation.registry import RuleSpec, as_specs

log = logging.getLogger(__name__)

RULE_CRASHED = "rule_crashed"


def run_rule(spec: RuleSpec, record: object, context: ValidationContext) -> list[Finding]:
    """Run one rule; never raises except ``SystemException``.

    Each finding is stamped with the rule's name.
    """
    try:
        result = spec.function(record, context)
    except SystemException:
        raise
    except BusinessException as exc:
        return [Finding(code=exc.code, severity=Severity.ERROR, message=exc.message,
                        field=exc.field, rule=spec.name)]
    except Exception as exc:  # noqa: BLE001 - any bug in a rule becomes a finding
        log.exception("validation rule %s crashed", spec.name)
        return [_crashed(spec, f"{type(exc).__name__}: {exc}")]
    if not isinstance(result, (list, tuple)) or not all(isinstance(f, Finding) for f in result):
        return [_crashed(spec, f"returned {type(result).__name__}, expected a list of Finding")]
    return [f if f.rule == spec.name else f.model_copy(update={"rule": spec.name})
            for f in result]


def _crashed(spec: RuleSpec, detail: str) -> Finding:
    return Finding(code=RULE_CRASHED, severity=Severity.ERROR, rule=spec.name,
                   message=f"validation rule {spec.name!r} failed ({detail}); "
                           "the record could not be fully checked")


class ValidationEngine:
    """A fixed set of rules, run in order against records.

    Build it once per run from the built-in rules and the user's rules
    (``ValidationEngine(builtin_rules() + load_rules(folder))``).
    """

    def __init__(self, rules: Iterable[Callable[..., Any] | RuleSpec]):
        self._rules = as_specs(rules)
        seen: set[str] = set()
        for spec in self._rules:
            if spec.name in seen:
                raise ValueError(f"two rules are named {spec.name!r}")
            seen.add(spec.name)

    @property
    def rules(self) -> tuple[RuleSpec, ...]:
        return tuple(self._rules)

    @property
    def rule_names(self) -> tuple[str, ...]:
        return tuple(spec.name for spec in self._rules)

    def rule(self, name: str) -> RuleSpec:
        for spec in self._rules:
            if spec.name == name:
                return spec
        raise KeyError(name)

    def validate(self, record: object, context: ValidationContext) -> ValidationOutcome:
        """Run every rule that applies to ``record``; the outcome of them all."""
        findings: list[Finding] = []
        ran: list[str] = []
        for spec in self._rules:
            if not spec.applies(record):
                continue
            ran.append(spec.name)
            findings.extend(run_rule(spec, record, context))
        return ValidationOutcome(findings=tuple(findings), rules_run=tuple(ran))
