from decimal import Decimal

import pytest

from clerk.errors import ConfigError
from clerk.bots import BotDefinition
from clerk.review.policy import ErpFacts, approval_plan
from clerk.review.settings import ApprovalPolicy, approval_policy
from tests.unit.review.conftest import BIG, SMALL, invoice

POLICY = ApprovalPolicy.model_validate({
    "departments": {"CC-100": "marketing"},
    "rules": [
        {"name": "department", "when": {"min_amount": "1000"},
         "steps": [{"name": "head", "approvers": ["dana"]}]},
        {"name": "finance", "when": {"min_amount": "5000"},
         "steps": [{"name": "finance", "approvers": ["group:finance"], "mode": "any"}]},
        {"name": "new-bank", "when": {"bank_account_changed": True},
         "steps": [{"name": "treasury", "approvers": ["fin1"]},
                   {"name": "controller", "approvers": ["fin2"]}], "parallel": True},
        {"name": "first", "when": {"first_invoice": True, "max_amount": "1000"},
         "steps": [{"name": "head", "approvers": ["dana"]}]},
        {"name": "marketing", "when": {"departments": ["marketing"]},
         "steps": [{"name": "cmo", "approvers": ["amy"]}]},
        {"name": "budget", "when": {"findings": ["over_budget"]},
         "steps": [{"name": "cfo", "approvers": ["root"]}]},
    ]})


def test_small_clean_invoice_needs_nobody():
    assert not approval_plan(invoice(SMALL), {}, POLICY, ErpFacts())


def test_above_threshold_needs_head_then_finance_in_order():
    plan = approval_plan(invoice(BIG), {}, POLICY, ErpFacts())
    assert [(s.name, s.position) for s in plan.steps] == [("head", 1), ("finance", 2)]
    assert plan.rules == ("department", "finance")
    assert plan.facts["amount"] == "9996.00"


def test_changed_bank_account_opens_parallel_steps():
    record = invoice(SMALL, iban="DE44500105175407324931")
    plan = approval_plan(record, {}, POLICY, {"bank_accounts": ["DE89 3704 0044 0532 0130 00"]})
    assert [(s.name, s.position) for s in plan.steps] == [("treasury", 1), ("controller", 1)]
    same = approval_plan(invoice(SMALL), {}, POLICY, {"bank_accounts": ["DE89370400440532013000"]})
    assert not same


def test_first_invoice_department_and_findings_conditions():
    assert [s.name for s in approval_plan(invoice(SMALL), {}, POLICY,
                                          ErpFacts(first_invoice=True)).steps] == ["head"]
    cc = invoice(SMALL).model_copy(update={"buyer_reference": "CC-100"})
    assert [s.name for s in approval_plan(cc, {}, POLICY, None).steps] == ["cmo"]
    row = {"findings": [{"code": "over_budget", "severity": "warning", "message": "x"}]}
    assert [s.name for s in approval_plan(invoice(SMALL), row, POLICY, None).steps] == ["cfo"]


def test_supplier_and_document_type_conditions():
    policy = ApprovalPolicy.model_validate({"rules": [
        {"name": "ghost", "when": {"suppliers": ["gb 980780684"], "document_types": ["invoice"]},
         "steps": [{"name": "s", "approvers": ["dana"]}]}]})
    assert approval_plan(invoice(SMALL, supplier="GHOST"), {}, policy, None)
    assert not approval_plan(invoice(SMALL), {}, policy, None)


def test_policy_is_strict_config():
    with pytest.raises(ConfigError) as caught:
        approval_policy(BotDefinition(name="b", approval={"rules": [
            {"name": "r", "when": {"min_amont": "1"}, "steps": [{"name": "s", "approvers": ["a"]}]}]}))
    assert "min_amont" in str(caught.value)
    assert Decimal("1000") == POLICY.rules[0].when.min_amount
