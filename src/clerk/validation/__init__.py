"""The validation engine: rules look at a record and return reason-coded findings.

A bot author needs only these names::

    from clerk.validation import Finding, Severity, rule, error, warning

    @rule("weekend_invoice_date", applies_to=Invoice)
    def weekend_invoice_date(invoice, context) -> list[Finding]: ...
"""

from clerk.models.finding import (
    Finding,
    Outcome,
    Severity,
    ValidationOutcome,
    error,
    warning,
)
from clerk.validation.context import ErpLookups, QueueDuplicates, ValidationContext
from clerk.validation.engine import ValidationEngine, run_rule
from clerk.validation.loader import load_rules
from clerk.validation.registry import Rule, RuleSpec, rule
from clerk.validation.replay import ReplayReport, StoredOutcome, render_replay, replay
from clerk.validation.routing import Route, RoutingDecision, decide
from clerk.validation.rules import builtin_rules
from clerk.validation.settings import SupplierOverride, Tolerance, ValidationSettings

__all__ = [
    "ErpLookups", "Finding", "Outcome", "QueueDuplicates", "ReplayReport", "Route",
    "RoutingDecision", "Rule", "RuleSpec", "Severity", "StoredOutcome", "SupplierOverride",
    "Tolerance", "ValidationContext", "ValidationEngine", "ValidationOutcome",
    "ValidationSettings", "builtin_rules", "decide", "error", "load_rules", "render_replay",
    "replay", "rule", "run_rule", "warning",
]
