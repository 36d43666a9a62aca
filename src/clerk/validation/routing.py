"""Where a validated record goes next. The queue makes the state change; this
module only decides it, so the rule is written once."""

from __future__ import annotations

from enum import Enum

from pydantic import BaseModel, ConfigDict

from clerk.models.finding import Finding, Outcome, ValidationOutcome


class Route(str, Enum):
    VALIDATED = "validated"          # on to approval / posting
    NEEDS_REVIEW = "needs_review"    # a person must look at the findings


class RoutingDecision(BaseModel):
    """The next state and what the reviewer (or the record's page) is shown.

    ``findings`` holds all findings, warnings included, in both routes.
    """

    model_config = ConfigDict(frozen=True)

    route: Route
    reason: str
    findings: tuple[Finding, ...]


def decide(outcome: ValidationOutcome) -> RoutingDecision:
    """Any error sends the item to review; warnings are shown but do not block."""
    if outcome.outcome is Outcome.ERRORS:
        codes = sorted({f.code for f in outcome.errors})
        return RoutingDecision(route=Route.NEEDS_REVIEW, findings=outcome.findings,
                               reason=f"{len(outcome.errors)} error(s): {', '.join(codes)}")
    if outcome.outcome is Outcome.WARNINGS:
        return RoutingDecision(route=Route.VALIDATED, findings=outcome.findings,
                               reason=f"valid with {len(outcome.warnings)} warning(s)")
    return RoutingDecision(route=Route.VALIDATED, findings=outcome.findings, reason="clean")
