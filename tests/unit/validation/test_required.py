from __future__ import annotations

import pytest
from pydantic import ValidationError

from clerk.validation import ValidationSettings
from clerk.validation.rules.required import required_fields

from .invoices import po_1001_invoice, revised


def test_complete_invoice_passes(context):
    assert required_fields(po_1001_invoice(), context) == []


def test_missing_and_blank_fields_are_named(context):
    invoice = revised(po_1001_invoice(), number="  ",
                      seller={"name": "Acme Office Supplies Ltd", "tax_id": None}, lines=[])
    findings = required_fields(invoice, context)
    assert {(f.code, f.field) for f in findings} == {
        ("missing_field", "number"), ("missing_field", "seller.tax_id"),
        ("missing_field", "lines")}
    assert all(f.severity.value == "error" for f in findings)


def test_per_line_fields_name_the_line(make_context):
    invoice = po_1001_invoice()
    lines = [invoice.lines[0].model_dump(), {**invoice.lines[1].model_dump(), "unit": None}]
    settings = ValidationSettings(required_fields=("order_reference", "lines[].unit"))
    findings = required_fields(revised(invoice, lines=lines), make_context(settings))
    assert [(f.code, f.field) for f in findings] == [("missing_field", "lines[1].unit")]


@pytest.mark.parametrize("path", ["selller.tax_id", "seller.tax_id.x", "lines.unit",
                                  "number[]", "lines[].colour"])
def test_misspelt_required_path_is_refused_at_load(path):
    with pytest.raises(ValidationError, match="not"):
        ValidationSettings(required_fields=(path,))


def test_path_that_slips_past_the_settings_is_still_loud(make_context, engine):
    settings = ValidationSettings.model_construct(required_fields=("selller.tax_id",))
    outcome = engine.validate(po_1001_invoice(), make_context(settings))
    [finding] = outcome.findings
    assert finding.code == "rule_crashed" and "selller" in finding.message
