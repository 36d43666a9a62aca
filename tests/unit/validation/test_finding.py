from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from pydantic import ValidationError

from clerk.models.finding import Finding, Outcome, Severity, ValidationOutcome, error, warning


def test_expected_and_actual_keep_exact_figures_as_text():
    finding = error("total_mismatch", "m", "totals.gross", expected=Decimal("4.20"),
                    actual=date(2026, 11, 28))
    assert (finding.expected, finding.actual) == ("4.20", "2026-11-28")


def test_outcome_is_derived_from_findings():
    assert ValidationOutcome().outcome is Outcome.CLEAN
    assert ValidationOutcome(findings=(warning("w", "m"),)).outcome is Outcome.WARNINGS
    both = ValidationOutcome(findings=(warning("w", "m"), error("e", "m")))
    assert both.outcome is Outcome.ERRORS
    assert [f.code for f in both.errors] == ["e"] and [f.code for f in both.warnings] == ["w"]


def test_outcome_from_stored_dicts():
    stored = {"findings": [{"code": "x", "severity": "warning", "message": "m"}],
              "rules_run": ["r"]}
    assert ValidationOutcome.model_validate(stored).outcome is Outcome.WARNINGS


@pytest.mark.parametrize("bad", [
    {"code": "x", "severity": "fatal", "message": "m"},
    {"code": "x", "severity": "error"},
    {"code": "x", "severity": "error", "message": "m", "colour": "red"},
])
def test_malformed_findings_are_refused(bad):
    with pytest.raises(ValidationError):
        Finding.model_validate(bad)


def test_findings_are_frozen():
    with pytest.raises(ValidationError):
        error("e", "m").severity = Severity.INFO
