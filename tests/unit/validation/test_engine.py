from __future__ import annotations

import pytest

from clerk.errors import BusinessException, ErpUnavailable
from clerk.models.finding import Outcome, Severity, ValidationOutcome
from clerk.models.invoice import Invoice
from clerk.validation import ValidationEngine, builtin_rules, error, rule, run_rule, warning
from clerk.validation.registry import spec_of

from .invoices import po_1001_invoice, with_totals


@rule("always_warns", applies_to=Invoice)
def always_warns(invoice, context):
    return [warning("just_saying", "a warning", "number")]


@rule("crashes", applies_to=Invoice)
def crashes(invoice, context):
    return [error("never", "never reached")] if 1 / 0 else []


@rule("raises_business", applies_to=Invoice)
def raises_business(invoice, context):
    raise BusinessException("blocked_vendor", "vendor is blocked", "seller.name")


@rule("returns_garbage", applies_to=Invoice)
def returns_garbage(invoice, context):
    return "not findings"


@rule("erp_down", applies_to=Invoice)
def erp_down(invoice, context):
    raise ErpUnavailable("connection refused")


@rule("only_for_str", applies_to=str)
def only_for_str(record, context):
    return [error("wrong", "should not run on an invoice")]


def test_decorated_rule_stays_a_plain_callable(context):
    assert always_warns(po_1001_invoice(), context)[0].code == "just_saying"
    assert spec_of(always_warns).name == "always_warns"


def test_crashing_rule_becomes_finding_and_other_rules_still_report(context):
    broken = with_totals(po_1001_invoice(), gross="1.00")
    engine = ValidationEngine([crashes, *builtin_rules(), always_warns])
    outcome = engine.validate(broken, context)
    codes = [f.code for f in outcome.findings]
    assert codes[0] == "rule_crashed"
    assert "ZeroDivisionError" in outcome.findings[0].message
    assert outcome.findings[0].rule == "crashes"
    assert "total_mismatch" in codes and "just_saying" in codes
    assert outcome.outcome is Outcome.ERRORS
    assert "crashes" in outcome.rules_run


def test_business_exception_becomes_finding_with_its_code(context):
    [finding] = run_rule(spec_of(raises_business), po_1001_invoice(), context)
    assert (finding.code, finding.field, finding.severity) == (
        "blocked_vendor", "seller.name", Severity.ERROR)


def test_rule_returning_garbage_is_reported_as_crashed(context):
    [finding] = run_rule(spec_of(returns_garbage), po_1001_invoice(), context)
    assert finding.code == "rule_crashed" and "str" in finding.message


def test_system_exception_propagates_so_the_item_is_retried(context):
    with pytest.raises(ErpUnavailable):
        ValidationEngine([always_warns, erp_down]).validate(po_1001_invoice(), context)


def test_rule_for_another_record_type_does_not_run(context):
    outcome = ValidationEngine([only_for_str, always_warns]).validate(po_1001_invoice(), context)
    assert outcome.rules_run == ("always_warns",)
    assert outcome.outcome is Outcome.WARNINGS


def test_findings_are_stamped_with_their_rule(context):
    outcome = ValidationEngine([always_warns]).validate(po_1001_invoice(), context)
    assert outcome.findings[0].rule == "always_warns"


def test_two_rules_with_one_name_are_refused():
    with pytest.raises(ValueError, match="always_warns"):
        ValidationEngine([always_warns, always_warns])


def test_undecorated_function_is_refused():
    with pytest.raises(TypeError, match="not a rule"):
        ValidationEngine([lambda record, context: []])


def test_rule_name_must_be_snake_case():
    with pytest.raises(ValueError):
        rule("Bad Name")


def test_outcome_round_trips_through_json(context):
    broken = with_totals(po_1001_invoice(), gross="1.00")
    outcome = ValidationEngine([*builtin_rules(), always_warns]).validate(broken, context)
    again = ValidationOutcome.model_validate_json(outcome.model_dump_json())
    assert again == outcome
    assert again.findings[0].expected == outcome.findings[0].expected


def test_stored_outcome_that_contradicts_its_findings_is_refused(context):
    outcome = ValidationEngine([always_warns]).validate(po_1001_invoice(), context)
    tampered = outcome.model_dump(mode="json") | {"outcome": "clean"}
    with pytest.raises(ValueError, match="contradicts"):
        ValidationOutcome.model_validate(tampered)
