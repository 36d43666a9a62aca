from decimal import Decimal

import pytest

from clerk.errors import ExtractionError
from clerk.extract.numbers import parse_amount


@pytest.mark.parametrize("text, expected", [
    ("€ 1.234,56", "1234.56"), ("1,234.56 EUR", "1234.56"), ("1 234,56 €", "1234.56"),
    ("1\u202f234,56", "1234.56"), ("CHF 1'234.50", "1234.50"), ("12,5", "12.5"), ("-1.234,56", "-1234.56"),
    ("1.234,56-", "-1234.56"), ("$1,234,567.00", "1234567.00"), ("1234", "1234"),
])
def test_auto_reads_either_decimal_mark_with_thousands_and_currency(text, expected):
    assert parse_amount(text, "auto") == Decimal(expected)


@pytest.mark.parametrize("text", ["1.234", "1,234", "1.234.567"])
def test_auto_refuses_what_it_would_have_to_guess(text):
    with pytest.raises(ExtractionError) as caught:
        parse_amount(text, "auto")
    assert caught.value.reason == "bad_number" and "ambiguous" in caught.value.message


def test_a_fixed_format_drops_a_currency_code_or_symbol():
    assert parse_amount("EUR 1.234,56", "1.234,56") == Decimal("1234.56")
    assert parse_amount("1,234.56 $", "1,234.56") == Decimal("1234.56")
