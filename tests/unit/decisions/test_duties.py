"""Separation of duties as pure functions: which corrections need a second
person, which steps a plan gains, how a bot's [duties] table is read."""

from decimal import Decimal

import pytest
from pydantic import ValidationError

from clerk.decisions import ACTIONS, DutySettings
from clerk.decisions.duties import duty_settings, needs_confirmation, with_duty_steps
from clerk.errors import ConfigError
from clerk.review.policy import ApprovalPlan, PlannedStep

SAFE = DutySettings()
HEAD = PlannedStep(name="department head", approvers=("dan",), mode="any", position=1)


@pytest.mark.parametrize(("changes", "reasons"), [
    ({"seller.name": ["Ghost", "Nordwind"]}, ["seller.name changed"]),
    ({"seller.tax_id": ["GB1", "DE2"]}, ["seller.tax_id changed"]),
    ({"seller.iban": ["DE1", "DE2"]}, ["seller.iban changed"]),
    ({"totals.gross": ["59.98", "49.98"]}, ["totals.gross changed by more than 0.00"]),
    ({"lines.0.unit_price": ["4.20", "4.21"]}, ["lines.0.unit_price changed by more than 0.00"]),
    ({"totals.gross": ["59.98", "not a number"]}, ["totals.gross changed by more than 0.00"]),
    ({"note": ["", "checked"], "issue_date": ["2026-11-01", "2026-11-02"]}, []),
])
def test_what_needs_a_second_person_by_default(changes, reasons):  # noqa: ANN001
    assert needs_confirmation(changes, SAFE) == reasons


def test_amounts_within_the_tolerance_need_nobody():
    lenient = DutySettings(amount_tolerance=Decimal("0.05"))
    assert needs_confirmation({"totals.gross": ["49.98", "50.02"]}, lenient) == []
    assert needs_confirmation({"totals.gross": ["49.98", "50.04"]}, lenient) != []


def test_duty_steps_come_after_the_policy_steps():
    plan = ApprovalPlan(steps=(HEAD,), rules=("big",))
    both = with_duty_steps(plan, SAFE, confirm=["seller.name changed"], overridden=["x"],
                           bank_changed=True)
    assert [(s.name, s.position, s.approvers) for s in both.steps] == [
        ("department head", 1, ("dan",)),
        ("correction confirmed by a second person", 2, ("role:approver",)),
        ("bank account confirmed by call-back to the supplier", 3, ("role:approver",))]
    assert both.facts["duties"]["overridden"] == ["x"] and both.rules == ("big",)


def test_an_override_never_leaves_without_a_step():
    plan = with_duty_steps(ApprovalPlan(), SAFE, confirm=[], overridden=["total_mismatch"],
                           bank_changed=False)
    assert [s.name for s in plan.steps] == ["findings override approved"]
    assert not with_duty_steps(ApprovalPlan(), SAFE, confirm=[], overridden=[], bank_changed=False)


def test_the_call_back_is_waived_only_explicitly():
    waived = DutySettings(waive_bank_callback=True)
    assert not with_duty_steps(ApprovalPlan(), waived, confirm=[], overridden=[], bank_changed=True)
    named = DutySettings(bank_callback_step={"name": "treasury call-back", "approvers": ["cat"]})
    plan = with_duty_steps(ApprovalPlan(steps=(HEAD,)), named, confirm=[], overridden=[],
                           bank_changed=True)
    assert [s.name for s in plan.steps] == ["department head", "treasury call-back"]


def test_a_step_the_policy_already_names_is_kept_once():
    same = PlannedStep(name="findings override approved", approvers=("cat",), mode="any", position=1)
    plan = with_duty_steps(ApprovalPlan(steps=(same,)), SAFE, confirm=[], overridden=["x"],
                           bank_changed=False)
    assert [s.approvers for s in plan.steps] == [("cat",)]


def test_a_misspelt_duty_key_is_a_config_error():
    with pytest.raises(ConfigError) as error:
        duty_settings({"separate_dutie": False}, "supplier_invoices")
    assert error.value.key == "duties.separate_dutie"
    assert "bots/supplier_invoices.toml" in str(error.value)
    with pytest.raises(ConfigError):
        duty_settings({"amount_tolerance": "-1"}, "b")


def test_actions_are_typed_at_the_edge():
    assert ACTIONS.validate_python({"kind": "accept", "justification": "  ok  "}).justification == "ok"
    with pytest.raises(ValidationError):
        ACTIONS.validate_python({"kind": "post_now"})
    with pytest.raises(ValidationError):
        ACTIONS.validate_python({"kind": "approve_step", "step_id": 2**64})
    with pytest.raises(ValidationError):
        ACTIONS.validate_python({"kind": "comment", "body": "x" * 4001})
