from __future__ import annotations

from datetime import date

from clerk.models.finding import Outcome
from clerk.validation import (
    StoredOutcome,
    ValidationContext,
    ValidationEngine,
    ValidationSettings,
    builtin_rules,
    load_rules,
    render_replay,
    replay,
)

from .invoices import PROJECT_KEYWORDS, invoice_for, line, po_1001_invoice, revised, with_totals


def paper(price: str):
    return invoice_for([line("1", "PAPER-A4", "Copy paper A4, 500 sheets", "10", price)])


PAST = {
    1: po_1001_invoice(),                                       # clean, stays clean
    2: paper("4.30"),                                           # inside 5%: flips when strict
    3: paper("4.90"),                                           # beyond 5%: error either way
    4: revised(po_1001_invoice(), issue_date=date(2026, 11, 28)),  # a Saturday
    5: with_totals(po_1001_invoice(), gross="1.00"),            # arithmetic error either way
}


def stored(engine: ValidationEngine, context: ValidationContext) -> list[StoredOutcome]:
    """What the store would hold after validating PAST with ``engine``."""
    return [StoredOutcome(item_id=item_id, record=invoice.model_dump_json(),
                          outcome=engine.validate(invoice, context.for_item(item_id))
                          .model_dump_json())
            for item_id, invoice in PAST.items()]


def lenient(erp) -> ValidationContext:
    return ValidationContext.for_run(ValidationSettings(price={"percent": "5"}), erp)


def test_tightened_tolerance_reports_exactly_the_flipped_item(erp):
    engine = ValidationEngine(builtin_rules())
    items = stored(engine, lenient(erp))
    strict = ValidationContext.for_run(ValidationSettings(), erp)
    report = replay(items, engine, strict)
    assert report.checked == 5 and report.skipped == ()
    [change] = report.changed
    assert (change.item_id, change.old, change.new) == (2, Outcome.CLEAN, Outcome.ERRORS)
    assert [(f.code, f.field) for f in change.added] == [("price_mismatch", "lines[0].unit_price")]
    assert change.removed == ()


def test_new_user_rule_flips_only_the_weekend_item(erp):
    before = ValidationEngine(builtin_rules())
    items = stored(before, lenient(erp))
    after = ValidationEngine(builtin_rules() + load_rules(PROJECT_KEYWORDS))
    report = replay(items, after, lenient(erp))
    assert [(c.item_id, c.old, c.new) for c in report.changed] == [
        (4, Outcome.CLEAN, Outcome.WARNINGS)]
    assert [f.code for f in report.changed[0].added] == ["weekend_invoice_date"]


def test_dropped_rule_flips_errors_to_clean_with_removed_findings(erp):
    everything = ValidationEngine(builtin_rules())
    items = stored(everything, lenient(erp))
    without_arithmetic = ValidationEngine(
        [s for s in builtin_rules() if s.name != "arithmetic"])
    report = replay(items, without_arithmetic, lenient(erp))
    [change] = report.changed
    assert (change.item_id, change.old, change.new) == (5, Outcome.ERRORS, Outcome.CLEAN)
    assert {f.code for f in change.removed} == {"total_mismatch"}


def test_replay_changes_nothing_and_writes_nothing_to_the_erp(erp):
    engine = ValidationEngine(builtin_rules())
    items = stored(engine, lenient(erp))
    snapshot = [item.model_copy() for item in items]
    replay(items, engine, ValidationContext.for_run(ValidationSettings(), erp))
    assert items == snapshot
    assert erp.calls["create"] == 0 and erp.calls["post_many"] == 0


def test_posted_item_is_not_its_own_duplicate(erp):
    engine = ValidationEngine(builtin_rules())
    [item] = [i for i in stored(engine, lenient(erp)) if i.item_id == 1]
    ref = erp.create(PAST[1], "item-1")
    report = replay([item.model_copy(update={"erp_id": ref.id})], engine,
                    ValidationContext.for_run(ValidationSettings(), erp))
    assert report.changed == ()
    # without the ERP id, the posted invoice would be found as a duplicate
    report = replay([item], engine, ValidationContext.for_run(ValidationSettings(), erp))
    assert [f.code for f in report.changed[0].added] == ["duplicate_invoice"]


def test_unreadable_items_are_skipped_and_named(erp):
    engine = ValidationEngine(builtin_rules())
    good = stored(engine, lenient(erp))[0]
    items = [
        StoredOutcome(item_id=90, record="{not json", outcome=good.outcome),
        StoredOutcome(item_id=91, record=good.record, outcome={"outcome": "clean",
                      "findings": [{"code": "x", "severity": "error", "message": "m"}]}),
        good,
    ]
    report = replay(items, engine, lenient(erp))
    assert report.checked == 1
    assert [s.item_id for s in report.skipped] == [90, 91]
    assert "contradicts" in report.skipped[1].reason


def test_text_report(erp):
    engine = ValidationEngine(builtin_rules())
    items = stored(engine, lenient(erp))
    strict = ValidationContext.for_run(ValidationSettings(), erp)
    text = render_replay(replay(items, engine, strict))
    assert text.splitlines()[0] == ("replayed 5 item(s) with 7 rule(s): "
                                    "1 would change, 4 unchanged")
    assert "  item 2: clean -> errors" in text
    assert "+ error price_mismatch [lines[0].unit_price]" in text
