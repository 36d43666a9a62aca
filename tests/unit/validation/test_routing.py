from clerk.models.finding import Finding, Severity, ValidationOutcome
from clerk.validation import Route, decide


def _outcome(*severities: Severity) -> ValidationOutcome:
    return ValidationOutcome(findings=tuple(
        Finding(code=f"c{i}", severity=s, message="m") for i, s in enumerate(severities)))


def test_any_error_needs_review_with_all_findings():
    decision = decide(_outcome(Severity.WARNING, Severity.ERROR, Severity.INFO))
    assert decision.route is Route.NEEDS_REVIEW
    assert len(decision.findings) == 3
    assert "c1" in decision.reason


def test_warnings_do_not_block():
    decision = decide(_outcome(Severity.WARNING, Severity.INFO))
    assert decision.route is Route.VALIDATED and len(decision.findings) == 2


def test_clean_is_validated():
    assert decide(_outcome()).route is Route.VALIDATED
    assert decide(_outcome(Severity.INFO)).reason == "clean"
