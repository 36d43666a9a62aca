"""The reference invoice passes every built-in rule: the failing cases elsewhere
break exactly one thing, so this is their control."""

from clerk.models.finding import Outcome
from clerk.validation import Route, decide

from .invoices import po_1001_invoice


def test_reference_invoice_is_clean_under_every_builtin_rule(engine, context):
    outcome = engine.validate(po_1001_invoice(), context)
    assert outcome.findings == ()
    assert outcome.outcome is Outcome.CLEAN
    assert outcome.rules_run == ("required_fields", "arithmetic", "supplier_known",
                                 "bank_account", "duplicate_invoice", "purchase_order",
                                 "three_way_match")
    assert decide(outcome).route is Route.VALIDATED
