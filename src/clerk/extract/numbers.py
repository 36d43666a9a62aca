"""Numbers and dates as suppliers print them: "1,234.56", "1.234,56", "1 234,56"."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Literal

from clerk.errors import ExtractionError

NumberFormat = Literal["1,234.56", "1.234,56", "1 234,56", "1234.56"]
_SEPARATORS = {  # (thousands, decimal)
    "1,234.56": (",", "."), "1.234,56": (".", ","), "1 234,56": (" ", ","), "1234.56": ("", "."),
}
_SPACES = ("\u00a0", "\u202f", "\u2009", " ")


def parse_amount(text: str, number_format: NumberFormat, what: str = "amount") -> Decimal:
    """``"1.234,56"`` with format ``"1.234,56"`` -> ``Decimal("1234.56")``; trailing or leading minus kept."""
    thousands, decimal = _SEPARATORS[number_format]
    cleaned = text.strip()
    for space in _SPACES:
        cleaned = cleaned.replace(space, " " if thousands == " " else "")
    negative = cleaned.startswith("-") or cleaned.endswith("-")
    cleaned = cleaned.strip("-").strip()
    if thousands:
        cleaned = cleaned.replace(thousands, "")
    cleaned = cleaned.replace(decimal, ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ExtractionError("bad_number", f"{what}: {text[:40]!r} is not a number in {number_format}") from None
    if not value.is_finite():
        raise ExtractionError("bad_number", f"{what}: {text[:40]!r} is not finite")
    return -value if negative else value


def parse_date(text: str, date_format: str, what: str = "date") -> date:
    """``text`` by a strptime format (``%d.%m.%Y``); English month names for ``%b``."""
    try:
        return datetime.strptime(text.strip(), date_format).date()
    except ValueError:
        raise ExtractionError("bad_date", f"{what}: {text[:40]!r} does not match {date_format}") from None
