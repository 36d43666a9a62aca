from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import ValidationError

from clerk.validation import Tolerance, ValidationSettings


def test_tolerance_takes_the_more_generous_of_percent_and_absolute():
    tolerance = Tolerance(percent="10", absolute="1")
    assert tolerance.allowance(Decimal("5")) == Decimal("1")
    assert tolerance.allowance(Decimal("50")) == Decimal("5")
    assert tolerance.allows(Decimal("50"), Decimal("55"))
    assert not tolerance.allows(Decimal("50"), Decimal("55.01"))


def test_supplier_override_replaces_only_what_it_names():
    settings = ValidationSettings(rounding="0.02", price={"percent": "1"},
                                  suppliers={"de 129 274 202": {"quantity": {"absolute": "2"}}})
    acme = settings.for_supplier("DE129274202")
    assert acme.rounding == Decimal("0.02") and acme.price.percent == Decimal("1")
    assert acme.quantity.absolute == Decimal("2")
    assert settings.for_supplier("FR40303265045").quantity == Tolerance()
    assert settings.for_supplier(None).quantity == Tolerance()


@pytest.mark.parametrize("bad", [
    {"rounding": "-0.01"},
    {"price": {"percent": "-1"}},
    {"tolerance": "0.01"},                               # misspelt key
    {"suppliers": {"  ": {}}},
    {"suppliers": {"DE1": {}, "de1": {}}},
])
def test_bad_settings_are_refused_at_load(bad):
    with pytest.raises(ValidationError):
        ValidationSettings.model_validate(bad)
