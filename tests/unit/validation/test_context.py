from __future__ import annotations

import pytest

from clerk.errors import ErpUnavailable
from clerk.validation import ValidationContext, ValidationEngine, ValidationSettings, builtin_rules

from .invoices import po_1001_invoice


def test_erp_lookups_are_cached_for_the_run(erp):
    run = ValidationContext.for_run(ValidationSettings(), erp)
    engine = ValidationEngine(builtin_rules())
    for item_id in range(50):
        assert engine.validate(po_1001_invoice(), run.for_item(item_id)).findings == ()
    assert erp.calls["find_supplier"] == 1
    assert erp.calls["get_purchase_order"] == 1
    assert erp.calls["open_invoices"] == 1
    assert run.erp.erp_calls == 3


def test_misses_are_cached_too(erp):
    run = ValidationContext.for_run(ValidationSettings(), erp)
    for _ in range(3):
        assert run.erp.purchase_order("PO-9999") is None
    assert erp.calls["get_purchase_order"] == 1


def test_a_new_run_sees_changes_in_the_erp(erp):
    first = ValidationContext.for_run(ValidationSettings(), erp)
    assert first.erp.purchase_order("PO-1001").is_open
    erp.replace_order("PO-1001", is_open=False)
    assert first.erp.purchase_order("PO-1001").is_open          # same run: cached
    assert not ValidationContext.for_run(ValidationSettings(), erp).erp.purchase_order(
        "PO-1001").is_open


class FlakyErp:
    """Refuses the first call, then answers: errors must not be cached."""

    def __init__(self, erp):
        self.erp, self.failed = erp, False

    def get_purchase_order(self, number):
        if not self.failed:
            self.failed = True
            raise ErpUnavailable("connection refused")
        return self.erp.get_purchase_order(number)


def test_errors_are_not_cached(erp):
    run = ValidationContext.for_run(ValidationSettings(), FlakyErp(erp))
    with pytest.raises(ErpUnavailable):
        run.erp.purchase_order("PO-1001")
    assert run.erp.purchase_order("PO-1001").number == "PO-1001"
